#!/usr/bin/env python3
"""Generate the CSRF pair and one-time form tokens for the benchmark.

The tokens are computed the way lib/token.c and lib/csrf.c compute them,
with the site key from a stack's secrets.hdf. For one day after it is
generated, the portal accepts each form token and files one case with
it. A second post of the same token gets a redirect to that case and
files none. Usage:

    tokens.py csrf SECRETS            prints "COOKIE FIELD"
    tokens.py form SECRETS COUNT FILE writes COUNT form tokens, one a line

A form token is "NONCE.ISSUED.MAC": 32 lower-case hex digits, the Unix
time in seconds and base64url(HMAC-SHA256(key, "form" NUL "NONCE.ISSUED"))
without padding. The CSRF field is base64url(HMAC-SHA256(key, "csrf" NUL
COOKIE)), where COOKIE is the 43-character value of the tw_csrf cookie.
Only the standard library is used.
"""
import base64
import hashlib
import hmac
import secrets
import sys
import time


def read_key(path):
    """Return the value of "Secrets.Key" in a secrets.hdf file as bytes."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            name, sep, value = line.partition("=")
            if sep and name.strip() == "Secrets.Key":
                return value.strip().encode("utf-8")
    sys.exit("error: no Secrets.Key line in %s" % path)


def mac(key, purpose, data):
    """Return base64url(HMAC-SHA256(key, purpose NUL data)) without padding."""
    digest = hmac.new(key, purpose + b"\0" + data, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def csrf_pair(key):
    """Return a random tw_csrf cookie value and its CSRF field value."""
    cookie = secrets.token_urlsafe(32)  # 32 bytes are 43 base64url characters
    return cookie, mac(key, b"csrf", cookie.encode("ascii"))


def form_tokens(key, count, issued):
    """Yield count form tokens issued at Unix time issued, with fresh nonces."""
    for _ in range(count):
        head = "%s.%d" % (secrets.token_hex(16), issued)
        yield "%s.%s" % (head, mac(key, b"form", head.encode("ascii")))


def main(argv):
    if len(argv) == 3 and argv[1] == "csrf":
        print("%s %s" % csrf_pair(read_key(argv[2])))
        return 0
    if len(argv) == 5 and argv[1] == "form":
        key = read_key(argv[2])
        count = int(argv[3])
        with open(argv[4], "w", encoding="ascii") as out:
            for token in form_tokens(key, count, int(time.time())):
                out.write(token + "\n")
        return 0
    sys.stderr.write("usage: tokens.py csrf SECRETS\n"
                     "       tokens.py form SECRETS COUNT FILE\n")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
