/* ROPs of [MS-OXCPRPT] 2.2, layouts of [MS-OXCROPS] 2.2.8 and 2.2.9. */
#include "rop_errors.h"
#include "rop_shared.h"

/* [MS-OXCROPS] 2.2.8.1 RopGetPropertyIdsFromNames */
static const struct rop_field get_property_ids_from_names_req[] = {
    RF(FK_U8, struct rop_get_property_ids_from_names_req, flags),
    RF(FK_NAMES16, struct rop_get_property_ids_from_names_req, names),
    RF_END,
};
static const struct rop_field propids_resp[] = {
    RF(FK_PROPIDS16, struct rop_propids_resp, ids),
    RF_END,
};
/* [MS-OXCPRPT] 2.2.12.2, 3.2.5.10: a name that cannot be mapped answers
 * PropertyId 0x0000 in its place and the ROP ecWarnWithErrors
 * (MAPI_W_ERRORS_RETURNED, [MS-OXCDATA] 2.4.1).  The warning reports a
 * partial success whose detail is in the PropertyIds, so the success
 * buffer ([MS-OXCROPS] 2.2.8.1.2, drawn there with ReturnValue 0) still
 * follows, as IMAPIProp::GetIDsFromNames returns its tag array with
 * MAPI_W_ERRORS_RETURNED. */
const struct rop_codec rop_codec_get_property_ids_from_names = {
    .req = get_property_ids_from_names_req,
    .resp = propids_resp,
    .status = ROP_CODEC_FULL,
    .warn_value = EC_ErrorsReturned,
};

/* [MS-OXCROPS] 2.2.8.2 RopGetNamesFromPropertyIds */
static const struct rop_field propids_req[] = {
    RF(FK_PROPIDS16, struct rop_propids_req, ids),
    RF_END,
};
static const struct rop_field names_resp[] = {
    RF(FK_NAMES16, struct rop_names_resp, names),
    RF_END,
};
const struct rop_codec rop_codec_get_names_from_property_ids = ROP_CODEC(propids_req, names_resp);

/* [MS-OXCROPS] 2.2.8.3 RopGetPropertiesSpecific: RowData is a PropertyRow
 * over the request's PropertyTags. */
#define GPS struct rop_get_properties_specific_req
static const struct rop_field get_properties_specific_req[] = {
    RF(FK_U16, GPS, property_size_limit),
    RF(FK_U16, GPS, want_unicode),
    RF(FK_TAGS16, GPS, tags),
    RF_END,
};
static const struct rop_field get_properties_specific_resp[] = {
    RF(FK_ROW_REQTAGS, struct rop_get_properties_specific_resp, row),
    RF_END,
};
const struct rop_codec rop_codec_get_properties_specific =
    ROP_CODEC(get_properties_specific_req, get_properties_specific_resp);

/* [MS-OXCROPS] 2.2.8.4 RopGetPropertiesAll / 2.2.8.5 RopGetPropertiesList */
static const struct rop_field get_properties_all_req[] = {
    RF(FK_U16, struct rop_get_properties_all_req, property_size_limit),
    RF(FK_U16, struct rop_get_properties_all_req, want_unicode),
    RF_END,
};
static const struct rop_field tagged_values_resp[] = {
    RF(FK_TVALS16, struct rop_tagged_values_resp, vals),
    RF_END,
};
const struct rop_codec rop_codec_get_properties_all =
    ROP_CODEC(get_properties_all_req, tagged_values_resp);
const struct rop_codec rop_codec_get_properties_list =
    ROP_CODEC(rop_fields_none, rop_fields_tags_resp);

/* [MS-OXCROPS] 2.2.8.6 RopSetProperties / 2.2.8.7 ...NoReplicate */
static const struct rop_field set_properties_req[] = {
    RF(FK_TVALS_SIZED16, struct rop_set_properties_req, vals),
    RF_END,
};
const struct rop_codec rop_codec_set_properties =
    ROP_CODEC(set_properties_req, rop_fields_problems_resp);
const struct rop_codec rop_codec_set_properties_no_replicate =
    ROP_CODEC(set_properties_req, rop_fields_problems_resp);

/* [MS-OXCROPS] 2.2.8.8 RopDeleteProperties / 2.2.8.9 ...NoReplicate */
const struct rop_codec rop_codec_delete_properties =
    ROP_CODEC(rop_fields_tags_req, rop_fields_problems_resp);
const struct rop_codec rop_codec_delete_properties_no_replicate =
    ROP_CODEC(rop_fields_tags_req, rop_fields_problems_resp);

/* [MS-OXCROPS] 2.2.8.10 RopQueryNamedProperties */
#define QNP struct rop_query_named_properties_req
static const struct rop_field query_named_properties_req[] = {
    RF(FK_U8, QNP, query_flags),
    RF(FK_U8, QNP, has_guid),
    RFIF(FK_IF_U8_NZ, QNP, has_guid, 1, 0),
    RF(FK_GUID, QNP, property_guid),
    RF_END,
};
static const struct rop_field query_named_properties_resp[] = {
    RF(FK_IDS_NAMES, struct rop_query_named_properties_resp, ids_names),
    RF_END,
};
const struct rop_codec rop_codec_query_named_properties =
    ROP_CODEC(query_named_properties_req, query_named_properties_resp);

/* [MS-OXCROPS] 2.2.8.11 RopCopyProperties / 2.2.8.12 RopCopyTo: the
 * ecDstNullObject form carries DestHandleIndex (32 bits). */
static const struct rop_field copy_properties_req[] = {
    RF(FK_U8, struct rop_copy_properties_req, want_asynchronous),
    RF(FK_U8, struct rop_copy_properties_req, copy_flags),
    RF(FK_TAGS16, struct rop_copy_properties_req, tags),
    RF_END,
};
static const struct rop_field copy_to_req[] = {
    RF(FK_U8, struct rop_copy_to_req, want_asynchronous),
    RF(FK_U8, struct rop_copy_to_req, want_sub_objects),
    RF(FK_U32, struct rop_copy_to_req, copy_flags),
    RF(FK_TAGS16, struct rop_copy_to_req, excluded_tags),
    RF_END,
};
const struct rop_codec rop_codec_copy_properties = {copy_properties_req,
                                                    rop_fields_problems_resp,
                                                    ROP_EC_DST_NULL_OBJECT,
                                                    rop_fields_null_dest_resp,
                                                    ROP_CODEC_FULL,
                                                    NULL,
                                                    0};
const struct rop_codec rop_codec_copy_to = {copy_to_req,
                                            rop_fields_problems_resp,
                                            ROP_EC_DST_NULL_OBJECT,
                                            rop_fields_null_dest_resp,
                                            ROP_CODEC_FULL,
                                            NULL,
                                            0};

/* [MS-OXCROPS] 2.2.8.13 RopProgress */
static const struct rop_field progress_req[] = {
    RF(FK_U8, struct rop_progress_req, want_cancel),
    RF_END,
};
static const struct rop_field progress_resp[] = {
    RF(FK_U8, struct rop_progress_resp, logon_id),
    RF(FK_U32, struct rop_progress_resp, completed_task_count),
    RF(FK_U32, struct rop_progress_resp, total_task_count),
    RF_END,
};
const struct rop_codec rop_codec_progress = ROP_CODEC(progress_req, progress_resp);

/* [MS-OXCROPS] 2.2.9.1 RopOpenStream */
static const struct rop_field open_stream_req[] = {
    RF(FK_U32, struct rop_open_stream_req, proptag),
    RF(FK_U8, struct rop_open_stream_req, open_mode_flags),
    RF_END,
};
const struct rop_codec rop_codec_open_stream =
    ROP_CODEC(open_stream_req, rop_fields_stream_size32_resp);

/* [MS-OXCROPS] 2.2.9.2 RopReadStream: MaximumByteCount follows the
 * sentinel ByteCount 0xBABE. */
static const struct rop_field read_stream_req[] = {
    RF(FK_U16, struct rop_read_stream_req, byte_count),
    RFIF(FK_IF_U16_EQ, struct rop_read_stream_req, byte_count, 1, 0xBABE),
    RF(FK_U32, struct rop_read_stream_req, maximum_byte_count),
    RF_END,
};
static const struct rop_field data16_resp[] = {
    RF(FK_BIN16, struct rop_data16_resp, data),
    RF_END,
};
const struct rop_codec rop_codec_read_stream = ROP_CODEC(read_stream_req, data16_resp);

/* [MS-OXCROPS] 2.2.9.3 RopWriteStream / 2.2.9.4 RopWriteStreamExtended /
 * 2.2.9.12 RopWriteAndCommitStream */
static const struct rop_field written32_resp[] = {
    RF(FK_U32, struct rop_written32_resp, written_size),
    RF_END,
};
const struct rop_codec rop_codec_write_stream =
    ROP_CODEC(rop_fields_data16_req, rop_fields_written16_resp);
const struct rop_codec rop_codec_write_stream_extended =
    ROP_CODEC(rop_fields_data16_req, written32_resp);
const struct rop_codec rop_codec_write_and_commit_stream =
    ROP_CODEC(rop_fields_data16_req, rop_fields_written16_resp);

/* [MS-OXCROPS] 2.2.9.5 RopCommitStream / 2.2.9.6 RopGetStreamSize */
const struct rop_codec rop_codec_commit_stream = ROP_CODEC(rop_fields_none, rop_fields_none);
const struct rop_codec rop_codec_get_stream_size =
    ROP_CODEC(rop_fields_none, rop_fields_stream_size32_resp);

/* [MS-OXCROPS] 2.2.9.7 RopSetStreamSize / 2.2.9.8 RopSeekStream */
static const struct rop_field set_stream_size_req[] = {
    RF(FK_U64, struct rop_set_stream_size_req, stream_size),
    RF_END,
};
static const struct rop_field seek_stream_req[] = {
    RF(FK_U8, struct rop_seek_stream_req, origin),
    RF(FK_U64, struct rop_seek_stream_req, offset),
    RF_END,
};
static const struct rop_field seek_stream_resp[] = {
    RF(FK_U64, struct rop_seek_stream_resp, new_position),
    RF_END,
};
const struct rop_codec rop_codec_set_stream_size = ROP_CODEC(set_stream_size_req, rop_fields_none);
const struct rop_codec rop_codec_seek_stream = ROP_CODEC(seek_stream_req, seek_stream_resp);

/* [MS-OXCROPS] 2.2.9.9 RopCopyToStream: the ecDstNullObject form carries
 * DestHandleIndex, then the counts. */
static const struct rop_field copy_to_stream_req[] = {
    RF(FK_U64, struct rop_copy_to_stream_req, byte_count),
    RF_END,
};
static const struct rop_field copy_to_stream_resp[] = {
    RF(FK_U64, struct rop_copy_to_stream_resp, read_byte_count),
    RF(FK_U64, struct rop_copy_to_stream_resp, written_byte_count),
    RF_END,
};
static const struct rop_field copy_to_stream_null_dest[] = {
    RF(FK_U32, struct rop_copy_to_stream_resp, dest_handle_index),
    RF(FK_U64, struct rop_copy_to_stream_resp, read_byte_count),
    RF(FK_U64, struct rop_copy_to_stream_resp, written_byte_count),
    RF_END,
};
const struct rop_codec rop_codec_copy_to_stream = {copy_to_stream_req,
                                                   copy_to_stream_resp,
                                                   ROP_EC_DST_NULL_OBJECT,
                                                   copy_to_stream_null_dest,
                                                   ROP_CODEC_FULL,
                                                   NULL,
                                                   0};

/* [MS-OXCROPS] 2.2.9.10 RopLockRegionStream / 2.2.9.11 RopUnlockRegionStream */
static const struct rop_field region_req[] = {
    RF(FK_U64, struct rop_region_req, region_offset),
    RF(FK_U64, struct rop_region_req, region_size),
    RF(FK_U32, struct rop_region_req, lock_flags),
    RF_END,
};
const struct rop_codec rop_codec_lock_region_stream = ROP_CODEC(region_req, rop_fields_none);
const struct rop_codec rop_codec_unlock_region_stream = ROP_CODEC(region_req, rop_fields_none);

/* [MS-OXCROPS] 2.2.9.13 RopCloneStream */
const struct rop_codec rop_codec_clone_stream = ROP_CODEC(rop_fields_none, rop_fields_none);
