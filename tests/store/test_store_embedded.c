/* Embedded messages: created, nested, saved with their parent, copied. */
#include "test.h"
#include "store_test_util.h"

#define PR_SUBJECT       PROP_TAG(PT_UNICODE, 0x0037)
#define PR_DISPLAY_NAME  PROP_TAG(PT_UNICODE, 0x3001)
#define PR_ATTACH_DATA   PROP_TAG(PT_BINARY, 0x3701)
#define PR_ATTACH_METHOD PROP_TAG(PT_LONG, 0x3705)
#define PR_MESSAGE_SIZE  PROP_TAG(PT_LONG, 0x0E08)
#define PR_PRIVATE       PROP_TAG(PT_BINARY, 0x67F0)
#define PR_BODY          PROP_TAG(PT_UNICODE, 0x1000)

static struct store *store;

static int set_str(struct store_message *msg, uint32_t tag, const char *s)
{
	struct mapi_propval v = pv_str(tag, s);
	struct mapi_propval_array vals = {1, &v};
	return store_message_set_props(msg, &vals);
}

static char *get_str(TALLOC_CTX *ctx, struct store_message *msg, uint32_t tag)
{
	struct mapi_proptag_array ta = {1, &tag};
	struct mapi_propval_array got;
	if (store_message_get_props(ctx, msg, &ta, &got) != 0 ||
	    PROP_TYPE(got.vals[0].tag) != PROP_TYPE(tag))
		return NULL;
	return got.vals[0].v.str;
}

static void test_round_trip(void)
{
	test_begin("embedded message: nested, with recipients and attachments, saved with parent");
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct store_mailbox *mbox = test_mailbox(tmp, store, 100);
	uint64_t inbox = store_special_fid(mbox, STORE_FOLDER_INBOX);
	uint64_t drafts = store_special_fid(mbox, STORE_FOLDER_DRAFTS);
	struct store_message *m, *emb, *inner, *again;
	uint32_t an, ean, ian;
	uint8_t *data = talloc_size(tmp, 50000);
	for (int i = 0; i < 50000; i++)
		data[i] = (uint8_t)(i * 7 + i / 300);
	test_assert_int(store_message_create(tmp, mbox, inbox, false, &m), 0);
	test_assert_int(set_str(m, PR_SUBJECT, "outer"), 0);
	test_assert_int(store_message_attach_create(m, &an), 0);
	test_assert_int(store_message_open_embedded(tmp, m, an, false, &emb), STORE_E_NOTFOUND);
	test_assert_int(store_message_open_embedded(tmp, m, an + 5, true, &emb), STORE_E_NOTFOUND);
	test_assert_int(store_message_open_embedded(tmp, m, an, true, &emb), 0);
	test_assert_int(set_str(emb, PR_SUBJECT, "forwarded"), 0);
	struct mapi_propval r[2] = {pv_str(PR_DISPLAY_NAME, "Bob"), pv_str(PR_DISPLAY_NAME, "Eve")};
	struct mapi_propval_array rows[2] = {{1, &r[0]}, {1, &r[1]}};
	uint32_t ids[2] = {0, 1};
	test_assert_int(store_message_modify_recipients(emb, 2, ids, rows), 0);
	test_assert_int(store_message_attach_create(emb, &ean), 0);
	struct mapi_propval bin = {.tag = PR_ATTACH_DATA};
	bin.v.bin.len = 50000;
	bin.v.bin.data = data;
	struct mapi_propval_array bv = {1, &bin};
	test_assert_int(store_message_attach_set_props(emb, ean, &bv), 0);
	test_assert_int(store_message_attach_create(emb, &ian), 0);
	test_assert_int(store_message_open_embedded(tmp, emb, ian, true, &inner), 0);
	test_assert_int(set_str(inner, PR_SUBJECT, "inner"), 0);
	/* A write stream on an embedded message sets the value on commit. */
	struct store_stream *st;
	test_assert_int(store_stream_open_write(tmp, inner, PR_BODY, &st), 0);
	for (int i = 0; i < 3000; i++)
		test_assert_int(store_stream_write(st, "streamed ", 9), 0);
	test_assert(get_str(tmp, inner, PR_BODY) == NULL);
	test_assert_int(store_stream_commit(st), 0);
	test_assert_int(store_stream_write(st, "x", 1), STORE_E_ACCESS);
	store_stream_close(&st);
	char *body = get_str(tmp, inner, PR_BODY);
	test_assert(body != NULL && strlen(body) == 27000 &&
	            strncmp(body, "streamed streamed", 17) == 0);
	test_assert_int(store_message_save(inner, false), 0);
	test_assert_int(store_message_save(inner, false), STORE_E_ACCESS);
	test_assert_int(store_message_save(emb, true), 0);
	test_assert_int(store_message_save(m, true), 0);
	uint64_t mid = store_message_mid(m);
	/* A saved embedded change is not durable before its parent's save. */
	struct store_message *peek, *peek_emb;
	test_assert_int(set_str(emb, PR_SUBJECT, "changed"), 0);
	test_assert_int(store_message_save(emb, true), 0);
	test_assert_int(store_message_open(tmp, mbox, inbox, mid, &peek), 0);
	test_assert_int(store_message_open_embedded(tmp, peek, an, false, &peek_emb), 0);
	test_assert_str(get_str(tmp, peek_emb, PR_SUBJECT), "forwarded");
	store_message_close(&peek_emb);
	store_message_close(&peek);
	test_assert_int(set_str(emb, PR_SUBJECT, "forwarded"), 0);
	test_assert_int(store_message_save(emb, true), 0);
	test_assert_int(store_message_save(m, true), 0);
	test_assert_int(store_message_open(tmp, mbox, inbox, mid, &again), 0);
	struct mapi_proptag_array mt = {1, (uint32_t[]){PR_ATTACH_METHOD}};
	struct mapi_propval_array got;
	test_assert_int(store_message_attach_get_props(tmp, again, an, &mt, &got), 0);
	test_assert_int(got.vals[0].v.i32, 5);
	/* The private property is neither readable nor writable. */
	struct mapi_proptag_array pt = {1, (uint32_t[]){PR_PRIVATE}};
	test_assert_int(store_message_attach_get_props(tmp, again, an, &pt, &got), 0);
	test_assert_int(PROP_TYPE(got.vals[0].tag), PT_ERROR);
	struct mapi_propval pv = {.tag = PR_PRIVATE};
	pv.v.bin.len = 1;
	pv.v.bin.data = data;
	struct mapi_propval_array pva = {1, &pv};
	test_assert_int(store_message_attach_set_props(again, an, &pva), STORE_E_ACCESS);
	/* Everything comes back. */
	struct store_message *e2, *i2;
	test_assert_int(store_message_open_embedded(tmp, again, an, false, &e2), 0);
	test_assert_str(get_str(tmp, e2, PR_SUBJECT), "forwarded");
	uint32_t rc, *rids, *nums, nn;
	struct mapi_propval_array *rrows;
	test_assert_int(store_message_get_recipients(tmp, e2, &rc, &rids, &rrows), 0);
	test_assert_int(rc, 2);
	test_assert_str(rrows[1].vals[0].v.str, "Eve");
	test_assert_int(store_message_attach_list(tmp, e2, &nums, &nn), 0);
	test_assert_int(nn, 2);
	struct mapi_proptag_array dt = {1, (uint32_t[]){PR_ATTACH_DATA}};
	test_assert_int(store_message_attach_get_props(tmp, e2, ean, &dt, &got), 0);
	test_assert_int(got.vals[0].v.bin.len, 50000);
	test_assert(memcmp(got.vals[0].v.bin.data, data, 50000) == 0);
	test_assert_int(store_message_open_embedded(tmp, e2, ian, false, &i2), 0);
	test_assert_str(get_str(tmp, i2, PR_SUBJECT), "inner");
	char *kept = get_str(tmp, i2, PR_BODY);
	test_assert(kept != NULL && strlen(kept) == 27000);
	/* The parent's size counts the embedded message. */
	struct mapi_proptag_array st_ = {1, (uint32_t[]){PR_MESSAGE_SIZE}};
	test_assert_int(store_message_get_props(tmp, again, &st_, &got), 0);
	test_assert(got.vals[0].v.i32 > 50000);
	/* A copy carries it; the original can go. */
	uint64_t copy;
	test_assert_int(store_messages_copy(mbox, inbox, drafts, &mid, 1, &copy), 0);
	test_assert_int(store_messages_delete(mbox, inbox, &mid, 1, STORE_DEL_HARD, NULL), 0);
	struct store_message *c, *ce;
	test_assert_int(store_message_open(tmp, mbox, drafts, copy, &c), 0);
	test_assert_int(store_message_open_embedded(tmp, c, an, false, &ce), 0);
	test_assert_str(get_str(tmp, ce, PR_SUBJECT), "forwarded");
	char *report;
	test_assert_int(store_mailbox_check(tmp, mbox, &report), 0);
	store_message_close(&again);
	store_mailbox_close(&mbox);
	talloc_free(tmp);
	test_end();
}

static void test_lifetimes(void)
{
	test_begin("embedded message: read-only parent, closed parent, deleted attachment");
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct store_mailbox *mbox = test_mailbox(tmp, store, 101);
	uint64_t inbox = store_special_fid(mbox, STORE_FOLDER_INBOX);
	struct store_message *m, *emb;
	uint32_t an;
	test_assert_int(store_message_create(tmp, mbox, inbox, false, &m), 0);
	test_assert_int(store_message_attach_create(m, &an), 0);
	test_assert_int(store_message_open_embedded(tmp, m, an, true, &emb), 0);
	test_assert_int(set_str(emb, PR_SUBJECT, "x"), 0);
	test_assert_int(store_message_save(emb, true), 0);
	/* Saved without keep_open: the parent and its embedded are read-only. */
	test_assert_int(store_message_save(m, false), 0);
	test_assert_int(set_str(emb, PR_SUBJECT, "y"), 0);
	test_assert_int(store_message_save(emb, true), STORE_E_ACCESS);
	struct store_message *ro;
	test_assert_int(store_message_open_embedded(tmp, m, an, false, &ro), 0);
	test_assert_int(set_str(ro, PR_SUBJECT, "z"), STORE_E_ACCESS);
	/* The parent closed under an open embedded instance. */
	uint64_t mid = store_message_mid(m);
	struct store_message *m2, *e2;
	test_assert_int(store_message_open(tmp, mbox, inbox, mid, &m2), 0);
	test_assert_int(store_message_open_embedded(tmp, m2, an, false, &e2), 0);
	store_message_close(&m2);
	test_assert_int(store_message_save(e2, true), STORE_E_DELETED);
	/* The attachment deleted under it. */
	test_assert_int(store_message_open(tmp, mbox, inbox, mid, &m2), 0);
	test_assert_int(store_message_open_embedded(tmp, m2, an, false, &e2), 0);
	test_assert_int(store_message_attach_delete(m2, an), 0);
	test_assert_int(store_message_save(e2, true), STORE_E_DELETED);
	/* Embedded instances are not saved as messages of their own. */
	struct store_message *list[1] = {e2};
	test_assert_int(store_messages_save(list, 1), STORE_E_INVALID);
	store_message_close(&e2);
	store_message_close(&m2);
	store_mailbox_close(&mbox);
	talloc_free(tmp);
	test_end();
}

int main(void)
{
	const char *error;
	char *dir = tmp_data_dir(NULL);
	struct store_settings s = {.nosync = true, .mapsize = 1ULL << 30};
	if (store_open(NULL, dir, &s, &store, &error) != 0)
		return 1;
	test_round_trip();
	test_lifetimes();
	store_close(&store);
	rm_rf(dir);
	talloc_free(dir);
	return test_exit();
}
