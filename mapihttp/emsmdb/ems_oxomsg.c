/*
 * Submission-related ROPs ([MS-OXOMSG] 3.2.5): address types, options
 * data, AbortSubmit, the transport folder, RopTransportNewMail and the
 * spooler ROPs (RopSetSpooler, RopSpoolerLockMessage).
 * RopSubmitMessage and RopTransportSend are in ems_oxomsg_submit.c.
 */
#include "ems_private.h"
#include "log.h"

/* [MS-OXOMSG] 3.2.5.2: the recipient address types the server handles. */
uint32_t ems_rop_get_address_types(struct ems_rop_ctx *c, const struct rop_request *req,
                                   struct rop_response *resp)
{
	struct rop_string_array *a = &resp->u.get_address_types.address_types;
	static const char *const types[] = {"EX", "SMTP"};

	a->strs = talloc_array(c->mem, char *, 2);
	if (a->strs == NULL)
		return EC_OutOfMemory;
	for (unsigned i = 0; i < 2; i++) {
		a->strs[i] = talloc_strdup(a->strs, types[i]);
		if (a->strs[i] == NULL)
			return EC_OutOfMemory;
	}
	a->count = 2;
	return 0;
}

/* [MS-OXOMSG] 2.2.4.4 / 3.2.5.3: no address-type options or help file
 * exist on this server, so the fields are empty (Reserved is 1). */
uint32_t ems_rop_options_data(struct ems_rop_ctx *c, const struct rop_request *req,
                              struct rop_response *resp)
{
	struct rop_options_data_resp *r = &resp->u.options_data;

	r->reserved = 1;
	r->options_info.len = 0;
	r->help_file.len = 0;
	r->help_file_name = NULL;
	return 0;
}

/* [MS-OXOMSG] 3.2.5.2: RopSubmitMessage delivers before it answers, so no
 * message is ever waiting in a queue to be aborted. */
uint32_t ems_rop_abort_submit(struct ems_rop_ctx *c, const struct rop_request *req,
                              struct rop_response *resp)
{
	return EC_NotInQueue;
}

/* [MS-OXOMSG] 3.2.5.5: the transport folder is the Outbox. */
uint32_t ems_rop_get_transport_folder(struct ems_rop_ctx *c, const struct rop_request *req,
                                      struct rop_response *resp)
{
	resp->u.get_transport_folder.folder_id =
	    store_special_fid(c->logon->mbox, STORE_FOLDER_OUTBOX);
	return 0;
}

/* [MS-OXOMSG] 2.2.5.5 RopTransportNewMail: a transport tells the server
 * that message MessageId arrived in FolderId; the server notifies the
 * clients registered for new mail with the given MessageClass.  A message
 * that does not exist there is ecNotFound. */
uint32_t ems_rop_transport_new_mail(struct ems_rop_ctx *c, const struct rop_request *req,
                                    struct rop_response *resp)
{
	const struct rop_transport_new_mail_req *q = &req->u.transport_new_mail;
	struct store_message *msg = NULL;
	int ret = store_message_open(c->mem, c->logon->mbox, q->folder_id, q->message_id, &msg);

	if (ret != 0)
		return ems_ec_from_store(ret);
	store_message_close(&msg);
	log_info(EMS_LOG, "transport new mail user=%s class=%s", c->s->user->address,
	         q->message_class != NULL ? q->message_class : "-");
	store_notify_newmail(
	    c->logon->mbox, q->folder_id, q->message_id,
	    q->message_class != NULL && q->message_class[0] != '\0' ? q->message_class : NULL);
	return 0;
}

/* [MS-OXOMSG] 2.2.5.1: the client tells the server it will act as a mail
 * spooler; multiple clients can, so the ROP succeeds.  Nothing changes on
 * the server: submitted messages never wait for a spooler here. */
uint32_t ems_rop_set_spooler(struct ems_rop_ctx *c, const struct rop_request *req,
                             struct rop_response *resp)
{
	log_debug(EMS_LOG, "set spooler user=%s logon=%u", c->s->user->address,
	          (unsigned)c->logon->logon_id);
	return 0;
}

/* [MS-OXOMSG] 2.2.5.3 LockState */
#define LST_LOCK     0x00
#define LST_UNLOCK   0x01
#define LST_FINISHED 0x02

/* [MS-OXOMSG] 2.2.5.3, 3.2.4.8: a spooler locks a message it found in the
 * Spooler Queue folder (lstLock), then releases it: lstUnlock when some
 * recipients remain, lstFinished when it was sent to all.  RopSubmitMessage
 * delivers before it answers, so no submitted message ever waits there: a
 * message that is not in the Spooler Queue is ecNotFound.  One that a
 * client put there may be locked and released: nothing else on this server
 * processes the queue, so the lock excludes no one (RopAbortSubmit answers
 * ecNotInQueue for every message).  A LockState outside the three values
 * is ecInvalidParameter. */
uint32_t ems_rop_spooler_lock_message(struct ems_rop_ctx *c, const struct rop_request *req,
                                      struct rop_response *resp)
{
	const struct rop_spooler_lock_message_req *q = &req->u.spooler_lock_message;
	uint64_t queue = store_special_fid(c->logon->mbox, STORE_FOLDER_SPOOLER_QUEUE);
	struct store_message *msg = NULL;
	int ret;

	if (q->lock_state > LST_FINISHED) {
		log_info(EMS_LOG, "spooler lock: bad LockState %u user=%s", (unsigned)q->lock_state,
		         c->s->user->address);
		return EC_InvalidParameter;
	}
	ret = store_message_open(c->mem, c->logon->mbox, queue, q->message_id, &msg);
	if (ret != 0)
		return ems_ec_from_store(ret);
	store_message_close(&msg);
	log_debug(EMS_LOG, "spooler lock state=%u user=%s", (unsigned)q->lock_state,
	          c->s->user->address);
	return 0;
}
