/*
 * agent-polls.c: polls and questionnaires in the intranet.
 *
 * Roles with TW_ACT_POLLS (administrators) create polls of one choice
 * question and questionnaires of up to TW_POLL_QUESTIONS_MAX questions,
 * every text in Arabic and English. Until the first response everything
 * may change. After it only the titles, the closing time and the
 * results flag may change, and the form shows the questions read only.
 * Roles with TW_ACT_POLL_RESULTS read the results with SVG bar charts,
 * the free texts, and a CSV export.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "tawasul.h"

/* Characters of a choice and of a choice list as typed. */
#define CHOICE_MAX      200
#define CHOICE_LIST_MAX 2500
#define PER_ADDRESS_MAX 1000000
#define PER_ADDRESS_DEF 50

static const struct tw_field poll_fields[] = {
	{ "csrf", TW_FIELD_TOKEN, 1, 0, 64 },
	{ "kind", TW_FIELD_CODE, 1, 0, 16 },
	{ "title_ar", TW_FIELD_LINE, 1, 2, 200 },
	{ "title_en", TW_FIELD_LINE, 1, 2, 200 },
	{ "opens", TW_FIELD_LINE, 1, 0, 16 },
	{ "closes", TW_FIELD_LINE, 1, 0, 16 },
	{ "show_results", TW_FIELD_CODE, 0, 0, 1 },
	{ "require_mobile", TW_FIELD_CODE, 0, 0, 1 },
	{ "max_per_address", TW_FIELD_LINE, 0, 0, 8 },
};

/* What may change once a poll has responses. */
static const struct tw_field locked_fields[] = {
	{ "csrf", TW_FIELD_TOKEN, 1, 0, 64 },
	{ "title_ar", TW_FIELD_LINE, 1, 2, 200 },
	{ "title_en", TW_FIELD_LINE, 1, 2, 200 },
	{ "closes", TW_FIELD_LINE, 1, 0, 16 },
	{ "show_results", TW_FIELD_CODE, 0, 0, 1 },
};

static const struct tw_field results_fields[] = {
	{ "format", TW_FIELD_CODE, 0, 0, 8 },
};

/* The fields of question slot N are qN_ and these suffixes. */
enum slot_field {
	SLOT_KIND,
	SLOT_TEXT_AR,
	SLOT_TEXT_EN,
	SLOT_REQUIRED,
	SLOT_CHOICES_AR,
	SLOT_CHOICES_EN,
	SLOT_FIELDS
};

static const struct tw_field slot_template[SLOT_FIELDS] = {
	[SLOT_KIND] = { "kind", TW_FIELD_CODE, 0, 0, 16 },
	[SLOT_TEXT_AR] = { "text_ar", TW_FIELD_LINE, 0, 2, 500 },
	[SLOT_TEXT_EN] = { "text_en", TW_FIELD_LINE, 0, 2, 500 },
	[SLOT_REQUIRED] = { "required", TW_FIELD_CODE, 0, 0, 1 },
	[SLOT_CHOICES_AR] = { "choices_ar", TW_FIELD_TEXT, 0, 0,
	    CHOICE_LIST_MAX },
	[SLOT_CHOICES_EN] = { "choices_en", TW_FIELD_TEXT, 0, 0,
	    CHOICE_LIST_MAX },
};

/* One question slot of the form as read. */
struct slot {
	char names[SLOT_FIELDS][24];
	struct tw_field fields[SLOT_FIELDS];
	struct tw_form form;
};

/* Returns s, or "" for NULL. */
static const char *
or_empty(const char *s)
{
	return s != NULL ? s : "";
}

/* Reads the poll id of the path into *id; 0 when it is not one. */
static int
path_id(const char *arg, long long *id)
{
	size_t len = arg ? strlen(arg) : 0;

	*id = 0;
	if (len == 0 || len > 9 || strspn(arg, "0123456789") != len)
		return 0;
	*id = atoll(arg);
	return *id > 0;
}

/* Sets the names of the slots for the template: Slots.N.Prefix qN. */
static void
fill_slots(struct tw_req *req)
{
	for (int i = 0; i < TW_POLL_QUESTIONS_MAX; i++) {
		hdf_set_valuef(req->hdf, "Slots.%d.Prefix=q%d", i, i + 1);
		hdf_set_valuef(req->hdf, "Slots.%d.Number=%d", i, i + 1);
	}
}

/* Renders the poll form; Poll.* is filled for an edit. */
static enum tw_err
render_form(struct tw_req *req, int status)
{
	fill_slots(req);
	hdf_set_valuef(req->hdf, "Page.Title=%s",
	    tw_req_string(req,
	        hdf_get_value(req->hdf, "Poll.Id", NULL) ? "Agent.Polls.Edit"
	                                                 : "Agent.Polls.New"));
	hdf_set_value(req->hdf, "Page.Path", "/agent/polls");
	return tw_render(req, status, "agent_poll_form.cs");
}

/* Records a form-wide message and renders the form with status. */
static enum tw_err
form_failed(struct tw_req *req, int status, const char *key)
{
	hdf_set_value(req->hdf, "Form.Error.form", tw_req_string(req, key));
	return render_form(req, status);
}

/*
 * GET /agent/polls: every poll, newest first, with its state and
 * number of responses. 200; 403 for roles with neither TW_ACT_POLLS nor
 * TW_ACT_POLL_RESULTS. Changes nothing.
 */
enum tw_err
polls_list(struct tw_req *req)
{
	enum tw_err err;

	if (!require_staff(req, &err))
		return err;
	if (!tw_can(&req->staff, TW_ACT_POLL_RESULTS, 0) &&
	    !tw_can(&req->staff, TW_ACT_POLLS, 0))
		return tw_render_error(req, 403);
	if ((err = tw_poll_list(req->app->db, 0, req->lang,
	         req->app->config->display_tz, req->hdf)) != TW_OK)
		return err;
	if (hdf_get_value(req->hdf, "Query.saved", NULL) != NULL)
		hdf_set_value(req->hdf, "Page.Saved", "1");
	hdf_set_value(req->hdf, "Page.Title",
	    tw_req_string(req, "Agent.Polls.Title"));
	return tw_render(req, 200, "agent_polls.cs");
}

/*
 * GET /agent/polls/new: the empty poll form. 200; 403 for roles
 * without TW_ACT_POLLS. Changes nothing.
 */
enum tw_err
polls_new(struct tw_req *req)
{
	enum tw_err err;

	if (!require_staff(req, &err))
		return err;
	if (!tw_can(&req->staff, TW_ACT_POLLS, 0))
		return tw_render_error(req, 403);
	hdf_set_value(req->hdf, "Form.Value.kind", "poll");
	hdf_set_value(req->hdf, "Form.Value.show_results", "1");
	hdf_set_valuef(req->hdf, "Form.Value.max_per_address=%d",
	    PER_ADDRESS_DEF);
	hdf_set_value(req->hdf, "Form.Value.q1_kind", "single");
	hdf_set_value(req->hdf, "Form.Value.q1_required", "1");
	return render_form(req, 200);
}

/* Reads question slot i (0-based) into s; the caller frees s->form. */
static void
read_slot(struct tw_req *req, int i, struct slot *s)
{
	for (int f = 0; f < SLOT_FIELDS; f++) {
		snprintf(s->names[f], sizeof s->names[f], "q%d_%s", i + 1,
		    slot_template[f].name);
		s->fields[f] = slot_template[f];
		s->fields[f].name = s->names[f];
	}
	form_start(req, &s->form);
	tw_form_read(&s->form, s->fields, SLOT_FIELDS, req->hdf);
}

/* Returns the validated value of field f of slot s, or NULL. */
static const char *
slot_value(const struct slot *s, enum slot_field f)
{
	return s->form.values[f];
}

/* Returns 1 when the person typed anything in slot s. */
static int
slot_used(struct tw_req *req, const struct slot *s)
{
	static const enum slot_field typed[] = { SLOT_KIND, SLOT_TEXT_AR,
		SLOT_TEXT_EN, SLOT_CHOICES_AR, SLOT_CHOICES_EN };

	for (size_t i = 0; i < nitems(typed); i++) {
		const char *v =
		    hdf_get_valuef(req->hdf, "Query.%s", s->names[typed[i]]);

		if (v != NULL && v[strspn(v, " \t\r\n")] != '\0')
			return 1;
	}
	return 0;
}

/* Splits the choices of one language into q; returns how many lines
 * there were, or -1 after recording an error on the field. */
static int
read_choices(struct slot *s, enum slot_field f, struct tw_poll_question *q,
    enum tw_lang lang)
{
	char *lines[TW_POLL_CHOICES_MAX], *copy;
	size_t n;
	int result = -1;

	if (slot_value(s, f) == NULL) {
		tw_form_error(&s->form, s->names[f], "Agent.Polls.ChoicesFew",
		    2);
		return -1;
	}
	if ((copy = strdup(slot_value(s, f))) == NULL)
		return -1;
	n = tw_poll_split_lines(copy, lines, TW_POLL_CHOICES_MAX);
	if (n < 2)
		tw_form_error(&s->form, s->names[f], "Agent.Polls.ChoicesFew",
		    2);
	else if (n > TW_POLL_CHOICES_MAX)
		tw_form_error(&s->form, s->names[f], "Agent.Polls.ChoicesMany",
		    TW_POLL_CHOICES_MAX);
	else
		result = (int)n;
	for (size_t c = 0; result > 0 && c < n; c++) {
		if (tw_utf8_chars(lines[c]) > CHOICE_MAX) {
			tw_form_error(&s->form, s->names[f], "Err.TooLong",
			    CHOICE_MAX);
			result = -1;
		} else
			q->choices[c].text[lang] = strdup(lines[c]);
	}
	free(copy);
	return result;
}

/* Checks the choices of slot s, or that it has none for a scale or a
 * text question. */
static void
check_choices(struct slot *s, struct tw_poll_question *q)
{
	int n_ar, n_en;

	if (q->kind == TW_POLL_SCALE || q->kind == TW_POLL_TEXT) {
		if (slot_value(s, SLOT_CHOICES_AR) != NULL ||
		    slot_value(s, SLOT_CHOICES_EN) != NULL)
			tw_form_error(&s->form, s->names[SLOT_CHOICES_AR],
			    "Agent.Polls.ChoicesUnused", 0);
		return;
	}
	n_ar = read_choices(s, SLOT_CHOICES_AR, q, TW_LANG_AR);
	n_en = read_choices(s, SLOT_CHOICES_EN, q, TW_LANG_EN);
	if (n_ar > 0 && n_en > 0 && n_ar != n_en)
		tw_form_error(&s->form, s->names[SLOT_CHOICES_EN],
		    "Agent.Polls.ChoicesMismatch", 0);
	/* A rejected question is never stored: counting every slot lets
	 * tw_poll_free free the texts copied before the error. */
	if (n_ar > 0 && n_ar == n_en)
		q->nchoices = (size_t)n_ar;
	else
		q->nchoices = TW_POLL_CHOICES_MAX;
}

/* Validates a used slot into question q. */
static void
check_slot(struct slot *s, struct tw_poll_question *q)
{
	const char *kind = slot_value(s, SLOT_KIND);
	const char *required = slot_value(s, SLOT_REQUIRED);

	if (kind == NULL)
		tw_form_error(&s->form, s->names[SLOT_KIND], "Err.Required", 0);
	else if (tw_poll_kind_parse(kind, &q->kind) != TW_OK) {
		tw_form_error(&s->form, s->names[SLOT_KIND], "Err.Choice", 0);
		return;
	}
	if (slot_value(s, SLOT_TEXT_AR) == NULL)
		tw_form_error(&s->form, s->names[SLOT_TEXT_AR], "Err.Required",
		    0);
	if (slot_value(s, SLOT_TEXT_EN) == NULL)
		tw_form_error(&s->form, s->names[SLOT_TEXT_EN], "Err.Required",
		    0);
	if (required != NULL && strcmp(required, "1") != 0)
		tw_form_error(&s->form, s->names[SLOT_REQUIRED], "Err.Choice",
		    0);
	q->required = required != NULL;
	q->text[TW_LANG_AR] = strdup(or_empty(slot_value(s, SLOT_TEXT_AR)));
	q->text[TW_LANG_EN] = strdup(or_empty(slot_value(s, SLOT_TEXT_EN)));
	if (kind != NULL)
		check_choices(s, q);
}

/* Reads and validates every question slot into poll. Returns the
 * number of errors. */
static int
read_questions(struct tw_req *req, struct tw_poll *poll)
{
	struct slot s;
	int errors = 0;

	for (int i = 0; i < TW_POLL_QUESTIONS_MAX; i++) {
		read_slot(req, i, &s);
		if (slot_used(req, &s))
			check_slot(&s, &poll->questions[poll->nquestions++]);
		else
			s.form.nerrors = 0; /* an empty slot is no question */
		errors += s.form.nerrors;
		tw_form_free(&s.form);
	}
	return errors;
}

/* Checks the rules of the poll as a whole: a poll is one single or
 * multiple choice question, a questionnaire has at least one. */
static void
check_shape(struct tw_form *form, const struct tw_poll *poll)
{
	if (poll->nquestions == 0) {
		tw_form_error(form, "q1_kind", "Agent.Polls.NoQuestions", 0);
		return;
	}
	if (poll->questionnaire)
		return;
	if (poll->nquestions > 1)
		tw_form_error(form, "q2_kind", "Agent.Polls.PollOneQuestion",
		    0);
	else if (poll->questions[0].kind != TW_POLL_SINGLE &&
	    poll->questions[0].kind != TW_POLL_MULTIPLE)
		tw_form_error(form, "q1_kind", "Agent.Polls.PollChoiceKind", 0);
}

/* Reads a 0/1 checkbox; records an error for other values. */
static int
read_flag(struct tw_form *form, const char *field)
{
	const char *v = tw_form_value(form, field);

	if (v != NULL && strcmp(v, "1") != 0)
		tw_form_error(form, field, "Err.Choice", 0);
	return v != NULL;
}

/* Reads the closing time (and with opens, the opening time) as UTC. */
static void
read_times(struct tw_form *form, struct tw_poll *poll, int opens)
{
	const char *value;

	value = tw_form_value(form, "closes");
	if (value != NULL && tw_poll_time_utc(value, poll->closes_at) != TW_OK)
		tw_form_error(form, "closes", "Agent.Polls.BadTime", 0);
	value = tw_form_value(form, "opens");
	if (opens && value != NULL &&
	    tw_poll_time_utc(value, poll->opens_at) != TW_OK)
		tw_form_error(form, "opens", "Agent.Polls.BadTime", 0);
	if (poll->opens_at[0] != '\0' && poll->closes_at[0] != '\0' &&
	    strcmp(poll->closes_at, poll->opens_at) <= 0)
		tw_form_error(form, "closes", "Agent.Polls.ClosesBeforeOpens",
		    0);
}

/* Reads the limit of answers per address: 1 to PER_ADDRESS_MAX in any
 * digits, PER_ADDRESS_DEF when empty. */
static long
read_limit(struct tw_form *form)
{
	const char *typed = tw_form_value(form, "max_per_address");
	char *ascii;
	long n = -1;

	if (typed == NULL)
		return PER_ADDRESS_DEF;
	if ((ascii = tw_digits_ascii(typed)) != NULL && strlen(ascii) <= 7 &&
	    strspn(ascii, "0123456789") == strlen(ascii))
		n = atol(ascii);
	free(ascii);
	if (n < 1 || n > PER_ADDRESS_MAX)
		tw_form_error(form, "max_per_address", "Agent.Polls.BadLimit",
		    PER_ADDRESS_MAX);
	return n;
}

/* Reads the poll's own fields of a full form into poll. */
static void
read_poll(struct tw_form *form, struct tw_poll *poll)
{
	const char *kind = tw_form_value(form, "kind");

	if (kind != NULL && strcmp(kind, "questionnaire") != 0 &&
	    strcmp(kind, "poll") != 0)
		tw_form_error(form, "kind", "Err.Choice", 0);
	poll->questionnaire = kind && strcmp(kind, "questionnaire") == 0;
	poll->title[TW_LANG_AR] =
	    strdup(or_empty(tw_form_value(form, "title_ar")));
	poll->title[TW_LANG_EN] =
	    strdup(or_empty(tw_form_value(form, "title_en")));
	read_times(form, poll, 1);
	poll->show_results = read_flag(form, "show_results");
	poll->require_mobile = read_flag(form, "require_mobile");
	poll->max_per_address = read_limit(form);
}

/* Stores a validated poll and redirects to its results page, or shows
 * why it was not stored. */
static enum tw_err
save_poll(struct tw_req *req, struct tw_poll *poll, int full)
{
	char location[64];
	enum tw_err err;

	err = tw_poll_save(req->app->db, poll, req->staff.id, full);
	if (err == TW_ERR_CONFLICT)
		return form_failed(req, 409, "Agent.Polls.LockedNow");
	if (err == TW_ERR_NOTFOUND)
		return tw_render_error(req, 404);
	if (err != TW_OK)
		return err;
	tw_log_info("poll %lld saved by %s", poll->id, req->staff.username);
	snprintf(location, sizeof location, "/agent/polls/results/%lld?saved=1",
	    poll->id);
	return tw_redirect(req, 303, location);
}

/* Reads, checks and stores a whole poll: a new one (id 0) or one
 * without responses. */
static enum tw_err
post_full(struct tw_req *req, long long id)
{
	struct tw_poll *poll = calloc(1, sizeof *poll);
	struct tw_form form;
	enum tw_err err;
	int errors;

	if (poll == NULL)
		return TW_ERR_NOMEM;
	poll->id = id;
	form_start(req, &form);
	tw_form_read(&form, poll_fields, nitems(poll_fields), req->hdf);
	if (!staff_csrf_ok(req, &form)) {
		tw_form_free(&form);
		tw_poll_free(poll);
		return tw_render_error(req, 403);
	}
	read_poll(&form, poll);
	errors = read_questions(req, poll);
	check_shape(&form, poll);
	if (form.nerrors + errors > 0)
		err = render_form(req, 422);
	else
		err = save_poll(req, poll, 1);
	tw_form_free(&form);
	tw_poll_free(poll);
	return err;
}

/*
 * POST /agent/polls: creates a poll or questionnaire. Fields:
 * poll_fields and per question slot N (1 to TW_POLL_QUESTIONS_MAX)
 * qN_kind, qN_text_ar, qN_text_en, qN_required and, for choice
 * questions, qN_choices_ar and qN_choices_en with one choice per line,
 * as many in each language. 303 to its results page; 403 for a bad CSRF
 * field or a role without TW_ACT_POLLS; 422 with a message per field.
 * Stores the poll, its questions and choices, or nothing.
 */
enum tw_err
polls_create(struct tw_req *req)
{
	enum tw_err err;

	if (!require_staff(req, &err))
		return err;
	if (!tw_can(&req->staff, TW_ACT_POLLS, 0))
		return tw_render_error(req, 403);
	return post_full(req, 0);
}

/* Sets Form.Value.* of the questions of a stored poll. */
static void
fill_question_values(struct tw_req *req, const struct tw_poll *poll)
{
	for (size_t i = 0; i < poll->nquestions; i++) {
		const struct tw_poll_question *q = &poll->questions[i];
		STRING lines[TW_LANG_MAX];

		hdf_set_valuef(req->hdf, "Form.Value.q%zu_kind=%s", i + 1,
		    tw_poll_kind_name(q->kind));
		hdf_set_valuef(req->hdf, "Form.Value.q%zu_text_ar=%s", i + 1,
		    q->text[TW_LANG_AR]);
		hdf_set_valuef(req->hdf, "Form.Value.q%zu_text_en=%s", i + 1,
		    q->text[TW_LANG_EN]);
		if (q->required)
			hdf_set_valuef(req->hdf, "Form.Value.q%zu_required=1",
			    i + 1);
		for (int l = 0; l < TW_LANG_MAX; l++) {
			string_init(&lines[l]);
			for (size_t c = 0; c < q->nchoices; c++)
				string_appendf(&lines[l], "%s%s",
				    c > 0 ? "\n" : "", q->choices[c].text[l]);
		}
		hdf_set_valuef(req->hdf, "Form.Value.q%zu_choices_ar=%s", i + 1,
		    lines[TW_LANG_AR].buf ? lines[TW_LANG_AR].buf : "");
		hdf_set_valuef(req->hdf, "Form.Value.q%zu_choices_en=%s", i + 1,
		    lines[TW_LANG_EN].buf ? lines[TW_LANG_EN].buf : "");
		for (int l = 0; l < TW_LANG_MAX; l++)
			string_clear(&lines[l]);
	}
}

/* Sets Form.Value.* of a stored poll, as the edit form starts. */
static void
fill_values(struct tw_req *req, const struct tw_poll *poll)
{
	char local[17];

	hdf_set_value(req->hdf, "Form.Value.kind",
	    poll->questionnaire ? "questionnaire" : "poll");
	hdf_set_value(req->hdf, "Form.Value.title_ar", poll->title[TW_LANG_AR]);
	hdf_set_value(req->hdf, "Form.Value.title_en", poll->title[TW_LANG_EN]);
	tw_poll_time_local(poll->opens_at, local);
	hdf_set_value(req->hdf, "Form.Value.opens", local);
	tw_poll_time_local(poll->closes_at, local);
	hdf_set_value(req->hdf, "Form.Value.closes", local);
	if (poll->show_results)
		hdf_set_value(req->hdf, "Form.Value.show_results", "1");
	if (poll->require_mobile)
		hdf_set_value(req->hdf, "Form.Value.require_mobile", "1");
	hdf_set_valuef(req->hdf, "Form.Value.max_per_address=%ld",
	    poll->max_per_address);
	fill_question_values(req, poll);
}

/* Loads the poll of the path for an administrator into *poll; returns
 * 1, or 0 with *err the response already given. */
static int
load_for_admin(struct tw_req *req, struct tw_poll **poll, enum tw_err *err)
{
	long long id;

	*poll = NULL;
	if (!require_staff(req, err))
		return 0;
	if (!tw_can(&req->staff, TW_ACT_POLLS, 0)) {
		*err = tw_render_error(req, 403);
		return 0;
	}
	if (!path_id(req->arg, &id)) {
		*err = tw_render_error(req, 404);
		return 0;
	}
	*err = tw_poll_load(req->app->db, id, poll);
	if (*err == TW_ERR_NOTFOUND)
		*err = tw_render_error(req, 404);
	if (*poll == NULL)
		return 0;
	tw_poll_fill(*poll, req->lang, req->app->config->display_tz, req->hdf);
	return 1;
}

/*
 * GET /agent/polls/ID: the edit form of a poll. Before the first
 * response every field; after it the titles, closing time and results
 * flag, with the questions read only. 200; 403 for roles without
 * TW_ACT_POLLS; 404 for an unknown poll. Changes nothing.
 */
enum tw_err
polls_edit(struct tw_req *req)
{
	struct tw_poll *poll;
	enum tw_err err;

	if (!load_for_admin(req, &poll, &err))
		return err;
	fill_values(req, poll);
	tw_poll_free(poll);
	return render_form(req, 200);
}

/* Reads and stores what may change once a poll has responses. */
static enum tw_err
post_locked(struct tw_req *req, struct tw_poll *poll)
{
	struct tw_form form;
	enum tw_err err;

	form_start(req, &form);
	tw_form_read(&form, locked_fields, nitems(locked_fields), req->hdf);
	if (!staff_csrf_ok(req, &form)) {
		tw_form_free(&form);
		return tw_render_error(req, 403);
	}
	for (int l = 0; l < TW_LANG_MAX; l++) {
		free(poll->title[l]);
		poll->title[l] = NULL;
	}
	poll->title[TW_LANG_AR] =
	    strdup(or_empty(tw_form_value(&form, "title_ar")));
	poll->title[TW_LANG_EN] =
	    strdup(or_empty(tw_form_value(&form, "title_en")));
	poll->closes_at[0] = '\0';
	read_times(&form, poll, 0);
	poll->show_results = read_flag(&form, "show_results");
	err = form.nerrors > 0 ? render_form(req, 422)
	                       : save_poll(req, poll, 0);
	tw_form_free(&form);
	return err;
}

/*
 * POST /agent/polls/ID: changes a poll. Without responses, the fields
 * of POST /agent/polls replace everything. With responses only
 * locked_fields are read (titles, closing time, results flag), so the
 * stored answers keep their questions and choices. 303 to the results
 * page; 403 for a bad CSRF field or a role without TW_ACT_POLLS; 404
 * for an unknown poll; 409 when the first response came in while the
 * full form was open; 422 with a message per field. Stores all of it
 * or nothing.
 */
enum tw_err
polls_update(struct tw_req *req)
{
	struct tw_poll *poll;
	enum tw_err err;
	long long id;

	if (!load_for_admin(req, &poll, &err))
		return err;
	id = poll->id;
	if (poll->responses > 0)
		err = post_locked(req, poll);
	else
		err = post_full(req, id);
	tw_poll_free(poll);
	return err;
}

/* Appends one CSV row of the results. */
static void
csv_row(STRING *out, size_t number, const struct tw_poll_question *q,
    enum tw_lang lang, const char *answer, long long count)
{
	char cell[32], percent[16];

	snprintf(cell, sizeof cell, "%zu", number);
	csv_field(out, cell, 0);
	csv_field(out, q->text[lang], 0);
	csv_field(out, tw_poll_kind_name(q->kind), 0);
	csv_field(out, answer, 0);
	snprintf(cell, sizeof cell, "%lld", count);
	csv_field(out, cell, 0);
	tw_poll_percent(count, q->answered, percent, sizeof percent);
	csv_field(out, q->kind == TW_POLL_TEXT ? "" : percent, 1);
}

/* Appends the rows of question i: one per choice or scale value with
 * its count, or one per free text. */
static void
csv_question(STRING *out, const struct tw_poll *poll, size_t i,
    enum tw_lang lang)
{
	const struct tw_poll_question *q = &poll->questions[i];
	char value[8];

	if (q->kind == TW_POLL_SCALE)
		for (int v = 0; v < 5; v++) {
			snprintf(value, sizeof value, "%d", v + 1);
			csv_row(out, i + 1, q, lang, value, q->scale[v]);
		}
	for (size_t c = 0; c < q->nchoices; c++)
		csv_row(out, i + 1, q, lang, q->choices[c].text[lang],
		    q->choices[c].count);
	for (size_t r = 0;
	     q->kind == TW_POLL_TEXT && poll->texts && r < poll->texts->nrows;
	     r++)
		if (atoll(tw_rows_get(poll->texts, r, 0)) == q->id)
			csv_row(out, i + 1, q, lang,
			    tw_rows_get(poll->texts, r, 1), 1);
}

/* Sends the results as a CSV attachment in UTF-8 with a byte order
 * mark, in the staff member's language. */
static enum tw_err
send_results_csv(struct tw_req *req, const struct tw_poll *poll)
{
	static const char *const headers[] = { "question", "question_text",
		"kind", "answer", "count", "percent" };
	char disposition[96];

	string_clear(&req->body);
	string_init(&req->body);
	string_append(&req->body, "\xef\xbb\xbf");
	for (size_t c = 0; c < nitems(headers); c++)
		csv_field(&req->body, headers[c], c + 1 == nitems(headers));
	for (size_t i = 0; i < poll->nquestions; i++)
		csv_question(&req->body, poll, i, req->lang);
	snprintf(disposition, sizeof disposition,
	    "attachment; filename=\"tawasul-poll-%lld.csv\"", poll->id);
	req->status = 200;
	tw_req_header(req, "Content-Type", "text/csv; charset=utf-8");
	tw_req_header(req, "Content-Disposition", disposition);
	return TW_OK;
}

/* Reads the format field: 0 for HTML, 1 for CSV, -1 for others. */
static int
read_format(struct tw_req *req)
{
	struct tw_form form;
	const char *format;
	int csv = 0;

	form_start(req, &form);
	tw_form_read(&form, results_fields, nitems(results_fields), req->hdf);
	format = tw_form_value(&form, "format");
	if (format != NULL && strcmp(format, "csv") == 0)
		csv = 1;
	else if (format != NULL && strcmp(format, "html") != 0)
		csv = -1;
	tw_form_free(&form);
	return csv;
}

/*
 * GET /agent/polls/results/ID[?format=csv]: the results of a poll, open
 * or closed: per question the responses that answered it, per choice or
 * scale value the count, its share and a bar of an SVG chart, and the
 * free texts; or the same as CSV (question, question_text, kind,
 * answer, count, percent). 200; 403 for roles without
 * TW_ACT_POLL_RESULTS; 404 for an unknown poll or format. Changes
 * nothing.
 */
enum tw_err
polls_results(struct tw_req *req)
{
	struct tw_poll *poll;
	enum tw_err err;
	long long id;
	int csv;

	if (!require_staff(req, &err))
		return err;
	if (!tw_can(&req->staff, TW_ACT_POLL_RESULTS, 0))
		return tw_render_error(req, 403);
	if (!path_id(req->arg, &id) || (csv = read_format(req)) < 0)
		return tw_render_error(req, 404);
	if ((err = tw_poll_load(req->app->db, id, &poll)) == TW_ERR_NOTFOUND)
		return tw_render_error(req, 404);
	if (err == TW_OK)
		err = tw_poll_results_load(req->app->db, poll);
	if (err == TW_OK && csv)
		err = send_results_csv(req, poll);
	else if (err == TW_OK) {
		tw_poll_fill(poll, req->lang, req->app->config->display_tz,
		    req->hdf);
		tw_poll_results_fill(poll, 1, req->hdf);
		if (hdf_get_value(req->hdf, "Query.saved", NULL) != NULL)
			hdf_set_value(req->hdf, "Page.Saved", "1");
		hdf_set_valuef(req->hdf, "Page.Title=%s",
		    poll->title[req->lang]);
		hdf_set_value(req->hdf, "Page.Path", "/agent/polls");
		err = tw_render(req, 200, "agent_poll_results.cs");
	}
	tw_poll_free(poll);
	return err;
}
