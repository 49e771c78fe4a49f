/*
 * directory_private: what the directory front end (directory.c) and its
 * backends share.  Nothing outside directory/ includes this file.
 *
 * The front end validates and normalises every input (addresses, names),
 * hashes passwords and formats errors; a backend only stores and finds.
 * A backend is a struct directory_ops plus its own state; dir_lmdb.c is the
 * embedded one, an LDAP one can stand beside it later.
 */
#ifndef DIRECTORY_PRIVATE_H
#define DIRECTORY_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>
#include <talloc.h>

#include "directory.h"

/* Why a directory call failed; dir_strerror() names each. */
enum dir_error {
	DIR_E_OK = 0,
	DIR_E_NOTFOUND, /* no such user or domain */
	DIR_E_EXISTS,   /* duplicate domain, address or alias */
	DIR_E_INVALID,  /* malformed address, domain or name */
	DIR_E_NODOMAIN, /* the address's domain is not in the directory */
	DIR_E_INUSE,    /* a domain still has addresses */
	DIR_E_STORAGE,  /* the backend failed (LMDB, disk) */
	DIR_E_CORRUPT,  /* a stored record does not decode */
	DIR_E_CRYPTO,   /* hashing or random generation failed */
	DIR_E_FULL,     /* no user id left */
};

const char *dir_strerror(enum dir_error err);

/* Sets *error_r (when error_r is not NULL) to "<dir_strerror(err)>: <detail>"
 * in a thread-local buffer, valid until this thread's next directory call.
 * Returns -1 so callers can `return dir_fail(...)`. */
int dir_fail(const char **error_r, enum dir_error err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The secrets stored with a user.  Never logged, never shown. */
struct dir_secrets {
	char *pw_hash; /* argon2id encoded string, or NULL: no password */
	bool has_nt_hash;
	uint8_t nt_hash[16]; /* [MS-NLMP] 3.3.1 NTOWFv1 */
};

/* A backend.  Inputs are already validated and normalised (lower-case
 * addresses).  Lookups return 1 / 0 / -1; administration 0 / -1; errors
 * via dir_fail().  user_add fills the id and the mailbox GUID. */
struct directory_ops {
	const char *name;
	void (*close)(void *backend);
	int (*get_org)(void *backend, TALLOC_CTX *mem_ctx, struct dir_org **org_r,
	               const char **error_r);
	int (*set_org_name)(void *backend, const char *name, const char **error_r);
	int (*user_by_address)(void *backend, TALLOC_CTX *mem_ctx, const char *address,
	                       struct dir_user **user_r, const char **error_r);
	int (*user_by_legacy_dn)(void *backend, TALLOC_CTX *mem_ctx, const char *dn,
	                         struct dir_user **user_r, const char **error_r);
	int (*user_by_mailbox_guid)(void *backend, TALLOC_CTX *mem_ctx,
	                            const struct mapi_guid *guid, struct dir_user **user_r,
	                            const char **error_r);
	/* 1 with *secrets_r allocated on mem_ctx, 0 unknown user, -1 error. */
	int (*get_secrets)(void *backend, TALLOC_CTX *mem_ctx, const char *address,
	                   struct dir_secrets **secrets_r, const char **error_r);
	int (*foreach_user)(void *backend, directory_user_fn *fn, void *ctx, const char **error_r);
	int (*domain_add)(void *backend, const char *domain, const char **error_r);
	int (*domain_del)(void *backend, const char *domain, const char **error_r);
	int (*domain_list)(void *backend, TALLOC_CTX *mem_ctx, char ***domains_r, unsigned *count_r,
	                   const char **error_r);
	int (*user_add)(void *backend, TALLOC_CTX *mem_ctx, const char *address,
	                const char *display_name, const struct dir_secrets *secrets,
	                struct dir_user **user_r, const char **error_r);
	int (*user_del)(void *backend, const char *address, const char **error_r);
	int (*user_set_secrets)(void *backend, const char *address,
	                        const struct dir_secrets *secrets, const char **error_r);
	int (*user_add_alias)(void *backend, const char *address, const char *alias,
	                      const char **error_r);
};

struct directory {
	const struct directory_ops *ops;
	void *backend;
};

/* The embedded LMDB backend (dir_lmdb.c): opens <data_dir>/directory/. */
int dir_lmdb_open(TALLOC_CTX *mem_ctx, const char *data_dir, void **backend_r,
                  const char **error_r);
extern const struct directory_ops dir_lmdb_ops;

#endif
