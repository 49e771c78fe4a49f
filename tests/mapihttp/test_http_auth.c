/* Basic parsing, transport rules, the credential cache and back-off, and the
 * authentication layer over a fake password check. */
#include <stdbool.h>

#include "auth_backoff.h"
#include "auth_cache.h"
#include "http_auth.h"
#include "test.h"

static const struct {
	const char *header;
	const char *user, *password; /* NULL: malformed */
} basic_cases[] = {
    {"Basic YTp4LnRlc3Q6cHc=", "a", "x.test:pw"}, /* password may hold ':' */
    {"Basic YUB4LnRlc3Q6cHc=", "a@x.test", "pw"},
    {"basic YUB4LnRlc3Q6cHc=", "a@x.test", "pw"},
    {"BASIC   YUB4LnRlc3Q6cHc=  ", "a@x.test", "pw"},
    {"Basic YUB4LnRlc3Q6", "a@x.test", ""},
    {"Basic w6k6w6k=", "\xc3\xa9", "\xc3\xa9"},
    {"Basic YUB4LnRlc3Q6cHc", NULL, NULL},   /* padding missing */
    {"Basic YUB4LnRlc3Q6cHc==", NULL, NULL}, /* wrong padding */
    {"Basic YUB4LnRl=3Q6cHc=", NULL, NULL},  /* '=' inside */
    {"Basic YUB4LnRlc3Q6cH*=", NULL, NULL},  /* bad alphabet */
    {"Basic OnB3", NULL, NULL},              /* ":pw": empty user */
    {"Basic YWJj", NULL, NULL},              /* "abc": no colon */
    {"Basic YQBiOmM=", NULL, NULL},          /* NUL inside */
    {"Basic YQpiOmM=", NULL, NULL},          /* newline inside */
    {"Basic ", NULL, NULL},
    {"Basic", NULL, NULL},
    {"BasicYUB4LnRlc3Q6cHc=", NULL, NULL},
    {"Bearer abc", NULL, NULL},
    {"NTLM TlRMTVNTUAABAAAA", NULL, NULL},
    {"", NULL, NULL},
};

static void test_basic_parse(void)
{
	test_begin("Basic header parsing");
	for (size_t i = 0; i < sizeof(basic_cases) / sizeof(basic_cases[0]); i++) {
		TALLOC_CTX *tmp = talloc_new(NULL);
		char *user = NULL, *password = NULL;
		int r = http_basic_parse(tmp, basic_cases[i].header, &user, &password);

		if (basic_cases[i].user == NULL) {
			if (r != -1)
				fprintf(stderr, "case %zu accepted\n", i);
			test_assert_int(r, -1);
		} else {
			test_assert_int(r, 0);
			test_assert_str(user, basic_cases[i].user);
			test_assert_str(password, basic_cases[i].password);
		}
		talloc_free(tmp);
	}
	test_end();
}

static void test_basic_transport(void)
{
	struct http_listen loop = {.loopback = true}, wide = {.loopback = false};

	test_begin("Basic only over TLS, loopback or an offloading proxy");
	test_assert(http_basic_allowed(true, &wide, false));
	test_assert(http_basic_allowed(false, &loop, false));
	test_assert(!http_basic_allowed(false, &wide, false));
	test_assert(http_basic_allowed(false, &wide, true));
	test_end();
}

static void test_cache(void)
{
	struct auth_cache *c = auth_cache_new(NULL, 8, 60, 600);
	char *user = NULL;

	test_begin("credential cache: hit, miss, expiry, forget, bound");
	test_assert(c != NULL);
	test_assert_int(auth_cache_lookup(c, c, "Basic AAA=", 100, &user), 0);
	auth_cache_store(c, "Basic AAA=", "a@x.test", 100);
	test_assert_int(auth_cache_lookup(c, c, "Basic AAA=", 159, &user), 1);
	test_assert_str(user, "a@x.test");
	/* a different credential for the same user is a different entry */
	test_assert_int(auth_cache_lookup(c, c, "Basic AAB=", 120, &user), 0);
	test_assert_int(auth_cache_lookup(c, c, "Basic AAA=", 160, &user), 0); /* expired */
	test_assert(auth_cache_known(c, "Basic AAA=", 160));                   /* still known */
	test_assert(!auth_cache_known(c, "Basic AAA=", 700));
	test_assert(!auth_cache_known(c, "Basic AAB=", 160));
	test_assert_int(auth_cache_lookup(c, c, "Basic AAA=", 99, &user), 0); /* clock back */
	auth_cache_store(c, "Basic AAA=", "a@x.test", 200);
	auth_cache_store(c, "Basic BBB=", "b@x.test", 200);
	auth_cache_forget_user(c, "A@X.TEST");
	test_assert_int(auth_cache_lookup(c, c, "Basic AAA=", 201, &user), 0);
	test_assert(!auth_cache_known(c, "Basic AAA=", 201));
	test_assert_int(auth_cache_lookup(c, c, "Basic BBB=", 201, &user), 1);
	for (int i = 0; i < 100; i++) {
		char cred[32];
		snprintf(cred, sizeof(cred), "Basic %d", i);
		auth_cache_store(c, cred, "c@x.test", 300);
	}
	test_assert(auth_cache_count(c, 300) <= 8);
	test_assert(auth_cache_count(c, 300) >= 1);
	talloc_free(c);
	test_end();
}

static void test_cache_ttl_zero(void)
{
	struct auth_cache *c = auth_cache_new(NULL, 8, 0, 0);
	char *user;

	test_begin("cache_ttl 0 disables the cache");
	auth_cache_store(c, "Basic AAA=", "a@x.test", 100);
	test_assert_int(auth_cache_lookup(c, c, "Basic AAA=", 100, &user), 0);
	talloc_free(c);
	test_end();
}

static void test_backoff(void)
{
	struct auth_backoff *b = auth_backoff_new(NULL, 64, 3, 8);

	test_begin("back-off grows, caps, is per peer and user, clears on success");
	test_assert_int(auth_backoff_wait(b, "10.0.0.1", "a@x.test", 1000), 0);
	auth_backoff_failure(b, "10.0.0.1", "a@x.test", 1000);
	auth_backoff_failure(b, "10.0.0.1", "a@x.test", 1000);
	test_assert_int(auth_backoff_wait(b, "10.0.0.1", "a@x.test", 1000), 0);
	auth_backoff_failure(b, "10.0.0.1", "a@x.test", 1000);
	test_assert_int(auth_backoff_wait(b, "10.0.0.1", "a@x.test", 1000), 1);
	test_assert_int(auth_backoff_wait(b, "10.0.0.1", "A@X.TEST", 1000), 1);
	test_assert_int(auth_backoff_wait(b, "10.0.0.1", "a@x.test", 1001), 0);
	/* another peer, or another user, is not affected */
	test_assert_int(auth_backoff_wait(b, "10.0.0.2", "a@x.test", 1000), 0);
	test_assert_int(auth_backoff_wait(b, "10.0.0.1", "b@x.test", 1000), 0);
	for (int i = 0; i < 10; i++)
		auth_backoff_failure(b, "10.0.0.1", "a@x.test", 1001);
	test_assert_int(auth_backoff_wait(b, "10.0.0.1", "a@x.test", 1001), 8); /* capped */
	test_assert_int(auth_backoff_wait(b, "10.0.0.1", "a@x.test", 1009), 0);
	auth_backoff_failure(b, "10.0.0.1", "a@x.test", 1100); /* decayed: count restarts */
	test_assert_int(auth_backoff_wait(b, "10.0.0.1", "a@x.test", 1100), 0);
	for (int i = 0; i < 5; i++)
		auth_backoff_failure(b, "10.0.0.1", "a@x.test", 1100);
	test_assert(auth_backoff_wait(b, "10.0.0.1", "a@x.test", 1100) > 0);
	auth_backoff_success(b, "10.0.0.1", "a@x.test");
	test_assert_int(auth_backoff_wait(b, "10.0.0.1", "a@x.test", 1100), 0);
	talloc_free(b);
	test_end();
}

static int verify_calls;

static int fake_verify(void *ctx, TALLOC_CTX *mem_ctx, const char *user, const char *password,
                       char **canonical_r, const char **error_r)
{
	(void)ctx;
	verify_calls++;
	if (strcmp(user, "broken@x.test") == 0) {
		*error_r = "backend down";
		return -1;
	}
	if ((strcmp(user, "a@x.test") == 0 || strcmp(user, "alias@x.test") == 0) &&
	    strcmp(password, "pw") == 0) {
		*canonical_r = talloc_strdup(mem_ctx, "a@x.test");
		return 1;
	}
	return 0;
}

static struct http_request *req;

static enum http_auth_result check(struct http_auth *auth, const struct http_listen *l, bool tls,
                                   const char *header, const char **user_r)
{
	enum http_auth_result r;

	talloc_free(req);
	req = talloc_zero(NULL, struct http_request);
	req->listener = l;
	req->tls = tls;
	req->peer = "192.0.2.9";
	r = http_auth_check(auth, req, header, NULL);
	*user_r = req->auth_user;
	return r;
}

static void test_auth_layer(void)
{
	struct http_config *cfg = http_config_new(NULL);
	struct http_listen wide = {.loopback = false, .scheme_count = 1};
	struct http_auth *auth;
	const char *user;

	wide.schemes[0] = HTTP_AUTH_SCHEME_BASIC;
	cfg->backoff_threshold = 3;
	auth = http_auth_new(cfg, cfg, fake_verify, NULL);

	test_begin("auth layer: Basic with cache, failures, back-off, transport");
	test_assert_int(check(auth, &wide, true, NULL, &user), HTTP_AUTH_CHALLENGE);
	test_assert(user == NULL);
	test_assert_int(check(auth, &wide, false, "Basic YUB4LnRlc3Q6cHc=", &user),
	                HTTP_AUTH_NO_TRANSPORT);
	test_assert_int(verify_calls, 0);
	test_assert_int(check(auth, &wide, true, "Basic YUB4LnRlc3Q6cHc=", &user), HTTP_AUTH_OK);
	test_assert_str(user, "a@x.test");
	test_assert_int(verify_calls, 1);
	test_assert_int(check(auth, &wide, true, "Basic YUB4LnRlc3Q6cHc=", &user), HTTP_AUTH_OK);
	test_assert_int(verify_calls, 1); /* cached */
	/* an alias logs in as the primary address */
	test_assert_int(check(auth, &wide, true, "Basic YWxpYXNAeC50ZXN0OnB3", &user),
	                HTTP_AUTH_OK);
	test_assert_str(user, "a@x.test");
	test_assert_int(check(auth, &wide, true, "Bearer xyz", &user), HTTP_AUTH_CHALLENGE);
	test_assert_int(check(auth, &wide, true, "Basic !!!!", &user), HTTP_AUTH_CHALLENGE);
	/* "b@x.test:bad" three times, then back-off refuses without checking */
	for (int i = 0; i < 3; i++)
		test_assert_int(check(auth, &wide, true, "Basic YkB4LnRlc3Q6YmFk", &user),
		                HTTP_AUTH_CHALLENGE);
	verify_calls = 0;
	test_assert_int(check(auth, &wide, true, "Basic YkB4LnRlc3Q6YmFk", &user),
	                HTTP_AUTH_CHALLENGE);
	test_assert_int(verify_calls, 0);
	/* ...but a user already logged in keeps working */
	test_assert_int(check(auth, &wide, true, "Basic YUB4LnRlc3Q6cHc=", &user), HTTP_AUTH_OK);
	test_assert_int(check(auth, &wide, true, "Basic YnJva2VuQHgudGVzdDpwdw==", &user),
	                HTTP_AUTH_INTERNAL);
	/* a changed password: forgetting the user forces a new check */
	http_auth_forget_user(auth, "a@x.test");
	verify_calls = 0;
	test_assert_int(check(auth, &wide, true, "Basic YUB4LnRlc3Q6cHc=", &user), HTTP_AUTH_OK);
	test_assert_int(verify_calls, 1);
	talloc_free(req);
	req = NULL;
	talloc_free(cfg);
	test_end();
}

/* Someone guesses a's password from a's own address while a's client, whose
 * credential worked before, re-verifies after the cache TTL. */
static void test_no_lockout(void)
{
	struct http_config *cfg = http_config_new(NULL);
	struct http_listen wide = {.loopback = false, .scheme_count = 1};
	struct http_auth *auth;
	const char *user;

	wide.schemes[0] = HTTP_AUTH_SCHEME_BASIC;
	cfg->backoff_threshold = 2;
	cfg->auth_cache_ttl = 0; /* every request runs the KDF */
	auth = http_auth_new(cfg, cfg, fake_verify, NULL);

	test_begin("back-off never locks out a credential that worked");
	test_assert_int(check(auth, &wide, true, "Basic YUB4LnRlc3Q6cHc=", &user), HTTP_AUTH_OK);
	for (int i = 0; i < 5; i++) /* "a@x.test:bad" */
		check(auth, &wide, true, "Basic YUB4LnRlc3Q6YmFk", &user);
	verify_calls = 0;
	test_assert_int(check(auth, &wide, true, "Basic YUB4LnRlc3Q6YmFk", &user),
	                HTTP_AUTH_CHALLENGE);
	test_assert_int(verify_calls, 0); /* the guess is held back */
	test_assert_int(check(auth, &wide, true, "Basic YUB4LnRlc3Q6cHc=", &user), HTTP_AUTH_OK);
	test_assert_int(verify_calls, 1); /* the known credential is checked */
	/* a credential never seen working is held back like a guess */
	test_assert_int(check(auth, &wide, true, "Basic  YUB4LnRlc3Q6cHc=", &user),
	                HTTP_AUTH_CHALLENGE);
	test_assert_int(verify_calls, 1);
	talloc_free(req);
	req = NULL;
	talloc_free(cfg);
	test_end();
}

/* Two requests of one credential miss the cache together (both checks
 * pending, as when a client's connections start at once or the entry has
 * just expired): the first runs the KDF, the second takes the credential
 * the first stored; a wrong password is still checked every time. */
static void test_concurrent_misses(void)
{
	struct http_config *cfg = http_config_new(NULL);
	struct http_listen wide = {.loopback = false, .scheme_count = 1};
	struct http_request *r[4];
	struct http_auth_pending *p[4] = {NULL, NULL, NULL, NULL};
	const char *hdr[4] = {"Basic YUB4LnRlc3Q6cHc=", "Basic YUB4LnRlc3Q6cHc=",
	                      "Basic YUB4LnRlc3Q6YmFk", "Basic YUB4LnRlc3Q6YmFk"};
	struct http_auth *auth;

	wide.schemes[0] = HTTP_AUTH_SCHEME_BASIC;
	auth = http_auth_new(cfg, cfg, fake_verify, NULL);
	test_begin("concurrent cache misses of one credential run the KDF once");
	for (int i = 0; i < 4; i++) {
		r[i] = talloc_zero(cfg, struct http_request);
		r[i]->listener = &wide;
		r[i]->tls = true;
		r[i]->peer = "192.0.2.10";
		test_assert_int(http_auth_check(auth, r[i], hdr[i], &p[i]), HTTP_AUTH_PENDING);
	}
	verify_calls = 0;
	test_assert_int(http_auth_complete(auth, r[0], p[0]), HTTP_AUTH_OK);
	test_assert_int(verify_calls, 1);
	test_assert_int(http_auth_complete(auth, r[1], p[1]), HTTP_AUTH_OK);
	test_assert_int(verify_calls, 1); /* stored by the first */
	test_assert_str(r[1]->auth_user, "a@x.test");
	/* "a@x.test:bad" pending twice: never cached, both checked, refused */
	test_assert_int(http_auth_complete(auth, r[2], p[2]), HTTP_AUTH_CHALLENGE);
	test_assert_int(http_auth_complete(auth, r[3], p[3]), HTTP_AUTH_CHALLENGE);
	test_assert_int(verify_calls, 3);
	test_assert(r[2]->auth_user == NULL && r[3]->auth_user == NULL);
	talloc_free(cfg);
	test_end();
}

int main(void)
{
	test_basic_parse();
	test_basic_transport();
	test_cache();
	test_cache_ttl_zero();
	test_backoff();
	test_auth_layer();
	test_no_lockout();
	test_concurrent_misses();
	return test_exit();
}
