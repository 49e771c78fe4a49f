/*
 * mapi_restrict: evaluation of [MS-OXCDATA] 2.12 restrictions and ordering
 * of property values, independent of where the values live.  Used by the
 * store's tables and by the address book.
 */
#ifndef MAPI_RESTRICT_H
#define MAPI_RESTRICT_H

#include <talloc.h>

#include "mapi_types.h"

struct mapi_restrict_ops {
	/* Fetches the value of proptag of the row being tested; the type in
	 * proptag may be PT_UNSPECIFIED.  Values are allocated on mem_ctx.
	 * Returns 1 found, 0 absent, <0 error (passed through). */
	int (*get)(TALLOC_CTX *mem_ctx, void *ctx, uint32_t proptag, struct mapi_propval *val_r);
	/* Evaluates res on each recipient (PR_MESSAGE_RECIPIENTS) or
	 * attachment (PR_MESSAGE_ATTACHMENTS) of the row: 1 when one matches,
	 * 0 when none, <0 on error.  May be NULL: sub-restrictions are false. */
	int (*sub)(void *ctx, uint32_t subobject, const struct mapi_restriction *res);
};

/* Evaluates res against one row: 1 matches, 0 does not, <0 error from a
 * callback, or -1 when nesting exceeds MAPI_RESTRICTION_MAX_DEPTH. */
int mapi_restrict_eval(const struct mapi_restriction *res, const struct mapi_restrict_ops *ops,
                       void *ctx);

/* Orders two values of the same property type: <0, 0, >0.  Strings
 * compare case-insensitively (ASCII), binaries bytewise then by length,
 * multi-valued values element by element.  Values of different types
 * order by type. */
int mapi_propval_compare(const struct mapi_propval *a, const struct mapi_propval *b);

/* Size of a value for RES_SIZE ([MS-OXCDATA] 2.12.7): bytes of its
 * in-memory payload (strings counted with their terminator). */
uint32_t mapi_propval_size(const struct mapi_propval *v);

/* Deep copy of a restriction onto mem_ctx (NULL on allocation failure or
 * excessive depth). */
struct mapi_restriction *mapi_restriction_dup(TALLOC_CTX *mem_ctx,
                                              const struct mapi_restriction *res);

#endif
