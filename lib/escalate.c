/*
 * escalate.c: the escalation of late open cases, run by
 * bin/tawasul-escalate.
 *
 * A case climbs a chain of three levels, each reached once:
 *   1  warning: Escalation.WarnPercent of the SLA has passed; SMS to the
 *      assigned officer, or to the directorate's officers when no one
 *      is assigned;
 *   2  overdue: the due time has passed; SMS to the directorate's heads;
 *   3  overdue by Escalation.ExecutiveHours or more; SMS to the
 *      executive role (the chairman's office).
 * The SLA's share and the overdue hours count working time, or wall
 * clock for urgent categories, like the due time. A case whose clock is
 * paused (referred) does not escalate. A run writes every level a case
 * has reached and not yet recorded, lowest first, so a case found 30
 * hours late gets levels 1, 2 and 3 in one run. Each level is one row of
 * case_escalations, whose primary key lets only one run write it, one
 * internal history event, one SMS per recipient with a mobile and, when
 * e-mail is configured, one e-mail per recipient with an address, all in
 * the transaction of the level's row.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tawasul.h"

#define LEVEL_MAX 3

enum escalate_stmt {
	SQL_CANDIDATES,
	SQL_CASE_LOCK,
	SQL_LEVEL_INSERT,
	SQL_OFFICER_ASSIGNED,
	SQL_STAFF_OF_ROLE,
	SQL_EXECUTIVES,
	SQL_MAX
};

#define OPEN_STATES                                                            \
	"('new', 'registered', 'assigned', 'in_progress', 'reopened',"         \
	" 'referred')"
#define EPOCH(col) "TIMESTAMPDIFF(SECOND, '1970-01-01', " col ")"

/* clang-format off */
static struct tw_stmt stmts[SQL_MAX] = {
	/* Cases that may have reached a level: at least WarnPercent of the
	 * SLA in wall-clock time has passed, which working time never
	 * exceeds.
	 * NOTE: a case at level 1 or 2 is listed and locked again on every
	 * run until it reaches level 3; not measured at 200,000 cases. */
	[SQL_CANDIDATES] = {
	    "SELECT c.number FROM cases c"
	    " JOIN categories k ON k.id = c.category_id"
	    " WHERE c.status IN " OPEN_STATES " AND c.paused_at IS NULL"
	    " AND c.due_at IS NOT NULL"
	    " AND c.created_at <= UTC_TIMESTAMP()"
	    "  - INTERVAL k.sla_hours * 36 * ? SECOND"
	    " AND NOT EXISTS (SELECT 1 FROM case_escalations e"
	    "  WHERE e.case_id = c.id AND e.level = 3)"
	    " ORDER BY c.due_at, c.id"},
	[SQL_CASE_LOCK] = {
	    "SELECT c.id, c.directorate_id, c.assigned_staff_id,"
	    " " EPOCH("c.created_at") ", " EPOCH("c.due_at") ","
	    " " EPOCH("UTC_TIMESTAMP()") ", k.priority, c.status, c.paused_at"
	    " FROM cases c JOIN categories k ON k.id = c.category_id"
	    " WHERE c.number = ? FOR UPDATE"},
	[SQL_LEVEL_INSERT] = {
	    "INSERT IGNORE INTO case_escalations (case_id, level, at)"
	    " VALUES (?, ?, UTC_TIMESTAMP())"},
	[SQL_OFFICER_ASSIGNED] = {
	    "SELECT mobile, lang, email, id FROM staff WHERE id = ?"
	    " AND active = 1 AND (mobile IS NOT NULL OR email IS NOT NULL)"},
	[SQL_STAFF_OF_ROLE] = {
	    "SELECT mobile, lang, email, id FROM staff WHERE directorate_id = ?"
	    " AND role = ? AND active = 1"
	    " AND (mobile IS NOT NULL OR email IS NOT NULL) ORDER BY id"},
	[SQL_EXECUTIVES] = {
	    "SELECT mobile, lang, email, id FROM staff WHERE role = 'executive'"
	    " AND active = 1 AND (mobile IS NOT NULL OR email IS NOT NULL)"
	    " ORDER BY id"},
};
/* clang-format on */

static const char *const sms_keys[LEVEL_MAX + 1] = {
	NULL,
	"Sms.EscalatedWarning",
	"Sms.EscalatedOverdue",
	"Sms.EscalatedExecutive",
};

/* The e-mail of each level: subject and body. */
static const char *const mail_keys[LEVEL_MAX + 1][2] = {
	{ NULL, NULL },
	{ "Mail.EscalatedWarningSubject", "Mail.EscalatedWarningBody" },
	{ "Mail.EscalatedOverdueSubject", "Mail.EscalatedOverdueBody" },
	{ "Mail.EscalatedExecutiveSubject", "Mail.EscalatedExecutiveBody" },
};

/* A locked open case and its clock, in UTC seconds. */
struct late_case {
	long long id;
	long long directorate_id;
	long long assigned; /* staff id, or 0 when unassigned */
	time_t created, due, now;
	int continuous;
	int runs; /* 0 when closed, resolved or paused since the listing */
	char number[TW_CASENUM_LEN + 1];
};

static int
is_open(const char *status)
{
	static const char *const open[] = { "new", "registered", "assigned",
		"in_progress", "reopened", "referred" };

	for (size_t i = 0; i < sizeof open / sizeof open[0]; i++)
		if (status != NULL && strcmp(status, open[i]) == 0)
			return 1;
	return 0;
}

/* Locks case number and reads its clock. Returns TW_OK, TW_ERR_NOTFOUND
 * or TW_ERR_DB. */
static enum tw_err
lock_case(struct tw_db *db, const char *number, struct late_case *c)
{
	struct tw_param p[] = { TW_P_STR(number) };
	struct tw_rows *rows;
	enum tw_err err;

	if ((err = tw_db_query(db, &stmts[SQL_CASE_LOCK], p, 1, &rows)) !=
	    TW_OK)
		return err;
	if (rows->nrows != 1 || tw_rows_get(rows, 0, 4) == NULL) {
		tw_rows_free(rows);
		return TW_ERR_NOTFOUND;
	}
	c->id = atoll(tw_rows_get(rows, 0, 0));
	c->directorate_id = atoll(tw_rows_get(rows, 0, 1));
	c->assigned = tw_rows_get(rows, 0, 2) ? atoll(tw_rows_get(rows, 0, 2))
	                                      : 0;
	c->created = (time_t)atoll(tw_rows_get(rows, 0, 3));
	c->due = (time_t)atoll(tw_rows_get(rows, 0, 4));
	c->now = (time_t)atoll(tw_rows_get(rows, 0, 5));
	c->continuous = tw_sla_continuous(tw_rows_get(rows, 0, 6), 0);
	c->runs = is_open(tw_rows_get(rows, 0, 7)) &&
	    tw_rows_get(rows, 0, 8) == NULL;
	snprintf(c->number, sizeof c->number, "%s", number);
	tw_rows_free(rows);
	return TW_OK;
}

/* Returns the seconds of SLA time from from to to: working time, or wall
 * clock for an urgent case. Returns -1 for a calendar without working
 * time. */
static long long
sla_seconds(const struct tw_sla_calendar *cal, const struct late_case *c,
    time_t from, time_t to)
{
	if (c->continuous)
		return to > from ? (long long)(to - from) : 0;
	return tw_sla_working_seconds(cal, from, to);
}

/* Returns the highest level case c has reached, 0 for none or -1 when
 * the calendar has no working time. */
static int
level_reached(const struct tw_sla_calendar *cal,
    const struct tw_escalate_config *conf, const struct late_case *c)
{
	long long total, spent, late;

	if (c->now >= c->due) {
		late = sla_seconds(cal, c, c->due, c->now);
		if (late < 0)
			return -1;
		return late >= conf->executive_hours * 3600 ? 3 : 2;
	}
	total = sla_seconds(cal, c, c->created, c->due);
	spent = sla_seconds(cal, c, c->created, c->now);
	if (total < 0 || spent < 0)
		return -1;
	return total > 0 && spent * 100 >= total * conf->warn_percent ? 1 : 0;
}

/* Formats the due time in Muscat local time (UTC+04:00, no DST). */
static void
format_due(time_t due, char out[17])
{
	time_t local = due + 4 * 3600;
	struct tm tm;

	gmtime_r(&local, &tm);
	strftime(out, 17, "%Y-%m-%d %H:%M", &tm);
}

/* Returns the string key of strings with {number}, {due} and {url}
 * replaced, or NULL when out of memory. The caller frees it. */
static char *
fill(HDF *strings, const char *key, const char *number, const char *due,
    const char *url)
{
	char *a, *b, *c;

	a = tw_str_replace(tw_string(strings, key), "{number}", number);
	b = a != NULL ? tw_str_replace(a, "{due}", due) : NULL;
	c = b != NULL ? tw_str_replace(b, "{url}", url) : NULL;
	free(a);
	free(b);
	return c;
}

/* Queues the e-mail of level to the staff member of row i of rows
 * (mobile, lang, email, id), who has an address, and counts it. */
static enum tw_err
mail_to(struct tw_db *db, HDF *strings, const struct tw_escalate_config *conf,
    const struct late_case *c, int level, const char *due,
    const struct tw_rows *rows, size_t i, enum tw_lang lang,
    unsigned long *queued)
{
	char *url, *subject = NULL, *text = NULL, *body = NULL;
	enum tw_err err = TW_ERR_NOMEM;

	if (asprintf(&url, "%s/agent/cases/%s", conf->mail_base_url,
	        c->number) < 0)
		return TW_ERR_NOMEM;
	subject = fill(strings, mail_keys[level][0], c->number, due, url);
	text = fill(strings, mail_keys[level][1], c->number, due, url);
	/* The link goes on a line of its own, after a blank line. */
	if (text != NULL && asprintf(&body, "%s\n\n%s\n", text, url) < 0)
		body = NULL;
	if (subject != NULL && body != NULL) {
		struct tw_mail mail = { c->id, 0,
			atoll(tw_rows_get(rows, i, 3)), tw_rows_get(rows, i, 2),
			lang, "escalated", subject, body };
		if ((err = tw_mail_queue(db, &mail)) == TW_OK)
			(*queued)++;
		/* An address that fails the check is skipped, not fatal. */
		if (err == TW_ERR_INPUT) {
			tw_log_warn("escalate: case %s: staff id=%s has an "
			            "invalid e-mail address; no e-mail queued",
			    c->number, tw_rows_get(rows, i, 3));
			err = TW_OK;
		}
	}
	free(url);
	free(subject);
	free(text);
	free(body);
	return err;
}

/*
 * Queues the SMS of level to each staff member of rows (mobile, lang,
 * email, id) who has a mobile, and the e-mail to each who has an
 * address when e-mail is configured (conf->mail_base_url set).
 */
static enum tw_err
queue_to(struct tw_db *db, HDF *strings[TW_LANG_MAX],
    const struct tw_escalate_config *conf, const struct late_case *c, int level,
    const struct tw_rows *rows, struct tw_escalate_counts *counts)
{
	char due[17];
	enum tw_err err = TW_OK;

	format_due(c->due, due);
	for (size_t i = 0; err == TW_OK && i < rows->nrows; i++) {
		enum tw_lang lang;
		char *body;

		if (tw_lang_parse(tw_rows_get(rows, i, 1), &lang) != TW_OK)
			lang = TW_LANG_AR;
		if (conf->mail_base_url != NULL &&
		    tw_rows_get(rows, i, 2) != NULL)
			err = mail_to(db, strings[lang], conf, c, level, due,
			    rows, i, lang, &counts->mail);
		if (err != TW_OK || tw_rows_get(rows, i, 0) == NULL)
			continue;
		body = fill(strings[lang], sms_keys[level], c->number, due, "");
		if (body == NULL)
			return TW_ERR_NOMEM;
		struct tw_sms sms = { c->id, 0, tw_rows_get(rows, i, 0), lang,
			"escalated", body };
		if ((err = tw_sms_queue(db, &sms)) == TW_OK)
			counts->sms++;
		free(body);
	}
	return err;
}

/* Reads the recipients of level for case c; the caller frees *rows. */
static enum tw_err
recipients(struct tw_db *db, const struct late_case *c, int level,
    struct tw_rows **rows)
{
	struct tw_param assigned[] = { TW_P_INT(c->assigned) };
	struct tw_param officers[] = { TW_P_INT(c->directorate_id),
		TW_P_STR("officer") };
	struct tw_param heads[] = { TW_P_INT(c->directorate_id),
		TW_P_STR("head") };
	enum tw_err err;

	if (level == 3)
		return tw_db_query(db, &stmts[SQL_EXECUTIVES], NULL, 0, rows);
	if (level == 2)
		return tw_db_query(db, &stmts[SQL_STAFF_OF_ROLE], heads, 2,
		    rows);
	if (c->assigned > 0) {
		err = tw_db_query(db, &stmts[SQL_OFFICER_ASSIGNED], assigned, 1,
		    rows);
		if (err != TW_OK || (*rows)->nrows > 0)
			return err;
		tw_rows_free(*rows);
	}
	return tw_db_query(db, &stmts[SQL_STAFF_OF_ROLE], officers, 2, rows);
}

/* Writes level for case c unless a run wrote it before: the row, the
 * internal event and the SMS. */
static enum tw_err
escalate_to(struct tw_db *db, HDF *strings[TW_LANG_MAX],
    const struct tw_escalate_config *conf, const struct late_case *c, int level,
    struct tw_escalate_counts *counts)
{
	struct tw_param p[] = { TW_P_INT(c->id), TW_P_INT(level) };
	struct tw_rows *rows;
	char note[24];
	enum tw_err err;

	if ((err = tw_db_exec(db, &stmts[SQL_LEVEL_INSERT], p, 2, NULL)) !=
	    TW_OK)
		return err;
	if (tw_db_affected(db) != 1)
		return TW_OK;
	counts->escalations++;
	snprintf(note, sizeof note, "level %d", level);
	struct tw_event ev = { "escalated", TW_STATE_MAX, TW_STATE_MAX,
		"system", 0, "system", 0, note };
	if ((err = tw_event_add(db, (unsigned long long)c->id, &ev)) != TW_OK ||
	    (err = recipients(db, c, level, &rows)) != TW_OK)
		return err;
	err = queue_to(db, strings, conf, c, level, rows, counts);
	tw_rows_free(rows);
	return err;
}

/* Escalates case number in its own transaction. */
static enum tw_err
escalate_case(struct tw_db *db, HDF *strings[TW_LANG_MAX],
    const struct tw_sla_calendar *cal, const struct tw_escalate_config *conf,
    const char *number, struct tw_escalate_counts *counts)
{
	struct late_case c;
	int reached;
	enum tw_err err;

	if ((err = tw_db_begin(db)) != TW_OK)
		return err;
	if ((err = lock_case(db, number, &c)) != TW_OK || !c.runs) {
		tw_db_rollback(db);
		return err == TW_ERR_NOTFOUND ? TW_OK : err;
	}
	if ((reached = level_reached(cal, conf, &c)) < 0) {
		tw_db_rollback(db);
		tw_log_error("escalate: work_week has no working hours");
		return TW_ERR_CONFIG;
	}
	for (int level = 1; err == TW_OK && level <= reached; level++)
		err = escalate_to(db, strings, conf, &c, level, counts);
	if (err != TW_OK || conf->dry_run) {
		tw_db_rollback(db);
		return err;
	}
	return tw_db_commit(db);
}

/*
 * Escalates every late open case one or more levels. With conf->dry_run
 * each case's changes are rolled back, and the counts report what a run would
 * have written. Returns TW_OK, TW_ERR_CONFIG for a calendar without
 * working time, TW_ERR_NOMEM or TW_ERR_DB; the cases escalated before a
 * failure stay escalated.
 */
enum tw_err
tw_escalate_run(struct tw_db *db, HDF *strings[TW_LANG_MAX],
    const struct tw_escalate_config *conf, struct tw_escalate_counts *counts)
{
	struct tw_param p[] = { TW_P_INT(conf->warn_percent) };
	struct tw_sla_calendar *cal;
	struct tw_rows *rows;
	enum tw_err err;

	memset(counts, 0, sizeof *counts);
	if (conf->warn_percent < 1 || conf->warn_percent > 100 ||
	    conf->executive_hours < 0)
		return TW_ERR_CONFIG;
	if ((err = tw_sla_calendar_load(db, &cal)) != TW_OK)
		return err;
	if ((err = tw_db_query(db, &stmts[SQL_CANDIDATES], p, 1, &rows)) !=
	    TW_OK) {
		tw_sla_calendar_free(cal);
		return err;
	}
	for (size_t i = 0; err == TW_OK && i < rows->nrows; i++)
		err = escalate_case(db, strings, cal, conf,
		    tw_rows_get(rows, i, 0), counts);
	tw_rows_free(rows);
	tw_sla_calendar_free(cal);
	return err;
}
