/*
 * rpc_ext: the extended buffer envelope of EMSMDB ([MS-OXCRPC] 2.2.2.1,
 * 3.1.4.2.1) and the ROP input/output buffer it carries ([MS-OXCROPS] 2.2.1).
 *
 * On the wire a RopBuffer (MAPI/HTTP Execute, [MS-OXCMAPIHTTP] 2.2.4.2) and
 * an AuxiliaryBuffer are a chain of extended buffers:
 *
 *   RPC_HEADER_EXT { Version 0x0000, Flags, Size, SizeActual } payload
 *   [RPC_HEADER_EXT payload ...]          until a header with Flags & Last
 *
 * Each payload may be compressed (LZ77, lz77.h) and/or obfuscated (XOR 0xA5).
 * For the ROP buffers each payload is one complete ROP buffer:
 *
 *   RopSize (2 bytes, counts itself and the ROP list)  ROP list
 *   server object handle table (4 bytes per handle, to the end)
 *
 * This module hands out and takes the bare ROP list bytes; rop_*.c decodes
 * the ROPs themselves.
 */
#ifndef RPC_EXT_H
#define RPC_EXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

#include "rop_buf.h"

/* [MS-OXCRPC] 2.2.2.1 */
#define RPC_EXT_VERSION         0x0000
#define RPC_EXT_FLAG_COMPRESSED 0x0001
#define RPC_EXT_FLAG_XORMAGIC   0x0002
#define RPC_EXT_FLAG_LAST       0x0004
#define RPC_EXT_HEADER_SIZE     8
/* [MS-OXCRPC] 3.1.4.2.1 "A single payload MUST NOT exceed 32 KB"; Size and
 * SizeActual are 16 bits, which is what the decoder enforces (Outlook and
 * Exchange both stay at or below 32 KB, the encoder splits there). */
#define RPC_EXT_MAX_PAYLOAD 0x8000
/* [MS-OXCRPC] 3.1.4.1.1.3: every payload byte is XORed with this. */
#define RPC_EXT_XOR_MAGIC 0xA5

struct rpc_ext_header {
	uint16_t version;
	uint16_t flags;
	uint16_t size;        /* payload bytes on the wire */
	uint16_t size_actual; /* payload bytes once decompressed */
};

/* One extended buffer, its payload decompressed and de-obfuscated. */
struct rpc_ext_block {
	uint16_t flags; /* as received */
	uint8_t *data;  /* size_actual bytes, talloc child of the chain */
	size_t len;
};

struct rpc_ext_chain {
	struct rpc_ext_block *blocks;
	size_t count;
};

/* Obfuscates or restores data in place ([MS-OXCRPC] 3.1.4.1.1.3). */
void rpc_ext_xor(uint8_t *data, size_t len);

enum rop_err rpc_ext_pull_header(struct rop_pull *p, struct rpc_ext_header *hdr_r);
enum rop_err rpc_ext_push_header(struct rop_push *p, const struct rpc_ext_header *hdr);

/*
 * Decodes a chain of extended buffers from in[0..in_len).  Stops after the
 * block with the Last flag; bytes after it answer ROP_E_TRAILING, a chain
 * without Last ROP_E_SHORT.  The sum of the decoded payloads may not exceed
 * max_total (ROP_E_TOO_BIG), so a decoder never holds more than the caller
 * allows whatever the compression ratio.  Blocks are allocated on mem_ctx.
 */
enum rop_err rpc_ext_decode(TALLOC_CTX *mem_ctx, const uint8_t *in, size_t in_len, size_t max_total,
                            struct rpc_ext_chain *chain_r);

/* The decoded payloads of a chain concatenated, allocated on mem_ctx. */
enum rop_err rpc_ext_join(TALLOC_CTX *mem_ctx, const struct rpc_ext_chain *chain, uint8_t **data_r,
                          size_t *len_r);

/* What the encoder may do with a payload. */
enum rpc_ext_encode_flags {
	RPC_EXT_ENCODE_COMPRESS = 0x1, /* compress when it makes the block smaller */
	RPC_EXT_ENCODE_XOR = 0x2,      /* obfuscate the (possibly compressed) bytes */
	RPC_EXT_ENCODE_LAST = 0x4,     /* this block ends the chain */
};

/*
 * Appends one extended buffer carrying payload[0..len) to p (len at most
 * RPC_EXT_MAX_PAYLOAD, else ROP_E_TOO_BIG).  ROP_E_NOSPACE when the block
 * does not fit in p; p is then left as it was, so the caller can answer
 * RopBufferTooSmall or stop packing.
 */
enum rop_err rpc_ext_encode_block(struct rop_push *p, const uint8_t *payload, size_t len,
                                  unsigned encode_flags);

/*
 * Appends payload[0..len) as a chain of blocks of at most
 * RPC_EXT_MAX_PAYLOAD bytes each, Last on the final one.  For data that is
 * not a ROP buffer (the auxiliary buffer).  All or nothing as above.
 */
enum rop_err rpc_ext_encode(struct rop_push *p, const uint8_t *payload, size_t len,
                            unsigned encode_flags);

/* [MS-OXCRPC] 3.1.4.2 pulFlags; the Flags of the MAPI/HTTP Execute request
 * ([MS-OXCMAPIHTTP] 2.2.4.2.1) are the same bits. */
#define RPC_EXT_PUL_NOCOMPRESSION 0x00000001
#define RPC_EXT_PUL_NOXORMAGIC    0x00000002
#define RPC_EXT_PUL_CHAIN         0x00000004

/* The encode flags (compress, XOR; never LAST) a response to a request
 * with these pulFlags may use. */
unsigned rpc_ext_encode_flags_from_pul(uint32_t pul_flags);

/* A ROP input or output buffer ([MS-OXCROPS] 2.2.1), pointing into the
 * payload it was split from. */
struct rop_buffer {
	const uint8_t *rops; /* RopsList */
	size_t rops_len;
	uint32_t *handles; /* ServerObjectHandleTable, talloc array */
	size_t handle_count;
};

/*
 * Splits one decoded payload into RopSize, ROP list and handle table.
 * ROP_E_INVALID when RopSize is below 2 or beyond the payload, or the table
 * is not a whole number of 4-byte handles.
 */
enum rop_err rop_buffer_split(TALLOC_CTX *mem_ctx, const uint8_t *payload, size_t len,
                              struct rop_buffer *buf_r);

/* Writes RopSize, the ROP list and the handle table.  ROP_E_TOO_BIG when
 * the ROP list does not fit RopSize's 16 bits. */
enum rop_err rop_buffer_push(struct rop_push *p, const uint8_t *rops, size_t rops_len,
                             const uint32_t *handles, size_t handle_count);

/*
 * Appends one extended buffer whose payload is a whole ROP buffer (RopSize,
 * ROP list, handle table): what a server writes for each response it packs
 * into an Execute response.  ROP_E_TOO_BIG when the payload exceeds
 * RPC_EXT_MAX_PAYLOAD; ROP_E_NOSPACE when p is full (the caller answers
 * RopBufferTooSmall or stops packing); p unchanged on error.
 */
enum rop_err rpc_ext_encode_rop_buffer(struct rop_push *p, const uint8_t *rops, size_t rops_len,
                                       const uint32_t *handles, size_t handle_count,
                                       unsigned encode_flags);

#endif
