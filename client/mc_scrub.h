/*
 * mc_scrub: a HAR capture (mc_har.h) made fit to share: credentials
 * removed (Authorization, Cookie and Set-Cookie headers), personal names,
 * addresses and the mailboxes' GUIDs replaced consistently everywhere
 * they travel: URLs, headers, Autodiscover bodies, and the 8-bit and
 * UTF-16LE strings inside the MAPI/HTTP bodies (Execute ROP buffers are
 * decompressed and de-obfuscated first, and written back plain).
 *
 * The names and addresses are the ones the codec finds: the users of the
 * Autodiscover answers, the X-AnchorMailbox and MailboxId of the URLs,
 * Connect's UserDn and DisplayName, and the display names, SMTP and X500
 * addresses and accounts of every NSPI answer (the address book rows).
 * Each is cut into tokens (the parts of an address, the words of a name,
 * the cn= of a DN) and each token replaced by a pseudonym of the same
 * length and character classes, the same for every occurrence (so
 * lengths inside the binary bodies stay right and the capture replays).
 */
#ifndef MC_SCRUB_H
#define MC_SCRUB_H

#include "mc_har.h"

struct mc_scrub_result {
	unsigned headers_removed; /* Authorization, Cookie, Set-Cookie */
	unsigned tokens;          /* distinct names / address parts replaced */
	unsigned replaced;        /* occurrences replaced */
};

/* Scrubs har in place.  0, or -1 when out of memory. */
int mc_scrub(struct mc_har *har, struct mc_scrub_result *res_r);

#endif
