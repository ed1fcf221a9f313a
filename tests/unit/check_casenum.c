/*
 * check_casenum.c: unit tests of lib/casenum.c, case numbers of eight
 * digits whose last digit is a Damm check digit.
 *
 * The reference table below is the example quasigroup of the Wikipedia
 * article "Damm algorithm", taken there from H. Michael Damm's doctoral
 * dissertation (Marburg, 2004, page 111). The article's worked example is
 * 572 with check digit 4. The check digits in the comments were computed
 * with a Python script over this table, not with lib/casenum.c.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "tawasul.h"

#define NCASES(a) (sizeof(a) / sizeof((a)[0]))

static const unsigned char reference_table[10][10] = {
	{ 0, 3, 1, 7, 5, 9, 8, 6, 4, 2 },
	{ 7, 0, 9, 2, 1, 5, 4, 8, 6, 3 },
	{ 4, 2, 0, 6, 8, 7, 1, 3, 5, 9 },
	{ 1, 7, 5, 0, 9, 8, 3, 4, 2, 6 },
	{ 6, 1, 2, 3, 0, 4, 5, 9, 7, 8 },
	{ 3, 6, 7, 4, 2, 0, 9, 5, 8, 1 },
	{ 5, 8, 6, 9, 7, 2, 0, 1, 3, 4 },
	{ 8, 9, 4, 5, 3, 6, 2, 0, 1, 7 },
	{ 9, 4, 3, 8, 6, 1, 7, 2, 0, 5 },
	{ 2, 5, 8, 1, 4, 3, 6, 7, 9, 0 },
};

/* Computes the Damm interim digit of ASCII digits with the table above. */
static int
reference_damm(const char *digits)
{
	int interim = 0;

	for (const char *p = digits; *p; p++)
		interim = reference_table[interim][*p - '0'];
	return interim;
}

/* A fixed-seed generator, so every run tests the same numbers. */
static uint32_t
next_random(uint32_t *state)
{
	*state = *state * 1664525u + 1013904223u;
	return *state >> 8;
}

START_TEST(test_damm_published_example)
{
	ck_assert_int_eq(tw_damm_digit("572"), 4);
	ck_assert_int_eq(tw_damm_digit("5724"), 0);
}
END_TEST

START_TEST(test_damm_empty_is_zero)
{
	ck_assert_int_eq(tw_damm_digit(""), 0);
}
END_TEST

START_TEST(test_damm_matches_reference)
{
	uint32_t state = 1;
	char digits[16];
	int mismatches = 0;

	for (int n = 0; n < 20000; n++) {
		size_t len = next_random(&state) % 13;

		for (size_t i = 0; i < len; i++)
			digits[i] = (char)('0' + next_random(&state) % 10);
		digits[len] = '\0';
		if (tw_damm_digit(digits) != reference_damm(digits))
			mismatches++;
	}
	ck_assert_int_eq(mismatches, 0);
}
END_TEST

static const char *const damm_bad[] = {
	"12a",
	" 12",
	"-1",
	"1.0",
	"١٢", /* Arabic-Indic digits are converted by the parser only */
	"#12",
};

START_TEST(test_damm_rejects_nondigit)
{
	ck_assert_msg(tw_damm_digit(damm_bad[_i]) == -1, "accepted \"%s\"",
	    damm_bad[_i]);
}
END_TEST

struct make_case {
	long long serial;
	const char *number;
};

static const struct make_case make_good[] = {
	{ 1, "10000012" }, /* Damm of 1000001 is 2 */
	{ 12345, "10123451" }, /* Damm of 1012345 is 1 */
	{ 234567, "12345671" }, /* Damm of 1234567 is 1 */
	{ 8999999, "99999992" }, /* Damm of 9999999 is 2, the last serial */
};

START_TEST(test_make_writes_number)
{
	char out[TW_CASENUM_LEN + 1];

	ck_assert_int_eq(tw_casenum_make(make_good[_i].serial, out), TW_OK);
	ck_assert_str_eq(out, make_good[_i].number);
}
END_TEST

static const long long make_bad[] = {
	0,
	-1,
	9000000,
	10000000,
	LLONG_MAX,
	LLONG_MIN,
};

START_TEST(test_make_rejects_range)
{
	char out[TW_CASENUM_LEN + 1];

	ck_assert_int_eq(tw_casenum_make(make_bad[_i], out), TW_ERR_INPUT);
}
END_TEST

/*
 * Returns the error expected for a mistyped number: TW_ERR_INPUT when it
 * now starts with zero, which is malformed, and TW_ERR_CHECKSUM otherwise.
 */
static enum tw_err
expected_error(const char *number)
{
	return number[0] == '0' ? TW_ERR_INPUT : TW_ERR_CHECKSUM;
}

/* Counts single-digit substitutions of number that parse wrongly. */
static int
count_missed_substitutions(const char *number, char *first_miss)
{
	char typo[TW_CASENUM_LEN + 1], out[TW_CASENUM_LEN + 1];
	int missed = 0;

	for (int pos = 0; pos < TW_CASENUM_LEN; pos++)
		for (char d = '0'; d <= '9'; d++) {
			if (d == number[pos])
				continue;
			memcpy(typo, number, sizeof typo);
			typo[pos] = d;
			if (tw_casenum_parse(typo, out) !=
			        expected_error(typo) &&
			    missed++ == 0)
				memcpy(first_miss, typo, sizeof typo);
		}
	return missed;
}

/* Counts adjacent transpositions of number that parse wrongly. */
static int
count_missed_transpositions(const char *number, char *first_miss)
{
	char typo[TW_CASENUM_LEN + 1], out[TW_CASENUM_LEN + 1];
	int missed = 0;

	for (int pos = 0; pos + 1 < TW_CASENUM_LEN; pos++) {
		if (number[pos] == number[pos + 1])
			continue;
		memcpy(typo, number, sizeof typo);
		typo[pos] = number[pos + 1];
		typo[pos + 1] = number[pos];
		if (tw_casenum_parse(typo, out) != expected_error(typo) &&
		    missed++ == 0)
			memcpy(first_miss, typo, sizeof typo);
	}
	return missed;
}

/* Returns the n-th generated serial: the range edges, then random ones. */
static long long
generated_serial(int n, uint32_t *state)
{
	static const long long edges[] = { 1, 2, 9, 10, 999999, 8999998,
		8999999 };

	if ((size_t)n < NCASES(edges))
		return edges[n];
	return 1 + (long long)(next_random(state) % 8999999);
}

START_TEST(test_casenum_detects_typos)
{
	char number[TW_CASENUM_LEN + 1], out[TW_CASENUM_LEN + 1];
	char miss_sub[TW_CASENUM_LEN + 1] = "",
	                               miss_swap[TW_CASENUM_LEN + 1] = "",
	                               miss_valid[TW_CASENUM_LEN + 1] = "";
	int subs = 0, swaps = 0, invalid = 0;
	uint32_t state = 42;

	for (int n = 0; n < 20000; n++) {
		if (tw_casenum_make(generated_serial(n, &state), number) !=
		    TW_OK)
			break;
		if (tw_casenum_parse(number, out) != TW_OK && invalid++ == 0)
			memcpy(miss_valid, number, sizeof number);
		subs += count_missed_substitutions(number, miss_sub);
		swaps += count_missed_transpositions(number, miss_swap);
	}
	ck_assert_msg(invalid == 0, "made %d bad numbers, first %s", invalid,
	    miss_valid);
	ck_assert_msg(subs == 0, "missed %d substitutions, first %s", subs,
	    miss_sub);
	ck_assert_msg(swaps == 0, "missed %d transpositions, first %s", swaps,
	    miss_swap);
}
END_TEST

static const char *const parse_good[] = {
	"10123451",
	"#10123451",
	"# 10123451",
	"  #10123451",
	"1012-3451",
	"1012 3451",
	"10 12 34 51",
	"10123451 ",
	"١٠١٢٣٤٥١", /* Arabic-Indic digits */
	"۱۰۱۲۳۴۵۱", /* Persian digits */
	"#١٠١٢-3451",
};

START_TEST(test_parse_accepts_forms)
{
	char out[TW_CASENUM_LEN + 1];

	ck_assert_msg(tw_casenum_parse(parse_good[_i], out) == TW_OK,
	    "rejected \"%s\"", parse_good[_i]);
	ck_assert_str_eq(out, "10123451");
}
END_TEST

struct parse_case {
	const char *in;
	enum tw_err err;
};

static const struct parse_case parse_bad[] = {
	{ "", TW_ERR_INPUT },
	{ "#", TW_ERR_INPUT },
	{ "   ", TW_ERR_INPUT },
	{ "1012345", TW_ERR_INPUT }, /* seven digits */
	{ "101234511", TW_ERR_INPUT }, /* nine digits */
	{ "1012345110123451", TW_ERR_INPUT }, /* sixteen digits */
	{ "01234566", TW_ERR_INPUT }, /* right check digit, leading zero */
	{ "1012345a", TW_ERR_INPUT },
	{ "a0123451", TW_ERR_INPUT },
	{ "1O123451", TW_ERR_INPUT }, /* capital O for zero */
	{ "##10123451", TW_ERR_INPUT },
	{ "1012#3451", TW_ERR_INPUT },
	{ "1012_3451", TW_ERR_INPUT },
	{ "1012.3451", TW_ERR_INPUT },
	{ "+10123451", TW_ERR_INPUT },
	{ "\t10123451", TW_ERR_INPUT },
	{ "１０１２３４５１", TW_ERR_INPUT }, /* fullwidth digits */
	{ "10123452", TW_ERR_CHECKSUM }, /* last digit wrong */
	{ "10123415", TW_ERR_CHECKSUM }, /* last two swapped */
	{ "20123451", TW_ERR_CHECKSUM }, /* first digit wrong */
	{ "١٠١٢٣٤٥٢", TW_ERR_CHECKSUM },
};

START_TEST(test_parse_rejects_invalid)
{
	char out[TW_CASENUM_LEN + 1];

	ck_assert_msg(tw_casenum_parse(parse_bad[_i].in, out) ==
	        parse_bad[_i].err,
	    "case %d: \"%s\"", _i, parse_bad[_i].in);
}
END_TEST

static Suite *
casenum_suite(void)
{
	Suite *s = suite_create("casenum");
	TCase *tc;

	tc = tcase_create("damm");
	tcase_add_test(tc, test_damm_published_example);
	tcase_add_test(tc, test_damm_empty_is_zero);
	tcase_add_test(tc, test_damm_matches_reference);
	tcase_add_loop_test(tc, test_damm_rejects_nondigit, 0,
	    NCASES(damm_bad));
	suite_add_tcase(s, tc);

	tc = tcase_create("make");
	tcase_add_loop_test(tc, test_make_writes_number, 0, NCASES(make_good));
	tcase_add_loop_test(tc, test_make_rejects_range, 0, NCASES(make_bad));
	suite_add_tcase(s, tc);

	tc = tcase_create("parse");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_casenum_detects_typos);
	tcase_add_loop_test(tc, test_parse_accepts_forms, 0,
	    NCASES(parse_good));
	tcase_add_loop_test(tc, test_parse_rejects_invalid, 0,
	    NCASES(parse_bad));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(casenum_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
