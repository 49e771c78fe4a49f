/*
 * ROP byte examples printed in the specifications (fixtures/ropcodec/),
 * each decoded to the values the text states and encoded back byte for
 * byte.
 */
#include "rop.h"
#include "test.h"
#include "test_rpc_fixture.h"

/* Re-encodes req and compares with the fixture bytes. */
static void check_request_bytes(TALLOC_CTX *tmp, const struct rop_request *req, const uint8_t *wire,
                                size_t len)
{
	struct rop_push w;

	rop_push_init_growable(&w, tmp);
	test_assert_int(rop_push_request(&w, req), ROP_OK);
	test_assert_int(w.ofs, len);
	if (w.ofs == len)
		test_assert_mem(w.data, wire, len);
}

static void check_response_bytes(TALLOC_CTX *tmp, const struct rop_response *resp,
                                 const struct rop_encode_ctx *ctx, const uint8_t *wire, size_t len)
{
	struct rop_push w;

	rop_push_init_growable(&w, tmp);
	test_assert_int(rop_push_response(&w, resp, ctx), ROP_OK);
	test_assert_int(w.ofs, len);
	if (w.ofs == len)
		test_assert_mem(w.data, wire, len);
}

static void test_set_properties(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	size_t len = 0;
	uint8_t *wire = fixture_load(tmp, "MS-OXCPRPT-4.3.1-setproperties-request.hex", &len);
	struct rop_request req;
	struct rop_pull r;

	test_begin("[MS-OXCPRPT] 4.3.1 RopSetProperties request");
	test_assert(wire != NULL && len == 41);
	if (wire != NULL) {
		rop_pull_init(&r, tmp, wire, len);
		test_assert_int(rop_pull_request(&r, &req), ROP_OK);
		test_assert_int(rop_pull_left(&r), 0);
		test_assert_int(req.rop_id, ROP_ID_SetProperties);
		const struct mapi_propval_array *v = &req.u.set_properties.vals;
		test_assert_int(v->count, 2);
		if (v->count == 2) {
			test_assert_int(v->vals[0].tag, 0x003D001F);
			test_assert_str(v->vals[0].v.str, "");
			test_assert_int(v->vals[1].tag, 0x0E1D001F);
			test_assert_str(v->vals[1].v.str, "Hello World");
		}
		check_request_bytes(tmp, &req, wire, len);
	}
	test_end();
	talloc_free(tmp);
}

static void test_rules_table(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	static const uint32_t tags[3] = {PROP_TAG(PT_I8, 0x6674), PROP_TAG(PT_BINARY, 0x6675),
	                                 PROP_TAG(PT_UNICODE, 0x6682)};
	const struct mapi_proptag_array cols = {3, (uint32_t *)tags};
	const struct rop_decode_ctx dctx = {&cols, false};
	const struct rop_encode_ctx ectx = {&cols, NULL};
	struct rop_response resp;
	struct rop_pull r;
	size_t len = 0;
	uint8_t *wire;

	test_begin("[MS-OXORULE] 4.2.2 rules table responses");
	wire = fixture_load(tmp, "MS-OXORULE-4.2.2-getrulestable-response.hex", &len);
	test_assert(wire != NULL);
	if (wire != NULL) {
		rop_pull_init(&r, tmp, wire, len);
		test_assert_int(rop_pull_response(&r, NULL, &dctx, &resp), ROP_OK);
		test_assert(resp.rop_id == ROP_ID_GetRulesTable && resp.handle_index == 1 &&
		            resp.return_value == 0);
		check_response_bytes(tmp, &resp, &ectx, wire, len);
	}
	wire = fixture_load(tmp, "MS-OXORULE-4.2.2-setcolumns-response.hex", &len);
	test_assert(wire != NULL);
	if (wire != NULL) {
		rop_pull_init(&r, tmp, wire, len);
		test_assert_int(rop_pull_response(&r, NULL, &dctx, &resp), ROP_OK);
		test_assert(resp.rop_id == ROP_ID_SetColumns &&
		            resp.u.set_columns.table_status == 0);
		check_response_bytes(tmp, &resp, &ectx, wire, len);
	}
	wire = fixture_load(tmp, "MS-OXORULE-4.2.2-queryrows-response.hex", &len);
	test_assert(wire != NULL && len == 56);
	if (wire != NULL) {
		rop_pull_init(&r, tmp, wire, len);
		test_assert_int(rop_pull_response(&r, NULL, &dctx, &resp), ROP_OK);
		test_assert_int(rop_pull_left(&r), 0);
		const struct rop_query_rows_resp *q = &resp.u.query_rows;
		test_assert_int(q->origin, 0x02);
		test_assert_int(q->rows.count, 1);
		if (q->rows.count == 1) {
			const struct mapi_propval *v = q->rows.rows[0].vals.vals;
			test_assert_int(q->rows.rows[0].flag, 0);
			test_assert(v[0].v.i64 == 0x56F83F0100000001ll);
			test_assert_int(v[1].v.bin.len, 16);
			test_assert_str(v[2].v.str, "Project X");
		}
		check_response_bytes(tmp, &resp, &ectx, wire, len);
	}
	test_end();
	talloc_free(tmp);
}

static void test_tables(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct rop_request req;
	struct rop_response resp;
	struct rop_pull r;
	size_t len = 0;
	uint8_t *wire;

	test_begin("[MS-OXCTABL] 4.5.3.1 RopQueryRows request, 4.3.2 RopSortTable response");
	wire = fixture_load(tmp, "MS-OXCTABL-4.5.3.1-queryrows-request.hex", &len);
	test_assert(wire != NULL);
	if (wire != NULL) {
		rop_pull_init(&r, tmp, wire, len);
		test_assert_int(rop_pull_request(&r, &req), ROP_OK);
		test_assert(req.rop_id == ROP_ID_QueryRows && req.logon_id == 0 &&
		            req.input_handle == 0);
		test_assert(req.u.query_rows.query_rows_flags == 0 &&
		            req.u.query_rows.forward_read == 1 && req.u.query_rows.row_count == 50);
		check_request_bytes(tmp, &req, wire, len);
	}
	wire = fixture_load(tmp, "MS-OXCTABL-4.3.2-sorttable-response.hex", &len);
	test_assert(wire != NULL);
	if (wire != NULL) {
		rop_pull_init(&r, tmp, wire, len);
		test_assert_int(rop_pull_response(&r, NULL, NULL, &resp), ROP_OK);
		test_assert(resp.rop_id == ROP_ID_SortTable && resp.handle_index == 1 &&
		            resp.u.sort_table.table_status == 0);
		check_response_bytes(tmp, &resp, NULL, wire, len);
	}
	test_end();
	talloc_free(tmp);
}

/* The two request fixtures back to back, as one RopsList. */
static void test_request_list(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	size_t l1 = 0, l2 = 0, at = 0;
	uint8_t *a = fixture_load(tmp, "MS-OXCPRPT-4.3.1-setproperties-request.hex", &l1);
	uint8_t *b = fixture_load(tmp, "MS-OXCTABL-4.5.3.1-queryrows-request.hex", &l2);
	struct rop_request_list list;
	struct rop_push w;

	test_begin("rop list: decode a RopsList of two requests and encode it back");
	test_assert(a != NULL && b != NULL);
	if (a != NULL && b != NULL) {
		uint8_t *both = talloc_array(tmp, uint8_t, l1 + l2);
		memcpy(both, a, l1);
		memcpy(both + l1, b, l2);
		test_assert_int(rop_pull_request_list(tmp, both, l1 + l2, NULL, &list, &at),
		                ROP_OK);
		test_assert_int(list.count, 2);
		rop_push_init_growable(&w, tmp);
		test_assert_int(rop_push_request_list(&w, &list), ROP_OK);
		test_assert(w.ofs == l1 + l2 && memcmp(w.data, both, w.ofs) == 0);
		/* an undefined RopId after the first request stops the list there */
		both[l1] = 0x28;
		test_assert_int(rop_pull_request_list(tmp, both, l1 + l2, NULL, &list, &at),
		                ROP_E_UNKNOWN_ROP);
		test_assert_int(list.count, 1);
		test_assert_int(at, l1);
	}
	test_end();
	talloc_free(tmp);
}

static void test_move_folder(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	size_t len = 0;
	uint8_t *wire = fixture_load(tmp, "MS-OXCFOLD-4.5.1-movefolder-request.hex", &len);
	struct rop_request req;
	struct rop_pull r;

	test_begin("[MS-OXCFOLD] 4.5.1 RopMoveFolder request");
	test_assert(wire != NULL && len == 30);
	if (wire != NULL) {
		rop_pull_init(&r, tmp, wire, len);
		test_assert_int(rop_pull_request(&r, &req), ROP_OK);
		test_assert_int(rop_pull_left(&r), 0);
		test_assert_int(req.rop_id, ROP_ID_MoveFolder);
		test_assert_int(req.logon_id, 0);
		test_assert_int(req.input_handle, 1); /* SourceHandleIndex */
		test_assert_int(req.dest_handle, 2);
		const struct rop_move_folder_req *m = &req.u.move_folder;
		test_assert_int(m->want_asynchronous, 1);
		test_assert_int(m->use_unicode, 1);
		/* FolderId 0001-00000E8EDF36: ReplicaId 0x0001, then the
		 * GlobalCounter bytes 00 00 0E 8E DF 36 ([MS-OXCDATA] 2.2.1.1) */
		test_assert(m->folder_id == 0x36DF8E0E00000001ull);
		test_assert_str(m->new_folder_name, "Folder1");
		check_request_bytes(tmp, &req, wire, len);
	}
	test_end();
	talloc_free(tmp);
}

int main(void)
{
	test_set_properties();
	test_rules_table();
	test_tables();
	test_request_list();
	test_move_folder();
	return test_exit();
}
