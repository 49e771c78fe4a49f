/* Extended buffers of [MS-OXCRPC] 2.2.2.1 / 3.1.4.2.1 and the ROP buffer of
 * [MS-OXCROPS] 2.2.1. */
#include "rpc_ext.h"

#include <string.h>

#include "lz77.h"

/* [MS-OXCRPC] 3.1.4.1.1.3 */
void rpc_ext_xor(uint8_t *data, size_t len)
{
	for (size_t i = 0; i < len; i++)
		data[i] ^= RPC_EXT_XOR_MAGIC;
}

/* [MS-OXCRPC] 2.2.2.1 */
enum rop_err rpc_ext_pull_header(struct rop_pull *p, struct rpc_ext_header *hdr_r)
{
	size_t start = p->ofs;
	enum rop_err err;

	if (rop_pull_left(p) < RPC_EXT_HEADER_SIZE)
		return ROP_E_SHORT;
	if ((err = rop_pull_u16(p, &hdr_r->version)) != ROP_OK ||
	    (err = rop_pull_u16(p, &hdr_r->flags)) != ROP_OK ||
	    (err = rop_pull_u16(p, &hdr_r->size)) != ROP_OK ||
	    (err = rop_pull_u16(p, &hdr_r->size_actual)) != ROP_OK) {
		p->ofs = start;
		return err;
	}
	return ROP_OK;
}

enum rop_err rpc_ext_push_header(struct rop_push *p, const struct rpc_ext_header *hdr)
{
	size_t mark = rop_push_mark(p);
	enum rop_err err;

	if ((err = rop_push_u16(p, hdr->version)) != ROP_OK ||
	    (err = rop_push_u16(p, hdr->flags)) != ROP_OK ||
	    (err = rop_push_u16(p, hdr->size)) != ROP_OK ||
	    (err = rop_push_u16(p, hdr->size_actual)) != ROP_OK) {
		rop_push_rewind(p, mark);
		return err;
	}
	return ROP_OK;
}

/* Checks a header against [MS-OXCRPC] 2.2.2.1. */
static enum rop_err header_check(const struct rpc_ext_header *hdr)
{
	if (hdr->version != RPC_EXT_VERSION)
		return ROP_E_INVALID;
	if ((hdr->flags & RPC_EXT_FLAG_COMPRESSED) != 0) {
		/* "the value of the Size field MUST be less than ... SizeActual" */
		if (hdr->size >= hdr->size_actual)
			return ROP_E_INVALID;
	} else if (hdr->size != hdr->size_actual) {
		return ROP_E_INVALID;
	}
	return ROP_OK;
}

static enum rop_err decode_block(TALLOC_CTX *mem_ctx, const struct rpc_ext_header *hdr,
                                 const uint8_t *wire, struct rpc_ext_block *block_r)
{
	uint8_t *data = talloc_size(mem_ctx, hdr->size_actual > 0 ? hdr->size_actual : 1);
	enum rop_err err = ROP_OK;

	if (data == NULL)
		return ROP_E_NOMEM;
	block_r->flags = hdr->flags;
	block_r->data = data;
	block_r->len = hdr->size_actual;
	if ((hdr->flags & RPC_EXT_FLAG_COMPRESSED) == 0) {
		if (hdr->size > 0)
			memcpy(data, wire, hdr->size);
		if ((hdr->flags & RPC_EXT_FLAG_XORMAGIC) != 0)
			rpc_ext_xor(data, hdr->size);
		return ROP_OK;
	}
	const uint8_t *src = wire;
	uint8_t *plain = NULL;
	if ((hdr->flags & RPC_EXT_FLAG_XORMAGIC) != 0) {
		/* Obfuscation is applied after compression, so undone first. */
		plain = talloc_size(mem_ctx, hdr->size > 0 ? hdr->size : 1);
		if (plain == NULL)
			return ROP_E_NOMEM;
		if (hdr->size > 0)
			memcpy(plain, wire, hdr->size);
		rpc_ext_xor(plain, hdr->size);
		src = plain;
	}
	size_t out_len;
	err = lz77_decompress(src, hdr->size, data, hdr->size_actual, &out_len);
	if (err == ROP_OK && out_len != hdr->size_actual)
		err = ROP_E_SHORT;
	talloc_free(plain);
	return err;
}

enum rop_err rpc_ext_decode(TALLOC_CTX *mem_ctx, const uint8_t *in, size_t in_len, size_t max_total,
                            struct rpc_ext_chain *chain_r)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct rpc_ext_block *blocks = NULL;
	size_t count = 0, total = 0;
	struct rop_pull p;
	enum rop_err err = ROP_OK;
	bool last = false;

	if (tmp == NULL)
		return ROP_E_NOMEM;
	rop_pull_init(&p, tmp, in, in_len);
	while (!last) {
		struct rpc_ext_header hdr;
		const uint8_t *wire;

		if ((err = rpc_ext_pull_header(&p, &hdr)) != ROP_OK ||
		    (err = header_check(&hdr)) != ROP_OK ||
		    (err = rop_pull_ref(&p, hdr.size, &wire)) != ROP_OK)
			goto out;
		if (max_total - total < hdr.size_actual) {
			err = ROP_E_TOO_BIG;
			goto out;
		}
		/* Each block needs at least its header, so count stays bounded
		 * by the input. */
		blocks = talloc_realloc(tmp, blocks, struct rpc_ext_block, count + 1);
		if (blocks == NULL) {
			err = ROP_E_NOMEM;
			goto out;
		}
		if ((err = decode_block(blocks, &hdr, wire, &blocks[count])) != ROP_OK)
			goto out;
		count++;
		total += hdr.size_actual;
		last = (hdr.flags & RPC_EXT_FLAG_LAST) != 0;
	}
	if (rop_pull_left(&p) != 0) {
		err = ROP_E_TRAILING;
		goto out;
	}
	chain_r->blocks = talloc_steal(mem_ctx, blocks);
	chain_r->count = count;
out:
	talloc_free(tmp);
	return err;
}

enum rop_err rpc_ext_join(TALLOC_CTX *mem_ctx, const struct rpc_ext_chain *chain, uint8_t **data_r,
                          size_t *len_r)
{
	size_t total = 0, ofs = 0;
	uint8_t *data;

	for (size_t i = 0; i < chain->count; i++)
		total += chain->blocks[i].len;
	data = talloc_size(mem_ctx, total > 0 ? total : 1);
	if (data == NULL)
		return ROP_E_NOMEM;
	for (size_t i = 0; i < chain->count; i++) {
		memcpy(data + ofs, chain->blocks[i].data, chain->blocks[i].len);
		ofs += chain->blocks[i].len;
	}
	*data_r = data;
	*len_r = total;
	return ROP_OK;
}

enum rop_err rpc_ext_encode_block(struct rop_push *p, const uint8_t *payload, size_t len,
                                  unsigned encode_flags)
{
	struct rpc_ext_header hdr = {.version = RPC_EXT_VERSION};
	size_t mark = rop_push_mark(p), body_at;
	uint8_t *packed = NULL;
	size_t packed_len = 0;
	enum rop_err err;

	if (len > RPC_EXT_MAX_PAYLOAD)
		return ROP_E_TOO_BIG;
	if ((encode_flags & RPC_EXT_ENCODE_COMPRESS) != 0 && len > 0) {
		packed = talloc_size(NULL, len);
		if (packed == NULL)
			return ROP_E_NOMEM;
		/* Only smaller than the original counts: Size < SizeActual. */
		if (lz77_compress(payload, len, packed, len - 1, &packed_len) == ROP_OK) {
			hdr.flags |= RPC_EXT_FLAG_COMPRESSED;
			payload = packed;
		} else {
			packed_len = len;
		}
	} else {
		packed_len = len;
	}
	if ((encode_flags & RPC_EXT_ENCODE_XOR) != 0)
		hdr.flags |= RPC_EXT_FLAG_XORMAGIC;
	if ((encode_flags & RPC_EXT_ENCODE_LAST) != 0)
		hdr.flags |= RPC_EXT_FLAG_LAST;
	hdr.size = (uint16_t)packed_len;
	hdr.size_actual = (uint16_t)len;
	if ((err = rpc_ext_push_header(p, &hdr)) != ROP_OK)
		goto out;
	body_at = rop_push_mark(p);
	if ((err = rop_push_bytes(p, payload, packed_len)) != ROP_OK) {
		rop_push_rewind(p, mark);
		goto out;
	}
	if ((hdr.flags & RPC_EXT_FLAG_XORMAGIC) != 0)
		rpc_ext_xor(p->data + body_at, packed_len);
out:
	talloc_free(packed);
	return err;
}

enum rop_err rpc_ext_encode(struct rop_push *p, const uint8_t *payload, size_t len,
                            unsigned encode_flags)
{
	size_t mark = rop_push_mark(p), ofs = 0;
	unsigned flags = encode_flags & ~(unsigned)RPC_EXT_ENCODE_LAST;

	do {
		size_t n = len - ofs < RPC_EXT_MAX_PAYLOAD ? len - ofs : RPC_EXT_MAX_PAYLOAD;
		unsigned f = ofs + n == len ? flags | RPC_EXT_ENCODE_LAST : flags;
		enum rop_err err = rpc_ext_encode_block(p, payload + ofs, n, f);

		if (err != ROP_OK) {
			rop_push_rewind(p, mark);
			return err;
		}
		ofs += n;
	} while (ofs < len);
	return ROP_OK;
}

/* [MS-OXCROPS] 2.2.1 */
enum rop_err rop_buffer_split(TALLOC_CTX *mem_ctx, const uint8_t *payload, size_t len,
                              struct rop_buffer *buf_r)
{
	struct rop_pull p;
	uint16_t rop_size;
	size_t nhandles;

	rop_pull_init(&p, mem_ctx, payload, len);
	ROP_CHECK(rop_pull_u16(&p, &rop_size));
	if (rop_size < 2 || len < rop_size)
		return ROP_E_INVALID;
	if ((len - rop_size) % 4 != 0)
		return ROP_E_INVALID;
	buf_r->rops = payload + 2;
	buf_r->rops_len = (size_t)rop_size - 2;
	nhandles = (len - rop_size) / 4;
	buf_r->handles = NULL;
	buf_r->handle_count = nhandles;
	if (nhandles == 0)
		return ROP_OK;
	buf_r->handles = talloc_array(mem_ctx, uint32_t, nhandles);
	if (buf_r->handles == NULL)
		return ROP_E_NOMEM;
	p.ofs = rop_size;
	for (size_t i = 0; i < nhandles; i++)
		ROP_CHECK(rop_pull_u32(&p, &buf_r->handles[i]));
	return ROP_OK;
}

enum rop_err rop_buffer_push(struct rop_push *p, const uint8_t *rops, size_t rops_len,
                             const uint32_t *handles, size_t handle_count)
{
	size_t mark = rop_push_mark(p);
	enum rop_err err;

	if (rops_len > UINT16_MAX - 2)
		return ROP_E_TOO_BIG;
	if ((err = rop_push_u16(p, (uint16_t)(rops_len + 2))) != ROP_OK ||
	    (err = rop_push_bytes(p, rops, rops_len)) != ROP_OK)
		goto fail;
	for (size_t i = 0; i < handle_count; i++)
		if ((err = rop_push_u32(p, handles[i])) != ROP_OK)
			goto fail;
	return ROP_OK;
fail:
	rop_push_rewind(p, mark);
	return err;
}

/* [MS-OXCRPC] 3.1.4.2: the client asks the server not to compress or not to
 * obfuscate; otherwise the server may do both. */
unsigned rpc_ext_encode_flags_from_pul(uint32_t pul_flags)
{
	unsigned flags = 0;

	if ((pul_flags & RPC_EXT_PUL_NOCOMPRESSION) == 0)
		flags |= RPC_EXT_ENCODE_COMPRESS;
	if ((pul_flags & RPC_EXT_PUL_NOXORMAGIC) == 0)
		flags |= RPC_EXT_ENCODE_XOR;
	return flags;
}

enum rop_err rpc_ext_encode_rop_buffer(struct rop_push *p, const uint8_t *rops, size_t rops_len,
                                       const uint32_t *handles, size_t handle_count,
                                       unsigned encode_flags)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct rop_push payload;
	enum rop_err err;

	if (tmp == NULL)
		return ROP_E_NOMEM;
	rop_push_init_growable(&payload, tmp);
	err = rop_buffer_push(&payload, rops, rops_len, handles, handle_count);
	if (err == ROP_OK && payload.ofs > RPC_EXT_MAX_PAYLOAD)
		err = ROP_E_TOO_BIG;
	if (err == ROP_OK)
		err = rpc_ext_encode_block(p, payload.data, payload.ofs, encode_flags);
	talloc_free(tmp);
	return err;
}
