/*
 * store_message_ops: operations on saved messages by ID: delete
 * ([MS-OXCFOLD] 2.2.1.11 RopDeleteMessages / 2.2.1.12 RopHardDeleteMessages),
 * move and copy (2.2.1.6 RopMoveCopyMessages), read flags
 * ([MS-OXCMSG] 2.2.3.10 RopSetReadFlags).
 */
#include <string.h>

#include "store_private.h"

enum remove_mode {
	REMOVE_SOFT,
	REMOVE_HARD,
	REMOVE_MOVED, /* hard, but the chunks now belong to the moved copy */
};

static int del_key(MDB_txn *txn, MDB_dbi dbi, const uint8_t *key, size_t len)
{
	MDB_val k = {len, (void *)key};
	int rc = mdb_del(txn, dbi, &k, NULL);
	return rc == MDB_NOTFOUND ? 0 : store_mdb_err(rc);
}

/* Deletes the recipient rows and attachments of gc. */
static int drop_children(MDB_txn *txn, struct store_mailbox *mbox, uint64_t gc, bool chunks)
{
	uint8_t key[12];
	MDB_cursor *cur;
	be64_put(key, gc);
	int ret = del_key(txn, mbox->env->dbi[DB_RECIP], key, 8);
	if (ret < 0)
		return ret;
	memset(key + 8, 0, 4);
	int rc = mdb_cursor_open(txn, mbox->env->dbi[DB_ATTACH], &cur);
	if (rc != 0)
		return store_mdb_err(rc);
	MDB_val k = {12, key}, v;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0 && ret == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE)) {
		if (k.mv_size != 12 || memcmp(k.mv_data, key, 8) != 0)
			break;
		if (chunks)
			ret = store_blob_drop_chunks(txn, mbox, v.mv_data, v.mv_size);
		if (ret == 0)
			ret = store_mdb_err(mdb_cursor_del(cur, 0));
		k.mv_size = 12;
		k.mv_data = key;
	}
	mdb_cursor_close(cur);
	return ret;
}

static int remove_msg(MDB_txn *txn, struct store_mailbox *mbox, uint64_t gc, enum remove_mode mode,
                      uint64_t cn)
{
	struct obj o;
	int ret = store_obj_get(txn, mbox, gc, &o);
	if (ret <= 0)
		return ret == 0 ? STORE_E_NOTFOUND : ret;
	if (o.hdr.kind == KIND_FOLDER)
		return STORE_E_NOTFOUND;
	struct obj_hdr h = o.hdr;
	bool unread = !(h.flags & OBJ_F_READ);
	ret = store_index_del(txn, mbox, gc, &h);
	if (ret == 0)
		ret = store_folder_adjust(txn, mbox, h.parent, h.kind, -1,
		                          h.kind == KIND_MESSAGE && unread ? -1 : 0,
		                          h.kind == KIND_SOFTDEL ? 0 : -(int64_t)h.size);
	/* ICS reports the deletion in the folder it left ([MS-OXCFXICS]
	 * 3.2.5.9.4.4). */
	if (ret == 0 && cn != 0 && h.kind != KIND_SOFTDEL)
		ret = store_tomb_add(txn, mbox, h.parent, h.kind, cn, gc);
	if (ret == 0 && mode == REMOVE_SOFT && h.kind != KIND_SOFTDEL) {
		h.kind = KIND_SOFTDEL;
		uint8_t *blob = store_memdup(NULL, o.blob, o.blob_len);
		ret = blob ? store_obj_put(txn, mbox, gc, &h, blob, o.blob_len) : STORE_E_NOMEM;
		talloc_free(blob);
		if (ret == 0)
			ret = store_index_add(txn, mbox, gc, &h);
		if (ret == 0)
			ret = store_folder_adjust(txn, mbox, h.parent, KIND_SOFTDEL, 1, 0, 0);
		return ret;
	}
	if (ret == 0 && mode != REMOVE_MOVED)
		ret = store_blob_drop_chunks(txn, mbox, o.blob, o.blob_len);
	if (ret == 0)
		ret = drop_children(txn, mbox, gc, mode != REMOVE_MOVED);
	if (ret == 0)
		ret = store_obj_del(txn, mbox, gc);
	if (ret == 0 && h.kind != KIND_SOFTDEL && mode != REMOVE_MOVED)
		ret = store_quota_check(txn, mbox, -(int64_t)h.size, 0);
	return ret;
}

int store_message_remove_txn(MDB_txn *txn, struct store_mailbox *mbox, uint64_t gc, bool hard,
                             uint64_t cn)
{
	return remove_msg(txn, mbox, gc, hard ? REMOVE_HARD : REMOVE_SOFT, cn);
}

/* Copies recipient rows and attachments of gc to ngc. */
static int copy_children(MDB_txn *txn, struct store_mailbox *mbox, uint64_t gc, uint64_t ngc,
                         bool move)
{
	uint8_t key[12], nkey[12];
	MDB_cursor *cur;
	TALLOC_CTX *tmp = talloc_new(NULL);
	be64_put(key, gc);
	be64_put(nkey, ngc);
	MDB_val k = {8, key}, v;
	int ret = 0, rc = mdb_get(txn, mbox->env->dbi[DB_RECIP], &k, &v);
	if (rc == 0) {
		void *copy = talloc_memdup(tmp, v.mv_data, v.mv_size);
		MDB_val nk = {8, nkey}, nv = {v.mv_size, copy};
		ret = store_mdb_err(mdb_put(txn, mbox->env->dbi[DB_RECIP], &nk, &nv, 0));
	}
	memset(key + 8, 0, 4);
	rc = mdb_cursor_open(txn, mbox->env->dbi[DB_ATTACH], &cur);
	bool cur_ok = rc == 0;
	if (rc != 0 && ret == 0)
		ret = store_mdb_err(rc);
	/* Collect first: writing while iterating the same DB moves the cursor. */
	struct {
		uint32_t num;
		uint8_t *blob;
		size_t len;
	} *att = NULL;
	uint32_t n = 0;
	k.mv_size = 12;
	k.mv_data = key;
	for (rc = ret == 0 ? mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE) : MDB_NOTFOUND; rc == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size != 12 || memcmp(k.mv_data, key, 8) != 0)
			break;
		att = talloc_realloc_size(tmp, att, (n + 1) * sizeof(*att));
		att[n].num = be32_get((const uint8_t *)k.mv_data + 8);
		att[n].blob = store_memdup(tmp, v.mv_data, v.mv_size);
		att[n].len = v.mv_size;
		n++;
	}
	if (cur_ok)
		mdb_cursor_close(cur);
	for (uint32_t i = 0; i < n && ret == 0; i++) {
		uint8_t *blob = att[i].blob;
		if (!move)
			ret =
			    store_blob_copy_chunks(tmp, txn, mbox, att[i].blob, att[i].len, &blob);
		be32_put(nkey + 8, att[i].num);
		MDB_val nk = {12, nkey}, nv = {att[i].len, blob};
		if (ret == 0)
			ret = store_mdb_err(mdb_put(txn, mbox->env->dbi[DB_ATTACH], &nk, &nv, 0));
	}
	talloc_free(tmp);
	return ret;
}

int store_message_copy_txn(MDB_txn *txn, struct store_mailbox *mbox, uint64_t gc, uint64_t dst_fgc,
                           bool move, uint64_t *new_gc_r)
{
	struct obj o;
	uint64_t ngc = 0;
	uint8_t *blob = NULL;
	int ret = store_obj_get(txn, mbox, gc, &o);
	if (ret <= 0)
		return ret == 0 ? STORE_E_NOTFOUND : ret;
	if (o.hdr.kind != KIND_MESSAGE && o.hdr.kind != KIND_FAI)
		return STORE_E_NOTFOUND;
	ret = 0;
	struct obj_hdr h = o.hdr;
	uint64_t src_fgc = h.parent;
	if (move)
		blob = store_memdup(NULL, o.blob, o.blob_len);
	else
		ret = store_blob_copy_chunks(NULL, txn, mbox, o.blob, o.blob_len, &blob);
	if (ret == 0 && blob == NULL)
		ret = STORE_E_NOMEM;
	/* A moved message gets a new MID in its new folder, like Exchange. */
	if (ret == 0)
		ret = store_alloc_gc(txn, mbox, 2, &ngc);
	if (ret == 0 && !move)
		ret = store_quota_check(txn, mbox, (int64_t)h.size, 0);
	h.parent = dst_fgc;
	h.cn = ngc + 1;
	h.mtime = store_now_filetime();
	if (ret == 0)
		ret = store_obj_put(txn, mbox, ngc, &h, blob, o.blob_len);
	talloc_free(blob);
	if (ret == 0)
		ret = store_index_add(txn, mbox, ngc, &h);
	if (ret == 0)
		ret = store_folder_adjust(txn, mbox, dst_fgc, h.kind, 1,
		                          h.kind == KIND_MESSAGE && !(h.flags & OBJ_F_READ) ? 1 : 0,
		                          (int64_t)h.size);
	if (ret == 0)
		ret = copy_children(txn, mbox, gc, ngc, move);
	if (ret == 0 && move)
		ret = remove_msg(txn, mbox, gc, REMOVE_MOVED, ngc + 1);
	(void)src_fgc;
	if (ret == 0 && new_gc_r != NULL)
		*new_gc_r = ngc;
	return ret;
}

static int check_folder(MDB_txn *txn, struct store_mailbox *mbox, uint64_t gc)
{
	struct obj o;
	int ret = store_obj_get(txn, mbox, gc, &o);
	if (ret < 0)
		return ret;
	return ret == 0 || o.hdr.kind != KIND_FOLDER ? STORE_E_NOTFOUND : 0;
}

/* The message gc lies in folder fgc and is live. */
static int in_folder(MDB_txn *txn, struct store_mailbox *mbox, uint64_t gc, uint64_t fgc)
{
	struct obj o;
	int ret = store_obj_get(txn, mbox, gc, &o);
	if (ret <= 0)
		return ret;
	return o.hdr.parent == fgc && (o.hdr.kind == KIND_MESSAGE || o.hdr.kind == KIND_FAI);
}

static void publish_msgs(struct store_mailbox *mbox, enum store_event_type type, uint64_t fgc,
                         uint64_t src_fgc, const uint64_t *mids, const uint64_t *new_gcs,
                         uint32_t count)
{
	for (uint32_t i = 0; i < count; i++) {
		struct store_event ev = {.type = type, .fid = store_id(fgc), .mid = mids[i]};
		if (new_gcs != NULL) {
			if (new_gcs[i] == 0)
				continue;
			ev.mid = store_id(new_gcs[i]);
			ev.old_fid = store_id(src_fgc);
			ev.old_mid = mids[i];
		}
		store_publish(mbox, &ev);
	}
}

/* Where message gc lives when it is deleted through folder fgc: fgc
 * itself, or for a search folder the real folder of a linked message
 * (deleting from a search folder deletes the message itself).
 * 1 with *real_r, 0 not there, <0. */
static int deletable_in(MDB_txn *txn, struct store_mailbox *mbox, uint64_t gc, uint64_t fgc,
                        bool search, uint64_t *real_r)
{
	*real_r = fgc;
	if (!search)
		return in_folder(txn, mbox, gc, fgc);
	struct obj o;
	int ret = store_search_has_link(txn, mbox, fgc, gc);
	if (ret == 1)
		ret = store_obj_get(txn, mbox, gc, &o);
	if (ret == 1)
		*real_r = o.hdr.parent;
	return ret;
}

int store_messages_delete(struct store_mailbox *mbox, uint64_t fid, const uint64_t *mids,
                          uint32_t count, unsigned int flags, bool *partial_r)
{
	MDB_txn *txn = NULL;
	struct obj f;
	uint64_t cn, fgc = store_gc(fid);
	uint64_t *done = talloc_array(NULL, uint64_t, count + 1);
	uint64_t *where = talloc_array(done, uint64_t, count + 1);
	uint32_t ndone = 0;
	bool partial = false;
	int ret = done == NULL || where == NULL ? STORE_E_NOMEM : store_txn_begin(mbox, true, &txn);
	if (ret < 0) {
		talloc_free(done);
		return ret;
	}
	ret = check_folder(txn, mbox, fgc);
	bool search =
	    ret == 0 && store_obj_get(txn, mbox, fgc, &f) == 1 && (f.hdr.flags & OBJ_F_SEARCH) != 0;
	if (ret == 0)
		ret = store_alloc_gc(txn, mbox, 1, &cn);
	for (uint32_t i = 0; i < count && ret == 0; i++) {
		uint64_t real;
		ret = deletable_in(txn, mbox, store_gc(mids[i]), fgc, search, &real);
		if (ret == 0) {
			partial = true;
			continue;
		}
		if (ret == 1)
			ret = remove_msg(txn, mbox, store_gc(mids[i]),
			                 flags & STORE_DEL_HARD ? REMOVE_HARD : REMOVE_SOFT, cn);
		if (ret == 0) {
			where[ndone] = real;
			done[ndone++] = mids[i];
		}
	}
	if (ret < 0) {
		mdb_txn_abort(txn);
		talloc_free(done);
		return ret;
	}
	ret = store_txn_commit(txn);
	if (ret == 0) {
		if (partial_r != NULL)
			*partial_r = partial;
		/* Only what was deleted, each in its own folder. */
		for (uint32_t i = 0; i < ndone; i++)
			publish_msgs(mbox, STORE_EV_DELETED, where[i], 0, &done[i], NULL, 1);
	}
	talloc_free(done);
	return ret;
}

static int move_copy(struct store_mailbox *mbox, uint64_t src_fid, uint64_t dst_fid,
                     const uint64_t *mids, uint32_t count, uint64_t *new_mids_r, bool move)
{
	MDB_txn *txn = NULL;
	uint64_t sgc = store_gc(src_fid), dgc = store_gc(dst_fid);
	uint64_t *new_gcs = talloc_zero_array(NULL, uint64_t, count + 1);
	if (new_gcs == NULL)
		return STORE_E_NOMEM;
	int ret = store_txn_begin(mbox, true, &txn);
	if (ret < 0)
		goto out;
	ret = check_folder(txn, mbox, sgc);
	if (ret == 0)
		ret = check_folder(txn, mbox, dgc);
	for (uint32_t i = 0; i < count && ret == 0; i++) {
		ret = in_folder(txn, mbox, store_gc(mids[i]), sgc);
		if (ret == 1)
			ret = store_message_copy_txn(txn, mbox, store_gc(mids[i]), dgc, move,
			                             &new_gcs[i]);
	}
	if (ret < 0) {
		mdb_txn_abort(txn);
		goto out;
	}
	ret = store_txn_commit(txn);
	if (ret == 0) {
		for (uint32_t i = 0; new_mids_r != NULL && i < count; i++)
			new_mids_r[i] = new_gcs[i] ? store_id(new_gcs[i]) : 0;
		publish_msgs(mbox, move ? STORE_EV_MOVED : STORE_EV_COPIED, dgc, sgc, mids, new_gcs,
		             count);
	}
out:
	talloc_free(new_gcs);
	return ret;
}

int store_messages_move(struct store_mailbox *mbox, uint64_t src_fid, uint64_t dst_fid,
                        const uint64_t *mids, uint32_t count, uint64_t *new_mids_r)
{
	return move_copy(mbox, src_fid, dst_fid, mids, count, new_mids_r, true);
}

int store_messages_copy(struct store_mailbox *mbox, uint64_t src_fid, uint64_t dst_fid,
                        const uint64_t *mids, uint32_t count, uint64_t *new_mids_r)
{
	return move_copy(mbox, src_fid, dst_fid, mids, count, new_mids_r, false);
}

static int set_read_one(MDB_txn *txn, struct store_mailbox *mbox, uint64_t gc, bool read,
                        uint64_t read_cn)
{
	struct obj o;
	int ret = store_obj_get(txn, mbox, gc, &o);
	if (ret <= 0)
		return ret;
	bool was = (o.hdr.flags & OBJ_F_READ) != 0;
	if (was == read)
		return 1;
	struct obj_hdr h = o.hdr;
	uint8_t *blob = store_memdup(NULL, o.blob, o.blob_len);
	if (blob == NULL)
		return STORE_E_NOMEM;
	ret = store_index_del(txn, mbox, gc, &o.hdr);
	h.flags = read ? (uint8_t)(h.flags | OBJ_F_READ) : (uint8_t)(h.flags & ~OBJ_F_READ);
	/* [MS-OXCFXICS] 2.2.1.1.8: read state changes have their own CN. */
	h.read_cn = read_cn;
	if (ret == 0)
		ret = store_obj_put(txn, mbox, gc, &h, blob, o.blob_len);
	talloc_free(blob);
	if (ret == 0)
		ret = store_index_add(txn, mbox, gc, &h);
	if (ret == 0 && h.kind == KIND_MESSAGE)
		ret = store_folder_adjust(txn, mbox, h.parent, KIND_MESSAGE, 0, read ? -1 : 1, 0);
	return ret < 0 ? ret : 1;
}

int store_messages_set_read(struct store_mailbox *mbox, uint64_t fid, const uint64_t *mids,
                            uint32_t count, bool read)
{
	MDB_txn *txn = NULL;
	uint64_t fgc = store_gc(fid), cn;
	int ret = store_txn_begin(mbox, true, &txn);
	if (ret < 0)
		return ret;
	ret = check_folder(txn, mbox, fgc);
	if (ret == 0)
		ret = store_alloc_gc(txn, mbox, 1, &cn);
	for (uint32_t i = 0; i < count && ret >= 0; i++) {
		ret = in_folder(txn, mbox, store_gc(mids[i]), fgc);
		if (ret == 1)
			ret = set_read_one(txn, mbox, store_gc(mids[i]), read, cn);
	}
	if (ret < 0) {
		mdb_txn_abort(txn);
		return ret;
	}
	ret = store_txn_commit(txn);
	if (ret == 0)
		publish_msgs(mbox, STORE_EV_MODIFIED, fgc, 0, mids, NULL, count);
	return ret;
}
