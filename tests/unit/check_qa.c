/*
 * check_qa.c: unit tests of the pure parts of lib/qa.c: the splitmix64
 * generator, the sample size of a group, the draw and the month range.
 *
 * The splitmix64 outputs for seed 1234567 were computed with a Python
 * transcription of Vigna's reference code, not with lib/qa.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "tawasul.h"

#define NCASES(a)  (sizeof(a) / sizeof((a)[0]))
#define POPULATION 200

START_TEST(test_splitmix64_reference)
{
	static const uint64_t expected[] = { 6457827717110365317ULL,
		3203168211198807973ULL, 9817491932198370423ULL,
		4593380528125082431ULL, 16408922859458223821ULL };
	uint64_t state = 1234567;

	for (size_t i = 0; i < NCASES(expected); i++)
		ck_assert_uint_eq(tw_splitmix64(&state), expected[i]);
}
END_TEST

START_TEST(test_random_below_range)
{
	uint64_t state = 42;

	ck_assert_uint_eq(tw_random_below(&state, 0), 0);
	ck_assert_uint_eq(tw_random_below(&state, 1), 0);
	for (int i = 0; i < 10000; i++)
		ck_assert_uint_lt(tw_random_below(&state, 7), 7);
}
END_TEST

static void
fill_ids(long long *ids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ids[i] = 1000 + (long long)i * 3;
}

START_TEST(test_draw_same_seed_same_sample)
{
	long long ids[POPULATION], a[10], b[10];
	uint64_t s1 = 77, s2 = 77;

	fill_ids(ids, POPULATION);
	ck_assert_int_eq(tw_qa_draw(&s1, ids, POPULATION, 10, a), TW_OK);
	ck_assert_int_eq(tw_qa_draw(&s2, ids, POPULATION, 10, b), TW_OK);
	ck_assert_mem_eq(a, b, sizeof a);
}
END_TEST

START_TEST(test_draw_different_seeds_differ)
{
	long long ids[POPULATION], a[10], b[10];
	uint64_t s1 = 77, s2 = 78;

	fill_ids(ids, POPULATION);
	ck_assert_int_eq(tw_qa_draw(&s1, ids, POPULATION, 10, a), TW_OK);
	ck_assert_int_eq(tw_qa_draw(&s2, ids, POPULATION, 10, b), TW_OK);
	ck_assert_int_ne(memcmp(a, b, sizeof a), 0);
}
END_TEST

START_TEST(test_draw_sorted_distinct_members)
{
	long long ids[POPULATION], out[50];
	uint64_t state = 9;

	fill_ids(ids, POPULATION);
	ck_assert_int_eq(tw_qa_draw(&state, ids, POPULATION, 50, out), TW_OK);
	for (size_t i = 0; i < 50; i++) {
		ck_assert_int_ge(out[i], 1000);
		ck_assert_int_eq((out[i] - 1000) % 3, 0);
		if (i > 0)
			ck_assert_int_lt(out[i - 1], out[i]);
	}
}
END_TEST

START_TEST(test_draw_more_than_population_takes_all)
{
	long long ids[5], out[5];
	uint64_t state = 5;

	fill_ids(ids, 5);
	ck_assert_uint_eq(tw_qa_sample_size(5, 10, 0), 5);
	ck_assert_int_eq(tw_qa_draw(&state, ids, 5, 10, out), TW_OK);
	ck_assert_mem_eq(out, ids, sizeof ids);
}
END_TEST

START_TEST(test_draw_zero_population)
{
	long long out[1] = { -1 };
	uint64_t state = 5;

	ck_assert_uint_eq(tw_qa_sample_size(0, 10, 0), 0);
	ck_assert_uint_eq(tw_qa_sample_size(0, 0, 50), 0);
	ck_assert_int_eq(tw_qa_draw(&state, NULL, 0, 10, out), TW_OK);
	ck_assert_int_eq(out[0], -1);
}
END_TEST

/* Population, per agent, percent and the expected sample size. */
static const struct {
	size_t population;
	long per_agent;
	double percent;
	size_t expected;
} sizes[] = {
	{ 100, 10, 0, 10 },
	{ 3, 10, 0, 3 },
	{ 40, 0, 10, 4 },
	{ 25, 0, 10, 3 }, /* 2.5 rounds half up */
	{ 24, 0, 10, 2 }, /* 2.4 rounds down */
	{ 3, 0, 10, 1 }, /* 0.3: a group with cases gets at least one */
	{ 7, 0, 100, 7 },
	{ 7, 0, 0, 0 },
	{ 1, 0, 0.5, 1 },
	{ 1000, 0, 33.3, 333 },
	{ 200, 0, 12.5, 25 },
};

START_TEST(test_sample_size_table)
{
	ck_assert_uint_eq(tw_qa_sample_size(sizes[_i].population,
	                      sizes[_i].per_agent, sizes[_i].percent),
	    sizes[_i].expected);
}
END_TEST

START_TEST(test_month_range_muscat)
{
	char start[20], end[20];

	ck_assert_int_eq(tw_qa_month_range("2026-11", start, end), TW_OK);
	ck_assert_str_eq(start, "2026-10-31 20:00:00");
	ck_assert_str_eq(end, "2026-11-30 20:00:00");
	ck_assert_int_eq(tw_qa_month_range("2026-12", start, end), TW_OK);
	ck_assert_str_eq(end, "2026-12-31 20:00:00");
}
END_TEST

static const char *const bad_months[] = { NULL, "", "2026-13", "2026-00",
	"2026-1", "26-11", "2026/11", "2026-11-01", "abcd-ef", "1999-12",
	"2026-1x" };

START_TEST(test_month_range_rejects_invalid)
{
	char start[20], end[20];

	ck_assert_int_eq(tw_qa_month_range(bad_months[_i], start, end),
	    TW_ERR_INPUT);
}
END_TEST

START_TEST(test_last_month_in_muscat)
{
	char month[8];

	/* 2026-12-31 21:00 UTC is 2027-01-01 01:00 in Muscat. */
	tw_qa_last_month(1798750800, month);
	ck_assert_str_eq(month, "2026-12");
	/* 2026-12-04 12:00 UTC. */
	tw_qa_last_month(1796385600, month);
	ck_assert_str_eq(month, "2026-11");
}
END_TEST

static Suite *
qa_suite(void)
{
	Suite *s = suite_create("qa");
	TCase *tc = tcase_create("prng");

	tcase_add_test(tc, test_splitmix64_reference);
	tcase_add_test(tc, test_random_below_range);
	suite_add_tcase(s, tc);

	tc = tcase_create("draw");
	tcase_add_test(tc, test_draw_same_seed_same_sample);
	tcase_add_test(tc, test_draw_different_seeds_differ);
	tcase_add_test(tc, test_draw_sorted_distinct_members);
	tcase_add_test(tc, test_draw_more_than_population_takes_all);
	tcase_add_test(tc, test_draw_zero_population);
	tcase_add_loop_test(tc, test_sample_size_table, 0, NCASES(sizes));
	suite_add_tcase(s, tc);

	tc = tcase_create("month");
	tcase_add_test(tc, test_month_range_muscat);
	tcase_add_loop_test(tc, test_month_range_rejects_invalid, 0,
	    NCASES(bad_months));
	tcase_add_test(tc, test_last_month_in_muscat);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(qa_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
