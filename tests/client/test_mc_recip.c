/*
 * Unit tests of the client's RecipientRow view ([MS-OXCDATA] 2.8.3,
 * client/mc_recip.c): the row send builds, encoded by the codec and read
 * back; rows of the other Types (X500DN, AddressType with O) as the codec
 * decodes them; values that do not encode refused.
 */
#include <talloc.h>

#include "mc_message.h"
#include "test.h"

static uint32_t cols_tags[] = {MC_TAG_OBJECT_TYPE, MC_TAG_SMTP_ADDR};
static const struct mapi_proptag_array cols = {2, cols_tags};

/* Decodes bytes as one RecipientRow over cols into *r_r. */
static int decode(TALLOC_CTX *mem, const uint8_t *b, size_t len, struct mc_recipient *r_r)
{
	struct rop_recipient *row = talloc_zero(mem, struct rop_recipient);
	struct rop_pull p;
	rop_pull_init(&p, mem, b, len);
	if (rop_pull_recipient(&p, &cols, row) != ROP_OK || rop_pull_left(&p) != 0)
		return -1;
	return mc_recip_row_parse(mem, row, r_r);
}

static void test_smtp_round_trip(void)
{
	test_begin("recipient row: SMTP row built, encoded and parsed back");
	TALLOC_CTX *tmp = talloc_new(NULL);
	char addr[] = "b\xc3\xa9@x.test";
	struct mapi_propval v[2] = {{.tag = MC_TAG_OBJECT_TYPE, .v.i32 = 6},
	                            {.tag = MC_TAG_SMTP_ADDR, .v.str = addr}};
	struct mapi_propval_array props = {2, v};
	struct rop_recipient *row;
	struct mc_recipient r;
	struct rop_push w;
	test_assert_int(mc_recip_row_build(tmp, addr, "B\xc3\xa9", &cols, &props, &row), 0);
	rop_push_init_growable(&w, tmp);
	test_assert_int(rop_push_recipient(&w, &cols, row), ROP_OK);
	/* RecipientFlags: Type SMTP 0x3 | E 0x08 | D 0x10 | T 0x20, U 0x0200 */
	test_assert_int(w.data[0], 0x3B);
	test_assert_int(w.data[1], 0x02);
	/* EmailAddress in UTF-16LE right after the flags */
	test_assert(w.data[2] == 'b' && w.data[3] == 0 && w.data[4] == 0xE9);
	test_assert_int(decode(tmp, w.data, w.ofs, &r), 0);
	test_assert_str(r.address_type, "SMTP");
	test_assert_str(r.email, "b\xc3\xa9@x.test");
	test_assert_str(r.display_name, "B\xc3\xa9");
	test_assert_str(r.transmittable, "B\xc3\xa9");
	test_assert(r.simple_name == NULL);
	test_assert_int(r.props.count, 2);
	test_assert_int(r.props.vals[0].v.i32, 6);
	test_assert_str(r.props.vals[1].v.str, "b\xc3\xa9@x.test");
	/* fewer values than columns, or a value of another type: refused */
	test_assert_int(
	    mc_recip_row_build(tmp, "a@x", NULL, &cols, &(struct mapi_propval_array){1, v}, &row),
	    -1);
	test_assert(row == NULL);
	struct mapi_propval bad[2] = {{.tag = MC_TAG_OBJECT_TYPE, .v.i32 = 6},
	                              {.tag = MC_TAG_SMTP_ADDR, .v.str = NULL}};
	test_assert_int(
	    mc_recip_row_build(tmp, "a@x", NULL, &cols, &(struct mapi_propval_array){2, bad}, &row),
	    -1);
	talloc_free(tmp);
	test_end();
}

static void test_other_types(void)
{
	test_begin(
	    "recipient row: X500DN, AddressType (O), SimpleDisplayName (I), S, 8-bit strings");
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct mc_recipient r;
	/* Type X500DN | D, 8-bit: AddressPrefixUsed, DisplayType, X500DN,
	 * DisplayName, no columns (RecipientColumnCount 0, PropertyRow Flag) */
	static const uint8_t x500[] = {0x11, 0x00, 0x00, 0x00, '/',  'o',  '=', 'X',
	                               0,    'A',  'l',  0,    0x00, 0x00, 0x00};
	test_assert_int(decode(tmp, x500, sizeof(x500), &r), 0);
	test_assert_str(r.address_type, "EX");
	test_assert_str(r.email, "/o=X");
	test_assert_str(r.display_name, "Al");
	test_assert(r.transmittable == NULL);
	/* Type 0 with O: AddressType "FOO", E, I (SimpleDisplayName) */
	static const uint8_t other[] = {0x08, 0x84, 'F', 'O', 'O',  0,    'a', '@',
	                                'b',  0,    's', 0,   0x00, 0x00, 0x00};
	test_assert_int(decode(tmp, other, sizeof(other), &r), 0);
	test_assert_str(r.address_type, "FOO");
	test_assert_str(r.email, "a@b");
	test_assert_str(r.simple_name, "s");
	/* S without T: the transmittable name is the display name */
	static const uint8_t same[] = {0x53, 0x00, 'N', 0, 0x00, 0x00, 0x00};
	test_assert_int(decode(tmp, same, sizeof(same), &r), 0);
	test_assert_str(r.address_type, "SMTP");
	test_assert_str(r.display_name, "N");
	test_assert_str(r.transmittable, "N");
	/* a RecipientColumnCount beyond the columns is not a row */
	static const uint8_t many[] = {0x03, 0x00, 0x03, 0x00};
	test_assert_int(decode(tmp, many, sizeof(many), &r), -1);
	talloc_free(tmp);
	test_end();
}

int main(void)
{
	test_smtp_round_trip();
	test_other_types();
	return test_exit();
}
