/*
 * mc_message: sending a message and reading one whole.
 */
#include "mc_message.h"

#include <inttypes.h>
#include <string.h>

#include "rop_errors.h"

/* The recipient columns the client writes ([MS-OXCMSG] 2.2.3.5 lets the
 * client choose them; these are the ones that do not travel in the
 * RecipientRow's own fields). */
static uint32_t recip_tags[] = {MC_TAG_OBJECT_TYPE, MC_TAG_RECIP_DISPLAY_TYPE, MC_TAG_SMTP_ADDR,
                                MC_TAG_RECIP_DISPLAY_NAME};

static int build_recipients(TALLOC_CTX *mem_ctx, struct mc_session *s, const char *const *to,
                            struct rop_modify_recipients_req *q)
{
	size_t n = 0;
	while (to[n] != NULL)
		n++;
	if (n == 0 || n > 0xFFFF)
		return mc_fail(s, MC_E_USAGE, "send: between 1 and 65535 recipients");
	q->recipient_columns.count = sizeof(recip_tags) / sizeof(recip_tags[0]);
	q->recipient_columns.tags = recip_tags;
	q->rows.count = (uint16_t)n;
	q->rows.rows = talloc_zero_array(mem_ctx, struct rop_recipient_row, n);
	struct mapi_propval *v = talloc_zero_array(mem_ctx, struct mapi_propval, 4 * n);
	if (q->rows.rows == NULL || v == NULL)
		return mc_fail(s, MC_E_NOMEM, "out of memory");
	for (size_t i = 0; i < n; i++, v += 4) {
		char *addr = talloc_strdup(mem_ctx, to[i]);
		v[0] = (struct mapi_propval){.tag = MC_TAG_OBJECT_TYPE,
		                             .v.i32 = 6}; /* MAPI_MAILUSER */
		v[1] = (struct mapi_propval){.tag = MC_TAG_RECIP_DISPLAY_TYPE, .v.i32 = 0};
		v[2] = (struct mapi_propval){.tag = MC_TAG_SMTP_ADDR, .v.str = addr};
		v[3] = (struct mapi_propval){.tag = MC_TAG_RECIP_DISPLAY_NAME, .v.str = addr};
		struct mapi_propval_array props = {4, v};
		/* [MS-OXCMSG] 2.2.3.5.1: RowId, RecipientType (1 = To) */
		q->rows.rows[i].row_id = (uint32_t)i;
		q->rows.rows[i].recipient_type = 1;
		if (mc_recip_row_build(mem_ctx, addr, addr, &q->recipient_columns, &props,
		                       &q->rows.rows[i].row) < 0)
			return mc_fail(s, MC_E_USAGE, "send: cannot encode the recipient %s", addr);
	}
	return 0;
}

/* RopSetProperties of the message: class, subject, body, where the sent
 * copy goes ([MS-OXOMSG] 2.2.3.1 PidTagSentMailEntryId). */
static void message_props(TALLOC_CTX *mem_ctx, const struct mc_send *m,
                          const struct mapi_binary *sent_eid, uint16_t keywords_id,
                          struct rop_set_properties_req *q)
{
	struct mapi_propval *v = talloc_zero_array(mem_ctx, struct mapi_propval, 5);
	v[0].tag = MC_TAG_MESSAGE_CLASS;
	v[0].v.str = talloc_strdup(mem_ctx, "IPM.Note");
	v[1].tag = MC_TAG_SUBJECT;
	v[1].v.str = talloc_strdup(mem_ctx, m->subject);
	v[2].tag = MC_TAG_SENT_MAIL_ENTRYID;
	v[2].v.bin = *sent_eid;
	q->vals.count = 3;
	if (m->body != NULL) {
		v[3].tag = MC_TAG_BODY;
		v[3].v.str = talloc_strdup(mem_ctx, m->body);
		q->vals.count = 4;
	}
	if (m->category_count > 0) {
		struct mapi_propval *k = &v[q->vals.count++];
		k->tag = PROP_TAG(PT_MV_UNICODE, keywords_id);
		k->v.mv.count = (uint32_t)m->category_count;
		k->v.mv.str = talloc_zero_array(mem_ctx, char *, m->category_count);
		for (size_t i = 0; k->v.mv.str != NULL && i < m->category_count; i++)
			k->v.mv.str[i] = talloc_strdup(mem_ctx, m->categories[i]);
	}
	q->vals.vals = v;
}

/* [MS-OXCPRPT] 2.2.12: the id of PidNameKeywords, created when the store
 * has none yet (Flags 0x02), as Outlook maps its named properties. */
static int keywords_id(TALLOC_CTX *mem_ctx, struct mc_session *s, const struct mc_logon *logon,
                       uint16_t *id_r)
{
	/* PS_PUBLIC_STRINGS {00020329-0000-0000-C000-000000000046}
	 * ([MS-OXPROPS] 1.3.2) */
	static const uint8_t ps_public_strings[16] = {0x29, 0x03, 0x02, 0x00, 0x00, 0x00,
	                                              0x00, 0x00, 0xC0, 0x00, 0x00, 0x00,
	                                              0x00, 0x00, 0x00, 0x46};
	struct mapi_property_name name = {.kind = MNID_STRING};
	struct rop_response *resps;
	memcpy(name.guid.b, ps_public_strings, 16);
	name.name = talloc_strdup(mem_ctx, "Keywords");
	struct rop_request req = {.rop_id = ROP_ID_GetPropertyIdsFromNames};
	req.u.get_property_ids_from_names.flags = 0x02;
	req.u.get_property_ids_from_names.names.count = 1;
	req.u.get_property_ids_from_names.names.names = &name;
	if (mc_store_logon_rops(mem_ctx, s, logon, &req, 1, &resps) < 0)
		return -1;
	const struct rop_propid_array *ids = &resps[0].u.get_property_ids_from_names.ids;
	if (ids->count != 1 || ids->ids[0] < 0x8000)
		return mc_fail(s, MC_E_PROTOCOL,
		               "RopGetPropertyIdsFromNames: no named id for PidNameKeywords");
	*id_r = ids->ids[0];
	return 0;
}

static int sent_items_entryid(TALLOC_CTX *mem_ctx, struct mc_session *s,
                              const struct mc_logon *logon, struct mapi_binary *eid_r)
{
	uint32_t tag = MC_TAG_ENTRYID;
	struct mapi_proptag_array tags = {1, &tag};
	struct rop_property_row row;
	if (mc_store_folder_props(mem_ctx, s, logon, logon->resp.folder_ids[MC_FOLDER_SENT], &tags,
	                          &row) < 0)
		return -1;
	if (row.vals.count != 1 || row.vals.vals[0].tag != MC_TAG_ENTRYID)
		return mc_fail(s, MC_E_PROTOCOL, "Sent Items: no PidTagEntryId");
	*eid_r = row.vals.vals[0].v.bin;
	return 0;
}

void mc_message_release(TALLOC_CTX *mem_ctx, struct mc_session *s, uint32_t handle)
{
	struct rop_response *resps;
	uint32_t *handles, in_handles[1] = {handle};
	size_t n, nh;
	struct mc_execute_opts opts = mc_store_execute_opts(s);
	struct rop_request req = {.rop_id = ROP_ID_Release};
	char *error = talloc_strdup(mem_ctx, mc_session_error(s));
	enum mc_err kind = mc_session_error_kind(s);
	mc_emsmdb_execute(mem_ctx, s, &opts, &req, 1, in_handles, 1, NULL, &resps, &n, &handles,
	                  &nh);
	mc_fail(s, kind, "%s", error ? error : "");
}

/* The unsaved message in the Outbox: created, its properties and
 * recipients set.  *handle_r its server handle. */
static int send_create(TALLOC_CTX *mem_ctx, struct mc_session *s, const struct mc_logon *logon,
                       const struct mc_send *m, uint32_t *handle_r)
{
	struct rop_response *resps;
	uint32_t *handles, in_handles[2] = {logon->handle, MC_NEW_HANDLE};
	size_t n, nh;
	struct mapi_binary sent_eid;
	struct mc_execute_opts opts = mc_store_execute_opts(s);
	struct rop_request reqs[3];
	uint16_t kw = 0;
	memset(reqs, 0, sizeof(reqs));
	if (sent_items_entryid(mem_ctx, s, logon, &sent_eid) < 0 ||
	    (m->category_count > 0 && keywords_id(mem_ctx, s, logon, &kw) < 0))
		return -1;
	reqs[0].rop_id = ROP_ID_CreateMessage; /* [MS-OXCMSG] 2.2.3.2 */
	reqs[0].output_handle = 1;
	reqs[0].u.create_message.code_page_id = 0x0FFF;
	reqs[0].u.create_message.folder_id = logon->resp.folder_ids[MC_FOLDER_OUTBOX];
	reqs[1].rop_id = ROP_ID_SetProperties; /* [MS-OXCPRPT] 2.2.5 */
	reqs[1].input_handle = 1;
	message_props(mem_ctx, m, &sent_eid, kw, &reqs[1].u.set_properties);
	reqs[2].rop_id = ROP_ID_ModifyRecipients; /* [MS-OXCMSG] 2.2.3.5 */
	reqs[2].input_handle = 1;
	if (build_recipients(mem_ctx, s, m->to, &reqs[2].u.modify_recipients) < 0)
		return -1;
	if (mc_emsmdb_execute(mem_ctx, s, &opts, reqs, 3, in_handles, 2, NULL, &resps, &n, &handles,
	                      &nh) < 0)
		return -1;
	if (n < 1 || resps[0].return_value != 0 || nh < 2) {
		mc_check_rops(s, resps, n, 3);
		return -1;
	}
	*handle_r = handles[1];
	if (mc_check_rops(s, resps, n, 3) < 0) {
		mc_message_release(mem_ctx, s, *handle_r);
		return -1;
	}
	return 0;
}

/* The largest RopWriteStream data a client sends in one ROP: well inside
 * the 16-bit DataSize and the request buffer ([MS-OXCPRPT] 2.2.16). */
#define WRITE_CHUNK 0x7000u

/* RopWriteStream of data on the stream (handle index 0 of handles). */
static int write_chunks(TALLOC_CTX *mem_ctx, struct mc_session *s, uint32_t stream,
                        const struct mapi_binary *data, uint32_t from)
{
	struct mc_execute_opts opts = mc_store_execute_opts(s);
	for (uint32_t at = from; at < data->len;) {
		struct rop_response *resps;
		uint32_t *handles, in_handles[1] = {stream};
		size_t n, nh;
		uint32_t len = data->len - at < WRITE_CHUNK ? data->len - at : WRITE_CHUNK;
		struct rop_request req = {.rop_id = ROP_ID_WriteStream}; /* [MS-OXCPRPT] 2.2.16 */
		req.u.write_stream.data.len = len;
		req.u.write_stream.data.data = data->data + at;
		if (mc_emsmdb_execute(mem_ctx, s, &opts, &req, 1, in_handles, 1, NULL, &resps, &n,
		                      &handles, &nh) < 0 ||
		    mc_check_rops(s, resps, n, 1) < 0)
			return -1;
		at += len;
	}
	return 0;
}

/* [MS-OXCMSG] 3.1.4.6 (creating an attachment): RopCreateAttachment, its
 * properties, the data through a stream on PidTagAttachDataBinary
 * ([MS-OXCPRPT] 2.2.14), RopCommitStream, RopSaveChangesAttachment. */
static int add_attachment(TALLOC_CTX *mem_ctx, struct mc_session *s, uint32_t message,
                          const struct mc_attachment *a)
{
	struct rop_response *resps;
	uint32_t *handles, in_handles[3] = {message, MC_NEW_HANDLE, MC_NEW_HANDLE};
	size_t n, nh;
	struct mc_execute_opts opts = mc_store_execute_opts(s);
	struct rop_request reqs[5];
	struct mapi_propval v[3];
	memset(reqs, 0, sizeof(reqs));
	memset(v, 0, sizeof(v));
	v[0] = (struct mapi_propval){.tag = MC_TAG_ATTACH_METHOD, .v.i32 = 1}; /* afByValue */
	v[1].tag = MC_TAG_ATTACH_FILENAME;
	v[1].v.str = talloc_strdup(mem_ctx, a->name);
	v[2].tag = MC_TAG_DISPLAY_NAME_W;
	v[2].v.str = v[1].v.str;
	reqs[0].rop_id = ROP_ID_CreateAttachment; /* [MS-OXCMSG] 2.2.3.13 */
	reqs[0].output_handle = 1;
	reqs[1].rop_id = ROP_ID_SetProperties;
	reqs[1].input_handle = 1;
	reqs[1].u.set_properties.vals = (struct mapi_propval_array){3, v};
	reqs[2].rop_id = ROP_ID_OpenStream; /* Create: a new, empty stream */
	reqs[2].input_handle = 1;
	reqs[2].output_handle = 2;
	reqs[2].u.open_stream.proptag = MC_TAG_ATTACH_DATA_BIN;
	reqs[2].u.open_stream.open_mode_flags = 0x02;
	if (mc_emsmdb_execute(mem_ctx, s, &opts, reqs, 3, in_handles, 3, NULL, &resps, &n, &handles,
	                      &nh) < 0 ||
	    mc_check_rops(s, resps, n, 3) < 0 || nh < 3)
		return nh < 3 ? mc_fail(s, MC_E_PROTOCOL, "RopOpenStream: no handle") : -1;
	uint32_t attach = handles[1], stream = handles[2];
	if (write_chunks(mem_ctx, s, stream, &a->data, 0) < 0)
		return -1;
	in_handles[0] = message;
	in_handles[1] = attach;
	in_handles[2] = stream;
	memset(reqs, 0, sizeof(reqs));
	reqs[0].rop_id = ROP_ID_CommitStream; /* [MS-OXCPRPT] 2.2.18 */
	reqs[0].input_handle = 2;
	reqs[1].rop_id = ROP_ID_Release;
	reqs[1].input_handle = 2;
	reqs[2].rop_id = ROP_ID_SaveChangesAttachment; /* [MS-OXCMSG] 2.2.3.15 */
	reqs[2].response_handle = 0;
	reqs[2].input_handle = 1;
	reqs[2].u.save_changes_attachment.save_flags = 0x02; /* KeepOpenReadWrite */
	reqs[3].rop_id = ROP_ID_Release;
	reqs[3].input_handle = 1;
	if (mc_emsmdb_execute(mem_ctx, s, &opts, reqs, 4, in_handles, 3, NULL, &resps, &n, &handles,
	                      &nh) < 0 ||
	    mc_check_rops(s, resps, n, 2) < 0)
		return -1;
	return 0;
}

int mc_message_send(TALLOC_CTX *mem_ctx, struct mc_session *s, const struct mc_logon *logon,
                    const struct mc_send *m, uint64_t *mid_r)
{
	TALLOC_CTX *tmp = talloc_new(mem_ctx);
	struct rop_response *resps;
	uint32_t *handles, in_handles[1];
	size_t n, nh;
	struct mc_execute_opts opts = mc_store_execute_opts(s);
	struct rop_request reqs[3];
	int ret = -1;
	memset(reqs, 0, sizeof(reqs));
	/* a message whose recipients the server refused is released unsaved,
	 * never submitted */
	if (send_create(tmp, s, logon, m, &in_handles[0]) < 0)
		goto out;
	for (size_t i = 0; i < m->attachment_count; i++) {
		if (add_attachment(tmp, s, in_handles[0], &m->attachments[i]) < 0) {
			mc_message_release(tmp, s, in_handles[0]);
			goto out;
		}
	}
	for (size_t i = 0; i < m->forward_count; i++) {
		if (mc_attach_embed(tmp, s, logon, in_handles[0], &m->forwards[i]) < 0) {
			mc_message_release(tmp, s, in_handles[0]);
			goto out;
		}
	}
	reqs[0].rop_id = ROP_ID_SaveChangesMessage;       /* [MS-OXCMSG] 2.2.3.3 */
	reqs[0].u.save_changes_message.save_flags = 0x02; /* KeepOpenReadWrite */
	reqs[1].rop_id = ROP_ID_SubmitMessage;            /* [MS-OXOMSG] 2.2.4.1 */
	reqs[1].u.submit_message.submit_flags = 0x00;
	reqs[2].rop_id = ROP_ID_Release;
	if (m->save_only) /* saved in the Outbox, not submitted */
		reqs[1] = reqs[2];
	size_t count = m->save_only ? 2 : 3;
	if (mc_emsmdb_execute(tmp, s, &opts, reqs, count, in_handles, 1, NULL, &resps, &n, &handles,
	                      &nh) < 0 ||
	    mc_check_rops(s, resps, n, count - 1) < 0)
		goto out;
	*mid_r = resps[0].u.save_changes_message.message_id;
	ret = 0;
out:
	talloc_free(tmp);
	return ret;
}

static uint32_t attach_tags[] = {MC_TAG_ATTACH_NUM, MC_TAG_ATTACH_METHOD, MC_TAG_ATTACH_SIZE,
                                 MC_TAG_ATTACH_FILENAME};
const struct mapi_proptag_array mc_message_attach_columns = {
    sizeof(attach_tags) / sizeof(attach_tags[0]), attach_tags};

int mc_message_open_whole(TALLOC_CTX *mem_ctx, struct mc_session *s, uint32_t in_handle,
                          const struct rop_request *open, struct mc_message_dump *d,
                          struct rop_response *open_r, uint32_t *handle_r)
{
	struct rop_response *resps;
	uint32_t *handles, in_handles[3] = {in_handle, MC_NEW_HANDLE, MC_NEW_HANDLE};
	size_t n, nh;
	struct mc_execute_opts opts = mc_store_execute_opts(s);
	struct rop_request reqs[6];
	memset(reqs, 0, sizeof(reqs));
	reqs[0] = *open;
	reqs[0].input_handle = 0;
	reqs[0].output_handle = 1;
	reqs[1].rop_id = ROP_ID_GetPropertiesAll; /* [MS-OXCPRPT] 2.2.3 */
	reqs[1].input_handle = 1;
	reqs[1].u.get_properties_all.want_unicode = 1;
	reqs[2].rop_id = ROP_ID_GetAttachmentTable; /* [MS-OXCMSG] 2.2.3.17 */
	reqs[2].input_handle = 1;
	reqs[2].output_handle = 2;
	reqs[3].rop_id = ROP_ID_SetColumns;
	reqs[3].input_handle = 2;
	reqs[3].u.set_columns.tags = mc_message_attach_columns;
	reqs[4].rop_id = ROP_ID_QueryRows;
	reqs[4].input_handle = 2;
	reqs[4].u.query_rows.forward_read = 1;
	reqs[4].u.query_rows.row_count = 1000;
	reqs[5].rop_id = ROP_ID_Release;
	reqs[5].input_handle = 2;
	struct rop_decode_ctx ctx = {.columns = &mc_message_attach_columns};
	if (mc_emsmdb_execute(mem_ctx, s, &opts, reqs, 6, in_handles, 3, &ctx, &resps, &n, &handles,
	                      &nh) < 0)
		return -1;
	bool opened = n >= 1 && resps[0].return_value == 0 && nh >= 2;
	if (mc_check_rops(s, resps, n, 5) < 0) {
		if (opened)
			mc_message_release(mem_ctx, s, handles[1]);
		return -1;
	}
	*handle_r = handles[1];
	*open_r = resps[0];
	d->props = resps[1].u.get_properties_all.vals;
	d->attachments = resps[4].u.query_rows.rows;
	return 0;
}

/* RopGetNamesFromPropertyIds for the named properties among d->props. */
static int read_names(TALLOC_CTX *mem_ctx, struct mc_session *s, uint32_t handle,
                      struct mc_message_dump *d)
{
	struct rop_response *resps;
	uint32_t *handles, in_handles[1] = {handle};
	size_t n, nh;
	struct mc_execute_opts opts = mc_store_execute_opts(s);
	struct rop_request req = {.rop_id = ROP_ID_GetNamesFromPropertyIds};
	uint16_t *ids = talloc_zero_array(mem_ctx, uint16_t, d->props.count + 1);
	uint16_t k = 0;
	d->names = talloc_zero_array(mem_ctx, struct mapi_property_name *, d->props.count + 1);
	if (ids == NULL || d->names == NULL)
		return mc_fail(s, MC_E_NOMEM, "out of memory");
	for (uint32_t i = 0; i < d->props.count && k < 0xFFFF; i++) {
		if (PROP_ID(d->props.vals[i].tag) >= 0x8000)
			ids[k++] = PROP_ID(d->props.vals[i].tag);
	}
	if (k == 0)
		return 0;
	/* [MS-OXCPRPT] 2.2.13 */
	req.u.get_names_from_property_ids.ids.count = k;
	req.u.get_names_from_property_ids.ids.ids = ids;
	if (mc_emsmdb_execute(mem_ctx, s, &opts, &req, 1, in_handles, 1, NULL, &resps, &n, &handles,
	                      &nh) < 0 ||
	    mc_check_rops(s, resps, n, 1) < 0)
		return -1;
	const struct rop_property_name_array *names = &resps[0].u.get_names_from_property_ids.names;
	if (names->count != k)
		return mc_fail(s, MC_E_PROTOCOL, "RopGetNamesFromPropertyIds: %u names for %u ids",
		               names->count, k);
	for (uint32_t i = 0, j = 0; i < d->props.count && j < k; i++) {
		if (PROP_ID(d->props.vals[i].tag) >= 0x8000)
			d->names[i] = &names->names[j++];
	}
	return 0;
}

/* Parses rows into d->recipients (room for cap). */
static int add_recipients(TALLOC_CTX *mem_ctx, struct mc_session *s,
                          const struct mapi_proptag_array *cols,
                          const struct rop_recipient_rows *rows, uint16_t cap,
                          struct mc_message_dump *d)
{
	if (rows->count > cap - d->recipient_count)
		return mc_fail(s, MC_E_PROTOCOL, "more recipient rows than RecipientCount (%u)",
		               cap);
	for (uint16_t i = 0; i < rows->count; i++) {
		struct mc_recipient *r = &d->recipients[d->recipient_count];
		/* the codec decoded the rows over cols */
		if (rows->rows[i].row == NULL ||
		    mc_recip_row_parse(mem_ctx, rows->rows[i].row, r) < 0)
			return mc_fail(s, MC_E_PROTOCOL, "recipient %u: not a RecipientRow",
			               d->recipient_count);
		r->type = rows->rows[i].recipient_type;
		d->recipient_count++;
	}
	return 0;
}

/* The recipients RopOpenMessage did not carry: RopReadRecipients from the
 * next RowId until all are read ([MS-OXCMSG] 2.2.3.6). */
static int read_more_recipients(TALLOC_CTX *mem_ctx, struct mc_session *s, uint32_t handle,
                                const struct rop_open_message_resp *om, struct mc_message_dump *d)
{
	struct mc_execute_opts opts = mc_store_execute_opts(s);
	while (d->recipient_count < om->recipient_count) {
		struct rop_response *resps;
		uint32_t *handles, in_handles[1] = {handle};
		size_t n, nh;
		struct rop_request req = {.rop_id = ROP_ID_ReadRecipients};
		req.u.read_recipients.row_id = d->recipient_count;
		/* the rows are in the RecipientColumns of RopOpenMessage */
		struct rop_decode_ctx ctx = {.columns = &om->recipient_columns};
		if (mc_emsmdb_execute(mem_ctx, s, &opts, &req, 1, in_handles, 1, &ctx, &resps, &n,
		                      &handles, &nh) < 0 ||
		    mc_check_rops(s, resps, n, 1) < 0)
			return -1;
		if (resps[0].u.read_recipients.rows.count == 0)
			return mc_fail(s, MC_E_PROTOCOL,
			               "RopReadRecipients: no rows after %u of %u recipients",
			               d->recipient_count, om->recipient_count);
		if (add_recipients(mem_ctx, s, &om->recipient_columns,
		                   &resps[0].u.read_recipients.rows, om->recipient_count, d) < 0)
			return -1;
	}
	return 0;
}

int mc_message_read_open(TALLOC_CTX *mem_ctx, struct mc_session *s, uint32_t handle,
                         const struct rop_open_message_resp *om, unsigned depth,
                         struct mc_message_dump *d)
{
	d->recipients = talloc_zero_array(mem_ctx, struct mc_recipient, om->recipient_count + 1);
	if (d->recipients == NULL)
		return mc_fail(s, MC_E_NOMEM, "out of memory");
	if (add_recipients(mem_ctx, s, &om->recipient_columns, &om->recipient_rows,
	                   om->recipient_count, d) < 0 ||
	    read_more_recipients(mem_ctx, s, handle, om, d) < 0 ||
	    read_names(mem_ctx, s, handle, d) < 0 ||
	    mc_attach_read(mem_ctx, s, handle, depth, d) < 0)
		return -1;
	return 0;
}

int mc_message_read(TALLOC_CTX *mem_ctx, struct mc_session *s, const struct mc_logon *logon,
                    uint64_t fid, uint64_t mid, struct mc_message_dump *d_r)
{
	struct rop_request open = {.rop_id = ROP_ID_OpenMessage}; /* [MS-OXCMSG] 2.2.3.1 */
	struct rop_response om;
	uint32_t handle = 0;
	memset(d_r, 0, sizeof(*d_r));
	open.u.open_message.code_page_id = 0x0FFF;
	open.u.open_message.folder_id = fid;
	open.u.open_message.message_id = mid; /* OpenModeFlags 0: read-only */
	if (mc_message_open_whole(mem_ctx, s, logon->handle, &open, d_r, &om, &handle) < 0)
		return -1;
	int ret = mc_message_read_open(mem_ctx, s, handle, &om.u.open_message, 0, d_r);
	/* RopRelease of the message; its failure does not matter to the data */
	mc_message_release(mem_ctx, s, handle);
	return ret;
}
