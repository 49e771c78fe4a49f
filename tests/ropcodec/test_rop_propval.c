/* Tests of property values, rows, problems, names and tag arrays. */
#include <stdlib.h>

#include "rop_propval.h"
#include "rop_restriction.h"
#include "rule_actions.h"
#include "test.h"

/* Encodes v as a TaggedPropertyValue, decodes it back, compares the
 * values and the re-encoded bytes, then decodes every truncation. */
static void roundtrip_tagged(const struct mapi_propval *v, int width, const uint8_t *expect,
                             size_t expect_len)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct rop_push w, w2;
	struct rop_pull r;
	struct mapi_propval back;

	rop_push_init_growable(&w, tmp);
	test_assert_int(rop_push_tagged_propval(&w, width, v), ROP_OK);
	if (expect != NULL) {
		test_assert_int(w.ofs, expect_len);
		if (w.ofs == expect_len)
			test_assert_mem(w.data, expect, expect_len);
	}
	rop_pull_init(&r, tmp, w.data, w.ofs);
	test_assert_int(rop_pull_tagged_propval(&r, width, &back), ROP_OK);
	test_assert_int(rop_pull_left(&r), 0);
	test_assert(rop_propval_equal(v, &back));
	rop_push_init_growable(&w2, tmp);
	test_assert_int(rop_push_tagged_propval(&w2, width, &back), ROP_OK);
	test_assert_int(w2.ofs, w.ofs);
	test_assert_mem(w2.data, w.data, w.ofs);
	for (size_t cut = 0; cut < w.ofs; cut++) {
		rop_pull_init(&r, tmp, w.data, cut);
		test_assert(rop_pull_tagged_propval(&r, width, &back) != ROP_OK);
	}
	talloc_free(tmp);
}

static void test_scalars(void)
{
	struct mapi_propval v = {0};
	struct mapi_guid g = {{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}};
	uint8_t bin[3] = {0xAA, 0xBB, 0xCC};

	test_begin("propval: every scalar type, byte exact");
	v.tag = PROP_TAG(PT_LONG, 0x0E08);
	v.v.i32 = 0x01020304;
	roundtrip_tagged(&v, 16, (const uint8_t *)"\x03\x00\x08\x0E\x04\x03\x02\x01", 8);
	v.tag = PROP_TAG(PT_SHORT, 0x1234);
	v.v.i16 = -2;
	roundtrip_tagged(&v, 16, (const uint8_t *)"\x02\x00\x34\x12\xFE\xFF", 6);
	v.tag = PROP_TAG(PT_BOOLEAN, 0x0E1B);
	v.v.b = true;
	roundtrip_tagged(&v, 16, (const uint8_t *)"\x0B\x00\x1B\x0E\x01", 5);
	v.tag = PROP_TAG(PT_I8, 0x0E07);
	v.v.i64 = -1;
	roundtrip_tagged(&v, 16, NULL, 0);
	v.tag = PROP_TAG(PT_SYSTIME, 0x3007);
	v.v.ft = 0x01D9000000000000ull;
	roundtrip_tagged(&v, 16, NULL, 0);
	v.tag = PROP_TAG(PT_DOUBLE, 0x8001);
	v.v.f64 = 3.25;
	roundtrip_tagged(&v, 32, NULL, 0);
	v.tag = PROP_TAG(PT_FLOAT, 0x8002);
	v.v.f32 = 1.5f;
	roundtrip_tagged(&v, 16, NULL, 0);
	v.tag = PROP_TAG(PT_CURRENCY, 0x8003);
	v.v.i64 = 123456;
	roundtrip_tagged(&v, 16, NULL, 0);
	v.tag = PROP_TAG(PT_APPTIME, 0x8004);
	v.v.f64 = 45000.5;
	roundtrip_tagged(&v, 16, NULL, 0);
	v.tag = PROP_TAG(PT_ERROR, 0x0037);
	v.v.err = 0x8004010F;
	roundtrip_tagged(&v, 16, (const uint8_t *)"\x0A\x00\x37\x00\x0F\x01\x04\x80", 8);
	v.tag = PROP_TAG(PT_NULL, 0x0001);
	roundtrip_tagged(&v, 16, (const uint8_t *)"\x01\x00\x01\x00", 4);
	v.tag = PROP_TAG(PT_UNICODE, 0x0037);
	v.v.str = (char *)"Hi";
	roundtrip_tagged(&v, 16, (const uint8_t *)"\x1F\x00\x37\x00H\0i\0\0\0", 10);
	v.tag = PROP_TAG(PT_STRING8, 0x001A);
	v.v.str = (char *)"IPM";
	roundtrip_tagged(&v, 16, (const uint8_t *)"\x1E\x00\x1A\x00IPM\0", 8);
	v.tag = PROP_TAG(PT_CLSID, 0x8005);
	v.v.guid = &g;
	roundtrip_tagged(&v, 16, NULL, 0);
	test_end();

	test_begin("propval: binary COUNT is 16 bits in ROPs, 32 elsewhere");
	v.tag = PROP_TAG(PT_BINARY, 0x0FFF);
	v.v.bin.len = 3;
	v.v.bin.data = bin;
	roundtrip_tagged(&v, 16, (const uint8_t *)"\x02\x01\xFF\x0F\x03\x00\xAA\xBB\xCC", 9);
	roundtrip_tagged(&v, 32, (const uint8_t *)"\x02\x01\xFF\x0F\x03\x00\x00\x00\xAA\xBB\xCC",
	                 11);
	v.tag = PROP_TAG(PT_SVREID, 0x67F0);
	roundtrip_tagged(&v, 16, (const uint8_t *)"\xFB\x00\xF0\x67\x03\x00\xAA\xBB\xCC", 9);
	v.v.bin.len = 0;
	v.v.bin.data = NULL;
	v.tag = PROP_TAG(PT_BINARY, 0x0FFF);
	roundtrip_tagged(&v, 16, (const uint8_t *)"\x02\x01\xFF\x0F\x00\x00", 6);
	test_end();
}

static void test_multi(void)
{
	struct mapi_propval v = {0};
	int32_t longs[2] = {1, -1};
	char *strs[2] = {(char *)"a", (char *)""};
	uint8_t b0[2] = {1, 2};
	struct mapi_binary bins[2] = {{2, b0}, {0, NULL}};
	int16_t shorts[1] = {7};
	uint64_t times[1] = {42};
	struct mapi_guid guids[1] = {{{9}}};

	test_begin("propval: multi-valued types, count always 32 bits");
	v.tag = PROP_TAG(PT_MV_LONG, 0x8010);
	v.v.mv.count = 2;
	v.v.mv.i32 = longs;
	roundtrip_tagged(&v, 16,
	                 (const uint8_t *)"\x03\x10\x10\x80\x02\x00\x00\x00\x01\x00\x00\x00\xFF\xFF"
	                                  "\xFF\xFF",
	                 16);
	v.tag = PROP_TAG(PT_MV_UNICODE, 0x8011);
	v.v.mv.str = strs;
	roundtrip_tagged(
	    &v, 16, (const uint8_t *)"\x1F\x10\x11\x80\x02\x00\x00\x00\x61\x00\x00\x00\x00\x00",
	    14);
	v.tag = PROP_TAG(PT_MV_STRING8, 0x8012);
	roundtrip_tagged(&v, 16, NULL, 0);
	v.tag = PROP_TAG(PT_MV_BINARY, 0x8013);
	v.v.mv.bin = bins;
	roundtrip_tagged(
	    &v, 16, (const uint8_t *)"\x02\x11\x13\x80\x02\x00\x00\x00\x02\x00\x01\x02\x00\x00",
	    14);
	roundtrip_tagged(&v, 32, NULL, 0);
	v.tag = PROP_TAG(PT_MV_SHORT, 0x8014);
	v.v.mv.count = 1;
	v.v.mv.i16 = shorts;
	roundtrip_tagged(&v, 16, NULL, 0);
	v.tag = PROP_TAG(PT_MV_SYSTIME, 0x8015);
	v.v.mv.ft = times;
	roundtrip_tagged(&v, 16, NULL, 0);
	v.tag = PROP_TAG(PT_MV_CLSID, 0x8016);
	v.v.mv.guid = guids;
	roundtrip_tagged(&v, 16, NULL, 0);
	v.tag = PROP_TAG(PT_MV_LONG, 0x8017);
	v.v.mv.count = 0;
	v.v.mv.i32 = NULL;
	roundtrip_tagged(&v, 16, (const uint8_t *)"\x03\x10\x17\x80\x00\x00\x00\x00", 8);
	test_end();
}

static void test_bad_input(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct rop_pull r;
	struct mapi_propval v;
	/* an MV count of 0x40000000 with four bytes behind it */
	static const uint8_t huge[] = {0x03, 0x10, 0x00, 0x80, 0x00, 0x00, 0x00, 0x40, 1, 2, 3, 4};
	static const uint8_t unknown[] = {0x99, 0x00, 0x00, 0x80, 0};
	static const uint8_t actions[] = {0xFE, 0x00, 0x00, 0x80, 0};

	test_begin("propval: bad input fails cleanly");
	rop_pull_init(&r, tmp, huge, sizeof(huge));
	test_assert_int(rop_pull_tagged_propval(&r, 16, &v), ROP_E_SHORT);
	rop_pull_init(&r, tmp, unknown, sizeof(unknown));
	test_assert_int(rop_pull_tagged_propval(&r, 16, &v), ROP_E_INVALID);
	/* a PtypRuleAction with one byte of its two-byte NoOfActions */
	rop_pull_init(&r, tmp, actions, sizeof(actions));
	test_assert_int(rop_pull_tagged_propval(&r, 16, &v), ROP_E_SHORT);
	rop_pull_init(&r, tmp, huge, sizeof(huge));
	test_assert_int(rop_pull_tagged_propval(&r, 24, &v), ROP_E_INVALID);
	test_end();
	talloc_free(tmp);
}

static void test_rule_action_value(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	/* PidTagRuleActions (0x668000FE): NoOfActions 1, ActionLength 9,
	 * ActionType OP_DELETE (0x0A), ActionFlavor 0, ActionFlags 0
	 * ([MS-OXORULE] 2.2.5, 2.2.5.1) */
	static const uint8_t wire[] = {0xFE, 0x00, 0x80, 0x66, 0x01, 0x00, 0x09, 0x00, 0x0A,
	                               0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
	struct mapi_propval v, back;
	struct mapi_restriction res;
	struct rop_pull r;
	struct rop_push w;

	test_begin("propval: PtypRuleAction through rule_actions, not inside a restriction");
	rop_pull_init(&r, tmp, wire, sizeof(wire));
	test_assert_int(rop_pull_tagged_propval(&r, ROP_COUNT_WIDTH_ROP, &v), ROP_OK);
	test_assert_int(rop_pull_left(&r), 0);
	test_assert(v.v.actions != NULL && v.v.actions->count == 1);
	rop_push_init_growable(&w, tmp);
	test_assert_int(rop_push_tagged_propval(&w, ROP_COUNT_WIDTH_ROP, &v), ROP_OK);
	test_assert_int(w.ofs, sizeof(wire));
	test_assert_mem(w.data, wire, sizeof(wire));
	rop_pull_init(&r, tmp, w.data, w.ofs);
	test_assert_int(rop_pull_tagged_propval(&r, ROP_COUNT_WIDTH_ROP, &back), ROP_OK);
	test_assert(rop_propval_equal(&v, &back));
	back.v.actions->blocks[0].type ^= 1;
	test_assert(!rop_propval_equal(&v, &back));
	/* the same value inside a PropertyRestriction: refused both ways */
	memset(&res, 0, sizeof(res));
	res.rt = RES_PROPERTY;
	res.u.prop.relop = RELOP_EQ;
	res.u.prop.proptag = v.tag;
	res.u.prop.val = v;
	rop_push_init_growable(&w, tmp);
	test_assert_int(rop_push_restriction_depth(&w, ROP_COUNT_WIDTH_ROP, 1, &res),
	                ROP_E_UNSUPPORTED);
	test_end();
	talloc_free(tmp);
}

static void test_rows(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	uint32_t tags[3] = {PROP_TAG(PT_LONG, 0x0E08), PROP_TAG(PT_UNICODE, 0x0037),
	                    PROP_TAG(PT_UNSPECIFIED, 0x8001)};
	struct mapi_proptag_array cols = {3, tags};
	struct mapi_propval vals[3] = {0};
	struct rop_property_row row = {0, {3, vals}}, back;
	struct rop_push w, w2;
	struct rop_pull r;
	/* standard row: flag 0, LONG, UNICODE, Typed(LONG) */
	static const uint8_t std[] = {0x00, 0x05, 0x00, 0x00, 0x00, 'A', 0, 0,
	                              0,    0x03, 0x00, 9,    0,    0,   0};
	/* flagged row: LONG ok, UNICODE error NotFound, unspecified -> no value */
	static const uint8_t flg[] = {0x01, 0x00, 0x05, 0x00, 0x00, 0x00, 0x0A,
	                              0x0F, 0x01, 0x04, 0x80, 0x01, 0x00, 0x01};

	vals[0].tag = tags[0];
	vals[0].v.i32 = 5;
	vals[1].tag = tags[1];
	vals[1].v.str = (char *)"A";
	vals[2].tag = PROP_TAG(PT_LONG, 0x8001);
	vals[2].v.i32 = 9;

	test_begin("PropertyRow: standard row with a PtypUnspecified column");
	test_assert_int(rop_property_row_flag(&cols, &row.vals), 0);
	rop_push_init_growable(&w, tmp);
	test_assert_int(rop_push_property_row(&w, &cols, 16, &row), ROP_OK);
	test_assert_int(w.ofs, sizeof(std));
	test_assert_mem(w.data, std, sizeof(std));
	rop_pull_init(&r, tmp, std, sizeof(std));
	test_assert_int(rop_pull_property_row(&r, &cols, 16, &back), ROP_OK);
	test_assert_int(rop_pull_left(&r), 0);
	for (int i = 0; i < 3; i++)
		test_assert(rop_propval_equal(&vals[i], &back.vals.vals[i]));
	for (size_t cut = 0; cut < sizeof(std); cut++) {
		rop_pull_init(&r, tmp, std, cut);
		test_assert(rop_pull_property_row(&r, &cols, 16, &back) != ROP_OK);
	}
	test_end();

	test_begin("PropertyRow: flagged row, errors and missing values");
	vals[1].tag = PROP_TAG(PT_ERROR, 0x0037);
	vals[1].v.err = 0x8004010F;
	vals[2].tag = PROP_TAG(PT_NULL, 0x8001);
	row.flag = rop_property_row_flag(&cols, &row.vals);
	test_assert_int(row.flag, 1);
	rop_push_init_growable(&w, tmp);
	test_assert_int(rop_push_property_row(&w, &cols, 16, &row), ROP_OK);
	test_assert_int(w.ofs, sizeof(flg));
	test_assert_mem(w.data, flg, sizeof(flg));
	rop_pull_init(&r, tmp, flg, sizeof(flg));
	test_assert_int(rop_pull_property_row(&r, &cols, 16, &back), ROP_OK);
	test_assert_int(back.flag, 1);
	for (int i = 0; i < 3; i++)
		test_assert(rop_propval_equal(&vals[i], &back.vals.vals[i]));
	rop_push_init_growable(&w2, tmp);
	test_assert_int(rop_push_property_row(&w2, &cols, 16, &back), ROP_OK);
	test_assert_int(w2.ofs, sizeof(flg));
	test_assert_mem(w2.data, flg, sizeof(flg));
	for (size_t cut = 0; cut < sizeof(flg); cut++) {
		rop_pull_init(&r, tmp, flg, cut);
		test_assert(rop_pull_property_row(&r, &cols, 16, &back) != ROP_OK);
	}
	/* a standard row cannot carry an error value */
	row.flag = 0;
	rop_push_init_growable(&w, tmp);
	test_assert_int(rop_push_property_row(&w, &cols, 16, &row), ROP_E_INVALID);
	test_end();
	talloc_free(tmp);
}

static void test_typed_null_error_row(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	uint32_t tags[2] = {PROP_TAG(PT_UNSPECIFIED, 0x8001), PROP_TAG(PT_UNSPECIFIED, 0x8002)};
	struct mapi_proptag_array cols = {2, tags};
	struct rop_property_row row;
	struct rop_push w;
	struct rop_pull r;
	/* StandardPropertyRow, both columns PT_UNSPECIFIED: TypedPropertyValue
	 * PtypNull (no bytes), TypedPropertyValue PtypErrorCode 0x8004010F */
	static const uint8_t wire[] = {0x00, 0x01, 0x00, 0x0A, 0x00, 0x0F, 0x01, 0x04, 0x80};

	test_begin("PropertyRow: typed PtypNull/PtypErrorCode values, PtypNull columns, both ways");
	rop_pull_init(&r, tmp, wire, sizeof(wire));
	test_assert_int(rop_pull_property_row(&r, &cols, 16, &row), ROP_OK);
	test_assert_int(rop_pull_left(&r), 0);
	test_assert_int(row.flag, 0);
	test_assert_int(row.vals.vals[0].tag, PROP_TAG(PT_NULL, 0x8001));
	test_assert_int(row.vals.vals[1].tag, PROP_TAG(PT_ERROR, 0x8002));
	/* the encoder takes what the decoder gives (found by the propval fuzz
	 * target: it refused such a row) */
	rop_push_init_growable(&w, tmp);
	test_assert_int(rop_push_property_row(&w, &cols, 16, &row), ROP_OK);
	test_assert_int(w.ofs, sizeof(wire));
	test_assert_mem(w.data, wire, sizeof(wire));
	/* columns whose values take no bytes (PtypNull, here with the
	 * MV_INSTANCE bit) do not count towards the bytes a row needs: a row
	 * at the very end of the input decodes (found by the propval target) */
	{
		uint32_t nt[3] = {PROP_TAG(PT_NULL | MV_INSTANCE, 0x8001),
		                  PROP_TAG(PT_NULL | MV_INSTANCE | MV_FLAG, 0x8002),
		                  PROP_TAG(PT_BOOLEAN, 0x8003)};
		struct mapi_proptag_array ncols = {3, nt};
		static const uint8_t tail[] = {0x00, 0x01};
		rop_pull_init(&r, tmp, tail, sizeof(tail));
		test_assert_int(rop_pull_property_row(&r, &ncols, 16, &row), ROP_OK);
		test_assert_int(rop_pull_left(&r), 0);
		test_assert(row.vals.count == 3 && row.vals.vals[2].v.b);
	}
	/* a typed column still refuses a value of another type in a standard row */
	tags[0] = PROP_TAG(PT_LONG, 0x8001);
	rop_push_init_growable(&w, tmp);
	test_assert_int(rop_push_property_row(&w, &cols, 16, &row), ROP_E_INVALID);
	test_end();
	talloc_free(tmp);
}

static void test_rowset_problems_names(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	uint32_t tags[1] = {PROP_TAG(PT_LONG, 0x0E08)};
	struct mapi_proptag_array cols = {1, tags};
	struct rop_property_row_set set;
	struct rop_property_problem_array probs;
	struct mapi_property_name name;
	struct mapi_proptag_array ta;
	struct rop_push w;
	struct rop_pull r;
	static const uint8_t rs[] = {0x02, 0x00, 0x00, 1, 0, 0, 0, 0x00, 2, 0, 0, 0};
	static const uint8_t pp[] = {0x01, 0x00, 0x02, 0x00, 0x1F, 0x00,
	                             0x37, 0x00, 0x0F, 0x01, 0x04, 0x80};
	static const uint8_t nm_str[] = {0x01, 1,  2,  3,  4,  5,    6,   7, 8,   9, 10, 11,
	                                 12,   13, 14, 15, 16, 0x06, 'a', 0, 'b', 0, 0,  0};
	static const uint8_t nm_id[] = {0x00, 1,  2,  3,  4,  5,  6,    7,    8,    9,   10,
	                                11,   12, 13, 14, 15, 16, 0x1C, 0x85, 0x00, 0x00};
	static const uint8_t tag16[] = {0x02, 0x00, 0x03, 0x00, 0x08, 0x0E, 0x1F, 0x00, 0x37, 0x00};

	test_begin("PropertyRowSet, PropertyProblem, PropertyName, PropertyTagArray");
	rop_pull_init(&r, tmp, rs, sizeof(rs));
	test_assert_int(rop_pull_property_row_set(&r, &cols, 16, &set), ROP_OK);
	test_assert_int(set.count, 2);
	test_assert_int(set.rows[1].vals.vals[0].v.i32, 2);
	rop_push_init_growable(&w, tmp);
	test_assert_int(rop_push_property_row_set(&w, &cols, 16, &set), ROP_OK);
	test_assert(w.ofs == sizeof(rs) && memcmp(w.data, rs, sizeof(rs)) == 0);

	rop_pull_init(&r, tmp, pp, sizeof(pp));
	test_assert_int(rop_pull_property_problems(&r, &probs), ROP_OK);
	test_assert(probs.count == 1 && probs.problems[0].index == 2 &&
	            probs.problems[0].proptag == 0x0037001F && probs.problems[0].err == 0x8004010F);
	rop_push_init_growable(&w, tmp);
	test_assert_int(rop_push_property_problems(&w, &probs), ROP_OK);
	test_assert(w.ofs == sizeof(pp) && memcmp(w.data, pp, sizeof(pp)) == 0);

	rop_pull_init(&r, tmp, nm_str, sizeof(nm_str));
	test_assert_int(rop_pull_property_name(&r, &name), ROP_OK);
	test_assert(name.kind == MNID_STRING);
	test_assert_str(name.name, "ab");
	rop_push_init_growable(&w, tmp);
	test_assert_int(rop_push_property_name(&w, &name), ROP_OK);
	test_assert(w.ofs == sizeof(nm_str) && memcmp(w.data, nm_str, sizeof(nm_str)) == 0);
	rop_pull_init(&r, tmp, nm_id, sizeof(nm_id));
	test_assert_int(rop_pull_property_name(&r, &name), ROP_OK);
	test_assert(name.kind == MNID_ID && name.lid == 0x851C);
	rop_push_init_growable(&w, tmp);
	test_assert_int(rop_push_property_name(&w, &name), ROP_OK);
	test_assert(w.ofs == sizeof(nm_id) && memcmp(w.data, nm_id, sizeof(nm_id)) == 0);

	rop_pull_init(&r, tmp, tag16, sizeof(tag16));
	test_assert_int(rop_pull_proptag_array(&r, 16, &ta), ROP_OK);
	test_assert(ta.count == 2 && ta.tags[0] == 0x0E080003 && ta.tags[1] == 0x0037001F);
	rop_push_init_growable(&w, tmp);
	test_assert_int(rop_push_proptag_array(&w, 32, &ta), ROP_OK);
	test_assert_int(w.ofs, 12);

	for (size_t cut = 0; cut < sizeof(nm_str); cut++) {
		rop_pull_init(&r, tmp, nm_str, cut);
		test_assert(rop_pull_property_name(&r, &name) != ROP_OK);
	}
	for (size_t cut = 0; cut < sizeof(pp); cut++) {
		rop_pull_init(&r, tmp, pp, cut);
		test_assert(rop_pull_property_problems(&r, &probs) != ROP_OK);
	}
	for (size_t cut = 0; cut < sizeof(rs); cut++) {
		rop_pull_init(&r, tmp, rs, cut);
		test_assert(rop_pull_property_row_set(&r, &cols, 16, &set) != ROP_OK);
	}
	test_end();
	talloc_free(tmp);
}

int main(void)
{
	test_scalars();
	test_multi();
	test_bad_input();
	test_rule_action_value();
	test_typed_null_error_row();
	test_rows();
	test_rowset_problems_names();
	return test_exit();
}
