/*
 * agent-call-figures.c: the figures of the 1111 phone line, the Calls
 * view of /agent/reports at /agent/reports/calls.
 *
 * For the calls started in a period: calls per language and outcome,
 * the durations, the voice complaints that became cases, the missed
 * calls returned and open, and the trend per day, week or month as a
 * stacked bar chart drawn in SVG on the server. Every table is also a
 * CSV attachment. The page shows counts only, never a caller's number
 * or a single call, so the roles that read the case figures read these.
 * A call has no directorate, so a directorate head sees the figures of
 * the whole line. The per-call list of /agent/calls stays closed to
 * heads.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent.h"
#include "tawasul.h"

/* Days of the default period, which ends today in Asia/Muscat. */
#define DEFAULT_DAYS 30
/* A period may be two years long at most, as for the case figures. */
#define PERIOD_DAYS_MAX 731
/* A trend per day covers a quarter at most, so each day keeps a
 * readable column in the chart. */
#define DAILY_DAYS_MAX 92

/* The plot area of the chart, in SVG user units. */
#define CHART_WIDTH  640
#define CHART_HEIGHT 200

static const struct tw_field call_fields[] = {
	{ "from", TW_FIELD_LINE, 0, 0, 10 },
	{ "to", TW_FIELD_LINE, 0, 0, 10 },
	{ "trend", TW_FIELD_CODE, 0, 0, 8 },
	{ "table", TW_FIELD_CODE, 0, 0, 12 },
	{ "format", TW_FIELD_CODE, 0, 0, 8 },
};

/* Indexed by enum tw_call_trend and enum call_table. */
static const char *const trend_names[] = { "day", "week", "month" };
static const char *const table_names[] = { "summary", "languages", "outcomes",
	"trend" };
static const char *const lang_codes[TW_LANG_MAX] = { "ar", "en" };

/* The bar colours of the outcomes, in the order of tw_call_outcomes. */
static const char *const outcome_colours[TW_CALL_OUTCOMES] = { "#1f5f8b",
	"#7fb069", "#e6aa68", "#5c4d7d", "#2a9d8f", "#e76f51", "#8d99ae",
	"#ca3c25", "#6c757d", "#b5838d", "#333333" };

enum call_table { TABLE_SUMMARY, TABLE_LANGUAGES, TABLE_OUTCOMES, TABLE_TREND };

/* The validated request. */
struct call_query {
	long from, to; /* Muscat days since 1970 */
	enum tw_call_trend trend;
	enum call_table table;
	int csv;
};

/* Returns the index of the field's value in names, def when it is
 * empty, or -1 after recording Err.Choice. */
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
	if (value == NULL || tw_fig_parse_date(value, days) == TW_OK)
		return 0;
	tw_form_error(form, field, "Agent.Figures.BadDate", 0);
	return -1;
}

/* Reads and checks every field into q. Returns 0, or -1 when the form
 * has errors. */
static int
read_query(struct tw_form *form, struct call_query *q)
{
	static const char *const formats[] = { "html", "csv" };
	long today = tw_fig_today(time(NULL));
	int trend, table, format, bad = 0;

	bad |= read_date(form, "to", today, &q->to) != 0;
	bad |= read_date(form, "from", q->to - (DEFAULT_DAYS - 1), &q->from) !=
	    0;
	trend = read_choice(form, "trend", trend_names, nitems(trend_names),
	    TW_CALL_DAILY);
	table = read_choice(form, "table", table_names, nitems(table_names),
	    TABLE_SUMMARY);
	format = read_choice(form, "format", formats, nitems(formats), 0);
	if (!bad && q->to < q->from) {
		tw_form_error(form, "to", "Agent.Figures.BadPeriod", 0);
		bad = 1;
	} else if (!bad && q->to - q->from >= PERIOD_DAYS_MAX) {
		tw_form_error(form, "from", "Agent.Figures.LongPeriod", 0);
		bad = 1;
	} else if (!bad && trend == TW_CALL_DAILY &&
	    q->to - q->from >= DAILY_DAYS_MAX) {
		tw_form_error(form, "trend", "Agent.CallFigures.LongDaily", 0);
		bad = 1;
	}
	if (trend < 0 || table < 0 || format < 0)
		return -1;
	q->trend = (enum tw_call_trend)trend;
	q->table = (enum call_table)table;
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

/* The rows of the summary table: the CSV key and the HDF name. */
static const char *const summary_keys[] = { "calls", "timed_calls",
	"mean_seconds", "p90_seconds", "voice_cases", "missed", "returned",
	"open", "median_callback_minutes" };
static const char *const summary_names[] = { "Calls", "Timed", "Mean", "P90",
	"VoiceCases", "Missed", "Returned", "Open", "Callback" };

#define SUMMARY_ROWS (sizeof summary_keys / sizeof summary_keys[0])

/* Formats the summary's values in the order of summary_keys. Times are
 * empty when no call has them. */
static void
format_summary(const struct tw_call_figures *f, char values[][32])
{
	snprintf(values[0], 32, "%lld", f->calls);
	snprintf(values[1], 32, "%lld", f->timed);
	values[2][0] = values[3][0] = values[8][0] = '\0';
	if (f->timed > 0) {
		snprintf(values[2], 32, "%.1f", f->mean_seconds);
		snprintf(values[3], 32, "%.0f", f->p90_seconds);
	}
	snprintf(values[4], 32, "%lld", f->voice_cases);
	snprintf(values[5], 32, "%lld", f->missed);
	snprintf(values[6], 32, "%lld", f->returned);
	snprintf(values[7], 32, "%lld", f->open);
	if (f->returned > 0)
		snprintf(values[8], 32, "%.1f", f->median_callback_minutes);
}

/* Appends one CSV row of a code, its count and its share of calls. */
static void
csv_count(STRING *body, const char *code, long long count, long long calls)
{
	char number[32], share[32];

	snprintf(number, sizeof number, "%lld", count);
	format_share(count, calls, share, sizeof share);
	csv_field(body, code, 0);
	csv_field(body, number, 0);
	csv_field(body, share, 1);
}

/* Appends the trend: one row per bucket, a column per outcome. */
static void
csv_trend(STRING *body, const struct call_query *q,
    const struct tw_call_figures *f)
{
	char number[32];

	csv_field(body, trend_names[q->trend], 0);
	csv_field(body, "calls", 0);
	for (int o = 0; o < TW_CALL_OUTCOMES; o++)
		csv_field(body, tw_call_outcomes[o], o + 1 == TW_CALL_OUTCOMES);
	for (size_t i = 0; i < f->nbuckets; i++) {
		csv_field(body, f->buckets[i].label, 0);
		snprintf(number, sizeof number, "%lld", f->buckets[i].calls);
		csv_field(body, number, 0);
		for (int o = 0; o < TW_CALL_OUTCOMES; o++) {
			snprintf(number, sizeof number, "%lld",
			    f->buckets[i].outcomes[o]);
			csv_field(body, number, o + 1 == TW_CALL_OUTCOMES);
		}
	}
}

/* Sends one table as a CSV attachment in UTF-8 with a byte order mark.
 * The CSV has codes, not translated names, so it reads the same in
 * both languages. */
static enum tw_err
send_csv(struct tw_req *req, const struct call_query *q,
    const struct tw_call_figures *f)
{
	char values[SUMMARY_ROWS][32], from[11], to[11], disposition[128];

	string_clear(&req->body);
	string_init(&req->body);
	string_append(&req->body, "\xef\xbb\xbf");
	switch (q->table) {
	case TABLE_SUMMARY:
		format_summary(f, values);
		csv_field(&req->body, "figure", 0);
		csv_field(&req->body, "value", 1);
		for (size_t i = 0; i < SUMMARY_ROWS; i++) {
			csv_field(&req->body, summary_keys[i], 0);
			csv_field(&req->body, values[i], 1);
		}
		break;
	case TABLE_LANGUAGES:
		csv_field(&req->body, "language", 0);
		csv_field(&req->body, "calls", 0);
		csv_field(&req->body, "percent", 1);
		for (int l = 0; l < TW_LANG_MAX; l++)
			csv_count(&req->body, lang_codes[l], f->langs[l],
			    f->calls);
		break;
	case TABLE_OUTCOMES:
		csv_field(&req->body, "outcome", 0);
		csv_field(&req->body, "calls", 0);
		csv_field(&req->body, "percent", 1);
		for (int o = 0; o < TW_CALL_OUTCOMES; o++)
			csv_count(&req->body, tw_call_outcomes[o],
			    f->outcomes[o], f->calls);
		break;
	case TABLE_TREND:
		csv_trend(&req->body, q, f);
		break;
	}
	tw_fig_format_date(q->from, from);
	tw_fig_format_date(q->to, to);
	snprintf(disposition, sizeof disposition,
	    "attachment; filename=\"tawasul-calls-%s-%s-%s.csv\"",
	    q->table == TABLE_TREND ? trend_names[q->trend]
	                            : table_names[q->table],
	    from, to);
	req->status = 200;
	tw_req_header(req, "Content-Type", "text/csv; charset=utf-8");
	tw_req_header(req, "Content-Disposition", disposition);
	return TW_OK;
}

/* Fills CallFigures.Summary.*, .Langs.N.* and .Outcomes.N.*. Outcomes
 * no call of the period had are left out of the page. */
static void
fill_tables(struct tw_req *req, const struct tw_call_figures *f)
{
	char values[SUMMARY_ROWS][32], share[32];
	size_t n = 0;

	format_summary(f, values);
	for (size_t i = 0; i < SUMMARY_ROWS; i++)
		hdf_set_valuef(req->hdf, "CallFigures.Summary.%s=%s",
		    summary_names[i], values[i]);
	for (int l = 0; l < TW_LANG_MAX; l++) {
		format_share(f->langs[l], f->calls, share, sizeof share);
		hdf_set_valuef(req->hdf, "CallFigures.Langs.%d.Code=%s", l,
		    lang_codes[l]);
		hdf_set_valuef(req->hdf, "CallFigures.Langs.%d.Calls=%lld", l,
		    f->langs[l]);
		hdf_set_valuef(req->hdf, "CallFigures.Langs.%d.Share=%s", l,
		    share);
	}
	for (int o = 0; o < TW_CALL_OUTCOMES; o++) {
		if (f->outcomes[o] == 0)
			continue;
		format_share(f->outcomes[o], f->calls, share, sizeof share);
		hdf_set_valuef(req->hdf, "CallFigures.Outcomes.%zu.Code=%s", n,
		    tw_call_outcomes[o]);
		hdf_set_valuef(req->hdf, "CallFigures.Outcomes.%zu.Calls=%lld",
		    n, f->outcomes[o]);
		hdf_set_valuef(req->hdf, "CallFigures.Outcomes.%zu.Share=%s", n,
		    share);
		hdf_set_valuef(req->hdf, "CallFigures.Outcomes.%zu.Colour=%s",
		    n, outcome_colours[o]);
		n++;
	}
}

/* Fills CallFigures.Trend.N.*: per bucket the counts of each outcome of
 * the period, and a column whose segments stack the outcomes in the
 * order of tw_call_outcomes from the bottom. */
static void
fill_trend(struct tw_req *req, const struct tw_call_figures *f)
{
	long long max = 0;
	long slot, width;

	for (size_t i = 0; i < f->nbuckets; i++)
		if (f->buckets[i].calls > max)
			max = f->buckets[i].calls;
	slot = f->nbuckets > 0 ? CHART_WIDTH / (long)f->nbuckets : 0;
	width = slot * 3 / 5 > 0 ? slot * 3 / 5 : 1;
	for (size_t i = 0; i < f->nbuckets; i++) {
		const struct tw_call_bucket *b = &f->buckets[i];
		long x = (long)i * slot + slot / 5;
		long long below = 0;
		size_t s = 0, n = 0;

		hdf_set_valuef(req->hdf, "CallFigures.Trend.%zu.Label=%s", i,
		    b->label);
		hdf_set_valuef(req->hdf, "CallFigures.Trend.%zu.Calls=%lld", i,
		    b->calls);
		hdf_set_valuef(req->hdf, "CallFigures.Trend.%zu.X=%ld", i, x);
		hdf_set_valuef(req->hdf, "CallFigures.Trend.%zu.LabelX=%ld", i,
		    x + width / 2);
		for (int o = 0; o < TW_CALL_OUTCOMES; o++) {
			/* The columns of the table are the outcomes present
			 * in the period, as in fill_tables. */
			if (f->outcomes[o] == 0)
				continue;
			hdf_set_valuef(req->hdf,
			    "CallFigures.Trend.%zu.Counts.%zu.Count=%lld", i,
			    n++, b->outcomes[o]);
			if (b->outcomes[o] == 0)
				continue;
			/* Round the tops, not the heights, so the segments
			 * add up to the column. */
			long bottom =
			    max > 0 ? (long)(below * CHART_HEIGHT / max) : 0;
			below += b->outcomes[o];
			long top = max > 0 ? (long)(below * CHART_HEIGHT / max)
			                   : 0;
			hdf_set_valuef(req->hdf,
			    "CallFigures.Trend.%zu.Segments.%zu.Code=%s", i, s,
			    tw_call_outcomes[o]);
			hdf_set_valuef(req->hdf,
			    "CallFigures.Trend.%zu.Segments.%zu.Count=%lld", i,
			    s, b->outcomes[o]);
			hdf_set_valuef(req->hdf,
			    "CallFigures.Trend.%zu.Segments.%zu.Y=%ld", i, s,
			    CHART_HEIGHT - top);
			hdf_set_valuef(req->hdf,
			    "CallFigures.Trend.%zu.Segments.%zu.Height=%ld", i,
			    s, top - bottom);
			hdf_set_valuef(req->hdf,
			    "CallFigures.Trend.%zu.Segments.%zu.Colour=%s", i,
			    s, outcome_colours[o]);
			s++;
		}
	}
	hdf_set_valuef(req->hdf, "CallFigures.Bar.Width=%ld", width);
	hdf_set_valuef(req->hdf, "CallFigures.Max=%lld", max);
}

/* Sets the period and trend of the page and of its form. */
static void
fill_query(struct tw_req *req, const struct call_query *q)
{
	char from[11], to[11];

	tw_fig_format_date(q->from, from);
	tw_fig_format_date(q->to, to);
	hdf_set_value(req->hdf, "CallFigures.From", from);
	hdf_set_value(req->hdf, "CallFigures.To", to);
	hdf_set_value(req->hdf, "Form.Value.from", from);
	hdf_set_value(req->hdf, "Form.Value.to", to);
	hdf_set_value(req->hdf, "CallFigures.TrendBy", trend_names[q->trend]);
	hdf_set_value(req->hdf, "Form.Value.trend", trend_names[q->trend]);
	hdf_set_valuef(req->hdf, "CallFigures.Chart.Width=%d", CHART_WIDTH);
	hdf_set_valuef(req->hdf, "CallFigures.Chart.Height=%d", CHART_HEIGHT);
}

/*
 * GET /agent/reports/calls[?from=YYYY-MM-DD][&to=YYYY-MM-DD]
 * [&trend=day|week|month]
 * [&format=csv[&table=summary|languages|outcomes|trend]]: the figures
 * of the calls to 1111 started from `from` to `to`, both included. The
 * period defaults to the last 30 days in Asia/Muscat and the trend to
 * per day. Responds 200 as HTML or as a CSV attachment, 403 for roles
 * without TW_ACT_REPORTS, and 422 for an invalid date, a period that ends
 * before it starts or is longer than two years, a trend per day over
 * more than DAILY_DAYS_MAX days, or an unknown choice. Changes nothing.
 */
enum tw_err
call_figures(struct tw_req *req)
{
	struct call_query q;
	struct tw_call_figures *f = NULL;
	struct tw_form form;
	enum tw_err err;
	int bad;

	if (!require_staff(req, &err))
		return err;
	if (!tw_can(&req->staff, TW_ACT_REPORTS, 0))
		return tw_render_error(req, 403);
	memset(&q, 0, sizeof q);
	form_start(req, &form);
	tw_form_read(&form, call_fields, nitems(call_fields), req->hdf);
	bad = read_query(&form, &q) != 0;
	tw_form_free(&form);
	if (tw_role_scoped(req->staff.role))
		hdf_set_value(req->hdf, "CallFigures.WholeLine", "1");
	hdf_set_value(req->hdf, "Page.Title",
	    tw_req_string(req, "Agent.CallFigures.Title"));
	if (bad)
		return tw_render(req, 422, "agent_call_figures.cs");
	fill_query(req, &q);
	err = tw_call_figures_load(req->app->db, q.from, q.to, q.trend, &f);
	if (err != TW_OK)
		return err;
	if (q.csv) {
		err = send_csv(req, &q, f);
	} else {
		fill_tables(req, f);
		fill_trend(req, f);
		err = tw_render(req, 200, "agent_call_figures.cs");
	}
	tw_call_figures_free(f);
	return err;
}
