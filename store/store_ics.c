/*
 * store_ics: change enumeration for incremental synchronisation
 * ([MS-OXCFXICS] 3.2.5.9).  Every live object has one index key under its
 * current change number and every deletion a tombstone under the change
 * number of the deletion, so "what changed since this CNSET" is a range
 * scan over each gap of the set: time proportional to the changes and the
 * number of ranges, never to the folder.
 */
#include <string.h>

#include "store_private.h"

struct id_list {
	uint64_t *ids;
	uint32_t count, cap;
	TALLOC_CTX *mem_ctx;
};

static int list_add(struct id_list *l, uint64_t id)
{
	if (l->count == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 32;
		uint64_t *p = talloc_realloc(l->mem_ctx, l->ids, uint64_t, l->cap);
		if (p == NULL)
			return STORE_E_NOMEM;
		l->ids = p;
	}
	l->ids[l->count++] = id;
	return 0;
}

/* Calls fn for each key prefix | value(BE 8) | gc(BE 8) with value in
 * [lo, hi]. */
static int scan_range(MDB_txn *txn, MDB_dbi dbi, const uint8_t *prefix, size_t plen, uint64_t lo,
                      uint64_t hi, int (*fn)(void *ctx, uint64_t gc), void *ctx)
{
	MDB_cursor *cur;
	uint8_t key[32];
	int rc = mdb_cursor_open(txn, dbi, &cur);
	if (rc != 0)
		return store_mdb_err(rc);
	memcpy(key, prefix, plen);
	be64_put(key + plen, lo);
	memset(key + plen + 8, 0, 8);
	MDB_val k = {plen + 16, key}, v;
	int ret = 0;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0 && ret == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		const uint8_t *p = k.mv_data;
		if (k.mv_size != plen + 16 || memcmp(p, prefix, plen) != 0 ||
		    be64_get(p + plen) > hi)
			break;
		ret = fn(ctx, be64_get(p + plen + 8));
	}
	mdb_cursor_close(cur);
	if (ret == 0 && rc != 0 && rc != MDB_NOTFOUND)
		ret = store_mdb_err(rc);
	return ret;
}

/* Scans every gap of set (values not in it) from 1 up. */
static int scan_gaps(MDB_txn *txn, MDB_dbi dbi, const uint8_t *prefix, size_t plen,
                     const struct store_cnset *set, int (*fn)(void *ctx, uint64_t gc), void *ctx)
{
	uint64_t lo = 1;
	int ret = 0;
	for (uint32_t i = 0; set != NULL && i < set->count && ret == 0; i++) {
		const struct store_globcnt_range *r = &set->ranges[i];
		if (r->hi < r->lo || r->lo < lo)
			return STORE_E_INVALID; /* not sorted and disjoint */
		if (r->lo > lo)
			ret = scan_range(txn, dbi, prefix, plen, lo, r->lo - 1, fn, ctx);
		lo = r->hi + 1;
		if (lo == 0)
			return ret; /* the set covers everything */
	}
	if (ret == 0)
		ret = scan_range(txn, dbi, prefix, plen, lo, UINT64_MAX, fn, ctx);
	return ret;
}

struct ics_ctx {
	MDB_txn *txn;
	struct store_mailbox *mbox;
	uint64_t root; /* hierarchy: only folders below this one */
	struct id_list *list;
	struct id_list *read;
	bool *read_state;
};

static int add_plain(void *ctx, uint64_t gc)
{
	struct ics_ctx *c = ctx;
	return list_add(c->list, store_id(gc));
}

/* Folders count when they lie below the synchronised folder. */
static int add_in_subtree(void *ctx, uint64_t gc)
{
	struct ics_ctx *c = ctx;
	uint64_t at = gc;
	for (int depth = 0; at != 0 && depth < 1000; depth++) {
		struct obj o;
		int ret = store_obj_get(c->txn, c->mbox, at, &o);
		if (ret <= 0)
			return ret;
		if (o.hdr.parent == c->root)
			return list_add(c->list, store_id(gc));
		at = o.hdr.parent;
	}
	return 0;
}

static void prefix_of(uint8_t p[10], uint64_t parent, uint8_t kind, int field)
{
	be64_put(p, parent);
	p[8] = kind;
	p[9] = (uint8_t)field;
}

static int contents_changes(struct ics_ctx *c, uint64_t fgc, uint8_t kind,
                            const struct store_cnset *seen, struct id_list *changed,
                            struct id_list *deleted)
{
	uint8_t p[10];
	prefix_of(p, fgc, kind, 'c');
	c->list = changed;
	int ret = scan_gaps(c->txn, c->mbox->env->dbi[DB_IDX], p, 10, seen, add_plain, c);
	c->list = deleted;
	if (ret == 0)
		ret = scan_gaps(c->txn, c->mbox->env->dbi[DB_TOMB], p, 9, seen, add_plain, c);
	return ret;
}

int store_changes_since(TALLOC_CTX *mem_ctx, struct store_mailbox *mbox, uint64_t fid,
                        unsigned int flags, const struct store_cnset *cnset_seen,
                        const struct store_cnset *cnset_read, struct store_changes **changes_r)
{
	MDB_txn *txn = NULL;
	struct obj o;
	struct store_changes *ch = talloc_zero(mem_ctx, struct store_changes);
	if (ch == NULL)
		return STORE_E_NOMEM;
	struct id_list changed = {.mem_ctx = ch}, deleted = {.mem_ctx = ch}, read = {.mem_ctx = ch};
	uint64_t fgc = store_gc(fid);
	int ret = store_txn_begin(mbox, false, &txn);
	if (ret < 0)
		goto out;
	ret = store_obj_get(txn, mbox, fgc, &o);
	if (ret == 0 || (ret == 1 && o.hdr.kind != KIND_FOLDER))
		ret = STORE_E_NOTFOUND;
	if (ret < 0)
		goto out;
	ret = 0;
	struct ics_ctx c = {.txn = txn, .mbox = mbox, .root = fgc};
	if (flags & STORE_ICS_NORMAL)
		ret = contents_changes(&c, fgc, KIND_MESSAGE, cnset_seen, &changed, &deleted);
	if (ret == 0 && (flags & STORE_ICS_FAI))
		ret = contents_changes(&c, fgc, KIND_FAI, cnset_seen, &changed, &deleted);
	if (ret == 0 && (flags & STORE_ICS_HIERARCHY)) {
		uint8_t p[10];
		prefix_of(p, 0, KIND_FOLDER, 'c');
		c.list = &changed;
		ret = scan_gaps(txn, mbox->env->dbi[DB_IDX], p, 10, cnset_seen, add_in_subtree, &c);
		c.list = &deleted;
		if (ret == 0)
			ret = scan_gaps(txn, mbox->env->dbi[DB_TOMB], p, 9, cnset_seen, add_plain,
			                &c);
	}
	if (ret == 0 && cnset_read != NULL && (flags & STORE_ICS_NORMAL)) {
		uint8_t p[10];
		prefix_of(p, fgc, KIND_MESSAGE, 'r');
		c.list = &read;
		ret = scan_gaps(txn, mbox->env->dbi[DB_IDX], p, 10, cnset_read, add_plain, &c);
	}
	if (ret == 0) {
		ch->read_state = talloc_zero_array(ch, bool, read.count + 1);
		for (uint32_t i = 0; ch->read_state != NULL && i < read.count && ret == 0; i++) {
			ret = store_obj_get(txn, mbox, store_gc(read.ids[i]), &o);
			ch->read_state[i] = ret == 1 && (o.hdr.flags & OBJ_F_READ);
			ret = ret < 0 ? ret : 0;
		}
	}
	if (ret == 0) {
		uint64_t next;
		ret = store_meta_get_u64(txn, mbox, "globcnt", &next);
		ch->max_cn = next - 1;
	}
out:
	if (txn != NULL)
		mdb_txn_abort(txn);
	if (ret < 0) {
		talloc_free(ch);
		return ret;
	}
	ch->changed = changed.ids;
	ch->changed_count = changed.count;
	ch->deleted = deleted.ids;
	ch->deleted_count = deleted.count;
	ch->read = read.ids;
	ch->read_count = read.count;
	*changes_r = ch;
	return 0;
}
