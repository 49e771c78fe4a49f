#include "ics_fxstream.h"

#include <string.h>

/* ---- markers, [MS-OXCFXICS] 2.2.4.1.4 ---- */

static const struct {
	uint32_t tag;
	const char *name;
} fx_markers[] = {
    {FX_START_TOP_FLD, "StartTopFld"},
    {FX_END_FOLDER, "EndFolder"},
    {FX_START_SUB_FLD, "StartSubFld"},
    {FX_START_MESSAGE, "StartMessage"},
    {FX_END_MESSAGE, "EndMessage"},
    {FX_START_FAI_MSG, "StartFAIMsg"},
    {FX_START_EMBED, "StartEmbed"},
    {FX_END_EMBED, "EndEmbed"},
    {FX_START_RECIP, "StartRecip"},
    {FX_END_TO_RECIP, "EndToRecip"},
    {FX_NEW_ATTACH, "NewAttach"},
    {FX_END_ATTACH, "EndAttach"},
    {FX_INCR_SYNC_CHG, "IncrSyncChg"},
    {FX_INCR_SYNC_CHG_PARTIAL, "IncrSyncChgPartial"},
    {FX_INCR_SYNC_DEL, "IncrSyncDel"},
    {FX_INCR_SYNC_END, "IncrSyncEnd"},
    {FX_INCR_SYNC_READ, "IncrSyncRead"},
    {FX_INCR_SYNC_STATE_BEGIN, "IncrSyncStateBegin"},
    {FX_INCR_SYNC_STATE_END, "IncrSyncStateEnd"},
    {FX_INCR_SYNC_PROGRESS_MODE, "IncrSyncProgressMode"},
    {FX_INCR_SYNC_PROGRESS_PER_MSG, "IncrSyncProgressPerMsg"},
    {FX_INCR_SYNC_MESSAGE, "IncrSyncMessage"},
    {FX_INCR_SYNC_GROUP_INFO, "IncrSyncGroupInfo"},
    {FX_ERROR_INFO, "FXErrorInfo"},
};

const char *ics_fx_marker_name(uint32_t tag)
{
	for (size_t i = 0; i < sizeof(fx_markers) / sizeof(fx_markers[0]); i++) {
		if (fx_markers[i].tag == tag)
			return fx_markers[i].name;
	}
	return NULL;
}

int ics_fx_is_marker(uint32_t tag)
{
	return ics_fx_marker_name(tag) != NULL ? 1 : 0;
}

/* ---- value shapes, [MS-OXCFXICS] 2.2.4.1.1 / 2.2.4.1.3 ---- */

/* Size of a fixedSizeValue of a base type, or 0 when not fixed-size. */
static size_t fx_fixed_size(uint16_t type)
{
	switch (type) {
	case PT_SHORT:
	case PT_BOOLEAN: /* 2 bytes in FastTransfer streams, 2.2.4.1.3 */
		return 2;
	case PT_LONG:
	case PT_FLOAT:
	case PT_ERROR:
		return 4;
	case PT_DOUBLE:
	case PT_CURRENCY:
	case PT_APPTIME:
	case PT_I8:
	case PT_SYSTIME:
		return 8;
	case PT_CLSID:
		return 16;
	default:
		return 0;
	}
}

static bool fx_is_var(uint16_t type)
{
	if (type & FX_CODEPAGE_FLAG)
		return true; /* code page string, 2.2.4.1.1.1 */
	switch (type) {
	case PT_STRING8:
	case PT_UNICODE:
	case PT_BINARY:
	case PT_SVREID:
	case PT_OBJECT:
		return true;
	default:
		return false;
	}
}

/* The in-memory type of a wire type: code page strings become PT_STRING8,
 * or PT_UNICODE for code page 1200. */
static uint16_t fx_mem_type(uint16_t wire_type)
{
	if (wire_type & FX_CODEPAGE_FLAG)
		return (wire_type & ~FX_CODEPAGE_FLAG) == FX_CODEPAGE_UNICODE ? PT_UNICODE
		                                                              : PT_STRING8;
	return wire_type;
}

/* ---- reading values ---- */

static enum rop_err fx_pull_fixed(struct rop_pull *p, uint16_t type, struct mapi_propval *v)
{
	uint16_t u16;

	switch (type) {
	case PT_SHORT:
		ROP_CHECK(rop_pull_u16(p, &u16));
		v->v.i16 = (int16_t)u16;
		return ROP_OK;
	case PT_BOOLEAN:
		ROP_CHECK(rop_pull_u16(p, &u16));
		v->v.b = u16 != 0;
		return ROP_OK;
	case PT_LONG:
		return rop_pull_u32(p, (uint32_t *)&v->v.i32);
	case PT_ERROR:
		return rop_pull_u32(p, &v->v.err);
	case PT_FLOAT:
		return rop_pull_f32(p, &v->v.f32);
	case PT_DOUBLE:
	case PT_APPTIME:
		return rop_pull_f64(p, &v->v.f64);
	case PT_CURRENCY:
	case PT_I8:
		return rop_pull_u64(p, (uint64_t *)&v->v.i64);
	case PT_SYSTIME:
		return rop_pull_u64(p, &v->v.ft);
	case PT_CLSID:
		v->v.guid = talloc(p->mem_ctx, struct mapi_guid);
		if (v->v.guid == NULL)
			return ROP_E_NOMEM;
		return rop_pull_guid(p, v->v.guid);
	default:
		return ROP_E_UNSUPPORTED;
	}
}

/* A string of n bytes; the terminator is dropped when present (readers MUST
 * check it is there before truncating, 2.2.4.1.3). */
static enum rop_err fx_pull_string(struct rop_pull *p, bool unicode, uint32_t n, char **str_r)
{
	const uint8_t *b;
	char *s;

	ROP_CHECK(rop_pull_ref(p, n, &b));
	if (unicode) {
		struct rop_pull sub;

		if (n % 2 != 0)
			return ROP_E_INVALID;
		if (n >= 2 && b[n - 1] == 0 && b[n - 2] == 0)
			n -= 2;
		rop_pull_init(&sub, p->mem_ctx, b, n);
		return rop_pull_utf16n(&sub, n, str_r);
	}
	if (n >= 1 && b[n - 1] == 0)
		n--;
	s = talloc_array(p->mem_ctx, char, n + 1);
	if (s == NULL)
		return ROP_E_NOMEM;
	memcpy(s, b, n);
	s[n] = '\0';
	*str_r = s;
	return ROP_OK;
}

/* A varSizeValue after its 4-byte length. */
static enum rop_err fx_pull_var(struct rop_pull *p, uint16_t mem_type, char **str_r,
                                struct mapi_binary *bin_r)
{
	uint32_t n;
	const uint8_t *b;

	ROP_CHECK(rop_pull_u32(p, &n));
	if (rop_pull_left(p) < n)
		return ROP_E_SHORT;
	if (mem_type == PT_UNICODE || mem_type == PT_STRING8)
		return fx_pull_string(p, mem_type == PT_UNICODE, n, str_r);
	ROP_CHECK(rop_pull_ref(p, n, &b));
	bin_r->len = n;
	bin_r->data = NULL;
	if (n > 0) {
		bin_r->data = talloc_memdup(p->mem_ctx, b, n);
		if (bin_r->data == NULL)
			return ROP_E_NOMEM;
	}
	return ROP_OK;
}

/* Allocates count elements of an MV array after proving the input holds
 * them (each needs at least min_size bytes). */
static enum rop_err fx_mv_alloc(struct rop_pull *p, uint32_t count, size_t elem, size_t min_size,
                                void **arr_r)
{
	ROP_CHECK(rop_pull_check_count(p, count, min_size));
	*arr_r = count > 0 ? talloc_zero_size(p->mem_ctx, elem * count) : NULL;
	if (count > 0 && *arr_r == NULL)
		return ROP_E_NOMEM;
	return ROP_OK;
}

static enum rop_err fx_pull_mv(struct rop_pull *p, uint16_t base, struct mapi_propval *v)
{
	uint32_t count;
	size_t fixed = fx_fixed_size(base);
	struct mapi_propval one;

	ROP_CHECK(rop_pull_u32(p, &count));
	v->v.mv.count = count;
	if (base == PT_UNICODE || base == PT_STRING8) {
		ROP_CHECK(fx_mv_alloc(p, count, sizeof(char *), 4, (void **)&v->v.mv.str));
		for (uint32_t i = 0; i < count; i++)
			ROP_CHECK(fx_pull_var(p, base, &v->v.mv.str[i], NULL));
		return ROP_OK;
	}
	if (base == PT_BINARY) {
		ROP_CHECK(
		    fx_mv_alloc(p, count, sizeof(struct mapi_binary), 4, (void **)&v->v.mv.bin));
		for (uint32_t i = 0; i < count; i++)
			ROP_CHECK(fx_pull_var(p, base, NULL, &v->v.mv.bin[i]));
		return ROP_OK;
	}
	if (fixed == 0 || base == PT_BOOLEAN || base == PT_ERROR)
		return ROP_E_UNSUPPORTED; /* no such multi-valued type */
	if (base == PT_CLSID) {
		ROP_CHECK(
		    fx_mv_alloc(p, count, sizeof(struct mapi_guid), 16, (void **)&v->v.mv.guid));
		for (uint32_t i = 0; i < count; i++)
			ROP_CHECK(rop_pull_guid(p, &v->v.mv.guid[i]));
		return ROP_OK;
	}
	/* the numeric arrays share one layout per element size */
	ROP_CHECK(fx_mv_alloc(p, count, fixed, fixed, (void **)&v->v.mv.i64));
	for (uint32_t i = 0; i < count; i++) {
		ROP_CHECK(fx_pull_fixed(p, base, &one));
		if (fixed == 2)
			v->v.mv.i16[i] = one.v.i16;
		else if (base == PT_FLOAT)
			v->v.mv.f32[i] = one.v.f32;
		else if (fixed == 4)
			v->v.mv.i32[i] = one.v.i32;
		else if (base == PT_DOUBLE || base == PT_APPTIME)
			v->v.mv.f64[i] = one.v.f64;
		else
			v->v.mv.i64[i] = one.v.i64;
	}
	return ROP_OK;
}

/* namedPropInfo: propertySet GUID, then %x00 dispid / %x01 name. */
static enum rop_err fx_pull_name(struct rop_pull *p, struct mapi_property_name **name_r)
{
	struct mapi_property_name *n = talloc_zero(p->mem_ctx, struct mapi_property_name);
	uint8_t kind;

	if (n == NULL)
		return ROP_E_NOMEM;
	ROP_CHECK(rop_pull_guid(p, &n->guid));
	ROP_CHECK(rop_pull_u8(p, &kind));
	if (kind == MNID_ID) {
		n->kind = MNID_ID;
		ROP_CHECK(rop_pull_u32(p, &n->lid));
	} else if (kind == MNID_STRING) {
		n->kind = MNID_STRING;
		ROP_CHECK(rop_pull_utf16z(p, &n->name));
	} else {
		return ROP_E_INVALID;
	}
	*name_r = n;
	return ROP_OK;
}

/* One element at p; on any error the caller rewinds. */
static enum rop_err fx_pull_element(struct rop_pull *p, struct ics_fx_element *el)
{
	uint32_t tag;
	uint16_t wire_type, type;

	memset(el, 0, sizeof(*el));
	ROP_CHECK(rop_pull_u32(p, &tag));
	if (ics_fx_is_marker(tag)) {
		el->kind = ICS_FX_MARKER;
		el->marker = tag;
		return ROP_OK;
	}
	el->kind = ICS_FX_PROPVAL;
	if (PROP_ID(tag) >= FIRST_NAMED_PROP_ID)
		ROP_CHECK(fx_pull_name(p, &el->name));
	if (tag == META_TAG_IDSET_GIVEN) {
		/* [MS-OXCFXICS] 2.2.1.1.1: typed PtypInteger32, holds binary */
		el->wire_tag = tag;
		el->val.tag = META_TAG_IDSET_GIVEN_BIN;
		return fx_pull_var(p, PT_BINARY, NULL, &el->val.v.bin);
	}
	wire_type = PROP_TYPE(tag);
	type = fx_mem_type(wire_type);
	el->val.tag = CHANGE_PROP_TYPE(tag, type);
	el->wire_tag = type != wire_type ? tag : 0;
	if (fx_fixed_size(type) != 0)
		return fx_pull_fixed(p, type, &el->val);
	if (fx_is_var(wire_type))
		return fx_pull_var(p, type, &el->val.v.str, &el->val.v.bin);
	if (type & MV_FLAG)
		return fx_pull_mv(p, type & ~MV_FLAG, &el->val);
	return ROP_E_UNSUPPORTED;
}

/* ---- writer ---- */

struct fx_span {
	size_t start, end; /* [start, end) must not be cut */
};

struct ics_fx_writer {
	struct rop_push push;
	size_t sent; /* bytes handed out by ics_fx_writer_next */
	struct fx_span *spans;
	size_t nspans, aspans;
};

struct ics_fx_writer *ics_fx_writer_new(TALLOC_CTX *mem_ctx)
{
	struct ics_fx_writer *w = talloc_zero(mem_ctx, struct ics_fx_writer);

	if (w != NULL)
		rop_push_init_growable(&w->push, w);
	return w;
}

/* Marks the bytes written since start as indivisible. */
static enum rop_err fx_atomic(struct ics_fx_writer *w, size_t start)
{
	if (w->push.ofs == start)
		return ROP_OK;
	if (w->nspans == w->aspans) {
		size_t n = w->aspans < 64 ? 64 : w->aspans * 2;
		struct fx_span *s = talloc_realloc(w, w->spans, struct fx_span, n);
		if (s == NULL)
			return ROP_E_NOMEM;
		w->spans = s;
		w->aspans = n;
	}
	w->spans[w->nspans].start = start;
	w->spans[w->nspans].end = w->push.ofs;
	w->nspans++;
	return ROP_OK;
}

static enum rop_err fx_push_fixed(struct rop_push *p, uint16_t type, const struct mapi_propval *v)
{
	switch (type) {
	case PT_SHORT:
		return rop_push_u16(p, (uint16_t)v->v.i16);
	case PT_BOOLEAN: /* 2.2.4.1.3: "01 00" / "00 00" */
		return rop_push_u16(p, v->v.b ? 1 : 0);
	case PT_LONG:
		return rop_push_u32(p, (uint32_t)v->v.i32);
	case PT_ERROR:
		return rop_push_u32(p, v->v.err);
	case PT_FLOAT:
		return rop_push_f32(p, v->v.f32);
	case PT_DOUBLE:
	case PT_APPTIME:
		return rop_push_f64(p, v->v.f64);
	case PT_CURRENCY:
	case PT_I8:
		return rop_push_u64(p, (uint64_t)v->v.i64);
	case PT_SYSTIME:
		return rop_push_u64(p, v->v.ft);
	case PT_CLSID:
		if (v->v.guid == NULL)
			return ROP_E_INVALID;
		return rop_push_guid(p, v->v.guid);
	default:
		return ROP_E_UNSUPPORTED;
	}
}

/* length + varSizeValue; only the value bytes may be split. */
static enum rop_err fx_put_var(struct ics_fx_writer *w, uint16_t mem_type, const char *str,
                               const struct mapi_binary *bin, size_t atomic_start)
{
	struct rop_push *p = &w->push;

	if (mem_type == PT_UNICODE) {
		long n = str != NULL ? rop_utf16_size(str) : -1;
		if (n < 0)
			return ROP_E_INVALID;
		ROP_CHECK(rop_push_u32(p, (uint32_t)n + 2));
		ROP_CHECK(fx_atomic(w, atomic_start));
		return rop_push_utf16z(p, str);
	}
	if (mem_type == PT_STRING8) {
		size_t n;
		if (str == NULL)
			return ROP_E_INVALID;
		n = strlen(str) + 1;
		if (n > UINT32_MAX)
			return ROP_E_TOO_BIG;
		ROP_CHECK(rop_push_u32(p, (uint32_t)n));
		ROP_CHECK(fx_atomic(w, atomic_start));
		return rop_push_bytes(p, str, n);
	}
	if (bin->len > 0 && bin->data == NULL)
		return ROP_E_INVALID;
	ROP_CHECK(rop_push_u32(p, bin->len));
	ROP_CHECK(fx_atomic(w, atomic_start));
	return rop_push_bytes(p, bin->data, bin->len);
}

static enum rop_err fx_put_mv(struct ics_fx_writer *w, uint16_t base, const struct mapi_propval *v,
                              size_t atomic_start)
{
	struct rop_push *p = &w->push;
	size_t fixed = fx_fixed_size(base);
	uint32_t count = v->v.mv.count;

	if (fixed == 0 && base != PT_UNICODE && base != PT_STRING8 && base != PT_BINARY)
		return ROP_E_UNSUPPORTED;
	ROP_CHECK(rop_push_u32(p, count));
	ROP_CHECK(fx_atomic(w, atomic_start));
	for (uint32_t i = 0; i < count; i++) {
		size_t start = p->ofs;
		struct mapi_propval one = {.tag = base};

		if (base == PT_UNICODE || base == PT_STRING8) {
			ROP_CHECK(fx_put_var(w, base, v->v.mv.str[i], NULL, start));
			continue;
		}
		if (base == PT_BINARY) {
			ROP_CHECK(fx_put_var(w, base, NULL, &v->v.mv.bin[i], start));
			continue;
		}
		if (base == PT_CLSID)
			one.v.guid = &v->v.mv.guid[i];
		else if (fixed == 2)
			one.v.i16 = v->v.mv.i16[i];
		else if (base == PT_FLOAT)
			one.v.f32 = v->v.mv.f32[i];
		else if (fixed == 4)
			one.v.i32 = v->v.mv.i32[i];
		else if (base == PT_DOUBLE || base == PT_APPTIME)
			one.v.f64 = v->v.mv.f64[i];
		else
			one.v.i64 = v->v.mv.i64[i];
		ROP_CHECK(fx_push_fixed(p, base, &one));
		ROP_CHECK(fx_atomic(w, start));
	}
	return ROP_OK;
}

/* propType propInfo, then the value by the in-memory type. */
static enum rop_err fx_put_value(struct ics_fx_writer *w, uint32_t wire_tag,
                                 const struct mapi_propval *v,
                                 const struct mapi_property_name *name)
{
	struct rop_push *p = &w->push;
	size_t start = p->ofs;
	uint16_t type = PROP_TYPE(v->tag);

	ROP_CHECK(rop_push_u32(p, wire_tag));
	if (PROP_ID(wire_tag) >= FIRST_NAMED_PROP_ID) {
		if (name == NULL)
			return ROP_E_INVALID;
		ROP_CHECK(rop_push_guid(p, &name->guid));
		if (name->kind == MNID_ID) {
			ROP_CHECK(rop_push_u8(p, MNID_ID));
			ROP_CHECK(rop_push_u32(p, name->lid));
		} else if (name->kind == MNID_STRING && name->name != NULL) {
			ROP_CHECK(rop_push_u8(p, MNID_STRING));
			ROP_CHECK(rop_push_utf16z(p, name->name));
		} else {
			return ROP_E_INVALID;
		}
	}
	if (wire_tag == META_TAG_IDSET_GIVEN)
		return fx_put_var(w, PT_BINARY, NULL, &v->v.bin, start);
	if (fx_fixed_size(type) != 0) {
		ROP_CHECK(fx_push_fixed(p, type, v));
		return fx_atomic(w, start);
	}
	if (fx_is_var(type))
		return fx_put_var(w, type, v->v.str, &v->v.bin, start);
	if (type & MV_FLAG)
		return fx_put_mv(w, type & ~MV_FLAG, v, start);
	return ROP_E_UNSUPPORTED;
}

/* Runs fx_put_value and undoes a partial element on failure. */
static enum rop_err fx_put_checked(struct ics_fx_writer *w, uint32_t wire_tag,
                                   const struct mapi_propval *v,
                                   const struct mapi_property_name *name)
{
	size_t mark = rop_push_mark(&w->push), nspans = w->nspans;
	enum rop_err err;

	if (ics_fx_is_marker(wire_tag))
		return ROP_E_INVALID; /* would read back as a marker */
	err = fx_put_value(w, wire_tag, v, name);
	if (err != ROP_OK) {
		rop_push_rewind(&w->push, mark);
		w->nspans = nspans;
	}
	return err;
}

enum rop_err ics_fx_put_marker(struct ics_fx_writer *w, uint32_t marker)
{
	size_t start = w->push.ofs;
	enum rop_err err;

	if (!ics_fx_is_marker(marker))
		return ROP_E_INVALID;
	ROP_CHECK(rop_push_u32(&w->push, marker));
	err = fx_atomic(w, start);
	if (err != ROP_OK)
		rop_push_rewind(&w->push, start);
	return err;
}

enum rop_err ics_fx_put_propval(struct ics_fx_writer *w, const struct mapi_propval *val,
                                const struct mapi_property_name *name)
{
	uint32_t wire_tag = val->tag == META_TAG_IDSET_GIVEN_BIN ? META_TAG_IDSET_GIVEN : val->tag;

	return fx_put_checked(w, wire_tag, val, name);
}

enum rop_err ics_fx_put_element(struct ics_fx_writer *w, const struct ics_fx_element *el)
{
	uint16_t wire_type;

	if (el->kind == ICS_FX_MARKER)
		return ics_fx_put_marker(w, el->marker);
	if (el->wire_tag == 0)
		return ics_fx_put_propval(w, &el->val, el->name);
	wire_type = PROP_TYPE(el->wire_tag);
	/* a wire tag may only restate the value's own type differently */
	if (PROP_ID(el->wire_tag) != PROP_ID(el->val.tag) ||
	    (el->wire_tag != META_TAG_IDSET_GIVEN &&
	     fx_mem_type(wire_type) != PROP_TYPE(el->val.tag)))
		return ROP_E_INVALID;
	/* a code-page string is held as UTF-8 (code page 1200) or as the code
	 * page's bytes; the wire type says which code page */
	return fx_put_checked(w, el->wire_tag, &el->val, el->name);
}

enum rop_err ics_fx_put_binary(struct ics_fx_writer *w, uint32_t tag, const uint8_t *data,
                               size_t len)
{
	struct mapi_propval v = {.tag = tag};

	if (PROP_TYPE(tag) != PT_BINARY && tag != META_TAG_IDSET_GIVEN)
		return ROP_E_INVALID;
	if (len > UINT32_MAX)
		return ROP_E_TOO_BIG;
	v.v.bin.len = (uint32_t)len;
	v.v.bin.data = (uint8_t *)data;
	return fx_put_checked(w, tag, &v, NULL);
}

size_t ics_fx_writer_size(const struct ics_fx_writer *w)
{
	return w->push.ofs;
}

size_t ics_fx_writer_pending(const struct ics_fx_writer *w)
{
	return w->push.ofs - w->sent;
}

/* The span strictly containing offset at, or NULL. */
static const struct fx_span *fx_span_at(const struct ics_fx_writer *w, size_t at)
{
	size_t lo = 0, hi = w->nspans;

	/* spans are appended in stream order: find the last start < at */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (w->spans[mid].start < at)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	return w->spans[lo - 1].end > at ? &w->spans[lo - 1] : NULL;
}

enum rop_err ics_fx_writer_next(struct ics_fx_writer *w, size_t max, unsigned flags,
                                const uint8_t **data_r, size_t *len_r)
{
	size_t start = w->sent, left = w->push.ofs - w->sent, end;

	end = start + (max < left ? max : left);
	if ((flags & ICS_FX_SPLIT_ANY) == 0 && end < w->push.ofs) {
		const struct fx_span *s = fx_span_at(w, end);
		if (s != NULL)
			end = s->start;
	}
	if (end == start && left > 0)
		return ROP_E_NOSPACE;
	/* an empty writer has no buffer yet */
	*data_r = w->push.data != NULL ? w->push.data + start : (const uint8_t *)"";
	*len_r = end - start;
	w->sent = end;
	return ROP_OK;
}

/* ---- reader ---- */

struct ics_fx_reader {
	uint8_t *buf;
	size_t len, ofs, alloc;
};

struct ics_fx_reader *ics_fx_reader_new(TALLOC_CTX *mem_ctx)
{
	return talloc_zero(mem_ctx, struct ics_fx_reader);
}

enum rop_err ics_fx_reader_feed(struct ics_fx_reader *r, const uint8_t *data, size_t len)
{
	if (r->ofs > 0) {
		memmove(r->buf, r->buf + r->ofs, r->len - r->ofs);
		r->len -= r->ofs;
		r->ofs = 0;
	}
	if (len > SIZE_MAX / 2 - r->len)
		return ROP_E_TOO_BIG;
	if (r->len + len > r->alloc) {
		size_t n = r->alloc < 4096 ? 4096 : r->alloc;
		uint8_t *b;
		while (n < r->len + len)
			n *= 2;
		b = talloc_realloc(r, r->buf, uint8_t, n);
		if (b == NULL)
			return ROP_E_NOMEM;
		r->buf = b;
		r->alloc = n;
	}
	if (len > 0)
		memcpy(r->buf + r->len, data, len);
	r->len += len;
	return ROP_OK;
}

size_t ics_fx_reader_pending(const struct ics_fx_reader *r)
{
	return r->len - r->ofs;
}

/* One element from data; its allocations hang off one context under
 * mem_ctx, freed on failure. */
static enum rop_err fx_pull_one(TALLOC_CTX *mem_ctx, const uint8_t *data, size_t len,
                                struct ics_fx_element *el, size_t *used_r)
{
	TALLOC_CTX *hold = talloc_new(mem_ctx);
	struct rop_pull p;
	enum rop_err err;

	if (hold == NULL)
		return ROP_E_NOMEM;
	rop_pull_init(&p, hold, data, len);
	err = fx_pull_element(&p, el);
	if (err != ROP_OK) {
		talloc_free(hold);
		memset(el, 0, sizeof(*el));
		return err;
	}
	*used_r = p.ofs;
	return ROP_OK;
}

enum rop_err ics_fx_reader_next(struct ics_fx_reader *r, TALLOC_CTX *mem_ctx,
                                struct ics_fx_element *el_r)
{
	size_t used;

	if (r->len == r->ofs)
		return ROP_E_SHORT;
	ROP_CHECK(fx_pull_one(mem_ctx, r->buf + r->ofs, r->len - r->ofs, el_r, &used));
	r->ofs += used;
	return ROP_OK;
}

enum rop_err ics_fx_parse(TALLOC_CTX *mem_ctx, const uint8_t *data, size_t len,
                          struct ics_fx_element **els_r, size_t *count_r)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ics_fx_element *els = NULL;
	size_t count = 0, alloc = 0, ofs = 0, used;
	enum rop_err err = ROP_OK;

	if (tmp == NULL)
		return ROP_E_NOMEM;
	while (ofs < len && err == ROP_OK) {
		if (count == alloc) {
			alloc = alloc < 16 ? 16 : alloc * 2;
			els = talloc_realloc(tmp, els, struct ics_fx_element, alloc);
			if (els == NULL) {
				err = ROP_E_NOMEM;
				break;
			}
		}
		err = fx_pull_one(els, data + ofs, len - ofs, &els[count], &used);
		if (err == ROP_OK) {
			ofs += used;
			count++;
		}
	}
	if (err == ROP_OK) {
		*els_r = count > 0 ? talloc_steal(mem_ctx, els) : NULL;
		*count_r = count;
	}
	talloc_free(tmp);
	return err;
}
