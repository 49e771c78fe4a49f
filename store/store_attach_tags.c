/*
 * The property tags set on an attachment of a message instance, for
 * RopGetPropertiesAll / RopGetPropertiesList on an attachment and the
 * attachment table of the EMSMDB layer ([MS-OXCPRPT] 3.2.5.2, 3.2.5.3).
 */
#include "store_private.h"

#define PR_ATTACH_NUM_TAG PROP_TAG(PT_LONG, 0x0E21)

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
	tags_r->tags = talloc_array(mem_ctx, uint32_t, a->bag.count + 1);
	if (tags_r->tags == NULL)
		return STORE_E_NOMEM;
	/* the attach number is computed, always there */
	tags_r->tags[n++] = PR_ATTACH_NUM_TAG;
	for (uint32_t i = 0; i < a->bag.count; i++) {
		if (PROP_ID(a->bag.e[i].tag) != PROP_ID(PR_ATTACH_NUM_TAG))
			tags_r->tags[n++] = a->bag.e[i].tag;
	}
	tags_r->count = n;
	return 0;
}
