/*
 * load: an HTTP/1.1 keep-alive load generator on epoll, for benchmarking
 * mapihttpd on loopback.
 *
 *   load rate PORT CONNECTIONS SECONDS METHOD PATH AUTH BODYFILE
 *       keeps CONNECTIONS keep-alive connections busy for SECONDS, one
 *       request in flight on each; prints "requests: N", "rate: R req/s" and
 *       "errors: N" (non-2xx answers or dropped connections).
 *   load idle PORT CONNECTIONS
 *       opens CONNECTIONS connections, makes one GET /health on each, leaves
 *       them open and idle, prints "ready: N" and waits for stdin to close.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define RESP_MAX 65536

struct conn {
	int fd;
	size_t sent;
	size_t got;
	char buf[RESP_MAX];
};

static char *request;
static size_t request_len;
static unsigned long long done_count, errors;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static int connect_to(unsigned port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	if (fd < 0)
		return -1;
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

/* Returns the length of a complete response at the start of buf, 0 when
 * more is needed, -1 when malformed. */
static long response_complete(const char *buf, size_t len)
{
	const char *end = memmem(buf, len, "\r\n\r\n", 4), *cl;
	size_t head, body;

	if (end == NULL)
		return len >= RESP_MAX ? -1 : 0;
	head = (size_t)(end - buf) + 4;
	cl = memmem(buf, head, "Content-Length: ", 16);
	if (cl == NULL)
		return -1;
	body = strtoul(cl + 16, NULL, 10);
	if (head + body > RESP_MAX)
		return -1;
	return len >= head + body ? (long)(head + body) : 0;
}

static int conn_send(struct conn *c)
{
	while (c->sent < request_len) {
		ssize_t n = send(c->fd, request + c->sent, request_len - c->sent, MSG_NOSIGNAL);

		if (n < 0)
			return errno == EAGAIN ? 0 : -1;
		c->sent += (size_t)n;
	}
	return 0;
}

/* Reads what is there; on a complete response counts it and starts the
 * next request.  -1 when the connection is lost. */
static int conn_read(struct conn *c)
{
	for (;;) {
		ssize_t n = recv(c->fd, c->buf + c->got, RESP_MAX - c->got, 0);
		long len;

		if (n == 0)
			return -1;
		if (n < 0)
			return errno == EAGAIN ? 0 : -1;
		c->got += (size_t)n;
		len = response_complete(c->buf, c->got);
		if (len < 0)
			return -1;
		if (len == 0)
			continue;
		if (strncmp(c->buf, "HTTP/1.1 2", 10) != 0)
			errors++;
		done_count++;
		memmove(c->buf, c->buf + len, c->got - (size_t)len);
		c->got -= (size_t)len;
		c->sent = 0;
		return conn_send(c);
	}
}

static int build_request(const char *method, const char *path, const char *auth,
                         const char *body_file)
{
	char *body = NULL;
	size_t body_len = 0;
	FILE *f;

	if (strcmp(body_file, "-") != 0) {
		f = fopen(body_file, "rb");
		if (f == NULL)
			return -1;
		body = malloc(RESP_MAX);
		body_len = fread(body, 1, RESP_MAX, f);
		fclose(f);
	}
	request = malloc(RESP_MAX + 1024);
	request_len = (size_t)snprintf(request, 1024,
	                               "%s %s HTTP/1.1\r\nHost: localhost\r\nAuthorization: %s\r\n"
	                               "X-MapiHttpCapability: 1\r\nContent-Type: text/xml\r\n"
	                               "Content-Length: %zu\r\n\r\n",
	                               method, path, auth, body_len);
	if (body_len > 0)
		memcpy(request + request_len, body, body_len);
	request_len += body_len;
	free(body);
	return 0;
}

static int run_rate(unsigned port, unsigned nconn, double seconds)
{
	struct conn *conns = calloc(nconn, sizeof(*conns));
	struct epoll_event ev, events[256];
	int ep = epoll_create1(0);
	double start, end;

	for (unsigned i = 0; i < nconn; i++) {
		conns[i].fd = connect_to(port);
		if (conns[i].fd < 0) {
			fprintf(stderr, "connect failed\n");
			return 1;
		}
		fcntl(conns[i].fd, F_SETFL, O_NONBLOCK);
		ev.events = EPOLLIN;
		ev.data.ptr = &conns[i];
		epoll_ctl(ep, EPOLL_CTL_ADD, conns[i].fd, &ev);
		conn_send(&conns[i]);
	}
	start = now_s();
	end = start + seconds;
	while (now_s() < end) {
		int n = epoll_wait(ep, events, 256, 100);

		for (int i = 0; i < n; i++) {
			struct conn *c = events[i].data.ptr;

			if (conn_read(c) < 0) {
				fprintf(stderr, "connection lost\n");
				errors++;
				epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
			}
		}
	}
	printf("requests: %llu\nrate: %.0f req/s\nerrors: %llu\n", done_count,
	       (double)done_count / (now_s() - start), errors);
	return errors == 0 ? 0 : 1;
}

static int run_idle(unsigned port, unsigned nconn)
{
	static const char health[] = "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n";
	char buf[512];
	unsigned ok = 0;

	for (unsigned i = 0; i < nconn; i++) {
		int fd = connect_to(port);
		ssize_t n;

		if (fd < 0) {
			fprintf(stderr, "connect %u failed: %s\n", i, strerror(errno));
			break;
		}
		if (send(fd, health, sizeof(health) - 1, MSG_NOSIGNAL) < 0)
			break;
		n = recv(fd, buf, sizeof(buf) - 1, 0);
		if (n > 12 && strncmp(buf, "HTTP/1.1 200", 12) == 0)
			ok++;
	}
	printf("ready: %u\n", ok);
	fflush(stdout);
	while (read(0, buf, sizeof(buf)) > 0)
		;
	return ok == nconn ? 0 : 1;
}

int main(int argc, char **argv)
{
	raise_nofile();
	if (argc == 9 && strcmp(argv[1], "rate") == 0) {
		if (build_request(argv[5], argv[6], argv[7], argv[8]) < 0) {
			fprintf(stderr, "cannot read %s\n", argv[8]);
			return 2;
		}
		return run_rate((unsigned)atoi(argv[2]), (unsigned)atoi(argv[3]), atof(argv[4]));
	}
	if (argc == 4 && strcmp(argv[1], "idle") == 0)
		return run_idle((unsigned)atoi(argv[2]), (unsigned)atoi(argv[3]));
	fprintf(stderr, "usage: load rate PORT CONNS SECONDS METHOD PATH AUTH BODYFILE\n"
	                "       load idle PORT CONNS\n");
	return 2;
}
