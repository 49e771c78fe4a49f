/* The Execute envelope and ROP loop under hostile and limit input
 * ([MS-OXCRPC] 3.1.4.2, [MS-OXCROPS] 3.2.5.1, 2.2.15.1): every case gets
 * the protocol's answer, never a crash. */
#include "ems_test.h"

static struct ems_t t;

/* One extended buffer around raw ROP buffer bytes. */
static size_t wrap(TALLOC_CTX *mem, const uint8_t *payload, size_t len, unsigned flags,
                   uint8_t **out_r)
{
	struct rop_push p;
	rop_push_init_growable(&p, mem);
	if (rpc_ext_encode_block(&p, payload, len, flags | RPC_EXT_ENCODE_LAST) != ROP_OK)
		abort();
	*out_r = p.data;
	return p.ofs;
}

/* RopSize + rops + handles as raw bytes. */
static size_t rop_buffer(TALLOC_CTX *mem, const uint8_t *rops, size_t rops_len,
                         const uint32_t *handles, size_t n, uint8_t **out_r)
{
	struct rop_push p;
	rop_push_init_growable(&p, mem);
	if (rop_buffer_push(&p, rops, rops_len, handles, n) != ROP_OK)
		abort();
	*out_r = p.data;
	return p.ofs;
}

static void test_malformed(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct mh_execute_resp resp;
	uint32_t h[1] = {et_logon(&t)};
	uint8_t *buf, *ext;
	size_t len, elen;
	/* GetStoreState on logon 0, handle 0 */
	const uint8_t good[] = {0x7B, 0x00, 0x00};

	test_begin("malformed envelopes and ROP buffers answer ecRpcFormat");
	len = rop_buffer(mem, good, sizeof(good), h, 1, &buf);
	elen = wrap(mem, buf, len, 0, &ext);
	test_assert_int(et_exec_raw(&t, mem, ext, elen, 3, 0x10000, &resp), 0);
	test_assert_int(resp.error_code, 0);
	/* truncated at every length */
	int bad = 0;
	for (size_t cut = 0; cut < elen; cut++) {
		int ret = et_exec_raw(&t, mem, ext, cut, 3, 0x10000, &resp);
		bad += ret == 1 && resp.error_code == EC_RpcFormat;
	}
	test_assert_int(bad, (int)elen);
	/* header Size larger than the bytes */
	uint8_t *copy = talloc_memdup(mem, ext, elen);
	copy[4] = (uint8_t)(copy[4] + 9);
	test_assert_int(et_exec_raw(&t, mem, copy, elen, 3, 0x10000, &resp), 1);
	test_assert_int(resp.error_code, EC_RpcFormat);
	/* RopSize beyond the payload, and a ragged handle table */
	uint8_t payload[16] = {0x40, 0x00, 0x7B, 0x00, 0x00};
	elen = wrap(mem, payload, 9, 0, &ext);
	test_assert_int(et_exec_raw(&t, mem, ext, elen, 3, 0x10000, &resp), 1);
	test_assert_int(resp.error_code, EC_RpcFormat);
	payload[0] = 5;
	elen = wrap(mem, payload, 5 + 3, 0, &ext);
	test_assert_int(et_exec_raw(&t, mem, ext, elen, 3, 0x10000, &resp), 1);
	test_assert_int(resp.error_code, EC_RpcFormat);
	/* a request cut inside its body (OpenFolder needs 8 + 1 more bytes) */
	const uint8_t cut_rop[] = {0x02, 0x00, 0x00, 0x01, 0x11, 0x22};
	len = rop_buffer(mem, cut_rop, sizeof(cut_rop), h, 1, &buf);
	elen = wrap(mem, buf, len, 0, &ext);
	test_assert_int(et_exec_raw(&t, mem, ext, elen, 3, 0x10000, &resp), 1);
	test_assert_int(resp.error_code, EC_RpcFormat);
	/* an empty body and random bytes */
	test_assert_int(et_exec_raw(&t, mem, NULL, 0, 3, 0x10000, &resp), 1);
	test_assert_int(resp.error_code, EC_RpcFormat);
	uint8_t noise[300];
	for (size_t i = 0; i < sizeof(noise); i++)
		noise[i] = (uint8_t)(i * 37 + 11);
	test_assert_int(et_exec_raw(&t, mem, noise, sizeof(noise), 3, 0x10000, &resp), 1);
	test_end();

	test_begin("unknown and response-only RopIds fail the call before anything runs");
	/* SetReceiveFolder("IPM.Probe" -> Inbox) then an undefined RopId 0x00 */
	struct rop_push p;
	struct rop_request q = {.rop_id = ROP_ID_SetReceiveFolder};
	q.u.set_receive_folder.folder_id = store_special_fid(t.mbox, STORE_FOLDER_DRAFTS);
	q.u.set_receive_folder.message_class = (char *)"IPM.Probe";
	const uint8_t ids[] = {0x00, 0x2A, 0xFF, 0x28, 0xF9};
	for (size_t k = 0; k < sizeof(ids); k++) {
		rop_push_init_growable(&p, mem);
		test_assert_int(rop_push_request(&p, &q), ROP_OK);
		uint8_t tail[3] = {ids[k], 0, 0};
		rop_push_bytes(&p, tail, 3);
		len = rop_buffer(mem, p.data, p.ofs, h, 1, &buf);
		elen = wrap(mem, buf, len, 0, &ext);
		test_assert_int(et_exec_raw(&t, mem, ext, elen, 3, 0x10000, &resp), 1);
		test_assert_int(resp.error_code, EC_RpcFormat);
	}
	uint64_t fid = 0;
	char *cls = NULL;
	test_assert_int(store_receive_folder_get(mem, t.mbox, "IPM.Probe", &fid, &cls), 0);
	test_assert_str(cls, "ipm");
	test_end();
	talloc_free(mem);
}

static void test_unserved_and_empty(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct et_result *r = talloc(mem, struct et_result);
	uint32_t h[2] = {et_logon(&t), 0xFFFFFFFF};
	struct rop_request q[4];

	test_begin("a ROP not served answers ecNotSupported and the rest continue");
	memset(q, 0, sizeof(q));
	q[0].rop_id = ROP_ID_GetPermissionsTable;
	q[0].output_handle = 1;
	q[1].rop_id = ROP_ID_GetStoreState;
	q[2].rop_id = ROP_ID_Release; /* of a null handle: nothing */
	q[2].input_handle = 1;
	q[3].rop_id = ROP_ID_GetStoreState;
	test_assert_int(et_exec(&t, mem, q, 4, h, 2, r), 0);
	test_assert_int(r->count, 3);
	test_assert_int(r->resps[0].rop_id, ROP_ID_GetPermissionsTable);
	test_assert_int(r->resps[0].return_value, EC_NotSupported);
	test_assert(r->handles[1] == 0xFFFFFFFF);
	test_assert_int(r->resps[1].return_value, 0);
	test_assert_int(r->resps[2].return_value, 0);
	test_end();

	test_begin("an empty ROP list answers an empty output buffer");
	test_assert_int(et_exec(&t, mem, q, 0, h, 2, r), 0);
	test_assert_int(r->ret, 0);
	test_assert_int(r->count, 0);
	test_assert_int(r->handle_count, 2);
	test_end();
	talloc_free(mem);
}

static void test_limits(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct et_result *r = talloc(mem, struct et_result);
	uint32_t h[1] = {et_logon(&t)};
	struct rop_request *q = talloc_zero_array(mem, struct rop_request, 10000);

	for (int i = 0; i < 10000; i++)
		q[i].rop_id = ROP_ID_GetStoreState;
	test_begin("10,000 ROPs in one buffer: run until the 32 KB output, then RopBufferTooSmall");
	test_assert_int(et_exec(&t, mem, q, 10000, h, 1, r), 0);
	test_assert_int(r->ret, 0);
	test_assert(r->count > 100);
	uint32_t last = r->count - 1;
	test_assert_int(r->resps[last].rop_id, ROP_ID_BufferTooSmall);
	for (uint32_t i = 0; i < last; i++)
		test_assert(r->resps[i].rop_id == ROP_ID_GetStoreState &&
		            r->resps[i].return_value == 0);
	/* the requests not run are handed back, 3 bytes each */
	test_assert_int(r->resps[last].u.buffer_too_small.request_buffers.len, 3 * (10000 - last));
	test_assert(r->resps[last].u.buffer_too_small.size_needed > 0);
	test_assert(r->rops_len + 2 + 4 <= RPC_EXT_MAX_PAYLOAD);
	test_end();

	test_begin("MaxRopOut: a small buffer gets RopBufferTooSmall; resending the rest finishes");
	/* room for 100 bytes of responses: a RopBufferTooSmall with every
	 * request not run must always fit, so five run */
	test_assert_int(et_exec_full(&t, mem, q, 20, h, 1, 3, 8 + 2 + 4 + 100, r), 0);
	test_assert_int(r->ret, 0);
	last = r->count > 0 ? r->count - 1 : 0;
	test_assert_int(last, 5);
	test_assert_int(r->resps[last].rop_id, ROP_ID_BufferTooSmall);
	if (r->count == 0 || last >= 20) {
		test_end();
		talloc_free(mem);
		return;
	}
	uint32_t done = last;
	const struct mapi_binary *rest = &r->resps[last].u.buffer_too_small.request_buffers;
	test_assert_int(rest->len, 3 * (20 - done));
	/* the returned bytes are real requests */
	struct rop_request_list more;
	test_assert_int(rop_pull_request_list(mem, rest->data, rest->len, NULL, &more, NULL),
	                ROP_OK);
	test_assert_int(more.count, 20 - done);
	test_assert_int(et_exec(&t, mem, more.reqs, more.count, h, 1, r), 0);
	test_assert_int(r->count, 20 - done);
	/* too small even for the envelope */
	test_assert_int(et_exec_full(&t, mem, q, 1, h, 1, 3, 4, r), 0);
	test_assert_int(r->ret, 1);
	test_assert_int(r->ec, EC_BufferTooSmall);
	test_end();

	test_begin("compressed and obfuscated in; compressed out only when the flags allow");
	struct rop_push rops, ext;
	struct mh_execute_resp resp;
	rop_push_init_growable(&rops, mem);
	for (int i = 0; i < 200; i++)
		rop_push_request(&rops, &q[i]);
	uint8_t *buf;
	size_t len = rop_buffer(mem, rops.data, rops.ofs, h, 1, &buf);
	rop_push_init_growable(&ext, mem);
	test_assert_int(rpc_ext_encode_block(&ext, buf, len,
	                                     RPC_EXT_ENCODE_COMPRESS | RPC_EXT_ENCODE_XOR |
	                                         RPC_EXT_ENCODE_LAST),
	                ROP_OK);
	uint16_t inflags;
	memcpy(&inflags, ext.data + 2, 2);
	test_assert((inflags & RPC_EXT_FLAG_COMPRESSED) != 0);
	test_assert_int(et_exec_raw(&t, mem, ext.data, ext.ofs, 0, 0x10000, &resp), 0);
	uint16_t outflags;
	memcpy(&outflags, resp.rop_buffer.data + 2, 2);
	test_assert((outflags & RPC_EXT_FLAG_COMPRESSED) != 0);
	test_assert((outflags & RPC_EXT_FLAG_LAST) != 0);
	struct rpc_ext_chain chain;
	test_assert_int(
	    rpc_ext_decode(mem, resp.rop_buffer.data, resp.rop_buffer.len, 1 << 20, &chain),
	    ROP_OK);
	test_assert_int(chain.blocks[0].len, 2 + 200 * 10 + 4);
	test_assert_int(et_exec_raw(&t, mem, ext.data, ext.ofs, 3, 0x10000, &resp), 0);
	memcpy(&outflags, resp.rop_buffer.data + 2, 2);
	test_assert_int(outflags, RPC_EXT_FLAG_LAST);
	test_end();

	test_begin("a decompression bomb stops at the decoder's limit");
	uint8_t *zeros = talloc_zero_size(mem, RPC_EXT_MAX_PAYLOAD);
	rop_push_init_growable(&ext, mem);
	for (int i = 0; i < 64; i++)
		test_assert_int(rpc_ext_encode_block(&ext, zeros, RPC_EXT_MAX_PAYLOAD,
		                                     RPC_EXT_ENCODE_COMPRESS |
		                                         (i == 63 ? RPC_EXT_ENCODE_LAST : 0)),
		                ROP_OK);
	test_assert(ext.ofs < 64 * 1024); /* 2 MiB of zeros in a few KiB */
	test_assert_int(et_exec_raw(&t, mem, ext.data, ext.ofs, 3, 0x10000, &resp), 1);
	test_assert_int(resp.error_code, EC_RpcFormat);
	test_end();
	talloc_free(mem);
}

static void test_logons(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct et_result *r = talloc(mem, struct et_result);
	uint32_t h[3] = {0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF};
	struct rop_request q[6];

	test_begin("two logons in one session; objects belong to their logon");
	memset(q, 0, sizeof(q));
	q[0] = et_logon_req(&t, 0, 0);
	q[1] = et_logon_req(&t, 3, 1);
	q[2].rop_id = ROP_ID_OpenFolder;
	q[2].logon_id = 3;
	q[2].input_handle = 1;
	q[2].output_handle = 2;
	q[2].u.open_folder.folder_id = store_special_fid(t.mbox, STORE_FOLDER_INBOX);
	q[3].rop_id = ROP_ID_GetStoreState; /* logon 0's handle under logon 3 */
	q[3].logon_id = 3;
	q[3].input_handle = 0;
	q[4].rop_id = ROP_ID_Release;
	q[4].logon_id = 3;
	q[4].input_handle = 1;
	q[5].rop_id = ROP_ID_GetStoreState;
	q[5].logon_id = 0;
	q[5].input_handle = 0;
	test_assert_int(et_exec(&t, mem, q, 6, h, 3, r), 0);
	test_assert_int(r->count, 5);
	test_assert_int(r->resps[0].return_value, 0);
	test_assert_int(r->resps[1].return_value, 0);
	test_assert(r->handles[0] != r->handles[1]);
	test_assert_int(r->resps[2].return_value, 0);
	test_assert_int(r->resps[3].return_value, EC_NullObject);
	test_assert_int(r->resps[4].return_value, 0);
	uint32_t h2[3];
	memcpy(h2, r->handles, sizeof(h2));
	memset(q, 0, sizeof(q));
	q[0].rop_id = ROP_ID_GetStoreState;
	q[0].logon_id = 3;
	q[0].input_handle = 1;
	q[1].rop_id = ROP_ID_GetPropertiesList;
	q[1].logon_id = 3;
	q[1].input_handle = 2;
	test_assert_int(et_exec(&t, mem, q, 2, h2, 3, r), 0);
	test_assert_int(r->resps[0].return_value, EC_NullObject);
	test_assert_int(r->resps[1].return_value, EC_NullObject);
	test_end();
	talloc_free(mem);
}

int main(void)
{
	et_setup(&t);
	test_malformed();
	test_unserved_and_empty();
	test_limits();
	test_logons();
	et_teardown(&t);
	return test_exit();
}
