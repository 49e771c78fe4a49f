/* ROPs of [MS-OXCNOTIF] 2.2.1, layouts of [MS-OXCROPS] 2.2.14. */
#include "rop_shared.h"

/* [MS-OXCROPS] 2.2.14.1 RopRegisterNotification: FolderId and MessageId
 * follow when WantWholeStore is 0. */
#define RNQ struct rop_register_notification_req
static const struct rop_field register_notification_req[] = {
    RF(FK_U8, RNQ, notification_types),
    RF(FK_U8, RNQ, reserved),
    RF(FK_U8, RNQ, want_whole_store),
    RFIF(FK_IF_U8_Z, RNQ, want_whole_store, 2, 0),
    RF(FK_U64, RNQ, folder_id),
    RF(FK_U64, RNQ, message_id),
    RF_END,
};
const struct rop_codec rop_codec_register_notification =
    ROP_CODEC(register_notification_req, rop_fields_none);

/* [MS-OXCROPS] 2.2.14.2 RopNotify: NotificationHandle, LogonId,
 * NotificationData ([MS-OXCNOTIF] 2.2.1.4.1.2, notif.h). */
static const struct rop_field notify_resp[] = {
    RF(FK_U32, struct rop_notify_resp, notification_handle),
    RF(FK_U8, struct rop_notify_resp, logon_id),
    RF(FK_NOTIF, struct rop_notify_resp, data),
    RF_END,
};
const struct rop_codec rop_codec_notify = ROP_CODEC(rop_fields_none, notify_resp);

/* [MS-OXCROPS] 2.2.14.3 RopPending */
static const struct rop_field pending_resp[] = {
    RF(FK_U16, struct rop_pending_resp, session_index),
    RF_END,
};
const struct rop_codec rop_codec_pending = ROP_CODEC(rop_fields_none, pending_resp);
