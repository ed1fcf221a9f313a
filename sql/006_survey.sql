-- The resident's confirmation survey. Each time a case is resolved it
-- gets one survey row, numbered by round (1 for the first resolution,
-- 2 after a reopening and a second resolution, ...). The SMS link
-- carries a random token; only its SHA-256 is stored here.
CREATE TABLE surveys (
	id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	case_id INT UNSIGNED NOT NULL,
	-- How many times the case had been resolved when this row was
	-- written: a link of an older round cannot change a newer state.
	round SMALLINT UNSIGNED NOT NULL,
	-- SHA-256 (hex) of the token in the link. bin/tawasul-remind
	-- replaces it when it sends a reminder with a new link.
	token_hash CHAR(64) NOT NULL UNIQUE,
	-- The resident's language when the case was resolved.
	lang CHAR(2) NOT NULL,
	created_at DATETIME NOT NULL,
	expires_at DATETIME NOT NULL,
	reminded_at DATETIME NULL,
	-- When the agents' queue got a task to call the resident.
	call_task_at DATETIME NULL,
	answered_at DATETIME NULL,
	solved TINYINT(1) NULL,
	-- 1 (poor) to 5 (very good).
	satisfaction TINYINT UNSIGNED NULL,
	first_contact TINYINT UNSIGNED NULL,
	comment TEXT NULL,
	-- When an agent recorded the resident's confirmation by phone.
	closed_by_phone_at DATETIME NULL,
	UNIQUE KEY surveys_round (case_id, round),
	KEY surveys_answered (answered_at),
	KEY surveys_call_task (call_task_at),
	CONSTRAINT surveys_case FOREIGN KEY (case_id) REFERENCES cases (id)
) ENGINE=InnoDB;

-- Survey links that matched no survey, per client address, so that
-- guessing tokens is slowed down.
CREATE TABLE survey_misses (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	at DATETIME NOT NULL,
	client_addr VARCHAR(45) NOT NULL,
	KEY survey_misses_addr (client_addr, at)
) ENGINE=InnoDB;
