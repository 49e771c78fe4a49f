/*
 * ntlm_client: a minimal NTLMv2 client written from [MS-NLMP] 3.1.5, for
 * tests and benchmarks only (the server's peer in unit tests).
 */
#ifndef TESTS_AUTH_NTLM_CLIENT_H
#define TESTS_AUTH_NTLM_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

struct ntlm_client_opts {
	const char *user, *domain, *workstation, *password;
	uint32_t flags; /* NEGOTIATE flags; the AUTHENTICATE uses the challenge's */
	bool mic;       /* send MsvAvFlags with the MIC bit, and the MIC */
	bool key_exch;  /* send an EncryptedRandomSessionKey when negotiated */
	uint8_t random_session_key[16];
	uint8_t exported_session_key[16]; /* out: what the server should derive */
	uint32_t auth_flags;              /* out: the AUTHENTICATE's flags */
};

uint8_t *ntlm_client_negotiate(TALLOC_CTX *mem_ctx, uint32_t flags, size_t *len_r);
/* NULL when the challenge cannot be parsed. */
uint8_t *ntlm_client_authenticate(TALLOC_CTX *mem_ctx, struct ntlm_client_opts *o,
                                  const uint8_t *neg, size_t neg_len, const uint8_t *chal,
                                  size_t chal_len, size_t *len_r);

#endif
