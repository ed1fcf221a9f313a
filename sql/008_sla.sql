-- Service-level clock: the working calendar that due times count in,
-- the pause of a referred case and the escalations of late cases.
-- lib/sla.c reads work_week and holidays; bin/tawasul-escalate writes
-- case_escalations.

-- The working week in Asia/Muscat local time (UTC+04:00 all year).
-- SLA hours of categories that are not urgent count only inside these
-- hours.
CREATE TABLE work_week (
	-- 0 is Sunday, 6 is Saturday.
	weekday TINYINT UNSIGNED NOT NULL PRIMARY KEY,
	is_working TINYINT(1) NOT NULL,
	starts TIME NOT NULL,
	ends TIME NOT NULL,
	CONSTRAINT work_week_weekday CHECK (weekday <= 6),
	CONSTRAINT work_week_hours CHECK (is_working = 0 OR starts < ends)
) ENGINE=InnoDB;

-- Oman's public sector works Sunday to Thursday, 07:30 to 14:30.
INSERT INTO work_week (weekday, is_working, starts, ends) VALUES
    (0, 1, '07:30', '14:30'),
    (1, 1, '07:30', '14:30'),
    (2, 1, '07:30', '14:30'),
    (3, 1, '07:30', '14:30'),
    (4, 1, '07:30', '14:30'),
    (5, 0, '07:30', '14:30'),
    (6, 0, '07:30', '14:30');

-- Public holidays: the whole local day is not working time.
CREATE TABLE holidays (
	day DATE NOT NULL PRIMARY KEY,
	name_ar VARCHAR(100) NOT NULL,
	name_en VARCHAR(100) NOT NULL
) ENGINE=InnoDB;

-- Fixed-date holidays, and the Islamic-calendar holidays of 2026 and
-- 2027. The Islamic dates are estimates, approximate to a day or two,
-- because the government announces them after the moon is sighted. The
-- National Day holiday days are also announced each year. The
-- administrator must correct these rows when the dates are announced.
INSERT INTO holidays (day, name_ar, name_en) VALUES
    ('2026-01-11', 'يوم تولي السلطان مقاليد الحكم', 'Accession Day'),
    ('2026-01-16', 'الإسراء والمعراج', 'Isra and Mi''raj'),
    ('2026-03-19', 'عيد الفطر', 'Eid al-Fitr'),
    ('2026-03-22', 'عيد الفطر', 'Eid al-Fitr'),
    ('2026-03-23', 'عيد الفطر', 'Eid al-Fitr'),
    ('2026-05-26', 'عيد الأضحى', 'Eid al-Adha'),
    ('2026-05-27', 'عيد الأضحى', 'Eid al-Adha'),
    ('2026-05-28', 'عيد الأضحى', 'Eid al-Adha'),
    ('2026-05-31', 'عيد الأضحى', 'Eid al-Adha'),
    ('2026-06-16', 'رأس السنة الهجرية', 'Islamic New Year'),
    ('2026-08-25', 'المولد النبوي الشريف', 'Prophet''s Birthday'),
    ('2026-11-22', 'العيد الوطني', 'National Day'),
    ('2026-11-23', 'العيد الوطني', 'National Day'),
    ('2027-01-05', 'الإسراء والمعراج', 'Isra and Mi''raj'),
    ('2027-01-11', 'يوم تولي السلطان مقاليد الحكم', 'Accession Day'),
    ('2027-03-09', 'عيد الفطر', 'Eid al-Fitr'),
    ('2027-03-10', 'عيد الفطر', 'Eid al-Fitr'),
    ('2027-03-11', 'عيد الفطر', 'Eid al-Fitr'),
    ('2027-05-16', 'عيد الأضحى', 'Eid al-Adha'),
    ('2027-05-17', 'عيد الأضحى', 'Eid al-Adha'),
    ('2027-05-18', 'عيد الأضحى', 'Eid al-Adha'),
    ('2027-06-06', 'رأس السنة الهجرية', 'Islamic New Year'),
    ('2027-08-15', 'المولد النبوي الشريف', 'Prophet''s Birthday'),
    ('2027-11-21', 'العيد الوطني', 'National Day'),
    ('2027-11-22', 'العيد الوطني', 'National Day');

-- When a referred case's clock stopped, in UTC; NULL while it runs.
ALTER TABLE cases ADD COLUMN paused_at DATETIME NULL AFTER due_at;

-- One row per escalation step a case has reached. The primary key makes
-- each step happen once however often the job runs.
CREATE TABLE case_escalations (
	case_id INT UNSIGNED NOT NULL,
	-- 1 warning, 2 overdue, 3 overdue beyond Escalation.ExecutiveHours.
	level TINYINT UNSIGNED NOT NULL,
	-- UTC.
	at DATETIME NOT NULL,
	PRIMARY KEY (case_id, level),
	CONSTRAINT case_escalations_case FOREIGN KEY (case_id)
	    REFERENCES cases (id)
) ENGINE=InnoDB;
