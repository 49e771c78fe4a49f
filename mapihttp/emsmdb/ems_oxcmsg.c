/*
 * Message ROPs ([MS-OXCMSG] 3.2.5): create, open, save, read flags,
 * attachments; and the message operations on folders of [MS-OXCFOLD]
 * (delete, move/copy, empty) that act on messages.
 */
#include <string.h>

#include "ems_private.h"
#include "ems_table.h"

static uint32_t folder_exists(TALLOC_CTX *mem, struct store_mailbox *mbox, uint64_t fid)
{
	struct mapi_proptag_array none = {0, NULL};
	struct mapi_propval_array vals;

	return ems_ec_from_store(store_folder_get_props(mem, mbox, fid, &none, &vals));
}

/* [MS-OXCMSG] 3.2.5.2 */
uint32_t ems_rop_create_message(struct ems_rop_ctx *c, const struct rop_request *req,
                                struct rop_response *resp)
{
	const struct rop_create_message_req *q = &req->u.create_message;
	struct ems_object *obj;
	uint32_t ec = folder_exists(c->mem, c->logon->mbox, q->folder_id);
	int ret;

	if (ec != 0)
		return ec;
	obj = ems_object_new(c->s, c->in, EMS_OBJ_MESSAGE, c->logon, &ec);
	if (obj == NULL)
		return ec;
	ret = store_message_create(obj, c->logon->mbox, q->folder_id, q->associated_flag != 0,
	                           &obj->u.message.msg);
	/* [MS-OXCMSG] 3.2.5.2: PidTagSearchKey is server-generated when the
	 * message is created */
	if (ret == 0) {
		struct mapi_propval_array none = {0, NULL};
		ret = ems_search_key_ensure(obj->u.message.msg, &none);
	}
	if (ret != 0) {
		ems_object_release(obj);
		return ems_ec_from_store(ret);
	}
	obj->u.message.fid = q->folder_id;
	obj->u.message.read_write = true;
	/* [MS-OXCMSG] 2.2.3.2.2: no ID until the first save */
	resp->u.create_message.has_message_id = 0;
	c->out = obj;
	return 0;
}

#define PR_SUBJECT_PREFIX     PROP_TAG(PT_UNICODE, 0x003D)
#define PR_NORMALIZED_SUBJECT PROP_TAG(PT_UNICODE, 0x0E1D)
#define PR_SUBJECT            PROP_TAG(PT_UNICODE, 0x0037)

/* [MS-OXCROPS] 2.2.6.1.2 TypedString: 0x00 absent, 0x01 empty, 0x04 UTF-16 */
static void typed_string(const struct mapi_propval *v, struct rop_typed_string *ts)
{
	if (PROP_TYPE(v->tag) != PT_UNICODE) {
		ts->type = 0x00;
		ts->str = NULL;
	} else if (v->v.str[0] == '\0') {
		ts->type = 0x01;
		ts->str = NULL;
	} else {
		ts->type = 0x04;
		ts->str = v->v.str;
	}
}

/* [MS-OXCMSG] 2.2.1.10: without a stored PidTagNormalizedSubject it is
 * PidTagSubject less its PidTagSubjectPrefix.  v: prefix, normalized,
 * subject. */
static void normalized_subject(struct mapi_propval *v)
{
	const char *subj = v[2].v.str;

	if (PROP_TYPE(v[1].tag) == PT_UNICODE || PROP_TYPE(v[2].tag) != PT_UNICODE)
		return;
	if (PROP_TYPE(v[0].tag) == PT_UNICODE && strncmp(subj, v[0].v.str, strlen(v[0].v.str)) == 0)
		subj += strlen(v[0].v.str);
	v[1].tag = PR_NORMALIZED_SUBJECT;
	v[1].v.str = (char *)subj;
}

/* OpenMessage's summary of the instance ([MS-OXCMSG] 2.2.3.1.2). */
uint32_t ems_message_summary(struct ems_rop_ctx *c, struct ems_object *obj,
                             struct rop_open_message_resp *r)
{
	uint32_t tags[] = {PR_SUBJECT_PREFIX, PR_NORMALIZED_SUBJECT, PR_SUBJECT};
	struct mapi_proptag_array ta = {3, tags};
	struct mapi_propval_array vals, all;
	uint32_t count = 0, *row_ids;
	struct mapi_propval_array *rows;
	uint32_t ec;

	ec = ems_props_get(c->mem, obj, &ta, true, &vals);
	if (ec == 0)
		ec = ems_props_get(c->mem, obj, NULL, true, &all);
	if (ec != 0)
		return ec;
	normalized_subject(vals.vals);
	typed_string(&vals.vals[0], &r->subject_prefix);
	typed_string(&vals.vals[1], &r->normalized_subject);
	r->has_named_properties = 0;
	for (uint32_t i = 0; i < all.count; i++) {
		if (PROP_ID(all.vals[i].tag) >= FIRST_NAMED_PROP_ID)
			r->has_named_properties = 1;
	}
	if (store_message_get_recipients(c->mem, obj->u.message.msg, &count, &row_ids, &rows) != 0)
		count = 0;
	/* [MS-OXCMSG] 2.2.3.1.2: RecipientCount is all of them; the rows that
	 * fit in half the room travel here (no RecipientColumns), the client
	 * reads the rest with RopReadRecipients */
	r->recipient_count = (uint16_t)(count > 0xFFFF ? 0xFFFF : count);
	r->recipient_columns.count = 0;
	return ems_recipient_rows(c, obj->u.message.msg, 0, c->space / 2, false,
	                          &r->recipient_rows);
}

#define OPEN_READ_WRITE   0x01
#define OPEN_BEST_ACCESS  0x03
#define OPEN_SOFT_DELETED 0x04

/* [MS-OXCMSG] 3.2.5.1 */
uint32_t ems_rop_open_message(struct ems_rop_ctx *c, const struct rop_request *req,
                              struct rop_response *resp)
{
	const struct rop_open_message_req *q = &req->u.open_message;
	struct ems_object *obj;
	uint32_t ec;
	int ret;

	if ((q->open_mode_flags & ~(OPEN_BEST_ACCESS | OPEN_SOFT_DELETED)) != 0)
		return EC_InvalidParameter;
	obj = ems_object_new(c->s, c->in, EMS_OBJ_MESSAGE, c->logon, &ec);
	if (obj == NULL)
		return ec;
	ret = store_message_open(obj, c->logon->mbox, q->folder_id, q->message_id,
	                         &obj->u.message.msg);
	if (ret != 0) {
		ems_object_release(obj);
		return ems_ec_from_store(ret);
	}
	obj->u.message.fid = q->folder_id;
	/* the owner may always write: BestAccess opens read-write */
	obj->u.message.read_write = (q->open_mode_flags & OPEN_READ_WRITE) != 0;
	ec = ems_message_summary(c, obj, &resp->u.open_message);
	if (ec != 0) {
		ems_object_release(obj);
		return ec;
	}
	c->out = obj;
	return 0;
}

#define SAVE_KEEP_OPEN_READ_ONLY  0x01
#define SAVE_KEEP_OPEN_READ_WRITE 0x02
#define SAVE_FORCE_SAVE           0x04

/* [MS-OXCMSG] 3.2.5.3 */
uint32_t ems_rop_save_changes_message(struct ems_rop_ctx *c, const struct rop_request *req,
                                      struct rop_response *resp)
{
	struct ems_message *m = &c->in->u.message;
	uint8_t flags = req->u.save_changes_message.save_flags;
	int ret;

	if (!m->read_write || m->saved_closed)
		return EC_AccessDenied;
	if ((flags & ~(SAVE_KEEP_OPEN_READ_ONLY | SAVE_KEEP_OPEN_READ_WRITE | SAVE_FORCE_SAVE)) !=
	    0)
		return EC_InvalidParameter;
	ret = store_message_save(m->msg, true);
	if (ret != 0)
		return ems_ec_from_store(ret);
	/* KeepOpenReadWrite keeps saving possible; otherwise the instance
	 * stays open for reading only ([MS-OXCMSG] 2.2.3.3.1) */
	if ((flags & SAVE_KEEP_OPEN_READ_WRITE) == 0)
		m->read_write = false;
	resp->u.save_changes_message.input_handle_index = req->input_handle;
	resp->u.save_changes_message.message_id = store_message_mid(m->msg);
	return 0;
}

/* [MS-OXCMSG] 3.2.5.4 */
uint32_t ems_rop_remove_all_recipients(struct ems_rop_ctx *c, const struct rop_request *req,
                                       struct rop_response *resp)
{
	struct ems_message *m = &c->in->u.message;
	struct mapi_propval_array *rows, *empty;
	uint32_t count = 0, *row_ids;
	int ret;

	if (!m->read_write)
		return EC_AccessDenied;
	ret = store_message_get_recipients(c->mem, m->msg, &count, &row_ids, &rows);
	if (ret != 0 || count == 0)
		return ems_ec_from_store(ret);
	empty = talloc_zero_array(c->mem, struct mapi_propval_array, count);
	if (empty == NULL)
		return EC_OutOfMemory;
	return ems_ec_from_store(store_message_modify_recipients(m->msg, count, row_ids, empty));
}

#define PR_MESSAGE_FLAGS         PROP_TAG(PT_LONG, 0x0E07)
#define MSGFLAG_READ             0x00000001
#define RF_CLEAR_READ_FLAG       0x04
#define RF_GENERATE_RECEIPT_ONLY 0x10
#define RF_CLEAR_NOTIFY_READ     0x20
#define RF_CLEAR_NOTIFY_UNREAD   0x40

/* [MS-OXCMSG] 3.2.5.11 */
uint32_t ems_rop_set_message_read_flag(struct ems_rop_ctx *c, const struct rop_request *req,
                                       struct rop_response *resp)
{
	struct ems_message *m = &c->in->u.message;
	uint8_t rf = req->u.set_message_read_flag.read_flags;
	uint32_t tag = PR_MESSAGE_FLAGS;
	struct mapi_proptag_array ta = {1, &tag};
	struct mapi_propval_array vals;
	uint64_t mid = store_message_mid(m->msg);
	bool read = (rf & RF_CLEAR_READ_FLAG) == 0;
	int32_t flags;
	uint32_t ec;
	int ret;

	if ((rf & ~(0x01 | RF_CLEAR_READ_FLAG | RF_GENERATE_RECEIPT_ONLY | RF_CLEAR_NOTIFY_READ |
	            RF_CLEAR_NOTIFY_UNREAD)) != 0)
		return EC_InvalidParameter;
	ec = ems_props_get(c->mem, c->in, &ta, true, &vals);
	if (ec != 0)
		return ec;
	flags = PROP_TYPE(vals.vals[0].tag) == PT_LONG ? vals.vals[0].v.i32 : 0;
	/* only receipts are asked: the flag is left */
	if ((rf & (RF_GENERATE_RECEIPT_ONLY | RF_CLEAR_NOTIFY_READ | RF_CLEAR_NOTIFY_UNREAD)) ==
	        0 &&
	    ((flags & MSGFLAG_READ) != 0) != read) {
		if (mid != 0)
			ret = store_messages_set_read(c->logon->mbox, m->fid, &mid, 1, read);
		else {
			struct mapi_propval v = {.tag = tag};
			struct mapi_propval_array one = {1, &v};
			v.v.i32 = read ? (flags | MSGFLAG_READ) : (flags & ~MSGFLAG_READ);
			ret = store_message_set_props(m->msg, &one);
		}
		if (ret != 0)
			return ems_ec_from_store(ret);
		if (mid != 0) {
			/* the instance sees its own change ([MS-OXCMSG] 3.2.5.11) */
			struct mapi_propval v = {.tag = tag};
			struct mapi_propval_array one = {1, &v};
			v.v.i32 = read ? (flags | MSGFLAG_READ) : (flags & ~MSGFLAG_READ);
			store_message_set_props(m->msg, &one);
		}
	}
	/* [MS-OXCMSG] 2.2.3.11.2: the LogonId/ClientData form is for public
	 * folder logons, which this server does not serve */
	resp->u.set_message_read_flag.read_status_changed = 0;
	return 0;
}

static uint32_t mid_list(const struct rop_id_array *ids, const uint64_t **mids_r)
{
	*mids_r = ids->ids;
	return ids->count;
}

/* [MS-OXCMSG] 3.2.5.10 */
uint32_t ems_rop_set_read_flags(struct ems_rop_ctx *c, const struct rop_request *req,
                                struct rop_response *resp)
{
	const struct rop_set_read_flags_req *q = &req->u.set_read_flags;
	const uint64_t *mids;
	uint32_t n = mid_list(&q->message_ids, &mids);
	int ret;

	resp->u.set_read_flags.partial_completion = 0;
	if (q->read_flags &
	    (RF_GENERATE_RECEIPT_ONLY | RF_CLEAR_NOTIFY_READ | RF_CLEAR_NOTIFY_UNREAD))
		return 0;
	ret = store_messages_set_read(c->logon->mbox, c->in->u.fid, mids, n,
	                              (q->read_flags & RF_CLEAR_READ_FLAG) == 0);
	return ems_ec_from_store(ret);
}

static uint32_t delete_messages(struct ems_rop_ctx *c, const struct rop_delete_messages_req *q,
                                unsigned flags, struct rop_partial_resp *r)
{
	const uint64_t *mids;
	uint32_t n = mid_list(&q->message_ids, &mids);
	bool partial = false;
	int ret = store_messages_delete(c->logon->mbox, c->in->u.fid, mids, n, flags, &partial);

	r->partial_completion = partial;
	return ems_ec_from_store(ret);
}

/* [MS-OXCFOLD] 3.2.5.11 */
uint32_t ems_rop_delete_messages(struct ems_rop_ctx *c, const struct rop_request *req,
                                 struct rop_response *resp)
{
	return delete_messages(c, &req->u.delete_messages, 0, &resp->u.delete_messages);
}

/* [MS-OXCFOLD] 3.2.5.12 */
uint32_t ems_rop_hard_delete_messages(struct ems_rop_ctx *c, const struct rop_request *req,
                                      struct rop_response *resp)
{
	return delete_messages(c, &req->u.hard_delete_messages, STORE_DEL_HARD,
	                       &resp->u.hard_delete_messages);
}

/* [MS-OXCFOLD] 3.2.5.6: a null destination answers ecDstNullObject with
 * DestHandleIndex ([MS-OXCROPS] 2.2.4.6.3). */
uint32_t ems_rop_move_copy_messages(struct ems_rop_ctx *c, const struct rop_request *req,
                                    struct rop_response *resp)
{
	const struct rop_move_copy_messages_req *q = &req->u.move_copy_messages;
	struct rop_partial_resp *r = &resp->u.move_copy_messages;
	uint64_t *new_mids;
	const uint64_t *mids;
	uint32_t n = mid_list(&q->message_ids, &mids);
	int ret;

	if (c->dest == NULL || c->dest->logon->mbox != c->logon->mbox) {
		r->dest_handle_index = req->dest_handle;
		return EC_NullDestinationObject;
	}
	new_mids = talloc_zero_array(c->mem, uint64_t, n ? n : 1);
	if (new_mids == NULL)
		return EC_OutOfMemory;
	if (q->want_copy)
		ret = store_messages_copy(c->logon->mbox, c->in->u.fid, c->dest->u.fid, mids, n,
		                          new_mids);
	else
		ret = store_messages_move(c->logon->mbox, c->in->u.fid, c->dest->u.fid, mids, n,
		                          new_mids);
	r->partial_completion = 0;
	for (uint32_t i = 0; i < n && ret == 0; i++) {
		if (new_mids[i] == 0)
			r->partial_completion = 1;
	}
	return ems_ec_from_store(ret);
}

static uint32_t empty_folder(struct ems_rop_ctx *c, const struct rop_empty_folder_req *q,
                             unsigned flags, struct rop_partial_resp *r)
{
	flags |= STORE_DEL_MESSAGES | STORE_DEL_FOLDERS;
	if (q->want_delete_associated)
		flags |= STORE_DEL_ASSOCIATED;
	r->partial_completion = 0;
	return ems_ec_from_store(store_folder_empty(c->logon->mbox, c->in->u.fid, flags));
}

/* [MS-OXCFOLD] 3.2.5.9 */
uint32_t ems_rop_empty_folder(struct ems_rop_ctx *c, const struct rop_request *req,
                              struct rop_response *resp)
{
	return empty_folder(c, &req->u.empty_folder, 0, &resp->u.empty_folder);
}

/* [MS-OXCFOLD] 3.2.5.10 */
uint32_t ems_rop_hard_delete_messages_and_subfolders(struct ems_rop_ctx *c,
                                                     const struct rop_request *req,
                                                     struct rop_response *resp)
{
	return empty_folder(c, &req->u.hard_delete_messages_and_subfolders, STORE_DEL_HARD,
	                    &resp->u.hard_delete_messages_and_subfolders);
}

/* [MS-OXCFOLD] 3.2.5.7: the source handle is the parent folder. */
uint32_t ems_rop_move_folder(struct ems_rop_ctx *c, const struct rop_request *req,
                             struct rop_response *resp)
{
	const struct rop_move_folder_req *q = &req->u.move_folder;

	resp->u.move_folder.partial_completion = 0;
	if (c->dest == NULL) {
		resp->u.move_folder.dest_handle_index = req->dest_handle;
		return EC_NullDestinationObject;
	}
	return ems_ec_from_store(
	    store_folder_move(c->logon->mbox, q->folder_id, c->dest->u.fid, q->new_folder_name));
}

/* [MS-OXCFOLD] 3.2.5.8 */
uint32_t ems_rop_copy_folder(struct ems_rop_ctx *c, const struct rop_request *req,
                             struct rop_response *resp)
{
	const struct rop_copy_folder_req *q = &req->u.copy_folder;
	uint64_t new_fid;

	resp->u.copy_folder.partial_completion = 0;
	if (c->dest == NULL) {
		resp->u.copy_folder.dest_handle_index = req->dest_handle;
		return EC_NullDestinationObject;
	}
	return ems_ec_from_store(store_folder_copy(c->logon->mbox, q->folder_id, c->dest->u.fid,
	                                           q->new_folder_name, q->want_recursive != 0,
	                                           &new_fid));
}

/* ---- Attachments ([MS-OXCMSG] 3.2.5.12 - 3.2.5.15) ---- */

static uint32_t attach_object(struct ems_rop_ctx *c, uint32_t num, bool created)
{
	uint32_t ec;
	struct ems_object *obj = ems_object_new(c->s, c->in, EMS_OBJ_ATTACH, c->logon, &ec);

	if (obj == NULL)
		return ec;
	obj->u.attach.message = c->in;
	obj->u.attach.attach_num = num;
	obj->u.attach.created = created;
	c->out = obj;
	return 0;
}

/* [MS-OXCMSG] 3.2.5.13 */
uint32_t ems_rop_create_attachment(struct ems_rop_ctx *c, const struct rop_request *req,
                                   struct rop_response *resp)
{
	uint32_t num;
	int ret;

	if (!c->in->u.message.read_write)
		return EC_AccessDenied;
	ret = store_message_attach_create(c->in->u.message.msg, &num);
	if (ret != 0)
		return ems_ec_from_store(ret);
	resp->u.create_attachment.attachment_id = num;
	return attach_object(c, num, true);
}

static bool attach_exists(struct ems_rop_ctx *c, uint32_t num)
{
	uint32_t *nums, count = 0;

	if (store_message_attach_list(c->mem, c->in->u.message.msg, &nums, &count) != 0)
		return false;
	for (uint32_t i = 0; i < count; i++) {
		if (nums[i] == num)
			return true;
	}
	return false;
}

/* [MS-OXCMSG] 3.2.5.12 */
uint32_t ems_rop_open_attachment(struct ems_rop_ctx *c, const struct rop_request *req,
                                 struct rop_response *resp)
{
	uint32_t num = req->u.open_attachment.attachment_id;

	if (!attach_exists(c, num))
		return EC_NotFound;
	return attach_object(c, num, false);
}

/* [MS-OXCMSG] 3.2.5.15: attachment changes belong to the message instance
 * and are stored when the message is saved. */
uint32_t ems_rop_save_changes_attachment(struct ems_rop_ctx *c, const struct rop_request *req,
                                         struct rop_response *resp)
{
	struct ems_object *msg = c->in->u.attach.message;

	if (!msg->u.message.read_write)
		return EC_AccessDenied;
	c->in->u.attach.saved = true;
	return 0;
}

/* [MS-OXCMSG] 3.2.5.14 */
uint32_t ems_rop_delete_attachment(struct ems_rop_ctx *c, const struct rop_request *req,
                                   struct rop_response *resp)
{
	if (!c->in->u.message.read_write)
		return EC_AccessDenied;
	return ems_ec_from_store(store_message_attach_delete(
	    c->in->u.message.msg, req->u.delete_attachment.attachment_id));
}

/* [MS-OXCMSG] 3.2.5.17: TableFlags 0x40 asks for Unicode strings. */
uint32_t ems_rop_get_attachment_table(struct ems_rop_ctx *c, const struct rop_request *req,
                                      struct rop_response *resp)
{
	uint8_t f = req->u.get_attachment_table.table_flags;

	if ((f & ~0x40) != 0)
		return EC_InvalidParameter;
	return ems_table_open_attachments(c, (f & 0x40) != 0);
}

/* [MS-OXCMSG] 3.2.5.7: the OpenMessage summary of the instance again. */
uint32_t ems_rop_reload_cached_information(struct ems_rop_ctx *c, const struct rop_request *req,
                                           struct rop_response *resp)
{
	return ems_message_summary(c, c->in, &resp->u.reload_cached_information);
}

#define PR_MSG_STATUS PROP_TAG(PT_LONG, 0x0E17)

/* PidTagMessageStatus of message mid in the input folder: reads it, and
 * with mask != 0 sets (old & ~mask) | (flags & mask) and saves. */
static uint32_t message_status(struct ems_rop_ctx *c, uint64_t mid, uint32_t flags, uint32_t mask,
                               uint32_t *old_r)
{
	uint32_t tag = PR_MSG_STATUS;
	struct mapi_proptag_array ta = {1, &tag};
	struct mapi_propval_array vals;
	struct store_message *msg;
	int ret = store_message_open(c->mem, c->logon->mbox, c->in->u.fid, mid, &msg);

	if (ret == 0)
		ret = store_message_get_props(c->mem, msg, &ta, &vals);
	if (ret != 0)
		return ems_ec_from_store(ret);
	*old_r = PROP_TYPE(vals.vals[0].tag) == PT_LONG ? (uint32_t)vals.vals[0].v.i32 : 0;
	if (mask != 0) {
		struct mapi_propval v = {.tag = PR_MSG_STATUS};
		struct mapi_propval_array one = {1, &v};
		v.v.i32 = (int32_t)((*old_r & ~mask) | (flags & mask));
		ret = store_message_set_props(msg, &one);
		if (ret == 0)
			ret = store_message_save(msg, false);
	}
	store_message_close(&msg);
	return ems_ec_from_store(ret);
}

/* [MS-OXCMSG] 3.2.5.9 */
uint32_t ems_rop_get_message_status(struct ems_rop_ctx *c, const struct rop_request *req,
                                    struct rop_response *resp)
{
	return message_status(c, req->u.get_message_status.message_id, 0, 0,
	                      &resp->u.get_message_status.message_status_flags);
}

/* [MS-OXCMSG] 3.2.5.8: the answer is the status before the change. */
uint32_t ems_rop_set_message_status(struct ems_rop_ctx *c, const struct rop_request *req,
                                    struct rop_response *resp)
{
	const struct rop_set_message_status_req *q = &req->u.set_message_status;

	return message_status(c, q->message_id, q->message_status_flags, q->message_status_mask,
	                      &resp->u.set_message_status.message_status_flags);
}

/* [MS-OXCMSG] 3.2.5.18: the attachment numbers of the instance. */
uint32_t ems_rop_get_valid_attachments(struct ems_rop_ctx *c, const struct rop_request *req,
                                       struct rop_response *resp)
{
	struct rop_u32_array *a = &resp->u.get_valid_attachments.attachment_ids;
	uint32_t *nums, count = 0;
	int ret = store_message_attach_list(c->mem, c->in->u.message.msg, &nums, &count);

	if (ret != 0)
		return ems_ec_from_store(ret);
	if (count > 0xFFFF)
		count = 0xFFFF;
	a->count = (uint16_t)count;
	a->vals = nums;
	return 0;
}
