/* Notifications ([MS-OXCNOTIF]): registrations, events from the store,
 * RopNotify and RopPending in Execute responses, the event callback. */
#include "ems_test.h"

static struct ems_t t;
static int wakeups;

static void on_event(void *arg)
{
	(void)arg;
	__atomic_add_fetch(&wakeups, 1, __ATOMIC_SEQ_CST);
}

static uint64_t add_message(uint64_t fid)
{
	struct store_message *msg;
	struct mapi_propval v = {.tag = PROP_TAG(PT_UNICODE, 0x0037)};
	v.v.str = (char *)"event";
	struct mapi_propval_array vals = {1, &v};
	if (store_message_create(NULL, t.mbox, fid, false, &msg) != 0 ||
	    store_message_set_props(msg, &vals) != 0 || store_message_save(msg, false) != 0)
		abort();
	uint64_t mid = store_message_mid(msg);
	store_message_close(&msg);
	return mid;
}

static void test_register_notify(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct et_result *r = talloc(mem, struct et_result);
	uint32_t h[3] = {et_logon(&t), 0xFFFFFFFF, 0xFFFFFFFF};
	uint64_t inbox = store_special_fid(t.mbox, STORE_FOLDER_INBOX);
	uint64_t drafts = store_special_fid(t.mbox, STORE_FOLDER_DRAFTS);
	struct rop_request q[3];

	ems_session_set_event_cb(t.s, on_event, NULL);
	test_begin("RegisterNotification: store events arrive as RopNotify after the responses");
	memset(q, 0, sizeof(q));
	q[0].rop_id = ROP_ID_RegisterNotification;
	q[0].output_handle = 1;
	q[0].u.register_notification.notification_types = 0x04; /* ObjectCreated */
	q[0].u.register_notification.folder_id = inbox;
	q[1] = q[0];
	q[1].output_handle = 2;
	q[1].u.register_notification.notification_types = 0x00;
	test_assert_int(et_exec(&t, mem, q, 2, h, 3, r), 0);
	test_assert_int(r->resps[0].return_value, 0);
	test_assert_int(r->resps[1].return_value, EC_InvalidParameter);
	uint32_t reg = r->handles[1];
	test_assert(!ems_session_has_events(t.s));
	add_message(drafts); /* another folder: nothing */
	test_assert(!ems_session_has_events(t.s));
	uint64_t mid = add_message(inbox);
	test_assert(ems_session_has_events(t.s));
	test_assert(__atomic_load_n(&wakeups, __ATOMIC_SEQ_CST) >= 1);
	memset(q, 0, sizeof(q));
	q[0].rop_id = ROP_ID_GetStoreState;
	uint32_t h2[2] = {h[0], reg};
	test_assert_int(et_exec(&t, mem, q, 1, h2, 2, r), 0);
	test_assert_int(r->count, 2);
	test_assert_int(r->resps[1].rop_id, ROP_ID_Notify);
	const struct rop_notify_resp *n = &r->resps[1].u.notify;
	test_assert(n->notification_handle == reg);
	test_assert_int(n->logon_id, 0);
	test_assert_int(n->data.flags & NOTIF_TYPE_MASK, NOTIF_OBJECT_CREATED);
	test_assert((n->data.flags & NOTIF_FLAG_MESSAGE) != 0);
	test_assert(n->data.fid == inbox);
	test_assert(n->data.mid == mid);
	test_assert(!ems_session_has_events(t.s));
	test_end();

	test_begin("a full queue drains over several Execute calls with RopPending");
	for (int i = 0; i < 1100; i++)
		add_message(inbox);
	test_assert(ems_session_has_events(t.s));
	int notified = 0, pending = 0, rounds = 0;
	while (ems_session_has_events(t.s) && rounds < 50) {
		test_assert_int(et_exec_full(&t, mem, q, 1, h2, 2, 3, 4096, r), 0);
		for (uint32_t i = 0; i < r->count; i++) {
			notified += r->resps[i].rop_id == ROP_ID_Notify;
			pending += r->resps[i].rop_id == ROP_ID_Pending;
		}
		rounds++;
	}
	test_assert_int(notified, 1024);
	test_assert(pending >= 1 && rounds > 1);
	test_end();

	test_begin("released registrations and freed sessions get no more events");
	memset(q, 0, sizeof(q));
	q[0].rop_id = ROP_ID_Release;
	q[0].input_handle = 1;
	test_assert_int(et_exec(&t, mem, q, 1, h2, 2, r), 0);
	add_message(inbox);
	test_assert(!ems_session_has_events(t.s));
	/* a second session registers, then goes away while events flow */
	uint32_t ec;
	struct ems_session *s2 = et_connect(&t, "alice@example.com", t.user->legacy_dn, &ec);
	test_assert(s2 != NULL);
	struct ems_session *keep = t.s;
	t.s = s2;
	uint32_t h3[2] = {et_logon(&t), 0xFFFFFFFF};
	q[0].rop_id = ROP_ID_RegisterNotification;
	q[0].output_handle = 1;
	q[0].input_handle = 0;
	q[0].u.register_notification.notification_types = 0x7E;
	q[0].u.register_notification.want_whole_store = 1;
	test_assert_int(et_exec(&t, mem, q, 1, h3, 2, r), 0);
	test_assert_int(r->resps[0].return_value, 0);
	add_message(drafts);
	test_assert(ems_session_has_events(s2));
	ems_session_free(&s2);
	t.s = keep;
	add_message(drafts);
	test_assert(!ems_session_has_events(t.s));
	test_end();
	talloc_free(mem);
}

static void test_table_notifications(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct et_result *r = talloc(mem, struct et_result);
	uint32_t h[4] = {et_logon(&t), 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF};
	uint64_t notes = store_special_fid(t.mbox, STORE_FOLDER_NOTES);
	uint32_t cols[] = {PROP_TAG(PT_I8, 0x674A), PROP_TAG(PT_UNICODE, 0x0037)};
	struct rop_request q[5];

	test_begin("a contents table notifies TableModified row added with the row in its columns");
	memset(q, 0, sizeof(q));
	q[0].rop_id = ROP_ID_OpenFolder;
	q[0].output_handle = 1;
	q[0].u.open_folder.folder_id = notes;
	q[1].rop_id = ROP_ID_GetContentsTable;
	q[1].input_handle = 1;
	q[1].output_handle = 2;
	q[1].u.get_contents_table.table_flags = 0x40;
	q[2].rop_id = ROP_ID_SetColumns;
	q[2].input_handle = 2;
	q[2].u.set_columns.tags.count = 2;
	q[2].u.set_columns.tags.tags = cols;
	q[3] = q[1];
	q[3].output_handle = 3;
	q[3].u.get_contents_table.table_flags = 0x50; /* NoNotifications */
	q[4].rop_id = ROP_ID_QueryRows;               /* reads the (empty) row set */
	q[4].input_handle = 2;
	q[4].u.query_rows.forward_read = 1;
	q[4].u.query_rows.row_count = 10;
	et_set_columns(&t, cols, 2);
	test_assert_int(et_exec(&t, mem, q, 5, h, 4, r), 0);
	test_assert_int(r->resps[2].return_value, 0);
	uint32_t th[4];
	memcpy(th, r->handles, sizeof(th));
	test_assert(!ems_session_has_events(t.s));
	uint64_t mid = add_message(notes);
	test_assert(ems_session_has_events(t.s));
	memset(q, 0, sizeof(q));
	q[0].rop_id = ROP_ID_GetStoreState;
	test_assert_int(et_exec(&t, mem, q, 1, th, 4, r), 0);
	int added = 0;
	for (uint32_t i = 1; i < r->count; i++) {
		const struct rop_notify_resp *n = &r->resps[i].u.notify;
		test_assert_int(r->resps[i].rop_id, ROP_ID_Notify);
		test_assert(n->notification_handle == th[2]);
		if ((n->data.flags & NOTIF_TYPE_MASK) == NOTIF_TABLE_MODIFIED &&
		    n->data.table_event == NOTIF_TABLE_ROW_ADDED) {
			added++;
			test_assert(n->data.table_row_fid == notes);
			test_assert(n->data.table_row_mid == mid);
			test_assert(n->data.row.vals.count == 2 &&
			            (uint64_t)n->data.row.vals.vals[0].v.i64 == mid);
			test_assert(n->data.row.vals.count == 2 &&
			            strcmp(n->data.row.vals.vals[1].v.str, "event") == 0);
		}
	}
	test_assert_int(added, 1);
	test_assert(!ems_session_has_events(t.s));
	/* released, the table stops notifying */
	q[0].rop_id = ROP_ID_Release;
	q[0].input_handle = 2;
	test_assert_int(et_exec(&t, mem, q, 1, th, 4, r), 0);
	add_message(notes);
	test_assert(!ems_session_has_events(t.s));
	test_end();
	talloc_free(mem);
}

int main(void)
{
	et_setup(&t);
	test_register_notify();
	test_table_notifications();
	et_teardown(&t);
	return test_exit();
}
