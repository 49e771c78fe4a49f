/*
 * Structures built from property values: FlaggedPropertyValue(WithType),
 * PropertyRow, PropertyRowSet, PropertyProblem, PropertyName and the tag
 * and ID arrays ([MS-OXCDATA] 2.6 - 2.11).  Declared in rop_propval.h.
 */
#include <string.h>

#include "rop_propval.h"

static uint16_t base_type(uint32_t tag)
{
	uint16_t t = PROP_TYPE(tag);
	if ((t & MV_INSTANCE) != 0)
		t = (uint16_t)(t & ~(MV_INSTANCE | MV_FLAG));
	return t;
}

/* [MS-OXCDATA] 2.11.5 FlaggedPropertyValue */
enum rop_err rop_pull_flagged_propval(struct rop_pull *p, int count_width, uint32_t column,
                                      struct mapi_propval *v_r)
{
	uint8_t flag;

	memset(v_r, 0, sizeof(*v_r));
	ROP_CHECK(rop_pull_u8(p, &flag));
	switch (flag) {
	case ROP_PROPFLAG_OK:
		v_r->tag = column;
		return rop_pull_propval_data(p, PROP_TYPE(column), count_width, v_r);
	case ROP_PROPFLAG_NOVALUE:
		v_r->tag = CHANGE_PROP_TYPE(column, PT_NULL);
		return ROP_OK;
	case ROP_PROPFLAG_ERROR:
		v_r->tag = CHANGE_PROP_TYPE(column, PT_ERROR);
		return rop_pull_u32(p, &v_r->v.err);
	default:
		return ROP_E_INVALID;
	}
}

enum rop_err rop_push_flagged_propval(struct rop_push *p, int count_width, uint32_t column,
                                      const struct mapi_propval *v)
{
	uint16_t vt = PROP_TYPE(v->tag), ct = PROP_TYPE(column);

	if (vt == PT_NULL && ct != PT_NULL)
		return rop_push_u8(p, ROP_PROPFLAG_NOVALUE);
	if (vt == PT_ERROR && ct != PT_ERROR) {
		ROP_CHECK(rop_push_u8(p, ROP_PROPFLAG_ERROR));
		return rop_push_u32(p, v->v.err);
	}
	if (base_type(v->tag) != base_type(column))
		return ROP_E_INVALID;
	ROP_CHECK(rop_push_u8(p, ROP_PROPFLAG_OK));
	return rop_push_propval_data(p, ct, count_width, v);
}

/* [MS-OXCDATA] 2.11.6 FlaggedPropertyValueWithType: PropertyType, Flag,
 * value.  A flag 0x01 or 0x0A value is held as PT_NULL / PT_ERROR, so the
 * PropertyType sent with it is not kept; the encoder sends PtypNull or
 * PtypErrorCode there. */
enum rop_err rop_pull_flagged_propval_typed(struct rop_pull *p, int count_width, uint32_t column,
                                            struct mapi_propval *v_r)
{
	uint16_t type;

	memset(v_r, 0, sizeof(*v_r));
	ROP_CHECK(rop_pull_u16(p, &type));
	if (type == PT_UNSPECIFIED || !rop_ptype_known(type))
		return ROP_E_INVALID;
	return rop_pull_flagged_propval(p, count_width, CHANGE_PROP_TYPE(column, type), v_r);
}

enum rop_err rop_push_flagged_propval_typed(struct rop_push *p, int count_width,
                                            const struct mapi_propval *v)
{
	uint16_t vt = PROP_TYPE(v->tag);

	if (vt == PT_UNSPECIFIED)
		return ROP_E_INVALID;
	ROP_CHECK(rop_push_u16(p, vt));
	if (vt == PT_NULL)
		return rop_push_u8(p, ROP_PROPFLAG_NOVALUE);
	if (vt == PT_ERROR) {
		ROP_CHECK(rop_push_u8(p, ROP_PROPFLAG_ERROR));
		return rop_push_u32(p, v->v.err);
	}
	ROP_CHECK(rop_push_u8(p, ROP_PROPFLAG_OK));
	return rop_push_propval_data(p, vt, count_width, v);
}

uint8_t rop_property_row_flag(const struct mapi_proptag_array *columns,
                              const struct mapi_propval_array *vals)
{
	for (uint32_t i = 0; i < columns->count && i < vals->count; i++) {
		uint16_t vt = PROP_TYPE(vals->vals[i].tag), ct = PROP_TYPE(columns->tags[i]);
		if ((vt == PT_ERROR && ct != PT_ERROR) || (vt == PT_NULL && ct != PT_NULL))
			return 0x01;
		if (ct != PT_UNSPECIFIED &&
		    base_type(vals->vals[i].tag) != base_type(columns->tags[i]))
			return 0x01;
	}
	return 0x00;
}

/* One column of a PropertyRow, [MS-OXCDATA] 2.8.1.1 / 2.8.1.2. */
static enum rop_err pull_row_value(struct rop_pull *p, uint8_t flag, uint32_t column, int width,
                                   struct mapi_propval *v)
{
	bool unspecified = PROP_TYPE(column) == PT_UNSPECIFIED;

	if (flag == 0x01)
		return unspecified ? rop_pull_flagged_propval_typed(p, width, column, v)
		                   : rop_pull_flagged_propval(p, width, column, v);
	if (unspecified)
		return rop_pull_typed_propval(p, width, column, v);
	memset(v, 0, sizeof(*v));
	v->tag = column;
	return rop_pull_propval_data(p, PROP_TYPE(column), width, v);
}

enum rop_err rop_pull_property_row(struct rop_pull *p, const struct mapi_proptag_array *columns,
                                   int count_width, struct rop_property_row *row_r)
{
	uint8_t flag;

	memset(row_r, 0, sizeof(*row_r));
	ROP_CHECK(rop_pull_u8(p, &flag));
	if (flag != 0x00 && flag != 0x01)
		return ROP_E_INVALID;
	row_r->flag = flag;
	if (columns->count == 0)
		return ROP_OK;
	/* every column takes at least one byte, but a PtypNull one (its
	 * MV_INSTANCE bit resolved) in a standard row: bound the allocation
	 * by the input */
	uint32_t nonnull = 0;
	for (uint32_t i = 0; i < columns->count; i++)
		nonnull += base_type(columns->tags[i]) != PT_NULL || flag == 0x01;
	ROP_CHECK(rop_pull_check_count(p, nonnull, 1));
	row_r->vals.vals = talloc_zero_array(p->mem_ctx, struct mapi_propval, columns->count);
	if (row_r->vals.vals == NULL)
		return ROP_E_NOMEM;
	row_r->vals.count = columns->count;
	for (uint32_t i = 0; i < columns->count; i++)
		ROP_CHECK(
		    pull_row_value(p, flag, columns->tags[i], count_width, &row_r->vals.vals[i]));
	return ROP_OK;
}

/* Whether vals can travel as a StandardPropertyRow: every value of a
 * typed column has the column's type.  A PT_UNSPECIFIED column carries a
 * TypedPropertyValue ([MS-OXCDATA] 2.11.3), whatever its type, PtypNull and
 * PtypErrorCode included (what rop_pull_property_row reads from such a
 * row). */
static bool standard_row_ok(const struct mapi_proptag_array *columns,
                            const struct mapi_propval_array *vals)
{
	for (uint32_t i = 0; i < columns->count && i < vals->count; i++) {
		uint32_t col = columns->tags[i];
		if (PROP_TYPE(col) == PT_UNSPECIFIED)
			continue;
		if (rop_property_row_flag(&(const struct mapi_proptag_array){1, &col},
		                          &(const struct mapi_propval_array){1, &vals->vals[i]}) !=
		    0)
			return false;
	}
	return true;
}

enum rop_err rop_push_property_row(struct rop_push *p, const struct mapi_proptag_array *columns,
                                   int count_width, const struct rop_property_row *row)
{
	if (row->vals.count != columns->count || (row->flag != 0x00 && row->flag != 0x01))
		return ROP_E_INVALID;
	if (row->flag == 0x00 && !standard_row_ok(columns, &row->vals))
		return ROP_E_INVALID;
	ROP_CHECK(rop_push_u8(p, row->flag));
	for (uint32_t i = 0; i < columns->count; i++) {
		const struct mapi_propval *v = &row->vals.vals[i];
		uint32_t col = columns->tags[i];
		bool unspecified = PROP_TYPE(col) == PT_UNSPECIFIED;

		if (row->flag == 0x01 && unspecified)
			ROP_CHECK(rop_push_flagged_propval_typed(p, count_width, v));
		else if (row->flag == 0x01)
			ROP_CHECK(rop_push_flagged_propval(p, count_width, col, v));
		else if (unspecified)
			ROP_CHECK(rop_push_typed_propval(p, count_width, v));
		else
			ROP_CHECK(rop_push_propval_data(p, PROP_TYPE(col), count_width, v));
	}
	return ROP_OK;
}

enum rop_err rop_pull_property_rows(struct rop_pull *p, const struct mapi_proptag_array *columns,
                                    int count_width, uint32_t count,
                                    struct rop_property_row **rows_r)
{
	struct rop_property_row *rows = NULL;

	/* each row is at least its flag byte */
	ROP_CHECK(rop_pull_check_count(p, count, 1));
	if (count > 0) {
		rows = talloc_zero_array(p->mem_ctx, struct rop_property_row, count);
		if (rows == NULL)
			return ROP_E_NOMEM;
	}
	for (uint32_t i = 0; i < count; i++)
		ROP_CHECK(rop_pull_property_row(p, columns, count_width, &rows[i]));
	*rows_r = rows;
	return ROP_OK;
}

/* [MS-OXCDATA] 2.8.2 PropertyRowSet */
enum rop_err rop_pull_property_row_set(struct rop_pull *p, const struct mapi_proptag_array *columns,
                                       int count_width, struct rop_property_row_set *set_r)
{
	uint16_t n;

	memset(set_r, 0, sizeof(*set_r));
	ROP_CHECK(rop_pull_u16(p, &n));
	ROP_CHECK(rop_pull_property_rows(p, columns, count_width, n, &set_r->rows));
	set_r->count = n;
	return ROP_OK;
}

enum rop_err rop_push_property_row_set(struct rop_push *p, const struct mapi_proptag_array *columns,
                                       int count_width, const struct rop_property_row_set *set)
{
	ROP_CHECK(rop_push_u16(p, set->count));
	for (uint16_t i = 0; i < set->count; i++)
		ROP_CHECK(rop_push_property_row(p, columns, count_width, &set->rows[i]));
	return ROP_OK;
}

/* [MS-OXCDATA] 2.7 PropertyProblem, with its 16-bit count. */
enum rop_err rop_pull_property_problems(struct rop_pull *p, struct rop_property_problem_array *a_r)
{
	uint16_t n;

	memset(a_r, 0, sizeof(*a_r));
	ROP_CHECK(rop_pull_u16(p, &n));
	ROP_CHECK(rop_pull_check_count(p, n, 10));
	if (n > 0) {
		a_r->problems = talloc_zero_array(p->mem_ctx, struct rop_property_problem, n);
		if (a_r->problems == NULL)
			return ROP_E_NOMEM;
	}
	for (uint16_t i = 0; i < n; i++) {
		struct rop_property_problem *pp = &a_r->problems[i];
		ROP_CHECK(rop_pull_u16(p, &pp->index));
		ROP_CHECK(rop_pull_u32(p, &pp->proptag));
		ROP_CHECK(rop_pull_u32(p, &pp->err));
	}
	a_r->count = n;
	return ROP_OK;
}

enum rop_err rop_push_property_problems(struct rop_push *p,
                                        const struct rop_property_problem_array *a)
{
	ROP_CHECK(rop_push_u16(p, a->count));
	for (uint16_t i = 0; i < a->count; i++) {
		ROP_CHECK(rop_push_u16(p, a->problems[i].index));
		ROP_CHECK(rop_push_u32(p, a->problems[i].proptag));
		ROP_CHECK(rop_push_u32(p, a->problems[i].err));
	}
	return ROP_OK;
}

/* [MS-OXCDATA] 2.6.1 PropertyName: Kind, GUID, then LID (Kind 0x00) or
 * NameSize and a NUL-terminated UTF-16LE Name of NameSize bytes (0x01). */
enum rop_err rop_pull_property_name(struct rop_pull *p, struct mapi_property_name *n_r)
{
	uint8_t kind, size;
	const uint8_t *bytes;
	struct rop_pull sub;

	memset(n_r, 0, sizeof(*n_r));
	ROP_CHECK(rop_pull_u8(p, &kind));
	if (kind != MNID_ID && kind != MNID_STRING && kind != MNID_NONE)
		return ROP_E_INVALID;
	n_r->kind = (enum mapi_named_kind)kind;
	ROP_CHECK(rop_pull_guid(p, &n_r->guid));
	if (kind == MNID_ID)
		return rop_pull_u32(p, &n_r->lid);
	if (kind == MNID_NONE)
		return ROP_OK;
	ROP_CHECK(rop_pull_u8(p, &size));
	ROP_CHECK(rop_pull_ref(p, size, &bytes));
	rop_pull_init(&sub, p->mem_ctx, bytes, size);
	ROP_CHECK(rop_pull_utf16z(&sub, &n_r->name));
	return rop_pull_left(&sub) == 0 ? ROP_OK : ROP_E_INVALID;
}

enum rop_err rop_push_property_name(struct rop_push *p, const struct mapi_property_name *n)
{
	long len;

	if (n->kind != MNID_ID && n->kind != MNID_STRING && n->kind != MNID_NONE)
		return ROP_E_INVALID;
	ROP_CHECK(rop_push_u8(p, (uint8_t)n->kind));
	ROP_CHECK(rop_push_guid(p, &n->guid));
	if (n->kind == MNID_ID)
		return rop_push_u32(p, n->lid);
	if (n->kind == MNID_NONE)
		return ROP_OK;
	if (n->name == NULL)
		return ROP_E_INVALID;
	len = rop_utf16_size(n->name);
	if (len < 0)
		return ROP_E_INVALID;
	if (len + 2 > UINT8_MAX)
		return ROP_E_TOO_BIG;
	ROP_CHECK(rop_push_u8(p, (uint8_t)(len + 2)));
	return rop_push_utf16z(p, n->name);
}

/* [MS-OXCDATA] 2.10 PropertyTagArray */
enum rop_err rop_pull_proptag_array(struct rop_pull *p, int count_width,
                                    struct mapi_proptag_array *a_r)
{
	uint32_t n;

	memset(a_r, 0, sizeof(*a_r));
	if (count_width == ROP_COUNT_WIDTH_ROP) {
		uint16_t n16;
		ROP_CHECK(rop_pull_u16(p, &n16));
		n = n16;
	} else if (count_width == ROP_COUNT_WIDTH_32) {
		ROP_CHECK(rop_pull_u32(p, &n));
	} else {
		return ROP_E_INVALID;
	}
	ROP_CHECK(rop_pull_check_count(p, n, 4));
	if (n > 0) {
		a_r->tags = talloc_array(p->mem_ctx, uint32_t, n);
		if (a_r->tags == NULL)
			return ROP_E_NOMEM;
	}
	for (uint32_t i = 0; i < n; i++)
		ROP_CHECK(rop_pull_u32(p, &a_r->tags[i]));
	a_r->count = n;
	return ROP_OK;
}

enum rop_err rop_push_proptag_array(struct rop_push *p, int count_width,
                                    const struct mapi_proptag_array *a)
{
	if (count_width == ROP_COUNT_WIDTH_ROP) {
		if (a->count > UINT16_MAX)
			return ROP_E_TOO_BIG;
		ROP_CHECK(rop_push_u16(p, (uint16_t)a->count));
	} else if (count_width == ROP_COUNT_WIDTH_32) {
		ROP_CHECK(rop_push_u32(p, a->count));
	} else {
		return ROP_E_INVALID;
	}
	for (uint32_t i = 0; i < a->count; i++)
		ROP_CHECK(rop_push_u32(p, a->tags[i]));
	return ROP_OK;
}

enum rop_err rop_pull_propid_array(struct rop_pull *p, struct rop_propid_array *a_r)
{
	uint16_t n;

	memset(a_r, 0, sizeof(*a_r));
	ROP_CHECK(rop_pull_u16(p, &n));
	ROP_CHECK(rop_pull_check_count(p, n, 2));
	if (n > 0) {
		a_r->ids = talloc_array(p->mem_ctx, uint16_t, n);
		if (a_r->ids == NULL)
			return ROP_E_NOMEM;
	}
	for (uint16_t i = 0; i < n; i++)
		ROP_CHECK(rop_pull_u16(p, &a_r->ids[i]));
	a_r->count = n;
	return ROP_OK;
}

enum rop_err rop_push_propid_array(struct rop_push *p, const struct rop_propid_array *a)
{
	ROP_CHECK(rop_push_u16(p, a->count));
	for (uint16_t i = 0; i < a->count; i++)
		ROP_CHECK(rop_push_u16(p, a->ids[i]));
	return ROP_OK;
}
