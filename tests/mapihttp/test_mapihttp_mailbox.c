/*
 * A mailbox session over HTTP against the real daemon, as Outlook drives
 * one through /mapi/emsmdb Execute: a folder created under the IPM subtree
 * ([MS-OXCFOLD] 2.2.1.2), five messages saved in it ([MS-OXCMSG] 2.2.3.2,
 * 2.2.3.3), its contents table sorted, restricted and categorised
 * ([MS-OXCTABL] 2.2.2.13, 2.2.2.16, 2.2.2.5, 2.2.2.17, 2.2.2.18), then the
 * folder deleted with its messages ([MS-OXCFOLD] 2.2.1.3) and gone from the
 * subtree's hierarchy table.
 *
 *   test_mapihttp_mailbox MAPIHTTPD MAPIADMIN
 */
#include <stdlib.h>
#include <string.h>

#include "directory.h"
#include "log.h"
#include "mh_emsmdb.h"
#include "mh_testsess.h"
#include "rop.h"
#include "rpc_ext.h"
#include "test.h"

#define CONFIG "[mapi]\nworkers = 2\n"

#define TAG_FID        PROP_TAG(PT_I8, 0x6748)
#define TAG_INST_ID    PROP_TAG(PT_I8, 0x674D)
#define TAG_ROW_TYPE   PROP_TAG(PT_LONG, 0x0FF5)
#define TAG_CLASS      PROP_TAG(PT_UNICODE, 0x001A)
#define TAG_SUBJECT    PROP_TAG(PT_UNICODE, 0x0037)
#define TAG_IMPORTANCE PROP_TAG(PT_LONG, 0x0017)
#define TAG_DISPLAY    PROP_TAG(PT_UNICODE, 0x3001)
/* PidTagRowType values, [MS-OXCTABL] 2.2.1.3 */
#define ROW_LEAF      1
#define ROW_EXPANDED  3
#define ROW_COLLAPSED 4
#define EC_NOT_FOUND  0x8004010Fu

static const char *mapihttpd, *mapiadmin;
static struct mht_daemon daemon_;
static char *alice_dn, *alice_mailbox_id;

static int provision(TALLOC_CTX *mem_ctx, const char *data_dir)
{
	struct mht_user alice = {
	    .address = "alice@x.test", .name = "Alice Example", .password = "alice-pw"};

	if (mht_provision(mem_ctx, mapiadmin, data_dir, &alice, 1) < 0)
		return -1;
	alice_dn = alice.legacy_dn;
	alice_mailbox_id = alice.mailbox_id;
	return 0;
}

/* The five messages: subject, importance, message class (the category). */
static const struct {
	const char *subject;
	int32_t importance;
	const char *cls;
} msgs[5] = {{"Alpha", 0, "IPM.Note.Work"},
             {"Bravo", 1, "IPM.Note.Home"},
             {"Charlie", 2, "IPM.Note.Work"},
             {"Delta", 1, "IPM.Note.Home"},
             {"Echo", 2, "IPM.Note.Work"}};

/* Logon, then OpenFolder(IPM subtree) + CreateFolder; *fid_r the folder. */
static void create_folder(struct mht_sess *s, TALLOC_CTX *mem, uint64_t *ipm_r, uint64_t *fid_r)
{
	struct rop_request q[3];

	test_begin("Logon, CreateFolder under the IPM subtree, OpenFolder");
	q[0] = mht_logon_rq(alice_dn, 0);
	test_assert_int(mht_execute(s, mem, q, 1), 0);
	test_assert(s->n == 1 && s->resps[0].return_value == 0);
	*ipm_r = s->n == 1 ? s->resps[0].u.logon.folder_ids[MHT_FID_IPM_SUBTREE] : 0;
	test_assert(*ipm_r != 0);
	q[0] = mht_rq(ROP_ID_OpenFolder, 0, 1);
	q[0].u.open_folder.folder_id = *ipm_r;
	q[1] = mht_rq(ROP_ID_CreateFolder, 1, 2);
	q[1].u.create_folder.folder_type = 1; /* FOLDER_GENERIC */
	q[1].u.create_folder.use_unicode_strings = 1;
	q[1].u.create_folder.display_name = (char *)"Table Test";
	q[1].u.create_folder.comment = (char *)"five messages";
	test_assert_int(mht_execute(s, mem, q, 2), 0);
	test_assert(s->n == 2 && s->resps[0].return_value == 0 && s->resps[1].return_value == 0);
	*fid_r = s->n == 2 ? s->resps[1].u.create_folder.folder_id : 0;
	test_assert(*fid_r != 0 && *fid_r != *ipm_r);
	test_assert(s->n == 2 && s->resps[1].u.create_folder.is_existing_folder == 0);
	q[0] = mht_rq(ROP_ID_OpenFolder, 0, 2);
	q[0].u.open_folder.folder_id = *fid_r;
	test_assert_int(mht_execute(s, mem, q, 1), 0);
	test_assert(s->n == 1 && s->resps[0].return_value == 0);
	test_end();
}

static void create_messages(struct mht_sess *s, TALLOC_CTX *mem, uint64_t fid, uint64_t *mids)
{
	struct rop_request q[4];
	struct mapi_propval v[3];

	test_begin("five messages created and saved (subject, importance, class)");
	for (int i = 0; i < 5; i++) {
		q[0] = mht_rq(ROP_ID_CreateMessage, 0, 3);
		q[0].u.create_message.code_page_id = 0x0FFF;
		q[0].u.create_message.folder_id = fid;
		v[0] = (struct mapi_propval){.tag = TAG_SUBJECT, .v.str = (char *)msgs[i].subject};
		v[1] = (struct mapi_propval){.tag = TAG_IMPORTANCE, .v.i32 = msgs[i].importance};
		v[2] = (struct mapi_propval){.tag = TAG_CLASS, .v.str = (char *)msgs[i].cls};
		q[1] = mht_rq(ROP_ID_SetProperties, 3, 0);
		q[1].u.set_properties.vals.count = 3;
		q[1].u.set_properties.vals.vals = v;
		q[2] = mht_rq(ROP_ID_SaveChangesMessage, 3, 0);
		q[2].response_handle = 3;
		q[2].u.save_changes_message.save_flags = 0x02; /* KeepOpenReadWrite */
		q[3] = mht_rq(ROP_ID_Release, 3, 0);
		test_assert_int(mht_execute(s, mem, q, 4), 0);
		test_assert_int(s->n, 3);
		if (s->n != 3)
			break;
		test_assert_int(s->resps[0].return_value, 0);
		test_assert_int(s->resps[1].return_value, 0);
		test_assert_int(s->resps[1].u.set_properties.problems.count, 0);
		test_assert_int(s->resps[2].return_value, 0);
		mids[i] = s->resps[2].u.save_changes_message.message_id;
		test_assert(mids[i] != 0);
		for (int k = 0; k < i; k++)
			test_assert(mids[k] != mids[i]);
	}
	test_end();
}

/* Row r of the last QueryRows-like answer in resps[k]. */
static const struct mapi_propval *col(const struct rop_row_list *rows, uint32_t r, uint32_t c)
{
	return &rows->rows[r].vals.vals[c];
}

static void sorted_and_restricted(struct mht_sess *s, TALLOC_CTX *mem)
{
	static uint32_t cols[] = {TAG_SUBJECT, TAG_IMPORTANCE, TAG_CLASS};
	static const char *const desc[] = {"Echo", "Delta", "Charlie", "Bravo", "Alpha"};
	struct mapi_sort_order so = {TAG_SUBJECT, TABLE_SORT_DESCEND};
	struct mapi_restriction res = {.rt = RES_PROPERTY};
	struct rop_request q[5];
	const struct rop_row_list *rows;

	test_begin("contents table sorted descending by subject");
	q[0] = mht_rq(ROP_ID_GetContentsTable, 2, 3);
	q[0].u.get_contents_table.table_flags = 0x40; /* UseUnicode */
	q[1] = mht_rq(ROP_ID_SetColumns, 3, 0);
	q[1].u.set_columns.tags.count = 3;
	q[1].u.set_columns.tags.tags = cols;
	q[2] = mht_rq(ROP_ID_SortTable, 3, 0);
	q[2].u.sort_table.sorts.count = 1;
	q[2].u.sort_table.sorts.sorts = &so;
	q[3] = mht_rq(ROP_ID_QueryRows, 3, 0);
	q[3].u.query_rows.forward_read = 1;
	q[3].u.query_rows.row_count = 50;
	s->columns.count = 3;
	s->columns.tags = cols;
	test_assert_int(mht_execute(s, mem, q, 4), 0);
	test_assert_int(s->n, 4);
	if (s->n != 4) {
		test_end();
		return;
	}
	test_assert_int(s->resps[0].return_value, 0);
	test_assert_int(s->resps[0].u.get_contents_table.row_count, 5);
	test_assert_int(s->resps[2].return_value, 0);
	test_assert_int(s->resps[3].return_value, 0);
	rows = &s->resps[3].u.query_rows.rows;
	test_assert_int(rows->count, 5);
	for (uint32_t i = 0; i < rows->count && i < 5; i++) {
		test_assert_str(col(rows, i, 0)->v.str, desc[i]);
		/* each row carries its own message's values */
		for (int m = 0; m < 5; m++) {
			if (strcmp(msgs[m].subject, desc[i]) != 0)
				continue;
			test_assert_int(col(rows, i, 1)->v.i32, msgs[m].importance);
			test_assert_str(col(rows, i, 2)->v.str, msgs[m].cls);
		}
	}
	test_end();

	test_begin("Restrict on PidTagImportance = 2 keeps the two high rows, in order");
	res.u.prop.relop = RELOP_EQ;
	res.u.prop.proptag = TAG_IMPORTANCE;
	res.u.prop.val = (struct mapi_propval){.tag = TAG_IMPORTANCE, .v.i32 = 2};
	q[0] = mht_rq(ROP_ID_Restrict, 3, 0);
	q[0].u.restrict_.restriction = &res;
	q[1] = mht_rq(ROP_ID_SeekRow, 3, 0);
	q[1].u.seek_row.origin = 0; /* BOOKMARK_BEGINNING */
	q[2] = q[3];
	test_assert_int(mht_execute(s, mem, q, 3), 0);
	test_assert_int(s->n, 3);
	if (s->n == 3) {
		test_assert_int(s->resps[0].return_value, 0);
		test_assert_int(s->resps[2].return_value, 0);
		rows = &s->resps[2].u.query_rows.rows;
		test_assert_int(rows->count, 2);
		if (rows->count == 2) {
			test_assert_str(col(rows, 0, 0)->v.str, "Echo");
			test_assert_str(col(rows, 1, 0)->v.str, "Charlie");
			test_assert_int(col(rows, 0, 1)->v.i32, 2);
			test_assert_int(col(rows, 1, 1)->v.i32, 2);
		}
	}
	/* An unmatched value leaves no row. */
	res.u.prop.val.v.i32 = 7;
	test_assert_int(mht_execute(s, mem, q, 3), 0);
	test_assert(s->n == 3 && s->resps[0].return_value == 0 &&
	            s->resps[2].u.query_rows.rows.count == 0);
	test_end();
}

static void categorised(struct mht_sess *s, TALLOC_CTX *mem)
{
	static uint32_t cols[] = {TAG_INST_ID, TAG_ROW_TYPE, TAG_CLASS, TAG_SUBJECT};
	/* Home (expanded): Bravo, Delta; Work (collapsed after the first
	 * ExpandedCount categories): Alpha, Charlie, Echo */
	struct mapi_sort_order so[2] = {{TAG_CLASS, TABLE_SORT_ASCEND},
	                                {TAG_SUBJECT, TABLE_SORT_ASCEND}};
	struct rop_request q[5];
	const struct rop_row_list *rows;
	uint64_t home = 0;

	test_begin("categorised by class: header rows, CollapseRow, ExpandRow");
	q[0] = mht_rq(ROP_ID_Restrict, 3, 0); /* no restriction */
	q[0].u.restrict_.restriction = NULL;
	q[1] = mht_rq(ROP_ID_SetColumns, 3, 0);
	q[1].u.set_columns.tags.count = 4;
	q[1].u.set_columns.tags.tags = cols;
	q[2] = mht_rq(ROP_ID_SortTable, 3, 0);
	q[2].u.sort_table.sorts.count = 2;
	q[2].u.sort_table.sorts.categorized_count = 1;
	q[2].u.sort_table.sorts.expanded_count = 1;
	q[2].u.sort_table.sorts.sorts = so;
	q[3] = mht_rq(ROP_ID_QueryRows, 3, 0);
	q[3].u.query_rows.forward_read = 1;
	q[3].u.query_rows.row_count = 50;
	s->columns.count = 4;
	s->columns.tags = cols;
	test_assert_int(mht_execute(s, mem, q, 4), 0);
	test_assert_int(s->n, 4);
	if (s->n != 4) {
		test_end();
		return;
	}
	for (int i = 0; i < 4; i++)
		test_assert_int(s->resps[i].return_value, 0);
	rows = &s->resps[3].u.query_rows.rows;
	test_assert_int(rows->count, 7);
	if (rows->count == 7) {
		static const int32_t types[7] = {ROW_EXPANDED, ROW_LEAF, ROW_LEAF, ROW_EXPANDED,
		                                 ROW_LEAF,     ROW_LEAF, ROW_LEAF};
		static const char *const subj[7] = {NULL,    "Bravo",   "Delta", NULL,
		                                    "Alpha", "Charlie", "Echo"};

		for (uint32_t i = 0; i < 7; i++) {
			test_assert_int(col(rows, i, 1)->v.i32, types[i]);
			if (subj[i] != NULL)
				test_assert_str(col(rows, i, 3)->v.str, subj[i]);
			else
				test_assert(rows->rows[i].flag == 1 &&
				            PROP_TYPE(col(rows, i, 3)->tag) == PT_ERROR);
		}
		/* a header row carries its category's value */
		test_assert_int(col(rows, 0, 2)->tag, TAG_CLASS);
		test_assert_int(col(rows, 3, 2)->tag, TAG_CLASS);
		if (col(rows, 0, 2)->tag == TAG_CLASS && col(rows, 3, 2)->tag == TAG_CLASS) {
			test_assert_str(col(rows, 0, 2)->v.str, "IPM.Note.Home");
			test_assert_str(col(rows, 3, 2)->v.str, "IPM.Note.Work");
		}
		home = (uint64_t)col(rows, 0, 0)->v.i64;
	}
	q[0] = mht_rq(ROP_ID_CollapseRow, 3, 0);
	q[0].u.collapse_row.category_id = home;
	q[1] = mht_rq(ROP_ID_SeekRow, 3, 0);
	q[1].u.seek_row.origin = 0;
	q[2] = q[3];
	q[3] = mht_rq(ROP_ID_ExpandRow, 3, 0);
	q[3].u.expand_row.category_id = home;
	q[3].u.expand_row.max_row_count = 10;
	test_assert_int(mht_execute(s, mem, q, 4), 0);
	test_assert_int(s->n, 4);
	if (s->n == 4) {
		test_assert_int(s->resps[0].return_value, 0);
		test_assert_int(s->resps[0].u.collapse_row.collapsed_row_count, 2);
		rows = &s->resps[2].u.query_rows.rows;
		test_assert_int(rows->count, 5);
		test_assert(rows->count == 5 && col(rows, 0, 1)->v.i32 == ROW_COLLAPSED &&
		            col(rows, 1, 1)->v.i32 == ROW_EXPANDED &&
		            strcmp(col(rows, 2, 3)->v.str, "Alpha") == 0);
		test_assert_int(s->resps[3].return_value, 0);
		test_assert_int(s->resps[3].u.expand_row.expanded_row_count, 2);
		rows = &s->resps[3].u.expand_row.rows;
		test_assert(rows->count == 2 && strcmp(col(rows, 0, 3)->v.str, "Bravo") == 0 &&
		            strcmp(col(rows, 1, 3)->v.str, "Delta") == 0);
	}
	test_end();
}

/* Whether the IPM subtree's hierarchy table lists fid (with its name);
 * 1 / 0 / -1. */
static int hierarchy_has(struct mht_sess *s, TALLOC_CTX *mem, uint64_t fid, const char *name)
{
	static uint32_t cols[] = {TAG_FID, TAG_DISPLAY};
	struct rop_request q[3];
	const struct rop_row_list *rows;
	int found = 0;

	q[0] = mht_rq(ROP_ID_GetHierarchyTable, 1, 3);
	q[0].u.get_hierarchy_table.table_flags = 0x40;
	q[1] = mht_rq(ROP_ID_SetColumns, 3, 0);
	q[1].u.set_columns.tags.count = 2;
	q[1].u.set_columns.tags.tags = cols;
	q[2] = mht_rq(ROP_ID_QueryRows, 3, 0);
	q[2].u.query_rows.forward_read = 1;
	q[2].u.query_rows.row_count = 100;
	s->columns.count = 2;
	s->columns.tags = cols;
	if (mht_execute(s, mem, q, 3) != 0 || s->n != 3 || s->resps[2].return_value != 0)
		return -1;
	rows = &s->resps[2].u.query_rows.rows;
	for (uint32_t i = 0; i < rows->count; i++) {
		if ((uint64_t)col(rows, i, 0)->v.i64 == fid)
			found = strcmp(col(rows, i, 1)->v.str, name) == 0 ? 1 : -1;
	}
	return found;
}

static void delete_folder(struct mht_sess *s, TALLOC_CTX *mem, uint64_t fid, const uint64_t *mids)
{
	struct rop_request q[2];

	test_begin("DeleteFolder with DEL_MESSAGES: gone from the IPM subtree");
	test_assert_int(hierarchy_has(s, mem, fid, "Table Test"), 1);
	q[0] = mht_rq(ROP_ID_Release, 2, 0); /* the folder itself */
	q[1] = mht_rq(ROP_ID_DeleteFolder, 1, 0);
	q[1].u.delete_folder.delete_folder_flags = 0x01; /* DEL_MESSAGES */
	q[1].u.delete_folder.folder_id = fid;
	test_assert_int(mht_execute(s, mem, q, 2), 0);
	test_assert_int(s->n, 1);
	test_assert(s->n == 1 && s->resps[0].return_value == 0 &&
	            s->resps[0].u.delete_folder.partial_completion == 0);
	test_assert_int(hierarchy_has(s, mem, fid, "Table Test"), 0);
	/* the folder and its messages are gone */
	q[0] = mht_rq(ROP_ID_OpenFolder, 0, 2);
	q[0].u.open_folder.folder_id = fid;
	q[1] = mht_rq(ROP_ID_OpenMessage, 0, 3);
	q[1].u.open_message.code_page_id = 0x0FFF;
	q[1].u.open_message.folder_id = fid;
	q[1].u.open_message.message_id = mids[0];
	test_assert_int(mht_execute(s, mem, q, 2), 0);
	test_assert_int(s->n, 2);
	test_assert(s->n == 2 && s->resps[0].return_value == EC_NOT_FOUND &&
	            s->resps[1].return_value == EC_NOT_FOUND);
	test_end();
}

int main(int argc, char **argv)
{
	TALLOC_CTX *root = talloc_new(NULL);
	struct mh_connect_resp cresp;
	struct mht_resp hr;
	struct mht_sess s;
	uint64_t ipm = 0, fid = 0, mids[5] = {0};
	char *dir;

	if (argc != 3) {
		fprintf(stderr, "usage: %s MAPIHTTPD MAPIADMIN\n", argv[0]);
		return 2;
	}
	mapihttpd = argv[1];
	mapiadmin = argv[2];
	log_set_level(LOG_LEVEL_WARN);
	dir = mht_tempdir(root);
	test_begin("provision, start the daemon, Connect");
	test_assert(dir != NULL && provision(root, dir) == 0);
	test_assert(mht_daemon_start(root, mapihttpd, dir, CONFIG, &daemon_) == 0);
	if (daemon_.pid > 0) {
		mht_sess_init(&s, mht_client_new(root, daemon_.port, "alice@x.test", "alice-pw"));
		s.c->mailbox_id = alice_mailbox_id;
		test_assert_int(mht_ems_connect(s.c, root, alice_dn, NULL, &cresp, &hr), 0);
		test_assert_int(cresp.error_code, 0);
	}
	test_end();
	if (daemon_.pid <= 0)
		return test_exit();
	create_folder(&s, root, &ipm, &fid);
	if (fid != 0) {
		create_messages(&s, root, fid, mids);
		sorted_and_restricted(&s, root);
		categorised(&s, root);
		delete_folder(&s, root, fid, mids);
	}
	test_begin("the daemon stops cleanly");
	test_assert_int(mht_daemon_stop(&daemon_), 0);
	test_end();
	mht_cleanup(dir, &daemon_, test_failed_total_ != 0);
	talloc_free(root);
	return test_exit();
}
