/* ROPs of [MS-OXCPERM] 2.2: the permissions table. */
#ifndef ROP_OXCPERM_H
#define ROP_OXCPERM_H

#include "rop_oxcrops.h"

struct rop_codec;
extern const struct rop_codec rop_codec_get_permissions_table, rop_codec_modify_permissions;

#endif
