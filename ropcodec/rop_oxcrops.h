/*
 * Per-ROP structs shared by several ROPs (bodies of the same shape), and
 * those of the ROPs [MS-OXCROPS] defines itself: RopRelease, RopBackoff,
 * RopBufferTooSmall (2.2.15).
 */
#ifndef ROP_OXCROPS_H
#define ROP_OXCROPS_H

#include "rop_fields.h"

/* A body without fields. */
struct rop_empty {
	uint8_t unused_;
};

/* Request bodies of one shape. */
struct rop_table_flags_req {
	uint8_t table_flags;
};
struct rop_tags_req {
	struct mapi_proptag_array tags;
};
struct rop_data16_req {
	struct mapi_binary data; /* DataSize (16 bits) + Data */
};
struct rop_data32_req {
	struct mapi_binary data; /* StreamDataSize (32 bits) + StreamData */
};
struct rop_save_flags_req {
	uint8_t save_flags;
};
struct rop_reserved32_req {
	uint32_t reserved;
};
struct rop_reserved16_req {
	uint16_t reserved;
};
struct rop_message_id_req {
	uint64_t message_id;
};
struct rop_folder_id_req {
	uint64_t folder_id;
};
struct rop_object_id_req {
	uint64_t object_id;
};
struct rop_long_term_id_req {
	struct mapi_long_term_id long_term_id;
};
struct rop_database_guid_req {
	struct mapi_guid database_guid;
};
struct rop_message_class_req {
	char *message_class;
};
struct rop_bookmark_req {
	struct mapi_binary bookmark;
};
struct rop_category_id_req {
	uint64_t category_id;
};
struct rop_propids_req {
	struct rop_propid_array ids;
};

/* RopModifyPermissions ([MS-OXCPERM] 2.2.2) and RopModifyRules
 * ([MS-OXORULE] 2.2.1): a flags byte, then PermissionData / RuleData
 * entries (flags, TaggedPropertyValues). */
struct rop_modify_table_req {
	uint8_t modify_flags;
	struct rop_flagged_vals_array rows;
};

/* Response bodies of one shape. */
struct rop_table_status_resp {
	uint8_t table_status;
};
struct rop_tags_resp {
	struct mapi_proptag_array tags;
};
struct rop_tagged_values_resp {
	struct mapi_propval_array vals;
};
struct rop_problems_resp {
	struct rop_property_problem_array problems;
	uint32_t dest_handle_index; /* ecDstNullObject form (CopyTo, CopyProperties) */
};
/* PartialCompletion; the ecDstNullObject form of RopMoveCopyMessages,
 * RopMoveFolder and RopCopyFolder adds DestHandleIndex (32 bits). */
struct rop_partial_resp {
	uint8_t partial_completion;
	uint32_t dest_handle_index;
};
struct rop_row_count_resp {
	uint32_t row_count;
};
struct rop_bookmark_resp {
	struct mapi_binary bookmark;
};
struct rop_message_id_resp {
	uint64_t message_id;
};
struct rop_folder_id_resp {
	uint64_t folder_id;
};
struct rop_object_id_resp {
	uint64_t object_id;
};
struct rop_long_term_id_resp {
	struct mapi_long_term_id long_term_id;
};
struct rop_database_guid_resp {
	struct mapi_guid database_guid;
};
struct rop_ltids_resp {
	struct rop_ltid_array ltids;
};
struct rop_propids_resp {
	struct rop_propid_array ids;
};
struct rop_names_resp {
	struct rop_property_name_array names;
};
struct rop_stream_size32_resp {
	uint32_t stream_size;
};
struct rop_written16_resp {
	uint16_t written_size;
};
struct rop_written32_resp {
	uint32_t written_size;
};
struct rop_data16_resp {
	struct mapi_binary data;
};

/* [MS-OXCROPS] 2.2.15.1 RopBufferTooSmall */
struct rop_buffer_too_small_resp {
	uint16_t size_needed;
	struct mapi_binary request_buffers; /* the ROP requests not executed */
};

/* [MS-OXCROPS] 2.2.15.2 RopBackoff */
struct rop_backoff_resp {
	uint8_t logon_id;
	uint32_t duration;
	struct rop_backoff_rops rops;
	struct mapi_binary additional_data;
};

struct rop_codec;
extern const struct rop_codec rop_codec_release, rop_codec_backoff, rop_codec_buffer_too_small;

#endif
