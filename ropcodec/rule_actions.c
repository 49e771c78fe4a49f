#include "rule_actions.h"

#include <string.h>

#include "rop_restriction.h"

/* ActionType + ActionFlavor + ActionFlags, counted in ActionLength. */
#define ACTION_HEADER_SIZE 9

static enum rop_err pull_count(struct rop_pull *p, int width, uint32_t *v_r)
{
	uint16_t v16;

	if (width == ROP_COUNT_WIDTH_32)
		return rop_pull_u32(p, v_r);
	if (width != ROP_COUNT_WIDTH_ROP)
		return ROP_E_INVALID;
	ROP_CHECK(rop_pull_u16(p, &v16));
	*v_r = v16;
	return ROP_OK;
}

static enum rop_err push_count(struct rop_push *p, int width, uint32_t v)
{
	if (width == ROP_COUNT_WIDTH_32)
		return rop_push_u32(p, v);
	if (width != ROP_COUNT_WIDTH_ROP)
		return ROP_E_INVALID;
	if (v > UINT16_MAX)
		return ROP_E_TOO_BIG;
	return rop_push_u16(p, (uint16_t)v);
}

/* A count-prefixed byte string (StoreEID, FolderEID, MessageEID). */
static enum rop_err pull_sized(struct rop_pull *p, int width, struct mapi_binary *b)
{
	uint32_t n;

	ROP_CHECK(pull_count(p, width, &n));
	if (rop_pull_left(p) < n)
		return ROP_E_SHORT;
	b->len = n;
	return rop_pull_bytes(p, n, &b->data);
}

static enum rop_err push_sized(struct rop_push *p, int width, const struct mapi_binary *b)
{
	if (b->len > 0 && b->data == NULL)
		return ROP_E_INVALID;
	ROP_CHECK(push_count(p, width, b->len));
	return rop_push_bytes(p, b->data, b->len);
}

/* A TaggedPropertyValue inside an action.  A PtypRuleAction value there
 * would make the property codec call back into this one without bound, and
 * no action carries one: refuse it before decoding. */
static enum rop_err pull_action_propval(struct rop_pull *p, int width, struct mapi_propval *v)
{
	uint32_t tag;
	size_t start = p->ofs;

	ROP_CHECK(rop_pull_u32(p, &tag));
	p->ofs = start;
	if ((PROP_TYPE(tag) & ~(MV_FLAG | MV_INSTANCE)) == PT_ACTIONS)
		return ROP_E_INVALID;
	return rop_pull_tagged_propval(p, width, v);
}

static enum rop_err push_action_propval(struct rop_push *p, int width, const struct mapi_propval *v)
{
	if ((PROP_TYPE(v->tag) & ~(MV_FLAG | MV_INSTANCE)) == PT_ACTIONS)
		return ROP_E_INVALID;
	return rop_push_tagged_propval(p, width, v);
}

/* [MS-OXORULE] 2.2.5.1.2.4.1: Reserved, NoOfProperties, TaggedPropertyValues. */
static enum rop_err pull_recipient(struct rop_pull *p, int width, struct rule_recipient *r)
{
	uint32_t n;

	ROP_CHECK(rop_pull_u8(p, &r->reserved));
	ROP_CHECK(pull_count(p, width, &n));
	/* a TaggedPropertyValue takes at least 5 bytes (tag + 1) */
	ROP_CHECK(rop_pull_check_count(p, n, 5));
	r->props.count = n;
	r->props.vals = n > 0 ? talloc_zero_array(p->mem_ctx, struct mapi_propval, n) : NULL;
	if (n > 0 && r->props.vals == NULL)
		return ROP_E_NOMEM;
	for (uint32_t i = 0; i < n; i++)
		ROP_CHECK(pull_action_propval(p, width, &r->props.vals[i]));
	return ROP_OK;
}

static enum rop_err pull_forward(struct rop_pull *p, int width, struct rule_action_block *b)
{
	uint32_t n;

	ROP_CHECK(pull_count(p, width, &n));
	/* a RecipientBlockData takes at least 3 bytes */
	ROP_CHECK(rop_pull_check_count(p, n, 3));
	b->u.fwd.count = n;
	b->u.fwd.recipients =
	    n > 0 ? talloc_zero_array(p->mem_ctx, struct rule_recipient, n) : NULL;
	if (n > 0 && b->u.fwd.recipients == NULL)
		return ROP_E_NOMEM;
	for (uint32_t i = 0; i < n; i++)
		ROP_CHECK(pull_recipient(p, width, &b->u.fwd.recipients[i]));
	return ROP_OK;
}

/* ActionData by ActionType, [MS-OXORULE] 2.2.5.1.2; p holds exactly the
 * ActionData bytes. */
static enum rop_err pull_action_data(struct rop_pull *p, int width, struct rule_action_block *b)
{
	uint8_t u8;

	switch (b->type) {
	case OP_MOVE:
	case OP_COPY: /* 2.2.5.1.2.1 */
		if (width == ROP_COUNT_WIDTH_ROP) {
			ROP_CHECK(rop_pull_u8(p, &u8));
			b->u.move_copy.in_this_store = u8 != 0;
		}
		ROP_CHECK(pull_sized(p, width, &b->u.move_copy.store_eid));
		return pull_sized(p, width, &b->u.move_copy.folder_eid);
	case OP_REPLY:
	case OP_OOF_REPLY: /* 2.2.5.1.2.2 */
		if (width == ROP_COUNT_WIDTH_ROP) {
			ROP_CHECK(rop_pull_u64(p, &b->u.reply.template_fid));
			ROP_CHECK(rop_pull_u64(p, &b->u.reply.template_mid));
		} else {
			ROP_CHECK(pull_sized(p, width, &b->u.reply.template_eid));
		}
		return rop_pull_guid(p, &b->u.reply.template_guid);
	case OP_DEFER_ACTION: /* 2.2.5.1.2.3: opaque to the server */
		b->u.defer.len = (uint32_t)rop_pull_left(p);
		return rop_pull_bytes(p, rop_pull_left(p), &b->u.defer.data);
	case OP_BOUNCE: /* 2.2.5.1.2.5 */
		return rop_pull_u32(p, &b->u.bounce_code);
	case OP_FORWARD:
	case OP_DELEGATE: /* 2.2.5.1.2.4 */
		return pull_forward(p, width, b);
	case OP_TAG: /* 2.2.5.1.2.6: one TaggedPropertyValue */
		return pull_action_propval(p, width, &b->u.tag);
	case OP_DELETE:
	case OP_MARK_AS_READ: /* 2.2.5.1.2.7: no ActionData */
		return ROP_OK;
	default:
		return ROP_E_INVALID;
	}
}

/* [MS-OXORULE] 2.2.5.1 ActionBlock. */
static enum rop_err pull_block(struct rop_pull *p, int width, struct rule_action_block *b)
{
	uint32_t len;
	const uint8_t *data;
	struct rop_pull sub;

	ROP_CHECK(pull_count(p, width, &len));
	if (len < ACTION_HEADER_SIZE)
		return ROP_E_INVALID;
	ROP_CHECK(rop_pull_ref(p, len, &data));
	rop_pull_init(&sub, p->mem_ctx, data, len);
	ROP_CHECK(rop_pull_u8(&sub, &b->type));
	ROP_CHECK(rop_pull_u32(&sub, &b->flavor));
	ROP_CHECK(rop_pull_u32(&sub, &b->flags));
	ROP_CHECK(pull_action_data(&sub, width, b));
	/* the data must fill ActionLength exactly */
	return rop_pull_left(&sub) == 0 ? ROP_OK : ROP_E_INVALID;
}

enum rop_err rule_actions_pull(struct rop_pull *p, int count_width, TALLOC_CTX *mem_ctx,
                               struct mapi_rule_actions **actions_r)
{
	size_t start = p->ofs;
	TALLOC_CTX *saved = p->mem_ctx;
	struct mapi_rule_actions *a;
	enum rop_err err;
	uint32_t n;

	a = talloc_zero(mem_ctx, struct mapi_rule_actions);
	if (a == NULL)
		return ROP_E_NOMEM;
	p->mem_ctx = a;
	err = pull_count(p, count_width, &n);
	/* an ActionBlock takes at least its length and 9 header bytes */
	if (err == ROP_OK)
		err = rop_pull_check_count(p, n, ACTION_HEADER_SIZE + 2);
	if (err == ROP_OK && n > 0) {
		a->blocks = talloc_zero_array(a, struct rule_action_block, n);
		err = a->blocks == NULL ? ROP_E_NOMEM : ROP_OK;
	}
	for (uint32_t i = 0; i < n && err == ROP_OK; i++) {
		err = pull_block(p, count_width, &a->blocks[i]);
		a->count = i + 1;
	}
	p->mem_ctx = saved;
	if (err != ROP_OK) {
		talloc_free(a);
		p->ofs = start;
		return err;
	}
	*actions_r = a;
	return ROP_OK;
}

static enum rop_err push_forward(struct rop_push *p, int width, const struct rule_action_block *b)
{
	if (b->u.fwd.count > 0 && b->u.fwd.recipients == NULL)
		return ROP_E_INVALID;
	ROP_CHECK(push_count(p, width, b->u.fwd.count));
	for (uint32_t i = 0; i < b->u.fwd.count; i++) {
		const struct rule_recipient *r = &b->u.fwd.recipients[i];
		if (r->props.count > 0 && r->props.vals == NULL)
			return ROP_E_INVALID;
		ROP_CHECK(rop_push_u8(p, r->reserved));
		ROP_CHECK(push_count(p, width, r->props.count));
		for (uint32_t j = 0; j < r->props.count; j++)
			ROP_CHECK(push_action_propval(p, width, &r->props.vals[j]));
	}
	return ROP_OK;
}

static enum rop_err push_action_data(struct rop_push *p, int width,
                                     const struct rule_action_block *b)
{
	switch (b->type) {
	case OP_MOVE:
	case OP_COPY:
		if (width == ROP_COUNT_WIDTH_ROP)
			ROP_CHECK(rop_push_u8(p, b->u.move_copy.in_this_store ? 1 : 0));
		ROP_CHECK(push_sized(p, width, &b->u.move_copy.store_eid));
		return push_sized(p, width, &b->u.move_copy.folder_eid);
	case OP_REPLY:
	case OP_OOF_REPLY:
		if (width == ROP_COUNT_WIDTH_ROP) {
			ROP_CHECK(rop_push_u64(p, b->u.reply.template_fid));
			ROP_CHECK(rop_push_u64(p, b->u.reply.template_mid));
		} else {
			ROP_CHECK(push_sized(p, width, &b->u.reply.template_eid));
		}
		return rop_push_guid(p, &b->u.reply.template_guid);
	case OP_DEFER_ACTION:
		if (b->u.defer.len > 0 && b->u.defer.data == NULL)
			return ROP_E_INVALID;
		return rop_push_bytes(p, b->u.defer.data, b->u.defer.len);
	case OP_BOUNCE:
		return rop_push_u32(p, b->u.bounce_code);
	case OP_FORWARD:
	case OP_DELEGATE:
		return push_forward(p, width, b);
	case OP_TAG:
		return push_action_propval(p, width, &b->u.tag);
	case OP_DELETE:
	case OP_MARK_AS_READ:
		return ROP_OK;
	default:
		return ROP_E_INVALID;
	}
}

static enum rop_err push_block(struct rop_push *p, int width, const struct rule_action_block *b)
{
	size_t at, start;

	ROP_CHECK(rop_push_reserve(p, width == ROP_COUNT_WIDTH_32 ? 4 : 2, &at));
	start = p->ofs;
	ROP_CHECK(rop_push_u8(p, b->type));
	ROP_CHECK(rop_push_u32(p, b->flavor));
	ROP_CHECK(rop_push_u32(p, b->flags));
	ROP_CHECK(push_action_data(p, width, b));
	/* ActionLength: the bytes after it, as written */
	if (width == ROP_COUNT_WIDTH_32) {
		rop_push_patch_u32(p, at, (uint32_t)(p->ofs - start));
		return ROP_OK;
	}
	if (p->ofs - start > UINT16_MAX)
		return ROP_E_TOO_BIG;
	rop_push_patch_u16(p, at, (uint16_t)(p->ofs - start));
	return ROP_OK;
}

enum rop_err rule_actions_push(struct rop_push *p, int count_width,
                               const struct mapi_rule_actions *actions)
{
	size_t mark = rop_push_mark(p);
	enum rop_err err;

	if (actions->count > 0 && actions->blocks == NULL)
		return ROP_E_INVALID;
	err = push_count(p, count_width, actions->count);
	for (uint32_t i = 0; i < actions->count && err == ROP_OK; i++)
		err = push_block(p, count_width, &actions->blocks[i]);
	if (err != ROP_OK)
		rop_push_rewind(p, mark);
	return err;
}

void rule_server_eid_make(uint8_t buf[RULE_SERVER_EID_SIZE], uint64_t fid)
{
	memset(buf, 0, RULE_SERVER_EID_SIZE);
	buf[0] = 0x01; /* Ours */
	for (int i = 0; i < 8; i++)
		buf[1 + i] = (uint8_t)(fid >> (8 * i));
}

int rule_server_eid_parse(const struct mapi_binary *eid, uint64_t *fid_r)
{
	uint64_t fid = 0;

	if (eid->len != RULE_SERVER_EID_SIZE || eid->data == NULL || eid->data[0] != 0x01)
		return 0;
	for (int i = 0; i < 8; i++)
		fid |= (uint64_t)eid->data[1 + i] << (8 * i);
	*fid_r = fid;
	return 1;
}

/* ---- extended rules ---- */

/* [MS-OXORULE] 2.2.4.2: NoOfNamedProps, then (when nonzero) the PropIds,
 * NamedPropertiesSize and the PropertyNames that size covers. */
static enum rop_err pull_named_props(struct rop_pull *p, struct rule_named_props *n)
{
	uint32_t size;
	const uint8_t *b;
	struct rop_pull sub;

	ROP_CHECK(rop_pull_u16(p, &n->count));
	if (n->count == 0)
		return ROP_OK;
	ROP_CHECK(rop_pull_check_count(p, n->count, 2));
	n->prop_ids = talloc_array(p->mem_ctx, uint16_t, n->count);
	if (n->prop_ids == NULL)
		return ROP_E_NOMEM;
	for (uint16_t i = 0; i < n->count; i++) {
		ROP_CHECK(rop_pull_u16(p, &n->prop_ids[i]));
		if (n->prop_ids[i] < FIRST_NAMED_PROP_ID)
			return ROP_E_INVALID;
	}
	ROP_CHECK(rop_pull_u32(p, &size));
	ROP_CHECK(rop_pull_ref(p, size, &b));
	rop_pull_init(&sub, p->mem_ctx, b, size);
	/* a PropertyName takes at least 17 bytes */
	ROP_CHECK(rop_pull_check_count(&sub, n->count, 17));
	n->names = talloc_zero_array(p->mem_ctx, struct mapi_property_name, n->count);
	if (n->names == NULL)
		return ROP_E_NOMEM;
	for (uint16_t i = 0; i < n->count; i++)
		ROP_CHECK(rop_pull_property_name(&sub, &n->names[i]));
	return rop_pull_left(&sub) == 0 ? ROP_OK : ROP_E_INVALID;
}

static enum rop_err push_named_props(struct rop_push *p, const struct rule_named_props *n)
{
	size_t at, start;

	ROP_CHECK(rop_push_u16(p, n->count));
	if (n->count == 0)
		return ROP_OK;
	if (n->prop_ids == NULL || n->names == NULL)
		return ROP_E_INVALID;
	for (uint16_t i = 0; i < n->count; i++) {
		if (n->prop_ids[i] < FIRST_NAMED_PROP_ID)
			return ROP_E_INVALID;
		ROP_CHECK(rop_push_u16(p, n->prop_ids[i]));
	}
	ROP_CHECK(rop_push_reserve(p, 4, &at));
	start = p->ofs;
	for (uint16_t i = 0; i < n->count; i++)
		ROP_CHECK(rop_push_property_name(p, &n->names[i]));
	rop_push_patch_u32(p, at, (uint32_t)(p->ofs - start));
	return ROP_OK;
}

/* Runs a whole-value decoder on its own talloc object; frees it on error. */
static enum rop_err ext_pull_finish(struct rop_pull *p, enum rop_err err, void *obj, void **out_r)
{
	if (err == ROP_OK && rop_pull_left(p) != 0)
		err = ROP_E_TRAILING;
	if (err != ROP_OK) {
		talloc_free(obj);
		return err;
	}
	*out_r = obj;
	return ROP_OK;
}

/* [MS-OXORULE] 2.2.4.1.9: NamedPropertyInformation, RuleVersion,
 * RuleActionsBuffer (a RuleAction with 32-bit counts). */
enum rop_err rule_ext_actions_pull(TALLOC_CTX *mem_ctx, const uint8_t *data, size_t len,
                                   struct rule_ext_actions **ext_r)
{
	struct rule_ext_actions *ext = talloc_zero(mem_ctx, struct rule_ext_actions);
	struct rop_pull p;
	enum rop_err err;

	if (ext == NULL)
		return ROP_E_NOMEM;
	rop_pull_init(&p, ext, data, len);
	err = pull_named_props(&p, &ext->named);
	if (err == ROP_OK)
		err = rop_pull_u32(&p, &ext->version);
	if (err == ROP_OK && ext->version != RULE_EXT_VERSION)
		err = ROP_E_UNSUPPORTED;
	if (err == ROP_OK)
		err = rule_actions_pull(&p, ROP_COUNT_WIDTH_32, ext, &ext->actions);
	return ext_pull_finish(&p, err, ext, (void **)ext_r);
}

enum rop_err rule_ext_actions_push(struct rop_push *p, const struct rule_ext_actions *ext)
{
	size_t mark = rop_push_mark(p);
	enum rop_err err = ext->actions != NULL ? ROP_OK : ROP_E_INVALID;

	if (err == ROP_OK)
		err = push_named_props(p, &ext->named);
	if (err == ROP_OK)
		err = rop_push_u32(p, ext->version);
	if (err == ROP_OK)
		err = rule_actions_push(p, ROP_COUNT_WIDTH_32, ext->actions);
	if (err != ROP_OK)
		rop_push_rewind(p, mark);
	return err;
}

/* [MS-OXORULE] 2.2.4.1.10: NamedPropertyInformation, RuleRestriction
 * (a restriction with 32-bit counts). */
enum rop_err rule_ext_condition_pull(TALLOC_CTX *mem_ctx, const uint8_t *data, size_t len,
                                     struct rule_ext_condition **ext_r)
{
	struct rule_ext_condition *ext = talloc_zero(mem_ctx, struct rule_ext_condition);
	struct rop_pull p;
	enum rop_err err;

	if (ext == NULL)
		return ROP_E_NOMEM;
	rop_pull_init(&p, ext, data, len);
	err = pull_named_props(&p, &ext->named);
	if (err == ROP_OK) {
		ext->res = talloc_zero(ext, struct mapi_restriction);
		err = ext->res == NULL ? ROP_E_NOMEM : ROP_OK;
	}
	if (err == ROP_OK)
		err = rop_pull_restriction(&p, ROP_COUNT_WIDTH_32, ext->res);
	return ext_pull_finish(&p, err, ext, (void **)ext_r);
}

enum rop_err rule_ext_condition_push(struct rop_push *p, const struct rule_ext_condition *ext)
{
	size_t mark = rop_push_mark(p);
	enum rop_err err = ext->res != NULL ? ROP_OK : ROP_E_INVALID;

	if (err == ROP_OK)
		err = push_named_props(p, &ext->named);
	if (err == ROP_OK)
		err = rop_push_restriction(p, ROP_COUNT_WIDTH_32, ext->res);
	if (err != ROP_OK)
		rop_push_rewind(p, mark);
	return err;
}
