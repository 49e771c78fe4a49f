/*
 * The interpreter of rop_field tables: reads and writes ROP bodies field by
 * field.  Every count is checked against the bytes left before anything is
 * allocated.
 */
#include "rop_fields.h"
#include "rop_fields_rows.h"

#include <string.h>

#include "rop.h"
#include "notif.h"
#include "rop_entryid.h"
#include "rop_restriction.h"
#include "rop_sort.h"

/* Through void *: the offsets come from offsetof, so the field is aligned. */
#define AT(base, ofs, type)  ((type *)(void *)((char *)(base) + (ofs)))
#define CAT(base, ofs, type) ((const type *)(const void *)((const char *)(base) + (ofs)))

static void *pull_array(struct rop_pull *p, uint64_t count, size_t min_wire, size_t elem,
                        enum rop_err *err)
{
	void *a;

	*err = rop_pull_check_count(p, count, min_wire);
	if (*err != ROP_OK || count == 0)
		return NULL;
	a = talloc_zero_size(p->mem_ctx, (size_t)count * elem);
	if (a == NULL)
		*err = ROP_E_NOMEM;
	return a;
}

/* A u16-sized sub-buffer: its bytes must be consumed exactly. */
static enum rop_err pull_sized16(struct rop_pull *p, struct rop_pull *sub)
{
	uint16_t n;
	const uint8_t *b;

	ROP_CHECK(rop_pull_u16(p, &n));
	ROP_CHECK(rop_pull_ref(p, n, &b));
	rop_pull_init(sub, p->mem_ctx, b, n);
	return ROP_OK;
}

static enum rop_err pull_bin(struct rop_pull *p, uint32_t n, struct mapi_binary *b)
{
	if (rop_pull_left(p) < n)
		return ROP_E_SHORT;
	b->len = n;
	return rop_pull_bytes(p, n, &b->data);
}

static enum rop_err pull_asciiz_sized(struct rop_pull *p, uint32_t n, char **s_r)
{
	const uint8_t *b;

	*s_r = NULL;
	if (n == 0)
		return ROP_OK;
	ROP_CHECK(rop_pull_ref(p, n, &b));
	if (b[n - 1] != 0 || memchr(b, 0, n - 1) != NULL)
		return ROP_E_INVALID;
	*s_r = talloc_strndup(p->mem_ctx, (const char *)b, n - 1);
	return *s_r != NULL ? ROP_OK : ROP_E_NOMEM;
}

static enum rop_err pull_scalar(struct rop_pull *p, const struct rop_field *f, void *base)
{
	switch (f->kind) {
	case FK_U8:
		return rop_pull_u8(p, AT(base, f->ofs, uint8_t));
	case FK_U16:
		return rop_pull_u16(p, AT(base, f->ofs, uint16_t));
	case FK_U32:
		return rop_pull_u32(p, AT(base, f->ofs, uint32_t));
	case FK_U64:
		return rop_pull_u64(p, AT(base, f->ofs, uint64_t));
	case FK_GUID:
		return rop_pull_guid(p, AT(base, f->ofs, struct mapi_guid));
	case FK_LTID:
		return rop_pull_long_term_id(p, AT(base, f->ofs, struct mapi_long_term_id));
	case FK_BYTES: {
		const uint8_t *b;
		ROP_CHECK(rop_pull_ref(p, f->aux, &b));
		memcpy(AT(base, f->ofs, uint8_t), b, f->aux);
		return ROP_OK;
	}
	case FK_U64ARR:
		for (uint16_t i = 0; i < f->aux; i++)
			ROP_CHECK(rop_pull_u64(p, AT(base, f->ofs, uint64_t) + i));
		return ROP_OK;
	default:
		return ROP_E_UNSUPPORTED;
	}
}

static enum rop_err pull_string(struct rop_pull *p, const struct rop_field *f, void *base)
{
	char **s = AT(base, f->ofs, char *);
	uint16_t n16;
	uint8_t n8;

	switch (f->kind) {
	case FK_ASCIIZ:
		return rop_pull_asciiz(p, s);
	case FK_ASCIIZ_SIZE16:
		ROP_CHECK(rop_pull_u16(p, &n16));
		return pull_asciiz_sized(p, n16, s);
	case FK_ASCIIZ_SIZE8:
		ROP_CHECK(rop_pull_u8(p, &n8));
		return pull_asciiz_sized(p, n8, s);
	case FK_STRZ_SEL:
		if (*AT(base, f->aux, uint8_t) != 0)
			return rop_pull_utf16z(p, s);
		return rop_pull_asciiz(p, s);
	default:
		return ROP_E_UNSUPPORTED;
	}
}

static enum rop_err pull_bins(struct rop_pull *p, const struct rop_field *f, void *base)
{
	struct mapi_binary *b = AT(base, f->ofs, struct mapi_binary);
	uint16_t n16;
	uint32_t n32;

	switch (f->kind) {
	case FK_BIN16:
		ROP_CHECK(rop_pull_u16(p, &n16));
		return pull_bin(p, n16, b);
	case FK_BIN32:
		ROP_CHECK(rop_pull_u32(p, &n32));
		return pull_bin(p, n32, b);
	case FK_REST:
		return pull_bin(p, (uint32_t)rop_pull_left(p), b);
	default:
		return ROP_E_UNSUPPORTED;
	}
}

static enum rop_err pull_tvals(struct rop_pull *p, uint16_t n, struct mapi_propval_array *a)
{
	enum rop_err err;

	/* a TaggedPropertyValue is at least its 4-byte tag */
	a->vals = pull_array(p, n, 4, sizeof(*a->vals), &err);
	ROP_CHECK(err);
	a->count = n;
	for (uint16_t i = 0; i < n; i++)
		ROP_CHECK(rop_pull_tagged_propval(p, ROP_COUNT_WIDTH_ROP, &a->vals[i]));
	return ROP_OK;
}

static enum rop_err pull_props(struct rop_pull *p, const struct rop_field *f, void *base)
{
	struct rop_pull sub;
	uint16_t n;

	switch (f->kind) {
	case FK_TAGS16:
		return rop_pull_proptag_array(p, ROP_COUNT_WIDTH_ROP,
		                              AT(base, f->ofs, struct mapi_proptag_array));
	case FK_PROPIDS16:
		return rop_pull_propid_array(p, AT(base, f->ofs, struct rop_propid_array));
	case FK_PROBLEMS16:
		return rop_pull_property_problems(
		    p, AT(base, f->ofs, struct rop_property_problem_array));
	case FK_TVALS16:
		ROP_CHECK(rop_pull_u16(p, &n));
		return pull_tvals(p, n, AT(base, f->ofs, struct mapi_propval_array));
	case FK_TVALS_SIZED16:
		/* [MS-OXCROPS] 2.2.8.6.1: PropertyValueSize covers the count and values */
		ROP_CHECK(pull_sized16(p, &sub));
		ROP_CHECK(rop_pull_u16(&sub, &n));
		ROP_CHECK(pull_tvals(&sub, n, AT(base, f->ofs, struct mapi_propval_array)));
		return rop_pull_left(&sub) == 0 ? ROP_OK : ROP_E_TRAILING;
	case FK_RES_SIZED16: {
		struct mapi_restriction **r = AT(base, f->ofs, struct mapi_restriction *);
		ROP_CHECK(pull_sized16(p, &sub));
		*r = NULL;
		if (sub.len == 0)
			return ROP_OK;
		*r = talloc_zero(p->mem_ctx, struct mapi_restriction);
		if (*r == NULL)
			return ROP_E_NOMEM;
		ROP_CHECK(rop_pull_restriction(&sub, ROP_COUNT_WIDTH_ROP, *r));
		return rop_pull_left(&sub) == 0 ? ROP_OK : ROP_E_TRAILING;
	}
	case FK_SORTS:
		return rop_pull_sort_order_set(p, AT(base, f->ofs, struct mapi_sort_order_set));
	default:
		return ROP_E_UNSUPPORTED;
	}
}

static enum rop_err pull_id_lists(struct rop_pull *p, const struct rop_field *f, void *base)
{
	enum rop_err err;
	uint16_t n;

	ROP_CHECK(rop_pull_u16(p, &n));
	if (f->kind == FK_IDS16) {
		struct rop_id_array *a = AT(base, f->ofs, struct rop_id_array);
		a->ids = pull_array(p, n, 8, sizeof(uint64_t), &err);
		ROP_CHECK(err);
		a->count = n;
		for (uint16_t i = 0; i < n; i++)
			ROP_CHECK(rop_pull_u64(p, &a->ids[i]));
		return ROP_OK;
	}
	if (f->kind == FK_U32S16) {
		struct rop_u32_array *a = AT(base, f->ofs, struct rop_u32_array);
		a->vals = pull_array(p, n, 4, sizeof(uint32_t), &err);
		ROP_CHECK(err);
		a->count = n;
		for (uint16_t i = 0; i < n; i++)
			ROP_CHECK(rop_pull_u32(p, &a->vals[i]));
		return ROP_OK;
	}
	if (f->kind == FK_LTIDS16) {
		struct rop_ltid_array *a = AT(base, f->ofs, struct rop_ltid_array);
		a->ltids = pull_array(p, n, 24, sizeof(*a->ltids), &err);
		ROP_CHECK(err);
		a->count = n;
		for (uint16_t i = 0; i < n; i++)
			ROP_CHECK(rop_pull_long_term_id(p, &a->ltids[i]));
		return ROP_OK;
	}
	struct rop_property_name_array *a = AT(base, f->ofs, struct rop_property_name_array);
	a->names = pull_array(p, n, 17, sizeof(*a->names), &err);
	ROP_CHECK(err);
	a->count = n;
	for (uint16_t i = 0; i < n; i++)
		ROP_CHECK(rop_pull_property_name(p, &a->names[i]));
	return ROP_OK;
}

static enum rop_err pull_ids_names(struct rop_pull *p, struct rop_ids_names *a)
{
	enum rop_err err;
	uint16_t n;

	ROP_CHECK(rop_pull_u16(p, &n));
	/* two bytes of ID and 17 of name at least, per entry */
	ROP_CHECK(rop_pull_check_count(p, n, 19));
	a->ids = pull_array(p, n, 2, sizeof(uint16_t), &err);
	ROP_CHECK(err);
	a->names = pull_array(p, n, 2, sizeof(*a->names), &err);
	ROP_CHECK(err);
	a->count = n;
	for (uint16_t i = 0; i < n; i++)
		ROP_CHECK(rop_pull_u16(p, &a->ids[i]));
	for (uint16_t i = 0; i < n; i++)
		ROP_CHECK(rop_pull_property_name(p, &a->names[i]));
	return ROP_OK;
}

static enum rop_err pull_strs(struct rop_pull *p, uint16_t n, struct rop_string_array *a)
{
	enum rop_err err;

	a->strs = pull_array(p, n, 1, sizeof(char *), &err);
	ROP_CHECK(err);
	a->count = n;
	for (uint16_t i = 0; i < n; i++)
		ROP_CHECK(rop_pull_asciiz(p, &a->strs[i]));
	return ROP_OK;
}

/* [MS-OXCDATA] 2.11.7 TypedString */
static enum rop_err pull_typedstr(struct rop_pull *p, struct rop_typed_string *s)
{
	ROP_CHECK(rop_pull_u8(p, &s->type));
	s->str = NULL;
	switch (s->type) {
	case 0x00:
	case 0x01:
		return ROP_OK;
	case 0x02:
	case 0x03:
		return rop_pull_asciiz(p, &s->str);
	case 0x04:
		return rop_pull_utf16z(p, &s->str);
	default:
		return ROP_E_INVALID;
	}
}

/* The columns of a body's RecipientRows: the RecipientColumns in the same
 * body (at aux) or, for RopReadRecipients, the context's. */
static const struct mapi_proptag_array *recip_columns(const struct rop_field *f, const void *base,
                                                      const struct rop_field_env *env)
{
	if (f->kind == FK_RECIP_READ8)
		return env != NULL ? env->columns : NULL;
	return CAT(base, f->aux, struct mapi_proptag_array);
}

static enum rop_recipient_wrap recip_wrap(uint8_t kind)
{
	return kind == FK_RECIP_OPEN8   ? ROP_RECIP_WRAP_OPEN
	       : kind == FK_RECIP_READ8 ? ROP_RECIP_WRAP_READ
	                                : ROP_RECIP_WRAP_MODIFY;
}

static enum rop_err pull_flagged_vals(struct rop_pull *p, struct rop_flagged_vals_array *a)
{
	enum rop_err err;
	uint16_t n, nv;

	ROP_CHECK(rop_pull_u16(p, &n));
	a->items = pull_array(p, n, 3, sizeof(*a->items), &err);
	ROP_CHECK(err);
	a->count = n;
	for (uint16_t i = 0; i < n; i++) {
		ROP_CHECK(rop_pull_u8(p, &a->items[i].flags));
		ROP_CHECK(rop_pull_u16(p, &nv));
		ROP_CHECK(pull_tvals(p, nv, &a->items[i].vals));
	}
	return ROP_OK;
}

static enum rop_err pull_backoff(struct rop_pull *p, struct rop_backoff_rops *a)
{
	enum rop_err err;

	ROP_CHECK(rop_pull_u8(p, &a->count));
	a->rops = pull_array(p, a->count, 5, sizeof(*a->rops), &err);
	ROP_CHECK(err);
	for (uint8_t i = 0; i < a->count; i++) {
		ROP_CHECK(rop_pull_u8(p, &a->rops[i].rop_id));
		ROP_CHECK(rop_pull_u32(p, &a->rops[i].duration));
	}
	return ROP_OK;
}

/* The columns a response row is decoded with. */
static enum rop_err pull_other(struct rop_pull *p, const struct rop_field *f, void *base,
                               const struct rop_field_env *env)
{
	struct rop_client_data *cd;
	uint16_t n;

	switch (f->kind) {
	case FK_IDS16:
	case FK_U32S16:
	case FK_LTIDS16:
	case FK_NAMES16:
		return pull_id_lists(p, f, base);
	case FK_IDS_NAMES:
		return pull_ids_names(p, AT(base, f->ofs, struct rop_ids_names));
	case FK_STRS:
		return pull_strs(p, *AT(base, f->aux, uint16_t),
		                 AT(base, f->ofs, struct rop_string_array));
	case FK_STRS_SIZED: {
		struct rop_pull sub;
		ROP_CHECK(rop_pull_u16(p, &n));
		ROP_CHECK(pull_sized16(p, &sub));
		ROP_CHECK(pull_strs(&sub, n, AT(base, f->ofs, struct rop_string_array)));
		return rop_pull_left(&sub) == 0 ? ROP_OK : ROP_E_TRAILING;
	}
	case FK_TYPEDSTR:
		return pull_typedstr(p, AT(base, f->ofs, struct rop_typed_string));
	case FK_RECIP_OPEN8:
	case FK_RECIP_READ8:
	case FK_RECIP_MOD16:
		return rop_pull_recipient_rows(p, recip_wrap(f->kind), recip_columns(f, base, env),
		                               AT(base, f->ofs, struct rop_recipient_rows));
	case FK_READ_STATES:
		return rop_pull_message_read_states(
		    p, AT(base, f->ofs, struct rop_message_read_states));
	case FK_LTID_RANGES:
		return rop_pull_long_term_id_ranges(
		    p, AT(base, f->ofs, struct rop_long_term_id_ranges));
	case FK_FLAGGED_VALS16:
		return pull_flagged_vals(p, AT(base, f->ofs, struct rop_flagged_vals_array));
	case FK_CLIENTDATA:
		cd = AT(base, f->ofs, struct rop_client_data);
		cd->present = env != NULL && env->public_logon;
		if (!cd->present)
			return ROP_OK;
		const uint8_t *b;
		ROP_CHECK(rop_pull_ref(p, sizeof(cd->data), &b));
		memcpy(cd->data, b, sizeof(cd->data));
		return ROP_OK;
	case FK_BACKOFF_ROPS:
		return pull_backoff(p, AT(base, f->ofs, struct rop_backoff_rops));
	case FK_NOTIF:
		return notif_pull(p, env != NULL ? env->columns : NULL,
		                  AT(base, f->ofs, struct notif_data));
	default:
		return rop_fields_pull_rows(p, f, base, env);
	}
}

bool rop_field_cond_holds(const struct rop_field *f, const void *base)
{
	switch (f->kind) {
	case FK_IF_U8_NZ:
		return *CAT(base, f->ofs, uint8_t) != 0;
	case FK_IF_U8_Z:
		return *CAT(base, f->ofs, uint8_t) == 0;
	case FK_IF_U8_BIT:
		return (*CAT(base, f->ofs, uint8_t) & f->val) != 0;
	case FK_IF_U8_NOBIT:
		return (*CAT(base, f->ofs, uint8_t) & f->val) == 0;
	case FK_IF_U16_EQ:
		return *CAT(base, f->ofs, uint16_t) == f->val;
	case FK_IF_U32_EQ:
		return *CAT(base, f->ofs, uint32_t) == f->val;
	default: /* FK_IF_U32_NZ */
		return *CAT(base, f->ofs, uint32_t) != 0;
	}
}

static bool is_cond(uint8_t kind)
{
	return kind >= FK_IF_U8_NZ;
}

static enum rop_err pull_one(struct rop_pull *p, const struct rop_field *f, void *base,
                             const struct rop_field_env *env)
{
	switch (f->kind) {
	case FK_U8:
	case FK_U16:
	case FK_U32:
	case FK_U64:
	case FK_GUID:
	case FK_LTID:
	case FK_BYTES:
	case FK_U64ARR:
		return pull_scalar(p, f, base);
	case FK_ASCIIZ:
	case FK_ASCIIZ_SIZE16:
	case FK_ASCIIZ_SIZE8:
	case FK_STRZ_SEL:
		return pull_string(p, f, base);
	case FK_BIN16:
	case FK_BIN32:
	case FK_REST:
		return pull_bins(p, f, base);
	case FK_TAGS16:
	case FK_PROPIDS16:
	case FK_PROBLEMS16:
	case FK_TVALS16:
	case FK_TVALS_SIZED16:
	case FK_RES_SIZED16:
	case FK_SORTS:
		return pull_props(p, f, base);
	default:
		return pull_other(p, f, base, env);
	}
}

enum rop_err rop_fields_pull(struct rop_pull *p, const struct rop_field *f, void *base,
                             const struct rop_field_env *env)
{
	for (; f != NULL && f->kind != FK_END; f++) {
		if (is_cond(f->kind)) {
			if (!rop_field_cond_holds(f, base))
				f += f->aux;
			continue;
		}
		ROP_CHECK(pull_one(p, f, base, env));
	}
	return ROP_OK;
}

/* ---- encoding ---- */

static enum rop_err push_bin16(struct rop_push *p, const struct mapi_binary *b)
{
	if (b->len > UINT16_MAX)
		return ROP_E_TOO_BIG;
	if (b->len > 0 && b->data == NULL)
		return ROP_E_INVALID;
	ROP_CHECK(rop_push_u16(p, (uint16_t)b->len));
	return rop_push_bytes(p, b->data, b->len);
}

/* Writes a u16 size placeholder; finish_size16 fills it in. */
static enum rop_err start_size16(struct rop_push *p, size_t *at_r)
{
	return rop_push_reserve(p, 2, at_r);
}

static enum rop_err finish_size16(struct rop_push *p, size_t at)
{
	size_t n = p->ofs - at - 2;

	if (n > UINT16_MAX)
		return ROP_E_TOO_BIG;
	rop_push_patch_u16(p, at, (uint16_t)n);
	return ROP_OK;
}

static enum rop_err push_asciiz_sized(struct rop_push *p, const char *s, bool size8)
{
	size_t n = s != NULL ? strlen(s) + 1 : 0;

	if (n > (size8 ? UINT8_MAX : UINT16_MAX))
		return ROP_E_TOO_BIG;
	if (size8)
		ROP_CHECK(rop_push_u8(p, (uint8_t)n));
	else
		ROP_CHECK(rop_push_u16(p, (uint16_t)n));
	return rop_push_bytes(p, s, n);
}

static enum rop_err push_scalar(struct rop_push *p, const struct rop_field *f, const void *base)
{
	switch (f->kind) {
	case FK_U8:
		return rop_push_u8(p, *CAT(base, f->ofs, uint8_t));
	case FK_U16:
		return rop_push_u16(p, *CAT(base, f->ofs, uint16_t));
	case FK_U32:
		return rop_push_u32(p, *CAT(base, f->ofs, uint32_t));
	case FK_U64:
		return rop_push_u64(p, *CAT(base, f->ofs, uint64_t));
	case FK_GUID:
		return rop_push_guid(p, CAT(base, f->ofs, struct mapi_guid));
	case FK_LTID:
		return rop_push_long_term_id(p, CAT(base, f->ofs, struct mapi_long_term_id));
	case FK_BYTES:
		return rop_push_bytes(p, CAT(base, f->ofs, uint8_t), f->aux);
	case FK_U64ARR:
		for (uint16_t i = 0; i < f->aux; i++)
			ROP_CHECK(rop_push_u64(p, CAT(base, f->ofs, uint64_t)[i]));
		return ROP_OK;
	default:
		return ROP_E_UNSUPPORTED;
	}
}

static enum rop_err push_string(struct rop_push *p, const struct rop_field *f, const void *base)
{
	const char *s = *CAT(base, f->ofs, char *);

	switch (f->kind) {
	case FK_ASCIIZ:
		return s != NULL ? rop_push_asciiz(p, s) : ROP_E_INVALID;
	case FK_ASCIIZ_SIZE16:
		return push_asciiz_sized(p, s, false);
	case FK_ASCIIZ_SIZE8:
		return push_asciiz_sized(p, s, true);
	case FK_STRZ_SEL:
		if (s == NULL)
			return ROP_E_INVALID;
		if (*CAT(base, f->aux, uint8_t) != 0)
			return rop_push_utf16z(p, s);
		return rop_push_asciiz(p, s);
	default:
		return ROP_E_UNSUPPORTED;
	}
}

static enum rop_err push_bins(struct rop_push *p, const struct rop_field *f, const void *base)
{
	const struct mapi_binary *b = CAT(base, f->ofs, struct mapi_binary);

	if (b->len > 0 && b->data == NULL)
		return ROP_E_INVALID;
	if (f->kind == FK_BIN16)
		return push_bin16(p, b);
	if (f->kind == FK_BIN32)
		ROP_CHECK(rop_push_u32(p, b->len));
	return rop_push_bytes(p, b->data, b->len);
}

static enum rop_err push_tvals(struct rop_push *p, const struct mapi_propval_array *a)
{
	if (a->count > UINT16_MAX)
		return ROP_E_TOO_BIG;
	ROP_CHECK(rop_push_u16(p, (uint16_t)a->count));
	for (uint32_t i = 0; i < a->count; i++)
		ROP_CHECK(rop_push_tagged_propval(p, ROP_COUNT_WIDTH_ROP, &a->vals[i]));
	return ROP_OK;
}

static enum rop_err push_props(struct rop_push *p, const struct rop_field *f, const void *base)
{
	size_t at;

	switch (f->kind) {
	case FK_TAGS16:
		return rop_push_proptag_array(p, ROP_COUNT_WIDTH_ROP,
		                              CAT(base, f->ofs, struct mapi_proptag_array));
	case FK_PROPIDS16:
		return rop_push_propid_array(p, CAT(base, f->ofs, struct rop_propid_array));
	case FK_PROBLEMS16:
		return rop_push_property_problems(
		    p, CAT(base, f->ofs, struct rop_property_problem_array));
	case FK_TVALS16:
		return push_tvals(p, CAT(base, f->ofs, struct mapi_propval_array));
	case FK_TVALS_SIZED16:
		ROP_CHECK(start_size16(p, &at));
		ROP_CHECK(push_tvals(p, CAT(base, f->ofs, struct mapi_propval_array)));
		return finish_size16(p, at);
	case FK_RES_SIZED16: {
		const struct mapi_restriction *r = *CAT(base, f->ofs, struct mapi_restriction *);
		ROP_CHECK(start_size16(p, &at));
		if (r != NULL)
			ROP_CHECK(rop_push_restriction(p, ROP_COUNT_WIDTH_ROP, r));
		return finish_size16(p, at);
	}
	case FK_SORTS:
		return rop_push_sort_order_set(p, CAT(base, f->ofs, struct mapi_sort_order_set));
	default:
		return ROP_E_UNSUPPORTED;
	}
}

static enum rop_err push_id_lists(struct rop_push *p, const struct rop_field *f, const void *base)
{
	if (f->kind == FK_IDS16) {
		const struct rop_id_array *a = CAT(base, f->ofs, struct rop_id_array);
		ROP_CHECK(rop_push_u16(p, a->count));
		for (uint16_t i = 0; i < a->count; i++)
			ROP_CHECK(rop_push_u64(p, a->ids[i]));
		return ROP_OK;
	}
	if (f->kind == FK_U32S16) {
		const struct rop_u32_array *a = CAT(base, f->ofs, struct rop_u32_array);
		ROP_CHECK(rop_push_u16(p, a->count));
		for (uint16_t i = 0; i < a->count; i++)
			ROP_CHECK(rop_push_u32(p, a->vals[i]));
		return ROP_OK;
	}
	if (f->kind == FK_LTIDS16) {
		const struct rop_ltid_array *a = CAT(base, f->ofs, struct rop_ltid_array);
		ROP_CHECK(rop_push_u16(p, a->count));
		for (uint16_t i = 0; i < a->count; i++)
			ROP_CHECK(rop_push_long_term_id(p, &a->ltids[i]));
		return ROP_OK;
	}
	const struct rop_property_name_array *a = CAT(base, f->ofs, struct rop_property_name_array);
	ROP_CHECK(rop_push_u16(p, a->count));
	for (uint16_t i = 0; i < a->count; i++)
		ROP_CHECK(rop_push_property_name(p, &a->names[i]));
	return ROP_OK;
}

static enum rop_err push_strs(struct rop_push *p, const struct rop_string_array *a)
{
	for (uint16_t i = 0; i < a->count; i++) {
		if (a->strs[i] == NULL)
			return ROP_E_INVALID;
		ROP_CHECK(rop_push_asciiz(p, a->strs[i]));
	}
	return ROP_OK;
}

static enum rop_err push_typedstr(struct rop_push *p, const struct rop_typed_string *s)
{
	ROP_CHECK(rop_push_u8(p, s->type));
	switch (s->type) {
	case 0x00:
	case 0x01:
		return ROP_OK;
	case 0x02:
	case 0x03:
		return s->str != NULL ? rop_push_asciiz(p, s->str) : ROP_E_INVALID;
	case 0x04:
		return s->str != NULL ? rop_push_utf16z(p, s->str) : ROP_E_INVALID;
	default:
		return ROP_E_INVALID;
	}
}

static enum rop_err push_other(struct rop_push *p, const struct rop_field *f, const void *base,
                               const struct rop_field_env *env)
{
	size_t at;

	switch (f->kind) {
	case FK_IDS16:
	case FK_U32S16:
	case FK_LTIDS16:
	case FK_NAMES16:
		return push_id_lists(p, f, base);
	case FK_IDS_NAMES: {
		const struct rop_ids_names *a = CAT(base, f->ofs, struct rop_ids_names);
		ROP_CHECK(rop_push_u16(p, a->count));
		for (uint16_t i = 0; i < a->count; i++)
			ROP_CHECK(rop_push_u16(p, a->ids[i]));
		for (uint16_t i = 0; i < a->count; i++)
			ROP_CHECK(rop_push_property_name(p, &a->names[i]));
		return ROP_OK;
	}
	case FK_STRS: {
		const struct rop_string_array *a = CAT(base, f->ofs, struct rop_string_array);
		if (a->count != *CAT(base, f->aux, uint16_t))
			return ROP_E_INVALID;
		return push_strs(p, a);
	}
	case FK_STRS_SIZED: {
		const struct rop_string_array *a = CAT(base, f->ofs, struct rop_string_array);
		ROP_CHECK(rop_push_u16(p, a->count));
		ROP_CHECK(start_size16(p, &at));
		ROP_CHECK(push_strs(p, a));
		return finish_size16(p, at);
	}
	case FK_TYPEDSTR:
		return push_typedstr(p, CAT(base, f->ofs, struct rop_typed_string));
	case FK_RECIP_OPEN8:
	case FK_RECIP_READ8:
	case FK_RECIP_MOD16:
		return rop_push_recipient_rows(p, recip_wrap(f->kind), recip_columns(f, base, env),
		                               CAT(base, f->ofs, struct rop_recipient_rows));
	case FK_READ_STATES:
		return rop_push_message_read_states(
		    p, CAT(base, f->ofs, struct rop_message_read_states));
	case FK_LTID_RANGES:
		return rop_push_long_term_id_ranges(
		    p, CAT(base, f->ofs, struct rop_long_term_id_ranges));
	case FK_FLAGGED_VALS16: {
		const struct rop_flagged_vals_array *a =
		    CAT(base, f->ofs, struct rop_flagged_vals_array);
		ROP_CHECK(rop_push_u16(p, a->count));
		for (uint16_t i = 0; i < a->count; i++) {
			ROP_CHECK(rop_push_u8(p, a->items[i].flags));
			ROP_CHECK(push_tvals(p, &a->items[i].vals));
		}
		return ROP_OK;
	}
	case FK_CLIENTDATA: {
		const struct rop_client_data *cd = CAT(base, f->ofs, struct rop_client_data);
		return cd->present ? rop_push_bytes(p, cd->data, sizeof(cd->data)) : ROP_OK;
	}
	case FK_BACKOFF_ROPS: {
		const struct rop_backoff_rops *a = CAT(base, f->ofs, struct rop_backoff_rops);
		ROP_CHECK(rop_push_u8(p, a->count));
		for (uint8_t i = 0; i < a->count; i++) {
			ROP_CHECK(rop_push_u8(p, a->rops[i].rop_id));
			ROP_CHECK(rop_push_u32(p, a->rops[i].duration));
		}
		return ROP_OK;
	}
	case FK_NOTIF:
		return notif_push(p, env != NULL ? env->columns : NULL,
		                  CAT(base, f->ofs, struct notif_data));
	default:
		return rop_fields_push_rows(p, f, base, env);
	}
}

static enum rop_err push_one(struct rop_push *p, const struct rop_field *f, const void *base,
                             const struct rop_field_env *env)
{
	switch (f->kind) {
	case FK_U8:
	case FK_U16:
	case FK_U32:
	case FK_U64:
	case FK_GUID:
	case FK_LTID:
	case FK_BYTES:
	case FK_U64ARR:
		return push_scalar(p, f, base);
	case FK_ASCIIZ:
	case FK_ASCIIZ_SIZE16:
	case FK_ASCIIZ_SIZE8:
	case FK_STRZ_SEL:
		return push_string(p, f, base);
	case FK_BIN16:
	case FK_BIN32:
	case FK_REST:
		return push_bins(p, f, base);
	case FK_TAGS16:
	case FK_PROPIDS16:
	case FK_PROBLEMS16:
	case FK_TVALS16:
	case FK_TVALS_SIZED16:
	case FK_RES_SIZED16:
	case FK_SORTS:
		return push_props(p, f, base);
	default:
		return push_other(p, f, base, env);
	}
}

enum rop_err rop_fields_push(struct rop_push *p, const struct rop_field *f, const void *base,
                             const struct rop_field_env *env)
{
	for (; f != NULL && f->kind != FK_END; f++) {
		if (is_cond(f->kind)) {
			if (!rop_field_cond_holds(f, base))
				f += f->aux;
			continue;
		}
		ROP_CHECK(push_one(p, f, base, env));
	}
	return ROP_OK;
}
