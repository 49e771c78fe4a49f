/*
 * Execute ([MS-OXCMAPIHTTP] 2.2.4.2, EcDoRpcExt2 of [MS-OXCRPC] 3.1.4.2):
 * the RPC_HEADER_EXT envelope, the ROP input buffer, the handle table and
 * the ROP loop of [MS-OXCROPS] 3.2.5.1.
 *
 * Order of work for each ROP input buffer:
 *  1. every request is decoded before any runs: a buffer that cannot be
 *     parsed fails the whole call with ecRpcFormat ([MS-OXCROPS] 3.2.5.1),
 *     so nothing half-runs;
 *  2. ROPs run in order; one that fails answers its own ReturnValue and the
 *     rest continue ([MS-OXCROPS] 3.2.5.1);
 *  3. responses are encoded into a buffer bounded by MaxRopOut and the
 *     32 KB payload limit; before each ROP there is always room for a
 *     RopBufferTooSmall carrying the requests not yet run
 *     ([MS-OXCROPS] 2.2.15.1, 3.2.5.4), so the client can resend them.
 *     A ROP whose response does not fit once run is answered by
 *     RopBufferTooSmall too (it is resent and runs again: handlers whose
 *     results could grow past the room, RopQueryRows and RopReadStream,
 *     size their answers to c->space instead).
 */
#include <string.h>

#include "ems_private.h"
#include "log.h"
#include "rpc_ext.h"

/* Largest decoded RopBuffer accepted: eight full payloads.  The decoder
 * stops at this many bytes whatever the compression ratio. */
#define EMS_MAX_IN (8 * RPC_EXT_MAX_PAYLOAD)
/* A response is at least RopId, handle index and ReturnValue. */
#define EMS_MIN_RESPONSE 6
/* Guess of the room a ROP not yet run needs, for SizeNeeded. */
#define EMS_SIZE_GUESS  0x1000
#define EMS_NULL_HANDLE 0xFFFFFFFFu

struct rop_run {
	struct ems_session *s;
	TALLOC_CTX *tmp;
	const uint8_t *rops; /* the request RopsList */
	size_t rops_len;
	uint32_t *handles;
	size_t handle_count;
	struct rop_request *reqs;
	size_t *offsets; /* of each request in rops */
	uint32_t count;
	struct rop_push out;         /* response RopsList */
	uint8_t unserved_logged[32]; /* RopIds already logged as not served */
	size_t header_bytes;         /* extended header, RopSize, handle table */
};

/* Decodes every request of the list; ecRpcFormat if any fails. */
static uint32_t decode_requests(struct rop_run *r)
{
	struct rop_pull p;
	size_t max = r->rops_len / 3 + 1;

	r->reqs = talloc_zero_array(r->tmp, struct rop_request, max);
	r->offsets = talloc_array(r->tmp, size_t, max);
	if (r->reqs == NULL || r->offsets == NULL)
		return EC_OutOfMemory;
	rop_pull_init(&p, r->tmp, r->rops, r->rops_len);
	while (rop_pull_left(&p) > 0) {
		enum rop_err err;

		r->offsets[r->count] = p.ofs;
		err = rop_pull_request(&p, &r->reqs[r->count]);
		if (err != ROP_OK) {
			log_warn(EMS_LOG, "execute bad rop buffer offset=%zu rop=0x%02x error=%s",
			         p.ofs, r->rops[p.ofs], rop_strerror(err));
			return EC_RpcFormat;
		}
		r->count++;
	}
	return 0;
}

static uint8_t response_handle_index(const struct rop_info *info, const struct rop_request *req)
{
	if ((info->flags & (ROPF_OUT | ROPF_LOGON)) != 0)
		return req->output_handle;
	if ((info->flags & ROPF_RESPH) != 0)
		return req->response_handle;
	return req->input_handle;
}

static struct ems_object *resolve(struct rop_run *r, uint8_t index)
{
	if (index >= r->handle_count)
		return NULL;
	return ems_object_lookup(r->s, r->handles[index]);
}

/* Resolves the logon and the objects of req, then runs the handler. */
static uint32_t run_one(struct rop_run *r, struct ems_rop_ctx *c, const struct rop_info *info,
                        const struct rop_request *req, struct rop_response *resp)
{
	const struct ems_rop_def *def = ems_rop_def(req->rop_id);

	if (def == NULL) {
		/* once per RopId and call, however many the buffer holds */
		if ((r->unserved_logged[req->rop_id / 8] & (1u << (req->rop_id % 8))) == 0) {
			r->unserved_logged[req->rop_id / 8] |= (uint8_t)(1u << (req->rop_id % 8));
			log_info(EMS_LOG, "rop not served rop=%s answer=ecNotSupported",
			         info->name);
		}
		return EC_NotSupported;
	}
	if ((info->flags & (ROPF_OUT | ROPF_LOGON)) != 0 && req->output_handle >= r->handle_count)
		return EC_NullObject;
	if (req->rop_id != ROP_ID_Logon) {
		c->logon = r->s->logons[req->logon_id];
		if (c->logon == NULL)
			return EC_NullObject;
	}
	if (def->in_types != 0) {
		/* [MS-OXCROPS] 3.2.5.1: an index that names no object fails the
		 * ROP with ecNullObject, as does an object of another logon */
		c->in = resolve(r, req->input_handle);
		if (c->in == NULL || c->in->logon != c->logon)
			return EC_NullObject;
		if ((def->in_types & EMS_T(c->in->type)) == 0)
			return EC_NotSupported;
	}
	if ((info->flags & ROPF_SRCDST) != 0) {
		c->dest = resolve(r, req->dest_handle);
		if (c->dest != NULL && (def->dest_types & EMS_T(c->dest->type)) == 0)
			return EC_NotSupported;
	}
	return def->fn(c, req, resp);
}

/* Appends RopBufferTooSmall for requests i.. ([MS-OXCROPS] 2.2.15.1). */
static enum rop_err push_too_small(struct rop_run *r, uint32_t i, size_t size_needed)
{
	struct rop_response resp = {.rop_id = ROP_ID_BufferTooSmall};
	size_t need = r->header_bytes + r->out.ofs + size_needed;

	resp.u.buffer_too_small.size_needed = need > 0xFFFF ? 0xFFFF : (uint16_t)need;
	resp.u.buffer_too_small.request_buffers.data = (uint8_t *)r->rops + r->offsets[i];
	resp.u.buffer_too_small.request_buffers.len = (uint32_t)(r->rops_len - r->offsets[i]);
	log_info(EMS_LOG, "execute buffer too small rops_left=%u size_needed=%u", r->count - i,
	         resp.u.buffer_too_small.size_needed);
	return rop_push_response(&r->out, &resp, NULL);
}

/* Bytes a RopBufferTooSmall carrying requests i.. takes. */
static size_t too_small_size(const struct rop_run *r, uint32_t i)
{
	return i >= r->count ? 0 : 3 + (r->rops_len - r->offsets[i]);
}

static void release_one(struct rop_run *r, const struct rop_request *req)
{
	struct ems_object *obj = resolve(r, req->input_handle);

	/* [MS-OXCROPS] 3.2.5.3: no response; an unknown handle is ignored */
	if (obj != NULL && obj->logon == r->s->logons[req->logon_id]) {
		if (obj->type == EMS_OBJ_STREAM)
			ems_stream_release(obj);
		ems_object_release(obj);
	}
}

/* Runs request i and encodes its response; 1 when the loop must stop
 * (RopBufferTooSmall written), 0 to go on, or an ecXxx failing the call. */
static uint32_t run_and_encode(struct rop_run *r, uint32_t i)
{
	const struct rop_request *req = &r->reqs[i];
	const struct rop_info *info = rop_info_by_id(req->rop_id);
	struct ems_rop_ctx c = {.s = r->s};
	struct rop_response resp;
	struct rop_encode_ctx enc;
	size_t left = r->out.cap - r->out.ofs;
	enum rop_err err;
	uint32_t ret = 0;

	if (left < too_small_size(r, i) + EMS_MIN_RESPONSE) {
		/* no room to run it and still tell the client what was left */
		if (too_small_size(r, i) > left)
			return EC_BufferTooSmall;
		return push_too_small(r, i, EMS_SIZE_GUESS) == ROP_OK ? 1 : EC_BufferTooSmall;
	}
	c.mem = talloc_new(r->tmp);
	if (c.mem == NULL)
		return EC_OutOfMemory;
	c.space = left - too_small_size(r, i + 1);
	memset(&resp, 0, sizeof(resp));
	resp.rop_id = req->rop_id;
	resp.handle_index = response_handle_index(info, req);
	resp.return_value = run_one(r, &c, info, req, &resp);
	if ((info->flags & (ROPF_OUT | ROPF_LOGON)) != 0 && req->output_handle < r->handle_count) {
		if (resp.return_value == 0 && c.out != NULL)
			r->handles[req->output_handle] = c.out->handle;
		else
			r->handles[req->output_handle] = EMS_NULL_HANDLE;
	}
	enc.columns = c.columns;
	enc.req = req;
	err = rop_push_response(&r->out, &resp, &enc);
	if (err == ROP_E_NOSPACE) {
		struct rop_push g;
		rop_push_init_growable(&g, c.mem);
		size_t size = rop_push_response(&g, &resp, &enc) == ROP_OK ? g.ofs : EMS_SIZE_GUESS;
		ret = push_too_small(r, i, size + too_small_size(r, i + 1)) == ROP_OK
		          ? 1
		          : EC_BufferTooSmall;
	} else if (err != ROP_OK) {
		/* a value the codec cannot carry: the ROP fails, the rest go on */
		log_error(EMS_LOG, "execute encode rop=%s error=%s", info->name, rop_strerror(err));
		memset(&resp.u, 0, sizeof(resp.u));
		resp.return_value = EC_GeneralFailure;
		ret = rop_push_response(&r->out, &resp, NULL) == ROP_OK ? 0 : EC_BufferTooSmall;
	}
	talloc_free(c.mem);
	return ret;
}

/* Runs one ROP input buffer and appends its output buffer to push. */
static uint32_t run_rop_buffer(struct ems_session *s, TALLOC_CTX *tmp, const uint8_t *payload,
                               size_t len, size_t limit, struct rop_push *push, unsigned eflags)
{
	struct rop_run r = {.s = s, .tmp = tmp};
	struct rop_buffer buf;
	uint32_t ec;
	size_t cap;

	if (rop_buffer_split(tmp, payload, len, &buf) != ROP_OK) {
		log_warn(EMS_LOG, "execute bad rop buffer len=%zu", len);
		return EC_RpcFormat;
	}
	r.rops = buf.rops;
	r.rops_len = buf.rops_len;
	r.handles = buf.handles;
	r.handle_count = buf.handle_count;
	ec = decode_requests(&r);
	if (ec != 0)
		return ec;
	r.header_bytes = RPC_EXT_HEADER_SIZE + 2 + 4 * r.handle_count;
	if (limit > RPC_EXT_HEADER_SIZE + RPC_EXT_MAX_PAYLOAD)
		limit = RPC_EXT_HEADER_SIZE + RPC_EXT_MAX_PAYLOAD;
	if (limit < r.header_bytes)
		return EC_BufferTooSmall;
	cap = limit - r.header_bytes;
	rop_push_init_fixed(&r.out, talloc_size(tmp, cap + 1), cap);
	if (r.out.data == NULL)
		return EC_OutOfMemory;
	for (uint32_t i = 0; i < r.count; i++) {
		if (r.reqs[i].rop_id == ROP_ID_Release) {
			release_one(&r, &r.reqs[i]);
			continue;
		}
		ec = run_and_encode(&r, i);
		if (ec == 1)
			break;
		if (ec != 0)
			return ec;
	}
	ems_notify_append(s, &r.out, tmp);
	if (rpc_ext_encode_rop_buffer(push, r.out.data, r.out.ofs, r.handles, r.handle_count,
	                              eflags) != ROP_OK)
		return EC_BufferTooSmall;
	return 0;
}

static int execute_fail(struct mh_execute_resp *resp, uint32_t ec)
{
	memset(resp, 0, sizeof(*resp));
	resp->error_code = ec;
	return 1;
}

int ems_execute(struct ems_session *s, TALLOC_CTX *resp_ctx, const struct mh_execute_req *req,
                struct mh_execute_resp *resp, const char **error_r)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct rpc_ext_chain chain;
	struct rop_push push;
	unsigned eflags = rpc_ext_encode_flags_from_pul(req->flags);
	size_t budget = req->max_rop_out;
	enum rop_err err;
	uint32_t ec = 0;
	int ret = 1;

	if (tmp == NULL) {
		*error_r = "out of memory";
		return -1;
	}
	ems_aux_log(tmp, "execute", &req->aux);
	err = rpc_ext_decode(tmp, req->rop_buffer.data, req->rop_buffer.len, EMS_MAX_IN, &chain);
	if (err != ROP_OK || chain.count == 0) {
		log_warn(EMS_LOG, "execute bad extended buffer len=%u error=%s",
		         req->rop_buffer.len, rop_strerror(err));
		ret = execute_fail(resp, EC_RpcFormat);
		goto out;
	}
	rop_push_init_growable(&push, tmp);
	for (size_t b = 0; b < chain.count; b++) {
		unsigned f = eflags | (b + 1 == chain.count ? RPC_EXT_ENCODE_LAST : 0);
		size_t used = push.ofs;

		ec = run_rop_buffer(s, tmp, chain.blocks[b].data, chain.blocks[b].len,
		                    budget > used ? budget - used : 0, &push, f);
		if (ec != 0)
			break;
	}
	if (ec != 0) {
		ret = execute_fail(resp, ec);
		goto out;
	}
	memset(resp, 0, sizeof(*resp));
	resp->rop_buffer.len = (uint32_t)push.ofs;
	resp->rop_buffer.data = talloc_memdup(resp_ctx, push.data, push.ofs);
	if (resp->rop_buffer.data == NULL) {
		*error_r = "out of memory";
		ret = -1;
		goto out;
	}
	ret = 0;
out:
	talloc_free(tmp);
	return ret;
}
