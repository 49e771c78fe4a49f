/* Benchmark: server-side cost of one NTLMv2 handshake (NEGOTIATE ->
 * CHALLENGE, AUTHENTICATE with MIC and key exchange -> identity), the
 * client's work excluded.  Prints "name: value unit" lines. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ntlm.h"
#include "ntlm_client.h"

static int lookup(void *ctx, TALLOC_CTX *mem_ctx, const char *user, const char *domain,
                  char **address_r, uint8_t nt_hash_r[16])
{
	*address_r = talloc_strdup(mem_ctx, "alice@example.com");
	memcpy(nt_hash_r, ctx, 16);
	return 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(void)
{
	uint8_t hash[16];
	struct ntlm_server_config cfg = {"EXAMPLE", "MAIL", "example.com", "mail.example.com",
	                                 false,     lookup, hash};
	struct ntlm_client_opts o = {.user = "alice",
	                             .domain = "EXAMPLE",
	                             .workstation = "WS",
	                             .password = "secret",
	                             .flags = 0xe2088235,
	                             .mic = true,
	                             .key_exch = true};
	const int rounds = 2000;
	double server_time = 0;
	int ok = 0;

	ntlm_nt_hash("secret", hash);
	for (int i = 0; i < rounds; i++) {
		TALLOC_CTX *tmp = talloc_new(NULL);
		struct ntlm_server *s = ntlm_server_new(tmp, &cfg);
		uint8_t *neg, *chal, *auth, *out;
		size_t neg_len, chal_len, auth_len, out_len;
		enum ntlm_error err;
		double t0, t1, t2;

		neg = ntlm_client_negotiate(tmp, o.flags, &neg_len);
		t0 = now();
		ntlm_server_step(s, tmp, neg, neg_len, &chal, &chal_len, &err);
		t1 = now();
		auth = ntlm_client_authenticate(tmp, &o, neg, neg_len, chal, chal_len, &auth_len);
		t2 = now();
		ok += ntlm_server_step(s, tmp, auth, auth_len, &out, &out_len, &err) == 0;
		server_time += (t1 - t0) + (now() - t2);
		talloc_free(tmp);
	}
	printf("ntlm_handshake_server: %.1f us\n", server_time / rounds * 1e6);
	printf("ntlm_handshakes_per_core: %.0f per_s\n", rounds / server_time);
	printf("ntlm_handshake_ok: %d of %d\n", ok, rounds);
	return ok == rounds ? 0 : 1;
}
