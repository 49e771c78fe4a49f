/*
 * Unit tests of the Autodiscover v2 JSON reader (client/mc_json.c).
 */
#include <talloc.h>

#include "mc_json.h"
#include "test.h"

static int get(TALLOC_CTX *mem_ctx, const char *text, const char *key, char **v_r)
{
	return mc_json_get_string(mem_ctx, text, strlen(text), key, v_r);
}

static void test_json(void)
{
	test_begin("json: Autodiscover v2 answers");
	TALLOC_CTX *tmp = talloc_new(NULL);
	char *v = NULL;
	const char *ok = "{\"Protocol\":\"AutodiscoverV1\",\"Url\":"
	                 "\"https://mail.contoso.com/autodiscover/autodiscover.xml\"}";
	test_assert_int(get(tmp, ok, "Url", &v), 1);
	test_assert_str(v, "https://mail.contoso.com/autodiscover/autodiscover.xml");
	test_assert_int(get(tmp, ok, "ErrorCode", &v), 0);
	const char *err = " {\n \"ErrorCode\" : \"ProtocolNotSupported\", \"ErrorMessage\": "
	                  "\"A \\\"quoted\\\" \\u00e9\\ud83d\\ude00 \\/x\", \"n\": 12.5e1, "
	                  "\"t\": true, \"z\": null } \n";
	test_assert_int(get(tmp, err, "ErrorCode", &v), 1);
	test_assert_str(v, "ProtocolNotSupported");
	test_assert_int(get(tmp, err, "ErrorMessage", &v), 1);
	test_assert_str(v, "A \"quoted\" \xc3\xa9\xf0\x9f\x98\x80 /x");
	test_assert_int(get(tmp, "{}", "Url", &v), 0);
	talloc_free(tmp);
	test_end();
}

static void test_json_bad(void)
{
	const char *bad[] = {
	    "",
	    "[]",
	    "{",
	    "{\"Url\"}",
	    "{\"Url\":}",
	    "{\"Url\":\"x\",}",
	    "{\"Url\":\"x\"} x",
	    "{\"Url\":{\"a\":1}}",
	    "{\"Url\":\"\\ud800\"}",
	    "{\"Url\":\"a\nb\"}",
	    "{\"Url\":\"\\q\"}",
	    "{\"Url\":\"x\"",
	    "{\"Url\" \"x\"}",
	};
	test_begin("json: malformed objects refused");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *v = NULL;
		TALLOC_CTX *tmp = talloc_new(NULL);
		if (get(tmp, bad[i], "Url", &v) != -1)
			fprintf(stderr, "accepted: %s\n", bad[i]);
		test_assert_int(get(tmp, bad[i], "Url", &v), -1);
		talloc_free(tmp);
	}
	test_end();
}

int main(void)
{
	test_json();
	test_json_bad();
	return test_exit();
}
