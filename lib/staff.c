/*
 * staff.c: staff accounts, for bin/tawasul-admin.
 *
 * tw_staff_check validates every value of a new account without touching
 * the database. The command line and the CSV import both call it, so a
 * row of a file is accepted exactly when the same values on the command
 * line would be. Every failure fills a reason of the form
 * "what failed: value: what to do", which the tool prints unchanged.
 * A reason never contains a password.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tawasul.h"

enum staff_stmt {
	SQL_DIRECTORATE_ID,
	SQL_DIRECTORATE_CODES,
	SQL_USERNAME_TAKEN,
	SQL_MOBILE_OWNER,
	SQL_STAFF_INSERT,
	SQL_STAFF_LOCK,
	SQL_SESSIONS_COUNT,
	SQL_SESSIONS_DELETE,
	SQL_SET_ACTIVE,
	SQL_SET_ROLE,
	SQL_SET_DIRECTORATE,
	SQL_SET_MOBILE,
	SQL_SET_PASSWORD,
	SQL_FAILURES_CLEAR,
	SQL_LIST,
	SQL_MAX
};

/* One SQL clause per line, which clang-format would reflow. */
/* clang-format off */
static struct tw_stmt stmts[SQL_MAX] = {
	[SQL_DIRECTORATE_ID] = {
	    "SELECT id FROM directorates WHERE code = ? AND active = 1"},
	[SQL_DIRECTORATE_CODES] = {
	    "SELECT code FROM directorates WHERE active = 1"
	    " ORDER BY sort, code"},
	[SQL_USERNAME_TAKEN] = {
	    "SELECT active FROM staff WHERE username = ?"},
	[SQL_MOBILE_OWNER] = {
	    "SELECT username FROM staff WHERE mobile = ? AND username <> ?"},
	[SQL_STAFF_INSERT] = {
	    "INSERT INTO staff (username, display_name, role,"
	    " directorate_id, mobile, email, lang, password_hash, active,"
	    " created_at, updated_at)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, UTC_TIMESTAMP(),"
	    " UTC_TIMESTAMP())"},
	[SQL_STAFF_LOCK] = {
	    "SELECT id, role, directorate_id, mobile IS NOT NULL,"
	    " password_hash IS NOT NULL FROM staff WHERE username = ?"
	    " FOR UPDATE"},
	[SQL_SESSIONS_COUNT] = {
	    "SELECT COUNT(*) FROM staff_sessions WHERE staff_id = ?"},
	[SQL_SESSIONS_DELETE] = {
	    "DELETE FROM staff_sessions WHERE staff_id = ?"},
	[SQL_SET_ACTIVE] = {
	    "UPDATE staff SET active = ?, updated_at = UTC_TIMESTAMP()"
	    " WHERE id = ?"},
	[SQL_SET_ROLE] = {
	    "UPDATE staff SET role = ?, directorate_id = ?,"
	    " updated_at = UTC_TIMESTAMP() WHERE id = ?"},
	[SQL_SET_DIRECTORATE] = {
	    "UPDATE staff SET directorate_id = ?,"
	    " updated_at = UTC_TIMESTAMP() WHERE id = ?"},
	[SQL_SET_MOBILE] = {
	    "UPDATE staff SET mobile = ?, updated_at = UTC_TIMESTAMP()"
	    " WHERE id = ?"},
	[SQL_SET_PASSWORD] = {
	    "UPDATE staff SET password_hash = ?,"
	    " updated_at = UTC_TIMESTAMP() WHERE id = ?"},
	[SQL_FAILURES_CLEAR] = {
	    "DELETE FROM login_failures WHERE username = ?"},
	[SQL_LIST] = {
	    "SELECT s.username, s.display_name, s.role, d.code, s.mobile,"
	    " s.email, s.lang, s.active, s.password_hash IS NOT NULL"
	    " FROM staff s LEFT JOIN directorates d"
	    " ON d.id = s.directorate_id"
	    " WHERE (? IS NULL OR s.role = ?) AND (? IS NULL OR d.code = ?)"
	    " ORDER BY s.username"},
};
/* clang-format on */

/* The columns of an account that the changes below depend on. */
struct account_row {
	long long id;
	enum tw_role role;
	long long directorate_id; /* 0 when none */
	int has_mobile;
	int has_password;
};

/*
 * Bytes of a value shown in a reason before it is cut with "...", and
 * the size of the buffer that contains it with its quotes, a last
 * character of up to 4 bytes, "..." and the NUL.
 */
#define SHOWN_MAX  60
#define SHOWN_SIZE (SHOWN_MAX + 10)

/* Returns 1 when s is neither NULL nor empty. */
static int
given(const char *s)
{
	return s != NULL && *s != '\0';
}

/*
 * Writes value in double quotes into out, cut on a character boundary
 * of valid UTF-8. Control characters, C1 controls included, become '?',
 * so a row of a file cannot move the terminal's cursor.
 */
static const char *
show(const char *value, char out[SHOWN_SIZE])
{
	const unsigned char *s = (const unsigned char *)(value ? value : "");
	size_t n = 0;

	out[n++] = '"';
	for (; *s != '\0'; s++) {
		if (n > SHOWN_MAX &&
		    ((*s & 0xc0) != 0x80 || n >= SHOWN_MAX + 4)) {
			memcpy(out + n, "...", 3);
			n += 3;
			break;
		}
		if (s[0] == 0xc2 && s[1] >= 0x80 && s[1] <= 0x9f) {
			out[n++] = '?';
			s++;
		} else if (*s < 0x20 || *s == 0x7f)
			out[n++] = '?';
		else
			out[n++] = (char)*s;
	}
	out[n++] = '"';
	out[n] = '\0';
	return out;
}

static void reasonf(char reason[TW_REASON_MAX], const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
reasonf(char reason[TW_REASON_MAX], const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, TW_REASON_MAX, fmt, ap);
	va_end(ap);
}

/*
 * Fills an empty reason for an error that is not about a value: the
 * database, memory or randomness failed. Returns err.
 */
static enum tw_err
system_reason(char reason[TW_REASON_MAX], enum tw_err err)
{
	if (reason[0] != '\0')
		return err;
	if (err == TW_ERR_DB)
		reasonf(reason,
		    "database request failed: %s: see the error logged "
		    "above, check that MariaDB is running and try again",
		    tw_strerror(err));
	else
		reasonf(reason,
		    "internal error: %s: see the messages above "
		    "and try again",
		    tw_strerror(err));
	return err;
}

/* Writes the names of the roles for which want(role) holds. */
static void
role_names(char *out, size_t outsz, int (*want)(enum tw_role))
{
	size_t n = 0;

	out[0] = '\0';
	for (int i = 0; i < TW_ROLE_MAX && n < outsz; i++) {
		if (want != NULL && !want((enum tw_role)i))
			continue;
		n += snprintf(out + n, outsz - n, "%s%s", n > 0 ? ", " : "",
		    tw_role_name((enum tw_role)i));
	}
}

/* Returns 1 when code has 1 to 32 characters of a-z, 0-9, '_' and '-'. */
static int
code_valid(const char *code)
{
	size_t len = strlen(code);

	if (len < 1 || len > 32)
		return 0;
	return strspn(code, "abcdefghijklmnopqrstuvwxyz0123456789_-") == len;
}

/*
 * Returns 1 when name is a valid username: 3 to 64 characters of a-z,
 * 0-9, '.', '_' and '-'.
 */
int
tw_username_valid(const char *name)
{
	size_t len = name != NULL ? strlen(name) : 0;

	if (len < 3 || len > 64)
		return 0;
	return strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789._-") == len;
}

static enum tw_err
check_username(const char *name, struct tw_staff_account *out,
    char reason[TW_REASON_MAX])
{
	char shown[SHOWN_SIZE];

	if (!tw_username_valid(name)) {
		reasonf(reason,
		    "invalid username: %s: use 3 to 64 characters "
		    "of a-z, 0-9, '.', '_' and '-'",
		    show(name, shown));
		return TW_ERR_INPUT;
	}
	snprintf(out->username, sizeof out->username, "%s", name);
	return TW_OK;
}

/* Cleans the display name like any other line of text, then counts it. */
static enum tw_err
check_display_name(const char *name, struct tw_staff_account *out,
    char reason[TW_REASON_MAX])
{
	char shown[SHOWN_SIZE], *clean;
	size_t chars;

	if (name != NULL && !tw_utf8_valid(name, strlen(name))) {
		reasonf(reason,
		    "invalid display name: not UTF-8: save the "
		    "file or the terminal input as UTF-8");
		return TW_ERR_INPUT;
	}
	if ((clean = tw_text_clean(name != NULL ? name : "", 0)) == NULL)
		return TW_ERR_NOMEM;
	chars = tw_utf8_chars(clean);
	if (chars == 0)
		reasonf(reason,
		    "missing display name: \"\": give a name of 1 "
		    "to 100 characters");
	else if (chars > 100)
		reasonf(reason,
		    "invalid display name: %s has %zu characters: "
		    "use 1 to 100 characters",
		    show(clean, shown), chars);
	else
		snprintf(out->display_name, sizeof out->display_name, "%s",
		    clean);
	free(clean);
	return chars < 1 || chars > 100 ? TW_ERR_INPUT : TW_OK;
}

/* Checks the role, and that a role bound to a directorate names one. */
static enum tw_err
check_role(const struct tw_staff_input *in, struct tw_staff_account *out,
    char reason[TW_REASON_MAX])
{
	char shown[SHOWN_SIZE], names[128];

	if (tw_role_parse(in->role, &out->role) != TW_OK) {
		role_names(names, sizeof names, NULL);
		reasonf(reason, "unknown role: %s: use one of %s",
		    show(in->role, shown), names);
		return TW_ERR_INPUT;
	}
	if (given(in->directorate) && !code_valid(in->directorate)) {
		reasonf(reason,
		    "invalid directorate code: %s: use a code "
		    "such as roads, as listed in the directorates "
		    "table",
		    show(in->directorate, shown));
		return TW_ERR_INPUT;
	}
	if (!given(in->directorate) && tw_role_needs_directorate(out->role)) {
		role_names(names, sizeof names, tw_role_needs_directorate);
		reasonf(reason,
		    "missing directorate: role \"%s\": the roles "
		    "%s need a directorate code",
		    tw_role_name(out->role), names);
		return TW_ERR_INPUT;
	}
	if (given(in->directorate))
		snprintf(out->directorate, sizeof out->directorate, "%s",
		    in->directorate);
	return TW_OK;
}

/* Normalises the mobile number, which field staff must have. */
static enum tw_err
check_mobile(const char *mobile, struct tw_staff_account *out,
    char reason[TW_REASON_MAX])
{
	char shown[SHOWN_SIZE];
	enum tw_err err;

	if (!given(mobile)) {
		if (out->role != TW_ROLE_FIELD)
			return TW_OK;
		reasonf(reason,
		    "missing mobile number: role \"field\": field "
		    "staff receive their work by SMS and need a "
		    "mobile number");
		return TW_ERR_INPUT;
	}
	if ((err = tw_mobile_normalise(mobile, out->mobile)) == TW_ERR_INPUT)
		reasonf(reason,
		    "invalid mobile number: %s: use an Omani "
		    "mobile number of 8 digits starting with 9 or "
		    "7, with or without +968",
		    show(mobile, shown));
	return err;
}

/* Checks the optional e-mail address and stores it in lower case. */
static enum tw_err
check_email(const char *email, struct tw_staff_account *out,
    char reason[TW_REASON_MAX])
{
	char shown[SHOWN_SIZE];
	size_t len;

	if (!given(email))
		return TW_OK;
	len = strlen(email);
	if (len < sizeof out->email) {
		for (size_t i = 0; i <= len; i++)
			out->email[i] =
			    (char)(email[i] >= 'A' && email[i] <= 'Z'
			            ? email[i] - 'A' + 'a'
			            : email[i]);
		if (tw_email_check(out->email) == TW_OK)
			return TW_OK;
	}
	out->email[0] = '\0';
	reasonf(reason,
	    "invalid e-mail address: %s: use an address such as "
	    "name@example.om, or leave it empty",
	    show(email, shown));
	return TW_ERR_INPUT;
}

static enum tw_err
check_lang(const char *lang, struct tw_staff_account *out,
    char reason[TW_REASON_MAX])
{
	char shown[SHOWN_SIZE];

	out->lang = TW_LANG_AR;
	if (!given(lang) || tw_lang_parse(lang, &out->lang) == TW_OK)
		return TW_OK;
	reasonf(reason, "invalid language: %s: use ar or en",
	    show(lang, shown));
	return TW_ERR_INPUT;
}

/*
 * Checks a password against the policy of tw_password_acceptable. The
 * reason gives its length, never the password.
 */
static enum tw_err
check_password_policy(const char *password, char reason[TW_REASON_MAX])
{
	if (tw_password_acceptable(password) == TW_OK)
		return TW_OK;
	if (!tw_utf8_valid(password, strlen(password)))
		reasonf(reason,
		    "invalid password: not UTF-8: use 10 to 128 "
		    "characters of UTF-8 text");
	else
		reasonf(reason,
		    "invalid password: %zu characters: use 10 to "
		    "128 characters",
		    tw_utf8_chars(password));
	return TW_ERR_INPUT;
}

/* Field staff have no password; every other role needs one. */
static enum tw_err
check_password(const char *password, struct tw_staff_account *out,
    char reason[TW_REASON_MAX])
{
	out->password = NULL;
	if (out->role == TW_ROLE_FIELD) {
		if (!given(password))
			return TW_OK;
		reasonf(reason,
		    "password given: role \"field\": field staff work by "
		    "SMS and have no web login, so leave the password "
		    "empty");
		return TW_ERR_INPUT;
	}
	if (!given(password)) {
		reasonf(reason,
		    "missing password: role \"%s\": give a "
		    "password of 10 to 128 characters",
		    tw_role_name(out->role));
		return TW_ERR_INPUT;
	}
	if (check_password_policy(password, reason) != TW_OK)
		return TW_ERR_INPUT;
	out->password = password;
	return TW_OK;
}

/*
 * Validates a new account without the database: every rule except that
 * the directorate exists and that the username and mobile number are
 * free. On TW_OK *out contains the cleaned values, and out->password
 * points into in. Returns TW_ERR_INPUT with the reason for the first
 * invalid value, or TW_ERR_NOMEM.
 */
enum tw_err
tw_staff_check(const struct tw_staff_input *in, struct tw_staff_account *out,
    char reason[TW_REASON_MAX])
{
	enum tw_err err;

	memset(out, 0, sizeof *out);
	reason[0] = '\0';
	if ((err = check_username(in->username, out, reason)) != TW_OK ||
	    (err = check_display_name(in->display_name, out, reason)) !=
	        TW_OK ||
	    (err = check_role(in, out, reason)) != TW_OK ||
	    (err = check_mobile(in->mobile, out, reason)) != TW_OK ||
	    (err = check_email(in->email, out, reason)) != TW_OK ||
	    (err = check_lang(in->lang, out, reason)) != TW_OK ||
	    (err = check_password(in->password, out, reason)) != TW_OK)
		return err;
	return TW_OK;
}

/*
 * Writes a new random password of 20 base64url characters (120 bits)
 * into out. Returns TW_OK, or TW_ERR_IO when the generator fails.
 */
enum tw_err
tw_staff_password_new(char out[TW_PASSWORD_NEW])
{
	return tw_random_token(out, TW_PASSWORD_NEW, 15);
}

/* Runs a one-row query and returns its first cell as a number, or -1. */
static long long
query_number(struct tw_db *db, enum staff_stmt which, const struct tw_param *p,
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

/* Writes the codes of the active directorates, comma-separated. */
static void
directorate_codes(struct tw_db *db, char *out, size_t outsz)
{
	struct tw_rows *rows;
	size_t n = 0;

	out[0] = '\0';
	if (tw_db_query(db, &stmts[SQL_DIRECTORATE_CODES], NULL, 0, &rows) !=
	    TW_OK)
		return;
	for (size_t r = 0; r < rows->nrows && n < outsz; r++)
		n += snprintf(out + n, outsz - n, "%s%s", r > 0 ? ", " : "",
		    tw_rows_get(rows, r, 0));
	tw_rows_free(rows);
}

/*
 * Finds the id of an active directorate by its code; an empty code gives
 * id 0. Returns TW_OK, TW_ERR_INPUT for an unknown code, or TW_ERR_DB.
 */
static enum tw_err
find_directorate(struct tw_db *db, const char *code, long long *id,
    char reason[TW_REASON_MAX])
{
	struct tw_param p[] = { TW_P_STR(code) };
	char shown[SHOWN_SIZE], codes[200];

	*id = 0;
	if (!given(code))
		return TW_OK;
	if ((*id = query_number(db, SQL_DIRECTORATE_ID, p, 1)) > 0)
		return TW_OK;
	*id = 0;
	directorate_codes(db, codes, sizeof codes);
	reasonf(reason, "unknown directorate: %s: use one of %s",
	    show(code, shown), codes[0] != '\0' ? codes : "(none found)");
	return TW_ERR_INPUT;
}

/* Returns TW_ERR_DUPLICATE when another account has this username. */
static enum tw_err
check_username_free(struct tw_db *db, const char *username,
    char reason[TW_REASON_MAX])
{
	struct tw_param p[] = { TW_P_STR(username) };
	char shown[SHOWN_SIZE];
	long long active = query_number(db, SQL_USERNAME_TAKEN, p, 1);

	if (active < 0)
		return TW_OK;
	reasonf(reason,
	    "username already exists: %s: choose another "
	    "username%s",
	    show(username, shown),
	    active == 0 ? ", or enable the disabled account" : "");
	return TW_ERR_DUPLICATE;
}

/*
 * Returns TW_ERR_DUPLICATE when an account other than username has this
 * mobile number, TW_ERR_DB when the query failed, or TW_OK.
 */
static enum tw_err
check_mobile_free(struct tw_db *db, const char *mobile, const char *username,
    char reason[TW_REASON_MAX])
{
	struct tw_param p[] = { TW_P_STR(mobile), TW_P_STR(username) };
	struct tw_rows *rows;
	char shown[SHOWN_SIZE], owner[SHOWN_SIZE];
	enum tw_err err;

	if (!given(mobile))
		return TW_OK;
	if ((err = tw_db_query(db, &stmts[SQL_MOBILE_OWNER], p, 2, &rows)) !=
	    TW_OK)
		return err;
	if (rows->nrows > 0) {
		reasonf(reason,
		    "mobile number already in use: %s: it belongs to %s, "
		    "so give another number",
		    show(mobile, shown), show(tw_rows_get(rows, 0, 0), owner));
		err = TW_ERR_DUPLICATE;
	}
	tw_rows_free(rows);
	return err;
}

/* Inserts a checked account; hash is NULL for field staff. */
static enum tw_err
insert_account(struct tw_db *db, const struct tw_staff_account *acc,
    long long directorate_id, const char *hash, char reason[TW_REASON_MAX])
{
	char shown[SHOWN_SIZE];
	struct tw_param p[] = { TW_P_STR(acc->username),
		TW_P_STR(acc->display_name), TW_P_STR(tw_role_name(acc->role)),
		directorate_id > 0 ? TW_P_INT(directorate_id) : TW_P_NULL,
		TW_P_STR(given(acc->mobile) ? acc->mobile : NULL),
		TW_P_STR(given(acc->email) ? acc->email : NULL),
		TW_P_STR(tw_lang_code(acc->lang)), TW_P_STR(hash) };
	enum tw_err err;

	err = tw_db_exec(db, &stmts[SQL_STAFF_INSERT], p, 8, NULL);
	/* Another process took the username or the mobile number since. */
	if (err == TW_ERR_DUPLICATE)
		reasonf(reason,
		    "username or mobile number already exists: "
		    "%s: choose another username or number",
		    show(acc->username, shown));
	return err;
}

/*
 * Creates an account in one transaction. The password is hashed before
 * the transaction starts, so the rows stay locked for milliseconds, not
 * for the 0.1 s or so that scrypt takes. Returns TW_OK, TW_ERR_INPUT or
 * TW_ERR_DUPLICATE with the reason, or TW_ERR_DB, TW_ERR_IO or
 * TW_ERR_NOMEM with a reason that points at the log.
 */
enum tw_err
tw_staff_create(struct tw_db *db, const struct tw_staff_input *in,
    char reason[TW_REASON_MAX])
{
	struct tw_staff_account acc;
	char hash[256];
	long long dir = 0;
	enum tw_err err;

	if ((err = tw_staff_check(in, &acc, reason)) != TW_OK)
		return system_reason(reason, err);
	if (acc.password != NULL &&
	    (err = tw_password_hash(acc.password, hash, sizeof hash)) != TW_OK)
		return system_reason(reason, err);
	if ((err = tw_db_begin(db)) != TW_OK ||
	    (err = find_directorate(db, acc.directorate, &dir, reason)) !=
	        TW_OK ||
	    (err = check_username_free(db, acc.username, reason)) != TW_OK ||
	    (err = check_mobile_free(db, acc.mobile, acc.username, reason)) !=
	        TW_OK ||
	    (err = insert_account(db, &acc, dir,
	         acc.password != NULL ? hash : NULL, reason)) != TW_OK ||
	    (err = tw_db_commit(db)) != TW_OK)
		goto err;
	return TW_OK;
err:
	tw_db_rollback(db);
	return system_reason(reason, err);
}

/*
 * Reads and locks the account of username inside the caller's
 * transaction. Returns TW_OK, TW_ERR_NOTFOUND with the reason, or
 * TW_ERR_DB.
 */
static enum tw_err
lock_account(struct tw_db *db, const char *username, struct account_row *row,
    char reason[TW_REASON_MAX])
{
	struct tw_param p[] = { TW_P_STR(username) };
	struct tw_rows *rows;
	char shown[SHOWN_SIZE];
	const char *dir;
	enum tw_err err;

	if ((err = tw_db_query(db, &stmts[SQL_STAFF_LOCK], p, 1, &rows)) !=
	    TW_OK)
		return err;
	if (rows->nrows != 1) {
		tw_rows_free(rows);
		reasonf(reason,
		    "unknown user: %s: check the username with "
		    "tawasul-admin list",
		    show(username, shown));
		return TW_ERR_NOTFOUND;
	}
	row->id = atoll(tw_rows_get(rows, 0, 0));
	if (tw_role_parse(tw_rows_get(rows, 0, 1), &row->role) != TW_OK)
		row->role = TW_ROLE_FIELD;
	dir = tw_rows_get(rows, 0, 2);
	row->directorate_id = dir != NULL ? atoll(dir) : 0;
	row->has_mobile = atoi(tw_rows_get(rows, 0, 3));
	row->has_password = atoi(tw_rows_get(rows, 0, 4));
	tw_rows_free(rows);
	return TW_OK;
}

/* Runs one change of the table with the staff id as last parameter. */
static enum tw_err
update_account(struct tw_db *db, enum staff_stmt which, struct tw_param v,
    long long id)
{
	struct tw_param p[] = { v, TW_P_INT(id) };

	return tw_db_exec(db, &stmts[which], p, 2, NULL);
}

/* Deletes the sessions of an account; *ended receives how many. */
static enum tw_err
end_sessions(struct tw_db *db, long long id, long long *ended)
{
	struct tw_param p[] = { TW_P_INT(id) };

	if ((*ended = query_number(db, SQL_SESSIONS_COUNT, p, 1)) < 0)
		return TW_ERR_DB;
	return tw_db_exec(db, &stmts[SQL_SESSIONS_DELETE], p, 1, NULL);
}

/*
 * Enables or disables an account. Disabling also deletes its sessions,
 * so it is logged out at its next request; *ended receives how many
 * sessions were deleted. Returns TW_OK, TW_ERR_NOTFOUND or TW_ERR_DB.
 */
enum tw_err
tw_staff_set_active(struct tw_db *db, const char *username, int active,
    long long *ended, char reason[TW_REASON_MAX])
{
	struct account_row row;
	enum tw_err err;

	reason[0] = '\0';
	*ended = 0;
	if ((err = tw_db_begin(db)) != TW_OK ||
	    (err = lock_account(db, username, &row, reason)) != TW_OK ||
	    (err = update_account(db, SQL_SET_ACTIVE, TW_P_INT(active != 0),
	         row.id)) != TW_OK ||
	    (!active && (err = end_sessions(db, row.id, ended)) != TW_OK) ||
	    (err = tw_db_commit(db)) != TW_OK)
		goto err;
	return TW_OK;
err:
	tw_db_rollback(db);
	return system_reason(reason, err);
}

/*
 * Decides the directorate of an account that gets role: code when
 * given, else the current one. Returns TW_ERR_INPUT when the code is
 * unknown or the role needs a directorate and there is none.
 */
static enum tw_err
pick_directorate(struct tw_db *db, const char *code, enum tw_role role,
    long long current, long long *id, char reason[TW_REASON_MAX])
{
	char names[128];
	enum tw_err err;

	if ((err = find_directorate(db, code, id, reason)) != TW_OK)
		return err;
	if (!given(code))
		*id = current;
	if (*id != 0 || !tw_role_needs_directorate(role))
		return TW_OK;
	role_names(names, sizeof names, tw_role_needs_directorate);
	reasonf(reason,
	    "missing directorate: role \"%s\": the roles %s need "
	    "a directorate code, so give one with the new role",
	    tw_role_name(role), names);
	return TW_ERR_INPUT;
}

/*
 * Field staff work by SMS: they need a mobile number, and their password
 * and sessions are removed.
 */
static enum tw_err
make_field_staff(struct tw_db *db, const char *username,
    const struct account_row *row, char reason[TW_REASON_MAX])
{
	char shown[SHOWN_SIZE];
	long long ended;
	enum tw_err err;

	if (!row->has_mobile) {
		reasonf(reason,
		    "missing mobile number: user %s: field staff need "
		    "one, so set it with set-mobile first",
		    show(username, shown));
		return TW_ERR_INPUT;
	}
	if ((err = update_account(db, SQL_SET_PASSWORD, TW_P_NULL, row->id)) !=
	    TW_OK)
		return err;
	return end_sessions(db, row->id, &ended);
}

static enum tw_err
store_role(struct tw_db *db, enum tw_role role, long long directorate_id,
    long long id)
{
	struct tw_param p[] = { TW_P_STR(tw_role_name(role)),
		directorate_id > 0 ? TW_P_INT(directorate_id) : TW_P_NULL,
		TW_P_INT(id) };

	return tw_db_exec(db, &stmts[SQL_SET_ROLE], p, 3, NULL);
}

/*
 * Changes the role of an account, and its directorate when directorate
 * is given. *no_password is set to 1 when the account can now log in to
 * the web but has no password yet. Returns TW_OK, TW_ERR_INPUT,
 * TW_ERR_NOTFOUND or TW_ERR_DB.
 */
enum tw_err
tw_staff_set_role(struct tw_db *db, const char *username, const char *role,
    const char *directorate, int *no_password, char reason[TW_REASON_MAX])
{
	struct tw_staff_input in = { .role = role, .directorate = directorate };
	struct tw_staff_account acc;
	struct account_row row;
	long long dir;
	enum tw_err err;

	reason[0] = '\0';
	*no_password = 0;
	if (tw_role_parse(role, &acc.role) != TW_OK)
		return check_role(&in, &acc, reason);
	if ((err = tw_db_begin(db)) != TW_OK ||
	    (err = lock_account(db, username, &row, reason)) != TW_OK ||
	    (err = pick_directorate(db, directorate, acc.role,
	         row.directorate_id, &dir, reason)) != TW_OK ||
	    (acc.role == TW_ROLE_FIELD &&
	        (err = make_field_staff(db, username, &row, reason)) !=
	            TW_OK) ||
	    (err = store_role(db, acc.role, dir, row.id)) != TW_OK ||
	    (err = tw_db_commit(db)) != TW_OK)
		goto err;
	*no_password = acc.role != TW_ROLE_FIELD && !row.has_password;
	return TW_OK;
err:
	tw_db_rollback(db);
	return system_reason(reason, err);
}

/*
 * Sets the directorate of an account to the one with this code, or
 * clears it when code is NULL or empty. Returns TW_OK, TW_ERR_INPUT
 * (unknown code, or clearing it for a role that needs one),
 * TW_ERR_NOTFOUND or TW_ERR_DB.
 */
enum tw_err
tw_staff_set_directorate(struct tw_db *db, const char *username,
    const char *code, char reason[TW_REASON_MAX])
{
	struct account_row row;
	char shown[SHOWN_SIZE];
	long long dir;
	enum tw_err err;

	reason[0] = '\0';
	if ((err = tw_db_begin(db)) != TW_OK ||
	    (err = lock_account(db, username, &row, reason)) != TW_OK ||
	    (err = find_directorate(db, code, &dir, reason)) != TW_OK)
		goto err;
	if (dir == 0 && tw_role_needs_directorate(row.role)) {
		reasonf(reason,
		    "missing directorate: user %s has role \"%s\": that "
		    "role needs a directorate, so give a code instead of "
		    "--clear",
		    show(username, shown), tw_role_name(row.role));
		err = TW_ERR_INPUT;
		goto err;
	}
	if ((err = update_account(db, SQL_SET_DIRECTORATE,
	         dir > 0 ? TW_P_INT(dir) : TW_P_NULL, row.id)) != TW_OK ||
	    (err = tw_db_commit(db)) != TW_OK)
		goto err;
	return TW_OK;
err:
	tw_db_rollback(db);
	return system_reason(reason, err);
}

/*
 * Sets the mobile number of an account, or clears it when mobile is NULL
 * or empty. Returns TW_OK, TW_ERR_INPUT (an invalid number, or clearing
 * the number of field staff), TW_ERR_DUPLICATE, TW_ERR_NOTFOUND or
 * TW_ERR_DB.
 */
enum tw_err
tw_staff_set_mobile(struct tw_db *db, const char *username, const char *mobile,
    char reason[TW_REASON_MAX])
{
	struct tw_staff_account acc = { .role = TW_ROLE_AGENT };
	struct account_row row;
	char shown[SHOWN_SIZE];
	enum tw_err err;

	reason[0] = '\0';
	if ((err = check_mobile(mobile, &acc, reason)) != TW_OK)
		return system_reason(reason, err);
	if ((err = tw_db_begin(db)) != TW_OK ||
	    (err = lock_account(db, username, &row, reason)) != TW_OK ||
	    (err = check_mobile_free(db, acc.mobile, username, reason)) !=
	        TW_OK)
		goto err;
	if (!given(acc.mobile) && row.role == TW_ROLE_FIELD) {
		reasonf(reason,
		    "missing mobile number: user %s is field staff: field "
		    "staff need a mobile number, so give a number instead "
		    "of --clear",
		    show(username, shown));
		err = TW_ERR_INPUT;
		goto err;
	}
	if ((err = update_account(db, SQL_SET_MOBILE,
	         TW_P_STR(given(acc.mobile) ? acc.mobile : NULL), row.id)) !=
	        TW_OK ||
	    (err = tw_db_commit(db)) != TW_OK)
		goto err;
	return TW_OK;
err:
	tw_db_rollback(db);
	if (err == TW_ERR_DUPLICATE && reason[0] == '\0')
		reasonf(reason,
		    "mobile number already in use: %s: give "
		    "another number",
		    show(acc.mobile, shown));
	return system_reason(reason, err);
}

/*
 * Replaces the password of an account and deletes its sessions and its
 * failed logins, so a locked-out account can log in again at once.
 * Returns TW_OK, TW_ERR_INPUT (a password against the policy, or field
 * staff, who have none), TW_ERR_NOTFOUND, TW_ERR_IO or TW_ERR_DB.
 */
enum tw_err
tw_staff_set_password(struct tw_db *db, const char *username,
    const char *password, char reason[TW_REASON_MAX])
{
	struct tw_param who[] = { TW_P_STR(username) };
	struct account_row row;
	char hash[256], shown[SHOWN_SIZE];
	long long ended;
	enum tw_err err;

	reason[0] = '\0';
	if ((err = check_password_policy(password, reason)) != TW_OK ||
	    (err = tw_password_hash(password, hash, sizeof hash)) != TW_OK)
		return system_reason(reason, err);
	if ((err = tw_db_begin(db)) != TW_OK ||
	    (err = lock_account(db, username, &row, reason)) != TW_OK)
		goto err;
	if (row.role == TW_ROLE_FIELD) {
		reasonf(reason,
		    "field staff have no password: user %s: field staff "
		    "work by SMS, so change the role with set-role first",
		    show(username, shown));
		err = TW_ERR_INPUT;
		goto err;
	}
	if ((err = update_account(db, SQL_SET_PASSWORD, TW_P_STR(hash),
	         row.id)) != TW_OK ||
	    (err = end_sessions(db, row.id, &ended)) != TW_OK ||
	    (err = tw_db_exec(db, &stmts[SQL_FAILURES_CLEAR], who, 1, NULL)) !=
	        TW_OK ||
	    (err = tw_db_commit(db)) != TW_OK)
		goto err;
	return TW_OK;
err:
	tw_db_rollback(db);
	return system_reason(reason, err);
}

/*
 * Lists the accounts, ordered by username, optionally only those of one
 * role or one directorate code (NULL for any). The columns are username,
 * display_name, role, directorate code, mobile, email, lang, active (1
 * or 0) and has_password (1 or 0). The caller frees *out with
 * tw_rows_free. Returns TW_OK, TW_ERR_DB or TW_ERR_NOMEM.
 */
enum tw_err
tw_staff_list(struct tw_db *db, const char *role, const char *directorate,
    struct tw_rows **out)
{
	struct tw_param p[] = { TW_P_STR(role), TW_P_STR(role),
		TW_P_STR(directorate), TW_P_STR(directorate) };

	return tw_db_query(db, &stmts[SQL_LIST], p, 4, out);
}

/*
 * Finds the end of the CSV record that starts at text: the first line
 * break outside a quoted field, or the end of the string. Sets *len to
 * the length of the record without its LF or CR LF and *nlines to the
 * number of lines it spans. Returns where the next record starts, which
 * is the terminating NUL after the last record.
 */
const char *
tw_csv_next(const char *text, size_t *len, size_t *nlines)
{
	const char *p = text;
	int quoted = 0, at_start = 1;

	*nlines = 1;
	for (; *p != '\0' && (quoted || *p != '\n'); p++) {
		if (quoted && p[0] == '"' && p[1] == '"')
			p++; /* an escaped quote */
		else if (*p == '"' && (quoted || at_start))
			quoted = !quoted;
		else if (*p == '\n')
			(*nlines)++;
		at_start = !quoted && *p == ',';
	}
	*len = p - text;
	if (*len > 0 && text[*len - 1] == '\r')
		(*len)--;
	return *p == '\n' ? p + 1 : p;
}

/* Copies a quoted field at *in to *out, undoubling quotes. */
static enum tw_csv
csv_quoted(const char **in, char **out)
{
	const char *p = *in + 1;
	char *o = *out;

	for (;;) {
		if (*p == '\0')
			return TW_CSV_OPEN;
		if (p[0] == '"' && p[1] == '"') {
			*o++ = '"';
			p += 2;
		} else if (*p == '"')
			break;
		else
			*o++ = *p++;
	}
	p++;
	*in = p;
	*out = o;
	return *p == ',' || *p == '\0' ? TW_CSV_OK : TW_CSV_QUOTE;
}

/*
 * Splits one CSV record (RFC 4180: fields separated by commas, a field
 * in double quotes may contain commas, line breaks and doubled quotes)
 * into at most max fields. The fields are written to buf, which needs
 * strlen(record) + 1 bytes, and fields[i] points to each. Sets *nfields
 * to the number of fields read, which for an error is the position of
 * the field at fault. A quote inside an unquoted field is an error
 * rather than a literal quote.
 */
enum tw_csv
tw_csv_split(const char *record, char *buf, char **fields, size_t max,
    size_t *nfields)
{
	const char *p = record;
	char *o = buf;
	enum tw_csv status;

	for (*nfields = 0;; p++) {
		if (*nfields == max)
			return TW_CSV_TOO_MANY;
		fields[(*nfields)++] = o;
		if (*p == '"' && (status = csv_quoted(&p, &o)) != TW_CSV_OK)
			return status;
		for (; *p != ',' && *p != '\0'; p++) {
			if (*p == '"')
				return TW_CSV_QUOTE;
			*o++ = *p;
		}
		*o++ = '\0';
		if (*p == '\0')
			return TW_CSV_OK;
	}
}
