/*
 * directory: who the users are.  Organisation, domains, users (address,
 * display name, aliases, password verifier, mailbox GUID, LegacyDN).
 *
 * Everything outside directory/ reads users through this interface only,
 * so that an LDAP directory can later stand beside the embedded LMDB one
 * (directory/dir_lmdb.c) without touching its callers.  Backends implement
 * struct directory_ops (directory_private.h).
 *
 * Return conventions (Dovecot style): lookups return 1 found, 0 not found,
 * -1 error with *error_r set to a human-readable string (owned by the
 * directory or by mem_ctx; valid until the next call).  Results are
 * allocated on the caller's mem_ctx.
 *
 * Thread safety: a struct directory may be used from many threads at once.
 */
#ifndef DIRECTORY_H
#define DIRECTORY_H

#include <stdbool.h>
#include <stdint.h>
#include <talloc.h>

#include "mapi_types.h"

struct directory;

struct dir_org {
	char *name;                     /* e.g. "Demo Organisation" */
	struct mapi_guid deployment_id; /* Autodiscover DeploymentId */
};

struct dir_user {
	char *address;      /* primary SMTP address, lower-case */
	char *domain;       /* the part after '@' */
	char *display_name; /* UTF-8 */
	char **aliases;     /* other SMTP addresses, lower-case */
	unsigned alias_count;
	struct mapi_guid mailbox_guid; /* stable; names the mailbox everywhere */
	char *legacy_dn;               /* /o=<org>/ou=Exchange Administrative Group
	                                  (FYDIBOHF23SPDLT)/cn=Recipients/cn=<id>-<local> */
	uint32_t id;                   /* stable small integer, never reused */
};

/* Opens (creating when absent) the embedded directory under data_dir. */
int directory_open(TALLOC_CTX *mem_ctx, const char *data_dir, struct directory **dir_r,
                   const char **error_r);
/* Closes and frees; sets *dir to NULL. */
void directory_close(struct directory **dir);

/* The organisation (it always exists).  0, or -1 with *error_r. */
int directory_get_org(struct directory *dir, TALLOC_CTX *mem_ctx, struct dir_org **org_r,
                      const char **error_r);

/* Address or alias, case-insensitive.  1 / 0 / -1. */
int directory_user_by_address(struct directory *dir, TALLOC_CTX *mem_ctx, const char *address,
                              struct dir_user **user_r, const char **error_r);
/* LegacyDN, case-insensitive ([MS-OXOABK] DNs compare without case). */
int directory_user_by_legacy_dn(struct directory *dir, TALLOC_CTX *mem_ctx, const char *dn,
                                struct dir_user **user_r, const char **error_r);
int directory_user_by_mailbox_guid(struct directory *dir, TALLOC_CTX *mem_ctx,
                                   const struct mapi_guid *guid, struct dir_user **user_r,
                                   const char **error_r);

/* Checks a password against the stored slow salted hash.  Returns 1 when it
 * matches, 0 when the user is unknown or the password is wrong (the two are
 * not told apart, and take comparable time), -1 on error. */
int directory_verify_password(struct directory *dir, const char *address, const char *password,
                              const char **error_r);

/* The NT hash of the user's password ([MS-NLMP] 3.3.1 NTOWFv1, MD4 of its
 * UTF-16LE form), for NTLM.  Password-equivalent: never log it, cleanse
 * copies after use.  1 found, 0 unknown user or no password set, -1 error. */
int directory_get_nt_hash(struct directory *dir, const char *address, uint8_t hash_r[16],
                          const char **error_r);

/* A number that changes whenever the user's password is set: a digest of
 * the stored verifier, whose salt is new each time.  Caches of verified
 * credentials compare it so a changed password takes effect at once,
 * without keeping anything password-equivalent.  1 found, 0 unknown user
 * or no password set, -1 error. */
int directory_password_stamp(struct directory *dir, const char *address, uint64_t *stamp_r,
                             const char **error_r);

/* Calls fn for every user in address order until fn returns non-zero (which
 * is then returned).  Returns 0 at the end, -1 on error. */
typedef int directory_user_fn(const struct dir_user *user, void *ctx);
int directory_foreach_user(struct directory *dir, directory_user_fn *fn, void *ctx,
                           const char **error_r);

/* Administration (mapiadmin).  0 success, -1 error with *error_r. */
int directory_set_org_name(struct directory *dir, const char *name, const char **error_r);
int directory_domain_add(struct directory *dir, const char *domain, const char **error_r);
int directory_domain_del(struct directory *dir, const char *domain, const char **error_r);
int directory_domain_list(struct directory *dir, TALLOC_CTX *mem_ctx, char ***domains_r,
                          unsigned *count_r, const char **error_r);
/* password may be NULL (the user cannot log in until one is set). */
int directory_user_add(struct directory *dir, TALLOC_CTX *mem_ctx, const char *address,
                       const char *display_name, const char *password, struct dir_user **user_r,
                       const char **error_r);
int directory_user_del(struct directory *dir, const char *address, const char **error_r);
int directory_user_set_password(struct directory *dir, const char *address, const char *password,
                                const char **error_r);
int directory_user_add_alias(struct directory *dir, const char *address, const char *alias,
                             const char **error_r);

#endif
