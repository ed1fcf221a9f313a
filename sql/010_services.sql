-- The service directory: how each municipal service works, in Arabic and
-- English, with the history of every change. The seed catalogue follows
-- the tables.

CREATE TABLE services (
	id SMALLINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	-- Lowercase letters, digits and hyphens: the last part of its URL.
	code VARCHAR(32) NOT NULL,
	directorate_id SMALLINT UNSIGNED NOT NULL,
	name_ar VARCHAR(200) NOT NULL,
	name_en VARCHAR(200) NOT NULL,
	description_ar TEXT NOT NULL,
	description_en TEXT NOT NULL,
	-- One step, or one document, per line.
	steps_ar TEXT NOT NULL,
	steps_en TEXT NOT NULL,
	documents_ar TEXT NOT NULL,
	documents_en TEXT NOT NULL,
	fees_ar VARCHAR(500) NOT NULL,
	fees_en VARCHAR(500) NOT NULL,
	duration_ar VARCHAR(200) NOT NULL,
	duration_en VARCHAR(200) NOT NULL,
	-- Where and when to apply.
	where_ar VARCHAR(500) NOT NULL,
	where_en VARCHAR(500) NOT NULL,
	-- 1 when residents can request it online (services without a fee).
	requestable TINYINT(1) NOT NULL DEFAULT 0,
	-- The category a request is filed under.
	category_id SMALLINT UNSIGNED NULL,
	-- The IVR's procedures menu offers the services ranked 1 to 9, the
	-- rank being the digit the caller presses.
	ivr_rank TINYINT UNSIGNED NULL,
	-- For staff only: what agents should know when they answer callers.
	internal_notes TEXT NULL,
	active TINYINT(1) NOT NULL DEFAULT 1,
	-- Raised by each edit; an edit names the version it started from.
	version INT UNSIGNED NOT NULL DEFAULT 1,
	updated_at DATETIME NOT NULL,
	updated_by INT UNSIGNED NULL,
	UNIQUE KEY services_code (code),
	UNIQUE KEY services_ivr_rank (ivr_rank),
	KEY services_directorate (directorate_id),
	FULLTEXT KEY services_text (name_ar, name_en, description_ar,
	    description_en),
	CONSTRAINT services_directorate FOREIGN KEY (directorate_id)
	    REFERENCES directorates (id),
	CONSTRAINT services_category FOREIGN KEY (category_id)
	    REFERENCES categories (id),
	CONSTRAINT services_updated_by FOREIGN KEY (updated_by)
	    REFERENCES staff (id),
	CONSTRAINT services_ivr_digit CHECK (ivr_rank BETWEEN 1 AND 9)
) ENGINE=InnoDB;

-- Every version of a service as it was saved: the whole row as JSON, who
-- saved it and when. Version 1 is the seed.
CREATE TABLE service_history (
	id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	service_id SMALLINT UNSIGNED NOT NULL,
	version INT UNSIGNED NOT NULL,
	changed_at DATETIME NOT NULL,
	-- NULL for the seed.
	staff_id INT UNSIGNED NULL,
	snapshot JSON NOT NULL,
	UNIQUE KEY service_history_version (service_id, version),
	CONSTRAINT service_history_service FOREIGN KEY (service_id)
	    REFERENCES services (id),
	CONSTRAINT service_history_staff FOREIGN KEY (staff_id)
	    REFERENCES staff (id)
) ENGINE=InnoDB;
