/*
 * agent-spots.c: the trouble spots of /agent/reports/spots.
 *
 * For the cases created in a period, optionally of one category and one
 * directorate, the page shows lib/spots.c's areas (category x wilayat,
 * against the period of the same length before) and its clusters of
 * nearby coordinates. Both are tables and CSV, and the clusters are also
 * a map drawn in SVG on the server: the service area's box with a
 * circle per cluster. The map loads nothing from elsewhere, so
 * it works offline and prints.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent.h"
#include "tawasul.h"

#define DEFAULT_DAYS 30
/* Two periods are read, so one may be a year at most. */
#define PERIOD_DAYS_MAX 366
#define DEFAULT_MIN     3
#define DEFAULT_CELL    300
/* The map's width in SVG units; its height follows the area's shape. */
#define MAP_WIDTH 640
/* Clusters listed and drawn on the page, the largest first; the CSV of
 * the clusters has them all. A year of cases at a small cell with a
 * threshold of 1 makes a cluster of nearly every case. */
#define CLUSTERS_SHOWN 200

/* The smallest cell in metres: smaller cells split every street. */
#define CELL_MIN 100

/* Case numbers listed per cluster. */
#define CLUSTER_CASES 10

static const struct tw_field spot_fields[] = {
	{ "from", TW_FIELD_LINE, 0, 0, 10 },
	{ "to", TW_FIELD_LINE, 0, 0, 10 },
	{ "category", TW_FIELD_CODE, 0, 0, 32 },
	{ "directorate", TW_FIELD_CODE, 0, 0, 32 },
	{ "min", TW_FIELD_DECIMAL, 0, 0, 8 },
	{ "cell", TW_FIELD_DECIMAL, 0, 0, 8 },
	{ "table", TW_FIELD_CODE, 0, 0, 8 },
	{ "format", TW_FIELD_CODE, 0, 0, 8 },
};

/* The validated request. */
struct spot_request {
	struct tw_spots_query q;
	const char *directorate; /* code, or NULL */
	int csv;
	int clusters_table; /* 1: the CSV of the clusters, not the areas */
};

/* Reads the date field into *days, or def when it is empty. */
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

/* Reads a whole number from min to max into *out, or def when empty. */
static int
read_number(struct tw_form *form, const char *field, long min, long max,
    long def, const char *error, long *out)
{
	const char *value = tw_form_value(form, field);
	char *end;

	*out = def;
	if (value == NULL)
		return 0;
	*out = strtol(value, &end, 10);
	if (*end == '\0' && *out >= min && *out <= max)
		return 0;
	tw_form_error(form, field, error, 0);
	return -1;
}

/* Returns 1 when value is NULL or one of the choices, else records
 * Err.Choice on field and returns 0. */
static int
read_choice(struct tw_form *form, const char *field, const char *a,
    const char *b, int *second)
{
	const char *value = tw_form_value(form, field);

	*second = value != NULL && strcmp(value, b) == 0;
	if (value == NULL || *second || strcmp(value, a) == 0)
		return 1;
	tw_form_error(form, field, "Err.Choice", 0);
	return 0;
}

/* Reads and checks every field into r. Returns 0, or -1 when the form
 * has errors. The category and directorate are checked against Ref.*. */
static int
read_request(struct tw_form *form, struct spot_request *r)
{
	long today = tw_fig_today(time(NULL)), cell;
	int bad = 0;

	bad |= read_date(form, "to", today, &r->q.to) != 0;
	bad |= read_date(form, "from", r->q.to - (DEFAULT_DAYS - 1),
	           &r->q.from) != 0;
	if (!bad && r->q.to < r->q.from) {
		tw_form_error(form, "to", "Agent.Figures.BadPeriod", 0);
		bad = 1;
	} else if (!bad && r->q.to - r->q.from >= PERIOD_DAYS_MAX) {
		tw_form_error(form, "from", "Agent.Spots.LongPeriod", 0);
		bad = 1;
	}
	bad |= read_number(form, "min", 1, 10000, DEFAULT_MIN,
	           "Agent.Spots.BadMin", &r->q.min_count) != 0;
	bad |= read_number(form, "cell", CELL_MIN, 5000, DEFAULT_CELL,
	           "Agent.Spots.BadCell", &cell) != 0;
	r->q.cell_m = (double)cell;
	tw_form_choice(form, "category", "Ref.Categories");
	tw_form_choice(form, "directorate", "Ref.Directorates");
	r->q.category = tw_form_value(form, "category");
	r->directorate = tw_form_value(form, "directorate");
	bad |= !read_choice(form, "table", "areas", "clusters",
	    &r->clusters_table);
	bad |= !read_choice(form, "format", "html", "csv", &r->csv);
	return bad || form->nerrors > 0 ? -1 : 0;
}

/* Returns the id of directorate code in Ref.Directorates, or 0. */
static long long
directorate_id(HDF *hdf, const char *code)
{
	HDF *d = hdf_get_child(hdf, "Ref.Directorates");

	for (; code != NULL && d != NULL; d = hdf_obj_next(d))
		if (strcmp(hdf_get_value(d, "Code", ""), code) == 0)
			return atoll(hdf_get_value(d, "Id", "0"));
	return 0;
}

/* Formats UTC seconds as Muscat local time, YYYY-MM-DD HH:MM. */
static void
format_time(long long at, char out[17])
{
	time_t local = (time_t)at + 4 * 3600;
	struct tm tm;

	gmtime_r(&local, &tm);
	strftime(out, 17, "%Y-%m-%d %H:%M", &tm);
}

/* Returns the wilayat shared by every case of k, or "" when they differ
 * or one is unknown. */
static const char *
cluster_wilayat(const struct tw_spots *s, const struct tw_spot_cluster *k)
{
	const char *first = s->cases[k->members[0]].wilayat;

	for (size_t m = 1; m < k->count; m++)
		if (strcmp(s->cases[k->members[m]].wilayat, first) != 0)
			return "";
	return first;
}

/* Writes the change from previous to count in percent with a sign, or
 * "" when there was nothing before. */
static void
format_change(long long count, long long previous, char *out, size_t outsz)
{
	if (previous <= 0)
		snprintf(out, outsz, "%s", "");
	else
		snprintf(out, outsz, "%+.0f",
		    100.0 * (double)(count - previous) / (double)previous);
}

#define CELL_MAX 832

static const char *const area_headers[] = { "category", "category_name",
	"wilayat", "wilayat_name", "cases", "previous_cases", "change_percent",
	"flagged" };

#define AREA_CELLS (sizeof area_headers / sizeof area_headers[0])

static void
format_area(struct tw_req *req, const struct tw_spot_area *a,
    char cells[][CELL_MAX])
{
	snprintf(cells[0], CELL_MAX, "%s", a->category);
	snprintf(cells[1], CELL_MAX, "%s", a->category_name);
	snprintf(cells[2], CELL_MAX, "%s", a->wilayat);
	snprintf(cells[3], CELL_MAX, "%s",
	    a->wilayat[0] ? a->wilayat_name
	                  : tw_req_string(req, "Agent.Figures.None"));
	snprintf(cells[4], CELL_MAX, "%lld", a->count);
	snprintf(cells[5], CELL_MAX, "%lld", a->previous);
	format_change(a->count, a->previous, cells[6], CELL_MAX);
	snprintf(cells[7], CELL_MAX, "%d", a->flagged);
}

static const char *const cluster_headers[] = { "cluster", "category",
	"category_name", "cases", "centre_lat", "centre_lon", "radius_m",
	"first_case", "last_case", "wilayat", "case_numbers" };

#define CLUSTER_CELLS (sizeof cluster_headers / sizeof cluster_headers[0])

/* Formats cluster i; with all_cases 0 at most CLUSTER_CASES numbers. */
static void
format_cluster(const struct tw_spots *s, size_t i, int all_cases,
    char cells[][CELL_MAX])
{
	const struct tw_spot_cluster *k = &s->clusters[i];
	size_t used = 0;

	snprintf(cells[0], CELL_MAX, "%zu", i + 1);
	snprintf(cells[1], CELL_MAX, "%s", s->groups[k->group].code);
	snprintf(cells[2], CELL_MAX, "%s", s->groups[k->group].name);
	snprintf(cells[3], CELL_MAX, "%zu", k->count);
	snprintf(cells[4], CELL_MAX, "%.6f", k->lat);
	snprintf(cells[5], CELL_MAX, "%.6f", k->lon);
	snprintf(cells[6], CELL_MAX, "%.0f", k->radius_m);
	format_time(k->first, cells[7]);
	format_time(k->last, cells[8]);
	snprintf(cells[9], CELL_MAX, "%s", cluster_wilayat(s, k));
	cells[10][0] = '\0';
	for (size_t m = 0; m < k->count && (all_cases || m < CLUSTER_CASES);
	     m++) {
		int n = snprintf(cells[10] + used, CELL_MAX - used, "%s%s",
		    m > 0 ? " " : "", s->cases[k->members[m]].number);

		if (n < 0 || (size_t)n >= CELL_MAX - used)
			break;
		used += (size_t)n;
	}
}

/* Sends the areas or the clusters as a CSV attachment with a byte
 * order mark, like the figures. */
static enum tw_err
send_csv(struct tw_req *req, const struct spot_request *r,
    const struct tw_spots *s)
{
	static char cells[CLUSTER_CELLS][CELL_MAX];
	char from[11], to[11], disposition[128];
	size_t n = r->clusters_table ? CLUSTER_CELLS : AREA_CELLS;
	const char *const *headers = r->clusters_table ? cluster_headers
	                                               : area_headers;
	size_t rows = r->clusters_table ? s->nclusters : s->nareas;

	string_clear(&req->body);
	string_init(&req->body);
	string_append(&req->body, "\xef\xbb\xbf");
	for (size_t c = 0; c < n; c++)
		csv_field(&req->body, headers[c], c + 1 == n);
	for (size_t i = 0; i < rows; i++) {
		if (r->clusters_table)
			format_cluster(s, i, 1, cells);
		else
			format_area(req, &s->areas[i], cells);
		for (size_t c = 0; c < n; c++)
			csv_field(&req->body, cells[c], c + 1 == n);
	}
	tw_fig_format_date(r->q.from, from);
	tw_fig_format_date(r->q.to, to);
	snprintf(disposition, sizeof disposition,
	    "attachment; filename=\"tawasul-spots-%s-%s-%s.csv\"",
	    r->clusters_table ? "clusters" : "areas", from, to);
	req->status = 200;
	tw_req_header(req, "Content-Type", "text/csv; charset=utf-8");
	tw_req_header(req, "Content-Disposition", disposition);
	return TW_OK;
}

/* Fills Spots.Areas.N.*. */
static void
fill_areas(struct tw_req *req, const struct tw_spots *s)
{
	static const char *const names[] = { "Category", "CategoryName",
		"Wilayat", "WilayatName", "Count", "Previous", "Change",
		"Flagged" };
	char cells[AREA_CELLS][CELL_MAX];
	size_t flagged = 0;

	for (size_t i = 0; i < s->nareas; i++) {
		format_area(req, &s->areas[i], cells);
		for (size_t c = 0; c < AREA_CELLS; c++)
			hdf_set_valuef(req->hdf, "Spots.Areas.%zu.%s=%s", i,
			    names[c], cells[c]);
		flagged += (size_t)s->areas[i].flagged;
	}
	hdf_set_valuef(req->hdf, "Spots.Flagged=%zu", flagged);
}

/* The map's frame: the service area projected like lib/spots.c's grid,
 * east-west scaled by the cosine of the middle latitude. */
struct map {
	struct tw_area area;
	double width, height; /* SVG units */
	double metres_per_unit;
};

static void
map_frame(const struct tw_area *area, struct map *m)
{
	double middle = (area->lat_min + area->lat_max) / 2 * M_PI / 180;
	double east =
	    tw_spots_distance(0, 0, 0, area->lon_max - area->lon_min) *
	    cos(middle);
	double north = tw_spots_distance(area->lat_min, 0, area->lat_max, 0);

	m->area = *area;
	m->width = MAP_WIDTH;
	m->metres_per_unit = east / MAP_WIDTH;
	m->height = north / m->metres_per_unit;
}

/* Fills Spots.Clusters.N.* with the table's cells and the circle: the
 * centre on the map and a radius that grows with the count. */
static void
fill_clusters(struct tw_req *req, const struct tw_spots *s, const struct map *m)
{
	static const char *const names[] = { "Label", "Category",
		"CategoryName", "Count", "Lat", "Lon", "Radius", "First",
		"Last", "Wilayat", "Cases" };
	char cells[CLUSTER_CELLS][CELL_MAX];
	const struct tw_area *a = &m->area;

	for (size_t i = 0; i < s->nclusters && i < CLUSTERS_SHOWN; i++) {
		const struct tw_spot_cluster *k = &s->clusters[i];
		double x = (k->lon - a->lon_min) / (a->lon_max - a->lon_min) *
		    m->width;
		double y = (a->lat_max - k->lat) / (a->lat_max - a->lat_min) *
		    m->height;
		double r = 4 + 3 * sqrt((double)k->count);

		format_cluster(s, i, 0, cells);
		for (size_t c = 0; c < CLUSTER_CELLS; c++)
			hdf_set_valuef(req->hdf, "Spots.Clusters.%zu.%s=%s", i,
			    names[c], cells[c]);
		for (size_t n = 0; n < k->count && n < CLUSTER_CASES; n++)
			hdf_set_valuef(req->hdf,
			    "Spots.Clusters.%zu.Numbers.%zu=%s", i, n,
			    s->cases[k->members[n]].number);
		hdf_set_valuef(req->hdf, "Spots.Clusters.%zu.More=%zu", i,
		    k->count > CLUSTER_CASES ? k->count - CLUSTER_CASES : 0);
		hdf_set_valuef(req->hdf, "Spots.Clusters.%zu.X=%.1f", i, x);
		hdf_set_valuef(req->hdf, "Spots.Clusters.%zu.Y=%.1f", i, y);
		hdf_set_valuef(req->hdf, "Spots.Clusters.%zu.R=%.1f", i,
		    r < 40 ? r : 40);
	}
	if (s->nclusters > CLUSTERS_SHOWN) {
		hdf_set_valuef(req->hdf, "Spots.ClustersShown=%d",
		    CLUSTERS_SHOWN);
		hdf_set_valuef(req->hdf, "Spots.ClustersTotal=%zu",
		    s->nclusters);
	}
	hdf_set_valuef(req->hdf, "Spots.Map.Width=%.0f", m->width);
	hdf_set_valuef(req->hdf, "Spots.Map.Height=%.0f", ceil(m->height));
	/* A scale bar of 10 km. */
	hdf_set_valuef(req->hdf, "Spots.Map.Scale=%.1f",
	    10000 / m->metres_per_unit);
	hdf_set_valuef(req->hdf, "Spots.Points=%zu", s->npoints);
}

/* Sets the query of the page, its links and its form. */
static void
fill_request(struct tw_req *req, const struct spot_request *r)
{
	char from[11], to[11];

	tw_fig_format_date(r->q.from, from);
	tw_fig_format_date(r->q.to, to);
	hdf_set_value(req->hdf, "Spots.From", from);
	hdf_set_value(req->hdf, "Spots.To", to);
	hdf_set_value(req->hdf, "Form.Value.from", from);
	hdf_set_value(req->hdf, "Form.Value.to", to);
	hdf_set_valuef(req->hdf, "Spots.Min=%ld", r->q.min_count);
	hdf_set_valuef(req->hdf, "Spots.Cell=%.0f", r->q.cell_m);
	hdf_set_valuef(req->hdf, "Form.Value.min=%ld", r->q.min_count);
	hdf_set_valuef(req->hdf, "Form.Value.cell=%.0f", r->q.cell_m);
	hdf_set_value(req->hdf, "Spots.Category",
	    r->q.category ? r->q.category : "");
	hdf_set_value(req->hdf, "Spots.Directorate",
	    r->directorate ? r->directorate : "");
}

/*
 * GET /agent/reports/spots[?from=YYYY-MM-DD][&to=YYYY-MM-DD]
 * [&category=CODE][&directorate=CODE][&min=N][&cell=METRES]
 * [&format=csv[&table=areas|clusters]]: the trouble spots of the cases
 * created from `from` to `to` (both included; by default the last 30
 * days in Asia/Muscat). min (3) is the threshold of flags and clusters,
 * cell (300) the grid's cell in metres. A directorate head sees the own
 * directorate only, whatever directorate says. 200 as HTML or as a CSV
 * attachment; 403 for roles without TW_ACT_REPORTS; 422 for a bad date,
 * a period that ends before it starts or is longer than a year, a
 * threshold or cell out of range, or an unknown choice. Changes nothing.
 */
enum tw_err
spots(struct tw_req *req)
{
	struct spot_request r;
	struct tw_spots *s = NULL;
	struct tw_form form;
	struct map m;
	enum tw_err err;
	int bad;

	if (!require_staff(req, &err))
		return err;
	if (!tw_can(&req->staff, TW_ACT_REPORTS, 0))
		return tw_render_error(req, 403);
	if ((err = tw_refdata_fill(req->app->db, req->hdf, req->lang)) != TW_OK)
		return err;
	memset(&r, 0, sizeof r);
	form_start(req, &form);
	tw_form_read(&form, spot_fields, nitems(spot_fields), req->hdf);
	bad = read_request(&form, &r) != 0;
	r.q.directorate_id = directorate_id(req->hdf, r.directorate);
	if (tw_role_scoped(req->staff.role)) {
		r.q.directorate_id = req->staff.directorate_id;
		r.directorate = NULL;
		hdf_set_value(req->hdf, "Report.Scoped", "1");
	}
	r.q.area = req->app->config->area;
	hdf_set_value(req->hdf, "Page.Title",
	    tw_req_string(req, "Agent.Spots.Title"));
	if (bad) {
		tw_form_free(&form);
		return tw_render(req, 422, "agent_spots.cs");
	}
	fill_request(req, &r);
	err = tw_spots_load(req->app->db, &r.q, req->lang, &s);
	tw_form_free(&form);
	if (err != TW_OK)
		return err;
	if (r.csv) {
		err = send_csv(req, &r, s);
	} else {
		map_frame(&r.q.area, &m);
		fill_areas(req, s);
		fill_clusters(req, s, &m);
		err = tw_render(req, 200, "agent_spots.cs");
	}
	tw_spots_free(s);
	return err;
}
