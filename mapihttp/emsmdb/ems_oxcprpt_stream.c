/*
 * Stream ROPs ([MS-OXCPRPT] 3.2.5.13 - 3.2.5.21): a Stream object holds a
 * property's bytes (PtypString as UTF-16LE, PtypString8 and PtypBinary as
 * they are) and writes them back to its parent object on RopCommitStream
 * or when it is released after changes.  On a message or attachment the
 * value joins the instance and is stored when the message is saved, as
 * [MS-OXCMSG] 3.2.5.3 says for every change to a message.
 */
#include <string.h>

#include "ems_private.h"

/* The largest stream this server holds (Exchange's own default maximum
 * message size is of this order). */
#define EMS_STREAM_MAX (64u * 1024 * 1024)
/* and all the streams of one session together */
#define EMS_SESSION_STREAMS_MAX (256ull * 1024 * 1024)

struct ems_stream {
	struct ems_object *parent;
	uint32_t proptag;
	bool writable;
	bool dirty;
	uint8_t *data;
	size_t len;
	uint64_t pos;
	size_t charged; /* bytes counted in the session's stream_bytes */
};

/* Counts a stream's buffer growing to size against the session's budget. */
static bool charge(struct ems_stream *st, size_t size)
{
	struct ems_session *s = st->parent->session;

	if (size <= st->charged)
		return true;
	if (s->stream_bytes + (size - st->charged) > EMS_SESSION_STREAMS_MAX)
		return false;
	s->stream_bytes += size - st->charged;
	st->charged = size;
	return true;
}

static int stream_destructor(struct ems_stream *st)
{
	st->parent->session->stream_bytes -= st->charged;
	return 0;
}

/* [MS-OXCPRPT] 2.2.14.1 OpenModeFlags */
#define STREAM_READ_ONLY   0x00
#define STREAM_READ_WRITE  0x01
#define STREAM_CREATE      0x02
#define STREAM_BEST_ACCESS 0x03

static bool parent_writable(struct ems_object *p)
{
	if (p->type == EMS_OBJ_MESSAGE)
		return p->u.message.read_write;
	if (p->type == EMS_OBJ_ATTACH)
		return p->u.attach.message->u.message.read_write;
	return true;
}

/* The current value of the property as stream bytes. */
static uint32_t load(struct ems_rop_ctx *c, struct ems_stream *st, bool *found_r)
{
	struct mapi_proptag_array ta = {1, &st->proptag};
	struct mapi_propval_array vals;
	const struct mapi_propval *v;
	uint32_t ec = ems_props_get(c->mem, st->parent, &ta, true, &vals);

	*found_r = false;
	if (ec != 0)
		return ec;
	v = &vals.vals[0];
	if (PROP_TYPE(v->tag) == PT_ERROR)
		return 0;
	*found_r = true;
	if (PROP_TYPE(v->tag) == PT_BINARY) {
		/* the bytes and a NUL after them, as for the string types */
		st->len = v->v.bin.len;
		st->data = talloc_zero_size(st, (size_t)st->len + 1);
		if (st->data != NULL && st->len > 0)
			memcpy(st->data, v->v.bin.data, st->len);
	} else if (PROP_TYPE(v->tag) == PT_STRING8) {
		st->len = strlen(v->v.str);
		st->data = talloc_memdup(st, v->v.str, st->len + 1);
	} else {
		struct rop_push p;
		rop_push_init_growable(&p, st);
		if (rop_push_utf16n(&p, v->v.str) != ROP_OK)
			return EC_GeneralFailure;
		st->len = p.ofs;
		st->data = p.data;
	}
	if (st->data == NULL && st->len > 0)
		return EC_OutOfMemory;
	return charge(st, st->len) ? 0 : EC_StreamSizeError;
}

/* [MS-OXCPRPT] 3.2.5.13 */
uint32_t ems_rop_open_stream(struct ems_rop_ctx *c, const struct rop_request *req,
                             struct rop_response *resp)
{
	const struct rop_open_stream_req *q = &req->u.open_stream;
	uint16_t type = PROP_TYPE(q->proptag);
	struct ems_object *obj;
	struct ems_stream *st;
	bool found = false;
	uint32_t ec;

	if (type != PT_BINARY && type != PT_STRING8 && type != PT_UNICODE)
		return EC_NotSupported;
	if (q->open_mode_flags > STREAM_BEST_ACCESS)
		return EC_InvalidParameter;
	if (q->open_mode_flags != STREAM_READ_ONLY && q->open_mode_flags != STREAM_BEST_ACCESS &&
	    !parent_writable(c->in))
		return EC_AccessDenied;
	obj = ems_object_new(c->s, c->in, EMS_OBJ_STREAM, c->logon, &ec);
	if (obj == NULL)
		return ec;
	st = talloc_zero(obj, struct ems_stream);
	if (st == NULL) {
		ems_object_release(obj);
		return EC_OutOfMemory;
	}
	obj->u.stream = st;
	st->parent = c->in;
	talloc_set_destructor(st, stream_destructor);
	st->proptag = q->proptag;
	st->writable = q->open_mode_flags != STREAM_READ_ONLY && parent_writable(c->in);
	if (q->open_mode_flags != STREAM_CREATE) {
		ec = load(c, st, &found);
		/* [MS-OXCPRPT] 3.2.5.13: a missing property opened for reading
		 * is ecNotFound; for writing it starts empty */
		if (ec == 0 && !found && q->open_mode_flags == STREAM_READ_ONLY)
			ec = EC_NotFound;
		if (ec != 0) {
			ems_object_release(obj);
			return ec;
		}
	}
	if (st->len > UINT32_MAX) {
		ems_object_release(obj);
		return EC_StreamSizeError;
	}
	resp->u.open_stream.stream_size = (uint32_t)st->len;
	c->out = obj;
	return 0;
}

static struct ems_stream *stream_of(struct ems_rop_ctx *c)
{
	return c->in->u.stream;
}

/* [MS-OXCPRPT] 3.2.5.14: ByteCount 0xBABE defers to MaximumByteCount; the
 * answer is bounded by the room left in the response. */
uint32_t ems_rop_read_stream(struct ems_rop_ctx *c, const struct rop_request *req,
                             struct rop_response *resp)
{
	const struct rop_read_stream_req *q = &req->u.read_stream;
	struct ems_stream *st = stream_of(c);
	size_t want = q->byte_count == 0xBABE ? q->maximum_byte_count : q->byte_count;
	size_t room = c->space > 16 ? c->space - 16 : 0;
	size_t left = st->pos < st->len ? st->len - (size_t)st->pos : 0;
	size_t n = want;

	if (n > room)
		n = room;
	if (n > 0xFFFF)
		n = 0xFFFF;
	if (n > left)
		n = left;
	resp->u.read_stream.data.len = (uint32_t)n;
	resp->u.read_stream.data.data = n > 0 ? st->data + st->pos : NULL;
	st->pos += n;
	return 0;
}

static uint32_t write_at(struct ems_stream *st, const uint8_t *data, size_t n)
{
	if (!st->writable)
		return EC_StorageAccessDenied;
	if (st->pos > EMS_STREAM_MAX || n > EMS_STREAM_MAX - st->pos)
		return EC_StreamSizeError;
	if (st->pos + n > st->len) {
		if (!charge(st, (size_t)st->pos + n))
			return EC_StreamSizeError;
		uint8_t *grown = talloc_realloc(st, st->data, uint8_t, (size_t)st->pos + n + 1);
		if (grown == NULL)
			return EC_OutOfMemory;
		if (st->pos > st->len)
			memset(grown + st->len, 0, (size_t)st->pos - st->len);
		st->data = grown;
		st->len = (size_t)st->pos + n;
	}
	if (n > 0)
		memcpy(st->data + st->pos, data, n);
	st->pos += n;
	st->dirty = true;
	return 0;
}

/* [MS-OXCPRPT] 3.2.5.15 */
uint32_t ems_rop_write_stream(struct ems_rop_ctx *c, const struct rop_request *req,
                              struct rop_response *resp)
{
	const struct mapi_binary *d = &req->u.write_stream.data;
	uint32_t ec = write_at(stream_of(c), d->data, d->len);

	resp->u.write_stream.written_size = ec == 0 ? (uint16_t)d->len : 0;
	return ec;
}

/* Writes the stream back as its property. */
static uint32_t commit(TALLOC_CTX *mem, struct ems_stream *st)
{
	struct mapi_propval v = {.tag = st->proptag};
	struct mapi_propval_array vals = {1, &v};
	struct rop_property_problem_array problems;
	uint32_t ec;

	if (!st->dirty)
		return 0;
	if (PROP_TYPE(st->proptag) == PT_BINARY) {
		v.v.bin.len = (uint32_t)st->len;
		v.v.bin.data = st->data;
	} else if (PROP_TYPE(st->proptag) == PT_STRING8) {
		v.v.str = talloc_strndup(mem, (const char *)st->data, st->len);
	} else {
		struct rop_pull p;
		rop_pull_init(&p, mem, st->data, st->len & ~(size_t)1);
		/* a trailing NUL written by the client ends the C string */
		if (rop_pull_utf16n(&p, st->len & ~(size_t)1, &v.v.str) != ROP_OK)
			return EC_InvalidParameter;
	}
	if (PROP_TYPE(st->proptag) != PT_BINARY && v.v.str == NULL)
		return EC_OutOfMemory;
	ec = ems_props_set(mem, st->parent, &vals, &problems);
	if (ec == 0 && problems.count > 0)
		ec = problems.problems[0].err;
	if (ec == 0)
		st->dirty = false;
	return ec;
}

/* [MS-OXCPRPT] 3.2.5.16 */
uint32_t ems_rop_commit_stream(struct ems_rop_ctx *c, const struct rop_request *req,
                               struct rop_response *resp)
{
	struct ems_stream *st = stream_of(c);

	if (!st->writable)
		return EC_StorageAccessDenied;
	return commit(c->mem, st);
}

void ems_stream_release(struct ems_object *obj)
{
	TALLOC_CTX *tmp = talloc_new(NULL);

	/* changes not committed are committed when the stream goes */
	if (tmp != NULL && obj->u.stream->writable)
		commit(tmp, obj->u.stream);
	talloc_free(tmp);
}

/* [MS-OXCPRPT] 3.2.5.17 */
uint32_t ems_rop_get_stream_size(struct ems_rop_ctx *c, const struct rop_request *req,
                                 struct rop_response *resp)
{
	resp->u.get_stream_size.stream_size = (uint32_t)stream_of(c)->len;
	return 0;
}

/* [MS-OXCPRPT] 3.2.5.18 */
uint32_t ems_rop_set_stream_size(struct ems_rop_ctx *c, const struct rop_request *req,
                                 struct rop_response *resp)
{
	struct ems_stream *st = stream_of(c);
	uint64_t size = req->u.set_stream_size.stream_size;

	if (!st->writable)
		return EC_StorageAccessDenied;
	if (size > EMS_STREAM_MAX)
		return EC_StreamSizeError;
	if (size > st->len) {
		/* grows with zeros: a write of nothing at the new end */
		uint64_t pos = st->pos;
		uint32_t ec;
		st->pos = size;
		ec = write_at(st, NULL, 0);
		st->pos = pos;
		if (ec != 0)
			return ec;
	}
	st->len = (size_t)size;
	st->dirty = true;
	return 0;
}

/* [MS-OXCPRPT] 3.2.5.19: Origin 0 beginning, 1 current, 2 end; a position
 * before the start or past the maximum is STG_E_INVALIDFUNCTION. */
uint32_t ems_rop_seek_stream(struct ems_rop_ctx *c, const struct rop_request *req,
                             struct rop_response *resp)
{
	const struct rop_seek_stream_req *q = &req->u.seek_stream;
	struct ems_stream *st = stream_of(c);
	int64_t base, off = (int64_t)q->offset, pos;

	switch (q->origin) {
	case 0:
		base = 0;
		break;
	case 1:
		base = (int64_t)st->pos;
		break;
	case 2:
		base = (int64_t)st->len;
		break;
	default:
		return EC_StorageInvalidParameter;
	}
	if ((off < 0 && base + off < 0) || (off > 0 && off > (int64_t)EMS_STREAM_MAX - base))
		return EC_StorageInvalidFunction;
	pos = base + off;
	st->pos = (uint64_t)pos;
	resp->u.seek_stream.new_position = st->pos;
	return 0;
}

/* [MS-OXCPRPT] 3.2.5.20: RopWriteStream then RopCommitStream. */
uint32_t ems_rop_write_and_commit_stream(struct ems_rop_ctx *c, const struct rop_request *req,
                                         struct rop_response *resp)
{
	const struct mapi_binary *d = &req->u.write_and_commit_stream.data;
	struct ems_stream *st = stream_of(c);
	uint32_t ec = write_at(st, d->data, d->len);

	resp->u.write_and_commit_stream.written_size = ec == 0 ? (uint16_t)d->len : 0;
	return ec == 0 ? commit(c->mem, st) : ec;
}

/* [MS-OXCPRPT] 3.2.5.16: RopWriteStream with a 32-bit WrittenSize (the
 * packed extended buffers it allows are not accepted, see README). */
uint32_t ems_rop_write_stream_extended(struct ems_rop_ctx *c, const struct rop_request *req,
                                       struct rop_response *resp)
{
	const struct mapi_binary *d = &req->u.write_stream_extended.data;
	uint32_t ec = write_at(stream_of(c), d->data, d->len);

	resp->u.write_stream_extended.written_size = ec == 0 ? d->len : 0;
	return ec;
}

/* [MS-OXCPRPT] 3.2.5.22: ByteCount bytes from the source stream's position
 * to the destination's; a null destination answers ecDstNullObject. */
uint32_t ems_rop_copy_to_stream(struct ems_rop_ctx *c, const struct rop_request *req,
                                struct rop_response *resp)
{
	struct rop_copy_to_stream_resp *r = &resp->u.copy_to_stream;
	struct ems_stream *src = stream_of(c);
	uint64_t n = req->u.copy_to_stream.byte_count;
	uint64_t left = src->pos < src->len ? src->len - src->pos : 0;
	uint32_t ec;

	r->read_byte_count = 0;
	r->written_byte_count = 0;
	if (c->dest == NULL) {
		r->dest_handle_index = req->dest_handle;
		return EC_NullDestinationObject;
	}
	if (n > left)
		n = left;
	ec = write_at(c->dest->u.stream, src->data + src->pos, (size_t)n);
	if (ec != 0)
		return ec;
	src->pos += n;
	r->read_byte_count = n;
	r->written_byte_count = n;
	return 0;
}
