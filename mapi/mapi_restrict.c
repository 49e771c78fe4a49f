/*
 * mapi_restrict: [MS-OXCDATA] 2.12 restriction evaluation.
 */
#include <string.h>
#include <strings.h>

#include "mapi_restrict.h"

static int cmp_num(double a, double b)
{
	return a < b ? -1 : a > b ? 1 : 0;
}

static int cmp_i64(int64_t a, int64_t b)
{
	return a < b ? -1 : a > b ? 1 : 0;
}

static int cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b ? 1 : 0;
}

static int cmp_bin(const struct mapi_binary *a, const struct mapi_binary *b)
{
	uint32_t n = a->len < b->len ? a->len : b->len;
	int c = n ? memcmp(a->data, b->data, n) : 0;
	return c != 0 ? c : cmp_u64(a->len, b->len);
}

/* Element i of a multi-valued value as a single value. */
static struct mapi_propval mv_elem(const struct mapi_propval *v, uint32_t i)
{
	struct mapi_propval e;
	memset(&e, 0, sizeof(e));
	e.tag = CHANGE_PROP_TYPE(v->tag, PROP_TYPE(v->tag) & ~(MV_FLAG | MV_INSTANCE));
	switch (PROP_TYPE(e.tag)) {
	case PT_SHORT:
		e.v.i16 = v->v.mv.i16[i];
		break;
	case PT_LONG:
		e.v.i32 = v->v.mv.i32[i];
		break;
	case PT_FLOAT:
		e.v.f32 = v->v.mv.f32[i];
		break;
	case PT_DOUBLE:
	case PT_APPTIME:
		e.v.f64 = v->v.mv.f64[i];
		break;
	case PT_CURRENCY:
	case PT_I8:
		e.v.i64 = v->v.mv.i64[i];
		break;
	case PT_SYSTIME:
		e.v.ft = v->v.mv.ft[i];
		break;
	case PT_STRING8:
	case PT_UNICODE:
		e.v.str = v->v.mv.str[i];
		break;
	case PT_CLSID:
		e.v.guid = &v->v.mv.guid[i];
		break;
	case PT_BINARY:
		e.v.bin = v->v.mv.bin[i];
		break;
	}
	return e;
}

int mapi_propval_compare(const struct mapi_propval *a, const struct mapi_propval *b)
{
	uint16_t ta = PROP_TYPE(a->tag) & ~MV_INSTANCE, tb = PROP_TYPE(b->tag) & ~MV_INSTANCE;
	if (ta != tb)
		return cmp_u64(ta, tb);
	if (ta & MV_FLAG) {
		uint32_t n = a->v.mv.count < b->v.mv.count ? a->v.mv.count : b->v.mv.count;
		for (uint32_t i = 0; i < n; i++) {
			struct mapi_propval ea = mv_elem(a, i), eb = mv_elem(b, i);
			int c = mapi_propval_compare(&ea, &eb);
			if (c != 0)
				return c;
		}
		return cmp_u64(a->v.mv.count, b->v.mv.count);
	}
	switch (ta) {
	case PT_SHORT:
		return cmp_i64(a->v.i16, b->v.i16);
	case PT_LONG:
		return cmp_i64(a->v.i32, b->v.i32);
	case PT_ERROR:
		return cmp_u64(a->v.err, b->v.err);
	case PT_FLOAT:
		return cmp_num(a->v.f32, b->v.f32);
	case PT_DOUBLE:
	case PT_APPTIME:
		return cmp_num(a->v.f64, b->v.f64);
	case PT_CURRENCY:
	case PT_I8:
		return cmp_i64(a->v.i64, b->v.i64);
	case PT_SYSTIME:
		return cmp_u64(a->v.ft, b->v.ft);
	case PT_BOOLEAN:
		return cmp_i64(a->v.b, b->v.b);
	case PT_STRING8:
	case PT_UNICODE:
		return strcasecmp(a->v.str, b->v.str);
	case PT_CLSID:
		return memcmp(a->v.guid->b, b->v.guid->b, 16);
	case PT_BINARY:
	case PT_SVREID:
		return cmp_bin(&a->v.bin, &b->v.bin);
	}
	return 0;
}

uint32_t mapi_propval_size(const struct mapi_propval *v)
{
	uint16_t t = PROP_TYPE(v->tag) & ~MV_INSTANCE;
	uint64_t n = 0;
	if (t & MV_FLAG) {
		for (uint32_t i = 0; i < v->v.mv.count; i++) {
			struct mapi_propval e = mv_elem(v, i);
			n += mapi_propval_size(&e);
		}
		return (uint32_t)(n > UINT32_MAX ? UINT32_MAX : n);
	}
	switch (t) {
	case PT_SHORT:
		return 2;
	case PT_LONG:
	case PT_FLOAT:
	case PT_ERROR:
		return 4;
	case PT_DOUBLE:
	case PT_APPTIME:
	case PT_CURRENCY:
	case PT_I8:
	case PT_SYSTIME:
		return 8;
	case PT_BOOLEAN:
		return 1;
	case PT_CLSID:
		return 16;
	case PT_STRING8:
		return (uint32_t)strlen(v->v.str) + 1;
	case PT_UNICODE:
		return 2 * ((uint32_t)strlen(v->v.str) + 1);
	case PT_BINARY:
	case PT_SVREID:
		return v->v.bin.len;
	}
	return 0;
}

/* [MS-OXCDATA] 2.12.5.1 relational operators. */
static int relop_holds(int relop, int c)
{
	switch (relop) {
	case RELOP_LT:
		return c < 0;
	case RELOP_LE:
		return c <= 0;
	case RELOP_GT:
		return c > 0;
	case RELOP_GE:
		return c >= 0;
	case RELOP_EQ:
		return c == 0;
	case RELOP_NE:
		return c != 0;
	}
	return 0; /* RELOP_RE, RELOP_MEMBER_OF_DL: not evaluated here */
}

static bool ascii_ieq(const uint8_t *a, const uint8_t *b, size_t n, bool icase)
{
	if (!icase)
		return memcmp(a, b, n) == 0;
	return strncasecmp((const char *)a, (const char *)b, n) == 0;
}

/* [MS-OXCDATA] 2.12.4 content restriction on one string or binary. */
static int content_match(const uint8_t *hay, size_t hlen, const uint8_t *needle, size_t nlen,
                         uint32_t fuzzy)
{
	bool icase = (fuzzy & (FL_IGNORECASE | FL_LOOSE)) != 0;
	switch (fuzzy & 0xFFFF) {
	case FL_FULLSTRING:
		return hlen == nlen && ascii_ieq(hay, needle, nlen, icase);
	case FL_PREFIX:
		return hlen >= nlen && ascii_ieq(hay, needle, nlen, icase);
	case FL_SUBSTRING:
		if (nlen == 0)
			return 1;
		for (size_t i = 0; hlen >= nlen && i <= hlen - nlen; i++) {
			if (ascii_ieq(hay + i, needle, nlen, icase))
				return 1;
		}
		return 0;
	}
	return 0;
}

static int content_one(const struct mapi_propval *v, const struct mapi_propval *pat, uint32_t fuzzy)
{
	uint16_t t = PROP_TYPE(v->tag), pt = PROP_TYPE(pat->tag);
	if ((t == PT_UNICODE || t == PT_STRING8) && (pt == PT_UNICODE || pt == PT_STRING8))
		return content_match((const uint8_t *)v->v.str, strlen(v->v.str),
		                     (const uint8_t *)pat->v.str, strlen(pat->v.str), fuzzy);
	if (t == PT_BINARY && pt == PT_BINARY)
		return content_match(v->v.bin.data, v->v.bin.len, pat->v.bin.data, pat->v.bin.len,
		                     fuzzy & 0xFFFF);
	return 0;
}

/* Applies one(val) to a value, or to each element of a multi-valued one
 * (any element matching is a match). */
static int any_value(const struct mapi_propval *v,
                     int (*one)(const struct mapi_propval *, const void *), const void *arg)
{
	if (!(PROP_TYPE(v->tag) & MV_FLAG))
		return one(v, arg);
	for (uint32_t i = 0; i < v->v.mv.count; i++) {
		struct mapi_propval e = mv_elem(v, i);
		if (one(&e, arg))
			return 1;
	}
	return 0;
}

struct content_arg {
	const struct mapi_propval *pat;
	uint32_t fuzzy;
};
static int content_cb(const struct mapi_propval *v, const void *arg)
{
	const struct content_arg *a = arg;
	return content_one(v, a->pat, a->fuzzy);
}

struct prop_arg {
	const struct mapi_propval *val;
	int relop;
};
static int prop_cb(const struct mapi_propval *v, const void *arg)
{
	const struct prop_arg *a = arg;
	uint16_t tv = PROP_TYPE(v->tag), ta = PROP_TYPE(a->val->tag) & ~(MV_FLAG | MV_INSTANCE);
	bool strings =
	    (tv == PT_UNICODE || tv == PT_STRING8) && (ta == PT_UNICODE || ta == PT_STRING8);
	if (tv != ta && !strings)
		return 0;
	if (strings)
		return relop_holds(a->relop, strcasecmp(v->v.str, a->val->v.str));
	return relop_holds(a->relop, mapi_propval_compare(v, a->val));
}

static int eval(const struct mapi_restriction *res, const struct mapi_restrict_ops *ops, void *ctx,
                TALLOC_CTX *tmp, int depth);

static int eval_leaf(const struct mapi_restriction *res, const struct mapi_restrict_ops *ops,
                     void *ctx, TALLOC_CTX *tmp)
{
	struct mapi_propval v, v2;
	int ret;
	switch (res->rt) {
	case RES_CONTENT: {
		ret = ops->get(tmp, ctx, res->u.content.proptag, &v);
		if (ret <= 0)
			return ret;
		struct content_arg a = {&res->u.content.val, res->u.content.fuzzy_level};
		return any_value(&v, content_cb, &a);
	}
	case RES_PROPERTY: {
		ret = ops->get(tmp, ctx, res->u.prop.proptag, &v);
		if (ret <= 0)
			return ret;
		struct prop_arg a = {&res->u.prop.val, res->u.prop.relop};
		return any_value(&v, prop_cb, &a);
	}
	case RES_COMPAREPROPS:
		ret = ops->get(tmp, ctx, res->u.compare.proptag1, &v);
		if (ret > 0)
			ret = ops->get(tmp, ctx, res->u.compare.proptag2, &v2);
		if (ret <= 0)
			return ret;
		if (PROP_TYPE(v.tag) != PROP_TYPE(v2.tag))
			return 0;
		return relop_holds(res->u.compare.relop, mapi_propval_compare(&v, &v2));
	case RES_BITMASK:
		ret = ops->get(tmp, ctx, res->u.bitmask.proptag, &v);
		if (ret <= 0)
			return ret;
		if (PROP_TYPE(v.tag) != PT_LONG)
			return 0;
		bool zero = ((uint32_t)v.v.i32 & res->u.bitmask.mask) == 0;
		return res->u.bitmask.relop == BMR_EQZ ? zero : !zero;
	case RES_SIZE:
		ret = ops->get(tmp, ctx, res->u.size.proptag, &v);
		if (ret <= 0)
			return ret;
		return relop_holds(res->u.size.relop, mapi_propval_size(&v) < res->u.size.size ? -1
		                                      : mapi_propval_size(&v) > res->u.size.size
		                                          ? 1
		                                          : 0);
	case RES_EXIST:
		ret = ops->get(tmp, ctx, res->u.exist.proptag, &v);
		return ret < 0 ? ret : ret > 0;
	default:
		return 0;
	}
}

static int eval(const struct mapi_restriction *res, const struct mapi_restrict_ops *ops, void *ctx,
                TALLOC_CTX *tmp, int depth)
{
	int ret;
	if (depth > MAPI_RESTRICTION_MAX_DEPTH)
		return -1;
	switch (res->rt) {
	case RES_AND:
		for (uint32_t i = 0; i < res->u.andor.count; i++) {
			ret = eval(&res->u.andor.res[i], ops, ctx, tmp, depth + 1);
			if (ret <= 0)
				return ret;
		}
		return 1;
	case RES_OR:
		for (uint32_t i = 0; i < res->u.andor.count; i++) {
			ret = eval(&res->u.andor.res[i], ops, ctx, tmp, depth + 1);
			if (ret != 0)
				return ret;
		}
		return 0;
	case RES_NOT:
		ret = eval(res->u.not_.res, ops, ctx, tmp, depth + 1);
		return ret < 0 ? ret : !ret;
	case RES_SUBRESTRICTION:
		/* [MS-OXCDATA] 2.12.9: true when any recipient/attachment matches. */
		if (ops->sub == NULL || res->u.sub.res == NULL)
			return 0;
		return ops->sub(ctx, res->u.sub.subobject, res->u.sub.res);
	case RES_COMMENT:
		/* [MS-OXCDATA] 2.12.10: the comment annotates; its restriction,
		 * when present, decides. */
		if (res->u.comment.res == NULL)
			return 1;
		return eval(res->u.comment.res, ops, ctx, tmp, depth + 1);
	case RES_COUNT:
		/* [MS-OXCDATA] 2.12.11: the count limits how many rows a table
		 * returns; per row the sub-restriction decides. */
		if (res->u.count.res == NULL)
			return 1;
		return eval(res->u.count.res, ops, ctx, tmp, depth + 1);
	default:
		return eval_leaf(res, ops, ctx, tmp);
	}
}

int mapi_restrict_eval(const struct mapi_restriction *res, const struct mapi_restrict_ops *ops,
                       void *ctx)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	int ret = eval(res, ops, ctx, tmp, 0);
	talloc_free(tmp);
	return ret;
}

/* A copy of a binary's bytes, never NULL for an empty one. */
static uint8_t *bin_dup(TALLOC_CTX *mem_ctx, const struct mapi_binary *b)
{
	uint8_t *p = talloc_size(mem_ctx, b->len + 1);
	if (p != NULL && b->len > 0)
		memcpy(p, b->data, b->len);
	return p;
}

static int propval_copy(TALLOC_CTX *mem_ctx, struct mapi_propval *dst,
                        const struct mapi_propval *src)
{
	*dst = *src;
	uint16_t t = PROP_TYPE(src->tag);
	if (t & MV_FLAG) {
		uint32_t n = src->v.mv.count;
		if (n == 0)
			return 0;
		if (t == PT_MV_UNICODE || t == PT_MV_STRING8) {
			dst->v.mv.str = talloc_array(mem_ctx, char *, n);
			for (uint32_t i = 0; dst->v.mv.str && i < n; i++)
				dst->v.mv.str[i] = talloc_strdup(dst->v.mv.str, src->v.mv.str[i]);
			return dst->v.mv.str ? 0 : -1;
		}
		if (t == PT_MV_BINARY) {
			dst->v.mv.bin = talloc_array(mem_ctx, struct mapi_binary, n);
			for (uint32_t i = 0; dst->v.mv.bin && i < n; i++) {
				dst->v.mv.bin[i].len = src->v.mv.bin[i].len;
				dst->v.mv.bin[i].data = bin_dup(dst->v.mv.bin, &src->v.mv.bin[i]);
			}
			return dst->v.mv.bin ? 0 : -1;
		}
		size_t es = t == PT_MV_SHORT                        ? 2
		            : (t == PT_MV_LONG || t == PT_MV_FLOAT) ? 4
		            : t == PT_MV_CLSID                      ? 16
		                                                    : 8;
		dst->v.mv.i16 = talloc_memdup(mem_ctx, src->v.mv.i16, es * n);
		return dst->v.mv.i16 ? 0 : -1;
	}
	switch (t) {
	case PT_STRING8:
	case PT_UNICODE:
		dst->v.str = talloc_strdup(mem_ctx, src->v.str ? src->v.str : "");
		return dst->v.str ? 0 : -1;
	case PT_BINARY:
	case PT_SVREID:
		dst->v.bin.data = bin_dup(mem_ctx, &src->v.bin);
		return dst->v.bin.data ? 0 : -1;
	case PT_CLSID:
		dst->v.guid = talloc_memdup(mem_ctx, src->v.guid, sizeof(*src->v.guid));
		return dst->v.guid ? 0 : -1;
	}
	return 0;
}

static int dup_into(TALLOC_CTX *mem_ctx, struct mapi_restriction *dst,
                    const struct mapi_restriction *src, int depth);

static struct mapi_restriction *dup_array(TALLOC_CTX *mem_ctx, const struct mapi_restriction *src,
                                          uint32_t n, int depth)
{
	struct mapi_restriction *r = talloc_zero_array(mem_ctx, struct mapi_restriction, n ? n : 1);
	for (uint32_t i = 0; r != NULL && i < n; i++) {
		if (dup_into(r, &r[i], &src[i], depth) < 0)
			return NULL;
	}
	return r;
}

static int dup_into(TALLOC_CTX *mem_ctx, struct mapi_restriction *dst,
                    const struct mapi_restriction *src, int depth)
{
	if (depth > MAPI_RESTRICTION_MAX_DEPTH)
		return -1;
	*dst = *src;
	switch (src->rt) {
	case RES_AND:
	case RES_OR:
		dst->u.andor.res =
		    dup_array(mem_ctx, src->u.andor.res, src->u.andor.count, depth + 1);
		return dst->u.andor.res ? 0 : -1;
	case RES_NOT:
		dst->u.not_.res = dup_array(mem_ctx, src->u.not_.res, 1, depth + 1);
		return dst->u.not_.res ? 0 : -1;
	case RES_SUBRESTRICTION:
		dst->u.sub.res = dup_array(mem_ctx, src->u.sub.res, 1, depth + 1);
		return dst->u.sub.res ? 0 : -1;
	case RES_COUNT:
		dst->u.count.res =
		    src->u.count.res ? dup_array(mem_ctx, src->u.count.res, 1, depth + 1) : NULL;
		return src->u.count.res == NULL || dst->u.count.res ? 0 : -1;
	case RES_COMMENT:
		dst->u.comment.res = src->u.comment.res
		                         ? dup_array(mem_ctx, src->u.comment.res, 1, depth + 1)
		                         : NULL;
		dst->u.comment.vals =
		    talloc_array(mem_ctx, struct mapi_propval, src->u.comment.count + 1);
		for (uint32_t i = 0; dst->u.comment.vals && i < src->u.comment.count; i++) {
			if (propval_copy(dst->u.comment.vals, &dst->u.comment.vals[i],
			                 &src->u.comment.vals[i]) < 0)
				return -1;
		}
		return dst->u.comment.vals ? 0 : -1;
	case RES_CONTENT:
		return propval_copy(mem_ctx, &dst->u.content.val, &src->u.content.val);
	case RES_PROPERTY:
		return propval_copy(mem_ctx, &dst->u.prop.val, &src->u.prop.val);
	default:
		return 0;
	}
}

struct mapi_restriction *mapi_restriction_dup(TALLOC_CTX *mem_ctx,
                                              const struct mapi_restriction *res)
{
	struct mapi_restriction *r = talloc_zero(mem_ctx, struct mapi_restriction);
	if (r != NULL && dup_into(r, r, res, 0) < 0) {
		talloc_free(r);
		return NULL;
	}
	return r;
}
