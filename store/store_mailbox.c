/*
 * store_mailbox: mailbox creation with the special folders
 * ([MS-OXOSFLD] 2.2, OUTLOOK-LADDER stage 5), and the admin functions
 * info, check and backup.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "store_private.h"

#define PR_ATTR_HIDDEN                PROP_TAG(PT_BOOLEAN, 0x10F4)
#define PR_IPM_APPOINTMENT_ENTRYID    PROP_TAG(PT_BINARY, 0x36D0)
#define PR_IPM_CONTACT_ENTRYID        PROP_TAG(PT_BINARY, 0x36D1)
#define PR_IPM_JOURNAL_ENTRYID        PROP_TAG(PT_BINARY, 0x36D2)
#define PR_IPM_NOTE_ENTRYID           PROP_TAG(PT_BINARY, 0x36D3)
#define PR_IPM_TASK_ENTRYID           PROP_TAG(PT_BINARY, 0x36D4)
#define PR_IPM_DRAFTS_ENTRYID         PROP_TAG(PT_BINARY, 0x36D7)
#define PR_ADDITIONAL_REN_ENTRYIDS    PROP_TAG(PT_MV_BINARY, 0x36D8)
#define PR_ADDITIONAL_REN_ENTRYIDS_EX PROP_TAG(PT_BINARY, 0x36D9)
#define PR_FREEBUSY_ENTRYIDS          PROP_TAG(PT_MV_BINARY, 0x36E4)

/* [MS-OXOSFLD] 2.2.4.2 PersistData block types and element IDs. */
#define RSF_PID_CONV_ACTIONS 0x8006
#define RSF_ELID_ENTRYID     0x0001

static const struct special_def {
	enum store_special which;
	enum store_special parent; /* STORE_FOLDER_COUNT_: none (the root) */
	const char *name;
	const char *cls;
} special_defs[] = {
    {STORE_FOLDER_ROOT, STORE_FOLDER_COUNT_, "Root Container", NULL},
    {STORE_FOLDER_DEFERRED_ACTION, STORE_FOLDER_ROOT, "Deferred Action", NULL},
    {STORE_FOLDER_SPOOLER_QUEUE, STORE_FOLDER_ROOT, "Spooler Queue", NULL},
    {STORE_FOLDER_IPM_SUBTREE, STORE_FOLDER_ROOT, "Top of Information Store", NULL},
    {STORE_FOLDER_COMMON_VIEWS, STORE_FOLDER_ROOT, "Common Views", NULL},
    {STORE_FOLDER_SCHEDULE, STORE_FOLDER_ROOT, "Schedule", NULL},
    {STORE_FOLDER_FINDER, STORE_FOLDER_ROOT, "Finder", NULL},
    {STORE_FOLDER_VIEWS, STORE_FOLDER_ROOT, "Views", NULL},
    {STORE_FOLDER_SHORTCUTS, STORE_FOLDER_ROOT, "Shortcuts", NULL},
    {STORE_FOLDER_FREEBUSY, STORE_FOLDER_ROOT, "Freebusy Data", NULL},
    {STORE_FOLDER_INBOX, STORE_FOLDER_IPM_SUBTREE, "Inbox", "IPF.Note"},
    {STORE_FOLDER_OUTBOX, STORE_FOLDER_IPM_SUBTREE, "Outbox", "IPF.Note"},
    {STORE_FOLDER_SENT_ITEMS, STORE_FOLDER_IPM_SUBTREE, "Sent Items", "IPF.Note"},
    {STORE_FOLDER_DELETED_ITEMS, STORE_FOLDER_IPM_SUBTREE, "Deleted Items", "IPF.Note"},
    {STORE_FOLDER_DRAFTS, STORE_FOLDER_IPM_SUBTREE, "Drafts", "IPF.Note"},
    {STORE_FOLDER_JUNK, STORE_FOLDER_IPM_SUBTREE, "Junk Email", "IPF.Note"},
    {STORE_FOLDER_CONTACTS, STORE_FOLDER_IPM_SUBTREE, "Contacts", "IPF.Contact"},
    {STORE_FOLDER_CALENDAR, STORE_FOLDER_IPM_SUBTREE, "Calendar", "IPF.Appointment"},
    {STORE_FOLDER_JOURNAL, STORE_FOLDER_IPM_SUBTREE, "Journal", "IPF.Journal"},
    {STORE_FOLDER_NOTES, STORE_FOLDER_IPM_SUBTREE, "Notes", "IPF.StickyNote"},
    {STORE_FOLDER_TASKS, STORE_FOLDER_IPM_SUBTREE, "Tasks", "IPF.Task"},
    {STORE_FOLDER_CONVERSATION_ACTIONS, STORE_FOLDER_IPM_SUBTREE, "Conversation Action Settings",
     "IPF.Configuration"},
    {STORE_FOLDER_SYNC_ISSUES, STORE_FOLDER_IPM_SUBTREE, "Sync Issues", "IPF.Note"},
    {STORE_FOLDER_CONFLICTS, STORE_FOLDER_SYNC_ISSUES, "Conflicts", "IPF.Note"},
    {STORE_FOLDER_LOCAL_FAILURES, STORE_FOLDER_SYNC_ISSUES, "Local Failures", "IPF.Note"},
    {STORE_FOLDER_SERVER_FAILURES, STORE_FOLDER_SYNC_ISSUES, "Server Failures", "IPF.Note"},
};

static int eid(TALLOC_CTX *mem_ctx, struct store_mailbox *mbox, enum store_special which,
               struct mapi_binary *bin)
{
	return store_folder_entryid(mem_ctx, mbox, store_id(mbox->env->ident.special[which]), bin);
}

/* [MS-OXOSFLD] 2.2.4.2: PersistData { PersistID, DataElementsSize,
 * PersistElement { ElementID, ElementDataSize, EntryID } } then the
 * PERSIST_SENTINEL block. */
static int ren_entryids_ex(TALLOC_CTX *mem_ctx, struct store_mailbox *mbox, struct mapi_binary *out)
{
	struct mapi_binary e;
	int ret = eid(mem_ctx, mbox, STORE_FOLDER_CONVERSATION_ACTIONS, &e);
	if (ret < 0)
		return ret;
	uint32_t len = 4 + 4 + e.len + 4;
	uint8_t *p = talloc_zero_size(mem_ctx, len);
	if (p == NULL)
		return STORE_E_NOMEM;
	uint16_t f[4] = {RSF_PID_CONV_ACTIONS, (uint16_t)(4 + e.len), RSF_ELID_ENTRYID,
	                 (uint16_t)e.len};
	for (int i = 0; i < 4; i++) {
		p[2 * i] = (uint8_t)f[i];
		p[2 * i + 1] = (uint8_t)(f[i] >> 8);
	}
	memcpy(p + 8, e.data, e.len);
	out->data = p;
	out->len = len;
	return 0;
}

/* The entry-ID properties Outlook reads on Root and Inbox ([MS-OXOSFLD]
 * 2.2.1, 2.2.4, 2.2.6). */
static int special_eid_props(MDB_txn *txn, struct store_mailbox *mbox)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	static const struct {
		uint32_t tag;
		enum store_special which;
	} single[] = {
	    {PR_IPM_APPOINTMENT_ENTRYID, STORE_FOLDER_CALENDAR},
	    {PR_IPM_CONTACT_ENTRYID, STORE_FOLDER_CONTACTS},
	    {PR_IPM_JOURNAL_ENTRYID, STORE_FOLDER_JOURNAL},
	    {PR_IPM_NOTE_ENTRYID, STORE_FOLDER_NOTES},
	    {PR_IPM_TASK_ENTRYID, STORE_FOLDER_TASKS},
	    {PR_IPM_DRAFTS_ENTRYID, STORE_FOLDER_DRAFTS},
	};
	/* [MS-OXOSFLD] 2.2.4: Conflicts, Sync Issues, Local Failures, Server
	 * Failures, Junk Email, in this order. */
	static const enum store_special ren[] = {
	    STORE_FOLDER_CONFLICTS,       STORE_FOLDER_SYNC_ISSUES, STORE_FOLDER_LOCAL_FAILURES,
	    STORE_FOLDER_SERVER_FAILURES, STORE_FOLDER_JUNK,
	};
	struct mapi_propval v[9];
	struct mapi_binary ren_bins[5], fb[4];
	int ret = 0, n = 0;
	for (size_t i = 0; i < 6 && ret == 0; i++, n++) {
		v[n].tag = single[i].tag;
		ret = eid(tmp, mbox, single[i].which, &v[n].v.bin);
	}
	for (int i = 0; i < 5 && ret == 0; i++)
		ret = eid(tmp, mbox, ren[i], &ren_bins[i]);
	v[n].tag = PR_ADDITIONAL_REN_ENTRYIDS;
	v[n].v.mv.count = 5;
	v[n++].v.mv.bin = ren_bins;
	v[n].tag = PR_ADDITIONAL_REN_ENTRYIDS_EX;
	if (ret == 0)
		ret = ren_entryids_ex(tmp, mbox, &v[n++].v.bin);
	/* [MS-OXOSFLD] 2.2.6: index 1 (delegate information message) is
	 * written by the client; index 2 is the Freebusy Data folder. */
	memset(fb, 0, sizeof(fb));
	if (ret == 0)
		ret = eid(tmp, mbox, STORE_FOLDER_FREEBUSY, &fb[2]);
	v[n].tag = PR_FREEBUSY_ENTRYIDS;
	v[n].v.mv.count = 4;
	v[n++].v.mv.bin = fb;
	struct mapi_propval_array vals = {(uint32_t)n, v};
	if (ret == 0)
		ret = store_folder_set_txn(txn, mbox, mbox->env->ident.special[STORE_FOLDER_ROOT],
		                           &vals);
	if (ret == 0)
		ret = store_folder_set_txn(txn, mbox, mbox->env->ident.special[STORE_FOLDER_INBOX],
		                           &vals);
	talloc_free(tmp);
	return ret;
}

static int put_recv(MDB_txn *txn, struct store_mailbox *mbox, const char *cls,
                    enum store_special which)
{
	char key[64];
	snprintf(key, sizeof(key), ".%s", cls);
	uint64_t gc = mbox->env->ident.special[which];
	MDB_val k = {strlen(key), key}, v = {8, &gc};
	return store_mdb_err(mdb_put(txn, mbox->env->dbi[DB_RECV], &k, &v, 0));
}

static int populate(MDB_txn *txn, struct store_mailbox *mbox,
                    const struct store_mailbox_params *params)
{
	struct meta_ident *ident = &mbox->env->ident;
	int ret = store_meta_put_u64(txn, mbox, "globcnt", 1);
	/* Large values LZ4-compressed per chunk when asked (store_codec.c). */
	if (ret == 0 && mbox->store->settings.compress_chunks)
		ret = store_meta_put_u64(txn, mbox, "chunkfmt", 1);
	for (size_t i = 0; i < sizeof(special_defs) / sizeof(special_defs[0]) && ret == 0; i++) {
		const struct special_def *d = &special_defs[i];
		uint64_t parent = d->parent == STORE_FOLDER_COUNT_ ? 0 : ident->special[d->parent];
		ret = store_folder_create_txn(txn, mbox, parent, d->name, d->cls, false,
		                              &ident->special[d->which]);
	}
	if (ret == 0) {
		struct mapi_propval hidden = {.tag = PR_ATTR_HIDDEN, .v.b = true};
		struct mapi_propval_array vals = {1, &hidden};
		ret = store_folder_set_txn(
		    txn, mbox, ident->special[STORE_FOLDER_CONVERSATION_ACTIONS], &vals);
	}
	if (ret == 0)
		ret = special_eid_props(txn, mbox);
	/* OUTLOOK-LADDER stage 5 receive folders. */
	if (ret == 0)
		ret = put_recv(txn, mbox, "", STORE_FOLDER_INBOX);
	if (ret == 0)
		ret = put_recv(txn, mbox, "ipm", STORE_FOLDER_INBOX);
	if (ret == 0)
		ret = put_recv(txn, mbox, "report.ipm", STORE_FOLDER_INBOX);
	if (ret == 0)
		ret = put_recv(txn, mbox, "ipc", STORE_FOLDER_ROOT);
	if (ret == 0 && params->owner_name != NULL) {
		MDB_val k = {5, (void *)"owner"},
		        v = {strlen(params->owner_name), (void *)params->owner_name};
		ret = store_mdb_err(mdb_put(txn, mbox->env->dbi[DB_META], &k, &v, 0));
	}
	if (ret == 0 && params->owner_dn != NULL) {
		MDB_val k = {8, (void *)"owner_dn"},
		        v = {strlen(params->owner_dn), (void *)params->owner_dn};
		ret = store_mdb_err(mdb_put(txn, mbox->env->dbi[DB_META], &k, &v, 0));
	}
	uint64_t q[3] = {params->quota_bytes, params->shutoff_bytes, params->max_message_bytes};
	MDB_val qk = {5, (void *)"quota"}, qv = {sizeof(q), q};
	if (ret == 0)
		ret = store_mdb_err(mdb_put(txn, mbox->env->dbi[DB_META], &qk, &qv, 0));
	MDB_val ik = {5, (void *)"ident"}, iv = {sizeof(*ident), ident};
	if (ret == 0)
		ret = store_mdb_err(mdb_put(txn, mbox->env->dbi[DB_META], &ik, &iv, 0));
	return ret;
}

static void remove_env_dir(const char *dir)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/data.mdb", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/lock.mdb", dir);
	unlink(path);
	rmdir(dir);
}

/* Builds the env in tmpdir. */
static int build_env(struct store *store, const char *tmpdir,
                     const struct store_mailbox_params *params, const char **error_r)
{
	struct store_env env = {.store = store};
	struct store_mailbox mbox = {.store = store, .env = &env};
	MDB_txn *txn = NULL;
	int rc = mdb_env_create(&env.env), ret;
	if (rc == 0)
		rc = mdb_env_set_maxdbs(env.env, DB_COUNT_ + 2);
	if (rc == 0)
		rc = mdb_env_set_mapsize(env.env, store->settings.mapsize);
	if (rc == 0)
		rc = mdb_env_open(env.env, tmpdir, store->settings.nosync ? MDB_NOSYNC : 0, 0600);
	if (rc == 0)
		rc = mdb_txn_begin(env.env, NULL, 0, &txn);
	ret = store_mdb_err(rc);
	env.ident.mailbox_guid = params->mailbox_guid;
	env.ident.created = store_now_filetime();
	if (ret == 0 && getrandom(env.ident.replica_guid.b, 16, 0) != 16)
		ret = STORE_E_IO;
	if (ret == 0)
		ret = store_env_init_dbs(env.env, txn, env.dbi);
	if (ret == 0)
		ret = populate(txn, &mbox, params);
	if (ret == 0) {
		ret = store_txn_commit(txn);
		txn = NULL;
	}
	if (txn != NULL)
		mdb_txn_abort(txn);
	/* Durable before the rename makes it visible. */
	if (ret == 0)
		ret = store_mdb_err(mdb_env_sync(env.env, 1));
	if (env.env != NULL)
		mdb_env_close(env.env);
	if (ret < 0)
		*error_r = talloc_asprintf(store, "create %s: %s", tmpdir, store_strerror(ret));
	return ret;
}

int store_mailbox_create(struct store *store, const struct store_mailbox_params *params,
                         const char **error_r)
{
	static unsigned int seq;
	char hex[33];
	store_guid_hex(&params->mailbox_guid, hex);
	char *path = talloc_asprintf(NULL, "%s/mailboxes/%s", store->data_dir, hex);
	char *tmpdir = talloc_asprintf(path, "%s.tmp-%d-%u", path, (int)getpid(),
	                               __atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED));
	struct stat st;
	int ret = 0;
	if (stat(path, &st) == 0) {
		ret = STORE_E_EXISTS;
		goto out;
	}
	if (mkdir(tmpdir, 0700) != 0) {
		*error_r = talloc_asprintf(store, "mkdir %s: %s", tmpdir, strerror(errno));
		ret = STORE_E_IO;
		goto out;
	}
	ret = build_env(store, tmpdir, params, error_r);
	/* rename(2) of a directory fails when the target exists and is not
	 * empty: a concurrent creator of the same GUID loses cleanly. */
	if (ret == 0 && rename(tmpdir, path) != 0)
		ret = errno == EEXIST || errno == ENOTEMPTY ? STORE_E_EXISTS : STORE_E_IO;
	if (ret < 0)
		remove_env_dir(tmpdir);
	else
		log_info("store", "mailbox-created guid=%s", hex);
out:
	talloc_free(path);
	return ret;
}

int store_mailbox_info(TALLOC_CTX *mem_ctx, struct store_mailbox *mbox,
                       struct store_mailbox_info **info_r)
{
	MDB_txn *txn = NULL;
	MDB_cursor *cur;
	struct store_mailbox_info *info = talloc_zero(mem_ctx, struct store_mailbox_info);
	if (info == NULL)
		return STORE_E_NOMEM;
	store_mailbox_ident(mbox, &info->ident);
	int ret = store_txn_begin(mbox, false, &txn);
	if (ret < 0)
		goto out;
	MDB_val k = {5, (void *)"owner"}, v;
	if (mdb_get(txn, mbox->env->dbi[DB_META], &k, &v) == 0)
		info->owner_name = talloc_strndup(info, v.mv_data, v.mv_size);
	k = (MDB_val){8, (void *)"owner_dn"};
	if (mdb_get(txn, mbox->env->dbi[DB_META], &k, &v) == 0)
		info->owner_dn = talloc_strndup(info, v.mv_data, v.mv_size);
	k = (MDB_val){12, (void *)"disconnected"};
	if (mdb_get(txn, mbox->env->dbi[DB_META], &k, &v) == 0 && v.mv_size == 8)
		memcpy(&info->disconnected, v.mv_data, 8);
	k = (MDB_val){5, (void *)"quota"};
	if (mdb_get(txn, mbox->env->dbi[DB_META], &k, &v) == 0 && v.mv_size == 24) {
		memcpy(&info->quota_bytes, v.mv_data, 8);
		memcpy(&info->shutoff_bytes, (uint8_t *)v.mv_data + 8, 8);
		memcpy(&info->max_message_bytes, (uint8_t *)v.mv_data + 16, 8);
	}
	ret = store_meta_get_u64(txn, mbox, "globcnt", &info->next_globcnt);
	if (ret == 0)
		ret = store_mdb_err(mdb_cursor_open(txn, mbox->env->dbi[DB_OBJ], &cur));
	if (ret < 0)
		goto out;
	int rc;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		struct obj_hdr h;
		if (v.mv_size < sizeof(h))
			continue;
		memcpy(&h, v.mv_data, sizeof(h));
		if (h.kind == KIND_FOLDER)
			info->folders++;
		else if (h.kind == KIND_MESSAGE)
			info->messages++;
		else if (h.kind == KIND_FAI)
			info->fai_messages++;
		if (h.kind == KIND_MESSAGE || h.kind == KIND_FAI)
			info->message_bytes += h.size;
	}
	mdb_cursor_close(cur);
	MDB_envinfo ei;
	MDB_stat ms;
	mdb_env_info(mbox->env->env, &ei);
	mdb_env_stat(mbox->env->env, &ms);
	info->disk_bytes = (uint64_t)(ei.me_last_pgno + 1) * ms.ms_psize;
out:
	if (txn != NULL)
		mdb_txn_abort(txn);
	if (ret < 0)
		talloc_free(info);
	else
		*info_r = info;
	return ret;
}

int store_mailbox_backup(struct store_mailbox *mbox, const char *dest_dir, const char **error_r)
{
	char *path = talloc_asprintf(NULL, "%s/data.mdb", dest_dir);
	/* The copy is as private as the mailbox: made 0600 from the start,
	 * and never over an existing file. */
	int fd = path != NULL ? open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600) : -1;
	if (fd < 0) {
		int err = errno;
		*error_r = talloc_asprintf(mbox, "backup to %s: %s", dest_dir, strerror(err));
		talloc_free(path);
		return err == EEXIST ? STORE_E_EXISTS : STORE_E_IO;
	}
	/* A read transaction's snapshot, compacted; writers keep going. */
	int rc = mdb_env_copyfd2(mbox->env->env, fd, MDB_CP_COMPACT);
	if (rc == 0 && fsync(fd) != 0)
		rc = errno;
	close(fd);
	if (rc != 0) {
		*error_r = talloc_asprintf(mbox, "backup to %s: %s", dest_dir, mdb_strerror(rc));
		unlink(path);
	}
	talloc_free(path);
	return rc != 0 ? store_mdb_err(rc) : 0;
}
