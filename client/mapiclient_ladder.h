/*
 * The ladder command: Outlook's startup (OUTLOOK-LADDER.md stages 1-5)
 * step by step, each step reported PASS / FAIL (with the error) / SKIP (an
 * earlier step it needs failed).  A step passes only when the server's
 * answer also says what it should (the checks are in each step).
 */
#ifndef MAPICLIENT_LADDER_H
#define MAPICLIENT_LADDER_H

#include <stdbool.h>

#include "mapiclient_cli.h"
#include "mc_autodiscover.h"

struct ladder {
	struct mc_cli *cli;
	TALLOC_CTX *mem_ctx;
	struct mc_discovery disc;
	unsigned passed, failed, skipped;
};

/* Prints the step's line; true when it passed.  rc is the step's result
 * (0 / -1 with the session error), ignored when !can_run. */
bool mc_ladder_step(struct ladder *l, const char *name, bool can_run, int rc);

/* The address book steps (stage 3), after a successful discovery (ok). */
void mc_ladder_nspi(struct ladder *l, bool ok);

/* The mailbox steps (stages 4-5), after a successful discovery (ok). */
void mc_ladder_emsmdb(struct ladder *l, bool ok);

#endif
