/* RopOpenEmbeddedMessage ([MS-OXCMSG] 2.2.3.16) through ems_execute:
 * create, write properties and recipients, save through the attachment and
 * the parent, read back through the ROPs and from the store. */
#include "ems_test.h"

static struct ems_t t;

#define PR_SUBJECT       PROP_TAG(PT_UNICODE, 0x0037)
#define PR_ATTACH_METHOD PROP_TAG(PT_LONG, 0x3705)
#define PR_EMAIL_ADDRESS PROP_TAG(PT_UNICODE, 0x3003)

static struct rop_request embedded(uint8_t in, uint8_t out, uint8_t mode)
{
	struct rop_request q = et_rq(ROP_ID_OpenEmbeddedMessage, in, out);
	q.u.open_embedded_message.code_page_id = 0x0FFF;
	q.u.open_embedded_message.open_mode_flags = mode;
	return q;
}

/* A RecipientRow of type SMTP with display and e-mail (no extra columns). */
static const struct mapi_propval *val_of(const struct mapi_propval_array *a, uint32_t tag)
{
	for (uint32_t i = 0; i < a->count; i++) {
		if (a->vals[i].tag == tag)
			return &a->vals[i];
	}
	return NULL;
}

static uint64_t parent_mid;

static void test_create(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct et_result *r = talloc(mem, struct et_result);
	uint32_t h[4] = {et_logon(&t), 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF};
	uint64_t inbox = store_special_fid(t.mbox, STORE_FOLDER_INBOX);
	struct mapi_propval subj = {.tag = PR_SUBJECT, .v.str = (char *)"Inner"};
	struct mapi_propval outer = {.tag = PR_SUBJECT, .v.str = (char *)"Outer"};
	struct rop_recipient_row row = {.row_id = 0, .recipient_type = 1};
	struct rop_request q[12];
	uint32_t n = 0, rcols[] = {PROP_TAG(PT_LONG, 0x5FFF)};

	test_begin("OpenEmbeddedMessage Create, properties, recipients, saved with the parent");
	row.row = et_smtp_row(mem, "dora@elsewhere.example", "Dora", 3);
	q[n] = et_rq(ROP_ID_CreateMessage, 0, 1);
	q[n++].u.create_message.folder_id = inbox;
	q[n] = et_rq(ROP_ID_SetProperties, 1, 0);
	q[n].u.set_properties.vals.count = 1;
	q[n++].u.set_properties.vals.vals = &outer;
	q[n++] = et_rq(ROP_ID_CreateAttachment, 1, 2);
	q[n++] = embedded(2, 3, 0x00); /* read-only: there is none yet */
	q[n++] = embedded(2, 3, 0x02); /* Create */
	q[n] = et_rq(ROP_ID_SetProperties, 3, 0);
	q[n].u.set_properties.vals.count = 1;
	q[n++].u.set_properties.vals.vals = &subj;
	q[n] = et_rq(ROP_ID_ModifyRecipients, 3, 0);
	q[n].u.modify_recipients.recipient_columns.count = 1;
	q[n].u.modify_recipients.recipient_columns.tags = rcols;
	q[n].u.modify_recipients.rows.count = 1;
	q[n++].u.modify_recipients.rows.rows = &row;
	q[n] = et_rq(ROP_ID_SaveChangesMessage, 3, 0);
	q[n++].u.save_changes_message.save_flags = 0x02;
	q[n++] = et_rq(ROP_ID_SaveChangesAttachment, 2, 0);
	q[n] = et_rq(ROP_ID_SaveChangesMessage, 1, 0);
	q[n++].u.save_changes_message.save_flags = 0x02;
	test_assert_int(et_exec(&t, mem, q, n, h, 4, r), 0);
	test_assert_int(r->count, n);
	test_assert_int(r->resps[3].return_value, EC_NotFound);
	test_assert_int(r->resps[4].return_value, 0);
	test_assert_int(r->resps[4].u.open_embedded_message.recipient_count, 0);
	for (uint32_t i = 5; i < n; i++)
		test_assert_int(r->resps[i].return_value, 0);
	parent_mid = r->resps[9].u.save_changes_message.message_id;
	test_assert(parent_mid != 0);

	/* the store: attachment 0 of the parent holds the embedded message */
	struct store_message *pm, *em;
	struct mapi_propval_array vals, *rows;
	uint32_t count = 0, *ids, tags[] = {PR_ATTACH_METHOD};
	struct mapi_proptag_array ta = {1, tags};
	test_assert_int(store_message_open(mem, t.mbox, inbox, parent_mid, &pm), 0);
	test_assert_int(store_message_attach_get_props(mem, pm, 0, &ta, &vals), 0);
	test_assert(vals.count == 1 && vals.vals[0].tag == PR_ATTACH_METHOD &&
	            vals.vals[0].v.i32 == 5); /* afEmbeddedMessage */
	test_assert_int(store_message_open_embedded(mem, pm, 0, false, &em), 0);
	test_assert_int(store_message_get_props(mem, em, NULL, &vals), 0);
	const struct mapi_propval *v = val_of(&vals, PR_SUBJECT);
	test_assert(v != NULL && strcmp(v->v.str, "Inner") == 0);
	test_assert_int(store_message_get_recipients(mem, em, &count, &ids, &rows), 0);
	test_assert_int(count, 1);
	if (count == 1) {
		v = val_of(&rows[0], PR_EMAIL_ADDRESS);
		test_assert(v != NULL && strcmp(v->v.str, "dora@elsewhere.example") == 0);
	}
	store_message_close(&em);
	store_message_close(&pm);
	test_end();
	talloc_free(mem);
}

static void test_open(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct et_result *r = talloc(mem, struct et_result);
	uint32_t h[4] = {et_logon(&t), 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF};
	uint64_t inbox = store_special_fid(t.mbox, STORE_FOLDER_INBOX);
	uint32_t tags[] = {PR_SUBJECT};
	struct rop_request q[8];

	test_begin("OpenEmbeddedMessage read-only: summary, properties; writes refused");
	q[0] = et_rq(ROP_ID_OpenMessage, 0, 1);
	q[0].u.open_message.folder_id = inbox;
	q[0].u.open_message.message_id = parent_mid;
	q[0].u.open_message.open_mode_flags = 0x00;
	q[1] = et_rq(ROP_ID_OpenAttachment, 1, 2);
	q[1].u.open_attachment.attachment_id = 0;
	q[2] = embedded(2, 3, 0x01); /* ReadWrite under a read-only parent */
	q[3] = embedded(2, 3, 0x00);
	q[4] = et_rq(ROP_ID_GetPropertiesSpecific, 3, 0);
	q[4].u.get_properties_specific.want_unicode = 1;
	q[4].u.get_properties_specific.tags.count = 1;
	q[4].u.get_properties_specific.tags.tags = tags;
	q[5] = et_rq(ROP_ID_ReadRecipients, 3, 0);
	q[6] = embedded(2, 3, 0x10); /* an undefined flag */
	test_assert_int(et_exec(&t, mem, q, 7, h, 4, r), 0);
	test_assert_int(r->count, 7);
	test_assert_int(r->resps[1].return_value, 0);
	test_assert_int(r->resps[2].return_value, EC_AccessDenied);
	test_assert_int(r->resps[3].return_value, 0);
	const struct rop_open_embedded_message_resp *e = &r->resps[3].u.open_embedded_message;
	test_assert_int(e->normalized_subject.type, 0x04);
	test_assert(e->normalized_subject.str != NULL &&
	            strcmp(e->normalized_subject.str, "Inner") == 0);
	test_assert_int(e->recipient_count, 1);
	test_assert_int(r->resps[4].return_value, 0);
	const struct mapi_propval_array *pv = &r->resps[4].u.get_properties_specific.row.vals;
	test_assert(pv->count == 1 && strcmp(pv->vals[0].v.str, "Inner") == 0);
	test_assert_int(r->resps[5].return_value, 0);
	test_assert_int(r->resps[6].return_value, EC_InvalidParameter);
	/* an embedded message is not mail of a folder: not submitted */
	q[2] = embedded(2, 3, 0x01);
	q[0].u.open_message.open_mode_flags = 0x01;
	q[3] = et_rq(ROP_ID_SubmitMessage, 3, 0);
	test_assert_int(et_exec(&t, mem, q, 4, h, 4, r), 0);
	test_assert_int(r->resps[2].return_value, 0);
	test_assert_int(r->resps[3].return_value, EC_NotSupported);
	test_end();
	talloc_free(mem);
}

int main(void)
{
	et_setup(&t);
	test_create();
	test_open();
	et_teardown(&t);
	return test_exit();
}
