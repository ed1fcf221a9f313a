"""Case figures on /agent/reports, as HTML with SVG charts and as CSV.

The counts, shares, nearest-rank median and 90th percentile hours to
resolve, the trend per week and month and the per-agent figures are
checked against values computed here from the seeded cases."""
import csv
import datetime
import html
import io
import os
import random
import re
import unittest

import stack
from test_qa import register

MUSCAT = datetime.timedelta(hours=4)

# Each seeded case: day of the period it is created on (Muscat noon),
# category, hours to the first resolve or None, confirmed by the
# resident, and hours from creation to the due time.
CASES = [
    (0, "pothole", 5, True, 48),
    (1, "pothole", 50, False, 48),
    (2, "pothole", 10, False, 48),
    (8, "pothole", None, False, 48),
    (9, "food_hygiene", 3, False, 24),
    (10, "food_hygiene", 30, False, 24),
    (11, "pothole", None, False, 200000),
    (12, "pothole", 100, False, 200),
]
DAYS = 14


def nearest_rank(values, percent):
    """Returns the nearest-rank percentile of values."""
    ordered = sorted(values)
    rank = max(1, -(-percent * len(ordered) // 100))
    return ordered[rank - 1]


def free_period():
    """Returns the Monday that starts a DAYS-day period of 2016-2019 in
    which no case was created, so that a rerun on a kept database starts
    afresh."""
    rng = random.Random()
    while True:
        start = datetime.date(2016, 1, 4) + datetime.timedelta(
            weeks=rng.randint(0, 200))
        first = datetime.datetime.combine(start, datetime.time()) - MUSCAT
        last = first + datetime.timedelta(days=DAYS + 1)
        if stack.count("cases", "created_at >= @p1 AND created_at < @p2",
                       first, last) == 0:
            return start


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(response.body.decode("utf-8-sig"),
                                           newline="")))


def hours_text(value):
    return "%.1f" % value


class FiguresTest(unittest.TestCase):
    """Figures of seeded cases, per group and per period."""

    @classmethod
    def setUpClass(cls):
        cls.agent = stack.StaffBrowser("agent")
        cls.supervisor = stack.StaffBrowser("supervisor")
        cls.supervisor_id = stack.sql("SELECT id FROM staff WHERE username = @p1",
                                      cls.supervisor.staff["username"])[0][0]
        cls.start = free_period()
        cls.seeded = []
        for day, category, hours, confirmed, due in CASES:
            number = register(cls.agent, category=category)
            created = datetime.datetime.combine(
                cls.start + datetime.timedelta(days=day),
                datetime.time(12)) - MUSCAT
            cls.seed_case(number, created, hours, confirmed, due)
            row = stack.sql(
                "SELECT d.code, g.code, IFNULL(w.code, ''), c.channel"
                " FROM cases c JOIN directorates d ON d.id = c.directorate_id"
                " JOIN categories g ON g.id = c.category_id"
                " LEFT JOIN wilayats w ON w.id = c.wilayat_id"
                " WHERE c.number = @p1", number)[0]
            handlers = [r[0] for r in stack.sql(
                "SELECT DISTINCT t.username FROM case_events e"
                " JOIN cases c ON c.id = e.case_id JOIN staff t ON t.id = e.actor_id"
                " WHERE c.number = @p1 AND e.actor_kind = 'staff'", number)]
            cls.seeded.append(dict(handlers=handlers, 
                number=number, created=created, hours=hours,
                confirmed=confirmed,
                overdue=created + datetime.timedelta(hours=due) < (
                    datetime.datetime.utcnow() if hours is None
                    else created + datetime.timedelta(hours=hours)),
                directorate=row[0], category=row[1], wilayat=row[2],
                channel=row[3], agent=cls.agent.staff["username"]))
        # One case the day before the period, which no figure counts.
        number = register(cls.agent)
        cls.seed_case(number, datetime.datetime.combine(
            cls.start, datetime.time(12)) - MUSCAT - datetime.timedelta(days=1),
            2, False, 48)
        cls.end = cls.start + datetime.timedelta(days=DAYS - 1)
        cls.period = "from=%s&to=%s" % (cls.start, cls.end)

    @classmethod
    def seed_case(cls, number, created, hours, confirmed, due):
        """Moves a case to created, with a due time and, when hours is
        set, a resolve event that many hours later."""
        stack.sql("UPDATE cases SET created_at = @p1,"
                  " due_at = @p1 + INTERVAL @p2 HOUR WHERE number = @p3",
                  created, due, number)
        if hours is None:
            return
        resolved = created + datetime.timedelta(hours=hours)
        stack.sql("INSERT INTO case_events (case_id, at, kind, from_status,"
                  " to_status, actor_kind, actor_id) SELECT id, @p1, 'resolve',"
                  " 'registered', 'resolved', 'staff', @p3 FROM cases"
                  " WHERE number = @p2", resolved, number, cls.supervisor_id)
        if confirmed:
            stack.sql("INSERT INTO case_events (case_id, at, kind,"
                      " from_status, to_status, actor_kind) SELECT id,"
                      " @p1 + INTERVAL 1 HOUR, 'confirm', 'resolved',"
                      " 'closed', 'staff' FROM cases WHERE number = @p2",
                      resolved, number)
        stack.sql("UPDATE cases SET status = @p1 WHERE number = @p2",
                  "closed" if confirmed else "resolved", number)

    def expected(self, key):
        """Returns {group key: expected CSV row} for the seeded cases."""
        groups = {}
        for case in self.seeded:
            groups.setdefault(case[key], []).append(case)
        out = {}
        for name, cases in groups.items():
            hours = [c["hours"] for c in cases if c["hours"] is not None]
            received, resolved = len(cases), len(hours)
            out[name] = {
                "received": str(received),
                "resolved": str(resolved),
                "resolved_percent": "%.1f" % (100.0 * resolved / received),
                "confirmed": str(sum(c["confirmed"] for c in cases)),
                "overdue": str(sum(c["overdue"] for c in cases)),
                "median_hours_to_resolve":
                    hours_text(nearest_rank(hours, 50)) if hours else "",
                "p90_hours_to_resolve":
                    hours_text(nearest_rank(hours, 90)) if hours else "",
            }
        if key != "agent":
            return out
        handled = {}
        for case in self.seeded:
            for username in case["handlers"]:
                handled[username] = handled.get(username, 0) + 1
        empty = {"received": "0", "resolved": "0", "resolved_percent": "",
                 "confirmed": "0", "overdue": "0", "median_hours_to_resolve": "",
                 "p90_hours_to_resolve": ""}
        for username, n in handled.items():
            out.setdefault(username, dict(empty))["handled"] = str(n)
        for row in out.values():
            row.setdefault("handled", "0")
        return out

    def expected_trend(self, by):
        buckets = {}
        for case in self.seeded:
            day = (case["created"] + MUSCAT).date()
            if by == "week":
                label = str(day - datetime.timedelta(days=day.weekday()))
            else:
                label = day.strftime("%Y-%m")
            counts = buckets.setdefault(label, [0, 0])
            counts[0] += 1
            counts[1] += case["hours"] is not None
        return [(label, str(r), str(s)) for label, (r, s) in sorted(buckets.items())]

    def test_groups_csv(self):
        for group in ("directorate", "category", "wilayat", "channel", "agent"):
            response = self.supervisor.get(
                "/agent/reports?%s&group=%s&format=csv" % (self.period, group))
            self.assertEqual(response.status, 200, group)
            self.assertIn("text/csv", response.header("Content-Type"))
            rows = csv_rows(response)
            got = {r.pop("key"): r for r in rows}
            for r in got.values():
                r.pop("name")
            self.assertEqual(got, self.expected(group), group)

    def test_groups_html_and_svg(self):
        for group in ("directorate", "category", "agent"):
            page = self.supervisor.get("/agent/reports?%s&group=%s"
                                       % (self.period, group))
            self.assertEqual(page.status, 200)
            expected = self.expected(group)
            table = page.text.split('id="figures"')[1].split("</table>")[0]
            keys = re.findall(r'<tr data-key="([^"]*)"', table)
            self.assertEqual(sorted(keys), sorted(expected))
            for key, row in expected.items():
                cells = table.split('<tr data-key="%s">' % key)[1].split("</tr>")[0]
                for css, field in (("received", "received"), ("resolved", "resolved"),
                                   ("confirmed", "confirmed"), ("overdue", "overdue")):
                    self.assertIn('<td class="%s">%s</td>' % (css, row[field]), cells)
                if row["resolved_percent"]:
                    self.assertIn(">%s%%<" % row["resolved_percent"], cells)
                self.assertIn('<td class="median">%s</td>'
                              % (row["median_hours_to_resolve"] or "–"), cells)
                self.assertIn('<td class="p90">%s</td>'
                              % (row["p90_hours_to_resolve"] or "–"), cells)
                if group == "agent":
                    self.assertIn('<td class="handled">%s</td>' % row["handled"], cells)
            svg = page.text.split('id="chart-groups"')[1].split("</svg>")[0]
            self.assertEqual(svg.count('class="bar received"'), len(expected))
            self.assertEqual(svg.count('class="bar resolved"'), len(expected))
            self.assertIn("<title", svg)
            self.assertIn('<svg dir="ltr" id="chart-trend"', page.text)
            self.assertNotIn("<script", page.text)

    def test_bar_labels_are_names(self):
        page = self.supervisor.get("/agent/reports?%s&group=directorate"
                                   % self.period)
        self.assertEqual(page.status, 200)
        svg = page.text.split('id="chart-groups"')[1].split("</svg>")[0]
        labels = [html.unescape(t) for t in
                  re.findall(r'<text [^>]*font-size="11">([^<]*)</text>', svg)]
        names = dict(stack.sql("SELECT code, name_en FROM directorates"))
        shown = [names[key] for key in self.expected("directorate")]
        # The words every name starts with are left out of the labels.
        shared = 0
        if len(shown) > 1:
            shared = os.path.commonprefix(shown).rfind(" ") + 1
        expected = sorted(name[shared:] if len(name) - shared <= 18
                          else name[shared:shared + 18] + "\u2026"
                          for name in shown)
        self.assertEqual(sorted(labels), expected)

    def test_trend(self):
        for by in ("week", "month"):
            response = self.supervisor.get(
                "/agent/reports?%s&trend=%s&format=csv&table=trend" % (self.period, by))
            self.assertEqual(response.status, 200)
            rows = [(r[by], r["received"], r["resolved"]) for r in csv_rows(response)]
            self.assertEqual(rows, self.expected_trend(by), by)
            page = self.supervisor.get("/agent/reports?%s&trend=%s" % (self.period, by))
            table = page.text.split('<table class="queue report" id="trend"')[1].split("</table>")[0]
            self.assertEqual(re.findall(r'<tr data-key="([^"]*)"', table),
                             [label for label, _, _ in self.expected_trend(by)])
            svg = page.text.split('id="chart-trend"')[1].split("</svg>")[0]
            self.assertEqual(svg.count('class="column received"'),
                             len(self.expected_trend(by)))

    def test_default_view_and_tabs(self):
        page = self.supervisor.get("/agent/reports")
        self.assertEqual(page.status, 200)
        self.assertIn('id="view-qa"', page.text)
        self.assertIn('name="from"', page.text)
        page = self.supervisor.get("/agent/reports?view=qa")
        self.assertEqual(page.status, 200)
        self.assertIn('id="view-cases"', page.text)
        self.assertIn('name="month"', page.text)

    def test_roles(self):
        for role, directorate in (("agent", None), ("officer", "roads")):
            browser = stack.StaffBrowser(role, directorate)
            self.assertEqual(browser.get("/agent/reports?" + self.period).status,
                             403, role)
            self.assertEqual(browser.get("/agent/reports?%s&format=csv"
                                         % self.period).status, 403, role)

    def test_head_sees_own_directorate(self):
        head = stack.StaffBrowser("head", "health")
        page = head.get("/agent/reports?%s&group=directorate" % self.period)
        self.assertEqual(page.status, 200)
        self.assertIn('id="report-scoped"', page.text)
        table = page.text.split('id="figures"')[1].split("</table>")[0]
        self.assertEqual(re.findall(r'<tr data-key="([^"]*)"', table), ["health"])
        rows = csv_rows(head.get("/agent/reports?%s&group=category&format=csv"
                                 % self.period))
        self.assertEqual([r["key"] for r in rows], ["food_hygiene"])
        self.assertEqual(rows[0]["received"], "2")

    def test_bad_input(self):
        cases = [
            ("from=2020-02-10&to=2020-02-01", "to"),
            ("from=2020-02-30", "from"),
            ("from=2020-2-1", "from"),
            ("to=yesterday", "to"),
            ("group=week", "group"),
            ("trend=day", "trend"),
            ("format=pdf", "format"),
            ("view=other", "view"),
            ("from=2016-01-01&to=2019-01-01", "from"),
        ]
        for query, field in cases:
            page = self.supervisor.get("/agent/reports?" + query)
            self.assertEqual(page.status, 422, query)
            self.assertIn('id="form-errors"', page.text, query)
            self.assertIn('href="#%s"' % field, page.text, query)


if __name__ == "__main__":
    unittest.main()
