/* Streams on message properties ([MS-OXCPRPT] 2.2.14-2.2.22: OpenStream,
 * ReadStream, WriteStream, CommitStream, SeekStream, sizes) through
 * ems_execute, checked against the store. */
#include "ems_test.h"

static struct ems_t t;

#define PR_SUBJECT     PROP_TAG(PT_UNICODE, 0x0037)
#define PR_BODY        PROP_TAG(PT_UNICODE, 0x1000)
#define PR_MSG_FLAGS   PROP_TAG(PT_LONG, 0x0E07)
#define PR_ATTACH_NAME PROP_TAG(PT_UNICODE, 0x3707)
#define PR_NORM_SUBJ   PROP_TAG(PT_UNICODE, 0x0E1D)

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
	/* a saved binary property read back through a stream: exactly its
	 * bytes (ASan checks the copy reads no further) */
	{
		struct rop_request rq[3];

		rq[0] = et_open_message(0, 1, inbox, mid, 0x00);
		rq[1] = et_rq(ROP_ID_OpenStream, 1, 0);
		rq[1].output_handle = 2;
		rq[1].u.open_stream.proptag = PROP_TAG(PT_BINARY, 0x6601);
		rq[2] = et_rq(ROP_ID_ReadStream, 2, 0);
		rq[2].u.read_stream.byte_count = 100;
		test_assert_int(et_exec(&t, mem, rq, 3, h, 4, r), 0);
		test_assert_int(r->resps[1].u.open_stream.stream_size, 8);
		test_assert(r->resps[2].u.read_stream.data.len == 8 &&
		            memcmp(r->resps[2].u.read_stream.data.data, want1, 8) == 0);
	}
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

int main(void)
{
	et_setup(&t);
	test_streams();
	et_teardown(&t);
	return test_exit();
}
