/*
 * mapihttp_routes: the daemon's routing table and its handlers.  Routes
 * match exact normalised paths (http_route.h); everything that reads
 * directory, autodiscover, mailbox or address-book data is reachable only
 * after authentication.
 *
 *   GET  /health                                      public, "ok"
 *   POST /autodiscover/autodiscover.xml               Autodiscover POX
 *   GET  /autodiscover/autodiscover.xml               plain HTTP only, public:
 *                                                     302 to the HTTPS URL
 *   GET  /autodiscover/autodiscover.json/v1.0/<addr>  Autodiscover JSON
 *   POST /mapi/emsmdb[/], /mapi/nspi[/]               MAPI/HTTP (disabled for now)
 * (/autodiscover/ paths without case, as IIS compares them.)
 */
#ifndef MAPIHTTP_ROUTES_H
#define MAPIHTTP_ROUTES_H

#include "autodiscover.h"
#include "directory.h"
#include "http_route.h"

/* The application context handlers see as req->app. */
struct mapihttpd {
	const struct http_config *cfg;
	struct directory *dir;
	struct ad_config ad;
};

/* The routing table and its length. */
const struct http_route *mapihttp_routes(unsigned *count_r);

#endif
