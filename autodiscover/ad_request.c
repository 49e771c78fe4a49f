/*
 * ad_request: the POX Autodiscover request ([MS-OXDSCLI] 2.2.3), parsed
 * with libxml2 and nothing more trusted than it must be.
 */
#include <pthread.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "ad_private.h"

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_init(void)
{
	xmlInitParser();
}

static bool is_element(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->ns != NULL &&
	       strcmp((const char *)n->ns->href, AD_REQUEST_NS) == 0 &&
	       strcmp((const char *)n->name, name) == 0;
}

static const xmlNode *child(const xmlNode *parent, const char *name)
{
	for (const xmlNode *n = parent->children; n != NULL; n = n->next) {
		if (is_element(n, name))
			return n;
	}
	return NULL;
}

/* The trimmed text of parent's child name, on mem_ctx; NULL when absent
 * or empty.  -1 on out of memory. */
static int child_text(TALLOC_CTX *mem_ctx, const xmlNode *parent, const char *name, char **text_r)
{
	const xmlNode *n = child(parent, name);
	xmlChar *content;
	const char *s, *e;

	*text_r = NULL;
	if (n == NULL)
		return 0;
	content = xmlNodeGetContent(n);
	if (content == NULL)
		return 0;
	s = (const char *)content;
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		e--;
	if (e > s)
		*text_r = talloc_strndup(mem_ctx, s, (size_t)(e - s));
	xmlFree(content);
	return e > s && *text_r == NULL ? -1 : 0;
}

static enum ad_error_code read_request(TALLOC_CTX *mem_ctx, const xmlDoc *doc,
                                       struct ad_request *req, const char **why_r)
{
	const xmlNode *root = xmlDocGetRootElement(doc), *request;

	/* [MS-OXDSCLI] 2.2.3: Autodiscover/Request in the request namespace. */
	if (root == NULL || !is_element(root, "Autodiscover")) {
		*why_r = "root is not Autodiscover in the 2006 request namespace";
		return AD_E_INVALID_REQUEST;
	}
	request = child(root, "Request");
	if (request == NULL) {
		*why_r = "no Request element";
		return AD_E_INVALID_REQUEST;
	}
	if (child_text(mem_ctx, request, "EMailAddress", &req->email_address) < 0 ||
	    child_text(mem_ctx, request, "LegacyDN", &req->legacy_dn) < 0 ||
	    child_text(mem_ctx, request, "AcceptableResponseSchema", &req->schema) < 0) {
		*why_r = "out of memory";
		return AD_E_INTERNAL;
	}
	if (req->schema == NULL) {
		*why_r = "no AcceptableResponseSchema";
		return AD_E_INVALID_REQUEST;
	}
	/* [MS-OXDSCLI] 2.2.3: only the 2006a Outlook schema is served. */
	if (strcmp(req->schema, AD_OUTLOOK_NS) != 0) {
		*why_r = "AcceptableResponseSchema is not the 2006a Outlook schema";
		return AD_E_NO_PROVIDER;
	}
	if (req->email_address == NULL && req->legacy_dn == NULL) {
		*why_r = "neither EMailAddress nor LegacyDN";
		return AD_E_INVALID_REQUEST;
	}
	return AD_OK;
}

enum ad_error_code ad_request_parse(TALLOC_CTX *mem_ctx, const char *body, size_t len,
                                    struct ad_request **req_r, const char **why_r)
{
	/* No network, no entity substitution (XML_PARSE_NOENT is not set),
	 * no DTD loading; documents with a DTD at all are refused below. */
	const int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
	                    XML_PARSE_NOBLANKS | XML_PARSE_NOCDATA;
	struct ad_request *req;
	enum ad_error_code code;
	xmlDoc *doc;

	if (body == NULL || len == 0 || len > AD_REQUEST_MAX) {
		*why_r = len > AD_REQUEST_MAX ? "request larger than 64 KiB" : "empty request";
		return AD_E_INVALID_REQUEST;
	}
	if (memmem(body, len, "<!DOCTYPE", 9) != NULL || memmem(body, len, "<!ENTITY", 8) != NULL) {
		*why_r = "DTDs are not accepted";
		return AD_E_INVALID_REQUEST;
	}
	pthread_once(&xml_once, xml_init);
	doc = xmlReadMemory(body, (int)len, NULL, "UTF-8", options);
	if (doc == NULL) {
		*why_r = "not well-formed UTF-8 XML";
		return AD_E_INVALID_REQUEST;
	}
	if (doc->intSubset != NULL || doc->extSubset != NULL) {
		xmlFreeDoc(doc);
		*why_r = "DTDs are not accepted";
		return AD_E_INVALID_REQUEST;
	}
	req = talloc_zero(mem_ctx, struct ad_request);
	if (req == NULL) {
		xmlFreeDoc(doc);
		*why_r = "out of memory";
		return AD_E_INTERNAL;
	}
	code = read_request(req, doc, req, why_r);
	xmlFreeDoc(doc);
	if (code != AD_OK) {
		talloc_free(req);
		return code;
	}
	*req_r = req;
	return AD_OK;
}
