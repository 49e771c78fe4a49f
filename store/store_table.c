/*
 * store_table: hierarchy, contents and FAI contents tables ([MS-OXCTABL]).
 *
 * Two ways to produce the row set:
 * - lazy: a contents table without restriction, unsorted or sorted on one
 *   indexed column (delivery or modification time, either direction), reads
 *   rows from the index as the cursor advances: the first rows of a folder
 *   of any size cost a handful of page reads.
 * - materialised: otherwise every candidate row is read once, restricted
 *   and sorted in memory ([MS-OXCDATA] 2.12, 2.13); the table keeps the
 *   sorted row IDs, so it is stable while the folder changes.
 * Row values are read when rows are queried.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mapi_restrict.h"
#include "store_private.h"
#include "store_table_int.h"

static uint8_t kind_byte(const struct store_table *t)
{
	if (t->kind == STORE_TABLE_FAI)
		return KIND_FAI;
	if (t->flags & STORE_TABLE_SOFTDELETED)
		return KIND_SOFTDEL;
	return KIND_MESSAGE;
}

int store_table_open(TALLOC_CTX *mem_ctx, struct store_mailbox *mbox, uint64_t fid,
                     enum store_table_kind kind, unsigned int flags, struct store_table **table_r)
{
	MDB_txn *txn = NULL;
	struct obj o;
	if (kind != STORE_TABLE_HIERARCHY && kind != STORE_TABLE_CONTENTS &&
	    kind != STORE_TABLE_FAI)
		return STORE_E_INVALID;
	int ret = store_txn_begin(mbox, false, &txn);
	if (ret < 0)
		return ret;
	ret = store_obj_get(txn, mbox, store_gc(fid), &o);
	mdb_txn_abort(txn);
	if (ret < 0)
		return ret;
	if (ret == 0 || o.hdr.kind != KIND_FOLDER)
		return STORE_E_NOTFOUND;
	struct store_table *t = talloc_zero(mem_ctx, struct store_table);
	if (t == NULL)
		return STORE_E_NOMEM;
	t->mbox = mbox;
	t->fgc = store_gc(fid);
	t->kind = kind;
	t->flags = flags;
	t->search = kind == STORE_TABLE_CONTENTS && (o.hdr.flags & OBJ_F_SEARCH) != 0;
	t->next_bm = 1;
	*table_r = t;
	return 0;
}

static void table_reset(struct store_table *t)
{
	TALLOC_FREE(t->rows);
	t->count = 0;
	t->loaded = false;
	t->lazy = t->lazy_done = t->have_last = false;
}

int store_table_set_columns(struct store_table *t, const struct mapi_proptag_array *cols)
{
	uint32_t *tags = talloc_array(t, uint32_t, cols->count + 1);
	if (tags == NULL)
		return STORE_E_NOMEM;
	if (cols->count > 0)
		memcpy(tags, cols->tags, cols->count * sizeof(uint32_t));
	talloc_free(t->cols.tags);
	t->cols.tags = tags;
	t->cols.count = cols->count;
	return 0;
}

int store_table_sort(struct store_table *t, const struct mapi_sort_order_set *sort)
{
	/* [MS-OXCDATA] 2.13: categories are the first CategorizedCount
	 * columns; ExpandedCount of them start expanded.  Categories ordered
	 * by the maximum or minimum of a column, and categories over
	 * multi-valued instances, are not implemented. */
	if (sort->categorized_count > sort->count || sort->expanded_count > sort->categorized_count)
		return STORE_E_INVALID;
	if (sort->categorized_count > 0 && t->kind == STORE_TABLE_HIERARCHY)
		return STORE_E_NOTSUPPORTED;
	for (uint16_t i = 0; i < sort->count; i++) {
		uint8_t order = sort->sorts[i].order;
		if (order != TABLE_SORT_ASCEND && order != TABLE_SORT_DESCEND)
			return order == TABLE_SORT_MAXIMUM_CATEGORY ||
			               order == TABLE_SORT_MINIMUM_CATEGORY
			           ? STORE_E_NOTSUPPORTED
			           : STORE_E_INVALID;
		if (i < sort->categorized_count && (sort->sorts[i].proptag & MV_INSTANCE))
			return STORE_E_NOTSUPPORTED;
	}
	struct mapi_sort_order *s = talloc_array(t, struct mapi_sort_order, sort->count + 1);
	if (s == NULL)
		return STORE_E_NOMEM;
	if (sort->count > 0)
		memcpy(s, sort->sorts, sort->count * sizeof(*s));
	talloc_free(t->sort.sorts);
	t->sort = *sort;
	t->sort.sorts = s;
	table_reset(t);
	t->pos = 0;
	return 0;
}

int store_table_restrict(struct store_table *t, const struct mapi_restriction *res)
{
	struct mapi_restriction *copy = NULL;
	if (res != NULL) {
		copy = mapi_restriction_dup(t, res);
		if (copy == NULL)
			return STORE_E_INVALID;
	}
	talloc_free(t->res);
	t->res = copy;
	table_reset(t);
	t->pos = 0;
	return 0;
}

void store_table_refresh(struct store_table *t)
{
	table_reset(t);
}

/* ---- restriction callbacks on stored objects ---- */

struct row_ctx {
	MDB_txn *txn;
	struct store_mailbox *mbox;
	const struct obj *obj;
	struct pbag *bag; /* sub-object rows */
};

static int obj_getter(TALLOC_CTX *mem_ctx, void *ctx, uint32_t tag, struct mapi_propval *v)
{
	struct row_ctx *rc = ctx;
	return store_obj_prop(mem_ctx, rc->txn, rc->mbox, rc->obj, tag, v);
}

static int bag_getter(TALLOC_CTX *mem_ctx, void *ctx, uint32_t tag, struct mapi_propval *v)
{
	struct row_ctx *rc = ctx;
	struct pbag_entry *e = store_pbag_find(rc->bag, tag);
	if (e == NULL)
		return 0;
	return store_pbag_load(mem_ctx, rc->txn, rc->mbox, e, v) ?: 1;
}

static const struct mapi_restrict_ops bag_ops = {bag_getter, NULL};

/* [MS-OXCDATA] 2.12.9: any recipient or attachment matching. */
static int sub_eval(void *ctx, uint32_t subobject, const struct mapi_restriction *res)
{
	struct row_ctx *rc = ctx;
	TALLOC_CTX *tmp = talloc_new(NULL);
	uint8_t key[12];
	MDB_val k = {8, key}, v;
	int ret = 0;
	be64_put(key, rc->obj->gc);
	if (subobject == PR_MESSAGE_RECIPIENTS &&
	    mdb_get(rc->txn, rc->mbox->env->dbi[DB_RECIP], &k, &v) == 0) {
		const uint8_t *p = v.mv_data;
		for (size_t ofs = 0; ret == 0 && v.mv_size - ofs >= 8;) {
			uint32_t blen;
			struct pbag bag;
			memcpy(&blen, p + ofs + 4, 4);
			ofs += 8;
			if (v.mv_size - ofs < blen)
				break;
			ret = store_pbag_decode(tmp, p + ofs, blen, &bag);
			struct row_ctx sub = {rc->txn, rc->mbox, rc->obj, &bag};
			if (ret == 0)
				ret = mapi_restrict_eval(res, &bag_ops, &sub);
			ofs += blen;
		}
	} else if (subobject == PR_MESSAGE_ATTACHMENTS) {
		MDB_cursor *cur;
		memset(key + 8, 0, 4);
		k.mv_size = 12;
		if (mdb_cursor_open(rc->txn, rc->mbox->env->dbi[DB_ATTACH], &cur) != 0) {
			talloc_free(tmp);
			return STORE_E_IO;
		}
		for (int r = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); r == 0 && ret == 0;
		     r = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
			struct pbag bag;
			if (k.mv_size != 12 || memcmp(k.mv_data, key, 8) != 0)
				break;
			ret = store_pbag_decode(tmp, v.mv_data, v.mv_size, &bag);
			struct row_ctx sub = {rc->txn, rc->mbox, rc->obj, &bag};
			if (ret == 0)
				ret = mapi_restrict_eval(res, &bag_ops, &sub);
		}
		mdb_cursor_close(cur);
	}
	talloc_free(tmp);
	return ret;
}

static const struct mapi_restrict_ops obj_ops = {obj_getter, sub_eval};

int store_obj_match(MDB_txn *txn, struct store_mailbox *mbox, const struct obj *obj,
                    const struct mapi_restriction *res)
{
	struct row_ctx rc = {txn, mbox, obj, NULL};
	int ret = mapi_restrict_eval(res, &obj_ops, &rc);
	return ret < 0 ? STORE_E_INVALID : ret;
}

/* ---- materialised row sets ---- */

static int sort_cmp(const void *pa, const void *pb, void *arg)
{
	const struct store_table *t = arg;
	const struct sort_row *a = pa, *b = pb;
	for (uint16_t i = 0; i < t->sort.count; i++) {
		bool ha = PROP_TYPE(a->keys[i].tag) != PT_ERROR;
		bool hb = PROP_TYPE(b->keys[i].tag) != PT_ERROR;
		/* Absent values sort before present ones ([MS-OXCTABL] 3.2.5.2). */
		int c =
		    ha && hb ? mapi_propval_compare(&a->keys[i], &b->keys[i]) : (int)ha - (int)hb;
		if (t->sort.sorts[i].order == TABLE_SORT_DESCEND)
			c = -c;
		if (c != 0)
			return c;
	}
	return a->row.gc < b->row.gc ? -1 : a->row.gc > b->row.gc;
}

struct collect {
	struct store_table *t;
	MDB_txn *txn;
	TALLOC_CTX *keys_ctx;
	struct sort_row *rows;
	uint32_t count, cap;
};

static int collect_one(struct collect *c, uint64_t gc, uint32_t depth)
{
	struct store_table *t = c->t;
	struct obj o;
	int ret = store_obj_get(c->txn, t->mbox, gc, &o);
	if (ret <= 0)
		return ret;
	struct row_ctx rc = {c->txn, t->mbox, &o, NULL};
	if (t->res != NULL) {
		ret = mapi_restrict_eval(t->res, &obj_ops, &rc);
		if (ret <= 0)
			return ret < 0 ? STORE_E_INVALID : 0;
	}
	if (c->count == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 256;
		struct sort_row *r = talloc_realloc(c->keys_ctx, c->rows, struct sort_row, c->cap);
		if (r == NULL)
			return STORE_E_NOMEM;
		c->rows = r;
	}
	struct sort_row *r = &c->rows[c->count++];
	r->row.gc = gc;
	r->row.depth = depth;
	r->row.cat = 0;
	r->unread = (o.hdr.flags & OBJ_F_READ) == 0;
	r->keys = NULL;
	if (t->sort.count == 0)
		return 0;
	r->keys = talloc_zero_array(c->keys_ctx, struct mapi_propval, t->sort.count);
	if (r->keys == NULL)
		return STORE_E_NOMEM;
	for (uint16_t i = 0; i < t->sort.count; i++) {
		ret = store_obj_prop(c->keys_ctx, c->txn, t->mbox, &o, t->sort.sorts[i].proptag,
		                     &r->keys[i]);
		if (ret < 0)
			return ret;
		if (ret == 0)
			r->keys[i].tag = PROP_TAG(PT_ERROR, 0);
	}
	return 0;
}

static int collect_folders(struct collect *c, uint64_t parent, uint32_t depth)
{
	uint64_t *gcs;
	uint32_t n;
	if (depth > 64)
		return STORE_E_CORRUPT;
	int ret = store_children(NULL, c->txn, c->t->mbox, parent, KIND_FOLDER, &gcs, &n);
	for (uint32_t i = 0; i < n && ret == 0; i++) {
		ret = collect_one(c, gcs[i], depth);
		if (ret == 0 && (c->t->flags & STORE_TABLE_DEPTH))
			ret = collect_folders(c, gcs[i], depth + 1);
	}
	talloc_free(gcs);
	return ret;
}

static int materialise(struct store_table *t)
{
	struct collect c = {.t = t, .keys_ctx = talloc_new(NULL)};
	int ret = store_txn_begin(t->mbox, false, &c.txn);
	if (ret < 0) {
		talloc_free(c.keys_ctx);
		return ret;
	}
	if (t->kind == STORE_TABLE_HIERARCHY) {
		ret = collect_folders(&c, t->fgc, 0);
	} else {
		uint64_t *gcs;
		uint32_t n;
		if (t->search && !(t->flags & STORE_TABLE_SOFTDELETED))
			ret = store_search_links(c.keys_ctx, c.txn, t->mbox, t->fgc, &gcs, &n);
		else if (t->search)
			ret = 0, gcs = NULL, n = 0;
		else
			ret = store_children(c.keys_ctx, c.txn, t->mbox, t->fgc, kind_byte(t), &gcs,
			                     &n);
		for (uint32_t i = 0; i < n && ret == 0; i++)
			ret = collect_one(&c, gcs[i], 0);
	}
	mdb_txn_abort(c.txn);
	if (ret == 0 && t->sort.count > 0 && c.count > 1)
		qsort_r(c.rows, c.count, sizeof(c.rows[0]), sort_cmp, t);
	if (ret == 0 && t->sort.categorized_count > 0) {
		ret = store_table_categorise(t, c.rows, c.count);
	} else if (ret == 0) {
		t->rows = talloc_array(t, struct trow, c.count + 1);
		if (t->rows == NULL)
			ret = STORE_E_NOMEM;
		for (uint32_t i = 0; ret == 0 && i < c.count; i++)
			t->rows[i] = c.rows[i].row;
		t->count = c.count;
		t->total = c.count;
	}
	talloc_free(c.keys_ctx);
	return ret;
}

/* ---- lazy row sets ---- */

static bool lazy_possible(struct store_table *t)
{
	if (t->kind == STORE_TABLE_HIERARCHY || t->search || t->res != NULL || t->sort.count > 1 ||
	    t->sort.categorized_count > 0)
		return false;
	if (t->sort.count == 0)
		return true;
	uint32_t tag = t->sort.sorts[0].proptag;
	uint8_t order = t->sort.sorts[0].order;
	return (tag == PR_MESSAGE_DELIVERY_TIME || tag == PR_LAST_MODIFICATION_TIME) &&
	       (order == TABLE_SORT_ASCEND || order == TABLE_SORT_DESCEND) &&
	       kind_byte(t) != KIND_SOFTDEL;
}

static int lazy_start(struct store_table *t)
{
	MDB_txn *txn = NULL;
	struct obj o;
	be64_put(t->prefix, t->fgc);
	t->prefix[8] = kind_byte(t);
	if (t->sort.count == 0) {
		t->prefix_len = 9;
	} else {
		t->prefix[9] = t->sort.sorts[0].proptag == PR_MESSAGE_DELIVERY_TIME ? 'd' : 'm';
		t->prefix_len = 10;
		t->lazy_desc = t->sort.sorts[0].order == TABLE_SORT_DESCEND;
	}
	int ret = store_txn_begin(t->mbox, false, &txn);
	if (ret < 0)
		return ret;
	ret = store_obj_get(txn, t->mbox, t->fgc, &o);
	mdb_txn_abort(txn);
	if (ret <= 0)
		return ret == 0 ? STORE_E_NOTFOUND : ret;
	t->total = t->kind == STORE_TABLE_FAI             ? o.hdr.fai_count
	           : (t->flags & STORE_TABLE_SOFTDELETED) ? (uint32_t)o.hdr.softdel_count
	                                                  : o.hdr.content_count;
	t->lazy = true;
	return 0;
}

/* Positions the cursor on the first key not yet read; MDB_NOTFOUND at
 * the end. */
static int lazy_seek(struct store_table *t, MDB_cursor *cur, MDB_val *k, MDB_val *v)
{
	uint8_t start[26];
	int rc;
	if (t->have_last) {
		memcpy(start, t->last_key, t->last_len);
		k->mv_size = t->last_len;
	} else {
		memcpy(start, t->prefix, t->prefix_len);
		memset(start + t->prefix_len, t->lazy_desc ? 0xFF : 0x00, 26 - t->prefix_len);
		k->mv_size = t->prefix_len == 9 ? 17 : 26;
	}
	k->mv_data = start;
	rc = mdb_cursor_get(cur, k, v, MDB_SET_RANGE);
	if (!t->lazy_desc) {
		if (rc == 0 && t->have_last && k->mv_size == t->last_len &&
		    memcmp(k->mv_data, t->last_key, t->last_len) == 0)
			rc = mdb_cursor_get(cur, k, v, MDB_NEXT);
		return rc;
	}
	/* Descending: the first key below the start. */
	if (rc == MDB_NOTFOUND)
		return mdb_cursor_get(cur, k, v, MDB_LAST);
	if (rc != 0)
		return rc;
	return mdb_cursor_get(cur, k, v, MDB_PREV);
}

static int lazy_fill(struct store_table *t, uint32_t need)
{
	MDB_txn *txn = NULL;
	MDB_cursor *cur;
	MDB_val k, v;
	if (t->lazy_done || t->count >= need)
		return 0;
	int ret = store_txn_begin(t->mbox, false, &txn);
	if (ret < 0)
		return ret;
	MDB_dbi dbi = t->mbox->env->dbi[t->prefix_len == 9 ? DB_CHILD : DB_IDX];
	int rc = mdb_cursor_open(txn, dbi, &cur);
	if (rc != 0) {
		mdb_txn_abort(txn);
		return store_mdb_err(rc);
	}
	uint32_t want = need - t->count < LAZY_BATCH ? LAZY_BATCH : need - t->count;
	struct trow *rows = talloc_realloc(t, t->rows, struct trow, t->count + want + 1);
	if (rows == NULL)
		rc = ENOMEM;
	else
		t->rows = rows;
	for (rc = rc ? rc : lazy_seek(t, cur, &k, &v); rc == 0 && want > 0;
	     rc = mdb_cursor_get(cur, &k, &v, t->lazy_desc ? MDB_PREV : MDB_NEXT)) {
		if (k.mv_size < t->prefix_len + 8 ||
		    memcmp(k.mv_data, t->prefix, t->prefix_len) != 0) {
			rc = MDB_NOTFOUND;
			break;
		}
		t->rows[t->count].gc = be64_get((const uint8_t *)k.mv_data + k.mv_size - 8);
		t->rows[t->count].cat = 0;
		t->rows[t->count++].depth = 0;
		memcpy(t->last_key, k.mv_data, k.mv_size);
		t->last_len = k.mv_size;
		t->have_last = true;
		want--;
	}
	if (rc == MDB_NOTFOUND) {
		t->lazy_done = true;
		t->total = t->count;
		rc = 0;
	}
	mdb_cursor_close(cur);
	mdb_txn_abort(txn);
	if (t->count > t->total)
		t->total = t->count;
	return store_mdb_err(rc);
}

static int table_load(struct store_table *t)
{
	if (t->loaded)
		return 0;
	int ret = lazy_possible(t) ? lazy_start(t) : materialise(t);
	if (ret == 0)
		t->loaded = true;
	if (t->pos > t->total)
		t->pos = t->total;
	return ret;
}

int store_table_load(struct store_table *t)
{
	return table_load(t);
}

/* Makes rows [0, need) available when they exist. */
static int table_need(struct store_table *t, uint32_t need)
{
	int ret = table_load(t);
	/* In steps, so that "everything" costs memory only for what exists. */
	while (ret == 0 && t->lazy && !t->lazy_done && t->count < need) {
		uint32_t step = need - t->count > 65536 ? t->count + 65536 : need;
		ret = lazy_fill(t, step);
	}
	return ret;
}

static uint32_t table_total(struct store_table *t)
{
	return t->lazy ? (t->lazy_done ? t->count : t->total) : t->count;
}

/* ---- reading rows ---- */

static int row_values(TALLOC_CTX *mem_ctx, struct store_table *t, MDB_txn *txn,
                      const struct trow *row, struct mapi_propval_array *out)
{
	struct obj o;
	uint32_t id_tag = t->kind == STORE_TABLE_HIERARCHY ? PR_FOLDER_ID : PR_MID;
	struct mapi_proptag_array def = {1, &id_tag};
	const struct mapi_proptag_array *cols = t->cols.count ? &t->cols : &def;
	if (row->cat != 0)
		return store_table_header_values(mem_ctx, t, row, cols, out) ?: 1;
	int ret = store_obj_get(txn, t->mbox, row->gc, &o);
	if (ret <= 0)
		return ret;
	ret = store_obj_props(mem_ctx, txn, t->mbox, &o, cols, out);
	if (ret == 0 && t->kind != STORE_TABLE_HIERARCHY)
		store_table_leaf_extras(t, row, cols, out);
	for (uint32_t i = 0; ret == 0 && i < cols->count; i++) {
		if (PROP_ID(cols->tags[i]) == PROP_ID(PR_DEPTH)) {
			out->vals[i].tag = PR_DEPTH;
			out->vals[i].v.i32 = (int32_t)row->depth;
		}
	}
	return ret < 0 ? ret : 1;
}

int store_table_query_rows(TALLOC_CTX *mem_ctx, struct store_table *t, uint32_t count, bool forward,
                           struct mapi_propval_array **rows_r, uint32_t *count_r)
{
	MDB_txn *txn = NULL;
	int ret = table_need(t, forward ? (t->pos + count < t->pos ? UINT32_MAX : t->pos + count)
	                                : t->pos);
	if (ret < 0)
		return ret;
	uint32_t avail = forward ? (t->count > t->pos ? t->count - t->pos : 0) : t->pos;
	uint32_t n = count < avail ? count : avail;
	struct mapi_propval_array *rows =
	    talloc_zero_array(mem_ctx, struct mapi_propval_array, n + 1);
	if (rows == NULL)
		return STORE_E_NOMEM;
	ret = store_txn_begin(t->mbox, false, &txn);
	uint32_t got = 0, i;
	for (i = 0; i < n && ret == 0; i++) {
		uint32_t idx = forward ? t->pos + i : t->pos - 1 - i;
		ret = row_values(rows, t, txn, &t->rows[idx], &rows[got]);
		if (ret == 1) {
			got++;
			ret = 0;
		}
	}
	if (txn != NULL)
		mdb_txn_abort(txn);
	if (ret < 0) {
		talloc_free(rows);
		return ret;
	}
	t->pos = forward ? t->pos + n : t->pos - n;
	*rows_r = rows;
	*count_r = got;
	return 0;
}

int store_table_seek(struct store_table *t, enum store_bookmark origin, int32_t delta,
                     int32_t *moved_r)
{
	int ret = table_load(t);
	if (ret < 0)
		return ret;
	if (origin == STORE_BOOKMARK_END || delta > 0)
		ret = table_need(t, origin == STORE_BOOKMARK_END ? UINT32_MAX
		                                                 : t->pos + (uint32_t)delta);
	if (ret < 0)
		return ret;
	int64_t base = origin == STORE_BOOKMARK_BEGINNING ? 0
	               : origin == STORE_BOOKMARK_CURRENT ? t->pos
	                                                  : table_total(t);
	int64_t target = base + delta;
	if (target < 0)
		target = 0;
	if (target > (int64_t)t->count)
		target = t->count;
	if (moved_r != NULL)
		*moved_r = (int32_t)(target - (origin == STORE_BOOKMARK_CURRENT ? t->pos : base));
	t->pos = (uint32_t)target;
	return 0;
}

int store_table_seek_fraction(struct store_table *t, uint32_t numerator, uint32_t denominator)
{
	if (denominator == 0)
		return STORE_E_INVALID;
	int ret = table_need(t, UINT32_MAX);
	if (ret < 0)
		return ret;
	uint64_t p = (uint64_t)t->count * numerator / denominator;
	t->pos = (uint32_t)(p > t->count ? t->count : p);
	return 0;
}

int store_table_position(struct store_table *t, uint32_t *position_r, uint32_t *total_r)
{
	int ret = table_load(t);
	if (ret < 0)
		return ret;
	*position_r = t->pos;
	*total_r = table_total(t);
	return 0;
}

uint64_t store_table_current_id(struct store_table *t)
{
	if (table_need(t, t->pos + 1) < 0 || t->pos >= t->count)
		return 0;
	return store_table_row_inst(t, &t->rows[t->pos]);
}

int store_table_bookmark_create(struct store_table *t, uint32_t *bookmark_r)
{
	int ret = table_need(t, t->pos + 1);
	if (ret < 0)
		return ret;
	struct tbookmark *b = talloc_realloc(t, t->bms, struct tbookmark, t->bm_count + 1);
	if (b == NULL)
		return STORE_E_NOMEM;
	t->bms = b;
	b = &t->bms[t->bm_count++];
	b->id = t->next_bm++;
	b->gc = t->pos < t->count ? store_table_row_inst(t, &t->rows[t->pos]) : 0;
	b->pos = t->pos;
	*bookmark_r = b->id;
	return 0;
}

static struct tbookmark *bm_find(struct store_table *t, uint32_t id)
{
	for (uint32_t i = 0; i < t->bm_count; i++) {
		if (t->bms[i].id == id)
			return &t->bms[i];
	}
	return NULL;
}

int store_table_bookmark_seek(struct store_table *t, uint32_t bookmark, int32_t delta,
                              bool *row_gone_r)
{
	struct tbookmark *b = bm_find(t, bookmark);
	if (b == NULL)
		return STORE_E_NOTFOUND;
	int ret = table_load(t);
	if (ret < 0)
		return ret;
	uint32_t i;
	bool gone = true;
	for (i = 0; i < t->count; i++) {
		if (b->gc != 0 && store_table_row_inst(t, &t->rows[i]) == b->gc) {
			gone = false;
			break;
		}
	}
	if (gone)
		i = b->pos < t->count ? b->pos : t->count;
	if (b->gc == 0)
		gone = false;
	t->pos = i;
	if (row_gone_r != NULL)
		*row_gone_r = gone;
	return store_table_seek(t, STORE_BOOKMARK_CURRENT, delta, NULL);
}

int store_table_bookmark_free(struct store_table *t, uint32_t bookmark)
{
	struct tbookmark *b = bm_find(t, bookmark);
	if (b == NULL)
		return STORE_E_NOTFOUND;
	size_t i = (size_t)(b - t->bms);
	memmove(b, b + 1, (t->bm_count - i - 1) * sizeof(*b));
	t->bm_count--;
	return 0;
}

int store_table_find_row(struct store_table *t, const struct mapi_restriction *res, bool forward)
{
	MDB_txn *txn = NULL;
	int ret = table_load(t);
	if (ret < 0)
		return ret;
	ret = store_txn_begin(t->mbox, false, &txn);
	int64_t i = forward ? t->pos : (int64_t)t->pos - 1;
	int found = 0;
	while (ret == 0 && !found) {
		if (forward && t->lazy && (uint32_t)i >= t->count)
			ret = lazy_fill(t, (uint32_t)i + 1);
		if (ret < 0 || i < 0 || (uint64_t)i >= t->count)
			break;
		struct obj o;
		/* Header rows of a categorised view are not searched. */
		ret = t->rows[i].cat != 0 ? 0 : store_obj_get(txn, t->mbox, t->rows[i].gc, &o);
		if (ret == 1) {
			struct row_ctx rc = {txn, t->mbox, &o, NULL};
			ret = mapi_restrict_eval(res, &obj_ops, &rc);
			if (ret < 0)
				ret = STORE_E_INVALID;
			found = ret == 1;
			ret = ret < 0 ? ret : 0;
		}
		if (!found)
			i += forward ? 1 : -1;
	}
	if (txn != NULL)
		mdb_txn_abort(txn);
	if (ret < 0)
		return ret;
	if (found)
		t->pos = (uint32_t)i;
	return found;
}

void store_table_close(struct store_table **table)
{
	TALLOC_FREE(*table);
}

uint8_t store_table_kind_byte(const struct store_table *t)
{
	return kind_byte(t);
}

int store_table_row_values(TALLOC_CTX *mem_ctx, struct store_table *t, MDB_txn *txn,
                           const struct trow *row, struct mapi_propval_array *out)
{
	return row_values(mem_ctx, t, txn, row, out);
}

void store_table_reset(struct store_table *t)
{
	table_reset(t);
}
