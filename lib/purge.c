/*
 * purge.c: deletes rows that only serve a check for a short while, run
 * daily by bin/tawasul-purge.
 *
 * Failed logins and survey-link misses count for minutes. Sessions end
 * after a maximum age or an idle spell. Poll codes live ten minutes but
 * keep a mobile number. The IVR keeps each step's response for a
 * provider's retry, which comes within minutes, and counts status
 * lookups per call and per hour. Each rule deletes at most PURGE_BATCH
 * rows per statement and repeats, so a run never takes a large lock.
 */
#include "tawasul.h"

#define PURGE_BATCH     5000
#define PURGE_BATCH_SQL "5000" /* PURGE_BATCH in the statements */

enum purge_stmt {
	SQL_LOGIN_FAILURES,
	SQL_SURVEY_MISSES,
	SQL_SESSIONS,
	SQL_POLL_CODES,
	SQL_IVR_STEPS,
	SQL_IVR_LOOKUPS,
	SQL_MAX
};

/* clang-format off */
static struct tw_stmt stmts[SQL_MAX] = {
	[SQL_LOGIN_FAILURES] = {
	    "DELETE FROM login_failures"
	    " WHERE at < UTC_TIMESTAMP() - INTERVAL ? MINUTE LIMIT " PURGE_BATCH_SQL},
	[SQL_SURVEY_MISSES] = {
	    "DELETE FROM survey_misses"
	    " WHERE at < UTC_TIMESTAMP() - INTERVAL 1 DAY LIMIT " PURGE_BATCH_SQL},
	[SQL_SESSIONS] = {
	    "DELETE FROM staff_sessions"
	    " WHERE last_seen_at < UTC_TIMESTAMP() - INTERVAL ? SECOND"
	    " OR created_at < UTC_TIMESTAMP() - INTERVAL ? SECOND LIMIT " PURGE_BATCH_SQL},
	[SQL_POLL_CODES] = {
	    "DELETE FROM poll_codes"
	    " WHERE expires_at < UTC_TIMESTAMP() - INTERVAL 1 DAY LIMIT " PURGE_BATCH_SQL},
	[SQL_IVR_STEPS] = {
	    "DELETE FROM ivr_steps"
	    " WHERE at < UTC_TIMESTAMP() - INTERVAL 7 DAY LIMIT " PURGE_BATCH_SQL},
	[SQL_IVR_LOOKUPS] = {
	    "DELETE FROM ivr_status_lookups"
	    " WHERE created_at < UTC_TIMESTAMP() - INTERVAL 1 DAY"
	    " LIMIT " PURGE_BATCH_SQL},
};
/* clang-format on */

/* Runs one rule until a statement deletes fewer than PURGE_BATCH rows,
 * adding the deleted rows to *count. */
static enum tw_err
purge_rule(struct tw_db *db, enum purge_stmt rule, const struct tw_param *p,
    size_t np, unsigned long long *count)
{
	unsigned long long n;
	enum tw_err err;

	do {
		if ((err = tw_db_exec(db, &stmts[rule], p, np, NULL)) != TW_OK)
			return err;
		n = tw_db_affected(db);
		*count += n;
	} while (n >= PURGE_BATCH);
	return TW_OK;
}

/*
 * Deletes what has served its purpose. Failed logins go after the login
 * window, or a day if that is longer. Survey-link misses and expired poll
 * codes go after a day, and so do IVR status lookups. Ended sessions go
 * at once, and IVR step responses after a week. Fills counts. Returns
 * TW_OK or TW_ERR_DB.
 */
enum tw_err
tw_purge(struct tw_db *db, const struct tw_config *cfg,
    struct tw_purge_counts *counts)
{
	long window = cfg->login.window_minutes > 24 * 60
	    ? cfg->login.window_minutes
	    : 24 * 60;
	struct tw_param minutes[] = { TW_P_INT(window) };
	struct tw_param session[] = { TW_P_INT(cfg->login.idle_seconds),
		TW_P_INT(cfg->login.max_seconds) };
	enum tw_err err;

	*counts = (struct tw_purge_counts){ 0 };
	if ((err = purge_rule(db, SQL_LOGIN_FAILURES, minutes, 1,
	         &counts->login_failures)) != TW_OK ||
	    (err = purge_rule(db, SQL_SURVEY_MISSES, NULL, 0,
	         &counts->survey_misses)) != TW_OK ||
	    (err = purge_rule(db, SQL_SESSIONS, session, 2,
	         &counts->sessions)) != TW_OK ||
	    (err = purge_rule(db, SQL_POLL_CODES, NULL, 0,
	         &counts->poll_codes)) != TW_OK)
		return err;
	if ((err = purge_rule(db, SQL_IVR_STEPS, NULL, 0,
	         &counts->ivr_steps)) != TW_OK)
		return err;
	return purge_rule(db, SQL_IVR_LOOKUPS, NULL, 0, &counts->ivr_lookups);
}
