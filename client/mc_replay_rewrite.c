/*
 * mc_replay_rewrite: recorded request bodies made fit for the live
 * session, and what the answers teach about it.
 */
#include <string.h>

#include "mc_replay_private.h"
#include "mh_emsmdb.h"
#include "rpc_ext.h"

#define MAX_ROP_PAYLOAD (4u * 0x10008u)

static void copy_body(struct rop_push *out, TALLOC_CTX *mem_ctx, const uint8_t *body, size_t len)
{
	rop_push_init_growable(out, mem_ctx);
	rop_push_bytes(out, body, len);
}

/* [MS-OXCMAPIHTTP] 2.2.4.1.1: UserDn is the live user's LegacyDN. */
static int rewrite_connect(TALLOC_CTX *mem_ctx, struct mc_replay_state *r, const uint8_t *body,
                           size_t len, struct rop_push *out)
{
	struct mh_connect_req req;
	if (mh_connect_req_pull(mem_ctx, body, len, &req) != ROP_OK)
		return mc_fail(r->s, MC_E_PROTOCOL, "recorded Connect request undecodable");
	mc_replay_learn_sub(r, req.user_dn, r->s->legacy_dn);
	req.user_dn = talloc_strdup(mem_ctx, r->s->legacy_dn ? r->s->legacy_dn : "");
	rop_push_init_growable(out, mem_ctx);
	if (mh_connect_req_push(out, &req) != ROP_OK)
		return mc_fail(r->s, MC_E_NOMEM, "Connect: cannot encode");
	return 0;
}

/* The requests' own fields: Essdn, and what the answers need to decode. */
static void rewrite_rop(TALLOC_CTX *mem_ctx, struct mc_replay_state *r, struct rop_request *q,
                        struct rop_decode_ctx *ctx, bool *has_rows)
{
	if (q->rop_id == ROP_ID_Logon && q->u.logon.essdn != NULL && q->u.logon.essdn[0] != '\0') {
		mc_replay_learn_sub(r, q->u.logon.essdn, r->s->legacy_dn);
		q->u.logon.essdn = talloc_strdup(mem_ctx, r->s->legacy_dn ? r->s->legacy_dn : "");
	} else if (q->rop_id == ROP_ID_SetColumns) {
		talloc_free(r->columns);
		r->columns = talloc_zero(r->mem_ctx, struct mapi_proptag_array);
		uint32_t n = q->u.set_columns.tags.count;
		if (r->columns != NULL &&
		    (r->columns->tags = talloc_zero_array(r->columns, uint32_t, n + 1)) != NULL) {
			r->columns->count = n;
			if (n > 0)
				memcpy(r->columns->tags, q->u.set_columns.tags.tags,
				       sizeof(uint32_t) * n);
		}
	} else if (q->rop_id == ROP_ID_QueryRows || q->rop_id == ROP_ID_FindRow ||
	           q->rop_id == ROP_ID_ExpandRow) {
		*has_rows = true;
	} else if (q->rop_id == ROP_ID_GetPropertiesSpecific && !*has_rows) {
		ctx->columns = &q->u.get_properties_specific.tags;
	}
}

static void replace_bytes(uint8_t *data, size_t len, const uint8_t *from, const uint8_t *to,
                          size_t n)
{
	for (size_t i = 0; len >= n && i <= len - n; i++) {
		if (memcmp(data + i, from, n) == 0) {
			memcpy(data + i, to, n);
			i += n - 1;
		}
	}
}

/* Every recorded 8-byte ID and server GUID in the encoded ROPs replaced
 * by its live one. */
void mc_replay_replace_ids(const struct mc_replay_state *r, uint8_t *data, size_t len)
{
	for (size_t k = 0; k < r->guid_count; k++)
		replace_bytes(data, len, r->guids[k].from, r->guids[k].to, 16);
	for (size_t k = 0; k < r->id_count; k++) {
		uint8_t from[8], to[8];
		if (r->ids[k].from == r->ids[k].to)
			continue;
		for (int b = 0; b < 8; b++) {
			from[b] = (uint8_t)(r->ids[k].from >> (8 * b));
			to[b] = (uint8_t)(r->ids[k].to >> (8 * b));
		}
		replace_bytes(data, len, from, to, 8);
	}
}

/* The recorded user's and server's strings of the same length replaced
 * by the live ones, in 8-bit and in UTF-16LE form (a string of another
 * length would move what follows it). */
static void replace_strings(TALLOC_CTX *mem_ctx, const struct mc_replay_state *r, uint8_t *data,
                            size_t len)
{
	for (size_t k = 0; k < r->sub_count; k++) {
		const char *from = r->subs[k].from, *to = r->subs[k].to;
		size_t n = strlen(from);
		if (n != strlen(to) || n < 8)
			continue;
		replace_bytes(data, len, (const uint8_t *)from, (const uint8_t *)to, n);
		uint8_t *f16 = talloc_zero_size(mem_ctx, 2 * n),
		        *t16 = talloc_zero_size(mem_ctx, 2 * n);
		if (f16 == NULL || t16 == NULL)
			continue;
		for (size_t i = 0; i < n; i++) {
			f16[2 * i] = (uint8_t)from[i];
			t16[2 * i] = (uint8_t)to[i];
		}
		replace_bytes(data, len, f16, t16, 2 * n);
	}
}

static int split_rops(TALLOC_CTX *mem_ctx, const struct mh_blob *rop_buffer, unsigned *enc_r,
                      struct rop_buffer *buf_r)
{
	struct rpc_ext_chain chain;
	uint8_t *payload;
	size_t plen;
	if (rpc_ext_decode(mem_ctx, rop_buffer->data, rop_buffer->len, MAX_ROP_PAYLOAD, &chain) !=
	        ROP_OK ||
	    chain.count == 0 || rpc_ext_join(mem_ctx, &chain, &payload, &plen) != ROP_OK ||
	    rop_buffer_split(mem_ctx, payload, plen, buf_r) != ROP_OK)
		return -1;
	*enc_r = 0;
	if (chain.blocks[0].flags & RPC_EXT_FLAG_COMPRESSED)
		*enc_r |= RPC_EXT_ENCODE_COMPRESS;
	if (chain.blocks[0].flags & RPC_EXT_FLAG_XORMAGIC)
		*enc_r |= RPC_EXT_ENCODE_XOR;
	return 0;
}

static int rewrite_execute(TALLOC_CTX *mem_ctx, struct mc_replay_state *r, const uint8_t *body,
                           size_t len, struct rop_push *out, struct rop_decode_ctx *ctx)
{
	struct mh_execute_req req;
	struct rop_buffer buf;
	struct rop_push rops, chain;
	struct rop_pull p;
	unsigned enc;
	bool has_rows = false;
	if (mh_execute_req_pull(mem_ctx, body, len, &req) != ROP_OK ||
	    split_rops(mem_ctx, &req.rop_buffer, &enc, &buf) < 0)
		return mc_fail(r->s, MC_E_PROTOCOL, "recorded Execute request undecodable");
	rop_pull_init(&p, mem_ctx, buf.rops, buf.rops_len);
	rop_push_init_growable(&rops, mem_ctx);
	while (rop_pull_left(&p) > 0) {
		struct rop_request *q = talloc_zero(mem_ctx, struct rop_request);
		if (q == NULL || rop_pull_request(&p, q) != ROP_OK)
			return mc_fail(r->s, MC_E_PROTOCOL, "recorded Execute: undecodable ROP");
		rewrite_rop(mem_ctx, r, q, ctx, &has_rows);
		if (rop_push_request(&rops, q) != ROP_OK)
			return mc_fail(r->s, MC_E_PROTOCOL, "Execute: cannot encode %s",
			               rop_name(q->rop_id));
	}
	if (has_rows)
		ctx->columns = r->columns;
	mc_replay_replace_ids(r, rops.data, rops.ofs);
	replace_strings(mem_ctx, r, rops.data, rops.ofs);
	for (size_t i = 0; i < buf.handle_count; i++)
		buf.handles[i] = (uint32_t)mc_replay_map_handle(r, buf.handles[i]);
	rop_push_init_growable(&chain, mem_ctx);
	if (rpc_ext_encode_rop_buffer(&chain, rops.data, rops.ofs, buf.handles, buf.handle_count,
	                              enc | RPC_EXT_ENCODE_LAST) != ROP_OK)
		return mc_fail(r->s, MC_E_PROTOCOL, "Execute: cannot build the ROP buffer");
	req.rop_buffer.data = chain.data;
	req.rop_buffer.len = (uint32_t)chain.ofs;
	rop_push_init_growable(out, mem_ctx);
	if (mh_execute_req_push(out, &req) != ROP_OK)
		return mc_fail(r->s, MC_E_NOMEM, "Execute: cannot encode");
	return 0;
}

int mc_replay_rewrite(TALLOC_CTX *mem_ctx, struct mc_replay_state *r, const char *type,
                      const uint8_t *body, size_t len, struct rop_push *out,
                      struct rop_decode_ctx *ctx_r)
{
	memset(ctx_r, 0, sizeof(*ctx_r));
	if (strcmp(type, "Connect") == 0)
		return rewrite_connect(mem_ctx, r, body, len, out);
	if (strcmp(type, "Execute") == 0)
		return rewrite_execute(mem_ctx, r, body, len, out, ctx_r);
	enum nspi_request_type nt;
	if (nspi_request_lookup(type, &nt) == 1) {
		if (mc_replay_nspi_rewrite(mem_ctx, r, nt, body, len, out) < 0)
			return -1;
	} else {
		copy_body(out, mem_ctx, body, len);
	}
	replace_strings(mem_ctx, r, out->data, out->ofs);
	return 0;
}

static int answer_handles(TALLOC_CTX *mem_ctx, const uint8_t *body, size_t len,
                          struct rop_buffer *buf_r)
{
	struct mh_execute_resp resp;
	unsigned enc;
	if (mh_execute_resp_pull(mem_ctx, body, len, &resp) != ROP_OK || resp.status_code != 0)
		return -1;
	return split_rops(mem_ctx, &resp.rop_buffer, &enc, buf_r);
}

void mc_replay_learn_answer(TALLOC_CTX *mem_ctx, struct mc_replay_state *r, const char *type,
                            const uint8_t *rec, size_t rec_len, const uint8_t *live,
                            size_t live_len)
{
	if (strcmp(type, "Connect") == 0) {
		struct mh_connect_resp a, b;
		if (mh_connect_resp_pull(mem_ctx, rec, rec_len, &a) == ROP_OK &&
		    mh_connect_resp_pull(mem_ctx, live, live_len, &b) == ROP_OK) {
			mc_replay_learn_sub(r, a.display_name, b.display_name);
			mc_replay_learn_sub(r, a.dn_prefix, b.dn_prefix);
		}
		return;
	}
	enum nspi_request_type nt;
	if (nspi_request_lookup(type, &nt) == 1) {
		mc_replay_nspi_learn(mem_ctx, r, nt, rec, rec_len, live, live_len);
		return;
	}
	if (strcmp(type, "Execute") != 0)
		return;
	/* [MS-OXCROPS] 2.2.1: the server object handle table, position by
	 * position */
	struct rop_buffer a, b;
	if (answer_handles(mem_ctx, rec, rec_len, &a) < 0 ||
	    answer_handles(mem_ctx, live, live_len, &b) < 0)
		return;
	for (size_t i = 0; i < a.handle_count && i < b.handle_count; i++) {
		struct mc_replay_id *m = r->handles;
		size_t k;
		if (a.handles[i] == 0xFFFFFFFFu)
			continue;
		for (k = 0; k < r->handle_count && m[k].from != a.handles[i]; k++)
			;
		if (k < r->handle_count) {
			m[k].to = b.handles[i]; /* a handle value the server reused */
			continue;
		}
		m = talloc_realloc(r->mem_ctx, r->handles, struct mc_replay_id,
		                   r->handle_count + 1);
		if (m == NULL)
			return;
		m[r->handle_count++] = (struct mc_replay_id){a.handles[i], b.handles[i]};
		r->handles = m;
	}
}
