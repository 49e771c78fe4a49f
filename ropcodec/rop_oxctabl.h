/* ROPs of [MS-OXCTABL] 2.2.2: tables. */
#ifndef ROP_OXCTABL_H
#define ROP_OXCTABL_H

#include "rop_oxcrops.h"

struct rop_set_columns_req {
	uint8_t set_columns_flags;
	struct mapi_proptag_array tags;
};
struct rop_sort_table_req {
	uint8_t sort_table_flags;
	struct mapi_sort_order_set sorts;
};
struct rop_restrict_req {
	uint8_t restrict_flags;
	struct mapi_restriction *restriction; /* NULL: remove the restriction */
};
struct rop_query_rows_req {
	uint8_t query_rows_flags;
	uint8_t forward_read;
	uint16_t row_count;
};
/* RowData is decoded with the columns of the last RopSetColumns (context). */
struct rop_query_rows_resp {
	uint8_t origin;
	struct rop_row_list rows;
};
struct rop_query_position_resp {
	uint32_t numerator;
	uint32_t denominator;
};
struct rop_seek_row_req {
	uint8_t origin;
	uint32_t row_count; /* signed on the wire */
	uint8_t want_row_moved_count;
};
struct rop_seek_row_resp {
	uint8_t has_sought_less;
	uint32_t rows_sought; /* signed */
};
struct rop_seek_row_bookmark_req {
	struct mapi_binary bookmark;
	uint32_t row_count;
	uint8_t want_row_moved_count;
};
struct rop_seek_row_bookmark_resp {
	uint8_t row_no_longer_visible;
	uint8_t has_sought_less;
	uint32_t rows_sought;
};
struct rop_seek_row_fractional_req {
	uint32_t numerator;
	uint32_t denominator;
};
struct rop_find_row_req {
	uint8_t find_row_flags;
	struct mapi_restriction *restriction;
	uint8_t origin;
	struct mapi_binary bookmark;
};
struct rop_find_row_resp {
	uint8_t row_no_longer_visible;
	uint8_t has_row_data;
	struct rop_property_row row; /* when has_row_data */
};
struct rop_expand_row_req {
	uint16_t max_row_count;
	uint64_t category_id;
};
struct rop_expand_row_resp {
	uint32_t expanded_row_count;
	struct rop_row_list rows;
};
struct rop_collapse_row_resp {
	uint32_t collapsed_row_count;
};
struct rop_get_collapse_state_req {
	uint64_t row_id;
	uint32_t row_instance_number;
};
struct rop_collapse_state_req {
	struct mapi_binary collapse_state;
};
struct rop_collapse_state_resp {
	struct mapi_binary collapse_state;
};

struct rop_codec;
extern const struct rop_codec rop_codec_set_columns, rop_codec_sort_table, rop_codec_restrict_,
    rop_codec_query_rows, rop_codec_abort_, rop_codec_get_status, rop_codec_query_position,
    rop_codec_seek_row, rop_codec_seek_row_bookmark, rop_codec_seek_row_fractional,
    rop_codec_create_bookmark, rop_codec_query_columns_all, rop_codec_find_row,
    rop_codec_free_bookmark, rop_codec_reset_table, rop_codec_expand_row, rop_codec_collapse_row,
    rop_codec_get_collapse_state, rop_codec_set_collapse_state;

#endif
