/* Recipients ([MS-OXCMSG] RopModifyRecipients, RopReadRecipients) and the
 * RecipientRow of [MS-OXCDATA] 2.8.3 through ems_execute. */
#include "ems_test.h"

static struct ems_t t;

#define PR_SUBJECT     PROP_TAG(PT_UNICODE, 0x0037)
#define PR_BODY        PROP_TAG(PT_UNICODE, 0x1000)
#define PR_MSG_FLAGS   PROP_TAG(PT_LONG, 0x0E07)
#define PR_ATTACH_NAME PROP_TAG(PT_UNICODE, 0x3707)
#define PR_NORM_SUBJ   PROP_TAG(PT_UNICODE, 0x0E1D)

/* [MS-OXCDATA] 2.8.3.1: S 0x0040 says the TransmittableDisplayName is the
 * DisplayName (no field of its own), I 0x0400 carries a SimpleDisplayName,
 * T 0x0020 a TransmittableDisplayName of its own. */
static void test_recipient_name_flags(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct et_result *r = talloc(mem, struct et_result);
	uint32_t h[2] = {et_logon(&t), 0xFFFFFFFF};
	uint64_t drafts = store_special_fid(t.mbox, STORE_FOLDER_DRAFTS);
	uint32_t cols[] = {PROP_TAG(PT_LONG, 0x5FFF)};
	struct rop_recipient_row rows[2];
	struct rop_request q[5];

	test_begin("RecipientRow S and I flags: read on ModifyRecipients, set on ReadRecipients");
	memset(rows, 0, sizeof(rows));
	/* S and I: email, display, simple; the transmittable name is Carol's */
	rows[0].row = et_smtp_row(mem, "carol@example.com", "Carol", 0);
	rows[0].row->flags |= ROP_RECIP_I | ROP_RECIP_S;
	rows[0].row->simple_display_name = talloc_strdup(mem, "carol");
	rows[0].recipient_type = 1;
	/* T: a transmittable name of its own */
	rows[1].row = et_smtp_row(mem, "dan@example.com", "Dan", 0);
	rows[1].row->flags |= ROP_RECIP_T;
	rows[1].row->transmittable_display_name = talloc_strdup(mem, "Daniel");
	rows[1].row_id = 1;
	rows[1].recipient_type = 2;
	q[0] = et_rq(ROP_ID_CreateMessage, 0, 0);
	q[0].output_handle = 1;
	q[0].u.create_message.folder_id = drafts;
	q[1] = et_rq(ROP_ID_ModifyRecipients, 1, 0);
	q[1].u.modify_recipients.recipient_columns.count = 1;
	q[1].u.modify_recipients.recipient_columns.tags = cols;
	q[1].u.modify_recipients.rows.count = 2;
	q[1].u.modify_recipients.rows.rows = rows;
	q[2] = et_rq(ROP_ID_ReadRecipients, 1, 0);
	q[2].u.read_recipients.row_id = 0;
	test_assert_int(et_exec(&t, mem, q, 3, h, 2, r), 0);
	test_assert_int(r->count, 3);
	test_assert_int(r->resps[1].return_value, 0);
	test_assert_int(r->resps[2].return_value, 0);
	const struct rop_recipient_rows *rr = &r->resps[2].u.read_recipients.rows;
	test_assert_int(rr->count, 2);
	if (rr->count == 2) {
		const struct rop_recipient *c0 = rr->rows[0].row, *c1 = rr->rows[1].row;
		test_assert_int(c0->flags & 0x0460, 0x0440); /* S and I, no T */
		test_assert_str(c0->display_name, "Carol");
		test_assert_str(c0->simple_display_name, "carol");
		test_assert(c0->transmittable_display_name == NULL);
		test_assert_int(c0->props.vals.count, 0);    /* RecipientColumnCount */
		test_assert_int(c1->flags & 0x0460, 0x0020); /* T only */
		test_assert_str(c1->display_name, "Dan");
		test_assert_str(c1->transmittable_display_name, "Daniel");
	}
	test_end();
	talloc_free(mem);
}

static void test_recipients(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct et_result *r = talloc(mem, struct et_result);
	uint32_t h[2] = {et_logon(&t), 0xFFFFFFFF};
	uint64_t drafts = store_special_fid(t.mbox, STORE_FOLDER_DRAFTS);
	uint32_t cols[] = {PROP_TAG(PT_LONG, 0x5FFF)}; /* PidTagRecipientTrackStatus */
	struct rop_recipient_row rows[3];
	struct rop_request q[6];

	test_begin("ModifyRecipients (SMTP, EX with DN prefix), ReadRecipients, remove");
	memset(rows, 0, sizeof(rows));
	rows[0].row_id = 0;
	rows[0].recipient_type = 1;
	rows[0].row = et_smtp_row(mem, "bob@example.com", "Bob", 7);
	rows[1].row_id = 1;
	rows[1].recipient_type = 2;
	rows[1].row = et_ex_row(mem, t.user->legacy_dn, 10, "Alice Example");
	q[0] = et_rq(ROP_ID_CreateMessage, 0, 0);
	q[0].output_handle = 1;
	q[0].u.create_message.folder_id = drafts;
	q[1] = et_rq(ROP_ID_ModifyRecipients, 1, 0);
	q[1].u.modify_recipients.recipient_columns.count = 1;
	q[1].u.modify_recipients.recipient_columns.tags = cols;
	q[1].u.modify_recipients.rows.count = 2;
	q[1].u.modify_recipients.rows.rows = rows;
	q[2] = et_rq(ROP_ID_SaveChangesMessage, 1, 0);
	q[2].response_handle = 1;
	q[2].u.save_changes_message.save_flags = 0x02;
	q[3] = et_rq(ROP_ID_ReadRecipients, 1, 0);
	q[3].u.read_recipients.row_id = 0;
	q[4] = et_rq(ROP_ID_ReadRecipients, 1, 0);
	q[4].u.read_recipients.row_id = 5;
	test_assert_int(et_exec(&t, mem, q, 5, h, 2, r), 0);
	test_assert_int(r->count, 5);
	test_assert_int(r->resps[1].return_value, 0);
	test_assert_int(r->resps[2].return_value, 0);
	uint64_t mid = r->resps[2].u.save_changes_message.message_id;
	test_assert_int(r->resps[3].return_value, 0);
	const struct rop_recipient_rows *rr = &r->resps[3].u.read_recipients.rows;
	test_assert_int(rr->count, 2);
	test_assert_int(rr->rows[0].recipient_type, 1);
	/* the SMTP row: Type SMTP, U, D, E */
	const struct rop_recipient *row = rr->rows[0].row;
	test_assert_int(row->flags & 0x0007, 3);
	test_assert((row->flags & 0x0218) == 0x0218);
	test_assert_str(row->email_address, "bob@example.com");
	test_assert_str(row->display_name, "Bob");
	/* the EX row: the full DN came back */
	row = rr->rows[1].row;
	test_assert_int(row->flags & 0x0007, 1);
	test_assert_int(row->address_prefix_used, 0);
	test_assert_str(row->x500dn, t.user->legacy_dn);
	test_assert_int(r->resps[4].return_value, EC_NotFound);
	/* OpenMessage carries them too */
	struct rop_request oq[2] = {et_open_message(0, 1, drafts, mid, 0x00)};
	uint32_t oh[2] = {h[0], 0xFFFFFFFF};
	struct et_result *r2 = talloc(mem, struct et_result);
	test_assert_int(et_exec(&t, mem, oq, 1, oh, 2, r2), 0);
	test_assert_int(r2->resps[0].return_value, 0);
	test_assert_int(r2->resps[0].u.open_message.recipient_count, 2);
	test_assert_int(r2->resps[0].u.open_message.recipient_rows.count, 2);
	test_assert(r2->resps[0].u.open_message.recipient_rows.count == 2 &&
	            r2->resps[0].u.open_message.recipient_rows.rows[1].recipient_type == 2);
	/* the store holds the extra column and the types */
	struct store_message *msg;
	uint32_t n, *ids;
	struct mapi_propval_array *sr;
	test_assert_int(store_message_open(mem, t.mbox, drafts, mid, &msg), 0);
	test_assert_int(store_message_get_recipients(mem, msg, &n, &ids, &sr), 0);
	test_assert_int(n, 2);
	int found = 0;
	for (uint32_t i = 0; i < n; i++)
		for (uint32_t k = 0; k < sr[i].count; k++)
			found += sr[i].vals[k].tag == cols[0] && sr[i].vals[k].v.i32 == 7;
	test_assert_int(found, 1);
	store_message_close(&msg);
	/* remove one by an empty row, then all */
	rows[0].row = NULL;
	q[1].u.modify_recipients.rows.count = 1;
	q[2].u.save_changes_message.save_flags = 0x02;
	q[3].u.read_recipients.row_id = 0;
	q[4] = et_rq(ROP_ID_RemoveAllRecipients, 1, 0);
	q[5] = et_rq(ROP_ID_ReadRecipients, 1, 0);
	uint32_t h2[2];
	memcpy(h2, r->handles, sizeof(h2));
	test_assert_int(et_exec(&t, mem, q + 1, 5, h2, 2, r), 0);
	test_assert_int(r->resps[0].return_value, 0);
	test_assert_int(r->resps[2].u.read_recipients.rows.count, 1);
	test_assert_int(r->resps[2].u.read_recipients.rows.rows[0].row_id, 1);
	test_assert_int(r->resps[3].return_value, 0);
	test_assert_int(r->resps[4].return_value, EC_NotFound);
	/* a RecipientRow the codec cannot read (cut after its flags) fails
	 * the whole buffer: [MS-OXCROPS] 3.2.5.1 */
	static const uint8_t cut_row[] = {
	    0x0E, 0x00, 0x00,                         /* RopModifyRecipients, handle 0 */
	    0x01, 0x00, 0xFF, 0x5F, 0x03, 0x00,       /* ColumnCount 1, the column */
	    0x01, 0x00,                               /* RowCount */
	    0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, /* RowId, type, RecipientRowSize */
	    0x03, 0x02};                              /* RecipientFlags and no more */
	struct rop_push ext;
	struct mh_execute_resp eresp;
	rop_push_init_growable(&ext, mem);
	test_assert_int(
	    rpc_ext_encode_rop_buffer(&ext, cut_row, sizeof(cut_row), h2, 1, RPC_EXT_ENCODE_LAST),
	    ROP_OK);
	test_assert_int(et_exec_raw(&t, mem, ext.data, ext.ofs,
	                            RPC_EXT_PUL_NOCOMPRESSION | RPC_EXT_PUL_NOXORMAGIC, 0x40000,
	                            &eresp),
	                1);
	test_assert_int(eresp.error_code, EC_RpcFormat);
	test_end();
	talloc_free(mem);
}

int main(void)
{
	et_setup(&t);
	test_recipients();
	test_recipient_name_flags();
	et_teardown(&t);
	return test_exit();
}
