/* RopCopyTo and RopCopyProperties ([MS-OXCPRPT] 2.2.10, 2.2.11) between
 * messages, and what they must not copy ([MS-OXCFXICS] 2.2.1.2); a
 * message's embedded message copied with it; named properties mapped
 * between mailboxes ([MS-OXCPRPT] 2.2.12). */
#include "ems_private.h"
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

#define PR_ATTACH_METHOD PROP_TAG(PT_LONG, 0x3705)
#define PR_EMAIL_ADDRESS PROP_TAG(PT_UNICODE, 0x3003)

static const struct mapi_propval *val_of(const struct mapi_propval_array *a, uint32_t tag)
{
	for (uint32_t i = 0; i < a->count; i++) {
		if (a->vals[i].tag == tag)
			return &a->vals[i];
	}
	return NULL;
}

/* The ID of a PS_PUBLIC_STRINGS name in mbox (created when create is
 * set), 0 when none. */
static uint16_t named_id(struct store_mailbox *mbox, const char *name, bool create)
{
	static const uint8_t ps_public[16] = {0x29, 0x03, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
	                                      0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46};
	struct mapi_property_name n = {.kind = MNID_STRING, .name = (char *)name};
	uint16_t id = 0;
	memcpy(&n.guid, ps_public, sizeof(n.guid));
	if (store_named_to_ids(mbox, 1, &n, create, &id) != 0)
		return 0;
	return id;
}

/* Requests building message `in` with attachment `att` holding an
 * embedded message `emb` (subject, "embedded named" under tag named, one
 * recipient), saved into the attachment; n advanced. */
static void embedded_requests(TALLOC_CTX *mem, struct rop_request *q, uint32_t *n, uint8_t in,
                              uint8_t att, uint8_t emb, uint32_t named, const char *subject)
{
	static uint32_t rcols[] = {PROP_TAG(PT_LONG, 0x5FFF)};
	struct mapi_propval *v = talloc_zero_array(mem, struct mapi_propval, 2);
	struct rop_recipient_row *row = talloc_zero(mem, struct rop_recipient_row);
	v[0].tag = PR_SUBJECT;
	v[0].v.str = (char *)subject;
	v[1].tag = named;
	v[1].v.str = (char *)"embedded named";
	row->recipient_type = 1;
	row->row = et_smtp_row(mem, "dora@elsewhere.example", "Dora", 3);
	q[(*n)++] = et_rq(ROP_ID_CreateAttachment, in, att);
	q[*n] = et_rq(ROP_ID_OpenEmbeddedMessage, att, emb);
	q[*n].u.open_embedded_message.code_page_id = 0x0FFF;
	q[(*n)++].u.open_embedded_message.open_mode_flags = 0x02; /* Create */
	q[(*n)++] = et_set_props(emb, v, named != 0 ? 2 : 1);
	q[*n] = et_rq(ROP_ID_ModifyRecipients, emb, 0);
	q[*n].u.modify_recipients.recipient_columns.count = 1;
	q[*n].u.modify_recipients.recipient_columns.tags = rcols;
	q[*n].u.modify_recipients.rows.count = 1;
	q[(*n)++].u.modify_recipients.rows.rows = row;
	q[*n] = et_rq(ROP_ID_SaveChangesMessage, emb, 0);
	q[(*n)++].u.save_changes_message.save_flags = 0x02;
	q[(*n)++] = et_rq(ROP_ID_SaveChangesAttachment, att, 0);
}

/* Attachment anum of message mid in fid of mbox holds an embedded message
 * embedded_requests() wrote with subject; its value "embedded named" under
 * tag is there or (present unset) not. */
static void check_embedded_at(TALLOC_CTX *mem, struct store_mailbox *mbox, uint64_t fid,
                              uint64_t mid, uint32_t anum, const char *subject, uint32_t tag,
                              bool present)
{
	struct store_message *msg = NULL, *emb = NULL;
	struct mapi_propval_array vals, *rows;
	uint32_t count = 0, *ids, mtag = PR_ATTACH_METHOD;
	struct mapi_proptag_array ta = {1, &mtag};
	const struct mapi_propval *v;

	test_assert_int(store_message_open(mem, mbox, fid, mid, &msg), 0);
	if (msg == NULL)
		return;
	test_assert_int(store_message_attach_get_props(mem, msg, anum, &ta, &vals), 0);
	test_assert(vals.count == 1 && vals.vals[0].tag == PR_ATTACH_METHOD &&
	            vals.vals[0].v.i32 == 5); /* afEmbeddedMessage */
	test_assert_int(store_message_open_embedded(mem, msg, anum, false, &emb), 0);
	if (emb != NULL) {
		test_assert_int(store_message_get_props(mem, emb, NULL, &vals), 0);
		v = val_of(&vals, PR_SUBJECT);
		test_assert(v != NULL && strcmp(v->v.str, subject) == 0);
		if (tag != 0) {
			v = val_of(&vals, tag);
			test_assert(present ? v != NULL && strcmp(v->v.str, "embedded named") == 0
			                    : v == NULL);
		}
		test_assert_int(store_message_get_recipients(mem, emb, &count, &ids, &rows), 0);
		test_assert_int(count, 1);
		v = count == 1 ? val_of(&rows[0], PR_EMAIL_ADDRESS) : NULL;
		test_assert(v != NULL && strcmp(v->v.str, "dora@elsewhere.example") == 0);
	}
	store_message_close(&emb);
	store_message_close(&msg);
}

/* check_embedded_at() of attachment 0 as embedded_requests() wrote it with
 * subject "Inner"; named is its named value's ID in mbox (0: none). */
static void check_embedded(TALLOC_CTX *mem, struct store_mailbox *mbox, uint64_t fid, uint64_t mid,
                           uint16_t named)
{
	check_embedded_at(mem, mbox, fid, mid, 0, "Inner",
	                  named != 0 ? PROP_TAG(PT_UNICODE, named) : 0, true);
}

/* [MS-OXCPRPT] 2.2.11: CopyTo with WantSubObjects copies the attachments,
 * an attachment's embedded message with them (it once failed the whole
 * copy with ecAccessDenied). */
static void test_copy_embedded(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct et_result *r = talloc(mem, struct et_result);
	uint32_t h[5] = {et_logon(&t), 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF};
	uint64_t inbox = store_special_fid(t.mbox, STORE_FOLDER_INBOX);
	struct rop_request q[16];
	uint32_t n = 0;

	test_begin("CopyTo with sub-objects copies an attachment's embedded message");
	q[n] = et_rq(ROP_ID_CreateMessage, 0, 1);
	q[n++].u.create_message.folder_id = inbox;
	embedded_requests(mem, q, &n, 1, 2, 3, 0, "Inner");
	q[n] = et_rq(ROP_ID_CreateMessage, 0, 4);
	q[n++].u.create_message.folder_id = inbox;
	q[n] = et_rq(ROP_ID_CopyTo, 1, 0);
	q[n].dest_handle = 4;
	q[n++].u.copy_to.want_sub_objects = 1;
	q[n] = et_rq(ROP_ID_SaveChangesMessage, 4, 0);
	q[n].response_handle = 4;
	q[n++].u.save_changes_message.save_flags = 0x02;
	test_assert_int(et_exec(&t, mem, q, n, h, 5, r), 0);
	test_assert_int(r->count, n);
	for (uint32_t i = 0; i < r->count; i++)
		test_assert_int(r->resps[i].return_value, 0);
	uint64_t mid = r->resps[n - 1].u.save_changes_message.message_id;
	test_assert(mid != 0);
	check_embedded(mem, t.mbox, inbox, mid, 0);
	test_end();
	talloc_free(mem);
}

/* [MS-OXCPRPT] 2.2.12: named property IDs are per mailbox; CopyProperties
 * and CopyTo from one mailbox into another give each value the
 * destination's ID for its name (created there when new), in the message,
 * its recipients, attachments and embedded messages alike.  This server
 * refuses a logon to another user's mailbox (no delegate access yet), so
 * the test points its second logon at erin's mailbox itself. */
static void test_copy_other_mailbox(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct et_result *r = talloc(mem, struct et_result);
	struct dir_user *erin = et_add_user(&t, "erin@example.com", "Erin");
	struct store_mailbox *emb = NULL;
	const char *error = NULL;
	uint64_t inbox = store_special_fid(t.mbox, STORE_FOLDER_INBOX);
	struct rop_request q[20], lq = et_logon_req(&t, 1, 0);
	uint32_t n = 0, h[7], hl[1] = {0xFFFFFFFF};

	test_begin("CopyProperties and CopyTo into another mailbox map named property IDs");
	test_assert_int(store_mailbox_open(mem, t.store, &erin->mailbox_guid, &emb, &error), 0);
	uint16_t alice_id = named_id(t.mbox, "CopiedNote", true), e = 0;
	/* erin's mailbox has names of its own past alice's ID first */
	for (int i = 0; i < 64 && e <= alice_id; i++)
		e = named_id(emb, talloc_asprintf(mem, "ErinOwn%d", i), true);
	test_assert(alice_id >= 0x8000 && e > alice_id);
	test_assert_int(et_exec(&t, mem, &lq, 1, hl, 1, r), 0);
	test_assert_int(r->resps[0].return_value, 0);
	struct store_mailbox *own = t.s->logons[1]->mbox;
	t.s->logons[1]->mbox = emb;
	uint64_t einbox = store_special_fid(emb, STORE_FOLDER_INBOX);
	uint32_t named = PROP_TAG(PT_UNICODE, alice_id);
	struct mapi_propval v[2] = {{.tag = PR_SUBJECT, .v.str = (char *)"named source"},
	                            {.tag = named, .v.str = (char *)"named value"}};
	/* PR_BODY is not set on the source; PidTagHasAttachments is computed */
	uint32_t tags[4] = {PR_BODY, PR_SUBJECT, named, PROP_TAG(PT_BOOLEAN, 0x0E1B)};
	h[0] = et_logon(&t);
	h[1] = r->handles[0];
	for (int i = 2; i < 7; i++)
		h[i] = 0xFFFFFFFF;
	q[n] = et_rq(ROP_ID_CreateMessage, 0, 2);
	q[n++].u.create_message.folder_id = inbox;
	q[n++] = et_set_props(2, v, 2);
	embedded_requests(mem, q, &n, 2, 3, 4, named, "Inner");
	q[n] = et_rq(ROP_ID_CreateMessage, 1, 5);
	q[n].logon_id = 1;
	q[n++].u.create_message.folder_id = einbox;
	q[n] = et_rq(ROP_ID_CreateMessage, 1, 6);
	q[n].logon_id = 1;
	q[n++].u.create_message.folder_id = einbox;
	q[n] = et_rq(ROP_ID_CopyProperties, 2, 0);
	q[n].dest_handle = 5;
	q[n].u.copy_properties.tags.count = 4;
	q[n++].u.copy_properties.tags.tags = tags;
	q[n] = et_rq(ROP_ID_CopyTo, 2, 0);
	q[n].dest_handle = 6;
	q[n++].u.copy_to.want_sub_objects = 1;
	for (uint8_t k = 5; k <= 6; k++) {
		q[n] = et_rq(ROP_ID_SaveChangesMessage, k, 0);
		q[n].logon_id = 1;
		q[n].response_handle = k;
		q[n++].u.save_changes_message.save_flags = 0x02;
	}
	test_assert_int(et_exec(&t, mem, q, n, h, 7, r), 0);
	test_assert_int(r->count, n);
	for (uint32_t i = 0; i < r->count; i++)
		test_assert_int(r->resps[i].return_value, 0);
	/* the refused one is named as the request named it */
	const struct rop_property_problem_array *pp = &r->resps[n - 4].u.copy_properties.problems;
	test_assert_int(pp->count, 1);
	if (pp->count == 1) {
		test_assert_int(pp->problems[0].index, 3);
		test_assert_int(pp->problems[0].proptag, tags[3]);
		test_assert_int(pp->problems[0].err, EC_AccessDenied);
	}
	uint64_t mids[2] = {r->resps[n - 2].u.save_changes_message.message_id,
	                    r->resps[n - 1].u.save_changes_message.message_id};
	/* the name now has an ID of erin's, not alice's */
	uint16_t erin_id = named_id(emb, "CopiedNote", false);
	test_assert(erin_id >= 0x8000 && erin_id != alice_id);
	for (int k = 0; k < 2; k++) {
		struct store_message *m = NULL;
		struct mapi_propval_array vals;
		const struct mapi_propval *x;
		test_assert_int(store_message_open(mem, emb, einbox, mids[k], &m), 0);
		if (m == NULL)
			continue;
		test_assert_int(store_message_get_props(mem, m, NULL, &vals), 0);
		x = val_of(&vals, PR_SUBJECT);
		test_assert(x != NULL && strcmp(x->v.str, "named source") == 0);
		x = val_of(&vals, PROP_TAG(PT_UNICODE, erin_id));
		test_assert(x != NULL && strcmp(x->v.str, "named value") == 0);
		/* not under alice's ID, which names another property of erin's */
		test_assert(val_of(&vals, named) == NULL);
		store_message_close(&m);
	}
	check_embedded(mem, emb, einbox, mids[1], erin_id);
	t.s->logons[1]->mbox = own;
	store_mailbox_close(&emb);
	test_end();
	talloc_free(mem);
}

/* [MS-OXCPRPT] 2.2.11 / 2.2.10 between attachments: the embedded message
 * is PidTagAttachDataObject, copied by CopyTo unless excluded and by
 * CopyProperties when asked, replacing the destination's (NoOverwrite
 * keeps it); a move of an attachment's properties is not supported. */
static void test_copy_attachment(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct et_result *r = talloc(mem, struct et_result);
	uint64_t inbox = store_special_fid(t.mbox, STORE_FOLDER_INBOX);
	uint32_t h[11], data_obj = PROP_TAG(PT_OBJECT, 0x3701), body = PROP_TAG(PT_UNICODE, 0x1000);
	struct rop_request q[40];
	uint32_t n = 0, copies[5];

	test_begin("CopyTo and CopyProperties between attachments copy the embedded message");
	h[0] = et_logon(&t);
	for (int i = 1; i < 11; i++)
		h[i] = 0xFFFFFFFF;
	q[n] = et_rq(ROP_ID_CreateMessage, 0, 1);
	q[n++].u.create_message.folder_id = inbox;
	embedded_requests(mem, q, &n, 1, 2, 3, 0, "Inner");
	q[n] = et_rq(ROP_ID_CreateMessage, 0, 4);
	q[n++].u.create_message.folder_id = inbox;
	/* attachment 0: CopyTo */
	q[n++] = et_rq(ROP_ID_CreateAttachment, 4, 5);
	copies[0] = n;
	q[n] = et_rq(ROP_ID_CopyTo, 2, 0);
	q[n++].dest_handle = 5;
	q[n++] = et_rq(ROP_ID_SaveChangesAttachment, 5, 0);
	/* attachment 1: CopyTo excluding PidTagAttachDataObject */
	q[n++] = et_rq(ROP_ID_CreateAttachment, 4, 6);
	copies[1] = n;
	q[n] = et_rq(ROP_ID_CopyTo, 2, 0);
	q[n].dest_handle = 6;
	q[n].u.copy_to.excluded_tags.count = 1;
	q[n++].u.copy_to.excluded_tags.tags = &data_obj;
	q[n++] = et_rq(ROP_ID_SaveChangesAttachment, 6, 0);
	/* attachment 2: holding "Old" (with a body), CopyProperties of the
	 * embedded message replaces it */
	embedded_requests(mem, q, &n, 4, 7, 8, body, "Old");
	copies[2] = n;
	q[n] = et_rq(ROP_ID_CopyProperties, 2, 0);
	q[n].dest_handle = 7;
	q[n].u.copy_properties.tags.count = 1;
	q[n++].u.copy_properties.tags.tags = &data_obj;
	q[n++] = et_rq(ROP_ID_SaveChangesAttachment, 7, 0);
	/* attachment 3: holding "Old", CopyTo NoOverwrite keeps it */
	embedded_requests(mem, q, &n, 4, 9, 10, body, "Old");
	copies[3] = n;
	q[n] = et_rq(ROP_ID_CopyTo, 2, 0);
	q[n].dest_handle = 9;
	q[n++].u.copy_to.copy_flags = 0x02; /* NoOverwrite */
	q[n++] = et_rq(ROP_ID_SaveChangesAttachment, 9, 0);
	copies[4] = n;
	q[n] = et_rq(ROP_ID_CopyTo, 2, 0);
	q[n].dest_handle = 5;
	q[n++].u.copy_to.copy_flags = 0x01; /* Move */
	q[n] = et_rq(ROP_ID_SaveChangesMessage, 4, 0);
	q[n].response_handle = 4;
	q[n++].u.save_changes_message.save_flags = 0x02;
	test_assert_int(et_exec(&t, mem, q, n, h, 11, r), 0);
	test_assert_int(r->count, n);
	for (uint32_t i = 0; i < r->count; i++)
		test_assert_int(r->resps[i].return_value, i == copies[4] ? EC_NotSupported : 0);
	uint64_t mid = r->resps[n - 1].u.save_changes_message.message_id;
	test_assert(mid != 0);
	check_embedded_at(mem, t.mbox, inbox, mid, 0, "Inner", 0, false);
	check_embedded_at(mem, t.mbox, inbox, mid, 2, "Inner", body, false);
	check_embedded_at(mem, t.mbox, inbox, mid, 3, "Old", body, true);
	struct store_message *m = NULL, *e = NULL;
	test_assert_int(store_message_open(mem, t.mbox, inbox, mid, &m), 0);
	if (m != NULL)
		test_assert_int(store_message_open_embedded(mem, m, 1, false, &e),
		                STORE_E_NOTFOUND);
	store_message_close(&m);
	test_end();
	talloc_free(mem);
}

/* Embedded messages nested 65 deep: the copy follows 64 levels below the
 * message copied and refuses more (ecMessageTooBig) instead of recursing
 * as deep as a client nests them. */
#define NEST 65
static void test_copy_nesting_limit(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct et_result *r = talloc(mem, struct et_result);
	uint64_t inbox = store_special_fid(t.mbox, STORE_FOLDER_INBOX);
	/* handle 1: the top message; 2k: attachment k, 2k+1: embedded k */
	enum { D1 = 2 * NEST + 2, D2, HANDLES };
	uint32_t h[HANDLES];
	struct rop_request *q = talloc_array(mem, struct rop_request, 4 * NEST + 8);
	uint32_t n = 0;

	test_begin("CopyTo follows embedded messages 64 levels deep, no deeper");
	h[0] = et_logon(&t);
	for (int i = 1; i < HANDLES; i++)
		h[i] = 0xFFFFFFFF;
	q[n] = et_rq(ROP_ID_CreateMessage, 0, 1);
	q[n++].u.create_message.folder_id = inbox;
	for (int k = 1; k <= NEST; k++) {
		q[n++] = et_rq(ROP_ID_CreateAttachment, (uint8_t)(2 * k - 1), (uint8_t)(2 * k));
		q[n] = et_rq(ROP_ID_OpenEmbeddedMessage, (uint8_t)(2 * k), (uint8_t)(2 * k + 1));
		q[n].u.open_embedded_message.code_page_id = 0x0FFF;
		q[n++].u.open_embedded_message.open_mode_flags = 0x02;
	}
	for (int k = NEST; k >= 1; k--) {
		q[n] = et_rq(ROP_ID_SaveChangesMessage, (uint8_t)(2 * k + 1), 0);
		q[n++].u.save_changes_message.save_flags = 0x02;
		q[n++] = et_rq(ROP_ID_SaveChangesAttachment, (uint8_t)(2 * k), 0);
	}
	uint32_t built = n;
	q[n] = et_rq(ROP_ID_CreateMessage, 0, D1);
	q[n++].u.create_message.folder_id = inbox;
	q[n] = et_rq(ROP_ID_CreateMessage, 0, D2);
	q[n++].u.create_message.folder_id = inbox;
	/* embedded message 1 has 64 levels below it; the top one 65 */
	q[n] = et_rq(ROP_ID_CopyTo, 3, 0);
	q[n].dest_handle = D1;
	q[n++].u.copy_to.want_sub_objects = 1;
	q[n] = et_rq(ROP_ID_CopyTo, 1, 0);
	q[n].dest_handle = D2;
	q[n++].u.copy_to.want_sub_objects = 1;
	test_assert_int(et_exec(&t, mem, q, n, h, HANDLES, r), 0);
	test_assert_int(r->count, n);
	for (uint32_t i = 0; i < built + 3 && i < r->count; i++)
		test_assert_int(r->resps[i].return_value, 0);
	test_assert_int(r->resps[n - 1].return_value, EC_MessageTooBig);
	test_end();
	talloc_free(mem);
}

int main(void)
{
	et_setup(&t);
	test_copy();
	test_copy_to_identity();
	test_copy_embedded();
	test_copy_other_mailbox();
	test_copy_nesting_limit();
	test_copy_attachment();
	et_teardown(&t);
	return test_exit();
}
