#include "ics_fxstream.h"
#include "test.h"

/* fixtures/ropcodec/MSDN-blog-2015-09-16-fasttransfer-sample.hex */
static const uint8_t blog_sample[] = {
    0x03, 0x00, 0x12, 0x40, 0x02, 0x01, 0xE1, 0x65, 0x00, 0x00, 0x00, 0x00, 0x02, 0x01, 0xE0, 0x65,
    0x16, 0x00, 0x00, 0x00, 0x52, 0xF6, 0x85, 0xEC, 0x7D, 0x43, 0x2E, 0x4A, 0xA9, 0x60, 0x34, 0x50,
    0x88, 0x53, 0xD9, 0x0A, 0x00, 0x00, 0x00, 0x00, 0x03, 0xF5, 0x40, 0x00, 0x08, 0x30, 0x00, 0xD0,
    0x9E, 0xA8, 0x81, 0x85, 0xD0, 0x01, 0x02, 0x01, 0xE2, 0x65, 0x16, 0x00, 0x00, 0x00, 0x52, 0xF6,
    0x85, 0xEC, 0x7D, 0x43, 0x2E, 0x4A, 0xA9, 0x60, 0x34, 0x50, 0x88, 0x53, 0xD9, 0x0A, 0x00, 0x00,
    0x00, 0x00, 0x20, 0x7C, 0x02, 0x01, 0xE3, 0x65, 0x17, 0x00, 0x00, 0x00, 0x16, 0x52, 0xF6, 0x85,
    0xEC, 0x7D, 0x43, 0x2E, 0x4A, 0xA9, 0x60, 0x34, 0x50, 0x88, 0x53, 0xD9, 0x0A, 0x00, 0x00, 0x00,
    0x00, 0x20, 0x7C, 0x1F, 0x00, 0x01, 0x30, 0x0C, 0x00, 0x00, 0x00, 0x49, 0x00, 0x4E, 0x00, 0x42,
    0x00, 0x4F, 0x00, 0x58, 0x00, 0x00, 0x00, 0x14, 0x00, 0x49, 0x67, 0x01, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x03, 0xF4, 0x03, 0x00, 0x39, 0x66, 0xFB, 0x03, 0x00, 0x00, 0x40, 0x00, 0x07, 0x30, 0x80,
    0x39, 0x06, 0xA8, 0x81, 0x85, 0xD0, 0x01, 0x0B, 0x00, 0xF4, 0x10, 0x00, 0x00};

/* Writes every element; returns the writer (on ctx) or NULL. */
static struct ics_fx_writer *write_all(TALLOC_CTX *ctx, const struct ics_fx_element *els, size_t n)
{
	struct ics_fx_writer *w = ics_fx_writer_new(ctx);

	for (size_t i = 0; i < n; i++) {
		if (ics_fx_put_element(w, &els[i]) != ROP_OK)
			return NULL;
	}
	return w;
}

/* The whole stream of a writer. */
static const uint8_t *writer_bytes(struct ics_fx_writer *w, size_t *len_r)
{
	const uint8_t *d;

	if (ics_fx_writer_next(w, SIZE_MAX, 0, &d, len_r) != ROP_OK)
		return NULL;
	return d;
}

static void test_blog_sample(void)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct ics_fx_element *els = NULL;
	size_t n = 0, len = 0;
	struct ics_fx_writer *w;
	const uint8_t *out;

	test_begin("FastTransfer sample: parse, values, re-encode byte-exact");
	test_assert(ics_fx_parse(ctx, blog_sample, sizeof(blog_sample), &els, &n) == ROP_OK);
	test_assert_int(n, 11);
	if (n == 11) {
		test_assert_int(els[0].kind, ICS_FX_MARKER);
		test_assert_int(els[0].marker, FX_INCR_SYNC_CHG);
		test_assert_int(els[1].val.tag, 0x65E10102);
		test_assert_int(els[1].val.v.bin.len, 0);
		test_assert_int(els[2].val.v.bin.len, 22);
		test_assert_int(els[3].val.tag, 0x30080040);
		test_assert(els[3].val.v.ft == 0x01D08581A89ED000ull);
		test_assert_int(els[5].val.v.bin.len, 23);
		test_assert_int(els[6].val.tag, 0x3001001F);
		test_assert_str(els[6].val.v.str, "INBOX");
		test_assert(els[7].val.v.i64 == (int64_t)0xF403000000000001ull);
		test_assert_int(els[8].val.v.i32, 0x3FB);
		test_assert_int(els[10].val.tag, 0x10F4000B);
		test_assert(els[10].val.v.b == false);
	}
	w = write_all(ctx, els, n);
	test_assert(w != NULL);
	out = w != NULL ? writer_bytes(w, &len) : NULL;
	test_assert_int(len, sizeof(blog_sample));
	if (out != NULL && len == sizeof(blog_sample))
		test_assert_mem(out, blog_sample, len);
	test_end();
	talloc_free(ctx);
}

static void test_truncation(void)
{
	/* element boundaries of the sample */
	static const size_t bounds[] = {0, 4, 12, 42, 54, 84, 115, 135, 147, 155, 167, 173};
	TALLOC_CTX *ctx = talloc_new(NULL);
	int bad = 0;

	test_begin("FastTransfer sample cut at every byte");
	for (size_t cut = 0; cut <= sizeof(blog_sample); cut++) {
		struct ics_fx_element *els = NULL;
		size_t n = 0;
		bool at_bound = false;
		enum rop_err err = ics_fx_parse(ctx, blog_sample, cut, &els, &n);

		for (size_t b = 0; b < sizeof(bounds) / sizeof(bounds[0]); b++)
			at_bound |= bounds[b] == cut;
		if (at_bound ? err != ROP_OK : err != ROP_E_SHORT)
			bad++;
	}
	test_assert_int(bad, 0);
	test_end();
	talloc_free(ctx);
}

static void test_reader_byte_by_byte(void)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct ics_fx_reader *r = ics_fx_reader_new(ctx);
	struct ics_fx_writer *w = ics_fx_writer_new(ctx);
	size_t got = 0, len = 0;
	const uint8_t *out;

	test_begin("FastTransfer reader fed one byte at a time");
	for (size_t i = 0; i < sizeof(blog_sample); i++) {
		struct ics_fx_element el;
		enum rop_err err;

		test_assert(ics_fx_reader_feed(r, &blog_sample[i], 1) == ROP_OK);
		while ((err = ics_fx_reader_next(r, ctx, &el)) == ROP_OK) {
			got++;
			test_assert(ics_fx_put_element(w, &el) == ROP_OK);
		}
		test_assert_int(err, ROP_E_SHORT);
	}
	test_assert_int(got, 11);
	test_assert_int(ics_fx_reader_pending(r), 0);
	out = writer_bytes(w, &len);
	test_assert_int(len, sizeof(blog_sample));
	if (out != NULL && len == sizeof(blog_sample))
		test_assert_mem(out, blog_sample, len);
	test_end();
	talloc_free(ctx);
}

static void test_split_rules(void)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct ics_fx_writer *w = ics_fx_writer_new(ctx);
	uint8_t blob[100];
	const uint8_t *d;
	size_t len;

	test_begin("FastTransfer writer splits only inside variable-size values");
	memset(blob, 0xAB, sizeof(blob));
	test_assert(ics_fx_put_marker(w, FX_START_MESSAGE) == ROP_OK);
	test_assert(ics_fx_put_marker(w, FX_START_RECIP) == ROP_OK);
	test_assert(ics_fx_put_binary(w, 0x0FFF0102, blob, sizeof(blob)) == ROP_OK);
	test_assert(ics_fx_put_marker(w, FX_END_MESSAGE) == ROP_OK);
	test_assert_int(ics_fx_writer_size(w), 4 + 4 + 8 + 100 + 4);
	/* 6 bytes asked: the second marker may not be cut */
	test_assert(ics_fx_writer_next(w, 6, 0, &d, &len) == ROP_OK);
	test_assert_int(len, 4);
	/* 3 bytes asked: a marker does not fit at all */
	test_assert(ics_fx_writer_next(w, 3, 0, &d, &len) == ROP_E_NOSPACE);
	/* 14: marker + tag + length, then 2 bytes of the value */
	test_assert(ics_fx_writer_next(w, 14, 0, &d, &len) == ROP_OK);
	test_assert_int(len, 14);
	test_assert(ics_fx_writer_next(w, 97, 0, &d, &len) == ROP_OK);
	test_assert_int(len, 97);
	test_assert_int(ics_fx_writer_pending(w), 1 + 4);
	/* any-byte mode cuts the last marker */
	test_assert(ics_fx_writer_next(w, 3, ICS_FX_SPLIT_ANY, &d, &len) == ROP_OK);
	test_assert_int(len, 3);
	test_assert(ics_fx_writer_next(w, 3, 0, &d, &len) == ROP_OK);
	test_assert_int(len, 2);
	test_assert(ics_fx_writer_next(w, 3, 0, &d, &len) == ROP_OK);
	test_assert_int(len, 0);
	test_end();
	talloc_free(ctx);
}

/* A stream with every value shape, split in every buffer size and read back
 * through the incremental reader. */
static struct ics_fx_writer *write_rich(TALLOC_CTX *ctx)
{
	static int32_t longs[] = {1, -2, 3};
	static char s1[] = "a", s2[] = "\xc3\xa9t\xc3\xa9", kw[] = "Keywords", ascii[] = "ascii";
	static char *strs[] = {s1, s2};
	static struct mapi_guid guids[] = {{{1, 2, 3}}, {{4}}};
	static uint8_t b1[] = {1, 2, 3};
	static struct mapi_binary bins[] = {{3, b1}, {0, NULL}};
	static const uint8_t idset[] = {1, 2, 3, 4, 5};
	struct ics_fx_writer *w = ics_fx_writer_new(ctx);
	struct mapi_property_name by_id = {.kind = MNID_ID, .guid = {{0x20, 0x06}}, .lid = 0x8233};
	struct mapi_property_name by_name = {.kind = MNID_STRING, .name = kw};
	struct mapi_propval v;
	bool ok = true;

	ok &= ics_fx_put_marker(w, FX_INCR_SYNC_STATE_BEGIN) == ROP_OK;
	ok &= ics_fx_put_binary(w, META_TAG_IDSET_GIVEN, idset, sizeof(idset)) == ROP_OK;
	ok &= ics_fx_put_marker(w, FX_INCR_SYNC_STATE_END) == ROP_OK;
	v = (struct mapi_propval){.tag = PROP_TAG(PT_MV_LONG, 0x8001)};
	v.v.mv.count = 3;
	v.v.mv.i32 = longs;
	ok &= ics_fx_put_propval(w, &v, &by_id) == ROP_OK;
	v = (struct mapi_propval){.tag = PROP_TAG(PT_MV_UNICODE, 0x8002)};
	v.v.mv.count = 2;
	v.v.mv.str = strs;
	ok &= ics_fx_put_propval(w, &v, &by_name) == ROP_OK;
	v = (struct mapi_propval){.tag = PROP_TAG(PT_MV_CLSID, 0x3000)};
	v.v.mv.count = 2;
	v.v.mv.guid = guids;
	ok &= ics_fx_put_propval(w, &v, NULL) == ROP_OK;
	v = (struct mapi_propval){.tag = PROP_TAG(PT_MV_BINARY, 0x3001)};
	v.v.mv.count = 2;
	v.v.mv.bin = bins;
	ok &= ics_fx_put_propval(w, &v, NULL) == ROP_OK;
	v = (struct mapi_propval){.tag = PROP_TAG(PT_BOOLEAN, 0x3002), .v.b = true};
	ok &= ics_fx_put_propval(w, &v, NULL) == ROP_OK;
	v = (struct mapi_propval){.tag = PROP_TAG(PT_STRING8, 0x3003), .v.str = ascii};
	ok &= ics_fx_put_propval(w, &v, NULL) == ROP_OK;
	v = (struct mapi_propval){.tag = PROP_TAG(PT_DOUBLE, 0x3004), .v.f64 = 1.5};
	ok &= ics_fx_put_propval(w, &v, NULL) == ROP_OK;
	return ok ? w : NULL;
}

static void test_rich_split_round_trip(void)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct ics_fx_writer *w = write_rich(ctx);
	size_t total = 0, len;
	const uint8_t *all;
	int bad = 0;

	test_begin("FastTransfer named, multi-valued, meta values over every split size");
	test_assert(w != NULL);
	all = w != NULL ? writer_bytes(w, &total) : NULL;
	for (size_t max = 1; all != NULL && max <= total; max++) {
		for (unsigned mode = 0; mode < 2; mode++) {
			TALLOC_CTX *it = talloc_new(ctx);
			struct ics_fx_writer *w2 = write_rich(it), *w3 = ics_fx_writer_new(it);
			struct ics_fx_reader *r = ics_fx_reader_new(it);
			unsigned flags = mode ? ICS_FX_SPLIT_ANY : 0;
			const uint8_t *d, *back;
			size_t n = 0, blen = 0;
			enum rop_err err;

			while ((err = ics_fx_writer_next(w2, max, flags, &d, &len)) == ROP_OK &&
			       len > 0) {
				struct ics_fx_element el;
				ics_fx_reader_feed(r, d, len);
				while (ics_fx_reader_next(r, it, &el) == ROP_OK) {
					n++;
					if (ics_fx_put_element(w3, &el) != ROP_OK)
						bad++;
				}
			}
			/* the longest indivisible run: the tag, named property
			 * info of "Keywords" and the count, 4 + 16 + 1 + 18 + 4 */
			if (err == ROP_E_NOSPACE && mode == 0 && max < 43) {
				talloc_free(it);
				continue;
			}
			back = writer_bytes(w3, &blen);
			if (err != ROP_OK || n != 10 || blen != total || back == NULL ||
			    memcmp(back, all, total) != 0) {
				fprintf(stderr, "max %zu mode %u: err %d n %zu blen %zu/%zu\n", max,
				        mode, (int)err, n, blen, total);
				bad++;
			}
			talloc_free(it);
		}
	}
	test_assert_int(bad, 0);
	test_end();
	talloc_free(ctx);
}

static void test_meta_and_codepage(void)
{
	/* MetaTagIdsetGiven: Integer32-typed tag, 4-byte length, bytes;
	 * a code page 1252 string (type 0x8000 | 0x04E4) and a code page 1200
	 * one (0x84B0, UTF-16LE) */
	static const uint8_t in[] = {0x03, 0x00, 0x17, 0x40, 0x02, 0x00, 0x00, 0x00, 0xAA,
	                             0xBB, 0xE4, 0x84, 0x37, 0x00, 0x03, 0x00, 0x00, 0x00,
	                             'h',  'i',  0x00, 0xB0, 0x84, 0x37, 0x00, 0x04, 0x00,
	                             0x00, 0x00, 'o',  0x00, 0x00, 0x00};
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct ics_fx_element *els = NULL;
	struct ics_fx_writer *w;
	size_t n = 0, len = 0;
	const uint8_t *out;

	test_begin("FastTransfer MetaTagIdsetGiven and code-page strings");
	test_assert(ics_fx_parse(ctx, in, sizeof(in), &els, &n) == ROP_OK);
	test_assert_int(n, 3);
	if (n == 3) {
		test_assert_int(els[0].val.tag, META_TAG_IDSET_GIVEN_BIN);
		test_assert_int(els[0].val.v.bin.len, 2);
		test_assert_int(els[1].val.tag, PROP_TAG(PT_STRING8, 0x0037));
		test_assert_str(els[1].val.v.str, "hi");
		test_assert_int(els[1].wire_tag, 0x003784E4);
		test_assert_int(els[2].val.tag, PROP_TAG(PT_UNICODE, 0x0037));
		test_assert_str(els[2].val.v.str, "o");
	}
	w = write_all(ctx, els, n);
	out = w != NULL ? writer_bytes(w, &len) : NULL;
	test_assert_int(len, sizeof(in));
	if (out != NULL && len == sizeof(in))
		test_assert_mem(out, in, len);
	test_end();
	talloc_free(ctx);
}

static void test_invalid_streams(void)
{
	static const uint8_t odd_unicode[] = {0x1F, 0x00, 0x37, 0x00, 0x03, 0, 0, 0, 'a', 0, 0};
	static const uint8_t bad_type[] = {0x99, 0x00, 0x37, 0x00, 0, 0, 0, 0};
	static const uint8_t bad_kind[] = {0x03, 0x00, 0x01, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	                                   0,    0,    0,    0,    0, 0, 0, 7, 1, 0, 0, 0};
	static const uint8_t huge_mv[] = {0x03, 0x10, 0x01, 0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0};
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct ics_fx_element *els;
	struct ics_fx_writer *w = ics_fx_writer_new(ctx);
	struct mapi_propval v = {.tag = FX_START_MESSAGE};
	size_t n;

	test_begin("FastTransfer malformed streams fail cleanly");
	test_assert(ics_fx_parse(ctx, odd_unicode, sizeof(odd_unicode), &els, &n) == ROP_E_INVALID);
	test_assert(ics_fx_parse(ctx, bad_type, sizeof(bad_type), &els, &n) == ROP_E_UNSUPPORTED);
	test_assert(ics_fx_parse(ctx, bad_kind, sizeof(bad_kind), &els, &n) == ROP_E_INVALID);
	test_assert(ics_fx_parse(ctx, huge_mv, sizeof(huge_mv), &els, &n) == ROP_E_SHORT);
	/* a property whose tag is a marker could not be read back */
	test_assert(ics_fx_put_propval(w, &v, NULL) == ROP_E_INVALID);
	/* a named property needs its name */
	v.tag = PROP_TAG(PT_LONG, 0x8005);
	test_assert(ics_fx_put_propval(w, &v, NULL) == ROP_E_INVALID);
	test_assert_int(ics_fx_writer_size(w), 0);
	test_end();
	talloc_free(ctx);
}

int main(void)
{
	test_blog_sample();
	test_truncation();
	test_reader_byte_by_byte();
	test_split_rules();
	test_rich_split_round_trip();
	test_meta_and_codepage();
	test_invalid_streams();
	return test_exit();
}
