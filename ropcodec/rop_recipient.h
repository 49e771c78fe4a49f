/*
 * rop_recipient: the RecipientRow structure of [MS-OXCDATA] 2.8.3, which
 * RopOpenMessage, RopReadRecipients, RopModifyRecipients,
 * RopReloadCachedInformation and RopOpenEmbeddedMessage carry.
 *
 * A RecipientRow is three parts: RecipientFlags (2.8.3.1), the standard
 * fields those flags select, and RecipientProperties, a PropertyRow
 * ([MS-OXCDATA] 2.8.1) in the first RecipientColumnCount columns of the
 * RecipientColumns the ROP gives elsewhere.  So both directions take those
 * columns: the ROP's own RecipientColumns for RopOpenMessage,
 * RopOpenEmbeddedMessage, RopReloadCachedInformation and
 * RopModifyRecipients (rop_fields.c reads them from the same body), the
 * columns of the decode / encode context for RopReadRecipients (the
 * RecipientColumns of the RopOpenMessage that opened the message).
 *
 * Strings are UTF-8 when the U flag is set (UTF-16LE on the wire); without
 * it they are the 8-bit bytes of the wire, in the connection's code page
 * ([MS-OXCDATA] 2.8.3.1 U), which the caller converts.  X500DN is always
 * 8-bit.  Decoding keeps every field and bit, so encoding what was decoded
 * gives the same bytes back.
 */
#ifndef ROP_RECIPIENT_H
#define ROP_RECIPIENT_H

#include "rop_propval.h"

/* [MS-OXCDATA] 2.8.3.1 RecipientFlags, as the little-endian 16-bit value:
 * the low byte is R S T D E Type(3), the high byte O Reserved(4) I U N,
 * each byte most significant bit first. */
#define ROP_RECIP_TYPE_MASK 0x0007u
#define ROP_RECIP_E         0x0008u /* EmailAddress present */
#define ROP_RECIP_D         0x0010u /* DisplayName present */
#define ROP_RECIP_T         0x0020u /* TransmittableDisplayName present */
#define ROP_RECIP_S         0x0040u /* TransmittableDisplayName same as DisplayName */
#define ROP_RECIP_R         0x0080u /* another transport is responsible for delivery */
#define ROP_RECIP_N         0x0100u /* the recipient does not take rich text */
#define ROP_RECIP_U         0x0200u /* strings are UTF-16LE, else 8-bit */
#define ROP_RECIP_I         0x0400u /* SimpleDisplayName present */
#define ROP_RECIP_RESERVED  0x7800u /* the server sets them to 0 */
#define ROP_RECIP_O         0x8000u /* non-standard address type: AddressType present */

/* [MS-OXCDATA] 2.8.3.1 Type */
enum rop_recip_type {
	ROP_RECIP_NOTYPE = 0x0,
	ROP_RECIP_X500DN = 0x1,
	ROP_RECIP_MSMAIL = 0x2,
	ROP_RECIP_SMTP = 0x3,
	ROP_RECIP_FAX = 0x4,
	ROP_RECIP_PROFS = 0x5, /* ProfessionalOfficeSystem */
	ROP_RECIP_PDL1 = 0x6,  /* PersonalDistributionList1 */
	ROP_RECIP_PDL2 = 0x7,  /* PersonalDistributionList2 */
};

/* [MS-OXCDATA] 2.8.3.2 RecipientRow.  Which fields travel follows flags
 * alone: a field the flags select must be set (non-NULL) to encode. */
struct rop_recipient {
	uint16_t flags; /* RecipientFlags */
	/* Type X500DN: the DN without its first address_prefix_used bytes,
	 * which are those of the DN prefix both sides know */
	uint8_t address_prefix_used;
	uint8_t display_type;
	char *x500dn;
	/* Type PersonalDistributionList1/2 */
	struct mapi_binary entry_id;
	struct mapi_binary search_key;
	char *address_type;               /* Type NoType with O */
	char *email_address;              /* E */
	char *display_name;               /* D */
	char *simple_display_name;        /* I */
	char *transmittable_display_name; /* T */
	/* RecipientColumnCount is props.vals.count: the values of the first
	 * that many RecipientColumns */
	struct rop_property_row props;
};

/* One RecipientRow filling the cursor's bytes up to where it ends;
 * columns are the ROP's RecipientColumns (NULL: none known, so a row with
 * RecipientColumnCount > 0 answers ROP_E_UNSUPPORTED).  Values are
 * allocated on the rop_pull's mem_ctx.  ROP_E_INVALID when
 * RecipientColumnCount exceeds the columns or a string is malformed. */
enum rop_err rop_pull_recipient(struct rop_pull *p, const struct mapi_proptag_array *columns,
                                struct rop_recipient *r);
/* Encodes r over columns; ROP_E_INVALID when a field its flags select is
 * NULL or it has more property values than columns. */
enum rop_err rop_push_recipient(struct rop_push *p, const struct mapi_proptag_array *columns,
                                const struct rop_recipient *r);

/* A RecipientRow ([MS-OXCDATA] 2.8.3) with the fields the ROP puts around
 * it: OpenRecipientRow, ReadRecipientRow, ModifyRecipientRow
 * ([MS-OXCROPS] 2.2.6.1.2.1, 2.2.6.6.2.1, 2.2.6.5.1.1).  Which wrapper
 * fields travel depends on the ROP. */
struct rop_recipient_row {
	uint32_t row_id;        /* ModifyRecipients, ReadRecipients */
	uint8_t recipient_type; /* all */
	uint16_t code_page_id;  /* OpenMessage, ReadRecipients */
	uint16_t reserved;      /* OpenMessage, ReadRecipients */
	/* RecipientRowSize + RecipientRow; NULL for RecipientRowSize 0, which
	 * only RopModifyRecipients allows (the recipient is removed,
	 * [MS-OXCMSG] 3.2.5.5) */
	struct rop_recipient *row;
};
struct rop_recipient_rows {
	uint16_t count;
	struct rop_recipient_row *rows;
};

/* Which ROP wraps the rows: OpenRecipientRow (RopOpenMessage,
 * RopOpenEmbeddedMessage, RopReloadCachedInformation; u8 count),
 * ReadRecipientRow (RopReadRecipients; u8 count), ModifyRecipientRow
 * (RopModifyRecipients; u16 count). */
enum rop_recipient_wrap {
	ROP_RECIP_WRAP_OPEN,
	ROP_RECIP_WRAP_READ,
	ROP_RECIP_WRAP_MODIFY,
};

/* The RowCount and rows of a ROP body, the RecipientRows over columns
 * (as rop_pull_recipient). */
enum rop_err rop_pull_recipient_rows(struct rop_pull *p, enum rop_recipient_wrap wrap,
                                     const struct mapi_proptag_array *columns,
                                     struct rop_recipient_rows *a);
enum rop_err rop_push_recipient_rows(struct rop_push *p, enum rop_recipient_wrap wrap,
                                     const struct mapi_proptag_array *columns,
                                     const struct rop_recipient_rows *a);

#endif
