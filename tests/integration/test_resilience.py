"""The portal while MariaDB restarts: a friendly 503 that writes nothing
while the server is down, and working requests as soon as it is back."""
import unittest

import stack

# Requests after a restart, enough to reach every worker of the stack
# (scripts/check starts 2, scripts/up 4) more than once.
REQUESTS_AFTER_RESTART = 12


def restart_database():
    stack.stack_command("tw_db_stop", "tw_db_start")


class DatabaseRestartTest(unittest.TestCase):
    def test_first_post_after_restart(self):
        browser = stack.Browser()
        fields = stack.open_form(browser, "/ar/complaints/new")
        fields.update(stack.valid_complaint())
        restart_database()
        response = browser.post("/ar/complaints", fields)
        self.assertEqual(response.status, 303,
                         "first request after the restart")
        self.assertEqual(stack.count("cases", "description = @p1",
                                     fields["description"]), 1)

    def test_every_worker_reconnects(self):
        browser = stack.Browser()
        restart_database()
        statuses = [browser.get("/en/complaints/new").status
                    for _ in range(REQUESTS_AFTER_RESTART)]
        self.assertEqual(statuses, [200] * REQUESTS_AFTER_RESTART)

    def test_track_after_restart(self):
        browser = stack.Browser()
        fields = stack.open_form(browser, "/en/complaints/new")
        fields.update(stack.valid_complaint())
        number = browser.post("/en/complaints", fields).header("Location")
        number = number.split("n=")[1].split("&")[0]
        restart_database()
        track = {"number": number, "mobile": fields["mobile"],
                 "csrf": stack.open_form(browser, "/en/track")["csrf"]}
        page = browser.post("/en/track", track)
        self.assertEqual(page.status, 200)
        self.assertEqual(stack.attribute(page, "case-status", "data-status"),
                         "registered")


class DatabaseDownTest(unittest.TestCase):
    """Posts while MariaDB is stopped, then starts it again."""

    def post_while_down(self, lang):
        browser = stack.Browser()
        fields = stack.open_form(browser, "/%s/complaints/new" % lang)
        fields.update(stack.valid_complaint())
        stack.stack_command("tw_db_stop")
        try:
            page = browser.post("/%s/complaints" % lang, fields)
        finally:
            stack.stack_command("tw_db_start")
        return browser, fields, page

    def assert_unavailable(self, page, lang):
        self.assertEqual(page.status, 503)
        self.assertIn('<html lang="%s"' % lang, page.text)
        self.assertIn(stack.message(lang, "Error.S503.Title"), page.text)
        self.assertIn(stack.message(lang, "Error.S503.Message"), page.text)
        link = stack.language_link(page)
        self.assertEqual(stack.Browser().get(link).status, 200,
                         "language link %s of the 503 page" % link)

    def assert_nothing_stored(self, fields):
        nonce = fields["form_token"].split(".")[0]
        self.assertEqual(stack.count("cases", "description = @p1",
                                     fields["description"]), 0, "cases")
        self.assertEqual(stack.count("cases", "form_token = @p1", nonce), 0,
                         "cases with the form token")
        self.assertEqual(stack.count("customers", "mobile = @p1",
                                     "+968" + fields["mobile"]), 0, "customers")
        self.assertEqual(stack.count("sms_outbox", "to_number = @p1",
                                     "+968" + fields["mobile"]), 0, "outbox rows")

    def test_down_english_503(self):
        _, fields, page = self.post_while_down("en")
        self.assert_unavailable(page, "en")
        self.assert_nothing_stored(fields)

    def test_down_arabic_503(self):
        _, fields, page = self.post_while_down("ar")
        self.assert_unavailable(page, "ar")
        self.assert_nothing_stored(fields)

    def test_same_form_after_outage(self):
        # The resident sends the same form again once the service is back.
        browser, fields, page = self.post_while_down("ar")
        self.assertEqual(page.status, 503)
        again = browser.post("/ar/complaints", fields)
        self.assertEqual(again.status, 303)
        self.assertEqual(stack.count("cases", "description = @p1",
                                     fields["description"]), 1)


if __name__ == "__main__":
    unittest.main()
