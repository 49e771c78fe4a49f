/*
 * ab_template: the address-book display templates of [MS-OXOABKT] that
 * GetTemplateInfo ([MS-OXNSPI] 3.1.4.1.18) returns, built in code.
 *
 * Evidence for serving a template rather than an error: [MS-OXOABKT] 4.2
 * shows Outlook asking for the mail-user template (ulType DT_MAILUSER,
 * dwFlags 0x61 = TI_TEMPLATE | TI_HELPFILE_NAME | TI_HELPFILE_CONTENTS) and
 * building the details dialog from PidTagTemplateData; 3.2.1.1 has the
 * server keep one template per display type.  Gromox, an open server that
 * Outlook runs against, ships such templates and answers InvalidLocale
 * (MAPI_E_UNKNOWN_LCID) when it has none for a type; that answer is kept
 * here for the types this server has no template for.
 *
 * Format ([MS-OXOABKT] 2.2.2): a header (Version 1, control count), one
 * 36-byte record per control (XPos, DeltaX, YPos, DeltaY in dialog units,
 * ControlType, ControlFlags, then the control structure: property tag,
 * maximum length, offset of the control's string), then the strings, 8-bit
 * in the requested code page (UTF-16LE for CP_WINUNICODE).
 */
#include <string.h>

#include "ab_private.h"

/* [MS-OXOABKT] 2.2.2.1 control types and 2.2.2.2 control flags. */
enum {
	DTCT_LABEL = 0x0,
	DTCT_EDIT = 0x1,
	DTCT_PAGE = 0x8,
	DTCT_MVLISTBOX = 0xB,
};
#define DT_MULTILINE 0x1u

/* PidTagTemplateData ([MS-OXPROPS] 2.1030). */
#define PR_TEMPLATE_DATA             PROP_TAG(PT_BINARY, 0x0001)
#define PR_TITLE                     PROP_TAG(PT_UNICODE, 0x3A17)
#define PR_BUSINESS_TELEPHONE_NUMBER PROP_TAG(PT_UNICODE, 0x3A08)

struct control {
	uint32_t x, w, y, h, type, flags, tag, maxlen;
	const char *text; /* label text, or the edit pattern */
};

/* The General and E-mail Addresses pages of a mail user's details. */
static const struct control mailuser_controls[] = {
    {0, 0, 0, 0, DTCT_PAGE, 0, 0, 0, "General"},
    {8, 60, 10, 8, DTCT_LABEL, 0, 0, 0, "Display name:"},
    {72, 180, 8, 12, DTCT_EDIT, 0, PR_DISPLAY_NAME, 256, "*"},
    {8, 60, 28, 8, DTCT_LABEL, 0, 0, 0, "Alias:"},
    {72, 180, 26, 12, DTCT_EDIT, 0, PR_ACCOUNT, 256, "*"},
    {8, 60, 46, 8, DTCT_LABEL, 0, 0, 0, "E-mail:"},
    {72, 180, 44, 12, DTCT_EDIT, 0, PR_SMTP_ADDRESS, 256, "*"},
    {8, 60, 64, 8, DTCT_LABEL, 0, 0, 0, "Title:"},
    {72, 180, 62, 12, DTCT_EDIT, 0, PR_TITLE, 256, "*"},
    {8, 60, 82, 8, DTCT_LABEL, 0, 0, 0, "Department:"},
    {72, 180, 80, 12, DTCT_EDIT, 0, PR_DEPARTMENT_NAME, 256, "*"},
    {8, 60, 100, 8, DTCT_LABEL, 0, 0, 0, "Office:"},
    {72, 180, 98, 12, DTCT_EDIT, 0, PR_OFFICE_LOCATION, 256, "*"},
    {8, 60, 118, 8, DTCT_LABEL, 0, 0, 0, "Phone:"},
    {72, 180, 116, 12, DTCT_EDIT, 0, PR_BUSINESS_TELEPHONE_NUMBER, 256, "*"},
    {0, 0, 0, 0, DTCT_PAGE, 0, 0, 0, "E-mail Addresses"},
    {8, 120, 10, 8, DTCT_LABEL, 0, 0, 0, "E-mail addresses:"},
    {8, 244, 22, 110, DTCT_MVLISTBOX, DT_MULTILINE, PR_EMS_AB_PROXY_ADDRESSES, 0, "*"},
};

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* A string in the template's character set: bytes and their length with
 * the terminator. */
static uint8_t *template_string(TALLOC_CTX *mem_ctx, struct ab_conv *conv, uint32_t codepage,
                                const char *utf8, size_t *len_r)
{
	if (codepage != AB_CP_WINUNICODE) {
		char *s = ab_to_codepage(mem_ctx, conv, codepage, utf8);
		*len_r = s != NULL ? strlen(s) + 1 : 0;
		return (uint8_t *)s;
	}
	/* The labels are ASCII: UTF-16LE is each byte and a zero. */
	size_t n = strlen(utf8);
	uint8_t *w = talloc_zero_array(mem_ctx, uint8_t, 2 * n + 2);
	for (size_t i = 0; w != NULL && i < n; i++)
		w[2 * i] = (uint8_t)utf8[i];
	*len_r = w != NULL ? 2 * n + 2 : 0;
	return w;
}

static uint32_t template_tag(uint32_t tag, uint32_t codepage)
{
	if (codepage == AB_CP_WINUNICODE)
		return tag;
	if (PROP_TYPE(tag) == PT_UNICODE)
		return CHANGE_PROP_TYPE(tag, PT_STRING8);
	if (PROP_TYPE(tag) == PT_MV_UNICODE)
		return CHANGE_PROP_TYPE(tag, PT_MV_STRING8);
	return tag;
}

/* Builds the template for the controls; bin.data NULL on failure. */
static struct mapi_binary template_build(TALLOC_CTX *mem_ctx, struct ab_conv *conv,
                                         uint32_t codepage, const struct control *controls,
                                         uint32_t count)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct mapi_binary bin = {0};
	uint8_t *strings[64];
	size_t lens[64], total = 8 + 36 * (size_t)count;
	if (tmp == NULL || count > 64)
		goto out;
	for (uint32_t i = 0; i < count; i++) {
		strings[i] = template_string(tmp, conv, codepage, controls[i].text, &lens[i]);
		if (strings[i] == NULL)
			goto out;
		total += lens[i];
	}
	bin.data = talloc_zero_array(mem_ctx, uint8_t, total);
	if (bin.data == NULL)
		goto out;
	bin.len = (uint32_t)total;
	put32(bin.data, 1);
	put32(bin.data + 4, count);
	size_t str_ofs = 8 + 36 * (size_t)count;
	for (uint32_t i = 0; i < count; i++) {
		const struct control *c = &controls[i];
		uint8_t *rec = bin.data + 8 + 36 * (size_t)i;
		uint32_t v[9] = {c->x,
		                 c->w,
		                 c->y,
		                 c->h,
		                 c->type,
		                 c->flags,
		                 template_tag(c->tag, codepage),
		                 c->maxlen,
		                 (uint32_t)str_ofs};
		for (int k = 0; k < 9; k++)
			put32(rec + 4 * k, v[k]);
		memcpy(bin.data + str_ofs, strings[i], lens[i]);
		str_ofs += lens[i];
	}
out:
	talloc_free(tmp);
	return bin;
}

enum ab_error ab_get_template_info(struct ab_session *session, TALLOC_CTX *mem_ctx, uint32_t flags,
                                   uint32_t display_type, const char *dn, uint32_t codepage,
                                   uint32_t locale, struct mapi_propval_array *row_r)
{
	enum ab_error ret;
	const char *error;
	struct ab_conv conv = {.to_cp = (iconv_t)-1, .from_cp = (iconv_t)-1};
	memset(row_r, 0, sizeof(*row_r));
	(void)locale; /* one template, in English, for every locale */
	/* [MS-OXNSPI] 3.1.4.1.18: only TI_TEMPLATE, TI_SCRIPT and TI_EMT
	 * matter; no scripts are kept. */
	if ((flags & AB_TI_TEMPLATE) == 0 || (flags & AB_TI_SCRIPT) != 0)
		return AB_E_NOT_SUPPORTED;
	if (codepage != AB_CP_WINUNICODE && ab_conv_open(&conv, codepage) < 0)
		return AB_E_INVALID_CODEPAGE;
	if (dn != NULL) {
		/* A template named by DN: a user's DN stands for its type. */
		uint32_t entry;
		struct ab_index *idx = ab_index_acquire(session->ab, &ret, &error);
		if (idx == NULL) {
			ab_conv_close(&conv);
			return ret;
		}
		bool user = ab_index_find_dn(idx, dn, &entry) == 1;
		ab_index_release(idx);
		display_type = user ? AB_DT_MAILUSER : UINT32_MAX;
	}
	if (display_type != AB_DT_MAILUSER) {
		ab_conv_close(&conv);
		return AB_E_INVALID_LOCALE;
	}
	row_r->vals = talloc_zero_array(mem_ctx, struct mapi_propval, 1);
	if (row_r->vals != NULL) {
		row_r->vals[0].tag = PR_TEMPLATE_DATA;
		row_r->vals[0].v.bin =
		    template_build(row_r->vals, &conv, codepage, mailuser_controls,
		                   sizeof(mailuser_controls) / sizeof(mailuser_controls[0]));
		row_r->count = 1;
	}
	ab_conv_close(&conv);
	if (row_r->vals == NULL || row_r->vals[0].v.bin.data == NULL)
		return AB_E_NO_MEMORY;
	return AB_E_OK;
}
