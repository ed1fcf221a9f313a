-- The 1111 phone line: every call the IVR provider reports, the response
-- to each step of a call, and the calls an agent should return.

-- One row per call, keyed by the provider's call id (Twilio's CallSid).
CREATE TABLE ivr_calls (
	id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	call_sid VARCHAR(64) NOT NULL,
	-- E.164 when the provider gave a number, NULL for a withheld one.
	caller VARCHAR(16) NULL,
	started_at DATETIME NOT NULL,
	-- Set by the call-status callback when the call ends.
	ended_at DATETIME NULL,
	lang ENUM('ar', 'en') NOT NULL DEFAULT 'ar',
	-- The steps taken, space-separated: "lang:ar menu:1 status:ok".
	path VARCHAR(1000) NOT NULL DEFAULT '',
	-- The last result: started, status_read, case_created,
	-- procedure_sent, transferred, after_hours, missed, ended.
	outcome VARCHAR(24) NOT NULL DEFAULT 'started',
	-- The case the call created or read, if any.
	case_id INT UNSIGNED NULL,
	-- The recording's URL when the provider reported one.
	recording_url VARCHAR(500) NULL,
	UNIQUE KEY ivr_calls_sid (call_sid),
	KEY ivr_calls_caller (caller, started_at),
	KEY ivr_calls_case (case_id),
	KEY ivr_calls_started (started_at),
	CONSTRAINT ivr_calls_case FOREIGN KEY (case_id) REFERENCES cases (id)
) ENGINE=InnoDB;

-- The TwiML response to each step of a call. A retried request (same
-- call and same step URL) gets the stored response back and changes
-- nothing twice, because the unique key admits one row per step.
CREATE TABLE ivr_steps (
	id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	call_id INT UNSIGNED NOT NULL,
	-- The path and query of the request, e.g. /ivr/menu?lang=ar&n=3&try=1.
	step VARCHAR(255) NOT NULL,
	answer MEDIUMTEXT NOT NULL,
	at DATETIME(3) NOT NULL,
	UNIQUE KEY ivr_steps_step (call_id, step),
	CONSTRAINT ivr_steps_call FOREIGN KEY (call_id) REFERENCES ivr_calls (id)
) ENGINE=InnoDB;

-- A call an agent should return: no usable recording of a voice
-- complaint, a caller outside the opening hours, or an agent queue that
-- did not answer. One per call.
CREATE TABLE ivr_missed_calls (
	id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	call_id INT UNSIGNED NOT NULL,
	-- no_recording, after_hours or no_answer.
	reason VARCHAR(24) NOT NULL,
	created_at DATETIME NOT NULL,
	-- Set when a case was made from the call after all, or an agent
	-- marked the call returned.
	handled_at DATETIME NULL,
	handled_by INT UNSIGNED NULL,
	UNIQUE KEY ivr_missed_call (call_id),
	KEY ivr_missed_open (handled_at, created_at),
	CONSTRAINT ivr_missed_call FOREIGN KEY (call_id) REFERENCES ivr_calls (id),
	CONSTRAINT ivr_missed_staff FOREIGN KEY (handled_by) REFERENCES staff (id)
) ENGINE=InnoDB;

-- One row per case number a caller asked the status of, so that the
-- line cannot be used to walk the case numbers: cgi-bin/ivr.c allows
-- Ivr.StatusPerCall lookups per call and Ivr.StatusPerHour per caller
-- number in an hour. Withheld numbers count together under ''.
CREATE TABLE ivr_status_lookups (
	id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	call_id INT UNSIGNED NOT NULL,
	caller VARCHAR(16) NOT NULL,
	created_at DATETIME NOT NULL,
	KEY ivr_status_lookups_call (call_id),
	KEY ivr_status_lookups_caller (caller, created_at),
	CONSTRAINT ivr_status_lookups_call FOREIGN KEY (call_id)
		REFERENCES ivr_calls (id)
) ENGINE=InnoDB;
