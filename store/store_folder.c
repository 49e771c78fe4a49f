/*
 * store_folder: folder operations ([MS-OXCFOLD]).
 */
#include <string.h>
#include <strings.h>

#include "store_private.h"

bool store_is_special(const struct store_mailbox *mbox, uint64_t gc)
{
	for (int i = 0; i < STORE_FOLDER_COUNT_; i++) {
		if (mbox->env->ident.special[i] == gc)
			return true;
	}
	return false;
}

/* Finds a child folder named name (case-insensitive, [MS-OXCFOLD] 3.2.5.2).
 * 1 found, 0 not, <0 error. */
static int find_child(MDB_txn *txn, struct store_mailbox *mbox, uint64_t parent, const char *name,
                      uint64_t *gc_r)
{
	uint64_t *gcs;
	uint32_t n;
	int ret = store_children(NULL, txn, mbox, parent, KIND_FOLDER, &gcs, &n);
	if (ret < 0)
		return ret;
	for (uint32_t i = 0; i < n && ret == 0; i++) {
		struct obj o;
		uint32_t t;
		const uint8_t *p;
		size_t len;
		bool ext;
		ret = store_obj_get(txn, mbox, gcs[i], &o);
		if (ret <= 0) {
			ret = ret == 0 ? STORE_E_CORRUPT : ret;
			break;
		}
		ret = store_blob_find(o.blob, o.blob_len, PR_DISPLAY_NAME, &t, &p, &len, &ext);
		if (ret < 0)
			break;
		ret = (ret == 1 && !ext && strlen(name) == len &&
		       strncasecmp(name, (const char *)p, len) == 0)
		          ? 1
		          : 0;
		if (ret == 1)
			*gc_r = gcs[i];
	}
	talloc_free(gcs);
	return ret;
}

static int get_folder(MDB_txn *txn, struct store_mailbox *mbox, uint64_t gc, struct obj *o)
{
	int ret = store_obj_get(txn, mbox, gc, o);
	if (ret < 0)
		return ret;
	if (ret == 0 || o->hdr.kind != KIND_FOLDER)
		return STORE_E_NOTFOUND;
	return 0;
}

int store_folder_create_txn(MDB_txn *txn, struct store_mailbox *mbox, uint64_t parent,
                            const char *name, const char *cls, bool search, uint64_t *gc_r)
{
	struct obj po;
	uint64_t gc, dummy;
	int ret;
	if (name == NULL || name[0] == '\0')
		return STORE_E_INVALID;
	if (parent != 0) {
		ret = get_folder(txn, mbox, parent, &po);
		if (ret < 0)
			return ret;
		ret = find_child(txn, mbox, parent, name, &dummy);
		if (ret != 0)
			return ret < 0 ? ret : STORE_E_EXISTS;
	}
	/* One GLOBCNT for the folder ID, one for its first change number. */
	ret = store_alloc_gc(txn, mbox, 2, &gc);
	if (ret < 0)
		return ret;
	struct obj_hdr h = {.kind = KIND_FOLDER, .version = OBJ_HDR_VERSION, .parent = parent};
	h.cn = gc + 1;
	h.mtime = store_now_filetime();
	if (search)
		h.flags |= OBJ_F_SEARCH;
	struct mapi_propval vals[3] = {
	    {.tag = PR_DISPLAY_NAME, .v.str = (char *)name},
	    {.tag = PR_CREATION_TIME, .v.ft = h.mtime},
	    {.tag = PR_CONTAINER_CLASS, .v.str = (char *)cls},
	};
	struct store_buf buf = {.mem_ctx = NULL};
	for (int i = 0; i < (cls ? 3 : 2) && ret == 0; i++) {
		uint32_t len;
		struct store_buf v = {.mem_ctx = NULL};
		ret = store_propval_encode(&v, &vals[i]);
		len = (uint32_t)v.len;
		if (ret == 0)
			ret = store_buf_add(&buf, &vals[i].tag, 4);
		if (ret == 0)
			ret = store_buf_add(&buf, &len, 4);
		if (ret == 0)
			ret = store_buf_add(&buf, v.data, v.len);
		talloc_free(v.data);
	}
	if (ret == 0)
		ret = store_obj_put(txn, mbox, gc, &h, buf.data, buf.len);
	talloc_free(buf.data);
	if (ret == 0)
		ret = store_index_add(txn, mbox, gc, &h);
	if (ret == 0 && parent != 0)
		ret = store_folder_adjust(txn, mbox, parent, KIND_FOLDER, 1, 0, 0);
	if (ret == 0)
		*gc_r = gc;
	return ret;
}

int store_folder_create(struct store_mailbox *mbox, uint64_t parent_fid, const char *name,
                        const char *cls, enum store_folder_type type, uint64_t *fid_r)
{
	MDB_txn *txn = NULL;
	uint64_t gc;
	if (type != STORE_FOLDER_GENERIC && type != STORE_FOLDER_SEARCH)
		return STORE_E_INVALID;
	int ret = store_txn_begin(mbox, true, &txn);
	if (ret < 0)
		return ret;
	ret = store_folder_create_txn(txn, mbox, store_gc(parent_fid), name, cls,
	                              type == STORE_FOLDER_SEARCH, &gc);
	if (ret < 0) {
		mdb_txn_abort(txn);
		return ret;
	}
	ret = store_txn_commit(txn);
	if (ret < 0)
		return ret;
	*fid_r = store_id(gc);
	struct store_event ev = {.type = STORE_EV_CREATED, .fid = *fid_r, .parent_fid = parent_fid};
	store_publish(mbox, &ev);
	return 0;
}

int store_folder_find(struct store_mailbox *mbox, uint64_t parent_fid, const char *name,
                      uint64_t *fid_r)
{
	MDB_txn *txn = NULL;
	uint64_t gc;
	int ret = store_txn_begin(mbox, false, &txn);
	if (ret < 0)
		return ret;
	ret = find_child(txn, mbox, store_gc(parent_fid), name, &gc);
	mdb_txn_abort(txn);
	if (ret == 1)
		*fid_r = store_id(gc);
	return ret;
}

/* Tags answered by store_folder_get_props(tags == NULL) besides the blob. */
static const uint32_t folder_default_tags[] = {
    PR_FOLDER_ID,
    PR_PARENT_FID,
    PR_CHANGE_NUMBER,
    PR_SOURCE_KEY,
    PR_PARENT_SOURCE_KEY,
    PR_CHANGE_KEY,
    PR_PREDECESSOR_CHANGE_LIST,
    PR_ENTRYID,
    PR_LAST_MODIFICATION_TIME,
    PR_CONTENT_COUNT,
    PR_CONTENT_UNREAD,
    PR_ASSOC_CONTENT_COUNT,
    PR_FOLDER_CHILD_COUNT,
    PR_SUBFOLDERS,
    PR_FOLDER_TYPE,
    PR_MESSAGE_SIZE_EXTENDED,
};

/* The stored tags of a blob followed by the given computed ones. */
int store_all_tags(TALLOC_CTX *mem_ctx, const struct obj *o, const uint32_t *extra,
                   uint32_t extra_count, struct mapi_proptag_array *tags_r)
{
	struct pbag bag;
	int ret = store_pbag_decode(NULL, o->blob, o->blob_len, &bag);
	if (ret < 0)
		return ret;
	tags_r->tags = talloc_array(mem_ctx, uint32_t, bag.count + extra_count + 1);
	if (tags_r->tags == NULL) {
		talloc_free(bag.e);
		return STORE_E_NOMEM;
	}
	tags_r->count = 0;
	for (uint32_t i = 0; i < extra_count; i++)
		tags_r->tags[tags_r->count++] = extra[i];
	for (uint32_t i = 0; i < bag.count; i++) {
		bool dup = false;
		for (uint32_t j = 0; j < extra_count; j++)
			dup = dup || PROP_ID(extra[j]) == PROP_ID(bag.e[i].tag);
		if (!dup)
			tags_r->tags[tags_r->count++] = bag.e[i].tag;
	}
	talloc_free(bag.e);
	return 0;
}

int store_folder_get_props(TALLOC_CTX *mem_ctx, struct store_mailbox *mbox, uint64_t fid,
                           const struct mapi_proptag_array *tags, struct mapi_propval_array *vals_r)
{
	MDB_txn *txn = NULL;
	struct obj o;
	struct mapi_proptag_array all = {0, NULL};
	int ret = store_txn_begin(mbox, false, &txn);
	if (ret < 0)
		return ret;
	ret = get_folder(txn, mbox, store_gc(fid), &o);
	if (ret == 0 && tags == NULL) {
		ret = store_all_tags(NULL, &o, folder_default_tags,
		                     sizeof(folder_default_tags) / sizeof(uint32_t), &all);
		tags = &all;
	}
	if (ret == 0)
		ret = store_obj_props(mem_ctx, txn, mbox, &o, tags, vals_r);
	talloc_free(all.tags);
	mdb_txn_abort(txn);
	return ret;
}

int store_drop_replaced(MDB_txn *txn, struct store_mailbox *mbox, const uint8_t *old_blob,
                        size_t old_len, const struct pbag *bag)
{
	struct pbag oldbag;
	int ret = store_pbag_decode(NULL, old_blob, old_len, &oldbag);
	if (ret < 0)
		return ret;
	/* Chunks of external values the new bag no longer refers to. */
	for (uint32_t i = 0; i < oldbag.count && ret == 0; i++) {
		bool kept = false;
		if (!oldbag.e[i].external)
			continue;
		for (uint32_t j = 0; j < bag->count; j++)
			kept = kept || (bag->e[j].external && bag->e[j].owner == oldbag.e[i].owner);
		if (!kept)
			ret = store_chunks_delete(txn, mbox, oldbag.e[i].owner, oldbag.e[i].tag);
	}
	talloc_free(oldbag.e);
	return ret;
}

int store_obj_rewrite(MDB_txn *txn, struct store_mailbox *mbox, const struct obj *old,
                      struct obj_hdr *hdr, struct pbag *bag, uint64_t *bytes_r)
{
	struct store_buf buf = {.mem_ctx = NULL};
	uint64_t cn, bytes = 0;
	int ret = store_drop_replaced(txn, mbox, old->blob, old->blob_len, bag);
	if (ret == 0)
		ret = store_index_del(txn, mbox, old->gc, &old->hdr);
	if (ret == 0)
		ret = store_alloc_gc(txn, mbox, 1, &cn);
	if (ret == 0)
		ret = store_pbag_encode(txn, mbox, bag, &buf, &bytes);
	if (ret == 0) {
		hdr->cn = cn;
		hdr->mtime = store_now_filetime();
		ret = store_obj_put(txn, mbox, old->gc, hdr, buf.data, buf.len);
	}
	if (ret == 0)
		ret = store_index_add(txn, mbox, old->gc, hdr);
	if (bytes_r != NULL)
		*bytes_r = bytes;
	talloc_free(buf.data);
	return ret;
}

int store_folder_set_txn(MDB_txn *txn, struct store_mailbox *mbox, uint64_t gc,
                         const struct mapi_propval_array *vals)
{
	struct obj o;
	struct pbag bag;
	TALLOC_CTX *tmp = talloc_new(NULL);
	int ret = get_folder(txn, mbox, gc, &o);
	if (ret == 0)
		ret = store_pbag_decode(tmp, o.blob, o.blob_len, &bag);
	for (uint32_t i = 0; i < vals->count && ret == 0; i++) {
		const struct mapi_propval *v = &vals->vals[i];
		if (v->tag == PR_DISPLAY_NAME && o.hdr.parent != 0) {
			uint64_t other;
			if (v->v.str == NULL || v->v.str[0] == '\0') {
				ret = STORE_E_INVALID;
				break;
			}
			ret = find_child(txn, mbox, o.hdr.parent, v->v.str, &other);
			if (ret == 1)
				ret = other == gc ? 0 : STORE_E_EXISTS;
		}
		if (ret == 0)
			ret = store_pbag_set(tmp, &bag, v);
	}
	struct obj_hdr h = o.hdr;
	if (ret == 0)
		ret = store_obj_rewrite(txn, mbox, &o, &h, &bag, NULL);
	talloc_free(tmp);
	return ret;
}

static int check_writable(const struct mapi_propval_array *vals)
{
	for (uint32_t i = 0; i < vals->count; i++) {
		if (store_tag_readonly(vals->vals[i].tag))
			return STORE_E_ACCESS;
		int ret = store_propval_check(&vals->vals[i]);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static void publish_folder(struct store_mailbox *mbox, enum store_event_type type, uint64_t gc,
                           uint64_t old_gc)
{
	struct store_event ev = {.type = type, .fid = store_id(gc)};
	MDB_txn *txn;
	struct obj o;
	if (old_gc != 0)
		ev.old_fid = store_id(old_gc);
	if (store_txn_begin(mbox, false, &txn) == 0) {
		if (store_obj_get(txn, mbox, gc, &o) == 1 && o.hdr.parent != 0)
			ev.parent_fid = store_id(o.hdr.parent);
		mdb_txn_abort(txn);
	}
	store_publish(mbox, &ev);
}

int store_folder_set_props(struct store_mailbox *mbox, uint64_t fid,
                           const struct mapi_propval_array *vals)
{
	MDB_txn *txn = NULL;
	int ret = check_writable(vals);
	if (ret < 0)
		return ret;
	ret = store_txn_begin(mbox, true, &txn);
	if (ret < 0)
		return ret;
	ret = store_folder_set_txn(txn, mbox, store_gc(fid), vals);
	if (ret < 0) {
		mdb_txn_abort(txn);
		return ret;
	}
	ret = store_txn_commit(txn);
	if (ret == 0)
		publish_folder(mbox, STORE_EV_MODIFIED, store_gc(fid), 0);
	return ret;
}

int store_folder_delete_props(struct store_mailbox *mbox, uint64_t fid,
                              const struct mapi_proptag_array *tags)
{
	MDB_txn *txn = NULL;
	struct obj o;
	struct pbag bag;
	TALLOC_CTX *tmp = talloc_new(NULL);
	for (uint32_t i = 0; i < tags->count; i++) {
		if (store_tag_readonly(tags->tags[i]) || tags->tags[i] == PR_DISPLAY_NAME)
			return STORE_E_ACCESS;
	}
	int ret = store_txn_begin(mbox, true, &txn);
	if (ret < 0)
		goto out;
	ret = get_folder(txn, mbox, store_gc(fid), &o);
	if (ret == 0)
		ret = store_pbag_decode(tmp, o.blob, o.blob_len, &bag);
	for (uint32_t i = 0; i < tags->count && ret == 0; i++)
		store_pbag_del(&bag, tags->tags[i]);
	struct obj_hdr h = o.hdr;
	if (ret == 0)
		ret = store_obj_rewrite(txn, mbox, &o, &h, &bag, NULL);
	if (ret == 0)
		ret = store_txn_commit(txn);
	else
		mdb_txn_abort(txn);
	if (ret == 0)
		publish_folder(mbox, STORE_EV_MODIFIED, store_gc(fid), 0);
out:
	talloc_free(tmp);
	return ret;
}

int store_folder_children(TALLOC_CTX *mem_ctx, struct store_mailbox *mbox, uint64_t fid,
                          uint64_t **fids_r, uint32_t *count_r)
{
	MDB_txn *txn = NULL;
	struct obj o;
	int ret = store_txn_begin(mbox, false, &txn);
	if (ret < 0)
		return ret;
	ret = get_folder(txn, mbox, store_gc(fid), &o);
	if (ret == 0)
		ret =
		    store_children(mem_ctx, txn, mbox, store_gc(fid), KIND_FOLDER, fids_r, count_r);
	mdb_txn_abort(txn);
	for (uint32_t i = 0; ret == 0 && i < *count_r; i++)
		(*fids_r)[i] = store_id((*fids_r)[i]);
	return ret;
}
