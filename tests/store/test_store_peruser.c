/* The per-user data table ([MS-OXCSTOR] 3.2.5.10-3.2.5.13): rows keyed by
 * a folder's LongTermID, replaced whole, listed by database GUID, kept
 * across a close and reopen, and private to their mailbox. */
#include <time.h>

#include "test.h"
#include "store_test_util.h"

static struct store *store;
static char *dir;

static struct mapi_long_term_id ltid(uint8_t guid_seed, uint64_t globcnt)
{
	struct mapi_long_term_id l;
	memset(&l, 0, sizeof(l));
	l.guid = test_guid(guid_seed);
	for (int i = 5; i >= 0; i--) {
		l.globcnt[i] = (uint8_t)globcnt;
		globcnt >>= 8;
	}
	return l;
}

/* Now as a FILETIME, a second early (the store's clock is finer). */
static uint64_t filetime_now(void)
{
	return ((uint64_t)time(NULL) - 1 + 11644473600ULL) * 10000000ULL;
}

static void test_put_get(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct store_mailbox *mbox = test_mailbox(mem, store, 1);
	struct mapi_long_term_id f = ltid(50, 0x1234), other = ltid(50, 0x1235);
	struct mapi_guid repl = test_guid(60), repl2 = test_guid(61);
	const uint8_t blob[] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
	struct store_peruser *row = NULL;

	test_begin("peruser: put then get, unknown folder, pad ignored");
	uint64_t before = filetime_now();
	test_assert_int(store_peruser_put(mbox, &f, &repl, blob, sizeof(blob)), 0);
	test_assert_int(store_peruser_get(mem, mbox, &f, &row), 1);
	test_assert_mem(row->replguid.b, repl.b, 16);
	test_assert_int(row->data.len, sizeof(blob));
	test_assert_mem(row->data.data, blob, sizeof(blob));
	test_assert(row->modified >= before);
	test_assert_int(store_peruser_get(mem, mbox, &other, &row), 0);
	struct mapi_long_term_id padded = f;
	padded.pad = 7;
	test_assert_int(store_peruser_get(mem, mbox, &padded, &row), 1);
	test_assert_int(row->data.len, sizeof(blob));
	test_end();

	test_begin("peruser: overwrite replaces data and ReplGuid; empty data is a row");
	const uint8_t blob2[] = {0xAA, 0xBB};
	test_assert_int(store_peruser_put(mbox, &f, &repl2, blob2, sizeof(blob2)), 0);
	test_assert_int(store_peruser_get(mem, mbox, &f, &row), 1);
	test_assert_mem(row->replguid.b, repl2.b, 16);
	test_assert_int(row->data.len, 2);
	test_assert_mem(row->data.data, blob2, 2);
	test_assert_int(store_peruser_put(mbox, &other, &repl, NULL, 0), 0);
	test_assert_int(store_peruser_get(mem, mbox, &other, &row), 1);
	test_assert_int(row->data.len, 0);
	test_end();

	test_begin("peruser: a value above STORE_PERUSER_MAX is refused, the row kept");
	size_t big = (size_t)STORE_PERUSER_MAX + 1;
	uint8_t *huge = talloc_zero_size(mem, big);
	test_assert(huge != NULL);
	test_assert_int(store_peruser_put(mbox, &f, &repl, huge, big), STORE_E_TOOBIG);
	test_assert_int(store_peruser_get(mem, mbox, &f, &row), 1);
	test_assert_int(row->data.len, 2);
	test_assert_mem(row->data.data, blob2, 2);
	test_assert_int(store_peruser_put(mbox, &f, &repl, NULL, 3), STORE_E_INVALID);
	test_end();

	test_begin("peruser: the mailbox stays consistent and its other meta intact");
	char *report = NULL;
	test_assert_int(store_mailbox_check(mem, mbox, &report), 0);
	struct store_mailbox_info *info = NULL;
	test_assert_int(store_mailbox_info(mem, mbox, &info), 0);
	test_assert_str(info->owner_name, "Test");
	test_end();
	talloc_free(mem);
}

static void test_list(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct store_mailbox *mbox = test_mailbox(mem, store, 2);
	struct mapi_guid repl = test_guid(70), db_a = test_guid(80), db_none = test_guid(82);
	struct mapi_long_term_id *ltids = NULL;
	uint32_t count = 99;
	const uint8_t b = 0x42;

	test_begin("peruser: GetPerUserLongTermIds lists the rows of one database GUID");
	test_assert_int(store_peruser_list(mem, mbox, &db_a, &ltids, &count), 0);
	test_assert_int(count, 0);
	uint64_t gcs[3] = {0x300, 0x100, 0xFFFFFFFFFFFFULL};
	for (int i = 0; i < 3; i++) {
		struct mapi_long_term_id l = ltid(80, gcs[i]);
		test_assert_int(store_peruser_put(mbox, &l, &repl, &b, 1), 0);
	}
	struct mapi_long_term_id lb = ltid(81, 0x200);
	test_assert_int(store_peruser_put(mbox, &lb, &repl, &b, 1), 0);
	test_assert_int(store_peruser_list(mem, mbox, &db_a, &ltids, &count), 0);
	test_assert_int(count, 3);
	struct mapi_long_term_id e0 = ltid(80, 0x100), e1 = ltid(80, 0x300),
	                         e2 = ltid(80, 0xFFFFFFFFFFFFULL);
	test_assert_mem(&ltids[0], &e0, sizeof(e0));
	test_assert_mem(&ltids[1], &e1, sizeof(e1));
	test_assert_mem(&ltids[2], &e2, sizeof(e2));
	struct mapi_guid db_b = test_guid(81);
	test_assert_int(store_peruser_list(mem, mbox, &db_b, &ltids, &count), 0);
	test_assert_int(count, 1);
	test_assert_mem(&ltids[0], &lb, sizeof(lb));
	test_assert_int(store_peruser_list(mem, mbox, &db_none, &ltids, &count), 0);
	test_assert_int(count, 0);
	test_end();
	talloc_free(mem);
}

static void test_persist_and_isolation(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct mapi_long_term_id f = ltid(90, 0x77);
	struct mapi_guid repl = test_guid(91);
	const uint8_t blob[] = {9, 8, 7};
	struct store_peruser *row = NULL;
	const char *error = NULL;

	test_begin("peruser: the row survives closing and reopening the store");
	struct store_mailbox *a = test_mailbox(mem, store, 3);
	struct store_mailbox *b = test_mailbox(mem, store, 4);
	test_assert_int(store_peruser_put(a, &f, &repl, blob, sizeof(blob)), 0);
	store_mailbox_close(&a);
	store_mailbox_close(&b);
	store_close(&store);
	struct store_settings s = {.nosync = true, .mapsize = 1ULL << 30};
	test_assert_int(store_open(NULL, dir, &s, &store, &error), 0);
	struct mapi_guid ga = test_guid(3), gb = test_guid(4);
	test_assert_int(store_mailbox_open(mem, store, &ga, &a, &error), 0);
	test_assert_int(store_mailbox_open(mem, store, &gb, &b, &error), 0);
	test_assert_int(store_peruser_get(mem, a, &f, &row), 1);
	test_assert_int(row->data.len, sizeof(blob));
	test_assert_mem(row->data.data, blob, sizeof(blob));
	test_assert_mem(row->replguid.b, repl.b, 16);
	test_end();

	test_begin("peruser: another mailbox has its own table");
	test_assert_int(store_peruser_get(mem, b, &f, &row), 0);
	struct mapi_long_term_id *ltids = NULL;
	uint32_t count = 99;
	struct mapi_guid db = test_guid(90);
	test_assert_int(store_peruser_list(mem, b, &db, &ltids, &count), 0);
	test_assert_int(count, 0);
	test_assert_int(store_peruser_list(mem, a, &db, &ltids, &count), 0);
	test_assert_int(count, 1);
	test_end();
	store_mailbox_close(&a);
	store_mailbox_close(&b);
	talloc_free(mem);
}

int main(void)
{
	const char *error;
	dir = tmp_data_dir(NULL);
	struct store_settings s = {.nosync = true, .mapsize = 1ULL << 30};
	if (store_open(NULL, dir, &s, &store, &error) != 0)
		return 1;
	test_put_get();
	test_list();
	test_persist_and_isolation();
	store_close(&store);
	rm_rf(dir);
	talloc_free(dir);
	return test_exit();
}
