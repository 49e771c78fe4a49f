/* The HTTP core in-process, over real loopback sockets, with a test route
 * table: body limits, deferred and streamed answers, authentication before
 * the body, keep-alive after a 401, quiesce. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http_server.h"
#include "test.h"

static unsigned port;

static enum http_handler_result handle_echo(struct http_request *req)
{
	http_respond(req, 200, "application/octet-stream", req->body, req->body_len);
	return HTTP_HANDLED;
}

static enum http_handler_result handle_whoami(struct http_request *req)
{
	char *text = talloc_asprintf(req, "%s:%s", req->auth_user, (const char *)req->body);

	http_respond_text(req, 200, "text/plain", text);
	return HTTP_HANDLED;
}

static void *defer_thread(void *arg)
{
	struct http_request *req = arg;

	usleep(50 * 1000);
	http_respond_text(req, 200, "text/plain", "deferred answer");
	http_request_resume(req);
	return NULL;
}

static enum http_handler_result handle_defer(struct http_request *req)
{
	pthread_t t;

	pthread_create(&t, NULL, defer_thread, req);
	pthread_detach(t);
	return HTTP_DEFERRED;
}

static void *stream_thread(void *arg)
{
	struct http_stream *st = arg;

	http_stream_write(st, "PROCESSING\r\n", 12);
	usleep(30 * 1000);
	http_stream_write(st, "PENDING\r\n", 9);
	usleep(30 * 1000);
	http_stream_write(st, "DONE\r\n", 6);
	http_stream_finish(&st);
	return NULL;
}

static enum http_handler_result handle_stream(struct http_request *req)
{
	struct http_stream *st = http_respond_stream(req, 200, "application/mapi-http");
	pthread_t t;

	pthread_create(&t, NULL, stream_thread, st);
	pthread_detach(t);
	return HTTP_HANDLED;
}

static const struct http_route routes[] = {
    {"echo", "POST", "/echo", HTTP_MATCH_EXACT, false, HTTP_ACCESS_PUBLIC, false, false,
     handle_echo},
    {"whoami", "POST", "/whoami", HTTP_MATCH_EXACT, false, HTTP_ACCESS_AUTHENTICATED, false, false,
     handle_whoami},
    {"defer", "GET", "/defer", HTTP_MATCH_EXACT, false, HTTP_ACCESS_PUBLIC, false, false,
     handle_defer},
    {"stream", "GET", "/stream", HTTP_MATCH_EXACT, false, HTTP_ACCESS_PUBLIC, false, false,
     handle_stream},
    {"mapi", "POST", "/mapi", HTTP_MATCH_EXACT, false, HTTP_ACCESS_PUBLIC, false, true,
     handle_echo},
};

static int fake_verify(void *ctx, TALLOC_CTX *mem_ctx, const char *user, const char *password,
                       char **canonical_r, const char **error_r)
{
	(void)ctx;
	(void)error_r;
	if (strcmp(user, "a@x.test") != 0 || strcmp(password, "pw") != 0)
		return 0;
	*canonical_r = talloc_strdup(mem_ctx, user);
	return 1;
}

/* Sends raw bytes on a new connection and reads until the server closes
 * it (every exchange ends with "Connection: close"). */
static char *exchange(TALLOC_CTX *mem_ctx, const char *request, size_t len)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	char *out = talloc_strdup(mem_ctx, "");
	char buf[4096];
	ssize_t n;

	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return NULL;
	}
	for (size_t off = 0; off < len; off += (size_t)n) {
		n = send(fd, request + off, len - off, MSG_NOSIGNAL);
		if (n <= 0)
			break;
	}
	while ((n = recv(fd, buf, sizeof(buf) - 1, 0)) > 0) {
		buf[n] = '\0';
		out = talloc_strdup_append(out, buf);
	}
	close(fd);
	return out;
}

static char *exchange_str(TALLOC_CTX *mem_ctx, const char *request)
{
	return exchange(mem_ctx, request, strlen(request));
}

static void test_body_and_limits(TALLOC_CTX *tmp)
{
	char *r, *big;

	test_begin("request bodies and the size limit");
	r = exchange_str(tmp, "POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
	                      "Content-Length: 5\r\n\r\nhello");
	test_assert(r != NULL && strncmp(r, "HTTP/1.1 200", 12) == 0);
	test_assert(r != NULL && strstr(r, "\r\n\r\nhello") != NULL);
	r = exchange_str(tmp, "POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
	                      "Content-Length: 1025\r\n\r\n");
	test_assert(r != NULL && strncmp(r, "HTTP/1.1 413", 12) == 0);
	/* MAPI/HTTP routes answer 200 with X-ResponseCode 9 (Too Large) */
	r = exchange_str(tmp, "POST /mapi HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
	                      "Content-Length: 99999\r\n\r\n");
	test_assert(r != NULL && strncmp(r, "HTTP/1.1 200", 12) == 0);
	test_assert(r != NULL && strstr(r, "X-ResponseCode: 9\r\n") != NULL);
	/* chunked, over the limit: the connection is dropped, nothing answered */
	big = talloc_asprintf(tmp,
	                      "POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
	                      "Transfer-Encoding: chunked\r\n\r\n800\r\n%02048d\r\n0\r\n\r\n",
	                      0);
	r = exchange_str(tmp, big);
	test_assert(r != NULL && strstr(r, "HTTP/1.1 200") == NULL);
	test_end();
}

static void test_deferred_and_stream(TALLOC_CTX *tmp)
{
	char *r;
	const char *p1, *p2, *p3;

	test_begin("deferred and streamed answers");
	r = exchange_str(tmp, "GET /defer HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
	test_assert(r != NULL && strncmp(r, "HTTP/1.1 200", 12) == 0);
	test_assert(r != NULL && strstr(r, "deferred answer") != NULL);
	r = exchange_str(tmp, "GET /stream HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
	test_assert(r != NULL && strstr(r, "Transfer-Encoding: chunked") != NULL);
	p1 = r != NULL ? strstr(r, "PROCESSING") : NULL;
	p2 = r != NULL ? strstr(r, "PENDING") : NULL;
	p3 = r != NULL ? strstr(r, "DONE") : NULL;
	test_assert(p1 != NULL && p2 != NULL && p3 != NULL && p1 < p2 && p2 < p3);
	test_assert(r != NULL && strstr(r, "\r\n0\r\n\r\n") != NULL);
	test_end();
}

static void test_auth_before_body(TALLOC_CTX *tmp)
{
	char *r;

	test_begin("authentication before the body; keep-alive after 401");
	/* Two requests on one connection: the 401 must not close it. */
	r = exchange_str(tmp, "POST /whoami HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
	                      "POST /whoami HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
	                      "Authorization: Basic YUB4LnRlc3Q6cHc=\r\nContent-Length: 0\r\n\r\n");
	test_assert(r != NULL && strncmp(r, "HTTP/1.1 401", 12) == 0);
	test_assert(r != NULL &&
	            strstr(r, "WWW-Authenticate: Basic realm=\"test.example\"") != NULL);
	test_assert(r != NULL && strstr(r, "HTTP/1.1 200") != NULL);
	test_assert(r != NULL && strstr(r, "\r\n\r\na@x.test:") != NULL);
	/* The password check runs on a worker while the connection is
	 * suspended; the body must still arrive whole afterwards.  (Extra
	 * spaces make the credential miss the cache.) */
	r = exchange_str(tmp, "POST /whoami HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
	                      "Authorization: Basic  YUB4LnRlc3Q6cHc=\r\nContent-Length: 5\r\n\r\n"
	                      "hello");
	test_assert(r != NULL && strstr(r, "\r\n\r\na@x.test:hello") != NULL);
	r = exchange_str(tmp, "POST /whoami HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
	                      "Authorization: Basic   YUB4LnRlc3Q6cHc=\r\n"
	                      "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
	test_assert(r != NULL && strstr(r, "a@x.test:abcde") != NULL);
	r = exchange_str(tmp, "POST /whoami HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
	                      "Authorization: Basic YUB4LnRlc3Q6YmFk\r\nContent-Length: 0\r\n\r\n");
	test_assert(r != NULL && strncmp(r, "HTTP/1.1 401", 12) == 0);
	r = exchange_str(tmp, "GET /x/../echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
	test_assert(r != NULL && strncmp(r, "HTTP/1.1 400", 12) == 0);
	r = exchange_str(tmp, "POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
	                      "Content-Length: 1\r\nContent-Length: 2\r\n\r\nab");
	test_assert(r != NULL && strncmp(r, "HTTP/1.1 400", 12) == 0);
	r = exchange_str(tmp, "POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
	                      "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
	test_assert(r != NULL && strncmp(r, "HTTP/1.1 400", 12) == 0);
	r = exchange_str(tmp, "GET /nothing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
	test_assert(r != NULL && strncmp(r, "HTTP/1.1 404", 12) == 0);
	r = exchange_str(tmp, "GET /mapi HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
	test_assert(r != NULL && strstr(r, "X-ResponseCode: 2\r\n") != NULL);
	test_end();
}

int main(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct http_config *cfg = http_config_new(tmp);
	struct http_server_params params = {.cfg = cfg, .routes = routes};
	struct http_server *server = NULL;
	const char *error = NULL;
	const char *const args[] = {"t",           "--no-tls",   "--listen",
	                            "127.0.0.1:1", "--hostname", "test.example",
	                            "--log-level", "error",      NULL};
	enum http_config_cli_result what;

	if (http_config_parse_args(cfg, 8, (char **)args, &what, &error) < 0 ||
	    http_config_finish(cfg, &error) < 0) {
		fprintf(stderr, "config: %s\n", error);
		return 1;
	}
	log_set_level(cfg->log_level);
	cfg->max_body_size = 1024;
	cfg->threads = 2;
	((struct sockaddr_in *)&cfg->listens[0].sa)->sin_port = 0; /* any free port */
	params.route_count = sizeof(routes) / sizeof(routes[0]);
	params.auth = http_auth_new(tmp, cfg, fake_verify, NULL);
	if (http_server_start(tmp, &params, &server, &error) < 0) {
		fprintf(stderr, "start: %s\n", error);
		return 1;
	}
	port = http_server_port(server, 0);
	test_begin("server bound");
	test_assert(port > 0);
	test_end();

	test_body_and_limits(tmp);
	test_deferred_and_stream(tmp);
	test_auth_before_body(tmp);

	test_begin("drain and quiesce");
	test_assert_int(http_server_drain(server, 5), 0);
	http_server_quiesce(server);
	test_assert(exchange_str(tmp, "GET /defer HTTP/1.1\r\nHost: x\r\n\r\n") == NULL);
	test_end();
	http_server_stop(&server);
	talloc_free(tmp);
	return test_exit();
}
