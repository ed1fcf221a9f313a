/*
 * portal.c: the residents' portal under /ar/ and /en/.
 *
 * Route table, input tables, handlers. Handlers see validated values
 * only, call lib/ for everything they change and fill HDF for the
 * templates; nothing here prints HTML or builds SQL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "portal.h"
#include "tawasul.h"

/* A form token older than this is rejected: one day to fill a form. */
#define FORM_MAX_AGE (24L * 60 * 60)

static enum tw_err home(struct tw_req *);
static enum tw_err complaint_form(struct tw_req *);
static enum tw_err complaint_post(struct tw_req *);
static enum tw_err complaint_done(struct tw_req *);
static enum tw_err track_form(struct tw_req *);
static enum tw_err track_post(struct tw_req *);
static enum tw_err survey_page(struct tw_req *);
static enum tw_err survey_post(struct tw_req *);
/* portal-request.c */
enum tw_err service_request_form(struct tw_req *);
enum tw_err service_request_post(struct tw_req *);

static const struct tw_route routes[] = {
	{ "GET", "/", home, 0 },
	{ "GET", "/complaints/new", complaint_form, 0 },
	{ "POST", "/complaints", complaint_post, 0 },
	{ "GET", "/complaints/done", complaint_done, 0 },
	{ "GET", "/track", track_form, 0 },
	{ "POST", "/track", track_post, 0 },
	{ "GET", "/s/*", survey_page, 1 },
	{ "POST", "/s/*", survey_post, 1 },
	{ "GET", "/polls", polls_index, 0 },
	{ "GET", "/polls/*", poll_page, 0 },
	{ "POST", "/polls/*", poll_post, 0 },
	{ "POST", "/polls/code/*", poll_code_post, 0 },
	{ "GET", "/services/*/request", service_request_form, 0 },
	{ "POST", "/services/*/request", service_request_post, 0 },
	{ "GET", "/services", services_list, 0 },
	{ "GET", "/services/*", service_page, 0 },
};

static const struct tw_field complaint_fields[] = {
	{ "csrf", TW_FIELD_TOKEN, 1, 0, 64 },
	{ "form_token", TW_FIELD_TOKEN, 1, 0, 128 },
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
};

static const struct tw_field track_fields[] = {
	{ "csrf", TW_FIELD_TOKEN, 1, 0, 64 },
	{ "number", TW_FIELD_CASENUM, 1, 0, 0 },
	{ "mobile", TW_FIELD_MOBILE, 1, 0, 0 },
};

/* The survey: solved is yes or no, the scores 1 to 5 in any digits. */
static const struct tw_field survey_fields[] = {
	{ "csrf", TW_FIELD_TOKEN, 1, 0, 64 },
	{ "solved", TW_FIELD_CODE, 1, 0, 3 },
	{ "satisfaction", TW_FIELD_DECIMAL, 1, 0, 8 },
	{ "first_contact", TW_FIELD_DECIMAL, 1, 0, 8 },
	{ "comment", TW_FIELD_TEXT, 0, 0, 1000 },
};

static const char *const case_types[] = { "complaint", "suggestion", "inquiry",
	"compliment" };

/* Starts a form object with the request's language for its messages. */
static void
form_start(struct tw_req *req, struct tw_form *form)
{
	memset(form, 0, sizeof *form);
	form->strings = req->app->strings[req->lang];
}

/*
 * GET /{lang}/: the home page with the channels.
 * 200 always; changes nothing.
 */
static enum tw_err
home(struct tw_req *req)
{
	hdf_set_value(req->hdf, "Page.Title", tw_req_string(req, "Home.Title"));
	return tw_render(req, 200, "home.cs");
}

/* Renders the complaint form with a fresh CSRF field and form token. */
static enum tw_err
render_complaint_form(struct tw_req *req, int status, const char *token)
{
	char fresh[128];
	enum tw_err err;

	if ((err = tw_csrf_prepare(req)) != TW_OK)
		return err;
	if (token == NULL) {
		if ((err = tw_form_token_new(req->app->config->secret,
		         time(NULL), fresh, sizeof fresh)) != TW_OK)
			return err;
		token = fresh;
	}
	hdf_set_value(req->hdf, "Form.Token", token);
	hdf_set_value(req->hdf, "Page.Title",
	    tw_req_string(req, "Complaint.Title"));
	/*
	 * A rejected POST /{lang}/complaints shows this form too, so its
	 * menu and language link point to the form, because a GET of the
	 * POST route returns 405.
	 */
	hdf_set_value(req->hdf, "Page.Path", "/complaints/new");
	hdf_set_valuef(req->hdf, "Page.OtherUrl=/%s/complaints/new",
	    hdf_get_value(req->hdf, "Page.OtherLang", "en"));
	return tw_render(req, status, "complaint_form.cs");
}

/*
 * GET /{lang}/complaints/new[?type=...]: the complaint, suggestion and
 * inquiry form. 200, or 503 when the database is down; sets the CSRF
 * cookie when missing.
 */
static enum tw_err
complaint_form(struct tw_req *req)
{
	const char *type = hdf_get_value(req->hdf, "Query.type", "complaint");
	enum tw_err err;

	if ((err = tw_refdata_fill(req->app->db, req->hdf, req->lang)) != TW_OK)
		return err;
	for (size_t i = 0; i < nitems(case_types); i++)
		if (strcmp(type, case_types[i]) == 0)
			hdf_set_value(req->hdf, "Form.Value.type", type);
	return render_complaint_form(req, 200, NULL);
}

/* Checks the choices and coordinates that the input table cannot. */
static void
check_complaint(struct tw_req *req, struct tw_form *form, double *lat,
    double *lon, int *has_coords)
{
	const char *type = tw_form_value(form, "type");
	int known = 0;

	for (size_t i = 0; type && i < nitems(case_types); i++)
		known |= strcmp(type, case_types[i]) == 0;
	if (type != NULL && !known)
		tw_form_error(form, "type", "Err.Choice", 0);
	tw_form_choice(form, "category", "Ref.Categories");
	tw_form_choice(form, "wilayat", "Ref.Wilayats");
	*has_coords = tw_form_coords(form, &req->app->config->area, lat, lon);
}

/* Redirects to the confirmation page of a case, signed so it is ours. */
static enum tw_err
redirect_done(struct tw_req *req, const char *number)
{
	char sig[44], location[160];

	tw_hmac_token(req->app->config->secret, "done", number, sig,
	    sizeof sig);
	snprintf(location, sizeof location, "/%s/complaints/done?n=%s&s=%s",
	    tw_lang_code(req->lang), number, sig);
	snprintf(req->case_number, sizeof req->case_number, "%s", number);
	return tw_redirect(req, 303, location);
}

/* Sets the form-wide message for a form already sent as case number. */
static void
reused_message(struct tw_req *req, const char *number)
{
	char *message = tw_str_replace(tw_req_string(req, "Err.FormReused"),
	    "{number}", number);

	hdf_set_value(req->hdf, "Form.Error.form",
	    message ? message : tw_req_string(req, "Err.FormReused"));
	free(message);
}

/* Creates the case from a validated form and sends the redirect. */
static enum tw_err
create_complaint(struct tw_req *req, struct tw_form *form, const char *nonce,
    const double *lat, const double *lon)
{
	char number[TW_CASENUM_LEN + 1];
	enum tw_err err;
	struct tw_case_new c = {
		.type = tw_form_value(form, "type"),
		.channel = "portal",
		.category = tw_form_value(form, "category"),
		.wilayat = tw_form_value(form, "wilayat"),
		.location = tw_form_value(form, "location"),
		.lat = lat,
		.lon = lon,
		.description = tw_form_value(form, "description"),
		.name = tw_form_value(form, "name"),
		.mobile = tw_form_value(form, "mobile"),
		.email = tw_form_value(form, "email"),
		.lang = req->lang,
		.form_token = nonce,
	};

	err = tw_case_create(req->app->db, req->app->strings[req->lang], &c,
	    number);
	if (err == TW_OK || err == TW_ERR_DUPLICATE)
		return redirect_done(req, number);
	if (err == TW_ERR_CONFLICT) {
		/* The form was reused for another message: keep what was
		 * typed, say so, and give the form a fresh token. */
		reused_message(req, number);
		return render_complaint_form(req, 409, NULL);
	}
	if (err != TW_ERR_INPUT)
		return err;
	/* The category or wilayat was withdrawn since the form loaded. */
	tw_form_error(form, "category", "Err.Choice", 0);
	return render_complaint_form(req, 422,
	    tw_form_value(form, "form_token"));
}

/*
 * POST /{lang}/complaints: files a complaint, suggestion, inquiry or
 * compliment. Fields: complaint_fields. 303 to the confirmation page on
 * success, also for a repeated post of the same form; 403 for a missing
 * or wrong CSRF field or form token; 422 with a message per field for
 * invalid input. Writes the customer, the case, two events and the
 * receipt SMS in one transaction, or nothing.
 */
static enum tw_err
complaint_post(struct tw_req *req)
{
	struct tw_form form;
	char nonce[33];
	double lat = 0, lon = 0;
	int has_coords, status = 422, token_ok;
	enum tw_err err;

	if ((err = tw_refdata_fill(req->app->db, req->hdf, req->lang)) != TW_OK)
		return err;
	form_start(req, &form);
	tw_form_read(&form, complaint_fields, nitems(complaint_fields),
	    req->hdf);
	token_ok = tw_form_value(&form, "form_token") != NULL &&
	    tw_form_token_check(req->app->config->secret,
	        tw_form_value(&form, "form_token"), time(NULL), FORM_MAX_AGE,
	        nonce) == TW_OK;
	if (!tw_csrf_valid(req, tw_form_value(&form, "csrf")) || !token_ok) {
		hdf_set_value(req->hdf, "Form.Error.form",
		    tw_req_string(req,
		        token_ok ? "Err.Csrf" : "Err.FormToken"));
		form.nerrors++;
		status = 403;
	}
	check_complaint(req, &form, &lat, &lon, &has_coords);
	if (form.nerrors > 0)
		err = render_complaint_form(req, status,
		    token_ok ? tw_form_value(&form, "form_token") : NULL);
	else
		err = create_complaint(req, &form, nonce,
		    has_coords ? &lat : NULL, has_coords ? &lon : NULL);
	tw_form_free(&form);
	return err;
}

/*
 * GET /{lang}/complaints/done?n=NUMBER&s=SIG[&k=request]: the confirmation page
 * with the case number. 404 when the signature is not ours; changes nothing.
 */
static enum tw_err
complaint_done(struct tw_req *req)
{
	const char *number = hdf_get_value(req->hdf, "Query.n", "");
	const char *sig = hdf_get_value(req->hdf, "Query.s", "");
	char expected[44], parsed[TW_CASENUM_LEN + 1];

	if (tw_casenum_parse(number, parsed) != TW_OK)
		return tw_render_error(req, 404);
	tw_hmac_token(req->app->config->secret, "done", parsed, expected,
	    sizeof expected);
	if (!tw_token_equal(expected, sig))
		return tw_render_error(req, 404);
	hdf_set_value(req->hdf, "Case.Number", parsed);
	/* k=request only changes the words: a request, not a complaint. */
	if (strcmp(hdf_get_value(req->hdf, "Query.k", ""), "request") == 0)
		hdf_set_value(req->hdf, "Case.Request", "1");
	hdf_set_value(req->hdf, "Page.Title",
	    tw_req_string(req,
	        hdf_get_int_value(req->hdf, "Case.Request", 0)
	            ? "Done.RequestTitle"
	            : "Done.Title"));
	return tw_render(req, 200, "complaint_done.cs");
}

/* Renders the tracking page, with a result when Case.* is filled. */
static enum tw_err
render_track(struct tw_req *req, int status)
{
	enum tw_err err;

	if ((err = tw_csrf_prepare(req)) != TW_OK)
		return err;
	hdf_set_value(req->hdf, "Page.Title",
	    tw_req_string(req, "Track.Title"));
	return tw_render(req, status, "track.cs");
}

/*
 * GET /{lang}/track[?number=NUMBER]: the tracking form, with the case
 * number filled in when it is a valid one (the confirmation page links
 * here with it). 200; changes nothing.
 */
static enum tw_err
track_form(struct tw_req *req)
{
	char number[TW_CASENUM_LEN + 1];

	if (tw_casenum_parse(hdf_get_value(req->hdf, "Query.number", ""),
	        number) == TW_OK)
		hdf_set_value(req->hdf, "Form.Value.number", number);
	return render_track(req, 200);
}

/*
 * POST /{lang}/track: a case's status for its resident. Fields:
 * track_fields, posted so the mobile number stays out of URLs and logs.
 * 200 with the status, public history and dates; 404 when no case has
 * this number and mobile together; 422 for a mistyped number; 403 for
 * a missing or wrong CSRF field. Changes nothing.
 */
static enum tw_err
track_post(struct tw_req *req)
{
	struct tw_form form;
	int status = 422;
	enum tw_err err;

	form_start(req, &form);
	tw_form_read(&form, track_fields, nitems(track_fields), req->hdf);
	if (!tw_csrf_valid(req, tw_form_value(&form, "csrf"))) {
		hdf_set_value(req->hdf, "Form.Error.form",
		    tw_req_string(req, "Err.Csrf"));
		form.nerrors++;
		status = 403;
	}
	if (form.nerrors > 0) {
		tw_form_free(&form);
		return render_track(req, status);
	}
	err = tw_case_track(req->app->db, tw_form_value(&form, "number"),
	    tw_form_value(&form, "mobile"), req->lang,
	    req->app->config->display_tz, req->hdf);
	tw_form_free(&form);
	if (err == TW_ERR_NOTFOUND) {
		hdf_set_value(req->hdf, "Form.Error.form",
		    tw_req_string(req, "Err.TrackNotFound"));
		return render_track(req, 404);
	}
	if (err != TW_OK)
		return err;
	snprintf(req->case_number, sizeof req->case_number, "%s",
	    hdf_get_value(req->hdf, "Case.Number", ""));
	return render_track(req, 200);
}

/*
 * Finds the survey of the link /s/TOKEN and switches the page to its
 * language, or to ?lang=ar|en, which only changes the display. Returns
 * TW_ERR_THROTTLED when the client address has opened too many links
 * that match no survey (checked before the lookup), TW_ERR_NOTFOUND
 * for an unknown or expired token (counted as a miss), TW_ERR_DB.
 */
static enum tw_err
survey_find(struct tw_req *req, enum tw_survey_state *state)
{
	const char *addr = tw_req_env(req, "REMOTE_ADDR");
	enum tw_lang lang;
	enum tw_err err;

	if (tw_survey_throttled(req->app->db, addr))
		return TW_ERR_THROTTLED;
	err = tw_survey_load(req->app->db, req->arg, &lang, state, req->hdf);
	if (err == TW_ERR_NOTFOUND &&
	    tw_survey_miss(req->app->db, addr) != TW_OK)
		return TW_ERR_DB;
	if (err != TW_OK)
		return err;
	(void)tw_lang_parse(hdf_get_value(req->hdf, "Query.lang", NULL), &lang);
	tw_req_set_lang(req, lang);
	snprintf(req->case_number, sizeof req->case_number, "%s",
	    hdf_get_value(req->hdf, "Survey.Number", ""));
	return TW_OK;
}

/* Renders the error page of a failed survey_find: the same 404 page for
 * every unknown, expired or replaced link, which says so in both
 * languages because the SMS may be in either; 429 for a throttled
 * address. */
static enum tw_err
survey_missing(struct tw_req *req, enum tw_err err)
{
	enum tw_lang other = req->lang == TW_LANG_AR ? TW_LANG_EN : TW_LANG_AR;
	HDF *strings = req->app->strings[other];

	if (err == TW_ERR_THROTTLED) {
		tw_req_header(req, "Retry-After", "900");
		return tw_render_error(req, 429);
	}
	if (err != TW_ERR_NOTFOUND)
		return err;
	/* The same page for every token: the language link leads home. */
	hdf_set_valuef(req->hdf, "Page.OtherUrl=/%s/", tw_lang_code(other));
	hdf_set_value(req->hdf, "Page.Title",
	    tw_req_string(req, "Survey.Gone.Title"));
	hdf_set_value(req->hdf, "Other.Title",
	    tw_string(strings, "Survey.Gone.Title"));
	hdf_set_value(req->hdf, "Other.Message",
	    tw_string(strings, "Survey.Gone.Message"));
	hdf_set_value(req->hdf, "Other.Track",
	    tw_string(strings, "Survey.Gone.Track"));
	return tw_render(req, 404, "survey_gone.cs");
}

/* Renders the survey page of req->arg in its current state. */
static enum tw_err
render_survey(struct tw_req *req, int status)
{
	enum tw_err err;

	if ((err = tw_csrf_prepare(req)) != TW_OK)
		return err;
	hdf_set_value(req->hdf, "Survey.Token", req->arg);
	hdf_set_value(req->hdf, "Page.Title",
	    tw_req_string(req, "Survey.Title"));
	hdf_set_valuef(req->hdf, "Page.OtherUrl=/s/%s?lang=%s", req->arg,
	    hdf_get_value(req->hdf, "Page.OtherLang", "en"));
	return tw_render(req, status, "survey.cs");
}

/*
 * GET /s/TOKEN[?lang=ar|en]: the survey of a resolved case, in the
 * language of the resident's SMS. 200 with the form, with the answer
 * read only when it was answered, or with a message when the link is
 * of an earlier round; 404 for an unknown or expired token; 429 after
 * too many unknown tokens from one address. Changes nothing except the
 * count of unknown tokens.
 */
static enum tw_err
survey_page(struct tw_req *req)
{
	enum tw_survey_state state;
	enum tw_err err;

	if ((err = survey_find(req, &state)) != TW_OK)
		return survey_missing(req, err);
	return render_survey(req, 200);
}

/* Checks what the input table cannot and fills the survey answer. */
static void
check_survey(struct tw_form *form, struct tw_survey_answer *a)
{
	const char *solved = tw_form_value(form, "solved");

	a->solved = solved != NULL && strcmp(solved, "yes") == 0;
	if (solved != NULL && !a->solved && strcmp(solved, "no") != 0)
		tw_form_error(form, "solved", "Err.Choice", 0);
	a->satisfaction = tw_survey_score(tw_form_value(form, "satisfaction"));
	a->first_contact =
	    tw_survey_score(tw_form_value(form, "first_contact"));
	if (tw_form_value(form, "satisfaction") && a->satisfaction == 0)
		tw_form_error(form, "satisfaction", "Survey.ScoreInvalid", 0);
	if (tw_form_value(form, "first_contact") && a->first_contact == 0)
		tw_form_error(form, "first_contact", "Survey.ScoreInvalid", 0);
	a->comment = tw_form_value(form, "comment");
	if (solved != NULL && strcmp(solved, "no") == 0 && a->comment == NULL)
		tw_form_error(form, "comment", "Survey.CommentRequired", 0);
}

/* Records a validated answer and renders the thank-you page, or the
 * page as it now is when someone answered first (409). */
static enum tw_err
answer_survey(struct tw_req *req, const struct tw_survey_answer *a)
{
	enum tw_survey_state state;
	enum tw_lang lang;
	enum tw_err err;

	err = tw_survey_answer(req->app->db, req->app->strings, req->arg, a);
	if (err != TW_OK && err != TW_ERR_CONFLICT)
		return err == TW_ERR_NOTFOUND ? tw_render_error(req, 404) : err;
	hdf_remove_tree(req->hdf, "Survey");
	if (tw_survey_load(req->app->db, req->arg, &lang, &state, req->hdf) !=
	    TW_OK)
		return tw_render_error(req, 404);
	if (err == TW_OK)
		hdf_set_value(req->hdf, "Survey.Thanks", "1");
	return render_survey(req, err == TW_OK ? 200 : 409);
}

/*
 * POST /s/TOKEN: the resident's answer. Fields: survey_fields; the
 * comment is required when solved is no. 200 with the thank-you page:
 * yes closes the case, no reopens it to its directorate and sends an
 * SMS to the assigned staff member. 409 with the page as it is when
 * the survey was answered already or the case moved on since its
 * round; 403 for a missing or wrong CSRF field; 422 for invalid input;
 * 404 and 429 as for GET. Changes nothing unless it returns 200.
 */
static enum tw_err
survey_post(struct tw_req *req)
{
	enum tw_survey_state state;
	struct tw_survey_answer answer;
	struct tw_form form;
	int status = 422;
	enum tw_err err;

	if ((err = survey_find(req, &state)) != TW_OK)
		return survey_missing(req, err);
	if (state != TW_SURVEY_OPEN)
		return render_survey(req, 409);
	form_start(req, &form);
	tw_form_read(&form, survey_fields, nitems(survey_fields), req->hdf);
	if (!tw_csrf_valid(req, tw_form_value(&form, "csrf"))) {
		hdf_set_value(req->hdf, "Form.Error.form",
		    tw_req_string(req, "Err.Csrf"));
		form.nerrors++;
		status = 403;
	}
	check_survey(&form, &answer);
	if (form.nerrors > 0)
		err = render_survey(req, status);
	else
		err = answer_survey(req, &answer);
	tw_form_free(&form);
	return err;
}

/* The routes that take uploaded files. */
static const tw_handler upload_handlers[] = { service_request_post };

int
main(int argc, char **argv)
{
	struct tw_app app = {
		.program = "portal",
		.localised = 1,
		.routes = routes,
		.nroutes = nitems(routes),
		.upload_handlers = upload_handlers,
		.nupload_handlers = nitems(upload_handlers),
	};

	return tw_main(argc, argv, &app);
}
