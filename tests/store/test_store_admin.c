/* Mailbox administration: hot backup under a writer, list, disconnect,
 * purge. */
#include <pthread.h>
#include <sys/stat.h>

#include "test.h"
#include "store_test_util.h"

static struct store *store;
static char *dir;

struct writer {
	struct store_mailbox *mbox;
	uint64_t fid;
	volatile int stop;
	int written;
};

static void *write_loop(void *p)
{
	struct writer *w = p;
	while (!w->stop) {
		add_message(w->mbox, w->fid, "during backup", (uint64_t)w->written, 1);
		w->written++;
	}
	return NULL;
}

static void hex_of(const struct mapi_guid *g, char out[33])
{
	for (int i = 0; i < 16; i++)
		snprintf(out + 2 * i, 3, "%02x", g->b[i]);
}

static void test_hot_backup(void)
{
	test_begin("backup: consistent copy while a writer keeps saving");
	struct store_mailbox *mbox = test_mailbox(NULL, store, 110);
	uint64_t inbox = store_special_fid(mbox, STORE_FOLDER_INBOX);
	for (int i = 0; i < 200; i++)
		add_message(mbox, inbox, "before", (uint64_t)i, 1);
	struct writer w = {.mbox = mbox, .fid = inbox};
	pthread_t th;
	pthread_create(&th, NULL, write_loop, &w);
	while (w.written < 20)
		usleep(1000);
	char *dest = talloc_asprintf(NULL, "%s/backup", dir);
	const char *error = NULL;
	mkdir(dest, 0700);
	int ret = store_mailbox_backup(mbox, dest, &error);
	w.stop = 1;
	pthread_join(th, NULL);
	test_assert_int(ret, 0);
	test_assert_int(store_mailbox_backup(mbox, dest, &error), STORE_E_EXISTS);
	/* Restore the copy as a mailbox of another store and check it. */
	struct mapi_guid g = test_guid(110);
	char hex[33];
	hex_of(&g, hex);
	char *other = talloc_asprintf(dest, "%s/restored", dir);
	char *cmd = talloc_asprintf(
	    dest, "mkdir -p '%s/mailboxes/%s' && cp '%s/data.mdb' '%s/mailboxes/%s/'", other, hex,
	    dest, other, hex);
	test_assert_int(system(cmd), 0);
	struct store *st2;
	struct store_mailbox *copy;
	struct store_settings s = {.nosync = true, .mapsize = 1ULL << 30};
	test_assert_int(store_open(NULL, other, &s, &st2, &error), 0);
	test_assert_int(store_mailbox_open(NULL, st2, &g, &copy, &error), 0);
	char *report = NULL;
	test_assert_int(store_mailbox_check(NULL, copy, &report), 0);
	talloc_free(report);
	struct store_mailbox_info *info;
	test_assert_int(store_mailbox_info(NULL, copy, &info), 0);
	/* A snapshot: everything from before, some of what came during. */
	test_assert(info->messages >= 200);
	test_assert(info->messages <= 200 + (uint64_t)w.written);
	talloc_free(info);
	store_mailbox_close(&copy);
	store_close(&st2);
	talloc_free(dest);
	store_mailbox_close(&mbox);
	test_end();
}

static bool listed(const struct mapi_guid *g)
{
	struct mapi_guid *all;
	uint32_t n;
	bool found = false;
	if (store_mailbox_list(NULL, store, &all, &n) != 0)
		return false;
	for (uint32_t i = 0; i < n; i++)
		found |= memcmp(all[i].b, g->b, 16) == 0;
	talloc_free(all);
	return found;
}

static void test_list_disconnect_purge(void)
{
	test_begin("mailboxes: list, disconnect, purge");
	struct store_mailbox *mbox = test_mailbox(NULL, store, 111);
	struct mapi_guid g = test_guid(111);
	char *junk = talloc_asprintf(NULL, "%s/mailboxes/%s.tmp-1-1", dir,
	                             "00112233445566778899aabbccddeeff");
	mkdir(junk, 0700);
	char *junk2 = talloc_asprintf(junk, "%s/mailboxes/not-a-mailbox", dir);
	mkdir(junk2, 0700);
	struct mapi_guid *all;
	uint32_t n;
	test_assert_int(store_mailbox_list(NULL, store, &all, &n), 0);
	test_assert(listed(&g));
	for (uint32_t i = 0; i < n; i++)
		test_assert(all[i].b[0] != 0x00 || all[i].b[1] != 0x11);
	talloc_free(all);
	talloc_free(junk);
	struct store_mailbox_info *info;
	test_assert_int(store_mailbox_set_disconnected(mbox, 133000000000000000ULL), 0);
	test_assert_int(store_mailbox_info(NULL, mbox, &info), 0);
	test_assert(info->disconnected == 133000000000000000ULL);
	talloc_free(info);
	test_assert_int(store_mailbox_set_disconnected(mbox, 0), 0);
	test_assert_int(store_mailbox_info(NULL, mbox, &info), 0);
	test_assert(info->disconnected == 0);
	talloc_free(info);
	const char *error = NULL;
	test_assert_int(store_mailbox_purge(store, &g, &error), STORE_E_BUSY);
	store_mailbox_close(&mbox);
	test_assert_int(store_mailbox_purge(store, &g, &error), 0);
	test_assert(!listed(&g));
	test_assert_int(store_mailbox_open(NULL, store, &g, &mbox, &error), STORE_E_NOTFOUND);
	test_assert_int(store_mailbox_purge(store, &g, &error), STORE_E_NOTFOUND);
	/* The GUID can be used again. */
	struct store_mailbox_params p = {
	    .mailbox_guid = g, .owner_name = "Again", .owner_dn = "/o=Test/cn=again"};
	test_assert_int(store_mailbox_create(store, &p, &error), 0);
	test_assert_int(store_mailbox_open(NULL, store, &g, &mbox, &error), 0);
	test_assert_int(store_mailbox_info(NULL, mbox, &info), 0);
	test_assert_str(info->owner_name, "Again");
	test_assert_str(info->owner_dn, "/o=Test/cn=again");
	test_assert_int(info->messages, 0);
	talloc_free(info);
	store_mailbox_close(&mbox);
	test_end();
}

int main(void)
{
	const char *error;
	dir = tmp_data_dir(NULL);
	struct store_settings s = {.nosync = true, .mapsize = 1ULL << 30};
	if (store_open(NULL, dir, &s, &store, &error) != 0)
		return 1;
	test_hot_backup();
	test_list_disconnect_purge();
	store_close(&store);
	rm_rf(dir);
	talloc_free(dir);
	return test_exit();
}
