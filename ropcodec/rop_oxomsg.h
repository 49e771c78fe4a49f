/* ROPs of [MS-OXOMSG] 2.2.4 / 2.2.5: submission and the transport. */
#ifndef ROP_OXOMSG_H
#define ROP_OXOMSG_H

#include "rop_oxcrops.h"

struct rop_submit_message_req {
	uint8_t submit_flags;
};
struct rop_abort_submit_req {
	uint64_t folder_id;
	uint64_t message_id;
};
struct rop_get_address_types_resp {
	struct rop_string_array address_types; /* count, byte size, strings */
};
struct rop_spooler_lock_message_req {
	uint64_t message_id;
	uint8_t lock_state;
};
struct rop_transport_send_resp {
	uint8_t no_properties_returned;
	struct mapi_propval_array vals; /* when no_properties_returned is 0 */
};
struct rop_transport_new_mail_req {
	uint64_t message_id;
	uint64_t folder_id;
	char *message_class;
	uint32_t message_flags;
};
struct rop_options_data_req {
	char *address_type;
	uint8_t want_win32;
};
struct rop_options_data_resp {
	uint8_t reserved;
	struct mapi_binary options_info;
	struct mapi_binary help_file;
	char *help_file_name; /* when help_file is not empty */
};

struct rop_codec;
extern const struct rop_codec rop_codec_submit_message, rop_codec_abort_submit,
    rop_codec_get_address_types, rop_codec_set_spooler, rop_codec_spooler_lock_message,
    rop_codec_transport_send, rop_codec_transport_new_mail, rop_codec_get_transport_folder,
    rop_codec_options_data;

#endif
