/*
 * rop_print_fields: prints a ROP body by walking its rop_field table, the
 * same table rop_fields.c decodes and encodes it with, conditionals
 * included, so the printer shows exactly the fields on the wire.
 */
#include <inttypes.h>
#include <string.h>

#include "notif.h"
#include "rop_print_priv.h"

#define CAT(base, ofs, type) ((const type *)(const void *)((const char *)(base) + (ofs)))

static void print_ltid(struct rop_printer *pr, const char *label, const struct mapi_long_term_id *l)
{
	const uint8_t *g = l->globcnt;

	rop_printf(pr, "%s:", label);
	pr->depth++;
	rop_print_guid(pr, "DatabaseGuid", &l->guid);
	rop_printf(pr, "GlobalCounter: %02x%02x%02x%02x%02x%02x", g[0], g[1], g[2], g[3], g[4],
	           g[5]);
	pr->depth--;
}

static void print_scalar(struct rop_printer *pr, const struct rop_field *f, const void *base)
{
	switch (f->kind) {
	case FK_U8: {
		uint8_t v = *CAT(base, f->ofs, uint8_t);
		rop_printf(pr, "%s: %u (0x%02X)", f->name, v, v);
		break;
	}
	case FK_U16: {
		uint16_t v = *CAT(base, f->ofs, uint16_t);
		rop_printf(pr, "%s: %u (0x%04X)", f->name, v, v);
		break;
	}
	case FK_U32: {
		uint32_t v = *CAT(base, f->ofs, uint32_t);
		rop_printf(pr, "%s: %" PRIu32 " (0x%08" PRIX32 ")", f->name, v, v);
		break;
	}
	case FK_U64:
		rop_printf(pr, "%s: 0x%016" PRIX64, f->name, *CAT(base, f->ofs, uint64_t));
		break;
	case FK_GUID:
		rop_print_guid(pr, f->name, CAT(base, f->ofs, struct mapi_guid));
		break;
	case FK_LTID:
		print_ltid(pr, f->name, CAT(base, f->ofs, struct mapi_long_term_id));
		break;
	case FK_BYTES:
		rop_print_hex(pr, f->name, CAT(base, f->ofs, uint8_t), f->aux);
		break;
	default: /* FK_U64ARR */
		for (uint16_t i = 0; i < f->aux; i++)
			rop_printf(pr, "%s[%u]: 0x%016" PRIX64, f->name, i,
			           CAT(base, f->ofs, uint64_t)[i]);
		break;
	}
}

static void print_rows(struct rop_printer *pr, const char *name, uint32_t count,
                       const struct rop_property_row *rows)
{
	rop_printf(pr, "%s: %" PRIu32 " rows", name, count);
	pr->depth++;
	for (uint32_t i = 0; i < count; i++) {
		rop_printf(pr, "row %" PRIu32 " (%s)", i,
		           rows[i].flag == 0 ? "StandardPropertyRow" : "FlaggedPropertyRow");
		pr->depth++;
		for (uint32_t k = 0; k < rows[i].vals.count; k++)
			rop_print_propval(pr, "value", &rows[i].vals.vals[k]);
		pr->depth--;
	}
	pr->depth--;
}

static void print_vals(struct rop_printer *pr, const char *name, const struct mapi_propval_array *a)
{
	rop_printf(pr, "%s: %" PRIu32 " values", name, a->count);
	pr->depth++;
	for (uint32_t i = 0; i < a->count; i++)
		rop_print_propval(pr, "value", &a->vals[i]);
	pr->depth--;
}

static void print_name(struct rop_printer *pr, const struct mapi_property_name *n)
{
	/* [MS-OXCDATA] 2.6.1 */
	if (n->kind == MNID_NONE) {
		rop_printf(pr, "PropertyName: Kind 0xFF (none)");
		return;
	}
	rop_printf(pr, "PropertyName: Kind %s", n->kind == MNID_ID ? "MNID_ID" : "MNID_STRING");
	pr->depth++;
	rop_print_guid(pr, "GUID", &n->guid);
	if (n->kind == MNID_ID)
		rop_printf(pr, "LID: 0x%08" PRIX32, n->lid);
	else
		rop_print_string(pr, "Name", n->name);
	pr->depth--;
}

static void print_props(struct rop_printer *pr, const struct rop_field *f, const void *base)
{
	switch (f->kind) {
	case FK_TAGS16: {
		const struct mapi_proptag_array *a = CAT(base, f->ofs, struct mapi_proptag_array);
		rop_printf(pr, "%s: %" PRIu32 " tags", f->name, a->count);
		pr->depth++;
		for (uint32_t i = 0; i < a->count; i++)
			rop_print_proptag(pr, "tag", a->tags[i]);
		pr->depth--;
		break;
	}
	case FK_PROPIDS16: {
		const struct rop_propid_array *a = CAT(base, f->ofs, struct rop_propid_array);
		rop_printf(pr, "%s: %u ids", f->name, a->count);
		pr->depth++;
		for (uint16_t i = 0; i < a->count; i++) {
			const char *n = rop_prop_name(PROP_TAG(0, a->ids[i]));
			rop_printf(pr, "id: 0x%04X%s%s", a->ids[i], n != NULL ? " " : "",
			           n != NULL ? n : "");
		}
		pr->depth--;
		break;
	}
	case FK_PROBLEMS16: {
		const struct rop_property_problem_array *a =
		    CAT(base, f->ofs, struct rop_property_problem_array);
		rop_printf(pr, "%s: %u problems", f->name, a->count);
		pr->depth++;
		for (uint16_t i = 0; i < a->count; i++) {
			rop_printf(pr, "Index: %u", a->problems[i].index);
			rop_print_proptag(pr, "PropertyTag", a->problems[i].proptag);
			rop_print_error_code(pr, "ErrorCode", a->problems[i].err);
		}
		pr->depth--;
		break;
	}
	case FK_TVALS16:
	case FK_TVALS_SIZED16:
		print_vals(pr, f->name, CAT(base, f->ofs, struct mapi_propval_array));
		break;
	case FK_RES_SIZED16:
		rop_print_restriction(pr, f->name, *CAT(base, f->ofs, struct mapi_restriction *));
		break;
	default: { /* FK_SORTS */
		const struct mapi_sort_order_set *s = CAT(base, f->ofs, struct mapi_sort_order_set);
		rop_printf(pr, "%s: SortOrderCount %u CategorizedCount %u ExpandedCount %u",
		           f->name, s->count, s->categorized_count, s->expanded_count);
		pr->depth++;
		for (uint16_t i = 0; i < s->count; i++) {
			rop_print_proptag(pr, "sort", s->sorts[i].proptag);
			rop_printf(pr, "  Order: 0x%02X", s->sorts[i].order);
		}
		pr->depth--;
		break;
	}
	}
}

/* [MS-OXCDATA] 2.8.3.1: the set RecipientFlags bits by letter. */
static void print_recipient_flags(struct rop_printer *pr, uint16_t flags)
{
	static const char *const types[] = {"NoType",
	                                    "X500DN",
	                                    "MsMail",
	                                    "SMTP",
	                                    "Fax",
	                                    "ProfessionalOfficeSystem",
	                                    "PersonalDistributionList1",
	                                    "PersonalDistributionList2"};
	static const struct {
		uint16_t bit;
		const char *name;
	} bits[] = {{ROP_RECIP_R, " R"}, {ROP_RECIP_S, " S"}, {ROP_RECIP_T, " T"},
	            {ROP_RECIP_D, " D"}, {ROP_RECIP_E, " E"}, {ROP_RECIP_O, " O"},
	            {ROP_RECIP_I, " I"}, {ROP_RECIP_U, " U"}, {ROP_RECIP_N, " N"}};
	char letters[32] = "";

	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		if ((flags & bits[i].bit) != 0)
			strcat(letters, bits[i].name);
	}
	rop_printf(pr, "RecipientFlags: 0x%04X (Type %s%s%s)", flags,
	           types[flags & ROP_RECIP_TYPE_MASK], letters,
	           (flags & ROP_RECIP_RESERVED) != 0 ? " Reserved" : "");
}

/* Every field of a RecipientRow ([MS-OXCDATA] 2.8.3.2) that travels. */
static void print_recipient(struct rop_printer *pr, const struct rop_recipient *r)
{
	unsigned type = r->flags & ROP_RECIP_TYPE_MASK;

	rop_printf(pr, "RecipientRow:");
	pr->depth++;
	print_recipient_flags(pr, r->flags);
	if (type == ROP_RECIP_X500DN) {
		rop_printf(pr, "AddressPrefixUsed: %u", r->address_prefix_used);
		rop_printf(pr, "DisplayType: 0x%02X", r->display_type);
		rop_print_string(pr, "X500DN", r->x500dn);
	} else if (type == ROP_RECIP_PDL1 || type == ROP_RECIP_PDL2) {
		rop_print_hex(pr, "EntryID", r->entry_id.data, r->entry_id.len);
		rop_print_hex(pr, "SearchKey", r->search_key.data, r->search_key.len);
	} else if (type == ROP_RECIP_NOTYPE && (r->flags & ROP_RECIP_O) != 0) {
		rop_print_string(pr, "AddressType", r->address_type);
	}
	if ((r->flags & ROP_RECIP_E) != 0)
		rop_print_string(pr, "EmailAddress", r->email_address);
	if ((r->flags & ROP_RECIP_D) != 0)
		rop_print_string(pr, "DisplayName", r->display_name);
	if ((r->flags & ROP_RECIP_I) != 0)
		rop_print_string(pr, "SimpleDisplayName", r->simple_display_name);
	if ((r->flags & ROP_RECIP_T) != 0)
		rop_print_string(pr, "TransmittableDisplayName", r->transmittable_display_name);
	rop_printf(pr, "RecipientColumnCount: %" PRIu32, r->props.vals.count);
	print_vals(pr, "RecipientProperties", &r->props.vals);
	pr->depth--;
}

static void print_recips(struct rop_printer *pr, const struct rop_field *f,
                         const struct rop_recipient_rows *a)
{
	rop_printf(pr, "%s: %u rows", f->name, a->count);
	pr->depth++;
	for (uint16_t i = 0; i < a->count; i++) {
		const struct rop_recipient_row *r = &a->rows[i];
		if (f->kind != FK_RECIP_OPEN8)
			rop_printf(pr, "RowId: %" PRIu32, r->row_id);
		rop_printf(pr, "RecipientType: 0x%02X", r->recipient_type);
		if (f->kind != FK_RECIP_MOD16)
			rop_printf(pr, "CodePageId: %u Reserved: %u", r->code_page_id, r->reserved);
		if (r->row != NULL)
			print_recipient(pr, r->row);
		else
			rop_printf(pr, "RecipientRowSize: 0 (no RecipientRow)");
	}
	pr->depth--;
}

static void print_ics_lists(struct rop_printer *pr, const struct rop_field *f, const void *base)
{
	if (f->kind == FK_READ_STATES) {
		const struct rop_message_read_states *a =
		    CAT(base, f->ofs, struct rop_message_read_states);
		rop_printf(pr, "%s: %" PRIu32 " entries", f->name, a->count);
		pr->depth++;
		for (uint32_t i = 0; i < a->count; i++) {
			rop_print_hex(pr, "MessageId", a->states[i].message_id.data,
			              a->states[i].message_id.len);
			rop_printf(pr, "MarkAsRead: %u", a->states[i].mark_as_read);
		}
		pr->depth--;
		return;
	}
	const struct rop_long_term_id_ranges *a = CAT(base, f->ofs, struct rop_long_term_id_ranges);
	rop_printf(pr, "%s: %" PRIu32 " ranges", f->name, a->count);
	pr->depth++;
	for (uint32_t i = 0; i < a->count; i++) {
		print_ltid(pr, "MinLongTermId", &a->ranges[i].min);
		print_ltid(pr, "MaxLongTermId", &a->ranges[i].max);
	}
	pr->depth--;
}

static void print_notif(struct rop_printer *pr, const struct notif_data *nd)
{
	uint16_t type = nd->flags & NOTIF_TYPE_MASK;
	bool m = (nd->flags & NOTIF_FLAG_MESSAGE) != 0;

	/* [MS-OXCNOTIF] 2.2.1.4.1.2: which fields travel follows notif.c */
	rop_printf(pr, "NotificationFlags: 0x%04X (type 0x%03X%s%s%s%s)", nd->flags, type,
	           (nd->flags & NOTIF_FLAG_TOTAL) ? " T" : "",
	           (nd->flags & NOTIF_FLAG_UNREAD) ? " U" : "",
	           (nd->flags & NOTIF_FLAG_SEARCH) ? " S" : "", m ? " M" : "");
	if (type == NOTIF_TABLE_MODIFIED) {
		uint16_t ev = nd->table_event;
		bool row = ev == NOTIF_TABLE_ROW_ADDED || ev == NOTIF_TABLE_ROW_DELETED ||
		           ev == NOTIF_TABLE_ROW_MODIFIED;
		bool insert = ev == NOTIF_TABLE_ROW_ADDED || ev == NOTIF_TABLE_ROW_MODIFIED;
		rop_printf(pr, "TableEventType: 0x%04X", ev);
		if (row)
			rop_printf(pr, "TableRowFolderID: 0x%016" PRIX64, nd->table_row_fid);
		if (row && m)
			rop_printf(pr, "TableRowMessageID: 0x%016" PRIX64 " Instance %" PRIu32,
			           nd->table_row_mid, nd->table_row_instance);
		if (insert)
			rop_printf(pr, "InsertAfterTableRowFolderID: 0x%016" PRIX64,
			           nd->insert_after_fid);
		if (insert && m)
			rop_printf(pr, "InsertAfterTableRowID: 0x%016" PRIX64 " Instance %" PRIu32,
			           nd->insert_after_mid, nd->insert_after_instance);
		if (nd->row.vals.count > 0)
			print_rows(pr, "TableRowData", 1, &nd->row);
		else if (nd->row_raw.len > 0)
			rop_print_hex(pr, "TableRowData", nd->row_raw.data, nd->row_raw.len);
		return;
	}
	rop_printf(pr, "FolderId: 0x%016" PRIX64, nd->fid);
	if (m)
		rop_printf(pr, "MessageId: 0x%016" PRIX64, nd->mid);
	if (nd->parent_fid != 0)
		rop_printf(pr, "ParentFolderId: 0x%016" PRIX64, nd->parent_fid);
	if (type == NOTIF_OBJECT_MOVED || type == NOTIF_OBJECT_COPIED)
		rop_printf(pr,
		           "OldFolderId: 0x%016" PRIX64 " OldMessageId: 0x%016" PRIX64
		           " OldParentFolderId: 0x%016" PRIX64,
		           nd->old_fid, nd->old_mid, nd->old_parent_fid);
	if (type == NOTIF_OBJECT_CREATED || type == NOTIF_OBJECT_MODIFIED) {
		rop_printf(pr, "TagCount: 0x%04X", nd->tag_count);
		pr->depth++;
		for (uint16_t i = 0; nd->tag_count != NOTIF_TAGCOUNT_ALL && i < nd->tag_count; i++)
			rop_print_proptag(pr, "tag", nd->tags[i]);
		pr->depth--;
	}
	if ((nd->flags & NOTIF_FLAG_TOTAL) != 0)
		rop_printf(pr, "TotalMessageCount: %" PRIu32, nd->total_count);
	if ((nd->flags & NOTIF_FLAG_UNREAD) != 0)
		rop_printf(pr, "UnreadMessageCount: %" PRIu32, nd->unread_count);
	if (type == NOTIF_NEW_MAIL) {
		rop_printf(pr, "MessageFlags: 0x%08" PRIX32, nd->message_flags);
		rop_printf(pr, "UnicodeFlag: %u", nd->unicode);
		rop_print_string(pr, "MessageClass", nd->message_class);
	}
}

static void print_lists(struct rop_printer *pr, const struct rop_field *f, const void *base)
{
	switch (f->kind) {
	case FK_IDS16: {
		const struct rop_id_array *a = CAT(base, f->ofs, struct rop_id_array);
		rop_printf(pr, "%s: %u ids", f->name, a->count);
		for (uint16_t i = 0; i < a->count; i++)
			rop_printf(pr, "  [%u] 0x%016" PRIX64, i, a->ids[i]);
		break;
	}
	case FK_U32S16: {
		const struct rop_u32_array *a = CAT(base, f->ofs, struct rop_u32_array);
		rop_printf(pr, "%s: %u values", f->name, a->count);
		for (uint16_t i = 0; i < a->count; i++)
			rop_printf(pr, "  [%u] %" PRIu32, i, a->vals[i]);
		break;
	}
	case FK_LTIDS16: {
		const struct rop_ltid_array *a = CAT(base, f->ofs, struct rop_ltid_array);
		rop_printf(pr, "%s: %u LongTermIds", f->name, a->count);
		pr->depth++;
		for (uint16_t i = 0; i < a->count; i++)
			print_ltid(pr, "LongTermId", &a->ltids[i]);
		pr->depth--;
		break;
	}
	case FK_NAMES16: {
		const struct rop_property_name_array *a =
		    CAT(base, f->ofs, struct rop_property_name_array);
		rop_printf(pr, "%s: %u names", f->name, a->count);
		pr->depth++;
		for (uint16_t i = 0; i < a->count; i++)
			print_name(pr, &a->names[i]);
		pr->depth--;
		break;
	}
	default: { /* FK_IDS_NAMES */
		const struct rop_ids_names *a = CAT(base, f->ofs, struct rop_ids_names);
		rop_printf(pr, "%s: %u ids and names", f->name, a->count);
		pr->depth++;
		for (uint16_t i = 0; i < a->count; i++) {
			rop_printf(pr, "PropertyId: 0x%04X", a->ids[i]);
			print_name(pr, &a->names[i]);
		}
		pr->depth--;
		break;
	}
	}
}

static void print_other(struct rop_printer *pr, const struct rop_field *f, const void *base)
{
	switch (f->kind) {
	case FK_STRS:
	case FK_STRS_SIZED: {
		const struct rop_string_array *a = CAT(base, f->ofs, struct rop_string_array);
		rop_printf(pr, "%s: %u strings", f->name, a->count);
		pr->depth++;
		for (uint16_t i = 0; i < a->count; i++)
			rop_print_string(pr, "string", a->strs[i]);
		pr->depth--;
		break;
	}
	case FK_TYPEDSTR: {
		const struct rop_typed_string *s = CAT(base, f->ofs, struct rop_typed_string);
		rop_printf(pr, "%s: StringType 0x%02X", f->name, s->type);
		if (s->str != NULL) {
			pr->depth++;
			rop_print_string(pr, "String", s->str);
			pr->depth--;
		}
		break;
	}
	case FK_RECIP_OPEN8:
	case FK_RECIP_READ8:
	case FK_RECIP_MOD16:
		print_recips(pr, f, CAT(base, f->ofs, struct rop_recipient_rows));
		break;
	case FK_READ_STATES:
	case FK_LTID_RANGES:
		print_ics_lists(pr, f, base);
		break;
	case FK_FLAGGED_VALS16: {
		const struct rop_flagged_vals_array *a =
		    CAT(base, f->ofs, struct rop_flagged_vals_array);
		rop_printf(pr, "%s: %u entries", f->name, a->count);
		pr->depth++;
		for (uint16_t i = 0; i < a->count; i++) {
			rop_printf(pr, "Flags: 0x%02X", a->items[i].flags);
			print_vals(pr, "PropertyValues", &a->items[i].vals);
		}
		pr->depth--;
		break;
	}
	case FK_CLIENTDATA: {
		const struct rop_client_data *cd = CAT(base, f->ofs, struct rop_client_data);
		if (cd->present)
			rop_print_hex(pr, f->name, cd->data, sizeof(cd->data));
		break;
	}
	case FK_BACKOFF_ROPS: {
		const struct rop_backoff_rops *a = CAT(base, f->ofs, struct rop_backoff_rops);
		rop_printf(pr, "%s: %u ROPs", f->name, a->count);
		for (uint8_t i = 0; i < a->count; i++) {
			const char *n = rop_name(a->rops[i].rop_id);
			rop_printf(pr, "  RopIdBackoff 0x%02X %s Duration %" PRIu32,
			           a->rops[i].rop_id, n != NULL ? n : "(undefined)",
			           a->rops[i].duration);
		}
		break;
	}
	case FK_NOTIF:
		print_notif(pr, CAT(base, f->ofs, struct notif_data));
		break;
	case FK_ROW_REQTAGS:
	case FK_ROW_CTX:
		print_rows(pr, f->name, 1, CAT(base, f->ofs, struct rop_property_row));
		break;
	default: { /* FK_ROWS16_CTX, FK_ROWS32_RFT */
		const struct rop_row_list *l = CAT(base, f->ofs, struct rop_row_list);
		print_rows(pr, f->name, l->count, l->rows);
		break;
	}
	}
}

static void print_one(struct rop_printer *pr, const struct rop_field *f, const void *base)
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
		print_scalar(pr, f, base);
		break;
	case FK_ASCIIZ:
	case FK_ASCIIZ_SIZE16:
	case FK_ASCIIZ_SIZE8:
	case FK_STRZ_SEL:
		rop_print_string(pr, f->name, *CAT(base, f->ofs, char *));
		break;
	case FK_BIN16:
	case FK_BIN32:
	case FK_REST: {
		const struct mapi_binary *b = CAT(base, f->ofs, struct mapi_binary);
		rop_print_hex(pr, f->name, b->data, b->len);
		break;
	}
	case FK_TAGS16:
	case FK_PROPIDS16:
	case FK_PROBLEMS16:
	case FK_TVALS16:
	case FK_TVALS_SIZED16:
	case FK_RES_SIZED16:
	case FK_SORTS:
		print_props(pr, f, base);
		break;
	case FK_IDS16:
	case FK_U32S16:
	case FK_LTIDS16:
	case FK_NAMES16:
	case FK_IDS_NAMES:
		print_lists(pr, f, base);
		break;
	default:
		print_other(pr, f, base);
		break;
	}
}

void rop_print_fields(struct rop_printer *pr, const struct rop_field *f, const void *base)
{
	for (; f != NULL && f->kind != FK_END; f++) {
		if (f->kind >= FK_IF_U8_NZ) {
			if (!rop_field_cond_holds(f, base))
				f += f->aux;
			continue;
		}
		print_one(pr, f, base);
	}
}
