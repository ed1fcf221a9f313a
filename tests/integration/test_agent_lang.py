"""The staff member's interface language: POST /agent/lang stores it in
the account, and intranet pages are dir="rtl" in Arabic and dir="ltr"
in English."""
import unittest

import stack


class LanguageTest(unittest.TestCase):
    def test_switch_language(self):
        browser = stack.StaffBrowser("agent", lang="en")
        page = browser.get("/agent/cases")
        self.assertIn('<html lang="en" dir="ltr">', page.text)
        response = browser.post("/agent/lang", {"csrf": browser.csrf, "lang": "ar",
                                                "next": "/agent/callers"})
        self.assertEqual(response.status, 303)
        self.assertEqual(response.header("Location"), "/agent/callers")
        self.assertEqual(stack.sql("SELECT lang FROM staff WHERE id = @p1",
                                   browser.staff["id"])[0][0], "ar")
        page = browser.get("/agent/callers")
        self.assertIn('<html lang="ar" dir="rtl">', page.text)
        self.assertIn(stack.message("ar", "Agent.Callers.Title"), page.text)
        response = browser.post("/agent/lang", {"csrf": browser.csrf, "lang": "en"})
        self.assertEqual(response.header("Location"), "/agent/cases")
        self.assertIn('<html lang="en" dir="ltr">', browser.get("/agent/cases").text)
        self.assertEqual(stack.sql("SELECT lang FROM staff WHERE id = @p1",
                                   browser.staff["id"])[0][0], "en")

    def test_language_follows_account(self):
        browser = stack.StaffBrowser("agent", lang="ar")
        page = browser.get("/agent/cases", headers={"Accept-Language": "en"})
        self.assertIn('<html lang="ar" dir="rtl">', page.text)
        browser.post("/agent/lang", {"csrf": browser.csrf, "lang": "en"})
        other = stack.Browser(accept_language="ar")
        self.assertEqual(stack.login(other, browser.staff["username"],
                                     browser.staff["password"]).status, 303)
        self.assertIn('<html lang="en" dir="ltr">', other.get("/agent/cases").text)

    def test_next_stays_local(self):
        browser = stack.StaffBrowser("agent", lang="en")
        for next_path in ("//evil.example", "https://evil.example", "/agent/../x"):
            with self.subTest(next=next_path):
                response = browser.post("/agent/lang", {"csrf": browser.csrf, "lang": "en",
                                                        "next": next_path})
                self.assertEqual(response.status, 303)
                self.assertEqual(response.header("Location"), "/agent/cases")

    def test_unknown_language(self):
        browser = stack.StaffBrowser("agent", lang="en")
        response = browser.post("/agent/lang", {"csrf": browser.csrf, "lang": "fr"})
        self.assertEqual(response.status, 422)
        self.assertEqual(stack.sql("SELECT lang FROM staff WHERE id = @p1",
                                   browser.staff["id"])[0][0], "en")

    def test_login_page_language(self):
        page = stack.Browser().get("/agent/login?lang=en")
        self.assertIn('<html lang="en" dir="ltr">', page.text)
        page = stack.Browser(accept_language="en").get("/agent/login?lang=ar")
        self.assertIn('<html lang="ar" dir="rtl">', page.text)


if __name__ == "__main__":
    unittest.main()
