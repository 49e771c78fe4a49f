/* aux: auxiliary blocks of [MS-OXCRPC] 2.2.2.2 inside their extended
 * buffer, decode -> encode byte-exact, every truncation, unknown types. */
#include "aux.h"
#include "rpc_ext.h"
#include "test.h"
#include "test_rpc_fixture.h"

static void test_fixture(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct rpc_ext_chain chain;
	struct aux_list list;
	struct rop_push w;
	size_t len = 0;
	uint8_t *wire = fixture_load(tmp, "MS-OXCRPC-2.2.2.2-aux-connect-request.hex", &len);

	test_begin("Connect auxiliary buffer: RPC_HEADER_EXT, 5 blocks, byte-exact back");
	test_assert(wire != NULL);
	if (wire == NULL)
		goto out;
	test_assert(rpc_ext_decode(tmp, wire, len, 0x1008, &chain) == ROP_OK);
	test_assert_int(chain.count, 1);
	test_assert(aux_decode(tmp, chain.blocks[0].data, chain.blocks[0].len, &list) == ROP_OK);
	test_assert_int(list.count, 5);
	if (list.count != 5)
		goto out;
	const struct aux_perf_clientinfo *ci = &list.blocks[0].u.clientinfo;
	test_assert(list.blocks[0].known);
	test_assert_str(aux_block_name(1, 2), "AUX_PERF_CLIENTINFO");
	test_assert_int(ci->adapter_speed, 1000000);
	test_assert_str(ci->machine_name, "WS01");
	test_assert_str(ci->user_name, "jane");
	test_assert_str(ci->adapter_name, "Ethernet");
	test_assert(ci->client_ip.len == 4 && ci->client_ip.data[0] == 192);
	test_assert(ci->mac_address.len == 6 && ci->mac_address.data[5] == 3);
	test_assert_int(ci->client_mode, 2);
	test_assert_int(list.blocks[1].u.sessioninfo.connection_id, 7);
	test_assert_int(list.blocks[1].u.sessioninfo.session_guid.b[0], 0x10);
	test_assert_str(list.blocks[2].u.processinfo.process_name, "OUTLOOK.EXE");
	test_assert_str(list.blocks[3].u.client_connection_info.connection_context_info, "ctx");
	test_assert_int(list.blocks[3].u.client_connection_info.connection_flags, 1);
	test_assert(!list.blocks[4].known && list.blocks[4].raw.len == 4 &&
	            list.blocks[4].raw.data[0] == 0xde);
	/* Encode: blocks, then the extended buffer around them. */
	struct rop_push inner;
	rop_push_init_growable(&inner, tmp);
	test_assert(aux_encode(&inner, &list) == ROP_OK);
	test_assert_int(inner.ofs, chain.blocks[0].len);
	test_assert_mem(inner.data, chain.blocks[0].data, chain.blocks[0].len);
	rop_push_init_growable(&w, tmp);
	test_assert(rpc_ext_encode(&w, inner.data, inner.ofs, 0) == ROP_OK);
	test_assert_int(w.ofs, len);
	test_assert_mem(w.data, wire, len);
	/* Every truncation of the payload fails cleanly or decodes fewer
	 * blocks; never reads past the cut (ASan). */
	for (size_t cut = 0; cut < chain.blocks[0].len; cut++) {
		uint8_t *copy = talloc_memdup(tmp, chain.blocks[0].data, cut ? cut : 1);
		struct aux_list l2;
		if (aux_decode(tmp, copy, cut, &l2) == ROP_OK)
			test_assert(l2.count < 5);
		talloc_free(copy);
	}
out:
	test_end();
	talloc_free(tmp);
}

static void test_server_blocks(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct aux_block out[4] = {
	    {.version = 1, .type = AUX_TYPE_EXORGINFO, .known = true},
	    {.version = 1, .type = AUX_TYPE_CLIENT_CONTROL, .known = true},
	    {.version = 1, .type = AUX_TYPE_ENDPOINT_CAPABILITIES, .known = true},
	    {.version = 1, .type = AUX_TYPE_SERVER_SESSION_INFO, .known = true},
	};
	struct aux_list list = {out, 4}, back;
	struct rop_push w;

	out[0].u.exorginfo.org_flags = AUX_EXORGINFO_PUBLIC_FOLDERS_ENABLED;
	out[1].u.client_control.enable_flags = AUX_CLIENT_CONTROL_ENABLE_COMPRESSION;
	out[1].u.client_control.expiry_time = 604800000;
	out[2].u.capabilities.flags = AUX_ENDPOINT_CAPABILITIES_SINGLE_ENDPOINT;
	out[3].u.server_session_info.server_session_context_info = talloc_strdup(tmp, "mapihttpd");
	test_begin("server blocks: EXORGINFO, CLIENT_CONTROL, ENDPOINT_CAPABILITIES, SESSION_INFO");
	rop_push_init_growable(&w, tmp);
	test_assert(aux_encode(&w, &list) == ROP_OK);
	test_assert_int(w.ofs, 8 + 12 + 8 + (6 + 20));
	static const uint8_t exorg[] = {0x08, 0x00, 0x01, 0x17, 0x01, 0x00, 0x00, 0x00};
	test_assert_mem(w.data, exorg, sizeof(exorg));
	/* SERVER_SESSION_INFO: offset 6 = right after its 2-byte field. */
	test_assert_int(w.data[28 + 4], 6);
	test_assert(aux_decode(tmp, w.data, w.ofs, &back) == ROP_OK);
	test_assert_int(back.count, 4);
	test_assert_int(back.blocks[1].u.client_control.expiry_time, 604800000);
	test_assert_str(back.blocks[3].u.server_session_info.server_session_context_info,
	                "mapihttpd");
	/* As a whole AuxiliaryBuffer, compressed and obfuscated, and back. */
	struct rop_push wb;
	rop_push_init_growable(&wb, tmp);
	test_assert(aux_buffer_encode(&wb, &list, RPC_EXT_ENCODE_COMPRESS | RPC_EXT_ENCODE_XOR) ==
	            ROP_OK);
	test_assert(wb.ofs > 8 && (wb.data[2] & RPC_EXT_FLAG_LAST) != 0);
	test_assert(aux_buffer_decode(tmp, wb.data, wb.ofs, 0x1008, &back) == ROP_OK);
	test_assert_int(back.count, 4);
	test_assert_str(back.blocks[3].u.server_session_info.server_session_context_info,
	                "mapihttpd");
	test_assert(aux_buffer_decode(tmp, wb.data, wb.ofs - 1, 0x1008, &back) != ROP_OK);
	test_assert(aux_buffer_decode(tmp, NULL, 0, 0x1008, &back) == ROP_OK && back.count == 0);
	struct aux_list none = {NULL, 0};
	rop_push_init_growable(&wb, tmp);
	test_assert(aux_buffer_encode(&wb, &none, 0) == ROP_OK && wb.ofs == 0);
	/* Out of room: nothing written. */
	uint8_t small[20];
	rop_push_init_fixed(&w, small, sizeof(small));
	test_assert(aux_encode(&w, &list) == ROP_E_NOSPACE);
	test_assert_int(w.ofs, 0);
	test_end();

	test_begin("bad blocks: size below header, beyond payload, offsets outside");
	static const uint8_t tiny[] = {0x02, 0x00, 0x01, 0x17};
	static const uint8_t big[] = {0x09, 0x00, 0x01, 0x17, 0, 0, 0, 0};
	static const uint8_t short_fixed[] = {0x06, 0x00, 0x01, 0x17, 0, 0};
	static const uint8_t bad_ofs[] = {0x06, 0x00, 0x01, 0x4B, 0x40, 0x00};
	static const uint8_t bad_bin[] = {0x20, 0x00, 0x01, 0x02, 0,    0,    0,    0, 0, 0, 0,
	                                  0,    0,    0,    0xff, 0x00, 0x1c, 0x00, 0, 0, 0, 0,
	                                  0,    0,    0,    0,    0,    0,    0,    0, 0, 0};
	test_assert(aux_decode(tmp, tiny, sizeof(tiny), &back) == ROP_E_INVALID);
	test_assert(aux_decode(tmp, big, sizeof(big), &back) == ROP_E_INVALID);
	test_assert(aux_decode(tmp, short_fixed, sizeof(short_fixed), &back) == ROP_E_SHORT);
	test_assert(aux_decode(tmp, bad_ofs, sizeof(bad_ofs), &back) == ROP_E_INVALID);
	test_assert(aux_decode(tmp, bad_bin, sizeof(bad_bin), &back) == ROP_E_INVALID);
	test_assert(aux_decode(tmp, NULL, 0, &back) == ROP_OK && back.count == 0);
	test_assert(aux_block_name(3, 2) == NULL);
	test_end();
	talloc_free(tmp);
}

int main(void)
{
	test_fixture();
	test_server_blocks();
	return test_exit();
}
