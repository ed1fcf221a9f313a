"""Referring a case to another organisation from the case page, and
taking it back: the note it needs, who may do it, the stopped SLA clock
and what the resident's tracking page shows. Expected due times come
from workhours.py, a second implementation of the calendar arithmetic."""
import datetime
import html
import re
import unittest

import stack
import workhours
from test_escalation import db_now, fmt, levels, run_escalate

DAY = datetime.timedelta(days=1)
NOTE = "Referred to the Public Authority for Water: the leak is on a main pipe."


def file_case_with_mobile():
    """Files a pothole complaint and returns its number and the mobile
    number the resident typed."""
    browser = stack.Browser()
    fields = stack.open_form(browser, "/en/complaints/new")
    fields.update(stack.valid_complaint(category="pothole"))
    response = browser.post("/en/complaints", fields)
    match = re.search(r"[?&]n=(\d{8})", response.header("Location") or "")
    if response.status != 303 or not match:
        raise AssertionError("POST /en/complaints returned %d" % response.status)
    return match.group(1), fields["mobile"]


def clock(number):
    return stack.sql("SELECT status, IFNULL(paused_at, ''), due_at, updated_at"
                     " FROM cases WHERE number = @p1", number)[0]


class ReferTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.browser = stack.StaffBrowser("supervisor")
        cls.calendar = workhours.calendar()

    def setUp(self):
        self.number, self.mobile = file_case_with_mobile()

    def test_refer_needs_note(self):
        before = stack.case_snapshot(self.number)
        for note in (None, ""):
            with self.subTest(note=note):
                page = self.browser.act(self.number, "refer", note=note)
                self.assertEqual(page.status, 422)
                self.assertEqual(stack.alert_text(page),
                                 stack.message("en", "Agent.Case.NoteRequired"))
        self.assertEqual(stack.case_snapshot(self.number), before)

    def test_refer_pauses_clock(self):
        response = self.browser.act(self.number, "refer", note=NOTE)
        self.assertEqual(response.status, 303)
        row = clock(self.number)
        self.assertEqual(row[0], "referred")
        self.assertEqual(row[1], row[3], "paused_at is the time of the change")
        event = stack.case_events(self.number)[-1]
        self.assertEqual((event["kind"], event["from_status"], event["to_status"],
                          event["is_public"], event["note"]),
                         ("refer", "registered", "referred", "1", NOTE))

    def test_paused_case_not_escalated(self):
        self.assertEqual(self.browser.act(self.number, "refer", note=NOTE).status, 303)
        now = db_now()
        stack.sql("UPDATE cases SET created_at = @p1, due_at = @p2 WHERE number = @p3",
                  fmt(now - 20 * DAY), fmt(now - 10 * DAY), self.number)
        self.assertEqual(run_escalate(), 0)
        self.assertEqual(levels(self.number), [])

    def test_resume_moves_due_later(self):
        self.assertEqual(self.browser.act(self.number, "refer", note=NOTE).status, 303)
        now = db_now()
        paused_at = now - 10 * DAY
        due = now - 5 * DAY
        stack.sql("UPDATE cases SET paused_at = @p1, due_at = @p2 WHERE number = @p3",
                  fmt(paused_at), fmt(due), self.number)
        response = self.browser.act(self.number, "resume")
        self.assertEqual(response.status, 303)
        row = clock(self.number)
        self.assertEqual(row[0], "registered")
        self.assertEqual(row[1], "", "paused_at cleared")
        resumed = workhours.parse(row[3])
        # The clock is read in the same transaction as updated_at, at most
        # a second later.
        expected = set()
        for at in (resumed, resumed + datetime.timedelta(seconds=1)):
            paused = workhours.working_seconds(self.calendar, paused_at, at)
            expected.add(fmt(workhours.add_working(self.calendar, due, paused)))
        self.assertIn(row[2], expected)
        self.assertGreater(workhours.parse(row[2]), due)
        event = stack.case_events(self.number)[-1]
        self.assertEqual((event["kind"], event["from_status"], event["to_status"]),
                         ("resume", "referred", "registered"))

    def test_resume_needs_referred(self):
        before = stack.case_snapshot(self.number)
        page = self.browser.act(self.number, "resume")
        self.assertEqual(page.status, 409)
        self.assertEqual(stack.case_snapshot(self.number), before)

    def test_referred_case_page_forms(self):
        page = self.browser.get("/agent/cases/%s" % self.number)
        self.assertIn('id="action-refer"', page.text)
        self.assertNotIn('id="action-resume"', page.text)
        self.assertEqual(self.browser.act(self.number, "refer", note=NOTE).status, 303)
        page = self.browser.get("/agent/cases/%s" % self.number)
        self.assertIn('id="action-resume"', page.text)
        self.assertNotIn('id="action-refer"', page.text)
        self.assertIn('id="action-resolve"', page.text)

    def test_forbidden_roles(self):
        browsers = {
            "agent": stack.StaffBrowser("agent"),
            "qa": stack.StaffBrowser("qa"),
            "executive": stack.StaffBrowser("executive"),
            "other officer": stack.StaffBrowser("officer", directorate_code="waste"),
        }
        before = stack.case_snapshot(self.number)
        for name, browser in browsers.items():
            with self.subTest(role=name):
                self.assertEqual(browser.act(self.number, "refer", note=NOTE).status, 403)
        self.assertEqual(stack.case_snapshot(self.number), before)
        self.assertEqual(self.browser.act(self.number, "refer", note=NOTE).status, 303)
        before = stack.case_snapshot(self.number)
        for name, browser in browsers.items():
            with self.subTest(role=name, action="resume"):
                self.assertEqual(browser.act(self.number, "resume").status, 403)
        self.assertEqual(stack.case_snapshot(self.number), before)

    def test_own_officer_and_head_may_refer(self):
        for role in ("officer", "head"):
            with self.subTest(role=role):
                number, _ = file_case_with_mobile()
                browser = stack.StaffBrowser(role, directorate_code="roads")
                self.assertEqual(browser.act(number, "refer", note=NOTE).status, 303)
                self.assertEqual(browser.act(number, "resume").status, 303)

    def test_tracking_page_shows_referral(self):
        self.assertEqual(self.browser.act(self.number, "refer", note=NOTE).status, 303)
        browser = stack.Browser()
        fields = {"number": self.number, "mobile": self.mobile,
                  "csrf": stack.open_form(browser, "/en/track")["csrf"]}
        page = browser.post("/en/track", fields)
        self.assertEqual(page.status, 200)
        self.assertEqual(stack.attribute(page, "case-status", "data-status"), "referred")
        self.assertIn(stack.message("en", "Event.refer"), page.text)
        self.assertIn(html.escape(NOTE, quote=False), page.text)


if __name__ == "__main__":
    unittest.main()
