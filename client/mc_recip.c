/*
 * mc_recip: the client's view of a RecipientRow ([MS-OXCDATA] 2.8.3): the
 * row RopModifyRecipients sends for an SMTP recipient, and struct
 * mc_recipient from the rows RopOpenMessage / RopReadRecipients carry.
 * The codec (rop_recipient.h) encodes and decodes the rows themselves.
 */
#include <string.h>

#include "mc_message.h"

int mc_recip_row_build(TALLOC_CTX *mem_ctx, const char *address, const char *display_name,
                       const struct mapi_proptag_array *columns,
                       const struct mapi_propval_array *props, struct rop_recipient **row_r)
{
	struct rop_recipient *r;
	struct rop_push p;
	enum rop_err err;

	*row_r = NULL;
	if (props->count != columns->count)
		return -1;
	r = talloc_zero(mem_ctx, struct rop_recipient);
	if (r == NULL)
		return -1;
	r->flags = ROP_RECIP_SMTP | ROP_RECIP_E | ROP_RECIP_U;
	r->email_address = talloc_strdup(r, address);
	/* The transmittable name is sent as its own field (T) rather than
	 * as "same as DisplayName" (S): both are valid, T is unambiguous. */
	if (display_name != NULL) {
		r->flags |= ROP_RECIP_D | ROP_RECIP_T;
		r->display_name = talloc_strdup(r, display_name);
		r->transmittable_display_name = r->display_name;
	}
	r->props.vals = *props;
	r->props.flag = rop_property_row_flag(columns, props);
	/* the same check the request's encoding makes, so that a value that
	 * does not encode is refused here, with the recipient at hand */
	rop_push_init_growable(&p, r);
	err = rop_push_recipient(&p, columns, r);
	talloc_free(p.data);
	if (err != ROP_OK || r->email_address == NULL ||
	    (display_name != NULL && r->display_name == NULL)) {
		talloc_free(r);
		return -1;
	}
	*row_r = r;
	return 0;
}

static const char *type_name(unsigned type)
{
	/* [MS-OXCDATA] 2.8.3.1 Type, as the address types they stand for */
	static const char *const names[] = {NULL,  "EX",    "MSMAIL",  "SMTP",
	                                    "FAX", "PROFS", "MAPIPDL", "MAPIPDL"};
	return names[type & ROP_RECIP_TYPE_MASK];
}

int mc_recip_row_parse(TALLOC_CTX *mem_ctx, const struct rop_recipient *row,
                       struct mc_recipient *r_r)
{
	unsigned type = row->flags & ROP_RECIP_TYPE_MASK;

	memset(r_r, 0, sizeof(*r_r));
	r_r->flags = row->flags;
	if (type == ROP_RECIP_NOTYPE && (row->flags & ROP_RECIP_O) != 0)
		r_r->address_type = row->address_type;
	else if (type_name(type) != NULL)
		r_r->address_type = talloc_strdup(mem_ctx, type_name(type));
	/* EmailAddress, or the X500DN of an X500DN row */
	r_r->email = (row->flags & ROP_RECIP_E) != 0 ? row->email_address
	             : type == ROP_RECIP_X500DN      ? row->x500dn
	                                             : NULL;
	r_r->display_name = (row->flags & ROP_RECIP_D) != 0 ? row->display_name : NULL;
	r_r->simple_name = (row->flags & ROP_RECIP_I) != 0 ? row->simple_display_name : NULL;
	r_r->transmittable =
	    (row->flags & ROP_RECIP_T) != 0 ? row->transmittable_display_name : NULL;
	/* [MS-OXCDATA] 2.8.3.1 S: the transmittable name is the display name */
	if ((row->flags & ROP_RECIP_S) != 0 && r_r->transmittable == NULL)
		r_r->transmittable = r_r->display_name;
	r_r->props = row->props.vals;
	return type_name(type) != NULL && r_r->address_type == NULL ? -1 : 0;
}
