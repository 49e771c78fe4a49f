/* Folders, properties and tables ([MS-OXCFOLD], [MS-OXCPRPT], [MS-OXCTABL])
 * through ems_execute, checked against the store. */
#include "ems_test.h"

static struct ems_t t;

#define PR_DISPLAY_NAME_W  PROP_TAG(PT_UNICODE, 0x3001)
#define PR_DISPLAY_NAME_A  PROP_TAG(PT_STRING8, 0x3001)
#define PR_CONTAINER_CLASS PROP_TAG(PT_UNICODE, 0x3613)
#define PR_SUBJECT_W       PROP_TAG(PT_UNICODE, 0x0037)
#define PR_SUBJECT_A       PROP_TAG(PT_STRING8, 0x0037)
#define PR_MID             PROP_TAG(PT_I8, 0x674A)
#define PR_DELIVERY_TIME   PROP_TAG(PT_SYSTIME, 0x0E06)
#define PR_FID             PROP_TAG(PT_I8, 0x6748)

static void test_inbox_entry_ids(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct et_result *r = talloc(mem, struct et_result);
	uint32_t h[2] = {et_logon(&t), 0xFFFFFFFF};
	uint64_t inbox = store_special_fid(t.mbox, STORE_FOLDER_INBOX);
	uint32_t tags[] = {PR_DISPLAY_NAME_W,           PR_DISPLAY_NAME_A,
	                   PROP_TAG(PT_BINARY, 0x36D0), PROP_TAG(PT_BINARY, 0x36D1),
	                   PROP_TAG(PT_BINARY, 0x36D7), PROP_TAG(PT_LONG, 0x7FF1)};
	uint32_t store_tags[] = {PROP_TAG(PT_LONG, 0x340D), PROP_TAG(PT_BINARY, 0x35E0),
	                         PROP_TAG(PT_UNICODE, 0x3001), PROP_TAG(PT_LONG, 0x6666)};
	struct rop_request q[3] = {et_open_folder(0, 1, inbox), et_get_props(1, tags, 6),
	                           et_get_props(0, store_tags, 4)};
	struct mapi_binary eid;

	test_begin("OpenFolder Inbox, GetPropertiesSpecific: stage 5 entry IDs, string types");
	test_assert_int(et_exec(&t, mem, q, 3, h, 2, r), 0);
	test_assert_int(r->count, 3);
	test_assert_int(r->resps[0].return_value, 0);
	test_assert(r->handles[1] != 0xFFFFFFFF);
	test_assert_int(r->resps[1].return_value, 0);
	const struct mapi_propval *v = r->resps[1].u.get_properties_specific.row.vals.vals;
	test_assert_str(v[0].v.str, "Inbox");
	test_assert_int(PROP_TYPE(v[1].tag), PT_STRING8);
	test_assert_str(v[1].v.str, "Inbox");
	test_assert_int(store_folder_entryid(
	                    mem, t.mbox, store_special_fid(t.mbox, STORE_FOLDER_CALENDAR), &eid),
	                0);
	test_assert_int(v[2].v.bin.len, eid.len);
	test_assert(v[2].v.bin.len == eid.len && memcmp(v[2].v.bin.data, eid.data, eid.len) == 0);
	test_assert_int(store_folder_entryid(
	                    mem, t.mbox, store_special_fid(t.mbox, STORE_FOLDER_CONTACTS), &eid),
	                0);
	test_assert(v[3].v.bin.len == eid.len && memcmp(v[3].v.bin.data, eid.data, eid.len) == 0);
	test_assert_int(
	    store_folder_entryid(mem, t.mbox, store_special_fid(t.mbox, STORE_FOLDER_DRAFTS), &eid),
	    0);
	test_assert(v[4].v.bin.len == eid.len && memcmp(v[4].v.bin.data, eid.data, eid.len) == 0);
	test_assert_int(PROP_TYPE(v[5].tag), PT_ERROR);
	test_assert_int(v[5].v.err, EC_NotFound);
	/* the store object */
	v = r->resps[2].u.get_properties_specific.row.vals.vals;
	test_assert_int(r->resps[2].return_value, 0);
	test_assert(v[0].v.i32 != 0);
	test_assert_int(store_folder_entryid(
	                    mem, t.mbox, store_special_fid(t.mbox, STORE_FOLDER_IPM_SUBTREE), &eid),
	                0);
	test_assert(v[1].v.bin.len == eid.len && memcmp(v[1].v.bin.data, eid.data, eid.len) == 0);
	test_assert_str(v[2].v.str, "Mailbox - Alice Example");
	test_assert_int(PROP_TYPE(v[3].tag), PT_ERROR);
	test_end();
	talloc_free(mem);
}

static void test_create_folder(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct et_result *r = talloc(mem, struct et_result);
	uint32_t h[3] = {et_logon(&t), 0xFFFFFFFF, 0xFFFFFFFF};
	uint64_t inbox = store_special_fid(t.mbox, STORE_FOLDER_INBOX), fid = 0;
	struct rop_request q[6];

	test_begin("CreateFolder, open-if-exists, duplicate name, set/get/delete props, delete");
	memset(q, 0, sizeof(q));
	q[0] = et_open_folder(0, 1, inbox);
	q[1].rop_id = ROP_ID_CreateFolder;
	q[1].input_handle = 1;
	q[1].output_handle = 2;
	q[1].u.create_folder.folder_type = 1;
	q[1].u.create_folder.use_unicode_strings = 1;
	q[1].u.create_folder.display_name = (char *)"Projects";
	q[1].u.create_folder.comment = (char *)"work";
	q[2] = q[1];
	q[3] = q[1];
	q[3].u.create_folder.open_existing = 1;
	test_assert_int(et_exec(&t, mem, q, 4, h, 3, r), 0);
	test_assert_int(r->count, 4);
	test_assert_int(r->resps[1].return_value, 0);
	fid = r->resps[1].u.create_folder.folder_id;
	uint64_t found = 0;
	test_assert_int(store_folder_find(t.mbox, inbox, "projects", &found), 1);
	test_assert(found == fid);
	test_assert_int(r->resps[2].return_value, EC_CollidingNames);
	test_assert_int(r->resps[3].return_value, 0);
	test_assert(r->resps[3].u.create_folder.folder_id == fid);
	test_assert(r->handles[2] != 0xFFFFFFFF);
	uint32_t fh[3];
	memcpy(fh, r->handles, sizeof(fh));

	/* properties on the new folder through its handle */
	struct mapi_propval pv = {.tag = PR_CONTAINER_CLASS};
	pv.v.str = (char *)"IPF.Note";
	uint32_t tags[] = {PR_CONTAINER_CLASS, PROP_TAG(PT_STRING8, 0x3613),
	                   PROP_TAG(PT_UNICODE, 0x3004)};
	memset(q, 0, sizeof(q));
	q[0].rop_id = ROP_ID_SetProperties;
	q[0].input_handle = 2;
	q[0].u.set_properties.vals.count = 1;
	q[0].u.set_properties.vals.vals = &pv;
	q[1] = et_get_props(2, tags, 3);
	q[2].rop_id = ROP_ID_GetPropertiesList;
	q[2].input_handle = 2;
	q[3].rop_id = ROP_ID_DeleteProperties;
	q[3].input_handle = 2;
	q[3].u.delete_properties.tags.count = 1;
	q[3].u.delete_properties.tags.tags = tags;
	q[4] = et_get_props(2, tags, 1);
	test_assert_int(et_exec(&t, mem, q, 5, fh, 3, r), 0);
	test_assert_int(r->count, 5);
	test_assert_int(r->resps[0].return_value, 0);
	test_assert_int(r->resps[0].u.set_properties.problems.count, 0);
	const struct mapi_propval *v = r->resps[1].u.get_properties_specific.row.vals.vals;
	test_assert_str(v[0].v.str, "IPF.Note");
	test_assert_str(v[1].v.str, "IPF.Note");
	test_assert_str(v[2].v.str, "work");
	int listed = 0;
	for (uint32_t i = 0; i < r->resps[2].u.get_properties_list.tags.count; i++)
		listed += r->resps[2].u.get_properties_list.tags.tags[i] == PR_CONTAINER_CLASS;
	test_assert_int(listed, 1);
	test_assert_int(r->resps[3].return_value, 0);
	test_assert_int(PROP_TYPE(r->resps[4].u.get_properties_specific.row.vals.vals[0].tag),
	                PT_ERROR);

	/* 8-bit set reads back as Unicode */
	pv.tag = PROP_TAG(PT_STRING8, 0x3613);
	pv.v.str = (char *)"IPF.\xe9t\xe9";
	q[1] = et_get_props(2, tags, 1);
	test_assert_int(et_exec(&t, mem, q, 2, fh, 3, r), 0);
	test_assert_str(r->resps[1].u.get_properties_specific.row.vals.vals[0].v.str,
	                "IPF.\xc3\xa9t\xc3\xa9");

	/* delete it */
	memset(q, 0, sizeof(q));
	q[0].rop_id = ROP_ID_DeleteFolder;
	q[0].input_handle = 1;
	q[0].u.delete_folder.delete_folder_flags = 0x15;
	q[0].u.delete_folder.folder_id = fid;
	q[1] = et_open_folder(0, 2, fid);
	q[2].rop_id = ROP_ID_DeleteFolder;
	q[2].input_handle = 1;
	q[2].u.delete_folder.folder_id = store_special_fid(t.mbox, STORE_FOLDER_ROOT);
	test_assert_int(et_exec(&t, mem, q, 3, fh, 3, r), 0);
	test_assert_int(r->resps[0].return_value, 0);
	test_assert_int(r->resps[0].u.delete_folder.partial_completion, 0);
	test_assert_int(store_folder_find(t.mbox, inbox, "projects", &found), 0);
	test_assert_int(r->resps[1].return_value, EC_NotFound);
	test_assert(r->resps[2].return_value != 0);
	test_end();
	talloc_free(mem);
}

static void test_named(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct et_result *r = talloc(mem, struct et_result);
	uint32_t h[1] = {et_logon(&t)};
	struct mapi_property_name names[2] = {{.kind = MNID_ID, .lid = 0x8501},
	                                      {.kind = MNID_STRING, .name = (char *)"Keywords"}};
	struct rop_request q[4];

	names[0].guid.b[0] = 0x08;
	names[1].guid.b[0] = 0x29;
	test_begin("GetPropertyIdsFromNames (create), GetNamesFromPropertyIds, Query");
	memset(q, 0, sizeof(q));
	q[0].rop_id = ROP_ID_GetPropertyIdsFromNames;
	q[0].u.get_property_ids_from_names.flags = 0x00;
	q[0].u.get_property_ids_from_names.names.count = 2;
	q[0].u.get_property_ids_from_names.names.names = names;
	q[1] = q[0];
	q[1].u.get_property_ids_from_names.flags = 0x02;
	test_assert_int(et_exec(&t, mem, q, 2, h, 1, r), 0);
	/* [MS-OXCPRPT] 2.2.12.2: not found, create unset: ID 0 and a warning */
	test_assert_int(r->resps[0].return_value, EC_ErrorsReturned);
	test_assert_int(r->resps[0].u.get_property_ids_from_names.ids.count, 2);
	test_assert_int(r->resps[0].u.get_property_ids_from_names.ids.ids[0], 0);
	test_assert_int(r->resps[0].u.get_property_ids_from_names.ids.ids[1], 0);
	test_assert_int(r->resps[1].return_value, 0);
	uint16_t id0 = r->resps[1].u.get_property_ids_from_names.ids.ids[0];
	uint16_t id1 = r->resps[1].u.get_property_ids_from_names.ids.ids[1];
	test_assert(id0 >= 0x8000 && id1 >= 0x8000 && id0 != id1);
	uint16_t ids[3] = {id1, id0, 0x0037};
	memset(q, 0, sizeof(q));
	q[0].rop_id = ROP_ID_GetNamesFromPropertyIds;
	q[0].u.get_names_from_property_ids.ids.count = 3;
	q[0].u.get_names_from_property_ids.ids.ids = ids;
	q[1].rop_id = ROP_ID_QueryNamedProperties;
	q[2].rop_id = ROP_ID_QueryNamedProperties;
	q[2].u.query_named_properties.query_flags = 0x01; /* no strings */
	test_assert_int(et_exec(&t, mem, q, 3, h, 1, r), 0);
	test_assert_int(r->resps[0].return_value, 0);
	const struct mapi_property_name *n = r->resps[0].u.get_names_from_property_ids.names.names;
	test_assert_int(n[0].kind, MNID_STRING);
	test_assert_str(n[0].name, "Keywords");
	test_assert_int(n[1].kind, MNID_ID);
	test_assert_int(n[1].lid, 0x8501);
	test_assert_int(n[2].kind, MNID_NONE);
	test_assert_int(r->resps[1].return_value, 0);
	test_assert(r->resps[1].u.query_named_properties.ids_names.count >= 2);
	const struct rop_ids_names *in = &r->resps[2].u.query_named_properties.ids_names;
	for (uint16_t i = 0; i < in->count; i++)
		test_assert(in->names[i].kind == MNID_ID);
	test_end();
	talloc_free(mem);
}

static uint64_t add_message(uint64_t fid, const char *subject, uint64_t dtime)
{
	struct store_message *msg;
	struct mapi_propval v[3] = {{.tag = PR_SUBJECT_W},
	                            {.tag = PR_DELIVERY_TIME},
	                            {.tag = PROP_TAG(PT_UNICODE, 0x001A)}};
	v[0].v.str = (char *)subject;
	v[1].v.ft = dtime;
	v[2].v.str = (char *)"IPM.Note";
	struct mapi_propval_array vals = {3, v};
	if (store_message_create(NULL, t.mbox, fid, false, &msg) != 0 ||
	    store_message_set_props(msg, &vals) != 0 || store_message_save(msg, false) != 0)
		abort();
	uint64_t mid = store_message_mid(msg);
	store_message_close(&msg);
	return mid;
}

static void test_tables(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct et_result *r = talloc(mem, struct et_result);
	uint32_t h[3] = {et_logon(&t), 0xFFFFFFFF, 0xFFFFFFFF};
	uint64_t sent = store_special_fid(t.mbox, STORE_FOLDER_SENT_ITEMS);
	uint64_t mids[5];
	char subj[5][8];
	struct rop_request q[12];
	uint32_t cols[] = {PR_MID, PR_SUBJECT_W, PR_SUBJECT_A};
	struct mapi_sort_order so = {PR_DELIVERY_TIME, TABLE_SORT_DESCEND};

	for (int i = 0; i < 5; i++) {
		snprintf(subj[i], sizeof(subj[i]), "m%d", i);
		mids[i] = add_message(sent, subj[i], 130000000000000000ULL + (uint64_t)i * 1000);
	}
	test_begin("contents table: columns, sort, QueryRows, position, bookmarks, FindRow");
	memset(q, 0, sizeof(q));
	q[0] = et_open_folder(0, 1, sent);
	q[1].rop_id = ROP_ID_GetContentsTable;
	q[1].input_handle = 1;
	q[1].output_handle = 2;
	q[1].u.get_contents_table.table_flags = 0x40;
	q[2].rop_id = ROP_ID_QueryRows; /* before SetColumns */
	q[2].input_handle = 2;
	q[2].u.query_rows.forward_read = 1;
	q[2].u.query_rows.row_count = 10;
	q[3].rop_id = ROP_ID_SetColumns;
	q[3].input_handle = 2;
	q[3].u.set_columns.tags.count = 3;
	q[3].u.set_columns.tags.tags = cols;
	q[4].rop_id = ROP_ID_SortTable;
	q[4].input_handle = 2;
	q[4].u.sort_table.sorts.count = 1;
	q[4].u.sort_table.sorts.sorts = &so;
	q[5] = q[2];
	q[5].u.query_rows.row_count = 3;
	q[6].rop_id = ROP_ID_QueryPosition;
	q[6].input_handle = 2;
	q[7].rop_id = ROP_ID_CreateBookmark;
	q[7].input_handle = 2;
	q[8].rop_id = ROP_ID_GetStatus;
	q[8].input_handle = 2;
	q[9].rop_id = ROP_ID_Abort;
	q[9].input_handle = 2;
	q[10].rop_id = ROP_ID_SetColumns; /* on a folder: wrong object */
	q[10].input_handle = 1;
	q[10].u.set_columns.tags = q[3].u.set_columns.tags;
	et_set_columns(&t, cols, 3);
	test_assert_int(et_exec(&t, mem, q, 11, h, 3, r), 0);
	test_assert_int(r->count, 11);
	test_assert_int(r->resps[1].return_value, 0);
	test_assert_int(r->resps[1].u.get_contents_table.row_count, 5);
	test_assert_int(r->resps[2].return_value, EC_NullObject);
	test_assert_int(r->resps[3].return_value, 0);
	test_assert_int(r->resps[4].return_value, 0);
	test_assert_int(r->resps[5].return_value, 0);
	const struct rop_row_list *rows = &r->resps[5].u.query_rows.rows;
	test_assert_int(rows->count, 3);
	for (uint32_t i = 0; i < rows->count && i < 3; i++) {
		test_assert((uint64_t)rows->rows[i].vals.vals[0].v.i64 == mids[4 - i]);
		test_assert_str(rows->rows[i].vals.vals[1].v.str, subj[4 - i]);
		test_assert_str(rows->rows[i].vals.vals[2].v.str, subj[4 - i]);
	}
	test_assert_int(r->resps[5].u.query_rows.origin, 1);
	test_assert_int(r->resps[6].u.query_position.numerator, 3);
	test_assert_int(r->resps[6].u.query_position.denominator, 5);
	test_assert_int(r->resps[7].return_value, 0);
	struct mapi_binary bm = r->resps[7].u.create_bookmark.bookmark;
	bm.data = talloc_memdup(mem, bm.data, bm.len);
	test_assert_int(r->resps[8].u.get_status.table_status, 0);
	test_assert_int(r->resps[9].return_value, EC_AbortFailed);
	test_assert_int(r->resps[10].return_value, EC_NotSupported);
	test_end();

	test_begin("SeekRow, SeekRowBookmark, FindRow, Restrict, ResetTable, FreeBookmark");
	uint32_t tabh[3];
	memcpy(tabh, r->handles, sizeof(tabh));
	struct mapi_restriction res = {.rt = RES_PROPERTY};
	res.u.prop.relop = RELOP_EQ;
	res.u.prop.proptag = PR_SUBJECT_W;
	res.u.prop.val.tag = PR_SUBJECT_W;
	res.u.prop.val.v.str = (char *)"m1";
	memset(q, 0, sizeof(q));
	q[0].rop_id = ROP_ID_SeekRow;
	q[0].input_handle = 2;
	q[0].u.seek_row.origin = 0;
	q[0].u.seek_row.row_count = 10;
	q[0].u.seek_row.want_row_moved_count = 1;
	q[1].rop_id = ROP_ID_SeekRowBookmark;
	q[1].input_handle = 2;
	q[1].u.seek_row_bookmark.bookmark = bm;
	q[1].u.seek_row_bookmark.row_count = 1;
	q[2].rop_id = ROP_ID_QueryPosition;
	q[2].input_handle = 2;
	q[3].rop_id = ROP_ID_FindRow;
	q[3].input_handle = 2;
	q[3].u.find_row.restriction = &res;
	q[3].u.find_row.origin = 0;
	q[4].rop_id = ROP_ID_Restrict;
	q[4].input_handle = 2;
	q[4].u.restrict_.restriction = &res;
	q[5].rop_id = ROP_ID_QueryPosition;
	q[5].input_handle = 2;
	q[6].rop_id = ROP_ID_ResetTable;
	q[6].input_handle = 2;
	q[7].rop_id = ROP_ID_QueryPosition;
	q[7].input_handle = 2;
	q[8].rop_id = ROP_ID_FreeBookmark;
	q[8].input_handle = 2;
	q[8].u.free_bookmark.bookmark = bm;
	q[9] = q[8];
	test_assert_int(et_exec(&t, mem, q, 10, tabh, 3, r), 0);
	test_assert_int(r->count, 10);
	test_assert_int(r->resps[0].return_value, 0);
	test_assert_int(r->resps[0].u.seek_row.has_sought_less, 1);
	test_assert_int(r->resps[0].u.seek_row.rows_sought, 5);
	test_assert_int(r->resps[1].return_value, 0);
	test_assert_int(r->resps[1].u.seek_row_bookmark.rows_sought, 1);
	test_assert_int(r->resps[2].u.query_position.numerator, 4);
	test_assert_int(r->resps[3].return_value, 0);
	test_assert_int(r->resps[3].u.find_row.has_row_data, 1);
	test_assert((uint64_t)r->resps[3].u.find_row.row.vals.vals[0].v.i64 == mids[1]);
	test_assert_int(r->resps[4].return_value, 0);
	test_assert_int(r->resps[5].u.query_position.denominator, 1);
	test_assert_int(r->resps[6].return_value, 0);
	test_assert_int(r->resps[7].u.query_position.denominator, 5);
	test_assert_int(r->resps[8].return_value, 0);
	test_assert_int(r->resps[9].return_value, EC_InvalidBookmark);
	/* an 8-bit client's restriction finds the Unicode value */
	struct mapi_restriction res8 = res;
	res8.u.prop.proptag = PR_SUBJECT_A;
	res8.u.prop.val.tag = PR_SUBJECT_A;
	res8.u.prop.val.v.str = (char *)"m2";
	memset(q, 0, sizeof(q));
	q[0].rop_id = ROP_ID_Restrict;
	q[0].input_handle = 2;
	q[0].u.restrict_.restriction = &res8;
	q[1].rop_id = ROP_ID_QueryRows;
	q[1].input_handle = 2;
	q[1].u.query_rows.forward_read = 1;
	q[1].u.query_rows.row_count = 10;
	q[2].rop_id = ROP_ID_SetColumns;
	q[2].input_handle = 2;
	q[2].u.set_columns.tags.count = 3;
	q[2].u.set_columns.tags.tags = cols;
	q[3] = q[1];
	test_assert_int(et_exec(&t, mem, q + 2, 2, tabh, 3, r), 0); /* columns again */
	test_assert_int(et_exec(&t, mem, q, 2, tabh, 3, r), 0);
	test_assert_int(r->resps[0].return_value, 0);
	test_assert_int(r->resps[1].u.query_rows.rows.count, 1);
	test_assert(r->resps[1].u.query_rows.rows.count == 1 &&
	            (uint64_t)r->resps[1].u.query_rows.rows.rows[0].vals.vals[0].v.i64 == mids[2]);
	test_end();

	test_begin("hierarchy table of the IPM subtree matches the store's children");
	uint32_t hcols[] = {PR_FID, PR_DISPLAY_NAME_W};
	uint64_t *kids;
	uint32_t nkids;
	test_assert_int(store_folder_children(mem, t.mbox,
	                                      store_special_fid(t.mbox, STORE_FOLDER_IPM_SUBTREE),
	                                      &kids, &nkids),
	                0);
	memset(q, 0, sizeof(q));
	q[0] = et_open_folder(0, 1, store_special_fid(t.mbox, STORE_FOLDER_IPM_SUBTREE));
	q[1].rop_id = ROP_ID_GetHierarchyTable;
	q[1].input_handle = 1;
	q[1].output_handle = 2;
	q[1].u.get_hierarchy_table.table_flags = 0x40;
	q[2].rop_id = ROP_ID_SetColumns;
	q[2].input_handle = 2;
	q[2].u.set_columns.tags.count = 2;
	q[2].u.set_columns.tags.tags = hcols;
	q[3].rop_id = ROP_ID_QueryRows;
	q[3].input_handle = 2;
	q[3].u.query_rows.forward_read = 1;
	q[3].u.query_rows.row_count = 100;
	q[4].rop_id = ROP_ID_QueryColumnsAll;
	q[4].input_handle = 2;
	et_set_columns(&t, hcols, 2);
	test_assert_int(et_exec(&t, mem, q, 5, h, 3, r), 0);
	test_assert_int(r->resps[1].u.get_hierarchy_table.row_count, nkids);
	test_assert_int(r->resps[3].u.query_rows.rows.count, nkids);
	test_assert_int(r->resps[3].u.query_rows.origin, 2);
	int matched = 0;
	for (uint32_t i = 0; i < r->resps[3].u.query_rows.rows.count; i++)
		for (uint32_t k = 0; k < nkids; k++)
			matched +=
			    (uint64_t)r->resps[3].u.query_rows.rows.rows[i].vals.vals[0].v.i64 ==
			    kids[k];
	test_assert_int(matched, nkids);
	test_assert(r->resps[4].u.query_columns_all.tags.count > 5);
	test_end();
	talloc_free(mem);
}

static void test_handles(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct et_result *r = talloc(mem, struct et_result);
	uint32_t h[3] = {et_logon(&t), 0xFFFFFFFF, 0x12345678};
	uint64_t inbox = store_special_fid(t.mbox, STORE_FOLDER_INBOX);
	struct rop_request q[6];
	uint32_t tags[] = {PR_DISPLAY_NAME_W};

	test_begin("handles: null, stale, out of range, released with the parent, bad logon");
	memset(q, 0, sizeof(q));
	q[0] = et_open_folder(1, 2, inbox); /* input 0xFFFFFFFF */
	q[1] = et_open_folder(2, 1, inbox); /* input never handed out */
	q[2] = et_open_folder(7, 1, inbox); /* index past the table */
	q[3] = et_open_folder(0, 9, inbox); /* output index past the table */
	q[4] = et_open_folder(0, 1, inbox);
	q[4].logon_id = 5; /* no such logon */
	q[5] = et_open_folder(0, 1, inbox);
	test_assert_int(et_exec(&t, mem, q, 6, h, 3, r), 0);
	test_assert_int(r->count, 6);
	for (int i = 0; i < 5; i++)
		test_assert_int(r->resps[i].return_value, EC_NullObject);
	test_assert_int(r->resps[5].return_value, 0);
	uint32_t folder = r->handles[1];

	/* release the logon: the folder opened from it goes too */
	uint32_t h2[2] = {h[0], folder};
	memset(q, 0, sizeof(q));
	q[0] = et_get_props(1, tags, 1);
	q[1].rop_id = ROP_ID_Release;
	q[1].input_handle = 0;
	q[2] = et_get_props(1, tags, 1);
	test_assert_int(et_exec(&t, mem, q, 3, h2, 2, r), 0);
	test_assert_int(r->count, 2);
	test_assert_int(r->resps[0].return_value, 0);
	test_assert_int(r->resps[1].return_value, EC_NullObject);
	test_end();
	talloc_free(mem);
}

static void test_search_folder(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct et_result *r = talloc(mem, struct et_result);
	uint32_t h[3] = {et_logon(&t), 0xFFFFFFFF, 0xFFFFFFFF};
	uint64_t finder = store_special_fid(t.mbox, STORE_FOLDER_FINDER);
	uint64_t sent = store_special_fid(t.mbox, STORE_FOLDER_SENT_ITEMS);
	uint64_t scope[1] = {sent};
	struct mapi_restriction res = {.rt = RES_PROPERTY};
	struct rop_request q[8];

	res.u.prop.relop = RELOP_EQ;
	res.u.prop.proptag = PR_SUBJECT_W;
	res.u.prop.val.tag = PR_SUBJECT_W;
	res.u.prop.val.v.str = (char *)"m3";
	test_begin(
	    "search folder: CreateFolder type 2, Get before Set, SetSearchCriteria, contents");
	memset(q, 0, sizeof(q));
	q[0] = et_open_folder(0, 1, finder);
	q[1].rop_id = ROP_ID_CreateFolder;
	q[1].input_handle = 1;
	q[1].output_handle = 2;
	q[1].u.create_folder.folder_type = 2;
	q[1].u.create_folder.use_unicode_strings = 1;
	q[1].u.create_folder.display_name = (char *)"Reminders";
	q[1].u.create_folder.comment = (char *)"";
	q[2].rop_id = ROP_ID_GetSearchCriteria;
	q[2].input_handle = 2;
	q[2].u.get_search_criteria.include_restriction = 1;
	q[2].u.get_search_criteria.include_folders = 1;
	q[3].rop_id = ROP_ID_SetSearchCriteria;
	q[3].input_handle = 2;
	q[3].u.set_search_criteria.restriction = &res;
	q[3].u.set_search_criteria.folder_ids.count = 1;
	q[3].u.set_search_criteria.folder_ids.ids = scope;
	q[3].u.set_search_criteria.search_flags = 0x00000002 | 0x00000008;
	q[4] = q[2];
	q[5].rop_id = ROP_ID_GetContentsTable;
	q[5].input_handle = 2;
	q[5].output_handle = 1;
	q[6].rop_id = ROP_ID_SetSearchCriteria; /* on a generic folder */
	q[6].input_handle = 0;
	test_assert_int(et_exec(&t, mem, q, 6, h, 3, r), 0);
	test_assert_int(r->count, 6);
	test_assert_int(r->resps[1].return_value, 0);
	test_assert_int(r->resps[2].return_value, EC_NotInitialized);
	test_assert_int(r->resps[3].return_value, 0);
	test_assert_int(r->resps[4].return_value, 0);
	test_assert_int(r->resps[4].u.get_search_criteria.folder_ids.count, 1);
	test_assert(r->resps[4].u.get_search_criteria.folder_ids.count == 1 &&
	            r->resps[4].u.get_search_criteria.folder_ids.ids[0] == sent);
	test_assert(r->resps[4].u.get_search_criteria.restriction != NULL);
	test_assert((r->resps[4].u.get_search_criteria.search_flags & 0x1000) != 0);
	test_assert_int(r->resps[5].return_value, 0);
	test_assert_int(r->resps[5].u.get_contents_table.row_count, 1);
	uint32_t fh[3];
	memcpy(fh, r->handles, sizeof(fh));
	q[0] = et_open_folder(0, 1, sent);
	q[1] = q[3];
	q[1].input_handle = 1;
	test_assert_int(et_exec(&t, mem, q, 2, fh, 3, r), 0);
	test_assert_int(r->resps[1].return_value, EC_NotSearchFolder);
	test_end();
	talloc_free(mem);
}

static void test_rows_fit(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct et_result *r = talloc(mem, struct et_result);
	uint32_t h[3] = {et_logon(&t), 0xFFFFFFFF, 0xFFFFFFFF};
	uint64_t journal = store_special_fid(t.mbox, STORE_FOLDER_JOURNAL);
	uint32_t cols[] = {PR_MID, PR_SUBJECT_W};
	char subject[201];
	struct rop_request q[5];

	memset(subject, 'x', 200);
	subject[200] = '\0';
	for (int i = 0; i < 100; i++)
		add_message(journal, subject, (uint64_t)i);
	test_begin(
	    "QueryRows answers the rows that fit in MaxRopOut and keeps the cursor after them");
	memset(q, 0, sizeof(q));
	q[0] = et_open_folder(0, 1, journal);
	q[1].rop_id = ROP_ID_GetContentsTable;
	q[1].input_handle = 1;
	q[1].output_handle = 2;
	q[1].u.get_contents_table.table_flags = 0x40 | 0x10;
	q[2].rop_id = ROP_ID_SetColumns;
	q[2].input_handle = 2;
	q[2].u.set_columns.tags.count = 2;
	q[2].u.set_columns.tags.tags = cols;
	q[3].rop_id = ROP_ID_QueryRows;
	q[3].input_handle = 2;
	q[3].u.query_rows.forward_read = 1;
	q[3].u.query_rows.row_count = 100;
	q[4].rop_id = ROP_ID_QueryPosition;
	q[4].input_handle = 2;
	et_set_columns(&t, cols, 2);
	test_assert_int(et_exec_full(&t, mem, q, 5, h, 3, 3, 4096, r), 0);
	test_assert_int(r->ret, 0);
	test_assert_int(r->count, 5);
	uint32_t got = r->resps[3].u.query_rows.rows.count;
	test_assert(got > 0 && got < 100);
	test_assert(r->rops_len + 8 + 2 + 12 <= 4096);
	test_assert_int(r->resps[4].u.query_position.numerator, got);
	/* the next call goes on from there */
	uint32_t th[3];
	memcpy(th, r->handles, sizeof(th));
	test_assert_int(et_exec_full(&t, mem, q + 3, 2, th, 3, 3, 0x10000, r), 0);
	uint32_t more = r->resps[0].u.query_rows.rows.count;
	test_assert(more > got && more <= 100 - got);
	test_assert_int(r->resps[1].u.query_position.numerator, got + more);
	/* the rows follow on: the first of the second call is not a repeat */
	test_assert_int(r->resps[0].rop_id, ROP_ID_QueryRows);
	test_end();
	talloc_free(mem);
}

static void test_categories(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct et_result *r = talloc(mem, struct et_result);
	uint32_t h[3] = {et_logon(&t), 0xFFFFFFFF, 0xFFFFFFFF};
	uint64_t sent = store_special_fid(t.mbox, STORE_FOLDER_SENT_ITEMS);
	uint32_t cols[] = {PROP_TAG(PT_I8, 0x674D), PROP_TAG(PT_LONG, 0x0FF5),
	                   PROP_TAG(PT_UNICODE, 0x001A)};
	struct mapi_sort_order so[2] = {{PROP_TAG(PT_UNICODE, 0x001A), TABLE_SORT_ASCEND},
	                                {PR_DELIVERY_TIME, TABLE_SORT_DESCEND}};
	struct rop_request q[8];

	test_begin("categorised view: header row, CollapseRow, ExpandRow, collapse state");
	memset(q, 0, sizeof(q));
	q[0] = et_open_folder(0, 1, sent);
	q[1].rop_id = ROP_ID_GetContentsTable;
	q[1].input_handle = 1;
	q[1].output_handle = 2;
	q[1].u.get_contents_table.table_flags = 0x40 | 0x10;
	q[2].rop_id = ROP_ID_SetColumns;
	q[2].input_handle = 2;
	q[2].u.set_columns.tags.count = 3;
	q[2].u.set_columns.tags.tags = cols;
	q[3].rop_id = ROP_ID_SortTable;
	q[3].input_handle = 2;
	q[3].u.sort_table.sorts.count = 2;
	q[3].u.sort_table.sorts.categorized_count = 1;
	q[3].u.sort_table.sorts.expanded_count = 1;
	q[3].u.sort_table.sorts.sorts = so;
	q[4].rop_id = ROP_ID_QueryRows;
	q[4].input_handle = 2;
	q[4].u.query_rows.forward_read = 1;
	q[4].u.query_rows.row_count = 100;
	et_set_columns(&t, cols, 3);
	test_assert_int(et_exec(&t, mem, q, 5, h, 3, r), 0);
	test_assert_int(r->resps[3].return_value, 0);
	const struct rop_row_list *rows = &r->resps[4].u.query_rows.rows;
	test_assert_int(rows->count, 6);
	if (rows->count < 1) {
		test_end();
		talloc_free(mem);
		return;
	}
	test_assert_int(rows->rows[0].vals.vals[1].v.i32, 3); /* expanded header */
	uint64_t cat = (uint64_t)rows->rows[0].vals.vals[0].v.i64;
	uint32_t th[3];
	memcpy(th, r->handles, sizeof(th));
	memset(q, 0, sizeof(q));
	q[0].rop_id = ROP_ID_GetCollapseState;
	q[0].input_handle = 2;
	q[0].u.get_collapse_state.row_id = cat;
	q[1].rop_id = ROP_ID_CollapseRow;
	q[1].input_handle = 2;
	q[1].u.collapse_row.category_id = cat;
	q[2].rop_id = ROP_ID_QueryPosition;
	q[2].input_handle = 2;
	q[3].rop_id = ROP_ID_ExpandRow;
	q[3].input_handle = 2;
	q[3].u.expand_row.category_id = cat;
	q[3].u.expand_row.max_row_count = 3;
	q[4].rop_id = ROP_ID_QueryPosition;
	q[4].input_handle = 2;
	q[5].rop_id = ROP_ID_CollapseRow;
	q[5].input_handle = 2;
	q[5].u.collapse_row.category_id = 0x4242;
	test_assert_int(et_exec(&t, mem, q, 6, th, 3, r), 0);
	test_assert_int(r->resps[0].return_value, 0);
	test_assert(r->resps[0].u.get_collapse_state.collapse_state.len > 0);
	struct mapi_binary state = r->resps[0].u.get_collapse_state.collapse_state;
	state.data = talloc_memdup(mem, state.data, state.len);
	test_assert_int(r->resps[1].return_value, 0);
	test_assert_int(r->resps[1].u.collapse_row.collapsed_row_count, 5);
	test_assert_int(r->resps[2].u.query_position.denominator, 1);
	test_assert_int(r->resps[3].return_value, 0);
	test_assert_int(r->resps[3].u.expand_row.expanded_row_count, 5);
	test_assert_int(r->resps[3].u.expand_row.rows.count, 3);
	test_assert(r->resps[3].u.expand_row.rows.count == 3 &&
	            r->resps[3].u.expand_row.rows.rows[0].vals.vals[1].v.i32 == 1); /* a leaf */
	test_assert_int(r->resps[4].u.query_position.denominator, 6);
	test_assert_int(r->resps[5].return_value, EC_NotFound);
	memset(q, 0, sizeof(q));
	q[0].rop_id = ROP_ID_SetCollapseState;
	q[0].input_handle = 2;
	q[0].u.set_collapse_state.collapse_state = state;
	q[1] = q[0];
	q[1].u.set_collapse_state.collapse_state.len = 3;
	test_assert_int(et_exec(&t, mem, q, 2, th, 3, r), 0);
	test_assert_int(r->resps[0].return_value, 0);
	test_assert_int(r->resps[0].u.set_collapse_state.bookmark.len, 4);
	test_assert_int(r->resps[1].return_value, EC_InvalidParameter);
	test_end();
	talloc_free(mem);
}

static void test_root_entry_ids(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct et_result *r = talloc(mem, struct et_result);
	uint32_t h[3] = {et_logon(&t), 0xFFFFFFFF, 0xFFFFFFFF};
	uint32_t tags[] = {PROP_TAG(PT_BINARY, 0x36D0),   PROP_TAG(PT_BINARY, 0x36D1),
	                   PROP_TAG(PT_BINARY, 0x36D2),   PROP_TAG(PT_BINARY, 0x36D3),
	                   PROP_TAG(PT_BINARY, 0x36D4),   PROP_TAG(PT_BINARY, 0x36D7),
	                   PROP_TAG(PT_MV_BINARY, 0x36D8)};
	struct rop_request q[4] = {
	    et_open_folder(0, 1, store_special_fid(t.mbox, STORE_FOLDER_ROOT)),
	    et_get_props(1, tags, 7),
	    et_open_folder(0, 2, store_special_fid(t.mbox, STORE_FOLDER_INBOX)),
	    et_get_props(2, tags, 7)};

	test_begin("Root and Inbox answer the same stage 5 entry IDs");
	test_assert_int(et_exec(&t, mem, q, 4, h, 3, r), 0);
	test_assert_int(r->count, 4);
	const struct mapi_propval_array *root = &r->resps[1].u.get_properties_specific.row.vals;
	const struct mapi_propval_array *inbox = &r->resps[3].u.get_properties_specific.row.vals;
	test_assert_int(root->count, 7);
	test_assert_int(inbox->count, 7);
	for (uint32_t i = 0; i < 6 && root->count == 7 && inbox->count == 7; i++) {
		test_assert(PROP_TYPE(root->vals[i].tag) == PT_BINARY);
		test_assert(root->vals[i].v.bin.len == inbox->vals[i].v.bin.len &&
		            memcmp(root->vals[i].v.bin.data, inbox->vals[i].v.bin.data,
		                   root->vals[i].v.bin.len) == 0);
	}
	if (root->count == 7) {
		test_assert_int(PROP_TYPE(root->vals[6].tag), PT_MV_BINARY);
		test_assert(root->vals[6].v.mv.count >= 5);
	}
	test_end();
	talloc_free(mem);
}

int main(void)
{
	et_setup(&t);
	test_inbox_entry_ids();
	test_root_entry_ids();
	test_create_folder();
	test_named();
	test_tables();
	test_handles();
	test_search_folder();
	test_rows_fit();
	test_categories();
	et_teardown(&t);
	return test_exit();
}
