/*
 * Unit tests of the client's RecipientRow ([MS-OXCDATA] 2.8.3,
 * client/mc_recip.c): the row send writes, read back; rows of the other
 * Types (X500DN, AddressType with O); truncated and overlong rows refused.
 */
#include <talloc.h>

#include "mc_message.h"
#include "test.h"

static uint32_t cols_tags[] = {MC_TAG_OBJECT_TYPE, MC_TAG_SMTP_ADDR};
static const struct mapi_proptag_array cols = {2, cols_tags};

static void test_smtp_round_trip(void)
{
	test_begin("recipient row: SMTP row built and parsed back");
	TALLOC_CTX *tmp = talloc_new(NULL);
	char addr[] = "b\xc3\xa9@x.test";
	struct mapi_propval v[2] = {{.tag = MC_TAG_OBJECT_TYPE, .v.i32 = 6},
	                            {.tag = MC_TAG_SMTP_ADDR, .v.str = addr}};
	struct mapi_propval_array props = {2, v};
	struct mapi_binary row;
	struct mc_recipient r;
	test_assert_int(
	    mc_recip_row_build(tmp, "b\xc3\xa9@x.test", "B\xc3\xa9", &cols, &props, &row), 0);
	/* RecipientFlags: Type SMTP 0x3 | E 0x08 | D 0x10 | T 0x20, U 0x0200 */
	test_assert_int(row.data[0], 0x3B);
	test_assert_int(row.data[1], 0x02);
	/* EmailAddress in UTF-16LE right after the flags */
	test_assert(row.data[2] == 'b' && row.data[3] == 0 && row.data[4] == 0xE9);
	test_assert_int(mc_recip_row_parse(tmp, &row, &cols, &r), 0);
	test_assert_str(r.address_type, "SMTP");
	test_assert_str(r.email, "b\xc3\xa9@x.test");
	test_assert_str(r.display_name, "B\xc3\xa9");
	test_assert_str(r.transmittable, "B\xc3\xa9");
	test_assert(r.simple_name == NULL);
	test_assert_int(r.props.count, 2);
	test_assert_int(r.props.vals[0].v.i32, 6);
	test_assert_str(r.props.vals[1].v.str, "b\xc3\xa9@x.test");
	/* one byte short, or one too many: not a RecipientRow */
	row.len--;
	test_assert_int(mc_recip_row_parse(tmp, &row, &cols, &r), -1);
	row.len += 2;
	test_assert_int(mc_recip_row_parse(tmp, &row, &cols, &r), -1);
	test_assert_int(
	    mc_recip_row_build(tmp, "a@x", NULL, &cols, &(struct mapi_propval_array){1, v}, &row),
	    -1);
	talloc_free(tmp);
	test_end();
}

static void test_other_types(void)
{
	test_begin("recipient row: X500DN, AddressType (O), SimpleDisplayName (I), 8-bit strings");
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct mc_recipient r;
	/* Type X500DN | D, 8-bit: AddressPrefixUsed, DisplayType, X500DN,
	 * DisplayName, no columns (RecipientColumnCount 0, PropertyRow Flag) */
	static uint8_t x500[] = {0x11, 0x00, 0x00, 0x00, '/',  'o',  '=', 'X',
	                         0,    'A',  'l',  0,    0x00, 0x00, 0x00};
	struct mapi_binary b = {sizeof(x500), x500};
	test_assert_int(mc_recip_row_parse(tmp, &b, &cols, &r), 0);
	test_assert_str(r.address_type, "EX");
	test_assert_str(r.email, "/o=X");
	test_assert_str(r.display_name, "Al");
	/* Type 0 with O: AddressType "FOO", E, I (SimpleDisplayName) */
	static uint8_t other[] = {0x08, 0x84, 'F', 'O', 'O',  0,    'a', '@',
	                          'b',  0,    's', 0,   0x00, 0x00, 0x00};
	b = (struct mapi_binary){sizeof(other), other};
	test_assert_int(mc_recip_row_parse(tmp, &b, &cols, &r), 0);
	test_assert_str(r.address_type, "FOO");
	test_assert_str(r.email, "a@b");
	test_assert_str(r.simple_name, "s");
	/* a RecipientColumnCount beyond the columns */
	static uint8_t many[] = {0x03, 0x00, 0x03, 0x00};
	b = (struct mapi_binary){sizeof(many), many};
	test_assert_int(mc_recip_row_parse(tmp, &b, &cols, &r), -1);
	talloc_free(tmp);
	test_end();
}

int main(void)
{
	test_smtp_round_trip();
	test_other_types();
	return test_exit();
}
