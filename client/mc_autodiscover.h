/*
 * mc_autodiscover: how the client finds the MAPI/HTTP endpoints of a
 * mailbox: the Autodiscover JSON ("v2") request that names the POX
 * endpoint, then the POX request of [MS-OXDSCLI] with X-MapiHttpCapability
 * ([MS-OXDSCLI] 2.2.2.1, 2.2.4.1.1.2.6 mapiHttp Protocol), following
 * redirectAddr / redirectUrl answers.
 */
#ifndef MC_AUTODISCOVER_H
#define MC_AUTODISCOVER_H

#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

#include "mc_session.h"

struct mc_discovery {
	char *address;  /* the address finally asked for */
	char *json_url; /* the JSON request made, or NULL */
	char *pox_url;  /* the POX endpoint that answered */
	/* Response/User */
	char *display_name, *legacy_dn, *smtp_address, *deployment_id;
	/* Protocol Type="mapiHttp" */
	char *mapi_version;
	char *mailstore_internal, *mailstore_external;
	char *addressbook_internal, *addressbook_external;
	/* Protocol Type EXHTTP (or EXCH/EXPR) EwsUrl */
	char *ews_url;
	/* Response/Error when the server answered one */
	char *error_code, *error_message;
};

/* What a POX answer says. */
enum pox_outcome {
	POX_BAD = -1,      /* not an Autodiscover response */
	POX_SETTINGS,      /* Action settings: d filled */
	POX_ERROR,         /* Response/Error: d->error_code, d->error_message */
	POX_REDIRECT_ADDR, /* Action redirectAddr: *redirect_r the address */
	POX_REDIRECT_URL,  /* Action redirectUrl: *redirect_r the URL */
};

/* Parses a POX response body ([MS-OXDSCLI] 2.2.4) into d and *redirect_r
 * (allocated on mem_ctx).  No network access, no entity expansion. */
enum pox_outcome mc_autodiscover_parse(TALLOC_CTX *mem_ctx, const uint8_t *body, size_t len,
                                       struct mc_discovery *d, char **redirect_r);

/*
 * GET <base>/autodiscover/autodiscover.json/v1.0/<address>
 * ?Protocol=AutodiscoverV1 and returns its Url (the POX endpoint) on
 * mem_ctx.  -1 with the session error set when there is none.
 */
int mc_autodiscover_json(TALLOC_CTX *mem_ctx, struct mc_session *s, const char *base,
                         const char *address, char **pox_url_r);

/*
 * POSTs a POX request for address to url and parses the answer into d
 * (allocated on mem_ctx).  An Autodiscover Error answer returns -1 with
 * d->error_code/message set and the session error MC_E_SERVER.
 */
int mc_autodiscover_pox(TALLOC_CTX *mem_ctx, struct mc_session *s, const char *url,
                        const char *address, struct mc_discovery *d);

/*
 * The whole discovery for address: with opts.server, JSON then POX on that
 * base URL; without it, the candidates of [MS-OXDISCO] 3.1.5 built from the
 * address's domain (https://<domain>, https://autodiscover.<domain>, and
 * the unauthenticated GET redirect on http://autodiscover.<domain>).
 * On success the session's emsmdb_url, nspi_url, legacy_dn and
 * display_name are set.
 */
int mc_discover(TALLOC_CTX *mem_ctx, struct mc_session *s, const char *address,
                struct mc_discovery *d);

#endif
