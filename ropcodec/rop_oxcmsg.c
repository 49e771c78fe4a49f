/* ROPs of [MS-OXCMSG] 2.2.3, layouts of [MS-OXCROPS] 2.2.6. */
#include "rop_shared.h"

/* [MS-OXCROPS] 2.2.6.1 RopOpenMessage */
#define OMQ struct rop_open_message_req
#define OMR struct rop_open_message_resp
static const struct rop_field open_message_req[] = {
    RF(FK_U16, OMQ, code_page_id),
    RF(FK_U64, OMQ, folder_id),
    RF(FK_U8, OMQ, open_mode_flags),
    RF(FK_U64, OMQ, message_id),
    RF_END,
};
static const struct rop_field open_message_resp[] = {
    RF(FK_U8, OMR, has_named_properties),
    RF(FK_TYPEDSTR, OMR, subject_prefix),
    RF(FK_TYPEDSTR, OMR, normalized_subject),
    RF(FK_U16, OMR, recipient_count),
    RF(FK_TAGS16, OMR, recipient_columns),
    RFA(FK_RECIP_OPEN8, OMR, recipient_rows, offsetof(OMR, recipient_columns)),
    RF_END,
};
const struct rop_codec rop_codec_open_message = ROP_CODEC(open_message_req, open_message_resp);

/* [MS-OXCROPS] 2.2.6.2 RopCreateMessage */
#define CMR struct rop_create_message_resp
static const struct rop_field create_message_req[] = {
    RF(FK_U16, struct rop_create_message_req, code_page_id),
    RF(FK_U64, struct rop_create_message_req, folder_id),
    RF(FK_U8, struct rop_create_message_req, associated_flag),
    RF_END,
};
static const struct rop_field create_message_resp[] = {
    RF(FK_U8, CMR, has_message_id),
    RFIF(FK_IF_U8_NZ, CMR, has_message_id, 1, 0),
    RF(FK_U64, CMR, message_id),
    RF_END,
};
const struct rop_codec rop_codec_create_message =
    ROP_CODEC(create_message_req, create_message_resp);

/* [MS-OXCROPS] 2.2.6.3 RopSaveChangesMessage */
static const struct rop_field save_changes_message_resp[] = {
    RF(FK_U8, struct rop_save_changes_message_resp, input_handle_index),
    RF(FK_U64, struct rop_save_changes_message_resp, message_id),
    RF_END,
};
const struct rop_codec rop_codec_save_changes_message =
    ROP_CODEC(rop_fields_save_flags_req, save_changes_message_resp);

/* [MS-OXCROPS] 2.2.6.4 RopRemoveAllRecipients */
static const struct rop_field reserved32_req[] = {
    RF(FK_U32, struct rop_reserved32_req, reserved),
    RF_END,
};
const struct rop_codec rop_codec_remove_all_recipients = ROP_CODEC(reserved32_req, rop_fields_none);

/* [MS-OXCROPS] 2.2.6.5 RopModifyRecipients */
static const struct rop_field modify_recipients_req[] = {
    RF(FK_TAGS16, struct rop_modify_recipients_req, recipient_columns),
    RFA(FK_RECIP_MOD16, struct rop_modify_recipients_req, rows,
        offsetof(struct rop_modify_recipients_req, recipient_columns)),
    RF_END,
};
const struct rop_codec rop_codec_modify_recipients =
    ROP_CODEC(modify_recipients_req, rop_fields_none);

/* [MS-OXCROPS] 2.2.6.6 RopReadRecipients: the rows are in the context's
 * columns (the RecipientColumns of RopOpenMessage) */
static const struct rop_field read_recipients_req[] = {
    RF(FK_U32, struct rop_read_recipients_req, row_id),
    RF(FK_U16, struct rop_read_recipients_req, reserved),
    RF_END,
};
static const struct rop_field read_recipients_resp[] = {
    RF(FK_RECIP_READ8, struct rop_read_recipients_resp, rows),
    RF_END,
};
const struct rop_codec rop_codec_read_recipients =
    ROP_CODEC(read_recipients_req, read_recipients_resp);

/* [MS-OXCROPS] 2.2.6.7 RopReloadCachedInformation: the RopOpenMessage response */
static const struct rop_field reserved16_req[] = {
    RF(FK_U16, struct rop_reserved16_req, reserved),
    RF_END,
};
const struct rop_codec rop_codec_reload_cached_information =
    ROP_CODEC(reserved16_req, open_message_resp);

/* [MS-OXCROPS] 2.2.6.8 RopSetMessageStatus / 2.2.6.9 RopGetMessageStatus */
#define SMS struct rop_set_message_status_req
static const struct rop_field set_message_status_req[] = {
    RF(FK_U64, SMS, message_id),
    RF(FK_U32, SMS, message_status_flags),
    RF(FK_U32, SMS, message_status_mask),
    RF_END,
};
static const struct rop_field message_status_resp[] = {
    RF(FK_U32, struct rop_message_status_resp, message_status_flags),
    RF_END,
};
const struct rop_codec rop_codec_set_message_status =
    ROP_CODEC(set_message_status_req, message_status_resp);
const struct rop_codec rop_codec_get_message_status =
    ROP_CODEC(rop_fields_message_id_req, message_status_resp);

/* [MS-OXCROPS] 2.2.6.10 RopSetReadFlags */
static const struct rop_field set_read_flags_req[] = {
    RF(FK_U8, struct rop_set_read_flags_req, want_asynchronous),
    RF(FK_U8, struct rop_set_read_flags_req, read_flags),
    RF(FK_IDS16, struct rop_set_read_flags_req, message_ids),
    RF_END,
};
const struct rop_codec rop_codec_set_read_flags =
    ROP_CODEC(set_read_flags_req, rop_fields_partial_resp);

/* [MS-OXCROPS] 2.2.6.11 RopSetMessageReadFlag: ClientData only on public
 * folder logons (decode context); the response's LogonId and ClientData
 * follow when ReadStatusChanged is nonzero. */
#define SRF struct rop_set_message_read_flag_resp
static const struct rop_field set_message_read_flag_req[] = {
    RF(FK_U8, struct rop_set_message_read_flag_req, read_flags),
    RF(FK_CLIENTDATA, struct rop_set_message_read_flag_req, client_data),
    RF_END,
};
static const struct rop_field set_message_read_flag_resp[] = {
    RF(FK_U8, SRF, read_status_changed),
    RFIF(FK_IF_U8_NZ, SRF, read_status_changed, 2, 0),
    RF(FK_U8, SRF, logon_id),
    RFA(FK_BYTES, SRF, client_data, 24),
    RF_END,
};
const struct rop_codec rop_codec_set_message_read_flag =
    ROP_CODEC(set_message_read_flag_req, set_message_read_flag_resp);

/* [MS-OXCROPS] 2.2.6.12 RopOpenAttachment .. 2.2.6.15 RopSaveChangesAttachment */
static const struct rop_field open_attachment_req[] = {
    RF(FK_U8, struct rop_open_attachment_req, open_attachment_flags),
    RF(FK_U32, struct rop_open_attachment_req, attachment_id),
    RF_END,
};
static const struct rop_field attachment_id_req[] = {
    RF(FK_U32, struct rop_attachment_id_req, attachment_id),
    RF_END,
};
static const struct rop_field attachment_id_resp[] = {
    RF(FK_U32, struct rop_attachment_id_resp, attachment_id),
    RF_END,
};
const struct rop_codec rop_codec_open_attachment = ROP_CODEC(open_attachment_req, rop_fields_none);
const struct rop_codec rop_codec_create_attachment = ROP_CODEC(rop_fields_none, attachment_id_resp);
const struct rop_codec rop_codec_delete_attachment = ROP_CODEC(attachment_id_req, rop_fields_none);
const struct rop_codec rop_codec_save_changes_attachment =
    ROP_CODEC(rop_fields_save_flags_req, rop_fields_none);

/* [MS-OXCROPS] 2.2.6.16 RopOpenEmbeddedMessage */
#define OER struct rop_open_embedded_message_resp
static const struct rop_field open_embedded_message_req[] = {
    RF(FK_U16, struct rop_open_embedded_message_req, code_page_id),
    RF(FK_U8, struct rop_open_embedded_message_req, open_mode_flags),
    RF_END,
};
static const struct rop_field open_embedded_message_resp[] = {
    RF(FK_U8, OER, reserved),
    RF(FK_U64, OER, message_id),
    RF(FK_U8, OER, has_named_properties),
    RF(FK_TYPEDSTR, OER, subject_prefix),
    RF(FK_TYPEDSTR, OER, normalized_subject),
    RF(FK_U16, OER, recipient_count),
    RF(FK_TAGS16, OER, recipient_columns),
    RFA(FK_RECIP_OPEN8, OER, recipient_rows, offsetof(OER, recipient_columns)),
    RF_END,
};
const struct rop_codec rop_codec_open_embedded_message =
    ROP_CODEC(open_embedded_message_req, open_embedded_message_resp);

/* [MS-OXCROPS] 2.2.6.17 RopGetAttachmentTable / 2.2.6.18 RopGetValidAttachments */
static const struct rop_field get_valid_attachments_resp[] = {
    RF(FK_U32S16, struct rop_get_valid_attachments_resp, attachment_ids),
    RF_END,
};
const struct rop_codec rop_codec_get_attachment_table =
    ROP_CODEC(rop_fields_table_flags_req, rop_fields_none);
const struct rop_codec rop_codec_get_valid_attachments =
    ROP_CODEC(rop_fields_none, get_valid_attachments_resp);
