/* The transport ROPs ([MS-OXOMSG] 2.2.5) through ems_execute:
 * RopTransportSend sends and answers the properties it set,
 * RopTransportNewMail notifies; the spooler ROPs are not served. */
#include "ems_test.h"

static struct ems_t t;

#define PR_SUBJECT                 PROP_TAG(PT_UNICODE, 0x0037)
#define PR_SENDER_EMAIL            PROP_TAG(PT_UNICODE, 0x0C1F)
#define PR_SUBMIT_TIME             PROP_TAG(PT_SYSTIME, 0x0039)
#define PR_MID                     PROP_TAG(PT_I8, 0x674A)
#define PR_SOURCE_KEY              PROP_TAG(PT_BINARY, 0x65E0)
#define PR_CHANGE_KEY              PROP_TAG(PT_BINARY, 0x65E2)
#define PR_PREDECESSOR_CHANGE_LIST PROP_TAG(PT_BINARY, 0x65E3)

static uint32_t count_subject(struct store_mailbox *mbox, uint64_t fid, const char *subject)
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

static uint64_t new_mail_mid;
static char new_mail_class[64];

static void new_mail(const struct store_event *ev, void *ctx)
{
	(void)ctx;
	if (ev->type == STORE_EV_NEWMAIL && ev->message_class != NULL) {
		new_mail_mid = ev->mid;
		snprintf(new_mail_class, sizeof(new_mail_class), "%s", ev->message_class);
	}
}

static void test_transport_send(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct et_result *r = talloc(mem, struct et_result);
	uint32_t h[2] = {et_logon(&t), 0xFFFFFFFF};
	uint64_t outbox = store_special_fid(t.mbox, STORE_FOLDER_OUTBOX);
	struct dir_user *carol = et_add_user(&t, "carol@example.com", "Carol");
	struct mapi_propval subj = {.tag = PR_SUBJECT, .v.str = (char *)"Via transport"};
	struct rop_recipient_row row = {.row_id = 0, .recipient_type = 1};
	uint32_t rcols[] = {PROP_TAG(PT_LONG, 0x5FFF)};
	struct store_mailbox *cmb;
	const char *error;
	struct rop_request q[6];

	test_begin("TransportSend delivers and answers the properties it set");
	test_assert_int(store_mailbox_open(mem, t.store, &carol->mailbox_guid, &cmb, &error), 0);
	row.row = et_smtp_row(mem, "carol@example.com", "Carol", 0);
	q[0] = et_rq(ROP_ID_CreateMessage, 0, 1);
	q[0].u.create_message.folder_id = outbox;
	q[1] = et_rq(ROP_ID_SetProperties, 1, 0);
	q[1].u.set_properties.vals.count = 1;
	q[1].u.set_properties.vals.vals = &subj;
	q[2] = et_rq(ROP_ID_ModifyRecipients, 1, 0);
	q[2].u.modify_recipients.recipient_columns.count = 1;
	q[2].u.modify_recipients.recipient_columns.tags = rcols;
	q[2].u.modify_recipients.rows.count = 1;
	q[2].u.modify_recipients.rows.rows = &row;
	q[3] = et_rq(ROP_ID_TransportSend, 1, 0);
	q[4] = et_rq(ROP_ID_TransportSend, 1, 0); /* sent already */
	test_assert_int(et_exec(&t, mem, q, 5, h, 2, r), 0);
	test_assert_int(r->count, 5);
	test_assert_int(r->resps[3].return_value, 0);
	const struct rop_transport_send_resp *ts = &r->resps[3].u.transport_send;
	test_assert_int(ts->no_properties_returned, 0);
	bool sender = false, submit = false;
	for (uint32_t i = 0; i < ts->vals.count; i++) {
		if (ts->vals.vals[i].tag == PR_SENDER_EMAIL)
			sender = strcmp(ts->vals.vals[i].v.str, t.user->legacy_dn) == 0;
		if (ts->vals.vals[i].tag == PR_SUBMIT_TIME)
			submit = ts->vals.vals[i].v.ft > 0;
	}
	test_assert(sender);
	test_assert(submit);
	test_assert_int(r->resps[4].return_value, EC_AlreadySent);
	test_assert_int(
	    count_subject(cmb, store_special_fid(cmb, STORE_FOLDER_INBOX), "Via transport"), 1);
	store_mailbox_close(&cmb);
	test_end();

	test_begin("TransportNewMail: NewMail for a message that exists, ecNotFound otherwise");
	uint64_t inbox = store_special_fid(t.mbox, STORE_FOLDER_INBOX);
	struct store_message *m;
	test_assert_int(store_message_create(mem, t.mbox, inbox, false, &m), 0);
	test_assert_int(store_message_save(m, false), 0);
	uint64_t mid = store_message_mid(m);
	store_message_close(&m);
	new_mail_mid = 0;
	int sub = store_subscribe(t.store, &t.user->mailbox_guid, new_mail, NULL);
	test_assert(sub > 0);
	q[0] = et_rq(ROP_ID_TransportNewMail, 0, 0);
	q[0].u.transport_new_mail.message_id = mid;
	q[0].u.transport_new_mail.folder_id = inbox;
	q[0].u.transport_new_mail.message_class = (char *)"IPM.Note.Custom";
	q[0].u.transport_new_mail.message_flags = 0;
	q[1] = q[0];
	q[1].u.transport_new_mail.message_id = mid + 0x1000000;
	test_assert_int(et_exec(&t, mem, q, 2, h, 2, r), 0);
	store_unsubscribe(t.store, sub);
	test_assert_int(r->count, 2);
	test_assert_int(r->resps[0].return_value, 0);
	test_assert_int(r->resps[1].return_value, EC_NotFound);
	test_assert(new_mail_mid == mid);
	test_assert(strcmp(new_mail_class, "IPM.Note.Custom") == 0);
	test_end();

	test_begin("SetSpooler succeeds; SpoolerLockMessage only in the Spooler Queue");
	uint64_t queue = store_special_fid(t.mbox, STORE_FOLDER_SPOOLER_QUEUE);
	q[0] = et_rq(ROP_ID_CreateMessage, 0, 1);
	q[0].u.create_message.folder_id = queue;
	q[1] = et_rq(ROP_ID_SaveChangesMessage, 1, 0);
	q[1].response_handle = 1;
	test_assert_int(et_exec(&t, mem, q, 2, h, 2, r), 0);
	test_assert(r->count == 2 && r->resps[1].return_value == 0);
	uint64_t queued = r->count == 2 ? r->resps[1].u.save_changes_message.message_id : 0;
	q[0] = et_rq(ROP_ID_SetSpooler, 0, 0);
	q[1] = et_rq(ROP_ID_SpoolerLockMessage, 0, 0);
	q[1].u.spooler_lock_message.message_id = queued;
	q[1].u.spooler_lock_message.lock_state = 0; /* lstLock */
	q[2] = q[1];
	q[2].u.spooler_lock_message.lock_state = 2; /* lstFinished */
	q[3] = q[1];
	q[3].u.spooler_lock_message.message_id = mid; /* in the Inbox */
	q[4] = q[1];
	q[4].u.spooler_lock_message.lock_state = 3;
	q[5] = q[1];
	q[5].u.spooler_lock_message.message_id = queued + 0x1000000;
	test_assert_int(et_exec(&t, mem, q, 6, h, 2, r), 0);
	test_assert_int(r->count, 6);
	test_assert_int(r->resps[0].return_value, 0);
	test_assert_int(r->resps[1].return_value, 0);
	test_assert_int(r->resps[2].return_value, 0);
	test_assert_int(r->resps[3].return_value, EC_NotFound);
	test_assert_int(r->resps[4].return_value, EC_InvalidParameter);
	test_assert_int(r->resps[5].return_value, EC_NotFound);
	test_end();
	talloc_free(mem);
}

/* The value of the named property name (PT_LONG) in vals, through mbox's
 * own mapping; -1 when absent. */
static int64_t named_long(struct store_mailbox *mbox, const struct mapi_property_name *name,
                          const struct mapi_propval_array *vals)
{
	uint16_t id = 0;
	if (store_named_to_ids(mbox, 1, name, false, &id) != 0 || id == 0)
		return -1;
	for (uint32_t i = 0; i < vals->count; i++) {
		if (vals->vals[i].tag == PROP_TAG(PT_LONG, id))
			return vals->vals[i].v.i32;
	}
	return -1;
}

/* [MS-OXCPRPT] 2.2.12: the IDs of named properties are per mailbox, so
 * local delivery maps them through their names into the recipient's. */
static void test_named_delivery(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct et_result *r = talloc(mem, struct et_result);
	uint32_t h[2] = {et_logon(&t), 0xFFFFFFFF};
	struct dir_user *dave = et_add_user(&t, "dave@example.com", "Dave");
	struct mapi_property_name other = {.kind = MNID_STRING, .name = (char *)"Only alice"},
	                          name = {.kind = MNID_ID, .lid = 0x8581};
	uint16_t id_other, id, dave_first;
	struct store_mailbox *dmb;
	const char *error;
	struct rop_request q[5];

	memset(other.guid.b, 0x11, 16);
	memset(name.guid.b, 0x22, 16);
	test_begin("SubmitMessage maps named property IDs into the recipient's mailbox");
	test_assert_int(store_mailbox_open(mem, t.store, &dave->mailbox_guid, &dmb, &error), 0);
	/* alice's mapping gives the name another ID than dave's will */
	test_assert_int(store_named_to_ids(t.mbox, 1, &other, true, &id_other), 0);
	test_assert_int(store_named_to_ids(t.mbox, 1, &name, true, &id), 0);
	test_assert(id != id_other);
	struct mapi_propval v[2] = {{.tag = PR_SUBJECT, .v.str = (char *)"Named delivery"},
	                            {.tag = PROP_TAG(PT_LONG, id), .v.i32 = 4242}};
	/* the recipient row carries the named property as a column too */
	uint32_t rcols[] = {PROP_TAG(PT_LONG, 0x5FFF), PROP_TAG(PT_LONG, id)};
	struct rop_recipient_row row = {.row_id = 0, .recipient_type = 1};
	struct mapi_propval rv[2] = {{.tag = rcols[0], .v.i32 = 0}, {.tag = rcols[1], .v.i32 = 77}};
	row.row = et_smtp_row(mem, "dave@example.com", "Dave", 0);
	row.row->props.vals = (struct mapi_propval_array){2, rv};
	q[0] = et_rq(ROP_ID_CreateMessage, 0, 1);
	q[0].u.create_message.folder_id = store_special_fid(t.mbox, STORE_FOLDER_OUTBOX);
	q[1] = et_rq(ROP_ID_SetProperties, 1, 0);
	q[1].u.set_properties.vals.count = 2;
	q[1].u.set_properties.vals.vals = v;
	q[2] = et_rq(ROP_ID_ModifyRecipients, 1, 0);
	q[2].u.modify_recipients.recipient_columns.count = 2;
	q[2].u.modify_recipients.recipient_columns.tags = rcols;
	q[2].u.modify_recipients.rows.count = 1;
	q[2].u.modify_recipients.rows.rows = &row;
	/* saved first, as Outlook does: the message has its identity */
	q[3] = et_rq(ROP_ID_SaveChangesMessage, 1, 0);
	q[3].u.save_changes_message.save_flags = 0x02; /* KeepOpenReadWrite */
	q[4] = et_rq(ROP_ID_SubmitMessage, 1, 0);
	test_assert_int(et_exec(&t, mem, q, 5, h, 2, r), 0);
	test_assert_int(r->count, 5);
	test_assert_int(r->resps[3].return_value, 0);
	test_assert_int(r->resps[4].return_value, 0);

	uint64_t inbox = store_special_fid(dmb, STORE_FOLDER_INBOX);
	struct store_table *tab;
	struct mapi_propval_array *rows, all, *rrows;
	uint32_t n = 0, col = PR_MID, rcount = 0, *rids;
	struct mapi_proptag_array cols = {1, &col};
	struct store_message *m;
	test_assert_int(store_table_open(mem, dmb, inbox, STORE_TABLE_CONTENTS, 0, &tab), 0);
	test_assert_int(store_table_set_columns(tab, &cols), 0);
	test_assert_int(store_table_query_rows(mem, tab, 10, true, &rows, &n), 0);
	test_assert_int(n, 1);
	test_assert_int(store_message_open(mem, dmb, inbox, (uint64_t)rows[0].vals[0].v.i64, &m),
	                0);
	test_assert_int(store_message_get_props(mem, m, NULL, &all), 0);
	test_assert_int(named_long(dmb, &name, &all), 4242);
	test_assert_int(store_message_get_recipients(mem, m, &rcount, &rids, &rrows), 0);
	test_assert_int(rcount, 1);
	test_assert_int(named_long(dmb, &name, &rrows[0]), 77);
	/* dave's mapping: the name got dave's first ID, alice's other name none */
	test_assert_int(store_named_to_ids(dmb, 1, &name, false, &dave_first), 0);
	test_assert_int(dave_first, 0x8000);
	for (uint32_t i = 0; i < all.count; i++)
		test_assert(PROP_ID(all.vals[i].tag) < 0x8000 ||
		            PROP_ID(all.vals[i].tag) == dave_first);
	test_end();

	test_begin("a delivered message has each property once, its identity from its mailbox");
	uint32_t ftag = PR_SOURCE_KEY;
	struct mapi_proptag_array fta = {1, &ftag};
	struct mapi_propval_array fv;
	test_assert_int(store_folder_get_props(mem, dmb, inbox, &fta, &fv), 0);
	test_assert_int(fv.vals[0].tag, PR_SOURCE_KEY);
	for (uint32_t i = 0; i < all.count; i++) {
		uint32_t tag = all.vals[i].tag;
		for (uint32_t j = i + 1; j < all.count; j++)
			test_assert(PROP_ID(all.vals[j].tag) != PROP_ID(tag));
		/* [MS-OXCFXICS] 2.2.1.2: the XIDs of dave's replica, not alice's */
		if (tag == PR_SOURCE_KEY || tag == PR_CHANGE_KEY)
			test_assert(all.vals[i].v.bin.len == 22 &&
			            memcmp(all.vals[i].v.bin.data, fv.vals[0].v.bin.data, 16) == 0);
		if (tag == PR_PREDECESSOR_CHANGE_LIST)
			test_assert(all.vals[i].v.bin.len == 23 &&
			            memcmp(all.vals[i].v.bin.data + 1, fv.vals[0].v.bin.data, 16) ==
			                0);
	}
	store_message_close(&m);
	store_table_close(&tab);
	store_mailbox_close(&dmb);
	test_end();
	talloc_free(mem);
}

int main(void)
{
	et_setup(&t);
	test_transport_send();
	test_named_delivery();
	et_teardown(&t);
	return test_exit();
}
