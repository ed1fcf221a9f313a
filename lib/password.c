/*
 * password.c: staff passwords, hashed with scrypt from OpenSSL.
 *
 * A stored hash reads "scrypt$LOG2N$R$P$SALT$HASH" with the salt and
 * the 32-byte key in hex, so the cost can be raised later and old hashes
 * still verify with the parameters they were made with.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "tawasul.h"

/* 2^15 x 8 x 128 bytes: 32 MiB and about 0.1 s per hash on one core. */
#define SCRYPT_LOG2N 15
#define SCRYPT_R     8
#define SCRYPT_P     1
#define SALT_LEN     16
#define KEY_LEN      32

static void
to_hex(const unsigned char *in, size_t len, char *out)
{
	for (size_t i = 0; i < len; i++)
		snprintf(out + 2 * i, 3, "%02x", in[i]);
}

/* Decodes exactly len bytes of lower-case hex; returns 0 on success. */
static int
from_hex(const char *in, size_t len, unsigned char *out)
{
	for (size_t i = 0; i < len; i++) {
		unsigned int byte;

		if (!isxdigit((unsigned char)in[2 * i]) ||
		    !isxdigit((unsigned char)in[2 * i + 1]) ||
		    sscanf(in + 2 * i, "%2x", &byte) != 1)
			return -1;
		out[i] = (unsigned char)byte;
	}
	return in[2 * len] == '\0' || in[2 * len] == '$' ? 0 : -1;
}

static int
derive(const char *password, const unsigned char *salt, unsigned log2n,
    unsigned r, unsigned p, unsigned char key[KEY_LEN])
{
	return EVP_PBE_scrypt(password, strlen(password), salt, SALT_LEN,
	           (uint64_t)1 << log2n, r, p, 256u * 1024 * 1024, key,
	           KEY_LEN) == 1
	    ? 0
	    : -1;
}

/*
 * Checks the password policy: 10 to 128 characters of valid UTF-8.
 * Returns TW_OK or TW_ERR_INPUT.
 */
enum tw_err
tw_password_acceptable(const char *password)
{
	size_t chars;

	if (!tw_utf8_valid(password, strlen(password)))
		return TW_ERR_INPUT;
	chars = tw_utf8_chars(password);
	return chars >= 10 && chars <= 128 ? TW_OK : TW_ERR_INPUT;
}

/*
 * Hashes a password with a new random salt into out (at least 160
 * bytes). Returns TW_OK, or TW_ERR_IO when randomness or scrypt fails.
 */
enum tw_err
tw_password_hash(const char *password, char *out, size_t outsz)
{
	unsigned char salt[SALT_LEN], key[KEY_LEN];
	char salt_hex[2 * SALT_LEN + 1], key_hex[2 * KEY_LEN + 1];
	int n;

	if (RAND_bytes(salt, sizeof salt) != 1 ||
	    derive(password, salt, SCRYPT_LOG2N, SCRYPT_R, SCRYPT_P, key) != 0)
		return TW_ERR_IO;
	to_hex(salt, SALT_LEN, salt_hex);
	to_hex(key, KEY_LEN, key_hex);
	OPENSSL_cleanse(key, sizeof key);
	n = snprintf(out, outsz, "scrypt$%d$%d$%d$%s$%s", SCRYPT_LOG2N,
	    SCRYPT_R, SCRYPT_P, salt_hex, key_hex);
	return n > 0 && (size_t)n < outsz ? TW_OK : TW_ERR_IO;
}

/*
 * Returns 1 when password matches the stored hash, 0 when it does not or
 * the stored value is malformed. The comparison takes constant time.
 */
int
tw_password_verify(const char *password, const char *stored)
{
	unsigned char salt[SALT_LEN], want[KEY_LEN], got[KEY_LEN];
	unsigned log2n, r, p;
	int consumed = 0, ok;

	if (stored == NULL ||
	    sscanf(stored, "scrypt$%u$%u$%u$%n", &log2n, &r, &p, &consumed) !=
	        3 ||
	    consumed == 0 || log2n < 10 || log2n > 20 || r < 1 || r > 32 ||
	    p < 1 || p > 4)
		return 0;
	if (strlen(stored + consumed) != 2 * SALT_LEN + 1 + 2 * KEY_LEN ||
	    from_hex(stored + consumed, SALT_LEN, salt) != 0 ||
	    from_hex(stored + consumed + 2 * SALT_LEN + 1, KEY_LEN, want) != 0)
		return 0;
	if (derive(password, salt, log2n, r, p, got) != 0)
		return 0;
	ok = CRYPTO_memcmp(got, want, KEY_LEN) == 0;
	OPENSSL_cleanse(got, sizeof got);
	return ok;
}
