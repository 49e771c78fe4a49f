/* Tests of auth/ntlm: [MS-NLMP] 4.2 vectors byte-exact, the connection
 * state machine, a spec-built NTLMv2 client with MIC, and malformed input. */
#include <string.h>

#include "hex_fixture.h"
#include "ntlm.h"
#include "ntlm_client.h"
#include "ntlm_private.h"
#include "spnego.h"
#include "test.h"

static const char *fixtures;
static const uint8_t spec_server_challenge[8] = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef};

/* The directory stand-in: "User" (any domain) and alice@example.com, both
 * with the password "Password". */
static int lookup(void *ctx, TALLOC_CTX *mem_ctx, const char *user, const char *domain,
                  char **address_r, uint8_t nt_hash_r[16])
{
	int *calls = ctx;

	(*calls)++;
	if (strcasecmp(user, "User") == 0)
		*address_r = talloc_strdup(mem_ctx, "user@example.com");
	else if (strcasecmp(user, "alice") == 0)
		*address_r = talloc_strdup(mem_ctx, "alice@example.com");
	else
		return 0;
	return ntlm_nt_hash("Password", nt_hash_r) == 0 ? 1 : -1;
}

static int lookup_calls;

static struct ntlm_server_config test_config(bool v1)
{
	struct ntlm_server_config cfg = {
	    .nb_domain = "EXAMPLE",
	    .nb_computer = "MAIL",
	    .dns_domain = "example.com",
	    .dns_computer = "mail.example.com",
	    .allow_ntlmv1 = v1,
	    .lookup = lookup,
	    .lookup_ctx = &lookup_calls,
	};
	return cfg;
}

static void test_primitives(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct hex_line *v2, *v1;
	uint8_t hash[16], key[16], *user, *dom;
	size_t user_len, dom_len;

	test_begin("MS-NLMP 4.2.2.1.2 NTOWFv1 and 4.2.4.1.1 NTOWFv2");
	test_assert_int(hex_fixture_lines(tmp, fixtures, "MS-NLMP-4.2.4-values.hex", &v2), 5);
	test_assert_int(hex_fixture_lines(tmp, fixtures, "MS-NLMP-4.2.2-values.hex", &v1), 5);
	test_assert(ntlm_nt_hash("Password", hash) == 0);
	test_assert_mem(hash, v1[0].data, 16);
	test_assert(ntlm_utf8_to_utf16le(tmp, "user", &user, &user_len) == 0);
	test_assert(ntlm_utf8_to_utf16le(tmp, "Domain", &dom, &dom_len) == 0);
	test_assert(ntlm_ntowfv2(hash, user, user_len, dom, dom_len, key) == 0);
	test_assert_mem(key, v2[0].data, 16);
	test_end();

	test_begin("MS-NLMP 4.2.2.2.1 DESL NTLMv1 response and session base key");
	{
		uint8_t resp[24], sbk[16];

		test_assert(ntlm_desl(hash, spec_server_challenge, resp) == 0);
		test_assert_mem(resp, v1[2].data, 24);
		test_assert(ntlm_md4(hash, 16, sbk) == 0);
		test_assert_mem(sbk, v1[1].data, 16);
	}
	test_end();
	talloc_free(tmp);
}

static void test_upper(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	static const struct {
		const char *in, *want;
	} cases[] = {
	    {"alice", "ALICE"},
	    {"Jos\xc3\xa9", "JOS\xc3\x89"},
	    {"stra\xc3\x9f"
	     "e",
	     "STRA\xc3\x9f"
	     "E"},                    /* no SS: one unit at a time */
	    {"\xc3\xbf", "\xc5\xb8"}, /* y-diaeresis -> U+0178 */
	    {"\xd0\xb8\xd0\xb2\xd0\xb0\xd0\xbd", "\xd0\x98\xd0\x92\xd0\x90\xd0\x9d"},
	    {"\xf0\x9f\x98\x80x", "\xf0\x9f\x98\x80X"}, /* surrogates kept */
	};

	test_begin("Uppercase(User) for NTOWFv2, unit by unit");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t *u;
		size_t len;
		char *back;

		test_assert(ntlm_utf8_to_utf16le(tmp, cases[i].in, &u, &len) == 0);
		ntlm_utf16le_upper(u, len);
		test_assert(ntlm_utf16le_to_utf8(tmp, u, len, &back) == 0);
		test_assert_str(back, cases[i].want);
	}
	test_end();

	test_begin("invalid UTF-8 and UTF-16 are refused");
	{
		static const uint8_t lone[] = {0x00, 0xd8, 'a', 0}, nul[] = {'a', 0, 0, 0};
		uint8_t *u;
		size_t len;
		char *back;

		test_assert(ntlm_utf8_to_utf16le(tmp, "\xc0\xaf", &u, &len) == -1);
		test_assert(ntlm_utf8_to_utf16le(tmp, "\xed\xa0\x80", &u, &len) == -1);
		test_assert(ntlm_utf8_to_utf16le(tmp, "\xe2\x82", &u, &len) == -1);
		test_assert(ntlm_utf16le_to_utf8(tmp, lone, 4, &back) == -1);
		test_assert(ntlm_utf16le_to_utf8(tmp, lone, 2, &back) == -1);
		test_assert(ntlm_utf16le_to_utf8(tmp, nul, 4, &back) == -1);
		test_assert(ntlm_utf16le_to_utf8(tmp, nul, 3, &back) == -1);
	}
	test_end();
	talloc_free(tmp);
}

static void test_challenge_build(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ntlm_challenge_params p = {.flags = 0xe28a8233};
	uint8_t *want, *name, *ti = NULL, *got;
	size_t want_len, name_len, ti_len = 0, got_len;

	test_begin("MS-NLMP 4.2.4.3 CHALLENGE_MESSAGE built byte-exact");
	want = hex_fixture_message(tmp, fixtures, "MS-NLMP-4.2.4-challenge.hex", &want_len);
	test_assert(want != NULL);
	memcpy(p.server_challenge, spec_server_challenge, 8);
	test_assert(ntlm_utf8_to_utf16le(tmp, "Server", &name, &name_len) == 0);
	test_assert(ntlm_av_append_str(tmp, &ti, &ti_len, NTLM_AV_NB_DOMAIN_NAME, "Domain") == 0);
	test_assert(ntlm_av_append_str(tmp, &ti, &ti_len, NTLM_AV_NB_COMPUTER_NAME, "Server") == 0);
	test_assert(ntlm_av_append(tmp, &ti, &ti_len, NTLM_AV_EOL, NULL, 0) == 0);
	p.target_name = (struct ntlm_bytes){name, name_len};
	p.target_info = (struct ntlm_bytes){ti, ti_len};
	memcpy(p.version, "\x06\x00\x70\x17\x00\x00\x00\x0f", 8);
	got = ntlm_challenge_build(tmp, &p, &got_len);
	test_assert(got != NULL);
	test_assert_int(got_len, want_len);
	if (got != NULL && got_len == want_len)
		test_assert_mem(got, want, want_len);
	test_end();
	talloc_free(tmp);
}

/* Runs NEGOTIATE with the given flags on s and returns the step result. */
static int negotiate(struct ntlm_server *s, TALLOC_CTX *mem_ctx, uint32_t flags, uint8_t **neg_r,
                     size_t *neg_len_r, uint8_t **chal_r, size_t *chal_len_r)
{
	enum ntlm_error err;

	*neg_r = ntlm_client_negotiate(mem_ctx, flags, neg_len_r);
	return ntlm_server_step(s, mem_ctx, *neg_r, *neg_len_r, chal_r, chal_len_r, &err);
}

static void test_spec_authenticate(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ntlm_server_config cfg = test_config(false);
	struct ntlm_server *s = ntlm_server_new(tmp, &cfg);
	const struct ntlm_identity *id;
	struct ntlm_authenticate a;
	const char *error;
	uint8_t *msg, *neg, *chal, *out, rsk[16];
	size_t len, neg_len, chal_len, out_len;
	enum ntlm_error err;

	test_begin("MS-NLMP 4.2.4.3 AUTHENTICATE_MESSAGE verifies, exports 4.2.1 key");
	msg = hex_fixture_message(tmp, fixtures, "MS-NLMP-4.2.4-authenticate.hex", &len);
	test_assert(ntlm_authenticate_parse(msg, len, &a, &error) == 0);
	test_assert_int(a.flags, 0xe2888235);
	test_assert_int(a.nt_response.len, 0x54);
	test_assert_int(a.lm_response.len, 24);
	test_assert(ntlm_server_identity(s) == NULL);
	test_assert_int(negotiate(s, tmp, 0xe2088235, &neg, &neg_len, &chal, &chal_len), 1);
	ntlm_server_test_set_challenge(s, spec_server_challenge);
	test_assert_int(ntlm_server_step(s, tmp, msg, len, &out, &out_len, &err), 0);
	test_assert_int(err, NTLM_E_OK);
	id = ntlm_server_identity(s);
	test_assert(id != NULL);
	if (id != NULL) {
		memset(rsk, 0x55, 16);
		test_assert_str(id->user, "User");
		test_assert_str(id->domain, "Domain");
		test_assert_str(id->workstation, "COMPUTER");
		test_assert_str(id->address, "user@example.com");
		test_assert(id->ntlmv2);
		test_assert_mem(id->session_key, rsk, 16);
	}
	test_end();

	test_begin("the same AUTHENTICATE again on the state fails (challenge is single-use)");
	test_assert_int(ntlm_server_step(s, tmp, msg, len, &out, &out_len, &err), -1);
	test_assert_int(err, NTLM_E_STATE);
	test_assert(ntlm_server_identity(s) == NULL);
	test_end();

	test_begin("AUTHENTICATE on a fresh state (another connection) fails cleanly");
	{
		struct ntlm_server *other = ntlm_server_new(tmp, &cfg);

		test_assert_int(ntlm_server_step(other, tmp, msg, len, &out, &out_len, &err), -1);
		test_assert_int(err, NTLM_E_STATE);
		test_assert(ntlm_server_identity(other) == NULL);
	}
	test_end();

	test_begin("4.2.4 AUTHENTICATE against another server challenge is refused");
	test_assert_int(negotiate(s, tmp, 0xe2088235, &neg, &neg_len, &chal, &chal_len), 1);
	test_assert_int(ntlm_server_step(s, tmp, msg, len, &out, &out_len, &err), -1);
	test_assert_int(err, NTLM_E_BAD_RESPONSE);
	test_end();
	talloc_free(tmp);
}

static void test_lmv2_only(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ntlm_server_config cfg = test_config(false);
	struct ntlm_server *s = ntlm_server_new(tmp, &cfg);
	uint8_t *msg, *neg, *chal, *out;
	size_t len, neg_len, chal_len, out_len;
	enum ntlm_error err;

	test_begin("MS-NLMP 4.2.4.2.1 LMv2 alone is accepted when the NT response is absent");
	msg = hex_fixture_message(tmp, fixtures, "MS-NLMP-4.2.4-authenticate.hex", &len);
	/* NtChallengeResponseFields: Len = MaxLen = 0. */
	memset(msg + 20, 0, 4);
	test_assert_int(negotiate(s, tmp, 0xe2088235, &neg, &neg_len, &chal, &chal_len), 1);
	ntlm_server_test_set_challenge(s, spec_server_challenge);
	test_assert_int(ntlm_server_step(s, tmp, msg, len, &out, &out_len, &err), 0);
	test_assert(ntlm_server_identity(s) != NULL);
	test_end();

	test_begin("an anonymous AUTHENTICATE is refused");
	memset(msg + 12, 0, 4);
	test_assert_int(negotiate(s, tmp, 0xe2088235, &neg, &neg_len, &chal, &chal_len), 1);
	test_assert_int(ntlm_server_step(s, tmp, msg, len, &out, &out_len, &err), -1);
	test_assert_int(err, NTLM_E_ANONYMOUS);
	test_end();
	talloc_free(tmp);
}

/* An AUTHENTICATE for "Domain\User" with the given responses (UTF-16). */
static uint8_t *v1_authenticate(TALLOC_CTX *mem_ctx, uint32_t flags, const struct hex_line *lm,
                                const struct hex_line *nt, const struct hex_line *ek, size_t *len_r)
{
	static const uint8_t names[] = {'D', 0, 'o', 0, 'm', 0, 'a', 0, 'i', 0,
	                                'n', 0, 'U', 0, 's', 0, 'e', 0, 'r', 0};
	size_t ek_len = ek != NULL ? ek->len : 0;
	size_t len = 64 + sizeof(names) + lm->len + nt->len + ek_len;
	uint8_t *m = talloc_zero_array(mem_ctx, uint8_t, len);
	size_t lm_ofs = 64 + sizeof(names), nt_ofs = lm_ofs + lm->len;

	memcpy(m, "NTLMSSP", 8);
	m[8] = 3;
	m[12] = m[14] = (uint8_t)lm->len;
	m[16] = (uint8_t)lm_ofs;
	m[20] = m[22] = (uint8_t)nt->len;
	m[24] = (uint8_t)nt_ofs;
	m[28] = m[30] = 12; /* domain */
	m[32] = 64;
	m[36] = m[38] = 8; /* user */
	m[40] = 64 + 12;
	m[48] = (uint8_t)len; /* empty workstation */
	m[52] = m[54] = (uint8_t)ek_len;
	m[56] = (uint8_t)(len - ek_len);
	if (ek != NULL)
		memcpy(m + len - ek_len, ek->data, ek_len);
	memcpy(m + 60, &flags, 4); /* little-endian host */
	memcpy(m + 64, names, sizeof(names));
	memcpy(m + lm_ofs, lm->data, lm->len);
	memcpy(m + nt_ofs, nt->data, nt->len);
	*len_r = len;
	return m;
}

static void test_ntlmv1(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ntlm_server_config cfg_off = test_config(false), cfg_on = test_config(true);
	struct ntlm_server *s_off = ntlm_server_new(tmp, &cfg_off);
	struct ntlm_server *s_on = ntlm_server_new(tmp, &cfg_on);
	struct hex_line *v1, *ess;
	uint8_t *msg, *neg, *chal, *out;
	size_t len, neg_len, chal_len, out_len;
	enum ntlm_error err;

	hex_fixture_lines(tmp, fixtures, "MS-NLMP-4.2.2-values.hex", &v1);
	hex_fixture_lines(tmp, fixtures, "MS-NLMP-4.2.3-values.hex", &ess);

	test_begin("MS-NLMP 4.2.2 NTLMv1 refused by default");
	msg = v1_authenticate(tmp, 0xe2028233, &v1[3], &v1[2], &v1[4], &len);
	test_assert_int(negotiate(s_off, tmp, 0xe2028233, &neg, &neg_len, &chal, &chal_len), 1);
	ntlm_server_test_set_challenge(s_off, spec_server_challenge);
	test_assert_int(ntlm_server_step(s_off, tmp, msg, len, &out, &out_len, &err), -1);
	test_assert_int(err, NTLM_E_V1_REFUSED);
	test_end();

	test_begin("MS-NLMP 4.2.2 NTLMv1 accepted when allowed");
	test_assert_int(negotiate(s_on, tmp, 0xe2028233, &neg, &neg_len, &chal, &chal_len), 1);
	ntlm_server_test_set_challenge(s_on, spec_server_challenge);
	test_assert_int(ntlm_server_step(s_on, tmp, msg, len, &out, &out_len, &err), 0);
	test_assert(ntlm_server_identity(s_on) != NULL && !ntlm_server_identity(s_on)->ntlmv2);
	if (ntlm_server_identity(s_on) != NULL) {
		uint8_t rsk[16];

		memset(rsk, 0x55, 16);
		test_assert_mem(ntlm_server_identity(s_on)->session_key, rsk, 16);
	}
	test_end();

	test_begin("MS-NLMP 4.2.3 NTLMv1 with extended session security accepted when allowed");
	/* No EncryptedRandomSessionKey: KEY_EXCH left out of the flags. */
	msg = v1_authenticate(tmp, 0xa20a8233, &ess[0], &ess[1], NULL, &len);
	test_assert_int(negotiate(s_on, tmp, 0xe20a8233, &neg, &neg_len, &chal, &chal_len), 1);
	ntlm_server_test_set_challenge(s_on, spec_server_challenge);
	test_assert_int(ntlm_server_step(s_on, tmp, msg, len, &out, &out_len, &err), 0);
	test_end();

	test_begin("NTLMv1 with a wrong response is refused");
	msg = v1_authenticate(tmp, 0xa2028233, &v1[3], &v1[2], NULL, &len);
	msg[len - 1] ^= 1;
	test_assert_int(negotiate(s_on, tmp, 0xe2028233, &neg, &neg_len, &chal, &chal_len), 1);
	ntlm_server_test_set_challenge(s_on, spec_server_challenge);
	test_assert_int(ntlm_server_step(s_on, tmp, msg, len, &out, &out_len, &err), -1);
	test_assert_int(err, NTLM_E_BAD_RESPONSE);
	test_end();
	talloc_free(tmp);
}

/* One full handshake with the spec client; returns the final step result. */
static int client_round(TALLOC_CTX *tmp, struct ntlm_server *s, struct ntlm_client_opts *o,
                        int corrupt_at, enum ntlm_error *err_r)
{
	uint8_t *neg, *chal, *auth, *out;
	size_t neg_len, chal_len, auth_len, out_len;

	if (negotiate(s, tmp, o->flags, &neg, &neg_len, &chal, &chal_len) != 1)
		return -2;
	auth = ntlm_client_authenticate(tmp, o, neg, neg_len, chal, chal_len, &auth_len);
	if (auth == NULL)
		return -2;
	if (corrupt_at >= 0)
		auth[corrupt_at] ^= 0x01;
	return ntlm_server_step(s, tmp, auth, auth_len, &out, &out_len, err_r);
}

static void test_client(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ntlm_server_config cfg = test_config(false);
	struct ntlm_server *s = ntlm_server_new(tmp, &cfg);
	struct ntlm_client_opts o = {
	    .user = "alice",
	    .domain = "EXAMPLE",
	    .workstation = "WS1",
	    .password = "Password",
	    .flags = 0xe2088235, /* what Windows sends: KEY_EXCH, ESS, VERSION ... */
	    .mic = true,
	    .key_exch = true,
	};
	enum ntlm_error err;

	memset(o.random_session_key, 0x42, 16);
	test_begin("spec client: NTLMv2 with key exchange and MIC succeeds");
	test_assert_int(client_round(tmp, s, &o, -1, &err), 0);
	test_assert(ntlm_server_identity(s) != NULL);
	if (ntlm_server_identity(s) != NULL) {
		test_assert_str(ntlm_server_identity(s)->address, "alice@example.com");
		test_assert_mem(ntlm_server_identity(s)->session_key, o.exported_session_key, 16);
	}
	test_end();

	test_begin("spec client: a flipped MIC bit is refused");
	test_assert_int(client_round(tmp, s, &o, 72, &err), -1);
	test_assert_int(err, NTLM_E_MIC);
	test_end();

	test_begin("spec client: a flipped byte in a signed field (version) is refused");
	test_assert_int(client_round(tmp, s, &o, 65, &err), -1);
	test_assert_int(err, NTLM_E_MIC);
	test_end();

	test_begin("spec client: without key exchange, MIC still verifies");
	o.key_exch = false;
	test_assert_int(client_round(tmp, s, &o, -1, &err), 0);
	test_end();

	test_begin("spec client: wrong password is refused");
	o.password = "password";
	test_assert_int(client_round(tmp, s, &o, -1, &err), -1);
	test_assert_int(err, NTLM_E_BAD_RESPONSE);
	test_assert(ntlm_server_identity(s) == NULL);
	test_end();

	test_begin("spec client: unknown user is refused");
	o.password = "Password";
	o.user = "mallory";
	test_assert_int(client_round(tmp, s, &o, -1, &err), -1);
	test_assert_int(err, NTLM_E_UNKNOWN_USER);
	test_end();

	test_begin("spec client: user@domain form, empty domain, no MIC, OEM-less flags");
	o.user = "alice@example.com";
	o.domain = "";
	o.mic = false;
	o.flags = 0x00088207; /* curl: UNICODE OEM REQUEST_TARGET NTLM ALWAYS_SIGN ESS */
	s = ntlm_server_new(tmp, &cfg);
	test_assert_int(client_round(tmp, s, &o, -1, &err), -1);
	test_assert_int(err, NTLM_E_UNKNOWN_USER); /* the stand-in lookup knows "alice" only */
	o.user = "Alice";
	test_assert_int(client_round(tmp, s, &o, -1, &err), 0);
	test_assert_str(ntlm_server_identity(s)->user, "Alice");
	test_end();
	talloc_free(tmp);
}

static void test_challenge_content(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ntlm_server_config cfg = test_config(false);
	struct ntlm_server *s = ntlm_server_new(tmp, &cfg);
	uint8_t *neg, *chal, *chal2;
	size_t neg_len, chal_len, chal2_len;
	uint32_t flags;

	test_begin("CHALLENGE: flags from the client's, target info, fresh challenge");
	test_assert_int(negotiate(s, tmp, 0x00088207, &neg, &neg_len, &chal, &chal_len), 1);
	test_assert(chal_len > 56);
	memcpy(&flags, chal + 20, 4);
	test_assert((flags & NTLM_NEG_UNICODE) != 0);
	test_assert((flags & NTLM_NEG_OEM) == 0);
	test_assert((flags & NTLM_NEG_TARGET_INFO) != 0);
	test_assert((flags & NTLM_NEG_EXTENDED_SESSIONSEC) != 0);
	test_assert((flags & NTLM_NEG_KEY_EXCH) == 0);
	test_assert((flags & NTLM_NEG_VERSION) == 0);
	/* Target name "EXAMPLE" in UTF-16 at offset 56. */
	test_assert_int(chal[12], 14);
	test_assert(memcmp(chal + 56, "E\0X\0A\0M\0P\0L\0E\0", 14) == 0);
	test_assert_int(negotiate(s, tmp, 0x00088207, &neg, &neg_len, &chal2, &chal2_len), 1);
	test_assert(memcmp(chal + 24, chal2 + 24, 8) != 0);
	test_end();

	test_begin("CHALLENGE: target info holds the four names, a timestamp, EOL");
	{
		uint16_t ti_len = (uint16_t)(chal[40] | (chal[41] << 8));
		uint32_t ti_ofs = chal[44] | (chal[45] << 8);
		const uint8_t *ti = chal + ti_ofs;
		unsigned seen = 0;
		size_t ofs = 0;

		test_assert(ti_ofs + ti_len == chal_len);
		while (ofs + 4 <= ti_len) {
			uint16_t id = (uint16_t)(ti[ofs] | (ti[ofs + 1] << 8));
			uint16_t vlen = (uint16_t)(ti[ofs + 2] | (ti[ofs + 3] << 8));

			seen |= 1u << id;
			ofs += 4u + vlen;
			if (id == 0)
				break;
		}
		test_assert_int(ofs, ti_len);
		test_assert_int(seen, (1u << 0) | (1u << 1) | (1u << 2) | (1u << 3) | (1u << 4) |
		                          (1u << 7));
	}
	test_end();
	talloc_free(tmp);
}

static void test_malformed(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ntlm_server_config cfg = test_config(false);
	struct ntlm_server *s = ntlm_server_new(tmp, &cfg);
	uint8_t *msg, *neg, *chal, *out, *copy;
	size_t len, neg_len, chal_len, out_len;
	enum ntlm_error err;
	int bad = 0;

	msg = hex_fixture_message(tmp, fixtures, "MS-NLMP-4.2.4-authenticate.hex", &len);
	test_begin("every truncation of the 4.2.4 AUTHENTICATE fails cleanly");
	for (size_t n = 0; n < len; n++) {
		if (negotiate(s, tmp, 0xe2088235, &neg, &neg_len, &chal, &chal_len) != 1)
			bad++;
		ntlm_server_test_set_challenge(s, spec_server_challenge);
		copy = talloc_memdup(tmp, msg, n > 0 ? n : 1);
		if (ntlm_server_step(s, tmp, copy, n, &out, &out_len, &err) != -1)
			bad++;
		talloc_free(copy);
	}
	test_assert_int(bad, 0);
	test_end();

	test_begin("offsets and lengths pointing outside the message are malformed");
	for (size_t at = 12; at < 60; at += 8) {
		copy = talloc_memdup(tmp, msg, len);
		copy[at + 4] = 0xff; /* offset far beyond */
		copy[at] = copy[at] == 0 ? 1 : copy[at];
		negotiate(s, tmp, 0xe2088235, &neg, &neg_len, &chal, &chal_len);
		test_assert_int(ntlm_server_step(s, tmp, copy, len, &out, &out_len, &err), -1);
		test_assert_int(err, NTLM_E_MALFORMED);
		copy = talloc_memdup(tmp, msg, len);
		copy[at] = 0xff; /* length beyond the end */
		copy[at + 1] = 0xff;
		negotiate(s, tmp, 0xe2088235, &neg, &neg_len, &chal, &chal_len);
		test_assert_int(ntlm_server_step(s, tmp, copy, len, &out, &out_len, &err), -1);
		test_assert_int(err, NTLM_E_MALFORMED);
	}
	test_end();

	test_begin("garbage, wrong type, short NEGOTIATE fail cleanly");
	test_assert_int(ntlm_server_step(s, tmp, (const uint8_t *)"hello", 5, &out, &out_len, &err),
	                -1);
	test_assert_int(err, NTLM_E_MALFORMED);
	test_assert_int(ntlm_server_step(s, tmp, (const uint8_t *)"NTLMSSP\0\2\0\0\0", 12, &out,
	                                 &out_len, &err),
	                -1);
	test_assert_int(err, NTLM_E_MALFORMED);
	test_assert_int(ntlm_server_step(s, tmp, (const uint8_t *)"NTLMSSP\0\1\0\0\0", 12, &out,
	                                 &out_len, &err),
	                -1);
	test_assert_int(err, NTLM_E_MALFORMED);
	test_assert_int(ntlm_server_step(s, tmp, (const uint8_t *)"", 0, &out, &out_len, &err), -1);
	test_end();
	talloc_free(tmp);
}

static void test_signing(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct hex_line *v;
	uint8_t key[16], sign[16], seal[16], hmac[16], stream[26];
	static const uint8_t seq0[4] = {0};
	struct ntlm_bytes parts[2];

	test_begin("MS-NLMP 4.2.4.4 SIGNKEY, SEALKEY, MAC checksum byte-exact");
	test_assert_int(hex_fixture_lines(tmp, fixtures, "MS-NLMP-4.2.4.4-values.hex", &v), 7);
	memset(key, 0x55, 16);
	test_assert(ntlm_sign_keys(key, 0xe2888235, true, sign, seal) == 0);
	test_assert_mem(seal, v[1].data, 16);
	test_assert_mem(sign, v[2].data, 16);
	parts[0] = (struct ntlm_bytes){seq0, 4};
	parts[1] = (struct ntlm_bytes){v[0].data, v[0].len};
	test_assert(ntlm_hmac_md5(sign, 16, parts, 2, hmac) == 0);
	test_assert_mem(hmac, v[4].data, 8);
	/* SEAL() runs one RC4 handle over the message, then the checksum. */
	memcpy(stream, v[0].data, 18);
	memcpy(stream + 18, hmac, 8);
	test_assert(ntlm_rc4(seal, stream, 26, stream) == 0);
	test_assert_mem(stream, v[3].data, 18);
	test_assert_mem(stream + 18, v[5].data, 8);
	test_assert(ntlm_sign_keys(key, 0xe2808235, true, sign, seal) == -1); /* no ESS */
	test_end();
	talloc_free(tmp);
}

static void test_spnego_codec(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	/* NegTokenInit, mechTypes {NTLMSSP, krb5}, mechToken "NTLMSSP\0". */
	static const uint8_t init[] = {
	    0x60, 0x33, 0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02, 0xa0, 0x29, 0x30, 0x27,
	    0xa0, 0x19, 0x30, 0x17, 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02,
	    0x02, 0x0a, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02, 0xa2,
	    0x0a, 0x04, 0x08, 'N',  'T',  'L',  'M',  'S',  'S',  'P',  0x00};
	struct spnego_init in;
	struct spnego_resp resp;
	uint8_t big[300], *out;
	struct ntlm_bytes tok = {big, sizeof(big)}, mic = {big, 16};
	size_t len;

	test_begin("SPNEGO NegTokenInit parses; every truncation is refused");
	test_assert(spnego_parse_init(init, sizeof(init), &in) == 0);
	test_assert(in.ntlm_offered && in.ntlm_first && in.kerberos_offered);
	test_assert_int(in.mech_types.len, 0x19);
	test_assert_int(in.mech_token.len, 8);
	for (size_t n = 0; n < sizeof(init); n++)
		test_assert(spnego_parse_init(init, n, &in) == -1);
	test_end();

	test_begin("SPNEGO NegTokenResp builds and parses back (long lengths)");
	memset(big, 0x5a, sizeof(big));
	out = spnego_build_resp(tmp, SPNEGO_ACCEPT_INCOMPLETE, true, &tok, &mic, &len);
	test_assert(out != NULL);
	test_assert(spnego_parse_resp(out, len, &resp) == 0);
	test_assert_int(resp.state, SPNEGO_ACCEPT_INCOMPLETE);
	test_assert_int(resp.response_token.len, sizeof(big));
	test_assert_int(resp.mech_list_mic.len, 16);
	test_assert(memcmp(resp.response_token.data, big, sizeof(big)) == 0);
	for (size_t n = 0; n < len; n++)
		test_assert(spnego_parse_resp(out, n, &resp) == -1);
	out = spnego_build_resp(tmp, SPNEGO_ACCEPT_COMPLETED, false, NULL, NULL, &len);
	test_assert(out != NULL && len == 9);
	test_assert(spnego_parse_resp(out, len, &resp) == 0);
	test_assert_int(resp.state, SPNEGO_ACCEPT_COMPLETED);
	test_assert_int(resp.response_token.len, 0);
	test_end();
	talloc_free(tmp);
}

int main(int argc, char **argv)
{
	fixtures = argc > 1 ? argv[1] : "fixtures/auth";
	test_primitives();
	test_upper();
	test_challenge_build();
	test_spec_authenticate();
	test_lmv2_only();
	test_ntlmv1();
	test_client();
	test_challenge_content();
	test_malformed();
	test_signing();
	test_spnego_codec();
	return test_exit();
}
