#include "mapi_guid.h"

#include <stdio.h>
#include <string.h>

/* Byte of the wire form that each hex pair of the text, in order, names:
 * Data1..Data3 are little-endian ([MS-DTYP] 2.3.4.2). */
static const uint8_t text_order[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};

void mapi_guid_format(const struct mapi_guid *guid, char out[MAPI_GUID_TEXT_SIZE])
{
	const uint8_t *b = guid->b;

	snprintf(out, MAPI_GUID_TEXT_SIZE,
	         "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
	         b[text_order[0]], b[text_order[1]], b[text_order[2]], b[text_order[3]],
	         b[text_order[4]], b[text_order[5]], b[text_order[6]], b[text_order[7]], b[8], b[9],
	         b[10], b[11], b[12], b[13], b[14], b[15]);
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int mapi_guid_parse(const char *text, size_t len, struct mapi_guid *guid_r)
{
	struct mapi_guid g;
	unsigned n = 0;

	if (len != MAPI_GUID_TEXT_SIZE - 1 || strnlen(text, len) != len)
		return -1;
	for (size_t i = 0; i < MAPI_GUID_TEXT_SIZE - 1;) {
		int hi, lo;

		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (text[i++] != '-')
				return -1;
			continue;
		}
		hi = hex_digit(text[i]);
		lo = hex_digit(text[i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		g.b[text_order[n++]] = (uint8_t)(hi << 4 | lo);
		i += 2;
	}
	*guid_r = g;
	return 0;
}
