/* Property values and the structures made of them, [MS-OXCDATA] 2.6-2.11. */
#include "rop_propval.h"

#include <string.h>

#include "rop_restriction.h"
#include "rule_actions.h"

/* [MS-OXCDATA] 2.11.1.1: a COUNT of the given width (16 or 32 bits). */
static enum rop_err pull_count(struct rop_pull *p, int width, uint32_t *n_r)
{
	if (width == ROP_COUNT_WIDTH_ROP) {
		uint16_t n;
		ROP_CHECK(rop_pull_u16(p, &n));
		*n_r = n;
		return ROP_OK;
	}
	if (width == ROP_COUNT_WIDTH_32)
		return rop_pull_u32(p, n_r);
	return ROP_E_INVALID;
}

static enum rop_err push_count(struct rop_push *p, int width, uint32_t n)
{
	if (width == ROP_COUNT_WIDTH_ROP) {
		if (n > UINT16_MAX)
			return ROP_E_TOO_BIG;
		return rop_push_u16(p, (uint16_t)n);
	}
	if (width == ROP_COUNT_WIDTH_32)
		return rop_push_u32(p, n);
	return ROP_E_INVALID;
}

/* A counted byte string: PtypBinary, PtypServerId, PtypObject. */
static enum rop_err pull_bin(struct rop_pull *p, int width, struct mapi_binary *b)
{
	uint32_t n;
	ROP_CHECK(pull_count(p, width, &n));
	if (rop_pull_left(p) < n)
		return ROP_E_SHORT;
	b->len = n;
	return rop_pull_bytes(p, n, &b->data);
}

static enum rop_err push_bin(struct rop_push *p, int width, const struct mapi_binary *b)
{
	if (b->len > 0 && b->data == NULL)
		return ROP_E_INVALID;
	ROP_CHECK(push_count(p, width, b->len));
	return rop_push_bytes(p, b->data, b->len);
}

/* The type a value is encoded as: MV_INSTANCE columns carry one value of
 * the base type ([MS-OXCDATA] 2.11.1.2). */
static uint16_t value_type(uint16_t type)
{
	if ((type & MV_INSTANCE) != 0)
		return (uint16_t)(type & ~(MV_INSTANCE | MV_FLAG));
	return type;
}

bool rop_ptype_known(uint16_t type)
{
	switch (value_type(type)) {
	case PT_NULL:
	case PT_SHORT:
	case PT_LONG:
	case PT_FLOAT:
	case PT_DOUBLE:
	case PT_CURRENCY:
	case PT_APPTIME:
	case PT_ERROR:
	case PT_BOOLEAN:
	case PT_OBJECT:
	case PT_I8:
	case PT_STRING8:
	case PT_UNICODE:
	case PT_SYSTIME:
	case PT_CLSID:
	case PT_SVREID:
	case PT_SRESTRICTION:
	case PT_ACTIONS:
	case PT_BINARY:
	case PT_MV_SHORT:
	case PT_MV_LONG:
	case PT_MV_FLOAT:
	case PT_MV_DOUBLE:
	case PT_MV_CURRENCY:
	case PT_MV_APPTIME:
	case PT_MV_I8:
	case PT_MV_STRING8:
	case PT_MV_UNICODE:
	case PT_MV_SYSTIME:
	case PT_MV_CLSID:
	case PT_MV_BINARY:
		return true;
	default:
		return false;
	}
}

/* Smallest wire size of one element of a multi-valued type, to bound the
 * allocation by the input ([MS-OXCDATA] 2.11.1). */
static size_t mv_min_size(uint16_t type, int width)
{
	switch (type) {
	case PT_MV_SHORT:
		return 2;
	case PT_MV_LONG:
	case PT_MV_FLOAT:
		return 4;
	case PT_MV_DOUBLE:
	case PT_MV_CURRENCY:
	case PT_MV_APPTIME:
	case PT_MV_I8:
	case PT_MV_SYSTIME:
		return 8;
	case PT_MV_CLSID:
		return 16;
	case PT_MV_STRING8:
		return 1;
	case PT_MV_UNICODE:
		return 2;
	case PT_MV_BINARY:
		return width == ROP_COUNT_WIDTH_32 ? 4 : 2;
	default:
		return 1;
	}
}

/* One element i of a multi-valued property. */
static enum rop_err pull_mv_elem(struct rop_pull *p, uint16_t type, int width,
                                 struct mapi_propval *v, uint32_t i)
{
	uint16_t u16;
	uint64_t u64;

	switch (type) {
	case PT_MV_SHORT:
		ROP_CHECK(rop_pull_u16(p, &u16));
		v->v.mv.i16[i] = (int16_t)u16;
		return ROP_OK;
	case PT_MV_LONG:
		return rop_pull_u32(p, (uint32_t *)&v->v.mv.i32[i]);
	case PT_MV_FLOAT:
		return rop_pull_f32(p, &v->v.mv.f32[i]);
	case PT_MV_DOUBLE:
	case PT_MV_APPTIME:
		return rop_pull_f64(p, &v->v.mv.f64[i]);
	case PT_MV_CURRENCY:
	case PT_MV_I8:
		ROP_CHECK(rop_pull_u64(p, &u64));
		v->v.mv.i64[i] = (int64_t)u64;
		return ROP_OK;
	case PT_MV_SYSTIME:
		return rop_pull_u64(p, &v->v.mv.ft[i]);
	case PT_MV_CLSID:
		return rop_pull_guid(p, &v->v.mv.guid[i]);
	case PT_MV_STRING8:
		return rop_pull_asciiz(p, &v->v.mv.str[i]);
	case PT_MV_UNICODE:
		return rop_pull_utf16z(p, &v->v.mv.str[i]);
	case PT_MV_BINARY:
		return pull_bin(p, width, &v->v.mv.bin[i]);
	default:
		return ROP_E_UNSUPPORTED;
	}
}

static size_t mv_elem_size(uint16_t type)
{
	switch (type) {
	case PT_MV_SHORT:
		return sizeof(int16_t);
	case PT_MV_LONG:
		return sizeof(int32_t);
	case PT_MV_FLOAT:
		return sizeof(float);
	case PT_MV_DOUBLE:
	case PT_MV_APPTIME:
		return sizeof(double);
	case PT_MV_CURRENCY:
	case PT_MV_I8:
	case PT_MV_SYSTIME:
		return sizeof(uint64_t);
	case PT_MV_CLSID:
		return sizeof(struct mapi_guid);
	case PT_MV_STRING8:
	case PT_MV_UNICODE:
		return sizeof(char *);
	case PT_MV_BINARY:
		return sizeof(struct mapi_binary);
	default:
		return 0;
	}
}

/* [MS-OXCDATA] 2.11.1: a PtypMultiple value count is 32 bits in every
 * context (2.11.1.1), followed by the values. */
static enum rop_err pull_mv(struct rop_pull *p, uint16_t type, int width, struct mapi_propval *v)
{
	uint32_t n;
	void *arr = NULL;

	ROP_CHECK(rop_pull_u32(p, &n));
	ROP_CHECK(rop_pull_check_count(p, n, mv_min_size(type, width)));
	if (n > 0) {
		arr = talloc_zero_size(p->mem_ctx, (size_t)n * mv_elem_size(type));
		if (arr == NULL)
			return ROP_E_NOMEM;
	}
	v->v.mv.count = n;
	v->v.mv.i32 = arr; /* every member of the union is a pointer */
	for (uint32_t i = 0; i < n; i++)
		ROP_CHECK(pull_mv_elem(p, type, width, v, i));
	return ROP_OK;
}

static enum rop_err push_mv_elem(struct rop_push *p, uint16_t type, int width,
                                 const struct mapi_propval *v, uint32_t i)
{
	switch (type) {
	case PT_MV_SHORT:
		return rop_push_u16(p, (uint16_t)v->v.mv.i16[i]);
	case PT_MV_LONG:
		return rop_push_u32(p, (uint32_t)v->v.mv.i32[i]);
	case PT_MV_FLOAT:
		return rop_push_f32(p, v->v.mv.f32[i]);
	case PT_MV_DOUBLE:
	case PT_MV_APPTIME:
		return rop_push_f64(p, v->v.mv.f64[i]);
	case PT_MV_CURRENCY:
	case PT_MV_I8:
		return rop_push_u64(p, (uint64_t)v->v.mv.i64[i]);
	case PT_MV_SYSTIME:
		return rop_push_u64(p, v->v.mv.ft[i]);
	case PT_MV_CLSID:
		return rop_push_guid(p, &v->v.mv.guid[i]);
	case PT_MV_STRING8:
		return v->v.mv.str[i] != NULL ? rop_push_asciiz(p, v->v.mv.str[i]) : ROP_E_INVALID;
	case PT_MV_UNICODE:
		return v->v.mv.str[i] != NULL ? rop_push_utf16z(p, v->v.mv.str[i]) : ROP_E_INVALID;
	case PT_MV_BINARY:
		return push_bin(p, width, &v->v.mv.bin[i]);
	default:
		return ROP_E_UNSUPPORTED;
	}
}

static enum rop_err push_mv(struct rop_push *p, uint16_t type, int width,
                            const struct mapi_propval *v)
{
	if (v->v.mv.count > 0 && v->v.mv.i32 == NULL)
		return ROP_E_INVALID;
	ROP_CHECK(rop_push_u32(p, v->v.mv.count));
	for (uint32_t i = 0; i < v->v.mv.count; i++)
		ROP_CHECK(push_mv_elem(p, type, width, v, i));
	return ROP_OK;
}

/* Fixed-size single values, [MS-OXCDATA] 2.11.1. */
static enum rop_err pull_fixed(struct rop_pull *p, uint16_t type, struct mapi_propval *v)
{
	uint8_t u8;
	uint16_t u16;
	uint64_t u64;

	switch (type) {
	case PT_NULL:
		return ROP_OK;
	case PT_SHORT:
		ROP_CHECK(rop_pull_u16(p, &u16));
		v->v.i16 = (int16_t)u16;
		return ROP_OK;
	case PT_LONG:
		return rop_pull_u32(p, (uint32_t *)&v->v.i32);
	case PT_ERROR:
		return rop_pull_u32(p, &v->v.err);
	case PT_FLOAT:
		return rop_pull_f32(p, &v->v.f32);
	case PT_DOUBLE:
	case PT_APPTIME:
		return rop_pull_f64(p, &v->v.f64);
	case PT_CURRENCY:
	case PT_I8:
		ROP_CHECK(rop_pull_u64(p, &u64));
		v->v.i64 = (int64_t)u64;
		return ROP_OK;
	case PT_SYSTIME:
		return rop_pull_u64(p, &v->v.ft);
	case PT_BOOLEAN:
		/* one byte, 0 or 1; other values are read as true */
		ROP_CHECK(rop_pull_u8(p, &u8));
		v->v.b = u8 != 0;
		return ROP_OK;
	default:
		return ROP_E_UNSUPPORTED;
	}
}

static enum rop_err push_fixed(struct rop_push *p, uint16_t type, const struct mapi_propval *v)
{
	switch (type) {
	case PT_NULL:
		return ROP_OK;
	case PT_SHORT:
		return rop_push_u16(p, (uint16_t)v->v.i16);
	case PT_LONG:
		return rop_push_u32(p, (uint32_t)v->v.i32);
	case PT_ERROR:
		return rop_push_u32(p, v->v.err);
	case PT_FLOAT:
		return rop_push_f32(p, v->v.f32);
	case PT_DOUBLE:
	case PT_APPTIME:
		return rop_push_f64(p, v->v.f64);
	case PT_CURRENCY:
	case PT_I8:
		return rop_push_u64(p, (uint64_t)v->v.i64);
	case PT_SYSTIME:
		return rop_push_u64(p, v->v.ft);
	case PT_BOOLEAN:
		return rop_push_u8(p, v->v.b ? 1 : 0);
	default:
		return ROP_E_UNSUPPORTED;
	}
}

enum rop_err rop_pull_propval_data_depth(struct rop_pull *p, uint16_t type, int count_width,
                                         unsigned int depth, struct mapi_propval *v)
{
	uint16_t t = value_type(type);

	if (count_width != ROP_COUNT_WIDTH_ROP && count_width != ROP_COUNT_WIDTH_32)
		return ROP_E_INVALID;
	if ((t & MV_FLAG) != 0)
		return pull_mv(p, t, count_width, v);
	switch (t) {
	case PT_STRING8:
		return rop_pull_asciiz(p, &v->v.str);
	case PT_UNICODE:
		return rop_pull_utf16z(p, &v->v.str);
	case PT_CLSID:
		v->v.guid = talloc_zero(p->mem_ctx, struct mapi_guid);
		if (v->v.guid == NULL)
			return ROP_E_NOMEM;
		return rop_pull_guid(p, v->v.guid);
	case PT_BINARY:
	case PT_SVREID: /* [MS-OXCDATA] 2.11.1.4: COUNT then the ServerId bytes */
	case PT_OBJECT: /* 2.11.1.5: carried as counted bytes where it travels at all */
		return pull_bin(p, count_width, &v->v.bin);
	case PT_SRESTRICTION:
		v->v.res = talloc_zero(p->mem_ctx, struct mapi_restriction);
		if (v->v.res == NULL)
			return ROP_E_NOMEM;
		return rop_pull_restriction_depth(p, count_width, depth + 1, v->v.res);
	case PT_ACTIONS:
		/* [MS-OXORULE] 2.2.5 RuleAction.  Its OP_TAG values may hold a
		 * restriction, whose values are at depth > 0: a rule action
		 * there is refused, so the codecs cannot recurse without bound. */
		if (depth > 0)
			return ROP_E_UNSUPPORTED;
		return rule_actions_pull(p, count_width, p->mem_ctx, &v->v.actions);
	default:
		return pull_fixed(p, t, v);
	}
}

enum rop_err rop_push_propval_data_depth(struct rop_push *p, uint16_t type, int count_width,
                                         unsigned int depth, const struct mapi_propval *v)
{
	uint16_t t = value_type(type);

	if (count_width != ROP_COUNT_WIDTH_ROP && count_width != ROP_COUNT_WIDTH_32)
		return ROP_E_INVALID;
	if ((t & MV_FLAG) != 0)
		return push_mv(p, t, count_width, v);
	switch (t) {
	case PT_STRING8:
		return v->v.str != NULL ? rop_push_asciiz(p, v->v.str) : ROP_E_INVALID;
	case PT_UNICODE:
		return v->v.str != NULL ? rop_push_utf16z(p, v->v.str) : ROP_E_INVALID;
	case PT_CLSID:
		return v->v.guid != NULL ? rop_push_guid(p, v->v.guid) : ROP_E_INVALID;
	case PT_BINARY:
	case PT_SVREID:
	case PT_OBJECT:
		return push_bin(p, count_width, &v->v.bin);
	case PT_SRESTRICTION:
		if (v->v.res == NULL)
			return ROP_E_INVALID;
		return rop_push_restriction_depth(p, count_width, depth + 1, v->v.res);
	case PT_ACTIONS:
		if (depth > 0)
			return ROP_E_UNSUPPORTED;
		if (v->v.actions == NULL)
			return ROP_E_INVALID;
		return rule_actions_push(p, count_width, v->v.actions);
	default:
		return push_fixed(p, t, v);
	}
}

enum rop_err rop_pull_propval_data(struct rop_pull *p, uint16_t type, int count_width,
                                   struct mapi_propval *v)
{
	return rop_pull_propval_data_depth(p, type, count_width, 0, v);
}

enum rop_err rop_push_propval_data(struct rop_push *p, uint16_t type, int count_width,
                                   const struct mapi_propval *v)
{
	return rop_push_propval_data_depth(p, type, count_width, 0, v);
}

/* [MS-OXCDATA] 2.11.4 TaggedPropertyValue */
enum rop_err rop_pull_tagged_propval_depth(struct rop_pull *p, int count_width, unsigned int depth,
                                           struct mapi_propval *v_r)
{
	uint32_t tag;

	memset(v_r, 0, sizeof(*v_r));
	ROP_CHECK(rop_pull_u32(p, &tag));
	if (PROP_TYPE(tag) == PT_UNSPECIFIED || !rop_ptype_known(PROP_TYPE(tag)))
		return ROP_E_INVALID;
	v_r->tag = tag;
	return rop_pull_propval_data_depth(p, PROP_TYPE(tag), count_width, depth, v_r);
}

enum rop_err rop_push_tagged_propval_depth(struct rop_push *p, int count_width, unsigned int depth,
                                           const struct mapi_propval *v)
{
	ROP_CHECK(rop_push_u32(p, v->tag));
	return rop_push_propval_data_depth(p, PROP_TYPE(v->tag), count_width, depth, v);
}

enum rop_err rop_pull_tagged_propval(struct rop_pull *p, int count_width, struct mapi_propval *v_r)
{
	return rop_pull_tagged_propval_depth(p, count_width, 0, v_r);
}

enum rop_err rop_push_tagged_propval(struct rop_push *p, int count_width,
                                     const struct mapi_propval *v)
{
	return rop_push_tagged_propval_depth(p, count_width, 0, v);
}

/* [MS-OXCDATA] 2.11.3 TypedPropertyValue */
enum rop_err rop_pull_typed_propval(struct rop_pull *p, int count_width, uint32_t column,
                                    struct mapi_propval *v_r)
{
	uint16_t type;

	memset(v_r, 0, sizeof(*v_r));
	ROP_CHECK(rop_pull_u16(p, &type));
	if (type == PT_UNSPECIFIED || !rop_ptype_known(type))
		return ROP_E_INVALID;
	v_r->tag = CHANGE_PROP_TYPE(column, type);
	return rop_pull_propval_data(p, type, count_width, v_r);
}

enum rop_err rop_push_typed_propval(struct rop_push *p, int count_width,
                                    const struct mapi_propval *v)
{
	ROP_CHECK(rop_push_u16(p, PROP_TYPE(v->tag)));
	return rop_push_propval_data(p, PROP_TYPE(v->tag), count_width, v);
}

static bool bin_equal(const struct mapi_binary *a, const struct mapi_binary *b)
{
	return a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

static bool str_equal(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static bool mv_equal(uint16_t t, const struct mapi_propval *a, const struct mapi_propval *b)
{
	uint32_t n = a->v.mv.count;

	if (n != b->v.mv.count)
		return false;
	for (uint32_t i = 0; i < n; i++) {
		bool same;
		switch (t) {
		case PT_MV_STRING8:
		case PT_MV_UNICODE:
			same = str_equal(a->v.mv.str[i], b->v.mv.str[i]);
			break;
		case PT_MV_BINARY:
			same = bin_equal(&a->v.mv.bin[i], &b->v.mv.bin[i]);
			break;
		default: {
			size_t sz = mv_elem_size(t);
			same = memcmp((const char *)a->v.mv.i32 + i * sz,
			              (const char *)b->v.mv.i32 + i * sz, sz) == 0;
			break;
		}
		}
		if (!same)
			return false;
	}
	return true;
}

/* Two RuleActions are equal when they encode to the same bytes. */
static bool actions_equal(const struct mapi_rule_actions *a, const struct mapi_rule_actions *b)
{
	TALLOC_CTX *tmp;
	struct rop_push wa, wb;
	bool eq;

	if (a == NULL || b == NULL)
		return a == b;
	tmp = talloc_new(NULL);
	if (tmp == NULL)
		return false;
	rop_push_init_growable(&wa, tmp);
	rop_push_init_growable(&wb, tmp);
	eq = rule_actions_push(&wa, ROP_COUNT_WIDTH_32, a) == ROP_OK &&
	     rule_actions_push(&wb, ROP_COUNT_WIDTH_32, b) == ROP_OK && wa.ofs == wb.ofs &&
	     (wa.ofs == 0 || memcmp(wa.data, wb.data, wa.ofs) == 0);
	talloc_free(tmp);
	return eq;
}

bool rop_propval_equal(const struct mapi_propval *a, const struct mapi_propval *b)
{
	uint16_t t = value_type(PROP_TYPE(a->tag));

	if (a->tag != b->tag)
		return false;
	if ((t & MV_FLAG) != 0)
		return mv_equal(t, a, b);
	switch (t) {
	case PT_NULL:
		return true;
	case PT_SHORT:
		return a->v.i16 == b->v.i16;
	case PT_LONG:
		return a->v.i32 == b->v.i32;
	case PT_ERROR:
		return a->v.err == b->v.err;
	case PT_FLOAT:
		return memcmp(&a->v.f32, &b->v.f32, sizeof(float)) == 0;
	case PT_DOUBLE:
	case PT_APPTIME:
		return memcmp(&a->v.f64, &b->v.f64, sizeof(double)) == 0;
	case PT_CURRENCY:
	case PT_I8:
		return a->v.i64 == b->v.i64;
	case PT_SYSTIME:
		return a->v.ft == b->v.ft;
	case PT_BOOLEAN:
		return a->v.b == b->v.b;
	case PT_STRING8:
	case PT_UNICODE:
		return str_equal(a->v.str, b->v.str);
	case PT_CLSID:
		return a->v.guid != NULL && b->v.guid != NULL &&
		       memcmp(a->v.guid, b->v.guid, sizeof(*a->v.guid)) == 0;
	case PT_BINARY:
	case PT_SVREID:
	case PT_OBJECT:
		return bin_equal(&a->v.bin, &b->v.bin);
	case PT_ACTIONS:
		return actions_equal(a->v.actions, b->v.actions);
	case PT_SRESTRICTION:
		return a->v.res != NULL && b->v.res != NULL &&
		       rop_restriction_equal(a->v.res, b->v.res);
	default:
		return false;
	}
}
