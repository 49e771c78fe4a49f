/* ROPs of [MS-OXCFXICS] 2.2.3, layouts of [MS-OXCROPS] 2.2.12 and 2.2.13.
 * The FastTransfer stream contents are the ICS part's (ics_fxstream). */
#include "rop_entryid.h"
#include "rop_shared.h"

/* [MS-OXCROPS] 2.2.12.1 RopFastTransferDestinationConfigure */
static const struct rop_field ft_dest_configure_req[] = {
    RF(FK_U8, struct rop_ft_dest_configure_req, source_operation),
    RF(FK_U8, struct rop_ft_dest_configure_req, copy_flags),
    RF_END,
};
const struct rop_codec rop_codec_fast_transfer_destination_configure =
    ROP_CODEC(ft_dest_configure_req, rop_fields_none);

/* [MS-OXCROPS] 2.2.12.2 RopFastTransferDestinationPutBuffer */
#define PBR struct rop_ft_put_buffer_resp
static const struct rop_field ft_put_buffer_resp[] = {
    RF(FK_U16, PBR, transfer_status),  RF(FK_U16, PBR, in_progress_count),
    RF(FK_U16, PBR, total_step_count), RF(FK_U8, PBR, reserved),
    RF(FK_U16, PBR, buffer_used_size), RF_END,
};
const struct rop_codec rop_codec_fast_transfer_destination_put_buffer =
    ROP_CODEC(rop_fields_data16_req, ft_put_buffer_resp);

/* [MS-OXCROPS] 2.2.12.3 RopFastTransferDestinationPutBufferExtended; step
 * counts are 32 bits ([MS-OXCFXICS] 2.2.3.1.2.3.2). */
#define PBX struct rop_ft_put_buffer_ext_resp
static const struct rop_field ft_put_buffer_ext_resp[] = {
    RF(FK_U16, PBX, transfer_status),  RF(FK_U32, PBX, in_progress_count),
    RF(FK_U32, PBX, total_step_count), RF(FK_U8, PBX, reserved),
    RF(FK_U16, PBX, buffer_used_size), RF_END,
};
const struct rop_codec rop_codec_fast_transfer_destination_put_buffer_extended =
    ROP_CODEC(rop_fields_data16_req, ft_put_buffer_ext_resp);

/* [MS-OXCROPS] 2.2.12.4 RopFastTransferSourceGetBuffer: MaximumBufferSize
 * follows BufferSize 0xBABE; a ServerBusy (0x480) answer carries only
 * BackoffTime ([MS-OXCFXICS] 3.3.5.9.1). */
#define GBQ struct rop_ft_get_buffer_req
#define GBR struct rop_ft_get_buffer_resp
static const struct rop_field ft_get_buffer_req[] = {
    RF(FK_U16, GBQ, buffer_size),
    RFIF(FK_IF_U16_EQ, GBQ, buffer_size, 1, 0xBABE),
    RF(FK_U16, GBQ, maximum_buffer_size),
    RF_END,
};
static const struct rop_field ft_get_buffer_resp[] = {
    RF(FK_U16, GBR, transfer_status),   RF(FK_U16, GBR, in_progress_count),
    RF(FK_U16, GBR, total_step_count),  RF(FK_U8, GBR, reserved),
    RF(FK_BIN16, GBR, transfer_buffer), RF_END,
};
static const struct rop_field ft_get_buffer_busy[] = {
    RF(FK_U32, GBR, backoff_time),
    RF_END,
};
const struct rop_codec rop_codec_fast_transfer_source_get_buffer = {
    ft_get_buffer_req, ft_get_buffer_resp, 0x00000480, ft_get_buffer_busy, ROP_CODEC_FULL, NULL, 0};

/* [MS-OXCROPS] 2.2.12.5 .. 2.2.12.8: the FastTransfer source ROPs */
static const struct rop_field ft_copy_folder_req[] = {
    RF(FK_U8, struct rop_ft_copy_folder_req, copy_flags),
    RF(FK_U8, struct rop_ft_copy_folder_req, send_options),
    RF_END,
};
static const struct rop_field ft_copy_messages_req[] = {
    RF(FK_IDS16, struct rop_ft_copy_messages_req, message_ids),
    RF(FK_U8, struct rop_ft_copy_messages_req, copy_flags),
    RF(FK_U8, struct rop_ft_copy_messages_req, send_options),
    RF_END,
};
static const struct rop_field ft_copy_to_req[] = {
    RF(FK_U8, struct rop_ft_copy_to_req, level),
    RF(FK_U32, struct rop_ft_copy_to_req, copy_flags),
    RF(FK_U8, struct rop_ft_copy_to_req, send_options),
    RF(FK_TAGS16, struct rop_ft_copy_to_req, tags),
    RF_END,
};
static const struct rop_field ft_copy_properties_req[] = {
    RF(FK_U8, struct rop_ft_copy_properties_req, level),
    RF(FK_U8, struct rop_ft_copy_properties_req, copy_flags),
    RF(FK_U8, struct rop_ft_copy_properties_req, send_options),
    RF(FK_TAGS16, struct rop_ft_copy_properties_req, tags),
    RF_END,
};
const struct rop_codec rop_codec_fast_transfer_source_copy_folder =
    ROP_CODEC(ft_copy_folder_req, rop_fields_none);
const struct rop_codec rop_codec_fast_transfer_source_copy_messages =
    ROP_CODEC(ft_copy_messages_req, rop_fields_none);
const struct rop_codec rop_codec_fast_transfer_source_copy_to =
    ROP_CODEC(ft_copy_to_req, rop_fields_none);
const struct rop_codec rop_codec_fast_transfer_source_copy_properties =
    ROP_CODEC(ft_copy_properties_req, rop_fields_none);

/* [MS-OXCROPS] 2.2.12.9 RopTellVersion */
static const struct rop_field tell_version_req[] = {
    RF(FK_U16, struct rop_tell_version_req, version[0]),
    RF(FK_U16, struct rop_tell_version_req, version[1]),
    RF(FK_U16, struct rop_tell_version_req, version[2]),
    RF_END,
};
const struct rop_codec rop_codec_tell_version = ROP_CODEC(tell_version_req, rop_fields_none);

/* [MS-OXCROPS] 2.2.13.1 RopSynchronizationConfigure */
#define SCQ struct rop_sync_configure_req
static const struct rop_field sync_configure_req[] = {
    RF(FK_U8, SCQ, synchronization_type),
    RF(FK_U8, SCQ, send_options),
    RF(FK_U16, SCQ, synchronization_flags),
    RF(FK_RES_SIZED16, SCQ, restriction),
    RF(FK_U32, SCQ, synchronization_extra_flags),
    RF(FK_TAGS16, SCQ, tags),
    RF_END,
};
const struct rop_codec rop_codec_synchronization_configure =
    ROP_CODEC(sync_configure_req, rop_fields_none);

/* [MS-OXCROPS] 2.2.13.2 RopSynchronizationImportMessageChange */
static const struct rop_field sync_import_message_change_req[] = {
    RF(FK_U8, struct rop_sync_import_message_change_req, import_flag),
    RF(FK_TVALS16, struct rop_sync_import_message_change_req, vals),
    RF_END,
};
const struct rop_codec rop_codec_synchronization_import_message_change =
    ROP_CODEC(sync_import_message_change_req, rop_fields_message_id_resp);

/* [MS-OXCROPS] 2.2.13.3 RopSynchronizationImportReadStateChanges */
static const struct rop_field sync_import_read_state_changes_req[] = {
    RF(FK_READ_STATES, struct rop_sync_import_read_state_changes_req, message_read_states),
    RF_END,
};
const struct rop_codec rop_codec_synchronization_import_read_state_changes =
    ROP_CODEC(sync_import_read_state_changes_req, rop_fields_none);

/* [MS-OXCROPS] 2.2.13.4 RopSynchronizationImportHierarchyChange */
static const struct rop_field sync_import_hierarchy_change_req[] = {
    RF(FK_TVALS16, struct rop_sync_import_hierarchy_change_req, hierarchy_vals),
    RF(FK_TVALS16, struct rop_sync_import_hierarchy_change_req, vals),
    RF_END,
};
const struct rop_codec rop_codec_synchronization_import_hierarchy_change =
    ROP_CODEC(sync_import_hierarchy_change_req, rop_fields_folder_id_resp);

/* [MS-OXCROPS] 2.2.13.5 RopSynchronizationImportDeletes */
static const struct rop_field sync_import_deletes_req[] = {
    RF(FK_U8, struct rop_sync_import_deletes_req, import_delete_flags),
    RF(FK_TVALS16, struct rop_sync_import_deletes_req, vals),
    RF_END,
};
const struct rop_codec rop_codec_synchronization_import_deletes =
    ROP_CODEC(sync_import_deletes_req, rop_fields_none);

/* [MS-OXCROPS] 2.2.13.6 RopSynchronizationImportMessageMove */
#define IMM struct rop_sync_import_message_move_req
static const struct rop_field sync_import_message_move_req[] = {
    RF(FK_BIN32, IMM, source_folder_id),        RF(FK_BIN32, IMM, source_message_id),
    RF(FK_BIN32, IMM, predecessor_change_list), RF(FK_BIN32, IMM, destination_message_id),
    RF(FK_BIN32, IMM, change_number),           RF_END,
};
const struct rop_codec rop_codec_synchronization_import_message_move =
    ROP_CODEC(sync_import_message_move_req, rop_fields_message_id_resp);

/* [MS-OXCROPS] 2.2.13.7 RopSynchronizationOpenCollector */
static const struct rop_field sync_open_collector_req[] = {
    RF(FK_U8, struct rop_sync_open_collector_req, is_contents_collector),
    RF_END,
};
const struct rop_codec rop_codec_synchronization_open_collector =
    ROP_CODEC(sync_open_collector_req, rop_fields_none);

/* [MS-OXCROPS] 2.2.13.8 RopSynchronizationGetTransferState */
const struct rop_codec rop_codec_synchronization_get_transfer_state =
    ROP_CODEC(rop_fields_none, rop_fields_none);

/* [MS-OXCROPS] 2.2.13.9 .. 2.2.13.11: uploading a state stream */
static const struct rop_field sync_state_begin_req[] = {
    RF(FK_U32, struct rop_sync_state_begin_req, state_property),
    RF(FK_U32, struct rop_sync_state_begin_req, transfer_buffer_size),
    RF_END,
};
static const struct rop_field data32_req[] = {
    RF(FK_BIN32, struct rop_data32_req, data),
    RF_END,
};
const struct rop_codec rop_codec_synchronization_upload_state_stream_begin =
    ROP_CODEC(sync_state_begin_req, rop_fields_none);
const struct rop_codec rop_codec_synchronization_upload_state_stream_continue =
    ROP_CODEC(data32_req, rop_fields_none);
const struct rop_codec rop_codec_synchronization_upload_state_stream_end =
    ROP_CODEC(rop_fields_none, rop_fields_none);

/* [MS-OXCROPS] 2.2.13.12 RopSetLocalReplicaMidsetDeleted */
static const struct rop_field set_local_replica_midset_deleted_req[] = {
    RF(FK_LTID_RANGES, struct rop_set_local_replica_midset_deleted_req, long_term_id_ranges),
    RF_END,
};
const struct rop_codec rop_codec_set_local_replica_midset_deleted =
    ROP_CODEC(set_local_replica_midset_deleted_req, rop_fields_none);

/* [MS-OXCROPS] 2.2.13.13 RopGetLocalReplicaIds */
static const struct rop_field get_local_replica_ids_req[] = {
    RF(FK_U32, struct rop_get_local_replica_ids_req, id_count),
    RF_END,
};
static const struct rop_field get_local_replica_ids_resp[] = {
    RF(FK_GUID, struct rop_get_local_replica_ids_resp, replguid),
    RFA(FK_BYTES, struct rop_get_local_replica_ids_resp, global_count, 6),
    RF_END,
};
const struct rop_codec rop_codec_get_local_replica_ids =
    ROP_CODEC(get_local_replica_ids_req, get_local_replica_ids_resp);

/* [MS-OXCROPS] 2.2.13.3.1: MessageReadStatesSize, then MessageReadState
 * entries (2.2.13.3.1.1) filling exactly that many bytes. */
enum rop_err rop_pull_message_read_states(struct rop_pull *p, struct rop_message_read_states *a)
{
	struct rop_pull sub;
	const uint8_t *b;
	uint16_t size;

	a->count = 0;
	a->states = NULL;
	ROP_CHECK(rop_pull_u16(p, &size));
	ROP_CHECK(rop_pull_ref(p, size, &b));
	rop_pull_init(&sub, p->mem_ctx, b, size);
	/* each entry takes at least MessageIdSize and MarkAsRead */
	if (size >= 3) {
		a->states = talloc_zero_array(p->mem_ctx, struct rop_message_read_state, size / 3);
		if (a->states == NULL)
			return ROP_E_NOMEM;
	}
	while (rop_pull_left(&sub) > 0) {
		struct rop_message_read_state *s = &a->states[a->count];
		uint16_t n;
		if (rop_pull_left(&sub) < 3)
			return ROP_E_SHORT;
		ROP_CHECK(rop_pull_u16(&sub, &n));
		s->message_id.len = n;
		s->message_id.data = NULL;
		if (n > 0)
			ROP_CHECK(rop_pull_bytes(&sub, n, &s->message_id.data));
		ROP_CHECK(rop_pull_u8(&sub, &s->mark_as_read));
		a->count++;
	}
	return ROP_OK;
}

enum rop_err rop_push_message_read_states(struct rop_push *p,
                                          const struct rop_message_read_states *a)
{
	size_t at;

	ROP_CHECK(rop_push_reserve(p, 2, &at));
	for (uint32_t i = 0; i < a->count; i++) {
		const struct rop_message_read_state *s = &a->states[i];
		if (s->message_id.len > UINT16_MAX ||
		    (s->message_id.len > 0 && s->message_id.data == NULL))
			return ROP_E_INVALID;
		ROP_CHECK(rop_push_u16(p, (uint16_t)s->message_id.len));
		ROP_CHECK(rop_push_bytes(p, s->message_id.data, s->message_id.len));
		ROP_CHECK(rop_push_u8(p, s->mark_as_read));
	}
	if (p->ofs - at - 2 > UINT16_MAX)
		return ROP_E_TOO_BIG;
	rop_push_patch_u16(p, at, (uint16_t)(p->ofs - at - 2));
	return ROP_OK;
}

/* [MS-OXCROPS] 2.2.13.12.1: DataSize covers LongTermIdRangeCount and the
 * LongTermIdRange entries (2.2.13.12.1.1: MinLongTermId, MaxLongTermId). */
#define LTID_RANGE_SIZE 48
enum rop_err rop_pull_long_term_id_ranges(struct rop_pull *p, struct rop_long_term_id_ranges *a)
{
	struct rop_pull sub;
	const uint8_t *b;
	uint16_t size;

	a->count = 0;
	a->ranges = NULL;
	ROP_CHECK(rop_pull_u16(p, &size));
	ROP_CHECK(rop_pull_ref(p, size, &b));
	rop_pull_init(&sub, p->mem_ctx, b, size);
	ROP_CHECK(rop_pull_u32(&sub, &a->count));
	/* the count must match DataSize exactly */
	if (a->count != rop_pull_left(&sub) / LTID_RANGE_SIZE ||
	    rop_pull_left(&sub) % LTID_RANGE_SIZE != 0) {
		a->count = 0;
		return ROP_E_INVALID;
	}
	if (a->count == 0)
		return ROP_OK;
	a->ranges = talloc_zero_array(p->mem_ctx, struct rop_long_term_id_range, a->count);
	if (a->ranges == NULL)
		return ROP_E_NOMEM;
	for (uint32_t i = 0; i < a->count; i++) {
		ROP_CHECK(rop_pull_long_term_id(&sub, &a->ranges[i].min));
		ROP_CHECK(rop_pull_long_term_id(&sub, &a->ranges[i].max));
	}
	return ROP_OK;
}

enum rop_err rop_push_long_term_id_ranges(struct rop_push *p,
                                          const struct rop_long_term_id_ranges *a)
{
	if (a->count > (UINT16_MAX - 4) / LTID_RANGE_SIZE)
		return ROP_E_TOO_BIG;
	ROP_CHECK(rop_push_u16(p, (uint16_t)(4 + a->count * LTID_RANGE_SIZE)));
	ROP_CHECK(rop_push_u32(p, a->count));
	for (uint32_t i = 0; i < a->count; i++) {
		ROP_CHECK(rop_push_long_term_id(p, &a->ranges[i].min));
		ROP_CHECK(rop_push_long_term_id(p, &a->ranges[i].max));
	}
	return ROP_OK;
}
