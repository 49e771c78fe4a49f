/* Categorised views: header rows, expand/collapse, collapse state. */
#include "test.h"
#include "store_test_util.h"

#define PR_SUBJECT       PROP_TAG(PT_UNICODE, 0x0037)
#define PR_IMPORTANCE    PROP_TAG(PT_LONG, 0x0017)
#define PR_DELIVERY      PROP_TAG(PT_SYSTIME, 0x0E06)
#define PR_CLASS         PROP_TAG(PT_UNICODE, 0x001A)
#define PR_INST_ID       PROP_TAG(PT_I8, 0x674D)
#define PR_INSTANCE_NUM  PROP_TAG(PT_LONG, 0x674E)
#define PR_ROW_TYPE      PROP_TAG(PT_LONG, 0x0FF5)
#define PR_DEPTH         PROP_TAG(PT_LONG, 0x3005)
#define PR_CONTENT_COUNT PROP_TAG(PT_LONG, 0x3602)
#define PR_CONTENT_UNRD  PROP_TAG(PT_LONG, 0x3603)

enum { C_INST, C_TYPE, C_DEPTH, C_IMP, C_SUBJ, C_COUNT, C_UNREAD, C_CLASS, C_INUM, NCOLS };
static uint32_t cols[NCOLS] = {PR_INST_ID,      PR_ROW_TYPE, PR_DEPTH,
                               PR_IMPORTANCE,   PR_SUBJECT,  PR_CONTENT_COUNT,
                               PR_CONTENT_UNRD, PR_CLASS,    PR_INSTANCE_NUM};

static struct store *store;
static struct store_mailbox *mbox;
static uint64_t inbox, mids[5];

/* A compact picture of the visible rows: "H2(2/1)" is an expanded header
 * of importance 2 with 2 messages, 1 unread ("h" when collapsed); a leaf
 * is its subject. */
static char *picture(struct store_table *t)
{
	struct mapi_propval_array *rows;
	uint32_t n;
	char *out = talloc_strdup(NULL, "");
	if (store_table_seek(t, STORE_BOOKMARK_BEGINNING, 0, NULL) != 0 ||
	    store_table_query_rows(NULL, t, 100, true, &rows, &n) != 0)
		return out;
	for (uint32_t i = 0; i < n; i++) {
		struct mapi_propval *v = rows[i].vals;
		int32_t type = v[C_TYPE].v.i32;
		if (type == 1)
			out = talloc_asprintf_append(out, "%s ", v[C_SUBJ].v.str);
		else if (PROP_TYPE(v[C_CLASS].tag) == PT_UNICODE && v[C_DEPTH].v.i32 == 1)
			out = talloc_asprintf_append(out, "%c%d.%s(%d/%d) ", type == 3 ? 'H' : 'h',
			                             v[C_IMP].v.i32, v[C_CLASS].v.str,
			                             v[C_COUNT].v.i32, v[C_UNREAD].v.i32);
		else
			out = talloc_asprintf_append(out, "%c%d(%d/%d) ", type == 3 ? 'H' : 'h',
			                             v[C_IMP].v.i32, v[C_COUNT].v.i32,
			                             v[C_UNREAD].v.i32);
	}
	talloc_free(rows);
	return out;
}

static struct store_table *open_view(uint16_t categories, uint16_t expanded, uint8_t cat_order)
{
	struct store_table *t;
	struct mapi_sort_order so[3] = {{PR_IMPORTANCE, cat_order},
	                                {PR_CLASS, TABLE_SORT_ASCEND},
	                                {PR_DELIVERY, TABLE_SORT_ASCEND}};
	struct mapi_sort_order_set ss = {3, categories, expanded, so};
	struct mapi_proptag_array ca = {NCOLS, cols};
	if (categories < 2) {
		so[1] = so[2];
		ss.count = 2;
	}
	if (store_table_open(NULL, mbox, inbox, STORE_TABLE_CONTENTS, 0, &t) != 0 ||
	    store_table_set_columns(t, &ca) != 0 || store_table_sort(t, &ss) != 0)
		abort();
	return t;
}

/* The category ID of the header at visible row pos. */
static uint64_t header_id(struct store_table *t, uint32_t pos)
{
	if (store_table_seek(t, STORE_BOOKMARK_BEGINNING, (int32_t)pos, NULL) != 0)
		return 0;
	return store_table_current_id(t);
}

static void test_headers(void)
{
	test_begin("categorised view: header rows and leaf columns");
	struct store_table *t = open_view(1, 1, TABLE_SORT_DESCEND);
	char *p = picture(t);
	test_assert_str(p, "H2(2/2) a b H1(2/1) c e H0(1/1) d ");
	talloc_free(p);
	struct mapi_propval_array *rows;
	uint32_t n, pos, total;
	test_assert_int(store_table_position(t, &pos, &total), 0);
	test_assert_int(total, 8);
	test_assert_int(store_table_seek(t, STORE_BOOKMARK_BEGINNING, 0, NULL), 0);
	test_assert_int(store_table_query_rows(NULL, t, 2, true, &rows, &n), 0);
	test_assert_int(n, 2);
	/* The header: its own ID space, no subject, depth 0. */
	struct mapi_propval *h = rows[0].vals, *leaf = rows[1].vals;
	test_assert(MAPI_ID_REPLID(h[C_INST].v.i64) == 0);
	test_assert_int(h[C_INUM].v.i32, 0);
	test_assert_int(h[C_DEPTH].v.i32, 0);
	test_assert_int(PROP_TYPE(h[C_SUBJ].tag), PT_ERROR);
	test_assert_int(h[C_SUBJ].v.err, 0x8004010F);
	/* The leaf: its MID, depth below the categories. */
	test_assert((uint64_t)leaf[C_INST].v.i64 == mids[0]);
	test_assert_int(leaf[C_TYPE].v.i32, 1);
	test_assert_int(leaf[C_DEPTH].v.i32, 1);
	test_assert_int(leaf[C_INUM].v.i32, 0);
	talloc_free(rows);
	/* Ascending categories. */
	store_table_close(&t);
	t = open_view(1, 1, TABLE_SORT_ASCEND);
	p = picture(t);
	test_assert_str(p, "H0(1/1) d H1(2/1) c e H2(2/2) a b ");
	talloc_free(p);
	store_table_close(&t);
	/* Nothing expanded. */
	t = open_view(1, 0, TABLE_SORT_DESCEND);
	p = picture(t);
	test_assert_str(p, "h2(2/2) h1(2/1) h0(1/1) ");
	talloc_free(p);
	store_table_close(&t);
	/* Two levels, the outer one expanded. */
	t = open_view(2, 1, TABLE_SORT_DESCEND);
	p = picture(t);
	test_assert_str(p, "H2(2/2) h2.IPM.Note(2/2) H1(2/1) h1.IPM.Note(2/1) H0(1/1) "
	                   "h0.IPM.Note(1/1) ");
	talloc_free(p);
	store_table_close(&t);
	t = open_view(2, 2, TABLE_SORT_DESCEND);
	p = picture(t);
	test_assert_str(p, "H2(2/2) H2.IPM.Note(2/2) a b H1(2/1) H1.IPM.Note(2/1) c e H0(1/1) "
	                   "H0.IPM.Note(1/1) d ");
	talloc_free(p);
	store_table_close(&t);
	test_end();
}

static void test_expand_collapse(void)
{
	test_begin("categorised view: expand, collapse, cursor, errors");
	struct store_table *t = open_view(1, 1, TABLE_SORT_DESCEND);
	uint64_t h1 = header_id(t, 3), h2 = header_id(t, 0);
	uint32_t changed, pos, total;
	test_assert(h1 != 0 && h1 != h2);
	/* Cursor on "d" (row 7), then collapse the category above it. */
	test_assert_int(store_table_seek(t, STORE_BOOKMARK_BEGINNING, 7, NULL), 0);
	test_assert_int(store_table_expand(t, h1, false, &changed), 0);
	test_assert_int(changed, 2);
	char *p = picture(t);
	test_assert_str(p, "H2(2/2) a b h1(2/1) H0(1/1) d ");
	talloc_free(p);
	test_assert_int(store_table_seek(t, STORE_BOOKMARK_BEGINNING, 5, NULL), 0);
	test_assert(store_table_current_id(t) == mids[3]);
	/* Collapsing again changes nothing. */
	test_assert_int(store_table_expand(t, h1, false, &changed), 0);
	test_assert_int(changed, 0);
	/* The cursor inside a category that collapses goes past it. */
	test_assert_int(store_table_seek(t, STORE_BOOKMARK_BEGINNING, 2, NULL), 0);
	test_assert_int(store_table_expand(t, h2, false, &changed), 0);
	test_assert_int(changed, 2);
	test_assert_int(store_table_position(t, &pos, &total), 0);
	test_assert_int(pos, 1);
	test_assert_int(total, 4);
	test_assert_int(store_table_expand(t, h1, true, &changed), 0);
	test_assert_int(changed, 2);
	p = picture(t);
	test_assert_str(p, "h2(2/2) H1(2/1) c e H0(1/1) d ");
	talloc_free(p);
	/* A message ID or an unknown ID is not a category. */
	test_assert_int(store_table_expand(t, mids[0], true, &changed), STORE_E_NOTFOUND);
	test_assert_int(store_table_expand(t, MAPI_ID_MAKE(0, 9999), true, &changed),
	                STORE_E_NOTFOUND);
	/* New mail joins its category when the table is re-read; the
	 * collapse state and IDs survive. */
	add_message(mbox, inbox, "f", 600, 2);
	store_table_refresh(t);
	p = picture(t);
	test_assert_str(p, "h2(3/3) H1(2/1) c e H0(1/1) d ");
	talloc_free(p);
	test_assert(header_id(t, 0) == h2);
	store_table_close(&t);
	/* Sort orders the store does not implement, and bad counts. */
	test_assert_int(store_table_open(NULL, mbox, inbox, STORE_TABLE_CONTENTS, 0, &t), 0);
	struct mapi_sort_order so[2] = {{PR_IMPORTANCE, TABLE_SORT_ASCEND},
	                                {PR_DELIVERY, TABLE_SORT_MAXIMUM_CATEGORY}};
	struct mapi_sort_order_set ss = {2, 1, 1, so};
	test_assert_int(store_table_sort(t, &ss), STORE_E_NOTSUPPORTED);
	so[1].order = TABLE_SORT_ASCEND;
	ss.categorized_count = 3;
	test_assert_int(store_table_sort(t, &ss), STORE_E_INVALID);
	ss.categorized_count = 1;
	ss.expanded_count = 2;
	test_assert_int(store_table_sort(t, &ss), STORE_E_INVALID);
	so[0].proptag = PROP_TAG(PT_MV_UNICODE | MV_INSTANCE, 0x8001);
	ss.expanded_count = 1;
	test_assert_int(store_table_sort(t, &ss), STORE_E_NOTSUPPORTED);
	store_table_close(&t);
	struct store_table *h;
	uint64_t ipm = store_special_fid(mbox, STORE_FOLDER_IPM_SUBTREE);
	test_assert_int(store_table_open(NULL, mbox, ipm, STORE_TABLE_HIERARCHY, 0, &h), 0);
	so[0].proptag = PROP_TAG(PT_UNICODE, 0x3001);
	test_assert_int(store_table_sort(h, &ss), STORE_E_NOTSUPPORTED);
	store_table_close(&h);
	test_end();
}

static void test_collapse_state(void)
{
	test_begin("categorised view: collapse state carried to another table");
	struct store_table *t = open_view(1, 1, TABLE_SORT_DESCEND);
	uint64_t h2 = header_id(t, 0);
	uint32_t changed, bm;
	struct mapi_binary st;
	test_assert_int(store_table_expand(t, h2, false, &changed), 0);
	test_assert_int(store_table_get_collapse_state(NULL, t, mids[4], &st), 0);
	store_table_close(&t);
	t = open_view(1, 1, TABLE_SORT_DESCEND);
	char *p = picture(t);
	test_assert(strncmp(p, "H2", 2) == 0);
	talloc_free(p);
	test_assert_int(store_table_set_collapse_state(t, &st, &bm), 0);
	p = picture(t);
	test_assert_str(p, "h2(3/3) H1(2/1) c e H0(1/1) d ");
	talloc_free(p);
	/* The bookmark names the anchor row ("e"). */
	test_assert_int(store_table_bookmark_seek(t, bm, 0, NULL), 0);
	test_assert(store_table_current_id(t) == mids[4]);
	/* Malformed states. */
	struct mapi_binary bad = {.len = 3, .data = st.data};
	test_assert_int(store_table_set_collapse_state(t, &bad, &bm), STORE_E_INVALID);
	uint8_t junk[32];
	memset(junk, 0xFF, sizeof(junk));
	bad = (struct mapi_binary){.len = sizeof(junk), .data = junk};
	test_assert_int(store_table_set_collapse_state(t, &bad, &bm), STORE_E_INVALID);
	for (uint32_t cut = 0; cut < st.len; cut++) {
		bad = (struct mapi_binary){.len = cut, .data = st.data};
		test_assert_int(store_table_set_collapse_state(t, &bad, &bm), STORE_E_INVALID);
	}
	talloc_free(st.data);
	store_table_close(&t);
	test_end();
}

int main(void)
{
	const char *error;
	char *dir = tmp_data_dir(NULL);
	struct store_settings s = {.nosync = true, .mapsize = 1ULL << 30};
	if (store_open(NULL, dir, &s, &store, &error) != 0)
		return 1;
	mbox = test_mailbox(NULL, store, 60);
	inbox = store_special_fid(mbox, STORE_FOLDER_INBOX);
	mids[0] = add_message(mbox, inbox, "a", 100, 2);
	mids[1] = add_message(mbox, inbox, "b", 200, 2);
	mids[2] = add_message(mbox, inbox, "c", 300, 1);
	mids[3] = add_message(mbox, inbox, "d", 400, 0);
	mids[4] = add_message(mbox, inbox, "e", 500, 1);
	/* One read message: "c". */
	if (store_messages_set_read(mbox, inbox, &mids[2], 1, true) != 0)
		return 1;
	test_headers();
	test_expand_collapse();
	test_collapse_state();
	store_mailbox_close(&mbox);
	store_close(&store);
	rm_rf(dir);
	talloc_free(dir);
	return test_exit();
}
