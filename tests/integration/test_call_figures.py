"""Call figures of the 1111 line on /agent/reports/calls, as HTML with an
SVG chart and as CSV.

Calls are driven through the real /ivr/ endpoints with signed requests,
so each outcome is the one the IVR records, and more rows are inserted
directly for volume and edge cases. All of them are then moved into a
past period that had no calls. Every figure is checked against values
computed here from the calls this test made."""
import datetime
import html
import re
import secrets as random_bytes
import unittest

import stack
from test_figures import csv_rows, nearest_rank
from test_ivr import CONFIG, muscat_weekday, set_hours, to_menu

MUSCAT = datetime.timedelta(hours=4)
DAYS = 21
OUTCOMES = ["status_read", "case_created", "procedure_sent", "transferred",
            "agent_answered", "no_answer", "after_hours", "missed", "hung_up",
            "started", "other"]
SUMMARY = ["calls", "timed_calls", "mean_seconds", "p90_seconds",
           "voice_cases", "missed", "returned", "open",
           "median_callback_minutes"]
# The HDF names of SUMMARY, which are the data-key of the page's rows.
SUMMARY_KEYS = ["Calls", "Timed", "Mean", "P90", "VoiceCases", "Missed",
                "Returned", "Open", "Callback"]
DAY_ALL = "sun mon tue wed thu fri sat"

# Calls inserted directly: day of the period, Muscat hour, language,
# outcome, duration in seconds or None, and for a missed call the minutes
# to call back (None while open).
DIRECT = [
    (0, 0.5, "ar", "status_read", 40, None),
    (0, 9, "en", "procedure_sent", 75, None),
    (2, 10, "ar", "hung_up", 5, None),
    (3, 23.9, "ar", "missed", 20, 30),
    (7, 8, "en", "missed", None, 90),
    (8, 12, "ar", "missed", 33, None),
    (9, 13, "ar", "transferred", None, None),
    (12, 14, "en", "ended", 12, None),
    (15, 11, "ar", "no_answer", 61, None),
    (20, 22, "ar", "after_hours", 8, None),
]


def free_period():
    """Returns a Monday that starts a DAYS-day period of 2010-2014 with no
    call in it or on the days around it, so reruns start afresh."""
    rng = random_bytes.SystemRandom()
    while True:
        start = datetime.date(2010, 1, 4) + datetime.timedelta(
            weeks=rng.randint(0, 250))
        first = datetime.datetime.combine(start, datetime.time()) - MUSCAT
        if stack.count("ivr_calls", "started_at >= @p1 AND started_at < @p2",
                       first - datetime.timedelta(days=2),
                       first + datetime.timedelta(days=DAYS + 2)) == 0:
            return start


def config_value(key):
    return stack._read_hdf(CONFIG)["Ivr." + key]


def table_rows(page, table_id):
    """Returns {data-key: [cell texts]} of a table of the page."""
    table = page.text.split('id="%s"' % table_id)[1].split("</table>")[0]
    rows = {}
    for key, body in re.findall(r'<tr data-key="([^"]*)">(.*?)</tr>', table,
                                re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", body, re.S)
        rows[key] = [html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
                     for c in cells]
    return rows


def share(count, total):
    return "%.1f" % (100.0 * count / total)


class CallFiguresTest(unittest.TestCase):
    """Figures of calls made through the IVR and inserted directly."""

    @classmethod
    def setUpClass(cls):
        cls.start = free_period()
        cls.end = cls.start + datetime.timedelta(days=DAYS - 1)
        cls.period = "from=%s&to=%s" % (cls.start, cls.end)
        cls.calls = []
        cls.supervisor = stack.StaffBrowser("supervisor")
        days, hours = config_value("AgentDays"), config_value("AgentHours")
        try:
            cls.drive_calls()
        finally:
            set_hours(days, hours)
        for row in DIRECT:
            cls.insert_call(*row)
        # Calls just outside the period, which no figure counts.
        cls.insert_call(-1, 23.9, "ar", "status_read", 10, None,
                        counted=False)
        cls.insert_call(DAYS, 0.1, "en", "missed", 10, 5, counted=False)

    @classmethod
    def drive_calls(cls):
        """Makes one call per path of the menu through /ivr/, checks the
        outcome the IVR recorded, and gives each a time in the period."""
        agent = stack.StaffBrowser("agent")
        # 1. Status of a case, in Arabic.
        call = to_menu("ar")
        call.press("1")
        call.press(stack.file_case(lang="ar"))
        call.end()
        cls.add_driven(call, 1, 9, "ar", "status_read", 95)

        # 2. A voice complaint that became a case, in English.
        call = to_menu("en")
        call.press("2")
        call.record("https://api.example.invalid/Recordings/RE"
                    + random_bytes.token_hex(16), 20)
        call.end()
        cls.add_driven(call, 1, 10, "en", "case_created", 180,
                       voice_case=True)

        # 3. No usable recording: a missed call, which an agent returns
        # through /agent/calls.
        call = to_menu("ar")
        call.press("2")
        call.record("https://api.example.invalid/Recordings/RE"
                    + random_bytes.token_hex(16), 0)
        call.end()
        missed = stack.sql(
            "SELECT m.id FROM ivr_missed_calls m JOIN ivr_calls c"
            " ON c.id = m.call_id WHERE c.call_sid = @p1", call.sid)[0][0]
        response = agent.post("/agent/calls", {"csrf": agent.csrf,
                                               "missed": missed})
        assert response.status == 303, response.status
        cls.add_driven(call, 4, 11, "ar", "missed", 64, callback=45)

        # 4. A procedure sent by SMS, in Arabic.
        call = to_menu("ar")
        call.press("3")
        rank = stack.sql("SELECT ivr_rank FROM services WHERE ivr_rank IS"
                         " NOT NULL AND active = 1 ORDER BY ivr_rank")[0][0]
        call.press(rank)
        call.end()
        cls.add_driven(call, 5, 8, "ar", "procedure_sent", 150)

        # 5. Put through to an agent who took the call. 6. Put through,
        # with the call still going on, so with no end time.
        set_hours(DAY_ALL, "00:00-24:00")
        call = to_menu("en")
        dial = call.press("0").find("Dial")
        call.post(dial.get("action"), DialCallStatus="completed")
        call.end()
        cls.add_driven(call, 6, 12, "en", "agent_answered", 300)
        call = to_menu("ar")
        call.press("0")
        cls.add_driven(call, 14, 15, "ar", "transferred", None)

        # 7. Hung up in the menu.
        call = to_menu("en")
        call.end()
        cls.add_driven(call, 14, 16, "en", "hung_up", 7)

        # 8. Outside the opening hours: a missed call left open.
        set_hours(" ".join(d for d in DAY_ALL.split()
                           if d != muscat_weekday()), "00:00-24:00")
        call = to_menu("en")
        call.press("0")
        call.silence()
        call.end()
        cls.add_driven(call, 19, 17, "en", "missed", 25)

    @classmethod
    def when(cls, day, hour):
        """Returns the UTC time of a Muscat day of the period and hour."""
        return (datetime.datetime.combine(
            cls.start + datetime.timedelta(days=day), datetime.time())
            + datetime.timedelta(hours=hour) - MUSCAT).replace(microsecond=0)

    @classmethod
    def add_driven(cls, call, day, hour, lang, outcome, seconds,
                   voice_case=False, callback=None):
        """Checks a driven call's row and moves it to day and hour, with an
        end after seconds and a missed call returned after callback
        minutes."""
        row = call.row()
        assert row["lang"] == lang, (row, lang)
        assert row["outcome"] == outcome, (row, outcome)
        assert (row["case"] != "") == (voice_case or outcome == "status_read"), row
        started = cls.when(day, hour)
        ended = (started + datetime.timedelta(seconds=seconds)
                 if seconds is not None else None)
        stack.sql("UPDATE ivr_calls SET started_at = @p1, ended_at = IF(@p2"
                  " = '', NULL, @p2) WHERE call_sid = @p3", started,
                  ended or "", call.sid)
        missed = row["missed"] != ""
        if missed:
            stack.sql("UPDATE ivr_missed_calls m JOIN ivr_calls c ON c.id ="
                      " m.call_id SET m.created_at = @p1 + INTERVAL 1 SECOND,"
                      " m.handled_at = IF(@p2 = '', NULL, @p1 + INTERVAL 1"
                      " SECOND + INTERVAL @p2 MINUTE) WHERE c.call_sid = @p3",
                      started, "" if callback is None else callback, call.sid)
            handled = stack.sql(
                "SELECT m.handled_at IS NOT NULL FROM ivr_missed_calls m JOIN"
                " ivr_calls c ON c.id = m.call_id WHERE c.call_sid = @p1",
                call.sid)[0][0]
            assert handled == ("1" if callback is not None else "0"), handled
        cls.calls.append(dict(
            sid=call.sid, started=started, lang=lang, outcome=outcome,
            seconds=seconds, voice_case=voice_case, missed=missed,
            callback=callback))

    @classmethod
    def insert_call(cls, day, hour, lang, outcome, seconds, callback,
                    counted=True):
        """Inserts a call with its missed-call record when the outcome is
        missed; callback None leaves that record open."""
        sid = "CF" + random_bytes.token_hex(16)
        started = cls.when(day, hour)
        ended = (started + datetime.timedelta(seconds=seconds)
                 if seconds is not None else None)
        stack.sql("INSERT INTO ivr_calls (call_sid, caller, started_at,"
                  " ended_at, lang, path, outcome) VALUES (@p1, NULL, @p2,"
                  " IF(@p3 = '', NULL, @p3), @p4, 'lang:x', @p5)",
                  sid, started, ended or "", lang, outcome)
        missed = outcome == "missed"
        if missed:
            stack.sql("INSERT INTO ivr_missed_calls (call_id, reason,"
                      " created_at, handled_at) SELECT id, 'after_hours',"
                      " @p2, IF(@p3 = '', NULL, @p2 + INTERVAL @p3 MINUTE)"
                      " FROM ivr_calls WHERE call_sid = @p1", sid, started,
                      "" if callback is None else callback)
        if counted:
            cls.calls.append(dict(
                sid=sid, started=started, lang=lang, outcome=outcome,
                seconds=seconds, voice_case=False, missed=missed,
                callback=callback))

    # Expected values, from cls.calls only.

    def expected_summary(self):
        calls = self.calls
        seconds = [c["seconds"] for c in calls if c["seconds"] is not None]
        missed = [c for c in calls if c["missed"]]
        returned = [c["callback"] for c in missed if c["callback"] is not None]
        return {
            "calls": str(len(calls)),
            "timed_calls": str(len(seconds)),
            "mean_seconds": "%.1f" % (sum(seconds) / len(seconds)),
            "p90_seconds": "%.0f" % nearest_rank(seconds, 90),
            "voice_cases": str(sum(c["voice_case"] for c in calls)),
            "missed": str(len(missed)),
            "returned": str(len(returned)),
            "open": str(len(missed) - len(returned)),
            "median_callback_minutes": "%.1f" % nearest_rank(returned, 50),
        }

    def outcome_of(self, call):
        return call["outcome"] if call["outcome"] in OUTCOMES else "other"

    def expected_outcomes(self):
        total = len(self.calls)
        return [(o, str(n), share(n, total)) for o, n in (
            (o, sum(self.outcome_of(c) == o for c in self.calls))
            for o in OUTCOMES)]

    def expected_langs(self):
        total = len(self.calls)
        return [(lang, str(n), share(n, total)) for lang, n in (
            (lang, sum(c["lang"] == lang for c in self.calls))
            for lang in ("ar", "en"))]

    def label(self, day, by):
        if by == "week":
            return str(day - datetime.timedelta(days=day.weekday()))
        if by == "month":
            return day.strftime("%Y-%m")
        return str(day)

    def expected_trend(self, by):
        """Returns [(label, calls, count of each outcome)] for every day,
        week or month of the period, in order."""
        buckets = {}
        for n in range(DAYS):
            buckets.setdefault(self.label(
                self.start + datetime.timedelta(days=n), by),
                dict.fromkeys(OUTCOMES, 0))
        for call in self.calls:
            day = (call["started"] + MUSCAT).date()
            buckets[self.label(day, by)][self.outcome_of(call)] += 1
        return [(label, sum(counts.values()), [counts[o] for o in OUTCOMES])
                for label, counts in sorted(buckets.items())]

    def csv(self, query, browser=None):
        response = (browser or self.supervisor).get(
            "/agent/reports/calls?%s&format=csv&%s" % (self.period, query))
        self.assertEqual(response.status, 200, query)
        self.assertIn("text/csv", response.header("Content-Type"))
        self.assertIn("attachment", response.header("Content-Disposition"))
        return csv_rows(response)

    # Tests.

    def test_summary_csv(self):
        rows = self.csv("table=summary")
        self.assertEqual([r["figure"] for r in rows], SUMMARY)
        got = {r["figure"]: r["value"] for r in rows}
        expected = self.expected_summary()
        for key in SUMMARY:
            self.assertEqual(got[key], expected[key], key)

    def test_languages_and_outcomes_csv(self):
        rows = self.csv("table=languages")
        self.assertEqual([(r["language"], r["calls"], r["percent"])
                          for r in rows], self.expected_langs())
        rows = self.csv("table=outcomes")
        self.assertEqual([(r["outcome"], r["calls"], r["percent"])
                          for r in rows], self.expected_outcomes())

    def test_every_outcome_driven(self):
        driven = {c["outcome"] for c in self.calls if c["sid"].startswith("CA")}
        for outcome in ("status_read", "case_created", "procedure_sent",
                        "transferred", "agent_answered", "missed", "hung_up"):
            self.assertIn(outcome, driven)

    def test_trend_csv(self):
        for by in ("day", "week", "month"):
            rows = self.csv("trend=%s&table=trend" % by)
            got = [(r[by], int(r["calls"]), [int(r[o]) for o in OUTCOMES])
                   for r in rows]
            self.assertEqual(got, self.expected_trend(by), by)

    def test_page_matches_csv(self):
        for lang in ("en", "ar"):
            browser = self.supervisor if lang == "en" else stack.StaffBrowser(
                "supervisor", lang="ar")
            page = browser.get("/agent/reports/calls?%s&trend=week"
                               % self.period)
            self.assertEqual(page.status, 200)
            self.assertIn('<html lang="%s"' % lang, page.text)
            summary = table_rows(page, "call-summary")
            csv_summary = {r["figure"]: r["value"]
                           for r in self.csv("table=summary", browser)}
            for key, name in zip(SUMMARY, SUMMARY_KEYS):
                self.assertEqual(summary[name], [csv_summary[key] or "–"], key)
            langs = table_rows(page, "call-langs")
            for code, calls, percent in self.expected_langs():
                self.assertEqual(langs[code], [calls, percent + "%"], code)
            outcomes = table_rows(page, "call-outcomes")
            present = [(o, n, p) for o, n, p in self.expected_outcomes()
                       if n != "0"]
            self.assertEqual(list(outcomes), [o for o, _, _ in present])
            for code, calls, percent in present:
                self.assertEqual(outcomes[code], [calls, percent + "%"], code)
            trend = table_rows(page, "call-trend")
            expected = self.expected_trend("week")
            self.assertEqual(list(trend), [label for label, _, _ in expected])
            for label, calls, counts in expected:
                self.assertEqual(trend[label], [str(calls)] + [
                    str(n) for o, n in zip(OUTCOMES, counts)
                    if any(o == p for p, _, _ in present)], label)
            self.assertNotIn("<script", page.text)

    def test_chart_stacks_outcomes(self):
        page = self.supervisor.get("/agent/reports/calls?%s&trend=day"
                                   % self.period)
        self.assertEqual(page.status, 200)
        svg = page.text.split('id="chart-calls"')[1].split("</svg>")[0]
        expected = self.expected_trend("day")
        top = max(calls for _, calls, _ in expected)
        groups = re.findall(r'<g class="bucket" data-key="([^"]*)">(.*?)</g>',
                            svg, re.S)
        self.assertEqual([label for label, _ in groups],
                         [label for label, _, _ in expected])
        for (label, body), (_, calls, counts) in zip(groups, expected):
            segments = re.findall(
                r'<rect class="segment ([a-z_]+)" x="\d+" y="(\d+)"'
                r' width="\d+" height="(\d+)"', body)
            self.assertEqual([s[0] for s in segments],
                             [o for o, n in zip(OUTCOMES, counts) if n > 0],
                             label)
            # The segments fill the column from the bottom to its height.
            self.assertEqual(sum(int(s[2]) for s in segments),
                             calls * 200 // top, label)
            if calls > 0:
                self.assertEqual(min(int(s[1]) for s in segments),
                                 200 - calls * 200 // top, label)
        # Days without calls keep their place in the chart.
        self.assertEqual(len(groups), DAYS)
        self.assertTrue(any(calls == 0 for _, calls, _ in expected))
        self.assertNotIn("://", svg)

    def test_default_period_and_tab(self):
        page = self.supervisor.get("/agent/reports/calls")
        self.assertEqual(page.status, 200)
        today = (datetime.datetime.now(datetime.timezone.utc)
                 + MUSCAT).date()
        self.assertEqual(stack.form_value(page, "to"), str(today))
        self.assertEqual(stack.form_value(page, "from"),
                         str(today - datetime.timedelta(days=29)))
        self.assertIn('id="view-calls" aria-current="page"', page.text)
        self.assertIn('href="/agent/reports/calls" id="view-calls"',
                      self.supervisor.get("/agent/reports").text)

    def test_empty_period(self):
        page = self.supervisor.get("/agent/reports/calls?from=2000-01-03"
                                   "&to=2000-01-09")
        self.assertEqual(page.status, 200)
        self.assertIn('id="calls-empty"', page.text)
        rows = csv_rows(self.supervisor.get(
            "/agent/reports/calls?from=2000-01-03&to=2000-01-09&format=csv"))
        self.assertEqual({r["figure"]: r["value"] for r in rows}["calls"], "0")

    def test_bad_input_in_both_languages(self):
        cases = [
            ("from=2020-02-10&to=2020-02-01", "to", "Agent.Figures.BadPeriod"),
            ("from=2020-02-30", "from", "Agent.Figures.BadDate"),
            ("to=yesterday", "to", "Agent.Figures.BadDate"),
            ("from=2016-01-01&to=2019-01-01&trend=month", "from",
             "Agent.Figures.LongPeriod"),
            ("from=2020-01-01&to=2020-06-30&trend=day", "trend",
             "Agent.CallFigures.LongDaily"),
            ("from=2020-01-01&to=2020-06-30", "trend",
             "Agent.CallFigures.LongDaily"),
            ("trend=year", "trend", "Err.Choice"),
            ("table=people&format=csv", "table", "Err.Choice"),
            ("format=pdf", "format", "Err.Choice"),
        ]
        for lang in ("en", "ar"):
            browser = stack.StaffBrowser("supervisor", lang=lang)
            for query, field, key in cases:
                page = browser.get("/agent/reports/calls?" + query)
                self.assertEqual(page.status, 422, (lang, query))
                self.assertIn("text/html", page.header("Content-Type"))
                self.assertIn(field, stack.error_links(page), (lang, query))
                self.assertIn(html.escape(stack.message(lang, key), False),
                              page.text, (lang, query))
            page = browser.get("/agent/reports/calls?from=2020-02-30&to=2020-03-01")
            self.assertEqual(stack.form_value(page, "from"), "2020-02-30")
            self.assertEqual(stack.form_value(page, "to"), "2020-03-01")

    def test_roles(self):
        for role, directorate in (("agent", None), ("officer", "roads")):
            browser = stack.StaffBrowser(role, directorate)
            self.assertEqual(browser.get("/agent/reports/calls?"
                                         + self.period).status, 403, role)
            self.assertEqual(browser.get("/agent/reports/calls?%s&format=csv"
                                         % self.period).status, 403, role)
        anonymous = stack.Browser().get("/agent/reports/calls")
        self.assertNotEqual(anonymous.status, 200)
        expected = self.expected_summary()["calls"]
        for role in ("qa", "executive"):
            rows = self.csv("table=summary", stack.StaffBrowser(role))
            self.assertEqual(rows[0]["value"], expected, role)

    def test_head_sees_whole_line_without_call_list(self):
        head = stack.StaffBrowser("head", "health")
        page = head.get("/agent/reports/calls?" + self.period)
        self.assertEqual(page.status, 200)
        self.assertIn('id="report-whole-line"', page.text)
        rows = self.csv("table=summary", head)
        self.assertEqual({r["figure"]: r["value"] for r in rows},
                         self.expected_summary())
        self.assertEqual(head.get("/agent/calls").status, 403)
        for call in self.calls:
            self.assertNotIn(call["sid"], page.text)


if __name__ == "__main__":
    unittest.main()
