-- Staff accounts, their sessions, failed logins and the case columns the
-- intranet works with.

CREATE TABLE staff (
	id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	username VARCHAR(64) NOT NULL,
	display_name VARCHAR(100) NOT NULL,
	role ENUM('agent', 'officer', 'field', 'qa', 'supervisor', 'head',
	    'executive', 'admin') NOT NULL,
	-- Officers, directorate heads and field staff belong to one.
	directorate_id SMALLINT UNSIGNED NULL,
	mobile VARCHAR(16) NULL,
	email VARCHAR(254) NULL,
	lang CHAR(2) NOT NULL DEFAULT 'ar',
	-- scrypt$N$r$p$salt$hash; NULL for field staff, who work by SMS.
	password_hash VARCHAR(255) NULL,
	active TINYINT(1) NOT NULL DEFAULT 1,
	created_at DATETIME NOT NULL,
	updated_at DATETIME NOT NULL,
	UNIQUE KEY staff_username (username),
	UNIQUE KEY staff_mobile (mobile),
	KEY staff_directorate (directorate_id, role),
	CONSTRAINT staff_directorate FOREIGN KEY (directorate_id)
	    REFERENCES directorates (id),
	CONSTRAINT staff_bound CHECK (role NOT IN ('officer', 'head',
	    'field') OR directorate_id IS NOT NULL)
) ENGINE=InnoDB;

-- A login session; only the SHA-256 of the cookie's token is stored.
CREATE TABLE staff_sessions (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	token_hash CHAR(64) NOT NULL,
	staff_id INT UNSIGNED NOT NULL,
	csrf_token CHAR(43) NOT NULL,
	created_at DATETIME NOT NULL,
	last_seen_at DATETIME NOT NULL,
	client_addr VARCHAR(45) NULL,
	UNIQUE KEY staff_sessions_token (token_hash),
	KEY staff_sessions_staff (staff_id),
	CONSTRAINT staff_sessions_staff FOREIGN KEY (staff_id)
	    REFERENCES staff (id) ON DELETE CASCADE
) ENGINE=InnoDB;

-- Failed logins, counted per account and per client address, so a new
-- cookie does not reset the count.
CREATE TABLE login_failures (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	at DATETIME NOT NULL,
	username VARCHAR(64) NOT NULL,
	client_addr VARCHAR(45) NOT NULL,
	KEY login_failures_user (username, at),
	KEY login_failures_addr (client_addr, at)
) ENGINE=InnoDB;

ALTER TABLE cases
	ADD COLUMN assigned_staff_id INT UNSIGNED NULL AFTER directorate_id,
	ADD COLUMN duplicate_of INT UNSIGNED NULL AFTER assigned_staff_id,
	ADD COLUMN registered_by INT UNSIGNED NULL AFTER duplicate_of,
	ADD KEY cases_assigned (assigned_staff_id, status),
	ADD KEY cases_created (created_at, id),
	ADD CONSTRAINT cases_assigned FOREIGN KEY (assigned_staff_id)
	    REFERENCES staff (id),
	ADD CONSTRAINT cases_duplicate FOREIGN KEY (duplicate_of)
	    REFERENCES cases (id),
	ADD CONSTRAINT cases_registered_by FOREIGN KEY (registered_by)
	    REFERENCES staff (id);

ALTER TABLE case_events
	ADD CONSTRAINT case_events_actor FOREIGN KEY (actor_id)
	    REFERENCES staff (id);
