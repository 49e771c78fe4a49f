/* A test-only NTLMv2 client from [MS-NLMP] 3.1.5.1.2 and 3.3.2. */
#include <string.h>

#include "ntlm_client.h"
#include "ntlm_private.h"

static void put16(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, size_t v)
{
	put16(p, v);
	put16(p + 2, v >> 16);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

uint8_t *ntlm_client_negotiate(TALLOC_CTX *mem_ctx, uint32_t flags, size_t *len_r)
{
	/* [MS-NLMP] 2.2.1.1 with empty DomainName/Workstation and a Version. */
	uint8_t *m = talloc_zero_array(mem_ctx, uint8_t, 40);

	memcpy(m, "NTLMSSP", 8);
	put32(m + 8, 1);
	put32(m + 12, flags);
	put32(m + 20, 40);
	put32(m + 28, 40);
	memcpy(m + 32, "\x0a\x00\x7c\x4f\x00\x00\x00\x0f", 8);
	*len_r = 40;
	return m;
}

/* Copies the challenge's TargetInfo, inserting MsvAvFlags before MsvAvEOL. */
static uint8_t *client_target_info(TALLOC_CTX *mem_ctx, const uint8_t *ti, size_t ti_len, bool mic,
                                   size_t *len_r)
{
	uint8_t *out = NULL;
	size_t len = 0, ofs = 0;

	while (ti_len - ofs >= 4) {
		uint16_t id = (uint16_t)(ti[ofs] | (ti[ofs + 1] << 8));
		uint16_t vlen = (uint16_t)(ti[ofs + 2] | (ti[ofs + 3] << 8));

		if (ti_len - ofs - 4 < vlen)
			return NULL;
		if (id == NTLM_AV_EOL)
			break;
		ntlm_av_append(mem_ctx, &out, &len, id, ti + ofs + 4, vlen);
		ofs += 4 + (size_t)vlen;
	}
	if (mic) {
		uint8_t v[4] = {NTLM_AV_FLAG_MIC, 0, 0, 0};

		ntlm_av_append(mem_ctx, &out, &len, NTLM_AV_FLAGS, v, 4);
	}
	ntlm_av_append(mem_ctx, &out, &len, NTLM_AV_EOL, NULL, 0);
	*len_r = len;
	return out;
}

uint8_t *ntlm_client_authenticate(TALLOC_CTX *mem_ctx, struct ntlm_client_opts *o,
                                  const uint8_t *neg, size_t neg_len, const uint8_t *chal,
                                  size_t chal_len, size_t *len_r)
{
	uint8_t nt_hash[16], key[16], proof[16], sbk[16], enc_key[16], mic[16];
	uint8_t *user, *dom, *ws, *ti, *temp, *m;
	size_t user_len, dom_len, ws_len, ti_len, temp_len, len, ofs;
	uint32_t flags, ti_ofs;
	uint16_t ti_chal_len;

	if (chal_len < 48)
		return NULL;
	flags = get32(chal + 20);
	ti_chal_len = (uint16_t)(chal[40] | (chal[41] << 8));
	ti_ofs = get32(chal + 44);
	if (ti_ofs > chal_len || chal_len - ti_ofs < ti_chal_len)
		return NULL;
	ti = client_target_info(mem_ctx, chal + ti_ofs, ti_chal_len, o->mic, &ti_len);
	if (ti == NULL)
		return NULL;
	ntlm_utf8_to_utf16le(mem_ctx, o->user, &user, &user_len);
	ntlm_utf8_to_utf16le(mem_ctx, o->domain, &dom, &dom_len);
	ntlm_utf8_to_utf16le(mem_ctx, o->workstation, &ws, &ws_len);

	/* [MS-NLMP] 3.3.2 temp = 1, 1, Z(6), Time, ClientChallenge, Z(4),
	 * ServerName, Z(4). */
	temp_len = 28 + ti_len + 4;
	temp = talloc_zero_array(mem_ctx, uint8_t, temp_len);
	temp[0] = 1;
	temp[1] = 1;
	memset(temp + 8, 0x11, 8);
	memset(temp + 16, 0xaa, 8);
	memcpy(temp + 28, ti, ti_len);

	ntlm_nt_hash(o->password, nt_hash);
	ntlm_ntowfv2(nt_hash, user, user_len, dom, dom_len, key);
	{
		struct ntlm_bytes p1[2] = {{chal + 24, 8}, {temp, temp_len}};
		struct ntlm_bytes p2 = {proof, 16};

		ntlm_hmac_md5(key, 16, p1, 2, proof);
		ntlm_hmac_md5(key, 16, &p2, 1, sbk);
	}
	if (o->key_exch && (flags & NTLM_NEG_KEY_EXCH) != 0) {
		ntlm_rc4(sbk, o->random_session_key, 16, enc_key);
		memcpy(o->exported_session_key, o->random_session_key, 16);
	} else {
		memcpy(o->exported_session_key, sbk, 16);
		flags &= ~NTLM_NEG_KEY_EXCH;
	}

	/* [MS-NLMP] 2.2.1.3: fixed part, Version, MIC, then the payload. */
	len = 88 + dom_len + user_len + ws_len + 24 + 16 + temp_len +
	      ((flags & NTLM_NEG_KEY_EXCH) != 0 ? 16 : 0);
	m = talloc_zero_array(mem_ctx, uint8_t, len);
	memcpy(m, "NTLMSSP", 8);
	put32(m + 8, 3);
	ofs = 88;
#define FIELD(at, data, n)                                                                         \
	do {                                                                                       \
		put16(m + (at), (n));                                                              \
		put16(m + (at) + 2, (n));                                                          \
		put32(m + (at) + 4, ofs);                                                          \
		if ((n) > 0)                                                                       \
			memcpy(m + ofs, (data), (n));                                              \
		ofs += (n);                                                                        \
	} while (0)
	FIELD(28, dom, dom_len);
	FIELD(36, user, user_len);
	FIELD(44, ws, ws_len);
	{
		uint8_t zero_lm[24] = {0};

		/* With MsvAvTimestamp the client sends Z(24) as LM response. */
		FIELD(12, zero_lm, 24);
	}
	put16(m + 20, 16 + temp_len);
	put16(m + 22, 16 + temp_len);
	put32(m + 24, ofs);
	memcpy(m + ofs, proof, 16);
	memcpy(m + ofs + 16, temp, temp_len);
	ofs += 16 + temp_len;
	if ((flags & NTLM_NEG_KEY_EXCH) != 0)
		FIELD(52, enc_key, 16);
	else
		put32(m + 56, ofs);
#undef FIELD
	put32(m + 60, flags);
	o->auth_flags = flags;
	memcpy(m + 64, "\x0a\x00\x7c\x4f\x00\x00\x00\x0f", 8);
	if (o->mic) {
		struct ntlm_bytes p[3] = {{neg, neg_len}, {chal, chal_len}, {m, len}};

		ntlm_hmac_md5(o->exported_session_key, 16, p, 3, mic);
		memcpy(m + 72, mic, 16);
	}
	*len_r = len;
	return m;
}
