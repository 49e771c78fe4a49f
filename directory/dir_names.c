/*
 * dir_names: validation and normalisation of the directory's names.
 */
#include <stdint.h>
#include <string.h>

#include "dir_names.h"
#include "mapi_guid.h"

#define LOCAL_PART_MAX 64  /* RFC 5321 4.5.3.1.1 */
#define DOMAIN_MAX     253 /* RFC 1035 2.3.4, without the final dot */
#define LABEL_MAX      63

static bool is_alnum_lower(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* RFC 5322 3.2.3 atext, minus '/', which would split a LegacyDN. */
static bool is_atext(char c)
{
	return is_alnum_lower(c) || (c != '\0' && strchr("!#$%&'*+-=?^_`{|}~", c) != NULL);
}

char *dir_lower(TALLOC_CTX *mem_ctx, const char *s)
{
	char *out = talloc_strdup(mem_ctx, s);

	if (out == NULL)
		return NULL;
	for (char *p = out; *p != '\0'; p++) {
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	}
	return out;
}

static int check_domain(const char *d, const char **why_r)
{
	size_t len = strlen(d), label = 0;

	if (len == 0 || len > DOMAIN_MAX) {
		*why_r = "domain must be 1 to 253 characters";
		return -1;
	}
	for (size_t i = 0; i <= len; i++) {
		char c = d[i];

		if (c == '.' || c == '\0') {
			if (label == 0 || label > LABEL_MAX) {
				*why_r = "each domain label must be 1 to 63 characters";
				return -1;
			}
			if (d[i - 1] == '-' || d[i - label] == '-') {
				*why_r = "a domain label may not begin or end with '-'";
				return -1;
			}
			label = 0;
		} else if (is_alnum_lower(c) || c == '-') {
			label++;
		} else {
			*why_r = "domain may hold only letters, digits, '-' and '.'";
			return -1;
		}
	}
	return 0;
}

static int check_local(const char *l, size_t len, const char **why_r)
{
	if (len == 0 || len > LOCAL_PART_MAX) {
		*why_r = "local part must be 1 to 64 characters";
		return -1;
	}
	if (l[0] == '.' || l[len - 1] == '.') {
		*why_r = "local part may not begin or end with '.'";
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		if (l[i] == '.' && l[i + 1] == '.') {
			*why_r = "local part may not hold '..'";
			return -1;
		}
		if (l[i] != '.' && !is_atext(l[i])) {
			*why_r = "local part holds a character that is not allowed";
			return -1;
		}
	}
	return 0;
}

int dir_domain_normalize(TALLOC_CTX *mem_ctx, const char *in, char **domain_r, const char **why_r)
{
	char *d = dir_lower(mem_ctx, in);

	if (d == NULL) {
		*why_r = "out of memory";
		return -1;
	}
	if (check_domain(d, why_r) < 0) {
		talloc_free(d);
		return -1;
	}
	*domain_r = d;
	return 0;
}

int dir_address_normalize(TALLOC_CTX *mem_ctx, const char *in, char **address_r,
                          const char **domain_r, const char **why_r)
{
	char *a = dir_lower(mem_ctx, in), *at;

	if (a == NULL) {
		*why_r = "out of memory";
		return -1;
	}
	at = strchr(a, '@');
	if (at == NULL || strchr(at + 1, '@') != NULL) {
		*why_r = "address must have the form local@domain";
		goto fail;
	}
	if (check_local(a, (size_t)(at - a), why_r) < 0 || check_domain(at + 1, why_r) < 0)
		goto fail;
	*address_r = a;
	*domain_r = at + 1;
	return 0;
fail:
	talloc_free(a);
	return -1;
}

/* Length of the UTF-8 sequence at s (RFC 3629 4), or 0 when invalid. */
static size_t utf8_seq_len(const unsigned char *s)
{
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		return (s[1] & 0xC0) == 0x80 ? 2 : 0;
	if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		if ((s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
			return 0;
		if ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] > 0x9F))
			return 0; /* overlong or a surrogate */
		return 3;
	}
	if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		if ((s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
			return 0;
		if ((s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] > 0x8F))
			return 0;
		return 4;
	}
	return 0;
}

static bool text_valid(const char *name, size_t max, bool slash_ok)
{
	const unsigned char *s = (const unsigned char *)name;
	size_t len = strlen(name);

	if (len == 0 || len > max)
		return false;
	for (size_t i = 0; i < len;) {
		size_t n = utf8_seq_len(s + i);

		if (n == 0 || s[i] < 0x20 || s[i] == 0x7F || (!slash_ok && s[i] == '/'))
			return false;
		i += n;
	}
	return true;
}

bool dir_display_name_valid(const char *name)
{
	return text_valid(name, DIR_DISPLAY_NAME_MAX, true);
}

bool dir_org_name_valid(const char *name)
{
	return text_valid(name, DIR_ORG_NAME_MAX, false);
}

char *dir_user_rdn(TALLOC_CTX *mem_ctx, const struct mapi_guid *guid, const char *address)
{
	/* The GUID's usual text form ([MS-DTYP] 2.3.4.3) without dashes. */
	const char *at = strchr(address, '@');
	char text[MAPI_GUID_TEXT_SIZE], id[33];
	size_t n = 0;

	mapi_guid_format(guid, text);
	for (const char *t = text; *t != '\0'; t++) {
		if (*t != '-')
			id[n++] = *t;
	}
	id[n] = '\0';
	if (at == NULL)
		return NULL;
	return talloc_asprintf(mem_ctx, "%s-%.*s", id, (int)(at - address), address);
}

char *dir_recipients_prefix(TALLOC_CTX *mem_ctx, const char *org_name)
{
	return talloc_asprintf(mem_ctx,
	                       "/o=%s/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)"
	                       "/cn=Recipients/cn=",
	                       org_name);
}
