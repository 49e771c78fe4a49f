/*
 * store_embedded: embedded messages ([MS-OXCMSG] 2.2.2.7 PidTagAttachMethod
 * afEmbeddedMessage, 2.2.3.16 RopOpenEmbeddedMessage).
 *
 * An embedded message is a whole message (properties, recipients,
 * attachments, themselves possibly embedded) inside an attachment.  It is
 * kept serialised in a store-private property of the attachment
 * (STORE_TAG_EMBEDDED), so it is copied, moved, sized, deleted and read in
 * chunks exactly like any other attachment value.  An open embedded
 * instance is edited in memory; saving it writes it into the parent
 * instance's attachment, and the parent's save makes it durable
 * (the embedded message is committed with its parent).
 *
 * Serialised form: magic u32 "EMB1", then three sections: the property
 * blob (len u32, blob), recipients (count u32, then row_id u32, len u32,
 * blob) and attachments (count u32, next number u32, then num u32, len u32,
 * blob), blobs as store_pbag_encode() writes them with every value inline.
 */
#include <string.h>

#include "store_private.h"

#define EMB_MAGIC           0x31424D45 /* "EMB1" */
#define AF_EMBEDDED_MESSAGE 5          /* [MS-OXCMSG] 2.2.2.9 PidTagAttachMethod */
#define PR_ATTACH_METHOD    PROP_TAG(PT_LONG, 0x3705)

static int put_u32(struct store_buf *b, uint32_t v)
{
	return store_buf_add(b, &v, 4);
}

static int put_bag(struct store_buf *b, struct store_message *msg, struct pbag *bag)
{
	struct store_buf one = {.mem_ctx = NULL};
	uint64_t bytes;
	int ret = store_pbag_encode(NULL, msg->mbox, bag, &one, &bytes);
	ret = ret ?: put_u32(b, (uint32_t)one.len);
	if (ret == 0 && one.len > 0)
		ret = store_buf_add(b, one.data, one.len);
	talloc_free(one.data);
	return ret;
}

static int serialise(struct store_message *msg, struct store_buf *b)
{
	int ret = put_u32(b, EMB_MAGIC);
	ret = ret ?: put_bag(b, msg, &msg->bag);
	ret = ret ?: put_u32(b, msg->recip_count);
	for (uint32_t i = 0; i < msg->recip_count && ret == 0; i++) {
		ret = put_u32(b, msg->recips[i].row_id);
		ret = ret ?: put_bag(b, msg, &msg->recips[i].bag);
	}
	ret = ret ?: put_u32(b, msg->attach_count);
	ret = ret ?: put_u32(b, msg->next_attach);
	for (uint32_t i = 0; i < msg->attach_count && ret == 0; i++) {
		ret = put_u32(b, msg->attach[i].num);
		ret = ret ?: put_bag(b, msg, &msg->attach[i].bag);
	}
	return ret;
}

struct rd {
	const uint8_t *p;
	size_t len, ofs;
};

static int get_u32(struct rd *d, uint32_t *v)
{
	if (d->len - d->ofs < 4)
		return STORE_E_CORRUPT;
	memcpy(v, d->p + d->ofs, 4);
	d->ofs += 4;
	return 0;
}

static int get_bag(struct rd *d, TALLOC_CTX *mem_ctx, struct pbag *bag)
{
	uint32_t len;
	int ret = get_u32(d, &len);
	if (ret == 0 && d->len - d->ofs < len)
		ret = STORE_E_CORRUPT;
	ret = ret ?: store_pbag_decode(mem_ctx, d->p + d->ofs, len, bag);
	d->ofs += ret == 0 ? len : 0;
	return ret;
}

static int deserialise(struct store_message *msg, const uint8_t *p, size_t len)
{
	struct rd d = {p, len, 0};
	uint32_t magic, n, next = 0;
	int ret = get_u32(&d, &magic);
	if (ret == 0 && magic != EMB_MAGIC)
		ret = STORE_E_CORRUPT;
	ret = ret ?: get_bag(&d, msg, &msg->bag);
	ret = ret ?: get_u32(&d, &n);
	if (ret == 0 && n > (d.len - d.ofs) / 8)
		ret = STORE_E_CORRUPT;
	if (ret == 0 && n > 0) {
		msg->recips = talloc_zero_array(msg, struct msg_recip, n);
		ret = msg->recips == NULL ? STORE_E_NOMEM : 0;
	}
	for (uint32_t i = 0; i < n && ret == 0; i++) {
		ret = get_u32(&d, &msg->recips[i].row_id);
		ret = ret ?: get_bag(&d, msg->recips, &msg->recips[i].bag);
		msg->recip_count += ret == 0;
	}
	ret = ret ?: get_u32(&d, &n);
	ret = ret ?: get_u32(&d, &next);
	if (ret == 0 && n > (d.len - d.ofs) / 8)
		ret = STORE_E_CORRUPT;
	if (ret == 0 && n > 0) {
		msg->attach = talloc_zero_array(msg, struct msg_attach, n);
		ret = msg->attach == NULL ? STORE_E_NOMEM : 0;
	}
	for (uint32_t i = 0; i < n && ret == 0; i++) {
		ret = get_u32(&d, &msg->attach[i].num);
		ret = ret ?: get_bag(&d, msg->attach, &msg->attach[i].bag);
		msg->attach_count += ret == 0;
		if (ret == 0 && msg->attach[i].num >= next)
			ret = STORE_E_CORRUPT;
	}
	msg->next_attach = next;
	return ret;
}

/* Loads the serialised form from the attachment (it may be in chunks). */
static int load_blob(TALLOC_CTX *mem_ctx, struct store_message *parent, struct msg_attach *a,
                     struct mapi_binary *blob_r)
{
	struct pbag_entry *e = store_pbag_find(&a->bag, STORE_TAG_EMBEDDED);
	struct mapi_propval v;
	if (e == NULL)
		return 0;
	if (!e->external) {
		*blob_r = e->val.v.bin;
		return 1;
	}
	MDB_txn *txn;
	int ret = store_txn_begin(parent->mbox, false, &txn);
	if (ret < 0)
		return ret;
	ret = store_pbag_load(mem_ctx, txn, parent->mbox, e, &v);
	mdb_txn_abort(txn);
	if (ret < 0)
		return ret;
	*blob_r = v.v.bin;
	return 1;
}

int store_message_open_embedded(TALLOC_CTX *mem_ctx, struct store_message *parent,
                                uint32_t attach_num, bool create, struct store_message **msg_r)
{
	struct msg_attach *a = store_msg_attach_find(parent, attach_num);
	struct mapi_binary blob = {0, NULL};
	if (a == NULL)
		return STORE_E_NOTFOUND;
	TALLOC_CTX *tmp = talloc_new(NULL);
	int found = load_blob(tmp, parent, a, &blob);
	int ret = found < 0 ? found : 0;
	if (ret == 0 && found == 0 && (!create || parent->closed))
		ret = STORE_E_NOTFOUND;
	struct store_message **list = NULL;
	if (ret == 0) {
		list = talloc_realloc(parent, parent->embeds, struct store_message *,
		                      parent->embed_count + 1);
		ret = list == NULL ? STORE_E_NOMEM : 0;
	}
	if (ret == 0)
		parent->embeds = list;
	struct store_message *msg = ret == 0 ? store_msg_new(mem_ctx, parent->mbox, 0) : NULL;
	if (ret == 0 && msg == NULL)
		ret = STORE_E_NOMEM;
	if (ret == 0) {
		msg->embedded = true;
		msg->embed_parent = parent;
		msg->embed_attach = attach_num;
		msg->hdr.kind = KIND_MESSAGE;
		msg->hdr.version = OBJ_HDR_VERSION;
		/* A read-only parent gives a read-only embedded message. */
		msg->closed = parent->closed;
		parent->embeds[parent->embed_count++] = msg;
		if (found == 1)
			ret = deserialise(msg, blob.data, blob.len);
	}
	talloc_free(tmp);
	if (ret < 0) {
		talloc_free(msg);
		return ret;
	}
	*msg_r = msg;
	return 0;
}

int store_embedded_save(struct store_message *msg, bool keep_open)
{
	struct store_message *parent = msg->embed_parent;
	if (parent == NULL)
		return STORE_E_DELETED; /* the parent instance was closed */
	struct msg_attach *a = store_msg_attach_find(parent, msg->embed_attach);
	if (a == NULL)
		return STORE_E_DELETED; /* the attachment was deleted */
	if (parent->closed)
		return STORE_E_ACCESS;
	struct store_buf b = {.mem_ctx = NULL};
	int ret = serialise(msg, &b);
	struct mapi_propval v = {.tag = STORE_TAG_EMBEDDED};
	v.v.bin.data = b.data;
	v.v.bin.len = (uint32_t)b.len;
	ret = ret ?: store_pbag_set(parent->attach, &a->bag, &v);
	/* [MS-OXCMSG] 2.2.2.9: an attachment holding a message says so. */
	if (ret == 0 && store_pbag_find(&a->bag, PR_ATTACH_METHOD) == NULL) {
		struct mapi_propval m = {.tag = PR_ATTACH_METHOD, .v.i32 = AF_EMBEDDED_MESSAGE};
		ret = store_pbag_set(parent->attach, &a->bag, &m);
	}
	talloc_free(b.data);
	if (ret < 0)
		return ret;
	a->dirty = true;
	msg->closed = !keep_open;
	return 0;
}
