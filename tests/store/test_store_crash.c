/* Crash safety: a writer process is killed with SIGKILL at random moments,
 * repeatedly; afterwards the store opens, passes its consistency check and
 * holds every message whose save had returned (durable commits). */
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include "test.h"
#include "store_test_util.h"

#define ROUNDS 25

static struct store_settings settings = {.mapsize = 1ULL << 30};

/* Child: saves messages forever, reporting each committed MID on fd. */
static void writer(const char *dir, int fd, int round)
{
	const char *error;
	struct store *store;
	struct store_mailbox *mbox;
	struct mapi_guid g = test_guid(1);
	if (store_open(NULL, dir, &settings, &store, &error) != 0 ||
	    store_mailbox_open(NULL, store, &g, &mbox, &error) != 0)
		_exit(2);
	uint64_t inbox = store_special_fid(mbox, STORE_FOLDER_INBOX);
	char *body = talloc_size(NULL, 30000);
	memset(body, 'a' + round % 26, 29999);
	body[29999] = 0;
	for (int i = 0;; i++) {
		struct store_message *msg;
		struct mapi_propval v[2] = {
		    pv_str(PROP_TAG(PT_UNICODE, 0x0037), "crash"),
		    pv_str(PROP_TAG(PT_UNICODE, 0x1000), body + (i % 2) * 20000)};
		struct mapi_propval_array vals = {2, v};
		if (store_message_create(NULL, mbox, inbox, false, &msg) != 0 ||
		    store_message_set_props(msg, &vals) != 0 || store_message_save(msg, false) != 0)
			_exit(3);
		uint64_t mid = store_message_mid(msg);
		store_message_close(&msg);
		if (write(fd, &mid, 8) != 8)
			_exit(4);
		/* Some deletes too, so the kill lands in every kind of
		 * transaction.  The parent hears of a delete before it starts:
		 * either outcome is then correct. */
		if (i % 5 == 4) {
			uint64_t gone = mid | (1ULL << 63);
			if (write(fd, &gone, 8) != 8 ||
			    store_messages_delete(mbox, inbox, &mid, 1, STORE_DEL_HARD, NULL) != 0)
				_exit(4);
		}
	}
}

static void test_kill(void)
{
	test_begin("kill -9 of a writer loses no committed data, store opens");
	char *dir = tmp_data_dir(NULL);
	const char *error;
	struct store *store;
	struct mapi_guid g = test_guid(1);
	struct store_mailbox_params p = {.mailbox_guid = g, .owner_name = "Crash"};
	test_assert_int(store_open(NULL, dir, &settings, &store, &error), 0);
	test_assert_int(store_mailbox_create(store, &p, &error), 0);
	/* A running search folder over the Inbox: its links change in the
	 * same transactions as the messages, so they must survive the kills
	 * in step with them (the check verifies every link and count). */
	struct store_mailbox *setup;
	uint64_t sf;
	test_assert_int(store_mailbox_open(NULL, store, &g, &setup, &error), 0);
	uint64_t sinbox = store_special_fid(setup, STORE_FOLDER_INBOX);
	test_assert_int(store_folder_create(setup, store_special_fid(setup, STORE_FOLDER_FINDER),
	                                    "All crash", NULL, STORE_FOLDER_SEARCH, &sf),
	                0);
	struct mapi_restriction r = {.rt = RES_EXIST};
	r.u.exist.proptag = PROP_TAG(PT_UNICODE, 0x0037);
	test_assert_int(store_search_set_criteria(setup, sf, &r, &sinbox, 1, 0), 0);
	store_mailbox_close(&setup);
	store_close(&store);
	uint64_t *live = talloc_array(NULL, uint64_t, 0);
	uint32_t nlive = 0;
	srand((unsigned int)time(NULL));
	for (int round = 0; round < ROUNDS; round++) {
		int fds[2];
		if (pipe(fds) != 0)
			abort();
		pid_t pid = fork();
		if (pid == 0) {
			close(fds[0]);
			writer(dir, fds[1], round);
		}
		close(fds[1]);
		struct timespec ts = {0, (20 + rand() % 200) * 1000000L};
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
		int status;
		waitpid(pid, &status, 0);
		test_assert(WIFSIGNALED(status));
		uint64_t id;
		while (read(fds[0], &id, 8) == 8) {
			if (id & (1ULL << 63)) {
				id &= ~(1ULL << 63);
				for (uint32_t i = 0; i < nlive; i++) {
					if (live[i] == id)
						live[i] = live[--nlive];
				}
				continue;
			}
			live = talloc_realloc(NULL, live, uint64_t, nlive + 1);
			live[nlive++] = id;
		}
		close(fds[0]);
		/* Reopen after the crash: every reported message is there. */
		struct store_mailbox *mbox;
		test_assert_int(store_open(NULL, dir, &settings, &store, &error), 0);
		test_assert_int(store_mailbox_open(NULL, store, &g, &mbox, &error), 0);
		uint64_t inbox = store_special_fid(mbox, STORE_FOLDER_INBOX);
		int missing = 0;
		for (uint32_t i = 0; i < nlive; i++) {
			struct store_message *msg;
			if (store_message_open(NULL, mbox, inbox, live[i], &msg) != 0)
				missing++;
			else
				store_message_close(&msg);
		}
		test_assert_int(missing, 0);
		/* The search folder lists exactly the Inbox's messages. */
		uint32_t cc = PROP_TAG(PT_LONG, 0x3602);
		struct mapi_proptag_array ct = {1, &cc};
		struct mapi_propval_array in_inbox, in_search;
		test_assert_int(store_folder_get_props(NULL, mbox, inbox, &ct, &in_inbox), 0);
		test_assert_int(store_folder_get_props(NULL, mbox, sf, &ct, &in_search), 0);
		test_assert_int(in_search.vals[0].v.i32, in_inbox.vals[0].v.i32);
		talloc_free(in_inbox.vals);
		talloc_free(in_search.vals);
		char *report;
		test_assert_int(store_mailbox_check(NULL, mbox, &report), 0);
		if (report[0] != '\0')
			fprintf(stderr, "round %d: %s", round, report);
		talloc_free(report);
		store_mailbox_close(&mbox);
		store_close(&store);
	}
	test_assert(nlive > 0);
	printf("# %u messages committed across %d kills\n", nlive, ROUNDS);
	talloc_free(live);
	rm_rf(dir);
	talloc_free(dir);
	test_end();
}

int main(void)
{
	test_kill();
	return test_exit();
}
