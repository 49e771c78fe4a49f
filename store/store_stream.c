/*
 * store_stream: large property values read and written in chunks
 * ([MS-OXCPRPT] 2.2.9 RopOpenStream semantics), without holding the whole
 * value in memory.  Chunks are env->chunk_size bytes except the last.
 */
#include <string.h>

#include "store_private.h"

struct store_stream {
	struct store_mailbox *mbox;
	struct store_message *msg; /* write streams */
	uint32_t tag;
	bool external;
	uint64_t owner, size, ofs;
	uint8_t *inline_data; /* small values: the bytes themselves */
	uint8_t *wbuf;        /* write: the partial chunk */
	size_t wlen;
	uint32_t wchunk;
	bool committed;
	bool in_memory; /* write on an embedded message: wbuf holds it all */
	size_t wcap;
	uint8_t *rbuf; /* read: the last chunk read, decompressed */
	size_t rlen;
	uint32_t rchunk; /* its number + 1; 0 none */
};

static bool streamable(uint32_t tag)
{
	uint16_t t = PROP_TYPE(tag);
	return t == PT_BINARY || t == PT_UNICODE || t == PT_STRING8;
}

int store_stream_open_read(TALLOC_CTX *mem_ctx, struct store_mailbox *mbox, uint64_t mid,
                           uint32_t proptag, struct store_stream **stream_r)
{
	MDB_txn *txn = NULL;
	struct obj o;
	uint32_t t;
	const uint8_t *p;
	size_t len;
	bool ext;
	if (!streamable(proptag))
		return STORE_E_BADTYPE;
	int ret = store_txn_begin(mbox, false, &txn);
	if (ret < 0)
		return ret;
	ret = store_obj_get(txn, mbox, store_gc(mid), &o);
	if (ret == 1 && (o.hdr.kind == KIND_FOLDER))
		ret = 0;
	if (ret == 1)
		ret = store_blob_find(o.blob, o.blob_len, proptag, &t, &p, &len, &ext);
	if (ret == 0)
		ret = STORE_E_NOTFOUND;
	struct store_stream *s = NULL;
	if (ret == 1) {
		ret = 0;
		s = talloc_zero(mem_ctx, struct store_stream);
		if (s == NULL)
			ret = STORE_E_NOMEM;
	}
	if (ret == 0) {
		s->mbox = mbox;
		s->tag = t;
		s->external = ext;
		if (ext) {
			memcpy(&s->owner, p, 8);
			memcpy(&s->size, p + 8, 8);
		} else {
			s->size = len;
			s->inline_data = store_memdup(s, p, len);
		}
	}
	mdb_txn_abort(txn);
	if (ret < 0)
		return ret;
	*stream_r = s;
	return 0;
}

uint64_t store_stream_size(const struct store_stream *s)
{
	return s->msg != NULL ? s->size + 0 : s->size;
}

int store_stream_seek(struct store_stream *s, uint64_t offset)
{
	if (s->msg != NULL || offset > s->size)
		return STORE_E_INVALID;
	s->ofs = offset;
	return 0;
}

int64_t store_stream_read(struct store_stream *s, void *buf, size_t len)
{
	MDB_txn *txn = NULL;
	if (s->msg != NULL)
		return STORE_E_ACCESS;
	if (len > s->size - s->ofs)
		len = (size_t)(s->size - s->ofs);
	if (len == 0)
		return 0;
	if (!s->external) {
		memcpy(buf, s->inline_data + s->ofs, len);
		s->ofs += len;
		return (int64_t)len;
	}
	int ret = store_txn_begin(s->mbox, false, &txn);
	if (ret < 0)
		return ret;
	size_t done = 0;
	if (s->rbuf == NULL && (s->rbuf = talloc_size(s, STORE_CHUNK_SIZE)) == NULL)
		ret = STORE_E_NOMEM;
	while (done < len && ret == 0) {
		uint32_t n = (uint32_t)(s->ofs / s->mbox->env->chunk_size);
		size_t in = (size_t)(s->ofs % s->mbox->env->chunk_size);
		if (s->rchunk != n + 1) {
			s->rchunk = 0;
			ret = store_chunk_get(txn, s->mbox, s->owner, s->tag, n, s->rbuf, &s->rlen);
			if (ret < 0)
				break;
			s->rchunk = n + 1;
		}
		if (s->rlen <= in) {
			ret = STORE_E_CORRUPT;
			break;
		}
		size_t part = s->rlen - in < len - done ? s->rlen - in : len - done;
		memcpy((uint8_t *)buf + done, s->rbuf + in, part);
		done += part;
		s->ofs += part;
	}
	mdb_txn_abort(txn);
	return ret < 0 ? ret : (int64_t)done;
}

int store_stream_open_write(TALLOC_CTX *mem_ctx, struct store_message *msg, uint32_t proptag,
                            struct store_stream **stream_r)
{
	MDB_txn *txn = NULL;
	if (!streamable(proptag))
		return STORE_E_BADTYPE;
	if (msg->closed || store_tag_readonly(proptag))
		return STORE_E_ACCESS;
	struct store_stream *s = talloc_zero(mem_ctx, struct store_stream);
	if (s == NULL)
		return STORE_E_NOMEM;
	if (msg->embedded) {
		/* An embedded message's values live in its parent's attachment:
		 * the stream collects the value and sets it on commit. */
		s->mbox = msg->mbox;
		s->msg = msg;
		s->tag = proptag;
		s->in_memory = true;
		*stream_r = s;
		return 0;
	}
	s->mbox = msg->mbox;
	s->msg = msg;
	s->tag = proptag;
	s->external = true;
	s->wbuf = talloc_size(s, STORE_CHUNK_SIZE);
	int ret = s->wbuf ? store_txn_begin(msg->mbox, true, &txn) : STORE_E_NOMEM;
	if (ret == 0)
		ret = store_alloc_gc(txn, msg->mbox, 1, &s->owner);
	if (ret == 0)
		ret = store_txn_commit(txn);
	else if (txn != NULL)
		mdb_txn_abort(txn);
	if (ret == 0) {
		/* Registered now so an unsaved instance drops the chunks. */
		struct msg_staged *st =
		    talloc_realloc(msg, msg->staged, struct msg_staged, msg->staged_count + 1);
		if (st == NULL)
			ret = STORE_E_NOMEM;
		else {
			msg->staged = st;
			st[msg->staged_count].owner = s->owner;
			st[msg->staged_count++].tag = proptag;
		}
	}
	if (ret < 0) {
		talloc_free(s);
		return ret;
	}
	*stream_r = s;
	return 0;
}

static int flush_chunk(struct store_stream *s)
{
	MDB_txn *txn = NULL;
	if (s->wlen == 0)
		return 0;
	int ret = store_txn_begin(s->mbox, true, &txn);
	if (ret < 0)
		return ret;
	ret = store_chunks_write(txn, s->mbox, s->owner, s->tag, s->wbuf, s->wlen, s->wchunk);
	if (ret < 0) {
		mdb_txn_abort(txn);
		return ret;
	}
	ret = store_txn_commit(txn);
	if (ret == 0) {
		s->wchunk++;
		s->wlen = 0;
	}
	return ret;
}

int store_stream_write(struct store_stream *s, const void *buf, size_t len)
{
	if (s->msg == NULL || s->committed)
		return STORE_E_ACCESS;
	if (len > 0x7FFFFFFF - s->size)
		return STORE_E_TOOBIG;
	const uint8_t *p = buf;
	if (s->in_memory) {
		if (s->wlen + len + 1 > s->wcap) {
			size_t cap = (s->wlen + len + 1) * 2;
			uint8_t *grown = talloc_realloc(s, s->wbuf, uint8_t, cap);
			if (grown == NULL)
				return STORE_E_NOMEM;
			s->wbuf = grown;
			s->wcap = cap;
		}
		if (len > 0)
			memcpy(s->wbuf + s->wlen, p, len);
		s->wlen += len;
		s->size += len;
		return 0;
	}
	while (len > 0) {
		size_t csize = s->mbox->env->chunk_size;
		size_t part = csize - s->wlen < len ? csize - s->wlen : len;
		memcpy(s->wbuf + s->wlen, p, part);
		s->wlen += part;
		s->size += part;
		p += part;
		len -= part;
		if (s->wlen == csize) {
			int ret = flush_chunk(s);
			if (ret < 0)
				return ret;
		}
	}
	return 0;
}

int store_stream_commit(struct store_stream *s)
{
	if (s->msg == NULL || s->committed)
		return STORE_E_ACCESS;
	if (s->in_memory) {
		struct mapi_propval v = {.tag = s->tag};
		struct mapi_propval_array vals = {1, &v};
		if (store_stream_write(s, "", 0) < 0 || s->wbuf == NULL)
			return STORE_E_NOMEM;
		s->wbuf[s->wlen] = 0;
		if (PROP_TYPE(s->tag) == PT_BINARY) {
			v.v.bin.len = (uint32_t)s->wlen;
			v.v.bin.data = s->wbuf;
		} else {
			v.v.str = (char *)s->wbuf;
		}
		int ret = store_message_set_props(s->msg, &vals);
		if (ret == 0)
			s->committed = true;
		return ret;
	}
	int ret = flush_chunk(s);
	if (ret < 0)
		return ret;
	struct pbag *bag = &s->msg->bag;
	store_pbag_del(bag, PROP_TAG(PT_UNSPECIFIED, PROP_ID(s->tag)));
	struct pbag_entry *e = talloc_realloc(s->msg, bag->e, struct pbag_entry, bag->count + 1);
	if (e == NULL)
		return STORE_E_NOMEM;
	bag->e = e;
	e = &bag->e[bag->count++];
	memset(e, 0, sizeof(*e));
	e->tag = s->tag;
	e->external = true;
	e->owner = s->owner;
	e->ext_len = s->size;
	e->val.tag = s->tag;
	s->committed = true;
	return 0;
}

void store_stream_close(struct store_stream **stream)
{
	TALLOC_FREE(*stream);
}
