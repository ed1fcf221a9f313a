"""The intranet queue and search with 200,000 synthetic cases.

bench/seed-cases fills the test stack's database up to SCALE_CASES
cases. Then the supervisor's queue must agree with SQL on the counts,
the FULLTEXT search, a mobile search and the cursor pages. The seed
takes most of the run time; the module is skipped when the environment
variable TW_SCALE is "0". The seeded cases stay in the database for
the modules that run after this one.
"""
import os
import subprocess
import sys
import time
import unittest
import urllib.parse

import stack

SCALE_CASES = 200000
PAGE_SIZE = 50  # PAGE_SIZE of cgi-bin/agent.c
STATUSES = ("new", "registered", "assigned", "in_progress", "resolved",
            "closed", "reopened", "referred", "rejected")
# A word of the seed's descriptions of potholes, and the boolean-mode
# expression that lib/queue.c makes of it.
ARABIC_WORD = "حفرة"
ARABIC_EXPRESSION = "+حفرة*"


def seed_cases():
    """Adds synthetic cases until the database has SCALE_CASES, writes
    bench/seed-cases' summary to stderr, and returns the largest case id
    from before the seed (0 when the database already had enough)."""
    last_id = int(stack.sql("SELECT COALESCE(MAX(id), 0) FROM cases")[0][0])
    missing = SCALE_CASES - stack.count("cases")
    if missing <= 0:
        return 0
    started = time.monotonic()
    result = subprocess.run(
        [os.path.join(stack.TOP, "bench", "seed-cases"), str(missing)],
        env=dict(os.environ, TW_VAR=stack.VAR), capture_output=True,
        text=True)
    if result.returncode != 0:
        raise AssertionError("bench/seed-cases failed: %s" % result.stderr)
    sys.stderr.write("%s(bench/seed-cases %d: %.1f s)\n" % (
        result.stdout, missing, time.monotonic() - started))
    return last_id


def next_path(page):
    """Returns the path of the next-page link, or None."""
    return stack.attribute(page, "next-page", "href")


def queue(browser, **params):
    return browser.get("/agent/cases?" + urllib.parse.urlencode(params))


def newest_numbers(where="1", offset=0, limit=PAGE_SIZE, order="DESC"):
    """Returns case numbers in the queue's newest-first order (oldest
    first with order="ASC")."""
    return [row[0] for row in stack.sql(
        "SELECT number FROM cases WHERE %s ORDER BY created_at %s, id %s"
        " LIMIT %d OFFSET %d" % (where, order, order, limit, offset))]


class ScaleTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if os.environ.get("TW_SCALE", "1") == "0":
            raise unittest.SkipTest("TW_SCALE is 0")
        cls.before_seed = seed_cases()
        cls.browser = stack.StaffBrowser("supervisor")

    def get(self, **params):
        page = queue(self.browser, **params)
        self.assertEqual(page.status, 200, "GET /agent/cases %s" % params)
        return page

    def test_seed_reached_scale(self):
        self.assertGreaterEqual(stack.count("cases"), SCALE_CASES)

    def test_total_count_matches_sql(self):
        page = self.get()
        self.assertEqual(int(stack.element_text(page, "count-all")),
                         stack.count("cases"))

    def test_status_counts_match_sql(self):
        page = self.get()
        for status in STATUSES:
            with self.subTest(status=status):
                self.assertEqual(
                    int(stack.element_text(page, "count-" + status)),
                    stack.count("cases", "status = @p1", status))

    def test_status_filter_rows(self):
        page = self.get(status="in_progress")
        numbers = stack.queue_numbers(page)
        self.assertEqual(numbers, newest_numbers("status = 'in_progress'"))

    def test_arabic_word_count_matches_fulltext(self):
        page = self.get(q=ARABIC_WORD)
        expected = stack.count(
            "cases", "MATCH (location, description) AGAINST"
            " (@p1 IN BOOLEAN MODE)", ARABIC_EXPRESSION)
        self.assertGreater(expected, PAGE_SIZE)
        self.assertEqual(int(stack.element_text(page, "count-all")), expected)

    def test_arabic_word_rows_contain_word(self):
        page = self.get(q=ARABIC_WORD)
        numbers = stack.queue_numbers(page)
        self.assertEqual(len(numbers), PAGE_SIZE)
        for number in numbers:
            location, description = stack.sql(
                "SELECT IFNULL(location, ''), description FROM cases"
                " WHERE number = @p1", number)[0]
            with self.subTest(number=number):
                self.assertTrue(ARABIC_WORD in description or
                                ARABIC_WORD in location,
                                "%s: %s / %s" % (number, location, description))

    def test_arabic_word_rows_are_newest_matches(self):
        page = self.get(q=ARABIC_WORD)
        where = ("MATCH (location, description) AGAINST ('%s' IN BOOLEAN MODE)"
                 % ARABIC_EXPRESSION)
        self.assertEqual(stack.queue_numbers(page), newest_numbers(where))

    def test_mobile_in_arabic_indic_digits(self):
        # A seeded resident with several cases, all on the first page.
        customer, mobile, cases = stack.sql(
            "SELECT u.id, u.mobile, COUNT(*) FROM customers u"
            " JOIN cases c ON c.customer_id = u.id"
            " WHERE u.mobile LIKE '+968%' GROUP BY u.id"
            " HAVING COUNT(*) BETWEEN 3 AND @p1"
            " ORDER BY COUNT(*) DESC, u.id LIMIT 1", PAGE_SIZE)[0]
        page = self.get(q=stack.arabic_indic(mobile[4:]))
        expected = [row[0] for row in stack.sql(
            "SELECT number FROM cases WHERE customer_id = @p1"
            " ORDER BY created_at DESC, id DESC", customer)]
        self.assertEqual(len(expected), int(cases))
        self.assertEqual(stack.queue_numbers(page), expected)
        self.assertEqual(int(stack.element_text(page, "count-all")),
                         len(expected))

    def test_next_page_links_newest(self):
        page = self.get()
        self.assertEqual(stack.queue_numbers(page), newest_numbers())
        followed = []
        for _ in range(3):
            path = next_path(page)
            self.assertIsNotNone(path, "no next-page link")
            page = self.browser.get(path)
            self.assertEqual(page.status, 200, path)
            followed += stack.queue_numbers(page)
        self.assertEqual(len(set(followed)), 3 * PAGE_SIZE)
        self.assertEqual(followed,
                         newest_numbers(offset=PAGE_SIZE, limit=3 * PAGE_SIZE))

    def test_next_page_links_oldest_closed(self):
        page = self.get(status="closed", sort="oldest")
        rows = stack.queue_numbers(page)
        for _ in range(3):
            path = next_path(page)
            self.assertIsNotNone(path, "no next-page link")
            page = self.browser.get(path)
            self.assertEqual(page.status, 200, path)
            rows += stack.queue_numbers(page)
        self.assertEqual(len(set(rows)), 4 * PAGE_SIZE)
        self.assertEqual(rows, newest_numbers(
            "status = 'closed'", limit=4 * PAGE_SIZE, order="ASC"))

    def test_seeded_case_tracks(self):
        # The portal parses the number with lib/casenum.c, which rejects
        # a wrong check digit, so this checks the seed's Damm digits.
        number, mobile = stack.sql(
            "SELECT c.number, u.mobile FROM cases c"
            " JOIN customers u ON u.id = c.customer_id"
            " WHERE c.id > @p1 ORDER BY c.id DESC LIMIT 1",
            self.before_seed)[0]
        browser = stack.Browser()
        fields = stack.open_form(browser, "/en/track")
        fields.update(number=number, mobile=mobile[4:])
        page = browser.post("/en/track", fields)
        self.assertEqual(page.status, 200)
        self.assertIsNotNone(stack.attribute(page, "case-status", "data-status"))


if __name__ == "__main__":
    unittest.main()
