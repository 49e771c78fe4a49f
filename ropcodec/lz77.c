/* LZ77 + DIRECT2 of [MS-OXCRPC] 3.1.4.1.1.2, i.e. Plain LZ77 of [MS-XCA] 2.3-2.4. */
#include "lz77.h"

#include <stdbool.h>
#include <string.h>

/* [MS-OXCRPC] 3.1.4.1.1.2.2: a match is at least 3 bytes, its offset 13
 * bits (1..8192); the 2-byte length field holds length - 3. */
#define LZ77_MIN_MATCH   3
#define LZ77_MAX_OFFSET  8192
#define LZ77_MAX_MATCH   (65535 + LZ77_MIN_MATCH)
#define LZ77_HASH_BITS   14
#define LZ77_NO_POSITION SIZE_MAX

struct lz77_writer {
	uint8_t *out;
	size_t cap;
	size_t len;
	size_t flags_at;  /* where the current 32-bit bitmask goes */
	uint32_t flags;   /* bits collected so far, first symbol highest */
	unsigned nflags;  /* symbols in the current bitmask */
	size_t nibble_at; /* byte whose high nibble is still free, or none */
};

static enum rop_err writer_put(struct lz77_writer *w, const void *v, size_t n)
{
	if (w->cap - w->len < n)
		return ROP_E_NOSPACE;
	memcpy(w->out + w->len, v, n);
	w->len += n;
	return ROP_OK;
}

static void put_le32(uint8_t *at, uint32_t v)
{
	at[0] = (uint8_t)v;
	at[1] = (uint8_t)(v >> 8);
	at[2] = (uint8_t)(v >> 16);
	at[3] = (uint8_t)(v >> 24);
}

static enum rop_err writer_reserve_flags(struct lz77_writer *w)
{
	if (w->cap - w->len < 4)
		return ROP_E_NOSPACE;
	w->flags_at = w->len;
	w->len += 4;
	return ROP_OK;
}

/* [MS-XCA] 2.3: the bitmask is written once its 32 symbols are out, and
 * the next one is reserved after the symbol just written. */
static enum rop_err writer_flag(struct lz77_writer *w, unsigned bit)
{
	w->flags = (w->flags << 1) | bit;
	if (++w->nflags < 32)
		return ROP_OK;
	put_le32(w->out + w->flags_at, w->flags);
	w->flags = 0;
	w->nflags = 0;
	return writer_reserve_flags(w);
}

/* [MS-OXCRPC] 3.1.4.1.1.2.2 / [MS-XCA] 2.3: metadata, then the length
 * continued in a shared nibble, a byte and 2 bytes. */
static enum rop_err writer_match(struct lz77_writer *w, size_t offset, size_t length)
{
	size_t rest = length - LZ77_MIN_MATCH;
	uint16_t meta = (uint16_t)((offset - 1) << 3);
	uint8_t b[3];

	if (rest < 7) {
		meta |= (uint16_t)rest;
		b[0] = (uint8_t)meta;
		b[1] = (uint8_t)(meta >> 8);
		ROP_CHECK(writer_put(w, b, 2));
		return writer_flag(w, 1);
	}
	meta |= 7;
	b[0] = (uint8_t)meta;
	b[1] = (uint8_t)(meta >> 8);
	ROP_CHECK(writer_put(w, b, 2));
	rest -= 7;
	uint8_t nibble = rest < 15 ? (uint8_t)rest : 15;
	if (w->nibble_at == LZ77_NO_POSITION) {
		w->nibble_at = w->len;
		ROP_CHECK(writer_put(w, &nibble, 1));
	} else {
		w->out[w->nibble_at] |= (uint8_t)(nibble << 4);
		w->nibble_at = LZ77_NO_POSITION;
	}
	if (rest >= 15) {
		rest -= 15;
		if (rest < 255) {
			b[0] = (uint8_t)rest;
			ROP_CHECK(writer_put(w, b, 1));
		} else {
			/* The 2-byte form carries the whole length - 3. */
			rest += 15 + 7;
			b[0] = 255;
			b[1] = (uint8_t)rest;
			b[2] = (uint8_t)(rest >> 8);
			ROP_CHECK(writer_put(w, b, 3));
		}
	}
	return writer_flag(w, 1);
}

static uint32_t hash3(const uint8_t *p, unsigned bits)
{
	uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
	return (v * 2654435761u) >> (32 - bits);
}

/* A table about as large as the input, so small payloads (most ROP
 * responses) do not pay for clearing a big one. */
static unsigned hash_bits_for(size_t in_len)
{
	unsigned bits = 8;

	while (bits < LZ77_HASH_BITS && ((size_t)1 << bits) < in_len)
		bits++;
	return bits;
}

static size_t match_length(const uint8_t *in, size_t in_len, size_t cand, size_t pos)
{
	size_t max = in_len - pos;
	size_t n = 0;

	if (max > LZ77_MAX_MATCH)
		max = LZ77_MAX_MATCH;
	while (n < max && in[cand + n] == in[pos + n])
		n++;
	return n;
}

enum rop_err lz77_compress(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap,
                           size_t *out_len_r)
{
	/* Last position + 1 of each 3-byte hash; 0 = none. */
	static _Thread_local uint32_t head[1u << LZ77_HASH_BITS];
	struct lz77_writer w = {.out = out, .cap = out_cap, .nibble_at = LZ77_NO_POSITION};
	unsigned bits = hash_bits_for(in_len);
	size_t pos = 0;

	if (in_len > UINT32_MAX - 1)
		return ROP_E_TOO_BIG;
	memset(head, 0, sizeof(head[0]) << bits);
	ROP_CHECK(writer_reserve_flags(&w));
	while (pos < in_len) {
		size_t length = 0, offset = 0;

		if (in_len - pos >= LZ77_MIN_MATCH) {
			uint32_t h = hash3(in + pos, bits);
			size_t cand = head[h];

			head[h] = (uint32_t)(pos + 1);
			if (cand != 0 && pos - (cand - 1) <= LZ77_MAX_OFFSET) {
				length = match_length(in, in_len, cand - 1, pos);
				offset = pos - (cand - 1);
			}
		}
		if (length < LZ77_MIN_MATCH) {
			ROP_CHECK(writer_put(&w, in + pos, 1));
			ROP_CHECK(writer_flag(&w, 0));
			pos++;
			continue;
		}
		ROP_CHECK(writer_match(&w, offset, length));
		/* Index the covered positions so later data finds them. */
		for (size_t i = pos + 1; i < pos + length && in_len - i >= LZ77_MIN_MATCH; i++)
			head[hash3(in + i, bits)] = (uint32_t)(i + 1);
		pos += length;
	}
	/* [MS-XCA] 2.3: the unused bits of the last bitmask are set to 1. */
	uint32_t last = w.nflags == 0
	                    ? UINT32_MAX
	                    : (w.flags << (32 - w.nflags)) | ((UINT32_C(1) << (32 - w.nflags)) - 1);
	put_le32(w.out + w.flags_at, last);
	*out_len_r = w.len;
	return ROP_OK;
}

/* Reads the length continuation of [MS-XCA] 2.4 after a metadata length of
 * 7; *length_r is the match length minus 3. */
static enum rop_err read_long_length(const uint8_t *in, size_t in_len, size_t *ip,
                                     size_t *nibble_at, uint64_t *length_r)
{
	uint64_t length;

	if (*nibble_at == LZ77_NO_POSITION) {
		if (in_len - *ip < 1)
			return ROP_E_SHORT;
		length = in[*ip] & 0x0f;
		*nibble_at = *ip;
		*ip += 1;
	} else {
		length = in[*nibble_at] >> 4;
		*nibble_at = LZ77_NO_POSITION;
	}
	if (length == 15) {
		if (in_len - *ip < 1)
			return ROP_E_SHORT;
		length = in[*ip];
		*ip += 1;
		if (length == 255) {
			if (in_len - *ip < 2)
				return ROP_E_SHORT;
			length = (uint64_t)in[*ip] | (uint64_t)in[*ip + 1] << 8;
			*ip += 2;
			if (length == 0) {
				if (in_len - *ip < 4)
					return ROP_E_SHORT;
				length = (uint64_t)in[*ip] | (uint64_t)in[*ip + 1] << 8 |
				         (uint64_t)in[*ip + 2] << 16 | (uint64_t)in[*ip + 3] << 24;
				*ip += 4;
			}
			if (length < 15 + 7)
				return ROP_E_INVALID;
			length -= 15 + 7;
		}
		length += 15;
	}
	*length_r = length + 7;
	return ROP_OK;
}

static void copy_match(uint8_t *out, size_t op, size_t offset, size_t length)
{
	if (offset >= length) {
		memcpy(out + op, out + op - offset, length);
		return;
	}
	/* Overlapping: the match repeats bytes it is producing. */
	for (size_t i = 0; i < length; i++)
		out[op + i] = out[op - offset + i];
}

enum rop_err lz77_decompress(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap,
                             size_t *out_len_r)
{
	size_t ip = 0, op = 0, nibble_at = LZ77_NO_POSITION;
	uint32_t flags = 0;
	unsigned nflags = 0;

	for (;;) {
		if (nflags == 0) {
			if (ip == in_len)
				break;
			if (in_len - ip < 4)
				return ROP_E_SHORT;
			flags = (uint32_t)in[ip] | (uint32_t)in[ip + 1] << 8 |
			        (uint32_t)in[ip + 2] << 16 | (uint32_t)in[ip + 3] << 24;
			ip += 4;
			nflags = 32;
		}
		nflags--;
		/* [MS-XCA] 2.4: the input ends where a symbol would start. */
		if (ip == in_len)
			break;
		if (((flags >> nflags) & 1) == 0) {
			if (op == out_cap)
				return ROP_E_TOO_BIG;
			out[op++] = in[ip++];
			continue;
		}
		if (in_len - ip < 2)
			return ROP_E_SHORT;
		uint16_t meta = (uint16_t)(in[ip] | in[ip + 1] << 8);
		size_t offset = (size_t)(meta >> 3) + 1;
		uint64_t length = meta & 7;
		ip += 2;
		if (length == 7)
			ROP_CHECK(read_long_length(in, in_len, &ip, &nibble_at, &length));
		length += LZ77_MIN_MATCH;
		if (offset > op)
			return ROP_E_INVALID;
		if (length > out_cap - op)
			return ROP_E_TOO_BIG;
		copy_match(out, op, offset, (size_t)length);
		op += (size_t)length;
	}
	*out_len_r = op;
	return ROP_OK;
}
