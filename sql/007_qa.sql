-- Monthly quality assurance: a reproducible random sample of each
-- month's registered cases per registering agent, and the scores the
-- QA reviewers give them. bin/tawasul-qa-sample writes qa_samples and
-- qa_sample_cases; /agent/qa writes qa_scores. Applies after
-- 006_survey.sql, whose surveys table the reports read.

CREATE TABLE qa_samples (
	id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	-- The month the sampled cases were created in, Asia/Muscat time.
	month CHAR(7) NOT NULL,
	-- The seed of the draw, so the same draw can be made again.
	seed BIGINT UNSIGNED NOT NULL,
	-- Exactly one of the two: cases per agent, or percent of each
	-- agent's cases.
	per_agent INT UNSIGNED NULL,
	percent DECIMAL(5, 2) NULL,
	created_at DATETIME NOT NULL,
	-- The login or program that drew the sample.
	created_by VARCHAR(64) NULL,
	UNIQUE KEY qa_samples_month (month),
	CONSTRAINT qa_samples_month_format CHECK (month RLIKE
	    '^[0-9]{4}-(0[1-9]|1[0-2])$'),
	CONSTRAINT qa_samples_size CHECK ((per_agent IS NULL) <>
	    (percent IS NULL))
) ENGINE=InnoDB;

CREATE TABLE qa_sample_cases (
	sample_id INT UNSIGNED NOT NULL,
	case_id INT UNSIGNED NOT NULL,
	-- The staff member who registered the case; NULL for cases the
	-- residents filed themselves, which form one group, "portal".
	agent_id INT UNSIGNED NULL,
	-- The reviewer the case is given to; NULL while any may take it.
	reviewer_id INT UNSIGNED NULL,
	PRIMARY KEY (sample_id, case_id),
	-- A case is sampled at most once, across all months.
	UNIQUE KEY qa_sample_cases_case (case_id),
	KEY qa_sample_cases_agent (agent_id),
	CONSTRAINT qa_sample_cases_sample FOREIGN KEY (sample_id)
	    REFERENCES qa_samples (id),
	CONSTRAINT qa_sample_cases_case FOREIGN KEY (case_id)
	    REFERENCES cases (id),
	CONSTRAINT qa_sample_cases_agent FOREIGN KEY (agent_id)
	    REFERENCES staff (id),
	CONSTRAINT qa_sample_cases_reviewer FOREIGN KEY (reviewer_id)
	    REFERENCES staff (id)
) ENGINE=InnoDB;

CREATE TABLE qa_scores (
	case_id INT UNSIGNED NOT NULL PRIMARY KEY,
	reviewer_id INT UNSIGNED NOT NULL,
	-- Each score is 1 (poor) to 5 (excellent).
	soft_skills TINYINT UNSIGNED NOT NULL,
	time_to_solve TINYINT UNSIGNED NOT NULL,
	service_quality TINYINT UNSIGNED NOT NULL,
	notes TEXT NULL,
	scored_at DATETIME NOT NULL,
	updated_at DATETIME NOT NULL,
	CONSTRAINT qa_scores_case FOREIGN KEY (case_id)
	    REFERENCES qa_sample_cases (case_id),
	CONSTRAINT qa_scores_reviewer FOREIGN KEY (reviewer_id)
	    REFERENCES staff (id),
	CONSTRAINT qa_scores_range CHECK (soft_skills BETWEEN 1 AND 5 AND
	    time_to_solve BETWEEN 1 AND 5 AND service_quality BETWEEN 1 AND 5)
) ENGINE=InnoDB;
