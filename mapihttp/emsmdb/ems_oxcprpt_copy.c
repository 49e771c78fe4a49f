/*
 * RopCopyProperties ([MS-OXCPRPT] 3.2.5.10) and RopCopyTo (3.2.5.8):
 * properties from the source object to a destination of the same kind,
 * optionally moved (deleted from the source) or without overwriting; a
 * message's recipients and attachments with RopCopyTo's WantSubObjects
 * (unless PidTagMessageRecipients / PidTagMessageAttachments are excluded)
 * or when RopCopyProperties lists them, as a FastTransfer copy takes
 * subobjects ([MS-OXCFXICS] 3.2.5.8.1.1, 3.2.5.8.1.2).  A folder's
 * subfolders and messages are not copied this way (ecNotSupported).
 */
#include <string.h>

#include "ems_private.h"
#include "log.h"

/* [MS-OXCPRPT] 2.2.10.1 / 2.2.11.1 CopyFlags */
#define COPY_MOVE         0x01
#define COPY_NO_OVERWRITE 0x02
/* [MS-OXPROPS] PidTagAttachDataObject: an attachment's embedded message */
#define PR_ATTACH_DATA_OBJ PROP_TAG(PT_OBJECT, 0x3701)
/* [MS-OXPROPS] PidTagMessageRecipients, PidTagMessageAttachments: a
 * message's recipient and attachment subobjects */
#define PR_MESSAGE_RECIPIENTS  PROP_TAG(PT_OBJECT, 0x0E12)
#define PR_MESSAGE_ATTACHMENTS PROP_TAG(PT_OBJECT, 0x0E13)
/* [MS-OXPROPS] PidTagParentFolderId */
#define PR_PARENT_FID PROP_TAG(PT_I8, 0x6749)

static bool listed(const struct mapi_proptag_array *tags, uint32_t tag)
{
	for (uint32_t i = 0; tags != NULL && i < tags->count; i++) {
		if (PROP_ID(tags->tags[i]) == PROP_ID(tag))
			return true;
	}
	return false;
}

static struct store_mailbox *mailbox_of(const struct ems_object *obj)
{
	return obj->logon != NULL ? obj->logon->mbox : NULL;
}

/* Whether src and dst are one message or folder (through two handles). */
static bool same_object(const struct ems_object *src, const struct ems_object *dst)
{
	if (src == dst)
		return true;
	if (mailbox_of(src) != mailbox_of(dst))
		return false;
	if (src->type == EMS_OBJ_FOLDER)
		return src->u.fid == dst->u.fid;
	if (src->type == EMS_OBJ_MESSAGE && !src->u.message.embedded)
		return store_message_mid(src->u.message.msg) != 0 &&
		       store_message_mid(src->u.message.msg) ==
		           store_message_mid(dst->u.message.msg);
	return false;
}

/* Whether obj was opened under outer: an attachment, embedded message or
 * their own under a message or attachment (objects hang off the object
 * they were opened from, ems_object_new). */
static bool opened_under(const struct ems_object *outer, const struct ems_object *obj)
{
	for (const void *p = talloc_parent(obj); p != NULL; p = talloc_parent(p)) {
		if (p == outer)
			return true;
	}
	return false;
}

/* Whether folder fid is top or lies below it, following
 * PidTagParentFolderId up to the root. */
static bool folder_below(struct ems_rop_ctx *c, struct store_mailbox *mbox, uint64_t top,
                         uint64_t fid)
{
	uint32_t tag = PR_PARENT_FID;
	struct mapi_proptag_array one = {1, &tag};

	for (int depth = 0; fid != 0 && depth < 1024; depth++) {
		struct mapi_propval_array v;
		if (fid == top)
			return true;
		if (store_folder_get_props(c->mem, mbox, fid, &one, &v) != 0 || v.count != 1 ||
		    v.vals[0].tag != PR_PARENT_FID || (uint64_t)v.vals[0].v.i64 == fid)
			return false;
		fid = (uint64_t)v.vals[0].v.i64;
	}
	return false;
}

/* The destination checks both ROPs share; 0 or the ReturnValue.  Nothing
 * is changed when one fails. */
static uint32_t check_dest(struct ems_rop_ctx *c, const struct rop_request *req,
                           struct rop_problems_resp *r, uint8_t flags)
{
	if (c->dest == NULL) {
		/* [MS-OXCROPS] 2.2.8.11.3: the ecDstNullObject form */
		r->dest_handle_index = req->dest_handle;
		return EC_NullDestinationObject;
	}
	/* [MS-OXCPRPT] 2.2.10: source and destination of the same type */
	if (c->dest->type != c->in->type || c->in->type == EMS_OBJ_LOGON)
		return EC_NotSupported;
	if ((flags & ~(COPY_MOVE | COPY_NO_OVERWRITE)) != 0)
		return EC_InvalidParameter;
	/* an object copied onto itself */
	if (same_object(c->in, c->dest))
		return EC_InvalidParameter;
	/* [MS-OXCDATA] 2.4 ecMsgCycle: the source message (or attachment)
	 * contains the destination */
	if (c->in->type != EMS_OBJ_FOLDER && opened_under(c->in, c->dest))
		return EC_MessageCycle;
	/* an attachment is written through its message's instance */
	if (c->dest->type == EMS_OBJ_ATTACH && !c->dest->u.attach.message->u.message.read_write)
		return EC_AccessDenied;
	if (c->dest->type == EMS_OBJ_MESSAGE && !c->dest->u.message.read_write)
		return EC_AccessDenied;
	/* a move deletes from the source: it must be writable */
	if ((flags & COPY_MOVE) && c->in->type == EMS_OBJ_MESSAGE && !c->in->u.message.read_write)
		return EC_AccessDenied;
	/* attachments' properties are not deleted here (ems_props_delete):
	 * refused before anything is copied rather than half done */
	if ((flags & COPY_MOVE) && c->in->type == EMS_OBJ_ATTACH)
		return EC_NotSupported;
	return 0;
}

/* Whether the destination has a value of tag's property already. */
static bool present(const struct mapi_propval_array *have, uint32_t tag)
{
	for (uint32_t k = 0; k < have->count; k++) {
		if (PROP_ID(have->vals[k].tag) == PROP_ID(tag) &&
		    PROP_TYPE(have->vals[k].tag) != PT_ERROR)
			return true;
	}
	return false;
}

/* Copies vals to the destination per flags; the problems answered.  vals
 * keeps the values copied, with the source's tags (for a move). */
static uint32_t copy_values(struct ems_rop_ctx *c, struct mapi_propval_array *vals, uint8_t flags,
                            bool drop_computed, struct rop_problems_resp *r)
{
	struct rop_property_problem_array *pr = &r->problems;
	struct mapi_propval_array have, put;
	uint32_t n = 0, ec, *tags, *index;
	uint32_t size = vals->count ? vals->count : 1;

	put.vals = talloc_array(c->mem, struct mapi_propval, size);
	tags = talloc_array(c->mem, uint32_t, size);
	index = talloc_array(c->mem, uint32_t, size);
	if (put.vals == NULL || tags == NULL || index == NULL)
		return EC_OutOfMemory;
	if (flags & COPY_NO_OVERWRITE) {
		ec = ems_props_get(c->mem, c->dest, NULL, true, &have);
		if (ec != 0)
			return ec;
	}
	for (uint32_t i = 0; i < vals->count; i++)
		tags[i] = vals->vals[i].tag;
	/* [MS-OXCPRPT] 2.2.12: a named property's ID is its mailbox's; the
	 * destination's ID for the same name (created when new) takes the
	 * value, as RopGetNamesFromPropertyIds on the source (3.2.5.9) and
	 * RopGetPropertyIdsFromNames with Create on the destination (2.2.12)
	 * would give it */
	ec = ems_ec_from_store(
	    ems_named_map_tags(c->mem, mailbox_of(c->in), mailbox_of(c->dest), vals->count, tags));
	if (ec != 0)
		return ec;
	put.count = 0;
	for (uint32_t i = 0; i < vals->count; i++) {
		struct mapi_propval *v = &vals->vals[i];
		/* an error value, or an ID no name maps (no mailbox could have it) */
		if (PROP_TYPE(v->tag) == PT_ERROR || tags[i] == 0)
			continue;
		if ((flags & COPY_NO_OVERWRITE) && present(&have, tags[i]))
			continue;
		index[put.count] = i;
		put.vals[put.count] = *v;
		put.vals[put.count++].tag = tags[i];
		vals->vals[n++] = *v;
	}
	vals->count = n;
	ec = ems_props_set(c->mem, c->dest, &put, pr);
	if (ec != 0)
		return ec;
	/* a problem names the property as the request did: its index among
	 * the source's values and the source's tag */
	for (uint32_t i = 0; i < pr->count; i++) {
		uint32_t k = pr->problems[i].index;
		if (k < put.count) {
			pr->problems[i].index = (uint16_t)index[k];
			pr->problems[i].proptag = vals->vals[k].tag;
		}
	}
	if (!drop_computed)
		return 0;
	/* the source's computed properties (IDs, keys) are not the
	 * client's to copy and are not reported */
	n = 0;
	for (uint32_t i = 0; i < pr->count; i++) {
		if (pr->problems[i].err != EC_AccessDenied)
			pr->problems[n++] = pr->problems[i];
	}
	pr->count = (uint16_t)n;
	return 0;
}

/* An attachment's embedded message ([MS-OXCMSG] 2.2.2.9 afEmbeddedMessage)
 * is its PidTagAttachDataObject: copied with it as the message it is
 * (properties, recipients, attachments, named IDs mapped), replacing the
 * destination's unless NoOverwrite keeps it. */
static uint32_t copy_attach_embedded(struct ems_rop_ctx *c, uint8_t flags)
{
	struct ems_object *src = c->in->u.attach.message, *dst = c->dest->u.attach.message;

	return ems_ec_from_store(ems_attach_copy_embedded(
	    c->mem, mailbox_of(c->in), src->u.message.msg, c->in->u.attach.attach_num,
	    mailbox_of(c->dest), dst->u.message.msg, c->dest->u.attach.attach_num,
	    (flags & COPY_NO_OVERWRITE) != 0));
}

/* The subobjects of a message copied into the destination message
 * (EMS_PARTS_*), its recipients and attachments with their embedded
 * messages. */
static uint32_t copy_parts(struct ems_rop_ctx *c, unsigned parts)
{
	if (parts == 0)
		return 0;
	return ems_ec_from_store(ems_message_copy_some(c->mem, mailbox_of(c->in),
	                                               c->in->u.message.msg, mailbox_of(c->dest),
	                                               c->dest->u.message.msg, parts));
}

/* Whether the copy reported a problem with tag (not copied, so kept). */
static bool had_problem(const struct rop_problems_resp *r, uint32_t tag)
{
	for (uint32_t i = 0; i < r->problems.count; i++) {
		if (r->problems.problems[i].proptag == tag)
			return true;
	}
	return false;
}

/* A move deletes what was copied from the source: the properties (the
 * computed ones, refused with ecAccessDenied, stay; the ones the
 * destination refused stay too) and the subobjects copied (parts). */
static uint32_t delete_moved(struct ems_rop_ctx *c, const struct mapi_propval_array *vals,
                             const struct rop_problems_resp *r, unsigned parts)
{
	struct rop_property_problem_array pr;

	for (uint32_t i = 0; i < vals->count; i++) {
		uint32_t tag = vals->vals[i].tag;
		struct mapi_proptag_array one = {1, &tag};
		if (had_problem(r, tag))
			continue;
		uint32_t ec = ems_props_delete(c->mem, c->in, &one, &pr);
		if (ec != 0 && ec != EC_AccessDenied)
			return ec;
	}
	if (parts == 0)
		return 0;
	return ems_ec_from_store(ems_message_drop_parts(c->mem, c->in->u.message.msg, parts));
}

/* [MS-OXCPRPT] 3.2.5.10 */
uint32_t ems_rop_copy_properties(struct ems_rop_ctx *c, const struct rop_request *req,
                                 struct rop_response *resp)
{
	const struct rop_copy_properties_req *q = &req->u.copy_properties;
	struct rop_problems_resp *r = &resp->u.copy_properties;
	struct mapi_propval_array vals;
	unsigned parts = 0;
	uint32_t ec = check_dest(c, req, r, q->copy_flags);

	if (ec != 0)
		return ec;
	/* a message's subobjects when their properties are listed
	 * ([MS-OXCFXICS] 3.2.5.8.1.2: not copied unless listed) */
	if (c->in->type == EMS_OBJ_MESSAGE && listed(&q->tags, PR_MESSAGE_RECIPIENTS))
		parts |= EMS_PARTS_RECIPIENTS;
	if (c->in->type == EMS_OBJ_MESSAGE && listed(&q->tags, PR_MESSAGE_ATTACHMENTS))
		parts |= EMS_PARTS_ATTACHMENTS;
	ec = ems_props_get(c->mem, c->in, &q->tags, true, &vals);
	if (ec == 0)
		ec = copy_values(c, &vals, q->copy_flags, false, r);
	/* the embedded message when PidTagAttachDataObject is asked for */
	if (ec == 0 && c->in->type == EMS_OBJ_ATTACH && listed(&q->tags, PR_ATTACH_DATA_OBJ))
		ec = copy_attach_embedded(c, q->copy_flags);
	if (ec == 0)
		ec = copy_parts(c, parts);
	if (ec == 0 && (q->copy_flags & COPY_MOVE))
		ec = delete_moved(c, &vals, r, parts);
	return ec;
}

/* The values RopCopyTo copies: the source's, less the excluded ones and
 * its identity. */
static uint32_t copy_to_values(struct ems_rop_ctx *c, const struct rop_copy_to_req *q,
                               struct mapi_propval_array *vals)
{
	uint32_t n = 0, ec = ems_props_get(c->mem, c->in, NULL, true, vals);

	if (ec != 0)
		return ec;
	for (uint32_t i = 0; i < vals->count; i++) {
		uint16_t id = PROP_ID(vals->vals[i].tag);
		/* [MS-OXCFXICS] 2.2.1.2: the source key, change key and PCL
		 * name the source object; the destination keeps its own */
		if (id == 0x65E0 || id == 0x65E2 || id == 0x65E3)
			continue;
		if (!listed(&q->excluded_tags, vals->vals[i].tag))
			vals->vals[n++] = vals->vals[i];
	}
	vals->count = n;
	return 0;
}

/* [MS-OXCPRPT] 3.2.5.8 */
uint32_t ems_rop_copy_to(struct ems_rop_ctx *c, const struct rop_request *req,
                         struct rop_response *resp)
{
	const struct rop_copy_to_req *q = &req->u.copy_to;
	struct rop_problems_resp *r = &resp->u.copy_to;
	struct mapi_propval_array vals;
	unsigned parts = 0;
	uint32_t ec = check_dest(c, req, r, (uint8_t)q->copy_flags);

	if (ec == 0 && q->copy_flags > 0xFF)
		ec = EC_InvalidParameter;
	if (ec != 0)
		return ec;
	if (q->want_sub_objects && c->in->type == EMS_OBJ_FOLDER) {
		/* [MS-OXCDATA] 2.4 ecFolderCycle: the source folder would be
		 * copied into its own subtree */
		if (mailbox_of(c->in) == mailbox_of(c->dest) &&
		    folder_below(c, mailbox_of(c->in), c->in->u.fid, c->dest->u.fid))
			return EC_FolderCycle;
		/* a folder's subfolders and messages are not copied this way
		 * here (README, not supported) */
		log_info(EMS_LOG, "RopCopyTo of a folder with WantSubObjects: not supported");
		return EC_NotSupported;
	}
	/* [MS-OXCPRPT] 2.2.11: WantSubObjects copies a message's recipients
	 * and attachments; one whose property is excluded is not
	 * ([MS-OXCFXICS] 3.2.5.8.1.1: subobjects are copied unless listed) */
	if (q->want_sub_objects && c->in->type == EMS_OBJ_MESSAGE) {
		if (!listed(&q->excluded_tags, PR_MESSAGE_RECIPIENTS))
			parts |= EMS_PARTS_RECIPIENTS;
		if (!listed(&q->excluded_tags, PR_MESSAGE_ATTACHMENTS))
			parts |= EMS_PARTS_ATTACHMENTS;
	}
	ec = copy_to_values(c, q, &vals);
	if (ec == 0)
		ec = copy_values(c, &vals, (uint8_t)q->copy_flags, true, r);
	/* an attachment's embedded message unless PidTagAttachDataObject is
	 * excluded (as a FastTransfer copy of an attachment always takes its
	 * subobjects, [MS-OXCFXICS] 2.2.3.1.1.1.1 Level) */
	if (ec == 0 && c->in->type == EMS_OBJ_ATTACH &&
	    !listed(&q->excluded_tags, PR_ATTACH_DATA_OBJ))
		ec = copy_attach_embedded(c, (uint8_t)q->copy_flags);
	if (ec == 0)
		ec = copy_parts(c, parts);
	/* [MS-OXCPRPT] 2.2.11.1 Move: the source is left without what was
	 * copied, its subobjects included */
	if (ec == 0 && (q->copy_flags & COPY_MOVE))
		ec = delete_moved(c, &vals, r, parts);
	return ec;
}
