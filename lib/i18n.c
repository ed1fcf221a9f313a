/*
 * i18n.c: the two languages, their interface strings and displayed times.
 *
 * Interface strings live in locale/ar.hdf and locale/en.hdf with the
 * same keys; each request copies its language's tree to L.* so
 * templates write <?cs var:L.Home.Title ?>.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "tawasul.h"

static const char *const lang_codes[TW_LANG_MAX] = { "ar", "en" };

/* Returns "ar" or "en". */
const char *
tw_lang_code(enum tw_lang lang)
{
	return lang_codes[lang >= 0 && lang < TW_LANG_MAX ? lang : 0];
}

/* Reads a language code. Returns TW_OK or TW_ERR_INPUT. */
enum tw_err
tw_lang_parse(const char *code, enum tw_lang *lang)
{
	for (int i = 0; i < TW_LANG_MAX; i++)
		if (code != NULL && strcmp(code, lang_codes[i]) == 0) {
			*lang = (enum tw_lang)i;
			return TW_OK;
		}
	return TW_ERR_INPUT;
}

/* Reads the q value after a language range; 1 when absent or invalid. */
static double
accept_quality(const char *params, size_t len)
{
	const char *q;
	char *end;
	double value;

	for (q = params; q + 2 < params + len; q++)
		if ((q[0] == 'q' || q[0] == 'Q') && q[1] == '=') {
			value = strtod(q + 2, &end);
			if (end == q + 2 || value < 0 || value > 1)
				return 1;
			return value;
		}
	return 1;
}

/*
 * Picks Arabic or English from an Accept-Language header by q value;
 * Arabic when the header is missing or names neither.
 */
enum tw_lang
tw_lang_from_accept(const char *header)
{
	double best_q[TW_LANG_MAX] = { -1, -1 };
	const char *item = header;

	while (item != NULL && *item) {
		const char *end = strchr(item, ','), *semi;
		size_t len = end ? (size_t)(end - item) : strlen(item);

		while (len > 0 && isspace((unsigned char)*item)) {
			item++;
			len--;
		}
		semi = memchr(item, ';', len);
		for (int i = 0; i < TW_LANG_MAX; i++) {
			size_t tag = semi ? (size_t)(semi - item) : len;

			while (tag > 0 && isspace((unsigned char)item[tag - 1]))
				tag--;
			if (tag < 2 ||
			    strncasecmp(item, lang_codes[i], 2) != 0 ||
			    (tag > 2 && item[2] != '-'))
				continue;
			double q = semi
			    ? accept_quality(semi, len - (semi - item))
			    : 1;
			if (q > best_q[i])
				best_q[i] = q;
		}
		item = end ? end + 1 : NULL;
	}
	if (best_q[TW_LANG_EN] > 0 && best_q[TW_LANG_EN] > best_q[TW_LANG_AR])
		return TW_LANG_EN;
	return TW_LANG_AR;
}

/*
 * Loads locale/ar.hdf and locale/en.hdf from dir into strings. Returns
 * TW_OK, or TW_ERR_CONFIG with the file logged; on error nothing is left
 * allocated.
 */
enum tw_err
tw_locale_load(const char *dir, HDF *strings[TW_LANG_MAX])
{
	char path[4096];

	memset(strings, 0, TW_LANG_MAX * sizeof *strings);
	for (int i = 0; i < TW_LANG_MAX; i++) {
		snprintf(path, sizeof path, "%s/%s.hdf", dir, lang_codes[i]);
		if (tw_err_from_neo(hdf_init(&strings[i]), "hdf_init") !=
		        TW_OK ||
		    tw_err_from_neo(hdf_read_file(strings[i], path), path) !=
		        TW_OK) {
			tw_locale_free(strings);
			return TW_ERR_CONFIG;
		}
	}
	return TW_OK;
}

/* Frees the string trees of tw_locale_load. Accepts NULL entries. */
void
tw_locale_free(HDF *strings[TW_LANG_MAX])
{
	for (int i = 0; i < TW_LANG_MAX; i++)
		hdf_destroy(&strings[i]);
}

/* Returns an interface string, or the key itself when it is missing. */
const char *
tw_string(HDF *strings, const char *key)
{
	return hdf_get_value(strings, key, key);
}

/*
 * Converts "YYYY-MM-DD HH:MM:SS" in UTC, as the database returns it, to
 * "YYYY-MM-DD HH:MM" in the zone tz. Copies the input on a parse error.
 */
void
tw_time_display(const char *utc, const char *tz, char *out, size_t outsz)
{
	static char current_tz[64];
	struct tm tm;
	time_t t;

	if (tz == NULL)
		tz = "Asia/Muscat";
	memset(&tm, 0, sizeof tm);
	if (utc == NULL || strptime(utc, "%Y-%m-%d %H:%M:%S", &tm) == NULL) {
		snprintf(out, outsz, "%s", utc ? utc : "");
		return;
	}
	if (strcmp(current_tz, tz) != 0) {
		snprintf(current_tz, sizeof current_tz, "%s", tz);
		setenv("TZ", tz, 1);
		tzset();
	}
	t = timegm(&tm);
	localtime_r(&t, &tm);
	strftime(out, outsz, "%Y-%m-%d %H:%M", &tm);
}
