/*
 * mc_har: HAR 1.2 files, written and read with json-c.
 */
#include "mc_har.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

struct mc_har *mc_har_new(TALLOC_CTX *mem_ctx)
{
	return talloc_zero(mem_ctx, struct mc_har);
}

static struct mc_har_header *copy_headers(TALLOC_CTX *mem_ctx, const struct mc_har_header *h,
                                          size_t n)
{
	struct mc_har_header *c = talloc_zero_array(mem_ctx, struct mc_har_header, n + 1);
	for (size_t i = 0; c != NULL && i < n; i++) {
		c[i].name = talloc_strdup(c, h[i].name);
		c[i].value = talloc_strdup(c, h[i].value ? h[i].value : "");
	}
	return c;
}

int mc_har_add(struct mc_har *har, const struct mc_har_entry *e)
{
	struct mc_har_entry *a =
	    talloc_realloc(har, har->entries, struct mc_har_entry, har->count + 1);
	if (a == NULL)
		return -1;
	har->entries = a;
	struct mc_har_entry *c = &a[har->count];
	*c = *e;
	c->method = talloc_strdup(a, e->method);
	c->url = talloc_strdup(a, e->url);
	c->comment = e->comment ? talloc_strdup(a, e->comment) : NULL;
	c->example = e->example ? talloc_strdup(a, e->example) : NULL;
	c->req_headers = copy_headers(a, e->req_headers, e->req_header_count);
	c->resp_headers = copy_headers(a, e->resp_headers, e->resp_header_count);
	c->req_body =
	    talloc_memdup(a, e->req_body ? e->req_body : (const uint8_t *)"", e->req_body_len + 1);
	c->resp_body = talloc_memdup(a, e->resp_body ? e->resp_body : (const uint8_t *)"",
	                             e->resp_body_len + 1);
	if (c->req_body == NULL || c->resp_body == NULL)
		return -1;
	har->count++;
	return 0;
}

static json_object *b64(const uint8_t *data, size_t len)
{
	size_t cap = 4 * ((len + 2) / 3) + 1;
	unsigned char *out = talloc_size(NULL, cap);
	if (out == NULL)
		return NULL;
	int n = EVP_EncodeBlock(out, data, (int)len);
	json_object *o = json_object_new_string_len((const char *)out, n);
	talloc_free(out);
	return o;
}

static json_object *headers_json(const struct mc_har_header *h, size_t n)
{
	json_object *a = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "name", json_object_new_string(h[i].name));
		json_object_object_add(o, "value", json_object_new_string(h[i].value));
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *entry_json(const struct mc_har_entry *e)
{
	json_object *o = json_object_new_object(), *rq = json_object_new_object(),
	            *rs = json_object_new_object(), *content = json_object_new_object();
	const char *ct = mc_har_header(e->req_headers, e->req_header_count, "Content-Type");
	json_object_object_add(o, "startedDateTime",
	                       json_object_new_string("1970-01-01T00:00:00Z"));
	json_object_object_add(o, "time", json_object_new_double(e->time_ms));
	json_object_object_add(rq, "method", json_object_new_string(e->method));
	json_object_object_add(rq, "url", json_object_new_string(e->url));
	json_object_object_add(rq, "httpVersion", json_object_new_string("HTTP/1.1"));
	json_object_object_add(rq, "cookies", json_object_new_array());
	json_object_object_add(rq, "headers", headers_json(e->req_headers, e->req_header_count));
	json_object_object_add(rq, "queryString", json_object_new_array());
	if (strcmp(e->method, "POST") == 0) {
		json_object *pd = json_object_new_object();
		json_object_object_add(
		    pd, "mimeType", json_object_new_string(ct ? ct : "application/octet-stream"));
		json_object_object_add(pd, "text", b64(e->req_body, e->req_body_len));
		json_object_object_add(pd, "_encoding", json_object_new_string("base64"));
		json_object_object_add(rq, "postData", pd);
	}
	json_object_object_add(rq, "headersSize", json_object_new_int(-1));
	json_object_object_add(rq, "bodySize", json_object_new_int64((int64_t)e->req_body_len));
	json_object_object_add(rs, "status", json_object_new_int((int)e->status));
	json_object_object_add(rs, "statusText", json_object_new_string(""));
	json_object_object_add(rs, "httpVersion", json_object_new_string("HTTP/1.1"));
	json_object_object_add(rs, "cookies", json_object_new_array());
	json_object_object_add(rs, "headers", headers_json(e->resp_headers, e->resp_header_count));
	json_object_object_add(content, "size", json_object_new_int64((int64_t)e->resp_body_len));
	ct = mc_har_header(e->resp_headers, e->resp_header_count, "Content-Type");
	json_object_object_add(content, "mimeType",
	                       json_object_new_string(ct ? ct : "application/octet-stream"));
	json_object_object_add(content, "text", b64(e->resp_body, e->resp_body_len));
	json_object_object_add(content, "encoding", json_object_new_string("base64"));
	json_object_object_add(rs, "content", content);
	json_object_object_add(rs, "redirectURL", json_object_new_string(""));
	json_object_object_add(rs, "headersSize", json_object_new_int(-1));
	json_object_object_add(rs, "bodySize", json_object_new_int64((int64_t)e->resp_body_len));
	json_object_object_add(o, "request", rq);
	json_object_object_add(o, "response", rs);
	json_object_object_add(o, "cache", json_object_new_object());
	json_object *t = json_object_new_object();
	json_object_object_add(t, "send", json_object_new_int(0));
	json_object_object_add(t, "wait", json_object_new_double(e->time_ms));
	json_object_object_add(t, "receive", json_object_new_int(0));
	json_object_object_add(o, "timings", t);
	if (e->comment != NULL)
		json_object_object_add(o, "comment", json_object_new_string(e->comment));
	if (e->example != NULL)
		json_object_object_add(o, "_example", json_tokener_parse(e->example));
	return o;
}

int mc_har_write(const struct mc_har *har, const char *path)
{
	json_object *root = json_object_new_object(), *log = json_object_new_object(),
	            *creator = json_object_new_object(), *entries = json_object_new_array();
	json_object_object_add(log, "version", json_object_new_string("1.2"));
	json_object_object_add(creator, "name", json_object_new_string("mapiclient"));
	json_object_object_add(creator, "version", json_object_new_string("1"));
	json_object_object_add(log, "creator", creator);
	json_object_object_add(log, "pages", json_object_new_array());
	for (size_t i = 0; i < har->count; i++)
		json_object_array_add(entries, entry_json(&har->entries[i]));
	json_object_object_add(log, "entries", entries);
	if (har->comment != NULL)
		json_object_object_add(log, "comment", json_object_new_string(har->comment));
	if (har->seed != NULL)
		json_object_object_add(log, "_seed", json_tokener_parse(har->seed));
	json_object_object_add(root, "log", log);
	const char *text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
	                                                            JSON_C_TO_STRING_NOSLASHESCAPE);
	int ret = -1, fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd >= 0) {
		size_t len = strlen(text), off = 0;
		while (off < len) {
			ssize_t w = write(fd, text + off, len - off);
			if (w <= 0)
				break;
			off += (size_t)w;
		}
		ret = (off == len && write(fd, "\n", 1) == 1) ? 0 : -1;
		if (close(fd) != 0)
			ret = -1;
	}
	int saved = errno;
	json_object_put(root);
	errno = saved;
	return ret;
}

const char *mc_har_header(const struct mc_har_header *h, size_t count, const char *name)
{
	for (size_t i = 0; i < count; i++) {
		if (strcasecmp(h[i].name, name) == 0)
			return h[i].value;
	}
	return NULL;
}

/* ---- reading ---- */

static const char *str_of(json_object *o, const char *key)
{
	json_object *v;
	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* A body: base64 when encoding says so, else the text itself. */
static int read_body(TALLOC_CTX *mem_ctx, json_object *o, const char *enc_key, uint8_t **data_r,
                     size_t *len_r)
{
	const char *text = str_of(o, "text"), *enc = str_of(o, enc_key);
	size_t len = text ? strlen(text) : 0;
	*data_r = talloc_zero_size(mem_ctx, len + 1);
	*len_r = 0;
	if (*data_r == NULL)
		return -1;
	if (text == NULL)
		return 0;
	if (enc == NULL || strcmp(enc, "base64") != 0) {
		memcpy(*data_r, text, len);
		*len_r = len;
		return 0;
	}
	if (len % 4 != 0)
		return -1;
	int n = EVP_DecodeBlock(*data_r, (const unsigned char *)text, (int)len);
	if (n < 0)
		return -1;
	/* EVP_DecodeBlock counts the padding as zero bytes */
	size_t pad = (len > 0 && text[len - 1] == '=') + (len > 1 && text[len - 2] == '=');
	*len_r = (size_t)n - pad;
	return 0;
}

static int read_headers(TALLOC_CTX *mem_ctx, json_object *o, struct mc_har_header **h_r,
                        size_t *n_r)
{
	json_object *a;
	*h_r = NULL;
	*n_r = 0;
	if (!json_object_object_get_ex(o, "headers", &a) ||
	    !json_object_is_type(a, json_type_array))
		return -1;
	size_t n = json_object_array_length(a);
	*h_r = talloc_zero_array(mem_ctx, struct mc_har_header, n + 1);
	if (*h_r == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		json_object *h = json_object_array_get_idx(a, i);
		const char *name = str_of(h, "name"), *value = str_of(h, "value");
		if (name == NULL || value == NULL)
			return -1;
		(*h_r)[i].name = talloc_strdup(*h_r, name);
		(*h_r)[i].value = talloc_strdup(*h_r, value);
	}
	*n_r = n;
	return 0;
}

static int read_entry(TALLOC_CTX *mem_ctx, json_object *o, struct mc_har_entry *e)
{
	json_object *rq, *rs, *pd, *content, *v;
	memset(e, 0, sizeof(*e));
	if (!json_object_object_get_ex(o, "request", &rq) ||
	    !json_object_object_get_ex(o, "response", &rs) || str_of(rq, "method") == NULL ||
	    str_of(rq, "url") == NULL ||
	    read_headers(mem_ctx, rq, &e->req_headers, &e->req_header_count) < 0 ||
	    read_headers(mem_ctx, rs, &e->resp_headers, &e->resp_header_count) < 0)
		return -1;
	e->method = talloc_strdup(mem_ctx, str_of(rq, "method"));
	e->url = talloc_strdup(mem_ctx, str_of(rq, "url"));
	if (str_of(o, "comment") != NULL)
		e->comment = talloc_strdup(mem_ctx, str_of(o, "comment"));
	if (json_object_object_get_ex(o, "_example", &v))
		e->example = talloc_strdup(mem_ctx, json_object_to_json_string(v));
	if (json_object_object_get_ex(rq, "postData", &pd)) {
		if (read_body(mem_ctx, pd, "_encoding", &e->req_body, &e->req_body_len) < 0)
			return -1;
	} else if (read_body(mem_ctx, rq, "_none", &e->req_body, &e->req_body_len) < 0) {
		return -1;
	}
	if (!json_object_object_get_ex(rs, "status", &v) ||
	    !json_object_is_type(v, json_type_int) ||
	    !json_object_object_get_ex(rs, "content", &content) ||
	    read_body(mem_ctx, content, "encoding", &e->resp_body, &e->resp_body_len) < 0)
		return -1;
	e->status = (long)json_object_get_int64(v);
	if (json_object_object_get_ex(o, "time", &v))
		e->time_ms = json_object_get_double(v);
	return 0;
}

struct mc_har *mc_har_read(TALLOC_CTX *mem_ctx, const char *path, const char **error_r)
{
	json_object *root = json_object_from_file(path), *log, *entries;
	struct mc_har *har = mc_har_new(mem_ctx);
	if (root == NULL) {
		*error_r =
		    talloc_asprintf(mem_ctx, "%s: not a JSON file (%s)", path,
		                    json_util_get_last_err() ? json_util_get_last_err() : "?");
		goto fail;
	}
	if (!json_object_object_get_ex(root, "log", &log) ||
	    !json_object_object_get_ex(log, "entries", &entries) ||
	    !json_object_is_type(entries, json_type_array)) {
		*error_r = talloc_asprintf(mem_ctx, "%s: no log.entries (not a HAR file)", path);
		goto fail;
	}
	if (str_of(log, "comment") != NULL)
		har->comment = talloc_strdup(har, str_of(log, "comment"));
	json_object *seed;
	if (json_object_object_get_ex(log, "_seed", &seed))
		har->seed = talloc_strdup(har, json_object_to_json_string(seed));
	size_t n = json_object_array_length(entries);
	har->entries = talloc_zero_array(har, struct mc_har_entry, n + 1);
	for (size_t i = 0; i < n; i++) {
		if (read_entry(har->entries, json_object_array_get_idx(entries, i),
		               &har->entries[i]) < 0) {
			*error_r = talloc_asprintf(mem_ctx, "%s: entry %zu is not a HAR 1.2 entry",
			                           path, i);
			goto fail;
		}
	}
	har->count = n;
	json_object_put(root);
	return har;
fail:
	if (root != NULL)
		json_object_put(root);
	talloc_free(har);
	return NULL;
}
