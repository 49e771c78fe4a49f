/*
 * mc_cookie: a small RFC 6265 cookie jar for one server
 * ([MS-OXCMAPIHTTP] 3.1.5.2 "the client MUST send all cookies").
 */
#include "mc_cookie.h"

#include <curl/curl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct mc_cookie_jar *mc_cookie_jar_new(TALLOC_CTX *mem_ctx)
{
	return talloc_zero(mem_ctx, struct mc_cookie_jar);
}

static const char *skip_ws(const char *s, const char *end)
{
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	return s;
}

static const char *trim_end(const char *s, const char *end)
{
	while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	return end;
}

/* RFC 6265 5.1.4: the default path is the request path up to, not
 * including, its last '/', or "/" when that leaves nothing. */
static char *default_path(TALLOC_CTX *mem_ctx, const char *request_path)
{
	const char *slash = request_path ? strrchr(request_path, '/') : NULL;
	if (request_path == NULL || request_path[0] != '/' || slash == request_path)
		return talloc_strdup(mem_ctx, "/");
	return talloc_strndup(mem_ctx, request_path, (size_t)(slash - request_path));
}

/* RFC 6265 5.1.4 path-match. */
static bool path_match(const char *cookie_path, const char *path)
{
	size_t n = strlen(cookie_path);
	if (strncmp(cookie_path, path, n) != 0)
		return false;
	return path[n] == '\0' || cookie_path[n - 1] == '/' || path[n] == '/';
}

static void jar_remove(struct mc_cookie_jar *jar, size_t i)
{
	talloc_free(jar->cookies[i].name);
	talloc_free(jar->cookies[i].value);
	talloc_free(jar->cookies[i].path);
	memmove(&jar->cookies[i], &jar->cookies[i + 1],
	        (jar->count - i - 1) * sizeof(jar->cookies[0]));
	jar->count--;
}

struct cookie_attrs {
	char *path;
	bool expired;
};

/* The attributes after the name=value pair (RFC 6265 5.2.1-5.2.4). */
static int parse_attrs(TALLOC_CTX *mem_ctx, const char *s, time_t now, struct cookie_attrs *a)
{
	while (s != NULL && *s == ';') {
		s++;
		const char *end = strchr(s, ';');
		if (end == NULL)
			end = s + strlen(s);
		const char *k = skip_ws(s, end);
		const char *eq = k;
		while (eq < end && *eq != '=')
			eq++;
		if (eq == end)
			eq = NULL;
		const char *kend = trim_end(k, eq ? eq : end);
		const char *v = eq ? skip_ws(eq + 1, end) : end;
		const char *vend = trim_end(v, end);
		size_t klen = (size_t)(kend - k);
		char *val = talloc_strndup(mem_ctx, v, (size_t)(vend - v));
		if (val == NULL)
			return -1;
		if (klen == 4 && strncasecmp(k, "path", 4) == 0 && val[0] == '/') {
			a->path = val;
		} else if (klen == 7 && strncasecmp(k, "max-age", 7) == 0) {
			char *e;
			long secs = strtol(val, &e, 10);
			if (*val != '\0' && *e == '\0' && secs <= 0)
				a->expired = true;
			else if (*val != '\0' && *e == '\0')
				a->expired = false;
		} else if (klen == 7 && strncasecmp(k, "expires", 7) == 0) {
			time_t t = curl_getdate(val, NULL);
			if (t != -1 && t <= now)
				a->expired = true;
		}
		s = end;
	}
	return 0;
}

int mc_cookie_jar_set(struct mc_cookie_jar *jar, const char *set_cookie, const char *request_path,
                      time_t now)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	int ret = -1;
	const char *end = strchr(set_cookie, ';');
	if (end == NULL)
		end = set_cookie + strlen(set_cookie);
	const char *eq = memchr(set_cookie, '=', (size_t)(end - set_cookie));
	if (tmp == NULL)
		return -1;
	if (eq == NULL) {
		ret = 0; /* RFC 6265 5.2: no '=' -> ignore the header */
		goto out;
	}
	const char *n = skip_ws(set_cookie, eq), *nend = trim_end(n, eq);
	const char *v = skip_ws(eq + 1, end), *vend = trim_end(v, end);
	if (nend == n) {
		ret = 0; /* empty name -> ignore */
		goto out;
	}
	struct cookie_attrs a = {0};
	if (parse_attrs(tmp, *end == ';' ? end : NULL, now, &a) < 0)
		goto out;
	char *name = talloc_strndup(tmp, n, (size_t)(nend - n));
	char *value = talloc_strndup(tmp, v, (size_t)(vend - v));
	char *path = a.path ? a.path : default_path(tmp, request_path);
	if (name == NULL || value == NULL || path == NULL)
		goto out;
	/* RFC 6265 5.3 step 11: same name and path replaces the old one. */
	for (size_t i = 0; i < jar->count; i++) {
		if (strcmp(jar->cookies[i].name, name) == 0 &&
		    strcmp(jar->cookies[i].path, path) == 0) {
			jar_remove(jar, i);
			break;
		}
	}
	if (a.expired) {
		ret = 1;
		goto out;
	}
	struct mc_cookie *nc = talloc_realloc(jar, jar->cookies, struct mc_cookie, jar->count + 1);
	if (nc == NULL)
		goto out;
	jar->cookies = nc;
	nc[jar->count].name = talloc_steal(jar, name);
	nc[jar->count].value = talloc_steal(jar, value);
	nc[jar->count].path = talloc_steal(jar, path);
	jar->count++;
	ret = 1;
out:
	talloc_free(tmp);
	return ret;
}

char *mc_cookie_jar_header(TALLOC_CTX *mem_ctx, const struct mc_cookie_jar *jar, const char *path)
{
	char *h = NULL;
	for (size_t i = 0; i < jar->count; i++) {
		const struct mc_cookie *c = &jar->cookies[i];
		if (!path_match(c->path, path))
			continue;
		if (h == NULL)
			h = talloc_asprintf(mem_ctx, "%s=%s", c->name, c->value);
		else
			h = talloc_asprintf_append(h, "; %s=%s", c->name, c->value);
		if (h == NULL)
			return NULL;
	}
	return h;
}

const char *mc_cookie_jar_get(const struct mc_cookie_jar *jar, const char *name)
{
	for (size_t i = 0; i < jar->count; i++) {
		if (strcmp(jar->cookies[i].name, name) == 0)
			return jar->cookies[i].value;
	}
	return NULL;
}

void mc_cookie_jar_clear(struct mc_cookie_jar *jar)
{
	while (jar->count > 0)
		jar_remove(jar, jar->count - 1);
}
