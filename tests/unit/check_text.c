/*
 * check_text.c: unit tests of lib/text.c, the UTF-8 and digit rules that
 * every typed input passes through.
 *
 * The UTF-8 cases cover the first and last code point of each sequence
 * length and the usual malformations: overlong forms, surrogates, values
 * above U+10FFFF, truncated sequences and stray continuation bytes.
 */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "tawasul.h"

/* A string literal and its length in bytes, embedded NULs included. */
#define BYTES(s) s, sizeof(s) - 1

struct utf8_case {
	const char *text;
	size_t len;
};

static const struct utf8_case utf8_good[] = {
	{ BYTES("") }, /* empty */
	{ BYTES("hello") }, /* ASCII */
	{ BYTES("مرحبا") }, /* Arabic, two bytes each */
	{ BYTES("\xc2\x80") }, /* U+0080, first two-byte */
	{ BYTES("\xdf\xbf") }, /* U+07FF, last two-byte */
	{ BYTES("\xe0\xa0\x80") }, /* U+0800, first three-byte */
	{ BYTES("\xed\x9f\xbf") }, /* U+D7FF, below surrogates */
	{ BYTES("\xee\x80\x80") }, /* U+E000, above surrogates */
	{ BYTES("\xef\xbf\xbf") }, /* U+FFFF */
	{ BYTES("\xf0\x90\x80\x80") }, /* U+10000, first four-byte */
	{ BYTES("\xf4\x8f\xbf\xbf") }, /* U+10FFFF, the last code point */
	{ BYTES("\xf0\x9f\x98\x80") }, /* U+1F600, an emoji */
	{ "abc\xff", 3 }, /* only len bytes are checked */
};

static const struct utf8_case utf8_bad[] = {
	{ BYTES("\x80") }, /* lone continuation byte */
	{ BYTES("\xbf") }, { BYTES("a\x80z") },
	{ BYTES("\xc0\xaf") }, /* overlong '/' */
	{ BYTES("\xc1\xbf") }, /* overlong U+007F */
	{ BYTES("\xe0\x80\xaf") }, /* overlong '/' in three bytes */
	{ BYTES("\xe0\x9f\xbf") }, /* overlong U+07FF */
	{ BYTES("\xf0\x80\x80\xaf") }, /* overlong '/' in four bytes */
	{ BYTES("\xf0\x8f\xbf\xbf") }, /* overlong U+FFFF */
	{ BYTES("\xed\xa0\x80") }, /* U+D800, a surrogate */
	{ BYTES("\xed\xbf\xbf") }, /* U+DFFF, a surrogate */
	{ BYTES("\xf4\x90\x80\x80") }, /* U+110000 */
	{ BYTES("\xf5\x80\x80\x80") }, /* lead byte above U+10FFFF */
	{ BYTES("\xf8\x88\x80\x80\x80") }, /* five-byte form */
	{ BYTES("\xfe") }, { BYTES("\xff") },
	{ BYTES("\xc3") }, /* truncated two-byte */
	{ BYTES("\xe2\x82") }, /* truncated three-byte */
	{ BYTES("\xf0\x9f\x98") }, /* truncated four-byte */
	{ BYTES("abc\xd9") }, /* truncated at the end */
	{ "\xc3\xa9", 1 }, /* truncated by len */
	{ BYTES("\xc3\x28") }, /* bad second byte */
	{ BYTES("\xe2\x28\xa1") }, { BYTES("\xf0\x28\x8c\xbc") },
	{ BYTES("a\0b") }, /* NUL inside the text */
	{ BYTES("caf\xe9") }, /* Latin-1, not UTF-8 */
};

#define NCASES(a) (sizeof(a) / sizeof((a)[0]))

START_TEST(test_utf8_accepts_valid)
{
	const struct utf8_case *c = &utf8_good[_i];

	ck_assert_msg(tw_utf8_valid(c->text, c->len) == 1,
	    "case %d: expected valid", _i);
}
END_TEST

START_TEST(test_utf8_rejects_malformed)
{
	const struct utf8_case *c = &utf8_bad[_i];

	ck_assert_msg(tw_utf8_valid(c->text, c->len) == 0,
	    "case %d: expected invalid", _i);
}
END_TEST

struct chars_case {
	const char *text;
	size_t chars;
};

static const struct chars_case chars_cases[] = {
	{ "", 0 }, { "abc", 3 }, { "مرحبا", 5 }, /* 10 bytes */
	{ "é", 1 }, /* U+00E9, 2 bytes */
	{ "€", 1 }, /* U+20AC, 3 bytes */
	{ "😀", 1 }, /* U+1F600, 4 bytes */
	{ "a😀b", 3 }, { "Muscat مسقط", 11 },
	{ "e\xcc\x81", 2 }, /* 'e' and a combining acute accent */
};

START_TEST(test_utf8_chars_counts)
{
	const struct chars_case *c = &chars_cases[_i];

	ck_assert_uint_eq(tw_utf8_chars(c->text), c->chars);
}
END_TEST

struct convert_case {
	const char *in;
	const char *out;
};

static const struct convert_case digits_converted[] = {
	{ "٠١٢٣٤٥٦٧٨٩", "0123456789" }, /* U+0660-0669 */
	{ "۰۱۲۳۴۵۶۷۸۹", "0123456789" }, /* U+06F0-06F9 */
	{ "٩٩ 12 ۳", "99 12 3" },
	{ "0123456789", "0123456789" },
	{ "", "" },
};

/* Characters next to the digit ranges, and other scripts' digits. */
static const char *const digits_kept[] = {
	"مرحبا",
	"\xd9\xab", /* U+066B Arabic decimal separator */
	"\xd9\xaa", /* U+066A Arabic percent sign */
	"\xd9\x9f", /* U+065F, just below U+0660 */
	"\xdb\xaf", /* U+06EF, just below U+06F0 */
	"\xdb\xba", /* U+06FA, just above U+06F9 */
	"\xe0\xa5\xa6", /* U+0966 Devanagari zero */
	"\xef\xbc\x91", /* U+FF11 fullwidth one */
	"12\xd9", /* a lead byte at the end */
	"\xdb",
};

START_TEST(test_digits_converts_arabic)
{
	const struct convert_case *c = &digits_converted[_i];
	char *out = tw_digits_ascii(c->in);

	ck_assert_ptr_nonnull(out);
	ck_assert_str_eq(out, c->out);
	free(out);
}
END_TEST

START_TEST(test_digits_keeps_others)
{
	char *out = tw_digits_ascii(digits_kept[_i]);

	ck_assert_ptr_nonnull(out);
	ck_assert_str_eq(out, digits_kept[_i]);
	free(out);
}
END_TEST

struct clean_case {
	const char *in;
	int multiline;
	const char *out;
};

static const struct clean_case clean_good[] = {
	{ "hello", 0, "hello" },
	{ "  hello  ", 0, "hello" },
	{ "a\r\nb", 1, "a\nb" },
	{ "a\n\nb", 1, "a\n\nb" },
	{ "\n\n a \n\n", 1, "a" },
	{ " مرحبا 😀 ", 0, "مرحبا 😀" },
	{ "a\xc2\xa0"
	  "b",
	    0,
	    "a\xc2\xa0"
	    "b" }, /* U+00A0 is not a control */
	{ "\xc2\xa9 2024", 0, "\xc2\xa9 2024" }, /* U+00A9 */
	{ "", 0, "" },
};

static const struct clean_case clean_bad[] = {
	{ "a\nb", 0, "a b" }, { "a\r\nb", 0, "a b" }, { "a\tb", 0, "a b" },
	{ "a\tb", 1, "a b" },
	{ "a\x01"
	  "b\x1f\x7f",
	    0, "ab" },
	{ "\x1b[31mred", 0, "[31mred" },
	{ "a\x08\x0b\x0c"
	  "b",
	    1, "ab" },
	{ "  \t\r\n ", 0, "" }, { "  \t\r\n ", 1, "" }, { "\x7f\x01", 1, "" },
	{ "a\xc2\x85"
	  "b",
	    0, "ab" }, /* U+0085, a C1 control */
	{ "\xc2\x9b"
	  "31mred",
	    0, "31mred" }, /* U+009B, C1 CSI */
	{ "a\xc2\x80\xc2\x9f", 1, "a" }, /* U+0080 and U+009F */
};

START_TEST(test_clean_keeps_text)
{
	const struct clean_case *c = &clean_good[_i];
	char *out = tw_text_clean(c->in, c->multiline);

	ck_assert_ptr_nonnull(out);
	ck_assert_str_eq(out, c->out);
	free(out);
}
END_TEST

START_TEST(test_clean_removes_controls)
{
	const struct clean_case *c = &clean_bad[_i];
	char *out = tw_text_clean(c->in, c->multiline);

	ck_assert_ptr_nonnull(out);
	ck_assert_str_eq(out, c->out);
	free(out);
}
END_TEST

struct replace_case {
	const char *text;
	const char *from;
	const char *to;
	const char *out;
};

static const struct replace_case replace_cases[] = {
	{ "Use at most {n} characters.", "{n}", "10",
	    "Use at most 10 characters." },
	{ "{n}-{n}", "{n}", "5", "5-5" }, { "{n}", "{n}", "", "" },
	{ "اكتب {n} أحرف على الأقل", "{n}", "3", "اكتب 3 أحرف على الأقل" },
	{ "no marker", "{n}", "7", "no marker" }, { "", "{n}", "7", "" },
	{ "abc", "", "x", "abc" }, /* an empty pattern changes nothing */
	{ "aaa", "a", "aa", "aaaaaa" }, /* the result contains the pattern */
	{ "aaa", "aa", "b", "ba" }, /* matches do not overlap */
	{ "{n", "{n}", "7", "{n" }, /* a partial match at the end */
};

START_TEST(test_replace_substitutes)
{
	const struct replace_case *c = &replace_cases[_i];
	char *out = tw_str_replace(c->text, c->from, c->to);

	ck_assert_ptr_nonnull(out);
	ck_assert_str_eq(out, c->out);
	free(out);
}
END_TEST

/* CSV cells: always quoted, and text that a spreadsheet would run as
 * a formula, at the start or after a ';' or ',', gets an apostrophe. */
static const struct {
	const char *value, *cell;
} csv_cases[] = {
	{ "", "\"\"" },
	{ "plain", "\"plain\"" },
	{ "say \"hi\", ok", "\"say \"\"hi\"\", ok\"" },
	{ "=1+1", "\"'=1+1\"" },
	{ "+968", "\"'+968\"" },
	{ "-2", "\"'-2\"" },
	{ "@SUM(A1)", "\"'@SUM(A1)\"" },
	{ "\tx", "\"'\tx\"" },
	{ "\rx", "\"'\rx\"" },
	{ "x;=1+1;y", "\"'x;=1+1;y\"" },
	{ "x, =HYPERLINK(1)", "\"'x, =HYPERLINK(1)\"" },
	{ "a;b,c", "\"a;b,c\"" },
	{ "1+1=2", "\"1+1=2\"" },
	{ "a;", "\"a;\"" },
	{ "line\nbreak", "\"line\nbreak\"" },
	{ "line\n=1+1", "\"'line\n=1+1\"" },
	{ "a\t=1+1", "\"'a\t=1+1\"" },
	{ "\n=1+1", "\"'\n=1+1\"" },
	{ "\xef\xbc\x9d"
	  "1+1",
	    "\"'\xef\xbc\x9d"
	    "1+1\"" },
	{ "\xc2\xa0=1+1", "\"'\xc2\xa0=1+1\"" },
	{ "x\xef\xbc\x9b=1", "\"'x\xef\xbc\x9b=1\"" },
	{ "\xe3\x80\x80@x", "\"'\xe3\x80\x80@x\"" },
	{ "\xd8\xb4\xd8\xa7\xd8\xb1\xd8\xb9",
	    "\"\xd8\xb4\xd8\xa7\xd8\xb1\xd8\xb9\"" },
};

START_TEST(test_csv_cell_quotes_and_defuses)
{
	STRING out;

	string_init(&out);
	tw_csv_cell(&out, csv_cases[_i].value);
	ck_assert_str_eq(out.buf ? out.buf : "", csv_cases[_i].cell);
	string_clear(&out);
}
END_TEST

static Suite *
text_suite(void)
{
	Suite *s = suite_create("text");
	TCase *tc;

	tc = tcase_create("utf8");
	tcase_add_loop_test(tc, test_utf8_accepts_valid, 0, NCASES(utf8_good));
	tcase_add_loop_test(tc, test_utf8_rejects_malformed, 0,
	    NCASES(utf8_bad));
	tcase_add_loop_test(tc, test_utf8_chars_counts, 0, NCASES(chars_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("digits");
	tcase_add_loop_test(tc, test_digits_converts_arabic, 0,
	    NCASES(digits_converted));
	tcase_add_loop_test(tc, test_digits_keeps_others, 0,
	    NCASES(digits_kept));
	suite_add_tcase(s, tc);

	tc = tcase_create("clean");
	tcase_add_loop_test(tc, test_clean_keeps_text, 0, NCASES(clean_good));
	tcase_add_loop_test(tc, test_clean_removes_controls, 0,
	    NCASES(clean_bad));
	suite_add_tcase(s, tc);

	tc = tcase_create("csv");
	tcase_add_loop_test(tc, test_csv_cell_quotes_and_defuses, 0,
	    NCASES(csv_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("replace");
	tcase_add_loop_test(tc, test_replace_substitutes, 0,
	    NCASES(replace_cases));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(text_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
