/*
 * LZ77 ([MS-XCA] plain, the EMSMDB compression) throughput against memcpy
 * of the same bytes.  Input: 32 KiB blocks (the RPC_HEADER_EXT payload
 * limit) of text-like ROP-ish data and of random bytes, and 1 KiB blocks (a
 * typical small ROP response).  Prints
 * `name: value unit`, one per line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lz77.h"

#define BLOCK  32768
#define ROUNDS 400

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void fill_text(uint8_t *buf, size_t len)
{
	static const char *words[] = {"PidTagSubject ", "RopQueryRows ", "Inbox ",
	                              "jane@",          "example.org ",  "\x00\x00\x1f\x00",
	                              "Re: meeting ",   "0x3001 "};
	uint32_t s = 1;
	size_t i = 0;

	while (i < len) {
		s = s * 1103515245u + 12345u;
		const char *w = words[(s >> 16) % 8];
		size_t n = strlen(w) ? strlen(w) : 4;
		for (size_t k = 0; k < n && i < len; k++)
			buf[i++] = (uint8_t)w[k];
	}
}

static void run(const char *label, const uint8_t *in, size_t len)
{
	static uint8_t packed[BLOCK + BLOCK / 8 + 64], out[BLOCK];
	size_t plen = 0, olen = 0;
	volatile uint8_t sink = 0;
	int rounds = (int)(ROUNDS * (BLOCK / len));
	double t0, mb = (double)len * rounds / 1e6;

	t0 = now();
	for (int r = 0; r < rounds; r++)
		if (lz77_compress(in, len, packed, sizeof(packed), &plen) != ROP_OK)
			exit(1);
	double tc = now() - t0;
	t0 = now();
	for (int r = 0; r < rounds; r++)
		if (lz77_decompress(packed, plen, out, sizeof(out), &olen) != ROP_OK || olen != len)
			exit(1);
	double td = now() - t0;
	t0 = now();
	for (int r = 0; r < rounds; r++) {
		memcpy(out, in, len);
		sink ^= out[(size_t)r % len];
	}
	double tm = now() - t0;
	(void)sink;
	if (memcmp(out, in, len) != 0)
		exit(1);
	printf("lz77_%s_ratio: %.3f compressed/plain\n", label, (double)plen / (double)len);
	printf("lz77_%s_compress: %.1f MB/s\n", label, mb / tc);
	printf("lz77_%s_decompress: %.1f MB/s\n", label, mb / td);
	printf("lz77_%s_memcpy: %.1f MB/s\n", label, mb / (tm > 0 ? tm : 1e-9));
}

int main(void)
{
	static uint8_t text[BLOCK], noise[BLOCK];
	uint32_t s = 99;

	fill_text(text, sizeof(text));
	for (size_t i = 0; i < sizeof(noise); i++) {
		s = s * 1103515245u + 12345u;
		noise[i] = (uint8_t)(s >> 16);
	}
	run("text_32k", text, BLOCK);
	run("random_32k", noise, BLOCK);
	run("text_1k", text, 1024);
	return 0;
}
