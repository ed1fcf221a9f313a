"""Every state-changing route of the intranet rejects a post without
the CSRF field or with a wrong one (403) and changes nothing.

The routes are read from the route table in cgi-bin/agent.c and the
case actions from action_names in lib/casework.c, so a route or action
added there is checked here without editing this file."""
import os
import re
import unittest

import stack

NOTE = "Checked on site."


def source(path):
    with open(os.path.join(stack.TOP, path), encoding="utf-8") as f:
        return f.read()


def table(text, start):
    """Returns the text of the C initialiser that begins with start."""
    begin = text.index(start)
    return text[begin:text.index("};", begin)]


def post_routes():
    """Returns the paths of the POST routes of cgi-bin/agent.c."""
    routes = table(source("cgi-bin/agent.c"), "routes[] = {")
    return re.findall(r'\{\s*"POST"\s*,\s*"([^"]+)"\s*,\s*\w+\s*(?:,\s*\d+\s*)?\}',
                      routes)


def action_names():
    """Returns the action names of the case page from lib/casework.c."""
    names = table(source("lib/casework.c"), "action_names[] = {")
    return re.findall(r'\{\s*"(\w+)"\s*,\s*TW_ACT_\w+\s*\}', names)


def fingerprint():
    """Returns checksums of every table a post could change. Sessions
    are compared without last_seen_at, which any request may refresh."""
    tables = ("cases", "customers", "case_events", "sms_outbox", "staff",
              "login_failures")
    rows = stack.sql("CHECKSUM TABLE %s" % ", ".join(tables))
    sums = {row[0]: row[1] for row in rows}
    sums["staff_sessions"] = stack.sql(
        "SELECT COUNT(*), IFNULL(SUM(CRC32(CONCAT_WS(',', id, token_hash,"
        " staff_id, csrf_token, created_at))), 0) FROM staff_sessions")[0]
    return sums


# The state each action needs and its value, so that the same post with
# the right CSRF field succeeds. Actions missing here are still checked
# for the 403, without that control.
ACTION_SETUP = {
    "route": ("registered", "waste"),
    "assign": ("registered", "roads officer"),
    "start": ("registered", None),
    "resolve": ("registered", None),
    "confirm": ("resolved", None),
    "reopen": ("resolved", None),
    "reject": ("registered", None),
    "duplicate": ("registered", "original"),
    "priority": ("registered", "low"),
    "category": ("registered", "road_sign"),
    "note": ("registered", None),
    "reply": ("registered", None),
}


class CsrfTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.browser = stack.StaffBrowser("supervisor")
        cls.other = stack.StaffBrowser("agent")
        cls.officer = stack.create_staff(role="officer", directorate_code="roads")

    def bad_fields(self):
        """Returns the wrong CSRF values to try, by name. None leaves the
        field out."""
        return {"missing": None, "empty": "", "random": "A" * 43,
                "other session": self.other.csrf}

    def assert_rejected(self, browser, path, fields, label):
        for name, csrf in self.bad_fields().items():
            with self.subTest(route=path, check=label, csrf=name):
                posted = dict(fields)
                posted.pop("csrf", None)
                if csrf is not None:
                    posted["csrf"] = csrf
                before = fingerprint()
                response = browser.post(path, posted)
                self.assertEqual(response.status, 403)
                self.assertEqual(fingerprint(), before, "tables changed")

    def test_route_list_parsed(self):
        routes = post_routes()
        for path in ("/agent/login", "/agent/logout", "/agent/lang", "/agent/register",
                     "/agent/cases/*"):
            self.assertIn(path, routes)
        actions = action_names()
        self.assertGreaterEqual(len(actions), 12, actions)
        self.assertIn("note", actions)

    def test_login(self):
        staff = stack.create_staff(role="agent")
        browser = stack.Browser()
        fields = stack.hidden_fields(browser.get("/agent/login"))
        fields.update(username=staff["username"], password=staff["password"])
        foreign = stack.hidden_fields(stack.Browser().get("/agent/login"))["csrf"]
        for name, csrf in {"missing": None, "empty": "", "random": "A" * 43,
                           "another browser": foreign}.items():
            with self.subTest(csrf=name):
                posted = dict(fields)
                posted.pop("csrf")
                if csrf is not None:
                    posted["csrf"] = csrf
                before = fingerprint()
                response = browser.post("/agent/login", posted)
                self.assertEqual(response.status, 403)
                self.assertIsNone(stack.cookie(browser, "tw_session"))
                self.assertEqual(fingerprint(), before, "tables changed")
        self.assertEqual(browser.post("/agent/login", fields).status, 303, "control")

    def staff_route_fields(self, browser, path):
        """Returns fields that the route accepts with the right CSRF."""
        if path == "/agent/register":
            fields = stack.open_form(browser, "/agent/register")
            fields.update(stack.valid_complaint(), channel="phone", lang="en")
            return fields
        if path == "/agent/lang":
            return {"csrf": browser.csrf, "lang": "ar", "next": "/agent/cases"}
        return {"csrf": browser.csrf, "next": "/agent/cases"}

    def test_staff_routes(self):
        paths = [p for p in post_routes() if p != "/agent/login" and "*" not in p]
        for path in paths:
            browser = stack.StaffBrowser("supervisor")
            fields = self.staff_route_fields(browser, path)
            self.assert_rejected(browser, path, fields, "post")
            if path in ("/agent/register", "/agent/lang", "/agent/logout"):
                with self.subTest(route=path, check="control"):
                    self.assertEqual(browser.post(path, fields).status, 303)

    def case_for(self, action):
        """Files a case and puts it in the state the action needs."""
        status, value = ACTION_SETUP.get(action, ("registered", None))
        number = stack.file_case("pothole")
        if status != "registered":
            stack.sql("UPDATE cases SET status = @p2 WHERE number = @p1", number, status)
        if value == "roads officer":
            value = self.officer["username"]
        elif value == "original":
            value = stack.file_case("pothole")
        return number, value

    def test_case_actions(self):
        for action in action_names():
            number, value = self.case_for(action)
            fields = {"csrf": self.browser.csrf, "action": action,
                      "version": stack.case_version(number), "note": NOTE}
            if value is not None:
                fields["value"] = value
            path = "/agent/cases/%s" % number
            self.assert_rejected(self.browser, path, fields, action)
            with self.subTest(route=path, check="control", action=action):
                response = self.browser.post(path, fields)
                if action in ACTION_SETUP:
                    self.assertEqual(response.status, 303)
                else:
                    self.assertNotEqual(response.status, 403)


if __name__ == "__main__":
    unittest.main()
