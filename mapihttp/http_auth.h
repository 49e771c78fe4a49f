/*
 * http_auth: the authentication layer.  Each listener offers a list of
 * schemes in its own order (http_config.h); a scheme is one row of a table
 * of operations (http_auth.c), so NTLM and Negotiate can be added beside
 * Basic without touching routing or handlers.
 *
 * Basic ([RFC 7617]) is accepted only over TLS, on a loopback listener, or
 * when the configuration says a TLS proxy sits in front (tls.offloaded).
 * NTLM ([MS-NTHT]) and Negotiate ([RFC 4559]) send no password and are
 * accepted on every transport; their handshake and the identity it yields
 * belong to the TCP connection (req->connection->auth_state), so later
 * requests on it need no Authorization header ([MS-NTHT] 3.2.5).
 * Verified credentials are cached (auth_cache.h) and repeated failures
 * back off (auth_backoff.h).  With workers set, a cached Basic credential
 * past auth.cache_ttl is served for a quarter of that TTL more while one
 * worker re-verifies it, so no request waits for the KDF at each expiry;
 * a credential that no longer verifies is dropped at once.  Failures are logged with the user name
 * and peer, never the secret.
 */
#ifndef HTTP_AUTH_H
#define HTTP_AUTH_H

#include <stdbool.h>
#include <stdint.h>
#include <talloc.h>
#include <time.h>

#include "http_config.h"
#include "http_request.h"

#define HTTP_AUTH_HEADER_MAX 4096

/* Verifies a password.  Returns 1 and *canonical_r (the user's primary
 * address, on mem_ctx) when it matches, 0 when the user is unknown or the
 * password wrong, -1 on an internal error with *error_r. */
typedef int http_password_verify_fn(void *ctx, TALLOC_CTX *mem_ctx, const char *user,
                                    const char *password, char **canonical_r, const char **error_r);

/* A number that changes whenever user's password changes (stored with
 * cached credentials, so a change drops them at once).  1 with *stamp_r,
 * 0 when the user is unknown or has no password, -1 on error.  Called with
 * the verify callback's context. */
typedef int http_password_stamp_fn(void *ctx, const char *user, uint64_t *stamp_r);

struct http_auth;

enum http_auth_result {
	HTTP_AUTH_OK = 0,       /* req->auth_user is set */
	HTTP_AUTH_CHALLENGE,    /* answer 401 with http_auth_add_challenges() */
	HTTP_AUTH_NO_TRANSPORT, /* no offered scheme is allowed here: 403 */
	HTTP_AUTH_INTERNAL,     /* 500 */
	HTTP_AUTH_PENDING,      /* a slow check (the password KDF) is prepared */
	HTTP_AUTH_CONTINUE,     /* a handshake leg: 401 with only the WWW-Authenticate
	                           header already added to the response */
	HTTP_AUTH_MALFORMED,    /* an unreadable token: 400 */
};

struct auth_http;

struct http_auth *http_auth_new(TALLOC_CTX *mem_ctx, const struct http_config *cfg,
                                http_password_verify_fn *verify, void *verify_ctx);

/* Makes cached credentials depend on the password's stamp. */
void http_auth_set_password_stamp(struct http_auth *auth, http_password_stamp_fn *stamp);

struct http_workers;

/* The pool that re-verifies cached Basic credentials past their TTL in the
 * background; NULL (the default) turns that off, and expired entries are
 * checked by the request that finds them.  Set it before requests arrive
 * and clear it before the pool is freed. */
void http_auth_set_workers(struct http_auth *auth, struct http_workers *workers);

/* For tests: the monotonic clock in seconds that the cache and back-off
 * read (NULL: CLOCK_MONOTONIC). */
typedef time_t http_auth_clock_fn(void);
void http_auth_set_clock(struct http_auth *auth, http_auth_clock_fn *clock);

/* Enables the connection-bound schemes (NTLM, Negotiate) over ah, which
 * must outlive auth.  Listeners that offer them without this answer as if
 * they did not. */
void http_auth_set_conn_schemes(struct http_auth *auth, struct auth_http *ah);

/* A prepared slow check; allocated on the request. */
struct http_auth_pending;

/* Authenticates req from its Authorization header value (NULL when
 * absent); sets req->auth_user on success (allocated on req).  The fast
 * checks (credential cache, syntax, back-off) run here.  When the password
 * KDF must run: with pending_r NULL it runs here, blocking; otherwise
 * HTTP_AUTH_PENDING is returned with *pending_r, and the caller runs
 * http_auth_complete() off the event thread. */
enum http_auth_result http_auth_check(struct http_auth *auth, struct http_request *req,
                                      const char *authorization,
                                      struct http_auth_pending **pending_r);

/* Runs a pending check (blocking; any thread, one at a time per request)
 * and frees it, wiping the secret.  Returns OK, CHALLENGE or INTERNAL. */
enum http_auth_result http_auth_complete(struct http_auth *auth, struct http_request *req,
                                         struct http_auth_pending *pending);

/* Adds one WWW-Authenticate header per scheme the listener offers and the
 * transport allows, in the listener's order.  realm is the host name. */
int http_auth_add_challenges(struct http_auth *auth, struct http_request *req);

/* Parses a Basic Authorization header value ([RFC 7617] 2): the scheme name
 * without case, one or more spaces, strict base64 of "user:password".
 * Returns 0 with both allocated on mem_ctx, or -1 when malformed (not Basic,
 * bad base64, no ':', empty user, NUL or control bytes, over
 * HTTP_AUTH_HEADER_MAX). */
int http_basic_parse(TALLOC_CTX *mem_ctx, const char *header, char **user_r, char **password_r);

/* Whether Basic may be used on a connection: over TLS, on a loopback
 * listener, or when TLS is offloaded to a proxy. */
bool http_basic_allowed(bool tls, const struct http_listen *listener, bool tls_offloaded);

/* Drops cached credentials of user (after a password change). */
void http_auth_forget_user(struct http_auth *auth, const char *user);

#endif
