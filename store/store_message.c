/*
 * store_message: message instances with Exchange save semantics
 * ([MS-OXCMSG] 3.2.5: changes are invisible to others until
 * RopSaveChangesMessage), recipients and attachments.
 */
#include <string.h>

#include "store_private.h"

#define MAPI_E_NOT_FOUND 0x8004010Fu

uint64_t store_message_mid(const struct store_message *msg)
{
	return msg->gc ? store_id(msg->gc) : 0;
}

uint64_t store_message_fid(const struct store_message *msg)
{
	return store_id(msg->fgc);
}

static int msg_destructor(struct store_message *msg);

struct store_message *store_msg_new(TALLOC_CTX *mem_ctx, struct store_mailbox *mbox, uint64_t fgc)
{
	struct store_message *msg = talloc_zero(mem_ctx, struct store_message);
	if (msg == NULL)
		return NULL;
	msg->mbox = mbox;
	msg->fgc = fgc;
	talloc_set_destructor(msg, msg_destructor);
	return msg;
}

int store_message_create(TALLOC_CTX *mem_ctx, struct store_mailbox *mbox, uint64_t fid,
                         bool associated, struct store_message **msg_r)
{
	MDB_txn *txn = NULL;
	struct obj o;
	int ret = store_txn_begin(mbox, false, &txn);
	if (ret < 0)
		return ret;
	ret = store_obj_get(txn, mbox, store_gc(fid), &o);
	mdb_txn_abort(txn);
	if (ret < 0)
		return ret;
	if (ret == 0 || o.hdr.kind != KIND_FOLDER)
		return STORE_E_NOTFOUND;
	/* A search folder holds links, not messages; its FAI messages (view
	 * settings) are its own. */
	if ((o.hdr.flags & OBJ_F_SEARCH) && !associated)
		return STORE_E_NOTSUPPORTED;
	struct store_message *msg = store_msg_new(mem_ctx, mbox, store_gc(fid));
	if (msg == NULL)
		return STORE_E_NOMEM;
	msg->fai = associated;
	msg->hdr.kind = associated ? KIND_FAI : KIND_MESSAGE;
	msg->hdr.version = OBJ_HDR_VERSION;
	msg->hdr.parent = msg->fgc;
	*msg_r = msg;
	return 0;
}

/* Recipient rows: row_id u32 | len u32 | blob, repeated. */
int store_msg_recips_decode(struct store_message *msg, const uint8_t *p, size_t len)
{
	size_t ofs = 0;
	while (ofs < len) {
		uint32_t row_id, blen;
		if (len - ofs < 8)
			return STORE_E_CORRUPT;
		memcpy(&row_id, p + ofs, 4);
		memcpy(&blen, p + ofs + 4, 4);
		ofs += 8;
		if (len - ofs < blen)
			return STORE_E_CORRUPT;
		struct msg_recip *r =
		    talloc_realloc(msg, msg->recips, struct msg_recip, msg->recip_count + 1);
		if (r == NULL)
			return STORE_E_NOMEM;
		msg->recips = r;
		r = &msg->recips[msg->recip_count];
		r->row_id = row_id;
		int ret = store_pbag_decode(msg->recips, p + ofs, blen, &r->bag);
		if (ret < 0)
			return ret;
		msg->recip_count++;
		ofs += blen;
	}
	return 0;
}

static int load_attachments(MDB_txn *txn, struct store_message *msg)
{
	MDB_cursor *cur;
	uint8_t key[12];
	be64_put(key, msg->gc);
	memset(key + 8, 0, 4);
	MDB_val k = {12, key}, v;
	int rc = mdb_cursor_open(txn, msg->mbox->env->dbi[DB_ATTACH], &cur);
	if (rc != 0)
		return store_mdb_err(rc);
	int ret = 0;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0 && ret == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size != 12 || memcmp(k.mv_data, key, 8) != 0)
			break;
		struct msg_attach *a =
		    talloc_realloc(msg, msg->attach, struct msg_attach, msg->attach_count + 1);
		if (a == NULL) {
			ret = STORE_E_NOMEM;
			break;
		}
		msg->attach = a;
		a = &msg->attach[msg->attach_count++];
		memset(a, 0, sizeof(*a));
		a->num = be32_get((const uint8_t *)k.mv_data + 8);
		ret = store_pbag_decode(msg->attach, v.mv_data, v.mv_size, &a->bag);
		if (a->num >= msg->next_attach)
			msg->next_attach = a->num + 1;
	}
	mdb_cursor_close(cur);
	if (ret == 0 && rc != 0 && rc != MDB_NOTFOUND)
		ret = store_mdb_err(rc);
	return ret;
}

int store_message_open(TALLOC_CTX *mem_ctx, struct store_mailbox *mbox, uint64_t fid, uint64_t mid,
                       struct store_message **msg_r)
{
	MDB_txn *txn = NULL;
	struct obj o;
	struct store_message *msg = NULL;
	int ret = store_txn_begin(mbox, false, &txn);
	if (ret < 0)
		return ret;
	ret = store_obj_get(txn, mbox, store_gc(mid), &o);
	if (ret == 1 && (o.hdr.kind == KIND_FOLDER || o.hdr.kind == KIND_SOFTDEL ||
	                 o.hdr.parent != store_gc(fid)))
		ret = 0;
	if (ret == 0)
		ret = STORE_E_NOTFOUND;
	if (ret < 0)
		goto out;
	ret = 0;
	msg = store_msg_new(mem_ctx, mbox, o.hdr.parent);
	if (msg == NULL) {
		ret = STORE_E_NOMEM;
		goto out;
	}
	msg->gc = o.gc;
	msg->hdr = o.hdr;
	msg->fai = o.hdr.kind == KIND_FAI;
	ret = store_pbag_decode(msg, o.blob, o.blob_len, &msg->bag);
	if (ret == 0) {
		uint8_t key[8];
		be64_put(key, msg->gc);
		MDB_val k = {8, key}, v;
		int rc = mdb_get(txn, mbox->env->dbi[DB_RECIP], &k, &v);
		if (rc == 0)
			ret = store_msg_recips_decode(msg, v.mv_data, v.mv_size);
		else if (rc != MDB_NOTFOUND)
			ret = store_mdb_err(rc);
	}
	if (ret == 0)
		ret = load_attachments(txn, msg);
out:
	mdb_txn_abort(txn);
	if (ret < 0) {
		talloc_free(msg);
		return ret;
	}
	*msg_r = msg;
	return 0;
}

static int bag_get(TALLOC_CTX *mem_ctx, struct store_mailbox *mbox, struct pbag *bag, uint32_t tag,
                   struct mapi_propval *v)
{
	struct pbag_entry *e = store_pbag_find(bag, tag);
	if (e == NULL)
		return 0;
	if (!e->external) {
		*v = e->val;
		return 1;
	}
	MDB_txn *txn = NULL;
	int ret = store_txn_begin(mbox, false, &txn);
	if (ret < 0)
		return ret;
	ret = store_pbag_load(mem_ctx, txn, mbox, e, v);
	mdb_txn_abort(txn);
	return ret < 0 ? ret : 1;
}

static int instance_prop(TALLOC_CTX *mem_ctx, struct store_message *msg, uint32_t tag,
                         struct mapi_propval *v)
{
	int ret;
	if (PROP_ID(tag) == PROP_ID(PR_MESSAGE_FLAGS)) {
		struct pbag_entry *e = store_pbag_find(&msg->bag, PR_MESSAGE_FLAGS);
		v->tag = PR_MESSAGE_FLAGS;
		v->v.i32 = store_message_flags(&msg->hdr, e ? e->val.v.i32 : 0);
		if (msg->flags_set && e != NULL)
			v->v.i32 = e->val.v.i32 | (msg->fai ? MSGFLAG_ASSOCIATED : 0);
		if (msg->attach_count > 0)
			v->v.i32 |= MSGFLAG_HASATTACH;
		return 1;
	}
	if (PROP_ID(tag) == PROP_ID(PR_HAS_ATTACHMENTS)) {
		v->tag = PR_HAS_ATTACHMENTS;
		v->v.b = msg->attach_count > 0;
		return 1;
	}
	if (!store_tag_readonly(tag)) {
		ret = bag_get(mem_ctx, msg->mbox, &msg->bag, tag, v);
		if (ret != 0)
			return ret;
	}
	if (msg->gc == 0) {
		if (PROP_ID(tag) == PROP_ID(PR_ASSOCIATED)) {
			v->tag = PR_ASSOCIATED;
			v->v.b = msg->fai;
			return 1;
		}
		return 0;
	}
	struct obj o = {.gc = msg->gc, .hdr = msg->hdr};
	return store_obj_prop(mem_ctx, NULL, msg->mbox, &o, tag, v);
}

/* Whether the ID of tag is among tags already: each property once. */
static bool listed_id(const uint32_t *tags, uint32_t count, uint32_t tag)
{
	for (uint32_t i = 0; i < count; i++) {
		if (PROP_ID(tags[i]) == PROP_ID(tag))
			return true;
	}
	return false;
}

int store_message_get_props(TALLOC_CTX *mem_ctx, struct store_message *msg,
                            const struct mapi_proptag_array *tags,
                            struct mapi_propval_array *vals_r)
{
	static const uint32_t defaults[] = {
	    PR_MID,
	    PR_FOLDER_ID,
	    PR_MESSAGE_FLAGS,
	    PR_MESSAGE_SIZE,
	    PR_CHANGE_NUMBER,
	    PR_SOURCE_KEY,
	    PR_CHANGE_KEY,
	    PR_PREDECESSOR_CHANGE_LIST,
	    PR_LAST_MODIFICATION_TIME,
	    PR_ENTRYID,
	    PR_PARENT_SOURCE_KEY,
	    PR_HAS_ATTACHMENTS,
	};
	struct mapi_proptag_array all;
	if (tags == NULL) {
		all.tags = talloc_array(NULL, uint32_t, msg->bag.count + 12);
		if (all.tags == NULL)
			return STORE_E_NOMEM;
		all.count = 0;
		for (uint32_t i = 0; i < 12; i++) {
			if (msg->gc != 0 || i == 2 || i == 11)
				all.tags[all.count++] = defaults[i];
		}
		for (uint32_t i = 0; i < msg->bag.count; i++) {
			if (!store_tag_readonly(msg->bag.e[i].tag) &&
			    !listed_id(all.tags, all.count, msg->bag.e[i].tag))
				all.tags[all.count++] = msg->bag.e[i].tag;
		}
		tags = &all;
	}
	vals_r->vals = talloc_zero_array(mem_ctx, struct mapi_propval, tags->count + 1);
	vals_r->count = 0;
	int ret = vals_r->vals ? 0 : STORE_E_NOMEM;
	for (uint32_t i = 0; i < tags->count && ret == 0; i++) {
		struct mapi_propval *v = &vals_r->vals[i];
		ret = instance_prop(vals_r->vals, msg, tags->tags[i], v);
		if (ret == 0) {
			v->tag = CHANGE_PROP_TYPE(tags->tags[i], PT_ERROR);
			v->v.err = MAPI_E_NOT_FOUND;
		}
		ret = ret < 0 ? ret : 0;
	}
	if (ret == 0)
		vals_r->count = tags->count;
	else
		TALLOC_FREE(vals_r->vals);
	if (tags == &all)
		talloc_free(all.tags);
	return ret;
}

int store_message_set_props(struct store_message *msg, const struct mapi_propval_array *vals)
{
	if (msg->closed)
		return STORE_E_ACCESS;
	for (uint32_t i = 0; i < vals->count; i++) {
		uint32_t tag = vals->vals[i].tag;
		if (store_tag_readonly(tag))
			return STORE_E_ACCESS;
		int ret = store_propval_check(&vals->vals[i]);
		if (ret < 0)
			return ret;
	}
	for (uint32_t i = 0; i < vals->count; i++) {
		int ret = store_pbag_set(msg, &msg->bag, &vals->vals[i]);
		if (ret < 0)
			return ret;
		if (vals->vals[i].tag == PR_MESSAGE_FLAGS)
			msg->flags_set = true;
		if (PROP_ID(vals->vals[i].tag) == PROP_ID(PR_CHANGE_KEY) ||
		    PROP_ID(vals->vals[i].tag) == PROP_ID(PR_PREDECESSOR_CHANGE_LIST))
			msg->identity_set = true;
	}
	return 0;
}

int store_message_delete_props(struct store_message *msg, const struct mapi_proptag_array *tags)
{
	if (msg->closed)
		return STORE_E_ACCESS;
	for (uint32_t i = 0; i < tags->count; i++) {
		if (store_tag_readonly(tags->tags[i]))
			return STORE_E_ACCESS;
	}
	for (uint32_t i = 0; i < tags->count; i++)
		store_pbag_del(&msg->bag, tags->tags[i]);
	return 0;
}

int store_message_modify_recipients(struct store_message *msg, uint32_t count,
                                    const uint32_t *row_ids, const struct mapi_propval_array *rows)
{
	if (msg->closed)
		return STORE_E_ACCESS;
	for (uint32_t i = 0; i < count; i++) {
		uint32_t j;
		for (j = 0; j < msg->recip_count && msg->recips[j].row_id != row_ids[i]; j++)
			;
		if (j < msg->recip_count) {
			talloc_free(msg->recips[j].bag.e);
			memmove(&msg->recips[j], &msg->recips[j + 1],
			        (msg->recip_count - j - 1) * sizeof(msg->recips[0]));
			msg->recip_count--;
		}
		if (rows[i].count == 0)
			continue;
		struct msg_recip *r =
		    talloc_realloc(msg, msg->recips, struct msg_recip, msg->recip_count + 1);
		if (r == NULL)
			return STORE_E_NOMEM;
		msg->recips = r;
		r = &msg->recips[msg->recip_count];
		memset(r, 0, sizeof(*r));
		r->row_id = row_ids[i];
		for (uint32_t k = 0; k < rows[i].count; k++) {
			int ret = store_pbag_set(msg->recips, &r->bag, &rows[i].vals[k]);
			if (ret < 0)
				return ret;
		}
		msg->recip_count++;
	}
	msg->recips_dirty = true;
	return 0;
}

int store_message_get_recipients(TALLOC_CTX *mem_ctx, struct store_message *msg, uint32_t *count_r,
                                 uint32_t **row_ids_r, struct mapi_propval_array **rows_r)
{
	uint32_t n = msg->recip_count;
	uint32_t *ids = talloc_array(mem_ctx, uint32_t, n + 1);
	struct mapi_propval_array *rows =
	    talloc_zero_array(mem_ctx, struct mapi_propval_array, n + 1);
	if (ids == NULL || rows == NULL)
		return STORE_E_NOMEM;
	for (uint32_t i = 0; i < n; i++) {
		struct pbag *b = &msg->recips[i].bag;
		ids[i] = msg->recips[i].row_id;
		rows[i].vals = talloc_array(rows, struct mapi_propval, b->count + 1);
		if (rows[i].vals == NULL)
			return STORE_E_NOMEM;
		for (uint32_t k = 0; k < b->count; k++)
			rows[i].vals[k] = b->e[k].val;
		rows[i].count = b->count;
	}
	*count_r = n;
	*row_ids_r = ids;
	*rows_r = rows;
	return 0;
}

struct msg_attach *store_msg_attach_find(struct store_message *msg, uint32_t num)
{
	for (uint32_t i = 0; i < msg->attach_count; i++) {
		if (msg->attach[i].num == num)
			return &msg->attach[i];
	}
	return NULL;
}

int store_message_attach_create(struct store_message *msg, uint32_t *attach_num_r)
{
	if (msg->closed)
		return STORE_E_ACCESS;
	struct msg_attach *a =
	    talloc_realloc(msg, msg->attach, struct msg_attach, msg->attach_count + 1);
	if (a == NULL)
		return STORE_E_NOMEM;
	msg->attach = a;
	a = &msg->attach[msg->attach_count++];
	memset(a, 0, sizeof(*a));
	a->num = msg->next_attach++;
	a->dirty = true;
	*attach_num_r = a->num;
	return 0;
}

int store_message_attach_set_props(struct store_message *msg, uint32_t attach_num,
                                   const struct mapi_propval_array *vals)
{
	struct msg_attach *a = store_msg_attach_find(msg, attach_num);
	if (a == NULL)
		return STORE_E_NOTFOUND;
	if (msg->closed)
		return STORE_E_ACCESS;
	for (uint32_t i = 0; i < vals->count; i++) {
		if (PROP_ID(vals->vals[i].tag) == PROP_ID(PR_ATTACH_NUM) ||
		    PROP_ID(vals->vals[i].tag) == PROP_ID(PR_ATTACH_SIZE) ||
		    PROP_ID(vals->vals[i].tag) == PROP_ID(STORE_TAG_EMBEDDED))
			return STORE_E_ACCESS;
		int ret = store_pbag_set(msg->attach, &a->bag, &vals->vals[i]);
		if (ret < 0)
			return ret;
	}
	a->dirty = true;
	return 0;
}

int store_message_attach_get_props(TALLOC_CTX *mem_ctx, struct store_message *msg,
                                   uint32_t attach_num, const struct mapi_proptag_array *tags,
                                   struct mapi_propval_array *vals_r)
{
	struct msg_attach *a = store_msg_attach_find(msg, attach_num);
	if (a == NULL)
		return STORE_E_NOTFOUND;
	vals_r->vals = talloc_zero_array(mem_ctx, struct mapi_propval, tags->count + 1);
	if (vals_r->vals == NULL)
		return STORE_E_NOMEM;
	for (uint32_t i = 0; i < tags->count; i++) {
		struct mapi_propval *v = &vals_r->vals[i];
		int ret = 0;
		if (PROP_ID(tags->tags[i]) == PROP_ID(PR_ATTACH_NUM)) {
			v->tag = PR_ATTACH_NUM;
			v->v.i32 = (int32_t)a->num;
			continue;
		}
		if (PROP_ID(tags->tags[i]) == PROP_ID(PR_ATTACH_SIZE)) {
			v->tag = PR_ATTACH_SIZE;
			v->v.i32 = store_attach_size(a);
			continue;
		}
		if (PROP_ID(tags->tags[i]) != PROP_ID(STORE_TAG_EMBEDDED))
			ret = bag_get(vals_r->vals, msg->mbox, &a->bag, tags->tags[i], v);
		if (ret < 0)
			return ret;
		if (ret == 0) {
			v->tag = CHANGE_PROP_TYPE(tags->tags[i], PT_ERROR);
			v->v.err = MAPI_E_NOT_FOUND;
		}
	}
	vals_r->count = tags->count;
	return 0;
}

int store_message_attach_delete(struct store_message *msg, uint32_t attach_num)
{
	struct msg_attach *a = store_msg_attach_find(msg, attach_num);
	if (a == NULL)
		return STORE_E_NOTFOUND;
	if (msg->closed)
		return STORE_E_ACCESS;
	uint32_t *d =
	    talloc_realloc(msg, msg->attach_deleted, uint32_t, msg->attach_deleted_count + 1);
	if (d == NULL)
		return STORE_E_NOMEM;
	msg->attach_deleted = d;
	d[msg->attach_deleted_count++] = attach_num;
	size_t i = (size_t)(a - msg->attach);
	talloc_free(a->bag.e);
	memmove(a, a + 1, (msg->attach_count - i - 1) * sizeof(*a));
	msg->attach_count--;
	return 0;
}

int store_message_attach_list(TALLOC_CTX *mem_ctx, struct store_message *msg, uint32_t **nums_r,
                              uint32_t *count_r)
{
	uint32_t *nums = talloc_array(mem_ctx, uint32_t, msg->attach_count + 1);
	if (nums == NULL)
		return STORE_E_NOMEM;
	for (uint32_t i = 0; i < msg->attach_count; i++)
		nums[i] = msg->attach[i].num;
	*nums_r = nums;
	*count_r = msg->attach_count;
	return 0;
}

/* Unsaved stream chunks are dropped with the instance; open embedded
 * instances lose their parent, a closing embedded instance leaves its
 * parent's list. */
static int msg_destructor(struct store_message *msg)
{
	for (uint32_t i = 0; i < msg->embed_count; i++)
		msg->embeds[i]->embed_parent = NULL;
	struct store_message *p = msg->embed_parent;
	for (uint32_t i = 0; p != NULL && i < p->embed_count; i++) {
		if (p->embeds[i] == msg) {
			p->embeds[i] = p->embeds[--p->embed_count];
			break;
		}
	}
	if (msg->staged_count == 0)
		return 0;
	MDB_txn *txn = NULL;
	if (store_txn_begin(msg->mbox, true, &txn) < 0)
		return 0;
	for (uint32_t i = 0; i < msg->staged_count; i++)
		store_chunks_delete(txn, msg->mbox, msg->staged[i].owner, msg->staged[i].tag);
	store_txn_commit(txn);
	return 0;
}

void store_message_close(struct store_message **msg)
{
	TALLOC_FREE(*msg);
}
