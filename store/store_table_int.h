/*
 * store_table internals shared by store_table.c and store_table_cat.c.
 */
#ifndef STORE_TABLE_INT_H
#define STORE_TABLE_INT_H

#include "store_private.h"

#define LAZY_BATCH 256

struct trow {
	uint64_t gc;    /* 0 for a category header row */
	uint32_t depth; /* hierarchy: PidTagDepth */
	uint32_t cat;   /* category header: index + 1 in cats; 0 for a leaf */
};

/* A category of a categorised view ([MS-OXCTABL] 2.2.2.14.1). */
struct tcat {
	uint64_t id;             /* PidTagInstID of the header row */
	uint32_t level;          /* 0 = outermost; PidTagDepth */
	uint32_t parent;         /* index + 1 of the enclosing category, 0 none */
	struct mapi_propval key; /* this level's category column value */
	uint32_t leaves, unread; /* messages below, and unread ones */
	uint32_t first, end;     /* its entries in all[]: [first, end) after the header */
	bool collapsed;
};

struct tbookmark {
	uint32_t id;
	uint64_t gc;
	uint32_t pos;
};

struct store_table {
	struct store_mailbox *mbox;
	uint64_t fgc;
	enum store_table_kind kind;
	unsigned int flags;
	bool search; /* contents of a search folder: its links */
	struct mapi_proptag_array cols;
	struct mapi_sort_order_set sort;
	struct mapi_restriction *res;
	bool loaded;
	struct trow *rows;
	uint32_t count;
	uint32_t pos;
	/* lazy */
	bool lazy, lazy_done, lazy_desc, have_last;
	uint8_t prefix[10];
	size_t prefix_len;
	uint8_t last_key[26];
	size_t last_len;
	uint32_t total;
	struct tbookmark *bms;
	uint32_t bm_count, next_bm;
	/* categorised view: all[] holds headers and leaves in order; rows[]
	 * is its visible part */
	struct tcat *cats;
	uint32_t ncats;
	struct trow *all;
	uint32_t nall;
	uint64_t next_cat_id;
	struct table_watch *watch; /* store_table_watch.c */
};

/* One leaf of a materialised table with its sort keys. */
struct sort_row {
	struct trow row;
	bool unread;
	struct mapi_propval *keys; /* one per sort column; tag PT_ERROR when absent */
};

/* store_table.c: reads the row set if not yet read. */
int store_table_load(struct store_table *t);
/* The object kind of the table's rows (contents: message, FAI, soft-deleted). */
uint8_t store_table_kind_byte(const struct store_table *t);
/* The columns' values of one row: 1, 0 when the object is gone, <0. */
int store_table_row_values(TALLOC_CTX *mem_ctx, struct store_table *t, MDB_txn *txn,
                           const struct trow *row, struct mapi_propval_array *out);
/* Drops the row set (read again at the next query). */
void store_table_reset(struct store_table *t);

/* ---- store_table_cat.c ---- */
/* Builds the categories from the sorted leaves (rows[], keys alive) and the
 * visible row set, keeping the collapse state of categories that existed
 * before (matched by their values). */
int store_table_categorise(struct store_table *t, const struct sort_row *rows, uint32_t count);
/* Values of a header row, or the extra columns of a leaf row
 * (PidTagInstID, PidTagInstanceNum, PidTagRowType, PidTagDepth). */
int store_table_header_values(TALLOC_CTX *mem_ctx, struct store_table *t, const struct trow *row,
                              const struct mapi_proptag_array *cols,
                              struct mapi_propval_array *out);
void store_table_leaf_extras(const struct store_table *t, const struct trow *row,
                             const struct mapi_proptag_array *cols, struct mapi_propval_array *out);
/* The instance ID of a row: the MID / FID of a leaf, the category ID of a
 * header. */
uint64_t store_table_row_inst(const struct store_table *t, const struct trow *row);

#endif
