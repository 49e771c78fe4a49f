/* Table objects ([MS-OXCTABL]) of the EMSMDB engine: ems_oxctabl.c, and
 * the categorised-table ROPs in ems_oxctabl_category.c. */
#ifndef EMS_TABLE_H
#define EMS_TABLE_H

#include "ems_private.h"

struct ems_table {
	struct store_table *st;
	enum store_table_kind kind;
	bool unicode;
	bool columns_set;
	struct mapi_proptag_array columns; /* as the client set them */
	const struct mapi_proptag_array *store_columns;
	/* the sort order of the last RopSortTable (PtypString tags), NULL
	 * when unsorted */
	const struct mapi_sort_order_set *sort;
	/* an attachment table ([MS-OXCMSG] 3.2.5.17) has no store table: its
	 * rows are read when it is opened, in attachment number order */
	struct mapi_propval_array *mrows;
	uint32_t mcount, mpos;
	/* table notifications ([MS-OXCNOTIF] TableModified): a watched table
	 * is in the session's watched list; pending is under ev_lock */
	uint64_t fid;
	struct ems_session *session;
	uint32_t handle;
	uint8_t logon_id;
	bool watched, pending;
	struct store_table_event *left; /* fetched, not yet sent */
	uint32_t left_count, left_pos;
};

/* Opens a table on folder fid as c->out; *row_count_r is its row count. */
uint32_t ems_table_open(struct ems_rop_ctx *c, enum store_table_kind kind, uint64_t fid,
                        unsigned flags, bool unicode, bool notify, uint32_t *row_count_r);
/* Appends TableModified RopNotify responses of the session's watched
 * tables while they fit (ems_oxcnotif.c calls it); false when some wait. */
bool ems_table_notify_append(struct ems_session *s, struct rop_push *out, TALLOC_CTX *tmp);

/* Opens the attachment table of message object c->in as c->out. */
uint32_t ems_table_open_attachments(struct ems_rop_ctx *c, bool unicode);

/* The table object of the ROP's input handle (c->in). */
struct ems_table *ems_table_of(struct ems_rop_ctx *c);
/* Reads up to count rows of t into out (on c->mem) and keeps those whose
 * encoding fits in space; the cursor ends after the rows kept (or where it
 * was with no_advance).  Answers 0 or an EC_ code. */
uint32_t ems_table_read_rows(struct ems_rop_ctx *c, struct ems_table *t, uint32_t count,
                             bool forward, bool no_advance, size_t space, struct rop_row_list *out);

#endif
