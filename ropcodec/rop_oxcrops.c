/* The ROPs [MS-OXCROPS] defines itself (2.2.15), and shared body tables. */
#include "rop_shared.h"

const struct rop_field rop_fields_none[] = {RF_END};

/* [MS-OXCROPS] 2.2.15.3 RopRelease: the header only, no response. */
const struct rop_codec rop_codec_release = {
    rop_fields_none, rop_fields_none, 0, NULL, ROP_CODEC_FULL, NULL, 0};

/* [MS-OXCROPS] 2.2.15.2.1 RopBackoff: LogonId, Duration, BackoffRopCount,
 * BackoffRopData, AdditionalDataSize, AdditionalData. */
static const struct rop_field backoff_resp[] = {
    RF(FK_U8, struct rop_backoff_resp, logon_id),
    RF(FK_U32, struct rop_backoff_resp, duration),
    RF(FK_BACKOFF_ROPS, struct rop_backoff_resp, rops),
    RF(FK_BIN16, struct rop_backoff_resp, additional_data),
    RF_END,
};
const struct rop_codec rop_codec_backoff = {rop_fields_none, backoff_resp, 0, NULL,
                                            ROP_CODEC_FULL,  NULL,         0};

/* [MS-OXCROPS] 2.2.15.1.1 RopBufferTooSmall: SizeNeeded, then the request
 * bytes not executed, to the end of the ROP buffer. */
static const struct rop_field buffer_too_small_resp[] = {
    RF(FK_U16, struct rop_buffer_too_small_resp, size_needed),
    RF(FK_REST, struct rop_buffer_too_small_resp, request_buffers),
    RF_END,
};
const struct rop_codec rop_codec_buffer_too_small = {
    rop_fields_none, buffer_too_small_resp, 0, NULL, ROP_CODEC_FULL, NULL, 0};

/* Shared shapes. */
const struct rop_field rop_fields_table_flags_req[] = {
    RF(FK_U8, struct rop_table_flags_req, table_flags),
    RF_END,
};
const struct rop_field rop_fields_tags_req[] = {
    RF(FK_TAGS16, struct rop_tags_req, tags),
    RF_END,
};
const struct rop_field rop_fields_data16_req[] = {
    RF(FK_BIN16, struct rop_data16_req, data),
    RF_END,
};
const struct rop_field rop_fields_table_status_resp[] = {
    RF(FK_U8, struct rop_table_status_resp, table_status),
    RF_END,
};
const struct rop_field rop_fields_tags_resp[] = {
    RF(FK_TAGS16, struct rop_tags_resp, tags),
    RF_END,
};
const struct rop_field rop_fields_problems_resp[] = {
    RF(FK_PROBLEMS16, struct rop_problems_resp, problems),
    RF_END,
};
/* [MS-OXCROPS] 2.2.8.11.3 / 2.2.8.12.3: the null destination failure
 * response of RopCopyProperties and RopCopyTo. */
const struct rop_field rop_fields_null_dest_resp[] = {
    RF(FK_U32, struct rop_problems_resp, dest_handle_index),
    RF_END,
};
const struct rop_field rop_fields_partial_resp[] = {
    RF(FK_U8, struct rop_partial_resp, partial_completion),
    RF_END,
};
/* [MS-OXCROPS] 2.2.4.6.3 / 2.2.4.7.3 / 2.2.4.8.3: DestHandleIndex, then
 * PartialCompletion. */
const struct rop_field rop_fields_partial_null_dest_resp[] = {
    RF(FK_U32, struct rop_partial_resp, dest_handle_index),
    RF(FK_U8, struct rop_partial_resp, partial_completion),
    RF_END,
};
const struct rop_field rop_fields_row_count_resp[] = {
    RF(FK_U32, struct rop_row_count_resp, row_count),
    RF_END,
};
const struct rop_field rop_fields_bookmark_resp[] = {
    RF(FK_BIN16, struct rop_bookmark_resp, bookmark),
    RF_END,
};
const struct rop_field rop_fields_message_id_resp[] = {
    RF(FK_U64, struct rop_message_id_resp, message_id),
    RF_END,
};
const struct rop_field rop_fields_folder_id_resp[] = {
    RF(FK_U64, struct rop_folder_id_resp, folder_id),
    RF_END,
};
const struct rop_field rop_fields_folder_id_req[] = {
    RF(FK_U64, struct rop_folder_id_req, folder_id),
    RF_END,
};
const struct rop_field rop_fields_message_id_req[] = {
    RF(FK_U64, struct rop_message_id_req, message_id),
    RF_END,
};
const struct rop_field rop_fields_long_term_id_req[] = {
    RF(FK_LTID, struct rop_long_term_id_req, long_term_id),
    RF_END,
};
const struct rop_field rop_fields_save_flags_req[] = {
    RF(FK_U8, struct rop_save_flags_req, save_flags),
    RF_END,
};
const struct rop_field rop_fields_stream_size32_resp[] = {
    RF(FK_U32, struct rop_stream_size32_resp, stream_size),
    RF_END,
};
const struct rop_field rop_fields_written16_resp[] = {
    RF(FK_U16, struct rop_written16_resp, written_size),
    RF_END,
};
