/*
 * check_validate.c: unit tests of lib/validate.c, the input rules for
 * mobile numbers, email addresses, decimal numbers and coordinates.
 *
 * Omani mobile numbers are +968 followed by eight digits starting with 9
 * or 7, and landlines start with 2. The email limits come from RFC 5321
 * section 4.5.3.1: a local part of at most 64 bytes and a path of at most
 * 256 bytes including its angle brackets, so 254 bytes of address.
 */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "tawasul.h"

#define NCASES(a) (sizeof(a) / sizeof((a)[0]))

struct mobile_case {
	const char *in;
	const char *e164;
};

static const struct mobile_case mobile_good[] = {
	{ "91234567", "+96891234567" }, { "71234567", "+96871234567" },
	{ "+96891234567", "+96891234567" }, { "0096891234567", "+96891234567" },
	{ "96891234567", "+96891234567" }, { "+968 9123 4567", "+96891234567" },
	{ "+968-9123-4567", "+96891234567" },
	{ "(+968) 91.23.45.67", "+96891234567" },
	{ "00968 7123 4567", "+96871234567" },
	{ " 9123 4567 ", "+96891234567" }, { "٩١٢٣٤٥٦٧", "+96891234567" },
	{ "۷۱۲۳۴۵۶۷", "+96871234567" }, { "+٩٦٨ ٩١٢٣ ٤٥٦٧", "+96891234567" },
	{ "9123\xc2\xa0"
	  "4567",
	    "+96891234567" }, /* no-break space */
	{ "\xe2\x80\x8e+968 99887766",
	    "+96899887766" }, /* left-to-right mark */
};

static const char *const mobile_bad[] = {
	"",
	"24123456", /* landline */
	"+96824123456", /* landline with country code */
	"968 2412 3456",
	"81234567", /* neither 9 nor 7 */
	"01234567",
	"9123456", /* seven digits */
	"912345678", /* nine digits */
	"+968912345",
	"+9689123456789",
	"+971 50 123 4567", /* United Arab Emirates */
	"+44 7911 123456", /* United Kingdom */
	"+91234567", /* '+' before a national number */
	"+0096891234567",
	"0968 91234567",
	"091234567",
	"++96891234567",
	"+968+91234567",
	"91234567+",
	"9123456a",
	"9l234567", /* lower-case L for 1 */
	"abcdefgh",
	"9123_4567",
	"9123 4567 ext 1",
	"٩١٢٣٤٥٦", /* seven Arabic-Indic digits */
	"9123456\xef\xbc\x97", /* fullwidth seven */
	"+968",
	"99999999999999999999999999999999999999",
};

START_TEST(test_mobile_accepts_forms)
{
	const struct mobile_case *c = &mobile_good[_i];
	char out[16];

	ck_assert_msg(tw_mobile_normalise(c->in, out) == TW_OK,
	    "rejected \"%s\"", c->in);
	ck_assert_str_eq(out, c->e164);
}
END_TEST

START_TEST(test_mobile_rejects_invalid)
{
	char out[16];

	ck_assert_msg(tw_mobile_normalise(mobile_bad[_i], out) == TW_ERR_INPUT,
	    "accepted \"%s\"", mobile_bad[_i]);
}
END_TEST

static const char *const email_good[] = {
	"user@example.com",
	"first.last+tag@mail.example.om",
	"a@b.co",
	"USER@EXAMPLE.COM",
	"x_y-z@sub-domain.example.org",
	"o'brien@example.ie",
	"1111@mm.gov.om",
};

static const char *const email_bad[] = {
	"",
	"plainaddress",
	"@example.com",
	"user@",
	"user@localhost", /* a single label */
	"user@@example.com",
	"a@b@example.com",
	"user name@example.com",
	"user@exa mple.com",
	"user@-example.com",
	"user@example-.com",
	"user@example..com",
	"user@.example.com",
	"user@example.com.",
	"user@exam_ple.com",
	"\"quoted\"@example.com",
	"user(comment)@example.com",
	"<user@example.com>",
	"user;x@example.com",
	"user\t@example.com",
	"مستخدم@example.com",
	"user@مثال.com",
};

START_TEST(test_email_accepts_valid)
{
	ck_assert_msg(tw_email_check(email_good[_i]) == TW_OK,
	    "rejected \"%s\"", email_good[_i]);
}
END_TEST

START_TEST(test_email_rejects_invalid)
{
	ck_assert_msg(tw_email_check(email_bad[_i]) == TW_ERR_INPUT,
	    "accepted \"%s\"", email_bad[_i]);
}
END_TEST

/*
 * Builds local@label.label.label with the given lengths of local part and
 * last label; the first two labels have 63 bytes, the maximum of DNS.
 */
static void
make_email(char *out, size_t local, size_t last)
{
	char *p = out;

	memset(p, 'a', local);
	p += local;
	*p++ = '@';
	memset(p, 'b', 63);
	p += 63;
	*p++ = '.';
	memset(p, 'c', 63);
	p += 63;
	*p++ = '.';
	memset(p, 'd', last);
	p += last;
	*p = '\0';
}

START_TEST(test_email_length_limits)
{
	char email[512];

	make_email(email, 64, 61);
	ck_assert_uint_eq(strlen(email), 254);
	ck_assert_int_eq(tw_email_check(email), TW_OK);

	make_email(email, 64, 62);
	ck_assert_uint_eq(strlen(email), 255);
	ck_assert_int_eq(tw_email_check(email), TW_ERR_INPUT);

	make_email(email, 65, 3);
	ck_assert_int_eq(tw_email_check(email), TW_ERR_INPUT);

	/* A label of 64 bytes is one more than DNS allows. */
	ck_assert_int_eq(tw_email_check("user@"
	                                "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	                                "bbbbbbbbbbbbbbbbbbbbbbbbbb"
	                                ".om"),
	    TW_ERR_INPUT);
}
END_TEST

struct decimal_case {
	const char *in;
	double value;
};

static const struct decimal_case decimal_good[] = {
	{ "23.588", 23.588 }, { "-1.5", -1.5 }, { "0", 0.0 }, { "58", 58.0 },
	{ "-0.25", -0.25 }, { "000123.5", 123.5 },
	{ "23\xd9\xab"
	  "588",
	    23.588 }, /* U+066B Arabic decimal separator */
};

static const char *const decimal_bad[] = {
	"",
	"-",
	".",
	"1.",
	"1.2.3",
	"1\xd9\xab"
	"2.3",
	"\xd9\xab",
	"1,5",
	"1e5",
	" 1.5",
	"1.5 ",
	"+1.5",
	"--1",
	"1-2",
	"abc",
	"nan",
	"inf",
	"0x10",
};

START_TEST(test_decimal_parses_valid)
{
	const struct decimal_case *c = &decimal_good[_i];
	double value = -999;

	ck_assert_msg(tw_decimal_parse(c->in, &value) == TW_OK,
	    "rejected \"%s\"", c->in);
	ck_assert_double_eq_tol(value, c->value, 1e-9);
}
END_TEST

START_TEST(test_decimal_rejects_invalid)
{
	double value;

	ck_assert_msg(tw_decimal_parse(decimal_bad[_i], &value) == TW_ERR_INPUT,
	    "accepted \"%s\"", decimal_bad[_i]);
}
END_TEST

/* Muscat governorate and a margin around it. */
static const struct tw_area area = {
	.lat_min = 22.4,
	.lat_max = 23.9,
	.lon_min = 57.7,
	.lon_max = 59.4,
};

struct coords_case {
	const char *lat;
	const char *lon;
	enum tw_coords result;
};

static const struct coords_case coords_cases[] = {
	{ "23.588", "58.3829", TW_COORDS_OK }, /* Muscat */
	{ "22.95", "57.75", TW_COORDS_OK },
	{ "", "", TW_COORDS_NONE },
	{ NULL, NULL, TW_COORDS_NONE },
	{ "", NULL, TW_COORDS_NONE },
	{ "23.5", "", TW_COORDS_HALF },
	{ "", "58.4", TW_COORDS_HALF },
	{ NULL, "58.4", TW_COORDS_HALF },
	{ "23.5", NULL, TW_COORDS_HALF },
	{ "58.3829", "23.588", TW_COORDS_SWAPPED },
	{ "51.5074", "-0.1278", TW_COORDS_OUTSIDE }, /* London */
	{ "17.0151", "54.0924", TW_COORDS_OUTSIDE }, /* Salalah */
	{ "0", "0", TW_COORDS_OUTSIDE },
	{ "90", "180", TW_COORDS_OUTSIDE }, /* the limits are on Earth */
	{ "-90", "-180", TW_COORDS_OUTSIDE },
	{ "abc", "58.4", TW_COORDS_INVALID },
	{ "23.5", "x", TW_COORDS_INVALID },
	{ "91", "58.4", TW_COORDS_INVALID },
	{ "-90.5", "58.4", TW_COORDS_INVALID },
	{ "23.5", "181", TW_COORDS_INVALID },
	{ "23.5", "-180.1", TW_COORDS_INVALID },
	{ "23,5", "58,4", TW_COORDS_INVALID },
	{ "1e1", "58.4", TW_COORDS_INVALID },
	{ "200", "300", TW_COORDS_INVALID },
};

START_TEST(test_coords_classifies)
{
	const struct coords_case *c = &coords_cases[_i];
	double lat, lon;

	ck_assert_msg(tw_coords_check(c->lat, c->lon, &area, &lat, &lon) ==
	        c->result,
	    "case %d: (%s, %s)", _i, c->lat ? c->lat : "NULL",
	    c->lon ? c->lon : "NULL");
}
END_TEST

START_TEST(test_coords_stores_values)
{
	double lat = 0, lon = 0;

	ck_assert_int_eq(tw_coords_check("23.588", "58.3829", &area, &lat,
	                     &lon),
	    TW_COORDS_OK);
	ck_assert_double_eq_tol(lat, 23.588, 1e-9);
	ck_assert_double_eq_tol(lon, 58.3829, 1e-9);
}
END_TEST

START_TEST(test_coords_arabic_separator)
{
	double lat = 0, lon = 0;

	ck_assert_int_eq(tw_coords_check("23\xd9\xab"
	                                 "588",
	                     "58\xd9\xab"
	                     "3829",
	                     &area, &lat, &lon),
	    TW_COORDS_OK);
	ck_assert_double_eq_tol(lat, 23.588, 1e-9);
	ck_assert_double_eq_tol(lon, 58.3829, 1e-9);
}
END_TEST

static Suite *
validate_suite(void)
{
	Suite *s = suite_create("validate");
	TCase *tc;

	tc = tcase_create("mobile");
	tcase_add_loop_test(tc, test_mobile_accepts_forms, 0,
	    NCASES(mobile_good));
	tcase_add_loop_test(tc, test_mobile_rejects_invalid, 0,
	    NCASES(mobile_bad));
	suite_add_tcase(s, tc);

	tc = tcase_create("email");
	tcase_add_loop_test(tc, test_email_accepts_valid, 0,
	    NCASES(email_good));
	tcase_add_loop_test(tc, test_email_rejects_invalid, 0,
	    NCASES(email_bad));
	tcase_add_test(tc, test_email_length_limits);
	suite_add_tcase(s, tc);

	tc = tcase_create("decimal");
	tcase_add_loop_test(tc, test_decimal_parses_valid, 0,
	    NCASES(decimal_good));
	tcase_add_loop_test(tc, test_decimal_rejects_invalid, 0,
	    NCASES(decimal_bad));
	suite_add_tcase(s, tc);

	tc = tcase_create("coords");
	tcase_add_loop_test(tc, test_coords_classifies, 0,
	    NCASES(coords_cases));
	tcase_add_test(tc, test_coords_stores_values);
	tcase_add_test(tc, test_coords_arabic_separator);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(validate_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
