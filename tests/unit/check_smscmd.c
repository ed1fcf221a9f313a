/*
 * check_smscmd.c: unit tests of lib/smscmd.c, the SMS commands of field
 * staff.
 *
 * The case numbers here have Damm check digits computed with a Python
 * script over the published table (see check_casenum.c): 10000012,
 * 12345671 and 23456789 are valid, 10000013 and 12345670 are not.
 */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "tawasul.h"

#define NCASES(a) (sizeof(a) / sizeof((a)[0]))

struct good_case {
	const char *text;
	enum tw_smscmd_kind kind;
	const char *number;
	const char *note; /* NULL when the command has none */
};

static const struct good_case good[] = {
	/* The plain forms. */
	{ "START 10000012", TW_SMSCMD_START, "10000012", NULL },
	{ "DONE 10000012 light replaced", TW_SMSCMD_DONE, "10000012",
	    "light replaced" },
	{ "NOTE 12345671 road closed until Sunday", TW_SMSCMD_NOTE, "12345671",
	    "road closed until Sunday" },
	{ "HELP 23456789", TW_SMSCMD_HELP, "23456789", NULL },
	{ "need help 23456789 need a truck", TW_SMSCMD_HELP, "23456789",
	    "need a truck" },
	/* Letter case, spaces, '#' and punctuation. */
	{ "start 10000012", TW_SMSCMD_START, "10000012", NULL },
	{ "StArT #10000012", TW_SMSCMD_START, "10000012", NULL },
	{ "  start    #  10000012   ", TW_SMSCMD_START, "10000012", NULL },
	{ "start#10000012", TW_SMSCMD_START, "10000012", NULL },
	{ "start10000012", TW_SMSCMD_START, "10000012", NULL },
	{ "Start: 10000012", TW_SMSCMD_START, "10000012", NULL },
	{ "done 10000012: fixed", TW_SMSCMD_DONE, "10000012", "fixed" },
	{ "done 10000012 - fixed", TW_SMSCMD_DONE, "10000012", "fixed" },
	{ "Done 10000012, pothole filled", TW_SMSCMD_DONE, "10000012",
	    "pothole filled" },
	{ "DONE\n10000012\nfilled and rolled", TW_SMSCMD_DONE, "10000012",
	    "filled and rolled" },
	{ "done\t10000012\tok", TW_SMSCMD_DONE, "10000012", "ok" },
	{ "NEED   HELP 10000012", TW_SMSCMD_HELP, "10000012", NULL },
	/* The number grouped, or first. */
	{ "start 1000 0012", TW_SMSCMD_START, "10000012", NULL },
	{ "start 1000-0012", TW_SMSCMD_START, "10000012", NULL },
	{ "10000012 start", TW_SMSCMD_START, "10000012", NULL },
	{ "#10000012 done all clear", TW_SMSCMD_DONE, "10000012", "all clear" },
	/* A note may start with a digit after the eighth. */
	{ "done 10000012 2 holes filled", TW_SMSCMD_DONE, "10000012",
	    "2 holes filled" },
	{ "note 10000012 3pm site visit", TW_SMSCMD_NOTE, "10000012",
	    "3pm site visit" },
	/* Other English keywords. */
	{ "begin 10000012", TW_SMSCMD_START, "10000012", NULL },
	{ "fixed 10000012 new bulb", TW_SMSCMD_DONE, "10000012", "new bulb" },
	{ "finished 10000012 done", TW_SMSCMD_DONE, "10000012", "done" },
	/* Arabic keywords with Arabic-Indic and Persian digits. */
	{ "بدء ١٠٠٠٠٠١٢", TW_SMSCMD_START, "10000012", NULL },
	{ "بدأ 10000012", TW_SMSCMD_START, "10000012", NULL },
	{ "ابدأ #١٠٠٠٠٠١٢", TW_SMSCMD_START, "10000012", NULL },
	{ "تم ١٠٠٠٠٠١٢ تم إصلاح الإنارة", TW_SMSCMD_DONE, "10000012",
	    "تم إصلاح الإنارة" },
	{ "انتهى 10000012 أُصلحت", TW_SMSCMD_DONE, "10000012", "أُصلحت" },
	{ "ملاحظة ۱۲۳۴۵۶۷۱ الطريق مغلق", TW_SMSCMD_NOTE, "12345671",
	    "الطريق مغلق" },
	{ "ملاحظه 12345671 الطريق مغلق", TW_SMSCMD_NOTE, "12345671",
	    "الطريق مغلق" },
	{ "مساعدة ٢٣٤٥٦٧٨٩", TW_SMSCMD_HELP, "23456789", NULL },
	{ "أحتاج مساعدة ٢٣٤٥٦٧٨٩ نحتاج رافعة", TW_SMSCMD_HELP, "23456789",
	    "نحتاج رافعة" },
	/* Tatweel and short vowels do not change a keyword. */
	{ "مـلاحـظـة 12345671 نص", TW_SMSCMD_NOTE, "12345671", "نص" },
	{ "بَدْء 10000012", TW_SMSCMD_START, "10000012", NULL },
	/* An Arabic comma after the number. */
	{ "تم 10000012، أُنجز", TW_SMSCMD_DONE, "10000012", "أُنجز" },
	/* A no-break space and a right-to-left mark around the number. */
	{ "start\xc2\xa0\xe2\x80\x8f"
	  "10000012",
	    TW_SMSCMD_START, "10000012", NULL },
	/* Emoji stay in the note. */
	{ "done 10000012 fixed \xf0\x9f\x91\x8d", TW_SMSCMD_DONE, "10000012",
	    "fixed \xf0\x9f\x91\x8d" },
};

struct bad_case {
	const char *text;
	enum tw_err err;
	enum tw_smscmd_problem problem; /* for TW_ERR_INPUT */
};

static const struct bad_case bad[] = {
	{ "", TW_ERR_INPUT, TW_SMSCMD_EMPTY },
	{ "   ", TW_ERR_INPUT, TW_SMSCMD_EMPTY },
	{ "\n\t ", TW_ERR_INPUT, TW_SMSCMD_EMPTY },
	{ ",.:;", TW_ERR_INPUT, TW_SMSCMD_EMPTY },
	{ "hello 10000012", TW_ERR_INPUT, TW_SMSCMD_UNKNOWN },
	{ "stat 10000012", TW_ERR_INPUT, TW_SMSCMD_UNKNOWN },
	{ "starts 10000012", TW_ERR_INPUT, TW_SMSCMD_UNKNOWN },
	{ "need 10000012", TW_ERR_INPUT, TW_SMSCMD_UNKNOWN },
	{ "the street light is out", TW_ERR_INPUT, TW_SMSCMD_UNKNOWN },
	{ "10000012", TW_ERR_INPUT, TW_SMSCMD_UNKNOWN },
	{ "10000012 please", TW_ERR_INPUT, TW_SMSCMD_UNKNOWN },
	{ "مرحبا 10000012", TW_ERR_INPUT, TW_SMSCMD_UNKNOWN },
	{ "\xf0\x9f\x91\x8d 10000012", TW_ERR_INPUT, TW_SMSCMD_UNKNOWN },
	{ "start", TW_ERR_INPUT, TW_SMSCMD_NO_NUMBER },
	{ "start   ", TW_ERR_INPUT, TW_SMSCMD_NO_NUMBER },
	{ "done light replaced", TW_ERR_INPUT, TW_SMSCMD_NO_NUMBER },
	{ "بدء", TW_ERR_INPUT, TW_SMSCMD_NO_NUMBER },
	{ "need help", TW_ERR_INPUT, TW_SMSCMD_NO_NUMBER },
	{ "start #", TW_ERR_INPUT, TW_SMSCMD_BAD_NUMBER },
	{ "start #abc", TW_ERR_INPUT, TW_SMSCMD_BAD_NUMBER },
	{ "start 1234567", TW_ERR_INPUT, TW_SMSCMD_BAD_NUMBER },
	{ "start 123456789", TW_ERR_INPUT, TW_SMSCMD_BAD_NUMBER },
	{ "start 100000 1", TW_ERR_INPUT, TW_SMSCMD_BAD_NUMBER },
	{ "start 1000  0012", TW_ERR_INPUT, TW_SMSCMD_BAD_NUMBER },
	{ "start 0000000", TW_ERR_INPUT, TW_SMSCMD_BAD_NUMBER },
	{ "start 01234567", TW_ERR_INPUT, TW_SMSCMD_BAD_NUMBER },
	{ "start 12a45671", TW_ERR_INPUT, TW_SMSCMD_BAD_NUMBER },
	{ "بدء ١٢٣", TW_ERR_INPUT, TW_SMSCMD_BAD_NUMBER },
	{ "start 10000013", TW_ERR_CHECKSUM, TW_SMSCMD_NONE },
	{ "done 12345670 fixed", TW_ERR_CHECKSUM, TW_SMSCMD_NONE },
	{ "done 01000012 fixed", TW_ERR_INPUT, TW_SMSCMD_BAD_NUMBER },
	{ "تم ١٠٠٠٠٠١٣ أُصلح", TW_ERR_CHECKSUM, TW_SMSCMD_NONE },
	{ "done 10000012", TW_ERR_INPUT, TW_SMSCMD_NO_NOTE },
	{ "done 10000012   ", TW_ERR_INPUT, TW_SMSCMD_NO_NOTE },
	{ "done 10000012 :", TW_ERR_INPUT, TW_SMSCMD_NO_NOTE },
	{ "note #10000012", TW_ERR_INPUT, TW_SMSCMD_NO_NOTE },
	{ "تم 10000012", TW_ERR_INPUT, TW_SMSCMD_NO_NOTE },
	{ "ملاحظة ١٠٠٠٠٠١٢", TW_ERR_INPUT, TW_SMSCMD_NO_NOTE },
	/* Invalid UTF-8 and a keyword too long to be one. */
	{ "start \xff 10000012", TW_ERR_INPUT, TW_SMSCMD_EMPTY },
	{ "startstartstartstartstartstartstartstartstartstartstart 10000012",
	    TW_ERR_INPUT, TW_SMSCMD_UNKNOWN },
};

START_TEST(test_parse_accepts)
{
	const struct good_case *c = &good[_i];
	struct tw_smscmd cmd;
	enum tw_err err;

	err = tw_smscmd_parse(c->text, &cmd);
	ck_assert_msg(err == TW_OK, "\"%s\": %s (problem %d)", c->text,
	    tw_strerror(err), cmd.problem);
	ck_assert_msg(cmd.kind == c->kind, "\"%s\": kind %d, expected %d",
	    c->text, cmd.kind, c->kind);
	ck_assert_str_eq(cmd.number, c->number);
	if (c->note == NULL)
		ck_assert_msg(cmd.note == NULL, "\"%s\": note \"%s\"", c->text,
		    cmd.note);
	else {
		ck_assert_msg(cmd.note != NULL, "\"%s\": no note", c->text);
		ck_assert_str_eq(cmd.note, c->note);
	}
	tw_smscmd_free(&cmd);
}
END_TEST

START_TEST(test_parse_rejects)
{
	const struct bad_case c = bad[_i];
	struct tw_smscmd cmd;
	enum tw_err err;

	err = tw_smscmd_parse(c.text, &cmd);
	ck_assert_msg(err == c.err, "\"%s\": %s, expected %s", c.text,
	    tw_strerror(err), tw_strerror(c.err));
	if (c.err == TW_ERR_INPUT)
		ck_assert_msg(cmd.problem == c.problem,
		    "\"%s\": problem %d, expected %d", c.text, cmd.problem,
		    c.problem);
	tw_smscmd_free(&cmd);
}
END_TEST

START_TEST(test_parse_null_text)
{
	struct tw_smscmd cmd;

	ck_assert_int_eq(tw_smscmd_parse(NULL, &cmd), TW_ERR_INPUT);
	ck_assert_int_eq(cmd.problem, TW_SMSCMD_EMPTY);
	tw_smscmd_free(&cmd);
}
END_TEST

START_TEST(test_checksum_keeps_digits)
{
	struct tw_smscmd cmd;

	ck_assert_int_eq(tw_smscmd_parse("start ١٠٠٠٠٠١٣", &cmd),
	    TW_ERR_CHECKSUM);
	ck_assert_str_eq(cmd.number, "10000013");
	tw_smscmd_free(&cmd);
}
END_TEST

START_TEST(test_free_accepts_null)
{
	struct tw_smscmd cmd;

	tw_smscmd_free(NULL);
	memset(&cmd, 0, sizeof cmd);
	tw_smscmd_free(&cmd);
	tw_smscmd_free(&cmd);
}
END_TEST

START_TEST(test_kind_names)
{
	ck_assert_str_eq(tw_smscmd_name(TW_SMSCMD_START), "start");
	ck_assert_str_eq(tw_smscmd_name(TW_SMSCMD_DONE), "done");
	ck_assert_str_eq(tw_smscmd_name(TW_SMSCMD_NOTE), "note");
	ck_assert_str_eq(tw_smscmd_name(TW_SMSCMD_HELP), "help");
}
END_TEST

static Suite *
smscmd_suite(void)
{
	Suite *s = suite_create("smscmd");
	TCase *tc = tcase_create("parse");

	tcase_add_loop_test(tc, test_parse_accepts, 0, NCASES(good));
	tcase_add_loop_test(tc, test_parse_rejects, 0, NCASES(bad));
	tcase_add_test(tc, test_parse_null_text);
	tcase_add_test(tc, test_checksum_keeps_digits);
	tcase_add_test(tc, test_free_accepts_null);
	tcase_add_test(tc, test_kind_names);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(smscmd_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
