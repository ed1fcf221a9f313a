"""bin/tawasul-purge deletes rows past their purpose and keeps the rest:
each table gets an old and a recent row, the job runs twice, and only
the old rows go."""
import os
import subprocess
import unittest
import uuid

import stack


def run_purge():
    return subprocess.run(
        [os.path.join(stack.TOP, "bin", "tawasul-purge"), "-c",
         os.path.join(stack.VAR, "tawasul.hdf")],
        capture_output=True, text=True, timeout=60)


class PurgeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tag = uuid.uuid4().hex[:12]
        staff = stack.create_staff(role="admin")
        tag = cls.tag
        # Each pair: the old row, then the recent one, distinguished by tag.
        stack.sql(
            "INSERT INTO login_failures (at, username, client_addr) VALUES"
            " (UTC_TIMESTAMP() - INTERVAL 2 DAY, @p1, '192.0.2.1'),"
            " (UTC_TIMESTAMP(), @p2, '192.0.2.1')",
            "old-" + tag, "new-" + tag)

        stack.sql(
            "INSERT INTO survey_misses (at, client_addr) VALUES"
            " (UTC_TIMESTAMP() - INTERVAL 2 DAY, @p1),"
            " (UTC_TIMESTAMP(), @p2)", "o" + tag, "n" + tag)

        stack.sql(
            "INSERT INTO staff_sessions (token_hash, staff_id, csrf_token,"
            " created_at, last_seen_at) VALUES"
            " (SHA2(@p1, 256), @p3, 'x', UTC_TIMESTAMP() - INTERVAL 40 DAY,"
            "  UTC_TIMESTAMP() - INTERVAL 40 DAY),"
            " (SHA2(@p2, 256), @p3, 'x', UTC_TIMESTAMP(), UTC_TIMESTAMP())",
            "old-" + tag, "new-" + tag, staff["id"])

        stack.sql(
            "INSERT INTO polls (kind, title_ar, title_en, opens_at, closes_at,"
            " created_by, created_at, updated_at) VALUES ('poll', @p1, @p1,"
            " UTC_TIMESTAMP() - INTERVAL 9 DAY, UTC_TIMESTAMP() + INTERVAL 9"
            " DAY, @p2, UTC_TIMESTAMP(), UTC_TIMESTAMP())", tag, staff["id"])
        stack.sql(
            "INSERT INTO poll_codes (poll_id, mobile, code_hash, client_addr,"
            " created_at, expires_at) SELECT id, '+96890000001', @p2, 'o',"
            " UTC_TIMESTAMP() - INTERVAL 3 DAY, UTC_TIMESTAMP() - INTERVAL 2"
            " DAY FROM polls WHERE title_en = @p1 UNION ALL SELECT id,"
            " '+96890000002', @p2, 'n', UTC_TIMESTAMP(), UTC_TIMESTAMP() +"
            " INTERVAL 10 MINUTE FROM polls WHERE title_en = @p1",
            tag, tag.ljust(43, "x"))

        stack.sql(
            "INSERT INTO ivr_calls (call_sid, started_at) VALUES"
            " (@p1, UTC_TIMESTAMP() - INTERVAL 10 DAY)", "CA" + tag)
        stack.sql(
            "INSERT INTO ivr_steps (call_id, step, answer, at) SELECT id,"
            " '/ivr/voice?n=1', '<Response/>', UTC_TIMESTAMP() - INTERVAL 8"
            " DAY FROM ivr_calls WHERE call_sid = @p1 UNION ALL SELECT id,"
            " '/ivr/voice?n=2', '<Response/>', UTC_TIMESTAMP() FROM ivr_calls"
            " WHERE call_sid = @p1", "CA" + tag)
        stack.sql(
            "INSERT INTO ivr_status_lookups (call_id, caller, created_at)"
            " SELECT id, 'o', UTC_TIMESTAMP() - INTERVAL 2 DAY FROM ivr_calls"
            " WHERE call_sid = @p1 UNION ALL SELECT id, 'n', UTC_TIMESTAMP()"
            " FROM ivr_calls WHERE call_sid = @p1", "CA" + tag)

        cls.first = run_purge()
        cls.second = run_purge()

    def counts(self):
        tag = self.tag
        return {
            "login_failures": [stack.count("login_failures", "username = @p1",
                                           name + tag)
                               for name in ("old-", "new-")],
            "survey_misses": [stack.count("survey_misses",
                                          "client_addr = @p1", name + tag)
                              for name in ("o", "n")],
            "sessions": [stack.count("staff_sessions",
                                     "token_hash = SHA2(@p1, 256)",
                                     name + tag)
                         for name in ("old-", "new-")],
            "poll_codes": [stack.count(
                "poll_codes", "client_addr = @p1 AND poll_id = (SELECT id"
                " FROM polls WHERE title_en = @p2)", name, tag)
                for name in ("o", "n")],
            "ivr_steps": [stack.count(
                "ivr_steps", "step = @p1 AND call_id = (SELECT id FROM"
                " ivr_calls WHERE call_sid = @p2)", step, "CA" + tag)
                for step in ("/ivr/voice?n=1", "/ivr/voice?n=2")],
            "ivr_lookups": [stack.count(
                "ivr_status_lookups", "caller = @p1 AND call_id = (SELECT id"
                " FROM ivr_calls WHERE call_sid = @p2)", name, "CA" + tag)
                for name in ("o", "n")],
        }

    def test_old_rows_deleted_recent_kept(self):
        self.assertEqual(self.first.returncode, 0, self.first.stderr)
        for table, (old, recent) in self.counts().items():
            with self.subTest(table=table):
                self.assertEqual(old, 0)
                self.assertEqual(recent, 1)

    def test_second_run_deletes_nothing_more(self):
        self.assertEqual(self.second.returncode, 0, self.second.stderr)
        self.assertIn("deleted: 0 failed logins, 0 survey misses, 0"
                      " sessions, 0 poll codes, 0 IVR steps, 0 IVR status"
                      " lookups", self.second.stderr)

    def test_bad_option_is_a_usage_error(self):
        out = subprocess.run(
            [os.path.join(stack.TOP, "bin", "tawasul-purge"), "--nothing"],
            capture_output=True, text=True, timeout=10)
        self.assertEqual(out.returncode, 2)
        self.assertIn("usage:", out.stderr)
