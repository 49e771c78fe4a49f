/*
 * auth_backoff: slows password guessing.  Failures are counted per (peer
 * address, user name) pair; after `threshold` failures in a row further
 * password checks for that pair are refused for 1 s, then 2 s, 4 s ... up
 * to `max` seconds, and the counter decays after a quiet period of 2 x max.
 *
 * It cannot lock a real user out: the key includes the peer address, so an
 * attacker elsewhere does not affect the user; and a credential that has
 * worked within auth.known_ttl (auth_cache_known()) is checked even during
 * back-off, so the user's configured client keeps working while someone
 * guesses from the same address (a shared NAT).  A credential never seen
 * working waits like a guess: at most `max` seconds after the latest
 * failure.  A success with such a credential clears the pair; a success
 * with a known one does not (it says nothing about the guesses).
 *
 * Bounded, direct-mapped table (a new pair replaces the slot's old one);
 * thread-safe.
 */
#ifndef AUTH_BACKOFF_H
#define AUTH_BACKOFF_H

#include <talloc.h>
#include <time.h>

struct auth_backoff;

/* threshold 0 disables back-off.  NULL when out of memory. */
struct auth_backoff *auth_backoff_new(TALLOC_CTX *mem_ctx, unsigned size, unsigned threshold,
                                      unsigned max);

/* Seconds the pair must still wait at time now (monotonic), 0 when it may
 * try. */
unsigned auth_backoff_wait(struct auth_backoff *b, const char *peer, const char *user, time_t now);
void auth_backoff_failure(struct auth_backoff *b, const char *peer, const char *user, time_t now);
void auth_backoff_success(struct auth_backoff *b, const char *peer, const char *user);

#endif
