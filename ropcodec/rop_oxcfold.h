/* ROPs of [MS-OXCFOLD] 2.2.1: folders, their tables, search folders. */
#ifndef ROP_OXCFOLD_H
#define ROP_OXCFOLD_H

#include "rop_oxcrops.h"

struct rop_open_folder_req {
	uint64_t folder_id;
	uint8_t open_mode_flags;
};
/* Servers follow only when IsGhosted is nonzero. */
struct rop_open_folder_resp {
	uint8_t has_rules;
	uint8_t is_ghosted;
	uint16_t server_count;
	uint16_t cheap_server_count;
	struct rop_string_array servers;
};
struct rop_create_folder_req {
	uint8_t folder_type;
	uint8_t use_unicode_strings;
	uint8_t open_existing;
	uint8_t reserved;
	char *display_name; /* UTF-16 on the wire when use_unicode_strings */
	char *comment;
};
struct rop_create_folder_resp {
	uint64_t folder_id;
	uint8_t is_existing_folder;
	uint8_t has_rules;  /* existing folder only */
	uint8_t is_ghosted; /* existing folder only */
	uint16_t server_count;
	uint16_t cheap_server_count;
	struct rop_string_array servers;
};
struct rop_delete_folder_req {
	uint8_t delete_folder_flags;
	uint64_t folder_id;
};
struct rop_set_search_criteria_req {
	struct mapi_restriction *restriction; /* NULL: size 0 */
	struct rop_id_array folder_ids;
	uint32_t search_flags;
};
struct rop_get_search_criteria_req {
	uint8_t use_unicode;
	uint8_t include_restriction;
	uint8_t include_folders;
};
struct rop_get_search_criteria_resp {
	struct mapi_restriction *restriction;
	uint8_t logon_id;
	struct rop_id_array folder_ids;
	uint32_t search_flags;
};
struct rop_move_copy_messages_req {
	struct rop_id_array message_ids;
	uint8_t want_asynchronous;
	uint8_t want_copy;
};
struct rop_move_folder_req {
	uint8_t want_asynchronous;
	uint8_t use_unicode;
	uint64_t folder_id;
	char *new_folder_name;
};
struct rop_copy_folder_req {
	uint8_t want_asynchronous;
	uint8_t want_recursive;
	uint8_t use_unicode;
	uint64_t folder_id;
	char *new_folder_name;
};
struct rop_empty_folder_req {
	uint8_t want_asynchronous;
	uint8_t want_delete_associated;
};
struct rop_delete_messages_req {
	uint8_t want_asynchronous;
	uint8_t notify_non_read;
	struct rop_id_array message_ids;
};

struct rop_codec;
extern const struct rop_codec rop_codec_open_folder, rop_codec_create_folder,
    rop_codec_delete_folder, rop_codec_set_search_criteria, rop_codec_get_search_criteria,
    rop_codec_move_copy_messages, rop_codec_move_folder, rop_codec_copy_folder,
    rop_codec_empty_folder, rop_codec_hard_delete_messages_and_subfolders,
    rop_codec_delete_messages, rop_codec_hard_delete_messages, rop_codec_get_hierarchy_table,
    rop_codec_get_contents_table;

#endif
