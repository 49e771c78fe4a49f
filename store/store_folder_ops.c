/*
 * store_folder_ops: folder delete, empty, move and copy ([MS-OXCFOLD]
 * 2.2.1.3, 2.2.1.7, 2.2.1.8, 2.2.1.9).
 */
#include <string.h>

#include "store_private.h"

static int remove_messages(MDB_txn *txn, struct store_mailbox *mbox, uint64_t fgc, uint8_t kind,
                           bool hard, uint64_t cn, uint32_t *count_r)
{
	uint64_t *gcs;
	uint32_t n;
	int ret = store_children(NULL, txn, mbox, fgc, kind, &gcs, &n);
	for (uint32_t i = 0; i < n && ret == 0; i++)
		ret = store_message_remove_txn(txn, mbox, gcs[i], hard, cn);
	if (ret == 0 && count_r != NULL)
		*count_r += n;
	talloc_free(gcs);
	return ret;
}

/* Deletes folder gc and everything in it. */
static int remove_folder(MDB_txn *txn, struct store_mailbox *mbox, uint64_t gc, uint64_t cn)
{
	uint64_t *sub;
	uint32_t n;
	struct obj o;
	int ret = store_children(NULL, txn, mbox, gc, KIND_FOLDER, &sub, &n);
	for (uint32_t i = 0; i < n && ret == 0; i++)
		ret = remove_folder(txn, mbox, sub[i], cn);
	talloc_free(sub);
	for (uint8_t kind = KIND_MESSAGE; kind <= KIND_SOFTDEL && ret == 0; kind++)
		ret = remove_messages(txn, mbox, gc, kind, true, 0, NULL);
	if (ret == 0)
		ret = store_obj_get(txn, mbox, gc, &o);
	if (ret == 0)
		return STORE_E_NOTFOUND;
	if (ret < 0)
		return ret;
	ret = store_index_del(txn, mbox, gc, &o.hdr);
	if (ret == 0 && (o.hdr.flags & OBJ_F_SEARCH))
		ret = store_search_drop_txn(txn, mbox, gc);
	if (ret == 0)
		ret = store_blob_drop_chunks(txn, mbox, o.blob, o.blob_len);
	/* Hierarchy ICS reports the deletion ([MS-OXCFXICS] 3.2.5.9.4). */
	if (ret == 0)
		ret = store_tomb_add(txn, mbox, 0, KIND_FOLDER, cn, gc);
	if (ret == 0)
		ret = store_folder_adjust(txn, mbox, o.hdr.parent, KIND_FOLDER, -1, 0, 0);
	if (ret == 0)
		ret = store_obj_del(txn, mbox, gc);
	return ret;
}

static int folder_of(MDB_txn *txn, struct store_mailbox *mbox, uint64_t gc, struct obj *o)
{
	int ret = store_obj_get(txn, mbox, gc, o);
	if (ret < 0)
		return ret;
	return ret == 0 || o->hdr.kind != KIND_FOLDER ? STORE_E_NOTFOUND : 0;
}

static int finish(MDB_txn *txn, int ret)
{
	if (ret < 0) {
		mdb_txn_abort(txn);
		return ret;
	}
	return store_txn_commit(txn);
}

int store_folder_delete(struct store_mailbox *mbox, uint64_t fid, unsigned int flags)
{
	MDB_txn *txn = NULL;
	struct obj o;
	uint64_t gc = store_gc(fid), cn;
	if (store_is_special(mbox, gc))
		return STORE_E_ACCESS;
	int ret = store_txn_begin(mbox, true, &txn);
	if (ret < 0)
		return ret;
	ret = folder_of(txn, mbox, gc, &o);
	if (ret == 0 && !(flags & STORE_DEL_FOLDERS) && o.hdr.child_count > 0)
		ret = STORE_E_HASCHILDREN;
	/* A search folder's contents are links, not messages it holds. */
	uint32_t held = (o.hdr.flags & OBJ_F_SEARCH) ? 0 : o.hdr.content_count;
	if (ret == 0 && !(flags & STORE_DEL_MESSAGES) && held + o.hdr.fai_count > 0)
		ret = STORE_E_HASCHILDREN;
	if (ret == 0)
		ret = store_alloc_gc(txn, mbox, 1, &cn);
	if (ret == 0)
		ret = remove_folder(txn, mbox, gc, cn);
	ret = finish(txn, ret);
	if (ret == 0) {
		struct store_event ev = {
		    .type = STORE_EV_DELETED, .fid = fid, .parent_fid = store_id(o.hdr.parent)};
		store_publish(mbox, &ev);
	}
	return ret;
}

int store_folder_empty(struct store_mailbox *mbox, uint64_t fid, unsigned int flags)
{
	MDB_txn *txn = NULL;
	struct obj o;
	uint64_t gc = store_gc(fid), cn, *sub;
	uint32_t n;
	bool hard = (flags & STORE_DEL_HARD) != 0;
	int ret = store_txn_begin(mbox, true, &txn);
	if (ret < 0)
		return ret;
	ret = folder_of(txn, mbox, gc, &o);
	if (ret == 0)
		ret = store_alloc_gc(txn, mbox, 1, &cn);
	if (ret == 0)
		ret = remove_messages(txn, mbox, gc, KIND_MESSAGE, hard, cn, NULL);
	if (ret == 0 && (flags & STORE_DEL_ASSOCIATED))
		ret = remove_messages(txn, mbox, gc, KIND_FAI, hard, cn, NULL);
	if (ret == 0)
		ret = store_children(NULL, txn, mbox, gc, KIND_FOLDER, &sub, &n);
	for (uint32_t i = 0; ret == 0 && i < n; i++) {
		if (!store_is_special(mbox, sub[i]))
			ret = remove_folder(txn, mbox, sub[i], cn);
	}
	if (ret == 0)
		talloc_free(sub);
	ret = finish(txn, ret);
	if (ret == 0) {
		struct store_event ev = {.type = STORE_EV_MODIFIED, .fid = fid};
		if (o.hdr.parent != 0)
			ev.parent_fid = store_id(o.hdr.parent);
		store_publish(mbox, &ev);
	}
	return ret;
}

/* STORE_E_CYCLE when target is gc or lies below it. */
static int check_cycle(MDB_txn *txn, struct store_mailbox *mbox, uint64_t gc, uint64_t target)
{
	for (int depth = 0; target != 0; depth++) {
		struct obj o;
		if (target == gc)
			return STORE_E_CYCLE;
		if (depth > 1000)
			return STORE_E_CORRUPT;
		int ret = folder_of(txn, mbox, target, &o);
		if (ret < 0)
			return ret;
		target = o.hdr.parent;
	}
	return 0;
}

static int rename_in(MDB_txn *txn, struct store_mailbox *mbox, uint64_t gc, const char *name)
{
	struct mapi_propval v = {.tag = PR_DISPLAY_NAME, .v.str = (char *)name};
	struct mapi_propval_array vals = {1, &v};
	return store_folder_set_txn(txn, mbox, gc, &vals);
}

int store_folder_move(struct store_mailbox *mbox, uint64_t fid, uint64_t new_parent,
                      const char *new_name)
{
	MDB_txn *txn = NULL;
	struct obj o, dst;
	uint64_t gc = store_gc(fid), pgc = store_gc(new_parent);
	if (store_is_special(mbox, gc))
		return STORE_E_ACCESS;
	int ret = store_txn_begin(mbox, true, &txn);
	if (ret < 0)
		return ret;
	ret = folder_of(txn, mbox, gc, &o);
	if (ret == 0)
		ret = folder_of(txn, mbox, pgc, &dst);
	if (ret == 0)
		ret = check_cycle(txn, mbox, gc, pgc);
	uint64_t old_parent = o.hdr.parent;
	if (ret == 0) {
		/* Re-parent first, then rename (which checks the new siblings'
		 * names and gives the move its change number). */
		struct obj_hdr h = o.hdr;
		ret = store_index_del(txn, mbox, gc, &o.hdr);
		h.parent = pgc;
		uint8_t *blob = store_memdup(NULL, o.blob, o.blob_len);
		if (ret == 0)
			ret = store_obj_put(txn, mbox, gc, &h, blob, o.blob_len);
		talloc_free(blob);
		if (ret == 0)
			ret = store_index_add(txn, mbox, gc, &h);
		/* Recursive search scopes may have gained or lost the subtree. */
		if (ret == 0)
			ret = store_search_mark_txn(txn, mbox, gc, true);
	}
	if (ret == 0)
		ret = store_folder_adjust(txn, mbox, old_parent, KIND_FOLDER, -1, 0, 0);
	if (ret == 0)
		ret = store_folder_adjust(txn, mbox, pgc, KIND_FOLDER, 1, 0, 0);
	if (ret == 0) {
		struct mapi_propval_array cur;
		uint32_t tag = PR_DISPLAY_NAME;
		struct mapi_proptag_array tags = {1, &tag};
		ret = folder_of(txn, mbox, gc, &o);
		if (ret == 0 && new_name == NULL)
			ret = store_obj_props(NULL, txn, mbox, &o, &tags, &cur);
		if (ret == 0)
			ret = rename_in(txn, mbox, gc, new_name ? new_name : cur.vals[0].v.str);
		if (new_name == NULL && cur.vals != NULL)
			talloc_free(cur.vals);
	}
	ret = finish(txn, ret);
	if (ret == 0) {
		struct store_event ev = {.type = STORE_EV_MOVED, .fid = fid, .old_fid = fid};
		ev.parent_fid = new_parent;
		ev.old_parent_fid = store_id(old_parent);
		store_publish(mbox, &ev);
	}
	return ret;
}

static int copy_folder(MDB_txn *txn, struct store_mailbox *mbox, uint64_t gc, uint64_t pgc,
                       const char *name, bool recursive, uint64_t *new_gc_r)
{
	struct obj o;
	struct pbag bag;
	TALLOC_CTX *tmp = talloc_new(NULL);
	uint64_t ngc, *gcs;
	uint32_t n;
	int ret = folder_of(txn, mbox, gc, &o);
	uint8_t *blob = NULL;
	if (ret == 0)
		ret = store_blob_copy_chunks(tmp, txn, mbox, o.blob, o.blob_len, &blob);
	if (ret == 0)
		ret = store_pbag_decode(tmp, blob, o.blob_len, &bag);
	struct pbag_entry *e = ret == 0 ? store_pbag_find(&bag, PR_DISPLAY_NAME) : NULL;
	if (ret == 0 && name == NULL)
		name = e != NULL && !e->external ? e->val.v.str : NULL;
	if (ret == 0)
		ret = store_folder_create_txn(txn, mbox, pgc, name, NULL,
		                              (o.hdr.flags & OBJ_F_SEARCH) != 0, &ngc);
	if (ret == 0) {
		struct mapi_propval v = {.tag = PR_DISPLAY_NAME, .v.str = (char *)name};
		ret = store_pbag_set(tmp, &bag, &v);
	}
	if (ret == 0) {
		struct obj no;
		ret = folder_of(txn, mbox, ngc, &no);
		struct obj_hdr h = no.hdr;
		if (ret == 0)
			ret = store_obj_rewrite(txn, mbox, &no, &h, &bag, NULL);
	}
	for (uint8_t kind = KIND_MESSAGE; kind <= KIND_FAI && ret == 0; kind++) {
		ret = store_children(tmp, txn, mbox, gc, kind, &gcs, &n);
		for (uint32_t i = 0; i < n && ret == 0; i++)
			ret = store_message_copy_txn(txn, mbox, gcs[i], ngc, false, NULL);
	}
	if (ret == 0 && recursive)
		ret = store_children(tmp, txn, mbox, gc, KIND_FOLDER, &gcs, &n);
	for (uint32_t i = 0; ret == 0 && recursive && i < n; i++) {
		uint64_t dummy;
		if (gcs[i] != ngc)
			ret = copy_folder(txn, mbox, gcs[i], ngc, NULL, true, &dummy);
	}
	if (ret == 0)
		*new_gc_r = ngc;
	talloc_free(tmp);
	return ret;
}

int store_folder_copy(struct store_mailbox *mbox, uint64_t fid, uint64_t new_parent,
                      const char *new_name, bool recursive, uint64_t *new_fid_r)
{
	MDB_txn *txn = NULL;
	uint64_t gc = store_gc(fid), pgc = store_gc(new_parent), ngc;
	int ret = store_txn_begin(mbox, true, &txn);
	if (ret < 0)
		return ret;
	struct obj src;
	uint64_t src_parent = 0;
	ret = recursive ? check_cycle(txn, mbox, gc, pgc) : 0;
	if (ret == 0 && store_obj_get(txn, mbox, gc, &src) == 1)
		src_parent = src.hdr.parent;
	if (ret == 0)
		ret = copy_folder(txn, mbox, gc, pgc, new_name, recursive, &ngc);
	ret = finish(txn, ret);
	if (ret == 0) {
		*new_fid_r = store_id(ngc);
		struct store_event ev = {
		    .type = STORE_EV_COPIED, .fid = *new_fid_r, .old_fid = fid};
		ev.parent_fid = new_parent;
		ev.old_parent_fid = store_id(src_parent);
		store_publish(mbox, &ev);
	}
	return ret;
}
