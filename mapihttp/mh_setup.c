/*
 * The daemon's MAPI/HTTP side: the store, the address-book engine, the
 * EMSMDB engine and the MAPI/HTTP layer, started beside the directory and
 * stopped after the HTTP server.
 */
#include <string.h>

#include "addrbook.h"
#include "emsmdb.h"
#include "http_config.h"
#include "log.h"
#include "mapihttp_routes.h"
#include "mh_layer.h"
#include "store.h"

int mapi_endpoints_start(TALLOC_CTX *mem_ctx, const struct http_config *cfg, struct mapihttpd *app,
                         const char **error_r)
{
	struct store_settings ss = {0};
	struct addrbook_settings as = {.base_url = cfg->external_url};
	struct mh_settings ms = {
	    .session_timeout = cfg->mapi_session_timeout,
	    .pending_period_ms = cfg->mapi_pending_period,
	    .notify_wait = cfg->mapi_notification_wait,
	    .workers = cfg->mapi_workers > 0 ? cfg->mapi_workers : 1,
	    .timer = true,
	};
	const char *error = NULL;

	if (store_open(mem_ctx, cfg->data_dir, &ss, &app->store, &error) < 0) {
		*error_r = talloc_asprintf(mem_ctx, "store: %s", error);
		goto fail;
	}
	if (addrbook_init(mem_ctx, app->dir, &as, &app->ab, &error) < 0) {
		*error_r = talloc_asprintf(mem_ctx, "addrbook: %s", error);
		goto fail;
	}
	if (ems_server_new(mem_ctx, app->store, app->dir, cfg->hostname, &app->ems, &error) < 0) {
		*error_r = talloc_asprintf(mem_ctx, "emsmdb: %s", error);
		goto fail;
	}
	if (mh_server_new(mem_ctx, &ms, app->ab, app->ems, &app->mh, &error) < 0) {
		*error_r = talloc_asprintf(mem_ctx, "mapihttp: %s", error);
		goto fail;
	}
	log_info("mapihttpd",
	         "mapi-endpoints session_timeout=%u pending_period_ms=%u "
	         "notification_wait=%u workers=%u",
	         ms.session_timeout, ms.pending_period_ms, ms.notify_wait, ms.workers);
	return 0;
fail:
	mapi_endpoints_stop(app);
	return -1;
}

void mapi_endpoints_shutdown(struct mapihttpd *app)
{
	if (app->mh != NULL)
		mh_server_shutdown(app->mh);
}

void mapi_endpoints_stop(struct mapihttpd *app)
{
	mh_server_free(&app->mh);
	/* The EMSMDB engine has no free function of its own; its sessions are
	 * gone with the layer, so it goes before the store it reads. */
	talloc_free(app->ems);
	app->ems = NULL;
	if (app->ab != NULL)
		addrbook_deinit(&app->ab);
	if (app->store != NULL)
		store_close(&app->store);
}
