/*
 * smsin.c: what an inbound SMS does.
 *
 * From the mobile of active field staff, the text is a command on a
 * case assigned to them (see smscmd.c), applied through tw_case_apply
 * with an event from that staff member on the channel "sms". From any
 * other mobile, a text that is only a case number gets the case's status
 * back when the case is the sender's. A well-formed field command gets a
 * short help text. Anything else opens a case in the category "other",
 * which the 1st line completes, and its receipt SMS carries the number.
 *
 * Each message is stored in sms_inbound first, in the transaction of its
 * effects, and its gateway id is a unique key, so a delivery the gateway
 * retries changes nothing the second time. A command that the case's
 * state or permissions reject is rolled back and stored again on its
 * own, with the reason and the reply to the sender.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tawasul.h"

enum smsin_stmt {
	SQL_IN_INSERT,
	SQL_IN_SET,
	SQL_FIELD_BY_MOBILE,
	SQL_CASE_FOR_FIELD,
	SQL_CASE_OF_SENDER,
	SQL_CUSTOMER_LANG,
	SQL_MAX
};

/* One SQL clause per line, which clang-format would reflow. */
/* clang-format off */
static struct tw_stmt stmts[SQL_MAX] = {
	[SQL_IN_INSERT] = {
	    "INSERT INTO sms_inbound (gateway_message_id, gateway, sender,"
	    " receiver, text, received_at, outcome)"
	    " VALUES (?, ?, ?, ?, ?, UTC_TIMESTAMP(3), 'received')"},
	[SQL_IN_SET] = {
	    "UPDATE sms_inbound SET outcome = ?, detail = ?, case_id = ?,"
	    " staff_id = ? WHERE id = ?"},
	[SQL_FIELD_BY_MOBILE] = {
	    "SELECT id, username, display_name, directorate_id, lang"
	    " FROM staff WHERE mobile = ? AND role = 'field' AND active = 1"},
	[SQL_CASE_FOR_FIELD] = {
	    "SELECT id, version, assigned_staff_id, status FROM cases"
	    " WHERE number = ? FOR UPDATE"},
	[SQL_CASE_OF_SENDER] = {
	    "SELECT c.id, c.status, c.updated_at, u.lang FROM cases c"
	    " JOIN customers u ON u.id = c.customer_id"
	    " WHERE c.number = ? AND u.mobile = ?"},
	[SQL_CUSTOMER_LANG] = {
	    "SELECT lang FROM customers WHERE mobile = ?"},
};
/* clang-format on */

/* The reply to the sender, queued with the outcome. */
struct reply {
	const char *key; /* L.Sms.*; NULL for no reply */
	enum tw_lang lang;
	char number[24]; /* {number}: a case number, or the digits typed */
	char status[16]; /* {status}: a state name, shown translated */
	char updated[32]; /* {updated}: a displayed time */
};

/* One inbound message while it is handled. */
struct inbound {
	struct tw_db *db;
	HDF **strings;
	const char *tz;
	const struct tw_sms_in *in;
	char sender[33]; /* E.164 when is_mobile, else as received */
	int is_mobile;
	unsigned long long row_id;
	const char *outcome;
	char detail[256];
	long long case_id;
	long long staff_id;
	char case_number[TW_CASENUM_LEN + 1];
	struct reply reply;
	int rejected; /* a field command the case's state or rights rejected */
};

/* Returns the language of a text: Arabic when it has an Arabic letter,
 * English when it has a Latin one, fallback otherwise. */
static enum tw_lang
text_lang(const char *text, enum tw_lang fallback)
{
	const unsigned char *s = (const unsigned char *)text;
	int latin = 0;

	for (; *s != '\0'; s++) {
		/* U+0600-06FF is D8 80 to DB BF; U+0660-0669 are digits. */
		if (*s >= 0xd8 && *s <= 0xdb &&
		    !(*s == 0xd9 && s[1] >= 0xa0 && s[1] <= 0xa9))
			return TW_LANG_AR;
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z'))
			latin = 1;
	}
	return latin ? TW_LANG_EN : fallback;
}

/* Sets the reply; number may be NULL. */
static void
set_reply(struct inbound *c, const char *key, enum tw_lang lang,
    const char *number)
{
	memset(&c->reply, 0, sizeof c->reply);
	c->reply.key = key;
	c->reply.lang = lang;
	snprintf(c->reply.number, sizeof c->reply.number, "%s",
	    number ? number : "");
}

/* Sets what the message did and why. */
static void
set_outcome(struct inbound *c, const char *outcome, const char *detail)
{
	c->outcome = outcome;
	snprintf(c->detail, sizeof c->detail, "%s", detail ? detail : "");
}

/* Returns the reply text with its placeholders filled; caller frees. */
static char *
reply_body(const struct inbound *c)
{
	HDF *strings = c->strings[c->reply.lang];
	const char *status = "";
	char key[48], *a, *b, *body = NULL;

	if (c->reply.status[0] != '\0') {
		snprintf(key, sizeof key, "Status.%s", c->reply.status);
		status = tw_string(strings, key);
	}
	a = tw_str_replace(tw_string(strings, c->reply.key), "{number}",
	    c->reply.number);
	b = a ? tw_str_replace(a, "{status}", status) : NULL;
	if (b != NULL)
		body = tw_str_replace(b, "{updated}", c->reply.updated);
	free(a);
	free(b);
	return body;
}

/* Queues the reply, if any, to the sender through the outbox. */
static enum tw_err
queue_reply(const struct inbound *c)
{
	struct tw_sms sms = { c->case_id, 0, c->sender, c->reply.lang,
		"sms_reply", NULL };
	enum tw_err err;
	char *body;

	if (c->reply.key == NULL)
		return TW_OK;
	if ((body = reply_body(c)) == NULL)
		return TW_ERR_NOMEM;
	sms.body = body;
	err = tw_sms_queue(c->db, &sms);
	free(body);
	return err;
}

/* Stores the message with outcome 'received'; TW_ERR_DUPLICATE when
 * the gateway delivered it before. */
static enum tw_err
insert_row(struct inbound *c)
{
	const struct tw_sms_in *in = c->in;
	struct tw_param p[] = { TW_P_STR(in->message_id), TW_P_STR(in->gateway),
		TW_P_STR(c->sender), TW_P_STR(in->receiver),
		TW_P_STR(in->text) };

	return tw_db_exec(c->db, &stmts[SQL_IN_INSERT], p, 5, &c->row_id);
}

/* Stores what the message did and queues the reply. */
static enum tw_err
finish_row(struct inbound *c)
{
	struct tw_param p[] = { TW_P_STR(c->outcome),
		c->detail[0] ? TW_P_STR(c->detail) : TW_P_NULL,
		c->case_id > 0 ? TW_P_INT(c->case_id) : TW_P_NULL,
		c->staff_id > 0 ? TW_P_INT(c->staff_id) : TW_P_NULL,
		TW_P_INT((long long)c->row_id) };
	enum tw_err err;

	if ((err = tw_db_exec(c->db, &stmts[SQL_IN_SET], p, 5, NULL)) != TW_OK)
		return err;
	return queue_reply(c);
}

/* Loads the active field staff with this mobile; TW_ERR_NOTFOUND when
 * the sender is not one. */
static enum tw_err
field_staff(struct inbound *c, struct tw_staff *staff)
{
	struct tw_param p[] = { TW_P_STR(c->sender) };
	struct tw_rows *rows;
	enum tw_err err;

	if ((err = tw_db_query(c->db, &stmts[SQL_FIELD_BY_MOBILE], p, 1,
	         &rows)) != TW_OK)
		return err;
	if (rows->nrows != 1) {
		tw_rows_free(rows);
		return TW_ERR_NOTFOUND;
	}
	memset(staff, 0, sizeof *staff);
	staff->id = atoll(tw_rows_get(rows, 0, 0));
	snprintf(staff->username, sizeof staff->username, "%s",
	    tw_rows_get(rows, 0, 1));
	snprintf(staff->name, sizeof staff->name, "%s",
	    tw_rows_get(rows, 0, 2));
	staff->role = TW_ROLE_FIELD;
	staff->directorate_id = atoll(tw_rows_get(rows, 0, 3));
	if (tw_lang_parse(tw_rows_get(rows, 0, 4), &staff->lang) != TW_OK)
		staff->lang = TW_LANG_AR;
	tw_rows_free(rows);
	c->staff_id = staff->id;
	return TW_OK;
}

/* The reply to a command that did not parse, by what is wrong. */
static const char *
problem_reply(enum tw_err err, enum tw_smscmd_problem problem)
{
	if (err == TW_ERR_CHECKSUM)
		return "Sms.FieldMistyped";
	switch (problem) {
	case TW_SMSCMD_NO_NUMBER:
		return "Sms.FieldNoNumber";
	case TW_SMSCMD_BAD_NUMBER:
		return "Sms.FieldBadNumber";
	case TW_SMSCMD_NO_NOTE:
		return "Sms.FieldNoNote";
	default:
		return "Sms.FieldUsage";
	}
}

/* What each command does: its action, outcome and confirmation. */
static const struct {
	enum tw_action action;
	const char *outcome;
	const char *confirm;
} commands[] = {
	[TW_SMSCMD_START] = { TW_ACT_START, "field_start", "Sms.FieldStarted" },
	[TW_SMSCMD_DONE] = { TW_ACT_RESOLVE, "field_done", "Sms.FieldDone" },
	[TW_SMSCMD_NOTE] = { TW_ACT_NOTE, "field_note", "Sms.FieldNoted" },
	[TW_SMSCMD_HELP] = { TW_ACT_HELP, "field_help", "Sms.FieldHelp" },
};

/* The case a field command names, locked for the transaction. */
struct field_case {
	long long id;
	long long version;
	long long assigned;
	char status[16];
};

/* Locks the case of a command; TW_ERR_NOTFOUND when it does not exist. */
static enum tw_err
lock_field_case(struct inbound *c, const char *number, struct field_case *fc)
{
	struct tw_param p[] = { TW_P_STR(number) };
	struct tw_rows *rows;
	enum tw_err err;

	if ((err = tw_db_query(c->db, &stmts[SQL_CASE_FOR_FIELD], p, 1,
	         &rows)) != TW_OK)
		return err;
	err = rows->nrows == 1 ? TW_OK : TW_ERR_NOTFOUND;
	if (err == TW_OK) {
		fc->id = atoll(tw_rows_get(rows, 0, 0));
		fc->version = atoll(tw_rows_get(rows, 0, 1));
		fc->assigned = tw_rows_get(rows, 0, 2)
		    ? atoll(tw_rows_get(rows, 0, 2))
		    : 0;
		snprintf(fc->status, sizeof fc->status, "%s",
		    tw_rows_get(rows, 0, 3));
	}
	tw_rows_free(rows);
	return err;
}

/* Applies a parsed command to its case through the lifecycle. */
static enum tw_err
apply_command(struct inbound *c, const struct tw_staff *staff,
    const struct tw_smscmd *cmd, const struct field_case *fc)
{
	struct tw_action_input in = { 0 };
	enum tw_err err;

	in.action = commands[cmd->kind].action;
	in.version = fc->version;
	in.note = cmd->note;
	in.channel = "sms";
	err = tw_case_apply(c->db, c->strings, staff, cmd->number, &in);
	if (err == TW_OK) {
		set_outcome(c, commands[cmd->kind].outcome, NULL);
		set_reply(c, commands[cmd->kind].confirm, staff->lang,
		    cmd->number);
		return TW_OK;
	}
	if (err != TW_ERR_CONFLICT && err != TW_ERR_FORBIDDEN &&
	    err != TW_ERR_INPUT && err != TW_ERR_NOTFOUND)
		return err;
	c->rejected = 1;
	set_outcome(c, "rejected", tw_strerror(err));
	set_reply(c, "Sms.FieldConflict", staff->lang, cmd->number);
	snprintf(c->reply.status, sizeof c->reply.status, "%s", fc->status);
	return err;
}

/* Handles a text from field staff: a command on a case assigned to
 * them, or a reply that says what is wrong with it. */
static enum tw_err
field_command(struct inbound *c, const struct tw_staff *staff)
{
	struct tw_smscmd cmd;
	struct field_case fc;
	enum tw_err err;

	err = tw_smscmd_parse(c->in->text, &cmd);
	if (err == TW_ERR_INPUT || err == TW_ERR_CHECKSUM) {
		set_outcome(c, "rejected",
		    err == TW_ERR_CHECKSUM ? "wrong check digit"
		                           : "command not understood");
		set_reply(c, problem_reply(err, cmd.problem), staff->lang,
		    cmd.number);
		err = TW_OK;
	} else if (err == TW_OK) {
		snprintf(c->case_number, sizeof c->case_number, "%s",
		    cmd.number);
		err = lock_field_case(c, cmd.number, &fc);
		if (err == TW_ERR_NOTFOUND) {
			set_outcome(c, "rejected", "no such case");
			set_reply(c, "Sms.FieldNotFound", staff->lang,
			    cmd.number);
			err = TW_OK;
		} else if (err == TW_OK && fc.assigned != staff->id) {
			c->case_id = fc.id;
			set_outcome(c, "rejected",
			    "not assigned to the sender");
			set_reply(c, "Sms.FieldNotAssigned", staff->lang,
			    cmd.number);
		} else if (err == TW_OK) {
			c->case_id = fc.id;
			err = apply_command(c, staff, &cmd, &fc);
		}
	}
	tw_smscmd_free(&cmd);
	return err;
}

/* Returns the language stored for a resident's mobile, or fallback. */
static enum tw_lang
customer_lang(struct inbound *c, enum tw_lang fallback)
{
	struct tw_param p[] = { TW_P_STR(c->sender) };
	struct tw_rows *rows;
	enum tw_lang lang = fallback;

	if (tw_db_query(c->db, &stmts[SQL_CUSTOMER_LANG], p, 1, &rows) != TW_OK)
		return fallback;
	if (rows->nrows == 1 &&
	    tw_lang_parse(tw_rows_get(rows, 0, 0), &lang) != TW_OK)
		lang = fallback;
	tw_rows_free(rows);
	return lang;
}

/* Returns 1 when text is only a case number as people type one: digits
 * with spaces, dashes or a '#'. */
static int
only_number(const char *text)
{
	char *ascii = tw_digits_ascii(text);
	int digits = 0, other = 0;

	if (ascii == NULL)
		return 0;
	for (const char *p = ascii; *p != '\0'; p++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (*p != ' ' && *p != '-' && *p != '#')
			other++;
	}
	free(ascii);
	return digits > 0 && other == 0;
}

/* Replies to a resident's case number with the case's status, when
 * the case is registered to the sender's mobile. */
static enum tw_err
status_request(struct inbound *c)
{
	char number[TW_CASENUM_LEN + 1], *typed = tw_digits_ascii(c->in->text);
	struct tw_rows *rows = NULL;
	enum tw_lang lang = customer_lang(c, TW_LANG_AR);
	enum tw_err err, parsed;

	if (typed == NULL)
		return TW_ERR_NOMEM;
	parsed = tw_casenum_parse(c->in->text, number);
	set_outcome(c, "rejected",
	    parsed == TW_ERR_CHECKSUM ? "wrong check digit"
	                              : "no such case for the sender");
	set_reply(c,
	    parsed == TW_ERR_CHECKSUM ? "Sms.StatusMistyped"
	                              : "Sms.StatusNotFound",
	    lang, typed);
	free(typed);
	if (parsed != TW_OK)
		return parsed == TW_ERR_NOMEM ? TW_ERR_NOMEM : TW_OK;
	struct tw_param p[] = { TW_P_STR(number), TW_P_STR(c->sender) };
	if ((err = tw_db_query(c->db, &stmts[SQL_CASE_OF_SENDER], p, 2,
	         &rows)) != TW_OK ||
	    rows->nrows != 1) {
		tw_rows_free(rows);
		return err;
	}
	c->case_id = atoll(tw_rows_get(rows, 0, 0));
	snprintf(c->case_number, sizeof c->case_number, "%s", number);
	(void)tw_lang_parse(tw_rows_get(rows, 0, 3), &lang);
	set_outcome(c, "status_sent", NULL);
	set_reply(c, "Sms.Status", lang, number);
	snprintf(c->reply.status, sizeof c->reply.status, "%s",
	    tw_rows_get(rows, 0, 1));
	tw_time_display(tw_rows_get(rows, 0, 2), c->tz, c->reply.updated,
	    sizeof c->reply.updated);
	tw_rows_free(rows);
	return TW_OK;
}

/* Opens a case in the category "other" with the text as description. */
static enum tw_err
open_case(struct inbound *c)
{
	unsigned long long case_id;
	enum tw_lang lang =
	    text_lang(c->in->text, customer_lang(c, TW_LANG_AR));
	struct tw_case_new nc = {
		.type = "complaint",
		.channel = "sms",
		.category = "other",
		.description = c->in->text,
		.mobile = c->sender,
		.lang = lang,
	};
	enum tw_err err;

	err = tw_case_write(c->db, c->strings[lang], &nc, c->case_number,
	    &case_id);
	if (err != TW_OK)
		return err;
	c->case_id = (long long)case_id;
	set_outcome(c, "case_created", NULL);
	return TW_OK;
}

/* Handles a text from a mobile that is not field staff. */
static enum tw_err
resident_text(struct inbound *c)
{
	struct tw_smscmd cmd;
	enum tw_err err;

	if (c->in->text[0] == '\0') {
		set_outcome(c, "help_sent", "empty text");
		set_reply(c, "Sms.ResidentHelp", customer_lang(c, TW_LANG_AR),
		    NULL);
		return TW_OK;
	}
	if (only_number(c->in->text))
		return status_request(c);
	err = tw_smscmd_parse(c->in->text, &cmd);
	tw_smscmd_free(&cmd);
	if (err == TW_ERR_NOMEM)
		return err;
	if (err == TW_OK) {
		set_outcome(c, "help_sent", "command from a resident");
		set_reply(c, "Sms.NotFieldStaff",
		    text_lang(c->in->text, TW_LANG_AR), NULL);
		return TW_OK;
	}
	return open_case(c);
}

/* Decides what the message does and does it; no commit. */
static enum tw_err
dispatch(struct inbound *c)
{
	struct tw_staff staff;
	enum tw_err err;

	if (!c->is_mobile) {
		set_outcome(c, "ignored", "not an Omani mobile number");
		return TW_OK;
	}
	err = field_staff(c, &staff);
	if (err == TW_OK)
		return field_command(c, &staff);
	if (err != TW_ERR_NOTFOUND)
		return err;
	return resident_text(c);
}

/* Runs one transaction: store, act unless record_only, store the
 * outcome, queue the reply, commit. */
static enum tw_err
run(struct inbound *c, int record_only)
{
	enum tw_err err;

	if ((err = tw_db_begin(c->db)) != TW_OK)
		return err;
	err = insert_row(c);
	if (err == TW_OK && !record_only)
		err = dispatch(c);
	if (err == TW_OK)
		err = finish_row(c);
	if (err == TW_OK)
		return tw_db_commit(c->db);
	tw_db_rollback(c->db);
	return err;
}

/*
 * Stores an inbound SMS and acts on it as the top of this file
 * describes, in one transaction. strings are the interface strings of each
 * language for the replies; tz is the zone of displayed times. On TW_OK
 * res says what happened; res->duplicate is 1 when the gateway had
 * delivered this message id before, and nothing changed. Returns
 * TW_ERR_DB or TW_ERR_NOMEM otherwise, with nothing stored.
 */
enum tw_err
tw_sms_receive(struct tw_db *db, HDF *strings[TW_LANG_MAX], const char *tz,
    const struct tw_sms_in *in, struct tw_sms_in_result *res)
{
	struct inbound c;
	enum tw_err err;

	memset(&c, 0, sizeof c);
	memset(res, 0, sizeof *res);
	c.db = db;
	c.strings = strings;
	c.tz = tz;
	c.in = in;
	c.is_mobile = tw_mobile_normalise(in->sender, c.sender) == TW_OK;
	if (!c.is_mobile)
		snprintf(c.sender, sizeof c.sender, "%s", in->sender);
	err = run(&c, 0);
	if (err != TW_OK && c.rejected)
		err = run(&c, 1);
	if (err == TW_ERR_DUPLICATE) {
		res->duplicate = 1;
		snprintf(res->outcome, sizeof res->outcome, "duplicate");
		return TW_OK;
	}
	if (err != TW_OK)
		return err;
	snprintf(res->outcome, sizeof res->outcome, "%s", c.outcome);
	snprintf(res->case_number, sizeof res->case_number, "%s",
	    c.case_number);
	return TW_OK;
}
