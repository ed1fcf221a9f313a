"""Pages of the resident portal: language choice, direction, links to the
other language, error pages, methods, security headers and static files."""
import os
import unittest

import stack

PAGES = ("/", "/complaints/new", "/track")


class LanguageTest(unittest.TestCase):
    def assert_root_redirect(self, accept_language, expected):
        page = stack.Browser(accept_language).get("/")
        self.assertEqual(page.status, 302, "GET / with %r" % accept_language)
        self.assertEqual(page.header("Location"), expected,
                         "GET / with Accept-Language %r" % accept_language)

    def test_root_default_arabic(self):
        self.assert_root_redirect(None, "/ar/")

    def test_root_english_accepted(self):
        self.assert_root_redirect("en-US,en;q=0.9", "/en/")

    def test_root_arabic_over_french(self):
        self.assert_root_redirect("fr, ar;q=0.5", "/ar/")

    def test_root_varies_by_language(self):
        page = stack.Browser().get("/")
        self.assertIn("Accept-Language", page.header("Vary") or "")

    def test_arabic_right_to_left(self):
        page = stack.Browser().get("/ar/")
        self.assertEqual(page.status, 200)
        self.assertIn('<html lang="ar" dir="rtl">', page.text)

    def test_english_left_to_right(self):
        page = stack.Browser().get("/en/")
        self.assertEqual(page.status, 200)
        self.assertIn('<html lang="en" dir="ltr">', page.text)

    def test_language_link_every_page(self):
        browser = stack.Browser()
        for lang, other in (("ar", "en"), ("en", "ar")):
            for path in PAGES + ("/no-such-page",):
                with self.subTest(lang=lang, path=path):
                    page = browser.get("/%s%s" % (lang, path))
                    self.assertEqual(stack.language_link(page),
                                     "/%s%s" % (other, path))

    def test_language_link_targets_exist(self):
        browser = stack.Browser()
        for lang in ("ar", "en"):
            for path in PAGES:
                with self.subTest(lang=lang, path=path):
                    link = stack.language_link(browser.get("/%s%s" % (lang, path)))
                    self.assertEqual(browser.get(link).status, 200, link)


class FormPageTest(unittest.TestCase):
    def test_form_type_preselected(self):
        page = stack.Browser().get("/en/complaints/new?type=suggestion")
        self.assertEqual(stack.form_value(page, "type"), "suggestion")

    def test_form_unknown_type_ignored(self):
        page = stack.Browser().get("/ar/complaints/new?type=%3Cb%3E")
        self.assertEqual(page.status, 200)
        self.assertEqual(stack.form_value(page, "type"), "complaint")
        self.assertNotIn("<b>", page.text)


class ErrorPageTest(unittest.TestCase):
    def assert_not_found(self, page, lang):
        self.assertEqual(page.status, 404)
        self.assertIn('<html lang="%s"' % lang, page.text)
        self.assertIn(stack.message(lang, "Error.S404.Title"), page.text)
        self.assertIn(stack.message(lang, "Error.S404.Message"), page.text)

    def test_not_found_arabic(self):
        self.assert_not_found(stack.Browser().get("/ar/no-such-page"), "ar")

    def test_not_found_english(self):
        self.assert_not_found(stack.Browser().get("/en/no-such-page"), "en")

    def test_not_found_without_language(self):
        page = stack.Browser("en-GB,en;q=0.8").get("/no-such-page")
        self.assert_not_found(page, "en")

    def test_wrong_method_405(self):
        browser = stack.Browser()
        for method in ("PUT", "DELETE"):
            with self.subTest(method=method):
                page = browser.request(method, "/ar/complaints", body=b"")
                self.assertEqual(page.status, 405)
                self.assertIn("POST", page.header("Allow") or "",
                              "Allow header of a 405")
                self.assertIn(stack.message("ar", "Error.S405.Title"), page.text)

    def test_allow_lists_route_methods(self):
        # A 405 lists only the methods that the path supports.
        expected = {"/ar/complaints": "POST", "/en/track": "GET, HEAD, POST"}
        for path, allow in expected.items():
            with self.subTest(path=path):
                page = stack.Browser().request("DELETE", path)
                self.assertEqual(page.status, 405)
                self.assertEqual(page.header("Allow"), allow)

    def test_error_link_after_put(self):
        page = stack.Browser().request("PUT", "/en/complaints", body=b"")
        link = stack.language_link(page)
        self.assertEqual(stack.Browser().get(link).status, 200,
                         "language link %s of a 405 page" % link)

    def test_get_on_post_route_405(self):
        page = stack.Browser().get("/en/complaints")
        self.assertEqual(page.status, 405)
        self.assertIn(stack.message("en", "Error.S405.Title"), page.text)


class HeaderTest(unittest.TestCase):
    EXPECTED = {
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
    }

    def test_security_headers(self):
        browser = stack.Browser()
        responses = {
            "page": browser.get("/ar/"),
            "form": browser.get("/en/complaints/new"),
            "404": browser.get("/en/no-such-page"),
            "405": browser.request("DELETE", "/ar/complaints"),
            "redirect": browser.get("/"),
            "static": browser.get("/static/style.css"),
        }
        for kind, page in responses.items():
            with self.subTest(response=kind):
                for name, value in self.EXPECTED.items():
                    self.assertEqual(page.header(name), value, name)
                policy = page.header("Content-Security-Policy") or ""
                self.assertIn("default-src 'self'", policy)
                self.assertIn("frame-ancestors 'none'", policy)

    def test_pages_not_cached(self):
        page = stack.Browser().get("/ar/complaints/new")
        self.assertEqual(page.header("Cache-Control"), "no-store")

    def test_html_content_type(self):
        page = stack.Browser().get("/en/")
        self.assertEqual(page.header("Content-Type"), "text/html; charset=utf-8")


class StaticTest(unittest.TestCase):
    def test_stylesheet_served(self):
        page = stack.Browser().get("/static/style.css")
        with open(os.path.join(stack.TOP, "static", "style.css"), "rb") as css:
            expected = css.read()
        self.assertEqual(page.status, 200)
        self.assertTrue(page.header("Content-Type").startswith("text/css"),
                        page.header("Content-Type"))
        self.assertEqual(page.body, expected, "body differs from static/style.css")

    def test_head_page(self):
        browser = stack.Browser()
        full = browser.get("/en/")
        head = browser.request("HEAD", "/en/")
        self.assertEqual(head.status, 200)
        self.assertEqual(head.body, b"", "HEAD returned a body")
        self.assertEqual(head.header("Content-Length"), str(len(full.body)))

    def test_head_static(self):
        head = stack.Browser().request("HEAD", "/static/style.css")
        self.assertEqual(head.status, 200)
        self.assertEqual(head.body, b"")


if __name__ == "__main__":
    unittest.main()


class FieldNameTest(unittest.TestCase):
    def test_empty_name_part_rejected(self):
        # ClearSilver cannot store "a..b" and would log the raw value.
        for query in ("mobile..=1", ".x=1", "x.=1", "a%2E%2Eb=1"):
            with self.subTest(query=query):
                page = stack.Browser().get("/en/track?" + query)
                self.assertEqual(page.status, 400)
