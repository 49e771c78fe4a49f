/*
 * store_search: search folders ([MS-OXCFOLD] 2.2.1.4 RopSetSearchCriteria,
 * 2.2.1.5 RopGetSearchCriteria, 3.2.5.4; [MS-OXOSRCH]).
 *
 * A search folder holds links to the messages, anywhere in its scope, that
 * match its restriction.  Everything lives in the "search" database:
 *
 *   'c' | sgc                -> criteria: version u32, state u32,
 *                               scope count u32, scope gc u64..., restriction
 *   'l' | sgc | mgc          -> link: size u64, unread u8
 *   'd' | mgc                -> message changed in this write transaction
 *   'R'                      -> a folder moved: rebuild recursive searches
 *
 * Keeping dynamic searches current ([MS-OXCFOLD] 3.2.5.4): every index
 * change of a message (save, read flag, delete, move, copy) marks the
 * message dirty in the same transaction (store_search_mark_txn, called by
 * store_obj.c), and store_txn_commit() re-evaluates the dirty messages
 * against every running search just before the commit, so the links
 * change atomically with the messages and the work is proportional to the
 * changes.  The search folder's counts are kept with the links.
 */
#include <string.h>

#include "log.h"
#include "mapi_restrict.h"
#include "store_private.h"

#define CRIT_VERSION 1
/* State bits kept with the criteria (the SearchFlags of [MS-OXCFOLD]
 * 2.2.1.5.2 that describe a settled search). */
#define ST_MASK (STORE_SEARCH_RUNNING | STORE_SEARCH_RECURSIVE | STORE_SEARCH_STATIC)

/* ---- restriction codec ([MS-OXCDATA] 2.12 as the store keeps it) ---- */

static int put_u32(struct store_buf *b, uint32_t v)
{
	return store_buf_add(b, &v, 4);
}

static int put_val(struct store_buf *b, const struct mapi_propval *v)
{
	struct store_buf vb = {.mem_ctx = b->mem_ctx};
	int ret = store_propval_encode(&vb, v);
	if (ret == 0)
		ret = put_u32(b, v->tag);
	if (ret == 0)
		ret = put_u32(b, (uint32_t)vb.len);
	if (ret == 0 && vb.len > 0)
		ret = store_buf_add(b, vb.data, vb.len);
	talloc_free(vb.data);
	return ret;
}

static int res_encode(struct store_buf *b, const struct mapi_restriction *r, int depth)
{
	uint8_t rt = (uint8_t)r->rt;
	int ret = depth > MAPI_RESTRICTION_MAX_DEPTH ? STORE_E_INVALID : store_buf_add(b, &rt, 1);
	switch (ret == 0 ? r->rt : (enum mapi_restriction_type)0xFF) {
	case RES_AND:
	case RES_OR:
		ret = put_u32(b, r->u.andor.count);
		for (uint32_t i = 0; i < r->u.andor.count && ret == 0; i++)
			ret = res_encode(b, &r->u.andor.res[i], depth + 1);
		return ret;
	case RES_NOT:
		return res_encode(b, r->u.not_.res, depth + 1);
	case RES_CONTENT:
		ret = put_u32(b, r->u.content.fuzzy_level);
		ret = ret ?: put_u32(b, r->u.content.proptag);
		return ret ?: put_val(b, &r->u.content.val);
	case RES_PROPERTY:
		ret = put_u32(b, (uint32_t)r->u.prop.relop);
		ret = ret ?: put_u32(b, r->u.prop.proptag);
		return ret ?: put_val(b, &r->u.prop.val);
	case RES_COMPAREPROPS:
		ret = put_u32(b, (uint32_t)r->u.compare.relop);
		ret = ret ?: put_u32(b, r->u.compare.proptag1);
		return ret ?: put_u32(b, r->u.compare.proptag2);
	case RES_BITMASK:
		ret = put_u32(b, r->u.bitmask.relop);
		ret = ret ?: put_u32(b, r->u.bitmask.proptag);
		return ret ?: put_u32(b, r->u.bitmask.mask);
	case RES_SIZE:
		ret = put_u32(b, (uint32_t)r->u.size.relop);
		ret = ret ?: put_u32(b, r->u.size.proptag);
		return ret ?: put_u32(b, r->u.size.size);
	case RES_EXIST:
		return put_u32(b, r->u.exist.proptag);
	case RES_SUBRESTRICTION:
		ret = put_u32(b, r->u.sub.subobject);
		return ret ?: res_encode(b, r->u.sub.res, depth + 1);
	case RES_COMMENT: {
		uint8_t has = r->u.comment.res != NULL;
		ret = put_u32(b, r->u.comment.count);
		for (uint32_t i = 0; i < r->u.comment.count && ret == 0; i++)
			ret = put_val(b, &r->u.comment.vals[i]);
		ret = ret ?: store_buf_add(b, &has, 1);
		return ret || !has ? ret : res_encode(b, r->u.comment.res, depth + 1);
	}
	case RES_COUNT:
		ret = put_u32(b, r->u.count.count);
		return ret ?: res_encode(b, r->u.count.res, depth + 1);
	}
	return ret ?: STORE_E_INVALID;
}

struct rd {
	const uint8_t *p;
	size_t len, ofs;
	TALLOC_CTX *mem_ctx;
};

static int get_u32(struct rd *d, uint32_t *v)
{
	if (d->len - d->ofs < 4)
		return STORE_E_CORRUPT;
	memcpy(v, d->p + d->ofs, 4);
	d->ofs += 4;
	return 0;
}

static int get_val(struct rd *d, struct mapi_propval *v)
{
	uint32_t tag, len;
	int ret = get_u32(d, &tag);
	ret = ret ?: get_u32(d, &len);
	if (ret == 0 && d->len - d->ofs < len)
		ret = STORE_E_CORRUPT;
	ret = ret ?: store_propval_decode(d->mem_ctx, tag, d->p + d->ofs, len, v);
	d->ofs += ret == 0 ? len : 0;
	return ret;
}

static int res_decode(struct rd *d, struct mapi_restriction *r, int depth);

static int get_sub(struct rd *d, struct mapi_restriction **r, uint32_t count, int depth)
{
	if (count > d->len - d->ofs)
		return STORE_E_CORRUPT;
	*r = talloc_zero_array(d->mem_ctx, struct mapi_restriction, count ? count : 1);
	if (*r == NULL)
		return STORE_E_NOMEM;
	int ret = 0;
	for (uint32_t i = 0; i < count && ret == 0; i++)
		ret = res_decode(d, &(*r)[i], depth + 1);
	return ret;
}

static int res_decode(struct rd *d, struct mapi_restriction *r, int depth)
{
	uint32_t x = 0;
	if (depth > MAPI_RESTRICTION_MAX_DEPTH || d->ofs >= d->len)
		return STORE_E_CORRUPT;
	r->rt = (enum mapi_restriction_type)d->p[d->ofs++];
	switch (r->rt) {
	case RES_AND:
	case RES_OR:
		return get_u32(d, &r->u.andor.count)
		           ?: get_sub(d, &r->u.andor.res, r->u.andor.count, depth);
	case RES_NOT:
		return get_sub(d, &r->u.not_.res, 1, depth);
	case RES_CONTENT:
		return get_u32(d, &r->u.content.fuzzy_level) ?: get_u32(d, &r->u.content.proptag)
		                                           ?: get_val(d, &r->u.content.val);
	case RES_PROPERTY:
		if (get_u32(d, &x) < 0)
			return STORE_E_CORRUPT;
		r->u.prop.relop = (enum mapi_relop)x;
		return get_u32(d, &r->u.prop.proptag) ?: get_val(d, &r->u.prop.val);
	case RES_COMPAREPROPS:
		if (get_u32(d, &x) < 0)
			return STORE_E_CORRUPT;
		r->u.compare.relop = (enum mapi_relop)x;
		return get_u32(d, &r->u.compare.proptag1) ?: get_u32(d, &r->u.compare.proptag2);
	case RES_BITMASK:
		if (get_u32(d, &x) < 0)
			return STORE_E_CORRUPT;
		r->u.bitmask.relop = (uint8_t)x;
		return get_u32(d, &r->u.bitmask.proptag) ?: get_u32(d, &r->u.bitmask.mask);
	case RES_SIZE:
		if (get_u32(d, &x) < 0)
			return STORE_E_CORRUPT;
		r->u.size.relop = (enum mapi_relop)x;
		return get_u32(d, &r->u.size.proptag) ?: get_u32(d, &r->u.size.size);
	case RES_EXIST:
		return get_u32(d, &r->u.exist.proptag);
	case RES_SUBRESTRICTION:
		return get_u32(d, &r->u.sub.subobject) ?: get_sub(d, &r->u.sub.res, 1, depth);
	case RES_COMMENT: {
		int ret = get_u32(d, &r->u.comment.count);
		if (ret == 0 && r->u.comment.count > d->len - d->ofs)
			ret = STORE_E_CORRUPT;
		if (ret == 0) {
			r->u.comment.vals = talloc_zero_array(d->mem_ctx, struct mapi_propval,
			                                      r->u.comment.count + 1);
			ret = r->u.comment.vals == NULL ? STORE_E_NOMEM : 0;
		}
		for (uint32_t i = 0; i < r->u.comment.count && ret == 0; i++)
			ret = get_val(d, &r->u.comment.vals[i]);
		if (ret == 0 && d->ofs >= d->len)
			ret = STORE_E_CORRUPT;
		if (ret == 0 && d->p[d->ofs++] != 0)
			ret = get_sub(d, &r->u.comment.res, 1, depth);
		return ret;
	}
	case RES_COUNT:
		return get_u32(d, &r->u.count.count) ?: get_sub(d, &r->u.count.res, 1, depth);
	}
	return STORE_E_CORRUPT;
}

/* ---- criteria records ---- */

struct crit {
	uint64_t sgc;
	uint32_t state;
	uint32_t scope_count;
	uint64_t *scope; /* gcs */
	struct mapi_restriction *res;
};

static int crit_decode(TALLOC_CTX *mem_ctx, uint64_t sgc, const MDB_val *v, struct crit *c)
{
	struct rd d = {v->mv_data, v->mv_size, 0, mem_ctx};
	uint32_t version;
	int ret = get_u32(&d, &version);
	ret = ret ?: get_u32(&d, &c->state);
	ret = ret ?: get_u32(&d, &c->scope_count);
	if (ret == 0 && (version != CRIT_VERSION || c->scope_count > (d.len - d.ofs) / 8))
		ret = STORE_E_CORRUPT;
	c->sgc = sgc;
	c->scope = ret == 0 ? talloc_array(mem_ctx, uint64_t, c->scope_count + 1) : NULL;
	if (ret == 0 && c->scope == NULL)
		ret = STORE_E_NOMEM;
	for (uint32_t i = 0; ret == 0 && i < c->scope_count; i++) {
		memcpy(&c->scope[i], d.p + d.ofs, 8);
		d.ofs += 8;
	}
	c->res = ret == 0 ? talloc_zero(mem_ctx, struct mapi_restriction) : NULL;
	if (ret == 0 && c->res == NULL)
		ret = STORE_E_NOMEM;
	return ret ?: res_decode(&d, c->res, 0);
}

static int crit_put(MDB_txn *txn, struct store_mailbox *mbox, const struct crit *c)
{
	struct store_buf b = {.mem_ctx = NULL};
	uint32_t head[3] = {CRIT_VERSION, c->state, c->scope_count};
	int ret = store_buf_add(&b, head, sizeof(head));
	for (uint32_t i = 0; i < c->scope_count && ret == 0; i++)
		ret = store_buf_add(&b, &c->scope[i], 8);
	ret = ret ?: res_encode(&b, c->res, 0);
	uint8_t key[9] = {'c'};
	be64_put(key + 1, c->sgc);
	MDB_val k = {9, key}, v = {b.len, b.data};
	if (ret == 0)
		ret = store_mdb_err(mdb_put(txn, mbox->env->dbi[DB_SEARCH], &k, &v, 0));
	talloc_free(b.data);
	return ret;
}

/* 1 with *c filled, 0 when sgc has no criteria. */
static int crit_get(TALLOC_CTX *mem_ctx, MDB_txn *txn, struct store_mailbox *mbox, uint64_t sgc,
                    struct crit *c)
{
	uint8_t key[9] = {'c'};
	be64_put(key + 1, sgc);
	MDB_val k = {9, key}, v;
	int rc = mdb_get(txn, mbox->env->dbi[DB_SEARCH], &k, &v);
	if (rc == MDB_NOTFOUND)
		return 0;
	if (rc != 0)
		return store_mdb_err(rc);
	int ret = crit_decode(mem_ctx, sgc, &v, c);
	return ret < 0 ? ret : 1;
}

/* Every search folder's criteria; *cs_r on mem_ctx. */
static int crit_all(TALLOC_CTX *mem_ctx, MDB_txn *txn, struct store_mailbox *mbox,
                    struct crit **cs_r, uint32_t *count_r)
{
	MDB_cursor *cur;
	MDB_val k = {1, (void *)"c"}, v;
	struct crit *cs = NULL;
	uint32_t n = 0;
	int ret = store_mdb_err(mdb_cursor_open(txn, mbox->env->dbi[DB_SEARCH], &cur));
	if (ret < 0)
		return ret;
	for (int rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0 && ret == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		const uint8_t *kp = k.mv_data;
		if (k.mv_size != 9 || kp[0] != 'c')
			break;
		struct crit *grown = talloc_realloc(mem_ctx, cs, struct crit, n + 1);
		if (grown == NULL) {
			ret = STORE_E_NOMEM;
			break;
		}
		cs = grown;
		ret = crit_decode(cs, be64_get(kp + 1), &v, &cs[n++]);
	}
	mdb_cursor_close(cur);
	*cs_r = cs;
	*count_r = n;
	return ret;
}

/* ---- links and counts ---- */

struct link_val {
	uint64_t size;
	uint8_t unread;
};

static void link_key(uint8_t key[17], uint64_t sgc, uint64_t mgc)
{
	key[0] = 'l';
	be64_put(key + 1, sgc);
	be64_put(key + 9, mgc);
}

/* Puts (in) or removes (!in) the link of mgc in sgc, adjusting the search
 * folder's counts.  *change_r: 1 added, -1 removed, 2 modified, 0 none. */
static int link_set(MDB_txn *txn, struct store_mailbox *mbox, uint64_t sgc, const struct obj *m,
                    bool in, int *change_r)
{
	uint8_t key[17], lv[9];
	link_key(key, sgc, m->gc);
	MDB_val k = {17, key}, v;
	MDB_dbi dbi = mbox->env->dbi[DB_SEARCH];
	struct link_val old = {0, 0}, now = {0, 0};
	int rc = mdb_get(txn, dbi, &k, &v);
	bool was = rc == 0 && v.mv_size == 9;
	if (rc != 0 && rc != MDB_NOTFOUND)
		return store_mdb_err(rc);
	if (was) {
		memcpy(&old.size, v.mv_data, 8);
		old.unread = ((const uint8_t *)v.mv_data)[8];
	}
	if (in) {
		now.size = m->hdr.size;
		now.unread = (m->hdr.flags & OBJ_F_READ) == 0;
	}
	*change_r = was == in ? (in && (old.size != now.size || old.unread != now.unread) ? 2 : 0)
	                      : (in ? 1 : -1);
	if (*change_r == 0)
		return 0;
	if (in) {
		memcpy(lv, &now.size, 8);
		lv[8] = now.unread;
		v = (MDB_val){9, lv};
		rc = mdb_put(txn, dbi, &k, &v, 0);
	} else {
		rc = mdb_del(txn, dbi, &k, NULL);
	}
	if (rc != 0)
		return store_mdb_err(rc);
	return store_folder_adjust(txn, mbox, sgc, KIND_MESSAGE, (int64_t)in - (int64_t)was,
	                           (int64_t)now.unread - (int64_t)old.unread,
	                           (int64_t)now.size - (int64_t)old.size);
}

/* Whether folder fgc is in c's scope: one of the scope folders, or below
 * one for a recursive search. */
static int in_scope(MDB_txn *txn, struct store_mailbox *mbox, const struct crit *c, uint64_t fgc)
{
	for (int depth = 0; fgc != 0 && depth < 64; depth++) {
		for (uint32_t i = 0; i < c->scope_count; i++) {
			if (c->scope[i] == fgc)
				return 1;
		}
		if (!(c->state & STORE_SEARCH_RECURSIVE))
			return 0;
		struct obj f;
		int ret = store_obj_get(txn, mbox, fgc, &f);
		if (ret <= 0)
			return ret;
		fgc = f.hdr.parent;
	}
	return 0;
}

/* Whether message m (NULL: gone) belongs in search c. */
static int matches(MDB_txn *txn, struct store_mailbox *mbox, const struct crit *c,
                   const struct obj *m)
{
	if (m == NULL || m->hdr.kind != KIND_MESSAGE)
		return 0;
	int ret = in_scope(txn, mbox, c, m->hdr.parent);
	if (ret <= 0)
		return ret;
	return store_obj_match(txn, mbox, m, c->res);
}

struct pending_ev {
	struct pending_ev *next;
	struct store_event ev;
};

/* Re-evaluates message mgc against search c and queues a table event on
 * the search folder when its row set changed. */
static int reevaluate(TALLOC_CTX *ev_ctx, MDB_txn *txn, struct store_mailbox *mbox,
                      const struct crit *c, uint64_t mgc, struct pending_ev **evs)
{
	struct obj m;
	int ret = store_obj_get(txn, mbox, mgc, &m);
	if (ret < 0)
		return ret;
	if (ret == 0) {
		m = (struct obj){.gc = mgc};
	}
	int in = matches(txn, mbox, c, ret == 1 ? &m : NULL);
	/* A restriction the evaluator cannot apply to this message (a type
	 * mismatch ...) does not match it: it must not fail the change that
	 * is being committed. */
	if (in == STORE_E_INVALID) {
		log_debug("store", "search-eval-failed folder=%llu message=%llu",
		          (unsigned long long)c->sgc, (unsigned long long)mgc);
		in = 0;
	}
	if (in < 0)
		return in;
	int change = 0;
	ret = link_set(txn, mbox, c->sgc, &m, in == 1, &change);
	if (ret < 0 || change == 0 || ev_ctx == NULL)
		return ret;
	struct pending_ev *p = talloc_zero(ev_ctx, struct pending_ev);
	if (p == NULL)
		return STORE_E_NOMEM;
	p->ev.type = change == 1  ? STORE_EV_CREATED
	             : change < 0 ? STORE_EV_DELETED
	                          : STORE_EV_MODIFIED;
	p->ev.mailbox_guid = mbox->env->ident.mailbox_guid;
	p->ev.fid = store_id(c->sgc);
	p->ev.mid = store_id(mgc);
	p->next = *evs;
	*evs = p;
	return 0;
}

/* Drops every link of sgc and resets its counts. */
static int unlink_all(MDB_txn *txn, struct store_mailbox *mbox, uint64_t sgc)
{
	MDB_cursor *cur;
	uint8_t key[17];
	link_key(key, sgc, 0);
	MDB_val k = {17, key}, v;
	int ret = store_mdb_err(mdb_cursor_open(txn, mbox->env->dbi[DB_SEARCH], &cur));
	if (ret < 0)
		return ret;
	int rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	while (rc == 0 && k.mv_size == 17 && memcmp(k.mv_data, key, 9) == 0) {
		rc = mdb_cursor_del(cur, 0);
		if (rc == 0)
			rc = mdb_cursor_get(cur, &k, &v, MDB_GET_CURRENT);
	}
	mdb_cursor_close(cur);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return store_mdb_err(rc);
	struct obj f;
	ret = store_obj_get(txn, mbox, sgc, &f);
	if (ret <= 0)
		return ret == 0 ? STORE_E_NOTFOUND : ret;
	return store_folder_adjust(txn, mbox, sgc, KIND_MESSAGE, -(int64_t)f.hdr.content_count,
	                           -(int64_t)f.hdr.unread_count, -(int64_t)f.hdr.content_size);
}

static int populate_folder(MDB_txn *txn, struct store_mailbox *mbox, const struct crit *c,
                           uint64_t fgc, int depth)
{
	uint64_t *gcs;
	uint32_t n;
	if (depth > 64)
		return STORE_E_CORRUPT;
	int ret = store_children(NULL, txn, mbox, fgc, KIND_MESSAGE, &gcs, &n);
	for (uint32_t i = 0; i < n && ret == 0; i++)
		ret = reevaluate(NULL, txn, mbox, c, gcs[i], NULL);
	talloc_free(gcs);
	if (ret < 0 || !(c->state & STORE_SEARCH_RECURSIVE))
		return ret;
	ret = store_children(NULL, txn, mbox, fgc, KIND_FOLDER, &gcs, &n);
	for (uint32_t i = 0; i < n && ret == 0; i++)
		ret = populate_folder(txn, mbox, c, gcs[i], depth + 1);
	talloc_free(gcs);
	return ret;
}

/* (Re)fills search c from scratch. */
static int populate(MDB_txn *txn, struct store_mailbox *mbox, const struct crit *c)
{
	int ret = unlink_all(txn, mbox, c->sgc);
	for (uint32_t i = 0; i < c->scope_count && ret == 0; i++) {
		struct obj f;
		ret = store_obj_get(txn, mbox, c->scope[i], &f);
		if (ret == 1 && f.hdr.kind == KIND_FOLDER)
			ret = populate_folder(txn, mbox, c, c->scope[i], 0);
		else if (ret == 1 || ret == 0)
			ret = 0; /* a scope folder deleted since: nothing there */
	}
	return ret;
}

/* ---- dirty tracking, called inside write transactions ---- */

/* Whether any search folder exists (the database is empty otherwise). */
static bool any_search(MDB_txn *txn, struct store_env *env)
{
	MDB_stat st;
	return mdb_stat(txn, env->dbi[DB_SEARCH], &st) == 0 && st.ms_entries > 0;
}

int store_search_mark_txn(MDB_txn *txn, struct store_mailbox *mbox, uint64_t gc, bool folder)
{
	if (!any_search(txn, mbox->env))
		return 0;
	uint8_t key[9] = {folder ? 'R' : 'd'};
	be64_put(key + 1, folder ? 0 : gc);
	MDB_val k = {folder ? 1 : 9, key}, v = {0, NULL};
	return store_mdb_err(mdb_put(txn, mbox->env->dbi[DB_SEARCH], &k, &v, 0));
}

/* Collects the dirty message gcs and removes the marks; *rebuild_r when a
 * folder moved. */
static int take_dirty(TALLOC_CTX *mem_ctx, MDB_txn *txn, struct store_env *env, uint64_t **gcs_r,
                      uint32_t *count_r, bool *rebuild_r)
{
	MDB_cursor *cur;
	MDB_val k = {1, (void *)"R"}, v;
	uint64_t *gcs = NULL;
	uint32_t n = 0;
	*rebuild_r = mdb_get(txn, env->dbi[DB_SEARCH], &k, &v) == 0;
	if (*rebuild_r && mdb_del(txn, env->dbi[DB_SEARCH], &k, NULL) != 0)
		return STORE_E_IO;
	int ret = store_mdb_err(mdb_cursor_open(txn, env->dbi[DB_SEARCH], &cur));
	if (ret < 0)
		return ret;
	k = (MDB_val){1, (void *)"d"};
	int rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	while (rc == 0 && k.mv_size == 9 && ((const uint8_t *)k.mv_data)[0] == 'd') {
		uint64_t *grown = talloc_realloc(mem_ctx, gcs, uint64_t, n + 1);
		if (grown == NULL) {
			ret = STORE_E_NOMEM;
			break;
		}
		gcs = grown;
		gcs[n++] = be64_get((const uint8_t *)k.mv_data + 1);
		rc = mdb_cursor_del(cur, 0);
		if (rc == 0)
			rc = mdb_cursor_get(cur, &k, &v, MDB_GET_CURRENT);
	}
	mdb_cursor_close(cur);
	if (ret == 0 && rc != 0 && rc != MDB_NOTFOUND)
		ret = store_mdb_err(rc);
	*gcs_r = gcs;
	*count_r = n;
	return ret;
}

int store_search_flush_txn(TALLOC_CTX *mem_ctx, MDB_txn *txn, struct store_env *env,
                           struct store_event **evs_r, uint32_t *count_r)
{
	struct store_mailbox mbox = {.store = env->store, .env = env};
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct pending_ev *evs = NULL;
	struct crit *cs = NULL;
	uint64_t *dirty = NULL;
	uint32_t nc = 0, nd = 0, ne = 0;
	bool rebuild = false;
	*count_r = 0;
	if (!any_search(txn, env)) {
		talloc_free(tmp);
		return 0;
	}
	int ret = take_dirty(tmp, txn, env, &dirty, &nd, &rebuild);
	if (ret == 0 && (nd > 0 || rebuild))
		ret = crit_all(tmp, txn, &mbox, &cs, &nc);
	for (uint32_t i = 0; i < nc && ret == 0; i++) {
		/* Stopped and static searches keep their links as they are
		 * ([MS-OXCFOLD] 3.2.5.4). */
		if (!(cs[i].state & STORE_SEARCH_RUNNING) || (cs[i].state & STORE_SEARCH_STATIC))
			continue;
		if (rebuild && (cs[i].state & STORE_SEARCH_RECURSIVE)) {
			ret = populate(txn, &mbox, &cs[i]);
			continue;
		}
		for (uint32_t j = 0; j < nd && ret == 0; j++)
			ret = reevaluate(tmp, txn, &mbox, &cs[i], dirty[j], &evs);
	}
	for (struct pending_ev *p = evs; p != NULL; p = p->next)
		ne++;
	struct store_event *out = ne > 0 ? talloc_array(mem_ctx, struct store_event, ne) : NULL;
	if (ret == 0 && ne > 0 && out == NULL)
		ret = STORE_E_NOMEM;
	uint32_t i = ne;
	for (struct pending_ev *p = evs; ret == 0 && p != NULL; p = p->next)
		out[--i] = p->ev;
	talloc_free(tmp);
	if (ret == 0) {
		*evs_r = out;
		*count_r = ne;
	} else {
		talloc_free(out);
	}
	return ret;
}

int store_search_drop_txn(MDB_txn *txn, struct store_mailbox *mbox, uint64_t sgc)
{
	uint8_t key[9] = {'c'};
	be64_put(key + 1, sgc);
	MDB_val k = {9, key};
	int ret = unlink_all(txn, mbox, sgc);
	int rc = mdb_del(txn, mbox->env->dbi[DB_SEARCH], &k, NULL);
	if (ret == 0 && rc != 0 && rc != MDB_NOTFOUND)
		ret = store_mdb_err(rc);
	return ret;
}

int store_search_has_link(MDB_txn *txn, struct store_mailbox *mbox, uint64_t sgc, uint64_t mgc)
{
	uint8_t key[17];
	link_key(key, sgc, mgc);
	MDB_val k = {17, key}, v;
	int rc = mdb_get(txn, mbox->env->dbi[DB_SEARCH], &k, &v);
	return rc == 0 ? 1 : rc == MDB_NOTFOUND ? 0 : store_mdb_err(rc);
}

int store_search_links(TALLOC_CTX *mem_ctx, MDB_txn *txn, struct store_mailbox *mbox, uint64_t sgc,
                       uint64_t **gcs_r, uint32_t *count_r)
{
	MDB_cursor *cur;
	uint8_t key[17];
	link_key(key, sgc, 0);
	MDB_val k = {17, key}, v;
	uint64_t *gcs = talloc_array(mem_ctx, uint64_t, 16);
	uint32_t n = 0, cap = 16;
	int ret = gcs == NULL
	              ? STORE_E_NOMEM
	              : store_mdb_err(mdb_cursor_open(txn, mbox->env->dbi[DB_SEARCH], &cur));
	if (ret < 0) {
		talloc_free(gcs);
		return ret;
	}
	for (int rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size != 17 || memcmp(k.mv_data, key, 9) != 0)
			break;
		if (n == cap) {
			cap *= 2;
			uint64_t *grown = talloc_realloc(mem_ctx, gcs, uint64_t, cap);
			if (grown == NULL) {
				ret = STORE_E_NOMEM;
				break;
			}
			gcs = grown;
		}
		gcs[n++] = be64_get((const uint8_t *)k.mv_data + 9);
	}
	mdb_cursor_close(cur);
	*gcs_r = gcs;
	*count_r = n;
	return ret;
}

/* ---- the API ---- */

static int search_folder(MDB_txn *txn, struct store_mailbox *mbox, uint64_t gc)
{
	struct obj f;
	int ret = store_obj_get(txn, mbox, gc, &f);
	if (ret <= 0)
		return ret == 0 ? STORE_E_NOTFOUND : ret;
	if (f.hdr.kind != KIND_FOLDER)
		return STORE_E_NOTFOUND;
	return (f.hdr.flags & OBJ_F_SEARCH) ? 0 : STORE_E_NOTSEARCH;
}

/* Checks the scope folders and converts them to gcs. */
static int scope_gcs(TALLOC_CTX *mem_ctx, MDB_txn *txn, struct store_mailbox *mbox,
                     const uint64_t *fids, uint32_t count, uint64_t **gcs_r)
{
	uint64_t *gcs = talloc_array(mem_ctx, uint64_t, count + 1);
	if (gcs == NULL)
		return STORE_E_NOMEM;
	for (uint32_t i = 0; i < count; i++) {
		struct obj f;
		gcs[i] = store_gc(fids[i]);
		int ret = store_obj_get(txn, mbox, gcs[i], &f);
		if (ret < 0)
			return ret;
		if (ret == 0 || f.hdr.kind != KIND_FOLDER)
			return STORE_E_NOTFOUND;
		/* A search folder searches real folders only. */
		if (f.hdr.flags & OBJ_F_SEARCH)
			return STORE_E_INVALID;
	}
	*gcs_r = gcs;
	return 0;
}

/* The new state from the old one and RopSetSearchCriteria's flags
 * ([MS-OXCFOLD] 2.2.1.4.1). */
static int new_state(uint32_t old, bool had, uint32_t flags, uint32_t *state_r)
{
	if (((flags & STORE_SEARCH_STOP) && (flags & STORE_SEARCH_RESTART)) ||
	    ((flags & STORE_SEARCH_RECURSE) && (flags & STORE_SEARCH_SHALLOW)) ||
	    (flags & ~STORE_SEARCH_SET_FLAGS) != 0)
		return STORE_E_INVALID;
	uint32_t st = had ? old : STORE_SEARCH_RUNNING;
	if (flags & STORE_SEARCH_RECURSE)
		st |= STORE_SEARCH_RECURSIVE;
	if (flags & STORE_SEARCH_SHALLOW)
		st &= ~(uint32_t)STORE_SEARCH_RECURSIVE;
	if (flags & STORE_SEARCH_STOP)
		st &= ~(uint32_t)STORE_SEARCH_RUNNING;
	if (flags & STORE_SEARCH_RESTART)
		st |= STORE_SEARCH_RUNNING;
	if (flags & STORE_SEARCH_STATIC_SET)
		st |= STORE_SEARCH_STATIC;
	else if (flags & (STORE_SEARCH_RESTART | STORE_SEARCH_RECURSE | STORE_SEARCH_SHALLOW))
		st &= ~(uint32_t)STORE_SEARCH_STATIC;
	*state_r = st & ST_MASK;
	return 0;
}

int store_search_set_criteria(struct store_mailbox *mbox, uint64_t fid,
                              const struct mapi_restriction *res, const uint64_t *scope,
                              uint32_t scope_count, uint32_t flags)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	MDB_txn *txn = NULL;
	struct crit c = {0}, old = {0};
	uint64_t sgc = store_gc(fid);
	int ret = store_txn_begin(mbox, true, &txn);
	ret = ret ?: search_folder(txn, mbox, sgc);
	int had = ret == 0 ? crit_get(tmp, txn, mbox, sgc, &old) : ret;
	ret = had < 0 ? had : 0;
	/* The first search needs both a restriction and a scope; later ones
	 * reuse what they omit ([MS-OXCFOLD] 2.2.1.4.1). */
	if (ret == 0 && !had && (res == NULL || scope_count == 0))
		ret = STORE_E_INVALID;
	ret = ret ?: new_state(old.state, had == 1, flags, &c.state);
	c.sgc = sgc;
	c.res = res != NULL ? mapi_restriction_dup(tmp, res) : old.res;
	if (ret == 0 && c.res == NULL)
		ret = STORE_E_INVALID;
	c.scope_count = scope_count > 0 ? scope_count : old.scope_count;
	if (ret == 0 && scope_count > 0)
		ret = scope_gcs(tmp, txn, mbox, scope, scope_count, &c.scope);
	else
		c.scope = old.scope;
	ret = ret ?: crit_put(txn, mbox, &c);
	/* A stopped search keeps its links; any other set re-runs it. */
	if (ret == 0 && (c.state & STORE_SEARCH_RUNNING))
		ret = populate(txn, mbox, &c);
	if (ret == 0) {
		ret = store_txn_commit(txn);
		txn = NULL;
	}
	if (txn != NULL)
		mdb_txn_abort(txn);
	talloc_free(tmp);
	return ret;
}

int store_search_get_criteria(TALLOC_CTX *mem_ctx, struct store_mailbox *mbox, uint64_t fid,
                              struct mapi_restriction **res_r, uint64_t **scope_r,
                              uint32_t *scope_count_r, uint32_t *state_r)
{
	MDB_txn *txn = NULL;
	struct crit c = {0};
	TALLOC_CTX *tmp = talloc_new(NULL);
	int ret = store_txn_begin(mbox, false, &txn);
	ret = ret ?: search_folder(txn, mbox, store_gc(fid));
	int found = ret == 0 ? crit_get(tmp, txn, mbox, store_gc(fid), &c) : ret;
	if (found == 0)
		ret = STORE_E_NOTINIT;
	else if (found < 0)
		ret = found;
	if (txn != NULL)
		mdb_txn_abort(txn);
	if (ret == 0 && res_r != NULL) {
		*res_r = mapi_restriction_dup(mem_ctx, c.res);
		ret = *res_r == NULL ? STORE_E_NOMEM : 0;
	}
	if (ret == 0 && scope_r != NULL) {
		*scope_r = talloc_array(mem_ctx, uint64_t, c.scope_count + 1);
		ret = *scope_r == NULL ? STORE_E_NOMEM : 0;
		for (uint32_t i = 0; ret == 0 && i < c.scope_count; i++)
			(*scope_r)[i] = store_id(c.scope[i]);
	}
	if (ret == 0) {
		if (scope_count_r != NULL)
			*scope_count_r = c.scope_count;
		/* Population is synchronous: a search is always complete
		 * ([MS-OXCFOLD] 2.2.1.5.2 SEARCH_COMPLETE). */
		*state_r = c.state | STORE_SEARCH_COMPLETE;
	}
	talloc_free(tmp);
	return ret;
}
