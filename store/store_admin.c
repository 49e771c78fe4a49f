/*
 * store_admin: the administrative life cycle of mailboxes beyond creation:
 * listing, disconnecting (the owner left the directory) and purging.
 *
 * Why disconnect rather than delete: Exchange does not destroy a mailbox
 * when its user is removed or the mailbox disabled (Remove-Mailbox,
 * Disable-Mailbox); the mailbox is disconnected and kept for the database's
 * deleted-mailbox retention period (30 days by default) so it can be
 * reconnected or exported, and only then purged.  The store keeps the same
 * two steps: store_mailbox_set_disconnected() records when the owner went
 * away, store_mailbox_purge() removes the mailbox for good on request.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "store_private.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Parses the 32 lower-case hex digits store_guid_hex() writes. */
static bool parse_dir_name(const char *name, struct mapi_guid *guid_r)
{
	if (strlen(name) != 32)
		return false;
	for (int i = 0; i < 16; i++) {
		int hi = hexval(name[2 * i]), lo = hexval(name[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		guid_r->b[i] = (uint8_t)(hi << 4 | lo);
	}
	char check[33];
	store_guid_hex(guid_r, check);
	return strcmp(check, name) == 0;
}

int store_mailbox_list(TALLOC_CTX *mem_ctx, struct store *store, struct mapi_guid **guids_r,
                       uint32_t *count_r)
{
	char *path = talloc_asprintf(NULL, "%s/mailboxes", store->data_dir);
	struct mapi_guid *guids = talloc_array(mem_ctx, struct mapi_guid, 0);
	uint32_t n = 0;
	int ret = 0;
	DIR *d = path != NULL ? opendir(path) : NULL;
	if (d == NULL || guids == NULL) {
		ret = path == NULL || guids == NULL ? STORE_E_NOMEM : STORE_E_IO;
		goto out;
	}
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		struct mapi_guid g;
		/* In-progress creations (<guid>.tmp-...) are not mailboxes. */
		if (!parse_dir_name(de->d_name, &g))
			continue;
		struct mapi_guid *grown = talloc_realloc(mem_ctx, guids, struct mapi_guid, n + 1);
		if (grown == NULL) {
			ret = STORE_E_NOMEM;
			goto out;
		}
		guids = grown;
		guids[n++] = g;
	}
out:
	if (d != NULL)
		closedir(d);
	talloc_free(path);
	if (ret < 0) {
		talloc_free(guids);
		return ret;
	}
	*guids_r = guids;
	*count_r = n;
	return 0;
}

int store_mailbox_set_disconnected(struct store_mailbox *mbox, uint64_t when)
{
	MDB_txn *txn;
	int ret = store_txn_begin(mbox, true, &txn);
	if (ret < 0)
		return ret;
	MDB_val k = {12, (void *)"disconnected"}, v = {8, &when};
	if (when == 0)
		ret = mdb_del(txn, mbox->env->dbi[DB_META], &k, NULL);
	else
		ret = mdb_put(txn, mbox->env->dbi[DB_META], &k, &v, 0);
	if (ret == MDB_NOTFOUND)
		ret = 0;
	ret = store_mdb_err(ret);
	if (ret == 0)
		return store_txn_commit(txn);
	mdb_txn_abort(txn);
	return ret;
}

int store_mailbox_purge(struct store *store, const struct mapi_guid *guid, const char **error_r)
{
	char hex[33];
	store_guid_hex(guid, hex);
	if (store_env_evict(store, guid) < 0) {
		*error_r = "the mailbox is open";
		return STORE_E_BUSY;
	}
	char *path = talloc_asprintf(NULL, "%s/mailboxes/%s", store->data_dir, hex);
	char *gone = talloc_asprintf(path, "%s.purge-%d", path, (int)getpid());
	int ret = 0;
	/* Rename first: from here on nobody can open it, and a crash in the
	 * middle leaves a directory store_mailbox_list() ignores. */
	if (rename(path, gone) != 0) {
		ret = errno == ENOENT ? STORE_E_NOTFOUND : STORE_E_IO;
		*error_r = talloc_asprintf(store, "rename %s: %s", path, strerror(errno));
		goto out;
	}
	static const char *const files[] = {"data.mdb", "lock.mdb"};
	for (size_t i = 0; i < 2; i++) {
		char *f = talloc_asprintf(path, "%s/%s", gone, files[i]);
		if (unlink(f) != 0 && errno != ENOENT)
			ret = STORE_E_IO;
	}
	if (rmdir(gone) != 0)
		ret = STORE_E_IO;
	if (ret < 0)
		*error_r = talloc_asprintf(store, "remove %s: %s", gone, strerror(errno));
	else
		log_info("store", "mailbox-purged guid=%s", hex);
out:
	talloc_free(path);
	return ret;
}
