/*
 * mapiclient CLI: the commands, each over a session made from the global
 * options.  A command prints its result to stdout and returns the process
 * exit status (mapiclient_exit_status()); failures are printed to stderr
 * as "mapiclient: <what went wrong>".
 */
#ifndef MAPICLIENT_CLI_H
#define MAPICLIENT_CLI_H

#include "mc_session.h"
#include "mc_store.h"

/* Exit statuses. */
#define MC_EXIT_OK      0
#define MC_EXIT_FAIL    1 /* the server answered an error, or the answer was bad */
#define MC_EXIT_USAGE   2
#define MC_EXIT_AUTH    3 /* credentials refused */
#define MC_EXIT_NETWORK 4 /* server unreachable */

struct mc_cli {
	struct mc_session *s;
	const char *address; /* --user */
};

struct mc_command {
	const char *name;
	const char *args; /* usage text of the arguments */
	int min_args, max_args;
	int (*run)(struct mc_cli *cli, int argc, char **argv);
	const char *help;
	bool offline; /* works on files only: no --user, no session */
};

/* The exit status for the session's last error, after printing it. */
int mc_cli_fail(struct mc_cli *cli);

/* Discovery, Connect and RopLogon to the --user mailbox. */
int mc_cli_open_mailbox(TALLOC_CTX *mem_ctx, struct mc_cli *cli, struct mc_logon *logon_r);
/* The fid of the folder called name (case-insensitive, depth-first in
 * Root's hierarchy); -1 (MC_E_USAGE) when there is none. */
int mc_cli_find_folder(TALLOC_CTX *mem_ctx, struct mc_cli *cli, const struct mc_logon *logon,
                       const char *name, uint64_t *fid_r);

int mc_cmd_discover(struct mc_cli *cli, int argc, char **argv);
int mc_cmd_resolve(struct mc_cli *cli, int argc, char **argv);
int mc_cmd_gal(struct mc_cli *cli, int argc, char **argv);
int mc_cmd_ping(struct mc_cli *cli, int argc, char **argv);
int mc_cmd_watch(struct mc_cli *cli, int argc, char **argv);
int mc_cmd_connect(struct mc_cli *cli, int argc, char **argv);
int mc_cmd_folders(struct mc_cli *cli, int argc, char **argv);
int mc_cmd_list(struct mc_cli *cli, int argc, char **argv);
int mc_cmd_show(struct mc_cli *cli, int argc, char **argv);
int mc_cmd_ladder(struct mc_cli *cli, int argc, char **argv);
int mc_cmd_send(struct mc_cli *cli, int argc, char **argv);
int mc_cmd_export(struct mc_cli *cli, int argc, char **argv);
int mc_cmd_replay(struct mc_cli *cli, int argc, char **argv);
int mc_cmd_scrub(struct mc_cli *cli, int argc, char **argv);
int mc_cmd_load(struct mc_cli *cli, int argc, char **argv);

#endif
