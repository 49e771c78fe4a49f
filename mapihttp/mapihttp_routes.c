#include "mapihttp_routes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mh_http.h"

#define AD_XML_PATH    "/autodiscover/autodiscover.xml"
#define AD_JSON_PREFIX "/autodiscover/autodiscover.json/v1.0/"

static enum http_handler_result answer_500(struct http_request *req, const char *what,
                                           const char *error)
{
	log_error("http", "handler-error route=%s what=%s error=%s", req->route->name, what,
	          error != NULL ? error : "unknown");
	http_respond_text(req, 500, "text/plain; charset=utf-8", "internal error\n");
	return HTTP_HANDLED;
}

static enum http_handler_result handle_health(struct http_request *req)
{
	http_respond_text(req, 200, "text/plain; charset=utf-8", "ok\n");
	return HTTP_HANDLED;
}

static void respond_ad(struct http_request *req, const struct ad_response *resp)
{
	if (resp->location != NULL)
		http_respond_header(req, "Location", resp->location);
	http_respond_header(req, "Cache-Control", "private, no-store");
	http_respond(req, (unsigned)resp->http_status, resp->content_type, resp->body,
	             resp->body_len);
}

/* [MS-OXDSCLI] 3.1.4: X-MapiHttpCapability, a version number >= 1, asks for
 * the mapiHttp protocol block. */
static bool mapihttp_capable(struct http_request *req)
{
	const char *v = http_request_header(req, "X-MapiHttpCapability");

	return v != NULL && atoi(v) >= 1;
}

/* [MS-OXDSCLI] 3.2.5: POST https://<server>/autodiscover/autodiscover.xml. */
static enum http_handler_result handle_ad_pox(struct http_request *req)
{
	struct mapihttpd *app = req->app;
	struct ad_response resp;
	const char *error = NULL;

	memset(&resp, 0, sizeof(resp));
	if (autodiscover_pox(req, app->dir, &app->ad, req->auth_user, (const char *)req->body,
	                     req->body_len, mapihttp_capable(req), &resp, &error) < 0)
		return answer_500(req, "autodiscover_pox", error);
	respond_ad(req, &resp);
	return HTTP_HANDLED;
}

/* GET /autodiscover/autodiscover.json/v1.0/<address>?Protocol=<p>. */
static enum http_handler_result handle_ad_json(struct http_request *req)
{
	struct mapihttpd *app = req->app;
	struct ad_response resp;
	const char *error = NULL;

	memset(&resp, 0, sizeof(resp));
	if (autodiscover_json(req, app->dir, &app->ad, req->auth_user, req->path_rest,
	                      http_target_param(req->target, "Protocol"), &resp, &error) < 0)
		return answer_500(req, "autodiscover_json", error);
	respond_ad(req, &resp);
	return HTTP_HANDLED;
}

/* [MS-OXDISCO] 3.1.5: the unauthenticated GET on
 * http://autodiscover.<domain>/autodiscover/autodiscover.xml is answered
 * with a 302 to the HTTPS Autodiscover URL.  Plain-HTTP listeners only. */
static enum http_handler_result handle_ad_redirect(struct http_request *req)
{
	struct mapihttpd *app = req->app;
	const char *base = app->cfg->external_url;
	char *location;

	if (strncmp(base, "https://", 8) == 0)
		location = talloc_asprintf(req, "%s" AD_XML_PATH, base);
	else
		location = talloc_asprintf(req, "https://%s" AD_XML_PATH, app->cfg->hostname);
	if (location == NULL || http_respond_header(req, "Location", location) < 0)
		return answer_500(req, "redirect", "out of memory");
	http_respond_text(req, 302, "text/plain; charset=utf-8", "see Location\n");
	return HTTP_HANDLED;
}

/* [MS-OXCMAPIHTTP] 2.2.4 / 2.2.5: the two MAPI/HTTP endpoints. */
static enum http_handler_result handle_emsmdb(struct http_request *req)
{
	struct mapihttpd *app = req->app;

	if (app->mh == NULL)
		return mh_http_disabled(req);
	return mh_http_handle(req, app->mh, MH_EP_EMSMDB);
}

static enum http_handler_result handle_nspi(struct http_request *req)
{
	struct mapihttpd *app = req->app;

	if (app->mh == NULL)
		return mh_http_disabled(req);
	return mh_http_handle(req, app->mh, MH_EP_NSPI);
}

#define PUBLIC  HTTP_ACCESS_PUBLIC
#define AUTHED  HTTP_ACCESS_AUTHENTICATED
#define EXACT   HTTP_MATCH_EXACT
#define SEGMENT HTTP_MATCH_SEGMENT

/* name, method, path, match, case-insensitive, access, plain only,
 * MAPI-style errors, handler */
static const struct http_route routes[] = {
    {"health", "GET", "/health", EXACT, false, PUBLIC, false, false, handle_health},
    {"ad-pox", "POST", AD_XML_PATH, EXACT, true, AUTHED, false, false, handle_ad_pox},
    {"ad-redirect", "GET", AD_XML_PATH, EXACT, true, PUBLIC, true, false, handle_ad_redirect},
    {"ad-json", "GET", AD_JSON_PREFIX, SEGMENT, true, AUTHED, false, false, handle_ad_json},
    {"emsmdb", "POST", "/mapi/emsmdb/", EXACT, false, AUTHED, false, true, handle_emsmdb},
    {"emsmdb", "POST", "/mapi/emsmdb", EXACT, false, AUTHED, false, true, handle_emsmdb},
    {"nspi", "POST", "/mapi/nspi/", EXACT, false, AUTHED, false, true, handle_nspi},
    {"nspi", "POST", "/mapi/nspi", EXACT, false, AUTHED, false, true, handle_nspi},
};

const struct http_route *mapihttp_routes(unsigned *count_r)
{
	*count_r = sizeof(routes) / sizeof(routes[0]);
	return routes;
}
