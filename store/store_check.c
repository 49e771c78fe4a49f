/*
 * store_check: consistency check of a mailbox (mapiadmin mailbox check):
 * every object's parent exists and lists it, folder counters match their
 * contents, every live message has its index entries.
 */
#include <string.h>

#include "store_private.h"

struct counts {
	uint64_t gc;
	uint32_t content, unread, fai, child;
	uint64_t size, fai_size;
};

static int has_key(MDB_txn *txn, MDB_dbi dbi, const uint8_t *key, size_t len)
{
	MDB_val k = {len, (void *)key}, v;
	return mdb_get(txn, dbi, &k, &v) == 0;
}

static void problem(char **report, int *n, const char *what, uint64_t gc)
{
	*report = talloc_asprintf_append(*report, "%s gc=%llu\n", what, (unsigned long long)gc);
	(*n)++;
}

static struct counts *counts_of(struct counts *c, uint32_t n, uint64_t gc)
{
	uint32_t lo = 0, hi = n;
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		if (c[mid].gc < gc)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && c[lo].gc == gc ? &c[lo] : NULL;
}

static void check_object(MDB_txn *txn, struct store_mailbox *mbox, uint64_t gc,
                         const struct obj_hdr *h, struct counts *c, uint32_t nc, char **report,
                         int *n)
{
	uint8_t key[26];
	if (h->parent != 0) {
		struct counts *pc = counts_of(c, nc, h->parent);
		if (pc == NULL) {
			problem(report, n, "parent-missing", gc);
			return;
		}
		if (h->kind == KIND_FOLDER)
			pc->child++;
		else if (h->kind == KIND_MESSAGE) {
			pc->content++;
			pc->unread += !(h->flags & OBJ_F_READ);
			pc->size += h->size;
		} else if (h->kind == KIND_FAI) {
			pc->fai++;
			pc->fai_size += h->size;
		}
	}
	be64_put(key, h->parent);
	key[8] = h->kind;
	be64_put(key + 9, gc);
	if (!has_key(txn, mbox->env->dbi[DB_CHILD], key, 17))
		problem(report, n, "child-key-missing", gc);
	if (h->kind == KIND_MESSAGE || h->kind == KIND_FAI) {
		be64_put(key, h->parent);
		key[8] = h->kind;
		key[9] = 'c';
		be64_put(key + 10, h->cn);
		be64_put(key + 18, gc);
		if (!has_key(txn, mbox->env->dbi[DB_IDX], key, 26))
			problem(report, n, "cn-index-missing", gc);
		key[9] = 'd';
		be64_put(key + 10, h->dtime);
		if (!has_key(txn, mbox->env->dbi[DB_IDX], key, 26))
			problem(report, n, "time-index-missing", gc);
	}
}

/* Search folder links: each names a live message with its current size and
 * read state, and is counted in its search folder; no dirty marks outlive
 * a transaction (store_search.c). */
static void check_links(MDB_txn *txn, struct store_mailbox *mbox, struct counts *c, uint32_t nc,
                        char **report, int *n)
{
	MDB_cursor *cur;
	MDB_val k, v;
	if (mdb_cursor_open(txn, mbox->env->dbi[DB_SEARCH], &cur) != 0) {
		problem(report, n, "search-db-unreadable", 0);
		return;
	}
	for (int rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		const uint8_t *kp = k.mv_data;
		if (kp[0] == 'd' || kp[0] == 'R') {
			problem(report, n, "search-mark-left",
			        k.mv_size == 9 ? be64_get(kp + 1) : 0);
			continue;
		}
		if (kp[0] != 'l' || k.mv_size != 17 || v.mv_size != 9)
			continue;
		uint64_t sgc = be64_get(kp + 1), mgc = be64_get(kp + 9), size;
		struct obj m;
		struct counts *sc = counts_of(c, nc, sgc);
		if (sc == NULL) {
			problem(report, n, "search-link-without-folder", sgc);
			continue;
		}
		if (store_obj_get(txn, mbox, mgc, &m) != 1 || m.hdr.kind != KIND_MESSAGE) {
			problem(report, n, "search-link-dangling", mgc);
			continue;
		}
		memcpy(&size, v.mv_data, 8);
		uint8_t unread = ((const uint8_t *)v.mv_data)[8];
		if (size != m.hdr.size || unread != ((m.hdr.flags & OBJ_F_READ) == 0))
			problem(report, n, "search-link-stale", mgc);
		sc->content++;
		sc->unread += unread;
		sc->size += size;
	}
	mdb_cursor_close(cur);
}

int store_mailbox_check(TALLOC_CTX *mem_ctx, struct store_mailbox *mbox, char **report_r)
{
	MDB_txn *txn = NULL;
	MDB_cursor *cur;
	MDB_val k, v;
	struct counts *c = NULL;
	uint32_t nc = 0;
	int n = 0, rc;
	char *report = talloc_strdup(mem_ctx, "");
	int ret = store_txn_begin(mbox, false, &txn);
	if (ret < 0)
		return ret;
	/* Pass 1: the folders, in gc order (the obj DB's order). */
	rc = mdb_cursor_open(txn, mbox->env->dbi[DB_OBJ], &cur);
	for (rc = rc ? rc : mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		struct obj_hdr h;
		if (v.mv_size < sizeof(h) || k.mv_size != 8)
			continue;
		memcpy(&h, v.mv_data, sizeof(h));
		if (h.kind != KIND_FOLDER)
			continue;
		c = talloc_realloc(report, c, struct counts, nc + 1);
		memset(&c[nc], 0, sizeof(c[nc]));
		c[nc++].gc = be64_get(k.mv_data);
	}
	/* Pass 2: every object against its parent. */
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		struct obj_hdr h;
		if (v.mv_size < sizeof(h) || k.mv_size != 8) {
			problem(&report, &n, "bad-record", 0);
			continue;
		}
		memcpy(&h, v.mv_data, sizeof(h));
		check_object(txn, mbox, be64_get(k.mv_data), &h, c, nc, &report, &n);
	}
	check_links(txn, mbox, c, nc, &report, &n);
	/* Pass 3: stored folder counters against the counted ones. */
	for (uint32_t i = 0; i < nc; i++) {
		struct obj o;
		if (store_obj_get(txn, mbox, c[i].gc, &o) != 1)
			continue;
		if (o.hdr.content_count != c[i].content || o.hdr.unread_count != c[i].unread ||
		    o.hdr.fai_count != c[i].fai || o.hdr.child_count != c[i].child ||
		    o.hdr.content_size != c[i].size || o.hdr.fai_size != c[i].fai_size)
			problem(&report, &n, "folder-counts-wrong", c[i].gc);
	}
	mdb_cursor_close(cur);
	mdb_txn_abort(txn);
	*report_r = report;
	return n;
}
