/* The benchmark's HTTP/1.1 client: one keep-alive connection to the
 * daemon on 127.0.0.1, a session's cookies, requests to /mapi/emsmdb/ and
 * their PROCESSING / DONE framed answers ([MS-OXCMAPIHTTP] 2.2.7). */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench_emsmdb.h"
#include "mh_testclient.h"

#define EMS "/mapi/emsmdb/"

/* ---- one keep-alive HTTP/1.1 connection and a session's cookies ---- */

int conn_open(struct conn *c)
{
	struct sockaddr_in sa = {.sin_family = AF_INET,
	                         .sin_port = htons((uint16_t)g_port),
	                         .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int one = 1;

	c->fd = socket(AF_INET, SOCK_STREAM, 0);
	if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -1;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (c->buf == NULL) {
		c->cap = 1 << 18;
		c->buf = malloc(c->cap);
	}
	c->len = c->off = 0;
	return c->buf != NULL ? 0 : -1;
}

void conn_close(struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

/* At least n unread bytes in the buffer; -1 on EOF or error. */
static int need(struct conn *c, size_t n)
{
	if (c->off > 0 && c->off == c->len)
		c->off = c->len = 0;
	while (c->len - c->off < n) {
		if (c->off > 0) {
			memmove(c->buf, c->buf + c->off, c->len - c->off);
			c->len -= c->off;
			c->off = 0;
		}
		if (n >= c->cap)
			return -1;
		ssize_t r = recv(c->fd, c->buf + c->len, c->cap - c->len, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		c->len += (size_t)r;
	}
	return 0;
}

/* The next CRLF-terminated line (NUL-terminated in place), or NULL. */
static char *line(struct conn *c)
{
	for (size_t scanned = 0;; scanned = c->len - c->off) {
		char *s = c->buf + c->off, *e = memmem(s, c->len - c->off, "\r\n", 2);
		if (e != NULL) {
			*e = '\0';
			c->off = (size_t)(e + 2 - c->buf);
			return s;
		}
		if (need(c, scanned + 1) < 0)
			return NULL;
	}
}

static void take_cookie(struct conn *c, const char *v)
{
	const char *eq = strchr(v, '='), *semi = strchr(v, ';');
	char name[64], pair[256], out[512] = "";
	size_t nl = eq != NULL ? (size_t)(eq - v) : 0;

	if (eq == NULL || nl >= sizeof(name))
		return;
	memcpy(name, v, nl);
	name[nl] = '\0';
	snprintf(pair, sizeof(pair), "%.*s", (int)(semi ? semi - v : (long)strlen(v)), v);
	/* keep the other cookies, replace this one */
	for (char *tok = strtok(c->cookies, ";"); tok != NULL; tok = strtok(NULL, ";")) {
		while (*tok == ' ')
			tok++;
		if (strncmp(tok, name, nl) != 0 || tok[nl] != '=')
			snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s%s",
			         out[0] ? "; " : "", tok);
	}
	snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s%s", out[0] ? "; " : "", pair);
	memcpy(c->cookies, out, sizeof(out));
}

int send_request(struct conn *c, const char *type, const uint8_t *body, size_t len)
{
	char head[4096];
	int n = snprintf(head, sizeof(head),
	                 "POST " EMS "?MailboxId=%s HTTP/1.1\r\nHost: localhost\r\n"
	                 "Authorization: %s\r\nContent-Type: application/mapi-http\r\n"
	                 "Content-Length: %zu\r\nX-RequestType: %s\r\n"
	                 "X-RequestId: {8C1E2B3A-4D5F-4A6B-9C7D-0E1F2A3B4C5D}:%u\r\n"
	                 "X-ClientInfo: {1A2B3C4D-5E6F-4071-8293-A4B5C6D7E8F9}:1\r\n"
	                 "X-ClientApplication: Outlook/16.0.17928.20114\r\n%s%s%s\r\n",
	                 g_mailbox_id, g_auth, len, type, ++c->request_id,
	                 c->cookies[0] ? "Cookie: " : "", c->cookies, c->cookies[0] ? "\r\n" : "");
	if (n <= 0 || (size_t)n >= sizeof(head))
		return -1;
	/* One send, as an HTTP client stack does for a small request: two
	 * would be two packets (TCP_NODELAY), the server woken twice. */
	if ((size_t)n + len <= sizeof(head)) {
		memcpy(head + n, body, len);
		return mht_send_all(c->fd, head, (size_t)n + len);
	}
	if (mht_send_all(c->fd, head, (size_t)n) < 0 || mht_send_all(c->fd, body, len) < 0)
		return -1;
	return 0;
}

/* Reads one response: X-ResponseCode, and the body after the
 * PROCESSING / DONE framing ([MS-OXCMAPIHTTP] 2.2.7) into *body_r (malloc). */
static int read_response(struct conn *c, int *code_r, uint8_t **body_r, size_t *len_r)
{
	size_t clen = 0, blen = 0, bcap = 1 << 16;
	bool chunked = false;
	char *l = line(c), *body;
	int status = 0;

	*code_r = -1;
	if (l == NULL || sscanf(l, "HTTP/1.%*d %d", &status) != 1)
		return -1;
	while ((l = line(c)) != NULL && *l != '\0') {
		if (strncasecmp(l, "Content-Length:", 15) == 0)
			clen = strtoul(l + 15, NULL, 10);
		else if (strncasecmp(l, "Transfer-Encoding: chunked", 26) == 0)
			chunked = true;
		else if (strncasecmp(l, "X-ResponseCode:", 15) == 0)
			*code_r = atoi(l + 15);
		else if (strncasecmp(l, "Set-Cookie:", 11) == 0)
			take_cookie(c, l + 12);
	}
	if (l == NULL || (body = malloc(bcap)) == NULL)
		return -1;
	for (;;) {
		size_t n = clen;
		if (chunked) {
			char *sz = line(c);
			if (sz == NULL)
				goto fail;
			n = strtoul(sz, NULL, 16);
		}
		if (n > 0) {
			if (need(c, n) < 0)
				goto fail;
			while (blen + n + 1 > bcap && (body = realloc(body, bcap *= 2)) != NULL)
				;
			if (body == NULL)
				return -1;
			memcpy(body + blen, c->buf + c->off, n);
			c->off += n;
			blen += n;
		}
		if (!chunked)
			break;
		if (line(c) == NULL)
			goto fail;
		if (n == 0)
			break;
	}
	body[blen] = '\0';
	/* PROCESSING\r\n (PENDING\r\n)* DONE\r\n headers \r\n binary */
	char *p = strstr(body, "DONE\r\n"), *end = p != NULL ? strstr(p, "\r\n\r\n") : NULL;
	if (status != 200 || end == NULL)
		goto fail;
	*len_r = blen - (size_t)(end + 4 - body);
	memmove(body, end + 4, *len_r);
	*body_r = (uint8_t *)body;
	return 0;
fail:
	free(body);
	return -1;
}

int conn_post(struct conn *c, const char *type, const uint8_t *req, size_t req_len,
              uint8_t **body_r, size_t *len_r)
{
	int code;

	if (send_request(c, type, req, req_len) < 0 || read_response(c, &code, body_r, len_r) < 0)
		return -1;
	if (code != 0) {
		free(*body_r);
		return -1;
	}
	return 0;
}
