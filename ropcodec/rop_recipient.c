/* RecipientRow, [MS-OXCDATA] 2.8.3: see rop_recipient.h. */
#include "rop_recipient.h"

#include <stddef.h>
#include <string.h>

static enum rop_err pull_str(struct rop_pull *p, bool unicode, char **s_r)
{
	return unicode ? rop_pull_utf16z(p, s_r) : rop_pull_asciiz(p, s_r);
}

static enum rop_err push_str(struct rop_push *p, bool unicode, const char *s)
{
	if (s == NULL)
		return ROP_E_INVALID;
	return unicode ? rop_push_utf16z(p, s) : rop_push_asciiz(p, s);
}

static enum rop_err pull_bin16(struct rop_pull *p, struct mapi_binary *b)
{
	uint16_t n;

	ROP_CHECK(rop_pull_u16(p, &n));
	b->len = n;
	b->data = NULL;
	return n > 0 ? rop_pull_bytes(p, n, &b->data) : ROP_OK;
}

static enum rop_err push_bin16(struct rop_push *p, const struct mapi_binary *b)
{
	if (b->len > UINT16_MAX || (b->len > 0 && b->data == NULL))
		return ROP_E_INVALID;
	ROP_CHECK(rop_push_u16(p, (uint16_t)b->len));
	return rop_push_bytes(p, b->data, b->len);
}

/* [MS-OXCDATA] 2.8.3.2: AddressPrefixUsed, DisplayType and X500DN only
 * with Type X500DN; EntryIdSize, EntryID, SearchKeySize and SearchKey only
 * with Type PersonalDistributionList1/2; AddressType only with Type NoType
 * and the O flag. */
static enum rop_err pull_type_fields(struct rop_pull *p, struct rop_recipient *r)
{
	unsigned type = r->flags & ROP_RECIP_TYPE_MASK;

	if (type == ROP_RECIP_X500DN) {
		ROP_CHECK(rop_pull_u8(p, &r->address_prefix_used));
		ROP_CHECK(rop_pull_u8(p, &r->display_type));
		ROP_CHECK(rop_pull_asciiz(p, &r->x500dn));
	} else if (type == ROP_RECIP_PDL1 || type == ROP_RECIP_PDL2) {
		ROP_CHECK(pull_bin16(p, &r->entry_id));
		ROP_CHECK(pull_bin16(p, &r->search_key));
	} else if (type == ROP_RECIP_NOTYPE && (r->flags & ROP_RECIP_O) != 0) {
		ROP_CHECK(pull_str(p, (r->flags & ROP_RECIP_U) != 0, &r->address_type));
	}
	return ROP_OK;
}

static enum rop_err push_type_fields(struct rop_push *p, const struct rop_recipient *r)
{
	unsigned type = r->flags & ROP_RECIP_TYPE_MASK;

	if (type == ROP_RECIP_X500DN) {
		ROP_CHECK(rop_push_u8(p, r->address_prefix_used));
		ROP_CHECK(rop_push_u8(p, r->display_type));
		return push_str(p, false, r->x500dn);
	}
	if (type == ROP_RECIP_PDL1 || type == ROP_RECIP_PDL2) {
		ROP_CHECK(push_bin16(p, &r->entry_id));
		return push_bin16(p, &r->search_key);
	}
	if (type == ROP_RECIP_NOTYPE && (r->flags & ROP_RECIP_O) != 0)
		return push_str(p, (r->flags & ROP_RECIP_U) != 0, r->address_type);
	return ROP_OK;
}

/* The optional strings in their [MS-OXCDATA] 2.8.3.2 order. */
#define STRING_COUNT 4
static const uint16_t string_flags[STRING_COUNT] = {ROP_RECIP_E, ROP_RECIP_D, ROP_RECIP_I,
                                                    ROP_RECIP_T};

static const size_t string_ofs[STRING_COUNT] = {
    offsetof(struct rop_recipient, email_address),
    offsetof(struct rop_recipient, display_name),
    offsetof(struct rop_recipient, simple_display_name),
    offsetof(struct rop_recipient, transmittable_display_name),
};
/* Through void *: the offsets come from offsetof, so the field is aligned. */
#define STRING_AT(r, i)  ((char **)(void *)((char *)(r) + string_ofs[i]))
#define CSTRING_AT(r, i) (*(char *const *)(const void *)((const char *)(r) + string_ofs[i]))

enum rop_err rop_pull_recipient(struct rop_pull *p, const struct mapi_proptag_array *columns,
                                struct rop_recipient *r)
{
	static const struct mapi_proptag_array none = {0, NULL};
	struct mapi_proptag_array used;
	uint16_t count;

	memset(r, 0, sizeof(*r));
	ROP_CHECK(rop_pull_u16(p, &r->flags));
	ROP_CHECK(pull_type_fields(p, r));
	for (unsigned i = 0; i < STRING_COUNT; i++) {
		if ((r->flags & string_flags[i]) != 0)
			ROP_CHECK(pull_str(p, (r->flags & ROP_RECIP_U) != 0, STRING_AT(r, i)));
	}
	/* RecipientColumnCount: the first columns of RecipientColumns */
	ROP_CHECK(rop_pull_u16(p, &count));
	if (columns == NULL)
		columns = &none;
	if (count > columns->count)
		return columns == &none ? ROP_E_UNSUPPORTED : ROP_E_INVALID;
	used.count = count;
	used.tags = columns->tags;
	return rop_pull_property_row(p, &used, ROP_COUNT_WIDTH_ROP, &r->props);
}

enum rop_err rop_push_recipient(struct rop_push *p, const struct mapi_proptag_array *columns,
                                const struct rop_recipient *r)
{
	struct mapi_proptag_array used;
	uint32_t count = r->props.vals.count;

	if (count > UINT16_MAX || count > (columns != NULL ? columns->count : 0))
		return ROP_E_INVALID;
	ROP_CHECK(rop_push_u16(p, r->flags));
	ROP_CHECK(push_type_fields(p, r));
	for (unsigned i = 0; i < STRING_COUNT; i++) {
		if ((r->flags & string_flags[i]) != 0)
			ROP_CHECK(push_str(p, (r->flags & ROP_RECIP_U) != 0, CSTRING_AT(r, i)));
	}
	ROP_CHECK(rop_push_u16(p, (uint16_t)count));
	used.count = count;
	used.tags = count > 0 ? columns->tags : NULL;
	return rop_push_property_row(p, &used, ROP_COUNT_WIDTH_ROP, &r->props);
}

/* [MS-OXCROPS] 2.2.6.1.2.1 OpenRecipientRow, 2.2.6.6.2.1 ReadRecipientRow,
 * 2.2.6.5.1.1 ModifyRecipientRow: RecipientRowSize bytes hold exactly one
 * RecipientRow. */
static enum rop_err pull_wrapped(struct rop_pull *p, enum rop_recipient_wrap wrap,
                                 const struct mapi_proptag_array *columns,
                                 struct rop_recipient_row *r)
{
	struct rop_pull sub;
	uint16_t size;
	const uint8_t *b;

	if (wrap != ROP_RECIP_WRAP_OPEN)
		ROP_CHECK(rop_pull_u32(p, &r->row_id));
	ROP_CHECK(rop_pull_u8(p, &r->recipient_type));
	if (wrap != ROP_RECIP_WRAP_MODIFY) {
		ROP_CHECK(rop_pull_u16(p, &r->code_page_id));
		ROP_CHECK(rop_pull_u16(p, &r->reserved));
	}
	ROP_CHECK(rop_pull_u16(p, &size));
	r->row = NULL;
	if (size == 0) /* [MS-OXCMSG] 3.2.5.5: the recipient is removed */
		return wrap == ROP_RECIP_WRAP_MODIFY ? ROP_OK : ROP_E_INVALID;
	ROP_CHECK(rop_pull_ref(p, size, &b));
	r->row = talloc_zero(p->mem_ctx, struct rop_recipient);
	if (r->row == NULL)
		return ROP_E_NOMEM;
	rop_pull_init(&sub, p->mem_ctx, b, size);
	ROP_CHECK(rop_pull_recipient(&sub, columns, r->row));
	return rop_pull_left(&sub) == 0 ? ROP_OK : ROP_E_TRAILING;
}

enum rop_err rop_pull_recipient_rows(struct rop_pull *p, enum rop_recipient_wrap wrap,
                                     const struct mapi_proptag_array *columns,
                                     struct rop_recipient_rows *a)
{
	uint16_t n;

	a->count = 0;
	a->rows = NULL;
	if (wrap == ROP_RECIP_WRAP_MODIFY) {
		ROP_CHECK(rop_pull_u16(p, &n));
	} else {
		uint8_t n8;
		ROP_CHECK(rop_pull_u8(p, &n8));
		n = n8;
	}
	/* each row takes at least its RecipientType and RecipientRowSize */
	ROP_CHECK(rop_pull_check_count(p, n, 3));
	if (n == 0)
		return ROP_OK;
	a->rows = talloc_zero_array(p->mem_ctx, struct rop_recipient_row, n);
	if (a->rows == NULL)
		return ROP_E_NOMEM;
	a->count = n;
	for (uint16_t i = 0; i < n; i++)
		ROP_CHECK(pull_wrapped(p, wrap, columns, &a->rows[i]));
	return ROP_OK;
}

enum rop_err rop_push_recipient_rows(struct rop_push *p, enum rop_recipient_wrap wrap,
                                     const struct mapi_proptag_array *columns,
                                     const struct rop_recipient_rows *a)
{
	size_t at;

	if (wrap == ROP_RECIP_WRAP_MODIFY) {
		ROP_CHECK(rop_push_u16(p, a->count));
	} else {
		if (a->count > UINT8_MAX)
			return ROP_E_TOO_BIG;
		ROP_CHECK(rop_push_u8(p, (uint8_t)a->count));
	}
	for (uint16_t i = 0; i < a->count; i++) {
		const struct rop_recipient_row *r = &a->rows[i];
		if (r->row == NULL && wrap != ROP_RECIP_WRAP_MODIFY)
			return ROP_E_INVALID;
		if (wrap != ROP_RECIP_WRAP_OPEN)
			ROP_CHECK(rop_push_u32(p, r->row_id));
		ROP_CHECK(rop_push_u8(p, r->recipient_type));
		if (wrap != ROP_RECIP_WRAP_MODIFY) {
			ROP_CHECK(rop_push_u16(p, r->code_page_id));
			ROP_CHECK(rop_push_u16(p, r->reserved));
		}
		ROP_CHECK(rop_push_reserve(p, 2, &at));
		if (r->row != NULL)
			ROP_CHECK(rop_push_recipient(p, columns, r->row));
		if (p->ofs - at - 2 > UINT16_MAX)
			return ROP_E_TOO_BIG;
		rop_push_patch_u16(p, at, (uint16_t)(p->ofs - at - 2));
	}
	return ROP_OK;
}
