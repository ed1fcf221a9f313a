/*
 * sla.c: the service-level clock of cases.
 *
 * SLA hours are working hours: a category's sla_hours count only inside
 * the working hours of the working days in work_week, and never on a
 * day in holidays. With 7 working hours a day, 48 SLA hours are 6 days
 * and 6 hours of work. Urgent categories (priority urgent, which every
 * health_safety category has) count wall-clock hours instead.
 *
 * Times are time_t in UTC. The calendar is in Asia/Muscat local time,
 * which is UTC+04:00 all year because Oman has no daylight saving time,
 * so a fixed offset converts between the two.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tawasul.h"

#define MUSCAT_OFFSET (4 * 3600)
#define DAY_SECONDS   86400
/* A sum of working time looks at most this many days ahead before it
 * fails: about 30 years, more than any SLA needs. */
#define MAX_DAYS 11000

enum sla_stmt { SQL_WEEK, SQL_HOLIDAYS, SQL_NOW, SQL_MAX };

/* clang-format off */
static struct tw_stmt stmts[SQL_MAX] = {
	[SQL_WEEK] = {
	    "SELECT weekday, is_working, TIME_TO_SEC(starts), TIME_TO_SEC(ends)"
	    " FROM work_week"},
	[SQL_HOLIDAYS] = {
	    "SELECT TO_DAYS(day) - TO_DAYS('1970-01-01') FROM holidays"
	    " ORDER BY day"},
	[SQL_NOW] = {
	    "SELECT TIMESTAMPDIFF(SECOND, '1970-01-01', UTC_TIMESTAMP())"},
};
/* clang-format on */

/* The local day number (days since 1970-01-01 in Muscat) of t. */
static long
local_day(time_t t)
{
	long long local = (long long)t + MUSCAT_OFFSET;

	return (long)(local >= 0 ? local / DAY_SECONDS
	                         : -((-local + DAY_SECONDS - 1) / DAY_SECONDS));
}

/* The weekday of a local day number, Sunday 0. 1970-01-01 was a
 * Thursday. */
static int
weekday(long day)
{
	return (int)(((day + 4) % 7 + 7) % 7);
}

static int
compare_day(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

static int
is_holiday(const struct tw_sla_calendar *cal, long day)
{
	return cal->nholidays > 0 &&
	    bsearch(&day, cal->holidays, cal->nholidays, sizeof day,
	        compare_day) != NULL;
}

/* Sets the working window of a local day in UTC. Returns 0 when the day
 * has no working time. */
static int
day_window(const struct tw_sla_calendar *cal, long day, time_t *open,
    time_t *close)
{
	const struct tw_sla_day *d = &cal->week[weekday(day)];
	time_t midnight;

	if (!d->working || d->starts >= d->ends || is_holiday(cal, day))
		return 0;
	midnight = (time_t)day * DAY_SECONDS - MUSCAT_OFFSET;
	*open = midnight + d->starts;
	*close = midnight + d->ends;
	return 1;
}

/* Returns 1 when the calendar has a working day and valid hours. */
static int
calendar_valid(const struct tw_sla_calendar *cal)
{
	int any = 0;

	if (cal == NULL)
		return 0;
	for (int i = 0; i < 7; i++) {
		const struct tw_sla_day *d = &cal->week[i];

		if (d->starts < 0 || d->ends > DAY_SECONDS)
			return 0;
		if (d->working && d->starts < d->ends)
			any = 1;
	}
	return any;
}

/*
 * Adds seconds of working time to start and stores the moment they run
 * out in *out. When the time runs out exactly at closing, *out is the
 * closing time. Returns TW_ERR_INPUT for negative seconds or a calendar
 * without working time.
 */
enum tw_err
tw_sla_add(const struct tw_sla_calendar *cal, time_t start, long long seconds,
    time_t *out)
{
	time_t cur = start, open, close;
	long day = local_day(start);

	if (seconds < 0 || !calendar_valid(cal))
		return TW_ERR_INPUT;
	for (long n = 0; n < MAX_DAYS; n++, day++) {
		if (seconds == 0) {
			*out = cur;
			return TW_OK;
		}
		if (!day_window(cal, day, &open, &close) || cur >= close)
			continue;
		if (cur < open)
			cur = open;
		if (seconds <= close - cur) {
			*out = cur + (time_t)seconds;
			return TW_OK;
		}
		seconds -= close - cur;
		cur = close;
	}
	return TW_ERR_INPUT;
}

/*
 * Computes the due time of an SLA of hours from start: hours of working
 * time, or of wall-clock time when continuous is 1. Returns TW_OK with
 * *due set, or TW_ERR_INPUT for negative hours or, unless continuous, a
 * calendar without working time.
 */
enum tw_err
tw_sla_due(const struct tw_sla_calendar *cal, time_t start, long long hours,
    int continuous, time_t *due)
{
	if (hours < 0 || hours > 1000000)
		return TW_ERR_INPUT;
	if (continuous) {
		*due = start + (time_t)(hours * 3600);
		return TW_OK;
	}
	return tw_sla_add(cal, start, hours * 3600, due);
}

/*
 * Returns the seconds of working time between from and to, 0 when to is
 * not after from, or -1 for a calendar without working time or a span
 * of more than about 30 years.
 */
long long
tw_sla_working_seconds(const struct tw_sla_calendar *cal, time_t from,
    time_t to)
{
	long long total = 0;
	time_t open, close;

	if (!calendar_valid(cal))
		return -1;
	if (to <= from)
		return 0;
	if (local_day(to) - local_day(from) > MAX_DAYS)
		return -1;
	for (long day = local_day(from); day <= local_day(to); day++) {
		if (!day_window(cal, day, &open, &close))
			continue;
		if (open < from)
			open = from;
		if (close > to)
			close = to;
		if (close > open)
			total += close - open;
	}
	return total;
}

/* Returns the seconds a paused clock stood still: working seconds, or
 * wall-clock seconds when continuous is 1. Returns -1 for a calendar
 * without working time. */
long long
tw_sla_paused_seconds(const struct tw_sla_calendar *cal, time_t paused_at,
    time_t resumed_at, int continuous)
{
	if (continuous)
		return resumed_at > paused_at ? resumed_at - paused_at : 0;
	return tw_sla_working_seconds(cal, paused_at, resumed_at);
}

/* Returns 1 when a category's clock runs around the hour (wall clock):
 * priority urgent or a health and safety category. */
int
tw_sla_continuous(const char *priority, int health_safety)
{
	return health_safety ||
	    (priority != NULL && strcmp(priority, "urgent") == 0);
}

/* Formats t as a MariaDB DATETIME in UTC into out. */
void
tw_sla_format(time_t t, char out[20])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 20, "%Y-%m-%d %H:%M:%S", &tm);
}

/* Reads the database's UTC clock into *now. Returns TW_OK or TW_ERR_DB. */
enum tw_err
tw_sla_db_now(struct tw_db *db, time_t *now)
{
	struct tw_rows *rows;
	enum tw_err err;

	if ((err = tw_db_query(db, &stmts[SQL_NOW], NULL, 0, &rows)) != TW_OK)
		return err;
	if (rows->nrows != 1 || tw_rows_get(rows, 0, 0) == NULL)
		err = TW_ERR_DB;
	else
		*now = (time_t)atoll(tw_rows_get(rows, 0, 0));
	tw_rows_free(rows);
	return err;
}

static enum tw_err
load_week(struct tw_db *db, struct tw_sla_calendar *cal)
{
	struct tw_rows *rows;
	enum tw_err err;

	if ((err = tw_db_query(db, &stmts[SQL_WEEK], NULL, 0, &rows)) != TW_OK)
		return err;
	for (size_t i = 0; i < rows->nrows; i++) {
		int wd = atoi(tw_rows_get(rows, i, 0));

		if (wd < 0 || wd > 6)
			continue;
		cal->week[wd].working = atoi(tw_rows_get(rows, i, 1));
		cal->week[wd].starts = atol(tw_rows_get(rows, i, 2));
		cal->week[wd].ends = atol(tw_rows_get(rows, i, 3));
	}
	tw_rows_free(rows);
	return TW_OK;
}

static enum tw_err
load_holidays(struct tw_db *db, struct tw_sla_calendar *cal)
{
	struct tw_rows *rows;
	enum tw_err err;

	if ((err = tw_db_query(db, &stmts[SQL_HOLIDAYS], NULL, 0, &rows)) !=
	    TW_OK)
		return err;
	if (rows->nrows > 0 &&
	    (cal->holidays = calloc(rows->nrows, sizeof(long))) == NULL) {
		tw_rows_free(rows);
		return TW_ERR_NOMEM;
	}
	for (size_t i = 0; i < rows->nrows; i++)
		cal->holidays[i] = atol(tw_rows_get(rows, i, 0));
	cal->nholidays = rows->nrows;
	tw_rows_free(rows);
	return TW_OK;
}

/*
 * Loads the working week and the holidays. Returns TW_OK with a calendar
 * the caller frees with tw_sla_calendar_free, TW_ERR_NOMEM or TW_ERR_DB.
 * Weekdays missing from work_week are not working days.
 */
enum tw_err
tw_sla_calendar_load(struct tw_db *db, struct tw_sla_calendar **out)
{
	struct tw_sla_calendar *cal;
	enum tw_err err;

	if ((cal = calloc(1, sizeof *cal)) == NULL)
		return TW_ERR_NOMEM;
	if ((err = load_week(db, cal)) != TW_OK ||
	    (err = load_holidays(db, cal)) != TW_OK) {
		tw_sla_calendar_free(cal);
		return err;
	}
	*out = cal;
	return TW_OK;
}

void
tw_sla_calendar_free(struct tw_sla_calendar *cal)
{
	if (cal == NULL)
		return;
	free(cal->holidays);
	free(cal);
}

/*
 * Computes a case's due time from start with the calendar in the
 * database. When the calendar has no working time it logs the error and
 * counts wall-clock hours, so a case is never lost to a bad calendar.
 * Returns TW_OK, TW_ERR_INPUT for negative hours, TW_ERR_NOMEM or
 * TW_ERR_DB.
 */
enum tw_err
tw_sla_case_due(struct tw_db *db, time_t start, long long hours, int continuous,
    time_t *due)
{
	struct tw_sla_calendar *cal;
	enum tw_err err;

	if (continuous)
		return tw_sla_due(NULL, start, hours, 1, due);
	if ((err = tw_sla_calendar_load(db, &cal)) != TW_OK)
		return err;
	err = tw_sla_due(cal, start, hours, 0, due);
	tw_sla_calendar_free(cal);
	if (err == TW_ERR_INPUT && hours >= 0) {
		tw_log_error("sla: work_week has no working hours; due time of"
		             " %lld h counted in wall-clock hours",
		    hours);
		err = tw_sla_due(NULL, start, hours, 1, due);
	}
	return err;
}

/*
 * Computes the due time of a case resumed at now after its clock stood
 * still from paused_at: due moves later by the working time (wall-clock
 * time when continuous) of the pause, counted from due itself. With a
 * calendar without working time it logs the error and uses wall-clock
 * time. Returns TW_OK, TW_ERR_NOMEM or TW_ERR_DB.
 */
enum tw_err
tw_sla_case_resume(struct tw_db *db, time_t due, time_t paused_at, time_t now,
    int continuous, time_t *new_due)
{
	struct tw_sla_calendar *cal = NULL;
	long long paused = -1;
	enum tw_err err = TW_ERR_INPUT;

	if (!continuous) {
		if ((err = tw_sla_calendar_load(db, &cal)) != TW_OK)
			return err;
		paused = tw_sla_working_seconds(cal, paused_at, now);
		if (paused >= 0)
			err = tw_sla_add(cal, due, paused, new_due);
		tw_sla_calendar_free(cal);
		if (err == TW_OK)
			return TW_OK;
		tw_log_error("sla: work_week has no working hours; pause"
		             " counted in wall-clock hours");
	}
	paused = now > paused_at ? now - paused_at : 0;
	*new_due = due + (time_t)paused;
	return TW_OK;
}
