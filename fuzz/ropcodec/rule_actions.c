/*
 * Fuzz target: RuleAction ([MS-OXORULE] 2.2.5).  The first byte picks the
 * count width (standard 16-bit or extended-rule 32-bit); whatever decodes
 * is encoded again and decoded again, and the two encodings must match.
 */
#include <stdlib.h>
#include <string.h>

#include "rule_actions.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TALLOC_CTX *ctx;
	struct rop_pull r;
	struct rop_push w, w2;
	struct mapi_rule_actions *a, *b;
	int width;

	if (size < 1)
		return 0;
	width = data[0] & 1 ? ROP_COUNT_WIDTH_32 : ROP_COUNT_WIDTH_ROP;
	ctx = talloc_new(NULL);
	rop_pull_init(&r, ctx, data + 1, size - 1);
	if (rule_actions_pull(&r, width, ctx, &a) == ROP_OK) {
		rop_push_init_growable(&w, ctx);
		/* values that cannot re-encode (bad UTF-16) are refused, not
		 * mangled; what encodes must be stable */
		if (rule_actions_push(&w, width, a) == ROP_OK) {
			rop_pull_init(&r, ctx, w.data, w.ofs);
			if (rule_actions_pull(&r, width, ctx, &b) != ROP_OK)
				abort();
			rop_push_init_growable(&w2, ctx);
			if (rule_actions_push(&w2, width, b) != ROP_OK || w2.ofs != w.ofs ||
			    (w.ofs > 0 && memcmp(w.data, w2.data, w.ofs) != 0))
				abort();
		}
	}
	talloc_free(ctx);
	return 0;
}
