"""Monthly quality assurance: bin/tawasul-qa-sample draws a reproducible
sample per registering agent, QA reviewers score the sampled cases on
/agent/qa, and /agent/reports shows the scores beside the survey
figures, as HTML and as CSV."""
import csv
import io
import os
import random
import re
import subprocess
import unittest

import stack

SAMPLER = os.path.join(stack.TOP, "bin", "tawasul-qa-sample")
MUSCAT_HOURS = 4
MASK = (1 << 64) - 1


def run_sampler(*args):
    """Runs the sampler with the stack's configuration; returns
    (exit status, standard output)."""
    out = subprocess.run(
        [SAMPLER, "-c", os.path.join(stack.VAR, "tawasul.hdf")] + list(args),
        capture_output=True, timeout=60)
    return out.returncode, out.stdout.decode("utf-8")


def parse_sample(output):
    """Returns (seed, [(number, agent)]) of the sampler's output."""
    lines = output.splitlines()
    header = re.match(r"sample (\d{4}-\d{2}) seed (\d+) ", lines[0])
    if header is None:
        raise AssertionError("unexpected sampler output: %r" % output)
    return int(header.group(2)), [tuple(line.split(" ")) for line in lines[1:]]


def unused_month():
    """Returns a month of the years 2001-2015 without a sample, so that
    a rerun on a kept database draws afresh."""
    rng = random.Random()
    while True:
        month = "%04d-%02d" % (rng.randint(2001, 2015), rng.randint(1, 12))
        if stack.count("qa_samples", "month = @p1", month) == 0:
            return month


def move_to_month(numbers, month, day=10):
    """Moves the created_at of cases into month, Asia/Muscat time."""
    for number in numbers:
        stack.sql("UPDATE cases SET created_at = @p1 - INTERVAL %d HOUR"
                  " WHERE number = @p2" % MUSCAT_HOURS,
                  "%s-%02d 12:00:00" % (month, day), number)


def register(browser, category="pothole"):
    """Registers a phone case as the browser's agent; returns its number."""
    fields = stack.open_form(browser, "/agent/register")
    fields.update(stack.valid_complaint(channel="phone", lang="en",
                                        category=category))
    response = browser.post("/agent/register", fields)
    match = re.match(r"^/agent/cases/(\d{8})$", response.header("Location") or "")
    if response.status != 303 or match is None:
        raise AssertionError("POST /agent/register returned %d" % response.status)
    return match.group(1)


def splitmix64(state):
    state = (state + 0x9E3779B97F4A7C15) & MASK
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return state, z ^ (z >> 31)


def expected_draw(seed, groups, per_agent):
    """Draws as lib/qa.c documents it, written again in Python: one
    splitmix64 stream, groups in order, a partial Fisher-Yates shuffle
    with rejection of the incomplete last block."""
    state, chosen = seed, []
    for ids in groups:
        pool, k = list(ids), min(per_agent, len(ids))
        for i in range(k):
            n = len(pool) - i
            limit = MASK - MASK % n
            while True:
                state, x = splitmix64(state)
                if x < limit:
                    break
            j = i + x % n
            pool[i], pool[j] = pool[j], pool[i]
        chosen.extend(sorted(pool[:k]))
    return chosen


class SamplerTest(unittest.TestCase):
    """Two agents register cases; the cases move to a month of their
    own, with two residents' portal cases."""

    @classmethod
    def setUpClass(cls):
        cls.agents = [stack.StaffBrowser("agent"), stack.StaffBrowser("agent")]

    def make_month(self, per_agent=(5, 4), portal=2):
        month = unused_month()
        numbers = {}
        for browser, n in zip(self.agents, per_agent):
            numbers[browser.staff["username"]] = [register(browser) for _ in range(n)]
        numbers["portal"] = [stack.file_case("pothole") for _ in range(portal)]
        move_to_month([x for group in numbers.values() for x in group], month)
        return month, numbers

    def test_second_run_prints_same_sample(self):
        month, numbers = self.make_month()
        status, first = run_sampler("--month", month, "--per-agent", "2")
        self.assertEqual(status, 0, first)
        status, second = run_sampler("--month", month, "--per-agent", "2",
                                     "--seed", "99")
        self.assertEqual(status, 0, second)
        seed, cases = parse_sample(first)
        self.assertEqual(parse_sample(second), (seed, cases))
        self.assertIn(" existing", second.splitlines()[0])
        self.assertEqual(stack.sql("SELECT seed FROM qa_samples WHERE month = @p1",
                                   month), [[str(seed)]])
        for agent, group in numbers.items():
            drawn = [n for n, a in cases if a == agent]
            self.assertEqual(len(drawn), 2, agent)
            self.assertTrue(set(drawn) <= set(group), agent)
        self.assertEqual(stack.count("qa_sample_cases s JOIN qa_samples m"
                                     " ON m.id = s.sample_id", "m.month = @p1",
                                     month), 6)

    def test_new_month_never_repeats_case(self):
        month, numbers = self.make_month()
        status, out = run_sampler("--month", month, "--per-agent", "2")
        self.assertEqual(status, 0, out)
        sampled = {n for n, _ in parse_sample(out)[1]}
        every = {n for group in numbers.values() for n in group}
        later = unused_month()
        move_to_month(every, later)
        status, out = run_sampler("--month", later, "--per-agent", "10")
        self.assertEqual(status, 0, out)
        again = {n for n, _ in parse_sample(out)[1]}
        self.assertEqual(again, every - sampled)

    def test_seed_reproducible_and_matches_reference(self):
        month, _ = self.make_month(per_agent=(6, 6), portal=6)
        rows = stack.sql(
            "SELECT id, number, IFNULL(registered_by, 0) FROM cases"
            " WHERE created_at >= @p1 - INTERVAL 4 HOUR"
            " AND created_at < @p1 - INTERVAL 4 HOUR + INTERVAL 1 MONTH"
            " AND status NOT IN ('new', 'rejected')"
            " ORDER BY registered_by IS NULL, registered_by, id",
            month + "-01 00:00:00")
        groups, number_of = {}, {}
        for case_id, number, agent in rows:
            groups.setdefault(agent, []).append(int(case_id))
            number_of[int(case_id)] = number
        ordered = [groups[k] for k in sorted(groups, key=lambda a: (a == "0", int(a)))]
        samples = []
        for seed in ("1", "2", "3", "4", "1"):
            status, out = run_sampler("--month", month, "--per-agent", "3",
                                      "--seed", seed, "--dry-run")
            self.assertEqual(status, 0, out)
            got_seed, cases = parse_sample(out)
            self.assertEqual(got_seed, int(seed))
            numbers = [n for n, _ in cases]
            expected = [number_of[i] for i in expected_draw(int(seed), ordered, 3)]
            self.assertEqual(numbers, expected, "seed %s" % seed)
            samples.append(numbers)
        self.assertEqual(samples[0], samples[4], "same seed, same sample")
        self.assertGreater(len({tuple(s) for s in samples}), 1,
                           "four seeds drew the same sample")
        self.assertEqual(stack.count("qa_samples", "month = @p1", month), 0,
                         "--dry-run stored a sample")

    def test_bad_options_rejected(self):
        for args in (["--month", "2026-13"], ["--per-agent", "0"],
                     ["--percent", "101"], ["--seed", "-1"],
                     ["--per-agent", "2", "--percent", "5"]):
            status, _ = run_sampler(*args)
            self.assertEqual(status, 2, args)

    def test_default_month_dry_run(self):
        status, out = run_sampler("--dry-run")
        self.assertEqual(status, 0, out)
        first = out.splitlines()[0]
        self.assertRegex(first, r"^sample \d{4}-\d{2} seed \d+ per-agent 10 ")


class ReviewTest(unittest.TestCase):
    """A QA reviewer scores a sampled case and sees it in the reports."""

    @classmethod
    def setUpClass(cls):
        cls.agent = stack.StaffBrowser("agent")
        cls.supervisor = stack.StaffBrowser("supervisor")
        cls.reviewer = stack.StaffBrowser("qa")
        cls.month = unused_month()
        cls.numbers = [register(cls.agent) for _ in range(3)]
        cls.health = register(cls.agent, category="food_hygiene")
        # Two cases resolved, one of them confirmed solved by phone.
        for number in cls.numbers[:2]:
            response = cls.supervisor.act(number, "resolve", note="Pothole filled.")
            assert response.status == 303, response.status
        response = cls.agent.act(cls.numbers[0], "confirm")
        assert response.status == 303, response.status
        move_to_month(cls.numbers + [cls.health], cls.month)
        status, out = run_sampler("--month", cls.month, "--per-agent", "10")
        assert status == 0, out
        cls.case = cls.numbers[0]

    def score_fields(self, **values):
        fields = {"csrf": self.reviewer.csrf, "soft_skills": "4",
                  "time_to_solve": "3", "service_quality": "5",
                  "notes": "Polite and clear; سجّل البلاغ بسرعة."}
        fields.update(values)
        return {k: v for k, v in fields.items() if v is not None}

    def stored_score(self):
        return stack.sql("SELECT q.soft_skills, q.time_to_solve, q.service_quality,"
                         " q.notes FROM qa_scores q JOIN cases c ON c.id = q.case_id"
                         " WHERE c.number = @p1", self.case)

    def test_1_list_and_form(self):
        page = self.reviewer.get("/agent/qa?month=" + self.month)
        self.assertEqual(page.status, 200)
        listed = re.findall(r'data-number="(\d{8})"', page.text)
        self.assertEqual(sorted(listed), sorted(self.numbers + [self.health]))
        self.assertIn('id="nav-qa"', page.text)
        form = self.reviewer.get("/agent/qa/cases/" + self.case)
        self.assertEqual(form.status, 200)
        self.assertIn('data-kind="confirm"', form.text, "the full history")
        self.assertIn('id="qa-score"', form.text)
        self.assertEqual(self.reviewer.get("/agent/qa?month=2026-1").status, 422)

    def test_2_bad_scores_store_nothing(self):
        path = "/agent/qa/cases/" + self.case
        for bad in ({"soft_skills": "0"}, {"time_to_solve": "6"},
                    {"service_quality": None}, {"soft_skills": "x"},
                    {"notes": "n" * 2001}):
            response = self.reviewer.post(path, self.score_fields(**bad))
            self.assertEqual(response.status, 422, bad)
            self.assertEqual(self.stored_score(), [], bad)
        response = self.reviewer.post(path, self.score_fields(csrf="x" * 43))
        self.assertEqual(response.status, 403)
        self.assertEqual(self.stored_score(), [])

    def test_3_score_then_rescore(self):
        path = "/agent/qa/cases/" + self.case
        response = self.reviewer.post(path, self.score_fields())
        self.assertEqual(response.status, 303)
        self.assertEqual(response.header("Location"), path + "?done=1")
        self.assertEqual(self.stored_score(),
                         [["4", "3", "5", "Polite and clear; سجّل البلاغ بسرعة."]])
        response = self.reviewer.post(path, self.score_fields(soft_skills="2",
                                                              notes=""))
        self.assertEqual(response.status, 303)
        self.assertEqual(self.stored_score(), [["2", "3", "5", "NULL"]])
        page = self.reviewer.get(path + "?done=1")
        self.assertIn('value="2" checked', page.text)

    def expected_agent_row(self):
        """Computes the agent's figures for the month in SQL, apart from
        lib/qa.c's query."""
        cases = "(SELECT id FROM cases WHERE registered_by = @p1" \
                " AND created_at >= @p2 - INTERVAL 4 HOUR" \
                " AND created_at < @p2 - INTERVAL 4 HOUR + INTERVAL 1 MONTH)"
        params = (self.agent.staff["id"], self.month + "-01 00:00:00")

        def one(query):
            return stack.sql(query % {"cases": cases}, *params)[0][0]
        return {
            "cases": one("SELECT COUNT(*) FROM %(cases)s x"),
            "sampled": one("SELECT COUNT(*) FROM qa_sample_cases"
                           " WHERE case_id IN %(cases)s"),
            "scored": one("SELECT COUNT(*) FROM qa_scores WHERE case_id IN %(cases)s"),
            "soft_skills": one("SELECT IFNULL(ROUND(AVG(soft_skills), 2), '')"
                               " FROM qa_scores WHERE case_id IN %(cases)s"),
            "surveys_sent": one("SELECT COUNT(*) FROM surveys WHERE case_id IN %(cases)s"),
            "surveys_answered": one("SELECT COUNT(*) FROM surveys"
                                    " WHERE answered_at IS NOT NULL"
                                    " AND case_id IN %(cases)s"),
            "confirmed_solved": one(
                "SELECT COUNT(DISTINCT case_id) FROM case_events"
                " WHERE to_status = 'closed' AND kind IN ('confirm', 'confirmed')"
                " AND case_id IN %(cases)s"),
            "resolved": one("SELECT COUNT(DISTINCT case_id) FROM case_events"
                            " WHERE to_status = 'resolved' AND case_id IN %(cases)s"),
        }

    def test_4_report_html_and_csv(self):
        self.reviewer.post("/agent/qa/cases/" + self.case, self.score_fields())
        expected = self.expected_agent_row()
        self.assertEqual((expected["confirmed_solved"], expected["resolved"]), ("1", "2"))
        page = self.reviewer.get("/agent/reports?month=%s&group=agent" % self.month)
        self.assertEqual(page.status, 200)
        row = re.search(r'<tr data-key="%s">.*?</tr>' % re.escape(self.agent.staff["username"]),
                        page.text, re.S)
        self.assertIsNotNone(row)
        self.assertIn('<td class="scored">1</td>', row.group(0))
        self.assertIn('<td class="soft_skills">4.00</td>', row.group(0))

        response = self.reviewer.get("/agent/reports?month=%s&group=agent&format=csv"
                                     % self.month)
        self.assertEqual(response.status, 200)
        self.assertEqual(response.header("Content-Type"), "text/csv; charset=utf-8")
        self.assertTrue(response.header("Content-Disposition").startswith("attachment;"))
        self.assertTrue(response.body.startswith(b"\xef\xbb\xbf"), "UTF-8 byte order mark")
        text = response.body.decode("utf-8-sig")
        self.assertIn("\r\n", text)
        rows = {r["key"]: r for r in csv.DictReader(io.StringIO(text, newline=""))}
        got = rows[self.agent.staff["username"]]
        for name, value in expected.items():
            self.assertEqual(got[name], value, name)
        sent, answered = int(expected["surveys_sent"]), int(expected["surveys_answered"])
        self.assertEqual(got["response_rate_percent"],
                         "%.1f" % (100.0 * answered / sent) if sent else "")
        self.assertEqual(got["confirmed_solved_percent"], "50.0")

    def test_5_roles(self):
        for role, directorate in (("agent", None), ("officer", "roads")):
            browser = stack.StaffBrowser(role, directorate)
            self.assertEqual(browser.get("/agent/qa").status, 403, role)
            self.assertEqual(browser.get("/agent/qa/cases/" + self.case).status, 403, role)
            response = browser.post("/agent/qa/cases/" + self.case,
                                    dict(self.score_fields(), csrf=browser.csrf))
            self.assertEqual(response.status, 403, role)
            self.assertEqual(browser.get("/agent/reports").status, 403, role)
            self.assertNotIn('id="nav-qa"', browser.get("/agent/cases").text)
        executive = stack.StaffBrowser("executive")
        self.assertEqual(executive.get("/agent/reports?month=" + self.month).status, 200)
        self.assertEqual(executive.get("/agent/qa").status, 403)

    def test_6_head_sees_own_directorate(self):
        head = stack.StaffBrowser("head", "health")
        page = head.get("/agent/reports?month=%s&group=directorate" % self.month)
        self.assertEqual(page.status, 200)
        self.assertIn('id="report-scoped"', page.text)
        self.assertEqual(re.findall(r'<tr data-key="([^"]+)"', page.text), ["health"])
        response = head.get("/agent/reports?month=%s&group=agent&format=csv" % self.month)
        rows = list(csv.DictReader(io.StringIO(response.body.decode("utf-8-sig"),
                                               newline="")))
        self.assertEqual([(r["key"], r["cases"]) for r in rows],
                         [(self.agent.staff["username"], "1")])
        self.assertEqual(head.get("/agent/qa").status, 403)
        self.assertEqual(head.get("/agent/reports?group=week").status, 422)


if __name__ == "__main__":
    unittest.main()
