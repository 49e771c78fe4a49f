/* Memory held by open mailbox envs: each open env must not keep LMDB's
 * 2 MiB dirty-page list resident (store_env.c, fix_mmap_threshold), also
 * after envs have been closed and reopened. */
#include "test.h"
#include "store_test_util.h"

#define MAILBOXES 24

/* The sanitizers bring their own allocator (and shadow memory): what is
 * measured here is glibc malloc's behaviour. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define OWN_ALLOCATOR 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) ||                         \
    __has_feature(memory_sanitizer)
#define OWN_ALLOCATOR 1
#endif
#endif
#ifndef OWN_ALLOCATOR
#define OWN_ALLOCATOR 0
#endif

/* RssAnon of this process in kB, -1 if unknown. */
static long rss_anon_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "RssAnon: %ld kB", &kb) == 1)
			break;
	}
	fclose(f);
	return kb;
}

static void test_open_envs(struct store *store)
{
	struct store_mailbox *mbox[MAILBOXES];
	const char *error = NULL;

	test_begin("open mailbox envs do not keep 2 MiB each resident after envs closed");
	/* max_open is 2: creating them opens and closes envs, so the
	 * allocator has seen LMDB's large blocks freed */
	for (int i = 0; i < MAILBOXES; i++) {
		mbox[i] = test_mailbox(NULL, store, (uint8_t)(i + 1));
		store_mailbox_close(&mbox[i]);
	}
	/* malloc filling blocks (MALLOC_PERTURB_) touches them all anyway */
	const char *perturb = getenv("MALLOC_PERTURB_");
	if (perturb != NULL && atoi(perturb) != 0) {
		fprintf(stderr, "MALLOC_PERTURB_=%s: run without it\n", perturb);
		test_assert(perturb == NULL);
	}
	long before = rss_anon_kb();
	test_assert(before > 0);
	/* all open at once, all closed, then all open again: the second
	 * round reuses what the first one freed */
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < MAILBOXES; i++) {
			struct mapi_guid g = test_guid((uint8_t)(i + 1));
			test_assert_int(store_mailbox_open(NULL, store, &g, &mbox[i], &error), 0);
		}
		for (int i = 0; round == 0 && i < MAILBOXES; i++)
			store_mailbox_close(&mbox[i]);
	}
	long held = rss_anon_kb() - before;
	/* each env allocates 2 MiB + 1 MiB of ID lists; resident must stay
	 * far below the 48 MiB the dirty lists would take when cleared */
	fprintf(stderr, "rss anon growth with %d envs open: %ld kB\n", MAILBOXES, held);
	if (!OWN_ALLOCATOR)
		test_assert(held < MAILBOXES * 512);
	for (int i = 0; i < MAILBOXES; i++)
		store_mailbox_close(&mbox[i]);
	test_end();
}

int main(void)
{
	const char *error;
	char *dir = tmp_data_dir(NULL);
	struct store *store;
	struct store_settings s = {.nosync = true, .mapsize = 1ULL << 28, .max_open = 2};
	if (store_open(NULL, dir, &s, &store, &error) != 0)
		return 1;
	test_open_envs(store);
	store_close(&store);
	rm_rf(dir);
	talloc_free(dir);
	return test_exit();
}
