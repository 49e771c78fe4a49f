/* ROPs of [MS-OXCNOTIF] 2.2.1: RopRegisterNotification, RopNotify, RopPending. */
#ifndef ROP_OXCNOTIF_H
#define ROP_OXCNOTIF_H

#include "notif.h"
#include "rop_oxcrops.h"

struct rop_register_notification_req {
	uint8_t notification_types;
	uint8_t reserved;
	uint8_t want_whole_store;
	uint64_t folder_id;  /* when want_whole_store is 0 */
	uint64_t message_id; /* when want_whole_store is 0 */
};
/* [MS-OXCROPS] 2.2.14.2.1.  NotificationData ([MS-OXCNOTIF] 2.2.1.4.1.2)
 * is notif.h's; a TableModified row is read in the context columns
 * (struct rop_decode_ctx / rop_encode_ctx), kept raw without them. */
struct rop_notify_resp {
	uint32_t notification_handle;
	uint8_t logon_id;
	struct notif_data data;
};
struct rop_pending_resp {
	uint16_t session_index;
};

struct rop_codec;
extern const struct rop_codec rop_codec_register_notification, rop_codec_notify, rop_codec_pending;

#endif
