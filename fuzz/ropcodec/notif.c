/*
 * Fuzz target: RopNotify NotificationData ([MS-OXCNOTIF] 2.2.1.4.1.2).  The
 * first byte chooses whether a two-column set (PtypString, PtypInteger32)
 * decodes table rows; whatever decodes must encode back to the same bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "notif.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint32_t tags[] = {PROP_TAG(PT_UNICODE, 0x0037), PROP_TAG(PT_LONG, 0x0E08)};
	static const struct mapi_proptag_array cols = {2, tags};
	const struct mapi_proptag_array *c;
	TALLOC_CTX *ctx;
	struct rop_pull p;
	struct rop_push w;
	struct notif_data nd;

	if (size < 1)
		return 0;
	c = data[0] & 1 ? &cols : NULL;
	ctx = talloc_new(NULL);
	rop_pull_init(&p, ctx, data + 1, size - 1);
	if (notif_pull(&p, c, &nd) == ROP_OK) {
		rop_push_init_growable(&w, ctx);
		/* strings with unpaired surrogates or a flagged row may not
		 * re-encode identically; a successful encode must */
		if (notif_push(&w, c, &nd) == ROP_OK && c == NULL &&
		    (w.ofs != p.ofs || (w.ofs > 0 && memcmp(w.data, data + 1, w.ofs) != 0)))
			abort();
	}
	talloc_free(ctx);
	return 0;
}
