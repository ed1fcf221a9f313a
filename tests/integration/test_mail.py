"""bin/tawasul-mail-send end to end through the loopback SMTP sink
(scripts/mail-sink), and the escalation e-mail of bin/tawasul-escalate.
The messages are read back from the .eml files the sink wrote and
decoded with Python's e-mail package, an implementation independent of
GMime."""
import datetime
import email.utils
import os
import subprocess
import unittest

import mailsink
import stack
import test_escalation
import workhours

DAY = datetime.timedelta(days=1)
ARABIC_SUBJECT = "تصعيد البلاغ ٤٥٦ — عاجل جدًا، يرجى المتابعة اليوم"
ARABIC_BODY = ("السلام عليكم،\nالبلاغ متأخر عن موعده.\n.\n"
               "A line in English, é, and an emoji 🚧.\n\n-- \nتواصل")


def unique_address(prefix="staff"):
    return "%s-%s@municipality.example" % (prefix, stack.new_username("m"))


class SendTest(unittest.TestCase):
    def setUp(self):
        mailsink.park_queued()

    def test_arabic_subject_and_body(self):
        to = unique_address()
        row_id = mailsink.queue(to, ARABIC_SUBJECT, ARABIC_BODY, lang="ar")
        self.assertEqual(mailsink.run_sender(), 0)
        got = mailsink.messages_to(to, 1)
        self.assertEqual(len(got), 1)
        message = got[0]
        self.assertEqual(message["Subject"], ARABIC_SUBJECT)
        self.assertEqual(message.get_body(("plain",)).get_content().rstrip("\n"),
                         ARABIC_BODY)
        self.assertEqual(message.get_content_type(), "text/plain")
        self.assertEqual(message.get_content_charset(), "utf-8")
        self.assertEqual(str(message["From"]),
                         "Tawasul <tawasul@municipality.example>")
        self.assertIsNotNone(email.utils.parsedate_to_datetime(message["Date"]))
        self.assertRegex(message["Message-ID"],
                         r"^<%d\.[A-Za-z0-9_-]+@municipality\.example>$" % row_id)
        raw = mailsink.raw_messages_to(to)[0]
        header = raw.split(b"\r\n\r\n", 1)[0] if b"\r\n\r\n" in raw else \
            raw.split(b"\n\n", 1)[0]
        self.assertTrue(header.isascii(), "the header is encoded")
        self.assertIn(b"=?UTF-8?", header.upper())
        sent = mailsink.row(row_id)
        self.assertEqual((sent["status"], sent["attempts"]), ("sent", "1"))
        self.assertEqual(sent["claimed_by"], "")

    def test_each_message_once(self):
        to = unique_address()
        ids = [mailsink.queue(to, "Message %d" % i, "Body %d" % i) for i in range(3)]
        self.assertEqual(mailsink.run_sender(), 0)
        self.assertEqual(mailsink.run_sender(), 0)
        got = mailsink.messages_to(to, 3)
        self.assertEqual(sorted(m["Subject"] for m in got),
                         ["Message 0", "Message 1", "Message 2"])
        self.assertEqual(len({m["Message-ID"] for m in got}), 3)
        for row_id in ids:
            self.assertEqual(mailsink.row(row_id)["status"], "sent")

    def test_claim_of_stopped_sender_recovered(self):
        to = unique_address()
        row_id = mailsink.queue(to, "Recovered", "Claimed by a sender that died")
        stack.sql("UPDATE mail_outbox SET status = 'sending', claimed_by ="
                  " 'deadsender', claimed_at = UTC_TIMESTAMP(3) WHERE id = @p1",
                  row_id)
        self.assertEqual(mailsink.run_sender(), 0)
        self.assertEqual(mailsink.row(row_id)["status"], "sent")
        self.assertEqual(len(mailsink.messages_to(to, 1)), 1)

    def test_recipient_with_line_break_fails_for_good(self):
        """mail_outbox.to_addr is checked again before sending: a CR or
        LF in it would add an SMTP command. Such a row fails for good on
        its first attempt and the next row is still sent."""
        victim, evil, good = unique_address(), unique_address("evil"), unique_address()
        bad_id = mailsink.queue("%s>\r\nRCPT TO:<%s" % (victim, evil), "Injected", "x")
        good_id = mailsink.queue(good, "After the bad one", "y")
        self.assertEqual(mailsink.run_sender(), 0)
        # Not mailsink.row: the client prints the CR of to_addr as is.
        self.assertEqual(stack.sql("SELECT status, attempts, last_error FROM mail_outbox"
                                   " WHERE id = @p1", bad_id),
                         [["failed", "1",
                           "not sent: the recipient is not a valid e-mail address"]])
        self.assertEqual(mailsink.row(good_id)["status"], "sent")
        self.assertEqual(len(mailsink.messages_to(good, 1)), 1)
        for message in mailsink.messages():
            self.assertNotIn(evil, message.as_string())
            self.assertNotIn(victim, str(message["To"]))

    def test_help_and_bad_options(self):
        command = os.path.join(stack.TOP, "bin", "tawasul-mail-send")
        out = subprocess.run([command, "--help"], capture_output=True, text=True)
        self.assertEqual(out.returncode, 0)
        self.assertIn("Mail.SmtpUrl", out.stdout)
        for bad in (["--bogus"], ["-c", "x", "--batch", "0"],
                    ["-c", "x", "--interval", "abc"], []):
            with self.subTest(args=bad):
                out = subprocess.run([command] + bad, capture_output=True,
                                     text=True, env={"PATH": os.environ["PATH"]})
                self.assertEqual(out.returncode, 2)


class RelayDownTest(unittest.TestCase):
    """Failures: retries with backoff, giving up, permanent rejection."""

    @classmethod
    def setUpClass(cls):
        # Port 1 of loopback: nothing listens, so connecting fails at once.
        cls.down = mailsink.config_with(SmtpUrl="smtp://127.0.0.1:1")
        cls.unset = mailsink.config_with(SmtpUrl="")

    @classmethod
    def tearDownClass(cls):
        os.unlink(cls.down)
        os.unlink(cls.unset)

    def setUp(self):
        mailsink.park_queued()

    def seconds_to_next_attempt(self, row_id):
        return int(stack.sql("SELECT TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(),"
                             " next_attempt_at) FROM mail_outbox WHERE id = @p1",
                             row_id)[0][0])

    def test_retry_after_relay_down(self):
        to = unique_address()
        row_id = mailsink.queue(to, ARABIC_SUBJECT, ARABIC_BODY, lang="ar")
        self.assertEqual(mailsink.run_sender(config=self.down), 0)
        row = mailsink.row(row_id)
        self.assertEqual((row["status"], row["attempts"]), ("queued", "1"))
        self.assertNotEqual(row["last_error"], "")
        self.assertEqual(row["claimed_by"], "")
        self.assertTrue(25 <= self.seconds_to_next_attempt(row_id) <= 31,
                        self.seconds_to_next_attempt(row_id))
        # Not due yet: a run with the relay back leaves it alone.
        self.assertEqual(mailsink.run_sender(), 0)
        self.assertEqual(mailsink.row(row_id)["attempts"], "1")
        self.assertEqual(mailsink.messages_to(to), [])
        stack.sql("UPDATE mail_outbox SET next_attempt_at = UTC_TIMESTAMP()"
                  " WHERE id = @p1", row_id)
        self.assertEqual(mailsink.run_sender(), 0)
        row = mailsink.row(row_id)
        self.assertEqual((row["status"], row["attempts"]), ("sent", "2"))
        self.assertEqual(row["last_error"], "")
        got = mailsink.messages_to(to, 1)
        self.assertEqual(len(got), 1)
        self.assertEqual(got[0]["Subject"], ARABIC_SUBJECT)

    def test_unreachable_relay_stops_run(self):
        to = unique_address()
        ids = [mailsink.queue(to, "Unreachable %d" % i, "x") for i in range(5)]
        self.assertEqual(mailsink.run_sender("--batch", "5", config=self.down), 0)
        rows = [mailsink.row(row_id) for row_id in ids]
        self.assertEqual([r["attempts"] for r in rows], ["1", "1", "1", "0", "0"])
        self.assertEqual({r["status"] for r in rows}, {"queued"})
        self.assertEqual({r["claimed_by"] for r in rows}, {""}, "put back")

    def test_given_up_after_limit(self):
        to = unique_address()
        row_id = mailsink.queue(to, "Too old", "Queued 49 hours ago", age_hours=49)
        self.assertEqual(mailsink.run_sender(config=self.down), 0)
        row = mailsink.row(row_id)
        self.assertEqual((row["status"], row["attempts"]), ("failed", "1"))
        self.assertTrue(row["last_error"].startswith("given up after 1 attempts in 48"
                                                     " hours"), row["last_error"])
        stack.sql("UPDATE mail_outbox SET next_attempt_at = UTC_TIMESTAMP()"
                  " WHERE id = @p1", row_id)
        self.assertEqual(mailsink.run_sender(), 0)
        self.assertEqual(mailsink.row(row_id)["status"], "failed")
        self.assertEqual(mailsink.messages_to(to), [])

    def test_last_attempt_before_give_up(self):
        to = unique_address()
        row_id = mailsink.queue(to, "Nearly old", "x", age_hours=47)
        stack.sql("UPDATE mail_outbox SET attempts = 15 WHERE id = @p1", row_id)
        self.assertEqual(mailsink.run_sender(config=self.down), 0)
        self.assertEqual(mailsink.row(row_id)["status"], "queued")
        self.assertTrue(3500 <= self.seconds_to_next_attempt(row_id) <= 3601)

    def test_permanent_rejection_not_retried(self):
        to = unique_address()
        # Base64 makes 60,000 bytes about 81,000, over the sink's limit.
        row_id = mailsink.queue(to, "Too large", "x" * 60000)
        self.assertEqual(mailsink.run_sender(), 0)
        row = mailsink.row(row_id)
        self.assertEqual((row["status"], row["attempts"]), ("failed", "1"))
        self.assertIn("552", row["last_error"])
        stack.sql("UPDATE mail_outbox SET next_attempt_at = UTC_TIMESTAMP()"
                  " WHERE id = @p1", row_id)
        self.assertEqual(mailsink.run_sender(), 0)
        self.assertEqual(mailsink.row(row_id)["attempts"], "1", "never retried")
        self.assertEqual(mailsink.messages_to(to), [])

    def test_not_configured_sends_nothing(self):
        to = unique_address()
        row_id = mailsink.queue(to, "Not configured", "x")
        self.assertEqual(mailsink.run_sender(config=self.unset), 0)
        row = mailsink.row(row_id)
        self.assertEqual((row["status"], row["attempts"]), ("queued", "0"))
        self.assertEqual(mailsink.messages_to(to), [])


class EscalationMailTest(unittest.TestCase):
    """Each level e-mails the staff of that level who have an address, in
    their language, once, in the transaction of the escalation."""

    @classmethod
    def setUpClass(cls):
        cls.officer = cls.staff_with_mail("officer", "roads", "ar")
        cls.head = cls.staff_with_mail("head", "roads", "en")
        cls.executive = cls.staff_with_mail("executive", None, "ar")
        cls.no_address = stack.create_staff(role="head", directorate_code="roads",
                                            lang="en")
        cls.unset = mailsink.config_with(SmtpUrl="")

    @classmethod
    def tearDownClass(cls):
        os.unlink(cls.unset)
        stack.sql("UPDATE staff SET active = 0 WHERE id IN (@p1, @p2, @p3, @p4)",
                  cls.officer["id"], cls.head["id"], cls.executive["id"],
                  cls.no_address["id"])

    @staticmethod
    def staff_with_mail(role, directorate, lang):
        staff = stack.create_staff(role=role, directorate_code=directorate, lang=lang)
        staff["email"] = unique_address(role)
        stack.sql("UPDATE staff SET email = @p1 WHERE id = @p2",
                  staff["email"], staff["id"])
        return staff

    def long_overdue_case(self):
        number = stack.file_case("pothole")
        now = test_escalation.db_now()
        test_escalation.set_clock(number, now - 30 * DAY, now - 20 * DAY)
        return number

    def mail_of_case(self, number):
        return mailsink.outbox("case_id = (SELECT id FROM cases WHERE number = @p1)",
                               number)

    def expected(self, number, lang, level):
        key = ("Warning", "Overdue", "Executive")[level - 1]
        due = workhours.parse(stack.sql(
            "SELECT due_at FROM cases WHERE number = @p1", number)[0][0])
        local = (due + workhours.MUSCAT).strftime("%Y-%m-%d %H:%M")
        fill = lambda text: text.replace("{number}", number).replace("{due}", local)
        subject = fill(stack.message(lang, "Mail.Escalated%sSubject" % key))
        body = fill(stack.message(lang, "Mail.Escalated%sBody" % key))
        return subject, body

    def test_queued_and_delivered_once(self):
        mailsink.park_queued()
        number = self.long_overdue_case()
        self.assertEqual(test_escalation.run_escalate(), 0)
        self.assertEqual(test_escalation.run_escalate(), 0)
        self.assertEqual(test_escalation.levels(number), [1, 2, 3])
        rows = self.mail_of_case(number)
        by_address = {}
        for row in rows:
            by_address.setdefault(row["to_addr"], []).append(row)
        self.assertEqual(len(by_address[self.officer["email"]]), 1)
        self.assertEqual(len(by_address[self.head["email"]]), 1)
        self.assertEqual(len(by_address[self.executive["email"]]), 1)
        for staff, level in ((self.officer, 1), (self.head, 2), (self.executive, 3)):
            row = by_address[staff["email"]][0]
            self.assertEqual((row["lang"], row["kind"], row["staff_id"]),
                             (staff["lang"], "escalated", staff["id"]))
        self.assertEqual(mailsink.run_sender(), 0)
        self.assertEqual(mailsink.run_sender(), 0)
        url = "%s/agent/cases/%s" % (stack.BASE_URL, number)
        for staff, level in ((self.officer, 1), (self.head, 2), (self.executive, 3)):
            with self.subTest(role=staff["role"]):
                got = [m for m in mailsink.messages_to(staff["email"], 1)
                       if number in m["Subject"]]
                self.assertEqual(len(got), 1, "delivered once")
                subject, body = self.expected(number, staff["lang"], level)
                self.assertEqual(got[0]["Subject"], subject)
                text = got[0].get_body(("plain",)).get_content()
                self.assertEqual(text, "%s\n\n%s\n" % (body, url))

    def test_rolled_back_escalation_queues_nothing(self):
        number = self.long_overdue_case()
        self.assertEqual(test_escalation.run_escalate("--dry-run"), 0)
        self.assertEqual(self.mail_of_case(number), [])

    def test_not_configured_queues_nothing(self):
        number = self.long_overdue_case()
        command = [os.path.join(stack.TOP, "bin", "tawasul-escalate"), "-c", self.unset]
        self.assertEqual(subprocess.run(command, capture_output=True).returncode, 0)
        self.assertEqual(test_escalation.levels(number), [1, 2, 3])
        self.assertEqual(self.mail_of_case(number), [])
