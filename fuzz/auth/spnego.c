/* Fuzzes the SPNEGO codec ([RFC 4178] 4.2): NegTokenInit and NegTokenResp
 * parsers, and for a parsed NegTokenResp, build -> parse gives the same
 * fields back. */
#include <stdlib.h>
#include <string.h>

#include "spnego.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	uint8_t *copy = malloc(size > 0 ? size : 1), *out;
	struct spnego_init init;
	struct spnego_resp resp, again;
	size_t len;

	memcpy(copy, data, size);
	if (spnego_parse_init(copy, size, &init) == 0) {
		if (init.mech_types.len == 0 || (init.ntlm_first && !init.ntlm_offered))
			abort();
	}
	if (spnego_parse_resp(copy, size, &resp) == 0 && resp.state >= 0 && resp.state <= 3 &&
	    resp.mech_list_mic.len <= 16) {
		out = spnego_build_resp(tmp, (enum spnego_state)resp.state, false,
		                        &resp.response_token, &resp.mech_list_mic, &len);
		if (out == NULL || spnego_parse_resp(out, len, &again) < 0 ||
		    again.state != resp.state ||
		    again.response_token.len != resp.response_token.len ||
		    again.mech_list_mic.len != resp.mech_list_mic.len ||
		    (resp.response_token.len > 0 &&
		     memcmp(again.response_token.data, resp.response_token.data,
		            resp.response_token.len) != 0))
			abort();
	}
	free(copy);
	talloc_free(tmp);
	return 0;
}
