/*
 * spots.c: trouble spots, the places where complaints of one category
 * cluster in a period.
 *
 * Per category and wilayat the page compares the cases created in the
 * period with those of the period of the same length just before it. A
 * row is flagged when it has at least the threshold and more cases than
 * before.
 *
 * Clusters of nearby coordinates come from a grid. Each case with
 * coordinates falls in a square cell of cell_m metres on an
 * equirectangular projection of the service area: metres north of
 * lat_min, and metres east of lon_min scaled by the cosine of the
 * area's middle latitude. Cells of one category that touch, sides or
 * corners, are merged, and every group of touching cells with at least
 * min_count cases is a cluster. Its centre is the mean of its cases'
 * coordinates and its radius the greatest great-circle distance from
 * the centre to one of them.
 * NOTE: touching cells chain, so in a period with many cases of one
 * category across a dense town a cluster can grow to the size of the
 * town; a smaller cell or a shorter period splits it again.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tawasul.h"

/* The mean radius of the Earth in metres (IUGG), and metres per degree
 * of latitude on that sphere. */
#define EARTH_RADIUS_M 6371000.0
#define M_PER_DEGREE   (EARTH_RADIUS_M * M_PI / 180.0)

/* Asia/Muscat is UTC+4 and has no daylight saving time. */
#define MUSCAT_OFFSET (4 * 3600)

/* Returns the great-circle distance in metres between two points given
 * in degrees (the haversine formula). */
double
tw_spots_distance(double lat1, double lon1, double lat2, double lon2)
{
	double p1 = lat1 * M_PI / 180.0, p2 = lat2 * M_PI / 180.0;
	double dp = p2 - p1, dl = (lon2 - lon1) * M_PI / 180.0;
	double a = sin(dp / 2) * sin(dp / 2) +
	    cos(p1) * cos(p2) * sin(dl / 2) * sin(dl / 2);

	return 2 * EARTH_RADIUS_M * asin(sqrt(a < 1 ? a : 1));
}

/* Sets *row and *col to the grid cell of (lat, lon): cells of cell_m
 * metres counted north from area->lat_min and east from area->lon_min. */
void
tw_spots_cell(const struct tw_area *area, double cell_m, double lat, double lon,
    long *row, long *col)
{
	double middle = (area->lat_min + area->lat_max) / 2 * M_PI / 180.0;
	double north = (lat - area->lat_min) * M_PER_DEGREE;
	double east = (lon - area->lon_min) * M_PER_DEGREE * cos(middle);

	*row = (long)floor(north / cell_m);
	*col = (long)floor(east / cell_m);
}

/* One occupied cell: its category, place and first point in order[]. */
struct cell {
	int group;
	long row, col;
	size_t first, count; /* a run of order[] */
	size_t parent; /* union-find over cells */
};

static int
compare_cells(const struct cell *a, int group, long row, long col)
{
	if (a->group != group)
		return a->group < group ? -1 : 1;
	if (a->row != row)
		return a->row < row ? -1 : 1;
	if (a->col != col)
		return a->col < col ? -1 : 1;
	return 0;
}

/* Returns the index of the cell (group, row, col) or -1 when empty. */
static long
find_cell(const struct cell *cells, size_t n, int group, long row, long col)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = compare_cells(&cells[mid], group, row, col);

		if (c == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static size_t
find_root(struct cell *cells, size_t i)
{
	while (cells[i].parent != i) {
		cells[i].parent = cells[cells[i].parent].parent;
		i = cells[i].parent;
	}
	return i;
}

/* The points and their cells while clustering. */
struct grid {
	const struct tw_spot_point *points;
	long *row, *col; /* per point */
	size_t *order; /* point indexes sorted by group, row, col */
	struct cell *cells;
	size_t ncells;
};

/* qsort_r is not in C11, so the comparison reads this. */
static const struct grid *sorting;

static int
compare_order(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	const struct tw_spot_point *p = sorting->points;
	int c = compare_cells(&(struct cell){ p[i].group, sorting->row[i],
	                          sorting->col[i], 0, 0, 0 },
	    p[j].group, sorting->row[j], sorting->col[j]);

	if (c != 0)
		return c;
	return (i > j) - (i < j);
}

/* Sorts the points into cells and merges the touching ones. */
static void
build_cells(struct grid *g, size_t n)
{
	size_t c;

	sorting = g;
	qsort(g->order, n, sizeof *g->order, compare_order);
	sorting = NULL;
	for (size_t k = 0; k < n; k++) {
		size_t i = g->order[k];
		struct cell *last = g->ncells ? &g->cells[g->ncells - 1] : NULL;

		if (last != NULL &&
		    compare_cells(last, g->points[i].group, g->row[i],
		        g->col[i]) == 0) {
			last->count++;
			continue;
		}
		c = g->ncells++;
		g->cells[c] = (struct cell){ g->points[i].group, g->row[i],
			g->col[i], k, 1, c };
	}
	for (c = 0; c < g->ncells; c++)
		for (long dr = -1; dr <= 1; dr++)
			for (long dc = -1; dc <= 1; dc++) {
				long other = find_cell(g->cells, g->ncells,
				    g->cells[c].group, g->cells[c].row + dr,
				    g->cells[c].col + dc);

				if (other >= 0)
					g->cells[find_root(g->cells,
					             (size_t)other)]
					    .parent = find_root(g->cells, c);
			}
}

/* Adds the points of cell c to cluster k, members included. */
static void
add_cell(const struct grid *g, const struct cell *c, struct tw_spot_cluster *k)
{
	for (size_t m = c->first; m < c->first + c->count; m++) {
		const struct tw_spot_point *p = &g->points[g->order[m]];

		if (k->count == 0 || p->at < k->first)
			k->first = p->at;
		if (k->count == 0 || p->at > k->last)
			k->last = p->at;
		k->members[k->count++] = g->order[m];
		k->lat += p->lat;
		k->lon += p->lon;
	}
}

/* Sets the centre and radius of k from its members' sums. */
static void
finish_cluster(const struct grid *g, struct tw_spot_cluster *k)
{
	k->lat /= (double)k->count;
	k->lon /= (double)k->count;
	k->radius_m = 0;
	for (size_t m = 0; m < k->count; m++) {
		const struct tw_spot_point *p = &g->points[k->members[m]];
		double d = tw_spots_distance(k->lat, k->lon, p->lat, p->lon);

		if (d > k->radius_m)
			k->radius_m = d;
	}
}

static int
compare_clusters(const void *a, const void *b)
{
	const struct tw_spot_cluster *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	return (x->lat > y->lat) - (x->lat < y->lat);
}

/* Collects the groups of cells with min_count points or more. */
static enum tw_err
collect(const struct grid *g, size_t min_count, struct tw_spot_cluster **out,
    size_t *nout)
{
	size_t *total = calloc(g->ncells + 1, sizeof *total);
	long *slot = malloc((g->ncells + 1) * sizeof *slot);
	struct tw_spot_cluster *ks = calloc(g->ncells + 1, sizeof *ks);
	size_t nk = 0;

	if (total == NULL || slot == NULL || ks == NULL)
		goto nomem;
	for (size_t c = 0; c < g->ncells; c++)
		total[find_root(g->cells, c)] += g->cells[c].count;
	for (size_t c = 0; c < g->ncells; c++) {
		size_t root = find_root(g->cells, c);

		slot[c] = -1;
		if (root != c || total[c] < min_count)
			continue;
		slot[c] = (long)nk;
		ks[nk].group = g->cells[c].group;
		if ((ks[nk++].members = malloc(total[c] * sizeof(size_t))) ==
		    NULL)
			goto nomem;
	}
	for (size_t c = 0; c < g->ncells; c++) {
		long k = slot[find_root(g->cells, c)];

		if (k >= 0)
			add_cell(g, &g->cells[c], &ks[k]);
	}
	for (size_t k = 0; k < nk; k++)
		finish_cluster(g, &ks[k]);
	qsort(ks, nk, sizeof *ks, compare_clusters);
	free(total);
	free(slot);
	*out = ks;
	*nout = nk;
	return TW_OK;
nomem:
	free(total);
	free(slot);
	tw_spots_clusters_free(ks, nk);
	return TW_ERR_NOMEM;
}

/*
 * Finds the clusters of n points in area: cells of cell_m metres (more
 * than 0) merged with the touching cells of the same group, kept when
 * they have min_count points or more. On TW_OK *out has *nout clusters,
 * the largest first, each with the indexes of its points in members;
 * free them with tw_spots_clusters_free. Returns TW_ERR_INPUT for a
 * cell size that is not positive, or TW_ERR_NOMEM.
 */
enum tw_err
tw_spots_cluster(const struct tw_area *area, double cell_m, size_t min_count,
    const struct tw_spot_point *points, size_t n, struct tw_spot_cluster **out,
    size_t *nout)
{
	struct grid g = { points, NULL, NULL, NULL, NULL, 0 };
	enum tw_err err = TW_ERR_NOMEM;

	*out = NULL;
	*nout = 0;
	if (!(cell_m > 0))
		return TW_ERR_INPUT;
	g.row = malloc((n + 1) * sizeof *g.row);
	g.col = malloc((n + 1) * sizeof *g.col);
	g.order = malloc((n + 1) * sizeof *g.order);
	g.cells = malloc((n + 1) * sizeof *g.cells);
	if (g.row != NULL && g.col != NULL && g.order != NULL &&
	    g.cells != NULL) {
		for (size_t i = 0; i < n; i++) {
			tw_spots_cell(area, cell_m, points[i].lat,
			    points[i].lon, &g.row[i], &g.col[i]);
			g.order[i] = i;
		}
		build_cells(&g, n);
		err = collect(&g, min_count > 0 ? min_count : 1, out, nout);
	}
	free(g.row);
	free(g.col);
	free(g.order);
	free(g.cells);
	return err;
}

/* Frees n clusters and their members. Accepts NULL. */
void
tw_spots_clusters_free(struct tw_spot_cluster *clusters, size_t n)
{
	if (clusters == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		free(clusters[i].members);
	free(clusters);
}

enum spots_stmt { SQL_AREAS, SQL_POINTS, SQL_MAX };

/* Registered cases (not "new", not rejected) of the optional category
 * and directorate, as the figures count them. */
#define SPOTS_SCOPE                                                            \
	" AND c.status NOT IN ('new', 'rejected')"                             \
	" AND (? IS NULL OR k.code = ?) AND (? = 0 OR c.directorate_id = ?)"

/* clang-format off */
static struct tw_stmt stmts[SQL_MAX] = {
	/* Takes: Arabic 1/0 twice, the period's start, the previous
	 * period's start, the period's end, the scope, the period's start. */
	[SQL_AREAS] = {
	    "SELECT k.code, IF(? = 1, k.name_ar, k.name_en), IFNULL(w.code, ''),"
	    " IFNULL(IF(? = 1, w.name_ar, w.name_en), ''),"
	    " SUM(c.created_at >= ?), SUM(c.created_at < ?)"
	    " FROM cases c JOIN categories k ON k.id = c.category_id"
	    " LEFT JOIN wilayats w ON w.id = c.wilayat_id"
	    " WHERE c.created_at >= ? AND c.created_at < ?" SPOTS_SCOPE
	    " GROUP BY k.id, k.code, k.name_ar, k.name_en, k.sort, w.id,"
	    " w.code, w.name_ar, w.name_en, w.sort"
	    " HAVING SUM(c.created_at >= ?) > 0"
	    " ORDER BY k.sort, k.code, w.id IS NULL, w.sort, w.code"},
	/* Takes: Arabic 1/0, the period, the scope. */
	[SQL_POINTS] = {
	    "SELECT c.number, k.code, IF(? = 1, k.name_ar, k.name_en),"
	    " c.lat, c.lon, TIMESTAMPDIFF(SECOND, '1970-01-01', c.created_at),"
	    " IFNULL(w.code, '')"
	    " FROM cases c JOIN categories k ON k.id = c.category_id"
	    " LEFT JOIN wilayats w ON w.id = c.wilayat_id"
	    " WHERE c.created_at >= ? AND c.created_at < ?"
	    " AND c.lat IS NOT NULL AND c.lon IS NOT NULL" SPOTS_SCOPE
	    " ORDER BY k.sort, k.code, c.id"},
};
/* clang-format on */

/* Writes the UTC start of Muscat day `days` (since 1970) as SQL text. */
static void
day_start(long days, char out[20])
{
	time_t t = (time_t)days * 86400 - MUSCAT_OFFSET;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 20, "%Y-%m-%d %H:%M:%S", &tm);
}

static char *
copy(const char *s)
{
	return strdup(s != NULL ? s : "");
}

/* Reads the areas' rows into s, flagging those with at least min_count
 * cases and more than in the previous period. */
static enum tw_err
load_areas(struct tw_db *db, const struct tw_param *p, long min_count,
    struct tw_spots *s)
{
	struct tw_rows *rows;
	enum tw_err err;

	if ((err = tw_db_query(db, &stmts[SQL_AREAS], p, 11, &rows)) != TW_OK)
		return err;
	s->areas = calloc(rows->nrows + 1, sizeof *s->areas);
	err = s->areas != NULL ? TW_OK : TW_ERR_NOMEM;
	for (size_t r = 0; err == TW_OK && r < rows->nrows; r++) {
		struct tw_spot_area *a = &s->areas[s->nareas++];

		a->category = copy(tw_rows_get(rows, r, 0));
		a->category_name = copy(tw_rows_get(rows, r, 1));
		a->wilayat = copy(tw_rows_get(rows, r, 2));
		a->wilayat_name = copy(tw_rows_get(rows, r, 3));
		a->count = atoll(tw_rows_get(rows, r, 4));
		a->previous = atoll(tw_rows_get(rows, r, 5));
		a->flagged = a->count >= min_count && a->count > a->previous;
		if (a->category == NULL || a->category_name == NULL ||
		    a->wilayat == NULL || a->wilayat_name == NULL)
			err = TW_ERR_NOMEM;
	}
	tw_rows_free(rows);
	return err;
}

/* Returns the index of category code in s->groups, adding it. */
static int
group_of(struct tw_spots *s, const char *code, const char *name)
{
	size_t i;

	for (i = 0; i < s->ngroups; i++)
		if (strcmp(s->groups[i].code, code) == 0)
			return (int)i;
	s->groups[i].code = copy(code);
	s->groups[i].name = copy(name);
	s->ngroups++;
	return s->groups[i].code && s->groups[i].name ? (int)i : -1;
}

/* Reads the cases with coordinates into s->points and s->cases. */
static enum tw_err
load_points(struct tw_db *db, const struct tw_param *p, struct tw_spots *s)
{
	struct tw_rows *rows;
	enum tw_err err;

	if ((err = tw_db_query(db, &stmts[SQL_POINTS], p, 7, &rows)) != TW_OK)
		return err;
	s->points = calloc(rows->nrows + 1, sizeof *s->points);
	s->cases = calloc(rows->nrows + 1, sizeof *s->cases);
	s->groups = calloc(rows->nrows + 1, sizeof *s->groups);
	err = s->points && s->cases && s->groups ? TW_OK : TW_ERR_NOMEM;
	for (size_t r = 0; err == TW_OK && r < rows->nrows; r++) {
		struct tw_spot_point *pt = &s->points[r];
		struct tw_spot_case *c = &s->cases[r];

		pt->group = group_of(s, tw_rows_get(rows, r, 1),
		    tw_rows_get(rows, r, 2));
		if (pt->group < 0) {
			err = TW_ERR_NOMEM;
			break;
		}
		pt->lat = atof(tw_rows_get(rows, r, 3));
		pt->lon = atof(tw_rows_get(rows, r, 4));
		pt->at = atoll(tw_rows_get(rows, r, 5));
		snprintf(c->number, sizeof c->number, "%s",
		    tw_rows_get(rows, r, 0));
		snprintf(c->wilayat, sizeof c->wilayat, "%s",
		    tw_rows_get(rows, r, 6));
		s->npoints++;
	}
	tw_rows_free(rows);
	return err;
}

/*
 * Loads the trouble spots of q: the areas (category x wilayat) with
 * cases in the period and their counts in the period before, and the
 * clusters of the cases with coordinates. On TW_OK *out is freed with
 * tw_spots_free. Returns TW_ERR_INPUT for a period that ends before it
 * starts, a cell size that is not positive or a threshold below 1;
 * TW_ERR_DB or TW_ERR_NOMEM.
 */
enum tw_err
tw_spots_load(struct tw_db *db, const struct tw_spots_query *q,
    enum tw_lang lang, struct tw_spots **out)
{
	char start[20], end[20], before[20];
	struct tw_param category = q->category != NULL ? TW_P_STR(q->category)
	                                               : TW_P_NULL;
	struct tw_spots *s;
	enum tw_err err;

	*out = NULL;
	if (q->to < q->from || !(q->cell_m > 0) || q->min_count < 1)
		return TW_ERR_INPUT;
	day_start(q->from, start);
	day_start(q->to + 1, end);
	day_start(q->from - (q->to - q->from + 1), before);
	struct tw_param areas[] = { TW_P_INT(lang == TW_LANG_AR),
		TW_P_INT(lang == TW_LANG_AR), TW_P_STR(start), TW_P_STR(start),
		TW_P_STR(before), TW_P_STR(end), category, category,
		TW_P_INT(q->directorate_id), TW_P_INT(q->directorate_id),
		TW_P_STR(start) };
	struct tw_param points[] = { TW_P_INT(lang == TW_LANG_AR),
		TW_P_STR(start), TW_P_STR(end), category, category,
		TW_P_INT(q->directorate_id), TW_P_INT(q->directorate_id) };
	if ((s = calloc(1, sizeof *s)) == NULL)
		return TW_ERR_NOMEM;
	err = load_areas(db, areas, q->min_count, s);
	if (err == TW_OK)
		err = load_points(db, points, s);
	if (err == TW_OK)
		err = tw_spots_cluster(&q->area, q->cell_m,
		    (size_t)q->min_count, s->points, s->npoints, &s->clusters,
		    &s->nclusters);
	if (err != TW_OK) {
		tw_spots_free(s);
		return err;
	}
	*out = s;
	return TW_OK;
}

/* Frees what tw_spots_load returned. Accepts NULL. */
void
tw_spots_free(struct tw_spots *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->nareas; i++) {
		free(s->areas[i].category);
		free(s->areas[i].category_name);
		free(s->areas[i].wilayat);
		free(s->areas[i].wilayat_name);
	}
	for (size_t i = 0; i < s->ngroups; i++) {
		free(s->groups[i].code);
		free(s->groups[i].name);
	}
	free(s->areas);
	free(s->groups);
	free(s->points);
	free(s->cases);
	tw_spots_clusters_free(s->clusters, s->nclusters);
	free(s);
}
