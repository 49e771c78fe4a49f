/* Tests of auth/negotiate against a throw-away MIT KDC (kdc_run.sh starts it
 * and passes the keytabs): a GSSAPI client (gss_init_sec_context) whose
 * tokens the acceptor must accept, and the ways it must refuse. */
#include <string.h>

#include <gssapi/gssapi.h>
#include <gssapi/gssapi_krb5.h>

#include "negotiate.h"
#include "ntlm_client.h"
#include "ntlm_private.h"
#include "spnego.h"
#include "test.h"

static const char *keytab, *other_keytab, *realm;
static gss_OID_desc spnego_oid = {6, (void *)"\x2b\x06\x01\x05\x05\x02"};

struct client {
	gss_ctx_id_t ctx;
	gss_name_t target;
	gss_OID mech;
	OM_uint32 major;
};

static void client_init(struct client *c, const char *service, gss_OID mech)
{
	gss_buffer_desc buf = {strlen(service), (void *)service};
	OM_uint32 minor;

	c->ctx = GSS_C_NO_CONTEXT;
	c->mech = mech;
	c->major = gss_import_name(&minor, &buf, GSS_C_NT_HOSTBASED_SERVICE, &c->target);
}

static void client_free(struct client *c)
{
	OM_uint32 minor;

	if (c->ctx != GSS_C_NO_CONTEXT)
		gss_delete_sec_context(&minor, &c->ctx, GSS_C_NO_BUFFER);
	gss_release_name(&minor, &c->target);
}

/* One client leg: consumes in (may be empty), returns the token to send. */
static uint8_t *client_step(struct client *c, TALLOC_CTX *mem_ctx, const uint8_t *in, size_t in_len,
                            size_t *out_len_r)
{
	gss_buffer_desc in_buf = {in_len, (void *)in}, out_buf = GSS_C_EMPTY_BUFFER;
	OM_uint32 minor;
	uint8_t *out = NULL;

	c->major = gss_init_sec_context(&minor, GSS_C_NO_CREDENTIAL, &c->ctx, c->target, c->mech,
	                                GSS_C_MUTUAL_FLAG, 0, GSS_C_NO_CHANNEL_BINDINGS,
	                                in_len > 0 ? &in_buf : GSS_C_NO_BUFFER, NULL, &out_buf,
	                                NULL, NULL);
	*out_len_r = out_buf.length;
	if (out_buf.length > 0)
		out = talloc_memdup(mem_ctx, out_buf.value, out_buf.length);
	gss_release_buffer(&minor, &out_buf);
	return out;
}

/* Runs the exchange to the end; returns the acceptor's last step result. */
static int handshake(TALLOC_CTX *tmp, struct negotiate_acceptor *acc, const char *service,
                     gss_OID mech, struct negotiate_server **server_r, enum negotiate_error *err_r)
{
	struct client c;
	struct negotiate_server *s = negotiate_server_new(tmp, acc);
	uint8_t *tok, *out = NULL;
	size_t tok_len, out_len = 0;
	const char *detail;
	int ret = -2;

	client_init(&c, service, mech);
	for (int leg = 0; leg < 5; leg++) {
		tok = client_step(&c, tmp, out, out_len, &tok_len);
		if (GSS_ERROR(c.major) || tok_len == 0)
			break;
		ret = negotiate_server_step(s, tmp, tok, tok_len, &out, &out_len, err_r, &detail);
		if (ret != 1)
			break;
	}
	/* Mutual authentication: the client checks the final token. */
	if (ret == 0 && out_len > 0) {
		client_step(&c, tmp, out, out_len, &tok_len);
		if (c.major != GSS_S_COMPLETE)
			ret = -3;
	}
	client_free(&c);
	*server_r = s;
	return ret;
}

static struct negotiate_acceptor *make_acceptor(TALLOC_CTX *mem_ctx, const char *kt,
                                                const char *service, bool with_map,
                                                const struct ntlm_server_config *ntlm)
{
	struct auth_domain_map *map = auth_domain_map_new(mem_ctx, NULL);
	struct negotiate_config cfg = {kt, service, with_map ? map : NULL, ntlm};
	struct negotiate_acceptor *acc = NULL;
	const char *error;

	auth_domain_map_add(map, realm, "example.com");
	if (negotiate_acceptor_new(mem_ctx, &cfg, &acc, &error) < 0) {
		fprintf(stderr, "acceptor: %s\n", error);
		return NULL;
	}
	return acc;
}

static void test_kerberos(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct negotiate_acceptor *acc = make_acceptor(tmp, keytab, "HTTP@localhost", true, NULL);
	struct negotiate_server *s;
	const struct negotiate_identity *id;
	enum negotiate_error err;
	char want[128];

	snprintf(want, sizeof(want), "alice@%s", realm);
	test_begin("SPNEGO Kerberos handshake with the keytab succeeds, mutual auth verifies");
	test_assert(acc != NULL);
	if (acc != NULL) {
		test_assert_int(handshake(tmp, acc, "HTTP@localhost", &spnego_oid, &s, &err), 0);
		id = negotiate_server_identity(s);
		test_assert(id != NULL);
		if (id != NULL) {
			test_assert_str(id->principal, want);
			test_assert_str(id->address, "alice@example.com");
			test_assert(!id->ntlm);
		}
	}
	test_end();

	test_begin("bare Kerberos (no SPNEGO) under Negotiate succeeds too");
	if (acc != NULL) {
		test_assert_int(
		    handshake(tmp, acc, "HTTP@localhost", (gss_OID)gss_mech_krb5, &s, &err), 0);
		test_assert(negotiate_server_identity(s) != NULL);
	}
	test_end();

	test_begin("a ticket for another service (HTTP/other) is rejected");
	if (acc != NULL) {
		test_assert_int(handshake(tmp, acc, "HTTP@other", &spnego_oid, &s, &err), -1);
		test_assert_int(err, NEGOTIATE_E_REJECTED);
		test_assert(negotiate_server_identity(s) == NULL);
	}
	test_end();
	talloc_free(tmp);
}

static void test_refusals(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct negotiate_acceptor *wrong = make_acceptor(tmp, other_keytab, NULL, true, NULL);
	struct negotiate_acceptor *unmapped = make_acceptor(tmp, keytab, NULL, false, NULL);
	struct negotiate_config cfg = {"/nonexistent/keytab", NULL, NULL, NULL};
	struct negotiate_acceptor *none = NULL;
	struct negotiate_server *s;
	enum negotiate_error err;
	const char *error;

	test_begin("the wrong keytab rejects a valid ticket");
	test_assert(wrong != NULL);
	if (wrong != NULL) {
		test_assert_int(handshake(tmp, wrong, "HTTP@localhost", &spnego_oid, &s, &err), -1);
		test_assert_int(err, NEGOTIATE_E_REJECTED);
	}
	test_end();

	test_begin("a realm missing from the map is refused after GSS success");
	test_assert(unmapped != NULL);
	if (unmapped != NULL) {
		test_assert_int(handshake(tmp, unmapped, "HTTP@localhost", &spnego_oid, &s, &err),
		                -1);
		test_assert_int(err, NEGOTIATE_E_UNMAPPED);
		test_assert(negotiate_server_identity(s) == NULL);
	}
	test_end();

	test_begin("a missing keytab fails at acceptor creation");
	test_assert_int(negotiate_acceptor_new(tmp, &cfg, &none, &error), -1);
	test_assert(none == NULL);
	test_end();
	talloc_free(tmp);
}

static void test_garbage(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct negotiate_acceptor *acc = make_acceptor(tmp, keytab, NULL, true, NULL);
	static const uint8_t spnego_truncated[] = {0x60, 0x82, 0x02, 0x00, 0x06, 0x06, 0x2b};
	static const uint8_t junk[] = "not a token at all";
	uint8_t *out;
	size_t out_len;
	enum negotiate_error err;
	const char *detail;

	test_begin("garbage, truncated and empty tokens fail cleanly");
	if (acc != NULL) {
		struct negotiate_server *s = negotiate_server_new(tmp, acc);

		test_assert_int(negotiate_server_step(s, tmp, junk, sizeof(junk), &out, &out_len,
		                                      &err, &detail),
		                -1);
		test_assert(err == NEGOTIATE_E_MALFORMED || err == NEGOTIATE_E_REJECTED);
		test_assert_int(negotiate_server_step(s, tmp, spnego_truncated,
		                                      sizeof(spnego_truncated), &out, &out_len,
		                                      &err, &detail),
		                -1);
		test_assert_int(
		    negotiate_server_step(s, tmp, junk, 0, &out, &out_len, &err, &detail), -1);
		test_assert_int(err, NEGOTIATE_E_MALFORMED);
		test_assert(negotiate_server_identity(s) == NULL);
	}
	test_end();
	talloc_free(tmp);
}

static int ntlm_lookup(void *ctx, TALLOC_CTX *mem_ctx, const char *user, const char *domain,
                       char **address_r, uint8_t nt_hash_r[16])
{
	if (strcmp(user, "alice") != 0)
		return 0;
	*address_r = talloc_strdup(mem_ctx, "alice@example.com");
	return ntlm_nt_hash("secret", nt_hash_r) == 0 ? 1 : -1;
}

static void test_raw_ntlm(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ntlm_server_config ncfg = {"EXAMPLE", "MAIL",      "example.com", "mail.example.com",
	                                  false,     ntlm_lookup, NULL};
	struct negotiate_acceptor *acc = make_acceptor(tmp, keytab, NULL, true, &ncfg);
	struct negotiate_acceptor *no_ntlm = make_acceptor(tmp, keytab, NULL, true, NULL);
	struct ntlm_client_opts o = {.user = "alice",
	                             .domain = "EXAMPLE",
	                             .workstation = "WS",
	                             .password = "secret",
	                             .flags = 0xe2088235,
	                             .mic = true};
	uint8_t *neg, *chal, *auth;
	size_t neg_len, chal_len, auth_len;
	enum negotiate_error err;
	const char *detail;

	test_begin("raw NTLMSSP under Negotiate goes to NTLM and succeeds");
	if (acc != NULL) {
		struct negotiate_server *s = negotiate_server_new(tmp, acc);

		neg = ntlm_client_negotiate(tmp, o.flags, &neg_len);
		test_assert_int(
		    negotiate_server_step(s, tmp, neg, neg_len, &chal, &chal_len, &err, &detail),
		    1);
		auth = ntlm_client_authenticate(tmp, &o, neg, neg_len, chal, chal_len, &auth_len);
		test_assert(auth != NULL);
		test_assert_int(
		    negotiate_server_step(s, tmp, auth, auth_len, &chal, &chal_len, &err, &detail),
		    0);
		test_assert(negotiate_server_identity(s) != NULL &&
		            negotiate_server_identity(s)->ntlm);
		if (negotiate_server_identity(s) != NULL) {
			test_assert_str(negotiate_server_identity(s)->address, "alice@example.com");
			test_assert_str(negotiate_server_identity(s)->principal, "EXAMPLE\\alice");
		}
	}
	test_end();

	test_begin("raw NTLMSSP under Negotiate without an NTLM config is refused");
	if (no_ntlm != NULL) {
		struct negotiate_server *s = negotiate_server_new(tmp, no_ntlm);

		neg = ntlm_client_negotiate(tmp, o.flags, &neg_len);
		test_assert_int(
		    negotiate_server_step(s, tmp, neg, neg_len, &chal, &chal_len, &err, &detail),
		    -1);
		test_assert_int(err, NEGOTIATE_E_NO_NTLM);
	}
	test_end();
	talloc_free(tmp);
}

/* DER: tag, length, content (test-side SPNEGO initiator). */
static struct ntlm_bytes der(TALLOC_CTX *mem_ctx, uint8_t tag, struct ntlm_bytes c)
{
	uint8_t *o = talloc_array(mem_ctx, uint8_t, c.len + 6), *p = o;

	*p++ = tag;
	if (c.len < 0x80) {
		*p++ = (uint8_t)c.len;
	} else {
		*p++ = 0x82;
		*p++ = (uint8_t)(c.len >> 8);
		*p++ = (uint8_t)c.len;
	}
	memcpy(p, c.data, c.len);
	return (struct ntlm_bytes){o, (size_t)(p - o) + c.len};
}

static struct ntlm_bytes cat(TALLOC_CTX *mem_ctx, struct ntlm_bytes a, struct ntlm_bytes b)
{
	uint8_t *o = talloc_array(mem_ctx, uint8_t, a.len + b.len + 1);

	memcpy(o, a.data, a.len);
	memcpy(o + a.len, b.data, b.len);
	return (struct ntlm_bytes){o, a.len + b.len};
}

static const uint8_t negoex_oid[] = {0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04,
                                     0x01, 0x82, 0x37, 0x02, 0x02, 0x1e};

/* [RFC 4178] 4.2.1 NegTokenInit in an InitialContextToken. */
static struct ntlm_bytes spnego_init_token(TALLOC_CTX *mem_ctx, struct ntlm_bytes mech_types,
                                           struct ntlm_bytes mech_token)
{
	static const uint8_t spnego[] = {0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02};
	struct ntlm_bytes body = der(mem_ctx, 0xa0, mech_types);

	if (mech_token.len > 0)
		body = cat(mem_ctx, body, der(mem_ctx, 0xa2, der(mem_ctx, 0x04, mech_token)));
	body = der(mem_ctx, 0xa0, der(mem_ctx, 0x30, body));
	return der(mem_ctx, 0x60, cat(mem_ctx, (struct ntlm_bytes){spnego, sizeof(spnego)}, body));
}

/* [RFC 4178] 4.2.2 NegTokenResp from the initiator: token and MIC. */
static struct ntlm_bytes spnego_resp_token(TALLOC_CTX *mem_ctx, struct ntlm_bytes tok,
                                           const uint8_t *mic)
{
	struct ntlm_bytes body = der(mem_ctx, 0xa2, der(mem_ctx, 0x04, tok));

	if (mic != NULL)
		body = cat(mem_ctx, body,
		           der(mem_ctx, 0xa3, der(mem_ctx, 0x04, (struct ntlm_bytes){mic, 16})));
	return der(mem_ctx, 0xa1, der(mem_ctx, 0x30, body));
}

/* A full NTLM-in-SPNEGO exchange; mic: 0 none, 1 right, 2 wrong. */
static int spnego_ntlm_round(TALLOC_CTX *tmp, struct negotiate_acceptor *acc, bool ntlm_first,
                             int mic, struct negotiate_server **s_r)
{
	struct negotiate_server *s = negotiate_server_new(tmp, acc);
	struct ntlm_client_opts o = {.user = "alice",
	                             .domain = "EXAMPLE",
	                             .workstation = "WS",
	                             .password = "secret",
	                             .flags = 0xe2088235,
	                             .mic = true,
	                             .key_exch = true};
	struct ntlm_bytes neg, types, tok;
	struct spnego_resp resp;
	uint8_t *out, *auth, sig[16];
	size_t out_len, auth_len;
	enum negotiate_error err;
	const char *detail;
	int ret;

	*s_r = s;
	memset(o.random_session_key, 0x77, 16);
	neg.data = ntlm_client_negotiate(tmp, o.flags, &neg.len);
	types = ntlm_first ? der(tmp, 0x30, (struct ntlm_bytes){spnego_ntlmssp_oid, 12})
	                   : der(tmp, 0x30,
	                         cat(tmp, (struct ntlm_bytes){negoex_oid, sizeof(negoex_oid)},
	                             (struct ntlm_bytes){spnego_ntlmssp_oid, 12}));
	tok = spnego_init_token(tmp, types, ntlm_first ? neg : (struct ntlm_bytes){NULL, 0});
	ret = negotiate_server_step(s, tmp, tok.data, tok.len, &out, &out_len, &err, &detail);
	if (ret != 1 || spnego_parse_resp(out, out_len, &resp) < 0 ||
	    resp.state != SPNEGO_ACCEPT_INCOMPLETE)
		return -10;
	if (!ntlm_first) {
		/* The acceptor chose NTLM without a token: send NEGOTIATE now. */
		if (resp.response_token.len != 0)
			return -11;
		tok = spnego_resp_token(tmp, neg, NULL);
		ret =
		    negotiate_server_step(s, tmp, tok.data, tok.len, &out, &out_len, &err, &detail);
		if (ret != 1 || spnego_parse_resp(out, out_len, &resp) < 0)
			return -12;
	}
	auth = ntlm_client_authenticate(tmp, &o, neg.data, neg.len, resp.response_token.data,
	                                resp.response_token.len, &auth_len);
	ntlm_mac_first(o.exported_session_key, o.auth_flags, true, types.data, types.len, sig);
	if (mic == 2)
		sig[5] ^= 1;
	tok = spnego_resp_token(tmp, (struct ntlm_bytes){auth, auth_len}, mic > 0 ? sig : NULL);
	ret = negotiate_server_step(s, tmp, tok.data, tok.len, &out, &out_len, &err, &detail);
	if (ret == 0) {
		/* The acceptor's own mechListMIC, server-to-client keys. */
		if (spnego_parse_resp(out, out_len, &resp) < 0 ||
		    resp.state != SPNEGO_ACCEPT_COMPLETED)
			return -13;
		if (mic > 0) {
			ntlm_mac_first(o.exported_session_key, o.auth_flags, false, types.data,
			               types.len, sig);
			if (resp.mech_list_mic.len != 16 ||
			    memcmp(resp.mech_list_mic.data, sig, 16) != 0)
				return -14;
		}
	} else if (out_len > 0 &&
	           (spnego_parse_resp(out, out_len, &resp) < 0 || resp.state != SPNEGO_REJECT)) {
		return -15;
	}
	return ret;
}

static void test_spnego_ntlm(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ntlm_server_config ncfg = {"EXAMPLE", "MAIL",      "example.com", "mail.example.com",
	                                  false,     ntlm_lookup, NULL};
	struct negotiate_acceptor *acc = make_acceptor(tmp, keytab, NULL, true, &ncfg);
	struct negotiate_server *s;

	test_begin("SPNEGO with NTLM preferred: optimistic token, mechListMIC both ways");
	test_assert(acc != NULL);
	if (acc != NULL) {
		test_assert_int(spnego_ntlm_round(tmp, acc, true, 1, &s), 0);
		test_assert(negotiate_server_identity(s) != NULL &&
		            negotiate_server_identity(s)->ntlm);
	}
	test_end();

	test_begin("SPNEGO with NTLM preferred, no mechListMIC: accepted");
	if (acc != NULL)
		test_assert_int(spnego_ntlm_round(tmp, acc, true, 0, &s), 0);
	test_end();

	test_begin("SPNEGO with a wrong mechListMIC: rejected");
	if (acc != NULL) {
		test_assert_int(spnego_ntlm_round(tmp, acc, true, 2, &s), -1);
		test_assert(negotiate_server_identity(s) == NULL);
	}
	test_end();

	test_begin("SPNEGO offering NegoEx then NTLM: NTLM chosen, MIC required");
	if (acc != NULL) {
		test_assert_int(spnego_ntlm_round(tmp, acc, false, 1, &s), 0);
		test_assert_int(spnego_ntlm_round(tmp, acc, false, 0, &s), -1);
	}
	test_end();
	talloc_free(tmp);
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: %s http.keytab other.keytab realm (see kdc_run.sh)\n",
		        argv[0]);
		return 1;
	}
	keytab = argv[1];
	other_keytab = argv[2];
	realm = argv[3];
	test_kerberos();
	test_refusals();
	test_garbage();
	test_raw_ntlm();
	test_spnego_ntlm();
	return test_exit();
}
