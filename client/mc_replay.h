/*
 * mc_replay: a recorded MAPI/HTTP session (mc_har.h) sent again, request
 * by request and in order, to the server under test, each answer compared
 * with the recorded one field by field.
 *
 * What is session-specific is rewritten: Autodiscover is run again for the
 * session's user (its URLs, LegacyDN); cookies and X-RequestId come from
 * the live session; Connect's UserDn and RopLogon's Essdn become the live
 * user's; the server object handles and the 8-byte folder and message IDs
 * learned from earlier answers (recorded value -> live value) are put in
 * later requests.
 *
 * Both answers are decoded by the codec and printed by its printer
 * (rop_print.h), then compared line by line.  Volatile fields (times,
 * GUIDs, sizes, change numbers and keys, entry IDs, handles ...) are
 * compared by shape (the same field, a value of the same form) and not by
 * value; the recorded user's names and DN compare equal to the live
 * user's.
 */
#ifndef MC_REPLAY_H
#define MC_REPLAY_H

#include <stdio.h>

#include "mc_har.h"
#include "mc_session.h"

struct mc_replay_result {
	unsigned requests;    /* entries sent */
	unsigned skipped;     /* entries that are neither MAPI/HTTP nor Autodiscover */
	unsigned differences; /* lines that differ in a way that matters */
	/* lines that differ in entries whose "_example" names a known
	 * difference of this server (printed, not counted above) */
	unsigned known_differences;
};

/*
 * Replays har over s (whose --user and --server say where), printing one
 * "request N: TYPE: same|N differences" line per entry and a readable diff
 * (- recorded / + live) under it on out.  0 when every entry could be
 * sent (differences or not), -1 with the session error when the replay
 * could not go on (the server unreachable, an entry undecodable).
 */
int mc_replay(TALLOC_CTX *mem_ctx, struct mc_session *s, const char *address,
              const struct mc_har *har, FILE *out, struct mc_replay_result *res_r);

#endif
