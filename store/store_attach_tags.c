/*
 * The property tags set on an attachment of a message instance, for
 * RopGetPropertiesAll / RopGetPropertiesList on an attachment and the
 * attachment table of the EMSMDB layer ([MS-OXCPRPT] 3.2.5.2, 3.2.5.3).
 */
#include "store_private.h"

#define PR_ATTACH_NUM_TAG PROP_TAG(PT_LONG, 0x0E21)

/* [MS-OXCMSG] 2.2.2.5 PidTagAttachSize: the bytes the attachment's
 * properties take on the server, computed from the current values (so it
 * follows every change and save); read-only for the client. */
int32_t store_attach_size(const struct msg_attach *a)
{
	uint64_t n = 0;

	for (uint32_t i = 0; i < a->bag.count; i++) {
		const struct pbag_entry *e = &a->bag.e[i];
		if (PROP_ID(e->tag) != PROP_ID(PR_ATTACH_SIZE))
			n += e->external ? e->ext_len : store_propval_size(&e->val);
	}
	return n > INT32_MAX ? INT32_MAX : (int32_t)n;
}

int store_message_attach_tags(TALLOC_CTX *mem_ctx, struct store_message *msg, uint32_t attach_num,
                              struct mapi_proptag_array *tags_r)
{
	const struct msg_attach *a = NULL;
	uint32_t n = 0;

	for (uint32_t i = 0; i < msg->attach_count; i++) {
		if (msg->attach[i].num == attach_num)
			a = &msg->attach[i];
	}
	if (a == NULL)
		return STORE_E_NOTFOUND;
	tags_r->tags = talloc_array(mem_ctx, uint32_t, a->bag.count + 2);
	if (tags_r->tags == NULL)
		return STORE_E_NOMEM;
	/* the attach number and size are computed, always there */
	tags_r->tags[n++] = PR_ATTACH_NUM_TAG;
	tags_r->tags[n++] = PR_ATTACH_SIZE;
	for (uint32_t i = 0; i < a->bag.count; i++) {
		uint16_t id = PROP_ID(a->bag.e[i].tag);
		/* the embedded message is the store's, not a property
		 * (store_embedded.c: opened as a message) */
		if (id != PROP_ID(PR_ATTACH_NUM_TAG) && id != PROP_ID(PR_ATTACH_SIZE) &&
		    id != PROP_ID(STORE_TAG_EMBEDDED))
			tags_r->tags[n++] = a->bag.e[i].tag;
	}
	tags_r->count = n;
	return 0;
}
