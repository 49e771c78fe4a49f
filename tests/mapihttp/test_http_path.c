/* Path normalisation and routing, table-driven, with hostile paths. */
#include <string.h>

#include "http_path.h"
#include "http_route.h"
#include "test.h"

static const struct {
	const char *raw;
	enum http_path_error err;
	const char *path; /* when OK */
} path_cases[] = {
    {"/", HTTP_PATH_OK, "/"},
    {"/health", HTTP_PATH_OK, "/health"},
    {"/mapi/emsmdb/", HTTP_PATH_OK, "/mapi/emsmdb/"},
    {"/mapi/emsmdb/?MailboxId=x@y", HTTP_PATH_OK, "/mapi/emsmdb/"},
    {"/a%20b", HTTP_PATH_OK, "/a b"},
    {"/autodiscover/autodiscover.json/v1.0/a%40x.test", HTTP_PATH_OK,
     "/autodiscover/autodiscover.json/v1.0/a@x.test"},
    {"/caf%C3%A9", HTTP_PATH_OK, "/caf\xc3\xa9"},
    {"/autodiscover/autodiscover.json?@x/mapi/nspi", HTTP_PATH_OK,
     "/autodiscover/autodiscover.json"},
    {"", HTTP_PATH_E_NOT_ABSOLUTE, NULL},
    {"*", HTTP_PATH_E_NOT_ABSOLUTE, NULL},
    {"http://evil/mapi/emsmdb/", HTTP_PATH_E_NOT_ABSOLUTE, NULL},
    {"mapi/emsmdb/", HTTP_PATH_E_NOT_ABSOLUTE, NULL},
    {"/mapi/emsmdb/../nspi", HTTP_PATH_E_DOT_SEGMENT, NULL},
    {"/mapi/emsmdb/..", HTTP_PATH_E_DOT_SEGMENT, NULL},
    {"/mapi/./emsmdb/", HTTP_PATH_E_DOT_SEGMENT, NULL},
    {"/Autodiscover/Autodiscover.json/../../mapi/", HTTP_PATH_E_DOT_SEGMENT, NULL},
    {"/mapi/emsmdb/%2e%2e/nspi", HTTP_PATH_E_ENCODED_SEPARATOR, NULL},
    {"/mapi/emsmdb/%2E%2E/nspi", HTTP_PATH_E_ENCODED_SEPARATOR, NULL},
    {"/mapi%2femsmdb/", HTTP_PATH_E_ENCODED_SEPARATOR, NULL},
    {"/mapi%2Femsmdb/", HTTP_PATH_E_ENCODED_SEPARATOR, NULL},
    {"/mapi%5cemsmdb/", HTTP_PATH_E_ENCODED_SEPARATOR, NULL},
    {"/mapi/emsmdb/%00", HTTP_PATH_E_ENCODED_SEPARATOR, NULL},
    {"/mapi/emsmdb/%0d%0aX: y", HTTP_PATH_E_ENCODED_SEPARATOR, NULL},
    {"/mapi/%252e%252e/", HTTP_PATH_E_ENCODED_SEPARATOR, NULL},
    {"/health.", HTTP_PATH_OK, "/health."},
    {"/mapi\\emsmdb/", HTTP_PATH_E_FORBIDDEN_CHAR, NULL},
    {"/mapi/emsmdb/\x01", HTTP_PATH_E_FORBIDDEN_CHAR, NULL},
    {"/mapi/emsmdb/#frag", HTTP_PATH_E_FORBIDDEN_CHAR, NULL},
    {"//mapi/emsmdb/", HTTP_PATH_E_EMPTY_SEGMENT, NULL},
    {"/mapi//emsmdb/", HTTP_PATH_E_EMPTY_SEGMENT, NULL},
    {"/mapi/emsmdb/%", HTTP_PATH_E_BAD_ESCAPE, NULL},
    {"/mapi/emsmdb/%4", HTTP_PATH_E_BAD_ESCAPE, NULL},
    {"/mapi/emsmdb/%zz", HTTP_PATH_E_BAD_ESCAPE, NULL},
    {"/caf%C3", HTTP_PATH_E_BAD_UTF8, NULL},
    {"/%C0%AF", HTTP_PATH_E_BAD_UTF8, NULL},    /* overlong '/' */
    {"/%E0%80%AE", HTTP_PATH_E_BAD_UTF8, NULL}, /* overlong '.' */
    {"/%ED%A0%80", HTTP_PATH_E_BAD_UTF8, NULL}, /* surrogate */
    {"/\xff", HTTP_PATH_E_BAD_UTF8, NULL},
    {"/a?x=%00", HTTP_PATH_E_BAD_QUERY, NULL},
    {"/a?x=%zz", HTTP_PATH_E_BAD_QUERY, NULL},
};

static void test_path_table(void)
{
	test_begin("path normalisation table");
	for (size_t i = 0; i < sizeof(path_cases) / sizeof(path_cases[0]); i++) {
		struct http_target *t = NULL;
		enum http_path_error err = http_target_parse(NULL, path_cases[i].raw, &t);

		if (err != path_cases[i].err)
			fprintf(stderr, "case %zu: %s\n", i, path_cases[i].raw);
		test_assert_int(err, path_cases[i].err);
		if (err == HTTP_PATH_OK) {
			test_assert_str(t->path, path_cases[i].path);
			talloc_free(t);
		} else {
			test_assert(t == NULL);
		}
	}
	test_end();
}

static void test_path_too_long(void)
{
	char buf[HTTP_PATH_MAX + 8];
	struct http_target *t = NULL;

	test_begin("overlong path refused");
	memset(buf, 'a', sizeof(buf) - 1);
	buf[0] = '/';
	buf[sizeof(buf) - 1] = '\0';
	test_assert_int(http_target_parse(NULL, buf, &t), HTTP_PATH_E_TOO_LONG);
	buf[HTTP_PATH_MAX] = '\0';
	test_assert_int(http_target_parse(NULL, buf, &t), HTTP_PATH_OK);
	talloc_free(t);
	test_end();
}

static void test_query(void)
{
	struct http_target *t = NULL;

	test_begin("query parameters");
	test_assert_int(http_target_parse(NULL, "/x?Protocol=AutodiscoverV1&a=b+c%21&flag&&=v", &t),
	                HTTP_PATH_OK);
	test_assert_str(http_target_param(t, "protocol"), "AutodiscoverV1");
	test_assert_str(http_target_param(t, "a"), "b c!");
	test_assert_str(http_target_param(t, "flag"), "");
	test_assert_str(http_target_param(t, ""), "v");
	test_assert(http_target_param(t, "missing") == NULL);
	talloc_free(t);
	test_end();
}

static enum http_handler_result dummy(struct http_request *req)
{
	(void)req;
	return HTTP_HANDLED;
}

static const struct http_route routes[] = {
    {"health", "GET", "/health", HTTP_MATCH_EXACT, false, HTTP_ACCESS_PUBLIC, false, false, dummy},
    {"pox", "POST", "/autodiscover/autodiscover.xml", HTTP_MATCH_EXACT, true,
     HTTP_ACCESS_AUTHENTICATED, false, false, dummy},
    {"redirect", "GET", "/autodiscover/autodiscover.xml", HTTP_MATCH_EXACT, true,
     HTTP_ACCESS_PUBLIC, true, false, dummy},
    {"json", "GET", "/autodiscover/autodiscover.json/v1.0/", HTTP_MATCH_SEGMENT, true,
     HTTP_ACCESS_AUTHENTICATED, false, false, dummy},
    {"emsmdb", "POST", "/mapi/emsmdb/", HTTP_MATCH_EXACT, false, HTTP_ACCESS_AUTHENTICATED, false,
     true, dummy},
};

static const struct {
	const char *method, *path;
	bool tls;
	enum http_route_result res;
	const char *name, *rest;
} route_cases[] = {
    {"GET", "/health", false, HTTP_ROUTE_FOUND, "health", NULL},
    {"GET", "/Health", false, HTTP_ROUTE_NOT_FOUND, NULL, NULL},
    {"GET", "/health/", false, HTTP_ROUTE_NOT_FOUND, NULL, NULL},
    {"POST", "/health", false, HTTP_ROUTE_BAD_METHOD, "health", NULL},
    {"POST", "/AutoDiscover/AutoDiscover.XML", true, HTTP_ROUTE_FOUND, "pox", NULL},
    {"GET", "/autodiscover/autodiscover.xml", false, HTTP_ROUTE_FOUND, "redirect", NULL},
    {"GET", "/autodiscover/autodiscover.xml", true, HTTP_ROUTE_BAD_METHOD, "pox", NULL},
    {"GET", "/autodiscover/autodiscover.json/v1.0/a@x.test", true, HTTP_ROUTE_FOUND, "json",
     "a@x.test"},
    {"GET", "/Autodiscover/Autodiscover.json/V1.0/a@x.test", true, HTTP_ROUTE_FOUND, "json",
     "a@x.test"},
    {"GET", "/autodiscover/autodiscover.json/v1.0/", true, HTTP_ROUTE_NOT_FOUND, NULL, NULL},
    {"GET", "/autodiscover/autodiscover.json/v1.0/a/mapi/emsmdb/", true, HTTP_ROUTE_NOT_FOUND, NULL,
     NULL},
    {"GET", "/autodiscover/autodiscover.json", true, HTTP_ROUTE_NOT_FOUND, NULL, NULL},
    {"POST", "/mapi/emsmdb/", true, HTTP_ROUTE_FOUND, "emsmdb", NULL},
    {"POST", "/mapi/emsmdb/x", true, HTTP_ROUTE_NOT_FOUND, NULL, NULL},
    {"POST", "/MAPI/emsmdb/", true, HTTP_ROUTE_NOT_FOUND, NULL, NULL},
    {"GET", "/mapi/emsmdb/", true, HTTP_ROUTE_BAD_METHOD, "emsmdb", NULL},
    {"POST", "/mapi/nspi/", true, HTTP_ROUTE_NOT_FOUND, NULL, NULL},
};

static void test_route_table(void)
{
	test_begin("route lookup table");
	for (size_t i = 0; i < sizeof(route_cases) / sizeof(route_cases[0]); i++) {
		const struct http_route *r = NULL;
		const char *rest = NULL;
		enum http_route_result res = http_route_lookup(
		    routes, sizeof(routes) / sizeof(routes[0]), route_cases[i].method,
		    route_cases[i].path, route_cases[i].tls, &r, &rest);

		if (res != route_cases[i].res)
			fprintf(stderr, "case %zu: %s %s\n", i, route_cases[i].method,
			        route_cases[i].path);
		test_assert_int(res, route_cases[i].res);
		if (route_cases[i].name != NULL)
			test_assert_str(r->name, route_cases[i].name);
		if (res == HTTP_ROUTE_FOUND && route_cases[i].rest != NULL)
			test_assert_str(rest, route_cases[i].rest);
		if (res == HTTP_ROUTE_FOUND && route_cases[i].rest == NULL)
			test_assert(rest == NULL);
	}
	test_end();
}

/* The ProxyShell shapes: whatever survives normalisation must not reach a
 * route other than the one its clean path names. */
static void test_confusion_never_reaches_mapi(void)
{
	static const char *const hostile[] = {
	    "/autodiscover/autodiscover.json?@x/mapi/emsmdb/",
	    ("/autodiscover/autodiscover.json?@evil.com/mapi/nspi/?&Email=autodiscover/"
	     "autodiscover.json%3F@evil.com"),
	    "/autodiscover/autodiscover.json/v1.0/x?/mapi/emsmdb/",
	    "/mapi/emsmdb/../nspi",
	    "/mapi/emsmdb/%2e%2e/nspi",
	    "/Autodiscover/Autodiscover.json/../../mapi/emsmdb/",
	    "/autodiscover/autodiscover.json/v1.0/%2fmapi%2femsmdb",
	    "/autodiscover/autodiscover.json/v1.0/..%2f..%2fmapi%2femsmdb%2f",
	    "/mapi/emsmdb;/",
	    "/mapi/emsmdb/;x",
	    "/mapi/emsmdb%00/",
	};

	test_begin("path confusion never routes to /mapi/");
	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		struct http_target *t = NULL;
		const struct http_route *r = NULL;
		const char *rest;

		if (http_target_parse(NULL, hostile[i], &t) != HTTP_PATH_OK)
			continue; /* refused outright: fine */
		if (http_route_lookup(routes, sizeof(routes) / sizeof(routes[0]), "POST", t->path,
		                      true, &r, &rest) == HTTP_ROUTE_FOUND)
			test_assert(strcmp(r->name, "emsmdb") != 0);
		if (http_route_lookup(routes, sizeof(routes) / sizeof(routes[0]), "GET", t->path,
		                      true, &r, &rest) == HTTP_ROUTE_FOUND) {
			test_assert_str(r->name, "json");
			test_assert(strchr(rest, '/') == NULL);
		}
		talloc_free(t);
	}
	test_end();
}

int main(void)
{
	test_path_table();
	test_path_too_long();
	test_query();
	test_route_table();
	test_confusion_never_reaches_mapi();
	return test_exit();
}
