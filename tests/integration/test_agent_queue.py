"""The case queue: filters, counts per status, sort orders, pages and
the search box (case numbers, mobile numbers in any form, words).

One resident's cases are made in known states, and the search box
limits most queries to that resident's mobile number, so the expected
rows come from this test's own data."""
import random
import urllib.parse
import unittest

import stack

OPEN = "('new', 'registered', 'assigned', 'in_progress', 'reopened', 'referred')"
STATUSES = ("new", "registered", "assigned", "in_progress", "resolved", "closed",
            "reopened", "referred", "rejected")
ARABIC_LETTERS = "بتثجحخدذرزسشصضطظعغفقكلمنهي"
PAGE_SIZE = 50  # PAGE_SIZE of cgi-bin/agent.c


def random_word(letters, length=8):
    return "".join(random.choice(letters) for _ in range(length))


def register(browser, **values):
    """Registers a case for a caller as staff and returns its number."""
    fields = stack.open_form(browser, "/agent/register")
    fields.update(stack.valid_complaint(lang="en", channel="phone"))
    fields.update(values)
    response = browser.post("/agent/register", fields)
    if response.status != 303:
        raise AssertionError("POST /agent/register returned %d" % response.status)
    return response.header("Location").rsplit("/", 1)[1]


def queue(browser, **params):
    return browser.get("/agent/cases?" + urllib.parse.urlencode(params))


def customer_cases(mobile, condition="1", order="c.id"):
    """Returns the numbers of a resident's cases matching an SQL condition
    on cases c, categories k and wilayats w, in the given order."""
    rows = stack.sql(
        "SELECT c.number FROM cases c JOIN customers u ON u.id = c.customer_id"
        " JOIN categories k ON k.id = c.category_id"
        " LEFT JOIN wilayats w ON w.id = c.wilayat_id"
        " WHERE u.mobile = @p1 AND %s ORDER BY %s" % (condition, order),
        "+968" + mobile)
    return [row[0] for row in rows]


class QueueTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.browser = stack.StaffBrowser("supervisor")
        cls.officer = stack.StaffBrowser("officer", "roads")
        cls.mobile = stack.new_mobile()
        cls.arabic_word = random_word(ARABIC_LETTERS)
        cls.english_word = random_word("abcdefghijklmnopqrstuvwxyz")
        mobile = cls.mobile
        cls.pothole = stack.file_case(
            "pothole", lang="ar", mobile=mobile, wilayat="seeb",
            description="حفرة عميقة %s قرب الدوار" % cls.arabic_word)
        cls.food = stack.file_case(
            "food_hygiene", mobile=mobile, wilayat="muttrah",
            description="Dirty kitchen at the %s restaurant" % cls.english_word)
        cls.light = stack.file_case("light_out", mobile=mobile, wilayat="bawshar")
        cls.bump = stack.file_case("speed_bump", mobile=mobile, wilayat="seeb")
        cls.phone = register(cls.browser, category="pothole", wilayat="amarat",
                             mobile=mobile)
        cls.walk_in = register(cls.browser, category="street_cleaning", wilayat="seeb",
                               mobile=mobile, channel="walk_in")
        cls.all = {cls.pothole, cls.food, cls.light, cls.bump, cls.phone, cls.walk_in}
        officer = cls.officer.staff["username"]
        if cls.browser.act(cls.pothole, "assign", value=officer).status != 303:
            raise AssertionError("assign %s" % cls.pothole)
        if cls.browser.act(cls.light, "reject", note="Spam.").status != 303:
            raise AssertionError("reject %s" % cls.light)
        stack.sql("UPDATE cases SET due_at = UTC_TIMESTAMP() - INTERVAL 1 HOUR"
                  " WHERE number IN (@p1, @p2)", cls.phone, cls.bump)
        stack.sql("UPDATE cases SET status = 'closed' WHERE number = @p1", cls.bump)

    def rows(self, browser=None, **params):
        page = queue(browser or self.browser, **params)
        self.assertEqual(page.status, 200, params)
        return stack.queue_numbers(page)

    def test_filters(self):
        cases = [
            ({"status": "registered"}, {self.food, self.phone, self.walk_in}),
            ({"category": "pothole"}, {self.pothole, self.phone}),
            ({"wilayat": "seeb"}, {self.pothole, self.bump, self.walk_in}),
            ({"channel": "phone"}, {self.phone}),
            ({"channel": "portal"}, {self.pothole, self.food, self.light, self.bump}),
            ({"priority": "urgent"}, {self.food}),
            ({"priority": "high"}, {self.pothole, self.phone}),
            ({"overdue": "1"}, {self.phone}),
            ({"category": "pothole", "wilayat": "seeb"}, {self.pothole}),
            ({"directorate": "health"}, {self.food}),
        ]
        for params, expected in cases:
            with self.subTest(**params):
                self.assertEqual(set(self.rows(q=self.mobile, **params)), expected)

    def test_mine(self):
        rows = self.rows(self.officer, q=self.mobile, mine="1")
        self.assertEqual(rows, [self.pothole])
        self.assertEqual(self.rows(q=self.mobile, mine="1"), [],
                         "nothing is assigned to the supervisor")

    def test_bad_filter(self):
        for params in ({"status": "lost"}, {"channel": "pigeon"}, {"priority": "top"},
                       {"after": "yesterday"}):
            with self.subTest(**params):
                self.assertEqual(queue(self.browser, **params).status, 422)

    def assert_counts(self, page, condition, *params):
        """Checks count-all and count-STATUS against SQL over the same filter."""
        rows = stack.sql(
            "SELECT c.status, COUNT(*) FROM cases c JOIN customers u ON u.id = c.customer_id"
            " JOIN categories k ON k.id = c.category_id"
            " LEFT JOIN wilayats w ON w.id = c.wilayat_id"
            " WHERE %s GROUP BY c.status" % condition, *params)
        expected = {status: int(n) for status, n in rows}
        for status in STATUSES:
            self.assertEqual(stack.element_text(page, "count-" + status),
                             str(expected.get(status, 0)), "count of %s" % status)
        self.assertEqual(stack.element_text(page, "count-all"),
                         str(sum(expected.values())))

    def test_counts_own_cases(self):
        page = queue(self.browser, q=self.mobile, status="registered")
        self.assertEqual(stack.element_text(page, "count-registered"), "3")
        self.assertEqual(stack.element_text(page, "count-assigned"), "1")
        self.assertEqual(stack.element_text(page, "count-rejected"), "1")
        self.assertEqual(stack.element_text(page, "count-closed"), "1")
        self.assertEqual(stack.element_text(page, "count-all"), "6",
                         "counts ignore the status filter")
        self.assert_counts(page, "u.mobile = @p1", "+968" + self.mobile)

    def test_counts_match_sql(self):
        for params, condition in (
                ({"category": "pothole"}, "k.code = 'pothole'"),
                ({"wilayat": "seeb", "priority": "high"},
                 "w.code = 'seeb' AND c.priority = 'high'"),
                ({"overdue": "1"}, "c.due_at < UTC_TIMESTAMP() AND c.status IN " + OPEN),
                ({}, "1")):
            with self.subTest(**params):
                self.assert_counts(queue(self.browser, **params), condition)

    def test_sort_orders(self):
        for sort, order in (("newest", "c.created_at DESC, c.id DESC"),
                            ("oldest", "c.created_at, c.id"),
                            ("due", "c.due_at, c.id")):
            with self.subTest(sort=sort):
                self.assertEqual(self.rows(q=self.mobile, sort=sort),
                                 customer_cases(self.mobile, order=order))

    def test_search_case_number(self):
        for typed in (self.food, stack.arabic_indic(self.food), "#" + self.food,
                      "%s-%s" % (self.food[:4], self.food[4:]), " %s " % self.food):
            with self.subTest(q=typed):
                self.assertEqual(self.rows(q=typed), [self.food])

    def test_search_mobile_forms(self):
        national = self.mobile
        for typed in (stack.arabic_indic(national), "+968" + national,
                      "+968 %s %s" % (national[:4], national[4:]), "00968" + national,
                      "%s %s" % (national[:4], national[4:]),
                      stack.arabic_indic("+968 " + national)):
            with self.subTest(q=typed):
                self.assertEqual(set(self.rows(q=typed)), self.all)

    def test_search_mobile_like_number(self):
        """Eight digits starting with 7 that also carry a valid check digit
        find the resident who has that mobile number. stack.new_mobile
        starts with 9, so no other test uses this number."""
        mobile = stack.with_check_digit("7%06d" % random.randrange(10 ** 6))
        while stack.count("customers", "mobile = @p1", "+968" + mobile):
            mobile = stack.with_check_digit("7%06d" % random.randrange(10 ** 6))
        self.assertEqual(self.rows(q=mobile), [], "nobody has it yet")
        number = stack.file_case("pothole", mobile=mobile)
        self.assertEqual(self.rows(q=mobile), [number])

    def test_search_unknown_mobile(self):
        mobile = stack.new_mobile()
        self.assertEqual(stack.count("customers", "mobile = @p1", "+968" + mobile), 0)
        self.assertEqual(self.rows(q=mobile), [])

    def test_search_arabic_words(self):
        self.assertEqual(self.rows(q=self.arabic_word), [self.pothole])
        self.assertEqual(self.rows(q=self.arabic_word[:5]), [self.pothole], "prefix")
        self.assertEqual(self.rows(q="عميقة " + self.arabic_word), [self.pothole])
        self.assertEqual(self.rows(q=self.arabic_word + " " + random_word(ARABIC_LETTERS)),
                         [], "every word is required")

    def test_search_english_words(self):
        self.assertEqual(self.rows(q=self.english_word), [self.food])
        self.assertEqual(self.rows(q=self.english_word.upper()), [self.food])
        self.assertEqual(self.rows(q="kitchen " + self.english_word), [self.food])
        self.assertEqual(self.rows(q='+"%s"* (x)' % self.english_word), [self.food],
                         "operators are dropped")
        self.assertEqual(self.rows(q=self.english_word, category="pothole"), [])

    def test_search_mistyped_number(self):
        mistyped = self.food[:7] + str((int(self.food[7]) + 1) % 10)
        page = queue(self.browser, q=mistyped)
        self.assertEqual(page.status, 422)
        self.assertEqual(stack.field_error(page, "q"),
                         stack.message("en", "Err.CaseNumberMistyped"))

    def test_search_short_words(self):
        page = queue(self.browser, q="ab و")
        self.assertEqual(page.status, 422)
        self.assertEqual(stack.field_error(page, "q"),
                         stack.message("en", "Agent.Queue.NoWords"))

    def test_search_punctuation(self):
        for typed in ('+-"*()\' ;', "'; DROP TABLE cases; --", '" OR 1=1 --', '"open',
                      "***", "(((", "+حفرة -", "@2 distance", "\\", "%_%", "~<>",
                      "kitchen'", "a'b c\"d", "-kitchen", "1 OR 1", "\u200f\u200e"):
            with self.subTest(q=typed):
                page = queue(self.browser, q=typed)
                self.assertIn(page.status, (200, 422))
                if page.status == 422:
                    self.assertEqual(stack.field_error(page, "q"),
                                     stack.message("en", "Agent.Queue.NoWords"))
                else:
                    self.assertIsNotNone(stack.element_text(page, "count-all"))
        self.assertIn(self.food, self.rows(q=self.food), "cases still readable")


class PagingTest(unittest.TestCase):
    """53 cases of one resident, more than a page of 50."""

    @classmethod
    def setUpClass(cls):
        cls.browser = stack.StaffBrowser("supervisor")
        cls.mobile = stack.new_mobile()
        for _ in range(PAGE_SIZE + 3):
            stack.file_case("pothole", mobile=cls.mobile)

    def walk(self, **params):
        """Follows the next-page links and returns the rows of each page."""
        pages = []
        path = "/agent/cases?" + urllib.parse.urlencode(params)
        while path and len(pages) < 5:
            page = self.browser.get(path)
            self.assertEqual(page.status, 200, path)
            pages.append(stack.queue_numbers(page))
            path = stack.attribute(page, "next-page", "href")
            if path:
                self.assertIn("status=registered" if "status" in params else "q=", path)
        return pages

    def test_pages_follow(self):
        for sort, order in (("newest", "c.created_at DESC, c.id DESC"),
                            ("oldest", "c.created_at, c.id"),
                            ("due", "c.due_at, c.id")):
            with self.subTest(sort=sort):
                pages = self.walk(q=self.mobile, sort=sort)
                self.assertEqual([len(p) for p in pages], [PAGE_SIZE, 3])
                rows = [n for p in pages for n in p]
                self.assertEqual(len(set(rows)), len(rows), "repeated rows")
                self.assertEqual(rows, customer_cases(self.mobile, order=order))

    def test_pages_keep_status(self):
        pages = self.walk(q=self.mobile, status="registered")
        rows = [n for p in pages for n in p]
        self.assertEqual(len(pages), 2)
        self.assertEqual(len(set(rows)), PAGE_SIZE + 3)


if __name__ == "__main__":
    unittest.main()
