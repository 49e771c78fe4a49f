/* ROPs of [MS-OXCFOLD] 2.2.1, layouts of [MS-OXCROPS] 2.2.4. */
#include "rop_shared.h"

/* [MS-OXCROPS] 2.2.4.1 RopOpenFolder */
#define OFR struct rop_open_folder_resp
static const struct rop_field open_folder_req[] = {
    RF(FK_U64, struct rop_open_folder_req, folder_id),
    RF(FK_U8, struct rop_open_folder_req, open_mode_flags),
    RF_END,
};
static const struct rop_field open_folder_resp[] = {
    RF(FK_U8, OFR, has_rules),
    RF(FK_U8, OFR, is_ghosted),
    RFIF(FK_IF_U8_NZ, OFR, is_ghosted, 3, 0),
    RF(FK_U16, OFR, server_count),
    RF(FK_U16, OFR, cheap_server_count),
    RFA(FK_STRS, OFR, servers, offsetof(OFR, server_count)),
    RF_END,
};
const struct rop_codec rop_codec_open_folder = ROP_CODEC(open_folder_req, open_folder_resp);

/* [MS-OXCROPS] 2.2.4.2 RopCreateFolder: the strings are UTF-16 when
 * UseUnicodeStrings is nonzero; an existing folder adds the OpenFolder
 * fields. */
#define CFQ struct rop_create_folder_req
#define CFR struct rop_create_folder_resp
static const struct rop_field create_folder_req[] = {
    RF(FK_U8, CFQ, folder_type),
    RF(FK_U8, CFQ, use_unicode_strings),
    RF(FK_U8, CFQ, open_existing),
    RF(FK_U8, CFQ, reserved),
    RFA(FK_STRZ_SEL, CFQ, display_name, offsetof(CFQ, use_unicode_strings)),
    RFA(FK_STRZ_SEL, CFQ, comment, offsetof(CFQ, use_unicode_strings)),
    RF_END,
};
static const struct rop_field create_folder_resp[] = {
    RF(FK_U64, CFR, folder_id),
    RF(FK_U8, CFR, is_existing_folder),
    RFIF(FK_IF_U8_NZ, CFR, is_existing_folder, 6, 0),
    RF(FK_U8, CFR, has_rules),
    RF(FK_U8, CFR, is_ghosted),
    RFIF(FK_IF_U8_NZ, CFR, is_ghosted, 3, 0),
    RF(FK_U16, CFR, server_count),
    RF(FK_U16, CFR, cheap_server_count),
    RFA(FK_STRS, CFR, servers, offsetof(CFR, server_count)),
    RF_END,
};
const struct rop_codec rop_codec_create_folder = ROP_CODEC(create_folder_req, create_folder_resp);

/* [MS-OXCROPS] 2.2.4.3 RopDeleteFolder */
static const struct rop_field delete_folder_req[] = {
    RF(FK_U8, struct rop_delete_folder_req, delete_folder_flags),
    RF(FK_U64, struct rop_delete_folder_req, folder_id),
    RF_END,
};
const struct rop_codec rop_codec_delete_folder =
    ROP_CODEC(delete_folder_req, rop_fields_partial_resp);

/* [MS-OXCROPS] 2.2.4.4 RopSetSearchCriteria */
#define SSC struct rop_set_search_criteria_req
static const struct rop_field set_search_criteria_req[] = {
    RF(FK_RES_SIZED16, SSC, restriction),
    RF(FK_IDS16, SSC, folder_ids),
    RF(FK_U32, SSC, search_flags),
    RF_END,
};
const struct rop_codec rop_codec_set_search_criteria =
    ROP_CODEC(set_search_criteria_req, rop_fields_none);

/* [MS-OXCROPS] 2.2.4.5 RopGetSearchCriteria */
#define GSQ struct rop_get_search_criteria_req
#define GSR struct rop_get_search_criteria_resp
static const struct rop_field get_search_criteria_req[] = {
    RF(FK_U8, GSQ, use_unicode),
    RF(FK_U8, GSQ, include_restriction),
    RF(FK_U8, GSQ, include_folders),
    RF_END,
};
static const struct rop_field get_search_criteria_resp[] = {
    RF(FK_RES_SIZED16, GSR, restriction),
    RF(FK_U8, GSR, logon_id),
    RF(FK_IDS16, GSR, folder_ids),
    RF(FK_U32, GSR, search_flags),
    RF_END,
};
const struct rop_codec rop_codec_get_search_criteria =
    ROP_CODEC(get_search_criteria_req, get_search_criteria_resp);

/* The move/copy ROPs answer ecDstNullObject with DestHandleIndex and
 * PartialCompletion ([MS-OXCROPS] 2.2.4.6.3, 2.2.4.7.3, 2.2.4.8.3). */
#define PARTIAL_CODEC(req)                                                                         \
	{                                                                                          \
		req, rop_fields_partial_resp, ROP_EC_DST_NULL_OBJECT,                              \
		    rop_fields_partial_null_dest_resp, ROP_CODEC_FULL, NULL, 0                     \
	}

/* [MS-OXCROPS] 2.2.4.6 RopMoveCopyMessages */
static const struct rop_field move_copy_messages_req[] = {
    RF(FK_IDS16, struct rop_move_copy_messages_req, message_ids),
    RF(FK_U8, struct rop_move_copy_messages_req, want_asynchronous),
    RF(FK_U8, struct rop_move_copy_messages_req, want_copy),
    RF_END,
};
const struct rop_codec rop_codec_move_copy_messages = PARTIAL_CODEC(move_copy_messages_req);

/* [MS-OXCROPS] 2.2.4.7 RopMoveFolder */
#define MFQ struct rop_move_folder_req
static const struct rop_field move_folder_req[] = {
    RF(FK_U8, MFQ, want_asynchronous),
    RF(FK_U8, MFQ, use_unicode),
    RF(FK_U64, MFQ, folder_id),
    RFA(FK_STRZ_SEL, MFQ, new_folder_name, offsetof(MFQ, use_unicode)),
    RF_END,
};
const struct rop_codec rop_codec_move_folder = PARTIAL_CODEC(move_folder_req);

/* [MS-OXCROPS] 2.2.4.8 RopCopyFolder */
#define CPQ struct rop_copy_folder_req
static const struct rop_field copy_folder_req[] = {
    RF(FK_U8, CPQ, want_asynchronous),
    RF(FK_U8, CPQ, want_recursive),
    RF(FK_U8, CPQ, use_unicode),
    RF(FK_U64, CPQ, folder_id),
    RFA(FK_STRZ_SEL, CPQ, new_folder_name, offsetof(CPQ, use_unicode)),
    RF_END,
};
const struct rop_codec rop_codec_copy_folder = PARTIAL_CODEC(copy_folder_req);

/* [MS-OXCROPS] 2.2.4.9 RopEmptyFolder / 2.2.4.10 RopHardDeleteMessagesAndSubfolders */
static const struct rop_field empty_folder_req[] = {
    RF(FK_U8, struct rop_empty_folder_req, want_asynchronous),
    RF(FK_U8, struct rop_empty_folder_req, want_delete_associated),
    RF_END,
};
const struct rop_codec rop_codec_empty_folder =
    ROP_CODEC(empty_folder_req, rop_fields_partial_resp);
const struct rop_codec rop_codec_hard_delete_messages_and_subfolders =
    ROP_CODEC(empty_folder_req, rop_fields_partial_resp);

/* [MS-OXCROPS] 2.2.4.11 RopDeleteMessages / 2.2.4.12 RopHardDeleteMessages */
static const struct rop_field delete_messages_req[] = {
    RF(FK_U8, struct rop_delete_messages_req, want_asynchronous),
    RF(FK_U8, struct rop_delete_messages_req, notify_non_read),
    RF(FK_IDS16, struct rop_delete_messages_req, message_ids),
    RF_END,
};
const struct rop_codec rop_codec_delete_messages =
    ROP_CODEC(delete_messages_req, rop_fields_partial_resp);
const struct rop_codec rop_codec_hard_delete_messages =
    ROP_CODEC(delete_messages_req, rop_fields_partial_resp);

/* [MS-OXCROPS] 2.2.4.13 RopGetHierarchyTable / 2.2.4.14 RopGetContentsTable */
const struct rop_codec rop_codec_get_hierarchy_table =
    ROP_CODEC(rop_fields_table_flags_req, rop_fields_row_count_resp);
const struct rop_codec rop_codec_get_contents_table =
    ROP_CODEC(rop_fields_table_flags_req, rop_fields_row_count_resp);
