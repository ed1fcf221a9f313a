/*
 * cases.c: creating a case and reading it back for its resident.
 *
 * A new case, its customer, its first history events and the SMS that
 * tells the resident its number are written in one transaction: either
 * all of them exist or none does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tawasul.h"

enum cases_stmt {
	SQL_CATEGORY_BY_CODE,
	SQL_WILAYAT_BY_CODE,
	SQL_CUSTOMER_UPSERT,
	SQL_CASE_INSERT,
	SQL_CASE_SET_NUMBER,
	SQL_CASE_BY_FORM_TOKEN,
	SQL_CASE_TRACK,
	SQL_EVENT_INSERT,
	SQL_EVENTS_PUBLIC,
	SQL_OUTBOX_INSERT,
	SQL_MAX
};

/* clang-format off */
static struct tw_stmt stmts[SQL_MAX] = {
	[SQL_CATEGORY_BY_CODE] = {
	    "SELECT id, directorate_id, priority, sla_hours FROM categories"
	    " WHERE code = ? AND active = 1"},
	[SQL_WILAYAT_BY_CODE] = {
	    "SELECT id FROM wilayats WHERE code = ?"},
	[SQL_CUSTOMER_UPSERT] = {
	    "INSERT INTO customers (mobile, name, email, lang, created_at,"
	    " updated_at) VALUES (?, ?, ?, ?, UTC_TIMESTAMP(), UTC_TIMESTAMP())"
	    " ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id),"
	    " name = COALESCE(name, VALUES(name)),"
	    " email = COALESCE(email, VALUES(email)),"
	    " updated_at = UTC_TIMESTAMP()"},
	[SQL_CASE_INSERT] = {
	    "INSERT INTO cases (type, channel, status, priority, category_id,"
	    " directorate_id, wilayat_id, customer_id, contact_name, lang,"
	    " location, lat, lon,"
	    " description, form_token, registered_by, created_at, updated_at,"
	    " due_at) VALUES (?, ?, 'registered', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
	    " ?, ?,"
	    " ?, ?, ?)"},
	[SQL_CASE_SET_NUMBER] = {
	    "UPDATE cases SET number = ? WHERE id = ?"},
	[SQL_CASE_BY_FORM_TOKEN] = {
	    "SELECT c.number, c.description, u.mobile FROM cases c"
	    " JOIN customers u ON u.id = c.customer_id"
	    " WHERE c.form_token = ?"},
	[SQL_CASE_TRACK] = {
	    "SELECT c.id, c.number, c.status, c.type, c.created_at,"
	    " c.updated_at, k.name_ar, k.name_en, w.name_ar, w.name_en"
	    " FROM cases c JOIN customers u ON u.id = c.customer_id"
	    " JOIN categories k ON k.id = c.category_id"
	    " LEFT JOIN wilayats w ON w.id = c.wilayat_id"
	    " WHERE c.number = ? AND u.mobile = ?"},
	[SQL_EVENT_INSERT] = {
	    "INSERT INTO case_events (case_id, at, kind, from_status,"
	    " to_status, actor_kind, actor_id, channel, is_public, note)"
	    " VALUES (?, UTC_TIMESTAMP(3), ?, ?, ?, ?, ?, ?, ?, ?)"},
	[SQL_EVENTS_PUBLIC] = {
	    "SELECT at, kind, to_status, note FROM case_events"
	    " WHERE case_id = ? AND is_public = 1 ORDER BY id"},
	[SQL_OUTBOX_INSERT] = {
	    "INSERT INTO sms_outbox (case_id, customer_id, to_number, lang,"
	    " kind, body, status, created_at, next_attempt_at)"
	    " VALUES (?, ?, ?, ?, ?, ?, 'queued', UTC_TIMESTAMP(3),"
	    " UTC_TIMESTAMP())"},
};
/* clang-format on */

/* What the category decides for a new case. */
struct category_rules {
	long long id;
	long long directorate_id;
	char priority[16];
	long long sla_hours;
};

/* Looks up an active category. Returns TW_ERR_INPUT when unknown. */
static enum tw_err
category_rules(struct tw_db *db, const char *code, struct category_rules *out)
{
	struct tw_param p[] = { TW_P_STR(code) };
	struct tw_rows *rows;
	enum tw_err err;

	if ((err = tw_db_query(db, &stmts[SQL_CATEGORY_BY_CODE], p, 1,
	         &rows)) != TW_OK)
		return err;
	if (rows->nrows != 1) {
		tw_rows_free(rows);
		return TW_ERR_INPUT;
	}
	out->id = atoll(tw_rows_get(rows, 0, 0));
	out->directorate_id = atoll(tw_rows_get(rows, 0, 1));
	snprintf(out->priority, sizeof out->priority, "%s",
	    tw_rows_get(rows, 0, 2));
	out->sla_hours = atoll(tw_rows_get(rows, 0, 3));
	tw_rows_free(rows);
	return TW_OK;
}

/* Looks up a wilayat's id. Returns TW_ERR_INPUT when unknown. */
static enum tw_err
wilayat_id(struct tw_db *db, const char *code, long long *out)
{
	struct tw_param p[] = { TW_P_STR(code) };
	struct tw_rows *rows;
	enum tw_err err;

	if ((err = tw_db_query(db, &stmts[SQL_WILAYAT_BY_CODE], p, 1, &rows)) !=
	    TW_OK)
		return err;
	err = rows->nrows == 1 ? TW_OK : TW_ERR_INPUT;
	if (err == TW_OK)
		*out = atoll(tw_rows_get(rows, 0, 0));
	tw_rows_free(rows);
	return err;
}

/*
 * Appends one event to a case's history. A state change (from is not
 * TW_STATE_MAX) is checked against the lifecycle table first and
 * returns TW_ERR_CONFLICT when it is not allowed.
 */
enum tw_err
tw_event_add(struct tw_db *db, unsigned long long case_id,
    const struct tw_event *ev)
{
	int changes = ev->from != TW_STATE_MAX;
	struct tw_param p[] = {
		TW_P_INT((long long)case_id),
		TW_P_STR(ev->kind),
		changes ? TW_P_STR(tw_state_name(ev->from)) : TW_P_NULL,
		ev->to != TW_STATE_MAX ? TW_P_STR(tw_state_name(ev->to))
		                       : TW_P_NULL,
		TW_P_STR(ev->actor_kind),
		ev->actor_id > 0 ? TW_P_INT(ev->actor_id) : TW_P_NULL,
		TW_P_STR(ev->channel),
		TW_P_INT(ev->is_public),
		TW_P_STR(ev->note),
	};

	if (changes && !tw_state_can_move(ev->from, ev->to))
		return TW_ERR_CONFLICT;
	return tw_db_exec(db, &stmts[SQL_EVENT_INSERT], p, 9, NULL);
}

/* Queues an SMS; it is sent only if the caller's transaction commits. */
enum tw_err
tw_sms_queue(struct tw_db *db, const struct tw_sms *sms)
{
	struct tw_param p[] = {
		sms->case_id > 0 ? TW_P_INT(sms->case_id) : TW_P_NULL,
		sms->customer_id > 0 ? TW_P_INT(sms->customer_id) : TW_P_NULL,
		TW_P_STR(sms->to),
		TW_P_STR(tw_lang_code(sms->lang)),
		TW_P_STR(sms->kind),
		TW_P_STR(sms->body),
	};

	return tw_db_exec(db, &stmts[SQL_OUTBOX_INSERT], p, 6, NULL);
}

/* Queues the SMS that gives the resident the case number. */
static enum tw_err
queue_receipt(struct tw_db *db, HDF *strings, unsigned long long case_id,
    unsigned long long customer_id, const struct tw_case_new *c,
    const char *number)
{
	struct tw_sms sms = { (long long)case_id, (long long)customer_id,
		c->mobile, c->lang, "case_received", NULL };
	char *body;
	enum tw_err err;

	body =
	    tw_str_replace(tw_string(strings,
	                       c->type != NULL &&
	                               strcmp(c->type, "service_request") == 0
	                           ? "Sms.RequestReceived"
	                           : "Sms.CaseReceived"),
	        "{number}", number);
	if (body == NULL)
		return TW_ERR_NOMEM;
	sms.body = body;
	err = tw_sms_queue(db, &sms);
	free(body);
	return err;
}

/* Sets the creation time from the database's clock and the due time
 * from the category's SLA in working hours (wall clock when urgent). */
static enum tw_err
case_times(struct tw_db *db, const struct category_rules *rules,
    char created[20], char due[20])
{
	time_t now, at;
	enum tw_err err;

	if ((err = tw_sla_db_now(db, &now)) != TW_OK ||
	    (err = tw_sla_case_due(db, now, rules->sla_hours,
	         tw_sla_continuous(rules->priority, 0), &at)) != TW_OK)
		return err;
	tw_sla_format(now, created);
	tw_sla_format(at, due);
	return TW_OK;
}

/* Inserts the case row; returns its id through case_id. */
static enum tw_err
insert_case(struct tw_db *db, const struct tw_case_new *c,
    const struct category_rules *rules, long long wilayat,
    unsigned long long customer_id, unsigned long long *case_id)
{
	char created[20], due[20];
	enum tw_err err;

	if ((err = case_times(db, rules, created, due)) != TW_OK)
		return err;
	struct tw_param p[] = {
		TW_P_STR(c->type),
		TW_P_STR(c->channel),
		TW_P_STR(rules->priority),
		TW_P_INT(rules->id),
		TW_P_INT(rules->directorate_id),
		wilayat > 0 ? TW_P_INT(wilayat) : TW_P_NULL,
		TW_P_INT((long long)customer_id),
		TW_P_STR(c->name),
		TW_P_STR(tw_lang_code(c->lang)),
		TW_P_STR(c->location),
		c->lat ? TW_P_DOUBLE(*c->lat) : TW_P_NULL,
		c->lon ? TW_P_DOUBLE(*c->lon) : TW_P_NULL,
		TW_P_STR(c->description),
		TW_P_STR(c->form_token),
		c->registered_by > 0 ? TW_P_INT(c->registered_by) : TW_P_NULL,
		TW_P_STR(created),
		TW_P_STR(created),
		TW_P_STR(due),
	};

	return tw_db_exec(db, &stmts[SQL_CASE_INSERT], p, 18, case_id);
}

/*
 * Finds the case an earlier post of the same form made. Returns
 * TW_ERR_DUPLICATE with its number when the post repeats it (same
 * description and mobile: a double click or a retry), TW_ERR_CONFLICT
 * with its number when the form was reused for another message, which
 * the caller must not drop, or TW_ERR_DB.
 */
static enum tw_err
number_by_form_token(struct tw_db *db, const struct tw_case_new *c,
    char number[TW_CASENUM_LEN + 1])
{
	struct tw_param p[] = { TW_P_STR(c->form_token) };
	struct tw_rows *rows;
	enum tw_err err;

	if ((err = tw_db_query(db, &stmts[SQL_CASE_BY_FORM_TOKEN], p, 1,
	         &rows)) != TW_OK)
		return err;
	if (rows->nrows != 1 || tw_rows_get(rows, 0, 0) == NULL) {
		tw_rows_free(rows);
		return TW_ERR_DB;
	}
	snprintf(number, TW_CASENUM_LEN + 1, "%s", tw_rows_get(rows, 0, 0));
	err = strcmp(tw_rows_get(rows, 0, 1), c->description) == 0 &&
	        strcmp(tw_rows_get(rows, 0, 2), c->mobile) == 0
	    ? TW_ERR_DUPLICATE
	    : TW_ERR_CONFLICT;
	tw_rows_free(rows);
	return err;
}

/* Writes the customer, the case, its events and its SMS; no commit. */
static enum tw_err
write_case(struct tw_db *db, HDF *strings, const struct tw_case_new *c,
    const struct category_rules *rules, long long wilayat,
    char number[TW_CASENUM_LEN + 1], unsigned long long *out_id)
{
	unsigned long long customer_id, case_id;
	enum tw_err err;
	struct tw_param who[] = {
		TW_P_STR(c->mobile),
		TW_P_STR(c->name),
		TW_P_STR(c->email),
		TW_P_STR(tw_lang_code(c->lang)),
	};

	if ((err = tw_db_exec(db, &stmts[SQL_CUSTOMER_UPSERT], who, 4,
	         &customer_id)) != TW_OK ||
	    (err = insert_case(db, c, rules, wilayat, customer_id, &case_id)) !=
	        TW_OK ||
	    (err = tw_casenum_make((long long)case_id, number)) != TW_OK)
		return err;
	*out_id = case_id;
	struct tw_param num[] = { TW_P_STR(number),
		TW_P_INT((long long)case_id) };
	if ((err = tw_db_exec(db, &stmts[SQL_CASE_SET_NUMBER], num, 2, NULL)) !=
	    TW_OK)
		return err;
	struct tw_event created = { "created", TW_STATE_MAX, TW_STATE_NEW,
		c->registered_by ? "staff" : "resident", c->registered_by,
		c->channel, 1, NULL };
	struct tw_event registered = { "registered", TW_STATE_NEW,
		TW_STATE_REGISTERED, "system", 0, c->channel, 1, NULL };
	err = tw_event_add(db, case_id, &created);
	if (err == TW_OK)
		err = tw_event_add(db, case_id, &registered);
	if (err == TW_OK)
		err =
		    queue_receipt(db, strings, case_id, customer_id, c, number);
	return err;
}

/*
 * Creates a case like tw_case_create, inside the caller's transaction,
 * which the caller commits on TW_OK and rolls back on any error. A NULL
 * c->wilayat leaves the wilayat unknown. On TW_OK number and *case_id
 * identify the new case. Returns TW_ERR_DUPLICATE when the form token
 * was already used, TW_ERR_INPUT for an unknown category or wilayat, or
 * TW_ERR_DB.
 */
enum tw_err
tw_case_write(struct tw_db *db, HDF *strings, const struct tw_case_new *c,
    char number[TW_CASENUM_LEN + 1], unsigned long long *case_id)
{
	struct category_rules rules;
	long long wilayat = 0;
	enum tw_err err;

	if ((err = category_rules(db, c->category, &rules)) != TW_OK ||
	    (c->wilayat != NULL &&
	        (err = wilayat_id(db, c->wilayat, &wilayat)) != TW_OK))
		return err;
	return write_case(db, strings, c, &rules, wilayat, number, case_id);
}

/*
 * Creates a registered case routed to its category's directorate, with
 * the receipt SMS queued in the resident's language (strings). On TW_OK
 * number is the new case number. Returns TW_ERR_DUPLICATE with the
 * earlier number when the same form was posted again, TW_ERR_CONFLICT
 * with it when the form's token was reused for a different message,
 * TW_ERR_INPUT for an unknown category or wilayat, or TW_ERR_DB.
 */
enum tw_err
tw_case_create(struct tw_db *db, HDF *strings, const struct tw_case_new *c,
    char number[TW_CASENUM_LEN + 1])
{
	unsigned long long case_id;
	enum tw_err err;

	if ((err = tw_db_begin(db)) != TW_OK)
		return err;
	err = tw_case_write(db, strings, c, number, &case_id);
	if (err == TW_OK)
		return tw_db_commit(db);
	tw_db_rollback(db);
	if (err == TW_ERR_DUPLICATE && c->form_token != NULL)
		return number_by_form_token(db, c, number);
	return err;
}

/*
 * Finds the case that an earlier post of the same form created, for a
 * caller whose own transaction found the form token used; returns like
 * number_by_form_token.
 */
enum tw_err
tw_case_by_form_token(struct tw_db *db, const struct tw_case_new *c,
    char number[TW_CASENUM_LEN + 1])
{
	return number_by_form_token(db, c, number);
}

/* Copies the public history of a case into Case.Events.N.* */
static enum tw_err
fill_events(struct tw_db *db, const char *case_id, const char *tz, HDF *out)
{
	struct tw_param p[] = { TW_P_INT(atoll(case_id)) };
	const char *names[] = { NULL, "Kind", "Status", "Note" };
	struct tw_rows *rows;
	char when[32];
	enum tw_err err;

	if ((err = tw_db_query(db, &stmts[SQL_EVENTS_PUBLIC], p, 1, &rows)) !=
	    TW_OK)
		return err;
	err = tw_rows_to_hdf(rows, out, "Case.Events", names);
	for (size_t r = 0; err == TW_OK && r < rows->nrows; r++) {
		tw_time_display(tw_rows_get(rows, r, 0), tz, when, sizeof when);
		hdf_set_valuef(out, "Case.Events.%zu.At=%s", r, when);
	}
	tw_rows_free(rows);
	return err;
}

/*
 * Fills Case.* with what a resident may see of case number when mobile
 * is the number registered on it. Returns TW_ERR_NOTFOUND both when the
 * case does not exist and when the mobile differs, so the answer does
 * not reveal which.
 */
enum tw_err
tw_case_track(struct tw_db *db, const char *number, const char *mobile,
    enum tw_lang lang, const char *tz, HDF *out)
{
	struct tw_param p[] = { TW_P_STR(number), TW_P_STR(mobile) };
	const char *names[] = { NULL, "Number", "Status", "Type", NULL, NULL,
		NULL, NULL, NULL, NULL };
	struct tw_rows *rows;
	char when[32];
	enum tw_err err;

	if ((err = tw_db_query(db, &stmts[SQL_CASE_TRACK], p, 2, &rows)) !=
	    TW_OK)
		return err;
	if (rows->nrows != 1) {
		tw_rows_free(rows);
		return TW_ERR_NOTFOUND;
	}
	names[lang == TW_LANG_AR ? 6 : 7] = "Category";
	names[lang == TW_LANG_AR ? 8 : 9] = "Wilayat";
	err = tw_rows_to_hdf(rows, out, "Track", names);
	if (err == TW_OK)
		err = hdf_copy(out, "Case", hdf_get_obj(out, "Track.0")) ==
		        STATUS_OK
		    ? TW_OK
		    : TW_ERR_NOMEM;
	hdf_remove_tree(out, "Track");
	tw_time_display(tw_rows_get(rows, 0, 4), tz, when, sizeof when);
	hdf_set_value(out, "Case.Created", when);
	tw_time_display(tw_rows_get(rows, 0, 5), tz, when, sizeof when);
	hdf_set_value(out, "Case.Updated", when);
	if (err == TW_OK)
		err = fill_events(db, tw_rows_get(rows, 0, 0), tz, out);
	tw_rows_free(rows);
	return err;
}
