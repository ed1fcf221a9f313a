-- The e-mail sender's claims, and the indexes that keep the reports,
-- the dashboard and the trouble spots fast on a year of cases.

-- bin/tawasul-mail-send claims rows under a random id, as
-- bin/tawasul-sms-send does with sms_outbox.claimed_by.
ALTER TABLE mail_outbox
	ADD COLUMN claimed_by VARCHAR(32) NULL AFTER claimed_at;

-- The first move to "resolved" and the confirmation of a set of cases,
-- and the dashboard's resolved and closed counts since a time, read
-- from this index alone.
ALTER TABLE case_events
	ADD KEY case_events_status (to_status, at, case_id),
	ADD KEY case_events_case_status (case_id, to_status, at, kind);
