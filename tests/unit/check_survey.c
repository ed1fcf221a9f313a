/*
 * check_survey.c: unit tests of the pure helpers of lib/survey.c: the
 * shape of a survey token, the 1-to-5 scores of the survey form and the
 * text of the survey SMS.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "tawasul.h"

#define NCASES(a) (sizeof(a) / sizeof((a)[0]))

static const char *const tokens_bad[] = {
	"",
	"abc",
	"AAAAAAAAAAAAAAAAAAAAAAA", /* 23 characters */
	"AAAAAAAAAAAAAAAAAAAAAAAAA", /* 25 characters */
	"AAAAAAAAAAAAAAAAAAAAAAA=",
	"AAAAAAAAAAAAAAAAAAAAAAA+",
	"AAAAAAAAAAAAAAAAAAAAAAA/",
	"AAAAAAAAAAAAAAAAAAAAAA%2",
	"AAAAAAAAAAAAAAAAAAAAAAA ",
	"../../../../etc/passwd00",
};

START_TEST(test_token_rejects_shapes)
{
	ck_assert_msg(!tw_survey_token_valid(tokens_bad[_i]), "%s",
	    tokens_bad[_i]);
}
END_TEST

START_TEST(test_token_rejects_null)
{
	ck_assert(!tw_survey_token_valid(NULL));
}
END_TEST

START_TEST(test_token_accepts_new)
{
	char token[TW_SURVEY_TOKEN_LEN + 1];

	ck_assert_int_eq(tw_random_token(token, sizeof token,
	                     TW_SURVEY_TOKEN_BYTES),
	    TW_OK);
	ck_assert_uint_eq(strlen(token), TW_SURVEY_TOKEN_LEN);
	ck_assert(tw_survey_token_valid(token));
	ck_assert(tw_survey_token_valid("abcdefghijklmnopqrstuv-_"));
}
END_TEST

START_TEST(test_token_has_128_bits)
{
	ck_assert_int_ge(TW_SURVEY_TOKEN_BYTES * 8, 128);
}
END_TEST

static const struct {
	const char *in;
	int score;
} scores[] = {
	{ "1", 1 }, { "3", 3 }, { "5", 5 }, { "0", 0 }, { "6", 0 }, { "", 0 },
	{ "10", 0 }, { "5.0", 0 }, { " 5", 0 }, { "5 ", 0 }, { "-1", 0 },
	{ "a", 0 },
	{ "\xd9\xa5", 0 }, /* Arabic-Indic 5: the form normalises it first */
};

START_TEST(test_score_table)
{
	ck_assert_int_eq(tw_survey_score(scores[_i].in), scores[_i].score);
}
END_TEST

START_TEST(test_score_null)
{
	ck_assert_int_eq(tw_survey_score(NULL), 0);
}
END_TEST

START_TEST(test_sms_text_fills_placeholders)
{
	HDF *strings;
	char *text;

	ck_assert_ptr_eq(hdf_init(&strings), STATUS_OK);
	ck_assert_ptr_eq(hdf_set_value(strings, "Sms.SurveyLink",
	                     "Case {number}: {url} ({number})"),
	    STATUS_OK);
	text = tw_survey_sms_text(strings, "Sms.SurveyLink", "12345671",
	    "https://example.org/s/abc");
	ck_assert_ptr_nonnull(text);
	ck_assert_str_eq(text,
	    "Case 12345671: https://example.org/s/abc (12345671)");
	free(text);
	hdf_destroy(&strings);
}
END_TEST

static Suite *
survey_suite(void)
{
	Suite *s = suite_create("survey");
	TCase *tc = tcase_create("token");

	tcase_add_loop_test(tc, test_token_rejects_shapes, 0,
	    NCASES(tokens_bad));
	tcase_add_test(tc, test_token_rejects_null);
	tcase_add_test(tc, test_token_accepts_new);
	tcase_add_test(tc, test_token_has_128_bits);
	suite_add_tcase(s, tc);

	tc = tcase_create("score");
	tcase_add_loop_test(tc, test_score_table, 0, NCASES(scores));
	tcase_add_test(tc, test_score_null);
	suite_add_tcase(s, tc);

	tc = tcase_create("sms");
	tcase_add_test(tc, test_sms_text_fills_placeholders);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(survey_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
