/*
 * rop_sort: SortOrder and SortOrderSet, [MS-OXCDATA] 2.13, decoded into /
 * encoded from struct mapi_sort_order_set.
 */
#ifndef ROP_SORT_H
#define ROP_SORT_H

#include "mapi_types.h"
#include "rop_buf.h"

/* [MS-OXCDATA] 2.13.2 SortOrderSet: SortOrderCount, CategorizedCount,
 * ExpandedCount (16 bits each), then SortOrderCount SortOrders.  Decoding
 * checks CategorizedCount <= SortOrderCount and ExpandedCount <=
 * CategorizedCount (ROP_E_INVALID otherwise); sorts is allocated on the
 * rop_pull's mem_ctx. */
enum rop_err rop_pull_sort_order_set(struct rop_pull *p, struct mapi_sort_order_set *s_r);
enum rop_err rop_push_sort_order_set(struct rop_push *p, const struct mapi_sort_order_set *s);

/* [MS-OXCDATA] 2.13.1 SortOrder: PropertyType, PropertyId, Order. */
enum rop_err rop_pull_sort_order(struct rop_pull *p, struct mapi_sort_order *s_r);
enum rop_err rop_push_sort_order(struct rop_push *p, const struct mapi_sort_order *s);

#endif
