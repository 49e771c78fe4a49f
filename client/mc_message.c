/*
 * mc_message: sending a message and reading one whole.
 */
#include "mc_message.h"

#include <inttypes.h>
#include <string.h>

#include "rop_errors.h"

#define NEW_HANDLE 0xFFFFFFFFu

static int check_rops(struct mc_session *s, const struct rop_response *resps, size_t n,
                      size_t expected)
{
	for (size_t i = 0; i < n; i++) {
		uint32_t rv = resps[i].return_value;
		if (rv != 0)
			return mc_fail(s, MC_E_SERVER, "%s: ReturnValue 0x%08" PRIx32 " (%s)",
			               rop_name(resps[i].rop_id), rv,
			               rop_error_name(rv) ? rop_error_name(rv) : "unknown");
	}
	if (n != expected)
		return mc_fail(s, MC_E_PROTOCOL, "Execute: %zu ROP responses for %zu requests", n,
		               expected);
	return 0;
}

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
                          const struct mapi_binary *sent_eid, struct rop_set_properties_req *q)
{
	struct mapi_propval *v = talloc_zero_array(mem_ctx, struct mapi_propval, 4);
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
	q->vals.vals = v;
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

/* RopRelease of one server object, the failure already recorded kept. */
static void release_handle(TALLOC_CTX *mem_ctx, struct mc_session *s, uint32_t handle)
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
	uint32_t *handles, in_handles[2] = {logon->handle, NEW_HANDLE};
	size_t n, nh;
	struct mapi_binary sent_eid;
	struct mc_execute_opts opts = mc_store_execute_opts(s);
	struct rop_request reqs[3];
	memset(reqs, 0, sizeof(reqs));
	if (sent_items_entryid(mem_ctx, s, logon, &sent_eid) < 0)
		return -1;
	reqs[0].rop_id = ROP_ID_CreateMessage; /* [MS-OXCMSG] 2.2.3.2 */
	reqs[0].output_handle = 1;
	reqs[0].u.create_message.code_page_id = 0x0FFF;
	reqs[0].u.create_message.folder_id = logon->resp.folder_ids[MC_FOLDER_OUTBOX];
	reqs[1].rop_id = ROP_ID_SetProperties; /* [MS-OXCPRPT] 2.2.5 */
	reqs[1].input_handle = 1;
	message_props(mem_ctx, m, &sent_eid, &reqs[1].u.set_properties);
	reqs[2].rop_id = ROP_ID_ModifyRecipients; /* [MS-OXCMSG] 2.2.3.5 */
	reqs[2].input_handle = 1;
	if (build_recipients(mem_ctx, s, m->to, &reqs[2].u.modify_recipients) < 0)
		return -1;
	if (mc_emsmdb_execute(mem_ctx, s, &opts, reqs, 3, in_handles, 2, NULL, &resps, &n, &handles,
	                      &nh) < 0)
		return -1;
	if (n < 1 || resps[0].return_value != 0 || nh < 2) {
		check_rops(s, resps, n, 3);
		return -1;
	}
	*handle_r = handles[1];
	if (check_rops(s, resps, n, 3) < 0) {
		release_handle(mem_ctx, s, *handle_r);
		return -1;
	}
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
	reqs[0].rop_id = ROP_ID_SaveChangesMessage;       /* [MS-OXCMSG] 2.2.3.3 */
	reqs[0].u.save_changes_message.save_flags = 0x02; /* KeepOpenReadWrite */
	reqs[1].rop_id = ROP_ID_SubmitMessage;            /* [MS-OXOMSG] 2.2.4.1 */
	reqs[1].u.submit_message.submit_flags = 0x00;
	reqs[2].rop_id = ROP_ID_Release;
	if (mc_emsmdb_execute(tmp, s, &opts, reqs, 3, in_handles, 1, NULL, &resps, &n, &handles,
	                      &nh) < 0 ||
	    check_rops(s, resps, n, 2) < 0)
		goto out;
	*mid_r = resps[0].u.save_changes_message.message_id;
	ret = 0;
out:
	talloc_free(tmp);
	return ret;
}
