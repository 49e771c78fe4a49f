/* ROPs of [MS-OXCTABL] 2.2.2, layouts of [MS-OXCROPS] 2.2.5. */
#include "rop_shared.h"

/* [MS-OXCROPS] 2.2.5.1 RopSetColumns */
static const struct rop_field set_columns_req[] = {
    RF(FK_U8, struct rop_set_columns_req, set_columns_flags),
    RF(FK_TAGS16, struct rop_set_columns_req, tags),
    RF_END,
};
const struct rop_codec rop_codec_set_columns =
    ROP_CODEC(set_columns_req, rop_fields_table_status_resp);

/* [MS-OXCROPS] 2.2.5.2 RopSortTable */
static const struct rop_field sort_table_req[] = {
    RF(FK_U8, struct rop_sort_table_req, sort_table_flags),
    RF(FK_SORTS, struct rop_sort_table_req, sorts),
    RF_END,
};
const struct rop_codec rop_codec_sort_table =
    ROP_CODEC(sort_table_req, rop_fields_table_status_resp);

/* [MS-OXCROPS] 2.2.5.3 RopRestrict */
static const struct rop_field restrict_req[] = {
    RF(FK_U8, struct rop_restrict_req, restrict_flags),
    RF(FK_RES_SIZED16, struct rop_restrict_req, restriction),
    RF_END,
};
const struct rop_codec rop_codec_restrict_ = ROP_CODEC(restrict_req, rop_fields_table_status_resp);

/* [MS-OXCROPS] 2.2.5.4 RopQueryRows: RowData over the context's columns */
static const struct rop_field query_rows_req[] = {
    RF(FK_U8, struct rop_query_rows_req, query_rows_flags),
    RF(FK_U8, struct rop_query_rows_req, forward_read),
    RF(FK_U16, struct rop_query_rows_req, row_count),
    RF_END,
};
static const struct rop_field query_rows_resp[] = {
    RF(FK_U8, struct rop_query_rows_resp, origin),
    RF(FK_ROWS16_CTX, struct rop_query_rows_resp, rows),
    RF_END,
};
const struct rop_codec rop_codec_query_rows = ROP_CODEC(query_rows_req, query_rows_resp);

/* [MS-OXCROPS] 2.2.5.5 RopAbort / 2.2.5.6 RopGetStatus */
const struct rop_codec rop_codec_abort_ = ROP_CODEC(rop_fields_none, rop_fields_table_status_resp);
const struct rop_codec rop_codec_get_status =
    ROP_CODEC(rop_fields_none, rop_fields_table_status_resp);

/* [MS-OXCROPS] 2.2.5.7 RopQueryPosition */
static const struct rop_field query_position_resp[] = {
    RF(FK_U32, struct rop_query_position_resp, numerator),
    RF(FK_U32, struct rop_query_position_resp, denominator),
    RF_END,
};
const struct rop_codec rop_codec_query_position = ROP_CODEC(rop_fields_none, query_position_resp);

/* [MS-OXCROPS] 2.2.5.8 RopSeekRow */
static const struct rop_field seek_row_req[] = {
    RF(FK_U8, struct rop_seek_row_req, origin),
    RF(FK_U32, struct rop_seek_row_req, row_count),
    RF(FK_U8, struct rop_seek_row_req, want_row_moved_count),
    RF_END,
};
static const struct rop_field seek_row_resp[] = {
    RF(FK_U8, struct rop_seek_row_resp, has_sought_less),
    RF(FK_U32, struct rop_seek_row_resp, rows_sought),
    RF_END,
};
const struct rop_codec rop_codec_seek_row = ROP_CODEC(seek_row_req, seek_row_resp);

/* [MS-OXCROPS] 2.2.5.9 RopSeekRowBookmark */
#define SRB  struct rop_seek_row_bookmark_req
#define SRBR struct rop_seek_row_bookmark_resp
static const struct rop_field seek_row_bookmark_req[] = {
    RF(FK_BIN16, SRB, bookmark),
    RF(FK_U32, SRB, row_count),
    RF(FK_U8, SRB, want_row_moved_count),
    RF_END,
};
static const struct rop_field seek_row_bookmark_resp[] = {
    RF(FK_U8, SRBR, row_no_longer_visible),
    RF(FK_U8, SRBR, has_sought_less),
    RF(FK_U32, SRBR, rows_sought),
    RF_END,
};
const struct rop_codec rop_codec_seek_row_bookmark =
    ROP_CODEC(seek_row_bookmark_req, seek_row_bookmark_resp);

/* [MS-OXCROPS] 2.2.5.10 RopSeekRowFractional */
static const struct rop_field seek_row_fractional_req[] = {
    RF(FK_U32, struct rop_seek_row_fractional_req, numerator),
    RF(FK_U32, struct rop_seek_row_fractional_req, denominator),
    RF_END,
};
const struct rop_codec rop_codec_seek_row_fractional =
    ROP_CODEC(seek_row_fractional_req, rop_fields_none);

/* [MS-OXCROPS] 2.2.5.11 RopCreateBookmark / 2.2.5.12 RopQueryColumnsAll */
const struct rop_codec rop_codec_create_bookmark =
    ROP_CODEC(rop_fields_none, rop_fields_bookmark_resp);
const struct rop_codec rop_codec_query_columns_all =
    ROP_CODEC(rop_fields_none, rop_fields_tags_resp);

/* [MS-OXCROPS] 2.2.5.13 RopFindRow */
#define FRQ struct rop_find_row_req
#define FRR struct rop_find_row_resp
static const struct rop_field find_row_req[] = {
    RF(FK_U8, FRQ, find_row_flags),
    RF(FK_RES_SIZED16, FRQ, restriction),
    RF(FK_U8, FRQ, origin),
    RF(FK_BIN16, FRQ, bookmark),
    RF_END,
};
static const struct rop_field find_row_resp[] = {
    RF(FK_U8, FRR, row_no_longer_visible),
    RF(FK_U8, FRR, has_row_data),
    RFIF(FK_IF_U8_NZ, FRR, has_row_data, 1, 0),
    RF(FK_ROW_CTX, FRR, row),
    RF_END,
};
const struct rop_codec rop_codec_find_row = ROP_CODEC(find_row_req, find_row_resp);

/* [MS-OXCROPS] 2.2.5.14 RopFreeBookmark / 2.2.5.15 RopResetTable */
static const struct rop_field bookmark_req[] = {
    RF(FK_BIN16, struct rop_bookmark_req, bookmark),
    RF_END,
};
const struct rop_codec rop_codec_free_bookmark = ROP_CODEC(bookmark_req, rop_fields_none);
const struct rop_codec rop_codec_reset_table = ROP_CODEC(rop_fields_none, rop_fields_none);

/* [MS-OXCROPS] 2.2.5.16 RopExpandRow */
static const struct rop_field expand_row_req[] = {
    RF(FK_U16, struct rop_expand_row_req, max_row_count),
    RF(FK_U64, struct rop_expand_row_req, category_id),
    RF_END,
};
static const struct rop_field expand_row_resp[] = {
    RF(FK_U32, struct rop_expand_row_resp, expanded_row_count),
    RF(FK_ROWS16_CTX, struct rop_expand_row_resp, rows),
    RF_END,
};
const struct rop_codec rop_codec_expand_row = ROP_CODEC(expand_row_req, expand_row_resp);

/* [MS-OXCROPS] 2.2.5.17 RopCollapseRow */
static const struct rop_field category_id_req[] = {
    RF(FK_U64, struct rop_category_id_req, category_id),
    RF_END,
};
static const struct rop_field collapse_row_resp[] = {
    RF(FK_U32, struct rop_collapse_row_resp, collapsed_row_count),
    RF_END,
};
const struct rop_codec rop_codec_collapse_row = ROP_CODEC(category_id_req, collapse_row_resp);

/* [MS-OXCROPS] 2.2.5.18 RopGetCollapseState / 2.2.5.19 RopSetCollapseState */
static const struct rop_field get_collapse_state_req[] = {
    RF(FK_U64, struct rop_get_collapse_state_req, row_id),
    RF(FK_U32, struct rop_get_collapse_state_req, row_instance_number),
    RF_END,
};
static const struct rop_field collapse_state_resp[] = {
    RF(FK_BIN16, struct rop_collapse_state_resp, collapse_state),
    RF_END,
};
static const struct rop_field collapse_state_req[] = {
    RF(FK_BIN16, struct rop_collapse_state_req, collapse_state),
    RF_END,
};
const struct rop_codec rop_codec_get_collapse_state =
    ROP_CODEC(get_collapse_state_req, collapse_state_resp);
const struct rop_codec rop_codec_set_collapse_state =
    ROP_CODEC(collapse_state_req, rop_fields_bookmark_resp);
