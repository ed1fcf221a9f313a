/*
 * token.c: random tokens, keyed hashes and the one-time form token.
 *
 * A form token is "NONCE.ISSUED.MAC": 32 hex digits of randomness, the
 * Unix time it was issued and an HMAC-SHA256 of both under the site
 * secret. The server keeps nothing when it hands one out; the nonce of
 * an accepted token is stored in a unique column, so a form posted twice
 * creates one case.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "tawasul.h"

/*
 * Encodes len bytes as unpadded base64url into out, which has room for at least
 * 4 * ceil(len / 3) + 1 bytes; a shorter buffer gets a truncated string.
 */
void
tw_base64url(const unsigned char *in, size_t len, char *out, size_t outsz)
{
	unsigned char buf[256];
	size_t n;

	if (outsz == 0)
		return;
	if (len > 189)
		len = 189; /* 4 * 63 = 252 bytes of output fit in buf */
	n = EVP_EncodeBlock(buf, in, (int)len);
	while (n > 0 && buf[n - 1] == '=')
		n--;
	if (n >= outsz)
		n = outsz - 1;
	/* base64url replaces '+' and '/' of base64 by '-' and '_'. */
	for (size_t i = 0; i < n; i++) {
		out[i] = (char)buf[i];
		if (out[i] == '+')
			out[i] = '-';
		else if (out[i] == '/')
			out[i] = '_';
	}
	out[n] = '\0';
}

/*
 * Writes nbytes of cryptographic randomness into out as base64url.
 * Returns TW_OK, or TW_ERR_IO when the generator fails.
 */
enum tw_err
tw_random_token(char *out, size_t outsz, size_t nbytes)
{
	unsigned char raw[64];

	if (nbytes > sizeof raw || RAND_bytes(raw, (int)nbytes) != 1)
		return TW_ERR_IO;
	tw_base64url(raw, nbytes, out, outsz);
	OPENSSL_cleanse(raw, sizeof raw);
	return TW_OK;
}

/*
 * Writes base64url(HMAC-SHA256(secret, purpose NUL data)) into out,
 * which needs 44 bytes. The purpose keeps a MAC made for one use from
 * being accepted for another.
 */
void
tw_hmac_token(const char *secret, const char *purpose, const char *data,
    char *out, size_t outsz)
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	size_t plen = strlen(purpose), dlen = strlen(data);
	unsigned char *msg;

	if ((msg = malloc(plen + 1 + dlen)) == NULL) {
		if (outsz > 0)
			out[0] = '\0';
		return;
	}
	memcpy(msg, purpose, plen + 1);
	memcpy(msg + plen + 1, data, dlen);
	HMAC(EVP_sha256(), secret, (int)strlen(secret), msg, plen + 1 + dlen,
	    mac, &maclen);
	free(msg);
	tw_base64url(mac, maclen, out, outsz);
}

/* Compares two tokens in time that does not depend on where they differ. */
int
tw_token_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la != lb || la == 0)
		return 0;
	return CRYPTO_memcmp(a, b, la) == 0;
}

/* Writes the SHA-256 of data as 64 lower-case hex digits and a NUL. */
void
tw_sha256_hex(const char *data, size_t len, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL);
	for (unsigned int i = 0; i < mdlen && i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	out[64] = '\0';
}

/*
 * Issues a form token for time now into out (at least 100 bytes).
 * Returns TW_OK or TW_ERR_IO.
 */
enum tw_err
tw_form_token_new(const char *secret, time_t now, char *out, size_t outsz)
{
	unsigned char raw[16];
	char head[64], mac[44];

	if (RAND_bytes(raw, sizeof raw) != 1)
		return TW_ERR_IO;
	for (size_t i = 0; i < sizeof raw; i++)
		snprintf(head + 2 * i, 3, "%02x", raw[i]);
	snprintf(head + 32, sizeof head - 32, ".%lld", (long long)now);
	tw_hmac_token(secret, "form", head, mac, sizeof mac);
	if ((size_t)snprintf(out, outsz, "%s.%s", head, mac) >= outsz)
		return TW_ERR_IO;
	return TW_OK;
}

/*
 * Checks a form token: its MAC, and that it was issued no more than
 * max_age seconds before now and at most 300 seconds after it, which
 * tolerates clocks that differ by five minutes. On TW_OK the nonce is
 * copied to nonce. Returns TW_ERR_FORBIDDEN otherwise.
 */
enum tw_err
tw_form_token_check(const char *secret, const char *token, time_t now,
    long max_age, char nonce[33])
{
	char head[64], mac[44];
	const char *dot;
	long long issued = 0;
	size_t hlen;

	dot = strchr(token, '.');
	if (dot == NULL || dot - token != 32 ||
	    (dot = strchr(dot + 1, '.')) == NULL)
		return TW_ERR_FORBIDDEN;
	hlen = dot - token;
	if (hlen >= sizeof head || hlen < 34)
		return TW_ERR_FORBIDDEN;
	for (size_t i = 0; i < 32; i++)
		if (!isxdigit((unsigned char)token[i]) ||
		    isupper((unsigned char)token[i]))
			return TW_ERR_FORBIDDEN;
	/* At most 18 digits, so issued cannot overflow a long long. */
	for (size_t i = 33; i < hlen; i++) {
		if (!isdigit((unsigned char)token[i]) || i >= 33 + 18)
			return TW_ERR_FORBIDDEN;
		issued = issued * 10 + (token[i] - '0');
	}
	memcpy(head, token, hlen);
	head[hlen] = '\0';
	tw_hmac_token(secret, "form", head, mac, sizeof mac);
	if (!tw_token_equal(mac, dot + 1))
		return TW_ERR_FORBIDDEN;
	if (issued > (long long)now + 300 || (long long)now - issued > max_age)
		return TW_ERR_FORBIDDEN;
	memcpy(nonce, token, 32);
	nonce[32] = '\0';
	return TW_OK;
}
