/*
 * Fuzz target: Restriction packets ([MS-OXCDATA] 2.12), all twelve types,
 * nesting limited by MAPI_RESTRICTION_MAX_DEPTH.  Byte 0 bit 0 picks the
 * COUNT width (16 bits as in ROP buffers, 32 as in extended rules and NSPI
 * bodies); the rest is one restriction.  What decodes is encoded again: as
 * many bytes, decoding to an equal restriction, and the same bytes unless a
 * value was canonicalised (a PtypBoolean byte other than 0/1), in which
 * case the encoding must be stable.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rop_propval.h"
#include "rop_restriction.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TALLOC_CTX *tmp;
	struct mapi_restriction res, back;
	struct rop_pull r;
	struct rop_push w;
	int width;

	if (size < 1)
		return 0;
	tmp = talloc_new(NULL);
	width = (data[0] & 1) != 0 ? ROP_COUNT_WIDTH_32 : ROP_COUNT_WIDTH_ROP;
	rop_pull_init(&r, tmp, data + 1, size - 1);
	if (rop_pull_restriction(&r, width, &res) == ROP_OK) {
		size_t used = r.ofs;
		struct rop_push w2;
		rop_push_init_growable(&w, tmp);
		if (rop_push_restriction(&w, width, &res) != ROP_OK || w.ofs != used)
			abort();
		rop_pull_init(&r, tmp, w.data, w.ofs);
		if (rop_pull_restriction(&r, width, &back) != ROP_OK || r.ofs != used ||
		    !rop_restriction_equal(&res, &back))
			abort();
		/* byte-exact, or a canonicalised value encoded stably */
		rop_push_init_growable(&w2, tmp);
		if (memcmp(w.data, data + 1, used) != 0 &&
		    (rop_push_restriction(&w2, width, &back) != ROP_OK || w2.ofs != used ||
		     memcmp(w2.data, w.data, used) != 0))
			abort();
	}
	talloc_free(tmp);
	return 0;
}
