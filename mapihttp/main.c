/*
 * mapihttpd: serves Autodiscover and MAPI over HTTP to Outlook.  Runs in the
 * foreground, logs to stderr, stops cleanly on SIGTERM or SIGINT: it stops
 * accepting, lets requests in flight finish (up to limits.shutdown_timeout),
 * then closes the directory.  Exit status: 0 after a clean stop, 1 when it
 * cannot start, 2 on a bad command line or configuration.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "http_auth.h"
#include "http_config.h"
#include "http_server.h"
#include "log.h"
#include "mapihttp_auth.h"
#include "mapihttp_routes.h"

#define PEM_MAX (1024 * 1024)

static void raise_nofile(void)
{
	struct rlimit rl;

	/* Thousands of idle keep-alive connections need as many descriptors. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			log_warn("mapihttpd", "setrlimit-nofile error=%s", strerror(errno));
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0)
		log_info("mapihttpd", "nofile limit=%llu", (unsigned long long)rl.rlim_cur);
}

static char *read_pem(TALLOC_CTX *mem_ctx, const char *path, const char **error_r)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t len;

	if (f == NULL) {
		*error_r = talloc_asprintf(mem_ctx, "%s: %s", path, strerror(errno));
		return NULL;
	}
	buf = talloc_size(mem_ctx, PEM_MAX + 1);
	len = buf != NULL ? fread(buf, 1, PEM_MAX + 1, f) : 0;
	fclose(f);
	if (buf == NULL || len == 0 || len > PEM_MAX || strstr(buf, "-----BEGIN") == NULL) {
		*error_r = talloc_asprintf(mem_ctx, "%s: not a PEM file", path);
		return NULL;
	}
	buf[len] = '\0';
	return buf;
}

/* http_password_verify_fn over the directory; the identity is the user's
 * primary address even when an alias was typed. */
static int verify_password(void *ctx, TALLOC_CTX *mem_ctx, const char *user, const char *password,
                           char **canonical_r, const char **error_r)
{
	struct mapihttpd *app = ctx;
	struct dir_user *u;
	int r;

	r = directory_verify_password(app->dir, user, password, error_r);
	if (r <= 0)
		return r;
	r = directory_user_by_address(app->dir, mem_ctx, user, &u, error_r);
	if (r <= 0)
		return r;
	*canonical_r = u->address;
	return 1;
}

/* http_password_stamp_fn over the directory. */
static int password_stamp(void *ctx, const char *user, uint64_t *stamp_r)
{
	struct mapihttpd *app = ctx;
	const char *error = NULL;
	int r = directory_password_stamp(app->dir, user, stamp_r, &error);

	if (r < 0)
		log_error("mapihttpd", "password-stamp error=\"%s\"", error);
	if (r == 0)
		*stamp_r = 0;
	return r;
}

static int wait_for_signal(void)
{
	sigset_t set;
	int sig = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	while (sigwait(&set, &sig) != 0)
		;
	return sig;
}

static int serve(TALLOC_CTX *root, const struct http_config *cfg)
{
	struct http_server_params params = {.cfg = cfg};
	struct mapihttpd app = {.cfg = cfg};
	struct http_server *server = NULL;
	const char *error = NULL;
	unsigned left;
	int sig;

	if (cfg->tls && ((params.tls_cert_pem = read_pem(root, cfg->tls_cert, &error)) == NULL ||
	                 (params.tls_key_pem = read_pem(root, cfg->tls_key, &error)) == NULL)) {
		log_error("mapihttpd", "tls error=\"%s\"", error);
		return 1;
	}
	if (directory_open(root, cfg->data_dir, &app.dir, &error) < 0) {
		log_error("mapihttpd", "directory-open dir=%s error=\"%s\"", cfg->data_dir, error);
		return 1;
	}
	if (mapi_endpoints_start(root, cfg, &app, &error) < 0) {
		log_error("mapihttpd", "mapi-start error=\"%s\"", error);
		directory_close(&app.dir);
		return 1;
	}
	app.ad.base_url = cfg->external_url;
	app.ad.hostname = cfg->hostname;
	params.app = &app;
	params.routes = mapihttp_routes(&params.route_count);
	params.auth = http_auth_new(root, cfg, verify_password, &app);
	if (params.auth != NULL)
		http_auth_set_password_stamp(params.auth, password_stamp);
	if (params.auth != NULL &&
	    mapihttp_auth_setup(root, cfg, app.dir, params.auth, &error) < 0) {
		log_error("mapihttpd", "auth-setup error=\"%s\"", error);
		directory_close(&app.dir);
		return 1;
	}
	if (params.auth == NULL || http_server_start(root, &params, &server, &error) < 0) {
		log_error("mapihttpd", "start error=\"%s\"",
		          error != NULL ? error : "out of memory");
		mapi_endpoints_stop(&app);
		directory_close(&app.dir);
		return 1;
	}
	log_info("mapihttpd", "started version=%s url=%s data_dir=%s", MAPIHTTPD_VERSION,
	         cfg->external_url, cfg->data_dir);

	sig = wait_for_signal();
	log_info("mapihttpd", "stopping signal=%s inflight=%u", sig == SIGINT ? "INT" : "TERM",
	         http_server_inflight(server));
	mapi_endpoints_shutdown(&app);
	http_server_quiesce(server);
	left = http_server_drain(server, cfg->shutdown_timeout);
	if (left > 0)
		log_warn("mapihttpd", "shutdown-timeout inflight=%u", left);
	if (http_server_stop(&server) < 0) {
		/* The daemons still hold requests whose handlers use the
		 * endpoints and the directory: those stay open until exit. */
		log_info("mapihttpd", "stopped, leaving requests still suspended to the exit");
		fflush(NULL);
		_exit(0);
	}
	mapi_endpoints_stop(&app);
	directory_close(&app.dir);
	log_info("mapihttpd", "stopped");
	return 0;
}

int main(int argc, char **argv)
{
	TALLOC_CTX *root = talloc_new(NULL);
	struct http_config *cfg = http_config_new(root);
	enum http_config_cli_result what;
	const char *error = NULL;
	sigset_t set;
	int ret;

	if (cfg == NULL)
		return 1;
	if (http_config_parse_args(cfg, argc, argv, &what, &error) < 0 ||
	    (what == HTTP_CONFIG_CLI_RUN && http_config_finish(cfg, &error) < 0)) {
		fprintf(stderr, "mapihttpd: %s\nTry 'mapihttpd --help'.\n", error);
		talloc_free(root);
		return 2;
	}
	if (what != HTTP_CONFIG_CLI_RUN) {
		fputs(what == HTTP_CONFIG_CLI_HELP ? http_config_usage()
		                                   : "mapihttpd " MAPIHTTPD_VERSION "\n",
		      stdout);
		talloc_free(root);
		return 0;
	}
	log_set_level(cfg->log_level);
	/* Signals go to sigwait() in this thread only: block them before any
	 * server thread exists, so every thread inherits the mask. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	raise_nofile();
	ret = serve(root, cfg);
	talloc_free(root);
	return ret;
}
