/* Fuzzes the NTLM server's first leg: any bytes as the NEGOTIATE_MESSAGE
 * ([MS-NLMP] 2.2.1.1), and the CHALLENGE it answers must be well-formed. */
#include <stdlib.h>
#include <string.h>

#include "ntlm.h"
#include "ntlm_private.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int no_user(void *ctx, TALLOC_CTX *mem_ctx, const char *user, const char *domain,
                   char **address_r, uint8_t nt_hash_r[16])
{
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ntlm_server_config cfg = {"EXAMPLE", "MAIL",  "example.com", "mail.example.com",
	                                 false,     no_user, NULL};
	struct ntlm_server *s = ntlm_server_new(tmp, &cfg);
	uint8_t *copy = malloc(size > 0 ? size : 1), *out;
	size_t out_len;
	enum ntlm_error err;

	/* A copy of exactly size bytes, so ASan sees any over-read. */
	memcpy(copy, data, size);
	if (ntlm_server_step(s, tmp, copy, size, &out, &out_len, &err) == 1) {
		if (out_len < 56 || !ntlm_is_ntlmssp(out, out_len) || out[8] != 2)
			abort();
	}
	free(copy);
	talloc_free(tmp);
	return 0;
}
