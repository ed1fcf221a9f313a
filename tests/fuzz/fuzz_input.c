/*
 * fuzz_input.c: a fuzz target for every parser of untrusted text in
 * lib/: UTF-8 checks, digit normalisation, text clean-up, mobile
 * numbers, e-mail addresses, decimals, coordinates, case numbers, form
 * tokens, Accept-Language headers and the IVR provider's urlencoded
 * parameters with their signature.
 *
 * Built with clang -fsanitize=fuzzer (./configure --enable-fuzz) it is
 * a libFuzzer target; otherwise replay.c runs it over tests/fuzz/corpus
 * in make check, so the seed inputs stay exercised under the sanitizers
 * of --enable-debug.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tawasul.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Checks the properties every parser promises, aborting when one fails. */
static void
check_text(const char *text)
{
	char mobile[16], number[TW_CASENUM_LEN + 1], nonce[33], *copy;
	struct tw_area area = { 22.4, 23.9, 57.7, 59.4 };
	double value, lat, lon;

	if ((copy = tw_digits_ascii(text)) != NULL) {
		if (strlen(copy) > strlen(text))
			abort();
		free(copy);
	}
	if ((copy = tw_text_clean(text, 1)) != NULL) {
		if (strlen(copy) > strlen(text) ||
		    !tw_utf8_valid(copy, strlen(copy)))
			abort();
		free(copy);
	}
	if (tw_mobile_normalise(text, mobile) == TW_OK &&
	    (strlen(mobile) != 12 || strncmp(mobile, "+968", 4) != 0))
		abort();
	if (tw_casenum_parse(text, number) == TW_OK &&
	    (strlen(number) != TW_CASENUM_LEN || tw_damm_digit(number) != 0))
		abort();
	(void)tw_email_check(text);
	(void)tw_decimal_parse(text, &value);
	(void)tw_coords_check(text, text, &area, &lat, &lon);
	(void)tw_form_token_check("0123456789abcdef0123456789abcdef", text,
	    1700000000, 86400, nonce);
	(void)tw_lang_from_accept(text);
}

/* Parses an urlencoded body of any bytes: the parameters come out sorted
 * by name, and their signature verifies. */
static void
check_ivr_params(const char *body, size_t size)
{
	struct tw_ivr_params *ps = NULL;
	char sig[TW_IVR_SIGNATURE_LEN + 1];

	if (tw_ivr_params_parse(body, size, &ps) != TW_OK)
		return;
	for (size_t i = 1; i < ps->n; i++)
		if (strcmp(ps->items[i - 1].name, ps->items[i].name) > 0)
			abort();
	if (tw_ivr_sign("token", "https://example.invalid/ivr/voice", ps,
	        sig) != TW_OK ||
	    strlen(sig) != TW_IVR_SIGNATURE_LEN ||
	    !tw_ivr_signature_valid("token",
	        "https://example.invalid/ivr/voice", ps, sig))
		abort();
	tw_ivr_params_free(ps);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;

	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	/* Callers only pass text that passed tw_utf8_valid. */
	if (tw_utf8_valid(text, size))
		check_text(text);
	check_ivr_params(text, size);
	free(text);
	return 0;
}
