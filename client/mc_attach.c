/*
 * mc_attach: attachments read whole for export (their data, the messages
 * they embed) and a message attached as an embedded one (forward as
 * attachment).
 */
#include <string.h>

#include "mc_message.h"
#include "rop_errors.h"

/* [MS-OXCMSG] 2.2.2.9 PidTagAttachMethod */
#define AF_BY_VALUE         1
#define AF_EMBEDDED_MESSAGE 5

/* A value larger than this comes back as ecMAPIOOM and is read through a
 * stream ([MS-OXCPRPT] 3.2.5.1, PropertySizeLimit). */
#define SIZE_LIMIT 0x4000u
/* RopReadStream ByteCount per ROP: well inside one response buffer. */
#define READ_CHUNK 0x7000u
/* The largest attachment read (the data is held in memory). */
#define MAX_DATA (64u << 20)

/* [MS-OXCPRPT] 2.2.14 / 2.2.15: PidTagAttachDataBinary of the open
 * attachment (handle) through a read-only stream, chunk by chunk until
 * RopOpenStream's StreamSize is read. */
static int read_stream(TALLOC_CTX *mem_ctx, struct mc_session *s, uint32_t handle,
                       struct mapi_binary *data_r)
{
	struct rop_response *resps;
	uint32_t *handles, in_handles[2] = {handle, MC_NEW_HANDLE};
	size_t n, nh;
	struct mc_execute_opts opts = mc_store_execute_opts(s);
	struct rop_request req = {.rop_id = ROP_ID_OpenStream, .output_handle = 1};
	req.u.open_stream.proptag = MC_TAG_ATTACH_DATA_BIN;
	req.u.open_stream.open_mode_flags = 0x00; /* ReadOnly */
	if (mc_emsmdb_execute(mem_ctx, s, &opts, &req, 1, in_handles, 2, NULL, &resps, &n, &handles,
	                      &nh) < 0 ||
	    mc_check_rops(s, resps, n, 1) < 0)
		return -1;
	if (nh < 2)
		return mc_fail(s, MC_E_PROTOCOL, "RopOpenStream: no handle");
	uint32_t stream = handles[1], size = resps[0].u.open_stream.stream_size;
	int ret = -1;
	if (size > MAX_DATA) {
		mc_fail(s, MC_E_PROTOCOL, "attachment data of %u bytes: larger than %u", size,
		        MAX_DATA);
		goto out;
	}
	data_r->len = 0;
	data_r->data = talloc_array(mem_ctx, uint8_t, size + 1);
	if (data_r->data == NULL) {
		mc_fail(s, MC_E_NOMEM, "out of memory");
		goto out;
	}
	while (data_r->len < size) {
		uint32_t want = size - data_r->len < READ_CHUNK ? size - data_r->len : READ_CHUNK;
		struct rop_request rd = {.rop_id = ROP_ID_ReadStream};
		rd.u.read_stream.byte_count = (uint16_t)want;
		if (mc_emsmdb_execute(mem_ctx, s, &opts, &rd, 1, &stream, 1, NULL, &resps, &n,
		                      &handles, &nh) < 0 ||
		    mc_check_rops(s, resps, n, 1) < 0)
			goto out;
		const struct mapi_binary *got = &resps[0].u.read_stream.data;
		if (got->len == 0 || got->len > want) {
			mc_fail(s, MC_E_PROTOCOL, "RopReadStream: %u bytes for %u at %u of %u",
			        got->len, want, data_r->len, size);
			goto out;
		}
		memcpy(data_r->data + data_r->len, got->data, got->len);
		data_r->len += got->len;
	}
	ret = 0;
out:
	mc_message_release(mem_ctx, s, stream);
	return ret;
}

/* [MS-OXCMSG] 2.2.3.16: the embedded message of the open attachment
 * (handle), read-only, read whole. */
static int read_embedded(TALLOC_CTX *mem_ctx, struct mc_session *s, uint32_t handle, unsigned depth,
                         struct mc_message_dump **d_r)
{
	struct rop_request open = {.rop_id = ROP_ID_OpenEmbeddedMessage};
	struct mc_message_dump *d = talloc_zero(mem_ctx, struct mc_message_dump);
	struct rop_response resp;
	uint32_t message;
	if (d == NULL)
		return mc_fail(s, MC_E_NOMEM, "out of memory");
	open.u.open_embedded_message.code_page_id = 0x0FFF;
	open.u.open_embedded_message.open_mode_flags = 0x00; /* ReadOnly */
	if (mc_message_open_whole(mem_ctx, s, handle, &open, d, &resp, &message) < 0)
		return -1;
	const struct rop_open_embedded_message_resp *e = &resp.u.open_embedded_message;
	struct rop_open_message_resp om = {.recipient_count = e->recipient_count,
	                                   .recipient_columns = e->recipient_columns,
	                                   .recipient_rows = e->recipient_rows};
	int ret = mc_message_read_open(mem_ctx, s, message, &om, depth, d);
	mc_message_release(mem_ctx, s, message);
	*d_r = d;
	return ret;
}

/* One attachment (num) of the open message: opened read-only, its method
 * and data, its embedded message. */
static int read_one(TALLOC_CTX *mem_ctx, struct mc_session *s, uint32_t message, uint32_t num,
                    unsigned depth, struct mc_attach_dump *a)
{
	struct rop_response *resps;
	uint32_t *handles, in_handles[2] = {message, MC_NEW_HANDLE};
	size_t n, nh;
	struct mc_execute_opts opts = mc_store_execute_opts(s);
	struct rop_request reqs[2];
	uint32_t tags[] = {MC_TAG_ATTACH_METHOD, MC_TAG_ATTACH_DATA_BIN};
	struct mapi_proptag_array cols = {2, tags};
	memset(reqs, 0, sizeof(reqs));
	a->num = num;
	reqs[0].rop_id = ROP_ID_OpenAttachment; /* [MS-OXCMSG] 2.2.3.12, read-only */
	reqs[0].output_handle = 1;
	reqs[0].u.open_attachment.attachment_id = num;
	reqs[1].rop_id = ROP_ID_GetPropertiesSpecific; /* [MS-OXCPRPT] 2.2.2 */
	reqs[1].input_handle = 1;
	reqs[1].u.get_properties_specific.property_size_limit = SIZE_LIMIT;
	reqs[1].u.get_properties_specific.want_unicode = 1;
	reqs[1].u.get_properties_specific.tags = cols;
	struct rop_decode_ctx ctx = {.columns = &cols};
	if (mc_emsmdb_execute(mem_ctx, s, &opts, reqs, 2, in_handles, 2, &ctx, &resps, &n, &handles,
	                      &nh) < 0)
		return -1;
	bool opened = n >= 1 && resps[0].return_value == 0 && nh >= 2;
	if (mc_check_rops(s, resps, n, 2) < 0) {
		if (opened)
			mc_message_release(mem_ctx, s, handles[1]);
		return -1;
	}
	uint32_t attach = handles[1];
	const struct mapi_propval_array *v = &resps[1].u.get_properties_specific.row.vals;
	int ret = 0;
	if (v->count == 2 && PROP_TYPE(v->vals[0].tag) == PT_LONG)
		a->method = v->vals[0].v.i32;
	if (v->count == 2 && PROP_TYPE(v->vals[1].tag) == PT_BINARY) {
		a->has_data = true;
		a->data = v->vals[1].v.bin;
	} else if (v->count == 2 && PROP_TYPE(v->vals[1].tag) == PT_ERROR &&
	           v->vals[1].v.err == EC_OutOfMemory) {
		a->has_data = a->streamed = true;
		ret = read_stream(mem_ctx, s, attach, &a->data);
	}
	if (ret == 0 && a->method == AF_EMBEDDED_MESSAGE && depth < MC_ATTACH_MAX_DEPTH)
		ret = read_embedded(mem_ctx, s, attach, depth + 1, &a->embedded);
	mc_message_release(mem_ctx, s, attach);
	return ret;
}

int mc_attach_read(TALLOC_CTX *mem_ctx, struct mc_session *s, uint32_t handle, unsigned depth,
                   struct mc_message_dump *d)
{
	d->attach = talloc_zero_array(mem_ctx, struct mc_attach_dump, d->attachments.count + 1);
	if (d->attach == NULL)
		return mc_fail(s, MC_E_NOMEM, "out of memory");
	for (uint32_t i = 0; i < d->attachments.count; i++) {
		const struct mapi_propval *num =
		    mc_row_value(&d->attachments.rows[i], MC_TAG_ATTACH_NUM);
		if (num == NULL)
			return mc_fail(s, MC_E_PROTOCOL,
			               "attachment row %u without PidTagAttachNumber", i);
		if (read_one(mem_ctx, s, handle, (uint32_t)num->v.i32, depth, &d->attach[i]) < 0)
			return -1;
	}
	return 0;
}

int mc_attach_embed(TALLOC_CTX *mem_ctx, struct mc_session *s, const struct mc_logon *logon,
                    uint32_t handle, const struct mc_forward *fwd)
{
	struct rop_response *resps;
	uint32_t *handles,
	    in_handles[5] = {handle, logon->handle, MC_NEW_HANDLE, MC_NEW_HANDLE, MC_NEW_HANDLE};
	size_t n, nh;
	struct mc_execute_opts opts = mc_store_execute_opts(s);
	struct rop_request reqs[10];
	struct mapi_propval method = {.tag = MC_TAG_ATTACH_METHOD, .v.i32 = AF_EMBEDDED_MESSAGE};
	memset(reqs, 0, sizeof(reqs));
	reqs[0].rop_id = ROP_ID_OpenMessage; /* the source, read-only */
	reqs[0].input_handle = 1;
	reqs[0].output_handle = 2;
	reqs[0].u.open_message.code_page_id = 0x0FFF;
	reqs[0].u.open_message.folder_id = fwd->fid;
	reqs[0].u.open_message.message_id = fwd->mid;
	reqs[1].rop_id = ROP_ID_CreateAttachment; /* [MS-OXCMSG] 2.2.3.13 */
	reqs[1].output_handle = 3;
	reqs[2].rop_id = ROP_ID_SetProperties;
	reqs[2].input_handle = 3;
	reqs[2].u.set_properties.vals = (struct mapi_propval_array){1, &method};
	reqs[3].rop_id = ROP_ID_OpenEmbeddedMessage; /* [MS-OXCMSG] 2.2.3.16 */
	reqs[3].input_handle = 3;
	reqs[3].output_handle = 4;
	reqs[3].u.open_embedded_message.code_page_id = 0x0FFF;
	reqs[3].u.open_embedded_message.open_mode_flags = 0x02; /* Create */
	reqs[4].rop_id = ROP_ID_CopyTo; /* [MS-OXCPRPT] 2.2.11, with recipients and attachments */
	reqs[4].input_handle = 2;
	reqs[4].dest_handle = 4;
	reqs[4].u.copy_to.want_sub_objects = 1;
	reqs[5].rop_id = ROP_ID_SaveChangesMessage; /* [MS-OXCMSG] 2.2.3.3 */
	reqs[5].input_handle = 4;
	reqs[5].response_handle = 4;
	reqs[5].u.save_changes_message.save_flags = 0x02;
	reqs[6].rop_id = ROP_ID_SaveChangesAttachment; /* [MS-OXCMSG] 2.2.3.15 */
	reqs[6].input_handle = 3;
	reqs[6].response_handle = 3;
	reqs[6].u.save_changes_attachment.save_flags = 0x02;
	for (int i = 7; i < 10; i++) {
		reqs[i].rop_id = ROP_ID_Release;
		reqs[i].input_handle = (uint8_t)(11 - i); /* 4, 3, 2 */
	}
	if (mc_emsmdb_execute(mem_ctx, s, &opts, reqs, 10, in_handles, 5, NULL, &resps, &n,
	                      &handles, &nh) < 0 ||
	    mc_check_rops(s, resps, n, 7) < 0)
		return -1;
	return 0;
}
