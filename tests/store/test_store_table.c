/* Tables and ICS change enumeration. */
#include "test.h"
#include "store_test_util.h"

#define PR_SUBJECT      PROP_TAG(PT_UNICODE, 0x0037)
#define PR_IMPORTANCE   PROP_TAG(PT_LONG, 0x0017)
#define PR_DELIVERY     PROP_TAG(PT_SYSTIME, 0x0E06)
#define PR_MID          PROP_TAG(PT_I8, 0x674A)
#define PR_DISPLAY_NAME PROP_TAG(PT_UNICODE, 0x3001)
#define PR_DEPTH        PROP_TAG(PT_LONG, 0x3005)

static struct store *store;

static const char *subj_of(struct mapi_propval_array *row)
{
	return row->vals[0].v.str;
}

static void test_contents(void)
{
	test_begin("contents table: default order, index sort, multi-key sort, restrict");
	struct store_mailbox *mbox = test_mailbox(NULL, store, 20);
	uint64_t inbox = store_special_fid(mbox, STORE_FOLDER_INBOX);
	/* subject, delivery time, importance */
	add_message(mbox, inbox, "c", 300, 1);
	add_message(mbox, inbox, "a", 100, 2);
	add_message(mbox, inbox, "d", 400, 1);
	add_message(mbox, inbox, "b", 200, 2);
	add_message(mbox, inbox, "e", 500, 0);
	struct store_table *t;
	test_assert_int(store_table_open(NULL, mbox, inbox, STORE_TABLE_CONTENTS, 0, &t), 0);
	uint32_t cols[3] = {PR_SUBJECT, PR_DELIVERY, PR_MID};
	struct mapi_proptag_array ca = {3, cols};
	test_assert_int(store_table_set_columns(t, &ca), 0);
	struct mapi_propval_array *rows;
	uint32_t n, pos, total;
	test_assert_int(store_table_query_rows(NULL, t, 10, true, &rows, &n), 0);
	test_assert_int(n, 5);
	test_assert_str(subj_of(&rows[0]), "c");
	talloc_free(rows);
	/* Index-backed: newest first. */
	struct mapi_sort_order so = {PR_DELIVERY, TABLE_SORT_DESCEND};
	struct mapi_sort_order_set ss = {1, 0, 0, &so};
	test_assert_int(store_table_sort(t, &ss), 0);
	test_assert_int(store_table_query_rows(NULL, t, 2, true, &rows, &n), 0);
	test_assert_int(n, 2);
	test_assert_str(subj_of(&rows[0]), "e");
	test_assert_str(subj_of(&rows[1]), "d");
	talloc_free(rows);
	test_assert_int(store_table_position(t, &pos, &total), 0);
	test_assert_int(pos, 2);
	test_assert_int(total, 5);
	test_assert_int(store_table_query_rows(NULL, t, 10, true, &rows, &n), 0);
	test_assert_int(n, 3);
	test_assert_str(subj_of(&rows[2]), "a");
	talloc_free(rows);
	/* Backward from the end. */
	test_assert_int(store_table_seek(t, STORE_BOOKMARK_END, 0, NULL), 0);
	test_assert_int(store_table_query_rows(NULL, t, 2, false, &rows, &n), 0);
	test_assert_int(n, 2);
	test_assert_str(subj_of(&rows[0]), "a");
	test_assert_str(subj_of(&rows[1]), "b");
	talloc_free(rows);
	/* Ascending index sort. */
	so.order = TABLE_SORT_ASCEND;
	test_assert_int(store_table_sort(t, &ss), 0);
	test_assert_int(store_table_query_rows(NULL, t, 1, true, &rows, &n), 0);
	test_assert_str(subj_of(&rows[0]), "a");
	talloc_free(rows);
	/* Two keys: importance descending, then subject ascending. */
	struct mapi_sort_order two[2] = {{PR_IMPORTANCE, TABLE_SORT_DESCEND},
	                                 {PR_SUBJECT, TABLE_SORT_ASCEND}};
	struct mapi_sort_order_set ss2 = {2, 0, 0, two};
	test_assert_int(store_table_sort(t, &ss2), 0);
	test_assert_int(store_table_query_rows(NULL, t, 5, true, &rows, &n), 0);
	test_assert_int(n, 5);
	const char *want[5] = {"a", "b", "c", "d", "e"};
	for (int i = 0; i < 5; i++)
		test_assert_str(subj_of(&rows[i]), want[i]);
	talloc_free(rows);
	/* Restriction: importance == 1. */
	struct mapi_restriction r = {.rt = RES_PROPERTY};
	r.u.prop.relop = RELOP_EQ;
	r.u.prop.proptag = PR_IMPORTANCE;
	r.u.prop.val = pv_i32(PR_IMPORTANCE, 1);
	test_assert_int(store_table_restrict(t, &r), 0);
	test_assert_int(store_table_position(t, &pos, &total), 0);
	test_assert_int(total, 2);
	test_assert_int(store_table_query_rows(NULL, t, 5, true, &rows, &n), 0);
	test_assert_int(n, 2);
	test_assert_str(subj_of(&rows[0]), "c");
	test_assert_str(subj_of(&rows[1]), "d");
	talloc_free(rows);
	/* Stable while the folder changes, until refreshed. */
	add_message(mbox, inbox, "f", 600, 1);
	test_assert_int(store_table_position(t, &pos, &total), 0);
	test_assert_int(total, 2);
	store_table_refresh(t);
	test_assert_int(store_table_position(t, &pos, &total), 0);
	test_assert_int(total, 3);
	test_assert_int(store_table_restrict(t, NULL), 0);
	/* Bookmarks and find row. */
	test_assert_int(store_table_seek(t, STORE_BOOKMARK_BEGINNING, 2, NULL), 0);
	uint32_t bm;
	test_assert_int(store_table_bookmark_create(t, &bm), 0);
	uint64_t at = store_table_current_id(t);
	test_assert_int(store_table_seek(t, STORE_BOOKMARK_END, 0, NULL), 0);
	bool gone = true;
	test_assert_int(store_table_bookmark_seek(t, bm, 0, &gone), 0);
	test_assert(!gone);
	test_assert(store_table_current_id(t) == at);
	test_assert_int(store_table_bookmark_free(t, bm), 0);
	test_assert_int(store_table_bookmark_free(t, bm), STORE_E_NOTFOUND);
	struct mapi_restriction fr = {.rt = RES_CONTENT};
	fr.u.content.fuzzy_level = FL_FULLSTRING;
	fr.u.content.proptag = PR_SUBJECT;
	fr.u.content.val = pv_str(PR_SUBJECT, "e");
	test_assert_int(store_table_seek(t, STORE_BOOKMARK_BEGINNING, 0, NULL), 0);
	test_assert_int(store_table_find_row(t, &fr, true), 1);
	test_assert_int(store_table_query_rows(NULL, t, 1, true, &rows, &n), 0);
	test_assert_str(subj_of(&rows[0]), "e");
	talloc_free(rows);
	test_assert_int(store_table_find_row(t, &fr, true), 0);
	int32_t moved;
	test_assert_int(store_table_seek(t, STORE_BOOKMARK_BEGINNING, 100, &moved), 0);
	test_assert_int(moved, 6);
	test_assert_int(store_table_seek_fraction(t, 1, 2), 0);
	test_assert_int(store_table_position(t, &pos, &total), 0);
	test_assert_int(pos, 3);
	struct mapi_sort_order_set cat = {1, 1, 1, &so};
	test_assert_int(store_table_sort(t, &cat), 0); /* categorised: test_store_categories.c */
	store_table_close(&t);
	test_assert_int(store_table_open(NULL, mbox, 0x4242000001ULL, STORE_TABLE_CONTENTS, 0, &t),
	                STORE_E_NOTFOUND);
	store_mailbox_close(&mbox);
	test_end();
}

static void test_hierarchy(void)
{
	test_begin("hierarchy table with depth");
	struct store_mailbox *mbox = test_mailbox(NULL, store, 21);
	uint64_t ipm = store_special_fid(mbox, STORE_FOLDER_IPM_SUBTREE);
	uint64_t inbox = store_special_fid(mbox, STORE_FOLDER_INBOX), sub, subsub;
	test_assert_int(store_folder_create(mbox, inbox, "Sub", NULL, STORE_FOLDER_GENERIC, &sub),
	                0);
	test_assert_int(
	    store_folder_create(mbox, sub, "SubSub", NULL, STORE_FOLDER_GENERIC, &subsub), 0);
	struct store_table *t;
	uint32_t cols[2] = {PR_DISPLAY_NAME, PR_DEPTH};
	struct mapi_proptag_array ca = {2, cols};
	uint32_t pos, flat, deep;
	test_assert_int(store_table_open(NULL, mbox, ipm, STORE_TABLE_HIERARCHY, 0, &t), 0);
	test_assert_int(store_table_position(t, &pos, &flat), 0);
	store_table_close(&t);
	test_assert_int(
	    store_table_open(NULL, mbox, ipm, STORE_TABLE_HIERARCHY, STORE_TABLE_DEPTH, &t), 0);
	test_assert_int(store_table_set_columns(t, &ca), 0);
	test_assert_int(store_table_position(t, &pos, &deep), 0);
	test_assert_int(deep, flat + 5); /* Sub, SubSub, Conflicts, Local/Server Failures */
	struct mapi_propval_array *rows;
	uint32_t n;
	test_assert_int(store_table_query_rows(NULL, t, 100, true, &rows, &n), 0);
	test_assert_int(n, deep);
	int found = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (strcmp(rows[i].vals[0].v.str, "SubSub") == 0) {
			test_assert_int(rows[i].vals[1].v.i32, 2);
			found++;
		}
		if (strcmp(rows[i].vals[0].v.str, "Inbox") == 0) {
			test_assert_int(rows[i].vals[1].v.i32, 0);
			found++;
		}
	}
	test_assert_int(found, 2);
	talloc_free(rows);
	store_table_close(&t);
	store_mailbox_close(&mbox);
	test_end();
}

static bool has(const uint64_t *ids, uint32_t n, uint64_t id)
{
	for (uint32_t i = 0; i < n; i++) {
		if (ids[i] == id)
			return true;
	}
	return false;
}

static void test_ics(void)
{
	test_begin("ICS: changes, deletions, read states, FAI, hierarchy since a CNSET");
	struct store_mailbox *mbox = test_mailbox(NULL, store, 22);
	uint64_t inbox = store_special_fid(mbox, STORE_FOLDER_INBOX);
	uint64_t m[4];
	for (int i = 0; i < 4; i++)
		m[i] = add_message(mbox, inbox, "x", 100 + i, 1);
	struct store_changes *ch;
	test_assert_int(store_changes_since(NULL, mbox, inbox, STORE_ICS_NORMAL, NULL, NULL, &ch),
	                0);
	test_assert_int(ch->changed_count, 4);
	uint64_t seen_hi = ch->max_cn;
	talloc_free(ch);
	/* Everything seen: nothing new. */
	struct store_globcnt_range rg = {1, seen_hi};
	struct store_cnset seen = {1, &rg};
	test_assert_int(store_changes_since(NULL, mbox, inbox, STORE_ICS_NORMAL, &seen, &seen, &ch),
	                0);
	test_assert_int(ch->changed_count + ch->deleted_count + ch->read_count, 0);
	talloc_free(ch);
	/* Modify one, delete one, read one, add an FAI message. */
	struct store_message *msg;
	test_assert_int(store_message_open(NULL, mbox, inbox, m[1], &msg), 0);
	struct mapi_propval v = pv_str(PR_SUBJECT, "y");
	struct mapi_propval_array vals = {1, &v};
	test_assert_int(store_message_set_props(msg, &vals), 0);
	test_assert_int(store_message_save(msg, false), 0);
	store_message_close(&msg);
	test_assert_int(store_messages_delete(mbox, inbox, &m[2], 1, 0, NULL), 0);
	test_assert_int(store_messages_set_read(mbox, inbox, &m[3], 1, true), 0);
	test_assert_int(store_message_create(NULL, mbox, inbox, true, &msg), 0);
	test_assert_int(store_message_save(msg, false), 0);
	uint64_t fai = store_message_mid(msg);
	store_message_close(&msg);
	test_assert_int(store_changes_since(NULL, mbox, inbox, STORE_ICS_NORMAL, &seen, &seen, &ch),
	                0);
	test_assert_int(ch->changed_count, 1);
	test_assert(ch->changed[0] == m[1]);
	test_assert_int(ch->deleted_count, 1);
	test_assert(ch->deleted[0] == m[2]);
	test_assert_int(ch->read_count, 1);
	test_assert(ch->read[0] == m[3] && ch->read_state[0]);
	talloc_free(ch);
	test_assert_int(store_changes_since(NULL, mbox, inbox, STORE_ICS_FAI, &seen, NULL, &ch), 0);
	test_assert_int(ch->changed_count, 1);
	test_assert(ch->changed[0] == fai);
	talloc_free(ch);
	/* A gap in the middle of the set is scanned too. */
	struct store_globcnt_range two[2] = {{1, MAPI_ID_GLOBCNT(m[0]) - 1},
	                                     {MAPI_ID_GLOBCNT(m[0]) + 2, seen_hi}};
	struct store_cnset gapped = {2, two};
	test_assert_int(
	    store_changes_since(NULL, mbox, inbox, STORE_ICS_NORMAL, &gapped, NULL, &ch), 0);
	test_assert(has(ch->changed, ch->changed_count, m[0]));
	talloc_free(ch);
	struct store_globcnt_range bad[2] = {{5, 9}, {1, 2}};
	struct store_cnset unsorted = {2, bad};
	test_assert_int(
	    store_changes_since(NULL, mbox, inbox, STORE_ICS_NORMAL, &unsorted, NULL, &ch),
	    STORE_E_INVALID);
	/* Hierarchy. */
	uint64_t ipm = store_special_fid(mbox, STORE_FOLDER_IPM_SUBTREE), nf;
	test_assert_int(store_changes_since(NULL, mbox, ipm, STORE_ICS_HIERARCHY, NULL, NULL, &ch),
	                0);
	test_assert(has(ch->changed, ch->changed_count, inbox));
	test_assert(!has(ch->changed, ch->changed_count, ipm));
	rg.hi = ch->max_cn;
	talloc_free(ch);
	test_assert_int(store_folder_create(mbox, inbox, "New", NULL, STORE_FOLDER_GENERIC, &nf),
	                0);
	test_assert_int(store_changes_since(NULL, mbox, ipm, STORE_ICS_HIERARCHY, &seen, NULL, &ch),
	                0);
	test_assert(has(ch->changed, ch->changed_count, nf));
	rg.hi = ch->max_cn;
	talloc_free(ch);
	test_assert_int(store_folder_delete(mbox, nf, 0), 0);
	test_assert_int(store_changes_since(NULL, mbox, ipm, STORE_ICS_HIERARCHY, &seen, NULL, &ch),
	                0);
	test_assert_int(ch->deleted_count, 1);
	test_assert(ch->deleted[0] == nf);
	talloc_free(ch);
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
	test_contents();
	test_hierarchy();
	test_ics();
	store_close(&store);
	rm_rf(dir);
	talloc_free(dir);
	return test_exit();
}
