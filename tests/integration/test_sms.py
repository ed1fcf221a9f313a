"""The SMS channel end to end through the stack's Kannel. The outbox
goes from bin/tawasul-sms-send to fakesmsc with the right coding and
segment count, and delivery reports come back. Failed messages are
retried. Texts from fakesmsc reach /hooks/sms/inbound through smsbox,
including field staff's commands. A sender killed at random moments
loses nothing."""
import base64
import hashlib
import hmac
import os
import random
import re
import signal
import subprocess
import tempfile
import time
import unittest
import uuid

import stack

RUN = "%d-%d" % (os.getpid(), random.randrange(1000000))
_serial = iter(range(1, 1000000))


def unique(text):
    """Returns text with a marker no other message of this run has."""
    return "%s %s-%d" % (text, RUN, next(_serial))


def new_phone():
    """Returns an E.164 mobile number that no resident, staff member or
    SMS of this database has, even after another module seeded
    residents with random numbers."""
    while True:
        phone = "+968" + stack.new_mobile()
        used = stack.sql(
            "SELECT (SELECT COUNT(*) FROM customers WHERE mobile = @p1)"
            " + (SELECT COUNT(*) FROM staff WHERE mobile = @p1)"
            " + (SELECT COUNT(*) FROM sms_outbox WHERE to_number = @p1)"
            " + (SELECT COUNT(*) FROM sms_inbound WHERE sender = @p1)",
            phone)[0][0]
        if used == "0":
            return phone


def wait_for(condition, timeout=15, what="the condition"):
    """Polls condition() until it returns something true; returns that."""
    deadline = time.time() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.time() > deadline:
            raise AssertionError("timed out after %d s waiting for %s"
                                 % (timeout, what))
        time.sleep(0.05)


def messages_at(phone, count, timeout=15):
    """Waits until the phone has received count messages; returns them."""
    return wait_for(lambda: (lambda m: m if len(m) >= count else None)(
        stack.phone_messages(phone)), timeout,
        "%d messages at the phone" % count)


def outbox(row_id):
    return stack.outbox_rows("id = @p1", row_id)[0]


def secrets():
    return stack._read_hdf(os.path.join(stack.VAR, "secrets.hdf"))


def inbound_token():
    return secrets()["Secrets.SmsInbound.kannel"]


def dlr_token(row_id):
    """The token lib/sms.c puts in the delivery-report URL of a row:
    base64url(HMAC-SHA256(Secrets.Key, "sms-dlr" NUL id))."""
    mac = hmac.new(stack.secret().encode(), b"sms-dlr\0" + str(row_id).encode(),
                   hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def post_inbound(sender, text, message_id=None, token=None, method="POST"):
    """Calls the inbound webhook as a gateway does."""
    fields = {"token": inbound_token() if token is None else token,
              "from": sender, "to": "1111", "text": text,
              "id": str(uuid.uuid4()) if message_id is None else message_id}
    browser = stack.Browser()
    if method == "GET":
        return browser.get("/hooks/sms/inbound?" + stack.urllib.parse.urlencode(fields))
    return browser.post("/hooks/sms/inbound", fields)


def get_dlr(row_id, token, dlr_type, text=""):
    query = stack.urllib.parse.urlencode(
        {"id": row_id, "token": token, "type": dlr_type, "text": text})
    return stack.Browser().get("/hooks/sms/dlr?" + query)


def replies_to(phone):
    """Returns the bodies queued to a phone number, oldest first."""
    return [row["body"] for row in stack.outbox_rows("to_number = @p1", phone)]


def case_row(number):
    keys = ("id", "status", "channel", "category", "directorate", "lang",
            "description", "assigned_staff_id")
    rows = stack.sql(
        "SELECT c.id, c.status, c.channel, k.code, d.code, c.lang,"
        " c.description, IFNULL(c.assigned_staff_id, '') FROM cases c"
        " JOIN categories k ON k.id = c.category_id"
        " JOIN directorates d ON d.id = c.directorate_id"
        " WHERE c.number = @p1", number)
    return dict(zip(keys, rows[0]))


def number_of_case(case_id):
    return stack.sql("SELECT number FROM cases WHERE id = @p1", case_id)[0][0]


def sms_text(lang, key, **values):
    text = stack.message(lang, key)
    for name, value in values.items():
        text = text.replace("{%s}" % name, value)
    return text


def park_queued():
    """Moves the queued rows' next attempt to 2099, so that the next
    sender run sends only the rows queued after this call."""
    stack.sql("UPDATE sms_outbox SET next_attempt_at = '2099-01-01'"
              " WHERE status = 'queued'")


def setUpModule():
    # Rows other modules queued would keep the sender busy for minutes
    # at Kannel's pace.
    park_queued()


class OutboundTest(unittest.TestCase):
    """Texts reach the phone network in the coding and number of parts
    that the outbox row records."""

    def send(self, body, lang="en"):
        phone = new_phone()
        row_id = stack.queue_sms(phone, body, lang=lang)
        self.assertEqual(stack.run_sender(), 0)
        row = outbox(row_id)
        self.assertIn(row["status"], ("sent", "delivered"), row)
        message = messages_at(phone, 1)[0]
        return row, message

    def assert_sent(self, body, coding, segments):
        row, message = self.send(body)
        self.assertEqual(message["coding"], coding, "coding at the phone")
        self.assertEqual(message["parts"], segments, "parts at the phone")
        self.assertEqual(message["text"], body)
        self.assertEqual(row["coding"], "2" if coding == "ucs2" else "0")
        self.assertEqual(row["segments"], str(segments))
        self.assertEqual(row["shortened"], "0")
        self.assertTrue(row["gateway_answer"].startswith("202 "), row)

    def test_gsm_single_part(self):
        self.assert_sent(unique("Your case is registered."), "gsm7", 1)

    def test_gsm_extension_counts_two(self):
        # 158 characters and a euro sign, which takes 2 septets: 160,
        # one part. Two euro signs make 162 septets: two parts.
        body = unique("x")
        body += "x" * (158 - len(body)) + "€"
        self.assert_sent(body, "gsm7", 1)
        self.assert_sent(body[:-1] + "€€", "gsm7", 2)

    def test_arabic_ucs2_segments(self):
        base = unique("بلاغ")
        self.assert_sent(base + " " + "ب" * (70 - len(base) - 1), "ucs2", 1)
        self.assert_sent(base + " " + "ب" * (71 - len(base) - 1), "ucs2", 2)
        self.assert_sent(base + " " + "ب" * (150 - len(base) - 1), "ucs2", 3)

    def test_mixed_arabic_english(self):
        self.assert_sent(unique("Case 10000012: تم استلام بلاغك، thank you"),
                         "ucs2", 1)

    def test_emoji_counts_surrogates(self):
        # 40 emoji are 80 UTF-16 units: two parts of at most 67.
        self.assert_sent(unique("👍 thanks"), "ucs2", 1)
        self.assert_sent(unique("x") + " " + "😀" * 40, "ucs2", 2)

    def test_sms_log_prints_each_message_whole(self):
        """scripts/sms-log decodes one-part and concatenated messages in
        both codings and joins the parts."""
        bodies = [unique("Short"),
                  unique("Long") + " " + "words " * 40,
                  unique("بلاغ") + " قصير",
                  unique("بلاغ") + " " + "طويل " * 30]
        sent = []
        for body in bodies:
            row, _ = self.send(body.strip())
            sent.append((row["to_number"], body.strip()))
        out = subprocess.run(
            [os.path.join(stack.TOP, "scripts", "sms-log")],
            env=dict(os.environ, TW_VAR=stack.VAR), capture_output=True,
            text=True, check=True).stdout.splitlines()
        for phone, body in sent:
            self.assertIn("%s\t%s" % (phone, body), out)

    def test_long_text_shortened(self):
        body = unique("Long")
        words = " ".join(["word%d" % i for i in range(200)])
        body = body + " " + words
        row, message = self.send(body)
        self.assertEqual(row["shortened"], "1")
        self.assertEqual(row["segments"], "5", "Sms.MaxSegments")
        self.assertEqual(message["parts"], 5)
        self.assertTrue(message["text"].endswith("..."), message["text"][-20:])
        kept = message["text"][:-3]
        self.assertTrue(body.startswith(kept))
        self.assertEqual(body[len(kept)], " ", "cut at a word")
        self.assertEqual(row["body"], body, "the outbox keeps the whole text")

    def test_delivery_report_updates_row(self):
        row, _ = self.send(unique("Delivery report test"))
        row = wait_for(lambda: (lambda r: r if r["status"] == "delivered"
                                else None)(outbox(row["id"])),
                       what="status delivered")
        self.assertTrue(row["delivery_report"].startswith("1"), row)
        delivered = stack.sql("SELECT delivered_at IS NOT NULL, sent_at IS NOT NULL"
                              " FROM sms_outbox WHERE id = @p1", row["id"])[0]
        self.assertEqual(delivered, ["1", "1"])

    def test_two_senders_never_share_rows(self):
        phone = new_phone()
        bodies = [unique("Parallel") for _ in range(60)]
        for body in bodies:
            stack.queue_sms(phone, body)
        senders = [subprocess.Popen(
            [os.path.join(stack.TOP, "bin", "tawasul-sms-send"), "-c",
             os.path.join(stack.VAR, "tawasul.hdf"), "--once", "--batch", "3",
             "-l", os.path.join(stack.VAR, "log", "sms-send.log")])
            for _ in range(3)]
        for sender in senders:
            self.assertEqual(sender.wait(timeout=60), 0)
        messages_at(phone, len(bodies))
        time.sleep(0.5)
        texts = [m["text"] for m in stack.phone_messages(phone)]
        self.assertEqual(sorted(texts), sorted(bodies), "each message once")
        self.assertEqual(stack.count("sms_outbox", "to_number = @p1 AND"
                                     " status IN ('sent', 'delivered')", phone),
                         len(bodies))


class RetryTest(unittest.TestCase):
    """Failures: retries with backoff, giving up, permanent rejection."""

    @classmethod
    def setUpClass(cls):
        # The same configuration with a gateway nothing listens on.
        with open(os.path.join(stack.VAR, "tawasul.hdf"), encoding="utf-8") as f:
            text = f.read()
        text = re.sub(r"GatewayUrl = \S+",
                      "GatewayUrl = http://127.0.0.1:1/cgi-bin/sendsms", text)
        fd, cls.down_config = tempfile.mkstemp(suffix=".hdf", dir=stack.VAR)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)

    @classmethod
    def tearDownClass(cls):
        os.unlink(cls.down_config)

    def setUp(self):
        # A sender stops after 3 requests without an answer, so rows of
        # other tests must not come first.
        park_queued()

    def seconds_to_next_attempt(self, row_id):
        return int(stack.sql("SELECT TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(),"
                             " next_attempt_at) FROM sms_outbox WHERE id = @p1",
                             row_id)[0][0])

    def test_gateway_down_retries_with_backoff(self):
        row_id = stack.queue_sms(new_phone(), unique("Retry"))
        self.assertEqual(stack.run_sender(config=self.down_config), 0)
        row = outbox(row_id)
        self.assertEqual(row["status"], "queued")
        self.assertEqual(row["attempts"], "1")
        self.assertIn("request failed", row["last_error"])
        self.assertEqual(row["claimed_by"], "")
        self.assertTrue(25 <= self.seconds_to_next_attempt(row_id) <= 31,
                        self.seconds_to_next_attempt(row_id))
        # Not due yet: another run leaves it alone.
        self.assertEqual(stack.run_sender(config=self.down_config), 0)
        self.assertEqual(outbox(row_id)["attempts"], "1")
        # The fourth attempt waits 30 s * 2^3.
        stack.sql("UPDATE sms_outbox SET attempts = 3,"
                  " next_attempt_at = UTC_TIMESTAMP() WHERE id = @p1", row_id)
        stack.run_sender(config=self.down_config)
        self.assertEqual(outbox(row_id)["attempts"], "4")
        self.assertTrue(235 <= self.seconds_to_next_attempt(row_id) <= 241)
        # The gateway is back: the next due attempt sends it.
        stack.sql("UPDATE sms_outbox SET next_attempt_at = UTC_TIMESTAMP()"
                  " WHERE id = @p1", row_id)
        stack.run_sender()
        row = outbox(row_id)
        self.assertIn(row["status"], ("sent", "delivered"))
        self.assertEqual(row["attempts"], "5")
        self.assertEqual(row["last_error"], "")

    def test_unreachable_gateway_stops_run(self):
        phone = new_phone()
        ids = [stack.queue_sms(phone, unique("Unreachable")) for _ in range(6)]
        self.assertEqual(stack.run_sender("--once", "--batch", "6",
                                          config=self.down_config), 0)
        rows = [outbox(row_id) for row_id in ids]
        self.assertEqual([row["attempts"] for row in rows],
                         ["1", "1", "1", "0", "0", "0"])
        self.assertEqual({row["status"] for row in rows}, {"queued"})
        self.assertEqual({row["claimed_by"] for row in rows}, {""}, "put back")
        self.assertEqual(stack.run_sender(), 0)
        self.assertEqual(len(messages_at(phone, 3)), 3, "the rest sent next run")

    def test_gives_up_after_limit(self):
        row_id = stack.queue_sms(new_phone(), unique("Too old"), age_hours=49)
        stack.run_sender(config=self.down_config)
        row = outbox(row_id)
        self.assertEqual(row["status"], "failed")
        self.assertTrue(row["last_error"].startswith("given up after 1 attempts"),
                        row["last_error"])
        self.assertIn("request failed", row["last_error"])

    def test_last_attempt_at_give_up_time(self):
        row_id = stack.queue_sms(new_phone(), unique("Nearly old"), age_hours=47)
        stack.sql("UPDATE sms_outbox SET attempts = 15 WHERE id = @p1", row_id)
        stack.run_sender(config=self.down_config)
        self.assertEqual(outbox(row_id)["status"], "queued")
        self.assertTrue(3500 <= self.seconds_to_next_attempt(row_id) <= 3601)

    def test_permanent_rejection_not_retried(self):
        row_id = stack.queue_sms("+968ABC", unique("Bad number"))
        stack.run_sender()
        row = outbox(row_id)
        self.assertEqual(row["status"], "failed")
        self.assertEqual(row["attempts"], "1")
        self.assertTrue(row["gateway_answer"].startswith("400 "), row)
        stack.sql("UPDATE sms_outbox SET next_attempt_at = UTC_TIMESTAMP()"
                  " WHERE id = @p1", row_id)
        stack.run_sender()
        self.assertEqual(outbox(row_id)["attempts"], "1", "never retried")

    def test_sender_help(self):
        out = subprocess.run([os.path.join(stack.TOP, "bin", "tawasul-sms-send"),
                              "--help"], capture_output=True, text=True)
        self.assertEqual(out.returncode, 0)
        self.assertIn("--loop", out.stdout)
        bad = subprocess.run([os.path.join(stack.TOP, "bin", "tawasul-sms-send"),
                              "-c", "x", "--batch", "0"], capture_output=True,
                             text=True)
        self.assertEqual(bad.returncode, 2)
        self.assertIn("--batch", bad.stderr)

    def test_senders_report_bad_log_path(self):
        for program in ("tawasul-sms-send", "tawasul-mail-send"):
            with self.subTest(program=program):
                out = subprocess.run(
                    [os.path.join(stack.TOP, "bin", program), "-c",
                     os.path.join(stack.VAR, "tawasul.hdf"), "-l",
                     "/nonexistent/dir/sender.log", "--once"],
                    capture_output=True, text=True, timeout=30)
                self.assertNotEqual(out.returncode, 0)
                self.assertIn("%s: cannot open log file "
                              "/nonexistent/dir/sender.log" % program,
                              out.stderr)


class DeliveryReportTest(unittest.TestCase):
    """/hooks/sms/dlr moves a row forward only, for its own token."""

    def row_in(self, status):
        row_id = stack.queue_sms(new_phone(), unique("Report"))
        stack.sql("UPDATE sms_outbox SET status = @p1,"
                  " next_attempt_at = '2099-01-01' WHERE id = @p2", status, row_id)
        return row_id

    def test_forged_token_ignored(self):
        row_id = self.row_in("sent")
        good = dlr_token(row_id)
        # Change the last character, whatever it is.
        tampered = good[:-1] + ("B" if good[-1] == "A" else "A")
        for token in ("", "x" * 43, dlr_token(row_id + 1), tampered):
            with self.subTest(token=token):
                response = get_dlr(row_id, token, 1)
                self.assertIn(response.status, (400, 403))
                self.assertEqual(outbox(row_id)["status"], "sent")

    def test_moves_forward(self):
        row_id = self.row_in("sending")
        self.assertEqual(get_dlr(row_id, dlr_token(row_id), 8, "ACK/").status, 200)
        self.assertEqual(outbox(row_id)["status"], "sent")
        self.assertEqual(get_dlr(row_id, dlr_token(row_id), 1).status, 200)
        self.assertEqual(outbox(row_id)["status"], "delivered")

    def test_never_moves_back(self):
        row_id = self.row_in("delivered")
        for dlr_type in (8, 4, 2, 16):
            with self.subTest(type=dlr_type):
                self.assertEqual(get_dlr(row_id, dlr_token(row_id), dlr_type).status,
                                 200)
                self.assertEqual(outbox(row_id)["status"], "delivered")

    def test_failure_report(self):
        row_id = self.row_in("sent")
        self.assertEqual(get_dlr(row_id, dlr_token(row_id), 16, "NACK").status, 200)
        row = outbox(row_id)
        self.assertEqual(row["status"], "failed")
        self.assertEqual(row["delivery_report"], "16 NACK")
        self.assertEqual(get_dlr(row_id, dlr_token(row_id), 1).status, 200)
        self.assertEqual(outbox(row_id)["status"], "failed", "failed is final")

    def test_report_for_queued_row_stops_it(self):
        row_id = self.row_in("queued")
        self.assertEqual(get_dlr(row_id, dlr_token(row_id), 1).status, 200)
        self.assertEqual(outbox(row_id)["status"], "delivered")

    def test_unknown_type_and_malformed(self):
        row_id = self.row_in("sent")
        self.assertEqual(get_dlr(row_id, dlr_token(row_id), 32).status, 200)
        self.assertEqual(outbox(row_id)["status"], "sent")
        self.assertEqual(get_dlr("abc", dlr_token(row_id), 1).status, 400)
        self.assertEqual(get_dlr(row_id, dlr_token(row_id), "x").status, 400)
        self.assertEqual(outbox(row_id)["status"], "sent")


class InboundAuthTest(unittest.TestCase):
    """/hooks/sms/inbound needs a gateway's token; a message id counts once."""

    def test_missing_or_wrong_token(self):
        phone = new_phone()
        for token in ("", "wrong", inbound_token()[:-1], inbound_token() + "x"):
            with self.subTest(token=token):
                response = post_inbound(phone, "street light out", token=token)
                self.assertEqual(response.status, 403)
        self.assertEqual(stack.count("sms_inbound", "sender = @p1", phone), 0)
        self.assertEqual(stack.count("customers", "mobile = @p1", phone), 0)

    def test_get_with_token(self):
        phone = new_phone()
        response = post_inbound(phone, unique("Broken bench in the park"),
                                method="GET")
        self.assertEqual(response.status, 200)
        self.assertEqual(stack.inbound_rows("sender = @p1", phone)[0]["outcome"],
                         "case_created")

    def test_repeated_message_id_once(self):
        phone, message_id = new_phone(), str(uuid.uuid4())
        text = unique("Water leaking on the road")
        first = post_inbound(phone, text, message_id)
        second = post_inbound(phone, text, message_id)
        self.assertEqual(first.status, 200)
        self.assertEqual(second.status, 200)
        self.assertEqual(second.text.strip(), "ok duplicate")
        self.assertEqual(len(stack.inbound_rows("sender = @p1", phone)), 1)
        self.assertEqual(stack.count("cases c JOIN customers u ON u.id ="
                                     " c.customer_id", "u.mobile = @p1", phone), 1)
        self.assertEqual(len(replies_to(phone)), 1)

    def test_missing_fields(self):
        response = post_inbound("", "text")
        self.assertEqual(response.status, 422)
        response = post_inbound(new_phone(), "text", message_id="")
        self.assertEqual(response.status, 422)

    def test_foreign_sender_ignored(self):
        response = post_inbound("+447700900123", unique("Hello"))
        self.assertEqual(response.status, 200)
        row = stack.inbound_rows("sender = '+447700900123'")[-1]
        self.assertEqual(row["outcome"], "ignored")
        self.assertEqual(replies_to("+447700900123"), [])


class ResidentTest(unittest.TestCase):
    """Residents open cases and ask for their status by SMS."""

    def test_arabic_text_opens_case_through_kannel(self):
        phone = new_phone()
        text = unique("الإنارة معطلة في شارع السلطان قابوس قرب المسجد")
        row = stack.phone_sends(phone, text)
        self.assertEqual(row["outcome"], "case_created")
        self.assertEqual(row["text"], text)
        self.assertEqual(row["sender"], phone)
        self.assertRegex(row["gateway_message_id"], r"^[0-9a-f-]{36}$")
        number = number_of_case(row["case_id"])
        case = case_row(number)
        self.assertEqual((case["status"], case["channel"], case["category"],
                          case["directorate"], case["lang"]),
                         ("registered", "sms", "other", "customer_service", "ar"))
        self.assertEqual(case["description"], text)
        receipt = sms_text("ar", "Sms.CaseReceived", number=number)
        self.assertEqual(replies_to(phone), [receipt])
        stack.run_sender()
        message = messages_at(phone, 1)[0]
        self.assertEqual(message["coding"], "ucs2")
        self.assertEqual(message["text"], receipt)

    def test_ucs2_emoji_text_kept(self):
        phone = new_phone()
        text = unique("الشارع مظلم 😞 street is dark")
        row = stack.phone_sends(phone[1:], text, coding="ucs2")
        self.assertEqual(row["text"], text)
        self.assertEqual(row["sender"], phone, "normalised to E.164")
        self.assertEqual(case_row(number_of_case(row["case_id"]))["description"],
                         text)

    def test_english_text_gets_english_receipt(self):
        phone = new_phone()
        row = stack.phone_sends(phone, unique("Garbage not collected for a week"))
        number = number_of_case(row["case_id"])
        self.assertEqual(replies_to(phone),
                         [sms_text("en", "Sms.CaseReceived", number=number)])

    def test_status_by_case_number(self):
        mobile = new_phone()[4:]
        number = stack.file_case(lang="en", mobile=mobile)
        phone = "+968" + mobile
        response = post_inbound(phone, "  #" + stack.arabic_indic(number))
        self.assertEqual(response.status, 200)
        row = stack.inbound_rows("sender = @p1", phone)[-1]
        self.assertEqual(row["outcome"], "status_sent")
        reply = replies_to(phone)[-1]
        self.assertTrue(reply.startswith(sms_text(
            "en", "Sms.Status", number=number,
            status=stack.message("en", "Status.registered")).split("{updated}")[0]),
            reply)
        self.assertEqual(stack.count("cases c JOIN customers u ON u.id ="
                                     " c.customer_id", "u.mobile = @p1", phone), 1,
                         "no new case")

    def test_status_of_someone_elses_case(self):
        number = stack.file_case(lang="en")
        phone = new_phone()
        post_inbound(phone, number)
        self.assertEqual(replies_to(phone),
                         [sms_text("ar", "Sms.StatusNotFound", number=number)])
        self.assertEqual(stack.inbound_rows("sender = @p1", phone)[0]["case_id"], "")

    def test_status_mistyped_number(self):
        mobile = new_phone()[4:]
        number = stack.file_case(lang="en", mobile=mobile)
        wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
        post_inbound("+968" + mobile, wrong)
        self.assertEqual(replies_to("+968" + mobile)[-1],
                         sms_text("en", "Sms.StatusMistyped", number=wrong))

    def test_empty_text_gets_help(self):
        phone = new_phone()
        self.assertEqual(post_inbound(phone, "   ").status, 200)
        self.assertEqual(replies_to(phone), [stack.message("ar", "Sms.ResidentHelp")])
        self.assertEqual(stack.count("customers", "mobile = @p1", phone), 0)

    def test_field_command_from_resident(self):
        phone = new_phone()
        post_inbound(phone, "done 10000012 fixed")
        row = stack.inbound_rows("sender = @p1", phone)[0]
        self.assertEqual(row["outcome"], "help_sent")
        self.assertEqual(replies_to(phone), [stack.message("en", "Sms.NotFieldStaff")])
        self.assertEqual(stack.count("customers", "mobile = @p1", phone), 0)


class FieldTest(unittest.TestCase):
    """Field staff get their assignments by SMS and report by SMS."""

    def assign(self, lang="ar", **case_values):
        field = stack.create_staff(role="field", directorate_code="roads",
                                   mobile=new_phone(), password=None, lang=lang)
        number = stack.file_case(category="pothole", lang="en", **case_values)
        officer = stack.StaffBrowser("officer", "roads")
        response = officer.act(number, "assign", value=field["username"])
        self.assertEqual(response.status, 303)
        return field, number

    def test_assignment_sms_in_arabic(self):
        field, number = self.assign(
            location="Sultan Qaboos Street, near the Grand Mosque",
            description="Deep pothole in the right lane that damages car tyres "
                        "every day since the rain last week, please repair.")
        body = stack.case_outbox(number)[-1]["body"]
        self.assertEqual(stack.case_outbox(number)[-1]["kind"], "field_assigned")
        for part in (number, "حفرة في الطريق", "السيب",
                     "Sultan Qaboos Street, near the Grand Mosque",
                     "Deep pothole in the right lane", "..."):
            self.assertIn(part, body)
        self.assertNotIn("please repair", body, "only the start of the description")
        stack.run_sender()
        message = messages_at(field["mobile"], 1)[0]
        self.assertEqual(message["text"], body)
        self.assertEqual(message["coding"], "ucs2")

    def test_assignment_sms_in_english(self):
        field, number = self.assign(lang="en", location="", wilayat="muttrah")
        body = stack.case_outbox(number)[-1]["body"]
        self.assertTrue(body.startswith("Case %s: Pothole, Muttrah. " % number), body)
        self.assertIn("Reply START %s" % number, body)

    def test_start_and_done_through_kannel(self):
        field, number = self.assign()
        row = stack.phone_sends(field["mobile"], "  بدء   #" + stack.arabic_indic(number))
        self.assertEqual(row["outcome"], "field_start")
        self.assertEqual(row["staff_id"], field["id"])
        self.assertEqual(case_row(number)["status"], "in_progress")
        event = stack.case_events(number)[-1]
        self.assertEqual((event["kind"], event["actor_kind"], event["actor_id"],
                          event["channel"]), ("start", "field", field["id"], "sms"))
        self.assertEqual(replies_to(field["mobile"])[-1],
                         sms_text("ar", "Sms.FieldStarted", number=number))

        row = stack.phone_sends(field["mobile"], "DONE %s pothole filled" % number)
        self.assertEqual(row["outcome"], "field_done")
        self.assertEqual(case_row(number)["status"], "resolved")
        event = stack.case_events(number)[-1]
        self.assertEqual((event["kind"], event["note"], event["is_public"]),
                         ("resolve", "pothole filled", "1"))
        resident = stack.case_outbox(number)
        resolved = sms_text("en", "Sms.Resolved", number=number,
                            text="pothole filled")
        self.assertTrue(any(sms["body"].startswith(resolved + " ")
                            for sms in resident), resident)
        self.assertEqual(replies_to(field["mobile"])[-1],
                         sms_text("ar", "Sms.FieldDone", number=number))

    def test_note_and_help(self):
        field, number = self.assign(lang="en")
        post_inbound(field["mobile"], "note %s road closed until Sunday" % number)
        post_inbound(field["mobile"], "Need help %s need a truck" % number)
        kinds = [(e["kind"], e["note"], e["is_public"], e["channel"])
                 for e in stack.case_events(number)[-2:]]
        self.assertEqual(kinds, [("note", "road closed until Sunday", "0", "sms"),
                                 ("help", "need a truck", "0", "sms")])
        self.assertEqual(case_row(number)["status"], "assigned")
        self.assertEqual(replies_to(field["mobile"])[-2:],
                         [sms_text("en", "Sms.FieldNoted", number=number),
                          sms_text("en", "Sms.FieldHelp", number=number)])

    def assert_rejected(self, field, case_number, text, key, **values):
        before = stack.case_snapshot(case_number)
        replies = len(replies_to(field["mobile"]))
        self.assertEqual(post_inbound(field["mobile"], text).status, 200)
        row = stack.inbound_rows("sender = @p1", field["mobile"])[-1]
        self.assertEqual(row["outcome"], "rejected", text)
        after = stack.case_snapshot(case_number)
        self.assertEqual({k: v for k, v in after.items() if k != "sms_outbox"},
                         {k: v for k, v in before.items() if k != "sms_outbox"},
                         "the case is unchanged")
        self.assertEqual(len(replies_to(field["mobile"])), replies + 1)
        self.assertEqual(replies_to(field["mobile"])[-1],
                         sms_text(field["lang"], key, **values))

    def test_bad_commands_change_nothing(self):
        field, number = self.assign(lang="en")
        wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
        unassigned = stack.file_case(category="pothole")
        missing = stack.with_check_digit("8999999")
        cases = [
            ("hello there", "Sms.FieldUsage", {}),
            ("", "Sms.FieldUsage", {}),
            ("start", "Sms.FieldNoNumber", {}),
            ("start 1234", "Sms.FieldBadNumber", {}),
            ("start " + wrong, "Sms.FieldMistyped", {"number": wrong}),
            ("done " + number, "Sms.FieldNoNote", {"number": number}),
            ("start " + unassigned, "Sms.FieldNotAssigned",
             {"number": unassigned}),
            ("start " + missing, "Sms.FieldNotFound", {"number": missing}),
        ]
        for text, key, values in cases:
            with self.subTest(text=text):
                self.assert_rejected(field, number, text, key, **values)

    def test_case_of_another_worker(self):
        field, number = self.assign(lang="en")
        other = stack.create_staff(role="field", directorate_code="roads",
                                   mobile=new_phone(), password=None, lang="en")
        self.assert_rejected(other, number, "start " + number,
                            "Sms.FieldNotAssigned", number=number)

    def test_state_refuses_command(self):
        field, number = self.assign(lang="en")
        post_inbound(field["mobile"], "done %s fixed" % number)
        self.assertEqual(case_row(number)["status"], "resolved")
        self.assert_rejected(field, number, "start " + number,
                            "Sms.FieldConflict", number=number,
                            status=stack.message("en", "Status.resolved"))
        row = stack.inbound_rows("sender = @p1", field["mobile"])[-1]
        self.assertEqual(row["detail"], "conflicting state")

    def test_no_phone_numbers_in_logs(self):
        field, number = self.assign(lang="en")
        post_inbound(field["mobile"], "start " + number)
        stack.run_sender()
        for name in ("hooks.log", "sms-send.log"):
            with open(os.path.join(stack.VAR, "log", name), encoding="utf-8") as log:
                text = log.read()
            self.assertNotIn(field["mobile"][4:], text, name)


class EndToEndTest(unittest.TestCase):
    """A resident's complaint on the portal produces an Arabic SMS at
    the phone network, and a field worker's SMS resolves the case."""

    def test_portal_to_resolution(self):
        mobile = new_phone()[4:]
        number = stack.file_case(category="pothole", lang="ar", mobile=mobile)
        resident = "+968" + mobile
        field = stack.create_staff(role="field", directorate_code="roads",
                                   mobile=new_phone(), password=None, lang="ar")
        officer = stack.StaffBrowser("officer", "roads")
        self.assertEqual(officer.act(number, "assign",
                                     value=field["username"]).status, 303)
        self.assertEqual(stack.run_sender(), 0)
        receipt = messages_at(resident, 1)[0]
        self.assertEqual(receipt["coding"], "ucs2")
        self.assertEqual(receipt["text"],
                         sms_text("ar", "Sms.CaseReceived", number=number))
        assignment = messages_at(field["mobile"], 1)[0]
        self.assertIn(number, assignment["text"])

        row = stack.phone_sends(field["mobile"],
                                "تم %s تم ردم الحفرة" % stack.arabic_indic(number))
        self.assertEqual(row["outcome"], "field_done")
        self.assertEqual(case_row(number)["status"], "resolved")
        self.assertEqual(stack.run_sender(), 0)
        resolved = messages_at(resident, 2)[1]
        self.assertTrue(resolved["text"].startswith(sms_text(
            "ar", "Sms.Resolved", number=number, text="تم ردم الحفرة") + " "),
            resolved["text"])
        self.assertIn("/s/", resolved["text"], "the survey link follows")
        confirmation = messages_at(field["mobile"], 2)[1]
        self.assertEqual(confirmation["text"],
                         sms_text("ar", "Sms.FieldDone", number=number))


class KillTest(unittest.TestCase):
    """A sender killed with SIGKILL at random moments loses no row and
    sends at most one message twice per kill."""

    ROWS = 300
    KILLS = 20

    def outstanding(self, ids):
        return stack.count("sms_outbox", "id BETWEEN @p1 AND @p2 AND status IN"
                           " ('queued', 'sending')", ids[0], ids[-1])

    def start_sender(self):
        return subprocess.Popen(
            [os.path.join(stack.TOP, "bin", "tawasul-sms-send"), "-c",
             os.path.join(stack.VAR, "tawasul.hdf"), "--loop", "--interval",
             "0.05", "-l", os.path.join(stack.VAR, "log", "sms-send.log")])

    def test_kill_at_random_moments(self):
        phone = new_phone()
        bodies = [unique("Kill test") for _ in range(self.ROWS)]
        ids = [stack.queue_sms(phone, body) for body in bodies]
        rng = random.Random(RUN)
        kills = 0
        deadline = time.time() + 60
        while self.outstanding(ids) > 0 and time.time() < deadline:
            sender = self.start_sender()
            if kills < self.KILLS:
                time.sleep(rng.uniform(0.05, 0.3))
                sender.send_signal(signal.SIGKILL)
                sender.wait()
                kills += 1
                continue
            wait_for(lambda: self.outstanding(ids) == 0, 30, "the outbox to drain")
            sender.terminate()
            self.assertEqual(sender.wait(timeout=10), 0)
        self.assertEqual(kills, self.KILLS, "killed before the outbox drained")
        self.assertEqual(self.outstanding(ids), 0)
        statuses = stack.sql("SELECT status, COUNT(*) FROM sms_outbox WHERE id"
                             " BETWEEN @p1 AND @p2 GROUP BY status", ids[0], ids[-1])
        self.assertEqual(sum(int(n) for status, n in statuses
                             if status in ("sent", "delivered")), self.ROWS, statuses)

        def all_arrived():
            texts = [m["text"] for m in stack.phone_messages(phone)]
            return texts if set(bodies) <= set(texts) else None
        texts = wait_for(all_arrived, 30, "every message at the phone")
        time.sleep(0.5)
        texts = [m["text"] for m in stack.phone_messages(phone)]
        extra = len(texts) - self.ROWS
        self.assertTrue(set(texts) <= set(bodies))
        self.assertTrue(all(texts.count(body) >= 1 for body in bodies))
        # A message can go out a third time when the sender that
        # resent it is killed too, so only the total is bounded.
        self.assertLessEqual(extra, kills, "at most one extra copy per kill")
