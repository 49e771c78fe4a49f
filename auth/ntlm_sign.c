/*
 * ntlm_sign: NTLM message signatures with extended session security
 * ([MS-NLMP] 3.4.4.2), used for SPNEGO's mechListMIC when NTLM runs inside
 * Negotiate.  Nothing else is signed or sealed over HTTP.
 */
#include <string.h>

#include <openssl/crypto.h>

#include "ntlm_private.h"

static const char client_sign[] = "session key to client-to-server signing key magic constant";
static const char server_sign[] = "session key to server-to-client signing key magic constant";
static const char client_seal[] = "session key to client-to-server sealing key magic constant";
static const char server_seal[] = "session key to server-to-client sealing key magic constant";

int ntlm_sign_keys(const uint8_t exported[16], uint32_t flags, bool client, uint8_t sign_r[16],
                   uint8_t seal_r[16])
{
	/* [MS-NLMP] 3.4.5.3 SEALKEY: 128, 56 or 40 bits of the key. */
	size_t seal_len = (flags & NTLM_NEG_128) != 0 ? 16 : (flags & NTLM_NEG_56) != 0 ? 7 : 5;
	/* The constants are hashed with their terminating NUL. */
	struct ntlm_bytes sign[2] = {
	    {exported, 16},
	    {(const uint8_t *)(client ? client_sign : server_sign), sizeof(client_sign)}};
	struct ntlm_bytes seal[2] = {
	    {exported, seal_len},
	    {(const uint8_t *)(client ? client_seal : server_seal), sizeof(client_seal)}};

	if ((flags & NTLM_NEG_EXTENDED_SESSIONSEC) == 0)
		return -1;
	/* [MS-NLMP] 3.4.5.2 SIGNKEY. */
	if (ntlm_md5(sign, 2, sign_r) < 0 || ntlm_md5(seal, 2, seal_r) < 0)
		return -1;
	return 0;
}

int ntlm_mac_first(const uint8_t exported[16], uint32_t flags, bool client, const uint8_t *msg,
                   size_t len, uint8_t sig_r[16])
{
	uint8_t sign_key[16], seal_key[16], hmac[16];
	static const uint8_t seq0[4] = {0, 0, 0, 0};
	struct ntlm_bytes parts[2] = {{seq0, 4}, {msg, len}};
	int ret = -1;

	if (ntlm_sign_keys(exported, flags, client, sign_key, seal_key) < 0 ||
	    ntlm_hmac_md5(sign_key, 16, parts, 2, hmac) < 0)
		goto out;
	/* NTLMSSP_MESSAGE_SIGNATURE ([MS-NLMP] 2.2.2.9.1): Version 1,
	 * Checksum (RC4-encrypted with key exchange), SeqNum 0. */
	memcpy(sig_r, "\x01\x00\x00\x00", 4);
	if ((flags & NTLM_NEG_KEY_EXCH) != 0) {
		if (ntlm_rc4(seal_key, hmac, 8, sig_r + 4) < 0)
			goto out;
	} else {
		memcpy(sig_r + 4, hmac, 8);
	}
	memcpy(sig_r + 12, seq0, 4);
	ret = 0;
out:
	OPENSSL_cleanse(sign_key, sizeof(sign_key));
	OPENSSL_cleanse(seal_key, sizeof(seal_key));
	OPENSSL_cleanse(hmac, sizeof(hmac));
	return ret;
}
