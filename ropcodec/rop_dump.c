/*
 * rop_dump: decode and print in one go -- ROP lists, ROP buffers, their
 * RPC_HEADER_EXT chains, auxiliary buffers and the MAPI/HTTP EMSMDB bodies
 * (rop_print.h).  What decodes is printed; at the first error the offset,
 * the error and the bytes left are printed and the error is answered.
 */
#include <inttypes.h>
#include <string.h>

#include "aux.h"
#include "mh_emsmdb.h"
#include "rop_print_priv.h"
#include "rpc_ext.h"

/* The largest decoded ROP or auxiliary payload the printer accepts. */
#define DUMP_MAX_PAYLOAD (16u << 20)

static enum rop_err print_failure(struct rop_printer *pr, const uint8_t *data, size_t len,
                                  size_t at, enum rop_err err)
{
	rop_printf(pr, "! offset %zu: %s", at, rop_strerror(err));
	if (at < len)
		rop_print_hex(pr, "undecoded", data + at, len - at);
	return err;
}

static enum rop_err print_requests(struct rop_printer *pr, const uint8_t *data, size_t len,
                                   const struct rop_decode_ctx *ctx)
{
	struct rop_pull p;
	struct rop_request req;
	enum rop_err err;

	rop_pull_init(&p, pr->mem_ctx, data, len);
	while (rop_pull_left(&p) > 0) {
		err = rop_pull_request_ctx(&p, ctx, &req);
		if (err != ROP_OK)
			return print_failure(pr, data, len, p.ofs, err);
		rop_print_request(pr, &req);
	}
	return ROP_OK;
}

static enum rop_err print_responses(struct rop_printer *pr, const uint8_t *data, size_t len,
                                    const struct rop_decode_ctx *ctx)
{
	static const struct mapi_proptag_array none = {0, NULL};
	struct rop_request gps;
	struct rop_pull p;
	struct rop_response resp;
	enum rop_err err;

	/* a RopGetPropertiesSpecific response is read in the given columns */
	memset(&gps, 0, sizeof(gps));
	gps.rop_id = ROP_ID_GetPropertiesSpecific;
	gps.u.get_properties_specific.tags =
	    ctx != NULL && ctx->columns != NULL ? *ctx->columns : none;
	rop_pull_init(&p, pr->mem_ctx, data, len);
	while (rop_pull_left(&p) > 0) {
		const struct rop_request *rq =
		    data[p.ofs] == ROP_ID_GetPropertiesSpecific ? &gps : NULL;
		err = rop_pull_response(&p, rq, ctx, &resp);
		if (err != ROP_OK)
			return print_failure(pr, data, len, p.ofs, err);
		rop_print_response(pr, &resp);
	}
	return ROP_OK;
}

enum rop_err rop_print_rop_list(struct rop_printer *pr, enum rop_print_dir dir, const uint8_t *data,
                                size_t len, const struct rop_decode_ctx *ctx)
{
	if (dir == ROP_PRINT_REQUEST)
		return print_requests(pr, data, len, ctx);
	return print_responses(pr, data, len, ctx);
}

enum rop_err rop_print_rop_buffer(struct rop_printer *pr, enum rop_print_dir dir,
                                  const uint8_t *data, size_t len, const struct rop_decode_ctx *ctx)
{
	struct rop_buffer rb;
	enum rop_err err;

	/* [MS-OXCROPS] 2.2.1 */
	err = rop_buffer_split(pr->mem_ctx, data, len, &rb);
	if (err != ROP_OK)
		return print_failure(pr, data, len, 0, err);
	rop_printf(pr, "RopSize: %zu", rb.rops_len + 2);
	rop_printf(pr, "RopsList: %zu bytes", rb.rops_len);
	pr->depth++;
	err = rop_print_rop_list(pr, dir, rb.rops, rb.rops_len, ctx);
	pr->depth--;
	rop_printf(pr, "ServerObjectHandleTable: %zu handles", rb.handle_count);
	pr->depth++;
	for (size_t i = 0; i < rb.handle_count; i++)
		rop_printf(pr, "[%zu] 0x%08" PRIX32, i, rb.handles[i]);
	pr->depth--;
	return err;
}

static void print_header(struct rop_printer *pr, size_t i, const struct rpc_ext_header *h)
{
	rop_printf(
	    pr, "RPC_HEADER_EXT %zu: Version 0x%04X Flags 0x%04X (%s%s%s) Size %u SizeActual %u", i,
	    h->version, h->flags, (h->flags & RPC_EXT_FLAG_COMPRESSED) ? "Compressed " : "",
	    (h->flags & RPC_EXT_FLAG_XORMAGIC) ? "XorMagic " : "",
	    (h->flags & RPC_EXT_FLAG_LAST) ? "Last" : "", h->size, h->size_actual);
}

enum rop_err rop_print_ext_chain(struct rop_printer *pr, enum rop_print_dir dir,
                                 const uint8_t *data, size_t len, const struct rop_decode_ctx *ctx)
{
	struct rpc_ext_chain chain;
	struct rop_pull p;
	struct rpc_ext_header h;
	enum rop_err err, first = ROP_OK;

	/* [MS-OXCRPC] 2.2.2.1, 3.1.4.2.1: the chain decoded, then its headers
	 * read again to print them next to their payloads */
	err = rpc_ext_decode(pr->mem_ctx, data, len, DUMP_MAX_PAYLOAD, &chain);
	if (err != ROP_OK)
		return print_failure(pr, data, len, 0, err);
	rop_pull_init(&p, pr->mem_ctx, data, len);
	for (size_t i = 0; i < chain.count; i++) {
		if (rpc_ext_pull_header(&p, &h) != ROP_OK || rop_pull_skip(&p, h.size) != ROP_OK)
			break;
		print_header(pr, i, &h);
		pr->depth++;
		err = rop_print_rop_buffer(pr, dir, chain.blocks[i].data, chain.blocks[i].len, ctx);
		pr->depth--;
		if (err != ROP_OK && first == ROP_OK)
			first = err;
	}
	return first;
}

enum rop_err rop_print_aux_buffer(struct rop_printer *pr, const uint8_t *data, size_t len)
{
	struct aux_list list;
	enum rop_err err;

	if (len == 0) {
		rop_printf(pr, "AuxiliaryBuffer: empty");
		return ROP_OK;
	}
	/* [MS-OXCRPC] 2.2.2.2 */
	err = aux_buffer_decode(pr->mem_ctx, data, len, DUMP_MAX_PAYLOAD, &list);
	if (err != ROP_OK)
		return print_failure(pr, data, len, 0, err);
	rop_printf(pr, "AuxiliaryBuffer: %zu blocks", list.count);
	pr->depth++;
	for (size_t i = 0; i < list.count; i++)
		aux_print_block(pr, &list.blocks[i]);
	pr->depth--;
	return ROP_OK;
}

static void print_status(struct rop_printer *pr, uint32_t status, uint32_t error_code)
{
	rop_printf(pr, "StatusCode: 0x%08" PRIX32, status);
	if (status == 0)
		rop_print_error_code(pr, "ErrorCode", error_code);
}

static enum rop_err print_aux_field(struct rop_printer *pr, const struct mh_blob *aux)
{
	rop_printf(pr, "AuxiliaryBufferSize: %" PRIu32, aux->len);
	pr->depth++;
	enum rop_err err = rop_print_aux_buffer(pr, aux->data, aux->len);
	pr->depth--;
	return err;
}

static enum rop_err print_connect(struct rop_printer *pr, enum rop_print_dir dir,
                                  const uint8_t *data, size_t len)
{
	enum rop_err err;

	/* [MS-OXCMAPIHTTP] 2.2.4.1.1 - 2.2.4.1.3 */
	if (dir == ROP_PRINT_REQUEST) {
		struct mh_connect_req q;
		if ((err = mh_connect_req_pull(pr->mem_ctx, data, len, &q)) != ROP_OK)
			return print_failure(pr, data, len, 0, err);
		rop_printf(pr, "Connect request");
		rop_print_string(pr, "UserDn", q.user_dn);
		rop_printf(pr, "Flags: 0x%08" PRIX32, q.flags);
		rop_printf(pr, "DefaultCodePage: %" PRIu32, q.default_code_page);
		rop_printf(pr, "LcidSort: 0x%04" PRIX32, q.lcid_sort);
		rop_printf(pr, "LcidString: 0x%04" PRIX32, q.lcid_string);
		return print_aux_field(pr, &q.aux);
	}
	struct mh_connect_resp r;
	if ((err = mh_connect_resp_pull(pr->mem_ctx, data, len, &r)) != ROP_OK)
		return print_failure(pr, data, len, 0, err);
	rop_printf(pr, "Connect response");
	print_status(pr, r.status_code, r.error_code);
	if (r.status_code == 0) {
		rop_printf(pr, "PollsMax: %" PRIu32, r.polls_max);
		rop_printf(pr, "RetryCount: %" PRIu32, r.retry_count);
		rop_printf(pr, "RetryDelay: %" PRIu32, r.retry_delay);
		rop_print_string(pr, "DnPrefix", r.dn_prefix);
		rop_print_string(pr, "DisplayName", r.display_name);
	}
	return print_aux_field(pr, &r.aux);
}

static enum rop_err print_execute(struct rop_printer *pr, enum rop_print_dir dir,
                                  const uint8_t *data, size_t len, const struct rop_decode_ctx *ctx)
{
	const struct mh_blob *rops, *aux;
	struct mh_execute_req q;
	struct mh_execute_resp r;
	enum rop_err err, err2;

	/* [MS-OXCMAPIHTTP] 2.2.4.2.1 - 2.2.4.2.3 */
	if (dir == ROP_PRINT_REQUEST) {
		if ((err = mh_execute_req_pull(pr->mem_ctx, data, len, &q)) != ROP_OK)
			return print_failure(pr, data, len, 0, err);
		rop_printf(pr, "Execute request");
		rop_printf(pr, "Flags: 0x%08" PRIX32, q.flags);
		rops = &q.rop_buffer;
		aux = &q.aux;
	} else {
		if ((err = mh_execute_resp_pull(pr->mem_ctx, data, len, &r)) != ROP_OK)
			return print_failure(pr, data, len, 0, err);
		rop_printf(pr, "Execute response");
		print_status(pr, r.status_code, r.error_code);
		if (r.status_code != 0)
			return print_aux_field(pr, &r.aux);
		rop_printf(pr, "Flags: 0x%08" PRIX32, r.flags);
		rops = &r.rop_buffer;
		aux = &r.aux;
	}
	rop_printf(pr, "RopBufferSize: %" PRIu32, rops->len);
	pr->depth++;
	err = rop_print_ext_chain(pr, dir, rops->data, rops->len, ctx);
	pr->depth--;
	if (dir == ROP_PRINT_REQUEST)
		rop_printf(pr, "MaxRopOut: %" PRIu32, q.max_rop_out);
	err2 = print_aux_field(pr, aux);
	return err != ROP_OK ? err : err2;
}

static enum rop_err print_small(struct rop_printer *pr, enum rop_print_body body,
                                enum rop_print_dir dir, const uint8_t *data, size_t len)
{
	enum rop_err err;
	const char *name = body == ROP_BODY_DISCONNECT ? "Disconnect" : "NotificationWait";

	/* [MS-OXCMAPIHTTP] 2.2.4.3, 2.2.4.4 */
	if (body == ROP_BODY_DISCONNECT && dir == ROP_PRINT_REQUEST) {
		struct mh_disconnect_req q;
		if ((err = mh_disconnect_req_pull(pr->mem_ctx, data, len, &q)) != ROP_OK)
			return print_failure(pr, data, len, 0, err);
		rop_printf(pr, "%s request", name);
		return print_aux_field(pr, &q.aux);
	}
	if (body == ROP_BODY_DISCONNECT) {
		struct mh_disconnect_resp r;
		if ((err = mh_disconnect_resp_pull(pr->mem_ctx, data, len, &r)) != ROP_OK)
			return print_failure(pr, data, len, 0, err);
		rop_printf(pr, "%s response", name);
		print_status(pr, r.status_code, r.error_code);
		return print_aux_field(pr, &r.aux);
	}
	if (dir == ROP_PRINT_REQUEST) {
		struct mh_notification_wait_req q;
		if ((err = mh_notification_wait_req_pull(pr->mem_ctx, data, len, &q)) != ROP_OK)
			return print_failure(pr, data, len, 0, err);
		rop_printf(pr, "%s request", name);
		rop_printf(pr, "Flags: 0x%08" PRIX32, q.flags);
		return print_aux_field(pr, &q.aux);
	}
	struct mh_notification_wait_resp r;
	if ((err = mh_notification_wait_resp_pull(pr->mem_ctx, data, len, &r)) != ROP_OK)
		return print_failure(pr, data, len, 0, err);
	rop_printf(pr, "%s response", name);
	print_status(pr, r.status_code, r.error_code);
	if (r.status_code == 0)
		rop_printf(pr, "EventPending: 0x%08" PRIX32, r.event_pending);
	return print_aux_field(pr, &r.aux);
}

enum rop_err rop_print_mh_body(struct rop_printer *pr, enum rop_print_body body,
                               enum rop_print_dir dir, const uint8_t *data, size_t len,
                               const struct rop_decode_ctx *ctx)
{
	switch (body) {
	case ROP_BODY_CONNECT:
		return print_connect(pr, dir, data, len);
	case ROP_BODY_EXECUTE:
		return print_execute(pr, dir, data, len, ctx);
	default:
		return print_small(pr, body, dir, data, len);
	}
}
