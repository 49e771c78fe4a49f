/* Helpers for the store tests: a fresh store in a temporary directory. */
#ifndef STORE_TEST_UTIL_H
#define STORE_TEST_UTIL_H

#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "store.h"

static inline char *tmp_data_dir(TALLOC_CTX *mem_ctx)
{
	char tmpl[] = "/tmp/store-test-XXXXXX";
	if (mkdtemp(tmpl) == NULL)
		abort();
	return talloc_strdup(mem_ctx, tmpl);
}

static inline void rm_rf(const char *dir)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cleanup of %s failed\n", dir);
}

static inline struct mapi_guid test_guid(uint8_t seed)
{
	struct mapi_guid g;
	for (int i = 0; i < 16; i++)
		g.b[i] = (uint8_t)(seed * 31 + i);
	return g;
}

static inline struct store_mailbox *test_mailbox(TALLOC_CTX *mem_ctx, struct store *store,
                                                 uint8_t seed)
{
	const char *error = NULL;
	struct store_mailbox_params p = {.mailbox_guid = test_guid(seed), .owner_name = "Test"};
	struct store_mailbox *mbox;
	if (store_mailbox_create(store, &p, &error) != 0 ||
	    store_mailbox_open(mem_ctx, store, &p.mailbox_guid, &mbox, &error) != 0) {
		fprintf(stderr, "mailbox: %s\n", error ? error : "?");
		abort();
	}
	return mbox;
}

static inline struct mapi_propval pv_str(uint32_t tag, const char *s)
{
	struct mapi_propval v = {.tag = tag};
	v.v.str = (char *)s;
	return v;
}

static inline struct mapi_propval pv_i32(uint32_t tag, int32_t x)
{
	struct mapi_propval v = {.tag = tag};
	v.v.i32 = x;
	return v;
}

static inline struct mapi_propval pv_ft(uint32_t tag, uint64_t x)
{
	struct mapi_propval v = {.tag = tag};
	v.v.ft = x;
	return v;
}

/* Saves a new message in fid with subject and delivery time; returns mid. */
static inline uint64_t add_message(struct store_mailbox *mbox, uint64_t fid, const char *subject,
                                   uint64_t dtime, int32_t importance)
{
	struct store_message *msg;
	struct mapi_propval v[4] = {
	    pv_str(PROP_TAG(PT_UNICODE, 0x0037), subject),
	    pv_ft(PROP_TAG(PT_SYSTIME, 0x0E06), dtime),
	    pv_i32(PROP_TAG(PT_LONG, 0x0017), importance),
	    pv_str(PROP_TAG(PT_UNICODE, 0x001A), "IPM.Note"),
	};
	struct mapi_propval_array vals = {4, v};
	if (store_message_create(NULL, mbox, fid, false, &msg) != 0 ||
	    store_message_set_props(msg, &vals) != 0 || store_message_save(msg, false) != 0)
		abort();
	uint64_t mid = store_message_mid(msg);
	store_message_close(&msg);
	return mid;
}

#endif
