/*
 * portal-request.c: the request form of a requestable service,
 * /{lang}/services/{code}/request.
 *
 * The form has the common fields of the complaint form, the fields the
 * service defines in service_fields (named f_<name>) and file inputs
 * file1 to fileN. A valid request becomes a case of type
 * service_request. A rejected one shows the form again with what was
 * typed and a message per field, and stores nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tawasul.h"

#define nitems(a) (sizeof(a) / sizeof((a)[0]))

/* A form token older than this is rejected: one day to fill a form. */
#define FORM_MAX_AGE (24L * 60 * 60)

enum tw_err service_request_form(struct tw_req *);
enum tw_err service_request_post(struct tw_req *);

static const struct tw_field request_fields[] = {
	{ "csrf", TW_FIELD_TOKEN, 1, 0, 64 },
	{ "form_token", TW_FIELD_TOKEN, 1, 0, 128 },
	{ "wilayat", TW_FIELD_CODE, 1, 0, 32 },
	{ "location", TW_FIELD_LINE, 0, 0, 200 },
	{ "lat", TW_FIELD_DECIMAL, 0, 0, 24 },
	{ "lon", TW_FIELD_DECIMAL, 0, 0, 24 },
	{ "description", TW_FIELD_TEXT, 1, 10, 4000 },
	{ "name", TW_FIELD_LINE, 1, 2, 100 },
	{ "mobile", TW_FIELD_MOBILE, 1, 0, 0 },
	{ "email", TW_FIELD_EMAIL, 0, 0, 254 },
};

/* Locale keys of the messages for a service field's problems. {min} and
 * {max} in them are the field's range. */
static const char *const field_messages[] = {
	[TW_SVCFIELD_REQUIRED] = "Err.Required",
	[TW_SVCFIELD_ENCODING] = "Err.Encoding",
	[TW_SVCFIELD_TOO_LONG] = "Err.TooLong",
	[TW_SVCFIELD_BAD_NUMBER] = "Request.Err.Number",
	[TW_SVCFIELD_NUMBER_RANGE] = "Request.Err.NumberRange",
	[TW_SVCFIELD_BAD_DATE] = "Request.Err.Date",
	[TW_SVCFIELD_DATE_RANGE] = "Request.Err.DateRange",
	[TW_SVCFIELD_BAD_CHOICE] = "Err.Choice",
};

/* Locale keys of the messages for an attached file's problems. {file} in
 * them is the file's name. */
static const char *const file_messages[] = {
	[TW_ATTACH_EMPTY] = "Request.Err.FileEmpty",
	[TW_ATTACH_TOO_BIG] = "Request.Err.FileTooBig",
	[TW_ATTACH_TYPE] = "Request.Err.FileType",
	[TW_ATTACH_UNDECODABLE] = "Request.Err.FileUndecodable",
	[TW_ATTACH_PIXELS] = "Request.Err.FilePixels",
	[TW_ATTACH_ACTIVE] = "Request.Err.FileActive",
	[TW_ATTACH_REQUEST_PIXELS] = "Request.Err.RequestPixels",
};

/* The state of one request of the form, freed by request_free. */
struct request {
	struct tw_form form;
	struct tw_svcform *svc;
	struct tw_attach_config ac;
	char **values; /* one per service field */
	struct tw_attach *files;
	size_t nfiles;
	long today;
	int nomem; /* 1 when memory ran out while checking */
};

/* Frees a request's values and files, removing stored files unless
 * keep is 1. */
static void
request_free(struct request *r, int keep)
{
	for (size_t i = 0; r->svc != NULL && i < r->svc->nfields; i++)
		free(r->values[i]);
	free(r->values);
	for (size_t i = 0; i < r->nfiles; i++) {
		if (!keep)
			tw_attach_unstore(&r->ac, &r->files[i]);
		tw_attach_clear(&r->files[i]);
	}
	free(r->files);
	tw_svcform_free(r->svc);
	tw_form_free(&r->form);
}

/* Copies the service code out of req->arg, "CODE/request". */
static int
service_code(struct tw_req *req, char code[33])
{
	size_t n = strcspn(req->arg, "/");

	if (n == 0 || n >= 33)
		return -1;
	memcpy(code, req->arg, n);
	code[n] = '\0';
	return 0;
}

/* Renders the 404 page of a service that is unknown or not requestable. */
static enum tw_err
no_such_service(struct tw_req *req)
{
	hdf_set_int_value(req->hdf, "Page.Status", 404);
	hdf_set_value(req->hdf, "Page.Title",
	    tw_req_string(req, "Request.NotFound.Title"));
	hdf_set_value(req->hdf, "Page.Message",
	    tw_req_string(req, "Request.NotFound.Message"));
	return tw_render(req, 404, "error.cs");
}

/* Loads the service of the request's path and the form's choices. */
static enum tw_err
load_service(struct tw_req *req, struct request *r)
{
	char code[33];
	enum tw_err err;

	memset(r, 0, sizeof *r);
	r->form.strings = req->app->strings[req->lang];
	tw_attach_config_read(req->app->config, &r->ac);
	r->today = tw_fig_today(time(NULL));
	if (service_code(req, code) != 0)
		return TW_ERR_NOTFOUND;
	if ((err = tw_svcform_load(req->app->db, code, req->lang, r->today,
	         req->hdf, &r->svc)) != TW_OK)
		return err;
	if ((r->values = calloc(r->svc->nfields + 1, sizeof *r->values)) ==
	    NULL)
		return TW_ERR_NOMEM;
	return tw_refdata_fill(req->app->db, req->hdf, req->lang);
}

/* Returns Attach.MaxBytes in MiB, rounded up. */
static long
max_mib(const struct tw_attach_config *ac)
{
	return (ac->max_bytes + 1024 * 1024 - 1) / (1024 * 1024);
}

/* Sets Attach.Slots.N to the names of the file inputs and Attach.Hint
 * to the limits of the files. */
static void
fill_attach(struct tw_req *req, const struct tw_attach_config *ac)
{
	char files[24], mib[24], *one, *two = NULL;

	for (long i = 1; i <= ac->max_files; i++)
		hdf_set_valuef(req->hdf, "Attach.Slots.%ld=file%ld", i, i);
	snprintf(files, sizeof files, "%ld", ac->max_files);
	snprintf(mib, sizeof mib, "%ld", max_mib(ac));
	one = tw_str_replace(tw_req_string(req, "Request.FilesHint"), "{n}",
	    files);
	if (one != NULL)
		two = tw_str_replace(one, "{mib}", mib);
	if (two != NULL)
		hdf_set_value(req->hdf, "Attach.Hint", two);
	free(two);
	free(one);
}

/* Renders the form with a fresh CSRF field and, when token is NULL, a
 * fresh form token. */
static enum tw_err
render_form(struct tw_req *req, struct request *r, int status,
    const char *token)
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
	fill_attach(req, &r->ac);
	hdf_set_valuef(req->hdf, "Page.Title=%s: %s",
	    tw_req_string(req, "Request.Title"),
	    hdf_get_value(req->hdf, "Service.Name", ""));
	return tw_render(req, status, "service_request.cs");
}

/*
 * GET /{lang}/services/{code}/request: the request form of a service.
 * 200, or 404 with its own page when the service is unknown or cannot be
 * requested online. Sets the CSRF cookie when missing.
 */
enum tw_err
service_request_form(struct tw_req *req)
{
	struct request r;
	enum tw_err err;

	err = load_service(req, &r);
	if (err == TW_OK)
		err = render_form(req, &r, 200, NULL);
	request_free(&r, 0);
	return err == TW_ERR_NOTFOUND ? no_such_service(req) : err;
}

/* Sets the message of a form field, unless it has one already. */
static void
set_error(struct request *r, const char *field, const char *text)
{
	if (hdf_get_valuef(r->form.hdf, "Form.Error.%s", field) != NULL)
		return;
	hdf_set_valuef(r->form.hdf, "Form.Error.%s=%s", field, text);
	hdf_set_value(r->form.hdf, "Form.HasErrors", "1");
	r->form.nerrors++;
}

/* Sets the message L.<key> on a form field, with the placeholders a
 * and b replaced by their values (b may be NULL). */
static void
field_message(struct request *r, const char *field, const char *key,
    const char *a, const char *a_value, const char *b, const char *b_value)
{
	char *one = tw_str_replace(tw_string(r->form.strings, key), a, a_value);
	char *two = one && b ? tw_str_replace(one, b, b_value) : NULL;

	if (one == NULL || (b != NULL && two == NULL))
		r->nomem = 1;
	else
		set_error(r, field, two ? two : one);
	free(two);
	free(one);
}

/* Records the problem of one of the service's fields. */
static void
field_problem(struct request *r, const struct tw_svcfield *f, const char *fname,
    enum tw_svcfield_problem problem)
{
	char min[24], max[24];

	if (problem == TW_SVCFIELD_TOO_LONG) {
		tw_form_error(&r->form, fname, "Err.TooLong",
		    (size_t)f->max_length);
		return;
	}
	if (problem != TW_SVCFIELD_NUMBER_RANGE &&
	    problem != TW_SVCFIELD_DATE_RANGE) {
		tw_form_error(&r->form, fname, field_messages[problem], 0);
		return;
	}
	if (problem == TW_SVCFIELD_NUMBER_RANGE) {
		snprintf(min, sizeof min, "%ld", f->has_min ? f->min : 0);
		snprintf(max, sizeof max, "%ld", f->has_max ? f->max : 0);
	} else {
		tw_fig_format_date(r->today + f->min, min);
		tw_fig_format_date(r->today + f->max, max);
	}
	field_message(r, fname, field_messages[problem], "{min}", min, "{max}",
	    max);
}

/* Validates the service's own fields into r->values. */
static void
check_service_fields(struct tw_req *req, struct request *r)
{
	for (size_t i = 0; i < r->svc->nfields; i++) {
		const struct tw_svcfield *f = &r->svc->fields[i];
		char fname[40];
		const char *raw;
		enum tw_svcfield_problem problem;

		snprintf(fname, sizeof fname, "f_%s", f->name);
		raw = hdf_get_valuef(req->hdf, "Query.%s", fname);
		if (raw != NULL)
			hdf_set_valuef(req->hdf, "Form.Value.%s=%s", fname,
			    raw);
		hdf_set_valuef(req->hdf, "L.Field.%s=%s", fname,
		    hdf_get_valuef(req->hdf, "Service.Fields.%zu.Label", i));
		problem = tw_svcfield_check(f, raw, r->today, &r->values[i]);
		if (problem == TW_SVCFIELD_NOMEM)
			r->nomem = 1;
		else if (problem != TW_SVCFIELD_OK)
			field_problem(r, f, fname, problem);
	}
}

/* Returns the name the browser gave an uploaded file: ClearSilver
 * stores it as the value of Query.<input>. */
static const char *
upload_name(HDF *child)
{
	const char *name = hdf_obj_value(child);

	return name ? name : "";
}

/* Returns 1 when a Query child is an uploaded file part that carries a
 * file: a file input left empty sends a part with no name and no bytes. */
static int
is_upload(struct tw_req *req, HDF *child, FILE **fp)
{
	const char *name = hdf_obj_name(child);
	const char *file_name = upload_name(child);
	long size;

	if (hdf_get_obj(child, "FileHandle") == NULL)
		return 0;
	if ((*fp = cgi_filehandle(req->cgi, name)) == NULL)
		return 0;
	fseek(*fp, 0, SEEK_END);
	size = ftell(*fp);
	return !(*file_name == '\0' && size <= 0);
}

/* Records the problem of an uploaded file on its input, naming the
 * file. */
static void
file_problem(struct request *r, const char *input, const struct tw_attach *a,
    enum tw_attach_problem problem)
{
	char mib[24];

	if (problem == TW_ATTACH_NOMEM) {
		r->nomem = 1;
		return;
	}
	snprintf(mib, sizeof mib, "%ld", max_mib(&r->ac));
	field_message(r, input, file_messages[problem], "{file}",
	    a->file_name ? a->file_name : "", "{n}", mib);
}

/*
 * Checks every uploaded file without decoding it: size, type, a PDF's
 * structure and a photo's header, and the decoding cost of all photos
 * against Attach.MaxPixelsPerRequest. Returns the number of files with
 * a problem. r->files contains what was read.
 */
static int
inspect_files(struct tw_req *req, struct request *r)
{
	HDF *child = hdf_get_child(req->hdf, "Query");
	double total = 0, cost;
	int bad = 0;
	FILE *fp;

	for (HDF *c = child; c != NULL; c = hdf_obj_next(c)) {
		struct tw_attach *a;
		enum tw_attach_problem problem;

		if (!is_upload(req, c, &fp))
			continue;
		a = &r->files[r->nfiles++];
		problem =
		    tw_attach_read_header(&r->ac, fp, upload_name(c), a, &cost);
		total += cost;
		if (problem == TW_ATTACH_OK &&
		    total > (double)r->ac.max_request_pixels)
			problem = TW_ATTACH_REQUEST_PIXELS;
		if (problem != TW_ATTACH_OK) {
			file_problem(r, hdf_obj_name(c), a, problem);
			bad++;
		}
	}
	return bad;
}

/*
 * Checks the uploaded files: how many, then, when every other field is
 * valid, each one by its header and last by decoding it. Photos cost
 * seconds to decode, so a form with any other error, a wrong token
 * included, never gets that far.
 */
static void
check_files(struct tw_req *req, struct request *r)
{
	HDF *child = hdf_get_child(req->hdf, "Query");
	size_t count = 0;
	FILE *fp;
	char max[24];

	for (HDF *c = child; c != NULL; c = hdf_obj_next(c))
		count += is_upload(req, c, &fp);
	for (long i = 1; i <= r->ac.max_files; i++)
		hdf_set_valuef(req->hdf, "L.Field.file%ld=%s %ld", i,
		    tw_req_string(req, "Request.File"), i);
	if (count > (size_t)r->ac.max_files) {
		snprintf(max, sizeof max, "%ld", r->ac.max_files);
		field_message(r, "files", "Request.Err.TooManyFiles", "{n}",
		    max, NULL, NULL);
		return;
	}
	if (count == 0 || r->form.nerrors > 0 || r->nomem)
		return;
	if ((r->files = calloc(count, sizeof *r->files)) == NULL) {
		r->nomem = 1;
		return;
	}
	if (inspect_files(req, r) > 0 || r->nomem)
		return;
	r->nfiles = 0;
	for (HDF *c = child; c != NULL; c = hdf_obj_next(c)) {
		struct tw_attach *a;
		enum tw_attach_problem problem;

		if (!is_upload(req, c, &fp))
			continue;
		a = &r->files[r->nfiles++];
		tw_attach_clear(a);
		problem = tw_attach_read(&r->ac, fp, upload_name(c), a);
		if (problem != TW_ATTACH_OK)
			file_problem(r, hdf_obj_name(c), a, problem);
	}
}

/* Checks the form token and the CSRF field. Returns the status of a
 * failure, or 0 with the nonce of a valid form token in nonce. */
static int
check_tokens(struct tw_req *req, struct request *r, char nonce[33])
{
	const char *token = tw_form_value(&r->form, "form_token");
	int token_ok = token != NULL &&
	    tw_form_token_check(req->app->config->secret, token, time(NULL),
	        FORM_MAX_AGE, nonce) == TW_OK;

	if (tw_csrf_valid(req, tw_form_value(&r->form, "csrf")) && token_ok)
		return 0;
	hdf_set_value(req->hdf, "Form.Error.form",
	    tw_req_string(req, token_ok ? "Err.Csrf" : "Err.FormToken"));
	r->form.nerrors++;
	return 403;
}

/* Redirects to the confirmation page of the complaint form, which shows
 * the case number of any case, signed so the page can verify that the portal
 * issued it, in the words of a request (k=request). */
static enum tw_err
redirect_done(struct tw_req *req, const char *number)
{
	char sig[44], location[160];

	tw_hmac_token(req->app->config->secret, "done", number, sig,
	    sizeof sig);
	snprintf(location, sizeof location,
	    "/%s/complaints/done?n=%s&s=%s&k=request", tw_lang_code(req->lang),
	    number, sig);
	snprintf(req->case_number, sizeof req->case_number, "%s", number);
	return tw_redirect(req, 303, location);
}

/* Stores the files, then creates the case. Removes the files again
 * when the case is not created. */
static enum tw_err
create_request(struct tw_req *req, struct request *r, const char *nonce,
    const double *lat, const double *lon, char number[TW_CASENUM_LEN + 1])
{
	struct tw_form *form = &r->form;
	struct tw_case_new c = {
		.channel = "portal",
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
	struct tw_svcrequest sr = { &c, r->svc, r->values, r->files,
		r->nfiles };
	enum tw_err err = TW_OK;

	for (size_t i = 0; err == TW_OK && i < r->nfiles; i++)
		err = tw_attach_store(&r->ac, &r->files[i]);
	if (err == TW_OK)
		err = tw_svcrequest_create(req->app->db,
		    req->app->strings[req->lang], &sr, number);
	if (err != TW_OK)
		for (size_t i = 0; i < r->nfiles; i++)
			tw_attach_unstore(&r->ac, &r->files[i]);
	return err;
}

/* Responds with the result of create_request. */
static enum tw_err
answer(struct tw_req *req, struct request *r, enum tw_err err,
    const char *number)
{
	char *message;

	if (err == TW_OK || err == TW_ERR_DUPLICATE)
		return redirect_done(req, number);
	if (err == TW_ERR_CONFLICT) {
		message = tw_str_replace(tw_req_string(req, "Err.FormReused"),
		    "{number}", number);
		hdf_set_value(req->hdf, "Form.Error.form",
		    message ? message : tw_req_string(req, "Err.FormReused"));
		free(message);
		return render_form(req, r, 409, NULL);
	}
	if (err != TW_ERR_INPUT)
		return err;
	tw_form_error(&r->form, "wilayat", "Err.Choice", 0);
	return render_form(req, r, 422, tw_form_value(&r->form, "form_token"));
}

/*
 * POST /{lang}/services/{code}/request (multipart/form-data): files a
 * service request. Fields: request_fields, f_<name> per service field,
 * file1..fileN. Responds 303 to the confirmation page on success, also
 * for a repeated post of the same form. Responds 403 for a missing or
 * wrong CSRF field or form token, 422 with a message per field or file,
 * and 404 for a service that cannot be requested. Writes the files
 * first, then the case, its field values, its attachment rows and the
 * receipt SMS in one transaction. On any failure neither rows nor files
 * remain.
 */
enum tw_err
service_request_post(struct tw_req *req)
{
	struct request r;
	char nonce[33], number[TW_CASENUM_LEN + 1];
	double lat = 0, lon = 0;
	int has_coords, status;
	enum tw_err err;

	if ((err = load_service(req, &r)) != TW_OK) {
		request_free(&r, 0);
		return err == TW_ERR_NOTFOUND ? no_such_service(req) : err;
	}
	tw_form_read(&r.form, request_fields, nitems(request_fields), req->hdf);
	status = check_tokens(req, &r, nonce);
	tw_form_choice(&r.form, "wilayat", "Ref.Wilayats");
	has_coords =
	    tw_form_coords(&r.form, &req->app->config->area, &lat, &lon);
	check_service_fields(req, &r);
	/* Last, as it reads the files only when the rest is valid. */
	check_files(req, &r);
	if (r.nomem)
		err = TW_ERR_NOMEM;
	else if (r.form.nerrors > 0)
		err = render_form(req, &r, status ? status : 422,
		    status ? NULL : tw_form_value(&r.form, "form_token"));
	else {
		err = create_request(req, &r, nonce, has_coords ? &lat : NULL,
		    has_coords ? &lon : NULL, number);
		err = answer(req, &r, err, number);
	}
	request_free(&r, 1);
	return err;
}
