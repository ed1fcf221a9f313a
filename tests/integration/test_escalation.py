"""Due times in working hours, the pause of referred cases and
bin/tawasul-escalate: late cases are filed through the portal, then made
late by moving created_at and due_at back in SQL. Expected due times come
from workhours.py, a second implementation of the calendar arithmetic."""
import datetime
import os
import subprocess
import unittest

import stack
import workhours

DAY = datetime.timedelta(days=1)


def db_now():
    return workhours.parse(stack.sql("SELECT UTC_TIMESTAMP()")[0][0])


def fmt(moment):
    return moment.strftime(workhours.FORMAT)


def run_escalate(*args):
    """Runs bin/tawasul-escalate once with the stack's configuration and
    returns its exit status."""
    command = [os.path.join(stack.TOP, "bin", "tawasul-escalate"),
               "-c", os.path.join(stack.VAR, "tawasul.hdf")] + list(args)
    with open(os.path.join(stack.VAR, "log", "escalate.log"), "ab") as log:
        return subprocess.run(command, stderr=log, stdout=log,
                              timeout=60).returncode


def set_clock(number, created, due):
    stack.sql("UPDATE cases SET created_at = @p1, due_at = @p2 WHERE number = @p3",
              fmt(created), fmt(due), number)


def levels(number):
    return [int(row[0]) for row in stack.sql(
        "SELECT e.level FROM case_escalations e JOIN cases c ON c.id = e.case_id"
        " WHERE c.number = @p1 ORDER BY e.level", number)]


def escalation_notes(number):
    return [e["note"] for e in stack.case_events(number) if e["kind"] == "escalated"]


def sms_to(number, mobile):
    return [sms for sms in stack.case_outbox(number) if sms["to_number"] == mobile]


class DueTimeTest(unittest.TestCase):
    def test_new_case_due_in_working_hours(self):
        number = stack.file_case("pothole")
        created, due, hours = stack.sql(
            "SELECT c.created_at, c.due_at, k.sla_hours FROM cases c"
            " JOIN categories k ON k.id = c.category_id WHERE c.number = @p1",
            number)[0]
        expected = workhours.due(workhours.calendar(), workhours.parse(created),
                                 int(hours), False)
        self.assertEqual(due, fmt(expected))

    def test_urgent_case_due_in_wall_clock(self):
        number = stack.file_case("light_pole_danger")
        created, due, hours = stack.sql(
            "SELECT c.created_at, c.due_at, k.sla_hours FROM cases c"
            " JOIN categories k ON k.id = c.category_id WHERE c.number = @p1",
            number)[0]
        self.assertEqual(workhours.parse(due) - workhours.parse(created),
                         datetime.timedelta(hours=int(hours)))


class EscalationTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        mobile = lambda: "+968" + stack.new_mobile()
        cls.officer = stack.create_staff(role="officer", directorate_code="roads",
                                         mobile=mobile(), lang="ar")
        cls.other_officer = stack.create_staff(role="officer", directorate_code="roads",
                                               mobile=mobile(), lang="en")
        cls.head = stack.create_staff(role="head", directorate_code="roads",
                                      mobile=mobile(), lang="en")
        cls.executive = stack.create_staff(role="executive", mobile=mobile(), lang="en")
        cls.calendar = workhours.calendar()

    def late_case(self, due_offset, category="pothole"):
        """Files a case created 30 days ago and due at now + due_offset
        (wall clock)."""
        number = stack.file_case(category)
        now = db_now()
        set_clock(number, now - 30 * DAY, now + due_offset)
        return number

    def warned_case(self):
        """Files a case with one working hour left of an SLA that started
        30 days ago: far past the warning threshold, not yet overdue."""
        number = stack.file_case("pothole")
        now = db_now()
        set_clock(number, now - 30 * DAY, workhours.add_working(self.calendar, now, 3600))
        return number

    def expected_body(self, number, lang, key):
        due = workhours.parse(stack.sql(
            "SELECT due_at FROM cases WHERE number = @p1", number)[0][0])
        local = (due + workhours.MUSCAT).strftime("%Y-%m-%d %H:%M")
        return stack.message(lang, key).replace("{number}", number).replace("{due}", local)

    def test_levels_once_each(self):
        fresh = stack.file_case("pothole")
        warned = self.warned_case()
        overdue = self.late_case(-datetime.timedelta(minutes=1))
        long_overdue = self.late_case(-20 * DAY)
        for run in (1, 2):
            with self.subTest(run=run):
                self.assertEqual(run_escalate(), 0)
                self.assertEqual(levels(fresh), [])
                self.assertEqual(levels(warned), [1])
                self.assertEqual(levels(overdue), [1, 2])
                self.assertEqual(levels(long_overdue), [1, 2, 3])
                self.assertEqual(escalation_notes(warned), ["level 1"])
                self.assertEqual(escalation_notes(overdue), ["level 1", "level 2"])
                self.assertEqual(escalation_notes(long_overdue),
                                 ["level 1", "level 2", "level 3"])
        events = [e for e in stack.case_events(long_overdue) if e["kind"] == "escalated"]
        for event in events:
            self.assertEqual((event["actor_kind"], event["is_public"]), ("system", "0"))

    def test_sms_per_level(self):
        number = self.late_case(-20 * DAY)
        self.assertEqual(run_escalate(), 0)
        self.assertEqual(run_escalate(), 0)
        to_officer = sms_to(number, self.officer["mobile"])
        self.assertEqual(len(to_officer), 1)
        self.assertEqual((to_officer[0]["lang"], to_officer[0]["kind"]), ("ar", "escalated"))
        self.assertEqual(to_officer[0]["customer_id"], "")
        self.assertEqual(to_officer[0]["body"],
                         self.expected_body(number, "ar", "Sms.EscalatedWarning"))
        self.assertEqual(len(sms_to(number, self.other_officer["mobile"])), 1)
        to_head = sms_to(number, self.head["mobile"])
        self.assertEqual(len(to_head), 1)
        self.assertEqual(to_head[0]["body"],
                         self.expected_body(number, "en", "Sms.EscalatedOverdue"))
        to_executive = sms_to(number, self.executive["mobile"])
        self.assertEqual(len(to_executive), 1)
        self.assertEqual(to_executive[0]["body"],
                         self.expected_body(number, "en", "Sms.EscalatedExecutive"))

    def test_warning_to_assigned_officer_only(self):
        number = self.warned_case()
        stack.sql("UPDATE cases SET status = 'assigned', assigned_staff_id = @p1"
                  " WHERE number = @p2", self.other_officer["id"], number)
        self.assertEqual(run_escalate(), 0)
        self.assertEqual(levels(number), [1])
        self.assertEqual(len(sms_to(number, self.other_officer["mobile"])), 1)
        self.assertEqual(sms_to(number, self.officer["mobile"]), [])
        self.assertEqual(sms_to(number, self.head["mobile"]), [])

    def test_levels_climb(self):
        number = self.warned_case()
        self.assertEqual(run_escalate(), 0)
        self.assertEqual(levels(number), [1])
        now = db_now()
        set_clock(number, now - 30 * DAY, now - datetime.timedelta(minutes=1))
        self.assertEqual(run_escalate(), 0)
        self.assertEqual(levels(number), [1, 2])
        self.assertEqual(len(sms_to(number, self.head["mobile"])), 1)
        self.assertEqual(sms_to(number, self.executive["mobile"]), [])
        set_clock(number, now - 30 * DAY, now - 20 * DAY)
        self.assertEqual(run_escalate(), 0)
        self.assertEqual(levels(number), [1, 2, 3])
        self.assertEqual(len(sms_to(number, self.officer["mobile"])), 1)
        self.assertEqual(len(sms_to(number, self.head["mobile"])), 1)
        self.assertEqual(len(sms_to(number, self.executive["mobile"])), 1)

    def test_finished_cases_never_escalate(self):
        for status in ("resolved", "closed", "rejected"):
            with self.subTest(status=status):
                number = self.late_case(-20 * DAY)
                stack.sql("UPDATE cases SET status = @p1 WHERE number = @p2",
                          status, number)
                self.assertEqual(run_escalate(), 0)
                self.assertEqual(levels(number), [])
                self.assertEqual(escalation_notes(number), [])
                self.assertEqual(sms_to(number, self.officer["mobile"]), [])

    def test_dry_run_changes_nothing(self):
        number = self.late_case(-20 * DAY)
        before = stack.case_snapshot(number)
        self.assertEqual(run_escalate("--dry-run"), 0)
        self.assertEqual(levels(number), [])
        self.assertEqual(stack.case_snapshot(number), before)

    def test_help_and_bad_option(self):
        command = os.path.join(stack.TOP, "bin", "tawasul-escalate")
        out = subprocess.run([command, "--help"], capture_output=True, text=True)
        self.assertEqual(out.returncode, 0)
        self.assertIn("Escalation.WarnPercent", out.stdout)
        out = subprocess.run([command, "--bogus"], capture_output=True, text=True)
        self.assertEqual(out.returncode, 2)

    def test_case_page_shows_level(self):
        number = self.late_case(-datetime.timedelta(minutes=1))
        self.assertEqual(run_escalate(), 0)
        browser = stack.StaffBrowser("supervisor")
        page = browser.get("/agent/cases/%s" % number)
        self.assertEqual(page.status, 200)
        self.assertEqual(stack.attribute(page, "case-escalation", "data-level"), "2")


class PauseTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.browser = stack.StaffBrowser("supervisor")
        cls.calendar = workhours.calendar()

    def test_referred_case_resumes_later(self):
        number = stack.file_case("pothole")
        now = db_now()
        paused_at = now - 10 * DAY
        due = now - 5 * DAY
        stack.sql("UPDATE cases SET status = 'referred', paused_at = @p1,"
                  " due_at = @p2 WHERE number = @p3", fmt(paused_at), fmt(due), number)
        # A paused clock does not escalate, however late the due time.
        self.assertEqual(run_escalate(), 0)
        self.assertEqual(levels(number), [])

        response = self.browser.act(number, "route", value="roads")
        self.assertEqual(response.status, 303)
        row = stack.sql("SELECT status, IFNULL(paused_at, ''), due_at, updated_at"
                        " FROM cases WHERE number = @p1", number)[0]
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

    def test_other_changes_keep_clock(self):
        number = stack.file_case("pothole")
        before = stack.sql("SELECT due_at FROM cases WHERE number = @p1", number)[0][0]
        self.assertEqual(self.browser.act(number, "start").status, 303)
        row = stack.sql("SELECT due_at, IFNULL(paused_at, '') FROM cases"
                        " WHERE number = @p1", number)[0]
        self.assertEqual(row, [before, ""])
