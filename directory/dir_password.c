/*
 * dir_password: argon2id verifiers and the NT hash.
 */
#include <pthread.h>
#include <string.h>

#include <argon2.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/provider.h>
#include <openssl/rand.h>

#include "dir_password.h"

#define PW_T_COST   2
#define PW_M_COST   19456
#define PW_LANES    1
#define PW_SALT_LEN 16
#define PW_TAG_LEN  32

static int hash_into(const char *password, char *out, size_t out_len, const char **why_r)
{
	uint8_t salt[PW_SALT_LEN];
	int ret;

	if (RAND_bytes(salt, sizeof(salt)) != 1) {
		*why_r = "RAND_bytes failed";
		return -1;
	}
	ret = argon2id_hash_encoded(PW_T_COST, PW_M_COST, PW_LANES, password, strlen(password),
	                            salt, sizeof(salt), PW_TAG_LEN, out, out_len);
	OPENSSL_cleanse(salt, sizeof(salt));
	if (ret != ARGON2_OK) {
		*why_r = argon2_error_message(ret);
		return -1;
	}
	return 0;
}

int dir_password_hash(TALLOC_CTX *mem_ctx, const char *password, char **encoded_r,
                      const char **why_r)
{
	size_t len =
	    argon2_encodedlen(PW_T_COST, PW_M_COST, PW_LANES, PW_SALT_LEN, PW_TAG_LEN, Argon2_id);
	char *out;

	if (strlen(password) > DIR_PASSWORD_MAX) {
		*why_r = "password longer than 1024 bytes";
		return -1;
	}
	out = talloc_zero_size(mem_ctx, len);
	if (out == NULL) {
		*why_r = "out of memory";
		return -1;
	}
	if (hash_into(password, out, len, why_r) < 0) {
		talloc_free(out);
		return -1;
	}
	*encoded_r = out;
	return 0;
}

/* The dummy verifier: a hash of random bytes nobody knows, made once. */
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char dummy_hash[128];
static int dummy_ok;

static void dummy_init(void)
{
	uint8_t secret[16];
	char pw[33];
	const char *why;

	if (RAND_bytes(secret, sizeof(secret)) != 1)
		return;
	for (unsigned i = 0; i < 16; i++) {
		pw[2 * i] = (char)('a' + (secret[i] & 0xF));
		pw[2 * i + 1] = (char)('a' + (secret[i] >> 4));
	}
	pw[32] = '\0';
	dummy_ok = hash_into(pw, dummy_hash, sizeof(dummy_hash), &why) == 0;
	OPENSSL_cleanse(pw, sizeof(pw));
	OPENSSL_cleanse(secret, sizeof(secret));
}

int dir_password_verify(const char *encoded, const char *password, const char **why_r)
{
	size_t len = strlen(password);
	int ret;

	if (encoded == NULL || len > DIR_PASSWORD_MAX) {
		pthread_once(&dummy_once, dummy_init);
		if (!dummy_ok) {
			*why_r = "cannot make the dummy verifier";
			return -1;
		}
		(void)argon2id_verify(dummy_hash, password, len > DIR_PASSWORD_MAX ? 0 : len);
		return 0;
	}
	/* argon2_verify compares the tags in constant time. */
	ret = argon2id_verify(encoded, password, len);
	if (ret == ARGON2_OK)
		return 1;
	if (ret == ARGON2_VERIFY_MISMATCH)
		return 0;
	*why_r = argon2_error_message(ret);
	return -1;
}

/* UTF-8 to UTF-16LE, strictly (RFC 3629; no surrogates, no overlongs).
 * Returns the number of bytes written, or -1. */
static long utf8_to_utf16le(const char *in, uint8_t *out, size_t out_size)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t o = 0;

	while (*s != '\0') {
		uint32_t cp;
		unsigned n;

		if (s[0] < 0x80) {
			cp = s[0], n = 1;
		} else if (s[0] >= 0xC2 && s[0] <= 0xDF) {
			cp = s[0] & 0x1Fu, n = 2;
		} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
			cp = s[0] & 0x0Fu, n = 3;
		} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
			cp = s[0] & 0x07u, n = 4;
		} else {
			return -1;
		}
		for (unsigned i = 1; i < n; i++) {
			if ((s[i] & 0xC0) != 0x80)
				return -1;
			cp = (cp << 6) | (s[i] & 0x3Fu);
		}
		if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return -1;
		s += n;
		if (cp >= 0x10000) {
			uint32_t v = cp - 0x10000;
			uint16_t hi = (uint16_t)(0xD800 | (v >> 10)),
			         lo = (uint16_t)(0xDC00 | (v & 0x3FF));

			if (out_size - o < 4)
				return -1;
			out[o++] = (uint8_t)hi, out[o++] = (uint8_t)(hi >> 8);
			out[o++] = (uint8_t)lo, out[o++] = (uint8_t)(lo >> 8);
		} else {
			if (out_size - o < 2)
				return -1;
			out[o++] = (uint8_t)cp, out[o++] = (uint8_t)(cp >> 8);
		}
	}
	return (long)o;
}

/* MD4 lives in OpenSSL 3's legacy provider; load it into a library context
 * of our own so the process-wide default stays as configured. */
static pthread_once_t md4_once = PTHREAD_ONCE_INIT;
static OSSL_LIB_CTX *md4_libctx;
static EVP_MD *md4_md;

static void md4_init(void)
{
	md4_libctx = OSSL_LIB_CTX_new();
	if (md4_libctx == NULL)
		return;
	if (OSSL_PROVIDER_load(md4_libctx, "legacy") == NULL ||
	    OSSL_PROVIDER_load(md4_libctx, "default") == NULL)
		return;
	md4_md = EVP_MD_fetch(md4_libctx, "MD4", NULL);
}

int dir_nt_hash(const char *password, uint8_t hash_r[16], const char **why_r)
{
	uint8_t buf[DIR_PASSWORD_MAX * 2];
	unsigned int md_len = 0;
	long len;
	int ok;

	pthread_once(&md4_once, md4_init);
	if (md4_md == NULL) {
		*why_r = "MD4 is not available (OpenSSL legacy provider)";
		return -1;
	}
	len = utf8_to_utf16le(password, buf, sizeof(buf));
	if (len < 0) {
		*why_r = "password is not valid UTF-8 or is too long";
		return -1;
	}
	/* [MS-NLMP] 3.3.1: NTOWFv1(Passwd) = MD4(UNICODE(Passwd)) */
	ok = EVP_Digest(buf, (size_t)len, hash_r, &md_len, md4_md, NULL) == 1 && md_len == 16;
	OPENSSL_cleanse(buf, sizeof(buf));
	if (!ok) {
		*why_r = "MD4 digest failed";
		return -1;
	}
	return 0;
}
