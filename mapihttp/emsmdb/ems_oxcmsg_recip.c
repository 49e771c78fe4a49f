/*
 * Recipients ([MS-OXCMSG] 3.2.5.5 RopModifyRecipients, 3.2.5.6
 * RopReadRecipients) and the RecipientRow structure they carry
 * ([MS-OXCDATA] 2.8.3), mapped to and from the store's recipient
 * property rows.
 *
 * RecipientFlags ([MS-OXCDATA] 2.8.3.1) as a little-endian 16-bit value:
 * Type in bits 0-2, E 0x0008 (EmailAddress), D 0x0010 (DisplayName),
 * T 0x0020 (TransmittableDisplayName), S 0x0040 (TransmittableDisplayName
 * is the same as DisplayName: the field is absent), R 0x0080
 * (Responsibility), N 0x0100 (non-rich), U 0x0200 (strings are UTF-16),
 * I 0x0400 (SimpleDisplayName), O 0x8000 (AddressType present, with
 * Type 0).  The strings follow in the order EmailAddress, DisplayName,
 * SimpleDisplayName, TransmittableDisplayName ([MS-OXCDATA] 2.8.3.2).
 */
#include <string.h>
#include <strings.h>

#include "ems_private.h"

#define RF_TYPE_MASK 0x0007
#define RF_E         0x0008
#define RF_D         0x0010
#define RF_T         0x0020
#define RF_S         0x0040
#define RF_R         0x0080
#define RF_N         0x0100
#define RF_U         0x0200
#define RF_I         0x0400
#define RF_O         0x8000
#define RT_NOTYPE    0
#define RT_X500DN    1
#define RT_SMTP      3
#define RT_PDL1      6
#define RT_PDL2      7

#define PR_ROWID          PROP_TAG(PT_LONG, 0x3000)
#define PR_RECIPIENT_TYPE PROP_TAG(PT_LONG, 0x0C15)
#define PR_ADDRTYPE       PROP_TAG(PT_UNICODE, 0x3002)
#define PR_EMAIL_ADDRESS  PROP_TAG(PT_UNICODE, 0x3003)
#define PR_DISPLAY_NAME   PROP_TAG(PT_UNICODE, 0x3001)
#define PR_DISPLAY_TYPE   PROP_TAG(PT_LONG, 0x3900)
#define PR_SIMPLE_NAME    PROP_TAG(PT_UNICODE, 0x39FF)
#define PR_TRANSMIT_NAME  PROP_TAG(PT_UNICODE, 0x3A20)
#define PR_ENTRYID        PROP_TAG(PT_BINARY, 0x0FFF)
#define PR_SEARCH_KEY     PROP_TAG(PT_BINARY, 0x300B)
#define PR_RESPONSIBILITY PROP_TAG(PT_BOOLEAN, 0x0E0F)
#define PR_SEND_RICH_INFO PROP_TAG(PT_BOOLEAN, 0x3A40)

/* A growing property list. */
struct plist {
	TALLOC_CTX *mem;
	struct mapi_propval_array a;
};

static int plist_add(struct plist *l, const struct mapi_propval *v)
{
	struct mapi_propval *n =
	    talloc_realloc(l->mem, l->a.vals, struct mapi_propval, l->a.count + 1);

	if (n == NULL)
		return -1;
	l->a.vals = n;
	n[l->a.count++] = *v;
	return 0;
}

static int add_str(struct plist *l, uint32_t tag, char *s)
{
	struct mapi_propval v = {.tag = tag};

	v.v.str = s;
	return plist_add(l, &v);
}

static enum rop_err pull_str(struct rop_pull *p, bool unicode, char **s_r)
{
	if (unicode)
		return rop_pull_utf16z(p, s_r);
	ROP_CHECK(rop_pull_asciiz(p, s_r));
	*s_r = ems_str8_to_utf8(p->mem_ctx, *s_r);
	return *s_r != NULL ? ROP_OK : ROP_E_NOMEM;
}

/* The standard fields of a RecipientRow up to RecipientColumnCount. */
static enum rop_err pull_standard(struct rop_pull *p, uint16_t flags, const char *dn_prefix,
                                  struct plist *l)
{
	bool u = (flags & RF_U) != 0;
	unsigned type = flags & RF_TYPE_MASK;
	struct mapi_propval v;
	char *s;

	if (type == RT_X500DN) {
		uint8_t prefix_used, display_type;
		ROP_CHECK(rop_pull_u8(p, &prefix_used));
		ROP_CHECK(rop_pull_u8(p, &display_type));
		ROP_CHECK(rop_pull_asciiz(p, &s));
		/* [MS-OXCDATA] 2.8.3.2: the first AddressPrefixUsed bytes of
		 * the DN are those of the server's DN prefix */
		if (prefix_used > strlen(dn_prefix))
			return ROP_E_INVALID;
		s = talloc_asprintf(p->mem_ctx, "%.*s%s", prefix_used, dn_prefix, s);
		if (s == NULL || add_str(l, PR_ADDRTYPE, (char *)"EX") != 0 ||
		    add_str(l, PR_EMAIL_ADDRESS, s) != 0)
			return ROP_E_NOMEM;
		v.tag = PR_DISPLAY_TYPE;
		v.v.i32 = display_type;
		if (plist_add(l, &v) != 0)
			return ROP_E_NOMEM;
	} else if (type == RT_PDL1 || type == RT_PDL2) {
		struct mapi_binary eid, key;
		uint16_t n;
		ROP_CHECK(rop_pull_u16(p, &n));
		eid.len = n;
		ROP_CHECK(rop_pull_bytes(p, n, &eid.data));
		ROP_CHECK(rop_pull_u16(p, &n));
		key.len = n;
		ROP_CHECK(rop_pull_bytes(p, n, &key.data));
		v.tag = PR_ENTRYID;
		v.v.bin = eid;
		if (plist_add(l, &v) != 0)
			return ROP_E_NOMEM;
		v.tag = PR_SEARCH_KEY;
		v.v.bin = key;
		if (plist_add(l, &v) != 0)
			return ROP_E_NOMEM;
	} else if (type == RT_SMTP) {
		if (add_str(l, PR_ADDRTYPE, (char *)"SMTP") != 0)
			return ROP_E_NOMEM;
	} else if (type == RT_NOTYPE && (flags & RF_O) != 0) {
		ROP_CHECK(pull_str(p, u, &s));
		if (add_str(l, PR_ADDRTYPE, s) != 0)
			return ROP_E_NOMEM;
	} else if (type != RT_NOTYPE) {
		/* MsMail, Fax, ProfessionalOfficeSystem: no fields of their own */
	}
	static const struct {
		uint16_t flag;
		uint32_t tag;
	} strs[] = {{RF_E, PR_EMAIL_ADDRESS},
	            {RF_D, PR_DISPLAY_NAME},
	            {RF_I, PR_SIMPLE_NAME},
	            {RF_T, PR_TRANSMIT_NAME}};
	char *display = NULL;
	for (unsigned i = 0; i < 4; i++) {
		if ((flags & strs[i].flag) == 0)
			continue;
		ROP_CHECK(pull_str(p, u, &s));
		if (add_str(l, strs[i].tag, s) != 0)
			return ROP_E_NOMEM;
		if (strs[i].flag == RF_D)
			display = s;
	}
	/* [MS-OXCDATA] 2.8.3.1 S: the transmittable name is the display name */
	if ((flags & RF_S) != 0 && (flags & RF_T) == 0 && display != NULL &&
	    add_str(l, PR_TRANSMIT_NAME, display) != 0)
		return ROP_E_NOMEM;
	v.tag = PR_RESPONSIBILITY;
	v.v.b = (flags & RF_R) != 0;
	if (plist_add(l, &v) != 0)
		return ROP_E_NOMEM;
	v.tag = PR_SEND_RICH_INFO;
	v.v.b = (flags & RF_N) == 0;
	return plist_add(l, &v) == 0 ? ROP_OK : ROP_E_NOMEM;
}

/* Decodes a RecipientRow over columns into properties. */
static enum rop_err pull_recipient_row(TALLOC_CTX *mem, const struct mapi_binary *bytes,
                                       const struct mapi_proptag_array *columns,
                                       const char *dn_prefix, struct plist *l)
{
	struct rop_pull p;
	struct rop_property_row row;
	struct mapi_proptag_array used;
	uint16_t flags, count;

	rop_pull_init(&p, mem, bytes->data, bytes->len);
	ROP_CHECK(rop_pull_u16(&p, &flags));
	ROP_CHECK(pull_standard(&p, flags, dn_prefix, l));
	ROP_CHECK(rop_pull_u16(&p, &count));
	if (count > columns->count)
		return ROP_E_INVALID;
	used.count = count;
	used.tags = columns->tags;
	ROP_CHECK(rop_pull_property_row(&p, &used, ROP_COUNT_WIDTH_ROP, &row));
	if (rop_pull_left(&p) != 0)
		return ROP_E_TRAILING;
	for (uint32_t i = 0; i < row.vals.count; i++) {
		if (PROP_TYPE(row.vals.vals[i].tag) != PT_ERROR &&
		    plist_add(l, &row.vals.vals[i]) != 0)
			return ROP_E_NOMEM;
	}
	return ROP_OK;
}

/* [MS-OXCMSG] 3.2.5.5: each row replaces the recipient of its RowId; a
 * row without RecipientRow bytes removes it. */
uint32_t ems_rop_modify_recipients(struct ems_rop_ctx *c, const struct rop_request *req,
                                   struct rop_response *resp)
{
	const struct rop_modify_recipients_req *q = &req->u.modify_recipients;
	struct ems_message *m = &c->in->u.message;
	uint32_t *row_ids;
	struct mapi_propval_array *rows;

	if (!m->read_write)
		return EC_AccessDenied;
	for (uint32_t i = 0; i < q->recipient_columns.count; i++) {
		uint32_t tag = q->recipient_columns.tags[i];
		/* [MS-OXCMSG] 3.2.5.5: these travel in the standard fields */
		if (PROP_TYPE(tag) == PT_UNSPECIFIED || PROP_TYPE(tag) == PT_ERROR)
			return EC_InvalidParameter;
	}
	row_ids = talloc_array(c->mem, uint32_t, q->rows.count ? q->rows.count : 1);
	rows =
	    talloc_zero_array(c->mem, struct mapi_propval_array, q->rows.count ? q->rows.count : 1);
	if (row_ids == NULL || rows == NULL)
		return EC_OutOfMemory;
	for (uint16_t i = 0; i < q->rows.count; i++) {
		const struct rop_recipient_row *rr = &q->rows.rows[i];
		struct plist l = {c->mem, {0, NULL}};
		struct mapi_propval v;
		row_ids[i] = rr->row_id;
		if (rr->row.len == 0)
			continue;
		if (pull_recipient_row(c->mem, &rr->row, &q->recipient_columns, c->s->dn_prefix,
		                       &l) != ROP_OK)
			return EC_InvalidParameter;
		v.tag = PR_RECIPIENT_TYPE;
		v.v.i32 = rr->recipient_type;
		if (plist_add(&l, &v) != 0)
			return EC_OutOfMemory;
		v.tag = PR_ROWID;
		v.v.i32 = (int32_t)rr->row_id;
		if (plist_add(&l, &v) != 0)
			return EC_OutOfMemory;
		/* 8-bit column values are kept as PtypString */
		ems_props_fix_types(c->mem, NULL, true, &l.a);
		rows[i] = l.a;
	}
	return ems_ec_from_store(
	    store_message_modify_recipients(m->msg, q->rows.count, row_ids, rows));
}

static const struct mapi_propval *find(const struct mapi_propval_array *a, uint32_t tag)
{
	for (uint32_t i = 0; i < a->count; i++) {
		if (PROP_ID(a->vals[i].tag) == PROP_ID(tag) &&
		    (PROP_TYPE(a->vals[i].tag) == PROP_TYPE(tag) ||
		     (PROP_TYPE(tag) == PT_UNICODE && PROP_TYPE(a->vals[i].tag) == PT_STRING8)))
			return &a->vals[i];
	}
	return NULL;
}

static const char *str_of(const struct mapi_propval_array *a, uint32_t tag)
{
	const struct mapi_propval *v = find(a, tag);

	return v != NULL ? v->v.str : NULL;
}

/* Encodes the standard fields of a stored recipient as a RecipientRow
 * with no extra columns (the RecipientColumns of RopOpenMessage are empty). */
static enum rop_err push_recipient_row(struct rop_push *p, const struct mapi_propval_array *a)
{
	const char *addrtype = str_of(a, PR_ADDRTYPE), *email = str_of(a, PR_EMAIL_ADDRESS);
	const char *name = str_of(a, PR_DISPLAY_NAME), *simple = str_of(a, PR_SIMPLE_NAME);
	const char *transmit = str_of(a, PR_TRANSMIT_NAME);
	const struct mapi_propval *v;
	uint16_t flags = RF_U;
	bool ex = addrtype != NULL && strcasecmp(addrtype, "EX") == 0 && email != NULL;
	bool smtp = addrtype != NULL && strcasecmp(addrtype, "SMTP") == 0;

	if (ex)
		flags |= RT_X500DN;
	else if (smtp)
		flags |= RT_SMTP;
	else if (addrtype != NULL)
		flags |= RF_O;
	if (email != NULL && !ex)
		flags |= RF_E;
	if (name != NULL)
		flags |= RF_D;
	if (simple != NULL)
		flags |= RF_I;
	/* [MS-OXCDATA] 2.8.3.1: S rather than a copy of the display name */
	if (transmit != NULL && name != NULL && strcmp(transmit, name) == 0)
		flags |= RF_S;
	else if (transmit != NULL)
		flags |= RF_T;
	if ((v = find(a, PR_RESPONSIBILITY)) != NULL && v->v.b)
		flags |= RF_R;
	if ((v = find(a, PR_SEND_RICH_INFO)) != NULL && !v->v.b)
		flags |= RF_N;
	ROP_CHECK(rop_push_u16(p, flags));
	if (ex) {
		v = find(a, PR_DISPLAY_TYPE);
		ROP_CHECK(rop_push_u8(p, 0));
		ROP_CHECK(rop_push_u8(p, v != NULL ? (uint8_t)v->v.i32 : 0));
		ROP_CHECK(rop_push_asciiz(p, email));
	} else if (addrtype != NULL && !smtp) {
		ROP_CHECK(rop_push_utf16z(p, addrtype));
	}
	if (flags & RF_E)
		ROP_CHECK(rop_push_utf16z(p, email));
	if (flags & RF_D)
		ROP_CHECK(rop_push_utf16z(p, name));
	if (flags & RF_I)
		ROP_CHECK(rop_push_utf16z(p, simple));
	if (flags & RF_T)
		ROP_CHECK(rop_push_utf16z(p, transmit));
	ROP_CHECK(rop_push_u16(p, 0)); /* RecipientColumnCount */
	return rop_push_u8(p, 0);      /* an empty StandardPropertyRow */
}

uint32_t ems_recipient_rows(struct ems_rop_ctx *c, struct store_message *msg, uint32_t start,
                            size_t room, bool force_one, struct rop_recipient_rows *out)
{
	uint32_t count = 0, *row_ids;
	struct mapi_propval_array *rows;
	size_t used = 0;
	int ret;

	out->count = 0;
	ret = store_message_get_recipients(c->mem, msg, &count, &row_ids, &rows);
	if (ret != 0)
		return ems_ec_from_store(ret);
	out->rows = talloc_zero_array(c->mem, struct rop_recipient_row, count ? count : 1);
	if (out->rows == NULL)
		return EC_OutOfMemory;
	for (uint32_t i = 0; i < count && out->count < 255; i++) {
		struct rop_recipient_row *rr = &out->rows[out->count];
		const struct mapi_propval *type = find(&rows[i], PR_RECIPIENT_TYPE);
		struct rop_push p;
		if (row_ids[i] < start)
			continue;
		rop_push_init_growable(&p, c->mem);
		if (push_recipient_row(&p, &rows[i]) != ROP_OK)
			return EC_GeneralFailure;
		if (used + 10 + p.ofs > room && (out->count > 0 || !force_one))
			break;
		used += 10 + p.ofs;
		rr->row_id = row_ids[i];
		rr->recipient_type = type != NULL ? (uint8_t)type->v.i32 : 1;
		rr->code_page_id = 0x04B0; /* [MS-OXCMSG] 2.2.3.6.2: Unicode */
		rr->row.len = (uint32_t)p.ofs;
		rr->row.data = p.data;
		out->count++;
	}
	return 0;
}

/* [MS-OXCMSG] 3.2.5.6: rows from RowId on, as many as fit (the first
 * always goes, so a row too large for the buffer gives RopBufferTooSmall). */
uint32_t ems_rop_read_recipients(struct ems_rop_ctx *c, const struct rop_request *req,
                                 struct rop_response *resp)
{
	struct rop_recipient_rows *out = &resp->u.read_recipients.rows;
	uint32_t ec = ems_recipient_rows(c, c->in->u.message.msg, req->u.read_recipients.row_id,
	                                 c->space > 24 ? c->space - 24 : 0, true, out);

	if (ec != 0)
		return ec;
	/* [MS-OXCMSG] 3.2.5.6: no recipient at or after RowId */
	return out->count == 0 ? EC_NotFound : 0;
}
