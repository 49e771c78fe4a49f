/* RopSubmitMessage ([MS-OXOMSG] 2.2.4.1): local delivery, the sent copy,
 * and the non-delivery report for recipients elsewhere. */
#include "ems_test.h"

static struct ems_t t;

#define PR_SUBJECT     PROP_TAG(PT_UNICODE, 0x0037)
#define PR_BODY        PROP_TAG(PT_UNICODE, 0x1000)
#define PR_MSG_FLAGS   PROP_TAG(PT_LONG, 0x0E07)
#define PR_ATTACH_NAME PROP_TAG(PT_UNICODE, 0x3707)
#define PR_NORM_SUBJ   PROP_TAG(PT_UNICODE, 0x0E1D)

static uint32_t rows_in(struct store_mailbox *mbox, uint64_t fid, const char *subject)
{
	struct store_table *tab;
	struct mapi_propval_array *rows;
	uint32_t n = 0, hits = 0, col = PR_SUBJECT;
	struct mapi_proptag_array cols = {1, &col};
	if (store_table_open(NULL, mbox, fid, STORE_TABLE_CONTENTS, 0, &tab) != 0)
		return 9999;
	store_table_set_columns(tab, &cols);
	store_table_query_rows(tab, tab, 1000, true, &rows, &n);
	for (uint32_t i = 0; i < n; i++)
		hits += PROP_TYPE(rows[i].vals[0].tag) == PT_UNICODE &&
		        strcmp(rows[i].vals[0].v.str, subject) == 0;
	store_table_close(&tab);
	return hits;
}

static int ndr_events;

/* NewMail of a report in alice's Inbox ([MS-OXCNOTIF] through the store). */
static void ndr_event(const struct store_event *ev, void *ctx)
{
	(void)ctx;
	if (ev->type == STORE_EV_NEWMAIL && ev->message_class != NULL &&
	    strcmp(ev->message_class, "REPORT.IPM.Note.NDR") == 0)
		ndr_events++;
}

static const struct mapi_propval *val_of(const struct mapi_propval_array *a, uint32_t tag)
{
	for (uint32_t i = 0; i < a->count; i++) {
		if (a->vals[i].tag == tag)
			return &a->vals[i];
	}
	return NULL;
}

/* The mid of the message with subject in fid, 0 when none. */
static uint64_t mid_of(TALLOC_CTX *mem, struct store_mailbox *mbox, uint64_t fid,
                       const char *subject)
{
	struct store_table *tab;
	struct mapi_propval_array *rows;
	uint32_t n = 0, cols_tags[2] = {PR_SUBJECT, PROP_TAG(PT_I8, 0x674A)};
	struct mapi_proptag_array cols = {2, cols_tags};
	uint64_t mid = 0;
	if (store_table_open(mem, mbox, fid, STORE_TABLE_CONTENTS, 0, &tab) != 0)
		return 0;
	store_table_set_columns(tab, &cols);
	store_table_query_rows(tab, tab, 1000, true, &rows, &n);
	for (uint32_t i = 0; i < n; i++) {
		if (PROP_TYPE(rows[i].vals[0].tag) == PT_UNICODE &&
		    strcmp(rows[i].vals[0].v.str, subject) == 0)
			mid = rows[i].vals[1].v.i64;
	}
	store_table_close(&tab);
	return mid;
}

/* The report in alice's Inbox, read from the store. */
static void check_ndr(TALLOC_CTX *mem, uint64_t inbox, uint64_t sent)
{
	struct store_message *ndr, *orig;
	struct mapi_propval_array props, oprops, *rows;
	uint32_t count = 0, *ids;
	const struct mapi_propval *v, *sk;
	uint64_t mid = mid_of(mem, t.mbox, inbox, "Undeliverable: Outside");
	uint64_t omid = mid_of(mem, t.mbox, sent, "Outside");

	test_assert(mid != 0 && omid != 0);
	test_assert_int(store_message_open(mem, t.mbox, inbox, mid, &ndr), 0);
	test_assert_int(store_message_open(mem, t.mbox, sent, omid, &orig), 0);
	test_assert_int(store_message_get_props(mem, ndr, NULL, &props), 0);
	test_assert_int(store_message_get_props(mem, orig, NULL, &oprops), 0);
	v = val_of(&props, PROP_TAG(PT_UNICODE, 0x001A));
	test_assert(v != NULL && strcmp(v->v.str, "REPORT.IPM.Note.NDR") == 0);
	v = val_of(&props, PROP_TAG(PT_UNICODE, 0x0049)); /* PidTagOriginalSubject */
	test_assert(v != NULL && strcmp(v->v.str, "Outside") == 0);
	v = val_of(&props, PROP_TAG(PT_UNICODE, 0x1001)); /* PidTagReportText */
	test_assert(v != NULL && strstr(v->v.str, "someone@elsewhere.example") != NULL);
	test_assert(val_of(&props, PROP_TAG(PT_SYSTIME, 0x0032)) != NULL); /* ReportTime */
	v = val_of(&props, PROP_TAG(PT_LONG, 0x0E07));
	test_assert(v != NULL && (v->v.i32 & 1) == 0); /* unread */
	/* [MS-OXOMSG] 2.2.2.18: PidTagParentKey is the original's SearchKey */
	v = val_of(&props, PROP_TAG(PT_BINARY, 0x0025));
	sk = val_of(&oprops, PROP_TAG(PT_BINARY, 0x300B));
	test_assert(v != NULL && sk != NULL && v->v.bin.len == sk->v.bin.len && sk->v.bin.len > 0 &&
	            memcmp(v->v.bin.data, sk->v.bin.data, sk->v.bin.len) == 0);
	/* one recipient row: the failed one, with its type and NDR codes */
	test_assert_int(store_message_get_recipients(mem, ndr, &count, &ids, &rows), 0);
	test_assert_int(count, 1);
	if (count == 1) {
		v = val_of(&rows[0], PROP_TAG(PT_UNICODE, 0x3003)); /* as addressed */
		test_assert(v != NULL && strcmp(v->v.str, "someone@elsewhere.example") == 0);
		v = val_of(&rows[0], PROP_TAG(PT_UNICODE, 0x3002));
		test_assert(v != NULL && strcmp(v->v.str, "SMTP") == 0);
		v = val_of(&rows[0], PROP_TAG(PT_LONG, 0x0C15));
		test_assert(v != NULL && v->v.i32 == 1); /* MAPI_TO as addressed */
		v = val_of(&rows[0], PROP_TAG(PT_LONG, 0x0C04));
		test_assert(v != NULL && v->v.i32 == 1); /* unable to transfer */
		v = val_of(&rows[0], PROP_TAG(PT_LONG, 0x0C05));
		test_assert(v != NULL && (uint32_t)v->v.i32 == 0xFFFFFFFFu);
		v = val_of(&rows[0], PROP_TAG(PT_BINARY, 0x3A14)); /* OriginalSearchKey */
		test_assert(v != NULL && v->v.bin.len == sizeof("SMTP:SOMEONE@ELSEWHERE.EXAMPLE") &&
		            memcmp(v->v.bin.data, "SMTP:SOMEONE@ELSEWHERE.EXAMPLE", v->v.bin.len) ==
		                0);
	}
	store_message_close(&ndr);
	store_message_close(&orig);
}

static void test_submit(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct et_result *r = talloc(mem, struct et_result);
	uint32_t h[2] = {et_logon(&t), 0xFFFFFFFF};
	uint64_t outbox = store_special_fid(t.mbox, STORE_FOLDER_OUTBOX);
	uint64_t sent = store_special_fid(t.mbox, STORE_FOLDER_SENT_ITEMS);
	uint64_t inbox = store_special_fid(t.mbox, STORE_FOLDER_INBOX);
	struct dir_user *carol = et_add_user(&t, "carol@example.com", "Carol");
	struct store_mailbox *cmb;
	const char *error;
	struct mapi_binary sent_eid;
	struct rop_recipient_row rows[2];
	struct rop_request q[6];
	struct mapi_propval v[2] = {{.tag = PR_SUBJECT}, {.tag = PROP_TAG(PT_BINARY, 0x0E0A)}};
	uint32_t rcols[] = {PROP_TAG(PT_LONG, 0x5FFF)};

	test_assert_int(store_mailbox_open(mem, t.store, &carol->mailbox_guid, &cmb, &error), 0);
	test_assert_int(store_folder_entryid(mem, t.mbox, sent, &sent_eid), 0);
	v[0].v.str = (char *)"Lunch?";
	v[1].v.bin = sent_eid;
	test_begin("SubmitMessage delivers to local Inboxes and files the sent copy");
	memset(rows, 0, sizeof(rows));
	rows[0].row_id = 0;
	rows[0].recipient_type = 1;
	rows[0].row = et_smtp_row(mem, "carol@example.com", "Carol", 0);
	rows[1].row_id = 1;
	rows[1].recipient_type = 2;
	rows[1].row = et_ex_row(mem, t.user->legacy_dn, 0, "Alice Example");
	q[0] = et_rq(ROP_ID_CreateMessage, 0, 0);
	q[0].output_handle = 1;
	q[0].u.create_message.folder_id = outbox;
	q[1] = et_set_props(1, v, 2);
	q[2] = et_rq(ROP_ID_ModifyRecipients, 1, 0);
	q[2].u.modify_recipients.recipient_columns.count = 1;
	q[2].u.modify_recipients.recipient_columns.tags = rcols;
	q[2].u.modify_recipients.rows.count = 2;
	q[2].u.modify_recipients.rows.rows = rows;
	q[3] = et_rq(ROP_ID_SubmitMessage, 1, 0);
	q[4] = et_set_props(1, v, 1); /* submitted: read-only now */
	q[5] = et_rq(ROP_ID_SubmitMessage, 1, 0);
	test_assert_int(et_exec(&t, mem, q, 6, h, 2, r), 0);
	test_assert_int(r->count, 6);
	test_assert_int(r->resps[5].return_value, EC_AlreadySent);
	test_assert_int(r->resps[2].return_value, 0);
	test_assert_int(r->resps[3].return_value, 0);
	test_assert_int(r->resps[4].return_value, EC_AccessDenied);
	test_assert_int(rows_in(cmb, store_special_fid(cmb, STORE_FOLDER_INBOX), "Lunch?"), 1);
	test_assert_int(rows_in(t.mbox, inbox, "Lunch?"), 1);
	test_assert_int(rows_in(t.mbox, sent, "Lunch?"), 1);
	test_assert_int(rows_in(t.mbox, outbox, "Lunch?"), 0);
	test_end();

	test_begin("SubmitMessage: no recipients; a recipient on another server gets an NDR");
	q[1] = et_set_props(1, v, 1);
	q[2] = et_rq(ROP_ID_SubmitMessage, 1, 0);
	test_assert_int(et_exec(&t, mem, q, 3, h, 2, r), 0);
	test_assert_int(r->resps[2].return_value, EC_NoRecipients);
	rows[0].row = et_smtp_row(mem, "someone@elsewhere.example", "Someone", 0);
	v[0].v.str = (char *)"Outside";
	q[2] = et_rq(ROP_ID_ModifyRecipients, 1, 0);
	q[2].u.modify_recipients.recipient_columns.count = 1;
	q[2].u.modify_recipients.recipient_columns.tags = rcols;
	q[2].u.modify_recipients.rows.count = 2;
	q[2].u.modify_recipients.rows.rows = rows;
	q[3] = et_rq(ROP_ID_SubmitMessage, 1, 0);
	ndr_events = 0;
	int sub = store_subscribe(t.store, &t.user->mailbox_guid, ndr_event, NULL);
	test_assert(sub > 0);
	test_assert_int(et_exec(&t, mem, q, 4, h, 2, r), 0);
	test_assert_int(r->resps[2].return_value, 0);
	/* [MS-OXOMSG]: delivered to the local recipient (alice, Cc), the
	 * outside one reported undeliverable to the sender */
	test_assert_int(r->resps[3].return_value, 0);
	store_unsubscribe(t.store, sub);
	test_assert_int(rows_in(t.mbox, inbox, "Outside"), 1);
	test_assert_int(rows_in(t.mbox, inbox, "Undeliverable: Outside"), 1);
	test_assert_int(ndr_events, 1);
	check_ndr(mem, inbox, outbox); /* no PidTagSentMailEntryId: stays */
	/* FAI messages are not sent; a later send time is refused */
	q[0].u.create_message.associated_flag = 1;
	q[1] = et_rq(ROP_ID_SubmitMessage, 1, 0);
	test_assert_int(et_exec(&t, mem, q, 2, h, 2, r), 0);
	test_assert_int(r->resps[1].return_value, EC_AccessDenied);
	q[0].u.create_message.associated_flag = 0;
	struct mapi_propval later = {.tag = PROP_TAG(PT_SYSTIME, 0x3FEF)};
	later.v.ft = 0x7000000000000000ULL;
	rows[0].row = et_smtp_row(mem, "carol@example.com", "Carol", 0);
	q[1] = et_set_props(1, &later, 1);
	q[4] = et_rq(ROP_ID_SubmitMessage, 1, 0);
	q[3] = q[2];
	q[2] = q[1];
	q[1] = et_set_props(1, v, 1);
	test_assert_int(et_exec(&t, mem, q, 5, h, 2, r), 0);
	test_assert_int(r->resps[3].return_value, 0);
	test_assert_int(r->resps[4].return_value, EC_NotSupported);
	test_end();
	store_mailbox_close(&cmb);
	talloc_free(mem);
}

#define PR_ATTACH_METHOD   PROP_TAG(PT_LONG, 0x3705)
#define PR_ATTACH_DATA_BIN PROP_TAG(PT_BINARY, 0x3701)
#define PR_EMAIL_ADDRESS   PROP_TAG(PT_UNICODE, 0x3003)

/* A named property of the test (PS_PUBLIC_STRINGS, by name). */
static struct mapi_property_name test_name(const char *name)
{
	static const uint8_t ps_public[16] = {0x29, 0x03, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
	                                      0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46};
	struct mapi_property_name n = {.kind = MNID_STRING, .name = (char *)name};
	memcpy(&n.guid, ps_public, sizeof(n.guid));
	return n;
}

/* The ID of name in mbox (created when create is set), 0 when none. */
static uint16_t named_id(struct store_mailbox *mbox, const char *name, bool create)
{
	struct mapi_property_name n = test_name(name);
	uint16_t id = 0;
	if (store_named_to_ids(mbox, 1, &n, create, &id) != 0)
		return 0;
	return id;
}

/* The embedded message of attachment 0 of the message with subject in
 * fid of mbox: its subject, named value (tag), recipient and attachment
 * (name, data, named value) as the test wrote them.  named is the ID the
 * test's named property has in mbox. */
static void check_embedded(TALLOC_CTX *mem, struct store_mailbox *mbox, uint64_t fid,
                           const char *subject, uint16_t named)
{
	struct store_message *msg = NULL, *emb = NULL;
	struct mapi_propval_array vals, *rows;
	uint32_t count = 0, *ids, *nums, mtag = PR_ATTACH_METHOD;
	struct mapi_proptag_array ta = {1, &mtag}, atags;
	const struct mapi_propval *v;
	uint32_t ntag = PROP_TAG(PT_UNICODE, named);
	uint64_t mid = mid_of(mem, mbox, fid, subject);

	test_assert(mid != 0 && named != 0);
	if (mid == 0 || store_message_open(mem, mbox, fid, mid, &msg) != 0) {
		test_assert(!"message opened");
		return;
	}
	test_assert_int(store_message_attach_get_props(mem, msg, 0, &ta, &vals), 0);
	test_assert(vals.count == 1 && vals.vals[0].tag == PR_ATTACH_METHOD &&
	            vals.vals[0].v.i32 == 5); /* afEmbeddedMessage */
	/* every property the attachment lists has a value: the embedded
	 * message is no property of it */
	test_assert_int(store_message_attach_tags(mem, msg, 0, &atags), 0);
	test_assert_int(store_message_attach_get_props(mem, msg, 0, &atags, &vals), 0);
	for (uint32_t i = 0; i < vals.count; i++)
		test_assert(PROP_TYPE(vals.vals[i].tag) != PT_ERROR);
	test_assert_int(store_message_open_embedded(mem, msg, 0, false, &emb), 0);
	if (emb == NULL)
		goto out;
	test_assert_int(store_message_get_props(mem, emb, NULL, &vals), 0);
	v = val_of(&vals, PR_SUBJECT);
	test_assert(v != NULL && strcmp(v->v.str, "Inner") == 0);
	v = val_of(&vals, ntag);
	test_assert(v != NULL && strcmp(v->v.str, "inner named") == 0);
	/* its own recipient, not one the submission delivered to */
	test_assert_int(store_message_get_recipients(mem, emb, &count, &ids, &rows), 0);
	test_assert_int(count, 1);
	if (count == 1) {
		v = val_of(&rows[0], PR_EMAIL_ADDRESS);
		test_assert(v != NULL && strcmp(v->v.str, "dora@elsewhere.example") == 0);
	}
	/* and its own attachment */
	test_assert_int(store_message_attach_list(mem, emb, &nums, &count), 0);
	test_assert_int(count, 1);
	if (count != 1)
		goto out;
	test_assert_int(store_message_attach_tags(mem, emb, nums[0], &atags), 0);
	test_assert_int(store_message_attach_get_props(mem, emb, nums[0], &atags, &vals), 0);
	v = val_of(&vals, PR_ATTACH_NAME);
	test_assert(v != NULL && strcmp(v->v.str, "note.txt") == 0);
	v = val_of(&vals, PR_ATTACH_DATA_BIN);
	test_assert(v != NULL && v->v.bin.len == 10 &&
	            memcmp(v->v.bin.data, "inner data", 10) == 0);
	v = val_of(&vals, ntag);
	test_assert(v != NULL && strcmp(v->v.str, "attachment named") == 0);
out:
	store_message_close(&emb);
	store_message_close(&msg);
}

/* [MS-OXOMSG] 3.2.5.1: a message holding an embedded message (Outlook's
 * forward as attachment) is delivered like any other; the recipient's copy
 * and the sent copy keep the embedded message with its own properties,
 * recipient and attachment, named properties in each mailbox's mapping. */
static void test_submit_embedded(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct et_result *r = talloc(mem, struct et_result);
	uint32_t h[5] = {et_logon(&t), 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF};
	uint64_t outbox = store_special_fid(t.mbox, STORE_FOLDER_OUTBOX);
	uint64_t sent = store_special_fid(t.mbox, STORE_FOLDER_SENT_ITEMS);
	uint64_t inbox = store_special_fid(t.mbox, STORE_FOLDER_INBOX);
	struct dir_user *erin = et_add_user(&t, "erin@example.com", "Erin");
	struct store_mailbox *emb;
	const char *error;
	struct mapi_binary sent_eid;
	struct rop_recipient_row top = {.row_id = 0, .recipient_type = 1};
	struct rop_recipient_row inner = {.row_id = 0, .recipient_type = 1};
	uint32_t rcols[] = {PROP_TAG(PT_LONG, 0x5FFF)};
	struct rop_request q[16];
	uint32_t n = 0;

	test_begin(
	    "SubmitMessage of a message holding an embedded message (forward as attachment)");
	test_assert_int(store_mailbox_open(mem, t.store, &erin->mailbox_guid, &emb, &error), 0);
	test_assert_int(store_folder_entryid(mem, t.mbox, sent, &sent_eid), 0);
	/* erin's mailbox knows other names first: the test's name gets an ID
	 * there other than alice's */
	test_assert(named_id(emb, "ErinFirst", true) != 0);
	test_assert(named_id(emb, "ErinSecond", true) != 0);
	uint16_t alice_id = named_id(t.mbox, "ForwardedNote", true);
	test_assert(alice_id >= 0x8000);
	struct mapi_propval outer[2] = {{.tag = PR_SUBJECT, .v.str = (char *)"Forwarded"},
	                                {.tag = PROP_TAG(PT_BINARY, 0x0E0A), .v.bin = sent_eid}};
	struct mapi_propval emsg[2] = {{.tag = PR_SUBJECT, .v.str = (char *)"Inner"},
	                               {.tag = PROP_TAG(PT_UNICODE, alice_id)}};
	struct mapi_propval att[4] = {{.tag = PR_ATTACH_METHOD, .v.i32 = 1}, /* afByValue */
	                              {.tag = PR_ATTACH_NAME, .v.str = (char *)"note.txt"},
	                              {.tag = PR_ATTACH_DATA_BIN},
	                              {.tag = PROP_TAG(PT_UNICODE, alice_id)}};
	emsg[1].v.str = (char *)"inner named";
	att[2].v.bin.data = (uint8_t *)"inner data";
	att[2].v.bin.len = 10;
	att[3].v.str = (char *)"attachment named";
	top.row = et_smtp_row(mem, "erin@example.com", "Erin", 0);
	inner.row = et_smtp_row(mem, "dora@elsewhere.example", "Dora", 3);
	q[n] = et_rq(ROP_ID_CreateMessage, 0, 1);
	q[n++].u.create_message.folder_id = outbox;
	q[n++] = et_set_props(1, outer, 2);
	q[n++] = et_rq(ROP_ID_CreateAttachment, 1, 2);
	q[n] = et_rq(ROP_ID_OpenEmbeddedMessage, 2, 3);
	q[n].u.open_embedded_message.code_page_id = 0x0FFF;
	q[n++].u.open_embedded_message.open_mode_flags = 0x02; /* Create */
	q[n++] = et_set_props(3, emsg, 2);
	q[n] = et_rq(ROP_ID_ModifyRecipients, 3, 0);
	q[n].u.modify_recipients.recipient_columns.count = 1;
	q[n].u.modify_recipients.recipient_columns.tags = rcols;
	q[n].u.modify_recipients.rows.count = 1;
	q[n++].u.modify_recipients.rows.rows = &inner;
	q[n++] = et_rq(ROP_ID_CreateAttachment, 3, 4);
	q[n++] = et_set_props(4, att, 4);
	q[n++] = et_rq(ROP_ID_SaveChangesAttachment, 4, 0);
	q[n] = et_rq(ROP_ID_SaveChangesMessage, 3, 0);
	q[n++].u.save_changes_message.save_flags = 0x02;
	q[n++] = et_rq(ROP_ID_SaveChangesAttachment, 2, 0);
	q[n] = et_rq(ROP_ID_ModifyRecipients, 1, 0);
	q[n].u.modify_recipients.recipient_columns.count = 1;
	q[n].u.modify_recipients.recipient_columns.tags = rcols;
	q[n].u.modify_recipients.rows.count = 1;
	q[n++].u.modify_recipients.rows.rows = &top;
	q[n++] = et_rq(ROP_ID_SubmitMessage, 1, 0);
	test_assert_int(et_exec(&t, mem, q, n, h, 5, r), 0);
	test_assert_int(r->count, n);
	for (uint32_t i = 0; i < r->count; i++)
		test_assert_int(r->resps[i].return_value, 0);
	uint64_t erin_inbox = store_special_fid(emb, STORE_FOLDER_INBOX);
	test_assert_int(rows_in(emb, erin_inbox, "Forwarded"), 1);
	test_assert_int(rows_in(t.mbox, sent, "Forwarded"), 1);
	test_assert_int(rows_in(t.mbox, outbox, "Forwarded"), 0);
	/* only the message's own recipients are sent to: no report for Dora */
	test_assert_int(rows_in(t.mbox, inbox, "Undeliverable: Forwarded"), 0);
	/* the name was created in erin's mailbox by the delivery, under an ID
	 * of hers other than alice's */
	uint16_t erin_id = named_id(emb, "ForwardedNote", false);
	test_assert(erin_id >= 0x8000 && erin_id != alice_id);
	check_embedded(mem, emb, erin_inbox, "Forwarded", erin_id);
	check_embedded(mem, t.mbox, sent, "Forwarded", alice_id);
	test_end();
	store_mailbox_close(&emb);
	talloc_free(mem);
}

int main(void)
{
	et_setup(&t);
	test_submit();
	test_submit_embedded();
	et_teardown(&t);
	return test_exit();
}
