"""What each staff role may see and do on the intranet. Every allowed
action works. Every forbidden one returns 403 and changes neither the
case nor its history nor the SMS outbox."""
import re
import unittest

import stack

NOTE = "Checked with the caller on the phone."


def directorate_id(code):
    return stack.sql("SELECT id FROM directorates WHERE code = @p1", code)[0][0]


class RoleTestCase(unittest.TestCase):
    """Creates a case of roads (pothole) and one of health (food_hygiene)
    for every test, and staff of both directorates once per class."""

    @classmethod
    def setUpClass(cls):
        cls.roads_officer = stack.create_staff(role="officer", directorate_code="roads")
        cls.health_officer = stack.create_staff(role="officer", directorate_code="health")
        cls.roads_field = stack.create_staff(role="field", directorate_code="roads", lang="ar")

    def setUp(self):
        self.roads_mobile = stack.new_mobile()
        self.roads_name = "Resident %s" % self.roads_mobile
        self.roads = stack.file_case("pothole", mobile=self.roads_mobile,
                                     name=self.roads_name)
        self.health = stack.file_case("food_hygiene", lang="ar")

    def action_fields(self, action, number):
        """Returns the value and note that make action valid on number
        for a role that may take it."""
        roads = number == self.roads
        values = {
            "route": "waste",
            "assign": (self.roads_officer if roads else self.health_officer)["username"],
            "duplicate": self.health if roads else self.roads,
            "priority": "low",
            "category": "road_sign" if roads else "expired_food",
        }
        return values.get(action), NOTE

    def assert_forbidden(self, browser, number, action):
        value, note = self.action_fields(action, number)
        before = stack.case_snapshot(number)
        response = browser.act(number, action, value=value, note=note)
        self.assertEqual(response.status, 403, "%s on %s" % (action, number))
        self.assertEqual(stack.case_snapshot(number), before,
                         "%s on %s changed something" % (action, number))

    def assert_done(self, browser, number, action, value=None, note=None):
        response = browser.act(number, action, value=value, note=note)
        self.assertEqual(response.status, 303, "%s on %s" % (action, number))
        self.assertEqual(response.header("Location"),
                         "/agent/cases/%s?done=%s" % (number, action))
        return response

    def assert_page(self, browser, number, status=200):
        page = browser.get("/agent/cases/%s" % number)
        self.assertEqual(page.status, status, "GET case %s" % number)
        return page


class AgentRoleTest(RoleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.browser = stack.StaffBrowser("agent")

    def test_agent_views_both(self):
        for number in (self.roads, self.health):
            page = self.assert_page(self.browser, number)
            self.assertEqual(stack.element_text(page, "case-number"), number)
        page = self.assert_page(self.browser, self.roads)
        self.assertEqual(stack.element_text(page, "resident-mobile"),
                         "+968" + self.roads_mobile)

    def test_agent_register_page(self):
        self.assertEqual(self.browser.get("/agent/register").status, 200)

    def test_agent_note(self):
        before = stack.case_snapshot(self.health)
        self.assert_done(self.browser, self.health, "note", note=NOTE)
        after = stack.case_snapshot(self.health)
        self.assertEqual(after["status"], before["status"])
        self.assertEqual(after["version"], before["version"], "a note keeps the version")
        event = stack.case_events(self.health)[-1]
        self.assertEqual((event["kind"], event["is_public"], event["note"]),
                         ("note", "0", NOTE))
        self.assertEqual(event["actor_id"], self.browser.staff["id"])

    def test_agent_reply(self):
        for number, lang in ((self.roads, "en"), (self.health, "ar")):
            with self.subTest(lang=lang):
                text = "Reply %s" % number
                self.assert_done(self.browser, number, "reply", note=text)
                sms = stack.case_outbox(number)[-1]
                self.assertEqual(sms["kind"], "case_reply")
                self.assertEqual(sms["lang"], lang, "the resident's language")
                expected = stack.message(lang, "Sms.Reply").replace(
                    "{number}", number).replace("{text}", text)
                self.assertEqual(sms["body"], expected)
                event = stack.case_events(number)[-1]
                self.assertEqual((event["kind"], event["is_public"]), ("reply", "1"))

    def test_agent_confirm_when_resolved(self):
        before = stack.case_snapshot(self.roads)
        response = self.browser.act(self.roads, "confirm")
        self.assertEqual(response.status, 409, "confirm a registered case")
        self.assertEqual(stack.case_snapshot(self.roads), before)
        supervisor = stack.StaffBrowser("supervisor")
        self.assert_done(supervisor, self.roads, "resolve", note=NOTE)
        self.assert_done(self.browser, self.roads, "confirm")
        self.assertEqual(stack.case_snapshot(self.roads)["status"], "closed")

    def test_agent_forbidden(self):
        for action in ("assign", "route", "start", "resolve", "reject", "priority",
                       "category", "duplicate"):
            for number in (self.roads, self.health):
                with self.subTest(action=action, case=number):
                    self.assert_forbidden(self.browser, number, action)


class OfficerRoleTest(RoleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.browser = stack.StaffBrowser("officer", "roads")

    def test_officer_end_to_end(self):
        number = self.roads
        self.assert_done(self.browser, number, "assign", value=self.roads_field["username"])
        case = stack.case_snapshot(number)
        self.assertEqual(case["status"], "assigned")
        self.assertEqual(case["assigned_staff_id"], self.roads_field["id"])
        sms = stack.case_outbox(number)[-1]
        self.assertEqual(sms["kind"], "field_assigned")
        self.assertEqual(sms["to_number"], self.roads_field["mobile"])
        self.assertEqual(sms["lang"], "ar", "the field staff's language")
        # The case's details fill {where} and {description};
        # test_sms.FieldTest checks them.
        template = stack.message("ar", "Sms.FieldAssigned").replace("{number}", number)
        self.assertTrue(sms["body"].startswith(template.split("{where}")[0]), sms["body"])
        self.assertTrue(sms["body"].endswith(template.split("{description}")[1]),
                        sms["body"])
        self.assert_done(self.browser, number, "start")
        self.assertEqual(stack.case_snapshot(number)["status"], "in_progress")
        self.assert_done(self.browser, number, "resolve", note="Pothole filled.")
        self.assertEqual(stack.case_snapshot(number)["status"], "resolved")
        sms = stack.case_outbox(number)[-1]
        self.assertEqual(sms["kind"], "case_resolved")
        self.assertEqual(sms["to_number"], "+968" + self.roads_mobile)
        resolved = stack.message("en", "Sms.Resolved").replace(
            "{number}", number).replace("{text}", "Pothole filled.")
        self.assertTrue(sms["body"].startswith(resolved + " "), sms["body"])
        self.assertIn("/s/", sms["body"], "the survey link follows")
        self.assert_done(self.browser, number, "confirm")
        self.assertEqual(stack.case_snapshot(number)["status"], "closed")
        kinds = [e["kind"] for e in stack.case_events(number)]
        self.assertEqual(kinds, ["created", "registered", "assign", "start", "resolve",
                                 "confirm"])

    def test_officer_other_directorate(self):
        self.assert_page(self.browser, self.health, 403)
        for action in ("note", "reply", "assign", "start", "resolve", "reject", "route",
                       "priority", "category", "duplicate"):
            with self.subTest(action=action):
                self.assert_forbidden(self.browser, self.health, action)

    def test_officer_assign_outsider(self):
        before = stack.case_snapshot(self.roads)
        response = self.browser.act(self.roads, "assign",
                                    value=self.health_officer["username"])
        self.assertEqual(response.status, 422, "assign to another directorate's officer")
        self.assertEqual(stack.case_snapshot(self.roads), before)

    def test_officer_cannot_register(self):
        self.assertEqual(self.browser.get("/agent/register").status, 403)
        before = stack.row_counts()
        fields = stack.valid_complaint()
        fields.update(csrf=self.browser.csrf, form_token="x", channel="phone", lang="en")
        self.assertEqual(self.browser.post("/agent/register", fields).status, 403)
        self.assertEqual(stack.row_counts(), before)

    def test_officer_queue_scoped(self):
        page = self.browser.get("/agent/cases?directorate=health")
        self.assertEqual(page.status, 200)
        numbers = stack.queue_numbers(page)
        self.assertIn(self.roads, numbers)
        self.assertNotIn(self.health, numbers)
        roads = directorate_id("roads")
        for number in numbers:
            self.assertEqual(stack.case_snapshot(number)["directorate_id"], roads,
                             "case %s in the roads officer's queue" % number)
        total = stack.count("cases", "directorate_id = @p1", roads)
        self.assertEqual(stack.element_text(page, "count-all"), str(total))
        page = self.browser.get("/agent/cases?q=%s" % self.health)
        self.assertEqual(stack.queue_numbers(page), [], "search for a health case number")

    def test_officer_duplicate_other_directorate(self):
        # Naming another directorate's case as the original must answer
        # like a number that does not exist, and touch neither case.
        before = stack.case_snapshot(self.health)
        response = self.browser.act(self.roads, "duplicate", value=self.health)
        self.assertEqual(response.status, 422)
        self.assertEqual(stack.case_snapshot(self.health), before)
        self.assertEqual(stack.case_snapshot(self.roads)["status"], "registered")

    def test_officer_routes_away(self):
        # The case leaves the officer's directorate, so the answer is
        # the queue with a notice, not a case page they may not see.
        response = self.browser.act(self.roads, "route", value="health")
        self.assertEqual(response.status, 303)
        self.assertEqual(response.header("Location"),
                         "/agent/cases?routed=%s" % self.roads)
        self.assertEqual(stack.case_snapshot(self.roads)["directorate_id"],
                         directorate_id("health"))
        queue = self.browser.get(response.header("Location"))
        self.assertEqual(queue.status, 200)
        self.assertEqual(stack.element_text(queue, "routed").strip(),
                         stack.message("en", "Agent.Queue.Routed"))
        self.assert_page(self.browser, self.roads, 403)


class SupervisorRoleTest(RoleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.browser = stack.StaffBrowser("supervisor")

    def test_supervisor_works_both(self):
        for number in (self.roads, self.health):
            with self.subTest(case=number):
                self.assert_page(self.browser, number)
                value, _ = self.action_fields("assign", number)
                self.assert_done(self.browser, number, "note", note=NOTE)
                self.assert_done(self.browser, number, "reply", note=NOTE)
                self.assert_done(self.browser, number, "priority", value="normal")
                self.assert_done(self.browser, number, "category",
                                 value=self.action_fields("category", number)[0])
                self.assert_done(self.browser, number, "assign", value=value)
                self.assert_done(self.browser, number, "start")
                self.assert_done(self.browser, number, "resolve", note=NOTE)
                self.assert_done(self.browser, number, "confirm")
                self.assert_done(self.browser, number, "reopen", note=NOTE)
                self.assert_done(self.browser, number, "route", value="waste")
                self.assert_done(self.browser, number, "reject", note=NOTE)
                case = stack.case_snapshot(number)
                self.assertEqual(case["status"], "rejected")
                self.assertEqual(case["directorate_id"], directorate_id("waste"))
                self.assertEqual(case["priority"], "normal")
                self.assertEqual(len(stack.case_events(number)), 13)

    def test_supervisor_duplicate(self):
        self.assert_done(self.browser, self.roads, "duplicate", value=self.health)
        self.assertEqual(stack.case_snapshot(self.roads)["status"], "rejected")

    def test_supervisor_register_page(self):
        self.assertEqual(self.browser.get("/agent/register").status, 200)

    def test_supervisor_queue_unscoped(self):
        page = self.browser.get("/agent/cases?directorate=health")
        self.assertEqual(page.status, 200)
        self.assertIn(self.health, stack.queue_numbers(page))
        self.assertNotIn(self.roads, stack.queue_numbers(page))


class WatcherRoleTest(RoleTestCase):
    """The chairman's office, quality assurance and administrators."""

    ACTIONS = ("note", "reply", "assign", "start", "resolve", "confirm", "reopen",
               "reject", "route", "priority", "category", "duplicate")

    def assert_no_personal_data(self, page):
        self.assertNotIn(self.roads_mobile, page.text)
        self.assertNotIn(self.roads_name, page.text)
        self.assertNotIn('id="resident"', page.text)

    def test_executive_views(self):
        browser = stack.StaffBrowser("executive")
        queue = browser.get("/agent/cases")
        self.assertEqual(queue.status, 200)
        self.assertIn(self.roads, stack.queue_numbers(queue))
        self.assert_no_personal_data(queue)
        for number in (self.roads, self.health):
            page = self.assert_page(browser, number)
            self.assertEqual(stack.element_text(page, "case-number"), number)
            self.assertNotIn('class="action"', page.text, "no action forms")
        self.assert_no_personal_data(self.assert_page(browser, self.roads))
        self.assertEqual(browser.get("/agent/callers?mobile=" + self.roads_mobile).status,
                         403)
        self.assertEqual(browser.get("/agent/register").status, 403)

    def test_executive_no_mobile_search(self):
        # Finding a resident's cases by mobile would show personal data.
        browser = stack.StaffBrowser("executive")
        queue = browser.get("/agent/cases?q=" + self.roads_mobile)
        self.assertLess(queue.status, 500)
        self.assertNotIn(self.roads, stack.queue_numbers(queue))
        supervisor = stack.StaffBrowser("supervisor")
        found = supervisor.get("/agent/cases?q=" + self.roads_mobile)
        self.assertIn(self.roads, stack.queue_numbers(found),
                      "control: the same search finds the case for a supervisor")

    def test_executive_actions(self):
        browser = stack.StaffBrowser("executive")
        for action in self.ACTIONS:
            with self.subTest(action=action):
                self.assert_forbidden(browser, self.roads, action)

    def test_qa_view_note(self):
        browser = stack.StaffBrowser("qa")
        page = self.assert_page(browser, self.roads)
        self.assertEqual(stack.element_text(page, "resident-mobile"),
                         "+968" + self.roads_mobile)
        self.assertEqual(re.findall(r'id="action-(\w+)"', page.text), ["note"])
        self.assert_done(browser, self.roads, "note", note=NOTE)
        for action in self.ACTIONS[1:]:
            with self.subTest(action=action):
                self.assert_forbidden(browser, self.health, action)

    def test_admin_view_only(self):
        browser = stack.StaffBrowser("admin")
        self.assertEqual(browser.get("/agent/cases").status, 200)
        page = self.assert_page(browser, self.roads)
        self.assert_no_personal_data(page)
        self.assertNotIn('class="action"', page.text, "no action forms")
        for action in self.ACTIONS:
            with self.subTest(action=action):
                self.assert_forbidden(browser, self.roads, action)


if __name__ == "__main__":
    unittest.main()
