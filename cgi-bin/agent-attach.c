/*
 * agent-attach.c: downloads of the files attached to cases.
 *
 * Files are served only to logged-in staff who may see the case and
 * residents' personal data, always as downloads with the type the upload
 * check decided and nosniff, so a browser never runs or renders a
 * resident's file as part of the site.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"

/* Parses the attachment id at the start of req->arg. */
static long long
attachment_id(const char *arg)
{
	size_t n = strspn(arg, "0123456789");

	if (n == 0 || n > 9 || (arg[n] != '\0' && arg[n] != '/'))
		return 0;
	return atoll(arg);
}

/* Returns the stored type of a Content-Type from case_attachments. */
static enum tw_attach_type
stored_type(const char *content_type)
{
	if (strcmp(content_type, "image/png") == 0)
		return TW_ATTACH_PNG;
	if (strcmp(content_type, "application/pdf") == 0)
		return TW_ATTACH_PDF;
	return TW_ATTACH_JPEG;
}

/* Sends the bytes of a file as a download named name. */
static enum tw_err
send_file(struct tw_req *req, const struct tw_attachment *a, int thumb,
    const unsigned char *data, size_t len)
{
	enum tw_attach_type type = thumb ? TW_ATTACH_JPEG
	                                 : stored_type(a->content_type);
	char *name = tw_attach_download_name(a->file_name, type);
	char disposition[160];

	if (name == NULL)
		return TW_ERR_NOMEM;
	snprintf(disposition, sizeof disposition,
	    "attachment; filename=\"%s%s\"", thumb ? "thumb-" : "", name);
	free(name);
	string_clear(&req->body);
	if (string_appendn(&req->body, (const char *)data, (int)len) !=
	    STATUS_OK)
		return TW_ERR_NOMEM;
	req->status = 200;
	tw_req_header(req, "Content-Type", tw_attach_mime(type));
	tw_req_header(req, "Content-Disposition", disposition);
	tw_req_header(req, "X-Content-Type-Options", "nosniff");
	tw_req_header(req, "Content-Security-Policy", "sandbox");
	return TW_OK;
}

/* Serves an attachment or its thumbnail after the checks of the routes
 * below. */
static enum tw_err
serve(struct tw_req *req, int thumb)
{
	struct tw_attach_config ac;
	struct tw_attachment *a;
	unsigned char *data;
	size_t len;
	long long id;
	enum tw_err err;

	if (!require_staff(req, &err))
		return err;
	if ((id = attachment_id(req->arg)) == 0)
		return tw_render_error(req, 404);
	if ((err = tw_attachment_find(req->app->db, id, &a)) != TW_OK)
		return err == TW_ERR_NOTFOUND ? tw_render_error(req, 404) : err;
	snprintf(req->case_number, sizeof req->case_number, "%s", a->number);
	/* A resident's files are personal data, like the name. */
	if (!tw_can(&req->staff, TW_ACT_VIEW, a->directorate_id) ||
	    !tw_can(&req->staff, TW_ACT_PERSONAL, a->directorate_id)) {
		tw_attachment_free(a);
		return tw_render_error(req, 403);
	}
	if (thumb && !a->has_thumb) {
		tw_attachment_free(a);
		return tw_render_error(req, 404);
	}
	tw_attach_config_read(req->app->config, &ac);
	err = tw_attach_load(&ac, a->stored, thumb, &data, &len);
	if (err == TW_OK)
		err = send_file(req, a, thumb, data, len);
	else
		tw_log_error("attachment %lld: reading %s failed: %s", id,
		    a->stored, tw_strerror(err));
	free(data);
	tw_attachment_free(a);
	return err;
}

/*
 * GET /agent/attachments/ID: the file attached to a case, as a
 * download. Responds 200, 303 to the login page without a session, 403
 * when the staff member may not see the case or residents' personal
 * data, and 404 for an unknown id. Changes nothing.
 */
enum tw_err
attachment_download(struct tw_req *req)
{
	return serve(req, 0);
}

/*
 * GET /agent/attachments/ID/thumb: the JPEG thumbnail of an attached
 * photo, with the statuses of attachment_download, and 404 for a PDF.
 */
enum tw_err
attachment_thumbnail(struct tw_req *req)
{
	return serve(req, 1);
}
