/* Table notifications: watched tables patch their rows and report events. */
#include "test.h"
#include "store_test_util.h"

#define PR_SUBJECT      PROP_TAG(PT_UNICODE, 0x0037)
#define PR_IMPORTANCE   PROP_TAG(PT_LONG, 0x0017)
#define PR_DELIVERY     PROP_TAG(PT_SYSTIME, 0x0E06)
#define PR_DISPLAY_NAME PROP_TAG(PT_UNICODE, 0x3001)
#define PR_MSG_FLAGS    PROP_TAG(PT_LONG, 0x0E07)

static struct store *store;
static int wakeups;

static void wake(void *ctx)
{
	(*(int *)ctx)++;
}

/* What take() hands out lives here until the test ends. */
static TALLOC_CTX *taken;

/* Takes the events; returns how many, with the first in *ev. */
static uint32_t take(struct store_table *t, struct store_table_event *ev)
{
	struct store_table_event *evs;
	uint32_t n = 0;
	if (store_table_events(taken, t, &evs, &n) != 0)
		return 999;
	if (n > 0)
		*ev = evs[0]; /* its row values stay alive on taken */
	return n;
}

static uint32_t total_of(struct store_table *t)
{
	uint32_t pos, total;
	return store_table_position(t, &pos, &total) == 0 ? total : 999;
}

static void save_props(struct store_mailbox *mbox, uint64_t fid, uint64_t mid,
                       struct mapi_propval v)
{
	struct store_message *msg;
	struct mapi_propval_array vals = {1, &v};
	if (store_message_open(NULL, mbox, fid, mid, &msg) != 0 ||
	    store_message_set_props(msg, &vals) != 0 || store_message_save(msg, false) != 0)
		abort();
	store_message_close(&msg);
}

static void test_contents_events(void)
{
	test_begin("watched contents table: added, modified, deleted, moved");
	struct store_mailbox *mbox = test_mailbox(NULL, store, 70);
	uint64_t inbox = store_special_fid(mbox, STORE_FOLDER_INBOX);
	uint64_t drafts = store_special_fid(mbox, STORE_FOLDER_DRAFTS);
	uint64_t a = add_message(mbox, inbox, "a", 100, 1);
	uint64_t b = add_message(mbox, inbox, "b", 200, 1);
	uint64_t c = add_message(mbox, inbox, "c", 300, 2);
	struct store_table *t;
	struct store_table_event ev;
	struct mapi_propval_array *rows;
	uint32_t n, pos, total, cols[2] = {PR_SUBJECT, PR_MSG_FLAGS};
	struct mapi_proptag_array ca = {2, cols};
	struct mapi_sort_order so = {PR_DELIVERY, TABLE_SORT_DESCEND};
	struct mapi_sort_order_set ss = {1, 0, 0, &so};
	test_assert_int(store_table_open(NULL, mbox, inbox, STORE_TABLE_CONTENTS, 0, &t), 0);
	test_assert_int(store_table_events(NULL, t, &(struct store_table_event *){NULL}, &n),
	                STORE_E_INVALID);
	test_assert_int(store_table_watch(t, wake, &wakeups), 0);
	test_assert_int(store_table_watch(t, wake, &wakeups), STORE_E_INVALID);
	test_assert_int(store_table_set_columns(t, &ca), 0);
	test_assert_int(store_table_sort(t, &ss), 0);
	/* Read c, b: the cursor is on a. */
	test_assert_int(store_table_query_rows(NULL, t, 2, true, &rows, &n), 0);
	talloc_free(rows);
	wakeups = 0;
	/* Newest mail: added at the top, cursor stays on a. */
	uint64_t d = add_message(mbox, inbox, "d", 400, 1);
	test_assert_int(wakeups, 1);
	test_assert_int(take(t, &ev), 1);
	test_assert_int(ev.type, STORE_TABLE_ROW_ADDED);
	test_assert(ev.row_id == d);
	test_assert(ev.prev_row_id == 0);
	test_assert_str(ev.row.vals[0].v.str, "d");
	test_assert_int(store_table_position(t, &pos, &total), 0);
	test_assert_int(pos, 3);
	test_assert_int(total, 4);
	test_assert(store_table_current_id(t) == a);
	/* Two changes before the reader looks: one wake-up, two events. */
	uint64_t e = add_message(mbox, inbox, "e", 150, 1);
	save_props(mbox, inbox, b, pv_str(PR_SUBJECT, "b2"));
	test_assert_int(wakeups, 2);
	struct store_table_event *evs;
	test_assert_int(store_table_events(NULL, t, &evs, &n), 0);
	test_assert_int(n, 2);
	test_assert_int(evs[0].type, STORE_TABLE_ROW_MODIFIED);
	test_assert(evs[0].row_id == b);
	test_assert(evs[0].prev_row_id == c);
	test_assert_str(evs[0].row.vals[0].v.str, "b2");
	test_assert_int(evs[1].type, STORE_TABLE_ROW_ADDED);
	test_assert(evs[1].row_id == e);
	test_assert(evs[1].prev_row_id == b);
	talloc_free(evs);
	test_assert_int(total_of(t), 5);
	/* Read flag: modified. */
	test_assert_int(store_messages_set_read(mbox, inbox, &c, 1, true), 0);
	test_assert_int(take(t, &ev), 1);
	test_assert_int(ev.type, STORE_TABLE_ROW_MODIFIED);
	test_assert(ev.row_id == c);
	test_assert(ev.row.vals[1].v.i32 & 0x1);
	/* Deleted, moved out, moved in (new ID). */
	test_assert_int(store_messages_delete(mbox, inbox, &d, 1, 0, NULL), 0);
	test_assert_int(take(t, &ev), 1);
	test_assert_int(ev.type, STORE_TABLE_ROW_DELETED);
	test_assert(ev.row_id == d);
	uint64_t moved;
	test_assert_int(store_messages_move(mbox, inbox, drafts, &e, 1, &moved), 0);
	test_assert_int(take(t, &ev), 1);
	test_assert_int(ev.type, STORE_TABLE_ROW_DELETED);
	test_assert(ev.row_id == e);
	test_assert_int(total_of(t), 3);
	uint64_t back;
	test_assert_int(store_messages_move(mbox, drafts, inbox, &moved, 1, &back), 0);
	test_assert_int(take(t, &ev), 1);
	test_assert_int(ev.type, STORE_TABLE_ROW_ADDED);
	test_assert(ev.row_id == back);
	/* Other folders and FAI messages do not concern it. */
	add_message(mbox, drafts, "elsewhere", 500, 1);
	struct store_message *fai;
	test_assert_int(store_message_create(NULL, mbox, inbox, true, &fai), 0);
	test_assert_int(store_message_save(fai, false), 0);
	store_message_close(&fai);
	test_assert_int(take(t, &ev), 0);
	/* The row set matches a fresh read. */
	test_assert_int(store_table_seek(t, STORE_BOOKMARK_BEGINNING, 0, NULL), 0);
	test_assert_int(store_table_query_rows(NULL, t, 10, true, &rows, &n), 0);
	test_assert_int(n, 4);
	test_assert_str(rows[0].vals[0].v.str, "c");
	test_assert_str(rows[1].vals[0].v.str, "b2");
	test_assert_str(rows[2].vals[0].v.str, "e");
	test_assert_str(rows[3].vals[0].v.str, "a");
	talloc_free(rows);
	/* Emptying the folder: the whole table changed. */
	test_assert_int(store_folder_empty(mbox, inbox, 0), 0);
	test_assert_int(take(t, &ev), 1);
	test_assert_int(ev.type, STORE_TABLE_CHANGED);
	test_assert_int(total_of(t), 0);
	/* After close, changes reach nobody. */
	store_table_close(&t);
	int before = wakeups;
	add_message(mbox, inbox, "late", 600, 1);
	test_assert_int(wakeups, before);
	store_mailbox_close(&mbox);
	test_end();
}

static void test_restricted_and_categories(void)
{
	test_begin("watched tables: restriction, categories, hierarchy");
	struct store_mailbox *mbox = test_mailbox(NULL, store, 71);
	uint64_t inbox = store_special_fid(mbox, STORE_FOLDER_INBOX);
	uint64_t a = add_message(mbox, inbox, "a", 100, 2);
	add_message(mbox, inbox, "b", 200, 1);
	struct store_table *t, *cat, *h;
	struct store_table_event ev;
	struct mapi_restriction r = {.rt = RES_PROPERTY};
	r.u.prop.relop = RELOP_EQ;
	r.u.prop.proptag = PR_IMPORTANCE;
	r.u.prop.val = pv_i32(PR_IMPORTANCE, 2);
	test_assert_int(store_table_open(NULL, mbox, inbox, STORE_TABLE_CONTENTS, 0, &t), 0);
	test_assert_int(store_table_watch(t, wake, &wakeups), 0);
	test_assert_int(store_table_restrict(t, &r), 0);
	test_assert_int(total_of(t), 1);
	/* Leaves the restriction: deleted; comes back: added. */
	save_props(mbox, inbox, a, pv_i32(PR_IMPORTANCE, 1));
	test_assert_int(take(t, &ev), 1);
	test_assert_int(ev.type, STORE_TABLE_ROW_DELETED);
	test_assert_int(total_of(t), 0);
	save_props(mbox, inbox, a, pv_i32(PR_IMPORTANCE, 2));
	test_assert_int(take(t, &ev), 1);
	test_assert_int(ev.type, STORE_TABLE_ROW_ADDED);
	/* A non-matching new message is no event. */
	add_message(mbox, inbox, "c", 300, 0);
	test_assert_int(take(t, &ev), 0);
	store_table_close(&t);
	/* A categorised view is re-read. */
	struct mapi_sort_order so[2] = {{PR_IMPORTANCE, TABLE_SORT_ASCEND},
	                                {PR_DELIVERY, TABLE_SORT_ASCEND}};
	struct mapi_sort_order_set ss = {2, 1, 1, so};
	test_assert_int(store_table_open(NULL, mbox, inbox, STORE_TABLE_CONTENTS, 0, &cat), 0);
	test_assert_int(store_table_watch(cat, wake, &wakeups), 0);
	test_assert_int(store_table_sort(cat, &ss), 0);
	test_assert_int(total_of(cat), 6);
	add_message(mbox, inbox, "d", 400, 2);
	test_assert_int(take(cat, &ev), 1);
	test_assert_int(ev.type, STORE_TABLE_CHANGED);
	test_assert_int(total_of(cat), 7);
	store_table_close(&cat);
	/* Hierarchy: created, renamed, deleted. */
	uint64_t ipm = store_special_fid(mbox, STORE_FOLDER_IPM_SUBTREE), f;
	uint32_t col = PR_DISPLAY_NAME;
	struct mapi_proptag_array ca = {1, &col};
	test_assert_int(store_table_open(NULL, mbox, ipm, STORE_TABLE_HIERARCHY, 0, &h), 0);
	test_assert_int(store_table_watch(h, wake, &wakeups), 0);
	test_assert_int(store_table_set_columns(h, &ca), 0);
	uint32_t folders = total_of(h);
	test_assert_int(store_folder_create(mbox, ipm, "New", NULL, STORE_FOLDER_GENERIC, &f), 0);
	test_assert_int(take(h, &ev), 1);
	test_assert_int(ev.type, STORE_TABLE_ROW_ADDED);
	test_assert(ev.row_id == f);
	test_assert_str(ev.row.vals[0].v.str, "New");
	test_assert_int(total_of(h), folders + 1);
	struct mapi_propval name = pv_str(PR_DISPLAY_NAME, "Renamed");
	struct mapi_propval_array vals = {1, &name};
	test_assert_int(store_folder_set_props(mbox, f, &vals), 0);
	test_assert_int(take(h, &ev), 1);
	test_assert_int(ev.type, STORE_TABLE_ROW_MODIFIED);
	test_assert_str(ev.row.vals[0].v.str, "Renamed");
	/* A folder deeper down is not a row of this table. */
	uint64_t deep;
	test_assert_int(store_folder_create(mbox, f, "Deep", NULL, STORE_FOLDER_GENERIC, &deep), 0);
	struct store_table_event *evs;
	uint32_t n;
	test_assert_int(store_table_events(NULL, h, &evs, &n), 0);
	/* Only the parent's child count changed: a modification of "Renamed". */
	for (uint32_t i = 0; i < n; i++)
		test_assert(evs[i].row_id != deep);
	talloc_free(evs);
	test_assert_int(store_folder_delete(mbox, f, STORE_DEL_FOLDERS | STORE_DEL_HARD), 0);
	test_assert_int(take(h, &ev), 1);
	test_assert_int(ev.type, STORE_TABLE_ROW_DELETED);
	test_assert(ev.row_id == f);
	test_assert_int(total_of(h), folders);
	store_table_close(&h);
	store_mailbox_close(&mbox);
	test_end();
}

int main(void)
{
	const char *error;
	char *dir = tmp_data_dir(NULL);
	struct store_settings s = {.nosync = true, .mapsize = 1ULL << 30};
	if (store_open(NULL, dir, &s, &store, &error) != 0)
		return 1;
	taken = talloc_new(NULL);
	test_contents_events();
	test_restricted_and_categories();
	talloc_free(taken);
	store_close(&store);
	rm_rf(dir);
	talloc_free(dir);
	return test_exit();
}
