/* Table objects ([MS-OXCTABL]) of the EMSMDB engine: ems_oxctabl.c. */
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
	/* an attachment table ([MS-OXCMSG] 3.2.5.17) has no store table: its
	 * rows are read when it is opened, in attachment number order */
	struct mapi_propval_array *mrows;
	uint32_t mcount, mpos;
};

/* Opens a table on folder fid as c->out; *row_count_r is its row count. */
uint32_t ems_table_open(struct ems_rop_ctx *c, enum store_table_kind kind, uint64_t fid,
                        unsigned flags, bool unicode, uint32_t *row_count_r);

/* Opens the attachment table of message object c->in as c->out. */
uint32_t ems_table_open_attachments(struct ems_rop_ctx *c, bool unicode);

#endif
