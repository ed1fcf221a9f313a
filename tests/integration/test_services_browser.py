"""The service directory in headless Chromium at a phone's width: a
resident searches in Arabic, opens a procedure, reads it without
scrolling sideways, and its printed form leaves out the search and the
menus. Screenshots go to $TW_VAR/screenshots/ for review."""
import os
import unittest

import stack
import test_browser


def setUpModule():
    # test_browser's driver was stopped when its own module ended.
    test_browser.setUpModule()


def tearDownModule():
    test_browser.tearDownModule()


def overflows(page):
    """Returns how many CSS pixels the page is wider than its viewport."""
    return page.execute("return document.documentElement.scrollWidth"
                        " - document.documentElement.clientWidth;")


def displayed(page, selector):
    """Returns True when the element takes space on the page: an element
    inside a hidden parent has no client rectangles."""
    return page.execute("var e = document.querySelector(arguments[0]);"
                        " return e !== null && e.getClientRects().length > 0;",
                        selector)


class DirectoryPhoneTest(test_browser.BrowserTestCase):
    mobile = True

    def test_search_and_read_procedure(self):
        self.open("/ar/services")
        self.wait_for("#q")
        self.assertEqual(self.html_attribute("dir"), "rtl")
        self.assertLessEqual(overflows(self.page), 0, "the directory scrolls sideways")
        self.save_screenshot("services-ar-phone.png")

        self.fill("#q", "الحفر")
        self.page.find(".directory-search button[type=submit]").click()
        link = self.wait_for('#results li[data-code="excavation-permit"] a')
        link.click()
        self.wait_for_path("/ar/services/excavation-permit")
        name = stack.sql("SELECT name_ar FROM services WHERE code = 'excavation-permit'")[0][0]
        self.assertEqual(self.wait_for("#service-name").text, name)
        steps = stack.sql("SELECT steps_ar FROM services"
                          " WHERE code = 'excavation-permit'")[0][0].split("\\n")
        self.assertEqual(len(self.page.find_all("#service-steps li")), len(steps))
        self.assertLessEqual(overflows(self.page), 0, "the procedure scrolls sideways")
        self.save_screenshot("service-ar-phone.png")

    def test_print_hides_navigation(self):
        self.open("/en/services/pest-control")
        self.wait_for("#service-name")
        self.assertTrue(displayed(self.page, "header.site nav"))
        self.assertTrue(displayed(self.page, "#request-online"))
        self.page.command("POST", "/goog/cdp/execute", {
            "cmd": "Emulation.setEmulatedMedia", "params": {"media": "print"}})
        self.addCleanup(self.page.command, "POST", "/goog/cdp/execute", {
            "cmd": "Emulation.setEmulatedMedia", "params": {"media": ""}})
        for selector in ("header.site nav", "#request-online", ".crumbs",
                         "footer.site"):
            with self.subTest(selector=selector):
                self.assertFalse(displayed(self.page, selector))
        for selector in ("#service-name", "#service-steps", "#service-fees"):
            with self.subTest(selector=selector):
                self.assertTrue(displayed(self.page, selector))


if __name__ == "__main__":
    unittest.main()
