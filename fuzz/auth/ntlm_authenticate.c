/* Fuzzes the NTLM server's second leg: any bytes as the AUTHENTICATE_MESSAGE
 * ([MS-NLMP] 2.2.1.3) on a state that has sent the 4.2.4 challenge, with a
 * user whose password is the spec's "Password", so fixture-derived inputs
 * reach the crypto and the success path. */
#include <stdlib.h>
#include <string.h>

#include "ntlm.h"
#include "ntlm_private.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int lookup(void *ctx, TALLOC_CTX *mem_ctx, const char *user, const char *domain,
                  char **address_r, uint8_t nt_hash_r[16])
{
	*address_r = talloc_strdup(mem_ctx, "user@example.com");
	return ntlm_nt_hash("Password", nt_hash_r) == 0 ? 1 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t neg[] = {'N', 'T', 'L', 'M', 'S',  'S',  'P',  0,
	                              1,   0,   0,   0,   0x35, 0x82, 0x08, 0xe2};
	static const uint8_t chal[8] = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef};
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ntlm_server_config cfg = {"EXAMPLE", "MAIL", "example.com", "mail.example.com",
	                                 true,      lookup, NULL};
	struct ntlm_server *s = ntlm_server_new(tmp, &cfg);
	uint8_t *copy = malloc(size > 0 ? size : 1), *out;
	size_t out_len;
	enum ntlm_error err;
	int ret;

	memcpy(copy, data, size);
	if (ntlm_server_step(s, tmp, neg, sizeof(neg), &out, &out_len, &err) != 1)
		abort();
	ntlm_server_test_set_challenge(s, chal);
	ret = ntlm_server_step(s, tmp, copy, size, &out, &out_len, &err);
	if ((ret == 0) != (ntlm_server_identity(s) != NULL) || (ret == -1 && err == NTLM_E_OK))
		abort();
	free(copy);
	talloc_free(tmp);
	return 0;
}
