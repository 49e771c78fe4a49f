/*
 * store_env: the store root, the LRU of open per-mailbox LMDB environments,
 * and transaction helpers.  The layout decision is at the top of store.h.
 */
#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "log.h"
#include "store_private.h"

static const char *const db_names[DB_COUNT_] = {
    [DB_META] = "meta",   [DB_OBJ] = "obj",       [DB_CHILD] = "child",   [DB_IDX] = "idx",
    [DB_TOMB] = "tomb",   [DB_CHUNK] = "chunk",   [DB_NAMED] = "named",   [DB_RECV] = "recv",
    [DB_RECIP] = "recip", [DB_ATTACH] = "attach", [DB_SEARCH] = "search",
};

const char *store_strerror(int err)
{
	switch (err) {
	case STORE_OK:
		return "success";
	case STORE_E_NOTFOUND:
		return "object not found";
	case STORE_E_EXISTS:
		return "object already exists";
	case STORE_E_INVALID:
		return "invalid parameter";
	case STORE_E_BADTYPE:
		return "bad property type";
	case STORE_E_QUOTA:
		return "mailbox quota exceeded";
	case STORE_E_SHUTOFF:
		return "mailbox shutoff quota exceeded";
	case STORE_E_TOOBIG:
		return "message exceeds the maximum size";
	case STORE_E_IO:
		return "I/O error";
	case STORE_E_CORRUPT:
		return "corrupt data";
	case STORE_E_NOMEM:
		return "out of memory";
	case STORE_E_FULL:
		return "mailbox database full";
	case STORE_E_HASCHILDREN:
		return "folder is not empty";
	case STORE_E_CYCLE:
		return "folder would become its own descendant";
	case STORE_E_NOTSUPPORTED:
		return "not supported";
	case STORE_E_DELETED:
		return "object was deleted";
	case STORE_E_RANGE:
		return "identifier space exhausted";
	case STORE_E_BUSY:
		return "too many mailboxes open";
	case STORE_E_ACCESS:
		return "property or object is read-only";
	case STORE_E_MODIFIED:
		return "object was modified by another session";
	case STORE_E_NOTSEARCH:
		return "not a search folder";
	case STORE_E_NOTINIT:
		return "no search criteria set";
	}
	return "unknown store error";
}

int store_mdb_err(int rc)
{
	switch (rc) {
	case 0:
		return 0;
	case MDB_NOTFOUND:
		return STORE_E_NOTFOUND;
	case MDB_MAP_FULL:
		return STORE_E_FULL;
	case MDB_CORRUPTED:
	case MDB_PAGE_NOTFOUND:
	case MDB_INVALID:
	case MDB_VERSION_MISMATCH:
		return STORE_E_CORRUPT;
	case ENOMEM:
		return STORE_E_NOMEM;
	case MDB_READERS_FULL:
	case MDB_DBS_FULL:
		return STORE_E_BUSY;
	case ENOENT:
		return STORE_E_NOTFOUND;
	}
	return STORE_E_IO;
}

void store_guid_hex(const struct mapi_guid *guid, char out[33])
{
	static const char hex[] = "0123456789abcdef";
	for (int i = 0; i < 16; i++) {
		out[2 * i] = hex[guid->b[i] >> 4];
		out[2 * i + 1] = hex[guid->b[i] & 15];
	}
	out[32] = '\0';
}

uint64_t store_now_filetime(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	/* FILETIME: 100 ns units since 1601-01-01 ([MS-DTYP] 2.3.3). */
	return ((uint64_t)ts.tv_sec + 11644473600ULL) * 10000000ULL + (uint64_t)ts.tv_nsec / 100;
}

static int mkdir_p(const char *path)
{
	if (mkdir(path, 0700) == 0 || errno == EEXIST)
		return 0;
	return -1;
}

#ifdef __GLIBC__
static void set_mmap_threshold(void)
{
	/* 128 KiB, glibc's initial value; setting it stops the adjustment */
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
}
#endif

/*
 * Every open mailbox env holds LMDB's dirty-page list, a 2 MiB calloc
 * (MDB_IDL_UM_SIZE entries).  glibc's dynamic mmap threshold rises to the
 * size of the first such block freed (an env closed), after which the
 * next ones come from the heap arenas: calloc clears them, so each open
 * env costs 2 MiB of resident memory instead of the few pages it touches,
 * and the closed ones leave the arenas fragmented (a 200-user run ended at
 * 356 MB after every session had gone).  A fixed threshold keeps them in
 * their own mappings, given back to the system when the env closes.
 */
static void fix_mmap_threshold(void)
{
#ifdef __GLIBC__
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, set_mmap_threshold);
#endif
}

int store_open(TALLOC_CTX *mem_ctx, const char *data_dir, const struct store_settings *settings,
               struct store **store_r, const char **error_r)
{
	struct store *store = talloc_zero(mem_ctx, struct store);
	if (store == NULL)
		return STORE_E_NOMEM;
	fix_mmap_threshold();
	store->data_dir = talloc_strdup(store, data_dir);
	if (settings != NULL)
		store->settings = *settings;
	if (store->settings.max_open == 0)
		store->settings.max_open = 64;
	if (store->settings.mapsize == 0)
		store->settings.mapsize = 32ULL << 30;
	char *mdir = talloc_asprintf(store, "%s/mailboxes", data_dir);
	if (mkdir_p(data_dir) < 0 || mkdir_p(mdir) < 0) {
		*error_r = talloc_asprintf(mem_ctx, "mkdir %s: %s", mdir, strerror(errno));
		talloc_free(store);
		return STORE_E_IO;
	}
	pthread_mutex_init(&store->lock, NULL);
	pthread_mutex_init(&store->sub_lock, NULL);
	pthread_rwlock_init(&store->cb_lock, NULL);
	store->next_sub = 1;
	*store_r = store;
	return 0;
}

static void env_unlink(struct store *store, struct store_env *env)
{
	if (env->prev != NULL)
		env->prev->next = env->next;
	else
		store->envs = env->next;
	if (env->next != NULL)
		env->next->prev = env->prev;
	env->prev = env->next = NULL;
	store->env_count--;
}

static void env_free(struct store_env *env)
{
	pthread_mutex_destroy(&env->commit_lock);
	pthread_cond_destroy(&env->commit_cond);
	mdb_env_close(env->env);
	talloc_free(env);
}

void store_close(struct store **storep)
{
	struct store *store = *storep;
	if (store == NULL)
		return;
	while (store->envs != NULL) {
		struct store_env *env = store->envs;
		if (env->refs != 0)
			log_error("store", "close-with-open-mailbox refs=%u", env->refs);
		env_unlink(store, env);
		env_free(env);
	}
	pthread_mutex_destroy(&store->lock);
	pthread_mutex_destroy(&store->sub_lock);
	pthread_rwlock_destroy(&store->cb_lock);
	talloc_free(store);
	*storep = NULL;
}

int store_env_init_dbs(MDB_env *env, MDB_txn *txn, MDB_dbi *dbi)
{
	for (int i = 0; i < DB_COUNT_; i++) {
		int rc = mdb_dbi_open(txn, db_names[i], MDB_CREATE, &dbi[i]);
		if (rc != 0)
			return store_mdb_err(rc);
	}
	return 0;
}

/* Opens the env at path and reads its identity. */
static int env_open(struct store *store, const char *path, struct store_env **env_r,
                    const char **error_r)
{
	struct store_env *env = talloc_zero(store, struct store_env);
	MDB_txn *txn = NULL;
	int rc;
	env->store = store;
	env->path = talloc_strdup(env, path);
	pthread_mutex_init(&env->commit_lock, NULL);
	pthread_cond_init(&env->commit_cond, NULL);
	rc = mdb_env_create(&env->env);
	if (rc == 0)
		rc = mdb_env_set_userctx(env->env, env);
	if (rc == 0)
		rc = mdb_env_set_maxdbs(env->env, DB_COUNT_ + 2);
	if (rc == 0)
		rc = mdb_env_set_mapsize(env->env, store->settings.mapsize);
	if (rc == 0)
		rc = mdb_env_set_maxreaders(env->env, 510);
	unsigned int flags = MDB_NOTLS;
	if (store->settings.nosync)
		flags |= MDB_NOSYNC;
	if (rc == 0)
		rc = mdb_env_open(env->env, path, flags, 0600);
	if (rc == 0)
		rc = mdb_txn_begin(env->env, NULL, 0, &txn);
	if (rc == 0)
		rc = store_env_init_dbs(env->env, txn, env->dbi) == 0 ? 0 : MDB_INVALID;
	if (rc == 0) {
		MDB_val k = {5, (void *)"ident"}, v;
		rc = mdb_get(txn, env->dbi[DB_META], &k, &v);
		if (rc == 0 && v.mv_size != sizeof(env->ident))
			rc = MDB_CORRUPTED;
		if (rc == 0)
			memcpy(&env->ident, v.mv_data, sizeof(env->ident));
		uint64_t fmt = 0;
		MDB_val fk = {8, (void *)"chunkfmt"};
		if (rc == 0 && mdb_get(txn, env->dbi[DB_META], &fk, &v) == 0 && v.mv_size == 8)
			memcpy(&fmt, v.mv_data, 8);
		env->chunk_lz4 = fmt == 1;
		env->chunk_size = env->chunk_lz4 ? STORE_CHUNK_SIZE - 1 : STORE_CHUNK_SIZE;
	}
	if (rc == 0)
		rc = mdb_txn_commit(txn);
	else if (txn != NULL)
		mdb_txn_abort(txn);
	if (rc != 0) {
		*error_r = talloc_asprintf(store, "open %s: %s", path, mdb_strerror(rc));
		if (env->env != NULL)
			mdb_env_close(env->env);
		pthread_mutex_destroy(&env->commit_lock);
		pthread_cond_destroy(&env->commit_cond);
		talloc_free(env);
		return store_mdb_err(rc);
	}
	*env_r = env;
	return 0;
}

/* Closes least recently used idle envs beyond max_open.  Lock held. */
static void env_trim(struct store *store)
{
	struct store_env *env = store->envs;
	while (env != NULL && env->next != NULL)
		env = env->next;
	while (store->env_count > store->settings.max_open && env != NULL) {
		struct store_env *prev = env->prev;
		if (env->refs == 0) {
			env_unlink(store, env);
			env_free(env);
		}
		env = prev;
	}
}

int store_env_acquire(struct store *store, const struct mapi_guid *guid, struct store_env **env_r,
                      const char **error_r)
{
	char hex[33];
	int ret = 0;
	store_guid_hex(guid, hex);
	pthread_mutex_lock(&store->lock);
	struct store_env *env;
	for (env = store->envs; env != NULL; env = env->next) {
		if (memcmp(env->ident.mailbox_guid.b, guid->b, 16) == 0)
			break;
	}
	if (env != NULL) {
		env_unlink(store, env);
	} else {
		char *path = talloc_asprintf(NULL, "%s/mailboxes/%s", store->data_dir, hex);
		struct stat st;
		if (stat(path, &st) != 0) {
			ret = STORE_E_NOTFOUND;
		} else {
			ret = env_open(store, path, &env, error_r);
		}
		talloc_free(path);
		if (ret < 0)
			goto out;
	}
	/* Insert at the head: most recently used. */
	env->next = store->envs;
	if (store->envs != NULL)
		store->envs->prev = env;
	store->envs = env;
	store->env_count++;
	env->refs++;
	env_trim(store);
	*env_r = env;
out:
	pthread_mutex_unlock(&store->lock);
	return ret;
}

int store_env_evict(struct store *store, const struct mapi_guid *guid)
{
	int ret = 0;
	pthread_mutex_lock(&store->lock);
	for (struct store_env *env = store->envs; env != NULL; env = env->next) {
		if (memcmp(env->ident.mailbox_guid.b, guid->b, 16) != 0)
			continue;
		if (env->refs > 0) {
			ret = STORE_E_BUSY;
		} else {
			env_unlink(store, env);
			env_free(env);
		}
		break;
	}
	pthread_mutex_unlock(&store->lock);
	return ret;
}

void store_env_release(struct store_env *env)
{
	struct store *store = env->store;
	pthread_mutex_lock(&store->lock);
	env->refs--;
	env_trim(store);
	pthread_mutex_unlock(&store->lock);
}

static int mailbox_destructor(struct store_mailbox *mbox)
{
	if (mbox->env != NULL)
		store_env_release(mbox->env);
	return 0;
}

int store_mailbox_open(TALLOC_CTX *mem_ctx, struct store *store, const struct mapi_guid *guid,
                       struct store_mailbox **mbox_r, const char **error_r)
{
	struct store_mailbox *mbox = talloc_zero(mem_ctx, struct store_mailbox);
	if (mbox == NULL)
		return STORE_E_NOMEM;
	int ret = store_env_acquire(store, guid, &mbox->env, error_r);
	if (ret < 0) {
		talloc_free(mbox);
		return ret;
	}
	mbox->store = store;
	talloc_set_destructor(mbox, mailbox_destructor);
	*mbox_r = mbox;
	return 0;
}

void store_mailbox_close(struct store_mailbox **mbox)
{
	TALLOC_FREE(*mbox);
}

int store_txn_begin(struct store_mailbox *mbox, bool write, MDB_txn **txn_r)
{
	int rc = mdb_txn_begin(mbox->env->env, NULL, write ? 0 : MDB_RDONLY, txn_r);
	if (rc != 0) {
		log_error("store", "txn-begin error=\"%s\"", mdb_strerror(rc));
		return store_mdb_err(rc);
	}
	return 0;
}

int store_txn_commit(MDB_txn *txn)
{
	struct store_env *env = mdb_env_get_userctx(mdb_txn_env(txn));
	struct store_event *evs = NULL;
	uint32_t nev = 0;
	/* Search folders follow the messages in the same transaction. */
	int ret = env != NULL ? store_search_flush_txn(NULL, txn, env, &evs, &nev) : 0;
	if (ret < 0) {
		log_error("store", "search-update error=\"%s\"", store_strerror(ret));
		mdb_txn_abort(txn);
		return ret;
	}
	int rc = mdb_txn_commit(txn);
	if (rc != 0) {
		log_error("store", "txn-commit error=\"%s\"", mdb_strerror(rc));
		talloc_free(evs);
		return store_mdb_err(rc);
	}
	if (nev > 0) {
		struct store_mailbox mbox = {.store = env->store, .env = env};
		for (uint32_t i = 0; i < nev; i++)
			store_publish(&mbox, &evs[i]);
	}
	talloc_free(evs);
	return 0;
}

void store_mailbox_ident(const struct store_mailbox *mbox, struct store_mailbox_ident *ident_r)
{
	ident_r->mailbox_guid = mbox->env->ident.mailbox_guid;
	ident_r->replica_guid = mbox->env->ident.replica_guid;
	ident_r->replid = STORE_REPLID;
	ident_r->created = mbox->env->ident.created;
}

uint64_t store_special_fid(const struct store_mailbox *mbox, enum store_special which)
{
	if ((unsigned int)which >= STORE_FOLDER_COUNT_)
		return 0;
	return store_id(mbox->env->ident.special[which]);
}
