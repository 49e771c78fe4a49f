#include "auth_cache.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#define WAYS     4
#define USER_MAX 256

struct auth_cache_entry {
	uint8_t digest[32];
	time_t stored;
	bool used;
	bool refreshing; /* one caller re-verifies it (grace period) */
	char user[USER_MAX];
};

struct auth_cache {
	pthread_mutex_t lock;
	uint8_t key[32];
	unsigned size; /* multiple of WAYS */
	unsigned ttl;
	unsigned grace;     /* served past ttl while re-verified */
	unsigned known_ttl; /* >= ttl + grace */
	struct auth_cache_entry *entries;
};

static int cache_destructor(struct auth_cache *cache)
{
	OPENSSL_cleanse(cache->key, sizeof(cache->key));
	pthread_mutex_destroy(&cache->lock);
	return 0;
}

struct auth_cache *auth_cache_new(TALLOC_CTX *mem_ctx, unsigned size, unsigned ttl,
                                  unsigned known_ttl)
{
	struct auth_cache *cache = talloc_zero(mem_ctx, struct auth_cache);

	if (cache == NULL)
		return NULL;
	cache->size = (size + WAYS - 1) / WAYS * WAYS;
	if (cache->size == 0)
		cache->size = WAYS;
	cache->ttl = ttl;
	cache->known_ttl = known_ttl > ttl ? known_ttl : ttl;
	cache->entries = talloc_zero_array(cache, struct auth_cache_entry, cache->size);
	if (cache->entries == NULL || RAND_bytes(cache->key, sizeof(cache->key)) != 1) {
		talloc_free(cache);
		return NULL;
	}
	pthread_mutex_init(&cache->lock, NULL);
	talloc_set_destructor(cache, cache_destructor);
	return cache;
}

/* The keyed hash of a credential, and the first slot of its set. */
static bool credential_digest(const struct auth_cache *cache, const char *credential,
                              uint8_t digest[32], unsigned *set_r)
{
	unsigned int len = 32;
	uint64_t h;

	if (HMAC(EVP_sha256(), cache->key, sizeof(cache->key), (const unsigned char *)credential,
	         strlen(credential), digest, &len) == NULL ||
	    len != 32)
		return false;
	memcpy(&h, digest, sizeof(h));
	*set_r = (unsigned)(h % (cache->size / WAYS)) * WAYS;
	return true;
}

static bool entry_live(const struct auth_cache *cache, const struct auth_cache_entry *e, time_t now)
{
	return e->used && now >= e->stored && now - e->stored < (time_t)cache->ttl;
}

/* Past its TTL but within the grace period. */
static bool entry_in_grace(const struct auth_cache *cache, const struct auth_cache_entry *e,
                           time_t now)
{
	return e->used && now >= e->stored && now - e->stored >= (time_t)cache->ttl &&
	       now - e->stored < (time_t)cache->ttl + (time_t)cache->grace;
}

/* Still worth keeping: known, if no longer live. */
static bool entry_kept(const struct auth_cache *cache, const struct auth_cache_entry *e, time_t now)
{
	return e->used && now >= e->stored && now - e->stored < (time_t)cache->known_ttl;
}

bool auth_cache_known(struct auth_cache *cache, const char *credential, time_t now)
{
	uint8_t digest[32];
	unsigned set;
	bool known = false;

	if (!credential_digest(cache, credential, digest, &set))
		return false;
	pthread_mutex_lock(&cache->lock);
	for (unsigned i = set; i < set + WAYS; i++) {
		if (entry_kept(cache, &cache->entries[i], now) &&
		    CRYPTO_memcmp(cache->entries[i].digest, digest, 32) == 0)
			known = true;
	}
	pthread_mutex_unlock(&cache->lock);
	return known;
}

void auth_cache_set_grace(struct auth_cache *cache, unsigned grace)
{
	pthread_mutex_lock(&cache->lock);
	cache->grace = cache->ttl > 0 ? grace : 0;
	if (cache->known_ttl < cache->ttl + cache->grace)
		cache->known_ttl = cache->ttl + cache->grace;
	pthread_mutex_unlock(&cache->lock);
}

/* The entry of credential (digest) in its set, or NULL.  Under the lock. */
static struct auth_cache_entry *find_entry(struct auth_cache *cache, const uint8_t digest[32],
                                           unsigned set)
{
	for (unsigned i = set; i < set + WAYS; i++) {
		struct auth_cache_entry *e = &cache->entries[i];

		if (e->used && CRYPTO_memcmp(e->digest, digest, 32) == 0)
			return e;
	}
	return NULL;
}

int auth_cache_lookup_grace(struct auth_cache *cache, TALLOC_CTX *mem_ctx, const char *credential,
                            time_t now, char **user_r, bool *refresh_r)
{
	struct auth_cache_entry *e;
	uint8_t digest[32];
	unsigned set;
	int ret = 0;

	if (refresh_r != NULL)
		*refresh_r = false;
	if (cache->ttl == 0 || !credential_digest(cache, credential, digest, &set))
		return 0;
	pthread_mutex_lock(&cache->lock);
	e = find_entry(cache, digest, set);
	if (e != NULL &&
	    (entry_live(cache, e, now) || (refresh_r != NULL && entry_in_grace(cache, e, now)))) {
		*user_r = talloc_strdup(mem_ctx, e->user);
		ret = *user_r != NULL ? 1 : 0;
		if (ret == 1 && refresh_r != NULL && !entry_live(cache, e, now) && !e->refreshing) {
			e->refreshing = true;
			*refresh_r = true;
		}
	}
	pthread_mutex_unlock(&cache->lock);
	return ret;
}

int auth_cache_lookup(struct auth_cache *cache, TALLOC_CTX *mem_ctx, const char *credential,
                      time_t now, char **user_r)
{
	return auth_cache_lookup_grace(cache, mem_ctx, credential, now, user_r, NULL);
}

void auth_cache_drop(struct auth_cache *cache, const char *credential)
{
	struct auth_cache_entry *e;
	uint8_t digest[32];
	unsigned set;

	if (!credential_digest(cache, credential, digest, &set))
		return;
	pthread_mutex_lock(&cache->lock);
	e = find_entry(cache, digest, set);
	if (e != NULL) {
		OPENSSL_cleanse(e, sizeof(*e));
		e->used = false;
	}
	pthread_mutex_unlock(&cache->lock);
}

void auth_cache_store(struct auth_cache *cache, const char *credential, const char *user,
                      time_t now)
{
	struct auth_cache_entry *victim = NULL;
	uint8_t digest[32];
	unsigned set;

	if (cache->known_ttl == 0 || strlen(user) >= USER_MAX ||
	    !credential_digest(cache, credential, digest, &set))
		return;
	pthread_mutex_lock(&cache->lock);
	for (unsigned i = set; i < set + WAYS; i++) {
		struct auth_cache_entry *e = &cache->entries[i];

		if (e->used && CRYPTO_memcmp(e->digest, digest, 32) == 0) {
			victim = e; /* refresh in place */
			break;
		}
		if (victim == NULL || !entry_kept(cache, e, now) ||
		    (entry_kept(cache, victim, now) && e->stored < victim->stored))
			victim = e;
	}
	memcpy(victim->digest, digest, sizeof(digest));
	victim->stored = now;
	victim->used = true;
	victim->refreshing = false;
	strcpy(victim->user, user);
	pthread_mutex_unlock(&cache->lock);
}

void auth_cache_forget_user(struct auth_cache *cache, const char *user)
{
	pthread_mutex_lock(&cache->lock);
	for (unsigned i = 0; i < cache->size; i++) {
		struct auth_cache_entry *e = &cache->entries[i];

		if (e->used && strcasecmp(e->user, user) == 0) {
			OPENSSL_cleanse(e, sizeof(*e));
			e->used = false;
		}
	}
	pthread_mutex_unlock(&cache->lock);
}

unsigned auth_cache_count(struct auth_cache *cache, time_t now)
{
	unsigned n = 0;

	pthread_mutex_lock(&cache->lock);
	for (unsigned i = 0; i < cache->size; i++)
		n += entry_live(cache, &cache->entries[i], now) ? 1 : 0;
	pthread_mutex_unlock(&cache->lock);
	return n;
}
