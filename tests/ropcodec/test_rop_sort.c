/* Tests of [MS-OXCDATA] 2.13 sort orders. */
#include "rop_sort.h"
#include "test.h"

static void test_sort(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	/* two sorts, one category, expanded: PidTagConversationTopic asc,
	 * PidTagMessageDeliveryTime desc */
	static const uint8_t set[] = {0x02, 0x00, 0x01, 0x00, 0x01, 0x00, 0x1F, 0x00,
	                              0x70, 0x00, 0x00, 0x40, 0x00, 0x06, 0x0E, 0x01};
	static const uint8_t badcat[] = {0x01, 0x00, 0x02, 0x00, 0x00, 0x00,
	                                 0x1F, 0x00, 0x70, 0x00, 0x00};
	static const uint8_t badorder[] = {0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
	                                   0x1F, 0x00, 0x70, 0x00, 0x02};
	struct mapi_sort_order_set s;
	struct rop_pull r;
	struct rop_push w;

	test_begin("SortOrderSet: decode, encode byte exact, truncation, invalid");
	rop_pull_init(&r, tmp, set, sizeof(set));
	test_assert_int(rop_pull_sort_order_set(&r, &s), ROP_OK);
	test_assert_int(s.count, 2);
	test_assert_int(s.categorized_count, 1);
	test_assert_int(s.expanded_count, 1);
	test_assert_int(s.sorts[0].proptag, 0x0070001F);
	test_assert_int(s.sorts[1].proptag, 0x0E060040);
	test_assert_int(s.sorts[1].order, TABLE_SORT_DESCEND);
	rop_push_init_growable(&w, tmp);
	test_assert_int(rop_push_sort_order_set(&w, &s), ROP_OK);
	test_assert(w.ofs == sizeof(set) && memcmp(w.data, set, sizeof(set)) == 0);
	for (size_t cut = 0; cut < sizeof(set); cut++) {
		rop_pull_init(&r, tmp, set, cut);
		test_assert(rop_pull_sort_order_set(&r, &s) != ROP_OK);
	}
	rop_pull_init(&r, tmp, badcat, sizeof(badcat));
	test_assert_int(rop_pull_sort_order_set(&r, &s), ROP_E_INVALID);
	rop_pull_init(&r, tmp, badorder, sizeof(badorder));
	test_assert_int(rop_pull_sort_order_set(&r, &s), ROP_E_INVALID);
	test_end();
	talloc_free(tmp);
}

int main(void)
{
	test_sort();
	return test_exit();
}
