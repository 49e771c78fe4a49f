/*
 * directory: the front end every caller uses.  Validates and normalises
 * inputs, hashes passwords, and hands the rest to the backend's ops.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "dir_names.h"
#include "dir_password.h"
#include "directory_private.h"
#include "log.h"

static _Thread_local char dir_error_buf[512];

const char *dir_strerror(enum dir_error err)
{
	switch (err) {
	case DIR_E_OK:
		return "success";
	case DIR_E_NOTFOUND:
		return "not found";
	case DIR_E_EXISTS:
		return "already exists";
	case DIR_E_INVALID:
		return "invalid";
	case DIR_E_NODOMAIN:
		return "unknown domain";
	case DIR_E_INUSE:
		return "in use";
	case DIR_E_STORAGE:
		return "storage error";
	case DIR_E_CORRUPT:
		return "directory corrupt";
	case DIR_E_CRYPTO:
		return "cryptography error";
	case DIR_E_FULL:
		return "limit reached";
	}
	return "unknown error";
}

int dir_fail(const char **error_r, enum dir_error err, const char *fmt, ...)
{
	int n;
	va_list ap;

	if (error_r == NULL)
		return -1;
	n = snprintf(dir_error_buf, sizeof(dir_error_buf), "%s: ", dir_strerror(err));
	va_start(ap, fmt);
	vsnprintf(dir_error_buf + n, sizeof(dir_error_buf) - (size_t)n, fmt, ap);
	va_end(ap);
	*error_r = dir_error_buf;
	return -1;
}

int directory_open(TALLOC_CTX *mem_ctx, const char *data_dir, struct directory **dir_r,
                   const char **error_r)
{
	struct directory *dir = talloc_zero(mem_ctx, struct directory);

	if (dir == NULL)
		return dir_fail(error_r, DIR_E_STORAGE, "out of memory");
	if (dir_lmdb_open(dir, data_dir, &dir->backend, error_r) < 0) {
		talloc_free(dir);
		return -1;
	}
	dir->ops = &dir_lmdb_ops;
	*dir_r = dir;
	return 0;
}

void directory_close(struct directory **dir)
{
	if (*dir == NULL)
		return;
	(*dir)->ops->close((*dir)->backend);
	talloc_free(*dir);
	*dir = NULL;
}

int directory_get_org(struct directory *dir, TALLOC_CTX *mem_ctx, struct dir_org **org_r,
                      const char **error_r)
{
	return dir->ops->get_org(dir->backend, mem_ctx, org_r, error_r);
}

int directory_set_org_name(struct directory *dir, const char *name, const char **error_r)
{
	if (!dir_org_name_valid(name))
		return dir_fail(error_r, DIR_E_INVALID,
		                "organisation name must be 1 to %d bytes of UTF-8 text without '/'",
		                DIR_ORG_NAME_MAX);
	return dir->ops->set_org_name(dir->backend, name, error_r);
}

/* Normalises an address for a lookup: 0 when it cannot name anyone. */
static int lookup_address(TALLOC_CTX *mem_ctx, const char *in, char **address_r)
{
	const char *domain, *why;

	return dir_address_normalize(mem_ctx, in, address_r, &domain, &why) < 0 ? 0 : 1;
}

int directory_user_by_address(struct directory *dir, TALLOC_CTX *mem_ctx, const char *address,
                              struct dir_user **user_r, const char **error_r)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	char *addr;
	int ret = lookup_address(tmp, address, &addr);

	if (ret > 0)
		ret = dir->ops->user_by_address(dir->backend, mem_ctx, addr, user_r, error_r);
	talloc_free(tmp);
	return ret;
}

int directory_user_by_legacy_dn(struct directory *dir, TALLOC_CTX *mem_ctx, const char *dn,
                                struct dir_user **user_r, const char **error_r)
{
	return dir->ops->user_by_legacy_dn(dir->backend, mem_ctx, dn, user_r, error_r);
}

int directory_user_by_mailbox_guid(struct directory *dir, TALLOC_CTX *mem_ctx,
                                   const struct mapi_guid *guid, struct dir_user **user_r,
                                   const char **error_r)
{
	return dir->ops->user_by_mailbox_guid(dir->backend, mem_ctx, guid, user_r, error_r);
}

/* The stored secrets of address, or NULL with 0 when unknown.  1 / 0 / -1. */
static int get_secrets(struct directory *dir, TALLOC_CTX *mem_ctx, const char *address,
                       struct dir_secrets **secrets_r, const char **error_r)
{
	char *addr;

	if (lookup_address(mem_ctx, address, &addr) == 0)
		return 0;
	return dir->ops->get_secrets(dir->backend, mem_ctx, addr, secrets_r, error_r);
}

int directory_verify_password(struct directory *dir, const char *address, const char *password,
                              const char **error_r)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct dir_secrets *secrets = NULL;
	const char *why;
	int ret = get_secrets(dir, tmp, address, &secrets, error_r);

	if (ret < 0)
		goto out;
	/* Unknown users and users without a password verify against the
	 * dummy hash: the answer takes the same time either way. */
	ret = dir_password_verify(ret == 0 ? NULL : secrets->pw_hash, password, &why);
	if (ret < 0)
		dir_fail(error_r, DIR_E_CRYPTO, "%s", why);
out:
	if (secrets != NULL)
		OPENSSL_cleanse(secrets->nt_hash, sizeof(secrets->nt_hash));
	talloc_free(tmp);
	return ret;
}

int directory_get_nt_hash(struct directory *dir, const char *address, uint8_t hash_r[16],
                          const char **error_r)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct dir_secrets *secrets = NULL;
	int ret = get_secrets(dir, tmp, address, &secrets, error_r);

	if (ret > 0 && !secrets->has_nt_hash)
		ret = 0;
	if (ret > 0)
		memcpy(hash_r, secrets->nt_hash, 16);
	if (secrets != NULL)
		OPENSSL_cleanse(secrets->nt_hash, sizeof(secrets->nt_hash));
	talloc_free(tmp);
	return ret;
}

int directory_password_stamp(struct directory *dir, const char *address, uint64_t *stamp_r,
                             const char **error_r)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct dir_secrets *secrets = NULL;
	unsigned char md[SHA256_DIGEST_LENGTH];
	int ret = get_secrets(dir, tmp, address, &secrets, error_r);

	if (ret > 0 && secrets->pw_hash == NULL)
		ret = 0;
	if (ret > 0) {
		SHA256((const unsigned char *)secrets->pw_hash, strlen(secrets->pw_hash), md);
		memcpy(stamp_r, md, sizeof(*stamp_r));
	}
	if (secrets != NULL)
		OPENSSL_cleanse(secrets->nt_hash, sizeof(secrets->nt_hash));
	talloc_free(tmp);
	return ret;
}

int directory_foreach_user(struct directory *dir, directory_user_fn *fn, void *ctx,
                           const char **error_r)
{
	return dir->ops->foreach_user(dir->backend, fn, ctx, error_r);
}

int directory_domain_add(struct directory *dir, const char *domain, const char **error_r)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	const char *why;
	char *d;
	int ret;

	if (dir_domain_normalize(tmp, domain, &d, &why) < 0)
		ret = dir_fail(error_r, DIR_E_INVALID, "domain %s: %s", domain, why);
	else
		ret = dir->ops->domain_add(dir->backend, d, error_r);
	if (ret == 0)
		log_info("directory", "domain-add domain=%s", d);
	talloc_free(tmp);
	return ret;
}

int directory_domain_del(struct directory *dir, const char *domain, const char **error_r)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	const char *why;
	char *d;
	int ret;

	if (dir_domain_normalize(tmp, domain, &d, &why) < 0)
		ret = dir_fail(error_r, DIR_E_NOTFOUND, "domain %s", domain);
	else
		ret = dir->ops->domain_del(dir->backend, d, error_r);
	if (ret == 0)
		log_info("directory", "domain-del domain=%s", d);
	talloc_free(tmp);
	return ret;
}

int directory_domain_list(struct directory *dir, TALLOC_CTX *mem_ctx, char ***domains_r,
                          unsigned *count_r, const char **error_r)
{
	return dir->ops->domain_list(dir->backend, mem_ctx, domains_r, count_r, error_r);
}

/* Both verifiers of a password; the NT hash for NTLM later. */
static int make_secrets(TALLOC_CTX *mem_ctx, const char *password, struct dir_secrets *s,
                        const char **error_r)
{
	const char *why;

	memset(s, 0, sizeof(*s));
	if (password == NULL)
		return 0;
	if (dir_nt_hash(password, s->nt_hash, &why) < 0)
		return dir_fail(error_r, DIR_E_INVALID, "password: %s", why);
	s->has_nt_hash = true;
	if (dir_password_hash(mem_ctx, password, &s->pw_hash, &why) < 0) {
		OPENSSL_cleanse(s->nt_hash, sizeof(s->nt_hash));
		return dir_fail(error_r, DIR_E_CRYPTO, "password: %s", why);
	}
	return 0;
}

static int normalize_new_address(TALLOC_CTX *mem_ctx, const char *in, char **address_r,
                                 const char **error_r)
{
	const char *domain, *why;

	if (dir_address_normalize(mem_ctx, in, address_r, &domain, &why) < 0)
		return dir_fail(error_r, DIR_E_INVALID, "address %s: %s", in, why);
	return 0;
}

int directory_user_add(struct directory *dir, TALLOC_CTX *mem_ctx, const char *address,
                       const char *display_name, const char *password, struct dir_user **user_r,
                       const char **error_r)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct dir_secrets secrets;
	char *addr;
	int ret = -1;

	if (normalize_new_address(tmp, address, &addr, error_r) < 0)
		goto out;
	if (!dir_display_name_valid(display_name)) {
		dir_fail(error_r, DIR_E_INVALID, "display name must be 1 to %d bytes of UTF-8 text",
		         DIR_DISPLAY_NAME_MAX);
		goto out;
	}
	if (make_secrets(tmp, password, &secrets, error_r) < 0)
		goto out;
	ret = dir->ops->user_add(dir->backend, mem_ctx, addr, display_name, &secrets, user_r,
	                         error_r);
	OPENSSL_cleanse(secrets.nt_hash, sizeof(secrets.nt_hash));
	if (ret == 0)
		log_info("directory", "user-add address=%s", addr);
out:
	talloc_free(tmp);
	return ret;
}

int directory_user_del(struct directory *dir, const char *address, const char **error_r)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	char *addr;
	int ret = lookup_address(tmp, address, &addr);

	if (ret == 0)
		ret = dir_fail(error_r, DIR_E_NOTFOUND, "user %s", address);
	else
		ret = dir->ops->user_del(dir->backend, addr, error_r);
	if (ret == 0)
		log_info("directory", "user-del address=%s", addr);
	talloc_free(tmp);
	return ret;
}

int directory_user_set_password(struct directory *dir, const char *address, const char *password,
                                const char **error_r)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct dir_secrets secrets;
	char *addr;
	int ret = lookup_address(tmp, address, &addr);

	if (ret == 0) {
		ret = dir_fail(error_r, DIR_E_NOTFOUND, "user %s", address);
		goto out;
	}
	ret = make_secrets(tmp, password, &secrets, error_r);
	if (ret == 0)
		ret = dir->ops->user_set_secrets(dir->backend, addr, &secrets, error_r);
	OPENSSL_cleanse(secrets.nt_hash, sizeof(secrets.nt_hash));
	if (ret == 0)
		log_info("directory", "user-passwd address=%s", addr);
out:
	talloc_free(tmp);
	return ret;
}

int directory_user_add_alias(struct directory *dir, const char *address, const char *alias,
                             const char **error_r)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	char *addr, *al;
	int ret = lookup_address(tmp, address, &addr);

	if (ret == 0)
		ret = dir_fail(error_r, DIR_E_NOTFOUND, "user %s", address);
	else if ((ret = normalize_new_address(tmp, alias, &al, error_r)) == 0)
		ret = dir->ops->user_add_alias(dir->backend, addr, al, error_r);
	if (ret == 0)
		log_info("directory", "alias-add address=%s alias=%s", addr, al);
	talloc_free(tmp);
	return ret;
}
