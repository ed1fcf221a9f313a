"""Polls and questionnaires: administrators create them on /agent/polls,
residents answer them on /{lang}/polls once each (a signed cookie, a cap
per client address, or a mobile number confirmed by an SMS code sent
through Kannel), and the results on both sides and in the CSV match the
answers this module submitted."""
import collections
import csv
import datetime
import base64
import hashlib
import hmac
import html
import io
import random
import re
import subprocess
import threading
import unittest
import urllib.parse

import stack
import test_sms

MUSCAT = datetime.timedelta(hours=4)
_serial = iter(range(1, 1000000))


def local_time(**delta):
    """Returns now in Muscat plus delta as a datetime-local value."""
    now = datetime.datetime.utcnow() + MUSCAT + datetime.timedelta(**delta)
    return now.strftime("%Y-%m-%dT%H:%M")


def unique(text):
    return "%s %d-%d" % (text, random.randrange(1000000), next(_serial))


def mobile_voter(phone):
    """The voter hash lib/polls.c stores for a confirmed number:
    hex HMAC-SHA256 under Secrets.Key of "poll-mobile" NUL number."""
    return hmac.new(stack.secret().encode(), b"poll-mobile\0" + phone.encode(),
                    hashlib.sha256).hexdigest()


def code_hash(poll_id, phone, code):
    """The stored form of an SMS code, as tw_poll_code_hash makes it."""
    mac = hmac.new(stack.secret().encode(),
                   b"poll-code\0" + ("%s:%s:%s" % (poll_id, phone, code)).encode(),
                   hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def poll_form(kind="poll", questions=None, **values):
    """Returns the fields of the admin form: a poll open from an hour
    ago for a day, with one single-choice question unless questions (a
    list of dicts of the qN_ fields without the prefix) are given."""
    fields = {
        "kind": kind,
        "title_ar": unique("استطلاع"),
        "title_en": unique("Poll"),
        "opens": local_time(hours=-1),
        "closes": local_time(days=1),
        "show_results": "1",
        "max_per_address": "50",
    }
    if questions is None:
        questions = [{"kind": "single", "text_ar": "أي يوم تفضل؟",
                      "text_en": "Which day do you prefer?", "required": "1",
                      "choices_ar": "الجمعة\nالسبت\nالأحد",
                      "choices_en": "Friday\nSaturday\nSunday"}]
    for i, question in enumerate(questions):
        for name, value in question.items():
            fields["q%d_%s" % (i + 1, name)] = value
    for name, value in values.items():
        if value is None:
            fields.pop(name, None)
        else:
            fields[name] = value
    return fields


QUESTIONNAIRE = [
    {"kind": "single", "text_ar": "هل شارعك نظيف؟", "text_en": "Is your street clean?",
     "required": "1", "choices_ar": "نعم\nلا", "choices_en": "Yes\nNo"},
    {"kind": "multiple", "text_ar": "ما الذي يجب تحسينه؟",
     "text_en": "What should improve?", "required": "1",
     "choices_ar": "حاويات أكثر\nجمع ليلي\nكنس الشوارع",
     "choices_en": "More bins\nNight collection\nStreet sweeping"},
    {"kind": "scale", "text_ar": "قيّم الخدمة", "text_en": "Rate the service",
     "required": "1"},
    {"kind": "text", "text_ar": "ملاحظات أخرى", "text_en": "Anything else?"},
]


def create(admin, fields):
    """Posts the admin form and returns the new poll's id."""
    fields = dict(fields, csrf=admin.csrf)
    response = admin.post("/agent/polls", fields)
    match = re.match(r"^/agent/polls/results/(\d+)\?saved=1$",
                     response.header("Location") or "")
    if response.status != 303 or match is None:
        raise AssertionError("POST /agent/polls returned %d: %s" % (
            response.status, stack.alert_text(response) or response.text[-2000:]))
    return match.group(1)


def questions(poll_id):
    """Returns the poll's questions as dicts: id, kind, text_ar, text_en,
    required and choices, a list of (id, text_ar, text_en)."""
    rows = stack.sql("SELECT id, kind, text_ar, text_en, required FROM poll_questions"
                     " WHERE poll_id = @p1 ORDER BY position", poll_id)
    result = []
    for row in rows:
        choices = stack.sql("SELECT id, text_ar, text_en FROM poll_choices"
                            " WHERE question_id = @p1 ORDER BY position", row[0])
        result.append(dict(zip(("id", "kind", "text_ar", "text_en", "required"), row),
                           choices=[tuple(c) for c in choices]))
    return result


def responses(poll_id):
    return stack.count("poll_responses", "poll_id = @p1", poll_id)


def answer_rows():
    return stack.count("poll_answers")


def resident(poll_id, lang="en"):
    """Opens the poll page in a new browser and returns (browser, page)."""
    browser = stack.Browser()
    page = browser.get("/%s/polls/%s" % (lang, poll_id))
    if page.status != 200:
        raise AssertionError("GET poll %s returned %d" % (poll_id, page.status))
    return browser, page


def post_answers(browser, page, poll_id, answers, lang="en"):
    """Posts answers (a dict of field name to a value or list of values)
    with the page's csrf field."""
    fields = [("csrf", stack.hidden_fields(page)["csrf"])]
    for name, value in answers.items():
        for item in value if isinstance(value, list) else [value]:
            fields.append((name, item))
    return browser.post("/%s/polls/%s" % (lang, poll_id), fields)


def result_counts(page, question_id):
    """Returns {answer key: (count, percent)} of a question's results
    table and the number of responses that answered it."""
    section = re.search(r'<section class="poll-result" id="result-%s".*?</section>'
                        % question_id, page.text, re.S)
    if section is None:
        raise AssertionError("no results for question %s" % question_id)
    rows = re.findall(r'<tr data-answer="([^"]+)">\s*<th[^>]*>.*?</th>\s*'
                      r'<td class="count">(\d+)</td>\s*<td class="percent">'
                      r'<bdi dir="ltr">([\d.]+)%</bdi>', section.group(0), re.S)
    answered = re.search(r'<span class="answered">(\d+)</span>', section.group(0))
    return ({key: (int(n), pct) for key, n, pct in rows},
            int(answered.group(1)), section.group(0))


def bar_widths(section):
    return [int(w) for w in re.findall(r'<rect class="bar" x="0" y="\d+" width="(\d+)"',
                                       section)]


def percent(count, total):
    return "%.1f" % (100.0 * count / total if total else 0.0)


class AdminTest(unittest.TestCase):
    """The intranet pages that make polls, and who may use them."""

    @classmethod
    def setUpClass(cls):
        cls.admin = stack.StaffBrowser("admin")

    def test_create_poll_stores_both_languages(self):
        fields = poll_form()
        poll_id = create(self.admin, fields)
        row = stack.sql("SELECT kind, title_ar, title_en, show_results, require_mobile,"
                        " max_per_address FROM polls WHERE id = @p1", poll_id)[0]
        self.assertEqual(row, ["poll", fields["title_ar"], fields["title_en"], "1", "0", "50"])
        stored = questions(poll_id)
        self.assertEqual(len(stored), 1)
        self.assertEqual(stored[0]["kind"], "single")
        self.assertEqual(stored[0]["text_ar"], fields["q1_text_ar"])
        self.assertEqual([c[1:] for c in stored[0]["choices"]],
                         list(zip(fields["q1_choices_ar"].split("\n"),
                                  fields["q1_choices_en"].split("\n"))))
        listing = self.admin.get("/agent/polls")
        self.assertEqual(listing.status, 200)
        self.assertIn('data-id="%s"' % poll_id, listing.text)
        for lang, title in (("en", fields["title_en"]), ("ar", fields["title_ar"])):
            with self.subTest(lang=lang):
                page = stack.Browser().get("/%s/polls" % lang)
                self.assertEqual(page.status, 200)
                self.assertIn(html.escape(title, quote=True), page.text)
                self.assertIn('data-id="%s"' % poll_id, page.text)

    def test_create_questionnaire(self):
        fields = poll_form("questionnaire", QUESTIONNAIRE)
        poll_id = create(self.admin, fields)
        stored = questions(poll_id)
        self.assertEqual([q["kind"] for q in stored], ["single", "multiple", "scale", "text"])
        self.assertEqual([q["required"] for q in stored], ["1", "1", "1", "0"])
        self.assertEqual([len(q["choices"]) for q in stored], [2, 3, 0, 0])
        self.assertEqual(stored[3]["text_en"], "Anything else?")

    def test_new_form_page(self):
        page = self.admin.get("/agent/polls/new")
        self.assertEqual(page.status, 200)
        self.assertEqual(stack.hidden_fields(page)["csrf"], self.admin.csrf)
        self.assertEqual(len(re.findall(r'<fieldset class="question-slot"', page.text)), 10)
        self.assertEqual(stack.form_value(page, "kind"), "poll")
        self.assertEqual(stack.form_value(page, "q1_kind"), "single")
        self.assertEqual(stack.form_value(page, "q2_kind"), "")
        self.assertIn('id="nav-polls"', page.text)

    def test_home_links_to_polls(self):
        for lang in ("ar", "en"):
            page = stack.Browser().get("/%s/" % lang)
            self.assertIn('href="/%s/polls" id="nav-polls"' % lang, page.text)
            self.assertIn('id="home-polls"', page.text)

    def test_roles(self):
        poll_id = create(self.admin, poll_form())
        agent = stack.StaffBrowser("agent")
        for path in ("/agent/polls", "/agent/polls/new", "/agent/polls/%s" % poll_id,
                     "/agent/polls/results/%s" % poll_id):
            with self.subTest(role="agent", path=path):
                self.assertEqual(agent.get(path).status, 403)
        supervisor = stack.StaffBrowser("supervisor")
        self.assertEqual(supervisor.get("/agent/polls").status, 200)
        self.assertEqual(supervisor.get("/agent/polls/results/%s" % poll_id).status, 200)
        self.assertEqual(supervisor.get("/agent/polls/new").status, 403)
        self.assertEqual(supervisor.get("/agent/polls/%s" % poll_id).status, 403)
        before = stack.count("polls")
        response = supervisor.post("/agent/polls", dict(poll_form(), csrf=supervisor.csrf))
        self.assertEqual(response.status, 403)
        self.assertEqual(stack.count("polls"), before)

    def test_bad_csrf_on_edit(self):
        poll_id = create(self.admin, poll_form())
        fields = poll_form(title_en="Changed")
        for csrf in (None, "", "A" * 43):
            posted = dict(fields)
            if csrf is not None:
                posted["csrf"] = csrf
            response = self.admin.post("/agent/polls/%s" % poll_id, posted)
            self.assertEqual(response.status, 403)
        self.assertNotEqual(stack.sql("SELECT title_en FROM polls WHERE id = @p1",
                                      poll_id)[0][0], "Changed")

    BAD_FORMS = [
        # (what, fields changed, field with the error, message key, {n})
        ("missing title", {"title_en": ""}, "title_en", "Err.Required", None),
        ("bad time", {"opens": "tomorrow"}, "opens", "Agent.Polls.BadTime", None),
        ("impossible date", {"closes": "2026-02-30T08:00"}, "closes",
         "Agent.Polls.BadTime", None),
        ("closes before opens", {"closes": local_time(hours=-2)}, "closes",
         "Agent.Polls.ClosesBeforeOpens", None),
        ("one choice", {"q1_choices_ar": "الجمعة", "q1_choices_en": "Friday"},
         "q1_choices_ar", "Agent.Polls.ChoicesFew", 2),
        ("choices differ", {"q1_choices_en": "Friday\nSaturday"}, "q1_choices_en",
         "Agent.Polls.ChoicesMismatch", None),
        ("eleven choices", {"q1_choices_ar": "\n".join("خيار %d" % i for i in range(11)),
                            "q1_choices_en": "\n".join("c%d" % i for i in range(11))},
         "q1_choices_ar", "Agent.Polls.ChoicesMany", 10),
        ("poll of two questions", {"q2_kind": "single", "q2_text_ar": "سؤال",
                                   "q2_text_en": "Second", "q2_choices_ar": "أ\nب",
                                   "q2_choices_en": "a\nb"},
         "q2_kind", "Agent.Polls.PollOneQuestion", None),
        ("poll of a scale", {"q1_kind": "scale", "q1_choices_ar": None,
                             "q1_choices_en": None},
         "q1_kind", "Agent.Polls.PollChoiceKind", None),
        ("scale with choices", {"kind": "questionnaire", "q1_kind": "scale"},
         "q1_choices_ar", "Agent.Polls.ChoicesUnused", None),
        ("no question", {"q1_kind": None, "q1_text_ar": None, "q1_text_en": None,
                         "q1_choices_ar": None, "q1_choices_en": None, "q1_required": None},
         "q1_kind", "Agent.Polls.NoQuestions", None),
        ("unknown kind", {"q1_kind": "ranking"}, "q1_kind", "Err.Choice", None),
        ("question without Arabic", {"q1_text_ar": ""}, "q1_text_ar", "Err.Required", None),
        ("limit not a number", {"max_per_address": "many"}, "max_per_address",
         "Agent.Polls.BadLimit", 1000000),
        ("limit zero", {"max_per_address": "0"}, "max_per_address",
         "Agent.Polls.BadLimit", 1000000),
    ]

    def test_bad_forms_both_languages(self):
        for lang in ("en", "ar"):
            admin = stack.StaffBrowser("admin", lang=lang)
            for what, changes, field, key, n in self.BAD_FORMS:
                with self.subTest(lang=lang, case=what):
                    fields = poll_form(**changes)
                    fields["csrf"] = admin.csrf
                    before = (stack.count("polls"), stack.count("poll_questions"))
                    page = admin.post("/agent/polls", fields)
                    self.assertEqual(page.status, 422)
                    self.assertEqual(stack.field_error(page, field),
                                     stack.message(lang, key, n))
                    self.assertEqual((stack.count("polls"), stack.count("poll_questions")),
                                     before)
                    for name in ("title_ar", "title_en", "q1_text_ar"):
                        if fields.get(name):
                            self.assertEqual(stack.form_value(page, name), fields[name])

    def test_edit_before_and_after_answers(self):
        fields = poll_form()
        poll_id = create(self.admin, fields)
        page = self.admin.get("/agent/polls/%s" % poll_id)
        self.assertEqual(page.status, 200)
        self.assertEqual(stack.form_value(page, "q1_choices_en"), fields["q1_choices_en"])

        # Without answers every field may change, choices included.
        changed = dict(fields, q1_choices_ar="نعم\nلا", q1_choices_en="Yes\nNo",
                       csrf=self.admin.csrf)
        self.assertEqual(self.admin.post("/agent/polls/%s" % poll_id, changed).status, 303)
        choices = questions(poll_id)[0]["choices"]
        self.assertEqual([c[2] for c in choices], ["Yes", "No"])

        browser, page = resident(poll_id)
        qid = questions(poll_id)[0]["id"]
        self.assertEqual(post_answers(browser, page, poll_id, {"q%s" % qid: choices[1][0]}).status,
                         200)

        # With an answer the questions are read only, so a post that
        # changes them changes only the title and the closing time.
        page = self.admin.get("/agent/polls/%s" % poll_id)
        self.assertIn('id="poll-locked"', page.text)
        self.assertIsNone(stack.form_value(page, "q1_choices_en"))
        closes = local_time(days=3)
        locked = dict(changed, title_en="Renamed after answers", closes=closes,
                      q1_choices_ar="أ\nب\nج", q1_choices_en="A\nB\nC", q1_kind="multiple",
                      opens=local_time(days=2), require_mobile="1")
        self.assertEqual(self.admin.post("/agent/polls/%s" % poll_id, locked).status, 303)
        self.assertEqual(questions(poll_id)[0]["choices"], choices)
        self.assertEqual(questions(poll_id)[0]["kind"], "single")
        row = stack.sql("SELECT title_en, DATE_FORMAT(closes_at + INTERVAL 4 HOUR,"
                        " '%Y-%m-%dT%H:%i'), require_mobile, opens_at < UTC_TIMESTAMP()"
                        " FROM polls WHERE id = @p1", poll_id)[0]
        self.assertEqual(row, ["Renamed after answers", closes, "0", "1"])

        results = self.admin.get("/agent/polls/results/%s" % poll_id)
        counts, answered, _ = result_counts(results, qid)
        self.assertEqual(counts[choices[1][0]], (1, "100.0"))
        self.assertEqual(answered, 1)

        # A closing time before the opening time is rejected.
        bad = dict(locked, closes=local_time(days=-5))
        page = self.admin.post("/agent/polls/%s" % poll_id, bad)
        self.assertEqual(page.status, 422)
        self.assertEqual(stack.field_error(page, "closes"),
                         stack.message("en", "Agent.Polls.ClosesBeforeOpens"))


class VoteTest(unittest.TestCase):
    """Residents vote, and the numbers shown are those of their answers."""

    @classmethod
    def setUpClass(cls):
        cls.admin = stack.StaffBrowser("admin")

    def make(self, kind="questionnaire", qs=QUESTIONNAIRE, **values):
        poll_id = create(self.admin, poll_form(kind, qs, **values))
        return poll_id, questions(poll_id)

    def test_answers_match_results_and_csv(self):
        poll_id, qs = self.make()
        single, multiple, scale, text = qs
        rng = random.Random()
        expected = {"single": collections.Counter(), "multiple": collections.Counter(),
                    "scale": collections.Counter()}
        answered = collections.Counter()
        texts = []

        for i in range(6):
            lang = "ar" if i % 2 else "en"
            browser, page = resident(poll_id, lang)
            one = rng.choice(single["choices"])[0]
            several = rng.sample([c[0] for c in multiple["choices"]], rng.randint(1, 3))
            value = str(rng.randint(1, 5))
            answers = {"q%s" % single["id"]: one, "q%s" % multiple["id"]: several,
                       "q%s" % scale["id"]: value}
            answered.update(["single", "multiple", "scale"])
            if i % 3 != 2:
                note = unique("رأيي 👍" if lang == "ar" else "My view")
                answers["q%s" % text["id"]] = note
                texts.append(note)
                answered["text"] += 1
            expected["single"][one] += 1
            expected["multiple"].update(several)
            expected["scale"][value] += 1
            response = post_answers(browser, page, poll_id, answers, lang)
            self.assertEqual(response.status, 200)
            self.assertIn('id="poll-thanks"', response.text)
            last = response

        self.assertEqual(responses(poll_id), 6)
        staff = self.admin.get("/agent/polls/results/%s" % poll_id)
        self.assertEqual(stack.element_text(staff, "poll-responses"), "6")
        self.assertIn('<p id="poll-responses">%s: <span class="count">6</span>'
                      % stack.message("ar", "Polls.Responses"), last.text)

        for page, who in ((staff, "staff"), (last, "resident")):
            for question, name in ((single, "single"), (multiple, "multiple")):
                with self.subTest(page=who, question=name):
                    counts, n, section = result_counts(page, question["id"])
                    self.assertEqual(n, answered[name])
                    for choice in question["choices"]:
                        count = expected[name][choice[0]]
                        self.assertEqual(counts[choice[0]],
                                         (count, percent(count, answered[name])))
                    top = max(expected[name].values())
                    widths = bar_widths(section)
                    self.assertEqual(max(widths), 480, "the largest count fills the chart")
                    self.assertEqual(widths, [480 * expected[name][c[0]] // top
                                              or (1 if expected[name][c[0]] else 0)
                                              for c in question["choices"]])
            with self.subTest(page=who, question="scale"):
                counts, n, section = result_counts(page, scale["id"])
                self.assertEqual(n, 6)
                for value in "12345":
                    count = expected["scale"][value]
                    self.assertEqual(counts[value], (count, percent(count, 6)))
                average = sum(int(v) * c for v, c in expected["scale"].items()) / 6
                self.assertIn('<bdi dir="ltr" class="average">%.2f</bdi>' % average, section)

        # Free texts are for staff only.
        listed = re.search(r'<ul class="texts" id="texts-%s">(.*?)</ul>' % text["id"],
                           staff.text, re.S)
        self.assertEqual([html.unescape(t) for t in re.findall(r"<li[^>]*>([^<]*)</li>",
                                                                  listed.group(1))], texts)
        for note in texts:
            self.assertNotIn(html.escape(note), last.text)

        self.check_csv(poll_id, qs, expected, answered, texts)

    def test_csv_defuses_formulas(self):
        """Free texts that a spreadsheet would run, whole or after a ';'
        or ',', come out quoted with an apostrophe in front. Every cell
        of the export is quoted."""
        poll_id, qs = self.make()
        single, multiple, scale, text = qs
        notes = ["x;=1+1;y", "=HYPERLINK(\"http://192.0.2.1\")", "ok, @SUM(A1)",
                 "-5 stars", unique("plain; fine, thanks")]
        for note in notes:
            browser, page = resident(poll_id)
            response = post_answers(browser, page, poll_id,
                                    {"q%s" % single["id"]: single["choices"][0][0],
                                     "q%s" % multiple["id"]: multiple["choices"][0][0],
                                     "q%s" % scale["id"]: "3", "q%s" % text["id"]: note})
            self.assertEqual(response.status, 200)
        body = self.admin.get("/agent/polls/results/%s?format=csv" % poll_id).body.decode("utf-8")
        rows = list(csv.reader(io.StringIO(body[1:])))
        got = [r[3] for r in rows if r[2] == "text"]
        self.assertEqual(got, ["'" + n for n in notes[:4]] + [notes[4]])
        for line in body[1:].split("\r\n")[:-1]:
            self.assertTrue(line.startswith('"') and line.endswith('"'), line)
        self.assertIn('"\'x;=1+1;y"', body)

    def check_csv(self, poll_id, qs, expected, answered, texts):
        single, multiple, scale, text = qs
        response = self.admin.get("/agent/polls/results/%s?format=csv" % poll_id)
        self.assertEqual(response.status, 200)
        self.assertTrue(response.header("Content-Type").startswith("text/csv"))
        body = response.body.decode("utf-8")
        self.assertTrue(body.startswith("\ufeff"))
        rows = list(csv.reader(io.StringIO(body[1:])))
        self.assertEqual(rows[0], ["question", "question_text", "kind", "answer", "count",
                                   "percent"])
        want = [["header"]]
        for name, question, number in (("single", single, 1), ("multiple", multiple, 2)):
            for choice in question["choices"]:
                count = expected[name][choice[0]]
                want.append([str(number), question["text_en"], name, choice[2], str(count),
                             percent(count, answered[name])])
        for value in "12345":
            count = expected["scale"][value]
            want.append(["3", scale["text_en"], "scale", value, str(count), percent(count, 6)])
        for note in texts:
            want.append(["4", text["text_en"], "text", note, "1", ""])
        self.assertEqual(rows[1:], want[1:])

    def test_vote_twice_counts_once(self):
        poll_id, qs = self.make("poll", None)
        qid, choices = qs[0]["id"], qs[0]["choices"]
        browser, page = resident(poll_id)
        first = post_answers(browser, page, poll_id, {"q%s" % qid: choices[0][0]})
        self.assertEqual(first.status, 200)
        before = answer_rows()
        again = post_answers(browser, page, poll_id, {"q%s" % qid: choices[1][0]})
        self.assertEqual(again.status, 409)
        self.assertEqual(stack.form_error(again), stack.message("en", "Polls.AlreadyAnswered"))
        # The cookie copied into another browser is the same voter.
        other = stack.Browser()
        other.get("/en/polls/%s" % poll_id)
        other.jar.clear(urllib.parse.urlsplit(stack.BASE_URL).hostname, "/", "tw_voter")
        stack.set_cookie(other, "tw_voter", stack.cookie(browser, "tw_voter"), path="/")
        # The answered page has no form, so the post takes the csrf field
        # from the tracking form.
        third = post_answers(other, other.get("/en/track"), poll_id,
                             {"q%s" % qid: choices[2][0]})
        self.assertEqual(third.status, 409)
        self.assertEqual(responses(poll_id), 1)
        self.assertEqual(answer_rows(), before)
        page = browser.get("/en/polls/%s" % poll_id)
        self.assertIn('id="poll-answered"', page.text)
        counts, answered, _ = result_counts(page, qid)
        self.assertEqual(counts[choices[0][0]], (1, "100.0"))
        self.assertEqual(counts[choices[1][0]], (0, "0.0"))

    def test_unique_key_in_database(self):
        poll_id, qs = self.make("poll", None)
        browser, page = resident(poll_id)
        qid = qs[0]["id"]
        self.assertEqual(post_answers(browser, page, poll_id,
                                      {"q%s" % qid: qs[0]["choices"][0][0]}).status, 200)
        with self.assertRaises(subprocess.CalledProcessError):
            stack.sql("INSERT INTO poll_responses (poll_id, voter_hash, client_addr, lang,"
                      " created_at) SELECT poll_id, voter_hash, client_addr, lang,"
                      " created_at FROM poll_responses WHERE poll_id = @p1", poll_id)
        self.assertEqual(responses(poll_id), 1)

    def test_simultaneous_votes_count_once(self):
        poll_id, qs = self.make("poll", None)
        qid, choices = qs[0]["id"], qs[0]["choices"]
        browser, page = resident(poll_id)
        statuses = []
        start = threading.Barrier(6)

        def vote(choice):
            start.wait()
            statuses.append(post_answers(browser, page, poll_id,
                                         {"q%s" % qid: choice}).status)

        threads = [threading.Thread(target=vote, args=(choices[i % 3][0],))
                   for i in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(sorted(statuses), [200] + [409] * 5)
        self.assertEqual(responses(poll_id), 1)
        self.assertEqual(stack.count("poll_answers a JOIN poll_responses r"
                                     " ON r.id = a.response_id", "r.poll_id = @p1", poll_id), 1)

    def test_forged_cookie_rejected(self):
        poll_id, qs = self.make("poll", None)
        qid, choices = qs[0]["id"], qs[0]["choices"]
        for name, value in (("missing", None), ("forged", "A" * 22 + "." + "B" * 43)):
            with self.subTest(cookie=name):
                browser, page = resident(poll_id)
                browser.jar.clear(urllib.parse.urlsplit(stack.BASE_URL).hostname, "/",
                                  "tw_voter")
                if value is not None:
                    stack.set_cookie(browser, "tw_voter", value, path="/")
                response = post_answers(browser, page, poll_id,
                                        {"q%s" % qid: choices[0][0]})
                self.assertEqual(response.status, 403)
                self.assertEqual(stack.form_error(response),
                                 stack.message("en", "Polls.NoCookie"))
                self.assertEqual(stack.form_value(response, "q%s" % qid), choices[0][0])
                self.assertEqual(responses(poll_id), 0)
                # The 403 response set a valid cookie, so sending again works.
                again = post_answers(browser, response, poll_id, {"q%s" % qid: choices[0][0]})
                self.assertEqual(again.status, 200)
                stack.sql("DELETE a FROM poll_answers a JOIN poll_responses r"
                          " ON r.id = a.response_id WHERE r.poll_id = @p1", poll_id)
                stack.sql("DELETE FROM poll_responses WHERE poll_id = @p1", poll_id)

    def test_per_address_limit(self):
        poll_id, qs = self.make("poll", None, max_per_address="2")
        qid, choices = qs[0]["id"], qs[0]["choices"]
        statuses = []
        for i in range(3):
            browser, page = resident(poll_id)
            response = post_answers(browser, page, poll_id, {"q%s" % qid: choices[i][0]})
            statuses.append(response.status)
        self.assertEqual(statuses, [200, 200, 429])
        self.assertEqual(stack.form_error(response), stack.message("en", "Polls.AddressLimit"))
        self.assertEqual(stack.form_value(response, "q%s" % qid), choices[2][0])
        self.assertEqual(responses(poll_id), 2)
        self.assertEqual(stack.count("poll_answers a JOIN poll_responses r"
                                     " ON r.id = a.response_id", "r.poll_id = @p1", poll_id), 2)

    def test_closed_and_upcoming_rejected(self):
        cases = {"upcoming": dict(opens=local_time(days=1), closes=local_time(days=2)),
                 "closed": dict(opens=local_time(days=-3), closes=local_time(days=-1))}
        for state, times in cases.items():
            with self.subTest(state=state):
                poll_id, qs = self.make("poll", None, **times)
                qid, choices = qs[0]["id"], qs[0]["choices"]
                browser, page = resident(poll_id)
                self.assertIn('id="poll-%s"' % state, page.text)
                self.assertNotIn('id="poll-form"', page.text)
                if state == "closed":
                    # The poll shows its results: once closed, to everyone.
                    counts, answered, _ = result_counts(page, qid)
                    self.assertEqual(answered, 0)
                    self.assertEqual(counts[choices[0][0]], (0, "0.0"))
                else:
                    self.assertNotIn('class="poll-result"', page.text)
                listing = stack.Browser().get("/en/polls")
                self.assertNotIn('data-id="%s"' % poll_id, listing.text)

                # The poll page has no form, so the post takes the csrf
                # field from the tracking form.
                response = post_answers(browser, browser.get("/en/track"), poll_id,
                                        {"q%s" % qid: choices[0][0]})
                self.assertEqual(response.status, 409)
                self.assertEqual(stack.form_error(response), stack.message("en", "Polls.NotOpen"))
                self.assertEqual(responses(poll_id), 0)

                # Answers that would be invalid get the same response.
                response = post_answers(browser, browser.get("/en/track"), poll_id, {})
                self.assertEqual(response.status, 409)
                self.assertEqual(stack.form_error(response), stack.message("en", "Polls.NotOpen"))
                self.assertIsNone(stack.field_error(response, "q%s" % qid))

    def test_results_hidden_when_not_shown(self):
        poll_id, qs = self.make("poll", None, show_results=None)
        qid, choices = qs[0]["id"], qs[0]["choices"]
        browser, page = resident(poll_id)
        response = post_answers(browser, page, poll_id, {"q%s" % qid: choices[0][0]})
        self.assertEqual(response.status, 200)
        self.assertIn('id="poll-results-hidden"', response.text)
        self.assertNotIn('class="poll-result"', response.text)
        self.assertEqual(responses(poll_id), 1)

    def test_bad_answers_both_languages(self):
        poll_id, qs = self.make()
        single, multiple, scale, text = qs
        _, other_qs = self.make("poll", None)
        foreign = other_qs[0]["choices"][0][0]
        good = {"q%s" % single["id"]: single["choices"][0][0],
                "q%s" % multiple["id"]: [multiple["choices"][0][0], multiple["choices"][2][0]],
                "q%s" % scale["id"]: "4",
                "q%s" % text["id"]: "نص 😀 <b>kept</b>"}
        bad = [
            # (what, field changes, question with the error, key, {n})
            ("single missing", {"q%s" % single["id"]: None}, single, "Err.Required", None),
            ("multiple missing", {"q%s" % multiple["id"]: None}, multiple, "Err.Required",
             None),
            ("choice of another question", {"q%s" % single["id"]: multiple["choices"][0][0]},
             single, "Polls.NotChoice", None),
            ("choice of another poll", {"q%s" % multiple["id"]: [foreign]}, multiple,
             "Polls.NotChoice", None),
            ("two choices for one", {"q%s" % single["id"]: [c[0] for c in single["choices"]]},
             single, "Polls.OneOnly", None),
            ("scale above 5", {"q%s" % scale["id"]: "6"}, scale, "Polls.ScaleRange", None),
            ("scale zero", {"q%s" % scale["id"]: "0"}, scale, "Polls.ScaleRange", None),
            ("scale not a number", {"q%s" % scale["id"]: "good"}, scale, "Polls.NotChoice",
             None),
            ("text too long", {"q%s" % text["id"]: "ب" * 1001}, text, "Err.TooLong", 1000),
        ]

        for lang in ("en", "ar"):
            for what, changes, question, key, n in bad:
                with self.subTest(lang=lang, case=what):
                    answers = dict(good)
                    for name, value in changes.items():
                        if value is None:
                            answers.pop(name)
                        else:
                            answers[name] = value
                    browser, page = resident(poll_id, lang)
                    before = (responses(poll_id), answer_rows())
                    response = post_answers(browser, page, poll_id, answers, lang)
                    self.assertEqual(response.status, 422)
                    self.assertEqual(stack.field_error(response, "q%s" % question["id"]),
                                     stack.message(lang, key, n))
                    self.assertEqual((responses(poll_id), answer_rows()), before)
                    if question is not text:
                        self.assertEqual(stack.form_value(response, "q%s" % text["id"]),
                                         good["q%s" % text["id"]])
                    if question is not scale:
                        self.assertEqual(stack.form_value(response, "q%s" % scale["id"]), "4")
                    if question is not single:
                        self.assertEqual(stack.form_value(response, "q%s" % single["id"]),
                                         single["choices"][0][0])

            with self.subTest(lang=lang, case="invalid UTF-8"):
                browser, page = resident(poll_id, lang)
                fields = dict(good, csrf=stack.hidden_fields(page)["csrf"])
                fields.pop("q%s" % text["id"])
                body = (urllib.parse.urlencode(fields, doseq=True)
                        + "&q%s=%%FF%%FEbad" % text["id"])
                before = (responses(poll_id), answer_rows())
                response = browser.request(
                    "POST", "/%s/polls/%s" % (lang, poll_id), body=body.encode("ascii"),
                    headers={"Content-Type": "application/x-www-form-urlencoded"})
                self.assertEqual(response.status, 422)
                self.assertEqual(stack.field_error(response, "q%s" % text["id"]),
                                 stack.message(lang, "Err.Encoding"))
                self.assertEqual((responses(poll_id), answer_rows()), before)

        # Arabic-Indic digits are digits: a scale of ٣ is 3.
        browser, page = resident(poll_id, "ar")
        response = post_answers(browser, page, poll_id,
                                dict(good, **{"q%s" % scale["id"]: "٣"}), "ar")
        self.assertEqual(response.status, 200)
        self.assertEqual(stack.sql("SELECT a.scale FROM poll_answers a JOIN poll_responses r"
                                   " ON r.id = a.response_id WHERE r.poll_id = @p1"
                                   " AND a.scale IS NOT NULL", poll_id), [["3"]])

    def test_unknown_poll(self):
        for path in ("/en/polls/999999999", "/en/polls/abc", "/ar/polls/0"):
            self.assertEqual(stack.Browser().get(path).status, 404)


class SmsCodeTest(unittest.TestCase):
    """A poll that requires a mobile number: the code goes out through
    the outbox, bin/tawasul-sms-send and Kannel to the fake phone
    network, and only the right, fresh code lets the number vote,
    once."""

    @classmethod
    def setUpClass(cls):
        cls.admin = stack.StaffBrowser("admin")
        cls.poll_id = create(cls.admin, poll_form(require_mobile="1"))
        question = questions(cls.poll_id)[0]
        cls.field = "q%s" % question["id"]
        cls.choices = [c[0] for c in question["choices"]]

    def request_code(self, browser, phone, lang="en"):
        page = browser.get("/%s/polls/%s" % (lang, self.poll_id))
        self.assertIn('id="code-form"', page.text)
        return browser.post("/%s/polls/code/%s" % (lang, self.poll_id),
                            {"csrf": stack.hidden_fields(page)["csrf"],
                             "mobile": phone[4:8] + " " + phone[8:]})

    def code_at_phone(self, phone, lang, count=1):
        """Sends the outbox and returns the code of the phone's last SMS."""
        self.assertEqual(stack.run_sender(), 0)
        text = test_sms.messages_at(phone, count)[-1]["text"]
        code = re.search(r"\d{6}", text).group(0)
        self.assertEqual(text, stack.message(lang, "Sms.PollCode")
                         .replace("{code}", code).replace("{minutes}", "10"))
        return code

    def vote(self, browser, page, phone, code, choice=0, lang="en"):
        return post_answers(browser, page, self.poll_id,
                            {"mobile": phone, "code": code,
                             self.field: self.choices[choice]}, lang)

    def setUp(self):
        test_sms.park_queued()

    def test_code_end_to_end(self):
        phone = test_sms.new_phone()
        browser = stack.Browser()
        page = self.request_code(browser, phone, "ar")
        self.assertEqual(page.status, 200)
        self.assertIn('id="code-sent"', page.text)
        rows = stack.outbox_rows("to_number = @p1", phone)
        self.assertEqual([r["kind"] for r in rows], ["poll_code"])
        code = self.code_at_phone(phone, "ar")
        stored = stack.sql("SELECT code_hash, attempts FROM poll_codes WHERE mobile = @p1",
                           phone)
        self.assertEqual(len(stored), 1)
        self.assertNotIn(code, stored[0][0])

        wrong = "%06d" % ((int(code) + 1) % 1000000)
        response = self.vote(browser, page, phone, wrong, lang="ar")
        self.assertEqual(response.status, 422)
        self.assertEqual(stack.field_error(response, "code"),
                         stack.message("ar", "Polls.CodeWrong"))

        self.assertEqual(stack.form_value(response, self.field), self.choices[0])
        self.assertEqual(stack.sql("SELECT attempts FROM poll_codes WHERE mobile = @p1",
                                   phone), [["1"]])
        voter = mobile_voter(phone)
        self.assertNotEqual(voter, hashlib.sha256(("mobile:" + phone).encode()).hexdigest())
        self.assertEqual(stack.count("poll_responses", "voter_hash = @p1", voter), 0)

        response = self.vote(browser, response, phone, stack.arabic_indic(code), lang="ar")
        self.assertEqual(response.status, 200)
        self.assertIn('id="poll-thanks"', response.text)
        self.assertEqual(stack.count("poll_responses", "poll_id = @p1 AND voter_hash = @p2",
                                     self.poll_id, voter), 1)

        # The number has voted. The page responds as for any number, the
        # SMS states that no code is needed, and the used code gives no
        # second vote from another browser.
        other = stack.Browser()
        again = self.request_code(other, phone)
        self.assertEqual(again.status, 200)
        self.assertIn('id="code-sent"', again.text)
        self.assertEqual(len(stack.outbox_rows("to_number = @p1", phone)), 2)
        self.assertEqual(stack.run_sender(), 0)
        self.assertEqual(test_sms.messages_at(phone, 2)[-1]["text"],
                         stack.message("en", "Sms.PollAnswered"))
        second = self.vote(other, other.get("/en/track"), phone, code, choice=1)
        self.assertEqual(second.status, 422)
        self.assertEqual(stack.count("poll_responses", "voter_hash = @p1", voter), 1)

    def test_tries_and_expiry(self):
        phone = test_sms.new_phone()
        browser = stack.Browser()
        page = self.request_code(browser, phone)
        code = self.code_at_phone(phone, "en")
        wrong = "%06d" % ((int(code) + 7) % 1000000)
        for _ in range(5):
            self.assertEqual(self.vote(browser, page, phone, wrong).status, 422)
        response = self.vote(browser, page, phone, code)
        self.assertEqual(response.status, 422)
        self.assertEqual(stack.field_error(response, "code"),
                         stack.message("en", "Polls.CodeExpired"))

        # A new code works, unless it has expired.
        page = self.request_code(browser, phone)
        code = self.code_at_phone(phone, "en", count=2)
        stack.sql("UPDATE poll_codes SET expires_at = UTC_TIMESTAMP() - INTERVAL 1 MINUTE"
                  " WHERE mobile = @p1", phone)
        response = self.vote(browser, page, phone, code)
        self.assertEqual(response.status, 422)
        self.assertEqual(stack.field_error(response, "code"),
                         stack.message("en", "Polls.CodeExpired"))
        self.assertEqual(stack.count("poll_responses", "poll_id = @p1 AND voter_hash = @p2",
                                     self.poll_id,
                                     mobile_voter(phone)),
                         0)

    def test_voted_number_looks_like_others(self):
        """A stranger learns nothing about whether a number voted: the
        code request and a vote with a wrong code get the same response
        for a number that has voted and one that has not, and the hourly
        limit applies to both. Only a right code shows the 409."""
        # The test uses a poll of its own, because its codes alone would
        # use most of the shared poll's limit per address.
        self.poll_id = create(self.admin, poll_form(require_mobile="1"))
        question = questions(self.poll_id)[0]
        self.field = "q%s" % question["id"]
        self.choices = [c[0] for c in question["choices"]]
        voted, fresh = test_sms.new_phone(), test_sms.new_phone()
        stack.sql("INSERT INTO poll_responses (poll_id, voter_hash, client_addr, lang,"
                  " created_at) VALUES (@p1, @p2, '192.0.2.7', 'en', UTC_TIMESTAMP())",
                  self.poll_id, mobile_voter(voted))

        pages = {}
        for phone in (voted, fresh):
            browser = stack.Browser()
            page = self.request_code(browser, phone)
            self.assertEqual(page.status, 200, phone)
            self.assertIn('id="code-sent"', page.text)
            self.assertIsNone(stack.form_error(page))
            wrong = self.vote(browser, page, phone, "000000")
            self.assertEqual(wrong.status, 422)
            self.assertEqual(stack.field_error(wrong, "code"),
                             stack.message("en", "Polls.CodeWrong"))
            for _ in range(2):
                self.assertEqual(self.request_code(browser, phone).status, 200)
            limited = self.request_code(browser, phone)
            self.assertEqual(limited.status, 429)
            self.assertEqual(stack.form_error(limited), stack.message("en", "Polls.CodeLimit"))
            self.assertEqual(len(stack.outbox_rows("to_number = @p1", phone)), 3)
            pages[phone] = (browser, page)

        kinds = {r["kind"] for r in stack.outbox_rows("to_number = @p1", voted)}
        self.assertEqual(kinds, {"poll_code"})

        # With a right code the holder of the number is informed.
        stack.sql("UPDATE poll_codes SET code_hash = @p1, attempts = 0 WHERE id ="
                  " (SELECT id FROM (SELECT MAX(id) AS id FROM poll_codes WHERE"
                  " poll_id = @p2 AND mobile = @p3) AS latest)",
                  code_hash(self.poll_id, voted, "424242"), self.poll_id, voted)
        browser, page = pages[voted]
        response = self.vote(browser, page, voted, "424242")
        self.assertEqual(response.status, 409)
        self.assertEqual(stack.form_error(response), stack.message("en", "Polls.AlreadyAnswered"))
        self.assertEqual(stack.count("poll_responses", "voter_hash = @p1", mobile_voter(voted)), 1)

    def test_code_limits_and_bad_input(self):
        phone = test_sms.new_phone()
        browser = stack.Browser()
        for _ in range(3):
            self.assertEqual(self.request_code(browser, phone).status, 200)
        page = self.request_code(browser, phone)
        self.assertEqual(page.status, 429)
        self.assertEqual(stack.form_error(page), stack.message("en", "Polls.CodeLimit"))
        self.assertEqual(len(stack.outbox_rows("to_number = @p1", phone)), 3)
        for lang in ("en", "ar"):
            with self.subTest(lang=lang):
                page = browser.get("/%s/polls/%s" % (lang, self.poll_id))
                before = stack.count("poll_codes")
                response = browser.post("/%s/polls/code/%s" % (lang, self.poll_id),
                                        {"csrf": stack.hidden_fields(page)["csrf"],
                                         "mobile": "2412 3456"})
                self.assertEqual(response.status, 422)
                self.assertEqual(stack.field_error(response, "mobile"),
                                 stack.message(lang, "Err.Mobile"))
                self.assertEqual(stack.form_value(response, "mobile"), "2412 3456")
                self.assertEqual(stack.count("poll_codes"), before)
                response = post_answers(browser, page, self.poll_id,
                                        {"mobile": phone, "code": "12ab",
                                         self.field: self.choices[0]}, lang)
                self.assertEqual(response.status, 422)
                self.assertEqual(stack.field_error(response, "code"),
                                 stack.message(lang, "Polls.CodeInvalid", 6))
        response = browser.post("/en/polls/code/%s" % self.poll_id,
                                {"csrf": "A" * 43, "mobile": phone})
        self.assertEqual(response.status, 403)


if __name__ == "__main__":
    unittest.main()
