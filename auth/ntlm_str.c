/*
 * ntlm_str: UTF-8 <-> UTF-16LE for NTLM's strings ([MS-NLMP] 2.2: with
 * NTLMSSP_NEGOTIATE_UNICODE every string is UTF-16LE without terminator).
 */
#include <string.h>

#include <unicode/uchar.h>

#include "ntlm_private.h"

static int utf8_next(const uint8_t *s, size_t len, size_t *ofs, uint32_t *cp_r)
{
	size_t i = *ofs, n;
	uint32_t cp;
	uint8_t c = s[i];

	if (c < 0x80) {
		cp = c;
		n = 1;
	} else if ((c & 0xe0) == 0xc0) {
		cp = c & 0x1f;
		n = 2;
	} else if ((c & 0xf0) == 0xe0) {
		cp = c & 0x0f;
		n = 3;
	} else if ((c & 0xf8) == 0xf0) {
		cp = c & 0x07;
		n = 4;
	} else {
		return -1;
	}
	if (len - i < n)
		return -1;
	for (size_t k = 1; k < n; k++) {
		if ((s[i + k] & 0xc0) != 0x80)
			return -1;
		cp = (cp << 6) | (s[i + k] & 0x3f);
	}
	/* Overlong forms, surrogates and values beyond U+10FFFF. */
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return -1;
	*ofs = i + n;
	*cp_r = cp;
	return 0;
}

int ntlm_utf8_to_utf16le(TALLOC_CTX *mem_ctx, const char *in, uint8_t **out_r, size_t *len_r)
{
	const uint8_t *s = (const uint8_t *)in;
	size_t len = strlen(in), ofs = 0, o = 0;
	/* Each UTF-8 byte yields at most 2 bytes of UTF-16 (4-byte sequences
	 * become one surrogate pair of 4 bytes). */
	uint8_t *out = talloc_array(mem_ctx, uint8_t, len * 2 + 1);
	uint32_t cp;

	if (out == NULL)
		return -1;
	while (ofs < len) {
		if (utf8_next(s, len, &ofs, &cp) < 0) {
			talloc_free(out);
			return -1;
		}
		if (cp >= 0x10000) {
			uint32_t v = cp - 0x10000;
			uint16_t hi = (uint16_t)(0xd800 | (v >> 10)),
			         lo = (uint16_t)(0xdc00 | (v & 0x3ff));

			out[o++] = (uint8_t)hi;
			out[o++] = (uint8_t)(hi >> 8);
			out[o++] = (uint8_t)lo;
			out[o++] = (uint8_t)(lo >> 8);
		} else {
			out[o++] = (uint8_t)cp;
			out[o++] = (uint8_t)(cp >> 8);
		}
	}
	*out_r = out;
	*len_r = o;
	return 0;
}

int ntlm_utf16le_to_utf8(TALLOC_CTX *mem_ctx, const uint8_t *in, size_t len, char **out_r)
{
	/* Each UTF-16 unit yields at most 3 bytes of UTF-8. */
	char *out;
	size_t o = 0;

	if (len % 2 != 0)
		return -1;
	out = talloc_array(mem_ctx, char, len / 2 * 3 + 1);
	if (out == NULL)
		return -1;
	for (size_t i = 0; i < len; i += 2) {
		uint32_t cp = (uint32_t)in[i] | ((uint32_t)in[i + 1] << 8);

		if (cp >= 0xd800 && cp <= 0xdbff) {
			uint32_t lo;

			if (len - i < 4)
				goto bad;
			lo = (uint32_t)in[i + 2] | ((uint32_t)in[i + 3] << 8);
			if (lo < 0xdc00 || lo > 0xdfff)
				goto bad;
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			i += 2;
		} else if (cp >= 0xdc00 && cp <= 0xdfff) {
			goto bad;
		}
		/* NUL inside a name would cut it short in C strings. */
		if (cp == 0)
			goto bad;
		if (cp < 0x80) {
			out[o++] = (char)cp;
		} else if (cp < 0x800) {
			out[o++] = (char)(0xc0 | (cp >> 6));
			out[o++] = (char)(0x80 | (cp & 0x3f));
		} else if (cp < 0x10000) {
			out[o++] = (char)(0xe0 | (cp >> 12));
			out[o++] = (char)(0x80 | ((cp >> 6) & 0x3f));
			out[o++] = (char)(0x80 | (cp & 0x3f));
		} else {
			out[o++] = (char)(0xf0 | (cp >> 18));
			out[o++] = (char)(0x80 | ((cp >> 12) & 0x3f));
			out[o++] = (char)(0x80 | ((cp >> 6) & 0x3f));
			out[o++] = (char)(0x80 | (cp & 0x3f));
		}
	}
	out[o] = '\0';
	*out_r = out;
	return 0;
bad:
	talloc_free(out);
	return -1;
}

/* [MS-NLMP] 3.3.2 Uppercase(User): Windows upper-cases UTF-16 code units
 * one by one with its simple case mapping table; ICU's u_toupper() is the
 * Unicode simple uppercase mapping.  Surrogates and mappings leaving the
 * BMP keep the unit as it is. */
static uint16_t upper_unit(uint16_t c)
{
	UChar32 u;

	if (c >= 0xd800 && c <= 0xdfff)
		return c;
	u = u_toupper((UChar32)c);
	return u >= 0 && u <= 0xffff ? (uint16_t)u : c;
}

void ntlm_utf16le_upper(uint8_t *s, size_t len)
{
	for (size_t i = 0; len - i >= 2; i += 2) {
		uint16_t c = upper_unit((uint16_t)(s[i] | (s[i + 1] << 8)));

		s[i] = (uint8_t)c;
		s[i + 1] = (uint8_t)(c >> 8);
	}
}
