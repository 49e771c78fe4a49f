/*
 * mc_recip: the RecipientRow of [MS-OXCDATA] 2.8.3, built for
 * RopModifyRecipients and parsed from RopOpenMessage / RopReadRecipients.
 */
#include <string.h>

#include "mc_message.h"
#include "rop_propval.h"

/* [MS-OXCDATA] 2.8.3.1 RecipientFlags: the low byte is R S T D E Type(3),
 * the high byte O Reserved(4) I U N, each byte most significant bit first. */
#define RF_TYPE_MASK 0x0007
#define RF_E         0x0008 /* EmailAddress present */
#define RF_D         0x0010 /* DisplayName present */
#define RF_T         0x0020 /* TransmittableDisplayName present */
#define RF_S         0x0040 /* TransmittableDisplayName same as DisplayName */
#define RF_I         0x0400 /* SimpleDisplayName present */
#define RF_U         0x0200 /* strings are UTF-16LE */
#define RF_O         0x8000 /* Type outside the standard set: AddressType present */

/* The Type values of 2.8.3.1 */
#define RT_NONE   0x0
#define RT_X500DN 0x1
#define RT_SMTP   0x3
#define RT_PDL1   0x6
#define RT_PDL2   0x7

int mc_recip_row_build(TALLOC_CTX *mem_ctx, const char *address, const char *display_name,
                       const struct mapi_proptag_array *columns,
                       const struct mapi_propval_array *props, struct mapi_binary *row_r)
{
	struct rop_push p;
	uint16_t flags = RT_SMTP | RF_E | RF_U;
	/* The transmittable name is sent as its own field (T) rather than
	 * as "same as DisplayName" (S): both are valid, T is unambiguous. */
	if (display_name != NULL)
		flags |= RF_D | RF_T;
	if (props->count != columns->count)
		return -1;
	rop_push_init_growable(&p, mem_ctx);
	struct rop_property_row row = {.flag = rop_property_row_flag(columns, props),
	                               .vals = *props};
	if (rop_push_u16(&p, flags) != ROP_OK || rop_push_utf16z(&p, address) != ROP_OK ||
	    (display_name != NULL && (rop_push_utf16z(&p, display_name) != ROP_OK ||
	                              rop_push_utf16z(&p, display_name) != ROP_OK)) ||
	    rop_push_u16(&p, (uint16_t)columns->count) != ROP_OK ||
	    rop_push_property_row(&p, columns, ROP_COUNT_WIDTH_ROP, &row) != ROP_OK)
		return -1;
	row_r->data = p.data;
	row_r->len = (uint32_t)p.ofs;
	return 0;
}

static enum rop_err pull_str(struct rop_pull *p, uint16_t flags, char **s_r)
{
	return (flags & RF_U) ? rop_pull_utf16z(p, s_r) : rop_pull_asciiz(p, s_r);
}

static const char *type_name(unsigned type)
{
	/* [MS-OXCDATA] 2.8.3.1 Type, as the address types they stand for */
	static const char *const names[] = {NULL,  "EX",    "MSMAIL",  "SMTP",
	                                    "FAX", "PROFS", "MAPIPDL", "MAPIPDL"};
	return names[type & RF_TYPE_MASK];
}

/* The fields between RecipientFlags and the strings. */
static enum rop_err pull_type_fields(struct rop_pull *p, uint16_t flags, struct mc_recipient *r)
{
	unsigned type = flags & RF_TYPE_MASK;
	uint8_t u8;
	uint16_t size;
	if (type == RT_X500DN) {
		/* AddressPrefixUsed, DisplayType, X500DN (8-bit) */
		ROP_CHECK(rop_pull_u8(p, &u8));
		ROP_CHECK(rop_pull_u8(p, &u8));
		ROP_CHECK(rop_pull_asciiz(p, &r->email));
	} else if (type == RT_PDL1 || type == RT_PDL2) {
		/* EntryIdSize, EntryID, SearchKeySize, SearchKey */
		for (int i = 0; i < 2; i++) {
			ROP_CHECK(rop_pull_u16(p, &size));
			ROP_CHECK(rop_pull_skip(p, size));
		}
	}
	if (type == RT_NONE && (flags & RF_O))
		ROP_CHECK(pull_str(p, flags, &r->address_type));
	else if (type_name(type) != NULL)
		r->address_type = talloc_strdup(p->mem_ctx, type_name(type));
	return ROP_OK;
}

int mc_recip_row_parse(TALLOC_CTX *mem_ctx, const struct mapi_binary *row,
                       const struct mapi_proptag_array *columns, struct mc_recipient *r_r)
{
	struct rop_pull p;
	uint16_t flags, ncols;
	char *email = NULL;
	memset(r_r, 0, sizeof(*r_r));
	rop_pull_init(&p, mem_ctx, row->data, row->len);
	if (rop_pull_u16(&p, &flags) != ROP_OK || pull_type_fields(&p, flags, r_r) != ROP_OK)
		return -1;
	if (((flags & RF_E) && pull_str(&p, flags, &email) != ROP_OK) ||
	    ((flags & RF_D) && pull_str(&p, flags, &r_r->display_name) != ROP_OK) ||
	    ((flags & RF_I) && pull_str(&p, flags, &r_r->simple_name) != ROP_OK) ||
	    ((flags & RF_T) && pull_str(&p, flags, &r_r->transmittable) != ROP_OK))
		return -1;
	if (email != NULL)
		r_r->email = email;
	if ((flags & RF_S) && r_r->transmittable == NULL && r_r->display_name != NULL)
		r_r->transmittable = talloc_strdup(mem_ctx, r_r->display_name);
	/* RecipientColumnCount: the first columns of RecipientColumns */
	if (rop_pull_u16(&p, &ncols) != ROP_OK || ncols > columns->count)
		return -1;
	struct mapi_proptag_array cols = {ncols, columns->tags};
	struct rop_property_row props;
	if (rop_pull_property_row(&p, &cols, ROP_COUNT_WIDTH_ROP, &props) != ROP_OK ||
	    rop_pull_left(&p) != 0)
		return -1;
	r_r->flags = flags;
	r_r->props = props.vals;
	return 0;
}
