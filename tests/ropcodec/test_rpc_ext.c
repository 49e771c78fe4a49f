/* rpc_ext: RPC_HEADER_EXT chains, XOR, compression, the ROP buffer split. */
#include "rpc_ext.h"
#include "test.h"
#include "test_rpc_fixture.h"

#include <stdlib.h>

static void fill_text(uint8_t *buf, size_t len)
{
	static const char words[] = "RopQueryRows RopSetColumns PidTagDisplayName ";

	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)words[(i * 7 + i / 13) % (sizeof(words) - 1)];
}

static void test_header_and_xor(void)
{
	static const uint8_t hdr_bytes[] = {0x00, 0x00, 0x04, 0x00, 0x52, 0x01, 0x52, 0x01};
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct rpc_ext_header hdr;
	struct rop_pull p;
	struct rop_push w;
	uint8_t x[3] = {0x00, 0xA5, 0xFF};

	/* [MS-OXCRPC] 4.3: Version 0, Flags Last, Size = SizeActual = 0x152. */
	test_begin("RPC_HEADER_EXT of [MS-OXCRPC] 4.3 pulls and pushes byte-exact");
	rop_pull_init(&p, tmp, hdr_bytes, sizeof(hdr_bytes));
	test_assert(rpc_ext_pull_header(&p, &hdr) == ROP_OK);
	test_assert_int(hdr.version, 0);
	test_assert_int(hdr.flags, RPC_EXT_FLAG_LAST);
	test_assert_int(hdr.size, 0x152);
	test_assert_int(hdr.size_actual, 0x152);
	rop_push_init_growable(&w, tmp);
	test_assert(rpc_ext_push_header(&w, &hdr) == ROP_OK);
	test_assert_int(w.ofs, 8);
	test_assert_mem(w.data, hdr_bytes, 8);
	for (size_t cut = 0; cut < sizeof(hdr_bytes); cut++) {
		rop_pull_init(&p, tmp, hdr_bytes, cut);
		test_assert(rpc_ext_pull_header(&p, &hdr) == ROP_E_SHORT);
		test_assert_int(p.ofs, 0);
	}
	test_end();

	test_begin("XorMagic 0xA5 both ways");
	rpc_ext_xor(x, sizeof(x));
	test_assert(x[0] == 0xA5 && x[1] == 0x00 && x[2] == 0x5A);
	rpc_ext_xor(x, sizeof(x));
	test_assert(x[0] == 0x00 && x[1] == 0xA5 && x[2] == 0xFF);
	test_end();
	talloc_free(tmp);
}

/* Encodes payload with flags, checks the header, decodes it back. */
static void check_one_block(unsigned flags, const uint8_t *payload, size_t len, uint16_t want_flags)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct rpc_ext_chain chain;
	struct rop_push w;

	rop_push_init_growable(&w, tmp);
	test_assert(rpc_ext_encode_block(&w, payload, len, flags) == ROP_OK);
	test_assert_int(w.data[2] | w.data[3] << 8, want_flags);
	test_assert_int(w.data[6] | w.data[7] << 8, len);
	test_assert_int(w.ofs, 8 + (w.data[4] | w.data[5] << 8));
	if ((want_flags & RPC_EXT_FLAG_COMPRESSED) == 0 &&
	    (want_flags & RPC_EXT_FLAG_XORMAGIC) != 0 && len > 0)
		test_assert_int(w.data[8], payload[0] ^ 0xA5);
	test_assert(rpc_ext_decode(tmp, w.data, w.ofs, 65536, &chain) == ROP_OK);
	test_assert_int(chain.count, 1);
	if (chain.count == 1) {
		test_assert_int(chain.blocks[0].len, len);
		test_assert_int(chain.blocks[0].flags, want_flags);
		test_assert(len == 0 || memcmp(chain.blocks[0].data, payload, len) == 0);
	}
	/* Every truncation fails cleanly. */
	for (size_t cut = 0; cut < w.ofs; cut++)
		test_assert(rpc_ext_decode(tmp, w.data, cut, 65536, &chain) != ROP_OK);
	talloc_free(tmp);
}

static void test_encode_decode(void)
{
	static uint8_t text[RPC_EXT_MAX_PAYLOAD], noise[4096];
	uint32_t s = 7;

	fill_text(text, sizeof(text));
	for (size_t i = 0; i < sizeof(noise); i++) {
		s = s * 1103515245u + 12345u;
		noise[i] = (uint8_t)(s >> 16);
	}
	test_begin("one block: plain, XOR, compressed, compressed + XOR, empty");
	check_one_block(RPC_EXT_ENCODE_LAST, text, 300, RPC_EXT_FLAG_LAST);
	check_one_block(RPC_EXT_ENCODE_LAST | RPC_EXT_ENCODE_XOR, text, 300,
	                RPC_EXT_FLAG_LAST | RPC_EXT_FLAG_XORMAGIC);
	check_one_block(RPC_EXT_ENCODE_LAST | RPC_EXT_ENCODE_COMPRESS, text, 300,
	                RPC_EXT_FLAG_LAST | RPC_EXT_FLAG_COMPRESSED);
	check_one_block(RPC_EXT_ENCODE_LAST | RPC_EXT_ENCODE_COMPRESS | RPC_EXT_ENCODE_XOR, text,
	                sizeof(text),
	                RPC_EXT_FLAG_LAST | RPC_EXT_FLAG_COMPRESSED | RPC_EXT_FLAG_XORMAGIC);
	check_one_block(RPC_EXT_ENCODE_LAST, text, 0, RPC_EXT_FLAG_LAST);
	test_end();

	test_begin("compression is skipped when it does not help");
	check_one_block(RPC_EXT_ENCODE_LAST | RPC_EXT_ENCODE_COMPRESS, noise, sizeof(noise),
	                RPC_EXT_FLAG_LAST);
	check_one_block(RPC_EXT_ENCODE_LAST | RPC_EXT_ENCODE_COMPRESS, text, 3, RPC_EXT_FLAG_LAST);
	test_end();
}

static void test_chains(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	size_t big_len = 70000;
	uint8_t *big = talloc_size(tmp, big_len), *joined;
	struct rpc_ext_chain chain;
	struct rop_push w;
	size_t len;

	fill_text(big, big_len);
	test_begin("a 70000-byte payload splits into 3 blocks and joins back");
	rop_push_init_growable(&w, tmp);
	test_assert(rpc_ext_encode(&w, big, big_len, RPC_EXT_ENCODE_COMPRESS) == ROP_OK);
	test_assert(rpc_ext_decode(tmp, w.data, w.ofs, big_len, &chain) == ROP_OK);
	test_assert_int(chain.count, 3);
	test_assert_int(chain.blocks[0].flags & RPC_EXT_FLAG_LAST, 0);
	test_assert_int(chain.blocks[2].flags & RPC_EXT_FLAG_LAST, RPC_EXT_FLAG_LAST);
	test_assert(rpc_ext_join(tmp, &chain, &joined, &len) == ROP_OK);
	test_assert_int(len, big_len);
	test_assert_mem(joined, big, big_len);
	/* The total limit holds whatever the compression ratio. */
	test_assert(rpc_ext_decode(tmp, w.data, w.ofs, big_len - 1, &chain) == ROP_E_TOO_BIG);
	test_end();

	test_begin("chain errors: no Last, trailing bytes, bad version, bad sizes");
	rop_push_init_growable(&w, tmp);
	test_assert(rpc_ext_encode_block(&w, big, 10, 0) == ROP_OK);
	test_assert(rpc_ext_decode(tmp, w.data, w.ofs, 65536, &chain) == ROP_E_SHORT);
	test_assert(rpc_ext_encode_block(&w, big, 10, RPC_EXT_ENCODE_LAST) == ROP_OK);
	test_assert(rpc_ext_decode(tmp, w.data, w.ofs, 65536, &chain) == ROP_OK);
	test_assert_int(chain.count, 2);
	test_assert(rop_push_u8(&w, 0) == ROP_OK);
	test_assert(rpc_ext_decode(tmp, w.data, w.ofs, 65536, &chain) == ROP_E_TRAILING);
	static const uint8_t bad_version[] = {1, 0, 4, 0, 0, 0, 0, 0};
	static const uint8_t bad_plain[] = {0, 0, 4, 0, 1, 0, 2, 0, 0x41};
	static const uint8_t bad_packed[] = {0, 0, 5, 0, 1, 0, 1, 0, 0x41};
	static const uint8_t lying_packed[] = {0, 0, 5, 0, 5, 0, 9, 0, 0, 0, 0, 0, 0x41};
	test_assert(rpc_ext_decode(tmp, bad_version, 8, 65536, &chain) == ROP_E_INVALID);
	test_assert(rpc_ext_decode(tmp, bad_plain, 9, 65536, &chain) == ROP_E_INVALID);
	test_assert(rpc_ext_decode(tmp, bad_packed, 9, 65536, &chain) == ROP_E_INVALID);
	/* Decompresses to 1 byte where the header promised 9. */
	test_assert(rpc_ext_decode(tmp, lying_packed, 13, 65536, &chain) == ROP_E_SHORT);
	test_end();

	test_begin("encoder: too small output fails cleanly and leaves the writer");
	uint8_t small[64];
	rop_push_init_fixed(&w, small, sizeof(small));
	test_assert(rop_push_u32(&w, 0xdeadbeef) == ROP_OK);
	test_assert(rpc_ext_encode_block(&w, big, 100, RPC_EXT_ENCODE_LAST) == ROP_E_NOSPACE);
	test_assert_int(w.ofs, 4);
	test_assert(rpc_ext_encode(&w, big, 100, RPC_EXT_ENCODE_XOR) == ROP_E_NOSPACE);
	test_assert_int(w.ofs, 4);
	test_assert(rpc_ext_encode_block(&w, big, RPC_EXT_MAX_PAYLOAD + 1, 0) == ROP_E_TOO_BIG);
	test_assert(rpc_ext_encode_block(&w, big, 52, RPC_EXT_ENCODE_LAST) == ROP_OK);
	test_assert_int(w.ofs, 64);
	test_end();
	talloc_free(tmp);
}

static void test_rop_buffer(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	static const uint32_t handles[] = {0x11223344, 0xFFFFFFFF};
	static const uint8_t rops[] = {0xFE, 0x00, 0x00, 0x01, 0x02};
	struct rop_buffer buf;
	struct rop_push w;

	test_begin("ROP buffer: RopSize counts itself, handles follow");
	rop_push_init_growable(&w, tmp);
	test_assert(rop_buffer_push(&w, rops, sizeof(rops), handles, 2) == ROP_OK);
	test_assert_int(w.ofs, 2 + 5 + 8);
	test_assert_int(w.data[0] | w.data[1] << 8, 7);
	test_assert(rop_buffer_split(tmp, w.data, w.ofs, &buf) == ROP_OK);
	test_assert_int(buf.rops_len, 5);
	test_assert_mem(buf.rops, rops, 5);
	test_assert_int(buf.handle_count, 2);
	test_assert(buf.handle_count == 2 && buf.handles[0] == 0x11223344 &&
	            buf.handles[1] == 0xFFFFFFFF);
	for (size_t cut = 0; cut < w.ofs; cut++) {
		enum rop_err err = rop_buffer_split(tmp, w.data, cut, &buf);
		/* Only cuts at a handle boundary past the ROPs still parse. */
		test_assert(err != ROP_OK || cut == 7 || cut == 11);
	}
	static const uint8_t size_one[] = {1, 0};
	static const uint8_t size_big[] = {9, 0, 1};
	test_assert(rop_buffer_split(tmp, size_one, 2, &buf) == ROP_E_INVALID);
	test_assert(rop_buffer_split(tmp, size_big, 3, &buf) == ROP_E_INVALID);
	test_assert(rop_buffer_push(&w, rops, 65534, NULL, 0) == ROP_E_TOO_BIG);
	test_end();
	talloc_free(tmp);
}

static void test_rop_buffer_block(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	static uint8_t rops[2000];
	static const uint32_t handles[] = {7, 8, 9};
	struct rpc_ext_chain chain;
	struct rop_buffer rb;
	struct rop_push w;
	unsigned flags = rpc_ext_encode_flags_from_pul(0);

	fill_text(rops, sizeof(rops));
	test_begin("a ROP response buffer in one extended buffer, flags from pulFlags");
	test_assert_int(flags, RPC_EXT_ENCODE_COMPRESS | RPC_EXT_ENCODE_XOR);
	test_assert_int(rpc_ext_encode_flags_from_pul(RPC_EXT_PUL_NOCOMPRESSION |
	                                              RPC_EXT_PUL_NOXORMAGIC | RPC_EXT_PUL_CHAIN),
	                0);
	rop_push_init_growable(&w, tmp);
	test_assert(rpc_ext_encode_rop_buffer(&w, rops, sizeof(rops), handles, 3,
	                                      flags | RPC_EXT_ENCODE_LAST) == ROP_OK);
	test_assert_int(w.data[2] | w.data[3] << 8,
	                RPC_EXT_FLAG_COMPRESSED | RPC_EXT_FLAG_XORMAGIC | RPC_EXT_FLAG_LAST);
	test_assert(rpc_ext_decode(tmp, w.data, w.ofs, 0x10000, &chain) == ROP_OK);
	test_assert(chain.count == 1 && rop_buffer_split(tmp, chain.blocks[0].data,
	                                                 chain.blocks[0].len, &rb) == ROP_OK);
	test_assert(rb.rops_len == sizeof(rops) && memcmp(rb.rops, rops, sizeof(rops)) == 0);
	test_assert(rb.handle_count == 3 && rb.handles[2] == 9);
	/* Too big for one extended buffer, and too big for the writer. */
	uint8_t *big = talloc_zero_size(tmp, RPC_EXT_MAX_PAYLOAD);
	rop_push_init_growable(&w, tmp);
	test_assert(rpc_ext_encode_rop_buffer(&w, big, RPC_EXT_MAX_PAYLOAD - 2, handles, 1, 0) ==
	            ROP_E_TOO_BIG);
	uint8_t small[100];
	rop_push_init_fixed(&w, small, sizeof(small));
	test_assert(rpc_ext_encode_rop_buffer(&w, rops, 200, NULL, 0, 0) == ROP_E_NOSPACE);
	test_assert_int(w.ofs, 0);
	test_end();
	talloc_free(tmp);
}

static void test_oxcrpc_example(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	size_t len = 0;
	uint8_t *wire = fixture_load(tmp, "MS-OXCRPC-4.2-rgbin-header.hex", &len);
	struct rpc_ext_header h;
	struct rop_pull r;
	uint16_t rop_size = 0;

	test_begin("[MS-OXCRPC] 4.2 rgbIn: RPC_HEADER_EXT and RopSize as the example states");
	test_assert(wire != NULL && len == 10);
	if (wire != NULL && len == 10) {
		rop_pull_init(&r, tmp, wire, len);
		test_assert_int(rpc_ext_pull_header(&r, &h), ROP_OK);
		test_assert_int(h.version, 0x0000);
		test_assert_int(h.flags, RPC_EXT_FLAG_LAST);
		test_assert_int(h.size, 0x0152);
		test_assert_int(h.size_actual, 0x0152);
		test_assert_int(rop_pull_u16(&r, &rop_size), ROP_OK);
		test_assert_int(rop_size, 0x0142);
		/* cbIn 0x0000015A = header + Size; Size = RopSize (2 + 320 bytes
		 * of ROPs) + the 16-byte handle table */
		test_assert_int(RPC_EXT_HEADER_SIZE + h.size, 0x015A);
		test_assert_int(rop_size, 2 + 320);
		test_assert_int(h.size, rop_size + 16);
	}
	test_end();
	talloc_free(tmp);
}

int main(void)
{
	test_rop_buffer_block();
	test_header_and_xor();
	test_encode_decode();
	test_chains();
	test_rop_buffer();
	test_oxcrpc_example();
	return test_exit();
}
