-- The e-mail outbox. Notifications to residents and staff are queued here
-- in the transaction of the change that caused them, like sms_outbox.
-- bin/tawasul-mail-send delivers them through the configured SMTP relay.

CREATE TABLE mail_outbox (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	case_id INT UNSIGNED NULL,
	customer_id INT UNSIGNED NULL,
	staff_id INT UNSIGNED NULL,
	to_addr VARCHAR(254) NOT NULL,
	lang CHAR(2) NOT NULL,
	-- What the message is, as in sms_outbox.kind: escalation, procedure...
	kind VARCHAR(32) NOT NULL,
	-- Plain UTF-8. The sender encodes the subject for the header.
	subject VARCHAR(255) NOT NULL,
	body TEXT NOT NULL,
	status ENUM('queued', 'sending', 'sent', 'failed')
	    NOT NULL DEFAULT 'queued',
	attempts SMALLINT UNSIGNED NOT NULL DEFAULT 0,
	created_at DATETIME(3) NOT NULL,
	next_attempt_at DATETIME NOT NULL,
	claimed_at DATETIME(3) NULL,
	sent_at DATETIME(3) NULL,
	-- The reason the last attempt failed, or the row was given up.
	last_error VARCHAR(255) NULL,
	KEY mail_outbox_due (status, next_attempt_at),
	KEY mail_outbox_case (case_id),
	CONSTRAINT mail_outbox_case FOREIGN KEY (case_id) REFERENCES cases (id),
	CONSTRAINT mail_outbox_staff FOREIGN KEY (staff_id)
	    REFERENCES staff (id)
) ENGINE=InnoDB;
