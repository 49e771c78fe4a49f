/*
 * notif: the NotificationData of a RopNotify response ([MS-OXCNOTIF]
 * 2.2.1.4.1.2), the body after NotificationHandle and LogonId.
 *
 * NotificationFlags holds the NotificationType in its low 12 bits and four
 * availability flags above ([MS-OXCNOTIF] 2.2.1.4.1.1); which fields follow
 * depends on both, and a TableModified row is a PropertyRow in the columns
 * of the table's last RopSetColumns -- the caller passes them.  Without
 * columns the row is kept as raw bytes (TableRowData is length-prefixed, so
 * it can always be skipped).
 *
 * Memory: decoded arrays and strings are talloc children of the rop_pull's
 * mem_ctx.
 */
#ifndef NOTIF_H
#define NOTIF_H

#include "rop_buf.h"
#include "rop_propval.h"

/* NotificationType, [MS-OXCNOTIF] 2.2.1.4.1.1 (one value, not flags). */
#define NOTIF_NEW_MAIL        0x0002
#define NOTIF_OBJECT_CREATED  0x0004
#define NOTIF_OBJECT_DELETED  0x0008
#define NOTIF_OBJECT_MODIFIED 0x0010
#define NOTIF_OBJECT_MOVED    0x0020
#define NOTIF_OBJECT_COPIED   0x0040
#define NOTIF_SEARCH_COMPLETE 0x0080
#define NOTIF_TABLE_MODIFIED  0x0100
#define NOTIF_EXTENDED        0x0400 /* reserved: the spec says clients ignore it */
#define NOTIF_TYPE_MASK       0x0FFF

/* Availability flags of NotificationFlags. */
#define NOTIF_FLAG_TOTAL   0x1000 /* T: TotalMessageCount present */
#define NOTIF_FLAG_UNREAD  0x2000 /* U: UnreadMessageCount present */
#define NOTIF_FLAG_SEARCH  0x4000 /* S: in a search folder; needs M */
#define NOTIF_FLAG_MESSAGE 0x8000 /* M: about a message, not a folder */

/* TableEventType, [MS-OXCNOTIF] 2.2.1.4.1.2. */
#define NOTIF_TABLE_CHANGED       0x0001
#define NOTIF_TABLE_ERROR         0x0002
#define NOTIF_TABLE_ROW_ADDED     0x0003
#define NOTIF_TABLE_ROW_DELETED   0x0004
#define NOTIF_TABLE_ROW_MODIFIED  0x0005
#define NOTIF_TABLE_RESTRICT_DONE 0x0007

/* TagCount value meaning "all properties may have changed": no tags follow. */
#define NOTIF_TAGCOUNT_ALL 0xFFFF

struct notif_data {
	uint16_t flags; /* NotificationFlags: type | T | U | S | M */

	/* TableModified */
	uint16_t table_event;
	uint64_t table_row_fid, table_row_mid; /* mid and instance: M set */
	uint32_t table_row_instance;
	uint64_t insert_after_fid, insert_after_mid; /* added / modified rows */
	uint32_t insert_after_instance;
	/* TableRowData: with columns, row is used (decode fills it); without,
	 * row_raw holds the bytes. */
	struct rop_property_row row;
	struct mapi_binary row_raw;

	/* the object notifications */
	uint64_t fid, mid;       /* mid: M set */
	uint64_t parent_fid;     /* created/deleted/moved/copied, see notif.c */
	uint64_t old_fid;        /* moved/copied */
	uint64_t old_mid;        /* moved/copied with M */
	uint64_t old_parent_fid; /* moved/copied without M */
	uint16_t tag_count;      /* created/modified; NOTIF_TAGCOUNT_ALL or count */
	uint32_t *tags;

	uint32_t total_count;  /* T */
	uint32_t unread_count; /* U */

	/* NewMail */
	uint32_t message_flags;
	uint8_t unicode;     /* UnicodeFlag: nonzero, MessageClass is UTF-16 */
	char *message_class; /* UTF-8 (ASCII bytes when !unicode) */
};

/* Decodes NotificationData.  columns: the table's columns for a
 * TableModified row (may be NULL: the row stays raw).  Unknown
 * notification types answer ROP_E_UNSUPPORTED (nothing after them could be
 * parsed). */
enum rop_err notif_pull(struct rop_pull *p, const struct mapi_proptag_array *columns,
                        struct notif_data *nd_r);
/* Encodes NotificationData; with columns and a TableModified added or
 * modified row, nd->row is encoded, else nd->row_raw.  On error nothing is
 * left written. */
enum rop_err notif_push(struct rop_push *p, const struct mapi_proptag_array *columns,
                        const struct notif_data *nd);

#endif
