/*
 * auth_cache: remembers recently verified credentials so that the slow
 * password KDF runs once per TTL rather than on every request (Outlook
 * sends Basic credentials with every request).
 *
 * Entries are keyed by HMAC-SHA256 of the whole credential (the
 * Authorization header value) under a random per-process key: the cache
 * never holds a password or anything from which one could be checked
 * offline without the key, which never leaves memory.  Only successes are
 * cached, so a corrected password works at once.  The daemon keys entries
 * by the credential plus the directory's password stamp, so a changed
 * password drops them at once (http_auth.h); auth_cache_forget_user() does
 * the same by name.
 *
 * An entry past its TTL but within a grace period (auth_cache_set_grace)
 * may still be served while exactly one caller re-verifies it in the
 * background (auth_cache_lookup_grace): the re-verification stores it
 * again, or drops it when the credential no longer verifies, so a busy
 * user's requests never wait for the KDF when the TTL runs out.
 *
 * An entry outlives its TTL as a "known" credential for known_ttl seconds:
 * it no longer skips the KDF, but it is exempt from failure back-off
 * (auth_backoff.h), so someone guessing a user's password from the user's
 * own address (a shared NAT) cannot lock out the user's configured client.
 *
 * Bounded: a fixed number of slots, 4-way set-associative; a full set
 * evicts its oldest entry.  Thread-safe.
 */
#ifndef AUTH_CACHE_H
#define AUTH_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <talloc.h>
#include <time.h>

struct auth_cache;

/* size: slots (rounded up to a multiple of 4); ttl and known_ttl: seconds
 * (ttl 0: never skip the KDF).  NULL on failure (no memory, or no
 * randomness for the key). */
struct auth_cache *auth_cache_new(TALLOC_CTX *mem_ctx, unsigned size, unsigned ttl,
                                  unsigned known_ttl);

/* Looks the credential up at time now (monotonic seconds).  Returns 1 and
 * *user_r (allocated on mem_ctx) when a live entry exists, else 0. */
int auth_cache_lookup(struct auth_cache *cache, TALLOC_CTX *mem_ctx, const char *credential,
                      time_t now, char **user_r);

/* Sets the grace period (seconds after the TTL; 0, the default: none).
 * known_ttl grows to cover it. */
void auth_cache_set_grace(struct auth_cache *cache, unsigned grace);

/* Like auth_cache_lookup(), but an entry past its TTL and within the grace
 * period is served too.  *refresh_r is true when this call claimed the
 * entry's re-verification (one caller per entry and expiry): the caller
 * must then end it with auth_cache_store() on success or auth_cache_drop()
 * on failure.  Until then other lookups are served without a claim. */
int auth_cache_lookup_grace(struct auth_cache *cache, TALLOC_CTX *mem_ctx, const char *credential,
                            time_t now, char **user_r, bool *refresh_r);

/* Forgets credential (its re-verification failed), known status included. */
void auth_cache_drop(struct auth_cache *cache, const char *credential);

/* Whether credential authenticated someone within known_ttl. */
bool auth_cache_known(struct auth_cache *cache, const char *credential, time_t now);

/* Remembers that credential authenticated user (at most 255 bytes; longer
 * names are not cached); ends a claimed re-verification. */
void auth_cache_store(struct auth_cache *cache, const char *credential, const char *user,
                      time_t now);

/* Drops every entry for user (case-insensitive). */
void auth_cache_forget_user(struct auth_cache *cache, const char *user);

/* Live entries, for tests and statistics. */
unsigned auth_cache_count(struct auth_cache *cache, time_t now);

#endif
