/*
 * Unit tests of autodiscover/: POX answers and errors, the JSON endpoint
 * and the redirect, against a real directory in a temporary data dir.
 */
#include <regex.h>
#include <stdlib.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "ad_private.h"
#include "log.h"
#include "test.h"
#include "mapi_guid.h"

static const struct ad_config cfg = {.base_url = "https://mail.demo.test",
                                     .hostname = "mail.demo.test"};
static struct directory *dir;
static struct dir_user *alice, *bob;
static char data_dir[64];

#define REQ_HEAD                                                                                   \
	"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"                                             \
	"<Autodiscover xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/outlook/"        \
	"requestschema/2006\"><Request>"
#define REQ_SCHEMA                                                                                 \
	"<AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/"            \
	"outlook/responseschema/2006a</AcceptableResponseSchema>"
#define REQ_TAIL "</Request></Autodiscover>"

static char *read_file(TALLOC_CTX *mem_ctx, const char *name, size_t *len_r)
{
	char *path = talloc_asprintf(mem_ctx, "%s/%s", FIXTURE_DIR, name), *buf;
	FILE *f = fopen(path, "rb");
	long len;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0)
		abort();
	buf = talloc_array(mem_ctx, char, (size_t)len + 1);
	if (fread(buf, 1, (size_t)len, f) != (size_t)len)
		abort();
	buf[len] = '\0';
	fclose(f);
	*len_r = (size_t)len;
	return buf;
}

/* A parsed response with the response namespaces as r: and o:. */
struct xdoc {
	xmlDoc *doc;
	xmlXPathContext *ctx;
};

static void xdoc_open(struct xdoc *x, const char *body, size_t len)
{
	x->doc = xmlReadMemory(body, (int)len, NULL, "UTF-8", XML_PARSE_NONET);
	if (x->doc == NULL)
		abort();
	x->ctx = xmlXPathNewContext(x->doc);
	xmlXPathRegisterNs(x->ctx, BAD_CAST "r", BAD_CAST AD_RESPONSE_NS);
	xmlXPathRegisterNs(x->ctx, BAD_CAST "o", BAD_CAST AD_OUTLOOK_NS);
}

static void xdoc_close(struct xdoc *x)
{
	xmlXPathFreeContext(x->ctx);
	xmlFreeDoc(x->doc);
}

/* The string value of expr, on mem_ctx ("" when absent). */
static char *xstr(TALLOC_CTX *mem_ctx, struct xdoc *x, const char *expr)
{
	char *wrapped = talloc_asprintf(mem_ctx, "string(%s)", expr), *out;
	xmlXPathObject *o = xmlXPathEvalExpression(BAD_CAST wrapped, x->ctx);

	out = talloc_strdup(mem_ctx, o != NULL && o->stringval != NULL ? (char *)o->stringval : "");
	xmlXPathFreeObject(o);
	return out;
}

static int xcount(struct xdoc *x, const char *expr)
{
	xmlXPathObject *o = xmlXPathEvalExpression(BAD_CAST expr, x->ctx);
	int n = o != NULL && o->nodesetval != NULL ? o->nodesetval->nodeNr : -1;

	xmlXPathFreeObject(o);
	return n;
}

static int pox(TALLOC_CTX *mem_ctx, const char *auth, const char *body, bool mapihttp,
               struct ad_response *resp)
{
	const char *error;

	return autodiscover_pox(mem_ctx, dir, &cfg, auth, body, strlen(body), mapihttp, resp,
	                        &error);
}

static void setup(void)
{
	const char *error;

	snprintf(data_dir, sizeof(data_dir), "/tmp/test-autodiscover-XXXXXX");
	if (mkdtemp(data_dir) == NULL || directory_open(NULL, data_dir, &dir, &error) < 0 ||
	    directory_domain_add(dir, "demo.test", &error) < 0 ||
	    directory_user_add(dir, NULL, "alice@demo.test", "Alice <Demo> & Co", "a", &alice,
	                       &error) < 0 ||
	    directory_user_add(dir, NULL, "bob@demo.test", "Bob Demo", "b", &bob, &error) < 0 ||
	    directory_user_add_alias(dir, "alice@demo.test", "al@demo.test", &error) < 0)
		abort();
}

static void test_settings_mapihttp(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ad_response resp;
	struct dir_org *org;
	struct xdoc x;
	const char *error;
	char mbx[MAPI_GUID_TEXT_SIZE], dep[MAPI_GUID_TEXT_SIZE], *want;
	size_t len;
	char *req = read_file(tmp, "request-alice.xml", &len);

	test_begin("POX: mapiHttp settings for the fixture request");
	test_assert_int(directory_get_org(dir, tmp, &org, &error), 0);
	test_assert_int(
	    autodiscover_pox(tmp, dir, &cfg, "alice@demo.test", req, len, true, &resp, &error), 0);
	test_assert_int(resp.http_status, 200);
	test_assert_str(resp.content_type, "text/xml; charset=utf-8");
	test_assert(resp.location == NULL);
	xdoc_open(&x, resp.body, resp.body_len);
	mapi_guid_format(&alice->mailbox_guid, mbx);
	mapi_guid_format(&org->deployment_id, dep);
	test_assert_str(xstr(tmp, &x, "/r:Autodiscover/o:Response/o:User/o:DisplayName"),
	                "Alice <Demo> & Co");
	test_assert_str(xstr(tmp, &x, "//o:User/o:LegacyDN"), alice->legacy_dn);
	test_assert_str(xstr(tmp, &x, "//o:User/o:AutoDiscoverSMTPAddress"), "alice@demo.test");
	test_assert_str(xstr(tmp, &x, "//o:User/o:DeploymentId"), dep);
	test_assert_str(xstr(tmp, &x, "//o:Account/o:AccountType"), "email");
	test_assert_str(xstr(tmp, &x, "//o:Account/o:Action"), "settings");
	test_assert_str(xstr(tmp, &x, "//o:Account/o:MicrosoftOnline"), "False");
	want =
	    talloc_asprintf(tmp, "https://mail.demo.test/mapi/emsmdb/?MailboxId=%s@demo.test", mbx);
	test_assert_str(xstr(tmp, &x,
	                     "//o:Protocol[@Type='mapiHttp'][@Version='1']/o:MailStore/"
	                     "o:InternalUrl"),
	                want);
	test_assert_str(xstr(tmp, &x, "//o:Protocol[@Type='mapiHttp']/o:MailStore/o:ExternalUrl"),
	                want);
	want =
	    talloc_asprintf(tmp, "https://mail.demo.test/mapi/nspi/?MailboxId=%s@demo.test", mbx);
	test_assert_str(xstr(tmp, &x, "//o:Protocol[@Type='mapiHttp']/o:AddressBook/o:InternalUrl"),
	                want);
	test_assert_str(xstr(tmp, &x, "//o:Protocol[@Type='mapiHttp']/o:AddressBook/o:ExternalUrl"),
	                want);
	test_assert_str(xstr(tmp, &x, "//o:Protocol[o:Type='EXHTTP']/o:Server"), "mail.demo.test");
	test_assert_str(xstr(tmp, &x, "//o:Protocol[o:Type='EXHTTP']/o:SSL"), "On");
	test_assert_str(xstr(tmp, &x, "//o:Protocol[o:Type='EXHTTP']/o:EwsUrl"),
	                "https://mail.demo.test/EWS/Exchange.asmx");
	test_assert_str(xstr(tmp, &x, "//o:Protocol[o:Type='EXHTTP']/o:OOFUrl"),
	                "https://mail.demo.test/EWS/Exchange.asmx");
	want = talloc_asprintf(tmp, "https://mail.demo.test/OAB/%s/", dep);
	test_assert_str(xstr(tmp, &x, "//o:Protocol[o:Type='EXHTTP']/o:OABUrl"), want);
	test_assert_int(xcount(&x, "//o:Protocol[o:Type='EXCH' or o:Type='EXPR']"), 0);
	xdoc_close(&x);
	talloc_free(tmp);
	test_end();
}

/* Every element of the fixture's tree (but the WEB block) has a twin at
 * the same path in ours. */
static int compare_paths(TALLOC_CTX *mem_ctx, struct xdoc *ours, xmlNode *n, const char *path)
{
	int missing = 0;

	for (xmlNode *c = n->children; c != NULL; c = c->next) {
		char *p, *type = NULL;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		p = talloc_asprintf(mem_ctx, "%s/%s:%s", path,
		                    strcmp((char *)c->ns->href, AD_OUTLOOK_NS) == 0 ? "o" : "r",
		                    (char *)c->name);
		if (strcmp((char *)c->name, "Protocol") == 0) {
			xmlChar *t = xmlGetProp(c, BAD_CAST "Type");

			if (t != NULL) {
				p = talloc_asprintf_append(p, "[@Type='%s']", (char *)t);
				xmlFree(t);
			} else {
				xmlNode *tn = c->children;

				while (tn != NULL && tn->type != XML_ELEMENT_NODE)
					tn = tn->next;
				type = tn == NULL ? NULL : (char *)xmlNodeGetContent(tn);
				if (type != NULL && strcmp(type, "WEB") == 0) {
					xmlFree(type);
					continue;
				}
				p = talloc_asprintf_append(p, "[o:Type='%s']", type);
				xmlFree(type);
			}
		}
		if (xcount(ours, p) < 1) {
			fprintf(stderr, "missing in our response: %s\n", p);
			missing++;
		}
		missing += compare_paths(mem_ctx, ours, c, p);
	}
	return missing;
}

static void test_matches_spec_example(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ad_response resp;
	struct xdoc ours, spec;
	size_t len;
	char *example = read_file(tmp, "ms-oxdscli-4.4-mapihttp-response.xml", &len);
	char *req = read_file(tmp, "request-alice.xml", &len);
	const char *error;

	test_begin("POX: every element of [MS-OXDSCLI] 4.4's example is in ours");
	test_assert_int(
	    autodiscover_pox(tmp, dir, &cfg, "alice@demo.test", req, len, true, &resp, &error), 0);
	xdoc_open(&ours, resp.body, resp.body_len);
	xdoc_open(&spec, example, strlen(example));
	test_assert_int(xcount(&ours, "/r:Autodiscover"), 1);
	test_assert_int(
	    compare_paths(tmp, &ours, xmlDocGetRootElement(spec.doc), "/r:Autodiscover"), 0);
	xdoc_close(&ours);
	xdoc_close(&spec);
	talloc_free(tmp);
	test_end();
}

static void test_settings_legacy(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ad_response resp;
	struct xdoc x;
	char mbx[MAPI_GUID_TEXT_SIZE], *want;

	test_begin("POX: EXCH and EXPR without X-MapiHttpCapability");
	test_assert_int(pox(tmp, "alice@demo.test",
	                    REQ_HEAD
	                    "<EMailAddress>alice@demo.test</EMailAddress>" REQ_SCHEMA REQ_TAIL,
	                    false, &resp),
	                0);
	xdoc_open(&x, resp.body, resp.body_len);
	mapi_guid_format(&alice->mailbox_guid, mbx);
	test_assert_int(xcount(&x, "//o:Protocol[@Type='mapiHttp']"), 0);
	want = talloc_asprintf(tmp, "%s@demo.test", mbx);
	test_assert_str(xstr(tmp, &x, "//o:Protocol[o:Type='EXCH']/o:Server"), want);
	want = talloc_asprintf(tmp,
	                       "/o=First Organization/ou=Exchange Administrative Group "
	                       "(FYDIBOHF23SPDLT)/cn=Configuration/cn=Servers/cn=%s@demo.test",
	                       mbx);
	test_assert_str(xstr(tmp, &x, "//o:Protocol[o:Type='EXCH']/o:ServerDN"), want);
	want = talloc_asprintf(tmp, "%s/cn=Microsoft Private MDB", want);
	test_assert_str(xstr(tmp, &x, "//o:Protocol[o:Type='EXCH']/o:MdbDN"), want);
	test_assert_str(xstr(tmp, &x, "//o:Protocol[o:Type='EXPR']/o:Server"), "mail.demo.test");
	test_assert_int(xcount(&x, "//o:Protocol[o:Type='EXHTTP']"), 1);
	xdoc_close(&x);
	talloc_free(tmp);
	test_end();
}

static void test_lookup_rules(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ad_response resp;
	struct xdoc x;
	char *req;

	test_begin("POX: LegacyDN wins, aliases are the user's own, others are not");
	req = talloc_asprintf(tmp,
	                      REQ_HEAD "<EMailAddress>bob@demo.test</EMailAddress>"
	                               "<LegacyDN>%s</LegacyDN>" REQ_SCHEMA REQ_TAIL,
	                      alice->legacy_dn);
	test_assert_int(pox(tmp, "alice@demo.test", req, true, &resp), 0);
	xdoc_open(&x, resp.body, resp.body_len);
	test_assert_str(xstr(tmp, &x, "//o:User/o:AutoDiscoverSMTPAddress"), "alice@demo.test");
	xdoc_close(&x);
	test_assert_int(pox(tmp, "alice@demo.test",
	                    REQ_HEAD
	                    "<EMailAddress> AL@demo.test </EMailAddress>" REQ_SCHEMA REQ_TAIL,
	                    true, &resp),
	                0);
	xdoc_open(&x, resp.body, resp.body_len);
	test_assert_str(xstr(tmp, &x, "//o:User/o:AutoDiscoverSMTPAddress"), "alice@demo.test");
	xdoc_close(&x);
	test_assert_int(pox(tmp, "AL@demo.test",
	                    REQ_HEAD
	                    "<EMailAddress>alice@demo.test</EMailAddress>" REQ_SCHEMA REQ_TAIL,
	                    true, &resp),
	                0);
	xdoc_open(&x, resp.body, resp.body_len);
	test_assert_str(xstr(tmp, &x, "//o:User/o:AutoDiscoverSMTPAddress"), "alice@demo.test");
	xdoc_close(&x);
	test_assert_int(pox(tmp, "alice@demo.test",
	                    REQ_HEAD
	                    "<EMailAddress>bob@demo.test</EMailAddress>" REQ_SCHEMA REQ_TAIL,
	                    true, &resp),
	                0);
	xdoc_open(&x, resp.body, resp.body_len);
	test_assert_str(xstr(tmp, &x, "/r:Autodiscover/r:Response/r:Error/r:ErrorCode"), "500");
	test_assert_int(xcount(&x, "//o:User"), 0);
	xdoc_close(&x);
	talloc_free(tmp);
	test_end();
}

/* Runs body as alice's request and checks the Error response's shape and
 * code. */
static void check_error(TALLOC_CTX *tmp, const char *body, size_t len, const char *code)
{
	struct ad_response resp;
	const char *error;
	struct xdoc x;
	regex_t re;

	test_assert_int(
	    autodiscover_pox(tmp, dir, &cfg, "alice@demo.test", body, len, true, &resp, &error), 0);
	test_assert_int(resp.http_status, 200);
	xdoc_open(&x, resp.body, resp.body_len);
	test_assert_str(xstr(tmp, &x, "/r:Autodiscover/r:Response/r:Error/r:ErrorCode"), code);
	test_assert(strlen(xstr(tmp, &x, "//r:Error/r:Message")) > 0);
	test_assert_int(xcount(&x, "//r:Error/r:DebugData"), 1);
	test_assert(regcomp(&re, "^[0-2][0-9]:[0-5][0-9]:[0-6][0-9]\\.[0-9]{7}$", REG_EXTENDED) ==
	            0);
	test_assert(regexec(&re, xstr(tmp, &x, "//r:Error/@Time"), 0, NULL, 0) == 0);
	regfree(&re);
	test_assert(strspn(xstr(tmp, &x, "//r:Error/@Id"), "0123456789") ==
	            strlen(xstr(tmp, &x, "//r:Error/@Id")));
	test_assert(strlen(xstr(tmp, &x, "//r:Error/@Id")) > 0);
	xdoc_close(&x);
}

static void test_errors(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	static const struct {
		const char *body, *code;
	} cases[] = {
	    {REQ_HEAD "<EMailAddress>nobody@demo.test</EMailAddress>" REQ_SCHEMA REQ_TAIL, "500"},
	    {REQ_HEAD "<LegacyDN>/o=Nowhere/cn=x</LegacyDN>" REQ_SCHEMA REQ_TAIL, "500"},
	    {REQ_HEAD "<EMailAddress>garbage</EMailAddress>" REQ_SCHEMA REQ_TAIL, "500"},
	    {"<Autodiscover", "600"},
	    {"not xml at all", "600"},
	    {"<Autodiscover><Request/></Autodiscover>", "600"},
	    {REQ_HEAD REQ_SCHEMA REQ_TAIL, "600"},
	    {REQ_HEAD "<EMailAddress>alice@demo.test</EMailAddress>" REQ_TAIL, "600"},
	    {"<Autodiscover xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/outlook/"
	     "requestschema/2006\"><Other/></Autodiscover>",
	     "600"},
	    {REQ_HEAD "<EMailAddress>alice@demo.test</EMailAddress><AcceptableResponseSchema>"
	              "http://schemas.microsoft.com/exchange/autodiscover/mobilesync/"
	              "responseschema/2006</AcceptableResponseSchema>" REQ_TAIL,
	     "601"},
	    {"<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
	     "<Autodiscover xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/outlook/"
	     "requestschema/2006\"><Request><EMailAddress>&x;</EMailAddress>" REQ_SCHEMA REQ_TAIL,
	     "600"},
	};
	char *big;

	test_begin("POX: Error responses 500, 600, 601 with Time, Id, Message, DebugData");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_error(tmp, cases[i].body, strlen(cases[i].body), cases[i].code);
	check_error(tmp, "", 0, "600");
	big = talloc_zero_size(tmp, AD_REQUEST_MAX + 2);
	memset(big, ' ', AD_REQUEST_MAX + 1);
	check_error(tmp, big, AD_REQUEST_MAX + 1, "600");
	/* a request needs an authenticated user */
	{
		struct ad_response resp;
		struct xdoc x;

		test_assert_int(
		    pox(tmp, NULL,
		        REQ_HEAD "<EMailAddress>alice@demo.test</EMailAddress>" REQ_SCHEMA REQ_TAIL,
		        true, &resp),
		    0);
		xdoc_open(&x, resp.body, resp.body_len);
		test_assert_str(xstr(tmp, &x, "//r:Error/r:ErrorCode"), "500");
		xdoc_close(&x);
	}
	talloc_free(tmp);
	test_end();
}

/* Truncations and seeded random mutations of the fixture: always a 200
 * answer, never a crash (the sanitizer build checks the memory). */
static void test_mutations(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ad_response resp;
	const char *error;
	size_t len;
	char *req = read_file(tmp, "request-alice.xml", &len), *m;
	unsigned seed = 12345;
	int bad = 0;

	test_begin("POX: truncated and mutated requests answer 200");
	for (size_t n = 0; n < len; n++) {
		if (autodiscover_pox(tmp, dir, &cfg, "alice@demo.test", req, n, true, &resp,
		                     &error) != 0 ||
		    resp.http_status != 200)
			bad++;
	}
	for (int i = 0; i < 3000; i++) {
		m = talloc_memdup(tmp, req, len);
		for (int k = 0; k < 1 + i % 4; k++) {
			seed = seed * 1103515245u + 12345u;
			m[(seed >> 8) % len] = (char)(seed >> 16);
		}
		if (autodiscover_pox(tmp, dir, &cfg, "alice@demo.test", m, len, i % 2 == 0, &resp,
		                     &error) != 0 ||
		    resp.http_status != 200)
			bad++;
		talloc_free(m);
		talloc_free(resp.body);
	}
	test_assert_int(bad, 0);
	talloc_free(tmp);
	test_end();
}

static void test_json(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ad_response resp;
	const char *error;

	test_begin("JSON: AutodiscoverV1 and the errors");
	test_assert_int(autodiscover_json(tmp, dir, &cfg, "alice@demo.test", "alice@demo.test",
	                                  "AutodiscoverV1", &resp, &error),
	                0);
	test_assert_int(resp.http_status, 200);
	test_assert_str(resp.content_type, "application/json; charset=utf-8");
	test_assert_str(resp.body, "{\"Protocol\":\"AutodiscoverV1\",\"Url\":"
	                           "\"https://mail.demo.test/autodiscover/autodiscover.xml\"}");
	test_assert_int(resp.body_len, strlen(resp.body));
	test_assert_int(autodiscover_json(tmp, dir, &cfg, NULL, "alice%40demo.test",
	                                  "autodiscoverv1", &resp, &error),
	                0);
	test_assert_int(resp.http_status, 200);
	test_assert_int(
	    autodiscover_json(tmp, dir, &cfg, NULL, "alice@demo.test", "Ews", &resp, &error), 0);
	test_assert_int(resp.http_status, 400);
	test_assert_str(resp.body, "{\"ErrorCode\":\"ProtocolNotSupported\",\"ErrorMessage\":"
	                           "\"The given protocol value 'Ews' is not supported. Supported "
	                           "values are 'AutodiscoverV1'.\"}");
	test_assert_int(
	    autodiscover_json(tmp, dir, &cfg, NULL, "alice@demo.test", "MapiHttp", &resp, &error),
	    0);
	test_assert_int(resp.http_status, 400);
	test_assert(strstr(resp.body, "ProtocolNotSupported") != NULL);
	test_assert_int(
	    autodiscover_json(tmp, dir, &cfg, NULL, "alice@demo.test", "a\"b\\\n", &resp, &error),
	    0);
	test_assert(strstr(resp.body, "'a\\u0022b\\u005c\\u000a'") != NULL);
	test_assert_int(
	    autodiscover_json(tmp, dir, &cfg, NULL, "alice@demo.test", NULL, &resp, &error), 0);
	test_assert_int(resp.http_status, 400);
	test_assert(strstr(resp.body, "MandatoryParameterMissing") != NULL);
	test_assert_int(
	    autodiscover_json(tmp, dir, &cfg, NULL, "", "AutodiscoverV1", &resp, &error), 0);
	test_assert_int(resp.http_status, 400);
	test_assert_int(
	    autodiscover_json(tmp, dir, &cfg, NULL, "a@b/c", "AutodiscoverV1", &resp, &error), 0);
	test_assert_int(resp.http_status, 400);
	test_assert_int(
	    autodiscover_json(tmp, dir, &cfg, NULL, "abc%4", "AutodiscoverV1", &resp, &error), 0);
	test_assert_int(resp.http_status, 400);
	talloc_free(tmp);
	test_end();
}

static void test_redirect(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ad_response resp;
	const char *error;

	test_begin("redirect: 302 to the HTTPS Autodiscover URL");
	test_assert_int(autodiscover_redirect(tmp, &cfg, &resp, &error), 0);
	test_assert_int(resp.http_status, 302);
	test_assert_str(resp.location, "https://mail.demo.test/autodiscover/autodiscover.xml");
	talloc_free(tmp);
	test_end();
}

int main(void)
{
	char cmd[128];

	log_set_level(LOG_LEVEL_WARN);
	setup();
	test_settings_mapihttp();
	test_matches_spec_example();
	test_settings_legacy();
	test_lookup_rules();
	test_errors();
	test_mutations();
	test_json();
	test_redirect();
	talloc_free(alice);
	talloc_free(bob);
	directory_close(&dir);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", data_dir);
	if (system(cmd) != 0)
		return 1;
	xmlCleanupParser();
	return test_exit();
}
