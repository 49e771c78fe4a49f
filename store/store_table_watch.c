/*
 * store_table_watch: table notifications ([MS-OXCNOTIF] 2.2.1.4.1.2
 * TableEventType, TableModified notifications).
 *
 * A watched table subscribes to its mailbox's store events.  The store
 * callback runs on the thread that made the change, so it only records
 * which objects changed (under the watch's lock) and tells the reader.
 * The reader, on its own thread, calls store_table_events(): each recorded
 * object is looked up again and the table's row set is patched (inserted
 * at its sort position, moved, or removed), giving ROW_ADDED / MODIFIED /
 * DELETED events with the row's columns and the row before it.  Views that
 * cannot be patched row by row (categories, whole-subtree hierarchies,
 * emptied folders) are re-read and give one TABLE_CHANGED.
 */
#include <stdlib.h>
#include <string.h>

#include "mapi_restrict.h"
#include "store_table_int.h"

#define MAX_PENDING 1024 /* beyond: TABLE_CHANGED */

struct table_watch {
	pthread_mutex_t lock;
	struct store *store;
	int sub;
	/* immutable copies of the table's identity, for the callback */
	uint64_t fgc;
	enum store_table_kind kind;
	bool fai;
	/* pending changes */
	uint64_t ids[MAX_PENDING]; /* gcs */
	uint32_t n;
	bool all;
	store_table_notify_cb *cb;
	void *ctx;
};

static void on_event(const struct store_event *ev, void *ctx)
{
	struct table_watch *w = ctx;
	uint64_t fgc = store_gc(ev->fid), ofgc = store_gc(ev->old_fid);
	bool relevant;
	uint64_t gc;
	if (w->kind == STORE_TABLE_HIERARCHY) {
		/* A folder event names the folder, not its parent: every one
		 * is looked at. */
		relevant = ev->mid == 0;
		gc = fgc;
	} else {
		relevant = (fgc == w->fgc || (ofgc == w->fgc && ofgc != 0)) &&
		           (ev->mid == 0 || ev->associated == w->fai) &&
		           ev->type != STORE_EV_NEWMAIL;
		gc = store_gc(ev->mid);
	}
	if (!relevant)
		return;
	pthread_mutex_lock(&w->lock);
	bool first = w->n == 0 && !w->all;
	if (w->kind != STORE_TABLE_HIERARCHY && ev->mid == 0) {
		/* The folder itself changed (emptied ...): re-read. */
		w->all = true;
	} else if (ev->type == STORE_EV_MOVED && w->kind != STORE_TABLE_HIERARCHY) {
		/* Moved within or out of the folder: both IDs may matter. */
		if (w->n + 2 > MAX_PENDING)
			w->all = true;
		else {
			w->ids[w->n++] = gc;
			w->ids[w->n++] = store_gc(ev->old_mid);
		}
	} else if (w->n < MAX_PENDING) {
		w->ids[w->n++] = gc;
	} else {
		w->all = true;
	}
	store_table_notify_cb *cb = w->cb;
	void *cb_ctx = w->ctx;
	pthread_mutex_unlock(&w->lock);
	if (first && cb != NULL)
		cb(cb_ctx);
}

static int watch_destructor(struct table_watch *w)
{
	/* No callback runs after this returns. */
	store_unsubscribe(w->store, w->sub);
	pthread_mutex_destroy(&w->lock);
	return 0;
}

int store_table_watch(struct store_table *t, store_table_notify_cb *cb, void *ctx)
{
	if (t->watch != NULL)
		return STORE_E_INVALID;
	struct table_watch *w = talloc_zero(t, struct table_watch);
	if (w == NULL)
		return STORE_E_NOMEM;
	pthread_mutex_init(&w->lock, NULL);
	w->store = t->mbox->store;
	w->fgc = t->fgc;
	w->kind = t->kind;
	w->fai = t->kind == STORE_TABLE_FAI;
	w->cb = cb;
	w->ctx = ctx;
	w->sub = store_subscribe(w->store, &t->mbox->env->ident.mailbox_guid, on_event, w);
	if (w->sub < 0) {
		int ret = w->sub;
		pthread_mutex_destroy(&w->lock);
		talloc_free(w);
		return ret;
	}
	talloc_set_destructor(w, watch_destructor);
	t->watch = w;
	return 0;
}

/* ---- patching the row set ---- */

/* Whether object gc is a row of t now; 1 with *o, 0, <0. */
static int is_member(MDB_txn *txn, struct store_table *t, uint64_t gc, struct obj *o)
{
	int ret = store_obj_get(txn, t->mbox, gc, o);
	if (ret <= 0)
		return ret;
	if (t->kind == STORE_TABLE_HIERARCHY) {
		if (o->hdr.kind != KIND_FOLDER || o->hdr.parent != t->fgc)
			return 0;
	} else if (t->search) {
		uint64_t *links;
		uint32_t n;
		bool found = false;
		if (o->hdr.kind != KIND_MESSAGE)
			return 0;
		ret = store_search_links(NULL, txn, t->mbox, t->fgc, &links, &n);
		for (uint32_t i = 0; ret == 0 && i < n && !found; i++)
			found = links[i] == gc;
		talloc_free(links);
		if (ret < 0 || !found)
			return ret;
	} else if (o->hdr.kind != store_table_kind_byte(t) || o->hdr.parent != t->fgc) {
		return 0;
	}
	if (t->res == NULL)
		return 1;
	return store_obj_match(txn, t->mbox, o, t->res);
}

/* Orders two rows as the table does: sort columns (absent values first,
 * [MS-OXCTABL] 3.2.5.2), then the ID in the direction the index walks. */
static int row_cmp(MDB_txn *txn, struct store_table *t, const struct obj *a, uint64_t bgc)
{
	struct obj b;
	TALLOC_CTX *tmp = talloc_new(NULL);
	int c = 0;
	if (store_obj_get(txn, t->mbox, bgc, &b) != 1) {
		talloc_free(tmp);
		return 1; /* a vanished row sorts first: the new row goes after */
	}
	for (uint16_t i = 0; i < t->sort.count && c == 0; i++) {
		struct mapi_propval va, vb;
		uint32_t tag = t->sort.sorts[i].proptag;
		bool ha = store_obj_prop(tmp, txn, t->mbox, a, tag, &va) == 1;
		bool hb = store_obj_prop(tmp, txn, t->mbox, &b, tag, &vb) == 1;
		c = ha && hb ? mapi_propval_compare(&va, &vb) : (int)ha - (int)hb;
		if (t->sort.sorts[i].order == TABLE_SORT_DESCEND)
			c = -c;
	}
	talloc_free(tmp);
	if (c != 0)
		return c;
	c = a->gc < bgc ? -1 : a->gc > bgc;
	return t->lazy && t->lazy_desc ? -c : c;
}

/* Where obj goes in rows[]: a binary search over the loaded rows. */
static int insert_pos(MDB_txn *txn, struct store_table *t, const struct obj *o, uint32_t *pos_r)
{
	uint32_t lo = 0, hi = t->count;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (row_cmp(txn, t, o, t->rows[mid].gc) > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*pos_r = lo;
	return 0;
}

static uint32_t find_row(const struct store_table *t, uint64_t gc)
{
	uint32_t i;
	for (i = 0; i < t->count; i++) {
		if (t->rows[i].gc == gc)
			break;
	}
	return i;
}

static void remove_row(struct store_table *t, uint32_t i)
{
	memmove(&t->rows[i], &t->rows[i + 1], (t->count - i - 1) * sizeof(t->rows[0]));
	t->count--;
	if (t->total > 0)
		t->total--;
	if (i < t->pos)
		t->pos--;
}

static int insert_row(struct store_table *t, uint32_t i, uint64_t gc)
{
	struct trow *rows = talloc_realloc(t, t->rows, struct trow, t->count + 2);
	if (rows == NULL)
		return STORE_E_NOMEM;
	t->rows = rows;
	memmove(&rows[i + 1], &rows[i], (t->count - i) * sizeof(rows[0]));
	rows[i] = (struct trow){.gc = gc};
	t->count++;
	t->total++;
	if (i < t->pos)
		t->pos++;
	return 0;
}

/* Patches the row set for object gc; appends the event to evs. */
static int patch_one(TALLOC_CTX *mem_ctx, MDB_txn *txn, struct store_table *t, uint64_t gc,
                     struct store_table_event *ev, bool *have_r)
{
	struct obj o;
	uint32_t at = find_row(t, gc), pos;
	*have_r = false;
	int member = is_member(txn, t, gc, &o);
	if (member < 0)
		return member;
	if (!member) {
		if (at == t->count)
			return 0;
		remove_row(t, at);
		*ev = (struct store_table_event){.type = STORE_TABLE_ROW_DELETED,
		                                 .row_id = store_id(gc)};
		*have_r = true;
		return 0;
	}
	bool existed = at < t->count;
	if (existed)
		remove_row(t, at);
	int ret = insert_pos(txn, t, &o, &pos);
	/* A lazy table reads rows past what it has loaded from the index
	 * later; a row that belongs there is not inserted now. */
	if (ret == 0 && t->lazy && !t->lazy_done && pos == t->count && !existed) {
		t->total++;
		return 0;
	}
	ret = ret ?: insert_row(t, pos, gc);
	if (ret < 0)
		return ret;
	*ev = (struct store_table_event){
	    .type = existed ? STORE_TABLE_ROW_MODIFIED : STORE_TABLE_ROW_ADDED,
	    .row_id = store_id(gc),
	    .prev_row_id = pos > 0 ? store_table_row_inst(t, &t->rows[pos - 1]) : 0,
	};
	ret = store_table_row_values(mem_ctx, t, txn, &t->rows[pos], &ev->row);
	*have_r = ret == 1;
	return ret < 0 ? ret : 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

int store_table_events(TALLOC_CTX *mem_ctx, struct store_table *t, struct store_table_event **evs_r,
                       uint32_t *count_r)
{
	struct table_watch *w = t->watch;
	uint64_t ids[MAX_PENDING];
	uint32_t n, got = 0;
	bool all;
	*evs_r = NULL;
	*count_r = 0;
	if (w == NULL)
		return STORE_E_INVALID;
	pthread_mutex_lock(&w->lock);
	n = w->n;
	all = w->all;
	memcpy(ids, w->ids, n * sizeof(ids[0]));
	w->n = 0;
	w->all = false;
	pthread_mutex_unlock(&w->lock);
	if (n == 0 && !all)
		return 0;
	/* A table not read yet has shown nothing: it reads fresh rows. */
	if (!t->loaded)
		return 0;
	struct store_table_event *evs = talloc_zero_array(mem_ctx, struct store_table_event, n + 1);
	if (evs == NULL)
		return STORE_E_NOMEM;
	if (all || t->sort.categorized_count > 0 || (t->flags & STORE_TABLE_DEPTH)) {
		/* [MS-OXCNOTIF] 2.2.1.4.1.2 TABLE_CHANGED: re-read the view. */
		store_table_reset(t);
		evs[0].type = STORE_TABLE_CHANGED;
		*evs_r = evs;
		*count_r = 1;
		return 0;
	}
	qsort(ids, n, sizeof(ids[0]), cmp_u64);
	MDB_txn *txn;
	int ret = store_txn_begin(t->mbox, false, &txn);
	if (ret == 0) {
		for (uint32_t i = 0; i < n && ret == 0; i++) {
			bool have;
			if (ids[i] == 0 || (i > 0 && ids[i] == ids[i - 1]))
				continue;
			ret = patch_one(evs, txn, t, ids[i], &evs[got], &have);
			got += have;
		}
		mdb_txn_abort(txn);
	}
	if (ret < 0) {
		talloc_free(evs);
		store_table_reset(t);
		return ret;
	}
	*evs_r = evs;
	*count_r = got;
	return 0;
}
