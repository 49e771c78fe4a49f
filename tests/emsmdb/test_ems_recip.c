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
	struct rop_push w;

	test_begin("RecipientRow S and I flags: read on ModifyRecipients, set on ReadRecipients");
	memset(rows, 0, sizeof(rows));
	/* S and I: email, display, simple; the transmittable name is Carol's */
	rop_push_init_growable(&w, mem);
	rop_push_u16(&w, 0x0200 | 0x0400 | 0x0040 | 0x0010 | 0x0008 | 0x0003);
	rop_push_utf16z(&w, "carol@example.com");
	rop_push_utf16z(&w, "Carol");
	rop_push_utf16z(&w, "carol");
	rop_push_u16(&w, 1);
	rop_push_u8(&w, 0);
	rop_push_u32(&w, 0);
	rows[0].row.len = (uint32_t)w.ofs;
	rows[0].row.data = w.data;
	rows[0].recipient_type = 1;
	/* T: a transmittable name of its own */
	rop_push_init_growable(&w, mem);
	rop_push_u16(&w, 0x0200 | 0x0020 | 0x0010 | 0x0008 | 0x0003);
	rop_push_utf16z(&w, "dan@example.com");
	rop_push_utf16z(&w, "Dan");
	rop_push_utf16z(&w, "Daniel");
	rop_push_u16(&w, 1);
	rop_push_u8(&w, 0);
	rop_push_u32(&w, 0);
	rows[1].row.len = (uint32_t)w.ofs;
	rows[1].row.data = w.data;
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
	struct rop_pull p;
	uint16_t flags;
	char *s[3];
	if (rr->count == 2) {
		rop_pull_init(&p, mem, rr->rows[0].row.data, rr->rows[0].row.len);
		test_assert_int(rop_pull_u16(&p, &flags), ROP_OK);
		test_assert_int(flags & 0x0460, 0x0440); /* S and I, no T */
		for (int i = 0; i < 3; i++)
			test_assert_int(rop_pull_utf16z(&p, &s[i]), ROP_OK);
		test_assert_str(s[1], "Carol");
		test_assert_str(s[2], "carol");
		uint16_t ncols = 99;
		test_assert_int(rop_pull_u16(&p, &ncols), ROP_OK);
		test_assert_int(ncols, 0);
		rop_pull_init(&p, mem, rr->rows[1].row.data, rr->rows[1].row.len);
		test_assert_int(rop_pull_u16(&p, &flags), ROP_OK);
		test_assert_int(flags & 0x0460, 0x0020); /* T only */
		for (int i = 0; i < 3; i++)
			test_assert_int(rop_pull_utf16z(&p, &s[i]), ROP_OK);
		test_assert_str(s[1], "Dan");
		test_assert_str(s[2], "Daniel");
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
	/* the SMTP row: flags, then EmailAddress and DisplayName in UTF-16 */
	struct rop_pull p;
	uint16_t flags;
	char *email, *name;
	rop_pull_init(&p, mem, rr->rows[0].row.data, rr->rows[0].row.len);
	test_assert_int(rop_pull_u16(&p, &flags), ROP_OK);
	test_assert_int(flags & 0x0007, 3);
	test_assert((flags & 0x0218) == 0x0218);
	test_assert_int(rop_pull_utf16z(&p, &email), ROP_OK);
	test_assert_int(rop_pull_utf16z(&p, &name), ROP_OK);
	test_assert_str(email, "bob@example.com");
	test_assert_str(name, "Bob");
	/* the EX row: the full DN came back */
	uint8_t b;
	char *dn;
	rop_pull_init(&p, mem, rr->rows[1].row.data, rr->rows[1].row.len);
	test_assert_int(rop_pull_u16(&p, &flags), ROP_OK);
	test_assert_int(flags & 0x0007, 1);
	rop_pull_u8(&p, &b);
	rop_pull_u8(&p, &b);
	test_assert_int(rop_pull_asciiz(&p, &dn), ROP_OK);
	test_assert_str(dn, t.user->legacy_dn);
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
	rows[0].row.len = 0;
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
	/* a malformed RecipientRow */
	rows[0].row.len = 3;
	test_assert_int(et_exec(&t, mem, q + 1, 1, h2, 2, r), 0);
	test_assert_int(r->resps[0].return_value, EC_InvalidParameter);
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
