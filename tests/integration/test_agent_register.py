"""Looking up a caller and registering a case for them: the caller's
profile, the channels staff may register through, the same input rules
as the portal, and one case for a form posted twice."""
import re
import unittest
import urllib.parse

import stack

CASE_PATH = re.compile(r"^/agent/cases/(\d{8})$")


class CallerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.browser = stack.StaffBrowser("agent")

    def test_profile_lists_cases(self):
        mobile = stack.new_mobile()
        first = stack.file_case("pothole", mobile=mobile, name="Maryam Al Zadjali")
        second = stack.file_case("light_out", mobile=mobile, name="Maryam Al Zadjali")
        page = self.browser.get("/agent/callers?mobile=" +
                                urllib.parse.quote(stack.arabic_indic(mobile)))
        self.assertEqual(page.status, 200)
        self.assertEqual(stack.element_text(page, "profile-mobile"), "+968" + mobile)
        self.assertIn("Maryam Al Zadjali", page.text)
        cases = re.search(r'id="caller-cases".*?</table>', page.text, re.S).group(0)
        self.assertEqual(re.findall(r'href="/agent/cases/(\d{8})"', cases),
                         [second, first], "newest first")
        self.assertEqual(stack.attribute(page, "register-for-caller", "href"),
                         "/agent/register?mobile=%2B968" + mobile)

    def test_unknown_caller(self):
        mobile = stack.new_mobile()
        page = self.browser.get("/agent/callers?mobile=" + mobile)
        self.assertEqual(page.status, 404)
        self.assertIn(stack.message("en", "Agent.Callers.NotFound"), page.text)
        self.assertEqual(stack.attribute(page, "register-for-caller", "href"),
                         "/agent/register?mobile=%2B968" + mobile)

    def test_invalid_mobile(self):
        page = self.browser.get("/agent/callers?mobile=12345")
        self.assertEqual(page.status, 422)
        self.assertEqual(stack.field_error(page, "mobile"), stack.message("en", "Err.Mobile"))


class RegisterTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.browser = stack.StaffBrowser("agent", lang="ar")

    def form(self, **values):
        """Returns the hidden fields of a new registration form with a
        valid phone registration in English, overridden by values."""
        fields = stack.open_form(self.browser, "/agent/register")
        fields.update(stack.valid_complaint(channel="phone", lang="en"))
        fields.update(values)
        return fields

    def register(self, fields):
        response = self.browser.post("/agent/register", fields)
        self.assertEqual(response.status, 303)
        match = CASE_PATH.match(response.header("Location"))
        self.assertIsNotNone(match, response.header("Location"))
        return match.group(1)

    def test_form_prefilled(self):
        mobile = stack.new_mobile()
        stack.file_case("pothole", mobile=mobile, name="Khalid Al Rawahi")
        callers = self.browser.get("/agent/callers?mobile=" +
                                   urllib.parse.quote(stack.arabic_indic(mobile)))
        page = self.browser.get(stack.attribute(callers, "register-for-caller", "href"))
        self.assertEqual(page.status, 200)
        self.assertEqual(stack.form_value(page, "mobile"), "+968" + mobile)
        self.assertEqual(stack.form_value(page, "name"), "Khalid Al Rawahi")

    def test_register_by_phone(self):
        fields = self.form()
        before = stack.row_counts()
        number = self.register(fields)
        self.assertEqual(self.browser.get("/agent/cases/%s" % number).status, 200)
        rows = stack.sql("SELECT c.channel, c.status, c.registered_by, c.lang, u.mobile"
                         " FROM cases c JOIN customers u ON u.id = c.customer_id"
                         " WHERE c.number = @p1", number)
        self.assertEqual(rows[0], ["phone", "registered", self.browser.staff["id"], "en",
                                   "+968" + fields["mobile"]])
        events = stack.case_events(number)
        self.assertEqual([e["kind"] for e in events], ["created", "registered"])
        self.assertEqual((events[0]["actor_kind"], events[0]["actor_id"],
                          events[0]["channel"]),
                         ("staff", self.browser.staff["id"], "phone"))
        sms = stack.case_outbox(number)
        self.assertEqual(len(sms), 1)
        self.assertEqual((sms[0]["kind"], sms[0]["lang"]), ("case_received", "en"))
        self.assertEqual(sms[0]["body"], stack.message("en", "Sms.CaseReceived").replace(
            "{number}", number))
        added = {t: stack.row_counts()[t] - before[t] for t in before}
        self.assertEqual(added, {"customers": 1, "cases": 1, "case_events": 2,
                                 "sms_outbox": 1})

    def test_receipt_in_arabic(self):
        number = self.register(self.form(lang="ar"))
        sms = stack.case_outbox(number)[0]
        self.assertEqual(sms["lang"], "ar")
        self.assertEqual(sms["body"], stack.message("ar", "Sms.CaseReceived").replace(
            "{number}", number))

    def test_staff_channels(self):
        for channel in ("walk_in", "email", "fax", "social"):
            with self.subTest(channel=channel):
                number = self.register(self.form(channel=channel))
                self.assertEqual(stack.sql("SELECT channel FROM cases WHERE number = @p1",
                                           number)[0][0], channel)

    def assert_rejected(self, field, key, n=None, **values):
        fields = self.form(**values)
        before = stack.row_counts()
        page = self.browser.post("/agent/register", fields)
        self.assertEqual(page.status, 422)
        self.assertEqual(stack.field_error(page, field), stack.message("ar", key, n))
        self.assertEqual(stack.row_counts(), before, "rows written")
        return page

    def test_other_channels_rejected(self):
        for channel in ("portal", "ivr", "sms", "app", "pigeon"):
            with self.subTest(channel=channel):
                self.assert_rejected("channel", "Err.Choice", channel=channel)

    def test_bad_input(self):
        cases = (
            ("mobile", "Err.Mobile", None, {"mobile": "12345"}),
            ("mobile", "Err.Mobile", None, {"mobile": "+971 50 123 4567"}),
            ("description", "Err.TooShort", 10, {"description": "Too short"}),
            ("category", "Err.Choice", None, {"category": "ufo"}),
            ("wilayat", "Err.Choice", None, {"wilayat": "dubai"}),
            ("lang", "Err.Choice", None, {"lang": "fr"}),
            ("type", "Err.Choice", None, {"type": "service_request"}),
            ("lat", "Err.CoordsSwapped", None, {"lat": "58.3889", "lon": "23.5839"}),
        )
        for field, key, n, values in cases:
            with self.subTest(field=field, values=values):
                page = self.assert_rejected(field, key, n, **values)
                for name, value in values.items():
                    if name not in ("channel", "type", "lang", "category", "wilayat"):
                        self.assertEqual(stack.form_value(page, name), value,
                                         "form keeps %s" % name)

    def test_double_post(self):
        fields = self.form()
        first = self.register(fields)
        second = self.register(fields)
        self.assertEqual(first, second)
        nonce = fields["form_token"].split(".")[0]
        self.assertEqual(stack.count("cases", "form_token = @p1", nonce), 1)
        self.assertEqual(len(stack.case_outbox(first)), 1)


if __name__ == "__main__":
    unittest.main()
