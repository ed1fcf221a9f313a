/*
 * agent-figures.c: the case figures, the default view of /agent/reports.
 *
 * Roles with TW_ACT_REPORTS read, for the cases created in a period,
 * the figures of lib/figures.c per directorate, category, wilayat,
 * channel or registering agent, with the trend per week or month, as
 * HTML with SVG charts or as CSV. A directorate head gets their own
 * directorate only. The charts' coordinates are computed here and the
 * template draws them, so every value goes through its escaping.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent.h"
#include "tawasul.h"

/* Days of the default period, which ends today in Asia/Muscat. */
#define DEFAULT_DAYS 30

/* The plot area of both charts, in SVG user units. */
#define CHART_WIDTH  640
#define CHART_HEIGHT 200

static const struct tw_field figure_fields[] = {
	{ "view", TW_FIELD_CODE, 0, 0, 8 },
	{ "from", TW_FIELD_LINE, 0, 0, 10 },
	{ "to", TW_FIELD_LINE, 0, 0, 10 },
	{ "group", TW_FIELD_CODE, 0, 0, 16 },
	{ "trend", TW_FIELD_CODE, 0, 0, 8 },
	{ "table", TW_FIELD_CODE, 0, 0, 8 },
	{ "format", TW_FIELD_CODE, 0, 0, 8 },
};

/* Indexed by enum tw_fig_group and enum tw_fig_trend. */
static const char *const group_names[] = { "directorate", "category", "wilayat",
	"channel", "agent" };
static const char *const trend_names[] = { "week", "month" };

/* The validated request. */
struct figure_query {
	long from, to; /* Muscat days since 1970 */
	enum tw_fig_group group;
	enum tw_fig_trend trend;
	int csv;
	int trend_table; /* 1: the CSV of the trend instead of the groups */
};

/* Returns the index of value in names, def for NULL, or -1 and records
 * an error on field for anything else. */
static int
read_choice(struct tw_form *form, const char *field, const char *const *names,
    size_t n, int def)
{
	const char *value = tw_form_value(form, field);

	if (value == NULL)
		return def;
	for (size_t i = 0; i < n; i++)
		if (strcmp(value, names[i]) == 0)
			return (int)i;
	tw_form_error(form, field, "Err.Choice", 0);
	return -1;
}

/* Reads the date field into *days, or def when it is empty. Returns -1
 * and records an error for a value that is not a date YYYY-MM-DD. */
static int
read_date(struct tw_form *form, const char *field, long def, long *days)
{
	const char *value = tw_form_value(form, field);

	*days = def;
	if (value == NULL)
		return 0;
	if (tw_fig_parse_date(value, days) == TW_OK)
		return 0;
	tw_form_error(form, field, "Agent.Figures.BadDate", 0);
	return -1;
}

/* Reads and checks every field into q. Returns 0, or -1 when the form
 * has errors. */
static int
read_query(struct tw_form *form, struct figure_query *q)
{
	static const char *const views[] = { "cases" };
	static const char *const tables[] = { "groups", "trend" };
	static const char *const formats[] = { "html", "csv" };
	long today = tw_fig_today(time(NULL));
	int group, trend, table, format, bad = 0;

	bad |= read_choice(form, "view", views, 1, 0) < 0;
	bad |= read_date(form, "to", today, &q->to) != 0;
	bad |= read_date(form, "from", q->to - (DEFAULT_DAYS - 1), &q->from) !=
	    0;
	if (!bad && q->to < q->from) {
		tw_form_error(form, "to", "Agent.Figures.BadPeriod", 0);
		bad = 1;
	} else if (!bad && q->to - q->from >= 731) {
		tw_form_error(form, "from", "Agent.Figures.LongPeriod", 0);
		bad = 1;
	}
	group = read_choice(form, "group", group_names, nitems(group_names), 0);
	trend = read_choice(form, "trend", trend_names, nitems(trend_names), 0);
	table = read_choice(form, "table", tables, nitems(tables), 0);
	format = read_choice(form, "format", formats, nitems(formats), 0);
	if (group < 0 || trend < 0 || table < 0 || format < 0)
		return -1;
	q->group = (enum tw_fig_group)group;
	q->trend = (enum tw_fig_trend)trend;
	q->trend_table = table == 1;
	q->csv = format == 1;
	return bad ? -1 : 0;
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

/* Bytes of one cell: a name of 200 characters in UTF-8 takes up to 800. */
#define CELL_MAX 832

/* The CSV headers of a group row, in the order of format_group. */
static const char *const group_headers[] = { "key", "name", "received",
	"resolved", "resolved_percent", "confirmed", "overdue",
	"median_hours_to_resolve", "p90_hours_to_resolve", "handled" };

#define GROUP_CELLS (sizeof group_headers / sizeof group_headers[0])

/* Returns how many cells a row has: "handled" is for agents only. */
static size_t
group_cells(enum tw_fig_group group)
{
	return group == TW_FIG_BY_AGENT ? GROUP_CELLS : GROUP_CELLS - 1;
}

/* Returns the display name of g: the stored name, or the localized name
 * of a channel or of the portal. */
static const char *
group_name(struct tw_req *req, enum tw_fig_group group,
    const struct tw_fig_row *g)
{
	char key[64];

	if (group == TW_FIG_BY_CHANNEL) {
		snprintf(key, sizeof key, "Channel.%s", g->key);
		return tw_req_string(req, key);
	}
	if (group == TW_FIG_BY_AGENT && strcmp(g->key, "portal") == 0)
		return tw_req_string(req, "Agent.Qa.Portal");
	return g->name;
}

/* Formats the cells of group g, in the order of group_headers. The
 * times are empty when nothing was resolved. */
static void
format_group(struct tw_req *req, enum tw_fig_group group,
    const struct tw_fig_row *g, char cells[][CELL_MAX])
{
	snprintf(cells[0], CELL_MAX, "%s", g->key);
	snprintf(cells[1], CELL_MAX, "%s", group_name(req, group, g));
	snprintf(cells[2], CELL_MAX, "%lld", g->received);
	snprintf(cells[3], CELL_MAX, "%lld", g->resolved);
	format_share(g->resolved, g->received, cells[4], CELL_MAX);
	snprintf(cells[5], CELL_MAX, "%lld", g->confirmed);
	snprintf(cells[6], CELL_MAX, "%lld", g->overdue);
	cells[7][0] = cells[8][0] = '\0';
	if (g->resolved > 0) {
		snprintf(cells[7], CELL_MAX, "%.1f", g->median_hours);
		snprintf(cells[8], CELL_MAX, "%.1f", g->p90_hours);
	}
	snprintf(cells[9], CELL_MAX, "%lld", g->handled);
}

/* Sends the groups, or the trend, as a CSV attachment in UTF-8 with a
 * byte order mark so that Excel shows Arabic names. */
static enum tw_err
send_csv(struct tw_req *req, const struct figure_query *q,
    const struct tw_figures *f)
{
	char cells[GROUP_CELLS][CELL_MAX], from[11], to[11], disposition[128];
	char number[32];

	string_clear(&req->body);
	string_init(&req->body);
	string_append(&req->body, "\xef\xbb\xbf");
	if (q->trend_table) {
		csv_field(&req->body, trend_names[q->trend], 0);
		csv_field(&req->body, "received", 0);
		csv_field(&req->body, "resolved", 1);
		for (size_t i = 0; i < f->nbuckets; i++) {
			csv_field(&req->body, f->buckets[i].label, 0);
			snprintf(number, sizeof number, "%lld",
			    f->buckets[i].received);
			csv_field(&req->body, number, 0);
			snprintf(number, sizeof number, "%lld",
			    f->buckets[i].resolved);
			csv_field(&req->body, number, 1);
		}
	} else {
		size_t n = group_cells(q->group);

		for (size_t c = 0; c < n; c++)
			csv_field(&req->body, group_headers[c], c + 1 == n);
		for (size_t i = 0; i < f->ngroups; i++) {
			format_group(req, q->group, &f->groups[i], cells);
			for (size_t c = 0; c < n; c++)
				csv_field(&req->body, cells[c], c + 1 == n);
		}
	}
	tw_fig_format_date(q->from, from);
	tw_fig_format_date(q->to, to);
	snprintf(disposition, sizeof disposition,
	    "attachment; filename=\"tawasul-figures-%s-%s-%s.csv\"",
	    q->trend_table ? trend_names[q->trend] : group_names[q->group],
	    from, to);
	req->status = 200;
	tw_req_header(req, "Content-Type", "text/csv; charset=utf-8");
	tw_req_header(req, "Content-Disposition", disposition);
	return TW_OK;
}

/* Returns the height in chart units of value on a scale to max. */
static long
bar_height(long long value, long long max)
{
	return max > 0 ? (long)(value * CHART_HEIGHT / max) : 0;
}

/* The characters of a bar's label under the chart; the whole name is in
 * the bar's title. */
#define SHORT_LABEL_CHARS 18
#define SHORT_LABEL_BYTES (SHORT_LABEL_CHARS * 4 + 4)

/* Writes name into out, cut after SHORT_LABEL_CHARS characters with an
 * ellipsis. */
static void
short_label(const char *name, char out[SHORT_LABEL_BYTES])
{
	size_t chars = 0, i = 0;

	while (name[i] != '\0' && chars < SHORT_LABEL_CHARS) {
		size_t len = 1;

		while (len < 4 && (name[i + len] & 0xc0) == 0x80)
			len++;
		memcpy(out + i, name + i, len);
		i += len;
		chars++;
	}
	if (name[i] != '\0') {
		memcpy(out + i, "\xe2\x80\xa6", 3); /* … */
		i += 3;
	}
	out[i] = '\0';
}

/* Returns the length of the words that every group's name starts with,
 * such as "Directorate General of ", so that the bars' short labels
 * keep what tells the groups apart; 0 for fewer than two groups. */
static size_t
shared_words(struct tw_req *req, enum tw_fig_group group,
    const struct tw_figures *f)
{
	const char *first;
	size_t len, words = 0;

	if (f->ngroups < 2)
		return 0;
	first = group_name(req, group, &f->groups[0]);
	len = strlen(first);
	for (size_t i = 1; i < f->ngroups; i++) {
		const char *name = group_name(req, group, &f->groups[i]);
		size_t n = 0;

		while (n < len && name[n] == first[n])
			n++;
		len = n;
	}
	for (size_t n = 0; n < len; n++)
		if (first[n] == ' ')
			words = n + 1;
	return words;
}

/* Fills Figures.Rows.N.* and the bar chart, Figures.Bars.N.*: per
 * group a bar of received and a bar of resolved cases. */
static void
fill_groups(struct tw_req *req, enum tw_fig_group group,
    const struct tw_figures *f)
{
	static const char *const names[] = { "Key", "Name", "Received",
		"Resolved", "Share", "Confirmed", "Overdue", "Median", "P90",
		"Handled" };
	char cells[GROUP_CELLS][CELL_MAX], label[SHORT_LABEL_BYTES];
	size_t shared = shared_words(req, group, f);
	long long max = 0;
	long slot, width;

	for (size_t i = 0; i < f->ngroups; i++)
		if (f->groups[i].received > max)
			max = f->groups[i].received;
	slot = f->ngroups > 0 ? CHART_WIDTH / (long)f->ngroups : 0;
	width = slot * 2 / 5;
	for (size_t i = 0; i < f->ngroups; i++) {
		const struct tw_fig_row *g = &f->groups[i];
		long received = bar_height(g->received, max);
		long resolved = bar_height(g->resolved, max);
		long x = (long)i * slot + slot / 10;

		format_group(req, group, g, cells);
		for (size_t c = 0; c < group_cells(group); c++)
			hdf_set_valuef(req->hdf, "Figures.Rows.%zu.%s=%s", i,
			    names[c], cells[c]);
		hdf_set_valuef(req->hdf, "Figures.Bars.%zu.X=%ld", i, x);
		hdf_set_valuef(req->hdf, "Figures.Bars.%zu.Y=%ld", i,
		    CHART_HEIGHT - received);
		hdf_set_valuef(req->hdf, "Figures.Bars.%zu.Height=%ld", i,
		    received);
		hdf_set_valuef(req->hdf, "Figures.Bars.%zu.ResolvedX=%ld", i,
		    x + width);
		hdf_set_valuef(req->hdf, "Figures.Bars.%zu.ResolvedY=%ld", i,
		    CHART_HEIGHT - resolved);
		hdf_set_valuef(req->hdf, "Figures.Bars.%zu.ResolvedHeight=%ld",
		    i, resolved);
		hdf_set_valuef(req->hdf, "Figures.Bars.%zu.LabelX=%ld", i,
		    x + width);
		hdf_set_valuef(req->hdf, "Figures.Bars.%zu.Label=%s", i,
		    cells[1][0] != '\0' ? cells[1] : cells[0]);
		short_label(cells[1][0] != '\0' && strlen(cells[1]) > shared
		        ? cells[1] + shared
		        : cells[0],
		    label);
		hdf_set_valuef(req->hdf, "Figures.Bars.%zu.Short=%s", i, label);
		hdf_set_valuef(req->hdf, "Figures.Bars.%zu.Received=%lld", i,
		    g->received);
		hdf_set_valuef(req->hdf, "Figures.Bars.%zu.Resolved=%lld", i,
		    g->resolved);
	}
	hdf_set_valuef(req->hdf, "Figures.Bar.Width=%ld", width);
	hdf_set_valuef(req->hdf, "Figures.Max=%lld", max);
}

/* Fills Figures.Trend.N.*: per week or month the counts and a column of
 * received cases with a column of resolved ones beside it. */
static void
fill_trend(struct tw_req *req, const struct tw_figures *f)
{
	long long max = 0;
	long slot, width;

	for (size_t i = 0; i < f->nbuckets; i++)
		if (f->buckets[i].received > max)
			max = f->buckets[i].received;
	slot = f->nbuckets > 0 ? CHART_WIDTH / (long)f->nbuckets : 0;
	width = slot * 2 / 5;
	for (size_t i = 0; i < f->nbuckets; i++) {
		const struct tw_fig_bucket *b = &f->buckets[i];
		long received = bar_height(b->received, max);
		long resolved = bar_height(b->resolved, max);
		long x = (long)i * slot + slot / 10;

		hdf_set_valuef(req->hdf, "Figures.Trend.%zu.Label=%s", i,
		    b->label);
		hdf_set_valuef(req->hdf, "Figures.Trend.%zu.Received=%lld", i,
		    b->received);
		hdf_set_valuef(req->hdf, "Figures.Trend.%zu.Resolved=%lld", i,
		    b->resolved);
		hdf_set_valuef(req->hdf, "Figures.Trend.%zu.X=%ld", i, x);
		hdf_set_valuef(req->hdf, "Figures.Trend.%zu.Y=%ld", i,
		    CHART_HEIGHT - received);
		hdf_set_valuef(req->hdf, "Figures.Trend.%zu.Height=%ld", i,
		    received);
		hdf_set_valuef(req->hdf, "Figures.Trend.%zu.ResolvedX=%ld", i,
		    x + width);
		hdf_set_valuef(req->hdf, "Figures.Trend.%zu.ResolvedY=%ld", i,
		    CHART_HEIGHT - resolved);
		hdf_set_valuef(req->hdf, "Figures.Trend.%zu.ResolvedHeight=%ld",
		    i, resolved);
		hdf_set_valuef(req->hdf, "Figures.Trend.%zu.LabelX=%ld", i,
		    x + width);
	}
	hdf_set_valuef(req->hdf, "Figures.TrendBar.Width=%ld", width);
	hdf_set_valuef(req->hdf, "Figures.TrendMax=%lld", max);
}

/* Sets the period, group and trend of the page and of its form. */
static void
fill_query(struct tw_req *req, const struct figure_query *q)
{
	char from[11], to[11];

	tw_fig_format_date(q->from, from);
	tw_fig_format_date(q->to, to);
	hdf_set_value(req->hdf, "Figures.From", from);
	hdf_set_value(req->hdf, "Figures.To", to);
	hdf_set_value(req->hdf, "Form.Value.from", from);
	hdf_set_value(req->hdf, "Form.Value.to", to);
	hdf_set_value(req->hdf, "Figures.Group", group_names[q->group]);
	hdf_set_value(req->hdf, "Figures.TrendBy", trend_names[q->trend]);
	hdf_set_valuef(req->hdf, "Figures.Chart.Width=%d", CHART_WIDTH);
	hdf_set_valuef(req->hdf, "Figures.Chart.Height=%d", CHART_HEIGHT);
}

/*
 * GET /agent/reports[?view=cases][&from=YYYY-MM-DD][&to=YYYY-MM-DD]
 * [&group=directorate|category|wilayat|channel|agent][&trend=week|month]
 * [&format=csv[&table=groups|trend]]: the figures of the cases created
 * from `from` to `to` (both included; by default the last 30 days in
 * Asia/Muscat) per group, with the trend. A directorate head sees the
 * own directorate only. Called by reports() after its permission check.
 * 200 as HTML or as a CSV attachment; 422 for a bad date, a period that
 * ends before it starts or is longer than two years, or an unknown
 * choice. Changes nothing.
 */
enum tw_err
figures(struct tw_req *req)
{
	struct figure_query q;
	struct tw_figures *f = NULL;
	struct tw_form form;
	long long directorate = 0;
	enum tw_err err;
	int bad;

	memset(&q, 0, sizeof q);
	form_start(req, &form);
	tw_form_read(&form, figure_fields, nitems(figure_fields), req->hdf);
	bad = read_query(&form, &q) != 0;
	tw_form_free(&form);
	if (tw_role_scoped(req->staff.role)) {
		directorate = req->staff.directorate_id;
		hdf_set_value(req->hdf, "Report.Scoped", "1");
	}
	hdf_set_value(req->hdf, "Page.Title",
	    tw_req_string(req, "Agent.Reports.Title"));
	if (bad)
		return tw_render(req, 422, "agent_figures.cs");
	fill_query(req, &q);
	err = tw_figures_load(req->app->db, q.group, q.from, q.to, q.trend,
	    directorate, req->lang, &f);
	if (err != TW_OK)
		return err;
	if (q.csv) {
		err = send_csv(req, &q, f);
		tw_figures_free(f);
		return err;
	}
	fill_groups(req, q.group, f);
	fill_trend(req, f);
	tw_figures_free(f);
	return tw_render(req, 200, "agent_figures.cs");
}
