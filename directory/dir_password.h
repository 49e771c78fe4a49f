/*
 * dir_password: password verifiers.  argon2id (libargon2) for logins, and
 * the NT hash that NTLM needs.  Private to directory/.
 *
 * Parameters: argon2id, t=2 passes, m=19456 KiB, p=1 lane, 16-byte salt
 * from OpenSSL RAND_bytes, 32-byte tag (the OWASP minimum; one verify takes
 * about 25 ms on the 2-core build machine).  Stored as argon2's encoded
 * string, so older parameters keep verifying after a change.
 */
#ifndef DIR_PASSWORD_H
#define DIR_PASSWORD_H

#include <stdint.h>
#include <talloc.h>

#define DIR_PASSWORD_MAX 1024 /* bytes; longer ones are refused */

/* Hashes password with a fresh salt; *encoded_r on mem_ctx.  0 / -1. */
int dir_password_hash(TALLOC_CTX *mem_ctx, const char *password, char **encoded_r,
                      const char **why_r);

/* 1 match, 0 mismatch, -1 error.  encoded NULL (unknown user, or no
 * password set) verifies against a dummy hash of the same cost, so that the
 * answer takes comparable time, and returns 0. */
int dir_password_verify(const char *encoded, const char *password, const char **why_r);

/* [MS-NLMP] 3.3.1 NTOWFv1: MD4 of the UTF-16LE password.  password must be
 * valid UTF-8.  0 / -1. */
int dir_nt_hash(const char *password, uint8_t hash_r[16], const char **why_r);

#endif
