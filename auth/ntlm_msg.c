/*
 * ntlm_msg: NTLM message codec ([MS-NLMP] 2.2).  Parsers check every length
 * and offset against the message before touching the payload.
 */
#include <string.h>

#include "ntlm_private.h"

static const uint8_t ntlm_signature[8] = {'N', 'T', 'L', 'M', 'S', 'S', 'P', '\0'};

static uint16_t get_u16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

static void put_u16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

bool ntlm_is_ntlmssp(const uint8_t *in, size_t len)
{
	return len >= sizeof(ntlm_signature) && memcmp(in, ntlm_signature, 8) == 0;
}

static int check_header(const uint8_t *msg, size_t len, size_t fixed_len, uint32_t type,
                        const char **error_r)
{
	if (len < fixed_len) {
		*error_r = "message shorter than its fixed part";
		return -1;
	}
	if (memcmp(msg, ntlm_signature, 8) != 0) {
		*error_r = "no NTLMSSP signature";
		return -1;
	}
	if (get_u32(msg + 8) != type) {
		*error_r = "unexpected MessageType";
		return -1;
	}
	return 0;
}

/* [MS-NLMP] 2.2.1.1: Signature, MessageType, NegotiateFlags, then
 * DomainNameFields, WorkstationFields and Version, which old clients may
 * leave out; a server only needs the flags. */
int ntlm_negotiate_parse(const uint8_t *msg, size_t len, struct ntlm_negotiate *neg_r,
                         const char **error_r)
{
	if (check_header(msg, len, 16, NTLM_MSG_NEGOTIATE, error_r) < 0)
		return -1;
	neg_r->flags = get_u32(msg + 12);
	return 0;
}

/* A Len / MaxLen / BufferOffset triple ([MS-NLMP] 2.2.1.3) at msg + at. */
static int get_field(const uint8_t *msg, size_t len, size_t at, struct ntlm_bytes *out_r)
{
	uint16_t flen = get_u16(msg + at);
	uint32_t fofs = get_u32(msg + at + 4);

	if (flen == 0) {
		*out_r = (struct ntlm_bytes){NULL, 0};
		return 0;
	}
	if (fofs > len || len - fofs < flen)
		return -1;
	*out_r = (struct ntlm_bytes){msg + fofs, flen};
	return 0;
}

/* [MS-NLMP] 2.2.1.3 AUTHENTICATE_MESSAGE. */
int ntlm_authenticate_parse(const uint8_t *msg, size_t len, struct ntlm_authenticate *auth_r,
                            const char **error_r)
{
	struct ntlm_bytes *fields[] = {
	    &auth_r->lm_response, &auth_r->nt_response, &auth_r->domain,
	    &auth_r->user,        &auth_r->workstation, &auth_r->encrypted_session_key,
	};

	if (check_header(msg, len, NTLM_AUTH_FIXED_LEN, NTLM_MSG_AUTHENTICATE, error_r) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if (get_field(msg, len, 12 + 8 * i, fields[i]) < 0) {
			*error_r = "field outside the message";
			return -1;
		}
	}
	auth_r->flags = get_u32(msg + 60);
	if ((auth_r->flags & NTLM_NEG_UNICODE) != 0 &&
	    (auth_r->domain.len % 2 != 0 || auth_r->user.len % 2 != 0 ||
	     auth_r->workstation.len % 2 != 0)) {
		*error_r = "odd length for a UTF-16 string";
		return -1;
	}
	return 0;
}

/* [MS-NLMP] 2.2.2.1: AV_PAIRs inside an NTLMv2_CLIENT_CHALLENGE (2.2.2.7). */
int ntlm_client_avs_parse(const uint8_t *avs, size_t len, struct ntlm_client_avs *out_r,
                          const char **error_r)
{
	size_t ofs = 0;

	memset(out_r, 0, sizeof(*out_r));
	for (;;) {
		uint16_t id, vlen;

		if (len - ofs < 4) {
			*error_r = "AV pairs without MsvAvEOL";
			return -1;
		}
		id = get_u16(avs + ofs);
		vlen = get_u16(avs + ofs + 2);
		ofs += 4;
		if (len - ofs < vlen) {
			*error_r = "AV pair longer than the list";
			return -1;
		}
		if (id == NTLM_AV_EOL)
			return 0;
		if (id == NTLM_AV_FLAGS) {
			if (vlen != 4) {
				*error_r = "MsvAvFlags not 4 bytes";
				return -1;
			}
			out_r->av_flags = get_u32(avs + ofs);
		} else if (id == NTLM_AV_TIMESTAMP) {
			out_r->has_timestamp = true;
		}
		ofs += vlen;
	}
}

int ntlm_av_append(TALLOC_CTX *mem_ctx, uint8_t **buf, size_t *len, uint16_t id,
                   const uint8_t *value, uint16_t value_len)
{
	uint8_t *n = talloc_realloc(mem_ctx, *buf, uint8_t, *len + 4 + value_len);

	if (n == NULL)
		return -1;
	put_u16(n + *len, id);
	put_u16(n + *len + 2, value_len);
	if (value_len > 0)
		memcpy(n + *len + 4, value, value_len);
	*buf = n;
	*len += 4 + (size_t)value_len;
	return 0;
}

int ntlm_av_append_str(TALLOC_CTX *mem_ctx, uint8_t **buf, size_t *len, uint16_t id,
                       const char *value)
{
	uint8_t *u;
	size_t ulen;
	int ret;

	if (ntlm_utf8_to_utf16le(mem_ctx, value, &u, &ulen) < 0)
		return -1;
	ret = ulen > UINT16_MAX ? -1 : ntlm_av_append(mem_ctx, buf, len, id, u, (uint16_t)ulen);
	talloc_free(u);
	return ret;
}

/* [MS-NLMP] 2.2.1.2 CHALLENGE_MESSAGE: 56-byte fixed part (with Version),
 * then TargetName and TargetInfo in the payload. */
uint8_t *ntlm_challenge_build(TALLOC_CTX *mem_ctx, const struct ntlm_challenge_params *p,
                              size_t *len_r)
{
	const size_t fixed = 56;
	size_t len = fixed + p->target_name.len + p->target_info.len;
	uint8_t *m;

	if (p->target_name.len > UINT16_MAX || p->target_info.len > UINT16_MAX)
		return NULL;
	m = talloc_zero_array(mem_ctx, uint8_t, len);
	if (m == NULL)
		return NULL;
	memcpy(m, ntlm_signature, 8);
	put_u32(m + 8, NTLM_MSG_CHALLENGE);
	put_u16(m + 12, (uint16_t)p->target_name.len);
	put_u16(m + 14, (uint16_t)p->target_name.len);
	put_u32(m + 16, (uint32_t)fixed);
	put_u32(m + 20, p->flags);
	memcpy(m + 24, p->server_challenge, 8);
	/* m + 32: Reserved, 8 zero bytes. */
	put_u16(m + 40, (uint16_t)p->target_info.len);
	put_u16(m + 42, (uint16_t)p->target_info.len);
	put_u32(m + 44, (uint32_t)(fixed + p->target_name.len));
	/* [MS-NLMP] 2.2.2.10 VERSION: only meaningful with
	 * NTLMSSP_NEGOTIATE_VERSION, else zero. */
	if ((p->flags & NTLM_NEG_VERSION) != 0)
		memcpy(m + 48, p->version, 8);
	if (p->target_name.len > 0)
		memcpy(m + fixed, p->target_name.data, p->target_name.len);
	if (p->target_info.len > 0)
		memcpy(m + fixed + p->target_name.len, p->target_info.data, p->target_info.len);
	*len_r = len;
	return m;
}
