/*
 * auth_name: from the names an authentication mechanism reports to a
 * directory address (the user's primary SMTP address, as the directory
 * keys users).
 *
 * A domain map sends NetBIOS domain names, DNS domain names and Kerberos
 * realms to mail domains, e.g. "EXAMPLE=example.com,EXAMPLE.COM=example.com".
 * Names compare without case.  Rules:
 *
 *   NTLM  "alice", domain "EXAMPLE"      -> alice@<map(EXAMPLE)>
 *         "alice", domain "example.com"  -> alice@<map(example.com)>, or
 *                                           alice@example.com when unmapped
 *         "EXAMPLE\alice", no domain     -> as "alice", domain "EXAMPLE"
 *         "alice@example.com"            -> alice@<map(example.com)>, or
 *                                           alice@example.com when unmapped
 *         "alice", no domain             -> alice@<default domain>
 *   Kerberos "alice@EXAMPLE.COM"         -> alice@<map(EXAMPLE.COM)>; an
 *                                           unmapped realm or a principal
 *                                           with an instance ("a/b@R") maps
 *                                           to nothing
 *
 * A NetBIOS-style name (no dot) that is not in the map maps to nothing.
 * Whether the resulting address exists is the directory's business.
 */
#ifndef AUTH_NAME_H
#define AUTH_NAME_H

#include <talloc.h>

struct auth_domain_map;

/* A new, empty map on mem_ctx.  default_domain (may be NULL) serves NTLM
 * users that name no domain.  NULL on out of memory. */
struct auth_domain_map *auth_domain_map_new(TALLOC_CTX *mem_ctx, const char *default_domain);

/* Adds "name=maildomain" pairs separated by commas or spaces.  0, or -1
 * with *error_r on a malformed list. */
int auth_domain_map_parse(struct auth_domain_map *map, const char *list, const char **error_r);
/* Adds one pair.  0, or -1 on bad names or out of memory. */
int auth_domain_map_add(struct auth_domain_map *map, const char *name, const char *mail_domain);

/* NTLM user and domain as sent (UTF-8) -> lower-case address on mem_ctx.
 * Returns 1 mapped, 0 not mappable, -1 out of memory. */
int auth_map_ntlm_user(const struct auth_domain_map *map, TALLOC_CTX *mem_ctx, const char *user,
                       const char *domain, char **address_r);

/* Kerberos principal name "user@REALM" -> address.  1 / 0 / -1 as above. */
int auth_map_principal(const struct auth_domain_map *map, TALLOC_CTX *mem_ctx,
                       const char *principal, char **address_r);

#endif
