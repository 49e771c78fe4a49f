/*
 * Fuzz target: RopSetCollapseState's CollapseState bytes ([MS-OXCTABL]
 * 2.2.2.20), which come from the client, applied to a categorised view.
 * A malformed state must give STORE_E_INVALID and leave the view usable.
 * The mailbox is made once per process in a temporary directory.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PR_SUBJECT    PROP_TAG(PT_UNICODE, 0x0037)
#define PR_IMPORTANCE PROP_TAG(PT_LONG, 0x0017)

static struct store *store;
static struct store_mailbox *mbox;
static uint64_t inbox;
static char dir[] = "/tmp/fuzz-collapse-XXXXXX";

static void cleanup(void)
{
	char cmd[64];
	store_mailbox_close(&mbox);
	store_close(&store);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		return;
}

static void add(const char *subject, int32_t importance)
{
	struct store_message *msg;
	struct mapi_propval v[2] = {{.tag = PR_SUBJECT}, {.tag = PR_IMPORTANCE}};
	v[0].v.str = (char *)subject;
	v[1].v.i32 = importance;
	struct mapi_propval_array vals = {2, v};
	if (store_message_create(NULL, mbox, inbox, false, &msg) != 0 ||
	    store_message_set_props(msg, &vals) != 0 || store_message_save(msg, false) != 0)
		abort();
	store_message_close(&msg);
}

static void setup(void)
{
	const char *error;
	struct store_settings s = {.nosync = true, .mapsize = 1ULL << 28};
	struct store_mailbox_params p = {.owner_name = "Fuzz"};
	memset(p.mailbox_guid.b, 0x5A, 16);
	if (mkdtemp(dir) == NULL || store_open(NULL, dir, &s, &store, &error) != 0 ||
	    store_mailbox_create(store, &p, &error) != 0 ||
	    store_mailbox_open(NULL, store, &p.mailbox_guid, &mbox, &error) != 0)
		abort();
	atexit(cleanup);
	inbox = store_special_fid(mbox, STORE_FOLDER_INBOX);
	add("a", 0);
	add("b", 1);
	add("c", 1);
	add("d", 2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (store == NULL)
		setup();
	struct store_table *t;
	struct mapi_sort_order so[2] = {{PR_IMPORTANCE, TABLE_SORT_ASCEND},
	                                {PR_SUBJECT, TABLE_SORT_ASCEND}};
	struct mapi_sort_order_set ss = {2, 1, 1, so};
	struct mapi_binary state = {.len = (uint32_t)size, .data = (uint8_t *)data};
	uint32_t bm, total, pos, n;
	struct mapi_propval_array *rows;
	if (store_table_open(NULL, mbox, inbox, STORE_TABLE_CONTENTS, 0, &t) != 0 ||
	    store_table_sort(t, &ss) != 0)
		abort();
	int ret = store_table_set_collapse_state(t, &state, &bm);
	if (ret != 0 && ret != STORE_E_INVALID)
		abort();
	/* The view stays consistent: 3 headers, up to 4 leaves. */
	if (store_table_position(t, &pos, &total) != 0 || total < 3 || total > 7 ||
	    store_table_seek(t, STORE_BOOKMARK_BEGINNING, 0, NULL) != 0 ||
	    store_table_query_rows(NULL, t, 10, true, &rows, &n) != 0 || n != total)
		abort();
	talloc_free(rows);
	store_table_close(&t);
	return 0;
}
