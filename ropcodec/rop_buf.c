#include "rop_buf.h"

#include <string.h>

const char *rop_strerror(enum rop_err err)
{
	switch (err) {
	case ROP_OK:
		return "success";
	case ROP_E_SHORT:
		return "input ends inside a field";
	case ROP_E_NOSPACE:
		return "output buffer too small";
	case ROP_E_INVALID:
		return "invalid field value";
	case ROP_E_DEPTH:
		return "nesting too deep";
	case ROP_E_NOMEM:
		return "out of memory";
	case ROP_E_UNKNOWN_ROP:
		return "unknown RopId";
	case ROP_E_TRAILING:
		return "unexpected trailing bytes";
	case ROP_E_TOO_BIG:
		return "size or count beyond protocol limit";
	case ROP_E_UNSUPPORTED:
		return "not supported by this codec";
	}
	return "unknown codec error";
}

/* ---- reading ---- */

void rop_pull_init(struct rop_pull *p, TALLOC_CTX *mem_ctx, const uint8_t *data, size_t len)
{
	p->data = data;
	p->len = len;
	p->ofs = 0;
	p->mem_ctx = mem_ctx;
}

static enum rop_err pull_le(struct rop_pull *p, unsigned n, uint64_t *v_r)
{
	uint64_t v = 0;

	if (p->len - p->ofs < n)
		return ROP_E_SHORT;
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p->data[p->ofs + i] << (8 * i);
	p->ofs += n;
	*v_r = v;
	return ROP_OK;
}

enum rop_err rop_pull_u8(struct rop_pull *p, uint8_t *v_r)
{
	uint64_t v;
	ROP_CHECK(pull_le(p, 1, &v));
	*v_r = (uint8_t)v;
	return ROP_OK;
}

enum rop_err rop_pull_u16(struct rop_pull *p, uint16_t *v_r)
{
	uint64_t v;
	ROP_CHECK(pull_le(p, 2, &v));
	*v_r = (uint16_t)v;
	return ROP_OK;
}

enum rop_err rop_pull_u32(struct rop_pull *p, uint32_t *v_r)
{
	uint64_t v;
	ROP_CHECK(pull_le(p, 4, &v));
	*v_r = (uint32_t)v;
	return ROP_OK;
}

enum rop_err rop_pull_u64(struct rop_pull *p, uint64_t *v_r)
{
	return pull_le(p, 8, v_r);
}

enum rop_err rop_pull_f32(struct rop_pull *p, float *v_r)
{
	uint32_t u;
	ROP_CHECK(rop_pull_u32(p, &u));
	memcpy(v_r, &u, sizeof(u));
	return ROP_OK;
}

enum rop_err rop_pull_f64(struct rop_pull *p, double *v_r)
{
	uint64_t u;
	ROP_CHECK(rop_pull_u64(p, &u));
	memcpy(v_r, &u, sizeof(u));
	return ROP_OK;
}

enum rop_err rop_pull_guid(struct rop_pull *p, struct mapi_guid *v_r)
{
	if (p->len - p->ofs < 16)
		return ROP_E_SHORT;
	memcpy(v_r->b, p->data + p->ofs, 16);
	p->ofs += 16;
	return ROP_OK;
}

enum rop_err rop_pull_skip(struct rop_pull *p, size_t n)
{
	if (p->len - p->ofs < n)
		return ROP_E_SHORT;
	p->ofs += n;
	return ROP_OK;
}

enum rop_err rop_pull_ref(struct rop_pull *p, size_t n, const uint8_t **v_r)
{
	if (p->len - p->ofs < n)
		return ROP_E_SHORT;
	*v_r = p->data + p->ofs;
	p->ofs += n;
	return ROP_OK;
}

enum rop_err rop_pull_bytes(struct rop_pull *p, size_t n, uint8_t **v_r)
{
	const uint8_t *src;

	ROP_CHECK(rop_pull_ref(p, n, &src));
	if (n == 0) {
		*v_r = NULL;
		return ROP_OK;
	}
	*v_r = talloc_memdup(p->mem_ctx, src, n);
	if (*v_r == NULL) {
		p->ofs -= n;
		return ROP_E_NOMEM;
	}
	return ROP_OK;
}

enum rop_err rop_pull_check_count(const struct rop_pull *p, uint64_t count, size_t min_size)
{
	uint64_t left = p->len - p->ofs;

	if (min_size == 0)
		min_size = 1;
	if (count > left / min_size)
		return ROP_E_SHORT;
	return ROP_OK;
}

enum rop_err rop_pull_asciiz(struct rop_pull *p, char **v_r)
{
	const uint8_t *start = p->data + p->ofs;
	const uint8_t *nul = memchr(start, 0, p->len - p->ofs);
	size_t n;

	if (nul == NULL)
		return ROP_E_SHORT;
	n = (size_t)(nul - start);
	*v_r = talloc_strndup(p->mem_ctx, (const char *)start, n);
	if (*v_r == NULL)
		return ROP_E_NOMEM;
	p->ofs += n + 1;
	return ROP_OK;
}

/* Appends code point cp (any value up to 0x10FFFF, surrogates included:
 * WTF-8) to out; out has room. */
static size_t put_utf8(char *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Converts n UTF-16LE code units at src into a new UTF-8/WTF-8 string. */
static enum rop_err utf16_to_utf8(TALLOC_CTX *mem_ctx, const uint8_t *src, size_t units, char **v_r)
{
	/* Each unit yields at most 3 bytes (a pair of units yields 4). */
	char *out = talloc_array(mem_ctx, char, units * 3 + 1);
	size_t o = 0;

	if (out == NULL)
		return ROP_E_NOMEM;
	for (size_t i = 0; i < units; i++) {
		uint32_t u = (uint32_t)src[2 * i] | ((uint32_t)src[2 * i + 1] << 8);
		if (u >= 0xD800 && u < 0xDC00 && i + 1 < units) {
			uint32_t lo = (uint32_t)src[2 * i + 2] | ((uint32_t)src[2 * i + 3] << 8);
			if (lo >= 0xDC00 && lo < 0xE000) {
				u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
				i++;
			}
		}
		o += put_utf8(out + o, u);
	}
	out[o] = '\0';
	*v_r = out;
	return ROP_OK;
}

enum rop_err rop_pull_utf16z(struct rop_pull *p, char **v_r)
{
	size_t left = p->len - p->ofs;
	const uint8_t *src = p->data + p->ofs;
	size_t units = 0;

	for (;;) {
		if (left - 2 * units < 2)
			return ROP_E_SHORT;
		if (src[2 * units] == 0 && src[2 * units + 1] == 0)
			break;
		units++;
	}
	ROP_CHECK(utf16_to_utf8(p->mem_ctx, src, units, v_r));
	p->ofs += 2 * units + 2;
	return ROP_OK;
}

enum rop_err rop_pull_utf16n(struct rop_pull *p, size_t nbytes, char **v_r)
{
	if (nbytes % 2 != 0)
		return ROP_E_INVALID;
	if (p->len - p->ofs < nbytes)
		return ROP_E_SHORT;
	ROP_CHECK(utf16_to_utf8(p->mem_ctx, p->data + p->ofs, nbytes / 2, v_r));
	p->ofs += nbytes;
	return ROP_OK;
}

/* ---- writing ---- */

void rop_push_init_fixed(struct rop_push *p, uint8_t *buf, size_t cap)
{
	memset(p, 0, sizeof(*p));
	p->data = buf;
	p->cap = cap;
	p->alloc = cap;
}

void rop_push_init_growable(struct rop_push *p, TALLOC_CTX *mem_ctx)
{
	memset(p, 0, sizeof(*p));
	p->cap = SIZE_MAX;
	p->mem_ctx = mem_ctx;
}

/* Makes room for n more bytes. */
static enum rop_err push_need(struct rop_push *p, size_t n)
{
	size_t want;
	uint8_t *grown;

	if (p->cap - p->ofs < n)
		return ROP_E_NOSPACE;
	if (p->alloc - p->ofs >= n)
		return ROP_OK;
	/* Growable: double, at least 256 bytes. */
	want = p->alloc < 128 ? 256 : p->alloc * 2;
	while (want - p->ofs < n) {
		if (want > SIZE_MAX / 2)
			return ROP_E_NOMEM;
		want *= 2;
	}
	grown = talloc_realloc(p->mem_ctx, p->data, uint8_t, want);
	if (grown == NULL)
		return ROP_E_NOMEM;
	p->data = grown;
	p->alloc = want;
	return ROP_OK;
}

static enum rop_err push_le(struct rop_push *p, uint64_t v, unsigned n)
{
	ROP_CHECK(push_need(p, n));
	for (unsigned i = 0; i < n; i++)
		p->data[p->ofs + i] = (uint8_t)(v >> (8 * i));
	p->ofs += n;
	return ROP_OK;
}

enum rop_err rop_push_u8(struct rop_push *p, uint8_t v)
{
	return push_le(p, v, 1);
}

enum rop_err rop_push_u16(struct rop_push *p, uint16_t v)
{
	return push_le(p, v, 2);
}

enum rop_err rop_push_u32(struct rop_push *p, uint32_t v)
{
	return push_le(p, v, 4);
}

enum rop_err rop_push_u64(struct rop_push *p, uint64_t v)
{
	return push_le(p, v, 8);
}

enum rop_err rop_push_f32(struct rop_push *p, float v)
{
	uint32_t u;
	memcpy(&u, &v, sizeof(u));
	return push_le(p, u, 4);
}

enum rop_err rop_push_f64(struct rop_push *p, double v)
{
	uint64_t u;
	memcpy(&u, &v, sizeof(u));
	return push_le(p, u, 8);
}

enum rop_err rop_push_guid(struct rop_push *p, const struct mapi_guid *v)
{
	return rop_push_bytes(p, v->b, 16);
}

enum rop_err rop_push_bytes(struct rop_push *p, const void *v, size_t n)
{
	if (n == 0)
		return ROP_OK;
	ROP_CHECK(push_need(p, n));
	memcpy(p->data + p->ofs, v, n);
	p->ofs += n;
	return ROP_OK;
}

enum rop_err rop_push_zeros(struct rop_push *p, size_t n)
{
	if (n == 0)
		return ROP_OK;
	ROP_CHECK(push_need(p, n));
	memset(p->data + p->ofs, 0, n);
	p->ofs += n;
	return ROP_OK;
}

enum rop_err rop_push_reserve(struct rop_push *p, size_t n, size_t *at_r)
{
	*at_r = p->ofs;
	return rop_push_zeros(p, n);
}

void rop_push_patch_u16(struct rop_push *p, size_t at, uint16_t v)
{
	p->data[at] = (uint8_t)v;
	p->data[at + 1] = (uint8_t)(v >> 8);
}

void rop_push_patch_u32(struct rop_push *p, size_t at, uint32_t v)
{
	for (unsigned i = 0; i < 4; i++)
		p->data[at + i] = (uint8_t)(v >> (8 * i));
}

enum rop_err rop_push_asciiz(struct rop_push *p, const char *s)
{
	return rop_push_bytes(p, s, strlen(s) + 1);
}

/* Decodes one UTF-8/WTF-8 sequence at *s; returns the code point or -1 on
 * invalid input (overlong forms, truncated sequences, values past U+10FFFF). */
static long next_code_point(const unsigned char **s)
{
	const unsigned char *c = *s;
	unsigned n;
	uint32_t cp, min;

	if (c[0] < 0x80) {
		*s = c + 1;
		return c[0];
	}
	if ((c[0] & 0xE0) == 0xC0) {
		n = 1, cp = c[0] & 0x1F, min = 0x80;
	} else if ((c[0] & 0xF0) == 0xE0) {
		n = 2, cp = c[0] & 0x0F, min = 0x800;
	} else if ((c[0] & 0xF8) == 0xF0) {
		n = 3, cp = c[0] & 0x07, min = 0x10000;
	} else {
		return -1;
	}
	for (unsigned i = 1; i <= n; i++) {
		if ((c[i] & 0xC0) != 0x80)
			return -1; /* also stops at the NUL terminator */
		cp = (cp << 6) | (c[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF)
		return -1;
	*s = c + n + 1;
	return (long)cp;
}

long rop_utf16_size(const char *s)
{
	const unsigned char *c = (const unsigned char *)s;
	long n = 0;

	while (*c != '\0') {
		long cp = next_code_point(&c);
		if (cp < 0)
			return -1;
		n += cp >= 0x10000 ? 4 : 2;
	}
	return n;
}

enum rop_err rop_push_utf16n(struct rop_push *p, const char *s)
{
	const unsigned char *c = (const unsigned char *)s;
	long size = rop_utf16_size(s);

	if (size < 0)
		return ROP_E_INVALID;
	ROP_CHECK(push_need(p, (size_t)size));
	while (*c != '\0') {
		uint32_t cp = (uint32_t)next_code_point(&c);
		if (cp >= 0x10000) {
			cp -= 0x10000;
			push_le(p, 0xD800 | (cp >> 10), 2);
			push_le(p, 0xDC00 | (cp & 0x3FF), 2);
		} else {
			push_le(p, cp, 2);
		}
	}
	return ROP_OK;
}

enum rop_err rop_push_utf16z(struct rop_push *p, const char *s)
{
	size_t mark = p->ofs;
	enum rop_err err = rop_push_utf16n(p, s);

	if (err == ROP_OK)
		err = rop_push_u16(p, 0);
	if (err != ROP_OK)
		p->ofs = mark;
	return err;
}
