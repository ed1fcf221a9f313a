"""Filing a complaint through the portal: the redirect, the confirmation
page and every row the complaint writes, in Arabic and English."""
import html
import re
import threading
import unittest
import urllib.parse

import stack

DONE_PATH = re.compile(r"^/(ar|en)/complaints/done\?n=(\d{8})&s=[A-Za-z0-9_-]+$")


def file_complaint(browser, lang, **values):
    """Posts a valid complaint and returns the response and the posted fields."""
    fields = stack.open_form(browser, "/%s/complaints/new" % lang)
    fields.update(stack.valid_complaint(**values))
    return browser.post("/%s/complaints" % lang, fields), fields


def case_row(number):
    """Returns the case with this number as a dict of strings."""
    columns = ("id", "status", "channel", "type", "priority", "category_id",
               "directorate_id", "wilayat_id", "customer_id", "lang",
               "HEX(description)", "form_token", "lat", "lon", "location")
    rows = stack.sql("SELECT %s FROM cases WHERE number = @p1" % ", ".join(columns),
                     number)
    if len(rows) != 1:
        raise AssertionError("%d cases with number %s, expected 1" % (len(rows), number))
    return dict(zip(columns, rows[0]))


class ArabicComplaintTest(unittest.TestCase):
    """One Arabic complaint with emoji, Arabic-Indic digits and
    coordinates, checked page by page and row by row."""

    @classmethod
    def setUpClass(cls):
        cls.browser = stack.Browser()
        cls.form = cls.browser.get("/ar/complaints/new")
        cls.national = stack.new_mobile()
        cls.description = "حفرة عميقة أمام مدرسة الخوض 🚧😟\nمنذ أسبوعين والسيارات تتضرر يوميًا"
        cls.name = "سالم بن راشد الحارثي"
        fields = stack.hidden_fields(cls.form)
        fields.update(stack.valid_complaint(
            category="pothole", wilayat="seeb", lat="23.5880", lon="58.3829",
            location="شارع السلطان قابوس", description=cls.description,
            name=cls.name, mobile=stack.arabic_indic(cls.national)))
        cls.fields = fields
        cls.before = stack.row_counts()
        cls.response = cls.browser.post("/ar/complaints", fields)
        location = cls.response.header("Location") or ""
        match = DONE_PATH.match(location)
        cls.number = match.group(2) if match else None
        cls.done = cls.browser.get(location) if match else None
        cls.after = stack.row_counts()

    def setUp(self):
        if self.number is None:
            self.fail("POST /ar/complaints returned %d, Location %r" % (
                self.response.status, self.response.header("Location")))

    def test_form_sets_csrf_cookie(self):
        cookies = self.form.headers.get_all("Set-Cookie") or []
        self.assertTrue(any(c.startswith("tw_csrf=") for c in cookies), cookies)
        self.assertTrue(any("HttpOnly" in c for c in cookies), cookies)

    def test_form_has_tokens(self):
        fields = stack.hidden_fields(self.form)
        self.assertTrue(fields.get("csrf"), "csrf hidden field")
        self.assertTrue(fields.get("form_token"), "form_token hidden field")

    def test_post_redirects_303(self):
        self.assertEqual(self.response.status, 303)
        self.assertTrue(self.response.header("Location").startswith(
            "/ar/complaints/done?"), self.response.header("Location"))

    def test_done_page_shows_number(self):
        self.assertEqual(self.done.status, 200)
        self.assertEqual(stack.element_text(self.done, "case-number"), self.number)
        self.assertRegex(self.number, r"^\d{8}$")

    def test_done_page_arabic(self):
        self.assertIn('<html lang="ar" dir="rtl">', self.done.text)
        self.assertIn(stack.message("ar", "Done.Title"), self.done.text)

    def test_done_page_in_other_language_keeps_case(self):
        link = re.search(r'<a class="lang" href="([^"]*)"', self.done.text)
        self.assertIsNotNone(link)
        other = stack.Browser().get(html.unescape(link.group(1)))
        self.assertEqual(other.status, 200)
        self.assertIn('<html lang="en" dir="ltr">', other.text)
        self.assertEqual(stack.element_text(other, "case-number"), self.number)

    def test_track_link_fills_in_number(self):
        link = stack.attribute(self.done, "track-this", "href")
        self.assertEqual(link, "/ar/track?number=%s" % self.number)
        form = stack.Browser().get(link)
        self.assertEqual(form.status, 200)
        self.assertEqual(stack.attribute(form, "number", "value"), self.number)
        bad = stack.Browser().get("/ar/track?number=%s" % (self.number[:-1] + "x"))
        self.assertEqual(stack.attribute(bad, "number", "value"), "")

    def test_case_registered(self):
        case = case_row(self.number)
        self.assertEqual(case["status"], "registered")
        self.assertEqual(case["channel"], "portal")
        self.assertEqual(case["type"], "complaint")
        self.assertEqual(case["lang"], "ar")

    def test_case_routed_by_category(self):
        case = case_row(self.number)
        category = stack.sql(
            "SELECT id, priority, directorate_id FROM categories WHERE code = @p1",
            self.fields["category"])[0]
        self.assertEqual(case["category_id"], category[0])
        self.assertEqual(case["priority"], category[1], "priority of the category")
        self.assertEqual(case["directorate_id"], category[2],
                         "directorate of the category")

    def test_case_wilayat(self):
        wilayat = stack.sql("SELECT id FROM wilayats WHERE code = @p1",
                            self.fields["wilayat"])[0][0]
        self.assertEqual(case_row(self.number)["wilayat_id"], wilayat)

    def test_description_byte_exact(self):
        stored = bytes.fromhex(case_row(self.number)["HEX(description)"])
        self.assertEqual(stored.decode("utf-8"), self.description)

    def test_coordinates_stored(self):
        case = case_row(self.number)
        self.assertAlmostEqual(float(case["lat"]), float(self.fields["lat"]), places=6)
        self.assertAlmostEqual(float(case["lon"]), float(self.fields["lon"]), places=6)

    def test_location_stored(self):
        self.assertEqual(case_row(self.number)["location"], self.fields["location"])

    def test_form_token_nonce_stored(self):
        nonce = self.fields["form_token"].split(".")[0]
        self.assertEqual(case_row(self.number)["form_token"], nonce)

    def test_customer_mobile_e164(self):
        case = case_row(self.number)
        rows = stack.sql("SELECT mobile, name, lang FROM customers WHERE id = @p1",
                         case["customer_id"])
        self.assertEqual(rows[0][0], "+968" + self.national)
        self.assertEqual(rows[0][1], self.name)
        self.assertEqual(rows[0][2], "ar")

    def test_two_events(self):
        case = case_row(self.number)
        events = stack.sql(
            "SELECT kind, IFNULL(from_status, ''), to_status, channel, is_public"
            " FROM case_events WHERE case_id = @p1 ORDER BY id", case["id"])
        self.assertEqual([e[0] for e in events], ["created", "registered"])
        self.assertEqual(events[0][2], "new", "status after created")
        self.assertEqual(events[1][1:3], ["new", "registered"])
        self.assertEqual({e[3] for e in events}, {"portal"})

    def test_one_sms_in_arabic(self):
        case = case_row(self.number)
        rows = stack.sql(
            "SELECT to_number, lang, kind, status, body FROM sms_outbox"
            " WHERE case_id = @p1", case["id"])
        self.assertEqual(len(rows), 1, "outbox rows of the case")
        to_number, lang, kind, status, body = rows[0]
        self.assertEqual(to_number, "+968" + self.national)
        self.assertRegex(to_number, r"^\+968[79]\d{7}$")
        self.assertEqual(lang, "ar")
        self.assertEqual(kind, "case_received")
        self.assertEqual(status, "queued")
        self.assertIn(self.number, body)
        self.assertEqual(body, stack.message("ar", "Sms.CaseReceived").replace(
            "{number}", self.number))

    def test_rows_added(self):
        added = {table: self.after[table] - self.before[table] for table in self.after}
        self.assertEqual(added, {"customers": 1, "cases": 1, "case_events": 2,
                                 "sms_outbox": 1})


class EnglishComplaintTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.browser = stack.Browser()
        cls.response, cls.fields = file_complaint(
            cls.browser, "en", category="light_out", wilayat="muttrah",
            mobile="+968 " + stack.new_mobile(), type="suggestion")
        match = DONE_PATH.match(cls.response.header("Location") or "")
        cls.number = match.group(2) if match else None

    def setUp(self):
        if self.number is None:
            self.fail("POST /en/complaints returned %d" % self.response.status)

    def test_done_page_english(self):
        done = self.browser.get(self.response.header("Location"))
        self.assertEqual(done.status, 200)
        self.assertIn('<html lang="en" dir="ltr">', done.text)
        self.assertEqual(stack.element_text(done, "case-number"), self.number)

    def test_case_type_and_lang(self):
        case = case_row(self.number)
        self.assertEqual(case["type"], self.fields["type"])
        self.assertEqual(case["lang"], "en")

    def test_one_sms_in_english(self):
        case = case_row(self.number)
        rows = stack.sql("SELECT to_number, lang, body FROM sms_outbox"
                         " WHERE case_id = @p1", case["id"])
        expected_to = "+968" + self.fields["mobile"].replace("+968", "").replace(" ", "")
        self.assertEqual(len(rows), 1, "outbox rows of the case")
        self.assertEqual(rows[0][0], expected_to)
        self.assertEqual(rows[0][1], "en")
        self.assertEqual(rows[0][2], stack.message("en", "Sms.CaseReceived").replace(
            "{number}", self.number))

    def test_without_coordinates(self):
        browser = stack.Browser()
        response, _ = file_complaint(browser, "en", lat="", lon="")
        self.assertEqual(response.status, 303)
        number = DONE_PATH.match(response.header("Location")).group(2)
        case = case_row(number)
        self.assertEqual(case["lat"], "NULL")
        self.assertEqual(case["lon"], "NULL")


class ComplaintRulesTest(unittest.TestCase):
    def file(self, lang="ar", **values):
        response, fields = file_complaint(stack.Browser(), lang, **values)
        self.assertEqual(response.status, 303, "POST /%s/complaints" % lang)
        return DONE_PATH.match(response.header("Location")).group(2), fields

    def test_health_category_urgent(self):
        for category in ("food_hygiene", "snakes"):
            with self.subTest(category=category):
                health = stack.sql("SELECT health_safety FROM categories"
                                   " WHERE code = @p1", category)[0][0]
                self.assertEqual(health, "1", "seed data: %s is health and safety"
                                 % category)
                number, _ = self.file(category=category)
                self.assertEqual(case_row(number)["priority"], "urgent")

    def test_existing_customer_reused(self):
        national = stack.new_mobile()
        spaced = "00968 %s %s" % (national[:4], national[4:])
        first, _ = self.file(mobile=national, name="Aisha Al Balushi")
        second, _ = self.file(lang="en", mobile=spaced, name="Aisha Al Balushi")
        customers = stack.sql("SELECT id FROM customers WHERE mobile = @p1",
                              "+968" + national)
        self.assertEqual(len(customers), 1, "customers with this mobile")
        self.assertEqual(case_row(first)["customer_id"], customers[0][0])
        self.assertEqual(case_row(second)["customer_id"], customers[0][0])

    def test_name_kept_per_case(self):
        # A later filing with the same mobile must not rename the
        # resident on earlier cases.
        national = stack.new_mobile()
        first, _ = self.file(mobile=national, name="Aisha Al Balushi")
        second, _ = self.file(lang="en", mobile=national, name="Someone Else")
        names = dict(stack.sql(
            "SELECT number, contact_name FROM cases WHERE number IN (@p1, @p2)",
            first, second))
        self.assertEqual(names[first], "Aisha Al Balushi")
        self.assertEqual(names[second], "Someone Else")
        kept = stack.sql("SELECT name FROM customers WHERE mobile = @p1",
                         "+968" + national)[0][0]
        self.assertEqual(kept, "Aisha Al Balushi", "first name known stays")

    def test_customer_contact_kept(self):
        # Anyone can type a mobile number, so a later filing changes no
        # stored contact data; each case keeps its own language.
        national = stack.new_mobile()
        first, _ = self.file(lang="ar", mobile=national, email="first@example.com")
        second, _ = self.file(lang="en", mobile="+968" + national,
                              email="attacker@example.com")
        lang, email = stack.sql("SELECT lang, email FROM customers WHERE mobile = @p1",
                                "+968" + national)[0]
        self.assertEqual(lang, "ar", "language of the first complaint")
        self.assertEqual(email, "first@example.com")
        langs = dict(stack.sql("SELECT number, lang FROM cases WHERE number IN (@p1, @p2)",
                               first, second))
        self.assertEqual(langs, {first: "ar", second: "en"})

    def test_persian_digits_mobile(self):
        national = stack.new_mobile()
        persian = national.translate({ord("0") + i: 0x06F0 + i for i in range(10)})
        number, _ = self.file(mobile=persian)
        customer = case_row(number)["customer_id"]
        self.assertEqual(stack.sql("SELECT mobile FROM customers WHERE id = @p1",
                                   customer)[0][0], "+968" + national)

    def test_email_lower_case(self):
        email = "Salim.Harthy@Example.OM"
        number, _ = self.file(email=email)
        customer = case_row(number)["customer_id"]
        self.assertEqual(stack.sql("SELECT email FROM customers WHERE id = @p1",
                                   customer)[0][0], email.lower())

    def test_arabic_indic_coordinates(self):
        # U+066B is the Arabic decimal separator.
        lat, lon = "23.5880", "58.3829"
        number, _ = self.file(lat=stack.arabic_indic(lat).replace(".", "\u066b"),
                              lon=stack.arabic_indic(lon).replace(".", "\u066b"))
        case = case_row(number)
        self.assertAlmostEqual(float(case["lat"]), float(lat), places=6)
        self.assertAlmostEqual(float(case["lon"]), float(lon), places=6)

    def test_same_new_mobile_parallel(self):
        national = stack.new_mobile()
        posts = []
        for _ in range(2):
            browser = stack.Browser()
            fields = stack.open_form(browser, "/en/complaints/new")
            fields.update(stack.valid_complaint(mobile=national))
            posts.append((browser, fields))
        barrier = threading.Barrier(2)
        statuses = [None, None]

        def post(i):
            barrier.wait()
            statuses[i] = posts[i][0].post("/en/complaints", posts[i][1]).status

        threads = [threading.Thread(target=post, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        self.assertEqual(statuses, [303, 303])
        customers = stack.sql("SELECT id FROM customers WHERE mobile = @p1",
                              "+968" + national)
        self.assertEqual(len(customers), 1, "customers with this mobile")
        self.assertEqual(stack.count("cases", "customer_id = @p1", customers[0][0]), 2)

    def test_script_tag_stored_as_text(self):
        description = '<script>alert("x")</script> broken & dangerous pavement'
        number, _ = self.file(description=description)
        stored = bytes.fromhex(case_row(number)["HEX(description)"])
        self.assertEqual(stored.decode("utf-8"), description)

    def test_crlf_stored_as_lf(self):
        description = "First line of the report\r\nSecond line"
        number, _ = self.file(description=description)
        stored = bytes.fromhex(case_row(number)["HEX(description)"]).decode("utf-8")
        self.assertEqual(stored, description.replace("\r\n", "\n"))

    def test_description_min_length(self):
        description = "حفرة كبيرة"
        self.assertEqual(len(description), 10)
        number, _ = self.file(description=description)
        self.assertEqual(case_row(number)["status"], "registered")

    def test_description_max_length(self):
        description = "ب" * 4000
        number, _ = self.file(description=description)
        stored = bytes.fromhex(case_row(number)["HEX(description)"]).decode("utf-8")
        self.assertEqual(len(stored), 4000)

    def test_done_forged_signature(self):
        response, _ = file_complaint(stack.Browser(), "en")
        location = response.header("Location")
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)
        forged = "/en/complaints/done?n=%s&s=%s" % (query["n"][0], "A" * 43)
        self.assertEqual(stack.Browser().get(forged).status, 404)


class RepeatedSubmissionTest(unittest.TestCase):
    def counts_for(self, fields):
        nonce = fields["form_token"].split(".")[0]
        cases = stack.sql("SELECT id FROM cases WHERE form_token = @p1", nonce)
        outbox = stack.count("sms_outbox", "case_id IN (SELECT id FROM cases"
                             " WHERE form_token = @p1)", nonce)
        return len(cases), outbox

    def test_same_token_twice(self):
        browser = stack.Browser()
        first, fields = file_complaint(browser, "ar")
        second = browser.post("/ar/complaints", fields)
        self.assertEqual(first.status, 303)
        self.assertEqual(second.status, 303)
        self.assertEqual(second.header("Location"), first.header("Location"),
                         "both posts lead to the same case number")
        self.assertEqual(self.counts_for(fields), (1, 1), "(cases, outbox rows)")

    def test_same_token_other_message(self):
        # A form reused for a different message must not drop it.
        browser = stack.Browser()
        first, fields = file_complaint(browser, "en")
        other = dict(fields, description="A second problem: the street light is out")
        before = stack.count("cases")
        page = browser.post("/en/complaints", other)
        self.assertEqual(page.status, 409)
        self.assertEqual(stack.count("cases"), before, "nothing new written yet")
        self.assertIn(html.escape(other["description"]), page.text,
                      "the new text is kept in the form")
        fresh = stack.hidden_fields(page)["form_token"]
        self.assertNotEqual(fresh, fields["form_token"], "a fresh token")
        again = browser.post("/en/complaints", dict(other, form_token=fresh))
        self.assertEqual(again.status, 303)
        self.assertNotEqual(again.header("Location"), first.header("Location"))
        self.assertEqual(stack.count("cases"), before + 1)

    def test_same_token_parallel(self):
        browser = stack.Browser()
        fields = stack.open_form(browser, "/en/complaints/new")
        fields.update(stack.valid_complaint())
        barrier = threading.Barrier(2)
        responses = [None, None]

        def post(i):
            barrier.wait()
            responses[i] = browser.post("/en/complaints", fields)

        threads = [threading.Thread(target=post, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        self.assertEqual([r.status for r in responses], [303, 303])
        self.assertEqual(responses[0].header("Location"),
                         responses[1].header("Location"))
        self.assertEqual(self.counts_for(fields), (1, 1), "(cases, outbox rows)")


if __name__ == "__main__":
    unittest.main()
