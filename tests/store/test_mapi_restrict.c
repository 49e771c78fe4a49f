/* mapi_restrict: every [MS-OXCDATA] 2.12 restriction type against a row
 * held in an array. */
#include "test.h"
#include "mapi_restrict.h"

#define T_SUBJ    PROP_TAG(PT_UNICODE, 0x0037)
#define T_IMP     PROP_TAG(PT_LONG, 0x0017)
#define T_PRIO    PROP_TAG(PT_LONG, 0x0026)
#define T_FLAGS   PROP_TAG(PT_LONG, 0x0E07)
#define T_BIN     PROP_TAG(PT_BINARY, 0x6000)
#define T_KW      PROP_TAG(PT_MV_UNICODE, 0x6001)
#define T_MISSING PROP_TAG(PT_LONG, 0x6002)

static struct mapi_propval row[6];
static int sub_calls;

static int getter(TALLOC_CTX *mem_ctx, void *ctx, uint32_t tag, struct mapi_propval *v)
{
	for (int i = 0; i < 6; i++) {
		if (PROP_ID(row[i].tag) == PROP_ID(tag) &&
		    (PROP_TYPE(tag) == PT_UNSPECIFIED || PROP_TYPE(tag) == PROP_TYPE(row[i].tag) ||
		     (PROP_TYPE(tag) & ~MV_INSTANCE) == PROP_TYPE(row[i].tag))) {
			*v = row[i];
			return 1;
		}
	}
	return 0;
}

static int sub(void *ctx, uint32_t subobject, const struct mapi_restriction *res)
{
	sub_calls++;
	return subobject == PR_MESSAGE_RECIPIENTS;
}

static const struct mapi_restrict_ops ops = {getter, sub};

static int eval(const struct mapi_restriction *r)
{
	return mapi_restrict_eval(r, &ops, NULL);
}

static struct mapi_restriction content(uint32_t fl, const char *s)
{
	struct mapi_restriction r = {.rt = RES_CONTENT};
	r.u.content.fuzzy_level = fl;
	r.u.content.proptag = T_SUBJ;
	r.u.content.val.tag = T_SUBJ;
	r.u.content.val.v.str = (char *)s;
	return r;
}

static struct mapi_restriction prop_i32(enum mapi_relop op, uint32_t tag, int32_t x)
{
	struct mapi_restriction r = {.rt = RES_PROPERTY};
	r.u.prop.relop = op;
	r.u.prop.proptag = tag;
	r.u.prop.val.tag = tag;
	r.u.prop.val.v.i32 = x;
	return r;
}

static void setup(void)
{
	static uint8_t bin[4] = {0xDE, 0xAD, 0xBE, 0xEF};
	static char *kw[2] = {(char *)"red", (char *)"Blue"};
	memset(row, 0, sizeof(row));
	row[0].tag = T_SUBJ, row[0].v.str = (char *)"Quarterly Report";
	row[1].tag = T_IMP, row[1].v.i32 = 2;
	row[2].tag = T_PRIO, row[2].v.i32 = 1;
	row[3].tag = T_FLAGS, row[3].v.i32 = 0x11;
	row[4].tag = T_BIN, row[4].v.bin.len = 4, row[4].v.bin.data = bin;
	row[5].tag = T_KW, row[5].v.mv.count = 2, row[5].v.mv.str = kw;
}

static void test_content(void)
{
	test_begin("RES_CONTENT fuzzy levels");
	struct mapi_restriction r = content(FL_FULLSTRING, "Quarterly Report");
	test_assert_int(eval(&r), 1);
	r = content(FL_FULLSTRING, "quarterly report");
	test_assert_int(eval(&r), 0);
	r = content(FL_FULLSTRING | FL_IGNORECASE, "quarterly report");
	test_assert_int(eval(&r), 1);
	r = content(FL_SUBSTRING, "rly Rep");
	test_assert_int(eval(&r), 1);
	r = content(FL_SUBSTRING | FL_IGNORECASE, "REPORT");
	test_assert_int(eval(&r), 1);
	r = content(FL_SUBSTRING, "REPORT");
	test_assert_int(eval(&r), 0);
	r = content(FL_PREFIX, "Quart");
	test_assert_int(eval(&r), 1);
	r = content(FL_PREFIX, "Report");
	test_assert_int(eval(&r), 0);
	r = content(FL_LOOSE | FL_PREFIX, "quart");
	test_assert_int(eval(&r), 1);
	/* Multi-valued: any value; binary content. */
	r = content(FL_FULLSTRING | FL_IGNORECASE, "blue");
	r.u.content.proptag = T_KW;
	test_assert_int(eval(&r), 1);
	static uint8_t pat[2] = {0xBE, 0xEF};
	r.u.content.proptag = T_BIN;
	r.u.content.fuzzy_level = FL_SUBSTRING;
	r.u.content.val.tag = T_BIN;
	r.u.content.val.v.bin.len = 2;
	r.u.content.val.v.bin.data = pat;
	test_assert_int(eval(&r), 1);
	r.u.content.fuzzy_level = FL_PREFIX;
	test_assert_int(eval(&r), 0);
	/* Missing property never matches. */
	r = content(FL_SUBSTRING, "x");
	r.u.content.proptag = PROP_TAG(PT_UNICODE, 0x7777);
	test_assert_int(eval(&r), 0);
	test_end();
}

static void test_property(void)
{
	test_begin("RES_PROPERTY relops, RES_COMPAREPROPS, RES_BITMASK, RES_SIZE, RES_EXIST");
	struct {
		enum mapi_relop op;
		int32_t x;
		int want;
	} cases[] = {
	    {RELOP_LT, 3, 1}, {RELOP_LT, 2, 0}, {RELOP_LE, 2, 1}, {RELOP_GT, 1, 1},
	    {RELOP_GT, 2, 0}, {RELOP_GE, 2, 1}, {RELOP_EQ, 2, 1}, {RELOP_EQ, 3, 0},
	    {RELOP_NE, 3, 1}, {RELOP_NE, 2, 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mapi_restriction r = prop_i32(cases[i].op, T_IMP, cases[i].x);
		test_assert_int(eval(&r), cases[i].want);
	}
	struct mapi_restriction r = prop_i32(RELOP_EQ, T_MISSING, 0);
	test_assert_int(eval(&r), 0);
	r.u.prop.relop = RELOP_NE;
	test_assert_int(eval(&r), 0);
	/* String property compares case-insensitively. */
	r.rt = RES_PROPERTY;
	r.u.prop.relop = RELOP_EQ;
	r.u.prop.proptag = T_SUBJ;
	r.u.prop.val.tag = T_SUBJ;
	r.u.prop.val.v.str = (char *)"quarterly report";
	test_assert_int(eval(&r), 1);
	/* MV_INSTANCE-style: any element. */
	r.u.prop.proptag = T_KW | MV_INSTANCE;
	r.u.prop.val.tag = PROP_TAG(PT_UNICODE, 0x6001);
	r.u.prop.val.v.str = (char *)"RED";
	test_assert_int(eval(&r), 1);
	struct mapi_restriction c = {.rt = RES_COMPAREPROPS};
	c.u.compare.relop = RELOP_GT;
	c.u.compare.proptag1 = T_IMP;
	c.u.compare.proptag2 = T_PRIO;
	test_assert_int(eval(&c), 1);
	c.u.compare.relop = RELOP_EQ;
	test_assert_int(eval(&c), 0);
	c.u.compare.proptag2 = T_MISSING;
	test_assert_int(eval(&c), 0);
	struct mapi_restriction b = {.rt = RES_BITMASK};
	b.u.bitmask.relop = BMR_NEZ;
	b.u.bitmask.proptag = T_FLAGS;
	b.u.bitmask.mask = 0x10;
	test_assert_int(eval(&b), 1);
	b.u.bitmask.relop = BMR_EQZ;
	test_assert_int(eval(&b), 0);
	b.u.bitmask.mask = 0x2;
	test_assert_int(eval(&b), 1);
	struct mapi_restriction s = {.rt = RES_SIZE};
	s.u.size.relop = RELOP_EQ;
	s.u.size.proptag = T_BIN;
	s.u.size.size = 4;
	test_assert_int(eval(&s), 1);
	s.u.size.relop = RELOP_GT;
	test_assert_int(eval(&s), 0);
	struct mapi_restriction e = {.rt = RES_EXIST};
	e.u.exist.proptag = T_SUBJ;
	test_assert_int(eval(&e), 1);
	e.u.exist.proptag = T_MISSING;
	test_assert_int(eval(&e), 0);
	test_end();
}

static void test_logic(void)
{
	test_begin("RES_AND/OR/NOT, RES_SUBRESTRICTION, RES_COMMENT, RES_COUNT, depth");
	struct mapi_restriction kids[2] = {prop_i32(RELOP_EQ, T_IMP, 2),
	                                   prop_i32(RELOP_EQ, T_PRIO, 5)};
	struct mapi_restriction a = {.rt = RES_AND};
	a.u.andor.count = 2;
	a.u.andor.res = kids;
	test_assert_int(eval(&a), 0);
	a.rt = RES_OR;
	test_assert_int(eval(&a), 1);
	a.u.andor.count = 0;
	test_assert_int(eval(&a), 0);
	a.rt = RES_AND;
	test_assert_int(eval(&a), 1);
	struct mapi_restriction n = {.rt = RES_NOT};
	n.u.not_.res = &kids[1];
	test_assert_int(eval(&n), 1);
	struct mapi_restriction sr = {.rt = RES_SUBRESTRICTION};
	sr.u.sub.subobject = PR_MESSAGE_RECIPIENTS;
	sr.u.sub.res = &kids[0];
	test_assert_int(eval(&sr), 1);
	sr.u.sub.subobject = PR_MESSAGE_ATTACHMENTS;
	test_assert_int(eval(&sr), 0);
	test_assert_int(sub_calls, 2);
	struct mapi_restriction cm = {.rt = RES_COMMENT};
	test_assert_int(eval(&cm), 1);
	cm.u.comment.res = &kids[1];
	test_assert_int(eval(&cm), 0);
	struct mapi_restriction cnt = {.rt = RES_COUNT};
	cnt.u.count.count = 5;
	cnt.u.count.res = &kids[0];
	test_assert_int(eval(&cnt), 1);
	/* Nesting beyond the limit is an error, not a crash. */
	struct mapi_restriction deep[40];
	for (int i = 0; i < 39; i++) {
		deep[i].rt = RES_NOT;
		deep[i].u.not_.res = &deep[i + 1];
	}
	deep[39] = kids[0];
	test_assert(eval(&deep[0]) < 0);
	test_assert(mapi_restriction_dup(NULL, &deep[0]) == NULL);
	a.u.andor.count = 2;
	struct mapi_restriction *copy = mapi_restriction_dup(NULL, &a);
	test_assert(copy != NULL && copy->u.andor.res != kids && eval(copy) == 0);
	talloc_free(copy);
	test_end();
}

static void test_compare(void)
{
	test_begin("mapi_propval_compare orders each type");
	struct mapi_propval a = {.tag = PROP_TAG(PT_I8, 1)}, b = a;
	a.v.i64 = -5;
	b.v.i64 = 3;
	test_assert(mapi_propval_compare(&a, &b) < 0);
	a.tag = b.tag = PROP_TAG(PT_SYSTIME, 1);
	a.v.ft = 10;
	b.v.ft = 10;
	test_assert_int(mapi_propval_compare(&a, &b), 0);
	a.tag = b.tag = PROP_TAG(PT_UNICODE, 1);
	a.v.str = (char *)"apple";
	b.v.str = (char *)"Banana";
	test_assert(mapi_propval_compare(&a, &b) < 0);
	a.tag = b.tag = PROP_TAG(PT_DOUBLE, 1);
	a.v.f64 = 2.5;
	b.v.f64 = -1;
	test_assert(mapi_propval_compare(&a, &b) > 0);
	uint8_t x[2] = {1, 2}, y[3] = {1, 2, 0};
	a.tag = b.tag = PROP_TAG(PT_BINARY, 1);
	a.v.bin.len = 2, a.v.bin.data = x;
	b.v.bin.len = 3, b.v.bin.data = y;
	test_assert(mapi_propval_compare(&a, &b) < 0);
	test_end();
}

int main(void)
{
	setup();
	test_content();
	test_property();
	test_logic();
	test_compare();
	return test_exit();
}
