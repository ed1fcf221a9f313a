/*
 * agent-services.c: the service directory in the intranet. Every staff
 * member reads the procedures with their internal notes. Roles with
 * TW_ACT_PROCEDURE send one to a caller by SMS or e-mail. Roles with
 * TW_ACT_SERVICES create and edit services, and each saved version is
 * kept with who saved it and when.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "tawasul.h"

/* The maximum characters of the long texts, stored in TEXT columns. */
#define LONG_TEXT 4000

static const struct tw_field search_fields[] = {
	{ "q", TW_FIELD_LINE, 0, 0, 100 },
	{ "d", TW_FIELD_CODE, 0, 0, 32 },
};

static const struct tw_field send_fields[] = {
	{ "csrf", TW_FIELD_TOKEN, 1, 0, 64 },
	{ "mobile", TW_FIELD_MOBILE, 0, 0, 0 },
	{ "email", TW_FIELD_EMAIL, 0, 0, 254 },
	{ "lang", TW_FIELD_CODE, 1, 0, 2 },
	{ "case", TW_FIELD_CASENUM, 0, 0, 0 },
};

/* The edit form. The texts come in the order of tw_service_input.text,
 * and the code is read only when a service is created. */
static const struct tw_field edit_fields[] = {
	{ "csrf", TW_FIELD_TOKEN, 1, 0, 64 },
	{ "version", TW_FIELD_CODE, 0, 0, 10 },
	/* A line, so that tw_service_code_valid gives the message. */
	{ "code", TW_FIELD_LINE, 0, 0, TW_SERVICE_CODE_MAX },
	{ "directorate", TW_FIELD_CODE, 1, 0, 32 },
	{ "name_ar", TW_FIELD_LINE, 1, 2, 200 },
	{ "name_en", TW_FIELD_LINE, 1, 2, 200 },
	{ "description_ar", TW_FIELD_TEXT, 1, 10, LONG_TEXT },
	{ "description_en", TW_FIELD_TEXT, 1, 10, LONG_TEXT },
	{ "steps_ar", TW_FIELD_TEXT, 1, 2, LONG_TEXT },
	{ "steps_en", TW_FIELD_TEXT, 1, 2, LONG_TEXT },
	{ "documents_ar", TW_FIELD_TEXT, 1, 2, LONG_TEXT },
	{ "documents_en", TW_FIELD_TEXT, 1, 2, LONG_TEXT },
	{ "fees_ar", TW_FIELD_LINE, 1, 2, 500 },
	{ "fees_en", TW_FIELD_LINE, 1, 2, 500 },
	{ "duration_ar", TW_FIELD_LINE, 1, 2, 200 },
	{ "duration_en", TW_FIELD_LINE, 1, 2, 200 },
	{ "where_ar", TW_FIELD_LINE, 1, 2, 500 },
	{ "where_en", TW_FIELD_LINE, 1, 2, 500 },
	{ "requestable", TW_FIELD_CODE, 0, 0, 1 },
	{ "category", TW_FIELD_CODE, 0, 0, 32 },
	{ "ivr_rank", TW_FIELD_DECIMAL, 0, 0, 8 },
	{ "internal_notes", TW_FIELD_TEXT, 0, 0, LONG_TEXT },
	{ "active", TW_FIELD_CODE, 0, 0, 1 },
};

/* The index of name_ar in edit_fields: the first of the texts. */
#define FIRST_TEXT 4

/*
 * Copies the service code of the path (the segment a "*" matched, before
 * any "/edit") into code. Returns 1 when it can name a service.
 */
static int
path_code(const struct tw_req *req, char code[TW_SERVICE_CODE_MAX + 1])
{
	size_t len = strcspn(req->arg, "/");

	if (len > TW_SERVICE_CODE_MAX)
		return 0;
	memcpy(code, req->arg, len);
	code[len] = '\0';
	return tw_service_code_valid(code);
}

/* Sets the Staff.Can.* flags of the directory's pages. */
static void
set_rights(struct tw_req *req)
{
	if (tw_can(&req->staff, TW_ACT_PROCEDURE, 0))
		hdf_set_value(req->hdf, "Staff.Can.procedure", "1");
	if (tw_can(&req->staff, TW_ACT_SERVICES, 0))
		hdf_set_value(req->hdf, "Staff.Can.services", "1");
	hdf_set_value(req->hdf, "Directory.Base", "/agent/services");
}

/*
 * GET /agent/services[?q=WORDS][&d=DIRECTORATE]: the directory as the
 * portal shows it, with inactive services too. 200; 422 for a search
 * longer than 100 characters or a malformed directorate code. Changes
 * nothing.
 */
enum tw_err
services_index(struct tw_req *req)
{
	const char *words, *directorate;
	struct tw_form form;
	enum tw_err err = TW_OK;
	int status = 200;

	if (!require_staff(req, &err))
		return err;
	set_rights(req);
	form_start(req, &form);
	if (tw_form_read(&form, search_fields, nitems(search_fields),
	        req->hdf) != TW_OK)
		status = 422;
	words = tw_form_value(&form, "q");
	directorate = tw_form_value(&form, "d");
	if (status == 200 && words != NULL) {
		hdf_set_value(req->hdf, "Directory.Searched", "1");
		err = tw_services_search(req->app->db, req->lang, words, 1,
		    req->hdf);
	} else if (status == 200) {
		err = tw_services_browse(req->app->db, req->lang, directorate,
		    1, req->hdf);
		if (directorate != NULL)
			hdf_set_value(req->hdf, "Directory.Filtered", "1");
	}
	tw_form_free(&form);
	if (err != TW_OK)
		return err;
	hdf_set_value(req->hdf, "Page.Title",
	    tw_req_string(req, "Directory.Title"));
	return tw_render(req, status, "services.cs");
}

/* Renders the procedure page of code with its send form. */
static enum tw_err
render_service(struct tw_req *req, const char *code, int status)
{
	enum tw_err err;

	err = tw_service_page(req->app->db, code, req->lang, 1,
	    req->app->config->display_tz, req->hdf);
	if (err == TW_ERR_NOTFOUND)
		return tw_render_error(req, 404);
	if (err != TW_OK)
		return err;
	set_rights(req);
	if (hdf_get_value(req->hdf, "Form.Value.lang", NULL) == NULL)
		hdf_set_value(req->hdf, "Form.Value.lang", "ar");
	hdf_set_value(req->hdf, "Page.Title",
	    hdf_get_value(req->hdf, "Service.Name", ""));
	return tw_render(req, status, "service.cs");
}

/*
 * GET /agent/services/CODE[?sent=1|saved=1]: the procedure with its
 * internal notes, the send form for roles with TW_ACT_PROCEDURE and the
 * edit link for roles with TW_ACT_SERVICES. 200; 404 for an unknown
 * code. Changes nothing.
 */
enum tw_err
service_show(struct tw_req *req)
{
	char code[TW_SERVICE_CODE_MAX + 1];
	enum tw_err err;

	if (!require_staff(req, &err))
		return err;
	if (!path_code(req, code))
		return tw_render_error(req, 404);
	if (hdf_get_value(req->hdf, "Query.sent", NULL) != NULL)
		hdf_set_value(req->hdf, "Page.Sent", "1");
	if (hdf_get_value(req->hdf, "Query.saved", NULL) != NULL)
		hdf_set_value(req->hdf, "Page.Saved", "1");
	return render_service(req, code, 200);
}

/* Reads the send form's recipient into to and records the form's
 * errors. Returns TW_OK, or the database error of the case lookup. */
static enum tw_err
read_recipient(struct tw_req *req, struct tw_form *form,
    struct tw_procedure_to *to)
{
	const char *lang = tw_form_value(form, "lang");
	const char *number = tw_form_value(form, "case");
	long long directorate = 0;
	enum tw_err err;

	memset(to, 0, sizeof *to);
	to->mobile = tw_form_value(form, "mobile");
	to->email = tw_form_value(form, "email");
	to->staff_id = req->staff.id;
	if (to->mobile == NULL && to->email == NULL &&
	    hdf_get_value(req->hdf, "Form.Error.mobile", NULL) == NULL &&
	    hdf_get_value(req->hdf, "Form.Error.email", NULL) == NULL)
		tw_form_error(form, "mobile", "Directory.Send.NeedOne", 0);
	if (to->email != NULL && !tw_mail_configured(req->app->config))
		tw_form_error(form, "email", "Directory.Send.NoMail", 0);
	if (lang != NULL && tw_lang_parse(lang, &to->lang) != TW_OK)
		tw_form_error(form, "lang", "Err.Choice", 0);
	if (number == NULL)
		return TW_OK;
	err = tw_service_case(req->app->db, number, &to->case_id,
	    &to->customer_id, &directorate);
	if (err == TW_ERR_NOTFOUND ||
	    (err == TW_OK && !tw_can(&req->staff, TW_ACT_VIEW, directorate))) {
		tw_form_error(form, "case", "Directory.Send.NoCase", 0);
		return TW_OK;
	}
	return err;
}

/*
 * POST /agent/services/CODE/send: queues the procedure for a caller.
 * Fields send_fields: csrf, mobile and/or email, lang (ar or en) and an
 * optional case number the call was about. 303 to the page with
 * ?sent=1; 403 for a bad CSRF field or a role without
 * TW_ACT_PROCEDURE; 404 for an unknown code; 422 with a message per
 * field and the values kept. Queues the SMS and e-mail and records the
 * sender in service_sends and, with a case, in its history; or nothing.
 */
enum tw_err
service_send(struct tw_req *req)
{
	char code[TW_SERVICE_CODE_MAX + 1], location[80];
	struct tw_procedure_to to;
	struct tw_form form;
	enum tw_err err;

	if (!require_staff(req, &err))
		return err;
	if (!path_code(req, code))
		return tw_render_error(req, 404);
	form_start(req, &form);
	tw_form_read(&form, send_fields, nitems(send_fields), req->hdf);
	if (!staff_csrf_ok(req, &form) ||
	    !tw_can(&req->staff, TW_ACT_PROCEDURE, 0)) {
		tw_form_free(&form);
		return tw_render_error(req, 403);
	}
	err = read_recipient(req, &form, &to);
	if (err == TW_OK && form.nerrors > 0)
		err = TW_ERR_INPUT;
	if (err == TW_OK)
		err = tw_service_send_logged(req->app->db,
		    req->app->strings[to.lang], code, &to);
	tw_form_free(&form);
	if (err == TW_ERR_INPUT)
		return render_service(req, code, 422);
	if (err == TW_ERR_NOTFOUND)
		return tw_render_error(req, 404);
	if (err != TW_OK)
		return err;
	tw_log_info("procedure %s sent by %s (sms %d, e-mail %d)", code,
	    req->staff.username, to.mobile != NULL, to.email != NULL);
	snprintf(location, sizeof location, "/agent/services/%s?sent=1", code);
	return tw_redirect(req, 303, location);
}

/* Renders the edit form; creating is 1 for a new service. */
static enum tw_err
render_edit(struct tw_req *req, const char *code, int status)
{
	enum tw_err err;

	if ((err = tw_refdata_fill(req->app->db, req->hdf, req->lang)) != TW_OK)
		return err;
	set_rights(req);
	if (code != NULL) {
		hdf_set_value(req->hdf, "Edit.Code", code);
		hdf_set_valuef(req->hdf, "Page.Title=%s %s",
		    tw_req_string(req, "Directory.Edit.Title"), code);
	} else {
		hdf_set_value(req->hdf, "Edit.New", "1");
		hdf_set_value(req->hdf, "Page.Title",
		    tw_req_string(req, "Directory.Edit.NewTitle"));
	}
	return tw_render(req, status, "agent_service_edit.cs");
}

/*
 * GET /agent/services/CODE/edit and GET /agent/services/new: the edit
 * form with every field in both languages, filled from the stored
 * service or empty. 200; 403 for roles without TW_ACT_SERVICES; 404 for
 * an unknown code. Changes nothing.
 */
enum tw_err
service_edit_form(struct tw_req *req)
{
	char code[TW_SERVICE_CODE_MAX + 1];
	enum tw_err err;

	if (!require_staff(req, &err))
		return err;
	if (!tw_can(&req->staff, TW_ACT_SERVICES, 0))
		return tw_render_error(req, 403);
	if (strcmp(req->path, "/agent/services/new") == 0) {
		hdf_set_value(req->hdf, "Form.Value.active", "1");
		return render_edit(req, NULL, 200);
	}
	if (!path_code(req, code))
		return tw_render_error(req, 404);
	err = tw_service_form(req->app->db, code, req->hdf);
	if (err == TW_ERR_NOTFOUND)
		return tw_render_error(req, 404);
	if (err != TW_OK)
		return err;
	return render_edit(req, code, 200);
}

/* Returns 1 for a checkbox sent as "1"; records an error for others. */
static int
read_flag(struct tw_form *form, const char *name)
{
	const char *value = tw_form_value(form, name);

	if (value == NULL)
		return 0;
	if (strcmp(value, "1") != 0)
		tw_form_error(form, name, "Err.Choice", 0);
	return 1;
}

/* Reads the edit form into in; code is NULL for a new service. */
static void
read_service(struct tw_form *form, const char *code,
    struct tw_service_input *in)
{
	const char *version = tw_form_value(form, "version");
	const char *rank = tw_form_value(form, "ivr_rank");

	memset(in, 0, sizeof *in);
	in->code = code ? code : tw_form_value(form, "code");
	if (code == NULL && in->code == NULL)
		tw_form_error(form, "code", "Err.Required", 0);
	else if (code == NULL && !tw_service_code_valid(in->code))
		tw_form_error(form, "code", "Directory.Edit.BadCode", 0);
	/* The edit route saves version 1 or later of a stored service;
	 * version 0 would create one, which only POST /agent/services may. */
	if (code != NULL &&
	    (version == NULL ||
	        version[strspn(version, "0123456789")] != '\0' ||
	        atoll(version) < 1))
		tw_form_error(form, "form", "Directory.Edit.NoVersion", 0);
	in->version = code && version ? atoll(version) : 0;
	in->directorate = tw_form_value(form, "directorate");
	tw_form_choice(form, "directorate", "Ref.Directorates");
	for (size_t i = 0; i < TW_SERVICE_TEXTS; i++)
		in->text[i] =
		    tw_form_value(form, edit_fields[FIRST_TEXT + i].name);
	in->requestable = read_flag(form, "requestable");
	in->active = read_flag(form, "active");
	in->category = tw_form_value(form, "category");
	tw_form_choice(form, "category", "Ref.Categories");
	if (in->requestable && in->category == NULL)
		tw_form_error(form, "category", "Directory.Edit.NeedCategory",
		    0);
	if (rank != NULL &&
	    (strlen(rank) != 1 || rank[0] < '1' || rank[0] > '9'))
		tw_form_error(form, "ivr_rank", "Directory.Edit.BadRank", 0);
	else if (rank != NULL)
		in->ivr_rank = rank[0] - '0';
	in->internal_notes = tw_form_value(form, "internal_notes");
}

/* Returns TW_OK when the service code is stored, TW_ERR_NOTFOUND when
 * not, or a database error. */
static enum tw_err
service_exists(struct tw_req *req, const char *code)
{
	HDF *scratch = NULL;
	enum tw_err err;

	if ((err = tw_err_from_neo(hdf_init(&scratch), "hdf_init")) != TW_OK)
		return err;
	err = tw_service_form(req->app->db, code, scratch);
	hdf_destroy(&scratch);
	return err;
}

/* Renders the response to a save that tw_service_save rejected. */
static enum tw_err
save_failed(struct tw_req *req, struct tw_form *form, const char *code,
    enum tw_err err, const char *field)
{
	if (err == TW_ERR_NOTFOUND)
		return tw_render_error(req, 404);
	if (err == TW_ERR_DUPLICATE && field != NULL) {
		tw_form_error(form, field,
		    strcmp(field, "code") == 0 ? "Directory.Edit.CodeTaken"
		                               : "Directory.Edit.RankTaken",
		    0);
		return render_edit(req, code, 422);
	}
	if (err != TW_ERR_CONFLICT)
		return err;
	/* The form keeps the text typed; the history shows the other one. */
	tw_form_error(form, "form", "Directory.Edit.Conflict", 0);
	hdf_set_value(req->hdf, "Edit.Conflict", "1");
	return render_edit(req, code, 409);
}

/*
 * POST /agent/services/CODE/edit and POST /agent/services: saves the
 * next version of a service, or a new one. Fields edit_fields: csrf,
 * version (the version the form was loaded from; none for a new
 * service), code (new services only), directorate, the fourteen texts,
 * requestable, category, ivr_rank, internal_notes and active. 303 to
 * the service's page with ?saved=1; 403 for a bad CSRF field or a role
 * without TW_ACT_SERVICES; 404 for an unknown code; 409 when someone
 * else saved the service since the form was loaded; 422 with a message
 * per field. The form keeps what was typed on every failure. Writes the
 * service and its service_history row, or nothing.
 */
enum tw_err
service_save(struct tw_req *req)
{
	char code[TW_SERVICE_CODE_MAX + 1], location[80];
	const char *field = NULL, *path_given = NULL;
	struct tw_service_input in;
	struct tw_form form;
	enum tw_err err;

	if (!require_staff(req, &err))
		return err;
	if (req->arg != NULL) {
		if (!path_code(req, code))
			return tw_render_error(req, 404);
		path_given = code;
	}
	form_start(req, &form);
	tw_form_read(&form, edit_fields, nitems(edit_fields), req->hdf);
	if (!staff_csrf_ok(req, &form) ||
	    !tw_can(&req->staff, TW_ACT_SERVICES, 0)) {
		tw_form_free(&form);
		return tw_render_error(req, 403);
	}
	if ((err = tw_refdata_fill(req->app->db, req->hdf, req->lang)) !=
	    TW_OK) {
		tw_form_free(&form);
		return err;
	}
	if (path_given != NULL &&
	    (err = service_exists(req, path_given)) != TW_OK) {
		tw_form_free(&form);
		return err == TW_ERR_NOTFOUND ? tw_render_error(req, 404) : err;
	}
	read_service(&form, path_given, &in);
	err = TW_ERR_INPUT;
	if (form.nerrors == 0)
		err = tw_service_save(req->app->db, req->staff.id, &in, &field);
	if (err == TW_OK)
		snprintf(location, sizeof location,
		    "/agent/services/%s?saved=1", in.code);
	if (err == TW_ERR_INPUT)
		err = render_edit(req, path_given, 422);
	else if (err != TW_OK)
		err = save_failed(req, &form, path_given, err, field);
	else {
		tw_log_info("service %s saved by %s", in.code,
		    req->staff.username);
		err = tw_redirect(req, 303, location);
	}
	tw_form_free(&form);
	return err;
}

/*
 * GET /agent/services/CODE/history: every saved version, newest first,
 * with who saved it, when, and each field changed from the version
 * before. 200; 404 for an unknown code. Changes nothing.
 */
enum tw_err
service_history(struct tw_req *req)
{
	char code[TW_SERVICE_CODE_MAX + 1];
	enum tw_err err;

	if (!require_staff(req, &err))
		return err;
	if (!path_code(req, code))
		return tw_render_error(req, 404);
	err = tw_service_page(req->app->db, code, req->lang, 1,
	    req->app->config->display_tz, req->hdf);
	if (err == TW_OK)
		err = tw_service_history(req->app->db, code, req->lang,
		    req->app->config->display_tz, req->hdf);
	if (err == TW_ERR_NOTFOUND)
		return tw_render_error(req, 404);
	if (err != TW_OK)
		return err;
	set_rights(req);
	hdf_set_valuef(req->hdf, "Page.Title=%s: %s",
	    tw_req_string(req, "Directory.History.Title"),
	    hdf_get_value(req->hdf, "Service.Name", ""));
	return tw_render(req, 200, "agent_service_history.cs");
}
