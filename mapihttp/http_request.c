/* One request's life: begin, route, authenticate, read the body, handle,
 * answer (now, later or streamed), log, free. */
#include "http_server_private.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"

#define LOG_PATH_MAX 200
/* [MS-OXCMAPIHTTP] 2.2.3.3.3 X-ResponseCode values used by this layer. */
#define MAPI_RC_INVALID_VERB 2
#define MAPI_RC_TOO_LARGE    9

static int request_destructor(struct http_request_private *priv)
{
	pthread_mutex_destroy(&priv->lock);
	return 0;
}

static void peer_text(struct http_request *req, struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char buf[INET6_ADDRSTRLEN] = "unknown";

	if (ci != NULL && ci->client_addr != NULL) {
		struct sockaddr_storage ss;

		/* Copied: MHD's pointer is not aligned for sockaddr_in6. */
		memset(&ss, 0, sizeof(ss));
		memcpy(&ss, ci->client_addr,
		       ci->client_addr->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
		                                              : sizeof(struct sockaddr_in));
		if (ss.ss_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)&ss)->sin_addr, buf,
			          sizeof(buf));
		else if (ss.ss_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)&ss)->sin6_addr, buf,
			          sizeof(buf));
	}
	req->peer = talloc_strdup(req, buf);
}

static atomic_ullong connection_ids;

void http_connection_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
                            enum MHD_ConnectionNotificationCode toe)
{
	struct http_connection *c;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		c = talloc_zero(NULL, struct http_connection);
		if (c != NULL)
			c->id = atomic_fetch_add(&connection_ids, 1) + 1;
		*socket_context = c;
	} else {
		talloc_free(*socket_context);
		*socket_context = NULL;
	}
}

void *http_request_begin(void *cls, const char *uri, struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci;
	struct http_listener_ctx *lctx = cls;
	struct http_request *req = talloc_zero(NULL, struct http_request);

	if (req == NULL)
		return NULL;
	req->priv = talloc_zero(req, struct http_request_private);
	if (req->priv == NULL) {
		talloc_free(req);
		return NULL;
	}
	pthread_mutex_init(&req->priv->lock, NULL);
	req->priv->corked_fd = -1;
	talloc_set_destructor(req->priv, request_destructor);
	req->priv->server = lctx->server;
	req->priv->lctx = lctx;
	req->priv->conn = conn;
	req->priv->raw_uri = talloc_strdup(req, uri);
	clock_gettime(CLOCK_MONOTONIC, &req->priv->start);
	req->listener = lctx->listen;
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	req->connection = ci != NULL ? ci->socket_context : NULL;
	if (req->connection != NULL)
		req->connection->requests++;
	req->tls = lctx->server->cfg->tls;
	req->app = lctx->server->app;
	peer_text(req, conn);
	atomic_fetch_add(&lctx->server->inflight, 1);
	return req;
}

const char *http_request_header(struct http_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->priv->conn, MHD_HEADER_KIND, name);
}

int http_respond(struct http_request *req, unsigned status, const char *content_type,
                 const void *body, size_t body_len)
{
	struct http_request_private *p = req->priv;

	talloc_free(p->resp_body);
	talloc_free(p->content_type);
	p->resp_body = talloc_memdup(req, body_len > 0 ? body : "", body_len > 0 ? body_len : 1);
	p->content_type = content_type != NULL ? talloc_strdup(req, content_type) : NULL;
	if (p->resp_body == NULL || (content_type != NULL && p->content_type == NULL))
		return -1;
	p->resp_len = body_len;
	p->status = status;
	return 0;
}

int http_respond_text(struct http_request *req, unsigned status, const char *content_type,
                      const char *text)
{
	return http_respond(req, status, content_type, text, strlen(text));
}

int http_respond_header(struct http_request *req, const char *name, const char *value)
{
	struct http_request_private *p = req->priv;
	struct http_header *h;

	h = talloc_realloc(req, p->headers, struct http_header, p->header_count + 1);
	if (h == NULL)
		return -1;
	p->headers = h;
	h[p->header_count].name = talloc_strdup(h, name);
	h[p->header_count].value = talloc_strdup(h, value);
	if (h[p->header_count].name == NULL || h[p->header_count].value == NULL)
		return -1;
	p->header_count++;
	return 0;
}

struct http_stream *http_respond_stream(struct http_request *req, unsigned status,
                                        const char *content_type)
{
	struct http_request_private *p = req->priv;

	if (p->stream != NULL)
		return NULL;
	p->stream = http_stream_new(p->conn, &p->server->suspended);
	if (p->stream == NULL)
		return NULL;
	p->status = status;
	talloc_free(p->content_type);
	p->content_type = content_type != NULL ? talloc_strdup(req, content_type) : NULL;
	return p->stream;
}

/* A chunked response whose body is all there leaves as one segment:
 * MHD sends the headers, the chunk and the last chunk in three writes,
 * and with TCP_NODELAY each would be a packet waking the client.  The
 * cork is taken off when the request completes (everything written). */
static void cork(struct http_request *req, bool on)
{
	struct http_request_private *p = req->priv;
	const union MHD_ConnectionInfo *ci;
	int v = on ? 1 : 0;

	if (on) {
		ci = MHD_get_connection_info(p->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		if (ci == NULL ||
		    setsockopt(ci->connect_fd, IPPROTO_TCP, TCP_CORK, &v, sizeof(v)) != 0)
			return;
		p->corked_fd = ci->connect_fd;
	} else if (p->corked_fd >= 0) {
		setsockopt(p->corked_fd, IPPROTO_TCP, TCP_CORK, &v, sizeof(v));
		p->corked_fd = -1;
	}
}

/* Hands the response to MHD.  Returns MHD's verdict. */
static enum MHD_Result queue_response(struct http_request *req)
{
	struct http_request_private *p = req->priv;
	struct MHD_Response *resp;
	enum MHD_Result ret;

	if (p->status == 0) {
		log_error("http", "handler set no response route=%s",
		          req->route != NULL ? req->route->name : "-");
		http_respond_text(req, 500, "text/plain", "internal error\n");
	}
	if (p->stream != NULL && http_stream_finished(p->stream))
		cork(req, true);
	if (p->stream != NULL)
		resp = http_stream_response(p->stream);
	else
		resp = MHD_create_response_from_buffer(p->resp_len, p->resp_body,
		                                       MHD_RESPMEM_PERSISTENT);
	if (resp == NULL)
		return MHD_NO;
	if (p->content_type != NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, p->content_type);
	for (unsigned i = 0; i < p->header_count; i++)
		MHD_add_response_header(resp, p->headers[i].name, p->headers[i].value);
	p->state = REQ_QUEUED;
	ret = MHD_queue_response(p->conn, p->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* Refuses a request whose body may follow: the answer waits until the body
 * (within the size limit) has been read and dropped, because an answer
 * queued before the body makes MHD close the connection, and 401 must keep
 * it open for the client's next, authenticated, attempt. */
static enum MHD_Result refuse_after_body(struct http_request *req)
{
	req->priv->state = REQ_DISCARD;
	return MHD_YES;
}

/* An error answer from the front end itself.  MAPI/HTTP endpoints answer
 * HTTP 200 with X-ResponseCode ([MS-OXCMAPIHTTP] 2.2.3.3.3) where a code
 * exists for the failure. */
static enum MHD_Result respond_error_set(struct http_request *req, unsigned status,
                                         unsigned mapi_code, const char *reason)
{
	char code[16];

	req->priv->reason = reason;
	if (req->route != NULL && req->route->mapi_errors && mapi_code != 0) {
		snprintf(code, sizeof(code), "%u", mapi_code);
		if (http_respond_header(req, "X-ResponseCode", code) < 0)
			return MHD_NO;
		status = 200;
	}
	if (http_respond_text(req, status, "text/plain; charset=utf-8", reason) < 0)
		return MHD_NO;
	return MHD_YES;
}

/* Answers at once (the connection closes if a body was announced). */
static enum MHD_Result respond_error(struct http_request *req, unsigned status, unsigned mapi_code,
                                     const char *reason)
{
	if (respond_error_set(req, status, mapi_code, reason) != MHD_YES)
		return MHD_NO;
	return queue_response(req);
}

/* Answers after the body (keeps the connection). */
static enum MHD_Result respond_error_later(struct http_request *req, unsigned status,
                                           unsigned mapi_code, const char *reason)
{
	if (respond_error_set(req, status, mapi_code, reason) != MHD_YES)
		return MHD_NO;
	return refuse_after_body(req);
}

static enum MHD_Result respond_unauthorized(struct http_request *req, enum http_auth_result r)
{
	struct http_auth *auth = req->priv->server->auth;

	switch (r) {
	case HTTP_AUTH_NO_TRANSPORT:
		return respond_error_later(req, 403, 0,
		                           "authentication needs TLS on this listener");
	case HTTP_AUTH_INTERNAL:
		return respond_error_later(req, 500, 0, "internal error");
	case HTTP_AUTH_MALFORMED:
		return respond_error_later(req, 400, 0, "malformed authorization");
	case HTTP_AUTH_CONTINUE:
		/* the handshake's next challenge is the only WWW-Authenticate */
		req->priv->reason = "auth-continue";
		if (http_respond_text(req, 401, "text/plain; charset=utf-8", "unauthorized") < 0)
			return MHD_NO;
		return refuse_after_body(req);
	default:
		break;
	}
	req->priv->reason = "unauthenticated";
	if (http_auth_add_challenges(auth, req) < 0 ||
	    http_respond_text(req, 401, "text/plain; charset=utf-8", "unauthorized") < 0)
		return MHD_NO;
	return refuse_after_body(req);
}

/* On a worker thread: the password KDF, then wake the connection. */
static void auth_job(void *arg)
{
	struct http_request *req = arg;
	struct http_request_private *p = req->priv;

	struct http_server *server = p->server;
	struct MHD_Connection *conn = p->conn;

	p->auth_result = http_auth_complete(server->auth, req, p->auth_pending);
	p->auth_pending = NULL;
	pthread_mutex_lock(&p->lock);
	p->state = REQ_AUTH_DONE;
	pthread_mutex_unlock(&p->lock);
	/* Resume only after unlocking: once resumed, the server thread may
	 * finish and free the request, its lock included.  Until then the
	 * suspended connection keeps it alive. */
	atomic_fetch_sub(&server->suspended, 1);
	MHD_resume_connection(conn);
}

/* Suspends the connection while a worker checks the password, so that the
 * slow KDF never stalls the other connections of this event thread. */
static enum MHD_Result auth_defer(struct http_request *req, struct http_auth_pending *pending)
{
	struct http_request_private *p = req->priv;

	p->auth_pending = pending;
	pthread_mutex_lock(&p->lock);
	p->state = REQ_AUTH_WAIT;
	atomic_fetch_add(&p->server->suspended, 1);
	MHD_suspend_connection(p->conn);
	pthread_mutex_unlock(&p->lock);
	if (http_workers_submit(p->server->workers, auth_job, req) < 0)
		auth_job(req); /* no worker: check here rather than hang */
	return MHD_YES;
}

static enum MHD_Result count_framing(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
	unsigned *counts = cls;

	if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0)
		counts[0]++;
	else if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0)
		counts[1]++;
	return MHD_YES;
}

/* [RFC 9112] 6.3: a message with both Transfer-Encoding and Content-Length,
 * or several Content-Length or Transfer-Encoding fields, can be read two
 * ways by two parsers (request smuggling through a proxy): refuse it. */
static bool framing_ambiguous(struct http_request *req)
{
	unsigned counts[2] = {0, 0};

	MHD_get_connection_values(req->priv->conn, MHD_HEADER_KIND, count_framing, counts);
	return counts[0] > 1 || counts[1] > 1 || (counts[0] > 0 && counts[1] > 0);
}

/* First call: headers are in.  Route, check the declared body size and
 * authenticate before any of the body is read. */
static enum MHD_Result request_start(struct http_request *req, const char *method)
{
	struct http_server *s = req->priv->server;
	struct http_target *target;
	enum http_path_error perr;
	const char *clen, *rest = NULL;
	enum http_auth_result ares;

	req->method = talloc_strdup(req, method);
	if (req->method == NULL || req->priv->raw_uri == NULL || req->connection == NULL)
		return MHD_NO;
	perr = http_target_parse(req, req->priv->raw_uri, &target);
	if (perr != HTTP_PATH_OK)
		return respond_error(req, perr == HTTP_PATH_E_TOO_LONG ? 414 : 400, 0,
		                     http_path_strerror(perr));
	req->target = target;
	req->path = target->path;
	switch (http_route_lookup(s->routes, s->route_count, method, req->path, req->tls,
	                          &req->route, &rest)) {
	case HTTP_ROUTE_NOT_FOUND:
		return respond_error_later(req, 404, 0, "not found");
	case HTTP_ROUTE_BAD_METHOD:
		return respond_error_later(req, 405, MAPI_RC_INVALID_VERB, "method not allowed");
	case HTTP_ROUTE_FOUND:
		break;
	}
	req->path_rest = rest;
	if (framing_ambiguous(req))
		return respond_error(req, 400, 0, "ambiguous message framing");
	clen = http_request_header(req, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (clen != NULL && strtoull(clen, NULL, 10) > s->cfg->max_body_size)
		return respond_error(req, 413, MAPI_RC_TOO_LARGE, "request body too large");
	if (req->route->access == HTTP_ACCESS_AUTHENTICATED) {
		struct http_auth_pending *pending = NULL;

		ares = http_auth_check(s->auth, req,
		                       http_request_header(req, MHD_HTTP_HEADER_AUTHORIZATION),
		                       &pending);
		if (ares == HTTP_AUTH_PENDING)
			return auth_defer(req, pending);
		if (ares != HTTP_AUTH_OK)
			return respond_unauthorized(req, ares);
	}
	req->priv->state = REQ_BODY;
	return MHD_YES;
}

/* After the worker's verdict: go on to the body, or refuse. */
static enum MHD_Result auth_resumed(struct http_request *req)
{
	if (req->priv->auth_result != HTTP_AUTH_OK)
		return respond_unauthorized(req, req->priv->auth_result);
	req->priv->state = REQ_BODY;
	return MHD_YES;
}

static long elapsed_ms(const struct http_request *req)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - req->priv->start.tv_sec) * 1000 +
	       (now.tv_nsec - req->priv->start.tv_nsec) / 1000000;
}

/* Appends a body chunk.  MHD_NO closes the connection: too large (for
 * bodies without Content-Length) or too slow. */
static enum MHD_Result request_body(struct http_request *req, const char *data, size_t len)
{
	struct http_request_private *p = req->priv;
	const struct http_config *cfg = p->server->cfg;

	if (p->state == REQ_DISCARD) {
		if (cfg->max_body_size - p->discarded < len ||
		    elapsed_ms(req) / 1000 > (long)cfg->request_timeout)
			return MHD_NO;
		p->discarded += len;
		return MHD_YES;
	}
	if (cfg->max_body_size - p->body_len < len) {
		p->reason = "body too large";
		return MHD_NO;
	}
	if (elapsed_ms(req) / 1000 > (long)cfg->request_timeout) {
		p->reason = "body too slow";
		return MHD_NO;
	}
	if (p->body_cap - p->body_len < len + 1) {
		size_t cap = p->body_cap > 0 ? p->body_cap : 4096;
		uint8_t *n;

		while (cap - p->body_len < len + 1)
			cap *= 2;
		n = talloc_realloc(req, p->body, uint8_t, cap);
		if (n == NULL)
			return MHD_NO;
		p->body = n;
		p->body_cap = cap;
	}
	memcpy(p->body + p->body_len, data, len);
	p->body_len += len;
	p->body[p->body_len] = '\0';
	return MHD_YES;
}

static enum MHD_Result request_dispatch(struct http_request *req)
{
	struct http_request_private *p = req->priv;
	enum http_handler_result r;
	bool queue_now;

	req->body = p->body != NULL ? p->body : (const uint8_t *)"";
	req->body_len = p->body_len;
	p->state = REQ_HANDLING;
	r = req->route->handler(req);
	if (r == HTTP_HANDLED)
		return queue_response(req);
	/* Deferred: the resume may already have happened on another thread. */
	pthread_mutex_lock(&p->lock);
	queue_now = p->resume_pending;
	if (!queue_now) {
		p->state = REQ_DEFERRED;
		atomic_fetch_add(&p->server->suspended, 1);
		MHD_suspend_connection(p->conn);
	}
	pthread_mutex_unlock(&p->lock);
	return queue_now ? queue_response(req) : MHD_YES;
}

void http_request_resume(struct http_request *req)
{
	struct http_request_private *p = req->priv;
	struct http_server *server = p->server;
	struct MHD_Connection *conn = p->conn;
	bool resume = false;

	pthread_mutex_lock(&p->lock);
	if (p->state == REQ_DEFERRED) {
		p->state = REQ_RESUMED;
		resume = true;
	} else {
		p->resume_pending = true;
	}
	pthread_mutex_unlock(&p->lock);
	/* As in auth_job: the request may be freed as soon as it resumes. */
	if (resume) {
		atomic_fetch_sub(&server->suspended, 1);
		MHD_resume_connection(conn);
	}
}

enum MHD_Result http_request_access(void *cls, struct MHD_Connection *conn, const char *url,
                                    const char *method, const char *version,
                                    const char *upload_data, size_t *upload_data_size,
                                    void **con_cls)
{
	struct http_request *req = *con_cls;

	if (req == NULL)
		return MHD_NO; /* out of memory in http_request_begin() */
	switch (req->priv->state) {
	case REQ_NEW:
		return request_start(req, method);
	case REQ_BODY:
	case REQ_DISCARD:
		if (*upload_data_size > 0) {
			size_t len = *upload_data_size;

			*upload_data_size = 0;
			return request_body(req, upload_data, len);
		}
		if (req->priv->state == REQ_DISCARD)
			return queue_response(req);
		return request_dispatch(req);
	case REQ_RESUMED:
		return queue_response(req);
	case REQ_AUTH_DONE:
		/* MHD repeats the first call after a resume in the header phase;
		 * upload data cannot arrive before it. */
		if (auth_resumed(req) != MHD_YES)
			return MHD_NO;
		if (*upload_data_size > 0) {
			size_t len = *upload_data_size;

			*upload_data_size = 0;
			return request_body(req, upload_data, len);
		}
		return MHD_YES;
	case REQ_AUTH_WAIT:
	case REQ_HANDLING:
	case REQ_DEFERRED:
	case REQ_QUEUED:
		break;
	}
	*upload_data_size = 0;
	return MHD_YES;
}

static const char *termination_text(enum MHD_RequestTerminationCode toe)
{
	switch (toe) {
	case MHD_REQUEST_TERMINATED_COMPLETED_OK:
		return NULL;
	case MHD_REQUEST_TERMINATED_TIMEOUT_REACHED:
		return "timeout";
	case MHD_REQUEST_TERMINATED_DAEMON_SHUTDOWN:
		return "shutdown";
	case MHD_REQUEST_TERMINATED_CLIENT_ABORT:
	case MHD_REQUEST_TERMINATED_READ_ERROR:
		return "client-abort";
	case MHD_REQUEST_TERMINATED_WITH_ERROR:
		break;
	}
	return "error";
}

/* The loggable path: normalised when known, else the raw path without the
 * query, shortened. */
static void log_request(struct http_request *req, enum MHD_RequestTerminationCode toe)
{
	struct http_request_private *p = req->priv;
	const char *path = req->path, *end_reason = termination_text(toe);
	int path_len = LOG_PATH_MAX;
	size_t bytes = p->stream != NULL ? http_stream_bytes(p->stream) : p->resp_len;

	if (path == NULL && p->raw_uri != NULL) {
		path = p->raw_uri;
		path_len = (int)strcspn(path, "?");
		if (path_len > LOG_PATH_MAX)
			path_len = LOG_PATH_MAX;
	}
	log_info("http",
	         "request method=%s path=%.*s status=%u bytes=%zu ms=%ld peer=%s user=%s tls=%s "
	         "conn=%llu end=%s reason=\"%s\"",
	         req->method != NULL ? req->method : "-", path_len, path != NULL ? path : "-",
	         p->state == REQ_QUEUED ? p->status : 0, p->state == REQ_QUEUED ? bytes : 0,
	         elapsed_ms(req), req->peer != NULL ? req->peer : "-",
	         req->auth_user != NULL ? req->auth_user : "-", req->tls ? "yes" : "no",
	         req->connection != NULL ? (unsigned long long)req->connection->id : 0ULL,
	         end_reason != NULL ? end_reason : "ok", p->reason != NULL ? p->reason : "");
}

void http_request_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                            enum MHD_RequestTerminationCode toe)
{
	struct http_request *req = *con_cls;
	struct http_server *s;

	if (req == NULL)
		return;
	s = req->priv->server;
	cork(req, false);
	log_request(req, toe);
	if (req->priv->stream != NULL)
		http_stream_abandon(req->priv->stream);
	talloc_free(req);
	*con_cls = NULL;
	atomic_fetch_sub(&s->inflight, 1);
}
