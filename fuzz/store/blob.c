/*
 * Fuzz target: the store's property blob decoder (store_codec.c).  Decodes,
 * re-encodes inline and decodes again; the second decode must succeed and
 * give the same number of properties.  A blob read from a damaged database
 * must give STORE_E_CORRUPT, never a crash.
 */
#include <stdint.h>
#include <stdlib.h>

#include "store_private.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct pbag bag, again;
	if (store_pbag_decode(tmp, data, size, &bag) == 0) {
		struct store_buf buf = {.mem_ctx = tmp};
		uint64_t bytes;
		/* External entries stay references; inline ones re-encode. */
		if (store_pbag_encode(NULL, NULL, &bag, &buf, &bytes) == 0) {
			if (store_pbag_decode(tmp, buf.data, buf.len, &again) != 0 ||
			    again.count != bag.count)
				abort();
		}
		uint32_t t;
		const uint8_t *v;
		size_t vlen;
		bool ext;
		for (uint32_t i = 0; i < bag.count; i++) {
			if (store_blob_find(data, size, bag.e[i].tag, &t, &v, &vlen, &ext) != 1)
				abort();
		}
	}
	talloc_free(tmp);
	return 0;
}
