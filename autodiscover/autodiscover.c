/*
 * autodiscover: the POX and JSON entry points.  Each answer logs one line.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ad_private.h"
#include "log.h"

#define AD_XML_TYPE  "text/xml; charset=utf-8"
#define AD_JSON_TYPE "application/json; charset=utf-8"

static int answer_error(TALLOC_CTX *mem_ctx, const struct ad_config *cfg, enum ad_error_code code,
                        const char *why, const char *auth_address, struct ad_response *resp,
                        const char **error_r)
{
	log_info("autodiscover", "error code=%d reason=\"%s\" user=%s", (int)code, why,
	         auth_address == NULL ? "-" : auth_address);
	memset(resp, 0, sizeof(*resp));
	resp->http_status = 200; /* [MS-OXDSCLI] 2.2.4: errors are 200 too */
	resp->content_type = AD_XML_TYPE;
	/* DebugData stays empty for 500: it would tell apart addresses that
	 * exist from those that do not. */
	if (ad_response_error(mem_ctx, cfg, code, code == AD_E_NOT_FOUND ? "" : why, &resp->body,
	                      &resp->body_len) < 0) {
		*error_r = "cannot build the Error response";
		return -1;
	}
	return 0;
}

/* Finds the user the request names: LegacyDN wins over EMailAddress
 * ([MS-OXDSCLI] 3.2.5).  1 / 0 / -1. */
static int find_user(TALLOC_CTX *mem_ctx, struct directory *dir, const struct ad_request *req,
                     struct dir_user **user_r, const char **error_r)
{
	if (req->legacy_dn != NULL)
		return directory_user_by_legacy_dn(dir, mem_ctx, req->legacy_dn, user_r, error_r);
	return directory_user_by_address(dir, mem_ctx, req->email_address, user_r, error_r);
}

/* Whether user is the authenticated one, whichever of its addresses
 * auth_address is. */
static bool is_own(TALLOC_CTX *mem_ctx, struct directory *dir, const struct dir_user *user,
                   const char *auth_address)
{
	struct dir_user *auth;
	const char *error;

	if (auth_address == NULL)
		return false;
	if (strcasecmp(user->address, auth_address) == 0)
		return true;
	return directory_user_by_address(dir, mem_ctx, auth_address, &auth, &error) == 1 &&
	       auth->id == user->id;
}

int autodiscover_pox(TALLOC_CTX *mem_ctx, struct directory *dir, const struct ad_config *cfg,
                     const char *auth_address, const char *body, size_t body_len,
                     bool mapihttp_capable, struct ad_response *resp_r, const char **error_r)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ad_settings s = {.cfg = cfg, .mapihttp_capable = mapihttp_capable};
	struct ad_request *req;
	struct dir_user *user;
	struct dir_org *org;
	const char *why = NULL, *derr = NULL;
	enum ad_error_code code;
	int ret = -1, found;

	code = ad_request_parse(tmp, body, body_len, &req, &why);
	if (code != AD_OK) {
		ret = answer_error(mem_ctx, cfg, code, why, auth_address, resp_r, error_r);
		goto out;
	}
	found = find_user(tmp, dir, req, &user, &derr);
	if (found < 0 || directory_get_org(dir, tmp, &org, &derr) < 0) {
		log_error("autodiscover", "directory-error error=\"%s\"", derr);
		ret = answer_error(mem_ctx, cfg, AD_E_INTERNAL, "directory error", auth_address,
		                   resp_r, error_r);
		goto out;
	}
	/* A user may discover only their own settings; aliases resolve to the
	 * same user.  Someone else's address answers as an unknown one. */
	if (found == 0 || !is_own(tmp, dir, user, auth_address)) {
		ret = answer_error(mem_ctx, cfg, AD_E_NOT_FOUND,
		                   found == 0 ? "unknown address" : "not the user's own address",
		                   auth_address, resp_r, error_r);
		goto out;
	}
	s.org = org;
	s.user = user;
	memset(resp_r, 0, sizeof(*resp_r));
	if (ad_response_settings(mem_ctx, &s, &resp_r->body, &resp_r->body_len) < 0) {
		*error_r = "cannot build the settings response";
		goto out;
	}
	resp_r->http_status = 200;
	resp_r->content_type = AD_XML_TYPE;
	log_info("autodiscover", "settings user=%s mapihttp=%d", user->address,
	         mapihttp_capable ? 1 : 0);
	ret = 0;
out:
	talloc_free(tmp);
	return ret;
}

/* Copies s into a JSON string body without quotes: printable ASCII only,
 * others as \u00XX, at most 64 input bytes. */
static char *json_escape(TALLOC_CTX *mem_ctx, const char *s)
{
	char *out = talloc_strdup(mem_ctx, "");

	for (size_t i = 0; out != NULL && s[i] != '\0' && i < 64; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c >= 0x7F || c == '"' || c == '\\')
			out = talloc_asprintf_append(out, "\\u%04x", c);
		else
			out = talloc_asprintf_append(out, "%c", c);
	}
	return out;
}

static int json_answer(TALLOC_CTX *mem_ctx, int status, char *body, struct ad_response *resp,
                       const char **error_r)
{
	memset(resp, 0, sizeof(*resp));
	if (body == NULL) {
		*error_r = "out of memory";
		return -1;
	}
	resp->http_status = status;
	resp->content_type = AD_JSON_TYPE;
	resp->body = talloc_steal(mem_ctx, body);
	resp->body_len = strlen(body);
	return 0;
}

/* "%40" and friends in the address part of the path. */
static char *percent_decode(TALLOC_CTX *mem_ctx, const char *in)
{
	char *out = talloc_array(mem_ctx, char, strlen(in) + 1), *o = out;

	for (const char *p = in; out != NULL && *p != '\0'; p++) {
		unsigned v;

		if (*p == '%' && sscanf(p + 1, "%2x", &v) == 1 && p[1] != '\0' && p[2] != '\0') {
			*o++ = (char)v;
			p += 2;
		} else {
			*o++ = *p;
		}
	}
	if (out != NULL)
		*o = '\0';
	return out;
}

int autodiscover_json(TALLOC_CTX *mem_ctx, struct directory *dir, const struct ad_config *cfg,
                      const char *auth_address, const char *path_rest, const char *query_protocol,
                      struct ad_response *resp_r, const char **error_r)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	char *address = percent_decode(tmp, path_rest == NULL ? "" : path_rest), *body;
	const char *at = address == NULL ? NULL : strchr(address, '@');
	int ret, status = 400;

	if (at == NULL || at == address || at[1] == '\0' || strchr(address, '/') != NULL) {
		body = talloc_strdup(tmp, "{\"ErrorCode\":\"InvalidUser\",\"ErrorMessage\":"
		                          "\"The path does not end in an email address.\"}");
	} else if (query_protocol == NULL || query_protocol[0] == '\0') {
		body = talloc_strdup(tmp, "{\"ErrorCode\":\"MandatoryParameterMissing\","
		                          "\"ErrorMessage\":\"A valid value must be provided for "
		                          "the query parameter 'Protocol'.\"}");
	} else if (strcasecmp(query_protocol, "AutodiscoverV1") == 0) {
		/* The JSON endpoint only points at the POX one; the user is not
		 * looked up, so nothing tells which addresses exist. */
		status = 200;
		body = talloc_asprintf(tmp,
		                       "{\"Protocol\":\"AutodiscoverV1\",\"Url\":"
		                       "\"%s/autodiscover/autodiscover.xml\"}",
		                       cfg->base_url);
	} else {
		/* ActiveSync, Ews, Rest, MapiHttp and the rest: not served. */
		body = talloc_asprintf(tmp,
		                       "{\"ErrorCode\":\"ProtocolNotSupported\",\"ErrorMessage\":"
		                       "\"The given protocol value '%s' is not supported. "
		                       "Supported values are 'AutodiscoverV1'.\"}",
		                       json_escape(tmp, query_protocol));
	}
	log_info("autodiscover", "json protocol=%s status=%d user=%s",
	         query_protocol == NULL ? "-" : query_protocol, status,
	         auth_address == NULL ? "-" : auth_address);
	ret = json_answer(mem_ctx, status, body, resp_r, error_r);
	talloc_free(tmp);
	return ret;
}

int autodiscover_redirect(TALLOC_CTX *mem_ctx, const struct ad_config *cfg,
                          struct ad_response *resp_r, const char **error_r)
{
	memset(resp_r, 0, sizeof(*resp_r));
	/* [MS-OXDISCO] 3.1.5: the unauthenticated GET over HTTP gets a 302
	 * to the HTTPS Autodiscover URL. */
	resp_r->location =
	    talloc_asprintf(mem_ctx, "%s/autodiscover/autodiscover.xml", cfg->base_url);
	resp_r->body = talloc_strdup(mem_ctx, "");
	if (resp_r->location == NULL || resp_r->body == NULL) {
		*error_r = "out of memory";
		return -1;
	}
	resp_r->http_status = 302;
	resp_r->content_type = "text/html";
	return 0;
}
