/*
 * session.c: staff login, sessions and the login throttle.
 *
 * The session cookie contains 256 random bits; the database stores only
 * their SHA-256, so a copy of the table does not let anyone log in. Each
 * session has its own CSRF token. Failed logins are rows in the
 * database, counted per account and per client address over a window,
 * so neither a new cookie nor another worker resets the count.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tawasul.h"

enum session_stmt {
	SQL_STAFF_BY_USERNAME,
	SQL_FAILURES_USER,
	SQL_FAILURES_ADDR,
	SQL_FAILURE_INSERT,
	SQL_FAILURES_CLEAR,
	SQL_SESSION_INSERT,
	SQL_SESSION_LOAD,
	SQL_SESSION_TOUCH,
	SQL_SESSION_DELETE,
	SQL_STAFF_SET_LANG,
	SQL_MAX
};

/* clang-format off */
static struct tw_stmt stmts[SQL_MAX] = {
	[SQL_STAFF_BY_USERNAME] = {
	    "SELECT id, password_hash FROM staff"
	    " WHERE username = ? AND active = 1 AND role <> 'field'"},
	[SQL_FAILURES_USER] = {
	    "SELECT COUNT(*) FROM login_failures WHERE username = ?"
	    " AND at > UTC_TIMESTAMP() - INTERVAL ? MINUTE"},
	[SQL_FAILURES_ADDR] = {
	    "SELECT COUNT(*) FROM login_failures WHERE client_addr = ?"
	    " AND at > UTC_TIMESTAMP() - INTERVAL ? MINUTE"},
	[SQL_FAILURE_INSERT] = {
	    "INSERT INTO login_failures (at, username, client_addr)"
	    " VALUES (UTC_TIMESTAMP(), ?, ?)"},
	[SQL_FAILURES_CLEAR] = {
	    "DELETE FROM login_failures WHERE username = ?"},
	[SQL_SESSION_INSERT] = {
	    "INSERT INTO staff_sessions (token_hash, staff_id, csrf_token,"
	    " created_at, last_seen_at, client_addr)"
	    " VALUES (?, ?, ?, UTC_TIMESTAMP(), UTC_TIMESTAMP(), ?)"},
	[SQL_SESSION_LOAD] = {
	    "SELECT t.id, t.username, t.display_name, t.role,"
	    " t.directorate_id, t.lang, s.csrf_token,"
	    " TIMESTAMPDIFF(SECOND, s.last_seen_at, UTC_TIMESTAMP())"
	    " FROM staff_sessions s JOIN staff t ON t.id = s.staff_id"
	    " WHERE s.token_hash = ? AND t.active = 1 AND t.role <> 'field'"
	    " AND s.last_seen_at > UTC_TIMESTAMP() - INTERVAL ? SECOND"
	    " AND s.created_at > UTC_TIMESTAMP() - INTERVAL ? SECOND"},
	[SQL_SESSION_TOUCH] = {
	    "UPDATE staff_sessions SET last_seen_at = UTC_TIMESTAMP()"
	    " WHERE token_hash = ?"},
	[SQL_SESSION_DELETE] = {
	    "DELETE FROM staff_sessions WHERE token_hash = ?"},
	[SQL_STAFF_SET_LANG] = {"UPDATE staff SET lang = ? WHERE id = ?"},
};
/* clang-format on */

/* A hash to verify against when the account does not exist, so the
 * answer takes as long as for a wrong password. */
static const char *const dummy_hash =
    "scrypt$15$8$1$00000000000000000000000000000000$"
    "0000000000000000000000000000000000000000000000000000000000000000";

/* Returns the first column of a one-row query as a number, or -1. */
static long long
query_number(struct tw_db *db, struct tw_stmt *stmt, const struct tw_param *p,
    size_t n)
{
	struct tw_rows *rows;
	long long value = -1;

	if (tw_db_query(db, stmt, p, n, &rows) != TW_OK)
		return -1;
	if (rows->nrows == 1 && tw_rows_get(rows, 0, 0) != NULL)
		value = atoll(tw_rows_get(rows, 0, 0));
	tw_rows_free(rows);
	return value;
}

/* Returns 1 when the account or the address is over its failure limit. */
static int
login_throttled(struct tw_db *db, const struct tw_login_limits *limits,
    const char *username, const char *addr)
{
	struct tw_param by_user[] = { TW_P_STR(username),
		TW_P_INT(limits->window_minutes) };
	struct tw_param by_addr[] = { TW_P_STR(addr),
		TW_P_INT(limits->window_minutes) };
	long long n;

	n = query_number(db, &stmts[SQL_FAILURES_USER], by_user, 2);
	if (n < 0 || n >= limits->per_account)
		return 1;
	n = query_number(db, &stmts[SQL_FAILURES_ADDR], by_addr, 2);
	return n < 0 || n >= limits->per_address;
}

/*
 * Checks a username and password. Returns TW_OK with the staff id in
 * *staff_id, TW_ERR_FORBIDDEN for a wrong or unknown login (recorded as a
 * failure), TW_ERR_THROTTLED when the account or the address has too
 * many recent failures (nothing is verified then), or TW_ERR_DB.
 */
enum tw_err
tw_login(struct tw_db *db, const struct tw_login_limits *limits,
    const char *username, const char *password, const char *addr,
    long long *staff_id)
{
	struct tw_param who[] = { TW_P_STR(username) };
	struct tw_param failure[] = { TW_P_STR(username), TW_P_STR(addr) };
	struct tw_rows *rows;
	const char *stored = dummy_hash;
	enum tw_err err;
	int ok;

	if (login_throttled(db, limits, username, addr))
		return TW_ERR_THROTTLED;
	if ((err = tw_db_query(db, &stmts[SQL_STAFF_BY_USERNAME], who, 1,
	         &rows)) != TW_OK)
		return err;
	if (rows->nrows == 1 && tw_rows_get(rows, 0, 1) != NULL)
		stored = tw_rows_get(rows, 0, 1);
	ok = tw_password_verify(password, stored) && stored != dummy_hash;
	if (ok)
		*staff_id = atoll(tw_rows_get(rows, 0, 0));
	tw_rows_free(rows);
	if (!ok) {
		(void)tw_db_exec(db, &stmts[SQL_FAILURE_INSERT], failure, 2,
		    NULL);
		return TW_ERR_FORBIDDEN;
	}
	(void)tw_db_exec(db, &stmts[SQL_FAILURES_CLEAR], who, 1, NULL);
	return TW_OK;
}

/*
 * Starts a session for staff_id. Writes the cookie value into token and
 * the session's CSRF token into csrf (44 bytes each). Returns TW_OK,
 * TW_ERR_IO or TW_ERR_DB.
 */
enum tw_err
tw_session_start(struct tw_db *db, long long staff_id, const char *addr,
    char token[44], char csrf[44])
{
	char hash[65];

	if (tw_random_token(token, 44, 32) != TW_OK ||
	    tw_random_token(csrf, 44, 32) != TW_OK)
		return TW_ERR_IO;
	tw_sha256_hex(token, strlen(token), hash);
	struct tw_param p[] = { TW_P_STR(hash), TW_P_INT(staff_id),
		TW_P_STR(csrf), TW_P_STR(addr) };
	return tw_db_exec(db, &stmts[SQL_SESSION_INSERT], p, 4, NULL);
}

/* Copies a session row into staff. */
static void
fill_staff(const struct tw_rows *rows, struct tw_staff *staff)
{
	const char *dir = tw_rows_get(rows, 0, 4);

	memset(staff, 0, sizeof *staff);
	staff->id = atoll(tw_rows_get(rows, 0, 0));
	snprintf(staff->username, sizeof staff->username, "%s",
	    tw_rows_get(rows, 0, 1));
	snprintf(staff->name, sizeof staff->name, "%s",
	    tw_rows_get(rows, 0, 2));
	if (tw_role_parse(tw_rows_get(rows, 0, 3), &staff->role) != TW_OK)
		staff->role = TW_ROLE_FIELD; /* no web rights */
	staff->directorate_id = dir ? atoll(dir) : 0;
	if (tw_lang_parse(tw_rows_get(rows, 0, 5), &staff->lang) != TW_OK)
		staff->lang = TW_LANG_AR;
	snprintf(staff->csrf, sizeof staff->csrf, "%s",
	    tw_rows_get(rows, 0, 6));
}

/*
 * Loads the session of a cookie value. Returns TW_OK with staff filled,
 * TW_ERR_NOTFOUND when the session does not exist, has been idle longer
 * than limits->idle_seconds or is older than limits->max_seconds, or its
 * account is disabled; TW_ERR_DB otherwise. Refreshes the idle clock at
 * most once a minute, to spare a write per request.
 */
enum tw_err
tw_session_load(struct tw_db *db, const struct tw_login_limits *limits,
    const char *token, struct tw_staff *staff)
{
	char hash[65];
	struct tw_rows *rows;
	enum tw_err err;

	tw_sha256_hex(token, strlen(token), hash);
	struct tw_param p[] = { TW_P_STR(hash), TW_P_INT(limits->idle_seconds),
		TW_P_INT(limits->max_seconds) };
	if ((err = tw_db_query(db, &stmts[SQL_SESSION_LOAD], p, 3, &rows)) !=
	    TW_OK)
		return err;
	if (rows->nrows != 1) {
		tw_rows_free(rows);
		return TW_ERR_NOTFOUND;
	}
	fill_staff(rows, staff);
	if (atoll(tw_rows_get(rows, 0, 7)) >= 60)
		err = tw_db_exec(db, &stmts[SQL_SESSION_TOUCH], p, 1, NULL);
	tw_rows_free(rows);
	return err;
}

/* Ends the session of a cookie value; ending a missing one is fine. */
enum tw_err
tw_session_end(struct tw_db *db, const char *token)
{
	char hash[65];

	tw_sha256_hex(token, strlen(token), hash);
	struct tw_param p[] = { TW_P_STR(hash) };
	return tw_db_exec(db, &stmts[SQL_SESSION_DELETE], p, 1, NULL);
}

/* Stores a staff member's interface language. */
enum tw_err
tw_staff_set_lang(struct tw_db *db, long long staff_id, enum tw_lang lang)
{
	struct tw_param p[] = { TW_P_STR(tw_lang_code(lang)),
		TW_P_INT(staff_id) };

	return tw_db_exec(db, &stmts[SQL_STAFF_SET_LANG], p, 2, NULL);
}
