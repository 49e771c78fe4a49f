/*
 * negotiate: the server side of HTTP Negotiate ([RFC 4559], SPNEGO
 * [RFC 4178] / [MS-SPNG]) through MIT Kerberos GSSAPI, as token processing.
 *
 * Two objects:
 *   struct negotiate_acceptor  process-wide: the acceptor credentials read
 *                              from the keytab named in the config (with
 *                              gss_acquire_cred_from and a "keytab" cred
 *                              store: no KRB5_KTNAME in the environment, so
 *                              no races in a threaded daemon).  Thread-safe.
 *   struct negotiate_server    one per TCP connection, like NTLM: the GSS
 *                              context of a multi-leg exchange lives on the
 *                              connection that started it.
 *
 *   ret = negotiate_server_step(s, req_ctx, token, len, &out, &out_len, &err, &detail);
 *   ret == 1: send "WWW-Authenticate: Negotiate <out>" in a 401, keep s
 *   ret == 0: authenticated (negotiate_server_identity); when out_len > 0,
 *             send out in the WWW-Authenticate of the 200 ([RFC 4559] 5,
 *             mutual authentication)
 *   ret == -1: refused; err and detail say why (detail is safe to log:
 *             GSS status text or the principal, never token bytes); out
 *             may hold a SPNEGO reject token to send with the 401
 *
 * NTLM fallback, when the acceptor has an NTLM config:
 *   - a raw NTLMSSP token in the Negotiate header (what Windows sends when
 *     it has no Kerberos ticket for the service) goes to the NTLM code, and
 *     the answer is raw NTLMSSP too;
 *   - a SPNEGO NegTokenInit that prefers NTLMSSP, or offers it without
 *     Kerberos, is answered here (spnego.c) with NTLM inside NegTokenResp
 *     tokens, including the mechListMIC exchange ([RFC 4178] 5, signed as
 *     in [MS-NLMP] 3.4.4.2).  Kerberos-first SPNEGO goes to MIT GSSAPI.
 */
#ifndef AUTH_NEGOTIATE_H
#define AUTH_NEGOTIATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

#include "auth_name.h"
#include "ntlm.h"

enum negotiate_error {
	NEGOTIATE_E_OK = 0,
	NEGOTIATE_E_MALFORMED, /* empty or not a GSS/NTLM token */
	NEGOTIATE_E_REJECTED,  /* GSSAPI refused the token (bad ticket, wrong
	                          service, clock skew, replay ...) */
	NEGOTIATE_E_UNMAPPED,  /* authenticated, but the principal maps to no
	                          address (unknown realm, service principal) */
	NEGOTIATE_E_NTLM,      /* the NTLM fallback failed (see ntlm_error) */
	NEGOTIATE_E_NO_NTLM,   /* an NTLM token, but NTLM is not configured */
	NEGOTIATE_E_INTERNAL,
};
const char *negotiate_strerror(enum negotiate_error error);

struct negotiate_config {
	const char *keytab; /* path; required */
	/* Acceptor name, e.g. "HTTP@mail.example.com" (hostbased); NULL
	 * accepts for any key in the keytab. */
	const char *service;
	/* Realm -> mail domain; borrowed, must outlive the acceptor. */
	const struct auth_domain_map *realm_map;
	/* NTLM inside Negotiate; NULL disables it.  Copied. */
	const struct ntlm_server_config *ntlm;
};

struct negotiate_acceptor;
struct negotiate_server;

struct negotiate_identity {
	char *principal; /* "alice@EXAMPLE.COM", or "DOMAIN\user" for NTLM */
	char *address;
	bool ntlm;
};

/* Acquires the acceptor credentials.  0, or -1 with *error_r (on mem_ctx)
 * when the keytab cannot be used. */
int negotiate_acceptor_new(TALLOC_CTX *mem_ctx, const struct negotiate_config *cfg,
                           struct negotiate_acceptor **acc_r, const char **error_r);

/* Per connection; acc must outlive it.  NULL on out of memory. */
struct negotiate_server *negotiate_server_new(TALLOC_CTX *mem_ctx, struct negotiate_acceptor *acc);

int negotiate_server_step(struct negotiate_server *server, TALLOC_CTX *mem_ctx, const uint8_t *in,
                          size_t in_len, uint8_t **out_r, size_t *out_len_r,
                          enum negotiate_error *error_r, const char **detail_r);

/* After a step returned 0, else NULL.  Owned by the server. */
const struct negotiate_identity *negotiate_server_identity(const struct negotiate_server *server);

/* The principal (or NTLM "DOMAIN\\user") of the last attempt, successful or
 * not, for failure logs; NULL when none is known (e.g. a rejected ticket). */
const char *negotiate_server_last_user(const struct negotiate_server *server);

#endif
