/* ROPs of [MS-OXCMSG] 2.2.3: messages, recipients, attachments. */
#ifndef ROP_OXCMSG_H
#define ROP_OXCMSG_H

#include "rop_oxcrops.h"

struct rop_open_message_req {
	uint16_t code_page_id;
	uint64_t folder_id;
	uint8_t open_mode_flags;
	uint64_t message_id;
};
/* Also the RopReloadCachedInformation response.  The RecipientRows
 * ([MS-OXCDATA] 2.8.3, rop_recipient.h) are in recipient_columns. */
struct rop_open_message_resp {
	uint8_t has_named_properties;
	struct rop_typed_string subject_prefix;
	struct rop_typed_string normalized_subject;
	uint16_t recipient_count;
	struct mapi_proptag_array recipient_columns;
	struct rop_recipient_rows recipient_rows;
};
struct rop_open_embedded_message_req {
	uint16_t code_page_id;
	uint8_t open_mode_flags;
};
struct rop_open_embedded_message_resp {
	uint8_t reserved;
	uint64_t message_id;
	uint8_t has_named_properties;
	struct rop_typed_string subject_prefix;
	struct rop_typed_string normalized_subject;
	uint16_t recipient_count;
	struct mapi_proptag_array recipient_columns;
	struct rop_recipient_rows recipient_rows;
};
struct rop_create_message_req {
	uint16_t code_page_id;
	uint64_t folder_id;
	uint8_t associated_flag;
};
struct rop_create_message_resp {
	uint8_t has_message_id;
	uint64_t message_id;
};
struct rop_save_changes_message_resp {
	uint8_t input_handle_index;
	uint64_t message_id;
};
struct rop_modify_recipients_req {
	struct mapi_proptag_array recipient_columns;
	struct rop_recipient_rows rows;
};
struct rop_read_recipients_req {
	uint32_t row_id;
	uint16_t reserved;
};
struct rop_read_recipients_resp {
	struct rop_recipient_rows rows;
};
struct rop_set_message_status_req {
	uint64_t message_id;
	uint32_t message_status_flags;
	uint32_t message_status_mask;
};
struct rop_message_status_resp {
	uint32_t message_status_flags;
};
struct rop_set_read_flags_req {
	uint8_t want_asynchronous;
	uint8_t read_flags;
	struct rop_id_array message_ids;
};
struct rop_set_message_read_flag_req {
	uint8_t read_flags;
	struct rop_client_data client_data; /* public folder logons only */
};
struct rop_set_message_read_flag_resp {
	uint8_t read_status_changed;
	uint8_t logon_id;        /* when read_status_changed */
	uint8_t client_data[24]; /* when read_status_changed */
};
struct rop_open_attachment_req {
	uint8_t open_attachment_flags;
	uint32_t attachment_id;
};
struct rop_attachment_id_req {
	uint32_t attachment_id;
};
struct rop_attachment_id_resp {
	uint32_t attachment_id;
};
struct rop_get_valid_attachments_resp {
	struct rop_u32_array attachment_ids;
};

struct rop_codec;
extern const struct rop_codec rop_codec_open_message, rop_codec_create_message,
    rop_codec_save_changes_message, rop_codec_remove_all_recipients, rop_codec_modify_recipients,
    rop_codec_read_recipients, rop_codec_reload_cached_information, rop_codec_set_message_status,
    rop_codec_get_message_status, rop_codec_set_read_flags, rop_codec_set_message_read_flag,
    rop_codec_open_attachment, rop_codec_create_attachment, rop_codec_delete_attachment,
    rop_codec_save_changes_attachment, rop_codec_open_embedded_message,
    rop_codec_get_attachment_table, rop_codec_get_valid_attachments;

#endif
