/*
 * Recipients ([MS-OXCMSG] 3.2.5.5 RopModifyRecipients, 3.2.5.6
 * RopReadRecipients): the codec's RecipientRows ([MS-OXCDATA] 2.8.3,
 * rop_recipient.h) mapped to and from the store's recipient property rows.
 */
#include <string.h>
#include <strings.h>

#include "ems_private.h"

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

/* A string of the row as UTF-8: 8-bit strings are in the connection's
 * code page ([MS-OXCDATA] 2.8.3.1 U). */
static char *utf8_of(TALLOC_CTX *mem, const struct rop_recipient *r, char *s)
{
	return (r->flags & ROP_RECIP_U) != 0 ? s : ems_str8_to_utf8(mem, s);
}

static int add_bin(struct plist *l, uint32_t tag, struct mapi_binary b)
{
	struct mapi_propval v = {.tag = tag};

	v.v.bin = b;
	return plist_add(l, &v);
}

static int add_long(struct plist *l, uint32_t tag, int32_t i)
{
	struct mapi_propval v = {.tag = tag};

	v.v.i32 = i;
	return plist_add(l, &v);
}

/* The properties the Type selects ([MS-OXCDATA] 2.8.3.2); -1 out of
 * memory, -2 an X500DN prefix longer than the server's DN prefix. */
static int type_props(TALLOC_CTX *mem, const struct rop_recipient *r, const char *dn_prefix,
                      struct plist *l)
{
	unsigned type = r->flags & ROP_RECIP_TYPE_MASK;
	char *s;

	if (type == ROP_RECIP_X500DN) {
		/* [MS-OXCDATA] 2.8.3.2: the first AddressPrefixUsed bytes of
		 * the DN are those of the server's DN prefix */
		if (r->address_prefix_used > strlen(dn_prefix))
			return -2;
		s = talloc_asprintf(mem, "%.*s%s", r->address_prefix_used, dn_prefix, r->x500dn);
		if (s == NULL || add_str(l, PR_ADDRTYPE, (char *)"EX") != 0 ||
		    add_str(l, PR_EMAIL_ADDRESS, s) != 0 ||
		    add_long(l, PR_DISPLAY_TYPE, r->display_type) != 0)
			return -1;
	} else if (type == ROP_RECIP_PDL1 || type == ROP_RECIP_PDL2) {
		if (add_bin(l, PR_ENTRYID, r->entry_id) != 0 ||
		    add_bin(l, PR_SEARCH_KEY, r->search_key) != 0)
			return -1;
	} else if (type == ROP_RECIP_SMTP) {
		if (add_str(l, PR_ADDRTYPE, (char *)"SMTP") != 0)
			return -1;
	} else if (type == ROP_RECIP_NOTYPE && (r->flags & ROP_RECIP_O) != 0) {
		s = utf8_of(mem, r, r->address_type);
		if (s == NULL || add_str(l, PR_ADDRTYPE, s) != 0)
			return -1;
	}
	/* MsMail, Fax, ProfessionalOfficeSystem: no fields of their own */
	return 0;
}

/* A decoded RecipientRow as recipient properties; -1 out of memory, -2
 * a row the server cannot take. */
static int recipient_props(TALLOC_CTX *mem, const struct rop_recipient *r, const char *dn_prefix,
                           struct plist *l)
{
	const struct {
		uint16_t flag;
		uint32_t tag;
		char *s;
	} strs[] = {{ROP_RECIP_E, PR_EMAIL_ADDRESS, r->email_address},
	            {ROP_RECIP_D, PR_DISPLAY_NAME, r->display_name},
	            {ROP_RECIP_I, PR_SIMPLE_NAME, r->simple_display_name},
	            {ROP_RECIP_T, PR_TRANSMIT_NAME, r->transmittable_display_name}};
	struct mapi_propval v;
	char *display = NULL;
	int ret = type_props(mem, r, dn_prefix, l);

	if (ret != 0)
		return ret;
	for (unsigned i = 0; i < 4; i++) {
		if ((r->flags & strs[i].flag) == 0)
			continue;
		char *s = utf8_of(mem, r, strs[i].s);
		if (s == NULL || add_str(l, strs[i].tag, s) != 0)
			return -1;
		if (strs[i].flag == ROP_RECIP_D)
			display = s;
	}
	/* [MS-OXCDATA] 2.8.3.1 S: the transmittable name is the display name */
	if ((r->flags & ROP_RECIP_S) != 0 && (r->flags & ROP_RECIP_T) == 0 && display != NULL &&
	    add_str(l, PR_TRANSMIT_NAME, display) != 0)
		return -1;
	v.tag = PR_RESPONSIBILITY;
	v.v.b = (r->flags & ROP_RECIP_R) != 0;
	if (plist_add(l, &v) != 0)
		return -1;
	v.tag = PR_SEND_RICH_INFO;
	v.v.b = (r->flags & ROP_RECIP_N) == 0;
	if (plist_add(l, &v) != 0)
		return -1;
	for (uint32_t i = 0; i < r->props.vals.count; i++) {
		if (PROP_TYPE(r->props.vals.vals[i].tag) != PT_ERROR &&
		    plist_add(l, &r->props.vals.vals[i]) != 0)
			return -1;
	}
	return 0;
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
		int ret;
		row_ids[i] = rr->row_id;
		if (rr->row == NULL)
			continue;
		ret = recipient_props(c->mem, rr->row, c->s->dn_prefix, &l);
		if (ret != 0)
			return ret == -1 ? EC_OutOfMemory : EC_InvalidParameter;
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

/* The RecipientColumns this server gives: none, every recipient property
 * it keeps travels in the standard fields. */
static const struct mapi_proptag_array no_columns = {0, NULL};

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

/* The RecipientRow of a stored recipient: its standard fields, Unicode,
 * and no extra columns (the RecipientColumns this server gives in
 * RopOpenMessage are empty). */
static struct rop_recipient *recipient_of(TALLOC_CTX *mem, const struct mapi_propval_array *a)
{
	struct rop_recipient *r = talloc_zero(mem, struct rop_recipient);
	char *addrtype = (char *)str_of(a, PR_ADDRTYPE),
	     *email = (char *)str_of(a, PR_EMAIL_ADDRESS);
	char *name = (char *)str_of(a, PR_DISPLAY_NAME),
	     *transmit = (char *)str_of(a, PR_TRANSMIT_NAME);
	const struct mapi_propval *v;
	bool ex = addrtype != NULL && strcasecmp(addrtype, "EX") == 0 && email != NULL;
	bool smtp = addrtype != NULL && strcasecmp(addrtype, "SMTP") == 0;

	if (r == NULL)
		return NULL;
	r->flags = ROP_RECIP_U;
	if (ex) {
		r->flags |= ROP_RECIP_X500DN;
		v = find(a, PR_DISPLAY_TYPE);
		r->display_type = v != NULL ? (uint8_t)v->v.i32 : 0;
		r->x500dn = email;
	} else if (smtp) {
		r->flags |= ROP_RECIP_SMTP;
	} else if (addrtype != NULL) {
		r->flags |= ROP_RECIP_O;
		r->address_type = addrtype;
	}
	if (email != NULL && !ex) {
		r->flags |= ROP_RECIP_E;
		r->email_address = email;
	}
	if (name != NULL) {
		r->flags |= ROP_RECIP_D;
		r->display_name = name;
	}
	r->simple_display_name = (char *)str_of(a, PR_SIMPLE_NAME);
	if (r->simple_display_name != NULL)
		r->flags |= ROP_RECIP_I;
	/* [MS-OXCDATA] 2.8.3.1: S rather than a copy of the display name */
	if (transmit != NULL && name != NULL && strcmp(transmit, name) == 0) {
		r->flags |= ROP_RECIP_S;
	} else if (transmit != NULL) {
		r->flags |= ROP_RECIP_T;
		r->transmittable_display_name = transmit;
	}
	if ((v = find(a, PR_RESPONSIBILITY)) != NULL && v->v.b)
		r->flags |= ROP_RECIP_R;
	if ((v = find(a, PR_SEND_RICH_INFO)) != NULL && !v->v.b)
		r->flags |= ROP_RECIP_N;
	return r;
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
		rr->row = recipient_of(c->mem, &rows[i]);
		if (rr->row == NULL)
			return EC_OutOfMemory;
		/* the encoder sizes the row */
		rop_push_init_growable(&p, c->mem);
		if (rop_push_recipient(&p, &no_columns, rr->row) != ROP_OK)
			return EC_GeneralFailure;
		if (used + 10 + p.ofs > room && (out->count > 0 || !force_one))
			break;
		used += 10 + p.ofs;
		rr->row_id = row_ids[i];
		rr->recipient_type = type != NULL ? (uint8_t)type->v.i32 : 1;
		rr->code_page_id = 0x04B0; /* [MS-OXCMSG] 2.2.3.6.2: Unicode */
		talloc_free(p.data);
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
	/* the rows are in the RecipientColumns of RopOpenMessage */
	c->columns = &no_columns;
	uint32_t ec = ems_recipient_rows(c, c->in->u.message.msg, req->u.read_recipients.row_id,
	                                 c->space > 24 ? c->space - 24 : 0, true, out);

	if (ec != 0)
		return ec;
	/* [MS-OXCMSG] 3.2.5.6: no recipient at or after RowId */
	return out->count == 0 ? EC_NotFound : 0;
}
