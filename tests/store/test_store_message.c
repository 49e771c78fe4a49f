/* Messages: save semantics, properties of every type, recipients,
 * attachments, streams, read flags, delete, move/copy, quota, events. */
#include "test.h"
#include "store_test_util.h"

#define PR_SUBJECT             PROP_TAG(PT_UNICODE, 0x0037)
#define PR_BODY                PROP_TAG(PT_UNICODE, 0x1000)
#define PR_RTF                 PROP_TAG(PT_BINARY, 0x1009)
#define PR_MID                 PROP_TAG(PT_I8, 0x674A)
#define PR_MESSAGE_FLAGS       PROP_TAG(PT_LONG, 0x0E07)
#define PR_MESSAGE_SIZE        PROP_TAG(PT_LONG, 0x0E08)
#define PR_CONTENT_COUNT       PROP_TAG(PT_LONG, 0x3602)
#define PR_CONTENT_UNREAD      PROP_TAG(PT_LONG, 0x3603)
#define PR_ASSOC_CONTENT_COUNT PROP_TAG(PT_LONG, 0x3617)
#define PR_CHANGE_KEY          PROP_TAG(PT_BINARY, 0x65E2)
#define PR_PCL                 PROP_TAG(PT_BINARY, 0x65E3)
#define PR_SOURCE_KEY          PROP_TAG(PT_BINARY, 0x65E0)
#define PR_CHANGE_NUMBER       PROP_TAG(PT_I8, 0x67A4)
#define PR_DISPLAY_NAME        PROP_TAG(PT_UNICODE, 0x3001)
#define PR_ATTACH_DATA         PROP_TAG(PT_BINARY, 0x3701)
#define PR_ATTACH_NUM          PROP_TAG(PT_LONG, 0x0E21)

static struct store *store;

static int32_t folder_i32(struct store_mailbox *mbox, uint64_t fid, uint32_t tag)
{
	struct mapi_proptag_array ta = {1, &tag};
	struct mapi_propval_array vals;
	if (store_folder_get_props(NULL, mbox, fid, &ta, &vals) != 0)
		return -1;
	int32_t x = vals.vals[0].v.i32;
	talloc_free(vals.vals);
	return x;
}

static void test_save_semantics(void)
{
	test_begin("message: invisible until saved, IDs, identity, change numbers");
	struct store_mailbox *mbox = test_mailbox(NULL, store, 10);
	uint64_t inbox = store_special_fid(mbox, STORE_FOLDER_INBOX);
	struct store_message *msg;
	test_assert_int(store_message_create(NULL, mbox, inbox, false, &msg), 0);
	struct mapi_propval v = pv_str(PR_SUBJECT, "hello");
	struct mapi_propval_array vals = {1, &v};
	test_assert_int(store_message_set_props(msg, &vals), 0);
	test_assert(store_message_mid(msg) == 0);
	test_assert_int(folder_i32(mbox, inbox, PR_CONTENT_COUNT), 0);
	test_assert_int(store_message_save(msg, true), 0);
	uint64_t mid = store_message_mid(msg);
	test_assert(mid != 0 && MAPI_ID_REPLID(mid) == 1);
	test_assert_int(folder_i32(mbox, inbox, PR_CONTENT_COUNT), 1);
	test_assert_int(folder_i32(mbox, inbox, PR_CONTENT_UNREAD), 1);
	/* A second instance does not see the first one's unsaved change. */
	v = pv_str(PR_SUBJECT, "changed");
	test_assert_int(store_message_set_props(msg, &vals), 0);
	struct store_message *other;
	test_assert_int(store_message_open(NULL, mbox, inbox, mid, &other), 0);
	uint32_t tags[] = {PR_SUBJECT,
	                   PR_CHANGE_KEY,
	                   PR_PCL,
	                   PR_SOURCE_KEY,
	                   PR_CHANGE_NUMBER,
	                   PR_MID,
	                   PROP_TAG(PT_LONG, 0x1234)};
	struct mapi_proptag_array ta = {7, tags};
	struct mapi_propval_array got;
	test_assert_int(store_message_get_props(NULL, other, &ta, &got), 0);
	test_assert_str(got.vals[0].v.str, "hello");
	test_assert_int(got.vals[1].v.bin.len, 22);
	test_assert_int(got.vals[2].v.bin.len, 23);
	test_assert_int(got.vals[2].v.bin.data[0], 22);
	test_assert_mem(got.vals[2].v.bin.data + 1, got.vals[1].v.bin.data, 22);
	test_assert(got.vals[5].v.i64 == (int64_t)mid);
	test_assert_int(PROP_TYPE(got.vals[6].tag), PT_ERROR);
	int64_t cn1 = got.vals[4].v.i64;
	talloc_free(got.vals);
	test_assert_int(store_message_save(msg, false), 0);
	test_assert_int(store_message_set_props(msg, &vals), STORE_E_ACCESS);
	store_message_close(&other);
	test_assert_int(store_message_open(NULL, mbox, inbox, mid, &other), 0);
	test_assert_int(store_message_get_props(NULL, other, &ta, &got), 0);
	test_assert_str(got.vals[0].v.str, "changed");
	test_assert(got.vals[4].v.i64 != cn1);
	talloc_free(got.vals);
	store_message_close(&other);
	store_message_close(&msg);
	test_assert_int(folder_i32(mbox, inbox, PR_CONTENT_COUNT), 1);
	/* Errors: missing folder / message, read-only and bad types. */
	test_assert_int(store_message_create(NULL, mbox, 0x1234560001ULL, false, &msg),
	                STORE_E_NOTFOUND);
	test_assert_int(store_message_open(NULL, mbox, inbox, mid + (1ULL << 40), &msg),
	                STORE_E_NOTFOUND);
	test_assert_int(store_message_create(NULL, mbox, inbox, true, &msg), 0);
	v = pv_i32(PR_MID, 3);
	test_assert_int(store_message_set_props(msg, &vals), STORE_E_ACCESS);
	v.tag = PROP_TAG(PT_ACTIONS, 0x6650);
	test_assert_int(store_message_set_props(msg, &vals), STORE_E_BADTYPE);
	v = pv_str(PR_SUBJECT, "fai");
	test_assert_int(store_message_set_props(msg, &vals), 0);
	test_assert_int(store_message_save(msg, false), 0);
	store_message_close(&msg);
	test_assert_int(folder_i32(mbox, inbox, PR_ASSOC_CONTENT_COUNT), 1);
	test_assert_int(folder_i32(mbox, inbox, PR_CONTENT_COUNT), 1);
	store_mailbox_close(&mbox);
	test_end();
}

/* An imported identity (ICS upload sets it as a value) is listed once
 * among all the properties, not again as a computed one. */
static void test_all_once(void)
{
	test_begin("message: all properties list each tag once with an imported identity");
	struct store_mailbox *mbox = test_mailbox(NULL, store, 97);
	uint64_t inbox = store_special_fid(mbox, STORE_FOLDER_INBOX);
	struct store_message *msg;
	uint8_t key[22];
	memset(key, 0x5A, sizeof(key));
	struct mapi_propval v[2] = {pv_str(PR_SUBJECT, "imported"),
	                            {.tag = PR_SOURCE_KEY, .v.bin = {22, key}}};
	struct mapi_propval_array vals = {2, v};
	struct mapi_propval_array all;
	test_assert_int(store_message_create(NULL, mbox, inbox, false, &msg), 0);
	test_assert_int(store_message_set_props(msg, &vals), 0);
	test_assert_int(store_message_save(msg, true), 0);
	test_assert_int(store_message_get_props(NULL, msg, NULL, &all), 0);
	uint32_t seen = 0;
	for (uint32_t i = 0; i < all.count; i++) {
		for (uint32_t j = i + 1; j < all.count; j++)
			test_assert(PROP_ID(all.vals[j].tag) != PROP_ID(all.vals[i].tag));
		if (all.vals[i].tag == PR_SOURCE_KEY) {
			seen++;
			test_assert_mem(all.vals[i].v.bin.data, key, 22);
		}
	}
	test_assert_int(seen, 1);
	talloc_free(all.vals);
	store_message_close(&msg);
	store_mailbox_close(&mbox);
	test_end();
}

static int32_t attach_size(struct store_message *msg, uint32_t num)
{
	uint32_t tag = PROP_TAG(PT_LONG, 0x0E20);
	struct mapi_proptag_array ta = {1, &tag};
	struct mapi_propval_array got;
	int32_t x = -1;
	if (store_message_attach_get_props(NULL, msg, num, &ta, &got) != 0)
		return -2;
	if (got.vals[0].tag == tag)
		x = got.vals[0].v.i32;
	talloc_free(got.vals);
	return x;
}

/* [MS-OXCMSG] 2.2.2.5: PidTagAttachSize is the server's, read-only, and
 * follows the attachment's properties through changes and saves. */
static void test_attach_size(void)
{
	test_begin("attachment: PidTagAttachSize computed, current, listed, read-only");
	struct store_mailbox *mbox = test_mailbox(NULL, store, 98);
	uint64_t inbox = store_special_fid(mbox, STORE_FOLDER_INBOX);
	struct store_message *msg;
	uint32_t num;
	static uint8_t data[5000];
	struct mapi_propval v[2] = {pv_str(PR_DISPLAY_NAME, "a.bin"),
	                            {.tag = PR_ATTACH_DATA, .v.bin = {1000, data}}};
	struct mapi_propval_array vals = {2, v};
	struct mapi_proptag_array tags;
	test_assert_int(store_message_create(NULL, mbox, inbox, false, &msg), 0);
	test_assert_int(store_message_attach_create(msg, &num), 0);
	test_assert_int(attach_size(msg, num), 0);
	test_assert_int(store_message_attach_set_props(msg, num, &vals), 0);
	int32_t small = attach_size(msg, num);
	test_assert(small >= 1000 && small < 1100);
	v[1].v.bin.len = 5000;
	test_assert_int(store_message_attach_set_props(msg, num, &vals), 0);
	int32_t big = attach_size(msg, num);
	test_assert_int(big - small, 4000);
	struct mapi_propval sz = {.tag = PROP_TAG(PT_LONG, 0x0E20), .v.i32 = 1};
	struct mapi_propval_array one = {1, &sz};
	test_assert_int(store_message_attach_set_props(msg, num, &one), STORE_E_ACCESS);
	test_assert_int(store_message_attach_tags(NULL, msg, num, &tags), 0);
	uint32_t listed = 0;
	for (uint32_t i = 0; i < tags.count; i++)
		listed += tags.tags[i] == PROP_TAG(PT_LONG, 0x0E20);
	test_assert_int(listed, 1);
	talloc_free(tags.tags);
	test_assert_int(store_message_save(msg, false), 0);
	uint64_t mid = store_message_mid(msg);
	store_message_close(&msg);
	test_assert_int(store_message_open(NULL, mbox, inbox, mid, &msg), 0);
	test_assert_int(attach_size(msg, num), big);
	store_message_close(&msg);
	store_mailbox_close(&mbox);
	test_end();
}

static void test_all_types(void)
{
	test_begin("message: properties of every MAPI type round trip");
	struct store_mailbox *mbox = test_mailbox(NULL, store, 11);
	uint64_t inbox = store_special_fid(mbox, STORE_FOLDER_INBOX);
	struct mapi_guid g = test_guid(5), gs[2] = {test_guid(6), test_guid(7)};
	int16_t s16[2] = {-1, 2};
	int32_t s32[3] = {1, -2, 3};
	float f32[1] = {1.5f};
	double f64[2] = {2.25, -3.5};
	int64_t i64[2] = {-5, 1LL << 40};
	uint64_t fts[1] = {133000000000000000ULL};
	char *strs[2] = {(char *)"one", (char *)"two"};
	uint8_t b1[3] = {1, 2, 3};
	struct mapi_binary bins[2] = {{3, b1}, {0, b1}};
	struct mapi_propval v[22];
	int n = 0;
	memset(v, 0, sizeof(v));
	v[n].tag = PROP_TAG(PT_SHORT, 0x6001), v[n++].v.i16 = -7;
	v[n].tag = PROP_TAG(PT_LONG, 0x6002), v[n++].v.i32 = -70000;
	v[n].tag = PROP_TAG(PT_FLOAT, 0x6003), v[n++].v.f32 = 0.5f;
	v[n].tag = PROP_TAG(PT_DOUBLE, 0x6004), v[n++].v.f64 = 1e100;
	v[n].tag = PROP_TAG(PT_CURRENCY, 0x6005), v[n++].v.i64 = 123456789;
	v[n].tag = PROP_TAG(PT_APPTIME, 0x6006), v[n++].v.f64 = 45000.25;
	v[n].tag = PROP_TAG(PT_ERROR, 0x6007), v[n++].v.err = 0x8004010F;
	v[n].tag = PROP_TAG(PT_BOOLEAN, 0x6008), v[n++].v.b = true;
	v[n].tag = PROP_TAG(PT_I8, 0x6009), v[n++].v.i64 = -(1LL << 50);
	v[n].tag = PROP_TAG(PT_STRING8, 0x600A), v[n++].v.str = (char *)"ansi";
	v[n].tag = PROP_TAG(PT_UNICODE, 0x600B), v[n++].v.str = (char *)"ünïcode";
	v[n].tag = PROP_TAG(PT_SYSTIME, 0x600C), v[n++].v.ft = 133000000000000001ULL;
	v[n].tag = PROP_TAG(PT_CLSID, 0x600D), v[n++].v.guid = &g;
	v[n].tag = PROP_TAG(PT_BINARY, 0x600E), v[n].v.bin.len = 3, v[n++].v.bin.data = b1;
	v[n].tag = PROP_TAG(PT_MV_SHORT, 0x600F), v[n].v.mv.count = 2, v[n++].v.mv.i16 = s16;
	v[n].tag = PROP_TAG(PT_MV_LONG, 0x6010), v[n].v.mv.count = 3, v[n++].v.mv.i32 = s32;
	v[n].tag = PROP_TAG(PT_MV_FLOAT, 0x6011), v[n].v.mv.count = 1, v[n++].v.mv.f32 = f32;
	v[n].tag = PROP_TAG(PT_MV_DOUBLE, 0x6012), v[n].v.mv.count = 2, v[n++].v.mv.f64 = f64;
	v[n].tag = PROP_TAG(PT_MV_I8, 0x6013), v[n].v.mv.count = 2, v[n++].v.mv.i64 = i64;
	v[n].tag = PROP_TAG(PT_MV_SYSTIME, 0x6014), v[n].v.mv.count = 1, v[n++].v.mv.ft = fts;
	v[n].tag = PROP_TAG(PT_MV_UNICODE, 0x6015), v[n].v.mv.count = 2, v[n++].v.mv.str = strs;
	v[n].tag = PROP_TAG(PT_MV_BINARY, 0x6016), v[n].v.mv.count = 2, v[n++].v.mv.bin = bins;
	struct mapi_propval_array vals = {(uint32_t)n, v};
	struct store_message *msg;
	test_assert_int(store_message_create(NULL, mbox, inbox, false, &msg), 0);
	test_assert_int(store_message_set_props(msg, &vals), 0);
	struct mapi_propval mvguid = {.tag = PROP_TAG(PT_MV_CLSID, 0x6017)};
	mvguid.v.mv.count = 2;
	mvguid.v.mv.guid = gs;
	struct mapi_propval_array one = {1, &mvguid};
	test_assert_int(store_message_set_props(msg, &one), 0);
	test_assert_int(store_message_save(msg, false), 0);
	uint64_t mid = store_message_mid(msg);
	store_message_close(&msg);
	test_assert_int(store_message_open(NULL, mbox, inbox, mid, &msg), 0);
	uint32_t tags[23];
	for (int i = 0; i < n; i++)
		tags[i] = v[i].tag;
	tags[n] = mvguid.tag;
	struct mapi_proptag_array ta = {(uint32_t)n + 1, tags};
	struct mapi_propval_array got;
	test_assert_int(store_message_get_props(NULL, msg, &ta, &got), 0);
	for (int i = 0; i < n; i++)
		test_assert_int(got.vals[i].tag, v[i].tag);
	test_assert_int(got.vals[0].v.i16, -7);
	test_assert_int(got.vals[1].v.i32, -70000);
	test_assert(got.vals[2].v.f32 == 0.5f);
	test_assert(got.vals[3].v.f64 == 1e100);
	test_assert_int(got.vals[4].v.i64, 123456789);
	test_assert(got.vals[5].v.f64 == 45000.25);
	test_assert(got.vals[6].v.err == 0x8004010F);
	test_assert(got.vals[7].v.b);
	test_assert(got.vals[8].v.i64 == -(1LL << 50));
	test_assert_str(got.vals[9].v.str, "ansi");
	test_assert_str(got.vals[10].v.str, "ünïcode");
	test_assert(got.vals[11].v.ft == 133000000000000001ULL);
	test_assert_mem(got.vals[12].v.guid->b, g.b, 16);
	test_assert_int(got.vals[13].v.bin.len, 3);
	test_assert_mem(got.vals[13].v.bin.data, b1, 3);
	test_assert_int(got.vals[14].v.mv.count, 2);
	test_assert_int(got.vals[14].v.mv.i16[0], -1);
	test_assert_int(got.vals[15].v.mv.i32[2], 3);
	test_assert(got.vals[16].v.mv.f32[0] == 1.5f);
	test_assert(got.vals[17].v.mv.f64[1] == -3.5);
	test_assert(got.vals[18].v.mv.i64[1] == 1LL << 40);
	test_assert(got.vals[19].v.mv.ft[0] == fts[0]);
	test_assert_str(got.vals[20].v.mv.str[1], "two");
	test_assert_int(got.vals[21].v.mv.bin[0].len, 3);
	test_assert_int(got.vals[21].v.mv.bin[1].len, 0);
	test_assert_mem(got.vals[22].v.mv.guid[1].b, gs[1].b, 16);
	talloc_free(got.vals);
	/* Type-agnostic request. */
	uint32_t un = PROP_TAG(PT_UNSPECIFIED, 0x6002);
	struct mapi_proptag_array ua = {1, &un};
	test_assert_int(store_message_get_props(NULL, msg, &ua, &got), 0);
	test_assert_int(got.vals[0].tag, PROP_TAG(PT_LONG, 0x6002));
	talloc_free(got.vals);
	store_message_close(&msg);
	store_mailbox_close(&mbox);
	test_end();
}

static void test_large_and_streams(void)
{
	test_begin("message: large values in chunks, streams read and write");
	struct store_mailbox *mbox = test_mailbox(NULL, store, 12);
	uint64_t inbox = store_special_fid(mbox, STORE_FOLDER_INBOX);
	size_t big = 100000;
	char *body = talloc_size(NULL, big + 1);
	for (size_t i = 0; i < big; i++)
		body[i] = (char)('a' + i % 26);
	body[big] = 0;
	struct store_message *msg;
	struct mapi_propval v = pv_str(PR_BODY, body);
	struct mapi_propval_array vals = {1, &v};
	test_assert_int(store_message_create(NULL, mbox, inbox, false, &msg), 0);
	test_assert_int(store_message_set_props(msg, &vals), 0);
	test_assert_int(store_message_save(msg, true), 0);
	uint64_t mid = store_message_mid(msg);
	/* Read back through the instance (loaded from chunks). */
	uint32_t tag = PR_BODY;
	struct mapi_proptag_array ta = {1, &tag};
	struct mapi_propval_array got;
	test_assert_int(store_message_get_props(NULL, msg, &ta, &got), 0);
	test_assert(strcmp(got.vals[0].v.str, body) == 0);
	talloc_free(got.vals);
	/* Stream read in odd pieces. */
	struct store_stream *s;
	test_assert_int(store_stream_open_read(NULL, mbox, mid, PR_BODY, &s), 0);
	test_assert_int(store_stream_size(s), big);
	char *back = talloc_size(NULL, big);
	size_t ofs = 0;
	int64_t r;
	while ((r = store_stream_read(s, back + ofs, 7777)) > 0)
		ofs += (size_t)r;
	test_assert_int(r, 0);
	test_assert_int(ofs, big);
	test_assert(memcmp(back, body, big) == 0);
	test_assert_int(store_stream_seek(s, 50000), 0);
	test_assert_int(store_stream_read(s, back, 10), 10);
	test_assert_mem(back, body + 50000, 10);
	store_stream_close(&s);
	/* Write stream: invisible until save. */
	struct store_stream *w;
	test_assert_int(store_stream_open_write(NULL, msg, PR_RTF, &w), 0);
	for (int i = 0; i < 10; i++)
		test_assert_int(store_stream_write(w, body + i * 5000, 5000), 0);
	test_assert_int(store_stream_commit(w), 0);
	store_stream_close(&w);
	test_assert_int(store_stream_open_read(NULL, mbox, mid, PR_RTF, &s), STORE_E_NOTFOUND);
	test_assert_int(store_message_save(msg, false), 0);
	test_assert_int(store_stream_open_read(NULL, mbox, mid, PR_RTF, &s), 0);
	test_assert_int(store_stream_size(s), 50000);
	test_assert_int(store_stream_read(s, back, big), 50000);
	test_assert(memcmp(back, body, 50000) == 0);
	store_stream_close(&s);
	store_message_close(&msg);
	test_assert_int(store_stream_open_read(NULL, mbox, mid, PROP_TAG(PT_LONG, 0x0017), &s),
	                STORE_E_BADTYPE);
	/* Replacing and deleting large values leaves no orphan chunks:
	 * hard delete and check the mailbox. */
	test_assert_int(store_message_open(NULL, mbox, inbox, mid, &msg), 0);
	v = pv_str(PR_BODY, body + 10);
	test_assert_int(store_message_set_props(msg, &vals), 0);
	test_assert_int(store_message_save(msg, false), 0);
	store_message_close(&msg);
	test_assert_int(store_messages_delete(mbox, inbox, &mid, 1, STORE_DEL_HARD, NULL), 0);
	char *report;
	test_assert_int(store_mailbox_check(NULL, mbox, &report), 0);
	talloc_free(report);
	talloc_free(back);
	talloc_free(body);
	store_mailbox_close(&mbox);
	test_end();
}

static void test_recips_attach(void)
{
	test_begin("message: recipients and attachments saved with the message");
	struct store_mailbox *mbox = test_mailbox(NULL, store, 13);
	uint64_t inbox = store_special_fid(mbox, STORE_FOLDER_INBOX);
	struct store_message *msg;
	test_assert_int(store_message_create(NULL, mbox, inbox, false, &msg), 0);
	struct mapi_propval r1 = pv_str(PR_DISPLAY_NAME, "Bob"),
	                    r2 = pv_str(PR_DISPLAY_NAME, "Carol");
	struct mapi_propval_array rows[2] = {{1, &r1}, {1, &r2}};
	uint32_t ids[2] = {0, 1};
	test_assert_int(store_message_modify_recipients(msg, 2, ids, rows), 0);
	uint32_t an;
	test_assert_int(store_message_attach_create(msg, &an), 0);
	uint8_t *data = talloc_zero_size(NULL, 40000);
	data[39999] = 7;
	struct mapi_propval ad = {.tag = PR_ATTACH_DATA};
	ad.v.bin.len = 40000;
	ad.v.bin.data = data;
	struct mapi_propval_array avals = {1, &ad};
	test_assert_int(store_message_attach_set_props(msg, an, &avals), 0);
	test_assert_int(store_message_save(msg, false), 0);
	uint64_t mid = store_message_mid(msg);
	store_message_close(&msg);
	test_assert_int(store_message_open(NULL, mbox, inbox, mid, &msg), 0);
	uint32_t n, *rid;
	struct mapi_propval_array *got;
	test_assert_int(store_message_get_recipients(NULL, msg, &n, &rid, &got), 0);
	test_assert_int(n, 2);
	test_assert_str(got[1].vals[0].v.str, "Carol");
	talloc_free(rid);
	talloc_free(got);
	uint32_t *nums;
	test_assert_int(store_message_attach_list(NULL, msg, &nums, &n), 0);
	test_assert_int(n, 1);
	uint32_t tags[2] = {PR_ATTACH_DATA, PR_ATTACH_NUM};
	struct mapi_proptag_array ta = {2, tags};
	struct mapi_propval_array av;
	test_assert_int(store_message_attach_get_props(NULL, msg, nums[0], &ta, &av), 0);
	test_assert_int(av.vals[0].v.bin.len, 40000);
	test_assert_int(av.vals[0].v.bin.data[39999], 7);
	test_assert_int(av.vals[1].v.i32, (int32_t)nums[0]);
	talloc_free(av.vals);
	uint32_t flag = PR_MESSAGE_FLAGS;
	struct mapi_proptag_array fa = {1, &flag};
	test_assert_int(store_message_get_props(NULL, msg, &fa, &av), 0);
	test_assert(av.vals[0].v.i32 & 0x10); /* MSGFLAG_HASATTACH */
	talloc_free(av.vals);
	/* Remove a recipient and the attachment. */
	struct mapi_propval_array empty = {0, NULL};
	test_assert_int(store_message_modify_recipients(msg, 1, ids, &empty), 0);
	test_assert_int(store_message_attach_delete(msg, nums[0]), 0);
	test_assert_int(store_message_attach_delete(msg, 99), STORE_E_NOTFOUND);
	test_assert_int(store_message_save(msg, false), 0);
	store_message_close(&msg);
	test_assert_int(store_message_open(NULL, mbox, inbox, mid, &msg), 0);
	test_assert_int(store_message_get_recipients(NULL, msg, &n, &rid, &got), 0);
	test_assert_int(n, 1);
	test_assert_str(got[0].vals[0].v.str, "Carol");
	talloc_free(rid);
	talloc_free(got);
	talloc_free(nums);
	test_assert_int(store_message_attach_list(NULL, msg, &nums, &n), 0);
	test_assert_int(n, 0);
	talloc_free(nums);
	store_message_close(&msg);
	talloc_free(data);
	store_mailbox_close(&mbox);
	test_end();
}

static void test_ops(void)
{
	test_begin("messages: read flags, soft/hard delete, move, copy, counts");
	struct store_mailbox *mbox = test_mailbox(NULL, store, 14);
	uint64_t inbox = store_special_fid(mbox, STORE_FOLDER_INBOX);
	uint64_t del = store_special_fid(mbox, STORE_FOLDER_DELETED_ITEMS);
	uint64_t m[3];
	for (int i = 0; i < 3; i++)
		m[i] = add_message(mbox, inbox, "x", 1000 + i, 1);
	test_assert_int(folder_i32(mbox, inbox, PR_CONTENT_UNREAD), 3);
	test_assert_int(store_messages_set_read(mbox, inbox, m, 2, true), 0);
	test_assert_int(folder_i32(mbox, inbox, PR_CONTENT_UNREAD), 1);
	test_assert_int(store_messages_set_read(mbox, inbox, m, 1, false), 0);
	test_assert_int(folder_i32(mbox, inbox, PR_CONTENT_UNREAD), 2);
	uint64_t moved[2];
	test_assert_int(store_messages_move(mbox, inbox, del, m, 2, moved), 0);
	test_assert(moved[0] != 0 && moved[0] != m[0]);
	test_assert_int(folder_i32(mbox, inbox, PR_CONTENT_COUNT), 1);
	test_assert_int(folder_i32(mbox, del, PR_CONTENT_COUNT), 2);
	test_assert_int(folder_i32(mbox, del, PR_CONTENT_UNREAD), 1);
	struct store_message *msg;
	test_assert_int(store_message_open(NULL, mbox, inbox, m[0], &msg), STORE_E_NOTFOUND);
	test_assert_int(store_message_open(NULL, mbox, del, moved[0], &msg), 0);
	store_message_close(&msg);
	uint64_t copied;
	test_assert_int(store_messages_copy(mbox, del, inbox, moved, 1, &copied), 0);
	test_assert_int(folder_i32(mbox, inbox, PR_CONTENT_COUNT), 2);
	test_assert_int(folder_i32(mbox, del, PR_CONTENT_COUNT), 2);
	bool partial = false;
	uint64_t victims[2] = {copied, 0x55550001ULL};
	test_assert_int(store_messages_delete(mbox, inbox, victims, 2, 0, &partial), 0);
	test_assert(partial);
	test_assert_int(folder_i32(mbox, inbox, PR_CONTENT_COUNT), 1);
	test_assert_int(folder_i32(mbox, inbox, PROP_TAG(PT_LONG, 0x670B)), 1);
	test_assert_int(store_message_open(NULL, mbox, inbox, copied, &msg), STORE_E_NOTFOUND);
	test_assert_int(store_folder_empty(mbox, del, STORE_DEL_HARD), 0);
	test_assert_int(folder_i32(mbox, del, PR_CONTENT_COUNT), 0);
	char *report;
	test_assert_int(store_mailbox_check(NULL, mbox, &report), 0);
	if (report[0])
		fprintf(stderr, "%s", report);
	talloc_free(report);
	store_mailbox_close(&mbox);
	test_end();
}

static void test_quota(void)
{
	test_begin("quota: message size limit, quota and shutoff errors");
	struct store_mailbox *mbox = test_mailbox(NULL, store, 15);
	uint64_t inbox = store_special_fid(mbox, STORE_FOLDER_INBOX);
	char big[3000];
	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	struct mapi_propval v = pv_str(PR_BODY, big);
	struct mapi_propval_array vals = {1, &v};
	struct store_message *msg;
	test_assert_int(store_mailbox_set_quota(mbox, 0, 0, 1000), 0);
	test_assert_int(store_message_create(NULL, mbox, inbox, false, &msg), 0);
	test_assert_int(store_message_set_props(msg, &vals), 0);
	test_assert_int(store_message_save(msg, true), STORE_E_TOOBIG);
	test_assert(store_message_mid(msg) == 0);
	test_assert_int(store_mailbox_set_quota(mbox, 10000, 0, 0), 0);
	test_assert_int(store_message_save(msg, false), 0);
	store_message_close(&msg);
	test_assert_int(store_message_create(NULL, mbox, inbox, false, &msg), 0);
	test_assert_int(store_message_set_props(msg, &vals), 0);
	test_assert_int(store_message_save(msg, true), STORE_E_QUOTA);
	test_assert_int(store_mailbox_set_quota(mbox, 0, 8000, 0), 0);
	test_assert_int(store_message_save(msg, true), STORE_E_SHUTOFF);
	test_assert_int(store_mailbox_set_quota(mbox, 0, 0, 0), 0);
	test_assert_int(store_message_save(msg, true), 0);
	store_message_close(&msg);
	test_assert_int(folder_i32(mbox, inbox, PR_CONTENT_COUNT), 2);
	store_mailbox_close(&mbox);
	test_end();
}

struct ev_log {
	int created, modified, deleted, moved, newmail;
};

static void on_event(const struct store_event *ev, void *ctx)
{
	struct ev_log *l = ctx;
	switch (ev->type) {
	case STORE_EV_CREATED:
		l->created++;
		break;
	case STORE_EV_MODIFIED:
		l->modified++;
		break;
	case STORE_EV_DELETED:
		l->deleted++;
		break;
	case STORE_EV_MOVED:
		l->moved++;
		break;
	case STORE_EV_NEWMAIL:
		l->newmail++;
		break;
	default:
		break;
	}
}

static void test_events(void)
{
	test_begin("notifications: created, modified, moved, deleted, new mail");
	struct store_mailbox *mbox = test_mailbox(NULL, store, 16);
	struct store_mailbox_ident id;
	store_mailbox_ident(mbox, &id);
	struct ev_log log = {0}, other = {0};
	int sub = store_subscribe(store, &id.mailbox_guid, on_event, &log);
	struct mapi_guid g = test_guid(200);
	int sub2 = store_subscribe(store, &g, on_event, &other);
	test_assert(sub > 0 && sub2 > 0);
	uint64_t inbox = store_special_fid(mbox, STORE_FOLDER_INBOX);
	uint64_t mid = add_message(mbox, inbox, "a", 1, 1);
	test_assert_int(log.created, 1);
	test_assert_int(log.newmail, 1);
	test_assert_int(store_messages_set_read(mbox, inbox, &mid, 1, true), 0);
	test_assert_int(log.modified, 1);
	uint64_t dst = store_special_fid(mbox, STORE_FOLDER_DRAFTS), nm;
	test_assert_int(store_messages_move(mbox, inbox, dst, &mid, 1, &nm), 0);
	test_assert_int(log.moved, 1);
	test_assert_int(store_messages_delete(mbox, dst, &nm, 1, STORE_DEL_HARD, NULL), 0);
	test_assert_int(log.deleted, 1);
	test_assert_int(other.created + other.modified + other.deleted, 0);
	store_unsubscribe(store, sub);
	store_unsubscribe(store, sub2);
	add_message(mbox, inbox, "b", 1, 1);
	test_assert_int(log.created, 1);
	store_mailbox_close(&mbox);
	test_end();
}

int main(void)
{
	const char *error;
	char *dir = tmp_data_dir(NULL);
	struct store_settings s = {.nosync = true, .mapsize = 1ULL << 30};
	if (store_open(NULL, dir, &s, &store, &error) != 0)
		return 1;
	test_save_semantics();
	test_all_once();
	test_attach_size();
	test_all_types();
	test_large_and_streams();
	test_recips_attach();
	test_ops();
	test_quota();
	test_events();
	store_close(&store);
	rm_rf(dir);
	talloc_free(dir);
	return test_exit();
}
