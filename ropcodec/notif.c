#include "notif.h"

#include <string.h>

/* Which fields of [MS-OXCNOTIF] 2.2.1.4.1.2 NotificationData are present,
 * from NotificationFlags and TableEventType.  One table for both codecs so
 * decoder and encoder cannot disagree. */
struct notif_layout {
	bool table_event;
	bool table_row_fid, table_row_mid; /* TableRowFolderID; MessageID + Instance */
	bool insert_after_fid, insert_after_mid;
	bool row; /* TableRowDataSize + TableRowData */
	bool fid, mid, parent_fid, old_fid, old_mid, old_parent_fid, tags;
	bool total, unread, new_mail;
};

static bool notif_type_known(uint16_t type)
{
	switch (type) {
	case NOTIF_NEW_MAIL:
	case NOTIF_OBJECT_CREATED:
	case NOTIF_OBJECT_DELETED:
	case NOTIF_OBJECT_MODIFIED:
	case NOTIF_OBJECT_MOVED:
	case NOTIF_OBJECT_COPIED:
	case NOTIF_SEARCH_COMPLETE:
	case NOTIF_TABLE_MODIFIED:
	case NOTIF_EXTENDED:
		return true;
	default:
		return false;
	}
}

static void notif_layout_of(uint16_t flags, uint16_t table_event, struct notif_layout *l)
{
	uint16_t type = flags & NOTIF_TYPE_MASK;
	bool m = (flags & NOTIF_FLAG_MESSAGE) != 0, s = (flags & NOTIF_FLAG_SEARCH) != 0;
	bool table = type == NOTIF_TABLE_MODIFIED;
	bool row_event = table && (table_event == NOTIF_TABLE_ROW_ADDED ||
	                           table_event == NOTIF_TABLE_ROW_DELETED ||
	                           table_event == NOTIF_TABLE_ROW_MODIFIED);
	bool insert_event = table && (table_event == NOTIF_TABLE_ROW_ADDED ||
	                              table_event == NOTIF_TABLE_ROW_MODIFIED);
	bool move_copy = type == NOTIF_OBJECT_MOVED || type == NOTIF_OBJECT_COPIED;

	memset(l, 0, sizeof(*l));
	l->table_event = table;
	l->table_row_fid = row_event;
	l->table_row_mid = row_event && m;
	l->insert_after_fid = insert_event;
	l->insert_after_mid = insert_event && m;
	l->row = insert_event;
	/* FolderId for every type but TableModified and the reserved one */
	l->fid = !table && type != NOTIF_EXTENDED;
	l->mid = l->fid && m;
	/* ParentFolderId: created, deleted, moved, copied -- for a folder (M
	 * and S clear) or for a message in a search folder (M and S set) */
	l->parent_fid =
	    (type == NOTIF_OBJECT_CREATED || type == NOTIF_OBJECT_DELETED || move_copy) && m == s;
	l->old_fid = move_copy;
	l->old_mid = move_copy && m;
	l->old_parent_fid = move_copy && !m;
	l->tags = type == NOTIF_OBJECT_CREATED || type == NOTIF_OBJECT_MODIFIED;
	l->total = (flags & NOTIF_FLAG_TOTAL) != 0;
	l->unread = (flags & NOTIF_FLAG_UNREAD) != 0;
	l->new_mail = type == NOTIF_NEW_MAIL;
}

/* TableRowDataSize + TableRowData: a PropertyRow in the table's columns,
 * parsed within exactly the bytes the size announces. */
static enum rop_err notif_pull_row(struct rop_pull *p, const struct mapi_proptag_array *columns,
                                   struct notif_data *nd)
{
	uint16_t size;
	const uint8_t *b;
	struct rop_pull sub;

	ROP_CHECK(rop_pull_u16(p, &size));
	ROP_CHECK(rop_pull_ref(p, size, &b));
	if (columns == NULL) {
		nd->row_raw.len = size;
		nd->row_raw.data = size > 0 ? talloc_memdup(p->mem_ctx, b, size) : NULL;
		return size > 0 && nd->row_raw.data == NULL ? ROP_E_NOMEM : ROP_OK;
	}
	rop_pull_init(&sub, p->mem_ctx, b, size);
	ROP_CHECK(rop_pull_property_row(&sub, columns, ROP_COUNT_WIDTH_ROP, &nd->row));
	return rop_pull_left(&sub) == 0 ? ROP_OK : ROP_E_TRAILING;
}

static enum rop_err notif_pull_tags(struct rop_pull *p, struct notif_data *nd)
{
	ROP_CHECK(rop_pull_u16(p, &nd->tag_count));
	if (nd->tag_count == 0 || nd->tag_count == NOTIF_TAGCOUNT_ALL)
		return ROP_OK;
	ROP_CHECK(rop_pull_check_count(p, nd->tag_count, 4));
	nd->tags = talloc_array(p->mem_ctx, uint32_t, nd->tag_count);
	if (nd->tags == NULL)
		return ROP_E_NOMEM;
	for (uint16_t i = 0; i < nd->tag_count; i++)
		ROP_CHECK(rop_pull_u32(p, &nd->tags[i]));
	return ROP_OK;
}

/* NewMail: MessageFlags, UnicodeFlag, MessageClass (NUL-terminated). */
static enum rop_err notif_pull_new_mail(struct rop_pull *p, struct notif_data *nd)
{
	ROP_CHECK(rop_pull_u32(p, &nd->message_flags));
	ROP_CHECK(rop_pull_u8(p, &nd->unicode));
	if (nd->unicode != 0)
		return rop_pull_utf16z(p, &nd->message_class);
	return rop_pull_asciiz(p, &nd->message_class);
}

static enum rop_err notif_decode(struct rop_pull *p, const struct mapi_proptag_array *columns,
                                 struct notif_data *nd)
{
	struct notif_layout l;

	ROP_CHECK(rop_pull_u16(p, &nd->flags));
	if (!notif_type_known(nd->flags & NOTIF_TYPE_MASK))
		return ROP_E_UNSUPPORTED;
	/* [MS-OXCNOTIF] 2.2.1.4.1.1: S requires M (as notif_encode checks) */
	if ((nd->flags & NOTIF_FLAG_SEARCH) && !(nd->flags & NOTIF_FLAG_MESSAGE))
		return ROP_E_INVALID;
	if ((nd->flags & NOTIF_TYPE_MASK) == NOTIF_TABLE_MODIFIED)
		ROP_CHECK(rop_pull_u16(p, &nd->table_event));
	notif_layout_of(nd->flags, nd->table_event, &l);
	if (l.table_row_fid)
		ROP_CHECK(rop_pull_u64(p, &nd->table_row_fid));
	if (l.table_row_mid) {
		ROP_CHECK(rop_pull_u64(p, &nd->table_row_mid));
		ROP_CHECK(rop_pull_u32(p, &nd->table_row_instance));
	}
	if (l.insert_after_fid)
		ROP_CHECK(rop_pull_u64(p, &nd->insert_after_fid));
	if (l.insert_after_mid) {
		ROP_CHECK(rop_pull_u64(p, &nd->insert_after_mid));
		ROP_CHECK(rop_pull_u32(p, &nd->insert_after_instance));
	}
	if (l.row)
		ROP_CHECK(notif_pull_row(p, columns, nd));
	if (l.fid)
		ROP_CHECK(rop_pull_u64(p, &nd->fid));
	if (l.mid)
		ROP_CHECK(rop_pull_u64(p, &nd->mid));
	if (l.parent_fid)
		ROP_CHECK(rop_pull_u64(p, &nd->parent_fid));
	if (l.old_fid)
		ROP_CHECK(rop_pull_u64(p, &nd->old_fid));
	if (l.old_mid)
		ROP_CHECK(rop_pull_u64(p, &nd->old_mid));
	if (l.old_parent_fid)
		ROP_CHECK(rop_pull_u64(p, &nd->old_parent_fid));
	if (l.tags)
		ROP_CHECK(notif_pull_tags(p, nd));
	if (l.total)
		ROP_CHECK(rop_pull_u32(p, &nd->total_count));
	if (l.unread)
		ROP_CHECK(rop_pull_u32(p, &nd->unread_count));
	if (l.new_mail)
		ROP_CHECK(notif_pull_new_mail(p, nd));
	return ROP_OK;
}

enum rop_err notif_pull(struct rop_pull *p, const struct mapi_proptag_array *columns,
                        struct notif_data *nd_r)
{
	size_t start = p->ofs;
	enum rop_err err;

	memset(nd_r, 0, sizeof(*nd_r));
	err = notif_decode(p, columns, nd_r);
	if (err != ROP_OK)
		p->ofs = start;
	return err;
}

static enum rop_err notif_push_row(struct rop_push *p, const struct mapi_proptag_array *columns,
                                   const struct notif_data *nd)
{
	size_t at, start;

	if (columns == NULL) {
		if (nd->row_raw.len > UINT16_MAX ||
		    (nd->row_raw.len > 0 && nd->row_raw.data == NULL))
			return ROP_E_INVALID;
		ROP_CHECK(rop_push_u16(p, (uint16_t)nd->row_raw.len));
		return rop_push_bytes(p, nd->row_raw.data, nd->row_raw.len);
	}
	ROP_CHECK(rop_push_reserve(p, 2, &at));
	start = p->ofs;
	ROP_CHECK(rop_push_property_row(p, columns, ROP_COUNT_WIDTH_ROP, &nd->row));
	if (p->ofs - start > UINT16_MAX)
		return ROP_E_TOO_BIG;
	rop_push_patch_u16(p, at, (uint16_t)(p->ofs - start));
	return ROP_OK;
}

static enum rop_err notif_push_tail(struct rop_push *p, const struct notif_layout *l,
                                    const struct notif_data *nd)
{
	if (l->tags) {
		bool listed = nd->tag_count != 0 && nd->tag_count != NOTIF_TAGCOUNT_ALL;
		if (listed && nd->tags == NULL)
			return ROP_E_INVALID;
		ROP_CHECK(rop_push_u16(p, nd->tag_count));
		for (uint16_t i = 0; listed && i < nd->tag_count; i++)
			ROP_CHECK(rop_push_u32(p, nd->tags[i]));
	}
	if (l->total)
		ROP_CHECK(rop_push_u32(p, nd->total_count));
	if (l->unread)
		ROP_CHECK(rop_push_u32(p, nd->unread_count));
	if (l->new_mail) {
		ROP_CHECK(rop_push_u32(p, nd->message_flags));
		ROP_CHECK(rop_push_u8(p, nd->unicode));
		if (nd->message_class == NULL)
			return ROP_E_INVALID;
		if (nd->unicode != 0)
			return rop_push_utf16z(p, nd->message_class);
		return rop_push_asciiz(p, nd->message_class);
	}
	return ROP_OK;
}

static enum rop_err notif_encode(struct rop_push *p, const struct mapi_proptag_array *columns,
                                 const struct notif_data *nd)
{
	struct notif_layout l;

	if (!notif_type_known(nd->flags & NOTIF_TYPE_MASK))
		return ROP_E_INVALID;
	/* [MS-OXCNOTIF] 2.2.1.4.1.1: S requires M */
	if ((nd->flags & NOTIF_FLAG_SEARCH) && !(nd->flags & NOTIF_FLAG_MESSAGE))
		return ROP_E_INVALID;
	notif_layout_of(nd->flags, nd->table_event, &l);
	ROP_CHECK(rop_push_u16(p, nd->flags));
	if (l.table_event)
		ROP_CHECK(rop_push_u16(p, nd->table_event));
	if (l.table_row_fid)
		ROP_CHECK(rop_push_u64(p, nd->table_row_fid));
	if (l.table_row_mid) {
		ROP_CHECK(rop_push_u64(p, nd->table_row_mid));
		ROP_CHECK(rop_push_u32(p, nd->table_row_instance));
	}
	if (l.insert_after_fid)
		ROP_CHECK(rop_push_u64(p, nd->insert_after_fid));
	if (l.insert_after_mid) {
		ROP_CHECK(rop_push_u64(p, nd->insert_after_mid));
		ROP_CHECK(rop_push_u32(p, nd->insert_after_instance));
	}
	if (l.row)
		ROP_CHECK(notif_push_row(p, columns, nd));
	if (l.fid)
		ROP_CHECK(rop_push_u64(p, nd->fid));
	if (l.mid)
		ROP_CHECK(rop_push_u64(p, nd->mid));
	if (l.parent_fid)
		ROP_CHECK(rop_push_u64(p, nd->parent_fid));
	if (l.old_fid)
		ROP_CHECK(rop_push_u64(p, nd->old_fid));
	if (l.old_mid)
		ROP_CHECK(rop_push_u64(p, nd->old_mid));
	if (l.old_parent_fid)
		ROP_CHECK(rop_push_u64(p, nd->old_parent_fid));
	return notif_push_tail(p, &l, nd);
}

enum rop_err notif_push(struct rop_push *p, const struct mapi_proptag_array *columns,
                        const struct notif_data *nd)
{
	size_t mark = rop_push_mark(p);
	enum rop_err err = notif_encode(p, columns, nd);

	if (err != ROP_OK)
		rop_push_rewind(p, mark);
	return err;
}
