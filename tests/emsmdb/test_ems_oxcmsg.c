/* Messages and attachments ([MS-OXCMSG]) and the message operations of
 * [MS-OXCFOLD] through ems_execute, checked against the store. */
#include "ems_test.h"

static struct ems_t t;

#define PR_SUBJECT     PROP_TAG(PT_UNICODE, 0x0037)
#define PR_BODY        PROP_TAG(PT_UNICODE, 0x1000)
#define PR_MSG_FLAGS   PROP_TAG(PT_LONG, 0x0E07)
#define PR_ATTACH_NAME PROP_TAG(PT_UNICODE, 0x3707)
#define PR_NORM_SUBJ   PROP_TAG(PT_UNICODE, 0x0E1D)

static uint64_t saved_mid;

static void test_create_save(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct et_result *r = talloc(mem, struct et_result);
	uint32_t h[3] = {et_logon(&t), 0xFFFFFFFF, 0xFFFFFFFF};
	uint64_t drafts = store_special_fid(t.mbox, STORE_FOLDER_DRAFTS);
	struct mapi_propval v[2] = {{.tag = PR_SUBJECT}, {.tag = PR_BODY}};
	uint32_t tags[] = {PR_SUBJECT, PR_BODY};
	struct rop_request q[6];

	v[0].v.str = (char *)"Hello world";
	v[1].v.str = (char *)"Body text";
	test_begin(
	    "CreateMessage, SetProperties, SaveChangesMessage: it reads back from the store");
	q[0] = et_rq(ROP_ID_CreateMessage, 0, 0);
	q[0].output_handle = 1;
	q[0].u.create_message.code_page_id = 0x0FFF;
	q[0].u.create_message.folder_id = drafts;
	q[1] = et_set_props(1, v, 2);
	q[2] = et_rq(ROP_ID_SaveChangesMessage, 1, 0);
	q[2].response_handle = 1;
	q[2].u.save_changes_message.save_flags = 0x02;
	q[3] = et_get_props(1, tags, 2);
	q[4] = et_rq(ROP_ID_CreateMessage, 0, 0);
	q[4].output_handle = 2;
	q[4].u.create_message.folder_id = 0x4242000000000001ULL; /* no such folder */
	test_assert_int(et_exec(&t, mem, q, 5, h, 3, r), 0);
	test_assert_int(r->count, 5);
	test_assert_int(r->resps[0].return_value, 0);
	test_assert_int(r->resps[0].u.create_message.has_message_id, 0);
	test_assert_int(r->resps[1].return_value, 0);
	test_assert_int(r->resps[2].return_value, 0);
	saved_mid = r->resps[2].u.save_changes_message.message_id;
	test_assert(saved_mid != 0);
	test_assert_int(r->resps[2].u.save_changes_message.input_handle_index, 1);
	test_assert_str(r->resps[3].u.get_properties_specific.row.vals.vals[0].v.str,
	                "Hello world");
	test_assert_int(r->resps[4].return_value, EC_NotFound);
	struct store_message *msg;
	struct mapi_proptag_array ta = {2, tags};
	struct mapi_propval_array vals;
	test_assert_int(store_message_open(mem, t.mbox, drafts, saved_mid, &msg), 0);
	test_assert_int(store_message_get_props(mem, msg, &ta, &vals), 0);
	test_assert_str(vals.vals[0].v.str, "Hello world");
	test_assert_str(vals.vals[1].v.str, "Body text");
	test_end();
	talloc_free(mem);
}

/* [MS-OXCMSG] 3.2.5.2: the server generates PidTagSearchKey when the
 * message is created, before any save; each message its own. */
static void test_create_search_key(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct et_result *r = talloc(mem, struct et_result);
	uint32_t h[3] = {et_logon(&t), 0xFFFFFFFF, 0xFFFFFFFF};
	uint64_t drafts = store_special_fid(t.mbox, STORE_FOLDER_DRAFTS);
	uint32_t tags[] = {PROP_TAG(PT_BINARY, 0x300B)};
	struct rop_request q[4];

	test_begin("CreateMessage: PidTagSearchKey generated at creation, one per message");
	q[0] = et_rq(ROP_ID_CreateMessage, 0, 0);
	q[0].output_handle = 1;
	q[0].u.create_message.folder_id = drafts;
	q[1] = et_get_props(1, tags, 1);
	q[2] = et_rq(ROP_ID_CreateMessage, 0, 0);
	q[2].output_handle = 2;
	q[2].u.create_message.folder_id = drafts;
	q[3] = et_get_props(2, tags, 1);
	test_assert_int(et_exec(&t, mem, q, 4, h, 3, r), 0);
	test_assert_int(r->count, 4);
	test_assert_int(r->resps[1].return_value, 0);
	test_assert_int(r->resps[3].return_value, 0);
	const struct mapi_propval *a = &r->resps[1].u.get_properties_specific.row.vals.vals[0];
	const struct mapi_propval *b = &r->resps[3].u.get_properties_specific.row.vals.vals[0];
	test_assert_int(a->tag, tags[0]);
	test_assert_int(b->tag, tags[0]);
	if (a->tag == tags[0] && b->tag == tags[0]) {
		test_assert_int(a->v.bin.len, 16);
		test_assert(a->v.bin.len != b->v.bin.len ||
		            memcmp(a->v.bin.data, b->v.bin.data, a->v.bin.len) != 0);
	}
	test_end();
	talloc_free(mem);
}

static void test_open_read_flags(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct et_result *r = talloc(mem, struct et_result);
	uint32_t h[3] = {et_logon(&t), 0xFFFFFFFF, 0xFFFFFFFF};
	uint64_t drafts = store_special_fid(t.mbox, STORE_FOLDER_DRAFTS);
	struct mapi_propval v = {.tag = PR_SUBJECT};
	uint32_t tags[] = {PR_MSG_FLAGS};
	struct rop_request q[8];

	v.v.str = (char *)"changed";
	test_begin("OpenMessage read-only refuses writes; read flags on message and folder");
	q[0] = et_open_message(0, 1, drafts, saved_mid, 0x00);
	q[1] = et_set_props(1, &v, 1);
	q[2] = et_open_message(0, 2, drafts, saved_mid, 0x03);
	q[3] = et_rq(ROP_ID_SetMessageReadFlag, 2, 0);
	q[3].response_handle = 2;
	q[3].u.set_message_read_flag.read_flags = 0x00;
	q[4] = et_get_props(2, tags, 1);
	q[5] = et_open_message(0, 1, drafts, saved_mid + 0x10000, 0x00);
	q[6] = et_open_message(0, 1, drafts, saved_mid, 0x80);
	test_assert_int(et_exec(&t, mem, q, 7, h, 3, r), 0);
	test_assert_int(r->count, 7);
	test_assert_int(r->resps[0].return_value, 0);
	const struct rop_open_message_resp *om = &r->resps[0].u.open_message;
	test_assert_int(om->normalized_subject.type, 0x04);
	test_assert_str(om->normalized_subject.str, "Hello world");
	test_assert_int(om->recipient_count, 0);
	test_assert_int(r->resps[1].return_value, EC_AccessDenied);
	test_assert_int(r->resps[2].return_value, 0);
	test_assert_int(r->resps[3].return_value, 0);
	test_assert((r->resps[4].u.get_properties_specific.row.vals.vals[0].v.i32 & 1) == 1);
	test_assert_int(r->resps[5].return_value, EC_NotFound);
	test_assert_int(r->resps[6].return_value, EC_InvalidParameter);
	/* the store sees it read */
	struct store_message *msg;
	struct mapi_proptag_array ta = {1, tags};
	struct mapi_propval_array vals;
	test_assert_int(store_message_open(mem, t.mbox, drafts, saved_mid, &msg), 0);
	test_assert_int(store_message_get_props(mem, msg, &ta, &vals), 0);
	test_assert((vals.vals[0].v.i32 & 1) == 1);
	store_message_close(&msg);
	/* clear it through the folder */
	uint64_t mids[1] = {saved_mid};
	q[0] = et_open_folder(0, 1, drafts);
	q[1] = et_rq(ROP_ID_SetReadFlags, 1, 0);
	q[1].u.set_read_flags.read_flags = 0x04;
	q[1].u.set_read_flags.message_ids.count = 1;
	q[1].u.set_read_flags.message_ids.ids = mids;
	test_assert_int(et_exec(&t, mem, q, 2, h, 3, r), 0);
	test_assert_int(r->resps[1].return_value, 0);
	test_assert_int(store_message_open(mem, t.mbox, drafts, saved_mid, &msg), 0);
	test_assert_int(store_message_get_props(mem, msg, &ta, &vals), 0);
	test_assert((vals.vals[0].v.i32 & 1) == 0);
	store_message_close(&msg);
	test_end();
	talloc_free(mem);
}

static void test_attachments(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct et_result *r = talloc(mem, struct et_result);
	uint32_t h[3] = {et_logon(&t), 0xFFFFFFFF, 0xFFFFFFFF};
	uint64_t drafts = store_special_fid(t.mbox, STORE_FOLDER_DRAFTS);
	struct mapi_propval v = {.tag = PR_ATTACH_NAME};
	uint32_t tags[] = {PR_ATTACH_NAME};
	struct rop_request q[8];

	v.v.str = (char *)"report.pdf";
	test_begin("CreateAttachment, SaveChangesAttachment, reopen, DeleteAttachment");
	q[0] = et_open_message(0, 1, drafts, saved_mid, 0x01);
	q[1] = et_rq(ROP_ID_CreateAttachment, 1, 0);
	q[1].output_handle = 2;
	q[2] = et_set_props(2, &v, 1);
	q[3] = et_rq(ROP_ID_SaveChangesAttachment, 2, 0);
	q[3].response_handle = 2;
	q[4] = et_rq(ROP_ID_SaveChangesMessage, 1, 0);
	q[4].response_handle = 1;
	test_assert_int(et_exec(&t, mem, q, 5, h, 3, r), 0);
	test_assert_int(r->count, 5);
	for (int i = 0; i < 5; i++)
		test_assert_int(r->resps[i].return_value, 0);
	uint32_t num = r->resps[1].u.create_attachment.attachment_id;
	q[0] = et_open_message(0, 1, drafts, saved_mid, 0x01);
	q[1] = et_rq(ROP_ID_OpenAttachment, 1, 0);
	q[1].output_handle = 2;
	q[1].u.open_attachment.attachment_id = num;
	q[2] = et_get_props(2, tags, 1);
	q[3] = et_rq(ROP_ID_OpenAttachment, 1, 0);
	q[3].output_handle = 2;
	q[3].u.open_attachment.attachment_id = num + 7;
	test_assert_int(et_exec(&t, mem, q, 4, h, 3, r), 0);
	test_assert_int(r->resps[1].return_value, 0);
	test_assert_str(r->resps[2].u.get_properties_specific.row.vals.vals[0].v.str, "report.pdf");
	test_assert_int(r->resps[3].return_value, EC_NotFound);
	q[1] = et_rq(ROP_ID_DeleteAttachment, 1, 0);
	q[1].u.delete_attachment.attachment_id = num;
	q[2] = et_rq(ROP_ID_SaveChangesMessage, 1, 0);
	q[2].response_handle = 1;
	test_assert_int(et_exec(&t, mem, q, 3, h, 3, r), 0);
	test_assert_int(r->resps[1].return_value, 0);
	test_assert_int(r->resps[2].return_value, 0);
	struct store_message *msg;
	uint32_t *nums, count = 9;
	test_assert_int(store_message_open(mem, t.mbox, drafts, saved_mid, &msg), 0);
	test_assert_int(store_message_attach_list(mem, msg, &nums, &count), 0);
	test_assert_int(count, 0);
	store_message_close(&msg);
	test_end();
	talloc_free(mem);
}

static uint32_t count_rows(uint64_t fid)
{
	struct store_table *tab;
	uint32_t pos, total = 0;
	if (store_table_open(NULL, t.mbox, fid, STORE_TABLE_CONTENTS, 0, &tab) != 0)
		return 9999;
	store_table_position(tab, &pos, &total);
	store_table_close(&tab);
	return total;
}

static void test_move_copy_delete(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct et_result *r = talloc(mem, struct et_result);
	uint32_t h[3] = {et_logon(&t), 0xFFFFFFFF, 0xFFFFFFFF};
	uint64_t drafts = store_special_fid(t.mbox, STORE_FOLDER_DRAFTS);
	uint64_t deleted = store_special_fid(t.mbox, STORE_FOLDER_DELETED_ITEMS);
	uint64_t mids[2] = {saved_mid, 0x0001999999999999ULL};
	struct rop_request q[6];

	test_begin("MoveCopyMessages copy/move/null destination, DeleteMessages, EmptyFolder");
	uint32_t before = count_rows(deleted);
	q[0] = et_open_folder(0, 1, drafts);
	q[1] = et_open_folder(0, 2, deleted);
	q[2] = et_rq(ROP_ID_MoveCopyMessages, 1, 0);
	q[2].dest_handle = 2;
	q[2].u.move_copy_messages.message_ids.count = 1;
	q[2].u.move_copy_messages.message_ids.ids = mids;
	q[2].u.move_copy_messages.want_copy = 1;
	q[3] = q[2];
	q[3].dest_handle = 0; /* the logon: not a folder */
	q[4] = q[2];
	q[4].dest_handle = 7; /* out of the table: null */
	test_assert_int(et_exec(&t, mem, q, 5, h, 3, r), 0);
	test_assert_int(r->count, 5);
	test_assert_int(r->resps[2].return_value, 0);
	test_assert_int(r->resps[2].u.move_copy_messages.partial_completion, 0);
	test_assert_int(count_rows(deleted), before + 1);
	test_assert_int(count_rows(drafts), 1);
	test_assert_int(r->resps[3].return_value, EC_NotSupported);
	test_assert_int(r->resps[4].return_value, EC_NullDestinationObject);
	test_assert_int(r->resps[4].u.move_copy_messages.dest_handle_index, 7);
	uint32_t fh[3];
	memcpy(fh, r->handles, sizeof(fh));
	/* move with one missing ID: partial */
	q[0] = et_rq(ROP_ID_MoveCopyMessages, 1, 0);
	q[0].dest_handle = 2;
	q[0].u.move_copy_messages.message_ids.count = 2;
	q[0].u.move_copy_messages.message_ids.ids = mids;
	test_assert_int(et_exec(&t, mem, q, 1, fh, 3, r), 0);
	test_assert_int(r->resps[0].return_value, 0);
	test_assert_int(r->resps[0].u.move_copy_messages.partial_completion, 1);
	test_assert_int(count_rows(drafts), 0);
	test_assert_int(count_rows(deleted), before + 2);
	/* delete one from Deleted Items, then empty it */
	struct store_table *tab;
	struct mapi_propval_array *rows;
	uint32_t n, col = PROP_TAG(PT_I8, 0x674A);
	struct mapi_proptag_array cols = {1, &col};
	test_assert_int(store_table_open(mem, t.mbox, deleted, STORE_TABLE_CONTENTS, 0, &tab), 0);
	test_assert_int(store_table_set_columns(tab, &cols), 0);
	test_assert_int(store_table_query_rows(mem, tab, 1, true, &rows, &n), 0);
	uint64_t del[1] = {(uint64_t)rows[0].vals[0].v.i64};
	store_table_close(&tab);
	q[0] = et_rq(ROP_ID_HardDeleteMessages, 2, 0);
	q[0].u.hard_delete_messages.message_ids.count = 1;
	q[0].u.hard_delete_messages.message_ids.ids = del;
	test_assert_int(et_exec(&t, mem, q, 1, fh, 3, r), 0);
	test_assert_int(r->resps[0].return_value, 0);
	test_assert_int(count_rows(deleted), before + 1);
	q[0] = et_rq(ROP_ID_EmptyFolder, 2, 0);
	test_assert_int(et_exec(&t, mem, q, 1, fh, 3, r), 0);
	test_assert_int(r->resps[0].return_value, 0);
	test_assert_int(count_rows(deleted), 0);
	test_end();

	test_begin("MoveFolder and CopyFolder");
	uint64_t inbox = store_special_fid(t.mbox, STORE_FOLDER_INBOX), sub, found;
	test_assert_int(store_folder_create(t.mbox, inbox, "Sub", NULL, STORE_FOLDER_GENERIC, &sub),
	                0);
	q[0] = et_open_folder(0, 1, inbox);
	q[1] = et_open_folder(0, 2, deleted);
	q[2] = et_rq(ROP_ID_CopyFolder, 1, 0);
	q[2].dest_handle = 2;
	q[2].u.copy_folder.folder_id = sub;
	q[2].u.copy_folder.want_recursive = 1;
	q[2].u.copy_folder.new_folder_name = (char *)"SubCopy";
	q[3] = et_rq(ROP_ID_MoveFolder, 1, 0);
	q[3].dest_handle = 2;
	q[3].u.move_folder.folder_id = sub;
	q[3].u.move_folder.new_folder_name = (char *)"SubMoved";
	test_assert_int(et_exec(&t, mem, q, 4, h, 3, r), 0);
	test_assert_int(r->resps[2].return_value, 0);
	test_assert_int(r->resps[3].return_value, 0);
	test_assert_int(store_folder_find(t.mbox, deleted, "SubCopy", &found), 1);
	test_assert_int(store_folder_find(t.mbox, deleted, "SubMoved", &found), 1);
	test_assert(found == sub);
	test_assert_int(store_folder_find(t.mbox, inbox, "Sub", &found), 0);
	test_end();
	talloc_free(mem);
}

static void test_attachment_table(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct et_result *r = talloc(mem, struct et_result);
	uint32_t h[4] = {et_logon(&t), 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF};
	uint64_t inbox = store_special_fid(t.mbox, STORE_FOLDER_INBOX);
	struct mapi_propval v[2] = {{.tag = PR_ATTACH_NAME}, {.tag = PR_ATTACH_NAME}};
	uint32_t cols[] = {PROP_TAG(PT_LONG, 0x0E21), PR_ATTACH_NAME, PROP_TAG(PT_STRING8, 0x3707)};
	struct mapi_sort_order so = {PROP_TAG(PT_LONG, 0x0E21), TABLE_SORT_DESCEND};
	struct rop_request q[15];

	v[0].v.str = (char *)"a.txt";
	v[1].v.str = (char *)"b.txt";
	test_begin("GetAttachmentTable: columns, rows in attachment order, position; no sort; "
	           "GetPropertiesAll on an attachment");
	q[0] = et_rq(ROP_ID_CreateMessage, 0, 0);
	q[0].output_handle = 1;
	q[0].u.create_message.folder_id = inbox;
	q[1] = et_rq(ROP_ID_CreateAttachment, 1, 0);
	q[1].output_handle = 2;
	q[2] = et_set_props(2, &v[0], 1);
	q[3] = et_rq(ROP_ID_SaveChangesAttachment, 2, 0);
	q[3].response_handle = 2;
	q[4] = et_rq(ROP_ID_CreateAttachment, 1, 0);
	q[4].output_handle = 2;
	q[5] = et_set_props(2, &v[1], 1);
	q[6] = et_rq(ROP_ID_SaveChangesAttachment, 2, 0);
	q[6].response_handle = 2;
	q[7] = et_rq(ROP_ID_GetAttachmentTable, 1, 0);
	q[7].output_handle = 3;
	q[7].u.get_attachment_table.table_flags = 0x40;
	q[8] = et_rq(ROP_ID_SetColumns, 3, 0);
	q[8].u.set_columns.tags.count = 3;
	q[8].u.set_columns.tags.tags = cols;
	q[9] = et_rq(ROP_ID_QueryRows, 3, 0);
	q[9].u.query_rows.forward_read = 1;
	q[9].u.query_rows.row_count = 10;
	q[10] = et_rq(ROP_ID_QueryPosition, 3, 0);
	q[11] = et_rq(ROP_ID_SortTable, 3, 0);
	q[11].u.sort_table.sorts.count = 1;
	q[11].u.sort_table.sorts.sorts = &so;
	q[12] = et_rq(ROP_ID_GetValidAttachments, 1, 0);
	q[13] = et_rq(ROP_ID_GetPropertiesAll, 2, 0);
	q[13].u.get_properties_all.want_unicode = 1;
	q[14] = et_rq(ROP_ID_ReloadCachedInformation, 1, 0);
	et_set_columns(&t, cols, 3);
	test_assert_int(et_exec(&t, mem, q, 15, h, 4, r), 0);
	test_assert_int(r->count, 15);
	test_assert_int(r->resps[14].return_value, 0);
	test_assert_int(r->resps[14].u.reload_cached_information.recipient_count, 0);
	test_assert_int(r->resps[13].return_value, 0);
	int named = 0;
	const struct mapi_propval_array *all = &r->resps[13].u.get_properties_all.vals;
	for (uint32_t i = 0; i < all->count; i++)
		named +=
		    all->vals[i].tag == PR_ATTACH_NAME && strcmp(all->vals[i].v.str, "b.txt") == 0;
	test_assert_int(named, 1);
	test_assert_int(r->resps[7].return_value, 0);
	test_assert_int(r->resps[9].return_value, 0);
	const struct rop_row_list *rows = &r->resps[9].u.query_rows.rows;
	test_assert_int(rows->count, 2);
	if (rows->count == 2) {
		test_assert_int(rows->rows[0].vals.vals[0].v.i32,
		                r->resps[1].u.create_attachment.attachment_id);
		test_assert_str(rows->rows[0].vals.vals[1].v.str, "a.txt");
		test_assert_str(rows->rows[1].vals.vals[1].v.str, "b.txt");
		test_assert_str(rows->rows[1].vals.vals[2].v.str, "b.txt");
	}
	test_assert_int(r->resps[10].u.query_position.numerator, 2);
	test_assert_int(r->resps[10].u.query_position.denominator, 2);
	test_assert_int(r->resps[11].return_value, EC_NotSupported);
	test_assert_int(r->resps[12].return_value, 0);
	test_assert_int(r->resps[12].u.get_valid_attachments.attachment_ids.count, 2);
	test_end();
	talloc_free(mem);
}

static void test_status_transport(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct et_result *r = talloc(mem, struct et_result);
	uint32_t h[2] = {et_logon(&t), 0xFFFFFFFF};
	uint64_t inbox = store_special_fid(t.mbox, STORE_FOLDER_INBOX);
	struct store_message *msg;
	struct rop_request q[8];

	test_assert_int(store_message_create(mem, t.mbox, inbox, false, &msg), 0);
	test_assert_int(store_message_save(msg, false), 0);
	uint64_t mid = store_message_mid(msg);
	store_message_close(&msg);
	test_begin("Get/SetMessageStatus, GetTransportFolder, AbortSubmit");
	q[0] = et_open_folder(0, 1, inbox);
	q[1] = et_rq(ROP_ID_GetMessageStatus, 1, 0);
	q[1].u.get_message_status.message_id = mid;
	q[2] = et_rq(ROP_ID_SetMessageStatus, 1, 0);
	q[2].u.set_message_status.message_id = mid;
	q[2].u.set_message_status.message_status_flags = 0x00001000 | 0x2;
	q[2].u.set_message_status.message_status_mask = 0x00001000;
	q[3] = q[1];
	q[4] = et_rq(ROP_ID_GetMessageStatus, 1, 0);
	q[4].u.get_message_status.message_id = mid + 0x1000000;
	q[5] = et_rq(ROP_ID_GetTransportFolder, 0, 0);
	q[6] = et_rq(ROP_ID_AbortSubmit, 0, 0);
	q[6].u.abort_submit.folder_id = inbox;
	q[6].u.abort_submit.message_id = mid;
	test_assert_int(et_exec(&t, mem, q, 7, h, 2, r), 0);
	test_assert_int(r->count, 7);
	test_assert_int(r->resps[1].return_value, 0);
	test_assert_int(r->resps[1].u.get_message_status.message_status_flags, 0);
	test_assert_int(r->resps[2].return_value, 0);
	test_assert_int(r->resps[2].u.set_message_status.message_status_flags, 0);
	test_assert_int(r->resps[3].u.get_message_status.message_status_flags, 0x1000);
	test_assert_int(r->resps[4].return_value, EC_NotFound);
	test_assert(r->resps[5].u.get_transport_folder.folder_id ==
	            store_special_fid(t.mbox, STORE_FOLDER_OUTBOX));
	test_assert_int(r->resps[6].return_value, EC_NotInQueue);
	test_end();
	talloc_free(mem);
}

static void test_size_limit(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct et_result *r = talloc(mem, struct et_result);
	uint32_t h[2] = {et_logon(&t), 0xFFFFFFFF};
	uint64_t inbox = store_special_fid(t.mbox, STORE_FOLDER_INBOX);
	char *body = talloc_array(mem, char, 3001);
	struct mapi_propval v[2] = {{.tag = PR_SUBJECT}, {.tag = PR_BODY}};
	uint32_t tags[] = {PR_SUBJECT, PR_BODY};
	struct rop_request q[4];

	memset(body, 'b', 3000);
	body[3000] = '\0';
	v[0].v.str = (char *)"short";
	v[1].v.str = body;
	test_begin(
	    "GetPropertiesSpecific: values over PropertySizeLimit or the room answer ecMAPIOOM");
	q[0] = et_rq(ROP_ID_CreateMessage, 0, 0);
	q[0].output_handle = 1;
	q[0].u.create_message.folder_id = inbox;
	q[1] = et_set_props(1, v, 2);
	q[2] = et_get_props(1, tags, 2);
	q[2].u.get_properties_specific.property_size_limit = 100;
	q[3] = et_get_props(1, tags, 2);
	test_assert_int(et_exec(&t, mem, q, 4, h, 2, r), 0);
	const struct mapi_propval *g = r->resps[2].u.get_properties_specific.row.vals.vals;
	test_assert_str(g[0].v.str, "short");
	test_assert_int(PROP_TYPE(g[1].tag), PT_ERROR);
	test_assert_int(g[1].v.err, EC_OutOfMemory);
	g = r->resps[3].u.get_properties_specific.row.vals.vals;
	test_assert(PROP_TYPE(g[1].tag) == PT_UNICODE && strlen(g[1].v.str) == 3000);
	/* no limit, but a 2 KiB response buffer: the body cannot travel */
	uint32_t mh[2];
	memcpy(mh, r->handles, sizeof(mh));
	test_assert_int(et_exec_full(&t, mem, q + 3, 1, mh, 2, 3, 2048, r), 0);
	test_assert_int(r->resps[0].rop_id, ROP_ID_GetPropertiesSpecific);
	g = r->resps[0].u.get_properties_specific.row.vals.vals;
	test_assert_int(PROP_TYPE(g[1].tag), PT_ERROR);
	test_assert_int(g[1].v.err, EC_OutOfMemory);
	test_end();
	talloc_free(mem);
}

int main(void)
{
	et_setup(&t);
	test_create_save();
	test_create_search_key();
	test_open_read_flags();
	test_attachments();
	test_move_copy_delete();
	test_attachment_table();
	test_status_transport();
	test_size_limit();
	et_teardown(&t);
	return test_exit();
}
