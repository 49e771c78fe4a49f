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
 *   POST /mapi/emsmdb[/], /mapi/nspi[/]               MAPI/HTTP (mh_layer.h)
 * (/autodiscover/ paths without case, as IIS compares them.)
 */
#ifndef MAPIHTTP_ROUTES_H
#define MAPIHTTP_ROUTES_H

#include "autodiscover.h"
#include "directory.h"
#include "http_route.h"

struct store;
struct addrbook;
struct ems_server;
struct mh_server;

/* The application context handlers see as req->app. */
struct mapihttpd {
	const struct http_config *cfg;
	struct directory *dir;
	struct ad_config ad;
	struct store *store;    /* the mailboxes */
	struct addrbook *ab;    /* NSPI engine */
	struct ems_server *ems; /* EMSMDB engine */
	struct mh_server *mh;   /* the MAPI/HTTP layer; NULL: endpoints disabled */
};

/* mh_setup.c: opens the store and starts the address book, the EMSMDB
 * engine and the MAPI/HTTP layer over app->dir.  0, or -1 with *error_r
 * (everything already started is stopped again). */
int mapi_endpoints_start(TALLOC_CTX *mem_ctx, const struct http_config *cfg, struct mapihttpd *app,
                         const char **error_r);
/* Before the listeners are quiesced: new MAPI/HTTP requests answer
 * Endpoint Shutting Down and held NotificationWaits are answered. */
void mapi_endpoints_shutdown(struct mapihttpd *app);
/* After the server stopped: frees the sessions, the engines, the store. */
void mapi_endpoints_stop(struct mapihttpd *app);

/* The routing table and its length. */
const struct http_route *mapihttp_routes(unsigned *count_r);

#endif
