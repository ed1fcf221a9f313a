/*
 * check_token.c: unit tests of lib/token.c, random tokens, HMAC, SHA-256
 * and the "NONCE.ISSUED.MAC" token of a public form.
 *
 * Expected values are published test vectors: base64 of RFC 4648,
 * HMAC-SHA256 of RFC 4231 test case 2, and SHA-256 of "abc", "" and the
 * 448-bit NIST message. Each was rechecked with Python's base64, hmac and
 * hashlib modules. tw_hmac_token always puts a NUL between purpose and
 * data, so RFC 4231 cannot be fed to it directly. Instead the test checks
 * the reference HMAC below against RFC 4231 and then compares
 * tw_hmac_token with that reference.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "tawasul.h"

#define NCASES(a) (sizeof(a) / sizeof((a)[0]))

#define BASE64URL                                                              \
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

#define SECRET    "test secret of the unit tests"
#define NOW       1700000000
#define MAX_AGE   3600
#define MAC_CHARS 43 /* unpadded base64url of 32 bytes */

/* Returns 1 when s is not empty and uses only the base64url alphabet. */
static int
is_base64url(const char *s)
{
	return *s != '\0' && s[strspn(s, BASE64URL)] == '\0';
}

struct base64_case {
	const char *in;
	const char *out;
};

static const struct base64_case rfc4648[] = {
	{ "", "" },
	{ "f", "Zg" },
	{ "fo", "Zm8" },
	{ "foo", "Zm9v" },
	{ "foob", "Zm9vYg" },
	{ "fooba", "Zm9vYmE" },
	{ "foobar", "Zm9vYmFy" },
};

START_TEST(test_base64url_rfc4648_vectors)
{
	char out[16];

	tw_base64url((const unsigned char *)rfc4648[_i].in,
	    strlen(rfc4648[_i].in), out, sizeof out);
	ck_assert_str_eq(out, rfc4648[_i].out);
}
END_TEST

START_TEST(test_base64url_url_alphabet)
{
	/* Standard base64 gives "+/+/" and "/w==" for these bytes. */
	const unsigned char plus_slash[] = { 0xfb, 0xff, 0xbf };
	const unsigned char ff[] = { 0xff };
	char out[16];

	tw_base64url(plus_slash, sizeof plus_slash, out, sizeof out);
	ck_assert_str_eq(out, "-_-_");
	tw_base64url(ff, sizeof ff, out, sizeof out);
	ck_assert_str_eq(out, "_w");
}
END_TEST

START_TEST(test_base64url_short_buffer)
{
	const unsigned char *foobar = (const unsigned char *)"foobar";
	char out[8];

	tw_base64url(foobar, 6, out, 3);
	ck_assert_str_eq(out, "Zm");
	tw_base64url(foobar, 6, out, 1);
	ck_assert_str_eq(out, "");
	memcpy(out, "intact", 7);
	tw_base64url(foobar, 6, out, 0);
	ck_assert_str_eq(out, "intact");
}
END_TEST

struct length_case {
	size_t nbytes;
	size_t chars;
};

static const struct length_case random_lengths[] = {
	{ 1, 2 },
	{ 2, 3 },
	{ 3, 4 },
	{ 16, 22 },
	{ 32, 43 },
	{ 64, 86 },
};

START_TEST(test_random_token_length)
{
	char out[128];

	ck_assert_int_eq(tw_random_token(out, sizeof out,
	                     random_lengths[_i].nbytes),
	    TW_OK);
	ck_assert_uint_eq(strlen(out), random_lengths[_i].chars);
	ck_assert_msg(is_base64url(out), "not base64url: %s", out);
}
END_TEST

START_TEST(test_random_tokens_differ)
{
	char tokens[200][44];
	int repeats = 0;

	for (int i = 0; i < 200; i++)
		ck_assert_int_eq(tw_random_token(tokens[i], 44, 32), TW_OK);
	for (int i = 0; i < 200; i++)
		for (int j = i + 1; j < 200; j++)
			if (strcmp(tokens[i], tokens[j]) == 0)
				repeats++;
	ck_assert_int_eq(repeats, 0);
}
END_TEST

START_TEST(test_random_rejects_oversize)
{
	char out[256];

	ck_assert_int_ne(tw_random_token(out, sizeof out, 65), TW_OK);
	ck_assert_int_ne(tw_random_token(out, sizeof out, 1000), TW_OK);
}
END_TEST

/* Computes HMAC-SHA256 of the len bytes of msg as lower-case hex. */
static void
reference_hmac_hex(const char *key, const void *msg, size_t len, char hex[65])
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;

	HMAC(EVP_sha256(), key, (int)strlen(key), msg, len, mac, &maclen);
	for (unsigned int i = 0; i < maclen && i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", mac[i]);
	hex[64] = '\0';
}

/* Computes the expected tw_hmac_token of purpose NUL data. */
static void
reference_hmac_token(const char *key, const char *purpose, const char *data,
    char out[44])
{
	unsigned char msg[256], mac[EVP_MAX_MD_SIZE], b64[64];
	unsigned int maclen = 0;
	size_t plen = strlen(purpose), dlen = strlen(data), n;

	memcpy(msg, purpose, plen + 1);
	memcpy(msg + plen + 1, data, dlen);
	HMAC(EVP_sha256(), key, (int)strlen(key), msg, plen + 1 + dlen, mac,
	    &maclen);
	n = (size_t)EVP_EncodeBlock(b64, mac, (int)maclen);
	while (n > 0 && b64[n - 1] == '=')
		n--;
	for (size_t i = 0; i < n; i++) {
		if (b64[i] == '+')
			b64[i] = '-';
		else if (b64[i] == '/')
			b64[i] = '_';
	}
	memcpy(out, b64, n);
	out[n] = '\0';
}

START_TEST(test_hmac_matches_reference)
{
	static const char rfc4231_case2[] =
	    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
	char hex[65], expected[44], out[44];

	reference_hmac_hex("Jefe", "what do ya want for nothing?", 28, hex);
	ck_assert_str_eq(hex, rfc4231_case2);

	reference_hmac_token("Jefe", "what do ya want", "for nothing?",
	    expected);
	tw_hmac_token("Jefe", "what do ya want", "for nothing?", out,
	    sizeof out);
	ck_assert_str_eq(out, expected);
}
END_TEST

START_TEST(test_hmac_length_and_alphabet)
{
	char out[44];

	tw_hmac_token(SECRET, "form", "data", out, sizeof out);
	ck_assert_uint_eq(strlen(out), MAC_CHARS);
	ck_assert_msg(is_base64url(out), "not base64url: %s", out);
}
END_TEST

START_TEST(test_hmac_deterministic)
{
	char a[44], b[44];

	tw_hmac_token(SECRET, "form", "data", a, sizeof a);
	tw_hmac_token(SECRET, "form", "data", b, sizeof b);
	ck_assert_str_eq(a, b);
}
END_TEST

struct hmac_input {
	const char *secret;
	const char *purpose;
	const char *data;
};

/* Each differs from the first in one input; every MAC must differ. */
static const struct hmac_input hmac_inputs[] = {
	{ SECRET, "form", "data" },
	{ SECRET, "csrf", "data" }, /* purpose */
	{ SECRET, "form", "date" }, /* data */
	{ "another secret", "form", "data" }, /* secret */
	{ SECRET, "formd", "ata" }, /* boundary moved */
	{ SECRET, "for", "mdata" },
	{ SECRET, "", "formdata" },
	{ SECRET, "formdata", "" },
	{ "", "form", "data" },
};

START_TEST(test_hmac_separates_inputs)
{
	char macs[NCASES(hmac_inputs)][44];

	for (size_t i = 0; i < NCASES(hmac_inputs); i++)
		tw_hmac_token(hmac_inputs[i].secret, hmac_inputs[i].purpose,
		    hmac_inputs[i].data, macs[i], sizeof macs[i]);
	for (size_t i = 0; i < NCASES(hmac_inputs); i++)
		for (size_t j = i + 1; j < NCASES(hmac_inputs); j++)
			ck_assert_msg(strcmp(macs[i], macs[j]) != 0,
			    "inputs %zu and %zu share a MAC", i, j);
}
END_TEST

START_TEST(test_token_equal_accepts_same)
{
	char copy[] = "Zm9vYmFy-_";

	ck_assert_int_eq(tw_token_equal("Zm9vYmFy-_", copy), 1);
	ck_assert_int_eq(tw_token_equal("a", "a"), 1);
}
END_TEST

struct pair_case {
	const char *a;
	const char *b;
};

static const struct pair_case unequal[] = {
	{ "Zm9vYmFy", "Zm9vYmFz" }, /* last character */
	{ "Zm9vYmFy", "Ym9vYmFy" }, /* first character */
	{ "Zm9vYmFy", "zm9vymfy" }, /* case */
	{ "Zm9vYmFy", "Zm9vYmF" }, /* prefix */
	{ "Zm9vYmFy", "Zm9vYmFyX" }, /* longer */
	{ "", "" }, /* an empty token never matches */
	{ "", "Zm9v" },
	{ "Zm9v", "" },
};

START_TEST(test_token_equal_rejects_different)
{
	ck_assert_msg(tw_token_equal(unequal[_i].a, unequal[_i].b) == 0,
	    "\"%s\" == \"%s\"", unequal[_i].a, unequal[_i].b);
}
END_TEST

struct sha_case {
	const char *data;
	size_t len;
	const char *hex;
};

static const struct sha_case sha_cases[] = {
	{ "abc", 3,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a"
	    "d" },
	{ "", 0,
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85"
	    "5" },
	{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
	    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c"
	    "1" },
	{ "abcdef", 3, /* only len bytes: the SHA-256 of "abc" */
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a"
	    "d" },
	{ "a\0b", 3, /* computed with Python's hashlib */
	    "59b271ae1bbcb1d31d41929817f4b16fb439eb4f31520b5ad1d5ce98920a713"
	    "8" },
};

START_TEST(test_sha256_known_answers)
{
	char out[65];

	tw_sha256_hex(sha_cases[_i].data, sha_cases[_i].len, out);
	ck_assert_str_eq(out, sha_cases[_i].hex);
}
END_TEST

/* Builds nonce.issued.MAC with a correct MAC under secret. */
static void
make_form_token(const char *secret, const char *nonce, const char *issued,
    char *out, size_t outsz)
{
	char head[128], mac[44];

	snprintf(head, sizeof head, "%s.%s", nonce, issued);
	tw_hmac_token(secret, "form", head, mac, sizeof mac);
	snprintf(out, outsz, "%s.%s", head, mac);
}

START_TEST(test_form_token_format)
{
	char token[128], expected_tail[64], *dot;
	size_t nonce_len;

	ck_assert_int_eq(tw_form_token_new(SECRET, NOW, token, sizeof token),
	    TW_OK);
	nonce_len = strspn(token, "0123456789abcdef");
	ck_assert_uint_eq(nonce_len, 32);
	ck_assert_int_eq(token[32], '.');
	snprintf(expected_tail, sizeof expected_tail, "%d.", NOW);
	ck_assert_int_eq(strncmp(token + 33, expected_tail,
	                     strlen(expected_tail)),
	    0);
	dot = strrchr(token, '.');
	ck_assert_uint_eq(strlen(dot + 1), MAC_CHARS);
	ck_assert_msg(is_base64url(dot + 1), "MAC not base64url: %s", dot + 1);
}
END_TEST

START_TEST(test_form_token_accepts_fresh)
{
	char token[128], nonce[33];

	ck_assert_int_eq(tw_form_token_new(SECRET, NOW, token, sizeof token),
	    TW_OK);
	ck_assert_int_eq(tw_form_token_check(SECRET, token, NOW, MAX_AGE,
	                     nonce),
	    TW_OK);
	ck_assert_int_eq(strncmp(nonce, token, 32), 0);
	ck_assert_uint_eq(strlen(nonce), 32);
	ck_assert_int_eq(tw_form_token_check(SECRET, token, NOW + MAX_AGE,
	                     MAX_AGE, nonce),
	    TW_OK);
}
END_TEST

START_TEST(test_form_token_accepts_built)
{
	char token[256], nonce[33];

	make_form_token(SECRET, "0123456789abcdef0123456789abcdef",
	    "1700000000", token, sizeof token);
	ck_assert_int_eq(tw_form_token_check(SECRET, token, NOW, MAX_AGE,
	                     nonce),
	    TW_OK);
	ck_assert_str_eq(nonce, "0123456789abcdef0123456789abcdef");
}
END_TEST

START_TEST(test_form_tokens_differ)
{
	char a[128], b[128];

	ck_assert_int_eq(tw_form_token_new(SECRET, NOW, a, sizeof a), TW_OK);
	ck_assert_int_eq(tw_form_token_new(SECRET, NOW, b, sizeof b), TW_OK);
	ck_assert_int_ne(strncmp(a, b, 32), 0);
}
END_TEST

START_TEST(test_form_token_rejects_tampering)
{
	char good[128], bad[128], nonce[33], *mac;
	size_t len;

	ck_assert_int_eq(tw_form_token_new(SECRET, NOW, good, sizeof good),
	    TW_OK);
	len = strlen(good);
	mac = strrchr(good, '.') + 1;

	/* A different hex digit in the nonce. */
	memcpy(bad, good, len + 1);
	bad[5] = bad[5] == 'a' ? 'b' : 'a';
	ck_assert_int_eq(tw_form_token_check(SECRET, bad, NOW, MAX_AGE, nonce),
	    TW_ERR_FORBIDDEN);

	/* An issue time one second earlier, still inside max_age. */
	snprintf(bad, sizeof bad, "%.32s.%d.%s", good, NOW - 1, mac);
	ck_assert_int_eq(tw_form_token_check(SECRET, bad, NOW, MAX_AGE, nonce),
	    TW_ERR_FORBIDDEN);

	/* A different last character of the MAC. */
	memcpy(bad, good, len + 1);
	bad[len - 1] = bad[len - 1] == 'A' ? 'B' : 'A';
	ck_assert_int_eq(tw_form_token_check(SECRET, bad, NOW, MAX_AGE, nonce),
	    TW_ERR_FORBIDDEN);

	/* The MAC one character short, then one character long. */
	memcpy(bad, good, len + 1);
	bad[len - 1] = '\0';
	ck_assert_int_eq(tw_form_token_check(SECRET, bad, NOW, MAX_AGE, nonce),
	    TW_ERR_FORBIDDEN);
	snprintf(bad, sizeof bad, "%sA", good);
	ck_assert_int_eq(tw_form_token_check(SECRET, bad, NOW, MAX_AGE, nonce),
	    TW_ERR_FORBIDDEN);
}
END_TEST

START_TEST(test_form_token_rejects_other_purpose)
{
	char head[64], mac[44], token[128], nonce[33];

	snprintf(head, sizeof head, "0123456789abcdef0123456789abcdef.%d", NOW);
	tw_hmac_token(SECRET, "csrf", head, mac, sizeof mac);
	snprintf(token, sizeof token, "%s.%s", head, mac);
	ck_assert_int_eq(tw_form_token_check(SECRET, token, NOW, MAX_AGE,
	                     nonce),
	    TW_ERR_FORBIDDEN);
}
END_TEST

START_TEST(test_form_token_rejects_wrong_secret)
{
	char token[128], nonce[33];

	ck_assert_int_eq(tw_form_token_new(SECRET, NOW, token, sizeof token),
	    TW_OK);
	ck_assert_int_eq(tw_form_token_check("another secret", token, NOW,
	                     MAX_AGE, nonce),
	    TW_ERR_FORBIDDEN);
	ck_assert_int_eq(tw_form_token_check("", token, NOW, MAX_AGE, nonce),
	    TW_ERR_FORBIDDEN);
}
END_TEST

START_TEST(test_form_token_rejects_expired)
{
	char token[128], nonce[33];

	ck_assert_int_eq(tw_form_token_new(SECRET, NOW, token, sizeof token),
	    TW_OK);
	ck_assert_int_eq(tw_form_token_check(SECRET, token, NOW + MAX_AGE + 1,
	                     MAX_AGE, nonce),
	    TW_ERR_FORBIDDEN);
	ck_assert_int_eq(tw_form_token_check(SECRET, token, NOW + 86400,
	                     MAX_AGE, nonce),
	    TW_ERR_FORBIDDEN);
}
END_TEST

START_TEST(test_form_token_rejects_future)
{
	char token[128], nonce[33];

	ck_assert_int_eq(tw_form_token_new(SECRET, NOW, token, sizeof token),
	    TW_OK);
	ck_assert_int_eq(tw_form_token_check(SECRET, token, NOW - 3600, MAX_AGE,
	                     nonce),
	    TW_ERR_FORBIDDEN);
	ck_assert_int_eq(tw_form_token_check(SECRET, token, NOW - 86400,
	                     MAX_AGE, nonce),
	    TW_ERR_FORBIDDEN);
}
END_TEST

struct shape_case {
	const char *nonce;
	const char *issued;
};

/* Each gets a correct MAC, so only the shape can reject it. */
static const struct shape_case shapes_bad[] = {
	{ "0123456789abcdef0123456789abcde", "1700000000" }, /* 31 hex */
	{ "0123456789abcdef0123456789abcdef0", "1700000000" }, /* 33 hex */
	{ "0123456789ABCDEF0123456789ABCDEF", "1700000000" }, /* upper */
	{ "0123456789abcdef0123456789abcdeg", "1700000000" }, /* not hex */
	{ "0123456789abcdef 123456789abcdef", "1700000000" },
	{ "0123456789abcdef0123456789abcdef", "" },
	{ "0123456789abcdef0123456789abcdef", "17000000x0" },
	{ "0123456789abcdef0123456789abcdef", "-1700000000" },
	{ "0123456789abcdef0123456789abcdef", "+1700000000" },
	{ "0123456789abcdef0123456789abcdef", " 1700000000" },
	{ "0123456789abcdef0123456789abcdef", "9999999999999999999" },
	{ "0123456789abcdef0123456789abcdef", "99999999999999999999999" },
};

START_TEST(test_form_token_rejects_shape)
{
	char token[256], nonce[33];

	make_form_token(SECRET, shapes_bad[_i].nonce, shapes_bad[_i].issued,
	    token, sizeof token);
	ck_assert_msg(tw_form_token_check(SECRET, token, NOW, MAX_AGE, nonce) ==
	        TW_ERR_FORBIDDEN,
	    "accepted \"%s\"", token);
}
END_TEST

static const char *const tokens_malformed[] = {
	"",
	".",
	"..",
	"abc",
	"0123456789abcdef0123456789abcdef",
	"0123456789abcdef0123456789abcdef.1700000000",
	"0123456789abcdef0123456789abcdef.1700000000.",
	"0123456789abcdef0123456789abcdef..AAAA",
	".1700000000.AAAA",
};

START_TEST(test_form_token_rejects_malformed)
{
	char nonce[33];

	ck_assert_msg(tw_form_token_check(SECRET, tokens_malformed[_i], NOW,
	                  MAX_AGE, nonce) == TW_ERR_FORBIDDEN,
	    "accepted \"%s\"", tokens_malformed[_i]);
}
END_TEST

static Suite *
token_suite(void)
{
	Suite *s = suite_create("token");
	TCase *tc;

	tc = tcase_create("encoding");
	tcase_add_loop_test(tc, test_base64url_rfc4648_vectors, 0,
	    NCASES(rfc4648));
	tcase_add_test(tc, test_base64url_url_alphabet);
	tcase_add_test(tc, test_base64url_short_buffer);
	tcase_add_loop_test(tc, test_sha256_known_answers, 0,
	    NCASES(sha_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("random");
	tcase_add_loop_test(tc, test_random_token_length, 0,
	    NCASES(random_lengths));
	tcase_add_test(tc, test_random_tokens_differ);
	tcase_add_test(tc, test_random_rejects_oversize);
	suite_add_tcase(s, tc);

	tc = tcase_create("hmac");
	tcase_add_test(tc, test_hmac_matches_reference);
	tcase_add_test(tc, test_hmac_length_and_alphabet);
	tcase_add_test(tc, test_hmac_deterministic);
	tcase_add_test(tc, test_hmac_separates_inputs);
	tcase_add_test(tc, test_token_equal_accepts_same);
	tcase_add_loop_test(tc, test_token_equal_rejects_different, 0,
	    NCASES(unequal));
	suite_add_tcase(s, tc);

	tc = tcase_create("form_token");
	tcase_add_test(tc, test_form_token_format);
	tcase_add_test(tc, test_form_token_accepts_fresh);
	tcase_add_test(tc, test_form_token_accepts_built);
	tcase_add_test(tc, test_form_tokens_differ);
	tcase_add_test(tc, test_form_token_rejects_tampering);
	tcase_add_test(tc, test_form_token_rejects_other_purpose);
	tcase_add_test(tc, test_form_token_rejects_wrong_secret);
	tcase_add_test(tc, test_form_token_rejects_expired);
	tcase_add_test(tc, test_form_token_rejects_future);
	tcase_add_loop_test(tc, test_form_token_rejects_shape, 0,
	    NCASES(shapes_bad));
	tcase_add_loop_test(tc, test_form_token_rejects_malformed, 0,
	    NCASES(tokens_malformed));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(token_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
