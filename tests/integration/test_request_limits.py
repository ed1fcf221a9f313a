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


if __name__ == "__main__":
    unittest.main()
