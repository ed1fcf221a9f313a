"""bin/tawasul-admin against the stack's database: creating each role,
rejected inputs that write nothing, the set-* commands, disabling,
password resets and CSV imports with good and bad rows."""
import hashlib
import os
import re
import stat
import subprocess
import tempfile
import unittest

import stack

ADMIN = os.path.join(stack.TOP, "bin", "tawasul-admin")
CONFIG = os.path.join(stack.VAR, "tawasul.hdf")

ROLES = ("agent", "officer", "field", "qa", "supervisor", "head",
         "executive", "admin")
BOUND_ROLES = ("officer", "head", "field")

_serial = iter(range(1, 1000000))


def new_username(prefix="t"):
    """Returns a username not used before in this run."""
    return "%s%d.%d" % (prefix, os.getpid(), next(_serial))


def admin(*args, stdin=None):
    """Runs tawasul-admin -c CONFIG with args and returns the process,
    with stdout and stderr decoded but their "\\r" kept."""
    result = subprocess.run(
        [ADMIN, "-c", CONFIG] + list(args), capture_output=True, timeout=120,
        input=stdin.encode("utf-8") if stdin is not None else None)
    result.stdout = result.stdout.decode("utf-8")
    result.stderr = result.stderr.decode("utf-8")
    return result


def staff(username):
    """Returns the staff row of username as a dict, or None."""
    rows = stack.sql(
        "SELECT s.role, IFNULL(d.code, ''), IFNULL(s.mobile, ''),"
        " IFNULL(s.email, ''), s.lang, IFNULL(s.password_hash, ''),"
        " s.active, s.display_name, s.id FROM staff s"
        " LEFT JOIN directorates d ON d.id = s.directorate_id"
        " WHERE s.username = @p1", username)
    if not rows:
        return None
    keys = ("role", "directorate", "mobile", "email", "lang", "hash",
            "active", "name", "id")
    return dict(zip(keys, rows[0]))


def password_matches(password, stored):
    """Checks password against a "scrypt$LOG2N$R$P$SALT$KEY" hash with
    Python's own scrypt, independently of lib/password.c."""
    name, log2n, r, p, salt, key = stored.split("$")
    derived = hashlib.scrypt(password.encode("utf-8"),
                             salt=bytes.fromhex(salt), n=1 << int(log2n),
                             r=int(r), p=int(p), maxmem=256 * 1024 * 1024,
                             dklen=len(key) // 2)
    return name == "scrypt" and derived.hex() == key


def add_session(username):
    stack.sql(
        "INSERT INTO staff_sessions (token_hash, staff_id, csrf_token,"
        " created_at, last_seen_at, client_addr) VALUES (SHA2(UUID(), 256),"
        " (SELECT id FROM staff WHERE username = @p1), REPEAT('c', 43),"
        " UTC_TIMESTAMP(), UTC_TIMESTAMP(), '127.0.0.1')", username)


def sessions(username):
    return stack.count("staff_sessions",
                       "staff_id = (SELECT id FROM staff WHERE username = @p1)",
                       username)


def created_password(result):
    """Returns the password printed by create or reset-password."""
    match = re.search(r"password(?: for \S+)?: (\S+)$", result.stdout.strip())
    return match.group(1) if match else None


def create(username, role="agent", *extra, stdin=None):
    """Creates an account with the options a role needs."""
    args = ["create", username, "--name", "Test " + username, "--role", role]
    if role in BOUND_ROLES:
        args += ["--directorate", "roads"]
    if role == "field":
        args += ["--mobile", stack.new_mobile()]
    return admin(*args, *extra, stdin=stdin)


class AdminTestCase(unittest.TestCase):
    def assert_ok(self, result):
        self.assertEqual(result.returncode, 0,
                         "stdout %r, stderr %r" % (result.stdout, result.stderr))
        self.assertEqual(result.stdout.count("\n"), 1, result.stdout)

    def assert_rejected(self, result, reason, status=1):
        """Checks the exit status and the one error line on stderr."""
        self.assertEqual(result.returncode, status,
                         "stdout %r, stderr %r" % (result.stdout, result.stderr))
        self.assertEqual(result.stdout, "")
        lines = result.stderr.splitlines()
        self.assertEqual(len(lines), 1, result.stderr)
        self.assertTrue(lines[0].startswith("tawasul-admin: " + reason),
                        "%r does not start with %r" % (lines[0], reason))
        self.assertGreaterEqual(len(lines[0].split(": ")), 4, lines[0])


class CreateTest(AdminTestCase):
    def test_create_each_role(self):
        for role in ROLES:
            with self.subTest(role=role):
                username = new_username(role[:2])
                result = create(username, role)
                self.assert_ok(result)
                self.assertTrue(result.stdout.startswith(
                    "created user %s (%s)" % (username, role)), result.stdout)
                row = staff(username)
                self.assertEqual(row["role"], role)
                self.assertEqual(row["active"], "1")
                self.assertEqual(row["lang"], "ar")
                if role in BOUND_ROLES:
                    self.assertEqual(row["directorate"], "roads")
                if role == "field":
                    self.assertEqual(row["hash"], "")
                    self.assertIsNone(created_password(result))
                else:
                    self.assertTrue(password_matches(created_password(result),
                                                     row["hash"]))

    def test_create_stores_normalised_values(self):
        username = new_username()
        mobile = stack.new_mobile()
        result = admin("create", username, "--name", "  سالم   الحارثي ",
                       "--role", "supervisor", "--mobile",
                       stack.arabic_indic(mobile), "--email",
                       "Salim.H@Example.OM", "--lang", "en",
                       "--directorate", "waste")
        self.assert_ok(result)
        row = staff(username)
        self.assertEqual(row["name"], "سالم   الحارثي")
        self.assertEqual(row["mobile"], "+968" + mobile)
        self.assertEqual(row["email"], "salim.h@example.om")
        self.assertEqual(row["lang"], "en")
        self.assertEqual(row["directorate"], "waste")

    def test_create_password_stdin(self):
        username = new_username()
        result = create(username, "qa", "--password-stdin",
                        stdin="a long enough pass phrase\n")
        self.assert_ok(result)
        self.assertEqual(result.stdout, "created user %s (qa)\n" % username)
        self.assertTrue(password_matches("a long enough pass phrase",
                                         staff(username)["hash"]))


class RejectTest(AdminTestCase):
    """Each invalid create exits 1 with one line and writes no row."""

    def assert_nothing_written(self, result, username, reason, status=1):
        self.assert_rejected(result, reason, status)
        self.assertIsNone(staff(username))

    def test_bad_username(self):
        before = stack.count("staff")
        result = admin("create", "Bad Name", "--name", "x", "--role", "agent")
        self.assert_rejected(result, 'invalid username: "Bad Name"')
        self.assertEqual(stack.count("staff"), before)

    def test_unknown_role(self):
        username = new_username()
        result = admin("create", username, "--name", "x", "--role", "manager")
        self.assert_nothing_written(result, username,
                                    'unknown role: "manager": use one of')

    def test_officer_without_directorate(self):
        username = new_username()
        result = admin("create", username, "--name", "x", "--role", "officer")
        self.assert_nothing_written(result, username,
                                    'missing directorate: role "officer"')

    def test_unknown_directorate(self):
        username = new_username()
        result = admin("create", username, "--name", "x", "--role", "head",
                       "--directorate", "nowhere")
        self.assert_nothing_written(result, username,
                                    'unknown directorate: "nowhere": use one of roads')

    def test_invalid_mobile(self):
        username = new_username()
        result = admin("create", username, "--name", "x", "--role", "agent",
                       "--mobile", "12345")
        self.assert_nothing_written(result, username,
                                    'invalid mobile number: "12345"')

    def test_field_without_mobile(self):
        username = new_username()
        result = admin("create", username, "--name", "x", "--role", "field",
                       "--directorate", "waste")
        self.assert_nothing_written(result, username,
                                    'missing mobile number: role "field"')

    def test_short_password(self):
        username = new_username()
        result = create(username, "agent", "--password-stdin",
                        stdin="short\n")
        self.assert_nothing_written(result, username,
                                    "invalid password: 5 characters")
        self.assertNotIn("short", result.stderr)

    def test_field_with_password(self):
        username = new_username()
        result = create(username, "field", "--password-stdin",
                        stdin="a long enough pass phrase\n")
        self.assert_nothing_written(result, username,
                                    'password given: role "field"')
        self.assertNotIn("pass phrase", result.stderr)

    def test_duplicate_username(self):
        username = new_username()
        self.assert_ok(create(username, "agent"))
        before = stack.count("staff")
        result = admin("create", username, "--name", "Other", "--role", "qa")
        self.assert_rejected(result, 'username already exists: "%s"' % username)
        self.assertEqual(stack.count("staff"), before)
        self.assertEqual(staff(username)["role"], "agent")

    def test_duplicate_mobile(self):
        first, second = new_username(), new_username()
        mobile = stack.new_mobile()
        self.assert_ok(admin("create", first, "--name", "x", "--role",
                             "agent", "--mobile", mobile))
        result = admin("create", second, "--name", "y", "--role", "agent",
                       "--mobile", "+968 %s %s" % (mobile[:4], mobile[4:]))
        self.assert_nothing_written(
            result, second,
            'mobile number already in use: "+968%s": it belongs to "%s"'
            % (mobile, first))

    def test_missing_option_is_usage_error(self):
        username = new_username()
        result = admin("create", username, "--role", "agent")
        self.assert_nothing_written(result, username,
                                    'missing option: "--name"', status=2)

    def test_password_never_in_arguments(self):
        result = admin("create", new_username(), "--name", "x", "--role",
                       "agent", "--password", "a long enough pass phrase")
        self.assert_rejected(result, 'unknown option: "--password"', status=2)


class ChangeTest(AdminTestCase):
    def test_set_role_and_directorate(self):
        username = new_username()
        self.assert_ok(create(username, "agent"))
        self.assert_rejected(admin("set-role", username, "head"),
                             'missing directorate: role "head"')
        self.assertEqual(staff(username)["role"], "agent")
        self.assert_ok(admin("set-role", username, "head", "--directorate",
                             "parking"))
        self.assertEqual(staff(username)["role"], "head")
        self.assertEqual(staff(username)["directorate"], "parking")
        self.assert_ok(admin("set-directorate", username, "roads"))
        self.assertEqual(staff(username)["directorate"], "roads")
        self.assert_rejected(admin("set-directorate", "--clear", username),
                             "missing directorate: user")
        self.assertEqual(staff(username)["directorate"], "roads")

    def test_set_role_field_removes_password(self):
        username = new_username()
        self.assert_ok(create(username, "officer"))
        add_session(username)
        self.assert_rejected(admin("set-role", username, "field"),
                             "missing mobile number: user")
        self.assertNotEqual(staff(username)["hash"], "")
        self.assert_ok(admin("set-mobile", username, stack.new_mobile()))
        self.assert_ok(admin("set-role", username, "field"))
        self.assertEqual(staff(username)["hash"], "")
        self.assertEqual(sessions(username), 0)
        result = admin("set-role", username, "agent")
        self.assert_ok(result)
        self.assertIn("has no password yet", result.stdout)

    def test_set_mobile(self):
        first, second = new_username(), new_username()
        mobile = stack.new_mobile()
        self.assert_ok(create(first, "agent"))
        self.assert_ok(create(second, "agent"))
        result = admin("set-mobile", first, mobile)
        self.assert_ok(result)
        self.assertEqual(result.stdout, "set mobile number of %s to +968%s\n"
                         % (first, mobile))
        self.assert_rejected(admin("set-mobile", second, mobile),
                             "mobile number already in use")
        self.assertEqual(staff(second)["mobile"], "")
        self.assert_ok(admin("set-mobile", "--clear", first))
        self.assertEqual(staff(first)["mobile"], "")

    def test_unknown_user(self):
        for args in (("disable",), ("enable",), ("set-role", "agent"),
                     ("set-mobile", stack.new_mobile()), ("reset-password",)):
            with self.subTest(command=args[0]):
                result = admin(args[0], "nobody.here", *args[1:])
                self.assert_rejected(result, 'unknown user: "nobody.here"')


class DisableTest(AdminTestCase):
    def test_disable_deletes_sessions(self):
        username, other = new_username(), new_username()
        self.assert_ok(create(username, "officer"))
        self.assert_ok(create(other, "agent"))
        add_session(username)
        add_session(username)
        add_session(other)
        result = admin("disable", username)
        self.assert_ok(result)
        self.assertEqual(result.stdout,
                         "disabled user %s and ended 2 sessions\n" % username)
        self.assertEqual(staff(username)["active"], "0")
        self.assertEqual(sessions(username), 0)
        self.assertEqual(sessions(other), 1)

    def test_enable_after_disable(self):
        username = new_username()
        self.assert_ok(create(username, "agent"))
        self.assert_ok(admin("disable", username))
        result = admin("create", username, "--name", "x", "--role", "agent")
        self.assert_rejected(result, "username already exists")
        self.assertIn("enable the disabled account", result.stderr)
        self.assert_ok(admin("enable", username))
        self.assertEqual(staff(username)["active"], "1")


class ResetPasswordTest(AdminTestCase):
    def test_reset_changes_hash(self):
        username = new_username()
        self.assert_ok(create(username, "supervisor"))
        old = staff(username)["hash"]
        add_session(username)
        stack.sql("INSERT INTO login_failures (at, username, client_addr)"
                  " VALUES (UTC_TIMESTAMP(), @p1, '127.0.0.1')", username)
        result = admin("reset-password", username)
        self.assert_ok(result)
        password = created_password(result)
        new = staff(username)["hash"]
        self.assertNotEqual(new, old)
        self.assertTrue(password_matches(password, new))
        self.assertEqual(sessions(username), 0)
        self.assertEqual(stack.count("login_failures", "username = @p1",
                                     username), 0)

    def test_reset_from_stdin(self):
        username = new_username()
        self.assert_ok(create(username, "admin"))
        result = admin("reset-password", username, "--password-stdin",
                       stdin="another pass phrase\r\n")
        self.assert_ok(result)
        self.assertEqual(result.stdout,
                         "changed the password of %s\n" % username)
        self.assertTrue(password_matches("another pass phrase",
                                         staff(username)["hash"]))

    def test_reset_rejects_short_password(self):
        username = new_username()
        self.assert_ok(create(username, "agent"))
        old = staff(username)["hash"]
        result = admin("reset-password", username, "--password-stdin",
                       stdin="tiny\n")
        self.assert_rejected(result, "invalid password: 4 characters")
        self.assertEqual(staff(username)["hash"], old)

    def test_reset_rejects_field_staff(self):
        username = new_username()
        self.assert_ok(create(username, "field"))
        result = admin("reset-password", username)
        self.assert_rejected(result, "field staff have no password")
        self.assertEqual(staff(username)["hash"], "")


def csv_file(text):
    """Writes text to a temporary CSV file and returns its path."""
    handle, path = tempfile.mkstemp(suffix=".csv")
    with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
        out.write(text)
    return path


HEADER = "username,display_name,role,directorate,mobile,email,lang,password"


class ImportTest(AdminTestCase):
    def setUp(self):
        self.paths = []

    def tearDown(self):
        for path in self.paths:
            os.unlink(path)

    def write(self, lines, bom=False):
        path = csv_file(("\ufeff" if bom else "") + "\r\n".join(lines) + "\r\n")
        self.paths.append(path)
        return path

    def test_import_good_and_bad_rows(self):
        u = [new_username("i") for _ in range(4)]
        field_mobile = stack.new_mobile()
        lines = [
            HEADER,                                                      # 1
            '%s,"الحارثي, سالم",agent,,,S@Example.om,ar,' % u[0],        # 2
            '%s,فاطمة البلوشي,field,waste,%s,,,' % (u[1], field_mobile),  # 3
            '%s,"Salim ""Abu Ahmed"" Al Harthy",officer,roads,,,en,'
            '"pass phrase, with a comma"' % u[2],                        # 4
            '%s,bad mobile,agent,,12345,,,' % new_username("x"),         # 5
            '%s,duplicate,qa,,,,,' % u[0],                                # 6
            '%s,unknown role,manager,,,,,' % new_username("x"),          # 7
            '%s,too few fields,agent' % new_username("x"),               # 8
            '',                                                          # 9
            '%s,"two\nlines",supervisor,,,,,' % u[3],                    # 10-11
            '%s,same mobile,field,roads,+968%s,,,' % (
                new_username("x"), field_mobile),                        # 12
            '%s,no directorate,officer,,,,,' % new_username("x"),        # 13
            '%s,"open quote,agent,,,,,' % new_username("x"),             # 14
        ]
        path = self.write(lines, bom=True)
        before = stack.count("staff")
        result = admin("import", path, "--print-passwords")
        self.assertEqual(result.returncode, 1, result.stderr)
        out = result.stdout.splitlines()
        self.assertEqual(out[0], "accepted 4 of 11 rows")
        self.assertEqual(out[1], "rejected 7 of 11 rows")
        rejected = [line for line in out if line.startswith("line ")]
        expected = [
            ("line 5: ", 'invalid mobile number: "12345"'),
            ("line 6: ", 'username already exists: "%s"' % u[0]),
            ("line 7: ", 'unknown role: "manager"'),
            ("line 8: ", "wrong number of fields: 3"),
            ("line 12: ", 'mobile number already in use: "+968%s"'
             % field_mobile),
            ("line 13: ", 'missing directorate: role "officer"'),
            ("line 14: ", "unterminated quoted field: field 2"),
        ]
        self.assertEqual(len(rejected), 7, result.stdout)
        for line, (number, reason) in zip(rejected, expected):
            self.assertTrue(line.startswith(number + reason),
                            "%r, expected %r" % (line, number + reason))
        self.assertEqual(stack.count("staff"), before + 4)
        self.assertIn("\rprocessed 11/11 rows: 4 accepted, 7 rejected",
                      result.stderr)
        self.assertTrue(result.stderr.rstrip().endswith(
            "tawasul-admin: import rejected 7 of 11 rows: %s: fix the rows"
            " listed in the summary and import only those again" % path),
            result.stderr)

        first = staff(u[0])
        self.assertEqual(first["name"], "الحارثي, سالم")
        self.assertEqual(first["email"], "s@example.om")
        passwords = dict(re.findall(r"^password for (\S+): (\S+)$",
                                    result.stdout, re.M))
        self.assertEqual(sorted(passwords), sorted([u[0], u[3]]))
        self.assertTrue(password_matches(passwords[u[0]], first["hash"]))
        self.assertEqual(staff(u[1])["name"], "فاطمة البلوشي")
        self.assertEqual(staff(u[1])["hash"], "")
        self.assertEqual(staff(u[1])["mobile"], "+968" + field_mobile)
        self.assertEqual(staff(u[2])["name"], 'Salim "Abu Ahmed" Al Harthy')
        self.assertTrue(password_matches("pass phrase, with a comma",
                                         staff(u[2])["hash"]))
        self.assertEqual(staff(u[3])["name"], "two lines")

    def test_import_summary_file(self):
        users = [new_username("s"), new_username("s")]
        path = self.write([HEADER] + ["%s,Name %d,agent,,,,en," % (user, i)
                                      for i, user in enumerate(users)])
        summary = path + ".summary"
        self.paths.append(summary)
        result = admin("import", path, "--summary", summary)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout,
                         "accepted 2 of 2 rows; summary in %s\n" % summary)
        self.assertEqual(stat.S_IMODE(os.stat(summary).st_mode), 0o600)
        with open(summary, encoding="utf-8") as source:
            text = source.read()
        self.assertTrue(text.startswith("accepted 2 of 2 rows\n"
                                        "rejected 0 of 2 rows\n"), text)
        self.assertNotIn("password for", text)
        self.assertIn("generated passwords of 2 accounts are not shown", text)
        for user in users:
            self.assertEqual(staff(user)["lang"], "en")

    def test_import_rejects_bad_header(self):
        user = new_username("h")
        path = self.write(["username,name,role,directorate,mobile,email,"
                           "lang,password", "%s,x,agent,,,,," % user])
        result = admin("import", path)
        self.assert_rejected(result, 'invalid CSV header: field 2 is "name"')
        self.assertIsNone(staff(user))

    def test_import_missing_file(self):
        result = admin("import", "/nonexistent/staff.csv")
        self.assert_rejected(result, "import file not readable: "
                             "/nonexistent/staff.csv (")


class ListTest(AdminTestCase):
    def test_list_tsv(self):
        username = new_username()
        self.assert_ok(admin("create", username, "--name", "مريم", "--role",
                             "head", "--directorate", "health"))
        self.assert_ok(admin("disable", username))
        result = admin("list", "--tsv", "--directorate", "health")
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = result.stdout.splitlines()
        self.assertEqual(lines[0], "username\tdisplay_name\trole\tdirectorate"
                         "\tmobile\temail\tlang\tstatus\tpassword")
        self.assertIn("%s\tمريم\thead\thealth\t\t\tar\tdisabled\tset"
                      % username, lines)

    def test_list_table(self):
        username = new_username()
        self.assert_ok(create(username, "field"))
        result = admin("list", "--role", "field")
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = result.stdout.splitlines()
        self.assertTrue(lines[0].startswith("username"))
        row = [line for line in lines if line.startswith(username + " ")]
        self.assertEqual(len(row), 1, result.stdout)
        self.assertEqual(row[0].split()[-4:-1], ["-", "ar", "active"])
        self.assertTrue(row[0].endswith("none"))


if __name__ == "__main__":
    unittest.main()
