/*
 * ab_index: the in-memory snapshot of the directory the address book serves
 * from: entries with stable MIds, MId and DN maps, ANR tokens, containers,
 * and per-locale sorted views built on first use.
 *
 * A snapshot is immutable once published (views are added under view_lock)
 * and reference-counted, so a request keeps the snapshot it started with
 * while a newer one is built.  Sized for 100,000 users: building reads the
 * directory once and sorts; a view costs one ICU sort key per user.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/sha.h>
#include <unicode/ucol.h>
#include <unicode/uloc.h>
#include <unicode/ustring.h>

#include "ab_private.h"
#include "directory.h"
#include "log.h"

struct build_ctx {
	struct ab_index *idx;
	uint32_t cap;
	const char *error;
};

static int add_user(const struct dir_user *user, void *ctx_)
{
	struct build_ctx *ctx = ctx_;
	struct ab_index *idx = ctx->idx;
	/* MIds below 0x10 are reserved ([MS-OXNSPI] 2.2.9.1); container MIds
	 * live from AB_MID_CONTAINER_BASE up. */
	if (user->id >= AB_MID_CONTAINER_BASE - AB_MID_USER_BASE)
		return 0;
	if (idx->entry_count == ctx->cap) {
		ctx->cap = ctx->cap == 0 ? 1024 : ctx->cap * 2;
		idx->entries = talloc_realloc(idx, idx->entries, struct ab_entry, ctx->cap);
		if (idx->entries == NULL) {
			ctx->error = "out of memory";
			return 1;
		}
	}
	struct ab_entry *e = &idx->entries[idx->entry_count];
	memset(e, 0, sizeof(*e));
	e->mid = AB_MID_USER_BASE + user->id;
	e->address = talloc_strdup(idx, user->address);
	e->domain = talloc_strdup(idx, user->domain);
	const char *at = strchr(user->address, '@');
	e->local_part = talloc_strndup(
	    idx, user->address, at != NULL ? (size_t)(at - user->address) : strlen(user->address));
	e->display_name = talloc_strdup(
	    idx, user->display_name != NULL && user->display_name[0] != '\0' ? user->display_name
	                                                                     : user->address);
	e->dn = talloc_strdup(idx, user->legacy_dn != NULL ? user->legacy_dn : "");
	e->mailbox_guid = user->mailbox_guid;
	e->alias_count = user->alias_count;
	e->aliases = talloc_array(idx, char *, user->alias_count + 1);
	if (e->address == NULL || e->domain == NULL || e->local_part == NULL ||
	    e->display_name == NULL || e->dn == NULL || e->aliases == NULL) {
		ctx->error = "out of memory";
		return 1;
	}
	for (unsigned i = 0; i < user->alias_count; i++)
		e->aliases[i] = talloc_strdup(e->aliases, user->aliases[i]);
	e->fold_display = ab_fold(idx, e->display_name);
	idx->entry_count++;
	return 0;
}

static int cmp_mid(const void *a, const void *b, void *arg)
{
	const struct ab_index *idx = arg;
	uint32_t ma = idx->entries[*(const uint32_t *)a].mid;
	uint32_t mb = idx->entries[*(const uint32_t *)b].mid;
	return ma < mb ? -1 : ma > mb;
}

static int cmp_dn(const void *a, const void *b, void *arg)
{
	const struct ab_index *idx = arg;
	return strcasecmp(idx->entries[*(const uint32_t *)a].dn,
	                  idx->entries[*(const uint32_t *)b].dn);
}

static int cmp_token(const void *a, const void *b)
{
	return strcmp(((const struct ab_token *)a)->text, ((const struct ab_token *)b)->text);
}

/* The MId of a domain's container: handed out once, never reused. */
static uint32_t domain_mid(struct addrbook *ab, const char *domain)
{
	for (uint32_t i = 0; i < ab->domain_mid_count; i++) {
		if (strcmp(ab->domain_mids[i], domain) == 0)
			return AB_MID_CONTAINER_BASE + i;
	}
	char **grown = talloc_realloc(ab, ab->domain_mids, char *, ab->domain_mid_count + 1);
	if (grown == NULL)
		return 0;
	ab->domain_mids = grown;
	grown[ab->domain_mid_count] = talloc_strdup(grown, domain);
	return AB_MID_CONTAINER_BASE + ab->domain_mid_count++;
}

static int add_container(struct ab_index *idx, const char *domain)
{
	for (uint32_t i = 0; i < idx->container_count; i++) {
		if (strcmp(idx->containers[i].domain, domain) == 0)
			return 0;
	}
	struct ab_container *c =
	    talloc_realloc(idx, idx->containers, struct ab_container, idx->container_count + 1);
	if (c == NULL)
		return -1;
	idx->containers = c;
	c = &c[idx->container_count];
	memset(c, 0, sizeof(*c));
	c->domain = talloc_strdup(idx, domain);
	c->mid = domain_mid(idx->ab, domain);
	/* A stable objectGUID-like identity, shown as "/guid=<hex>" the way
	 * Exchange names address lists ([MS-OXOABK] 2.2.1.2 non-X500 DNs). */
	uint8_t digest[SHA256_DIGEST_LENGTH];
	char *seed = talloc_asprintf(idx, "mapihttpd-address-list:%s", domain);
	if (c->domain == NULL || c->mid == 0 || seed == NULL)
		return -1;
	SHA256((const uint8_t *)seed, strlen(seed), digest);
	memcpy(c->guid.b, digest, 16);
	c->dn = talloc_strdup(idx, "/guid=");
	for (int i = 0; i < 16 && c->dn != NULL; i++)
		c->dn = talloc_asprintf_append(c->dn, "%02X", digest[i]);
	if (c->dn == NULL)
		return -1;
	idx->container_count++;
	return 0;
}

static int add_token(struct ab_index *idx, uint32_t *cap, const char *text, uint32_t entry)
{
	if (text == NULL)
		return -1;
	if (text[0] == '\0')
		return 0;
	if (idx->token_count == *cap) {
		*cap = *cap == 0 ? 4096 : *cap * 2;
		idx->tokens = talloc_realloc(idx, idx->tokens, struct ab_token, *cap);
		if (idx->tokens == NULL)
			return -1;
	}
	idx->tokens[idx->token_count].text = text;
	idx->tokens[idx->token_count].entry = entry;
	idx->token_count++;
	return 0;
}

/* [MS-OXNSPI] 3.1.4.7 ANR looks at display name (and each word of it, for
 * first and last names), account (local part) and SMTP addresses. */
static int build_tokens(struct ab_index *idx)
{
	uint32_t cap = 0;
	for (uint32_t i = 0; i < idx->entry_count; i++) {
		struct ab_entry *e = &idx->entries[i];
		if (add_token(idx, &cap, e->fold_display, i) < 0 ||
		    add_token(idx, &cap, e->local_part, i) < 0 ||
		    add_token(idx, &cap, e->address, i) < 0)
			return -1;
		const char *p = e->fold_display;
		while (*p != '\0') {
			const char *sp = strchr(p, ' ');
			if (sp == NULL)
				break;
			while (*sp == ' ')
				sp++;
			if (*sp != '\0' && add_token(idx, &cap, sp, i) < 0)
				return -1;
			p = sp;
		}
		for (unsigned a = 0; a < e->alias_count; a++) {
			const char *alias = e->aliases[a];
			const char *at = strchr(alias, '@');
			if (add_token(idx, &cap, alias, i) < 0)
				return -1;
			if (at != NULL &&
			    add_token(idx, &cap, talloc_strndup(idx, alias, (size_t)(at - alias)),
			              i) < 0)
				return -1;
		}
	}
	qsort(idx->tokens, idx->token_count, sizeof(idx->tokens[0]), cmp_token);
	return 0;
}

static char *org_dn_of(TALLOC_CTX *mem_ctx, struct directory *dir, const struct ab_index *idx)
{
	for (uint32_t i = 0; i < idx->entry_count; i++) {
		const char *dn = idx->entries[i].dn;
		const char *p = strcasestr(dn, "/cn=Recipients");
		if (p != NULL)
			return talloc_strndup(mem_ctx, dn, (size_t)(p - dn));
	}
	struct dir_org *org = NULL;
	const char *error;
	if (directory_get_org(dir, mem_ctx, &org, &error) < 0)
		return talloc_strdup(mem_ctx, "/o=First Organization/ou=Exchange Administrative "
		                              "Group (FYDIBOHF23SPDLT)");
	return talloc_asprintf(mem_ctx, "/o=%s/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)",
	                       org->name);
}

static char *host_of(TALLOC_CTX *mem_ctx, const char *url)
{
	const char *p = strstr(url, "://");
	p = p != NULL ? p + 3 : url;
	size_t n = strcspn(p, "/:");
	return talloc_strndup(mem_ctx, p, n);
}

static struct ab_index *index_build(struct addrbook *ab, const char **error_r)
{
	struct ab_index *idx = talloc_zero(NULL, struct ab_index);
	struct build_ctx ctx = {.idx = idx};
	char **domains = NULL;
	unsigned domain_count = 0;

	if (idx == NULL) {
		*error_r = "out of memory";
		return NULL;
	}
	idx->ab = ab;
	pthread_mutex_init(&idx->view_lock, NULL);
	if (directory_foreach_user(ab->dir, add_user, &ctx, error_r) != 0) {
		if (ctx.error != NULL)
			*error_r = ctx.error;
		goto fail;
	}
	if (directory_domain_list(ab->dir, idx, &domains, &domain_count, error_r) < 0)
		goto fail;
	for (unsigned i = 0; i < domain_count; i++) {
		if (add_container(idx, domains[i]) < 0)
			goto oom;
	}
	for (uint32_t i = 0; i < idx->entry_count; i++) {
		struct ab_entry *e = &idx->entries[i];
		if (add_container(idx, e->domain) < 0)
			goto oom;
		for (uint32_t c = 0; c < idx->container_count; c++) {
			if (strcmp(idx->containers[c].domain, e->domain) == 0) {
				e->container = c;
				idx->containers[c].user_count++;
				break;
			}
		}
	}
	idx->by_mid = talloc_array(idx, uint32_t, idx->entry_count + 1);
	idx->by_dn = talloc_array(idx, uint32_t, idx->entry_count + 1);
	idx->org_dn = org_dn_of(idx, ab->dir, idx);
	idx->host = host_of(idx, ab->base_url);
	if (idx->by_mid == NULL || idx->by_dn == NULL || idx->org_dn == NULL || idx->host == NULL)
		goto oom;
	for (uint32_t i = 0; i < idx->entry_count; i++)
		idx->by_mid[i] = idx->by_dn[i] = i;
	qsort_r(idx->by_mid, idx->entry_count, sizeof(uint32_t), cmp_mid, idx);
	qsort_r(idx->by_dn, idx->entry_count, sizeof(uint32_t), cmp_dn, idx);
	if (build_tokens(idx) < 0)
		goto oom;
	idx->built = time(NULL);
	return idx;
oom:
	*error_r = "out of memory";
fail:
	ab_index_free(idx);
	return NULL;
}

void ab_index_free(struct ab_index *idx)
{
	if (idx == NULL)
		return;
	for (uint32_t i = 0; i < idx->view_count; i++) {
		if (idx->views[i]->collator != NULL)
			ucol_close(idx->views[i]->collator);
	}
	pthread_mutex_destroy(&idx->view_lock);
	talloc_free(idx);
}

static bool index_fresh(const struct addrbook *ab)
{
	return ab->current != NULL && !ab->stale &&
	       time(NULL) - ab->current->built < (time_t)ab->refresh_seconds;
}

struct ab_index *ab_index_acquire(struct addrbook *ab, enum ab_error *error_r,
                                  const char **error_str_r)
{
	struct ab_index *idx = NULL, *old = NULL;
	const char *error = NULL;

	pthread_mutex_lock(&ab->lock);
	if (index_fresh(ab)) {
		idx = ab->current;
		idx->refcount++;
		pthread_mutex_unlock(&ab->lock);
		return idx;
	}
	pthread_mutex_unlock(&ab->lock);

	/* Builders are serialised by build_lock; readers keep the old one. */
	pthread_mutex_lock(&ab->build_lock);
	pthread_mutex_lock(&ab->lock);
	bool fresh = index_fresh(ab);
	if (!fresh)
		ab->stale = false; /* a change from now on marks it again */
	pthread_mutex_unlock(&ab->lock);
	struct ab_index *built = fresh ? NULL : index_build(ab, &error);
	pthread_mutex_lock(&ab->lock);
	if (built != NULL) {
		old = ab->current;
		if (old != NULL && --old->refcount > 0)
			old = NULL;
		ab->current = built;
		built->refcount = 1;
		log_info("addrbook", "index built users=%u containers=%u", built->entry_count,
		         built->container_count);
	} else if (error != NULL) {
		log_error("addrbook", "index build failed error=%s", error);
		ab->stale = true;
	}
	idx = ab->current;
	if (idx != NULL)
		idx->refcount++;
	pthread_mutex_unlock(&ab->lock);
	pthread_mutex_unlock(&ab->build_lock);
	ab_index_free(old);
	if (idx == NULL) {
		*error_r = AB_E_DIRECTORY;
		*error_str_r = error != NULL ? error : "no index";
	}
	return idx;
}

void ab_index_release(struct ab_index *idx)
{
	if (idx == NULL)
		return;
	struct addrbook *ab = idx->ab;
	pthread_mutex_lock(&ab->lock);
	bool last = --idx->refcount == 0;
	pthread_mutex_unlock(&ab->lock);
	if (last)
		ab_index_free(idx);
}

int ab_index_find_mid(const struct ab_index *idx, uint32_t mid, uint32_t *entry_r)
{
	uint32_t lo = 0, hi = idx->entry_count;
	while (lo < hi) {
		uint32_t m = lo + (hi - lo) / 2;
		uint32_t v = idx->entries[idx->by_mid[m]].mid;
		if (v == mid) {
			*entry_r = idx->by_mid[m];
			return 1;
		}
		if (v < mid)
			lo = m + 1;
		else
			hi = m;
	}
	return 0;
}

int ab_index_find_dn(const struct ab_index *idx, const char *dn, uint32_t *entry_r)
{
	uint32_t lo = 0, hi = idx->entry_count;
	while (lo < hi) {
		uint32_t m = lo + (hi - lo) / 2;
		int c = strcasecmp(idx->entries[idx->by_dn[m]].dn, dn);
		if (c == 0) {
			*entry_r = idx->by_dn[m];
			return 1;
		}
		if (c < 0)
			lo = m + 1;
		else
			hi = m;
	}
	return 0;
}

int ab_index_find_container(const struct ab_index *idx, uint32_t mid, uint32_t *container_r)
{
	if (mid == AB_GAL_CONTAINER_ID) {
		*container_r = UINT32_MAX;
		return 1;
	}
	for (uint32_t i = 0; i < idx->container_count; i++) {
		if (idx->containers[i].mid == mid) {
			*container_r = i;
			return 1;
		}
	}
	return 0;
}

int ab_view_compare(const struct ab_view *view, const char *a, const char *b)
{
	UErrorCode err = U_ZERO_ERROR;
	UCollationResult r = ucol_strcollUTF8(view->collator, a, -1, b, -1, &err);
	if (U_FAILURE(err))
		return strcmp(a, b);
	return r == UCOL_LESS ? -1 : r == UCOL_GREATER;
}

struct sort_key {
	uint8_t *key;
	uint32_t mid;
};

static int cmp_key(const void *a, const void *b, void *arg)
{
	const struct sort_key *keys = arg;
	const struct sort_key *ka = &keys[*(const uint32_t *)a], *kb = &keys[*(const uint32_t *)b];
	int c = strcmp((const char *)ka->key, (const char *)kb->key);
	if (c != 0)
		return c;
	return ka->mid < kb->mid ? -1 : ka->mid > kb->mid;
}

static uint8_t *sort_key_of(TALLOC_CTX *mem_ctx, const UCollator *coll, const char *utf8)
{
	UChar buf[256], *u = buf;
	int32_t ulen = 0;
	UErrorCode err = U_ZERO_ERROR;
	u_strFromUTF8Lenient(buf, 256, &ulen, utf8, -1, &err);
	if (err == U_BUFFER_OVERFLOW_ERROR) {
		u = talloc_array(mem_ctx, UChar, ulen + 1);
		err = U_ZERO_ERROR;
		if (u == NULL)
			return NULL;
		u_strFromUTF8Lenient(u, ulen + 1, &ulen, utf8, -1, &err);
	}
	uint8_t small[512];
	int32_t n = ucol_getSortKey(coll, u, ulen, small, sizeof(small));
	uint8_t *key = talloc_array(mem_ctx, uint8_t, n > 0 ? n : 1);
	if (key == NULL)
		return NULL;
	if (n <= 0)
		key[0] = 0;
	else if (n <= (int32_t)sizeof(small))
		memcpy(key, small, (size_t)n);
	else
		ucol_getSortKey(coll, u, ulen, key, n);
	return key;
}

/* Sorts the whole GAL for one locale. */
static int view_sort_gal(struct ab_index *idx, struct ab_view *view)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct sort_key *keys = talloc_array(tmp, struct sort_key, idx->entry_count + 1);
	int ret = -1;
	if (keys == NULL)
		goto out;
	for (uint32_t i = 0; i < idx->entry_count; i++) {
		keys[i].key = sort_key_of(tmp, view->collator, idx->entries[i].display_name);
		keys[i].mid = idx->entries[i].mid;
		if (keys[i].key == NULL)
			goto out;
		view->order[i] = i;
	}
	view->count = idx->entry_count;
	qsort_r(view->order, view->count, sizeof(uint32_t), cmp_key, keys);
	ret = 0;
out:
	talloc_free(tmp);
	return ret;
}

static struct ab_view *view_find(struct ab_index *idx, const char *locale, uint32_t container)
{
	for (uint32_t i = 0; i < idx->view_count; i++) {
		struct ab_view *v = idx->views[i];
		if (v->container_mid == container && strcmp(v->locale, locale) == 0)
			return v;
	}
	return NULL;
}

static struct ab_view *view_new(struct ab_index *idx, const char *locale, uint32_t container)
{
	struct ab_view **grown =
	    talloc_realloc(idx, idx->views, struct ab_view *, idx->view_count + 1);
	if (grown == NULL)
		return NULL;
	idx->views = grown;
	struct ab_view *view = talloc_zero(idx, struct ab_view);
	if (view == NULL)
		return NULL;
	snprintf(view->locale, sizeof(view->locale), "%s", locale);
	view->container_mid = container;
	view->order = talloc_array(view, uint32_t, idx->entry_count + 1);
	view->pos_of = talloc_array(view, uint32_t, idx->entry_count + 1);
	UErrorCode err = U_ZERO_ERROR;
	view->collator = ucol_open(locale, &err);
	if (view->order == NULL || view->pos_of == NULL || U_FAILURE(err)) {
		if (view->collator != NULL)
			ucol_close(view->collator);
		talloc_free(view);
		return NULL;
	}
	/* Display names sort and seek without case ([MS-OXNSPI] 2.2.1.6). */
	ucol_setStrength(view->collator, UCOL_SECONDARY);
	return view;
}

static struct ab_view *view_build(struct ab_index *idx, const char *locale, uint32_t container)
{
	struct ab_view *view = view_new(idx, locale, container);
	if (view == NULL)
		return NULL;
	uint32_t cidx = UINT32_MAX;
	if (container != AB_GAL_CONTAINER_ID) {
		const struct ab_view *gal = view_find(idx, locale, AB_GAL_CONTAINER_ID);
		if (gal == NULL)
			gal = view_build(idx, locale, AB_GAL_CONTAINER_ID);
		if (gal == NULL || !ab_index_find_container(idx, container, &cidx))
			goto fail;
		/* A domain's order is the GAL's order filtered. */
		for (uint32_t i = 0; i < gal->count; i++) {
			if (idx->entries[gal->order[i]].container == cidx)
				view->order[view->count++] = gal->order[i];
		}
	} else if (view_sort_gal(idx, view) < 0) {
		goto fail;
	}
	for (uint32_t i = 0; i < idx->entry_count; i++)
		view->pos_of[i] = UINT32_MAX;
	for (uint32_t i = 0; i < view->count; i++)
		view->pos_of[view->order[i]] = i;
	idx->views[idx->view_count++] = view;
	return view;
fail:
	ucol_close(view->collator);
	talloc_free(view);
	return NULL;
}

const struct ab_view *ab_index_view(struct ab_index *idx, uint32_t container_mid, uint32_t lcid)
{
	char locale[64];
	UErrorCode err = U_ZERO_ERROR;
	/* [MS-OXNSPI] 3.1.4.5: the server picks the supported LCID closest to
	 * SortLocale; ICU knows the Windows LCIDs, anything else sorts by the
	 * root collation. */
	int32_t n = uloc_getLocaleForLCID(lcid, locale, sizeof(locale), &err);
	if (U_FAILURE(err) || n <= 0 || n >= (int32_t)sizeof(locale))
		snprintf(locale, sizeof(locale), "root");
	pthread_mutex_lock(&idx->view_lock);
	struct ab_view *view = view_find(idx, locale, container_mid);
	if (view == NULL)
		view = view_build(idx, locale, container_mid);
	pthread_mutex_unlock(&idx->view_lock);
	return view;
}
