/*
 * agent-calls.c: the calls of the 1111 phone line in the intranet, with
 * the missed calls that wait for a call-back first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "tawasul.h"

/* What the form of a missed call posts. */
static const struct tw_field returned_fields[] = {
	{ "csrf", TW_FIELD_TOKEN, 1, 0, 64 },
	{ "missed", TW_FIELD_CODE, 1, 1, 20 },
};

/* Returns 1 when the staff member may see callers' numbers everywhere:
 * the calls list has callers of every directorate's cases. */
static int
may_see_calls(const struct tw_req *req)
{
	return tw_can(&req->staff, TW_ACT_PERSONAL, 0) &&
	    !tw_role_scoped(req->staff.role);
}

/* Renders the calls list with the given status. */
static enum tw_err
render_calls(struct tw_req *req, int status)
{
	enum tw_err err;

	err = tw_ivr_calls_fill(req->app->db, TW_IVR_ALL, NULL,
	    req->app->config->display_tz, req->hdf, "Calls");
	if (err == TW_OK)
		err =
		    tw_ivr_calls_summary(req->app->db, req->hdf, "CallFigures");
	if (err != TW_OK)
		return err;
	hdf_set_value(req->hdf, "Page.CallsForm", "1");
	hdf_set_value(req->hdf, "Page.Title",
	    tw_req_string(req, "Calls.Title"));
	return tw_render(req, status, "agent_calls.cs");
}

/*
 * GET /agent/calls[?done=1]: the phone-line calls of the last 30 days,
 * the missed calls to return first, oldest first. 200; 403 for staff
 * who may not see callers' numbers or are bound to one directorate.
 * Changes nothing.
 */
enum tw_err
calls(struct tw_req *req)
{
	enum tw_err err;

	if (!require_staff(req, &err))
		return err;
	if (!may_see_calls(req))
		return tw_render_error(req, 403);
	if (hdf_get_value(req->hdf, "Query.done", NULL) != NULL)
		hdf_set_value(req->hdf, "Page.Done", "1");
	return render_calls(req, 200);
}

/*
 * POST /agent/calls: marks a missed call returned. Fields
 * returned_fields: the CSRF token and the missed call's id. 303 to the
 * list; 403 for a wrong CSRF token or a staff member who may not see
 * calls; 404 when there is no such open missed call. Sets handled_at
 * and handled_by.
 */
enum tw_err
call_returned(struct tw_req *req)
{
	struct tw_form form;
	const char *id;
	enum tw_err err;
	int ok;

	if (!require_staff(req, &err))
		return err;
	form_start(req, &form);
	tw_form_read(&form, returned_fields, nitems(returned_fields), req->hdf);
	ok = staff_csrf_ok(req, &form) && may_see_calls(req);
	id = tw_form_value(&form, "missed");
	if (!ok || form.nerrors > 0 || id == NULL ||
	    strspn(id, "0123456789") != strlen(id)) {
		tw_form_free(&form);
		return tw_render_error(req, ok ? 404 : 403);
	}
	err = tw_ivr_missed_done(req->app->db, atoll(id), req->staff.id);
	tw_form_free(&form);
	if (err == TW_ERR_NOTFOUND)
		return tw_render_error(req, 404);
	if (err != TW_OK)
		return err;
	return tw_redirect(req, 303, "/agent/calls?done=1");
}
