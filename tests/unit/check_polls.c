/*
 * check_polls.c: unit tests of the pure functions of lib/polls.c: the
 * validation of one question's answer, the geometry of the results
 * bars, percentages, times of the admin form, choice lines, the voter
 * cookie and the SMS code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "tawasul.h"

#define NCASES(a) (sizeof(a) / sizeof((a)[0]))

/* A question of kind with choices 11, 12 and 13. */
static struct tw_poll_question
question(enum tw_poll_kind kind, int required)
{
	struct tw_poll_question q;

	memset(&q, 0, sizeof q);
	q.id = 7;
	q.kind = kind;
	q.required = required;
	if (kind == TW_POLL_SINGLE || kind == TW_POLL_MULTIPLE) {
		q.nchoices = 3;
		q.choices[0].id = 11;
		q.choices[1].id = 12;
		q.choices[2].id = 13;
	}
	return q;
}

struct answer_case {
	enum tw_poll_kind kind;
	int required;
	const char *values[4];
	size_t n;
	enum tw_poll_problem expected;
};

static const struct answer_case answer_cases[] = {
	{ TW_POLL_SINGLE, 1, { "12" }, 1, TW_POLL_OK },
	{ TW_POLL_SINGLE, 1, { "١٢" }, 1, TW_POLL_OK }, /* Arabic-Indic */
	{ TW_POLL_SINGLE, 1, { "" }, 1, TW_POLL_MISSING },
	{ TW_POLL_SINGLE, 1, { NULL }, 0, TW_POLL_MISSING },
	{ TW_POLL_SINGLE, 0, { NULL }, 0, TW_POLL_OK },
	{ TW_POLL_SINGLE, 1, { "14" }, 1, TW_POLL_NOT_CHOICE },
	{ TW_POLL_SINGLE, 1, { "0" }, 1, TW_POLL_NOT_CHOICE },
	{ TW_POLL_SINGLE, 1, { "-12" }, 1, TW_POLL_NOT_CHOICE },
	{ TW_POLL_SINGLE, 1, { "12abc" }, 1, TW_POLL_NOT_CHOICE },
	{ TW_POLL_SINGLE, 1, { "1234567890123" }, 1, TW_POLL_NOT_CHOICE },
	{ TW_POLL_SINGLE, 1, { "11", "12" }, 2, TW_POLL_ONE_ONLY },
	{ TW_POLL_SINGLE, 1, { "\xff" }, 1, TW_POLL_ENCODING },
	{ TW_POLL_MULTIPLE, 1, { "11", "13" }, 2, TW_POLL_OK },
	{ TW_POLL_MULTIPLE, 1, { "11", "99" }, 2, TW_POLL_NOT_CHOICE },
	{ TW_POLL_MULTIPLE, 1, { NULL }, 0, TW_POLL_MISSING },
	{ TW_POLL_MULTIPLE, 0, { "", "" }, 2, TW_POLL_OK },
	{ TW_POLL_SCALE, 1, { "5" }, 1, TW_POLL_OK },
	{ TW_POLL_SCALE, 1, { "١" }, 1, TW_POLL_OK },
	{ TW_POLL_SCALE, 1, { "0" }, 1, TW_POLL_SCALE_RANGE },
	{ TW_POLL_SCALE, 1, { "6" }, 1, TW_POLL_SCALE_RANGE },
	{ TW_POLL_SCALE, 1, { "2.5" }, 1, TW_POLL_NOT_CHOICE },
	{ TW_POLL_SCALE, 1, { "three" }, 1, TW_POLL_NOT_CHOICE },
	{ TW_POLL_SCALE, 1, { "2", "3" }, 2, TW_POLL_ONE_ONLY },
	{ TW_POLL_SCALE, 0, { "" }, 1, TW_POLL_OK },
	{ TW_POLL_TEXT, 1, { "الشارع نظيف 👍" }, 1, TW_POLL_OK },
	{ TW_POLL_TEXT, 1, { "   " }, 1, TW_POLL_MISSING },
	{ TW_POLL_TEXT, 0, { "   " }, 1, TW_POLL_OK },
	{ TW_POLL_TEXT, 1, { "ok\xc3" }, 1, TW_POLL_ENCODING },
	{ TW_POLL_TEXT, 1, { "a", "b" }, 2, TW_POLL_ONE_ONLY },
};

START_TEST(test_check_answer_cases)
{
	const struct answer_case *c = &answer_cases[_i];
	struct tw_poll_question q = question(c->kind, c->required);
	struct tw_poll_answer a;
	enum tw_poll_problem got;

	got = tw_poll_check_answer(&q, c->values, c->n, &a);
	ck_assert_msg(got == c->expected, "case %d: expected %d, got %d", _i,
	    c->expected, got);
	if (got != TW_POLL_OK) {
		ck_assert_uint_eq(a.nchoices, 0);
		ck_assert_int_eq(a.scale, 0);
		ck_assert_ptr_null(a.text);
	}
	tw_poll_answer_clear(&a);
}
END_TEST

START_TEST(test_check_answer_values)
{
	struct tw_poll_question q = question(TW_POLL_MULTIPLE, 1);
	const char *multi[] = { "13", "11", "13" };
	const char *scale[] = { "٤" };
	const char *text[] = { "  line one\r\nline two  " };
	struct tw_poll_answer a;

	ck_assert_int_eq(tw_poll_check_answer(&q, multi, 3, &a), TW_POLL_OK);
	ck_assert_uint_eq(a.nchoices, 2); /* the repeated 13 counts once */
	ck_assert_int_eq(a.choices[0], 13);
	ck_assert_int_eq(a.choices[1], 11);
	tw_poll_answer_clear(&a);
	q = question(TW_POLL_SCALE, 1);
	ck_assert_int_eq(tw_poll_check_answer(&q, scale, 1, &a), TW_POLL_OK);
	ck_assert_int_eq(a.scale, 4);
	tw_poll_answer_clear(&a);
	q = question(TW_POLL_TEXT, 1);
	ck_assert_int_eq(tw_poll_check_answer(&q, text, 1, &a), TW_POLL_OK);
	ck_assert_str_eq(a.text, "line one\nline two");
	tw_poll_answer_clear(&a);
}
END_TEST

START_TEST(test_check_answer_text_limit)
{
	struct tw_poll_question q = question(TW_POLL_TEXT, 1);
	char *text = malloc(2 * (TW_POLL_ANSWER_MAX + 1) + 1);
	const char *values[] = { text };
	struct tw_poll_answer a;

	/* TW_POLL_ANSWER_MAX two-byte letters pass, one more does not. */
	for (size_t i = 0; i < TW_POLL_ANSWER_MAX; i++)
		memcpy(text + 2 * i, "\xd8\xa8", 2);
	text[2 * TW_POLL_ANSWER_MAX] = '\0';
	ck_assert_int_eq(tw_poll_check_answer(&q, values, 1, &a), TW_POLL_OK);
	tw_poll_answer_clear(&a);
	strcat(text, "\xd8\xa8");
	ck_assert_int_eq(tw_poll_check_answer(&q, values, 1, &a),
	    TW_POLL_TOO_LONG);
	ck_assert_ptr_null(a.text);
	free(text);
}
END_TEST

START_TEST(test_bar_geometry)
{
	struct tw_poll_bar bar, next;

	tw_poll_bar(0, 10, 10, 480, &bar);
	ck_assert_int_eq(bar.y, 0);
	ck_assert_int_eq(bar.width, 480);
	ck_assert_int_gt(bar.bar_y, bar.y);
	ck_assert_int_eq(bar.text_x, bar.width + 6);
	tw_poll_bar(1, 5, 10, 480, &next);
	ck_assert_int_eq(next.width, 240);
	ck_assert_int_eq(next.y - bar.y, next.bar_y - bar.bar_y);
	ck_assert_int_gt(next.y, bar.bar_y); /* rows do not overlap */
	tw_poll_bar(2, 1, 1000, 480, &bar);
	ck_assert_int_eq(bar.width, 1); /* a count is never invisible */
	tw_poll_bar(3, 0, 1000, 480, &bar);
	ck_assert_int_eq(bar.width, 0);
	tw_poll_bar(4, 0, 0, 480, &bar);
	ck_assert_int_eq(bar.width, 0);
	tw_poll_bar(0, 2, 3, 480, &bar);
	ck_assert_int_eq(bar.width, 320);
}
END_TEST

START_TEST(test_percent)
{
	char out[16];

	tw_poll_percent(1, 3, out, sizeof out);
	ck_assert_str_eq(out, "33.3");
	tw_poll_percent(2, 3, out, sizeof out);
	ck_assert_str_eq(out, "66.7");
	tw_poll_percent(0, 0, out, sizeof out);
	ck_assert_str_eq(out, "0.0");
	tw_poll_percent(5, 5, out, sizeof out);
	ck_assert_str_eq(out, "100.0");
}
END_TEST

START_TEST(test_time_utc)
{
	char utc[20], local[17];

	ck_assert_int_eq(tw_poll_time_utc("2026-03-01T08:00", utc), TW_OK);
	ck_assert_str_eq(utc, "2026-03-01 04:00:00");
	ck_assert_int_eq(tw_poll_time_utc("2026-03-01 02:30", utc), TW_OK);
	ck_assert_str_eq(utc, "2026-02-28 22:30:00");
	tw_poll_time_local("2026-02-28 22:30:00", local);
	ck_assert_str_eq(local, "2026-03-01T02:30");
	tw_poll_time_local("garbage", local);
	ck_assert_str_eq(local, "");
}
END_TEST

static const char *const times_bad[] = {
	"",
	"2026-03-01",
	"2026-03-01T8:00",
	"2026-02-30T08:00",
	"2026-13-01T08:00",
	"2026-03-01T24:00",
	"2026-03-01T08:60",
	"2026/03/01T08:00",
	"2026-03-01X08:00",
	"2026-03-01T08:00:00",
	"١٢٠٢-03-01T08:00",
	"1899-03-01T08:00",
};

START_TEST(test_time_utc_rejects)
{
	char utc[20];

	ck_assert_msg(tw_poll_time_utc(times_bad[_i], utc) == TW_ERR_INPUT,
	    "accepted %s", times_bad[_i]);
}
END_TEST

START_TEST(test_split_lines)
{
	char text[] = "  Yes \r\n\r\nNo\n\t Maybe\t\n";
	char many[] = "a\nb\nc\nd";
	char *lines[3];

	ck_assert_uint_eq(tw_poll_split_lines(text, lines, 3), 3);
	ck_assert_str_eq(lines[0], "Yes");
	ck_assert_str_eq(lines[1], "No");
	ck_assert_str_eq(lines[2], "Maybe");
	ck_assert_uint_eq(tw_poll_split_lines(many, lines, 3), 4);
	ck_assert_str_eq(lines[2], "c");
}
END_TEST

START_TEST(test_voter_cookie)
{
	char cookie[TW_POLL_VOTER_LEN + 1], other[TW_POLL_VOTER_LEN + 1];
	char hash[65], again[65];

	ck_assert_int_eq(tw_poll_voter_new("secret", cookie), TW_OK);
	ck_assert_uint_eq(strlen(cookie), TW_POLL_VOTER_LEN);
	ck_assert_int_eq(tw_poll_voter_check("secret", cookie, hash), 1);
	ck_assert_uint_eq(strlen(hash), 64);
	ck_assert_int_eq(tw_poll_voter_check("secret", cookie, again), 1);
	ck_assert_str_eq(hash, again);
	ck_assert_int_eq(tw_poll_voter_check("other", cookie, hash), 0);
	memcpy(other, cookie, sizeof other);
	other[0] = other[0] == 'A' ? 'B' : 'A';
	ck_assert_int_eq(tw_poll_voter_check("secret", other, hash), 0);
	ck_assert_int_eq(tw_poll_voter_check("secret", NULL, hash), 0);
	ck_assert_int_eq(tw_poll_voter_check("secret", "", hash), 0);
	ck_assert_int_eq(tw_poll_voter_new("secret", other), TW_OK);
	ck_assert_str_ne(cookie, other);
}
END_TEST

/* The voter hash of a number is keyed: HMAC-SHA256 of "poll-mobile",
 * NUL and the number under the secret, in hex; no longer the plain
 * SHA-256 of "mobile:" and the number, which anyone could recompute. */
START_TEST(test_mobile_hash)
{
	static const char msg[] = "poll-mobile\0+96891234567";
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	char want[65], hash[65], other[65], plain[65];

	HMAC(EVP_sha256(), "secret", 6, (const unsigned char *)msg,
	    sizeof msg - 1, mac, &maclen);
	ck_assert_uint_eq(maclen, 32);
	for (unsigned int i = 0; i < maclen; i++)
		snprintf(want + 2 * i, 3, "%02x", mac[i]);
	tw_poll_mobile_hash("secret", "+96891234567", hash);
	ck_assert_str_eq(hash, want);
	tw_poll_mobile_hash("other", "+96891234567", other);
	ck_assert_str_ne(hash, other);
	tw_poll_mobile_hash("secret", "+96891234568", other);
	ck_assert_str_ne(hash, other);
	tw_sha256_hex("mobile:+96891234567", 19, plain);
	ck_assert_str_ne(hash, plain);
}
END_TEST

START_TEST(test_code)
{
	char code[TW_POLL_CODE_LEN + 1], a[44], b[44];

	for (int i = 0; i < 50; i++) {
		ck_assert_int_eq(tw_poll_code_new(code), TW_OK);
		ck_assert_uint_eq(strlen(code), TW_POLL_CODE_LEN);
		ck_assert_uint_eq(strspn(code, "0123456789"), TW_POLL_CODE_LEN);
	}
	tw_poll_code_hash("secret", 1, "+96891234567", "123456", a);
	tw_poll_code_hash("secret", 1, "+96891234567", "123456", b);
	ck_assert_str_eq(a, b);
	tw_poll_code_hash("secret", 2, "+96891234567", "123456", b);
	ck_assert_str_ne(a, b);
	tw_poll_code_hash("secret", 1, "+96891234568", "123456", b);
	ck_assert_str_ne(a, b);
	tw_poll_code_hash("secret", 1, "+96891234567", "123457", b);
	ck_assert_str_ne(a, b);
}
END_TEST

START_TEST(test_kind_names)
{
	enum tw_poll_kind kind;

	for (int i = 0; i < TW_POLL_KINDS; i++) {
		ck_assert_int_eq(tw_poll_kind_parse(tw_poll_kind_name(
		                                        (enum tw_poll_kind)i),
		                     &kind),
		    TW_OK);
		ck_assert_int_eq(kind, i);
	}
	ck_assert_int_eq(tw_poll_kind_parse("Single", &kind), TW_ERR_INPUT);
	ck_assert_int_eq(tw_poll_kind_parse(NULL, &kind), TW_ERR_INPUT);
}
END_TEST

/* Who may make polls and who may read their results. */
static const struct {
	enum tw_role role;
	int polls, results;
} poll_rights[] = {
	{ TW_ROLE_ADMIN, 1, 1 },
	{ TW_ROLE_SUPERVISOR, 0, 1 },
	{ TW_ROLE_QA, 0, 1 },
	{ TW_ROLE_EXECUTIVE, 0, 1 },
	{ TW_ROLE_AGENT, 0, 0 },
	{ TW_ROLE_OFFICER, 0, 0 },
	{ TW_ROLE_HEAD, 0, 0 },
	{ TW_ROLE_FIELD, 0, 0 },
};

START_TEST(test_poll_rights)
{
	struct tw_staff staff;

	memset(&staff, 0, sizeof staff);
	staff.role = poll_rights[_i].role;
	staff.directorate_id = 3;
	ck_assert_int_eq(tw_can(&staff, TW_ACT_POLLS, 0),
	    poll_rights[_i].polls);
	ck_assert_int_eq(tw_can(&staff, TW_ACT_POLL_RESULTS, 0),
	    poll_rights[_i].results);
}
END_TEST

static Suite *
polls_suite(void)
{
	Suite *s = suite_create("polls");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_check_answer_cases, 0,
	    NCASES(answer_cases));
	tcase_add_test(tc, test_check_answer_values);
	tcase_add_test(tc, test_check_answer_text_limit);
	tcase_add_test(tc, test_bar_geometry);
	tcase_add_test(tc, test_percent);
	tcase_add_test(tc, test_time_utc);
	tcase_add_loop_test(tc, test_time_utc_rejects, 0, NCASES(times_bad));
	tcase_add_test(tc, test_split_lines);
	tcase_add_test(tc, test_voter_cookie);
	tcase_add_test(tc, test_mobile_hash);
	tcase_add_test(tc, test_code);
	tcase_add_test(tc, test_kind_names);
	tcase_add_loop_test(tc, test_poll_rights, 0, NCASES(poll_rights));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(polls_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
