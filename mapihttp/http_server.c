#include "http_server_private.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

#define LISTEN_BACKLOG 1024
/* seconds stop waits for the requests the checks resumed to be answered */
#define STOP_SETTLE_WAIT 5
/* Modern TLS only: Outlook 2016+ speaks TLS 1.2 and 1.3. */
#define TLS_PRIORITIES "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"

__attribute__((format(printf, 2, 0))) static void mhd_logger(void *cls, const char *fmt, va_list ap)
{
	char buf[512];
	size_t len;

	vsnprintf(buf, sizeof(buf), fmt, ap);
	len = strlen(buf);
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		buf[--len] = '\0';
	log_warn("http", "mhd message=\"%s\"", buf);
}

static struct MHD_Daemon *start_listener(struct http_listener_ctx *lctx,
                                         const struct http_server_params *p)
{
	const struct http_config *cfg = p->cfg;
	const struct http_listen *l = lctx->listen;
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME;
	struct MHD_OptionItem opts[20];
	unsigned n = 0;

#define OPT(o, v, ptr) opts[n++] = (struct MHD_OptionItem){(o), (intptr_t)(v), (ptr)}
	OPT(MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)mhd_logger, NULL); /* first: MHD asks */
	OPT(MHD_OPTION_SOCK_ADDR, 0, (void *)&l->sa);
	if (cfg->threads > 1)
		OPT(MHD_OPTION_THREAD_POOL_SIZE, cfg->threads, NULL);
	OPT(MHD_OPTION_CONNECTION_LIMIT, cfg->connection_limit, NULL);
	OPT(MHD_OPTION_PER_IP_CONNECTION_LIMIT, cfg->per_ip_connection_limit, NULL);
	OPT(MHD_OPTION_CONNECTION_TIMEOUT, cfg->connection_timeout, NULL);
	OPT(MHD_OPTION_CONNECTION_MEMORY_LIMIT, cfg->connection_memory, NULL);
	OPT(MHD_OPTION_LISTEN_BACKLOG_SIZE, LISTEN_BACKLOG, NULL);
	OPT(MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)http_request_begin, lctx);
	OPT(MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)http_request_completed, lctx);
	OPT(MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)http_connection_notify, lctx);
	if (cfg->tls) {
		flags |= MHD_USE_TLS;
		OPT(MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)p->tls_cert_pem);
		OPT(MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)p->tls_key_pem);
		OPT(MHD_OPTION_HTTPS_PRIORITIES, 0, (void *)TLS_PRIORITIES);
	}
	OPT(MHD_OPTION_END, 0, NULL);
#undef OPT
	if (l->ipv6)
		flags |= MHD_USE_IPv6;
	flags |= MHD_USE_ERROR_LOG;
	/* Port 0: MHD takes the address from MHD_OPTION_SOCK_ADDR and reads the
	 * bound port back, so http_server_port() is right for ephemeral ports. */
	return MHD_start_daemon(flags, 0, NULL, NULL, http_request_access, lctx, MHD_OPTION_ARRAY,
	                        opts, MHD_OPTION_END);
}

int http_server_start(TALLOC_CTX *mem_ctx, const struct http_server_params *params,
                      struct http_server **server_r, const char **error_r)
{
	const struct http_config *cfg = params->cfg;
	struct http_server *s;

	if (cfg->tls && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
		*error_r = "libmicrohttpd was built without TLS support";
		return -1;
	}
	s = talloc_zero(mem_ctx, struct http_server);
	if (s == NULL) {
		*error_r = "out of memory";
		return -1;
	}
	s->cfg = cfg;
	s->routes = params->routes;
	s->route_count = params->route_count;
	s->auth = params->auth;
	s->app = params->app;
	s->listeners = talloc_zero_array(s, struct http_listener_ctx, cfg->listen_count);
	s->workers = http_workers_new(s, cfg->auth_workers > 0 ? cfg->auth_workers : cfg->threads);
	if (s->listeners == NULL || s->workers == NULL) {
		talloc_free(s);
		*error_r = "out of memory";
		return -1;
	}
	if (s->auth != NULL)
		http_auth_set_workers(s->auth, s->workers);
	for (unsigned i = 0; i < cfg->listen_count; i++) {
		struct http_listener_ctx *lctx = &s->listeners[i];

		lctx->server = s;
		lctx->listen = &cfg->listens[i];
		lctx->daemon = start_listener(lctx, params);
		if (lctx->daemon == NULL) {
			*error_r = talloc_asprintf(mem_ctx,
			                           "cannot listen on %s (address in use, not "
			                           "local, or bad TLS certificate/key)",
			                           cfg->listens[i].text);
			http_server_stop(&s);
			return -1;
		}
		s->listener_count++;
		log_info("http", "listening address=%s tls=%s loopback=%s threads=%u",
		         lctx->listen->text, cfg->tls ? "yes" : "no",
		         lctx->listen->loopback ? "yes" : "no", cfg->threads);
	}
	*server_r = s;
	return 0;
}

void http_server_quiesce(struct http_server *server)
{
	for (unsigned i = 0; i < server->listener_count; i++) {
		struct http_listener_ctx *lctx = &server->listeners[i];
		MHD_socket fd;

		if (lctx->quiesced)
			continue;
		fd = MHD_quiesce_daemon(lctx->daemon);
		if (fd != MHD_INVALID_SOCKET)
			close(fd);
		lctx->quiesced = true;
	}
}

unsigned http_server_port(struct http_server *server, unsigned i)
{
	const union MHD_DaemonInfo *info;

	if (i >= server->listener_count)
		return 0;
	info = MHD_get_daemon_info(server->listeners[i].daemon, MHD_DAEMON_INFO_BIND_PORT);
	return info != NULL ? info->port : 0;
}

unsigned http_server_inflight(struct http_server *server)
{
	return atomic_load(&server->inflight);
}

unsigned http_server_drain(struct http_server *server, unsigned timeout)
{
	struct timespec start, now;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		unsigned n = atomic_load(&server->inflight);

		clock_gettime(CLOCK_MONOTONIC, &now);
		if (n == 0 || now.tv_sec - start.tv_sec >= (time_t)timeout)
			return n;
		usleep(20 * 1000);
	}
}

/* Waits up to timeout seconds for no request to be suspended or in flight
 * (a resumed request is done once its answer has left); the number still
 * suspended. */
static unsigned wait_settled(struct http_server *s, unsigned timeout)
{
	struct timespec start, now;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		unsigned n = atomic_load(&s->suspended);

		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((n == 0 && atomic_load(&s->inflight) == 0) ||
		    now.tv_sec - start.tv_sec >= (time_t)timeout)
			return n;
		usleep(20 * 1000);
	}
}

int http_server_stop(struct http_server **server)
{
	struct http_server *s = *server;
	unsigned left;

	if (s == NULL)
		return 0;
	/* The password checks still queued run to their end first (the pool
	 * drains before its threads exit): each resumes the request it had
	 * suspended, which the daemons then answer.  Until then a check may
	 * use the directory, which the caller closes after this. */
	if (s->auth != NULL)
		http_auth_set_workers(s->auth, NULL);
	http_workers_free(&s->workers);
	left = wait_settled(s, STOP_SETTLE_WAIT);
	if (left > 0) {
		/* MHD_stop_daemon() with suspended connections is undefined. */
		log_error("http", "stop suspended=%u: leaving the daemons to process exit", left);
		*server = NULL;
		return -1;
	}
	for (unsigned i = 0; i < s->listener_count; i++)
		MHD_stop_daemon(s->listeners[i].daemon);
	talloc_free(s);
	*server = NULL;
	return 0;
}
