/* ROPs of [MS-OXCSTOR] 2.2.1: logon, receive folders, IDs, per-user data. */
#ifndef ROP_OXCSTOR_H
#define ROP_OXCSTOR_H

#include "rop_oxcrops.h"

/* LogonFlags, [MS-OXCSTOR] 2.2.1.1.1 */
#define ROP_LOGON_PRIVATE 0x01

/* [MS-OXCROPS] 2.2.3.1.1 */
struct rop_logon_req {
	uint8_t logon_flags;
	uint32_t open_flags;
	uint32_t store_state;
	char *essdn; /* EssdnSize includes the NUL; NULL when 0 */
};

/* [MS-OXCROPS] 2.2.3.1.2 (private), .3 (public), .4 (redirect, ReturnValue
 * WrongServer 0x478).  Which success form travels follows logon_flags. */
struct rop_logon_resp {
	uint8_t logon_flags;
	uint64_t folder_ids[13];
	uint8_t response_flags;        /* private */
	struct mapi_guid mailbox_guid; /* private */
	uint16_t replid;
	struct mapi_guid replguid;
	uint8_t logon_time[6];          /* private: Seconds, Minutes, Hour, DayOfWeek, Day, Month */
	uint16_t logon_year;            /* private */
	uint64_t gwart_time;            /* private */
	uint32_t store_state;           /* private */
	struct mapi_guid per_user_guid; /* public */
	char *server_name;              /* redirect */
};

struct rop_set_receive_folder_req {
	uint64_t folder_id;
	char *message_class;
};
struct rop_get_receive_folder_resp {
	uint64_t folder_id;
	char *explicit_message_class;
};
struct rop_get_receive_folder_table_resp {
	struct rop_row_list rows;
};
struct rop_store_state_resp {
	uint32_t store_state;
};
struct rop_get_owning_servers_resp {
	uint16_t owning_servers_count;
	uint16_t cheap_servers_count;
	struct rop_string_array owning_servers;
};
struct rop_ghosted_resp {
	uint8_t is_ghosted;
	uint16_t servers_count;
	uint16_t cheap_servers_count;
	struct rop_string_array servers;
};
struct rop_read_per_user_information_req {
	struct mapi_long_term_id folder_id;
	uint8_t reserved;
	uint32_t data_offset;
	uint16_t max_data_size;
};
struct rop_read_per_user_information_resp {
	uint8_t has_finished;
	struct mapi_binary data;
};
struct rop_write_per_user_information_req {
	struct mapi_long_term_id folder_id;
	uint8_t has_finished;
	uint32_t data_offset;
	struct mapi_binary data;
	struct mapi_guid replguid; /* present when DataOffset is 0 */
};

struct rop_codec;
extern const struct rop_codec rop_codec_logon, rop_codec_get_receive_folder,
    rop_codec_set_receive_folder, rop_codec_get_receive_folder_table, rop_codec_get_store_state,
    rop_codec_get_owning_servers, rop_codec_public_folder_is_ghosted,
    rop_codec_long_term_id_from_id, rop_codec_id_from_long_term_id,
    rop_codec_get_per_user_long_term_ids, rop_codec_get_per_user_guid,
    rop_codec_read_per_user_information, rop_codec_write_per_user_information;

#endif
