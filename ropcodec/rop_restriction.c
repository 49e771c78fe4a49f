/* Restriction packets, [MS-OXCDATA] 2.12. */
#include "rop_restriction.h"

#include <string.h>

#include "rop_propval.h"

static enum rop_err pull_res(struct rop_pull *p, int width, unsigned int depth,
                             struct mapi_restriction *r);
static enum rop_err push_res(struct rop_push *p, int width, unsigned int depth,
                             const struct mapi_restriction *r);

/* A newly allocated sub-restriction. */
static enum rop_err pull_sub(struct rop_pull *p, int width, unsigned int depth,
                             struct mapi_restriction **r_r)
{
	struct mapi_restriction *r = talloc_zero(p->mem_ctx, struct mapi_restriction);

	if (r == NULL)
		return ROP_E_NOMEM;
	*r_r = r;
	return pull_res(p, width, depth + 1, r);
}

/* [MS-OXCDATA] 2.12.1 / 2.12.2: RestrictCount is a COUNT (16 bits in ROP
 * buffers, 32 in extended rules and NSPI). */
static enum rop_err pull_andor(struct rop_pull *p, int width, unsigned int depth,
                               struct mapi_restriction *r)
{
	uint32_t n;

	if (width == ROP_COUNT_WIDTH_ROP) {
		uint16_t n16;
		ROP_CHECK(rop_pull_u16(p, &n16));
		n = n16;
	} else {
		ROP_CHECK(rop_pull_u32(p, &n));
	}
	/* each sub-restriction is at least its RestrictType byte */
	ROP_CHECK(rop_pull_check_count(p, n, 1));
	if (n > 0) {
		r->u.andor.res = talloc_zero_array(p->mem_ctx, struct mapi_restriction, n);
		if (r->u.andor.res == NULL)
			return ROP_E_NOMEM;
	}
	r->u.andor.count = n;
	for (uint32_t i = 0; i < n; i++)
		ROP_CHECK(pull_res(p, width, depth + 1, &r->u.andor.res[i]));
	return ROP_OK;
}

/* [MS-OXCDATA] 2.12.11 CommentRestriction: TaggedValuesCount (8 bits),
 * TaggedValues, RestrictionPresent, optional Restriction. */
static enum rop_err pull_comment(struct rop_pull *p, int width, unsigned int depth,
                                 struct mapi_restriction *r)
{
	uint8_t n, present;

	ROP_CHECK(rop_pull_u8(p, &n));
	ROP_CHECK(rop_pull_check_count(p, n, 4));
	if (n > 0) {
		r->u.comment.vals = talloc_zero_array(p->mem_ctx, struct mapi_propval, n);
		if (r->u.comment.vals == NULL)
			return ROP_E_NOMEM;
	}
	r->u.comment.count = n;
	for (uint8_t i = 0; i < n; i++)
		ROP_CHECK(rop_pull_tagged_propval_depth(p, width, depth, &r->u.comment.vals[i]));
	ROP_CHECK(rop_pull_u8(p, &present));
	if (present == 0)
		return ROP_OK;
	if (present != 1)
		return ROP_E_INVALID;
	return pull_sub(p, width, depth, &r->u.comment.res);
}

static enum rop_err pull_relop(struct rop_pull *p, enum mapi_relop *op_r)
{
	uint8_t op;

	ROP_CHECK(rop_pull_u8(p, &op));
	if (op > RELOP_RE && op != RELOP_MEMBER_OF_DL)
		return ROP_E_INVALID;
	*op_r = (enum mapi_relop)op;
	return ROP_OK;
}

/* The six leaf restrictions, [MS-OXCDATA] 2.12.4 - 2.12.9. */
static enum rop_err pull_leaf(struct rop_pull *p, int width, unsigned int depth,
                              struct mapi_restriction *r)
{
	switch (r->rt) {
	case RES_CONTENT: /* 2.12.4: FuzzyLevelLow, FuzzyLevelHigh as one LE u32 */
		ROP_CHECK(rop_pull_u32(p, &r->u.content.fuzzy_level));
		ROP_CHECK(rop_pull_u32(p, &r->u.content.proptag));
		return rop_pull_tagged_propval_depth(p, width, depth, &r->u.content.val);
	case RES_PROPERTY: /* 2.12.5 */
		ROP_CHECK(pull_relop(p, &r->u.prop.relop));
		ROP_CHECK(rop_pull_u32(p, &r->u.prop.proptag));
		return rop_pull_tagged_propval_depth(p, width, depth, &r->u.prop.val);
	case RES_COMPAREPROPS: /* 2.12.6 */
		ROP_CHECK(pull_relop(p, &r->u.compare.relop));
		ROP_CHECK(rop_pull_u32(p, &r->u.compare.proptag1));
		return rop_pull_u32(p, &r->u.compare.proptag2);
	case RES_BITMASK: /* 2.12.7 */
		ROP_CHECK(rop_pull_u8(p, &r->u.bitmask.relop));
		if (r->u.bitmask.relop != BMR_EQZ && r->u.bitmask.relop != BMR_NEZ)
			return ROP_E_INVALID;
		ROP_CHECK(rop_pull_u32(p, &r->u.bitmask.proptag));
		return rop_pull_u32(p, &r->u.bitmask.mask);
	case RES_SIZE: /* 2.12.8 */
		ROP_CHECK(pull_relop(p, &r->u.size.relop));
		ROP_CHECK(rop_pull_u32(p, &r->u.size.proptag));
		return rop_pull_u32(p, &r->u.size.size);
	case RES_EXIST: /* 2.12.9 */
		return rop_pull_u32(p, &r->u.exist.proptag);
	default:
		return ROP_E_INVALID;
	}
}

static enum rop_err pull_res(struct rop_pull *p, int width, unsigned int depth,
                             struct mapi_restriction *r)
{
	uint8_t rt;

	if (depth >= MAPI_RESTRICTION_MAX_DEPTH)
		return ROP_E_DEPTH;
	memset(r, 0, sizeof(*r));
	ROP_CHECK(rop_pull_u8(p, &rt));
	r->rt = (enum mapi_restriction_type)rt;
	switch (rt) {
	case RES_AND:
	case RES_OR:
		return pull_andor(p, width, depth, r);
	case RES_NOT: /* 2.12.3 */
		return pull_sub(p, width, depth, &r->u.not_.res);
	case RES_SUBRESTRICTION: /* 2.12.10 */
		ROP_CHECK(rop_pull_u32(p, &r->u.sub.subobject));
		return pull_sub(p, width, depth, &r->u.sub.res);
	case RES_COMMENT:
		return pull_comment(p, width, depth, r);
	case RES_COUNT: /* 2.12.12 */
		ROP_CHECK(rop_pull_u32(p, &r->u.count.count));
		return pull_sub(p, width, depth, &r->u.count.res);
	default:
		return pull_leaf(p, width, depth, r);
	}
}

static enum rop_err push_leaf(struct rop_push *p, int width, unsigned int depth,
                              const struct mapi_restriction *r)
{
	switch (r->rt) {
	case RES_CONTENT:
		ROP_CHECK(rop_push_u32(p, r->u.content.fuzzy_level));
		ROP_CHECK(rop_push_u32(p, r->u.content.proptag));
		return rop_push_tagged_propval_depth(p, width, depth, &r->u.content.val);
	case RES_PROPERTY:
		ROP_CHECK(rop_push_u8(p, (uint8_t)r->u.prop.relop));
		ROP_CHECK(rop_push_u32(p, r->u.prop.proptag));
		return rop_push_tagged_propval_depth(p, width, depth, &r->u.prop.val);
	case RES_COMPAREPROPS:
		ROP_CHECK(rop_push_u8(p, (uint8_t)r->u.compare.relop));
		ROP_CHECK(rop_push_u32(p, r->u.compare.proptag1));
		return rop_push_u32(p, r->u.compare.proptag2);
	case RES_BITMASK:
		ROP_CHECK(rop_push_u8(p, r->u.bitmask.relop));
		ROP_CHECK(rop_push_u32(p, r->u.bitmask.proptag));
		return rop_push_u32(p, r->u.bitmask.mask);
	case RES_SIZE:
		ROP_CHECK(rop_push_u8(p, (uint8_t)r->u.size.relop));
		ROP_CHECK(rop_push_u32(p, r->u.size.proptag));
		return rop_push_u32(p, r->u.size.size);
	case RES_EXIST:
		return rop_push_u32(p, r->u.exist.proptag);
	default:
		return ROP_E_INVALID;
	}
}

static enum rop_err push_andor(struct rop_push *p, int width, unsigned int depth,
                               const struct mapi_restriction *r)
{
	if (width == ROP_COUNT_WIDTH_ROP) {
		if (r->u.andor.count > UINT16_MAX)
			return ROP_E_TOO_BIG;
		ROP_CHECK(rop_push_u16(p, (uint16_t)r->u.andor.count));
	} else {
		ROP_CHECK(rop_push_u32(p, r->u.andor.count));
	}
	for (uint32_t i = 0; i < r->u.andor.count; i++)
		ROP_CHECK(push_res(p, width, depth + 1, &r->u.andor.res[i]));
	return ROP_OK;
}

static enum rop_err push_comment(struct rop_push *p, int width, unsigned int depth,
                                 const struct mapi_restriction *r)
{
	if (r->u.comment.count > UINT8_MAX)
		return ROP_E_TOO_BIG;
	ROP_CHECK(rop_push_u8(p, (uint8_t)r->u.comment.count));
	for (uint32_t i = 0; i < r->u.comment.count; i++)
		ROP_CHECK(rop_push_tagged_propval_depth(p, width, depth, &r->u.comment.vals[i]));
	ROP_CHECK(rop_push_u8(p, r->u.comment.res != NULL ? 1 : 0));
	if (r->u.comment.res == NULL)
		return ROP_OK;
	return push_res(p, width, depth + 1, r->u.comment.res);
}

/* A sub-restriction that must be present. */
static enum rop_err push_sub(struct rop_push *p, int width, unsigned int depth,
                             const struct mapi_restriction *r)
{
	if (r == NULL)
		return ROP_E_INVALID;
	return push_res(p, width, depth + 1, r);
}

static enum rop_err push_res(struct rop_push *p, int width, unsigned int depth,
                             const struct mapi_restriction *r)
{
	if (depth >= MAPI_RESTRICTION_MAX_DEPTH)
		return ROP_E_DEPTH;
	if ((unsigned int)r->rt > RES_COUNT)
		return ROP_E_INVALID;
	ROP_CHECK(rop_push_u8(p, (uint8_t)r->rt));
	switch (r->rt) {
	case RES_AND:
	case RES_OR:
		return push_andor(p, width, depth, r);
	case RES_NOT:
		return push_sub(p, width, depth, r->u.not_.res);
	case RES_SUBRESTRICTION:
		ROP_CHECK(rop_push_u32(p, r->u.sub.subobject));
		return push_sub(p, width, depth, r->u.sub.res);
	case RES_COMMENT:
		return push_comment(p, width, depth, r);
	case RES_COUNT:
		ROP_CHECK(rop_push_u32(p, r->u.count.count));
		return push_sub(p, width, depth, r->u.count.res);
	default:
		return push_leaf(p, width, depth, r);
	}
}

enum rop_err rop_pull_restriction_depth(struct rop_pull *p, int count_width, unsigned int depth,
                                        struct mapi_restriction *r_r)
{
	if (count_width != ROP_COUNT_WIDTH_ROP && count_width != ROP_COUNT_WIDTH_32)
		return ROP_E_INVALID;
	return pull_res(p, count_width, depth, r_r);
}

enum rop_err rop_push_restriction_depth(struct rop_push *p, int count_width, unsigned int depth,
                                        const struct mapi_restriction *r)
{
	if (count_width != ROP_COUNT_WIDTH_ROP && count_width != ROP_COUNT_WIDTH_32)
		return ROP_E_INVALID;
	return push_res(p, count_width, depth, r);
}

enum rop_err rop_pull_restriction(struct rop_pull *p, int count_width, struct mapi_restriction *r_r)
{
	return rop_pull_restriction_depth(p, count_width, 0, r_r);
}

enum rop_err rop_push_restriction(struct rop_push *p, int count_width,
                                  const struct mapi_restriction *r)
{
	return rop_push_restriction_depth(p, count_width, 0, r);
}

static bool sub_equal(const struct mapi_restriction *a, const struct mapi_restriction *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return rop_restriction_equal(a, b);
}

bool rop_restriction_equal(const struct mapi_restriction *a, const struct mapi_restriction *b)
{
	if (a->rt != b->rt)
		return false;
	switch (a->rt) {
	case RES_AND:
	case RES_OR:
		if (a->u.andor.count != b->u.andor.count)
			return false;
		for (uint32_t i = 0; i < a->u.andor.count; i++) {
			if (!rop_restriction_equal(&a->u.andor.res[i], &b->u.andor.res[i]))
				return false;
		}
		return true;
	case RES_NOT:
		return sub_equal(a->u.not_.res, b->u.not_.res);
	case RES_CONTENT:
		return a->u.content.fuzzy_level == b->u.content.fuzzy_level &&
		       a->u.content.proptag == b->u.content.proptag &&
		       rop_propval_equal(&a->u.content.val, &b->u.content.val);
	case RES_PROPERTY:
		return a->u.prop.relop == b->u.prop.relop &&
		       a->u.prop.proptag == b->u.prop.proptag &&
		       rop_propval_equal(&a->u.prop.val, &b->u.prop.val);
	case RES_COMPAREPROPS:
		return memcmp(&a->u.compare, &b->u.compare, sizeof(a->u.compare)) == 0;
	case RES_BITMASK:
		return a->u.bitmask.relop == b->u.bitmask.relop &&
		       a->u.bitmask.proptag == b->u.bitmask.proptag &&
		       a->u.bitmask.mask == b->u.bitmask.mask;
	case RES_SIZE:
		return a->u.size.relop == b->u.size.relop &&
		       a->u.size.proptag == b->u.size.proptag && a->u.size.size == b->u.size.size;
	case RES_EXIST:
		return a->u.exist.proptag == b->u.exist.proptag;
	case RES_SUBRESTRICTION:
		return a->u.sub.subobject == b->u.sub.subobject &&
		       sub_equal(a->u.sub.res, b->u.sub.res);
	case RES_COMMENT:
		if (a->u.comment.count != b->u.comment.count)
			return false;
		for (uint32_t i = 0; i < a->u.comment.count; i++) {
			if (!rop_propval_equal(&a->u.comment.vals[i], &b->u.comment.vals[i]))
				return false;
		}
		return sub_equal(a->u.comment.res, b->u.comment.res);
	case RES_COUNT:
		return a->u.count.count == b->u.count.count &&
		       sub_equal(a->u.count.res, b->u.count.res);
	default:
		return false;
	}
}
