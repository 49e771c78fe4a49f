/*
 * autodiscover: the Autodiscover answers of [MS-OXDSCLI] (POX, 2006a) and the
 * JSON v1.0 endpoint, as pure functions: request bytes and the authenticated
 * user in, response bytes out.  No HTTP, no sockets; mapihttp/ routes to it.
 */
#ifndef AUTODISCOVER_H
#define AUTODISCOVER_H

#include <stdbool.h>
#include <stddef.h>
#include <talloc.h>

#include "directory.h"

struct ad_config {
	/* Base URL the server advertises, without a trailing slash:
	 * "https://mail.example.com" (external_url, or derived from hostname). */
	const char *base_url;
	/* The server's public host name, used in server DNs and EXHTTP. */
	const char *hostname;
};

struct ad_response {
	int http_status; /* 200 for every POX answer, Error responses included */
	const char *content_type;
	char *body; /* allocated on mem_ctx */
	size_t body_len;
	char *location; /* for redirects, else NULL */
};

/* POST /autodiscover/autodiscover.xml.  auth_address is the authenticated
 * user's primary address; a request for anyone else's settings answers the
 * Error response Exchange gives.  mapihttp_capable is true when the request
 * carried X-MapiHttpCapability >= 1 ([MS-OXDSCLI] 2.2.1). Returns 0, or -1
 * on an internal error (the caller answers 500).  A failing directory is
 * answered in the protocol: the Error response with ErrorCode 603, and 0. */
int autodiscover_pox(TALLOC_CTX *mem_ctx, struct directory *dir, const struct ad_config *cfg,
                     const char *auth_address, const char *body, size_t body_len,
                     bool mapihttp_capable, struct ad_response *resp_r, const char **error_r);

/* GET /autodiscover/autodiscover.json/v1.0/<address>?Protocol=<p>.
 * path_rest is what follows ".../v1.0/", query_protocol the Protocol
 * parameter (NULL when absent). */
int autodiscover_json(TALLOC_CTX *mem_ctx, struct directory *dir, const struct ad_config *cfg,
                      const char *auth_address, const char *path_rest, const char *query_protocol,
                      struct ad_response *resp_r, const char **error_r);

/* The unauthenticated GET http://autodiscover.<domain>/autodiscover/
 * autodiscover.xml of [MS-OXDISCO] 3.1.5: a 302 whose location is
 * <base_url>/autodiscover/autodiscover.xml.  Returns 0, or -1. */
int autodiscover_redirect(TALLOC_CTX *mem_ctx, const struct ad_config *cfg,
                          struct ad_response *resp_r, const char **error_r);

#endif
