/*
 * mc_http: libcurl requests of a session; MAPI/HTTP request layer.
 */
#include "mc_http.h"
#include "mc_har.h"

#include <curl/curl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "mc_frame.h"
#include "rop_print.h"

#define MC_USER_AGENT "mapiclient/0.1.0"
/* X-ClientApplication ([MS-OXCMAPIHTTP] 2.2.2.1): the client's version,
 * in the form Outlook sends it ("Outlook/16.0.x.y"). */
#define MC_CLIENT_APPLICATION "Outlook/16.0.0.0 (mapiclient 0.1.0)"

struct http_ctx {
	TALLOC_CTX *mem_ctx;
	struct mc_session *s;
	const char *path;
	struct mc_http_resp *r;
	bool too_big;
	/* keep-alive watchdog: the last time bytes arrived, and how long the
	 * stream may stay silent (from X-PendingPeriod once it is known) */
	uint64_t last_rx_ms;
	uint64_t silence_ms;
	bool silent_too_long;
};

/* Before the server states its X-PendingPeriod: a generous bound. */
#define MC_DEFAULT_SILENCE_MS 120000u

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* [MS-OXCMAPIHTTP] 2.2.3.3.5: X-PendingPeriod is the time between PENDING
 * keep-alives; a stream silent for two periods and a second more is taken
 * for lost rather than waited on. */
static int on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
	struct http_ctx *c = arg;
	if (now_ms() - c->last_rx_ms > c->silence_ms) {
		c->silent_too_long = true;
		return 1;
	}
	return 0;
}

char *mc_url_path(TALLOC_CTX *mem_ctx, const char *url)
{
	CURLU *u = curl_url();
	char *path = NULL, *out = NULL;
	if (u == NULL)
		return NULL;
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PATH, &path, 0) == CURLUE_OK)
		out = talloc_strdup(mem_ctx, path);
	curl_free(path);
	curl_url_cleanup(u);
	return out;
}

static size_t on_header(char *buf, size_t size, size_t n, void *arg)
{
	struct http_ctx *c = arg;
	size_t len = size * n, l = len;
	c->last_rx_ms = now_ms();
	while (l > 0 && (buf[l - 1] == '\r' || buf[l - 1] == '\n'))
		l--;
	if (l >= 5 && memcmp(buf, "HTTP/", 5) == 0) {
		/* A new response (after a 401 of an NTLM/Negotiate round, or a
		 * 100 Continue): forget what came before. */
		TALLOC_FREE(c->r->headers);
		c->r->header_count = 0;
		TALLOC_FREE(c->r->body);
		c->r->body_len = 0;
		return len;
	}
	const char *colon = memchr(buf, ':', l);
	if (colon == NULL)
		return len;
	const char *v = colon + 1, *end = buf + l;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	struct mc_http_header *nh = talloc_realloc(c->mem_ctx, c->r->headers, struct mc_http_header,
	                                           c->r->header_count + 1);
	if (nh == NULL)
		return 0;
	c->r->headers = nh;
	nh[c->r->header_count].name = talloc_strndup(nh, buf, (size_t)(colon - buf));
	nh[c->r->header_count].value = talloc_strndup(nh, v, (size_t)(end - v));
	if (nh[c->r->header_count].name == NULL || nh[c->r->header_count].value == NULL)
		return 0;
	c->r->header_count++;
	if (strcasecmp(nh[c->r->header_count - 1].name, "X-PendingPeriod") == 0) {
		char *e;
		unsigned long ms = strtoul(nh[c->r->header_count - 1].value, &e, 10);
		if (*e == '\0' && ms > 0 && ms <= 3600000ul)
			c->silence_ms = 2 * (uint64_t)ms + 1000u;
	}
	if (strcasecmp(nh[c->r->header_count - 1].name, "Set-Cookie") == 0 &&
	    mc_cookie_jar_set(c->s->jar, nh[c->r->header_count - 1].value, c->path, time(NULL)) < 0)
		return 0;
	return len;
}

static size_t on_body(char *buf, size_t size, size_t n, void *arg)
{
	struct http_ctx *c = arg;
	size_t len = size * n;
	c->last_rx_ms = now_ms();
	if (MC_HTTP_MAX_BODY - c->r->body_len < len) {
		c->too_big = true;
		return 0;
	}
	uint8_t *nb = talloc_realloc(c->mem_ctx, c->r->body, uint8_t, c->r->body_len + len + 1);
	if (nb == NULL)
		return 0;
	memcpy(nb + c->r->body_len, buf, len);
	c->r->body = nb;
	c->r->body_len += len;
	nb[c->r->body_len] = 0; /* so text bodies can be printed */
	return len;
}

const char *mc_http_header(const struct mc_http_resp *r, const char *name)
{
	for (size_t i = 0; i < r->header_count; i++) {
		if (strcasecmp(r->headers[i].name, name) == 0)
			return r->headers[i].value;
	}
	return NULL;
}

static void set_auth(struct mc_session *s, CURL *curl, bool authenticate)
{
	if (!authenticate) {
		curl_easy_setopt(curl, CURLOPT_HTTPAUTH, (long)CURLAUTH_NONE);
		curl_easy_setopt(curl, CURLOPT_USERNAME, NULL);
		curl_easy_setopt(curl, CURLOPT_PASSWORD, NULL);
		return;
	}
	long scheme = CURLAUTH_BASIC;
	if (s->opts.auth == MC_AUTH_NTLM)
		scheme = CURLAUTH_NTLM;
	else if (s->opts.auth == MC_AUTH_NEGOTIATE)
		scheme = CURLAUTH_NEGOTIATE;
	curl_easy_setopt(curl, CURLOPT_HTTPAUTH, scheme);
	/* Negotiate takes the Kerberos credentials of the ticket cache. */
	curl_easy_setopt(curl, CURLOPT_USERNAME,
	                 s->opts.auth == MC_AUTH_NEGOTIATE ? "" : s->opts.user);
	curl_easy_setopt(curl, CURLOPT_PASSWORD,
	                 s->opts.auth == MC_AUTH_NEGOTIATE ? "" : s->opts.password);
}

static bool is_text(const char *content_type)
{
	return content_type != NULL && (strncasecmp(content_type, "text/", 5) == 0 ||
	                                strncasecmp(content_type, "application/json", 16) == 0);
}

static void trace_request(struct mc_session *s, const char *method, const char *url,
                          const struct curl_slist *hl, const uint8_t *body, size_t len)
{
	if (s->opts.trace == NULL)
		return;
	mc_trace(s, "> %s %s\n", method, url);
	bool text = false;
	for (; hl != NULL; hl = hl->next) {
		if (strcmp(hl->data, "Expect:") == 0)
			continue; /* only tells libcurl to send no Expect header */
		if (strncasecmp(hl->data, "Cookie:", 7) == 0) {
			mc_trace(s, "> Cookie: (%zu bytes)\n", strlen(hl->data) - 7);
			continue;
		}
		mc_trace(s, "> %s\n", hl->data);
		if (strncasecmp(hl->data, "Content-Type:", 13) == 0)
			text = is_text(hl->data + 14);
	}
	mc_trace(s, "> (%zu body bytes)\n", len);
	if (text)
		mc_trace(s, "%.*s\n", (int)len, (const char *)body);
	else
		mc_trace_hex(s, "> ", body, len);
}

static void trace_response(struct mc_session *s, const struct mc_http_resp *r)
{
	if (s->opts.trace == NULL)
		return;
	mc_trace(s, "< HTTP %ld\n", r->status);
	for (size_t i = 0; i < r->header_count; i++) {
		if (strcasecmp(r->headers[i].name, "Set-Cookie") == 0) {
			const char *eq = strchr(r->headers[i].value, '=');
			mc_trace(s, "< Set-Cookie: %.*s=(value not shown)\n",
			         eq ? (int)(eq - r->headers[i].value) : 0, r->headers[i].value);
			continue;
		}
		mc_trace(s, "< %s: %s\n", r->headers[i].name, r->headers[i].value);
	}
	mc_trace(s, "< (%zu body bytes)\n", r->body_len);
	if (is_text(mc_http_header(r, "Content-Type")))
		mc_trace(s, "%.*s\n", (int)r->body_len, (const char *)r->body);
	else
		mc_trace_hex(s, "< ", r->body, r->body_len);
}

static struct curl_slist *build_headers(TALLOC_CTX *mem_ctx, struct mc_session *s, const char *path,
                                        const char *const *headers)
{
	struct curl_slist *hl = NULL, *n;
	for (size_t i = 0; headers != NULL && headers[i] != NULL; i++) {
		if ((n = curl_slist_append(hl, headers[i])) == NULL)
			goto fail;
		hl = n;
	}
	/* [MS-OXCMAPIHTTP] 3.1.5.2: every cookie the server set goes back. */
	char *cookies = path ? mc_cookie_jar_header(mem_ctx, s->jar, path) : NULL;
	if (cookies != NULL) {
		char *line = talloc_asprintf(mem_ctx, "Cookie: %s", cookies);
		if (line == NULL || (n = curl_slist_append(hl, line)) == NULL)
			goto fail;
		hl = n;
	}
	if ((n = curl_slist_append(hl, "Expect:")) == NULL)
		goto fail;
	return n;
fail:
	curl_slist_free_all(hl);
	return NULL;
}

/* --record: the exchange as a HAR entry.  The request headers are the ones
 * this client sets and the Cookie header; libcurl's Authorization header
 * is never among them. */
static int record_exchange(TALLOC_CTX *mem_ctx, struct mc_session *s, const char *method,
                           const char *url, const char *const *headers, const char *cookies,
                           const uint8_t *body, size_t body_len, const struct mc_http_resp *r,
                           uint64_t ms)
{
	TALLOC_CTX *tmp = talloc_new(mem_ctx);
	size_t n = 0;
	while (headers != NULL && headers[n] != NULL)
		n++;
	struct mc_har_header *h = talloc_zero_array(tmp, struct mc_har_header, n + 2);
	struct mc_har_header *rh =
	    talloc_zero_array(tmp, struct mc_har_header, r->header_count + 1);
	if (h == NULL || rh == NULL)
		goto fail;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		const char *colon = strchr(headers[i], ':');
		if (colon == NULL)
			continue;
		h[k].name = talloc_strndup(h, headers[i], (size_t)(colon - headers[i]));
		h[k++].value = talloc_strdup(h, colon[1] == ' ' ? colon + 2 : colon + 1);
	}
	if (cookies != NULL) {
		h[k].name = talloc_strdup(h, "Cookie");
		h[k++].value = (char *)(uintptr_t)cookies;
	}
	for (size_t i = 0; i < r->header_count; i++)
		rh[i] = (struct mc_har_header){r->headers[i].name, r->headers[i].value};
	struct mc_har_entry e = {
	    .method = (char *)(uintptr_t)method,
	    .url = (char *)(uintptr_t)url,
	    .req_headers = h,
	    .req_header_count = k,
	    .req_body = (uint8_t *)(uintptr_t)body,
	    .req_body_len = body_len,
	    .status = r->status,
	    .resp_headers = rh,
	    .resp_header_count = r->header_count,
	    .resp_body = r->body,
	    .resp_body_len = r->body_len,
	    .time_ms = (double)ms,
	};
	int ret = mc_har_add(s->record, &e);
	talloc_free(tmp);
	return ret;
fail:
	talloc_free(tmp);
	return -1;
}

/* The X-RequestType among the request headers, else "Autodiscover". */
static const char *exchange_type(const char *const *headers)
{
	static const char prefix[] = "X-RequestType: ";
	for (size_t i = 0; headers != NULL && headers[i] != NULL; i++) {
		if (strncasecmp(headers[i], prefix, sizeof(prefix) - 1) == 0)
			return headers[i] + sizeof(prefix) - 1;
	}
	return "Autodiscover";
}

int mc_http_request(TALLOC_CTX *mem_ctx, struct mc_session *s, const char *method, const char *url,
                    const char *const *headers, const uint8_t *body, size_t body_len,
                    bool authenticate, struct mc_http_resp *resp_r)
{
	CURL *curl = s->curl;
	struct http_ctx c = {.mem_ctx = mem_ctx, .s = s, .r = resp_r};
	memset(resp_r, 0, sizeof(*resp_r));
	c.path = mc_url_path(mem_ctx, url);
	if (c.path == NULL)
		return mc_fail(s, MC_E_USAGE, "invalid URL: %s", url);
	struct curl_slist *hl = build_headers(mem_ctx, s, c.path, headers);
	if (hl == NULL)
		return mc_fail(s, MC_E_NOMEM, "out of memory");
	trace_request(s, method, url, hl, body, body_len);
	const char *sent_cookies =
	    s->record != NULL ? mc_cookie_jar_header(mem_ctx, s->jar, c.path) : NULL;

	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(curl, CURLOPT_USERAGENT, MC_USER_AGENT);
	curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 15L);
	c.last_rx_ms = now_ms();
	uint64_t t0 = c.last_rx_ms;
	c.silence_ms = MC_DEFAULT_SILENCE_MS;
	curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &c);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, s->opts.insecure ? 0L : 1L);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, s->opts.insecure ? 0L : 2L);
	curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(curl, CURLOPT_HEADERDATA, &c);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &c);
	set_auth(s, curl, authenticate);
	if (strcmp(method, "POST") == 0) {
		curl_easy_setopt(curl, CURLOPT_POST, 1L);
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body ? (const char *)body : "");
		curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
	} else {
		curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
	}
	struct timespec ts0, ts1;
	clock_gettime(CLOCK_MONOTONIC, &ts0);
	CURLcode rc = curl_easy_perform(curl);
	clock_gettime(CLOCK_MONOTONIC, &ts1);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(hl);
	if (s->on_exchange != NULL) {
		long status = 0;
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
		double ms = (double)(ts1.tv_sec - ts0.tv_sec) * 1e3 +
		            (double)(ts1.tv_nsec - ts0.tv_nsec) / 1e6;
		s->on_exchange(s->on_exchange_arg, exchange_type(headers), ms,
		               rc == CURLE_OK && status == 200);
	}
	if (rc != CURLE_OK) {
		if (c.too_big)
			return mc_fail(s, MC_E_PROTOCOL, "%s: response larger than %u bytes", url,
			               MC_HTTP_MAX_BODY);
		if (c.silent_too_long)
			return mc_fail(s, MC_E_NETWORK,
			               "%s: nothing received for %llu ms (no PENDING keep-alive "
			               "within two X-PendingPeriods)",
			               url, (unsigned long long)c.silence_ms);
		return mc_fail(s, MC_E_NETWORK, "%s: %s", url, curl_easy_strerror(rc));
	}
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &resp_r->status);
	trace_response(s, resp_r);
	if (s->record != NULL && record_exchange(mem_ctx, s, method, url, headers, sent_cookies,
	                                         body, body_len, resp_r, now_ms() - t0) < 0)
		return mc_fail(s, MC_E_NOMEM, "--record: out of memory");
	return 0;
}

const char *mc_response_code_name(uint32_t code)
{
	/* [MS-OXCMAPIHTTP] 2.2.3.3.3 */
	static const char *const names[] = {
	    "Success",
	    "Unknown Failure",
	    "Invalid Verb",
	    "Invalid Path",
	    "Invalid Header",
	    "Invalid Request Type",
	    "Invalid Context Cookie",
	    "Missing Header",
	    "Anonymous Not Allowed",
	    "Too Large",
	    "Context Not Found",
	    "No Privilege",
	    "Invalid Request Body",
	    "Missing Cookie",
	    "Reserved", /* "MUST be ignored by the client" */
	    "Invalid Sequence",
	    "Endpoint Disabled",
	    "Invalid Response",
	    "Endpoint Shutting Down",
	};
	if (code < sizeof(names) / sizeof(names[0]) && names[code] != NULL)
		return names[code];
	return "not defined by [MS-OXCMAPIHTTP]";
}

/* 0 and *v_r set when s is a plain decimal number that fits 32 bits. */
static int parse_u32(const char *str, uint32_t *v_r)
{
	char *end;
	if (str == NULL || *str < '0' || *str > '9')
		return -1;
	unsigned long long v = strtoull(str, &end, 10);
	if (*end != '\0' || v > UINT32_MAX)
		return -1;
	*v_r = (uint32_t)v;
	return 0;
}

static int mapi_headers_check(struct mc_session *s, const char *url, const char *request_type,
                              const char *request_id, const struct mc_http_resp *h,
                              struct mc_mapi_resp *r)
{
	if (h->status == 401 || h->status == 403)
		return mc_fail(s, MC_E_AUTH,
		               "%s: authentication failed (HTTP %ld): the server refused the "
		               "credentials of %s",
		               url, h->status, s->opts.user ? s->opts.user : "(none)");
	if (h->status != 200)
		return mc_fail(s, MC_E_HTTP, "%s %s: HTTP %ld", request_type, url, h->status);
	/* [MS-OXCMAPIHTTP] 2.2.3.3.3: every response carries X-ResponseCode. */
	if (parse_u32(mc_http_header(h, "X-ResponseCode"), &r->response_code) < 0)
		return mc_fail(s, MC_E_PROTOCOL, "%s: response without a valid X-ResponseCode",
		               request_type);
	/* 2.2.3.3.2: the server MUST return X-RequestId unchanged. */
	const char *rid = mc_http_header(h, "X-RequestId");
	if (rid == NULL || strcmp(rid, request_id) != 0)
		return mc_fail(s, MC_E_PROTOCOL, "%s: X-RequestId not echoed (sent %s, got %s)",
		               request_type, request_id, rid ? rid : "none");
	return 0;
}

static int mapi_body(TALLOC_CTX *mem_ctx, struct mc_session *s, const char *request_type,
                     const struct mc_http_resp *h, struct mc_mapi_resp *r)
{
	struct mc_frame f;
	mc_frame_init(&f, mem_ctx, MC_HTTP_MAX_BODY);
	if (mc_frame_feed(&f, h->body, h->body_len) < 0 || mc_frame_finish(&f) < 0)
		return mc_fail(s, MC_E_PROTOCOL, "%s: malformed response stream: %s", request_type,
		               f.error);
	r->pending = f.pending_count;
	r->body = f.body;
	r->body_len = f.body_len;
	const char *v = mc_frame_header(&f, "X-ElapsedTime");
	r->elapsed_time = v ? talloc_strdup(mem_ctx, v) : NULL;
	v = mc_frame_header(&f, "X-StartTime");
	r->start_time = v ? talloc_strdup(mem_ctx, v) : NULL;
	/* 2.2.7: the final chunk may carry the X-ResponseCode of the
	 * completed request. */
	v = mc_frame_header(&f, "X-ResponseCode");
	if (v != NULL && parse_u32(v, &r->response_code) < 0)
		return mc_fail(s, MC_E_PROTOCOL, "%s: invalid X-ResponseCode after DONE",
		               request_type);
	return 0;
}

/* --trace: a MAPI/HTTP body decoded by the codec's printer (rop_print.h),
 * each line prefixed with the direction. */
static void trace_mapi_body(struct mc_session *s, const char *request_type, bool response,
                            const uint8_t *data, size_t len)
{
	static const struct {
		const char *name;
		enum rop_print_body body;
	} ems[] = {{"Connect", ROP_BODY_CONNECT},
	           {"Execute", ROP_BODY_EXECUTE},
	           {"Disconnect", ROP_BODY_DISCONNECT},
	           {"NotificationWait", ROP_BODY_NOTIFICATION_WAIT}};
	enum rop_print_dir dir = response ? ROP_PRINT_RESPONSE : ROP_PRINT_REQUEST;
	enum nspi_request_type nspi;
	struct rop_printer pr;
	bool printed = false;
	if (s->opts.trace == NULL)
		return;
	TALLOC_CTX *tmp = talloc_new(NULL);
	rop_printer_init(&pr, tmp);
	for (size_t i = 0; i < sizeof(ems) / sizeof(ems[0]); i++) {
		if (strcmp(request_type, ems[i].name) == 0) {
			rop_print_mh_body(&pr, ems[i].body, dir, data, len, s->trace_ctx);
			printed = true;
		}
	}
	if (!printed && nspi_request_lookup(request_type, &nspi) == 1) {
		rop_print_nspi_body(&pr, nspi, dir, data, len);
		printed = true;
	}
	if (printed && pr.text != NULL) {
		const char *p = pr.text;
		mc_trace(s, "%c %s %s body decoded:\n", response ? '<' : '>', request_type,
		         response ? "response" : "request");
		while (*p != '\0') {
			size_t n = strcspn(p, "\n");
			mc_trace(s, "%c   %.*s\n", response ? '<' : '>', (int)n, p);
			p += n + (p[n] == '\n');
		}
	}
	talloc_free(tmp);
}

/* The diagnostic body of a failure as one short line: the text of an HTML
 * page's body (tags dropped), blanks collapsed, control bytes dropped, at
 * most 300 bytes. */
static char *diagnostic_text(TALLOC_CTX *mem_ctx, const uint8_t *body, size_t len)
{
	const char *p = body ? (const char *)body : "", *end = p + len;
	const char *b = len ? memmem(p, len, "<body>", 6) : NULL;
	if (b != NULL)
		p = b + 6;
	char *out = talloc_size(mem_ctx, 301), *o = out;
	bool in_tag = false, blank = false;
	if (out == NULL)
		return NULL;
	for (; p < end && o - out < 300; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '<') {
			if (end - p >= 7 && strncasecmp(p, "</body>", 7) == 0)
				break;
			in_tag = true;
		} else if (c == '>' && in_tag) {
			in_tag = false;
		} else if (!in_tag && (c == ' ' || c == '\t' || c == '\r' || c == '\n')) {
			blank = o != out;
		} else if (!in_tag && c >= 0x20 && c != 0x7f) {
			if (blank)
				*o++ = ' ';
			blank = false;
			if (o - out < 300)
				*o++ = (char)c;
		}
	}
	*o = '\0';
	return out;
}

int mc_mapi_request(TALLOC_CTX *mem_ctx, struct mc_session *s, const char *url,
                    const char *request_type, const uint8_t *body, size_t body_len,
                    struct mc_mapi_resp *resp_r)
{
	TALLOC_CTX *tmp = talloc_new(mem_ctx);
	struct mc_http_resp h;
	int ret = -1;
	memset(resp_r, 0, sizeof(*resp_r));
	char *rid = mc_session_next_request_id(tmp, s);
	/* [MS-OXCMAPIHTTP] 2.2.2.1 common request format, 2.2.3 headers. */
	const char *headers[] = {
	    "Content-Type: application/mapi-http",
	    talloc_asprintf(tmp, "X-RequestType: %s", request_type),
	    talloc_asprintf(tmp, "X-RequestId: %s", rid),
	    talloc_asprintf(tmp, "X-ClientInfo: %s:%llu", s->client_guid,
	                    (unsigned long long)s->request_counter),
	    "X-ClientApplication: " MC_CLIENT_APPLICATION,
	    "Accept: application/mapi-http",
	    NULL,
	};
	if (rid == NULL || headers[1] == NULL || headers[2] == NULL || headers[3] == NULL) {
		mc_fail(s, MC_E_NOMEM, "out of memory");
		goto out;
	}
	trace_mapi_body(s, request_type, false, body, body_len);
	if (mc_http_request(tmp, s, "POST", url, headers, body, body_len, true, &h) < 0)
		goto out;
	resp_r->http_status = h.status;
	const char *rt = mc_http_header(&h, "X-RequestType");
	resp_r->request_type = rt ? talloc_strdup(mem_ctx, rt) : NULL;
	if (mapi_headers_check(s, url, request_type, rid, &h, resp_r) < 0)
		goto out;
	if (resp_r->response_code != 0) {
		/* 2.2.3.3.3: a failure's body is diagnostic text. */
		resp_r->diagnostic = diagnostic_text(mem_ctx, h.body, h.body_len);
		bool said = resp_r->diagnostic != NULL && resp_r->diagnostic[0] != '\0';
		mc_fail(s, MC_E_SERVER,
		        "%s: the server answered X-ResponseCode %" PRIu32 " (%s)%s%s", request_type,
		        resp_r->response_code, mc_response_code_name(resp_r->response_code),
		        said ? ": " : "", said ? resp_r->diagnostic : "");
		goto out;
	}
	/* The body is framed whether it travels chunked (Execute, 4.2) or
	 * with a Content-Length (Connect, [MS-OXCMAPIHTTP] 4.1). */
	if (mapi_body(mem_ctx, s, request_type, &h, resp_r) < 0)
		goto out;
	trace_mapi_body(s, request_type, true, resp_r->body, resp_r->body_len);
	if (resp_r->response_code != 0) {
		mc_fail(s, MC_E_SERVER, "%s: the server answered X-ResponseCode %" PRIu32 " (%s)",
		        request_type, resp_r->response_code,
		        mc_response_code_name(resp_r->response_code));
		goto out;
	}
	ret = 0;
out:
	talloc_free(tmp);
	return ret;
}
