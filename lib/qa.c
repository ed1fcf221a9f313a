/*
 * qa.c: monthly quality assurance. A sample of each month's registered
 * cases per registering agent, the scores QA reviewers give them, and
 * the monthly reports that put the scores beside the survey results.
 *
 * The draw is reproducible: the month's eligible cases are grouped by
 * the agent who registered them and ordered by id, and one splitmix64
 * generator seeded with the recorded seed picks each group's cases in
 * turn. The same seed and the same cases give the same sample on every
 * machine. Cases filed by residents (no registering agent) form one
 * more group, "portal", drawn last.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tawasul.h"

/* Asia/Muscat is UTC+4 and has no daylight saving time.
 * NOTE: months are Muscat's even where Site.DisplayTimeZone differs. */
#define MUSCAT_OFFSET (4 * 3600)

/* Cases counted as registered: every state after "new" but rejection. */
#define REGISTERED_CASES "c.status NOT IN ('new', 'rejected')"

enum qa_stmt {
	SQL_SAMPLE_BY_MONTH,
	SQL_SAMPLE_INSERT,
	SQL_ELIGIBLE,
	SQL_SAMPLE_CASE_INSERT,
	SQL_SAMPLE_CASES,
	SQL_REVIEW_LIST,
	SQL_REVIEW_CASE,
	SQL_SURVEYS,
	SQL_SCORE_UPSERT,
	SQL_REPORT_AGENT,
	SQL_REPORT_DIRECTORATE,
	SQL_REPORT_MONTH,
	SQL_MAX
};

/*
 * The columns every report returns after its two key columns: cases,
 * sampled, scored, the three average scores, surveys sent and answered,
 * average satisfaction, cases confirmed solved and cases resolved.
 * A case counts as resolved when its history has a move to "resolved",
 * and as confirmed solved when it was closed by the resident's
 * confirmation: the event "confirmed" of a survey or "confirm" by phone.
 */
#define REPORT_COLUMNS                                                         \
	" COUNT(*), COUNT(s.case_id), COUNT(q.case_id),"                       \
	" AVG(q.soft_skills), AVG(q.time_to_solve), AVG(q.service_quality),"   \
	" IFNULL(SUM(v.sent), 0), IFNULL(SUM(v.answered), 0),"                 \
	" SUM(v.satisfaction_sum) / SUM(v.satisfaction_n),"                    \
	" IFNULL(SUM(e.confirmed), 0), IFNULL(SUM(e.resolved), 0)"

/* The derived tables read only the period's cases, so a report does not
 * group the whole history of every case. */
#define CASES_IN_RANGE                                                         \
	"SELECT id FROM cases WHERE created_at >= ? AND created_at < ?"

#define REPORT_JOINS                                                           \
	" LEFT JOIN qa_sample_cases s ON s.case_id = c.id"                     \
	" LEFT JOIN qa_scores q ON q.case_id = c.id"                           \
	" LEFT JOIN (SELECT case_id, COUNT(*) AS sent,"                        \
	" COUNT(answered_at) AS answered,"                                     \
	" SUM(satisfaction) AS satisfaction_sum,"                              \
	" COUNT(satisfaction) AS satisfaction_n"                               \
	" FROM surveys WHERE case_id IN (" CASES_IN_RANGE ")"                  \
	" GROUP BY case_id) v ON v.case_id = c.id"                             \
	" LEFT JOIN (SELECT case_id,"                                          \
	" MAX(to_status = 'resolved') AS resolved,"                            \
	" MAX(to_status = 'closed' AND kind IN ('confirmed', 'confirm'))"      \
	" AS confirmed FROM case_events"                                       \
	" WHERE case_id IN (" CASES_IN_RANGE ") GROUP BY case_id) e"           \
	" ON e.case_id = c.id"

/* The created_at range, and 0 or the one directorate to report on. */
#define REPORT_WHERE                                                           \
	" WHERE c.created_at >= ? AND c.created_at < ? AND " REGISTERED_CASES  \
	" AND (? = 0 OR c.directorate_id = ?)"

/* clang-format off */
static struct tw_stmt stmts[SQL_MAX] = {
	[SQL_SAMPLE_BY_MONTH] = {
	    "SELECT id, month, seed, per_agent, percent, created_at,"
	    " created_by FROM qa_samples WHERE month = ?"},
	[SQL_SAMPLE_INSERT] = {
	    "INSERT INTO qa_samples (month, seed, per_agent, percent,"
	    " created_at, created_by) VALUES (?, ?, ?, ?, UTC_TIMESTAMP(), ?)"},
	[SQL_ELIGIBLE] = {
	    "SELECT c.id, c.registered_by FROM cases c"
	    " WHERE c.created_at >= ? AND c.created_at < ?"
	    " AND " REGISTERED_CASES
	    " AND NOT EXISTS (SELECT 1 FROM qa_sample_cases x"
	    " WHERE x.case_id = c.id)"
	    " ORDER BY c.registered_by IS NULL, c.registered_by, c.id"},
	[SQL_SAMPLE_CASE_INSERT] = {
	    "INSERT INTO qa_sample_cases (sample_id, case_id, agent_id)"
	    " VALUES (?, ?, ?)"},
	[SQL_SAMPLE_CASES] = {
	    "SELECT c.number, IFNULL(t.username, 'portal')"
	    " FROM qa_sample_cases s JOIN cases c ON c.id = s.case_id"
	    " LEFT JOIN staff t ON t.id = s.agent_id WHERE s.sample_id = ?"
	    " ORDER BY s.agent_id IS NULL, s.agent_id, c.id"},
	[SQL_REVIEW_LIST] = {
	    "SELECT c.number, IFNULL(t.display_name, ''), s.agent_id IS NULL,"
	    " d.name_ar, d.name_en, c.status, c.created_at,"
	    " q.case_id IS NOT NULL, q.soft_skills, q.time_to_solve,"
	    " q.service_quality"
	    " FROM qa_samples m JOIN qa_sample_cases s ON s.sample_id = m.id"
	    " JOIN cases c ON c.id = s.case_id"
	    " JOIN directorates d ON d.id = c.directorate_id"
	    " LEFT JOIN staff t ON t.id = s.agent_id"
	    " LEFT JOIN qa_scores q ON q.case_id = s.case_id"
	    " WHERE m.month = ? AND (s.reviewer_id IS NULL OR s.reviewer_id = ?)"
	    " ORDER BY s.agent_id IS NULL, t.display_name, c.id"},
	[SQL_REVIEW_CASE] = {
	    "SELECT s.case_id, m.month, IFNULL(t.display_name, ''),"
	    " s.agent_id IS NULL, q.soft_skills, q.time_to_solve,"
	    " q.service_quality, q.notes, q.scored_at, q.updated_at,"
	    " r.display_name"
	    " FROM cases c JOIN qa_sample_cases s ON s.case_id = c.id"
	    " JOIN qa_samples m ON m.id = s.sample_id"
	    " LEFT JOIN staff t ON t.id = s.agent_id"
	    " LEFT JOIN qa_scores q ON q.case_id = s.case_id"
	    " LEFT JOIN staff r ON r.id = q.reviewer_id"
	    " WHERE c.number = ? AND (s.reviewer_id IS NULL OR s.reviewer_id = ?)"},
	[SQL_SURVEYS] = {
	    "SELECT round, created_at, answered_at, solved, satisfaction,"
	    " first_contact, comment, closed_by_phone_at"
	    " FROM surveys WHERE case_id = ? ORDER BY round"},
	[SQL_SCORE_UPSERT] = {
	    "INSERT INTO qa_scores (case_id, reviewer_id, soft_skills,"
	    " time_to_solve, service_quality, notes, scored_at, updated_at)"
	    " VALUES (?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(), UTC_TIMESTAMP())"
	    " ON DUPLICATE KEY UPDATE reviewer_id = VALUES(reviewer_id),"
	    " soft_skills = VALUES(soft_skills),"
	    " time_to_solve = VALUES(time_to_solve),"
	    " service_quality = VALUES(service_quality),"
	    " notes = VALUES(notes), updated_at = UTC_TIMESTAMP()"},
	[SQL_REPORT_AGENT] = {
	    "SELECT IFNULL(t.username, 'portal'), IFNULL(t.display_name, ''),"
	    REPORT_COLUMNS " FROM cases c LEFT JOIN staff t"
	    " ON t.id = c.registered_by" REPORT_JOINS REPORT_WHERE
	    " GROUP BY c.registered_by ORDER BY c.registered_by IS NULL,"
	    " t.username"},
	[SQL_REPORT_DIRECTORATE] = {
	    "SELECT d.code, IF(? = 1, d.name_ar, d.name_en),"
	    REPORT_COLUMNS " FROM cases c JOIN directorates d"
	    " ON d.id = c.directorate_id" REPORT_JOINS REPORT_WHERE
	    " GROUP BY c.directorate_id ORDER BY d.sort, d.code"},
	[SQL_REPORT_MONTH] = {
	    "SELECT DATE_FORMAT(c.created_at + INTERVAL 4 HOUR, '%Y-%m'), '',"
	    REPORT_COLUMNS " FROM cases c" REPORT_JOINS REPORT_WHERE
	    " GROUP BY 1 ORDER BY 1"},
};
/* clang-format on */

/*
 * Advances a splitmix64 generator and returns its next output. This is
 * Sebastiano Vigna's public-domain splitmix64 (prng.di.unimi.it): the
 * state steps by 0x9e3779b97f4a7c15 and each output is that state mixed.
 */
uint64_t
tw_splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/*
 * Returns a uniform number from 0 to n - 1, or 0 when n is 0. Outputs
 * in the incomplete last block of n are drawn again, so no number is
 * more likely than another.
 */
uint64_t
tw_random_below(uint64_t *state, uint64_t n)
{
	uint64_t limit, x;

	if (n == 0)
		return 0;
	limit = UINT64_MAX - UINT64_MAX % n;
	do
		x = tw_splitmix64(state);
	while (x >= limit);
	return x % n;
}

/*
 * Returns how many of a group of population cases to sample. When
 * per_agent is above 0 it is per_agent, capped at the population.
 * Otherwise it is percent of the population rounded half up, and at
 * least 1 of a group that has cases when percent is above 0.
 */
size_t
tw_qa_sample_size(size_t population, long per_agent, double percent)
{
	double exact;
	size_t k;

	if (per_agent > 0)
		return (size_t)per_agent < population ? (size_t)per_agent
		                                      : population;
	if (population == 0 || !(percent > 0))
		return 0;
	exact = (double)population * percent / 100.0;
	/* The small term keeps 2.5 at 3 when the product lands just below. */
	k = (size_t)(exact + 0.5 + 1e-9);
	if (k == 0)
		k = 1;
	return k < population ? k : population;
}

static int
compare_ids(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

/*
 * Draws k of the n ids into out (room for k), in ascending order, by a
 * partial Fisher-Yates shuffle of a copy. k larger than n takes all n.
 * Returns TW_OK or TW_ERR_NOMEM.
 */
enum tw_err
tw_qa_draw(uint64_t *state, const long long *ids, size_t n, size_t k,
    long long *out)
{
	long long *pool, tmp;

	if (k > n)
		k = n;
	if (k == 0)
		return TW_OK;
	if ((pool = malloc(n * sizeof *pool)) == NULL)
		return TW_ERR_NOMEM;
	memcpy(pool, ids, n * sizeof *pool);
	for (size_t i = 0; i < k; i++) {
		size_t j = i + (size_t)tw_random_below(state, n - i);

		tmp = pool[i];
		pool[i] = pool[j];
		pool[j] = tmp;
	}
	memcpy(out, pool, k * sizeof *out);
	free(pool);
	qsort(out, k, sizeof *out, compare_ids);
	return TW_OK;
}

/*
 * Checks a month written YYYY-MM and writes the UTC times at which it
 * starts and ends in Asia/Muscat as "YYYY-MM-DD HH:MM:SS". Returns
 * TW_OK or TW_ERR_INPUT.
 */
enum tw_err
tw_qa_month_range(const char *month, char start[20], char end[20])
{
	struct tm tm;
	time_t from, to;
	int year, mon;
	char tail;

	if (month == NULL || strlen(month) != 7 || month[4] != '-' ||
	    strspn(month, "0123456789-") != 7 ||
	    sscanf(month, "%4d-%2d%c", &year, &mon, &tail) != 2 ||
	    year < 2000 || year > 2999 || mon < 1 || mon > 12)
		return TW_ERR_INPUT;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = year - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = 1;
	from = timegm(&tm) - MUSCAT_OFFSET;
	tm.tm_mon++;
	to = timegm(&tm) - MUSCAT_OFFSET;
	strftime(start, 20, "%Y-%m-%d %H:%M:%S", gmtime_r(&from, &tm));
	strftime(end, 20, "%Y-%m-%d %H:%M:%S", gmtime_r(&to, &tm));
	return TW_OK;
}

/* Writes the month before the one of now, in Asia/Muscat, as YYYY-MM. */
void
tw_qa_last_month(time_t now, char out[8])
{
	struct tm tm;
	time_t local = now + MUSCAT_OFFSET;

	gmtime_r(&local, &tm);
	tm.tm_mday = 1;
	tm.tm_mon--;
	if (tm.tm_mon < 0) {
		tm.tm_mon = 11;
		tm.tm_year--;
	}
	strftime(out, 8, "%Y-%m", &tm);
}

/* Copies a qa_samples row into sample. */
static void
fill_sample(const struct tw_rows *rows, struct tw_qa_sample *sample)
{
	const char *per_agent = tw_rows_get(rows, 0, 3);
	const char *percent = tw_rows_get(rows, 0, 4);
	const char *by = tw_rows_get(rows, 0, 6);

	memset(sample, 0, sizeof *sample);
	sample->id = atoll(tw_rows_get(rows, 0, 0));
	snprintf(sample->month, sizeof sample->month, "%s",
	    tw_rows_get(rows, 0, 1));
	sample->seed = strtoull(tw_rows_get(rows, 0, 2), NULL, 10);
	sample->per_agent = per_agent ? atol(per_agent) : 0;
	sample->percent = percent ? atof(percent) : 0;
	snprintf(sample->created_at, sizeof sample->created_at, "%s",
	    tw_rows_get(rows, 0, 5));
	snprintf(sample->created_by, sizeof sample->created_by, "%s",
	    by ? by : "");
}

/*
 * Loads the sample of a month into sample. Returns TW_OK,
 * TW_ERR_NOTFOUND when the month has none, or TW_ERR_DB.
 */
enum tw_err
tw_qa_sample_find(struct tw_db *db, const char *month,
    struct tw_qa_sample *sample)
{
	struct tw_param p[] = { TW_P_STR(month) };
	struct tw_rows *rows;
	enum tw_err err;

	if ((err = tw_db_query(db, &stmts[SQL_SAMPLE_BY_MONTH], p, 1, &rows)) !=
	    TW_OK)
		return err;
	err = rows->nrows == 1 ? TW_OK : TW_ERR_NOTFOUND;
	if (err == TW_OK)
		fill_sample(rows, sample);
	tw_rows_free(rows);
	return err;
}

/*
 * Loads the cases of a sample: column 0 the case number, column 1 the
 * username of the agent who registered it or "portal". The caller frees
 * *rows with tw_rows_free.
 */
enum tw_err
tw_qa_sample_cases(struct tw_db *db, long long sample_id, struct tw_rows **rows)
{
	struct tw_param p[] = { TW_P_INT(sample_id) };

	return tw_db_query(db, &stmts[SQL_SAMPLE_CASES], p, 1, rows);
}

/* Inserts the cases of one agent's group, rows first to first + n - 1. */
static enum tw_err
draw_group(struct tw_db *db, const struct tw_qa_sample *sample,
    const struct tw_rows *rows, size_t first, size_t n, uint64_t *state,
    size_t *drawn)
{
	const char *agent = tw_rows_get(rows, first, 1);
	size_t k = tw_qa_sample_size(n, sample->per_agent, sample->percent);
	long long *ids, *chosen;
	enum tw_err err = TW_ERR_NOMEM;

	ids = calloc(n, sizeof *ids);
	chosen = calloc(n, sizeof *chosen);
	if (ids == NULL || chosen == NULL)
		goto err;
	for (size_t i = 0; i < n; i++)
		ids[i] = atoll(tw_rows_get(rows, first + i, 0));
	if ((err = tw_qa_draw(state, ids, n, k, chosen)) != TW_OK)
		goto err;
	for (size_t i = 0; i < k && err == TW_OK; i++) {
		struct tw_param p[] = { TW_P_INT(sample->id),
			TW_P_INT(chosen[i]),
			agent ? TW_P_INT(atoll(agent)) : TW_P_NULL };

		err =
		    tw_db_exec(db, &stmts[SQL_SAMPLE_CASE_INSERT], p, 3, NULL);
	}
	*drawn += k;
err:
	free(ids);
	free(chosen);
	return err;
}

/* Returns 1 when rows i and j were registered by the same agent. */
static int
same_agent(const struct tw_rows *rows, size_t i, size_t j)
{
	const char *a = tw_rows_get(rows, i, 1), *b = tw_rows_get(rows, j, 1);

	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Draws every group of the eligible cases into sample. */
static enum tw_err
draw_groups(struct tw_db *db, const struct tw_qa_sample *sample, size_t *drawn)
{
	char start[20], end[20];
	struct tw_rows *rows;
	uint64_t state = sample->seed;
	enum tw_err err;
	size_t first = 0;

	if ((err = tw_qa_month_range(sample->month, start, end)) != TW_OK)
		return err;
	struct tw_param p[] = { TW_P_STR(start), TW_P_STR(end) };
	if ((err = tw_db_query(db, &stmts[SQL_ELIGIBLE], p, 2, &rows)) != TW_OK)
		return err;
	while (err == TW_OK && first < rows->nrows) {
		size_t n = 1;

		while (first + n < rows->nrows &&
		    same_agent(rows, first, first + n))
			n++;
		err = draw_group(db, sample, rows, first, n, &state, drawn);
		first += n;
	}
	tw_rows_free(rows);
	return err;
}

/*
 * Draws and stores a new sample for sample->month with sample->seed,
 * per_agent (or percent when per_agent is 0) and created_by, and sets
 * sample->id and *drawn. The caller owns the transaction: it commits,
 * or rolls back for a dry run. Returns TW_OK, TW_ERR_DUPLICATE when the
 * month already has a sample, TW_ERR_INPUT for a bad month, or
 * TW_ERR_DB.
 */
enum tw_err
tw_qa_sample_new(struct tw_db *db, struct tw_qa_sample *sample, size_t *drawn)
{
	unsigned long long id;
	char seed[24];
	enum tw_err err;

	*drawn = 0;
	snprintf(seed, sizeof seed, "%llu", (unsigned long long)sample->seed);
	struct tw_param p[] = { TW_P_STR(sample->month), TW_P_STR(seed),
		sample->per_agent > 0 ? TW_P_INT(sample->per_agent) : TW_P_NULL,
		sample->per_agent > 0 ? TW_P_NULL
		                      : TW_P_DOUBLE(sample->percent),
		TW_P_STR(sample->created_by[0] ? sample->created_by : NULL) };
	if ((err = tw_db_exec(db, &stmts[SQL_SAMPLE_INSERT], p, 5, &id)) !=
	    TW_OK)
		return err;
	sample->id = (long long)id;
	return draw_groups(db, sample, drawn);
}

/*
 * Fills Qa.Cases.N.* with the cases of month's sample that reviewer_id
 * may score: those given to nobody or to the reviewer. Sets
 * Qa.Sampled and Qa.Scored. Returns TW_OK or TW_ERR_DB.
 */
enum tw_err
tw_qa_review_list(struct tw_db *db, long long reviewer_id, const char *month,
    enum tw_lang lang, const char *tz, HDF *out)
{
	struct tw_param p[] = { TW_P_STR(month), TW_P_INT(reviewer_id) };
	struct tw_rows *rows;
	enum tw_err err;
	size_t scored = 0;
	char when[32];

	if ((err = tw_db_query(db, &stmts[SQL_REVIEW_LIST], p, 2, &rows)) !=
	    TW_OK)
		return err;
	for (size_t i = 0; i < rows->nrows; i++) {
		const char *is_scored = tw_rows_get(rows, i, 7);

		tw_time_display(tw_rows_get(rows, i, 6), tz, when, sizeof when);
		hdf_set_valuef(out, "Qa.Cases.%zu.Number=%s", i,
		    tw_rows_get(rows, i, 0));
		hdf_set_valuef(out, "Qa.Cases.%zu.Agent=%s", i,
		    tw_rows_get(rows, i, 1));
		hdf_set_valuef(out, "Qa.Cases.%zu.Portal=%s", i,
		    tw_rows_get(rows, i, 2));
		hdf_set_valuef(out, "Qa.Cases.%zu.Directorate=%s", i,
		    tw_rows_get(rows, i, lang == TW_LANG_AR ? 3 : 4));
		hdf_set_valuef(out, "Qa.Cases.%zu.Status=%s", i,
		    tw_rows_get(rows, i, 5));
		hdf_set_valuef(out, "Qa.Cases.%zu.Created=%s", i, when);
		hdf_set_valuef(out, "Qa.Cases.%zu.Scored=%s", i, is_scored);
		if (strcmp(is_scored, "1") != 0)
			continue;
		scored++;
		hdf_set_valuef(out, "Qa.Cases.%zu.SoftSkills=%s", i,
		    tw_rows_get(rows, i, 8));
		hdf_set_valuef(out, "Qa.Cases.%zu.TimeToSolve=%s", i,
		    tw_rows_get(rows, i, 9));
		hdf_set_valuef(out, "Qa.Cases.%zu.ServiceQuality=%s", i,
		    tw_rows_get(rows, i, 10));
	}
	hdf_set_valuef(out, "Qa.Sampled=%zu", rows->nrows);
	hdf_set_valuef(out, "Qa.Scored=%zu", scored);
	tw_rows_free(rows);
	return TW_OK;
}

/* Fills Qa.Surveys.N.* with the survey rounds of a case. */
static enum tw_err
fill_surveys(struct tw_db *db, long long case_id, const char *tz, HDF *out)
{
	static const char *const names[] = { "Round", NULL, NULL, "Solved",
		"Satisfaction", "FirstContact", "Comment", NULL };
	struct tw_param p[] = { TW_P_INT(case_id) };
	struct tw_rows *rows;
	enum tw_err err;
	char when[32];

	if ((err = tw_db_query(db, &stmts[SQL_SURVEYS], p, 1, &rows)) != TW_OK)
		return err;
	for (size_t i = 0; i < rows->nrows; i++) {
		for (size_t c = 0; c < rows->ncols && c < 8; c++)
			if (names[c] && tw_rows_get(rows, i, c))
				hdf_set_valuef(out, "Qa.Surveys.%zu.%s=%s", i,
				    names[c], tw_rows_get(rows, i, c));
		tw_time_display(tw_rows_get(rows, i, 1), tz, when, sizeof when);
		hdf_set_valuef(out, "Qa.Surveys.%zu.Sent=%s", i, when);
		if (tw_rows_get(rows, i, 2) != NULL) {
			tw_time_display(tw_rows_get(rows, i, 2), tz, when,
			    sizeof when);
			hdf_set_valuef(out, "Qa.Surveys.%zu.Answered=%s", i,
			    when);
		}
		if (tw_rows_get(rows, i, 7) != NULL) {
			tw_time_display(tw_rows_get(rows, i, 7), tz, when,
			    sizeof when);
			hdf_set_valuef(out, "Qa.Surveys.%zu.ByPhone=%s", i,
			    when);
		}
	}
	tw_rows_free(rows);
	return TW_OK;
}

/*
 * Fills Qa.* for the score form of a sampled case: the month, the
 * agent, the current score if any, and the case's survey answers.
 * Returns TW_OK, TW_ERR_NOTFOUND when the case is in no sample the
 * reviewer may score, or TW_ERR_DB. The caller fills Case.* with
 * tw_case_page.
 */
enum tw_err
tw_qa_review_case(struct tw_db *db, long long reviewer_id, const char *number,
    const char *tz, HDF *out, long long *case_id)
{
	static const char *const names[] = { NULL, "Month", "Agent", "Portal",
		"SoftSkills", "TimeToSolve", "ServiceQuality", "Notes", NULL,
		NULL, "Reviewer" };
	struct tw_param p[] = { TW_P_STR(number), TW_P_INT(reviewer_id) };
	struct tw_rows *rows;
	enum tw_err err;
	char when[32];

	if ((err = tw_db_query(db, &stmts[SQL_REVIEW_CASE], p, 2, &rows)) !=
	    TW_OK)
		return err;
	if (rows->nrows != 1) {
		tw_rows_free(rows);
		return TW_ERR_NOTFOUND;
	}
	*case_id = atoll(tw_rows_get(rows, 0, 0));
	for (size_t c = 0; c < 11; c++)
		if (names[c] && tw_rows_get(rows, 0, c))
			hdf_set_valuef(out, "Qa.%s=%s", names[c],
			    tw_rows_get(rows, 0, c));
	if (tw_rows_get(rows, 0, 9) != NULL) {
		tw_time_display(tw_rows_get(rows, 0, 9), tz, when, sizeof when);
		hdf_set_valuef(out, "Qa.Updated=%s", when);
	}
	tw_rows_free(rows);
	return fill_surveys(db, *case_id, tz, out);
}

/*
 * Stores the score of a sampled case, or replaces the earlier one.
 * Scores are 1 to 5. Returns TW_OK, TW_ERR_NOTFOUND when the case is
 * in no sample the reviewer may score, TW_ERR_INPUT for a score out of
 * range, or TW_ERR_DB.
 */
enum tw_err
tw_qa_score(struct tw_db *db, long long reviewer_id, const char *number,
    const struct tw_qa_score_input *in)
{
	struct tw_param find[] = { TW_P_STR(number), TW_P_INT(reviewer_id) };
	struct tw_rows *rows;
	long long case_id;
	enum tw_err err;

	if (in->soft_skills < 1 || in->soft_skills > 5 ||
	    in->time_to_solve < 1 || in->time_to_solve > 5 ||
	    in->service_quality < 1 || in->service_quality > 5)
		return TW_ERR_INPUT;
	if ((err = tw_db_query(db, &stmts[SQL_REVIEW_CASE], find, 2, &rows)) !=
	    TW_OK)
		return err;
	if (rows->nrows != 1) {
		tw_rows_free(rows);
		return TW_ERR_NOTFOUND;
	}
	case_id = atoll(tw_rows_get(rows, 0, 0));
	tw_rows_free(rows);
	struct tw_param p[] = { TW_P_INT(case_id), TW_P_INT(reviewer_id),
		TW_P_INT(in->soft_skills), TW_P_INT(in->time_to_solve),
		TW_P_INT(in->service_quality), TW_P_STR(in->notes) };
	return tw_db_exec(db, &stmts[SQL_SCORE_UPSERT], p, 6, NULL);
}

/*
 * Runs a report of cases registered in month, grouped by group, for one
 * directorate or for all when directorate_id is 0. The month grouping
 * covers the twelve months that end with month. The caller frees *rows;
 * its columns are described at REPORT_COLUMNS, after a key and a name.
 * Returns TW_OK, TW_ERR_INPUT for a bad month, or TW_ERR_DB.
 */
enum tw_err
tw_qa_report(struct tw_db *db, enum tw_qa_group group, const char *month,
    long long directorate_id, enum tw_lang lang, struct tw_rows **rows)
{
	char start[20], end[20], unused[20], first[16];
	struct tw_param p[9];
	size_t n = 0;
	enum tw_err err;

	if ((err = tw_qa_month_range(month, start, end)) != TW_OK)
		return err;
	if (group == TW_QA_BY_MONTH) {
		int year = atoi(month), mon = atoi(month + 5);

		/* Eleven months earlier: the first of the twelve. */
		mon -= 11;
		if (mon < 1) {
			mon += 12;
			year--;
		}
		snprintf(first, sizeof first, "%04d-%02d",
		    (unsigned)year % 10000, (unsigned)mon % 100);
		if ((err = tw_qa_month_range(first, start, unused)) != TW_OK)
			return err;
	}
	if (group == TW_QA_BY_DIRECTORATE)
		p[n++] = TW_P_INT(lang == TW_LANG_AR);
	/* The surveys' range, the events' range, then the cases'. */
	for (int i = 0; i < 3; i++) {
		p[n++] = TW_P_STR(start);
		p[n++] = TW_P_STR(end);
	}
	p[n++] = TW_P_INT(directorate_id);
	p[n++] = TW_P_INT(directorate_id);
	return tw_db_query(db,
	    &stmts[group == TW_QA_BY_AGENT          ? SQL_REPORT_AGENT
	            : group == TW_QA_BY_DIRECTORATE ? SQL_REPORT_DIRECTORATE
	                                            : SQL_REPORT_MONTH],
	    p, n, rows);
}
