/*
 * Receive folder table listing and removal ([MS-OXCSTOR] 2.2.1.3,
 * 2.2.1.4), for RopGetReceiveFolderTable and RopSetReceiveFolder with
 * FolderId 0.  Keys of DB_RECV are "." + the lower-case class
 * (store_named.c).
 */
#include <ctype.h>
#include <string.h>

#include "store_private.h"

int store_receive_folder_list(TALLOC_CTX *mem_ctx, struct store_mailbox *mbox, char ***classes_r,
                              uint64_t **fids_r, uint32_t *count_r)
{
	MDB_txn *txn = NULL;
	MDB_cursor *cur = NULL;
	MDB_val key, v;
	char **classes = talloc_array(mem_ctx, char *, 0);
	uint64_t *fids = talloc_array(mem_ctx, uint64_t, 0);
	uint32_t count = 0;
	int ret, rc;

	if (classes == NULL || fids == NULL) {
		ret = STORE_E_NOMEM;
		goto out;
	}
	ret = store_txn_begin(mbox, false, &txn);
	if (ret == 0)
		ret = store_mdb_err(mdb_cursor_open(txn, mbox->env->dbi[DB_RECV], &cur));
	for (rc = ret == 0 ? mdb_cursor_get(cur, &key, &v, MDB_FIRST) : MDB_NOTFOUND; rc == 0;
	     rc = mdb_cursor_get(cur, &key, &v, MDB_NEXT)) {
		uint64_t gc;
		if (key.mv_size < 1 || v.mv_size != 8) {
			ret = STORE_E_CORRUPT;
			break;
		}
		classes = talloc_realloc(mem_ctx, classes, char *, count + 1);
		fids = talloc_realloc(mem_ctx, fids, uint64_t, count + 1);
		if (classes == NULL || fids == NULL) {
			ret = STORE_E_NOMEM;
			break;
		}
		classes[count] =
		    talloc_strndup(classes, (const char *)key.mv_data + 1, key.mv_size - 1);
		memcpy(&gc, v.mv_data, 8);
		fids[count++] = store_id(gc);
	}
	if (ret == 0 && rc != MDB_NOTFOUND)
		ret = store_mdb_err(rc);
out:
	if (cur != NULL)
		mdb_cursor_close(cur);
	if (txn != NULL)
		mdb_txn_abort(txn);
	if (ret < 0) {
		talloc_free(classes);
		talloc_free(fids);
		return ret;
	}
	*classes_r = classes;
	*fids_r = fids;
	*count_r = count;
	return 0;
}

int store_receive_folder_delete(struct store_mailbox *mbox, const char *cls)
{
	MDB_txn *txn = NULL;
	char *k = talloc_asprintf(NULL, ".%s", cls);
	int ret, rc;

	if (k == NULL)
		return STORE_E_NOMEM;
	for (char *p = k; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	ret = store_txn_begin(mbox, true, &txn);
	if (ret == 0) {
		MDB_val key = {strlen(k), k};
		rc = mdb_del(txn, mbox->env->dbi[DB_RECV], &key, NULL);
		if (rc == MDB_NOTFOUND)
			ret = STORE_E_NOTFOUND;
		else
			ret = store_mdb_err(rc);
		ret = ret == 0 ? store_txn_commit(txn) : (mdb_txn_abort(txn), ret);
	}
	talloc_free(k);
	return ret;
}
