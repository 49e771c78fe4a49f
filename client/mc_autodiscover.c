/*
 * mc_autodiscover: Autodiscover JSON and POX as Outlook uses them
 * ([MS-OXDSCLI], [MS-OXDISCO]).
 */
#include "mc_autodiscover.h"

#include <limits.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <string.h>
#include <strings.h>

#include "mc_http.h"
#include "mc_json.h"

#define NS_REQ   "http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"
#define NS_RESP  "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"
#define NS_2006A "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a"
/* [MS-OXDSCLI] 3.1.5.1: at most 10 redirections. */
#define MAX_REDIRECTS 10

int mc_autodiscover_json(TALLOC_CTX *mem_ctx, struct mc_session *s, const char *base,
                         const char *address, char **pox_url_r)
{
	TALLOC_CTX *tmp = talloc_new(mem_ctx);
	struct mc_http_resp r;
	char *err = NULL, *msg = NULL;
	int ret = -1;
	size_t blen = strlen(base);
	while (blen > 0 && base[blen - 1] == '/')
		blen--;
	char *url = talloc_asprintf(tmp,
	                            "%.*s/autodiscover/autodiscover.json/v1.0/%s"
	                            "?Protocol=AutodiscoverV1",
	                            (int)blen, base, address);
	const char *hdrs[] = {"Accept: application/json", NULL};
	if (url == NULL) {
		mc_fail(s, MC_E_NOMEM, "out of memory");
		goto out;
	}
	if (mc_http_request(tmp, s, "GET", url, hdrs, NULL, 0, true, &r) < 0)
		goto out;
	if (r.status == 401 || r.status == 403) {
		mc_fail(s, MC_E_AUTH, "%s: authentication failed (HTTP %ld) for %s", url, r.status,
		        s->opts.user);
		goto out;
	}
	const char *text = r.body ? (const char *)r.body : "";
	if (r.status != 200) {
		if (mc_json_get_string(tmp, text, r.body_len, "ErrorCode", &err) == 1)
			mc_json_get_string(tmp, text, r.body_len, "ErrorMessage", &msg);
		mc_fail(s, MC_E_HTTP, "%s: HTTP %ld%s%s%s%s", url, r.status, err ? " " : "",
		        err ? err : "", msg ? ": " : "", msg ? msg : "");
		goto out;
	}
	if (mc_json_get_string(mem_ctx, text, r.body_len, "Url", pox_url_r) != 1) {
		mc_fail(s, MC_E_PROTOCOL, "%s: the answer has no Url", url);
		goto out;
	}
	ret = 0;
out:
	talloc_free(tmp);
	return ret;
}

/* [MS-OXDSCLI] 2.2.3: the request body. */
static int pox_request_body(TALLOC_CTX *mem_ctx, const char *address, char **body_r, int *len_r)
{
	xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
	xmlNodePtr root = xmlNewNode(NULL, BAD_CAST "Autodiscover");
	xmlChar *buf = NULL;
	int ret = -1;
	if (doc == NULL || root == NULL)
		goto out;
	xmlDocSetRootElement(doc, root);
	xmlNsPtr ns = xmlNewNs(root, BAD_CAST NS_REQ, NULL);
	xmlSetNs(root, ns);
	xmlNodePtr req = xmlNewChild(root, ns, BAD_CAST "Request", NULL);
	if (req == NULL ||
	    xmlNewTextChild(req, ns, BAD_CAST "EMailAddress", BAD_CAST address) == NULL ||
	    xmlNewTextChild(req, ns, BAD_CAST "AcceptableResponseSchema", BAD_CAST NS_2006A) ==
	        NULL)
		goto out;
	xmlDocDumpMemoryEnc(doc, &buf, len_r, "utf-8");
	if (buf == NULL)
		goto out;
	*body_r = talloc_strndup(mem_ctx, (const char *)buf, (size_t)*len_r);
	ret = *body_r ? 0 : -1;
out:
	xmlFree(buf);
	if (doc != NULL)
		xmlFreeDoc(doc);
	else
		xmlFreeNode(root);
	return ret;
}

static bool node_is(const xmlNode *n, const char *ns, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE && n->ns != NULL &&
	       strcmp((const char *)n->ns->href, ns) == 0 &&
	       strcmp((const char *)n->name, name) == 0;
}

static xmlNode *child(const xmlNode *n, const char *ns, const char *name)
{
	for (xmlNode *c = n ? n->children : NULL; c != NULL; c = c->next) {
		if (node_is(c, ns, name))
			return c;
	}
	return NULL;
}

/* The text of child name of n, on mem_ctx, or NULL. */
static char *child_text(TALLOC_CTX *mem_ctx, const xmlNode *n, const char *ns, const char *name)
{
	xmlNode *c = child(n, ns, name);
	if (c == NULL)
		return NULL;
	xmlChar *t = xmlNodeGetContent(c);
	char *out = t ? talloc_strdup(mem_ctx, (const char *)t) : NULL;
	xmlFree(t);
	return out;
}

/* [MS-OXDSCLI] 2.2.4.1.1.2.6: Protocol Type="mapiHttp" Version=... */
static void pox_protocols(TALLOC_CTX *mem_ctx, const xmlNode *acct, struct mc_discovery *d)
{
	for (xmlNode *p = acct->children; p != NULL; p = p->next) {
		if (!node_is(p, NS_2006A, "Protocol"))
			continue;
		xmlChar *type = xmlGetProp(p, BAD_CAST "Type");
		if (type != NULL && strcmp((const char *)type, "mapiHttp") == 0 &&
		    d->mailstore_internal == NULL) {
			xmlChar *ver = xmlGetProp(p, BAD_CAST "Version");
			d->mapi_version = ver ? talloc_strdup(mem_ctx, (const char *)ver) : NULL;
			xmlFree(ver);
			xmlNode *ms = child(p, NS_2006A, "MailStore");
			xmlNode *ab = child(p, NS_2006A, "AddressBook");
			d->mailstore_internal = child_text(mem_ctx, ms, NS_2006A, "InternalUrl");
			d->mailstore_external = child_text(mem_ctx, ms, NS_2006A, "ExternalUrl");
			d->addressbook_internal = child_text(mem_ctx, ab, NS_2006A, "InternalUrl");
			d->addressbook_external = child_text(mem_ctx, ab, NS_2006A, "ExternalUrl");
		} else if (d->ews_url == NULL) {
			d->ews_url = child_text(mem_ctx, p, NS_2006A, "EwsUrl");
		}
		xmlFree(type);
	}
}

enum pox_outcome mc_autodiscover_parse(TALLOC_CTX *mem_ctx, const uint8_t *body, size_t len,
                                       struct mc_discovery *d, char **redirect_r)
{
	enum pox_outcome out = POX_BAD;
	if (len > INT_MAX)
		return POX_BAD;
	/* no network, no entity expansion, no DTD loading */
	xmlDocPtr doc = xmlReadMemory((const char *)body, (int)len, "autodiscover.xml", NULL,
	                              XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
	if (!node_is(root, NS_RESP, "Autodiscover"))
		goto done;
	xmlNode *resp = child(root, NS_2006A, "Response");
	if (resp == NULL) {
		/* [MS-OXDSCLI] 2.2.4.2: Response/Error in the common schema */
		xmlNode *e = child(child(root, NS_RESP, "Response"), NS_RESP, "Error");
		if (e == NULL)
			goto done;
		d->error_code = child_text(mem_ctx, e, NS_RESP, "ErrorCode");
		d->error_message = child_text(mem_ctx, e, NS_RESP, "Message");
		out = POX_ERROR;
		goto done;
	}
	xmlNode *err = child(resp, NS_2006A, "Error");
	if (err != NULL) {
		d->error_code = child_text(mem_ctx, err, NS_2006A, "ErrorCode");
		d->error_message = child_text(mem_ctx, err, NS_2006A, "Message");
		out = POX_ERROR;
		goto done;
	}
	xmlNode *user = child(resp, NS_2006A, "User");
	xmlNode *acct = child(resp, NS_2006A, "Account");
	if (acct == NULL)
		goto done;
	char *action = child_text(mem_ctx, acct, NS_2006A, "Action");
	if (action != NULL && strcmp(action, "redirectAddr") == 0) {
		*redirect_r = child_text(mem_ctx, acct, NS_2006A, "RedirectAddr");
		out = *redirect_r ? POX_REDIRECT_ADDR : POX_BAD;
		goto done;
	}
	if (action != NULL && strcmp(action, "redirectUrl") == 0) {
		*redirect_r = child_text(mem_ctx, acct, NS_2006A, "RedirectUrl");
		out = *redirect_r ? POX_REDIRECT_URL : POX_BAD;
		goto done;
	}
	if (action == NULL || strcmp(action, "settings") != 0 || user == NULL)
		goto done;
	d->display_name = child_text(mem_ctx, user, NS_2006A, "DisplayName");
	d->legacy_dn = child_text(mem_ctx, user, NS_2006A, "LegacyDN");
	d->smtp_address = child_text(mem_ctx, user, NS_2006A, "AutoDiscoverSMTPAddress");
	d->deployment_id = child_text(mem_ctx, user, NS_2006A, "DeploymentId");
	pox_protocols(mem_ctx, acct, d);
	out = POX_SETTINGS;
done:
	if (doc != NULL)
		xmlFreeDoc(doc);
	return out;
}

static int pox_once(TALLOC_CTX *mem_ctx, struct mc_session *s, const char *url, const char *address,
                    struct mc_discovery *d, enum pox_outcome *out_r, char **redirect_r)
{
	TALLOC_CTX *tmp = talloc_new(mem_ctx);
	struct mc_http_resp r;
	char *body;
	int blen, ret = -1;
	/* [MS-OXDSCLI] 2.2.2.1: X-MapiHttpCapability asks for mapiHttp. */
	const char *hdrs[] = {"Content-Type: text/xml; charset=utf-8", "X-MapiHttpCapability: 1",
	                      "X-AnchorMailbox: ", NULL};
	hdrs[2] = talloc_asprintf(tmp, "X-AnchorMailbox: %s", address);
	if (hdrs[2] == NULL || pox_request_body(tmp, address, &body, &blen) < 0) {
		mc_fail(s, MC_E_NOMEM, "out of memory");
		goto out;
	}
	if (mc_http_request(tmp, s, "POST", url, hdrs, (const uint8_t *)body, (size_t)blen, true,
	                    &r) < 0)
		goto out;
	if (r.status == 401 || r.status == 403) {
		mc_fail(s, MC_E_AUTH,
		        "%s: authentication failed (HTTP %ld): the server refused "
		        "the credentials of %s",
		        url, r.status, s->opts.user);
		goto out;
	}
	if (r.status != 200) {
		mc_fail(s, MC_E_HTTP, "%s: HTTP %ld", url, r.status);
		goto out;
	}
	*out_r = mc_autodiscover_parse(mem_ctx, r.body, r.body_len, d, redirect_r);
	if (*out_r == POX_BAD) {
		mc_fail(s, MC_E_PROTOCOL, "%s: not a valid Autodiscover response", url);
		goto out;
	}
	ret = 0;
out:
	talloc_free(tmp);
	return ret;
}

int mc_autodiscover_pox(TALLOC_CTX *mem_ctx, struct mc_session *s, const char *url,
                        const char *address, struct mc_discovery *d)
{
	char *cur_url = talloc_strdup(mem_ctx, url), *cur_addr = talloc_strdup(mem_ctx, address);
	for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
		enum pox_outcome o;
		char *redirect = NULL;
		if (pox_once(mem_ctx, s, cur_url, cur_addr, d, &o, &redirect) < 0)
			return -1;
		d->pox_url = cur_url;
		d->address = cur_addr;
		switch (o) {
		case POX_SETTINGS:
			return 0;
		case POX_ERROR:
			return mc_fail(s, MC_E_SERVER, "autodiscover for %s: error %s%s%s",
			               cur_addr, d->error_code ? d->error_code : "(no code)",
			               d->error_message ? ": " : "",
			               d->error_message ? d->error_message : "");
		case POX_REDIRECT_ADDR:
			cur_addr = redirect;
			break;
		case POX_REDIRECT_URL:
			/* [MS-OXDSCLI] 3.1.5.2: only to an https URL */
			if (strncasecmp(redirect, "https://", 8) != 0)
				return mc_fail(
				    s, MC_E_PROTOCOL,
				    "autodiscover redirect to a non-https URL refused: %s",
				    redirect);
			cur_url = redirect;
			break;
		default:
			return mc_fail(s, MC_E_PROTOCOL, "autodiscover: bad answer");
		}
	}
	return mc_fail(s, MC_E_PROTOCOL, "autodiscover: more than %d redirections", MAX_REDIRECTS);
}

/* JSON then POX on one base URL.  1 when the server answered (settings,
 * or an Autodiscover error or refused credentials: final), 0 when this
 * base gave nothing (try the next), -1 out of memory. */
static int discover_base(TALLOC_CTX *mem_ctx, struct mc_session *s, const char *base,
                         const char *address, struct mc_discovery *d, int *result_r)
{
	char *pox_url = NULL;
	if (mc_autodiscover_json(mem_ctx, s, base, address, &pox_url) == 0) {
		d->json_url = talloc_asprintf(mem_ctx, "%s/autodiscover/autodiscover.json/v1.0/%s",
		                              base, address);
	} else if (s->error_kind == MC_E_AUTH) {
		*result_r = -1;
		return 1;
	} else {
		size_t blen = strlen(base);
		while (blen > 0 && base[blen - 1] == '/')
			blen--;
		pox_url =
		    talloc_asprintf(mem_ctx, "%.*s/autodiscover/autodiscover.xml", (int)blen, base);
	}
	if (pox_url == NULL)
		return -1;
	*result_r = mc_autodiscover_pox(mem_ctx, s, pox_url, address, d);
	if (*result_r == 0 || s->error_kind == MC_E_AUTH || s->error_kind == MC_E_SERVER)
		return 1;
	return 0;
}

/* [MS-OXDISCO] 3.1.5: the unauthenticated GET on http://autodiscover.
 * <domain> that answers a redirect to the HTTPS endpoint. */
static char *discover_redirect(TALLOC_CTX *mem_ctx, struct mc_session *s, const char *domain)
{
	struct mc_http_resp r;
	char *url = talloc_asprintf(mem_ctx, "http://autodiscover.%s/autodiscover/autodiscover.xml",
	                            domain);
	if (url == NULL || mc_http_request(mem_ctx, s, "GET", url, NULL, NULL, 0, false, &r) < 0)
		return NULL;
	const char *loc = mc_http_header(&r, "Location");
	if ((r.status != 301 && r.status != 302) || loc == NULL ||
	    strncasecmp(loc, "https://", 8) != 0) {
		mc_fail(s, MC_E_HTTP, "%s: no redirect to an https Autodiscover endpoint", url);
		return NULL;
	}
	return talloc_strdup(mem_ctx, loc);
}

static int discover_urls(TALLOC_CTX *mem_ctx, struct mc_session *s, const char *address,
                         struct mc_discovery *d)
{
	int result = -1;
	if (s->opts.server != NULL) {
		if (discover_base(mem_ctx, s, s->opts.server, address, d, &result) < 0)
			return mc_fail(s, MC_E_NOMEM, "out of memory");
		return result;
	}
	const char *at = strrchr(address, '@');
	if (at == NULL || at[1] == '\0')
		return mc_fail(s, MC_E_USAGE, "%s is not an e-mail address (and no --server)",
		               address);
	const char *domain = at + 1;
	const char *bases[] = {talloc_asprintf(mem_ctx, "https://%s", domain),
	                       talloc_asprintf(mem_ctx, "https://autodiscover.%s", domain)};
	for (size_t i = 0; i < 2; i++) {
		int r = bases[i] ? discover_base(mem_ctx, s, bases[i], address, d, &result) : -1;
		if (r < 0)
			return mc_fail(s, MC_E_NOMEM, "out of memory");
		if (r == 1)
			return result;
	}
	char *pox_url = discover_redirect(mem_ctx, s, domain);
	if (pox_url == NULL)
		return mc_fail(s, MC_E_NETWORK, "no Autodiscover endpoint found for %s", domain);
	return mc_autodiscover_pox(mem_ctx, s, pox_url, address, d);
}

int mc_discover(TALLOC_CTX *mem_ctx, struct mc_session *s, const char *address,
                struct mc_discovery *d)
{
	memset(d, 0, sizeof(*d));
	if (discover_urls(mem_ctx, s, address, d) < 0)
		return -1;
	const char *ems = d->mailstore_internal ? d->mailstore_internal : d->mailstore_external;
	const char *nspi =
	    d->addressbook_internal ? d->addressbook_internal : d->addressbook_external;
	if (ems == NULL || nspi == NULL)
		return mc_fail(
		    s, MC_E_PROTOCOL,
		    "autodiscover for %s answered no mapiHttp MailStore/AddressBook URLs", address);
	if (d->legacy_dn == NULL)
		return mc_fail(s, MC_E_PROTOCOL, "autodiscover for %s answered no LegacyDN",
		               address);
	s->emsmdb_url = talloc_strdup(s, ems);
	s->nspi_url = talloc_strdup(s, nspi);
	s->legacy_dn = talloc_strdup(s, d->legacy_dn);
	s->display_name = d->display_name ? talloc_strdup(s, d->display_name) : NULL;
	if (s->emsmdb_url == NULL || s->nspi_url == NULL || s->legacy_dn == NULL)
		return mc_fail(s, MC_E_NOMEM, "out of memory");
	return 0;
}
