/*
 * mc_load: N simulated Outlook users against one server, one thread and
 * one mc_session each.  Every user runs the startup ladder (Autodiscover,
 * NSPI Bind / QueryRows / Unbind, Connect, RopLogon, the folder hierarchy,
 * RopRegisterNotification for NewMail) and then, until the duration ends,
 * an Outlook-like mix: Inbox browsing (contents table), message reads
 * (RopOpenMessage + properties), new mail sent to another user, and
 * NotificationWait (the new mail collected with an Execute when an event
 * is pending).  Every HTTP exchange is timed by its X-RequestType.
 */
#ifndef MC_LOAD_H
#define MC_LOAD_H

#include <stdint.h>
#include <stdio.h>

#include "mc_session.h"

struct mc_load_opts {
	unsigned sessions;
	unsigned duration_s;
	const char *user_pattern;       /* "load%u@x.test": %u is the user number, 1..sessions */
	unsigned think_ms;              /* pause between two actions of one user */
	long server_pid;                /* 0: no memory figures */
	struct mc_session_opts session; /* server, password, auth ... (user is set per user) */
};

/* Runs the load and prints "name: value unit" lines on out.  0 when every
 * user could run (errors are counted and printed, not fatal), -1 with a
 * message on stderr when the load could not start. */
int mc_load_run(const struct mc_load_opts *o, FILE *out);

#endif
