"""Tracking a case by its number and mobile number: the accepted ways of
typing both, a mistyped number, and responses that reveal nothing."""
import re
import unittest

import stack

# The Damm quasigroup, to write well-formed case numbers of cases that
# do not exist.
DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2), (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9), (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8), (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4), (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5), (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)


def with_check_digit(digits):
    interim = 0
    for digit in digits:
        interim = DAMM[interim][int(digit)]
    return digits + str(interim)


def without_csrf(page):
    return re.sub(r'name="csrf" value="[^"]*"', 'name="csrf" value=""', page.text)


class TrackTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        browser = stack.Browser()
        fields = stack.open_form(browser, "/en/complaints/new")
        fields.update(stack.valid_complaint(category="container_full",
                                            wilayat="bawshar"))
        response = browser.post("/en/complaints", fields)
        match = re.search(r"[?&]n=(\d{8})", response.header("Location") or "")
        cls.number = match.group(1) if match else None
        cls.national = fields["mobile"]
        cls.category = fields["category"]

    def setUp(self):
        if self.number is None:
            self.fail("the complaint to track was not created")
        self.browser = stack.Browser()

    def track(self, number, mobile, lang="en", csrf=True):
        fields = {"number": number, "mobile": mobile}
        if csrf:
            fields["csrf"] = stack.open_form(self.browser, "/%s/track" % lang)["csrf"]
        return self.browser.post("/%s/track" % lang, fields)

    def assert_found(self, page, lang="en"):
        self.assertEqual(page.status, 200)
        self.assertEqual(stack.attribute(page, "case-status", "data-status"),
                         "registered")
        self.assertEqual(stack.element_text(page, "case-status"),
                         stack.message(lang, "Status.registered"))

    def test_track_form(self):
        page = self.browser.get("/ar/track")
        self.assertEqual(page.status, 200)
        self.assertIn('action="/ar/track"', page.text)
        self.assertTrue(stack.hidden_fields(page).get("csrf"), "csrf hidden field")
        self.assertEqual(stack.form_value(page, "number"), "")
        self.assertEqual(stack.form_value(page, "mobile"), "")

    def test_track_found(self):
        self.assert_found(self.track(self.number, self.national))

    def test_track_shows_category(self):
        page = self.track(self.number, self.national)
        name = stack.sql("SELECT name_en FROM categories WHERE code = @p1",
                         self.category)[0][0]
        self.assertIn("<dd>%s</dd>" % name, page.text)

    def test_track_shows_history(self):
        page = self.track(self.number, self.national)
        history = re.search(r'<ol class="history">(.*?)</ol>', page.text, re.S)
        self.assertIsNotNone(history, "history list")
        items = re.findall(r"</time> ([^<]*)", history.group(1))
        self.assertEqual(items, [stack.message("en", "Event.created"),
                                 stack.message("en", "Event.registered")])

    def test_track_arabic_page(self):
        page = self.track(self.number, self.national, lang="ar")
        self.assert_found(page, "ar")
        name = stack.sql("SELECT name_ar FROM categories WHERE code = @p1",
                         self.category)[0][0]
        self.assertIn("<dd>%s</dd>" % name, page.text)

    def test_track_no_personal_data(self):
        page = self.track(self.number, self.national)
        name = stack.sql("SELECT name FROM customers WHERE mobile = @p1",
                         "+968" + self.national)[0][0]
        self.assertNotIn(name, page.text, "the resident's name on the page")

    def test_track_number_forms(self):
        forms = {
            "arabic-indic": stack.arabic_indic(self.number),
            "hash": "#" + self.number,
            "spaces": "%s %s" % (self.number[:4], self.number[4:]),
            "dash": "%s-%s" % (self.number[:4], self.number[4:]),
        }
        for kind, number in forms.items():
            with self.subTest(number=kind):
                self.assert_found(self.track(number, self.national))

    def test_track_mobile_forms(self):
        n = self.national
        forms = {
            "+968": "+968" + n,
            "00968": "00968 %s %s" % (n[:4], n[4:]),
            "spaces": "%s %s" % (n[:4], n[4:]),
            "arabic-indic": stack.arabic_indic("+968 " + n),
        }
        for kind, mobile in forms.items():
            with self.subTest(mobile=kind):
                self.assert_found(self.track(self.number, mobile))

    def test_track_wrong_check_digit(self):
        wrong = self.number[:-1] + str((int(self.number[-1]) + 1) % 10)
        page = self.track(wrong, self.national)
        self.assertEqual(page.status, 422)
        self.assertEqual(stack.field_error(page, "number"),
                         stack.message("en", "Err.CaseNumberMistyped"))
        self.assertIsNone(stack.attribute(page, "case-status", "data-status"))

    def test_track_short_number(self):
        page = self.track(self.number[:-1], self.national, lang="ar")
        self.assertEqual(page.status, 422)
        self.assertEqual(stack.field_error(page, "number"),
                         stack.message("ar", "Err.CaseNumber"))

    def test_track_number_escaped(self):
        typed = '"><script>alert(1)</script>'
        page = self.track(typed, self.national)
        self.assertEqual(page.status, 422)
        self.assertEqual(stack.field_error(page, "number"),
                         stack.message("en", "Err.CaseNumber"))
        self.assertEqual(stack.form_value(page, "number"), typed)
        self.assertNotIn("<script>alert", page.text)

    def test_track_invalid_mobile(self):
        page = self.track(self.number, "24123456")
        self.assertEqual(page.status, 422)
        self.assertEqual(stack.field_error(page, "mobile"),
                         stack.message("en", "Err.Mobile"))

    def test_track_other_mobile(self):
        page = self.track(self.number, stack.new_mobile())
        self.assertEqual(page.status, 404)
        self.assertEqual(stack.form_error(page),
                         stack.message("en", "Err.TrackNotFound"))
        self.assertIsNone(stack.attribute(page, "case-status", "data-status"))

    def test_track_unknown_number(self):
        unknown = with_check_digit("9999999")
        self.assertEqual(stack.count("cases", "number = @p1", unknown), 0)
        page = self.track(unknown, self.national)
        self.assertEqual(page.status, 404)
        self.assertEqual(stack.form_error(page),
                         stack.message("en", "Err.TrackNotFound"))

    def test_track_answers_alike(self):
        # The page for a wrong mobile must not tell that the case exists.
        other_mobile = stack.new_mobile()
        unknown = with_check_digit("9999999")
        wrong_mobile = self.track(self.number, other_mobile)
        no_case = self.track(unknown, other_mobile)
        self.assertEqual(wrong_mobile.status, no_case.status)
        self.assertEqual(without_csrf(wrong_mobile).replace(self.number, "NUMBER"),
                         without_csrf(no_case).replace(unknown, "NUMBER"))

    def test_track_missing_csrf(self):
        page = self.track(self.number, self.national, csrf=False)
        self.assertEqual(page.status, 403)
        self.assertEqual(stack.form_error(page), stack.message("en", "Err.Csrf"))
        self.assertIsNone(stack.attribute(page, "case-status", "data-status"))

    def test_track_changes_nothing(self):
        before = stack.row_counts()
        self.track(self.number, self.national)
        self.assertEqual(stack.row_counts(), before)


if __name__ == "__main__":
    unittest.main()
