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

int main(void)
{
	et_setup(&t);
	test_submit();
	et_teardown(&t);
	return test_exit();
}
