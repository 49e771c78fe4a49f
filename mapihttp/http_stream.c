/*
 * Streamed (chunked) response bodies, for MAPI/HTTP's PROCESSING / PENDING /
 * DONE framing ([MS-OXCMAPIHTTP] 2.2.7).  A producer on any thread appends
 * bytes; MHD's content reader sends what is there and, when nothing is,
 * suspends the connection until the next write, so a waiting stream costs
 * no thread and no busy loop.
 *
 * Up to three owners: the producer (until http_stream_finish()), the
 * request (until it completes) and MHD's response (until MHD frees it,
 * which may happen before the request's completion is reported).  The last
 * one out frees the stream.
 */
#include "http_server_private.h"

#include <string.h>

#define STREAM_BLOCK 4096

struct http_stream {
	pthread_mutex_t lock;
	struct MHD_Connection *conn;
	atomic_uint *server_suspended;
	uint8_t *buf;
	size_t pos, len, cap; /* unsent bytes are buf[pos..len) */
	size_t sent;
	unsigned refs;
	bool finished;  /* the producer has ended the body */
	bool abandoned; /* the server is done with the stream */
	bool suspended; /* the connection waits for a write */
};

static void stream_unref_locked(struct http_stream *st)
{
	bool last = --st->refs == 0;

	pthread_mutex_unlock(&st->lock);
	if (last) {
		pthread_mutex_destroy(&st->lock);
		talloc_free(st);
	}
}

struct http_stream *http_stream_new(struct MHD_Connection *conn, atomic_uint *suspended)
{
	struct http_stream *st = talloc_zero(NULL, struct http_stream);

	if (st == NULL)
		return NULL;
	pthread_mutex_init(&st->lock, NULL);
	st->conn = conn;
	st->server_suspended = suspended;
	st->refs = 2;
	return st;
}

/* Locked.  Wakes the connection if the reader is waiting. */
static void stream_wake(struct http_stream *st)
{
	if (st->suspended) {
		st->suspended = false;
		atomic_fetch_sub(st->server_suspended, 1);
		MHD_resume_connection(st->conn);
	}
}

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct http_stream *st = cls;
	ssize_t ret;

	pthread_mutex_lock(&st->lock);
	if (st->len > st->pos) {
		size_t n = st->len - st->pos < max ? st->len - st->pos : max;

		memcpy(buf, st->buf + st->pos, n);
		st->pos += n;
		st->sent += n;
		if (st->pos == st->len)
			st->pos = st->len = 0;
		ret = (ssize_t)n;
	} else if (st->finished) {
		ret = MHD_CONTENT_READER_END_OF_STREAM;
	} else if (st->abandoned) {
		ret = MHD_CONTENT_READER_END_WITH_ERROR;
	} else {
		/* Nothing yet: park the connection; the next write resumes it. */
		st->suspended = true;
		atomic_fetch_add(st->server_suspended, 1);
		MHD_suspend_connection(st->conn);
		ret = 0;
	}
	pthread_mutex_unlock(&st->lock);
	return ret;
}

static void stream_response_freed(void *cls)
{
	struct http_stream *st = cls;

	pthread_mutex_lock(&st->lock);
	st->abandoned = true;
	stream_unref_locked(st);
}

struct MHD_Response *http_stream_response(struct http_stream *st)
{
	struct MHD_Response *resp;

	resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, STREAM_BLOCK, stream_read, st,
	                                         stream_response_freed);
	if (resp != NULL) {
		pthread_mutex_lock(&st->lock);
		st->refs++;
		pthread_mutex_unlock(&st->lock);
	}
	return resp;
}

size_t http_stream_bytes(struct http_stream *st)
{
	size_t n;

	pthread_mutex_lock(&st->lock);
	n = st->sent;
	pthread_mutex_unlock(&st->lock);
	return n;
}

bool http_stream_finished(struct http_stream *st)
{
	bool finished;

	pthread_mutex_lock(&st->lock);
	finished = st->finished;
	pthread_mutex_unlock(&st->lock);
	return finished;
}

void http_stream_abandon(struct http_stream *st)
{
	pthread_mutex_lock(&st->lock);
	st->abandoned = true;
	stream_unref_locked(st);
}

int http_stream_write(struct http_stream *st, const void *data, size_t len)
{
	int ret = 0;

	pthread_mutex_lock(&st->lock);
	if (st->abandoned || st->finished) {
		ret = -1;
	} else if (len > 0) {
		if (st->cap - st->len < len) {
			size_t cap = st->cap > 0 ? st->cap : STREAM_BLOCK;
			uint8_t *n;

			while (cap - st->len < len)
				cap *= 2;
			n = talloc_realloc(st, st->buf, uint8_t, cap);
			if (n == NULL) {
				pthread_mutex_unlock(&st->lock);
				return -1;
			}
			st->buf = n;
			st->cap = cap;
		}
		memcpy(st->buf + st->len, data, len);
		st->len += len;
		stream_wake(st);
	}
	pthread_mutex_unlock(&st->lock);
	return ret;
}

void http_stream_finish(struct http_stream **stream)
{
	struct http_stream *st = *stream;

	if (st == NULL)
		return;
	*stream = NULL;
	pthread_mutex_lock(&st->lock);
	st->finished = true;
	if (!st->abandoned)
		stream_wake(st);
	stream_unref_locked(st);
}
