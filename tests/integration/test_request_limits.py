"""Limits every program applies to a request before ClearSilver parses
it: the number of fields (Site.MaxFields, 300 by default), the size of
a body that is not a file upload, and the boundary of a multipart body.

Each rejected request must get a 400 (or 413) and a log line with the
reason, and must not bring a worker down."""
import glob
import os
import re
import unittest

import stack

MAX_FIELDS = 300
# One route of each program: the portal, the intranet, the phone line
# and the SMS hooks.
ROUTES = ("/en/complaints", "/agent/login", "/ivr/voice", "/hooks/sms/inbound",
          "/en/services/bulky-waste/request")
UPLOAD = "/en/services/bulky-waste/request"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def log_text():
    """Returns the text of all the programs' logs."""
    text = []
    for path in sorted(glob.glob(os.path.join(stack.VAR, "log", "*.log"))):
        with open(path, encoding="utf-8", errors="replace") as source:
            text.append(source.read())
    return "\n".join(text)


def log_count(pattern):
    return len(re.findall(pattern, log_text()))


def parts(names, boundary="tw-limits"):
    """Returns a multipart body with one short text part per name."""
    body = b"".join(b"--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\nx\r\n"
                    % (boundary.encode(), name.encode()) for name in names)
    return body + b"--%s--\r\n" % boundary.encode()


class FieldCountTest(unittest.TestCase):

    def test_repeated_urlencoded_fields_rejected_on_every_route(self):
        body = b"&".join([b"a="] * (MAX_FIELDS + 1))
        for path in ROUTES:
            before = log_count(r"rejected: too many fields in the body")
            response = stack.Browser().request("POST", path, body=body, headers=FORM)
            self.assertEqual(response.status, 400, path)
            self.assertEqual(log_count(r"rejected: too many fields in the body"),
                             before + 1, path)

    def test_fields_at_the_limit_reach_the_handler(self):
        body = b"&".join([b"a="] * MAX_FIELDS)
        before = log_count(r"rejected: too many fields")
        response = stack.Browser().request("POST", "/en/complaints", body=body,
                                           headers=FORM)
        self.assertNotEqual(response.status, 400)
        self.assertEqual(log_count(r"rejected: too many fields"), before)

    def test_repeated_query_fields_rejected(self):
        query = "&".join(["q=x"] * (MAX_FIELDS + 1))
        response = stack.Browser().get("/en/complaints?" + query)
        self.assertEqual(response.status, 400)

    def test_many_multipart_parts_rejected(self):
        before = log_count(r"rejected: too many parts")
        response = stack.Browser().request(
            "POST", UPLOAD, body=parts(["f%d" % i for i in range(MAX_FIELDS + 1)]),
            headers={"Content-Type": "multipart/form-data; boundary=tw-limits"})
        self.assertEqual(response.status, 400)
        self.assertEqual(log_count(r"rejected: too many parts"), before + 1)

    def test_repeated_multipart_parts_rejected(self):
        before = log_count(r"rejected: a field name given twice")
        response = stack.Browser().request(
            "POST", UPLOAD, body=parts(["description"] * 20000),
            headers={"Content-Type": "multipart/form-data; boundary=tw-limits"})
        self.assertEqual(response.status, 400)
        self.assertEqual(log_count(r"rejected: a field name given twice"), before + 1)


class BodySizeTest(unittest.TestCase):

    def test_urlencoded_body_to_upload_route_keeps_small_limit(self):
        # The upload route takes 32 MiB through nginx, but only a
        # multipart body may use Attach.MaxBody; Site.MaxBody is 64 KiB.
        body = b"description=" + b"x" * (100 * 1024)
        response = stack.Browser().request("POST", UPLOAD, body=body, headers=FORM)
        self.assertEqual(response.status, 413)

    def test_other_body_type_to_upload_route_keeps_small_limit(self):
        body = b"x" * (100 * 1024)
        response = stack.Browser().request(
            "POST", UPLOAD, body=body, headers={"Content-Type": "text/plain"})
        self.assertEqual(response.status, 413)


class BoundaryTest(unittest.TestCase):

    def test_multipart_without_boundary_rejected(self):
        for content_type in ("multipart/form-data", "multipart/form-data; boundary=",
                             'multipart/form-data; boundary=""',
                             "multipart/form-data; boundary=" + "b" * 71,
                             "multipart/form-data; boundary=a<b",
                             "multipart/form-data; boundary=a; boundary=b"):
            response = stack.Browser().request("POST", UPLOAD, body=b"x",
                                               headers={"Content-Type": content_type})
            self.assertEqual(response.status, 400, content_type)

    def test_no_boundary_after_upload_does_not_crash_worker(self):
        # A request without a boundary after an upload crashed the
        # worker (SIGSEGV) in ClearSilver's multipart parser.
        portal_log = os.path.join(stack.VAR, "log", "portal.log")

        def exits():
            with open(portal_log, encoding="utf-8", errors="replace") as source:
                return source.read().count("exited with status")

        before = exits()
        # The crash needs an earlier body with a file part, and came
        # after a few rounds, as it reads freed memory.
        good = (b'--tw-limits\r\nContent-Disposition: form-data; name="file1";'
                b' filename="a.png"\r\n\r\nxyz\r\n--tw-limits--\r\n')
        statuses = []
        for _ in range(10):
            first = stack.Browser().request(
                "POST", UPLOAD, body=good,
                headers={"Content-Type": "multipart/form-data; boundary=tw-limits"})
            bad = stack.Browser().request(
                "POST", UPLOAD, body=b"x",
                headers={"Content-Type": "multipart/form-data"})
            statuses.append((first.status, bad.status))
        self.assertEqual(exits(), before)
        # No CSRF field: the handler rejects the upload, storing nothing.
        self.assertEqual(statuses, [(403, 400)] * 10)
        self.assertEqual(stack.Browser().get("/en/").status, 200)

    def test_body_without_its_boundary_rejected(self):
        response = stack.Browser().request(
            "POST", UPLOAD, body=parts(["name"], boundary="other"),
            headers={"Content-Type": "multipart/form-data; boundary=tw-limits"})
        self.assertEqual(response.status, 400)


def exits(program):
    """Returns how often the log of program (portal, agent) reports a
    worker that exited."""
    with open(os.path.join(stack.VAR, "log", program + ".log"), encoding="utf-8",
              errors="replace") as source:
        return source.read().count("exited with status")


def post_multipart(path, body, boundary="tw-limits", content_type=None):
    return stack.Browser().request(
        "POST", path, body=body,
        headers={"Content-Type": content_type or
                 "multipart/form-data; boundary=" + boundary})


class MultipartShapeTest(unittest.TestCase):
    """Multipart bodies that ClearSilver would read differently from the
    check before it, so they are rejected with 400. A well-formed body
    without the form's CSRF field gets 403 from the handler instead."""

    CONTAINER = "/ar/services/waste-container/request"

    def test_lf_delimiters_rejected_and_nothing_stored(self):
        # ClearSilver also splits at a bare LF before the boundary, so
        # this body is one part to a CRLF-only reader and 70000 parts of
        # one name to ClearSilver, whose time grows with their square.
        body = (b'--AAA\r\nContent-Disposition: form-data; name="x"\r\n\r\n'
                + b'\n--AAA\nContent-Disposition: form-data; name="a"\n\nx' * 70000
                + b"\r\n--AAA--\r\n")
        self.assertGreater(len(body), 2 * 2 ** 20)
        cases = stack.count("cases")
        before = log_count(r"rejected: a boundary not preceded by CRLF")
        response = post_multipart(self.CONTAINER, body, boundary="AAA")
        self.assertEqual(response.status, 400)
        self.assertEqual(log_count(r"rejected: a boundary not preceded by CRLF"),
                         before + 1)
        self.assertEqual(stack.count("cases"), cases)

    def test_boundary_occurrences_must_be_delimiters(self):
        head = b'--tw-limits\r\nContent-Disposition: form-data; name="a"\r\n\r\n'
        tail = b"\r\n--tw-limits--\r\n"
        bodies = {
            "LF before": head + b"x\n--tw-limits\r\n" + tail,
            "text after": head + b"x\r\n--tw-limitsX\r\n" + tail,
            "space after": head + b"x\r\n--tw-limits \r\n" + tail,
            "LF after": head + b"x\r\n--tw-limits\n" + tail,
            "inside a value": head + b"x --tw-limits y" + tail,
            "preamble": b"hello\r\n" + head + b"x" + tail,
            "data after the end": head + b"x" + tail + b"more",
            "LF header lines": (b'--tw-limits\r\nContent-Disposition: form-data;'
                                b' name="a"\n\nx' + tail),
            "bare CR in a header": (b'--tw-limits\r\nContent-Disposition: form-data;'
                                    b' name="a"\rX: y\r\n\r\nx' + tail),
            "no parts": b"--tw-limits--\r\n",
        }
        for label, body in bodies.items():
            self.assertEqual(post_multipart(UPLOAD, body).status, 400, label)

    def test_well_formed_body_reaches_handler(self):
        # Chromium and curl shapes: CRLF everywhere, closing CRLF or not.
        head = b'--tw-limits\r\nContent-Disposition: form-data; name="a"\r\n\r\n'
        for body in (head + b"x\r\n--tw-limits--\r\n", head + b"x\r\n--tw-limits--",
                     head + b"a\nb --tw-limit\r\n--tw-limits--\r\n"):
            self.assertEqual(post_multipart(UPLOAD, body).status, 403, body)

    def test_content_types_read_differently_rejected(self):
        for content_type in ("multipart/form-data; a b; boundary=tw-limits",
                             'multipart/form-data; foo="x;boundary=tw-limits;y"',
                             "multipart/form-data; charset=utf-8; boundary=tw-limits",
                             "multipart/form-data; boundary=tw-limits; charset=utf-8",
                             "multipart/form-data; boundary=tw-limits x",
                             'multipart/form-data; boundary="tw-limits',
                             "multipart/form-dataX; boundary=tw-limits",
                             "multipart/mixed; boundary=tw-limits",
                             "multipart/form-data, boundary=tw-limits"):
            response = post_multipart(UPLOAD, parts(["a"]), content_type=content_type)
            self.assertEqual(response.status, 400, content_type)

    def test_content_type_spellings_accepted(self):
        for content_type in ("multipart/form-data; boundary=tw-limits",
                             'multipart/form-data; boundary="tw-limits"',
                             "Multipart/Form-Data;BOUNDARY=tw-limits",
                             "multipart/form-data ;  boundary=tw-limits "):
            response = post_multipart(UPLOAD, parts(["a"]), content_type=content_type)
            self.assertEqual(response.status, 403, content_type)

    def test_bad_content_type_after_upload_keeps_worker(self):
        # ClearSilver found no boundary in these types and crashed the
        # worker (SIGSEGV) on the request after a multipart one.
        good = (b'--tw-limits\r\nContent-Disposition: form-data; name="file1";'
                b' filename="a.png"\r\n\r\nxyz\r\n--tw-limits--\r\n')
        bad_types = ("multipart/form-data; a b; boundary=tw-limits",
                     'multipart/form-data; foo="x;boundary=tw-limits;y"')
        before = {program: exits(program) for program in ("portal", "agent")}
        statuses = []
        for path in (UPLOAD, "/agent/login"):
            for _ in range(4):
                for content_type in bad_types:
                    post_multipart(path, good)
                    statuses.append(post_multipart(path, good,
                                                   content_type=content_type).status)
        self.assertEqual(statuses, [400] * len(statuses))
        for program, count in before.items():
            self.assertEqual(exits(program), count, program)
        self.assertEqual(stack.Browser().get("/en/").status, 200)
        self.assertEqual(stack.Browser().get("/agent/login").status, 200)

    def test_dispositions_read_differently_rejected(self):
        dispositions = (
            'form-data; x="\\"; name=a.b; z="; name=ok',
            'form-data; name=ok',
            'form-data; name="ok"; size=3',
            'form-data; charset="x"; name="ok"',
            'form-data; filename="a.png"; name="ok"',
            'form-data; name="a.b"',
            'form-data; name="' + "n" * 64 + '"',
            'form-data; name=""',
            'form-data; name="ok"; filename="a\\b.png"',
            'attachment; name="ok"',
            'form-data; name="ok"\r\nContent-Disposition: form-data; name="ok2"',
            'form-data; name="ok"\r\nContent-Type: text/plain\r\nContent-Type: image/png',
            'form-data; name="ok"\r\nX-Other: 1',
        )
        for disposition in dispositions:
            body = (b"--tw-limits\r\nContent-Disposition: %s\r\n\r\nx\r\n"
                    b"--tw-limits--\r\n" % disposition.encode())
            self.assertEqual(post_multipart(UPLOAD, body).status, 400, disposition)

    def test_dispositions_of_browsers_accepted(self):
        for disposition in ('form-data; name="ok"', 'form-data; name="file1"; filename=""',
                            'form-data; name="n-' + "n" * 61 + '"',
                            'form-data; name="file1"; filename="a %22b%22; c.png"\r\n'
                            'Content-Type: image/png'):
            body = (b"--tw-limits\r\nContent-Disposition: %s\r\n\r\nx\r\n"
                    b"--tw-limits--\r\n" % disposition.encode())
            self.assertEqual(post_multipart(UPLOAD, body).status, 403, disposition)


class FieldNameTest(unittest.TestCase):
    """Field names ClearSilver cannot store: it writes their raw decoded
    value to the log, where a newline forges a line."""

    FORGED = "2026-12-04T19:40:00Z portal[1] info: FORGED LINE"

    def test_long_dotted_name_cannot_forge_log_line(self):
        name = "a..b" + "x" * 300
        body = ("%s=hello%%0a%s" % (name, self.FORGED.replace(" ", "%20"))).encode()
        response = stack.Browser().request("POST", "/ar/track", body=body, headers=FORM)
        self.assertEqual(response.status, 400)
        response = stack.Browser().get("/ar/track?" + body.decode())
        self.assertEqual(response.status, 400)
        self.assertNotIn("\n" + self.FORGED, log_text())

    def test_name_length_limit(self):
        for name, status in (("n" * 201, 400), ("%6e" * 67 + "nn", 400)):
            response = stack.Browser().request("POST", "/en/track",
                                               body=("%s=1" % name).encode(), headers=FORM)
            self.assertEqual(response.status, status, name)
            self.assertEqual(stack.Browser().get("/en/track?%s=1" % name).status,
                             status, name)
        response = stack.Browser().get("/en/track?%s=1" % ("n" * 200))
        self.assertNotEqual(response.status, 400)

    def test_dots_in_names_rejected(self):
        for name in ("a..b", ".a", "a.", "a%2e%2eb", "%2ea", "a%2E"):
            response = stack.Browser().request("POST", "/en/track",
                                               body=("%s=1" % name).encode(), headers=FORM)
            self.assertEqual(response.status, 400, name)
            self.assertEqual(stack.Browser().get("/en/track?%s=1" % name).status, 400, name)


if __name__ == "__main__":
    unittest.main()
