/*
 * Messages over HTTP against the real daemon, as two Outlook sessions of
 * one user drive them through /mapi/emsmdb Execute: each sees what the
 * other saves ([MS-OXCMSG] 3.1.4), a body larger than one Execute buffer
 * written and read back in pieces through streams ([MS-OXCPRPT] 2.2.14-
 * 2.2.17), named properties mapped once per mailbox ([MS-OXCPRPT] 3.1.4.4,
 * 2.2.12, 2.2.13), attachments ([MS-OXCMSG] 2.2.3.12-2.2.3.17) and recipients
 * ([MS-OXCMSG] 2.2.3.5, 2.2.3.6).
 *
 *   test_mapihttp_objects MAPIHTTPD MAPIADMIN
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mapi_guid.h"
#include "mh_testsess.h"
#include "test.h"

#define CONFIG "[mapi]\nworkers = 2\n"

#define TAG_MID           PROP_TAG(PT_I8, 0x674A)
#define TAG_SUBJECT       PROP_TAG(PT_UNICODE, 0x0037)
#define TAG_BODY          PROP_TAG(PT_UNICODE, 0x1000)
#define TAG_ATTACH_NUM    PROP_TAG(PT_LONG, 0x0E21)
#define TAG_ATTACH_DATA   PROP_TAG(PT_BINARY, 0x3701)
#define TAG_ATTACH_METHOD PROP_TAG(PT_LONG, 0x3705)
#define TAG_ATTACH_NAME   PROP_TAG(PT_UNICODE, 0x3707)

/* [MS-OXCPRPT] 2.2.14.1: OpenModeFlags */
#define STREAM_READ_ONLY 0x00
#define STREAM_CREATE    0x02
/* [MS-OXCMSG] 2.2.3.1.1: OpenModeFlags */
#define MSG_READ_WRITE 0x01
/* [MS-OXCMSG] 2.2.3.3.1: SaveFlags */
#define KEEP_OPEN_READ_WRITE 0x02

/* A body of 96,000 UTF-16 characters: 192,000 bytes, more than one Execute
 * of [MS-OXCMAPIHTTP] can carry, in 30,000-byte WriteStream pieces. */
#define BODY_CHARS 96000
#define PIECE      30000

static const char *mapihttpd, *mapiadmin;
static struct mht_daemon daemon_;
static char *alice_dn, *alice_mailbox_id;
static uint64_t inbox;

static int provision(TALLOC_CTX *mem_ctx, const char *data_dir)
{
	struct mht_user alice = {
	    .address = "alice@x.test", .name = "Alice Example", .password = "alice-pw"};

	if (mht_provision(mem_ctx, mapiadmin, data_dir, &alice, 1) < 0)
		return -1;
	alice_dn = alice.legacy_dn;
	alice_mailbox_id = alice.mailbox_id;
	return 0;
}

/* A new session of Alice's: Connect, Logon into handle 0, Inbox opened into
 * handle 1.  0 / -1. */
static int open_session(struct mht_sess *s, TALLOC_CTX *mem)
{
	struct mh_connect_resp cresp;
	struct mht_resp hr;
	struct rop_request q[2];

	mht_sess_init(s, mht_client_new(mem, daemon_.port, "alice@x.test", "alice-pw"));
	s->c->mailbox_id = alice_mailbox_id;
	if (mht_ems_connect(s->c, mem, alice_dn, NULL, &cresp, &hr) != 0 || cresp.error_code != 0)
		return -1;
	q[0] = mht_logon_rq(alice_dn, 0);
	if (mht_execute(s, mem, q, 1) != 0 || s->n != 1 || s->resps[0].return_value != 0)
		return -1;
	inbox = s->resps[0].u.logon.folder_ids[MHT_FID_INBOX];
	q[0] = mht_rq(ROP_ID_OpenFolder, 0, 1);
	q[0].u.open_folder.folder_id = inbox;
	if (mht_execute(s, mem, q, 1) != 0 || s->n != 1 || s->resps[0].return_value != 0)
		return -1;
	return 0;
}

static struct rop_request set_props(uint8_t in, struct mapi_propval *v, uint16_t count)
{
	struct rop_request q = mht_rq(ROP_ID_SetProperties, in, 0);

	q.u.set_properties.vals.count = count;
	q.u.set_properties.vals.vals = v;
	return q;
}

static struct rop_request get_props(uint8_t in, uint32_t *tags, uint16_t count)
{
	struct rop_request q = mht_rq(ROP_ID_GetPropertiesSpecific, in, 0);

	q.u.get_properties_specific.want_unicode = 1;
	q.u.get_properties_specific.tags.count = count;
	q.u.get_properties_specific.tags.tags = tags;
	return q;
}

static struct rop_request open_message(uint8_t out, uint64_t mid, uint8_t mode)
{
	struct rop_request q = mht_rq(ROP_ID_OpenMessage, 1, out);

	q.u.open_message.code_page_id = 0x0FFF;
	q.u.open_message.folder_id = inbox;
	q.u.open_message.message_id = mid;
	q.u.open_message.open_mode_flags = mode;
	return q;
}

static struct rop_request save_message(uint8_t in)
{
	struct rop_request q = mht_rq(ROP_ID_SaveChangesMessage, in, 0);

	q.response_handle = in;
	q.u.save_changes_message.save_flags = KEEP_OPEN_READ_WRITE;
	return q;
}

/* CreateMessage in the Inbox (handle 2) with a subject, saved, left open.
 * The new message ID, or 0. */
static uint64_t create_message(struct mht_sess *s, TALLOC_CTX *mem, const char *subject)
{
	struct mapi_propval v = {.tag = TAG_SUBJECT, .v.str = (char *)subject};
	struct rop_request q[3];

	q[0] = mht_rq(ROP_ID_CreateMessage, 1, 2);
	q[0].u.create_message.code_page_id = 0x0FFF;
	q[0].u.create_message.folder_id = inbox;
	q[1] = set_props(2, &v, 1);
	q[2] = save_message(2);
	if (mht_execute(s, mem, q, 3) != 0 || s->n != 3 || s->resps[2].return_value != 0)
		return 0;
	return s->resps[2].u.save_changes_message.message_id;
}

/* The subject of mid as session s reads it now, or NULL. */
static const char *read_subject(struct mht_sess *s, TALLOC_CTX *mem, uint64_t mid)
{
	uint32_t tag = TAG_SUBJECT;
	struct rop_request q[3];

	q[0] = open_message(3, mid, 0);
	q[1] = get_props(3, &tag, 1);
	q[2] = mht_rq(ROP_ID_Release, 3, 0);
	if (mht_execute(s, mem, q, 3) != 0 || s->n != 2 || s->resps[1].return_value != 0 ||
	    s->resps[1].u.get_properties_specific.row.vals.vals[0].tag != TAG_SUBJECT)
		return NULL;
	return s->resps[1].u.get_properties_specific.row.vals.vals[0].v.str;
}

/* Whether the Inbox's contents table, opened now by s, lists mid with
 * subject: 1 with that subject, -1 with another, 0 absent or on error. */
static int inbox_lists(struct mht_sess *s, TALLOC_CTX *mem, uint64_t mid, const char *subject)
{
	static uint32_t cols[] = {TAG_MID, TAG_SUBJECT};
	struct rop_request q[4];
	int found = 0;

	q[0] = mht_rq(ROP_ID_GetContentsTable, 1, 4);
	q[0].u.get_contents_table.table_flags = 0x40; /* UseUnicode */
	q[1] = mht_rq(ROP_ID_SetColumns, 4, 0);
	q[1].u.set_columns.tags.count = 2;
	q[1].u.set_columns.tags.tags = cols;
	q[2] = mht_rq(ROP_ID_QueryRows, 4, 0);
	q[2].u.query_rows.forward_read = 1;
	q[2].u.query_rows.row_count = 100;
	q[3] = mht_rq(ROP_ID_Release, 4, 0);
	s->columns.count = 2;
	s->columns.tags = cols;
	if (mht_execute(s, mem, q, 4) != 0 || s->n != 3 || s->resps[2].return_value != 0)
		return 0;
	for (uint32_t i = 0; i < s->resps[2].u.query_rows.rows.count; i++) {
		const struct mapi_propval *v = s->resps[2].u.query_rows.rows.rows[i].vals.vals;

		if ((uint64_t)v[0].v.i64 == mid)
			found = strcmp(v[1].v.str, subject) == 0 ? 1 : -1;
	}
	return found;
}

static void two_sessions(struct mht_sess *a, struct mht_sess *b, TALLOC_CTX *mem)
{
	struct mapi_propval v = {.tag = TAG_SUBJECT, .v.str = (char *)"Changed by B"};
	struct rop_request q[3];
	uint64_t mid;

	test_begin("two sessions of one user see each other's changes");
	mid = create_message(a, mem, "From A");
	test_assert(mid != 0);
	test_assert_int(inbox_lists(b, mem, mid, "From A"), 1);
	test_assert_str(read_subject(b, mem, mid), "From A");
	q[0] = open_message(3, mid, MSG_READ_WRITE);
	q[1] = set_props(3, &v, 1);
	q[2] = save_message(3);
	test_assert_int(mht_execute(b, mem, q, 3), 0);
	test_assert(b->n == 3 && b->resps[1].return_value == 0 && b->resps[2].return_value == 0);
	test_assert_str(read_subject(a, mem, mid), "Changed by B");
	test_assert_int(inbox_lists(a, mem, mid, "Changed by B"), 1);
	/* [MS-OXCFOLD] 2.2.1.11: deleted by B, gone for A */
	q[0] = mht_rq(ROP_ID_DeleteMessages, 1, 0);
	q[0].u.delete_messages.message_ids.count = 1;
	q[0].u.delete_messages.message_ids.ids = &mid;
	test_assert_int(mht_execute(b, mem, q, 1), 0);
	test_assert(b->n == 1 && b->resps[0].return_value == 0 &&
	            b->resps[0].u.delete_messages.partial_completion == 0);
	test_assert_int(inbox_lists(a, mem, mid, "Changed by B"), 0);
	test_assert(read_subject(a, mem, mid) == NULL);
	test_end();
}

static void large_stream(struct mht_sess *a, struct mht_sess *b, TALLOC_CTX *mem)
{
	uint8_t *body = talloc_array(mem, uint8_t, BODY_CHARS * 2);
	uint8_t *back = talloc_zero_array(mem, uint8_t, BODY_CHARS * 2);
	struct rop_request q[4];
	size_t got = 0;
	uint64_t mid;

	test_begin("a 192,000-byte body written and read in 30,000-byte stream pieces");
	for (size_t i = 0; i < BODY_CHARS; i++) {
		body[2 * i] = (uint8_t)("abcdefghijklmnopqrstuvwxyz .\n"[i % 29]);
		body[2 * i + 1] = 0;
	}
	mid = create_message(a, mem, "Long body");
	test_assert(mid != 0);
	q[0] = mht_rq(ROP_ID_OpenStream, 2, 3);
	q[0].u.open_stream.proptag = TAG_BODY;
	q[0].u.open_stream.open_mode_flags = STREAM_CREATE;
	test_assert_int(mht_execute(a, mem, q, 1), 0);
	test_assert(a->n == 1 && a->resps[0].return_value == 0);
	for (size_t off = 0; off < BODY_CHARS * 2; off += PIECE) {
		size_t len = BODY_CHARS * 2 - off < PIECE ? BODY_CHARS * 2 - off : PIECE;

		q[0] = mht_rq(ROP_ID_WriteStream, 3, 0);
		q[0].u.write_stream.data.len = (uint32_t)len;
		q[0].u.write_stream.data.data = body + off;
		test_assert_int(mht_execute(a, mem, q, 1), 0);
		test_assert(a->n == 1 && a->resps[0].return_value == 0 &&
		            a->resps[0].u.write_stream.written_size == len);
	}
	q[0] = mht_rq(ROP_ID_CommitStream, 3, 0);
	q[1] = mht_rq(ROP_ID_Release, 3, 0);
	q[2] = save_message(2);
	test_assert_int(mht_execute(a, mem, q, 3), 0);
	test_assert(a->n == 2 && a->resps[0].return_value == 0 && a->resps[1].return_value == 0);

	/* the other session reads it back piece by piece */
	q[0] = open_message(3, mid, 0);
	q[1] = mht_rq(ROP_ID_OpenStream, 3, 4);
	q[1].u.open_stream.proptag = TAG_BODY;
	q[1].u.open_stream.open_mode_flags = STREAM_READ_ONLY;
	q[2] = mht_rq(ROP_ID_GetStreamSize, 4, 0);
	test_assert_int(mht_execute(b, mem, q, 3), 0);
	test_assert(b->n == 3 && b->resps[1].return_value == 0 && b->resps[2].return_value == 0);
	test_assert_int(b->resps[1].u.open_stream.stream_size, BODY_CHARS * 2);
	test_assert_int(b->resps[2].u.get_stream_size.stream_size, BODY_CHARS * 2);
	for (int rounds = 0; rounds < 20; rounds++) {
		const struct mapi_binary *d;

		q[0] = mht_rq(ROP_ID_ReadStream, 4, 0);
		q[0].u.read_stream.byte_count = PIECE;
		if (mht_execute(b, mem, q, 1) != 0 || b->n != 1 || b->resps[0].return_value != 0)
			break;
		d = &b->resps[0].u.read_stream.data;
		if (d->len == 0 || got + d->len > BODY_CHARS * 2)
			break;
		memcpy(back + got, d->data, d->len);
		got += d->len;
	}
	test_assert_int(got, BODY_CHARS * 2);
	test_assert(memcmp(back, body, BODY_CHARS * 2) == 0);
	q[0] = mht_rq(ROP_ID_Release, 3, 0);
	test_assert_int(mht_execute(b, mem, q, 1), 0);
	test_end();
}

/* GetPropertyIdsFromNames of names on s's logon; ids_r filled.  0 / -1. */
static int ids_of(struct mht_sess *s, TALLOC_CTX *mem, struct mapi_property_name *names,
                  uint16_t count, uint8_t flags, uint16_t *ids_r)
{
	struct rop_request q = mht_rq(ROP_ID_GetPropertyIdsFromNames, 0, 0);

	q.u.get_property_ids_from_names.flags = flags;
	q.u.get_property_ids_from_names.names.count = count;
	q.u.get_property_ids_from_names.names.names = names;
	if (mht_execute(s, mem, &q, 1) != 0 || s->n != 1 || s->resps[0].return_value != 0 ||
	    s->resps[0].u.get_property_ids_from_names.ids.count != count)
		return -1;
	memcpy(ids_r, s->resps[0].u.get_property_ids_from_names.ids.ids, count * sizeof(*ids_r));
	return 0;
}

static void named_properties(struct mht_sess *a, struct mht_sess *b, TALLOC_CTX *mem)
{
	/* PS_PUBLIC_STRINGS and PSETID_Common ([MS-OXPROPS] 1.3.2) */
	struct mapi_property_name names[2] = {{.kind = MNID_STRING, .name = (char *)"X-Stand-In"},
	                                      {.kind = MNID_ID, .lid = 0x8501}};
	uint16_t ids_a[2] = {0}, ids_b[2] = {0};
	struct mapi_propval v[2];
	uint32_t tags[2];
	struct rop_request q[4];
	uint64_t mid;

	test_begin("named properties: one mapping per mailbox, values and names read back");
	test_assert_int(mapi_guid_parse("00020329-0000-0000-c000-000000000046", 36, &names[0].guid),
	                0);
	test_assert_int(mapi_guid_parse("00062008-0000-0000-c000-000000000046", 36, &names[1].guid),
	                0);
	test_assert_int(ids_of(a, mem, names, 2, 0x02 /* create */, ids_a), 0);
	test_assert(ids_a[0] >= FIRST_NAMED_PROP_ID && ids_a[1] >= FIRST_NAMED_PROP_ID &&
	            ids_a[0] != ids_a[1]);
	test_assert_int(ids_of(b, mem, names, 2, 0x00, ids_b), 0);
	test_assert_int(ids_b[0], ids_a[0]);
	test_assert_int(ids_b[1], ids_a[1]);

	tags[0] = PROP_TAG(PT_UNICODE, ids_a[0]);
	tags[1] = PROP_TAG(PT_LONG, ids_a[1]);
	v[0] = (struct mapi_propval){.tag = tags[0], .v.str = (char *)"named value"};
	v[1] = (struct mapi_propval){.tag = tags[1], .v.i32 = 15};
	mid = create_message(a, mem, "Named");
	test_assert(mid != 0);
	q[0] = set_props(2, v, 2);
	q[1] = save_message(2);
	test_assert_int(mht_execute(a, mem, q, 2), 0);
	test_assert(a->n == 2 && a->resps[0].return_value == 0 && a->resps[1].return_value == 0);

	q[0] = open_message(3, mid, 0);
	q[1] = get_props(3, tags, 2);
	q[2] = mht_rq(ROP_ID_GetNamesFromPropertyIds, 3, 0);
	q[2].u.get_names_from_property_ids.ids.count = 2;
	q[2].u.get_names_from_property_ids.ids.ids = ids_b;
	q[3] = mht_rq(ROP_ID_Release, 3, 0);
	test_assert_int(mht_execute(b, mem, q, 4), 0);
	test_assert_int(b->n, 3);
	if (b->n == 3) {
		const struct mapi_propval *got =
		    b->resps[1].u.get_properties_specific.row.vals.vals;
		const struct mapi_property_name *n =
		    b->resps[2].u.get_names_from_property_ids.names.names;

		test_assert_int(b->resps[1].return_value, 0);
		test_assert_str(got[0].v.str, "named value");
		test_assert_int(got[1].v.i32, 15);
		test_assert_int(b->resps[2].return_value, 0);
		test_assert_int(b->resps[2].u.get_names_from_property_ids.names.count, 2);
		test_assert(n[0].kind == MNID_STRING && strcmp(n[0].name, "X-Stand-In") == 0 &&
		            memcmp(&n[0].guid, &names[0].guid, 16) == 0);
		test_assert(n[1].kind == MNID_ID && n[1].lid == 0x8501 &&
		            memcmp(&n[1].guid, &names[1].guid, 16) == 0);
	}
	test_end();
}

/* The attachment table of mid as s sees it: the row count, and the first
 * row's number and file name. */
static int attachments(struct mht_sess *s, TALLOC_CTX *mem, uint64_t mid, int32_t *num_r,
                       const char **name_r)
{
	static uint32_t cols[] = {TAG_ATTACH_NUM, TAG_ATTACH_NAME};
	struct rop_request q[5];
	const struct rop_row_list *rows;

	q[0] = open_message(3, mid, 0);
	q[1] = mht_rq(ROP_ID_GetAttachmentTable, 3, 4);
	q[1].u.get_attachment_table.table_flags = 0x40;
	q[2] = mht_rq(ROP_ID_SetColumns, 4, 0);
	q[2].u.set_columns.tags.count = 2;
	q[2].u.set_columns.tags.tags = cols;
	q[3] = mht_rq(ROP_ID_QueryRows, 4, 0);
	q[3].u.query_rows.forward_read = 1;
	q[3].u.query_rows.row_count = 10;
	q[4] = mht_rq(ROP_ID_Release, 4, 0);
	s->columns.count = 2;
	s->columns.tags = cols;
	if (mht_execute(s, mem, q, 5) != 0 || s->n != 4 || s->resps[3].return_value != 0)
		return -1;
	rows = &s->resps[3].u.query_rows.rows;
	if (rows->count > 0) {
		*num_r = rows->rows[0].vals.vals[0].v.i32;
		*name_r = rows->rows[0].vals.vals[1].v.str;
	}
	return (int)rows->count;
}

static void attachment_round_trip(struct mht_sess *a, struct mht_sess *b, TALLOC_CTX *mem)
{
	uint8_t data[5000];
	struct mapi_propval v[3] = {
	    {.tag = TAG_ATTACH_METHOD, .v.i32 = 1}, /* ATTACH_BY_VALUE, [MS-OXCMSG] 2.2.2.9 */
	    {.tag = TAG_ATTACH_NAME, .v.str = (char *)"notes.txt"},
	    {.tag = TAG_ATTACH_DATA, .v.bin = {sizeof(data), data}}};
	uint32_t tag = TAG_ATTACH_DATA;
	const char *name = NULL;
	struct rop_request q[5];
	int32_t num = -1;
	uint32_t id = 0;
	uint64_t mid;

	test_begin("an attachment saved by one session, listed and read by the other, deleted");
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + 3);
	mid = create_message(a, mem, "With attachment");
	test_assert(mid != 0);
	q[0] = mht_rq(ROP_ID_CreateAttachment, 2, 3);
	q[1] = set_props(3, v, 3);
	q[2] = mht_rq(ROP_ID_SaveChangesAttachment, 3, 0);
	q[2].response_handle = 3;
	q[3] = mht_rq(ROP_ID_Release, 3, 0);
	q[4] = save_message(2);
	test_assert_int(mht_execute(a, mem, q, 5), 0);
	test_assert_int(a->n, 4);
	if (a->n == 4) {
		test_assert_int(a->resps[0].return_value, 0);
		test_assert_int(a->resps[1].return_value, 0);
		test_assert_int(a->resps[2].return_value, 0);
		test_assert_int(a->resps[3].return_value, 0);
		id = a->resps[0].u.create_attachment.attachment_id;
	}
	test_assert_int(attachments(b, mem, mid, &num, &name), 1);
	test_assert_int(num, id);
	test_assert_str(name, "notes.txt");
	q[0] = mht_rq(ROP_ID_OpenAttachment, 3, 4);
	q[0].u.open_attachment.attachment_id = id;
	q[1] = get_props(4, &tag, 1);
	q[2] = mht_rq(ROP_ID_Release, 4, 0);
	q[3] = mht_rq(ROP_ID_Release, 3, 0);
	test_assert_int(mht_execute(b, mem, q, 4), 0);
	test_assert(b->n == 2 && b->resps[0].return_value == 0 && b->resps[1].return_value == 0);
	if (b->n == 2) {
		const struct mapi_propval *d = b->resps[1].u.get_properties_specific.row.vals.vals;

		test_assert_int(d->tag, TAG_ATTACH_DATA);
		test_assert(d->v.bin.len == sizeof(data) && memcmp(d->v.bin.data, data, 5000) == 0);
	}
	q[0] = mht_rq(ROP_ID_DeleteAttachment, 2, 0);
	q[0].u.delete_attachment.attachment_id = id;
	q[1] = save_message(2);
	test_assert_int(mht_execute(a, mem, q, 2), 0);
	test_assert(a->n == 2 && a->resps[0].return_value == 0 && a->resps[1].return_value == 0);
	test_assert_int(attachments(b, mem, mid, &num, &name), 0);
	test_end();
}

static struct rop_recipient_row smtp_row(TALLOC_CTX *mem, uint32_t row_id, uint8_t type,
                                         const char *email, const char *name)
{
	struct rop_recipient *r = talloc_zero(mem, struct rop_recipient);

	/* [MS-OXCDATA] 2.8.3.1: Type SMTP, E, D, strings in UTF-16LE */
	r->flags = ROP_RECIP_U | ROP_RECIP_D | ROP_RECIP_E | ROP_RECIP_SMTP;
	r->email_address = talloc_strdup(mem, email);
	r->display_name = talloc_strdup(mem, name);
	return (struct rop_recipient_row){.row_id = row_id, .recipient_type = type, .row = r};
}

/* Opens mid in s (handle 3) and reads its recipient table with
 * RopReadRecipients, decoded with the RecipientColumns the RopOpenMessage
 * answer named ([MS-OXCMSG] 2.2.3.1.2, 2.2.3.6).  The rows, or NULL. */
static const struct rop_recipient_rows *recipients(struct mht_sess *s, TALLOC_CTX *mem,
                                                   uint64_t mid, uint16_t *open_count_r)
{
	struct rop_request q[2];

	q[0] = open_message(3, mid, 0);
	if (mht_execute(s, mem, q, 1) != 0 || s->n != 1 || s->resps[0].return_value != 0)
		return NULL;
	*open_count_r = s->resps[0].u.open_message.recipient_count;
	s->columns = s->resps[0].u.open_message.recipient_columns;
	q[0] = mht_rq(ROP_ID_ReadRecipients, 3, 0);
	q[0].u.read_recipients.row_id = 0;
	q[1] = mht_rq(ROP_ID_Release, 3, 0);
	if (mht_execute(s, mem, q, 2) != 0 || s->n != 1 || s->resps[0].return_value != 0)
		return NULL;
	return &s->resps[0].u.read_recipients.rows;
}

static void recipients_round_trip(struct mht_sess *a, struct mht_sess *b, TALLOC_CTX *mem)
{
	struct rop_recipient_row rows[2] = {
	    smtp_row(mem, 0, 1 /* To */, "bob@example.com", "Bob"),
	    smtp_row(mem, 1, 2 /* Cc */, "carol@example.com", "Carol")};
	const struct rop_recipient_rows *got;
	struct rop_request q[2];
	uint16_t open_count = 0;
	uint64_t mid;

	test_begin("recipients saved by one session read by the other; one removed");
	mid = create_message(a, mem, "To two");
	test_assert(mid != 0);
	q[0] = mht_rq(ROP_ID_ModifyRecipients, 2, 0);
	q[0].u.modify_recipients.rows.count = 2;
	q[0].u.modify_recipients.rows.rows = rows;
	q[1] = save_message(2);
	test_assert_int(mht_execute(a, mem, q, 2), 0);
	test_assert(a->n == 2 && a->resps[0].return_value == 0 && a->resps[1].return_value == 0);
	got = recipients(b, mem, mid, &open_count);
	test_assert(got != NULL);
	test_assert_int(open_count, 2);
	if (got != NULL) {
		test_assert_int(got->count, 2);
		for (uint16_t i = 0; i < got->count && i < 2; i++) {
			const struct rop_recipient *r = got->rows[i].row;

			test_assert_int(got->rows[i].row_id, i);
			test_assert_int(got->rows[i].recipient_type, rows[i].recipient_type);
			test_assert(r != NULL &&
			            (r->flags & ROP_RECIP_TYPE_MASK) == ROP_RECIP_SMTP);
			test_assert_str(r->email_address, rows[i].row->email_address);
			test_assert_str(r->display_name, rows[i].row->display_name);
		}
	}
	/* [MS-OXCMSG] 3.2.5.5: a row without RecipientRow removes that recipient */
	rows[0].row = NULL;
	q[0].u.modify_recipients.rows.count = 1;
	test_assert_int(mht_execute(a, mem, q, 2), 0);
	test_assert(a->n == 2 && a->resps[0].return_value == 0 && a->resps[1].return_value == 0);
	got = recipients(b, mem, mid, &open_count);
	test_assert(got != NULL && got->count == 1 && open_count == 1);
	if (got != NULL && got->count == 1)
		test_assert_str(got->rows[0].row->display_name, "Carol");
	test_end();
}

int main(int argc, char **argv)
{
	TALLOC_CTX *root = talloc_new(NULL);
	struct mht_sess a, b;
	char *dir;
	int ok = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: %s MAPIHTTPD MAPIADMIN\n", argv[0]);
		return 2;
	}
	mapihttpd = argv[1];
	mapiadmin = argv[2];
	log_set_level(LOG_LEVEL_WARN);
	dir = mht_tempdir(root);
	test_begin("provision, start the daemon, two sessions of Alice's logged on");
	test_assert(dir != NULL && provision(root, dir) == 0);
	test_assert(mht_daemon_start(root, mapihttpd, dir, CONFIG, &daemon_) == 0);
	if (daemon_.pid > 0) {
		ok = open_session(&a, root) == 0 && open_session(&b, root) == 0;
		test_assert(ok);
	}
	test_end();
	if (ok) {
		two_sessions(&a, &b, root);
		large_stream(&a, &b, root);
		named_properties(&a, &b, root);
		attachment_round_trip(&a, &b, root);
		recipients_round_trip(&a, &b, root);
	}
	if (daemon_.pid > 0) {
		test_begin("the daemon stops cleanly");
		test_assert_int(mht_daemon_stop(&daemon_), 0);
		test_end();
	}
	mht_cleanup(dir, &daemon_, test_failed_total_ != 0);
	talloc_free(root);
	return test_exit();
}
