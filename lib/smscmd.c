/*
 * smscmd.c: the short commands field staff send by SMS.
 *
 * A command is a keyword, a case number and, for some keywords, a note:
 * "START 10000018", "done #10000018 light replaced", "ملاحظة ١٠٠٠٠٠١٨
 * الطريق مغلق". The number may also come first. Letter case, extra
 * spaces, a '#' before the number and Arabic-Indic or Persian digits do
 * not matter, and Arabic keywords match with or without hamza, tatweel
 * and short vowels. The parser is a pure function, so the unit tests can
 * pin every form a tired person types on a keypad.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "tawasul.h"

/* Maximum bytes of a folded word; longer words match no keyword. */
#define WORD_MAX 48

/*
 * The keywords, as read_word folds them: ASCII in lower case,
 * Arabic with أ إ آ written as ا, ة as ه, ى as ي, and no tatweel or
 * short vowels. Two-word phrases have one space.
 */
/* One keyword per line, which clang-format would pack. */
/* clang-format off */
static const struct {
	const char *word;
	enum tw_smscmd_kind kind;
} keywords[] = {
	{"start", TW_SMSCMD_START},
	{"started", TW_SMSCMD_START},
	{"begin", TW_SMSCMD_START},
	{"بدء", TW_SMSCMD_START},	      /* start (noun) */
	{"بدا", TW_SMSCMD_START},	      /* بدأ, started */
	{"ابدا", TW_SMSCMD_START},	      /* ابدأ, I start */
	{"بدات", TW_SMSCMD_START},	      /* بدأت, I started */
	{"بدايه", TW_SMSCMD_START},	      /* بداية, beginning */
	{"done", TW_SMSCMD_DONE},
	{"fixed", TW_SMSCMD_DONE},
	{"finished", TW_SMSCMD_DONE},
	{"resolved", TW_SMSCMD_DONE},
	{"تم", TW_SMSCMD_DONE},		      /* done */
	{"انتهي", TW_SMSCMD_DONE},	      /* انتهى, finished */
	{"انتهيت", TW_SMSCMD_DONE},	      /* I finished */
	{"منجز", TW_SMSCMD_DONE},	      /* completed */
	{"note", TW_SMSCMD_NOTE},
	{"ملاحظه", TW_SMSCMD_NOTE},	      /* ملاحظة, note */
	{"ملاحظات", TW_SMSCMD_NOTE},	      /* notes */
	{"help", TW_SMSCMD_HELP},
	{"need help", TW_SMSCMD_HELP},
	{"مساعده", TW_SMSCMD_HELP},	      /* مساعدة, help */
	{"احتاج مساعده", TW_SMSCMD_HELP},     /* أحتاج مساعدة, need help */
};
/* clang-format on */

#define NKEYWORDS (sizeof keywords / sizeof keywords[0])

/* Decodes the code point at s of valid UTF-8; returns its byte length. */
static size_t
next_cp(const char *s, unsigned long *cp)
{
	const unsigned char *u = (const unsigned char *)s;

	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	if (u[0] < 0xe0) {
		*cp = ((u[0] & 0x1fUL) << 6) | (u[1] & 0x3f);
		return 2;
	}
	if (u[0] < 0xf0) {
		*cp = ((u[0] & 0x0fUL) << 12) | ((u[1] & 0x3fUL) << 6) |
		    (u[2] & 0x3f);
		return 3;
	}
	*cp = ((u[0] & 0x07UL) << 18) | ((u[1] & 0x3fUL) << 12) |
	    ((u[2] & 0x3fUL) << 6) | (u[3] & 0x3f);
	return 4;
}

/*
 * Returns 1 for the characters between the parts of a command: white
 * space, punctuation people put after a keyword or number, the no-break
 * space and direction marks, and the Arabic comma and semicolon.
 */
static int
is_separator(unsigned long cp)
{
	if (cp < 0x80)
		return isspace((int)cp) || strchr(",.:;-_/()", (int)cp) != NULL;
	return cp == 0xa0 || cp == 0x200e || cp == 0x200f || cp == 0x60c ||
	    cp == 0x61b;
}

/* Returns 1 for the characters of a word: not a separator, digit or #. */
static int
is_word_char(unsigned long cp)
{
	return cp != 0 && cp != '#' && !(cp < 0x80 && isdigit((int)cp)) &&
	    !is_separator(cp);
}

/* Skips separators; returns the first other character. */
static const char *
skip_separators(const char *p)
{
	unsigned long cp;
	size_t len;

	while (*p != '\0' && (len = next_cp(p, &cp)) > 0 && is_separator(cp))
		p += len;
	return p;
}

/* Appends code point cp to out as UTF-8; returns 0 when it does not fit. */
static int
put_cp(char *out, size_t *n, size_t max, unsigned long cp)
{
	size_t need = 3;

	if (cp < 0x80)
		need = 1;
	else if (cp < 0x800)
		need = 2;

	if (*n + need >= max)
		return 0;
	if (need == 1)
		out[(*n)++] = (char)cp;
	else if (need == 2) {
		out[(*n)++] = (char)(0xc0 | (cp >> 6));
		out[(*n)++] = (char)(0x80 | (cp & 0x3f));
	} else {
		out[(*n)++] = (char)(0xe0 | (cp >> 12));
		out[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[(*n)++] = (char)(0x80 | (cp & 0x3f));
	}
	return 1;
}

/* Returns the code point a keyword letter is compared as; 0 drops it. */
static unsigned long
fold_letter(unsigned long cp)
{
	if (cp < 0x80)
		return (unsigned long)tolower((int)cp);
	/* Alef with hamza above or below, with madda, or wasla. */
	if (cp == 0x623 || cp == 0x625 || cp == 0x622 || cp == 0x671)
		return 0x627;
	if (cp == 0x629) /* teh marbuta, often typed as heh */
		return 0x647;
	if (cp == 0x649) /* alef maksura, often typed as yeh */
		return 0x64a;
	/* Tatweel, the short vowels and shadda, superscript alef. */
	if (cp == 0x640 || (cp >= 0x64b && cp <= 0x652) || cp == 0x670)
		return 0;
	return cp;
}

/*
 * Reads the word at p into out, folded for comparison, and returns the
 * text after it. out is empty when no word starts at p, and "?" when the
 * word is too long or has characters outside the BMP, so it matches no
 * keyword.
 */
static const char *
read_word(const char *p, char out[WORD_MAX])
{
	unsigned long cp, folded;
	size_t n = 0, len;
	int ok = 1;

	while (*p != '\0' && (len = next_cp(p, &cp)) > 0 && is_word_char(cp)) {
		folded = fold_letter(cp);
		if (folded > 0xffff ||
		    (folded != 0 && ok && !put_cp(out, &n, WORD_MAX, folded)))
			ok = 0;
		p += len;
	}
	if (!ok) {
		strcpy(out, "?");
		return p;
	}
	out[n] = '\0';
	return p;
}

/* Looks up a folded keyword or phrase; returns 1 and its kind if known. */
static int
find_keyword(const char *word, enum tw_smscmd_kind *kind)
{
	for (size_t i = 0; i < NKEYWORDS; i++)
		if (strcmp(word, keywords[i].word) == 0) {
			*kind = keywords[i].kind;
			return 1;
		}
	return 0;
}

/*
 * Reads the keyword, one word or a two-word phrase, at p. Returns the
 * text after it, or NULL when p starts with no keyword.
 */
static const char *
read_keyword(const char *p, enum tw_smscmd_kind *kind)
{
	char first[WORD_MAX], second[WORD_MAX], phrase[2 * WORD_MAX];
	const char *after_first, *after_second;

	after_first = read_word(p, first);
	if (first[0] == '\0')
		return NULL;
	after_second = read_word(skip_separators(after_first), second);
	if (second[0] != '\0') {
		strcpy(phrase, first);
		strcat(phrase, " ");
		strcat(phrase, second);
		if (find_keyword(phrase, kind))
			return after_second;
	}
	return find_keyword(first, kind) ? after_first : NULL;
}

/*
 * Reads a case number at p: an optional '#', then eight digits, which
 * may be grouped by single spaces or dashes ("1000 0018"). Stops after
 * the eighth digit, so a note may start with a digit. Sets *problem and
 * returns NULL when there is no number or it is not eight digits.
 */
static const char *
read_number(const char *p, char digits[TW_CASENUM_LEN + 1],
    enum tw_smscmd_problem *problem)
{
	size_t n = 0;
	int hash = 0;

	while (*p == ' ')
		p++;
	if (*p == '#') {
		hash = 1;
		for (p++; *p == ' '; p++)
			;
	}
	while (n < TW_CASENUM_LEN) {
		if (isdigit((unsigned char)*p))
			digits[n++] = *p++;
		else if (n > 0 && (*p == ' ' || *p == '-') &&
		    isdigit((unsigned char)p[1]))
			p++;
		else
			break;
	}
	digits[n] = '\0';
	if (n == 0) {
		*problem = hash ? TW_SMSCMD_BAD_NUMBER : TW_SMSCMD_NO_NUMBER;
		return NULL;
	}
	if (n < TW_CASENUM_LEN || isdigit((unsigned char)*p)) {
		*problem = TW_SMSCMD_BAD_NUMBER;
		return NULL;
	}
	return p;
}

/* Returns 1 when the text at p starts a case number. */
static int
starts_number(const char *p)
{
	return *p == '#' || isdigit((unsigned char)*p);
}

/* Copies the note after the number, trimmed; NULL when there is none. */
static enum tw_err
copy_note(const char *rest, char **note)
{
	size_t len;

	rest = skip_separators(rest);
	len = strlen(rest);
	while (len > 0 && (rest[len - 1] == ' ' || rest[len - 1] == '\n'))
		len--;
	*note = NULL;
	if (len == 0)
		return TW_OK;
	if ((*note = strndup(rest, len)) == NULL)
		return TW_ERR_NOMEM;
	return TW_OK;
}

/*
 * Splits a cleaned command into keyword, number and the rest. Returns
 * the text after the command, or NULL with out->problem set.
 */
static const char *
split_command(const char *p, struct tw_smscmd *out)
{
	const char *after;

	p = skip_separators(p);
	if (*p == '\0') {
		out->problem = TW_SMSCMD_EMPTY;
		return NULL;
	}
	if (starts_number(p)) {
		if ((p = read_number(p, out->number, &out->problem)) == NULL)
			return NULL;
		after = read_keyword(skip_separators(p), &out->kind);
		if (after == NULL)
			out->problem = TW_SMSCMD_UNKNOWN;
		return after;
	}
	if ((after = read_keyword(p, &out->kind)) == NULL) {
		out->problem = TW_SMSCMD_UNKNOWN;
		return NULL;
	}
	return read_number(skip_separators(after), out->number, &out->problem);
}

/* Checks the number's digits and that the keyword has its note. */
static enum tw_err
check_command(struct tw_smscmd *out)
{
	char checked[TW_CASENUM_LEN + 1];
	enum tw_err err;

	err = tw_casenum_parse(out->number, checked);
	if (err == TW_ERR_INPUT)
		out->problem = TW_SMSCMD_BAD_NUMBER;
	if (err != TW_OK)
		return err;
	if (out->note == NULL &&
	    (out->kind == TW_SMSCMD_DONE || out->kind == TW_SMSCMD_NOTE)) {
		out->problem = TW_SMSCMD_NO_NOTE;
		return TW_ERR_INPUT;
	}
	return TW_OK;
}

/*
 * Parses a field staff command from the UTF-8 text of an SMS. On TW_OK
 * out holds the keyword, the case number and the note (NULL when none;
 * DONE and NOTE always have one). Returns TW_ERR_INPUT with out->problem
 * saying what is wrong, TW_ERR_CHECKSUM when the number's check digit is
 * wrong (out->number holds the digits as typed), or TW_ERR_NOMEM. Free
 * out with tw_smscmd_free whatever it returns.
 */
enum tw_err
tw_smscmd_parse(const char *text, struct tw_smscmd *out)
{
	char *ascii, *clean = NULL;
	const char *rest;
	enum tw_err err = TW_ERR_NOMEM;

	memset(out, 0, sizeof *out);
	if (text == NULL || !tw_utf8_valid(text, strlen(text))) {
		out->problem = TW_SMSCMD_EMPTY;
		return TW_ERR_INPUT;
	}
	if ((ascii = tw_digits_ascii(text)) == NULL ||
	    (clean = tw_text_clean(ascii, 1)) == NULL)
		goto err;
	err = TW_ERR_INPUT;
	if ((rest = split_command(clean, out)) == NULL)
		goto err;
	if ((err = copy_note(rest, &out->note)) == TW_OK)
		err = check_command(out);
err:
	free(ascii);
	free(clean);
	return err;
}

/* Frees the note of a parsed command. Accepts NULL. */
void
tw_smscmd_free(struct tw_smscmd *cmd)
{
	if (cmd == NULL)
		return;
	free(cmd->note);
	cmd->note = NULL;
}

/* Returns the name of a command kind, as the logs and events show it. */
const char *
tw_smscmd_name(enum tw_smscmd_kind kind)
{
	switch (kind) {
	case TW_SMSCMD_START:
		return "start";
	case TW_SMSCMD_DONE:
		return "done";
	case TW_SMSCMD_NOTE:
		return "note";
	case TW_SMSCMD_HELP:
		return "help";
	}
	return "unknown";
}
