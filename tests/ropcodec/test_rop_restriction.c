/* Tests of [MS-OXCDATA] 2.12 restriction packets. */
#include "rop_propval.h"
#include "rop_restriction.h"
#include "test.h"

static void roundtrip(const struct mapi_restriction *res, int width, const uint8_t *expect,
                      size_t expect_len)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct rop_push w, w2;
	struct rop_pull r;
	struct mapi_restriction back;

	rop_push_init_growable(&w, tmp);
	test_assert_int(rop_push_restriction(&w, width, res), ROP_OK);
	if (expect != NULL) {
		test_assert_int(w.ofs, expect_len);
		if (w.ofs == expect_len)
			test_assert_mem(w.data, expect, expect_len);
	}
	rop_pull_init(&r, tmp, w.data, w.ofs);
	test_assert_int(rop_pull_restriction(&r, width, &back), ROP_OK);
	test_assert_int(rop_pull_left(&r), 0);
	test_assert(rop_restriction_equal(res, &back));
	rop_push_init_growable(&w2, tmp);
	test_assert_int(rop_push_restriction(&w2, width, &back), ROP_OK);
	test_assert(w2.ofs == w.ofs && memcmp(w2.data, w.data, w.ofs) == 0);
	for (size_t cut = 0; cut < w.ofs; cut++) {
		rop_pull_init(&r, tmp, w.data, cut);
		test_assert(rop_pull_restriction(&r, width, &back) != ROP_OK);
	}
	talloc_free(tmp);
}

static void test_all_types(void)
{
	struct mapi_restriction leaves[6], andr, orr, notr, sub, comment, count, inner;
	struct mapi_propval cvals[1];
	static const uint8_t exist_bytes[] = {0x08, 0x1F, 0x00, 0x37, 0x00};
	static const uint8_t and_bytes16[] = {0x00, 0x01, 0x00, 0x08, 0x1F, 0x00, 0x37, 0x00};
	static const uint8_t and_bytes32[] = {0x00, 0x01, 0x00, 0x00, 0x00,
	                                      0x08, 0x1F, 0x00, 0x37, 0x00};

	memset(leaves, 0, sizeof(leaves));
	leaves[0].rt = RES_CONTENT;
	leaves[0].u.content.fuzzy_level = FL_SUBSTRING | FL_IGNORECASE;
	leaves[0].u.content.proptag = PROP_TAG(PT_UNICODE, 0x0037);
	leaves[0].u.content.val.tag = PROP_TAG(PT_UNICODE, 0x0037);
	leaves[0].u.content.val.v.str = (char *)"hello";
	leaves[1].rt = RES_PROPERTY;
	leaves[1].u.prop.relop = RELOP_GE;
	leaves[1].u.prop.proptag = PROP_TAG(PT_LONG, 0x0E08);
	leaves[1].u.prop.val.tag = PROP_TAG(PT_LONG, 0x0E08);
	leaves[1].u.prop.val.v.i32 = 100;
	leaves[2].rt = RES_COMPAREPROPS;
	leaves[2].u.compare.relop = RELOP_NE;
	leaves[2].u.compare.proptag1 = PROP_TAG(PT_SYSTIME, 0x3007);
	leaves[2].u.compare.proptag2 = PROP_TAG(PT_SYSTIME, 0x3008);
	leaves[3].rt = RES_BITMASK;
	leaves[3].u.bitmask.relop = BMR_NEZ;
	leaves[3].u.bitmask.proptag = PROP_TAG(PT_LONG, 0x0E07);
	leaves[3].u.bitmask.mask = 1;
	leaves[4].rt = RES_SIZE;
	leaves[4].u.size.relop = RELOP_LT;
	leaves[4].u.size.proptag = PROP_TAG(PT_BINARY, 0x1000);
	leaves[4].u.size.size = 4096;
	leaves[5].rt = RES_EXIST;
	leaves[5].u.exist.proptag = PROP_TAG(PT_UNICODE, 0x0037);

	test_begin("restriction: leaves, byte exact");
	roundtrip(&leaves[5], 16, exist_bytes, sizeof(exist_bytes));
	for (int i = 0; i < 6; i++) {
		roundtrip(&leaves[i], 16, NULL, 0);
		roundtrip(&leaves[i], 32, NULL, 0);
	}
	test_end();

	test_begin("restriction: And/Or count width 16 in ROPs, 32 in rules");
	memset(&andr, 0, sizeof(andr));
	andr.rt = RES_AND;
	andr.u.andor.count = 1;
	andr.u.andor.res = &leaves[5];
	roundtrip(&andr, 16, and_bytes16, sizeof(and_bytes16));
	roundtrip(&andr, 32, and_bytes32, sizeof(and_bytes32));
	test_end();

	test_begin("restriction: Or, Not, SubObject, Comment, Count nested");
	memset(&orr, 0, sizeof(orr));
	orr.rt = RES_OR;
	orr.u.andor.count = 6;
	orr.u.andor.res = leaves;
	memset(&notr, 0, sizeof(notr));
	notr.rt = RES_NOT;
	notr.u.not_.res = &orr;
	memset(&sub, 0, sizeof(sub));
	sub.rt = RES_SUBRESTRICTION;
	sub.u.sub.subobject = PR_MESSAGE_RECIPIENTS;
	sub.u.sub.res = &notr;
	memset(cvals, 0, sizeof(cvals));
	cvals[0].tag = PROP_TAG(PT_LONG, 0x6001);
	cvals[0].v.i32 = 3;
	memset(&comment, 0, sizeof(comment));
	comment.rt = RES_COMMENT;
	comment.u.comment.count = 1;
	comment.u.comment.vals = cvals;
	comment.u.comment.res = &sub;
	memset(&count, 0, sizeof(count));
	count.rt = RES_COUNT;
	count.u.count.count = 10;
	count.u.count.res = &comment;
	roundtrip(&count, 16, NULL, 0);
	roundtrip(&count, 32, NULL, 0);
	/* a comment without restriction, and a PtypRestriction value inside */
	comment.u.comment.res = NULL;
	roundtrip(&comment, 16, NULL, 0);
	memset(&inner, 0, sizeof(inner));
	inner.rt = RES_EXIST;
	inner.u.exist.proptag = 0x00010003;
	cvals[0].tag = PROP_TAG(PT_SRESTRICTION, 0x6002);
	cvals[0].v.res = &inner;
	roundtrip(&comment, 16, NULL, 0);
	test_end();
}

static void test_depth_and_bad(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	uint8_t deep[MAPI_RESTRICTION_MAX_DEPTH + 8];
	struct mapi_restriction chain[MAPI_RESTRICTION_MAX_DEPTH + 2], back;
	struct rop_pull r;
	struct rop_push w;
	static const uint8_t badtype[] = {0x0C};
	static const uint8_t badrelop[] = {0x07, 0x07, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
	static const uint8_t hugeand[] = {0x00, 0xFF, 0xFF, 0x08};

	test_begin("restriction: depth limit, bad types, huge counts");
	/* NOT NOT NOT ... EXIST: too deep */
	memset(deep, RES_NOT, sizeof(deep));
	rop_pull_init(&r, tmp, deep, sizeof(deep));
	test_assert_int(rop_pull_restriction(&r, 16, &back), ROP_E_DEPTH);
	for (int i = 0; i < MAPI_RESTRICTION_MAX_DEPTH + 2; i++) {
		memset(&chain[i], 0, sizeof(chain[i]));
		chain[i].rt = RES_NOT;
		chain[i].u.not_.res = &chain[i + 1];
	}
	chain[MAPI_RESTRICTION_MAX_DEPTH + 1].rt = RES_EXIST;
	rop_push_init_growable(&w, tmp);
	test_assert_int(rop_push_restriction(&w, 16, &chain[0]), ROP_E_DEPTH);
	/* exactly at the limit works */
	rop_push_init_growable(&w, tmp);
	test_assert_int(rop_push_restriction(&w, 16, &chain[2]), ROP_OK);
	rop_pull_init(&r, tmp, w.data, w.ofs);
	test_assert_int(rop_pull_restriction(&r, 16, &back), ROP_OK);
	rop_pull_init(&r, tmp, badtype, sizeof(badtype));
	test_assert_int(rop_pull_restriction(&r, 16, &back), ROP_E_INVALID);
	rop_pull_init(&r, tmp, badrelop, sizeof(badrelop));
	test_assert_int(rop_pull_restriction(&r, 16, &back), ROP_E_INVALID);
	rop_pull_init(&r, tmp, hugeand, sizeof(hugeand));
	test_assert_int(rop_pull_restriction(&r, 16, &back), ROP_E_SHORT);
	test_end();
	talloc_free(tmp);
}

int main(void)
{
	test_all_types();
	test_depth_and_bad();
	return test_exit();
}
