/*
 * Categorised-table ROPs ([MS-OXCTABL] 3.2.5.17-3.2.5.20) over store_table:
 * RopExpandRow, RopCollapseRow, RopGetCollapseState, RopSetCollapseState.
 */
#include "ems_table.h"

/* The position of the row whose PidTagInstID is id, or -1: a scan with
 * that one column (the client's columns are put back after). */
static int64_t row_index(TALLOC_CTX *mem, struct ems_table *t, uint64_t id)
{
	uint32_t tag = PROP_TAG(PT_I8, 0x674D); /* PidTagInstID */
	struct mapi_proptag_array one = {1, &tag};
	int64_t idx = -1, base = 0;
	struct mapi_propval_array *rows;
	uint32_t n;

	if (store_table_set_columns(t->st, &one) != 0)
		return -1;
	store_table_seek(t->st, STORE_BOOKMARK_BEGINNING, 0, NULL);
	while (idx < 0 && store_table_query_rows(mem, t->st, 256, true, &rows, &n) == 0 && n > 0) {
		for (uint32_t i = 0; i < n && idx < 0; i++) {
			if (PROP_TYPE(rows[i].vals[0].tag) == PT_I8 &&
			    (uint64_t)rows[i].vals[0].v.i64 == id)
				idx = base + i;
		}
		base += n;
		talloc_free(rows);
	}
	store_table_set_columns(t->st, t->store_columns);
	return idx;
}

/* The first max rows under category cat (just expanded), read from the
 * row after its header; the cursor is put back where it was. */
static uint32_t rows_under(struct ems_rop_ctx *c, struct ems_table *t, uint64_t cat, uint32_t max,
                           struct rop_row_list *out)
{
	uint32_t bm, ec = 0;
	int64_t idx;
	bool gone;

	out->count = 0;
	out->rows = NULL;
	if (max == 0 || !t->columns_set || store_table_bookmark_create(t->st, &bm) != 0)
		return 0;
	idx = row_index(c->mem, t, cat);
	if (idx >= 0 && idx < INT32_MAX &&
	    store_table_seek(t->st, STORE_BOOKMARK_BEGINNING, (int32_t)idx + 1, NULL) == 0)
		ec = ems_table_read_rows(c, t, max, true, true, c->space > 32 ? c->space - 32 : 0,
		                         out);
	store_table_bookmark_seek(t->st, bm, 0, &gone);
	store_table_bookmark_free(t->st, bm);
	return ec;
}

/* [MS-OXCTABL] 3.2.5.17: the count of rows that appeared and the first
 * MaxRowCount of them. */
uint32_t ems_rop_expand_row(struct ems_rop_ctx *c, const struct rop_request *req,
                            struct rop_response *resp)
{
	const struct rop_expand_row_req *q = &req->u.expand_row;
	struct rop_expand_row_resp *r = &resp->u.expand_row;
	struct ems_table *t = ems_table_of(c);
	int ret;

	if (t->st == NULL)
		return EC_NotSupported;
	ret = store_table_expand(t->st, q->category_id, true, &r->expanded_row_count);
	if (ret != 0)
		return ems_ec_from_store(ret);
	c->columns = &t->columns;
	return rows_under(c, t, q->category_id,
	                  q->max_row_count < r->expanded_row_count ? q->max_row_count
	                                                           : r->expanded_row_count,
	                  &r->rows);
}

/* [MS-OXCTABL] 3.2.5.18 */
uint32_t ems_rop_collapse_row(struct ems_rop_ctx *c, const struct rop_request *req,
                              struct rop_response *resp)
{
	struct ems_table *t = ems_table_of(c);

	if (t->st == NULL)
		return EC_NotSupported;
	return ems_ec_from_store(store_table_expand(t->st, req->u.collapse_row.category_id, false,
	                                            &resp->u.collapse_row.collapsed_row_count));
}

/* [MS-OXCTABL] 3.2.5.19 */
uint32_t ems_rop_get_collapse_state(struct ems_rop_ctx *c, const struct rop_request *req,
                                    struct rop_response *resp)
{
	struct ems_table *t = ems_table_of(c);

	if (t->st == NULL)
		return EC_NotSupported;
	return ems_ec_from_store(
	    store_table_get_collapse_state(c->mem, t->st, req->u.get_collapse_state.row_id,
	                                   &resp->u.get_collapse_state.collapse_state));
}

/* [MS-OXCTABL] 3.2.5.20: the answer is a bookmark on the anchor row. */
uint32_t ems_rop_set_collapse_state(struct ems_rop_ctx *c, const struct rop_request *req,
                                    struct rop_response *resp)
{
	struct ems_table *t = ems_table_of(c);
	struct mapi_binary *b = &resp->u.set_collapse_state.bookmark;
	uint32_t bm;
	int ret;

	if (t->st == NULL)
		return EC_NotSupported;
	ret = store_table_set_collapse_state(t->st, &req->u.set_collapse_state.collapse_state, &bm);
	if (ret != 0)
		return ems_ec_from_store(ret);
	b->len = 4;
	b->data = talloc_memdup(c->mem, &bm, 4);
	return b->data != NULL ? 0 : EC_OutOfMemory;
}
