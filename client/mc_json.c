/*
 * mc_json: string members of one flat JSON object (RFC 8259).
 */
#include "mc_json.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

struct jp {
	const char *p, *end;
};

static void ws(struct jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static int hex4(const char *p, uint32_t *v_r)
{
	uint32_t v = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (uint32_t)(c - 'A' + 10);
		else
			return -1;
	}
	*v_r = v;
	return 0;
}

static char *put_utf8(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		*o++ = (char)cp;
	} else if (cp < 0x800) {
		*o++ = (char)(0xC0 | (cp >> 6));
		*o++ = (char)(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		*o++ = (char)(0xE0 | (cp >> 12));
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
		*o++ = (char)(0x80 | (cp & 0x3F));
	} else {
		*o++ = (char)(0xF0 | (cp >> 18));
		*o++ = (char)(0x80 | ((cp >> 12) & 0x3F));
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
		*o++ = (char)(0x80 | (cp & 0x3F));
	}
	return o;
}

/* A string at j->p (the opening quote), decoded onto mem_ctx. */
static int json_string(TALLOC_CTX *mem_ctx, struct jp *j, char **s_r)
{
	if (j->p >= j->end || *j->p != '"')
		return -1;
	j->p++;
	/* decoded UTF-8 is never longer than the escaped text */
	char *out = talloc_size(mem_ctx, (size_t)(j->end - j->p) + 1), *o = out;
	if (out == NULL)
		return -1;
	while (j->p < j->end && *j->p != '"') {
		unsigned char c = (unsigned char)*j->p++;
		if (c < 0x20)
			goto fail;
		if (c != '\\') {
			*o++ = (char)c;
			continue;
		}
		if (j->p >= j->end)
			goto fail;
		char e = *j->p++;
		const char *simple = strchr("\"\\/bfnrt", e);
		if (e != '\0' && simple != NULL) {
			*o++ = "\"\\/\b\f\n\r\t"[simple - "\"\\/bfnrt"];
			continue;
		}
		uint32_t cp, lo;
		if (e != 'u' || j->end - j->p < 4 || hex4(j->p, &cp) < 0)
			goto fail;
		j->p += 4;
		if (cp >= 0xD800 && cp < 0xDC00 && j->end - j->p >= 6 && j->p[0] == '\\' &&
		    j->p[1] == 'u' && hex4(j->p + 2, &lo) == 0 && lo >= 0xDC00 && lo < 0xE000) {
			cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			j->p += 6;
		} else if (cp >= 0xD800 && cp < 0xE000) {
			goto fail; /* unpaired surrogate */
		}
		o = put_utf8(o, cp);
	}
	if (j->p >= j->end)
		goto fail;
	j->p++;
	*o = '\0';
	*s_r = out;
	return 0;
fail:
	talloc_free(out);
	return -1;
}

/* A number, true, false or null: skipped. */
static int json_scalar(struct jp *j)
{
	const char *start = j->p;
	while (j->p < j->end && strchr("+-.0123456789eEtrufalsn", *j->p) != NULL && *j->p != '\0')
		j->p++;
	return j->p > start ? 0 : -1;
}

int mc_json_get_string(TALLOC_CTX *mem_ctx, const char *text, size_t len, const char *key,
                       char **value_r)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct jp j = {text, text + len};
	char *found = NULL;
	int ret = -1;
	if (tmp == NULL)
		return -1;
	ws(&j);
	if (j.p >= j.end || *j.p++ != '{')
		goto out;
	ws(&j);
	bool first = true;
	while (j.p < j.end && *j.p != '}') {
		char *k, *v = NULL;
		if (!first && *j.p++ != ',')
			goto out;
		first = false;
		ws(&j);
		if (json_string(tmp, &j, &k) < 0)
			goto out;
		ws(&j);
		if (j.p >= j.end || *j.p++ != ':')
			goto out;
		ws(&j);
		if (j.p < j.end && *j.p == '"') {
			if (json_string(tmp, &j, &v) < 0)
				goto out;
		} else if (json_scalar(&j) < 0) {
			goto out;
		}
		if (v != NULL && strcmp(k, key) == 0)
			found = v;
		ws(&j);
	}
	if (j.p >= j.end)
		goto out;
	j.p++;
	ws(&j);
	if (j.p != j.end)
		goto out;
	ret = found != NULL;
	if (found != NULL)
		*value_r = talloc_steal(mem_ctx, found);
out:
	talloc_free(tmp);
	return ret;
}
