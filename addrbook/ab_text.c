/*
 * ab_text: case folding (ICU), code-page conversion (iconv) and GUID text.
 *
 * [MS-OXNSPI] 3.1.4.3 String Handling: 8-bit strings travel in the code page
 * of the STAT; the server converts.  Comparisons ignore case
 * ([MS-OXNSPI] 2.2.1.6 uses NORM_IGNORECASE), done here by Unicode case
 * folding so that non-ASCII names compare as a user expects.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <unicode/ucasemap.h>

#include "ab_private.h"

char *ab_fold(TALLOC_CTX *mem_ctx, const char *s)
{
	size_t len = strlen(s);
	bool ascii = true;
	for (size_t i = 0; i < len; i++) {
		if ((unsigned char)s[i] >= 0x80) {
			ascii = false;
			break;
		}
	}
	if (ascii) {
		char *out = talloc_strndup(mem_ctx, s, len);
		if (out == NULL)
			return NULL;
		for (size_t i = 0; i < len; i++) {
			if (out[i] >= 'A' && out[i] <= 'Z')
				out[i] = (char)(out[i] - 'A' + 'a');
		}
		return out;
	}
	UErrorCode err = U_ZERO_ERROR;
	UCaseMap *map = ucasemap_open("", U_FOLD_CASE_DEFAULT, &err);
	if (U_FAILURE(err))
		return talloc_strdup(mem_ctx, s);
	int32_t cap = (int32_t)len * 3 + 1;
	char *out = talloc_array(mem_ctx, char, cap);
	if (out != NULL) {
		int32_t n = ucasemap_utf8FoldCase(map, out, cap, s, (int32_t)len, &err);
		if (U_FAILURE(err) || n >= cap) {
			talloc_free(out);
			out = talloc_strdup(mem_ctx, s);
		} else {
			out[n] = '\0';
		}
	}
	ucasemap_close(map);
	return out;
}

/* glibc iconv names of the Windows code pages clients send. */
static void codepage_name(uint32_t codepage, char *buf, size_t size)
{
	switch (codepage) {
	case 65001:
		snprintf(buf, size, "UTF-8");
		break;
	case 20127:
		snprintf(buf, size, "ASCII");
		break;
	case 28591:
	case 28592:
	case 28593:
	case 28594:
	case 28595:
	case 28596:
	case 28597:
	case 28598:
	case 28599:
		snprintf(buf, size, "ISO-8859-%u", codepage - 28590);
		break;
	case 20866:
		snprintf(buf, size, "KOI8-R");
		break;
	case 50220:
		snprintf(buf, size, "ISO-2022-JP");
		break;
	default:
		snprintf(buf, size, "CP%u", codepage);
		break;
	}
}

void ab_conv_close(struct ab_conv *conv)
{
	if (conv->to_cp != (iconv_t)-1 && conv->to_cp != NULL)
		iconv_close(conv->to_cp);
	if (conv->from_cp != (iconv_t)-1 && conv->from_cp != NULL)
		iconv_close(conv->from_cp);
	conv->to_cp = (iconv_t)-1;
	conv->from_cp = (iconv_t)-1;
	conv->codepage = 0;
}

int ab_conv_open(struct ab_conv *conv, uint32_t codepage)
{
	char name[32];
	if (conv->codepage == codepage && conv->to_cp != (iconv_t)-1)
		return 0;
	/* [MS-OXNSPI] 3.1.4.1.x: CP_WINUNICODE is never an 8-bit code page. */
	if (codepage == AB_CP_WINUNICODE || codepage == 0)
		return -1;
	ab_conv_close(conv);
	codepage_name(codepage, name, sizeof(name));
	conv->to_cp = iconv_open(name, "UTF-8");
	conv->from_cp = iconv_open("UTF-8", name);
	if (conv->to_cp == (iconv_t)-1 || conv->from_cp == (iconv_t)-1) {
		ab_conv_close(conv);
		return -1;
	}
	conv->codepage = codepage;
	return 0;
}

static bool is_ascii(const char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s >= 0x80)
			return false;
	}
	return true;
}

/* Runs iconv over the whole input; invalid or unconvertible input becomes
 * '?' when lossy, or fails otherwise. */
static char *convert(TALLOC_CTX *mem_ctx, iconv_t cd, const char *in, bool lossy)
{
	size_t inleft = strlen(in);
	size_t cap = inleft * 4 + 8;
	char *out = talloc_array(mem_ctx, char, cap);
	if (out == NULL)
		return NULL;
	char *inp = (char *)(uintptr_t)in, *outp = out;
	size_t outleft = cap - 1;
	iconv(cd, NULL, NULL, NULL, NULL);
	while (inleft > 0) {
		if (iconv(cd, &inp, &inleft, &outp, &outleft) != (size_t)-1)
			break;
		if (errno == E2BIG || !lossy || outleft == 0) {
			talloc_free(out);
			return NULL;
		}
		/* Skip one UTF-8 sequence and write '?'. */
		*outp++ = '?';
		outleft--;
		inp++;
		inleft--;
		while (inleft > 0 && ((unsigned char)*inp & 0xC0) == 0x80) {
			inp++;
			inleft--;
		}
	}
	*outp = '\0';
	return out;
}

char *ab_to_codepage(TALLOC_CTX *mem_ctx, struct ab_conv *conv, uint32_t codepage, const char *utf8)
{
	if (is_ascii(utf8) || ab_conv_open(conv, codepage) < 0)
		return talloc_strdup(mem_ctx, utf8);
	char *out = convert(mem_ctx, conv->to_cp, utf8, true);
	return out != NULL ? out : talloc_strdup(mem_ctx, "?");
}

char *ab_from_codepage(TALLOC_CTX *mem_ctx, struct ab_conv *conv, uint32_t codepage,
                       const char *bytes)
{
	if (is_ascii(bytes))
		return talloc_strdup(mem_ctx, bytes);
	if (ab_conv_open(conv, codepage) < 0)
		return NULL;
	return convert(mem_ctx, conv->from_cp, bytes, false);
}
