-- Polls (one question) and questionnaires (several), made by
-- administrators on /agent/polls and answered by residents on
-- /{lang}/polls. Every text is stored in Arabic and English. Times are
-- UTC. Once a poll has a response, lib/polls.c changes only its titles,
-- closing time and results flag, so stored answers keep their meaning.
CREATE TABLE polls (
	id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	kind ENUM('poll', 'questionnaire') NOT NULL,
	title_ar VARCHAR(200) NOT NULL,
	title_en VARCHAR(200) NOT NULL,
	opens_at DATETIME NOT NULL,
	closes_at DATETIME NOT NULL,
	-- 1: a resident sees the results after answering.
	show_results TINYINT(1) NOT NULL DEFAULT 0,
	-- 1: one response per mobile number confirmed by an SMS code.
	-- 0: one per browser (a signed cookie).
	require_mobile TINYINT(1) NOT NULL DEFAULT 0,
	-- Responses accepted from one client address, for either mode.
	max_per_address INT UNSIGNED NOT NULL DEFAULT 50,
	created_by INT UNSIGNED NOT NULL,
	created_at DATETIME NOT NULL,
	updated_at DATETIME NOT NULL,
	KEY polls_open (opens_at, closes_at),
	CONSTRAINT polls_creator FOREIGN KEY (created_by) REFERENCES staff (id),
	CONSTRAINT polls_period CHECK (closes_at > opens_at)
) ENGINE=InnoDB;

CREATE TABLE poll_questions (
	id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	poll_id INT UNSIGNED NOT NULL,
	-- 1, 2, ... in the order of the form.
	position SMALLINT UNSIGNED NOT NULL,
	-- single and multiple have rows in poll_choices. scale is 1 to 5.
	kind ENUM('single', 'multiple', 'scale', 'text') NOT NULL,
	text_ar VARCHAR(500) NOT NULL,
	text_en VARCHAR(500) NOT NULL,
	required TINYINT(1) NOT NULL DEFAULT 1,
	UNIQUE KEY poll_questions_position (poll_id, position),
	CONSTRAINT poll_questions_poll FOREIGN KEY (poll_id)
		REFERENCES polls (id) ON DELETE CASCADE
) ENGINE=InnoDB;

CREATE TABLE poll_choices (
	id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	question_id INT UNSIGNED NOT NULL,
	position SMALLINT UNSIGNED NOT NULL,
	text_ar VARCHAR(200) NOT NULL,
	text_en VARCHAR(200) NOT NULL,
	UNIQUE KEY poll_choices_position (question_id, position),
	CONSTRAINT poll_choices_question FOREIGN KEY (question_id)
		REFERENCES poll_questions (id) ON DELETE CASCADE
) ENGINE=InnoDB;

-- One row per person and poll. voter_hash is the SHA-256 (hex) of
-- "cookie:" and the random id of the signed voter cookie, or the
-- HMAC-SHA256 (hex) under Secrets.Key of "poll-mobile", NUL and the
-- confirmed E.164 number. The unique key makes a second vote count once.
CREATE TABLE poll_responses (
	id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	poll_id INT UNSIGNED NOT NULL,
	voter_hash CHAR(64) NOT NULL,
	client_addr VARCHAR(45) NOT NULL,
	lang CHAR(2) NOT NULL,
	created_at DATETIME NOT NULL,
	UNIQUE KEY poll_responses_voter (poll_id, voter_hash),
	KEY poll_responses_addr (poll_id, client_addr),
	CONSTRAINT poll_responses_poll FOREIGN KEY (poll_id) REFERENCES polls (id)
) ENGINE=InnoDB;

-- The answers of a response: one row per chosen choice, one for a
-- scale value or a free text. Unanswered optional questions have none.
CREATE TABLE poll_answers (
	id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	response_id INT UNSIGNED NOT NULL,
	question_id INT UNSIGNED NOT NULL,
	choice_id INT UNSIGNED NULL,
	scale TINYINT UNSIGNED NULL,
	text TEXT NULL,
	KEY poll_answers_question (question_id, choice_id),
	UNIQUE KEY poll_answers_choice (response_id, question_id, choice_id),
	CONSTRAINT poll_answers_response FOREIGN KEY (response_id)
		REFERENCES poll_responses (id),
	CONSTRAINT poll_answers_q FOREIGN KEY (question_id)
		REFERENCES poll_questions (id),
	CONSTRAINT poll_answers_c FOREIGN KEY (choice_id)
		REFERENCES poll_choices (id),
	CONSTRAINT poll_answers_scale CHECK (scale IS NULL OR scale BETWEEN 1 AND 5)
) ENGINE=InnoDB;

-- SMS codes that confirm a mobile number for a poll that requires one.
-- code_hash is an HMAC of the poll, the number and the code under
-- Secrets.Key. The code itself is stored nowhere but in the outbox.
CREATE TABLE poll_codes (
	id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	poll_id INT UNSIGNED NOT NULL,
	mobile VARCHAR(16) NOT NULL,
	code_hash CHAR(43) NOT NULL,
	client_addr VARCHAR(45) NOT NULL,
	created_at DATETIME NOT NULL,
	expires_at DATETIME NOT NULL,
	-- Wrong codes typed against this row. At the limit the row is dead.
	attempts TINYINT UNSIGNED NOT NULL DEFAULT 0,
	used_at DATETIME NULL,
	KEY poll_codes_mobile (poll_id, mobile, created_at),
	KEY poll_codes_addr (client_addr, created_at),
	CONSTRAINT poll_codes_poll FOREIGN KEY (poll_id) REFERENCES polls (id)
) ENGINE=InnoDB;
