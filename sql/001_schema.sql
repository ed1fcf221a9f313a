-- The base tables: reference data, residents, cases, their history and
-- the SMS outbox. Times are UTC; the programs show them in Asia/Muscat.

CREATE TABLE directorates (
	id SMALLINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	code VARCHAR(32) NOT NULL,
	name_ar VARCHAR(200) NOT NULL,
	name_en VARCHAR(200) NOT NULL,
	sort SMALLINT NOT NULL DEFAULT 0,
	active TINYINT(1) NOT NULL DEFAULT 1,
	UNIQUE KEY directorates_code (code)
) ENGINE=InnoDB;

CREATE TABLE wilayats (
	id SMALLINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	code VARCHAR(32) NOT NULL,
	name_ar VARCHAR(100) NOT NULL,
	name_en VARCHAR(100) NOT NULL,
	sort SMALLINT NOT NULL DEFAULT 0,
	UNIQUE KEY wilayats_code (code)
) ENGINE=InnoDB;

CREATE TABLE categories (
	id SMALLINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	code VARCHAR(32) NOT NULL,
	name_ar VARCHAR(200) NOT NULL,
	name_en VARCHAR(200) NOT NULL,
	directorate_id SMALLINT UNSIGNED NOT NULL,
	-- Hours from registration to the due time.
	sla_hours INT UNSIGNED NOT NULL,
	priority ENUM('low', 'normal', 'high', 'urgent') NOT NULL,
	-- Health and safety categories are urgent by default.
	health_safety TINYINT(1) NOT NULL DEFAULT 0,
	sort SMALLINT NOT NULL DEFAULT 0,
	active TINYINT(1) NOT NULL DEFAULT 1,
	UNIQUE KEY categories_code (code),
	CONSTRAINT categories_directorate FOREIGN KEY (directorate_id)
	    REFERENCES directorates (id),
	CONSTRAINT categories_urgent CHECK (health_safety = 0 OR
	    priority = 'urgent')
) ENGINE=InnoDB;

-- A resident, found by the normalised mobile number (E.164).
CREATE TABLE customers (
	id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	mobile VARCHAR(16) NOT NULL,
	name VARCHAR(100) NULL,
	email VARCHAR(254) NULL,
	lang CHAR(2) NOT NULL DEFAULT 'ar',
	created_at DATETIME NOT NULL,
	updated_at DATETIME NOT NULL,
	UNIQUE KEY customers_mobile (mobile)
) ENGINE=InnoDB;

CREATE TABLE cases (
	id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	-- Eight digits, the last a Damm check digit, derived from id.
	number CHAR(8) NULL,
	type ENUM('complaint', 'suggestion', 'inquiry', 'compliment',
	    'service_request') NOT NULL,
	channel ENUM('portal', 'app', 'phone', 'sms', 'email', 'fax',
	    'walk_in', 'social', 'ivr') NOT NULL,
	status ENUM('new', 'registered', 'assigned', 'in_progress',
	    'resolved', 'closed', 'reopened', 'referred', 'rejected')
	    NOT NULL,
	priority ENUM('low', 'normal', 'high', 'urgent') NOT NULL,
	category_id SMALLINT UNSIGNED NOT NULL,
	directorate_id SMALLINT UNSIGNED NOT NULL,
	wilayat_id SMALLINT UNSIGNED NULL,
	customer_id INT UNSIGNED NOT NULL,
	lang CHAR(2) NOT NULL,
	location VARCHAR(200) NULL,
	lat DECIMAL(8, 6) NULL,
	lon DECIMAL(9, 6) NULL,
	description TEXT NOT NULL,
	-- The nonce of the portal form that created the case, so a form
	-- posted twice creates one case.
	form_token CHAR(32) NULL,
	created_at DATETIME NOT NULL,
	updated_at DATETIME NOT NULL,
	due_at DATETIME NULL,
	-- Incremented by every change, for optimistic locking.
	version INT UNSIGNED NOT NULL DEFAULT 1,
	UNIQUE KEY cases_number (number),
	UNIQUE KEY cases_form_token (form_token),
	KEY cases_customer (customer_id, created_at),
	KEY cases_status (status, created_at),
	KEY cases_directorate (directorate_id, status, created_at),
	KEY cases_due (due_at),
	FULLTEXT KEY cases_text (location, description),
	CONSTRAINT cases_category FOREIGN KEY (category_id)
	    REFERENCES categories (id),
	CONSTRAINT cases_directorate FOREIGN KEY (directorate_id)
	    REFERENCES directorates (id),
	CONSTRAINT cases_wilayat FOREIGN KEY (wilayat_id)
	    REFERENCES wilayats (id),
	CONSTRAINT cases_customer FOREIGN KEY (customer_id)
	    REFERENCES customers (id),
	CONSTRAINT cases_coords CHECK ((lat IS NULL) = (lon IS NULL))
) ENGINE=InnoDB;

-- The history of a case. Rows are only ever added: the triggers below
-- reject updates and deletes.
CREATE TABLE case_events (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	case_id INT UNSIGNED NOT NULL,
	at DATETIME(3) NOT NULL,
	kind VARCHAR(32) NOT NULL,
	from_status VARCHAR(16) NULL,
	to_status VARCHAR(16) NULL,
	actor_kind ENUM('resident', 'staff', 'field', 'system') NOT NULL,
	actor_id INT UNSIGNED NULL,
	channel VARCHAR(16) NULL,
	-- 1 when the resident sees the event on the tracking page.
	is_public TINYINT(1) NOT NULL DEFAULT 0,
	note TEXT NULL,
	KEY case_events_case (case_id, id),
	CONSTRAINT case_events_case FOREIGN KEY (case_id)
	    REFERENCES cases (id)
) ENGINE=InnoDB;

CREATE TRIGGER case_events_no_update BEFORE UPDATE ON case_events
FOR EACH ROW SIGNAL SQLSTATE '45000'
    SET MESSAGE_TEXT = 'case_events is append-only';

CREATE TRIGGER case_events_no_delete BEFORE DELETE ON case_events
FOR EACH ROW SIGNAL SQLSTATE '45000'
    SET MESSAGE_TEXT = 'case_events is append-only';

-- Messages to residents, queued in the transaction of the change that
-- caused them and sent by bin/tawasul-sms-send.
CREATE TABLE sms_outbox (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	case_id INT UNSIGNED NULL,
	customer_id INT UNSIGNED NULL,
	to_number VARCHAR(16) NOT NULL,
	lang CHAR(2) NOT NULL,
	kind VARCHAR(32) NOT NULL,
	body TEXT NOT NULL,
	status ENUM('queued', 'sending', 'sent', 'delivered', 'failed')
	    NOT NULL DEFAULT 'queued',
	attempts SMALLINT UNSIGNED NOT NULL DEFAULT 0,
	created_at DATETIME(3) NOT NULL,
	next_attempt_at DATETIME NOT NULL,
	KEY sms_outbox_due (status, next_attempt_at),
	KEY sms_outbox_case (case_id),
	CONSTRAINT sms_outbox_case FOREIGN KEY (case_id) REFERENCES cases (id)
) ENGINE=InnoDB;
