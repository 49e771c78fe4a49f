/*
 * negotiate: HTTP Negotiate ([RFC 4559]) acceptor over MIT GSSAPI, with raw
 * NTLMSSP tokens routed to auth/ntlm.
 */
#include <string.h>

#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>

#include "negotiate.h"
#include "spnego.h"

struct negotiate_acceptor {
	gss_cred_id_t cred;
	const struct auth_domain_map *realm_map;
	struct ntlm_server_config *ntlm; /* NULL: no NTLM fallback */
};

struct negotiate_server {
	struct negotiate_acceptor *acc;
	gss_ctx_id_t ctx;
	struct ntlm_server *ntlm;
	struct negotiate_identity *identity;
	char *last_user; /* principal or NTLM name of the last attempt */
	/* NTLM inside SPNEGO: the initiator's MechTypeList (what the
	 * mechListMIC covers), and whether the MIC is required. */
	bool spnego_ntlm, mic_required;
	uint8_t *mech_types;
	size_t mech_types_len;
};

const char *negotiate_strerror(enum negotiate_error error)
{
	switch (error) {
	case NEGOTIATE_E_OK:
		return "success";
	case NEGOTIATE_E_MALFORMED:
		return "malformed Negotiate token";
	case NEGOTIATE_E_REJECTED:
		return "GSSAPI rejected the token";
	case NEGOTIATE_E_UNMAPPED:
		return "principal maps to no user";
	case NEGOTIATE_E_NTLM:
		return "NTLM inside Negotiate failed";
	case NEGOTIATE_E_NO_NTLM:
		return "NTLM inside Negotiate is not enabled";
	case NEGOTIATE_E_INTERNAL:
		return "internal error";
	}
	return "unknown Negotiate error";
}

/* The GSS major and minor status texts, for logs. */
static const char *gss_error_text(TALLOC_CTX *mem_ctx, OM_uint32 major, OM_uint32 minor)
{
	char *text = talloc_strdup(mem_ctx, "");
	struct {
		OM_uint32 code;
		int type;
	} parts[2] = {{major, GSS_C_GSS_CODE}, {minor, GSS_C_MECH_CODE}};

	for (int i = 0; i < 2 && text != NULL; i++) {
		OM_uint32 ctx = 0, min;

		if (parts[i].code == 0)
			continue;
		do {
			gss_buffer_desc msg = GSS_C_EMPTY_BUFFER;

			if (GSS_ERROR(gss_display_status(&min, parts[i].code, parts[i].type,
			                                 GSS_C_NO_OID, &ctx, &msg)))
				break;
			text = talloc_asprintf_append(text, "%s%.*s", text[0] != '\0' ? ": " : "",
			                              (int)msg.length, (const char *)msg.value);
			gss_release_buffer(&min, &msg);
		} while (ctx != 0 && text != NULL);
	}
	return text != NULL ? text : "GSSAPI error";
}

static int acceptor_destructor(struct negotiate_acceptor *acc)
{
	OM_uint32 minor;

	if (acc->cred != GSS_C_NO_CREDENTIAL)
		gss_release_cred(&minor, &acc->cred);
	return 0;
}

static int import_service(TALLOC_CTX *mem_ctx, const char *service, gss_name_t *name_r,
                          const char **error_r)
{
	gss_buffer_desc buf = {strlen(service), (void *)service};
	OM_uint32 major, minor;

	major = gss_import_name(&minor, &buf, GSS_C_NT_HOSTBASED_SERVICE, name_r);
	if (GSS_ERROR(major)) {
		*error_r = talloc_asprintf(mem_ctx, "service name %s: %s", service,
		                           gss_error_text(mem_ctx, major, minor));
		return -1;
	}
	return 0;
}

int negotiate_acceptor_new(TALLOC_CTX *mem_ctx, const struct negotiate_config *cfg,
                           struct negotiate_acceptor **acc_r, const char **error_r)
{
	struct negotiate_acceptor *acc = talloc_zero(mem_ctx, struct negotiate_acceptor);
	gss_key_value_element_desc el = {"keytab", cfg->keytab};
	gss_key_value_set_desc store = {1, &el};
	gss_name_t name = GSS_C_NO_NAME;
	gss_OID_desc mech_oids[2] = {*gss_mech_krb5, {6, (void *)"\x2b\x06\x01\x05\x05\x02"}};
	gss_OID_set_desc mechs = {2, mech_oids};
	OM_uint32 major, minor;

	if (acc == NULL) {
		*error_r = "out of memory";
		return -1;
	}
	acc->cred = GSS_C_NO_CREDENTIAL;
	talloc_set_destructor(acc, acceptor_destructor);
	acc->realm_map = cfg->realm_map;
	if (cfg->ntlm != NULL) {
		acc->ntlm = talloc_memdup(acc, cfg->ntlm, sizeof(*cfg->ntlm));
		if (acc->ntlm == NULL)
			goto fail;
	}
	if (cfg->service != NULL && import_service(mem_ctx, cfg->service, &name, error_r) < 0) {
		talloc_free(acc);
		return -1;
	}
	/* Kerberos and SPNEGO (RFC 4559 clients; some send bare Kerberos
	 * under "Negotiate" too), not whatever else the host has installed. */
	major = gss_acquire_cred_from(&minor, name, GSS_C_INDEFINITE, &mechs, GSS_C_ACCEPT, &store,
	                              &acc->cred, NULL, NULL);
	/* The union succeeds when any mechanism does; Kerberos must. */
	if (!GSS_ERROR(major))
		major = gss_inquire_cred_by_mech(&minor, acc->cred, gss_mech_krb5, NULL, NULL, NULL,
		                                 NULL);
	if (name != GSS_C_NO_NAME)
		gss_release_name(&minor, &name);
	if (GSS_ERROR(major)) {
		*error_r = talloc_asprintf(mem_ctx, "keytab %s: %s", cfg->keytab,
		                           gss_error_text(mem_ctx, major, minor));
		talloc_free(acc);
		return -1;
	}
	/* MIT's SPNEGO negotiates Kerberos only: NTLM inside SPNEGO is ours
	 * (spnego.c), whatever other mechanisms the host has installed. */
	{
		gss_OID_desc krb5 = *gss_mech_krb5;
		gss_OID_set_desc neg = {1, &krb5};

		major = gss_set_neg_mechs(&minor, acc->cred, &neg);
		if (GSS_ERROR(major)) {
			*error_r = talloc_asprintf(mem_ctx, "SPNEGO mechanisms: %s",
			                           gss_error_text(mem_ctx, major, minor));
			talloc_free(acc);
			return -1;
		}
	}
	*acc_r = acc;
	return 0;
fail:
	*error_r = "out of memory";
	talloc_free(acc);
	return -1;
}

static int server_destructor(struct negotiate_server *s)
{
	OM_uint32 minor;

	if (s->ctx != GSS_C_NO_CONTEXT)
		gss_delete_sec_context(&minor, &s->ctx, GSS_C_NO_BUFFER);
	return 0;
}

struct negotiate_server *negotiate_server_new(TALLOC_CTX *mem_ctx, struct negotiate_acceptor *acc)
{
	struct negotiate_server *s = talloc_zero(mem_ctx, struct negotiate_server);

	if (s == NULL)
		return NULL;
	s->acc = acc;
	s->ctx = GSS_C_NO_CONTEXT;
	talloc_set_destructor(s, server_destructor);
	return s;
}

const struct negotiate_identity *negotiate_server_identity(const struct negotiate_server *server)
{
	return server->identity;
}

const char *negotiate_server_last_user(const struct negotiate_server *server)
{
	return server->last_user;
}

static int set_identity(struct negotiate_server *s, const char *principal, const char *address,
                        bool ntlm)
{
	struct negotiate_identity *id = talloc_zero(s, struct negotiate_identity);

	if (id == NULL)
		return -1;
	id->principal = talloc_strdup(id, principal);
	id->address = talloc_strdup(id, address);
	id->ntlm = ntlm;
	if (id->principal == NULL || id->address == NULL) {
		talloc_free(id);
		return -1;
	}
	s->identity = id;
	return 0;
}

static int step_ntlm(struct negotiate_server *s, TALLOC_CTX *mem_ctx, const uint8_t *in,
                     size_t in_len, uint8_t **out_r, size_t *out_len_r,
                     enum negotiate_error *error_r, const char **detail_r)
{
	const struct ntlm_identity *nid;
	enum ntlm_error nerr;
	int ret;

	if (s->acc->ntlm == NULL) {
		*error_r = NEGOTIATE_E_NO_NTLM;
		return -1;
	}
	if (s->ntlm == NULL && (s->ntlm = ntlm_server_new(s, s->acc->ntlm)) == NULL) {
		*error_r = NEGOTIATE_E_INTERNAL;
		return -1;
	}
	ret = ntlm_server_step(s->ntlm, mem_ctx, in, in_len, out_r, out_len_r, &nerr);
	if (ntlm_server_last_user(s->ntlm) != NULL) {
		talloc_free(s->last_user);
		s->last_user = talloc_strdup(s, ntlm_server_last_user(s->ntlm));
	}
	if (ret < 0) {
		*error_r = NEGOTIATE_E_NTLM;
		*detail_r = ntlm_strerror(nerr);
		return -1;
	}
	if (ret == 1)
		return 1;
	nid = ntlm_server_identity(s->ntlm);
	{
		char *principal = talloc_asprintf(mem_ctx, "%s\\%s", nid->domain, nid->user);

		if (principal == NULL || set_identity(s, principal, nid->address, true) < 0) {
			*error_r = NEGOTIATE_E_INTERNAL;
			return -1;
		}
	}
	return 0;
}

/* A NegTokenResp to send; -1 (out of memory) sets *error_r. */
static int spnego_reply(TALLOC_CTX *mem_ctx, enum spnego_state state, bool with_mech,
                        const uint8_t *tok, size_t tok_len, const uint8_t *mic, uint8_t **out_r,
                        size_t *out_len_r, enum negotiate_error *error_r)
{
	struct ntlm_bytes t = {tok, tok_len}, m = {mic, mic != NULL ? 16 : 0};

	*out_r = spnego_build_resp(mem_ctx, state, with_mech, &t, &m, out_len_r);
	if (*out_r != NULL)
		return 0;
	*error_r = NEGOTIATE_E_INTERNAL;
	return -1;
}

/* [RFC 4178] 5 / [MS-SPNG] 3.3.5.1: NTLM done; check the initiator's
 * mechListMIC over its MechTypeList and sign the same bytes back. */
static int spnego_ntlm_done(struct negotiate_server *s, TALLOC_CTX *mem_ctx,
                            const struct spnego_resp *resp, uint8_t **out_r, size_t *out_len_r,
                            enum negotiate_error *error_r, const char **detail_r)
{
	const struct ntlm_identity *nid = ntlm_server_identity(s->ntlm);
	uint8_t want[16], mine[16];
	bool mic = resp->mech_list_mic.len > 0;

	if (!mic && s->mic_required) {
		*detail_r = "mechListMIC missing";
		goto reject;
	}
	if (mic) {
		if (ntlm_mac_first(nid->session_key, nid->flags, true, s->mech_types,
		                   s->mech_types_len, want) < 0 ||
		    resp->mech_list_mic.len != 16 ||
		    !ntlm_mem_equal(want, resp->mech_list_mic.data, 16)) {
			*detail_r = "mechListMIC does not verify";
			goto reject;
		}
		if (ntlm_mac_first(nid->session_key, nid->flags, false, s->mech_types,
		                   s->mech_types_len, mine) < 0) {
			*error_r = NEGOTIATE_E_INTERNAL;
			return -1;
		}
	}
	return spnego_reply(mem_ctx, SPNEGO_ACCEPT_COMPLETED, false, NULL, 0, mic ? mine : NULL,
	                    out_r, out_len_r, error_r);
reject:
	TALLOC_FREE(s->identity);
	*error_r = NEGOTIATE_E_NTLM;
	spnego_reply(mem_ctx, SPNEGO_REJECT, false, NULL, 0, NULL, out_r, out_len_r, error_r);
	return -1;
}

/* One NTLM leg inside SPNEGO: the token goes to NTLM, the answer comes
 * back in a NegTokenResp. */
static int spnego_ntlm_leg(struct negotiate_server *s, TALLOC_CTX *mem_ctx, bool first,
                           const uint8_t *tok, size_t tok_len, const struct spnego_resp *resp,
                           uint8_t **out_r, size_t *out_len_r, enum negotiate_error *error_r,
                           const char **detail_r)
{
	uint8_t *ntlm_out = NULL;
	size_t ntlm_len = 0;
	int ret = step_ntlm(s, mem_ctx, tok, tok_len, &ntlm_out, &ntlm_len, error_r, detail_r);

	if (ret == 1)
		return spnego_reply(mem_ctx, SPNEGO_ACCEPT_INCOMPLETE, first, ntlm_out, ntlm_len,
		                    NULL, out_r, out_len_r, error_r) < 0
		           ? -1
		           : 1;
	s->spnego_ntlm = false;
	if (ret == 0)
		return spnego_ntlm_done(s, mem_ctx, resp, out_r, out_len_r, error_r, detail_r);
	spnego_reply(mem_ctx, SPNEGO_REJECT, false, NULL, 0, NULL, out_r, out_len_r, error_r);
	return -1;
}

static int step_spnego_init(struct negotiate_server *s, TALLOC_CTX *mem_ctx,
                            const struct spnego_init *init, uint8_t **out_r, size_t *out_len_r,
                            enum negotiate_error *error_r, const char **detail_r)
{
	static const struct spnego_resp no_resp = {SPNEGO_STATE_ABSENT, {NULL, 0}, {NULL, 0}};

	talloc_free(s->mech_types);
	s->mech_types = talloc_memdup(s, init->mech_types.data, init->mech_types.len);
	if (s->mech_types == NULL) {
		*error_r = NEGOTIATE_E_INTERNAL;
		return -1;
	}
	s->mech_types_len = init->mech_types.len;
	s->spnego_ntlm = true;
	TALLOC_FREE(s->ntlm);
	/* The optimistic token is NTLM's only when NTLM is the preferred
	 * mechanism; otherwise ask for NTLM's first token, and insist on the
	 * MIC that proves the list was not downgraded ([RFC 4178] 5). */
	s->mic_required = !init->ntlm_first;
	if (init->ntlm_first && init->mech_token.len > 0)
		return spnego_ntlm_leg(s, mem_ctx, true, init->mech_token.data,
		                       init->mech_token.len, &no_resp, out_r, out_len_r, error_r,
		                       detail_r);
	return spnego_reply(mem_ctx, SPNEGO_ACCEPT_INCOMPLETE, true, NULL, 0, NULL, out_r,
	                    out_len_r, error_r) < 0
	           ? -1
	           : 1;
}

/* Routes SPNEGO tokens that carry NTLM; returns 2 when the token is not
 * one (GSSAPI then takes it). */
static int step_spnego(struct negotiate_server *s, TALLOC_CTX *mem_ctx, const uint8_t *in,
                       size_t in_len, uint8_t **out_r, size_t *out_len_r,
                       enum negotiate_error *error_r, const char **detail_r)
{
	struct spnego_init init;
	struct spnego_resp resp;

	if (s->acc->ntlm == NULL)
		return 2;
	if (s->spnego_ntlm && spnego_parse_resp(in, in_len, &resp) == 0) {
		if (resp.response_token.len == 0) {
			s->spnego_ntlm = false;
			*error_r = NEGOTIATE_E_MALFORMED;
			return -1;
		}
		return spnego_ntlm_leg(s, mem_ctx, false, resp.response_token.data,
		                       resp.response_token.len, &resp, out_r, out_len_r, error_r,
		                       detail_r);
	}
	if (spnego_parse_init(in, in_len, &init) == 0 && init.ntlm_offered &&
	    (init.ntlm_first || !init.kerberos_offered))
		return step_spnego_init(s, mem_ctx, &init, out_r, out_len_r, error_r, detail_r);
	return 2;
}

/* The context is complete: who is it, and which address. */
static int finish_gss(struct negotiate_server *s, TALLOC_CTX *mem_ctx, gss_name_t src,
                      enum negotiate_error *error_r, const char **detail_r)
{
	gss_buffer_desc buf = GSS_C_EMPTY_BUFFER;
	OM_uint32 major, minor;
	char *principal, *address;
	int found;

	major = gss_display_name(&minor, src, &buf, NULL);
	if (GSS_ERROR(major)) {
		*error_r = NEGOTIATE_E_INTERNAL;
		*detail_r = gss_error_text(mem_ctx, major, minor);
		return -1;
	}
	principal = talloc_strndup(mem_ctx, buf.value, buf.length);
	gss_release_buffer(&minor, &buf);
	if (principal == NULL) {
		*error_r = NEGOTIATE_E_INTERNAL;
		return -1;
	}
	*detail_r = principal;
	talloc_free(s->last_user);
	s->last_user = talloc_strdup(s, principal);
	found = s->acc->realm_map != NULL
	            ? auth_map_principal(s->acc->realm_map, mem_ctx, principal, &address)
	            : 0;
	if (found <= 0) {
		*error_r = found == 0 ? NEGOTIATE_E_UNMAPPED : NEGOTIATE_E_INTERNAL;
		return -1;
	}
	if (set_identity(s, principal, address, false) < 0) {
		*error_r = NEGOTIATE_E_INTERNAL;
		return -1;
	}
	return 0;
}

int negotiate_server_step(struct negotiate_server *server, TALLOC_CTX *mem_ctx, const uint8_t *in,
                          size_t in_len, uint8_t **out_r, size_t *out_len_r,
                          enum negotiate_error *error_r, const char **detail_r)
{
	gss_buffer_desc in_buf = {in_len, (void *)in}, out_buf = GSS_C_EMPTY_BUFFER;
	gss_name_t src = GSS_C_NO_NAME;
	OM_uint32 major, minor;
	int ret = -1;

	*out_r = NULL;
	*out_len_r = 0;
	*error_r = NEGOTIATE_E_OK;
	*detail_r = "";
	TALLOC_FREE(server->identity);
	if (in_len == 0) {
		*error_r = NEGOTIATE_E_MALFORMED;
		return -1;
	}
	if (ntlm_is_ntlmssp(in, in_len))
		return step_ntlm(server, mem_ctx, in, in_len, out_r, out_len_r, error_r, detail_r);
	ret = step_spnego(server, mem_ctx, in, in_len, out_r, out_len_r, error_r, detail_r);
	if (ret != 2)
		return ret;
	server->spnego_ntlm = false;

	major = gss_accept_sec_context(&minor, &server->ctx, server->acc->cred, &in_buf,
	                               GSS_C_NO_CHANNEL_BINDINGS, &src, NULL, &out_buf, NULL, NULL,
	                               NULL);
	if (out_buf.length > 0) {
		*out_r = talloc_memdup(mem_ctx, out_buf.value, out_buf.length);
		*out_len_r = out_buf.length;
		gss_release_buffer(&minor, &out_buf);
		if (*out_r == NULL) {
			*error_r = NEGOTIATE_E_INTERNAL;
			goto fail;
		}
	}
	if (GSS_ERROR(major)) {
		*error_r =
		    major == GSS_S_DEFECTIVE_TOKEN ? NEGOTIATE_E_MALFORMED : NEGOTIATE_E_REJECTED;
		*detail_r = gss_error_text(mem_ctx, major, minor);
		goto fail;
	}
	if ((major & GSS_S_CONTINUE_NEEDED) != 0) {
		ret = 1;
		goto out;
	}
	ret = finish_gss(server, mem_ctx, src, error_r, detail_r);
	if (ret < 0)
		goto fail;
	/* A completed context is not reused: the next token starts over. */
	gss_delete_sec_context(&minor, &server->ctx, GSS_C_NO_BUFFER);
	goto out;
fail:
	if (server->ctx != GSS_C_NO_CONTEXT)
		gss_delete_sec_context(&minor, &server->ctx, GSS_C_NO_BUFFER);
	ret = -1;
out:
	if (src != GSS_C_NO_NAME)
		gss_release_name(&minor, &src);
	return ret;
}
