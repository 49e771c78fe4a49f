/*
 * auth_http: NTLM and Negotiate as HTTP header values, for the daemon's
 * authentication layer, still without any HTTP server code.
 *
 *   "Authorization: NTLM <base64>"       [MS-NTHT] 2.2.1 / 3.2.5
 *   "Authorization: Negotiate <base64>"  [RFC 4559] 4.2
 *   answers "WWW-Authenticate: NTLM <base64>" / "Negotiate <base64>"
 *
 * struct auth_http is process-wide (config, Kerberos acceptor credentials,
 * domain map, NT-hash lookup); struct auth_http_conn belongs to one TCP
 * connection and must be freed with it.  NTLM and Negotiate bind the
 * handshake, and the identity it yields, to the connection ([MS-NTHT] 3.2.5:
 * later requests on the connection need no Authorization header).  A
 * handshake continued on another connection meets a fresh auth_http_conn,
 * and the AUTHENTICATE_MESSAGE fails there (AUTH_HTTP_FAILED).
 *
 * Typical use by a request handler:
 *
 *   if (no Authorization header && auth_http_conn_address(conn) != NULL)
 *           user = auth_http_conn_address(conn);              (already in)
 *   else switch (auth_http_step(conn, req, header, &www, &addr, &user, &why)) {
 *   case AUTH_HTTP_OK:        user = addr; if (www) add WWW-Authenticate www
 *   case AUTH_HTTP_CONTINUE:  401 with exactly one WWW-Authenticate: www
 *   case AUTH_HTTP_FAILED:    401 with all offered challenges; log user, why
 *   case AUTH_HTTP_MALFORMED: 400; log why
 *   case AUTH_HTTP_INTERNAL:  500
 *   }
 */
#ifndef AUTH_HTTP_H
#define AUTH_HTTP_H

#include <stdbool.h>
#include <talloc.h>

#include "auth_name.h"
#include "ntlm.h"

struct directory;

/* The longest Authorization header value accepted (Kerberos tickets with a
 * large PAC run to a few tens of kilobytes of base64). */
#define AUTH_HTTP_HEADER_MAX 65536

struct auth_http_config {
	/* Names announced in the NTLM CHALLENGE ([MS-NLMP] 2.2.2.1). */
	const char *nb_domain;    /* "EXAMPLE" */
	const char *nb_computer;  /* "MAIL" */
	const char *dns_domain;   /* "example.com" */
	const char *dns_computer; /* "mail.example.com" */
	bool ntlm;                /* offer NTLM (and NTLM inside Negotiate) */
	bool allow_ntlmv1;        /* off by default */
	/* Negotiate: keytab path, NULL for no Negotiate; service name as
	 * "HTTP@mail.example.com" or NULL for any key in the keytab. */
	const char *keytab;
	const char *service;
	/* "NAME=maildomain" list for NTLM domains and Kerberos realms, and the
	 * mail domain of NTLM users who name no domain (auth_name.h). */
	const char *domain_map;
	const char *default_domain;
	/* Where NT hashes come from: the directory (by mapped address) ... */
	struct directory *dir;
	/* ... or, when lookup is set, this callback instead (tests). */
	ntlm_lookup_fn *lookup;
	void *lookup_ctx;
};

enum auth_http_result {
	AUTH_HTTP_OK = 0,
	AUTH_HTTP_CONTINUE,
	AUTH_HTTP_FAILED,
	AUTH_HTTP_MALFORMED,
	AUTH_HTTP_INTERNAL,
};

struct auth_http;
struct auth_http_conn;

/* 0, or -1 with *error_r (on mem_ctx): bad domain map, unusable keytab. */
int auth_http_new(TALLOC_CTX *mem_ctx, const struct auth_http_config *cfg, struct auth_http **ah_r,
                  const char **error_r);

bool auth_http_offers_ntlm(const struct auth_http *ah);
bool auth_http_offers_negotiate(const struct auth_http *ah);

/* Per connection; ah must outlive it.  NULL on out of memory. */
struct auth_http_conn *auth_http_conn_new(TALLOC_CTX *mem_ctx, struct auth_http *ah);

/* True when header names a scheme this module handles ("NTLM ..." or
 * "Negotiate ...", without case) and that scheme is offered. */
bool auth_http_handles(const struct auth_http *ah, const char *header);

/* Processes one Authorization header value.  Out-values are allocated on
 * mem_ctx: *www_r the WWW-Authenticate value to send (or NULL), *address_r
 * the authenticated address (AUTH_HTTP_OK), *user_r the user the client
 * claimed (for logs; may be NULL), *reason_r why it failed (safe to log). */
enum auth_http_result auth_http_step(struct auth_http_conn *conn, TALLOC_CTX *mem_ctx,
                                     const char *header, char **www_r, char **address_r,
                                     const char **user_r, const char **reason_r);

/* The directory address a name that auth_http_step() reported in *user_r
 * maps to ("DOMAIN\user" from NTLM, "user@REALM" from Kerberos), by the
 * domain map; NULL when it maps to nothing.  On mem_ctx.  Lets callers
 * key failed attempts by the same address a success yields. */
char *auth_http_claimed_address(const struct auth_http *ah, TALLOC_CTX *mem_ctx,
                                const char *claimed);

/* The address this connection authenticated as, or NULL. */
const char *auth_http_conn_address(const struct auth_http_conn *conn);

#endif
