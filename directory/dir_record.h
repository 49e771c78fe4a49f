/*
 * dir_record: the byte form of a user as a backend stores it.  Private to
 * directory/.  Layout (integers little-endian; a "string" is a u16 length
 * then that many bytes, no NUL):
 *
 *   u8 version (1) | u32 id | 16 bytes mailbox GUID | string address |
 *   string display name | string argon2 encoded hash ("" = none) |
 *   u8 has NT hash | 16 bytes NT hash | u16 alias count | aliases as strings
 *
 * The decoder checks every length against what is left and refuses
 * anything else (it is a fuzz target: fuzz/directory/record.c).
 */
#ifndef DIR_RECORD_H
#define DIR_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

#include "directory_private.h"

#define DIR_RECORD_VERSION 1
#define DIR_ALIASES_MAX    256

struct dir_record {
	struct dir_user *user; /* a talloc child of the record; every string is a
	                          child of user; legacy_dn is not stored */
	struct dir_secrets secrets;
};

/* Encodes rec; *data_r on mem_ctx.  Returns 0, or -1 when a field does
 * not fit its length prefix or memory runs out. */
int dir_record_encode(TALLOC_CTX *mem_ctx, const struct dir_record *rec, uint8_t **data_r,
                      size_t *len_r);

/* Decodes into *rec_r on mem_ctx (user->legacy_dn is NULL).  Returns 0, or -1 on malformed input.
 */
int dir_record_decode(TALLOC_CTX *mem_ctx, const uint8_t *data, size_t len,
                      struct dir_record **rec_r);

#endif
