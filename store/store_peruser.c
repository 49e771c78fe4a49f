/*
 * store_peruser: the mailbox's per-user data table ([MS-OXCSTOR] 3.2.5.10
 * to 3.2.5.13): on a private logon, the read/unread data (a serialised
 * IDSET with REPLGUID, [MS-OXCFXICS] 2.2.2.4.2) the client caches for a
 * public folder, keyed by that folder's LongTermID.
 *
 * Rows live in DB_META under binary keys that cannot collide with its
 * fixed ASCII keys (store/DESIGN.md "Per-user data"):
 *
 *   "peruser" | database GUID (16) | GLOBCNT (6)
 *       -> version (1) = 1 | ReplGuid (16) | modified FILETIME (8, LE) | data
 *
 * Rows of one database GUID are therefore adjacent, which makes
 * RopGetPerUserLongTermIds one range scan.  The LongTermID's 2 pad bytes
 * are not part of the key: they carry nothing ([MS-OXCDATA] 2.2.1.3.1).
 */
#include <string.h>

#include "store_private.h"

#define PU_PREFIX     "peruser"
#define PU_PREFIX_LEN 7
#define PU_KEY_LEN    (PU_PREFIX_LEN + 16 + 6)
#define PU_HDR_LEN    (1 + 16 + 8)
#define PU_VERSION    1

static void pu_key(uint8_t key[PU_KEY_LEN], const struct mapi_long_term_id *folder)
{
	memcpy(key, PU_PREFIX, PU_PREFIX_LEN);
	memcpy(key + PU_PREFIX_LEN, folder->guid.b, 16);
	memcpy(key + PU_PREFIX_LEN + 16, folder->globcnt, 6);
}

int store_peruser_put(struct store_mailbox *mbox, const struct mapi_long_term_id *folder,
                      const struct mapi_guid *replguid, const void *data, size_t len)
{
	uint8_t key[PU_KEY_LEN];
	MDB_txn *txn = NULL;
	uint8_t *val;
	uint64_t now;
	int ret;

	if (len > STORE_PERUSER_MAX)
		return STORE_E_TOOBIG;
	if (len > 0 && data == NULL)
		return STORE_E_INVALID;
	val = talloc_size(NULL, PU_HDR_LEN + len);
	if (val == NULL)
		return STORE_E_NOMEM;
	/* [MS-OXCSTOR] 3.2.5.13.1: the row records when it was written */
	now = store_now_filetime();
	val[0] = PU_VERSION;
	memcpy(val + 1, replguid->b, 16);
	memcpy(val + 17, &now, 8);
	if (len > 0)
		memcpy(val + PU_HDR_LEN, data, len);
	pu_key(key, folder);
	ret = store_txn_begin(mbox, true, &txn);
	if (ret == 0) {
		MDB_val k = {PU_KEY_LEN, key}, v = {PU_HDR_LEN + len, val};
		/* one put in one transaction: the old row or the new one, never
		 * a mixture */
		ret = store_mdb_err(mdb_put(txn, mbox->env->dbi[DB_META], &k, &v, 0));
		ret = ret == 0 ? store_txn_commit(txn) : (mdb_txn_abort(txn), ret);
	}
	talloc_free(val);
	return ret;
}

/* Decodes a row value; STORE_E_CORRUPT when it is not one. */
static int pu_decode(TALLOC_CTX *mem_ctx, const MDB_val *v, struct store_peruser *row)
{
	const uint8_t *p = v->mv_data;

	if (v->mv_size < PU_HDR_LEN || p[0] != PU_VERSION)
		return STORE_E_CORRUPT;
	memcpy(row->replguid.b, p + 1, 16);
	memcpy(&row->modified, p + 17, 8);
	row->data.len = (uint32_t)(v->mv_size - PU_HDR_LEN);
	row->data.data = store_memdup(mem_ctx, p + PU_HDR_LEN, row->data.len);
	return row->data.data != NULL ? 0 : STORE_E_NOMEM;
}

int store_peruser_get(TALLOC_CTX *mem_ctx, struct store_mailbox *mbox,
                      const struct mapi_long_term_id *folder, struct store_peruser **row_r)
{
	uint8_t key[PU_KEY_LEN];
	struct store_peruser *row;
	MDB_txn *txn = NULL;
	MDB_val k = {PU_KEY_LEN, key}, v;
	int ret, rc;

	pu_key(key, folder);
	row = talloc_zero(mem_ctx, struct store_peruser);
	if (row == NULL)
		return STORE_E_NOMEM;
	ret = store_txn_begin(mbox, false, &txn);
	if (ret == 0) {
		rc = mdb_get(txn, mbox->env->dbi[DB_META], &k, &v);
		if (rc == MDB_NOTFOUND)
			ret = 0;
		else if (rc != 0)
			ret = store_mdb_err(rc);
		else if ((ret = pu_decode(row, &v, row)) == 0)
			ret = 1;
		mdb_txn_abort(txn);
	}
	if (ret != 1) {
		talloc_free(row);
		return ret;
	}
	*row_r = row;
	return 1;
}

int store_peruser_list(TALLOC_CTX *mem_ctx, struct store_mailbox *mbox,
                       const struct mapi_guid *database_guid, struct mapi_long_term_id **ltids_r,
                       uint32_t *count_r)
{
	uint8_t prefix[PU_PREFIX_LEN + 16];
	struct mapi_long_term_id *ltids = talloc_array(mem_ctx, struct mapi_long_term_id, 0);
	MDB_txn *txn = NULL;
	MDB_cursor *cur = NULL;
	MDB_val k = {sizeof(prefix), prefix}, v;
	uint32_t count = 0;
	int ret, rc;

	if (ltids == NULL)
		return STORE_E_NOMEM;
	memcpy(prefix, PU_PREFIX, PU_PREFIX_LEN);
	memcpy(prefix + PU_PREFIX_LEN, database_guid->b, 16);
	ret = store_txn_begin(mbox, false, &txn);
	if (ret == 0)
		ret = store_mdb_err(mdb_cursor_open(txn, mbox->env->dbi[DB_META], &cur));
	for (rc = ret == 0 ? mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE) : MDB_NOTFOUND; rc == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size < sizeof(prefix) || memcmp(k.mv_data, prefix, sizeof(prefix)) != 0)
			break;
		if (k.mv_size != PU_KEY_LEN) {
			ret = STORE_E_CORRUPT;
			break;
		}
		ltids = talloc_realloc(mem_ctx, ltids, struct mapi_long_term_id, count + 1);
		if (ltids == NULL) {
			ret = STORE_E_NOMEM;
			break;
		}
		memset(&ltids[count], 0, sizeof(ltids[count]));
		ltids[count].guid = *database_guid;
		memcpy(ltids[count].globcnt, (const uint8_t *)k.mv_data + PU_PREFIX_LEN + 16, 6);
		count++;
	}
	if (ret == 0 && rc != 0 && rc != MDB_NOTFOUND)
		ret = store_mdb_err(rc);
	if (cur != NULL)
		mdb_cursor_close(cur);
	if (txn != NULL)
		mdb_txn_abort(txn);
	if (ret < 0) {
		talloc_free(ltids);
		return ret;
	}
	*ltids_r = ltids;
	*count_r = count;
	return 0;
}
