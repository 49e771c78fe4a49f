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

static void test_streams(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct et_result *r = talloc(mem, struct et_result);
	uint32_t h[4] = {et_logon(&t), 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF};
	uint64_t inbox = store_special_fid(t.mbox, STORE_FOLDER_INBOX);
	const uint8_t hello[10] = {'H', 0, 'e', 0, 'l', 0, 'l', 0, 'o', 0};
	struct rop_request q[12];

	test_begin("streams: write, size, seek, read, commit, save; read-only and missing");
	q[0] = et_rq(ROP_ID_CreateMessage, 0, 0);
	q[0].output_handle = 1;
	q[0].u.create_message.folder_id = inbox;
	q[1] = et_rq(ROP_ID_OpenStream, 1, 0);
	q[1].output_handle = 2;
	q[1].u.open_stream.proptag = PR_BODY;
	q[1].u.open_stream.open_mode_flags = 0x02;
	q[2] = et_rq(ROP_ID_WriteStream, 2, 0);
	q[2].u.write_stream.data.len = 10;
	q[2].u.write_stream.data.data = (uint8_t *)hello;
	q[3] = et_rq(ROP_ID_GetStreamSize, 2, 0);
	q[4] = et_rq(ROP_ID_SeekStream, 2, 0);
	q[4].u.seek_stream.origin = 0;
	q[4].u.seek_stream.offset = 2;
	q[5] = et_rq(ROP_ID_ReadStream, 2, 0);
	q[5].u.read_stream.byte_count = 0xBABE;
	q[5].u.read_stream.maximum_byte_count = 4;
	q[6] = et_rq(ROP_ID_SeekStream, 2, 0);
	q[6].u.seek_stream.origin = 1;
	q[6].u.seek_stream.offset = (uint64_t)-100;
	q[7] = et_rq(ROP_ID_CommitStream, 2, 0);
	q[8] = et_rq(ROP_ID_SaveChangesMessage, 1, 0);
	q[8].response_handle = 1;
	q[9] = et_rq(ROP_ID_OpenStream, 1, 0);
	q[9].output_handle = 3;
	q[9].u.open_stream.proptag = PROP_TAG(PT_BINARY, 0x7777);
	q[10] = et_rq(ROP_ID_OpenStream, 1, 0);
	q[10].output_handle = 3;
	q[10].u.open_stream.proptag = PROP_TAG(PT_LONG, 0x0E07);
	test_assert_int(et_exec(&t, mem, q, 11, h, 4, r), 0);
	test_assert_int(r->count, 11);
	test_assert_int(r->resps[1].return_value, 0);
	test_assert_int(r->resps[1].u.open_stream.stream_size, 0);
	test_assert_int(r->resps[2].u.write_stream.written_size, 10);
	test_assert_int(r->resps[3].u.get_stream_size.stream_size, 10);
	test_assert_int(r->resps[4].u.seek_stream.new_position, 2);
	test_assert_int(r->resps[5].u.read_stream.data.len, 4);
	test_assert(r->resps[5].u.read_stream.data.len == 4 &&
	            memcmp(r->resps[5].u.read_stream.data.data, hello + 2, 4) == 0);
	test_assert_int(r->resps[6].return_value, EC_StorageInvalidFunction);
	test_assert_int(r->resps[7].return_value, 0);
	test_assert_int(r->resps[8].return_value, 0);
	test_assert_int(r->resps[9].return_value, EC_NotFound);
	test_assert_int(r->resps[10].return_value, EC_NotSupported);
	uint64_t mid = r->resps[8].u.save_changes_message.message_id;
	struct store_message *msg;
	uint32_t tag = PR_BODY;
	struct mapi_proptag_array ta = {1, &tag};
	struct mapi_propval_array vals;
	test_assert_int(store_message_open(mem, t.mbox, inbox, mid, &msg), 0);
	test_assert_int(store_message_get_props(mem, msg, &ta, &vals), 0);
	test_assert_str(vals.vals[0].v.str, "Hello");
	store_message_close(&msg);

	/* reopen read-only: the body reads back; writes are refused */
	q[0] = et_open_message(0, 1, inbox, mid, 0x00);
	q[1] = et_rq(ROP_ID_OpenStream, 1, 0);
	q[1].output_handle = 2;
	q[1].u.open_stream.proptag = PR_BODY;
	q[2] = et_rq(ROP_ID_ReadStream, 2, 0);
	q[2].u.read_stream.byte_count = 100;
	q[3] = q[1];
	q[3].output_handle = 3;
	q[3].u.open_stream.open_mode_flags = 0x01;
	q[4] = et_rq(ROP_ID_WriteStream, 2, 0);
	q[4].u.write_stream.data.len = 2;
	q[4].u.write_stream.data.data = (uint8_t *)hello;
	test_assert_int(et_exec(&t, mem, q, 5, h, 4, r), 0);
	test_assert_int(r->resps[1].u.open_stream.stream_size, 10);
	test_assert(r->resps[2].u.read_stream.data.len == 10 &&
	            memcmp(r->resps[2].u.read_stream.data.data, hello, 10) == 0);
	test_assert_int(r->resps[3].return_value, EC_AccessDenied);
	test_assert_int(r->resps[4].return_value, EC_StorageAccessDenied);

	/* read-write: released without commit, the change still reaches the save */
	q[0] = et_open_message(0, 1, inbox, mid, 0x01);
	q[1].output_handle = 2;
	q[1].u.open_stream.open_mode_flags = 0x01;
	q[2] = et_rq(ROP_ID_SetStreamSize, 2, 0);
	q[2].u.set_stream_size.stream_size = 4;
	q[3] = et_rq(ROP_ID_Release, 2, 0);
	q[4] = et_rq(ROP_ID_SaveChangesMessage, 1, 0);
	q[4].response_handle = 1;
	test_assert_int(et_exec(&t, mem, q, 5, h, 4, r), 0);
	test_assert_int(r->count, 4);
	test_assert_int(r->resps[2].return_value, 0);
	test_assert_int(r->resps[3].return_value, 0);
	test_assert_int(store_message_open(mem, t.mbox, inbox, mid, &msg), 0);
	test_assert_int(store_message_get_props(mem, msg, &ta, &vals), 0);
	test_assert_str(vals.vals[0].v.str, "He");
	store_message_close(&msg);

	/* WriteStreamExtended, CopyToStream into a second property,
	 * WriteAndCommitStream */
	const uint8_t bin[6] = {1, 2, 3, 4, 5, 6};
	q[0] = et_open_message(0, 1, inbox, mid, 0x01);
	q[1] = et_rq(ROP_ID_OpenStream, 1, 0);
	q[1].output_handle = 2;
	q[1].u.open_stream.proptag = PROP_TAG(PT_BINARY, 0x6601);
	q[1].u.open_stream.open_mode_flags = 0x02;
	q[2] = et_rq(ROP_ID_WriteStreamExtended, 2, 0);
	q[2].u.write_stream_extended.data.len = 6;
	q[2].u.write_stream_extended.data.data = (uint8_t *)bin;
	q[3] = et_rq(ROP_ID_SeekStream, 2, 0);
	q[3].u.seek_stream.offset = 1;
	q[4] = et_rq(ROP_ID_OpenStream, 1, 0);
	q[4].output_handle = 3;
	q[4].u.open_stream.proptag = PROP_TAG(PT_BINARY, 0x6602);
	q[4].u.open_stream.open_mode_flags = 0x02;
	q[5] = et_rq(ROP_ID_CopyToStream, 2, 0);
	q[5].dest_handle = 3;
	q[5].u.copy_to_stream.byte_count = 100;
	q[6] = et_rq(ROP_ID_CommitStream, 3, 0);
	q[7] = et_rq(ROP_ID_WriteAndCommitStream, 2, 0);
	q[7].u.write_and_commit_stream.data.len = 2;
	q[7].u.write_and_commit_stream.data.data = (uint8_t *)bin;
	q[8] = et_rq(ROP_ID_SaveChangesMessage, 1, 0);
	q[8].response_handle = 1;
	test_assert_int(et_exec(&t, mem, q, 9, h, 4, r), 0);
	test_assert_int(r->count, 9);
	test_assert_int(r->resps[2].u.write_stream_extended.written_size, 6);
	test_assert_int(r->resps[5].return_value, 0);
	test_assert_int(r->resps[5].u.copy_to_stream.read_byte_count, 5);
	test_assert_int(r->resps[5].u.copy_to_stream.written_byte_count, 5);
	test_assert_int(r->resps[7].return_value, 0);
	test_assert_int(r->resps[8].return_value, 0);
	uint32_t btags[2] = {PROP_TAG(PT_BINARY, 0x6601), PROP_TAG(PT_BINARY, 0x6602)};
	struct mapi_proptag_array bta = {2, btags};
	test_assert_int(store_message_open(mem, t.mbox, inbox, mid, &msg), 0);
	test_assert_int(store_message_get_props(mem, msg, &bta, &vals), 0);
	/* 1 2 3 4 5 6, then "1 2" written at position 6 */
	const uint8_t want1[8] = {1, 2, 3, 4, 5, 6, 1, 2};
	test_assert(vals.vals[0].v.bin.len == 8 && memcmp(vals.vals[0].v.bin.data, want1, 8) == 0);
	test_assert(vals.vals[1].v.bin.len == 5 &&
	            memcmp(vals.vals[1].v.bin.data, bin + 1, 5) == 0);
	store_message_close(&msg);
	/* a stream larger than the server holds */
	q[2] = et_rq(ROP_ID_SetStreamSize, 2, 0);
	q[2].u.set_stream_size.stream_size = 64ULL * 1024 * 1024 + 1;
	q[3] = et_rq(ROP_ID_SeekStream, 2, 0);
	q[3].u.seek_stream.offset = 64ULL * 1024 * 1024;
	q[4] = et_rq(ROP_ID_WriteStream, 2, 0);
	q[4].u.write_stream.data.len = 2;
	q[4].u.write_stream.data.data = (uint8_t *)bin;
	test_assert_int(et_exec(&t, mem, q, 5, h, 4, r), 0);
	test_assert_int(r->resps[2].return_value, EC_StreamSizeError);
	test_assert_int(r->resps[3].return_value, 0);
	test_assert_int(r->resps[4].return_value, EC_StreamSizeError);
	test_end();
	talloc_free(mem);
}

/* A client's RecipientRow: SMTP with E and D, one extra column value. */
static struct mapi_binary smtp_row(TALLOC_CTX *mem, const char *email, const char *name,
                                   int32_t extra)
{
	struct rop_push p;
	rop_push_init_growable(&p, mem);
	rop_push_u16(&p, 0x0200 | 0x0010 | 0x0008 | 0x0003);
	rop_push_utf16z(&p, email);
	rop_push_utf16z(&p, name);
	rop_push_u16(&p, 1); /* RecipientColumnCount */
	rop_push_u8(&p, 0);  /* StandardPropertyRow */
	rop_push_u32(&p, (uint32_t)extra);
	struct mapi_binary b = {(uint32_t)p.ofs, p.data};
	return b;
}

static struct mapi_binary ex_row(TALLOC_CTX *mem, const char *prefix_and_dn, uint8_t prefix_used,
                                 const char *name)
{
	struct rop_push p;
	rop_push_init_growable(&p, mem);
	rop_push_u16(&p, 0x0200 | 0x0010 | 0x0001);
	rop_push_u8(&p, prefix_used);
	rop_push_u8(&p, 0); /* DisplayType DT_MAILUSER */
	rop_push_asciiz(&p, prefix_and_dn + prefix_used);
	rop_push_utf16z(&p, name);
	rop_push_u16(&p, 0);
	rop_push_u8(&p, 0);
	struct mapi_binary b = {(uint32_t)p.ofs, p.data};
	return b;
}

/* [MS-OXCDATA] 2.8.3.1: S 0x0040 says the TransmittableDisplayName is the
 * DisplayName (no field of its own), I 0x0400 carries a SimpleDisplayName,
 * T 0x0020 a TransmittableDisplayName of its own. */
static void test_recipient_name_flags(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct et_result *r = talloc(mem, struct et_result);
	uint32_t h[2] = {et_logon(&t), 0xFFFFFFFF};
	uint64_t drafts = store_special_fid(t.mbox, STORE_FOLDER_DRAFTS);
	uint32_t cols[] = {PROP_TAG(PT_LONG, 0x5FFF)};
	struct rop_recipient_row rows[2];
	struct rop_request q[5];
	struct rop_push w;

	test_begin("RecipientRow S and I flags: read on ModifyRecipients, set on ReadRecipients");
	memset(rows, 0, sizeof(rows));
	/* S and I: email, display, simple; the transmittable name is Carol's */
	rop_push_init_growable(&w, mem);
	rop_push_u16(&w, 0x0200 | 0x0400 | 0x0040 | 0x0010 | 0x0008 | 0x0003);
	rop_push_utf16z(&w, "carol@example.com");
	rop_push_utf16z(&w, "Carol");
	rop_push_utf16z(&w, "carol");
	rop_push_u16(&w, 1);
	rop_push_u8(&w, 0);
	rop_push_u32(&w, 0);
	rows[0].row.len = (uint32_t)w.ofs;
	rows[0].row.data = w.data;
	rows[0].recipient_type = 1;
	/* T: a transmittable name of its own */
	rop_push_init_growable(&w, mem);
	rop_push_u16(&w, 0x0200 | 0x0020 | 0x0010 | 0x0008 | 0x0003);
	rop_push_utf16z(&w, "dan@example.com");
	rop_push_utf16z(&w, "Dan");
	rop_push_utf16z(&w, "Daniel");
	rop_push_u16(&w, 1);
	rop_push_u8(&w, 0);
	rop_push_u32(&w, 0);
	rows[1].row.len = (uint32_t)w.ofs;
	rows[1].row.data = w.data;
	rows[1].row_id = 1;
	rows[1].recipient_type = 2;
	q[0] = et_rq(ROP_ID_CreateMessage, 0, 0);
	q[0].output_handle = 1;
	q[0].u.create_message.folder_id = drafts;
	q[1] = et_rq(ROP_ID_ModifyRecipients, 1, 0);
	q[1].u.modify_recipients.recipient_columns.count = 1;
	q[1].u.modify_recipients.recipient_columns.tags = cols;
	q[1].u.modify_recipients.rows.count = 2;
	q[1].u.modify_recipients.rows.rows = rows;
	q[2] = et_rq(ROP_ID_ReadRecipients, 1, 0);
	q[2].u.read_recipients.row_id = 0;
	test_assert_int(et_exec(&t, mem, q, 3, h, 2, r), 0);
	test_assert_int(r->count, 3);
	test_assert_int(r->resps[1].return_value, 0);
	test_assert_int(r->resps[2].return_value, 0);
	const struct rop_recipient_rows *rr = &r->resps[2].u.read_recipients.rows;
	test_assert_int(rr->count, 2);
	struct rop_pull p;
	uint16_t flags;
	char *s[3];
	if (rr->count == 2) {
		rop_pull_init(&p, mem, rr->rows[0].row.data, rr->rows[0].row.len);
		test_assert_int(rop_pull_u16(&p, &flags), ROP_OK);
		test_assert_int(flags & 0x0460, 0x0440); /* S and I, no T */
		for (int i = 0; i < 3; i++)
			test_assert_int(rop_pull_utf16z(&p, &s[i]), ROP_OK);
		test_assert_str(s[1], "Carol");
		test_assert_str(s[2], "carol");
		uint16_t ncols = 99;
		test_assert_int(rop_pull_u16(&p, &ncols), ROP_OK);
		test_assert_int(ncols, 0);
		rop_pull_init(&p, mem, rr->rows[1].row.data, rr->rows[1].row.len);
		test_assert_int(rop_pull_u16(&p, &flags), ROP_OK);
		test_assert_int(flags & 0x0460, 0x0020); /* T only */
		for (int i = 0; i < 3; i++)
			test_assert_int(rop_pull_utf16z(&p, &s[i]), ROP_OK);
		test_assert_str(s[1], "Dan");
		test_assert_str(s[2], "Daniel");
	}
	test_end();
	talloc_free(mem);
}

static void test_recipients(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct et_result *r = talloc(mem, struct et_result);
	uint32_t h[2] = {et_logon(&t), 0xFFFFFFFF};
	uint64_t drafts = store_special_fid(t.mbox, STORE_FOLDER_DRAFTS);
	uint32_t cols[] = {PROP_TAG(PT_LONG, 0x5FFF)}; /* PidTagRecipientTrackStatus */
	struct rop_recipient_row rows[3];
	struct rop_request q[6];

	test_begin("ModifyRecipients (SMTP, EX with DN prefix), ReadRecipients, remove");
	memset(rows, 0, sizeof(rows));
	rows[0].row_id = 0;
	rows[0].recipient_type = 1;
	rows[0].row = smtp_row(mem, "bob@example.com", "Bob", 7);
	rows[1].row_id = 1;
	rows[1].recipient_type = 2;
	rows[1].row = ex_row(mem, t.user->legacy_dn, 10, "Alice Example");
	q[0] = et_rq(ROP_ID_CreateMessage, 0, 0);
	q[0].output_handle = 1;
	q[0].u.create_message.folder_id = drafts;
	q[1] = et_rq(ROP_ID_ModifyRecipients, 1, 0);
	q[1].u.modify_recipients.recipient_columns.count = 1;
	q[1].u.modify_recipients.recipient_columns.tags = cols;
	q[1].u.modify_recipients.rows.count = 2;
	q[1].u.modify_recipients.rows.rows = rows;
	q[2] = et_rq(ROP_ID_SaveChangesMessage, 1, 0);
	q[2].response_handle = 1;
	q[2].u.save_changes_message.save_flags = 0x02;
	q[3] = et_rq(ROP_ID_ReadRecipients, 1, 0);
	q[3].u.read_recipients.row_id = 0;
	q[4] = et_rq(ROP_ID_ReadRecipients, 1, 0);
	q[4].u.read_recipients.row_id = 5;
	test_assert_int(et_exec(&t, mem, q, 5, h, 2, r), 0);
	test_assert_int(r->count, 5);
	test_assert_int(r->resps[1].return_value, 0);
	test_assert_int(r->resps[2].return_value, 0);
	uint64_t mid = r->resps[2].u.save_changes_message.message_id;
	test_assert_int(r->resps[3].return_value, 0);
	const struct rop_recipient_rows *rr = &r->resps[3].u.read_recipients.rows;
	test_assert_int(rr->count, 2);
	test_assert_int(rr->rows[0].recipient_type, 1);
	/* the SMTP row: flags, then EmailAddress and DisplayName in UTF-16 */
	struct rop_pull p;
	uint16_t flags;
	char *email, *name;
	rop_pull_init(&p, mem, rr->rows[0].row.data, rr->rows[0].row.len);
	test_assert_int(rop_pull_u16(&p, &flags), ROP_OK);
	test_assert_int(flags & 0x0007, 3);
	test_assert((flags & 0x0218) == 0x0218);
	test_assert_int(rop_pull_utf16z(&p, &email), ROP_OK);
	test_assert_int(rop_pull_utf16z(&p, &name), ROP_OK);
	test_assert_str(email, "bob@example.com");
	test_assert_str(name, "Bob");
	/* the EX row: the full DN came back */
	uint8_t b;
	char *dn;
	rop_pull_init(&p, mem, rr->rows[1].row.data, rr->rows[1].row.len);
	test_assert_int(rop_pull_u16(&p, &flags), ROP_OK);
	test_assert_int(flags & 0x0007, 1);
	rop_pull_u8(&p, &b);
	rop_pull_u8(&p, &b);
	test_assert_int(rop_pull_asciiz(&p, &dn), ROP_OK);
	test_assert_str(dn, t.user->legacy_dn);
	test_assert_int(r->resps[4].return_value, EC_NotFound);
	/* OpenMessage carries them too */
	struct rop_request oq[2] = {et_open_message(0, 1, drafts, mid, 0x00)};
	uint32_t oh[2] = {h[0], 0xFFFFFFFF};
	struct et_result *r2 = talloc(mem, struct et_result);
	test_assert_int(et_exec(&t, mem, oq, 1, oh, 2, r2), 0);
	test_assert_int(r2->resps[0].return_value, 0);
	test_assert_int(r2->resps[0].u.open_message.recipient_count, 2);
	test_assert_int(r2->resps[0].u.open_message.recipient_rows.count, 2);
	test_assert(r2->resps[0].u.open_message.recipient_rows.count == 2 &&
	            r2->resps[0].u.open_message.recipient_rows.rows[1].recipient_type == 2);
	/* the store holds the extra column and the types */
	struct store_message *msg;
	uint32_t n, *ids;
	struct mapi_propval_array *sr;
	test_assert_int(store_message_open(mem, t.mbox, drafts, mid, &msg), 0);
	test_assert_int(store_message_get_recipients(mem, msg, &n, &ids, &sr), 0);
	test_assert_int(n, 2);
	int found = 0;
	for (uint32_t i = 0; i < n; i++)
		for (uint32_t k = 0; k < sr[i].count; k++)
			found += sr[i].vals[k].tag == cols[0] && sr[i].vals[k].v.i32 == 7;
	test_assert_int(found, 1);
	store_message_close(&msg);
	/* remove one by an empty row, then all */
	rows[0].row.len = 0;
	q[1].u.modify_recipients.rows.count = 1;
	q[2].u.save_changes_message.save_flags = 0x02;
	q[3].u.read_recipients.row_id = 0;
	q[4] = et_rq(ROP_ID_RemoveAllRecipients, 1, 0);
	q[5] = et_rq(ROP_ID_ReadRecipients, 1, 0);
	uint32_t h2[2];
	memcpy(h2, r->handles, sizeof(h2));
	test_assert_int(et_exec(&t, mem, q + 1, 5, h2, 2, r), 0);
	test_assert_int(r->resps[0].return_value, 0);
	test_assert_int(r->resps[2].u.read_recipients.rows.count, 1);
	test_assert_int(r->resps[2].u.read_recipients.rows.rows[0].row_id, 1);
	test_assert_int(r->resps[3].return_value, 0);
	test_assert_int(r->resps[4].return_value, EC_NotFound);
	/* a malformed RecipientRow */
	rows[0].row.len = 3;
	test_assert_int(et_exec(&t, mem, q + 1, 1, h2, 2, r), 0);
	test_assert_int(r->resps[0].return_value, EC_InvalidParameter);
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
	rows[0].row = smtp_row(mem, "carol@example.com", "Carol", 0);
	rows[1].row_id = 1;
	rows[1].recipient_type = 2;
	rows[1].row = ex_row(mem, t.user->legacy_dn, 0, "Alice Example");
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
	rows[0].row = smtp_row(mem, "someone@elsewhere.example", "Someone", 0);
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
	rows[0].row = smtp_row(mem, "carol@example.com", "Carol", 0);
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

static void test_copy(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct et_result *r = talloc(mem, struct et_result);
	uint32_t h[4] = {et_logon(&t), 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF};
	uint64_t inbox = store_special_fid(t.mbox, STORE_FOLDER_INBOX);
	struct mapi_propval v[2] = {{.tag = PR_SUBJECT}, {.tag = PR_BODY}};
	struct mapi_propval w = {.tag = PR_SUBJECT};
	uint32_t tags[] = {PR_SUBJECT, PR_BODY};
	uint32_t rcols[] = {PROP_TAG(PT_LONG, 0x5FFF)};
	struct rop_recipient_row rows[1];
	struct rop_request q[12];

	v[0].v.str = (char *)"source subject";
	v[1].v.str = (char *)"source body";
	w.v.str = (char *)"kept";
	memset(rows, 0, sizeof(rows));
	rows[0].recipient_type = 1;
	rows[0].row = smtp_row(mem, "dan@example.com", "Dan", 1);
	test_begin(
	    "CopyProperties (no overwrite), CopyTo with sub-objects, move, null destination");
	q[0] = et_rq(ROP_ID_CreateMessage, 0, 0);
	q[0].output_handle = 1;
	q[0].u.create_message.folder_id = inbox;
	q[1] = et_set_props(1, v, 2);
	q[2] = et_rq(ROP_ID_ModifyRecipients, 1, 0);
	q[2].u.modify_recipients.recipient_columns.count = 1;
	q[2].u.modify_recipients.recipient_columns.tags = rcols;
	q[2].u.modify_recipients.rows.count = 1;
	q[2].u.modify_recipients.rows.rows = rows;
	q[3] = q[0];
	q[3].output_handle = 2;
	q[4] = et_set_props(2, &w, 1);
	q[5] = et_rq(ROP_ID_CopyProperties, 1, 0);
	q[5].dest_handle = 2;
	q[5].u.copy_properties.copy_flags = 0x02; /* NoOverwrite */
	q[5].u.copy_properties.tags.count = 2;
	q[5].u.copy_properties.tags.tags = tags;
	q[6] = et_get_props(2, tags, 2);
	q[7] = q[0];
	q[7].output_handle = 3;
	q[8] = et_rq(ROP_ID_CopyTo, 1, 0);
	q[8].dest_handle = 3;
	q[8].u.copy_to.want_sub_objects = 1;
	q[8].u.copy_to.copy_flags = 0x01; /* Move */
	q[8].u.copy_to.excluded_tags.count = 1;
	q[8].u.copy_to.excluded_tags.tags = &tags[1];
	q[9] = et_get_props(3, tags, 2);
	q[10] = et_get_props(1, tags, 2);
	q[11] = et_rq(ROP_ID_CopyTo, 1, 0);
	q[11].dest_handle = 0; /* the logon: another kind of object */
	test_assert_int(et_exec(&t, mem, q, 12, h, 4, r), 0);
	test_assert_int(r->count, 12);
	test_assert_int(r->resps[5].return_value, 0);
	test_assert_int(r->resps[5].u.copy_properties.problems.count, 0);
	const struct mapi_propval *g = r->resps[6].u.get_properties_specific.row.vals.vals;
	test_assert_str(g[0].v.str, "kept");
	test_assert_str(g[1].v.str, "source body");
	test_assert_int(r->resps[8].return_value, 0);
	test_assert_int(r->resps[8].u.copy_to.problems.count, 0);
	g = r->resps[9].u.get_properties_specific.row.vals.vals;
	test_assert_str(g[0].v.str, "source subject");
	test_assert_int(PROP_TYPE(g[1].tag), PT_ERROR); /* excluded */
	g = r->resps[10].u.get_properties_specific.row.vals.vals;
	test_assert_int(PROP_TYPE(g[0].tag), PT_ERROR); /* moved away */
	test_assert_str(g[1].v.str, "source body");     /* excluded, so kept */
	test_assert_int(r->resps[11].return_value, EC_NotSupported);
	uint32_t ch[4];
	memcpy(ch, r->handles, sizeof(ch));
	q[0] = et_rq(ROP_ID_ReadRecipients, 3, 0);
	q[1] = et_rq(ROP_ID_CopyTo, 1, 0);
	q[1].dest_handle = 2;
	ch[2] = 0xFFFFFFFF;
	test_assert_int(et_exec(&t, mem, q, 2, ch, 4, r), 0);
	test_assert_int(r->resps[0].return_value, 0);
	test_assert_int(r->resps[0].u.read_recipients.rows.count, 1);
	test_assert_int(r->resps[1].return_value, EC_NullDestinationObject);
	test_assert_int(r->resps[1].u.copy_to.dest_handle_index, 2);
	test_end();
	talloc_free(mem);
}

/* [MS-OXCFXICS] 2.2.1.2: a message CopyTo fills keeps its own source key
 * and change key, not the source message's. */
static void test_copy_to_identity(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct et_result *r = talloc(mem, struct et_result);
	uint32_t h[3] = {et_logon(&t), 0xFFFFFFFF, 0xFFFFFFFF};
	uint64_t inbox = store_special_fid(t.mbox, STORE_FOLDER_INBOX);
	uint32_t keys[] = {PROP_TAG(PT_BINARY, 0x65E0), PROP_TAG(PT_BINARY, 0x65E2)};
	struct rop_request q[7];

	test_begin("CopyTo between messages leaves the destination its own identity");
	q[0] = et_rq(ROP_ID_CreateMessage, 0, 0);
	q[0].output_handle = 1;
	q[0].u.create_message.folder_id = inbox;
	q[1] = et_rq(ROP_ID_SaveChangesMessage, 1, 0);
	q[1].response_handle = 1;
	q[1].u.save_changes_message.save_flags = 0x02;
	q[2] = q[0];
	q[2].output_handle = 2;
	q[3] = et_rq(ROP_ID_CopyTo, 1, 0);
	q[3].dest_handle = 2;
	q[4] = et_rq(ROP_ID_SaveChangesMessage, 2, 0);
	q[4].response_handle = 2;
	q[4].u.save_changes_message.save_flags = 0x02;
	q[5] = et_get_props(1, keys, 2);
	q[6] = et_get_props(2, keys, 2);
	test_assert_int(et_exec(&t, mem, q, 7, h, 3, r), 0);
	test_assert_int(r->count, 7);
	test_assert_int(r->resps[3].return_value, 0);
	test_assert_int(r->resps[4].return_value, 0);
	const struct mapi_propval *a = r->resps[5].u.get_properties_specific.row.vals.vals;
	const struct mapi_propval *b = r->resps[6].u.get_properties_specific.row.vals.vals;
	for (int i = 0; i < 2; i++) {
		test_assert_int(a[i].tag, keys[i]);
		test_assert_int(b[i].tag, keys[i]);
		if (a[i].tag == keys[i] && b[i].tag == keys[i])
			test_assert(a[i].v.bin.len != b[i].v.bin.len ||
			            memcmp(a[i].v.bin.data, b[i].v.bin.data, a[i].v.bin.len) != 0);
	}
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
	test_streams();
	test_recipients();
	test_recipient_name_flags();
	test_attachment_table();
	test_submit();
	test_status_transport();
	test_copy();
	test_size_limit();
	test_copy_to_identity();
	et_teardown(&t);
	return test_exit();
}
