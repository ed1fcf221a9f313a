#!/usr/bin/env python3
"""Whole phone calls against /ivr/ as the IVR provider makes them: each
thread is one caller line that places calls one after another, each call
nine signed POSTs (greeting, language, main menu, case status, back to
the menu, procedures, a procedure, the voice complaint and its
recording callback, then the call-status callback). Prints one line per
step with the response times in milliseconds.

Usage: ivr-calls.py BASE_URL TOKEN CASE_NUMBER CONCURRENT CALLS_EACH
"""
import base64
import hashlib
import hmac
import http.client
import re
import secrets
import statistics
import sys
import threading
import time
import urllib.parse

BASE, TOKEN, NUMBER = sys.argv[1], sys.argv[2], sys.argv[3]
CONCURRENT, CALLS = int(sys.argv[4]), int(sys.argv[5])
HOST = urllib.parse.urlsplit(BASE)
STEPS = ("voice", "lang", "menu", "status", "menu-3", "procedure", "menu-2",
         "recorded", "recording", "end")
times = {step: [] for step in STEPS}
failures = []
lock = threading.Lock()


def sign(url, fields):
    data = url + "".join(k + fields[k] for k in sorted(fields))
    mac = hmac.new(TOKEN.encode(), data.encode("utf-8"), hashlib.sha1)
    return base64.b64encode(mac.digest()).decode("ascii")


class Caller:
    def __init__(self, line):
        self.conn = http.client.HTTPConnection(HOST.hostname, HOST.port,
                                               timeout=60)
        self.phone = "+9689%07d" % (5000000 + line)

    def post(self, step, path, **extra):
        fields = {"CallSid": self.sid, "From": self.phone, "To": "+9681111"}
        fields.update(extra)
        body = urllib.parse.urlencode(fields)
        headers = {"Content-Type": "application/x-www-form-urlencoded",
                   "X-Twilio-Signature": sign(BASE + path, fields)}
        start = time.monotonic()
        self.conn.request("POST", path, body, headers)
        response = self.conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        elapsed = (time.monotonic() - start) * 1000
        with lock:
            times[step].append(elapsed)
            if response.status != 200:
                failures.append((step, response.status))
        return text

    def action(self, text, tag="Gather", attribute="action"):
        match = re.search(r'<%s [^>]*%s="([^"]+)"' % (tag, attribute), text)
        return match.group(1).replace("&amp;", "&")

    def call(self):
        self.sid = "CA" + secrets.token_hex(16)
        text = self.post("voice", "/ivr/voice")
        text = self.post("lang", self.action(text), Digits="2")
        text = self.post("menu", self.action(text), Digits="1")
        text = self.post("status", self.action(text), Digits=NUMBER)
        text = self.post("menu-3", self.action(text), Digits="3")
        text = self.post("procedure", self.action(text), Digits="1")
        text = self.post("menu-2", self.action(text), Digits="2")
        record = self.action(text, "Record")
        callback = self.action(text, "Record", "recordingStatusCallback")
        url = "https://recordings.example.invalid/RE" + self.sid[2:]
        self.post("recorded", record, RecordingUrl=url,
                  RecordingDuration="20", Digits="#")
        self.post("recording", callback, RecordingUrl=url,
                  RecordingDuration="20", RecordingStatus="completed")
        self.post("end", "/ivr/end", CallStatus="completed")


def line(n):
    caller = Caller(n)
    for _ in range(CALLS):
        try:
            caller.call()
        except Exception as err:  # a failed call is counted, not fatal
            with lock:
                failures.append(("call", repr(err)))
            caller = Caller(n)


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1)]


started = time.monotonic()
threads = [threading.Thread(target=line, args=(n,)) for n in range(CONCURRENT)]
for t in threads:
    t.start()
for t in threads:
    t.join()
seconds = time.monotonic() - started
total = sum(len(v) for v in times.values())
for step in STEPS:
    v = times[step]
    if v:
        print("STEP %s n=%d p50=%.1f p95=%.1f p99=%.1f max=%.1f" % (
            step, len(v), statistics.median(v), percentile(v, 95),
            percentile(v, 99), max(v)))
print("TOTAL calls=%d requests=%d seconds=%.1f rps=%.1f failures=%d" % (
    CONCURRENT * CALLS, total, seconds, total / seconds, len(failures)))
for failure in failures[:10]:
    print("FAILURE %s %s" % failure)
