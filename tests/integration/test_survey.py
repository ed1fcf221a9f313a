"""The resident's confirmation survey: the SMS link of a resolution, the
page behind /s/TOKEN in both languages, yes and no, replayed and stale
links, guessed tokens and their slow-down, bad input, and the reminder
and call task of bin/tawasul-remind."""
import hashlib
import os
import re
import secrets
import subprocess
import unittest

import stack

NOTE = "Pothole filled."
LINK = re.compile(r"https?://\S+?(/s/[A-Za-z0-9_-]+)(?=\s|$)")


def clear_misses():
    """Forgets the unknown survey links of every address, so that the
    slow-down of one test does not answer 429 to the next."""
    stack.sql("DELETE FROM survey_misses")


def survey_links(number, kind):
    """Returns the /s/ paths of the SMS of this kind queued for a case."""
    return [LINK.search(sms["body"]).group(1)
            for sms in stack.case_outbox(number) if sms["kind"] == kind]


def survey_rows(number):
    """Returns the surveys of a case as dicts, by round."""
    keys = ("round", "token_hash", "lang", "answered", "solved",
            "satisfaction", "first_contact", "comment", "reminded",
            "call_task", "by_phone")
    rows = stack.sql(
        "SELECT s.round, s.token_hash, s.lang, s.answered_at IS NOT NULL,"
        " IFNULL(s.solved, ''), IFNULL(s.satisfaction, ''),"
        " IFNULL(s.first_contact, ''), IFNULL(s.comment, ''),"
        " s.reminded_at IS NOT NULL, s.call_task_at IS NOT NULL,"
        " s.closed_by_phone_at IS NOT NULL FROM surveys s"
        " JOIN cases c ON c.id = s.case_id WHERE c.number = @p1"
        " ORDER BY s.round", number)
    return [dict(zip(keys, row)) for row in rows]


def survey_snapshot(number):
    """Returns what an answer may change: the case and its surveys."""
    return stack.case_snapshot(number), survey_rows(number)


def answer(browser, path, **fields):
    """Gets the survey page, then posts its csrf field with fields."""
    page = browser.get(path)
    values = stack.hidden_fields(page)
    values.update(fields)
    return browser.post(path, values)


def run_remind():
    command = [os.path.join(stack.TOP, "bin", "tawasul-remind"),
               "-c", os.path.join(stack.VAR, "tawasul.hdf")]
    return subprocess.run(command, timeout=60, capture_output=True)


def age_survey(number, days):
    """Moves the surveys of a case days into the past, as if the case
    had been resolved that long ago."""
    stack.sql("UPDATE surveys s JOIN cases c ON c.id = s.case_id"
              " SET s.created_at = s.created_at - INTERVAL @p2 DAY"
              " WHERE c.number = @p1", number, days)


class SurveyTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.staff = stack.StaffBrowser("supervisor")

    def setUp(self):
        clear_misses()

    def tearDown(self):
        clear_misses()

    def resolve(self, lang="en", number=None):
        """Files a case (unless number is given) and resolves it; returns
        the number and the path of the newest survey link."""
        number = number or stack.file_case("pothole", lang=lang)
        response = self.staff.act(number, "resolve", note=NOTE)
        self.assertEqual(response.status, 303)
        return number, survey_links(number, "case_resolved")[-1]

    def test_resolve_sends_one_link(self):
        for lang in ("ar", "en"):
            with self.subTest(lang=lang):
                number, path = self.resolve(lang)
                sms = [s for s in stack.case_outbox(number)
                       if s["kind"] == "case_resolved"]
                self.assertEqual(len(sms), 1)
                self.assertEqual(sms[0]["lang"], lang)
                resolved = stack.message(lang, "Sms.Resolved").replace(
                    "{number}", number).replace("{text}", NOTE)
                self.assertTrue(sms[0]["body"].startswith(resolved + " "),
                                sms[0]["body"])
                token = path[len("/s/"):]
                self.assertGreaterEqual(len(token), 22, "128 bits in base64url")
                rows = survey_rows(number)
                self.assertEqual(len(rows), 1)
                self.assertEqual(rows[0]["round"], "1")
                self.assertEqual(rows[0]["lang"], lang)
                self.assertEqual(rows[0]["token_hash"],
                                 hashlib.sha256(token.encode()).hexdigest())
                self.assertEqual(stack.count(
                    "surveys", "token_hash = @p1", token), 0,
                    "the token itself is not stored")

    def test_page_in_survey_language(self):
        for lang, direction in (("ar", "rtl"), ("en", "ltr")):
            with self.subTest(lang=lang):
                number, path = self.resolve(lang)
                page = stack.Browser(accept_language="fr").get(path)
                self.assertEqual(page.status, 200)
                self.assertIn('<html lang="%s" dir="%s">' % (lang, direction),
                              page.text)
                self.assertIn(stack.message(lang, "Survey.Solved"), page.text)
                self.assertEqual(stack.element_text(page, "survey-case"), number)
                self.assertNotIn("<script", page.text)
                other = "en" if lang == "ar" else "ar"
                switched = stack.Browser().get(path + "?lang=" + other)
                self.assertEqual(switched.status, 200)
                self.assertIn('<html lang="%s"' % other, switched.text)
                self.assertEqual(survey_rows(number)[0]["lang"], lang,
                                 "?lang only changes the display")

    def test_yes_closes_case(self):
        for lang in ("ar", "en"):
            with self.subTest(lang=lang):
                number, path = self.resolve(lang)
                browser = stack.Browser()
                response = answer(browser, path, solved="yes",
                                  satisfaction="٥", first_contact="4")
                self.assertEqual(response.status, 200)
                self.assertIn(stack.message(lang, "Survey.Thanks"), response.text)
                self.assertEqual(stack.case_snapshot(number)["status"], "closed")
                event = stack.case_events(number)[-1]
                self.assertEqual(
                    (event["kind"], event["from_status"], event["to_status"],
                     event["actor_kind"], event["channel"], event["is_public"]),
                    ("confirmed", "resolved", "closed", "resident", "portal", "1"))
                row = survey_rows(number)[0]
                self.assertEqual((row["answered"], row["solved"],
                                  row["satisfaction"], row["first_contact"]),
                                 ("1", "1", "5", "4"))
                again = stack.Browser().get(path)
                self.assertEqual(again.status, 200)
                self.assertIn('id="survey-answered"', again.text)
                self.assertNotIn("<form method=\"post\" action=\"/s/", again.text)
                self.assertEqual(stack.element_text(again, "answer-satisfaction"),
                                 "5 / 5")

    def test_replay_changes_nothing(self):
        number, path = self.resolve("en")
        browser = stack.Browser()
        page = browser.get(path)
        fields = stack.hidden_fields(page)
        fields.update(solved="yes", satisfaction="5", first_contact="5")
        self.assertEqual(browser.post(path, fields).status, 200)
        before = survey_snapshot(number)
        fields.update(solved="no", comment="Changed my mind.")
        replay = browser.post(path, fields)
        self.assertEqual(replay.status, 409)
        self.assertIn('id="survey-answered"', replay.text)
        self.assertEqual(survey_snapshot(number), before)

    def test_no_reopens_and_notifies(self):
        officer = stack.create_staff(role="officer", directorate_code="roads",
                                     mobile="+968" + stack.new_mobile())
        for lang in ("en", "ar"):
            with self.subTest(lang=lang):
                number = stack.file_case("pothole", lang=lang)
                self.assertEqual(self.staff.act(number, "assign",
                                                 value=officer["username"]).status, 303)
                number, path = self.resolve(lang, number)
                comment = "Still a hole near the mosque 😡"
                response = answer(stack.Browser(), path, solved="no",
                                  satisfaction="2", first_contact="3",
                                  comment=comment)
                self.assertEqual(response.status, 200)
                self.assertIn(stack.message(lang, "Survey.Reopened"), response.text)
                case = stack.case_snapshot(number)
                self.assertEqual(case["status"], "reopened")
                self.assertEqual(case["assigned_staff_id"], officer["id"])
                event = stack.case_events(number)[-1]
                self.assertEqual(
                    (event["kind"], event["from_status"], event["to_status"],
                     event["actor_kind"], event["is_public"], event["note"]),
                    ("reopened", "resolved", "reopened", "resident", "1", comment))
                sms = stack.case_outbox(number)[-1]
                self.assertEqual((sms["kind"], sms["to_number"]),
                                 ("survey_reopened", officer["mobile"]))
                self.assertIn(comment, sms["body"])
                self.assertEqual(survey_rows(number)[0]["comment"], comment)

    def test_no_without_mobile(self):
        number, path = self.resolve("en")
        response = answer(stack.Browser(), path, solved="no", satisfaction="1",
                          first_contact="1", comment="Nothing was done.")
        self.assertEqual(response.status, 200)
        self.assertEqual(stack.case_snapshot(number)["status"], "reopened")
        kinds = [sms["kind"] for sms in stack.case_outbox(number)]
        self.assertNotIn("survey_reopened", kinds)

    def test_new_round_after_reopening(self):
        number, first = self.resolve("en")
        answer(stack.Browser(), first, solved="no", satisfaction="2",
               first_contact="2", comment="Still broken.")
        number, second = self.resolve("en", number)
        self.assertNotEqual(first, second)
        self.assertEqual([r["round"] for r in survey_rows(number)], ["1", "2"])
        response = answer(stack.Browser(), second, solved="yes",
                          satisfaction="4", first_contact="4")
        self.assertEqual(response.status, 200)
        self.assertEqual(stack.case_snapshot(number)["status"], "closed")

    def test_stale_round_changes_nothing(self):
        number, first = self.resolve("en")
        self.assertEqual(self.staff.act(number, "reopen",
                                        note="The resident called.").status, 303)
        page = stack.Browser().get(first)
        self.assertEqual(page.status, 200)
        self.assertIn('id="survey-stale"', page.text)
        number, second = self.resolve("en", number)
        browser = stack.Browser()
        page = browser.get(first)
        self.assertIn('id="survey-stale"', page.text)
        self.assertIn(stack.message("en", "Survey.Stale"), page.text)
        before = survey_snapshot(number)
        fields = stack.hidden_fields(page)
        fields.update(solved="yes", satisfaction="5", first_contact="5",
                      csrf=stack.hidden_fields(browser.get(second))["csrf"])
        response = browser.post(first, fields)
        self.assertEqual(response.status, 409)
        self.assertEqual(survey_snapshot(number), before)
        self.assertEqual(before[0]["status"], "resolved")
        self.assertIn("<form", stack.Browser().get(second).text)

    def test_guessed_tokens_identical(self):
        number, path = self.resolve("en")
        stack.sql("UPDATE surveys s JOIN cases c ON c.id = s.case_id"
                  " SET s.expires_at = UTC_TIMESTAMP() - INTERVAL 1 SECOND"
                  " WHERE c.number = @p1", number)
        browser = stack.Browser(accept_language="en")
        guesses = [path,  # expired
                   "/s/" + secrets.token_urlsafe(18),
                   "/s/" + secrets.token_urlsafe(18),
                   "/s/short", "/s/" + "A" * 200, "/s/" + "A" * 23 + "%21"]
        bodies = set()
        for guess in guesses:
            with self.subTest(path=guess):
                page = browser.get(guess)
                self.assertEqual(page.status, 404)
                bodies.add(page.body)
        self.assertEqual(len(bodies), 1, "every miss gets the same page")
        gone = bodies.pop().decode("utf-8")
        self.assertIn(stack.message("en", "Survey.Gone.Title"), gone)
        self.assertIn(stack.message("ar", "Survey.Gone.Title"), gone)
        self.assertIn('href="/en/track"', gone)
        posted = browser.post("/s/" + secrets.token_urlsafe(18),
                              {"solved": "yes"})
        self.assertEqual(posted.status, 404)
        self.assertEqual(stack.case_snapshot(number)["status"], "resolved")

    def test_misses_slow_down(self):
        number, path = self.resolve("en")
        browser = stack.Browser()
        for i in range(10):
            page = browser.get("/s/" + secrets.token_urlsafe(18))
            self.assertEqual(page.status, 404, "miss %d" % (i + 1))
        limited = browser.get("/s/" + secrets.token_urlsafe(18))
        self.assertEqual(limited.status, 429)
        self.assertEqual(limited.header("Retry-After"), "900")
        self.assertEqual(browser.get(path).status, 429,
                         "checked before the token lookup")
        clear_misses()
        self.assertEqual(browser.get(path).status, 200)

    def test_bad_input_changes_nothing(self):
        number, path = self.resolve("en")
        good = {"solved": "yes", "satisfaction": "5", "first_contact": "5"}
        cases = [
            ("missing solved", 422, {"solved": None}),
            ("solved maybe", 422, {"solved": "maybe"}),
            ("satisfaction 0", 422, {"satisfaction": "0"}),
            ("satisfaction 6", 422, {"satisfaction": "6"}),
            ("satisfaction text", 422, {"satisfaction": "five"}),
            ("first_contact missing", 422, {"first_contact": None}),
            ("first_contact 4.5", 422, {"first_contact": "4.5"}),
            ("no without comment", 422, {"solved": "no"}),
            ("comment too long", 422, {"solved": "no", "comment": "x" * 1001}),
            ("missing csrf", 403, {"csrf": None}),
            ("wrong csrf", 403, {"csrf": "A" * 43}),
        ]
        browser = stack.Browser()
        page = browser.get(path)
        before = survey_snapshot(number)
        for name, status, change in cases:
            with self.subTest(case=name):
                fields = dict(stack.hidden_fields(page), **good)
                fields.update(change)
                fields = {k: v for k, v in fields.items() if v is not None}
                response = browser.post(path, fields)
                self.assertEqual(response.status, status)
                self.assertEqual(survey_snapshot(number), before)
        fields = dict(stack.hidden_fields(page), solved="no",
                      satisfaction="3", first_contact="3", comment="y" * 1000)
        self.assertEqual(browser.post(path, fields).status, 200,
                         "1000 characters are accepted")

    def test_remind_then_call_task(self):
        number, first = self.resolve("en")
        age_survey(number, 4)
        for run in range(2):
            result = run_remind()
            self.assertEqual(result.returncode, 0, result.stderr)
        reminders = survey_links(number, "survey_reminder")
        self.assertEqual(len(reminders), 1, "one reminder for two runs")
        self.assertNotEqual(reminders[0], first)
        self.assertEqual(stack.Browser().get(first).status, 404,
                         "the reminder's new token replaces the first")
        self.assertIn("<form", stack.Browser().get(reminders[0]).text)
        self.assertEqual(survey_rows(number)[0]["call_task"], "0")

        agent = stack.StaffBrowser("agent")
        self.assertNotIn(number, stack.queue_numbers(
            agent.get("/agent/cases?calls=1")))
        age_survey(number, 4)
        self.assertEqual(run_remind().returncode, 0)
        self.assertEqual(run_remind().returncode, 0)
        self.assertEqual(len(survey_links(number, "survey_reminder")), 1)
        self.assertEqual(survey_rows(number)[0]["call_task"], "1")
        queue = agent.get("/agent/cases?calls=1")
        self.assertEqual(queue.status, 200)
        self.assertIn(number, stack.queue_numbers(queue))
        self.assertRegex(queue.text, r'(?s)data-number="%s">.*?data-days="8"' % number)
        self.assertEqual(stack.case_snapshot(number)["status"], "resolved",
                         "never closed automatically")

        self.assertEqual(agent.act(number, "confirm").status, 303)
        self.assertEqual(stack.case_snapshot(number)["status"], "closed")
        self.assertEqual(survey_rows(number)[0]["by_phone"], "1")
        self.assertNotIn(number, stack.queue_numbers(
            agent.get("/agent/cases?calls=1")))
        page = stack.Browser().get(reminders[0])
        self.assertIn('id="survey-answered"', page.text)

    def test_token_not_logged(self):
        number, path = self.resolve("en")
        self.assertEqual(stack.Browser().get(path).status, 200)
        token = path[len("/s/"):]
        log_dir = os.path.join(stack.VAR, "log")
        for name in os.listdir(log_dir):
            with self.subTest(log=name):
                with open(os.path.join(log_dir, name), "rb") as log:
                    self.assertNotIn(token.encode(), log.read())

    def test_remind_help(self):
        command = [os.path.join(stack.TOP, "bin", "tawasul-remind"), "--help"]
        result = subprocess.run(command, capture_output=True, timeout=10)
        self.assertEqual(result.returncode, 0)
        self.assertIn(b"Survey.ReminderDays", result.stdout)


if __name__ == "__main__":
    unittest.main()
