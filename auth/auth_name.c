/* auth_name: mechanism names -> directory addresses (rules in auth_name.h). */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "auth_name.h"

struct auth_domain_entry {
	char *name;
	char *mail_domain;
};

struct auth_domain_map {
	char *default_domain;
	struct auth_domain_entry *entries;
	size_t count;
};

static char *lower_dup(TALLOC_CTX *mem_ctx, const char *s, size_t len)
{
	char *out = talloc_strndup(mem_ctx, s, len);

	if (out == NULL)
		return NULL;
	for (char *p = out; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return out;
}

/* A name part that is safe in an address: no separators, no controls. */
static bool valid_part(const char *s, size_t len)
{
	if (len == 0 || len > 255)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f || c == '@' || c == '/' || c == '\\' || c == ' ' ||
		    c == ',' || c == '=')
			return false;
	}
	return true;
}

struct auth_domain_map *auth_domain_map_new(TALLOC_CTX *mem_ctx, const char *default_domain)
{
	struct auth_domain_map *map = talloc_zero(mem_ctx, struct auth_domain_map);

	if (map == NULL)
		return NULL;
	if (default_domain != NULL && default_domain[0] != '\0') {
		map->default_domain = lower_dup(map, default_domain, strlen(default_domain));
		if (map->default_domain == NULL) {
			talloc_free(map);
			return NULL;
		}
	}
	return map;
}

int auth_domain_map_add(struct auth_domain_map *map, const char *name, const char *mail_domain)
{
	struct auth_domain_entry *n;

	if (!valid_part(name, strlen(name)) || !valid_part(mail_domain, strlen(mail_domain)))
		return -1;
	n = talloc_realloc(map, map->entries, struct auth_domain_entry, map->count + 1);
	if (n == NULL)
		return -1;
	map->entries = n;
	n[map->count].name = talloc_strdup(map->entries, name);
	n[map->count].mail_domain = lower_dup(map->entries, mail_domain, strlen(mail_domain));
	if (n[map->count].name == NULL || n[map->count].mail_domain == NULL)
		return -1;
	map->count++;
	return 0;
}

int auth_domain_map_parse(struct auth_domain_map *map, const char *list, const char **error_r)
{
	const char *p = list;

	while (*p != '\0') {
		size_t len = strcspn(p, ", \t");
		const char *eq = memchr(p, '=', len);
		char name[256], domain[256];

		if (len == 0) {
			p++;
			continue;
		}
		if (eq == NULL || eq == p || (size_t)(eq - p) >= sizeof(name) ||
		    len - (size_t)(eq - p) - 1 >= sizeof(domain) ||
		    len - (size_t)(eq - p) - 1 == 0) {
			*error_r = "domain map entries must read name=maildomain";
			return -1;
		}
		memcpy(name, p, (size_t)(eq - p));
		name[eq - p] = '\0';
		memcpy(domain, eq + 1, len - (size_t)(eq - p) - 1);
		domain[len - (size_t)(eq - p) - 1] = '\0';
		if (auth_domain_map_add(map, name, domain) < 0) {
			*error_r = "invalid name in the domain map";
			return -1;
		}
		p += len;
	}
	return 0;
}

static const char *map_lookup(const struct auth_domain_map *map, const char *name, size_t len)
{
	for (size_t i = 0; i < map->count; i++) {
		if (strlen(map->entries[i].name) == len &&
		    strncasecmp(map->entries[i].name, name, len) == 0)
			return map->entries[i].mail_domain;
	}
	return NULL;
}

static int make_address(TALLOC_CTX *mem_ctx, const char *local, size_t local_len,
                        const char *domain, size_t domain_len, char **address_r)
{
	char *l, *d;

	if (!valid_part(local, local_len) || !valid_part(domain, domain_len))
		return 0;
	l = lower_dup(mem_ctx, local, local_len);
	d = lower_dup(mem_ctx, domain, domain_len);
	*address_r = l != NULL && d != NULL ? talloc_asprintf(mem_ctx, "%s@%s", l, d) : NULL;
	talloc_free(l);
	talloc_free(d);
	return *address_r != NULL ? 1 : -1;
}

/* A domain as a client names it -> mail domain, or NULL. */
static const char *resolve_domain(const struct auth_domain_map *map, const char *dom, size_t len)
{
	const char *mapped = map_lookup(map, dom, len);

	if (mapped != NULL)
		return mapped;
	/* An unmapped DNS-style name is taken as the mail domain itself. */
	return memchr(dom, '.', len) != NULL ? dom : NULL;
}

int auth_map_ntlm_user(const struct auth_domain_map *map, TALLOC_CTX *mem_ctx, const char *user,
                       const char *domain, char **address_r)
{
	const char *at = strrchr(user, '@'), *bs = strchr(user, '\\'), *mail;
	size_t mail_len;

	*address_r = NULL;
	if (bs != NULL && (domain == NULL || domain[0] == '\0'))
		return auth_map_ntlm_user(map, mem_ctx, bs + 1,
		                          talloc_strndup(mem_ctx, user, (size_t)(bs - user)),
		                          address_r);
	if (at != NULL) {
		/* UPN form: the suffix decides, the NTLM domain does not. */
		mail = resolve_domain(map, at + 1, strlen(at + 1));
		if (mail == NULL)
			return 0;
		mail_len = mail == at + 1 ? strlen(at + 1) : strlen(mail);
		return make_address(mem_ctx, user, (size_t)(at - user), mail, mail_len, address_r);
	}
	if (domain == NULL || domain[0] == '\0')
		mail = map->default_domain;
	else
		mail = resolve_domain(map, domain, strlen(domain));
	if (mail == NULL)
		return 0;
	return make_address(mem_ctx, user, strlen(user), mail, strlen(mail), address_r);
}

int auth_map_principal(const struct auth_domain_map *map, TALLOC_CTX *mem_ctx,
                       const char *principal, char **address_r)
{
	const char *at = strrchr(principal, '@'), *mail;

	*address_r = NULL;
	/* [RFC 1964] 2.1.1 name form user@REALM; "user/instance" is not a
	 * person. */
	if (at == NULL || memchr(principal, '/', (size_t)(at - principal)) != NULL)
		return 0;
	mail = map_lookup(map, at + 1, strlen(at + 1));
	if (mail == NULL)
		return 0;
	return make_address(mem_ctx, principal, (size_t)(at - principal), mail, strlen(mail),
	                    address_r);
}
