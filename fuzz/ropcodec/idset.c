/*
 * Fuzz target: GLOBSET / IDSET / PCL decoding ([MS-OXCFXICS] 2.2.2).  The
 * first byte picks the parser; whatever decodes is encoded again and must
 * decode to the same set (the encoder is canonical).
 */
#include <stdlib.h>
#include <string.h>

#include "ics_idset.h"
#include "ics_xid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_globset(TALLOC_CTX *ctx, const struct ics_globset *gs)
{
	struct rop_push p;
	struct rop_pull r;
	struct ics_globset *back;

	rop_push_init_growable(&p, ctx);
	if (ics_globset_push(&p, gs) != ROP_OK)
		abort();
	rop_pull_init(&r, ctx, p.data, p.ofs);
	if (ics_globset_pull(&r, ctx, &back) != ROP_OK || rop_pull_left(&r) != 0)
		abort();
	if (back->count != gs->count ||
	    (gs->count > 0 &&
	     memcmp(back->ranges, gs->ranges, gs->count * sizeof(gs->ranges[0])) != 0))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TALLOC_CTX *ctx;
	struct rop_pull r;
	struct ics_globset *gs;
	struct ics_idset *ids;
	struct ics_pcl *pcl;

	if (size < 1)
		return 0;
	ctx = talloc_new(NULL);
	switch (data[0] % 4) {
	case 0:
		rop_pull_init(&r, ctx, data + 1, size - 1);
		if (ics_globset_pull(&r, ctx, &gs) == ROP_OK)
			check_globset(ctx, gs);
		break;
	case 1:
	case 2:
		if (ics_idset_pull(ctx, data + 1, size - 1, data[0] % 4 == 2, &ids) == ROP_OK) {
			for (uint32_t i = 0; i < ids->count; i++)
				check_globset(ctx, ids->entries[i].set);
		}
		break;
	default:
		if (ics_pcl_pull(ctx, data + 1, size - 1, &pcl) == ROP_OK) {
			struct rop_push p;
			rop_push_init_growable(&p, ctx);
			if (ics_pcl_push(&p, pcl) != ROP_OK || p.ofs != size - 1 ||
			    (p.ofs > 0 && memcmp(p.data, data + 1, p.ofs) != 0))
				abort();
		}
		break;
	}
	talloc_free(ctx);
	return 0;
}
