/* ROPs of [MS-OXCFXICS] 2.2.3: FastTransfer and ICS (not the stream contents). */
#ifndef ROP_OXCFXICS_H
#define ROP_OXCFXICS_H

#include "rop_oxcrops.h"

struct rop_ft_copy_messages_req {
	struct rop_id_array message_ids;
	uint8_t copy_flags;
	uint8_t send_options;
};
struct rop_ft_copy_folder_req {
	uint8_t copy_flags;
	uint8_t send_options;
};
struct rop_ft_copy_to_req {
	uint8_t level;
	uint32_t copy_flags;
	uint8_t send_options;
	struct mapi_proptag_array tags;
};
struct rop_ft_copy_properties_req {
	uint8_t level;
	uint8_t copy_flags;
	uint8_t send_options;
	struct mapi_proptag_array tags;
};
struct rop_ft_get_buffer_req {
	uint16_t buffer_size;
	uint16_t maximum_buffer_size; /* when buffer_size is 0xBABE */
};
/* ServerBusy (0x480) form: BackoffTime only. */
struct rop_ft_get_buffer_resp {
	uint16_t transfer_status;
	uint16_t in_progress_count;
	uint16_t total_step_count;
	uint8_t reserved;
	struct mapi_binary transfer_buffer;
	uint32_t backoff_time;
};
struct rop_ft_dest_configure_req {
	uint8_t source_operation;
	uint8_t copy_flags;
};
struct rop_ft_put_buffer_resp {
	uint16_t transfer_status;
	uint16_t in_progress_count;
	uint16_t total_step_count;
	uint8_t reserved;
	uint16_t buffer_used_size;
};
/* [MS-OXCFXICS] 2.2.3.1.2.3.2: the step counts are 32 bits here. */
struct rop_ft_put_buffer_ext_resp {
	uint16_t transfer_status;
	uint32_t in_progress_count;
	uint32_t total_step_count;
	uint8_t reserved;
	uint16_t buffer_used_size;
};
struct rop_tell_version_req {
	uint16_t version[3];
};
struct rop_sync_configure_req {
	uint8_t synchronization_type;
	uint8_t send_options;
	uint16_t synchronization_flags;
	struct mapi_restriction *restriction;
	uint32_t synchronization_extra_flags;
	struct mapi_proptag_array tags;
};
struct rop_sync_import_message_change_req {
	uint8_t import_flag;
	struct mapi_propval_array vals;
};
struct rop_sync_import_hierarchy_change_req {
	struct mapi_propval_array hierarchy_vals;
	struct mapi_propval_array vals;
};
struct rop_sync_import_deletes_req {
	uint8_t import_delete_flags;
	struct mapi_propval_array vals;
};
struct rop_sync_state_begin_req {
	uint32_t state_property;
	uint32_t transfer_buffer_size;
};
struct rop_sync_import_message_move_req {
	struct mapi_binary source_folder_id;
	struct mapi_binary source_message_id;
	struct mapi_binary predecessor_change_list;
	struct mapi_binary destination_message_id;
	struct mapi_binary change_number;
};
struct rop_sync_open_collector_req {
	uint8_t is_contents_collector;
};
struct rop_get_local_replica_ids_req {
	uint32_t id_count;
};
struct rop_get_local_replica_ids_resp {
	struct mapi_guid replguid;
	uint8_t global_count[6];
};
/* MessageReadState, [MS-OXCROPS] 2.2.13.3.1.1: MessageIdSize, MessageId,
 * MarkAsRead.  The list travels as MessageReadStatesSize (16 bits) and
 * the entries back to back, as many as fill that size. */
struct rop_message_read_state {
	struct mapi_binary message_id;
	uint8_t mark_as_read;
};
struct rop_message_read_states {
	uint32_t count;
	struct rop_message_read_state *states;
};

/* LongTermIdRange, [MS-OXCROPS] 2.2.13.12.1.1: MinLongTermId,
 * MaxLongTermId.  The list travels as DataSize (16 bits),
 * LongTermIdRangeCount (32 bits) and the ranges. */
struct rop_long_term_id_range {
	struct mapi_long_term_id min;
	struct mapi_long_term_id max;
};
struct rop_long_term_id_ranges {
	uint32_t count;
	struct rop_long_term_id_range *ranges;
};

struct rop_sync_import_read_state_changes_req {
	struct rop_message_read_states message_read_states;
};
struct rop_set_local_replica_midset_deleted_req {
	struct rop_long_term_id_ranges long_term_id_ranges;
};

/* The MessageReadStates and LongTermIdRanges fields, with their size
 * fields (rop_oxcfxics.c). */
enum rop_err rop_pull_message_read_states(struct rop_pull *p, struct rop_message_read_states *a);
enum rop_err rop_push_message_read_states(struct rop_push *p,
                                          const struct rop_message_read_states *a);
enum rop_err rop_pull_long_term_id_ranges(struct rop_pull *p, struct rop_long_term_id_ranges *a);
enum rop_err rop_push_long_term_id_ranges(struct rop_push *p,
                                          const struct rop_long_term_id_ranges *a);

struct rop_codec;
extern const struct rop_codec rop_codec_fast_transfer_source_copy_messages,
    rop_codec_fast_transfer_source_copy_folder, rop_codec_fast_transfer_source_copy_to,
    rop_codec_fast_transfer_source_copy_properties, rop_codec_fast_transfer_source_get_buffer,
    rop_codec_fast_transfer_destination_configure, rop_codec_fast_transfer_destination_put_buffer,
    rop_codec_fast_transfer_destination_put_buffer_extended, rop_codec_tell_version,
    rop_codec_synchronization_configure, rop_codec_synchronization_import_message_change,
    rop_codec_synchronization_import_hierarchy_change, rop_codec_synchronization_import_deletes,
    rop_codec_synchronization_upload_state_stream_begin,
    rop_codec_synchronization_upload_state_stream_continue,
    rop_codec_synchronization_upload_state_stream_end,
    rop_codec_synchronization_import_message_move, rop_codec_synchronization_open_collector,
    rop_codec_get_local_replica_ids, rop_codec_synchronization_import_read_state_changes,
    rop_codec_synchronization_get_transfer_state, rop_codec_set_local_replica_midset_deleted;

#endif
