/*
 * Non-delivery reports: the report message of [MS-OXOMSG] 2.2.2 (report
 * properties) with the properties MAPI's "Required Report Message
 * Properties" lists (original subject, submit time and display names, report
 * text and time, per-recipient NDR codes).  This server has no transport to other servers (Exchange
 * without a send connector): a submitted message is delivered to its local
 * recipients, and the recipients outside this server get a report message
 * of class REPORT.<class>.NDR in the sender's receive folder (the Inbox),
 * whose save raises NewMail for the sender's sessions.
 */
#include <string.h>
#include <sys/random.h>

#include "ems_private.h"
#include "log.h"

#define PR_MESSAGE_CLASS       PROP_TAG(PT_UNICODE, 0x001A)
#define PR_SUBJECT             PROP_TAG(PT_UNICODE, 0x0037)
#define PR_BODY                PROP_TAG(PT_UNICODE, 0x1000)
#define PR_REPORT_TEXT         PROP_TAG(PT_UNICODE, 0x1001)
#define PR_REPORT_TIME         PROP_TAG(PT_SYSTIME, 0x0032)
#define PR_REPORT_NAME         PROP_TAG(PT_UNICODE, 0x003A)
#define PR_PARENT_KEY          PROP_TAG(PT_BINARY, 0x0025)
#define PR_SEARCH_KEY          PROP_TAG(PT_BINARY, 0x300B)
#define PR_ORIGINAL_SUBJECT    PROP_TAG(PT_UNICODE, 0x0049)
#define PR_ORIGINAL_SUBMIT     PROP_TAG(PT_SYSTIME, 0x004E)
#define PR_ORIGINAL_SRCH_KEY   PROP_TAG(PT_BINARY, 0x3A14)
#define PR_SUBMIT_TIME         PROP_TAG(PT_SYSTIME, 0x0039)
#define PR_DELIVERY_TIME       PROP_TAG(PT_SYSTIME, 0x0E06)
#define PR_MESSAGE_FLAGS       PROP_TAG(PT_LONG, 0x0E07)
#define PR_SENDER_NAME         PROP_TAG(PT_UNICODE, 0x0C1A)
#define PR_SENDER_ADDRTYPE     PROP_TAG(PT_UNICODE, 0x0C1E)
#define PR_SENDER_EMAIL        PROP_TAG(PT_UNICODE, 0x0C1F)
#define PR_SENT_REPR_NAME      PROP_TAG(PT_UNICODE, 0x0042)
#define PR_SENT_REPR_ADDRTYPE  PROP_TAG(PT_UNICODE, 0x0064)
#define PR_SENT_REPR_EMAIL     PROP_TAG(PT_UNICODE, 0x0065)
#define PR_RECEIVED_BY_NAME    PROP_TAG(PT_UNICODE, 0x0040)
#define PR_RECEIVED_BY_EMAIL   PROP_TAG(PT_UNICODE, 0x0076)
#define PR_RECIPIENT_TYPE      PROP_TAG(PT_LONG, 0x0C15)
#define PR_NDR_REASON_CODE     PROP_TAG(PT_LONG, 0x0C04)
#define PR_NDR_DIAG_CODE       PROP_TAG(PT_LONG, 0x0C05)
#define PR_SUPPLEMENTARY_INFO  PROP_TAG(PT_UNICODE, 0x0C1B)
#define PR_ADDRTYPE            PROP_TAG(PT_UNICODE, 0x3002)
#define PR_EMAIL_ADDRESS       PROP_TAG(PT_UNICODE, 0x3003)
#define PR_SMTP_ADDRESS        PROP_TAG(PT_UNICODE, 0x39FE)
#define PR_DISPLAY_NAME        PROP_TAG(PT_UNICODE, 0x3001)
#define PR_DISPLAY_TO          PROP_TAG(PT_UNICODE, 0x0E04)
#define PR_ORIGINAL_DISPLAY_TO PROP_TAG(PT_UNICODE, 0x0074)

/* MAPI's NDR codes (mapidefs.h, [MS-OXPROPS] PidTagNonDeliveryReport*):
 * no route to the recipient's server is "unable to transfer" with no
 * further X.400 diagnostic; the DSN status travels in the supplementary
 * text, as Exchange writes it. */
#define MAPI_REASON_UNABLE_TO_TRANSFER 1
#define MAPI_DIAG_NO_DIAGNOSTIC        0xFFFFFFFFu
#define EMS_NDR_STATUS                 "550 5.4.4 no route to the recipient's domain"
/* Exchange 2013 and later send reports as "Microsoft Outlook" from a
 * system mailbox of the sender's domain; postmaster is this server's. */
#define EMS_NDR_SENDER_NAME "Microsoft Outlook"

static const struct mapi_propval *find(const struct mapi_propval_array *a, uint32_t tag)
{
	for (uint32_t i = 0; i < a->count; i++) {
		if (a->vals[i].tag == tag)
			return &a->vals[i];
	}
	return NULL;
}

int ems_search_key_ensure(struct store_message *msg, const struct mapi_propval_array *props)
{
	struct mapi_propval v = {.tag = PR_SEARCH_KEY};
	struct mapi_propval_array one = {1, &v};
	uint8_t key[16];

	if (find(props, PR_SEARCH_KEY) != NULL)
		return 0;
	/* [MS-OXCPRPT] 2.2.1.9: a binary-comparable key unique to the
	 * message; 16 random bytes, as Exchange's GUID-sized keys */
	if (getrandom(key, sizeof(key), 0) != (ssize_t)sizeof(key))
		return STORE_E_IO;
	v.v.bin.data = key;
	v.v.bin.len = sizeof(key);
	return store_message_set_props(msg, &one);
}

static void put(struct mapi_propval *v, uint32_t *n, uint32_t tag, const char *s)
{
	v[*n].tag = tag;
	v[*n].v.str = (char *)s;
	(*n)++;
}

/* The recipient row of the report for one failed recipient. */
static int failed_row(TALLOC_CTX *mem, const struct mapi_propval_array *orig, uint64_t now,
                      struct mapi_propval_array *row_r)
{
	const struct mapi_propval *type = find(orig, PR_RECIPIENT_TYPE);
	const struct mapi_propval *smtp = find(orig, PR_SMTP_ADDRESS);
	const struct mapi_propval *at = find(orig, PR_ADDRTYPE), *em = find(orig, PR_EMAIL_ADDRESS);
	const struct mapi_propval *sk = find(orig, PR_SEARCH_KEY);
	struct mapi_propval *v = talloc_array(mem, struct mapi_propval, orig->count + 7);
	uint32_t n = 0;

	if (v == NULL)
		return STORE_E_NOMEM;
	for (uint32_t i = 0; i < orig->count; i++) {
		uint32_t tag = orig->vals[i].tag;
		if (PROP_TYPE(tag) != PT_ERROR && tag != PR_RECIPIENT_TYPE)
			v[n++] = orig->vals[i];
	}
	/* [MS-OXOMSG] 2.2.2: the failed recipient as it was addressed, with
	 * its recipient type, the reason and diagnostic codes and the time */
	v[n].tag = PR_RECIPIENT_TYPE;
	v[n++].v.i32 = type != NULL ? type->v.i32 : 1 /* MAPI_TO */;
	v[n].tag = PR_NDR_REASON_CODE;
	v[n++].v.i32 = MAPI_REASON_UNABLE_TO_TRANSFER;
	v[n].tag = PR_NDR_DIAG_CODE;
	v[n++].v.i32 = MAPI_DIAG_NO_DIAGNOSTIC;
	v[n].tag = PR_REPORT_TIME;
	v[n++].v.ft = now;
	put(v, &n, PR_SUPPLEMENTARY_INFO, EMS_NDR_STATUS);
	/* PidTagOriginalSearchKey: the recipient's own search key, or its
	 * ADDRTYPE:ADDRESS in upper case ([MS-OXCPRPT] 2.2.1.9's form) */
	v[n].tag = PR_ORIGINAL_SRCH_KEY;
	if (sk != NULL) {
		v[n].v.bin = sk->v.bin;
	} else {
		char *key = smtp != NULL ? talloc_asprintf(mem, "SMTP:%s", smtp->v.str)
		            : at != NULL && em != NULL
		                ? talloc_asprintf(mem, "%s:%s", at->v.str, em->v.str)
		                : talloc_strdup(mem, "");
		if (key == NULL)
			return STORE_E_NOMEM;
		for (char *p = key; *p; p++)
			*p = (char)((*p >= 'a' && *p <= 'z') ? *p - 32 : *p);
		v[n].v.bin.data = (uint8_t *)key;
		v[n].v.bin.len = (uint32_t)strlen(key) + 1;
	}
	n++;
	row_r->count = n;
	row_r->vals = v;
	return 0;
}

/* The report text: one line per failed recipient. */
static char *report_text(TALLOC_CTX *mem, const char *subject,
                         const struct mapi_propval_array *rows, uint32_t nrows)
{
	char *t = talloc_asprintf(mem,
	                          "Your message did not reach some or all of the intended "
	                          "recipients.\r\n\r\n   Subject: %s\r\n\r\n"
	                          "The following recipient(s) cannot be reached:\r\n",
	                          subject);

	for (uint32_t i = 0; t != NULL && i < nrows; i++) {
		const struct mapi_propval *name = find(&rows[i], PR_DISPLAY_NAME);
		const struct mapi_propval *smtp = find(&rows[i], PR_SMTP_ADDRESS);
		const struct mapi_propval *em = find(&rows[i], PR_EMAIL_ADDRESS);
		const char *addr = smtp != NULL ? smtp->v.str : em != NULL ? em->v.str : "";
		t = talloc_asprintf_append(t, "\r\n      %s <%s>\r\n            %s\r\n",
		                           name != NULL ? name->v.str : addr, addr, EMS_NDR_STATUS);
	}
	return t;
}

/* Envelope of the report: class, subjects, report and sender properties. */
static int ndr_envelope(TALLOC_CTX *mem, struct ems_session *s,
                        const struct mapi_propval_array *props, const char *text, uint64_t now,
                        struct mapi_propval_array *env_r)
{
	const struct mapi_propval *cls = find(props, PR_MESSAGE_CLASS);
	const struct mapi_propval *subj = find(props, PR_SUBJECT);
	const struct mapi_propval *sk = find(props, PR_SEARCH_KEY);
	const struct mapi_propval *sub = find(props, PR_SUBMIT_TIME), *dto;
	const char *subject = subj != NULL ? subj->v.str : "";
	struct mapi_propval *v = talloc_zero_array(mem, struct mapi_propval, 24);
	char *postmaster = talloc_asprintf(mem, "postmaster@%s", s->user->domain);
	uint32_t n = 0;

	if (v == NULL || postmaster == NULL)
		return STORE_E_NOMEM;
	/* a non-delivery report's class is REPORT.<original class>.NDR
	 * (REPORT.IPM.Note.NDR for mail) */
	put(v, &n, PR_MESSAGE_CLASS,
	    talloc_asprintf(mem, "REPORT.%s.NDR", cls != NULL ? cls->v.str : "IPM.Note"));
	put(v, &n, PR_SUBJECT, talloc_asprintf(mem, "Undeliverable: %s", subject));
	/* [MS-OXOMSG] 2.2.2: report properties */
	put(v, &n, PR_ORIGINAL_SUBJECT, subject);
	put(v, &n, PR_REPORT_TEXT, text);
	if ((dto = find(props, PR_DISPLAY_TO)) != NULL)
		put(v, &n, PR_ORIGINAL_DISPLAY_TO, dto->v.str);
	put(v, &n, PR_BODY, text);
	put(v, &n, PR_REPORT_NAME, EMS_NDR_SENDER_NAME);
	v[n].tag = PR_REPORT_TIME;
	v[n++].v.ft = now;
	if (sk != NULL) {
		/* [MS-OXOMSG] 2.2.2.18: the original's PidTagSearchKey */
		v[n].tag = PR_PARENT_KEY;
		v[n++].v.bin = sk->v.bin;
	}
	if (sub != NULL) {
		v[n].tag = PR_ORIGINAL_SUBMIT;
		v[n++].v.ft = sub->v.ft;
	}
	v[n].tag = PR_SUBMIT_TIME;
	v[n++].v.ft = now;
	v[n].tag = PR_DELIVERY_TIME;
	v[n++].v.ft = now;
	v[n].tag = PR_MESSAGE_FLAGS;
	v[n++].v.i32 = 0; /* unread */
	put(v, &n, PR_SENDER_NAME, EMS_NDR_SENDER_NAME);
	put(v, &n, PR_SENDER_ADDRTYPE, "SMTP");
	put(v, &n, PR_SENDER_EMAIL, postmaster);
	put(v, &n, PR_SENT_REPR_NAME, EMS_NDR_SENDER_NAME);
	put(v, &n, PR_SENT_REPR_ADDRTYPE, "SMTP");
	put(v, &n, PR_SENT_REPR_EMAIL, postmaster);
	put(v, &n, PR_RECEIVED_BY_NAME, s->user->display_name);
	put(v, &n, PR_RECEIVED_BY_EMAIL, s->user->legacy_dn);
	for (uint32_t i = 0; i < n; i++) {
		if (PROP_TYPE(v[i].tag) == PT_UNICODE && v[i].v.str == NULL)
			return STORE_E_NOMEM;
	}
	env_r->count = n;
	env_r->vals = v;
	return 0;
}

int ems_ndr_deliver(struct ems_session *s, TALLOC_CTX *mem, const struct mapi_propval_array *props,
                    const struct mapi_propval_array *failed, uint32_t nfailed, uint64_t now)
{
	const struct mapi_propval *subj = find(props, PR_SUBJECT);
	struct mapi_propval_array env, *rows;
	struct store_message *ndr = NULL;
	uint32_t *ids;
	uint64_t fid;
	char *text;
	int ret;

	text = report_text(mem, subj != NULL ? subj->v.str : "", failed, nfailed);
	rows = talloc_array(mem, struct mapi_propval_array, nfailed);
	ids = talloc_array(mem, uint32_t, nfailed);
	if (text == NULL || rows == NULL || ids == NULL)
		return STORE_E_NOMEM;
	ret = ndr_envelope(mem, s, props, text, now, &env);
	for (uint32_t i = 0; ret == 0 && i < nfailed; i++) {
		ids[i] = i;
		ret = failed_row(mem, &failed[i], now, &rows[i]);
	}
	/* the sender's receive folder for the report class (the Inbox) */
	if (ret == 0)
		ret = store_receive_folder_get(mem, s->mbox, env.vals[0].v.str, &fid, NULL);
	if (ret == 0)
		ret = store_message_create(mem, s->mbox, fid, false, &ndr);
	if (ret == 0)
		ret = store_message_set_props(ndr, &env);
	if (ret == 0)
		ret = store_message_modify_recipients(ndr, nfailed, ids, rows);
	if (ret == 0)
		ret = store_message_save(ndr, false);
	store_message_close(&ndr);
	if (ret != 0)
		log_error(EMS_LOG, "ndr failed user=%s error=%s", s->user->address,
		          store_strerror(ret));
	else
		log_info(EMS_LOG, "ndr user=%s undeliverable=%u", s->user->address, nfailed);
	return ret;
}
