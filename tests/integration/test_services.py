"""The service directory: browsing and searching in both languages, the
procedure pages, the intranet's send form (SMS through Kannel and
fakesmsc, e-mail into mail_outbox), edits with their history and the
version check, and who may do what. Expected values come from the
services table, not from copies of the seed."""
import html
import os
import re
import subprocess
import threading
import time
import unittest

import stack
import test_sms

SERVICE_COLUMNS = ("name_ar", "name_en", "description_ar", "description_en",
                   "steps_ar", "steps_en", "documents_ar", "documents_en",
                   "fees_ar", "fees_en", "duration_ar", "duration_en",
                   "where_ar", "where_en")

_serial = iter(range(1, 1000000))


def service(code):
    """Returns the stored service as a dict of its columns."""
    columns = ("code", "version", "requestable", "active", "internal_notes",
               "ivr_rank") + SERVICE_COLUMNS
    rows = stack.sql("SELECT %s FROM services WHERE code = @p1"
                     % ", ".join("IFNULL(%s, '')" % c for c in columns), code)
    if not rows:
        return None
    # Multi-line cells come back with \n escaped by the client.
    values = [v.replace("\\n", "\n") for v in rows[0]]
    return dict(zip(columns, values))


def codes_where(condition, *params):
    """Returns the set of active service codes matching an SQL condition."""
    return {row[0] for row in stack.sql(
        "SELECT code FROM services WHERE active = 1 AND (%s)" % condition, *params)}


def listed_codes(page):
    """Returns the service codes a directory page lists."""
    return set(re.findall(r'<li data-code="([^"]+)"', page.text))


def page_text(page, element_id):
    """Returns the text of an element, tags removed and unescaped."""
    match = re.search(r'id="%s"[^>]*>(.*?)</(?:p|dd|h1|ol|ul)>'
                      % re.escape(element_id), page.text, re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", match.group(1))) if match else None


def list_items(page, element_id):
    match = re.search(r'id="%s"[^>]*>(.*?)</(?:ol|ul)>' % re.escape(element_id),
                      page.text, re.S)
    if not match:
        return None
    return [html.unescape(item) for item in re.findall(r"<li>(.*?)</li>", match.group(1))]


def lines(text):
    return [line.strip() for line in text.split("\n") if line.strip()]


def new_code():
    return "test-%d-%d" % (os.getpid(), next(_serial))


def valid_service(**values):
    """Returns the visible fields of a service the edit form accepts."""
    serial = next(_serial)
    fields = {
        "directorate": "licences",
        "name_ar": "تصريح تجريبي %d" % serial,
        "name_en": "Test permit %d" % serial,
        "description_ar": "وصف تجريبي لخدمة تصدرها البلدية.",
        "description_en": "A test description of a municipal service.",
        "steps_ar": "الخطوة الأولى\nالخطوة الثانية",
        "steps_en": "First step\nSecond step",
        "documents_ar": "البطاقة الشخصية",
        "documents_en": "ID card",
        "fees_ar": "5 ريالات عُمانية",
        "fees_en": "5 Omani rials",
        "duration_ar": "يوم عمل واحد",
        "duration_en": "One working day",
        "where_ar": "مراكز خدمات المراجعين",
        "where_en": "Customer service centres",
        "internal_notes": "Test notes",
        "active": "1",
    }
    fields.update(values)
    return fields


def history(code):
    """Returns (version, staff_id, changed_at) of every stored version."""
    return stack.sql(
        "SELECT h.version, IFNULL(h.staff_id, ''), h.changed_at"
        " FROM service_history h JOIN services s ON s.id = h.service_id"
        " WHERE s.code = @p1 ORDER BY h.version", code)


def sent_rows():
    return stack.count("sms_outbox") + stack.count("mail_outbox") + \
        stack.count("service_sends")


class PortalTest(unittest.TestCase):
    def test_browse_lists_every_active_service(self):
        for lang in ("ar", "en"):
            page = stack.Browser().get("/%s/services" % lang)
            self.assertEqual(page.status, 200)
            self.assertEqual(listed_codes(page), codes_where("1"))
            for name in stack.sql(
                    "SELECT DISTINCT d.name_%s FROM services s JOIN directorates d"
                    " ON d.id = s.directorate_id WHERE s.active = 1" % lang):
                self.assertIn(html.escape(name[0], quote=True), page.text)

    def test_browse_one_directorate(self):
        page = stack.Browser().get("/en/services?d=waste")
        self.assertEqual(page.status, 200)
        expected = codes_where("directorate_id = (SELECT id FROM directorates"
                               " WHERE code = 'waste')")
        self.assertTrue(expected)
        self.assertEqual(listed_codes(page), expected)

    def test_home_links_directory(self):
        for lang in ("ar", "en"):
            page = stack.Browser().get("/%s/" % lang)
            self.assertIn('href="/%s/services"' % lang, page.text)

    def search(self, lang, words):
        page = stack.Browser().get("/%s/services?q=%s"
                                   % (lang, stack.urllib.parse.quote(words)))
        self.assertEqual(page.status, 200, words)
        return listed_codes(page)

    def test_search_arabic_with_and_without_article(self):
        expected = codes_where("name_ar LIKE '%حفر%' OR description_ar LIKE '%حفر%'")
        self.assertIn("excavation-permit", expected)
        for lang in ("ar", "en"):
            for words in ("حفر", "الحفر", "بالحفر"):
                with self.subTest(lang=lang, words=words):
                    self.assertEqual(self.search(lang, words), expected)

    def test_search_arabic_two_words(self):
        text = "CONCAT_WS(' ', name_ar, name_en, description_ar, description_en)"
        expected = codes_where("%s LIKE '%%رخصة%%' AND %s LIKE '%%بناء%%'" % (text, text))
        self.assertIn("building-permit", expected)
        self.assertEqual(self.search("ar", "رخصة البناء"), expected)

    def test_search_arabic_plural_and_singular(self):
        expected = codes_where("CONCAT_WS(' ', name_ar, description_ar)"
                               " LIKE '%حاوي%'")
        self.assertIn("waste-container", expected)
        for words in ("حاويات", "حاوية", "الحاويات"):
            with self.subTest(words=words):
                self.assertEqual(self.search("ar", words), expected)

    def test_search_arabic_spelling_variants(self):
        """People type alef without hamza, haa for taa marbuta and alef
        maksura for yaa; each spelling finds what the written one does."""
        for written, typed in (("إنارة", "انارة"), ("حاوية", "حاويه"),
                               ("رخصة بناء", "رخصه بناء")):
            with self.subTest(typed=typed):
                expected = self.search("ar", written)
                self.assertNotEqual(expected, [])
                self.assertEqual(self.search("ar", typed), expected)

    def test_search_english_description_word(self):
        expected = codes_where("description_en LIKE '%veterinarian%'")
        self.assertEqual(len(expected), 1)
        self.assertEqual(self.search("en", "Veterinarian"), expected)
        self.assertEqual(self.search("ar", "veterinarian"), expected)

    def test_search_arabic_description_word(self):
        expected = codes_where("description_ar LIKE '%مبيدات%'")
        self.assertIn("pest-control", expected)
        self.assertEqual(self.search("ar", "المبيدات"), expected)
        self.assertEqual(self.search("ar", "مبيدات"), expected)

    def test_search_english_name_words(self):
        expected = codes_where("name_en LIKE '%permit%' OR description_en LIKE '%permit%'")
        self.assertGreater(len(expected), 5)
        self.assertEqual(self.search("en", "permit"), expected)
        # A plural and a stopword change nothing.
        self.assertEqual(self.search("en", "the permits"), expected)
        both = codes_where("CONCAT_WS(' ', name_en, description_en) LIKE '%parking%'"
                           " AND CONCAT_WS(' ', name_en, description_en) LIKE '%permit%'")
        self.assertEqual(self.search("en", "parking permit"), both)

    def test_search_short_word(self):
        # Two letters are below InnoDB's FULLTEXT token size.
        expected = codes_where("CONCAT_WS(' ', name_ar, name_en, description_ar,"
                               " description_en) LIKE '%id%'")
        self.assertEqual(self.search("en", "id"), expected)

    def test_search_nothing_found(self):
        for lang in ("ar", "en"):
            page = stack.Browser().get("/%s/services?q=qqxqq" % lang)
            self.assertEqual(page.status, 200)
            self.assertEqual(listed_codes(page), set())
            self.assertEqual(stack.element_text(page, "no-results"),
                             stack.message(lang, "Directory.NoResults"))
            self.assertEqual(stack.form_value(page, "q"), "qqxqq")

    def test_search_too_long_rejected(self):
        words = "رخصة " * 30
        for lang in ("ar", "en"):
            page = stack.Browser().get("/%s/services?q=%s"
                                       % (lang, stack.urllib.parse.quote(words)))
            self.assertEqual(page.status, 422)
            self.assertEqual(stack.field_error(page, "q"),
                             stack.message(lang, "Err.TooLong", 100))
            self.assertEqual(stack.form_value(page, "q"), words)

    def test_procedure_page_fields(self):
        for code in ("pest-control", "building-permit"):
            row = service(code)
            for lang in ("ar", "en"):
                with self.subTest(code=code, lang=lang):
                    page = stack.Browser().get("/%s/services/%s" % (lang, code))
                    self.assertEqual(page.status, 200)
                    self.assertEqual(page_text(page, "service-name"), row["name_" + lang])
                    self.assertEqual(page_text(page, "service-description"),
                                     row["description_" + lang])
                    self.assertEqual(list_items(page, "service-steps"),
                                     lines(row["steps_" + lang]))
                    self.assertEqual(list_items(page, "service-documents"),
                                     lines(row["documents_" + lang]))
                    for field in ("fees", "duration", "where"):
                        self.assertEqual(page_text(page, "service-" + field),
                                         row["%s_%s" % (field, lang)])
                    link = stack.attribute(page, "request-online", "href")
                    if row["requestable"] == "1":
                        self.assertEqual(link, "/%s/services/%s/request" % (lang, code))
                    else:
                        self.assertIsNone(link)
                    if row["internal_notes"]:
                        self.assertNotIn(html.escape(row["internal_notes"], quote=True),
                                         page.text)
                    self.assertIn('name="viewport"', page.text)

    def test_unknown_code_404_in_language(self):
        for lang in ("ar", "en"):
            for code in ("no-such-service", "Bad_Code", "-x", "new"):
                with self.subTest(lang=lang, code=code):
                    page = stack.Browser().get("/%s/services/%s" % (lang, code))
                    self.assertEqual(page.status, 404)
                    self.assertIn(stack.message(lang, "Error.S404.Title"), page.text)
                    self.assertIn('lang="%s"' % lang, page.text)

    def test_inactive_service_hidden(self):
        code = new_code()
        stack.sql("INSERT INTO services (code, directorate_id, name_ar, name_en,"
                  " description_ar, description_en, steps_ar, steps_en, documents_ar,"
                  " documents_en, fees_ar, fees_en, duration_ar, duration_en, where_ar,"
                  " where_en, active, updated_at) SELECT @p1, id, 'خدمة مخفية',"
                  " 'Hidden qqhidden service', 'و', 'd', 's', 's', 'd', 'd', 'f', 'f',"
                  " 'd', 'd', 'w', 'w', 0, UTC_TIMESTAMP() FROM directorates"
                  " WHERE code = 'parks'", code)
        self.assertEqual(stack.Browser().get("/en/services/%s" % code).status, 404)
        self.assertNotIn(code, listed_codes(stack.Browser().get("/en/services")))
        self.assertEqual(self.search("en", "qqhidden"), set())
        staff = stack.StaffBrowser("agent")
        self.assertEqual(staff.get("/agent/services/%s" % code).status, 200)
        self.assertIn(code, listed_codes(staff.get("/agent/services")))


class SendTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.agent = stack.StaffBrowser("agent")

    def open_send_form(self, code):
        page = self.agent.get("/agent/services/%s" % code)
        self.assertEqual(page.status, 200)
        self.assertIsNotNone(stack.attribute(page, "send-form", "action"))
        return page

    def test_agent_sees_internal_notes(self):
        row = service("waste-container")
        self.assertTrue(row["internal_notes"])
        page = self.open_send_form("waste-container")
        self.assertEqual(page_text(page, "internal-notes"), row["internal_notes"])
        self.assertEqual(page_text(page, "service-name"), row["name_en"])
        public = stack.Browser().get("/en/services/waste-container")
        self.assertNotIn(html.escape(row["internal_notes"], quote=True), public.text)

    def test_send_sms_end_to_end(self):
        test_sms.park_queued()
        phone = test_sms.new_phone()
        self.open_send_form("waste-container")
        response = self.agent.post("/agent/services/waste-container/send", {
            "csrf": self.agent.csrf, "mobile": phone[4:], "lang": "en"})
        self.assertEqual(response.status, 303)
        self.assertTrue(response.header("Location").endswith("?sent=1"))
        rows = stack.outbox_rows("to_number = @p1", phone)
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0]["kind"], "procedure")
        base = stack._read_hdf(os.path.join(stack.VAR, "tawasul.hdf"))["Site.BaseUrl"]
        url = base + "/en/services/waste-container"
        self.assertIn(url, rows[0]["body"])
        self.assertIn(service("waste-container")["name_en"], rows[0]["body"])
        self.assertEqual(stack.run_sender(), 0)
        message = test_sms.messages_at(phone, 1)[0]
        self.assertEqual(message["text"], rows[0]["body"])
        self.assertIn(url, message["text"])
        logged = stack.sql("SELECT staff_id, by_sms, by_email, lang, IFNULL(case_id, '')"
                           " FROM service_sends ORDER BY id DESC LIMIT 1")[0]
        self.assertEqual(logged, [self.agent.staff["id"], "1", "0", "en", ""])
        page = self.agent.get(response.header("Location"))
        self.assertEqual(stack.element_text(page, "sent"),
                         stack.message("en", "Directory.Send.Done"))

    def test_send_arabic_sms_link(self):
        phone = test_sms.new_phone()
        response = self.agent.post("/agent/services/pest-control/send", {
            "csrf": self.agent.csrf, "mobile": stack.arabic_indic(phone[4:]),
            "lang": "ar"})
        self.assertEqual(response.status, 303)
        body = stack.outbox_rows("to_number = @p1", phone)[0]["body"]
        self.assertIn("/ar/services/pest-control", body)
        self.assertIn(service("pest-control")["name_ar"], body)

    def test_send_email_queues_full_procedure(self):
        address = "resident%d@example.com" % next(_serial)
        response = self.agent.post("/agent/services/building-permit/send", {
            "csrf": self.agent.csrf, "email": address, "lang": "ar"})
        self.assertEqual(response.status, 303)
        rows = stack.sql("SELECT kind, lang, subject, body, IFNULL(staff_id, '')"
                         " FROM mail_outbox WHERE to_addr = @p1", address)
        self.assertEqual(len(rows), 1)
        kind, lang, subject, body, staff_id = rows[0]
        body = body.replace("\\n", "\n")
        row = service("building-permit")
        self.assertEqual(kind, "procedure")
        self.assertEqual(lang, "ar")
        self.assertIn(row["name_ar"], subject)
        for column in ("description_ar", "steps_ar", "documents_ar", "fees_ar",
                       "duration_ar", "where_ar"):
            self.assertIn(row[column], body, column)
        self.assertIn("/ar/services/building-permit", body)
        self.assertEqual(stack.count("sms_outbox", "body LIKE @p1",
                                     "%" + address + "%"), 0)

    def test_send_with_case_records_event(self):
        number = stack.file_case("container_request")
        phone = test_sms.new_phone()
        response = self.agent.post("/agent/services/waste-container/send", {
            "csrf": self.agent.csrf, "mobile": phone, "lang": "en", "case": number})
        self.assertEqual(response.status, 303)
        events = stack.sql(
            "SELECT e.kind, e.actor_id, e.is_public, e.note FROM case_events e"
            " JOIN cases c ON c.id = e.case_id WHERE c.number = @p1"
            " AND e.kind = 'procedure'", number)
        self.assertEqual(events, [["procedure", self.agent.staff["id"], "0",
                                   "waste-container"]])
        self.assertEqual(stack.count("sms_outbox", "to_number = @p1 AND case_id ="
                                     " (SELECT id FROM cases WHERE number = @p2)",
                                     phone, number), 1)

    def test_send_bad_inputs_keep_form(self):
        unknown_case = stack.with_check_digit("9999999")
        cases = [
            ({}, "mobile", "Directory.Send.NeedOne"),
            ({"mobile": "12345"}, "mobile", "Err.Mobile"),
            ({"email": "not an address"}, "email", "Err.Email"),
            ({"mobile": "91234567", "case": unknown_case}, "case",
             "Directory.Send.NoCase"),
            ({"mobile": "91234567", "case": "123"}, "case", "Err.CaseNumber"),
            ({"mobile": "91234567", "lang": "fr"}, "lang", "Err.Choice"),
        ]
        for lang in ("ar", "en"):
            browser = stack.StaffBrowser("agent", lang=lang)
            for values, field, key in cases:
                with self.subTest(lang=lang, field=field, key=key):
                    fields = {"csrf": browser.csrf, "lang": "en"}
                    fields.update(values)
                    before = sent_rows()
                    page = browser.post("/agent/services/tent-permit/send", fields)
                    self.assertEqual(page.status, 422)
                    self.assertEqual(stack.field_error(page, field),
                                     stack.message(lang, key))
                    for name, value in values.items():
                        # A radio button cannot show a choice it lacks.
                        if name != "lang":
                            self.assertEqual(stack.form_value(page, name), value)
                    self.assertEqual(sent_rows(), before, "something was queued")

    def test_send_unknown_service_404(self):
        response = self.agent.post("/agent/services/no-such-service/send", {
            "csrf": self.agent.csrf, "mobile": "91234567", "lang": "en"})
        self.assertEqual(response.status, 404)

    def test_send_csrf_rejected(self):
        for csrf in (None, "", "A" * 43):
            fields = {"mobile": "91234567", "lang": "en"}
            if csrf is not None:
                fields["csrf"] = csrf
            before = sent_rows()
            response = self.agent.post("/agent/services/waste-container/send", fields)
            self.assertEqual(response.status, 403)
            self.assertEqual(sent_rows(), before)


class EditTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.admin = stack.StaffBrowser("admin")

    def create(self, browser=None, **values):
        browser = browser or self.admin
        code = values.pop("code", None) or new_code()
        fields = valid_service(code=code, csrf=browser.csrf, **values)
        return code, browser.post("/agent/services", fields)

    def edit_fields(self, code, browser=None):
        """Returns the edit form's fields as the page shows them."""
        browser = browser or self.admin
        page = browser.get("/agent/services/%s/edit" % code)
        self.assertEqual(page.status, 200)
        fields = {"csrf": browser.csrf,
                  "version": stack.hidden_fields(page)["version"]}
        for name in ("directorate",) + SERVICE_COLUMNS + ("internal_notes", "ivr_rank"):
            fields[name] = stack.form_value(page, name)
        for name in ("requestable", "active"):
            if re.search(r'name="%s" value="1" checked' % name, page.text):
                fields[name] = "1"
        return fields

    def test_two_edits_kept_in_history(self):
        code, response = self.create()
        self.assertEqual(response.status, 303)
        self.assertEqual(response.header("Location"), "/agent/services/%s?saved=1" % code)

        fields = self.edit_fields(code)
        self.assertEqual(fields["version"], "1")
        fields["fees_en"] = "6 Omani rials"
        self.assertEqual(self.admin.post("/agent/services/%s/edit" % code, fields).status, 303)

        fields = self.edit_fields(code)
        self.assertEqual(fields["version"], "2")
        fields["steps_ar"] = "الخطوة الأولى\nالخطوة الثانية\nالخطوة الثالثة"
        fields["directorate"] = "parks"
        self.assertEqual(self.admin.post("/agent/services/%s/edit" % code, fields).status, 303)

        row = service(code)
        self.assertEqual(row["version"], "3")
        self.assertEqual(row["fees_en"], "6 Omani rials")
        self.assertEqual(lines(row["steps_ar"]), ["الخطوة الأولى", "الخطوة الثانية",
                                                  "الخطوة الثالثة"])

        versions = history(code)
        self.assertEqual([v[0] for v in versions], ["1", "2", "3"])
        for version in versions:
            self.assertEqual(version[1], self.admin.staff["id"])
            self.assertRegex(version[2], r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")
        snapshot = stack.sql(
            "SELECT JSON_VALUE(h.snapshot, '$.fees_en') FROM service_history h"
            " JOIN services s ON s.id = h.service_id WHERE s.code = @p1"
            " AND h.version = 1", code)[0][0]
        self.assertEqual(snapshot, "5 Omani rials")

        page = self.admin.get("/agent/services/%s/history" % code)
        self.assertEqual(page.status, 200)
        self.assertEqual(re.findall(r'data-version="(\d+)"', page.text), ["3", "2", "1"])
        authors = re.findall(r'<span class="author">[^(]*\(<span dir="ltr">([^<]*)</span>\)',
                             page.text)
        self.assertEqual(authors, [self.admin.staff["username"]] * 3)
        changed = re.findall(r'<tr data-field="([^"]+)">', page.text)
        self.assertEqual(changed, ["directorate_id", "steps_ar", "fees_en"])
        self.assertIn("6 Omani rials", page.text)
        self.assertIn("5 Omani rials", page.text)

        # The directorate shows by name in the page's language.
        names = stack.sql("SELECT name_en FROM directorates WHERE code IN"
                          " ('licences', 'parks') ORDER BY code = 'parks'")
        row = re.search(r'<tr data-field="directorate_id">(.*?)</tr>', page.text).group(1)
        cells = [html.unescape(c) for c in re.findall(r'<td[^>]*>([^<]*)</td>', row)]
        self.assertEqual(cells, [names[0][0], names[1][0]])

        # Everyone with a login reads the history, including agents.
        agent = stack.StaffBrowser("agent")
        self.assertEqual(agent.get("/agent/services/%s/history" % code).status, 200)

    def test_seed_history_version_one(self):
        rows = stack.sql("SELECT COUNT(*), SUM(h.version = 1 AND h.staff_id IS NULL)"
                         " FROM service_history h JOIN services s ON s.id = h.service_id"
                         " WHERE s.code = 'rent-contract'")
        self.assertEqual(rows[0][1], "1")
        page = self.admin.get("/agent/services/rent-contract/history")
        self.assertEqual(page.status, 200)
        self.assertIn(stack.message("en", "Directory.History.Seed"), page.text)

    def test_stale_version_refused(self):
        code, response = self.create()
        self.assertEqual(response.status, 303)
        first = self.edit_fields(code)
        second = self.edit_fields(code)
        first["name_en"] = "First editor's name"
        self.assertEqual(self.admin.post("/agent/services/%s/edit" % code, first).status, 303)
        before = service(code)
        versions = history(code)
        second["name_en"] = "Second editor's name"
        page = self.admin.post("/agent/services/%s/edit" % code, second)
        self.assertEqual(page.status, 409)
        self.assertEqual(stack.form_error(page),
                         stack.message("en", "Directory.Edit.Conflict"))
        self.assertEqual(stack.form_value(page, "name_en"), "Second editor's name")
        self.assertEqual(service(code), before)
        self.assertEqual(history(code), versions)

    def test_bad_inputs_keep_form(self):
        cases = [
            ({"name_ar": ""}, "name_ar", "Err.Required", None),
            ({"name_en": "x" * 201}, "name_en", "Err.TooLong", 200),
            ({"code": "Bad Code"}, "code", "Directory.Edit.BadCode", None),
            ({"code": "-bad-"}, "code", "Directory.Edit.BadCode", None),
            ({"code": "new"}, "code", "Directory.Edit.BadCode", None),
            ({"ivr_rank": "12"}, "ivr_rank", "Directory.Edit.BadRank", None),
            ({"requestable": "1"}, "category", "Directory.Edit.NeedCategory", None),
            ({"directorate": "nowhere"}, "directorate", "Err.Choice", None),
            ({"code": "rent-contract"}, "code", "Directory.Edit.CodeTaken", None),
            ({"ivr_rank": "1"}, "ivr_rank", "Directory.Edit.RankTaken", None),
        ]
        for lang in ("ar", "en"):
            browser = stack.StaffBrowser("admin", lang=lang)
            for values, field, key, limit in cases:
                with self.subTest(lang=lang, field=field, key=key):
                    counts = (stack.count("services"), stack.count("service_history"))
                    code, page = self.create(browser, **values)
                    self.assertIn(page.status, (422,))
                    self.assertEqual(stack.field_error(page, field),
                                     stack.message(lang, key, limit))
                    self.assertEqual(stack.form_value(page, "description_ar"),
                                     valid_service()["description_ar"])
                    for name, value in values.items():
                        # A list cannot show a choice it lacks.
                        if (name, value) not in (("requestable", "1"),
                                                 ("directorate", "nowhere")):
                            self.assertEqual(stack.form_value(page, name), value)
                    self.assertEqual((stack.count("services"),
                                      stack.count("service_history")), counts)

    def test_rank_taken_by_concurrent_save(self):
        """Two saves of one free IVR rank at once: both pass the check
        before the write, and the second write hits the unique key. It
        must get the 422 "taken" message with its text kept, not a 500.
        A transaction of another client keeps the rank uncommitted until
        the request waits on its lock, which makes the race certain."""
        free = stack.sql("SELECT MIN(n) FROM (SELECT 1 n UNION SELECT 2 UNION SELECT 3"
                         " UNION SELECT 4 UNION SELECT 5 UNION SELECT 6 UNION SELECT 7"
                         " UNION SELECT 8 UNION SELECT 9) d WHERE n NOT IN"
                         " (SELECT ivr_rank FROM services WHERE ivr_rank IS NOT NULL)")[0][0]
        self.assertNotEqual(free, "NULL", "no free IVR rank to race for")

        first, response = self.create()
        self.assertEqual(response.status, 303)
        second, response = self.create()
        self.assertEqual(response.status, 303)

        fields = self.edit_fields(second)
        fields["ivr_rank"] = free
        fields["name_en"] = "Typed while racing"
        before = service(second)

        other = subprocess.Popen(
            ["mariadb", "--no-defaults", "-S", stack.SOCKET, "-u", "root", "-N", "-B",
             "tawasul"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
        try:
            other.stdin.write(("BEGIN; UPDATE services SET ivr_rank = %d WHERE code = '%s';\n"
                               % (int(free), first)).encode())
            other.stdin.flush()
            for _ in range(600):
                if stack.sql("SELECT COUNT(*) FROM information_schema.INNODB_TRX"
                             " WHERE trx_rows_modified > 0")[0][0] != "0":
                    break
                time.sleep(0.05)

            result = {}
            post = threading.Thread(target=lambda: result.update(page=self.admin.post(
                "/agent/services/%s/edit" % second, fields)))
            post.start()
            waited = False
            for _ in range(600):
                waited = stack.sql("SELECT COUNT(*) FROM information_schema.PROCESSLIST"
                                   " WHERE INFO LIKE 'UPDATE services SET directorate_id%'"
                                   )[0][0] != "0"
                if waited or not post.is_alive():
                    break
                time.sleep(0.05)
            self.assertTrue(waited, "the save never waited on the held rank: %s"
                            % (result["page"].status if "page" in result else "running"))

            other.stdin.write(b"COMMIT;\n")
            other.stdin.close()
            other.wait()
            post.join()

            page = result["page"]
            self.assertEqual(page.status, 422)
            self.assertEqual(stack.field_error(page, "ivr_rank"),
                             stack.message("en", "Directory.Edit.RankTaken"))
            self.assertEqual(stack.form_value(page, "name_en"), "Typed while racing")
            self.assertEqual(service(second), before)
            self.assertEqual(len(history(second)), 1)
        finally:
            if other.poll() is None:
                other.kill()
            stack.sql("UPDATE services SET ivr_rank = NULL WHERE code IN (@p1, @p2)",
                      first, second)

    def test_edit_route_never_creates(self):
        """POST /agent/services/CODE/edit saves a stored service only: an
        unknown code is 404 whatever the version, and version 0 of a
        stored one is rejected with the form kept."""
        code = new_code()
        for version in ("0", "1", ""):
            with self.subTest(version=version):
                fields = valid_service(csrf=self.admin.csrf, version=version)
                before = stack.count("services")
                page = self.admin.post("/agent/services/%s/edit" % code, fields)
                self.assertEqual(page.status, 404)
                self.assertIsNone(service(code))
                self.assertEqual(stack.count("services"), before)
        stored, response = self.create()
        fields = self.edit_fields(stored)
        fields["version"] = "0"
        fields["fees_en"] = "Typed fee"
        page = self.admin.post("/agent/services/%s/edit" % stored, fields)
        self.assertEqual(page.status, 422)
        self.assertEqual(stack.form_error(page),
                         stack.message("en", "Directory.Edit.NoVersion"))
        self.assertEqual(stack.form_value(page, "fees_en"), "Typed fee")
        self.assertEqual(len(history(stored)), 1)

    def test_bad_edit_keeps_form_and_version(self):
        code, response = self.create()
        fields = self.edit_fields(code)
        fields["name_ar"] = ""
        fields["fees_en"] = "Changed fee"
        page = self.admin.post("/agent/services/%s/edit" % code, fields)
        self.assertEqual(page.status, 422)
        self.assertEqual(stack.field_error(page, "name_ar"),
                         stack.message("en", "Err.Required"))
        self.assertEqual(stack.form_value(page, "fees_en"), "Changed fee")
        self.assertEqual(stack.hidden_fields(page)["version"], "1")
        self.assertEqual(service(code)["fees_en"], "5 Omani rials")
        self.assertEqual(len(history(code)), 1)

    def test_agent_can_send_but_not_edit(self):
        agent = stack.StaffBrowser("agent")
        page = agent.get("/agent/services/tent-permit")
        self.assertEqual(page.status, 200)
        self.assertIsNotNone(stack.attribute(page, "send-form", "action"))
        self.assertIsNone(stack.attribute(page, "edit-link", "href"))
        self.assertEqual(agent.get("/agent/services/tent-permit/edit").status, 403)
        self.assertEqual(agent.get("/agent/services/new").status, 403)
        before = service("tent-permit")
        fields = valid_service(csrf=agent.csrf, version=before["version"])
        self.assertEqual(agent.post("/agent/services/tent-permit/edit", fields).status, 403)
        code = new_code()
        fields["code"] = code
        self.assertEqual(agent.post("/agent/services", fields).status, 403)
        self.assertEqual(service("tent-permit"), before)
        self.assertIsNone(service(code))
        admin_page = self.admin.get("/agent/services/tent-permit")
        self.assertIsNotNone(stack.attribute(admin_page, "edit-link", "href"))
        # Administrators keep the directory but do not talk to callers.
        self.assertIsNone(stack.attribute(admin_page, "send-form", "action"))

    def test_edit_csrf_rejected(self):
        before = service("tent-permit")
        fields = valid_service(version=before["version"])
        for csrf in (None, "", "A" * 43):
            posted = dict(fields)
            if csrf is not None:
                posted["csrf"] = csrf
            response = self.admin.post("/agent/services/tent-permit/edit", posted)
            self.assertEqual(response.status, 403)
        self.assertEqual(service("tent-permit"), before)

    def test_unknown_code_404(self):
        self.assertEqual(self.admin.get("/agent/services/no-such/edit").status, 404)
        self.assertEqual(self.admin.get("/agent/services/no-such/history").status, 404)
        self.assertEqual(self.admin.get("/agent/services/no-such").status, 404)


if __name__ == "__main__":
    unittest.main()


class SendWithoutMailTest(unittest.TestCase):
    """With Mail.SmtpUrl empty, e-mail is not set up: the send form states
    this and queues nothing, and an SMS still goes."""

    CONFIG = os.path.join(stack.VAR, "tawasul.hdf")

    @classmethod
    def set_smtp_url(cls, url):
        with open(cls.CONFIG, encoding="utf-8") as f:
            config = f.read()
        config, found = re.subn(r"(?m)^  SmtpUrl =.*$", "  SmtpUrl = " + url,
                                config)
        assert found == 1
        with open(cls.CONFIG, "w", encoding="utf-8") as f:
            f.write(config)
        stack.stack_command("tw_fcgi_start agent")

    @classmethod
    def setUpClass(cls):
        with open(cls.CONFIG, encoding="utf-8") as f:
            cls.url = re.search(r"(?m)^  SmtpUrl = (.*)$", f.read()).group(1)
        cls.set_smtp_url("")
        cls.agents = {lang: stack.StaffBrowser("agent", lang=lang)
                      for lang in ("en", "ar")}

    @classmethod
    def tearDownClass(cls):
        cls.set_smtp_url(cls.url)

    def test_email_rejected_both_languages(self):
        for lang, text in (("en", "E-mail is not set up"),
                           ("ar", "البريد الإلكتروني غير مفعّل")):
            agent = self.agents[lang]
            address = "nomail%d@example.com" % next(_serial)
            response = agent.post("/agent/services/building-permit/send", {
                "csrf": agent.csrf, "email": address, "lang": lang})
            self.assertEqual(response.status, 422)
            self.assertIn(text, html.unescape(response.text))
            self.assertIn(address, html.unescape(response.text))
            self.assertEqual(stack.count("mail_outbox", "to_addr = @p1",
                                         address), 0)

    def test_sms_still_sent(self):
        phone = test_sms.new_phone()
        agent = self.agents["en"]
        response = agent.post("/agent/services/pest-control/send", {
            "csrf": agent.csrf, "mobile": phone, "lang": "en"})
        self.assertEqual(response.status, 303)
        self.assertEqual(stack.count("sms_outbox", "to_number = @p1", phone),
                         1)


class LanguageLinkTest(unittest.TestCase):
    def test_search_keeps_words_in_other_language(self):
        page = stack.Browser().get("/en/services?q=permit+%3Cb%3E")
        self.assertEqual(page.status, 200)
        link = re.search(r'<a class="lang" href="([^"]*)"', page.text)
        self.assertIsNotNone(link)
        self.assertEqual(html.unescape(link.group(1)),
                         "/ar/services?q=permit+%3Cb%3E")
        self.assertNotIn("<b>", page.text)
