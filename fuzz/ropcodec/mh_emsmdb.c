/*
 * Fuzz target: the MAPI/HTTP EMSMDB bodies (mh_emsmdb.h).  The first byte
 * picks the body type, the rest is the body.  What decodes must encode back
 * to the same bytes.  Every body also goes through the printer
 * (rop_print_mh_body).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mh_emsmdb.h"
#include "rop_print.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ROUND_TRIP(name, type)                                                                     \
	do {                                                                                       \
		type v;                                                                            \
		if (name##_pull(tmp, body, len, &v) == ROP_OK) {                                   \
			rop_push_init_growable(&w, tmp);                                           \
			if (name##_push(&w, &v) != ROP_OK || w.ofs != len ||                       \
			    (len > 0 && memcmp(w.data, body, len) != 0))                           \
				abort();                                                           \
		}                                                                                  \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TALLOC_CTX *tmp;
	struct rop_push w;

	if (size < 1)
		return 0;
	tmp = talloc_new(NULL);
	const uint8_t *body = data + 1;
	size_t len = size - 1;
	/* the printer decodes the same bodies (and their ROP buffers, both
	 * directions, and auxiliary buffers) */
	{
		struct rop_printer pr;
		rop_printer_init(&pr, tmp);
		(void)rop_print_mh_body(&pr, (enum rop_print_body)((data[0] % 8) / 2),
		                        (data[0] % 2) != 0 ? ROP_PRINT_RESPONSE : ROP_PRINT_REQUEST,
		                        body, len, NULL);
	}
	switch (data[0] % 8) {
	case 0:
		ROUND_TRIP(mh_connect_req, struct mh_connect_req);
		break;
	case 1:
		ROUND_TRIP(mh_connect_resp, struct mh_connect_resp);
		break;
	case 2:
		ROUND_TRIP(mh_execute_req, struct mh_execute_req);
		break;
	case 3:
		ROUND_TRIP(mh_execute_resp, struct mh_execute_resp);
		break;
	case 4:
		ROUND_TRIP(mh_disconnect_req, struct mh_disconnect_req);
		break;
	case 5:
		ROUND_TRIP(mh_disconnect_resp, struct mh_disconnect_resp);
		break;
	case 6:
		ROUND_TRIP(mh_notification_wait_req, struct mh_notification_wait_req);
		break;
	default:
		ROUND_TRIP(mh_notification_wait_resp, struct mh_notification_wait_resp);
		break;
	}
	talloc_free(tmp);
	return 0;
}
