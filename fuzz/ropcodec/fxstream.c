/*
 * Fuzz target: FastTransfer stream reading ([MS-OXCFXICS] 2.2.4.1).  The
 * first byte is a chunk size: the rest is fed to the incremental reader in
 * chunks of that size; every element is written back, and the written
 * stream must parse and re-encode to itself.
 */
#include <stdlib.h>
#include <string.h>

#include "ics_fxstream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TALLOC_CTX *ctx;
	struct ics_fx_reader *r;
	struct ics_fx_writer *w, *w2;
	struct ics_fx_element el, *els;
	const uint8_t *out, *out2;
	size_t chunk, len, len2, n;
	enum rop_err err = ROP_E_SHORT;

	if (size < 1)
		return 0;
	chunk = (size_t)data[0] + 1;
	data++;
	size--;
	ctx = talloc_new(NULL);
	r = ics_fx_reader_new(ctx);
	w = ics_fx_writer_new(ctx);
	for (size_t ofs = 0; ofs < size; ofs += chunk) {
		size_t n_in = size - ofs < chunk ? size - ofs : chunk;
		if (ics_fx_reader_feed(r, data + ofs, n_in) != ROP_OK)
			abort();
		while ((err = ics_fx_reader_next(r, ctx, &el)) == ROP_OK) {
			/* elements written as plain values may be refused
			 * (e.g. strings with bad UTF-16 round-trip as WTF-8) */
			ics_fx_put_element(w, &el);
		}
		if (err != ROP_E_SHORT)
			break;
	}
	if (ics_fx_writer_next(w, SIZE_MAX, 0, &out, &len) != ROP_OK)
		abort();
	if (ics_fx_parse(ctx, out, len, &els, &n) != ROP_OK)
		abort();
	w2 = ics_fx_writer_new(ctx);
	for (size_t i = 0; i < n; i++) {
		if (ics_fx_put_element(w2, &els[i]) != ROP_OK)
			abort();
	}
	if (ics_fx_writer_next(w2, SIZE_MAX, 0, &out2, &len2) != ROP_OK || len2 != len ||
	    memcmp(out, out2, len) != 0)
		abort();
	talloc_free(ctx);
	return 0;
}
