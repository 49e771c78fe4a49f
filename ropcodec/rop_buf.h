/*
 * rop_buf: bounded little-endian readers and writers, the only code in the
 * codec that touches bytes directly.  Every other part of ropcodec/ is built
 * on these.
 *
 * Reading (struct rop_pull): never reads past len; every getter returns
 * ROP_OK or an error and leaves the cursor where it was on error.  Arrays are
 * sized from the input only after rop_pull_check_count() proves the input
 * can hold them, so no decode allocates more than its input justifies.
 *
 * Writing (struct rop_push): writes into a bounded buffer of cap bytes.  The
 * encoder is the only authority on sizes: when a value does not fit, the
 * writer answers ROP_E_NOSPACE and the caller rewinds to a bookmark
 * (rop_push_mark / rop_push_rewind) and answers RopBufferTooSmall or splits
 * the output.  A growable push (cap = SIZE_MAX) reallocates on the talloc
 * context instead.
 *
 * Strings: PtypString travels as UTF-16LE; in memory it is UTF-8, or WTF-8
 * where the UTF-16 holds unpaired surrogates, so decode and encode round-trip
 * byte for byte.  8-bit strings are kept as the raw bytes.
 */
#ifndef ROP_BUF_H
#define ROP_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

#include "mapi_types.h"

enum rop_err {
	ROP_OK = 0,
	ROP_E_SHORT,       /* the input ends inside a field */
	ROP_E_NOSPACE,     /* the output buffer is full */
	ROP_E_INVALID,     /* a field holds a value the specification forbids */
	ROP_E_DEPTH,       /* nesting deeper than the codec's limit */
	ROP_E_NOMEM,       /* allocation failed */
	ROP_E_UNKNOWN_ROP, /* a RopId [MS-OXCROPS] 2.2.2 does not define */
	ROP_E_TRAILING,    /* bytes left over where none may be */
	ROP_E_TOO_BIG,     /* a size or count beyond a protocol limit */
	ROP_E_UNSUPPORTED, /* well-formed but not handled by this codec */
};

/* A static English string for an error; never NULL. */
const char *rop_strerror(enum rop_err err);

struct rop_pull {
	const uint8_t *data;
	size_t len;
	size_t ofs;
	TALLOC_CTX *mem_ctx; /* decoded values are allocated here */
};

void rop_pull_init(struct rop_pull *p, TALLOC_CTX *mem_ctx, const uint8_t *data, size_t len);
static inline size_t rop_pull_left(const struct rop_pull *p)
{
	return p->len - p->ofs;
}

enum rop_err rop_pull_u8(struct rop_pull *p, uint8_t *v_r);
enum rop_err rop_pull_u16(struct rop_pull *p, uint16_t *v_r);
enum rop_err rop_pull_u32(struct rop_pull *p, uint32_t *v_r);
enum rop_err rop_pull_u64(struct rop_pull *p, uint64_t *v_r);
enum rop_err rop_pull_f32(struct rop_pull *p, float *v_r);
enum rop_err rop_pull_f64(struct rop_pull *p, double *v_r);
enum rop_err rop_pull_guid(struct rop_pull *p, struct mapi_guid *v_r);
enum rop_err rop_pull_skip(struct rop_pull *p, size_t n);
/* A pointer into the input (no copy), valid as long as the input is. */
enum rop_err rop_pull_ref(struct rop_pull *p, size_t n, const uint8_t **v_r);
/* A talloc copy of n bytes (NULL when n == 0). */
enum rop_err rop_pull_bytes(struct rop_pull *p, size_t n, uint8_t **v_r);
/* Proves that count elements of at least min_size bytes each can still be
 * read, before an array of count elements is allocated. */
enum rop_err rop_pull_check_count(const struct rop_pull *p, uint64_t count, size_t min_size);

/* A NUL-terminated 8-bit string (ASCII or code page), terminator consumed. */
enum rop_err rop_pull_asciiz(struct rop_pull *p, char **v_r);
/* A UTF-16LE string ended by a 0x0000 unit, converted to UTF-8/WTF-8. */
enum rop_err rop_pull_utf16z(struct rop_pull *p, char **v_r);
/* Exactly nbytes of UTF-16LE (nbytes even), no terminator expected. */
enum rop_err rop_pull_utf16n(struct rop_pull *p, size_t nbytes, char **v_r);

struct rop_push {
	uint8_t *data;
	size_t cap; /* SIZE_MAX: growable on mem_ctx */
	size_t ofs;
	size_t alloc; /* bytes allocated, for a growable push */
	TALLOC_CTX *mem_ctx;
};

/* A bounded writer over caller memory of cap bytes. */
void rop_push_init_fixed(struct rop_push *p, uint8_t *buf, size_t cap);
/* A writer that grows on mem_ctx; its data is a talloc child of mem_ctx. */
void rop_push_init_growable(struct rop_push *p, TALLOC_CTX *mem_ctx);

static inline size_t rop_push_mark(const struct rop_push *p)
{
	return p->ofs;
}
static inline void rop_push_rewind(struct rop_push *p, size_t mark)
{
	p->ofs = mark;
}

enum rop_err rop_push_u8(struct rop_push *p, uint8_t v);
enum rop_err rop_push_u16(struct rop_push *p, uint16_t v);
enum rop_err rop_push_u32(struct rop_push *p, uint32_t v);
enum rop_err rop_push_u64(struct rop_push *p, uint64_t v);
enum rop_err rop_push_f32(struct rop_push *p, float v);
enum rop_err rop_push_f64(struct rop_push *p, double v);
enum rop_err rop_push_guid(struct rop_push *p, const struct mapi_guid *v);
enum rop_err rop_push_bytes(struct rop_push *p, const void *v, size_t n);
enum rop_err rop_push_zeros(struct rop_push *p, size_t n);
/* Reserves n bytes to be filled in later (e.g. a size); *at_r is their offset. */
enum rop_err rop_push_reserve(struct rop_push *p, size_t n, size_t *at_r);
/* Overwrites already-written bytes at offset at. */
void rop_push_patch_u16(struct rop_push *p, size_t at, uint16_t v);
void rop_push_patch_u32(struct rop_push *p, size_t at, uint32_t v);

/* 8-bit string with its NUL terminator. */
enum rop_err rop_push_asciiz(struct rop_push *p, const char *s);
/* UTF-8/WTF-8 string as UTF-16LE with a 0x0000 terminator.  Invalid UTF-8
 * answers ROP_E_INVALID. */
enum rop_err rop_push_utf16z(struct rop_push *p, const char *s);
/* As rop_push_utf16z without the terminator. */
enum rop_err rop_push_utf16n(struct rop_push *p, const char *s);
/* The byte length of s as UTF-16LE without terminator, or -1 if invalid. */
long rop_utf16_size(const char *s);

/* Propagate an error: ROP_CHECK(rop_pull_u8(p, &x)); */
#define ROP_CHECK(expr)                                                                            \
	do {                                                                                       \
		enum rop_err rop_check_err_ = (expr);                                              \
		if (rop_check_err_ != ROP_OK)                                                      \
			return rop_check_err_;                                                     \
	} while (0)

#endif
