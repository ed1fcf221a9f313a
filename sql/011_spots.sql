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

-- What the reports need from a case's history, one row per case that
-- has been resolved or confirmed: the first move to "resolved" and the
-- first close by the resident's confirmation (event kind "confirmed" of
-- a survey, "confirm" by phone). The trigger below keeps it in the
-- transaction of each history event, so the reports read one row per
-- case instead of grouping the history, which took about 2 s for a year
-- of 200,000 cases (bench/RESULTS.md).
CREATE TABLE case_facts (
	case_id INT UNSIGNED NOT NULL PRIMARY KEY,
	first_resolved_at DATETIME(3) NULL,
	confirmed_at DATETIME(3) NULL,
	CONSTRAINT case_facts_case FOREIGN KEY (case_id) REFERENCES cases (id)
) ENGINE=InnoDB;

CREATE TRIGGER case_events_facts AFTER INSERT ON case_events
FOR EACH ROW
	INSERT INTO case_facts (case_id, first_resolved_at, confirmed_at)
	SELECT NEW.case_id,
	    IF(NEW.to_status = 'resolved', NEW.at, NULL),
	    IF(NEW.to_status = 'closed' AND NEW.kind IN ('confirmed', 'confirm'),
	        NEW.at, NULL)
	FROM DUAL
	WHERE NEW.to_status = 'resolved'
	    OR (NEW.to_status = 'closed' AND NEW.kind IN ('confirmed', 'confirm'))
	ON DUPLICATE KEY UPDATE
	    first_resolved_at = IF(NEW.to_status = 'resolved'
	        AND (first_resolved_at IS NULL OR NEW.at < first_resolved_at),
	        NEW.at, first_resolved_at),
	    confirmed_at = IF(NEW.to_status = 'closed'
	        AND NEW.kind IN ('confirmed', 'confirm')
	        AND (confirmed_at IS NULL OR NEW.at < confirmed_at),
	        NEW.at, confirmed_at);

INSERT INTO case_facts (case_id, first_resolved_at, confirmed_at)
SELECT case_id, MIN(IF(to_status = 'resolved', at, NULL)),
    MIN(IF(to_status = 'closed' AND kind IN ('confirmed', 'confirm'), at,
        NULL))
FROM case_events
WHERE to_status = 'resolved'
    OR (to_status = 'closed' AND kind IN ('confirmed', 'confirm'))
GROUP BY case_id;
