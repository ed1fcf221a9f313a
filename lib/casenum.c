/*
 * casenum.c: case numbers of eight digits, the last a Damm check digit.
 *
 * The Damm algorithm detects every single-digit error and every swap of
 * two adjacent digits, the two mistakes people make when they read a
 * number over the phone or type it on a keypad. The seven leading digits
 * are 1000000 plus the case's serial, so numbers never start with zero
 * and the format lasts for nine million cases.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tawasul.h"

/* The totally anti-symmetric quasigroup of order 10 used by Damm (2004). */
static const unsigned char damm_table[10][10] = {
	{ 0, 3, 1, 7, 5, 9, 8, 6, 4, 2 },
	{ 7, 0, 9, 2, 1, 5, 4, 8, 6, 3 },
	{ 4, 2, 0, 6, 8, 7, 1, 3, 5, 9 },
	{ 1, 7, 5, 0, 9, 8, 3, 4, 2, 6 },
	{ 6, 1, 2, 3, 0, 4, 5, 9, 7, 8 },
	{ 3, 6, 7, 4, 2, 0, 9, 5, 8, 1 },
	{ 5, 8, 6, 9, 7, 2, 0, 1, 3, 4 },
	{ 8, 9, 4, 5, 3, 6, 2, 0, 1, 7 },
	{ 9, 4, 3, 8, 6, 1, 7, 2, 0, 5 },
	{ 2, 5, 8, 1, 4, 3, 6, 7, 9, 0 },
};

/*
 * Returns the interim digit of the Damm algorithm over a string of ASCII
 * digits: the check digit to append, or 0 when the string already ends
 * with a correct one. Returns -1 on a non-digit.
 */
int
tw_damm_digit(const char *digits)
{
	int interim = 0;

	for (const char *p = digits; *p; p++) {
		if (!isdigit((unsigned char)*p))
			return -1;
		interim = damm_table[interim][*p - '0'];
	}
	return interim;
}

/*
 * Writes the case number of a serial (1 to 8999999) into out.
 * Returns TW_OK, or TW_ERR_INPUT for a serial out of range.
 */
enum tw_err
tw_casenum_make(long long serial, char out[TW_CASENUM_LEN + 1])
{
	if (serial < 1 || serial > 8999999)
		return TW_ERR_INPUT;
	snprintf(out, TW_CASENUM_LEN + 1, "%07lld", 1000000 + serial);
	out[7] = (char)('0' + tw_damm_digit(out));
	out[8] = '\0';
	return TW_OK;
}

/*
 * Reads a case number as people type it: Arabic-Indic or Persian digits,
 * spaces, dashes and a leading '#' allowed. Returns TW_OK with the eight
 * ASCII digits in out, TW_ERR_CHECKSUM when the check digit is wrong,
 * TW_ERR_INPUT when it is not eight digits, or TW_ERR_NOMEM.
 */
enum tw_err
tw_casenum_parse(const char *in, char out[TW_CASENUM_LEN + 1])
{
	char *ascii;
	size_t n = 0;
	const char *p;

	if ((ascii = tw_digits_ascii(in)) == NULL)
		return TW_ERR_NOMEM;
	p = ascii;
	while (*p == ' ')
		p++;
	if (*p == '#')
		p++;
	for (; *p; p++) {
		if (*p == ' ' || *p == '-')
			continue;
		if (!isdigit((unsigned char)*p) || n == TW_CASENUM_LEN) {
			free(ascii);
			return TW_ERR_INPUT;
		}
		out[n++] = *p;
	}
	free(ascii);
	out[n] = '\0';
	if (n != TW_CASENUM_LEN || out[0] == '0')
		return TW_ERR_INPUT;
	return tw_damm_digit(out) == 0 ? TW_OK : TW_ERR_CHECKSUM;
}
