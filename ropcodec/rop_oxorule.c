/* ROPs of [MS-OXORULE] 2.2, layouts of [MS-OXCROPS] 2.2.11. */
#include "rop_shared.h"

/* [MS-OXCROPS] 2.2.11.1 RopModifyRules: ModifyRulesFlag, RulesCount,
 * RuleData (RuleDataFlags, PropertyValueCount, PropertyValues).  A
 * PidTagRuleActions value (PtypRuleAction) goes through rule_actions.h. */
static const struct rop_field modify_rules_req[] = {
    RF(FK_U8, struct rop_modify_table_req, modify_flags),
    RF(FK_FLAGGED_VALS16, struct rop_modify_table_req, rows),
    RF_END,
};
const struct rop_codec rop_codec_modify_rules = ROP_CODEC(modify_rules_req, rop_fields_none);

/* [MS-OXCROPS] 2.2.11.2 RopGetRulesTable */
const struct rop_codec rop_codec_get_rules_table =
    ROP_CODEC(rop_fields_table_flags_req, rop_fields_none);

/* [MS-OXCROPS] 2.2.11.3 RopUpdateDeferredActionMessages */
static const struct rop_field update_dam_req[] = {
    RF(FK_BIN16, struct rop_update_dam_req, server_entry_id),
    RF(FK_BIN16, struct rop_update_dam_req, client_entry_id),
    RF_END,
};
const struct rop_codec rop_codec_update_deferred_action_messages =
    ROP_CODEC(update_dam_req, rop_fields_none);
