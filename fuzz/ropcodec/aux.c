/*
 * Fuzz target: auxiliary blocks (aux.h).  What decodes is encoded, decoded
 * and encoded again; the two encodings must be equal bytes.  Decoded blocks
 * are also printed (aux_print_block).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aux.h"
#include "rop_print_priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct aux_list list, again;
	struct rop_push w1, w2;

	if (aux_decode(tmp, data, size, &list) == ROP_OK) {
		struct rop_printer pr;
		rop_printer_init(&pr, tmp);
		for (size_t i = 0; i < list.count; i++)
			aux_print_block(&pr, &list.blocks[i]);
		rop_push_init_growable(&w1, tmp);
		/* Strings may grow (WTF-8 is kept), so a block can outgrow
		 * 64 KiB only in theory; that is a clean error. */
		if (aux_encode(&w1, &list) == ROP_OK) {
			if (aux_decode(tmp, w1.data, w1.ofs, &again) != ROP_OK ||
			    again.count != list.count)
				abort();
			rop_push_init_growable(&w2, tmp);
			if (aux_encode(&w2, &again) != ROP_OK || w2.ofs != w1.ofs ||
			    (w1.ofs > 0 && memcmp(w1.data, w2.data, w1.ofs) != 0))
				abort();
		}
	}
	talloc_free(tmp);
	return 0;
}
