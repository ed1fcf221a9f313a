/*
 * mail.c: the e-mail outbox. tw_mail_queue adds a message to mail_outbox
 * inside the caller's transaction; bin/tawasul-mail-send delivers it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tawasul.h"

enum mail_stmt { SQL_INSERT, SQL_MAX };

/* clang-format off */
static struct tw_stmt stmts[SQL_MAX] = {
	[SQL_INSERT] = {
	    "INSERT INTO mail_outbox (case_id, customer_id, staff_id, to_addr,"
	    " lang, kind, subject, body, status, created_at, next_attempt_at)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', UTC_TIMESTAMP(3),"
	    " UTC_TIMESTAMP())"},
};
/* clang-format on */

/*
 * Queues one message. The address must already have passed
 * tw_email_check; the subject and body are plain UTF-8 text.
 * NOTE: this function does not read the configuration, so a caller
 * queues only when tw_mail_configured returns 1; otherwise the row
 * waits in the outbox until e-mail is configured.
 */
enum tw_err
tw_mail_queue(struct tw_db *db, const struct tw_mail *mail)
{
	struct tw_param p[] = {
		mail->case_id > 0 ? TW_P_INT(mail->case_id) : TW_P_NULL,
		mail->customer_id > 0 ? TW_P_INT(mail->customer_id) : TW_P_NULL,
		mail->staff_id > 0 ? TW_P_INT(mail->staff_id) : TW_P_NULL,
		TW_P_STR(mail->to),
		TW_P_STR(tw_lang_code(mail->lang)),
		TW_P_STR(mail->kind),
		TW_P_STR(mail->subject),
		TW_P_STR(mail->body),
	};

	if (tw_email_check(mail->to) != TW_OK)
		return TW_ERR_INPUT;
	return tw_db_exec(db, &stmts[SQL_INSERT], p, 8, NULL);
}

/*
 * The sender's side, which bin/tawasul-mail-send works like the SMS
 * outbox (lib/sms.c): due rows are claimed with SELECT ... FOR UPDATE
 * SKIP LOCKED under a random claim id in a committed transaction, each
 * message is sent and its result committed before the next, and the
 * claims of a sender that dies go back to 'queued' once its MariaDB
 * lock is free or its lease has run out. The one message in flight when
 * a sender is killed may therefore go out twice.
 */
enum mail_send_stmt {
	SQL_LOCK_TAKE,
	SQL_RECOVER,
	SQL_CLAIM_SELECT,
	SQL_CLAIM_MARK,
	SQL_RELEASE,
	SQL_MARK_SENT,
	SQL_MARK_RETRY,
	SQL_MARK_FAILED,
	SQL_SEND_MAX
};

/* The prefix of the MariaDB lock each sender holds while it runs. */
#define LOCK_PREFIX "tawasul-mail-"

/* clang-format off */
static struct tw_stmt send_stmts[SQL_SEND_MAX] = {
	[SQL_LOCK_TAKE] = {
	    "SELECT IF(IS_USED_LOCK(?) <=> CONNECTION_ID(), 1,"
	    " GET_LOCK(?, 0))"},
	[SQL_RECOVER] = {
	    "UPDATE mail_outbox SET status = 'queued', claimed_by = NULL,"
	    " claimed_at = NULL WHERE status = 'sending'"
	    " AND (claimed_at < UTC_TIMESTAMP(3) - INTERVAL ? SECOND"
	    " OR IS_FREE_LOCK(CONCAT('" LOCK_PREFIX "', claimed_by)) = 1)"},
	[SQL_CLAIM_SELECT] = {
	    "SELECT id, to_addr, lang, kind, subject, body, attempts,"
	    " TIMESTAMPDIFF(SECOND, created_at, UTC_TIMESTAMP())"
	    " FROM mail_outbox WHERE status = 'queued'"
	    " AND next_attempt_at <= UTC_TIMESTAMP()"
	    " ORDER BY next_attempt_at, id LIMIT ? FOR UPDATE SKIP LOCKED"},
	[SQL_CLAIM_MARK] = {
	    "UPDATE mail_outbox SET status = 'sending', claimed_by = ?,"
	    " claimed_at = UTC_TIMESTAMP(3) WHERE id = ?"},
	[SQL_RELEASE] = {
	    "UPDATE mail_outbox SET status = 'queued', claimed_by = NULL,"
	    " claimed_at = NULL WHERE status = 'sending' AND claimed_by = ?"},
	[SQL_MARK_SENT] = {
	    "UPDATE mail_outbox SET status = 'sent',"
	    " sent_at = UTC_TIMESTAMP(3), attempts = attempts + 1,"
	    " last_error = NULL, claimed_by = NULL, claimed_at = NULL"
	    " WHERE id = ? AND claimed_by = ? AND status = 'sending'"},
	[SQL_MARK_RETRY] = {
	    "UPDATE mail_outbox SET status = 'queued',"
	    " next_attempt_at = UTC_TIMESTAMP() + INTERVAL ? SECOND,"
	    " attempts = attempts + 1, last_error = LEFT(?, 255),"
	    " claimed_by = NULL, claimed_at = NULL"
	    " WHERE id = ? AND claimed_by = ? AND status = 'sending'"},
	[SQL_MARK_FAILED] = {
	    "UPDATE mail_outbox SET status = 'failed',"
	    " attempts = attempts + 1, last_error = LEFT(?, 255),"
	    " claimed_by = NULL, claimed_at = NULL"
	    " WHERE id = ? AND claimed_by = ? AND status = 'sending'"},
};
/* clang-format on */

/*
 * Reads the Mail section into conf. Its strings point into cfg, which
 * must outlive conf. An empty Mail.SmtpUrl means e-mail is not
 * configured: tw_mail_configured returns 0 and nothing is queued.
 */
void
tw_mail_config_read(const struct tw_config *cfg, struct tw_mail_config *conf)
{
	HDF *h = cfg->hdf;

	conf->smtp_url = hdf_get_value(h, "Mail.SmtpUrl", "");
	conf->from = hdf_get_value(h, "Mail.From", "");
	conf->give_up_hours = hdf_get_int_value(h, "Mail.GiveUpHours", 48);
	conf->connect_timeout = hdf_get_int_value(h, "Mail.ConnectTimeout", 10);
	conf->timeout = hdf_get_int_value(h, "Mail.Timeout", 60);
	conf->lease_seconds =
	    hdf_get_int_value(h, "Mail.ClaimLeaseSeconds", 300);
	if (conf->give_up_hours < 1)
		conf->give_up_hours = 1;
	if (conf->connect_timeout < 1)
		conf->connect_timeout = 1;
	if (conf->timeout < conf->connect_timeout)
		conf->timeout = conf->connect_timeout;
	if (conf->lease_seconds < conf->timeout)
		conf->lease_seconds = conf->timeout;
}

/* Returns 1 when Mail.SmtpUrl is set, 0 when e-mail is not configured. */
int
tw_mail_configured(const struct tw_config *cfg)
{
	const char *url = hdf_get_value(cfg->hdf, "Mail.SmtpUrl", "");

	return url[0] != '\0';
}

/*
 * Takes the MariaDB lock that shows other senders this claimer is
 * alive; call it before each claim, because a reconnection drops it.
 * Returns TW_OK, TW_ERR_CONFLICT when another connection has it, or
 * TW_ERR_DB.
 */
enum tw_err
tw_mail_sender_lock(struct tw_db *db, const char *claimer)
{
	char name[64];
	struct tw_rows *rows;
	enum tw_err err;

	snprintf(name, sizeof name, LOCK_PREFIX "%s", claimer);
	struct tw_param p[] = { TW_P_STR(name), TW_P_STR(name) };
	err = tw_db_query(db, &send_stmts[SQL_LOCK_TAKE], p, 2, &rows);
	if (err != TW_OK)
		return err;
	if (rows->nrows != 1 || tw_rows_get(rows, 0, 0) == NULL ||
	    strcmp(tw_rows_get(rows, 0, 0), "1") != 0)
		err = TW_ERR_CONFLICT;
	tw_rows_free(rows);
	return err;
}

/*
 * Puts back to 'queued' the rows of senders that no longer hold their
 * lock, or that were claimed more than lease_seconds ago. Returns TW_OK
 * with the count in *recovered, or TW_ERR_DB.
 */
enum tw_err
tw_mail_recover(struct tw_db *db, long lease_seconds,
    unsigned long long *recovered)
{
	struct tw_param p[] = { TW_P_INT(lease_seconds) };
	enum tw_err err;

	*recovered = 0;
	err = tw_db_exec(db, &send_stmts[SQL_RECOVER], p, 1, NULL);
	if (err == TW_OK)
		*recovered = tw_db_affected(db);
	return err;
}

/* Frees a claim and its rows' strings. Accepts NULL. */
void
tw_mail_claim_free(struct tw_mail_claim *claim)
{
	if (claim == NULL)
		return;
	for (size_t i = 0; i < claim->n; i++) {
		free(claim->rows[i].to);
		free(claim->rows[i].subject);
		free(claim->rows[i].body);
	}
	free(claim->rows);
	free(claim);
}

/* Copies row r of the claim query into out. */
static enum tw_err
copy_row(const struct tw_rows *rows, size_t r, struct tw_mail_out *out)
{
	out->id = atoll(tw_rows_get(rows, r, 0));
	if (tw_lang_parse(tw_rows_get(rows, r, 2), &out->lang) != TW_OK)
		out->lang = TW_LANG_AR;
	snprintf(out->kind, sizeof out->kind, "%s", tw_rows_get(rows, r, 3));
	out->attempts = atol(tw_rows_get(rows, r, 6));
	out->age = atoll(tw_rows_get(rows, r, 7));
	out->to = strdup(tw_rows_get(rows, r, 1));
	out->subject = strdup(tw_rows_get(rows, r, 4));
	out->body = strdup(tw_rows_get(rows, r, 5));
	if (out->to == NULL || out->subject == NULL || out->body == NULL)
		return TW_ERR_NOMEM;
	return TW_OK;
}

/* Selects and marks up to max due rows; the caller commits. */
static enum tw_err
claim_rows(struct tw_db *db, const char *claimer, size_t max,
    struct tw_mail_claim *claim)
{
	struct tw_param p[] = { TW_P_INT((long long)max) };
	struct tw_rows *rows;
	enum tw_err err;

	err = tw_db_query(db, &send_stmts[SQL_CLAIM_SELECT], p, 1, &rows);
	if (err != TW_OK)
		return err;
	claim->rows = calloc(rows->nrows + 1, sizeof *claim->rows);
	err = claim->rows != NULL ? TW_OK : TW_ERR_NOMEM;
	for (size_t r = 0; err == TW_OK && r < rows->nrows; r++) {
		struct tw_mail_out *out = &claim->rows[r];

		claim->n++;
		if ((err = copy_row(rows, r, out)) != TW_OK)
			break;
		struct tw_param mark[] = { TW_P_STR(claimer),
			TW_P_INT(out->id) };
		err =
		    tw_db_exec(db, &send_stmts[SQL_CLAIM_MARK], mark, 2, NULL);
	}
	tw_rows_free(rows);
	return err;
}

/*
 * Claims up to max due rows, oldest first, skipping rows another sender
 * has locked, and commits the claim. On TW_OK *out contains the rows
 * (perhaps none), freed with tw_mail_claim_free. Returns TW_ERR_DB or
 * TW_ERR_NOMEM otherwise, with nothing claimed.
 */
enum tw_err
tw_mail_claim(struct tw_db *db, const char *claimer, size_t max,
    struct tw_mail_claim **out)
{
	struct tw_mail_claim *claim;
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
		tw_mail_claim_free(claim);
		return err;
	}
	*out = claim;
	return TW_OK;
}

/*
 * Puts this claimer's rows that are still 'sending' back to 'queued'.
 * Returns TW_OK with the count in *released, or TW_ERR_DB.
 */
enum tw_err
tw_mail_release(struct tw_db *db, const char *claimer,
    unsigned long long *released)
{
	struct tw_param p[] = { TW_P_STR(claimer) };
	enum tw_err err;

	*released = 0;
	err = tw_db_exec(db, &send_stmts[SQL_RELEASE], p, 1, NULL);
	if (err == TW_OK)
		*released = tw_db_affected(db);
	return err;
}

/* Runs one of the SQL_MARK_* updates; TW_ERR_CONFLICT when the claim is
 * no longer this sender's. */
static enum tw_err
mark(struct tw_db *db, enum mail_send_stmt which, const struct tw_param *p,
    size_t n)
{
	enum tw_err err;

	if ((err = tw_db_exec(db, &send_stmts[which], p, n, NULL)) != TW_OK)
		return err;
	return tw_db_affected(db) == 1 ? TW_OK : TW_ERR_CONFLICT;
}

/*
 * Stores the result of sending a claimed row and ends the claim. A
 * message the relay accepted is 'sent'; a permanent rejection is
 * 'failed'. A temporary failure is queued again after the backoff of
 * tw_sms_next_attempt, or 'failed' once give_up_hours have passed since
 * it was queued. *status is set to the new status. Returns TW_OK,
 * TW_ERR_CONFLICT when the claim is not this claimer's any more
 * (nothing was stored), or TW_ERR_DB.
 */
enum tw_err
tw_mail_record(struct tw_db *db, const char *claimer,
    const struct tw_mail_out *row, enum tw_sms_verdict verdict,
    const char *error, long give_up_hours, const char **status)
{
	char reason[256];
	long delay;

	if (verdict == TW_SMS_SENT) {
		struct tw_param p[] = { TW_P_INT(row->id), TW_P_STR(claimer) };
		*status = "sent";
		return mark(db, SQL_MARK_SENT, p, 2);
	}
	if (verdict == TW_SMS_RETRY &&
	    tw_sms_next_attempt(row->attempts + 1, row->age,
	        give_up_hours * 3600LL, &delay)) {
		struct tw_param p[] = { TW_P_INT(delay), TW_P_STR(error),
			TW_P_INT(row->id), TW_P_STR(claimer) };
		*status = "queued";
		return mark(db, SQL_MARK_RETRY, p, 4);
	}
	if (verdict == TW_SMS_RETRY)
		snprintf(reason, sizeof reason,
		    "given up after %ld attempts in %ld hours: %s",
		    row->attempts + 1, give_up_hours,
		    error ? error : "temporary failure");
	else
		snprintf(reason, sizeof reason, "%s",
		    error ? error : "rejected by the relay");
	struct tw_param p[] = { TW_P_STR(reason), TW_P_INT(row->id),
		TW_P_STR(claimer) };
	*status = "failed";
	return mark(db, SQL_MARK_FAILED, p, 3);
}
