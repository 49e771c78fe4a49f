/* Shared between http_server.c (daemons) and http_request.c (requests). */
#ifndef HTTP_SERVER_PRIVATE_H
#define HTTP_SERVER_PRIVATE_H

#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "http_server.h"
#include "http_workers.h"

struct http_listener_ctx {
	struct http_server *server;
	const struct http_listen *listen;
	struct MHD_Daemon *daemon;
	bool quiesced;
};

struct http_server {
	const struct http_config *cfg;
	const struct http_route *routes;
	unsigned route_count;
	struct http_auth *auth;
	void *app;
	struct http_workers *workers; /* password checks off the event threads */
	struct http_listener_ctx *listeners;
	unsigned listener_count;
	atomic_uint inflight;
	atomic_uint suspended;
};

enum http_req_state {
	REQ_NEW = 0,   /* request line seen, headers not yet looked at */
	REQ_AUTH_WAIT, /* suspended while a worker checks the password */
	REQ_AUTH_DONE, /* resumed; auth_result holds the verdict */
	REQ_BODY,      /* authenticated, reading the body */
	REQ_DISCARD,   /* refused; dropping the body so the connection stays open */
	REQ_HANDLING,  /* in the handler */
	REQ_DEFERRED,  /* suspended until http_request_resume() */
	REQ_RESUMED,   /* resumed; the response is to be queued */
	REQ_QUEUED,    /* the response is queued */
};

struct http_header {
	char *name;
	char *value;
};

struct http_request_private {
	struct http_server *server;
	struct http_listener_ctx *lctx;
	struct MHD_Connection *conn;
	char *raw_uri;
	struct timespec start;
	pthread_mutex_t lock; /* state, resume_pending */
	enum http_req_state state;
	bool resume_pending;
	const char *reason; /* why a request was refused, for the log */
	struct http_auth_pending *auth_pending;
	enum http_auth_result auth_result;

	uint8_t *body;
	size_t body_len, body_cap;
	size_t discarded; /* REQ_DISCARD: body bytes dropped */

	unsigned status;
	char *content_type;
	void *resp_body;
	size_t resp_len;
	struct http_header *headers;
	unsigned header_count;
	struct http_stream *stream;
	int corked_fd; /* TCP_CORK set on it until the request completes, or -1 */
};

/* MHD callbacks (http_request.c). */
void *http_request_begin(void *cls, const char *uri, struct MHD_Connection *conn);
enum MHD_Result http_request_access(void *cls, struct MHD_Connection *conn, const char *url,
                                    const char *method, const char *version,
                                    const char *upload_data, size_t *upload_data_size,
                                    void **con_cls);
void http_connection_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
                            enum MHD_ConnectionNotificationCode toe);
void http_request_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                            enum MHD_RequestTerminationCode toe);

/* Response body streams (http_stream.c). */
struct MHD_Response *http_stream_response(struct http_stream *stream);
size_t http_stream_bytes(struct http_stream *stream);
/* Whether the producer has ended the body (all of it is written). */
bool http_stream_finished(struct http_stream *stream);
void http_stream_abandon(struct http_stream *stream);
struct http_stream *http_stream_new(struct MHD_Connection *conn, atomic_uint *suspended);

#endif
