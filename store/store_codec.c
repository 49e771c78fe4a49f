/*
 * store_codec: the store's own serialisation of property values and
 * property bags ("blobs"), and chunked storage of large values.
 *
 * Blob: a sequence of entries
 *   tag u32 LE | len u32 LE | len bytes of value
 * where bit 31 of len marks an external value whose 16 bytes are
 *   owner gc u64 LE | value length u64 LE
 * and the value lives in DB_CHUNK under (owner, tag, n) in STORE_CHUNK_SIZE
 * pieces.  Value encodings (little-endian): fixed-size types as is; strings
 * and binaries as their bytes (strings without NUL); multi-valued as count
 * u32 then the elements, variable-size elements each prefixed by len u32.
 */
#include <string.h>

#include <lz4.h>

#include "store_private.h"

int store_buf_add(struct store_buf *buf, const void *data, size_t len)
{
	if (buf->cap - buf->len < len) {
		size_t cap = buf->cap ? buf->cap : 256;
		while (cap - buf->len < len)
			cap *= 2;
		uint8_t *p = talloc_realloc(buf->mem_ctx, buf->data, uint8_t, cap);
		if (p == NULL)
			return STORE_E_NOMEM;
		buf->data = p;
		buf->cap = cap;
	}
	if (len > 0)
		memcpy(buf->data + buf->len, data, len);
	buf->len += len;
	return 0;
}

static int buf_u32(struct store_buf *buf, uint32_t v)
{
	return store_buf_add(buf, &v, 4);
}

/* Fixed element size of a (single- or multi-valued) type, 0 if variable,
 * -1 if the store does not keep values of this type. */
static int elem_size(uint16_t type)
{
	switch (type & ~MV_FLAG) {
	case PT_NULL:
	case PT_OBJECT:
		return type & MV_FLAG ? -1 : 0;
	case PT_SHORT:
		return 2;
	case PT_LONG:
	case PT_ERROR:
	case PT_FLOAT:
		return (type & MV_FLAG) && (type & ~MV_FLAG) == PT_ERROR ? -1 : 4;
	case PT_DOUBLE:
	case PT_APPTIME:
	case PT_CURRENCY:
	case PT_I8:
	case PT_SYSTIME:
		return 8;
	case PT_BOOLEAN:
		return type & MV_FLAG ? -1 : 1;
	case PT_CLSID:
		return 16;
	case PT_STRING8:
	case PT_UNICODE:
	case PT_BINARY:
		return 0;
	case PT_SVREID:
		return type & MV_FLAG ? -1 : 0;
	}
	return -1;
}

int store_propval_check(const struct mapi_propval *val)
{
	uint16_t type = PROP_TYPE(val->tag);
	if (elem_size(type) < 0)
		return STORE_E_BADTYPE;
	if (type & MV_FLAG) {
		if (val->v.mv.count > 0 && val->v.mv.i32 == NULL)
			return STORE_E_INVALID;
		if ((type == PT_MV_STRING8 || type == PT_MV_UNICODE) && val->v.mv.count > 0) {
			for (uint32_t i = 0; i < val->v.mv.count; i++) {
				if (val->v.mv.str[i] == NULL)
					return STORE_E_INVALID;
			}
		}
		return 0;
	}
	if ((type == PT_STRING8 || type == PT_UNICODE) && val->v.str == NULL)
		return STORE_E_INVALID;
	if (type == PT_CLSID && val->v.guid == NULL)
		return STORE_E_INVALID;
	if ((type == PT_BINARY || type == PT_SVREID) && val->v.bin.len > 0 &&
	    val->v.bin.data == NULL)
		return STORE_E_INVALID;
	return 0;
}

static const void *scalar_ptr(const struct mapi_propval *val)
{
	switch (PROP_TYPE(val->tag)) {
	case PT_SHORT:
		return &val->v.i16;
	case PT_LONG:
		return &val->v.i32;
	case PT_ERROR:
		return &val->v.err;
	case PT_FLOAT:
		return &val->v.f32;
	case PT_DOUBLE:
	case PT_APPTIME:
		return &val->v.f64;
	case PT_CURRENCY:
	case PT_I8:
		return &val->v.i64;
	case PT_SYSTIME:
		return &val->v.ft;
	case PT_CLSID:
		return val->v.guid->b;
	}
	return NULL;
}

int store_propval_encode(struct store_buf *buf, const struct mapi_propval *val)
{
	uint16_t type = PROP_TYPE(val->tag);
	int ret = store_propval_check(val);
	if (ret < 0)
		return ret;
	if (type & MV_FLAG) {
		int es = elem_size(type);
		uint32_t n = val->v.mv.count;
		ret = buf_u32(buf, n);
		if (ret < 0 || n == 0)
			return ret;
		if (es > 0)
			return store_buf_add(buf, val->v.mv.i16, (size_t)es * n);
		for (uint32_t i = 0; i < n && ret == 0; i++) {
			const void *p;
			size_t len;
			if (type == PT_MV_BINARY) {
				p = val->v.mv.bin[i].data;
				len = val->v.mv.bin[i].len;
			} else {
				p = val->v.mv.str[i];
				len = strlen(val->v.mv.str[i]);
			}
			ret = buf_u32(buf, (uint32_t)len);
			if (ret == 0)
				ret = store_buf_add(buf, p, len);
		}
		return ret;
	}
	switch (type) {
	case PT_NULL:
	case PT_OBJECT:
		return 0;
	case PT_BOOLEAN: {
		uint8_t b = val->v.b ? 1 : 0;
		return store_buf_add(buf, &b, 1);
	}
	case PT_STRING8:
	case PT_UNICODE:
		return store_buf_add(buf, val->v.str, strlen(val->v.str));
	case PT_BINARY:
	case PT_SVREID:
		return store_buf_add(buf, val->v.bin.data, val->v.bin.len);
	}
	return store_buf_add(buf, scalar_ptr(val), (size_t)elem_size(type));
}

static int decode_mv(TALLOC_CTX *mem_ctx, uint16_t type, const uint8_t *data, size_t len,
                     struct mapi_propval *val)
{
	int es = elem_size(type);
	uint32_t n;
	if (len < 4)
		return STORE_E_CORRUPT;
	memcpy(&n, data, 4);
	size_t ofs = 4;
	val->v.mv.count = n;
	if (n == 0) {
		val->v.mv.i32 = NULL;
		return 0;
	}
	if (es > 0) {
		if ((len - ofs) / (size_t)es < n)
			return STORE_E_CORRUPT;
		void *p = talloc_memdup(mem_ctx, data + ofs, (size_t)es * n);
		if (p == NULL)
			return STORE_E_NOMEM;
		val->v.mv.i16 = p;
		return 0;
	}
	if ((len - ofs) / 4 < n)
		return STORE_E_CORRUPT;
	if (type == PT_MV_BINARY)
		val->v.mv.bin = talloc_array(mem_ctx, struct mapi_binary, n);
	else
		val->v.mv.str = talloc_array(mem_ctx, char *, n);
	if (val->v.mv.i32 == NULL)
		return STORE_E_NOMEM;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t el;
		if (len - ofs < 4)
			return STORE_E_CORRUPT;
		memcpy(&el, data + ofs, 4);
		ofs += 4;
		if (len - ofs < el)
			return STORE_E_CORRUPT;
		if (type == PT_MV_BINARY) {
			val->v.mv.bin[i].len = el;
			val->v.mv.bin[i].data = store_memdup(mem_ctx, data + ofs, el);
		} else {
			val->v.mv.str[i] = talloc_strndup(mem_ctx, (const char *)data + ofs, el);
			if (val->v.mv.str[i] == NULL)
				return STORE_E_NOMEM;
		}
		ofs += el;
	}
	return 0;
}

int store_propval_decode(TALLOC_CTX *mem_ctx, uint32_t tag, const uint8_t *data, size_t len,
                         struct mapi_propval *val)
{
	uint16_t type = PROP_TYPE(tag);
	int es = elem_size(type);
	memset(val, 0, sizeof(*val));
	val->tag = tag;
	if (es < 0)
		return STORE_E_CORRUPT;
	if (type & MV_FLAG)
		return decode_mv(mem_ctx, type, data, len, val);
	switch (type) {
	case PT_NULL:
	case PT_OBJECT:
		return 0;
	case PT_BOOLEAN:
		if (len < 1)
			return STORE_E_CORRUPT;
		val->v.b = data[0] != 0;
		return 0;
	case PT_STRING8:
	case PT_UNICODE:
		val->v.str = talloc_strndup(mem_ctx, (const char *)data, len);
		return val->v.str ? 0 : STORE_E_NOMEM;
	case PT_BINARY:
	case PT_SVREID:
		val->v.bin.len = (uint32_t)len;
		val->v.bin.data = store_memdup(mem_ctx, data, len);
		return val->v.bin.data ? 0 : STORE_E_NOMEM;
	case PT_CLSID:
		if (len < 16)
			return STORE_E_CORRUPT;
		val->v.guid = talloc_memdup(mem_ctx, data, 16);
		return val->v.guid ? 0 : STORE_E_NOMEM;
	}
	if (len < (size_t)es)
		return STORE_E_CORRUPT;
	memcpy((void *)scalar_ptr(val), data, (size_t)es);
	return 0;
}

uint64_t store_propval_size(const struct mapi_propval *val)
{
	uint16_t type = PROP_TYPE(val->tag);
	if (type & MV_FLAG) {
		int es = elem_size(type);
		uint64_t n = 0;
		if (es > 0)
			return (uint64_t)es * val->v.mv.count;
		for (uint32_t i = 0; i < val->v.mv.count; i++)
			n += type == PT_MV_BINARY ? val->v.mv.bin[i].len
			                          : strlen(val->v.mv.str[i]) + 1;
		return n;
	}
	switch (type) {
	case PT_STRING8:
		return strlen(val->v.str) + 1;
	case PT_UNICODE:
		/* Counted as UTF-16 with its terminator, as the client sees it;
		 * UTF-8 length is an upper bound for BMP text. */
		return 2 * (strlen(val->v.str) + 1);
	case PT_BINARY:
	case PT_SVREID:
		return val->v.bin.len;
	}
	int es = elem_size(type);
	return es > 0 ? (uint64_t)es : 0;
}

/* Reads the entry at ofs.  Returns the offset of the next entry or <0. */
static long blob_entry(const uint8_t *blob, size_t len, size_t ofs, uint32_t *tag_r,
                       const uint8_t **val_r, size_t *vlen_r, bool *external_r)
{
	uint32_t tag, vlen;
	if (len - ofs < 8)
		return STORE_E_CORRUPT;
	memcpy(&tag, blob + ofs, 4);
	memcpy(&vlen, blob + ofs + 4, 4);
	ofs += 8;
	*external_r = (vlen & 0x80000000u) != 0;
	vlen &= 0x7FFFFFFFu;
	if (len - ofs < vlen || (*external_r && vlen != 16))
		return STORE_E_CORRUPT;
	*tag_r = tag;
	*val_r = blob + ofs;
	*vlen_r = vlen;
	return (long)(ofs + vlen);
}

/* A stored tag answers a request for the same ID with the same type, or any
 * type when the request says PT_UNSPECIFIED. */
static bool tag_matches(uint32_t want, uint32_t have)
{
	if (PROP_ID(want) != PROP_ID(have))
		return false;
	return PROP_TYPE(want) == PT_UNSPECIFIED || PROP_TYPE(want) == PROP_TYPE(have);
}

int store_blob_find(const uint8_t *blob, size_t len, uint32_t tag, uint32_t *tag_r,
                    const uint8_t **val_r, size_t *vlen_r, bool *external_r)
{
	size_t ofs = 0;
	while (ofs < len) {
		uint32_t t;
		long next = blob_entry(blob, len, ofs, &t, val_r, vlen_r, external_r);
		if (next < 0)
			return (int)next;
		if (tag_matches(tag, t)) {
			*tag_r = t;
			return 1;
		}
		ofs = (size_t)next;
	}
	return 0;
}

static void ext_get(const uint8_t *p, uint64_t *owner_r, uint64_t *len_r)
{
	memcpy(owner_r, p, 8);
	memcpy(len_r, p + 8, 8);
}

int store_pbag_decode(TALLOC_CTX *mem_ctx, const uint8_t *blob, size_t len, struct pbag *bag_r)
{
	size_t ofs = 0;
	uint32_t n = 0;
	bag_r->count = 0;
	bag_r->e = NULL;
	while (ofs < len) {
		uint32_t t;
		const uint8_t *v;
		size_t vlen;
		bool ext;
		long next = blob_entry(blob, len, ofs, &t, &v, &vlen, &ext);
		if (next < 0)
			return (int)next;
		ofs = (size_t)next;
		n++;
	}
	bag_r->e = talloc_zero_array(mem_ctx, struct pbag_entry, n ? n : 1);
	if (bag_r->e == NULL)
		return STORE_E_NOMEM;
	for (ofs = 0; ofs < len;) {
		struct pbag_entry *e = &bag_r->e[bag_r->count];
		const uint8_t *v = NULL;
		size_t vlen = 0;
		long next = blob_entry(blob, len, ofs, &e->tag, &v, &vlen, &e->external);
		if (next < 0)
			return (int)next;
		ofs = (size_t)next;
		if (e->external) {
			ext_get(v, &e->owner, &e->ext_len);
			e->val.tag = e->tag;
		} else {
			int ret = store_propval_decode(bag_r->e, e->tag, v, vlen, &e->val);
			if (ret < 0)
				return ret;
		}
		bag_r->count++;
	}
	return 0;
}

struct pbag_entry *store_pbag_find(struct pbag *bag, uint32_t tag)
{
	for (uint32_t i = 0; i < bag->count; i++) {
		if (tag_matches(tag, bag->e[i].tag))
			return &bag->e[i];
	}
	return NULL;
}

int store_propval_dup(TALLOC_CTX *mem_ctx, const struct mapi_propval *in, struct mapi_propval *out)
{
	/* Strings and binaries, the bulk of a message, are copied once. */
	uint16_t type = PROP_TYPE(in->tag);
	if ((type == PT_UNICODE || type == PT_STRING8) && in->v.str != NULL) {
		*out = *in;
		out->v.str = talloc_strdup(mem_ctx, in->v.str);
		return out->v.str != NULL ? 0 : STORE_E_NOMEM;
	}
	if ((type == PT_BINARY || type == PT_SVREID) &&
	    (in->v.bin.data != NULL || in->v.bin.len == 0)) {
		*out = *in;
		out->v.bin.data = store_memdup(mem_ctx, in->v.bin.data, in->v.bin.len);
		return out->v.bin.data != NULL ? 0 : STORE_E_NOMEM;
	}
	struct store_buf buf = {.mem_ctx = NULL};
	int ret = store_propval_encode(&buf, in);
	if (ret == 0)
		ret = store_propval_decode(mem_ctx, in->tag, buf.data, buf.len, out);
	talloc_free(buf.data);
	return ret;
}

int store_pbag_set(TALLOC_CTX *mem_ctx, struct pbag *bag, const struct mapi_propval *val)
{
	int ret = store_propval_check(val);
	if (ret < 0)
		return ret;
	/* A property ID holds one type at a time ([MS-OXCPRPT] 3.2.5.3). */
	store_pbag_del(bag, PROP_TAG(PT_UNSPECIFIED, PROP_ID(val->tag)));
	struct pbag_entry *e = talloc_realloc(mem_ctx, bag->e, struct pbag_entry, bag->count + 1);
	if (e == NULL)
		return STORE_E_NOMEM;
	bag->e = e;
	e = &bag->e[bag->count];
	memset(e, 0, sizeof(*e));
	e->tag = val->tag;
	ret = store_propval_dup(bag->e, val, &e->val);
	if (ret < 0)
		return ret;
	bag->count++;
	return 0;
}

bool store_pbag_del(struct pbag *bag, uint32_t tag)
{
	bool found = false;
	for (uint32_t i = 0; i < bag->count;) {
		if (tag_matches(tag, bag->e[i].tag)) {
			memmove(&bag->e[i], &bag->e[i + 1],
			        (bag->count - i - 1) * sizeof(bag->e[0]));
			bag->count--;
			found = true;
		} else {
			i++;
		}
	}
	return found;
}

static void chunk_key(uint8_t key[16], uint64_t owner, uint32_t tag, uint32_t n)
{
	be64_put(key, owner);
	be32_put(key + 8, tag);
	be32_put(key + 12, n);
}

/* Chunk values of mailboxes created with chunk format 1 (env->chunk_lz4)
 * start with a byte: CHUNK_RAW then the bytes, or CHUNK_LZ4 then the LZ4
 * block of the chunk.  A chunk is compressed only when that makes it
 * smaller; it always covers env->chunk_size bytes of the value (the last
 * one less), so streams still find offset o in chunk o / chunk_size.  The
 * framed chunk size is one byte less than the raw one so that a chunk kept
 * raw still fills exactly four LMDB overflow pages.
 * Format 0 chunks are the bytes alone. */
#define CHUNK_RAW 0
#define CHUNK_LZ4 1

static int chunk_put(MDB_txn *txn, struct store_mailbox *mbox, const uint8_t key[16],
                     const uint8_t *data, size_t part, uint8_t *work)
{
	MDB_val k = {16, (void *)key}, v = {part, (void *)data};
	if (mbox->env->chunk_lz4) {
		int c = LZ4_compress_default((const char *)data, (char *)work + 1, (int)part,
		                             LZ4_compressBound(STORE_CHUNK_SIZE));
		if (c > 0 && (size_t)c + 1 < part) {
			work[0] = CHUNK_LZ4;
			v = (MDB_val){(size_t)c + 1, work};
		} else {
			work[0] = CHUNK_RAW;
			memcpy(work + 1, data, part);
			v = (MDB_val){part + 1, work};
		}
	}
	return store_mdb_err(mdb_put(txn, mbox->env->dbi[DB_CHUNK], &k, &v, 0));
}

int store_chunks_write(MDB_txn *txn, struct store_mailbox *mbox, uint64_t owner, uint32_t tag,
                       const uint8_t *data, size_t len, uint32_t first_chunk)
{
	uint32_t n = first_chunk;
	uint8_t *work = NULL;
	int ret = 0;
	if (mbox->env->chunk_lz4) {
		work = talloc_size(NULL, (size_t)LZ4_compressBound(STORE_CHUNK_SIZE) + 1);
		if (work == NULL)
			return STORE_E_NOMEM;
	}
	for (size_t ofs = 0; ofs < len && ret == 0; n++) {
		size_t csize = mbox->env->chunk_size;
		size_t part = len - ofs < csize ? len - ofs : csize;
		uint8_t key[16];
		chunk_key(key, owner, tag, n);
		ret = chunk_put(txn, mbox, key, data + ofs, part, work);
		ofs += part;
	}
	talloc_free(work);
	return ret;
}

int store_chunk_get(MDB_txn *txn, struct store_mailbox *mbox, uint64_t owner, uint32_t tag,
                    uint32_t n, uint8_t *buf, size_t *len_r)
{
	uint8_t key[16];
	chunk_key(key, owner, tag, n);
	MDB_val k = {sizeof(key), key}, v;
	int rc = mdb_get(txn, mbox->env->dbi[DB_CHUNK], &k, &v);
	if (rc != 0)
		return rc == MDB_NOTFOUND ? STORE_E_CORRUPT : store_mdb_err(rc);
	const uint8_t *p = v.mv_data;
	size_t len = v.mv_size;
	if (mbox->env->chunk_lz4) {
		if (len < 2)
			return STORE_E_CORRUPT;
		if (p[0] == CHUNK_LZ4) {
			int d = LZ4_decompress_safe((const char *)p + 1, (char *)buf, (int)len - 1,
			                            STORE_CHUNK_SIZE);
			if (d <= 0)
				return STORE_E_CORRUPT;
			*len_r = (size_t)d;
			return 0;
		}
		if (p[0] != CHUNK_RAW)
			return STORE_E_CORRUPT;
		p++;
		len--;
	}
	if (len == 0 || len > STORE_CHUNK_SIZE)
		return STORE_E_CORRUPT;
	memcpy(buf, p, len);
	*len_r = len;
	return 0;
}

int store_chunks_read(TALLOC_CTX *mem_ctx, MDB_txn *txn, struct store_mailbox *mbox, uint64_t owner,
                      uint32_t tag, uint64_t len, uint8_t **data_r)
{
	if (len > UINT32_MAX)
		return STORE_E_TOOBIG;
	uint8_t *data = talloc_size(mem_ctx, len + 1);
	uint8_t *buf = talloc_size(data, STORE_CHUNK_SIZE);
	if (data == NULL || buf == NULL) {
		talloc_free(data);
		return STORE_E_NOMEM;
	}
	uint64_t ofs = 0;
	for (uint32_t n = 0; ofs < len; n++) {
		size_t got;
		int ret = store_chunk_get(txn, mbox, owner, tag, n, buf, &got);
		if (ret == 0 && len - ofs < got)
			ret = STORE_E_CORRUPT;
		if (ret < 0) {
			talloc_free(data);
			return ret;
		}
		memcpy(data + ofs, buf, got);
		ofs += got;
	}
	talloc_free(buf);
	data[len] = 0;
	*data_r = data;
	return 0;
}

int store_chunks_delete(MDB_txn *txn, struct store_mailbox *mbox, uint64_t owner, uint32_t tag)
{
	for (uint32_t n = 0;; n++) {
		uint8_t key[16];
		chunk_key(key, owner, tag, n);
		MDB_val k = {sizeof(key), key};
		int rc = mdb_del(txn, mbox->env->dbi[DB_CHUNK], &k, NULL);
		if (rc == MDB_NOTFOUND)
			return 0;
		if (rc != 0)
			return store_mdb_err(rc);
	}
}

int store_pbag_load(TALLOC_CTX *mem_ctx, MDB_txn *txn, struct store_mailbox *mbox,
                    const struct pbag_entry *e, struct mapi_propval *val_r)
{
	if (!e->external) {
		*val_r = e->val;
		return 0;
	}
	uint8_t *data;
	int ret = store_chunks_read(mem_ctx, txn, mbox, e->owner, e->tag, e->ext_len, &data);
	if (ret < 0)
		return ret;
	ret = store_propval_decode(mem_ctx, e->tag, data, e->ext_len, val_r);
	talloc_free(data);
	return ret;
}

static int blob_put_entry(struct store_buf *buf, uint32_t tag, uint32_t len, const void *v)
{
	int ret = buf_u32(buf, tag);
	if (ret == 0)
		ret = buf_u32(buf, len);
	if (ret == 0)
		ret = store_buf_add(buf, v, len & 0x7FFFFFFFu);
	return ret;
}

static int blob_put_external(struct store_buf *buf, uint32_t tag, uint64_t owner, uint64_t len)
{
	uint8_t ext[16];
	memcpy(ext, &owner, 8);
	memcpy(ext + 8, &len, 8);
	return blob_put_entry(buf, tag, 16 | 0x80000000u, ext);
}

int store_pbag_encode(MDB_txn *txn, struct store_mailbox *mbox, struct pbag *bag,
                      struct store_buf *buf, uint64_t *bytes_r)
{
	struct store_buf val = {.mem_ctx = NULL};
	int ret = 0;
	*bytes_r = 0;
	for (uint32_t i = 0; i < bag->count && ret == 0; i++) {
		struct pbag_entry *e = &bag->e[i];
		if (e->external) {
			*bytes_r += e->ext_len;
			ret = blob_put_external(buf, e->tag, e->owner, e->ext_len);
			continue;
		}
		val.len = 0;
		ret = store_propval_encode(&val, &e->val);
		if (ret < 0)
			break;
		*bytes_r += store_propval_size(&e->val);
		if (val.len <= STORE_INLINE_MAX || txn == NULL) {
			ret = blob_put_entry(buf, e->tag, (uint32_t)val.len, val.data);
			continue;
		}
		if (val.len > 0x7FFFFFFF) {
			ret = STORE_E_TOOBIG;
			break;
		}
		uint64_t owner;
		ret = store_alloc_gc(txn, mbox, 1, &owner);
		if (ret == 0)
			ret = store_chunks_write(txn, mbox, owner, e->tag, val.data, val.len, 0);
		if (ret == 0)
			ret = blob_put_external(buf, e->tag, owner, val.len);
		if (ret == 0)
			e->pending_owner = owner;
	}
	talloc_free(val.data);
	return ret;
}

void store_pbag_settle(struct pbag *bag)
{
	struct store_buf val = {.mem_ctx = NULL};
	for (uint32_t i = 0; i < bag->count; i++) {
		struct pbag_entry *e = &bag->e[i];
		if (e->pending_owner == 0)
			continue;
		val.len = 0;
		if (store_propval_encode(&val, &e->val) == 0) {
			e->external = true;
			e->owner = e->pending_owner;
			e->ext_len = val.len;
		}
		e->pending_owner = 0;
	}
	talloc_free(val.data);
}

int store_blob_drop_chunks(MDB_txn *txn, struct store_mailbox *mbox, const uint8_t *blob,
                           size_t len)
{
	for (size_t ofs = 0; ofs < len;) {
		uint32_t t;
		const uint8_t *v;
		size_t vlen;
		bool ext;
		long next = blob_entry(blob, len, ofs, &t, &v, &vlen, &ext);
		if (next < 0)
			return (int)next;
		if (ext) {
			uint64_t owner, elen;
			ext_get(v, &owner, &elen);
			int ret = store_chunks_delete(txn, mbox, owner, t);
			if (ret < 0)
				return ret;
		}
		ofs = (size_t)next;
	}
	return 0;
}

int store_blob_copy_chunks(TALLOC_CTX *mem_ctx, MDB_txn *txn, struct store_mailbox *mbox,
                           const uint8_t *blob, size_t len, uint8_t **blob_r)
{
	uint8_t *copy = store_memdup(mem_ctx, blob, len);
	if (copy == NULL)
		return STORE_E_NOMEM;
	for (size_t ofs = 0; ofs < len;) {
		uint32_t t;
		const uint8_t *v;
		size_t vlen;
		bool ext;
		long next = blob_entry(copy, len, ofs, &t, &v, &vlen, &ext);
		if (next < 0)
			return (int)next;
		if (ext) {
			uint64_t owner, elen, new_owner;
			uint8_t *data;
			ext_get(v, &owner, &elen);
			int ret = store_chunks_read(NULL, txn, mbox, owner, t, elen, &data);
			if (ret == 0)
				ret = store_alloc_gc(txn, mbox, 1, &new_owner);
			if (ret == 0)
				ret = store_chunks_write(txn, mbox, new_owner, t, data, elen, 0);
			if (ret != STORE_E_NOMEM && ret != STORE_E_CORRUPT)
				talloc_free(data);
			if (ret < 0)
				return ret;
			memcpy(copy + (v - copy), &new_owner, 8);
		}
		ofs = (size_t)next;
	}
	*blob_r = copy;
	return 0;
}
