"""Service requests with attachments, through nginx with real files.

The photos are made at test time with vips and exiftool (libvips-tools
and libimage-exiftool-perl, installed by scripts/lib.sh): a landscape
JPEG tagged as taken in portrait (EXIF orientation 6) with GPS tags, and
a HEIC photo. Each rejected file must leave the form filled in and no
row and no file behind. A valid request must be tracked by its resident
and downloaded byte for byte by the staff who may see its case."""
import atexit
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest
import uuid

import stack

ATTACH_DIR = os.path.join(stack.VAR, "attachments")
UPLOAD_TMP = os.path.join(stack.VAR, "tmp")
MAX_FILES = 5
MAX_BYTES = 5 * 1024 * 1024

PDF = (b"%PDF-1.4\n"
       b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
       b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
       b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj\n"
       b"xref\n0 4\n"
       b"trailer << /Size 4 /Root 1 0 R >>\n"
       b"startxref\n9\n"
       b"%%EOF\n")


def run(*args):
    subprocess.run(args, check=True, capture_output=True)


class Photos:
    """Photos made once per run in a temporary directory."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="tw-photos-")
        atexit.register(shutil.rmtree, self.dir, True)
        plain = self.path("plain.jpg")
        # A 300x200 landscape image with a white left half and a dark
        # right half, written as PPM, so the rotated photo can be
        # distinguished from the original.
        row = b"\xff\xff\xff" * 150 + b"\x30\x30\x30" * 150
        with open(self.path("plain.ppm"), "wb") as out:
            out.write(b"P6\n300 200\n255\n" + row * 200)
        run("vips", "copy", self.path("plain.ppm"), plain)
        self.portrait = self.path("portrait.jpg")
        run("exiftool", "-q", "-o", self.portrait, "-n", "-Orientation=6",
            "-GPSLatitude=23.588", "-GPSLatitudeRef=N", "-GPSLongitude=58.383",
            "-GPSLongitudeRef=E", "-Make=TestCam", "-Model=Phone 1", plain)
        self.heic = self.path("heic.heic")
        run("vips", "copy", plain, self.heic)
        self.png = self.path("map.png")
        run("vips", "copy", plain, self.png)
        # Taller than a SMALLINT can store, and under Attach.MaxPixels.
        run("vips", "black", self.path("tall.png"), "100", "66000")
        # 720 x 66000 has more pixels than Attach.MaxPixels allows.
        run("vips", "black", self.path("huge.png"), "720", "66000")
        # A 3000x3000 JPEG cut to 631 bytes, closed with an end marker:
        # libjpeg only warns, and would fill the missing rows grey.
        run("vips", "black", self.path("grey.v"), "3000", "3000")
        run("vips", "jpegsave", self.path("grey.v"), self.path("grey.jpg"),
            "--optimize-coding", "--strip")
        with open(self.path("cut.jpg"), "wb") as out:
            out.write(self.read("grey.jpg")[:629] + b"\xff\xd9")
        # 25 million pixels each, Attach.MaxPixels: three of them are
        # over Attach.MaxPixelsPerRequest (60 million).
        run("vips", "black", self.path("big.png"), "5000", "5000", "--bands", "3")
        # A 16-bit RGBA photo of the same size costs 8/3 as much.
        run("vips", "black", self.path("black4.v"), "5000", "5000", "--bands", "4")
        run("vips", "cast", self.path("black4.v"), self.path("black16.v"), "ushort")
        run("vips", "copy", self.path("black16.v"), self.path("rgba16.v"),
            "--interpretation", "rgb16")
        run("vips", "pngsave", self.path("rgba16.v"), self.path("rgba16.png"))

    def path(self, name):
        return os.path.join(self.dir, name)

    def read(self, name):
        with open(self.path(name), "rb") as source:
            return source.read()


_photos = None


def photos():
    global _photos
    if _photos is None:
        _photos = Photos()
    return _photos


def exif(data):
    """Returns the tags exiftool finds in data, as a dict."""
    with tempfile.NamedTemporaryFile(suffix=".bin") as handle:
        handle.write(data)
        handle.flush()
        out = subprocess.run(["exiftool", "-j", "-n", "-a", "-G1", handle.name],
                             check=True, capture_output=True)
    return json.loads(out.stdout)[0]


def multipart(fields, files):
    """Encodes fields (name: text) and files (name: (filename, bytes))
    as multipart/form-data; returns the body and its Content-Type."""
    boundary = "----tw" + uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n"
                      % (boundary, name)).encode() + value.encode("utf-8") + b"\r\n")
    for name, (filename, data) in files.items():
        # The browser's Content-Type is a lie on purpose: the server must
        # decide by the bytes.
        parts.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\";"
                      " filename=\"%s\"\r\nContent-Type: image/jpeg\r\n\r\n"
                      % (boundary, name, filename)).encode("utf-8") + data + b"\r\n")
    parts.append(("--%s--\r\n" % boundary).encode())
    return b"".join(parts), "multipart/form-data; boundary=" + boundary


def raw_multipart(boundary, parts):
    """Encodes parts, (headers line, bytes) pairs, as they are given."""
    body = b"".join(b"--%s\r\n%s\r\n\r\n%s\r\n" % (boundary.encode(), head.encode(), data)
                    for head, data in parts)
    return body + b"--%s--\r\n" % boundary.encode()


def stored_files():
    return sorted(os.listdir(ATTACH_DIR))


def counts():
    tables = ("cases", "case_attachments", "case_field_values", "sms_outbox")
    query = "SELECT " + ", ".join("(SELECT COUNT(*) FROM %s)" % t for t in tables)
    return dict(zip(tables, stack.sql(query)[0]))


def bulky_fields(lang="en", **values):
    """Returns valid fields of a bulky waste request. Keyword arguments
    override them."""
    fields = {
        "f_item_kind": "furniture",
        "f_item_count": "3",
        "f_pickup_date": stack.sql(
            "SELECT DATE(CONVERT_TZ(UTC_TIMESTAMP(), '+00:00', '+04:00'))"
            " + INTERVAL 5 DAY")[0][0],
        "f_access_notes": "Outside the back gate",
        "wilayat": "seeb",
        "location": "Al Khoud, street 1234, house 56",
        "lat": "",
        "lon": "",
        "description": "An old sofa and two wardrobes, test %s." % uuid.uuid4().hex[:8],
        "name": "سالم الحارثي" if lang == "ar" else "Salim Al Harthy",
        "mobile": stack.new_mobile(),
        "email": "",
    }
    fields.update(values)
    return fields


class RequestTestCase(unittest.TestCase):

    def post(self, lang, fields, files, code="bulky-waste", browser=None):
        """Opens the form, posts fields and files with its tokens and
        returns the browser and the response."""
        browser = browser or stack.Browser()
        path = "/%s/services/%s/request" % (lang, code)
        hidden = stack.open_form(browser, path)
        hidden.update(fields)
        body, content_type = multipart(hidden, files)
        response = browser.request("POST", path, body=body,
                                   headers={"Content-Type": content_type})
        return browser, response

    def submit(self, lang, fields, files):
        """Posts a request that must be accepted and returns its number."""
        _, response = self.post(lang, fields, files)
        self.assertEqual(response.status, 303, response.text[:2000])
        match = re.search(r"[?&]n=(\d{8})", response.header("Location"))
        self.assertIsNotNone(match)
        return match.group(1)

    def assert_rejected(self, lang, files, message_key, filename, field="file1",
                        fields=None, n=None):
        """Posts files with otherwise valid fields, then checks the 422, the
        message naming the file, the fields kept and nothing stored."""
        fields = fields or bulky_fields(lang)
        before, files_before = counts(), stored_files()
        tmp_before = sorted(os.listdir(UPLOAD_TMP))
        _, page = self.post(lang, fields, files)
        self.assertEqual(page.status, 422, page.text[:2000])
        expected = stack.message(lang, message_key).replace("{file}", filename)
        expected = expected.replace("{n}", str(n if n is not None else MAX_BYTES // 2 ** 20))
        self.assertEqual(stack.field_error(page, field), expected)
        for name, value in fields.items():
            if name in ("lat", "lon", "email"):
                continue
            self.assertEqual(stack.form_value(page, name), value, name)
        self.assertEqual(counts(), before)
        self.assertEqual(stored_files(), files_before)
        self.assertEqual(sorted(os.listdir(UPLOAD_TMP)), tmp_before)
        return page


class AttachmentRulesTest(RequestTestCase):

    def test_portrait_jpeg_upright_without_gps(self):
        original = photos().read("portrait.jpg")
        tags = exif(original)
        self.assertIn("GPS:GPSLatitude", tags)
        self.assertEqual(tags["IFD0:Orientation"], 6)

        number = self.submit("en", bulky_fields(), {"file1": ("IMG_0001.JPG", original)})
        rows = stack.sql(
            "SELECT a.stored_name, a.content_type, a.width, a.height, a.sha256,"
            " a.size, a.has_thumb, a.file_name FROM case_attachments a"
            " JOIN cases c ON c.id = a.case_id WHERE c.number = @p1", number)
        self.assertEqual(len(rows), 1)
        stored, ctype, width, height, sha, size, thumb, name = rows[0]
        self.assertEqual((ctype, width, height, thumb, name),
                         ("image/jpeg", "200", "300", "1", "IMG_0001.JPG"))

        with open(os.path.join(ATTACH_DIR, stored), "rb") as source:
            data = source.read()
        self.assertEqual(hashlib.sha256(data).hexdigest(), sha)
        self.assertEqual(len(data), int(size))
        tags = exif(data)
        self.assertEqual([k for k in tags if k.startswith("GPS")], [])
        self.assertEqual([k for k in tags if k.startswith(("IFD0", "ExifIFD", "IFD1"))], [])
        self.assertNotIn("IFD0:Make", tags)

        header = subprocess.run(["vipsheader", "-a", os.path.join(ATTACH_DIR, stored)],
                                check=True, capture_output=True, text=True).stdout
        self.assertNotIn("exif-data", header)
        self.assertNotIn("orientation", header)
        self.assertIn("200x300", header)

        # Upright: the white half of the landscape original is now on top.
        top = subprocess.run(["vips", "getpoint", os.path.join(ATTACH_DIR, stored),
                              "100", "40"], check=True, capture_output=True,
                             text=True).stdout.split()
        bottom = subprocess.run(["vips", "getpoint", os.path.join(ATTACH_DIR, stored),
                                 "100", "260"], check=True, capture_output=True,
                                text=True).stdout.split()
        self.assertGreater(float(top[0]), 200)
        self.assertLess(float(bottom[0]), 150)
        self.assertTrue(os.path.exists(os.path.join(ATTACH_DIR, stored + ".thumb")))

    def test_renamed_heic_becomes_jpeg(self):
        heic = photos().read("heic.heic")
        self.assertEqual(heic[4:12], b"ftypheic")
        number = self.submit("ar", bulky_fields("ar"), {"file1": ("photo.jpg", heic)})
        rows = stack.sql(
            "SELECT a.stored_name, a.content_type, a.width, a.height"
            " FROM case_attachments a JOIN cases c ON c.id = a.case_id"
            " WHERE c.number = @p1", number)
        self.assertEqual(rows[0][1:], ["image/jpeg", "300", "200"])
        with open(os.path.join(ATTACH_DIR, rows[0][0]), "rb") as source:
            self.assertEqual(source.read(3), b"\xff\xd8\xff")

    def test_zero_byte_pdf(self):
        for lang in ("en", "ar"):
            self.assert_rejected(lang, {"file1": ("empty.pdf", b"")},
                                 "Request.Err.FileEmpty", "empty.pdf")

    def test_text_renamed_pdf(self):
        self.assert_rejected("en", {"file2": ("report.pdf", b"Dear sir, this is text.\n" * 20)},
                             "Request.Err.FileType", "report.pdf", field="file2")

    def test_pdf_without_trailer(self):
        self.assert_rejected("ar", {"file1": ("cut.pdf", PDF[:-8])},
                             "Request.Err.FileUndecodable", "cut.pdf")

    def test_undecodable_jpeg(self):
        data = photos().read("portrait.jpg")
        self.assert_rejected("en", {"file1": ("half.jpg", data[:len(data) // 2])},
                             "Request.Err.FileUndecodable", "half.jpg")

    def test_too_big_file(self):
        data = photos().read("plain.jpg")
        big = data + b"\0" * (MAX_BYTES + 1 - len(data))
        self.assert_rejected("en", {"file1": ("huge.jpg", big)},
                             "Request.Err.FileTooBig", "huge.jpg")

    def test_too_many_files(self):
        files = {"file%d" % i: ("doc%d.pdf" % i, PDF) for i in range(1, MAX_FILES + 2)}
        for lang in ("en", "ar"):
            self.assert_rejected(lang, files, "Request.Err.TooManyFiles", "",
                                 field="files", n=MAX_FILES)

    def test_mixed_files_store_nothing(self):
        page = self.assert_rejected(
            "en", {"file1": ("map.png", photos().read("map.png")),
                   "file2": ("empty.pdf", b"")},
            "Request.Err.FileEmpty", "empty.pdf", field="file2")
        self.assertIsNotNone(stack.element_text(page, "files-again"))

    def test_body_over_nginx_limit(self):
        body = b"x" * (33 * 1024 * 1024)
        response = stack.Browser().request(
            "POST", "/en/services/bulky-waste/request", body=body,
            headers={"Content-Type": "multipart/form-data; boundary=x"})
        self.assertEqual(response.status, 413)
        self.assertIn("Too large", response.text)

    def test_other_routes_keep_small_limit(self):
        response = stack.Browser().request(
            "POST", "/en/complaints", body=b"a=" + b"x" * (200 * 1024),
            headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(response.status, 413)


class ServiceFieldsTest(RequestTestCase):

    def check_field(self, lang, name, value, key, replace=()):
        fields = bulky_fields(lang, **{name: value})
        before, files_before = counts(), stored_files()
        _, page = self.post(lang, fields, {"file1": ("map.png", photos().read("map.png"))})
        self.assertEqual(page.status, 422, name)
        expected = stack.message(lang, key)
        for placeholder, text in replace:
            expected = expected.replace(placeholder, text)
        self.assertEqual(stack.field_error(page, name), expected)
        for other, typed in fields.items():
            if other in ("lat", "lon", "email"):
                continue
            # A select can show only one of its options as chosen.
            if other == name and key == "Err.Choice":
                typed = ""
            self.assertEqual(stack.form_value(page, other), typed, other)
        self.assertEqual(counts(), before)
        self.assertEqual(stored_files(), files_before)

    def test_field_errors_both_languages(self):
        today = stack.sql("SELECT DATE(CONVERT_TZ(UTC_TIMESTAMP(), '+00:00', '+04:00'))")[0][0]
        first = stack.sql("SELECT @p1 + INTERVAL 1 DAY", today)[0][0]
        last = stack.sql("SELECT @p1 + INTERVAL 60 DAY", today)[0][0]
        for lang in ("en", "ar"):
            self.check_field(lang, "f_item_kind", "", "Err.Required")
            self.check_field(lang, "f_item_kind", "car_wreck", "Err.Choice")
            self.check_field(lang, "f_item_count", "three", "Request.Err.Number")
            self.check_field(lang, "f_item_count", "25", "Request.Err.NumberRange",
                             (("{min}", "1"), ("{max}", "20")))
            self.check_field(lang, "f_pickup_date", "2027-02-30", "Request.Err.Date")
            self.check_field(lang, "f_pickup_date", today, "Request.Err.DateRange",
                             (("{min}", first), ("{max}", last)))
            self.check_field(lang, "f_pickup_date", "", "Err.Required")

    def test_unknown_or_not_requestable_service(self):
        for path in ("/en/services/no-such-service/request",
                     "/ar/services/building-permit/request"):
            page = stack.Browser().get(path)
            self.assertEqual(page.status, 404, path)
            lang = path[1:3]
            self.assertIn(stack.message(lang, "Request.NotFound.Title"), page.text)

    def test_every_requestable_service_has_fields(self):
        codes = ("waste-container", "bulky-waste", "pest-control",
                 "street-light-repair", "speed-bump", "abandoned-vehicle")
        for code in codes:
            page = stack.Browser().get("/ar/services/%s/request" % code)
            self.assertEqual(page.status, 200, code)
            self.assertIn('enctype="multipart/form-data"', page.text)
            count = int(stack.sql(
                "SELECT COUNT(*) FROM service_fields f JOIN services s"
                " ON s.id = f.service_id WHERE s.code = @p1", code)[0][0])
            self.assertGreater(count, 1, code)
            self.assertEqual(len(re.findall(r'name="f_', page.text)), count, code)


class EndToEndTest(RequestTestCase):

    def test_database_failure_leaves_no_file(self):
        # A trigger makes the insert of one attachment row fail, so the
        # transaction is rolled back after the files were written.
        # file_name is NOT NULL, so the NULL makes the insert fail.
        stack.sql("CREATE TRIGGER tw_test_attach_fail BEFORE INSERT ON"
                  " case_attachments FOR EACH ROW SET NEW.file_name ="
                  " IF(NEW.file_name = 'fail-db.png', NULL, NEW.file_name)")
        try:
            before, files_before = counts(), stored_files()
            _, response = self.post("en", bulky_fields(), {
                "file1": ("map.png", photos().read("map.png")),
                "file2": ("fail-db.png", photos().read("map.png"))})
            self.assertEqual(response.status, 503)
            self.assertEqual(counts(), before)
            self.assertEqual(stored_files(), files_before)
        finally:
            stack.sql("DROP TRIGGER tw_test_attach_fail")

    def test_request_tracked_and_downloaded(self):
        lang = "ar"
        fields = bulky_fields(lang, f_item_count="٤")
        portrait = photos().read("portrait.jpg")
        files = {"file1": ("كنبة.jpg", portrait), "file2": ("invoice.pdf", PDF)}
        browser, response = self.post(lang, fields, files)
        self.assertEqual(response.status, 303, response.text[:2000])
        number = re.search(r"[?&]n=(\d{8})", response.header("Location")).group(1)
        row = stack.sql(
            "SELECT c.type, s.code, k.code, c.channel FROM cases c"
            " JOIN services s ON s.id = c.service_id"
            " JOIN categories k ON k.id = c.category_id WHERE c.number = @p1", number)
        self.assertEqual(row[0][0:2], ["service_request", "bulky-waste"])
        self.assertEqual(row[0][3], "portal")
        values = dict(stack.sql(
            "SELECT f.name, v.value FROM case_field_values v"
            " JOIN service_fields f ON f.id = v.field_id"
            " JOIN cases c ON c.id = v.case_id WHERE c.number = @p1", number))
        self.assertEqual(values["item_count"], "4")
        self.assertEqual(values["item_kind"], "furniture")
        self.assertEqual(values["pickup_date"], fields["f_pickup_date"])
        sms = stack.sql("SELECT body FROM sms_outbox o JOIN cases c ON c.id = o.case_id"
                        " WHERE c.number = @p1 AND o.kind = 'case_received'", number)
        self.assertEqual(len(sms), 1)
        self.assertIn(number, sms[0][0])
        self.assertEqual(sms[0][0], stack.message(
            lang, "Sms.RequestReceived").replace("{number}", number))
        done = browser.get(response.header("Location"))
        self.assertEqual(done.status, 200)
        self.assertIn(stack.message(lang, "Done.RequestTitle"), done.text)
        self.assertIn('href="/%s/services"' % lang, done.text)

        # The resident tracks it by number and mobile.
        tracker = stack.Browser()
        track = stack.open_form(tracker, "/%s/track" % lang)
        track.update(number=number, mobile=fields["mobile"])
        page = tracker.post("/%s/track" % lang, track)
        self.assertEqual(page.status, 200)
        self.assertIn(number, page.text)

        # An officer of the waste directorate sees the service, the values
        # and the attachments, and downloads each byte for byte.
        officer = stack.StaffBrowser("officer", "waste")
        case_page = officer.get("/agent/cases/%s" % number)
        self.assertEqual(case_page.status, 200)
        self.assertEqual(stack.attribute(case_page, "request-service", "data-service"),
                         "bulky-waste")
        self.assertEqual(stack.element_text(case_page, "field-item_count"), "4")
        attachments = stack.sql(
            "SELECT a.id, a.stored_name, a.content_type, a.sha256, a.has_thumb"
            " FROM case_attachments a JOIN cases c ON c.id = a.case_id"
            " WHERE c.number = @p1 ORDER BY a.id", number)
        self.assertEqual([a[2] for a in attachments], ["image/jpeg", "application/pdf"])
        for ident, stored, ctype, sha, thumb in attachments:
            self.assertIn('href="/agent/attachments/%s"' % ident, case_page.text)
            download = officer.get("/agent/attachments/%s" % ident)
            self.assertEqual(download.status, 200)
            with open(os.path.join(ATTACH_DIR, stored), "rb") as source:
                self.assertEqual(download.body, source.read())
            self.assertEqual(hashlib.sha256(download.body).hexdigest(), sha)
            self.assertEqual(download.header("Content-Type"), ctype)
            self.assertEqual(download.header("X-Content-Type-Options"), "nosniff")
            disposition = download.header("Content-Disposition")
            self.assertRegex(disposition, r'^attachment; filename="[A-Za-z0-9_-]+\.(jpg|pdf)"$')
            if thumb == "1":
                self.assertIn('src="/agent/attachments/%s/thumb"' % ident, case_page.text)
                small = officer.get("/agent/attachments/%s/thumb" % ident)
                self.assertEqual(small.status, 200)
                self.assertEqual(small.header("Content-Type"), "image/jpeg")
                self.assertEqual(small.body[:3], b"\xff\xd8\xff")
            else:
                self.assertEqual(officer.get("/agent/attachments/%s/thumb" % ident).status, 404)
        self.assertEqual(download.body, PDF)

        # A resident without a session and another directorate's officer
        # get no file.
        ident = attachments[0][0]
        resident = tracker.get("/agent/attachments/%s" % ident)
        self.assertEqual(resident.status, 303)
        self.assertTrue(resident.header("Location").startswith("/agent/login"))
        self.assertNotIn(b"\xff\xd8\xff", resident.body[:3])
        outsider = stack.StaffBrowser("officer", "roads")
        for path in ("/agent/attachments/%s" % ident, "/agent/attachments/%s/thumb" % ident):
            denied = outsider.get(path)
            self.assertEqual(denied.status, 403, path)
            self.assertNotEqual(denied.header("Content-Type"), "image/jpeg")
        self.assertEqual(outsider.get("/agent/cases/%s" % number).status, 403)
        self.assertEqual(officer.get("/agent/attachments/999999999").status, 404)

    def test_double_submit_one_case(self):
        fields = bulky_fields("en")
        browser = stack.Browser()
        path = "/en/services/bulky-waste/request"
        hidden = stack.open_form(browser, path)
        hidden.update(fields)
        body, content_type = multipart(hidden, {"file1": ("map.png", photos().read("map.png"))})
        first = browser.request("POST", path, body=body, headers={"Content-Type": content_type})
        self.assertEqual(first.status, 303)
        before, files_before = counts(), stored_files()
        second = browser.request("POST", path, body=body, headers={"Content-Type": content_type})
        self.assertEqual(second.status, 303)
        self.assertEqual(second.header("Location"), first.header("Location"))
        self.assertEqual(counts(), before)
        self.assertEqual(stored_files(), files_before)


class HardeningTest(RequestTestCase):
    """Findings of the security review of the request form."""

    def test_files_not_read_without_valid_tokens(self):
        # A file that fails to decode shows its own message once it is
        # read, but with a wrong CSRF field or form token it must not be.
        cut = photos().read("portrait.jpg")
        cut = cut[:len(cut) // 2]
        for wrong in ("csrf", "form_token"):
            browser = stack.Browser()
            hidden = stack.open_form(browser, "/en/services/bulky-waste/request")
            hidden[wrong] = "x" * 40
            hidden.update(bulky_fields())
            body, content_type = multipart(hidden, {"file1": ("half.jpg", cut)})
            before = stack.count("case_attachments")
            page = browser.request("POST", "/en/services/bulky-waste/request",
                                   body=body, headers={"Content-Type": content_type})
            self.assertEqual(page.status, 403, wrong)
            self.assertIsNone(stack.field_error(page, "file1"), wrong)
            self.assertEqual(stack.count("case_attachments"), before)

    def test_files_not_read_with_invalid_fields(self):
        # With valid tokens but no other field, the files must not be
        # decoded: a photo over Attach.MaxPixels gets no message yet.
        browser = stack.Browser()
        path = "/en/services/bulky-waste/request"
        hidden = stack.open_form(browser, path)
        files = {"file%d" % i: ("huge%d.png" % i, photos().read("huge.png"))
                 for i in range(1, MAX_FILES + 1)}
        before, files_before = counts(), stored_files()
        for _ in range(2):
            body, content_type = multipart(hidden, files)
            page = browser.request("POST", path, body=body,
                                   headers={"Content-Type": content_type})
            self.assertEqual(page.status, 422, page.text[:2000])
            self.assertIsNotNone(stack.field_error(page, "description"))
            for name in files:
                self.assertIsNone(stack.field_error(page, name), name)
        self.assertEqual(counts(), before)
        self.assertEqual(stored_files(), files_before)

    def test_photos_over_request_pixels_named(self):
        big = photos().read("big.png")
        for lang in ("en", "ar"):
            page = self.assert_rejected(
                lang, {"file1": ("a.png", big), "file2": ("b.png", big),
                       "file3": ("c.png", big)},
                "Request.Err.RequestPixels", "c.png", field="file3")
            self.assertIsNone(stack.field_error(page, "file1"))
            self.assertIsNone(stack.field_error(page, "file2"))

    def test_16_bit_rgba_counted_by_bytes(self):
        # 25 million pixels, Attach.MaxPixels, but 8 bytes each.
        self.assert_rejected("en", {"file1": ("deep.png", photos().read("rgba16.png"))},
                             "Request.Err.RequestPixels", "deep.png")

    def test_two_photos_under_request_pixels_accepted(self):
        big = photos().read("big.png")
        self.submit("en", bulky_fields(), {"file1": ("a.png", big), "file2": ("b.png", big)})

    def test_cut_jpeg_with_end_marker(self):
        self.assert_rejected("en", {"file1": ("cut.jpg", photos().read("cut.jpg"))},
                             "Request.Err.FileUndecodable", "cut.jpg")

    def test_photo_taller_than_smallint(self):
        number = self.submit("en", bulky_fields(),
                             {"file1": ("tall.png", photos().read("tall.png"))})
        rows = stack.sql("SELECT a.width, a.height FROM case_attachments a"
                         " JOIN cases c ON c.id = a.case_id WHERE c.number = @p1", number)
        self.assertEqual(rows, [["100", "66000"]])

    def test_photo_over_max_pixels_named(self):
        for lang in ("en", "ar"):
            self.assert_rejected(lang, {"file2": ("huge.png", photos().read("huge.png"))},
                                 "Request.Err.FilePixels", "huge.png", field="file2")

    def test_pdf_with_actions(self):
        actions = (b"/JavaScript", b"/OpenAction", b"/Launch", b"/EmbeddedFile",
                   b"/RichMedia", b"/AA")
        for lang, action in zip(("en", "ar") * 3, actions):
            pdf = PDF.replace(b"xref\n", b"4 0 obj << %s 5 0 R >> endobj\nxref\n" % action, 1)
            self.assert_rejected(lang, {"file1": ("form.pdf", pdf)},
                                 "Request.Err.FileActive", "form.pdf")

    def test_html_dressed_as_pdf(self):
        page = (b"%PDF-1.0\n<html><body><p>An obj that is no object.</p>"
                b"<script>alert(document.cookie)</script></body></html>\n%%EOF\n")
        self.assert_rejected("en", {"file1": ("page.pdf", page)},
                             "Request.Err.FileUndecodable", "page.pdf")

    def post_raw(self, make_parts):
        """Posts the form's tokens and valid fields as parts made by
        make_parts(fields); returns the response."""
        browser = stack.Browser()
        path = "/en/services/bulky-waste/request"
        fields = stack.open_form(browser, path)
        fields.update(bulky_fields())
        boundary = "tw-review"
        body = raw_multipart(boundary, make_parts(fields))
        return browser.request("POST", path, body=body, headers={
            "Content-Type": "multipart/form-data; boundary=" + boundary})

    @staticmethod
    def text_parts(fields):
        return [('Content-Disposition: form-data; name="%s"' % name, value.encode())
                for name, value in fields.items()]

    def assert_refused(self, make_parts):
        before, files_before = counts(), stored_files()
        response = self.post_raw(make_parts)
        self.assertEqual(response.status, 400, response.text[:500])
        self.assertEqual(counts(), before)
        self.assertEqual(stored_files(), files_before)

    def test_nul_in_text_part(self):
        def make(fields):
            fields["description"] = "A sofa\0 and the rest of the text"
            return self.text_parts(fields)
        self.assert_refused(make)

    def test_dotted_part_name(self):
        png = photos().read("map.png")

        def make(fields):
            return self.text_parts(fields) + [
                ('Content-Disposition: form-data; name="description.FileHandle";'
                 ' filename="x.png"\r\nContent-Type: image/png', png)]
        self.assert_refused(make)

    def test_name_hidden_in_quoted_filename(self):
        # The filename's quoted text must not be read as the part's name.
        png = photos().read("map.png")

        def make(fields):
            return self.text_parts(fields) + [
                ('Content-Disposition: form-data; filename="a; name=file2";'
                 ' name="description.FileHandle"', png)]
        self.assert_refused(make)

    def test_repeated_file_part(self):
        def make(fields):
            return self.text_parts(fields) + [
                ('Content-Disposition: form-data; name="file1"; filename="d%d.pdf"' % i, PDF)
                for i in range(10)]
        self.assert_refused(make)

    def test_raw_parts_accepted_when_sane(self):
        # The same encoder with nothing wrong files the request.
        def make(fields):
            return self.text_parts(fields) + [
                ('Content-Disposition: form-data; name="file1"; filename="d.pdf"', PDF)]
        response = self.post_raw(make)
        self.assertEqual(response.status, 303, response.text[:2000])


    def test_attachments_need_personal_data_right(self):
        number = self.submit("en", bulky_fields(), {
            "file1": ("map.png", photos().read("map.png")),
            "file2": ("invoice.pdf", PDF)})
        ids = [row[0] for row in stack.sql(
            "SELECT a.id FROM case_attachments a JOIN cases c ON c.id = a.case_id"
            " WHERE c.number = @p1 ORDER BY a.id", number)]
        self.assertEqual(len(ids), 2)

        allowed = (("agent", None), ("supervisor", None), ("qa", None),
                   ("officer", "waste"), ("head", "waste"))
        for role, directorate in allowed:
            staff = stack.StaffBrowser(role, directorate)
            page = staff.get("/agent/cases/%s" % number)
            self.assertEqual(page.status, 200, role)
            self.assertEqual(stack.element_text(page, "field-item_count"), "3", role)
            self.assertIn("map.png", page.text, role)
            self.assertIsNone(stack.element_text(page, "request-hidden"), role)
            self.assertEqual(staff.get("/agent/attachments/%s" % ids[0]).status, 200, role)
            self.assertEqual(staff.get("/agent/attachments/%s/thumb" % ids[0]).status,
                             200, role)

        for role in ("executive", "admin"):
            staff = stack.StaffBrowser(role)
            page = staff.get("/agent/cases/%s" % number)
            self.assertEqual(page.status, 200, role)
            self.assertEqual(stack.attribute(page, "request-service", "data-service"),
                             "bulky-waste", role)
            self.assertIsNone(stack.element_text(page, "field-item_count"), role)
            self.assertNotIn("map.png", page.text, role)
            self.assertNotIn("invoice.pdf", page.text, role)
            self.assertNotIn("/agent/attachments/", page.text, role)
            self.assertEqual(stack.element_text(page, "request-hidden"),
                             stack.message("en", "Agent.Request.Hidden", n=len(ids)), role)
            for ident in ids:
                for path in ("/agent/attachments/%s" % ident,
                             "/agent/attachments/%s/thumb" % ident):
                    denied = staff.get(path)
                    self.assertEqual(denied.status, 403, (role, path))
                    self.assertNotIn(denied.header("Content-Type"),
                                     ("image/jpeg", "image/png", "application/pdf"))

if __name__ == "__main__":
    unittest.main()
