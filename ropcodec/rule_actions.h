/*
 * rule_actions: the RuleAction structure of [MS-OXORULE] 2.2.5, the value of
 * PtypRuleAction properties (PidTagRuleActions) and the RuleActionsBuffer
 * of extended rules (PidTagExtendedRuleMessageActions, 2.2.4.1.9).
 *
 * Two encodings share one layout; count_width chooses
 * ([MS-OXCDATA] 2.11.1.1, [MS-OXORULE] 2.2.5):
 *   ROP_COUNT_WIDTH_ROP (16): standard rules inside ROP buffers -- NoOfActions,
 *     ActionLength, RecipientCount, NoOfProperties, StoreEIDSize and
 *     FolderEIDSize are 2 bytes, and property values use the ROP widths;
 *   ROP_COUNT_WIDTH_32 (32): extended rules -- those fields are 4 bytes,
 *     property values use 32-bit counts, OP_MOVE/OP_COPY drop
 *     FolderInThisStore and OP_REPLY carries a Message EntryID.
 *
 * Each ActionBlock is decoded inside exactly its ActionLength bytes; the
 * encoder computes ActionLength from what it wrote.
 *
 * Memory: everything decoded hangs off the struct mapi_rule_actions, which
 * is allocated on the mem_ctx given.
 */
#ifndef RULE_ACTIONS_H
#define RULE_ACTIONS_H

#include "rop_buf.h"
#include "rop_propval.h"

/* ActionType, [MS-OXORULE] 2.2.5.1. */
enum rule_action_type {
	OP_MOVE = 0x01,
	OP_COPY = 0x02,
	OP_REPLY = 0x03,
	OP_OOF_REPLY = 0x04,
	OP_DEFER_ACTION = 0x05,
	OP_BOUNCE = 0x06,
	OP_FORWARD = 0x07,
	OP_DELEGATE = 0x08,
	OP_TAG = 0x09,
	OP_DELETE = 0x0A,
	OP_MARK_AS_READ = 0x0B,
};

/* ActionFlavor bits, [MS-OXORULE] 2.2.5.1.1. */
#define RULE_FLAVOR_FWD_PRESERVE_SENDER  0x00000001 /* PR */
#define RULE_FLAVOR_FWD_DO_NOT_MUNGE     0x00000002 /* NC */
#define RULE_FLAVOR_FWD_AS_ATTACHMENT    0x00000004 /* AT */
#define RULE_FLAVOR_FWD_TEXT_MESSAGE     0x00000008 /* TM */
#define RULE_FLAVOR_REPLY_NOT_ORIGINATOR 0x00000001 /* NS */
#define RULE_FLAVOR_REPLY_STOCK_TEXT     0x00000002 /* ST */

/* BounceCode, [MS-OXORULE] 2.2.5.1.2.5. */
#define RULE_BOUNCE_TOO_LARGE      0x0000000D
#define RULE_BOUNCE_CANNOT_DISPLAY 0x0000001F
#define RULE_BOUNCE_DENIED         0x00000026

/* [MS-OXORULE] 2.2.5.1.2.4.1 RecipientBlockData */
struct rule_recipient {
	uint8_t reserved;
	struct mapi_propval_array props;
};

struct rule_action_block {
	uint8_t type; /* enum rule_action_type */
	uint32_t flavor;
	uint32_t flags;
	union {
		struct {
			bool in_this_store; /* standard rules only */
			struct mapi_binary store_eid;
			struct mapi_binary folder_eid; /* a ServerEid when in_this_store */
		} move_copy;
		struct {
			uint64_t template_fid, template_mid; /* standard rules */
			struct mapi_binary template_eid;     /* extended rules */
			struct mapi_guid template_guid;
		} reply;
		struct mapi_binary defer; /* OP_DEFER_ACTION: opaque client data */
		uint32_t bounce_code;
		struct {
			uint32_t count;
			struct rule_recipient *recipients;
		} fwd;                   /* OP_FORWARD, OP_DELEGATE */
		struct mapi_propval tag; /* OP_TAG */
	} u;
};

struct mapi_rule_actions {
	uint32_t count;
	struct rule_action_block *blocks;
};

/* Decodes a RuleAction; *actions_r is allocated on mem_ctx.  Counts and
 * lengths are checked against the input before anything is allocated. */
enum rop_err rule_actions_pull(struct rop_pull *p, int count_width, TALLOC_CTX *mem_ctx,
                               struct mapi_rule_actions **actions_r);
/* Encodes a RuleAction; on error nothing is left written. */
enum rop_err rule_actions_push(struct rop_push *p, int count_width,
                               const struct mapi_rule_actions *actions);

/* ---- extended rules, [MS-OXORULE] 2.2.4 ---- */

/* [MS-OXORULE] 2.2.4.2 NamedPropertyInformation: the named properties the
 * following buffer uses, as property ID (>= 0x8000) -> name pairs. */
struct rule_named_props {
	uint16_t count;
	uint16_t *prop_ids;
	struct mapi_property_name *names;
};

/* [MS-OXORULE] 2.2.4.1.9 PidTagExtendedRuleMessageActions value. */
struct rule_ext_actions {
	struct rule_named_props named;
	uint32_t version; /* RuleVersion, 1 */
	struct mapi_rule_actions *actions;
};

/* [MS-OXORULE] 2.2.4.1.10 PidTagExtendedRuleMessageCondition value. */
struct rule_ext_condition {
	struct rule_named_props named;
	struct mapi_restriction *res;
};

#define RULE_EXT_VERSION 1

/* Decode a whole property value of len bytes (nothing may be left over);
 * the result is allocated on mem_ctx.  Counts inside are 32-bit
 * ([MS-OXCDATA] 2.11.1.1). */
enum rop_err rule_ext_actions_pull(TALLOC_CTX *mem_ctx, const uint8_t *data, size_t len,
                                   struct rule_ext_actions **ext_r);
enum rop_err rule_ext_actions_push(struct rop_push *p, const struct rule_ext_actions *ext);
enum rop_err rule_ext_condition_pull(TALLOC_CTX *mem_ctx, const uint8_t *data, size_t len,
                                     struct rule_ext_condition **ext_r);
enum rop_err rule_ext_condition_push(struct rop_push *p, const struct rule_ext_condition *ext);

/* [MS-OXORULE] 2.2.5.1.2.1.1 ServerEid: the FolderEID of a standard-rule
 * move or copy into this mailbox -- Ours (0x01), FolderId, MessageId and
 * Instance (zero).  rule_server_eid_make fills 21 bytes at buf. */
#define RULE_SERVER_EID_SIZE 21
void rule_server_eid_make(uint8_t buf[RULE_SERVER_EID_SIZE], uint64_t fid);
/* 1 and the folder ID when eid is a ServerEid with Ours set, else 0. */
int rule_server_eid_parse(const struct mapi_binary *eid, uint64_t *fid_r);

#endif
