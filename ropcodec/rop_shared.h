/* Body tables several per-spec files use (defined in rop_oxcrops.c).
 * Private to ropcodec/. */
#ifndef ROP_SHARED_H
#define ROP_SHARED_H

#include "rop.h"

extern const struct rop_field rop_fields_none[], rop_fields_table_flags_req[],
    rop_fields_tags_req[], rop_fields_data16_req[], rop_fields_table_status_resp[],
    rop_fields_tags_resp[], rop_fields_problems_resp[], rop_fields_null_dest_resp[],
    rop_fields_partial_resp[], rop_fields_partial_null_dest_resp[], rop_fields_row_count_resp[],
    rop_fields_bookmark_resp[], rop_fields_message_id_resp[], rop_fields_folder_id_resp[],
    rop_fields_folder_id_req[], rop_fields_message_id_req[], rop_fields_long_term_id_req[],
    rop_fields_save_flags_req[], rop_fields_stream_size32_resp[], rop_fields_written16_resp[];

/* A codec with request and success-response tables only. */
#define ROP_CODEC(req, resp)                                                                       \
	{                                                                                          \
		req, resp, 0, NULL, ROP_CODEC_FULL, NULL, 0                                        \
	}

/* ecDstNullObject, [MS-OXCDATA] 2.4.2 */
#define ROP_EC_DST_NULL_OBJECT 0x00000503

#endif
