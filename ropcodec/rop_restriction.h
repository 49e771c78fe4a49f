/*
 * rop_restriction: the Restriction packet of [MS-OXCDATA] 2.12, all twelve
 * restriction types, decoded into / encoded from struct mapi_restriction.
 *
 * COUNT width: in ROP buffers the And/Or RestrictCount is 16 bits
 * (count_width ROP_COUNT_WIDTH_ROP); in extended rules ([MS-OXORULE] 2.2.4)
 * and the NSPI bodies of MAPI/HTTP it is 32 bits (ROP_COUNT_WIDTH_32), and
 * property values inside follow the same width ([MS-OXCDATA] 2.11.1.1).
 *
 * Nesting deeper than MAPI_RESTRICTION_MAX_DEPTH answers ROP_E_DEPTH, both
 * ways.  Decoding allocates on the rop_pull's mem_ctx.
 */
#ifndef ROP_RESTRICTION_H
#define ROP_RESTRICTION_H

#include "mapi_types.h"
#include "rop_buf.h"

enum rop_err rop_pull_restriction(struct rop_pull *p, int count_width,
                                  struct mapi_restriction *r_r);
enum rop_err rop_push_restriction(struct rop_push *p, int count_width,
                                  const struct mapi_restriction *r);

/* The same, starting at nesting depth (for restrictions inside property
 * values inside restrictions). */
enum rop_err rop_pull_restriction_depth(struct rop_pull *p, int count_width, unsigned int depth,
                                        struct mapi_restriction *r_r);
enum rop_err rop_push_restriction_depth(struct rop_push *p, int count_width, unsigned int depth,
                                        const struct mapi_restriction *r);

/* Deep equality (tests and round trips). */
bool rop_restriction_equal(const struct mapi_restriction *a, const struct mapi_restriction *b);

#endif
