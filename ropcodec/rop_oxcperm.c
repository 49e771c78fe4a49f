/* ROPs of [MS-OXCPERM] 2.2, layouts of [MS-OXCROPS] 2.2.10. */
#include "rop_shared.h"

/* [MS-OXCROPS] 2.2.10.1 RopModifyPermissions: ModifyFlags, ModifyCount,
 * PermissionData (DataFlags, PropertyValueCount, PropertyValues). */
static const struct rop_field modify_permissions_req[] = {
    RF(FK_U8, struct rop_modify_table_req, modify_flags),
    RF(FK_FLAGGED_VALS16, struct rop_modify_table_req, rows),
    RF_END,
};
const struct rop_codec rop_codec_modify_permissions =
    ROP_CODEC(modify_permissions_req, rop_fields_none);

/* [MS-OXCROPS] 2.2.10.2 RopGetPermissionsTable */
const struct rop_codec rop_codec_get_permissions_table =
    ROP_CODEC(rop_fields_table_flags_req, rop_fields_none);
