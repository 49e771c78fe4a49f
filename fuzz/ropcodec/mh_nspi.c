/*
 * Fuzz target: the MAPI/HTTP NSPI bodies (mh_nspi.h).  First byte: request
 * type (low 7 bits, modulo the type count) and direction (high bit set =
 * response).  What decodes is encoded, decoded and encoded again; the two
 * encodings must be equal bytes (Has bytes are normalised to 0xFF, so the
 * first encoding may differ from the input).  What decodes is also printed
 * (rop_print_nspi_body).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mh_nspi.h"
#include "rop_print.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static enum rop_err pull(TALLOC_CTX *ctx, bool resp, enum nspi_request_type t, const uint8_t *d,
                         size_t n, void *obj)
{
	return resp ? nspi_resp_pull(ctx, t, d, n, obj) : nspi_req_pull(ctx, t, d, n, obj);
}

static enum rop_err push(struct rop_push *p, bool resp, enum nspi_request_type t, const void *obj)
{
	return resp ? nspi_resp_push(p, t, obj) : nspi_req_push(p, t, obj);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	TALLOC_CTX *tmp = talloc_new(NULL);
	bool resp = (data[0] & 0x80) != 0;
	enum nspi_request_type t =
	    (enum nspi_request_type)((data[0] & 0x7f) % NSPI_REQUEST_TYPE_COUNT);
	size_t osize = resp ? nspi_resp_size(t) : nspi_req_size(t);
	void *a = talloc_zero_size(tmp, osize), *b = talloc_zero_size(tmp, osize);
	struct rop_push w1, w2;

	if (pull(tmp, resp, t, data + 1, size - 1, a) == ROP_OK) {
		struct rop_printer pr;
		rop_printer_init(&pr, tmp);
		if (rop_print_nspi_body(&pr, t, resp ? ROP_PRINT_RESPONSE : ROP_PRINT_REQUEST,
		                        data + 1, size - 1) != ROP_OK)
			abort(); /* the printer decodes what the codec decoded */
		rop_push_init_growable(&w1, tmp);
		if (push(&w1, resp, t, a) == ROP_OK) {
			if (pull(tmp, resp, t, w1.data, w1.ofs, b) != ROP_OK)
				abort();
			rop_push_init_growable(&w2, tmp);
			if (push(&w2, resp, t, b) != ROP_OK || w2.ofs != w1.ofs ||
			    memcmp(w1.data, w2.data, w1.ofs) != 0)
				abort();
		}
	}
	talloc_free(tmp);
	return 0;
}
