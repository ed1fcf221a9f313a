"""The portal and the intranet in headless Chromium through WebDriver.

A resident files a complaint in Arabic and tracks it, a rejected form
keeps what was typed, and the language link switches pages. An agent,
an officer and a supervisor work one case from the phone call to its
closing.

The browser only talks to the test stack on 127.0.0.1 (see browser.py).
Screenshots of the main pages go to $TW_VAR/screenshots/ for review.
"""
import os
import re
import unittest

import browser
import stack

SCREENSHOTS = os.path.join(stack.VAR, "screenshots")
PHONE = (390, 844)
DESKTOP = (1280, 900)

driver = None


def setUpModule():
    global driver
    if not os.path.exists(browser.CHROMIUM):
        raise unittest.SkipTest("%s is not installed (Debian package chromium, "
                                "which scripts/check installs)" % browser.CHROMIUM)
    os.makedirs(os.path.join(stack.VAR, "log"), exist_ok=True)
    driver = browser.start_driver(os.path.join(stack.VAR, "log", "chromedriver.log"))


def tearDownModule():
    if driver is not None:
        driver.stop()


def spaced_arabic_mobile(mobile):
    """Writes an 8-digit mobile as a resident might type it on an Arabic
    keyboard: Arabic-Indic digits in two groups of four."""
    return stack.arabic_indic(mobile[:4]) + " " + stack.arabic_indic(mobile[4:])


_serial = iter(range(1, 1000000))


def close_session(page):
    """Quits a browser session; one whose browser already exited may
    fail to quit, which is not an error of the test."""
    try:
        page.quit()
    except browser.WebDriverError:
        if not getattr(page, "dead", False):
            raise


class BrowserTestCase(unittest.TestCase):
    """Opens a fresh browser for each test and always closes it."""

    viewport = PHONE
    mobile = False

    def setUp(self):
        self.page = browser.Session(driver, *self.viewport)
        self.page.visited = False
        self.addCleanup(close_session, self.page)
        self.page.set_viewport(*self.viewport, mobile=self.mobile)

    def open(self, path):
        try:
            self.page.get(stack.BASE_URL + path)
        except browser.WebDriverError as err:
            # Headless Chromium on a loaded 2-core machine sometimes
            # exits right after the session starts; a page that never
            # loaded has no state to lose, so start one more browser.
            if "invalid session id" not in str(err) or self.page.visited:
                raise
            self.page.dead = True
            self.page = browser.Session(driver, *self.viewport)
            self.addCleanup(close_session, self.page)
            self.page.set_viewport(*self.viewport, mobile=self.mobile)
            self.page.get(stack.BASE_URL + path)
        self.page.visited = True

    def wait_for(self, selector, timeout=browser.DEFAULT_TIMEOUT):
        return self.page.wait_for(selector, timeout)

    def wait_for_path(self, path):
        """Waits until the address bar shows path, with any query string."""
        pattern = re.compile(re.escape(stack.BASE_URL + path) + r"(\?.*)?$")
        return self.page.wait_for_url(pattern.match, "the page %s" % path)

    def fill(self, selector, text):
        field = self.wait_for(selector)
        field.clear()
        field.send_keys(text)
        return field

    def choose(self, select_id, value):
        """Picks the option with this value in the select with this id."""
        self.wait_for("select#%s" % select_id)
        self.page.find('select#%s option[value="%s"]' % (select_id, value)).click()
        self.assertEqual(self.page.find("select#" + select_id).property("value"), value)

    def html_attribute(self, name):
        return self.page.find("html").attribute(name)

    def save_screenshot(self, name):
        self.page.screenshot(os.path.join(SCREENSHOTS, name))


class ResidentTest(BrowserTestCase):
    """The portal at a phone's width."""

    mobile = True

    def fill_complaint(self, description, mobile):
        """Fills the Arabic complaint form and returns the typed values."""
        values = {
            "location": "شارع السلطان قابوس، قرب الجامع الأكبر",
            "description": description,
            "name": "سالم بن حمد الحارثي",
            "mobile": spaced_arabic_mobile(mobile),
            "email": "salim@example.om",
        }
        self.choose("category", "pothole")
        self.choose("wilayat", "seeb")
        for name, text in values.items():
            self.fill("#" + name, text)
        return values

    def test_complaint_in_arabic(self):
        self.open("/ar/")
        self.wait_for(".hero h1")
        self.assertEqual(self.html_attribute("dir"), "rtl")
        self.assertEqual(self.html_attribute("lang"), "ar")
        self.save_screenshot("home-ar-phone.png")

        self.page.find('.card a.button[href="/ar/complaints/new"]').click()
        self.wait_for_path("/ar/complaints/new")
        self.wait_for("textarea#description")
        mobile = stack.new_mobile()
        description = "حفرة عميقة في المسار الأيمن تتسبب في أضرار للسيارات، رقم %d-%d." % (
            os.getpid(), next(_serial))
        self.fill_complaint(description, mobile)
        self.page.find('form.stack button[type="submit"]').click()

        number = self.wait_for("#case-number").text
        self.assertRegex(number, r"^\d{8}$")
        self.wait_for_path("/ar/complaints/done")
        self.assertEqual(self.html_attribute("dir"), "rtl")
        self.save_screenshot("done-ar-phone.png")
        rows = stack.sql(
            "SELECT c.type, c.channel, c.description, u.mobile FROM cases c"
            " JOIN customers u ON u.id = c.customer_id WHERE c.number = @p1", number)
        self.assertEqual(rows, [["complaint", "portal", description, "+968" + mobile]])

        self.open("/ar/track")
        self.fill("#number", number)
        self.fill("#mobile", spaced_arabic_mobile(mobile))
        self.page.find('form.stack button[type="submit"]').click()
        status = self.wait_for("#case-status")
        self.assertEqual(status.attribute("data-status"), "registered")
        self.assertEqual(status.text, stack.message("ar", "Status.registered"))

    def test_rejected_form_keeps_input(self):
        self.open("/ar/complaints/new")
        self.wait_for('input[name="type"][value="suggestion"]').click()
        mobile = stack.new_mobile()
        typed = self.fill_complaint("قصير", mobile)
        self.page.find('form.stack button[type="submit"]').click()

        summary = self.wait_for("#form-errors")
        self.assertEqual(self.html_attribute("dir"), "rtl")
        self.assertEqual(summary.find("h2").text, stack.message("ar", "Form.ErrorsTitle"))
        links = [link.attribute("href") for link in self.page.find_all("#form-errors a")]
        self.assertEqual(links, ["#description"])
        self.assertEqual(self.page.find("#description-error").text,
                         stack.message("ar", "Err.TooShort", 10))
        description = self.page.find("textarea#description")
        self.assertEqual(description.attribute("aria-invalid"), "true")
        self.assertIn("description-error", description.attribute("aria-describedby"))
        self.assertEqual(self.page.find("#description").property("value"), typed["description"])
        for name in ("location", "name", "mobile", "email"):
            self.assertEqual(self.page.find("#" + name).property("value"), typed[name], name)
        self.assertEqual(self.page.find("select#category").property("value"), "pothole")
        self.assertEqual(self.page.find("select#wilayat").property("value"), "seeb")
        checked = self.page.find('input[name="type"]:checked')
        self.assertEqual(checked.attribute("value"), "suggestion")
        self.save_screenshot("complaint-errors-ar-phone.png")
        self.assertEqual(stack.count("customers", "mobile = @p1", "+968" + mobile), 0)

    def test_language_link_switches(self):
        self.open("/ar/track")
        self.wait_for("form.stack")
        self.assertEqual(self.html_attribute("dir"), "rtl")
        self.page.find("header.site nav a.lang").click()
        self.wait_for_path("/en/track")
        self.wait_for("form.stack")
        self.assertEqual(self.html_attribute("dir"), "ltr")
        self.assertEqual(self.html_attribute("lang"), "en")
        self.assertEqual(self.page.find("main h1").text, stack.message("en", "Track.Title"))


class StaffTest(BrowserTestCase):
    """One case from the phone call to its closing, at a desktop's width."""

    viewport = DESKTOP

    @classmethod
    def setUpClass(cls):
        cls.agent = stack.create_staff(role="agent", lang="en")
        cls.officer = stack.create_staff(role="officer", directorate_code="roads", lang="ar")
        cls.field = stack.create_staff(role="field", directorate_code="roads", lang="ar",
                                       password=None)
        cls.supervisor = stack.create_staff(role="supervisor", lang="en")

    def log_in(self, account):
        """Logs in through the form and waits for the queue, or fails
        with the message the login page shows instead."""
        self.open("/agent/login")
        self.fill("#username", account["username"])
        self.fill("#password", account["password"])
        self.page.find('form[action="/agent/login"] button[type="submit"]').click()

        def queue_or_error():
            if self.page.find_all("#staff-name"):
                return "queue"
            errors = self.page.find_all("#form-errors")
            return errors[0].text if errors else None
        outcome = self.page.wait_until(queue_or_error, "the queue after logging in")
        self.assertEqual(outcome, "queue", "login as %s failed" % account["role"])
        self.wait_for_path("/agent/cases")

    def log_out(self):
        self.page.find("#logout").click()
        self.wait_for_path("/agent/login")
        self.wait_for("#username")

    def act(self, action, expected_status, note=None, value=None):
        """Submits one action form of the case page and waits for the
        case to reach expected_status."""
        form = "#action-%s" % action
        self.wait_for(form)
        if value is not None:
            self.choose("value-" + action, value)
        if note is not None:
            self.fill("#note-" + action, note)
        self.page.find(form + ' button[type="submit"]').click()
        self.page.wait_for_url(lambda url: url.endswith("?done=" + action),
                               "the case page after %s" % action)
        self.wait_for("#done")
        return self.wait_for('#case-status[data-status="%s"]' % expected_status)

    def test_case_from_call_to_closing(self):
        resident_mobile = stack.new_mobile()
        stack.file_case(lang="ar", mobile=resident_mobile, name="مريم البلوشية")

        # The agent finds the caller and registers the call as a case.
        self.log_in(self.agent)
        self.assertEqual(self.html_attribute("dir"), "ltr")
        self.wait_for("main h1")
        self.save_screenshot("queue-en-desktop.png")
        self.page.find('header.site nav a[href="/agent/callers"]').click()
        self.wait_for_path("/agent/callers")
        self.fill("#mobile", resident_mobile)
        self.page.find('form[action="/agent/callers"] button[type="submit"]').click()
        self.assertEqual(self.wait_for("#profile-mobile").text, "+968" + resident_mobile)
        self.assertEqual(len(self.page.find_all("#caller-cases tbody tr")), 1)
        self.page.find("#register-for-caller").click()
        self.wait_for_path("/agent/register")
        self.assertEqual(self.wait_for("#mobile").property("value"), "+968" + resident_mobile)
        self.assertEqual(self.page.find("#name").property("value"), "مريم البلوشية")
        self.choose("channel", "phone")
        self.choose("type", "complaint")
        self.choose("category", "pothole")
        self.choose("wilayat", "bawshar")
        self.fill("#location", "Al Khuwair, behind the post office")
        description = "Caller reports a new pothole at the roundabout, browser test %d." % os.getpid()
        self.fill("#description", description)
        self.page.find('form[action="/agent/register"] button[type="submit"]').click()

        number = self.wait_for("#case-number").text
        self.assertRegex(number, r"^\d{8}$")
        self.wait_for_path("/agent/cases/" + number)
        self.assertEqual(self.page.find("#case-status").attribute("data-status"), "registered")
        self.assertEqual(self.page.find("#case-category").attribute("data-category"), "pothole")
        self.assertEqual(self.page.find("#case-directorate").attribute("data-directorate"),
                         "roads")
        self.assertEqual(self.page.find("#case-description").text, description)
        self.assertEqual(stack.sql("SELECT channel FROM cases WHERE number = @p1", number),
                         [["phone"]])
        self.log_out()

        # The roads officer, in Arabic, assigns, starts and resolves it.
        self.log_in(self.officer)
        self.assertEqual(self.html_attribute("dir"), "rtl")
        self.fill("#q", number)
        self.page.find('form.filters button[type="submit"]').click()
        # The queue before the search may list the case too, so wait for
        # the search's own address first.
        self.page.wait_for_url(lambda url: "q=%s" % number in url, "the search results")
        row = self.wait_for('#queue tr[data-number="%s"]' % number)
        self.assertEqual(len(self.page.find_all("#queue tbody tr")), 1)
        row.find('a[href="/agent/cases/%s"]' % number).click()
        self.wait_for_path("/agent/cases/" + number)
        self.act("assign", "assigned", value=self.field["username"])
        self.assertEqual(self.page.find("#case-assignee").text,
                         "Test field " + self.field["username"])
        self.act("start", "in_progress")
        self.act("resolve", "resolved", note="تم ردم الحفرة وإعادة سفلتة المسار.")
        self.log_out()

        # The agent records the resident's confirmation, which closes it.
        self.log_in(self.agent)
        self.open("/agent/cases/" + number)
        status = self.act("confirm", "closed", note="Resident confirmed by phone.")
        self.assertEqual(status.text, stack.message("en", "Status.closed"))
        kinds = [item.attribute("data-kind") for item in self.page.find_all("#history li")]
        self.assertEqual(kinds, ["created", "registered", "assign", "start", "resolve",
                                 "confirm"])
        self.log_out()

        # The supervisor switches the intranet to Arabic on the case page.
        self.log_in(self.supervisor)
        self.open("/agent/cases/" + number)
        self.wait_for("#case-status")
        self.assertEqual(self.html_attribute("dir"), "ltr")
        self.page.find('form[action="/agent/lang"] button[type="submit"]').click()
        self.page.wait_until(lambda: self.html_attribute("dir") == "rtl", "dir=rtl")
        self.wait_for_path("/agent/cases/" + number)
        self.assertEqual(self.html_attribute("lang"), "ar")
        self.assertEqual(self.wait_for("#case-status").text, stack.message("ar", "Status.closed"))
        self.save_screenshot("case-ar-desktop.png")
        self.assertEqual(stack.sql("SELECT lang FROM staff WHERE username = @p1",
                                   self.supervisor["username"]), [["ar"]])


if __name__ == "__main__":
    unittest.main()
