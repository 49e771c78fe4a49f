/*
 * dir_lmdb_private: what the two halves of the LMDB backend share
 * (dir_lmdb.c: environment, organisation, domains, lookups;
 * dir_lmdb_users.c: user writes).
 *
 * One LMDB environment under <data_dir>/directory/ (directory 0700, files
 * 0600), named databases:
 *   meta     "org_name" -> UTF-8, "deployment_id" -> 16 bytes,
 *            "next_id" -> u32 LE (ids are never reused)
 *   domains  lower-case domain -> ""
 *   users    u32 big-endian id -> dir_record bytes
 *   addr     lower-case address or alias -> u32 BE id
 *   dn       lower-case "<guid-hex>-<local>" (the last LegacyDN RDN) -> id
 *   guid     16-byte mailbox GUID -> id
 * Every call runs in its own transaction and nothing is cached, so what
 * mapiadmin writes is what the daemon reads next (LMDB's locks make the
 * environment safe to share between processes; MDB_NOTLS lets threads share
 * it).  One process must not open the same directory twice at once (an
 * LMDB rule).
 */
#ifndef DIR_LMDB_PRIVATE_H
#define DIR_LMDB_PRIVATE_H

#include <lmdb.h>

#include "dir_record.h"
#include "directory_private.h"

struct dir_lmdb {
	MDB_env *env;
	MDB_dbi meta, domains, users, addr, dn, guid;
};

int dl_fail(const char **error_r, int rc, const char *what);
int dl_txn_begin(struct dir_lmdb *l, unsigned flags, MDB_txn **txn_r, const char **error_r);
int dl_commit(MDB_txn **txn, const char **error_r);
void dl_id_key(uint32_t id, uint8_t key[4]);
/* 1 / 0 / -1: the id that key maps to in dbi. */
int dl_id_by(MDB_txn *txn, MDB_dbi dbi, const void *key, size_t key_len, uint32_t *id_r,
             const char **error_r);
/* 1 / 0 / -1: the record of user id, on mem_ctx. */
int dl_load(struct dir_lmdb *l, MDB_txn *txn, TALLOC_CTX *mem_ctx, uint32_t id,
            struct dir_record **rec_r, const char **error_r);
int dl_store(struct dir_lmdb *l, MDB_txn *txn, const struct dir_record *rec, const char **error_r);
/* 1 / 0 / -1: whether the domain is in the directory. */
int dl_domain_exists(struct dir_lmdb *l, MDB_txn *txn, const char *domain, const char **error_r);
/* Sets user->legacy_dn from the current organisation name. 0 / -1. */
int dl_fill_legacy_dn(struct dir_lmdb *l, MDB_txn *txn, struct dir_user *user,
                      const char **error_r);

int dl_user_add(void *backend, TALLOC_CTX *mem_ctx, const char *address, const char *display_name,
                const struct dir_secrets *secrets, struct dir_user **user_r, const char **error_r);
int dl_user_del(void *backend, const char *address, const char **error_r);
int dl_user_set_secrets(void *backend, const char *address, const struct dir_secrets *secrets,
                        const char **error_r);
int dl_user_add_alias(void *backend, const char *address, const char *alias, const char **error_r);

#endif
