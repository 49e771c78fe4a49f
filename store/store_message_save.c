/*
 * store_message_save: RopSaveChangesMessage semantics ([MS-OXCMSG]
 * 2.2.3.3): one transaction writes the message, its recipients and
 * attachments, indexes, folder counters and quota, with a new change number.
 */
#include <string.h>

#include "store_private.h"

static uint64_t bag_bytes(const struct pbag *bag)
{
	uint64_t n = 0;
	for (uint32_t i = 0; i < bag->count; i++)
		n += bag->e[i].external ? bag->e[i].ext_len : store_propval_size(&bag->e[i].val);
	return n;
}

/* PidTagMessageSize: the properties, recipients and attachments. */
static uint64_t message_bytes(const struct store_message *msg)
{
	uint64_t n = bag_bytes(&msg->bag);
	for (uint32_t i = 0; i < msg->recip_count; i++)
		n += bag_bytes(&msg->recips[i].bag);
	for (uint32_t i = 0; i < msg->attach_count; i++)
		n += bag_bytes(&msg->attach[i].bag);
	return n;
}

static int save_recips(MDB_txn *txn, struct store_message *msg)
{
	struct store_buf buf = {.mem_ctx = NULL}, row = {.mem_ctx = NULL};
	uint64_t bytes;
	int ret = 0;
	for (uint32_t i = 0; i < msg->recip_count && ret == 0; i++) {
		uint32_t hdr[2] = {msg->recips[i].row_id, 0};
		row.len = 0;
		ret = store_pbag_encode(NULL, msg->mbox, &msg->recips[i].bag, &row, &bytes);
		hdr[1] = (uint32_t)row.len;
		if (ret == 0)
			ret = store_buf_add(&buf, hdr, 8);
		if (ret == 0)
			ret = store_buf_add(&buf, row.data, row.len);
	}
	uint8_t key[8];
	be64_put(key, msg->gc);
	MDB_val k = {8, key}, v = {buf.len, buf.data};
	if (ret == 0 && buf.len > 0)
		ret = store_mdb_err(mdb_put(txn, msg->mbox->env->dbi[DB_RECIP], &k, &v, 0));
	else if (ret == 0) {
		int rc = mdb_del(txn, msg->mbox->env->dbi[DB_RECIP], &k, NULL);
		ret = rc == MDB_NOTFOUND ? 0 : store_mdb_err(rc);
	}
	talloc_free(buf.data);
	talloc_free(row.data);
	return ret;
}

static void attach_key(uint8_t key[12], uint64_t gc, uint32_t num)
{
	be64_put(key, gc);
	be32_put(key + 8, num);
}

static int save_attachments(MDB_txn *txn, struct store_message *msg)
{
	MDB_dbi dbi = msg->mbox->env->dbi[DB_ATTACH];
	uint8_t key[12];
	MDB_val k = {12, key}, v;
	int ret = 0;
	for (uint32_t i = 0; i < msg->attach_deleted_count && ret == 0; i++) {
		attach_key(key, msg->gc, msg->attach_deleted[i]);
		if (mdb_get(txn, dbi, &k, &v) == 0) {
			ret = store_blob_drop_chunks(txn, msg->mbox, v.mv_data, v.mv_size);
			if (ret == 0)
				ret = store_mdb_err(mdb_del(txn, dbi, &k, NULL));
		}
	}
	for (uint32_t i = 0; i < msg->attach_count && ret == 0; i++) {
		struct msg_attach *a = &msg->attach[i];
		struct store_buf buf = {.mem_ctx = NULL};
		uint64_t bytes;
		if (!a->dirty)
			continue;
		attach_key(key, msg->gc, a->num);
		if (mdb_get(txn, dbi, &k, &v) == 0) {
			uint8_t *old = store_memdup(NULL, v.mv_data, v.mv_size);
			ret = old ? store_drop_replaced(txn, msg->mbox, old, v.mv_size, &a->bag)
			          : STORE_E_NOMEM;
			talloc_free(old);
		}
		if (ret == 0)
			ret = store_pbag_encode(txn, msg->mbox, &a->bag, &buf, &bytes);
		v.mv_size = buf.len;
		v.mv_data = buf.data;
		if (ret == 0)
			ret = store_mdb_err(mdb_put(txn, dbi, &k, &v, 0));
		talloc_free(buf.data);
	}
	return ret;
}

/* Looks up the stored record of an existing message. */
static int load_current(MDB_txn *txn, struct store_message *msg, struct obj *o)
{
	int ret = store_obj_get(txn, msg->mbox, msg->gc, o);
	if (ret < 0)
		return ret;
	if (ret == 0 || o->hdr.kind == KIND_SOFTDEL || o->hdr.kind == KIND_FOLDER)
		return STORE_E_DELETED;
	return 0;
}

static void header_from_bag(struct store_message *msg, struct obj_hdr *h, bool is_new)
{
	struct pbag_entry *e = store_pbag_find(&msg->bag, PR_MESSAGE_DELIVERY_TIME);
	h->mtime = store_now_filetime();
	if (e != NULL && !e->external)
		h->dtime = e->val.v.ft;
	else if (is_new)
		h->dtime = h->mtime;
	if (msg->flags_set) {
		e = store_pbag_find(&msg->bag, PR_MESSAGE_FLAGS);
		if (e != NULL && (e->val.v.i32 & MSGFLAG_READ))
			h->flags |= OBJ_F_READ;
		else
			h->flags &= (uint8_t)~OBJ_F_READ;
	}
}

int store_message_save_txn(MDB_txn *txn, struct store_message *msg, bool *is_new_r)
{
	struct store_mailbox *mbox = msg->mbox;
	struct obj cur = {0};
	struct obj_hdr h = msg->hdr;
	struct store_buf buf = {.mem_ctx = NULL};
	uint64_t cn = 0, bytes;
	bool is_new = msg->gc == 0;
	int ret = 0;
	if (msg->closed)
		return STORE_E_ACCESS;
	if (is_new) {
		ret = store_obj_get(txn, mbox, msg->fgc, &cur);
		if (ret == 0 || (ret == 1 && cur.hdr.kind != KIND_FOLDER))
			ret = STORE_E_NOTFOUND;
		ret = ret < 0 ? ret : store_alloc_gc(txn, mbox, 1, &msg->gc);
		memset(&cur, 0, sizeof(cur));
	} else {
		ret = load_current(txn, msg, &cur);
		h = cur.hdr;
	}
	if (ret < 0)
		goto fail;
	/* Local changes get the store's own identity; ICS imports set theirs. */
	if (!msg->identity_set) {
		store_pbag_del(&msg->bag, PR_CHANGE_KEY);
		store_pbag_del(&msg->bag, PR_PREDECESSOR_CHANGE_LIST);
	}
	header_from_bag(msg, &h, is_new);
	uint64_t size = message_bytes(msg);
	int64_t delta = (int64_t)size - (int64_t)(is_new ? 0 : cur.hdr.size);
	ret = store_quota_check(txn, mbox, delta, size);
	if (ret == 0 && !is_new)
		ret = store_drop_replaced(txn, mbox, cur.blob, cur.blob_len, &msg->bag);
	if (ret == 0 && !is_new)
		ret = store_index_del(txn, mbox, msg->gc, &cur.hdr);
	if (ret == 0)
		ret = store_alloc_gc(txn, mbox, 1, &cn);
	if (ret == 0)
		ret = store_pbag_encode(txn, mbox, &msg->bag, &buf, &bytes);
	h.cn = cn;
	h.size = size;
	if (ret == 0)
		ret = store_obj_put(txn, mbox, msg->gc, &h, buf.data, buf.len);
	talloc_free(buf.data);
	if (ret == 0)
		ret = store_index_add(txn, mbox, msg->gc, &h);
	if (ret == 0) {
		bool unread = !(h.flags & OBJ_F_READ),
		     was = !is_new && !(cur.hdr.flags & OBJ_F_READ);
		ret = store_folder_adjust(txn, mbox, msg->fgc, h.kind, is_new ? 1 : 0,
		                          (int)unread - (int)was, delta);
	}
	if (ret == 0 && (msg->recips_dirty || is_new))
		ret = save_recips(txn, msg);
	if (ret == 0)
		ret = save_attachments(txn, msg);
	if (ret < 0)
		goto fail;
	msg->hdr = h;
	*is_new_r = is_new;
	return 0;
fail:
	if (is_new)
		msg->gc = 0;
	return ret;
}

void store_message_after_save(struct store_message *msg, bool is_new, bool keep_open)
{
	store_pbag_settle(&msg->bag);
	for (uint32_t i = 0; i < msg->attach_count; i++)
		store_pbag_settle(&msg->attach[i].bag);
	msg->recips_dirty = false;
	msg->flags_set = false;
	msg->identity_set = false;
	for (uint32_t i = 0; i < msg->attach_count; i++)
		msg->attach[i].dirty = false;
	msg->attach_deleted_count = 0;
	msg->staged_count = 0;
	msg->closed = !keep_open;
	struct store_event ev = {.type = is_new ? STORE_EV_CREATED : STORE_EV_MODIFIED};
	ev.fid = store_id(msg->fgc);
	ev.mid = store_id(msg->gc);
	ev.associated = msg->fai;
	store_publish(msg->mbox, &ev);
	if (is_new && !msg->fai && msg->fgc == msg->mbox->env->ident.special[STORE_FOLDER_INBOX] &&
	    !(msg->hdr.flags & OBJ_F_READ)) {
		struct pbag_entry *e = store_pbag_find(&msg->bag, PR_MESSAGE_CLASS);
		ev.type = STORE_EV_NEWMAIL;
		ev.message_class = e != NULL && !e->external ? e->val.v.str : "IPM.Note";
		store_publish(msg->mbox, &ev);
	}
}

/*
 * Group commit.  Each durable commit costs an fsync (milliseconds on real
 * disks) and LMDB has one writer per env, so saves arriving from several
 * sessions at once are queued; whichever thread finds no commit running
 * becomes the leader, saves every queued message in one transaction (each
 * in a nested transaction, so one failing save does not fail the others)
 * and commits once.  A lone save is committed alone, as before.
 */
struct commit_req {
	struct commit_req *next;
	struct store_message *msg;
	int ret;
	bool is_new;
	bool done;
};

static void run_batch(struct store_env *env, struct commit_req *batch)
{
	MDB_txn *txn = NULL;
	int rc = mdb_txn_begin(env->env, NULL, 0, &txn);
	int ret = store_mdb_err(rc);
	for (struct commit_req *r = batch; r != NULL; r = r->next) {
		MDB_txn *child = NULL;
		if (ret < 0) {
			r->ret = ret;
			continue;
		}
		r->ret = store_mdb_err(mdb_txn_begin(env->env, txn, 0, &child));
		if (r->ret == 0)
			r->ret = store_message_save_txn(child, r->msg, &r->is_new);
		if (r->ret == 0)
			r->ret = store_mdb_err(mdb_txn_commit(child));
		else if (child != NULL)
			mdb_txn_abort(child);
	}
	if (ret == 0)
		ret = store_txn_commit(txn);
	for (struct commit_req *r = batch; r != NULL; r = r->next) {
		if (ret < 0)
			r->ret = ret;
		if (r->ret < 0 && r->is_new)
			r->msg->gc = 0;
	}
}

int store_message_save(struct store_message *msg, bool keep_open)
{
	struct store_env *env = msg->mbox->env;
	struct commit_req req = {.msg = msg};
	if (msg->closed)
		return STORE_E_ACCESS;
	if (msg->embedded)
		return store_embedded_save(msg, keep_open);
	pthread_mutex_lock(&env->commit_lock);
	req.next = env->queue;
	env->queue = &req;
	while (!req.done) {
		if (env->committing) {
			pthread_cond_wait(&env->commit_cond, &env->commit_lock);
			continue;
		}
		struct commit_req *batch = env->queue;
		env->queue = NULL;
		env->committing = true;
		pthread_mutex_unlock(&env->commit_lock);
		run_batch(env, batch);
		pthread_mutex_lock(&env->commit_lock);
		for (struct commit_req *r = batch, *next; r != NULL; r = next) {
			next = r->next;
			r->done = true;
		}
		env->committing = false;
		pthread_cond_broadcast(&env->commit_cond);
	}
	pthread_mutex_unlock(&env->commit_lock);
	if (req.ret < 0)
		return req.ret;
	store_message_after_save(msg, req.is_new, keep_open);
	return 0;
}

int store_messages_save(struct store_message **msgs, uint32_t count)
{
	MDB_txn *txn = NULL;
	if (count == 0)
		return 0;
	struct store_mailbox *mbox = msgs[0]->mbox;
	bool *is_new = talloc_zero_array(NULL, bool, count);
	if (is_new == NULL)
		return STORE_E_NOMEM;
	int ret = store_txn_begin(mbox, true, &txn);
	uint32_t i;
	for (i = 0; i < count && ret == 0; i++) {
		if (msgs[i]->mbox->env != mbox->env || msgs[i]->embedded || msgs[i]->closed)
			ret = STORE_E_INVALID;
		else
			ret = store_message_save_txn(txn, msgs[i], &is_new[i]);
	}
	if (ret == 0)
		ret = store_txn_commit(txn);
	else if (txn != NULL)
		mdb_txn_abort(txn);
	for (uint32_t j = 0; j < i; j++) {
		if (ret == 0)
			store_message_after_save(msgs[j], is_new[j], true);
		else if (is_new[j])
			msgs[j]->gc = 0;
	}
	talloc_free(is_new);
	return ret;
}
