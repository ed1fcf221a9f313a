-- The SMS channel: what bin/tawasul-sms-send records about each outbound
-- message, and every inbound message with what it did.

-- A row moves queued -> sending (claimed by one sender) -> sent, then
-- delivered or failed when the gateway reports delivery. A temporary
-- failure puts it back to queued with a later next_attempt_at. The
-- delivery report's token is an HMAC of the row id under Secrets.Key,
-- so no token is stored.
ALTER TABLE sms_outbox
	-- Parts of the concatenated message as sent, and its coding:
	-- 0 GSM 7-bit, 2 UCS-2 (the values of Kannel's coding parameter).
	ADD COLUMN segments TINYINT UNSIGNED NULL AFTER body,
	ADD COLUMN coding TINYINT UNSIGNED NULL AFTER segments,
	-- 1 when the body was longer than Sms.MaxSegments allows and was
	-- cut at a word before sending; the body column keeps the whole text.
	ADD COLUMN shortened TINYINT(1) NOT NULL DEFAULT 0 AFTER coding,
	-- The sender that claimed the row, and when. A sender holds the
	-- MariaDB lock named 'tawasul-sms-' + claimed_by while it runs, so
	-- another sender can tell that a claim's owner has died.
	ADD COLUMN claimed_by CHAR(22) NULL,
	ADD COLUMN claimed_at DATETIME(3) NULL,
	-- The gateway's HTTP status and the start of its response, from the
	-- last attempt.
	ADD COLUMN gateway_answer VARCHAR(255) NULL,
	-- The reason the last attempt failed, or the row was given up.
	ADD COLUMN last_error VARCHAR(255) NULL,
	-- The last delivery report that moved the row on: type and text.
	ADD COLUMN delivery_report VARCHAR(255) NULL,
	ADD COLUMN sent_at DATETIME(3) NULL,
	ADD COLUMN delivered_at DATETIME(3) NULL,
	ADD COLUMN failed_at DATETIME(3) NULL,
	ADD KEY sms_outbox_claimed (status, claimed_at);

-- Every message the gateway forwards, stored in the transaction of what
-- it changed, before anything else of that transaction.
CREATE TABLE sms_inbound (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	-- The gateway's id of the message (Kannel's %I), so a delivery the
	-- gateway retries is recognised.
	gateway_message_id VARCHAR(64) NOT NULL,
	-- The name of the gateway whose token the request carried.
	gateway VARCHAR(32) NOT NULL,
	-- E.164 when it is an Omani mobile number, else as received.
	sender VARCHAR(32) NOT NULL,
	receiver VARCHAR(32) NULL,
	text TEXT NOT NULL,
	received_at DATETIME(3) NOT NULL,
	-- What the message did: case_created, status_sent, field_start,
	-- field_done, field_note, field_help, rejected (a field command
	-- that changed nothing, with the reason in detail), help_sent or
	-- ignored.
	outcome VARCHAR(24) NOT NULL,
	detail VARCHAR(255) NULL,
	case_id INT UNSIGNED NULL,
	staff_id INT UNSIGNED NULL,
	UNIQUE KEY sms_inbound_message (gateway, gateway_message_id),
	KEY sms_inbound_sender (sender, received_at),
	KEY sms_inbound_case (case_id),
	CONSTRAINT sms_inbound_case FOREIGN KEY (case_id) REFERENCES cases (id),
	CONSTRAINT sms_inbound_staff FOREIGN KEY (staff_id)
	    REFERENCES staff (id)
) ENGINE=InnoDB;
