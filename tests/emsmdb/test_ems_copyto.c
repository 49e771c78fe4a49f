/* RopCopyTo and RopCopyProperties ([MS-OXCPRPT] 2.2.10, 2.2.11) between
 * messages, and what they must not copy ([MS-OXCFXICS] 2.2.1.2). */
#include "ems_test.h"

static struct ems_t t;

#define PR_SUBJECT     PROP_TAG(PT_UNICODE, 0x0037)
#define PR_BODY        PROP_TAG(PT_UNICODE, 0x1000)
#define PR_MSG_FLAGS   PROP_TAG(PT_LONG, 0x0E07)
#define PR_ATTACH_NAME PROP_TAG(PT_UNICODE, 0x3707)
#define PR_NORM_SUBJ   PROP_TAG(PT_UNICODE, 0x0E1D)

static void test_copy(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct et_result *r = talloc(mem, struct et_result);
	uint32_t h[4] = {et_logon(&t), 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF};
	uint64_t inbox = store_special_fid(t.mbox, STORE_FOLDER_INBOX);
	struct mapi_propval v[2] = {{.tag = PR_SUBJECT}, {.tag = PR_BODY}};
	struct mapi_propval w = {.tag = PR_SUBJECT};
	uint32_t tags[] = {PR_SUBJECT, PR_BODY};
	uint32_t rcols[] = {PROP_TAG(PT_LONG, 0x5FFF)};
	struct rop_recipient_row rows[1];
	struct rop_request q[12];

	v[0].v.str = (char *)"source subject";
	v[1].v.str = (char *)"source body";
	w.v.str = (char *)"kept";
	memset(rows, 0, sizeof(rows));
	rows[0].recipient_type = 1;
	rows[0].row = et_smtp_row(mem, "dan@example.com", "Dan", 1);
	test_begin(
	    "CopyProperties (no overwrite), CopyTo with sub-objects, move, null destination");
	q[0] = et_rq(ROP_ID_CreateMessage, 0, 0);
	q[0].output_handle = 1;
	q[0].u.create_message.folder_id = inbox;
	q[1] = et_set_props(1, v, 2);
	q[2] = et_rq(ROP_ID_ModifyRecipients, 1, 0);
	q[2].u.modify_recipients.recipient_columns.count = 1;
	q[2].u.modify_recipients.recipient_columns.tags = rcols;
	q[2].u.modify_recipients.rows.count = 1;
	q[2].u.modify_recipients.rows.rows = rows;
	q[3] = q[0];
	q[3].output_handle = 2;
	q[4] = et_set_props(2, &w, 1);
	q[5] = et_rq(ROP_ID_CopyProperties, 1, 0);
	q[5].dest_handle = 2;
	q[5].u.copy_properties.copy_flags = 0x02; /* NoOverwrite */
	q[5].u.copy_properties.tags.count = 2;
	q[5].u.copy_properties.tags.tags = tags;
	q[6] = et_get_props(2, tags, 2);
	q[7] = q[0];
	q[7].output_handle = 3;
	q[8] = et_rq(ROP_ID_CopyTo, 1, 0);
	q[8].dest_handle = 3;
	q[8].u.copy_to.want_sub_objects = 1;
	q[8].u.copy_to.copy_flags = 0x01; /* Move */
	q[8].u.copy_to.excluded_tags.count = 1;
	q[8].u.copy_to.excluded_tags.tags = &tags[1];
	q[9] = et_get_props(3, tags, 2);
	q[10] = et_get_props(1, tags, 2);
	q[11] = et_rq(ROP_ID_CopyTo, 1, 0);
	q[11].dest_handle = 0; /* the logon: another kind of object */
	test_assert_int(et_exec(&t, mem, q, 12, h, 4, r), 0);
	test_assert_int(r->count, 12);
	test_assert_int(r->resps[5].return_value, 0);
	test_assert_int(r->resps[5].u.copy_properties.problems.count, 0);
	const struct mapi_propval *g = r->resps[6].u.get_properties_specific.row.vals.vals;
	test_assert_str(g[0].v.str, "kept");
	test_assert_str(g[1].v.str, "source body");
	test_assert_int(r->resps[8].return_value, 0);
	test_assert_int(r->resps[8].u.copy_to.problems.count, 0);
	g = r->resps[9].u.get_properties_specific.row.vals.vals;
	test_assert_str(g[0].v.str, "source subject");
	test_assert_int(PROP_TYPE(g[1].tag), PT_ERROR); /* excluded */
	g = r->resps[10].u.get_properties_specific.row.vals.vals;
	test_assert_int(PROP_TYPE(g[0].tag), PT_ERROR); /* moved away */
	test_assert_str(g[1].v.str, "source body");     /* excluded, so kept */
	test_assert_int(r->resps[11].return_value, EC_NotSupported);
	uint32_t ch[4];
	memcpy(ch, r->handles, sizeof(ch));
	q[0] = et_rq(ROP_ID_ReadRecipients, 3, 0);
	q[1] = et_rq(ROP_ID_CopyTo, 1, 0);
	q[1].dest_handle = 2;
	ch[2] = 0xFFFFFFFF;
	test_assert_int(et_exec(&t, mem, q, 2, ch, 4, r), 0);
	test_assert_int(r->resps[0].return_value, 0);
	test_assert_int(r->resps[0].u.read_recipients.rows.count, 1);
	test_assert_int(r->resps[1].return_value, EC_NullDestinationObject);
	test_assert_int(r->resps[1].u.copy_to.dest_handle_index, 2);
	test_end();
	talloc_free(mem);
}

/* [MS-OXCFXICS] 2.2.1.2: a message CopyTo fills keeps its own source key
 * and change key, not the source message's. */
static void test_copy_to_identity(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct et_result *r = talloc(mem, struct et_result);
	uint32_t h[3] = {et_logon(&t), 0xFFFFFFFF, 0xFFFFFFFF};
	uint64_t inbox = store_special_fid(t.mbox, STORE_FOLDER_INBOX);
	uint32_t keys[] = {PROP_TAG(PT_BINARY, 0x65E0), PROP_TAG(PT_BINARY, 0x65E2)};
	struct rop_request q[7];

	test_begin("CopyTo between messages leaves the destination its own identity");
	q[0] = et_rq(ROP_ID_CreateMessage, 0, 0);
	q[0].output_handle = 1;
	q[0].u.create_message.folder_id = inbox;
	q[1] = et_rq(ROP_ID_SaveChangesMessage, 1, 0);
	q[1].response_handle = 1;
	q[1].u.save_changes_message.save_flags = 0x02;
	q[2] = q[0];
	q[2].output_handle = 2;
	q[3] = et_rq(ROP_ID_CopyTo, 1, 0);
	q[3].dest_handle = 2;
	q[4] = et_rq(ROP_ID_SaveChangesMessage, 2, 0);
	q[4].response_handle = 2;
	q[4].u.save_changes_message.save_flags = 0x02;
	q[5] = et_get_props(1, keys, 2);
	q[6] = et_get_props(2, keys, 2);
	test_assert_int(et_exec(&t, mem, q, 7, h, 3, r), 0);
	test_assert_int(r->count, 7);
	test_assert_int(r->resps[3].return_value, 0);
	test_assert_int(r->resps[4].return_value, 0);
	const struct mapi_propval *a = r->resps[5].u.get_properties_specific.row.vals.vals;
	const struct mapi_propval *b = r->resps[6].u.get_properties_specific.row.vals.vals;
	for (int i = 0; i < 2; i++) {
		test_assert_int(a[i].tag, keys[i]);
		test_assert_int(b[i].tag, keys[i]);
		if (a[i].tag == keys[i] && b[i].tag == keys[i])
			test_assert(a[i].v.bin.len != b[i].v.bin.len ||
			            memcmp(a[i].v.bin.data, b[i].v.bin.data, a[i].v.bin.len) != 0);
	}
	test_end();
	talloc_free(mem);
}

int main(void)
{
	et_setup(&t);
	test_copy();
	test_copy_to_identity();
	et_teardown(&t);
	return test_exit();
}
