/*
 * Fuzz target: the EMSMDB envelope -- RPC_HEADER_EXT chains (rpc_ext.h), the
 * ROP buffer split and raw LZ77 decompression (lz77.h).  Whatever decodes is
 * encoded again and must decode to the same payloads.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lz77.h"
#include "rpc_ext.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_reencode(TALLOC_CTX *tmp, const struct rpc_ext_chain *chain)
{
	struct rop_push w;
	struct rpc_ext_chain again;

	rop_push_init_growable(&w, tmp);
	for (size_t i = 0; i < chain->count; i++) {
		unsigned flags = RPC_EXT_ENCODE_COMPRESS | RPC_EXT_ENCODE_XOR;
		if (i + 1 == chain->count)
			flags |= RPC_EXT_ENCODE_LAST;
		if (chain->blocks[i].len > RPC_EXT_MAX_PAYLOAD)
			return;
		if (rpc_ext_encode_block(&w, chain->blocks[i].data, chain->blocks[i].len, flags) !=
		    ROP_OK)
			abort();
	}
	if (rpc_ext_decode(tmp, w.data, w.ofs, SIZE_MAX, &again) != ROP_OK ||
	    again.count != chain->count)
		abort();
	for (size_t i = 0; i < chain->count; i++)
		if (again.blocks[i].len != chain->blocks[i].len ||
		    memcmp(again.blocks[i].data, chain->blocks[i].data, chain->blocks[i].len) != 0)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[65536];
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct rpc_ext_chain chain;
	size_t n;

	if (lz77_decompress(data, size, out, sizeof(out), &n) == ROP_OK && n > sizeof(out))
		abort();
	if (rpc_ext_decode(tmp, data, size, 1u << 20, &chain) == ROP_OK) {
		for (size_t i = 0; i < chain.count; i++) {
			struct rop_buffer rb;
			if (rop_buffer_split(tmp, chain.blocks[i].data, chain.blocks[i].len, &rb) ==
			        ROP_OK &&
			    rb.rops_len > chain.blocks[i].len)
				abort();
		}
		check_reencode(tmp, &chain);
	}
	talloc_free(tmp);
	return 0;
}
