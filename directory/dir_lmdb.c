/*
 * dir_lmdb: the embedded directory on LMDB: environment, organisation,
 * domains and lookups.  User writes are in dir_lmdb_users.c; the layout is
 * described in dir_lmdb_private.h.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/rand.h>

#include "dir_lmdb_private.h"
#include "dir_names.h"

#define DIR_MAP_SIZE (64u * 1024 * 1024)

int dl_fail(const char **error_r, int rc, const char *what)
{
	return dir_fail(error_r, DIR_E_STORAGE, "%s: %s", what, mdb_strerror(rc));
}

int dl_txn_begin(struct dir_lmdb *l, unsigned flags, MDB_txn **txn_r, const char **error_r)
{
	int rc = mdb_txn_begin(l->env, NULL, flags, txn_r);

	if (rc == MDB_MAP_RESIZED) {
		/* Another process grew the map: adopt its size and retry. */
		rc = mdb_env_set_mapsize(l->env, 0);
		if (rc == 0)
			rc = mdb_txn_begin(l->env, NULL, flags, txn_r);
	}
	if (rc != 0) {
		*txn_r = NULL;
		return dl_fail(error_r, rc, "mdb_txn_begin");
	}
	return 0;
}

int dl_commit(MDB_txn **txn, const char **error_r)
{
	int rc = mdb_txn_commit(*txn);

	*txn = NULL;
	if (rc != 0)
		return dl_fail(error_r, rc, "mdb_txn_commit");
	return 0;
}

void dl_id_key(uint32_t id, uint8_t key[4])
{
	key[0] = (uint8_t)(id >> 24), key[1] = (uint8_t)(id >> 16);
	key[2] = (uint8_t)(id >> 8), key[3] = (uint8_t)id;
}

int dl_id_by(MDB_txn *txn, MDB_dbi dbi, const void *key, size_t key_len, uint32_t *id_r,
             const char **error_r)
{
	MDB_val k = {key_len, (void *)key}, v;
	const uint8_t *b;
	int rc;

	if (key_len == 0 || key_len > 511) /* LMDB's default key limit */
		return 0;
	rc = mdb_get(txn, dbi, &k, &v);
	if (rc == MDB_NOTFOUND)
		return 0;
	if (rc != 0)
		return dl_fail(error_r, rc, "mdb_get");
	if (v.mv_size != 4)
		return dir_fail(error_r, DIR_E_CORRUPT, "index entry of %zu bytes", v.mv_size);
	b = v.mv_data;
	*id_r = ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
	return 1;
}

int dl_load(struct dir_lmdb *l, MDB_txn *txn, TALLOC_CTX *mem_ctx, uint32_t id,
            struct dir_record **rec_r, const char **error_r)
{
	uint8_t key[4];
	MDB_val k = {4, key}, v;
	int rc;

	dl_id_key(id, key);
	rc = mdb_get(txn, l->users, &k, &v);
	if (rc == MDB_NOTFOUND)
		return 0;
	if (rc != 0)
		return dl_fail(error_r, rc, "mdb_get");
	if (dir_record_decode(mem_ctx, v.mv_data, v.mv_size, rec_r) < 0)
		return dir_fail(error_r, DIR_E_CORRUPT, "user record %u does not decode", id);
	return 1;
}

int dl_store(struct dir_lmdb *l, MDB_txn *txn, const struct dir_record *rec, const char **error_r)
{
	uint8_t key[4], *data;
	size_t len;
	MDB_val k = {4, key}, v;
	int rc;

	if (dir_record_encode(NULL, rec, &data, &len) < 0)
		return dir_fail(error_r, DIR_E_INVALID, "user record does not encode");
	dl_id_key(rec->user->id, key);
	v.mv_size = len, v.mv_data = data;
	rc = mdb_put(txn, l->users, &k, &v, 0);
	talloc_free(data);
	if (rc != 0)
		return dl_fail(error_r, rc, "mdb_put");
	return 0;
}

int dl_domain_exists(struct dir_lmdb *l, MDB_txn *txn, const char *domain, const char **error_r)
{
	MDB_val k = {strlen(domain), (void *)domain}, v;
	int rc = mdb_get(txn, l->domains, &k, &v);

	if (rc == MDB_NOTFOUND)
		return 0;
	if (rc != 0)
		return dl_fail(error_r, rc, "mdb_get");
	return 1;
}

/* The organisation name as stored, on mem_ctx. */
static int org_name(struct dir_lmdb *l, MDB_txn *txn, TALLOC_CTX *mem_ctx, char **name_r,
                    const char **error_r)
{
	MDB_val k = {8, (void *)"org_name"}, v;
	int rc = mdb_get(txn, l->meta, &k, &v);

	if (rc != 0)
		return dl_fail(error_r, rc, "organisation name");
	*name_r = talloc_strndup(mem_ctx, v.mv_data, v.mv_size);
	if (*name_r == NULL)
		return dir_fail(error_r, DIR_E_STORAGE, "out of memory");
	return 0;
}

int dl_fill_legacy_dn(struct dir_lmdb *l, MDB_txn *txn, struct dir_user *user, const char **error_r)
{
	char *org, *rdn;

	if (org_name(l, txn, user, &org, error_r) < 0)
		return -1;
	rdn = dir_user_rdn(user, &user->mailbox_guid, user->address);
	user->legacy_dn =
	    rdn == NULL ? NULL
	                : talloc_asprintf(user, "%s%s", dir_recipients_prefix(user, org), rdn);
	if (user->legacy_dn == NULL)
		return dir_fail(error_r, DIR_E_STORAGE, "out of memory");
	return 0;
}

/* Creates the meta entries a new directory starts with. */
static int init_meta(struct dir_lmdb *l, MDB_txn *txn, const char **error_r)
{
	MDB_val k = {8, (void *)"org_name"}, v;
	uint8_t deployment[16], next[4] = {1, 0, 0, 0};
	int rc = mdb_get(txn, l->meta, &k, &v);

	if (rc == 0)
		return 0;
	if (rc != MDB_NOTFOUND)
		return dl_fail(error_r, rc, "mdb_get");
	if (RAND_bytes(deployment, sizeof(deployment)) != 1)
		return dir_fail(error_r, DIR_E_CRYPTO, "RAND_bytes failed");
	/* a version 4 GUID ([MS-DTYP] 2.3.4.2 wire order: Data3 high byte 7) */
	deployment[7] = (uint8_t)((deployment[7] & 0x0F) | 0x40);
	deployment[8] = (uint8_t)((deployment[8] & 0x3F) | 0x80);
	v.mv_size = strlen(DIR_ORG_NAME_DEFAULT), v.mv_data = (void *)DIR_ORG_NAME_DEFAULT;
	rc = mdb_put(txn, l->meta, &k, &v, 0);
	k.mv_size = 13, k.mv_data = (void *)"deployment_id";
	v.mv_size = 16, v.mv_data = deployment;
	if (rc == 0)
		rc = mdb_put(txn, l->meta, &k, &v, 0);
	k.mv_size = 7, k.mv_data = (void *)"next_id";
	v.mv_size = 4, v.mv_data = next;
	if (rc == 0)
		rc = mdb_put(txn, l->meta, &k, &v, 0);
	if (rc != 0)
		return dl_fail(error_r, rc, "mdb_put");
	return 0;
}

static int open_dbis(struct dir_lmdb *l, const char **error_r)
{
	static const char *const names[] = {"meta", "domains", "users", "addr", "dn", "guid"};
	MDB_dbi *dbis[] = {&l->meta, &l->domains, &l->users, &l->addr, &l->dn, &l->guid};
	MDB_txn *txn;
	int rc;

	if (dl_txn_begin(l, 0, &txn, error_r) < 0)
		return -1;
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		rc = mdb_dbi_open(txn, names[i], MDB_CREATE, dbis[i]);
		if (rc != 0) {
			mdb_txn_abort(txn);
			return dl_fail(error_r, rc, "mdb_dbi_open");
		}
	}
	if (init_meta(l, txn, error_r) < 0) {
		mdb_txn_abort(txn);
		return -1;
	}
	return dl_commit(&txn, error_r);
}

static int dir_lmdb_destroy(struct dir_lmdb *l)
{
	if (l->env != NULL)
		mdb_env_close(l->env);
	l->env = NULL;
	return 0;
}

static int make_dir(const char *path, const char **error_r)
{
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return dir_fail(error_r, DIR_E_STORAGE, "mkdir %s: %s", path, strerror(errno));
	return 0;
}

int dir_lmdb_open(TALLOC_CTX *mem_ctx, const char *data_dir, void **backend_r, const char **error_r)
{
	struct dir_lmdb *l = talloc_zero(mem_ctx, struct dir_lmdb);
	char *path;
	int rc;

	if (l == NULL)
		return dir_fail(error_r, DIR_E_STORAGE, "out of memory");
	talloc_set_destructor(l, dir_lmdb_destroy);
	path = talloc_asprintf(l, "%s/directory", data_dir);
	if (path == NULL || make_dir(data_dir, error_r) < 0 || make_dir(path, error_r) < 0)
		goto fail;
	rc = mdb_env_create(&l->env);
	if (rc == 0)
		rc = mdb_env_set_maxdbs(l->env, 8);
	if (rc == 0)
		rc = mdb_env_set_mapsize(l->env, DIR_MAP_SIZE);
	if (rc == 0)
		rc = mdb_env_open(l->env, path, MDB_NOTLS, 0600);
	if (rc != 0) {
		dir_fail(error_r, DIR_E_STORAGE, "open %s: %s", path, mdb_strerror(rc));
		goto fail;
	}
	/* Free the reader slots of processes that died in a transaction. */
	(void)mdb_reader_check(l->env, NULL);
	if (open_dbis(l, error_r) < 0)
		goto fail;
	*backend_r = l;
	return 0;
fail:
	talloc_free(l);
	return -1;
}

static void dl_close(void *backend)
{
	talloc_free(backend);
}

static int dl_get_org(void *backend, TALLOC_CTX *mem_ctx, struct dir_org **org_r,
                      const char **error_r)
{
	struct dir_lmdb *l = backend;
	struct dir_org *org = talloc_zero(mem_ctx, struct dir_org);
	MDB_val k = {13, (void *)"deployment_id"}, v;
	MDB_txn *txn = NULL;
	int rc, ret = -1;

	if (org == NULL)
		return dir_fail(error_r, DIR_E_STORAGE, "out of memory");
	if (dl_txn_begin(l, MDB_RDONLY, &txn, error_r) < 0)
		goto out;
	if (org_name(l, txn, org, &org->name, error_r) < 0)
		goto out;
	rc = mdb_get(txn, l->meta, &k, &v);
	if (rc != 0 || v.mv_size != 16) {
		dir_fail(error_r, DIR_E_CORRUPT, "deployment id missing");
		goto out;
	}
	memcpy(org->deployment_id.b, v.mv_data, 16);
	*org_r = org;
	org = NULL;
	ret = 0;
out:
	if (txn != NULL)
		mdb_txn_abort(txn);
	talloc_free(org);
	return ret;
}

static int dl_set_org_name(void *backend, const char *name, const char **error_r)
{
	struct dir_lmdb *l = backend;
	MDB_val k = {8, (void *)"org_name"}, v = {strlen(name), (void *)name};
	MDB_txn *txn;
	int rc;

	if (dl_txn_begin(l, 0, &txn, error_r) < 0)
		return -1;
	rc = mdb_put(txn, l->meta, &k, &v, 0);
	if (rc != 0) {
		mdb_txn_abort(txn);
		return dl_fail(error_r, rc, "mdb_put");
	}
	return dl_commit(&txn, error_r);
}

/* Loads user id with its LegacyDN and hands it to mem_ctx.  1 / 0 / -1. */
static int load_user(struct dir_lmdb *l, MDB_txn *txn, TALLOC_CTX *mem_ctx, uint32_t id,
                     struct dir_user **user_r, const char **error_r)
{
	struct dir_record *rec;
	int ret = dl_load(l, txn, NULL, id, &rec, error_r);

	if (ret <= 0)
		return ret == 0
		           ? dir_fail(error_r, DIR_E_CORRUPT, "index names missing user %u", id)
		           : -1;
	if (dl_fill_legacy_dn(l, txn, rec->user, error_r) < 0) {
		talloc_free(rec);
		return -1;
	}
	*user_r = talloc_steal(mem_ctx, rec->user);
	talloc_free(rec);
	return 1;
}

/* Looks key up in index dbi and loads the user.  1 / 0 / -1. */
static int user_by_index(struct dir_lmdb *l, MDB_dbi dbi, TALLOC_CTX *mem_ctx, const void *key,
                         size_t key_len, struct dir_user **user_r, const char **error_r)
{
	MDB_txn *txn;
	uint32_t id;
	int ret;

	if (dl_txn_begin(l, MDB_RDONLY, &txn, error_r) < 0)
		return -1;
	ret = dl_id_by(txn, dbi, key, key_len, &id, error_r);
	if (ret > 0)
		ret = load_user(l, txn, mem_ctx, id, user_r, error_r);
	mdb_txn_abort(txn);
	return ret;
}

static int dl_user_by_address(void *backend, TALLOC_CTX *mem_ctx, const char *address,
                              struct dir_user **user_r, const char **error_r)
{
	struct dir_lmdb *l = backend;

	return user_by_index(l, l->addr, mem_ctx, address, strlen(address), user_r, error_r);
}

static int dl_user_by_legacy_dn(void *backend, TALLOC_CTX *mem_ctx, const char *dn,
                                struct dir_user **user_r, const char **error_r)
{
	struct dir_lmdb *l = backend;
	TALLOC_CTX *tmp = talloc_new(NULL);
	char *org, *prefix, *lower = dir_lower(tmp, dn);
	MDB_txn *txn;
	size_t plen;
	int ret = -1;

	if (dl_txn_begin(l, MDB_RDONLY, &txn, error_r) < 0)
		goto out;
	ret = org_name(l, txn, tmp, &org, error_r);
	mdb_txn_abort(txn);
	if (ret < 0)
		goto out;
	/* [MS-OXOABK] 2.2.3.1: DNs compare without regard to case. */
	prefix = dir_lower(tmp, dir_recipients_prefix(tmp, org));
	if (lower == NULL || prefix == NULL) {
		ret = dir_fail(error_r, DIR_E_STORAGE, "out of memory");
		goto out;
	}
	plen = strlen(prefix);
	if (strncmp(lower, prefix, plen) != 0) {
		ret = 0;
		goto out;
	}
	ret = user_by_index(l, l->dn, mem_ctx, lower + plen, strlen(lower + plen), user_r, error_r);
out:
	talloc_free(tmp);
	return ret;
}

static int dl_user_by_mailbox_guid(void *backend, TALLOC_CTX *mem_ctx, const struct mapi_guid *guid,
                                   struct dir_user **user_r, const char **error_r)
{
	struct dir_lmdb *l = backend;

	return user_by_index(l, l->guid, mem_ctx, guid->b, 16, user_r, error_r);
}

static int dl_get_secrets(void *backend, TALLOC_CTX *mem_ctx, const char *address,
                          struct dir_secrets **secrets_r, const char **error_r)
{
	struct dir_lmdb *l = backend;
	struct dir_record *rec;
	MDB_txn *txn;
	uint32_t id;
	int ret;

	if (dl_txn_begin(l, MDB_RDONLY, &txn, error_r) < 0)
		return -1;
	ret = dl_id_by(txn, l->addr, address, strlen(address), &id, error_r);
	if (ret > 0)
		ret = dl_load(l, txn, NULL, id, &rec, error_r);
	mdb_txn_abort(txn);
	if (ret <= 0)
		return ret == 0 ? 0 : -1;
	*secrets_r = talloc_zero(mem_ctx, struct dir_secrets);
	if (*secrets_r == NULL) {
		ret = dir_fail(error_r, DIR_E_STORAGE, "out of memory");
	} else {
		**secrets_r = rec->secrets;
		talloc_steal(*secrets_r, rec->secrets.pw_hash);
	}
	talloc_free(rec);
	return ret;
}

/* Users are collected first and called back after the transaction ends, so
 * fn may call the directory itself. */
static int dl_foreach_user(void *backend, directory_user_fn *fn, void *ctx, const char **error_r)
{
	struct dir_lmdb *l = backend;
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct dir_user **users = NULL;
	unsigned count = 0;
	MDB_cursor *cur = NULL;
	MDB_txn *txn;
	MDB_val k, v;
	uint32_t id;
	int rc, ret = -1;

	if (dl_txn_begin(l, MDB_RDONLY, &txn, error_r) < 0)
		goto out;
	rc = mdb_cursor_open(txn, l->addr, &cur);
	for (rc = rc != 0 ? rc : mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		struct dir_user *user;

		if (dl_id_by(txn, l->addr, k.mv_data, k.mv_size, &id, error_r) <= 0 ||
		    load_user(l, txn, tmp, id, &user, error_r) <= 0)
			goto out;
		/* The addr index also holds aliases: take each user once. */
		if (strlen(user->address) != k.mv_size ||
		    memcmp(user->address, k.mv_data, k.mv_size) != 0)
			continue;
		users = talloc_realloc(tmp, users, struct dir_user *, count + 1);
		if (users == NULL) {
			dir_fail(error_r, DIR_E_STORAGE, "out of memory");
			goto out;
		}
		users[count++] = user;
	}
	if (rc != MDB_NOTFOUND) {
		dl_fail(error_r, rc, "mdb_cursor_get");
		goto out;
	}
	mdb_cursor_close(cur);
	mdb_txn_abort(txn);
	cur = NULL, txn = NULL;
	ret = 0;
	for (unsigned i = 0; i < count && ret == 0; i++)
		ret = fn(users[i], ctx);
out:
	if (cur != NULL)
		mdb_cursor_close(cur);
	if (txn != NULL)
		mdb_txn_abort(txn);
	talloc_free(tmp);
	return ret;
}

static int dl_domain_add(void *backend, const char *domain, const char **error_r)
{
	struct dir_lmdb *l = backend;
	MDB_val k = {strlen(domain), (void *)domain}, v = {0, (void *)""};
	MDB_txn *txn;
	int rc;

	if (dl_txn_begin(l, 0, &txn, error_r) < 0)
		return -1;
	rc = mdb_put(txn, l->domains, &k, &v, MDB_NOOVERWRITE);
	if (rc != 0) {
		mdb_txn_abort(txn);
		if (rc == MDB_KEYEXIST)
			return dir_fail(error_r, DIR_E_EXISTS, "domain %s", domain);
		return dl_fail(error_r, rc, "mdb_put");
	}
	return dl_commit(&txn, error_r);
}

/* 1 when some address or alias is in domain, 0 if none, -1 error. */
static int domain_in_use(struct dir_lmdb *l, MDB_txn *txn, const char *domain, const char **error_r)
{
	size_t dlen = strlen(domain);
	MDB_cursor *cur;
	MDB_val k, v;
	int rc, ret = 0;

	rc = mdb_cursor_open(txn, l->addr, &cur);
	if (rc != 0)
		return dl_fail(error_r, rc, "mdb_cursor_open");
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0 && ret == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		const char *key = k.mv_data;

		if (k.mv_size > dlen && key[k.mv_size - dlen - 1] == '@' &&
		    memcmp(key + k.mv_size - dlen, domain, dlen) == 0)
			ret = 1;
	}
	mdb_cursor_close(cur);
	if (ret == 0 && rc != MDB_NOTFOUND)
		return dl_fail(error_r, rc, "mdb_cursor_get");
	return ret;
}

static int dl_domain_del(void *backend, const char *domain, const char **error_r)
{
	struct dir_lmdb *l = backend;
	MDB_val k = {strlen(domain), (void *)domain};
	MDB_txn *txn;
	int rc, ret;

	if (dl_txn_begin(l, 0, &txn, error_r) < 0)
		return -1;
	ret = dl_domain_exists(l, txn, domain, error_r);
	if (ret == 0)
		ret = dir_fail(error_r, DIR_E_NOTFOUND, "domain %s", domain);
	else if (ret > 0 && (ret = domain_in_use(l, txn, domain, error_r)) > 0)
		ret = dir_fail(error_r, DIR_E_INUSE,
		               "domain %s still has users or aliases; delete them first", domain);
	if (ret < 0) {
		mdb_txn_abort(txn);
		return -1;
	}
	rc = mdb_del(txn, l->domains, &k, NULL);
	if (rc != 0) {
		mdb_txn_abort(txn);
		return dl_fail(error_r, rc, "mdb_del");
	}
	return dl_commit(&txn, error_r);
}

static int dl_domain_list(void *backend, TALLOC_CTX *mem_ctx, char ***domains_r, unsigned *count_r,
                          const char **error_r)
{
	struct dir_lmdb *l = backend;
	char **list = talloc_zero_array(mem_ctx, char *, 1);
	unsigned count = 0;
	MDB_cursor *cur;
	MDB_txn *txn;
	MDB_val k, v;
	int rc;

	if (list == NULL || dl_txn_begin(l, MDB_RDONLY, &txn, error_r) < 0) {
		talloc_free(list);
		return list == NULL ? dir_fail(error_r, DIR_E_STORAGE, "out of memory") : -1;
	}
	rc = mdb_cursor_open(txn, l->domains, &cur);
	if (rc != 0) {
		mdb_txn_abort(txn);
		talloc_free(list);
		return dl_fail(error_r, rc, "mdb_cursor_open");
	}
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		list = talloc_realloc(mem_ctx, list, char *, count + 2);
		if (list == NULL ||
		    (list[count] = talloc_strndup(list, k.mv_data, k.mv_size)) == NULL) {
			rc = ENOMEM;
			break;
		}
		list[++count] = NULL;
	}
	mdb_cursor_close(cur);
	mdb_txn_abort(txn);
	if (rc != MDB_NOTFOUND) {
		talloc_free(list);
		return dl_fail(error_r, rc, "mdb_cursor_get");
	}
	*domains_r = list;
	*count_r = count;
	return 0;
}

const struct directory_ops dir_lmdb_ops = {
    .name = "lmdb",
    .close = dl_close,
    .get_org = dl_get_org,
    .set_org_name = dl_set_org_name,
    .user_by_address = dl_user_by_address,
    .user_by_legacy_dn = dl_user_by_legacy_dn,
    .user_by_mailbox_guid = dl_user_by_mailbox_guid,
    .get_secrets = dl_get_secrets,
    .foreach_user = dl_foreach_user,
    .domain_add = dl_domain_add,
    .domain_del = dl_domain_del,
    .domain_list = dl_domain_list,
    .user_add = dl_user_add,
    .user_del = dl_user_del,
    .user_set_secrets = dl_user_set_secrets,
    .user_add_alias = dl_user_add_alias,
};
