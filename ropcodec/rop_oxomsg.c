/* ROPs of [MS-OXOMSG] 2.2.4 / 2.2.5, layouts of [MS-OXCROPS] 2.2.7. */
#include "rop_shared.h"

/* [MS-OXCROPS] 2.2.7.1 RopSubmitMessage / 2.2.7.2 RopAbortSubmit */
static const struct rop_field submit_message_req[] = {
    RF(FK_U8, struct rop_submit_message_req, submit_flags),
    RF_END,
};
static const struct rop_field abort_submit_req[] = {
    RF(FK_U64, struct rop_abort_submit_req, folder_id),
    RF(FK_U64, struct rop_abort_submit_req, message_id),
    RF_END,
};
const struct rop_codec rop_codec_submit_message = ROP_CODEC(submit_message_req, rop_fields_none);
const struct rop_codec rop_codec_abort_submit = ROP_CODEC(abort_submit_req, rop_fields_none);

/* [MS-OXCROPS] 2.2.7.3 RopGetAddressTypes: AddressTypeCount,
 * AddressTypeSize, then the NUL-terminated types. */
static const struct rop_field get_address_types_resp[] = {
    RF(FK_STRS_SIZED, struct rop_get_address_types_resp, address_types),
    RF_END,
};
const struct rop_codec rop_codec_get_address_types =
    ROP_CODEC(rop_fields_none, get_address_types_resp);

/* [MS-OXCROPS] 2.2.7.4 RopSetSpooler / 2.2.7.5 RopSpoolerLockMessage */
static const struct rop_field spooler_lock_message_req[] = {
    RF(FK_U64, struct rop_spooler_lock_message_req, message_id),
    RF(FK_U8, struct rop_spooler_lock_message_req, lock_state),
    RF_END,
};
const struct rop_codec rop_codec_set_spooler = ROP_CODEC(rop_fields_none, rop_fields_none);
const struct rop_codec rop_codec_spooler_lock_message =
    ROP_CODEC(spooler_lock_message_req, rop_fields_none);

/* [MS-OXCROPS] 2.2.7.6 RopTransportSend: the values follow when
 * NoPropertiesReturned is 0. */
#define TSR struct rop_transport_send_resp
static const struct rop_field transport_send_resp[] = {
    RF(FK_U8, TSR, no_properties_returned),
    RFIF(FK_IF_U8_Z, TSR, no_properties_returned, 1, 0),
    RF(FK_TVALS16, TSR, vals),
    RF_END,
};
const struct rop_codec rop_codec_transport_send = ROP_CODEC(rop_fields_none, transport_send_resp);

/* [MS-OXCROPS] 2.2.7.7 RopTransportNewMail */
#define TNM struct rop_transport_new_mail_req
static const struct rop_field transport_new_mail_req[] = {
    RF(FK_U64, TNM, message_id),
    RF(FK_U64, TNM, folder_id),
    RF(FK_ASCIIZ, TNM, message_class),
    RF(FK_U32, TNM, message_flags),
    RF_END,
};
const struct rop_codec rop_codec_transport_new_mail =
    ROP_CODEC(transport_new_mail_req, rop_fields_none);

/* [MS-OXCROPS] 2.2.7.8 RopGetTransportFolder */
const struct rop_codec rop_codec_get_transport_folder =
    ROP_CODEC(rop_fields_none, rop_fields_folder_id_resp);

/* [MS-OXCROPS] 2.2.7.9 RopOptionsData: HelpFileName follows a non-empty
 * HelpFile. */
#define ODR struct rop_options_data_resp
static const struct rop_field options_data_req[] = {
    RF(FK_ASCIIZ, struct rop_options_data_req, address_type),
    RF(FK_U8, struct rop_options_data_req, want_win32),
    RF_END,
};
static const struct rop_field options_data_resp[] = {
    RF(FK_U8, ODR, reserved),
    RF(FK_BIN16, ODR, options_info),
    RF(FK_BIN16, ODR, help_file),
    RFIF(FK_IF_U32_NZ, ODR, help_file, 1, 0), /* help_file.len */
    RF(FK_ASCIIZ, ODR, help_file_name),
    RF_END,
};
const struct rop_codec rop_codec_options_data = ROP_CODEC(options_data_req, options_data_resp);
