/*
 * ivr.c: the 1111 phone line. The request signature of the IVR
 * provider, TwiML output, and the call records: calls, the stored
 * response of each step and the calls an agent should return.
 *
 * The signature is the scheme Twilio documents for X-Twilio-Signature:
 * base64(HMAC-SHA1(token, URL followed by each POST parameter's name and
 * value, sorted by name)).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "tawasul.h"

enum ivr_stmt {
	SQL_CALL_FIND,
	SQL_CALL_START,
	SQL_CALL_LOCK,
	SQL_CALL_NOTE,
	SQL_CALL_CASE,
	SQL_CALL_END,
	SQL_STEP_INSERT,
	SQL_STEP_ANSWER,
	SQL_STEP_FIND,
	SQL_MISSED_INSERT,
	SQL_MISSED_HANDLED,
	SQL_MISSED_DONE,
	SQL_CASE_STATUS,
	SQL_CASE_ID,
	SQL_SERVICES,
	SQL_CUSTOMER_EMAIL,
	SQL_CALLS_OF_CUSTOMER,
	SQL_CALLS_OF_CASE,
	SQL_CALLS_LIST,
	SQL_CALLS_SUMMARY,
	SQL_LOOKUP_COUNTS,
	SQL_LOOKUP_INSERT,
	SQL_MAX
};

/* The columns of the call lists, in the order of call_names. */
#define CALL_COLUMNS                                                           \
	"c.id, c.caller, c.started_at, c.ended_at, c.lang, c.path,"            \
	" c.outcome, k.number, m.reason, m.created_at, m.handled_at,"          \
	" m.id, c.recording_url"

/* clang-format off */
static struct tw_stmt stmts[SQL_MAX] = {
	[SQL_CALL_FIND] = {
	    "SELECT id FROM ivr_calls WHERE call_sid = ?"},
	[SQL_CALL_START] = {
	    "INSERT INTO ivr_calls (call_sid, caller, started_at)"
	    " VALUES (?, ?, UTC_TIMESTAMP())"
	    " ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id)"},
	[SQL_CALL_LOCK] = {
	    "SELECT c.caller, c.lang, c.path, c.outcome, c.case_id,"
	    " k.number, m.id"
	    " FROM ivr_calls c LEFT JOIN cases k ON k.id = c.case_id"
	    " LEFT JOIN ivr_missed_calls m ON m.call_id = c.id"
	    " WHERE c.id = ? FOR UPDATE"},
	[SQL_CALL_NOTE] = {
	    "UPDATE ivr_calls SET lang = ?,"
	    " path = LEFT(TRIM(CONCAT(path, ' ', ?)), 1000),"
	    " outcome = COALESCE(?, outcome) WHERE id = ?"},
	[SQL_CALL_CASE] = {
	    "UPDATE ivr_calls SET case_id = ?, recording_url ="
	    " COALESCE(?, recording_url) WHERE id = ?"},
	[SQL_CALL_END] = {
	    "UPDATE ivr_calls SET ended_at = COALESCE(ended_at,"
	    " UTC_TIMESTAMP()) WHERE id = ?"},
	[SQL_STEP_INSERT] = {
	    "INSERT INTO ivr_steps (call_id, step, answer, at)"
	    " VALUES (?, ?, '', UTC_TIMESTAMP(3))"},
	[SQL_STEP_ANSWER] = {
	    "UPDATE ivr_steps SET answer = ? WHERE call_id = ? AND step = ?"},
	[SQL_STEP_FIND] = {
	    "SELECT answer FROM ivr_steps WHERE call_id = ? AND step = ?"},
	[SQL_MISSED_INSERT] = {
	    "INSERT IGNORE INTO ivr_missed_calls (call_id, reason, created_at)"
	    " VALUES (?, ?, UTC_TIMESTAMP())"},
	[SQL_MISSED_HANDLED] = {
	    "UPDATE ivr_missed_calls SET handled_at = UTC_TIMESTAMP()"
	    " WHERE call_id = ? AND handled_at IS NULL"},
	[SQL_MISSED_DONE] = {
	    "UPDATE ivr_missed_calls SET handled_at = UTC_TIMESTAMP(),"
	    " handled_by = ? WHERE id = ? AND handled_at IS NULL"},
	[SQL_CASE_STATUS] = {
	    "SELECT c.status, c.updated_at, u.mobile = ?,"
	    " IF(? = 0, k.name_ar, k.name_en), c.id, c.due_at"
	    " FROM cases c JOIN customers u ON u.id = c.customer_id"
	    " JOIN categories k ON k.id = c.category_id"
	    " WHERE c.number = ?"},
	[SQL_CASE_ID] = {
	    "SELECT id FROM cases WHERE number = ?"},
	[SQL_SERVICES] = {
	    "SELECT ivr_rank, code, IF(? = 0, name_ar, name_en),"
	    " IF(? = 0, description_ar, description_en)"
	    " FROM services WHERE ivr_rank IS NOT NULL AND active = 1"
	    " ORDER BY ivr_rank"},
	[SQL_CUSTOMER_EMAIL] = {
	    "SELECT id, email FROM customers WHERE mobile = ?"},
	[SQL_CALLS_OF_CUSTOMER] = {
	    "SELECT " CALL_COLUMNS " FROM ivr_calls c"
	    " LEFT JOIN cases k ON k.id = c.case_id"
	    " LEFT JOIN ivr_missed_calls m ON m.call_id = c.id"
	    " WHERE c.caller = ? ORDER BY c.started_at DESC, c.id DESC"
	    " LIMIT 50"},
	[SQL_CALLS_OF_CASE] = {
	    "SELECT " CALL_COLUMNS " FROM ivr_calls c"
	    " LEFT JOIN cases k ON k.id = c.case_id"
	    " LEFT JOIN ivr_missed_calls m ON m.call_id = c.id"
	    " WHERE k.number = ? ORDER BY c.started_at DESC, c.id DESC"
	    " LIMIT 50"},
	/* Unreturned missed calls first, oldest first, then the others. */
	[SQL_CALLS_LIST] = {
	    "SELECT " CALL_COLUMNS " FROM ivr_calls c"
	    " LEFT JOIN cases k ON k.id = c.case_id"
	    " LEFT JOIN ivr_missed_calls m ON m.call_id = c.id"
	    " WHERE c.started_at >= UTC_TIMESTAMP() - INTERVAL 30 DAY"
	    " ORDER BY (m.id IS NOT NULL AND m.handled_at IS NULL) DESC,"
	    " IF(m.id IS NOT NULL AND m.handled_at IS NULL, m.created_at,"
	    " NULL), c.started_at DESC, c.id DESC LIMIT 200"},
	[SQL_CALLS_SUMMARY] = {
	    "SELECT outcome, COUNT(*) FROM ivr_calls"
	    " WHERE started_at >= UTC_TIMESTAMP() - INTERVAL 30 DAY"
	    " GROUP BY outcome ORDER BY COUNT(*) DESC, outcome"},
	[SQL_LOOKUP_COUNTS] = {
	    "SELECT (SELECT COUNT(*) FROM ivr_status_lookups WHERE call_id = ?),"
	    " (SELECT COUNT(*) FROM ivr_status_lookups WHERE caller = ?"
	    " AND created_at > UTC_TIMESTAMP() - INTERVAL 1 HOUR)"},
	[SQL_LOOKUP_INSERT] = {
	    "INSERT INTO ivr_status_lookups (call_id, caller, created_at)"
	    " VALUES (?, ?, UTC_TIMESTAMP())"},
};
/* clang-format on */

/* HDF names of the CALL_COLUMNS. The code sets the NULL columns by hand. */
static const char *const call_names[] = { "Id", NULL, NULL, NULL, "Lang",
	"Path", "Outcome", "Case", "Missed", NULL, NULL, "MissedId",
	"Recording" };

/* Request parameters. */

/* Decodes an urlencoded name or value in place: '+' and %XX. */
static void
url_decode(char *s)
{
	for (char *c = s; *c; c++)
		if (*c == '+')
			*c = ' ';
	cgi_url_unescape(s);
}

/* Orders parameters by name, then value, as bytes. */
static int
param_order(const void *a, const void *b)
{
	const struct tw_ivr_param *pa = a, *pb = b;
	int by_name = strcmp(pa->name, pb->name);

	return by_name != 0 ? by_name : strcmp(pa->value, pb->value);
}

/*
 * Parses an urlencoded string of len bytes (a body or a query string)
 * into name and value pairs sorted by name. Returns TW_OK or
 * TW_ERR_NOMEM. The caller frees *out with tw_ivr_params_free.
 */
enum tw_err
tw_ivr_params_parse(const char *text, size_t len, struct tw_ivr_params **out)
{
	struct tw_ivr_params *ps = calloc(1, sizeof *ps);
	const char *p = text, *end = text + len;

	if (ps == NULL)
		return TW_ERR_NOMEM;
	while (text != NULL && p < end) {
		const char *amp = memchr(p, '&', end - p);
		const char *stop = amp ? amp : end;
		const char *eq = memchr(p, '=', stop - p);
		struct tw_ivr_param *grown;

		if (stop > p) {
			grown = realloc(ps->items, (ps->n + 1) * sizeof *grown);
			if (grown == NULL)
				goto nomem;
			ps->items = grown;
			grown[ps->n].name = strndup(p, (eq ? eq : stop) - p);
			grown[ps->n].value = eq ? strndup(eq + 1, stop - eq - 1)
			                        : strdup("");
			ps->n++;
			if (grown[ps->n - 1].name == NULL ||
			    grown[ps->n - 1].value == NULL)
				goto nomem;
			url_decode(grown[ps->n - 1].name);
			url_decode(grown[ps->n - 1].value);
		}
		p = stop + 1;
	}
	if (ps->n > 1)
		qsort(ps->items, ps->n, sizeof *ps->items, param_order);
	*out = ps;
	return TW_OK;
nomem:
	tw_ivr_params_free(ps);
	return TW_ERR_NOMEM;
}

/* Frees parsed parameters. Accepts NULL. */
void
tw_ivr_params_free(struct tw_ivr_params *ps)
{
	if (ps == NULL)
		return;
	for (size_t i = 0; i < ps->n; i++) {
		free(ps->items[i].name);
		free(ps->items[i].value);
	}
	free(ps->items);
	free(ps);
}

/* Returns the first value of parameter name, or NULL. */
const char *
tw_ivr_param(const struct tw_ivr_params *ps, const char *name)
{
	for (size_t i = 0; ps != NULL && i < ps->n; i++)
		if (strcmp(ps->items[i].name, name) == 0)
			return ps->items[i].value;
	return NULL;
}

/* Signature. */

/*
 * Writes the provider's signature of a request into out: base64 of
 * HMAC-SHA1 keyed with token over url followed by every parameter's
 * name and value in the order of ps (sorted by name). Returns TW_OK, or
 * TW_ERR_NOMEM.
 */
enum tw_err
tw_ivr_sign(const char *token, const char *url, const struct tw_ivr_params *ps,
    char out[TW_IVR_SIGNATURE_LEN + 1])
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	STRING data;
	NEOERR *nerr;

	string_init(&data);
	nerr = string_append(&data, url);
	for (size_t i = 0; nerr == STATUS_OK && ps != NULL && i < ps->n; i++) {
		nerr = string_append(&data, ps->items[i].name);
		if (nerr == STATUS_OK)
			nerr = string_append(&data, ps->items[i].value);
	}
	if (nerr != STATUS_OK ||
	    HMAC(EVP_sha1(), token, (int)strlen(token),
	        (const unsigned char *)data.buf, (size_t)data.len, mac,
	        &maclen) == NULL ||
	    maclen != 20) {
		nerr_ignore(&nerr);
		string_clear(&data);
		return TW_ERR_NOMEM;
	}
	string_clear(&data);
	EVP_EncodeBlock((unsigned char *)out, mac, (int)maclen);
	return TW_OK;
}

/*
 * Returns 1 when signature (the X-Twilio-Signature header) is the
 * signature of url and ps under token, compared in constant time.
 * Returns 0 when it is missing, malformed or different, or the token is
 * empty.
 */
int
tw_ivr_signature_valid(const char *token, const char *url,
    const struct tw_ivr_params *ps, const char *signature)
{
	char expected[TW_IVR_SIGNATURE_LEN + 1];

	if (token == NULL || token[0] == '\0' || signature == NULL ||
	    strlen(signature) != TW_IVR_SIGNATURE_LEN)
		return 0;
	if (tw_ivr_sign(token, url, ps, expected) != TW_OK)
		return 0;
	return CRYPTO_memcmp(expected, signature, TW_IVR_SIGNATURE_LEN) == 0;
}

/* TwiML. */

/* Appends text with the five XML special characters escaped. */
static void
xml_append(STRING *out, const char *text)
{
	for (const char *c = text ? text : ""; *c; c++) {
		switch (*c) {
		case '&':
			string_append(out, "&amp;");
			break;
		case '<':
			string_append(out, "&lt;");
			break;
		case '>':
			string_append(out, "&gt;");
			break;
		case '"':
			string_append(out, "&quot;");
			break;
		case '\'':
			string_append(out, "&apos;");
			break;
		default:
			string_append_char(out, *c);
		}
	}
}

/* Starts a TwiML document. Free an unfinished one with tw_twiml_free. */
void
tw_twiml_init(struct tw_twiml *x)
{
	string_init(&x->out);
	string_append(&x->out,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response>");
}

/* Appends an element with its attributes and optional text. attrs are
 * NULL-terminated name, value pairs, and a NULL value leaves the
 * attribute out. */
static void
element(struct tw_twiml *x, const char *name, const char *text, int open,
    const char *const *attrs)
{
	string_appendf(&x->out, "<%s", name);
	for (size_t i = 0; attrs != NULL && attrs[i] != NULL; i += 2) {
		if (attrs[i + 1] == NULL)
			continue;
		string_appendf(&x->out, " %s=\"", attrs[i]);
		xml_append(&x->out, attrs[i + 1]);
		string_append(&x->out, "\"");
	}
	if (text == NULL && !open) {
		string_append(&x->out, "/>");
		return;
	}
	string_append(&x->out, ">");
	xml_append(&x->out, text);
	if (!open)
		string_appendf(&x->out, "</%s>", name);
}

/* Appends <Say language="..."> text. voice may be NULL. */
void
tw_twiml_say(struct tw_twiml *x, const char *language, const char *voice,
    const char *text)
{
	const char *attrs[] = { "language", language, "voice", voice, NULL };

	element(x, "Say", text ? text : "", 0, attrs);
}

/* Appends <Play> of an audio URL. */
void
tw_twiml_play(struct tw_twiml *x, const char *url)
{
	element(x, "Play", url, 0, NULL);
}

/*
 * Opens <Gather> that posts the keys pressed to action: num_digits keys
 * (0 for any number, ended by finish_on_key), waiting timeout seconds.
 */
void
tw_twiml_gather_open(struct tw_twiml *x, const char *action, int num_digits,
    const char *finish_on_key, int timeout)
{
	char digits[16], wait[16];
	const char *attrs[] = { "input", "dtmf", "action", action, "method",
		"POST", "numDigits", num_digits > 0 ? digits : NULL,
		"finishOnKey", finish_on_key, "timeout", wait, NULL };

	snprintf(digits, sizeof digits, "%d", num_digits);
	snprintf(wait, sizeof wait, "%d", timeout);
	element(x, "Gather", NULL, 1, attrs);
}

void
tw_twiml_gather_close(struct tw_twiml *x)
{
	string_append(&x->out, "</Gather>");
}

/* Appends <Record> posting to action when the caller stops or presses
 * #, and to callback once the recording is stored. */
void
tw_twiml_record(struct tw_twiml *x, const char *action, const char *callback,
    int max_seconds)
{
	char max[16];
	const char *attrs[] = { "action", action, "method", "POST", "maxLength",
		max, "finishOnKey", "#", "playBeep", "true",
		"recordingStatusCallback", callback,
		"recordingStatusCallbackMethod", "POST", NULL };

	snprintf(max, sizeof max, "%d", max_seconds);
	element(x, "Record", NULL, 0, attrs);
}

/* Appends <Dial> of number, posting the outcome to action. */
void
tw_twiml_dial(struct tw_twiml *x, const char *number, const char *action,
    int timeout)
{
	char wait[16];
	const char *attrs[] = { "action", action, "method", "POST", "timeout",
		wait, NULL };

	snprintf(wait, sizeof wait, "%d", timeout);
	element(x, "Dial", number, 0, attrs);
}

/* Appends <Redirect> to url. */
void
tw_twiml_redirect(struct tw_twiml *x, const char *url)
{
	const char *attrs[] = { "method", "POST", NULL };

	element(x, "Redirect", url, 0, attrs);
}

void
tw_twiml_hangup(struct tw_twiml *x)
{
	element(x, "Hangup", NULL, 0, NULL);
}

/* Closes the document and returns it, for the caller to free with
 * free(3). Returns NULL when out of memory. */
char *
tw_twiml_finish(struct tw_twiml *x)
{
	char *doc;

	string_append(&x->out, "</Response>\n");
	doc = x->out.buf ? strdup(x->out.buf) : NULL;
	string_clear(&x->out);
	return doc;
}

/* Frees an unfinished document. */
void
tw_twiml_free(struct tw_twiml *x)
{
	string_clear(&x->out);
}

/* Call records. */

/*
 * Records the start of a call, or finds the call when the provider
 * reported it before. caller is E.164 or NULL. Runs outside a
 * transaction. Returns TW_OK with *call_id, or TW_ERR_DB.
 */
enum tw_err
tw_ivr_call_start(struct tw_db *db, const char *sid, const char *caller,
    long long *call_id)
{
	struct tw_param p[] = { TW_P_STR(sid), TW_P_STR(caller) };
	unsigned long long id = 0;
	struct tw_rows *rows;
	enum tw_err err;

	/* A known call is only read: the upsert would lock its row against
	 * a retry of the same step that is running. */
	if ((err = tw_db_query(db, &stmts[SQL_CALL_FIND], p, 1, &rows)) !=
	    TW_OK)
		return err;
	if (rows->nrows == 1)
		id = strtoull(tw_rows_get(rows, 0, 0), NULL, 10);
	tw_rows_free(rows);
	if (id == 0)
		err = tw_db_exec(db, &stmts[SQL_CALL_START], p, 2, &id);
	*call_id = (long long)id;
	return err;
}

/*
 * Claims a step of a call inside the caller's transaction, after
 * tw_ivr_call_lock: inserts its row, which waits for a concurrent retry
 * of the same step to commit.
 * Returns TW_OK when this request is the first to run the step. Returns
 * TW_ERR_DUPLICATE with the stored response in *response (freed by the
 * caller) when the step ran before, and the caller then rolls back.
 */
enum tw_err
tw_ivr_step_claim(struct tw_db *db, long long call_id, const char *step,
    char **response)
{
	struct tw_param p[] = { TW_P_INT(call_id), TW_P_STR(step) };
	struct tw_rows *rows;
	enum tw_err err;

	*response = NULL;
	err = tw_db_exec(db, &stmts[SQL_STEP_INSERT], p, 2, NULL);
	if (err != TW_ERR_DUPLICATE)
		return err;
	tw_db_rollback(db);
	if ((err = tw_db_query(db, &stmts[SQL_STEP_FIND], p, 2, &rows)) !=
	    TW_OK)
		return err;
	if (rows->nrows == 1 &&
	    (*response = strdup(tw_rows_get(rows, 0, 0))) == NULL)
		err = TW_ERR_NOMEM;
	tw_rows_free(rows);
	if (err == TW_OK && *response == NULL)
		return TW_ERR_DB;
	return err == TW_OK ? TW_ERR_DUPLICATE : err;
}

/* Stores the response of a claimed step without committing. */
enum tw_err
tw_ivr_step_answer(struct tw_db *db, long long call_id, const char *step,
    const char *response)
{
	struct tw_param p[] = { TW_P_STR(response), TW_P_INT(call_id),
		TW_P_STR(step) };

	return tw_db_exec(db, &stmts[SQL_STEP_ANSWER], p, 3, NULL);
}

/* Locks the call's row for this transaction and reads it. Requests of
 * one call run one at a time from here to the commit. */
enum tw_err
tw_ivr_call_lock(struct tw_db *db, long long call_id, struct tw_ivr_call *out)
{
	struct tw_param p[] = { TW_P_INT(call_id) };
	struct tw_rows *rows;
	enum tw_err err;

	memset(out, 0, sizeof *out);
	if ((err = tw_db_query(db, &stmts[SQL_CALL_LOCK], p, 1, &rows)) !=
	    TW_OK)
		return err;
	if (rows->nrows != 1) {
		tw_rows_free(rows);
		return TW_ERR_NOTFOUND;
	}
	out->id = call_id;
	snprintf(out->caller, sizeof out->caller, "%s",
	    tw_rows_get(rows, 0, 0) ? tw_rows_get(rows, 0, 0) : "");
	tw_lang_parse(tw_rows_get(rows, 0, 1), &out->lang);
	snprintf(out->path, sizeof out->path, "%s", tw_rows_get(rows, 0, 2));
	snprintf(out->outcome, sizeof out->outcome, "%s",
	    tw_rows_get(rows, 0, 3));
	out->case_id = tw_rows_get(rows, 0, 4) ? atoll(tw_rows_get(rows, 0, 4))
	                                       : 0;
	snprintf(out->case_number, sizeof out->case_number, "%s",
	    tw_rows_get(rows, 0, 5) ? tw_rows_get(rows, 0, 5) : "");
	out->missed = tw_rows_get(rows, 0, 6) != NULL;
	tw_rows_free(rows);
	return TW_OK;
}

/* Appends a step to the call's path and sets its language and, when not
 * NULL, its outcome, without committing. */
enum tw_err
tw_ivr_call_note(struct tw_db *db, long long call_id, enum tw_lang lang,
    const char *step, const char *outcome)
{
	struct tw_param p[] = { TW_P_STR(tw_lang_code(lang)), TW_P_STR(step),
		TW_P_STR(outcome), TW_P_INT(call_id) };

	return tw_db_exec(db, &stmts[SQL_CALL_NOTE], p, 4, NULL);
}

/* Sets the end time of a call, once, without committing. */
enum tw_err
tw_ivr_call_end(struct tw_db *db, long long call_id)
{
	struct tw_param p[] = { TW_P_INT(call_id) };

	return tw_db_exec(db, &stmts[SQL_CALL_END], p, 1, NULL);
}

/* Records a call for an agent to return, once per call, without
 * committing. */
enum tw_err
tw_ivr_missed(struct tw_db *db, long long call_id, const char *reason)
{
	struct tw_param p[] = { TW_P_INT(call_id), TW_P_STR(reason) };

	return tw_db_exec(db, &stmts[SQL_MISSED_INSERT], p, 2, NULL);
}

/*
 * Marks the missed call with this id returned by staff_id. Returns
 * TW_OK, or TW_ERR_NOTFOUND when there is no such open missed call.
 */
enum tw_err
tw_ivr_missed_done(struct tw_db *db, long long missed_id, long long staff_id)
{
	struct tw_param p[] = { TW_P_INT(staff_id), TW_P_INT(missed_id) };
	enum tw_err err;

	if ((err = tw_db_exec(db, &stmts[SQL_MISSED_DONE], p, 2, NULL)) !=
	    TW_OK)
		return err;
	return tw_db_affected(db) == 1 ? TW_OK : TW_ERR_NOTFOUND;
}

/*
 * Creates the case of a voice complaint inside the caller's transaction,
 * once per call: the call's row must be locked by tw_ivr_call_lock, and
 * the form token derived from the call id makes a second case from the
 * same call a duplicate key. The case is filed under category "other"
 * with the recording's URL in its description, for the 1st line to
 * listen to and complete. tw_case_write queues the receipt SMS.
 * Closes an open missed call of the call. Returns TW_OK with number set.
 */
enum tw_err
tw_ivr_voice_case(struct tw_db *db, HDF *strings, struct tw_ivr_call *call,
    const char *sid, const char *recording_url, char number[TW_CASENUM_LEN + 1])
{
	char token[65], *description;
	unsigned long long case_id;
	enum tw_err err;

	tw_sha256_hex(sid, strlen(sid), token);
	memcpy(token, "ivr", 3);
	token[32] = '\0';
	description = tw_str_replace(tw_string(strings, "Ivr.CaseText"),
	    "{url}", recording_url);
	if (description == NULL)
		return TW_ERR_NOMEM;
	struct tw_case_new c = {
		.type = "complaint",
		.channel = "ivr",
		.category = "other",
		.description = description,
		.mobile = call->caller,
		.lang = call->lang,
		.form_token = token,
	};
	err = tw_case_write(db, strings, &c, number, &case_id);
	free(description);
	if (err != TW_OK)
		return err;
	struct tw_param p[] = { TW_P_INT((long long)case_id),
		TW_P_STR(recording_url), TW_P_INT(call->id) };
	struct tw_param q[] = { TW_P_INT(call->id) };
	if ((err = tw_db_exec(db, &stmts[SQL_CALL_CASE], p, 3, NULL)) !=
	        TW_OK ||
	    (err = tw_db_exec(db, &stmts[SQL_MISSED_HANDLED], q, 1, NULL)) !=
	        TW_OK)
		return err;
	call->case_id = (long long)case_id;
	snprintf(call->case_number, sizeof call->case_number, "%s", number);
	return TW_OK;
}

/* Links a call to a case whose status it read, without committing. */
enum tw_err
tw_ivr_call_case(struct tw_db *db, long long call_id, long long case_id)
{
	struct tw_param p[] = { TW_P_INT(case_id), TW_P_NULL,
		TW_P_INT(call_id) };

	return tw_db_exec(db, &stmts[SQL_CALL_CASE], p, 3, NULL);
}

/*
 * Reads what the phone line reads out of case number: its status and the
 * time of its last change, and its category only when caller is the
 * mobile registered on it. Returns TW_OK, or TW_ERR_NOTFOUND.
 */
enum tw_err
tw_ivr_case_status(struct tw_db *db, const char *number, const char *caller,
    enum tw_lang lang, struct tw_ivr_status *out)
{
	struct tw_param p[] = { TW_P_STR(caller ? caller : ""), TW_P_INT(lang),
		TW_P_STR(number) };
	struct tw_rows *rows;
	enum tw_err err;

	memset(out, 0, sizeof *out);
	if ((err = tw_db_query(db, &stmts[SQL_CASE_STATUS], p, 3, &rows)) !=
	    TW_OK)
		return err;
	if (rows->nrows != 1) {
		tw_rows_free(rows);
		return TW_ERR_NOTFOUND;
	}
	snprintf(out->status, sizeof out->status, "%s",
	    tw_rows_get(rows, 0, 0));
	snprintf(out->updated, sizeof out->updated, "%s",
	    tw_rows_get(rows, 0, 1));
	out->own = caller != NULL && caller[0] != '\0' &&
	    strcmp(tw_rows_get(rows, 0, 2), "1") == 0;
	snprintf(out->category, sizeof out->category, "%s",
	    tw_rows_get(rows, 0, 3));
	out->case_id = atoll(tw_rows_get(rows, 0, 4));
	snprintf(out->due, sizeof out->due, "%s",
	    tw_rows_get(rows, 0, 5) ? tw_rows_get(rows, 0, 5) : "");
	tw_rows_free(rows);
	return TW_OK;
}

/*
 * Counts one status lookup of call_id from caller ("" or NULL when
 * withheld, and all withheld numbers count together) in the open
 * transaction, unless the call has made per_call lookups or the caller
 * per_hour in the last hour. Sets *limit to TW_IVR_LOOKUP_OK when the lookup
 * may go ahead (and is counted), TW_IVR_LOOKUP_CALL or TW_IVR_LOOKUP_HOUR when
 * a limit is reached (nothing is counted). Returns TW_OK or TW_ERR_DB.
 */
enum tw_err
tw_ivr_lookup_allow(struct tw_db *db, long long call_id, const char *caller,
    long per_call, long per_hour, enum tw_ivr_lookup *limit)
{
	const char *who = caller ? caller : "";
	struct tw_param p[] = { TW_P_INT(call_id), TW_P_STR(who) };
	struct tw_rows *rows;
	long long in_call, in_hour;
	enum tw_err err;

	*limit = TW_IVR_LOOKUP_OK;
	if ((err = tw_db_query(db, &stmts[SQL_LOOKUP_COUNTS], p, 2, &rows)) !=
	    TW_OK)
		return err;
	in_call = atoll(tw_rows_get(rows, 0, 0));
	in_hour = atoll(tw_rows_get(rows, 0, 1));
	tw_rows_free(rows);
	if (in_call >= per_call)
		*limit = TW_IVR_LOOKUP_CALL;
	else if (in_hour >= per_hour)
		*limit = TW_IVR_LOOKUP_HOUR;
	else
		err = tw_db_exec(db, &stmts[SQL_LOOKUP_INSERT], p, 2, NULL);
	return err;
}

/* Returns the services of the procedures menu (rank, code, name and
 * description in lang), ordered by rank. The caller frees *rows. */
enum tw_err
tw_ivr_services(struct tw_db *db, enum tw_lang lang, struct tw_rows **rows)
{
	struct tw_param p[] = { TW_P_INT(lang), TW_P_INT(lang) };

	return tw_db_query(db, &stmts[SQL_SERVICES], p, 2, rows);
}

/* Finds the customer with this mobile: its id and e-mail address (""
 * when none). Returns TW_OK with *customer_id 0 when there is none. */
enum tw_err
tw_ivr_customer(struct tw_db *db, const char *mobile, long long *customer_id,
    char email[255])
{
	struct tw_param p[] = { TW_P_STR(mobile) };
	struct tw_rows *rows;
	enum tw_err err;

	*customer_id = 0;
	email[0] = '\0';
	if ((err = tw_db_query(db, &stmts[SQL_CUSTOMER_EMAIL], p, 1, &rows)) !=
	    TW_OK)
		return err;
	if (rows->nrows == 1) {
		*customer_id = atoll(tw_rows_get(rows, 0, 0));
		snprintf(email, 255, "%s",
		    tw_rows_get(rows, 0, 1) ? tw_rows_get(rows, 0, 1) : "");
	}
	tw_rows_free(rows);
	return TW_OK;
}

/* Copies call rows into prefix.N.*, with the times in tz. */
static enum tw_err
calls_to_hdf(struct tw_rows *rows, const char *tz, HDF *out, const char *prefix)
{
	static const struct {
		size_t col;
		const char *name;
	} times[] = { { 2, "Started" }, { 3, "Ended" }, { 9, "MissedAt" },
		{ 10, "Handled" } };
	char when[32];
	enum tw_err err;

	err = tw_rows_to_hdf(rows, out, prefix, (const char **)call_names);
	for (size_t r = 0; err == TW_OK && r < rows->nrows; r++) {
		const char *caller = tw_rows_get(rows, r, 1);

		hdf_set_valuef(out, "%s.%zu.Caller=%s", prefix, r,
		    caller ? caller : "");
		for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
			const char *utc = tw_rows_get(rows, r, times[i].col);

			if (utc == NULL)
				continue;
			tw_time_display(utc, tz, when, sizeof when);
			hdf_set_valuef(out, "%s.%zu.%s=%s", prefix, r,
			    times[i].name, when);
		}
	}
	return err;
}

/*
 * Fills prefix.N.* with phone-line calls: of the caller with this mobile
 * (by = TW_IVR_BY_CALLER), of case number key (TW_IVR_BY_CASE), or the
 * last 30 days with open missed calls first (TW_IVR_ALL, key NULL).
 */
enum tw_err
tw_ivr_calls_fill(struct tw_db *db, enum tw_ivr_by by, const char *key,
    const char *tz, HDF *out, const char *prefix)
{
	static const enum ivr_stmt which[] = { SQL_CALLS_OF_CUSTOMER,
		SQL_CALLS_OF_CASE, SQL_CALLS_LIST };
	struct tw_param p[] = { TW_P_STR(key) };
	struct tw_rows *rows;
	enum tw_err err;

	if ((err = tw_db_query(db, &stmts[which[by]], p,
	         by == TW_IVR_ALL ? 0 : 1, &rows)) != TW_OK)
		return err;
	err = calls_to_hdf(rows, tz, out, prefix);
	tw_rows_free(rows);
	return err;
}

/* Fills prefix.N.Outcome and prefix.N.Count with the calls of the last
 * 30 days per outcome, the most frequent first. */
enum tw_err
tw_ivr_calls_summary(struct tw_db *db, HDF *out, const char *prefix)
{
	const char *names[] = { "Outcome", "Count" };
	struct tw_rows *rows;
	enum tw_err err;

	if ((err = tw_db_query(db, &stmts[SQL_CALLS_SUMMARY], NULL, 0,
	         &rows)) != TW_OK)
		return err;
	err = tw_rows_to_hdf(rows, out, prefix, names);
	tw_rows_free(rows);
	return err;
}
