"""The 1111 phone line driven as the IVR provider drives it: signed POSTs
through nginx to /ivr/, following the Gather, Record, Dial and Redirect
URLs of each TwiML response, for every path of the menu in both languages.
"""
import base64
import datetime
import hashlib
import hmac
import os
import random
import re
import secrets as random_bytes
import time
import unittest
import urllib.parse
import xml.etree.ElementTree as ET

import stack
from test_sms import messages_at, new_phone

CONFIG = os.path.join(stack.VAR, "tawasul.hdf")


def auth_token():
    return stack._read_hdf(os.path.join(stack.VAR, "secrets.hdf"))[
        "Secrets.IvrAuthToken"]


def sign(token, url, fields):
    """The provider's signature: HMAC-SHA1 over the URL and the sorted
    POST parameters, base64."""
    data = url + "".join(name + fields[name] for name in sorted(fields))
    mac = hmac.new(token.encode(), data.encode("utf-8"), hashlib.sha1)
    return base64.b64encode(mac.digest()).decode("ascii")


def post_signed(path, fields, token=None, signature=None):
    """Posts fields to path as the provider does. signature "" sends no
    X-Twilio-Signature header, and None sends the right one."""
    url = stack.BASE_URL + path
    if signature is None:
        signature = sign(token or auth_token(), url, fields)
    headers = {"X-Twilio-Signature": signature} if signature else {}
    return stack.Browser().post(path, fields, headers=headers)


def prompts(doc, lang):
    """Returns the texts of the Say elements spoken in lang."""
    code = {"ar": "ar-SA", "en": "en-GB"}[lang]
    return [say.text or "" for say in doc.iter("Say")
            if say.get("language") == code]


def text(lang, key, **values):
    value = stack.message(lang, "Ivr." + key)
    for name, replacement in values.items():
        value = value.replace("{%s}" % name, replacement)
    return value


def spaced(digits):
    return " ".join(digits)


class Call:
    """One phone call: the provider's side."""

    def __init__(self, caller=None, withheld=False):
        self.sid = "CA" + random_bytes.token_hex(16)
        self.caller = "" if withheld else (caller or new_phone())
        self.doc = None
        self.last = None

    def fields(self, extra):
        fields = {"CallSid": self.sid, "AccountSid": "AC" + "0" * 32,
                  "From": self.caller or "anonymous", "To": "+9681111",
                  "CallStatus": "in-progress", "Direction": "inbound"}
        fields.update(extra)
        return fields

    def post(self, path, **extra):
        fields = self.fields(extra)
        response = post_signed(path, fields)
        assert response.status == 200, (path, response.status, response.text)
        assert response.header("Content-Type").startswith("text/xml")
        self.last = (path, fields, response.text)
        self.doc = ET.fromstring(response.body)
        return self.doc

    def start(self):
        return self.post("/ivr/voice")

    def press(self, digits):
        """Responds to the current Gather with keys."""
        gather = self.doc.find("Gather")
        assert gather is not None, self.xml()
        return self.post(gather.get("action"), Digits=digits)

    def silence(self):
        """Lets the Gather time out: the provider follows the Redirect."""
        redirect = self.doc.find("Redirect")
        assert redirect is not None, self.xml()
        return self.post(redirect.text)

    def record(self, url, seconds, hang_up=False):
        """Leaves a recording: the action request (unless the caller hung
        up), the recording callback, then the call-status callback."""
        record = self.doc.find("Record")
        assert record is not None, self.xml()
        response = None
        if not hang_up:
            response = self.post(record.get("action"), RecordingUrl=url,
                               RecordingDuration=str(seconds), Digits="#")
        else:
            self.end()
        self.post(record.get("recordingStatusCallback"), RecordingUrl=url,
                  RecordingDuration=str(seconds), RecordingStatus="completed")
        return response

    def end(self):
        return self.post("/ivr/end", CallStatus="completed", CallDuration="40")

    def replay(self):
        path, fields, body = self.last
        return post_signed(path, fields)

    def xml(self):
        return ET.tostring(self.doc, encoding="unicode")

    def row(self):
        return dict(zip(
            ("caller", "lang", "path", "outcome", "case", "ended", "missed"),
            stack.sql("SELECT IFNULL(c.caller, ''), c.lang, c.path, c.outcome,"
                      " IFNULL(k.number, ''), c.ended_at IS NOT NULL,"
                      " IFNULL(m.reason, '')"
                      " FROM ivr_calls c LEFT JOIN cases k ON k.id = c.case_id"
                      " LEFT JOIN ivr_missed_calls m ON m.call_id = c.id"
                      " WHERE c.call_sid = @p1", self.sid)[0]))


def to_menu(lang, caller=None, withheld=False):
    call = Call(caller=caller, withheld=withheld)
    call.start()
    call.press("2" if lang == "en" else "1")
    return call


def set_ivr_config(**values):
    """Rewrites keys of the Ivr section of the stack's configuration and
    restarts cgi-bin/ivr."""
    with open(CONFIG, encoding="utf-8") as f:
        config = f.read()
    for key, value in values.items():
        config, found = re.subn(r"(?m)^  %s =.*$" % key,
                                "  %s = %s" % (key, value), config)
        assert found == 1, key
    with open(CONFIG, "w", encoding="utf-8") as f:
        f.write(config)
    stack.stack_command("tw_fcgi_start ivr")
    for _ in range(100):
        if post_signed("/ivr/end", {"CallSid": "CAwarmup"}).status == 200:
            return
        time.sleep(0.1)


def set_hours(days, hours):
    set_ivr_config(AgentDays=days, AgentHours=hours)


def muscat_weekday():
    now = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=4)
    return ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[now.weekday()]


class GreetingTest(unittest.TestCase):
    def test_greeting_in_both_languages(self):
        doc = Call().start()
        self.assertIn(text("ar", "ChooseLanguage"), prompts(doc, "ar"))
        self.assertIn(text("en", "ChooseLanguage"), prompts(doc, "en"))
        self.assertEqual(doc.find("Gather").get("numDigits"), "1")

    def test_nothing_pressed_is_arabic(self):
        call = Call()
        call.start()
        doc = call.silence()
        self.assertIn(text("ar", "MainMenu"), prompts(doc, "ar"))
        self.assertEqual(prompts(doc, "en"), [])
        self.assertEqual(call.row()["lang"], "ar")

    def test_two_is_english(self):
        call = to_menu("en")
        self.assertIn(text("en", "MainMenu"), prompts(call.doc, "en"))
        self.assertEqual(call.row()["lang"], "en")
        self.assertIn("lang:en", call.row()["path"])

    def test_call_recorded_with_caller(self):
        call = to_menu("ar")
        row = call.row()
        self.assertEqual(row["caller"], call.caller)
        self.assertEqual(row["outcome"], "started")
        call.end()
        self.assertEqual(call.row()["ended"], "1")
        self.assertEqual(call.row()["outcome"], "hung_up")

    def test_withheld_number_stored_empty(self):
        call = to_menu("en", withheld=True)
        self.assertEqual(call.row()["caller"], "")


class AudioTest(unittest.TestCase):
    AUDIO = "https://audio.example.invalid/1111"

    def setUp(self):
        set_ivr_config(AudioBaseUrl=self.AUDIO)

    def tearDown(self):
        set_ivr_config(AudioBaseUrl="")

    def test_recorded_prompts_played(self):
        call = Call()
        doc = call.start()
        played = [play.text for play in doc.iter("Play")]
        self.assertEqual(played, [self.AUDIO + "/ar/Welcome.mp3",
                                  self.AUDIO + "/ar/ChooseLanguage.mp3",
                                  self.AUDIO + "/en/ChooseLanguage.mp3"])
        self.assertEqual(list(doc.iter("Say")), [])
        doc = call.press("2")
        self.assertIn(self.AUDIO + "/en/MainMenu.mp3",
                      [play.text for play in doc.iter("Play")])

    def test_case_number_still_spoken(self):
        call = to_menu("en")
        call.press("2")
        doc = call.record("https://api.example.invalid/Recordings/RE2", 9)
        number = call.row()["case"]
        self.assertIn(text("en", "CaseCreated", number=spaced(number)),
                      prompts(doc, "en"))
        self.assertIn(self.AUDIO + "/en/Goodbye.mp3",
                      [play.text for play in doc.iter("Play")])


class MenuTest(unittest.TestCase):
    def test_invalid_choice_repeats_menu(self):
        for lang in ("ar", "en"):
            call = to_menu(lang)
            doc = call.press("7")
            said = prompts(doc, lang)
            self.assertIn(text(lang, "Invalid"), said)
            self.assertIn(text(lang, "MainMenu"), said)

    def test_three_invalid_answers_transfer(self):
        set_hours("sun mon tue wed thu fri sat", "00:00-24:00")
        for lang in ("ar", "en"):
            call = to_menu(lang)
            call.press("9")
            call.silence()
            doc = call.press("8")
            self.assertIn(text(lang, "TooMany"), prompts(doc, lang))
            self.assertIsNotNone(doc.find("Dial"), call.xml())
            self.assertEqual(call.row()["outcome"], "transferred")

    def test_empty_input_counts_as_invalid(self):
        call = to_menu("en")
        doc = call.silence()
        self.assertIn(text("en", "Invalid"), prompts(doc, "en"))
        self.assertIn("menu:none", call.row()["path"])


def registered_case(caller, lang="en"):
    """Files a case on the portal with caller's number; returns it."""
    number = stack.file_case(lang=lang, mobile=caller)
    return number


class StatusTest(unittest.TestCase):
    def status_of(self, lang, number, caller=None):
        call = to_menu(lang, caller=caller)
        call.press("1")
        self.assertIn(text(lang, "EnterCase"), prompts(call.doc, lang))
        return call, call.press(number)

    def test_owner_hears_details(self):
        caller = new_phone()
        number = registered_case(caller[4:])
        for lang in ("ar", "en"):
            call, doc = self.status_of(lang, number, caller=caller)
            said = " ".join(prompts(doc, lang))
            self.assertIn(spaced(number), said)
            self.assertIn(stack.message(lang, "Status.registered"), said)
            category = stack.sql(
                "SELECT IF(@p2 = 'ar', k.name_ar, k.name_en) FROM cases c"
                " JOIN categories k ON k.id = c.category_id"
                " WHERE c.number = @p1", number, lang)[0][0]
            self.assertIn(category, said)
            self.assertEqual(call.row()["case"], number)
            self.assertEqual(call.row()["outcome"], "status_read")

    def test_other_caller_hears_status_only(self):
        number = registered_case(new_phone()[4:])
        call, doc = self.status_of("en", number)
        said = " ".join(prompts(doc, "en"))
        self.assertIn(stack.message("en", "Status.registered"), said)
        category = stack.sql(
            "SELECT k.name_en FROM cases c JOIN categories k"
            " ON k.id = c.category_id WHERE c.number = @p1", number)[0][0]
        self.assertNotIn(category, said)
        self.assertNotIn("Category", said)

    def test_status_date_is_last_change(self):
        number = registered_case(new_phone()[4:])
        updated = stack.sql(
            "SELECT DATE(CONVERT_TZ(updated_at, '+00:00', '+04:00'))"
            " FROM cases WHERE number = @p1", number)[0][0]
        call, doc = self.status_of("ar", number)
        self.assertIn(updated, " ".join(prompts(doc, "ar")))

    def test_mistyped_three_times_transfers(self):
        set_hours("sun mon tue wed thu fri sat", "00:00-24:00")
        number = registered_case(new_phone()[4:])
        wrong = number[:7] + str((int(number[7]) + 1) % 10)
        for lang in ("ar", "en"):
            call, doc = self.status_of(lang, wrong)
            self.assertIn(text(lang, "Mistyped"), prompts(doc, lang))
            self.assertIn(text(lang, "EnterCase"), prompts(doc, lang))
            doc = call.press(wrong)
            self.assertIn(text(lang, "Mistyped"), prompts(doc, lang))
            doc = call.press(wrong)
            self.assertIn(text(lang, "TooMany"), prompts(doc, lang))
            self.assertIsNotNone(doc.find("Dial"))
            self.assertEqual(call.row()["case"], "")

    def test_mistyped_then_right(self):
        number = registered_case(new_phone()[4:])
        wrong = number[:7] + str((int(number[7]) + 1) % 10)
        call, doc = self.status_of("en", wrong)
        doc = call.press(number)
        self.assertIn(stack.message("en", "Status.registered"),
                      " ".join(prompts(doc, "en")))
        self.assertIn("status:mistyped status:read", call.row()["path"])

    def test_short_and_empty_number(self):
        call, doc = self.status_of("en", "1234")
        self.assertIn(text("en", "InvalidNumber"), prompts(doc, "en"))
        doc = call.silence()
        self.assertIn(text("en", "InvalidNumber"), prompts(doc, "en"))
        self.assertIn("status:invalid status:none", call.row()["path"])

    def test_unknown_number(self):
        number = stack.with_check_digit("9999999")
        call, doc = self.status_of("en", number)
        self.assertIn(text("en", "NotFound"), prompts(doc, "en"))


class StatusLimitTest(unittest.TestCase):
    """No caller can walk the case numbers by phone: Ivr.StatusPerCall (3)
    lookups per call and Ivr.StatusPerHour (10) per caller number, then
    the caller is put through to an agent."""
    PER_CALL, PER_HOUR = 3, 10

    @classmethod
    def setUpClass(cls):
        set_hours("sun mon tue wed thu fri sat", "00:00-24:00")
        config = stack._read_hdf(CONFIG)
        assert (config["Ivr.StatusPerCall"], config["Ivr.StatusPerHour"]) == (
            str(cls.PER_CALL), str(cls.PER_HOUR))
        # Cases of a stranger: only their status is read out.
        cls.numbers = [registered_case(new_phone()[4:]) for _ in range(2)]

    def lookup(self, call, number, lang="en"):
        """Presses 1 in the main menu, then the number. Returns the response."""
        doc = call.press("1")
        self.assertIn(text(lang, "EnterCase"), prompts(doc, lang))
        return call.press(number)

    def assert_read(self, doc, number, lang="en"):
        said = " ".join(prompts(doc, lang))
        self.assertIn(spaced(number), said)
        self.assertIn(stack.message(lang, "Status.registered"), said)

    def assert_rejected(self, call, doc, key, lang="en"):
        said = prompts(doc, lang)
        self.assertIn(text(lang, key), said)
        self.assertNotIn(stack.message(lang, "Status.registered"), " ".join(said))
        self.assertIsNotNone(doc.find("Dial"))
        self.assertEqual(call.row()["outcome"], "transferred")

    def lookups(self, caller):
        return stack.count("ivr_status_lookups", "caller = @p1", caller)

    def test_per_call(self):
        for lang, withheld in (("en", False), ("ar", False), ("en", True)):
            with self.subTest(lang=lang, withheld=withheld):
                call = to_menu(lang, withheld=withheld)
                before = self.lookups(call.caller)
                unknown = stack.with_check_digit("9999999")
                self.assert_read(self.lookup(call, self.numbers[0], lang), self.numbers[0], lang)

                # A number that leads nowhere counts as well.
                doc = self.lookup(call, unknown, lang)
                self.assertIn(text(lang, "NotFound"), prompts(doc, lang))
                self.assert_read(call.press(self.numbers[1]), self.numbers[1], lang)
                self.assertEqual(self.lookups(call.caller) - before, self.PER_CALL)

                doc = self.lookup(call, self.numbers[0], lang)
                self.assert_rejected(call, doc, "StatusLimitCall", lang)
                self.assertIn("status:limit_call agent", call.row()["path"])
                self.assertEqual(self.lookups(call.caller) - before, self.PER_CALL)

                # A retried request gets the same response and counts nothing.
                again = call.replay()
                self.assertEqual(again.status, 200)
                self.assertEqual(again.text, call.last[2])
                self.assertEqual(self.lookups(call.caller) - before, self.PER_CALL)

    def test_per_caller_number_and_hour(self):
        caller = new_phone()
        made = 0
        while made < self.PER_HOUR:
            call = to_menu("en", caller=caller)
            for _ in range(min(self.PER_CALL, self.PER_HOUR - made)):
                self.assert_read(self.lookup(call, self.numbers[0]), self.numbers[0])
                made += 1
            call.end()
        self.assertEqual(self.lookups(caller), self.PER_HOUR)

        call = to_menu("en", caller=caller)
        doc = self.lookup(call, self.numbers[1])
        self.assert_rejected(call, doc, "StatusLimitHour")
        self.assertIn("status:limit_hour agent", call.row()["path"])

        # Another number can still look up cases, and an hour later this
        # one can again.
        self.assert_read(self.lookup(to_menu("en"), self.numbers[1]), self.numbers[1])
        stack.sql("UPDATE ivr_status_lookups SET created_at = created_at - INTERVAL 61 MINUTE"
                  " WHERE caller = @p1", caller)
        self.assert_read(self.lookup(to_menu("en", caller=caller), self.numbers[1]),
                         self.numbers[1])


    def test_landline_and_foreign_counted_apart(self):
        """A withheld caller who used up the hour does not block callers
        from landlines or abroad, whose numbers are not mobiles."""
        call = to_menu("en", withheld=True)
        self.assert_read(self.lookup(call, self.numbers[0]), self.numbers[0])
        call_id = stack.sql("SELECT id FROM ivr_calls WHERE call_sid = @p1",
                            call.sid)[0][0]
        stack.sql("INSERT INTO ivr_status_lookups (call_id, caller, created_at)"
                  " SELECT @p1, '', UTC_TIMESTAMP() FROM seq_1_to_20",
                  call_id)
        # The withheld numbers' hour is used up only for this test.
        self.addCleanup(stack.sql, "DELETE FROM ivr_status_lookups"
                        " WHERE call_id = @p1", call_id)
        landline = "+9682%07d" % random.randrange(10 ** 7)
        for number in (landline, "00" + landline[1:],
                       "+4477009%05d" % random.randrange(10 ** 5)):
            with self.subTest(number=number):
                key = "+" + number.lstrip("+")[2 if number.startswith("00")
                                               else 0:]
                before = self.lookups(key)
                doc = self.lookup(to_menu("en", caller=number),
                                  self.numbers[1])
                self.assert_read(doc, self.numbers[1])
                self.assertEqual(self.lookups(key) - before, 1)


class VoiceComplaintTest(unittest.TestCase):
    def recording_url(self):
        return "https://api.example.invalid/Recordings/RE" + random_bytes.token_hex(16)

    def test_complaint_creates_case_and_sms(self):
        for lang in ("ar", "en"):
            call = to_menu(lang)
            doc = call.press("2")
            self.assertIn(text(lang, "RecordPrompt"), prompts(doc, lang))
            url = self.recording_url()
            doc = call.record(url, 25)
            row = call.row()
            number = row["case"]
            self.assertRegex(number, r"^\d{8}$")
            self.assertIn(text(lang, "CaseCreated", number=spaced(number)),
                          prompts(doc, lang))
            self.assertIsNotNone(doc.find("Hangup"))
            case = stack.sql(
                "SELECT c.channel, k.code, c.status, c.description, u.mobile,"
                " c.lang FROM cases c JOIN categories k ON k.id = c.category_id"
                " JOIN customers u ON u.id = c.customer_id"
                " WHERE c.number = @p1", number)[0]
            self.assertEqual(case[:3], ["ivr", "other", "registered"])
            self.assertIn(url, case[3])
            self.assertEqual(case[4], call.caller)
            self.assertEqual(case[5], lang)
            self.assertEqual(stack.count("cases", "description LIKE @p1",
                                         "%" + url + "%"), 1)
            self.assertEqual(stack.run_sender(), 0)
            texts = [m["text"] for m in messages_at(call.caller, 1)]
            self.assertTrue(any(number in t for t in texts), texts)

    def test_hang_up_during_recording_still_case(self):
        call = to_menu("ar")
        call.press("2")
        url = self.recording_url()
        call.record(url, 12, hang_up=True)
        row = call.row()
        self.assertRegex(row["case"], r"^\d{8}$")
        self.assertEqual(row["ended"], "1")
        self.assertEqual(row["outcome"], "case_created")
        # The end callback came first and left a missed call, which the
        # late recording closed.
        handled = stack.sql(
            "SELECT m.handled_at IS NOT NULL FROM ivr_missed_calls m"
            " JOIN ivr_calls c ON c.id = m.call_id WHERE c.call_sid = @p1",
            call.sid)
        self.assertEqual(handled, [["1"]])
        self.assertEqual(stack.count(
            "sms_outbox", "to_number = @p1 AND kind = 'case_received'",
            call.caller), 1)

    def test_no_usable_recording_missed_call(self):
        call = to_menu("en")
        call.press("2")
        cases = stack.count("cases")
        doc = call.record(self.recording_url(), 0)
        self.assertIn(text("en", "NoRecording"), prompts(doc, "en"))
        call.end()
        row = call.row()
        self.assertEqual(row["case"], "")
        self.assertEqual(row["missed"], "no_recording")
        self.assertEqual(stack.count("cases"), cases)

    def test_hang_up_without_recording_missed_call(self):
        call = to_menu("ar")
        record = call.press("2").find("Record")
        call.end()
        call.post(record.get("recordingStatusCallback"),
                  RecordingStatus="absent", RecordingDuration="0")
        self.assertEqual(call.row()["missed"], "no_recording")
        self.assertEqual(call.row()["case"], "")

    def test_concurrent_retries_one_case(self):
        import threading
        call = to_menu("en")
        record = call.press("2").find("Record")
        fields = call.fields({"RecordingUrl": self.recording_url(),
                              "RecordingDuration": "15", "Digits": "#"})
        responses = []

        def post():
            responses.append(post_signed(record.get("action"), fields))

        threads = [threading.Thread(target=post) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual([r.status for r in responses], [200] * 4)
        self.assertEqual(len({r.text for r in responses}), 1)
        self.assertEqual(stack.count(
            "sms_outbox", "to_number = @p1 AND kind = 'case_received'",
            call.caller), 1)
        self.assertEqual(stack.count("ivr_calls c JOIN cases k"
                                     " ON k.id = c.case_id",
                                     "c.call_sid = @p1", call.sid), 1)

    def test_replayed_menu_step_same_response(self):
        call = to_menu("ar")
        call.press("1")
        first = call.last[2]
        again = call.replay()
        self.assertEqual(again.text, first)
        self.assertEqual(call.row()["path"].count("status"), 1)

    def test_replayed_callback_one_case(self):
        call = to_menu("en")
        call.press("2")
        call.record(self.recording_url(), 30)
        first = call.last[2]
        number = call.row()["case"]
        again = call.replay()
        self.assertEqual(again.status, 200)
        self.assertEqual(again.text, first)
        self.assertEqual(stack.count(
            "cases c JOIN ivr_calls i ON i.case_id = c.id",
            "i.call_sid = @p1", call.sid), 1)
        self.assertEqual(stack.count(
            "sms_outbox", "to_number = @p1 AND kind = 'case_received'",
            call.caller), 1)
        self.assertEqual(call.row()["case"], number)

    def test_callback_first_then_action(self):
        call = to_menu("en")
        record = call.press("2").find("Record")
        url = self.recording_url()
        call.post(record.get("recordingStatusCallback"), RecordingUrl=url,
                  RecordingDuration="18", RecordingStatus="completed")
        number = call.row()["case"]
        self.assertRegex(number, r"^\d{8}$")
        doc = call.post(record.get("action"), RecordingUrl=url,
                        RecordingDuration="18", Digits="#")
        self.assertIn(text("en", "CaseCreated", number=spaced(number)),
                      prompts(doc, "en"))
        self.assertEqual(call.row()["case"], number)
        self.assertIn("recording:case recorded:case", call.row()["path"])

    def test_complaint_after_status_read(self):
        number = registered_case(new_phone()[4:])
        call = to_menu("en")
        call.press("1")
        call.press(number)
        record = call.press("2").find("Record")
        call.end()
        self.assertEqual(call.row()["missed"], "no_recording")
        call.post(record.get("recordingStatusCallback"),
                  RecordingUrl=self.recording_url(), RecordingDuration="11",
                  RecordingStatus="completed")
        created = call.row()["case"]
        self.assertNotEqual(created, number)
        self.assertRegex(created, r"^\d{8}$")

    def test_withheld_number_cannot_record(self):
        call = to_menu("en", withheld=True)
        doc = call.press("2")
        self.assertIn(text("en", "NeedNumber"), prompts(doc, "en"))
        self.assertIsNone(doc.find("Record"))


class ProcedureTest(unittest.TestCase):
    def ranked(self, lang):
        return stack.sql(
            "SELECT ivr_rank, code, IF(@p1 = 'ar', name_ar, name_en)"
            " FROM services WHERE ivr_rank IS NOT NULL AND active = 1"
            " ORDER BY ivr_rank", lang)

    def test_menu_lists_ranked_services(self):
        for lang in ("ar", "en"):
            call = to_menu(lang)
            doc = call.press("3")
            said = prompts(doc, lang)
            services = self.ranked(lang)
            self.assertGreater(len(services), 0)
            for rank, code, name in services:
                self.assertIn(text(lang, "ProcedureOption", name=name,
                                   digit=rank), said)

    def test_procedure_by_digit_sent_by_sms(self):
        rank, code, name = self.ranked("en")[0]
        call = to_menu("en")
        call.press("3")
        doc = call.press(rank)
        self.assertIn(text("en", "ProcedureSent"), prompts(doc, "en"))
        description = stack.sql("SELECT description_en FROM services"
                                " WHERE code = @p1", code)[0][0]
        self.assertIn(text("en", "ProcedureText", name=name,
                           description=description), prompts(doc, "en"))
        self.assertIn("procedure:" + code, call.row()["path"])
        rows = stack.outbox_rows("to_number = @p1 AND kind = 'procedure'",
                                 call.caller)
        self.assertEqual(len(rows), 1)
        self.assertIn("/en/services/" + code, rows[0]["body"])
        self.assertEqual(stack.run_sender(), 0)
        texts = [m["text"] for m in messages_at(call.caller, 1)]
        self.assertTrue(any("/services/" + code in t for t in texts), texts)
        call.replay()
        self.assertEqual(stack.count(
            "sms_outbox", "to_number = @p1 AND kind = 'procedure'",
            call.caller), 1)

    def test_procedure_by_email_from_profile(self):
        caller = new_phone()
        email = "ivr%s@example.invalid" % random_bytes.token_hex(4)
        stack.sql("INSERT INTO customers (mobile, email, lang, created_at,"
                  " updated_at) VALUES (@p1, @p2, 'ar', UTC_TIMESTAMP(),"
                  " UTC_TIMESTAMP())", caller, email)
        rank, code, name = self.ranked("ar")[0]
        call = to_menu("ar", caller=caller)
        call.press("3")
        call.press(rank)
        self.assertEqual(stack.count(
            "mail_outbox", "to_addr = @p1 AND kind = 'procedure'",
            email), 1)

    def test_invalid_digit_repeats(self):
        call = to_menu("en")
        call.press("3")
        doc = call.press("0")
        self.assertIn(text("en", "Invalid"), prompts(doc, "en"))
        doc = call.press("*")
        self.assertIn(text("en", "MainMenu"), prompts(doc, "en"))


class AgentTest(unittest.TestCase):
    @classmethod
    def tearDownClass(cls):
        set_hours("sun mon tue wed thu fri sat", "00:00-24:00")

    def test_inside_hours_dials_queue(self):
        set_hours("sun mon tue wed thu fri sat", "00:00-24:00")
        queue = stack._read_hdf(CONFIG)["Ivr.QueueNumber"]
        for lang in ("ar", "en"):
            call = to_menu(lang)
            doc = call.press("0")
            self.assertIn(text(lang, "Transfer"), prompts(doc, lang))
            self.assertEqual(doc.find("Dial").text, queue)
            doc = call.post(doc.find("Dial").get("action"),
                            DialCallStatus="completed")
            self.assertIsNotNone(doc.find("Hangup"))
            self.assertEqual(call.row()["outcome"], "agent_answered")

    def test_outside_hours_offers_complaint(self):
        days = " ".join(d for d in ("sun", "mon", "tue", "wed", "thu", "fri",
                                    "sat") if d != muscat_weekday())
        set_hours(days, "00:00-24:00")
        for lang in ("ar", "en"):
            call = to_menu(lang)
            doc = call.press("0")
            self.assertIsNone(doc.find("Dial"))
            self.assertIn(text(lang, "AfterHours"), prompts(doc, lang))
            doc = call.press("2")
            self.assertIsNotNone(doc.find("Record"))
        call = to_menu("en")
        call.press("0")
        doc = call.silence()
        self.assertIsNotNone(doc.find("Hangup"))
        self.assertEqual(call.row()["missed"], "after_hours")

    def test_after_hours_hang_up_missed_call(self):
        days = " ".join(d for d in ("sun", "mon", "tue", "wed", "thu", "fri",
                                    "sat") if d != muscat_weekday())
        set_hours(days, "00:00-24:00")
        call = to_menu("ar")
        call.press("0")
        call.end()
        self.assertEqual(call.row()["missed"], "after_hours")
        self.assertEqual(call.row()["outcome"], "missed")

    def test_agents_busy_hang_up_missed_call(self):
        set_hours("sun mon tue wed thu fri sat", "00:00-24:00")
        call = to_menu("en")
        doc = call.press("0")
        call.post(doc.find("Dial").get("action"), DialCallStatus="busy")
        call.end()
        self.assertEqual(call.row()["missed"], "no_answer")

    def test_hang_up_in_menu_no_missed_call(self):
        call = to_menu("en")
        call.end()
        self.assertEqual(call.row()["missed"], "")
        self.assertEqual(call.row()["outcome"], "hung_up")

    def test_queue_not_answering_missed_call(self):
        set_hours("sun mon tue wed thu fri sat", "00:00-24:00")
        call = to_menu("en")
        doc = call.press("0")
        doc = call.post(doc.find("Dial").get("action"),
                        DialCallStatus="no-answer")
        self.assertIn(text("en", "AgentsBusy"), prompts(doc, "en"))
        call.press("5")
        self.assertEqual(call.row()["missed"], "no_answer")


class SignatureTest(unittest.TestCase):
    def log_tail(self, since):
        with open(os.path.join(stack.VAR, "log", "ivr.log"), encoding="utf-8",
                  errors="replace") as log:
            log.seek(since)
            return log.read()

    def log_size(self):
        return os.path.getsize(os.path.join(stack.VAR, "log", "ivr.log"))

    def test_unsigned_and_wrongly_signed_rejected(self):
        caller = new_phone()
        fields = {"CallSid": "CA" + random_bytes.token_hex(16), "From": caller,
                  "Digits": "1"}
        since = self.log_size()
        cases = [("unsigned", ""), ("wrong token", sign("not the token",
                  stack.BASE_URL + "/ivr/voice", fields)),
                 ("garbage", "AAAA"),
                 ("other url", sign(auth_token(), stack.BASE_URL + "/ivr/lang",
                                    fields))]
        for what, signature in cases:
            response = post_signed("/ivr/voice", fields, signature=signature)
            self.assertEqual(response.status, 403, what)
        response = post_signed("/ivr/voice", dict(fields, Digits="2"),
                               signature=sign(auth_token(),
                                              stack.BASE_URL + "/ivr/voice",
                                              fields))
        self.assertEqual(response.status, 403, "changed parameter")
        self.assertEqual(stack.count("ivr_calls", "call_sid = @p1",
                                     fields["CallSid"]), 0)
        time.sleep(0.2)
        log = self.log_tail(since)
        self.assertIn("rejected", log)
        self.assertNotIn(caller, log)
        self.assertNotIn(caller[4:], log)
        with open(os.path.join(stack.VAR, "log", "nginx-access.log"),
                  encoding="utf-8") as access:
            self.assertNotIn(caller[4:], access.read())

    def test_log_has_no_numbers(self):
        call = to_menu("en")
        call.press("3")
        call.end()
        with open(os.path.join(stack.VAR, "log", "ivr.log"), encoding="utf-8",
                  errors="replace") as log:
            text = log.read()
        self.assertIn("/ivr/menu", text)
        self.assertNotIn(call.caller, text)
        self.assertIsNone(re.search(r"\+968\d{8}", text))

    def test_get_not_allowed(self):
        self.assertEqual(stack.Browser().get("/ivr/voice").status, 405)

    def test_missing_call_id(self):
        response = post_signed("/ivr/voice", {"From": new_phone()})
        self.assertEqual(response.status, 400)

    def test_query_string_is_signed(self):
        call = to_menu("en")
        gather = call.doc.find("Gather").get("action")
        tampered = gather.replace("lang=en", "lang=ar")
        fields = call.fields({"Digits": "1"})
        response = post_signed(tampered, fields, signature=sign(
            auth_token(), stack.BASE_URL + gather, fields))
        self.assertEqual(response.status, 403)


class AgentPagesTest(unittest.TestCase):
    def test_calls_menu_by_role(self):
        for role in ("agent", "supervisor"):
            page = stack.StaffBrowser(role).get("/agent/cases")
            self.assertEqual(stack.attribute(page, "nav-calls", "href"),
                             "/agent/calls", role)
        officer = stack.StaffBrowser("officer", "roads")
        page = officer.get("/agent/cases")
        self.assertIsNone(stack.attribute(page, "nav-calls", "href"))
        self.assertEqual(officer.get("/agent/calls").status, 403)

    def test_calls_listed_missed_first(self):
        call = to_menu("en")
        call.press("2")
        call.end()
        agent = stack.StaffBrowser("agent")
        page = agent.get("/agent/calls")
        self.assertEqual(page.status, 200)
        self.assertIn(call.caller, page.text)
        self.assertIn(stack.message("en", "Calls.Reason.no_recording"),
                      page.text)
        figures = dict(re.findall(r'<dd data-outcome="([a-z_]+)">(\d+)</dd>',
                                  page.text))
        expected = dict(stack.sql(
            "SELECT outcome, COUNT(*) FROM ivr_calls WHERE started_at >="
            " UTC_TIMESTAMP() - INTERVAL 30 DAY GROUP BY outcome"))
        self.assertEqual(figures, expected)

    def test_missed_call_marked_returned(self):
        call = to_menu("ar")
        call.press("2")
        call.end()
        missed = stack.sql(
            "SELECT m.id FROM ivr_missed_calls m JOIN ivr_calls c"
            " ON c.id = m.call_id WHERE c.call_sid = @p1", call.sid)[0][0]
        agent = stack.StaffBrowser("agent")
        page = agent.get("/agent/calls")
        first = re.search(r'<tr data-call="(\d+)"', page.text).group(1)
        oldest_open = stack.sql(
            "SELECT m.call_id FROM ivr_missed_calls m JOIN ivr_calls c"
            " ON c.id = m.call_id WHERE m.handled_at IS NULL AND"
            " c.started_at >= UTC_TIMESTAMP() - INTERVAL 30 DAY"
            " ORDER BY m.created_at, c.started_at DESC, c.id DESC LIMIT 1")[0][0]
        self.assertEqual(first, oldest_open, "open missed calls come first")
        bad = agent.post("/agent/calls", {"csrf": "wrong", "missed": missed})
        self.assertEqual(bad.status, 403)
        response = agent.post("/agent/calls", {"csrf": agent.csrf,
                                               "missed": missed})
        self.assertEqual(response.status, 303)
        self.assertEqual(stack.sql(
            "SELECT handled_by = @p2 FROM ivr_missed_calls WHERE id = @p1",
            missed, agent.staff["id"])[0][0], "1")
        again = agent.post("/agent/calls", {"csrf": agent.csrf,
                                            "missed": missed})
        self.assertEqual(again.status, 404)

    def test_officer_cannot_list_calls(self):
        officer = stack.StaffBrowser("officer", directorate_code="roads")
        self.assertEqual(officer.get("/agent/calls").status, 403)

    def test_case_and_profile_show_calls(self):
        call = to_menu("ar")
        call.press("2")
        call.record("https://api.example.invalid/Recordings/RE1", 20)
        number = call.row()["case"]
        agent = stack.StaffBrowser("agent")
        page = agent.get("/agent/cases/" + number)
        self.assertIn("ivr-calls", page.text)
        self.assertIn("record", page.text)
        page = agent.get("/agent/callers?mobile=" + urllib.parse.quote(call.caller))
        self.assertIn("ivr-calls", page.text)
        self.assertIn(number, page.text)


if __name__ == "__main__":
    unittest.main()
