/*
 * http_request: what a handler sees of one HTTP request, and how it answers.
 *
 * A request is handled in three steps, always in this order: the raw target
 * is normalised (http_path.h) and routed on the normalised path alone
 * (http_route.h); the route's authentication runs on the headers, before a
 * byte of the body is read (http_auth.h); only then is the body read (up to
 * the configured limit) and the handler called.
 *
 * Answering:
 *   - synchronously: call http_respond() (plus http_respond_header()) and
 *     return HTTP_HANDLED;
 *   - later (long waits): return HTTP_DEFERRED and,
 *     from any thread, call http_respond() and then http_request_resume()
 *     exactly once; the connection is suspended meanwhile and costs no
 *     thread.  Headers must be copied before returning HTTP_DEFERRED:
 *     http_request_header() is valid only during the handler call;
 *   - streamed (MAPI/HTTP PROCESSING/PENDING/DONE framing): http_respond_
 *     stream() returns a stream; write to it from any thread, then
 *     http_stream_finish().  The body is sent chunked as it is written.
 *
 * Memory: the request is a talloc context that lives until the server
 * reports the request complete; handlers may allocate on it.
 */
#ifndef HTTP_REQUEST_H
#define HTTP_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http_config.h"
#include "http_path.h"

struct http_request_private;

/* One TCP (or TLS) connection, alive from accept to close; several
 * keep-alive requests share it.  Connection-bound authentication (NTLM,
 * Negotiate) keeps its handshake state here. */
struct http_connection {
	uint64_t id;       /* unique in this process, for logs */
	unsigned requests; /* requests begun on this connection so far */
	void *auth_state;  /* owned by the authentication layer; a talloc child */
};
struct http_route;
struct http_stream;

struct http_request {
	const char *method;
	const char *path;                 /* normalised (http_path.h) */
	const char *path_rest;            /* segment routes: what follows the prefix */
	const struct http_target *target; /* query parameters */
	const uint8_t *body;              /* NUL-terminated for convenience */
	size_t body_len;
	const char *peer; /* "192.0.2.1" or "2001:db8::1" */
	bool tls;
	const struct http_listen *listener;
	struct http_connection *connection; /* a talloc context of its own */
	const char *auth_user;              /* canonical address; NULL when anonymous */
	enum http_auth_scheme auth_scheme;  /* valid when auth_user != NULL */
	const struct http_route *route;
	void *app; /* the server's application context */
	struct http_request_private *priv;
};

enum http_handler_result {
	HTTP_HANDLED = 0,
	HTTP_DEFERRED,
};

typedef enum http_handler_result http_handler_fn(struct http_request *req);

/* A request header's value (name without case), or NULL.  Valid only while
 * the handler runs on the server thread. */
const char *http_request_header(struct http_request *req, const char *name);

/* Sets the response: status, Content-Type (may be NULL for no body type)
 * and body (copied).  Replaces an earlier one.  0, or -1 out of memory. */
int http_respond(struct http_request *req, unsigned status, const char *content_type,
                 const void *body, size_t body_len);
/* Convenience for text bodies. */
int http_respond_text(struct http_request *req, unsigned status, const char *content_type,
                      const char *text);
/* Adds a response header (copied).  0 / -1. */
int http_respond_header(struct http_request *req, const char *name, const char *value);

/* Resumes a deferred request; its response must be set.  Any thread; once. */
void http_request_resume(struct http_request *req);

/* Starts a chunked response.  Returns the stream, owned jointly by the
 * caller and the server until http_stream_finish(), or NULL out of memory.
 * The handler returns HTTP_HANDLED. */
struct http_stream *http_respond_stream(struct http_request *req, unsigned status,
                                        const char *content_type);
/* Appends bytes (copied).  Any thread.  0, or -1 when the client has gone
 * (the producer should stop and finish). */
int http_stream_write(struct http_stream *stream, const void *data, size_t len);
/* Ends the body and releases the producer's reference; *stream is set NULL. */
void http_stream_finish(struct http_stream **stream);

#endif
