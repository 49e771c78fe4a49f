/*
 * Benchmark of the EMSMDB engine: an Outlook-like Execute batch through
 * ems_execute (OpenFolder Inbox, GetContentsTable, SetColumns, SortTable,
 * QueryRows 50, OpenMessage, GetPropertiesSpecific, Release x3) on a
 * folder of 2,000 messages; CPU time per batch, compressed and not.
 *
 *   meson benchmark -C <build> --suite emsmdb
 */
#include <time.h>

#include "ems_test.h"

#define MESSAGES 2000
#define BATCHES  300

static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t fill(struct ems_t *t, uint64_t fid)
{
	uint64_t mid = 0;
	for (int i = 0; i < MESSAGES; i++) {
		struct store_message *msg;
		char subject[64];
		snprintf(subject, sizeof(subject), "Re: status update %d", i * 7919 % 10007);
		struct mapi_propval v[4] = {{.tag = PROP_TAG(PT_UNICODE, 0x0037)},
		                            {.tag = PROP_TAG(PT_SYSTIME, 0x0E06)},
		                            {.tag = PROP_TAG(PT_UNICODE, 0x001A)},
		                            {.tag = PROP_TAG(PT_UNICODE, 0x0C1A)}};
		v[0].v.str = subject;
		v[1].v.ft = 130000000000000000ULL + (uint64_t)i * 10000000ULL;
		v[2].v.str = (char *)"IPM.Note";
		v[3].v.str = (char *)"Some Sender";
		struct mapi_propval_array vals = {4, v};
		if (store_message_create(NULL, t->mbox, fid, false, &msg) != 0 ||
		    store_message_set_props(msg, &vals) != 0 || store_message_save(msg, false) != 0)
			abort();
		mid = store_message_mid(msg);
		store_message_close(&msg);
	}
	return mid;
}

int main(void)
{
	struct ems_t t;
	et_setup(&t);
	uint64_t inbox = store_special_fid(t.mbox, STORE_FOLDER_INBOX);
	uint64_t mid = fill(&t, inbox);
	uint32_t h0 = et_logon(&t);
	uint32_t cols[] = {PROP_TAG(PT_I8, 0x674A),      PROP_TAG(PT_UNICODE, 0x0037),
	                   PROP_TAG(PT_SYSTIME, 0x0E06), PROP_TAG(PT_UNICODE, 0x0C1A),
	                   PROP_TAG(PT_LONG, 0x0E07),    PROP_TAG(PT_LONG, 0x0E08)};
	uint32_t ptags[] = {PROP_TAG(PT_UNICODE, 0x0037), PROP_TAG(PT_UNICODE, 0x001A),
	                    PROP_TAG(PT_LONG, 0x0E07), PROP_TAG(PT_BINARY, 0x0FFF)};
	struct mapi_sort_order so = {PROP_TAG(PT_SYSTIME, 0x0E06), TABLE_SORT_DESCEND};
	struct rop_request q[10];
	memset(q, 0, sizeof(q));
	q[0].rop_id = ROP_ID_OpenFolder;
	q[0].output_handle = 1;
	q[0].u.open_folder.folder_id = inbox;
	q[1].rop_id = ROP_ID_GetContentsTable;
	q[1].input_handle = 1;
	q[1].output_handle = 2;
	q[1].u.get_contents_table.table_flags = 0x40;
	q[2].rop_id = ROP_ID_SetColumns;
	q[2].input_handle = 2;
	q[2].u.set_columns.tags.count = 6;
	q[2].u.set_columns.tags.tags = cols;
	q[3].rop_id = ROP_ID_SortTable;
	q[3].input_handle = 2;
	q[3].u.sort_table.sorts.count = 1;
	q[3].u.sort_table.sorts.sorts = &so;
	q[4].rop_id = ROP_ID_QueryRows;
	q[4].input_handle = 2;
	q[4].u.query_rows.forward_read = 1;
	q[4].u.query_rows.row_count = 50;
	q[5].rop_id = ROP_ID_OpenMessage;
	q[5].input_handle = 1;
	q[5].output_handle = 3;
	q[5].u.open_message.folder_id = inbox;
	q[5].u.open_message.message_id = mid;
	q[6].rop_id = ROP_ID_GetPropertiesSpecific;
	q[6].input_handle = 3;
	q[6].u.get_properties_specific.want_unicode = 1;
	q[6].u.get_properties_specific.tags.count = 4;
	q[6].u.get_properties_specific.tags.tags = ptags;
	q[7].rop_id = ROP_ID_Release;
	q[7].input_handle = 3;
	q[8].rop_id = ROP_ID_Release;
	q[8].input_handle = 2;
	q[9].rop_id = ROP_ID_Release;
	q[9].input_handle = 1;
	et_set_columns(&t, cols, 6);

	const uint32_t flags[2] = {RPC_EXT_PUL_NOCOMPRESSION | RPC_EXT_PUL_NOXORMAGIC, 0};
	const char *names[2] = {"outlook_batch_plain", "outlook_batch_compressed"};
	struct et_result *r = talloc(t.mem, struct et_result);
	for (int k = 0; k < 2; k++) {
		double t0 = cpu_now();
		for (int i = 0; i < BATCHES; i++) {
			uint32_t h[4] = {h0, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF};
			TALLOC_CTX *mem = talloc_new(NULL);
			if (et_exec_full(&t, mem, q, 10, h, 4, flags[k], 0x40000, r) != 0 ||
			    r->count != 7 || r->resps[4].u.query_rows.rows.count != 50 ||
			    r->resps[6].return_value != 0) {
				fprintf(stderr, "batch failed\n");
				return 1;
			}
			talloc_free(mem);
		}
		double t1 = cpu_now();
		printf("%s: %.1f us/batch\n", names[k], (t1 - t0) * 1e6 / BATCHES);
	}
	et_teardown(&t);
	return 0;
}
