/*
 * sms.c: the outbox as bin/tawasul-sms-send works it, and the gateway's
 * delivery reports.
 *
 * A sender claims due rows with SELECT ... FOR UPDATE SKIP LOCKED and
 * marks them 'sending' under its claim id in a committed transaction,
 * so two senders never take the same row. It sends one row at a time
 * and commits each result before the next request. A sender killed at
 * any moment therefore leaves at most one row that the gateway may have
 * accepted without the outbox knowing: the one in flight. Its claims go
 * back to 'queued' as soon as another sender finds its MariaDB lock
 * free, or when its lease has run out. That one row may then go out
 * twice.
 *
 * Delivery reports only move a row forward: queued or sending to sent,
 * and any of those to delivered or failed, which are final.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tawasul.h"

enum sms_stmt {
	SQL_LOCK_TAKE,
	SQL_RECOVER,
	SQL_CLAIM_SELECT,
	SQL_CLAIM_MARK,
	SQL_RELEASE,
	SQL_MARK_SENT,
	SQL_MARK_RETRY,
	SQL_MARK_FAILED,
	SQL_DLR_SENT,
	SQL_DLR_DELIVERED,
	SQL_DLR_FAILED,
	SQL_MAX
};

/* The prefix of the MariaDB lock each sender holds while it runs. */
#define LOCK_PREFIX "tawasul-sms-"

/* One SQL clause per line, which clang-format would reflow. */
/* clang-format off */
static struct tw_stmt stmts[SQL_MAX] = {
	[SQL_LOCK_TAKE] = {
	    "SELECT IF(IS_USED_LOCK(?) <=> CONNECTION_ID(), 1,"
	    " GET_LOCK(?, 0))"},
	[SQL_RECOVER] = {
	    "UPDATE sms_outbox SET status = 'queued', claimed_by = NULL,"
	    " claimed_at = NULL WHERE status = 'sending'"
	    " AND (claimed_at < UTC_TIMESTAMP(3) - INTERVAL ? SECOND"
	    " OR IS_FREE_LOCK(CONCAT('" LOCK_PREFIX "', claimed_by)) = 1)"},
	[SQL_CLAIM_SELECT] = {
	    "SELECT id, to_number, lang, kind, body, attempts,"
	    " TIMESTAMPDIFF(SECOND, created_at, UTC_TIMESTAMP())"
	    " FROM sms_outbox WHERE status = 'queued'"
	    " AND next_attempt_at <= UTC_TIMESTAMP()"
	    " ORDER BY next_attempt_at, id LIMIT ? FOR UPDATE SKIP LOCKED"},
	[SQL_CLAIM_MARK] = {
	    "UPDATE sms_outbox SET status = 'sending', claimed_by = ?,"
	    " claimed_at = UTC_TIMESTAMP(3) WHERE id = ?"},
	[SQL_RELEASE] = {
	    "UPDATE sms_outbox SET status = 'queued', claimed_by = NULL,"
	    " claimed_at = NULL WHERE status = 'sending' AND claimed_by = ?"},
	/* A delivery report may have moved the row on while it was being
	 * sent; the IFs keep that state. */
	[SQL_MARK_SENT] = {
	    "UPDATE sms_outbox SET sent_at = UTC_TIMESTAMP(3),"
	    " status = IF(status = 'sending', 'sent', status),"
	    " attempts = attempts + 1, gateway_answer = ?, last_error = NULL,"
	    " segments = ?, coding = ?, shortened = ?, claimed_by = NULL,"
	    " claimed_at = NULL WHERE id = ? AND claimed_by = ?"},
	[SQL_MARK_RETRY] = {
	    "UPDATE sms_outbox SET"
	    " next_attempt_at = UTC_TIMESTAMP() + INTERVAL ? SECOND,"
	    " status = IF(status = 'sending', 'queued', status),"
	    " attempts = attempts + 1, gateway_answer = ?, last_error = ?,"
	    " segments = ?, coding = ?, shortened = ?, claimed_by = NULL,"
	    " claimed_at = NULL WHERE id = ? AND claimed_by = ?"},
	[SQL_MARK_FAILED] = {
	    "UPDATE sms_outbox SET"
	    " failed_at = IF(status = 'sending', UTC_TIMESTAMP(3), failed_at),"
	    " status = IF(status = 'sending', 'failed', status),"
	    " attempts = attempts + 1, gateway_answer = ?, last_error = ?,"
	    " segments = ?, coding = ?, shortened = ?, claimed_by = NULL,"
	    " claimed_at = NULL WHERE id = ? AND claimed_by = ?"},
	[SQL_DLR_SENT] = {
	    "UPDATE sms_outbox SET delivery_report = ?, status = 'sent'"
	    " WHERE id = ? AND status IN ('queued', 'sending')"},
	[SQL_DLR_DELIVERED] = {
	    "UPDATE sms_outbox SET delivery_report = ?, status = 'delivered',"
	    " delivered_at = UTC_TIMESTAMP(3) WHERE id = ?"
	    " AND status IN ('queued', 'sending', 'sent')"},
	[SQL_DLR_FAILED] = {
	    "UPDATE sms_outbox SET delivery_report = ?, status = 'failed',"
	    " failed_at = UTC_TIMESTAMP(3) WHERE id = ?"
	    " AND status IN ('queued', 'sending', 'sent')"},
};
/* clang-format on */

/* The first retry waits this long; each further one twice as long. */
#define BACKOFF_FIRST 30
#define BACKOFF_MAX   (6L * 60 * 60)

/*
 * Returns the seconds to wait before retry number attempt (1 for the
 * first): 30, 60, 120 and so on, at most 6 hours.
 */
long
tw_sms_backoff(long attempt)
{
	long delay = BACKOFF_FIRST;

	for (long i = 1; i < attempt && delay < BACKOFF_MAX; i++)
		delay *= 2;
	return delay < BACKOFF_MAX ? delay : BACKOFF_MAX;
}

/*
 * Decides what follows a temporary failure of a row queued age seconds
 * ago after attempts attempts, this one included. Returns 1 with the
 * seconds to wait in *delay, never past the give-up time, or 0 when the
 * row has been failing for give_up_seconds and is given up.
 */
int
tw_sms_next_attempt(long attempts, long long age, long long give_up_seconds,
    long *delay)
{
	long wait = tw_sms_backoff(attempts);

	if (age >= give_up_seconds)
		return 0;
	if (age + wait > give_up_seconds)
		wait = (long)(give_up_seconds - age);
	*delay = wait > 1 ? wait : 1;
	return 1;
}

/*
 * Returns the outbox status a Kannel delivery report type means: 1
 * delivered, 2 undelivered and 16 rejected by the SMSC failed, 4
 * buffered and 8 accepted by the SMSC sent. NULL for any other type.
 */
const char *
tw_sms_dlr_status(int type)
{
	switch (type) {
	case 1:
		return "delivered";
	case 2:
	case 16:
		return "failed";
	case 4:
	case 8:
		return "sent";
	default:
		return NULL;
	}
}

/* Writes the token of the delivery-report URL of outbox row id. */
void
tw_sms_dlr_token(const char *secret, long long id, char out[44])
{
	char data[24];

	snprintf(data, sizeof data, "%lld", id);
	tw_hmac_token(secret, "sms-dlr", data, out, 44);
}

/*
 * Takes the MariaDB lock that shows other senders this claimer is alive;
 * db.c may have reconnected, which drops it, so call it before each
 * claim. Returns TW_OK, or TW_ERR_CONFLICT when another connection has
 * it, or TW_ERR_DB.
 */
enum tw_err
tw_sms_sender_lock(struct tw_db *db, const char *claimer)
{
	char name[64];
	struct tw_rows *rows;
	enum tw_err err;

	snprintf(name, sizeof name, LOCK_PREFIX "%s", claimer);
	struct tw_param p[] = { TW_P_STR(name), TW_P_STR(name) };
	if ((err = tw_db_query(db, &stmts[SQL_LOCK_TAKE], p, 2, &rows)) !=
	    TW_OK)
		return err;
	if (rows->nrows != 1 || tw_rows_get(rows, 0, 0) == NULL ||
	    strcmp(tw_rows_get(rows, 0, 0), "1") != 0)
		err = TW_ERR_CONFLICT;
	tw_rows_free(rows);
	return err;
}

/*
 * Puts back to 'queued' the rows claimed by a sender that no longer
 * holds its lock, or claimed more than lease_seconds ago. Returns TW_OK
 * with the count in *recovered, or TW_ERR_DB.
 */
enum tw_err
tw_sms_recover(struct tw_db *db, long lease_seconds,
    unsigned long long *recovered)
{
	struct tw_param p[] = { TW_P_INT(lease_seconds) };
	enum tw_err err;

	*recovered = 0;
	if ((err = tw_db_exec(db, &stmts[SQL_RECOVER], p, 1, NULL)) == TW_OK)
		*recovered = tw_db_affected(db);
	return err;
}

/* Frees a claim and the rows' bodies. Accepts NULL. */
void
tw_sms_claim_free(struct tw_sms_claim *claim)
{
	if (claim == NULL)
		return;
	for (size_t i = 0; i < claim->n; i++)
		free(claim->rows[i].body);
	free(claim->rows);
	free(claim);
}

/* Copies row r of the claim query into out. */
static enum tw_err
copy_row(const struct tw_rows *rows, size_t r, struct tw_sms_out *out)
{
	out->id = atoll(tw_rows_get(rows, r, 0));
	snprintf(out->to, sizeof out->to, "%s", tw_rows_get(rows, r, 1));
	if (tw_lang_parse(tw_rows_get(rows, r, 2), &out->lang) != TW_OK)
		out->lang = TW_LANG_AR;
	snprintf(out->kind, sizeof out->kind, "%s", tw_rows_get(rows, r, 3));
	out->attempts = atol(tw_rows_get(rows, r, 5));
	out->age = atoll(tw_rows_get(rows, r, 6));
	out->body = strdup(tw_rows_get(rows, r, 4));
	return out->body != NULL ? TW_OK : TW_ERR_NOMEM;
}

/* Selects and marks up to max due rows; the caller commits. */
static enum tw_err
claim_rows(struct tw_db *db, const char *claimer, size_t max,
    struct tw_sms_claim *claim)
{
	struct tw_param p[] = { TW_P_INT((long long)max) };
	struct tw_rows *rows;
	enum tw_err err;

	if ((err = tw_db_query(db, &stmts[SQL_CLAIM_SELECT], p, 1, &rows)) !=
	    TW_OK)
		return err;
	claim->rows = calloc(rows->nrows + 1, sizeof *claim->rows);
	err = claim->rows != NULL ? TW_OK : TW_ERR_NOMEM;
	for (size_t r = 0; err == TW_OK && r < rows->nrows; r++) {
		struct tw_sms_out *out = &claim->rows[r];

		if ((err = copy_row(rows, r, out)) != TW_OK)
			break;
		claim->n++;
		struct tw_param mark[] = { TW_P_STR(claimer),
			TW_P_INT(out->id) };
		err = tw_db_exec(db, &stmts[SQL_CLAIM_MARK], mark, 2, NULL);
	}
	tw_rows_free(rows);
	return err;
}

/*
 * Claims up to max rows that are due, oldest first, skipping rows that
 * another sender has locked, and commits the claim. On TW_OK *out contains
 * the rows (perhaps none), freed with tw_sms_claim_free. Returns
 * TW_ERR_DB or TW_ERR_NOMEM otherwise, with nothing claimed.
 */
enum tw_err
tw_sms_claim(struct tw_db *db, const char *claimer, size_t max,
    struct tw_sms_claim **out)
{
	struct tw_sms_claim *claim;
	enum tw_err err;

	*out = NULL;
	if ((claim = calloc(1, sizeof *claim)) == NULL)
		return TW_ERR_NOMEM;
	if ((err = tw_db_begin(db)) != TW_OK) {
		free(claim);
		return err;
	}
	err = claim_rows(db, claimer, max, claim);
	if (err == TW_OK)
		err = tw_db_commit(db);
	else
		tw_db_rollback(db);
	if (err != TW_OK) {
		tw_sms_claim_free(claim);
		return err;
	}
	*out = claim;
	return TW_OK;
}

/*
 * Puts this claimer's rows that are still 'sending' back to 'queued',
 * for a sender that stops between two messages. Returns TW_OK with the
 * count in *released, or TW_ERR_DB.
 */
enum tw_err
tw_sms_release(struct tw_db *db, const char *claimer,
    unsigned long long *released)
{
	struct tw_param p[] = { TW_P_STR(claimer) };
	enum tw_err err;

	*released = 0;
	if ((err = tw_db_exec(db, &stmts[SQL_RELEASE], p, 1, NULL)) == TW_OK)
		*released = tw_db_affected(db);
	return err;
}

/* Runs one of the SQL_MARK_* updates; TW_ERR_CONFLICT when the claim is
 * no longer this sender's. */
static enum tw_err
mark(struct tw_db *db, enum sms_stmt which, const struct tw_param *p, size_t n)
{
	enum tw_err err;

	if ((err = tw_db_exec(db, &stmts[which], p, n, NULL)) != TW_OK)
		return err;
	return tw_db_affected(db) == 1 ? TW_OK : TW_ERR_CONFLICT;
}

/* Stores a temporary failure: a later attempt, or the end of trying. */
static enum tw_err
record_failure(struct tw_db *db, const char *claimer,
    const struct tw_sms_out *row, const struct tw_sms_attempt *a,
    long give_up_hours, const char **status)
{
	char reason[256];
	long delay;

	if (!tw_sms_next_attempt(row->attempts + 1, row->age,
	        give_up_hours * 3600LL, &delay)) {
		snprintf(reason, sizeof reason,
		    "given up after %ld attempts in %ld hours: %s",
		    row->attempts + 1, give_up_hours,
		    a->error ? a->error : "temporary failure");
		struct tw_param p[] = { TW_P_STR(a->answer), TW_P_STR(reason),
			a->segments ? TW_P_INT((long long)a->segments)
			            : TW_P_NULL,
			TW_P_INT(a->coding), TW_P_INT(a->shortened),
			TW_P_INT(row->id), TW_P_STR(claimer) };
		*status = "failed";
		return mark(db, SQL_MARK_FAILED, p, 7);
	}
	struct tw_param p[] = { TW_P_INT(delay), TW_P_STR(a->answer),
		TW_P_STR(a->error),
		a->segments ? TW_P_INT((long long)a->segments) : TW_P_NULL,
		TW_P_INT(a->coding), TW_P_INT(a->shortened), TW_P_INT(row->id),
		TW_P_STR(claimer) };
	*status = "queued";
	return mark(db, SQL_MARK_RETRY, p, 8);
}

/*
 * Stores the result of sending a claimed row and ends the claim: sent,
 * failed for a permanent rejection, or, for a temporary failure, queued
 * again after tw_sms_next_attempt's delay or failed once give_up_hours
 * have passed since it was queued. *status is set to the new status. Each call
 * is its own transaction. Returns TW_OK; TW_ERR_CONFLICT when the claim is not
 * this claimer's any more (another sender recovered it, and nothing was
 * stored); TW_ERR_DB.
 */
enum tw_err
tw_sms_record(struct tw_db *db, const char *claimer,
    const struct tw_sms_out *row, const struct tw_sms_attempt *a,
    long give_up_hours, const char **status)
{
	struct tw_param seg = a->segments ? TW_P_INT((long long)a->segments)
	                                  : TW_P_NULL;

	if (a->verdict == TW_SMS_SENT) {
		struct tw_param p[] = { TW_P_STR(a->answer), seg,
			TW_P_INT(a->coding), TW_P_INT(a->shortened),
			TW_P_INT(row->id), TW_P_STR(claimer) };
		*status = "sent";
		return mark(db, SQL_MARK_SENT, p, 6);
	}
	if (a->verdict == TW_SMS_REJECTED) {
		struct tw_param p[] = { TW_P_STR(a->answer),
			TW_P_STR(
			    a->error ? a->error : "rejected by the gateway"),
			seg, TW_P_INT(a->coding), TW_P_INT(a->shortened),
			TW_P_INT(row->id), TW_P_STR(claimer) };
		*status = "failed";
		return mark(db, SQL_MARK_FAILED, p, 7);
	}
	return record_failure(db, claimer, row, a, give_up_hours, status);
}

/*
 * Applies a delivery report of type (Kannel's %d) with its text to
 * outbox row id, when token is the row's token. The row only moves
 * forward; a report that would move it back or sideways changes
 * nothing. *status is the status the report means, or NULL for a type
 * that means none. Returns TW_OK (also when nothing changed or no such
 * row exists), TW_ERR_FORBIDDEN for a wrong token, or TW_ERR_DB.
 */
enum tw_err
tw_sms_dlr(struct tw_db *db, const char *secret, long long id,
    const char *token, int type, const char *text, const char **status)
{
	char expected[44], report[256];
	enum sms_stmt which;

	tw_sms_dlr_token(secret, id, expected);
	*status = NULL;
	if (token == NULL || !tw_token_equal(expected, token))
		return TW_ERR_FORBIDDEN;
	if ((*status = tw_sms_dlr_status(type)) == NULL)
		return TW_OK;
	snprintf(report, sizeof report, "%d%s%s", type, text ? " " : "",
	    text ? text : "");
	struct tw_param p[] = { TW_P_STR(report), TW_P_INT(id) };
	if (strcmp(*status, "sent") == 0)
		which = SQL_DLR_SENT;
	else if (strcmp(*status, "delivered") == 0)
		which = SQL_DLR_DELIVERED;
	else
		which = SQL_DLR_FAILED;
	return tw_db_exec(db, &stmts[which], p, 2, NULL);
}
