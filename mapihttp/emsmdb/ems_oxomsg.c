/*
 * Submission-related ROPs ([MS-OXOMSG] 3.2.5): address types, options
 * data, AbortSubmit, the transport folder and RopTransportNewMail.
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
