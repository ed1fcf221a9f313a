/*
 * figures.c: the management figures of the reports page. They cover the
 * cases created in a period, per directorate, category, wilayat, channel
 * or registering agent. Each group has cases received, resolved,
 * confirmed and overdue and the median and 90th percentile hours to
 * resolve. The trend counts received and resolved cases per week or
 * month.
 *
 * Definitions, also in the README and the page's footnote:
 * received  - registered cases (any status but "new" and "rejected")
 *             created in the period;
 * resolved  - cases of those with a move to "resolved" in their history,
 *             whenever it happened;
 * confirmed - cases of those closed by the resident's confirmation
 *             (event kind "confirmed" of a survey or "confirm" by phone);
 * overdue   - cases of those with a due time that were first resolved
 *             after it, or that are unresolved and past it now;
 * hours to resolve - the first move to "resolved" minus created_at;
 * handled   - per agent, the cases of those with an event by the agent
 *             as staff (registered ones included).
 * The median and 90th percentile are nearest-rank: the value at rank
 * ceil(p * n) of the n sorted durations.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tawasul.h"

/* Asia/Muscat is UTC+4 and has no daylight saving time. */
#define MUSCAT_OFFSET (4 * 3600)

/* Maximum period of a report, in days. */
#define PERIOD_DAYS_MAX 731

/*
 * The columns after a group's key and name: hours to the first resolve
 * (NULL when never resolved), confirmed 0/1, overdue 0/1, the week
 * (Monday, Muscat date) and the month (YYYY-MM, Muscat) of creation.
 */
#define FIG_COLUMNS                                                            \
	" TIMESTAMPDIFF(SECOND, c.created_at, e.first_resolved_at) / 3600,"    \
	" e.confirmed_at IS NOT NULL,"                                         \
	" IFNULL(c.due_at < IFNULL(e.first_resolved_at, UTC_TIMESTAMP()), 0)," \
	" DATE_FORMAT(DATE(c.created_at + INTERVAL 4 HOUR) - INTERVAL"         \
	" WEEKDAY(c.created_at + INTERVAL 4 HOUR) DAY, '%Y-%m-%d'),"           \
	" DATE_FORMAT(c.created_at + INTERVAL 4 HOUR, '%Y-%m')"

/* The first resolve and the confirmation of each case, which the
 * case_facts trigger keeps in the transaction of each history event. */
#define FIG_EVENTS " LEFT JOIN case_facts e ON e.case_id = c.id"

/* The created_at range, and 0 or the one directorate to report on. */
#define FIG_WHERE                                                              \
	" WHERE c.created_at >= ? AND c.created_at < ?"                        \
	" AND c.status NOT IN ('new', 'rejected')"                             \
	" AND (? = 0 OR c.directorate_id = ?)"

/* Each statement takes: lang is Arabic (1/0), the cases' range, and the
 * directorate twice. Rows come ordered by group. */
/* clang-format off */
static struct tw_stmt stmts[TW_FIG_GROUPS] = {
	[TW_FIG_BY_DIRECTORATE] = {
	    "SELECT d.code, IF(? = 1, d.name_ar, d.name_en)," FIG_COLUMNS
	    " FROM cases c JOIN directorates d ON d.id = c.directorate_id"
	    FIG_EVENTS FIG_WHERE " ORDER BY d.sort, d.code"},
	[TW_FIG_BY_CATEGORY] = {
	    "SELECT g.code, IF(? = 1, g.name_ar, g.name_en)," FIG_COLUMNS
	    " FROM cases c JOIN categories g ON g.id = c.category_id"
	    FIG_EVENTS FIG_WHERE " ORDER BY g.sort, g.code"},
	[TW_FIG_BY_WILAYAT] = {
	    "SELECT IFNULL(w.code, ''), IF(? = 1, w.name_ar, w.name_en),"
	    FIG_COLUMNS
	    " FROM cases c LEFT JOIN wilayats w ON w.id = c.wilayat_id"
	    FIG_EVENTS FIG_WHERE " ORDER BY w.id IS NULL, w.sort, w.code"},
	[TW_FIG_BY_CHANNEL] = {
	    "SELECT c.channel, IF(? = 1, '', '')," FIG_COLUMNS
	    " FROM cases c" FIG_EVENTS FIG_WHERE " ORDER BY c.channel"},
	[TW_FIG_BY_AGENT] = {
	    "SELECT IFNULL(t.username, 'portal'), IF(? = 1,"
	    " IFNULL(t.display_name, ''), IFNULL(t.display_name, ''))," FIG_COLUMNS
	    " FROM cases c LEFT JOIN staff t ON t.id = c.registered_by"
	    FIG_EVENTS FIG_WHERE
	    " ORDER BY c.registered_by IS NULL, t.username"},
};

/* The cases each agent handled. Takes the events' range, the cases'
 * range and the directorate twice. */
static struct tw_stmt handled_stmt = { .sql =
	"SELECT t.username, COUNT(DISTINCT ev.case_id), t.display_name"
	" FROM case_events ev JOIN staff t ON t.id = ev.actor_id"
	" JOIN cases c ON c.id = ev.case_id"
	" WHERE ev.actor_kind = 'staff' AND ev.case_id IN"
	" (SELECT id FROM cases WHERE created_at >= ? AND created_at < ?)"
	" AND c.created_at >= ? AND c.created_at < ?"
	" AND c.status NOT IN ('new', 'rejected')"
	" AND (? = 0 OR c.directorate_id = ?)"
	" GROUP BY ev.actor_id ORDER BY t.username"};
/* clang-format on */

/* Column indexes of the statements' rows. */
enum {
	COL_KEY,
	COL_NAME,
	COL_HOURS,
	COL_CONFIRMED,
	COL_OVERDUE,
	COL_WEEK,
	COL_MONTH
};

static int
compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * Returns the nearest-rank percentile (1 to 100) of n sorted values: the
 * value at rank ceil(percent * n / 100), counting from 1. n must be
 * above 0.
 */
double
tw_fig_percentile(const double *sorted, size_t n, int percent)
{
	size_t rank = ((size_t)percent * n + 99) / 100;

	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return sorted[rank - 1];
}

/*
 * Parses a date YYYY-MM-DD into *days since 1970-01-01. Returns TW_OK or
 * TW_ERR_INPUT for anything else, such as 2026-02-30 or a year before
 * 2000.
 */
enum tw_err
tw_fig_parse_date(const char *s, long *days)
{
	struct tm tm, check;
	int y, m, d;
	time_t t;

	if (s == NULL || strlen(s) != 10)
		return TW_ERR_INPUT;
	for (int i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : s[i] < '0' || s[i] > '9')
			return TW_ERR_INPUT;
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (y < 2000)
		return TW_ERR_INPUT;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	t = timegm(&tm);
	gmtime_r(&t, &check);
	if (check.tm_year != y - 1900 || check.tm_mon != m - 1 ||
	    check.tm_mday != d)
		return TW_ERR_INPUT;
	*days = (long)(t / 86400);
	return TW_OK;
}

/* Writes the Muscat date of days since 1970 as YYYY-MM-DD. */
void
tw_fig_format_date(long days, char out[11])
{
	time_t t = (time_t)days * 86400;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* Returns today's date in Asia/Muscat as days since 1970. */
long
tw_fig_today(time_t now)
{
	return (long)((now + MUSCAT_OFFSET) / 86400);
}

/* Writes the UTC time at which Muscat day `days` starts. */
static void
day_start_utc(long days, char out[20])
{
	time_t t = (time_t)days * 86400 - MUSCAT_OFFSET;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 20, "%Y-%m-%d %H:%M:%S", &tm);
}

/* Frees figures and everything it owns; accepts NULL. */
void
tw_figures_free(struct tw_figures *f)
{
	if (f == NULL)
		return;
	for (size_t i = 0; i < f->ngroups; i++) {
		free(f->groups[i].key);
		free(f->groups[i].name);
	}
	free(f->groups);
	free(f->buckets);
	free(f);
}

/* Returns the bucket named label, added in order when it is new, or
 * NULL when memory runs out. */
static struct tw_fig_bucket *
find_bucket(struct tw_figures *f, const char *label)
{
	struct tw_fig_bucket *b;
	size_t i;

	for (i = 0; i < f->nbuckets; i++)
		if (strcmp(f->buckets[i].label, label) == 0)
			return &f->buckets[i];
	b = realloc(f->buckets, (f->nbuckets + 1) * sizeof *b);
	if (b == NULL)
		return NULL;
	f->buckets = b;
	/* Keep the labels sorted: they are ISO dates or months. */
	for (i = f->nbuckets; i > 0 && strcmp(b[i - 1].label, label) > 0; i--)
		b[i] = b[i - 1];
	memset(&b[i], 0, sizeof b[i]);
	snprintf(b[i].label, sizeof b[i].label, "%s", label);
	f->nbuckets++;
	return &b[i];
}

/* Returns 1 when the cell is "1", or 0, also for SQL NULL. */
static int
cell_flag(const struct tw_rows *rows, size_t row, size_t col)
{
	const char *value = tw_rows_get(rows, row, col);

	return value != NULL && strcmp(value, "1") == 0;
}

/* Sums rows [first, last) of one group into g; hours is scratch space
 * for as many values. Returns TW_OK or TW_ERR_NOMEM. */
static enum tw_err
sum_group(const struct tw_rows *rows, size_t first, size_t last,
    struct tw_fig_row *g, double *hours)
{
	const char *name = tw_rows_get(rows, first, COL_NAME);

	g->key = strdup(tw_rows_get(rows, first, COL_KEY));
	g->name = strdup(name != NULL ? name : "");
	if (g->key == NULL || g->name == NULL)
		return TW_ERR_NOMEM;
	for (size_t i = first; i < last; i++) {
		const char *h = tw_rows_get(rows, i, COL_HOURS);

		g->received++;
		if (h != NULL)
			hours[g->resolved++] = atof(h);
		g->confirmed += cell_flag(rows, i, COL_CONFIRMED);
		g->overdue += cell_flag(rows, i, COL_OVERDUE);
	}
	if (g->resolved > 0) {
		qsort(hours, g->resolved, sizeof *hours, compare_double);
		g->median_hours = tw_fig_percentile(hours, g->resolved, 50);
		g->p90_hours = tw_fig_percentile(hours, g->resolved, 90);
	}
	return TW_OK;
}

/* Groups the ordered rows into f->groups and counts the trend buckets. */
static enum tw_err
summarise(const struct tw_rows *rows, enum tw_fig_trend trend,
    struct tw_figures *f)
{
	double *hours = malloc((rows->nrows + 1) * sizeof *hours);
	enum tw_err err = TW_OK;
	size_t first = 0;

	f->groups = calloc(rows->nrows + 1, sizeof *f->groups);
	if (hours == NULL || f->groups == NULL) {
		free(hours);
		return TW_ERR_NOMEM;
	}
	for (size_t i = 1; i <= rows->nrows && err == TW_OK; i++) {
		if (i < rows->nrows &&
		    strcmp(tw_rows_get(rows, i, COL_KEY),
		        tw_rows_get(rows, first, COL_KEY)) == 0)
			continue;
		err =
		    sum_group(rows, first, i, &f->groups[f->ngroups++], hours);
		first = i;
	}
	for (size_t i = 0; i < rows->nrows && err == TW_OK; i++) {
		struct tw_fig_bucket *b = find_bucket(f,
		    tw_rows_get(rows, i,
		        trend == TW_FIG_MONTHLY ? COL_MONTH : COL_WEEK));

		if (b == NULL) {
			err = TW_ERR_NOMEM;
			break;
		}
		b->received++;
		b->resolved += tw_rows_get(rows, i, COL_HOURS) != NULL;
	}
	free(hours);
	return err;
}

/* Returns the group of f with key, appending one with no cases and name
 * when there is none. Returns NULL when memory runs out. */
static struct tw_fig_row *
find_group(struct tw_figures *f, const char *key, const char *name)
{
	struct tw_fig_row *g;

	for (size_t i = 0; i < f->ngroups; i++)
		if (strcmp(f->groups[i].key, key) == 0)
			return &f->groups[i];
	g = realloc(f->groups, (f->ngroups + 1) * sizeof *g);
	if (g == NULL)
		return NULL;
	f->groups = g;
	g = &f->groups[f->ngroups];
	memset(g, 0, sizeof *g);
	g->key = strdup(key);
	g->name = strdup(name != NULL ? name : "");
	f->ngroups++;
	return g->key != NULL && g->name != NULL ? g : NULL;
}

/* Adds the cases each agent handled to the agents' groups of f; an
 * agent who registered none of the period's cases gets a group too. */
static enum tw_err
add_handled(struct tw_db *db, const struct tw_param *p, struct tw_figures *f)
{
	struct tw_rows *rows;
	enum tw_err err;

	if ((err = tw_db_query(db, &handled_stmt, p + 1, 6, &rows)) != TW_OK)
		return err;
	for (size_t i = 0; i < rows->nrows && err == TW_OK; i++) {
		struct tw_fig_row *g = find_group(f, tw_rows_get(rows, i, 0),
		    tw_rows_get(rows, i, 2));

		if (g == NULL)
			err = TW_ERR_NOMEM;
		else
			g->handled = atoll(tw_rows_get(rows, i, 1));
	}
	tw_rows_free(rows);
	return err;
}

/*
 * Computes the figures of the cases created from Muscat day `from` to
 * day `to`, both included, per group, for one directorate or all when
 * directorate_id is 0. The caller frees *out with tw_figures_free.
 * Returns TW_OK, TW_ERR_INPUT for to before from or a period over
 * PERIOD_DAYS_MAX days, TW_ERR_NOMEM or TW_ERR_DB.
 * NOTE: reads one row per case of the period, so the time grows with
 * it: about 2 s for a year of 190,000 cases in bench/RESULTS.md.
 */
enum tw_err
tw_figures_load(struct tw_db *db, enum tw_fig_group group, long from, long to,
    enum tw_fig_trend trend, long long directorate_id, enum tw_lang lang,
    struct tw_figures **out)
{
	char start[20], end[20];
	struct tw_rows *rows = NULL;
	struct tw_figures *f;
	enum tw_err err;

	*out = NULL;
	if (to < from || to - from + 1 > PERIOD_DAYS_MAX ||
	    (unsigned)group >= TW_FIG_GROUPS)
		return TW_ERR_INPUT;
	day_start_utc(from, start);
	day_start_utc(to + 1, end);
	struct tw_param p[] = { TW_P_INT(lang == TW_LANG_AR), TW_P_STR(start),
		TW_P_STR(end), TW_P_STR(start), TW_P_STR(end),
		TW_P_INT(directorate_id), TW_P_INT(directorate_id) };
	struct tw_param by_group[] = { p[0], p[3], p[4], p[5], p[6] };
	if ((err = tw_db_query(db, &stmts[group], by_group, 5, &rows)) != TW_OK)
		return err;
	if ((f = calloc(1, sizeof *f)) == NULL) {
		tw_rows_free(rows);
		return TW_ERR_NOMEM;
	}
	err = summarise(rows, trend, f);
	tw_rows_free(rows);
	if (err == TW_OK && group == TW_FIG_BY_AGENT)
		err = add_handled(db, p, f);
	if (err != TW_OK) {
		tw_figures_free(f);
		return err;
	}
	*out = f;
	return TW_OK;
}
