/*
 * Fuzz target: property values and the structures built from them
 * ([MS-OXCDATA] 2.6 - 2.11): TaggedPropertyValue, TypedPropertyValue,
 * FlaggedPropertyValue(WithType), PropertyRow, PropertyRowSet,
 * PropertyProblem arrays, PropertyName, PropertyTagArray.
 *
 * Byte 0: bits 0-2 pick the structure, bit 3 the COUNT width (16 bits as
 * in ROP buffers, 32 as in extended rules and NSPI bodies).  Structures
 * that need columns read a count n (byte 1, mod 9) and n property tags
 * first (flagged values use the first column).  What decodes is encoded
 * again: as many bytes as it came from, the same bytes unless the decoder
 * canonicalised a value (a PtypBoolean byte other than 0/1, the type of a
 * flagged FlaggedPropertyValueWithType, rop_propval.h), and then a stable
 * encoding (decoded and encoded again, the same bytes).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rop_propval.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Encodes what decoded; encoding a decoded value never fails. */
#define PUSH(x)                                                                                    \
	do {                                                                                       \
		if ((x) != ROP_OK)                                                                 \
			abort();                                                                   \
	} while (0)

/* A pull that fails puts the cursor back where it started. */
#define PULL(x)                                                                                    \
	do {                                                                                       \
		size_t at_ = r->ofs;                                                               \
		if ((x) != ROP_OK) {                                                               \
			r->ofs = at_;                                                              \
			return false;                                                              \
		}                                                                                  \
	} while (0)

/* Decodes one structure of kind k at r and encodes it into w; false when
 * the input does not decode. */
static bool one(int k, int width, const struct mapi_proptag_array *cols, struct rop_pull *r,
                struct rop_push *w)
{
	struct mapi_propval v;
	uint32_t col = cols->count > 0 ? cols->tags[0] : PROP_TAG(PT_UNSPECIFIED, 0x0001);

	switch (k) {
	case 0:
		PULL(rop_pull_tagged_propval(r, width, &v));
		PUSH(rop_push_tagged_propval(w, width, &v));
		return true;
	case 1:
		PULL(rop_pull_typed_propval(r, width, col, &v));
		PUSH(rop_push_typed_propval(w, width, &v));
		return true;
	case 2:
		PULL(rop_pull_flagged_propval(r, width, col, &v));
		PUSH(rop_push_flagged_propval(w, width, col, &v));
		return true;
	case 3:
		PULL(rop_pull_flagged_propval_typed(r, width, col, &v));
		PUSH(rop_push_flagged_propval_typed(w, width, &v));
		return true;
	case 4: {
		struct rop_property_row row;
		PULL(rop_pull_property_row(r, cols, width, &row));
		PUSH(rop_push_property_row(w, cols, width, &row));
		return true;
	}
	case 5: {
		struct rop_property_row_set set;
		PULL(rop_pull_property_row_set(r, cols, width, &set));
		PUSH(rop_push_property_row_set(w, cols, width, &set));
		return true;
	}
	case 6: {
		struct rop_property_problem_array pa;
		struct mapi_property_name name;
		PULL(rop_pull_property_problems(r, &pa));
		PUSH(rop_push_property_problems(w, &pa));
		PULL(rop_pull_property_name(r, &name));
		PUSH(rop_push_property_name(w, &name));
		return true;
	}
	default: {
		struct mapi_proptag_array tags;
		struct rop_propid_array ids;
		PULL(rop_pull_proptag_array(r, width, &tags));
		PUSH(rop_push_proptag_array(w, width, &tags));
		PULL(rop_pull_propid_array(r, &ids));
		PUSH(rop_push_propid_array(w, &ids));
		return true;
	}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TALLOC_CTX *tmp;
	struct mapi_proptag_array cols = {0, NULL};
	struct rop_pull r;
	struct rop_push w;
	int k, width;
	size_t n;

	if (size < 2)
		return 0;
	k = data[0] & 7;
	width = (data[0] & 8) != 0 ? ROP_COUNT_WIDTH_32 : ROP_COUNT_WIDTH_ROP;
	n = data[1] % 9;
	data += 2;
	size -= 2;
	if (size < n * 4)
		return 0;
	tmp = talloc_new(NULL);
	cols.count = (uint32_t)n;
	cols.tags = talloc_array(tmp, uint32_t, n > 0 ? n : 1);
	for (size_t i = 0; i < n; i++)
		memcpy(&cols.tags[i], data + 4 * i, 4); /* little-endian hosts only */
	data += n * 4;
	size -= n * 4;
	rop_pull_init(&r, tmp, data, size);
	rop_push_init_growable(&w, tmp);
	/* several structures back to back, until one does not decode */
	while (rop_pull_left(&r) > 0 && one(k, width, &cols, &r, &w))
		;
	if (w.ofs != r.ofs)
		abort(); /* a field dropped or invented */
	if (r.ofs == 0 || memcmp(w.data, data, r.ofs) == 0)
		goto done; /* the same bytes */
	/* a canonicalised value: the encoding must be stable */
	{
		struct rop_pull r2;
		struct rop_push w2;
		rop_pull_init(&r2, tmp, w.data, w.ofs);
		rop_push_init_growable(&w2, tmp);
		while (rop_pull_left(&r2) > 0 && one(k, width, &cols, &r2, &w2))
			;
		if (r2.ofs != w.ofs || w2.ofs != w.ofs || memcmp(w2.data, w.data, w.ofs) != 0)
			abort();
	}
done:
	talloc_free(tmp);
	return 0;
}
