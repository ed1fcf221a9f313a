/*
 * check_spots.c: unit tests of the clustering of lib/spots.c with cases
 * computed by hand. Most use an area around the equator (latitude -1 to
 * 1, so the cosine of its middle is 1), where a degree is 111,194.93 m
 * on both axes: a cell of 1,000 m is 0.0089932 degrees.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <check.h>

#include "tawasul.h"

static const struct tw_area equator = { -1.0, 1.0, 0.0, 2.0 };

/* The middle of cell (row, col) of 1,000 m in the equator area. */
#define CELL_DEG     (1000.0 / 111194.92664455873)
#define MID_LAT(row) (-1.0 + ((row) + 0.5) * CELL_DEG)
#define MID_LON(col) (((col) + 0.5) * CELL_DEG)

static struct tw_spot_point
at_cell(int group, long row, long col, long long at)
{
	return (struct tw_spot_point){ MID_LAT(row), MID_LON(col), at, group };
}

START_TEST(test_distance_known_values)
{
	/* One degree of a great circle is 6,371,000 * pi / 180 m. */
	ck_assert_double_eq_tol(tw_spots_distance(0, 0, 0, 1), 111194.927,
	    0.01);
	ck_assert_double_eq_tol(tw_spots_distance(0, 0, 1, 0), 111194.927,
	    0.01);
	/* A quarter of the equator. */
	ck_assert_double_eq_tol(tw_spots_distance(0, 0, 0, 90), 10007543.398,
	    0.01);
	ck_assert_double_eq_tol(tw_spots_distance(23.5, 58.4, 23.5, 58.4), 0,
	    1e-9);
}
END_TEST

START_TEST(test_cell_in_muscat_area)
{
	static const struct tw_area muscat = { 22.40, 23.90, 57.70, 59.40 };
	long row, col;

	/* 0.01 degree north is 1,111.95 m; 0.01 east at the middle latitude
	 * 23.15 is 1,111.95 * cos(23.15) = 1,022.41 m. */
	tw_spots_cell(&muscat, 300, 22.41, 57.71, &row, &col);
	ck_assert_int_eq(row, 3);
	ck_assert_int_eq(col, 3);
	tw_spots_cell(&muscat, 1000, 22.41, 57.71, &row, &col);
	ck_assert_int_eq(row, 1);
	ck_assert_int_eq(col, 1);
	tw_spots_cell(&muscat, 300, 22.40, 57.70, &row, &col);
	ck_assert_int_eq(row, 0);
	ck_assert_int_eq(col, 0);
}
END_TEST

START_TEST(test_touching_cells_merge)
{
	/* (0,0), (0,1) side by side and (1,2) at a corner of (0,1). */
	struct tw_spot_point p[] = { at_cell(0, 0, 0, 100),
		at_cell(0, 0, 1, 300), at_cell(0, 1, 2, 200) };
	struct tw_spot_cluster *k;
	size_t n;

	ck_assert_int_eq(tw_spots_cluster(&equator, 1000, 1, p, 3, &k, &n),
	    TW_OK);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(k[0].count, 3);
	ck_assert_int_eq(k[0].group, 0);
	ck_assert_int_eq(k[0].first, 100);
	ck_assert_int_eq(k[0].last, 300);
	tw_spots_clusters_free(k, n);
}
END_TEST

START_TEST(test_gap_splits_clusters)
{
	/* Cells (0,0) and (0,2) have the empty (0,1) between them. */
	struct tw_spot_point p[] = { at_cell(0, 0, 0, 1), at_cell(0, 0, 0, 2),
		at_cell(0, 0, 2, 3) };
	struct tw_spot_cluster *k;
	size_t n;

	ck_assert_int_eq(tw_spots_cluster(&equator, 1000, 1, p, 3, &k, &n),
	    TW_OK);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(k[0].count, 2);
	ck_assert_uint_eq(k[1].count, 1);
	tw_spots_clusters_free(k, n);
	/* A threshold of 2 keeps the pair only, of 3 nothing. */
	ck_assert_int_eq(tw_spots_cluster(&equator, 1000, 2, p, 3, &k, &n),
	    TW_OK);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(k[0].count, 2);
	tw_spots_clusters_free(k, n);
	ck_assert_int_eq(tw_spots_cluster(&equator, 1000, 3, p, 3, &k, &n),
	    TW_OK);
	ck_assert_uint_eq(n, 0);
	tw_spots_clusters_free(k, n);
}
END_TEST

START_TEST(test_categories_kept_apart)
{
	/* The same cell, two categories: two clusters of 2 and 1. */
	struct tw_spot_point p[] = { at_cell(1, 5, 5, 1), at_cell(0, 5, 5, 2),
		at_cell(1, 5, 5, 3) };
	struct tw_spot_cluster *k;
	size_t n;

	ck_assert_int_eq(tw_spots_cluster(&equator, 1000, 1, p, 3, &k, &n),
	    TW_OK);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(k[0].group, 1);
	ck_assert_uint_eq(k[0].count, 2);
	ck_assert_uint_eq(k[0].members[0], 0);
	ck_assert_uint_eq(k[0].members[1], 2);
	ck_assert_int_eq(k[1].group, 0);
	ck_assert_uint_eq(k[1].members[0], 1);
	tw_spots_clusters_free(k, n);
}
END_TEST

START_TEST(test_chain_of_cells_is_one_cluster)
{
	/* Four cells in a row, each touching the next, 4 km end to end, in
	 * row 111, at latitude 0.0027, where a degree east is still
	 * 111,194.93 m to the millimetre. */
	struct tw_spot_point p[] = { at_cell(0, 111, 3, 1),
		at_cell(0, 111, 0, 2), at_cell(0, 111, 2, 3),
		at_cell(0, 111, 1, 4) };
	struct tw_spot_cluster *k;
	size_t n;

	ck_assert_int_eq(tw_spots_cluster(&equator, 1000, 1, p, 4, &k, &n),
	    TW_OK);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(k[0].count, 4);
	/* Centre between the cells 1 and 2: column 2.0, so 2 km east; the
	 * ends are 1.5 cells, 1,500 m, from it. */
	ck_assert_double_eq_tol(k[0].lon, 2 * CELL_DEG, 1e-9);
	ck_assert_double_eq_tol(k[0].radius_m, 1500, 0.01);
	tw_spots_clusters_free(k, n);
	/* With cells of 500 m the points are 2 cells apart: 4 clusters. */
	ck_assert_int_eq(tw_spots_cluster(&equator, 500, 1, p, 4, &k, &n),
	    TW_OK);
	ck_assert_uint_eq(n, 4);
	tw_spots_clusters_free(k, n);
}
END_TEST

START_TEST(test_centre_and_radius)
{
	/* On the equator 0.001 degree east is 111.195 m. Three points at
	 * longitudes 0.001, 0.002 and 0.003: the centre is 0.002 and the
	 * radius 111.195 m. */
	struct tw_spot_point p[] = { { 0.0, 0.001, 10, 0 },
		{ 0.0, 0.003, 30, 0 }, { 0.0, 0.002, 20, 0 } };
	struct tw_spot_cluster *k;
	size_t n;

	ck_assert_int_eq(tw_spots_cluster(&equator, 1000, 2, p, 3, &k, &n),
	    TW_OK);
	ck_assert_uint_eq(n, 1);
	ck_assert_double_eq_tol(k[0].lat, 0.0, 1e-12);
	ck_assert_double_eq_tol(k[0].lon, 0.002, 1e-12);
	ck_assert_double_eq_tol(k[0].radius_m, 111.195, 0.001);
	ck_assert_int_eq(k[0].first, 10);
	ck_assert_int_eq(k[0].last, 30);
	tw_spots_clusters_free(k, n);
}
END_TEST

START_TEST(test_largest_first)
{
	struct tw_spot_point p[] = { at_cell(0, 50, 50, 1),
		at_cell(2, 20, 20, 2), at_cell(2, 20, 20, 3),
		at_cell(2, 21, 21, 4), at_cell(1, 80, 80, 5),
		at_cell(1, 80, 81, 6) };
	struct tw_spot_cluster *k;
	size_t n;

	ck_assert_int_eq(tw_spots_cluster(&equator, 1000, 1, p, 6, &k, &n),
	    TW_OK);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(k[0].count, 3);
	ck_assert_int_eq(k[0].group, 2);
	ck_assert_uint_eq(k[1].count, 2);
	ck_assert_int_eq(k[1].group, 1);
	ck_assert_uint_eq(k[2].count, 1);
	ck_assert_int_eq(k[2].group, 0);
	tw_spots_clusters_free(k, n);
}
END_TEST

START_TEST(test_no_points_and_bad_cell)
{
	struct tw_spot_point p[] = { at_cell(0, 0, 0, 1) };
	struct tw_spot_cluster *k = (void *)1;
	size_t n = 9;

	ck_assert_int_eq(tw_spots_cluster(&equator, 1000, 1, p, 0, &k, &n),
	    TW_OK);
	ck_assert_uint_eq(n, 0);
	tw_spots_clusters_free(k, n);
	ck_assert_int_eq(tw_spots_cluster(&equator, 0, 1, p, 1, &k, &n),
	    TW_ERR_INPUT);
	ck_assert_ptr_null(k);
	ck_assert_int_eq(tw_spots_cluster(&equator, -300, 1, p, 1, &k, &n),
	    TW_ERR_INPUT);
	ck_assert_int_eq(tw_spots_cluster(&equator, NAN, 1, p, 1, &k, &n),
	    TW_ERR_INPUT);
	tw_spots_clusters_free(NULL, 0);
}
END_TEST

static Suite *
spots_suite(void)
{
	Suite *s = suite_create("spots");
	TCase *tc = tcase_create("geometry");

	tcase_add_test(tc, test_distance_known_values);
	tcase_add_test(tc, test_cell_in_muscat_area);
	suite_add_tcase(s, tc);
	tc = tcase_create("clusters");
	tcase_add_test(tc, test_touching_cells_merge);
	tcase_add_test(tc, test_gap_splits_clusters);
	tcase_add_test(tc, test_categories_kept_apart);
	tcase_add_test(tc, test_chain_of_cells_is_one_cluster);
	tcase_add_test(tc, test_centre_and_radius);
	tcase_add_test(tc, test_largest_first);
	tcase_add_test(tc, test_no_points_and_bad_cell);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(spots_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
