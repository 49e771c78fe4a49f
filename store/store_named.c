/*
 * store_named: the per-mailbox named property map ([MS-OXCPRPT] 3.1.4.4,
 * [MS-OXCDATA] 2.6.1) and the receive folder table ([MS-OXCSTOR] 2.2.1.2).
 *
 * Keys in DB_NAMED: 'n' | guid(16) | kind(1) | lid(4 BE) or UTF-8 name
 * -> id (u16); 'i' | id (2 BE) -> guid(16) | kind(1) | lid or name.
 */
#include <ctype.h>
#include <string.h>

#include "store_private.h"

#define NAMED_LAST_ID  0xFFFE
#define NAMED_MAX_NAME 1024

static int name_key(TALLOC_CTX *mem_ctx, const struct mapi_property_name *nm, uint8_t **key_r,
                    size_t *len_r)
{
	size_t nlen = 0;
	if (nm->kind == MNID_STRING) {
		if (nm->name == NULL)
			return STORE_E_INVALID;
		nlen = strlen(nm->name);
		if (nlen == 0 || nlen > NAMED_MAX_NAME)
			return STORE_E_INVALID;
	} else if (nm->kind != MNID_ID) {
		return STORE_E_INVALID;
	}
	size_t len = 1 + 16 + 1 + (nm->kind == MNID_ID ? 4 : nlen);
	uint8_t *key = talloc_size(mem_ctx, len);
	if (key == NULL)
		return STORE_E_NOMEM;
	key[0] = 'n';
	memcpy(key + 1, nm->guid.b, 16);
	key[17] = (uint8_t)nm->kind;
	if (nm->kind == MNID_ID)
		be32_put(key + 18, nm->lid);
	else
		memcpy(key + 18, nm->name, nlen);
	*key_r = key;
	*len_r = len;
	return 0;
}

static int lookup_or_create(MDB_txn *txn, struct store_mailbox *mbox,
                            const struct mapi_property_name *nm, bool create, uint16_t *id_r)
{
	MDB_dbi dbi = mbox->env->dbi[DB_NAMED];
	uint8_t *key;
	size_t len;
	int ret = name_key(NULL, nm, &key, &len);
	if (ret < 0)
		return ret;
	MDB_val k = {len, key}, v;
	int rc = mdb_get(txn, dbi, &k, &v);
	if (rc == 0 && v.mv_size == 2) {
		memcpy(id_r, v.mv_data, 2);
	} else if (rc == MDB_NOTFOUND && !create) {
		*id_r = 0;
	} else if (rc == MDB_NOTFOUND) {
		uint64_t next;
		ret = store_meta_get_u64(txn, mbox, "named", &next);
		if (ret == 0 && next == 0)
			next = FIRST_NAMED_PROP_ID;
		if (ret == 0 && next > NAMED_LAST_ID)
			ret = STORE_E_RANGE;
		uint16_t id = (uint16_t)next;
		v.mv_size = 2;
		v.mv_data = &id;
		if (ret == 0)
			ret = store_mdb_err(mdb_put(txn, dbi, &k, &v, 0));
		/* Reverse entry: the same bytes after the 'n'. */
		uint8_t ikey[3] = {'i', (uint8_t)(id >> 8), (uint8_t)id};
		MDB_val ik = {3, ikey}, iv = {len - 1, key + 1};
		if (ret == 0)
			ret = store_mdb_err(mdb_put(txn, dbi, &ik, &iv, 0));
		if (ret == 0)
			ret = store_meta_put_u64(txn, mbox, "named", next + 1);
		*id_r = id;
	} else {
		ret = rc ? store_mdb_err(rc) : STORE_E_CORRUPT;
	}
	talloc_free(key);
	return ret;
}

int store_named_to_ids(struct store_mailbox *mbox, uint32_t count,
                       const struct mapi_property_name *names, bool create, uint16_t *ids_r)
{
	MDB_txn *txn = NULL;
	bool created = false;
	/* Read first: most calls find every name and need no writer. */
	int ret = store_txn_begin(mbox, false, &txn);
	for (uint32_t i = 0; i < count && ret == 0; i++) {
		ret = lookup_or_create(txn, mbox, &names[i], false, &ids_r[i]);
		created = created || ids_r[i] == 0;
	}
	if (txn != NULL)
		mdb_txn_abort(txn);
	if (ret < 0 || !create || !created)
		return ret;
	txn = NULL;
	ret = store_txn_begin(mbox, true, &txn);
	for (uint32_t i = 0; i < count && ret == 0; i++)
		ret = lookup_or_create(txn, mbox, &names[i], true, &ids_r[i]);
	if (ret < 0) {
		if (txn != NULL)
			mdb_txn_abort(txn);
		return ret;
	}
	return store_txn_commit(txn);
}

int store_named_from_ids(TALLOC_CTX *mem_ctx, struct store_mailbox *mbox, uint32_t count,
                         const uint16_t *ids, struct mapi_property_name **names_r)
{
	MDB_txn *txn = NULL;
	struct mapi_property_name *names =
	    talloc_zero_array(mem_ctx, struct mapi_property_name, count + 1);
	if (names == NULL)
		return STORE_E_NOMEM;
	int ret = store_txn_begin(mbox, false, &txn);
	for (uint32_t i = 0; i < count && ret == 0; i++) {
		uint8_t ikey[3] = {'i', (uint8_t)(ids[i] >> 8), (uint8_t)ids[i]};
		MDB_val k = {3, ikey}, v;
		int rc = mdb_get(txn, mbox->env->dbi[DB_NAMED], &k, &v);
		names[i].kind = MNID_NONE;
		if (rc == MDB_NOTFOUND)
			continue;
		if (rc != 0 || v.mv_size < 17) {
			ret = rc ? store_mdb_err(rc) : STORE_E_CORRUPT;
			break;
		}
		const uint8_t *p = v.mv_data;
		memcpy(names[i].guid.b, p, 16);
		names[i].kind = (enum mapi_named_kind)p[16];
		if (names[i].kind == MNID_ID && v.mv_size == 21)
			names[i].lid = be32_get(p + 17);
		else if (names[i].kind == MNID_STRING)
			names[i].name = talloc_strndup(names, (const char *)p + 17, v.mv_size - 17);
		else
			ret = STORE_E_CORRUPT;
	}
	if (txn != NULL)
		mdb_txn_abort(txn);
	if (ret < 0) {
		talloc_free(names);
		return ret;
	}
	*names_r = names;
	return 0;
}

/* Message classes compare case-insensitively ([MS-OXCSTOR] 3.2.5.2). */
static char *class_key(TALLOC_CTX *mem_ctx, const char *cls)
{
	char *k = talloc_strdup(mem_ctx, cls);
	for (char *p = k; p != NULL && *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return k;
}

int store_receive_folder_set(struct store_mailbox *mbox, const char *cls, uint64_t fid)
{
	MDB_txn *txn = NULL;
	if (strlen(cls) > 255)
		return STORE_E_INVALID;
	char *k = class_key(NULL, cls);
	uint64_t gc = store_gc(fid);
	int ret = store_txn_begin(mbox, true, &txn);
	if (ret == 0) {
		MDB_val key = {strlen(k), k}, v = {8, &gc};
		/* The empty class is a valid key: LMDB rejects empty keys, so
		 * every key carries a leading '.'. */
		char *dk = talloc_asprintf(k, ".%s", k);
		key.mv_data = dk;
		key.mv_size = strlen(dk);
		ret = store_mdb_err(mdb_put(txn, mbox->env->dbi[DB_RECV], &key, &v, 0));
		ret = ret == 0 ? store_txn_commit(txn) : (mdb_txn_abort(txn), ret);
	}
	talloc_free(k);
	return ret;
}

int store_receive_folder_get(TALLOC_CTX *mem_ctx, struct store_mailbox *mbox, const char *cls,
                             uint64_t *fid_r, char **explicit_class_r)
{
	MDB_txn *txn = NULL;
	char *k = talloc_asprintf(NULL, ".%s", cls);
	for (char *p = k; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	int ret = store_txn_begin(mbox, false, &txn);
	/* Longest prefix of dot-separated parts, down to "" ([MS-OXCSTOR]
	 * 3.2.5.2). */
	while (ret == 0) {
		MDB_val key = {strlen(k), k}, v;
		int rc = mdb_get(txn, mbox->env->dbi[DB_RECV], &key, &v);
		if (rc == 0 && v.mv_size == 8) {
			uint64_t gc;
			memcpy(&gc, v.mv_data, 8);
			*fid_r = store_id(gc);
			if (explicit_class_r != NULL)
				*explicit_class_r = talloc_strdup(mem_ctx, k + 1);
			break;
		}
		if (rc != MDB_NOTFOUND) {
			ret = rc ? store_mdb_err(rc) : STORE_E_CORRUPT;
			break;
		}
		char *dot = strrchr(k + 1, '.');
		if (dot != NULL)
			*dot = '\0';
		else if (k[1] != '\0')
			k[1] = '\0';
		else
			ret = STORE_E_NOTFOUND;
	}
	if (txn != NULL)
		mdb_txn_abort(txn);
	talloc_free(k);
	return ret;
}
