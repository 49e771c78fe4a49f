/*
 * store_props: property reads on stored objects, with the properties the
 * store computes from its own records rather than keeping them as values:
 * IDs, counts, sizes, flags and the ICS identity ([MS-OXCFXICS] 2.2.1).
 */
#include <string.h>

#include "store_private.h"

#define MAPI_E_NOT_FOUND 0x8004010Fu

/* Tags whose value comes from the record, never from the blob. */
static const uint32_t computed_tags[] = {
    PR_FOLDER_ID,
    PR_MID,
    PR_PARENT_FID,
    PR_CHANGE_NUMBER,
    PR_CONTENT_COUNT,
    PR_CONTENT_UNREAD,
    PR_ASSOC_CONTENT_COUNT,
    PR_FOLDER_CHILD_COUNT,
    PR_SUBFOLDERS,
    PR_MESSAGE_SIZE,
    PR_MESSAGE_SIZE_EXTENDED,
    PR_ENTRYID,
    PR_PARENT_ENTRYID,
    PR_RECORD_KEY,
    PR_ASSOCIATED,
    PR_READ,
    PR_MESSAGE_FLAGS,
    PR_PARENT_SOURCE_KEY,
    PR_LAST_MODIFICATION_TIME,
    PR_DELETED_COUNT_TOTAL,
    PR_FOLDER_TYPE,
    PR_HAS_ATTACHMENTS,
};

bool store_tag_readonly(uint32_t tag)
{
	for (size_t i = 0; i < sizeof(computed_tags) / sizeof(computed_tags[0]); i++) {
		if (PROP_ID(computed_tags[i]) == PROP_ID(tag) && tag != PR_MESSAGE_FLAGS)
			return true;
	}
	return false;
}

static void set_i64(struct mapi_propval *v, uint32_t tag, int64_t x)
{
	v->tag = tag;
	v->v.i64 = x;
}

static void set_i32(struct mapi_propval *v, uint32_t tag, int64_t x)
{
	v->tag = tag;
	v->v.i32 = (int32_t)(x > INT32_MAX ? INT32_MAX : x);
}

static int set_bin(TALLOC_CTX *mem_ctx, struct mapi_propval *v, uint32_t tag, const void *p,
                   uint32_t len)
{
	v->tag = tag;
	v->v.bin.len = len;
	v->v.bin.data = store_memdup(mem_ctx, p, len);
	return v->v.bin.data ? 1 : STORE_E_NOMEM;
}

int32_t store_message_flags(const struct obj_hdr *hdr, int32_t stored)
{
	int32_t flags = stored & ~(MSGFLAG_READ | MSGFLAG_ASSOCIATED);
	if (hdr->flags & OBJ_F_READ)
		flags |= MSGFLAG_READ;
	if (hdr->kind == KIND_FAI)
		flags |= MSGFLAG_ASSOCIATED;
	return flags;
}

/* Values computed for both folders and messages; 0 when tag is not one. */
static int common_prop(TALLOC_CTX *mem_ctx, struct store_mailbox *mbox, const struct obj *obj,
                       uint32_t tag, struct mapi_propval *v)
{
	uint8_t xid[23] = {0};
	bool folder = obj->hdr.kind == KIND_FOLDER;
	switch (tag) {
	case PR_CHANGE_NUMBER:
		set_i64(v, tag, (int64_t)store_id(obj->hdr.cn));
		return 1;
	case PR_PARENT_FID:
		set_i64(v, tag, obj->hdr.parent ? (int64_t)store_id(obj->hdr.parent) : 0);
		return 1;
	case PR_LAST_MODIFICATION_TIME:
		v->tag = tag;
		v->v.ft = obj->hdr.mtime;
		return 1;
	case PR_SOURCE_KEY:
		/* [MS-OXCFXICS] 2.2.1.2.5: XID of the object's own ID. */
		store_xid(mbox, obj->gc, xid);
		return set_bin(mem_ctx, v, tag, xid, 22);
	case PR_PARENT_SOURCE_KEY:
		/* [MS-OXCFXICS] 2.2.1.2.6: empty for the root. */
		if (obj->hdr.parent == 0)
			return set_bin(mem_ctx, v, tag, xid, 0);
		store_xid(mbox, obj->hdr.parent, xid);
		return set_bin(mem_ctx, v, tag, xid, 22);
	case PR_CHANGE_KEY:
		/* [MS-OXCFXICS] 2.2.1.2.7: XID of the last change number. */
		store_xid(mbox, obj->hdr.cn, xid);
		return set_bin(mem_ctx, v, tag, xid, 22);
	case PR_PREDECESSOR_CHANGE_LIST:
		/* [MS-OXCFXICS] 2.2.1.2.8: PCL of SizedXid, here the one. */
		xid[0] = 22;
		store_xid(mbox, obj->hdr.cn, xid + 1);
		return set_bin(mem_ctx, v, tag, xid, 23);
	case PR_ENTRYID:
	case PR_RECORD_KEY:
		v->tag = tag;
		if (folder)
			return store_folder_entryid(mem_ctx, mbox, store_id(obj->gc), &v->v.bin)
			           ?: 1;
		return store_message_entryid(mem_ctx, mbox, store_id(obj->hdr.parent),
		                             store_id(obj->gc), &v->v.bin)
		           ?: 1;
	case PR_PARENT_ENTRYID:
		if (obj->hdr.parent == 0)
			return 0;
		v->tag = tag;
		return store_folder_entryid(mem_ctx, mbox, store_id(obj->hdr.parent), &v->v.bin)
		           ?: 1;
	}
	return 0;
}

static int folder_prop(const struct obj *obj, uint32_t tag, struct mapi_propval *v)
{
	const struct obj_hdr *h = &obj->hdr;
	switch (tag) {
	case PR_FOLDER_ID:
		set_i64(v, tag, (int64_t)store_id(obj->gc));
		return 1;
	case PR_CONTENT_COUNT:
		set_i32(v, tag, h->content_count);
		return 1;
	case PR_CONTENT_UNREAD:
		set_i32(v, tag, h->unread_count);
		return 1;
	case PR_ASSOC_CONTENT_COUNT:
		set_i32(v, tag, h->fai_count);
		return 1;
	case PR_FOLDER_CHILD_COUNT:
		set_i32(v, tag, h->child_count);
		return 1;
	case PR_DELETED_COUNT_TOTAL:
		set_i32(v, tag, (int64_t)h->softdel_count);
		return 1;
	case PR_SUBFOLDERS:
		v->tag = tag;
		v->v.b = h->child_count > 0;
		return 1;
	case PR_FOLDER_TYPE:
		/* [MS-OXCFOLD] 2.2.2.2.1.2: 0 root, 1 generic, 2 search. */
		set_i32(v, tag, h->parent == 0 ? 0 : (h->flags & OBJ_F_SEARCH) ? 2 : 1);
		return 1;
	case PR_MESSAGE_SIZE:
		set_i32(v, tag, (int64_t)(h->content_size + h->fai_size));
		return 1;
	case PR_MESSAGE_SIZE_EXTENDED:
		set_i64(v, tag, (int64_t)(h->content_size + h->fai_size));
		return 1;
	}
	return 0;
}

static int message_prop(const struct obj *obj, uint32_t tag, int32_t stored_flags,
                        struct mapi_propval *v)
{
	const struct obj_hdr *h = &obj->hdr;
	switch (tag) {
	case PR_MID:
		set_i64(v, tag, (int64_t)store_id(obj->gc));
		return 1;
	case PR_FOLDER_ID:
		set_i64(v, tag, (int64_t)store_id(h->parent));
		return 1;
	case PR_MESSAGE_SIZE:
		set_i32(v, tag, (int64_t)h->size);
		return 1;
	case PR_MESSAGE_SIZE_EXTENDED:
		set_i64(v, tag, (int64_t)h->size);
		return 1;
	case PR_MESSAGE_FLAGS:
		set_i32(v, tag, store_message_flags(&obj->hdr, stored_flags));
		return 1;
	case PR_READ:
		v->tag = tag;
		v->v.b = (h->flags & OBJ_F_READ) != 0;
		return 1;
	case PR_ASSOCIATED:
		v->tag = tag;
		v->v.b = h->kind == KIND_FAI;
		return 1;
	}
	return 0;
}

static int blob_prop(TALLOC_CTX *mem_ctx, MDB_txn *txn, struct store_mailbox *mbox,
                     const struct obj *obj, uint32_t tag, struct mapi_propval *v)
{
	uint32_t t;
	const uint8_t *p;
	size_t len;
	bool ext;
	int ret = store_blob_find(obj->blob, obj->blob_len, tag, &t, &p, &len, &ext);
	if (ret <= 0)
		return ret;
	if (!ext)
		return store_propval_decode(mem_ctx, t, p, len, v) ?: 1;
	struct pbag_entry e = {.tag = t, .external = true};
	memcpy(&e.owner, p, 8);
	memcpy(&e.ext_len, p + 8, 8);
	return store_pbag_load(mem_ctx, txn, mbox, &e, v) ?: 1;
}

int store_obj_prop(TALLOC_CTX *mem_ctx, MDB_txn *txn, struct store_mailbox *mbox,
                   const struct obj *obj, uint32_t tag, struct mapi_propval *v)
{
	int ret;
	memset(v, 0, sizeof(*v));
	if (PROP_TYPE(tag) == PT_UNSPECIFIED) {
		/* Resolve the type from the computed set or the blob. */
		for (size_t i = 0; i < sizeof(computed_tags) / sizeof(computed_tags[0]); i++) {
			if (PROP_ID(computed_tags[i]) == PROP_ID(tag)) {
				tag = computed_tags[i];
				break;
			}
		}
	}
	bool folder = obj->hdr.kind == KIND_FOLDER;
	if (folder)
		ret = folder_prop(obj, tag, v);
	else if (tag == PR_MESSAGE_FLAGS) {
		struct mapi_propval stored;
		ret = blob_prop(mem_ctx, txn, mbox, obj, tag, &stored);
		if (ret < 0)
			return ret;
		ret = message_prop(obj, tag, ret ? stored.v.i32 : 0, v);
	} else
		ret = message_prop(obj, tag, 0, v);
	if (ret != 0)
		return ret;
	/* Imported identity (ICS upload) is stored and wins over computed. */
	ret = blob_prop(mem_ctx, txn, mbox, obj, tag, v);
	if (ret != 0)
		return ret;
	return common_prop(mem_ctx, mbox, obj, tag, v);
}

int store_obj_props(TALLOC_CTX *mem_ctx, MDB_txn *txn, struct store_mailbox *mbox,
                    const struct obj *obj, const struct mapi_proptag_array *tags,
                    struct mapi_propval_array *vals_r)
{
	vals_r->count = 0;
	vals_r->vals =
	    talloc_zero_array(mem_ctx, struct mapi_propval, tags->count ? tags->count : 1);
	if (vals_r->vals == NULL)
		return STORE_E_NOMEM;
	for (uint32_t i = 0; i < tags->count; i++) {
		struct mapi_propval *v = &vals_r->vals[i];
		int ret = store_obj_prop(vals_r->vals, txn, mbox, obj, tags->tags[i], v);
		if (ret < 0)
			return ret;
		if (ret == 0) {
			/* [MS-OXCPRPT] 2.2.2.1: missing values answer PtypErrorCode. */
			v->tag = CHANGE_PROP_TYPE(tags->tags[i], PT_ERROR);
			v->v.err = MAPI_E_NOT_FOUND;
		}
	}
	vals_r->count = tags->count;
	return 0;
}
