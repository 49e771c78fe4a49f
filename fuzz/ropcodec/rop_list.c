/*
 * Fuzz target: ROP lists ([MS-OXCROPS] 2.2.1), both directions.
 *
 * Byte 0 bit 0 picks the direction.  Requests: the rest is a RopsList for
 * rop_pull_request_list.  Responses: byte 1 is a column count n (mod 9),
 * then n property tags (the RopSetColumns columns, also the tags of the
 * RopGetPropertiesSpecific request answered); byte 0 bit 1 marks a public
 * logon; the rest is responses decoded one by one with rop_pull_response.
 *
 * Whatever decodes is printed (rop_print.h) and encoded again.  The
 * encoding must be as long as the input it came from: a field dropped or
 * invented shows.  It is byte-exact except where the decoder canonicalises
 * a value: a PtypBoolean byte other than 0/1 reads as true, a flagged value
 * with its type ([MS-OXCDATA] 2.11.6) keeps PT_ERROR / PT_NULL, not the
 * type (rop_propval.h); then the encoding must be stable (decoded and
 * encoded again, the same bytes).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rop.h"
#include "rop_print.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_requests(TALLOC_CTX *tmp, const uint8_t *data, size_t size)
{
	struct rop_request_list list;
	struct rop_printer pr;
	struct rop_push w;
	size_t at = 0;

	/* on failure the requests before the failing one are decoded */
	if (rop_pull_request_list(tmp, data, size, NULL, &list, &at) == ROP_OK)
		at = size;
	else if (at > size)
		abort();
	rop_printer_init(&pr, tmp);
	for (uint32_t i = 0; i < list.count; i++)
		rop_print_request(&pr, &list.reqs[i]);
	rop_push_init_growable(&w, tmp);
	if (rop_push_request_list(&w, &list) != ROP_OK || w.ofs != at)
		abort();
	if (at > 0 && memcmp(w.data, data, at) != 0) {
		struct rop_request_list again;
		struct rop_push w2;
		if (rop_pull_request_list(tmp, w.data, w.ofs, NULL, &again, NULL) != ROP_OK ||
		    again.count != list.count)
			abort();
		rop_push_init_growable(&w2, tmp);
		if (rop_push_request_list(&w2, &again) != ROP_OK || w2.ofs != w.ofs ||
		    memcmp(w2.data, w.data, w.ofs) != 0)
			abort();
	}
}

/* A canonicalised response: decoded and encoded again, the same bytes. */
static void check_stable(TALLOC_CTX *tmp, const struct rop_push *w, const struct rop_request *rq,
                         const struct rop_decode_ctx *dctx, const struct rop_encode_ctx *ectx)
{
	struct rop_response again;
	struct rop_pull r2;
	struct rop_push w2;

	rop_pull_init(&r2, tmp, w->data, w->ofs);
	rop_push_init_growable(&w2, tmp);
	if (rop_pull_response(&r2, rq, dctx, &again) != ROP_OK || rop_pull_left(&r2) != 0 ||
	    rop_push_response(&w2, &again, ectx) != ROP_OK || w2.ofs != w->ofs ||
	    memcmp(w2.data, w->data, w->ofs) != 0)
		abort();
}

static void fuzz_responses(TALLOC_CTX *tmp, uint8_t flags, const uint8_t *data, size_t size)
{
	struct mapi_proptag_array cols = {0, NULL};
	struct rop_decode_ctx dctx = {&cols, (flags & 2) != 0};
	struct rop_request gps;
	struct rop_encode_ctx ectx = {&cols, &gps};
	struct rop_pull r;
	size_t n;

	if (size < 1)
		return;
	n = data[0] % 9;
	data++;
	size--;
	if (size < n * 4)
		return;
	cols.count = (uint32_t)n;
	cols.tags = talloc_array(tmp, uint32_t, n > 0 ? n : 1);
	for (size_t i = 0; i < n; i++)
		memcpy(&cols.tags[i], data + 4 * i, 4); /* little-endian hosts only */
	data += n * 4;
	size -= n * 4;
	memset(&gps, 0, sizeof(gps));
	gps.rop_id = ROP_ID_GetPropertiesSpecific;
	gps.u.get_properties_specific.tags = cols;

	rop_pull_init(&r, tmp, data, size);
	while (rop_pull_left(&r) > 0) {
		struct rop_response resp;
		struct rop_printer pr;
		struct rop_push w;
		size_t start = r.ofs;
		const struct rop_request *rq =
		    data[start] == ROP_ID_GetPropertiesSpecific ? &gps : NULL;

		if (rop_pull_response(&r, rq, &dctx, &resp) != ROP_OK) {
			if (r.ofs != start)
				abort(); /* a failed decode leaves the cursor */
			break;
		}
		rop_printer_init(&pr, tmp);
		rop_print_response(&pr, &resp);
		rop_push_init_growable(&w, tmp);
		if (rop_push_response(&w, &resp, &ectx) != ROP_OK || w.ofs != r.ofs - start)
			abort();
		if (memcmp(w.data, data + start, w.ofs) != 0)
			check_stable(tmp, &w, rq, &dctx, &ectx);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TALLOC_CTX *tmp;

	if (size < 1)
		return 0;
	tmp = talloc_new(NULL);
	if ((data[0] & 1) == 0)
		fuzz_requests(tmp, data + 1, size - 1);
	else
		fuzz_responses(tmp, data[0], data + 1, size - 1);
	talloc_free(tmp);
	return 0;
}
