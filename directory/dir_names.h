/*
 * dir_names: the shapes of the names the directory keeps: addresses,
 * domains, display names, the organisation name, and the Exchange-style
 * LegacyDN built from them.  Pure functions; private to directory/.
 */
#ifndef DIR_NAMES_H
#define DIR_NAMES_H

#include <stdbool.h>
#include <talloc.h>

#include "mapi_types.h"

#define DIR_ORG_NAME_DEFAULT "First Organization"
#define DIR_ORG_NAME_MAX     64
#define DIR_DISPLAY_NAME_MAX 256

/* Lower-cases and checks an address "local@domain" (ASCII only: RFC 5322
 * dot-atoms without '/', local part <= 64, domain as dir_domain_normalize).
 * On success *address_r (on mem_ctx) is the normalised address and
 * *domain_r points into it after the '@'.  Returns 0, or -1 with a reason
 * in *why_r (a static string). */
int dir_address_normalize(TALLOC_CTX *mem_ctx, const char *in, char **address_r,
                          const char **domain_r, const char **why_r);

/* Lower-cases and checks a DNS domain name (LDH labels of 1..63, <= 253).
 * Returns 0, or -1 with *why_r. */
int dir_domain_normalize(TALLOC_CTX *mem_ctx, const char *in, char **domain_r, const char **why_r);

/* Display names: valid UTF-8, no control characters, 1..256 bytes. */
bool dir_display_name_valid(const char *name);
/* Organisation names: as display names, no '/', at most 64 bytes: the name
 * becomes the /o= RDN of every LegacyDN. */
bool dir_org_name_valid(const char *name);

/* The user's RDN value "<id>-<localpart>", where <id> is the mailbox GUID
 * as 32 lower-case hex digits in its usual text order (the
 * xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx form without dashes), so the
 * LegacyDN and the MailboxId URLs name the mailbox alike. */
char *dir_user_rdn(TALLOC_CTX *mem_ctx, const struct mapi_guid *guid, const char *address);

/* "/o=<org>/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn="
 * : what precedes the user RDN in a LegacyDN (OUTLOOK-LADDER.md stage 1). */
char *dir_recipients_prefix(TALLOC_CTX *mem_ctx, const char *org_name);

/* ASCII lower-case copy. */
char *dir_lower(TALLOC_CTX *mem_ctx, const char *s);

#endif
