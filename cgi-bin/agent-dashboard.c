/*
 * agent-dashboard.c: the live dashboard of the intranet, a page for a
 * wall screen in the chairman's office or a directorate head's office.
 * The page reloads itself every DASHBOARD_REFRESH seconds with a meta
 * refresh, so it needs no JavaScript.
 */
#include "agent.h"
#include "tawasul.h"

#define DASHBOARD_REFRESH "60"

/*
 * GET /agent/dashboard: today's and this month's figures, overdue cases
 * per directorate, the 10 newest cases and the open cases escalated to
 * level 3 (see lib/dashboard.c). A directorate head gets their own
 * directorate only. Takes no fields. 200; 403 for roles without
 * TW_ACT_REPORTS. Changes nothing.
 */
enum tw_err
dashboard(struct tw_req *req)
{
	long long directorate = 0;
	enum tw_err err;

	if (!require_staff(req, &err))
		return err;
	if (!tw_can(&req->staff, TW_ACT_REPORTS, 0))
		return tw_render_error(req, 403);
	if (tw_role_scoped(req->staff.role)) {
		directorate = req->staff.directorate_id;
		hdf_set_value(req->hdf, "Dashboard.Scoped", "1");
	}
	err = tw_dashboard_load(req->app->db, directorate, req->lang,
	    req->app->config->display_tz, req->hdf);
	if (err != TW_OK)
		return err;
	hdf_set_value(req->hdf, "Page.Refresh", DASHBOARD_REFRESH);
	hdf_set_value(req->hdf, "Page.Title",
	    tw_req_string(req, "Agent.Dashboard.Title"));
	return tw_render(req, 200, "agent_dashboard.cs");
}
