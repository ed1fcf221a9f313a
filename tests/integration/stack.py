"""Helpers shared by the integration tests: HTTP through nginx with a
cookie jar, form scraping, and SQL through the mariadb client on the
stack's private socket. Only the standard library is used."""
import hashlib
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


# Helpers of the intranet tests: staff accounts, logins, cases filed
# through the portal, and the state of a case before and after an action.

PASSWORD = "Test password 4 staff"
BOUND_ROLES = ("officer", "head", "field")

_password_hashes = {}
_usernames = iter(range(1, 1000000))


def new_username(prefix="staff"):
    """Returns a username not used before in this run."""
    return "%s%d.%d" % (prefix, os.getpid(), next(_usernames))


def password_hash(password):
    """Returns password hashed as lib/password.c stores it,
    "scrypt$15$8$1$<salt hex>$<32-byte key hex>". One hash is made per
    password and reused, because scrypt with n=2**15 is slow on purpose."""
    if password not in _password_hashes:
        salt = os.urandom(16)
        key = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=2 ** 15,
                             r=8, p=1, maxmem=2 ** 26, dklen=32)
        _password_hashes[password] = "scrypt$15$8$1$%s$%s" % (salt.hex(), key.hex())
    return _password_hashes[password]


def create_staff(username=None, role="agent", directorate_code=None,
                 password=PASSWORD, mobile=None, lang="en", active=1):
    """Inserts a staff account and returns it as a dict with id, username,
    password, role, directorate_id, mobile and lang. password=None stores
    no hash, as for field staff. Field staff get a new mobile number
    unless one is given."""
    username = username or new_username(role)
    if role == "field" and mobile is None:
        mobile = "+968" + new_mobile()
    if role in BOUND_ROLES and directorate_code is None:
        raise ValueError("role %s needs a directorate_code" % role)
    rows = sql(
        "INSERT INTO staff (username, display_name, role, directorate_id,"
        " mobile, lang, password_hash, active, created_at, updated_at)"
        " VALUES (@p1, @p2, @p3,"
        " (SELECT id FROM directorates WHERE code = NULLIF(@p4, '')),"
        " NULLIF(@p5, ''), @p6, NULLIF(@p7, ''), @p8, UTC_TIMESTAMP(),"
        " UTC_TIMESTAMP()); SELECT id, IFNULL(directorate_id, '')"
        " FROM staff WHERE id = LAST_INSERT_ID()",
        username, "Test %s %s" % (role, username), role, directorate_code or "",
        mobile or "", lang, password_hash(password) if password else "", active)
    if role in BOUND_ROLES and not rows[0][1]:
        raise ValueError("unknown directorate %r" % directorate_code)
    return {"id": rows[0][0], "username": username, "password": password,
            "role": role, "directorate_id": rows[0][1], "mobile": mobile,
            "lang": lang}


def login(browser, username, password, next_path=None):
    """Gets the login form, then posts its csrf field with username and
    password (and next_path when given). Returns the response of the
    post."""
    page = browser.get("/agent/login")
    if page.status != 200:
        raise AssertionError("GET /agent/login returned %d" % page.status)
    fields = hidden_fields(page)
    fields.update(username=username, password=password)
    if next_path is not None:
        fields["next"] = next_path
    return browser.post("/agent/login", fields)


def cookie(browser, name):
    """Returns the value of a cookie in the browser's jar, or None."""
    for item in browser.jar:
        if item.name == name:
            return item.value
    return None


def set_cookie(browser, name, value, path="/agent"):
    """Puts a cookie for this site into the browser's jar, as another
    site or a script could."""
    host = urllib.parse.urlsplit(BASE_URL).hostname
    browser.jar.set_cookie(http.cookiejar.Cookie(
        0, name, value, None, False, host, False, False, path, True, False,
        None, False, None, None, {}))


class StaffBrowser(Browser):
    """A browser logged in as a new staff member: staff is the account
    (see create_staff) and csrf the session's CSRF field."""

    def __init__(self, role, directorate_code=None, lang="en", **account):
        super().__init__()
        self.staff = create_staff(role=role, directorate_code=directorate_code,
                                  lang=lang, **account)
        response = login(self, self.staff["username"], self.staff["password"])
        if response.status != 303:
            raise AssertionError("login as %s returned %d" % (role, response.status))
        page = self.get(response.header("Location"))
        self.csrf = hidden_fields(page).get("csrf")
        if page.status != 200 or not self.csrf:
            raise AssertionError("page after login as %s returned %d" % (role, page.status))

    def act(self, number, action, value=None, note=None, version=None, csrf=None):
        """Posts an action of the case page. The version defaults to the
        case's current one and csrf to the session's field."""
        fields = {"csrf": self.csrf if csrf is None else csrf, "action": action,
                  "version": case_version(number) if version is None else version}
        if value is not None:
            fields["value"] = value
        if note is not None:
            fields["note"] = note
        return self.post("/agent/cases/%s" % number, fields)


def file_case(category="pothole", lang="en", **values):
    """Files a complaint through the portal and returns its case number."""
    browser = Browser()
    fields = open_form(browser, "/%s/complaints/new" % lang)
    fields.update(valid_complaint(category=category, **values))
    response = browser.post("/%s/complaints" % lang, fields)
    match = re.search(r"[?&]n=(\d{8})", response.header("Location") or "")
    if response.status != 303 or not match:
        raise AssertionError("POST /%s/complaints returned %d" % (lang, response.status))
    return match.group(1)


def case_version(number):
    return int(sql("SELECT version FROM cases WHERE number = @p1", number)[0][0])


CASE_COLUMNS = ("status", "version", "directorate_id", "assigned_staff_id",
                "priority", "category_id", "duplicate_of", "due_at")


def case_snapshot(number):
    """Returns what an action may change: the case's columns in
    CASE_COLUMNS and the row counts of case_events and sms_outbox."""
    rows = sql("SELECT %s, (SELECT COUNT(*) FROM case_events),"
               " (SELECT COUNT(*) FROM sms_outbox) FROM cases WHERE number = @p1"
               % ", ".join("IFNULL(%s, '')" % c for c in CASE_COLUMNS), number)
    if len(rows) != 1:
        raise AssertionError("%d cases with number %s" % (len(rows), number))
    snapshot = dict(zip(CASE_COLUMNS + ("case_events", "sms_outbox"), rows[0]))
    return snapshot


def case_events(number):
    """Returns the history of a case as dicts, oldest first."""
    keys = ("kind", "from_status", "to_status", "actor_kind", "actor_id",
            "channel", "is_public", "note")
    rows = sql("SELECT e.kind, IFNULL(e.from_status, ''), IFNULL(e.to_status, ''),"
               " e.actor_kind, IFNULL(e.actor_id, ''), IFNULL(e.channel, ''),"
               " e.is_public, IFNULL(e.note, '') FROM case_events e"
               " JOIN cases c ON c.id = e.case_id WHERE c.number = @p1"
               " ORDER BY e.id", number)
    return [dict(zip(keys, row)) for row in rows]


def case_outbox(number):
    """Returns the SMS queued for a case as dicts, oldest first."""
    keys = ("to_number", "lang", "kind", "body", "customer_id")
    rows = sql("SELECT o.to_number, o.lang, o.kind, o.body, IFNULL(o.customer_id, '')"
               " FROM sms_outbox o JOIN cases c ON c.id = o.case_id"
               " WHERE c.number = @p1 ORDER BY o.id", number)
    return [dict(zip(keys, row)) for row in rows]


def alert_text(page):
    """Returns the form-wide message of a page (the first paragraph of
    the element with id form-errors), or None."""
    match = re.search(r'id="form-errors"[^>]*>.*?<p>([^<]*)</p>', page.text, re.S)
    return html.unescape(match.group(1)) if match else None


def queue_numbers(page):
    """Returns the case numbers of the queue's rows, in page order."""
    return re.findall(r'<tr class="[^"]*" data-number="(\d{8})">', page.text)


_DAMM = ((0, 3, 1, 7, 5, 9, 8, 6, 4, 2), (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
         (4, 2, 0, 6, 8, 7, 1, 3, 5, 9), (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
         (6, 1, 2, 3, 0, 4, 5, 9, 7, 8), (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
         (5, 8, 6, 9, 7, 2, 0, 1, 3, 4), (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
         (9, 4, 3, 8, 6, 1, 7, 2, 0, 5), (2, 5, 8, 1, 4, 3, 6, 7, 9, 0))


def with_check_digit(digits):
    """Returns digits followed by their Damm check digit, as case
    numbers are made."""
    interim = 0
    for digit in digits:
        interim = _DAMM[interim][int(digit)]
    return digits + str(interim)


def forget_login_failures(*usernames):
    """Deletes the failed logins of these usernames, so that the limit
    per client address does not lock out the tests that follow."""
    for username in usernames:
        sql("DELETE FROM login_failures WHERE username = @p1", username)


# Helpers of the SMS tests: the stack's Kannel, with fakesmsc as the
# phone network, and bin/tawasul-sms-send.

def kannel_env():
    """Returns the ports and admin password of the stack's Kannel, from
    the kannel.env that scripts/lib.sh writes."""
    env = {}
    with open(os.path.join(VAR, "kannel.env")) as source:
        for line in source:
            name, _, value = line.strip().partition("=")
            env[name] = value
    return env


def run_sender(*args, config=None):
    """Runs bin/tawasul-sms-send once (or with the given arguments) with
    the stack's configuration, logging to sms-send.log; returns its exit
    status."""
    command = [os.path.join(TOP, "bin", "tawasul-sms-send"),
               "-c", config or os.path.join(VAR, "tawasul.hdf"),
               "-l", os.path.join(VAR, "log", "sms-send.log")]
    command += list(args) or ["--once"]
    return subprocess.run(command, timeout=60).returncode


def phone_sends(sender, text, coding="text", receiver="1111", timeout=15):
    """Sends an SMS from a phone through Kannel: a fakesmsc connects to
    the fake SMSC "fakemo", sends one message and is stopped once the
    webhook has stored it. sender is the number as the network gives it,
    coding "text" (UTF-8) or "ucs2". Returns the new sms_inbound row as a
    dict, or raises AssertionError when none arrives in time."""
    import time
    if coding == "ucs2":
        line = "%s %s ucs2 %s" % (sender, receiver, urllib.parse.quote(
            text.encode("utf-16-be"), safe=""))
    else:
        line = "%s %s text %s" % (sender, receiver, text)
    last = int(sql("SELECT IFNULL(MAX(id), 0) FROM sms_inbound")[0][0])
    fake = subprocess.Popen(
        ["/usr/lib/kannel/test/fakesmsc", "-H", "127.0.0.1", "-r",
         kannel_env()["KANNEL_FAKEMO_PORT"], "-m", "1", line],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + timeout
        while time.time() < deadline:
            rows = inbound_rows("id > @p1", last)
            if rows:
                return rows[0]
            time.sleep(0.05)
        raise AssertionError("no inbound SMS stored within %d s" % timeout)
    finally:
        fake.terminate()
        fake.wait(timeout=10)


INBOUND_COLUMNS = ("id", "gateway_message_id", "gateway", "sender", "receiver",
                   "text", "outcome", "detail", "case_id", "staff_id")


def inbound_rows(where="1", *params):
    """Returns rows of sms_inbound as dicts, oldest first."""
    rows = sql("SELECT %s FROM sms_inbound WHERE %s ORDER BY id"
               % (", ".join("IFNULL(%s, '')" % c for c in INBOUND_COLUMNS), where),
               *params)
    return [dict(zip(INBOUND_COLUMNS, row)) for row in rows]


def fakesmsc_lines():
    """Returns what the phone network received: one (receiver, type,
    fields) per line of fakesmsc.log, oldest first."""
    lines = []
    with open(os.path.join(VAR, "log", "fakesmsc.log"), encoding="utf-8",
              errors="replace") as log:
        for line in log:
            match = re.search(r"Got message \d+: <(.*)>$", line.rstrip("\n"))
            if match:
                lines.append(match.group(1).split(" "))
    return lines


def _unquote(value):
    """Decodes Kannel's URL encoding, which writes a space as '+'."""
    return urllib.parse.unquote_to_bytes(value.replace("+", " "))


def phone_messages(receiver):
    """Returns the messages the phone number receiver got, oldest first,
    with the parts of a concatenated SMS joined: dicts with "parts",
    "raw" (the bytes of the text as sent) and "coding", "ucs2" or
    "gsm7". Kannel shows the parts of a long message as "udh" lines
    without their coding, so it is taken from the bytes (_is_utf16)."""
    messages, pending = [], {}
    for fields in fakesmsc_lines():
        if len(fields) < 4 or fields[1] != receiver:
            continue
        kind = fields[2]
        if kind == "text":
            raw = " ".join(fields[3:]).encode("utf-8")
            messages.append({"parts": 1, "raw": raw, "coding": "gsm7"})
        elif kind == "ucs-2":
            messages.append({"parts": 1, "raw": _unquote(fields[3]),
                             "coding": "ucs2"})
        elif kind == "udh" and len(fields) >= 6:
            udh = _unquote(fields[3])
            ref, total, number = udh[3], udh[4], udh[5]
            parts = pending.setdefault(ref, {})
            parts[number] = _unquote(fields[5])
            if len(parts) == total:
                raw = b"".join(parts[i] for i in sorted(parts))
                del pending[ref]
                messages.append({"parts": total, "raw": raw, "coding": None})
    for message in messages:
        if message["coding"] is None:
            message["coding"] = "ucs2" if _is_utf16(message["raw"]) else "gsm7"
        codec = "utf-16-be" if message["coding"] == "ucs2" else "utf-8"
        message["text"] = message["raw"].decode(codec, errors="replace")
    return messages


def _is_utf16(raw):
    """Returns True for the bytes of a UCS-2 part. The texts sent have no
    control characters, so their UTF-8 has no byte below 0x09, while the
    UTF-16 of a space, Latin or Arabic letter has a high byte of 0x00 to
    0x06."""
    return len(raw) % 2 == 0 and any(byte < 0x09 for byte in raw)


def outbox_rows(where="1", *params):
    """Returns rows of sms_outbox as dicts, oldest first."""
    columns = ("id", "to_number", "kind", "body", "status", "attempts",
               "segments", "coding", "shortened", "gateway_answer",
               "last_error", "delivery_report", "claimed_by")
    rows = sql("SELECT %s FROM sms_outbox WHERE %s ORDER BY id"
               % (", ".join("IFNULL(%s, '')" % c for c in columns), where), *params)
    return [dict(zip(columns, row)) for row in rows]


def queue_sms(to_number, body, lang="en", kind="test", age_hours=0):
    """Queues an SMS the way lib/cases.c does, created age_hours ago,
    and returns its id."""
    return int(sql(
        "INSERT INTO sms_outbox (to_number, lang, kind, body, status,"
        " created_at, next_attempt_at) VALUES (@p1, @p2, @p3, @p4, 'queued',"
        " UTC_TIMESTAMP(3) - INTERVAL @p5 HOUR, UTC_TIMESTAMP());"
        " SELECT LAST_INSERT_ID()", to_number, lang, kind, body,
        age_hours)[0][0])
