#include "rule_actions.h"
#include "test.h"

static char name_s[] = "Bob", addr_s[] = "bob@example.com";

/* A set with one block of every ActionType; eids point at static bytes. */
static struct mapi_rule_actions *make_all(TALLOC_CTX *ctx)
{
	static uint8_t server_eid[RULE_SERVER_EID_SIZE], store_eid[] = {0x00}, defer[] = {1, 2, 3};
	static uint8_t msg_eid[] = {9, 9, 9, 9};
	struct mapi_rule_actions *a = talloc_zero(ctx, struct mapi_rule_actions);
	struct rule_action_block *b;
	struct mapi_propval *props;

	a->count = 11;
	a->blocks = b = talloc_zero_array(a, struct rule_action_block, a->count);
	rule_server_eid_make(server_eid, 0x0100000000001234ull);
	for (int i = 0; i < 11; i++)
		b[i].type = (uint8_t)(OP_MOVE + i);
	for (int i = 0; i < 2; i++) { /* OP_MOVE, OP_COPY */
		b[i].u.move_copy.in_this_store = true;
		b[i].u.move_copy.store_eid = (struct mapi_binary){1, store_eid};
		b[i].u.move_copy.folder_eid = (struct mapi_binary){sizeof(server_eid), server_eid};
	}
	for (int i = 2; i < 4; i++) { /* OP_REPLY, OP_OOF_REPLY */
		b[i].flavor = RULE_FLAVOR_REPLY_STOCK_TEXT;
		b[i].u.reply.template_fid = 0x0100000000000001ull;
		b[i].u.reply.template_mid = 0x0100000000000002ull;
		b[i].u.reply.template_eid = (struct mapi_binary){sizeof(msg_eid), msg_eid};
		b[i].u.reply.template_guid.b[0] = 0x42;
	}
	b[4].u.defer = (struct mapi_binary){sizeof(defer), defer};
	b[5].u.bounce_code = RULE_BOUNCE_DENIED;
	props = talloc_zero_array(a, struct mapi_propval, 3);
	props[0] = (struct mapi_propval){.tag = PROP_TAG(PT_UNICODE, 0x3001), .v.str = name_s};
	props[1] = (struct mapi_propval){.tag = PROP_TAG(PT_UNICODE, 0x3003), .v.str = addr_s};
	props[2] = (struct mapi_propval){.tag = PROP_TAG(PT_LONG, 0x0C15), .v.i32 = 1};
	for (int i = 6; i < 8; i++) { /* OP_FORWARD, OP_DELEGATE */
		b[i].flavor = i == 6 ? RULE_FLAVOR_FWD_AS_ATTACHMENT : 0;
		b[i].u.fwd.count = 1;
		b[i].u.fwd.recipients = talloc_zero_array(a, struct rule_recipient, 1);
		b[i].u.fwd.recipients[0].reserved = 0x01;
		b[i].u.fwd.recipients[0].props = (struct mapi_propval_array){3, props};
	}
	b[8].u.tag = (struct mapi_propval){.tag = PROP_TAG(PT_LONG, 0x0017), .v.i32 = 2};
	return a;
}

static void test_standard_bytes(void)
{
	/* NoOfActions 2; OP_DELETE (ActionLength 9, no data); OP_BOUNCE with
	 * BounceCode 0x26 ([MS-OXORULE] 2.2.5, 2.2.5.1.2.5), 16-bit counts */
	static const uint8_t want[] = {0x02, 0x00, 0x09, 0x00, 0x0A, 0,    0, 0, 0, 0,
	                               0,    0,    0,    0x0D, 0x00, 0x06, 0, 0, 0, 0,
	                               0,    0,    0,    0,    0x26, 0,    0, 0};
	struct rule_action_block blocks[2] = {{.type = OP_DELETE},
	                                      {.type = OP_BOUNCE, .u.bounce_code = 0x26}};
	struct mapi_rule_actions a = {2, blocks}, *back = NULL;
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct rop_push p;
	struct rop_pull r;
	uint8_t buf[64];

	test_begin("RuleAction standard encoding, delete and bounce");
	rop_push_init_fixed(&p, buf, sizeof(buf));
	test_assert_int(rule_actions_push(&p, ROP_COUNT_WIDTH_ROP, &a), ROP_OK);
	test_assert_int(p.ofs, sizeof(want));
	test_assert_mem(buf, want, sizeof(want));
	rop_pull_init(&r, ctx, want, sizeof(want));
	test_assert_int(rule_actions_pull(&r, ROP_COUNT_WIDTH_ROP, ctx, &back), ROP_OK);
	test_assert(back != NULL && back->count == 2 && back->blocks[1].u.bounce_code == 0x26);
	test_end();
	talloc_free(ctx);
}

/* Every ActionType in one width: encode, decode, re-encode equal; every
 * truncation and every too-small output fails cleanly. */
static void check_width(int width)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct mapi_rule_actions *a = make_all(ctx), *back = NULL;
	struct rop_push p;
	struct rop_pull r;
	uint8_t buf[1024], buf2[1024];
	size_t len;
	uint64_t fid = 0;

	rop_push_init_fixed(&p, buf, sizeof(buf));
	test_assert_int(rule_actions_push(&p, width, a), ROP_OK);
	len = p.ofs;
	rop_pull_init(&r, ctx, buf, len);
	test_assert_int(rule_actions_pull(&r, width, ctx, &back), ROP_OK);
	test_assert_int(rop_pull_left(&r), 0);
	if (back == NULL || back->count != 11) {
		test_assert(back != NULL && back->count == 11);
		talloc_free(ctx);
		return;
	}
	test_assert_int(back->blocks[6].flavor, RULE_FLAVOR_FWD_AS_ATTACHMENT);
	test_assert_str(back->blocks[7].u.fwd.recipients[0].props.vals[1].v.str, addr_s);
	test_assert_int(back->blocks[8].u.tag.v.i32, 2);
	test_assert_int(back->blocks[4].u.defer.len, 3);
	if (width == ROP_COUNT_WIDTH_ROP) {
		test_assert(back->blocks[0].u.move_copy.in_this_store);
		test_assert_int(
		    rule_server_eid_parse(&back->blocks[0].u.move_copy.folder_eid, &fid), 1);
		test_assert(fid == 0x0100000000001234ull);
		test_assert(back->blocks[2].u.reply.template_mid == 0x0100000000000002ull);
	} else {
		test_assert_int(back->blocks[3].u.reply.template_eid.len, 4);
	}
	rop_push_init_fixed(&p, buf2, sizeof(buf2));
	test_assert_int(rule_actions_push(&p, width, back), ROP_OK);
	test_assert_int(p.ofs, len);
	test_assert_mem(buf2, buf, len);
	for (size_t cut = 0; cut < len; cut++) {
		struct mapi_rule_actions *t = NULL;
		rop_pull_init(&r, ctx, buf, cut);
		test_assert(rule_actions_pull(&r, width, ctx, &t) != ROP_OK);
		test_assert_int(r.ofs, 0);
	}
	for (size_t cap = 0; cap < len; cap++) {
		rop_push_init_fixed(&p, buf2, cap);
		test_assert_int(rule_actions_push(&p, width, a), ROP_E_NOSPACE);
		test_assert_int(p.ofs, 0);
	}
	talloc_free(ctx);
}

static void test_all_types(void)
{
	test_begin("RuleAction every ActionType, standard (16-bit) counts");
	check_width(ROP_COUNT_WIDTH_ROP);
	test_end();
	test_begin("RuleAction every ActionType, extended-rule (32-bit) counts");
	check_width(ROP_COUNT_WIDTH_32);
	test_end();
}

static void test_invalid(void)
{
	/* ActionLength 8: shorter than the action header */
	static const uint8_t short_len[] = {0x01, 0x00, 0x08, 0x00, 0x0A, 0, 0,
	                                    0,    0,    0,    0,    0,    0, 0};
	/* ActionType 0x0C does not exist */
	static const uint8_t bad_type[] = {0x01, 0x00, 0x09, 0x00, 0x0C, 0, 0, 0, 0, 0, 0, 0, 0};
	/* OP_DELETE with a stray byte inside its ActionLength */
	static const uint8_t trailing[] = {0x01, 0x00, 0x0A, 0x00, 0x0A, 0, 0,
	                                   0,    0,    0,    0,    0,    0, 0x55};
	/* OP_TAG carrying a PtypRuleAction value */
	static const uint8_t nested[] = {0x01, 0x00, 0x0F, 0x00, 0x09, 0,    0,    0, 0, 0,
	                                 0,    0,    0,    0xFE, 0x00, 0x80, 0x66, 0, 0};
	/* 65535 actions announced in 4 bytes */
	static const uint8_t huge[] = {0xFF, 0xFF, 0x09, 0x00};
	static const struct {
		const uint8_t *in;
		size_t len;
		enum rop_err want;
	} cases[] = {
	    {short_len, sizeof(short_len), ROP_E_INVALID},
	    {bad_type, sizeof(bad_type), ROP_E_INVALID},
	    {trailing, sizeof(trailing), ROP_E_INVALID},
	    {nested, sizeof(nested), ROP_E_INVALID},
	    {huge, sizeof(huge), ROP_E_SHORT},
	};
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct rule_action_block blk = {.type = OP_TAG};
	struct mapi_rule_actions a = {1, &blk}, *out;
	struct rop_push p;
	struct rop_pull r;
	uint8_t buf[64];

	test_begin("RuleAction malformed input and invalid values");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		rop_pull_init(&r, ctx, cases[i].in, cases[i].len);
		test_assert_int(rule_actions_pull(&r, ROP_COUNT_WIDTH_ROP, ctx, &out),
		                cases[i].want);
		test_assert_int(r.ofs, 0);
	}
	blk.u.tag.tag = PROP_TAG(PT_ACTIONS, 0x6680);
	rop_push_init_fixed(&p, buf, sizeof(buf));
	test_assert_int(rule_actions_push(&p, ROP_COUNT_WIDTH_ROP, &a), ROP_E_INVALID);
	test_assert_int(rule_actions_push(&p, 8, &a), ROP_E_INVALID); /* no such width */
	test_assert_int(p.ofs, 0);
	test_end();
	talloc_free(ctx);
}

static void test_extended(void)
{
	/* named properties 0x8001 (string name) and 0x8002 (dispid) */
	static char kw[] = "Keywords";
	static uint16_t ids[] = {0x8001, 0x8002};
	struct mapi_property_name names[2] = {
	    {.kind = MNID_STRING, .guid = {{0x29, 0x03}}, .name = kw},
	    {.kind = MNID_ID, .guid = {{0x08, 0x20}}, .lid = 0x8503}};
	struct rule_action_block blk = {.type = OP_TAG};
	struct mapi_rule_actions acts = {1, &blk};
	struct rule_ext_actions ext = {{2, ids, names}, RULE_EXT_VERSION, &acts}, *back = NULL;
	struct mapi_restriction res = {.rt = RES_EXIST, .u.exist.proptag = 0x8002000B};
	struct rule_ext_condition cond = {{2, ids, names}, &res}, *cback = NULL, *back_cond_dummy;
	TALLOC_CTX *ctx = talloc_new(NULL);
	uint8_t buf[256], buf2[256];
	struct rop_push p;
	size_t len;

	test_begin("extended rule actions and condition with named properties");
	blk.u.tag = (struct mapi_propval){.tag = PROP_TAG(PT_BOOLEAN, 0x8002), .v.b = true};
	rop_push_init_fixed(&p, buf, sizeof(buf));
	test_assert_int(rule_ext_actions_push(&p, &ext), ROP_OK);
	len = p.ofs;
	/* NoOfNamedProps 2, PropIds 01 80 02 80, NamedPropertiesSize ... */
	test_assert(buf[0] == 2 && buf[1] == 0 && buf[2] == 0x01 && buf[3] == 0x80);
	test_assert_int(rule_ext_actions_pull(ctx, buf, len, &back), ROP_OK);
	if (back != NULL) {
		test_assert_int(back->named.count, 2);
		test_assert_str(back->named.names[0].name, "Keywords");
		test_assert_int(back->named.names[1].lid, 0x8503);
		test_assert_int(back->actions->blocks[0].u.tag.tag, PROP_TAG(PT_BOOLEAN, 0x8002));
		rop_push_init_fixed(&p, buf2, sizeof(buf2));
		test_assert_int(rule_ext_actions_push(&p, back), ROP_OK);
		test_assert_int(p.ofs, len);
		test_assert_mem(buf2, buf, len);
	}
	for (size_t cut = 0; cut < len; cut++)
		test_assert(rule_ext_actions_pull(ctx, buf, cut, &back) != ROP_OK);
	test_assert_int(rule_ext_actions_pull(ctx, buf, len + 0, &back), ROP_OK);
	ext.version = 2;
	rop_push_init_fixed(&p, buf2, sizeof(buf2));
	test_assert_int(rule_ext_actions_push(&p, &ext), ROP_OK);
	test_assert_int(rule_ext_actions_pull(ctx, buf2, p.ofs, &back), ROP_E_UNSUPPORTED);
	rop_push_init_fixed(&p, buf2, sizeof(buf2));
	test_assert_int(rule_ext_condition_push(&p, &cond), ROP_OK);
	test_assert_int(rule_ext_condition_pull(ctx, buf2, p.ofs, &cback), ROP_OK);
	len = p.ofs;
	buf2[3] = 0x00; /* PropId 0x0001: not a named property ID */
	test_assert_int(rule_ext_condition_pull(ctx, buf2, len, &back_cond_dummy), ROP_E_INVALID);
	ids[0] = 0x0001;
	rop_push_init_fixed(&p, buf2, sizeof(buf2));
	test_assert_int(rule_ext_condition_push(&p, &cond), ROP_E_INVALID);
	test_assert_int(p.ofs, 0);
	test_assert(cback != NULL && cback->res->rt == RES_EXIST &&
	            cback->res->u.exist.proptag == 0x8002000B);
	test_end();
	talloc_free(ctx);
}

int main(void)
{
	test_extended();
	test_standard_bytes();
	test_all_types();
	test_invalid();
	return test_exit();
}
