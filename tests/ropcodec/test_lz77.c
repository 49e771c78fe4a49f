/* lz77: [MS-XCA] 3.1 examples byte-exact, round trips, truncation, bombs. */
#include "lz77.h"
#include "test.h"
#include "test_rpc_fixture.h"

#include <stdlib.h>

static uint32_t rng_state = 12345;

static uint32_t rng(void)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return rng_state >> 8;
}

static void test_xca_example(const char *fixture, const uint8_t *plain, size_t plain_len)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	size_t len = 0, out_len = 0;
	uint8_t *wire = fixture_load(tmp, fixture, &len);
	uint8_t out[1024];

	test_begin(fixture);
	test_assert(wire != NULL);
	if (wire != NULL) {
		test_assert(lz77_decompress(wire, len, out, sizeof(out), &out_len) == ROP_OK);
		test_assert_int(out_len, plain_len);
		test_assert_mem(out, plain, plain_len);
		test_assert(lz77_compress(plain, plain_len, out, sizeof(out), &out_len) == ROP_OK);
		test_assert_int(out_len, len);
		test_assert_mem(out, wire, len);
		/* Every cut fails cleanly or yields a prefix, never more. */
		for (size_t cut = 0; cut < len; cut++) {
			enum rop_err err = lz77_decompress(wire, cut, out, sizeof(out), &out_len);
			test_assert(err != ROP_OK || out_len < plain_len);
			if (err == ROP_OK)
				test_assert_mem(out, plain, out_len);
		}
	}
	test_end();
	talloc_free(tmp);
}

static void test_examples(void)
{
	char abc[300];

	for (size_t i = 0; i < sizeof(abc); i++)
		abc[i] = (char)('a' + i % 3);
	test_xca_example("MS-XCA-3.1-plain-lz77-alphabet.hex",
	                 (const uint8_t *)"abcdefghijklmnopqrstuvwxyz", 26);
	test_xca_example("MS-XCA-3.1-plain-lz77-abc300.hex", (const uint8_t *)abc, sizeof(abc));
}

/* Compresses and decompresses in, returns the compressed size or 0. */
static size_t round_trip(const uint8_t *in, size_t len)
{
	size_t cap = len + len / 8 + 64, clen = 0, dlen = 0;
	uint8_t *c = malloc(cap), *d = malloc(len + 1);
	size_t ret = 0;

	if (c == NULL || d == NULL)
		goto out;
	if (lz77_compress(in, len, c, cap, &clen) != ROP_OK)
		goto out;
	if (lz77_decompress(c, clen, d, len, &dlen) != ROP_OK || dlen != len)
		goto out;
	if (len > 0 && memcmp(d, in, len) != 0)
		goto out;
	/* One byte less room than the data needs is a bomb. */
	if (len > 0 && lz77_decompress(c, clen, d, len - 1, &dlen) != ROP_E_TOO_BIG)
		goto out;
	ret = clen;
out:
	free(c);
	free(d);
	return ret;
}

static void test_round_trips(void)
{
	static uint8_t buf[65536];

	test_begin("round trips: sizes 0..300 of random, text-like and constant data");
	for (size_t n = 0; n <= 300; n++) {
		for (size_t i = 0; i < n; i++)
			buf[i] = (uint8_t)rng();
		test_assert(round_trip(buf, n) > 0);
		for (size_t i = 0; i < n; i++)
			buf[i] = (uint8_t)("the quick brown fox "[rng() % 20]);
		test_assert(round_trip(buf, n) > 0);
		memset(buf, 'x', n);
		test_assert(round_trip(buf, n) > 0);
	}
	test_end();

	test_begin("round trips: 64 KiB random, repetitive, long matches sharing nibbles");
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)rng();
	test_assert(round_trip(buf, sizeof(buf)) > 0);
	memset(buf, 0, sizeof(buf));
	size_t zeros = round_trip(buf, sizeof(buf));
	test_assert(zeros > 0 && zeros < 32);
	/* Runs of 10..40 equal bytes: many length-7 metadata, nibbles shared. */
	for (size_t i = 0; i < sizeof(buf);) {
		size_t run = 10 + rng() % 31;
		uint8_t v = (uint8_t)rng();
		for (size_t k = 0; k < run && i < sizeof(buf); k++)
			buf[i++] = v;
	}
	test_assert(round_trip(buf, sizeof(buf)) > 0);
	/* Distances right at the 8192-byte window. */
	for (size_t i = 0; i < 8192; i++)
		buf[i] = (uint8_t)rng();
	memcpy(buf + 8192, buf, 8192);
	memcpy(buf + 16384, buf + 1, 8191);
	test_assert(round_trip(buf, 24575) > 0);
	test_end();
}

static void test_bounds(void)
{
	static const uint8_t far_match[] = {0x00, 0x00, 0x00, 0x80, 0x08, 0x00};
	static const uint8_t bomb[] = {0xff, 0xff, 0xff, 0x7f, 0x61, 0x07, 0x00, 0x0f,
	                               0xff, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff};
	static uint8_t out[70000];
	uint8_t small[8];
	size_t n;

	test_begin("bounds: offsets before the output, huge lengths, tiny output");
	/* First symbol a match with offset 2: nothing to copy from yet. */
	test_assert(lz77_decompress(far_match, sizeof(far_match), out, sizeof(out), &n) ==
	            ROP_E_INVALID);
	/* A literal, then a match whose 4-byte length extension claims ~4 GiB:
	 * refused against the output cap before anything is copied. */
	test_assert(lz77_decompress(bomb, sizeof(bomb), out, sizeof(out), &n) == ROP_E_TOO_BIG);
	for (size_t cut = 0; cut <= sizeof(bomb); cut++)
		(void)lz77_decompress(bomb, cut, out, sizeof(out), &n);
	memset(out, 'a', 100);
	test_assert(lz77_compress(out, 100, small, sizeof(small), &n) == ROP_E_NOSPACE);
	test_assert(lz77_compress(out, 100, small, 0, &n) == ROP_E_NOSPACE);
	test_end();

	test_begin("random garbage never crashes and never overruns");
	for (int round = 0; round < 2000; round++) {
		uint8_t in[64];
		size_t len = rng() % sizeof(in);
		for (size_t i = 0; i < len; i++)
			in[i] = (uint8_t)rng();
		size_t cap = rng() % 600;
		enum rop_err err = lz77_decompress(in, len, out, cap, &n);
		test_assert(err != ROP_OK || n <= cap);
	}
	test_end();
}

int main(void)
{
	test_examples();
	test_round_trips();
	test_bounds();
	return test_exit();
}
