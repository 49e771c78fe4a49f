/*
 * The ROP table derived from rop_ids.def, and the header layer of
 * [MS-OXCROPS] 2.2.3 - 2.2.15: RopId, LogonId and handle indexes of
 * requests; RopId, handle index and ReturnValue of responses.  Bodies are
 * the per-spec field tables (rop_ox*.c) run by rop_fields.c.
 */
#include "rop.h"

#include <string.h>

static const struct rop_info rop_table[] = {
#define ROP(id, name, member, rq, rs, xsec, ssec, flags)                                           \
	{id, flags, "Rop" #name, xsec, ssec, #rq, #rs, &rop_codec_##member},
#include "rop_ids.def"
};

#define ROP_TABLE_COUNT (sizeof(rop_table) / sizeof(rop_table[0]))

const struct rop_info *rop_info_by_id(uint8_t rop_id)
{
	/* rows are in RopId order, at most one per RopId */
	size_t lo = 0, hi = ROP_TABLE_COUNT;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (rop_table[mid].rop_id == rop_id)
			return &rop_table[mid];
		if (rop_table[mid].rop_id < rop_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct rop_info *rop_info_all(unsigned int *count_r)
{
	*count_r = (unsigned int)ROP_TABLE_COUNT;
	return rop_table;
}

const char *rop_name(uint8_t rop_id)
{
	const struct rop_info *i = rop_info_by_id(rop_id);
	return i != NULL ? i->name : NULL;
}

/* [MS-OXCROPS] 2.2.3 - 2.2.15 request headers */
static enum rop_err pull_req_header(struct rop_pull *p, uint8_t flags, struct rop_request *req)
{
	ROP_CHECK(rop_pull_u8(p, &req->logon_id));
	if ((flags & ROPF_LOGON) != 0)
		return rop_pull_u8(p, &req->output_handle);
	if ((flags & ROPF_RESPH) != 0) {
		ROP_CHECK(rop_pull_u8(p, &req->response_handle));
		return rop_pull_u8(p, &req->input_handle);
	}
	ROP_CHECK(rop_pull_u8(p, &req->input_handle));
	if ((flags & ROPF_SRCDST) != 0)
		return rop_pull_u8(p, &req->dest_handle);
	if ((flags & ROPF_OUT) != 0)
		return rop_pull_u8(p, &req->output_handle);
	return ROP_OK;
}

static enum rop_err push_req_header(struct rop_push *p, uint8_t flags,
                                    const struct rop_request *req)
{
	ROP_CHECK(rop_push_u8(p, req->logon_id));
	if ((flags & ROPF_LOGON) != 0)
		return rop_push_u8(p, req->output_handle);
	if ((flags & ROPF_RESPH) != 0) {
		ROP_CHECK(rop_push_u8(p, req->response_handle));
		return rop_push_u8(p, req->input_handle);
	}
	ROP_CHECK(rop_push_u8(p, req->input_handle));
	if ((flags & ROPF_SRCDST) != 0)
		return rop_push_u8(p, req->dest_handle);
	if ((flags & ROPF_OUT) != 0)
		return rop_push_u8(p, req->output_handle);
	return ROP_OK;
}

enum rop_err rop_pull_request_ctx(struct rop_pull *p, const struct rop_decode_ctx *ctx,
                                  struct rop_request *req)
{
	const struct rop_info *info;
	struct rop_field_env env = {req, NULL, ctx != NULL && ctx->public_logon};
	size_t start = p->ofs;
	enum rop_err err;

	memset(req, 0, sizeof(*req));
	ROP_CHECK(rop_pull_u8(p, &req->rop_id));
	info = rop_info_by_id(req->rop_id);
	if (info == NULL)
		err = ROP_E_UNKNOWN_ROP;
	else if ((info->flags & ROPF_RESP_ONLY) != 0)
		err = ROP_E_INVALID; /* server-initiated; never a request */
	else if (info->codec->status == ROP_CODEC_UNSUPPORTED)
		err = ROP_E_UNSUPPORTED;
	else if ((err = pull_req_header(p, info->flags, req)) == ROP_OK)
		err = rop_fields_pull(p, info->codec->req, &req->u, &env);
	if (err != ROP_OK)
		p->ofs = start;
	return err;
}

enum rop_err rop_pull_request(struct rop_pull *p, struct rop_request *req)
{
	return rop_pull_request_ctx(p, NULL, req);
}

enum rop_err rop_push_request(struct rop_push *p, const struct rop_request *req)
{
	const struct rop_info *info = rop_info_by_id(req->rop_id);
	struct rop_field_env env = {req, NULL, false};
	size_t mark = rop_push_mark(p);
	enum rop_err err;

	if (info == NULL)
		return ROP_E_UNKNOWN_ROP;
	if ((info->flags & ROPF_RESP_ONLY) != 0)
		return ROP_E_INVALID;
	if (info->codec->status == ROP_CODEC_UNSUPPORTED)
		return ROP_E_UNSUPPORTED;
	err = rop_push_u8(p, req->rop_id);
	if (err == ROP_OK)
		err = push_req_header(p, info->flags, req);
	if (err == ROP_OK)
		err = rop_fields_push(p, info->codec->req, &req->u, &env);
	if (err != ROP_OK)
		rop_push_rewind(p, mark);
	return err;
}

/* The table row a response RopId stands for, given the request. */
static const struct rop_info *resp_info(uint8_t rop_id, const struct rop_request *req)
{
	if (req != NULL && req->rop_id == ROP_ID_GetMessageStatus &&
	    rop_id == ROP_ID_SetMessageStatus)
		return rop_info_by_id(ROP_ID_GetMessageStatus);
	return rop_info_by_id(rop_id);
}

const struct rop_field *rop_codec_resp_fields(const struct rop_codec *c, uint32_t rv)
{
	if (rv == 0 || (c->warn_value != 0 && rv == c->warn_value))
		return c->resp;
	if (c->err_value != 0 && rv == c->err_value)
		return c->err_resp;
	/* [MS-OXCROPS] 2.2.*.*: failure responses end after ReturnValue */
	return NULL;
}

static enum rop_err pull_resp_body(struct rop_pull *p, const struct rop_info *info,
                                   const struct rop_field_env *env, struct rop_response *resp)
{
	const struct rop_codec *c = info->codec;

	if ((info->flags & ROPF_RAW_RESP) != 0)
		return rop_fields_pull(p, c->resp, &resp->u, env);
	ROP_CHECK(rop_pull_u8(p, &resp->handle_index));
	ROP_CHECK(rop_pull_u32(p, &resp->return_value));
	return rop_fields_pull(p, rop_codec_resp_fields(c, resp->return_value), &resp->u, env);
}

enum rop_err rop_pull_response(struct rop_pull *p, const struct rop_request *req_or_NULL,
                               const struct rop_decode_ctx *ctx, struct rop_response *resp)
{
	const struct rop_info *info;
	struct rop_field_env env = {req_or_NULL, ctx != NULL ? ctx->columns : NULL,
	                            ctx != NULL && ctx->public_logon};
	size_t start = p->ofs;
	enum rop_err err;

	memset(resp, 0, sizeof(*resp));
	ROP_CHECK(rop_pull_u8(p, &resp->rop_id));
	info = resp_info(resp->rop_id, req_or_NULL);
	if (info == NULL)
		err = ROP_E_UNKNOWN_ROP;
	else if ((info->flags & ROPF_REQ_ONLY) != 0)
		err = ROP_E_INVALID;
	else if (info->codec->status == ROP_CODEC_UNSUPPORTED)
		err = ROP_E_UNSUPPORTED;
	else
		err = pull_resp_body(p, info, &env, resp);
	if (err == ROP_OK && info != NULL)
		resp->rop_id = info->rop_id;
	if (err != ROP_OK)
		p->ofs = start;
	return err;
}

static enum rop_err push_resp_body(struct rop_push *p, const struct rop_info *info,
                                   const struct rop_field_env *env, const struct rop_response *resp)
{
	const struct rop_codec *c = info->codec;

	ROP_CHECK(rop_push_u8(p, (info->flags & ROPF_RESPID_20) != 0 ? ROP_ID_SetMessageStatus
	                                                             : info->rop_id));
	if ((info->flags & ROPF_RAW_RESP) != 0)
		return rop_fields_push(p, c->resp, &resp->u, env);
	ROP_CHECK(rop_push_u8(p, resp->handle_index));
	ROP_CHECK(rop_push_u32(p, resp->return_value));
	return rop_fields_push(p, rop_codec_resp_fields(c, resp->return_value), &resp->u, env);
}

enum rop_err rop_push_response(struct rop_push *p, const struct rop_response *resp,
                               const struct rop_encode_ctx *ctx)
{
	const struct rop_info *info = rop_info_by_id(resp->rop_id);
	struct rop_field_env env = {ctx != NULL ? ctx->req : NULL,
	                            ctx != NULL ? ctx->columns : NULL, false};
	size_t mark = rop_push_mark(p);
	enum rop_err err;

	if (info == NULL)
		return ROP_E_UNKNOWN_ROP;
	if ((info->flags & ROPF_REQ_ONLY) != 0)
		return ROP_E_INVALID;
	if (info->codec->status == ROP_CODEC_UNSUPPORTED)
		return ROP_E_UNSUPPORTED;
	err = push_resp_body(p, info, &env, resp);
	if (err != ROP_OK)
		rop_push_rewind(p, mark);
	return err;
}

enum rop_err rop_pull_request_list(TALLOC_CTX *mem_ctx, const uint8_t *data, size_t len,
                                   const struct rop_decode_ctx *ctx,
                                   struct rop_request_list *list_r, size_t *error_at_r)
{
	struct rop_pull p;
	struct rop_request_list l = {0, NULL};
	enum rop_err err = ROP_OK;

	/* every request is at least RopId, LogonId, InputHandleIndex */
	l.reqs = talloc_zero_array(mem_ctx, struct rop_request, len / 3 + 1);
	if (l.reqs == NULL)
		return ROP_E_NOMEM;
	rop_pull_init(&p, mem_ctx, data, len);
	while (rop_pull_left(&p) > 0) {
		err = rop_pull_request_ctx(&p, ctx, &l.reqs[l.count]);
		if (err != ROP_OK) {
			if (error_at_r != NULL)
				*error_at_r = p.ofs;
			break;
		}
		l.count++;
	}
	*list_r = l;
	return err;
}

enum rop_err rop_push_request_list(struct rop_push *p, const struct rop_request_list *list)
{
	for (uint32_t i = 0; i < list->count; i++)
		ROP_CHECK(rop_push_request(p, &list->reqs[i]));
	return ROP_OK;
}
