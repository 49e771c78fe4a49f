/* Mailbox creation, identity, special folders, folders. */
#include "test.h"
#include "store_test_util.h"

#define PR_DISPLAY_NAME       PROP_TAG(PT_UNICODE, 0x3001)
#define PR_CONTAINER_CLASS    PROP_TAG(PT_UNICODE, 0x3613)
#define PR_SOURCE_KEY         PROP_TAG(PT_BINARY, 0x65E0)
#define PR_CHANGE_KEY         PROP_TAG(PT_BINARY, 0x65E2)
#define PR_PCL                PROP_TAG(PT_BINARY, 0x65E3)
#define PR_CHANGE_NUMBER      PROP_TAG(PT_I8, 0x67A4)
#define PR_FOLDER_ID          PROP_TAG(PT_I8, 0x6748)
#define PR_CONTENT_COUNT      PROP_TAG(PT_LONG, 0x3602)
#define PR_FOLDER_CHILD_COUNT PROP_TAG(PT_LONG, 0x6638)
#define PR_PARENT_SOURCE_KEY  PROP_TAG(PT_BINARY, 0x65E1)

static struct store *store;
static char *dir;

static void test_create(void)
{
	test_begin("mailbox create and reopen");
	struct store_mailbox_params p = {.mailbox_guid = test_guid(1), .owner_name = "Alice"};
	const char *error = NULL;
	test_assert_int(store_mailbox_create(store, &p, &error), 0);
	test_assert_int(store_mailbox_create(store, &p, &error), STORE_E_EXISTS);
	struct store_mailbox *mbox;
	test_assert_int(store_mailbox_open(NULL, store, &p.mailbox_guid, &mbox, &error), 0);
	struct store_mailbox_ident id;
	store_mailbox_ident(mbox, &id);
	test_assert_mem(id.mailbox_guid.b, p.mailbox_guid.b, 16);
	test_assert_int(id.replid, 1);
	struct store_mailbox_info *info;
	test_assert_int(store_mailbox_info(NULL, mbox, &info), 0);
	test_assert_int(info->folders, STORE_FOLDER_COUNT_);
	test_assert_str(info->owner_name, "Alice");
	test_assert_int(info->messages, 0);
	talloc_free(info);
	char *report;
	test_assert_int(store_mailbox_check(NULL, mbox, &report), 0);
	talloc_free(report);
	store_mailbox_close(&mbox);
	struct mapi_guid other = test_guid(99);
	test_assert_int(store_mailbox_open(NULL, store, &other, &mbox, &error), STORE_E_NOTFOUND);
	test_end();
}

static void test_special(void)
{
	test_begin("special folders, classes, entry IDs on root and inbox");
	struct store_mailbox *mbox = test_mailbox(NULL, store, 2);
	uint64_t inbox = store_special_fid(mbox, STORE_FOLDER_INBOX);
	uint64_t root = store_special_fid(mbox, STORE_FOLDER_ROOT);
	uint64_t cal = store_special_fid(mbox, STORE_FOLDER_CALENDAR);
	test_assert(inbox != 0 && root != 0 && inbox != root);
	test_assert_int(MAPI_ID_REPLID(inbox), 1);
	uint32_t tags[] = {PR_DISPLAY_NAME,
	                   PR_CONTAINER_CLASS,
	                   PROP_TAG(PT_BINARY, 0x36D0),
	                   PROP_TAG(PT_MV_BINARY, 0x36D8),
	                   PR_SOURCE_KEY,
	                   PR_FOLDER_ID};
	struct mapi_proptag_array ta = {6, tags};
	struct mapi_propval_array vals;
	test_assert_int(store_folder_get_props(NULL, mbox, inbox, &ta, &vals), 0);
	test_assert_str(vals.vals[0].v.str, "Inbox");
	test_assert_str(vals.vals[1].v.str, "IPF.Note");
	struct mapi_binary cal_eid;
	store_folder_entryid(NULL, mbox, cal, &cal_eid);
	test_assert_int(vals.vals[2].v.bin.len, 46);
	test_assert_mem(vals.vals[2].v.bin.data, cal_eid.data, 46);
	test_assert_int(vals.vals[3].v.mv.count, 5);
	test_assert_int(vals.vals[4].v.bin.len, 22);
	test_assert(vals.vals[5].v.i64 == (int64_t)inbox);
	uint64_t f, m;
	test_assert_int(store_entryid_parse(mbox, &cal_eid, &f, &m), 1);
	test_assert(f == cal && m == 0);
	talloc_free(vals.vals);
	test_assert_int(store_folder_get_props(NULL, mbox, root, &ta, &vals), 0);
	test_assert_int(vals.vals[2].v.bin.len, 46);
	test_assert_mem(vals.vals[2].v.bin.data, cal_eid.data, 46);
	talloc_free(vals.vals);
	/* Receive folders. */
	uint64_t rf;
	char *cls;
	test_assert_int(store_receive_folder_get(NULL, mbox, "IPM.Note.Foo", &rf, &cls), 0);
	test_assert(rf == inbox);
	test_assert_str(cls, "ipm");
	talloc_free(cls);
	test_assert_int(store_receive_folder_get(NULL, mbox, "IPC.Foo", &rf, NULL), 0);
	test_assert(rf == root);
	test_assert_int(store_receive_folder_get(NULL, mbox, "Other", &rf, &cls), 0);
	test_assert(rf == inbox);
	/* Long-term IDs round trip. */
	struct mapi_long_term_id lt;
	uint64_t back;
	store_id_to_long_term(mbox, inbox, &lt);
	test_assert_int(store_long_term_to_id(mbox, &lt, &back), 0);
	test_assert(back == inbox);
	lt.guid.b[0] ^= 1;
	test_assert_int(store_long_term_to_id(mbox, &lt, &back), STORE_E_NOTFOUND);
	talloc_free(cal_eid.data);
	talloc_free(cls);
	store_mailbox_close(&mbox);
	test_end();
}

static void test_folders(void)
{
	test_begin("folder create, props, rename, move, copy, delete");
	struct store_mailbox *mbox = test_mailbox(NULL, store, 3);
	uint64_t inbox = store_special_fid(mbox, STORE_FOLDER_INBOX);
	uint64_t ipm = store_special_fid(mbox, STORE_FOLDER_IPM_SUBTREE);
	uint64_t a, b, c, found;
	test_assert_int(store_folder_create(mbox, inbox, "A", "IPF.Note", STORE_FOLDER_GENERIC, &a),
	                0);
	test_assert_int(store_folder_create(mbox, inbox, "a", NULL, STORE_FOLDER_GENERIC, &b),
	                STORE_E_EXISTS);
	test_assert_int(store_folder_create(mbox, a, "B", NULL, STORE_FOLDER_GENERIC, &b), 0);
	test_assert_int(store_folder_find(mbox, inbox, "A", &found), 1);
	test_assert(found == a);
	test_assert_int(store_folder_find(mbox, inbox, "zz", &found), 0);
	test_assert_int(
	    store_folder_create(mbox, 0x7777000000000001ULL, "X", NULL, STORE_FOLDER_GENERIC, &c),
	    STORE_E_NOTFOUND);
	uint32_t tags[] = {PR_FOLDER_CHILD_COUNT, PR_CHANGE_NUMBER, PR_DISPLAY_NAME,
	                   PR_PARENT_SOURCE_KEY,  PR_CHANGE_KEY,    PR_PCL};
	struct mapi_proptag_array ta = {6, tags};
	struct mapi_propval_array vals;
	test_assert_int(store_folder_get_props(NULL, mbox, a, &ta, &vals), 0);
	test_assert_int(vals.vals[0].v.i32, 1);
	int64_t cn1 = vals.vals[1].v.i64;
	test_assert_int(vals.vals[3].v.bin.len, 22);
	test_assert_int(vals.vals[4].v.bin.len, 22);
	test_assert_int(vals.vals[5].v.bin.len, 23);
	talloc_free(vals.vals);
	/* Set props: new change number; read-only and bad types refused. */
	struct mapi_propval pv = pv_str(PR_DISPLAY_NAME, "A2");
	struct mapi_propval_array set = {1, &pv};
	test_assert_int(store_folder_set_props(mbox, a, &set), 0);
	test_assert_int(store_folder_get_props(NULL, mbox, a, &ta, &vals), 0);
	test_assert_str(vals.vals[2].v.str, "A2");
	test_assert(vals.vals[1].v.i64 != cn1);
	talloc_free(vals.vals);
	pv = pv_i32(PR_FOLDER_CHILD_COUNT, 5);
	test_assert_int(store_folder_set_props(mbox, a, &set), STORE_E_ACCESS);
	pv.tag = PROP_TAG(PT_SRESTRICTION, 0x6000);
	test_assert_int(store_folder_set_props(mbox, a, &set), STORE_E_BADTYPE);
	/* Move A2 under IPM; cycle refused. */
	test_assert_int(store_folder_move(mbox, a, b, NULL), STORE_E_CYCLE);
	test_assert_int(store_folder_move(mbox, a, ipm, "Moved"), 0);
	test_assert_int(store_folder_find(mbox, ipm, "Moved", &found), 1);
	test_assert_int(store_folder_find(mbox, inbox, "A2", &found), 0);
	/* Deep copy with a message. */
	add_message(mbox, b, "in B", 1000, 1);
	uint64_t copy;
	test_assert_int(store_folder_copy(mbox, a, inbox, "Copy", true, &copy), 0);
	uint64_t cb;
	test_assert_int(store_folder_find(mbox, copy, "B", &cb), 1);
	uint32_t cc = PR_CONTENT_COUNT;
	struct mapi_proptag_array cta = {1, &cc};
	test_assert_int(store_folder_get_props(NULL, mbox, cb, &cta, &vals), 0);
	test_assert_int(vals.vals[0].v.i32, 1);
	talloc_free(vals.vals);
	/* Delete: needs flags when not empty; special folders refused. */
	test_assert_int(store_folder_delete(mbox, copy, 0), STORE_E_HASCHILDREN);
	test_assert_int(store_folder_delete(mbox, copy, STORE_DEL_FOLDERS | STORE_DEL_MESSAGES), 0);
	test_assert_int(store_folder_find(mbox, inbox, "Copy", &found), 0);
	test_assert_int(store_folder_delete(mbox, inbox, STORE_DEL_FOLDERS), STORE_E_ACCESS);
	uint64_t *kids;
	uint32_t nk;
	test_assert_int(store_folder_children(NULL, mbox, ipm, &kids, &nk), 0);
	test_assert(nk >= 13);
	talloc_free(kids);
	char *report;
	test_assert_int(store_mailbox_check(NULL, mbox, &report), 0);
	if (report[0] != '\0')
		fprintf(stderr, "%s", report);
	talloc_free(report);
	store_mailbox_close(&mbox);
	test_end();
}

static void test_named(void)
{
	test_begin("named properties: stable, reversible, from 0x8000");
	struct store_mailbox *mbox = test_mailbox(NULL, store, 4);
	struct mapi_property_name names[3] = {
	    {.kind = MNID_ID, .guid = test_guid(7), .lid = 0x8501},
	    {.kind = MNID_STRING, .guid = test_guid(7), .name = (char *)"Keywords"},
	    {.kind = MNID_ID, .guid = test_guid(8), .lid = 0x8501},
	};
	uint16_t ids[3], ids2[3];
	test_assert_int(store_named_to_ids(mbox, 3, names, false, ids), 0);
	test_assert(ids[0] == 0 && ids[1] == 0);
	test_assert_int(store_named_to_ids(mbox, 3, names, true, ids), 0);
	test_assert(ids[0] >= 0x8000 && ids[1] >= 0x8000 && ids[2] >= 0x8000);
	test_assert(ids[0] != ids[1] && ids[1] != ids[2] && ids[0] != ids[2]);
	test_assert_int(store_named_to_ids(mbox, 3, names, false, ids2), 0);
	test_assert_mem(ids, ids2, sizeof(ids));
	struct mapi_property_name *back;
	uint16_t q[2] = {ids[1], 0x9999};
	test_assert_int(store_named_from_ids(NULL, mbox, 2, q, &back), 0);
	test_assert_int(back[0].kind, MNID_STRING);
	test_assert_str(back[0].name, "Keywords");
	test_assert_int(back[1].kind, MNID_NONE);
	talloc_free(back);
	struct mapi_property_name bad = {.kind = MNID_STRING, .name = NULL};
	test_assert_int(store_named_to_ids(mbox, 1, &bad, true, ids), STORE_E_INVALID);
	store_mailbox_close(&mbox);
	test_end();
}

int main(void)
{
	const char *error;
	dir = tmp_data_dir(NULL);
	struct store_settings s = {.nosync = true, .mapsize = 1ULL << 30};
	if (store_open(NULL, dir, &s, &store, &error) != 0)
		return 1;
	test_create();
	test_special();
	test_folders();
	test_named();
	store_close(&store);
	rm_rf(dir);
	talloc_free(dir);
	return test_exit();
}
