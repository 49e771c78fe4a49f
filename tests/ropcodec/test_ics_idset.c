#include "ics_idset.h"
#include "test.h"

#include <stdlib.h>

/* Encodes gs into buf; returns the length or -1. */
static long encode_globset(const struct ics_globset *gs, uint8_t *buf, size_t cap)
{
	struct rop_push p;

	rop_push_init_fixed(&p, buf, cap);
	if (ics_globset_push(&p, gs) != ROP_OK)
		return -1;
	return (long)p.ofs;
}

static struct ics_globset *decode_globset(TALLOC_CTX *ctx, const uint8_t *in, size_t len,
                                          enum rop_err *err_r)
{
	struct rop_pull p;
	struct ics_globset *gs = NULL;

	rop_pull_init(&p, ctx, in, len);
	*err_r = ics_globset_pull(&p, ctx, &gs);
	if (*err_r == ROP_OK && rop_pull_left(&p) != 0)
		*err_r = ROP_E_TRAILING;
	return gs;
}

static bool globset_equal(const struct ics_globset *a, const struct ics_globset *b)
{
	if (a->count != b->count)
		return false;
	for (uint32_t i = 0; i < a->count; i++) {
		if (a->ranges[i].low != b->ranges[i].low || a->ranges[i].high != b->ranges[i].high)
			return false;
	}
	return true;
}

/* Checks that in decodes to the ranges given, re-encodes to the same bytes,
 * and that every truncation fails cleanly. */
static void check_globset_bytes(const uint8_t *in, size_t len, const struct ics_range *want,
                                uint32_t nwant)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	enum rop_err err;
	struct ics_globset *gs = decode_globset(ctx, in, len, &err);
	uint8_t out[256];
	long n;

	test_assert_int(err, ROP_OK);
	if (err != ROP_OK) {
		talloc_free(ctx);
		return;
	}
	test_assert_int(gs->count, nwant);
	for (uint32_t i = 0; i < nwant && i < gs->count; i++) {
		test_assert_int(gs->ranges[i].low, want[i].low);
		test_assert_int(gs->ranges[i].high, want[i].high);
	}
	n = encode_globset(gs, out, sizeof(out));
	test_assert_int(n, len);
	if (n == (long)len)
		test_assert_mem(out, in, len);
	for (size_t cut = 0; cut < len; cut++) {
		decode_globset(ctx, in, cut, &err);
		test_assert(err == ROP_E_SHORT);
	}
	/* too small an output at every size: NOSPACE, nothing left behind */
	for (size_t cap = 0; cap < len; cap++) {
		struct rop_push p;
		rop_push_init_fixed(&p, out, cap);
		test_assert(ics_globset_push(&p, gs) == ROP_E_NOSPACE);
		test_assert_int(p.ofs, 0);
	}
	talloc_free(ctx);
}

static void test_spec_bitmask(void)
{
	/* [MS-OXCFXICS] 3.1.5.4.3.1.3: {0x01-0x03, 0x05, 0x07-0x09} with five
	 * common high-order bytes is StartingValue 0x01, Bitmask 0xEB.
	 * fixtures/ropcodec/MS-OXCFXICS-3.1.5.4.3.1.3-bitmask.hex */
	static const uint8_t in[] = {0x05, 0x00, 0x00, 0x00, 0x00, 0x00,
	                             0x42, 0x01, 0xEB, 0x50, 0x00};
	static const struct ics_range want[] = {{1, 3}, {5, 5}, {7, 9}};

	test_begin("GLOBSET Bitmask example of 3.1.5.4.3.1.3");
	check_globset_bytes(in, sizeof(in), want, 3);
	test_end();
}

static void test_singleton_and_range(void)
{
	/* 3.1.5.4.3.1.1: a singleton is a Push of all six bytes (no Pop) */
	static const uint8_t single[] = {0x06, 0x00, 0x00, 0x00, 0x00, 0x12, 0x34, 0x00};
	static const struct ics_range want_single[] = {{0x1234, 0x1234}};
	/* 3.1.5.4.3.1.4: the shared bytes pushed, the rest as a Range */
	static const uint8_t range[] = {0x03, 0x00, 0x00, 0x00, 0x52, 0x00, 0x00,
	                                0x01, 0x01, 0x00, 0x00, 0x50, 0x00};
	static const struct ics_range want_range[] = {{0x1, 0x10000}};
	/* two ranges with no common byte: two Ranges of six bytes each,
	 * then a singleton under the same empty stack */
	static const uint8_t two[] = {0x52, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	                              0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06,
	                              0x02, 0x00, 0x00, 0x00, 0x00, 0x07, 0x00};
	static const struct ics_range want_two[] = {{0x1, 0x010000000000ull},
	                                            {0x020000000007ull, 0x020000000007ull}};
	/* the empty set is just End */
	static const uint8_t empty[] = {0x00};

	test_begin("GLOBSET singleton, Range and empty encodings");
	check_globset_bytes(single, sizeof(single), want_single, 1);
	check_globset_bytes(range, sizeof(range), want_range, 1);
	check_globset_bytes(two, sizeof(two), want_two, 2);
	check_globset_bytes(empty, sizeof(empty), NULL, 0);
	test_end();
}

static void test_nested_pushes(void)
{
	/* 0x0000000A0001..3 and 0x0000000A0105 and 0x0000000B0000-0x0000000B00FF:
	 * push 00 00 00 (common), then group A: push 0A, then group 00: push
	 * 01 (five stacked) -> Bitmask; singleton 01 05; pop; range for B. */
	static const uint8_t in[] = {
	    0x03, 0x00, 0x00, 0x00,                   /* push 3 */
	    0x01, 0x0A,                               /* push 0A */
	    0x01, 0x00, 0x52, 0x01, 0x03, 0x50,       /* push 00, range 1..3, pop */
	    0x02, 0x01, 0x05,                         /* singleton 01 05 */
	    0x50,                                     /* pop 0A */
	    0x02, 0x0B, 0x00, 0x52, 0x00, 0xFF, 0x50, /* push 0B 00, range, pop */
	    0x50, 0x00};
	static const struct ics_range want[] = {
	    {0x0A0001, 0x0A0003}, {0x0A0105, 0x0A0105}, {0x0B0000, 0x0B00FF}};

	test_begin("GLOBSET nested pushes, singleton, ranges");
	check_globset_bytes(in, sizeof(in), want, 3);
	test_end();
}

static void test_bitmask_packing(void)
{
	/* every third value: two Bitmasks of three values each under one Push
	 * of the five common bytes (3.1.5.4.3.1.3: bit n is StartingValue+n+1) */
	static const uint8_t in[] = {0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x42,
	                             0x01, 0x24, 0x42, 0x0A, 0x24, 0x50, 0x00};
	static const struct ics_range want[] = {{1, 1},   {4, 4},   {7, 7},
	                                        {10, 10}, {13, 13}, {16, 16}};

	test_begin("GLOBSET packs sparse values into Bitmasks");
	check_globset_bytes(in, sizeof(in), want, 6);
	test_end();
}

static void test_invalid(void)
{
	static const struct {
		const char *what;
		uint8_t in[16];
		size_t len;
	} cases[] = {
	    {"bitmask with 3 bytes stacked", {0x03, 0, 0, 0, 0x42, 1, 1, 0x50, 0}, 9},
	    {"pop on empty stack", {0x50, 0x00}, 2},
	    {"push past six bytes", {0x04, 0, 0, 0, 0, 0x03, 1, 2, 3, 0x50, 0}, 11},
	    {"range low above high", {0x05, 0, 0, 0, 0, 0, 0x52, 5, 4, 0x50, 0}, 11},
	    {"unknown command", {0x07, 0x00}, 2},
	    {"bitmask carrying past 0xFF", {0x05, 0, 0, 0, 0, 0, 0x42, 0xFE, 0x02, 0x50, 0}, 11},
	};

	test_begin("GLOBSET rejects malformed commands");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		TALLOC_CTX *ctx = talloc_new(NULL);
		enum rop_err err;
		decode_globset(ctx, cases[i].in, cases[i].len, &err);
		if (err != ROP_E_INVALID)
			fprintf(stderr, "case: %s\n", cases[i].what);
		test_assert_int(err, ROP_E_INVALID);
		talloc_free(ctx);
	}
	test_end();
}

static void test_set_operations(void)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct ics_globset *a = ics_globset_new(ctx), *b = ics_globset_new(ctx);

	test_begin("GLOBSET add, merge, remove, union, subtract");
	test_assert(ics_globset_add_range(a, 10, 20) == ROP_OK);
	test_assert(ics_globset_add_range(a, 30, 40) == ROP_OK);
	test_assert(ics_globset_add(a, 21) == ROP_OK); /* touches 10-20 */
	test_assert_int(a->count, 2);
	test_assert_int(a->ranges[0].high, 21);
	test_assert(ics_globset_add_range(a, 22, 29) == ROP_OK); /* joins both */
	test_assert_int(a->count, 1);
	test_assert_int(a->ranges[0].low, 10);
	test_assert_int(a->ranges[0].high, 40);
	test_assert(ics_globset_add(a, 5) == ROP_OK);
	test_assert_int(a->count, 2);
	test_assert_int(ics_globset_contains(a, 5), 1);
	test_assert_int(ics_globset_contains(a, 6), 0);
	test_assert_int(ics_globset_contains(a, 40), 1);
	test_assert_int(ics_globset_contains(a, 41), 0);
	test_assert(ics_globset_remove_range(a, 15, 16) == ROP_OK); /* split */
	test_assert_int(a->count, 3);
	test_assert_int(ics_globset_contains(a, 15), 0);
	test_assert_int(ics_globset_contains(a, 17), 1);
	test_assert_int(ics_globset_size(a), 1 + 5 + 24);
	test_assert(ics_globset_add_range(b, 0, 12) == ROP_OK);
	test_assert(ics_globset_add_range(b, 38, 100) == ROP_OK);
	test_assert(ics_globset_subtract(a, b) == ROP_OK);
	test_assert_int(a->count, 2);
	test_assert_int(a->ranges[0].low, 13);
	test_assert_int(a->ranges[0].high, 14);
	test_assert_int(a->ranges[1].low, 17);
	test_assert_int(a->ranges[1].high, 37);
	test_assert(ics_globset_union(a, b) == ROP_OK);
	test_assert_int(a->count, 2);
	test_assert_int(a->ranges[0].low, 0);
	test_assert_int(a->ranges[0].high, 14);
	test_assert_int(a->ranges[1].high, 100);
	test_assert(ics_globset_add(a, ICS_GLOBCNT_MAX + 1) == ROP_E_INVALID);
	test_assert(ics_globset_add_range(a, 9, 8) == ROP_E_INVALID);
	test_end();
	talloc_free(ctx);
}

/* Random sets: encode, decode, compare; the encoding is canonical. */
static void test_random_round_trip(void)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	uint8_t buf[8192];
	int bad = 0;

	test_begin("GLOBSET random round trips");
	srand(12345);
	for (int iter = 0; iter < 500; iter++) {
		struct ics_globset *gs = ics_globset_new(ctx), *back;
		uint64_t base = ((uint64_t)rand() << 16) & ICS_GLOBCNT_MAX;
		int n = rand() % 40;
		enum rop_err err;
		long len;

		for (int i = 0; i < n; i++) {
			uint64_t lo = base + (uint64_t)(rand() % (1 << (rand() % 20)));
			uint64_t hi = lo + (uint64_t)(rand() % 4 == 0 ? rand() % 300 : 0);
			if (hi > ICS_GLOBCNT_MAX)
				hi = ICS_GLOBCNT_MAX;
			ics_globset_add_range(gs, lo, hi);
		}
		len = encode_globset(gs, buf, sizeof(buf));
		back = len > 0 ? decode_globset(ctx, buf, (size_t)len, &err) : NULL;
		if (len <= 0 || err != ROP_OK || !globset_equal(gs, back))
			bad++;
	}
	test_assert_int(bad, 0);
	test_end();
	talloc_free(ctx);
}

static int map_replid(void *ctx, uint16_t replid, struct mapi_guid *guid_r)
{
	(void)ctx;
	if (replid > 2)
		return 0;
	memset(guid_r->b, 0, sizeof(guid_r->b));
	guid_r->b[0] = (uint8_t)(0xA0 + replid);
	return 1;
}

static void test_idset(void)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct ics_idset *ids = ics_idset_new(ctx, false), *back = NULL, *g = NULL;
	struct rop_push p;
	uint8_t buf[256];
	/* replica 1: GLOBCNTs 1-2 (five bytes pushed, a one-byte Range);
	 * replica 2: GLOBCNT 0x100 (a six-byte Push) */
	static const uint8_t want[] = {0x01, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00,
	                               0x52, 0x01, 0x02, 0x50, 0x00, 0x02, 0x00, 0x06,
	                               0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00};

	test_begin("IDSET by REPLID: ids, encode, decode, convert to REPLGUID");
	test_assert(ics_idset_add_id(ids, MAPI_ID_MAKE(2, 0x100)) == ROP_OK);
	test_assert(ics_idset_add_id(ids, MAPI_ID_MAKE(1, 2)) == ROP_OK);
	test_assert(ics_idset_add_id(ids, MAPI_ID_MAKE(1, 1)) == ROP_OK);
	test_assert_int(ics_idset_contains_id(ids, MAPI_ID_MAKE(1, 2)), 1);
	test_assert_int(ics_idset_contains_id(ids, MAPI_ID_MAKE(2, 2)), 0);
	rop_push_init_fixed(&p, buf, sizeof(buf));
	test_assert(ics_idset_push(&p, ids) == ROP_OK);
	test_assert_int(p.ofs, sizeof(want));
	test_assert_mem(buf, want, sizeof(want));
	test_assert(ics_idset_pull(ctx, want, sizeof(want), false, &back) == ROP_OK);
	test_assert(back != NULL && back->count == 2);
	if (back != NULL) {
		test_assert_int(ics_idset_contains_id(back, MAPI_ID_MAKE(2, 0x100)), 1);
		test_assert_int(ics_idset_contains_id(back, MAPI_ID_MAKE(1, 3)), 0);
	}
	for (size_t cut = 1; cut < sizeof(want); cut++) {
		struct ics_idset *t = NULL;
		if (cut == 13)
			continue; /* the first replica alone is a valid IDSET */
		test_assert(ics_idset_pull(ctx, want, cut, false, &t) != ROP_OK);
	}
	test_assert(ics_idset_to_guid(ctx, ids, map_replid, NULL, &g) == ROP_OK);
	test_assert(g != NULL && g->by_guid && g->count == 2);
	if (g != NULL) {
		struct mapi_guid a1 = {{0xA1}};
		test_assert_int(ics_idset_contains_guid(g, &a1, 2), 1);
		test_assert_int(ics_idset_contains_guid(g, &a1, 0x100), 0);
	}
	test_assert(ics_idset_remove_id(ids, MAPI_ID_MAKE(1, 1)) == ROP_OK);
	test_assert_int(ics_idset_contains_id(ids, MAPI_ID_MAKE(1, 1)), 0);
	test_end();
	talloc_free(ctx);
}

static void test_idset_guid_order(void)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct ics_idset *ids = ics_idset_new(ctx, true), *other = ics_idset_new(ctx, true);
	struct mapi_guid hi = {{0xF0}}, lo = {{0x01}};
	struct rop_push p;
	uint8_t buf[256];

	test_begin("IDSET by REPLGUID: ascending GUID order, union, subtract");
	test_assert(ics_idset_add_guid_range(ids, &hi, 1, 1) == ROP_OK);
	test_assert(ics_idset_add_guid_range(ids, &lo, 5, 9) == ROP_OK);
	rop_push_init_fixed(&p, buf, sizeof(buf));
	test_assert(ics_idset_push(&p, ids) == ROP_OK);
	/* [MS-OXCFXICS] 2.2.2.4.2: the 0x01... GUID comes first */
	test_assert_int(buf[0], 0x01);
	test_assert(ics_idset_add_guid_range(other, &lo, 7, 20) == ROP_OK);
	test_assert(ics_idset_subtract(ids, other) == ROP_OK);
	test_assert_int(ics_idset_contains_guid(ids, &lo, 6), 1);
	test_assert_int(ics_idset_contains_guid(ids, &lo, 7), 0);
	test_assert(ics_idset_union(ids, other) == ROP_OK);
	test_assert_int(ics_idset_contains_guid(ids, &lo, 20), 1);
	test_assert(ics_idset_union(ids, ics_idset_new(ctx, false)) == ROP_E_INVALID);
	test_end();
	talloc_free(ctx);
}

int main(void)
{
	test_spec_bitmask();
	test_singleton_and_range();
	test_nested_pushes();
	test_bitmask_packing();
	test_invalid();
	test_set_operations();
	test_random_round_trip();
	test_idset();
	test_idset_guid_order();
	return test_exit();
}
