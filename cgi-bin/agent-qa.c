/*
 * agent-qa.c: the monthly QA review and the reports of the intranet.
 *
 * Reviewers (roles with TW_ACT_QA) see the month's sample drawn by
 * bin/tawasul-qa-sample and score each case; roles with TW_ACT_REPORTS
 * read the monthly figures per agent, directorate or month, as HTML or
 * CSV. A directorate head's reports cover the own directorate only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent.h"
#include "tawasul.h"

#define NOTES_MAX 2000

static const struct tw_field month_fields[] = {
	{ "month", TW_FIELD_LINE, 0, 0, 7 },
};

static const struct tw_field report_fields[] = {
	{ "month", TW_FIELD_LINE, 0, 0, 7 },
	{ "group", TW_FIELD_CODE, 0, 0, 16 },
	{ "format", TW_FIELD_CODE, 0, 0, 8 },
};

static const struct tw_field score_fields[] = {
	{ "csrf", TW_FIELD_TOKEN, 1, 0, 64 },
	{ "soft_skills", TW_FIELD_CODE, 1, 0, 2 },
	{ "time_to_solve", TW_FIELD_CODE, 1, 0, 2 },
	{ "service_quality", TW_FIELD_CODE, 1, 0, 2 },
	{ "notes", TW_FIELD_TEXT, 0, 0, NOTES_MAX },
};

/* The score fields, in the order of the form. */
static const char *const score_names[] = { "soft_skills", "time_to_solve",
	"service_quality" };

/* The report groupings, indexed by enum tw_qa_group. */
static const char *const group_names[] = { "agent", "directorate", "month" };

/*
 * Reads the month field into month, or last month in Asia/Muscat when
 * it is empty. Records a form error and returns -1 for a bad month.
 */
static int
read_month(struct tw_form *form, char month[8])
{
	const char *value = tw_form_value(form, "month");
	char start[20], end[20];

	if (value == NULL) {
		tw_qa_last_month(time(NULL), month);
		return 0;
	}
	if (tw_qa_month_range(value, start, end) != TW_OK) {
		tw_form_error(form, "month", "Agent.Qa.BadMonth", 0);
		return -1;
	}
	snprintf(month, 8, "%s", value);
	return 0;
}

/*
 * GET /agent/qa[?month=YYYY-MM]: the reviewer's sample of a month (by
 * default last month), each case scored or not. 200; 403 for roles
 * without TW_ACT_QA; 422 for a month not written YYYY-MM. Changes
 * nothing.
 */
enum tw_err
qa_list(struct tw_req *req)
{
	struct tw_qa_sample sample;
	struct tw_form form;
	char month[8] = "";
	enum tw_err err = TW_OK;
	int status = 200;

	if (!require_staff(req, &err))
		return err;
	if (!tw_can(&req->staff, TW_ACT_QA, 0))
		return tw_render_error(req, 403);
	form_start(req, &form);
	tw_form_read(&form, month_fields, nitems(month_fields), req->hdf);
	if (read_month(&form, month) != 0)
		status = 422;
	tw_form_free(&form);
	if (status == 200) {
		hdf_set_value(req->hdf, "Qa.Month", month);
		hdf_set_value(req->hdf, "Form.Value.month", month);
		err = tw_qa_sample_find(req->app->db, month, &sample);
		if (err == TW_OK)
			err = tw_qa_review_list(req->app->db, req->staff.id,
			    month, req->lang, req->app->config->display_tz,
			    req->hdf);
		else if (err == TW_ERR_NOTFOUND)
			err = TW_OK;
		else
			return err;
		if (err != TW_OK)
			return err;
	}
	hdf_set_value(req->hdf, "Page.Title",
	    tw_req_string(req, "Agent.Qa.Title"));
	return tw_render(req, status, "agent_qa.cs");
}

/* Renders the score form of number, with the case and its surveys. */
static enum tw_err
render_qa_case(struct tw_req *req, const char *number, int status)
{
	long long case_id;
	enum tw_err err;

	err = tw_qa_review_case(req->app->db, req->staff.id, number,
	    req->app->config->display_tz, req->hdf, &case_id);
	if (err == TW_ERR_NOTFOUND)
		return tw_render_error(req, 404);
	if (err == TW_OK)
		err = tw_case_page(req->app->db, &req->staff, number, req->lang,
		    req->app->config->display_tz, req->hdf);
	if (err == TW_ERR_FORBIDDEN)
		return tw_render_error(req, 403);
	if (err == TW_OK)
		err = tw_refdata_fill(req->app->db, req->hdf, req->lang);
	if (err != TW_OK)
		return err;
	/* The form starts with the stored score, unless a post failed. */
	if (status == 200) {
		hdf_set_copy(req->hdf, "Form.Value.soft_skills",
		    "Qa.SoftSkills");
		hdf_set_copy(req->hdf, "Form.Value.time_to_solve",
		    "Qa.TimeToSolve");
		hdf_set_copy(req->hdf, "Form.Value.service_quality",
		    "Qa.ServiceQuality");
		hdf_set_copy(req->hdf, "Form.Value.notes", "Qa.Notes");
	}
	snprintf(req->case_number, sizeof req->case_number, "%s", number);
	hdf_set_valuef(req->hdf, "Page.Title=%s %s",
	    tw_req_string(req, "Agent.Qa.CaseTitle"), number);
	return tw_render(req, status, "agent_qa_case.cs");
}

/*
 * GET /agent/qa/cases/NUMBER[?done=1]: the score form of a sampled
 * case beside the case's details, its full history and its survey
 * answers. 200; 403 for roles without TW_ACT_QA; 404 for a case in no
 * sample the reviewer may score. Changes nothing.
 */
enum tw_err
qa_case_page(struct tw_req *req)
{
	char number[TW_CASENUM_LEN + 1];
	enum tw_err err;

	if (!require_staff(req, &err))
		return err;
	if (!tw_can(&req->staff, TW_ACT_QA, 0))
		return tw_render_error(req, 403);
	if (tw_casenum_parse(req->arg, number) != TW_OK)
		return tw_render_error(req, 404);
	if (hdf_get_value(req->hdf, "Query.done", NULL) != NULL)
		hdf_set_value(req->hdf, "Page.Done", "1");
	return render_qa_case(req, number, 200);
}

/* Reads the three scores, each 1 to 5; records an error for others. */
static void
read_scores(struct tw_form *form, struct tw_qa_score_input *in)
{
	int *values[] = { &in->soft_skills, &in->time_to_solve,
		&in->service_quality };

	for (size_t i = 0; i < nitems(score_names); i++) {
		const char *v = tw_form_value(form, score_names[i]);

		*values[i] = 0;
		if (v == NULL)
			continue; /* tw_form_read reported it missing */
		if (strlen(v) == 1 && v[0] >= '1' && v[0] <= '5')
			*values[i] = v[0] - '0';
		else
			tw_form_error(form, score_names[i],
			    "Agent.Qa.ScoreRange", 0);
	}
	in->notes = tw_form_value(form, "notes");
}

/*
 * POST /agent/qa/cases/NUMBER: scores a sampled case. Fields
 * score_fields: csrf, soft_skills, time_to_solve and service_quality
 * (each 1 to 5) and notes (up to 2000 characters). 303 back to the
 * form; 403 for a bad CSRF field or a role without TW_ACT_QA; 404 for
 * a case in no sample the reviewer may score; 422 with a message per
 * field. Stores the score, or replaces the earlier one, or nothing.
 */
enum tw_err
qa_case_post(struct tw_req *req)
{
	char number[TW_CASENUM_LEN + 1], location[64];
	struct tw_qa_score_input in;
	struct tw_form form;
	enum tw_err err;

	if (!require_staff(req, &err))
		return err;
	if (!tw_can(&req->staff, TW_ACT_QA, 0))
		return tw_render_error(req, 403);
	if (tw_casenum_parse(req->arg, number) != TW_OK)
		return tw_render_error(req, 404);
	form_start(req, &form);
	tw_form_read(&form, score_fields, nitems(score_fields), req->hdf);
	if (!staff_csrf_ok(req, &form)) {
		tw_form_free(&form);
		return tw_render_error(req, 403);
	}
	memset(&in, 0, sizeof in);
	read_scores(&form, &in);
	err = form.nerrors
	    ? TW_ERR_INPUT
	    : tw_qa_score(req->app->db, req->staff.id, number, &in);
	tw_form_free(&form);
	snprintf(req->case_number, sizeof req->case_number, "%s", number);
	if (err == TW_ERR_NOTFOUND)
		return tw_render_error(req, 404);
	if (err == TW_ERR_INPUT)
		return render_qa_case(req, number, 422);
	if (err != TW_OK)
		return err;
	snprintf(location, sizeof location, "/agent/qa/cases/%s?done=1",
	    number);
	return tw_redirect(req, 303, location);
}

/* Writes numerator / denominator as a percentage with one decimal, or
 * "" when the denominator is 0. */
static void
format_share(long long numerator, long long denominator, char *out,
    size_t outsz)
{
	if (denominator <= 0)
		snprintf(out, outsz, "%s", "");
	else
		snprintf(out, outsz, "%.1f",
		    100.0 * (double)numerator / (double)denominator);
}

/* Writes an average with two decimals, or "" for SQL NULL. */
static void
format_average(const char *value, char *out, size_t outsz)
{
	if (value == NULL)
		snprintf(out, outsz, "%s", "");
	else
		snprintf(out, outsz, "%.2f", atof(value));
}

/* The HDF names and CSV headers of a report row's cells, in order. */
static const struct {
	const char *hdf;
	const char *csv;
} report_cells[] = {
	{ "Key", "key" },
	{ "Name", "name" },
	{ "Cases", "cases" },
	{ "Sampled", "sampled" },
	{ "Scored", "scored" },
	{ "SoftSkills", "soft_skills" },
	{ "TimeToSolve", "time_to_solve" },
	{ "ServiceQuality", "service_quality" },
	{ "Sent", "surveys_sent" },
	{ "Answered", "surveys_answered" },
	{ "ResponseRate", "response_rate_percent" },
	{ "Satisfaction", "satisfaction" },
	{ "Confirmed", "confirmed_solved" },
	{ "Resolved", "resolved" },
	{ "ConfirmedShare", "confirmed_solved_percent" },
};

#define REPORT_CELLS (sizeof report_cells / sizeof report_cells[0])

/* Bytes of one report cell: a display name of 100 characters in UTF-8
 * takes up to 400. */
#define CELL_MAX 512

/* Formats the cells of report row i into cells (REPORT_CELLS of CELL_MAX
 * bytes). */
static void
format_row(const struct tw_rows *rows, size_t i, char cells[][CELL_MAX])
{
	static const enum tw_qa_column direct[] = { TW_QA_KEY, TW_QA_NAME,
		TW_QA_CASES, TW_QA_SAMPLED, TW_QA_SCORED };
	long long sent = atoll(tw_rows_get(rows, i, TW_QA_SURVEYS_SENT));
	long long answered =
	    atoll(tw_rows_get(rows, i, TW_QA_SURVEYS_ANSWERED));
	long long confirmed = atoll(tw_rows_get(rows, i, TW_QA_CONFIRMED));
	long long resolved = atoll(tw_rows_get(rows, i, TW_QA_RESOLVED));

	for (size_t c = 0; c < nitems(direct); c++) {
		const char *v = tw_rows_get(rows, i, direct[c]);

		snprintf(cells[c], CELL_MAX, "%s", v ? v : "");
	}
	format_average(tw_rows_get(rows, i, TW_QA_SOFT_SKILLS), cells[5],
	    CELL_MAX);
	format_average(tw_rows_get(rows, i, TW_QA_TIME_TO_SOLVE), cells[6],
	    CELL_MAX);
	format_average(tw_rows_get(rows, i, TW_QA_SERVICE_QUALITY), cells[7],
	    CELL_MAX);
	snprintf(cells[8], CELL_MAX, "%lld", sent);
	snprintf(cells[9], CELL_MAX, "%lld", answered);
	format_share(answered, sent, cells[10], CELL_MAX);
	format_average(tw_rows_get(rows, i, TW_QA_SATISFACTION), cells[11],
	    CELL_MAX);
	snprintf(cells[12], CELL_MAX, "%lld", confirmed);
	snprintf(cells[13], CELL_MAX, "%lld", resolved);
	format_share(confirmed, resolved, cells[14], CELL_MAX);
}

/* Appends one CSV field, quoted and kept from spreadsheet formulas by
 * tw_csv_cell, and a comma or, for the last field, the line end. */
void
csv_field(STRING *out, const char *value, int last)
{
	tw_csv_cell(out, value);
	string_append(out, last ? "\r\n" : ",");
}

/* Sends a report as a CSV attachment, UTF-8 with a byte order mark
 * so that Excel shows Arabic names. */
static enum tw_err
send_csv(struct tw_req *req, const struct tw_rows *rows, const char *group,
    const char *month)
{
	char cells[REPORT_CELLS][CELL_MAX], disposition[96];

	string_clear(&req->body);
	string_init(&req->body);
	string_append(&req->body, "\xef\xbb\xbf");
	for (size_t c = 0; c < REPORT_CELLS; c++)
		csv_field(&req->body, report_cells[c].csv,
		    c + 1 == REPORT_CELLS);
	for (size_t i = 0; i < rows->nrows; i++) {
		format_row(rows, i, cells);
		for (size_t c = 0; c < REPORT_CELLS; c++)
			csv_field(&req->body, cells[c], c + 1 == REPORT_CELLS);
	}
	snprintf(disposition, sizeof disposition,
	    "attachment; filename=\"tawasul-report-%s-%s.csv\"", group, month);
	req->status = 200;
	tw_req_header(req, "Content-Type", "text/csv; charset=utf-8");
	tw_req_header(req, "Content-Disposition", disposition);
	return TW_OK;
}

/* Fills Report.Rows.N.* with the formatted rows. */
static void
fill_report(struct tw_req *req, const struct tw_rows *rows)
{
	char cells[REPORT_CELLS][CELL_MAX];

	for (size_t i = 0; i < rows->nrows; i++) {
		format_row(rows, i, cells);
		for (size_t c = 0; c < REPORT_CELLS; c++)
			hdf_set_valuef(req->hdf, "Report.Rows.%zu.%s=%s", i,
			    report_cells[c].hdf, cells[c]);
	}
}

/* Reads the group field; records an error and returns -1 for others. */
static int
read_group(struct tw_form *form, enum tw_qa_group *group)
{
	const char *value = tw_form_value(form, "group");

	*group = TW_QA_BY_AGENT;
	if (value == NULL)
		return 0;
	for (size_t i = 0; i < nitems(group_names); i++)
		if (strcmp(value, group_names[i]) == 0) {
			*group = (enum tw_qa_group)i;
			return 0;
		}
	tw_form_error(form, "group", "Err.Choice", 0);
	return -1;
}

/*
 * Returns 1 when the request is for the QA view of /agent/reports:
 * view=qa, or no view but a month, as the links made before the case
 * figures became the default view have.
 */
static int
qa_view(struct tw_req *req)
{
	const char *view = hdf_get_value(req->hdf, "Query.view", NULL);

	if (view == NULL)
		return hdf_get_value(req->hdf, "Query.month", NULL) != NULL;
	return strcmp(view, "qa") == 0;
}

/*
 * GET /agent/reports?view=qa[&month=YYYY-MM][&group=agent|directorate|month]
 * [&format=csv]: cases, QA sample and scores, survey response rate,
 * satisfaction and the share of resolved cases the resident confirmed
 * solved, for cases registered in month (by default last month), per
 * agent, per directorate, or per month over the twelve months ending
 * with month. A directorate head gets their own directorate only. 200 as
 * HTML, or as a CSV attachment; 403 for roles without TW_ACT_REPORTS;
 * 422 for a bad month, group or format. Changes nothing.
 */
enum tw_err
reports(struct tw_req *req)
{
	const char *format;
	struct tw_rows *rows = NULL;
	enum tw_qa_group group = TW_QA_BY_AGENT;
	struct tw_form form;
	long long directorate = 0;
	char month[8] = "";
	enum tw_err err;
	int bad, csv;

	if (!require_staff(req, &err))
		return err;
	if (!tw_can(&req->staff, TW_ACT_REPORTS, 0))
		return tw_render_error(req, 403);
	if (!qa_view(req))
		return figures(req);
	form_start(req, &form);
	tw_form_read(&form, report_fields, nitems(report_fields), req->hdf);
	bad = read_month(&form, month) != 0;
	bad |= read_group(&form, &group) != 0;
	format = tw_form_value(&form, "format");
	if (format != NULL && strcmp(format, "csv") != 0 &&
	    strcmp(format, "html") != 0) {
		tw_form_error(&form, "format", "Err.Choice", 0);
		bad = 1;
	}
	csv = format != NULL && strcmp(format, "csv") == 0;
	tw_form_free(&form);
	if (tw_role_scoped(req->staff.role)) {
		directorate = req->staff.directorate_id;
		hdf_set_value(req->hdf, "Report.Scoped", "1");
	}
	hdf_set_value(req->hdf, "Report.Group", group_names[group]);
	if (!bad) {
		hdf_set_value(req->hdf, "Report.Month", month);
		hdf_set_value(req->hdf, "Form.Value.month", month);
		err = tw_qa_report(req->app->db, group, month, directorate,
		    req->lang, &rows);
		if (err != TW_OK)
			return err;
		if (csv) {
			err = send_csv(req, rows, group_names[group], month);
			tw_rows_free(rows);
			return err;
		}
		fill_report(req, rows);
		tw_rows_free(rows);
	}
	hdf_set_value(req->hdf, "Page.Title",
	    tw_req_string(req, "Agent.Reports.Title"));
	return tw_render(req, bad ? 422 : 200, "agent_reports.cs");
}
