"""Rejected complaints: each invalid input gets a 4xx status, a message in
the page's language, a form that keeps what was typed, and no rows."""
import base64
import hashlib
import hmac
import html
import os
import time
import unittest
import urllib.parse

import stack


def sign_form_token(issued):
    """Returns a form token issued at Unix time issued, signed with the
    stack's key as lib/token.c does: NONCE.ISSUED.MAC."""
    head = "%s.%d" % (os.urandom(16).hex(), issued)
    mac = hmac.new(stack.secret().encode(), b"form\0" + head.encode(),
                   hashlib.sha256).digest()
    return head + "." + base64.urlsafe_b64encode(mac).decode().rstrip("=")


class RejectionTest(unittest.TestCase):
    """Posts a complaint with some values changed and checks that it was
    rejected cleanly."""

    def post(self, lang, values=None, drop=(), hidden=None, body_suffix=None,
             clear_cookies=False):
        """Posts the complaint form and returns the page, the typed fields
        and the row counts before and after."""
        browser = stack.Browser()
        fields = stack.open_form(browser, "/%s/complaints/new" % lang)
        if clear_cookies:
            browser.jar.clear()
        fields.update(hidden or {})
        typed = stack.valid_complaint(**(values or {}))
        for name in drop:
            typed.pop(name, None)
            fields.pop(name, None)
        fields.update(typed)
        fields = {k: v for k, v in fields.items() if v is not None}
        before = stack.row_counts()
        if body_suffix is None:
            page = browser.post("/%s/complaints" % lang, fields)
        else:
            body = urllib.parse.urlencode(fields) + body_suffix
            page = browser.request(
                "POST", "/%s/complaints" % lang, body=body.encode("ascii"),
                headers={"Content-Type": "application/x-www-form-urlencoded"})
        return page, typed, before, stack.row_counts()

    def assert_nothing_written(self, before, after):
        self.assertEqual(after, before, "row counts changed by a rejected post")

    def assert_kept(self, page, typed, not_shown=()):
        for name, value in typed.items():
            if name in not_shown:
                continue
            self.assertEqual(stack.form_value(page, name), value,
                             "form keeps the typed %s" % name)

    def assert_rejected(self, lang, field, key, n=None, status=422,
                        not_shown=(), **options):
        """Posts and checks status, the message next to field, the kept
        values and that no rows were written. Returns the page."""
        page, typed, before, after = self.post(lang, **options)
        self.assertEqual(page.status, status)
        self.assertIn('<html lang="%s"' % lang, page.text)
        self.assertEqual(stack.field_error(page, field),
                         stack.message(lang, key, n),
                         "message next to %s" % field)
        self.assertIn(field, stack.error_links(page), "error summary links")
        self.assert_kept(page, typed, not_shown)
        self.assert_nothing_written(before, after)
        return page

    def assert_forbidden(self, lang, key, **options):
        """Posts and checks a 403 with the form-wide message key."""
        page, typed, before, after = self.post(lang, **options)
        self.assertEqual(page.status, 403)
        self.assertIn('<html lang="%s"' % lang, page.text)
        self.assertEqual(stack.form_error(page), stack.message(lang, key))
        self.assert_kept(page, typed)
        self.assert_nothing_written(before, after)
        return page


class RequiredFieldTest(RejectionTest):
    def test_missing_type(self):
        self.assert_rejected("ar", "type", "Err.Required", drop=("type",),
                             not_shown=("type",))

    def test_missing_category(self):
        self.assert_rejected("en", "category", "Err.Required", drop=("category",))

    def test_missing_wilayat(self):
        self.assert_rejected("ar", "wilayat", "Err.Required", drop=("wilayat",))

    def test_missing_description(self):
        self.assert_rejected("en", "description", "Err.Required",
                             drop=("description",))

    def test_blank_description(self):
        self.assert_rejected("ar", "description", "Err.Required",
                             values={"description": "  \n\t  "})

    def test_missing_name(self):
        self.assert_rejected("ar", "name", "Err.Required", drop=("name",))

    def test_missing_mobile(self):
        self.assert_rejected("en", "mobile", "Err.Required", drop=("mobile",))


class TextLengthTest(RejectionTest):
    def test_description_too_short(self):
        description = "حفرة هنا."
        self.assertEqual(len(description), 9)
        self.assert_rejected("ar", "description", "Err.TooShort", 10,
                             values={"description": description})

    def test_description_too_long(self):
        description = "ب" * 4001
        self.assert_rejected("ar", "description", "Err.TooLong", 4000,
                             values={"description": description})

    def test_location_too_long(self):
        self.assert_rejected("ar", "location", "Err.TooLong", 200,
                             values={"location": "شارع " * 40 + "س"})

    def test_name_too_long(self):
        self.assert_rejected("en", "name", "Err.TooLong", 100,
                             values={"name": "S" * 101})


class MobileTest(RejectionTest):
    def test_mobile_landline(self):
        self.assert_rejected("ar", "mobile", "Err.Mobile",
                             values={"mobile": "24123456"})

    def test_mobile_seven_digits(self):
        self.assert_rejected("en", "mobile", "Err.Mobile",
                             values={"mobile": "9123456"})

    def test_mobile_uae(self):
        self.assert_rejected("ar", "mobile", "Err.Mobile",
                             values={"mobile": "+971 50 123 4567"})

    def test_mobile_letters(self):
        self.assert_rejected("en", "mobile", "Err.Mobile",
                             values={"mobile": "9123abcd"})

    def test_mobile_empty(self):
        self.assert_rejected("ar", "mobile", "Err.Required", values={"mobile": ""})


class ChoiceTest(RejectionTest):
    def test_invalid_email(self):
        self.assert_rejected("en", "email", "Err.Email",
                             values={"email": "salim@"})

    def test_unknown_category(self):
        self.assert_rejected("ar", "category", "Err.Choice",
                             values={"category": "volcano"},
                             not_shown=("category",))

    def test_unknown_wilayat(self):
        self.assert_rejected("en", "wilayat", "Err.Choice",
                             values={"wilayat": "dubai"},
                             not_shown=("wilayat",))

    def test_unknown_type(self):
        self.assert_rejected("ar", "type", "Err.Choice", values={"type": "praise"},
                             not_shown=("type",))


class CoordinatesTest(RejectionTest):
    def test_only_latitude(self):
        self.assert_rejected("ar", "lat", "Err.CoordsHalf",
                             values={"lat": "23.6", "lon": ""})

    def test_only_longitude(self):
        self.assert_rejected("en", "lat", "Err.CoordsHalf",
                             values={"lat": "", "lon": "58.4"})

    def test_swapped_coordinates(self):
        self.assert_rejected("ar", "lat", "Err.CoordsSwapped",
                             values={"lat": "58.4", "lon": "23.6"})

    def test_outside_service_area(self):
        self.assert_rejected("en", "lat", "Err.CoordsOutside",
                             values={"lat": "25.2", "lon": "55.3"})

    def test_latitude_not_a_number(self):
        self.assert_rejected("ar", "lat", "Err.Number",
                             values={"lat": "شمال", "lon": "58.4"})

    def test_longitude_not_a_number(self):
        self.assert_rejected("en", "lon", "Err.Number",
                             values={"lat": "23.6", "lon": "east"})

    def test_latitude_beyond_pole(self):
        self.assert_rejected("en", "lat", "Err.CoordsInvalid",
                             values={"lat": "95.5", "lon": "58.4"})


class EncodingTest(RejectionTest):
    def test_invalid_utf8_description(self):
        suffix = "&description=" + urllib.parse.quote("حفرة عميقة ") + "%FF%FE" + \
            urllib.parse.quote(" في الطريق")
        self.assert_rejected("ar", "description", "Err.Encoding",
                             drop=("description",), body_suffix=suffix)

    def test_nul_byte_description(self):
        # A NUL must reject the text, not cut it at the NUL.
        suffix = "&description=" + urllib.parse.quote("Deep pothole near") + \
            "%00" + urllib.parse.quote(" the school gate")
        self.assert_rejected("en", "description", "Err.Encoding",
                             drop=("description",), body_suffix=suffix)

    def test_script_tag_shown_escaped(self):
        description = "<script>alert(1)</script> broken pavement"
        page = self.assert_rejected("en", "name", "Err.Required", drop=("name",),
                                    values={"description": description})
        self.assertNotIn("<script>alert", page.text, "description rendered as markup")
        self.assertIn(html.escape(description), page.text)

    def test_quotes_shown_escaped(self):
        name = 'Salim "Abu Said" & <Sons>'
        page = self.assert_rejected("en", "mobile", "Err.Mobile",
                                    values={"name": name, "mobile": "123"})
        self.assertIn('value="%s"' % html.escape(name), page.text)


class TokenTest(RejectionTest):
    def test_missing_csrf_field(self):
        self.assert_forbidden("ar", "Err.Csrf", drop=("csrf",))

    def test_wrong_csrf_field(self):
        self.assert_forbidden("en", "Err.Csrf", hidden={"csrf": "A" * 43})

    def test_missing_cookie(self):
        page = self.assert_forbidden("ar", "Err.Csrf", clear_cookies=True)
        cookies = page.headers.get_all("Set-Cookie") or []
        self.assertTrue(any(c.startswith("tw_csrf=") for c in cookies),
                        "a new CSRF cookie is set")

    def test_csrf_from_other_session(self):
        fields = stack.open_form(stack.Browser(), "/en/complaints/new")
        self.assert_forbidden("en", "Err.Csrf", hidden={"csrf": fields["csrf"]})

    def test_hidden_fields_not_listed(self):
        page, _, _, _ = self.post("en", drop=("csrf", "form_token"))
        self.assertEqual(page.status, 403)
        links = stack.error_links(page)
        self.assertNotIn("csrf", links, "error summary links to a hidden field")
        self.assertNotIn("form_token", links,
                         "error summary links to a hidden field")

    def test_missing_form_token(self):
        self.assert_forbidden("en", "Err.FormToken", drop=("form_token",))

    def test_form_token_wrong_mac(self):
        token = sign_form_token(int(time.time()))
        last = "A" if token[-1] != "A" else "B"
        self.assert_forbidden("ar", "Err.FormToken", hidden={"form_token": token[:-1] + last})

    def test_form_token_altered_time(self):
        nonce, issued, mac = sign_form_token(int(time.time()) - 2 * 86400).split(".")
        token = "%s.%d.%s" % (nonce, int(issued) + 2 * 86400, mac)
        self.assert_forbidden("en", "Err.FormToken", hidden={"form_token": token})

    def test_form_token_expired(self):
        token = sign_form_token(int(time.time()) - 25 * 3600)
        self.assert_forbidden("ar", "Err.FormToken", hidden={"form_token": token})

    def test_form_token_future(self):
        token = sign_form_token(int(time.time()) + 3600)
        self.assert_forbidden("en", "Err.FormToken", hidden={"form_token": token})

    def test_form_token_signed_now_accepted(self):
        # This control shows that sign_form_token makes valid tokens, so the
        # rejections above come from the age or the MAC alone.
        browser = stack.Browser()
        fields = stack.open_form(browser, "/en/complaints/new")
        fields.update(stack.valid_complaint(), form_token=sign_form_token(int(time.time())))
        self.assertEqual(browser.post("/en/complaints", fields).status, 303)

    def test_token_rejection_new_token(self):
        fields = {"form_token": sign_form_token(int(time.time()) - 25 * 3600)}
        page = self.assert_forbidden("ar", "Err.FormToken", hidden=fields)
        self.assertNotEqual(stack.hidden_fields(page)["form_token"],
                            fields["form_token"], "the form gets a fresh token")


class RejectedPageTest(RejectionTest):
    def test_language_link_to_form(self):
        page, _, _, _ = self.post("ar", values={"mobile": "24123456"})
        self.assertEqual(page.status, 422)
        self.assertEqual(stack.language_link(page), "/en/complaints/new")

    def test_language_link_target_exists(self):
        page, _, _, _ = self.post("en", values={"mobile": "24123456"})
        target = stack.Browser().get(stack.language_link(page))
        self.assertEqual(target.status, 200, stack.language_link(page))


class BodySizeTest(RejectionTest):
    def test_oversized_body_413(self):
        description = "ح" * 40000
        page, _, before, after = self.post("ar", values={"description": description})
        self.assertEqual(page.status, 413)
        self.assert_nothing_written(before, after)


if __name__ == "__main__":
    unittest.main()
