/* The per-user information ROPs ([MS-OXCSTOR] 3.2.5.10-3.2.5.13) on a
 * private logon through ems_execute: chunked writes, paged reads, broken
 * continuations, bad data, a session that dies mid-write, persistence and
 * one user's table against another's. */
#include "ems_test.h"
#include "ics_idset.h"

static struct ems_t t;

/* A REPLGUID-based IDSET ([MS-OXCFXICS] 2.2.2.4.2) of n disjoint ranges:
 * a CNSET as Outlook writes it. */
static struct mapi_binary make_cnset(TALLOC_CTX *mem, uint8_t seed, unsigned n)
{
	struct ics_idset *ids = ics_idset_new(mem, true);
	struct mapi_guid g;
	struct rop_push p;

	for (int i = 0; i < 16; i++)
		g.b[i] = (uint8_t)(seed + 3 * i);
	for (unsigned i = 0; i < n; i++) {
		uint64_t lo = 0x10000 * (i + 1) + seed;
		if (ics_idset_add_guid_range(ids, &g, lo, lo + (i % 5)) != ROP_OK)
			abort();
	}
	rop_push_init_growable(&p, mem);
	if (ics_idset_push(&p, ids) != ROP_OK)
		abort();
	struct mapi_binary b = {(uint32_t)p.ofs, p.data};
	return b;
}

static struct mapi_long_term_id folder_ltid(uint8_t seed, uint64_t globcnt)
{
	struct mapi_long_term_id l;
	memset(&l, 0, sizeof(l));
	for (int i = 0; i < 16; i++)
		l.guid.b[i] = (uint8_t)(0xC0 ^ (seed + i));
	for (int i = 5; i >= 0; i--, globcnt >>= 8)
		l.globcnt[i] = (uint8_t)globcnt;
	return l;
}

static struct mapi_guid repl_guid(uint8_t seed)
{
	struct mapi_guid g;
	for (int i = 0; i < 16; i++)
		g.b[i] = (uint8_t)(seed * 7 + i);
	return g;
}

static struct rop_request write_rq(const struct mapi_long_term_id *f, uint32_t offset,
                                   bool finished, const uint8_t *data, uint32_t len,
                                   const struct mapi_guid *repl)
{
	struct rop_request q = et_rq(ROP_ID_WritePerUserInformation, 0, 0);
	struct rop_write_per_user_information_req *w = &q.u.write_per_user_information;
	w->folder_id = *f;
	w->has_finished = finished;
	w->data_offset = offset;
	w->data.len = len;
	w->data.data = (uint8_t *)data;
	if (repl != NULL)
		w->replguid = *repl;
	return q;
}

static struct rop_request read_rq(const struct mapi_long_term_id *f, uint32_t offset, uint16_t max)
{
	struct rop_request q = et_rq(ROP_ID_ReadPerUserInformation, 0, 0);
	q.u.read_per_user_information.folder_id = *f;
	q.u.read_per_user_information.data_offset = offset;
	q.u.read_per_user_information.max_data_size = max;
	return q;
}

/* Runs one ROP on the logon handle h of session t; its ReturnValue, and
 * the response in *out (on mem). */
static uint32_t run1(struct ems_t *et, TALLOC_CTX *mem, uint32_t h, struct rop_request q,
                     struct rop_response *out)
{
	struct et_result *r = talloc(mem, struct et_result);
	uint32_t hs[1] = {h};
	if (r == NULL || et_exec(et, mem, &q, 1, hs, 1, r) != 0 || r->ret != 0 || r->count != 1)
		return 0xFFFFFFFF;
	if (out != NULL)
		*out = r->resps[0];
	return r->resps[0].return_value;
}

/* Reads the whole value of f max bytes at a time; the number of reads, or
 * -1 when a page breaks a rule (DataSize above max, end not reached...). */
static int read_all(struct ems_t *et, TALLOC_CTX *mem, uint32_t h,
                    const struct mapi_long_term_id *f, uint16_t max, struct mapi_binary *out)
{
	uint8_t *buf = talloc_size(mem, 1);
	uint32_t len = 0;
	for (int reads = 1; reads < 10000; reads++) {
		struct rop_response resp;
		if (run1(et, mem, h, read_rq(f, len, max), &resp) != 0)
			return -1;
		const struct rop_read_per_user_information_resp *r =
		    &resp.u.read_per_user_information;
		if (max != 0 && r->data.len > max)
			return -1;
		buf = talloc_realloc_size(mem, buf, len + r->data.len + 1);
		if (r->data.len > 0)
			memcpy(buf + len, r->data.data, r->data.len);
		len += r->data.len;
		if (r->has_finished) {
			out->len = len;
			out->data = buf;
			return reads;
		}
		if (r->data.len == 0)
			return -1;
	}
	return -1;
}

static bool same_bytes(const struct mapi_binary *a, const struct mapi_binary *b)
{
	return a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

static void test_write_read(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	uint32_t h = et_logon(&t);
	struct mapi_long_term_id f = folder_ltid(1, 0x4242), f2 = folder_ltid(1, 0x4243);
	struct mapi_guid repl = repl_guid(1), repl2 = repl_guid(2);
	struct mapi_binary blob = make_cnset(mem, 1, 60), back;
	struct rop_response resp;

	test_begin("write in one chunk, read back whole (MaxDataSize 0) and via the store");
	test_assert(blob.len > 200);
	test_assert_int(run1(&t, mem, h, write_rq(&f, 0, true, blob.data, blob.len, &repl), NULL),
	                0);
	test_assert_int(read_all(&t, mem, h, &f, 0, &back), 1);
	test_assert(same_bytes(&back, &blob));
	struct store_peruser *row = NULL;
	test_assert_int(store_peruser_get(mem, t.mbox, &f, &row), 1);
	test_assert(same_bytes(&row->data, &blob));
	test_assert_mem(row->replguid.b, repl.b, 16);
	test_end();

	test_begin("GetPerUserGuid answers the ReplGuid, GetPerUserLongTermIds the folder");
	test_assert_int(run1(&t, mem, h,
	                     (struct rop_request){.rop_id = ROP_ID_GetPerUserGuid,
	                                          .u.get_per_user_guid.long_term_id = f},
	                     &resp),
	                0);
	test_assert_mem(resp.u.get_per_user_guid.database_guid.b, repl.b, 16);
	struct rop_request lq = {.rop_id = ROP_ID_GetPerUserLongTermIds};
	lq.u.get_per_user_long_term_ids.database_guid = f.guid;
	test_assert_int(run1(&t, mem, h, lq, &resp), 0);
	test_assert_int(resp.u.get_per_user_long_term_ids.ltids.count, 1);
	test_assert_mem(&resp.u.get_per_user_long_term_ids.ltids.ltids[0], &f, sizeof(f));
	test_end();

	test_begin("write in chunks (across Executes and within one), read in 7-byte pages");
	uint32_t a = 50, b = 120;
	test_assert_int(run1(&t, mem, h, write_rq(&f2, 0, false, blob.data, a, &repl2), NULL), 0);
	/* not finished: nothing stored yet */
	test_assert_int(store_peruser_get(mem, t.mbox, &f2, &row), 0);
	struct rop_request two[2] = {
	    write_rq(&f2, a, false, blob.data + a, b - a, NULL),
	    write_rq(&f2, b, true, blob.data + b, blob.len - b, NULL),
	};
	struct et_result *r = talloc(mem, struct et_result);
	uint32_t hs[1] = {h};
	test_assert_int(et_exec(&t, mem, two, 2, hs, 1, r), 0);
	test_assert_int(r->count, 2);
	test_assert_int(r->resps[0].return_value, 0);
	test_assert_int(r->resps[1].return_value, 0);
	int reads = read_all(&t, mem, h, &f2, 7, &back);
	test_assert_int(reads, (int)((blob.len + 6) / 7));
	test_assert(same_bytes(&back, &blob));
	test_assert_int(run1(&t, mem, h,
	                     (struct rop_request){.rop_id = ROP_ID_GetPerUserGuid,
	                                          .u.get_per_user_guid.long_term_id = f2},
	                     &resp),
	                0);
	test_assert_mem(resp.u.get_per_user_guid.database_guid.b, repl2.b, 16);
	lq.u.get_per_user_long_term_ids.database_guid = f.guid;
	test_assert_int(run1(&t, mem, h, lq, &resp), 0);
	test_assert_int(resp.u.get_per_user_long_term_ids.ltids.count, 2);
	test_end();

	test_begin("a page ends where the data ends; an offset past the end is refused");
	test_assert_int(run1(&t, mem, h, read_rq(&f, blob.len - 3, 100), &resp), 0);
	test_assert_int(resp.u.read_per_user_information.data.len, 3);
	test_assert_int(resp.u.read_per_user_information.has_finished, 1);
	test_assert_int(run1(&t, mem, h, read_rq(&f, blob.len, 100), &resp), 0);
	test_assert_int(resp.u.read_per_user_information.data.len, 0);
	test_assert_int(resp.u.read_per_user_information.has_finished, 1);
	test_assert_int(run1(&t, mem, h, read_rq(&f, blob.len + 1, 100), NULL),
	                EC_InvalidParameter);
	test_end();

	test_begin("overwrite replaces the value");
	struct mapi_binary blob3 = make_cnset(mem, 9, 3);
	test_assert_int(
	    run1(&t, mem, h, write_rq(&f, 0, true, blob3.data, blob3.len, &repl2), NULL), 0);
	test_assert_int(read_all(&t, mem, h, &f, 5, &back), (int)((blob3.len + 4) / 5));
	test_assert(same_bytes(&back, &blob3));
	test_end();

	test_begin("an unknown folder: nothing cached, ecNotFound for its GUID");
	struct mapi_long_term_id unknown = folder_ltid(77, 1);
	test_assert_int(run1(&t, mem, h, read_rq(&unknown, 0, 0), &resp), 0);
	test_assert_int(resp.u.read_per_user_information.has_finished, 1);
	test_assert_int(resp.u.read_per_user_information.data.len, 0);
	test_assert_int(run1(&t, mem, h,
	                     (struct rop_request){.rop_id = ROP_ID_GetPerUserGuid,
	                                          .u.get_per_user_guid.long_term_id = unknown},
	                     NULL),
	                EC_NotFound);
	lq.u.get_per_user_long_term_ids.database_guid = unknown.guid;
	test_assert_int(run1(&t, mem, h, lq, &resp), 0);
	test_assert_int(resp.u.get_per_user_long_term_ids.ltids.count, 0);
	test_end();
	talloc_free(mem);
}

static void test_broken_writes(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	uint32_t h = et_logon(&t);
	struct mapi_long_term_id f = folder_ltid(2, 0x99), other = folder_ltid(2, 0x9A);
	struct mapi_guid repl = repl_guid(3);
	struct mapi_binary old = make_cnset(mem, 3, 10), blob = make_cnset(mem, 4, 40), back;

	test_assert_int(run1(&t, mem, h, write_rq(&f, 0, true, old.data, old.len, &repl), NULL), 0);

	test_begin("a continuation at the wrong DataOffset: ecError, the value unchanged");
	test_assert_int(run1(&t, mem, h, write_rq(&f, 0, false, blob.data, 30, &repl), NULL), 0);
	test_assert_int(
	    run1(&t, mem, h, write_rq(&f, 31, true, blob.data + 31, blob.len - 31, NULL), NULL),
	    EC_GeneralFailure);
	/* the data collected so far was dropped: the right offset fails too */
	test_assert_int(
	    run1(&t, mem, h, write_rq(&f, 30, true, blob.data + 30, blob.len - 30, NULL), NULL),
	    EC_GeneralFailure);
	test_assert_int(read_all(&t, mem, h, &f, 0, &back), 1);
	test_assert(same_bytes(&back, &old));
	test_end();

	test_begin("a continuation for another FolderId: ecError, neither folder written");
	test_assert_int(run1(&t, mem, h, write_rq(&f, 0, false, blob.data, 30, &repl), NULL), 0);
	test_assert_int(
	    run1(&t, mem, h, write_rq(&other, 30, true, blob.data + 30, blob.len - 30, NULL), NULL),
	    EC_GeneralFailure);
	test_assert_int(
	    run1(&t, mem, h, write_rq(&f, 30, true, blob.data + 30, blob.len - 30, NULL), NULL),
	    EC_GeneralFailure);
	test_assert_int(read_all(&t, mem, h, &f, 0, &back), 1);
	test_assert(same_bytes(&back, &old));
	struct store_peruser *row = NULL;
	test_assert_int(store_peruser_get(mem, t.mbox, &other, &row), 0);
	test_end();

	test_begin("a continuation with nothing begun: ecError");
	test_assert_int(run1(&t, mem, h, write_rq(&other, 5, true, blob.data, 5, NULL), NULL),
	                EC_GeneralFailure);
	test_assert_int(store_peruser_get(mem, t.mbox, &other, &row), 0);
	test_end();

	test_begin("DataOffset 0 restarts a write; a malformed IDSET is ecCorruptData");
	test_assert_int(run1(&t, mem, h, write_rq(&f, 0, false, blob.data, 30, &repl), NULL), 0);
	test_assert_int(run1(&t, mem, h, write_rq(&f, 0, true, blob.data, blob.len, &repl), NULL),
	                0);
	test_assert_int(read_all(&t, mem, h, &f, 0, &back), 1);
	test_assert(same_bytes(&back, &blob));
	/* a GUID then a GLOBSET cut off before its End command */
	test_assert_int(run1(&t, mem, h, write_rq(&f, 0, true, old.data, old.len - 1, &repl), NULL),
	                EC_CorruptData);
	const uint8_t junk[] = {0x01, 0x02};
	test_assert_int(run1(&t, mem, h, write_rq(&f, 0, true, junk, sizeof(junk), &repl), NULL),
	                EC_CorruptData);
	test_assert_int(read_all(&t, mem, h, &f, 0, &back), 1);
	test_assert(same_bytes(&back, &blob));
	test_end();
	talloc_free(mem);
}

/* A session that ends between two chunks leaves the old value; the store
 * is reopened and the value is still there. */
static void test_session_end_and_reopen(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	uint32_t h = et_logon(&t), ec = 0;
	struct mapi_long_term_id f = folder_ltid(3, 0x5);
	struct mapi_guid repl = repl_guid(4);
	struct mapi_binary old = make_cnset(mem, 5, 8), blob = make_cnset(mem, 6, 30), back;
	const char *error = NULL;

	test_begin("a session that ends mid-write leaves the stored value as it was");
	test_assert_int(run1(&t, mem, h, write_rq(&f, 0, true, old.data, old.len, &repl), NULL), 0);
	test_assert_int(run1(&t, mem, h, write_rq(&f, 0, false, blob.data, 20, &repl), NULL), 0);
	ems_session_free(&t.s);
	t.s = et_connect(&t, "alice@example.com", t.user->legacy_dn, &ec);
	test_assert(t.s != NULL);
	h = et_logon(&t);
	test_assert_int(
	    run1(&t, mem, h, write_rq(&f, 20, true, blob.data + 20, blob.len - 20, NULL), NULL),
	    EC_GeneralFailure);
	test_assert_int(read_all(&t, mem, h, &f, 0, &back), 1);
	test_assert(same_bytes(&back, &old));
	test_end();

	test_begin("the value survives closing and reopening the store");
	ems_session_free(&t.s);
	store_mailbox_close(&t.mbox);
	talloc_free(t.srv);
	t.srv = NULL;
	store_close(&t.store);
	struct store_settings ss = {.nosync = true, .mapsize = 1ULL << 30};
	test_assert_int(store_open(t.mem, t.dir, &ss, &t.store, &error), 0);
	test_assert_int(
	    ems_server_new(t.mem, t.store, t.directory, "mail.example.com", &t.srv, &error), 0);
	test_assert_int(store_mailbox_open(t.mem, t.store, &t.user->mailbox_guid, &t.mbox, &error),
	                0);
	t.s = et_connect(&t, "alice@example.com", t.user->legacy_dn, &ec);
	test_assert(t.s != NULL);
	h = et_logon(&t);
	test_assert_int(read_all(&t, mem, h, &f, 3, &back), (int)((old.len + 2) / 3));
	test_assert(same_bytes(&back, &old));
	struct rop_response resp;
	test_assert_int(run1(&t, mem, h,
	                     (struct rop_request){.rop_id = ROP_ID_GetPerUserGuid,
	                                          .u.get_per_user_guid.long_term_id = f},
	                     &resp),
	                0);
	test_assert_mem(resp.u.get_per_user_guid.database_guid.b, repl.b, 16);
	test_end();
	talloc_free(mem);
}

/* Stages chunk-sized pieces of zeroes for f on logon lid until total bytes
 * are held; the ReturnValue of the first chunk that fails, 0 when none. */
static uint32_t stage(TALLOC_CTX *mem, uint32_t h, uint8_t lid, const struct mapi_long_term_id *f,
                      uint32_t total)
{
	static uint8_t zeroes[30000];
	struct mapi_guid repl = repl_guid(9);
	for (uint32_t off = 0; off < total;) {
		uint32_t n = total - off < sizeof(zeroes) ? total - off : (uint32_t)sizeof(zeroes);
		struct rop_request q = write_rq(f, off, false, zeroes, n, off == 0 ? &repl : NULL);
		q.logon_id = lid;
		uint32_t ec = run1(&t, mem, h, q, NULL);
		if (ec != 0)
			return ec;
		off += n;
	}
	return 0;
}

/* Unfinished writes are bounded per session, across its logons, and the
 * bound is given back when a logon goes. */
static void test_write_limit(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	uint32_t h0 = et_logon(&t);
	struct mapi_long_term_id f = folder_ltid(5, 1), g = folder_ltid(5, 2);
	struct et_result *r = talloc(mem, struct et_result);
	struct rop_request lq = et_logon_req(&t, 1, 0);
	uint32_t hs[1] = {0xFFFFFFFF};

	test_begin("unfinished writes: STORE_PERUSER_MAX per session, across logons");
	test_assert_int(et_exec(&t, mem, &lq, 1, hs, 1, r), 0);
	test_assert_int(r->resps[0].return_value, 0);
	uint32_t h1 = r->handles[0];
	/* one write past the limit is refused and its data dropped */
	test_assert_int(stage(mem, h0, 0, &f, STORE_PERUSER_MAX + 1), EC_MessageTooBig);
	test_assert_int(stage(mem, h0, 0, &f, STORE_PERUSER_MAX - 1000), 0);
	/* another logon of the session shares the bound */
	test_assert_int(stage(mem, h1, 1, &g, 2000), EC_MessageTooBig);
	test_assert_int(stage(mem, h1, 1, &g, 1000), 0);
	/* releasing logon 0 gives its bytes back */
	struct rop_request rel = et_rq(ROP_ID_Release, 0, 0);
	hs[0] = h0;
	test_assert_int(et_exec(&t, mem, &rel, 1, hs, 1, r), 0);
	test_assert_int(stage(mem, h1, 1, &g, 3000000), 0);
	/* the whole value is still checked when it ends: zeroes are no IDSET */
	struct rop_request fin = write_rq(&g, 3000000, true, NULL, 0, NULL);
	fin.logon_id = 1;
	test_assert_int(run1(&t, mem, h1, fin, NULL), EC_CorruptData);
	struct store_peruser *row = NULL;
	test_assert_int(store_peruser_get(mem, t.mbox, &g, &row), 0);
	test_end();
	talloc_free(mem);
}

/* Answers sized to the response buffer: a LongTermID list that cannot fit
 * is cut (never a RopBufferTooSmall resent for ever), a page is cut. */
static void test_small_buffer(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	uint32_t h = et_logon(&t), hs[1] = {h};
	struct mapi_guid repl = repl_guid(10);
	struct mapi_binary blob = make_cnset(mem, 11, 800);
	struct et_result *r = talloc(mem, struct et_result);
	struct mapi_long_term_id f = folder_ltid(6, 0);

	test_begin("GetPerUserLongTermIds and ReadPerUserInformation fit a small buffer");
	for (uint64_t i = 1; i <= 300; i++) {
		struct mapi_long_term_id l = folder_ltid(6, i);
		test_assert_int(store_peruser_put(t.mbox, &l, &repl, NULL, 0), 0);
	}
	struct rop_request lq = {.rop_id = ROP_ID_GetPerUserLongTermIds};
	lq.u.get_per_user_long_term_ids.database_guid = f.guid;
	test_assert_int(et_exec(&t, mem, &lq, 1, hs, 1, r), 0);
	test_assert_int(r->resps[0].return_value, 0);
	test_assert_int(r->resps[0].u.get_per_user_long_term_ids.ltids.count, 300);
	test_assert_int(et_exec_full(&t, mem, &lq, 1, hs, 1,
	                             RPC_EXT_PUL_NOCOMPRESSION | RPC_EXT_PUL_NOXORMAGIC, 2000, r),
	                0);
	test_assert_int(r->count, 1);
	test_assert_int(r->resps[0].rop_id, ROP_ID_GetPerUserLongTermIds);
	test_assert_int(r->resps[0].return_value, 0);
	/* (a RopBufferTooSmall in its place has no list to look at) */
	uint16_t got = r->resps[0].rop_id == ROP_ID_GetPerUserLongTermIds
	                   ? r->resps[0].u.get_per_user_long_term_ids.ltids.count
	                   : 0;
	test_assert(got > 0 && got < 300);
	for (uint16_t i = 0; i < got; i++) {
		struct mapi_long_term_id l = folder_ltid(6, (uint64_t)i + 1);
		test_assert_mem(&r->resps[0].u.get_per_user_long_term_ids.ltids.ltids[i], &l,
		                sizeof(l));
	}
	struct mapi_long_term_id big = folder_ltid(6, 1000);
	test_assert(blob.len > 2000);
	struct rop_request w = write_rq(&big, 0, true, blob.data, blob.len, &repl);
	test_assert_int(run1(&t, mem, h, w, NULL), 0);
	struct rop_request rq = read_rq(&big, 0, 0xFFFF);
	test_assert_int(et_exec_full(&t, mem, &rq, 1, hs, 1,
	                             RPC_EXT_PUL_NOCOMPRESSION | RPC_EXT_PUL_NOXORMAGIC, 1000, r),
	                0);
	test_assert_int(r->resps[0].rop_id, ROP_ID_ReadPerUserInformation);
	test_assert_int(r->resps[0].return_value, 0);
	if (r->resps[0].rop_id == ROP_ID_ReadPerUserInformation) {
		const struct rop_read_per_user_information_resp *p =
		    &r->resps[0].u.read_per_user_information;
		test_assert(p->data.len > 0 && p->data.len < 1000);
		test_assert_int(p->has_finished, 0);
		if (p->data.len > 0 && p->data.len <= blob.len)
			test_assert_mem(p->data.data, blob.data, p->data.len);
	}
	test_end();
	talloc_free(mem);
}

/* Each user's table lives in that user's mailbox. */
static void test_other_user(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	uint32_t ha = et_logon(&t), ec = 0;
	struct mapi_long_term_id f = folder_ltid(4, 0x1000);
	struct mapi_guid repl_a = repl_guid(5), repl_b = repl_guid(6);
	struct mapi_binary va = make_cnset(mem, 7, 12), vb = make_cnset(mem, 8, 5), back;
	struct rop_response resp;

	test_begin("user B's session cannot read user A's per-user data");
	test_assert_int(run1(&t, mem, ha, write_rq(&f, 0, true, va.data, va.len, &repl_a), NULL),
	                0);
	struct ems_t tb = t;
	tb.user = et_add_user(&t, "bob@example.com", "Bob Example");
	tb.s = et_connect(&t, "bob@example.com", tb.user->legacy_dn, &ec);
	test_assert(tb.s != NULL);
	test_assert_int(ec, 0);
	uint32_t hb = et_logon(&tb);
	test_assert_int(run1(&tb, mem, hb, read_rq(&f, 0, 0), &resp), 0);
	test_assert_int(resp.u.read_per_user_information.has_finished, 1);
	test_assert_int(resp.u.read_per_user_information.data.len, 0);
	test_assert_int(run1(&tb, mem, hb,
	                     (struct rop_request){.rop_id = ROP_ID_GetPerUserGuid,
	                                          .u.get_per_user_guid.long_term_id = f},
	                     NULL),
	                EC_NotFound);
	struct rop_request lq = {.rop_id = ROP_ID_GetPerUserLongTermIds};
	lq.u.get_per_user_long_term_ids.database_guid = f.guid;
	test_assert_int(run1(&tb, mem, hb, lq, &resp), 0);
	test_assert_int(resp.u.get_per_user_long_term_ids.ltids.count, 0);
	test_end();

	test_begin("B's own write for the same folder leaves A's value alone");
	test_assert_int(run1(&tb, mem, hb, write_rq(&f, 0, true, vb.data, vb.len, &repl_b), NULL),
	                0);
	test_assert_int(read_all(&tb, mem, hb, &f, 0, &back), 1);
	test_assert(same_bytes(&back, &vb));
	test_assert_int(read_all(&t, mem, ha, &f, 0, &back), 1);
	test_assert(same_bytes(&back, &va));
	test_assert_int(run1(&t, mem, ha,
	                     (struct rop_request){.rop_id = ROP_ID_GetPerUserGuid,
	                                          .u.get_per_user_guid.long_term_id = f},
	                     &resp),
	                0);
	test_assert_mem(resp.u.get_per_user_guid.database_guid.b, repl_a.b, 16);
	test_end();
	ems_session_free(&tb.s);
	talloc_free(mem);
}

int main(void)
{
	et_setup(&t);
	test_write_read();
	test_broken_writes();
	test_session_end_and_reopen();
	test_write_limit();
	test_small_buffer();
	test_other_user();
	et_teardown(&t);
	return test_exit();
}
