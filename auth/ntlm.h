/*
 * ntlm: the server side of NTLM ([MS-NLMP]) as pure token processing.
 *
 * Bytes in, bytes out, an identity at the end; no HTTP.  NTLM over HTTP is
 * connection-oriented ([MS-NLMP] 1.3.1.1): the handshake spans requests on
 * one keep-alive connection.  The caller therefore creates one struct
 * ntlm_server per TCP connection and drops it with the connection.  A
 * continuation on another connection then reaches a fresh state, where an
 * AUTHENTICATE_MESSAGE without a CHALLENGE sent from that same state fails
 * with NTLM_E_STATE.  Nothing is shared between states except the config.
 *
 *   struct ntlm_server *s = ntlm_server_new(conn_ctx, &cfg);
 *   ret = ntlm_server_step(s, req_ctx, token, token_len, &out, &out_len, &err);
 *   ret == 1: send out (a CHALLENGE_MESSAGE) in a 401, keep s for the next request
 *   ret == 0: authenticated; ntlm_server_identity(s) says who
 *   ret == -1: refused; err says why (ntlm_strerror), send a plain 401
 *
 * Secrets: the NT hash comes from the lookup callback and is wiped after use;
 * nothing in this module logs tokens, hashes or keys.
 */
#ifndef AUTH_NTLM_H
#define AUTH_NTLM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

enum ntlm_error {
	NTLM_E_OK = 0,
	NTLM_E_MALFORMED,    /* not a well-formed NTLM message */
	NTLM_E_STATE,        /* message out of order, e.g. AUTHENTICATE before CHALLENGE */
	NTLM_E_ANONYMOUS,    /* anonymous authentication: refused */
	NTLM_E_UNKNOWN_USER, /* the lookup does not know the user */
	NTLM_E_BAD_RESPONSE, /* wrong password (response does not verify) */
	NTLM_E_V1_REFUSED,   /* an NTLMv1 response while v1 is not allowed */
	NTLM_E_MIC,          /* the MIC does not verify */
	NTLM_E_INTERNAL,     /* crypto, lookup or memory failure */
};
const char *ntlm_strerror(enum ntlm_error error);

/* Maps the names the client sent (UTF-8, as typed: user may be "alice",
 * "alice@example.com"; domain may be "EXAMPLE", "example.com" or empty) to a
 * directory address (allocated on mem_ctx) and that user's NT hash
 * (MD4(UTF-16LE(password)), [MS-NLMP] 3.3.1).  Returns 1 found, 0 unknown
 * user, -1 error. */
typedef int ntlm_lookup_fn(void *ctx, TALLOC_CTX *mem_ctx, const char *user, const char *domain,
                           char **address_r, uint8_t nt_hash_r[16]);

struct ntlm_server_config {
	/* Names the CHALLENGE_MESSAGE announces ([MS-NLMP] 2.2.2.1), e.g.
	 * "EXAMPLE", "MAIL", "example.com", "mail.example.com".  Required. */
	const char *nb_domain;
	const char *nb_computer;
	const char *dns_domain;
	const char *dns_computer;
	/* Accept NTLMv1 (and NTLMv1 with extended session security)
	 * responses.  Off by default: v1 is crackable. */
	bool allow_ntlmv1;
	ntlm_lookup_fn *lookup;
	void *lookup_ctx;
};

/* Who authenticated. */
struct ntlm_identity {
	char *user;        /* UTF-8, as the client sent it */
	char *domain;      /* UTF-8, as the client sent it (may be "") */
	char *workstation; /* UTF-8 (may be "") */
	char *address;     /* from the lookup */
	bool ntlmv2;       /* false when an allowed NTLMv1 response was used */
	uint32_t flags;    /* negotiated NegotiateFlags ([MS-NLMP] 2.2.2.5) */
	/* [MS-NLMP] 3.1.5.1.2 / 3.2.5.1.2 ExportedSessionKey (unused over
	 * HTTP, where there is no signing or sealing). */
	uint8_t session_key[16];
};

struct ntlm_server;

/* A fresh per-connection state on mem_ctx.  cfg is copied (its strings
 * too).  Returns NULL on out of memory. */
struct ntlm_server *ntlm_server_new(TALLOC_CTX *mem_ctx, const struct ntlm_server_config *cfg);

/* Processes one client token.  Returns 1 with *out_r (on mem_ctx) holding
 * the CHALLENGE_MESSAGE to send, 0 when the client is authenticated, -1
 * with *error_r on failure.  A NEGOTIATE_MESSAGE always starts over, so a
 * client may retry on the same connection after a failure. */
int ntlm_server_step(struct ntlm_server *server, TALLOC_CTX *mem_ctx, const uint8_t *in,
                     size_t in_len, uint8_t **out_r, size_t *out_len_r, enum ntlm_error *error_r);

/* The identity after ntlm_server_step() returned 0, else NULL.  Owned by
 * the server state. */
const struct ntlm_identity *ntlm_server_identity(const struct ntlm_server *server);

/* "DOMAIN\user" as named by the last AUTHENTICATE_MESSAGE on this state,
 * whether it succeeded or not (for failure logs), or NULL. */
const char *ntlm_server_last_user(const struct ntlm_server *server);

/* True when the token is an NTLMSSP message (for schemes such as Negotiate
 * that may carry raw NTLM). */
bool ntlm_is_ntlmssp(const uint8_t *in, size_t len);

/* The NT hash MD4(UTF-16LE(password)) of a UTF-8 password ([MS-NLMP]
 * 3.3.1 NTOWFv1), for the directory to store.  0, or -1 on invalid UTF-8
 * or a crypto failure. */
int ntlm_nt_hash(const char *password, uint8_t hash_r[16]);

#endif
