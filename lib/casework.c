/*
 * casework.c: the intranet's work on one case: the case page, the
 * actions of the three lines, and the caller's profile.
 *
 * Every action runs in one transaction: it locks the case row, checks
 * the version the person saw, the permission table and the lifecycle
 * table, changes the row, appends the event and queues any SMS. A
 * version that moved on means another person changed the case first;
 * the action then changes nothing and reports a conflict.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tawasul.h"

enum casework_stmt {
	SQL_CASE_LOCK,
	SQL_CASE_DETAIL,
	SQL_CASE_EVENTS,
	SQL_SET_STATUS,
	SQL_SET_ROUTE,
	SQL_SET_ASSIGN,
	SQL_SET_DUPLICATE,
	SQL_SET_PRIORITY,
	SQL_SET_CATEGORY,
	SQL_DIRECTORATE_BY_CODE,
	SQL_STAFF_BY_USERNAME,
	SQL_STAFF_OF_DIRECTORATE,
	SQL_CATEGORY_BY_CODE,
	SQL_CASE_BY_NUMBER,
	SQL_CUSTOMER_BY_MOBILE,
	SQL_CUSTOMER_CASES,
	SQL_CASE_BRIEF,
	SQL_CASE_CLOCK,
	SQL_CASE_PAUSE,
	SQL_CASE_RESUME,
	SQL_MAX
};

#define OPEN_STATES                                                            \
	"('new', 'registered', 'assigned', 'in_progress', 'reopened',"         \
	" 'referred')"

/* clang-format off */
static struct tw_stmt stmts[SQL_MAX] = {
	[SQL_CASE_LOCK] = {
	    "SELECT c.id, c.status, c.version, c.directorate_id,"
	    " c.customer_id, u.mobile, c.lang, c.number"
	    " FROM cases c JOIN customers u ON u.id = c.customer_id"
	    " WHERE c.number = ? FOR UPDATE"},
	[SQL_CASE_DETAIL] = {
	    "SELECT c.id, c.number, c.status, c.type, c.channel, c.priority,"
	    " c.created_at, c.updated_at, c.due_at, c.location, c.lat, c.lon,"
	    " c.description, c.version, c.directorate_id, d.code, d.name_ar,"
	    " d.name_en, k.code, k.name_ar, k.name_en, w.name_ar, w.name_en,"
	    " u.mobile, COALESCE(c.contact_name, u.name), u.email,"
	    " a.display_name, o.number,"
	    " c.due_at < UTC_TIMESTAMP() AND c.status IN " OPEN_STATES ","
	    " TIMESTAMPDIFF(MINUTE, c.due_at, UTC_TIMESTAMP()), c.lang,"
	    " (SELECT MAX(e.level) FROM case_escalations e"
	    " WHERE e.case_id = c.id)"
	    " FROM cases c JOIN directorates d ON d.id = c.directorate_id"
	    " JOIN categories k ON k.id = c.category_id"
	    " JOIN customers u ON u.id = c.customer_id"
	    " LEFT JOIN wilayats w ON w.id = c.wilayat_id"
	    " LEFT JOIN staff a ON a.id = c.assigned_staff_id"
	    " LEFT JOIN cases o ON o.id = c.duplicate_of"
	    " WHERE c.number = ?"},
	[SQL_CASE_EVENTS] = {
	    "SELECT e.at, e.kind, e.from_status, e.to_status, e.actor_kind,"
	    " s.display_name, e.channel, e.is_public, e.note"
	    " FROM case_events e LEFT JOIN staff s ON s.id = e.actor_id"
	    " WHERE e.case_id = ? ORDER BY e.id"},
	[SQL_SET_STATUS] = {
	    "UPDATE cases SET status = ?, updated_at = UTC_TIMESTAMP(),"
	    " version = version + 1 WHERE id = ? AND version = ?"},
	[SQL_SET_ROUTE] = {
	    "UPDATE cases SET status = 'registered', directorate_id = ?,"
	    " assigned_staff_id = NULL, updated_at = UTC_TIMESTAMP(),"
	    " version = version + 1 WHERE id = ? AND version = ?"},
	[SQL_SET_ASSIGN] = {
	    "UPDATE cases SET status = 'assigned', assigned_staff_id = ?,"
	    " updated_at = UTC_TIMESTAMP(), version = version + 1"
	    " WHERE id = ? AND version = ?"},
	[SQL_SET_DUPLICATE] = {
	    "UPDATE cases SET status = 'rejected', duplicate_of = ?,"
	    " updated_at = UTC_TIMESTAMP(), version = version + 1"
	    " WHERE id = ? AND version = ?"},
	[SQL_SET_PRIORITY] = {
	    "UPDATE cases SET priority = ?, updated_at = UTC_TIMESTAMP(),"
	    " version = version + 1 WHERE id = ? AND version = ?"},
	[SQL_SET_CATEGORY] = {
	    "UPDATE cases SET category_id = ?,"
	    " due_at = ?,"
	    " updated_at = UTC_TIMESTAMP(), version = version + 1"
	    " WHERE id = ? AND version = ?"},
	[SQL_DIRECTORATE_BY_CODE] = {
	    "SELECT id FROM directorates WHERE code = ? AND active = 1"},
	[SQL_STAFF_BY_USERNAME] = {
	    "SELECT id, role, directorate_id, mobile, lang FROM staff"
	    " WHERE username = ? AND active = 1"},
	[SQL_STAFF_OF_DIRECTORATE] = {
	    "SELECT username, display_name, role FROM staff"
	    " WHERE directorate_id = ? AND active = 1"
	    " AND role IN ('officer', 'head', 'field')"
	    " ORDER BY role, display_name"},
	[SQL_CATEGORY_BY_CODE] = {
	    "SELECT id, sla_hours, priority FROM categories"
	    " WHERE code = ? AND active = 1"},
	[SQL_CASE_BY_NUMBER] = {
	    "SELECT id, duplicate_of, directorate_id FROM cases"
	    " WHERE number = ?"},
	[SQL_CUSTOMER_BY_MOBILE] = {
	    "SELECT id, mobile, name, email, lang, created_at FROM customers"
	    " WHERE mobile = ?"},
	[SQL_CUSTOMER_CASES] = {
	    "SELECT c.number, c.status, c.type, c.created_at, k.name_ar,"
	    " k.name_en FROM cases c JOIN categories k ON k.id = c.category_id"
	    " WHERE c.customer_id = ? ORDER BY c.created_at DESC, c.id DESC"
	    " LIMIT 200"},
	[SQL_CASE_BRIEF] = {
	    "SELECT k.name_ar, k.name_en, w.name_ar, w.name_en, c.location,"
	    " c.description FROM cases c"
	    " JOIN categories k ON k.id = c.category_id"
	    " LEFT JOIN wilayats w ON w.id = c.wilayat_id WHERE c.id = ?"},
	[SQL_CASE_CLOCK] = {
	    "SELECT TIMESTAMPDIFF(SECOND, '1970-01-01', c.created_at),"
	    " TIMESTAMPDIFF(SECOND, '1970-01-01', c.due_at),"
	    " TIMESTAMPDIFF(SECOND, '1970-01-01', c.paused_at),"
	    " TIMESTAMPDIFF(SECOND, '1970-01-01', UTC_TIMESTAMP()), k.priority"
	    " FROM cases c JOIN categories k ON k.id = c.category_id"
	    " WHERE c.id = ?"},
	[SQL_CASE_PAUSE] = {
	    "UPDATE cases SET paused_at = ? WHERE id = ? AND paused_at IS NULL"},
	[SQL_CASE_RESUME] = {
	    "UPDATE cases SET due_at = ?, paused_at = NULL WHERE id = ?"},
};
/* clang-format on */

static const struct {
	const char *name;
	enum tw_action action;
} action_names[] = {
	{ "route", TW_ACT_ROUTE },
	{ "assign", TW_ACT_ASSIGN },
	{ "start", TW_ACT_START },
	{ "resolve", TW_ACT_RESOLVE },
	{ "confirm", TW_ACT_CONFIRM },
	{ "reopen", TW_ACT_REOPEN },
	{ "reject", TW_ACT_REJECT },
	{ "duplicate", TW_ACT_DUPLICATE },
	{ "priority", TW_ACT_PRIORITY },
	{ "category", TW_ACT_CATEGORY },
	{ "note", TW_ACT_NOTE },
	{ "reply", TW_ACT_REPLY },
	{ "refer", TW_ACT_REFER },
	{ "resume", TW_ACT_RESUME },
};

#define NACTIONS (sizeof action_names / sizeof action_names[0])

/* Actions that only field staff's SMS commands take, never the case
 * page; their names are the kinds of their events. */
static const struct {
	const char *name;
	enum tw_action action;
} sms_action_names[] = {
	{ "help", TW_ACT_HELP },
};

/* Reads an action name of the case page. Returns TW_OK or TW_ERR_INPUT. */
enum tw_err
tw_action_parse(const char *name, enum tw_action *action)
{
	for (size_t i = 0; name != NULL && i < NACTIONS; i++)
		if (strcmp(name, action_names[i].name) == 0) {
			*action = action_names[i].action;
			return TW_OK;
		}
	return TW_ERR_INPUT;
}

/*
 * The state an action moves a case to; TW_STATE_MAX when it keeps it.
 * Resume takes a referred case back as registered, never straight to
 * its former assignee, because the lifecycle allows only registered or
 * resolved after referred. The case is then assigned again as usual.
 */
static enum tw_state
action_target(enum tw_action action)
{
	switch (action) {
	case TW_ACT_ROUTE:
	case TW_ACT_RESUME:
		return TW_STATE_REGISTERED;
	case TW_ACT_REFER:
		return TW_STATE_REFERRED;
	case TW_ACT_ASSIGN:
		return TW_STATE_ASSIGNED;
	case TW_ACT_START:
		return TW_STATE_IN_PROGRESS;
	case TW_ACT_RESOLVE:
		return TW_STATE_RESOLVED;
	case TW_ACT_CONFIRM:
		return TW_STATE_CLOSED;
	case TW_ACT_REOPEN:
		return TW_STATE_REOPENED;
	case TW_ACT_REJECT:
	case TW_ACT_DUPLICATE:
		return TW_STATE_REJECTED;
	default:
		return TW_STATE_MAX;
	}
}

/*
 * Returns 1 when staff may take action on a case in state from, owned
 * by directorate case_dir: the permission table and the lifecycle table
 * must both allow it.
 */
int
tw_action_allowed(const struct tw_staff *staff, enum tw_action action,
    enum tw_state from, long long case_dir)
{
	enum tw_state to = action_target(action);

	if (!tw_can(staff, action, case_dir))
		return 0;
	/* The lifecycle lets a registered case stay registered (a new
	 * routing), but only a referred case can be taken back. */
	if (action == TW_ACT_RESUME && from != TW_STATE_REFERRED)
		return 0;
	return to == TW_STATE_MAX || tw_state_can_move(from, to);
}

/* The locked row of the case an action works on. */
struct locked_case {
	long long id;
	enum tw_state status;
	long long version;
	long long directorate_id;
	long long customer_id;
	char mobile[16];
	enum tw_lang lang;
	char number[TW_CASENUM_LEN + 1];
};

/* Locks a case row for the transaction. TW_ERR_NOTFOUND when missing. */
static enum tw_err
lock_case(struct tw_db *db, const char *number, struct locked_case *c)
{
	struct tw_param p[] = { TW_P_STR(number) };
	struct tw_rows *rows;
	enum tw_err err;

	if ((err = tw_db_query(db, &stmts[SQL_CASE_LOCK], p, 1, &rows)) !=
	    TW_OK)
		return err;
	if (rows->nrows != 1) {
		tw_rows_free(rows);
		return TW_ERR_NOTFOUND;
	}
	c->id = atoll(tw_rows_get(rows, 0, 0));
	if (tw_state_parse(tw_rows_get(rows, 0, 1), &c->status) != TW_OK)
		c->status = TW_STATE_NEW;
	c->version = atoll(tw_rows_get(rows, 0, 2));
	c->directorate_id = atoll(tw_rows_get(rows, 0, 3));
	c->customer_id = atoll(tw_rows_get(rows, 0, 4));
	snprintf(c->mobile, sizeof c->mobile, "%s", tw_rows_get(rows, 0, 5));
	if (tw_lang_parse(tw_rows_get(rows, 0, 6), &c->lang) != TW_OK)
		c->lang = TW_LANG_AR;
	snprintf(c->number, sizeof c->number, "%s", tw_rows_get(rows, 0, 7));
	tw_rows_free(rows);
	return TW_OK;
}

/* Runs an UPDATE guarded by the version; TW_ERR_CONFLICT when stale. */
static enum tw_err
update_case(struct tw_db *db, enum casework_stmt which,
    const struct tw_param *p, size_t n)
{
	enum tw_err err;

	if ((err = tw_db_exec(db, &stmts[which], p, n, NULL)) != TW_OK)
		return err;
	return tw_db_affected(db) == 1 ? TW_OK : TW_ERR_CONFLICT;
}

/* Looks up one id by a code or number; TW_ERR_INPUT when not found. */
static enum tw_err
lookup_id(struct tw_db *db, enum casework_stmt which, const char *key,
    long long *id, struct tw_rows **keep)
{
	struct tw_param p[] = { TW_P_STR(key) };
	struct tw_rows *rows;
	enum tw_err err;

	if (key == NULL)
		return TW_ERR_INPUT;
	if ((err = tw_db_query(db, &stmts[which], p, 1, &rows)) != TW_OK)
		return err;
	if (rows->nrows != 1) {
		tw_rows_free(rows);
		return TW_ERR_INPUT;
	}
	*id = atoll(tw_rows_get(rows, 0, 0));
	if (keep != NULL)
		*keep = rows;
	else
		tw_rows_free(rows);
	return TW_OK;
}

/* Queues an SMS to the resident with L.Sms.<key> of their language. */
static enum tw_err
notify_resident(struct tw_db *db, HDF *strings[TW_LANG_MAX],
    const struct locked_case *c, const char *kind, const char *key,
    const char *text)
{
	char *with_number, *body;
	enum tw_err err;

	with_number = tw_str_replace(tw_string(strings[c->lang], key),
	    "{number}", c->number);
	if (with_number == NULL)
		return TW_ERR_NOMEM;
	body = tw_str_replace(with_number, "{text}", text ? text : "");
	free(with_number);
	if (body == NULL)
		return TW_ERR_NOMEM;
	struct tw_sms sms = { c->id, c->customer_id, c->mobile, c->lang, kind,
		body };
	err = tw_sms_queue(db, &sms);
	free(body);
	return err;
}

/*
 * Starts the survey of this resolution and queues one SMS to the
 * resident: Sms.Resolved with the resolution, then Sms.SurveyLink with
 * the link, in their language.
 */
static enum tw_err
notify_resolved(struct tw_db *db, HDF *strings[TW_LANG_MAX],
    const struct locked_case *c, const char *note)
{
	char url[TW_SURVEY_URL_MAX];
	char *with_number, *resolved = NULL, *link = NULL;
	STRING body;
	enum tw_err err;

	if ((err = tw_survey_start(db, c->id, c->lang, url)) != TW_OK)
		return err;
	with_number =
	    tw_str_replace(tw_string(strings[c->lang], "Sms.Resolved"),
	        "{number}", c->number);
	if (with_number != NULL)
		resolved = tw_str_replace(with_number, "{text}", note);
	link = tw_survey_sms_text(strings[c->lang], "Sms.SurveyLink", c->number,
	    url);
	string_init(&body);
	err = TW_ERR_NOMEM;
	if (resolved != NULL && link != NULL &&
	    string_appendf(&body, "%s %s", resolved, link) == STATUS_OK) {
		struct tw_sms sms = { c->id, c->customer_id, c->mobile, c->lang,
			"case_resolved", body.buf };
		err = tw_sms_queue(db, &sms);
	}
	string_clear(&body);
	free(with_number);
	free(resolved);
	free(link);
	return err;
}

/* Characters of the location and of the description that the SMS to
 * assigned field staff carries, so it stays within a few segments. */
#define BRIEF_LOCATION_MAX    60
#define BRIEF_DESCRIPTION_MAX 80

/*
 * Returns a one-line copy of text cut to at most max characters, at the
 * last space when there is one, with "..." after a cut. The caller frees
 * it; NULL when out of memory.
 */
static char *
text_start(const char *text, size_t max)
{
	char *line = tw_text_clean(text, 0), *out;
	size_t chars = 0, i, cut = 0;

	if (line == NULL)
		return NULL;
	for (i = 0; line[i] != '\0'; i++) {
		if (((unsigned char)line[i] & 0xc0) == 0x80)
			continue;
		if (chars == max)
			break;
		if (line[i] == ' ')
			cut = i;
		chars++;
	}
	if (line[i] == '\0')
		return line;
	if (cut == 0)
		cut = i;
	if ((out = malloc(cut + 4)) != NULL) {
		memcpy(out, line, cut);
		strcpy(out + cut, "...");
	}
	free(line);
	return out;
}

/* Appends value to where, after Sms.Comma when where is not empty. */
static void
add_place(STRING *where, HDF *strings, const char *value)
{
	if (value == NULL || *value == '\0')
		return;
	if (where->len > 0)
		string_appendf(where, "%s ", tw_string(strings, "Sms.Comma"));
	string_append(where, value);
}

/* Returns Sms.FieldAssigned with its placeholders filled; caller frees. */
static char *
fill_field_assigned(HDF *strings, const char *number, const char *where,
    const char *description)
{
	char *with_number, *with_where, *body = NULL;

	with_number = tw_str_replace(tw_string(strings, "Sms.FieldAssigned"),
	    "{number}", number);
	if (with_number == NULL)
		return NULL;
	with_where = tw_str_replace(with_number, "{where}", where);
	if (with_where != NULL)
		body = tw_str_replace(with_where, "{description}", description);
	free(with_number);
	free(with_where);
	return body;
}

/*
 * Writes the SMS body that informs field staff of an assignment: the case
 * number, category, wilayat, the start of the location and of the
 * description, in the language of strings. The caller frees *body.
 */
static enum tw_err
field_assigned_body(struct tw_db *db, HDF *strings, enum tw_lang lang,
    const struct locked_case *c, char **body)
{
	struct tw_param p[] = { TW_P_INT(c->id) };
	const int ar = lang == TW_LANG_AR;
	char *location = NULL, *description = NULL;
	struct tw_rows *rows;
	STRING where;
	enum tw_err err;

	*body = NULL;
	if ((err = tw_db_query(db, &stmts[SQL_CASE_BRIEF], p, 1, &rows)) !=
	    TW_OK)
		return err;
	string_init(&where);
	err = TW_ERR_NOMEM;
	if (rows->nrows != 1)
		goto err;
	location =
	    text_start(tw_rows_get(rows, 0, 4) ? tw_rows_get(rows, 0, 4) : "",
	        BRIEF_LOCATION_MAX);
	description =
	    text_start(tw_rows_get(rows, 0, 5), BRIEF_DESCRIPTION_MAX);
	if (location == NULL || description == NULL)
		goto err;
	add_place(&where, strings, tw_rows_get(rows, 0, ar ? 0 : 1));
	add_place(&where, strings, tw_rows_get(rows, 0, ar ? 2 : 3));
	add_place(&where, strings, location);
	*body = fill_field_assigned(strings, c->number,
	    where.buf ? where.buf : "", description);
	err = *body != NULL ? TW_OK : TW_ERR_NOMEM;
err:
	string_clear(&where);
	free(location);
	free(description);
	tw_rows_free(rows);
	return err;
}

/* Assigns the case to an officer or field staff of its directorate. */
static enum tw_err
do_assign(struct tw_db *db, HDF *strings[TW_LANG_MAX],
    const struct locked_case *c, const struct tw_action_input *in)
{
	struct tw_rows *rows = NULL;
	long long staff_id;
	const char *role, *dir, *mobile;
	enum tw_err err;

	if ((err = lookup_id(db, SQL_STAFF_BY_USERNAME, in->value, &staff_id,
	         &rows)) != TW_OK)
		return err;
	role = tw_rows_get(rows, 0, 1);
	dir = tw_rows_get(rows, 0, 2);
	mobile = tw_rows_get(rows, 0, 3);
	err = TW_ERR_INPUT;
	if (dir != NULL && atoll(dir) == c->directorate_id &&
	    (strcmp(role, "officer") == 0 || strcmp(role, "field") == 0 ||
	        strcmp(role, "head") == 0)) {
		struct tw_param p[] = { TW_P_INT(staff_id), TW_P_INT(c->id),
			TW_P_INT(in->version) };
		err = update_case(db, SQL_SET_ASSIGN, p, 3);
	}
	if (err == TW_OK && strcmp(role, "field") == 0 && mobile != NULL) {
		enum tw_lang lang = TW_LANG_AR;
		char *body;

		(void)tw_lang_parse(tw_rows_get(rows, 0, 4), &lang);
		err = field_assigned_body(db, strings[lang], lang, c, &body);
		struct tw_sms sms = { c->id, 0, mobile, lang, "field_assigned",
			body };
		if (err == TW_OK)
			err = tw_sms_queue(db, &sms);
		free(body);
	}
	tw_rows_free(rows);
	return err;
}

/* Marks the case a duplicate of another and links both histories. */
static enum tw_err
do_duplicate(struct tw_db *db, const struct locked_case *c,
    const struct tw_action_input *in, const struct tw_staff *staff)
{
	struct tw_rows *rows = NULL;
	long long original;
	enum tw_err err;

	if ((err = lookup_id(db, SQL_CASE_BY_NUMBER, in->value, &original,
	         &rows)) != TW_OK)
		return err;
	/* The original must be another case that is not itself a copy,
	 * and one the staff member may see: otherwise the response is the
	 * same as for a number that does not exist. */
	err = original == c->id || tw_rows_get(rows, 0, 1) != NULL ||
	        !tw_can(staff, TW_ACT_VIEW, atoll(tw_rows_get(rows, 0, 2)))
	    ? TW_ERR_INPUT
	    : TW_OK;
	tw_rows_free(rows);
	if (err != TW_OK)
		return err;
	struct tw_param p[] = { TW_P_INT(original), TW_P_INT(c->id),
		TW_P_INT(in->version) };
	if ((err = update_case(db, SQL_SET_DUPLICATE, p, 3)) != TW_OK)
		return err;
	struct tw_event link = { "duplicate_linked", TW_STATE_MAX, TW_STATE_MAX,
		"staff", staff->id, "intranet", 0, c->number };
	return tw_event_add(db, (unsigned long long)original, &link);
}

/* The service-level clock of a locked case, in UTC seconds. */
struct case_clock {
	time_t created, due, paused_at, now;
	int has_due, is_paused;
	int continuous; /* 1 when the category counts wall-clock hours */
};

/* Reads the clock of case id. Returns TW_OK, TW_ERR_NOTFOUND or
 * TW_ERR_DB. */
static enum tw_err
read_clock(struct tw_db *db, long long id, struct case_clock *k)
{
	struct tw_param p[] = { TW_P_INT(id) };
	struct tw_rows *rows;
	enum tw_err err;

	if ((err = tw_db_query(db, &stmts[SQL_CASE_CLOCK], p, 1, &rows)) !=
	    TW_OK)
		return err;
	if (rows->nrows != 1) {
		tw_rows_free(rows);
		return TW_ERR_NOTFOUND;
	}
	k->created = (time_t)atoll(tw_rows_get(rows, 0, 0));
	k->has_due = tw_rows_get(rows, 0, 1) != NULL;
	k->due = k->has_due ? (time_t)atoll(tw_rows_get(rows, 0, 1)) : 0;
	k->is_paused = tw_rows_get(rows, 0, 2) != NULL;
	k->paused_at = k->is_paused ? (time_t)atoll(tw_rows_get(rows, 0, 2))
	                            : 0;
	k->now = (time_t)atoll(tw_rows_get(rows, 0, 3));
	k->continuous = tw_sla_continuous(tw_rows_get(rows, 0, 4), 0);
	tw_rows_free(rows);
	return TW_OK;
}

/*
 * Stops the clock of a case moving to referred (it waits on another
 * organisation) and restarts it when the case leaves referred, moving
 * the due time later by the working time of the pause. Other state
 * changes leave the clock alone.
 */
static enum tw_err
pause_or_resume(struct tw_db *db, const struct locked_case *c, enum tw_state to)
{
	struct case_clock k;
	char at[20];
	time_t due;
	enum tw_err err;

	if (to == TW_STATE_MAX || to == c->status ||
	    (to != TW_STATE_REFERRED && c->status != TW_STATE_REFERRED))
		return TW_OK;
	if ((err = read_clock(db, c->id, &k)) != TW_OK)
		return err;
	if (to == TW_STATE_REFERRED) {
		tw_sla_format(k.now, at);
		struct tw_param pause[] = { TW_P_STR(at), TW_P_INT(c->id) };
		return tw_db_exec(db, &stmts[SQL_CASE_PAUSE], pause, 2, NULL);
	}
	if (!k.is_paused || !k.has_due)
		return TW_OK;
	if ((err = tw_sla_case_resume(db, k.due, k.paused_at, k.now,
	         k.continuous, &due)) != TW_OK)
		return err;
	tw_sla_format(due, at);
	struct tw_param resume[] = { TW_P_STR(at), TW_P_INT(c->id) };
	return tw_db_exec(db, &stmts[SQL_CASE_RESUME], resume, 2, NULL);
}

/*
 * Changes the category and recomputes the due time from its SLA,
 * counted from the case's creation.
 * NOTE: the recomputed due time drops the time of earlier pauses in
 * referred, so a case referred before its category changed loses that
 * extension.
 */
static enum tw_err
do_category(struct tw_db *db, const struct locked_case *c,
    const struct tw_action_input *in)
{
	struct tw_rows *rows = NULL;
	struct case_clock k;
	long long category, hours;
	int continuous;
	char due_at[20];
	time_t due;
	enum tw_err err;

	if ((err = lookup_id(db, SQL_CATEGORY_BY_CODE, in->value, &category,
	         &rows)) != TW_OK)
		return err;
	hours = atoll(tw_rows_get(rows, 0, 1));
	continuous = tw_sla_continuous(tw_rows_get(rows, 0, 2), 0);
	tw_rows_free(rows);
	if ((err = read_clock(db, c->id, &k)) != TW_OK ||
	    (err = tw_sla_case_due(db, k.created, hours, continuous, &due)) !=
	        TW_OK)
		return err;
	tw_sla_format(due, due_at);
	struct tw_param p[] = { TW_P_INT(category), TW_P_STR(due_at),
		TW_P_INT(c->id), TW_P_INT(in->version) };
	return update_case(db, SQL_SET_CATEGORY, p, 4);
}

/* Applies the row change of an action; events are written after. */
static enum tw_err
apply_change(struct tw_db *db, HDF *strings[TW_LANG_MAX],
    const struct locked_case *c, const struct tw_action_input *in,
    const struct tw_staff *staff)
{
	enum tw_state to = action_target(in->action);
	long long dir;
	enum tw_err err;

	switch (in->action) {
	case TW_ACT_ROUTE:
		if ((err = lookup_id(db, SQL_DIRECTORATE_BY_CODE, in->value,
		         &dir, NULL)) != TW_OK)
			return err;
		struct tw_param route[] = { TW_P_INT(dir), TW_P_INT(c->id),
			TW_P_INT(in->version) };
		return update_case(db, SQL_SET_ROUTE, route, 3);
	case TW_ACT_ASSIGN:
		return do_assign(db, strings, c, in);
	case TW_ACT_DUPLICATE:
		return do_duplicate(db, c, in, staff);
	case TW_ACT_CATEGORY:
		return do_category(db, c, in);
	case TW_ACT_PRIORITY:
		if (in->value == NULL ||
		    (strcmp(in->value, "low") != 0 &&
		        strcmp(in->value, "normal") != 0 &&
		        strcmp(in->value, "high") != 0 &&
		        strcmp(in->value, "urgent") != 0))
			return TW_ERR_INPUT;
		struct tw_param prio[] = { TW_P_STR(in->value), TW_P_INT(c->id),
			TW_P_INT(in->version) };
		return update_case(db, SQL_SET_PRIORITY, prio, 3);
	case TW_ACT_NOTE:
	case TW_ACT_REPLY:
	case TW_ACT_HELP:
		return TW_OK; /* history only: never in conflict */
	default:
		break;
	}
	struct tw_param p[] = { TW_P_STR(tw_state_name(to)), TW_P_INT(c->id),
		TW_P_INT(in->version) };
	return update_case(db, SQL_SET_STATUS, p, 3);
}

/* Whether an action needs a note, and whether its event is public. */
static void
action_rules(enum tw_action action, int *needs_note, int *is_public)
{
	*needs_note = action == TW_ACT_RESOLVE || action == TW_ACT_REOPEN ||
	    action == TW_ACT_REJECT || action == TW_ACT_NOTE ||
	    action == TW_ACT_REPLY || action == TW_ACT_REFER;
	*is_public = action != TW_ACT_NOTE && action != TW_ACT_PRIORITY &&
	    action != TW_ACT_CATEGORY && action != TW_ACT_ROUTE &&
	    action != TW_ACT_ASSIGN && action != TW_ACT_HELP;
}

/* Writes the event and the resident's SMS of an applied action. */
static enum tw_err
record_action(struct tw_db *db, HDF *strings[TW_LANG_MAX],
    const struct locked_case *c, const struct tw_action_input *in,
    const struct tw_staff *staff, int is_public)
{
	enum tw_state to = action_target(in->action);
	const char *kind = tw_action_name(in->action);
	struct tw_event ev = { kind,
		to == TW_STATE_MAX ? TW_STATE_MAX : c->status, to,
		staff->role == TW_ROLE_FIELD ? "field" : "staff", staff->id,
		in->channel ? in->channel : "intranet", is_public, in->note };
	enum tw_err err;

	/* Notes of routing, priority and category changes stay internal,
	 * and record what the value became. */
	if (in->action == TW_ACT_ROUTE || in->action == TW_ACT_PRIORITY ||
	    in->action == TW_ACT_CATEGORY || in->action == TW_ACT_ASSIGN)
		ev.note = in->value;
	/* The resident's history shows that the case was merged, not the number
	 * of another resident's case; staff find it in duplicate_of. */
	if (in->action == TW_ACT_DUPLICATE)
		ev.note = NULL;
	if ((err = tw_event_add(db, (unsigned long long)c->id, &ev)) != TW_OK)
		return err;
	if (in->action == TW_ACT_REPLY)
		return notify_resident(db, strings, c, "case_reply",
		    "Sms.Reply", in->note);
	if (in->action == TW_ACT_RESOLVE)
		return notify_resolved(db, strings, c, in->note);
	if (in->action == TW_ACT_CONFIRM)
		return tw_survey_phone_confirmed(db, c->id);
	return TW_OK;
}

/*
 * Takes an action on case number for staff inside the caller's
 * transaction, which the caller commits on TW_OK and rolls back on any
 * error. Returns what tw_case_act returns.
 */
enum tw_err
tw_case_apply(struct tw_db *db, HDF *strings[TW_LANG_MAX],
    const struct tw_staff *staff, const char *number,
    const struct tw_action_input *in)
{
	struct locked_case c;
	int needs_note, is_public;
	enum tw_err err;

	action_rules(in->action, &needs_note, &is_public);
	if (needs_note && (in->note == NULL || *in->note == '\0'))
		return TW_ERR_INPUT;
	err = lock_case(db, number, &c);
	if (err == TW_OK && !tw_can(staff, in->action, c.directorate_id))
		err = TW_ERR_FORBIDDEN;
	/* Notes and replies only add to the history, so a page loaded
	 * before someone else's change may still add them. */
	if (err == TW_OK &&
	    ((c.version != in->version && in->action != TW_ACT_NOTE &&
	         in->action != TW_ACT_REPLY) ||
	        !tw_action_allowed(staff, in->action, c.status,
	            c.directorate_id)))
		err = TW_ERR_CONFLICT;
	if (err == TW_OK)
		err = apply_change(db, strings, &c, in, staff);
	if (err == TW_OK)
		err = pause_or_resume(db, &c, action_target(in->action));
	if (err == TW_OK)
		err = record_action(db, strings, &c, in, staff, is_public);
	return err;
}

/*
 * Takes an action on case number for staff. Returns TW_OK; TW_ERR_NOTFOUND
 * for an unknown case; TW_ERR_FORBIDDEN when the role or directorate may
 * not; TW_ERR_CONFLICT when the case changed since in->version (notes
 * and replies ignore the version) or the state does not allow the
 * action; TW_ERR_INPUT for a missing note or an unknown directorate,
 * staff member, category, priority or original case; TW_ERR_DB.
 * Nothing is changed unless it returns TW_OK.
 */
enum tw_err
tw_case_act(struct tw_db *db, HDF *strings[TW_LANG_MAX],
    const struct tw_staff *staff, const char *number,
    const struct tw_action_input *in)
{
	int needs_note, is_public;
	enum tw_err err;

	action_rules(in->action, &needs_note, &is_public);
	if (needs_note && (in->note == NULL || *in->note == '\0'))
		return TW_ERR_INPUT;
	if ((err = tw_db_begin(db)) != TW_OK)
		return err;
	err = tw_case_apply(db, strings, staff, number, in);
	if (err == TW_OK)
		return tw_db_commit(db);
	tw_db_rollback(db);
	return err;
}

/* Returns the name of an action of the case page or of an SMS command. */
const char *
tw_action_name(enum tw_action action)
{
	for (size_t i = 0; i < NACTIONS; i++)
		if (action_names[i].action == action)
			return action_names[i].name;
	for (size_t i = 0;
	     i < sizeof sms_action_names / sizeof sms_action_names[0]; i++)
		if (sms_action_names[i].action == action)
			return sms_action_names[i].name;
	return "unknown";
}

/* Copies the whole history into Case.Events.N.* */
static enum tw_err
fill_history(struct tw_db *db, const char *case_id, const char *tz, HDF *out)
{
	struct tw_param p[] = { TW_P_INT(atoll(case_id)) };
	const char *names[] = { NULL, "Kind", "From", "To", "ActorKind",
		"Actor", "Channel", "Public", "Note" };
	struct tw_rows *rows;
	char when[32];
	enum tw_err err;

	if ((err = tw_db_query(db, &stmts[SQL_CASE_EVENTS], p, 1, &rows)) !=
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

/* Lists the staff a case of directorate dir can be assigned to. */
static enum tw_err
fill_assignees(struct tw_db *db, long long dir, HDF *out)
{
	struct tw_param p[] = { TW_P_INT(dir) };
	const char *names[] = { "Username", "Name", "Role" };
	struct tw_rows *rows;
	enum tw_err err;

	if ((err = tw_db_query(db, &stmts[SQL_STAFF_OF_DIRECTORATE], p, 1,
	         &rows)) != TW_OK)
		return err;
	err = tw_rows_to_hdf(rows, out, "Assignees", names);
	tw_rows_free(rows);
	return err;
}

/* Sets Case.Can.<action> for every action staff may take now. */
static void
fill_allowed(const struct tw_staff *staff, const char *status, long long dir,
    HDF *out)
{
	enum tw_state state;

	if (tw_state_parse(status, &state) != TW_OK)
		return;
	for (size_t i = 0; i < NACTIONS; i++)
		if (tw_action_allowed(staff, action_names[i].action, state,
		        dir))
			hdf_set_valuef(out, "Case.Can.%s=1",
			    action_names[i].name);
}

/* Copies the case row into Case.* in the page's language. */
static void
fill_detail(const struct tw_rows *rows, enum tw_lang lang, const char *tz,
    int personal, HDF *out)
{
	static const char *const names[] = { NULL, "Number", "Status", "Type",
		"Channel", "Priority", NULL, NULL, NULL, "Location", "Lat",
		"Lon", "Description", "Version", "DirectorateId", "Directorate",
		NULL, NULL, "Category", NULL, NULL, NULL, NULL, "Mobile",
		"Name", "Email", "Assignee", "DuplicateOf", "Overdue",
		"MinutesLate", "Lang", "Escalation" };
	const char *labels[][2] = { { "DirectorateName", NULL },
		{ "CategoryName", NULL }, { "Wilayat", NULL } };
	const int first[] = { 16, 19, 21 };
	char when[32];

	tw_rows_to_hdf(rows, out, "Row", names);
	hdf_copy(out, "Case", hdf_get_obj(out, "Row.0"));
	hdf_remove_tree(out, "Row");
	for (int i = 0; i < 3; i++) {
		labels[i][1] =
		    tw_rows_get(rows, 0, first[i] + (lang == TW_LANG_EN));
		if (labels[i][1] != NULL)
			hdf_set_valuef(out, "Case.%s=%s", labels[i][0],
			    labels[i][1]);
	}
	for (int col = 6; col <= 8; col++) {
		static const char *const keys[] = { "Created", "Updated",
			"Due" };

		tw_time_display(tw_rows_get(rows, 0, col), tz, when,
		    sizeof when);
		hdf_set_valuef(out, "Case.%s=%s", keys[col - 6], when);
	}
	if (!personal) {
		hdf_remove_tree(out, "Case.Mobile");
		hdf_remove_tree(out, "Case.Name");
		hdf_remove_tree(out, "Case.Email");
	}
}

/*
 * Fills Case.* for the case page: details, history, the assignable
 * staff and the actions staff may take. Residents' personal data is
 * left out unless staff may see it. Returns TW_ERR_NOTFOUND for an
 * unknown number and TW_ERR_FORBIDDEN when staff may not see the case.
 */
enum tw_err
tw_case_page(struct tw_db *db, const struct tw_staff *staff, const char *number,
    enum tw_lang lang, const char *tz, HDF *out)
{
	struct tw_param p[] = { TW_P_STR(number) };
	struct tw_rows *rows;
	long long dir;
	enum tw_err err;

	if ((err = tw_db_query(db, &stmts[SQL_CASE_DETAIL], p, 1, &rows)) !=
	    TW_OK)
		return err;
	if (rows->nrows != 1) {
		tw_rows_free(rows);
		return TW_ERR_NOTFOUND;
	}
	dir = atoll(tw_rows_get(rows, 0, 14));
	if (!tw_can(staff, TW_ACT_VIEW, dir)) {
		tw_rows_free(rows);
		return TW_ERR_FORBIDDEN;
	}
	fill_detail(rows, lang, tz, tw_can(staff, TW_ACT_PERSONAL, dir), out);
	fill_allowed(staff, tw_rows_get(rows, 0, 2), dir, out);
	err = fill_history(db, tw_rows_get(rows, 0, 0), tz, out);
	if (err == TW_OK && hdf_get_value(out, "Case.Can.assign", NULL))
		err = fill_assignees(db, dir, out);
	tw_rows_free(rows);
	return err;
}

/*
 * Fills Customer.* and Customer.Cases.N.* for a caller's normalised
 * mobile number. Returns TW_ERR_NOTFOUND when no resident has it.
 */
enum tw_err
tw_customer_profile(struct tw_db *db, const char *mobile, enum tw_lang lang,
    const char *tz, HDF *out, long long *customer_id)
{
	struct tw_param p[] = { TW_P_STR(mobile) };
	const char *names[] = { "Id", "Mobile", "Name", "Email", "Lang", NULL };
	const char *case_names[] = { "Number", "Status", "Type", NULL, NULL,
		NULL };
	struct tw_rows *rows;
	char when[32];
	enum tw_err err;

	if ((err = tw_db_query(db, &stmts[SQL_CUSTOMER_BY_MOBILE], p, 1,
	         &rows)) != TW_OK)
		return err;
	if (rows->nrows != 1) {
		tw_rows_free(rows);
		return TW_ERR_NOTFOUND;
	}
	tw_rows_to_hdf(rows, out, "Row", names);
	hdf_copy(out, "Customer", hdf_get_obj(out, "Row.0"));
	hdf_remove_tree(out, "Row");
	*customer_id = atoll(tw_rows_get(rows, 0, 0));
	tw_rows_free(rows);
	struct tw_param q[] = { TW_P_INT(*customer_id) };
	if ((err = tw_db_query(db, &stmts[SQL_CUSTOMER_CASES], q, 1, &rows)) !=
	    TW_OK)
		return err;
	case_names[lang == TW_LANG_AR ? 4 : 5] = "Category";
	err = tw_rows_to_hdf(rows, out, "Customer.Cases", case_names);
	for (size_t r = 0; r < rows->nrows; r++) {
		tw_time_display(tw_rows_get(rows, r, 3), tz, when, sizeof when);
		hdf_set_valuef(out, "Customer.Cases.%zu.Created=%s", r, when);
	}
	tw_rows_free(rows);
	return err;
}
