#include "mh_testclient.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "directory.h"
#include "mapi_guid.h"

char *mht_tempdir(TALLOC_CTX *mem_ctx)
{
	/* tmpfs when there is one: provisioning thousands of users commits
	 * thousands of LMDB transactions, each with an fsync. */
	char tmpl[64];

	snprintf(tmpl, sizeof(tmpl), "%s/mht-XXXXXX",
	         access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	if (mkdtemp(tmpl) == NULL)
		return NULL;
	return talloc_strdup(mem_ctx, tmpl);
}

static int run_wait(char *const *argv, const char *out_path)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open(out_path != NULL ? out_path : "/dev/null",
		              O_WRONLY | O_CREAT | O_APPEND, 0600);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int mht_admin(const char *mapiadmin, const char *data_dir, const char *const *args)
{
	char *argv[32];
	unsigned n = 0;

	argv[n++] = (char *)mapiadmin;
	argv[n++] = (char *)"--data-dir";
	argv[n++] = (char *)data_dir;
	for (; *args != NULL && n < 31; args++)
		argv[n++] = (char *)*args;
	argv[n] = NULL;
	return run_wait(argv, NULL);
}

int mht_provision(TALLOC_CTX *mem_ctx, const char *mapiadmin, const char *data_dir,
                  struct mht_user *users, unsigned count)
{
	const char *domain = count > 0 ? strchr(users[0].address, '@') : NULL;
	const char *dom[] = {"domain", "add", domain != NULL ? domain + 1 : "", NULL};
	char guid[MAPI_GUID_TEXT_SIZE];
	struct directory *dir = NULL;
	const char *error = NULL;
	struct dir_user *u;
	int ret = -1;

	if (domain == NULL || mht_admin(mapiadmin, data_dir, dom) != 0)
		return -1;
	for (unsigned i = 0; i < count; i++) {
		const char *add[] = {"user",        "add",        users[i].address,  "--name",
		                     users[i].name, "--password", users[i].password, NULL};

		if (mht_admin(mapiadmin, data_dir, add) != 0)
			return -1;
	}
	if (directory_open(mem_ctx, data_dir, &dir, &error) < 0)
		return -1;
	for (unsigned i = 0; i < count; i++) {
		if (directory_user_by_address(dir, mem_ctx, users[i].address, &u, &error) != 1)
			goto out;
		mapi_guid_format(&u->mailbox_guid, guid);
		users[i].legacy_dn = talloc_strdup(mem_ctx, u->legacy_dn);
		users[i].mailbox_id = talloc_asprintf(mem_ctx, "%s@%s", guid, u->domain);
		talloc_free(u);
		if (users[i].legacy_dn == NULL || users[i].mailbox_id == NULL)
			goto out;
	}
	ret = 0;
out:
	directory_close(&dir);
	return ret;
}

void mht_cleanup(const char *data_dir, const struct mht_daemon *d, bool failed)
{
	char *argv[] = {(char *)"/bin/rm", (char *)"-rf", (char *)data_dir, NULL};

	if (failed) {
		fprintf(stderr, "daemon log kept in %s\n", d->log_path);
		return;
	}
	if (run_wait(argv, NULL) != 0)
		fprintf(stderr, "could not remove %s\n", data_dir);
}

static unsigned free_port(void)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	unsigned port = 0;

	if (fd < 0)
		return 0;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
		port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

static int connect_port(unsigned port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET,
	                         .sin_port = htons((uint16_t)port),
	                         .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int mht_daemon_start(TALLOC_CTX *mem_ctx, const char *mapihttpd, const char *data_dir,
                     const char *config_text, struct mht_daemon *d)
{
	char *conf = talloc_asprintf(mem_ctx, "%s/test.conf", data_dir);
	char *listen;
	FILE *f;

	memset(d, 0, sizeof(*d));
	d->port = free_port();
	d->data_dir = talloc_strdup(mem_ctx, data_dir);
	d->log_path = talloc_asprintf(mem_ctx, "%s/daemon.log", data_dir);
	listen = talloc_asprintf(mem_ctx, "127.0.0.1:%u", d->port);
	f = fopen(conf, "w");
	if (f == NULL || d->port == 0)
		return -1;
	fputs(config_text != NULL ? config_text : "", f);
	fclose(f);
	d->pid = fork();
	if (d->pid < 0)
		return -1;
	if (d->pid == 0) {
		int fd = open(d->log_path, O_WRONLY | O_CREAT | O_APPEND, 0600);

		/* A test that dies (assertion abort, sanitizer) takes its daemon
		 * with it. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		/* debug logs unless the key file sets a level (benchmarks) */
		bool own_level = config_text != NULL && strstr(config_text, "log_level") != NULL;

		execl(mapihttpd, mapihttpd, "-c", conf, "--data-dir", data_dir, "--listen", listen,
		      "--no-tls", "--hostname", "localhost", "--log-level",
		      own_level ? "warn" : "debug", (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 400; i++) {
		int fd = connect_port(d->port);

		if (fd >= 0) {
			close(fd);
			return 0;
		}
		if (waitpid(d->pid, NULL, WNOHANG) == d->pid)
			return -1;
		usleep(25000);
	}
	return -1;
}

int mht_daemon_stop(struct mht_daemon *d)
{
	int status;

	if (d->pid <= 0)
		return -1;
	kill(d->pid, SIGTERM);
	for (int i = 0; i < 600; i++) {
		if (waitpid(d->pid, &status, WNOHANG) == d->pid) {
			d->pid = 0;
			return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		}
		usleep(50000);
	}
	kill(d->pid, SIGKILL);
	waitpid(d->pid, &status, 0);
	d->pid = 0;
	return -1;
}

bool mht_log_contains(const struct mht_daemon *d, const char *text)
{
	FILE *f = fopen(d->log_path, "r");
	char line[4096];
	bool found = false;

	if (f == NULL)
		return false;
	while (!found && fgets(line, sizeof(line), f) != NULL)
		found = strstr(line, text) != NULL;
	fclose(f);
	return found;
}

static char *b64(TALLOC_CTX *mem_ctx, const char *in)
{
	static const char tbl[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t len = strlen(in), o = 0;
	char *out = talloc_array(mem_ctx, char, (len + 2) / 3 * 4 + 1);

	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)(uint8_t)in[i] << 16;

		if (i + 1 < len)
			v |= (uint32_t)(uint8_t)in[i + 1] << 8;
		if (i + 2 < len)
			v |= (uint8_t)in[i + 2];
		out[o++] = tbl[(v >> 18) & 63];
		out[o++] = tbl[(v >> 12) & 63];
		out[o++] = i + 1 < len ? tbl[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < len ? tbl[v & 63] : '=';
	}
	out[o] = '\0';
	return out;
}

struct mht_client *mht_client_new(TALLOC_CTX *mem_ctx, unsigned port, const char *user,
                                  const char *password)
{
	struct mht_client *c = talloc_zero(mem_ctx, struct mht_client);
	char *cred = talloc_asprintf(c, "%s:%s", user, password);

	c->port = port;
	c->auth = talloc_asprintf(c, "Basic %s", b64(c, cred));
	return c;
}

const char *mht_cookie(const struct mht_client *c, const char *path, const char *name)
{
	for (unsigned i = 0; i < c->cookie_count; i++) {
		if (strcmp(c->cookies[i].path, path) == 0 && strcmp(c->cookies[i].name, name) == 0)
			return c->cookies[i].value;
	}
	return NULL;
}

void mht_cookie_set(struct mht_client *c, const char *path, const char *name, const char *value)
{
	unsigned i;

	for (i = 0; i < c->cookie_count; i++) {
		if (strcmp(c->cookies[i].path, path) == 0 && strcmp(c->cookies[i].name, name) == 0)
			break;
	}
	if (i == c->cookie_count) {
		if (c->cookie_count == 8)
			return;
		c->cookie_count++;
		c->cookies[i].path = talloc_strdup(c, path);
		c->cookies[i].name = talloc_strdup(c, name);
	}
	talloc_free(c->cookies[i].value);
	c->cookies[i].value = talloc_strdup(c, value);
}

void mht_cookies_clear(struct mht_client *c)
{
	c->cookie_count = 0;
}

/* "MapiContext=abc; path=/mapi/nspi; HttpOnly[; expires=...]" */
static void take_set_cookie(struct mht_client *c, TALLOC_CTX *tmp, const char *v)
{
	char *s = talloc_strdup(tmp, v), *eq, *semi, *path = NULL, *p;
	bool expired = strstr(v, "expires=Thu, 01 Jan 1970") != NULL;

	eq = strchr(s, '=');
	if (eq == NULL)
		return;
	*eq = '\0';
	semi = strchr(eq + 1, ';');
	if (semi != NULL)
		*semi = '\0';
	p = semi != NULL ? strstr(semi + 1, "path=") : NULL;
	if (p != NULL)
		path = talloc_strndup(tmp, p + 5, strcspn(p + 5, ";"));
	if (path == NULL)
		path = talloc_strdup(tmp, "/");
	mht_cookie_set(c, path, s, expired ? "" : eq + 1);
}

const char *mht_header(const struct mht_resp *r, const char *name)
{
	for (unsigned i = 0; i < r->header_count; i++) {
		if (strcasecmp(r->headers[i].name, name) == 0)
			return r->headers[i].value;
	}
	return NULL;
}

static char *build_request(struct mht_client *c, TALLOC_CTX *mem_ctx, const struct mht_req *req)
{
	const char *ct = req->content_type != NULL ? req->content_type : "application/mapi-http";
	char *path = talloc_strdup(mem_ctx, req->path);
	char *h, *jar = talloc_strdup(mem_ctx, "");

	if (c->mailbox_id != NULL)
		path = talloc_asprintf(mem_ctx, "%s?MailboxId=%s", req->path, c->mailbox_id);
	h = talloc_asprintf(mem_ctx,
	                    "%s %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
	                    "Authorization: %s\r\nContent-Length: %zu\r\n"
	                    "X-ClientApplication: Outlook/16.0.17928.20114\r\n",
	                    req->method != NULL ? req->method : "POST", path, c->auth,
	                    req->body_len);
	if (*ct != '\0')
		h = talloc_asprintf_append(h, "Content-Type: %s\r\n", ct);
	if (req->type != NULL)
		h = talloc_asprintf_append(h, "X-RequestType: %s\r\n", req->type);
	if (!req->no_request_id)
		h = talloc_asprintf_append(
		    h, "X-RequestId: {6F5A4C2B-1C0D-4E3F-9A8B-7C6D5E4F3A2B}:%u\r\n",
		    ++c->request_counter);
	if (!req->no_client_info)
		h = talloc_asprintf_append(
		    h, "X-ClientInfo: {2E4F6A8C-0B1D-4F3E-8C7A-9B5D3F1E2A4C}:1\r\n");
	for (unsigned i = 0; !req->no_cookies && i < c->cookie_count; i++) {
		if (c->cookies[i].value[0] != '\0' &&
		    strncmp(req->path, c->cookies[i].path, strlen(c->cookies[i].path)) == 0)
			jar = talloc_asprintf_append(jar, "%s%s=%s", jar[0] != '\0' ? "; " : "",
			                             c->cookies[i].name, c->cookies[i].value);
	}
	/* Two Cookie headers, as the spec's examples show clients sending. */
	if (jar[0] != '\0')
		h = talloc_asprintf_append(h, "Cookie: %s\r\n", jar);
	if (req->extra_cookie != NULL)
		h = talloc_asprintf_append(h, "Cookie: %s\r\n", req->extra_cookie);
	return talloc_asprintf_append(h, "\r\n");
}

int mht_send_all(int fd, const void *data, size_t len)
{
	const uint8_t *p = data;

	while (len > 0) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static uint8_t *read_all(int fd, TALLOC_CTX *mem_ctx, size_t *len_r)
{
	size_t cap = 65536, len = 0;
	uint8_t *buf = talloc_size(mem_ctx, cap);

	for (;;) {
		ssize_t n;

		if (cap - len < 16384) {
			cap *= 2;
			buf = talloc_realloc_size(mem_ctx, buf, cap);
		}
		n = recv(fd, buf + len, cap - len - 1, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = 0;
	*len_r = len;
	return buf;
}

/* Chunked transfer decoding in place. */
static int dechunk(uint8_t *data, size_t len, size_t *out_len)
{
	size_t in = 0, out = 0;

	for (;;) {
		char *end;
		unsigned long sz = strtoul((char *)data + in, &end, 16);
		char *crlf = strstr((char *)data + in, "\r\n");

		if (crlf == NULL || (uint8_t *)end > (uint8_t *)crlf)
			return -1;
		in = (size_t)((uint8_t *)crlf - data) + 2;
		if (sz == 0)
			break;
		if (in + sz + 2 > len)
			return -1;
		memmove(data + out, data + in, sz);
		out += sz;
		in += sz + 2;
	}
	*out_len = out;
	return 0;
}

/* PROCESSING\r\n (PENDING\r\n)* DONE\r\n (Header: value\r\n)* \r\n body */
static void unframe(struct mht_resp *r)
{
	char *p = r->raw, *end = r->raw + r->raw_len;

	if (r->raw_len < 12 || strncmp(p, "PROCESSING\r\n", 12) != 0)
		return;
	p += 12;
	while (end - p >= 9 && strncmp(p, "PENDING\r\n", 9) == 0) {
		r->pending++;
		p += 9;
	}
	if (end - p < 6 || strncmp(p, "DONE\r\n", 6) != 0)
		return;
	p += 6;
	while (end - p >= 2 && strncmp(p, "\r\n", 2) != 0) {
		char *eol = strstr(p, "\r\n");

		if (eol == NULL)
			return;
		if (strncmp(p, "X-ElapsedTime: ", 15) == 0)
			r->elapsed_time = true;
		if (strncmp(p, "X-StartTime: ", 13) == 0)
			r->start_time = true;
		p = eol + 2;
	}
	if (end - p < 2)
		return;
	p += 2;
	r->framed = true;
	r->body = (uint8_t *)p;
	r->body_len = (size_t)(end - p);
}

static int parse_response(struct mht_client *c, TALLOC_CTX *mem_ctx, uint8_t *data, size_t len,
                          struct mht_resp *r)
{
	char *hdr_end = strstr((char *)data, "\r\n\r\n"), *line, *save = NULL;
	uint8_t *body;
	size_t body_len;
	const char *v;

	memset(r, 0, sizeof(*r));
	r->response_code = -1;
	if (hdr_end == NULL)
		return -1;
	*hdr_end = '\0';
	body = (uint8_t *)hdr_end + 4;
	body_len = len - (size_t)(body - data);
	line = strtok_r((char *)data, "\r\n", &save);
	if (line == NULL || sscanf(line, "HTTP/1.%*d %d", &r->status) != 1)
		return -1;
	while ((line = strtok_r(NULL, "\r\n", &save)) != NULL && r->header_count < 32) {
		char *colon = strchr(line, ':');

		if (colon == NULL)
			continue;
		*colon = '\0';
		v = colon + 1;
		while (*v == ' ')
			v++;
		r->headers[r->header_count].name = talloc_strdup(mem_ctx, line);
		r->headers[r->header_count].value = talloc_strdup(mem_ctx, v);
		if (strcasecmp(line, "Set-Cookie") == 0)
			take_set_cookie(c, mem_ctx, v);
		r->header_count++;
	}
	v = mht_header(r, "Transfer-Encoding");
	if (v != NULL && strcasecmp(v, "chunked") == 0) {
		r->chunked = true;
		if (dechunk(body, body_len, &body_len) < 0)
			return -1;
	}
	v = mht_header(r, "X-ResponseCode");
	if (v != NULL)
		r->response_code = atoi(v);
	r->raw = talloc_memdup(mem_ctx, body, body_len + 1);
	r->raw[body_len] = '\0';
	r->raw_len = body_len;
	r->body = (uint8_t *)r->raw;
	r->body_len = body_len;
	unframe(r);
	return 0;
}

int mht_request(struct mht_client *c, TALLOC_CTX *mem_ctx, const struct mht_req *req,
                struct mht_resp *resp)
{
	TALLOC_CTX *tmp = talloc_new(mem_ctx);
	char *head = build_request(c, tmp, req);
	struct timeval tv = {.tv_sec = 60};
	int fd = connect_port(c->port), ret = -1;
	uint8_t *data;
	size_t len;

	if (fd < 0)
		goto out;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (mht_send_all(fd, head, strlen(head)) < 0 ||
	    (req->body_len > 0 && mht_send_all(fd, req->body, req->body_len) < 0))
		goto out;
	data = read_all(fd, tmp, &len);
	ret = parse_response(c, mem_ctx, data, len, resp);
out:
	if (fd >= 0)
		close(fd);
	talloc_free(tmp);
	return ret;
}
