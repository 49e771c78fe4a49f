/* Auxiliary buffers of Connect and Execute ([MS-OXCRPC] 2.2.2.2,
 * 3.1.4.1.2): the blocks Connect answers, decoded with the codec, and the
 * client's blocks parsed (good, unknown and broken ones never fail a call). */
#include "aux.h"
#include "ems_private.h"
#include "ems_test.h"
#include "log.h"

static struct ems_t t;

/* Outlook's usual Connect blocks: client and process information. */
static struct mh_blob client_aux(TALLOC_CTX *mem)
{
	struct aux_block b[3];
	struct aux_list list = {.blocks = b, .count = 3};
	struct rop_push p;
	uint8_t raw[6] = {1, 2, 3, 4, 5, 6};

	memset(b, 0, sizeof(b));
	b[0] = (struct aux_block){.version = 1, .type = AUX_TYPE_PERF_CLIENTINFO, .known = true};
	b[0].u.clientinfo.machine_name = (char *)"WS01";
	b[0].u.clientinfo.user_name = (char *)"alice";
	b[0].u.clientinfo.client_mode = 2;
	b[1] = (struct aux_block){.version = 2, .type = AUX_TYPE_PERF_PROCESSINFO, .known = true};
	b[1].u.processinfo.process_name = (char *)"OUTLOOK.EXE";
	/* an unknown block: skipped, not an error ([MS-OXCRPC] 3.1.4.1.2) */
	b[2] = (struct aux_block){.version = 1, .type = 0x7E, .known = false};
	b[2].raw.data = raw;
	b[2].raw.len = sizeof(raw);
	rop_push_init_growable(&p, mem);
	if (aux_buffer_encode(&p, &list, RPC_EXT_ENCODE_COMPRESS) != ROP_OK)
		et_die("aux", "encode");
	return (struct mh_blob){.data = p.data, .len = (uint32_t)p.ofs};
}

static void test_connect_out(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct mh_connect_req req = {.user_dn = t.user->legacy_dn, .default_code_page = 1252};
	struct mh_connect_resp resp;
	struct ems_session *s = NULL;
	const char *error = NULL;
	struct aux_list list;
	struct rpc_ext_chain chain;

	test_begin("connect: AUX_EXORGINFO, AUX_CLIENT_CONTROL, AUX_ENDPOINT_CAPABILITIES out");
	req.aux = client_aux(mem);
	test_assert_int(ems_connect(t.srv, mem, mem, "alice@example.com", &req, &resp, &s, &error),
	                0);
	test_assert(s != NULL);
	test_assert_int(resp.error_code, 0);
	test_assert(resp.aux.len > 0);
	/* RPC_HEADER_EXT framed, one buffer flagged Last ([MS-OXCRPC] 2.2.2.1) */
	test_assert_int(rpc_ext_decode(mem, resp.aux.data, resp.aux.len, 1 << 16, &chain), ROP_OK);
	test_assert_int(chain.count, 1);
	test_assert_int(aux_buffer_decode(mem, resp.aux.data, resp.aux.len, 1 << 16, &list),
	                ROP_OK);
	test_assert_int(list.count, 3);
	int seen = 0;
	for (size_t i = 0; i < list.count; i++) {
		const struct aux_block *b = &list.blocks[i];
		test_assert(b->known);
		test_assert_int(b->version, AUX_VERSION_1);
		if (b->type == AUX_TYPE_EXORGINFO) {
			seen |= 1;
			/* no public folder store here */
			test_assert_int(b->u.exorginfo.org_flags, 0);
		} else if (b->type == AUX_TYPE_CLIENT_CONTROL) {
			seen |= 2;
			test_assert_int(b->u.client_control.enable_flags,
			                AUX_CLIENT_CONTROL_ENABLE_PERF_SENDTOSERVER |
			                    AUX_CLIENT_CONTROL_ENABLE_COMPRESSION);
			test_assert_int(b->u.client_control.expiry_time, 604800000u);
		} else if (b->type == AUX_TYPE_ENDPOINT_CAPABILITIES) {
			seen |= 4;
			test_assert_int(b->u.capabilities.flags,
			                AUX_ENDPOINT_CAPABILITIES_SINGLE_ENDPOINT);
		}
	}
	test_assert_int(seen, 7);
	ems_session_free(&s);
	/* a failed Connect carries no auxiliary output */
	req.user_dn = (char *)"/o=Other/ou=x/cn=Recipients/cn=bob";
	test_assert_int(ems_connect(t.srv, mem, mem, "alice@example.com", &req, &resp, &s, &error),
	                1);
	test_assert_int(resp.error_code, EC_AccessDenied);
	test_assert_int(resp.aux.len, 0);
	talloc_free(mem);
	test_end();
}

static void test_aux_in(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct mh_connect_req req = {.user_dn = t.user->legacy_dn, .default_code_page = 1252};
	struct mh_connect_resp resp;
	struct ems_session *s = NULL;
	const char *error = NULL;
	uint8_t junk[9] = {0, 0, 4, 0, 0x40, 0, 0x40, 0, 0xAA};

	test_begin("client auxiliary input parsed and logged, broken input never fails");
	log_set_level(LOG_LEVEL_DEBUG);
	struct mh_blob good = client_aux(mem);
	test_assert_int(ems_aux_log(mem, "test", &good), 3);
	struct mh_blob bad = {.data = junk, .len = sizeof(junk)};
	test_assert_int(ems_aux_log(mem, "test", &bad), -1);
	struct mh_blob none = {0};
	test_assert_int(ems_aux_log(mem, "test", &none), 0);
	/* Connect with a broken auxiliary buffer still makes a session */
	req.aux = bad;
	test_assert_int(ems_connect(t.srv, mem, mem, "alice@example.com", &req, &resp, &s, &error),
	                0);
	test_assert_int(resp.error_code, 0);
	ems_session_free(&s);

	/* Execute with good and broken auxiliary input runs its ROPs */
	struct rop_request q = et_logon_req(&t, 0, 0);
	struct rop_push rops, ext;
	struct mh_execute_req ereq = {.flags = RPC_EXT_PUL_NOCOMPRESSION | RPC_EXT_PUL_NOXORMAGIC,
	                              .max_rop_out = 0x10000};
	struct mh_execute_resp eresp;
	uint32_t h = 0xFFFFFFFF;
	rop_push_init_growable(&rops, mem);
	rop_push_init_growable(&ext, mem);
	test_assert_int(rop_push_request(&rops, &q), ROP_OK);
	test_assert_int(
	    rpc_ext_encode_rop_buffer(&ext, rops.data, rops.ofs, &h, 1, RPC_EXT_ENCODE_LAST),
	    ROP_OK);
	ereq.rop_buffer.data = ext.data;
	ereq.rop_buffer.len = (uint32_t)ext.ofs;
	for (int i = 0; i < 2; i++) {
		struct rpc_ext_chain chain;
		struct rop_buffer buf;
		ereq.aux = i == 0 ? good : bad;
		test_assert_int(ems_execute(t.s, mem, &ereq, &eresp, &error), 0);
		test_assert_int(eresp.error_code, 0);
		test_assert_int(rpc_ext_decode(mem, eresp.rop_buffer.data, eresp.rop_buffer.len,
		                               1 << 20, &chain),
		                ROP_OK);
		test_assert_int(
		    rop_buffer_split(mem, chain.blocks[0].data, chain.blocks[0].len, &buf), ROP_OK);
		/* RopLogon answered with success: RopId 0xFE, index 0, ec 0 */
		test_assert(buf.rops_len > 6);
		test_assert_int(buf.rops[0], ROP_ID_Logon);
		test_assert_int(buf.rops[2] | buf.rops[3] | buf.rops[4] | buf.rops[5], 0);
	}
	log_set_level(LOG_LEVEL_INFO);
	talloc_free(mem);
	test_end();
}

int main(void)
{
	et_setup(&t);
	test_connect_out();
	test_aux_in();
	et_teardown(&t);
	return test_exit();
}
