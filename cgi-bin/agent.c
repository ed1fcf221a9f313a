/*
 * agent.c: the staff intranet under /agent/.
 *
 * Route table, input tables, handlers. Every handler but the login page
 * starts with require_staff, which loads the session or sends the
 * browser to the login page; every decision about who may see or do
 * what is a call to tw_can or tw_action_allowed in lib/perm.c and
 * lib/casework.c. All state-changing routes are POSTs that carry the
 * session's CSRF token.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent.h"
#include "tawasul.h"

#define SESSION_COOKIE "tw_session"
#define PAGE_SIZE      50
#define FORM_MAX_AGE   (24L * 60 * 60)

static enum tw_err login_form(struct tw_req *);
static enum tw_err login_post(struct tw_req *);
static enum tw_err logout_post(struct tw_req *);
static enum tw_err home(struct tw_req *);
static enum tw_err queue(struct tw_req *);
static enum tw_err case_page(struct tw_req *);
static enum tw_err case_action(struct tw_req *);
static enum tw_err callers(struct tw_req *);
static enum tw_err register_form(struct tw_req *);
static enum tw_err register_post(struct tw_req *);
static enum tw_err lang_post(struct tw_req *);

static const struct tw_route routes[] = {
	{ "GET", "/agent/login", login_form, 0 },
	{ "POST", "/agent/login", login_post, 0 },
	{ "POST", "/agent/logout", logout_post, 0 },
	{ "GET", "/agent", home, 0 },
	{ "GET", "/agent/", home, 0 },
	{ "GET", "/agent/cases", queue, 0 },
	{ "GET", "/agent/cases/*", case_page, 0 },
	{ "POST", "/agent/cases/*", case_action, 0 },
	{ "GET", "/agent/callers", callers, 0 },
	{ "GET", "/agent/register", register_form, 0 },
	{ "POST", "/agent/register", register_post, 0 },
	{ "POST", "/agent/lang", lang_post, 0 },
	{ "GET", "/agent/qa", qa_list, 0 },
	{ "GET", "/agent/qa/cases/*", qa_case_page, 0 },
	{ "POST", "/agent/qa/cases/*", qa_case_post, 0 },
	{ "GET", "/agent/reports", reports, 0 },
	{ "GET", "/agent/reports/spots", spots, 0 },
	{ "GET", "/agent/reports/calls", call_figures, 0 },
	{ "GET", "/agent/dashboard", dashboard, 0 },
	{ "GET", "/agent/polls", polls_list, 0 },
	{ "GET", "/agent/polls/new", polls_new, 0 },
	{ "POST", "/agent/polls", polls_create, 0 },
	{ "GET", "/agent/polls/results/*", polls_results, 0 },
	{ "GET", "/agent/polls/*", polls_edit, 0 },
	{ "POST", "/agent/polls/*", polls_update, 0 },
	{ "GET", "/agent/attachments/*", attachment_download, 0 },
	{ "GET", "/agent/attachments/*/thumb", attachment_thumbnail, 0 },
	{ "GET", "/agent/services", services_index, 0 },
	{ "POST", "/agent/services", service_save, 0 },
	{ "GET", "/agent/services/new", service_edit_form, 0 },
	{ "GET", "/agent/services/*", service_show, 0 },
	{ "POST", "/agent/services/*/send", service_send, 0 },
	{ "GET", "/agent/services/*/edit", service_edit_form, 0 },
	{ "POST", "/agent/services/*/edit", service_save, 0 },
	{ "GET", "/agent/services/*/history", service_history, 0 },
	{ "GET", "/agent/calls", calls, 0 },
	{ "POST", "/agent/calls", call_returned, 0 },
};

static const struct tw_field login_fields[] = {
	{ "csrf", TW_FIELD_TOKEN, 1, 0, 64 },
	{ "username", TW_FIELD_LINE, 1, 1, 64 },
	{ "password", TW_FIELD_SECRET, 1, 0, 128 },
	{ "next", TW_FIELD_LINE, 0, 0, 300 },
};

static const struct tw_field csrf_fields[] = {
	{ "csrf", TW_FIELD_TOKEN, 1, 0, 64 },
	{ "lang", TW_FIELD_CODE, 0, 0, 2 },
	{ "next", TW_FIELD_LINE, 0, 0, 300 },
};

static const struct tw_field queue_fields[] = {
	{ "status", TW_FIELD_CODE, 0, 0, 16 },
	{ "directorate", TW_FIELD_CODE, 0, 0, 32 },
	{ "category", TW_FIELD_CODE, 0, 0, 32 },
	{ "wilayat", TW_FIELD_CODE, 0, 0, 32 },
	{ "channel", TW_FIELD_CODE, 0, 0, 16 },
	{ "priority", TW_FIELD_CODE, 0, 0, 16 },
	{ "overdue", TW_FIELD_CODE, 0, 0, 1 },
	{ "calls", TW_FIELD_CODE, 0, 0, 1 },
	{ "mine", TW_FIELD_CODE, 0, 0, 1 },
	{ "sort", TW_FIELD_CODE, 0, 0, 8 },
	{ "q", TW_FIELD_LINE, 0, 0, 200 },
	{ "after", TW_FIELD_LINE, 0, 0, 40 },
};

static const struct tw_field action_fields[] = {
	{ "csrf", TW_FIELD_TOKEN, 1, 0, 64 },
	{ "action", TW_FIELD_CODE, 1, 0, 16 },
	{ "version", TW_FIELD_CODE, 1, 0, 10 },
	{ "value", TW_FIELD_LINE, 0, 0, 64 },
	{ "note", TW_FIELD_TEXT, 0, 0, 2000 },
};

static const struct tw_field caller_fields[] = {
	{ "mobile", TW_FIELD_MOBILE, 0, 0, 0 },
};

static const struct tw_field register_fields[] = {
	{ "csrf", TW_FIELD_TOKEN, 1, 0, 64 },
	{ "form_token", TW_FIELD_TOKEN, 1, 0, 128 },
	{ "channel", TW_FIELD_CODE, 1, 0, 16 },
	{ "type", TW_FIELD_CODE, 1, 0, 16 },
	{ "category", TW_FIELD_CODE, 1, 0, 32 },
	{ "wilayat", TW_FIELD_CODE, 1, 0, 32 },
	{ "location", TW_FIELD_LINE, 0, 0, 200 },
	{ "lat", TW_FIELD_DECIMAL, 0, 0, 24 },
	{ "lon", TW_FIELD_DECIMAL, 0, 0, 24 },
	{ "description", TW_FIELD_TEXT, 1, 10, 4000 },
	{ "name", TW_FIELD_LINE, 1, 2, 100 },
	{ "mobile", TW_FIELD_MOBILE, 1, 0, 0 },
	{ "email", TW_FIELD_EMAIL, 0, 0, 254 },
	{ "lang", TW_FIELD_CODE, 1, 0, 2 },
};

/* The channels through which staff type in a case. */
static const char *const staff_channels[] = { "phone", "walk_in", "email",
	"fax", "social" };
static const char *const case_types[] = { "complaint", "suggestion", "inquiry",
	"compliment" };
static const char *const channels[] = { "portal", "app", "phone", "sms",
	"email", "fax", "walk_in", "social", "ivr" };
static const char *const priorities[] = { "low", "normal", "high", "urgent" };

/* Returns 1 when value is one of the n words of list. */
static int
one_of(const char *value, const char *const *list, size_t n)
{
	for (size_t i = 0; value != NULL && i < n; i++)
		if (strcmp(value, list[i]) == 0)
			return 1;
	return 0;
}

void
form_start(struct tw_req *req, struct tw_form *form)
{
	memset(form, 0, sizeof *form);
	form->strings = req->app->strings[req->lang];
}

/*
 * Returns 1 when next is a path of the intranet, safe to redirect to.
 * The path part before any '?' may contain no '.' or '%', so no dot
 * segment, typed or percent-encoded, leads the browser out of /agent/.
 */
static int
local_next(const char *next)
{
	static const char path_chars[] =
	    "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/_-";

	return next != NULL && strncmp(next, "/agent/", 7) == 0 &&
	    strstr(next, "//") == NULL && strchr(next, '\\') == NULL &&
	    strspn(next, path_chars) >= strcspn(next, "?") &&
	    strspn(next,
	        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	        "0123456789/?&=_-.%+|:") == strlen(next);
}

/* Sends the browser to the login page, keeping the page it asked for. */
static enum tw_err
to_login(struct tw_req *req)
{
	const char *query = tw_req_env(req, "QUERY_STRING");
	char next[512], *escaped = NULL, location[1100];

	snprintf(next, sizeof next, "%s%s%s", req->path,
	    query && *query ? "?" : "", query ? query : "");
	if (strcmp(req->method, "GET") != 0 || !local_next(next))
		snprintf(next, sizeof next, "/agent/cases");
	if (cgi_url_escape(next, &escaped) != STATUS_OK)
		return TW_ERR_NOMEM;
	snprintf(location, sizeof location, "/agent/login?next=%s", escaped);
	free(escaped);
	return tw_redirect(req, 303, location);
}

/*
 * Loads the staff member of the session cookie into req. Returns 1 when
 * the handler may go on; otherwise *err is the response already given:
 * a redirect to the login page, or a database error.
 */
int
require_staff(struct tw_req *req, enum tw_err *err)
{
	const char *token =
	    hdf_get_value(req->hdf, "Cookie." SESSION_COOKIE, NULL);
	HDF *hdf = req->hdf;

	*err = TW_ERR_NOTFOUND;
	if (token != NULL && strlen(token) == 43)
		*err = tw_session_load(req->app->db, &req->app->config->login,
		    token, &req->staff);
	if (*err == TW_ERR_NOTFOUND) {
		*err = to_login(req);
		return 0;
	}
	if (*err != TW_OK)
		return 0;
	req->has_staff = 1;
	tw_req_set_lang(req, req->staff.lang);
	hdf_set_value(hdf, "Staff.Name", req->staff.name);
	hdf_set_value(hdf, "Staff.Username", req->staff.username);
	hdf_set_value(hdf, "Staff.Role", tw_role_name(req->staff.role));
	hdf_set_value(hdf, "Staff.Csrf", req->staff.csrf);
	hdf_set_valuef(hdf, "Staff.DirectorateId=%lld",
	    req->staff.directorate_id);
	if (tw_can(&req->staff, TW_ACT_REGISTER, 0))
		hdf_set_value(hdf, "Staff.Can.register", "1");
	if (tw_can(&req->staff, TW_ACT_PERSONAL, 0) &&
	    !tw_role_scoped(req->staff.role))
		hdf_set_value(hdf, "Staff.Can.callers", "1");
	if (tw_can(&req->staff, TW_ACT_QA, 0))
		hdf_set_value(hdf, "Staff.Can.qa", "1");
	if (tw_can(&req->staff, TW_ACT_REPORTS, 0))
		hdf_set_value(hdf, "Staff.Can.reports", "1");
	if (tw_can(&req->staff, TW_ACT_REPORTS, 0))
		hdf_set_value(hdf, "Staff.Can.dashboard", "1");
	if (tw_can(&req->staff, TW_ACT_POLL_RESULTS, 0) ||
	    tw_can(&req->staff, TW_ACT_POLLS, 0))
		hdf_set_value(hdf, "Staff.Can.polls", "1");
	if (tw_can(&req->staff, TW_ACT_POLLS, 0))
		hdf_set_value(hdf, "Staff.Can.polls_admin", "1");
	return 1;
}

/* Returns 1 when the form's CSRF field matches the session's token. */
int
staff_csrf_ok(struct tw_req *req, const struct tw_form *form)
{
	const char *field = tw_form_value(form, "csrf");

	return field != NULL && tw_token_equal(field, req->staff.csrf);
}

/* Renders the 403 error page. The case or account is unchanged. */
static enum tw_err
forbidden(struct tw_req *req)
{
	return tw_render_error(req, 403);
}

/* Renders the login page with its CSRF field. */
static enum tw_err
render_login(struct tw_req *req, int status)
{
	enum tw_err err;

	if ((err = tw_csrf_prepare(req)) != TW_OK)
		return err;
	hdf_set_value(req->hdf, "Page.Title",
	    tw_req_string(req, "Agent.Login.Title"));
	return tw_render(req, status, "agent_login.cs");
}

/*
 * GET /agent/login[?next=PATH][&lang=ar|en]: the login form. 200; sets
 * the CSRF cookie, and the language cookie when lang is given.
 */
static enum tw_err
login_form(struct tw_req *req)
{
	const char *next = hdf_get_value(req->hdf, "Query.next", NULL);
	enum tw_lang lang;

	if (tw_lang_parse(hdf_get_value(req->hdf, "Query.lang", NULL), &lang) ==
	    TW_OK) {
		tw_req_cookie(req, "tw_lang", tw_lang_code(lang), 365L * 86400);
		tw_req_set_lang(req, lang);
	}
	if (local_next(next))
		hdf_set_value(req->hdf, "Form.Value.next", next);
	return render_login(req, 200);
}

/* Starts a session for a checked login and redirects onwards. */
static enum tw_err
start_session(struct tw_req *req, long long staff_id, const char *next)
{
	const char *old =
	    hdf_get_value(req->hdf, "Cookie." SESSION_COOKIE, NULL);
	const char *addr = tw_req_env(req, "REMOTE_ADDR");
	char token[44], csrf[44];
	enum tw_err err;

	/* A session the browser brought is ended, never reused. */
	if (old != NULL && (err = tw_session_end(req->app->db, old)) != TW_OK)
		return err;
	if ((err = tw_session_start(req->app->db, staff_id, addr ? addr : "",
	         token, csrf)) != TW_OK)
		return err;
	tw_req_staff_cookie(req, SESSION_COOKIE, token, 0);
	return tw_redirect(req, 303, local_next(next) ? next : "/agent/cases");
}

/*
 * POST /agent/login: fields login_fields. 303 to next (or the queue)
 * with a new session cookie; 403 for a wrong username or password or a
 * bad CSRF field; 429 when the account or address has failed too often
 * recently; 422 for missing fields. Records each failure.
 */
static enum tw_err
login_post(struct tw_req *req)
{
	struct tw_form form;
	const char *addr = tw_req_env(req, "REMOTE_ADDR");
	long long staff_id = 0;
	enum tw_err err;
	int status = 422;

	form_start(req, &form);
	tw_form_read(&form, login_fields, nitems(login_fields), req->hdf);
	hdf_remove_tree(req->hdf, "Form.Value.password");
	if (!tw_csrf_valid(req, tw_form_value(&form, "csrf"))) {
		hdf_set_value(req->hdf, "Form.Error.form",
		    tw_req_string(req, "Err.Csrf"));
		status = 403;
	} else if (form.nerrors == 0) {
		err = tw_login(req->app->db, &req->app->config->login,
		    tw_form_value(&form, "username"),
		    tw_form_value(&form, "password"), addr ? addr : "",
		    &staff_id);
		if (err == TW_OK)
			err = start_session(req, staff_id,
			    tw_form_value(&form, "next"));
		if (err != TW_ERR_FORBIDDEN && err != TW_ERR_THROTTLED) {
			tw_form_free(&form);
			return err;
		}
		status = err == TW_ERR_THROTTLED ? 429 : 403;
		hdf_set_value(req->hdf, "Form.Error.form",
		    tw_req_string(req,
		        status == 429 ? "Agent.Login.Throttled"
		                      : "Agent.Login.Wrong"));
		/* The username is left out: people type passwords into it. */
		tw_log_warn("login failed from %s: %s", addr ? addr : "?",
		    status == 429 ? "throttled" : "wrong credentials");
	}
	tw_form_free(&form);
	return render_login(req, status);
}

/*
 * POST /agent/logout: field csrf. 303 to the login page; the session
 * row is deleted, so the cookie is worthless even if kept. 403 for a
 * bad CSRF field.
 */
static enum tw_err
logout_post(struct tw_req *req)
{
	struct tw_form form;
	enum tw_err err;
	int ok;

	if (!require_staff(req, &err))
		return err;
	form_start(req, &form);
	tw_form_read(&form, csrf_fields, nitems(csrf_fields), req->hdf);
	ok = staff_csrf_ok(req, &form);
	tw_form_free(&form);
	if (!ok)
		return forbidden(req);
	if ((err = tw_session_end(req->app->db,
	         hdf_get_value(req->hdf, "Cookie." SESSION_COOKIE, ""))) !=
	    TW_OK)
		return err;
	tw_req_staff_cookie(req, SESSION_COOKIE, "", 1);
	return tw_redirect(req, 303, "/agent/login");
}

/*
 * POST /agent/lang: fields csrf, lang, next. Stores the staff member's
 * language and redirects (303) to next. 403 for a bad CSRF field, 422 for a
 * language other than ar or en.
 */
static enum tw_err
lang_post(struct tw_req *req)
{
	struct tw_form form;
	enum tw_lang lang;
	enum tw_err err;
	char next[301];

	if (!require_staff(req, &err))
		return err;
	form_start(req, &form);
	tw_form_read(&form, csrf_fields, nitems(csrf_fields), req->hdf);
	if (!staff_csrf_ok(req, &form)) {
		tw_form_free(&form);
		return forbidden(req);
	}
	snprintf(next, sizeof next, "%s",
	    local_next(tw_form_value(&form, "next"))
	        ? tw_form_value(&form, "next")
	        : "/agent/cases");
	err = tw_lang_parse(tw_form_value(&form, "lang"), &lang);
	tw_form_free(&form);
	if (err != TW_OK)
		return tw_render_error(req, 422);
	if ((err = tw_staff_set_lang(req->app->db, req->staff.id, lang)) !=
	    TW_OK)
		return err;
	tw_req_cookie(req, "tw_lang", tw_lang_code(lang), 365L * 86400);
	return tw_redirect(req, 303, next);
}

/* GET /agent: 303 to the queue, or to the login page. */
static enum tw_err
home(struct tw_req *req)
{
	enum tw_err err;

	if (!require_staff(req, &err))
		return err;
	return tw_redirect(req, 303, "/agent/cases");
}

/* Returns the code of the staff member's directorate, or NULL. */
static const char *
own_directorate(struct tw_req *req)
{
	HDF *item = hdf_get_child(req->hdf, "Ref.Directorates");

	for (; item != NULL; item = hdf_obj_next(item))
		if (atoll(hdf_get_value(item, "Id", "0")) ==
		    req->staff.directorate_id)
			return hdf_get_value(item, "Code", NULL);
	return NULL;
}

/*
 * Reads the search box: a mobile number in any form, a case number, or
 * words. Eight digits starting with 9 or 7 are both a mobile and a
 * possible case number: the mobile wins when a resident has it. Staff
 * who may not see personal data cannot search by mobile.
 * Returns 0, or -1 after recording a message for a mistyped case number
 * or a database error in *err.
 */
static int
read_search(struct tw_req *req, struct tw_form *form, struct tw_queue_filter *f,
    char number[TW_CASENUM_LEN + 1])
{
	const char *q = tw_form_value(form, "q");
	enum tw_err parsed;
	char mobile[16];
	long long customer = 0;

	if (q == NULL)
		return 0;
	parsed = tw_casenum_parse(q, number);
	/* Finding a resident's cases by mobile is seeing personal data. */
	if (tw_can(&req->staff, TW_ACT_PERSONAL, 0) &&
	    tw_mobile_normalise(q, mobile) == TW_OK) {
		if (tw_customer_id(req->app->db, mobile, &customer) != TW_OK)
			return -1;
		if (customer > 0 || parsed != TW_OK) {
			f->customer_id = customer;
			if (customer == 0)
				f->number =
				    "0"; /* no resident has it, so no rows */
			return 0;
		}
	}
	if (parsed == TW_OK) {
		f->number = number;
		return 0;
	}
	if (parsed == TW_ERR_CHECKSUM) {
		tw_form_error(form, "q", "Err.CaseNumberMistyped", 0);
		return -1;
	}
	f->words = q;
	return 0;
}

/* Fills the queue filter from the validated form and the staff's scope. */
static void
read_filters(struct tw_req *req, struct tw_form *form,
    struct tw_queue_filter *f)
{
	enum tw_state state;
	const char *v;

	memset(f, 0, sizeof *f);
	f->page_size = PAGE_SIZE;
	v = tw_form_value(form, "status");
	if (v != NULL && tw_state_parse(v, &state) != TW_OK)
		tw_form_error(form, "status", "Err.Choice", 0);
	f->status = v;
	f->directorate = tw_form_value(form, "directorate");
	f->category = tw_form_value(form, "category");
	f->wilayat = tw_form_value(form, "wilayat");
	f->channel = tw_form_value(form, "channel");
	f->priority = tw_form_value(form, "priority");
	if (f->channel && !one_of(f->channel, channels, nitems(channels)))
		tw_form_error(form, "channel", "Err.Choice", 0);
	if (f->priority && !one_of(f->priority, priorities, nitems(priorities)))
		tw_form_error(form, "priority", "Err.Choice", 0);
	f->overdue = tw_form_value(form, "overdue") != NULL;
	f->calls = tw_form_value(form, "calls") != NULL;
	if (tw_form_value(form, "mine") != NULL)
		f->assigned_to = req->staff.id;
	v = tw_form_value(form, "sort");
	f->sort = v && strcmp(v, "oldest") == 0 ? TW_SORT_OLDEST
	    : v && strcmp(v, "due") == 0        ? TW_SORT_DUE
	                                        : TW_SORT_NEWEST;
	f->after = tw_form_value(form, "after");
	/* Officers and directorate heads see only their directorate. */
	if (tw_role_scoped(req->staff.role)) {
		f->directorate = own_directorate(req);
		if (f->directorate == NULL)
			f->number = "0";
		hdf_set_value(req->hdf, "Queue.Scoped", "1");
	}
}

/*
 * Sets Queue.BaseQuery, the filters of this page without the status and
 * the cursor, and Queue.NextUrl when there is a next page.
 */
static void
fill_queue_links(struct tw_req *req)
{
	const char *next = hdf_get_value(req->hdf, "Queue.Next", NULL);
	STRING query;
	char *escaped;

	string_init(&query);
	for (size_t i = 0; i < nitems(queue_fields); i++) {
		const char *name = queue_fields[i].name;
		const char *value =
		    hdf_get_valuef(req->hdf, "Form.Value.%s", name);

		if (value == NULL || strcmp(name, "status") == 0 ||
		    strcmp(name, "after") == 0 ||
		    cgi_url_escape(value, &escaped) != STATUS_OK)
			continue;
		string_appendf(&query, "%s%s=%s", query.len ? "&" : "", name,
		    escaped);
		free(escaped);
	}
	hdf_set_value(req->hdf, "Queue.BaseQuery", query.buf ? query.buf : "");
	if (next != NULL && cgi_url_escape(next, &escaped) == STATUS_OK) {
		const char *status =
		    hdf_get_value(req->hdf, "Form.Value.status", NULL);

		/* The status was validated as a code, so it needs no escape. */
		if (status != NULL)
			string_appendf(&query, "%sstatus=%s",
			    query.len ? "&" : "", status);
		string_appendf(&query, "%safter=%s", query.len ? "&" : "",
		    escaped);
		hdf_set_valuef(req->hdf, "Queue.NextUrl=/agent/cases?%s",
		    query.buf);
		free(escaped);
	}
	string_clear(&query);
}

/*
 * GET /agent/cases: the queue. Fields queue_fields, all optional:
 * filters, a search box (case number, mobile in any form, or words), a
 * sort order and the cursor of the next page. 200; 422 with a message
 * for an invalid filter or a mistyped case number. Changes nothing.
 */
static enum tw_err
queue(struct tw_req *req)
{
	char number[TW_CASENUM_LEN + 1];
	struct tw_queue_filter f;
	struct tw_form form;
	enum tw_err err;
	int status = 200;

	if (!require_staff(req, &err))
		return err;
	if (!tw_can(&req->staff, TW_ACT_QUEUE, 0))
		return forbidden(req);
	if ((err = tw_refdata_fill(req->app->db, req->hdf, req->lang)) != TW_OK)
		return err;
	form_start(req, &form);
	tw_form_read(&form, queue_fields, nitems(queue_fields), req->hdf);
	read_filters(req, &form, &f);
	if (read_search(req, &form, &f, number) == 0 && form.nerrors == 0) {
		err = tw_queue_fill(req->app->db, &f, req->lang,
		    req->app->config->display_tz, req->hdf);
		if (err == TW_ERR_INPUT) {
			tw_form_error(&form, f.words ? "q" : "after",
			    f.words ? "Agent.Queue.NoWords" : "Err.Invalid", 0);
			err = TW_OK;
		}
	}
	tw_form_free(&form);
	if (err != TW_OK)
		return err;
	if (form.nerrors > 0)
		status = 422;
	fill_queue_links(req);
	if (tw_casenum_parse(hdf_get_value(req->hdf, "Query.routed", ""),
	        number) == TW_OK)
		hdf_set_value(req->hdf, "Queue.Routed", number);
	hdf_set_value(req->hdf, "Page.Title",
	    tw_req_string(req, "Agent.Queue.Title"));
	return tw_render(req, status, "agent_queue.cs");
}

/*
 * Removes what a resident sent with a service request, the values of
 * its fields and its files, from the case page of a role that may not
 * see personal data, and says how many files there are.
 */
static enum tw_err
hide_request_details(struct tw_req *req)
{
	int files = 0;
	char n[24], *note;

	for (HDF *c = hdf_get_child(req->hdf, "Case.Attachments"); c != NULL;
	     c = hdf_obj_next(c))
		files++;
	hdf_remove_tree(req->hdf, "Case.Attachments");
	hdf_remove_tree(req->hdf, "Case.Fields");
	if (hdf_get_value(req->hdf, "Case.Service.Code", NULL) == NULL)
		return TW_OK;
	snprintf(n, sizeof n, "%d", files);
	if ((note = tw_str_replace(tw_req_string(req, "Agent.Request.Hidden"),
	         "{n}", n)) == NULL)
		return TW_ERR_NOMEM;
	hdf_set_value(req->hdf, "Case.RequestHidden", note);
	free(note);
	return TW_OK;
}

/* Renders the case page for number with the given status. */
static enum tw_err
render_case(struct tw_req *req, const char *number, int status)
{
	enum tw_err err;

	err = tw_case_page(req->app->db, &req->staff, number, req->lang,
	    req->app->config->display_tz, req->hdf);
	if (err == TW_ERR_NOTFOUND)
		return tw_render_error(req, 404);
	if (err == TW_ERR_FORBIDDEN)
		return forbidden(req);
	if (err == TW_OK)
		err = tw_svcrequest_case_fill(req->app->db, number, req->lang,
		    req->hdf);
	if (err == TW_OK && !tw_can(&req->staff, TW_ACT_PERSONAL, 0))
		err = hide_request_details(req);
	if (err == TW_OK)
		err = tw_refdata_fill(req->app->db, req->hdf, req->lang);
	/* The phone-line calls about the case show the callers' numbers. */
	if (err == TW_OK && tw_can(&req->staff, TW_ACT_PERSONAL, 0))
		err = tw_ivr_calls_fill(req->app->db, TW_IVR_BY_CASE, number,
		    req->app->config->display_tz, req->hdf, "Calls");
	if (err != TW_OK)
		return err;
	snprintf(req->case_number, sizeof req->case_number, "%s", number);
	hdf_set_valuef(req->hdf, "Page.Title=%s %s",
	    tw_req_string(req, "Agent.Case.Title"), number);
	return tw_render(req, status, "agent_case.cs");
}

/*
 * GET /agent/cases/NUMBER[?done=ACTION]: the case page. 200; 404 for an
 * unknown or malformed number; 403 when the staff member may not see
 * this case (another directorate's, for an officer). Changes nothing.
 */
static enum tw_err
case_page(struct tw_req *req)
{
	char number[TW_CASENUM_LEN + 1];
	enum tw_action done;
	enum tw_err err;

	if (!require_staff(req, &err))
		return err;
	if (tw_casenum_parse(req->arg, number) != TW_OK)
		return tw_render_error(req, 404);
	if (tw_action_parse(hdf_get_value(req->hdf, "Query.done", NULL),
	        &done) == TW_OK)
		hdf_set_value(req->hdf, "Page.Done", tw_action_name(done));
	return render_case(req, number, 200);
}

/* Returns 1 for the actions that need a note: casework.c rejects them
 * without one, and the message names the cause. */
static int
note_required(enum tw_action action)
{
	return action == TW_ACT_RESOLVE || action == TW_ACT_REOPEN ||
	    action == TW_ACT_REJECT || action == TW_ACT_NOTE ||
	    action == TW_ACT_REPLY || action == TW_ACT_REFER;
}

/*
 * POST /agent/cases/NUMBER: one action on the case. Fields
 * action_fields: the action, the version shown, its value (directorate,
 * username, priority, category or original case number) and note.
 * 303 back to the case page; 403 for a bad CSRF field or an action the
 * role or directorate does not allow; 404 for an unknown case; 409 when
 * the case changed since the page was loaded or its state does not
 * allow the action; 422 for a missing note or an unknown value. Changes
 * the case, its history and the outbox in one transaction, or nothing.
 */
static enum tw_err
case_action(struct tw_req *req)
{
	char number[TW_CASENUM_LEN + 1], location[80];
	char original[TW_CASENUM_LEN + 1];
	const char *invalid_key;
	struct tw_action_input in;
	struct tw_form form;
	enum tw_err err;
	const char *key;
	int status;

	if (!require_staff(req, &err))
		return err;
	if (tw_casenum_parse(req->arg, number) != TW_OK)
		return tw_render_error(req, 404);
	form_start(req, &form);
	tw_form_read(&form, action_fields, nitems(action_fields), req->hdf);
	memset(&in, 0, sizeof in);
	if (!staff_csrf_ok(req, &form)) {
		tw_form_free(&form);
		return forbidden(req);
	}
	if (tw_action_parse(tw_form_value(&form, "action"), &in.action) !=
	        TW_OK ||
	    tw_form_value(&form, "version") == NULL ||
	    strspn(tw_form_value(&form, "version"), "0123456789") !=
	        strlen(tw_form_value(&form, "version"))) {
		tw_form_free(&form);
		return tw_render_error(req, 400);
	}
	in.version = atoll(tw_form_value(&form, "version"));
	in.value = tw_form_value(&form, "value");
	/* The original of a duplicate is typed: read it as a case number. */
	if (in.action == TW_ACT_DUPLICATE && in.value != NULL)
		in.value = tw_casenum_parse(in.value, original) == TW_OK
		    ? original
		    : NULL;
	in.note = tw_form_value(&form, "note");
	err = form.nerrors ? TW_ERR_INPUT
	                   : tw_case_act(req->app->db, req->app->strings,
	                         &req->staff, number, &in);
	invalid_key = form.nerrors ? "Agent.Case.InvalidNote"
	    : in.note == NULL && note_required(in.action)
	    ? "Agent.Case.NoteRequired"
	    : "Agent.Case.InvalidValue";
	tw_form_free(&form);
	snprintf(req->case_number, sizeof req->case_number, "%s", number);
	switch (err) {
	case TW_OK:
		/* A case routed out of the staff member's directorate is
		 * no longer theirs to see: back to the queue, with a notice. */
		if (in.action == TW_ACT_ROUTE &&
		    tw_role_scoped(req->staff.role))
			snprintf(location, sizeof location,
			    "/agent/cases?routed=%s", number);
		else
			snprintf(location, sizeof location,
			    "/agent/cases/%s?done=%s", number,
			    tw_action_name(in.action));
		return tw_redirect(req, 303, location);
	case TW_ERR_FORBIDDEN:
		return forbidden(req);
	case TW_ERR_NOTFOUND:
		return tw_render_error(req, 404);
	case TW_ERR_CONFLICT:
		key = "Agent.Case.Conflict";
		status = 409;
		break;
	case TW_ERR_INPUT:
		key = invalid_key;
		status = 422;
		break;
	default:
		return err;
	}
	hdf_set_value(req->hdf, "Form.Error.form", tw_req_string(req, key));
	hdf_set_value(req->hdf, "Form.Action", tw_action_name(in.action));
	return render_case(req, number, status);
}

/*
 * GET /agent/callers[?mobile=NUMBER]: looks up a caller by mobile number
 * in any form and shows the profile with every earlier case, or offers
 * to register a first case. 200; 404 when no resident has the number; 422
 * for a number that is not an Omani mobile. Changes nothing.
 */
static enum tw_err
callers(struct tw_req *req)
{
	struct tw_form form;
	long long customer;
	enum tw_err err;
	int status = 200;

	if (!require_staff(req, &err))
		return err;
	/* A caller's profile lists cases of every directorate, so staff
	 * bound to one directorate search the queue instead. */
	if (!tw_can(&req->staff, TW_ACT_PERSONAL, 0) ||
	    tw_role_scoped(req->staff.role))
		return forbidden(req);
	form_start(req, &form);
	tw_form_read(&form, caller_fields, nitems(caller_fields), req->hdf);
	if (form.nerrors > 0)
		status = 422;
	else if (tw_form_value(&form, "mobile") != NULL) {
		hdf_set_value(req->hdf, "Caller.Mobile",
		    tw_form_value(&form, "mobile"));
		err = tw_customer_profile(req->app->db,
		    tw_form_value(&form, "mobile"), req->lang,
		    req->app->config->display_tz, req->hdf, &customer);
		if (err == TW_ERR_NOTFOUND) {
			hdf_set_value(req->hdf, "Caller.New", "1");
			status = 404;
			err = TW_OK;
		}
		if (err == TW_OK)
			err = tw_ivr_calls_fill(req->app->db, TW_IVR_BY_CALLER,
			    tw_form_value(&form, "mobile"),
			    req->app->config->display_tz, req->hdf, "Calls");
		if (err != TW_OK) {
			tw_form_free(&form);
			return err;
		}
	}
	tw_form_free(&form);
	hdf_set_value(req->hdf, "Page.Title",
	    tw_req_string(req, "Agent.Callers.Title"));
	return tw_render(req, status, "agent_callers.cs");
}

/* Renders the registration form with a CSRF field and form token. */
static enum tw_err
render_register(struct tw_req *req, int status, const char *token)
{
	char fresh[128];
	enum tw_err err;

	if (token == NULL) {
		if ((err = tw_form_token_new(req->app->config->secret,
		         time(NULL), fresh, sizeof fresh)) != TW_OK)
			return err;
		token = fresh;
	}
	hdf_set_value(req->hdf, "Form.Token", token);
	hdf_set_value(req->hdf, "Page.Title",
	    tw_req_string(req, "Agent.Register.Title"));
	return tw_render(req, status, "agent_register.cs");
}

/*
 * GET /agent/register[?mobile=NUMBER]: the form to register a case for
 * a caller, with the mobile and, for a known caller, the name filled
 * in. 200; 403 for roles that do not register cases.
 */
static enum tw_err
register_form(struct tw_req *req)
{
	struct tw_form form;
	long long customer;
	enum tw_err err;

	if (!require_staff(req, &err))
		return err;
	if (!tw_can(&req->staff, TW_ACT_REGISTER, 0))
		return forbidden(req);
	if ((err = tw_refdata_fill(req->app->db, req->hdf, req->lang)) != TW_OK)
		return err;
	form_start(req, &form);
	tw_form_read(&form, caller_fields, nitems(caller_fields), req->hdf);
	if (tw_form_value(&form, "mobile") != NULL &&
	    tw_customer_profile(req->app->db, tw_form_value(&form, "mobile"),
	        req->lang, req->app->config->display_tz, req->hdf,
	        &customer) == TW_OK) {
		hdf_set_copy(req->hdf, "Form.Value.name", "Customer.Name");
		hdf_set_copy(req->hdf, "Form.Value.email", "Customer.Email");
		hdf_set_copy(req->hdf, "Form.Value.lang", "Customer.Lang");
	}
	hdf_remove_tree(req->hdf, "Form.Error");
	hdf_remove_tree(req->hdf, "Form.HasErrors");
	tw_form_free(&form);
	return render_register(req, 200, NULL);
}

/* Checks the choices and coordinates of a registration. */
static void
check_register(struct tw_req *req, struct tw_form *form, double *lat,
    double *lon, int *has_coords)
{
	static const char *const langs[] = { "ar", "en" };

	if (!one_of(tw_form_value(form, "channel"), staff_channels,
	        nitems(staff_channels)) &&
	    tw_form_value(form, "channel"))
		tw_form_error(form, "channel", "Err.Choice", 0);
	if (!one_of(tw_form_value(form, "type"), case_types,
	        nitems(case_types)) &&
	    tw_form_value(form, "type"))
		tw_form_error(form, "type", "Err.Choice", 0);
	if (!one_of(tw_form_value(form, "lang"), langs, 2) &&
	    tw_form_value(form, "lang"))
		tw_form_error(form, "lang", "Err.Choice", 0);
	tw_form_choice(form, "category", "Ref.Categories");
	tw_form_choice(form, "wilayat", "Ref.Wilayats");
	*has_coords = tw_form_coords(form, &req->app->config->area, lat, lon);
}

/* Creates the case of a validated registration and redirects to it. */
static enum tw_err
create_registered(struct tw_req *req, struct tw_form *form, const char *nonce,
    const double *lat, const double *lon)
{
	char number[TW_CASENUM_LEN + 1], location[40];
	enum tw_lang lang = TW_LANG_AR;
	enum tw_err err;

	(void)tw_lang_parse(tw_form_value(form, "lang"), &lang);
	struct tw_case_new c = {
		.type = tw_form_value(form, "type"),
		.channel = tw_form_value(form, "channel"),
		.category = tw_form_value(form, "category"),
		.wilayat = tw_form_value(form, "wilayat"),
		.location = tw_form_value(form, "location"),
		.lat = lat,
		.lon = lon,
		.description = tw_form_value(form, "description"),
		.name = tw_form_value(form, "name"),
		.mobile = tw_form_value(form, "mobile"),
		.email = tw_form_value(form, "email"),
		.lang = lang,
		.form_token = nonce,
		.registered_by = req->staff.id,
	};
	err = tw_case_create(req->app->db, req->app->strings[lang], &c, number);
	if (err == TW_ERR_INPUT) {
		/* The category or wilayat was withdrawn since the form loaded.
		 */
		tw_form_error(form, "category", "Err.Choice", 0);
		return render_register(req, 422,
		    tw_form_value(form, "form_token"));
	}
	if (err == TW_ERR_CONFLICT) {
		/* The form was reused for another call: keep what was typed
		 * and give it a fresh token. */
		char *message =
		    tw_str_replace(tw_req_string(req, "Err.FormReused"),
		        "{number}", number);

		hdf_set_value(req->hdf, "Form.Error.form",
		    message ? message : "");
		free(message);
		return render_register(req, 409, NULL);
	}
	if (err != TW_OK && err != TW_ERR_DUPLICATE)
		return err;
	snprintf(req->case_number, sizeof req->case_number, "%s", number);
	snprintf(location, sizeof location, "/agent/cases/%s", number);
	return tw_redirect(req, 303, location);
}

/*
 * POST /agent/register: registers a case for a caller. Fields
 * register_fields, validated like the portal's complaint form, plus the
 * channel it came through and the resident's language. 303 to the new
 * case, also for a repeated post of the same form; 403 for a bad CSRF
 * field, a bad form token or a role that does not register; 422 with a
 * message per field. Writes the customer, the case, its events and the
 * receipt SMS in one transaction, or nothing.
 */
static enum tw_err
register_post(struct tw_req *req)
{
	struct tw_form form;
	char nonce[33];
	double lat = 0, lon = 0;
	int has_coords = 0, status = 422, token_ok;
	enum tw_err err;

	if (!require_staff(req, &err))
		return err;
	if (!tw_can(&req->staff, TW_ACT_REGISTER, 0))
		return forbidden(req);
	if ((err = tw_refdata_fill(req->app->db, req->hdf, req->lang)) != TW_OK)
		return err;
	form_start(req, &form);
	tw_form_read(&form, register_fields, nitems(register_fields), req->hdf);
	token_ok = tw_form_value(&form, "form_token") != NULL &&
	    tw_form_token_check(req->app->config->secret,
	        tw_form_value(&form, "form_token"), time(NULL), FORM_MAX_AGE,
	        nonce) == TW_OK;
	if (!staff_csrf_ok(req, &form) || !token_ok) {
		hdf_set_value(req->hdf, "Form.Error.form",
		    tw_req_string(req,
		        token_ok ? "Err.Csrf" : "Err.FormToken"));
		form.nerrors++;
		status = 403;
	}
	check_register(req, &form, &lat, &lon, &has_coords);
	if (form.nerrors > 0)
		err = render_register(req, status,
		    token_ok ? tw_form_value(&form, "form_token") : NULL);
	else
		err = create_registered(req, &form, nonce,
		    has_coords ? &lat : NULL, has_coords ? &lon : NULL);
	tw_form_free(&form);
	return err;
}

int
main(int argc, char **argv)
{
	struct tw_app app = {
		.program = "agent",
		.localised = 0,
		.routes = routes,
		.nroutes = nitems(routes),
	};

	return tw_main(argc, argv, &app);
}
