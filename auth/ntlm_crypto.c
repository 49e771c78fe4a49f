/*
 * ntlm_crypto: the primitives NTLM needs, all from OpenSSL.  MD4, RC4 and
 * DES live in OpenSSL 3's legacy provider; they are fetched from a private
 * library context so that loading it changes nothing for the rest of the
 * process.
 */
#include <pthread.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/provider.h>

#include "ntlm_private.h"

static OSSL_LIB_CTX *ntlm_libctx;
static pthread_once_t ntlm_libctx_once = PTHREAD_ONCE_INIT;

static void ntlm_libctx_init(void)
{
	OSSL_LIB_CTX *ctx = OSSL_LIB_CTX_new();

	if (ctx == NULL)
		return;
	/* Without the legacy provider MD4/RC4/DES fail at fetch time, and
	 * with them NTLMv1 and key exchange; NTLMv2 itself needs only MD5. */
	(void)OSSL_PROVIDER_load(ctx, "default");
	(void)OSSL_PROVIDER_load(ctx, "legacy");
	ntlm_libctx = ctx;
}

static OSSL_LIB_CTX *libctx(void)
{
	pthread_once(&ntlm_libctx_once, ntlm_libctx_init);
	return ntlm_libctx;
}

bool ntlm_mem_equal(const void *a, const void *b, size_t len)
{
	return CRYPTO_memcmp(a, b, len) == 0;
}

int ntlm_hmac_md5(const uint8_t *key, size_t key_len, const struct ntlm_bytes *parts,
                  size_t n_parts, uint8_t out[16])
{
	EVP_MAC *mac = EVP_MAC_fetch(libctx(), "HMAC", NULL);
	EVP_MAC_CTX *ctx = NULL;
	OSSL_PARAM params[2];
	size_t out_len = 0;
	int ret = -1;

	if (mac == NULL || (ctx = EVP_MAC_CTX_new(mac)) == NULL)
		goto out;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"MD5", 0);
	params[1] = OSSL_PARAM_construct_end();
	if (EVP_MAC_init(ctx, key, key_len, params) != 1)
		goto out;
	for (size_t i = 0; i < n_parts; i++) {
		if (parts[i].len > 0 && EVP_MAC_update(ctx, parts[i].data, parts[i].len) != 1)
			goto out;
	}
	if (EVP_MAC_final(ctx, out, &out_len, 16) != 1 || out_len != 16)
		goto out;
	ret = 0;
out:
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return ret;
}

static int digest(const char *name, const struct ntlm_bytes *parts, size_t n_parts, uint8_t out[16])
{
	EVP_MD *md = EVP_MD_fetch(libctx(), name, NULL);
	EVP_MD_CTX *ctx = NULL;
	unsigned int out_len = 0;
	int ret = -1;

	if (md == NULL || (ctx = EVP_MD_CTX_new()) == NULL)
		goto out;
	if (EVP_DigestInit_ex(ctx, md, NULL) != 1)
		goto out;
	for (size_t i = 0; i < n_parts; i++) {
		if (parts[i].len > 0 && EVP_DigestUpdate(ctx, parts[i].data, parts[i].len) != 1)
			goto out;
	}
	if (EVP_DigestFinal_ex(ctx, out, &out_len) != 1 || out_len != 16)
		goto out;
	ret = 0;
out:
	EVP_MD_CTX_free(ctx);
	EVP_MD_free(md);
	return ret;
}

int ntlm_md4(const uint8_t *data, size_t len, uint8_t out[16])
{
	struct ntlm_bytes part = {data, len};

	return digest("MD4", &part, 1, out);
}

int ntlm_md5(const struct ntlm_bytes *parts, size_t n_parts, uint8_t out[16])
{
	return digest("MD5", parts, n_parts, out);
}

static int cipher_once(const char *name, const uint8_t *key, const uint8_t *in, size_t len,
                       uint8_t *out)
{
	EVP_CIPHER *cipher = EVP_CIPHER_fetch(libctx(), name, NULL);
	EVP_CIPHER_CTX *ctx = NULL;
	int n1 = 0, n2 = 0, ret = -1;

	if (cipher == NULL || (ctx = EVP_CIPHER_CTX_new()) == NULL || len > INT32_MAX)
		goto out;
	if (EVP_EncryptInit_ex2(ctx, cipher, key, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_set_padding(ctx, 0) != 1)
		goto out;
	if (EVP_EncryptUpdate(ctx, out, &n1, in, (int)len) != 1 ||
	    EVP_EncryptFinal_ex(ctx, out + n1, &n2) != 1 || (size_t)(n1 + n2) != len)
		goto out;
	ret = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	EVP_CIPHER_free(cipher);
	return ret;
}

int ntlm_rc4(const uint8_t key[16], const uint8_t *in, size_t len, uint8_t *out)
{
	/* [MS-NLMP] 6 RC4K(): RC4 with a 16-byte key (the provider's default
	 * key length). */
	return cipher_once("RC4", key, in, len, out);
}

/* [MS-NLMP] 6: a 56-bit key spread over 8 bytes, 7 bits each (the low
 * parity bit is ignored by DES). */
static void des_key_from_7(const uint8_t in[7], uint8_t out[8])
{
	out[0] = in[0];
	out[1] = (uint8_t)((in[0] << 7) | (in[1] >> 1));
	out[2] = (uint8_t)((in[1] << 6) | (in[2] >> 2));
	out[3] = (uint8_t)((in[2] << 5) | (in[3] >> 3));
	out[4] = (uint8_t)((in[3] << 4) | (in[4] >> 4));
	out[5] = (uint8_t)((in[4] << 3) | (in[5] >> 5));
	out[6] = (uint8_t)((in[5] << 2) | (in[6] >> 6));
	out[7] = (uint8_t)(in[6] << 1);
}

int ntlm_desl(const uint8_t key[16], const uint8_t data[8], uint8_t out[24])
{
	uint8_t k21[21] = {0}, des_key[8];
	int ret = 0;

	/* [MS-NLMP] 6 DESL(K, D): DES(K[0..6], D) || DES(K[7..13], D) ||
	 * DES(K[14..15] || Z(5), D). */
	memcpy(k21, key, 16);
	for (int i = 0; i < 3 && ret == 0; i++) {
		des_key_from_7(k21 + 7 * i, des_key);
		ret = cipher_once("DES-ECB", des_key, data, 8, out + 8 * i);
	}
	OPENSSL_cleanse(k21, sizeof(k21));
	OPENSSL_cleanse(des_key, sizeof(des_key));
	return ret;
}

int ntlm_ntowfv2(const uint8_t nt_hash[16], const uint8_t *user, size_t user_len,
                 const uint8_t *domain, size_t domain_len, uint8_t out[16])
{
	uint8_t upper[512];
	struct ntlm_bytes parts[2];

	/* [MS-NLMP] 3.3.2 NTOWFv2: HMAC_MD5(MD4(UNICODE(Passwd)),
	 * UNICODE(ConcatenationOf(Uppercase(User), UserDom))). */
	if (user_len > sizeof(upper))
		return -1;
	memcpy(upper, user, user_len);
	ntlm_utf16le_upper(upper, user_len);
	parts[0] = (struct ntlm_bytes){upper, user_len};
	parts[1] = (struct ntlm_bytes){domain, domain_len};
	return ntlm_hmac_md5(nt_hash, 16, parts, 2, out);
}

int ntlm_nt_hash(const char *password, uint8_t hash_r[16])
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	uint8_t *utf16;
	size_t len;
	int ret = -1;

	if (tmp == NULL)
		return -1;
	/* [MS-NLMP] 3.3.1 NTOWFv1: MD4(UNICODE(Passwd)). */
	if (ntlm_utf8_to_utf16le(tmp, password, &utf16, &len) == 0) {
		ret = ntlm_md4(utf16, len, hash_r);
		OPENSSL_cleanse(utf16, len);
	}
	talloc_free(tmp);
	return ret;
}
