/*
 * call_figures.c: the figures of the 1111 phone line for a period, from
 * the call log of the IVR (ivr_calls, ivr_missed_calls).
 *
 * Definitions, also in the page's footnote:
 * calls        - calls started in the period (Muscat days), whatever
 *                happened after;
 * outcome      - the call's last recorded result (ivr_calls.outcome);
 * duration     - ended_at - started_at, for calls with an end time;
 * voice cases  - calls whose voice complaint became a case;
 * missed       - calls of the period with a missed-call record; returned
 *                when the record is handled (an agent marked it, or the
 *                recording made a case after all), open otherwise;
 * call-back    - handled_at - created_at of a returned record.
 * The mean is arithmetic, the 90th percentile and median nearest-rank
 * (tw_fig_percentile).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tawasul.h"

/* Asia/Muscat is UTC+4 and has no daylight saving time. */
#define MUSCAT_OFFSET (4 * 3600)

/* Maximum period, in days, as for the case figures. */
#define PERIOD_DAYS_MAX 731

const char *const tw_call_outcomes[TW_CALL_OUTCOMES] = { "status_read",
	"case_created", "procedure_sent", "transferred", "agent_answered",
	"no_answer", "after_hours", "missed", "hung_up", "started", "other" };

/* One row per call started in the range. The last column is the day,
 * week's Monday or month of the start in Muscat time, chosen by the
 * first parameter (0, 1 or 2). */
/* clang-format off */
static struct tw_stmt calls_stmt = { .sql =
	"SELECT c.lang, c.outcome,"
	" IF(c.ended_at >= c.started_at,"
	" TIMESTAMPDIFF(SECOND, c.started_at, c.ended_at), NULL),"
	" c.outcome = 'case_created' AND c.case_id IS NOT NULL,"
	" m.id IS NOT NULL, m.handled_at IS NOT NULL,"
	" IF(m.handled_at >= m.created_at,"
	" TIMESTAMPDIFF(SECOND, m.created_at, m.handled_at), NULL),"
	" CASE ? WHEN 0 THEN DATE_FORMAT(c.started_at + INTERVAL 4 HOUR,"
	" '%Y-%m-%d') WHEN 1 THEN DATE_FORMAT(DATE(c.started_at + INTERVAL 4"
	" HOUR) - INTERVAL WEEKDAY(c.started_at + INTERVAL 4 HOUR) DAY,"
	" '%Y-%m-%d') ELSE DATE_FORMAT(c.started_at + INTERVAL 4 HOUR,"
	" '%Y-%m') END"
	" FROM ivr_calls c LEFT JOIN ivr_missed_calls m ON m.call_id = c.id"
	" WHERE c.started_at >= ? AND c.started_at < ?" };
/* clang-format on */

/* Column indexes of calls_stmt's rows. */
enum {
	COL_LANG,
	COL_OUTCOME,
	COL_SECONDS,
	COL_VOICE_CASE,
	COL_MISSED,
	COL_RETURNED,
	COL_CALLBACK,
	COL_BUCKET
};

/* Returns the index of outcome in tw_call_outcomes, or that of "other"
 * for NULL or a value not in the list. */
int
tw_call_outcome_index(const char *outcome)
{
	for (int i = 0; outcome != NULL && i < TW_CALL_OUTCOMES - 1; i++)
		if (strcmp(outcome, tw_call_outcomes[i]) == 0)
			return i;
	return TW_CALL_OUTCOMES - 1;
}

static int
compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Returns the bucket named label of f, added in label order when new,
 * or NULL when memory runs out. */
static struct tw_call_bucket *
find_bucket(struct tw_call_figures *f, const char *label)
{
	struct tw_call_bucket *b;
	size_t i;

	for (i = 0; i < f->nbuckets; i++)
		if (strcmp(f->buckets[i].label, label) == 0)
			return &f->buckets[i];
	b = realloc(f->buckets, (f->nbuckets + 1) * sizeof *b);
	if (b == NULL)
		return NULL;
	f->buckets = b;
	/* ISO dates and months sort as text. */
	for (i = f->nbuckets; i > 0 && strcmp(b[i - 1].label, label) > 0; i--)
		b[i] = b[i - 1];
	memset(&b[i], 0, sizeof b[i]);
	snprintf(b[i].label, sizeof b[i].label, "%s", label);
	f->nbuckets++;
	return &b[i];
}

/*
 * Counts n calls into f, which must be zeroed: the totals, the mean and
 * 90th percentile duration, the median call-back time and one bucket
 * per distinct fact.bucket. A NULL bucket counts in no bucket. Returns
 * TW_OK or TW_ERR_NOMEM. The caller frees f->buckets either way.
 */
enum tw_err
tw_call_figures_summarise(const struct tw_call_fact *calls, size_t n,
    struct tw_call_figures *f)
{
	double *seconds = malloc((n + 1) * sizeof *seconds);
	double *callbacks = malloc((n + 1) * sizeof *callbacks);
	size_t ncallbacks = 0;
	double total = 0;
	enum tw_err err = TW_OK;

	if (seconds == NULL || callbacks == NULL) {
		free(seconds);
		free(callbacks);
		return TW_ERR_NOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		const struct tw_call_fact *c = &calls[i];
		int outcome = tw_call_outcome_index(c->outcome);

		f->calls++;
		if ((unsigned)c->lang < TW_LANG_MAX)
			f->langs[c->lang]++;
		f->outcomes[outcome]++;
		if (c->seconds >= 0) {
			seconds[f->timed++] = c->seconds;
			total += c->seconds;
		}
		f->voice_cases += c->voice_case != 0;
		if (c->missed) {
			f->missed++;
			if (c->returned) {
				f->returned++;
				if (c->callback_seconds >= 0)
					callbacks[ncallbacks++] =
					    c->callback_seconds;
			}
		}
		if (c->bucket != NULL) {
			struct tw_call_bucket *b = find_bucket(f, c->bucket);

			if (b == NULL) {
				err = TW_ERR_NOMEM;
				break;
			}
			b->calls++;
			b->outcomes[outcome]++;
		}
	}
	f->open = f->missed - f->returned;
	if (f->timed > 0) {
		qsort(seconds, f->timed, sizeof *seconds, compare_double);
		f->mean_seconds = total / (double)f->timed;
		f->p90_seconds = tw_fig_percentile(seconds, f->timed, 90);
	}
	if (ncallbacks > 0) {
		qsort(callbacks, ncallbacks, sizeof *callbacks, compare_double);
		f->median_callback_minutes =
		    tw_fig_percentile(callbacks, ncallbacks, 50) / 60.0;
	}
	free(seconds);
	free(callbacks);
	return err;
}

/* Adds an empty bucket for every day, week or month of the Muscat days
 * from..to that had no call, so the trend shows the quiet periods too. */
static enum tw_err
add_empty_buckets(struct tw_call_figures *f, long from, long to,
    enum tw_call_trend trend)
{
	char label[11];

	for (long day = from; day <= to; day++) {
		/* 1970-01-01 was a Thursday, so (day + 3) % 7 is 0 on Mondays.
		 */
		long monday = day - (day + 3) % 7;

		tw_fig_format_date(trend == TW_CALL_WEEKLY ? monday : day,
		    label);
		if (trend == TW_CALL_MONTHLY)
			label[7] = '\0';
		if (find_bucket(f, label) == NULL)
			return TW_ERR_NOMEM;
	}
	return TW_OK;
}

/* Frees f and its buckets. Accepts NULL. */
void
tw_call_figures_free(struct tw_call_figures *f)
{
	if (f == NULL)
		return;
	free(f->buckets);
	free(f);
}

/* Returns the number in the cell, or -1 for SQL NULL. */
static double
cell_seconds(const struct tw_rows *rows, size_t row, size_t col)
{
	const char *value = tw_rows_get(rows, row, col);

	return value != NULL ? atof(value) : -1;
}

/* Returns 1 when the cell is "1", or 0, also for SQL NULL. */
static int
cell_flag(const struct tw_rows *rows, size_t row, size_t col)
{
	const char *value = tw_rows_get(rows, row, col);

	return value != NULL && strcmp(value, "1") == 0;
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

/*
 * Computes the figures of the calls started from Muscat day `from` to
 * day `to`, both included, with the trend per day, week or month: one
 * bucket for each of them in the period, also those with no call. The
 * caller frees *out with tw_call_figures_free. Returns TW_OK,
 * TW_ERR_INPUT for to before from or a period over PERIOD_DAYS_MAX
 * days, TW_ERR_NOMEM or TW_ERR_DB.
 * NOTE: reads one row per call of the period, as tw_figures_load does
 * per case.
 */
enum tw_err
tw_call_figures_load(struct tw_db *db, long from, long to,
    enum tw_call_trend trend, struct tw_call_figures **out)
{
	char start[20], end[20];
	struct tw_rows *rows = NULL;
	struct tw_call_fact *facts;
	struct tw_call_figures *f;
	enum tw_err err;

	*out = NULL;
	if (to < from || to - from + 1 > PERIOD_DAYS_MAX ||
	    (unsigned)trend > TW_CALL_MONTHLY)
		return TW_ERR_INPUT;
	day_start_utc(from, start);
	day_start_utc(to + 1, end);
	struct tw_param p[] = { TW_P_INT(trend), TW_P_STR(start),
		TW_P_STR(end) };
	if ((err = tw_db_query(db, &calls_stmt, p, 3, &rows)) != TW_OK)
		return err;
	facts = calloc(rows->nrows + 1, sizeof *facts);
	f = calloc(1, sizeof *f);
	if (facts == NULL || f == NULL) {
		free(facts);
		free(f);
		tw_rows_free(rows);
		return TW_ERR_NOMEM;
	}
	for (size_t i = 0; i < rows->nrows; i++) {
		const char *lang = tw_rows_get(rows, i, COL_LANG);

		facts[i].lang = lang != NULL && strcmp(lang, "en") == 0
		    ? TW_LANG_EN
		    : TW_LANG_AR;
		facts[i].outcome = tw_rows_get(rows, i, COL_OUTCOME);
		facts[i].seconds = cell_seconds(rows, i, COL_SECONDS);
		facts[i].voice_case = cell_flag(rows, i, COL_VOICE_CASE);
		facts[i].missed = cell_flag(rows, i, COL_MISSED);
		facts[i].returned = cell_flag(rows, i, COL_RETURNED);
		facts[i].callback_seconds = cell_seconds(rows, i, COL_CALLBACK);
		facts[i].bucket = tw_rows_get(rows, i, COL_BUCKET);
	}
	err = tw_call_figures_summarise(facts, rows->nrows, f);
	if (err == TW_OK)
		err = add_empty_buckets(f, from, to, trend);
	free(facts);
	tw_rows_free(rows);
	if (err != TW_OK) {
		tw_call_figures_free(f);
		return err;
	}
	*out = f;
	return TW_OK;
}
