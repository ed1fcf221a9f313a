/*
 * check_i18n.c: unit tests of lib/i18n.c, the language choice, displayed
 * times and the two locale files.
 *
 * The locale tests read locale/ar.hdf and locale/en.hdf under the source
 * directory in TW_SRCDIR (set by "make check"), or under the current
 * directory when it is not set. Oman keeps UTC+4 all year, without
 * daylight saving time, so Asia/Muscat is UTC plus four hours.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include <dirent.h>
#include <unistd.h>

#include <check.h>

#include "tawasul.h"

#define NCASES(a) (sizeof(a) / sizeof((a)[0]))

struct lang_case {
	const char *code;
	enum tw_lang lang;
};

static const struct lang_case codes_good[] = {
	{ "ar", TW_LANG_AR },
	{ "en", TW_LANG_EN },
};

static const char *const codes_bad[] = {
	"",
	"AR",
	"En",
	"fr",
	"ar-OM",
	"en-GB",
	"english",
	" en",
	"en ",
	"a",
};

START_TEST(test_lang_parse_accepts_codes)
{
	enum tw_lang lang = TW_LANG_MAX;

	ck_assert_int_eq(tw_lang_parse(codes_good[_i].code, &lang), TW_OK);
	ck_assert_int_eq(lang, codes_good[_i].lang);
	ck_assert_str_eq(tw_lang_code(lang), codes_good[_i].code);
}
END_TEST

START_TEST(test_lang_parse_rejects_others)
{
	enum tw_lang lang = TW_LANG_MAX;

	ck_assert_msg(tw_lang_parse(codes_bad[_i], &lang) == TW_ERR_INPUT,
	    "accepted \"%s\"", codes_bad[_i]);
	ck_assert_int_eq(lang, TW_LANG_MAX);
}
END_TEST

START_TEST(test_lang_parse_rejects_null)
{
	enum tw_lang lang = TW_LANG_MAX;

	ck_assert_int_eq(tw_lang_parse(NULL, &lang), TW_ERR_INPUT);
}
END_TEST

START_TEST(test_lang_code_out_of_range)
{
	ck_assert_str_eq(tw_lang_code(TW_LANG_MAX), "ar");
	ck_assert_str_eq(tw_lang_code((enum tw_lang) - 1), "ar");
}
END_TEST

struct accept_case {
	const char *header;
	enum tw_lang lang;
};

/* Well-formed headers that name English or Arabic. */
static const struct accept_case accept_good[] = {
	{ "en", TW_LANG_EN },
	{ "ar", TW_LANG_AR },
	{ "en-GB", TW_LANG_EN },
	{ "EN-gb", TW_LANG_EN },
	{ "ar-OM", TW_LANG_AR },
	{ "en-US,en;q=0.9", TW_LANG_EN },
	{ "de-DE,de;q=0.9,en-US;q=0.8,en;q=0.7", TW_LANG_EN },
	{ "ar,en-US;q=0.9,en;q=0.8", TW_LANG_AR },
	{ "fr, en;q=0.5", TW_LANG_EN },
	{ "en;q=0.8, ar;q=0.9", TW_LANG_AR },
	{ "ar;q=0.5, en;q=0.8", TW_LANG_EN },
	{ "ar;q=0.3, en-GB;q=0.4, en;q=0.1", TW_LANG_EN },
	{ " en ; q=0.7 , ar;q=0.6", TW_LANG_EN },
	{ "en;Q=0.9, ar;Q=0.8", TW_LANG_EN },
};

/*
 * Missing, empty, unknown, refused and malformed headers, which give
 * Arabic, except that a malformed q value counts as 1.
 */
static const struct accept_case accept_bad[] = {
	{ NULL, TW_LANG_AR },
	{ "", TW_LANG_AR },
	{ "*", TW_LANG_AR },
	{ "fr-FR, fr;q=0.9", TW_LANG_AR },
	{ "en;q=0", TW_LANG_AR }, /* English refused */
	{ "en;q=0.0, fr", TW_LANG_AR },
	{ "ar;q=0.5, en;q=0.5", TW_LANG_AR }, /* a tie */
	{ "eng", TW_LANG_AR }, /* not the tag "en" */
	{ "english", TW_LANG_AR },
	{ "en_GB", TW_LANG_AR },
	{ "e", TW_LANG_AR },
	{ "q=1", TW_LANG_AR },
	{ ";q=1", TW_LANG_AR },
	{ ",,,;;;===", TW_LANG_AR },
	{ "\xff\xfe\xfd", TW_LANG_AR },
	{ "                ", TW_LANG_AR },
	{ "fr;q=1, en;q=abc, ar", TW_LANG_AR },
	{ "en;q=abc", TW_LANG_EN },
	{ "en;q=7", TW_LANG_EN },
};

START_TEST(test_accept_picks_language)
{
	const struct accept_case *c = &accept_good[_i];

	ck_assert_msg(tw_lang_from_accept(c->header) == c->lang,
	    "\"%s\" should give %s", c->header, tw_lang_code(c->lang));
}
END_TEST

START_TEST(test_accept_handles_malformed)
{
	const struct accept_case *c = &accept_bad[_i];

	ck_assert_msg(tw_lang_from_accept(c->header) == c->lang,
	    "\"%s\" should give %s", c->header ? c->header : "NULL",
	    tw_lang_code(c->lang));
}
END_TEST

struct time_case {
	const char *utc;
	const char *tz;
	const char *local; /* the time displayed in tz */
};

static const struct time_case times_good[] = {
	{ "2024-03-10 08:15:00", "Asia/Muscat", "2024-03-10 12:15" },
	{ "2024-03-10 21:30:00", "Asia/Muscat", "2024-03-11 01:30" },
	{ "2023-12-31 22:00:00", "Asia/Muscat", "2024-01-01 02:00" },
	{ "2024-02-28 20:00:00", "Asia/Muscat", "2024-02-29 00:00" },
	{ "2024-07-15 10:00:59", "Asia/Muscat", "2024-07-15 14:00" },
	{ "2024-03-10 08:15:00", "UTC", "2024-03-10 08:15" },
};

START_TEST(test_time_converts_zone)
{
	const struct time_case *c = &times_good[_i];
	char out[64];

	tw_time_display(c->utc, c->tz, out, sizeof out);
	ck_assert_str_eq(out, c->local);
}
END_TEST

START_TEST(test_time_switches_zone)
{
	char out[64];

	tw_time_display("2024-03-10 21:30:00", "Asia/Muscat", out, sizeof out);
	ck_assert_str_eq(out, "2024-03-11 01:30");
	tw_time_display("2024-03-10 21:30:00", "UTC", out, sizeof out);
	ck_assert_str_eq(out, "2024-03-10 21:30");
	tw_time_display("2024-03-10 21:30:00", "Asia/Muscat", out, sizeof out);
	ck_assert_str_eq(out, "2024-03-11 01:30");
}
END_TEST

/* Text that is not a time is copied unchanged. */
static const char *const times_bad[] = {
	"",
	"garbage",
	"2024-13-01 00:00:00",
	"2024-03-10",
	"10:00:00 2024-03-10",
	"2024/03/10 08:15:00",
	"yesterday",
};

START_TEST(test_time_copies_unparsed)
{
	char out[64];

	tw_time_display(times_bad[_i], "Asia/Muscat", out, sizeof out);
	ck_assert_str_eq(out, times_bad[_i]);
}
END_TEST

START_TEST(test_time_null_is_empty)
{
	char out[64] = "not touched";

	tw_time_display(NULL, "Asia/Muscat", out, sizeof out);
	ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(test_time_truncates_unparsed)
{
	char out[5];

	tw_time_display("garbage", "Asia/Muscat", out, sizeof out);
	ck_assert_str_eq(out, "garb");
}
END_TEST

/* The keys of one locale file, sorted. */
struct key_list {
	char **keys;
	size_t n;
	size_t cap;
	char **empty; /* keys whose value is empty or missing */
	size_t nempty;
	size_t empty_cap;
};

static void
key_list_add(char ***array, size_t *n, size_t *cap, const char *key)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		*array = realloc(*array, *cap * sizeof **array);
		ck_assert_ptr_nonnull(*array);
	}
	(*array)[*n] = strdup(key);
	ck_assert_ptr_nonnull((*array)[*n]);
	(*n)++;
}

/*
 * Adds to list every node under node that has a value or no children,
 * by its full dotted name. A leaf with an empty value also goes to empty.
 */
static void
collect_keys(HDF *node, const char *prefix, struct key_list *list)
{
	for (HDF *child = hdf_obj_child(node); child != NULL;
	     child = hdf_obj_next(child)) {
		char key[512];
		const char *value = hdf_obj_value(child);
		int leaf = hdf_obj_child(child) == NULL;

		snprintf(key, sizeof key, "%s%s%s", prefix, *prefix ? "." : "",
		    hdf_obj_name(child));
		if (value != NULL || leaf)
			key_list_add(&list->keys, &list->n, &list->cap, key);
		if (leaf &&
		    (value == NULL || value[strspn(value, " \t")] == '\0'))
			key_list_add(&list->empty, &list->nempty,
			    &list->empty_cap, key);
		collect_keys(child, key, list);
	}
}

static int
compare_keys(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *
locale_dir(void)
{
	static char dir[4096];
	const char *src = getenv("TW_SRCDIR");

	snprintf(dir, sizeof dir, "%s/locale", src && *src ? src : ".");
	return dir;
}

/* Loads locale/<lang>.hdf and returns its sorted keys. */
static void
load_keys(const char *lang, struct key_list *list)
{
	char path[4200];
	HDF *hdf = NULL;
	NEOERR *err;

	memset(list, 0, sizeof *list);
	snprintf(path, sizeof path, "%s/%s.hdf", locale_dir(), lang);
	ck_assert_msg(access(path, R_OK) == 0,
	    "missing locale file %s (is TW_SRCDIR the source directory?)",
	    path);
	ck_assert_ptr_null(hdf_init(&hdf));
	err = hdf_read_file(hdf, path);
	if (err != STATUS_OK) {
		nerr_ignore(&err);
		hdf_destroy(&hdf);
		ck_abort_msg("failed to parse locale file %s", path);
	}
	collect_keys(hdf, "", list);
	hdf_destroy(&hdf);
	qsort(list->keys, list->n, sizeof *list->keys, compare_keys);
}

/* Frees the strings and arrays of a key list. */
static void
key_list_free(struct key_list *list)
{
	for (size_t i = 0; i < list->n; i++)
		free(list->keys[i]);
	for (size_t i = 0; i < list->nempty; i++)
		free(list->empty[i]);
	free(list->keys);
	free(list->empty);
}

/* Writes up to 20 of the n keys into out, separated by commas. */
static void
join_keys(char *const *keys, size_t n, char *out, size_t outsz)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n && i < 20 && used < outsz; i++)
		used += snprintf(out + used, outsz - used, "%s%s",
		    i > 0 ? ", " : "", keys[i]);
	if (n > 20 && used < outsz)
		snprintf(out + used, outsz - used, " and %zu more", n - 20);
}

/* Writes into out the keys of have missing from want; returns the count. */
static size_t
missing_keys(const struct key_list *have, const struct key_list *want,
    char *out, size_t outsz)
{
	struct key_list missing = { 0 };

	for (size_t i = 0; i < have->n; i++)
		if (bsearch(&have->keys[i], want->keys, want->n,
		        sizeof *want->keys, compare_keys) == NULL)
			key_list_add(&missing.keys, &missing.n, &missing.cap,
			    have->keys[i]);
	join_keys(missing.keys, missing.n, out, outsz);
	key_list_free(&missing);
	return missing.n;
}

START_TEST(test_locale_en_has_ar_keys)
{
	struct key_list ar, en;
	char list[2048];
	size_t n;

	load_keys("ar", &ar);
	load_keys("en", &en);
	ck_assert_uint_gt(ar.n, 0);
	n = missing_keys(&ar, &en, list, sizeof list);
	key_list_free(&ar);
	key_list_free(&en);
	ck_assert_msg(n == 0, "keys of ar.hdf missing from en.hdf (%zu): %s", n,
	    list);
}
END_TEST

START_TEST(test_locale_ar_has_en_keys)
{
	struct key_list ar, en;
	char list[2048];
	size_t n;

	load_keys("ar", &ar);
	load_keys("en", &en);
	ck_assert_uint_gt(en.n, 0);
	n = missing_keys(&en, &ar, list, sizeof list);
	key_list_free(&ar);
	key_list_free(&en);
	ck_assert_msg(n == 0, "keys of en.hdf missing from ar.hdf (%zu): %s", n,
	    list);
}
END_TEST

static const char *const locale_langs[] = { "ar", "en" };

START_TEST(test_locale_no_empty_values)
{
	struct key_list list;
	char keys[2048];
	size_t n;

	load_keys(locale_langs[_i], &list);
	join_keys(list.empty, list.nempty, keys, sizeof keys);
	n = list.nempty;
	key_list_free(&list);
	ck_assert_msg(n == 0, "empty values in %s.hdf (%zu): %s",
	    locale_langs[_i], n, keys);
}
END_TEST

/* Counts "{name}" placeholders of one name in text. */
static int
count_placeholder(const char *text, const char *placeholder)
{
	int n = 0;

	for (const char *p = text; (p = strstr(p, placeholder)) != NULL; p++)
		n++;
	return n;
}

START_TEST(test_locale_same_placeholders)
{
	static const char *const placeholders[] = { "{n}", "{number}" };
	HDF *strings[TW_LANG_MAX];
	struct key_list ar;
	int mismatches = 0;
	const char *first = "";

	load_keys("ar", &ar);
	ck_assert_int_eq(tw_locale_load(locale_dir(), strings), TW_OK);
	for (size_t i = 0; i < ar.n; i++)
		for (size_t k = 0; k < NCASES(placeholders); k++) {
			const char *a =
			    tw_string(strings[TW_LANG_AR], ar.keys[i]);
			const char *e =
			    tw_string(strings[TW_LANG_EN], ar.keys[i]);

			if (count_placeholder(a, placeholders[k]) !=
			        count_placeholder(e, placeholders[k]) &&
			    mismatches++ == 0)
				first = ar.keys[i];
		}
	ck_assert_msg(mismatches == 0, "%d placeholders differ, first in %s",
	    mismatches, first);
	key_list_free(&ar);
	tw_locale_free(strings);
}
END_TEST

/* The message keys that lib/form.c passes to tw_form_error. */
static const char *const form_messages[] = {
	"Err.Required",
	"Err.TooShort",
	"Err.TooLong",
	"Err.Invalid",
	"Err.Encoding",
	"Err.Mobile",
	"Err.Email",
	"Err.Number",
	"Err.CaseNumber",
	"Err.CaseNumberMistyped",
};

START_TEST(test_locale_has_form_messages)
{
	HDF *strings[TW_LANG_MAX];

	ck_assert_int_eq(tw_locale_load(locale_dir(), strings), TW_OK);
	for (int lang = 0; lang < TW_LANG_MAX; lang++)
		for (size_t k = 0; k < NCASES(form_messages); k++)
			ck_assert_msg(hdf_get_value(strings[lang],
			                  form_messages[k], NULL) != NULL,
			    "%s.hdf lacks %s", tw_lang_code(lang),
			    form_messages[k]);
	tw_locale_free(strings);
}
END_TEST

START_TEST(test_locale_load_missing_dir)
{
	HDF *strings[TW_LANG_MAX];

	ck_assert_int_eq(tw_locale_load("/nonexistent/locale", strings),
	    TW_ERR_CONFIG);
	ck_assert_ptr_null(strings[TW_LANG_AR]);
	ck_assert_ptr_null(strings[TW_LANG_EN]);
}
END_TEST

START_TEST(test_string_missing_key)
{
	HDF *hdf;

	ck_assert_ptr_null(hdf_init(&hdf));
	ck_assert_ptr_null(hdf_set_value(hdf, "Home.Title", "Home"));
	ck_assert_str_eq(tw_string(hdf, "Home.Title"), "Home");
	ck_assert_str_eq(tw_string(hdf, "Home.Nothing"), "Home.Nothing");
	hdf_destroy(&hdf);
}
END_TEST

/* Returns 1 for the characters of a locale key: letters, digits, _ and . */
static int
key_char(int c)
{
	return isalnum(c) || c == '_' || c == '.';
}

/*
 * Finds each "L.Key.Path" a template reads and checks that en.hdf has
 * it, so that a string block nested in the wrong group, or a key typed
 * wrongly, fails here and not as an empty label on a page. A path
 * followed by "[" is looked up by value at run time; only its group is
 * checked.
 */
START_TEST(test_templates_use_known_keys)
{
	char path[4600], dir[4200], key[256], missing[2048] = "";
	const char *src = getenv("TW_SRCDIR");
	size_t nmissing = 0, used = 0, nfiles = 0;
	struct dirent *entry;
	HDF *hdf = NULL;
	NEOERR *err;
	DIR *d;

	snprintf(path, sizeof path, "%s/en.hdf", locale_dir());
	ck_assert_ptr_null(hdf_init(&hdf));
	err = hdf_read_file(hdf, path);
	ck_assert_msg(err == STATUS_OK, "failed to parse %s", path);
	snprintf(dir, sizeof dir, "%s/templates", src && *src ? src : ".");
	ck_assert_msg((d = opendir(dir)) != NULL, "cannot open %s", dir);
	while ((entry = readdir(d)) != NULL) {
		size_t len = strlen(entry->d_name);
		char *text = NULL;
		FILE *f;
		long size;

		if (len < 4 || strcmp(entry->d_name + len - 3, ".cs") != 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, entry->d_name);
		ck_assert_ptr_nonnull(f = fopen(path, "r"));
		ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
		size = ftell(f);
		rewind(f);
		ck_assert_ptr_nonnull(text = calloc(1, (size_t)size + 1));
		ck_assert_uint_eq(fread(text, 1, (size_t)size, f),
		    (size_t)size);
		fclose(f);
		nfiles++;
		for (const char *p = text; (p = strstr(p, "L.")) != NULL;
		     p += 2) {
			size_t n = 0;

			if (p > text && key_char((unsigned char)p[-1]))
				continue;
			while (key_char((unsigned char)p[2 + n]) &&
			    n + 1 < sizeof key)
				n++;
			memcpy(key, p + 2, n);
			key[n] = '\0';
			while (n > 0 && key[n - 1] == '.')
				key[--n] = '\0';
			if (n == 0 || hdf_get_obj(hdf, key) != NULL)
				continue;
			nmissing++;
			if (used < sizeof missing)
				used += snprintf(missing + used,
				    sizeof missing - used, "%s%s: L.%s",
				    nmissing > 1 ? ", " : "", entry->d_name,
				    key);
		}
		free(text);
	}
	closedir(d);
	hdf_destroy(&hdf);
	ck_assert_uint_gt(nfiles, 10);
	ck_assert_msg(nmissing == 0, "%zu strings missing from en.hdf: %s",
	    nmissing, missing);
}
END_TEST

static Suite *
i18n_suite(void)
{
	Suite *s = suite_create("i18n");
	TCase *tc;

	tc = tcase_create("lang");
	tcase_add_loop_test(tc, test_lang_parse_accepts_codes, 0,
	    NCASES(codes_good));
	tcase_add_loop_test(tc, test_lang_parse_rejects_others, 0,
	    NCASES(codes_bad));
	tcase_add_test(tc, test_lang_parse_rejects_null);
	tcase_add_test(tc, test_lang_code_out_of_range);
	tcase_add_loop_test(tc, test_accept_picks_language, 0,
	    NCASES(accept_good));
	tcase_add_loop_test(tc, test_accept_handles_malformed, 0,
	    NCASES(accept_bad));
	suite_add_tcase(s, tc);

	tc = tcase_create("time");
	tcase_add_loop_test(tc, test_time_converts_zone, 0, NCASES(times_good));
	tcase_add_test(tc, test_time_switches_zone);
	tcase_add_loop_test(tc, test_time_copies_unparsed, 0,
	    NCASES(times_bad));
	tcase_add_test(tc, test_time_null_is_empty);
	tcase_add_test(tc, test_time_truncates_unparsed);
	suite_add_tcase(s, tc);

	tc = tcase_create("locale");
	tcase_add_test(tc, test_locale_en_has_ar_keys);
	tcase_add_test(tc, test_locale_ar_has_en_keys);
	tcase_add_loop_test(tc, test_locale_no_empty_values, 0,
	    NCASES(locale_langs));
	tcase_add_test(tc, test_locale_same_placeholders);
	tcase_add_test(tc, test_locale_has_form_messages);
	tcase_add_test(tc, test_locale_load_missing_dir);
	tcase_add_test(tc, test_string_missing_key);
	tcase_add_test(tc, test_templates_use_known_keys);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(i18n_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
