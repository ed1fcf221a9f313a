/*
 * validate.c: the input rules of the design as pure functions, so the
 * portal, the intranet, the IVR and the SMS channel accept the same
 * values and the unit tests can pin every rule.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tawasul.h"

/* Returns 1 for the separators people type inside phone numbers. */
static int
phone_separator(const unsigned char *s, size_t *skip)
{
	*skip = 1;
	if (strchr(" -.()/", s[0]) != NULL && s[0] != '\0')
		return 1;
	/* U+00A0 no-break space, U+200E and U+200F direction marks. */
	if (s[0] == 0xc2 && s[1] == 0xa0) {
		*skip = 2;
		return 1;
	}
	if (s[0] == 0xe2 && s[1] == 0x80 && (s[2] == 0x8e || s[2] == 0x8f)) {
		*skip = 3;
		return 1;
	}
	return 0;
}

/*
 * Normalises an Omani mobile number to E.164 (+968 and eight digits
 * starting with 9 or 7). Accepts +968, 00968, 968 or no prefix, with
 * spaces, dashes, dots, brackets and Arabic-Indic or Persian digits.
 * Returns TW_OK, TW_ERR_INPUT for anything else, or TW_ERR_NOMEM.
 */
enum tw_err
tw_mobile_normalise(const char *in, char out[16])
{
	char digits[32], *ascii;
	const unsigned char *s;
	size_t n = 0, skip;
	int plus = 0;
	const char *national;

	if ((ascii = tw_digits_ascii(in)) == NULL)
		return TW_ERR_NOMEM;
	for (s = (const unsigned char *)ascii; *s; s += skip) {
		if (phone_separator(s, &skip))
			continue;
		skip = 1;
		if (*s == '+' && n == 0 && !plus) {
			plus = 1;
			continue;
		}
		if (!isdigit(*s) || n + 1 >= sizeof digits) {
			free(ascii);
			return TW_ERR_INPUT;
		}
		digits[n++] = (char)*s;
	}
	digits[n] = '\0';
	free(ascii);

	if (n == 13 && !plus && strncmp(digits, "00968", 5) == 0)
		national = digits + 5;
	else if (n == 11 && strncmp(digits, "968", 3) == 0)
		national = digits + 3;
	else if (n == 8 && !plus)
		national = digits;
	else
		return TW_ERR_INPUT;
	if (national[0] != '9' && national[0] != '7')
		return TW_ERR_INPUT;
	memcpy(out, "+968", 4);
	memcpy(out + 4, national, 9);
	return TW_OK;
}

/* Returns 1 when label is a valid DNS label of a mail domain. */
static int
domain_label_valid(const char *label, size_t len)
{
	if (len == 0 || len > 63 || label[0] == '-' || label[len - 1] == '-')
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)label[i]) && label[i] != '-')
			return 0;
	return 1;
}

/*
 * Checks the shape of an email address: one '@', a printable ASCII local
 * part of at most 64 bytes, and a domain of at least two valid labels.
 * Returns TW_OK or TW_ERR_INPUT.
 */
enum tw_err
tw_email_check(const char *email)
{
	const char *at = strchr(email, '@'), *label, *dot;
	size_t local;

	if (at == NULL || strchr(at + 1, '@') != NULL || strlen(email) > 254)
		return TW_ERR_INPUT;
	local = at - email;
	if (local == 0 || local > 64)
		return TW_ERR_INPUT;
	for (const char *p = email; p < at; p++)
		if (*p <= ' ' || *p >= 0x7f || strchr("\"(),:;<>[\\]", *p))
			return TW_ERR_INPUT;
	if (strchr(at + 1, '.') == NULL)
		return TW_ERR_INPUT;
	for (label = at + 1;; label = dot + 1) {
		dot = strchr(label, '.');
		if (!domain_label_valid(label,
		        dot ? (size_t)(dot - label) : strlen(label)))
			return TW_ERR_INPUT;
		if (dot == NULL)
			return TW_OK;
	}
}

/*
 * Parses a decimal number such as "23.588" or "-1.5" written with ASCII
 * digits; the Arabic decimal separator U+066B counts as a point.
 * Returns TW_OK or TW_ERR_INPUT; no exponents, no thousands separators.
 */
enum tw_err
tw_decimal_parse(const char *in, double *out)
{
	char buf[40], *end;
	size_t n = 0;
	int point = 0, digits = 0;

	for (const unsigned char *s = (const unsigned char *)in; *s; s++) {
		if (n + 2 >= sizeof buf)
			return TW_ERR_INPUT;
		if (s[0] == 0xd9 && s[1] == 0xab) {
			s++;
			buf[n++] = '.';
			point++;
		} else if (*s == '.') {
			buf[n++] = '.';
			point++;
		} else if (*s == '-' && n == 0)
			buf[n++] = '-';
		else if (isdigit(*s)) {
			buf[n++] = (char)*s;
			digits++;
		} else
			return TW_ERR_INPUT;
	}
	buf[n] = '\0';
	if (digits == 0 || point > 1 || buf[n - 1] == '.')
		return TW_ERR_INPUT;
	*out = strtod(buf, &end);
	if (*end != '\0' || !isfinite(*out))
		return TW_ERR_INPUT;
	return TW_OK;
}

static int
in_area(const struct tw_area *a, double lat, double lon)
{
	return lat >= a->lat_min && lat <= a->lat_max && lon >= a->lon_min &&
	    lon <= a->lon_max;
}

/*
 * Checks an optional pair of coordinates against the service area.
 * Empty strings count as missing. On TW_COORDS_OK the parsed values are
 * stored in lat_out and lon_out.
 */
enum tw_coords
tw_coords_check(const char *lat, const char *lon, const struct tw_area *area,
    double *lat_out, double *lon_out)
{
	int has_lat = lat != NULL && *lat != '\0';
	int has_lon = lon != NULL && *lon != '\0';
	double y, x;

	if (!has_lat && !has_lon)
		return TW_COORDS_NONE;
	if (!has_lat || !has_lon)
		return TW_COORDS_HALF;
	if (tw_decimal_parse(lat, &y) != TW_OK ||
	    tw_decimal_parse(lon, &x) != TW_OK || fabs(y) > 90 || fabs(x) > 180)
		return TW_COORDS_INVALID;
	if (in_area(area, y, x)) {
		*lat_out = y;
		*lon_out = x;
		return TW_COORDS_OK;
	}
	if (in_area(area, x, y))
		return TW_COORDS_SWAPPED;
	return TW_COORDS_OUTSIDE;
}
