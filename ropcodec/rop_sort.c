/* Sort orders, [MS-OXCDATA] 2.13. */
#include "rop_sort.h"

#include <string.h>

static bool order_valid(uint8_t order)
{
	return order == TABLE_SORT_ASCEND || order == TABLE_SORT_DESCEND ||
	       order == TABLE_SORT_MAXIMUM_CATEGORY || order == TABLE_SORT_MINIMUM_CATEGORY;
}

/* [MS-OXCDATA] 2.13.1: the tag travels as PropertyType then PropertyId,
 * i.e. the little-endian image of the 32-bit tag. */
enum rop_err rop_pull_sort_order(struct rop_pull *p, struct mapi_sort_order *s_r)
{
	ROP_CHECK(rop_pull_u32(p, &s_r->proptag));
	ROP_CHECK(rop_pull_u8(p, &s_r->order));
	return order_valid(s_r->order) ? ROP_OK : ROP_E_INVALID;
}

enum rop_err rop_push_sort_order(struct rop_push *p, const struct mapi_sort_order *s)
{
	if (!order_valid(s->order))
		return ROP_E_INVALID;
	ROP_CHECK(rop_push_u32(p, s->proptag));
	return rop_push_u8(p, s->order);
}

enum rop_err rop_pull_sort_order_set(struct rop_pull *p, struct mapi_sort_order_set *s_r)
{
	uint16_t n, cat, exp;

	memset(s_r, 0, sizeof(*s_r));
	ROP_CHECK(rop_pull_u16(p, &n));
	ROP_CHECK(rop_pull_u16(p, &cat));
	ROP_CHECK(rop_pull_u16(p, &exp));
	if (cat > n || exp > cat)
		return ROP_E_INVALID;
	ROP_CHECK(rop_pull_check_count(p, n, 5));
	if (n > 0) {
		s_r->sorts = talloc_array(p->mem_ctx, struct mapi_sort_order, n);
		if (s_r->sorts == NULL)
			return ROP_E_NOMEM;
	}
	for (uint16_t i = 0; i < n; i++)
		ROP_CHECK(rop_pull_sort_order(p, &s_r->sorts[i]));
	s_r->count = n;
	s_r->categorized_count = cat;
	s_r->expanded_count = exp;
	return ROP_OK;
}

enum rop_err rop_push_sort_order_set(struct rop_push *p, const struct mapi_sort_order_set *s)
{
	if (s->categorized_count > s->count || s->expanded_count > s->categorized_count)
		return ROP_E_INVALID;
	ROP_CHECK(rop_push_u16(p, s->count));
	ROP_CHECK(rop_push_u16(p, s->categorized_count));
	ROP_CHECK(rop_push_u16(p, s->expanded_count));
	for (uint16_t i = 0; i < s->count; i++)
		ROP_CHECK(rop_push_sort_order(p, &s->sorts[i]));
	return ROP_OK;
}
