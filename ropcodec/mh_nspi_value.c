/* NSPI body building blocks, [MS-OXCMAPIHTTP] 2.2.1 and [MS-OXNSPI] 2.2.8. */
#include "mh_nspi_value.h"

#include "rop_propval.h"

#define W32 ROP_COUNT_WIDTH_32

/* [MS-OXNSPI] 2.2.8 */
enum rop_err nspi_pull_stat(struct rop_pull *p, struct nspi_stat *s_r)
{
	uint32_t delta;

	if (rop_pull_left(p) < NSPI_STAT_SIZE)
		return ROP_E_SHORT;
	ROP_CHECK(rop_pull_u32(p, &s_r->sort_type));
	ROP_CHECK(rop_pull_u32(p, &s_r->container_id));
	ROP_CHECK(rop_pull_u32(p, &s_r->current_rec));
	ROP_CHECK(rop_pull_u32(p, &delta));
	s_r->delta = (int32_t)delta;
	ROP_CHECK(rop_pull_u32(p, &s_r->num_pos));
	ROP_CHECK(rop_pull_u32(p, &s_r->total_recs));
	ROP_CHECK(rop_pull_u32(p, &s_r->code_page));
	ROP_CHECK(rop_pull_u32(p, &s_r->template_locale));
	return rop_pull_u32(p, &s_r->sort_locale);
}

enum rop_err nspi_push_stat(struct rop_push *p, const struct nspi_stat *s)
{
	ROP_CHECK(rop_push_u32(p, s->sort_type));
	ROP_CHECK(rop_push_u32(p, s->container_id));
	ROP_CHECK(rop_push_u32(p, s->current_rec));
	ROP_CHECK(rop_push_u32(p, (uint32_t)s->delta));
	ROP_CHECK(rop_push_u32(p, s->num_pos));
	ROP_CHECK(rop_push_u32(p, s->total_recs));
	ROP_CHECK(rop_push_u32(p, s->code_page));
	ROP_CHECK(rop_push_u32(p, s->template_locale));
	return rop_push_u32(p, s->sort_locale);
}

/* [MS-OXCMAPIHTTP] 2.2.1.1: the types preceded by HasValue. */
static bool has_value_byte(uint16_t type)
{
	return type == PT_STRING8 || type == PT_UNICODE || type == PT_BINARY ||
	       (type & MV_FLAG) != 0;
}

/* The pointer that says "present" for a HasValue type. */
static const void *value_pointer(uint16_t type, const struct mapi_propval *v)
{
	if (type == PT_STRING8 || type == PT_UNICODE)
		return v->v.str;
	if (type == PT_BINARY)
		return v->v.bin.data;
	return v->v.mv.i32;
}

enum rop_err nspi_pull_ab_value(struct rop_pull *p, uint16_t type, struct mapi_propval *v)
{
	uint8_t has = 0xFF;

	if (has_value_byte(type)) {
		ROP_CHECK(rop_pull_u8(p, &has));
		if (has == 0) {
			v->tag = CHANGE_PROP_TYPE(v->tag, type);
			v->v.mv.count = 0;
			v->v.mv.i32 = NULL;
			v->v.str = NULL;
			return ROP_OK;
		}
	}
	uint32_t tag = v->tag;
	ROP_CHECK(rop_pull_propval_data(p, type, W32, v));
	v->tag = CHANGE_PROP_TYPE(tag, type);
	/* Present but empty: keep a non-NULL pointer (see the header). */
	if (has_value_byte(type) && value_pointer(type, v) == NULL) {
		void *empty = talloc_size(p->mem_ctx, 0);
		if (empty == NULL)
			return ROP_E_NOMEM;
		if (type == PT_BINARY)
			v->v.bin.data = empty;
		else if ((type & MV_FLAG) != 0)
			v->v.mv.i32 = empty;
		else
			v->v.str = empty;
	}
	return ROP_OK;
}

enum rop_err nspi_push_ab_value(struct rop_push *p, uint16_t type, const struct mapi_propval *v)
{
	if (has_value_byte(type)) {
		if (value_pointer(type, v) == NULL)
			return rop_push_u8(p, 0x00);
		ROP_CHECK(rop_push_u8(p, 0xFF));
	}
	return rop_push_propval_data(p, type, W32, v);
}

/* [MS-OXCMAPIHTTP] 2.2.1.2 */
enum rop_err nspi_pull_ab_tagged(struct rop_pull *p, struct mapi_propval *v_r)
{
	uint16_t type, id;

	ROP_CHECK(rop_pull_u16(p, &type));
	ROP_CHECK(rop_pull_u16(p, &id));
	v_r->tag = PROP_TAG(type, id);
	return nspi_pull_ab_value(p, type, v_r);
}

enum rop_err nspi_push_ab_tagged(struct rop_push *p, const struct mapi_propval *v)
{
	ROP_CHECK(rop_push_u16(p, PROP_TYPE(v->tag)));
	ROP_CHECK(rop_push_u16(p, PROP_ID(v->tag)));
	return nspi_push_ab_value(p, PROP_TYPE(v->tag), v);
}

/* [MS-OXCMAPIHTTP] 2.2.1.3 */
enum rop_err nspi_pull_ab_list(struct rop_pull *p, struct mapi_propval_array *l_r)
{
	ROP_CHECK(rop_pull_u32(p, &l_r->count));
	/* Each tagged value takes at least its 4-byte tag. */
	ROP_CHECK(rop_pull_check_count(p, l_r->count, 4));
	l_r->vals = talloc_zero_array(p->mem_ctx, struct mapi_propval, l_r->count);
	if (l_r->count > 0 && l_r->vals == NULL)
		return ROP_E_NOMEM;
	for (uint32_t i = 0; i < l_r->count; i++)
		ROP_CHECK(nspi_pull_ab_tagged(p, &l_r->vals[i]));
	return ROP_OK;
}

enum rop_err nspi_push_ab_list(struct rop_push *p, const struct mapi_propval_array *l)
{
	ROP_CHECK(rop_push_u32(p, l->count));
	for (uint32_t i = 0; i < l->count; i++)
		ROP_CHECK(nspi_push_ab_tagged(p, &l->vals[i]));
	return ROP_OK;
}

/* [MS-OXCMAPIHTTP] 2.2.1.5 / 2.2.1.6: flag, then the value, nothing, or
 * an error code. */
static enum rop_err pull_ab_flagged(struct rop_pull *p, uint16_t type, struct mapi_propval *v)
{
	uint8_t flag;

	ROP_CHECK(rop_pull_u8(p, &flag));
	switch (flag) {
	case 0x00:
		return nspi_pull_ab_value(p, type, v);
	case 0x01:
		v->tag = CHANGE_PROP_TYPE(v->tag, PT_NULL);
		return ROP_OK;
	case 0x0A:
		v->tag = CHANGE_PROP_TYPE(v->tag, PT_ERROR);
		return rop_pull_u32(p, &v->v.err);
	}
	return ROP_E_INVALID;
}

static enum rop_err push_ab_flagged(struct rop_push *p, const struct mapi_propval *v)
{
	uint16_t type = PROP_TYPE(v->tag);

	if (type == PT_NULL)
		return rop_push_u8(p, 0x01);
	if (type == PT_ERROR) {
		ROP_CHECK(rop_push_u8(p, 0x0A));
		return rop_push_u32(p, v->v.err);
	}
	ROP_CHECK(rop_push_u8(p, 0x00));
	return nspi_push_ab_value(p, type, v);
}

/* [MS-OXCMAPIHTTP] 2.2.1.7: one value per column; PtypUnspecified columns
 * carry the type in front of the value (2.2.1.4 / 2.2.1.6). */
enum rop_err nspi_pull_ab_row(struct rop_pull *p, const struct mapi_proptag_array *columns,
                              struct nspi_row *row_r)
{
	ROP_CHECK(rop_pull_u8(p, &row_r->flags));
	if (row_r->flags > 0x01)
		return ROP_E_INVALID;
	row_r->vals.count = columns->count;
	/* Every value takes at least one byte (a flag or a HasValue). */
	ROP_CHECK(rop_pull_check_count(p, columns->count, 1));
	row_r->vals.vals = talloc_zero_array(p->mem_ctx, struct mapi_propval, columns->count);
	if (columns->count > 0 && row_r->vals.vals == NULL)
		return ROP_E_NOMEM;
	for (uint32_t i = 0; i < columns->count; i++) {
		struct mapi_propval *v = &row_r->vals.vals[i];
		uint16_t type = PROP_TYPE(columns->tags[i]);

		v->tag = columns->tags[i];
		if (type == PT_UNSPECIFIED)
			ROP_CHECK(rop_pull_u16(p, &type));
		if (row_r->flags == 0x01)
			ROP_CHECK(pull_ab_flagged(p, type, v));
		else
			ROP_CHECK(nspi_pull_ab_value(p, type, v));
	}
	return ROP_OK;
}

enum rop_err nspi_push_ab_row(struct rop_push *p, const struct mapi_proptag_array *columns,
                              const struct nspi_row *row)
{
	if (row->vals.count != columns->count || row->flags > 0x01)
		return ROP_E_INVALID;
	ROP_CHECK(rop_push_u8(p, row->flags));
	for (uint32_t i = 0; i < columns->count; i++) {
		const struct mapi_propval *v = &row->vals.vals[i];
		uint16_t type = PROP_TYPE(columns->tags[i]);

		if (type == PT_UNSPECIFIED) {
			type = PROP_TYPE(v->tag);
			ROP_CHECK(rop_push_u16(p, type));
		}
		if (row->flags == 0x01)
			ROP_CHECK(push_ab_flagged(p, v));
		else if (PROP_TYPE(v->tag) != type)
			return ROP_E_INVALID; /* a plain row cannot say "error" */
		else
			ROP_CHECK(nspi_push_ab_value(p, type, v));
	}
	return ROP_OK;
}

enum rop_err nspi_pull_tags(struct rop_pull *p, struct mapi_proptag_array *a_r)
{
	return rop_pull_proptag_array(p, W32, a_r);
}

enum rop_err nspi_push_tags(struct rop_push *p, const struct mapi_proptag_array *a)
{
	return rop_push_proptag_array(p, W32, a);
}

enum rop_err nspi_pull_mids(struct rop_pull *p, struct nspi_mids *m_r)
{
	ROP_CHECK(rop_pull_u32(p, &m_r->count));
	ROP_CHECK(rop_pull_check_count(p, m_r->count, 4));
	m_r->ids = talloc_array(p->mem_ctx, uint32_t, m_r->count);
	if (m_r->count > 0 && m_r->ids == NULL)
		return ROP_E_NOMEM;
	for (uint32_t i = 0; i < m_r->count; i++)
		ROP_CHECK(rop_pull_u32(p, &m_r->ids[i]));
	return ROP_OK;
}

enum rop_err nspi_push_mids(struct rop_push *p, const struct nspi_mids *m)
{
	ROP_CHECK(rop_push_u32(p, m->count));
	for (uint32_t i = 0; i < m->count; i++)
		ROP_CHECK(rop_push_u32(p, m->ids[i]));
	return ROP_OK;
}

enum rop_err nspi_pull_strings(struct rop_pull *p, bool unicode, struct nspi_strings *s_r)
{
	ROP_CHECK(rop_pull_u32(p, &s_r->count));
	ROP_CHECK(rop_pull_check_count(p, s_r->count, unicode ? 2 : 1));
	s_r->strs = talloc_zero_array(p->mem_ctx, char *, s_r->count);
	if (s_r->count > 0 && s_r->strs == NULL)
		return ROP_E_NOMEM;
	for (uint32_t i = 0; i < s_r->count; i++)
		ROP_CHECK(unicode ? rop_pull_utf16z(p, &s_r->strs[i])
		                  : rop_pull_asciiz(p, &s_r->strs[i]));
	return ROP_OK;
}

enum rop_err nspi_push_strings(struct rop_push *p, bool unicode, const struct nspi_strings *s)
{
	ROP_CHECK(rop_push_u32(p, s->count));
	for (uint32_t i = 0; i < s->count; i++) {
		const char *str = s->strs[i] != NULL ? s->strs[i] : "";
		ROP_CHECK(unicode ? rop_push_utf16z(p, str) : rop_push_asciiz(p, str));
	}
	return ROP_OK;
}

enum rop_err nspi_pull_binaries(struct rop_pull *p, struct nspi_binaries *b_r)
{
	ROP_CHECK(rop_pull_u32(p, &b_r->count));
	ROP_CHECK(rop_pull_check_count(p, b_r->count, 4));
	b_r->bins = talloc_zero_array(p->mem_ctx, struct mapi_binary, b_r->count);
	if (b_r->count > 0 && b_r->bins == NULL)
		return ROP_E_NOMEM;
	for (uint32_t i = 0; i < b_r->count; i++) {
		ROP_CHECK(rop_pull_u32(p, &b_r->bins[i].len));
		ROP_CHECK(rop_pull_bytes(p, b_r->bins[i].len, &b_r->bins[i].data));
	}
	return ROP_OK;
}

enum rop_err nspi_push_binaries(struct rop_push *p, const struct nspi_binaries *b)
{
	ROP_CHECK(rop_push_u32(p, b->count));
	for (uint32_t i = 0; i < b->count; i++) {
		ROP_CHECK(rop_push_u32(p, b->bins[i].len));
		ROP_CHECK(rop_push_bytes(p, b->bins[i].data, b->bins[i].len));
	}
	return ROP_OK;
}

enum rop_err nspi_pull_rowset(struct rop_pull *p, struct nspi_rowset *r_r)
{
	ROP_CHECK(nspi_pull_tags(p, &r_r->columns));
	ROP_CHECK(rop_pull_u32(p, &r_r->count));
	/* Each row takes at least its flag byte. */
	ROP_CHECK(rop_pull_check_count(p, r_r->count, 1));
	r_r->rows = talloc_zero_array(p->mem_ctx, struct nspi_row, r_r->count);
	if (r_r->count > 0 && r_r->rows == NULL)
		return ROP_E_NOMEM;
	for (uint32_t i = 0; i < r_r->count; i++)
		ROP_CHECK(nspi_pull_ab_row(p, &r_r->columns, &r_r->rows[i]));
	return ROP_OK;
}

enum rop_err nspi_push_rowset(struct rop_push *p, const struct nspi_rowset *r)
{
	ROP_CHECK(nspi_push_tags(p, &r->columns));
	ROP_CHECK(rop_push_u32(p, r->count));
	for (uint32_t i = 0; i < r->count; i++)
		ROP_CHECK(nspi_push_ab_row(p, &r->columns, &r->rows[i]));
	return ROP_OK;
}

enum rop_err nspi_pull_value_lists(struct rop_pull *p, struct nspi_value_lists *l_r)
{
	ROP_CHECK(rop_pull_u32(p, &l_r->count));
	ROP_CHECK(rop_pull_check_count(p, l_r->count, 4));
	l_r->lists = talloc_zero_array(p->mem_ctx, struct mapi_propval_array, l_r->count);
	if (l_r->count > 0 && l_r->lists == NULL)
		return ROP_E_NOMEM;
	for (uint32_t i = 0; i < l_r->count; i++)
		ROP_CHECK(nspi_pull_ab_list(p, &l_r->lists[i]));
	return ROP_OK;
}

enum rop_err nspi_push_value_lists(struct rop_push *p, const struct nspi_value_lists *l)
{
	ROP_CHECK(rop_push_u32(p, l->count));
	for (uint32_t i = 0; i < l->count; i++)
		ROP_CHECK(nspi_push_ab_list(p, &l->lists[i]));
	return ROP_OK;
}
