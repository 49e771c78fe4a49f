#include "auth_backoff.h"

#include <ctype.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

struct backoff_entry {
	uint64_t key;
	unsigned failures;
	time_t last_failure;
	time_t until;
	bool used;
};

struct auth_backoff {
	pthread_mutex_t lock;
	unsigned size, threshold, max;
	struct backoff_entry *entries;
};

static int backoff_destructor(struct auth_backoff *b)
{
	pthread_mutex_destroy(&b->lock);
	return 0;
}

struct auth_backoff *auth_backoff_new(TALLOC_CTX *mem_ctx, unsigned size, unsigned threshold,
                                      unsigned max)
{
	struct auth_backoff *b = talloc_zero(mem_ctx, struct auth_backoff);

	if (b == NULL)
		return NULL;
	b->size = size > 0 ? size : 1;
	b->threshold = threshold;
	b->max = max > 0 ? max : 1;
	b->entries = talloc_zero_array(b, struct backoff_entry, b->size);
	if (b->entries == NULL) {
		talloc_free(b);
		return NULL;
	}
	pthread_mutex_init(&b->lock, NULL);
	talloc_set_destructor(b, backoff_destructor);
	return b;
}

/* FNV-1a over "peer\0user", the user without case.  Not secret: a
 * collision only merges two pairs' counters. */
static uint64_t pair_key(const char *peer, const char *user)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (const char *p = peer; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
	h = (h ^ 0) * 0x100000001b3ULL;
	for (const char *p = user; *p != '\0'; p++)
		h = (h ^ (unsigned char)tolower((unsigned char)*p)) * 0x100000001b3ULL;
	return h;
}

/* The pair's entry, or NULL.  Locked. */
static struct backoff_entry *find(struct auth_backoff *b, uint64_t key, time_t now)
{
	struct backoff_entry *e = &b->entries[key % b->size];

	if (!e->used || e->key != key)
		return NULL;
	if (now - e->last_failure > 2 * (time_t)b->max) {
		e->used = false; /* decayed */
		return NULL;
	}
	return e;
}

unsigned auth_backoff_wait(struct auth_backoff *b, const char *peer, const char *user, time_t now)
{
	uint64_t key = pair_key(peer, user);
	struct backoff_entry *e;
	unsigned wait = 0;

	if (b->threshold == 0)
		return 0;
	pthread_mutex_lock(&b->lock);
	e = find(b, key, now);
	if (e != NULL && e->until > now)
		wait = (unsigned)(e->until - now);
	pthread_mutex_unlock(&b->lock);
	return wait;
}

void auth_backoff_failure(struct auth_backoff *b, const char *peer, const char *user, time_t now)
{
	uint64_t key = pair_key(peer, user);
	struct backoff_entry *e;

	if (b->threshold == 0)
		return;
	pthread_mutex_lock(&b->lock);
	e = find(b, key, now);
	if (e == NULL) {
		/* Direct-mapped: a new pair replaces whatever held the slot. */
		e = &b->entries[key % b->size];
		memset(e, 0, sizeof(*e));
		e->key = key;
		e->used = true;
	}
	e->failures++;
	e->last_failure = now;
	if (e->failures >= b->threshold) {
		unsigned exp = e->failures - b->threshold;
		unsigned delay = exp >= 31 ? b->max : 1u << exp;

		e->until = now + (time_t)(delay < b->max ? delay : b->max);
	}
	pthread_mutex_unlock(&b->lock);
}

void auth_backoff_success(struct auth_backoff *b, const char *peer, const char *user)
{
	uint64_t key = pair_key(peer, user);
	struct backoff_entry *e;

	pthread_mutex_lock(&b->lock);
	e = &b->entries[key % b->size];
	if (e->used && e->key == key)
		e->used = false;
	pthread_mutex_unlock(&b->lock);
}
