/*
 * Unit tests of the client's cookie jar (client/mc_cookie.c): the cookies
 * of [MS-OXCMAPIHTTP] 3.1.5.2 (session context and sequence cookies, sent
 * back on every request of the Session Context) and the RFC 6265 rules the
 * jar follows.
 */
#include <talloc.h>

#include "mc_cookie.h"
#include "test.h"

#define NOW ((time_t)1700000000) /* Tue, 14 Nov 2023 22:13:20 GMT */

static void test_session_cookies(void)
{
	test_begin("cookie: MapiContext and MapiSequence stored and sent back");
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct mc_cookie_jar *jar = mc_cookie_jar_new(tmp);
	test_assert_int(mc_cookie_jar_set(jar, "MapiContext=AbC123==; path=/mapi/emsmdb; HttpOnly",
	                                  "/mapi/emsmdb/", NOW),
	                1);
	test_assert_int(mc_cookie_jar_set(jar, "MapiSequence=1-xyz; path=/mapi/emsmdb; secure",
	                                  "/mapi/emsmdb/", NOW),
	                1);
	test_assert_str(mc_cookie_jar_header(tmp, jar, "/mapi/emsmdb/"),
	                "MapiContext=AbC123==; MapiSequence=1-xyz");
	test_assert_str(mc_cookie_jar_header(tmp, jar, "/mapi/emsmdb"),
	                "MapiContext=AbC123==; MapiSequence=1-xyz");
	/* not for the other endpoint, nor for a path that only shares a prefix */
	test_assert(mc_cookie_jar_header(tmp, jar, "/mapi/nspi/") == NULL);
	test_assert(mc_cookie_jar_header(tmp, jar, "/mapi/emsmdbx") == NULL);
	/* the sequence cookie changes with each Execute: replaced in place */
	test_assert_int(
	    mc_cookie_jar_set(jar, "MapiSequence=2-abc; path=/mapi/emsmdb", "/mapi/emsmdb/", NOW),
	    1);
	test_assert_int(jar->count, 2);
	test_assert_str(mc_cookie_jar_get(jar, "MapiSequence"), "2-abc");
	test_assert_str(mc_cookie_jar_header(tmp, jar, "/mapi/emsmdb/"),
	                "MapiContext=AbC123==; MapiSequence=2-abc");
	talloc_free(tmp);
	test_end();
}

static void test_default_path(void)
{
	test_begin("cookie: default path is the request path's directory (RFC 6265 5.1.4)");
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct mc_cookie_jar *jar = mc_cookie_jar_new(tmp);
	test_assert_int(mc_cookie_jar_set(jar, "a=1", "/mapi/nspi/", NOW), 1);
	test_assert_str(jar->cookies[0].path, "/mapi/nspi");
	test_assert_int(mc_cookie_jar_set(jar, "b=2", "/x", NOW), 1);
	test_assert_str(jar->cookies[1].path, "/");
	test_assert_int(mc_cookie_jar_set(jar, "c=3; Path=relative", "/mapi/nspi/", NOW), 1);
	test_assert_str(jar->cookies[2].path, "/mapi/nspi");
	test_assert_str(mc_cookie_jar_header(tmp, jar, "/mapi/nspi/"), "a=1; b=2; c=3");
	test_assert_str(mc_cookie_jar_header(tmp, jar, "/autodiscover/autodiscover.xml"), "b=2");
	talloc_free(tmp);
	test_end();
}

static void test_delete_and_ignore(void)
{
	test_begin("cookie: Max-Age / Expires delete, bad headers ignored");
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct mc_cookie_jar *jar = mc_cookie_jar_new(tmp);
	test_assert_int(mc_cookie_jar_set(jar, "MapiContext=v; Path=/mapi/emsmdb", "/", NOW), 1);
	test_assert_int(
	    mc_cookie_jar_set(jar, "MapiContext=; Path=/mapi/emsmdb; Max-Age=0", "/", NOW), 1);
	test_assert_int(jar->count, 0);
	test_assert_int(mc_cookie_jar_set(jar, "k=v; Path=/", "/", NOW), 1);
	test_assert_int(mc_cookie_jar_set(
	                    jar, "k=gone; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT", "/", NOW),
	                1);
	test_assert_int(jar->count, 0);
	/* an Expires in the future keeps it */
	test_assert_int(mc_cookie_jar_set(
	                    jar, "k=kept; Path=/; Expires=Fri, 01 Jan 2100 00:00:00 GMT", "/", NOW),
	                1);
	test_assert_str(mc_cookie_jar_get(jar, "k"), "kept");
	/* RFC 6265 5.2: no '=' or an empty name: ignored */
	test_assert_int(mc_cookie_jar_set(jar, "novalue", "/", NOW), 0);
	test_assert_int(mc_cookie_jar_set(jar, "=v; Path=/", "/", NOW), 0);
	test_assert_int(mc_cookie_jar_set(jar, "  ; a=b", "/", NOW), 0);
	test_assert_int(jar->count, 1);
	/* blanks around name and value are not part of them */
	test_assert_int(mc_cookie_jar_set(jar, "  sp  =  x y  ; Path = / ", "/", NOW), 1);
	test_assert_str(mc_cookie_jar_get(jar, "sp"), "x y");
	mc_cookie_jar_clear(jar);
	test_assert_int(jar->count, 0);
	test_assert(mc_cookie_jar_header(tmp, jar, "/") == NULL);
	talloc_free(tmp);
	test_end();
}

int main(void)
{
	test_session_cookies();
	test_default_path();
	test_delete_and_ignore();
	return test_exit();
}
