/*
 * ad_private: what the parts of autodiscover/ share.  Nothing outside
 * autodiscover/ includes this file.
 */
#ifndef AD_PRIVATE_H
#define AD_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <talloc.h>

#include "autodiscover.h"

#define AD_REQUEST_NS                                                                              \
	"http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"
#define AD_RESPONSE_NS "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"
#define AD_OUTLOOK_NS                                                                              \
	"http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a"

/* Requests larger than this are refused (600) before parsing. */
#define AD_REQUEST_MAX (64 * 1024)

/* ErrorCode values, [MS-OXDSCLI] 2.2.4.1.1.3 (the Error element). */
enum ad_error_code {
	AD_OK = 0,
	AD_E_NOT_FOUND = 500,       /* the email address cannot be found */
	AD_E_INVALID_REQUEST = 600, /* the XML request is improperly formatted */
	AD_E_NO_PROVIDER = 601,     /* no configuration of the requested type */
	AD_E_INTERNAL = 603,        /* the server threw an internal error */
};

/* The message Exchange puts in Message for each code. */
const char *ad_error_message(enum ad_error_code code);

/* A parsed POX request ([MS-OXDSCLI] 2.2.3). */
struct ad_request {
	char *email_address; /* EMailAddress, or NULL */
	char *legacy_dn;     /* LegacyDN, or NULL */
	char *schema;        /* AcceptableResponseSchema */
};

/* Parses body without network access, DTDs or entity expansion.  Returns
 * AD_OK with *req_r on mem_ctx, or the error code to answer with *why_r
 * (a static string, for the log and DebugData). */
enum ad_error_code ad_request_parse(TALLOC_CTX *mem_ctx, const char *body, size_t len,
                                    struct ad_request **req_r, const char **why_r);

/* What the settings response is built from. */
struct ad_settings {
	const struct ad_config *cfg;
	const struct dir_org *org;
	const struct dir_user *user;
	bool mapihttp_capable;
};

/* The 2006a settings response ([MS-OXDSCLI] 2.2.4), on mem_ctx.  0 / -1. */
int ad_response_settings(TALLOC_CTX *mem_ctx, const struct ad_settings *s, char **body_r,
                         size_t *len_r);
/* The Error response ([MS-OXDSCLI] 2.2.4.1.1.3) with Time, Id (from the
 * host name), ErrorCode, Message and DebugData, on mem_ctx.  0 / -1. */
int ad_response_error(TALLOC_CTX *mem_ctx, const struct ad_config *cfg, enum ad_error_code code,
                      const char *debug_data, char **body_r, size_t *len_r);

#endif
