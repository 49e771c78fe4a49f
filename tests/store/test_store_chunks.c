/* Large values: LZ4-framed chunks, raw fallback, legacy raw format,
 * corrupt chunks. */
#include <lmdb.h>

#include "test.h"
#include "store_test_util.h"

#define PR_BODY PROP_TAG(PT_UNICODE, 0x1000)
#define PR_BLOB PROP_TAG(PT_BINARY, 0x1013)
#define CHUNK   16368 /* STORE_CHUNK_SIZE */
#define BIG     1000000

static struct store *store;
static char *dir;

static uint64_t disk_bytes(struct store_mailbox *mbox)
{
	struct store_mailbox_info *info;
	if (store_mailbox_info(NULL, mbox, &info) != 0)
		return 0;
	uint64_t b = info->disk_bytes;
	talloc_free(info);
	return b;
}

static uint64_t save_value(struct store_mailbox *mbox, uint64_t fid, struct mapi_propval v)
{
	struct store_message *msg;
	struct mapi_propval_array vals = {1, &v};
	if (store_message_create(NULL, mbox, fid, false, &msg) != 0 ||
	    store_message_set_props(msg, &vals) != 0 || store_message_save(msg, false) != 0)
		abort();
	uint64_t mid = store_message_mid(msg);
	store_message_close(&msg);
	return mid;
}

/* Reads the whole value back through a stream in pieces of step bytes and
 * through the property API; true when both equal data. */
static bool read_back(struct store_mailbox *mbox, uint64_t fid, uint64_t mid, uint32_t tag,
                      const uint8_t *data, size_t len, size_t step)
{
	struct store_stream *s = NULL;
	uint8_t *back = talloc_size(NULL, len + 1);
	size_t ofs = 0;
	int64_t r;
	bool ok = store_stream_open_read(NULL, mbox, mid, tag, &s) == 0;
	while (ok && (r = store_stream_read(s, back + ofs, step)) > 0)
		ofs += (size_t)r;
	ok = ok && ofs == len && memcmp(back, data, len) == 0;
	/* Seeks across chunk boundaries, forwards and back. */
	size_t at[4] = {CHUNK - 3, 3 * CHUNK + 5, 1, len - 2};
	for (int i = 0; ok && i < 4; i++) {
		ok = store_stream_seek(s, at[i]) == 0 && store_stream_read(s, back, 6) > 0 &&
		     memcmp(back, data + at[i], len - at[i] < 6 ? len - at[i] : 6) == 0;
	}
	if (s != NULL)
		store_stream_close(&s);
	struct store_message *msg = NULL;
	struct mapi_proptag_array ta = {1, &tag};
	struct mapi_propval_array got = {0, NULL};
	ok = ok && store_message_open(NULL, mbox, fid, mid, &msg) == 0;
	ok = ok && store_message_get_props(NULL, msg, &ta, &got) == 0;
	if (ok && PROP_TYPE(tag) == PT_BINARY)
		ok = got.vals[0].v.bin.len == len && memcmp(got.vals[0].v.bin.data, data, len) == 0;
	else if (ok)
		ok = strlen(got.vals[0].v.str) == len && memcmp(got.vals[0].v.str, data, len) == 0;
	talloc_free(got.vals);
	if (msg != NULL)
		store_message_close(&msg);
	talloc_free(back);
	return ok;
}

static char *text_body(size_t len)
{
	static const char *const words[] = {"meeting",  "tomorrow", "project", "the",
	                                    "report",   "budget",   "please",  "review",
	                                    "attached", "thanks",   "regards", "schedule"};
	char *t = talloc_size(NULL, len + 1);
	uint32_t x = 12345;
	size_t o = 0;
	while (o < len) {
		x = x * 1103515245 + 12345;
		const char *w = words[(x >> 16) % 12];
		for (size_t k = 0; w[k] != 0 && o < len; k++)
			t[o++] = w[k];
		if (o < len)
			t[o++] = (x >> 8) % 9 == 0 ? '\n' : ' ';
	}
	t[len] = 0;
	return t;
}

static void test_compressed_and_raw(void)
{
	test_begin("chunks: text compressed, random bytes raw, both read back");
	struct store_mailbox *mbox = test_mailbox(NULL, store, 90);
	uint64_t inbox = store_special_fid(mbox, STORE_FOLDER_INBOX);
	char *text = text_body(BIG);
	uint8_t *rnd = talloc_size(NULL, BIG);
	uint32_t x = 987654321;
	for (size_t i = 0; i < BIG; i++) {
		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		rnd[i] = (uint8_t)x;
	}
	uint64_t before = disk_bytes(mbox);
	uint64_t m1 = save_value(mbox, inbox, pv_str(PR_BODY, text));
	uint64_t mid_text = disk_bytes(mbox);
	struct mapi_propval b = {.tag = PR_BLOB};
	b.v.bin.len = BIG;
	b.v.bin.data = rnd;
	uint64_t m2 = save_value(mbox, inbox, b);
	uint64_t after = disk_bytes(mbox);
	/* Text takes well under its size (LZ4, in whole pages); random bytes
	 * at least theirs. */
	test_assert(mid_text - before < BIG * 6 / 10);
	test_assert(after - mid_text >= BIG);
	test_assert(read_back(mbox, inbox, m1, PR_BODY, (const uint8_t *)text, BIG, 7777));
	test_assert(read_back(mbox, inbox, m2, PR_BLOB, rnd, BIG, 4096));
	test_assert(read_back(mbox, inbox, m2, PR_BLOB, rnd, BIG, 100000));
	char *report;
	test_assert_int(store_mailbox_check(NULL, mbox, &report), 0);
	talloc_free(report);
	talloc_free(text);
	talloc_free(rnd);
	store_mailbox_close(&mbox);
	test_end();
}

/* Opens the mailbox env of seed directly. */
static int raw_open(uint8_t seed, MDB_env **env, MDB_txn **txn, MDB_dbi *meta, MDB_dbi *chunk)
{
	struct mapi_guid g = test_guid(seed);
	char path[512];
	int n = snprintf(path, sizeof(path), "%s/mailboxes/", dir);
	for (int i = 0; i < 16; i++)
		n += snprintf(path + n, sizeof(path) - (size_t)n, "%02x", g.b[i]);
	int rc = mdb_env_create(env);
	rc = rc ?: mdb_env_set_maxdbs(*env, 20);
	rc = rc ?: mdb_env_set_mapsize(*env, 1ULL << 30);
	rc = rc ?: mdb_env_open(*env, path, 0, 0600);
	rc = rc ?: mdb_txn_begin(*env, NULL, 0, txn);
	rc = rc ?: mdb_dbi_open(*txn, "meta", 0, meta);
	rc = rc ?: mdb_dbi_open(*txn, "chunk", 0, chunk);
	return rc;
}

static void test_legacy_and_corrupt(void)
{
	test_begin("chunks: raw format of older mailboxes, corrupt chunks");
	struct store_mailbox *mbox = test_mailbox(NULL, store, 91);
	store_mailbox_close(&mbox);
	store_close(&store);
	/* Make it a mailbox from before chunk format 1. */
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi meta, chunk;
	test_assert_int(raw_open(91, &env, &txn, &meta, &chunk), 0);
	MDB_val k = {8, (void *)"chunkfmt"}, v;
	test_assert_int(mdb_del(txn, meta, &k, NULL), 0);
	test_assert_int(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
	const char *error;
	struct mapi_guid g = test_guid(91);
	struct store_settings s = {.nosync = true, .mapsize = 1ULL << 30, .compress_chunks = true};
	test_assert_int(store_open(NULL, dir, &s, &store, &error), 0);
	test_assert_int(store_mailbox_open(NULL, store, &g, &mbox, &error), 0);
	uint64_t inbox = store_special_fid(mbox, STORE_FOLDER_INBOX);
	char *text = text_body(BIG);
	uint64_t m = save_value(mbox, inbox, pv_str(PR_BODY, text));
	test_assert(read_back(mbox, inbox, m, PR_BODY, (const uint8_t *)text, BIG, 5000));
	store_mailbox_close(&mbox);
	store_close(&store);
	/* The chunks are the bytes alone; then damage one. */
	test_assert_int(raw_open(91, &env, &txn, &meta, &chunk), 0);
	MDB_cursor *cur;
	test_assert_int(mdb_cursor_open(txn, chunk, &cur), 0);
	test_assert_int(mdb_cursor_get(cur, &k, &v, MDB_FIRST), 0);
	test_assert_int(v.mv_size, CHUNK);
	test_assert(memcmp(v.mv_data, text, CHUNK) == 0);
	mdb_cursor_close(cur);
	mdb_txn_abort(txn);
	mdb_env_close(env);
	talloc_free(text);
	test_assert_int(store_open(NULL, dir, &s, &store, &error), 0);
	test_end();
}

static void test_corrupt_framed(void)
{
	test_begin("chunks: a damaged LZ4 chunk is corrupt data, not a crash");
	struct store_mailbox *mbox = test_mailbox(NULL, store, 92);
	uint64_t inbox = store_special_fid(mbox, STORE_FOLDER_INBOX);
	char *text = text_body(BIG);
	uint64_t m = save_value(mbox, inbox, pv_str(PR_BODY, text));
	struct mapi_guid g = test_guid(92);
	store_mailbox_close(&mbox);
	store_close(&store);
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi meta, chunk;
	MDB_val k, v;
	MDB_cursor *cur;
	const char *error;
	struct store_settings s = {.nosync = true, .mapsize = 1ULL << 30, .compress_chunks = true};
	for (int damage = 0; damage < 3; damage++) {
		test_assert_int(raw_open(92, &env, &txn, &meta, &chunk), 0);
		test_assert_int(mdb_cursor_open(txn, chunk, &cur), 0);
		test_assert_int(mdb_cursor_get(cur, &k, &v, MDB_FIRST), 0);
		uint8_t *copy = talloc_memdup(NULL, v.mv_data, v.mv_size);
		size_t len = v.mv_size;
		if (damage == 0)
			test_assert_int(copy[0], 1); /* LZ4-framed */
		if (damage == 0)
			copy[0] = 7; /* unknown frame */
		else if (damage == 1)
			copy[0] = 1, len = len / 2; /* truncated block */
		else
			copy[0] = 0, len = 1; /* empty raw chunk */
		MDB_val nv = {len, copy};
		test_assert_int(mdb_cursor_put(cur, &k, &nv, MDB_CURRENT), 0);
		mdb_cursor_close(cur);
		test_assert_int(mdb_txn_commit(txn), 0);
		mdb_env_close(env);
		talloc_free(copy);
		test_assert_int(store_open(NULL, dir, &s, &store, &error), 0);
		test_assert_int(store_mailbox_open(NULL, store, &g, &mbox, &error), 0);
		struct store_message *msg;
		uint32_t tag = PR_BODY;
		struct mapi_proptag_array ta = {1, &tag};
		struct mapi_propval_array got;
		test_assert_int(store_message_open(NULL, mbox, inbox, m, &msg), 0);
		test_assert_int(store_message_get_props(NULL, msg, &ta, &got), STORE_E_CORRUPT);
		store_message_close(&msg);
		struct store_stream *st;
		char buf[64];
		test_assert_int(store_stream_open_read(NULL, mbox, m, PR_BODY, &st), 0);
		test_assert_int(store_stream_read(st, buf, sizeof(buf)), STORE_E_CORRUPT);
		store_stream_close(&st);
		store_mailbox_close(&mbox);
		store_close(&store);
	}
	talloc_free(text);
	test_assert_int(store_open(NULL, dir, &s, &store, &error), 0);
	test_end();
}

static void test_default_raw(void)
{
	test_begin("chunks: raw by default (compression is a setting)");
	const char *error;
	struct store *plain;
	struct store_settings s = {.nosync = true, .mapsize = 1ULL << 30};
	test_assert_int(store_open(NULL, dir, &s, &plain, &error), 0);
	struct store_mailbox *mbox = test_mailbox(NULL, plain, 93);
	uint64_t inbox = store_special_fid(mbox, STORE_FOLDER_INBOX);
	char *text = text_body(BIG);
	uint64_t m = save_value(mbox, inbox, pv_str(PR_BODY, text));
	test_assert(read_back(mbox, inbox, m, PR_BODY, (const uint8_t *)text, BIG, 9000));
	store_mailbox_close(&mbox);
	store_close(&plain);
	store_close(&store);
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi meta, chunk;
	MDB_cursor *cur;
	MDB_val k, v;
	test_assert_int(raw_open(93, &env, &txn, &meta, &chunk), 0);
	test_assert_int(mdb_cursor_open(txn, chunk, &cur), 0);
	test_assert_int(mdb_cursor_get(cur, &k, &v, MDB_FIRST), 0);
	test_assert_int(v.mv_size, CHUNK);
	test_assert(memcmp(v.mv_data, text, CHUNK) == 0);
	mdb_cursor_close(cur);
	mdb_txn_abort(txn);
	mdb_env_close(env);
	talloc_free(text);
	s.compress_chunks = true;
	test_assert_int(store_open(NULL, dir, &s, &store, &error), 0);
	test_end();
}

int main(void)
{
	const char *error;
	dir = tmp_data_dir(NULL);
	struct store_settings s = {.nosync = true, .mapsize = 1ULL << 30, .compress_chunks = true};
	if (store_open(NULL, dir, &s, &store, &error) != 0)
		return 1;
	test_compressed_and_raw();
	test_legacy_and_corrupt();
	test_corrupt_framed();
	test_default_raw();
	store_close(&store);
	rm_rf(dir);
	talloc_free(dir);
	return test_exit();
}
