"""The case lifecycle as a supervisor drives it from the case page:
which moves the state table allows, which inputs an action needs, and
what routing, duplicates, category and priority changes write."""
import unittest

import stack
import workhours

NOTE = "Spoke to the resident."


class LifecycleTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.browser = stack.StaffBrowser("supervisor")
        cls.roads_officer = stack.create_staff(role="officer", directorate_code="roads")

    def setUp(self):
        self.number = stack.file_case("pothole")

    def assert_rejected(self, status, key, action, value=None, note=None, number=None):
        """Posts an action that must fail with status and the message key,
        and checks that nothing changed."""
        number = number or self.number
        before = stack.case_snapshot(number)
        page = self.browser.act(number, action, value=value, note=note)
        self.assertEqual(page.status, status, "%s %r" % (action, value))
        self.assertEqual(stack.alert_text(page), stack.message("en", key))
        self.assertEqual(stack.case_snapshot(number), before, "%s changed the case" % action)
        return page

    def act(self, action, value=None, note=None, number=None):
        response = self.browser.act(number or self.number, action, value=value, note=note)
        self.assertEqual(response.status, 303, "%s %r" % (action, value))

    def test_confirm_needs_resolved(self):
        self.assert_rejected(409, "Agent.Case.Conflict", "confirm")
        self.act("resolve", note=NOTE)
        self.act("confirm")
        self.assertEqual(stack.case_snapshot(self.number)["status"], "closed")
        event = stack.case_events(self.number)[-1]
        self.assertEqual((event["kind"], event["from_status"], event["to_status"]),
                         ("confirm", "resolved", "closed"))

    def test_closed_case_only_reopens(self):
        self.act("resolve", note=NOTE)
        self.act("confirm")
        for action in ("start", "resolve", "reject", "confirm"):
            with self.subTest(action=action):
                self.assert_rejected(409, "Agent.Case.Conflict", action, note=NOTE)
        self.act("reopen", note=NOTE)
        self.assertEqual(stack.case_snapshot(self.number)["status"], "reopened")

    def test_resolve_needs_note(self):
        self.assert_rejected(422, "Agent.Case.NoteRequired", "resolve")
        self.assert_rejected(422, "Agent.Case.NoteRequired", "resolve", note="")

    def test_reject_needs_note(self):
        self.assert_rejected(422, "Agent.Case.NoteRequired", "reject")
        self.act("reject", note="Out of scope: private property.")
        self.assertEqual(stack.case_snapshot(self.number)["status"], "rejected")
        event = stack.case_events(self.number)[-1]
        self.assertEqual((event["kind"], event["is_public"], event["note"]),
                         ("reject", "1", "Out of scope: private property."))

    def test_duplicate_links_both(self):
        original = stack.file_case("pothole")
        self.act("duplicate", value=original)
        case = stack.case_snapshot(self.number)
        self.assertEqual(case["status"], "rejected")
        original_id = stack.sql("SELECT id FROM cases WHERE number = @p1", original)[0][0]
        self.assertEqual(case["duplicate_of"], original_id)
        linked = stack.case_events(original)[-1]
        self.assertEqual((linked["kind"], linked["is_public"], linked["note"]),
                         ("duplicate_linked", "0", self.number))
        page = self.browser.get("/agent/cases/%s" % self.number)
        self.assertIn('<a href="/agent/cases/%s"' % original, page.text)

    def test_duplicate_bad_original(self):
        missing = stack.with_check_digit("9999999")
        mistyped = self.number[:7] + str((int(self.number[7]) + 1) % 10)
        copy = stack.file_case("pothole")
        original = stack.file_case("pothole")
        self.act("duplicate", value=original, number=copy)
        for value in (self.number, missing, mistyped, copy, "", "abc"):
            with self.subTest(value=value):
                self.assert_rejected(422, "Agent.Case.InvalidValue", "duplicate",
                                     value=value)

    def test_route_clears_assignee(self):
        self.act("assign", value=self.roads_officer["username"])
        self.assertEqual(stack.case_snapshot(self.number)["assigned_staff_id"],
                         self.roads_officer["id"])
        self.act("route", value="waste")
        case = stack.case_snapshot(self.number)
        waste = stack.sql("SELECT id FROM directorates WHERE code = 'waste'")[0][0]
        self.assertEqual(case["directorate_id"], waste)
        self.assertEqual(case["assigned_staff_id"], "")
        self.assertEqual(case["status"], "registered")
        event = stack.case_events(self.number)[-1]
        self.assertEqual((event["kind"], event["is_public"], event["note"]),
                         ("route", "0", "waste"))

    def test_route_unknown_directorate(self):
        self.assert_rejected(422, "Agent.Case.InvalidValue", "route", value="atlantis")

    def test_category_recomputes_due(self):
        self.act("category", value="road_sign")
        rows = stack.sql(
            "SELECT c.category_id = k.id, c.created_at, c.due_at, k.sla_hours,"
            " k.priority FROM cases c"
            " JOIN categories k ON k.code = 'road_sign' WHERE c.number = @p1",
            self.number)
        self.assertEqual(rows[0][0], "1", "category_id")
        created, due, hours, priority = rows[0][1:]
        expected = workhours.due(workhours.calendar(), workhours.parse(created),
                                 int(hours), priority == "urgent")
        self.assertEqual(due, expected.strftime(workhours.FORMAT),
                         "due_at = created_at + %s working hours" % hours)
        event = stack.case_events(self.number)[-1]
        self.assertEqual((event["kind"], event["is_public"], event["note"]),
                         ("category", "0", "road_sign"))

    def test_category_unknown(self):
        self.assert_rejected(422, "Agent.Case.InvalidValue", "category", value="ufo")

    def test_priority_change(self):
        version = stack.case_version(self.number)
        self.act("priority", value="urgent")
        case = stack.case_snapshot(self.number)
        self.assertEqual(case["priority"], "urgent")
        self.assertEqual(int(case["version"]), version + 1)
        self.assert_rejected(422, "Agent.Case.InvalidValue", "priority", value="extreme")

    def test_unknown_action(self):
        before = stack.case_snapshot(self.number)
        response = self.browser.act(self.number, "delete")
        self.assertEqual(response.status, 400)
        self.assertEqual(stack.case_snapshot(self.number), before)

    def test_unknown_case(self):
        missing = stack.with_check_digit("9999998")
        self.assertEqual(self.browser.get("/agent/cases/%s" % missing).status, 404)
        self.assertEqual(self.browser.act(missing, "note", note=NOTE, version=1).status, 404)


class LockingTest(unittest.TestCase):
    """Two staff members load the same case page and both post."""

    @classmethod
    def setUpClass(cls):
        cls.first = stack.StaffBrowser("supervisor")
        cls.second = stack.StaffBrowser("officer", "roads")

    def setUp(self):
        self.number = stack.file_case("pothole")
        self.pages = [browser.get("/agent/cases/%s" % self.number)
                      for browser in (self.first, self.second)]
        self.versions = [stack.hidden_fields(page)["version"] for page in self.pages]

    def post(self, browser, page, action, value=None, note=None):
        fields = stack.hidden_fields(page)
        fields["action"] = action
        if value is not None:
            fields["value"] = value
        if note is not None:
            fields["note"] = note
        return browser.post("/agent/cases/%s" % self.number, fields)

    def test_stale_version_conflicts(self):
        self.assertEqual(self.versions[0], self.versions[1])
        first = self.post(self.first, self.pages[0], "priority", value="low")
        self.assertEqual(first.status, 303)
        before = stack.case_snapshot(self.number)
        second = self.post(self.second, self.pages[1], "priority", value="urgent")
        self.assertEqual(second.status, 409)
        self.assertEqual(stack.alert_text(second), stack.message("en", "Agent.Case.Conflict"))
        self.assertEqual(stack.case_snapshot(self.number), before)
        self.assertEqual(before["priority"], "low")
        self.assertEqual(stack.hidden_fields(second)["version"], before["version"],
                         "the 409 page shows the latest version")

    def test_stale_state_change(self):
        first = self.post(self.first, self.pages[0], "start")
        self.assertEqual(first.status, 303)
        before = stack.case_snapshot(self.number)
        second = self.post(self.second, self.pages[1], "resolve", note="Done.")
        self.assertEqual(second.status, 409)
        self.assertEqual(stack.case_snapshot(self.number), before)
        self.assertEqual(before["status"], "in_progress")

    def test_notes_never_conflict(self):
        self.assertEqual(self.post(self.first, self.pages[0], "priority",
                                   value="low").status, 303)
        for browser, page in zip((self.first, self.second), self.pages):
            response = self.post(browser, page, "note", note="Note of %s" % browser.staff["role"])
            self.assertEqual(response.status, 303, "note with version %s" % self.versions[0])
        kinds = [e["kind"] for e in stack.case_events(self.number)]
        self.assertEqual(kinds[-2:], ["note", "note"])


if __name__ == "__main__":
    unittest.main()
