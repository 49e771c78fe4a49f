/*
 * Tests of rop_print: the text of spec fixtures (fixtures/ropcodec/) and of
 * built values is compared line for line with what the specification's
 * example states.
 */
#include "rop_print.h"
#include "test.h"
#include "test_rpc_fixture.h"

/* The printed text of a fixture decoded by fn. */
static char *print_fixture(TALLOC_CTX *tmp, const char *name, enum rop_print_dir dir, int mh_body,
                           const struct rop_decode_ctx *ctx, enum rop_err *err_r)
{
	struct rop_printer pr;
	size_t len = 0;
	uint8_t *wire = fixture_load(tmp, name, &len);

	if (wire == NULL)
		return NULL;
	rop_printer_init(&pr, tmp);
	if (mh_body >= 0)
		*err_r = rop_print_mh_body(&pr, (enum rop_print_body)mh_body, dir, wire, len, ctx);
	else
		*err_r = rop_print_rop_list(&pr, dir, wire, len, ctx);
	return pr.nomem ? NULL : pr.text;
}

static void test_set_properties(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	enum rop_err err = ROP_E_INVALID;
	char *text = print_fixture(tmp, "MS-OXCPRPT-4.3.1-setproperties-request.hex",
	                           ROP_PRINT_REQUEST, -1, NULL, &err);

	test_begin("rop_print: [MS-OXCPRPT] 4.3.1 RopSetProperties request");
	test_assert_int(err, ROP_OK);
	test_assert_str(text, "RopSetProperties (0x0A) request\n"
	                      "  LogonId: 0\n"
	                      "  InputHandleIndex: 0\n"
	                      "  vals: 2 values\n"
	                      "    value: 0x003D001F PidTagSubjectPrefix PtypString\n"
	                      "      value: \"\"\n"
	                      "    value: 0x0E1D001F PidTagNormalizedSubject PtypString\n"
	                      "      value: \"Hello World\"\n");
	test_end();
	talloc_free(tmp);
}

static void test_query_rows(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	static const uint32_t tags[3] = {0x66740014, 0x66750102, 0x6682001F};
	const struct mapi_proptag_array cols = {3, (uint32_t *)tags};
	const struct rop_decode_ctx ctx = {&cols, false};
	enum rop_err err = ROP_E_INVALID;
	char *text = print_fixture(tmp, "MS-OXORULE-4.2.2-queryrows-response.hex",
	                           ROP_PRINT_RESPONSE, -1, &ctx, &err);

	test_begin("rop_print: [MS-OXORULE] 4.2.2 RopQueryRows response in the rules columns");
	test_assert_int(err, ROP_OK);
	test_assert_str(text, "RopQueryRows (0x15) response\n"
	                      "  InputHandleIndex: 1\n"
	                      "  ReturnValue: 0x00000000 Success\n"
	                      "  origin: 2 (0x02)\n"
	                      "  rows: 1 rows\n"
	                      "    row 0 (StandardPropertyRow)\n"
	                      "      value: 0x66740014 PidTagRuleId PtypInteger64\n"
	                      "        value: 6266828155013562369 (0x56F83F0100000001)\n"
	                      "      value: 0x66750102 PidTagRuleIds PtypBinary\n"
	                      "        value: 16 bytes\n"
	                      "          0000  01 00 00 00 01 00 00 00 55 55 55 55 d1 44 e3 40\n"
	                      "      value: 0x6682001F PidTagRuleName PtypString\n"
	                      "        value: \"Project X\"\n");
	/* without the columns the rows cannot be read: the error and the bytes */
	text = print_fixture(tmp, "MS-OXORULE-4.2.2-queryrows-response.hex", ROP_PRINT_RESPONSE, -1,
	                     NULL, &err);
	test_assert_int(err, ROP_E_UNSUPPORTED);
	test_assert(text != NULL && strncmp(text, "! offset 0: ", 12) == 0 &&
	            strstr(text, "undecoded: 56 bytes\n  0000  15 01 00 00 00 00 02 01") != NULL);
	test_end();
	talloc_free(tmp);
}

static void test_execute_body(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	enum rop_err err = ROP_E_INVALID;
	char *text = print_fixture(tmp, "MS-OXCMAPIHTTP-2.2.4.2.1-execute-request.hex",
	                           ROP_PRINT_REQUEST, ROP_BODY_EXECUTE, NULL, &err);

	test_begin("rop_print: MAPI/HTTP Execute request, its RPC_HEADER_EXT and ROP buffer");
	test_assert_int(err, ROP_OK);
	test_assert_str(text, "Execute request\n"
	                      "Flags: 0x00000003\n"
	                      "RopBufferSize: 17\n"
	                      "  RPC_HEADER_EXT 0: Version 0x0000 Flags 0x0004 (Last) Size 9 "
	                      "SizeActual 9\n"
	                      "    RopSize: 5\n"
	                      "    RopsList: 3 bytes\n"
	                      "      RopRelease (0x01) request\n"
	                      "        LogonId: 0\n"
	                      "        InputHandleIndex: 0\n"
	                      "    ServerObjectHandleTable: 1 handles\n"
	                      "      [0] 0x00000001\n"
	                      "MaxRopOut: 65544\n"
	                      "AuxiliaryBufferSize: 0\n"
	                      "  AuxiliaryBuffer: empty\n");
	text = print_fixture(tmp, "MS-OXCMAPIHTTP-2.2.4.1.2-connect-response.hex",
	                     ROP_PRINT_RESPONSE, ROP_BODY_CONNECT, NULL, &err);
	test_assert_int(err, ROP_OK);
	test_assert(text != NULL && strstr(text, "DisplayName: \"Jane Doe\"\n") != NULL &&
	            strstr(text, "ErrorCode: 0x00000000 Success\n") != NULL);
	test_end();
	talloc_free(tmp);
}

static void test_values(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct rop_printer pr;
	struct mapi_restriction leaves[2], top;
	struct mapi_propval v;
	int32_t mv[2] = {-1, 7};

	test_begin("rop_print: restrictions, multi-valued, time, error and unnamed values");
	memset(leaves, 0, sizeof(leaves));
	leaves[0].rt = RES_EXIST;
	leaves[0].u.exist.proptag = 0x0037001F;
	leaves[1].rt = RES_PROPERTY;
	leaves[1].u.prop.relop = RELOP_GE;
	leaves[1].u.prop.proptag = 0x0E080003;
	leaves[1].u.prop.val.tag = 0x0E080003;
	leaves[1].u.prop.val.v.i32 = 1024;
	top.rt = RES_AND;
	top.u.andor.count = 2;
	top.u.andor.res = leaves;
	rop_printer_init(&pr, tmp);
	rop_print_restriction(&pr, "res", &top);
	test_assert_str(pr.text, "res:\n"
	                         "  AndRestriction RestrictCount 2\n"
	                         "  Restriction:\n"
	                         "    ExistRestriction\n"
	                         "    PropTag: 0x0037001F PidTagSubject PtypString\n"
	                         "  Restriction:\n"
	                         "    PropertyRestriction RelOp RELOP_GE\n"
	                         "    PropTag: 0x0E080003 PidTagMessageSize PtypInteger32\n"
	                         "    TaggedValue: 0x0E080003 PidTagMessageSize PtypInteger32\n"
	                         "      value: 1024 (0x00000400)\n");
	rop_printer_init(&pr, tmp);
	memset(&v, 0, sizeof(v));
	v.tag = 0x80011003;
	v.v.mv.count = 2;
	v.v.mv.i32 = mv;
	rop_print_propval(&pr, "v", &v);
	v.tag = 0x30070040; /* 2015-09-16T00:00:00Z */
	v.v.ft = 130868352000000000ull;
	rop_print_propval(&pr, "v", &v);
	v.tag = 0x0E08000A;
	v.v.err = 0x8004010F;
	rop_print_propval(&pr, "v", &v);
	v.tag = 0x7777001E;
	v.v.str = (char *)"a\"\x01";
	rop_print_propval(&pr, "v", &v);
	test_assert_str(pr.text, "v: 0x80011003 PtypMultipleInteger32\n"
	                         "  count: 2\n"
	                         "  [0]: -1 (0xFFFFFFFF)\n"
	                         "  [1]: 7 (0x00000007)\n"
	                         "v: 0x30070040 PidTagCreationTime PtypTime\n"
	                         "  value: 2015-09-16T00:00:00.0000000Z (0x01D0F012A14D0000)\n"
	                         "v: 0x0E08000A PidTagMessageSize PtypErrorCode\n"
	                         "  value: 0x8004010F NotFound\n"
	                         "v: 0x7777001E PtypString8\n"
	                         "  value: \"a\\\"\\x01\"\n");
	/* a multivalue instance (MV_INSTANCE, [MS-OXCDATA] 2.11.1.2) holds one
	 * value of the base type (the rop_list fuzz target found the printer
	 * reading it as an array) */
	rop_printer_init(&pr, tmp);
	v.tag = 0x0E083003;
	v.v.i32 = 42;
	rop_print_propval(&pr, "v", &v);
	test_assert_str(pr.text, "v: 0x0E083003 PidTagMessageSize PtypMultipleInteger32\n"
	                         "  value: 42 (0x0000002A)\n");
	test_assert_str(rop_ptype_name(0x101F), "PtypMultipleString");
	test_assert(rop_ptype_name(0x0099) == NULL && rop_prop_name(0x80000003) == NULL);
	test_assert_str(rop_prop_name(0x3001001E), "PidTagDisplayName");
	test_end();
	talloc_free(tmp);
}

static void test_every_rop_prints(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	unsigned int count;
	const struct rop_info *all = rop_info_all(&count);
	struct rop_printer pr;
	struct rop_request req;
	struct rop_response resp;

	test_begin("rop_print: every ROP, zeroed request and response, named");
	for (unsigned int i = 0; i < count; i++) {
		memset(&req, 0, sizeof(req));
		memset(&resp, 0, sizeof(resp));
		req.rop_id = resp.rop_id = all[i].rop_id;
		rop_printer_init(&pr, tmp);
		rop_print_request(&pr, &req);
		rop_print_response(&pr, &resp);
		test_assert(!pr.nomem && strncmp(pr.text, all[i].name, strlen(all[i].name)) == 0);
	}
	test_end();
	talloc_free(tmp);
}

int main(void)
{
	test_set_properties();
	test_query_rows();
	test_execute_body();
	test_values();
	test_every_rop_prints();
	return test_exit();
}
