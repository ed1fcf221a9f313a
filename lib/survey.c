/*
 * survey.c: the resident's confirmation survey after a case is resolved.
 *
 * Each resolution writes one survey row, numbered by round, and the SMS
 * with its link /s/TOKEN in the same transaction. The token has 144
 * random bits and only its SHA-256 is stored. The answer closes or
 * reopens the case through the lifecycle table, once, because the
 * survey row and the case row are locked while it is written. A link
 * of an older round, or of a case that is no longer resolved, changes
 * nothing.
 * Links that match no survey are counted per client address, so that
 * guessing tokens is slowed down.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tawasul.h"

enum survey_stmt {
	SQL_ROUND,
	SQL_INSERT,
	SQL_PHONE_CONFIRMED,
	SQL_MISSES,
	SQL_MISS_INSERT,
	SQL_LOAD,
	SQL_LOAD_LOCK,
	SQL_CASE_SET_STATUS,
	SQL_ANSWER,
	SQL_STAFF_MOBILE,
	SQL_DUE_REMINDERS,
	SQL_REMIND_LOCK,
	SQL_ROTATE,
	SQL_DUE_CALLS,
	SQL_CALL_TASK,
	SQL_MAX
};

/* Misses from one client address that turn the next request into 429,
 * and the window in which they count. */
#define MISSES_MAX            10
#define MISSES_WINDOW_MINUTES 15

/* The columns of SQL_LOAD and SQL_LOAD_LOCK. */
#define SURVEY_COLUMNS                                                         \
	"SELECT s.id, s.case_id, s.round, s.lang, s.answered_at, s.solved,"    \
	" s.satisfaction, s.first_contact, s.comment, s.closed_by_phone_at,"   \
	" c.number, c.status,"                                                 \
	" (SELECT MAX(n.round) FROM surveys n WHERE n.case_id = s.case_id),"   \
	" c.assigned_staff_id"                                                 \
	" FROM surveys s JOIN cases c ON c.id = s.case_id"                     \
	" WHERE s.token_hash = ? AND s.expires_at > UTC_TIMESTAMP()"

/* Unanswered surveys of the latest round of a case still resolved. */
#define WAITING                                                                \
	" s.answered_at IS NULL AND s.closed_by_phone_at IS NULL"              \
	" AND c.status = 'resolved' AND s.round ="                             \
	" (SELECT MAX(n.round) FROM surveys n WHERE n.case_id = s.case_id)"

/* clang-format off */
static struct tw_stmt stmts[SQL_MAX] = {
	[SQL_ROUND] = {
	    "SELECT COUNT(*) FROM case_events WHERE case_id = ?"
	    " AND to_status = 'resolved'"},
	[SQL_INSERT] = {
	    "INSERT INTO surveys (case_id, round, token_hash, lang,"
	    " created_at, expires_at) VALUES (?, ?, ?, ?, UTC_TIMESTAMP(),"
	    " UTC_TIMESTAMP() + INTERVAL ? DAY)"},
	[SQL_PHONE_CONFIRMED] = {
	    "UPDATE surveys SET closed_by_phone_at = UTC_TIMESTAMP()"
	    " WHERE case_id = ? AND answered_at IS NULL"
	    " AND closed_by_phone_at IS NULL"},
	[SQL_MISSES] = {
	    "SELECT COUNT(*) FROM survey_misses WHERE client_addr = ?"
	    " AND at > UTC_TIMESTAMP() - INTERVAL ? MINUTE"},
	[SQL_MISS_INSERT] = {
	    "INSERT INTO survey_misses (at, client_addr)"
	    " VALUES (UTC_TIMESTAMP(), ?)"},
	[SQL_LOAD] = {SURVEY_COLUMNS},
	[SQL_LOAD_LOCK] = {SURVEY_COLUMNS " FOR UPDATE"},
	[SQL_CASE_SET_STATUS] = {
	    "UPDATE cases SET status = ?, updated_at = UTC_TIMESTAMP(),"
	    " version = version + 1 WHERE id = ? AND status = 'resolved'"},
	[SQL_ANSWER] = {
	    "UPDATE surveys SET answered_at = UTC_TIMESTAMP(), solved = ?,"
	    " satisfaction = ?, first_contact = ?, comment = ?"
	    " WHERE id = ? AND answered_at IS NULL"},
	[SQL_STAFF_MOBILE] = {
	    "SELECT mobile, lang FROM staff WHERE id = ? AND active = 1"
	    " AND mobile IS NOT NULL"},
	[SQL_DUE_REMINDERS] = {
	    "SELECT s.id FROM surveys s JOIN cases c ON c.id = s.case_id"
	    " WHERE s.reminded_at IS NULL AND s.expires_at > UTC_TIMESTAMP()"
	    " AND s.created_at <= UTC_TIMESTAMP() - INTERVAL ? DAY AND"
	    WAITING " ORDER BY s.id LIMIT 1000"},
	[SQL_REMIND_LOCK] = {
	    "SELECT s.case_id, s.lang, c.number, u.mobile, c.customer_id"
	    " FROM surveys s JOIN cases c ON c.id = s.case_id"
	    " JOIN customers u ON u.id = c.customer_id"
	    " WHERE s.id = ? AND s.reminded_at IS NULL AND" WAITING
	    " FOR UPDATE"},
	[SQL_ROTATE] = {
	    "UPDATE surveys SET token_hash = ?, reminded_at = UTC_TIMESTAMP(),"
	    " expires_at = UTC_TIMESTAMP() + INTERVAL ? DAY"
	    " WHERE id = ? AND reminded_at IS NULL"},
	[SQL_DUE_CALLS] = {
	    "SELECT s.id, s.case_id FROM surveys s"
	    " JOIN cases c ON c.id = s.case_id WHERE s.call_task_at IS NULL"
	    " AND s.created_at <= UTC_TIMESTAMP() - INTERVAL ? DAY AND"
	    WAITING " ORDER BY s.id LIMIT 1000"},
	[SQL_CALL_TASK] = {
	    "UPDATE surveys SET call_task_at = UTC_TIMESTAMP()"
	    " WHERE id = ? AND call_task_at IS NULL"},
};
/* clang-format on */

/* Returns 1 when token has the length and alphabet of a survey token. */
int
tw_survey_token_valid(const char *token)
{
	if (token == NULL || strlen(token) != TW_SURVEY_TOKEN_LEN)
		return 0;
	return strspn(token,
	           "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	           "0123456789-_") == TW_SURVEY_TOKEN_LEN;
}

/* Returns a score of the survey, 1 to 5, from ASCII digits (the form
 * normalises others first), or 0 when value is anything else. */
int
tw_survey_score(const char *value)
{
	if (value == NULL || value[0] < '1' || value[0] > '5' ||
	    value[1] != '\0')
		return 0;
	return value[0] - '0';
}

/* Writes the link of token into url: Site.BaseUrl, then /s/TOKEN. */
static void
survey_url(const struct tw_config *cfg, const char *token,
    char url[TW_SURVEY_URL_MAX])
{
	const char *base = cfg->base_url;
	size_t len = strlen(base);

	while (len > 0 && base[len - 1] == '/')
		len--;
	snprintf(url, TW_SURVEY_URL_MAX, "%.*s/s/%s", (int)len, base, token);
}

/* Makes a new token and its hash. Returns TW_OK or TW_ERR_IO. */
static enum tw_err
token_new(char token[TW_SURVEY_TOKEN_LEN + 1], char hash[65])
{
	if (tw_random_token(token, TW_SURVEY_TOKEN_LEN + 1,
	        TW_SURVEY_TOKEN_BYTES) != TW_OK)
		return TW_ERR_IO;
	tw_sha256_hex(token, strlen(token), hash);
	return TW_OK;
}

/* Returns the first column of a one-row query as a number, or -1. */
static long long
query_number(struct tw_db *db, enum survey_stmt which, const struct tw_param *p,
    size_t n)
{
	struct tw_rows *rows;
	long long value = -1;

	if (tw_db_query(db, &stmts[which], p, n, &rows) != TW_OK)
		return -1;
	if (rows->nrows == 1 && tw_rows_get(rows, 0, 0) != NULL)
		value = atoll(tw_rows_get(rows, 0, 0));
	tw_rows_free(rows);
	return value;
}

/*
 * Writes the survey of the resolution just recorded for case_id, inside
 * the caller's transaction, after the resolve event: its round is the
 * number of times the case has been resolved. Writes the link into url.
 * Returns TW_OK, TW_ERR_IO or TW_ERR_DB.
 */
enum tw_err
tw_survey_start(struct tw_db *db, long long case_id, enum tw_lang lang,
    char url[TW_SURVEY_URL_MAX])
{
	const struct tw_config *cfg = tw_db_config(db);
	struct tw_param q[] = { TW_P_INT(case_id) };
	char token[TW_SURVEY_TOKEN_LEN + 1], hash[65];
	long long round;
	enum tw_err err;

	if ((round = query_number(db, SQL_ROUND, q, 1)) < 1)
		return TW_ERR_DB;
	if ((err = token_new(token, hash)) != TW_OK)
		return err;
	struct tw_param p[] = { TW_P_INT(case_id), TW_P_INT(round),
		TW_P_STR(hash), TW_P_STR(tw_lang_code(lang)),
		TW_P_INT(cfg->survey.expiry_days) };
	if ((err = tw_db_exec(db, &stmts[SQL_INSERT], p, 5, NULL)) != TW_OK)
		return err;
	survey_url(cfg, token, url);
	return TW_OK;
}

/* Marks the open survey of case_id answered by phone, inside the
 * caller's transaction. A case without one is left as it is. */
enum tw_err
tw_survey_phone_confirmed(struct tw_db *db, long long case_id)
{
	struct tw_param p[] = { TW_P_INT(case_id) };

	return tw_db_exec(db, &stmts[SQL_PHONE_CONFIRMED], p, 1, NULL);
}

/* Returns 1 when addr opened MISSES_MAX survey links that matched
 * nothing in the last MISSES_WINDOW_MINUTES, or when the count failed. */
int
tw_survey_throttled(struct tw_db *db, const char *addr)
{
	struct tw_param p[] = { TW_P_STR(addr ? addr : ""),
		TW_P_INT(MISSES_WINDOW_MINUTES) };
	long long n = query_number(db, SQL_MISSES, p, 2);

	return n < 0 || n >= MISSES_MAX;
}

/* Counts a survey link from addr that matched no survey. */
enum tw_err
tw_survey_miss(struct tw_db *db, const char *addr)
{
	struct tw_param p[] = { TW_P_STR(addr ? addr : "") };

	return tw_db_exec(db, &stmts[SQL_MISS_INSERT], p, 1, NULL);
}

/* The state of a survey row of SQL_LOAD; see enum tw_survey_state. */
static enum tw_survey_state
row_state(const struct tw_rows *rows)
{
	const char *max_round = tw_rows_get(rows, 0, 12);

	if (tw_rows_get(rows, 0, 4) != NULL || tw_rows_get(rows, 0, 9) != NULL)
		return TW_SURVEY_ANSWERED;
	if (strcmp(tw_rows_get(rows, 0, 11), "resolved") != 0 ||
	    (max_round != NULL &&
	        atoll(max_round) > atoll(tw_rows_get(rows, 0, 2))))
		return TW_SURVEY_STALE;
	return TW_SURVEY_OPEN;
}

/* Runs SQL_LOAD or SQL_LOAD_LOCK for token. TW_ERR_NOTFOUND for an
 * unknown or expired token; the caller frees *rows on TW_OK. */
static enum tw_err
load_rows(struct tw_db *db, enum survey_stmt which, const char *token,
    struct tw_rows **rows)
{
	char hash[65];
	enum tw_err err;

	if (!tw_survey_token_valid(token))
		return TW_ERR_NOTFOUND;
	tw_sha256_hex(token, strlen(token), hash);
	struct tw_param p[] = { TW_P_STR(hash) };
	if ((err = tw_db_query(db, &stmts[which], p, 1, rows)) != TW_OK)
		return err;
	if ((*rows)->nrows != 1) {
		tw_rows_free(*rows);
		return TW_ERR_NOTFOUND;
	}
	return TW_OK;
}

/*
 * Loads the survey of a link. On TW_OK sets *lang and *state and fills
 * Survey.Number, Survey.State and, for an answered survey,
 * Survey.Answer.* (Solved, Satisfaction, FirstContact, Comment, Phone).
 * Returns TW_ERR_NOTFOUND for a malformed, unknown or expired token,
 * or TW_ERR_DB.
 */
enum tw_err
tw_survey_load(struct tw_db *db, const char *token, enum tw_lang *lang,
    enum tw_survey_state *state, HDF *out)
{
	struct tw_rows *rows;
	enum tw_err err;

	if ((err = load_rows(db, SQL_LOAD, token, &rows)) != TW_OK)
		return err;
	if (tw_lang_parse(tw_rows_get(rows, 0, 3), lang) != TW_OK)
		*lang = TW_LANG_AR;
	*state = row_state(rows);
	hdf_set_value(out, "Survey.Number", tw_rows_get(rows, 0, 10));
	hdf_set_value(out, "Survey.State",
	    *state == TW_SURVEY_OPEN           ? "open"
	        : *state == TW_SURVEY_ANSWERED ? "answered"
	                                       : "stale");
	if (tw_rows_get(rows, 0, 4) != NULL) {
		hdf_set_value(out, "Survey.Answer.Solved",
		    atoi(tw_rows_get(rows, 0, 5)) ? "yes" : "no");
		hdf_set_value(out, "Survey.Answer.Satisfaction",
		    tw_rows_get(rows, 0, 6));
		hdf_set_value(out, "Survey.Answer.FirstContact",
		    tw_rows_get(rows, 0, 7));
		if (tw_rows_get(rows, 0, 8) != NULL)
			hdf_set_value(out, "Survey.Answer.Comment",
			    tw_rows_get(rows, 0, 8));
	} else if (tw_rows_get(rows, 0, 9) != NULL)
		hdf_set_value(out, "Survey.Answer.Phone", "1");
	tw_rows_free(rows);
	return TW_OK;
}

/* Queues Sms.SurveyReopened to the assigned staff member, if they have
 * a mobile number; nothing otherwise. */
static enum tw_err
notify_assignee(struct tw_db *db, HDF *strings[TW_LANG_MAX],
    const char *assignee, long long case_id, const char *number,
    const char *comment)
{
	struct tw_rows *rows;
	enum tw_lang lang = TW_LANG_AR;
	char *with_number, *body;
	enum tw_err err;

	if (assignee == NULL)
		return TW_OK;
	struct tw_param p[] = { TW_P_INT(atoll(assignee)) };
	if ((err = tw_db_query(db, &stmts[SQL_STAFF_MOBILE], p, 1, &rows)) !=
	    TW_OK)
		return err;
	if (rows->nrows != 1) {
		tw_rows_free(rows);
		return TW_OK;
	}
	(void)tw_lang_parse(tw_rows_get(rows, 0, 1), &lang);
	with_number =
	    tw_str_replace(tw_string(strings[lang], "Sms.SurveyReopened"),
	        "{number}", number);
	body = with_number ? tw_str_replace(with_number, "{text}", comment)
	                   : NULL;
	struct tw_sms sms = { case_id, 0, tw_rows_get(rows, 0, 0), lang,
		"survey_reopened", body };
	err = body != NULL ? tw_sms_queue(db, &sms) : TW_ERR_NOMEM;
	free(with_number);
	free(body);
	tw_rows_free(rows);
	return err;
}

/* Moves the locked case of a survey to closed or reopened, with its
 * public event, and notifies the assignee of a reopening. */
static enum tw_err
apply_answer(struct tw_db *db, HDF *strings[TW_LANG_MAX],
    const struct tw_rows *rows, const struct tw_survey_answer *a)
{
	long long case_id = atoll(tw_rows_get(rows, 0, 1));
	enum tw_state to = a->solved ? TW_STATE_CLOSED : TW_STATE_REOPENED;
	struct tw_event ev = { a->solved ? "confirmed" : "reopened",
		TW_STATE_RESOLVED, to, "resident", 0, "portal", 1, a->comment };
	struct tw_param p[] = { TW_P_STR(tw_state_name(to)),
		TW_P_INT(case_id) };
	enum tw_err err;

	if ((err = tw_event_add(db, (unsigned long long)case_id, &ev)) != TW_OK)
		return err;
	if ((err = tw_db_exec(db, &stmts[SQL_CASE_SET_STATUS], p, 2, NULL)) !=
	    TW_OK)
		return err;
	if (tw_db_affected(db) != 1)
		return TW_ERR_CONFLICT;
	if (a->solved)
		return TW_OK;
	return notify_assignee(db, strings, tw_rows_get(rows, 0, 13), case_id,
	    tw_rows_get(rows, 0, 10), a->comment);
}

/* Stores the answer in the locked survey row. */
static enum tw_err
store_answer(struct tw_db *db, const struct tw_rows *rows,
    const struct tw_survey_answer *a)
{
	struct tw_param p[] = { TW_P_INT(a->solved), TW_P_INT(a->satisfaction),
		TW_P_INT(a->first_contact), TW_P_STR(a->comment),
		TW_P_INT(atoll(tw_rows_get(rows, 0, 0))) };
	enum tw_err err;

	if ((err = tw_db_exec(db, &stmts[SQL_ANSWER], p, 5, NULL)) != TW_OK)
		return err;
	return tw_db_affected(db) == 1 ? TW_OK : TW_ERR_CONFLICT;
}

/*
 * Records the resident's answer to the survey of token in one
 * transaction: solved closes the case (event "confirmed"), not solved
 * reopens it to its directorate (event "reopened" with the comment) and
 * sends Sms.SurveyReopened to the assigned staff member's mobile. The
 * caller has validated the answer. Returns TW_OK; TW_ERR_NOTFOUND for
 * an unknown or expired token; TW_ERR_CONFLICT when the survey was
 * answered already or the case moved on since its round; TW_ERR_DB.
 * Nothing is changed unless it returns TW_OK.
 */
enum tw_err
tw_survey_answer(struct tw_db *db, HDF *strings[TW_LANG_MAX], const char *token,
    const struct tw_survey_answer *a)
{
	struct tw_rows *rows = NULL;
	enum tw_err err;

	if ((err = tw_db_begin(db)) != TW_OK)
		return err;
	err = load_rows(db, SQL_LOAD_LOCK, token, &rows);
	if (err == TW_OK && row_state(rows) != TW_SURVEY_OPEN)
		err = TW_ERR_CONFLICT;
	if (err == TW_OK)
		err = apply_answer(db, strings, rows, a);
	if (err == TW_OK)
		err = store_answer(db, rows, a);
	tw_rows_free(rows);
	if (err == TW_OK)
		return tw_db_commit(db);
	tw_db_rollback(db);
	return err;
}

/*
 * Returns L.Sms.<key> of strings with {number} and {url} filled, as
 * Sms.SurveyLink and Sms.SurveyReminder have them. The caller frees it;
 * NULL when out of memory.
 */
char *
tw_survey_sms_text(HDF *strings, const char *key, const char *number,
    const char *url)
{
	char *with_number, *text;

	with_number =
	    tw_str_replace(tw_string(strings, key), "{number}", number);
	if (with_number == NULL)
		return NULL;
	text = tw_str_replace(with_number, "{url}", url);
	free(with_number);
	return text;
}

/* Adds an internal event of the reminder job to case_id. */
static enum tw_err
system_event(struct tw_db *db, const char *case_id, const char *kind)
{
	struct tw_event ev = { kind, TW_STATE_MAX, TW_STATE_MAX, "system", 0,
		"sms", 0, NULL };

	return tw_event_add(db, (unsigned long long)atoll(case_id), &ev);
}

/*
 * Sends the reminder of survey id, in the caller's transaction, when it
 * is still due. The SMS carries a new token for the same round: only
 * the hash of the first one is stored, so it cannot be sent again, and
 * the first link returns 404 from now on. Sets *sent to 1 when it
 * queued the SMS.
 */
static enum tw_err
remind_one(struct tw_db *db, HDF *strings[TW_LANG_MAX], long long id, int *sent)
{
	const struct tw_config *cfg = tw_db_config(db);
	struct tw_param q[] = { TW_P_INT(id) };
	char token[TW_SURVEY_TOKEN_LEN + 1], hash[65], url[TW_SURVEY_URL_MAX];
	struct tw_rows *rows;
	enum tw_lang lang = TW_LANG_AR;
	char *body = NULL;
	enum tw_err err;

	*sent = 0;
	if ((err = tw_db_query(db, &stmts[SQL_REMIND_LOCK], q, 1, &rows)) !=
	    TW_OK)
		return err;
	if (rows->nrows != 1) {
		tw_rows_free(rows);
		return TW_OK; /* answered or moved on since the list was read */
	}
	(void)tw_lang_parse(tw_rows_get(rows, 0, 1), &lang);
	if ((err = token_new(token, hash)) != TW_OK)
		goto err;
	struct tw_param p[] = { TW_P_STR(hash),
		TW_P_INT(cfg->survey.expiry_days), TW_P_INT(id) };
	if ((err = tw_db_exec(db, &stmts[SQL_ROTATE], p, 3, NULL)) != TW_OK)
		goto err;
	survey_url(cfg, token, url);
	body = tw_survey_sms_text(strings[lang], "Sms.SurveyReminder",
	    tw_rows_get(rows, 0, 2), url);
	struct tw_sms sms = { atoll(tw_rows_get(rows, 0, 0)),
		atoll(tw_rows_get(rows, 0, 4)), tw_rows_get(rows, 0, 3), lang,
		"survey_reminder", body };
	err = body != NULL ? tw_sms_queue(db, &sms) : TW_ERR_NOMEM;
	if (err == TW_OK)
		err = system_event(db, tw_rows_get(rows, 0, 0),
		    "survey_reminded");
	*sent = err == TW_OK;
err:
	free(body);
	tw_rows_free(rows);
	return err;
}

/* Runs remind_one for survey id in a transaction of its own. */
static enum tw_err
remind_in_transaction(struct tw_db *db, HDF *strings[TW_LANG_MAX], long long id,
    int *sent)
{
	enum tw_err err;

	if ((err = tw_db_begin(db)) != TW_OK)
		return err;
	if ((err = remind_one(db, strings, id, sent)) == TW_OK)
		return tw_db_commit(db);
	tw_db_rollback(db);
	*sent = 0;
	return err;
}

/* Sets the call task of survey id and its event, in one transaction. */
static enum tw_err
call_task_one(struct tw_db *db, long long id, const char *case_id, int *set)
{
	struct tw_param p[] = { TW_P_INT(id) };
	enum tw_err err;

	*set = 0;
	if ((err = tw_db_begin(db)) != TW_OK)
		return err;
	err = tw_db_exec(db, &stmts[SQL_CALL_TASK], p, 1, NULL);
	if (err == TW_OK && tw_db_affected(db) == 1) {
		err = system_event(db, case_id, "survey_call_task");
		*set = err == TW_OK;
	}
	if (err == TW_OK)
		return tw_db_commit(db);
	tw_db_rollback(db);
	*set = 0;
	return err;
}

/*
 * Works the unanswered surveys of cases still resolved: one reminder
 * SMS Survey.ReminderDays after the resolution while the link is valid,
 * and a call task for the agents Survey.CallAfterDays after it. Each
 * survey is handled in its own transaction, so running it twice sends
 * nothing twice. Cases are never closed here. Counts what it did in
 * *counts; returns TW_OK or the first error, after which it stops.
 */
enum tw_err
tw_survey_remind(struct tw_db *db, HDF *strings[TW_LANG_MAX],
    struct tw_remind_counts *counts)
{
	const struct tw_config *cfg = tw_db_config(db);
	struct tw_param rp[] = { TW_P_INT(cfg->survey.reminder_days) };
	struct tw_param cp[] = { TW_P_INT(cfg->survey.call_after_days) };
	struct tw_rows *rows;
	enum tw_err err;
	int done = 0;

	memset(counts, 0, sizeof *counts);
	if ((err = tw_db_query(db, &stmts[SQL_DUE_REMINDERS], rp, 1, &rows)) !=
	    TW_OK)
		return err;
	for (size_t r = 0; err == TW_OK && r < rows->nrows; r++) {
		err = remind_in_transaction(db, strings,
		    atoll(tw_rows_get(rows, r, 0)), &done);
		counts->reminded += done;
	}
	tw_rows_free(rows);
	if (err != TW_OK)
		return err;
	if ((err = tw_db_query(db, &stmts[SQL_DUE_CALLS], cp, 1, &rows)) !=
	    TW_OK)
		return err;
	for (size_t r = 0; err == TW_OK && r < rows->nrows; r++) {
		err = call_task_one(db, atoll(tw_rows_get(rows, r, 0)),
		    tw_rows_get(rows, r, 1), &done);
		counts->call_tasks += done;
	}
	tw_rows_free(rows);
	return err;
}
