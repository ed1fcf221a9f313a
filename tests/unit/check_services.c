/*
 * check_services.c: unit tests of the pure functions of lib/services.c:
 * service codes, the search terms and their FULLTEXT expression, and the
 * fields changed between two snapshots of a service.
 */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "tawasul.h"

#define NCASES(a) (sizeof(a) / sizeof((a)[0]))

static const char *const code_good[] = { "building-permit", "a1", "tent-permit",
	"x-9", "0123456789abcdefghijklmnopqrstuv" };

static const char *const code_bad[] = { "", "a", "-permit", "permit-",
	"two--hyphens", "Upper", "under_score", "with space", "new",
	"0123456789abcdefghijklmnopqrstuvw", "سوق", "a/b" };

START_TEST(test_code_valid)
{
	ck_assert_msg(tw_service_code_valid(code_good[_i]), "%s rejected",
	    code_good[_i]);
}
END_TEST

START_TEST(test_code_invalid)
{
	ck_assert_msg(!tw_service_code_valid(code_bad[_i]), "%s accepted",
	    code_bad[_i]);
}
END_TEST

START_TEST(test_code_null)
{
	ck_assert(!tw_service_code_valid(NULL));
}
END_TEST

/* Words typed and the terms expected, "|" between terms. */
struct terms_case {
	const char *words;
	const char *terms;
};

static const struct terms_case terms_cases[] = {
	{ "Building Permit", "building|permit" },
	{ "  permit,permit; PERMIT ", "permit" },
	{ "الحفر", "حفر" },
	{ "والحفر بالحفر فالحفر كالحفر للبلدية", "حفر|بلدي" },
	/* Too short to lose the article: two letters must remain. */
	{ "الم", "الم" },
	{ "ال", "ال" },
	/* Harakat, tatweel and the Arabic comma and question mark. */
	{ "رُخْصَة، بـنـاء؟", "رخص|بناء" },
	/* The feminine ending goes when three letters remain. */
	{ "حاويات الحاوية", "حاوي" },
	{ "سيارات", "سيار" },
	{ "ذات قطة", "ذات|قطة" },
	{ "", "" },
	{ "!!! ...", "" },
	{ "b c d e f g h", "b|c|d|e|f|g" },
	/* InnoDB's stopwords are dropped, English plurals lose their s. */
	{ "the permits for a tent", "permit|tent" },
	{ "The About", "" },
	{ "bus glass process", "bus|glass|process" },
	{ "cafés permits2", "cafés|permits2" },
	{ "café", "café" },
};

/* Joins terms with "|" into out. */
static void
join_terms(char terms[][TW_SERVICE_TERM_MAX], size_t n, char *out, size_t outsz)
{
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			strncat(out, "|", outsz - strlen(out) - 1);
		strncat(out, terms[i], outsz - strlen(out) - 1);
	}
}

START_TEST(test_terms_split)
{
	char terms[TW_SERVICE_TERMS_MAX][TW_SERVICE_TERM_MAX], joined[512];
	size_t n = tw_service_terms(terms_cases[_i].words, terms,
	    TW_SERVICE_TERMS_MAX);

	join_terms(terms, n, joined, sizeof joined);
	ck_assert_str_eq(joined, terms_cases[_i].terms);
}
END_TEST

START_TEST(test_terms_long_word_cut)
{
	char terms[TW_SERVICE_TERMS_MAX][TW_SERVICE_TERM_MAX];
	char words[320]; /* 150 two-byte letters and the NUL */
	size_t n;

	/* 150 two-byte letters: cut at a character boundary. */
	words[0] = '\0';
	for (int i = 0; i < 150; i++)
		strcat(words, "س");
	n = tw_service_terms(words, terms, TW_SERVICE_TERMS_MAX);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_lt(strlen(terms[0]), TW_SERVICE_TERM_MAX);
	ck_assert_uint_eq(strlen(terms[0]) % 2, 0);
	ck_assert(tw_utf8_valid(terms[0], strlen(terms[0])));
}
END_TEST

START_TEST(test_terms_null)
{
	char terms[TW_SERVICE_TERMS_MAX][TW_SERVICE_TERM_MAX];

	ck_assert_uint_eq(tw_service_terms(NULL, terms, TW_SERVICE_TERMS_MAX),
	    0);
}
END_TEST

START_TEST(test_fulltext_expression)
{
	char terms[TW_SERVICE_TERMS_MAX][TW_SERVICE_TERM_MAX];
	size_t n = tw_service_terms("الحفر permit", terms, 6);
	int usable = -1;
	char *expr = tw_service_fulltext(terms, n, &usable);

	ck_assert_int_eq(usable, 1);
	ck_assert_ptr_nonnull(expr);
	ck_assert_str_eq(expr, "+(حفر* الحفر*) +permit*");
	free(expr);
}
END_TEST

START_TEST(test_fulltext_short_term_unusable)
{
	char terms[TW_SERVICE_TERMS_MAX][TW_SERVICE_TERM_MAX];
	size_t n = tw_service_terms("permit id", terms, 6);
	int usable = -1;

	ck_assert_ptr_null(tw_service_fulltext(terms, n, &usable));
	ck_assert_int_eq(usable, 0);
	n = tw_service_terms("", terms, 6);
	ck_assert_ptr_null(tw_service_fulltext(terms, n, &usable));
	ck_assert_int_eq(usable, 0);
}
END_TEST

START_TEST(test_changes_lists_changed_keys)
{
	char *keys = tw_service_changes("{\"code\": \"a\", \"fees_en\": \"5\", "
	                                "\"ivr_rank\": null}",
	    "{\"code\": \"a\", \"fees_en\": \"6\", \"ivr_rank\": 3}");

	ck_assert_ptr_nonnull(keys);
	ck_assert_str_eq(keys, "fees_en,ivr_rank");
	free(keys);
}
END_TEST

START_TEST(test_changes_none)
{
	char *keys = tw_service_changes("{\"code\": \"a\", \"x\": 1}",
	    "{\"x\": 1, \"code\": \"a\"}");

	ck_assert_ptr_nonnull(keys);
	ck_assert_str_eq(keys, "");
	free(keys);
}
END_TEST

START_TEST(test_changes_first_version)
{
	char *keys = tw_service_changes(NULL, "{\"code\": \"a\", \"x\": 1}");

	ck_assert_ptr_nonnull(keys);
	ck_assert_str_eq(keys, "code,x");
	free(keys);
}
END_TEST

START_TEST(test_changes_new_key)
{
	char *keys = tw_service_changes("{\"code\": \"a\"}",
	    "{\"code\": \"a\", \"active\": 1}");

	ck_assert_ptr_nonnull(keys);
	ck_assert_str_eq(keys, "active");
	free(keys);
}
END_TEST

START_TEST(test_changes_bad_json)
{
	ck_assert_ptr_null(tw_service_changes("{}", "not json"));
	ck_assert_ptr_null(tw_service_changes("[1]", "{}"));
	ck_assert_ptr_null(tw_service_changes("{}", "[1]"));
}
END_TEST

static Suite *
services_suite(void)
{
	Suite *s = suite_create("services");
	TCase *tc = tcase_create("codes");

	tcase_add_loop_test(tc, test_code_valid, 0, NCASES(code_good));
	tcase_add_loop_test(tc, test_code_invalid, 0, NCASES(code_bad));
	tcase_add_test(tc, test_code_null);
	suite_add_tcase(s, tc);

	tc = tcase_create("search");
	tcase_add_loop_test(tc, test_terms_split, 0, NCASES(terms_cases));
	tcase_add_test(tc, test_terms_long_word_cut);
	tcase_add_test(tc, test_terms_null);
	tcase_add_test(tc, test_fulltext_expression);
	tcase_add_test(tc, test_fulltext_short_term_unusable);
	suite_add_tcase(s, tc);

	tc = tcase_create("changes");
	tcase_add_test(tc, test_changes_lists_changed_keys);
	tcase_add_test(tc, test_changes_none);
	tcase_add_test(tc, test_changes_first_version);
	tcase_add_test(tc, test_changes_new_key);
	tcase_add_test(tc, test_changes_bad_json);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(services_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
