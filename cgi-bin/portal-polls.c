/*
 * portal-polls.c: the residents' polls and questionnaires under
 * /{lang}/polls.
 *
 * Each resident responds to a poll once. The browser carries a signed
 * voter cookie, tw_voter, issued when a poll page is shown. A poll that
 * requires it confirms a mobile number with an SMS code first. The
 * answer form keeps what was typed when anything is rejected, and
 * nothing is stored then. Residents see the results after answering
 * when the poll allows it, never the free texts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "portal.h"
#include "tawasul.h"

#define VOTER_COOKIE  "tw_voter"
#define VOTER_MAX_AGE (365L * 24 * 60 * 60)
#define VALUES_MAX    16

static const struct tw_field answer_fields[] = {
	{ "csrf", TW_FIELD_TOKEN, 1, 0, 64 },
	{ "mobile", TW_FIELD_MOBILE, 0, 0, 0 },
	{ "code", TW_FIELD_LINE, 0, 0, 12 },
};

static const struct tw_field code_fields[] = {
	{ "csrf", TW_FIELD_TOKEN, 1, 0, 64 },
	{ "mobile", TW_FIELD_MOBILE, 1, 0, 0 },
};

/* Messages of tw_poll_check_answer's problems, by enum tw_poll_problem. */
static const char *const problem_keys[] = {
	[TW_POLL_OK] = "",
	[TW_POLL_MISSING] = "Err.Required",
	[TW_POLL_NOT_CHOICE] = "Polls.NotChoice",
	[TW_POLL_ONE_ONLY] = "Polls.OneOnly",
	[TW_POLL_SCALE_RANGE] = "Polls.ScaleRange",
	[TW_POLL_TOO_LONG] = "Err.TooLong",
	[TW_POLL_ENCODING] = "Err.Encoding",
};

static void
start_form(struct tw_req *req, struct tw_form *form)
{
	memset(form, 0, sizeof *form);
	form->strings = req->app->strings[req->lang];
}

/*
 * GET /{lang}/polls: the polls and questionnaires open now, soonest
 * closing first. Responds 200 and changes nothing.
 */
enum tw_err
polls_index(struct tw_req *req)
{
	enum tw_err err;

	if ((err = tw_poll_list(req->app->db, 1, req->lang,
	         req->app->config->display_tz, req->hdf)) != TW_OK)
		return err;
	hdf_set_value(req->hdf, "Page.Title",
	    tw_req_string(req, "Polls.Title"));
	return tw_render(req, 200, "polls.cs");
}

/* Loads the poll of the path. Returns TW_ERR_NOTFOUND for a malformed id. */
static enum tw_err
load_poll(struct tw_req *req, struct tw_poll **poll)
{
	size_t len = req->arg ? strlen(req->arg) : 0;

	*poll = NULL;
	if (len == 0 || len > 9 || strspn(req->arg, "0123456789") != len ||
	    atoll(req->arg) <= 0)
		return TW_ERR_NOTFOUND;
	return tw_poll_load(req->app->db, atoll(req->arg), poll);
}

/*
 * Reads the browser's voter cookie into hash. Returns 1 when it is
 * valid. Otherwise issues a new cookie, which this response sets, and
 * returns 0.
 */
static int
voter_hash(struct tw_req *req, char hash[65])
{
	const char *cookie =
	    hdf_get_value(req->hdf, "Cookie." VOTER_COOKIE, NULL);
	char fresh[TW_POLL_VOTER_LEN + 1];

	if (tw_poll_voter_check(req->app->config->secret, cookie, hash))
		return 1;
	if (tw_poll_voter_new(req->app->config->secret, fresh) == TW_OK)
		tw_req_cookie(req, VOTER_COOKIE, fresh, VOTER_MAX_AGE);
	hash[0] = '\0';
	return 0;
}

/*
 * Renders the poll page in one of its views: form, answered (with the
 * results when the poll shows them), closed, upcoming or code (a poll
 * that requires a mobile, before the code is sent).
 */
static enum tw_err
render_poll(struct tw_req *req, struct tw_poll *poll, const char *view,
    int status)
{
	const char *other = hdf_get_value(req->hdf, "Page.OtherLang", "en");
	enum tw_err err;

	if ((err = tw_csrf_prepare(req)) != TW_OK)
		return err;
	if (poll->show_results &&
	    (strcmp(view, "answered") == 0 || strcmp(view, "closed") == 0)) {
		if ((err = tw_poll_results_load(req->app->db, poll)) != TW_OK)
			return err;
		hdf_set_value(req->hdf, "Poll.Results", "1");
	}
	tw_poll_fill(poll, req->lang, req->app->config->display_tz, req->hdf);
	if (hdf_get_value(req->hdf, "Poll.Results", NULL) != NULL)
		tw_poll_results_fill(poll, 0, req->hdf);
	hdf_set_value(req->hdf, "Poll.View", view);
	hdf_set_value(req->hdf, "Page.Title", poll->title[req->lang]);
	hdf_set_value(req->hdf, "Page.Path", "/polls");
	hdf_set_valuef(req->hdf, "Page.OtherUrl=/%s/polls/%lld", other,
	    poll->id);
	return tw_render(req, status, "poll.cs");
}

/* Returns the view of a poll that is not open, or NULL when it is. */
static const char *
closed_view(const struct tw_poll *poll)
{
	if (poll->state == TW_POLL_UPCOMING)
		return "upcoming";
	if (poll->state == TW_POLL_CLOSED)
		return "closed";
	return NULL;
}

/*
 * GET /{lang}/polls/ID: the poll's form, or the page of a poll that is
 * not open yet, closed, or answered from this browser (with the results
 * when the poll shows them). Responds 200, or 404 for an unknown poll.
 * Sets the voter cookie when the browser has none.
 */
enum tw_err
poll_page(struct tw_req *req)
{
	struct tw_poll *poll;
	const char *view;
	char hash[65];
	int voted = 0;
	enum tw_err err;

	if ((err = load_poll(req, &poll)) == TW_ERR_NOTFOUND)
		return tw_render_error(req, 404);
	if (err != TW_OK)
		return err;
	view = closed_view(poll);
	if (voter_hash(req, hash) && !poll->require_mobile)
		err = tw_poll_voted(req->app->db, poll->id, hash, &voted);
	if (view == NULL)
		view = voted               ? "answered"
		    : poll->require_mobile ? "code"
		                           : "form";
	if (err == TW_OK)
		err = render_poll(req, poll, view, 200);
	tw_poll_free(poll);
	return err;
}

/* Collects the values posted for field name: one, or several for
 * checkboxes. Returns how many there were, which may exceed max. */
static size_t
query_values(HDF *hdf, const char *name, const char **values, size_t max)
{
	char key[48];
	HDF *node, *child;
	size_t n = 0;

	snprintf(key, sizeof key, "Query.%s", name);
	if ((node = hdf_get_obj(hdf, key)) == NULL)
		return 0;
	if ((child = hdf_obj_child(node)) == NULL) {
		values[0] = hdf_obj_value(node);
		return values[0] != NULL;
	}
	for (; child != NULL; child = hdf_obj_next(child), n++)
		if (n < max)
			values[n] = hdf_obj_value(child);
	return n;
}

/* Keeps the values typed for question q so the form shows them again. */
static void
keep_values(struct tw_req *req, const char *name,
    const struct tw_poll_question *q, const char *const *values, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t len = values[i] ? strlen(values[i]) : 0;

		if (values[i] == NULL || !tw_utf8_valid(values[i], len))
			continue;
		if (q->kind != TW_POLL_MULTIPLE) {
			hdf_set_valuef(req->hdf, "Form.Value.%s=%s", name,
			    values[i]);
			continue;
		}
		/* A choice id becomes part of an HDF name, so only digits
		 * are kept: anything else could name another node. */
		if (len > 0 && len <= 9 &&
		    strspn(values[i], "0123456789") == len)
			hdf_set_valuef(req->hdf, "Form.Checked.%s.%s=1", name,
			    values[i]);
	}
}

/* Reads and checks the answer of every question into answers, keeping
 * what was typed and recording an error per question. */
static void
read_answers(struct tw_req *req, struct tw_form *form,
    const struct tw_poll *poll, struct tw_poll_answer *answers)
{
	for (size_t i = 0; i < poll->nquestions; i++) {
		const struct tw_poll_question *q = &poll->questions[i];
		const char *values[VALUES_MAX];
		enum tw_poll_problem problem;
		char name[24];
		size_t n;

		snprintf(name, sizeof name, "q%lld", q->id);
		n = query_values(req->hdf, name, values, VALUES_MAX);
		keep_values(req, name, q, values,
		    n < VALUES_MAX ? n : VALUES_MAX);
		if (hdf_get_valuef(req->hdf, "Request.Nul.%s", name) != NULL)
			problem = TW_POLL_ENCODING;
		else if (n > VALUES_MAX)
			problem = TW_POLL_NOT_CHOICE;
		else
			problem =
			    tw_poll_check_answer(q, values, n, &answers[i]);
		if (problem != TW_POLL_OK)
			tw_form_error(form, name, problem_keys[problem],
			    TW_POLL_ANSWER_MAX);
	}
}

/* Checks the mobile number and code of a poll that requires them, and
 * writes the code as ASCII digits into code. */
static void
read_code(struct tw_form *form, char code[TW_POLL_CODE_LEN + 1])
{
	const char *typed = tw_form_value(form, "code");
	char *ascii;

	code[0] = '\0';
	if (tw_form_value(form, "mobile") == NULL &&
	    hdf_get_value(form->hdf, "Form.Error.mobile", NULL) == NULL)
		tw_form_error(form, "mobile", "Err.Required", 0);
	if (typed == NULL) {
		tw_form_error(form, "code", "Err.Required", 0);
		return;
	}
	ascii = tw_digits_ascii(typed);
	if (ascii != NULL && strlen(ascii) == TW_POLL_CODE_LEN &&
	    strspn(ascii, "0123456789") == TW_POLL_CODE_LEN)
		memcpy(code, ascii, TW_POLL_CODE_LEN + 1);
	else
		tw_form_error(form, "code", "Polls.CodeInvalid",
		    TW_POLL_CODE_LEN);
	free(ascii);
}

/* Renders the outcome of tw_poll_vote. */
static enum tw_err
vote_outcome(struct tw_req *req, struct tw_poll *poll, enum tw_err err)
{
	static const struct {
		enum tw_err err;
		int status;
		const char *view, *field, *key;
	} outcomes[] = {
		{ TW_OK, 200, "answered", NULL, NULL },
		{ TW_ERR_DUPLICATE, 409, "answered", "form",
		    "Polls.AlreadyAnswered" },
		{ TW_ERR_THROTTLED, 429, "form", "form", "Polls.AddressLimit" },
		{ TW_ERR_CONFLICT, 409, NULL, "form", "Polls.NotOpen" },
		{ TW_ERR_FORBIDDEN, 422, "form", "code", "Polls.CodeWrong" },
		{ TW_ERR_NOTFOUND, 422, "form", "code", "Polls.CodeExpired" },
	};

	for (size_t i = 0; i < nitems(outcomes); i++) {
		const char *view = outcomes[i].view;

		if (outcomes[i].err != err)
			continue;
		if (outcomes[i].key != NULL) {
			hdf_set_valuef(req->hdf, "Form.Error.%s=%s",
			    outcomes[i].field,
			    tw_req_string(req, outcomes[i].key));
			hdf_set_value(req->hdf, "Form.HasErrors", "1");
		}
		if (err == TW_OK)
			hdf_set_value(req->hdf, "Poll.Thanks", "1");
		if (view == NULL && (view = closed_view(poll)) == NULL)
			view = "closed";
		return render_poll(req, poll, view, outcomes[i].status);
	}
	return err;
}

/* Checks a posted response, which the caller stores when the form has
 * no errors. Returns the status for a rejected form. */
static int
check_post(struct tw_req *req, struct tw_form *form, struct tw_poll *poll,
    struct tw_poll_answer *answers, char hash[65], char code[])
{
	int status = 422;

	if (!tw_csrf_valid(req, tw_form_value(form, "csrf"))) {
		hdf_set_value(req->hdf, "Form.Error.form",
		    tw_req_string(req, "Err.Csrf"));
		form->nerrors++;
		status = 403;
	}
	read_answers(req, form, poll, answers);
	if (poll->require_mobile) {
		read_code(form, code);
		if (tw_form_value(form, "mobile") != NULL)
			tw_poll_mobile_hash(req->app->config->secret,
			    tw_form_value(form, "mobile"), hash);
	} else if (!voter_hash(req, hash) && status != 403) {
		hdf_set_value(req->hdf, "Form.Error.form",
		    tw_req_string(req, "Polls.NoCookie"));
		form->nerrors++;
		status = 403;
	}
	return status;
}

/*
 * POST /{lang}/polls/ID: one resident's answers. Fields: csrf, qN for
 * question id N (a choice id, several for a multiple choice question, a
 * scale value 1 to 5 or a free text), and mobile and code for a poll
 * that requires a confirmed mobile.
 *
 * Responds 200 with the thank-you page, and the results when the poll
 * shows them. Responds 409 when this browser or number has responded
 * already or the poll is not open, and 429 when the client address has
 * reached the poll's limit. Responds 403 for a bad CSRF field or a
 * browser without the voter cookie (which is then set), and 422 with a
 * message per question or for a wrong or expired code. The form keeps
 * what was typed. Stores the response and its answers, or nothing.
 */
enum tw_err
poll_post(struct tw_req *req)
{
	struct tw_poll_answer answers[TW_POLL_QUESTIONS_MAX];
	struct tw_poll *poll;
	struct tw_form form;
	char hash[65] = "", code[TW_POLL_CODE_LEN + 1] = "";
	const char *addr = tw_req_env(req, "REMOTE_ADDR");
	enum tw_err err;
	int status;

	if ((err = load_poll(req, &poll)) == TW_ERR_NOTFOUND)
		return tw_render_error(req, 404);
	if (err != TW_OK)
		return err;
	if (closed_view(poll) != NULL) {
		/* Nothing is checked or stored for a poll that is not open. */
		err = vote_outcome(req, poll, TW_ERR_CONFLICT);
		tw_poll_free(poll);
		return err;
	}
	memset(answers, 0, sizeof answers);
	start_form(req, &form);
	tw_form_read(&form, answer_fields, nitems(answer_fields), req->hdf);
	status = check_post(req, &form, poll, answers, hash, code);
	if (form.nerrors > 0)
		err = render_poll(req, poll, "form", status);
	else {
		struct tw_poll_vote vote = { hash, addr ? addr : "", req->lang,
			tw_form_value(&form, "mobile"), code, answers };

		err = vote_outcome(req, poll,
		    tw_poll_vote(req->app->db, poll, &vote));
	}
	for (size_t i = 0; i < TW_POLL_QUESTIONS_MAX; i++)
		tw_poll_answer_clear(&answers[i]);
	tw_form_free(&form);
	tw_poll_free(poll);
	return err;
}

/* Renders the outcome of tw_poll_code_send. */
static enum tw_err
code_outcome(struct tw_req *req, struct tw_poll *poll, enum tw_err err)
{
	if (err == TW_OK) {
		hdf_set_value(req->hdf, "Poll.CodeSent", "1");
		return render_poll(req, poll, "form", 200);
	}
	if (err == TW_ERR_THROTTLED) {
		hdf_set_value(req->hdf, "Form.Error.form",
		    tw_req_string(req, "Polls.CodeLimit"));
		return render_poll(req, poll, "code", 429);
	}
	if (err == TW_ERR_CONFLICT) {
		hdf_set_value(req->hdf, "Form.Error.form",
		    tw_req_string(req, "Polls.NotOpen"));
		return render_poll(req, poll,
		    closed_view(poll) ? closed_view(poll) : "form", 409);
	}
	return err;
}

/*
 * POST /{lang}/polls/code/ID: sends an SMS code to confirm a mobile
 * number for a poll that requires one. Fields: csrf, mobile.
 *
 * Responds 200 with the answer form and a field for the code, also for
 * a number that has already responded (its SMS states that), so that
 * the page does not reveal whether a number has voted. Responds 409
 * when the poll is not open, 429 after too many codes to the number or
 * from the address in an hour, 403 for a bad CSRF field, and 422 for an
 * invalid number. Stores the code's HMAC and queues its SMS, or
 * nothing.
 */
enum tw_err
poll_code_post(struct tw_req *req)
{
	struct tw_poll *poll;
	struct tw_form form;
	const char *addr = tw_req_env(req, "REMOTE_ADDR");
	int status = 422;
	enum tw_err err;

	if ((err = load_poll(req, &poll)) == TW_ERR_NOTFOUND)
		return tw_render_error(req, 404);
	if (err != TW_OK)
		return err;
	start_form(req, &form);
	tw_form_read(&form, code_fields, nitems(code_fields), req->hdf);
	if (!tw_csrf_valid(req, tw_form_value(&form, "csrf"))) {
		hdf_set_value(req->hdf, "Form.Error.form",
		    tw_req_string(req, "Err.Csrf"));
		form.nerrors++;
		status = 403;
	}
	if (!poll->require_mobile)
		err = tw_render_error(req, 404);
	else if (form.nerrors > 0)
		err = render_poll(req, poll, "code", status);
	else
		err = code_outcome(req, poll,
		    tw_poll_code_send(req->app->db,
		        req->app->strings[req->lang], poll,
		        tw_form_value(&form, "mobile"), addr ? addr : "",
		        req->lang));
	tw_form_free(&form);
	tw_poll_free(poll);
	return err;
}
