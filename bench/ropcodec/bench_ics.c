/*
 * ICS codec throughput: GLOBSET encode/decode of a sparse CNSET (every
 * third change number of 300,000, as a mailbox's MetaTagCnsetSeen after
 * deletions), and a FastTransfer stream of 2,000 message changes of about
 * 1 KiB written, handed out in 32 KiB buffers and read back element by
 * element.  Prints `name: value unit`, one per line.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ics_fxstream.h"
#include "ics_idset.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void bench_globset(TALLOC_CTX *ctx)
{
	struct ics_globset *gs = ics_globset_new(ctx), *back = NULL;
	struct rop_push p;
	struct rop_pull r;
	double t0, t_enc, t_dec;
	int rounds = 20;

	for (uint64_t v = 1; v <= 300000; v += 3)
		ics_globset_add(gs, v);
	t0 = now();
	for (int i = 0; i < rounds; i++) {
		rop_push_init_growable(&p, ctx);
		if (ics_globset_push(&p, gs) != ROP_OK)
			return;
		if (i + 1 < rounds)
			talloc_free(p.data);
	}
	t_enc = (now() - t0) / rounds;
	t0 = now();
	for (int i = 0; i < rounds; i++) {
		rop_pull_init(&r, ctx, p.data, p.ofs);
		if (ics_globset_pull(&r, ctx, &back) != ROP_OK)
			return;
		talloc_free(back);
	}
	t_dec = (now() - t0) / rounds;
	printf("globset_ranges: %u ranges\n", gs->count);
	printf("globset_encoded_size: %zu bytes\n", p.ofs);
	printf("globset_encode: %.1f Mranges/s\n", gs->count / t_enc / 1e6);
	printf("globset_decode: %.1f Mranges/s\n", gs->count / t_dec / 1e6);
}

static void put_message(struct ics_fx_writer *w, uint32_t i, char *subject, uint8_t *body,
                        size_t body_len)
{
	struct mapi_propval v;

	ics_fx_put_marker(w, FX_INCR_SYNC_CHG);
	v = (struct mapi_propval){.tag = PROP_TAG(PT_I8, 0x674A), .v.i64 = i};
	ics_fx_put_propval(w, &v, NULL);
	v = (struct mapi_propval){.tag = PROP_TAG(PT_UNICODE, 0x0037), .v.str = subject};
	ics_fx_put_propval(w, &v, NULL);
	v = (struct mapi_propval){.tag = PROP_TAG(PT_BINARY, 0x1013)};
	v.v.bin.len = (uint32_t)body_len;
	v.v.bin.data = body;
	ics_fx_put_propval(w, &v, NULL);
	v = (struct mapi_propval){.tag = PROP_TAG(PT_SYSTIME, 0x3008),
	                          .v.ft = 0x01D08581A89ED000ull};
	ics_fx_put_propval(w, &v, NULL);
	ics_fx_put_marker(w, FX_INCR_SYNC_MESSAGE);
}

static void bench_fxstream(TALLOC_CTX *ctx)
{
	static char subject[] = "Re: quarterly planning meeting notes";
	static uint8_t body[900];
	struct ics_fx_writer *w = ics_fx_writer_new(ctx);
	struct ics_fx_reader *r = ics_fx_reader_new(ctx);
	const uint8_t *d;
	size_t len, total, elements = 0;
	double t0, t_w, t_r;

	memset(body, 'x', sizeof(body));
	t0 = now();
	for (uint32_t i = 0; i < 2000; i++)
		put_message(w, i, subject, body, sizeof(body));
	t_w = now() - t0;
	total = ics_fx_writer_size(w);
	t0 = now();
	while (ics_fx_writer_next(w, 32768, 0, &d, &len) == ROP_OK && len > 0) {
		struct ics_fx_element el;
		TALLOC_CTX *tmp = talloc_new(ctx);
		ics_fx_reader_feed(r, d, len);
		while (ics_fx_reader_next(r, tmp, &el) == ROP_OK)
			elements++;
		talloc_free(tmp);
	}
	t_r = now() - t0;
	printf("fxstream_size: %zu bytes\n", total);
	printf("fxstream_elements: %zu elements\n", elements);
	printf("fxstream_write: %.0f MB/s\n", total / t_w / 1e6);
	printf("fxstream_split_and_read: %.0f MB/s\n", total / t_r / 1e6);
}

int main(void)
{
	TALLOC_CTX *ctx = talloc_new(NULL);

	bench_globset(ctx);
	bench_fxstream(ctx);
	talloc_free(ctx);
	return 0;
}
