/*
 * Tests of the RecipientRow codec ([MS-OXCDATA] 2.8.3, rop_recipient.c)
 * and the ROP bodies that carry it, and of the MessageReadStates and
 * LongTermIdRanges lists ([MS-OXCROPS] 2.2.13.3.1, 2.2.13.12.1): byte
 * examples decoded field by field, re-encoded byte for byte, cut at every
 * length, and the malformed cases refused.
 */
#include <string.h>

#include "rop.h"
#include "rop_print.h"
#include "test.h"

#define PR_TRACK_STATUS PROP_TAG(PT_LONG, 0x5FFF)
#define PR_SMTP_ADDRESS PROP_TAG(PT_UNICODE, 0x39FE)

static uint32_t col_tags[] = {PR_TRACK_STATUS, PR_SMTP_ADDRESS};
static const struct mapi_proptag_array cols = {2, col_tags};

/* Type SMTP | E | D | S | U | I: EmailAddress "a@b", DisplayName "Al",
 * SimpleDisplayName "al", one of the two columns (the 32-bit value 7). */
static const uint8_t smtp_row[] = {0x5B, 0x06,                           /* RecipientFlags */
                                   'a',  0,    '@',  0,    'b', 0, 0, 0, /* EmailAddress */
                                   'A',  0,    'l',  0,    0,   0,       /* DisplayName */
                                   'a',  0,    'l',  0,    0,   0,       /* SimpleDisplayName */
                                   0x01, 0x00,                           /* RecipientColumnCount */
                                   0x00, 0x07, 0x00, 0x00, 0x00}; /* StandardPropertyRow: 7 */

/* Type X500DN | D | R | N, 8-bit: AddressPrefixUsed 4, DisplayType 0,
 * X500DN "/cn=x", DisplayName "X", no columns. */
static const uint8_t x500_row[] = {0x91, 0x01, 0x04, 0x00, '/',  'c',  'n', '=',
                                   'x',  0,    'X',  0,    0x00, 0x00, 0x00};

/* Type PersonalDistributionList1 | T: EntryID {1,2}, SearchKey {3},
 * TransmittableDisplayName "L", no columns. */
static const uint8_t pdl_row[] = {0x26, 0x00, 0x02, 0x00, 0x01, 0x02, 0x01,
                                  0x00, 0x03, 'L',  0,    0x00, 0x00, 0x00};

/* Type NoType | O | E | U: AddressType "FAX2", EmailAddress "9", both
 * columns, the second missing (a flagged row). */
static const uint8_t other_row[] = {0x08, 0x82, 'F',  0,    'A',  0,    'X',  0,    '2',  0,
                                    0,    0,    '9',  0,    0,    0,    0x02, 0x00, 0x01, 0x00,
                                    0x01, 0x00, 0x00, 0x00, 0x0A, 0x0F, 0x01, 0x04, 0x80};

static enum rop_err decode(TALLOC_CTX *mem, const uint8_t *b, size_t len,
                           const struct mapi_proptag_array *c, struct rop_recipient *r)
{
	struct rop_pull p;
	rop_pull_init(&p, mem, b, len);
	enum rop_err err = rop_pull_recipient(&p, c, r);
	if (err == ROP_OK && rop_pull_left(&p) != 0)
		return ROP_E_TRAILING;
	return err;
}

/* Decodes, re-encodes byte for byte, and fails cut at every length. */
static void check_round_trip(TALLOC_CTX *mem, const uint8_t *b, size_t len)
{
	struct rop_recipient r;
	struct rop_push w;

	test_assert_int(decode(mem, b, len, &cols, &r), ROP_OK);
	rop_push_init_growable(&w, mem);
	test_assert_int(rop_push_recipient(&w, &cols, &r), ROP_OK);
	test_assert(w.ofs == len && memcmp(w.data, b, len) == 0);
	for (size_t cut = 0; cut < len; cut++)
		test_assert(decode(mem, b, cut, &cols, &r) != ROP_OK);
}

static void test_fields(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct rop_recipient r;

	test_begin("RecipientRow: each Type's fields and the flags that select the strings");
	test_assert_int(decode(mem, smtp_row, sizeof(smtp_row), &cols, &r), ROP_OK);
	test_assert_int(r.flags & ROP_RECIP_TYPE_MASK, ROP_RECIP_SMTP);
	test_assert_str(r.email_address, "a@b");
	test_assert_str(r.display_name, "Al");
	test_assert_str(r.simple_display_name, "al");
	/* S: no TransmittableDisplayName field of its own */
	test_assert(r.transmittable_display_name == NULL);
	test_assert_int(r.props.vals.count, 1);
	test_assert_int(r.props.vals.vals[0].tag, PR_TRACK_STATUS);
	test_assert_int(r.props.vals.vals[0].v.i32, 7);
	test_assert_int(decode(mem, x500_row, sizeof(x500_row), &cols, &r), ROP_OK);
	test_assert_int(r.flags & ROP_RECIP_TYPE_MASK, ROP_RECIP_X500DN);
	test_assert((r.flags & (ROP_RECIP_R | ROP_RECIP_N)) == (ROP_RECIP_R | ROP_RECIP_N));
	test_assert_int(r.address_prefix_used, 4);
	test_assert_str(r.x500dn, "/cn=x");
	test_assert_str(r.display_name, "X");
	test_assert_int(r.props.vals.count, 0);
	test_assert_int(decode(mem, pdl_row, sizeof(pdl_row), &cols, &r), ROP_OK);
	test_assert_int(r.entry_id.len, 2);
	test_assert_int(r.entry_id.data[1], 0x02);
	test_assert_int(r.search_key.len, 1);
	test_assert_str(r.transmittable_display_name, "L");
	test_assert_int(decode(mem, other_row, sizeof(other_row), &cols, &r), ROP_OK);
	test_assert_str(r.address_type, "FAX2");
	test_assert_str(r.email_address, "9");
	test_assert_int(r.props.flag, 0x01);
	test_assert_int(r.props.vals.count, 2);
	test_assert_int(PROP_TYPE(r.props.vals.vals[1].tag), PT_ERROR);
	test_end();
	talloc_free(mem);
}

static void test_round_trips(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);

	test_begin("RecipientRow: byte-exact round trips, truncation at every length");
	check_round_trip(mem, smtp_row, sizeof(smtp_row));
	check_round_trip(mem, x500_row, sizeof(x500_row));
	check_round_trip(mem, pdl_row, sizeof(pdl_row));
	check_round_trip(mem, other_row, sizeof(other_row));
	test_end();
	talloc_free(mem);
}

static void test_refused(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct rop_recipient r;
	struct rop_push w;
	uint8_t b[sizeof(smtp_row)];

	test_begin("RecipientRow: more columns than RecipientColumns, missing fields refused");
	/* RecipientColumnCount 3 of 2 columns; of no known columns */
	memcpy(b, smtp_row, sizeof(b));
	b[22] = 3;
	test_assert_int(decode(mem, b, sizeof(b), &cols, &r), ROP_E_INVALID);
	test_assert_int(decode(mem, smtp_row, sizeof(smtp_row), NULL, &r), ROP_E_UNSUPPORTED);
	/* a row without properties needs no columns */
	test_assert_int(decode(mem, x500_row, sizeof(x500_row), NULL, &r), ROP_OK);
	/* a string the flags select but the struct lacks */
	test_assert_int(decode(mem, smtp_row, sizeof(smtp_row), &cols, &r), ROP_OK);
	rop_push_init_growable(&w, mem);
	r.simple_display_name = NULL;
	test_assert_int(rop_push_recipient(&w, &cols, &r), ROP_E_INVALID);
	r.simple_display_name = (char *)"al";
	test_assert_int(rop_push_recipient(&w, NULL, &r), ROP_E_INVALID);
	test_end();
	talloc_free(mem);
}

/* RopOpenMessage's response: the rows in the body's own RecipientColumns;
 * RopReadRecipients': in the context's; RopModifyRecipients' request: a
 * row of RecipientRowSize 0 removes the recipient. */
static void test_in_rops(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct rop_decode_ctx dctx = {.columns = &cols};
	struct rop_encode_ctx ectx = {.columns = &cols};
	struct rop_response resp, back;
	struct rop_request req, qback;
	struct rop_recipient_row rows[2];
	struct rop_push w, w2;
	struct rop_pull p;

	test_begin("RecipientRows in RopOpenMessage, RopReadRecipients, RopModifyRecipients");
	memset(rows, 0, sizeof(rows));
	rows[0].row = talloc_zero(mem, struct rop_recipient);
	test_assert_int(decode(mem, smtp_row, sizeof(smtp_row), &cols, rows[0].row), ROP_OK);
	rows[0].recipient_type = 1;
	rows[0].code_page_id = 0x04B0;
	memset(&resp, 0, sizeof(resp));
	resp.rop_id = ROP_ID_OpenMessage;
	resp.u.open_message.recipient_count = 1;
	resp.u.open_message.recipient_columns = cols;
	resp.u.open_message.recipient_rows.count = 1;
	resp.u.open_message.recipient_rows.rows = rows;
	rop_push_init_growable(&w, mem);
	/* no context needed: the columns travel in the body */
	test_assert_int(rop_push_response(&w, &resp, NULL), ROP_OK);
	rop_pull_init(&p, mem, w.data, w.ofs);
	test_assert_int(rop_pull_response(&p, NULL, NULL, &back), ROP_OK);
	test_assert_int(back.u.open_message.recipient_rows.count, 1);
	test_assert_str(back.u.open_message.recipient_rows.rows[0].row->display_name, "Al");
	test_assert_int(back.u.open_message.recipient_rows.rows[0].row->props.vals.vals[0].v.i32,
	                7);
	/* RecipientRowSize is that of the row */
	test_assert(memmem(w.data, w.ofs, smtp_row, sizeof(smtp_row)) != NULL);
	/* a RecipientRowSize of 0 is no RecipientRow here */
	rows[0].row = NULL;
	test_assert_int(rop_push_response(&w, &resp, NULL), ROP_E_INVALID);
	rows[0].row = back.u.open_message.recipient_rows.rows[0].row;
	/* ReadRecipients: the context's columns */
	memset(&resp, 0, sizeof(resp));
	resp.rop_id = ROP_ID_ReadRecipients;
	resp.u.read_recipients.rows.count = 1;
	resp.u.read_recipients.rows.rows = rows;
	rop_push_init_growable(&w, mem);
	test_assert_int(rop_push_response(&w, &resp, &ectx), ROP_OK);
	rop_pull_init(&p, mem, w.data, w.ofs);
	test_assert_int(rop_pull_response(&p, NULL, &dctx, &back), ROP_OK);
	rop_push_init_growable(&w2, mem);
	test_assert_int(rop_push_response(&w2, &back, &ectx), ROP_OK);
	test_assert(w2.ofs == w.ofs && memcmp(w.data, w2.data, w.ofs) == 0);
	/* without them a row with properties cannot be read */
	rop_pull_init(&p, mem, w.data, w.ofs);
	test_assert_int(rop_pull_response(&p, NULL, NULL, &back), ROP_E_UNSUPPORTED);
	/* one byte more inside RecipientRowSize: trailing bytes */
	uint8_t *grown = talloc_array(mem, uint8_t, w.ofs + 1);
	memcpy(grown, w.data, w.ofs);
	grown[w.ofs] = 0;
	grown[16]++; /* RecipientRowSize: after the header, RowCount .. Reserved */
	rop_pull_init(&p, mem, grown, w.ofs + 1);
	test_assert_int(rop_pull_response(&p, NULL, &dctx, &back), ROP_E_TRAILING);
	/* ModifyRecipients: one row, one removal */
	memset(&req, 0, sizeof(req));
	req.rop_id = ROP_ID_ModifyRecipients;
	req.u.modify_recipients.recipient_columns = cols;
	rows[1].row_id = 4;
	req.u.modify_recipients.rows.count = 2;
	req.u.modify_recipients.rows.rows = rows;
	rop_push_init_growable(&w, mem);
	test_assert_int(rop_push_request(&w, &req), ROP_OK);
	rop_pull_init(&p, mem, w.data, w.ofs);
	test_assert_int(rop_pull_request(&p, &qback), ROP_OK);
	test_assert_int(qback.u.modify_recipients.rows.count, 2);
	test_assert(qback.u.modify_recipients.rows.rows[0].row != NULL);
	test_assert(qback.u.modify_recipients.rows.rows[1].row == NULL);
	test_assert_int(qback.u.modify_recipients.rows.rows[1].row_id, 4);
	/* the last bytes: RowId 4, RecipientType 0, RecipientRowSize 0 */
	test_assert(w.ofs > 7 && memcmp(w.data + w.ofs - 7, "\x04\0\0\0\0\0\0", 7) == 0);
	for (size_t cut = 0; cut < w.ofs; cut++) {
		rop_pull_init(&p, mem, w.data, cut);
		test_assert(rop_pull_request(&p, &qback) != ROP_OK);
	}
	test_end();
	talloc_free(mem);
}

static void test_print(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct rop_recipient_row row = {.recipient_type = 2};
	struct rop_response resp;
	struct rop_printer pr;

	test_begin("rop_print: a RecipientRow field by field");
	row.row = talloc_zero(mem, struct rop_recipient);
	test_assert_int(decode(mem, x500_row, sizeof(x500_row), &cols, row.row), ROP_OK);
	memset(&resp, 0, sizeof(resp));
	resp.rop_id = ROP_ID_ReadRecipients;
	resp.u.read_recipients.rows.count = 1;
	resp.u.read_recipients.rows.rows = &row;
	rop_printer_init(&pr, mem);
	rop_print_response(&pr, &resp);
	test_assert(strstr(pr.text, "RecipientFlags: 0x0191 (Type X500DN R D N)") != NULL);
	test_assert(strstr(pr.text, "AddressPrefixUsed: 4") != NULL);
	test_assert(strstr(pr.text, "X500DN: \"/cn=x\"") != NULL);
	test_assert(strstr(pr.text, "DisplayName: \"X\"") != NULL);
	test_assert(strstr(pr.text, "RecipientColumnCount: 0") != NULL);
	test_end();
	talloc_free(mem);
}

/* [MS-OXCROPS] 2.2.13.3.1 and 2.2.13.12.1 */
static void test_ics_lists(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	/* RopSynchronizationImportReadStateChanges: two MessageReadStates */
	static const uint8_t read_states[] = {
	    0x80, 0x00, 0x01, 0x0B, 0x00,        /* header, MessageReadStatesSize 11 */
	    0x02, 0x00, 0xAA, 0xBB, 0x01,        /* MessageId {AA BB}, MarkAsRead */
	    0x03, 0x00, 0x00, 0x00, 0x00, 0x00}; /* MessageId {0 0 0}, unread */
	/* RopSetLocalReplicaMidsetDeleted: one LongTermIdRange */
	uint8_t ranges[3 + 2 + 4 + 48] = {0x93, 0x00, 0x01, 52, 0x00, 0x01, 0x00, 0x00, 0x00};
	struct rop_request req;
	struct rop_push w;
	struct rop_pull p;

	memset(ranges + 9, 0x11, 24);
	memset(ranges + 33, 0x22, 24);
	test_begin("MessageReadStates and LongTermIdRanges decoded, re-encoded, cut, refused");
	rop_pull_init(&p, mem, read_states, sizeof(read_states));
	test_assert_int(rop_pull_request(&p, &req), ROP_OK);
	const struct rop_message_read_states *rs =
	    &req.u.synchronization_import_read_state_changes.message_read_states;
	test_assert_int(rs->count, 2);
	test_assert_int(rs->states[0].message_id.len, 2);
	test_assert_int(rs->states[0].message_id.data[1], 0xBB);
	test_assert_int(rs->states[0].mark_as_read, 1);
	test_assert_int(rs->states[1].message_id.len, 3);
	test_assert_int(rs->states[1].mark_as_read, 0);
	rop_push_init_growable(&w, mem);
	test_assert_int(rop_push_request(&w, &req), ROP_OK);
	test_assert(w.ofs == sizeof(read_states) && memcmp(w.data, read_states, w.ofs) == 0);
	for (size_t cut = 0; cut < sizeof(read_states); cut++) {
		rop_pull_init(&p, mem, read_states, cut);
		test_assert(rop_pull_request(&p, &req) != ROP_OK);
	}
	/* a MessageReadStatesSize that ends inside an entry */
	uint8_t bad[sizeof(read_states)];
	memcpy(bad, read_states, sizeof(bad));
	bad[3] = 0x0A;
	rop_pull_init(&p, mem, bad, sizeof(bad) - 1);
	test_assert(rop_pull_request(&p, &req) != ROP_OK);

	rop_pull_init(&p, mem, ranges, sizeof(ranges));
	test_assert_int(rop_pull_request(&p, &req), ROP_OK);
	const struct rop_long_term_id_ranges *lr =
	    &req.u.set_local_replica_midset_deleted.long_term_id_ranges;
	test_assert_int(lr->count, 1);
	test_assert_int(lr->ranges[0].min.globcnt[0], 0x11);
	test_assert_int(lr->ranges[0].max.guid.b[15], 0x22);
	rop_push_init_growable(&w, mem);
	test_assert_int(rop_push_request(&w, &req), ROP_OK);
	test_assert(w.ofs == sizeof(ranges) && memcmp(w.data, ranges, w.ofs) == 0);
	for (size_t cut = 0; cut < sizeof(ranges); cut++) {
		rop_pull_init(&p, mem, ranges, cut);
		test_assert(rop_pull_request(&p, &req) != ROP_OK);
	}
	/* LongTermIdRangeCount that does not match DataSize */
	ranges[5] = 2;
	rop_pull_init(&p, mem, ranges, sizeof(ranges));
	test_assert_int(rop_pull_request(&p, &req), ROP_E_INVALID);
	test_end();
	talloc_free(mem);
}

int main(void)
{
	test_fields();
	test_round_trips();
	test_refused();
	test_in_rops();
	test_print();
	test_ics_lists();
	return test_exit();
}
