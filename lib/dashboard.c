/*
 * dashboard.c: the live figures of the intranet's dashboard page, for
 * the chairman's office and the directorate heads.
 *
 * A day and a month start at midnight in Asia/Muscat (UTC+04:00 all
 * year, as in sla.c). Of the cases received in a period, "open" counts
 * those still open now and "overdue" those open and past their due time
 * now. "Resolved" and "closed" count the cases that moved to that state
 * during the period, whenever they were received. A referred case's
 * clock stands still, so it is never counted overdue, as in escalate.c.
 * Every statement takes the directorate twice: 0 for every directorate.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tawasul.h"

#define MUSCAT_OFFSET (4 * 3600)
#define DAY_SECONDS   86400

/* clang-format off */
#define DASH_OPEN \
	"('new', 'registered', 'assigned', 'in_progress', 'reopened'," \
	" 'referred')"

#define DASH_OVERDUE \
	" c.status IN " DASH_OPEN " AND c.paused_at IS NULL" \
	" AND c.due_at < UTC_TIMESTAMP()"

#define DASH_SCOPE " AND (? = 0 OR c.directorate_id = ?)"

enum {
	SQL_PERIOD,
	SQL_OVERDUE_BY_DIRECTORATE,
	SQL_LATEST,
	SQL_EXECUTIVE,
	SQL_MAX
};

/*
 * The resolved and closed counts read case_events through its index
 * case_events_status (to_status, at, case_id), so they touch only the
 * events of the period.
 */
static struct tw_stmt stmts[SQL_MAX] = {
	[SQL_PERIOD] = {
	    "SELECT"
	    " (SELECT COUNT(*) FROM cases c WHERE c.created_at >= ?"
	    DASH_SCOPE "),"
	    " (SELECT COUNT(DISTINCT e.case_id) FROM case_events e"
	    "   JOIN cases c ON c.id = e.case_id"
	    "   WHERE e.to_status = 'resolved' AND e.at >= ?" DASH_SCOPE "),"
	    " (SELECT COUNT(DISTINCT e.case_id) FROM case_events e"
	    "   JOIN cases c ON c.id = e.case_id"
	    "   WHERE e.to_status = 'closed' AND e.at >= ?" DASH_SCOPE "),"
	    " (SELECT COUNT(*) FROM cases c WHERE c.created_at >= ?"
	    "   AND c.status IN " DASH_OPEN DASH_SCOPE "),"
	    " (SELECT COUNT(*) FROM cases c WHERE c.created_at >= ?"
	    "   AND" DASH_OVERDUE DASH_SCOPE ")"},
	/* The oldest overdue case is looked up by its due time, the group's
	 * MIN(c.due_at), through cases_due. Ordering the directorate's open
	 * cases by due_at instead made MariaDB 10.11 walk cases_due over
	 * every closed case, 1.1 s per page at 200,000 cases. */
	[SQL_OVERDUE_BY_DIRECTORATE] = {
	    "SELECT d.name_ar, d.name_en, COUNT(*), MIN(c.due_at),"
	    " (SELECT o.number FROM cases o WHERE o.directorate_id = d.id"
	    "   AND o.due_at = MIN(c.due_at) AND o.status IN " DASH_OPEN
	    "   AND o.paused_at IS NULL ORDER BY o.id LIMIT 1), d.code"
	    " FROM cases c JOIN directorates d ON d.id = c.directorate_id"
	    " WHERE" DASH_OVERDUE DASH_SCOPE
	    " GROUP BY d.id, d.name_ar, d.name_en, d.code, d.sort"
	    " ORDER BY COUNT(*) DESC, d.sort"},
	/* STRAIGHT_JOIN reads cases first, newest first by cases_created,
	 * and stops after 10; without it the optimizer may start from the
	 * categories and sort every case (0.3 s at 200,000 cases). */
	[SQL_LATEST] = {
	    "SELECT STRAIGHT_JOIN c.number, c.created_at, c.status, c.priority,"
	    " k.name_ar, k.name_en, d.name_ar, d.name_en"
	    " FROM cases c JOIN categories k ON k.id = c.category_id"
	    " JOIN directorates d ON d.id = c.directorate_id"
	    " WHERE c.number IS NOT NULL" DASH_SCOPE
	    " ORDER BY c.created_at DESC, c.id DESC LIMIT 10"},
	/* NOTE: every open case at level 3 is listed, with no limit. */
	[SQL_EXECUTIVE] = {
	    "SELECT c.number, e.at, c.due_at, c.status,"
	    " k.name_ar, k.name_en, d.name_ar, d.name_en"
	    " FROM case_escalations e JOIN cases c ON c.id = e.case_id"
	    " JOIN categories k ON k.id = c.category_id"
	    " JOIN directorates d ON d.id = c.directorate_id"
	    " WHERE e.level = 3 AND c.status IN " DASH_OPEN DASH_SCOPE
	    " ORDER BY c.due_at, c.id"},
};
/* clang-format on */

/* Formats the UTC start of the Muscat day and month of now. */
static void
period_starts(time_t now, char day[20], char month[20])
{
	time_t local_midnight, first;
	struct tm tm;

	local_midnight = (now + MUSCAT_OFFSET) / DAY_SECONDS * DAY_SECONDS;
	tw_sla_format(local_midnight - MUSCAT_OFFSET, day);
	gmtime_r(&local_midnight, &tm);
	first = local_midnight - (time_t)(tm.tm_mday - 1) * DAY_SECONDS;
	tw_sla_format(first - MUSCAT_OFFSET, month);
}

/* Fills Dashboard.<prefix>.* with the five figures of the period that
 * starts at start. */
static enum tw_err
fill_period(struct tw_db *db, const char *start, long long dir,
    const char *prefix, HDF *out)
{
	static const char *const keys[] = { "Received", "Resolved", "Closed",
		"Open", "Overdue" };
	struct tw_param p[15];
	struct tw_rows *rows;
	enum tw_err err;

	for (size_t i = 0; i < 5; i++) {
		p[3 * i] = TW_P_STR(start);
		p[3 * i + 1] = TW_P_INT(dir);
		p[3 * i + 2] = TW_P_INT(dir);
	}
	if ((err = tw_db_query(db, &stmts[SQL_PERIOD], p, 15, &rows)) != TW_OK)
		return err;
	for (size_t i = 0; i < 5; i++)
		hdf_set_valuef(out, "Dashboard.%s.%s=%s", prefix, keys[i],
		    tw_rows_get(rows, 0, i));
	tw_rows_free(rows);
	return TW_OK;
}

/* Rewrites the UTC time of column col of every row as Dashboard.<list>
 * .N.<key> in the display zone. */
static void
display_times(const struct tw_rows *rows, size_t col, const char *list,
    const char *key, const char *tz, HDF *out)
{
	char when[32];

	for (size_t r = 0; r < rows->nrows; r++) {
		tw_time_display(tw_rows_get(rows, r, col), tz, when,
		    sizeof when);
		hdf_set_valuef(out, "Dashboard.%s.%zu.%s=%s", list, r, key,
		    when);
	}
}

/* Fills Dashboard.Overdue.N.*: overdue cases per directorate, the
 * longest overdue first in each. */
static enum tw_err
fill_overdue(struct tw_db *db, long long dir, enum tw_lang lang, const char *tz,
    HDF *out)
{
	const char *names[] = { NULL, NULL, "Count", NULL, "OldestNumber",
		"Code" };
	struct tw_param p[] = { TW_P_INT(dir), TW_P_INT(dir) };
	struct tw_rows *rows;
	enum tw_err err;

	names[lang == TW_LANG_EN] = "Directorate";
	if ((err = tw_db_query(db, &stmts[SQL_OVERDUE_BY_DIRECTORATE], p, 2,
	         &rows)) != TW_OK)
		return err;
	err = tw_rows_to_hdf(rows, out, "Dashboard.Overdue", names);
	display_times(rows, 3, "Overdue", "OldestDue", tz, out);
	tw_rows_free(rows);
	return err;
}

/* Fills Dashboard.<list>.N.* from a statement whose rows are the case
 * number, a time named keys[0], two columns named keys[1] and keys[2]
 * (NULL to leave one out), then the category and directorate names in
 * Arabic and English. */
static enum tw_err
fill_cases(struct tw_db *db, int stmt, long long dir, enum tw_lang lang,
    const char *tz, const char *list, const char *const keys[3], HDF *out)
{
	const char *names[] = { "Number", NULL, keys[1], keys[2], NULL, NULL,
		NULL, NULL };
	struct tw_param p[] = { TW_P_INT(dir), TW_P_INT(dir) };
	struct tw_rows *rows;
	char prefix[32];
	enum tw_err err;

	names[4 + (lang == TW_LANG_EN)] = "Category";
	names[6 + (lang == TW_LANG_EN)] = "Directorate";
	if ((err = tw_db_query(db, &stmts[stmt], p, 2, &rows)) != TW_OK)
		return err;
	snprintf(prefix, sizeof prefix, "Dashboard.%s", list);
	err = tw_rows_to_hdf(rows, out, prefix, names);
	display_times(rows, 1, list, keys[0], tz, out);
	if (stmt == SQL_EXECUTIVE)
		display_times(rows, 2, list, "Due", tz, out);
	tw_rows_free(rows);
	return err;
}

/*
 * Fills Dashboard.* for the dashboard page: Today.* and Month.* (see the
 * top of this file), Overdue.N.*, Latest.N.* (the 10 newest cases) and
 * Executive.N.* (open cases escalated to level 3), with Dashboard.Updated
 * the time of the figures. directorate_id limits every figure to one
 * directorate, or 0 for all. No resident's personal data is read.
 * Returns TW_OK or TW_ERR_DB.
 */
enum tw_err
tw_dashboard_load(struct tw_db *db, long long directorate_id, enum tw_lang lang,
    const char *tz, HDF *out)
{
	static const char *const latest[] = { "Created", "Status", "Priority" };
	/* The due time, column 2, is displayed by fill_cases. */
	static const char *const executive[] = { "EscalatedAt", NULL,
		"Status" };
	char day[20], month[20], utc[20], when[32];
	time_t now;
	enum tw_err err;

	if ((err = tw_sla_db_now(db, &now)) != TW_OK)
		return err;
	period_starts(now, day, month);
	tw_sla_format(now, utc);
	tw_time_display(utc, tz, when, sizeof when);
	hdf_set_value(out, "Dashboard.Updated", when);
	if ((err = fill_period(db, day, directorate_id, "Today", out)) !=
	        TW_OK ||
	    (err = fill_period(db, month, directorate_id, "Month", out)) !=
	        TW_OK ||
	    (err = fill_overdue(db, directorate_id, lang, tz, out)) != TW_OK ||
	    (err = fill_cases(db, SQL_LATEST, directorate_id, lang, tz,
	         "Latest", latest, out)) != TW_OK)
		return err;
	return fill_cases(db, SQL_EXECUTIVE, directorate_id, lang, tz,
	    "Executive", executive, out);
}
