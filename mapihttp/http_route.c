#include "http_route.h"

#include <string.h>
#include <strings.h>

/* Returns true when path matches r; *rest_r gets the segment. */
static bool path_matches(const struct http_route *r, const char *path, const char **rest_r)
{
	size_t plen = strlen(r->path);
	int cmp;

	*rest_r = NULL;
	if (r->match == HTTP_MATCH_EXACT)
		return (r->case_insensitive ? strcasecmp(path, r->path) : strcmp(path, r->path)) ==
		       0;
	cmp = r->case_insensitive ? strncasecmp(path, r->path, plen) : strncmp(path, r->path, plen);
	if (cmp != 0 || path[plen] == '\0' || strchr(path + plen, '/') != NULL)
		return false;
	*rest_r = path + plen;
	return true;
}

enum http_route_result http_route_lookup(const struct http_route *table, unsigned count,
                                         const char *method, const char *path, bool tls,
                                         const struct http_route **route_r, const char **rest_r)
{
	const struct http_route *path_seen = NULL;

	for (unsigned i = 0; i < count; i++) {
		const struct http_route *r = &table[i];
		const char *rest;

		if (!path_matches(r, path, &rest))
			continue;
		if (path_seen == NULL)
			path_seen = r;
		if (strcmp(r->method, method) != 0 || (r->plain_only && tls))
			continue;
		*route_r = r;
		*rest_r = rest;
		return HTTP_ROUTE_FOUND;
	}
	if (path_seen != NULL) {
		*route_r = path_seen;
		return HTTP_ROUTE_BAD_METHOD;
	}
	return HTTP_ROUTE_NOT_FOUND;
}
