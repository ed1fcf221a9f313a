/*
 * check_call_figures.c: unit tests of the counting of lib/call_figures.c
 * with calls whose figures are worked out by hand in each test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "tawasul.h"

/* A call with no end time, no missed-call record and no bucket. */
static struct tw_call_fact
call(enum tw_lang lang, const char *outcome, double seconds)
{
	return (struct tw_call_fact){ .lang = lang,
		.outcome = outcome,
		.seconds = seconds,
		.callback_seconds = -1 };
}

START_TEST(test_outcome_index)
{
	ck_assert_int_eq(tw_call_outcome_index("status_read"), 0);
	ck_assert_str_eq(tw_call_outcomes[tw_call_outcome_index("hung_up")],
	    "hung_up");
	ck_assert_int_eq(tw_call_outcome_index("ended"), TW_CALL_OUTCOMES - 1);
	ck_assert_int_eq(tw_call_outcome_index(NULL), TW_CALL_OUTCOMES - 1);
	ck_assert_str_eq(tw_call_outcomes[TW_CALL_OUTCOMES - 1], "other");
}
END_TEST

START_TEST(test_counts_and_durations)
{
	struct tw_call_fact calls[] = {
		call(TW_LANG_AR, "status_read", 30),
		call(TW_LANG_AR, "case_created", 90),
		call(TW_LANG_EN, "case_created", 60),
		call(TW_LANG_EN, "hung_up", -1),
		call(TW_LANG_AR, "something_new", 10),
	};
	struct tw_call_figures f;

	calls[1].voice_case = 1;
	memset(&f, 0, sizeof f);
	ck_assert_int_eq(tw_call_figures_summarise(calls, 5, &f), TW_OK);
	ck_assert_int_eq(f.calls, 5);
	ck_assert_int_eq(f.langs[TW_LANG_AR], 3);
	ck_assert_int_eq(f.langs[TW_LANG_EN], 2);
	ck_assert_int_eq(f.outcomes[tw_call_outcome_index("case_created")], 2);
	ck_assert_int_eq(f.outcomes[TW_CALL_OUTCOMES - 1], 1);
	ck_assert_int_eq(f.voice_cases, 1);
	/* Durations 10, 30, 60, 90: the mean is 47.5 and the nearest-rank
	 * 90th percentile is at rank ceil(3.6) = 4. */
	ck_assert_int_eq(f.timed, 4);
	ck_assert_double_eq_tol(f.mean_seconds, 47.5, 1e-9);
	ck_assert_double_eq_tol(f.p90_seconds, 90, 1e-9);
	ck_assert_int_eq(f.nbuckets, 0);
	free(f.buckets);
}
END_TEST

START_TEST(test_missed_and_callback_median)
{
	struct tw_call_fact calls[4];
	struct tw_call_figures f;

	for (int i = 0; i < 4; i++) {
		calls[i] = call(TW_LANG_AR, "missed", -1);
		calls[i].missed = 1;
	}
	/* Three returned after 600, 60 and 1200 seconds; one open. */
	calls[0].returned = 1;
	calls[0].callback_seconds = 600;
	calls[1].returned = 1;
	calls[1].callback_seconds = 60;
	calls[2].returned = 1;
	calls[2].callback_seconds = 1200;
	memset(&f, 0, sizeof f);
	ck_assert_int_eq(tw_call_figures_summarise(calls, 4, &f), TW_OK);
	ck_assert_int_eq(f.missed, 4);
	ck_assert_int_eq(f.returned, 3);
	ck_assert_int_eq(f.open, 1);
	/* Sorted 60, 600, 1200: the median is at rank ceil(1.5) = 2. */
	ck_assert_double_eq_tol(f.median_callback_minutes, 10, 1e-9);
	ck_assert_int_eq(f.timed, 0);
	ck_assert_double_eq_tol(f.mean_seconds, 0, 1e-9);
	free(f.buckets);
}
END_TEST

START_TEST(test_buckets_sorted_by_label)
{
	struct tw_call_fact calls[] = {
		call(TW_LANG_AR, "missed", -1),
		call(TW_LANG_AR, "status_read", -1),
		call(TW_LANG_EN, "missed", -1),
		call(TW_LANG_AR, "missed", -1),
	};
	struct tw_call_figures f;
	int missed = tw_call_outcome_index("missed");

	calls[0].bucket = "2026-03-09";
	calls[1].bucket = "2026-03-02";
	calls[2].bucket = "2026-03-09";
	calls[3].bucket = NULL;
	memset(&f, 0, sizeof f);
	ck_assert_int_eq(tw_call_figures_summarise(calls, 4, &f), TW_OK);
	ck_assert_int_eq(f.nbuckets, 2);
	ck_assert_str_eq(f.buckets[0].label, "2026-03-02");
	ck_assert_int_eq(f.buckets[0].calls, 1);
	ck_assert_int_eq(f.buckets[0].outcomes[missed], 0);
	ck_assert_str_eq(f.buckets[1].label, "2026-03-09");
	ck_assert_int_eq(f.buckets[1].calls, 2);
	ck_assert_int_eq(f.buckets[1].outcomes[missed], 2);
	/* The call with no bucket still counts in the totals. */
	ck_assert_int_eq(f.outcomes[missed], 3);
	free(f.buckets);
}
END_TEST

START_TEST(test_no_calls)
{
	struct tw_call_figures f;

	memset(&f, 0, sizeof f);
	ck_assert_int_eq(tw_call_figures_summarise(NULL, 0, &f), TW_OK);
	ck_assert_int_eq(f.calls, 0);
	ck_assert_int_eq(f.open, 0);
	ck_assert_int_eq(f.nbuckets, 0);
	free(f.buckets);
}
END_TEST

static Suite *
call_figures_suite(void)
{
	Suite *s = suite_create("call_figures");
	TCase *tc = tcase_create("summarise");

	tcase_add_test(tc, test_outcome_index);
	tcase_add_test(tc, test_counts_and_durations);
	tcase_add_test(tc, test_missed_and_callback_median);
	tcase_add_test(tc, test_buckets_sorted_by_label);
	tcase_add_test(tc, test_no_calls);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(call_figures_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
