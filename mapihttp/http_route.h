/*
 * http_route: the routing table.  Routes are declared in one table (see
 * mapihttp_routes.c); a route matches a normalised path exactly, or a
 * prefix followed by exactly one non-empty segment, never anything looser,
 * so no query string or path trick can change where a request goes.
 */
#ifndef HTTP_ROUTE_H
#define HTTP_ROUTE_H

#include <stdbool.h>

#include "http_request.h"

enum http_route_match {
	HTTP_MATCH_EXACT = 0,
	HTTP_MATCH_SEGMENT, /* path = prefix + one segment without '/' */
};

enum http_route_access {
	HTTP_ACCESS_AUTHENTICATED = 0, /* the default: nothing runs before auth */
	HTTP_ACCESS_PUBLIC,
};

struct http_route {
	const char *name; /* for logs */
	const char *method;
	const char *path;
	enum http_route_match match;
	bool case_insensitive; /* IIS compares /autodiscover/ paths without case */
	enum http_route_access access;
	bool plain_only;  /* only on listeners without TLS */
	bool mapi_errors; /* errors as [MS-OXCMAPIHTTP] 2.2.3.3.3 X-ResponseCode */
	http_handler_fn *handler;
};

enum http_route_result {
	HTTP_ROUTE_FOUND = 0,
	HTTP_ROUTE_NOT_FOUND,
	HTTP_ROUTE_BAD_METHOD, /* the path exists, not for this method */
};

/* Finds the route for method and normalised path on a TLS or plain
 * listener.  On HTTP_ROUTE_FOUND sets *route_r and *rest_r (the segment for
 * HTTP_MATCH_SEGMENT routes, else NULL).  On HTTP_ROUTE_BAD_METHOD sets
 * *route_r to the first route of that path (for error rendering). */
enum http_route_result http_route_lookup(const struct http_route *table, unsigned count,
                                         const char *method, const char *path, bool tls,
                                         const struct http_route **route_r, const char **rest_r);

#endif
