"""Helpers shared by the integration tests: HTTP through nginx with a
cookie jar, form scraping, and SQL through the mariadb client on the
stack's private socket. Only the standard library is used."""
import html
import http.cookiejar
import os
import re
import subprocess
import urllib.error
import urllib.parse
import urllib.request

BASE_URL = os.environ.get("TW_BASE_URL", "http://127.0.0.1:8080")
VAR = os.environ.get("TW_VAR", os.path.join(os.path.dirname(__file__), "../../var"))
TOP = os.environ.get("TW_TOP", os.path.join(os.path.dirname(__file__), "../.."))
SOCKET = os.path.join(VAR, "run", "mysqld.sock")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body
        self.text = body.decode("utf-8", errors="replace")

    def header(self, name):
        return self.headers.get(name)


class Browser:
    """A client with its own cookies that does not follow redirects."""

    def __init__(self, accept_language=None):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect())
        self.accept_language = accept_language

    def request(self, method, path, fields=None, headers=None, body=None):
        data = body
        if fields is not None:
            data = urllib.parse.urlencode(fields, doseq=True).encode("utf-8")
        req = urllib.request.Request(BASE_URL + path, data=data, method=method)
        if self.accept_language:
            req.add_header("Accept-Language", self.accept_language)
        for name, value in (headers or {}).items():
            req.add_header(name, value)
        try:
            with self.opener.open(req, timeout=30) as resp:
                return Response(resp.status, resp.headers, resp.read())
        except urllib.error.HTTPError as err:
            return Response(err.code, err.headers, err.read())

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, fields, **kw):
        return self.request("POST", path, fields=fields, **kw)


def hidden_fields(page):
    """Returns the hidden inputs of a page as a dict."""
    fields = {}
    for name, value in re.findall(
            r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text):
        fields[name] = html.unescape(value)
    return fields


def element_text(page, element_id):
    """Returns the unescaped text of the element with this id, or None."""
    match = re.search(r'id="%s"[^>]*>([^<]*)<' % re.escape(element_id), page.text)
    return html.unescape(match.group(1)) if match else None


def attribute(page, element_id, name):
    """Returns an attribute of the element with this id, or None."""
    match = re.search(r'<[^>]*id="%s"[^>]*>' % re.escape(element_id), page.text)
    if not match:
        return None
    value = re.search(r'\b%s="([^"]*)"' % re.escape(name), match.group(0))
    return html.unescape(value.group(1)) if value else None


def sql(query, *params):
    """Runs one query as the administrator and returns rows of strings.

    Parameters are passed as user variables, so test values never become
    SQL text: sql("SELECT ... WHERE number = @p1", number)."""
    sets = "".join(
        "SET @p%d = FROM_BASE64('%s');" % (i + 1, _b64(p)) for i, p in enumerate(params))
    out = subprocess.run(
        ["mariadb", "--no-defaults", "-S", SOCKET, "-u", "root", "-N", "-B",
         "--default-character-set=utf8mb4", "tawasul", "-e", sets + query],
        check=True, capture_output=True)
    text = out.stdout.decode("utf-8")
    return [line.split("\t") for line in text.splitlines()]


def _b64(value):
    import base64
    return base64.b64encode(str(value).encode("utf-8")).decode("ascii")


def count(table, where="1", *params):
    return int(sql("SELECT COUNT(*) FROM %s WHERE %s" % (table, where), *params)[0][0])


def stack_command(*functions):
    """Runs functions of scripts/lib.sh (tw_db_stop, tw_db_start) on this stack."""
    script = ". %s/scripts/lib.sh; %s" % (TOP, "; ".join(functions))
    subprocess.run(["bash", "-c", script], check=True,
                   env=dict(os.environ, TW_VAR=VAR))
