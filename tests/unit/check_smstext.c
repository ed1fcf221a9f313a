/*
 * check_smstext.c: unit tests of lib/smstext.c, the coding, length and
 * segment count of an SMS and its shortening.
 *
 * The tables follow the GSM 7-bit default alphabet and its extension
 * table in 3GPP TS 23.038, as listed by Perl's Encode::GSM0338 2.10. The
 * expected counts come from the rules, not from running the module: one
 * message contains 160 septets or 70 UTF-16 units, each part of a longer
 * one 153 or 67, and an escape or a surrogate pair that would straddle a
 * part boundary moves whole to the next part.
 */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "tawasul.h"

#define NCASES(a) (sizeof(a) / sizeof((a)[0]))

#define ARABIC_BA "\xd8\xa8" /* U+0628, one UTF-16 unit */
#define EMOJI     "\xf0\x9f\x98\x80" /* U+1F600, a surrogate pair */
#define ELLIPSIS  "\xe2\x80\xa6" /* U+2026, not in GSM 03.38 */

/* A string repeated n times. A test text is up to four of them in a row. */
struct part {
	const char *s;
	size_t n;
};

#define MAX_PARTS 4

/* Returns the concatenation of the parts, which the caller frees. */
static char *
build(const struct part *parts)
{
	size_t len = 0;
	char *text, *p;

	for (int i = 0; i < MAX_PARTS && parts[i].s != NULL; i++)
		len += strlen(parts[i].s) * parts[i].n;
	text = malloc(len + 1);
	ck_assert_ptr_nonnull(text);
	p = text;
	for (int i = 0; i < MAX_PARTS && parts[i].s != NULL; i++)
		for (size_t k = 0; k < parts[i].n; k++)
			p = stpcpy(p, parts[i].s);
	*p = '\0';
	return text;
}

struct measure_case {
	struct part text[MAX_PARTS];
	enum tw_sms_coding coding;
	size_t units;
	size_t segments;
};

static const struct measure_case measure_cases[] = {
	/* GSM: 160 in one message, then 153 a part. */
	{ { { "a", 160 } }, TW_SMS_GSM7, 160, 1 },
	{ { { "a", 161 } }, TW_SMS_GSM7, 161, 2 },
	{ { { "a", 306 } }, TW_SMS_GSM7, 306, 2 },
	{ { { "a", 307 } }, TW_SMS_GSM7, 307, 3 },
	/* Extension characters take two septets. */
	{ { { "{", 80 } }, TW_SMS_GSM7, 160, 1 },
	{ { { "{", 81 } }, TW_SMS_GSM7, 162, 2 },
	{ { { "a", 159 }, { "\xe2\x82\xac", 1 } }, TW_SMS_GSM7, 161, 2 },
	/* 152 + 2 does not fit 153: the escape pair opens part 2, which
	 * then takes 151 of the last 152, so a third part is needed. */
	{ { { "a", 152 }, { "{", 1 }, { "a", 152 } }, TW_SMS_GSM7, 306, 3 },
	/* 151 + 2 fills part 1 exactly. */
	{ { { "a", 151 }, { "{", 1 }, { "a", 153 } }, TW_SMS_GSM7, 306, 2 },
	/* UCS-2: 70 in one message, then 67 a part. */
	{ { { ARABIC_BA, 70 } }, TW_SMS_UCS2, 70, 1 },
	{ { { ARABIC_BA, 71 } }, TW_SMS_UCS2, 71, 2 },
	{ { { ARABIC_BA, 134 } }, TW_SMS_UCS2, 134, 2 },
	{ { { ARABIC_BA, 135 } }, TW_SMS_UCS2, 135, 3 },
	/* An emoji above U+FFFF is a surrogate pair of two units. */
	{ { { EMOJI, 35 } }, TW_SMS_UCS2, 70, 1 },
	{ { { EMOJI, 36 } }, TW_SMS_UCS2, 72, 2 },
	{ { { ARABIC_BA, 68 }, { EMOJI, 1 } }, TW_SMS_UCS2, 70, 1 },
	{ { { ARABIC_BA, 69 }, { EMOJI, 1 } }, TW_SMS_UCS2, 71, 2 },
	/* 66 + 2 does not fit 67: the pair opens part 2, which then takes
	 * 65 of the last 66, so a third part is needed. */
	{ { { ARABIC_BA, 66 }, { EMOJI, 1 }, { ARABIC_BA, 66 } }, TW_SMS_UCS2,
	    134, 3 },
	/* 65 + 2 fills part 1 exactly. */
	{ { { ARABIC_BA, 65 }, { EMOJI, 1 }, { ARABIC_BA, 67 } }, TW_SMS_UCS2,
	    134, 2 },
	/* Mixed Arabic, digits and Latin letters. */
	{ { { "\xd9\x85\xd8\xb3\xd9\x82\xd8\xb7 123 Muscat", 1 } }, TW_SMS_UCS2,
	    15, 1 },
	/* One character outside the tables makes the whole text UCS-2. */
	{ { { "a", 159 }, { "\xc3\xa7", 1 } }, TW_SMS_UCS2, 160, 3 },
	{ { { "fa\xc3\xa7"
	      "ade",
	      1 } },
	    TW_SMS_UCS2, 6, 1 },
	{ { { "a`b", 1 } }, TW_SMS_UCS2, 3, 1 },
	{ { { "\xe2\x98\xba", 1 } }, TW_SMS_UCS2, 1, 1 }, /* U+263A */
	{ { { "\xe2\x82\xac", 1 } }, TW_SMS_GSM7, 2, 1 },
	{ { { "Fee: 5\xe2\x82\xac", 1 } }, TW_SMS_GSM7, 8, 1 },
	{ { { "\xc3\x87"
	      "a",
	      1 } },
	    TW_SMS_GSM7, 2, 1 }, /* upper-case Ç */
	{ { { "a\r\nb", 1 } }, TW_SMS_GSM7, 4, 1 },
	{ { { "a\fb", 1 } }, TW_SMS_GSM7, 4, 1 },
	{ { { "$@\xc2\xa4_", 1 } }, TW_SMS_GSM7, 4, 1 },
};

START_TEST(test_measure_counts)
{
	const struct measure_case *c = &measure_cases[_i];
	char *text = build(c->text);
	struct tw_sms_info info;

	ck_assert_int_eq(tw_sms_measure(text, &info), TW_OK);
	ck_assert_int_eq(info.coding, c->coding);
	ck_assert_uint_eq(info.units, c->units);
	ck_assert_uint_eq(info.segments, c->segments);
	free(text);
}
END_TEST

/* The basic table in code order 0x00-0x7F, without the escape 0x1B. */
static const char *const basic_table[] = {
	"@",
	"\xc2\xa3",
	"$",
	"\xc2\xa5",
	"\xc3\xa8",
	"\xc3\xa9",
	"\xc3\xb9",
	"\xc3\xac",
	"\xc3\xb2",
	"\xc3\x87",
	"\n",
	"\xc3\x98",
	"\xc3\xb8",
	"\r",
	"\xc3\x85",
	"\xc3\xa5",
	"\xce\x94",
	"_",
	"\xce\xa6",
	"\xce\x93",
	"\xce\x9b",
	"\xce\xa9",
	"\xce\xa0",
	"\xce\xa8",
	"\xce\xa3",
	"\xce\x98",
	"\xce\x9e",
	"\xc3\x86",
	"\xc3\xa6",
	"\xc3\x9f",
	"\xc3\x89",
	" ",
	"!",
	"\"",
	"#",
	"\xc2\xa4",
	"%",
	"&",
	"'",
	"(",
	")",
	"*",
	"+",
	",",
	"-",
	".",
	"/",
	"0",
	"1",
	"2",
	"3",
	"4",
	"5",
	"6",
	"7",
	"8",
	"9",
	":",
	";",
	"<",
	"=",
	">",
	"?",
	"\xc2\xa1",
	"A",
	"B",
	"C",
	"D",
	"E",
	"F",
	"G",
	"H",
	"I",
	"J",
	"K",
	"L",
	"M",
	"N",
	"O",
	"P",
	"Q",
	"R",
	"S",
	"T",
	"U",
	"V",
	"W",
	"X",
	"Y",
	"Z",
	"\xc3\x84",
	"\xc3\x96",
	"\xc3\x91",
	"\xc3\x9c",
	"\xc2\xa7",
	"\xc2\xbf",
	"a",
	"b",
	"c",
	"d",
	"e",
	"f",
	"g",
	"h",
	"i",
	"j",
	"k",
	"l",
	"m",
	"n",
	"o",
	"p",
	"q",
	"r",
	"s",
	"t",
	"u",
	"v",
	"w",
	"x",
	"y",
	"z",
	"\xc3\xa4",
	"\xc3\xb6",
	"\xc3\xb1",
	"\xc3\xbc",
	"\xc3\xa0",
};

/* The extension table: form feed ^ { } \ [ ~ ] | and the euro sign. */
static const char *const extension_table[] = {
	"\f",
	"^",
	"{",
	"}",
	"\\",
	"[",
	"~",
	"]",
	"|",
	"\xe2\x82\xac",
};

struct outside_case {
	const char *text;
	size_t units;
};

/* Characters near the tables that are in neither. */
static const struct outside_case outside_tables[] = {
	{ "`", 1 }, { "\xc3\xa7", 1 }, /* ç, lower case */
	{ "\xc3\xa1", 1 }, { "\xc3\xad", 1 }, { "\xc3\xb3", 1 }, /* á í ó */
	{ "\xc3\xba", 1 }, { "\xc3\xa2", 1 }, { "\xc3\xaa", 1 }, /* ú â ê */
	{ "\xc3\xab", 1 }, { "\xc3\xb5", 1 }, { "\xc3\xa3", 1 }, /* ë õ ã */
	{ "\xc3\x80", 1 }, { "\xc3\x88", 1 }, { "\xc3\x99", 1 }, /* À È Ù */
	{ "\xc3\x8c", 1 }, { "\xc3\x92", 1 }, /* Ì Ò */
	{ "\t", 1 }, { "\x01", 1 }, { "\x7f", 1 }, { "\x1b", 1 },
	{ "\xc2\xa0", 1 }, /* no-break space */
	{ "\xc2\xa2", 1 }, { "\xc2\xa9", 1 }, { "\xc2\xb0", 1 }, /* ¢ © ° */
	{ "\xe2\x80\x99", 1 }, { "\xe2\x80\x93", 1 }, /* ’ – */
	{ ELLIPSIS, 1 }, { "\xce\xb1", 1 }, /* α, Greek small */
	{ "\xce\x92", 1 }, /* Β, Greek capital beta, shaped like B */
	{ ARABIC_BA, 1 }, { "\xd9\xa3", 1 }, /* Arabic-Indic three */
	{ EMOJI, 2 }, { "\xf4\x8f\xbf\xbf", 2 }, /* U+10FFFF */
};

START_TEST(test_basic_table_one_septet)
{
	struct tw_sms_info info;

	ck_assert_int_eq(tw_sms_measure(basic_table[_i], &info), TW_OK);
	ck_assert_int_eq(info.coding, TW_SMS_GSM7);
	ck_assert_uint_eq(info.units, 1);
	ck_assert_uint_eq(info.segments, 1);
}
END_TEST

START_TEST(test_extension_table_two_septets)
{
	struct tw_sms_info info;

	ck_assert_int_eq(tw_sms_measure(extension_table[_i], &info), TW_OK);
	ck_assert_int_eq(info.coding, TW_SMS_GSM7);
	ck_assert_uint_eq(info.units, 2);
	ck_assert_uint_eq(info.segments, 1);
}
END_TEST

START_TEST(test_outside_tables_ucs2)
{
	const struct outside_case *c = &outside_tables[_i];
	struct tw_sms_info info;

	ck_assert_int_eq(tw_sms_measure(c->text, &info), TW_OK);
	ck_assert_int_eq(info.coding, TW_SMS_UCS2);
	ck_assert_uint_eq(info.units, c->units);
	ck_assert_uint_eq(info.segments, 1);
}
END_TEST

START_TEST(test_basic_table_whole)
{
	char text[512] = "";
	struct tw_sms_info info;

	ck_assert_uint_eq(NCASES(basic_table), 127);
	for (size_t i = 0; i < NCASES(basic_table); i++)
		strcat(text, basic_table[i]);
	ck_assert_int_eq(tw_sms_measure(text, &info), TW_OK);
	ck_assert_int_eq(info.coding, TW_SMS_GSM7);
	ck_assert_uint_eq(info.units, 127);
	ck_assert_uint_eq(info.segments, 1);
}
END_TEST

/* Writes cp as UTF-8 into out, NUL-terminated. */
static void
utf8_encode(unsigned long cp, char out[5])
{
	unsigned char *o = (unsigned char *)out;

	if (cp < 0x80)
		*o++ = (unsigned char)cp;
	else if (cp < 0x800) {
		*o++ = 0xc0 | cp >> 6;
		*o++ = 0x80 | (cp & 0x3f);
	} else if (cp < 0x10000) {
		*o++ = 0xe0 | cp >> 12;
		*o++ = 0x80 | (cp >> 6 & 0x3f);
		*o++ = 0x80 | (cp & 0x3f);
	} else {
		*o++ = 0xf0 | cp >> 18;
		*o++ = 0x80 | (cp >> 12 & 0x3f);
		*o++ = 0x80 | (cp >> 6 & 0x3f);
		*o++ = 0x80 | (cp & 0x3f);
	}
	*o = '\0';
}

/* Over every code point, exactly the 127 + 10 characters above are GSM. */
START_TEST(test_tables_exhaustive)
{
	size_t basic_count = 0, extension_count = 0;
	struct tw_sms_info info;
	char text[5];

	for (unsigned long cp = 1; cp <= 0x10ffff; cp++) {
		if (cp >= 0xd800 && cp <= 0xdfff)
			continue;
		utf8_encode(cp, text);
		ck_assert_int_eq(tw_sms_measure(text, &info), TW_OK);
		if (info.coding != TW_SMS_GSM7) {
			ck_assert_uint_eq(info.units, cp > 0xffff ? 2 : 1);
			continue;
		}
		ck_assert_msg(info.units == 1 || info.units == 2,
		    "U+%04lX: %zu septets", cp, info.units);
		if (info.units == 1)
			basic_count++;
		else
			extension_count++;
	}
	ck_assert_uint_eq(basic_count, NCASES(basic_table));
	ck_assert_uint_eq(extension_count, NCASES(extension_table));
}
END_TEST

/* NULL, empty or invalid UTF-8: rejected by measure and shorten alike. */
static const char *const rejected[] = {
	NULL, "", "\x80", /* lone continuation byte */
	"\xc0\xaf", /* overlong '/' */
	"\xe0\x80\xaf", /* overlong '/' in three bytes */
	"\xed\xa0\x80", /* U+D800, a surrogate */
	"\xed\xa0\xbd\xed\xb8\x80", /* U+1F600 as CESU-8 surrogates */
	"\xf4\x90\x80\x80", /* U+110000 */
	"\xf8\x88\x80\x80\x80", /* five-byte form */
	"\xff", "\xc3", /* truncated two-byte */
	"\xe2\x82", /* truncated euro sign */
	"\xf0\x9f\x98", /* truncated emoji */
	"caf\xe9", /* Latin-1, not UTF-8 */
	"abc\xd9", /* truncated Arabic at the end */
	"\xd8\xa8\xd8", /* Arabic, then a lone lead byte */
	"hello \xc3\x28", /* bad second byte */
	"\xef\xbb\xbf\xff", /* BOM, then an invalid byte */
};

START_TEST(test_measure_rejects_input)
{
	struct tw_sms_info info;

	ck_assert_int_eq(tw_sms_measure(rejected[_i], &info), TW_ERR_INPUT);
}
END_TEST

START_TEST(test_measure_rejects_long_invalid)
{
	struct part parts[MAX_PARTS] = { { "a", 400 }, { "\x80", 1 } };
	char *text = build(parts);
	struct tw_sms_info info;

	ck_assert_int_eq(tw_sms_measure(text, &info), TW_ERR_INPUT);
	free(text);
}
END_TEST

START_TEST(test_measure_rejects_null_out)
{
	ck_assert_int_eq(tw_sms_measure("hello", NULL), TW_ERR_INPUT);
}
END_TEST

struct shorten_case {
	struct part in[MAX_PARTS];
	size_t max;
	struct part out[MAX_PARTS]; /* all NULL when the text is kept */
	int shortened;
};

#define WORD_AR "\xd9\x83\xd9\x84\xd9\x85\xd8\xa9" /* four letters */

static const struct shorten_case shorten_cases[] = {
	/* Texts that fit are copied unchanged. */
	{ { { "Hello", 1 } }, 1, { { NULL, 0 } }, 0 },
	{ { { "a", 160 } }, 1, { { NULL, 0 } }, 0 },
	{ { { "{", 80 } }, 1, { { NULL, 0 } }, 0 },
	{ { { ARABIC_BA, 70 } }, 1, { { NULL, 0 } }, 0 },
	{ { { ARABIC_BA, 135 } }, 3, { { NULL, 0 } }, 0 },
	{ { { "a", 161 } }, 5, { { NULL, 0 } }, 0 },
	/* Arabic words of 4 letters and a space: 69 units and "…" make
	 * one message of 70. */
	{ { { WORD_AR " ", 20 } }, 1,
	    { { WORD_AR " ", 13 }, { WORD_AR ELLIPSIS, 1 } }, 1 },
	/* Two parts of 67: 129 units and "…" pack as 67 + 63. */
	{ { { WORD_AR " ", 40 } }, 2,
	    { { WORD_AR " ", 25 }, { WORD_AR ELLIPSIS, 1 } }, 1 },
	/* GSM words: 154 septets and "..." make 157 of 160. */
	{ { { "word ", 40 } }, 1, { { "word ", 30 }, { "word...", 1 } }, 1 },
	/* 299 septets and "..." pack into two parts of 153. */
	{ { { "word ", 100 } }, 2, { { "word ", 59 }, { "word...", 1 } }, 1 },
	{ { { "line\n", 40 } }, 1, { { "line\n", 30 }, { "line...", 1 } }, 1 },
	/* CR LF: the cut falls before the CR, 154 septets and "...". */
	{ { { "abcd\r\n", 40 } }, 1, { { "abcd\r\n", 25 }, { "abcd...", 1 } },
	    1 },
	/* No space or newline: the cut falls between characters. */
	{ { { "a", 200 } }, 1, { { "a", 157 }, { "...", 1 } }, 1 },
	{ { { ARABIC_BA, 100 } }, 1, { { ARABIC_BA, 69 }, { ELLIPSIS, 1 } },
	    1 },
	/* 34 emoji are 68 units, so a 35th would not leave room for "…". */
	{ { { EMOJI, 50 } }, 1, { { EMOJI, 34 }, { ELLIPSIS, 1 } }, 1 },
	/* 78 braces are 156 septets, so a 79th would not leave room for "...".
	 */
	{ { { "{", 100 } }, 1, { { "{", 78 }, { "...", 1 } }, 1 },
	/* The brace opens part 2, which takes 2 + 148 + 3 septets. */
	{ { { "a", 152 }, { "{", 1 }, { "a", 200 } }, 2,
	    { { "a", 152 }, { "{", 1 }, { "a", 148 }, { "...", 1 } }, 1 },
	/* The emoji opens part 2, which takes 2 + 64 + 1 units. */
	{ { { ARABIC_BA, 66 }, { EMOJI, 1 }, { ARABIC_BA, 100 } }, 2,
	    { { ARABIC_BA, 66 }, { EMOJI, 1 }, { ARABIC_BA, 64 },
	        { ELLIPSIS, 1 } },
	    1 },
	/* Spaces before the cut are dropped. */
	{ { { "aaaa", 1 }, { " ", 200 }, { "b", 1 } }, 1, { { "aaaa...", 1 } },
	    1 },
	/* A leading space is no word to cut after. */
	{ { { " ", 1 }, { "a", 200 } }, 1,
	    { { " ", 1 }, { "a", 156 }, { "...", 1 } }, 1 },
	/* The Arabic letter at the end makes the text UCS-2, so the kept
	 * Latin words are cut by UCS-2 rules and end with "…". */
	{ { { "word ", 40 }, { ARABIC_BA, 1 } }, 1,
	    { { "word ", 13 }, { "word" ELLIPSIS, 1 } }, 1 },
};

START_TEST(test_shorten_cuts)
{
	const struct shorten_case *c = &shorten_cases[_i];
	char *in = build(c->in);
	char *expected = c->out[0].s != NULL ? build(c->out) : strdup(in);
	struct tw_sms_info before, after;
	char *out = NULL;
	int shortened = -1;

	ck_assert_int_eq(tw_sms_shorten(in, c->max, &out, &shortened), TW_OK);
	ck_assert_ptr_nonnull(out);
	ck_assert_str_eq(out, expected);
	ck_assert_int_eq(shortened, c->shortened);
	ck_assert_int_eq(tw_utf8_valid(out, strlen(out)), 1);
	ck_assert_int_eq(tw_sms_measure(in, &before), TW_OK);
	ck_assert_int_eq(tw_sms_measure(out, &after), TW_OK);
	ck_assert_uint_le(after.segments, c->max);
	ck_assert_int_eq(after.coding, before.coding);
	free(in);
	free(expected);
	free(out);
}
END_TEST

/* A realistic Arabic reply: the result is a cut at a space, plus "…". */
START_TEST(test_shorten_arabic_reply)
{
	static const char reply[] =
	    "\xd8\xb4\xd9\x83\xd8\xb1\xd8\xa7 \xd9\x84\xd8\xaa\xd9\x88\xd8\xa7"
	    "\xd8\xb5\xd9\x84\xd9\x83\xd9\x85 \xd9\x85\xd8\xb9 \xd8\xa8\xd9\x84"
	    "\xd8\xaf\xd9\x8a\xd8\xa9 \xd9\x85\xd8\xb3\xd9\x82\xd8\xb7. ";
	struct part parts[MAX_PARTS] = { { reply, 4 } };
	char *in = build(parts), *out = NULL;
	struct tw_sms_info info;
	size_t keep;
	int shortened = 0;

	ck_assert_int_eq(tw_sms_shorten(in, 1, &out, &shortened), TW_OK);
	ck_assert_int_eq(shortened, 1);
	ck_assert_int_eq(tw_utf8_valid(out, strlen(out)), 1);
	ck_assert_int_eq(tw_sms_measure(out, &info), TW_OK);
	ck_assert_int_eq(info.coding, TW_SMS_UCS2);
	ck_assert_uint_eq(info.segments, 1);
	keep = strlen(out) - strlen(ELLIPSIS);
	ck_assert_str_eq(out + keep, ELLIPSIS);
	ck_assert_int_eq(strncmp(out, in, keep), 0);
	ck_assert_int_eq(in[keep], ' ');
	ck_assert_int_ne(out[keep - 1], ' ');
	free(in);
	free(out);
}
END_TEST

START_TEST(test_shorten_rejects_input)
{
	char *out = (char *)"unchanged";
	int shortened = -1;

	ck_assert_int_eq(tw_sms_shorten(rejected[_i], 1, &out, &shortened),
	    TW_ERR_INPUT);
	ck_assert_ptr_null(out);
	ck_assert_int_eq(shortened, 0);
}
END_TEST

START_TEST(test_shorten_rejects_zero_max)
{
	char *out = NULL;
	int shortened = -1;

	ck_assert_int_eq(tw_sms_shorten("hello", 0, &out, &shortened),
	    TW_ERR_INPUT);
	ck_assert_ptr_null(out);
	ck_assert_int_eq(shortened, 0);
}
END_TEST

START_TEST(test_shorten_rejects_null_outputs)
{
	char *out = NULL;
	int shortened = 0;

	ck_assert_int_eq(tw_sms_shorten("hello", 1, NULL, &shortened),
	    TW_ERR_INPUT);
	ck_assert_int_eq(tw_sms_shorten("hello", 1, &out, NULL), TW_ERR_INPUT);
	ck_assert_ptr_null(out);
}
END_TEST

static Suite *
smstext_suite(void)
{
	Suite *s = suite_create("smstext");
	TCase *tc;

	tc = tcase_create("measure");
	tcase_add_loop_test(tc, test_measure_counts, 0, NCASES(measure_cases));
	tcase_add_loop_test(tc, test_measure_rejects_input, 0,
	    NCASES(rejected));
	tcase_add_test(tc, test_measure_rejects_long_invalid);
	tcase_add_test(tc, test_measure_rejects_null_out);
	suite_add_tcase(s, tc);

	tc = tcase_create("tables");
	/* The exhaustive test walks every code point; under the sanitizers
	 * it takes longer than the default 4 s. */
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_basic_table_one_septet, 0,
	    NCASES(basic_table));
	tcase_add_loop_test(tc, test_extension_table_two_septets, 0,
	    NCASES(extension_table));
	tcase_add_loop_test(tc, test_outside_tables_ucs2, 0,
	    NCASES(outside_tables));
	tcase_add_test(tc, test_basic_table_whole);
	tcase_add_test(tc, test_tables_exhaustive);
	suite_add_tcase(s, tc);

	tc = tcase_create("shorten");
	tcase_add_loop_test(tc, test_shorten_cuts, 0, NCASES(shorten_cases));
	tcase_add_test(tc, test_shorten_arabic_reply);
	tcase_add_loop_test(tc, test_shorten_rejects_input, 0,
	    NCASES(rejected));
	tcase_add_test(tc, test_shorten_rejects_zero_max);
	tcase_add_test(tc, test_shorten_rejects_null_outputs);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(smstext_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
