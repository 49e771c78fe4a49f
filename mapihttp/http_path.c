#include "http_path.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

const char *http_path_strerror(enum http_path_error error)
{
	switch (error) {
	case HTTP_PATH_OK:
		return "ok";
	case HTTP_PATH_E_NOT_ABSOLUTE:
		return "path does not start with /";
	case HTTP_PATH_E_TOO_LONG:
		return "path or query too long";
	case HTTP_PATH_E_BAD_ESCAPE:
		return "bad percent-escape";
	case HTTP_PATH_E_ENCODED_SEPARATOR:
		return "encoded separator, dot, percent or control byte";
	case HTTP_PATH_E_FORBIDDEN_CHAR:
		return "forbidden character";
	case HTTP_PATH_E_DOT_SEGMENT:
		return "dot segment";
	case HTTP_PATH_E_EMPTY_SEGMENT:
		return "empty segment";
	case HTTP_PATH_E_BAD_UTF8:
		return "invalid UTF-8";
	case HTTP_PATH_E_BAD_QUERY:
		return "bad query";
	}
	return "unknown error";
}

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0. */
static size_t utf8_seq_len(const unsigned char *s, size_t n)
{
	size_t len;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		len = 2, cp = s[0] & 0x1F;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		len = 3, cp = s[0] & 0x0F;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
		return 0;
	return len;
}

static bool utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < n;) {
		size_t l = utf8_seq_len(p + i, n - i);
		if (l == 0)
			return false;
		i += l;
	}
	return true;
}

/* Decodes raw[0..len) once into out (capacity len + 1).  Escapes of bytes
 * that could change the path's structure are refused. */
static enum http_path_error decode_path(const char *raw, size_t len, char *out, size_t *out_len_r)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)raw[i];

		if (c == '%') {
			int hi, lo;

			if (len - i < 3)
				return HTTP_PATH_E_BAD_ESCAPE;
			hi = hexval((unsigned char)raw[i + 1]);
			lo = hexval((unsigned char)raw[i + 2]);
			if (hi < 0 || lo < 0)
				return HTTP_PATH_E_BAD_ESCAPE;
			c = (unsigned char)(hi << 4 | lo);
			if (c == '/' || c == '\\' || c == '.' || c == '%' || c < 0x20 || c == 0x7f)
				return HTTP_PATH_E_ENCODED_SEPARATOR;
			i += 2;
		} else if (c < 0x20 || c == 0x7f || c == '\\' || c == '#') {
			return HTTP_PATH_E_FORBIDDEN_CHAR;
		}
		out[o++] = (char)c;
	}
	out[o] = '\0';
	*out_len_r = o;
	return HTTP_PATH_OK;
}

static enum http_path_error check_segments(const char *path, size_t len)
{
	/* path[0] == '/'; look at every segment after a '/'. */
	for (size_t i = 0; i < len; i++) {
		size_t seg_len;

		if (path[i] != '/')
			continue;
		seg_len = strcspn(path + i + 1, "/");
		if (seg_len == 0 && i + 1 < len)
			return HTTP_PATH_E_EMPTY_SEGMENT; /* "//" */
		if ((seg_len == 1 && path[i + 1] == '.') ||
		    (seg_len == 2 && path[i + 1] == '.' && path[i + 2] == '.'))
			return HTTP_PATH_E_DOT_SEGMENT;
	}
	return HTTP_PATH_OK;
}

enum http_path_error http_path_normalise(TALLOC_CTX *mem_ctx, const char *raw, size_t len,
                                         char **path_r)
{
	enum http_path_error err;
	size_t out_len;
	char *out;

	if (len == 0 || raw[0] != '/')
		return HTTP_PATH_E_NOT_ABSOLUTE;
	if (len > HTTP_PATH_MAX)
		return HTTP_PATH_E_TOO_LONG;
	out = talloc_size(mem_ctx, len + 1);
	if (out == NULL)
		return HTTP_PATH_E_TOO_LONG;
	err = decode_path(raw, len, out, &out_len);
	if (err == HTTP_PATH_OK && memchr(out, '%', out_len) != NULL)
		err = HTTP_PATH_E_FORBIDDEN_CHAR;
	if (err == HTTP_PATH_OK && !utf8_valid(out, out_len))
		err = HTTP_PATH_E_BAD_UTF8;
	if (err == HTTP_PATH_OK)
		err = check_segments(out, out_len);
	if (err != HTTP_PATH_OK) {
		talloc_free(out);
		return err;
	}
	*path_r = out;
	return HTTP_PATH_OK;
}

/* Decodes a query component (application/x-www-form-urlencoded: '+' is a
 * space).  NUL bytes and invalid UTF-8 are refused. */
static char *decode_query_part(TALLOC_CTX *mem_ctx, const char *s, size_t len)
{
	char *out = talloc_size(mem_ctx, len + 1);
	size_t o = 0;

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '+') {
			c = ' ';
		} else if (c == '%') {
			int hi, lo;

			if (len - i < 3)
				return NULL;
			hi = hexval((unsigned char)s[i + 1]);
			lo = hexval((unsigned char)s[i + 2]);
			if (hi < 0 || lo < 0)
				return NULL;
			c = (unsigned char)(hi << 4 | lo);
			i += 2;
		}
		if (c < 0x20 || c == 0x7f)
			return NULL;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return utf8_valid(out, o) ? out : NULL;
}

static enum http_path_error parse_query(TALLOC_CTX *mem_ctx, const char *q, struct http_target *t)
{
	size_t len = strlen(q);

	if (len > HTTP_QUERY_MAX)
		return HTTP_PATH_E_TOO_LONG;
	if (strchr(q, '#') != NULL)
		return HTTP_PATH_E_BAD_QUERY;
	t->params = talloc_zero_array(mem_ctx, struct http_query_param, HTTP_QUERY_MAX_PARAMS);
	if (t->params == NULL)
		return HTTP_PATH_E_BAD_QUERY;
	while (*q != '\0') {
		size_t n = strcspn(q, "&");
		const char *eq = memchr(q, '=', n);
		struct http_query_param *p;

		if (n > 0) {
			if (t->param_count == HTTP_QUERY_MAX_PARAMS)
				return HTTP_PATH_E_BAD_QUERY;
			p = &t->params[t->param_count++];
			p->name =
			    decode_query_part(t->params, q, eq != NULL ? (size_t)(eq - q) : n);
			p->value = eq != NULL ? decode_query_part(t->params, eq + 1,
			                                          n - (size_t)(eq - q) - 1)
			                      : talloc_strdup(t->params, "");
			if (p->name == NULL || p->value == NULL)
				return HTTP_PATH_E_BAD_QUERY;
		}
		q += n;
		if (*q == '&')
			q++;
	}
	return HTTP_PATH_OK;
}

enum http_path_error http_target_parse(TALLOC_CTX *mem_ctx, const char *raw,
                                       struct http_target **target_r)
{
	struct http_target *t = talloc_zero(mem_ctx, struct http_target);
	const char *q = strchr(raw, '?');
	size_t path_len = q != NULL ? (size_t)(q - raw) : strlen(raw);
	enum http_path_error err;

	if (t == NULL)
		return HTTP_PATH_E_TOO_LONG;
	err = http_path_normalise(t, raw, path_len, &t->path);
	if (err == HTTP_PATH_OK && q != NULL)
		err = parse_query(t, q + 1, t);
	if (err != HTTP_PATH_OK) {
		talloc_free(t);
		return err;
	}
	*target_r = t;
	return HTTP_PATH_OK;
}

const char *http_target_param(const struct http_target *target, const char *name)
{
	for (unsigned i = 0; i < target->param_count; i++) {
		if (strcasecmp(target->params[i].name, name) == 0)
			return target->params[i].value;
	}
	return NULL;
}
