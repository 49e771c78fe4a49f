/*
 * mapihttp_auth: the daemon's NTLM and Negotiate set-up, from its
 * configuration ([auth] keytab, service, domain_map, default_domain,
 * netbios_domain, allow_ntlmv1) and the directory that holds the NT hashes.
 */
#ifndef MAPIHTTP_AUTH_H
#define MAPIHTTP_AUTH_H

#include "directory.h"
#include "http_auth.h"
#include "http_config.h"

/* When a listener offers NTLM or Negotiate, builds the process-wide
 * auth_http (on mem_ctx) and enables those schemes in auth.  NTLM
 * announces the host name's labels ([MS-NLMP] 2.2.2.1): "mail.example.com"
 * is computer MAIL in domain EXAMPLE (example.com) unless netbios_domain
 * says otherwise.  0, or -1 with *error_r (an unusable keytab, a bad
 * domain map). */
int mapihttp_auth_setup(TALLOC_CTX *mem_ctx, const struct http_config *cfg, struct directory *dir,
                        struct http_auth *auth, const char **error_r);

#endif
