/*
 * check_figures.c: unit tests of the pure parts of lib/figures.c: the
 * nearest-rank percentile, the date parser and Muscat's today.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "tawasul.h"

#define NCASES(a) (sizeof(a) / sizeof((a)[0]))

START_TEST(test_percentile_nearest_rank)
{
	static const double sorted[] = { 3, 5, 10, 50, 100 };

	/* Ranks ceil(p * 5 / 100): 50 -> 3, 90 -> 5, 20 -> 1, 21 -> 2. */
	ck_assert_double_eq(tw_fig_percentile(sorted, 5, 50), 10);
	ck_assert_double_eq(tw_fig_percentile(sorted, 5, 90), 100);
	ck_assert_double_eq(tw_fig_percentile(sorted, 5, 20), 3);
	ck_assert_double_eq(tw_fig_percentile(sorted, 5, 21), 5);
	ck_assert_double_eq(tw_fig_percentile(sorted, 5, 100), 100);
	ck_assert_double_eq(tw_fig_percentile(sorted, 1, 50), 3);
	ck_assert_double_eq(tw_fig_percentile(sorted, 2, 50), 3);
	ck_assert_double_eq(tw_fig_percentile(sorted, 2, 90), 5);
}
END_TEST

START_TEST(test_parse_date_valid)
{
	char out[11];
	long days;

	ck_assert_int_eq(tw_fig_parse_date("2026-03-01", &days), TW_OK);
	tw_fig_format_date(days, out);
	ck_assert_str_eq(out, "2026-03-01");
	ck_assert_int_eq(tw_fig_parse_date("2024-02-29", &days), TW_OK);
	ck_assert_int_eq(tw_fig_parse_date("2000-01-01", &days), TW_OK);
	ck_assert_int_eq(days, 10957);
}
END_TEST

static const char *const bad_dates[] = { "", "2026-02-30", "2025-02-29",
	"2026-13-01", "2026-00-10", "2026-1-01", "2026-01-1", "20260101",
	"2026/01/01", "2026-01-01x", " 2026-01-1", "1999-12-31", "yesterday",
	"+026-01-01", "2026-+1-01" };

START_TEST(test_parse_date_rejects_invalid)
{
	long days = 0;

	ck_assert_int_eq(tw_fig_parse_date(bad_dates[_i], &days), TW_ERR_INPUT);
}
END_TEST

START_TEST(test_today_in_muscat)
{
	/* 2026-03-01 20:00 UTC is already 2026-03-02 in Muscat. */
	char out[11];

	tw_fig_format_date(tw_fig_today(1772395200), out);
	ck_assert_str_eq(out, "2026-03-02");
	tw_fig_format_date(tw_fig_today(1772395200 - 3600), out);
	ck_assert_str_eq(out, "2026-03-01");
}
END_TEST

static Suite *
figures_suite(void)
{
	Suite *s = suite_create("figures");
	TCase *tc = tcase_create("percentile");

	tcase_add_test(tc, test_percentile_nearest_rank);
	suite_add_tcase(s, tc);

	tc = tcase_create("dates");
	tcase_add_test(tc, test_parse_date_valid);
	tcase_add_loop_test(tc, test_parse_date_rejects_invalid, 0,
	    NCASES(bad_dates));
	tcase_add_test(tc, test_today_in_muscat);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(figures_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
