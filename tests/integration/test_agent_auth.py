"""Staff login, sessions and logout under /agent/: redirects, cookie
flags, wrong and throttled logins, session fixation, expiry, disabled
accounts and the next parameter."""
import hashlib
import unittest
import urllib.parse

import stack


def session_rows(staff_id):
    return stack.count("staff_sessions", "staff_id = @p1", staff_id)


def token_hash(token):
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def session_cookie_header(response):
    """Returns the Set-Cookie header that sets tw_session, or None."""
    for header in response.headers.get_all("Set-Cookie") or []:
        if header.startswith("tw_session="):
            return header
    return None


class LoginTest(unittest.TestCase):
    def setUp(self):
        self.staff = stack.create_staff(role="agent")
        self.addCleanup(stack.forget_login_failures, self.staff["username"])

    def test_login_redirects_queue(self):
        browser = stack.Browser()
        response = stack.login(browser, self.staff["username"], self.staff["password"])
        self.assertEqual(response.status, 303)
        self.assertEqual(response.header("Location"), "/agent/cases")
        page = browser.get("/agent/cases")
        self.assertEqual(page.status, 200)
        self.assertIn(self.staff["username"], stack.element_text(page, "staff-name"))

    def test_login_redirects_next(self):
        browser = stack.Browser()
        response = stack.login(browser, self.staff["username"], self.staff["password"],
                               next_path="/agent/callers")
        self.assertEqual(response.status, 303)
        self.assertEqual(response.header("Location"), "/agent/callers")

    def test_session_cookie_flags(self):
        browser = stack.Browser()
        response = stack.login(browser, self.staff["username"], self.staff["password"])
        header = session_cookie_header(response)
        self.assertIsNotNone(header, "Set-Cookie tw_session")
        attributes = [part.strip() for part in header.split(";")]
        self.assertIn("HttpOnly", attributes)
        self.assertIn("SameSite=Strict", attributes)
        self.assertIn("Path=/agent", attributes)
        token = attributes[0].split("=", 1)[1]
        self.assertRegex(token, r"^[A-Za-z0-9_-]{43}$")

    def test_session_stored_hashed(self):
        browser = stack.Browser()
        stack.login(browser, self.staff["username"], self.staff["password"])
        token = stack.cookie(browser, "tw_session")
        self.assertEqual(stack.count("staff_sessions", "token_hash = @p1",
                                     token_hash(token)), 1)
        self.assertEqual(stack.count("staff_sessions", "token_hash = @p1", token), 0)

    def test_wrong_password(self):
        browser = stack.Browser(accept_language="en")
        response = stack.login(browser, self.staff["username"], "not the password")
        self.assertEqual(response.status, 403)
        self.assertEqual(stack.alert_text(response), stack.message("en", "Agent.Login.Wrong"))
        self.assertIsNone(session_cookie_header(response))
        self.assertEqual(session_rows(self.staff["id"]), 0)
        self.assertEqual(stack.count("login_failures", "username = @p1",
                                     self.staff["username"]), 1)

    def test_unknown_user(self):
        username = stack.new_username("nobody")
        self.addCleanup(stack.forget_login_failures, username)
        response = stack.login(stack.Browser(), username, self.staff["password"])
        self.assertEqual(response.status, 403)
        self.assertEqual(stack.alert_text(response), stack.message("ar", "Agent.Login.Wrong"))
        self.assertIsNone(session_cookie_header(response))

    def test_missing_csrf(self):
        browser = stack.Browser()
        browser.get("/agent/login")
        response = browser.post("/agent/login", {"username": self.staff["username"],
                                                 "password": self.staff["password"]})
        self.assertEqual(response.status, 403)
        self.assertIsNone(session_cookie_header(response))
        self.assertEqual(session_rows(self.staff["id"]), 0)

    def test_field_staff_no_login(self):
        field = stack.create_staff(role="field", directorate_code="roads", password=None)
        self.addCleanup(stack.forget_login_failures, field["username"])
        response = stack.login(stack.Browser(), field["username"], stack.PASSWORD)
        self.assertEqual(response.status, 403)
        self.assertEqual(stack.alert_text(response), stack.message("ar", "Agent.Login.Wrong"))
        self.assertEqual(session_rows(field["id"]), 0)


class ThrottleTest(unittest.TestCase):
    def test_account_throttled(self):
        staff = stack.create_staff(role="agent")
        self.addCleanup(stack.forget_login_failures, staff["username"])
        for attempt in range(5):
            response = stack.login(stack.Browser(), staff["username"], "wrong %d" % attempt)
            self.assertEqual(response.status, 403, "wrong password %d" % (attempt + 1))
        self.assertEqual(stack.count("login_failures", "username = @p1",
                                     staff["username"]), 5)
        response = stack.login(stack.Browser(), staff["username"], staff["password"])
        self.assertEqual(response.status, 429)
        self.assertEqual(stack.alert_text(response),
                         stack.message("ar", "Agent.Login.Throttled"))
        self.assertIsNone(session_cookie_header(response))
        self.assertEqual(session_rows(staff["id"]), 0)

    def test_address_throttled(self):
        """20 failures from one address, spread over accounts that each
        stay under their own limit, lock every account from it."""
        probe = stack.create_staff(role="agent")
        usernames = [probe["username"]]
        self.addCleanup(lambda: stack.forget_login_failures(*usernames))
        stack.login(stack.Browser(), probe["username"], "wrong")
        address = stack.sql("SELECT client_addr FROM login_failures WHERE username = @p1",
                            probe["username"])[0][0]
        recent = "client_addr = @p1 AND at > UTC_TIMESTAMP() - INTERVAL 15 MINUTE"
        while stack.count("login_failures", recent, address) < 19:
            username = stack.new_username("ghost")
            usernames.append(username)
            for _ in range(4):
                if stack.count("login_failures", recent, address) >= 19:
                    break
                self.assertEqual(stack.login(stack.Browser(), username, "wrong").status, 403)
        staff = stack.create_staff(role="agent")
        usernames.append(staff["username"])
        response = stack.login(stack.Browser(), staff["username"], staff["password"])
        self.assertEqual(response.status, 303, "19 failures are under the limit")
        self.assertEqual(stack.login(stack.Browser(), usernames[-2], "wrong").status, 403)
        self.assertEqual(stack.count("login_failures", recent, address), 20)
        response = stack.login(stack.Browser(), staff["username"], staff["password"])
        self.assertEqual(response.status, 429)
        self.assertEqual(stack.alert_text(response),
                         stack.message("ar", "Agent.Login.Throttled"))


class SessionTest(unittest.TestCase):
    def setUp(self):
        self.staff = stack.create_staff(role="agent")

    def logged_in(self, next_path=None):
        browser = stack.Browser()
        response = stack.login(browser, self.staff["username"], self.staff["password"],
                               next_path=next_path)
        self.assertEqual(response.status, 303, "login")
        return browser, stack.cookie(browser, "tw_session")

    def assert_sent_to_login(self, token, path="/agent/cases"):
        response = stack.Browser().get(path, headers={"Cookie": "tw_session=" + token})
        self.assertEqual(response.status, 303, "GET %s with the old cookie" % path)
        self.assertTrue(response.header("Location").startswith("/agent/login?next="),
                        response.header("Location"))

    def test_planted_cookie_replaced(self):
        planted = "A" * 43
        browser = stack.Browser()
        stack.set_cookie(browser, "tw_session", planted)
        response = stack.login(browser, self.staff["username"], self.staff["password"])
        self.assertEqual(response.status, 303)
        token = stack.cookie(browser, "tw_session")
        self.assertNotEqual(token, planted)
        self.assertEqual(stack.count("staff_sessions", "token_hash = @p1",
                                     token_hash(planted)), 0)
        self.assert_sent_to_login(planted)

    def test_planted_session_ended(self):
        """An attacker's own valid session planted in the victim's browser
        ends when the victim logs in, and is not upgraded."""
        attacker_browser = stack.StaffBrowser("agent")
        planted = stack.cookie(attacker_browser, "tw_session")
        browser = stack.Browser()
        stack.set_cookie(browser, "tw_session", planted)
        response = stack.login(browser, self.staff["username"], self.staff["password"])
        self.assertEqual(response.status, 303)
        self.assertNotEqual(stack.cookie(browser, "tw_session"), planted)
        self.assertEqual(stack.count("staff_sessions", "token_hash = @p1",
                                     token_hash(planted)), 0)
        self.assert_sent_to_login(planted)

    def test_logout_deletes_session(self):
        browser, token = self.logged_in()
        csrf = stack.hidden_fields(browser.get("/agent/cases"))["csrf"]
        response = browser.post("/agent/logout", {"csrf": csrf})
        self.assertEqual(response.status, 303)
        self.assertEqual(response.header("Location"), "/agent/login")
        cleared = session_cookie_header(response)
        self.assertIsNotNone(cleared, "Set-Cookie clearing tw_session")
        self.assertIn("Max-Age=0", cleared)
        self.assertEqual(stack.count("staff_sessions", "token_hash = @p1",
                                     token_hash(token)), 0)
        self.assert_sent_to_login(token)

    def expire(self, token, column, hours=0, minutes=0):
        stack.sql("UPDATE staff_sessions SET %s = UTC_TIMESTAMP()"
                  " - INTERVAL @p2 MINUTE WHERE token_hash = @p1" % column,
                  token_hash(token), hours * 60 + minutes)

    def assert_login_returns_to(self, path):
        """Gets path with no session, follows the redirect to the login
        page, logs in and checks that it lands on path again."""
        browser = stack.Browser()
        response = browser.get(path)
        self.assertEqual(response.status, 303)
        location = response.header("Location")
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)
        self.assertEqual(query.get("next"), [path], location)
        form = browser.get(location)
        self.assertEqual(form.status, 200)
        fields = stack.hidden_fields(form)
        self.assertEqual(fields.get("next"), path, "hidden next field")
        fields.update(username=self.staff["username"], password=self.staff["password"])
        response = browser.post("/agent/login", fields)
        self.assertEqual(response.status, 303)
        self.assertEqual(response.header("Location"), path)
        self.assertEqual(browser.get(path).status, 200)

    def test_idle_session_expires(self):
        path = "/agent/cases?status=registered&sort=oldest"
        browser, token = self.logged_in()
        self.expire(token, "last_seen_at", minutes=29)
        self.assertEqual(browser.get(path).status, 200, "idle for 29 minutes")
        self.expire(token, "last_seen_at", hours=2)
        response = browser.get(path)
        self.assertEqual(response.status, 303, "idle for 2 hours")
        location = response.header("Location")
        self.assertTrue(location.startswith("/agent/login?next="), location)
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)
        self.assertEqual(query["next"], [path])
        self.assert_login_returns_to(path)

    def test_absolute_limit(self):
        browser, token = self.logged_in()
        self.expire(token, "created_at", hours=11)
        self.assertEqual(browser.get("/agent/cases").status, 200, "11 hours old")
        self.expire(token, "created_at", hours=13)
        response = browser.get("/agent/callers")
        self.assertEqual(response.status, 303, "13 hours old, used a minute ago")
        self.assertEqual(response.header("Location"), "/agent/login?next=%2Fagent%2Fcallers")

    def test_case_page_after_login(self):
        number = stack.file_case()
        self.assert_login_returns_to("/agent/cases/%s" % number)

    def test_disabled_account(self):
        browser, token = self.logged_in()
        self.assertEqual(browser.get("/agent/cases").status, 200)
        stack.sql("UPDATE staff SET active = 0 WHERE id = @p1", self.staff["id"])
        response = browser.get("/agent/cases")
        self.assertEqual(response.status, 303)
        self.assertTrue(response.header("Location").startswith("/agent/login"))
        self.addCleanup(stack.forget_login_failures, self.staff["username"])
        response = stack.login(stack.Browser(), self.staff["username"], self.staff["password"])
        self.assertEqual(response.status, 403, "login of a disabled account")

    def test_next_stays_local(self):
        for next_path in ("//evil.example", "https://x", "https://evil.example/agent/",
                          "/agent/../x", "/agent/./../x", "/agent/%2e%2e/x",
                          "/agent/%2E%2E/%2E%2E/x", "/agent/cases/..", "/agent//evil.example",
                          "/agent/\\evil.example", "javascript:alert(1)", "/x",
                          "/agent/cases\r\nSet-Cookie: a=b"):
            with self.subTest(next=next_path):
                browser = stack.Browser()
                form = browser.get("/agent/login?next=" + urllib.parse.quote(next_path))
                self.assertEqual(stack.hidden_fields(form).get("next"), "",
                                 "the form does not carry an unsafe next")
                response = stack.login(browser, self.staff["username"],
                                       self.staff["password"], next_path=next_path)
                self.assertEqual(response.status, 303)
                self.assertEqual(response.header("Location"), "/agent/cases")


if __name__ == "__main__":
    unittest.main()
