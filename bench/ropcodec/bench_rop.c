/*
 * ROP codec throughput on a realistic mixed output buffer, against memcpy
 * of the same bytes.  One "page" is what a server packs into one
 * RPC_HEADER_EXT block of an Execute response when Outlook opens a folder:
 * RopSetColumns, RopQueryRows with 50 rows of a contents table (IDs,
 * subjects, senders, times, sizes, flags, instance keys; every tenth row
 * flagged with a missing value), RopGetPropertiesSpecific on the folder and
 * RopGetPropertiesAll on a message.  The ROP buffer (RopSize, ROPs, handle
 * table) travels in an extended buffer, plain or LZ77-compressed and
 * XOR-obfuscated ([MS-OXCRPC] 3.1.4.2.1).
 *
 *   decode: extended buffer -> payload -> split -> every response decoded
 *   encode: every response encoded -> ROP buffer -> extended buffer
 *
 * MB/s count the plain ROP buffer bytes in every case, so the compressed
 * figures include the LZ77 work.  Prints `name: value unit`, one per line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rop.h"
#include "rpc_ext.h"

#define ROWS   50
#define PAGES  8
#define ROUNDS 500
#define CAP    (RPC_EXT_MAX_PAYLOAD + 4096)

static const uint32_t table_tags[] = {
    PROP_TAG(PT_I8, 0x674A),      /* PidTagMid */
    PROP_TAG(PT_UNICODE, 0x0037), /* PidTagSubject */
    PROP_TAG(PT_UNICODE, 0x0042), /* PidTagSentRepresentingName */
    PROP_TAG(PT_SYSTIME, 0x0E06), /* PidTagMessageDeliveryTime */
    PROP_TAG(PT_LONG, 0x0E08),    /* PidTagMessageSize */
    PROP_TAG(PT_LONG, 0x0E07),    /* PidTagMessageFlags */
    PROP_TAG(PT_BOOLEAN, 0x0E1B), /* PidTagHasAttachments */
    PROP_TAG(PT_UNICODE, 0x001A), /* PidTagMessageClass */
    PROP_TAG(PT_BINARY, 0x0FF6),  /* PidTagInstanceKey */
    PROP_TAG(PT_LONG, 0x0017),    /* PidTagImportance */
};
static const struct mapi_proptag_array table_cols = {10, (uint32_t *)table_tags};

static const uint32_t folder_tags[] = {
    PROP_TAG(PT_UNICODE, 0x3001), /* PidTagDisplayName */
    PROP_TAG(PT_LONG, 0x3602),    /* PidTagContentCount */
    PROP_TAG(PT_LONG, 0x3603),    /* PidTagContentUnreadCount */
    PROP_TAG(PT_BOOLEAN, 0x360A), /* PidTagSubfolders */
    PROP_TAG(PT_UNICODE, 0x3613), /* PidTagContainerClass */
    PROP_TAG(PT_BINARY, 0x0FFF),  /* PidTagEntryId */
};
static const struct mapi_proptag_array folder_cols = {6, (uint32_t *)folder_tags};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct mapi_binary bin(TALLOC_CTX *ctx, size_t n, uint8_t seed)
{
	struct mapi_binary b = {(uint32_t)n, talloc_array(ctx, uint8_t, n)};
	for (size_t i = 0; i < n; i++)
		b.data[i] = (uint8_t)(seed + i * 7);
	return b;
}

/* One contents-table row in table_cols. */
static void fill_row(TALLOC_CTX *ctx, unsigned i, struct rop_property_row *row)
{
	static const char *const senders[] = {"Jane Doe", "Build Robot", "Alex Martin",
	                                      "Service Desk"};
	struct mapi_propval *v = talloc_zero_array(ctx, struct mapi_propval, 10);

	for (unsigned k = 0; k < 10; k++)
		v[k].tag = table_tags[k];
	v[0].v.i64 = (int64_t)(0x0001000000001000ull + i);
	v[1].v.str = talloc_asprintf(ctx, "Re: quarterly planning, item %u of the review", i);
	v[2].v.str = talloc_strdup(ctx, senders[i % 4]);
	v[3].v.ft = 133500000000000000ull + (uint64_t)i * 36000000000ull;
	v[4].v.i32 = (int32_t)(2048 + i * 131);
	v[5].v.i32 = (i % 3) == 0 ? 0x00 : 0x01;
	v[6].v.b = (i % 5) == 0;
	v[7].v.str = talloc_strdup(ctx, "IPM.Note");
	v[8].v.bin = bin(ctx, 8, (uint8_t)i);
	v[9].v.i32 = 1;
	if (i % 10 == 9) { /* a value the row cannot supply: a flagged row */
		v[2].tag = CHANGE_PROP_TYPE(v[2].tag, PT_ERROR);
		v[2].v.err = 0x8004010F;
	}
	row->vals.count = 10;
	row->vals.vals = v;
	row->flag = rop_property_row_flag(&table_cols, &row->vals);
}

/* The responses of one page, in wire order. */
static void fill_page(TALLOC_CTX *ctx, struct rop_response *r)
{
	memset(r, 0, 4 * sizeof(*r));
	r[0].rop_id = ROP_ID_SetColumns;
	r[0].handle_index = 2;
	r[1].rop_id = ROP_ID_QueryRows;
	r[1].handle_index = 2;
	r[1].u.query_rows.origin = 0x00;
	r[1].u.query_rows.rows.count = ROWS;
	r[1].u.query_rows.rows.rows = talloc_zero_array(ctx, struct rop_property_row, ROWS);
	for (unsigned i = 0; i < ROWS; i++)
		fill_row(ctx, i, &r[1].u.query_rows.rows.rows[i]);

	struct mapi_propval *f = talloc_zero_array(ctx, struct mapi_propval, 6);
	for (unsigned k = 0; k < 6; k++)
		f[k].tag = folder_tags[k];
	f[0].v.str = talloc_strdup(ctx, "Inbox");
	f[1].v.i32 = 1234;
	f[2].v.i32 = 17;
	f[3].v.b = true;
	f[4].v.str = talloc_strdup(ctx, "IPF.Note");
	f[5].v.bin = bin(ctx, 46, 3);
	r[2].rop_id = ROP_ID_GetPropertiesSpecific;
	r[2].handle_index = 1;
	r[2].u.get_properties_specific.row.vals.count = 6;
	r[2].u.get_properties_specific.row.vals.vals = f;

	struct mapi_propval *m = talloc_zero_array(ctx, struct mapi_propval, 20);
	for (unsigned k = 0; k < 20; k++) {
		m[k].tag = PROP_TAG(k % 2 ? PT_UNICODE : PT_LONG, 0x0E00 + k);
		if (k % 2)
			m[k].v.str = talloc_asprintf(ctx, "message property value %u", k);
		else
			m[k].v.i32 = (int32_t)(k * 1000);
	}
	r[3].rop_id = ROP_ID_GetPropertiesAll;
	r[3].handle_index = 3;
	r[3].u.get_properties_all.vals.count = 20;
	r[3].u.get_properties_all.vals.vals = m;
}

struct page {
	uint8_t *plain; /* the ROP buffer: RopSize, ROPs, handles */
	size_t plain_len;
	uint8_t *ext[2]; /* the extended buffer: plain, compressed+XOR */
	size_t ext_len[2];
};

static const uint32_t handles[4] = {0x00000001, 0x00000010, 0x00000011, 0x00000012};

static const struct rop_request *answered(uint8_t rop_id)
{
	static struct rop_request gps;
	gps.rop_id = ROP_ID_GetPropertiesSpecific;
	gps.u.get_properties_specific.tags = folder_cols;
	return rop_id == ROP_ID_GetPropertiesSpecific ? &gps : NULL;
}

/* Encodes 4 responses and wraps them: what a server does per page. */
static size_t encode_page(const struct rop_response *r, unsigned flags, uint8_t *rops, uint8_t *out)
{
	struct rop_encode_ctx ectx = {&table_cols, NULL};
	struct rop_push w, e;

	rop_push_init_fixed(&w, rops, CAP);
	for (int i = 0; i < 4; i++) {
		ectx.req = answered(r[i].rop_id);
		if (rop_push_response(&w, &r[i], &ectx) != ROP_OK)
			exit(1);
	}
	rop_push_init_fixed(&e, out, CAP);
	if (rpc_ext_encode_rop_buffer(&e, rops, w.ofs, handles, 4, flags | RPC_EXT_ENCODE_LAST) !=
	    ROP_OK)
		exit(1);
	return e.ofs;
}

/* Unwraps and decodes one page; the responses land in r. */
static void decode_page(TALLOC_CTX *ctx, const uint8_t *ext, size_t len, struct rop_response *r)
{
	struct rop_decode_ctx dctx = {&table_cols, false};
	struct rpc_ext_chain chain;
	struct rop_buffer rb;
	struct rop_pull p;
	int n = 0;

	if (rpc_ext_decode(ctx, ext, len, 1u << 20, &chain) != ROP_OK || chain.count != 1 ||
	    rop_buffer_split(ctx, chain.blocks[0].data, chain.blocks[0].len, &rb) != ROP_OK)
		exit(1);
	rop_pull_init(&p, ctx, rb.rops, rb.rops_len);
	while (rop_pull_left(&p) > 0 && n < 4) {
		if (rop_pull_response(&p, answered(rb.rops[p.ofs]), &dctx, &r[n++]) != ROP_OK)
			exit(1);
	}
	if (n != 4 || rop_pull_left(&p) != 0 || rb.handle_count != 4)
		exit(1);
}

int main(void)
{
	TALLOC_CTX *top = talloc_new(NULL);
	static struct page pages[PAGES];
	struct rop_response resp[PAGES][4];
	uint8_t *rops = talloc_array(top, uint8_t, CAP), *out = talloc_array(top, uint8_t, CAP);
	const unsigned flags[2] = {0, RPC_EXT_ENCODE_COMPRESS | RPC_EXT_ENCODE_XOR};
	const char *const label[2] = {"plain", "compressed"};
	size_t total = 0, packed[2] = {0, 0};
	volatile uint8_t sink = 0;

	for (int pg = 0; pg < PAGES; pg++) {
		fill_page(top, resp[pg]);
		for (int c = 0; c < 2; c++) {
			size_t n = encode_page(resp[pg], flags[c], rops, out);
			pages[pg].ext[c] = talloc_memdup(top, out, n);
			pages[pg].ext_len[c] = n;
			packed[c] += n;
		}
		/* the plain payload after the 8-byte RPC_HEADER_EXT is the ROP buffer */
		pages[pg].plain_len = pages[pg].ext_len[0] - RPC_EXT_HEADER_SIZE;
		pages[pg].plain = pages[pg].ext[0] + RPC_EXT_HEADER_SIZE;
		total += pages[pg].plain_len;
	}
	double mb = (double)total * ROUNDS / 1e6;
	printf("rop_mixed_page_bytes: %zu bytes\n", total / PAGES);
	printf("rop_mixed_compressed_ratio: %.3f compressed/plain\n",
	       (double)packed[1] / (double)packed[0]);

	for (int c = 0; c < 2; c++) {
		struct rop_response back[4];
		/* one untimed pass to warm the caches and the allocator */
		for (int pg = 0; pg < PAGES; pg++) {
			TALLOC_CTX *tmp = talloc_new(top);
			decode_page(tmp, pages[pg].ext[c], pages[pg].ext_len[c], back);
			talloc_free(tmp);
		}
		double t0 = now();
		for (int round = 0; round < ROUNDS; round++) {
			for (int pg = 0; pg < PAGES; pg++) {
				TALLOC_CTX *tmp = talloc_new(top);
				decode_page(tmp, pages[pg].ext[c], pages[pg].ext_len[c], back);
				talloc_free(tmp);
			}
		}
		double td = now() - t0;
		t0 = now();
		for (int round = 0; round < ROUNDS; round++)
			for (int pg = 0; pg < PAGES; pg++)
				if (encode_page(resp[pg], flags[c], rops, out) !=
				    pages[pg].ext_len[c])
					exit(1);
		double te = now() - t0;
		printf("rop_mixed_%s_decode: %.1f MB/s\n", label[c], mb / td);
		printf("rop_mixed_%s_encode: %.1f MB/s\n", label[c], mb / te);
	}
	double t0 = now();
	for (int round = 0; round < ROUNDS; round++)
		for (int pg = 0; pg < PAGES; pg++) {
			memcpy(out, pages[pg].plain, pages[pg].plain_len);
			sink ^= out[(size_t)round % pages[pg].plain_len];
		}
	double tm = now() - t0;
	(void)sink;
	printf("rop_mixed_memcpy: %.1f MB/s\n", mb / (tm > 0 ? tm : 1e-9));
	talloc_free(top);
	return 0;
}
