"""The live dashboard at /agent/dashboard: who may open it, the figures
against SQL written apart from lib/dashboard.c for cases filed and moved
by the test, the directorate head's scope, the automatic refresh and the
absence of residents' personal data."""
import datetime
import re
import unittest

import stack

MUSCAT = datetime.timedelta(hours=4)
FIGURES = ("received", "resolved", "closed", "open", "overdue")
OPEN = "('new', 'registered', 'assigned', 'in_progress', 'reopened', 'referred')"


def period_starts():
    """Returns the UTC starts of today and this month in Muscat time, as
    strings for SQL."""
    now = datetime.datetime.strptime(stack.sql("SELECT UTC_TIMESTAMP()")[0][0],
                                     "%Y-%m-%d %H:%M:%S")
    local = now + MUSCAT
    day = datetime.datetime.combine(local.date(), datetime.time()) - MUSCAT
    month = datetime.datetime.combine(local.date().replace(day=1),
                                      datetime.time()) - MUSCAT
    return [t.strftime("%Y-%m-%d %H:%M:%S") for t in (day, month)]


def expected_figures(start, directorate=None):
    """Counts the five figures of a period with queries of this test."""
    scope, params = "", [start]
    if directorate:
        scope = " AND c.directorate_id = (SELECT id FROM directorates WHERE code = @p2)"
        params.append(directorate)
    queries = {
        "received": "SELECT COUNT(*) FROM cases c WHERE c.created_at >= @p1" + scope,
        "resolved": "SELECT COUNT(*) FROM cases c WHERE EXISTS (SELECT 1 FROM"
                    " case_events e WHERE e.case_id = c.id AND e.to_status = 'resolved'"
                    " AND e.at >= @p1)" + scope,
        "closed": "SELECT COUNT(*) FROM cases c WHERE EXISTS (SELECT 1 FROM"
                  " case_events e WHERE e.case_id = c.id AND e.to_status = 'closed'"
                  " AND e.at >= @p1)" + scope,
        "open": "SELECT COUNT(*) FROM cases c WHERE c.created_at >= @p1"
                " AND c.status IN " + OPEN + scope,
        "overdue": "SELECT COUNT(*) FROM cases c WHERE c.created_at >= @p1"
                   " AND c.status IN " + OPEN + " AND c.paused_at IS NULL"
                   " AND c.due_at < UTC_TIMESTAMP()" + scope,
    }
    return {k: stack.sql(q, *params)[0][0] for k, q in queries.items()}


def page_figures(page, period):
    """Reads the five figures of row figures-<period> of the page."""
    row = re.search(r'<tr id="figures-%s">(.*?)</tr>' % period, page.text, re.S)
    if row is None:
        raise AssertionError("no figures row %s" % period)
    return {k: re.search(r'<td class="%s">(\d+)</td>' % k, row.group(1)).group(1)
            for k in FIGURES}


def table_numbers(page, table_id):
    match = re.search(r'<table[^>]*id="%s".*?</table>' % table_id, page.text, re.S)
    return re.findall(r'data-number="(\d{8})"', match.group(0)) if match else []


class DashboardTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.executive = stack.StaffBrowser("executive")
        cls.supervisor = stack.StaffBrowser("supervisor")
        # A controlled set: resolved, closed, overdue, referred and
        # escalated cases of two directorates, filed now.
        cls.resolved = stack.file_case("pothole")
        cls.closed = stack.file_case("pothole")
        cls.overdue = stack.file_case("pothole")
        cls.referred = stack.file_case("pothole")
        cls.waste = stack.file_case("container_full")
        for number in (cls.resolved, cls.closed):
            cls.act(number, "resolve", note="Filled the hole.")
        cls.act(cls.closed, "confirm")
        cls.act(cls.referred, "refer", note="Referred to the water authority.")
        past = "DATE_SUB(UTC_TIMESTAMP(), INTERVAL 2 HOUR)"
        stack.sql("UPDATE cases SET due_at = %s WHERE number IN (@p1, @p2, @p3)" % past,
                  cls.overdue, cls.referred, cls.waste)
        stack.sql("INSERT IGNORE INTO case_escalations (case_id, level, at)"
                  " SELECT id, 3, UTC_TIMESTAMP() FROM cases WHERE number IN (@p1, @p2)",
                  cls.overdue, cls.resolved)

    @classmethod
    def act(cls, number, action, note=None):
        response = cls.supervisor.act(number, action, note=note)
        if response.status != 303:
            raise AssertionError("%s %s returned %d" % (action, number, response.status))

    def dashboard(self, browser):
        page = browser.get("/agent/dashboard")
        self.assertEqual(page.status, 200)
        return page

    def test_figures_match_sql(self):
        page = self.dashboard(self.executive)
        today, month = period_starts()
        self.assertEqual(page_figures(page, "today"), expected_figures(today))
        self.assertEqual(page_figures(page, "month"), expected_figures(month))

    def test_controlled_cases_counted(self):
        today, _ = period_starts()
        figures = {k: int(v) for k, v in expected_figures(today).items()}
        self.assertGreaterEqual(figures["received"], 5)
        self.assertGreaterEqual(figures["resolved"], 2)
        self.assertGreaterEqual(figures["closed"], 1)
        self.assertGreaterEqual(figures["overdue"], 2)

    def test_overdue_by_directorate(self):
        page = self.dashboard(self.executive)
        rows = dict(re.findall(r'<tr data-directorate="([a-z_]+)">.*?'
                               r'<td class="count">(\d+)</td>', page.text, re.S))
        expected = dict(stack.sql(
            "SELECT d.code, COUNT(*) FROM cases c JOIN directorates d"
            " ON d.id = c.directorate_id WHERE c.status IN " + OPEN +
            " AND c.paused_at IS NULL AND c.due_at < UTC_TIMESTAMP() GROUP BY d.code"))
        self.assertEqual(rows, expected)
        self.assertIn("roads", rows)
        self.assertIn("waste", rows)

    def test_referred_not_overdue(self):
        page = self.dashboard(self.executive)
        self.assertNotIn(self.referred, table_numbers(page, "dashboard-executive"))
        count = stack.sql("SELECT COUNT(*) FROM cases c WHERE c.number = @p1"
                          " AND c.paused_at IS NOT NULL", self.referred)[0][0]
        self.assertEqual(count, "1")

    def test_executive_level_open_only(self):
        numbers = table_numbers(self.dashboard(self.executive), "dashboard-executive")
        self.assertIn(self.overdue, numbers)
        self.assertNotIn(self.resolved, numbers)

    def test_latest_ten(self):
        numbers = table_numbers(self.dashboard(self.executive), "dashboard-latest")
        expected = [row[0] for row in stack.sql(
            "SELECT number FROM cases WHERE number IS NOT NULL"
            " ORDER BY created_at DESC, id DESC LIMIT 10")]
        self.assertEqual(numbers, expected)
        self.assertIn(self.waste, numbers)

    def test_forbidden_roles(self):
        for role, directorate in (("agent", None), ("officer", "roads"), ("admin", None)):
            with self.subTest(role=role):
                browser = stack.StaffBrowser(role, directorate_code=directorate)
                self.assertEqual(browser.get("/agent/dashboard").status, 403)
                page = browser.get("/agent/cases")
                self.assertNotIn('id="nav-dashboard"', page.text)

    def test_header_link_with_right(self):
        page = self.executive.get("/agent/cases")
        self.assertIn('id="nav-dashboard"', page.text)

    def test_head_own_directorate(self):
        head = stack.StaffBrowser("head", directorate_code="roads")
        page = self.dashboard(head)
        self.assertIn('id="dashboard-scoped"', page.text)
        today, month = period_starts()
        self.assertEqual(page_figures(page, "today"), expected_figures(today, "roads"))
        self.assertEqual(page_figures(page, "month"), expected_figures(month, "roads"))
        directorates = re.findall(r'data-directorate="([a-z_]+)"', page.text)
        self.assertEqual(set(directorates), {"roads"})
        self.assertNotIn(self.waste, table_numbers(page, "dashboard-latest"))
        self.assertIn(self.overdue, table_numbers(page, "dashboard-executive"))

    def test_refresh_meta(self):
        page = self.dashboard(self.executive)
        head = page.text.split("</head>")[0]
        self.assertIn('<meta http-equiv="refresh" content="60">', head)
        self.assertNotIn("<script", page.text)

    def test_no_personal_data(self):
        rows = stack.sql(
            "SELECT u.mobile, IFNULL(u.name, ''), IFNULL(u.email, ''), c.description"
            " FROM cases c JOIN customers u ON u.id = c.customer_id"
            " WHERE c.number IN (@p1, @p2, @p3)", self.overdue, self.waste, self.closed)
        for browser in (self.executive, self.supervisor):
            page = self.dashboard(browser)
            for row in rows:
                for value in row:
                    if value:
                        self.assertNotIn(value, page.text)
                self.assertNotIn(row[0][-8:], page.text)

    def test_arabic_page(self):
        browser = stack.StaffBrowser("executive", lang="ar")
        page = self.dashboard(browser)
        self.assertIn('dir="rtl"', page.text)
        self.assertIn(stack.message("ar", "Agent.Dashboard.Title"), page.text)


if __name__ == "__main__":
    unittest.main()
