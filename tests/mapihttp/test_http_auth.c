/* Basic parsing, transport rules, the credential cache and back-off, and the
 * authentication layer over a fake password check. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth_backoff.h"
#include "auth_cache.h"
#include "http_auth.h"
#include "http_workers.h"
#include "log.h"
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

static void test_cache_grace(void)
{
	struct auth_cache *c = auth_cache_new(NULL, 8, 60, 0);
	bool refresh = true;
	char *user = NULL;

	test_begin("credential cache: grace period, one re-verification claim, drop");
	/* no grace by default */
	auth_cache_store(c, "Basic AAA=", "a@x.test", 100);
	test_assert_int(auth_cache_lookup_grace(c, c, "Basic AAA=", 160, &user, &refresh), 0);
	test_assert(!refresh);
	auth_cache_set_grace(c, 15);
	test_assert_int(auth_cache_lookup_grace(c, c, "Basic AAA=", 159, &user, &refresh), 1);
	test_assert(!refresh); /* live: nothing to re-verify */
	test_assert_int(auth_cache_lookup(c, c, "Basic AAA=", 160, &user), 0); /* no grace */
	test_assert_int(auth_cache_lookup_grace(c, c, "Basic AAA=", 160, &user, &refresh), 1);
	test_assert(refresh); /* the first lookup in grace claims the re-verification */
	test_assert_str(user, "a@x.test");
	test_assert_int(auth_cache_lookup_grace(c, c, "Basic AAA=", 161, &user, &refresh), 1);
	test_assert(!refresh); /* claimed already */
	test_assert_int(auth_cache_lookup_grace(c, c, "Basic AAA=", 175, &user, &refresh), 0);
	test_assert(auth_cache_known(c, "Basic AAA=", 174)); /* known covers the grace */
	/* a successful re-verification stores it anew and ends the claim */
	auth_cache_store(c, "Basic AAA=", "a@x.test", 170);
	test_assert_int(auth_cache_lookup_grace(c, c, "Basic AAA=", 229, &user, &refresh), 1);
	test_assert(!refresh);
	test_assert_int(auth_cache_lookup_grace(c, c, "Basic AAA=", 230, &user, &refresh), 1);
	test_assert(refresh);
	/* a failed one drops it, known status included */
	auth_cache_drop(c, "Basic AAA=");
	test_assert_int(auth_cache_lookup_grace(c, c, "Basic AAA=", 230, &user, &refresh), 0);
	test_assert(!auth_cache_known(c, "Basic AAA=", 230));
	test_assert_int(auth_cache_count(c, 230), 0);
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

/* A directory of one user for the refresh tests: a@x.test, whose password,
 * stamp and existence the tests change under the daemon's feet. */
static struct {
	bool exists, has_password;
	const char *password;
	uint64_t stamp;
	bool stamp_lags; /* the stamp reads "unknown" (created since) */
} dir_a;
static atomic_int dir_calls, dir_calls_inline;
static pthread_t main_thread;
static time_t fake_now;

static time_t fake_clock(void)
{
	return fake_now;
}

static int dir_verify(void *ctx, TALLOC_CTX *mem_ctx, const char *user, const char *password,
                      char **canonical_r, const char **error_r)
{
	(void)ctx;
	(void)error_r;
	atomic_fetch_add(&dir_calls, 1);
	if (pthread_equal(pthread_self(), main_thread))
		atomic_fetch_add(&dir_calls_inline, 1);
	if (strcmp(user, "a@x.test") != 0 || !dir_a.exists || !dir_a.has_password ||
	    strcmp(password, dir_a.password) != 0)
		return 0;
	*canonical_r = talloc_strdup(mem_ctx, "a@x.test");
	return 1;
}

static int dir_stamp(void *ctx, const char *user, uint64_t *stamp_r)
{
	(void)ctx;
	if (strcmp(user, "a@x.test") != 0 || !dir_a.exists || !dir_a.has_password ||
	    dir_a.stamp_lags)
		return 0;
	*stamp_r = dir_a.stamp;
	return 1;
}

#define CRED_OLD   "Basic YUB4LnRlc3Q6WmVicmEtczNjcmV0" /* a@x.test:Zebra-s3cret */
#define CRED_NEW   "Basic YUB4LnRlc3Q6WmVicmEtbjN3"     /* a@x.test:Zebra-n3w */
#define CRED_GUESS "Basic YUB4LnRlc3Q6d3JvbmctZ3Vlc3M=" /* a@x.test:wrong-guess */

static void dir_reset(void)
{
	dir_a.exists = dir_a.has_password = true;
	dir_a.password = "Zebra-s3cret";
	dir_a.stamp = 0x1111;
	dir_a.stamp_lags = false;
}

/* Runs the queued re-verifications to the end (the pool drains when freed)
 * and gives auth a new pool. */
static void drain(struct http_auth *auth, struct http_workers **w)
{
	http_auth_set_workers(auth, NULL);
	http_workers_free(w);
	*w = http_workers_new(NULL, 1);
	http_auth_set_workers(auth, *w);
}

/* The entry of CRED_OLD, verified at fake time t (cache_ttl 60, so a grace
 * of 15 s from t + 60). */
static void establish(struct http_auth *auth, const struct http_listen *l, time_t t)
{
	const char *user;

	fake_now = t;
	dir_reset();
	test_assert_int(check(auth, l, true, CRED_OLD, &user), HTTP_AUTH_OK);
}

/* Past cache_ttl, the entry is served while one worker re-verifies it; the
 * request never runs the KDF itself. */
static void test_refresh_served(struct http_auth *auth, const struct http_listen *l,
                                struct http_workers **w)
{
	const char *user;

	establish(auth, l, 1000);
	drain(auth, w);
	fake_now = 1061;
	atomic_store(&dir_calls, 0);
	atomic_store(&dir_calls_inline, 0);
	for (int i = 0; i < 3; i++) {
		test_assert_int(check(auth, l, true, CRED_OLD, &user), HTTP_AUTH_OK);
		test_assert_str(user, "a@x.test");
	}
	drain(auth, w);
	test_assert_int(atomic_load(&dir_calls_inline), 0);
	test_assert_int(atomic_load(&dir_calls), 1); /* one re-verification for three */
	/* stored anew at 1061: live until 1121 without any check */
	fake_now = 1120;
	test_assert_int(check(auth, l, true, CRED_OLD, &user), HTTP_AUTH_OK);
	drain(auth, w);
	test_assert_int(atomic_load(&dir_calls), 1);
	/* past the grace nobody refreshed: the request checks it itself */
	fake_now = 1200;
	test_assert_int(check(auth, l, true, CRED_OLD, &user), HTTP_AUTH_OK);
	test_assert_int(atomic_load(&dir_calls_inline), 1);
}

/* A changed password, a user without one (disabled) and a deleted user are
 * never served from an entry, live or in its grace period. */
static void test_refresh_revoked(struct http_auth *auth, const struct http_listen *l,
                                 struct http_workers **w)
{
	const time_t when[2] = {2030, 2061}; /* live, in grace */
	const char *user;

	for (int i = 0; i < 2; i++) {
		for (int change = 0; change < 3; change++) {
			establish(auth, l, 2000);
			fake_now = when[i];
			if (change == 0) {
				dir_a.password = "Zebra-n3w";
				dir_a.stamp = 0x2222;
			} else if (change == 1) {
				dir_a.has_password = false;
			} else {
				dir_a.exists = false;
			}
			atomic_store(&dir_calls, 0);
			test_assert_int(check(auth, l, true, CRED_OLD, &user), HTTP_AUTH_CHALLENGE);
			test_assert(user == NULL);
			test_assert_int(atomic_load(&dir_calls), 1); /* checked, not served */
			drain(auth, w);
			if (change == 0) {
				test_assert_int(check(auth, l, true, CRED_NEW, &user),
				                HTTP_AUTH_OK);
			}
			/* back as before: the old entry was dropped, not resurrected */
			dir_reset();
			http_auth_forget_user(auth, "a@x.test");
		}
	}
}

/* A re-verification that fails drops the entry at once (here the stamp did
 * not change: a backend that changed the password behind it). */
static void test_refresh_fails(struct http_auth *auth, const struct http_listen *l,
                               struct http_workers **w)
{
	const char *user;

	establish(auth, l, 3000);
	fake_now = 3061;
	dir_a.password = "Zebra-n3w";
	test_assert_int(check(auth, l, true, CRED_OLD, &user), HTTP_AUTH_OK); /* in grace */
	drain(auth, w);
	atomic_store(&dir_calls, 0);
	test_assert_int(check(auth, l, true, CRED_OLD, &user), HTTP_AUTH_CHALLENGE);
	test_assert_int(atomic_load(&dir_calls), 1);
	/* a wrong password is never cached, in grace or not */
	establish(auth, l, 3100);
	fake_now = 3161;
	for (int i = 0; i < 2; i++)
		test_assert_int(check(auth, l, true, CRED_GUESS, &user), HTTP_AUTH_CHALLENGE);
	test_assert_int(atomic_load(&dir_calls), 4); /* one per establish and guess */
	drain(auth, w);
	/* a stamp read while the user was unknown is not cached under: the
	 * entry would match again once the user is deleted */
	fake_now = 3300;
	dir_reset();
	dir_a.stamp_lags = true;
	http_auth_forget_user(auth, "a@x.test");
	test_assert_int(check(auth, l, true, CRED_OLD, &user), HTTP_AUTH_OK);
	test_assert_int(check(auth, l, true, CRED_OLD, &user), HTTP_AUTH_OK);
	test_assert_int(atomic_load(&dir_calls), 6); /* not cached: both checked */
}

/* Whether the file at path holds needle. */
static bool file_has(const char *path, const char *needle)
{
	char buf[65536];
	FILE *f = fopen(path, "r");
	size_t n = f != NULL ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

	if (f != NULL)
		fclose(f);
	buf[n] = '\0';
	return strstr(buf, needle) != NULL;
}

/* The captured lines (and any failed assertion among them), as usual. */
static void copy_to_stderr(const char *path)
{
	char buf[4096];
	FILE *f = fopen(path, "r");
	size_t n;

	while (f != NULL && (n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, stderr);
	if (f != NULL)
		fclose(f);
}

static void test_refresh(void)
{
	struct http_config *cfg = http_config_new(NULL);
	struct http_listen wide = {.loopback = false, .scheme_count = 1};
	char logpath[] = "/tmp/test_http_auth_log.XXXXXX";
	int logfd = mkstemp(logpath), saved = dup(2);
	struct http_workers *w = http_workers_new(NULL, 1);
	struct http_auth *auth;

	test_begin("expired Basic credentials: served while re-verified, revoked at once");
	main_thread = pthread_self();
	wide.schemes[0] = HTTP_AUTH_SCHEME_BASIC;
	cfg->auth_cache_ttl = 60;
	auth = http_auth_new(cfg, cfg, dir_verify, NULL);
	http_auth_set_password_stamp(auth, dir_stamp);
	http_auth_set_clock(auth, fake_clock);
	http_auth_set_workers(auth, w);
	test_assert(logfd >= 0 && saved >= 0 && w != NULL);
	/* every log line of these checks goes to a file, to look for secrets */
	log_set_level(LOG_LEVEL_DEBUG);
	dup2(logfd, 2);
	test_refresh_served(auth, &wide, &w);
	test_refresh_revoked(auth, &wide, &w);
	test_refresh_fails(auth, &wide, &w);
	http_auth_set_workers(auth, NULL);
	http_workers_free(&w);
	dup2(saved, 2);
	log_set_level(LOG_LEVEL_INFO);
	copy_to_stderr(logpath);
	test_assert(file_has(logpath, "refresh-failed scheme=basic user=a@x.test"));
	test_assert(file_has(logpath, "refreshed scheme=basic user=a@x.test"));
	test_assert(!file_has(logpath, "Zebra"));
	test_assert(!file_has(logpath, "wrong-guess"));
	test_assert(!file_has(logpath, "YUB4LnRlc3Q6"));
	unlink(logpath);
	close(logfd);
	close(saved);
	talloc_free(req);
	req = NULL;
	talloc_free(cfg);
	test_end();
}

int main(void)
{
	test_basic_parse();
	test_basic_transport();
	test_cache();
	test_cache_grace();
	test_cache_ttl_zero();
	test_backoff();
	test_auth_layer();
	test_no_lockout();
	test_concurrent_misses();
	test_refresh();
	return test_exit();
}
