/*
 * smstext.c: SMS encoding, length and segments.
 *
 * A text goes out in the GSM 7-bit default alphabet of 3GPP TS 23.038
 * when every character is in its basic table or its extension table, and
 * in UCS-2 otherwise. Lengths are in the units of the encoding: septets,
 * where an extension character takes two (the escape 0x1B and its code),
 * or UTF-16 code units, where a character above U+FFFF takes a surrogate
 * pair. Each part of a concatenated message spends 6 octets on the user
 * data header, so a part contains 153 septets or 67 units instead of 160 or
 * 70. Segments are counted by packing whole characters, so an escape or
 * a surrogate pair that would straddle a part boundary moves to the next
 * part.
 *
 * NOTE: the gateway splits the message itself. Kannel's sms_split
 * (gw/sms.c) cuts UCS-2 parts at a fixed 134 octets unless it is set to
 * split at chosen characters, and such a cut can split a surrogate pair.
 * A fixed-size split never needs more parts than the count here.
 */
#include <stdlib.h>
#include <string.h>

#include "tawasul.h"

#define GSM_SINGLE  160 /* septets in a message of one part */
#define GSM_PART    153 /* septets in each part of a longer message */
#define UCS2_SINGLE 70 /* UTF-16 code units in a message of one part */
#define UCS2_PART   67 /* UTF-16 code units in each part of a longer one */

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* The characters of the basic table outside ASCII, in code point order. */
static const unsigned long gsm_basic[] = {
	0x00a1, /* ¡ */
	0x00a3, /* £ */
	0x00a4, /* ¤ */
	0x00a5, /* ¥ */
	0x00a7, /* § */
	0x00bf, /* ¿ */
	0x00c4, /* Ä */
	0x00c5, /* Å */
	0x00c6, /* Æ */
	0x00c7, /* Ç, but not the lower-case ç */
	0x00c9, /* É */
	0x00d1, /* Ñ */
	0x00d6, /* Ö */
	0x00d8, /* Ø */
	0x00dc, /* Ü */
	0x00df, /* ß */
	0x00e0, /* à */
	0x00e4, /* ä */
	0x00e5, /* å */
	0x00e6, /* æ */
	0x00e8, /* è */
	0x00e9, /* é */
	0x00ec, /* ì */
	0x00f1, /* ñ */
	0x00f2, /* ò */
	0x00f6, /* ö */
	0x00f8, /* ø */
	0x00f9, /* ù */
	0x00fc, /* ü */
	0x0393, /* Γ */
	0x0394, /* Δ */
	0x0398, /* Θ */
	0x039b, /* Λ */
	0x039e, /* Ξ */
	0x03a0, /* Π */
	0x03a3, /* Σ */
	0x03a6, /* Φ */
	0x03a8, /* Ψ */
	0x03a9, /* Ω */
};

/* Parts of a message filled one character at a time. */
struct packer {
	size_t size; /* units a part can contain */
	size_t parts; /* parts begun */
	size_t used; /* units in the last part */
	size_t units; /* units in all parts */
};

/*
 * Returns the septets of a code point in the GSM 7-bit default alphabet:
 * 1 in the basic table, 2 in the extension table, 0 when it is in
 * neither.
 */
static size_t
gsm_septets(unsigned long cp)
{
	if (cp == '\n' || cp == '\r')
		return 1;
	if (cp == '\f' || cp == 0x20ac) /* form feed and the euro sign */
		return 2;
	if (cp >= 0x20 && cp <= 0x7e) {
		if (cp == '`')
			return 0;
		return strchr("[\\]^{|}~", (int)cp) != NULL ? 2 : 1;
	}
	for (size_t i = 0; i < NELEM(gsm_basic); i++)
		if (gsm_basic[i] == cp)
			return 1;
	return 0;
}

/* Decodes the first code point of valid UTF-8 text and returns its length
 * in bytes. */
static size_t
utf8_next(const char *text, unsigned long *cp)
{
	const unsigned char *s = (const unsigned char *)text;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] < 0xe0) {
		*cp = (s[0] & 0x1fUL) << 6 | (s[1] & 0x3f);
		return 2;
	}
	if (s[0] < 0xf0) {
		*cp = (s[0] & 0x0fUL) << 12 | (s[1] & 0x3fUL) << 6 |
		    (s[2] & 0x3f);
		return 3;
	}
	*cp = (s[0] & 0x07UL) << 18 | (s[1] & 0x3fUL) << 12 |
	    (s[2] & 0x3fUL) << 6 | (s[3] & 0x3f);
	return 4;
}

/* Returns the units of a code point in a coding it belongs to. */
static size_t
char_units(unsigned long cp, enum tw_sms_coding coding)
{
	if (coding == TW_SMS_GSM7)
		return gsm_septets(cp);
	return cp > 0xffff ? 2 : 1;
}

/* Returns GSM7 when every character of valid UTF-8 text is in the GSM
 * tables, and UCS2 otherwise. */
static enum tw_sms_coding
text_coding(const char *text)
{
	unsigned long cp;

	while (*text != '\0') {
		text += utf8_next(text, &cp);
		if (gsm_septets(cp) == 0)
			return TW_SMS_UCS2;
	}
	return TW_SMS_GSM7;
}

/* Returns a packer for the parts of a concatenated message. */
static struct packer
packer_new(enum tw_sms_coding coding)
{
	struct packer p = {
		.size = coding == TW_SMS_GSM7 ? GSM_PART : UCS2_PART,
	};

	return p;
}

/* Adds a character of n units, beginning a new part if it does not fit. */
static void
pack(struct packer *p, size_t n)
{
	if (p->parts == 0 || p->used + n > p->size) {
		p->parts++;
		p->used = 0;
	}
	p->used += n;
	p->units += n;
}

/* Returns the segments of what was packed: 1 if it fits a single one. */
static size_t
packer_segments(const struct packer *p, enum tw_sms_coding coding)
{
	size_t single = coding == TW_SMS_GSM7 ? GSM_SINGLE : UCS2_SINGLE;

	return p->units <= single ? 1 : p->parts;
}

/* Returns 1 when text is non-empty, valid UTF-8. */
static int
text_acceptable(const char *text)
{
	return text != NULL && *text != '\0' &&
	    tw_utf8_valid(text, strlen(text));
}

/*
 * Finds the coding, length in units and segment count of a UTF-8 text.
 * Returns TW_ERR_INPUT when the text is NULL, empty or invalid UTF-8.
 */
enum tw_err
tw_sms_measure(const char *utf8, struct tw_sms_info *out)
{
	struct packer p;
	unsigned long cp;

	if (!text_acceptable(utf8) || out == NULL)
		return TW_ERR_INPUT;
	out->coding = text_coding(utf8);
	p = packer_new(out->coding);
	for (const char *s = utf8; *s != '\0';) {
		s += utf8_next(s, &cp);
		pack(&p, char_units(cp, out->coding));
	}
	out->units = p.units;
	out->segments = packer_segments(&p, out->coding);
	return TW_OK;
}

/* Returns 1 when the text packed so far and the ellipsis fit max segments. */
static int
ellipsis_fits(struct packer p, enum tw_sms_coding coding, size_t max)
{
	if (coding == TW_SMS_GSM7)
		for (int i = 0; i < 3; i++)
			pack(&p, 1);
	else
		pack(&p, 1);
	return packer_segments(&p, coding) <= max;
}

/* Returns 1 for the characters a word ends at. */
static int
is_break(unsigned long cp)
{
	return cp == ' ' || cp == '\n' || cp == '\r';
}

/*
 * Returns the bytes of text to keep so that they and the ellipsis fit max
 * segments. The cut falls before the last space or newline that fits,
 * with the spaces and newlines before it dropped. When no such cut keeps
 * any text, it falls after the last character that fits.
 */
static size_t
cut_length(const char *text, enum tw_sms_coding coding, size_t max)
{
	struct packer p = packer_new(coding);
	size_t i = 0, fit = 0, word = 0, content_end = 0;
	unsigned long cp;

	while (text[i] != '\0' && ellipsis_fits(p, coding, max)) {
		fit = i;
		if (is_break((unsigned char)text[i]) && content_end > 0)
			word = content_end;
		i += utf8_next(text + i, &cp);
		pack(&p, char_units(cp, coding));
		if (!is_break(cp))
			content_end = i;
	}
	/* NOTE: a cut between characters can split a grapheme, such as an
	 * emoji and its skin-tone modifier. A cut at a word keeps them. */
	return word > 0 ? word : fit;
}

/*
 * Copies utf8 into *out, cut to max_segments if it is longer, and sets
 * *shortened to 1 when it was cut. A cut text ends with an ellipsis: "…"
 * in UCS-2, or "..." in GSM 7-bit, whose alphabet lacks "…". The text
 * keeps its coding, so a UCS-2 text whose kept part is all GSM still
 * gets "…". The caller frees *out, which is NULL on error. Returns
 * TW_ERR_INPUT for a NULL, empty or invalid text or a max_segments of 0,
 * and TW_ERR_NOMEM when out of memory.
 */
enum tw_err
tw_sms_shorten(const char *utf8, size_t max_segments, char **out,
    int *shortened)
{
	struct tw_sms_info info;
	const char *ellipsis;
	size_t keep;

	if (out == NULL || shortened == NULL)
		return TW_ERR_INPUT;
	*out = NULL;
	*shortened = 0;
	if (max_segments == 0 || tw_sms_measure(utf8, &info) != TW_OK)
		return TW_ERR_INPUT;
	if (info.segments <= max_segments) {
		*out = strdup(utf8);
		return *out != NULL ? TW_OK : TW_ERR_NOMEM;
	}
	ellipsis = info.coding == TW_SMS_GSM7 ? "..." : "\xe2\x80\xa6";
	keep = cut_length(utf8, info.coding, max_segments);
	if ((*out = malloc(keep + strlen(ellipsis) + 1)) == NULL)
		return TW_ERR_NOMEM;
	memcpy(*out, utf8, keep);
	strcpy(*out + keep, ellipsis);
	*shortened = 1;
	return TW_OK;
}
