#include "ics_state.h"
#include "test.h"

static void test_state_round_trip(void)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct ics_state *st = ics_state_new(ctx), *back = NULL;
	struct ics_fx_writer *w = ics_fx_writer_new(ctx);
	struct ics_fx_element *els = NULL;
	struct mapi_guid g = {{0xAA, 0xBB}};
	const uint8_t *data;
	size_t len = 0, n = 0, used = 0;

	test_begin("ICS state: stream out, parse back, sets equal");
	test_assert(ics_idset_add_guid_range(st->idset_given, &g, 1, 100) == ROP_OK);
	test_assert(ics_idset_add_guid_range(st->cnset_seen, &g, 1, 500) == ROP_OK);
	test_assert(ics_idset_add_guid_range(st->cnset_read, &g, 7, 7) == ROP_OK);
	test_assert(ics_state_put(w, st) == ROP_OK);
	test_assert(ics_fx_writer_next(w, SIZE_MAX, 0, &data, &len) == ROP_OK);
	/* IdsetGiven travels Integer32-typed: 03 00 17 40 after the Begin marker */
	test_assert(len > 8 && data[4] == 0x03 && data[5] == 0x00 && data[6] == 0x17);
	test_assert(ics_fx_parse(ctx, data, len, &els, &n) == ROP_OK);
	/* Begin, four sets (FAI empty but present), End */
	test_assert_int(n, 6);
	test_assert(ics_state_from_elements(ctx, els, n, &used, &back) == ROP_OK);
	test_assert_int(used, 6);
	if (back != NULL) {
		test_assert_int(ics_idset_contains_guid(back->idset_given, &g, 100), 1);
		test_assert_int(ics_idset_contains_guid(back->idset_given, &g, 101), 0);
		test_assert_int(ics_idset_contains_guid(back->cnset_seen, &g, 500), 1);
		test_assert_int(ics_idset_contains_guid(back->cnset_read, &g, 7), 1);
		test_assert(back->cnset_seen_fai != NULL && back->cnset_seen_fai->count == 0);
	}
	/* without its end marker the state is incomplete */
	test_assert(ics_state_from_elements(ctx, els, n - 1, &used, &back) == ROP_E_SHORT);
	/* not starting at IncrSyncStateBegin */
	test_assert(ics_state_from_elements(ctx, els + 1, n - 1, &used, &back) == ROP_E_INVALID);
	test_end();
	talloc_free(ctx);
}

static void test_upload_props(void)
{
	/* a REPLGUID-based IDSET: GUID 11.., then GLOBCNTs 1-2 */
	static const uint8_t ids[] = {0x11, 0, 0,    0, 0, 0, 0, 0, 0,    0,    0,    0,    0,   0,
	                              0,    0, 0x05, 0, 0, 0, 0, 0, 0x52, 0x01, 0x02, 0x50, 0x00};
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct ics_state *st = ics_state_new(ctx);
	struct mapi_guid g = {{0x11}};

	test_begin("ICS state: properties uploaded one by one");
	test_assert(ics_state_set_prop(st, META_TAG_IDSET_GIVEN, ids, sizeof(ids)) == ROP_OK);
	test_assert_int(ics_idset_contains_guid(st->idset_given, &g, 2), 1);
	test_assert(ics_state_set_prop(st, META_TAG_CNSET_SEEN_FAI, ids, sizeof(ids)) == ROP_OK);
	test_assert_int(ics_idset_contains_guid(st->cnset_seen_fai, &g, 1), 1);
	test_assert(ics_state_set_prop(st, 0x0FFF0102, ids, sizeof(ids)) == ROP_E_UNSUPPORTED);
	test_assert(ics_state_set_prop(st, META_TAG_CNSET_READ, ids, sizeof(ids) - 1) ==
	            ROP_E_SHORT);
	/* a failed upload leaves the previous set in place */
	test_assert(st->cnset_read != NULL && st->cnset_read->count == 0);
	test_end();
	talloc_free(ctx);
}

int main(void)
{
	test_state_round_trip();
	test_upload_props();
	return test_exit();
}
