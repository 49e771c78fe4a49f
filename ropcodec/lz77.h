/*
 * lz77: the compression of the EMSMDB extended buffers.
 *
 * [MS-OXCRPC] 3.1.4.1.1.2 compresses RPC_HEADER_EXT payloads with LZ77
 * ([MS-OXCRPC] 3.1.4.1.1.2.1) and the DIRECT2 encoding ([MS-OXCRPC]
 * 3.1.4.1.1.2.2): a 32-bit bitmask read from the most significant bit (0 =
 * literal byte, 1 = match), 2-byte match metadata holding a 13-bit offset
 * minus 1 and a 3-bit length minus 3, longer lengths continued in a nibble
 * shared by two matches, then a byte, then 2 bytes.  That is byte for byte
 * the "Plain LZ77" format of [MS-XCA] 2.3 (compression) and 2.4
 * (decompression); the printed examples of [MS-XCA] 3.1 are valid EMSMDB
 * payloads.  [MS-XCA] 2.4 also allows a 4-byte length after a zero 2-byte
 * length; the decoder accepts it, bounded by the output size, and the encoder
 * never needs it (an RPC_HEADER_EXT block holds at most 64 KiB).
 *
 * Both functions work on caller memory and never allocate.
 */
#ifndef LZ77_H
#define LZ77_H

#include <stddef.h>
#include <stdint.h>

#include "rop_buf.h"

/*
 * Compresses in[0..in_len) into out (out_cap bytes).  On ROP_OK *out_len_r
 * is the compressed size.  ROP_E_NOSPACE when the output does not fit in
 * out_cap (the caller then sends the data uncompressed).  The stream ends
 * with a bitmask whose unused bits are 1, as [MS-XCA] 2.3 does, so any
 * conforming decoder stops at the end of the input.
 */
enum rop_err lz77_compress(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap,
                           size_t *out_len_r);

/*
 * Decompresses in[0..in_len) into out.  Output never exceeds out_cap: a
 * stream that would produce more answers ROP_E_TOO_BIG (decompression
 * bombs), a match reaching before the start of the output ROP_E_INVALID, a
 * stream cut inside a match ROP_E_SHORT.  On ROP_OK *out_len_r is the number
 * of bytes produced; the caller compares it with the size it expected.
 */
enum rop_err lz77_decompress(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap,
                             size_t *out_len_r);

#endif
