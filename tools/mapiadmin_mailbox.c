/*
 * mapiadmin mailbox commands, and the mailbox side of user add / del.
 *
 * mapiadmin and the daemon open the same store: store_open(<data-dir>),
 * whose mailboxes live in <data-dir>/mailboxes/<guid>/ (store/store.h).
 * Everything here is safe while the daemon runs: creation is an atomic
 * rename, backup is a read-transaction snapshot, check and info only read.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "mapiadmin.h"
#include "store.h"
#include "mapi_guid.h"

/* [MS-DTYP] 2.3.4.3 GUID text form, as `user show` prints it. */
static int open_store(const struct ma_ctx *ctx, struct store **store_r)
{
	const char *error = "?";
	if (store_open(NULL, ctx->data_dir, NULL, store_r, &error) < 0)
		return ma_fail("store", error);
	return 0;
}

int ma_mailbox_create_for(const struct ma_ctx *ctx, const struct dir_user *user,
                          const char **error_r)
{
	struct store *store;
	struct store_mailbox_params p = {.mailbox_guid = user->mailbox_guid,
	                                 .owner_name = user->display_name,
	                                 .owner_dn = user->legacy_dn};
	if (store_open(NULL, ctx->data_dir, NULL, &store, error_r) < 0)
		return -1;
	int ret = store_mailbox_create(store, &p, error_r);
	if (ret == STORE_E_EXISTS)
		*error_r = "the mailbox already exists";
	else if (ret < 0 && *error_r == NULL)
		*error_r = store_strerror(ret);
	if (ret < 0)
		*error_r = talloc_strdup(ctx->dir, *error_r);
	store_close(&store);
	return ret < 0 ? -1 : 0;
}

int ma_mailbox_disconnect(const struct ma_ctx *ctx, const struct mapi_guid *guid)
{
	struct store *store;
	struct store_mailbox *mbox;
	const char *error = NULL;
	char text[MAPI_GUID_TEXT_SIZE];
	mapi_guid_format(guid, text);
	if (open_store(ctx, &store) < 0)
		return -1;
	int ret = store_mailbox_open(NULL, store, guid, &mbox, &error);
	if (ret == 0) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		/* FILETIME ([MS-DTYP] 2.3.3). */
		ret = store_mailbox_set_disconnected(mbox, ((uint64_t)ts.tv_sec + 11644473600ULL) *
		                                               10000000ULL);
		store_mailbox_close(&mbox);
	}
	if (ret == 0)
		printf("mailbox %s disconnected and kept; \"mapiadmin mailbox purge %s\" "
		       "removes it\n",
		       text, text);
	else if (ret == STORE_E_NOTFOUND)
		printf("user had no mailbox\n");
	else
		fprintf(stderr, "mapiadmin: mailbox %s: %s\n", text,
		        error != NULL ? error : store_strerror(ret));
	store_close(&store);
	return ret == 0 || ret == STORE_E_NOTFOUND ? 0 : -1;
}

/* ADDRESS (of a directory user) or GUID -> mailbox GUID; *user_r (may be
 * NULL) gets the owner when there is one. */
static int resolve(struct ma_ctx *ctx, TALLOC_CTX *mem_ctx, const char *who, struct mapi_guid *g,
                   struct dir_user **user_r)
{
	struct dir_user *u = NULL;
	const char *error = "no such user";
	int found;
	if (strchr(who, '@') != NULL) {
		found = directory_user_by_address(ctx->dir, mem_ctx, who, &u, &error);
		if (found <= 0)
			return ma_fail(who, found == 0 ? "not found: no such user" : error), -1;
		*g = u->mailbox_guid;
	} else {
		if (mapi_guid_parse(who, strlen(who), g) < 0)
			return ma_fail(who, "neither an address nor a mailbox GUID"), -1;
		found = directory_user_by_mailbox_guid(ctx->dir, mem_ctx, g, &u, &error);
		if (found < 0)
			return ma_fail(who, error), -1;
		if (found == 0)
			u = NULL;
	}
	if (user_r != NULL)
		*user_r = u;
	return 0;
}

/* Resolves args[0] and opens its mailbox. */
static int open_target(struct ma_ctx *ctx, TALLOC_CTX *tmp, struct store **store_r,
                       struct store_mailbox **mbox_r)
{
	struct mapi_guid g;
	const char *error = NULL;
	if (resolve(ctx, tmp, ctx->args[0], &g, NULL) < 0 || open_store(ctx, store_r) < 0)
		return -1;
	int ret = store_mailbox_open(tmp, *store_r, &g, mbox_r, &error);
	if (ret < 0) {
		ma_fail(ctx->args[0], ret == STORE_E_NOTFOUND ? "not found: no such mailbox"
		                      : error != NULL         ? error
		                                              : store_strerror(ret));
		store_close(store_r);
		return -1;
	}
	return 0;
}

int ma_mailbox_create(struct ma_ctx *ctx)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct dir_user *u;
	const char *error = NULL;
	char text[MAPI_GUID_TEXT_SIZE];
	int ret = MA_EXIT_FAIL;
	int found = directory_user_by_address(ctx->dir, tmp, ctx->args[0], &u, &error);
	if (found <= 0) {
		ma_fail(ctx->args[0], found == 0 ? "not found: no such user" : error);
		goto out;
	}
	if (ma_mailbox_create_for(ctx, u, &error) < 0) {
		ma_fail("mailbox create", error);
		goto out;
	}
	mapi_guid_format(&u->mailbox_guid, text);
	printf("mailbox %s created for %s\n", text, u->address);
	ret = MA_EXIT_OK;
out:
	talloc_free(tmp);
	return ret;
}

static void print_filetime(const char *label, uint64_t ft)
{
	time_t t = (time_t)(ft / 10000000ULL - 11644473600ULL);
	struct tm tm;
	char buf[32];
	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	printf("%s: %s\n", label, buf);
}

static void print_limit(const char *label, uint64_t v)
{
	if (v == 0)
		printf("%s: unlimited\n", label);
	else
		printf("%s: %llu\n", label, (unsigned long long)v);
}

int ma_mailbox_info(struct ma_ctx *ctx)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct store *store = NULL;
	struct store_mailbox *mbox;
	struct store_mailbox_info *info;
	struct dir_user *owner = NULL;
	struct mapi_guid g;
	char text[MAPI_GUID_TEXT_SIZE];
	int ret = MA_EXIT_FAIL;
	if (resolve(ctx, tmp, ctx->args[0], &g, &owner) < 0 ||
	    open_target(ctx, tmp, &store, &mbox) < 0)
		goto out;
	int rc = store_mailbox_info(tmp, mbox, &info);
	if (rc < 0) {
		ma_fail("mailbox info", store_strerror(rc));
		goto out;
	}
	mapi_guid_format(&info->ident.mailbox_guid, text);
	printf("mailbox-guid: %s\n", text);
	printf("owner: %s\n", owner != NULL ? owner->address : "(none: disconnected)");
	printf("owner-name: %s\n", info->owner_name != NULL ? info->owner_name : "");
	printf("owner-dn: %s\n", info->owner_dn != NULL ? info->owner_dn : "");
	mapi_guid_format(&info->ident.replica_guid, text);
	printf("replica-guid: %s\nreplid: %u\n", text, info->ident.replid);
	print_filetime("created", info->ident.created);
	if (info->disconnected != 0)
		print_filetime("disconnected", info->disconnected);
	printf("folders: %llu\nmessages: %llu\nfai-messages: %llu\n",
	       (unsigned long long)info->folders, (unsigned long long)info->messages,
	       (unsigned long long)info->fai_messages);
	printf("message-bytes: %llu\ndisk-bytes: %llu\n", (unsigned long long)info->message_bytes,
	       (unsigned long long)info->disk_bytes);
	print_limit("quota-warning-bytes", info->quota_bytes);
	print_limit("quota-shutoff-bytes", info->shutoff_bytes);
	print_limit("max-message-bytes", info->max_message_bytes);
	printf("next-globcnt: %llu\n", (unsigned long long)info->next_globcnt);
	ret = MA_EXIT_OK;
out:
	talloc_free(tmp);
	if (store != NULL)
		store_close(&store);
	return ret;
}

int ma_mailbox_check(struct ma_ctx *ctx)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct store *store = NULL;
	struct store_mailbox *mbox;
	char *report;
	int ret = MA_EXIT_FAIL;
	if (open_target(ctx, tmp, &store, &mbox) < 0)
		goto out;
	int problems = store_mailbox_check(tmp, mbox, &report);
	if (problems < 0) {
		ma_fail("mailbox check", store_strerror(problems));
	} else if (problems > 0) {
		printf("%s", report);
		printf("mailbox %s: %d problem%s\n", ctx->args[0], problems,
		       problems == 1 ? "" : "s");
	} else {
		printf("mailbox %s: consistent\n", ctx->args[0]);
		ret = MA_EXIT_OK;
	}
out:
	talloc_free(tmp);
	if (store != NULL)
		store_close(&store);
	return ret;
}

/* DIR must be absent (it is created) or an empty directory. */
static int prepare_dest(const char *dir)
{
	struct stat st;
	if (mkdir(dir, 0700) == 0)
		return 0;
	if (errno != EEXIST || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return ma_fail(dir, "cannot create the backup directory"), -1;
	char *f = talloc_asprintf(NULL, "%s/data.mdb", dir);
	int exists = stat(f, &st) == 0;
	talloc_free(f);
	if (exists)
		return ma_fail(dir, "already holds a data.mdb; choose an empty directory"), -1;
	return 0;
}

int ma_mailbox_backup(struct ma_ctx *ctx)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct store *store = NULL;
	struct store_mailbox *mbox;
	const char *error = NULL;
	struct stat st;
	int ret = MA_EXIT_FAIL;
	if (open_target(ctx, tmp, &store, &mbox) < 0 || prepare_dest(ctx->args[1]) < 0)
		goto out;
	int rc = store_mailbox_backup(mbox, ctx->args[1], &error);
	if (rc < 0) {
		ma_fail("mailbox backup", error != NULL ? error : store_strerror(rc));
		goto out;
	}
	char *f = talloc_asprintf(tmp, "%s/data.mdb", ctx->args[1]);
	printf("backup of %s written to %s (%lld bytes)\n", ctx->args[0], f,
	       stat(f, &st) == 0 ? (long long)st.st_size : -1LL);
	ret = MA_EXIT_OK;
out:
	talloc_free(tmp);
	if (store != NULL)
		store_close(&store);
	return ret;
}

int ma_mailbox_list(struct ma_ctx *ctx)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct store *store = NULL;
	struct mapi_guid *guids;
	uint32_t n;
	int ret = MA_EXIT_FAIL;
	if (open_store(ctx, &store) < 0)
		goto out;
	int rc = store_mailbox_list(tmp, store, &guids, &n);
	if (rc < 0) {
		ma_fail("mailbox list", store_strerror(rc));
		goto out;
	}
	for (uint32_t i = 0; i < n; i++) {
		struct dir_user *u;
		const char *error;
		char text[MAPI_GUID_TEXT_SIZE];
		mapi_guid_format(&guids[i], text);
		rc = directory_user_by_mailbox_guid(ctx->dir, tmp, &guids[i], &u, &error);
		printf("%s\t%s\n", text, rc > 0 ? u->address : "(disconnected)");
	}
	ret = MA_EXIT_OK;
out:
	talloc_free(tmp);
	if (store != NULL)
		store_close(&store);
	return ret;
}

int ma_mailbox_purge(struct ma_ctx *ctx)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct store *store = NULL;
	struct dir_user *owner;
	struct mapi_guid g;
	const char *error = NULL;
	int ret = MA_EXIT_FAIL;
	if (strchr(ctx->args[0], '@') != NULL) {
		ma_fail("mailbox purge", "takes the GUID of a disconnected mailbox");
		goto out;
	}
	if (resolve(ctx, tmp, ctx->args[0], &g, &owner) < 0)
		goto out;
	if (owner != NULL) {
		ma_fail("mailbox purge", talloc_asprintf(tmp,
		                                         "the mailbox belongs to %s; "
		                                         "delete the user first",
		                                         owner->address));
		goto out;
	}
	if (open_store(ctx, &store) < 0)
		goto out;
	int rc = store_mailbox_purge(store, &g, &error);
	if (rc < 0) {
		ma_fail(ctx->args[0], rc == STORE_E_NOTFOUND ? "not found: no such mailbox"
		                      : error != NULL        ? error
		                                             : store_strerror(rc));
		goto out;
	}
	printf("mailbox %s purged\n", ctx->args[0]);
	ret = MA_EXIT_OK;
out:
	talloc_free(tmp);
	if (store != NULL)
		store_close(&store);
	return ret;
}
