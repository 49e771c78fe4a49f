/* ROPs of [MS-OXCPRPT] 2.2: properties and streams on any object. */
#ifndef ROP_OXCPRPT_H
#define ROP_OXCPRPT_H

#include "rop_oxcrops.h"

struct rop_get_properties_specific_req {
	uint16_t property_size_limit;
	uint16_t want_unicode;
	struct mapi_proptag_array tags;
};
/* RowData: a PropertyRow over the request's tags (context). */
struct rop_get_properties_specific_resp {
	struct rop_property_row row;
};
struct rop_get_properties_all_req {
	uint16_t property_size_limit;
	uint16_t want_unicode;
};
struct rop_set_properties_req {
	struct mapi_propval_array vals; /* PropertyValueSize, PropertyValueCount, values */
};
struct rop_query_named_properties_req {
	uint8_t query_flags;
	uint8_t has_guid;
	struct mapi_guid property_guid; /* when has_guid */
};
struct rop_query_named_properties_resp {
	struct rop_ids_names ids_names;
};
struct rop_copy_properties_req {
	uint8_t want_asynchronous;
	uint8_t copy_flags;
	struct mapi_proptag_array tags;
};
struct rop_copy_to_req {
	uint8_t want_asynchronous;
	uint8_t want_sub_objects;
	uint32_t copy_flags;
	struct mapi_proptag_array excluded_tags;
};
struct rop_get_property_ids_from_names_req {
	uint8_t flags;
	struct rop_property_name_array names;
};
struct rop_open_stream_req {
	uint32_t proptag;
	uint8_t open_mode_flags;
};
struct rop_read_stream_req {
	uint16_t byte_count;
	uint32_t maximum_byte_count; /* when byte_count is 0xBABE */
};
struct rop_seek_stream_req {
	uint8_t origin;
	uint64_t offset;
};
struct rop_seek_stream_resp {
	uint64_t new_position;
};
struct rop_set_stream_size_req {
	uint64_t stream_size;
};
struct rop_copy_to_stream_req {
	uint64_t byte_count;
};
/* The ecDstNullObject form carries DestHandleIndex before the counts. */
struct rop_copy_to_stream_resp {
	uint64_t read_byte_count;
	uint64_t written_byte_count;
	uint32_t dest_handle_index;
};
struct rop_progress_req {
	uint8_t want_cancel;
};
struct rop_progress_resp {
	uint8_t logon_id;
	uint32_t completed_task_count;
	uint32_t total_task_count;
};
struct rop_region_req {
	uint64_t region_offset;
	uint64_t region_size;
	uint32_t lock_flags;
};

struct rop_codec;
extern const struct rop_codec rop_codec_get_properties_specific, rop_codec_get_properties_all,
    rop_codec_get_properties_list, rop_codec_set_properties, rop_codec_set_properties_no_replicate,
    rop_codec_delete_properties, rop_codec_delete_properties_no_replicate,
    rop_codec_query_named_properties, rop_codec_copy_properties, rop_codec_copy_to,
    rop_codec_get_property_ids_from_names, rop_codec_get_names_from_property_ids,
    rop_codec_open_stream, rop_codec_read_stream, rop_codec_write_stream,
    rop_codec_write_stream_extended, rop_codec_commit_stream, rop_codec_get_stream_size,
    rop_codec_set_stream_size, rop_codec_seek_stream, rop_codec_copy_to_stream, rop_codec_progress,
    rop_codec_lock_region_stream, rop_codec_unlock_region_stream, rop_codec_write_and_commit_stream,
    rop_codec_clone_stream;

#endif
