/* RopCopyTo and RopCopyProperties ([MS-OXCPRPT] 2.2.10, 2.2.11) with a
 * message's subobjects: a move takes them from the source, a copy adds them
 * to the destination's own, and a copy onto or into itself is refused with
 * nothing changed.  test_ems_copyto.c has the property copies. */
#include "ems_private.h"
#include "ems_test.h"

static struct ems_t t;

#define PR_SUBJECT       PROP_TAG(PT_UNICODE, 0x0037)
#define PR_ATTACH_NAME   PROP_TAG(PT_UNICODE, 0x3707)
#define PR_EMAIL_ADDRESS PROP_TAG(PT_UNICODE, 0x3003)

static const struct mapi_propval *val_of(const struct mapi_propval_array *a, uint32_t tag)
{
	for (uint32_t i = 0; i < a->count; i++) {
		if (a->vals[i].tag == tag)
			return &a->vals[i];
	}
	return NULL;
}

/* Requests building message handle out in the Inbox (handle 0 the logon):
 * subject, one SMTP recipient (row ID 0) and one attachment named
 * attach_name (handle att), saved into the instance; n advanced. */
static void msg_requests(TALLOC_CTX *mem, struct rop_request *q, uint32_t *n, uint8_t out,
                         uint8_t att, const char *subject, const char *email,
                         const char *attach_name)
{
	static uint32_t rcols[] = {PROP_TAG(PT_LONG, 0x5FFF)};
	struct mapi_propval *v = talloc_zero_array(mem, struct mapi_propval, 2);
	struct rop_recipient_row *row = talloc_zero(mem, struct rop_recipient_row);

	v[0].tag = PR_SUBJECT;
	v[0].v.str = (char *)subject;
	v[1].tag = PR_ATTACH_NAME;
	v[1].v.str = (char *)attach_name;
	row->recipient_type = 1;
	row->row = et_smtp_row(mem, email, email, 1);
	q[*n] = et_rq(ROP_ID_CreateMessage, 0, out);
	q[(*n)++].u.create_message.folder_id = store_special_fid(t.mbox, STORE_FOLDER_INBOX);
	q[(*n)++] = et_set_props(out, &v[0], 1);
	q[*n] = et_rq(ROP_ID_ModifyRecipients, out, 0);
	q[*n].u.modify_recipients.recipient_columns.count = 1;
	q[*n].u.modify_recipients.recipient_columns.tags = rcols;
	q[*n].u.modify_recipients.rows.count = 1;
	q[(*n)++].u.modify_recipients.rows.rows = row;
	q[(*n)++] = et_rq(ROP_ID_CreateAttachment, out, att);
	q[(*n)++] = et_set_props(att, &v[1], 1);
	q[(*n)++] = et_rq(ROP_ID_SaveChangesAttachment, att, 0);
}

static struct rop_request save_req(uint8_t h)
{
	struct rop_request q = et_rq(ROP_ID_SaveChangesMessage, h, 0);
	q.response_handle = h;
	q.u.save_changes_message.save_flags = 0x02; /* KeepOpenReadWrite */
	return q;
}

/* The saved message mid of the Inbox: its subject ("" when none), its
 * recipients' addresses joined by ",", in row order, and its attachments'
 * names likewise. */
static void saved_parts(TALLOC_CTX *mem, uint64_t mid, const char **subject_r,
                        const char **recips_r, const char **attachs_r)
{
	uint64_t inbox = store_special_fid(t.mbox, STORE_FOLDER_INBOX);
	struct store_message *m = NULL;
	struct mapi_propval_array vals, *rows;
	uint32_t count = 0, *ids, *nums, ntag = PR_ATTACH_NAME;
	struct mapi_proptag_array na = {1, &ntag};
	const struct mapi_propval *v;
	char *rs = talloc_strdup(mem, ""), *as = talloc_strdup(mem, "");

	*subject_r = *recips_r = *attachs_r = "?";
	test_assert_int(store_message_open(mem, t.mbox, inbox, mid, &m), 0);
	if (m == NULL)
		return;
	test_assert_int(store_message_get_props(mem, m, NULL, &vals), 0);
	v = val_of(&vals, PR_SUBJECT);
	/* the values are the instance's: copied before it is closed */
	*subject_r = talloc_strdup(mem, v != NULL ? v->v.str : "");
	test_assert_int(store_message_get_recipients(mem, m, &count, &ids, &rows), 0);
	for (uint32_t i = 0; i < count; i++) {
		v = val_of(&rows[i], PR_EMAIL_ADDRESS);
		rs = talloc_asprintf_append(rs, "%s%s", i ? "," : "", v != NULL ? v->v.str : "-");
	}
	test_assert_int(store_message_attach_list(mem, m, &nums, &count), 0);
	for (uint32_t i = 0; i < count; i++) {
		test_assert_int(store_message_attach_get_props(mem, m, nums[i], &na, &vals), 0);
		v = val_of(&vals, PR_ATTACH_NAME);
		as = talloc_asprintf_append(as, "%s%s", i ? "," : "", v != NULL ? v->v.str : "-");
	}
	*recips_r = rs;
	*attachs_r = as;
	store_message_close(&m);
}

/* [MS-OXCPRPT] 2.2.11.1 Move with WantSubObjects: the source is left
 * without what was moved, its recipients and attachments too; an excluded
 * PidTagMessageAttachments keeps them (not copied, not moved).
 * RopCopyProperties moves the recipients when PidTagMessageRecipients is
 * listed. */
static void test_move_subobjects(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct et_result *r = talloc(mem, struct et_result);
	uint32_t h[10], attachments = PROP_TAG(PT_OBJECT, 0x0E13);
	uint32_t recips = PROP_TAG(PT_OBJECT, 0x0E12);
	struct rop_request q[40];
	uint32_t n = 0, moves[3];
	const char *subj, *rc, *at;

	test_begin("a move takes the source's recipients and attachments with it");
	h[0] = et_logon(&t);
	for (int i = 1; i < 10; i++)
		h[i] = 0xFFFFFFFF;
	msg_requests(mem, q, &n, 1, 2, "moved", "dan@example.com", "a.txt");
	q[n] = et_rq(ROP_ID_CreateMessage, 0, 3);
	q[n++].u.create_message.folder_id = store_special_fid(t.mbox, STORE_FOLDER_INBOX);
	moves[0] = n;
	q[n] = et_rq(ROP_ID_CopyTo, 1, 0);
	q[n].dest_handle = 3;
	q[n].u.copy_to.want_sub_objects = 1;
	q[n++].u.copy_to.copy_flags = 0x01; /* Move */
	msg_requests(mem, q, &n, 4, 5, "kept parts", "erin@example.com", "b.txt");
	q[n] = et_rq(ROP_ID_CreateMessage, 0, 6);
	q[n++].u.create_message.folder_id = store_special_fid(t.mbox, STORE_FOLDER_INBOX);
	moves[1] = n;
	q[n] = et_rq(ROP_ID_CopyTo, 4, 0);
	q[n].dest_handle = 6;
	q[n].u.copy_to.want_sub_objects = 1;
	q[n].u.copy_to.copy_flags = 0x01;
	q[n].u.copy_to.excluded_tags.count = 1;
	q[n++].u.copy_to.excluded_tags.tags = &attachments;
	msg_requests(mem, q, &n, 7, 8, "props", "fred@example.com", "c.txt");
	q[n] = et_rq(ROP_ID_CreateMessage, 0, 9);
	q[n++].u.create_message.folder_id = store_special_fid(t.mbox, STORE_FOLDER_INBOX);
	moves[2] = n;
	q[n] = et_rq(ROP_ID_CopyProperties, 7, 0);
	q[n].dest_handle = 9;
	q[n].u.copy_properties.copy_flags = 0x01;
	q[n].u.copy_properties.tags.count = 1;
	q[n++].u.copy_properties.tags.tags = &recips;
	for (uint8_t k = 1; k <= 9; k += 3) {
		q[n++] = save_req(k);
		q[n++] = save_req((uint8_t)(k + 2));
	}
	test_assert_int(et_exec(&t, mem, q, n, h, 10, r), 0);
	test_assert_int(r->count, n);
	for (uint32_t i = 0; i < r->count; i++)
		test_assert_int(r->resps[i].return_value, 0);
	for (int k = 0; k < 3; k++)
		test_assert_int(r->resps[moves[k]].u.copy_to.problems.count, 0);
	uint64_t mids[6];
	for (int k = 0; k < 6; k++)
		mids[k] = r->resps[n - 6 + k].u.save_changes_message.message_id;
	/* CopyTo Move: everything on the destination, nothing left */
	saved_parts(mem, mids[0], &subj, &rc, &at);
	test_assert_str(subj, "");
	test_assert_str(rc, "");
	test_assert_str(at, "");
	saved_parts(mem, mids[1], &subj, &rc, &at);
	test_assert_str(subj, "moved");
	test_assert_str(rc, "dan@example.com");
	test_assert_str(at, "a.txt");
	/* attachments excluded: they stay, the recipients go */
	saved_parts(mem, mids[2], &subj, &rc, &at);
	test_assert_str(subj, "");
	test_assert_str(rc, "");
	test_assert_str(at, "b.txt");
	saved_parts(mem, mids[3], &subj, &rc, &at);
	test_assert_str(subj, "kept parts");
	test_assert_str(rc, "erin@example.com");
	test_assert_str(at, "");
	/* CopyProperties of PidTagMessageRecipients, moved */
	saved_parts(mem, mids[4], &subj, &rc, &at);
	test_assert_str(subj, "props");
	test_assert_str(rc, "");
	test_assert_str(at, "c.txt");
	saved_parts(mem, mids[5], &subj, &rc, &at);
	test_assert_str(subj, "");
	test_assert_str(rc, "fred@example.com");
	test_assert_str(at, "");
	test_end();
	talloc_free(mem);
}

/* CopyTo with WantSubObjects into a message with recipients and
 * attachments of its own: [MS-OXCPRPT] 2.2.11 says nothing of them; they
 * are kept and the source's added (no row of the destination's replaced by
 * a copied row with the same row ID), NoOverwrite alike (a subobject added
 * overwrites nothing) while it keeps the destination's subject. */
static void test_copy_into_parts(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct et_result *r = talloc(mem, struct et_result);
	uint32_t h[7];
	struct rop_request q[30];
	uint32_t n = 0;
	const char *subj, *rc, *at;

	test_begin("CopyTo with sub-objects adds to the destination's recipients and attachments");
	h[0] = et_logon(&t);
	for (int i = 1; i < 7; i++)
		h[i] = 0xFFFFFFFF;
	msg_requests(mem, q, &n, 1, 2, "source", "dan@example.com", "src.txt");
	msg_requests(mem, q, &n, 3, 4, "dest", "bob@example.com", "dst.txt");
	msg_requests(mem, q, &n, 5, 6, "dest kept", "bob@example.com", "dst.txt");
	q[n] = et_rq(ROP_ID_CopyTo, 1, 0);
	q[n].dest_handle = 3;
	q[n++].u.copy_to.want_sub_objects = 1;
	q[n] = et_rq(ROP_ID_CopyTo, 1, 0);
	q[n].dest_handle = 5;
	q[n].u.copy_to.want_sub_objects = 1;
	q[n++].u.copy_to.copy_flags = 0x02; /* NoOverwrite */
	q[n++] = save_req(1);
	q[n++] = save_req(3);
	q[n++] = save_req(5);
	test_assert_int(et_exec(&t, mem, q, n, h, 7, r), 0);
	test_assert_int(r->count, n);
	for (uint32_t i = 0; i < r->count; i++)
		test_assert_int(r->resps[i].return_value, 0);
	uint64_t src = r->resps[n - 3].u.save_changes_message.message_id;
	uint64_t d1 = r->resps[n - 2].u.save_changes_message.message_id;
	uint64_t d2 = r->resps[n - 1].u.save_changes_message.message_id;
	saved_parts(mem, d1, &subj, &rc, &at);
	test_assert_str(subj, "source");
	test_assert_str(rc, "bob@example.com,dan@example.com");
	test_assert_str(at, "dst.txt,src.txt");
	saved_parts(mem, d2, &subj, &rc, &at);
	test_assert_str(subj, "dest kept");
	test_assert_str(rc, "bob@example.com,dan@example.com");
	test_assert_str(at, "dst.txt,src.txt");
	/* a copy leaves the source as it was */
	saved_parts(mem, src, &subj, &rc, &at);
	test_assert_str(subj, "source");
	test_assert_str(rc, "dan@example.com");
	test_assert_str(at, "src.txt");
	test_end();
	talloc_free(mem);
}

/* Copies that would copy an object onto itself or into itself answer an
 * error with nothing changed: a message onto itself (one handle or two) is
 * ecInvalidParameter, a message or attachment into a message or attachment
 * inside it ecMsgCycle ([MS-OXCDATA] 2.4), a move out of a read-only
 * message ecAccessDenied. */
static void test_copy_cycles(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct et_result *r = talloc(mem, struct et_result);
	uint64_t inbox = store_special_fid(t.mbox, STORE_FOLDER_INBOX);
	uint32_t h[9], subject = PR_SUBJECT;
	struct mapi_propval inner = {.tag = PR_SUBJECT, .v.str = (char *)"inner"};
	struct rop_request q[30];
	uint32_t n = 0, first;
	const char *subj, *rc, *at;

	test_begin("a message copied onto or into itself is refused, nothing changed");
	h[0] = et_logon(&t);
	for (int i = 1; i < 9; i++)
		h[i] = 0xFFFFFFFF;
	msg_requests(mem, q, &n, 1, 2, "self", "dan@example.com", "self.txt");
	q[n++] = save_req(1);
	test_assert_int(et_exec(&t, mem, q, n, h, 9, r), 0);
	test_assert_int(r->resps[n - 1].return_value, 0);
	uint64_t mid = r->resps[n - 1].u.save_changes_message.message_id;
	memcpy(h, r->handles, sizeof(h));
	n = 0;
	/* 3: the same message through a second handle; 4: an attachment
	 * holding embedded message 5, which has attachment 6 */
	q[n++] = et_open_message(0, 3, inbox, mid, 0x01);
	q[n++] = et_rq(ROP_ID_CreateAttachment, 1, 4);
	q[n] = et_rq(ROP_ID_OpenEmbeddedMessage, 4, 5);
	q[n].u.open_embedded_message.code_page_id = 0x0FFF;
	q[n++].u.open_embedded_message.open_mode_flags = 0x02; /* Create */
	q[n++] = et_set_props(5, &inner, 1);
	q[n++] = et_rq(ROP_ID_CreateAttachment, 5, 6);
	q[n++] = et_rq(ROP_ID_SaveChangesAttachment, 6, 0);
	q[n++] = save_req(5);
	q[n++] = et_rq(ROP_ID_SaveChangesAttachment, 4, 0);
	/* 7: the message read-only; 8: a new message */
	q[n++] = et_open_message(0, 7, inbox, mid, 0x00);
	q[n] = et_rq(ROP_ID_CreateMessage, 0, 8);
	q[n++].u.create_message.folder_id = inbox;
	first = n;
	q[n] = et_rq(ROP_ID_CopyTo, 1, 0);
	q[n].dest_handle = 1;
	q[n++].u.copy_to.want_sub_objects = 1;
	q[n] = et_rq(ROP_ID_CopyTo, 1, 0);
	q[n].dest_handle = 3;
	q[n++].u.copy_to.want_sub_objects = 1;
	q[n] = et_rq(ROP_ID_CopyTo, 1, 0);
	q[n].dest_handle = 5;
	q[n++].u.copy_to.want_sub_objects = 1;
	q[n] = et_rq(ROP_ID_CopyProperties, 1, 0);
	q[n].dest_handle = 5;
	q[n].u.copy_properties.tags.count = 1;
	q[n++].u.copy_properties.tags.tags = &subject;
	q[n] = et_rq(ROP_ID_CopyTo, 4, 0);
	q[n++].dest_handle = 6;
	q[n] = et_rq(ROP_ID_CopyTo, 7, 0);
	q[n].dest_handle = 8;
	q[n].u.copy_to.want_sub_objects = 1;
	q[n++].u.copy_to.copy_flags = 0x01; /* Move */
	q[n++] = et_get_props(5, &subject, 1);
	q[n++] = et_get_props(8, &subject, 1);
	q[n++] = save_req(1);
	test_assert_int(et_exec(&t, mem, q, n, h, 9, r), 0);
	test_assert_int(r->count, n);
	for (uint32_t i = 0; i < first && i < r->count; i++)
		test_assert_int(r->resps[i].return_value, 0);
	const uint32_t want[] = {EC_InvalidParameter, EC_InvalidParameter, EC_MessageCycle,
	                         EC_MessageCycle,     EC_MessageCycle,     EC_AccessDenied};
	for (uint32_t i = 0; i < 6 && first + i < r->count; i++)
		test_assert_int(r->resps[first + i].return_value, want[i]);
	if (r->count == n) {
		const struct mapi_propval *g =
		    r->resps[n - 3].u.get_properties_specific.row.vals.vals;
		test_assert_str(g[0].v.str, "inner");
		g = r->resps[n - 2].u.get_properties_specific.row.vals.vals;
		test_assert_int(PROP_TYPE(g[0].tag), PT_ERROR); /* nothing moved */
		test_assert_int(r->resps[n - 1].return_value, 0);
	}
	saved_parts(mem, mid, &subj, &rc, &at);
	test_assert_str(subj, "self");
	test_assert_str(rc, "dan@example.com");
	test_assert_str(at, "self.txt,-");
	test_end();
	talloc_free(mem);
}

/* RopCopyTo between folders copies properties; with WantSubObjects a
 * folder into its own subtree is ecFolderCycle ([MS-OXCDATA] 2.4), into
 * another folder ecNotSupported (not supported here), onto itself
 * ecInvalidParameter; nothing changed. */
static void test_copy_folder_cycle(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct et_result *r = talloc(mem, struct et_result);
	uint64_t inbox = store_special_fid(t.mbox, STORE_FOLDER_INBOX), top = 0, child = 0,
	         other = 0;
	uint32_t h[5] = {et_logon(&t), 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF};
	uint32_t name = PROP_TAG(PT_UNICODE, 0x3001);
	struct mapi_proptag_array na = {1, &name};
	struct mapi_propval_array vals;
	struct rop_request q[8];

	test_begin("a folder copied into its own subtree or onto itself is refused");
	test_assert_int(
	    store_folder_create(t.mbox, inbox, "CopyTop", NULL, STORE_FOLDER_GENERIC, &top), 0);
	test_assert_int(
	    store_folder_create(t.mbox, top, "CopyChild", NULL, STORE_FOLDER_GENERIC, &child), 0);
	test_assert_int(
	    store_folder_create(t.mbox, inbox, "CopyOther", NULL, STORE_FOLDER_GENERIC, &other), 0);
	q[0] = et_open_folder(0, 1, top);
	q[1] = et_open_folder(0, 2, child);
	q[2] = et_open_folder(0, 3, other);
	q[3] = et_open_folder(0, 4, top);
	for (int k = 0; k < 3; k++) {
		q[4 + k] = et_rq(ROP_ID_CopyTo, 1, 0);
		q[4 + k].dest_handle = (uint8_t)(2 + k);
		q[4 + k].u.copy_to.want_sub_objects = 1;
	}
	test_assert_int(et_exec(&t, mem, q, 7, h, 5, r), 0);
	test_assert_int(r->count, 7);
	for (uint32_t i = 0; i < 4 && i < r->count; i++)
		test_assert_int(r->resps[i].return_value, 0);
	if (r->count == 7) {
		test_assert_int(r->resps[4].return_value, EC_FolderCycle);
		test_assert_int(r->resps[5].return_value, EC_NotSupported);
		test_assert_int(r->resps[6].return_value, EC_InvalidParameter);
	}
	test_assert_int(store_folder_get_props(mem, t.mbox, child, &na, &vals), 0);
	test_assert(vals.count == 1 && vals.vals[0].tag == name &&
	            strcmp(vals.vals[0].v.str, "CopyChild") == 0);
	test_assert_int(store_folder_get_props(mem, t.mbox, other, &na, &vals), 0);
	test_assert(vals.count == 1 && vals.vals[0].tag == name &&
	            strcmp(vals.vals[0].v.str, "CopyOther") == 0);
	test_end();
	talloc_free(mem);
}

int main(void)
{
	et_setup(&t);
	test_move_subobjects();
	test_copy_into_parts();
	test_copy_cycles();
	test_copy_folder_cycle();
	et_teardown(&t);
	return test_exit();
}
