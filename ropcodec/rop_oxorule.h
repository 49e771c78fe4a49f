/* ROPs of [MS-OXORULE] 2.2: the rules table and deferred action messages. */
#ifndef ROP_OXORULE_H
#define ROP_OXORULE_H

#include "rop_oxcrops.h"

/* [MS-OXORULE] 2.2.3 */
struct rop_update_dam_req {
	struct mapi_binary server_entry_id;
	struct mapi_binary client_entry_id;
};

struct rop_codec;
extern const struct rop_codec rop_codec_get_rules_table, rop_codec_modify_rules,
    rop_codec_update_deferred_action_messages;

#endif
