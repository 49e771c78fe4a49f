/*
 * RopSubmitMessage ([MS-OXOMSG] 3.2.5.1) with local delivery: the message
 * is saved, a copy is delivered to the receive folder of every recipient
 * whose address names a mailbox of this server, and the sender's copy goes
 * to the folder PidTagSentMailEntryId names (or is deleted with
 * PidTagDeleteAfterSubmit).  There is no transport to other servers
 * (Exchange without a send connector): recipients outside this server get
 * a non-delivery report in the sender's Inbox (ems_oxomsg_ndr.c) and the
 * submission succeeds for the others.
 */
#include <string.h>
#include <strings.h>
#include <time.h>

#include "ems_private.h"
#include "log.h"

#define PR_ADDRTYPE            PROP_TAG(PT_UNICODE, 0x3002)
#define PR_EMAIL_ADDRESS       PROP_TAG(PT_UNICODE, 0x3003)
#define PR_SMTP_ADDRESS        PROP_TAG(PT_UNICODE, 0x39FE)
#define PR_MESSAGE_CLASS       PROP_TAG(PT_UNICODE, 0x001A)
#define PR_MESSAGE_FLAGS       PROP_TAG(PT_LONG, 0x0E07)
#define PR_DELIVERY_TIME       PROP_TAG(PT_SYSTIME, 0x0E06)
#define PR_SUBMIT_TIME         PROP_TAG(PT_SYSTIME, 0x0039)
#define PR_SENDER_NAME         PROP_TAG(PT_UNICODE, 0x0C1A)
#define PR_SENDER_ADDRTYPE     PROP_TAG(PT_UNICODE, 0x0C1E)
#define PR_SENDER_EMAIL        PROP_TAG(PT_UNICODE, 0x0C1F)
#define PR_SENDER_SMTP         PROP_TAG(PT_UNICODE, 0x5D01)
#define PR_SENT_REPR_NAME      PROP_TAG(PT_UNICODE, 0x0042)
#define PR_SENT_REPR_ADDRTYPE  PROP_TAG(PT_UNICODE, 0x0064)
#define PR_SENT_REPR_EMAIL     PROP_TAG(PT_UNICODE, 0x0065)
#define PR_RECEIVED_BY_NAME    PROP_TAG(PT_UNICODE, 0x0040)
#define PR_RECEIVED_BY_EMAIL   PROP_TAG(PT_UNICODE, 0x0076)
#define PR_DELETE_AFTER_SUBMIT PROP_TAG(PT_BOOLEAN, 0x0E01)
#define PR_SENTMAIL_ENTRYID    PROP_TAG(PT_BINARY, 0x0E0A)
#define PR_ASSOCIATED          PROP_TAG(PT_BOOLEAN, 0x67AA)
#define PR_DEFERRED_SEND_TIME  PROP_TAG(PT_SYSTIME, 0x3FEF)
#define PR_SOURCE_KEY          PROP_TAG(PT_BINARY, 0x65E0)
#define PR_CHANGE_KEY          PROP_TAG(PT_BINARY, 0x65E2)
#define PR_PCL                 PROP_TAG(PT_BINARY, 0x65E3)
#define MSGFLAG_READ           0x00000001
#define MSGFLAG_UNSENT         0x00000008

static uint64_t now_filetime(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((uint64_t)ts.tv_sec + 11644473600ULL) * 10000000ULL + (uint64_t)ts.tv_nsec / 100;
}

static const struct mapi_propval *find(const struct mapi_propval_array *a, uint32_t tag)
{
	for (uint32_t i = 0; i < a->count; i++) {
		if (a->vals[i].tag == tag)
			return &a->vals[i];
	}
	return NULL;
}

/* The local user a recipient row names: 1 found, 0 not local, -1 error. */
static int recipient_user(struct ems_session *s, TALLOC_CTX *mem,
                          const struct mapi_propval_array *row, struct dir_user **user_r)
{
	const struct mapi_propval *type = find(row, PR_ADDRTYPE);
	const struct mapi_propval *email = find(row, PR_EMAIL_ADDRESS);
	const struct mapi_propval *smtp = find(row, PR_SMTP_ADDRESS);
	const char *error = NULL;

	if (type != NULL && email != NULL && strcasecmp(type->v.str, "EX") == 0)
		return directory_user_by_legacy_dn(s->srv->dir, mem, email->v.str, user_r, &error);
	if (smtp != NULL)
		return directory_user_by_address(s->srv->dir, mem, smtp->v.str, user_r, &error);
	if (type != NULL && email != NULL && strcasecmp(type->v.str, "SMTP") == 0)
		return directory_user_by_address(s->srv->dir, mem, email->v.str, user_r, &error);
	return 0;
}

/* One delivered copy in user's receive folder for the message class. */
static int deliver_one(struct ems_session *s, TALLOC_CTX *mem, const struct dir_user *user,
                       struct store_mailbox *from, struct store_message *src,
                       const struct mapi_propval_array *props, const char *cls, uint64_t now)
{
	struct store_mailbox *mbox;
	struct store_message *dst;
	const char *error = NULL;
	uint64_t fid;
	struct mapi_propval v[4] = {{.tag = PR_MESSAGE_FLAGS},
	                            {.tag = PR_DELIVERY_TIME},
	                            {.tag = PR_RECEIVED_BY_NAME},
	                            {.tag = PR_RECEIVED_BY_EMAIL}};
	struct mapi_propval_array mine = {4, v}, copy = {0, NULL};
	int ret;

	/* the sender's submission instructions stay with the sender */
	copy.vals = talloc_array(mem, struct mapi_propval, props->count ? props->count : 1);
	if (copy.vals == NULL)
		return STORE_E_NOMEM;
	for (uint32_t i = 0; i < props->count; i++) {
		uint32_t tag = props->vals[i].tag;
		/* [MS-OXCFXICS] 2.2.1.2: the copy's identity (source key,
		 * change key, PCL) is its own mailbox's, computed by the store */
		if (tag != PR_SENTMAIL_ENTRYID && tag != PR_DELETE_AFTER_SUBMIT &&
		    tag != PR_SOURCE_KEY && tag != PR_CHANGE_KEY && tag != PR_PCL &&
		    PROP_TYPE(tag) != PT_ERROR)
			copy.vals[copy.count++] = props->vals[i];
	}
	ret = store_mailbox_open(mem, s->srv->store, &user->mailbox_guid, &mbox, &error);

	if (ret != 0)
		return ret;
	ret = store_receive_folder_get(mem, mbox, cls, &fid, NULL);
	if (ret == 0)
		ret = store_message_create(mem, mbox, fid, false, &dst);
	if (ret != 0)
		return ret;
	v[0].v.i32 = 0; /* unread */
	v[1].v.ft = now;
	v[2].v.str = user->display_name;
	v[3].v.str = user->legacy_dn;
	ret = ems_named_map(mem, from, mbox, &copy);
	if (ret == 0)
		ret = ems_message_set_copyable(dst, &copy);
	if (ret == 0)
		ret = store_message_set_props(dst, &mine);
	if (ret == 0)
		ret = ems_message_copy_parts(mem, from, src, mbox, dst);
	if (ret == 0)
		ret = store_message_save(dst, false);
	store_message_close(&dst);
	store_mailbox_close(&mbox);
	return ret;
}

/* Sender and submission properties on the sender's instance. */
static int stamp_sender(struct ems_session *s, struct store_message *msg,
                        const struct mapi_propval_array *props, uint64_t now)
{
	struct mapi_propval v[9];
	uint32_t n = 0;
	struct mapi_propval_array a;

	memset(v, 0, sizeof(v));
	v[n].tag = PR_SENDER_NAME;
	v[n++].v.str = s->user->display_name;
	v[n].tag = PR_SENDER_ADDRTYPE;
	v[n++].v.str = (char *)"EX";
	v[n].tag = PR_SENDER_EMAIL;
	v[n++].v.str = s->user->legacy_dn;
	v[n].tag = PR_SENDER_SMTP;
	v[n++].v.str = s->user->address;
	v[n].tag = PR_SUBMIT_TIME;
	v[n++].v.ft = now;
	v[n].tag = PR_DELIVERY_TIME;
	v[n++].v.ft = now;
	if (find(props, PR_SENT_REPR_NAME) == NULL) {
		v[n].tag = PR_SENT_REPR_NAME;
		v[n++].v.str = s->user->display_name;
		v[n].tag = PR_SENT_REPR_ADDRTYPE;
		v[n++].v.str = (char *)"EX";
		v[n].tag = PR_SENT_REPR_EMAIL;
		v[n++].v.str = s->user->legacy_dn;
	}
	a.count = n;
	a.vals = v;
	return store_message_set_props(msg, &a);
}

/* The sent copy: read, not unsent, in Sent Items or deleted. */
static int file_sent(struct ems_rop_ctx *c, struct store_message *msg,
                     const struct mapi_propval_array *props)
{
	struct store_mailbox *mbox = c->logon->mbox;
	const struct mapi_propval *del = find(props, PR_DELETE_AFTER_SUBMIT);
	const struct mapi_propval *sent = find(props, PR_SENTMAIL_ENTRYID);
	const struct mapi_propval *f = find(props, PR_MESSAGE_FLAGS);
	struct mapi_propval v = {.tag = PR_MESSAGE_FLAGS};
	struct mapi_propval_array one = {1, &v};
	uint64_t fid = store_message_fid(msg), mid, dst, dmid;
	int ret;

	v.v.i32 = ((f != NULL ? f->v.i32 : 0) | MSGFLAG_READ) & ~MSGFLAG_UNSENT;
	ret = store_message_set_props(msg, &one);
	if (ret == 0)
		ret = store_message_save(msg, true);
	if (ret != 0)
		return ret;
	mid = store_message_mid(msg);
	if (del != NULL && del->v.b)
		return store_messages_delete(mbox, fid, &mid, 1, STORE_DEL_HARD, NULL);
	if (sent == NULL || store_entryid_parse(mbox, &sent->v.bin, &dst, &dmid) != 1 ||
	    dmid != 0 || dst == fid)
		return 0;
	return store_messages_move(mbox, fid, dst, &mid, 1, NULL);
}

/* Submits the input message ([MS-OXOMSG] 3.2.5.1); 0 or the ecXxx. */
static uint32_t submit(struct ems_rop_ctx *c)
{
	struct ems_message *m = &c->in->u.message;
	struct mapi_propval_array props, *rows, *failed;
	struct dir_user **users;
	uint32_t nfailed = 0;
	const struct mapi_propval *cls, *v;
	uint32_t count = 0, *row_ids;
	uint64_t now = now_filetime();
	int ret;

	if (m->submitted)
		return EC_AlreadySent;
	/* an embedded message is a part of another one, not mail of a folder */
	if (m->embedded)
		return EC_NotSupported;
	if (!m->read_write)
		return EC_AccessDenied;
	uint32_t check[2] = {PR_ASSOCIATED, PR_DEFERRED_SEND_TIME};
	struct mapi_proptag_array ct = {2, check};
	ret = store_message_get_props(c->mem, m->msg, &ct, &props);
	if (ret != 0)
		return ems_ec_from_store(ret);
	/* OUTLOOK-LADDER stage 7: associated (FAI) messages are not mail */
	if ((v = find(&props, PR_ASSOCIATED)) != NULL && v->v.b)
		return EC_AccessDenied;
	/* a later send time needs a scheduler this server does not have:
	 * refused rather than sent at once */
	if ((v = find(&props, PR_DEFERRED_SEND_TIME)) != NULL && v->v.ft > now) {
		log_info(EMS_LOG, "submit refused: deferred send user=%s", c->s->user->address);
		return EC_NotSupported;
	}
	ret = store_message_get_recipients(c->mem, m->msg, &count, &row_ids, &rows);
	if (ret != 0)
		return ems_ec_from_store(ret);
	if (count == 0)
		return EC_NoRecipients;
	users = talloc_zero_array(c->mem, struct dir_user *, count);
	failed = talloc_array(c->mem, struct mapi_propval_array, count);
	if (users == NULL || failed == NULL)
		return EC_OutOfMemory;
	for (uint32_t i = 0; i < count; i++) {
		int found = recipient_user(c->s, users, &rows[i], &users[i]);
		if (found < 0)
			return EC_GeneralFailure;
		if (found == 0)
			failed[nfailed++] = rows[i];
	}
	ret = store_message_get_props(c->mem, m->msg, NULL, &props);
	if (ret == 0)
		ret = stamp_sender(c->s, m->msg, &props, now);
	if (ret == 0)
		ret = ems_search_key_ensure(m->msg, &props);
	if (ret == 0)
		ret = store_message_get_props(c->mem, m->msg, NULL, &props);
	if (ret != 0)
		return ems_ec_from_store(ret);
	cls = find(&props, PR_MESSAGE_CLASS);
	for (uint32_t i = 0; i < count; i++) {
		if (users[i] == NULL)
			continue;
		ret = deliver_one(c->s, c->mem, users[i], c->logon->mbox, m->msg, &props,
		                  cls != NULL ? cls->v.str : "IPM.Note", now);
		if (ret != 0) {
			log_error(EMS_LOG, "delivery failed to=%s error=%s", users[i]->address,
			          store_strerror(ret));
			return ems_ec_from_store(ret);
		}
	}
	/* the recipients outside this server: a non-delivery report */
	if (nfailed > 0 && (ret = ems_ndr_deliver(c->s, c->mem, &props, failed, nfailed, now)) != 0)
		return ems_ec_from_store(ret);
	log_info(EMS_LOG, "submitted from=%s recipients=%u undeliverable=%u", c->s->user->address,
	         count, nfailed);
	ret = file_sent(c, m->msg, &props);
	/* the instance was submitted: no more changes through it */
	m->read_write = false;
	m->submitted = true;
	return ems_ec_from_store(ret);
}

/* [MS-OXOMSG] 2.2.4.1 RopSubmitMessage */
uint32_t ems_rop_submit_message(struct ems_rop_ctx *c, const struct rop_request *req,
                                struct rop_response *resp)
{
	return submit(c);
}

/* [MS-OXOMSG] 2.2.5.4 RopTransportSend: the message is sent as by
 * RopSubmitMessage, and the response carries the properties the server
 * set on it while sending (sender, sent-representing, submit and delivery
 * times), for the client to copy to its own copy of the message. */
uint32_t ems_rop_transport_send(struct ems_rop_ctx *c, const struct rop_request *req,
                                struct rop_response *resp)
{
	uint32_t tags[] = {PR_SENDER_NAME,     PR_SENDER_ADDRTYPE, PR_SENDER_EMAIL,
	                   PR_SENDER_SMTP,     PR_SENT_REPR_NAME,  PR_SENT_REPR_ADDRTYPE,
	                   PR_SENT_REPR_EMAIL, PR_SUBMIT_TIME,     PR_DELIVERY_TIME};
	struct mapi_proptag_array ta = {sizeof(tags) / sizeof(tags[0]), tags};
	struct rop_transport_send_resp *r = &resp->u.transport_send;
	struct mapi_propval_array vals;
	uint32_t ec = submit(c);
	int ret;

	if (ec != 0)
		return ec;
	ret = store_message_get_props(c->mem, c->in->u.message.msg, &ta, &vals);
	if (ret != 0)
		return ems_ec_from_store(ret);
	r->vals.vals = talloc_array(c->mem, struct mapi_propval, vals.count ? vals.count : 1);
	if (r->vals.vals == NULL)
		return EC_OutOfMemory;
	r->vals.count = 0;
	for (uint32_t i = 0; i < vals.count; i++) {
		if (PROP_TYPE(vals.vals[i].tag) != PT_ERROR)
			r->vals.vals[r->vals.count++] = vals.vals[i];
	}
	r->no_properties_returned = r->vals.count == 0;
	return 0;
}
