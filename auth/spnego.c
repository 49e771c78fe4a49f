/*
 * spnego: DER reading and writing of NegTokenInit / NegTokenResp
 * ([RFC 4178] 4.2; DER per X.690).  Every length is checked against what
 * encloses it; indefinite lengths are refused (DER has none).
 */
#include <string.h>

#include "spnego.h"

/* 1.3.6.1.5.5.2 */
static const uint8_t spnego_oid[8] = {0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02};
/* 1.3.6.1.4.1.311.2.2.10 */
const uint8_t spnego_ntlmssp_oid[12] = {0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04,
                                        0x01, 0x82, 0x37, 0x02, 0x02, 0x0a};
/* 1.2.840.113554.1.2.2 (Kerberos 5) and 1.2.840.48018.1.2.2 (MS KRB5). */
static const uint8_t krb5_oid[11] = {0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
                                     0xf7, 0x12, 0x01, 0x02, 0x02};
static const uint8_t ms_krb5_oid[11] = {0x06, 0x09, 0x2a, 0x86, 0x48, 0x82,
                                        0xf7, 0x12, 0x01, 0x02, 0x02};

/* A DER element: tag, content, and the whole encoding. */
struct der {
	uint8_t tag;
	struct ntlm_bytes content;
	struct ntlm_bytes whole;
};

/* Reads one element at in[*ofs], advancing *ofs.  -1 when malformed. */
static int der_next(const uint8_t *in, size_t len, size_t *ofs, struct der *el)
{
	size_t start = *ofs, p = *ofs, clen;

	if (len - p < 2)
		return -1;
	el->tag = in[p++];
	if ((el->tag & 0x1f) == 0x1f)
		return -1; /* multi-byte tags: none in SPNEGO */
	clen = in[p++];
	if (clen & 0x80) {
		size_t n = clen & 0x7f;

		if (n == 0 || n > 4 || len - p < n)
			return -1;
		clen = 0;
		for (size_t i = 0; i < n; i++)
			clen = (clen << 8) | in[p++];
	}
	if (len - p < clen)
		return -1;
	el->content = (struct ntlm_bytes){in + p, clen};
	el->whole = (struct ntlm_bytes){in + start, p + clen - start};
	*ofs = p + clen;
	return 0;
}

/* The single element filling content, with the given tag. */
static int der_only(const struct ntlm_bytes *content, uint8_t tag, struct der *el)
{
	size_t ofs = 0;

	if (der_next(content->data, content->len, &ofs, el) < 0 || el->tag != tag ||
	    ofs != content->len)
		return -1;
	return 0;
}

static bool oid_is(const struct der *el, const uint8_t *oid, size_t oid_len)
{
	return el->whole.len == oid_len && memcmp(el->whole.data, oid, oid_len) == 0;
}

static int parse_mech_types(const struct der *list, struct spnego_init *init)
{
	size_t ofs = 0;
	struct der oid;

	init->mech_types = list->whole;
	for (int i = 0; ofs < list->content.len; i++) {
		if (der_next(list->content.data, list->content.len, &ofs, &oid) < 0 ||
		    oid.tag != 0x06)
			return -1;
		if (oid_is(&oid, spnego_ntlmssp_oid, sizeof(spnego_ntlmssp_oid))) {
			init->ntlm_offered = true;
			init->ntlm_first = init->ntlm_first || i == 0;
		}
		if (oid_is(&oid, krb5_oid, sizeof(krb5_oid)) ||
		    oid_is(&oid, ms_krb5_oid, sizeof(ms_krb5_oid)))
			init->kerberos_offered = true;
	}
	return 0;
}

/* [RFC 4178] 4.2.1 NegTokenInit ::= SEQUENCE { mechTypes [0], reqFlags
 * [1], mechToken [2] OCTET STRING, mechListMIC [3] OCTET STRING }. */
int spnego_parse_init(const uint8_t *in, size_t len, struct spnego_init *init_r)
{
	struct der gss, oid, choice, seq, field, inner;
	size_t ofs = 0;

	memset(init_r, 0, sizeof(*init_r));
	if (der_next(in, len, &ofs, &gss) < 0 || gss.tag != 0x60 || ofs != len)
		return -1;
	ofs = 0;
	if (der_next(gss.content.data, gss.content.len, &ofs, &oid) < 0 ||
	    !oid_is(&oid, spnego_oid, sizeof(spnego_oid)) ||
	    der_next(gss.content.data, gss.content.len, &ofs, &choice) < 0 || choice.tag != 0xa0 ||
	    ofs != gss.content.len || der_only(&choice.content, 0x30, &seq) < 0)
		return -1;
	ofs = 0;
	while (ofs < seq.content.len) {
		if (der_next(seq.content.data, seq.content.len, &ofs, &field) < 0)
			return -1;
		if (field.tag == 0xa0) {
			if (der_only(&field.content, 0x30, &inner) < 0 ||
			    parse_mech_types(&inner, init_r) < 0)
				return -1;
		} else if (field.tag == 0xa2 || field.tag == 0xa3) {
			if (der_only(&field.content, 0x04, &inner) < 0)
				return -1;
			if (field.tag == 0xa2)
				init_r->mech_token = inner.content;
			else
				init_r->mech_list_mic = inner.content;
		} else if (field.tag != 0xa1) {
			return -1;
		}
	}
	return init_r->mech_types.len > 0 ? 0 : -1;
}

/* [RFC 4178] 4.2.2 NegTokenResp ::= SEQUENCE { negState [0] ENUMERATED,
 * supportedMech [1], responseToken [2] OCTET STRING, mechListMIC [3]
 * OCTET STRING }, as NegotiationToken choice [1]. */
int spnego_parse_resp(const uint8_t *in, size_t len, struct spnego_resp *resp_r)
{
	struct der choice, seq, field, inner;
	size_t ofs = 0;

	memset(resp_r, 0, sizeof(*resp_r));
	resp_r->state = SPNEGO_STATE_ABSENT;
	if (der_next(in, len, &ofs, &choice) < 0 || choice.tag != 0xa1 || ofs != len ||
	    der_only(&choice.content, 0x30, &seq) < 0)
		return -1;
	ofs = 0;
	while (ofs < seq.content.len) {
		if (der_next(seq.content.data, seq.content.len, &ofs, &field) < 0)
			return -1;
		if (field.tag == 0xa0) {
			if (der_only(&field.content, 0x0a, &inner) < 0 || inner.content.len != 1)
				return -1;
			resp_r->state = inner.content.data[0];
		} else if (field.tag == 0xa2 || field.tag == 0xa3) {
			if (der_only(&field.content, 0x04, &inner) < 0)
				return -1;
			if (field.tag == 0xa2)
				resp_r->response_token = inner.content;
			else
				resp_r->mech_list_mic = inner.content;
		} else if (field.tag != 0xa1) {
			return -1;
		}
	}
	return 0;
}

/* Length of a DER length field for n. */
static size_t der_len_size(size_t n)
{
	return n < 0x80 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : n < 0x1000000 ? 4 : 5;
}

static uint8_t *der_put_header(uint8_t *p, uint8_t tag, size_t n)
{
	size_t ls = der_len_size(n);

	*p++ = tag;
	if (ls == 1) {
		*p++ = (uint8_t)n;
		return p;
	}
	*p++ = (uint8_t)(0x80 | (ls - 1));
	for (size_t i = ls - 1; i > 0; i--)
		*p++ = (uint8_t)(n >> (8 * (i - 1)));
	return p;
}

/* Size of [ctx] { OCTET STRING n bytes }. */
static size_t wrapped_octets_size(size_t n)
{
	size_t inner = 1 + der_len_size(n) + n;

	return 1 + der_len_size(inner) + inner;
}

static uint8_t *put_wrapped_octets(uint8_t *p, uint8_t ctx_tag, const struct ntlm_bytes *b)
{
	p = der_put_header(p, ctx_tag, 1 + der_len_size(b->len) + b->len);
	p = der_put_header(p, 0x04, b->len);
	memcpy(p, b->data, b->len);
	return p + b->len;
}

uint8_t *spnego_build_resp(TALLOC_CTX *mem_ctx, enum spnego_state state, bool with_mech,
                           const struct ntlm_bytes *token, const struct ntlm_bytes *mic,
                           size_t *len_r)
{
	bool has_token = token != NULL && token->len > 0, has_mic = mic != NULL && mic->len > 0;
	size_t body = 5 + (with_mech ? 2 + sizeof(spnego_ntlmssp_oid) : 0) +
	              (has_token ? wrapped_octets_size(token->len) : 0) +
	              (has_mic ? wrapped_octets_size(mic->len) : 0);
	size_t seq = 1 + der_len_size(body) + body;
	size_t total = 1 + der_len_size(seq) + seq;
	uint8_t *out = talloc_array(mem_ctx, uint8_t, total), *p = out;

	if (out == NULL)
		return NULL;
	p = der_put_header(p, 0xa1, seq);
	p = der_put_header(p, 0x30, body);
	/* negState [0] ENUMERATED */
	memcpy(p, "\xa0\x03\x0a\x01", 4);
	p[4] = (uint8_t)state;
	p += 5;
	if (with_mech) {
		p = der_put_header(p, 0xa1, sizeof(spnego_ntlmssp_oid));
		memcpy(p, spnego_ntlmssp_oid, sizeof(spnego_ntlmssp_oid));
		p += sizeof(spnego_ntlmssp_oid);
	}
	if (has_token)
		p = put_wrapped_octets(p, 0xa2, token);
	if (has_mic)
		p = put_wrapped_octets(p, 0xa3, mic);
	*len_r = (size_t)(p - out);
	return out;
}
