#include "ics_xid.h"
#include "test.h"

static struct ics_xid make_xid(uint8_t guid0, uint64_t cn)
{
	struct mapi_guid g = {{guid0, 0x11, 0x22}};
	struct ics_xid x;

	ics_xid_from_globcnt(&x, &g, cn);
	return x;
}

static void test_xid_bytes(void)
{
	/* [MS-OXCFXICS] 2.2.2.2 XID: NamespaceGuid then LocalId; 3.1.5.3: a
	 * server XID carries the 6-byte GLOBCNT, most significant first. */
	static const uint8_t want[] = {0x16, 0xAA, 0x11, 0x22, 0, 0, 0, 0, 0, 0,    0,   0,
	                               0,    0,    0,    0,    0, 0, 0, 0, 0, 0x01, 0x02};
	struct ics_xid x = make_xid(0xAA, 0x0102), back;
	struct rop_push p;
	struct rop_pull r;
	uint8_t buf[64];

	test_begin("SizedXid encode, decode, truncation");
	rop_push_init_fixed(&p, buf, sizeof(buf));
	test_assert(ics_sized_xid_push(&p, &x) == ROP_OK);
	test_assert_int(p.ofs, sizeof(want));
	test_assert_mem(buf, want, sizeof(want));
	rop_pull_init(&r, NULL, want, sizeof(want));
	test_assert(ics_sized_xid_pull(&r, &back) == ROP_OK);
	test_assert_int(back.size, 6);
	test_assert_int(ics_xid_cmp_local(&back, &x), 0);
	test_assert_mem(back.guid.b, x.guid.b, 16);
	for (size_t cut = 0; cut < sizeof(want); cut++) {
		rop_pull_init(&r, NULL, want, cut);
		test_assert(ics_sized_xid_pull(&r, &back) == ROP_E_SHORT);
		test_assert_int(r.ofs, 0);
	}
	for (size_t cap = 0; cap < sizeof(want); cap++) {
		rop_push_init_fixed(&p, buf, cap);
		test_assert(ics_sized_xid_push(&p, &x) == ROP_E_NOSPACE);
		test_assert_int(p.ofs, 0);
	}
	/* XidSize must leave 1..8 LocalId bytes */
	{
		uint8_t bad[26] = {0x10};
		rop_pull_init(&r, NULL, bad, sizeof(bad));
		test_assert(ics_sized_xid_pull(&r, &back) == ROP_E_INVALID);
		bad[0] = 0x19;
		rop_pull_init(&r, NULL, bad, sizeof(bad));
		test_assert(ics_sized_xid_pull(&r, &back) == ROP_E_INVALID);
		bad[0] = 0x18;
		rop_pull_init(&r, NULL, bad, sizeof(bad));
		test_assert(ics_sized_xid_pull(&r, &back) == ROP_OK);
		test_assert_int(back.size, 8);
	}
	test_end();
}

static void test_pcl_round_trip(void)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct ics_pcl pcl = {0}, *back = NULL;
	struct ics_xid a = make_xid(0x20, 5), b = make_xid(0x10, 9);
	struct rop_push p;
	uint8_t buf[128];

	test_begin("PCL encode sorted by GUID, decode, truncation");
	test_assert(ics_pcl_add(ctx, &pcl, &a) == ROP_OK);
	test_assert(ics_pcl_add(ctx, &pcl, &b) == ROP_OK);
	test_assert_int(pcl.count, 2);
	/* [MS-OXCFXICS] 2.2.2.3: binary-sorted by NamespaceGuid */
	test_assert_int(pcl.xids[0].guid.b[0], 0x10);
	rop_push_init_fixed(&p, buf, sizeof(buf));
	test_assert(ics_pcl_push(&p, &pcl) == ROP_OK);
	test_assert_int(p.ofs, 2 * 23);
	test_assert_int(buf[0], 0x16);
	test_assert_int(buf[1], 0x10);
	test_assert(ics_pcl_pull(ctx, buf, p.ofs, &back) == ROP_OK);
	test_assert(back != NULL && back->count == 2);
	if (back != NULL)
		test_assert_int(ics_pcl_compare(back, &pcl), ICS_PCL_EQUAL);
	for (size_t cut = 1; cut < p.ofs; cut++) {
		if (cut == 23)
			continue; /* one whole SizedXid is a valid PCL */
		test_assert(ics_pcl_pull(ctx, buf, cut, &back) == ROP_E_SHORT);
	}
	test_assert(ics_pcl_pull(ctx, buf, 0, &back) == ROP_OK && back->count == 0);
	test_end();
	talloc_free(ctx);
}

static void test_pcl_relations(void)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct ics_pcl server = {0}, client = {0}, *merged = NULL;
	struct ics_xid s5 = make_xid(0x01, 5), s7 = make_xid(0x01, 7), c3 = make_xid(0x02, 3);

	test_begin("PCL includes / included / conflict and merge");
	test_assert(ics_pcl_add(ctx, &server, &s5) == ROP_OK);
	test_assert(ics_pcl_add(ctx, &client, &s5) == ROP_OK);
	test_assert(ics_pcl_add(ctx, &client, &c3) == ROP_OK);
	/* the client changed the server's version 5: client includes server */
	test_assert_int(ics_pcl_compare(&client, &server), ICS_PCL_INCLUDES);
	test_assert_int(ics_pcl_compare(&server, &client), ICS_PCL_INCLUDED);
	/* meanwhile the server changed it too: conflict */
	test_assert(ics_pcl_add(ctx, &server, &s7) == ROP_OK);
	test_assert_int(server.count, 1);
	test_assert_int(ics_pcl_contains(&server, &s5), 1);
	test_assert_int(ics_pcl_contains(&client, &s7), 0);
	test_assert_int(ics_pcl_compare(&client, &server), ICS_PCL_CONFLICT);
	/* [MS-OXCFXICS] 3.1.5.6.2.1: the resolution's PCL is the merge */
	test_assert(ics_pcl_merge(ctx, &client, &server, &merged) == ROP_OK);
	test_assert(merged != NULL && merged->count == 2);
	if (merged != NULL) {
		test_assert_int(ics_pcl_compare(merged, &server), ICS_PCL_INCLUDES);
		test_assert_int(ics_pcl_compare(merged, &client), ICS_PCL_INCLUDES);
	}
	test_end();
	talloc_free(ctx);
}

int main(void)
{
	test_xid_bytes();
	test_pcl_round_trip();
	test_pcl_relations();
	return test_exit();
}
