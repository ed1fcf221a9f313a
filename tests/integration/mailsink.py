"""Helpers of the e-mail tests: the outbox, bin/tawasul-mail-send and the
messages the loopback SMTP sink (scripts/mail-sink) wrote to $VAR/mail."""
import email
import email.policy
import os
import re
import subprocess
import tempfile
import time

import stack

MAIL_DIR = os.path.join(stack.VAR, "mail")
COLUMNS = ("id", "to_addr", "lang", "kind", "subject", "body", "status",
           "attempts", "last_error", "claimed_by", "staff_id", "case_id")


def run_sender(*args, config=None):
    """Runs bin/tawasul-mail-send (--once unless arguments are given)
    with the stack's configuration; returns its exit status."""
    command = [os.path.join(stack.TOP, "bin", "tawasul-mail-send"),
               "-c", config or os.path.join(stack.VAR, "tawasul.hdf"),
               "-l", os.path.join(stack.VAR, "log", "mail-send.log")]
    command += list(args) or ["--once"]
    return subprocess.run(command, timeout=120).returncode


def config_with(**settings):
    """Writes a copy of the stack's configuration with the given keys of
    the Mail section changed (SmtpUrl="..."), and returns its path. The
    caller deletes it."""
    with open(os.path.join(stack.VAR, "tawasul.hdf"), encoding="utf-8") as f:
        text = f.read()
    for key, value in settings.items():
        text, n = re.subn(r"(?m)^(\s*)%s = .*$" % key,
                          lambda m: "%s%s = %s" % (m.group(1), key, value), text)
        assert n == 1, key
    fd, path = tempfile.mkstemp(suffix=".hdf", dir=stack.VAR)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def queue(to_addr, subject, body, lang="en", kind="test", age_hours=0):
    """Queues an e-mail the way lib/mail.c does, created age_hours ago,
    and returns its id."""
    return int(stack.sql(
        "INSERT INTO mail_outbox (to_addr, lang, kind, subject, body,"
        " status, created_at, next_attempt_at) VALUES (@p1, @p2, @p3, @p4,"
        " @p5, 'queued', UTC_TIMESTAMP(3) - INTERVAL @p6 HOUR,"
        " UTC_TIMESTAMP()); SELECT LAST_INSERT_ID()",
        to_addr, lang, kind, subject, body, age_hours)[0][0])


def outbox(where="1", *params):
    """Returns rows of mail_outbox as dicts, oldest first. Subject and
    body come back with newlines as the client prints them (\\n)."""
    rows = stack.sql("SELECT %s FROM mail_outbox WHERE %s ORDER BY id" % (
        ", ".join("IFNULL(%s, '')" % c for c in COLUMNS), where), *params)
    return [dict(zip(COLUMNS, row)) for row in rows]


def row(row_id):
    return outbox("id = @p1", row_id)[0]


def park_queued():
    """Moves the queued rows of earlier tests out of the way, so a run
    sends only this test's rows."""
    stack.sql("UPDATE mail_outbox SET next_attempt_at = UTC_TIMESTAMP()"
              " + INTERVAL 1 DAY WHERE status = 'queued'")


def messages():
    """Returns the messages the sink received, oldest first, each parsed
    with the standard library's e-mail package."""
    found = []
    for name in sorted(os.listdir(MAIL_DIR)):
        if name.endswith(".eml"):
            with open(os.path.join(MAIL_DIR, name), "rb") as source:
                found.append(email.message_from_binary_file(
                    source, policy=email.policy.default))
    return found


def messages_to(address, count=None, timeout=10):
    """Returns the messages to address; with count, waits up to timeout
    seconds for that many to arrive."""
    deadline = time.time() + timeout
    while True:
        found = [m for m in messages() if m["To"] is not None
                 and address in str(m["To"])]
        if count is None or len(found) >= count or time.time() > deadline:
            return found
        time.sleep(0.1)


def raw_messages_to(address):
    """Returns the undecoded bytes of the messages to address."""
    found = []
    for name in sorted(os.listdir(MAIL_DIR)):
        if name.endswith(".eml"):
            with open(os.path.join(MAIL_DIR, name), "rb") as source:
                data = source.read()
            if ("To: %s" % address).encode() in data:
                found.append(data)
    return found
