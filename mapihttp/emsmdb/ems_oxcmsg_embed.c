/*
 * RopOpenEmbeddedMessage ([MS-OXCMSG] 2.2.3.16) over the store's embedded
 * messages (store_message_open_embedded()).
 *
 * The embedded message is a message object below its attachment object:
 * properties, recipients, attachments and streams work as on any message.
 * RopSaveChangesMessage on it writes it into the attachment of the parent
 * instance; RopSaveChangesAttachment and the parent's RopSaveChangesMessage
 * make it durable (an embedded message is committed with its parent).
 */
#include <string.h>

#include "ems_private.h"

/* [MS-OXCMSG] 2.2.3.16.1 OpenModeFlags */
#define EMBED_READ_ONLY  0x00
#define EMBED_READ_WRITE 0x01
#define EMBED_CREATE     0x02

uint32_t ems_rop_open_embedded_message(struct ems_rop_ctx *c, const struct rop_request *req,
                                       struct rop_response *resp)
{
	const struct rop_open_embedded_message_req *q = &req->u.open_embedded_message;
	struct rop_open_embedded_message_resp *r = &resp->u.open_embedded_message;
	struct ems_object *parent = c->in->u.attach.message, *obj;
	struct rop_open_message_resp summary;
	bool write = (q->open_mode_flags & (EMBED_READ_WRITE | EMBED_CREATE)) != 0;
	uint32_t ec;
	int ret;

	if ((q->open_mode_flags & ~(EMBED_READ_WRITE | EMBED_CREATE)) != 0)
		return EC_InvalidParameter;
	/* writing needs a writable parent instance */
	if (write && !parent->u.message.read_write)
		return EC_AccessDenied;
	obj = ems_object_new(c->s, c->in, EMS_OBJ_MESSAGE, c->logon, &ec);
	if (obj == NULL)
		return ec;
	/* Create makes an empty message when the attachment holds none; without
	 * it a missing message is ecNotFound */
	ret = store_message_open_embedded(obj, parent->u.message.msg, c->in->u.attach.attach_num,
	                                  (q->open_mode_flags & EMBED_CREATE) != 0,
	                                  &obj->u.message.msg);
	if (ret != 0) {
		ems_object_release(obj);
		return ems_ec_from_store(ret);
	}
	obj->u.message.fid = parent->u.message.fid;
	obj->u.message.read_write = write;
	obj->u.message.embedded = true;
	memset(&summary, 0, sizeof(summary));
	ec = ems_message_summary(c, obj, &summary);
	if (ec != 0) {
		ems_object_release(obj);
		return ec;
	}
	/* [MS-OXCMSG] 2.2.3.16.2: an embedded message has no ID of a folder's
	 * message; the store gives it none, so MessageId is 0 */
	r->reserved = 0;
	r->message_id = store_message_mid(obj->u.message.msg);
	r->has_named_properties = summary.has_named_properties;
	r->subject_prefix = summary.subject_prefix;
	r->normalized_subject = summary.normalized_subject;
	r->recipient_count = summary.recipient_count;
	r->recipient_columns = summary.recipient_columns;
	r->recipient_rows = summary.recipient_rows;
	c->out = obj;
	return 0;
}
