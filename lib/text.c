/*
 * text.c: UTF-8 checks, digit normalisation and text clean-up.
 *
 * Every string a person typed passes through here before it is
 * validated, so the rules of the design apply everywhere at once:
 * Arabic-Indic (U+0660-0669) and Persian (U+06F0-06F9) digits become
 * ASCII digits, and invalid UTF-8 is rejected rather than repaired.
 */
#include <stdlib.h>
#include <string.h>

#include "tawasul.h"

/*
 * Returns 1 when the len bytes are well-formed UTF-8: no overlong forms,
 * no surrogates, nothing above U+10FFFF and no NUL byte.
 */
int
tw_utf8_valid(const char *text, size_t len)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		size_t need;
		unsigned long cp;

		if (c == 0)
			return 0;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			need = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			cp = c & 0x07;
		} else
			return 0;
		if (len - i <= need)
			return 0;
		for (size_t k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000))
			return 0;
		if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return 0;
		i += need + 1;
	}
	return 1;
}

/* Returns the number of code points in a valid UTF-8 string. */
size_t
tw_utf8_chars(const char *text)
{
	size_t n = 0;

	for (const unsigned char *s = (const unsigned char *)text; *s; s++)
		if ((*s & 0xc0) != 0x80)
			n++;
	return n;
}

/*
 * Returns a copy of text with Arabic-Indic and Persian digits replaced
 * by ASCII digits, or NULL when out of memory. The caller frees it.
 */
char *
tw_digits_ascii(const char *text)
{
	const unsigned char *s = (const unsigned char *)text;
	char *out, *o;

	if ((out = malloc(strlen(text) + 1)) == NULL)
		return NULL;
	for (o = out; *s; s++) {
		/* U+0660-0669 is D9 A0-A9; U+06F0-06F9 is DB B0-B9. */
		if (s[0] == 0xd9 && s[1] >= 0xa0 && s[1] <= 0xa9) {
			*o++ = '0' + (s[1] - 0xa0);
			s++;
		} else if (s[0] == 0xdb && s[1] >= 0xb0 && s[1] <= 0xb9) {
			*o++ = '0' + (s[1] - 0xb0);
			s++;
		} else
			*o++ = (char)*s;
	}
	*o = '\0';
	return out;
}

/*
 * Returns a trimmed copy of valid UTF-8 text with CR LF turned into LF
 * and control characters removed; tabs become spaces. Newlines are kept
 * only when multiline is set. Returns NULL when out of memory; the
 * caller frees the result.
 */
char *
tw_text_clean(const char *text, int multiline)
{
	size_t len = strlen(text);
	char *out, *o, *start, *end;

	if ((out = malloc(len + 1)) == NULL)
		return NULL;
	o = out;
	for (const char *s = text; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\r')
			continue;
		/* C1 controls U+0080-U+009F are C2 80 to C2 9F. */
		if (c == 0xc2 && (unsigned char)s[1] >= 0x80 &&
		    (unsigned char)s[1] <= 0x9f) {
			s++;
			continue;
		}
		if (c == '\n')
			*o++ = multiline ? '\n' : ' ';
		else if (c == '\t')
			*o++ = ' ';
		else if (c >= 0x20 && c != 0x7f)
			*o++ = (char)c;
	}
	*o = '\0';
	for (start = out; *start == ' ' || *start == '\n'; start++)
		;
	end = start + strlen(start);
	while (end > start && (end[-1] == ' ' || end[-1] == '\n'))
		end--;
	*end = '\0';
	memmove(out, start, end - start + 1);
	return out;
}

/*
 * Returns a copy of text with every occurrence of from replaced by to,
 * or NULL when out of memory. The caller frees it.
 */
char *
tw_str_replace(const char *text, const char *from, const char *to)
{
	size_t flen = strlen(from), tlen = strlen(to), count = 0;
	const char *p;
	char *out, *o;

	if (flen == 0)
		return strdup(text);
	for (p = text; (p = strstr(p, from)) != NULL; p += flen)
		count++;
	out = malloc(strlen(text) + count * tlen + 1);
	if (out == NULL)
		return NULL;
	for (o = out, p = text; count > 0; count--) {
		const char *hit = strstr(p, from);

		memcpy(o, p, hit - p);
		o += hit - p;
		memcpy(o, to, tlen);
		o += tlen;
		p = hit + flen;
	}
	strcpy(o, p);
	return out;
}

/* Full-width forms of = + - @ that some spreadsheets also take as the
 * start of a formula, and of ';' and ',', in UTF-8. */
static const char *const wide_starts[] = { "\xef\xbc\x9d", "\xef\xbc\x8b",
	"\xef\xbc\x8d", "\xef\xbc\xa0" };
static const char *const wide_separators[] = { "\xef\xbc\x9b", "\xef\xbc\x8c" };

/* Returns the length of the UTF-8 string at p among the n in list, or 0. */
static size_t
starts_with_any(const char *p, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strncmp(p, list[i], strlen(list[i])) == 0)
			return strlen(list[i]);
	return 0;
}

/* Returns the length of the blank at p: a space, a no-break space, a
 * Unicode space U+2000 to U+200B or U+3000, or 0. */
static size_t
blank_len(const unsigned char *p)
{
	if (p[0] == ' ')
		return 1;
	if (p[0] == 0xc2 && p[1] == 0xa0)
		return 2;
	if (p[0] == 0xe2 && p[1] == 0x80 && p[2] >= 0x80 && p[2] <= 0x8b)
		return 3;
	if (p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x80)
		return 3;
	return 0;
}

/* Returns 1 when a spreadsheet would read text starting at p as a
 * formula: = + - @ or their full-width forms, or a tab, CR or LF that
 * some put before one. */
static int
formula_start(const char *p)
{
	return (*p != '\0' && strchr("=+-@\t\r\n", *p) != NULL) ||
	    starts_with_any(p, wide_starts, 4) > 0;
}

/* Returns 1 when value, or a part of it after a ';', ',', tab or line
 * break (full-width separators included, blanks skipped), starts like a
 * formula. Spreadsheets whose list separator is ';' split a cell there
 * when the file is opened by hand. */
static int
csv_formula(const char *value)
{
	const char *p = value;

	for (;;) {
		size_t n;

		while ((n = blank_len((const unsigned char *)p)) > 0)
			p += n;
		if (formula_start(p))
			return 1;
		for (;; p++) {
			if (*p == '\0')
				return 0;
			if (strchr(";,\t\r\n", *p) != NULL) {
				p++;
				break;
			}
			if ((n = starts_with_any(p, wide_separators, 2)) > 0) {
				p += n;
				break;
			}
		}
	}
}

/*
 * Appends value to out as one CSV cell (RFC 4180): always quoted, with
 * inner quotes doubled, and with a leading apostrophe when csv_formula
 * finds a formula start, so that a spreadsheet shows the text instead
 * of running it.
 */
void
tw_csv_cell(STRING *out, const char *value)
{
	string_append_char(out, '"');
	if (csv_formula(value))
		string_append_char(out, '\'');
	for (const char *p = value; *p != '\0'; p++) {
		if (*p == '"')
			string_append_char(out, '"');
		string_append_char(out, *p);
	}
	string_append_char(out, '"');
}
