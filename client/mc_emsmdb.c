/*
 * mc_emsmdb: EMSMDB over MAPI/HTTP, client side.
 */
#include "mc_emsmdb.h"

#include <inttypes.h>
#include <openssl/rand.h>
#include <string.h>

#include "aux.h"
#include "mc_http.h"
#include "rop_errors.h"
#include "rpc_ext.h"

/* The response-body error of a request: a non-zero StatusCode is a
 * transport failure (2.2.2.2), a non-zero ErrorCode the operation's. */
static int check_status(struct mc_session *s, const char *what, uint32_t status, uint32_t error)
{
	if (status != 0)
		return mc_fail(s, MC_E_SERVER, "%s: StatusCode 0x%08" PRIx32 " (%s)", what, status,
		               rop_error_name(status) ? rop_error_name(status) : "unknown");
	if (error != 0)
		return mc_fail(s, MC_E_SERVER, "%s: ErrorCode 0x%08" PRIx32 " (%s)", what, error,
		               rop_error_name(error) ? rop_error_name(error) : "unknown");
	return 0;
}

static int need_urls(struct mc_session *s)
{
	if (s->emsmdb_url == NULL || s->legacy_dn == NULL)
		return mc_fail(s, MC_E_USAGE, "no MailStore URL: run discovery first");
	return 0;
}

/* The auxiliary blocks Outlook sends with Connect ([MS-OXCRPC] 2.2.2.2:
 * AUX_PERF_CLIENTINFO, AUX_PERF_PROCESSINFO, AUX_PERF_SESSIONINFO,
 * AUX_PERF_ACCOUNTINFO), compressed and obfuscated as its ROP buffers. */
static int connect_aux(TALLOC_CTX *mem_ctx, struct mc_session *s, struct mh_blob *aux_r)
{
	struct aux_block b[4];
	struct rop_push p;
	memset(b, 0, sizeof(b));
	for (int i = 0; i < 4; i++) {
		b[i].version = AUX_VERSION_1;
		b[i].known = true;
	}
	b[0].type = AUX_TYPE_PERF_CLIENTINFO;
	b[0].u.clientinfo.client_id = 1;
	b[0].u.clientinfo.machine_name = talloc_strdup(mem_ctx, "mapiclient");
	b[0].u.clientinfo.user_name = talloc_strdup(mem_ctx, s->opts.user ? s->opts.user : "");
	b[0].u.clientinfo.client_mode = 0x0001; /* CLIENTMODE_CLASSIC: online mode */
	b[1].type = AUX_TYPE_PERF_PROCESSINFO;  /* version 2 only (2.2.2.2.6) */
	b[1].version = AUX_VERSION_2;
	b[1].u.processinfo.process_id = 1;
	b[1].u.processinfo.process_name = talloc_strdup(mem_ctx, "OUTLOOK.EXE");
	if (RAND_bytes(b[1].u.processinfo.process_guid.b, 16) != 1 ||
	    RAND_bytes(b[2].u.sessioninfo.session_guid.b, 16) != 1 ||
	    RAND_bytes(b[3].u.accountinfo.account.b, 16) != 1)
		return mc_fail(s, MC_E_NOMEM, "Connect: no random bytes for the GUIDs");
	b[2].type = AUX_TYPE_PERF_SESSIONINFO;
	b[2].u.sessioninfo.session_id = 1;
	b[3].type = AUX_TYPE_PERF_ACCOUNTINFO;
	b[3].u.accountinfo.client_id = 1;
	struct aux_list list = {b, 4};
	rop_push_init_growable(&p, mem_ctx);
	if (b[0].u.clientinfo.machine_name == NULL || b[0].u.clientinfo.user_name == NULL ||
	    b[1].u.processinfo.process_name == NULL ||
	    aux_buffer_encode(&p, &list, RPC_EXT_ENCODE_COMPRESS | RPC_EXT_ENCODE_XOR) != ROP_OK)
		return mc_fail(s, MC_E_NOMEM, "Connect: cannot encode the auxiliary buffer");
	aux_r->data = p.data;
	aux_r->len = (uint32_t)p.ofs;
	return 0;
}

int mc_emsmdb_connect(TALLOC_CTX *mem_ctx, struct mc_session *s, struct mh_connect_resp *resp_r)
{
	TALLOC_CTX *tmp = talloc_new(mem_ctx);
	struct rop_push p;
	struct mc_mapi_resp r;
	int ret = -1;
	if (need_urls(s) < 0)
		goto out;
	/* [MS-OXCMAPIHTTP] 2.2.4.1.1; code page 1252 and locale 0x409 as
	 * Outlook (en-US) sends them. */
	struct mh_connect_req req = {
	    .user_dn = s->legacy_dn,
	    .flags = 0,
	    .default_code_page = 1252,
	    .lcid_sort = 0x409,
	    .lcid_string = 0x409,
	};
	if (connect_aux(tmp, s, &req.aux) < 0)
		goto out;
	rop_push_init_growable(&p, tmp);
	if (mh_connect_req_push(&p, &req) != ROP_OK) {
		mc_fail(s, MC_E_NOMEM, "Connect: cannot encode the request");
		goto out;
	}
	if (mc_mapi_request(tmp, s, s->emsmdb_url, "Connect", p.data, p.ofs, &r) < 0)
		goto out;
	enum rop_err e = mh_connect_resp_pull(mem_ctx, r.body, r.body_len, resp_r);
	if (e != ROP_OK) {
		mc_fail(s, MC_E_PROTOCOL, "Connect: undecodable response body (%s)",
		        rop_strerror(e));
		goto out;
	}
	ret = check_status(s, "Connect", resp_r->status_code, resp_r->error_code);
out:
	talloc_free(tmp);
	return ret;
}

int mc_emsmdb_disconnect(TALLOC_CTX *mem_ctx, struct mc_session *s)
{
	TALLOC_CTX *tmp = talloc_new(mem_ctx);
	struct rop_push p;
	struct mc_mapi_resp r;
	struct mh_disconnect_resp resp;
	struct mh_disconnect_req req = {{0}};
	int ret = -1;
	if (need_urls(s) < 0)
		goto out;
	rop_push_init_growable(&p, tmp);
	if (mh_disconnect_req_push(&p, &req) != ROP_OK) {
		mc_fail(s, MC_E_NOMEM, "Disconnect: cannot encode the request");
		goto out;
	}
	if (mc_mapi_request(tmp, s, s->emsmdb_url, "Disconnect", p.data, p.ofs, &r) < 0)
		goto out;
	enum rop_err e = mh_disconnect_resp_pull(tmp, r.body, r.body_len, &resp);
	if (e != ROP_OK) {
		mc_fail(s, MC_E_PROTOCOL, "Disconnect: undecodable response body (%s)",
		        rop_strerror(e));
		goto out;
	}
	ret = check_status(s, "Disconnect", resp.status_code, resp.error_code);
out:
	talloc_free(tmp);
	return ret;
}

int mc_emsmdb_notification_wait(TALLOC_CTX *mem_ctx, struct mc_session *s,
                                uint32_t *event_pending_r)
{
	TALLOC_CTX *tmp = talloc_new(mem_ctx);
	struct rop_push p;
	struct mc_mapi_resp r;
	struct mh_notification_wait_resp resp;
	struct mh_notification_wait_req req = {0};
	int ret = -1;
	if (need_urls(s) < 0)
		goto out;
	rop_push_init_growable(&p, tmp);
	if (mh_notification_wait_req_push(&p, &req) != ROP_OK) {
		mc_fail(s, MC_E_NOMEM, "NotificationWait: cannot encode the request");
		goto out;
	}
	if (mc_mapi_request(tmp, s, s->emsmdb_url, "NotificationWait", p.data, p.ofs, &r) < 0)
		goto out;
	enum rop_err e = mh_notification_wait_resp_pull(tmp, r.body, r.body_len, &resp);
	if (e != ROP_OK) {
		mc_fail(s, MC_E_PROTOCOL, "NotificationWait: undecodable response body (%s)",
		        rop_strerror(e));
		goto out;
	}
	ret = check_status(s, "NotificationWait", resp.status_code, resp.error_code);
	*event_pending_r = resp.event_pending;
out:
	talloc_free(tmp);
	return ret;
}

int mc_mapi_ping(TALLOC_CTX *mem_ctx, struct mc_session *s, bool nspi)
{
	TALLOC_CTX *tmp = talloc_new(mem_ctx);
	struct mc_mapi_resp r;
	const char *url = nspi ? s->nspi_url : s->emsmdb_url;
	int ret = -1;
	if (url == NULL) {
		mc_fail(s, MC_E_USAGE, "no endpoint URL: run discovery first");
		goto out;
	}
	/* [MS-OXCMAPIHTTP] 2.2.6.3: PING has no request body and its
	 * response body is empty. */
	if (mc_mapi_request(tmp, s, url, "PING", NULL, 0, &r) < 0)
		goto out;
	if (r.body_len != 0) {
		mc_fail(s, MC_E_PROTOCOL, "PING: response body of %zu bytes (none expected)",
		        r.body_len);
		goto out;
	}
	ret = 0;
out:
	talloc_free(tmp);
	return ret;
}

static int execute_request_body(TALLOC_CTX *mem_ctx, struct mc_session *s,
                                const struct mc_execute_opts *o, const struct rop_request *reqs,
                                size_t count, const uint32_t *handles, size_t handle_count,
                                struct rop_push *body)
{
	struct rop_push rops, chain;
	rop_push_init_growable(&rops, mem_ctx);
	rop_push_init_growable(&chain, mem_ctx);
	for (size_t i = 0; i < count; i++) {
		enum rop_err e = rop_push_request(&rops, &reqs[i]);
		if (e != ROP_OK)
			return mc_fail(s, MC_E_USAGE, "Execute: cannot encode %s (%s)",
			               rop_name(reqs[i].rop_id), rop_strerror(e));
	}
	/* [MS-OXCRPC] 3.1.4.2.1: one extended buffer carrying the ROP
	 * buffer, compressed and obfuscated as the options say. */
	enum rop_err e =
	    rpc_ext_encode_rop_buffer(&chain, rops.data, rops.ofs, handles, handle_count,
	                              o->encode_flags | RPC_EXT_ENCODE_LAST);
	if (e != ROP_OK)
		return mc_fail(s, MC_E_USAGE, "Execute: cannot build the ROP buffer (%s)",
		               rop_strerror(e));
	struct mh_execute_req req = {
	    .flags = o->flags,
	    .rop_buffer = {chain.data, (uint32_t)chain.ofs},
	    .max_rop_out = MC_MAX_ROP_OUT,
	};
	rop_push_init_growable(body, mem_ctx);
	if (mh_execute_req_push(body, &req) != ROP_OK)
		return mc_fail(s, MC_E_NOMEM, "Execute: cannot encode the request");
	return 0;
}

/* [MS-OXCNOTIF] 3.2.5.4: after the answers to the requests the server
 * appends RopNotify responses, then RopPending when more wait; the
 * notifications are kept on the session. */
static int execute_notifications(struct mc_session *s, const struct rop_decode_ctx *ctx,
                                 const struct rop_pull *after)
{
	struct rop_pull p;
	TALLOC_FREE(s->notif_ctx);
	s->notifs = NULL;
	s->notif_count = 0;
	if (rop_pull_left(after) == 0)
		return 0;
	if ((s->notif_ctx = talloc_new(s)) == NULL)
		return mc_fail(s, MC_E_NOMEM, "out of memory");
	rop_pull_init(&p, s->notif_ctx, after->data + after->ofs, rop_pull_left(after));
	while (rop_pull_left(&p) > 0) {
		struct rop_response r;
		enum rop_err e = rop_pull_response(&p, NULL, ctx, &r);
		if (e != ROP_OK || (r.rop_id != ROP_ID_Notify && r.rop_id != ROP_ID_Pending))
			return mc_fail(s, MC_E_PROTOCOL,
			               "Execute: undecodable bytes after the responses (%s)",
			               e != ROP_OK ? rop_strerror(e) : rop_name(r.rop_id));
		if (r.rop_id != ROP_ID_Notify)
			continue;
		struct rop_response *a = talloc_realloc(s->notif_ctx, s->notifs,
		                                        struct rop_response, s->notif_count + 1);
		if (a == NULL)
			return mc_fail(s, MC_E_NOMEM, "out of memory");
		a[s->notif_count++] = r;
		s->notifs = a;
	}
	return 0;
}

static int execute_decode(TALLOC_CTX *mem_ctx, struct mc_session *s, const struct rop_request *reqs,
                          size_t count, const struct rop_decode_ctx *ctx,
                          const struct rop_buffer *buf, struct rop_response **resps_r,
                          size_t *resp_count_r)
{
	struct rop_response *resps = talloc_zero_array(mem_ctx, struct rop_response, count + 1);
	struct rop_pull p;
	size_t n = 0;
	if (resps == NULL)
		return mc_fail(s, MC_E_NOMEM, "out of memory");
	rop_pull_init(&p, mem_ctx, buf->rops, buf->rops_len);
	for (size_t i = 0; i < count && rop_pull_left(&p) > 0; i++) {
		const struct rop_info *info = rop_info_by_id(reqs[i].rop_id);
		if (info != NULL && (info->flags & ROPF_REQ_ONLY))
			continue;
		enum rop_err e = rop_pull_response(&p, &reqs[i], ctx, &resps[n]);
		if (e != ROP_OK)
			return mc_fail(s, MC_E_PROTOCOL, "Execute: undecodable %s response (%s)",
			               rop_name(reqs[i].rop_id), rop_strerror(e));
		n++;
	}
	*resps_r = resps;
	*resp_count_r = n;
	return execute_notifications(s, ctx, &p);
}

int mc_emsmdb_execute(TALLOC_CTX *mem_ctx, struct mc_session *s, const struct mc_execute_opts *o,
                      const struct rop_request *reqs, size_t count, const uint32_t *handles,
                      size_t handle_count, const struct rop_decode_ctx *ctx_or_NULL,
                      struct rop_response **resps_r, size_t *resp_count_r, uint32_t **handles_r,
                      size_t *handle_count_r)
{
	TALLOC_CTX *tmp = talloc_new(mem_ctx);
	struct rop_push body;
	struct mc_mapi_resp r;
	struct mh_execute_resp resp;
	struct rpc_ext_chain chain;
	struct rop_buffer buf;
	uint8_t *payload;
	size_t payload_len;
	int ret = -1;
	if (need_urls(s) < 0 ||
	    execute_request_body(tmp, s, o, reqs, count, handles, handle_count, &body) < 0)
		goto out;
	s->trace_ctx = ctx_or_NULL;
	int rc = mc_mapi_request(tmp, s, s->emsmdb_url, "Execute", body.data, body.ofs, &r);
	s->trace_ctx = NULL;
	if (rc < 0)
		goto out;
	enum rop_err e = mh_execute_resp_pull(tmp, r.body, r.body_len, &resp);
	if (e != ROP_OK) {
		mc_fail(s, MC_E_PROTOCOL, "Execute: undecodable response body (%s)",
		        rop_strerror(e));
		goto out;
	}
	if (check_status(s, "Execute", resp.status_code, resp.error_code) < 0)
		goto out;
	/* [MS-OXCRPC] 3.1.4.2.1: decompress / de-obfuscate the chain. */
	e = rpc_ext_decode(tmp, resp.rop_buffer.data, resp.rop_buffer.len, MC_MAX_ROP_OUT * 4,
	                   &chain);
	if (e == ROP_OK)
		e = rpc_ext_join(tmp, &chain, &payload, &payload_len);
	if (e == ROP_OK)
		e = rop_buffer_split(mem_ctx, payload, payload_len, &buf);
	if (e != ROP_OK) {
		mc_fail(s, MC_E_PROTOCOL, "Execute: bad RopBuffer in the response (%s)",
		        rop_strerror(e));
		goto out;
	}
	/* [MS-OXCRPC] 3.1.4.2.1.1: a client that set NoCompression /
	 * NoXorMagic gets neither back. */
	for (size_t i = 0; i < chain.count; i++) {
		uint16_t bf = chain.blocks[i].flags;
		if (((o->flags & RPC_EXT_PUL_NOCOMPRESSION) && (bf & RPC_EXT_FLAG_COMPRESSED)) ||
		    ((o->flags & RPC_EXT_PUL_NOXORMAGIC) && (bf & RPC_EXT_FLAG_XORMAGIC))) {
			mc_fail(s, MC_E_PROTOCOL,
			        "Execute: response block flags 0x%04x although the request "
			        "said Flags 0x%08" PRIx32 " (no compression / no XOR)",
			        bf, o->flags);
			goto out;
		}
	}
	if (chain.count != 1) {
		mc_fail(s, MC_E_PROTOCOL,
		        "Execute: %zu extended buffers in the response without the Chain flag",
		        chain.count);
		goto out;
	}
	talloc_steal(mem_ctx, payload);
	if (execute_decode(mem_ctx, s, reqs, count, ctx_or_NULL, &buf, resps_r, resp_count_r) < 0)
		goto out;
	*handles_r = buf.handles;
	*handle_count_r = buf.handle_count;
	ret = 0;
out:
	talloc_free(tmp);
	return ret;
}
