/*
 * dir_lmdb_users: adding, changing and deleting users in the LMDB backend.
 * Each change is one write transaction that keeps the record and all its
 * index entries (addr, dn, guid) consistent.
 */
#include <string.h>

#include <openssl/rand.h>

#include "dir_lmdb_private.h"
#include "dir_names.h"

static int put_index(MDB_txn *txn, MDB_dbi dbi, const void *key, size_t key_len, uint32_t id,
                     const char *what, const char **error_r)
{
	uint8_t idb[4];
	MDB_val k = {key_len, (void *)key}, v = {4, idb};
	int rc;

	dl_id_key(id, idb);
	rc = mdb_put(txn, dbi, &k, &v, MDB_NOOVERWRITE);
	if (rc == MDB_KEYEXIST)
		return dir_fail(error_r, DIR_E_EXISTS, "%s %.*s", what, (int)key_len,
		                (const char *)key);
	if (rc != 0)
		return dl_fail(error_r, rc, "mdb_put");
	return 0;
}

static int del_index(MDB_txn *txn, MDB_dbi dbi, const void *key, size_t key_len,
                     const char **error_r)
{
	MDB_val k = {key_len, (void *)key};
	int rc = mdb_del(txn, dbi, &k, NULL);

	if (rc != 0 && rc != MDB_NOTFOUND)
		return dl_fail(error_r, rc, "mdb_del");
	return 0;
}

/* Takes the next user id from the counter; ids are never handed out twice. */
static int next_id(struct dir_lmdb *l, MDB_txn *txn, uint32_t *id_r, const char **error_r)
{
	MDB_val k = {7, (void *)"next_id"}, v;
	uint8_t b[4];
	uint32_t id;
	int rc = mdb_get(txn, l->meta, &k, &v);

	if (rc != 0 || v.mv_size != 4)
		return dir_fail(error_r, DIR_E_CORRUPT, "user id counter missing");
	memcpy(b, v.mv_data, 4);
	id = (uint32_t)b[0] | ((uint32_t)b[1] << 8) | ((uint32_t)b[2] << 16) |
	     ((uint32_t)b[3] << 24);
	if (id == UINT32_MAX)
		return dir_fail(error_r, DIR_E_FULL, "all user ids are used");
	b[0] = (uint8_t)(id + 1), b[1] = (uint8_t)((id + 1) >> 8);
	b[2] = (uint8_t)((id + 1) >> 16), b[3] = (uint8_t)((id + 1) >> 24);
	v.mv_size = 4, v.mv_data = b;
	rc = mdb_put(txn, l->meta, &k, &v, 0);
	if (rc != 0)
		return dl_fail(error_r, rc, "mdb_put");
	*id_r = id;
	return 0;
}

/* A random (version 4) GUID not yet naming a mailbox.  [MS-DTYP] 2.3.4.2
 * wire order: Data3's high nibble is in byte 7. */
static int new_mailbox_guid(struct dir_lmdb *l, MDB_txn *txn, struct mapi_guid *guid,
                            const char **error_r)
{
	uint32_t id;
	int ret;

	do {
		if (RAND_bytes(guid->b, 16) != 1)
			return dir_fail(error_r, DIR_E_CRYPTO, "RAND_bytes failed");
		guid->b[7] = (uint8_t)((guid->b[7] & 0x0F) | 0x40);
		guid->b[8] = (uint8_t)((guid->b[8] & 0x3F) | 0x80);
		ret = dl_id_by(txn, l->guid, guid->b, 16, &id, error_r);
	} while (ret == 1);
	return ret;
}

/* The lower-case dn index key of a user: its LegacyDN's last RDN value. */
static char *dn_key(TALLOC_CTX *mem_ctx, const struct dir_user *user)
{
	return dir_user_rdn(mem_ctx, &user->mailbox_guid, user->address);
}

/* Checks that address may become a new address or alias: its domain is
 * here and nobody has it yet.  0 / -1. */
static int address_free(struct dir_lmdb *l, MDB_txn *txn, const char *address, const char **error_r)
{
	const char *domain = strchr(address, '@') + 1;
	uint32_t id;
	int ret = dl_domain_exists(l, txn, domain, error_r);

	if (ret == 0)
		return dir_fail(error_r, DIR_E_NODOMAIN, "%s (add the domain %s first)", address,
		                domain);
	if (ret > 0)
		ret = dl_id_by(txn, l->addr, address, strlen(address), &id, error_r);
	if (ret > 0)
		return dir_fail(error_r, DIR_E_EXISTS, "address %s", address);
	return ret;
}

static int insert_user(struct dir_lmdb *l, MDB_txn *txn, struct dir_record *rec,
                       const char **error_r)
{
	struct dir_user *u = rec->user;
	char *key;

	if (address_free(l, txn, u->address, error_r) < 0 || next_id(l, txn, &u->id, error_r) < 0 ||
	    new_mailbox_guid(l, txn, &u->mailbox_guid, error_r) < 0)
		return -1;
	key = dn_key(rec, u);
	if (key == NULL)
		return dir_fail(error_r, DIR_E_STORAGE, "out of memory");
	if (dl_store(l, txn, rec, error_r) < 0 ||
	    put_index(txn, l->addr, u->address, strlen(u->address), u->id, "address", error_r) <
	        0 ||
	    put_index(txn, l->dn, key, strlen(key), u->id, "LegacyDN", error_r) < 0 ||
	    put_index(txn, l->guid, u->mailbox_guid.b, 16, u->id, "mailbox GUID", error_r) < 0)
		return -1;
	return dl_fill_legacy_dn(l, txn, u, error_r);
}

int dl_user_add(void *backend, TALLOC_CTX *mem_ctx, const char *address, const char *display_name,
                const struct dir_secrets *secrets, struct dir_user **user_r, const char **error_r)
{
	struct dir_lmdb *l = backend;
	struct dir_record *rec = talloc_zero(NULL, struct dir_record);
	MDB_txn *txn = NULL;
	int ret = -1;

	if (rec == NULL || (rec->user = talloc_zero(rec, struct dir_user)) == NULL ||
	    (rec->user->address = talloc_strdup(rec->user, address)) == NULL ||
	    (rec->user->display_name = talloc_strdup(rec->user, display_name)) == NULL ||
	    (rec->user->aliases = talloc_zero_array(rec->user, char *, 1)) == NULL) {
		dir_fail(error_r, DIR_E_STORAGE, "out of memory");
		goto out;
	}
	rec->user->domain = talloc_strdup(rec->user, strchr(address, '@') + 1);
	rec->secrets = *secrets;
	if (dl_txn_begin(l, 0, &txn, error_r) < 0 || insert_user(l, txn, rec, error_r) < 0 ||
	    dl_commit(&txn, error_r) < 0)
		goto out;
	if (user_r != NULL)
		*user_r = talloc_steal(mem_ctx, rec->user);
	ret = 0;
out:
	if (txn != NULL)
		mdb_txn_abort(txn);
	talloc_free(rec);
	return ret;
}

/* Finds the user that owns address in a write transaction.  1 / 0 / -1. */
static int find_record(struct dir_lmdb *l, MDB_txn *txn, TALLOC_CTX *mem_ctx, const char *address,
                       struct dir_record **rec_r, const char **error_r)
{
	uint32_t id;
	int ret = dl_id_by(txn, l->addr, address, strlen(address), &id, error_r);

	if (ret > 0)
		ret = dl_load(l, txn, mem_ctx, id, rec_r, error_r);
	if (ret == 0)
		return dir_fail(error_r, DIR_E_NOTFOUND, "user %s", address);
	return ret;
}

static int remove_user(struct dir_lmdb *l, MDB_txn *txn, const struct dir_record *rec,
                       const char **error_r)
{
	const struct dir_user *u = rec->user;
	uint8_t key[4];
	char *dn = dn_key(NULL, u);
	int ret = dn == NULL ? dir_fail(error_r, DIR_E_STORAGE, "out of memory") : 0;

	if (ret == 0)
		ret = del_index(txn, l->addr, u->address, strlen(u->address), error_r);
	for (unsigned i = 0; ret == 0 && i < u->alias_count; i++)
		ret = del_index(txn, l->addr, u->aliases[i], strlen(u->aliases[i]), error_r);
	if (ret == 0)
		ret = del_index(txn, l->dn, dn, strlen(dn), error_r);
	if (ret == 0)
		ret = del_index(txn, l->guid, u->mailbox_guid.b, 16, error_r);
	dl_id_key(u->id, key);
	if (ret == 0)
		ret = del_index(txn, l->users, key, 4, error_r);
	talloc_free(dn);
	return ret;
}

int dl_user_del(void *backend, const char *address, const char **error_r)
{
	struct dir_lmdb *l = backend;
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct dir_record *rec;
	MDB_txn *txn = NULL;
	int ret = -1;

	if (dl_txn_begin(l, 0, &txn, error_r) < 0 ||
	    find_record(l, txn, tmp, address, &rec, error_r) < 0)
		goto out;
	if (strcmp(rec->user->address, address) != 0) {
		dir_fail(error_r, DIR_E_INVALID,
		         "%s is an alias of %s; delete the user by its address", address,
		         rec->user->address);
		goto out;
	}
	if (remove_user(l, txn, rec, error_r) < 0 || dl_commit(&txn, error_r) < 0)
		goto out;
	ret = 0;
out:
	if (txn != NULL)
		mdb_txn_abort(txn);
	talloc_free(tmp);
	return ret;
}

int dl_user_set_secrets(void *backend, const char *address, const struct dir_secrets *secrets,
                        const char **error_r)
{
	struct dir_lmdb *l = backend;
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct dir_record *rec;
	MDB_txn *txn = NULL;
	int ret = -1;

	if (dl_txn_begin(l, 0, &txn, error_r) < 0 ||
	    find_record(l, txn, tmp, address, &rec, error_r) < 0)
		goto out;
	rec->secrets = *secrets;
	if (dl_store(l, txn, rec, error_r) < 0 || dl_commit(&txn, error_r) < 0)
		goto out;
	ret = 0;
out:
	if (txn != NULL)
		mdb_txn_abort(txn);
	talloc_free(tmp);
	return ret;
}

int dl_user_add_alias(void *backend, const char *address, const char *alias, const char **error_r)
{
	struct dir_lmdb *l = backend;
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct dir_record *rec;
	struct dir_user *u;
	MDB_txn *txn = NULL;
	int ret = -1;

	if (dl_txn_begin(l, 0, &txn, error_r) < 0 ||
	    find_record(l, txn, tmp, address, &rec, error_r) < 0 ||
	    address_free(l, txn, alias, error_r) < 0)
		goto out;
	u = rec->user;
	if (u->alias_count >= DIR_ALIASES_MAX) {
		dir_fail(error_r, DIR_E_FULL, "%s has %u aliases already", u->address,
		         DIR_ALIASES_MAX);
		goto out;
	}
	u->aliases = talloc_realloc(u, u->aliases, char *, u->alias_count + 2);
	if (u->aliases == NULL || (u->aliases[u->alias_count] = talloc_strdup(u, alias)) == NULL) {
		dir_fail(error_r, DIR_E_STORAGE, "out of memory");
		goto out;
	}
	u->aliases[++u->alias_count] = NULL;
	if (dl_store(l, txn, rec, error_r) < 0 ||
	    put_index(txn, l->addr, alias, strlen(alias), u->id, "address", error_r) < 0 ||
	    dl_commit(&txn, error_r) < 0)
		goto out;
	ret = 0;
out:
	if (txn != NULL)
		mdb_txn_abort(txn);
	talloc_free(tmp);
	return ret;
}
