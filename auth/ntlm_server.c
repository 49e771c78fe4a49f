/*
 * ntlm_server: the per-connection NTLM server state machine ([MS-NLMP]
 * 3.2.5.1, connection-oriented) and the verification of the responses
 * ([MS-NLMP] 3.3.1 NTLMv1, 3.3.2 NTLMv2).
 */
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "ntlm_private.h"

enum ntlm_state {
	NTLM_STATE_INITIAL,
	NTLM_STATE_CHALLENGED,
	NTLM_STATE_DONE,
	NTLM_STATE_FAILED,
};

struct ntlm_server {
	struct ntlm_server_config cfg;
	enum ntlm_state state;
	uint32_t flags; /* as sent in the CHALLENGE_MESSAGE */
	uint8_t server_challenge[8];
	uint8_t *negotiate, *challenge; /* kept for the MIC */
	size_t negotiate_len, challenge_len;
	struct ntlm_identity *identity;
	char *last_user; /* "DOMAIN\user" of the last AUTHENTICATE, for logs */
};

/* A name from the AUTHENTICATE_MESSAGE, in both forms the server needs. */
struct ntlm_name {
	uint8_t *utf16;
	size_t utf16_len;
	char *utf8;
};

/* Windows Server 2022 (10.0.20348), NTLMSSP_REVISION_W2K3 ([MS-NLMP]
 * 2.2.2.10). */
static const uint8_t ntlm_server_version[8] = {10, 0, 0x7c, 0x4f, 0, 0, 0, 0x0f};

const char *ntlm_strerror(enum ntlm_error error)
{
	switch (error) {
	case NTLM_E_OK:
		return "success";
	case NTLM_E_MALFORMED:
		return "malformed NTLM message";
	case NTLM_E_STATE:
		return "NTLM message out of sequence on this connection";
	case NTLM_E_ANONYMOUS:
		return "anonymous NTLM authentication refused";
	case NTLM_E_UNKNOWN_USER:
		return "unknown user";
	case NTLM_E_BAD_RESPONSE:
		return "wrong password";
	case NTLM_E_V1_REFUSED:
		return "NTLMv1 response refused";
	case NTLM_E_MIC:
		return "NTLM MIC does not verify";
	case NTLM_E_INTERNAL:
		return "internal error";
	}
	return "unknown NTLM error";
}

static int server_destructor(struct ntlm_server *s)
{
	if (s->identity != NULL)
		OPENSSL_cleanse(s->identity->session_key, sizeof(s->identity->session_key));
	return 0;
}

struct ntlm_server *ntlm_server_new(TALLOC_CTX *mem_ctx, const struct ntlm_server_config *cfg)
{
	struct ntlm_server *s = talloc_zero(mem_ctx, struct ntlm_server);

	if (s == NULL)
		return NULL;
	s->cfg = *cfg;
	s->cfg.nb_domain = talloc_strdup(s, cfg->nb_domain != NULL ? cfg->nb_domain : "");
	s->cfg.nb_computer = talloc_strdup(s, cfg->nb_computer != NULL ? cfg->nb_computer : "");
	s->cfg.dns_domain = talloc_strdup(s, cfg->dns_domain != NULL ? cfg->dns_domain : "");
	s->cfg.dns_computer = talloc_strdup(s, cfg->dns_computer != NULL ? cfg->dns_computer : "");
	if (s->cfg.nb_domain == NULL || s->cfg.nb_computer == NULL || s->cfg.dns_domain == NULL ||
	    s->cfg.dns_computer == NULL) {
		talloc_free(s);
		return NULL;
	}
	talloc_set_destructor(s, server_destructor);
	return s;
}

const struct ntlm_identity *ntlm_server_identity(const struct ntlm_server *server)
{
	return server->state == NTLM_STATE_DONE ? server->identity : NULL;
}

/* [MS-NLMP] 3.2.5.1.1: the server answers with the subset of the client's
 * flags it supports, plus what it always needs. */
static uint32_t choose_flags(uint32_t client)
{
	const uint32_t echoed = NTLM_NEG_REQUEST_TARGET | NTLM_NEG_SIGN | NTLM_NEG_SEAL |
	                        NTLM_NEG_ALWAYS_SIGN | NTLM_NEG_EXTENDED_SESSIONSEC |
	                        NTLM_NEG_VERSION | NTLM_NEG_128 | NTLM_NEG_KEY_EXCH | NTLM_NEG_56;
	uint32_t flags =
	    (client & echoed) | NTLM_NEG_NTLM | NTLM_NEG_TARGET_INFO | NTLM_NEG_TARGET_TYPE_DOMAIN;

	if ((client & NTLM_NEG_UNICODE) != 0 || (client & NTLM_NEG_OEM) == 0)
		flags |= NTLM_NEG_UNICODE;
	else
		flags |= NTLM_NEG_OEM;
	return flags;
}

/* [MS-NLMP] 2.2.2.1 FILETIME for MsvAvTimestamp: 100 ns since 1601. */
static void filetime_now(uint8_t out[8])
{
	struct timespec ts;
	uint64_t ft;

	clock_gettime(CLOCK_REALTIME, &ts);
	ft = ((uint64_t)ts.tv_sec + 11644473600ull) * 10000000ull + (uint64_t)ts.tv_nsec / 100;
	for (int i = 0; i < 8; i++)
		out[i] = (uint8_t)(ft >> (8 * i));
}

static int build_target_info(struct ntlm_server *s, TALLOC_CTX *mem_ctx, uint8_t **ti_r,
                             size_t *len_r)
{
	uint8_t *ti = NULL, stamp[8];
	size_t len = 0;

	filetime_now(stamp);
	/* [MS-NLMP] 2.2.1.2 TargetInfo, AV pairs of 2.2.2.1. */
	if (ntlm_av_append_str(mem_ctx, &ti, &len, NTLM_AV_NB_DOMAIN_NAME, s->cfg.nb_domain) < 0 ||
	    ntlm_av_append_str(mem_ctx, &ti, &len, NTLM_AV_NB_COMPUTER_NAME, s->cfg.nb_computer) <
	        0 ||
	    ntlm_av_append_str(mem_ctx, &ti, &len, NTLM_AV_DNS_DOMAIN_NAME, s->cfg.dns_domain) <
	        0 ||
	    ntlm_av_append_str(mem_ctx, &ti, &len, NTLM_AV_DNS_COMPUTER_NAME, s->cfg.dns_computer) <
	        0 ||
	    ntlm_av_append(mem_ctx, &ti, &len, NTLM_AV_TIMESTAMP, stamp, 8) < 0 ||
	    ntlm_av_append(mem_ctx, &ti, &len, NTLM_AV_EOL, NULL, 0) < 0)
		return -1;
	*ti_r = ti;
	*len_r = len;
	return 0;
}

static int handle_negotiate(struct ntlm_server *s, TALLOC_CTX *mem_ctx, const uint8_t *in,
                            size_t in_len, uint8_t **out_r, size_t *out_len_r,
                            enum ntlm_error *error_r)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ntlm_negotiate neg;
	struct ntlm_challenge_params p;
	const char *error;
	uint8_t *ti, *name, *msg;
	size_t ti_len, name_len, msg_len;
	int ret = -1;

	*error_r = NTLM_E_INTERNAL;
	if (tmp == NULL)
		return -1;
	if (ntlm_negotiate_parse(in, in_len, &neg, &error) < 0) {
		*error_r = NTLM_E_MALFORMED;
		goto out;
	}
	memset(&p, 0, sizeof(p));
	p.flags = choose_flags(neg.flags);
	if (RAND_bytes(p.server_challenge, sizeof(p.server_challenge)) != 1)
		goto out;
	if (build_target_info(s, tmp, &ti, &ti_len) < 0)
		goto out;
	if ((p.flags & NTLM_NEG_UNICODE) != 0) {
		if (ntlm_utf8_to_utf16le(tmp, s->cfg.nb_domain, &name, &name_len) < 0)
			goto out;
	} else {
		name = (uint8_t *)talloc_strdup(tmp, s->cfg.nb_domain);
		name_len = strlen(s->cfg.nb_domain);
	}
	p.target_name = (struct ntlm_bytes){name, name_len};
	p.target_info = (struct ntlm_bytes){ti, ti_len};
	memcpy(p.version, ntlm_server_version, 8);
	msg = ntlm_challenge_build(mem_ctx, &p, &msg_len);
	if (msg == NULL)
		goto out;

	talloc_free(s->negotiate);
	talloc_free(s->challenge);
	s->negotiate = talloc_memdup(s, in, in_len);
	s->challenge = talloc_memdup(s, msg, msg_len);
	if (s->negotiate == NULL || s->challenge == NULL) {
		talloc_free(msg);
		goto out;
	}
	s->negotiate_len = in_len;
	s->challenge_len = msg_len;
	s->flags = p.flags;
	memcpy(s->server_challenge, p.server_challenge, 8);
	s->state = NTLM_STATE_CHALLENGED;
	*out_r = msg;
	*out_len_r = msg_len;
	*error_r = NTLM_E_OK;
	ret = 1;
out:
	talloc_free(tmp);
	return ret;
}

/* Names arrive UTF-16LE, or in the OEM code page without
 * NTLMSSP_NEGOTIATE_UNICODE (taken as Latin-1 here). */
static int decode_name(TALLOC_CTX *mem_ctx, const struct ntlm_bytes *in, bool unicode,
                       struct ntlm_name *out_r)
{
	if (unicode) {
		out_r->utf16 = talloc_memdup(mem_ctx, in->len > 0 ? in->data : (const uint8_t *)"",
		                             in->len > 0 ? in->len : 1);
		out_r->utf16_len = in->len;
		if (out_r->utf16 == NULL)
			return -1;
		return ntlm_utf16le_to_utf8(mem_ctx, in->data, in->len, &out_r->utf8);
	}
	out_r->utf16 = talloc_zero_array(mem_ctx, uint8_t, in->len * 2 + 1);
	if (out_r->utf16 == NULL)
		return -1;
	for (size_t i = 0; i < in->len; i++)
		out_r->utf16[2 * i] = in->data[i];
	out_r->utf16_len = in->len * 2;
	return ntlm_utf16le_to_utf8(mem_ctx, out_r->utf16, out_r->utf16_len, &out_r->utf8);
}

/* Everything verification derives, wiped by the caller. */
struct ntlm_keys {
	uint8_t nt_hash[16];
	uint8_t session_base_key[16];
	uint8_t key_exchange_key[16];
	uint8_t exported_session_key[16];
};

/* [MS-NLMP] 3.3.2: NTProofStr = HMAC_MD5(ResponseKeyNT, ServerChallenge ||
 * temp); SessionBaseKey = HMAC_MD5(ResponseKeyNT, NTProofStr).  Per
 * 3.2.5.1.2 the server retries with an empty domain. */
static enum ntlm_error verify_ntlmv2(const struct ntlm_server *s, const struct ntlm_authenticate *a,
                                     const struct ntlm_name *user, const struct ntlm_name *domain,
                                     struct ntlm_keys *k, struct ntlm_client_avs *avs_r)
{
	const uint8_t *blob = a->nt_response.data + 16;
	size_t blob_len = a->nt_response.len - 16;
	const char *error;
	uint8_t key[16], proof[16];
	enum ntlm_error ret = NTLM_E_BAD_RESPONSE;

	/* [MS-NLMP] 2.2.2.7 NTLMv2_CLIENT_CHALLENGE: 28 fixed bytes, AvPairs. */
	if (blob_len < 28 || blob[0] != 1 || blob[1] != 1 ||
	    ntlm_client_avs_parse(blob + 28, blob_len - 28, avs_r, &error) < 0)
		return NTLM_E_MALFORMED;
	for (int attempt = 0; attempt < 2 && ret == NTLM_E_BAD_RESPONSE; attempt++) {
		struct ntlm_bytes parts[2] = {{s->server_challenge, 8}, {blob, blob_len}};
		struct ntlm_bytes proof_part = {proof, 16};

		if (ntlm_ntowfv2(k->nt_hash, user->utf16, user->utf16_len, domain->utf16,
		                 attempt == 0 ? domain->utf16_len : 0, key) < 0 ||
		    ntlm_hmac_md5(key, 16, parts, 2, proof) < 0) {
			ret = NTLM_E_INTERNAL;
			break;
		}
		if (!ntlm_mem_equal(proof, a->nt_response.data, 16))
			continue;
		ret = ntlm_hmac_md5(key, 16, &proof_part, 1, k->session_base_key) < 0
		          ? NTLM_E_INTERNAL
		          : NTLM_E_OK;
	}
	/* [MS-NLMP] 3.4.5.1 KXKEY with NTLMv2: the SessionBaseKey itself. */
	memcpy(k->key_exchange_key, k->session_base_key, 16);
	OPENSSL_cleanse(key, sizeof(key));
	return ret;
}

/* [MS-NLMP] 3.3.2 LMv2 alone, accepted when the NTLMv2 response is absent:
 * HMAC_MD5(ResponseKeyLM, ServerChallenge || ClientChallenge) ||
 * ClientChallenge, with ResponseKeyLM = NTOWFv2.  No session key results. */
static enum ntlm_error verify_lmv2(const struct ntlm_server *s, const struct ntlm_authenticate *a,
                                   const struct ntlm_name *user, const struct ntlm_name *domain,
                                   struct ntlm_keys *k)
{
	struct ntlm_bytes parts[2] = {{s->server_challenge, 8}, {a->lm_response.data + 16, 8}};
	uint8_t key[16], resp[16];
	enum ntlm_error ret = NTLM_E_BAD_RESPONSE;

	if (ntlm_ntowfv2(k->nt_hash, user->utf16, user->utf16_len, domain->utf16, domain->utf16_len,
	                 key) < 0 ||
	    ntlm_hmac_md5(key, 16, parts, 2, resp) < 0)
		ret = NTLM_E_INTERNAL;
	else if (ntlm_mem_equal(resp, a->lm_response.data, 16))
		ret = NTLM_E_OK;
	OPENSSL_cleanse(key, sizeof(key));
	return ret;
}

/* [MS-NLMP] 3.3.1 NTLMv1, with extended session security when negotiated
 * (the challenge is then MD5(ServerChallenge || ClientChallenge)[0..7]). */
static enum ntlm_error verify_ntlmv1(const struct ntlm_server *s, const struct ntlm_authenticate *a,
                                     uint32_t flags, struct ntlm_keys *k)
{
	uint8_t data[8], md5[16], expect[24];
	struct ntlm_bytes parts[2] = {{s->server_challenge, 8}, {a->lm_response.data, 8}};
	bool ess = (flags & NTLM_NEG_EXTENDED_SESSIONSEC) != 0;

	if (ess) {
		if (a->lm_response.len < 8)
			return NTLM_E_MALFORMED;
		if (ntlm_md5(parts, 2, md5) < 0)
			return NTLM_E_INTERNAL;
		memcpy(data, md5, 8);
	} else {
		memcpy(data, s->server_challenge, 8);
	}
	if (ntlm_desl(k->nt_hash, data, expect) < 0 ||
	    ntlm_md4(k->nt_hash, 16, k->session_base_key) < 0)
		return NTLM_E_INTERNAL;
	if (!ntlm_mem_equal(expect, a->nt_response.data, 24))
		return NTLM_E_BAD_RESPONSE;
	/* [MS-NLMP] 3.4.5.1 KXKEY: with ESS, HMAC_MD5(SessionBaseKey,
	 * ServerChallenge || LmChallengeResponse[0..7]); else (no LM_KEY, no
	 * REQUEST_NON_NT_SESSION_KEY, which this server never grants) the
	 * SessionBaseKey. */
	if (!ess) {
		memcpy(k->key_exchange_key, k->session_base_key, 16);
		return NTLM_E_OK;
	}
	return ntlm_hmac_md5(k->session_base_key, 16, parts, 2, k->key_exchange_key) < 0
	           ? NTLM_E_INTERNAL
	           : NTLM_E_OK;
}

/* [MS-NLMP] 3.2.5.1.2: ExportedSessionKey, by key exchange when
 * negotiated, and the MIC over all three messages when the client says it
 * sent one (MsvAvFlags bit 0x2). */
static enum ntlm_error check_keys_and_mic(const struct ntlm_server *s, const uint8_t *msg,
                                          size_t len, const struct ntlm_authenticate *a,
                                          uint32_t flags, bool mic, struct ntlm_keys *k)
{
	uint8_t zero_mic[16] = {0}, computed[16];

	if ((flags & NTLM_NEG_KEY_EXCH) != 0) {
		if (a->encrypted_session_key.len != 16)
			return NTLM_E_MALFORMED;
		if (ntlm_rc4(k->key_exchange_key, a->encrypted_session_key.data, 16,
		             k->exported_session_key) < 0)
			return NTLM_E_INTERNAL;
	} else {
		memcpy(k->exported_session_key, k->key_exchange_key, 16);
	}
	if (!mic)
		return NTLM_E_OK;
	if (len < NTLM_AUTH_MIC_OFFSET || len - NTLM_AUTH_MIC_OFFSET < 16)
		return NTLM_E_MALFORMED;
	{
		/* The MIC is computed with its own field zeroed. */
		struct ntlm_bytes parts[5] = {
		    {s->negotiate, s->negotiate_len},
		    {s->challenge, s->challenge_len},
		    {msg, NTLM_AUTH_MIC_OFFSET},
		    {zero_mic, 16},
		    {msg + NTLM_AUTH_MIC_OFFSET + 16, len - NTLM_AUTH_MIC_OFFSET - 16},
		};
		if (ntlm_hmac_md5(k->exported_session_key, 16, parts, 5, computed) < 0)
			return NTLM_E_INTERNAL;
	}
	return ntlm_mem_equal(computed, msg + NTLM_AUTH_MIC_OFFSET, 16) ? NTLM_E_OK : NTLM_E_MIC;
}

static bool is_anonymous(const struct ntlm_authenticate *a)
{
	/* [MS-NLMP] 3.2.5.1.2: empty NT response and an empty or Z(1) LM
	 * response. */
	return a->nt_response.len == 0 &&
	       (a->lm_response.len == 0 ||
	        (a->lm_response.len == 1 && a->lm_response.data[0] == 0));
}

static enum ntlm_error verify_response(const struct ntlm_server *s, const uint8_t *msg, size_t len,
                                       const struct ntlm_authenticate *a,
                                       const struct ntlm_name *user, const struct ntlm_name *domain,
                                       struct ntlm_keys *k, bool *ntlmv2_r)
{
	uint32_t flags = a->flags & s->flags;
	struct ntlm_client_avs avs = {0};
	enum ntlm_error ret;

	*ntlmv2_r = true;
	if (a->nt_response.len > 24) {
		ret = verify_ntlmv2(s, a, user, domain, k, &avs);
	} else if (a->nt_response.len == 24) {
		*ntlmv2_r = false;
		if (!s->cfg.allow_ntlmv1)
			return NTLM_E_V1_REFUSED;
		ret = verify_ntlmv1(s, a, flags, k);
	} else if (a->nt_response.len == 0 && a->lm_response.len == 24) {
		/* LMv2 yields no session key: nothing to export or MIC. */
		return verify_lmv2(s, a, user, domain, k);
	} else {
		return NTLM_E_MALFORMED;
	}
	if (ret != NTLM_E_OK)
		return ret;
	return check_keys_and_mic(s, msg, len, a, flags, (avs.av_flags & NTLM_AV_FLAG_MIC) != 0, k);
}

static int make_identity(struct ntlm_server *s, const struct ntlm_name *user,
                         const struct ntlm_name *domain, const struct ntlm_name *workstation,
                         const char *address, const struct ntlm_keys *k, bool ntlmv2,
                         uint32_t flags)
{
	struct ntlm_identity *id = talloc_zero(s, struct ntlm_identity);

	if (id == NULL)
		return -1;
	id->user = talloc_strdup(id, user->utf8);
	id->domain = talloc_strdup(id, domain->utf8);
	id->workstation = talloc_strdup(id, workstation->utf8);
	id->address = talloc_strdup(id, address);
	if (id->user == NULL || id->domain == NULL || id->workstation == NULL ||
	    id->address == NULL) {
		talloc_free(id);
		return -1;
	}
	id->ntlmv2 = ntlmv2;
	id->flags = flags;
	memcpy(id->session_key, k->exported_session_key, 16);
	if (s->identity != NULL)
		OPENSSL_cleanse(s->identity->session_key, 16);
	talloc_free(s->identity);
	s->identity = id;
	return 0;
}

static enum ntlm_error handle_authenticate(struct ntlm_server *s, const uint8_t *in, size_t in_len)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ntlm_authenticate a;
	struct ntlm_name user, domain, workstation;
	struct ntlm_keys k;
	const char *error;
	char *address = NULL;
	bool unicode, ntlmv2;
	enum ntlm_error ret = NTLM_E_INTERNAL;
	int found;

	memset(&k, 0, sizeof(k));
	if (tmp == NULL)
		return NTLM_E_INTERNAL;
	if (ntlm_authenticate_parse(in, in_len, &a, &error) < 0) {
		ret = NTLM_E_MALFORMED;
		goto out;
	}
	if (is_anonymous(&a)) {
		ret = NTLM_E_ANONYMOUS;
		goto out;
	}
	unicode = (s->flags & NTLM_NEG_UNICODE) != 0;
	if (decode_name(tmp, &a.user, unicode, &user) < 0 ||
	    decode_name(tmp, &a.domain, unicode, &domain) < 0 ||
	    decode_name(tmp, &a.workstation, unicode, &workstation) < 0 || user.utf8[0] == '\0') {
		ret = NTLM_E_MALFORMED;
		goto out;
	}
	talloc_free(s->last_user);
	s->last_user = talloc_asprintf(s, "%s\\%s", domain.utf8, user.utf8);
	found = s->cfg.lookup(s->cfg.lookup_ctx, tmp, user.utf8, domain.utf8, &address, k.nt_hash);
	if (found <= 0) {
		ret = found == 0 ? NTLM_E_UNKNOWN_USER : NTLM_E_INTERNAL;
		goto out;
	}
	ret = verify_response(s, in, in_len, &a, &user, &domain, &k, &ntlmv2);
	if (ret == NTLM_E_OK && make_identity(s, &user, &domain, &workstation, address, &k, ntlmv2,
	                                      a.flags & s->flags) < 0)
		ret = NTLM_E_INTERNAL;
out:
	OPENSSL_cleanse(&k, sizeof(k));
	talloc_free(tmp);
	return ret;
}

int ntlm_server_step(struct ntlm_server *server, TALLOC_CTX *mem_ctx, const uint8_t *in,
                     size_t in_len, uint8_t **out_r, size_t *out_len_r, enum ntlm_error *error_r)
{
	enum ntlm_state prev = server->state;
	enum ntlm_error err;

	*out_r = NULL;
	*out_len_r = 0;
	if (in_len < 12 || !ntlm_is_ntlmssp(in, in_len)) {
		*error_r = NTLM_E_MALFORMED;
		server->state = NTLM_STATE_FAILED;
		return -1;
	}
	switch (in[8] | (in[9] << 8) | (in[10] << 16) | ((uint32_t)in[11] << 24)) {
	case NTLM_MSG_NEGOTIATE:
		/* A NEGOTIATE always starts a new handshake. */
		server->state = NTLM_STATE_INITIAL;
		if (handle_negotiate(server, mem_ctx, in, in_len, out_r, out_len_r, error_r) == 1)
			return 1;
		server->state = NTLM_STATE_FAILED;
		return -1;
	case NTLM_MSG_AUTHENTICATE:
		/* The server challenge is single-use: whatever happens, this
		 * state leaves CHALLENGED. */
		server->state = NTLM_STATE_FAILED;
		if (prev != NTLM_STATE_CHALLENGED) {
			*error_r = NTLM_E_STATE;
			return -1;
		}
		err = handle_authenticate(server, in, in_len);
		*error_r = err;
		if (err != NTLM_E_OK)
			return -1;
		server->state = NTLM_STATE_DONE;
		return 0;
	default:
		*error_r = NTLM_E_MALFORMED;
		server->state = NTLM_STATE_FAILED;
		return -1;
	}
}

const char *ntlm_server_last_user(const struct ntlm_server *server)
{
	return server->last_user;
}

void ntlm_server_test_set_challenge(struct ntlm_server *server, const uint8_t challenge[8])
{
	memcpy(server->server_challenge, challenge, 8);
}
