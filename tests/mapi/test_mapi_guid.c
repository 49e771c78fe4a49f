/* mapi_guid: the text form of a GUID held in wire order. */
#include <string.h>

#include "mapi_guid.h"
#include "test.h"

/* [MS-DTYP] 2.3.4.3 (from [RFC4122] section 3): the text
 * f81d4fae-7dec-11d0-a765-00a0c91e6bf6; its wire form ([MS-DTYP] 2.3.4.2)
 * has Data1..Data3 little-endian. */
static const struct mapi_guid rfc_example = {{0xae, 0x4f, 0x1d, 0xf8, 0xec, 0x7d, 0xd0, 0x11, 0xa7,
                                              0x65, 0x00, 0xa0, 0xc9, 0x1e, 0x6b, 0xf6}};

int main(void)
{
	static const char text[] = "f81d4fae-7dec-11d0-a765-00a0c91e6bf6";
	char out[MAPI_GUID_TEXT_SIZE];
	struct mapi_guid g;

	test_begin("format the [MS-DTYP] 2.3.4.3 example");
	memset(out, 'x', sizeof(out));
	mapi_guid_format(&rfc_example, out);
	test_assert_str(out, text);
	test_end();

	test_begin("parse it back, either case, and as the start of a MailboxId");
	memset(&g, 0, sizeof(g));
	test_assert_int(mapi_guid_parse(text, strlen(text), &g), 0);
	test_assert(memcmp(g.b, rfc_example.b, 16) == 0);
	memset(&g, 0, sizeof(g));
	test_assert_int(mapi_guid_parse("F81D4FAE-7DEC-11D0-A765-00A0C91E6BF6", 36, &g), 0);
	test_assert(memcmp(g.b, rfc_example.b, 16) == 0);
	memset(&g, 0, sizeof(g));
	test_assert_int(mapi_guid_parse("f81d4fae-7dec-11d0-a765-00a0c91e6bf6@x.test", 36, &g), 0);
	test_assert(memcmp(g.b, rfc_example.b, 16) == 0);
	test_end();

	test_begin("malformed text is refused and leaves the GUID untouched");
	{
		static const char *const bad[] = {
		    "",
		    "f81d4fae-7dec-11d0-a765-00a0c91e6bf",   /* short */
		    "f81d4fae-7dec-11d0-a765-00a0c91e6bf67", /* long */
		    "f81d4fae 7dec-11d0-a765-00a0c91e6bf6",  /* separator */
		    "f81d4fae-7dec-11d0-a765-00a0c91e6bg6",  /* not hex */
		    "-f81d4fae7dec-11d0-a765-00a0c91e6bf6",  /* dash moved */
		    "{81d4fae-7dec-11d0-a765-00a0c91e6bf6}",
		};
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			memset(&g, 0x5A, sizeof(g));
			test_assert_int(mapi_guid_parse(bad[i], strlen(bad[i]), &g), -1);
			test_assert(g.b[0] == 0x5A && g.b[15] == 0x5A);
		}
		/* a length that runs past the end of the string */
		test_assert_int(mapi_guid_parse("f81d4fae", 36, &g), -1);
	}
	test_end();
	return test_exit();
}
