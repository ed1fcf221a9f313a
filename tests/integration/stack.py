"""Helpers shared by the integration tests: HTTP through nginx with a
cookie jar, form scraping, and SQL through the mariadb client on the
stack's private socket. Only the standard library is used."""
import html
import http.cookiejar
import os
import random
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


# Helpers of the portal tests: interface strings, page scraping, test
# data and row counts.

_locales = {}


def _read_hdf(path):
    """Parses the nested "Name {" blocks and "Key = value" lines of an HDF
    file into a dict of dotted keys."""
    strings, prefix = {}, []
    with open(path, encoding="utf-8") as source:
        for line in source:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line == "}":
                prefix.pop()
            elif line.endswith("{"):
                prefix.append(line[:-1].strip())
            else:
                name, sep, value = line.partition("=")
                if sep:
                    strings[".".join(prefix + [name.strip()])] = value.strip()
    return strings


def message(lang, key, n=None):
    """Returns the interface string key of locale/LANG.hdf, with {n}
    replaced by n when given, as the programs show it."""
    if lang not in _locales:
        _locales[lang] = _read_hdf(os.path.join(TOP, "locale", lang + ".hdf"))
    text = _locales[lang][key]
    return text if n is None else text.replace("{n}", str(n))


def secret():
    """Returns the HMAC key of this stack (Secrets.Key of var/secrets.hdf)."""
    return _read_hdf(os.path.join(VAR, "secrets.hdf"))["Secrets.Key"]


def form_value(page, name):
    """Returns what a form shows for field name, unescaped: the value of
    an input, the text of a textarea, the selected option or the checked
    radio button. Returns None when the field is missing and "" when
    nothing is selected."""
    text = page.text
    match = re.search(r'<textarea[^>]*\bname="%s"[^>]*>([^<]*)</textarea>'
                      % re.escape(name), text)
    if match:
        return html.unescape(match.group(1))
    match = re.search(r'<select[^>]*\bname="%s"[^>]*>(.*?)</select>'
                      % re.escape(name), text, re.S)
    if match:
        option = re.search(r'<option value="([^"]*)" selected>', match.group(1))
        return html.unescape(option.group(1)) if option else ""
    radios = re.findall(r'<input type="radio" name="%s"[^>]*>' % re.escape(name), text)
    if radios:
        for radio in radios:
            if re.search(r"\bchecked\b", radio):
                return html.unescape(re.search(r'value="([^"]*)"', radio).group(1))
        return ""
    match = re.search(r'<input[^>]*\bname="%s"[^>]*>' % re.escape(name), text)
    if not match:
        return None
    value = re.search(r'\bvalue="([^"]*)"', match.group(0))
    return html.unescape(value.group(1)) if value else ""


def field_error(page, name):
    """Returns the message shown next to field name, or None."""
    return element_text(page, name + "-error")


def form_error(page):
    """Returns the message about the whole form in the error summary, or None."""
    match = re.search(r'<div class="alert"[^>]*>\s*<h2>[^<]*</h2>\s*<p>([^<]*)</p>',
                      page.text)
    return html.unescape(match.group(1)) if match else None


def error_links(page):
    """Returns the fields the error summary links to, in order."""
    match = re.search(r'<div class="alert"[^>]*>(.*?)</div>', page.text, re.S)
    return re.findall(r'<a href="#([^"]*)"', match.group(1)) if match else []


def language_link(page):
    """Returns the href of the link to the page in the other language."""
    match = re.search(r'<a class="lang" href="([^"]*)"', page.text)
    return html.unescape(match.group(1)) if match else None


def arabic_indic(text):
    """Returns text with ASCII digits written as Arabic-Indic digits."""
    return text.translate({ord("0") + i: 0x0660 + i for i in range(10)})


_mobiles = iter(range(random.randrange(1000000, 8000000), 10000000))


def new_mobile():
    """Returns an Omani mobile number (8 digits, no prefix) not used before
    in this run, so each test has its own customer."""
    return "9%07d" % next(_mobiles)


_serial = iter(range(1, 1000000))


def valid_complaint(**values):
    """Returns the visible fields of a complaint that the portal accepts,
    with a unique mobile number and description. Keyword arguments
    override the fields."""
    fields = {
        "type": "complaint",
        "category": "pothole",
        "wilayat": "seeb",
        "location": "Sultan Qaboos Street, near the Grand Mosque",
        "lat": "23.5839",
        "lon": "58.3889",
        "description": "Deep pothole in the right lane, test %d-%d." % (
            os.getpid(), next(_serial)),
        "name": "Salim Al Harthy",
        "mobile": new_mobile(),
        "email": "",
    }
    fields.update(values)
    return fields


def open_form(browser, path):
    """Gets a form page and returns its hidden fields (csrf, form_token)."""
    page = browser.get(path)
    if page.status != 200:
        raise AssertionError("GET %s returned %d, expected 200" % (path, page.status))
    return hidden_fields(page)


def row_counts():
    """Returns the number of rows of every table a complaint writes."""
    tables = ("customers", "cases", "case_events", "sms_outbox")
    query = "SELECT " + ", ".join("(SELECT COUNT(*) FROM %s)" % t for t in tables)
    return dict(zip(tables, (int(v) for v in sql(query)[0])))
