/*
 * mc_cookie: the per-session cookie jar of the MAPI/HTTP client.
 *
 * [MS-OXCMAPIHTTP] 3.1.5.2: the client keeps every cookie the server sets
 * (the session context cookie, the sequence cookie of EMSMDB, and whatever
 * else a front end adds) and sends all of them back with each later request
 * of the Session Context.  The jar follows RFC 6265 for what matters to one
 * server: name/value, Path (default and matching, 5.1.4), Max-Age and
 * Expires deleting a cookie; Domain is not used (the jar belongs to one
 * server) and Secure/HttpOnly are accepted and ignored.
 */
#ifndef MC_COOKIE_H
#define MC_COOKIE_H

#include <stddef.h>
#include <time.h>
#include <talloc.h>

struct mc_cookie {
	char *name;
	char *value;
	char *path;
};

struct mc_cookie_jar {
	struct mc_cookie *cookies; /* talloc array on the jar */
	size_t count;
};

/* An empty jar on mem_ctx (NULL when out of memory). */
struct mc_cookie_jar *mc_cookie_jar_new(TALLOC_CTX *mem_ctx);

/*
 * Takes the value of one Set-Cookie header received for request_path
 * (the path of the request URL, without query).  now is the current time
 * (for Expires).  Returns 1 when the jar changed (a cookie stored, replaced
 * or deleted), 0 when the header was ignored as RFC 6265 5.2 says (no '=',
 * empty name), -1 when out of memory.
 */
int mc_cookie_jar_set(struct mc_cookie_jar *jar, const char *set_cookie, const char *request_path,
                      time_t now);

/* The Cookie header value for a request to path ("a=1; b=2"), allocated
 * on mem_ctx, or NULL when no cookie applies (or out of memory). */
char *mc_cookie_jar_header(TALLOC_CTX *mem_ctx, const struct mc_cookie_jar *jar, const char *path);

/* The value of the cookie called name, or NULL. */
const char *mc_cookie_jar_get(const struct mc_cookie_jar *jar, const char *name);

/* Forgets every cookie (a new Session Context). */
void mc_cookie_jar_clear(struct mc_cookie_jar *jar);

#endif
