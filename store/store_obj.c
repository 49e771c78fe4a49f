/*
 * store_obj: object records, their indexes and tombstones, GLOBCNT
 * allocation, folder counters, quota accounting and the computed
 * properties every folder and message answers.
 */
#include <errno.h>
#include <string.h>

#include "store_private.h"

static void gc_key(uint8_t key[8], uint64_t gc)
{
	be64_put(key, gc);
}

int store_obj_get(MDB_txn *txn, struct store_mailbox *mbox, uint64_t gc, struct obj *obj_r)
{
	uint8_t key[8];
	gc_key(key, gc);
	MDB_val k = {8, key}, v;
	int rc = mdb_get(txn, mbox->env->dbi[DB_OBJ], &k, &v);
	if (rc == MDB_NOTFOUND)
		return 0;
	if (rc != 0)
		return store_mdb_err(rc);
	if (v.mv_size < sizeof(struct obj_hdr))
		return STORE_E_CORRUPT;
	obj_r->gc = gc;
	memcpy(&obj_r->hdr, v.mv_data, sizeof(obj_r->hdr));
	if (obj_r->hdr.version != OBJ_HDR_VERSION)
		return STORE_E_CORRUPT;
	obj_r->blob = (const uint8_t *)v.mv_data + sizeof(struct obj_hdr);
	obj_r->blob_len = v.mv_size - sizeof(struct obj_hdr);
	return 1;
}

int store_obj_put(MDB_txn *txn, struct store_mailbox *mbox, uint64_t gc, const struct obj_hdr *hdr,
                  const uint8_t *blob, size_t blob_len)
{
	uint8_t key[8];
	gc_key(key, gc);
	MDB_val k = {8, key}, v = {sizeof(*hdr) + blob_len, NULL};
	int rc = mdb_put(txn, mbox->env->dbi[DB_OBJ], &k, &v, MDB_RESERVE);
	if (rc != 0)
		return store_mdb_err(rc);
	memcpy(v.mv_data, hdr, sizeof(*hdr));
	if (blob_len > 0)
		memcpy((uint8_t *)v.mv_data + sizeof(*hdr), blob, blob_len);
	return 0;
}

int store_obj_del(MDB_txn *txn, struct store_mailbox *mbox, uint64_t gc)
{
	uint8_t key[8];
	gc_key(key, gc);
	MDB_val k = {8, key};
	int rc = mdb_del(txn, mbox->env->dbi[DB_OBJ], &k, NULL);
	return rc == MDB_NOTFOUND ? STORE_E_NOTFOUND : store_mdb_err(rc);
}

static int key_op(MDB_txn *txn, MDB_dbi dbi, const uint8_t *key, size_t len, bool add)
{
	MDB_val k = {len, (void *)key}, v = {0, NULL};
	int rc = add ? mdb_put(txn, dbi, &k, &v, 0) : mdb_del(txn, dbi, &k, NULL);
	if (!add && rc == MDB_NOTFOUND)
		return 0;
	return store_mdb_err(rc);
}

/* parent | kind | field | value | gc */
static void idx_key(uint8_t key[26], uint64_t parent, uint8_t kind, uint8_t field, uint64_t value,
                    uint64_t gc)
{
	be64_put(key, parent);
	key[8] = kind;
	key[9] = field;
	be64_put(key + 10, value);
	be64_put(key + 18, gc);
}

static int index_op(MDB_txn *txn, struct store_mailbox *mbox, uint64_t gc,
                    const struct obj_hdr *hdr, bool add)
{
	MDB_dbi child = mbox->env->dbi[DB_CHILD], idx = mbox->env->dbi[DB_IDX];
	uint8_t key[26];
	int ret;
	be64_put(key, hdr->parent);
	key[8] = hdr->kind;
	be64_put(key + 9, gc);
	ret = key_op(txn, child, key, 17, add);
	if (ret < 0)
		return ret;
	if (hdr->kind == KIND_FOLDER) {
		/* Mailbox-wide, for hierarchy synchronisation. */
		idx_key(key, 0, KIND_FOLDER, 'c', hdr->cn, gc);
		return key_op(txn, idx, key, 26, add);
	}
	/* Search folders re-evaluate the message at commit. */
	if (hdr->kind == KIND_MESSAGE || hdr->kind == KIND_SOFTDEL)
		ret = store_search_mark_txn(txn, mbox, gc, false);
	if (ret < 0 || hdr->kind == KIND_SOFTDEL)
		return ret;
	idx_key(key, hdr->parent, hdr->kind, 'c', hdr->cn, gc);
	ret = key_op(txn, idx, key, 26, add);
	idx_key(key, hdr->parent, hdr->kind, 'd', hdr->dtime, gc);
	if (ret == 0)
		ret = key_op(txn, idx, key, 26, add);
	idx_key(key, hdr->parent, hdr->kind, 'm', hdr->mtime, gc);
	if (ret == 0)
		ret = key_op(txn, idx, key, 26, add);
	if (ret == 0 && hdr->read_cn != 0) {
		idx_key(key, hdr->parent, hdr->kind, 'r', hdr->read_cn, gc);
		ret = key_op(txn, idx, key, 26, add);
	}
	return ret;
}

int store_index_add(MDB_txn *txn, struct store_mailbox *mbox, uint64_t gc,
                    const struct obj_hdr *hdr)
{
	return index_op(txn, mbox, gc, hdr, true);
}

int store_index_del(MDB_txn *txn, struct store_mailbox *mbox, uint64_t gc,
                    const struct obj_hdr *hdr)
{
	return index_op(txn, mbox, gc, hdr, false);
}

int store_tomb_add(MDB_txn *txn, struct store_mailbox *mbox, uint64_t parent, uint8_t kind,
                   uint64_t cn, uint64_t gc)
{
	uint8_t key[25];
	be64_put(key, parent);
	key[8] = kind;
	be64_put(key + 9, cn);
	be64_put(key + 17, gc);
	return key_op(txn, mbox->env->dbi[DB_TOMB], key, sizeof(key), true);
}

int store_meta_get_u64(MDB_txn *txn, struct store_mailbox *mbox, const char *key, uint64_t *v_r)
{
	MDB_val k = {strlen(key), (void *)key}, v;
	int rc = mdb_get(txn, mbox->env->dbi[DB_META], &k, &v);
	if (rc == MDB_NOTFOUND) {
		*v_r = 0;
		return 0;
	}
	if (rc != 0)
		return store_mdb_err(rc);
	if (v.mv_size != 8)
		return STORE_E_CORRUPT;
	memcpy(v_r, v.mv_data, 8);
	return 0;
}

int store_meta_put_u64(MDB_txn *txn, struct store_mailbox *mbox, const char *key, uint64_t val)
{
	MDB_val k = {strlen(key), (void *)key}, v = {8, &val};
	return store_mdb_err(mdb_put(txn, mbox->env->dbi[DB_META], &k, &v, 0));
}

/* GLOBCNT values are 48 bits ([MS-OXCDATA] 2.2.1.1). */
#define GLOBCNT_MAX 0xFFFFFFFFFFFFULL

int store_alloc_gc(MDB_txn *txn, struct store_mailbox *mbox, uint32_t count, uint64_t *gc_r)
{
	uint64_t next;
	int ret = store_meta_get_u64(txn, mbox, "globcnt", &next);
	if (ret < 0)
		return ret;
	if (next == 0 || GLOBCNT_MAX - next < count)
		return next == 0 ? STORE_E_CORRUPT : STORE_E_RANGE;
	*gc_r = next;
	return store_meta_put_u64(txn, mbox, "globcnt", next + count);
}

int store_reserve_globcnt(struct store_mailbox *mbox, uint32_t count, uint64_t *first_r)
{
	MDB_txn *txn = NULL;
	int ret = store_txn_begin(mbox, true, &txn);
	if (ret < 0)
		return ret;
	ret = store_alloc_gc(txn, mbox, count, first_r);
	if (ret < 0) {
		mdb_txn_abort(txn);
		return ret;
	}
	return store_txn_commit(txn);
}

int store_folder_adjust(MDB_txn *txn, struct store_mailbox *mbox, uint64_t fgc, uint8_t kind,
                        int64_t d_count, int64_t d_unread, int64_t d_size)
{
	struct obj o;
	int ret = store_obj_get(txn, mbox, fgc, &o);
	if (ret <= 0)
		return ret == 0 ? STORE_E_NOTFOUND : ret;
	struct obj_hdr h = o.hdr;
	switch (kind) {
	case KIND_FOLDER:
		h.child_count = (uint32_t)((int64_t)h.child_count + d_count);
		break;
	case KIND_MESSAGE:
		h.content_count = (uint32_t)((int64_t)h.content_count + d_count);
		h.unread_count = (uint32_t)((int64_t)h.unread_count + d_unread);
		h.content_size = (uint64_t)((int64_t)h.content_size + d_size);
		break;
	case KIND_FAI:
		h.fai_count = (uint32_t)((int64_t)h.fai_count + d_count);
		h.fai_size = (uint64_t)((int64_t)h.fai_size + d_size);
		break;
	case KIND_SOFTDEL:
		h.softdel_count = (uint64_t)((int64_t)h.softdel_count + d_count);
		break;
	}
	/* The record is rewritten in place: copy the blob first since it points
	 * into the page being replaced. */
	uint8_t *blob = store_memdup(NULL, o.blob, o.blob_len);
	if (blob == NULL)
		return STORE_E_NOMEM;
	ret = store_obj_put(txn, mbox, fgc, &h, blob, o.blob_len);
	talloc_free(blob);
	return ret;
}

int store_children(TALLOC_CTX *mem_ctx, MDB_txn *txn, struct store_mailbox *mbox, uint64_t parent,
                   uint8_t kind, uint64_t **gcs_r, uint32_t *count_r)
{
	MDB_cursor *cur;
	uint8_t key[17];
	uint32_t n = 0, cap = 16;
	uint64_t *gcs = talloc_array(mem_ctx, uint64_t, cap);
	int rc = mdb_cursor_open(txn, mbox->env->dbi[DB_CHILD], &cur);
	if (rc != 0 || gcs == NULL) {
		talloc_free(gcs);
		return rc ? store_mdb_err(rc) : STORE_E_NOMEM;
	}
	be64_put(key, parent);
	key[8] = kind;
	memset(key + 9, 0, 8);
	MDB_val k = {17, key}, v;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size != 17 || memcmp(k.mv_data, key, 9) != 0)
			break;
		if (n == cap) {
			cap *= 2;
			uint64_t *p = talloc_realloc(mem_ctx, gcs, uint64_t, cap);
			if (p == NULL) {
				rc = ENOMEM;
				break;
			}
			gcs = p;
		}
		gcs[n++] = be64_get((const uint8_t *)k.mv_data + 9);
	}
	mdb_cursor_close(cur);
	if (rc != 0 && rc != MDB_NOTFOUND) {
		talloc_free(gcs);
		return store_mdb_err(rc);
	}
	*gcs_r = gcs;
	*count_r = n;
	return 0;
}

int store_quota_check(MDB_txn *txn, struct store_mailbox *mbox, int64_t delta, uint64_t msg_size)
{
	uint64_t total;
	MDB_val k = {5, (void *)"quota"}, v;
	uint64_t q[3] = {0, 0, 0};
	int rc = mdb_get(txn, mbox->env->dbi[DB_META], &k, &v);
	if (rc == 0 && v.mv_size == sizeof(q))
		memcpy(q, v.mv_data, sizeof(q));
	int ret = store_meta_get_u64(txn, mbox, "size", &total);
	if (ret < 0)
		return ret;
	if (q[2] != 0 && msg_size > q[2])
		return STORE_E_TOOBIG;
	if (delta > 0) {
		if (q[1] != 0 && total + (uint64_t)delta > q[1])
			return STORE_E_SHUTOFF;
		if (q[0] != 0 && total + (uint64_t)delta > q[0])
			return STORE_E_QUOTA;
	}
	if ((int64_t)total + delta < 0)
		total = 0;
	else
		total = (uint64_t)((int64_t)total + delta);
	return store_meta_put_u64(txn, mbox, "size", total);
}

int store_mailbox_set_quota(struct store_mailbox *mbox, uint64_t quota_bytes,
                            uint64_t shutoff_bytes, uint64_t max_message_bytes)
{
	MDB_txn *txn = NULL;
	uint64_t q[3] = {quota_bytes, shutoff_bytes, max_message_bytes};
	int ret = store_txn_begin(mbox, true, &txn);
	if (ret < 0)
		return ret;
	MDB_val k = {5, (void *)"quota"}, v = {sizeof(q), q};
	int rc = mdb_put(txn, mbox->env->dbi[DB_META], &k, &v, 0);
	if (rc != 0) {
		mdb_txn_abort(txn);
		return store_mdb_err(rc);
	}
	return store_txn_commit(txn);
}

/* [MS-OXCFXICS] 2.2.2.2 XID: NamespaceGuid then the 6-byte GLOBCNT. */
void store_xid(const struct store_mailbox *mbox, uint64_t gc, uint8_t out[22])
{
	memcpy(out, mbox->env->ident.replica_guid.b, 16);
	for (int i = 0; i < 6; i++)
		out[16 + i] = (uint8_t)(gc >> (8 * (5 - i)));
}
