/* ROPs of [MS-OXCSTOR] 2.2.1, layouts of [MS-OXCROPS] 2.2.3. */
#include "rop_shared.h"

#define LR struct rop_logon_resp

/* [MS-OXCROPS] 2.2.3.1.1 RopLogon request */
static const struct rop_field logon_req[] = {
    RF(FK_U8, struct rop_logon_req, logon_flags),
    RF(FK_U32, struct rop_logon_req, open_flags),
    RF(FK_U32, struct rop_logon_req, store_state),
    RF(FK_ASCIIZ_SIZE16, struct rop_logon_req, essdn),
    RF_END,
};
/* [MS-OXCROPS] 2.2.3.1.2 (Private flag set) and 2.2.3.1.3 (public). */
static const struct rop_field logon_resp[] = {
    RF(FK_U8, LR, logon_flags),
    RFA(FK_U64ARR, LR, folder_ids, 13),
    RFIF(FK_IF_U8_BIT, LR, logon_flags, 8, ROP_LOGON_PRIVATE),
    RF(FK_U8, LR, response_flags),
    RF(FK_GUID, LR, mailbox_guid),
    RF(FK_U16, LR, replid),
    RF(FK_GUID, LR, replguid),
    RFA(FK_BYTES, LR, logon_time, 6),
    RF(FK_U16, LR, logon_year),
    RF(FK_U64, LR, gwart_time),
    RF(FK_U32, LR, store_state),
    RFIF(FK_IF_U8_NOBIT, LR, logon_flags, 3, ROP_LOGON_PRIVATE),
    RF(FK_U16, LR, replid),
    RF(FK_GUID, LR, replguid),
    RF(FK_GUID, LR, per_user_guid),
    RF_END,
};
/* [MS-OXCROPS] 2.2.3.1.4 RopLogon redirect response (ReturnValue 0x478) */
static const struct rop_field logon_redirect[] = {
    RF(FK_U8, LR, logon_flags),
    RF(FK_ASCIIZ_SIZE8, LR, server_name),
    RF_END,
};
const struct rop_codec rop_codec_logon = {logon_req,      logon_resp, 0x00000478, logon_redirect,
                                          ROP_CODEC_FULL, NULL,       0};

/* [MS-OXCROPS] 2.2.3.2 RopGetReceiveFolder */
static const struct rop_field message_class_req[] = {
    RF(FK_ASCIIZ, struct rop_message_class_req, message_class),
    RF_END,
};
static const struct rop_field get_receive_folder_resp[] = {
    RF(FK_U64, struct rop_get_receive_folder_resp, folder_id),
    RF(FK_ASCIIZ, struct rop_get_receive_folder_resp, explicit_message_class),
    RF_END,
};
const struct rop_codec rop_codec_get_receive_folder =
    ROP_CODEC(message_class_req, get_receive_folder_resp);

/* [MS-OXCROPS] 2.2.3.3 RopSetReceiveFolder */
static const struct rop_field set_receive_folder_req[] = {
    RF(FK_U64, struct rop_set_receive_folder_req, folder_id),
    RF(FK_ASCIIZ, struct rop_set_receive_folder_req, message_class),
    RF_END,
};
const struct rop_codec rop_codec_set_receive_folder =
    ROP_CODEC(set_receive_folder_req, rop_fields_none);

/* [MS-OXCROPS] 2.2.3.4 RopGetReceiveFolderTable: RowCount (32 bits) and
 * rows of the three columns of [MS-OXCSTOR] 2.2.1.4. */
static const struct rop_field get_receive_folder_table_resp[] = {
    RF(FK_ROWS32_RFT, struct rop_get_receive_folder_table_resp, rows),
    RF_END,
};
const struct rop_codec rop_codec_get_receive_folder_table =
    ROP_CODEC(rop_fields_none, get_receive_folder_table_resp);

/* [MS-OXCROPS] 2.2.3.5 RopGetStoreState */
static const struct rop_field store_state_resp[] = {
    RF(FK_U32, struct rop_store_state_resp, store_state),
    RF_END,
};
const struct rop_codec rop_codec_get_store_state = ROP_CODEC(rop_fields_none, store_state_resp);

/* [MS-OXCROPS] 2.2.3.6 RopGetOwningServers */
#define GOS struct rop_get_owning_servers_resp
static const struct rop_field get_owning_servers_resp[] = {
    RF(FK_U16, GOS, owning_servers_count),
    RF(FK_U16, GOS, cheap_servers_count),
    RFA(FK_STRS, GOS, owning_servers, offsetof(GOS, owning_servers_count)),
    RF_END,
};
const struct rop_codec rop_codec_get_owning_servers =
    ROP_CODEC(rop_fields_folder_id_req, get_owning_servers_resp);

/* [MS-OXCROPS] 2.2.3.7 RopPublicFolderIsGhosted */
#define GR struct rop_ghosted_resp
static const struct rop_field ghosted_resp[] = {
    RF(FK_U8, GR, is_ghosted),
    RFIF(FK_IF_U8_NZ, GR, is_ghosted, 3, 0),
    RF(FK_U16, GR, servers_count),
    RF(FK_U16, GR, cheap_servers_count),
    RFA(FK_STRS, GR, servers, offsetof(GR, servers_count)),
    RF_END,
};
const struct rop_codec rop_codec_public_folder_is_ghosted =
    ROP_CODEC(rop_fields_folder_id_req, ghosted_resp);

/* [MS-OXCROPS] 2.2.3.8 RopLongTermIdFromId / 2.2.3.9 RopIdFromLongTermId */
static const struct rop_field object_id_req[] = {
    RF(FK_U64, struct rop_object_id_req, object_id),
    RF_END,
};
static const struct rop_field long_term_id_resp[] = {
    RF(FK_LTID, struct rop_long_term_id_resp, long_term_id),
    RF_END,
};
static const struct rop_field object_id_resp[] = {
    RF(FK_U64, struct rop_object_id_resp, object_id),
    RF_END,
};
const struct rop_codec rop_codec_long_term_id_from_id = ROP_CODEC(object_id_req, long_term_id_resp);
const struct rop_codec rop_codec_id_from_long_term_id =
    ROP_CODEC(rop_fields_long_term_id_req, object_id_resp);

/* [MS-OXCROPS] 2.2.3.10 RopGetPerUserLongTermIds / 2.2.3.11 RopGetPerUserGuid */
static const struct rop_field database_guid_req[] = {
    RF(FK_GUID, struct rop_database_guid_req, database_guid),
    RF_END,
};
static const struct rop_field ltids_resp[] = {
    RF(FK_LTIDS16, struct rop_ltids_resp, ltids),
    RF_END,
};
static const struct rop_field database_guid_resp[] = {
    RF(FK_GUID, struct rop_database_guid_resp, database_guid),
    RF_END,
};
const struct rop_codec rop_codec_get_per_user_long_term_ids =
    ROP_CODEC(database_guid_req, ltids_resp);
const struct rop_codec rop_codec_get_per_user_guid =
    ROP_CODEC(rop_fields_long_term_id_req, database_guid_resp);

/* [MS-OXCROPS] 2.2.3.12 RopReadPerUserInformation */
#define RPU struct rop_read_per_user_information_req
static const struct rop_field read_per_user_req[] = {
    RF(FK_LTID, RPU, folder_id),
    RF(FK_U8, RPU, reserved),
    RF(FK_U32, RPU, data_offset),
    RF(FK_U16, RPU, max_data_size),
    RF_END,
};
static const struct rop_field read_per_user_resp[] = {
    RF(FK_U8, struct rop_read_per_user_information_resp, has_finished),
    RF(FK_BIN16, struct rop_read_per_user_information_resp, data),
    RF_END,
};
const struct rop_codec rop_codec_read_per_user_information =
    ROP_CODEC(read_per_user_req, read_per_user_resp);

/* [MS-OXCROPS] 2.2.3.13 RopWritePerUserInformation: ReplGuid follows when
 * DataOffset is 0. */
#define WPU struct rop_write_per_user_information_req
static const struct rop_field write_per_user_req[] = {
    RF(FK_LTID, WPU, folder_id),
    RF(FK_U8, WPU, has_finished),
    RF(FK_U32, WPU, data_offset),
    RF(FK_BIN16, WPU, data),
    RFIF(FK_IF_U32_EQ, WPU, data_offset, 1, 0),
    RF(FK_GUID, WPU, replguid),
    RF_END,
};
const struct rop_codec rop_codec_write_per_user_information =
    ROP_CODEC(write_per_user_req, rop_fields_none);
