/*
 * Fuzz target: rule actions ([MS-OXORULE] 2.2.5) and extended-rule values
 * (2.2.4.1.9 / 2.2.4.1.10).  The first byte picks the decoder: RuleAction
 * with 16- or 32-bit counts, PidTagExtendedRuleMessageActions or
 * PidTagExtendedRuleMessageCondition.  Whatever decodes is encoded, decoded
 * and encoded again; the two encodings must match.
 */
#include <stdlib.h>
#include <string.h>

#include "rule_actions.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same(const struct rop_push *a, const struct rop_push *b)
{
	if (a->ofs != b->ofs || (a->ofs > 0 && memcmp(a->data, b->data, a->ofs) != 0))
		abort();
}

static void fuzz_actions(TALLOC_CTX *ctx, const uint8_t *data, size_t size, int width)
{
	struct rop_pull r;
	struct rop_push w, w2;
	struct mapi_rule_actions *a, *b;

	rop_pull_init(&r, ctx, data, size);
	if (rule_actions_pull(&r, width, ctx, &a) != ROP_OK)
		return;
	rop_push_init_growable(&w, ctx);
	/* values that cannot re-encode (bad UTF-16) are refused, not mangled */
	if (rule_actions_push(&w, width, a) != ROP_OK)
		return;
	rop_pull_init(&r, ctx, w.data, w.ofs);
	if (rule_actions_pull(&r, width, ctx, &b) != ROP_OK)
		abort();
	rop_push_init_growable(&w2, ctx);
	if (rule_actions_push(&w2, width, b) != ROP_OK)
		abort();
	same(&w, &w2);
}

static void fuzz_ext(TALLOC_CTX *ctx, const uint8_t *data, size_t size, bool cond)
{
	struct rule_ext_actions *ea, *eb;
	struct rule_ext_condition *ca, *cb;
	struct rop_push w, w2;

	rop_push_init_growable(&w, ctx);
	rop_push_init_growable(&w2, ctx);
	if (cond) {
		if (rule_ext_condition_pull(ctx, data, size, &ca) != ROP_OK ||
		    rule_ext_condition_push(&w, ca) != ROP_OK)
			return;
		if (rule_ext_condition_pull(ctx, w.data, w.ofs, &cb) != ROP_OK ||
		    rule_ext_condition_push(&w2, cb) != ROP_OK)
			abort();
	} else {
		if (rule_ext_actions_pull(ctx, data, size, &ea) != ROP_OK ||
		    rule_ext_actions_push(&w, ea) != ROP_OK)
			return;
		if (rule_ext_actions_pull(ctx, w.data, w.ofs, &eb) != ROP_OK ||
		    rule_ext_actions_push(&w2, eb) != ROP_OK)
			abort();
	}
	same(&w, &w2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TALLOC_CTX *ctx;

	if (size < 1)
		return 0;
	ctx = talloc_new(NULL);
	switch (data[0] % 4) {
	case 0:
		fuzz_actions(ctx, data + 1, size - 1, ROP_COUNT_WIDTH_ROP);
		break;
	case 1:
		fuzz_actions(ctx, data + 1, size - 1, ROP_COUNT_WIDTH_32);
		break;
	default:
		fuzz_ext(ctx, data + 1, size - 1, data[0] % 4 == 3);
		break;
	}
	talloc_free(ctx);
	return 0;
}
