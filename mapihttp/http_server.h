/*
 * http_server: the HTTP(S) front end on libmicrohttpd.  One MHD daemon per
 * listen address, each in epoll mode with a thread pool (one thread per
 * core by default): thousands of idle keep-alive connections cost a socket
 * and a small buffer each, never a thread.  Deferred requests are suspended
 * (MHD_ALLOW_SUSPEND_RESUME) while they wait.
 *
 * Every request is logged once, when it completes, as
 *   http: request method=POST path=/mapi/emsmdb/ status=200 bytes=123 ms=4
 *         peer=192.0.2.1 user=a@x.test tls=yes
 * (the query is never logged: it may carry secrets).
 */
#ifndef HTTP_SERVER_H
#define HTTP_SERVER_H

#include <talloc.h>

#include "http_auth.h"
#include "http_config.h"
#include "http_route.h"

struct http_server;

struct http_server_params {
	const struct http_config *cfg;
	const struct http_route *routes;
	unsigned route_count;
	struct http_auth *auth;
	void *app; /* handed to handlers as req->app */
	/* PEM texts when cfg->tls; they must outlive the server. */
	const char *tls_cert_pem;
	const char *tls_key_pem;
};

/* Binds every listener and starts serving.  0, or -1 with *error_r
 * (allocated on mem_ctx) when a listener cannot start. */
int http_server_start(TALLOC_CTX *mem_ctx, const struct http_server_params *params,
                      struct http_server **server_r, const char **error_r);

/* Stops accepting connections on every listener; requests in flight and
 * open keep-alive connections go on. */
void http_server_quiesce(struct http_server *server);

/* Waits until no request is in flight, or timeout seconds.  Returns the
 * number still in flight. */
unsigned http_server_drain(struct http_server *server, unsigned timeout);

/* The port listener i is bound to (useful when configured as 0). */
unsigned http_server_port(struct http_server *server, unsigned i);

/* Requests currently in flight (from request line to completion). */
unsigned http_server_inflight(struct http_server *server);

/* Stops and frees the server; *server is set NULL.  The password checks
 * still queued finish first and their requests are answered.  0; or -1
 * when requests stayed suspended (a few seconds more): the daemons are
 * then left to the process exit, and with them whatever their handlers
 * use (the caller must not free it). */
int http_server_stop(struct http_server **server);

#endif
