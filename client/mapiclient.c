/*
 * mapiclient: the project's own Outlook stand-in on the command line.
 *
 *   mapiclient [global options] COMMAND [arguments]
 *
 * Global options: --server URL, --user ADDRESS, --password PW |
 * --password-stdin, --auth basic|ntlm|negotiate, --insecure, --trace,
 * --no-compress, --record FILE.har.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <talloc.h>

#include "mapiclient_cli.h"
#include "mc_har.h"

static const struct mc_command commands[] = {
    {"discover", "ADDRESS", 1, 1, mc_cmd_discover,
     "Autodiscover (JSON, then POX) and print the MAPI/HTTP endpoints", false},
    {"resolve", "NAME", 1, 1, mc_cmd_resolve, "NSPI ResolveNames of NAME", false},
    {"gal", "", 0, 0, mc_cmd_gal, "NSPI: address book containers and the whole GAL", false},
    {"ping", "", 0, 0, mc_cmd_ping, "PING both endpoints", false},
    {"connect", "", 0, 0, mc_cmd_connect, "EMSMDB Connect, then Disconnect", false},
    {"watch", "[COUNT]", 0, 1, mc_cmd_watch,
     "register for new mail, then NotificationWait COUNT times (default: forever)", false},
    {"folders", "", 0, 0, mc_cmd_folders, "the folder hierarchy with counts", false},
    {"list", "FOLDER", 1, 1, mc_cmd_list,
     "the messages of the folder named FOLDER (id, date, sender, subject)", false},
    {"show", "MESSAGE", 1, 1, mc_cmd_show,
     "one message (FOLDERID/MESSAGEID as list prints it): headers and body", false},
    {"ladder", "", 0, 0, mc_cmd_ladder,
     "Outlook's startup sequence step by step, reporting which steps pass", false},
    {"send",
     "--to ADDR[,ADDR] --subject S [--body B] [--attach F]... [--attach-message MESSAGE]... "
     "[--category C]... [--save-only]",
     4, 25, mc_cmd_send,
     "create a message in the Outbox and submit it (the sent copy goes to Sent Items); "
     "--save-only: keep it in the Outbox unsubmitted",
     false},
    {"export", "FOLDER DIR", 2, 2, mc_cmd_export,
     "every message of FOLDER as a property dump DIR/MESSAGEID.txt, its attachments' data "
     "as DIR/MESSAGEID-N-NAME, embedded messages as DIR/MESSAGEID-N.txt",
     false},
    {"replay", "FILE.har", 1, 1, mc_cmd_replay,
     "send a recorded session again and compare every answer with the recorded one", false},
    {"load", "--sessions N --duration S", 4, 8, mc_cmd_load,
     "N simulated Outlook users (--user is a pattern with %u) for S seconds; figures", false},
    {"scrub", "IN.har OUT.har", 2, 2, mc_cmd_scrub,
     "remove credentials and replace names and addresses in a capture", true},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: mapiclient [options] COMMAND [ARGS]\n"
	           "options:\n"
	           "  --server URL          server base URL (default: discover from the address)\n"
	           "  --user ADDRESS        mailbox address, also the login name\n"
	           "  --password PW         password\n"
	           "  --password-stdin      read the password from the first line of stdin\n"
	           "  --auth SCHEME         basic (default), ntlm or negotiate\n"
	           "  --insecure            accept any TLS certificate\n"
	           "  --trace               print every request and response to stderr\n"
	           "  --no-compress         Execute without LZ77 compression or XOR, both ways\n"
	           "  --record FILE.har     write every HTTP exchange of the session to FILE.har\n"
	           "commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strlen(commands[i].args) <= 10)
			fprintf(f, "  %-10s %-10s %s\n", commands[i].name, commands[i].args,
			        commands[i].help);
		else /* long arguments: the help on a line of its own */
			fprintf(f, "  %-10s %s\n  %-21s %s\n", commands[i].name, commands[i].args,
			        "", commands[i].help);
	}
}

static char *read_password_stdin(TALLOC_CTX *mem_ctx)
{
	char buf[1024];
	if (fgets(buf, sizeof(buf), stdin) == NULL)
		return NULL;
	size_t n = strcspn(buf, "\r\n");
	char *pw = talloc_strndup(mem_ctx, buf, n);
	memset(buf, 0, sizeof(buf));
	return pw;
}

static int parse_auth(const char *name, enum mc_auth *auth_r)
{
	if (strcmp(name, "basic") == 0)
		*auth_r = MC_AUTH_BASIC;
	else if (strcmp(name, "ntlm") == 0)
		*auth_r = MC_AUTH_NTLM;
	else if (strcmp(name, "negotiate") == 0)
		*auth_r = MC_AUTH_NEGOTIATE;
	else
		return -1;
	return 0;
}

int mc_cli_fail(struct mc_cli *cli)
{
	fprintf(stderr, "mapiclient: %s\n", mc_session_error(cli->s));
	switch (mc_session_error_kind(cli->s)) {
	case MC_E_USAGE:
		return MC_EXIT_USAGE;
	case MC_E_AUTH:
		return MC_EXIT_AUTH;
	case MC_E_NETWORK:
		return MC_EXIT_NETWORK;
	default:
		return MC_EXIT_FAIL;
	}
}

enum {
	OPT_SERVER = 256,
	OPT_USER,
	OPT_PASSWORD,
	OPT_PASSWORD_STDIN,
	OPT_AUTH,
	OPT_INSECURE,
	OPT_TRACE,
	OPT_NO_COMPRESS,
	OPT_RECORD,
	OPT_HELP
};

/* 0 parsed, 1 help asked for, -1 usage error (printed). */
static int parse_options(TALLOC_CTX *mem_ctx, int argc, char **argv, struct mc_session_opts *o,
                         bool *pw_stdin_r, const char **record_r)
{
	static const struct option longopts[] = {
	    {"server", required_argument, NULL, OPT_SERVER},
	    {"user", required_argument, NULL, OPT_USER},
	    {"password", required_argument, NULL, OPT_PASSWORD},
	    {"password-stdin", no_argument, NULL, OPT_PASSWORD_STDIN},
	    {"auth", required_argument, NULL, OPT_AUTH},
	    {"insecure", no_argument, NULL, OPT_INSECURE},
	    {"trace", no_argument, NULL, OPT_TRACE},
	    {"no-compress", no_argument, NULL, OPT_NO_COMPRESS},
	    {"record", required_argument, NULL, OPT_RECORD},
	    {"help", no_argument, NULL, OPT_HELP},
	    {NULL, 0, NULL, 0},
	};
	int c;
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_SERVER:
			o->server = optarg;
			break;
		case OPT_USER:
			o->user = optarg;
			break;
		case OPT_PASSWORD:
			o->password = talloc_strdup(mem_ctx, optarg);
			/* keep it out of ps output where the system allows */
			memset(optarg, '*', strlen(optarg));
			break;
		case OPT_PASSWORD_STDIN:
			*pw_stdin_r = true;
			break;
		case OPT_AUTH:
			if (parse_auth(optarg, &o->auth) < 0) {
				fprintf(stderr,
				        "mapiclient: unknown --auth %s "
				        "(basic, ntlm or negotiate)\n",
				        optarg);
				return -1;
			}
			break;
		case OPT_INSECURE:
			o->insecure = true;
			break;
		case OPT_TRACE:
			o->trace = stderr;
			break;
		case OPT_NO_COMPRESS:
			o->no_compress = true;
			break;
		case OPT_RECORD:
			*record_r = optarg;
			break;
		case OPT_HELP:
		case 'h':
			return 1;
		default:
			usage(stderr);
			return -1;
		}
	}
	return 0;
}

static const struct mc_command *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	}
	return NULL;
}

int main(int argc, char **argv)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct mc_session_opts o = {.auth = MC_AUTH_BASIC};
	bool pw_stdin = false;
	int ret = MC_EXIT_USAGE;
	const char *record = NULL;
	int opt = parse_options(mem_ctx, argc, argv, &o, &pw_stdin, &record);
	if (opt < 0)
		goto out;
	if (opt > 0) {
		usage(stdout);
		ret = MC_EXIT_OK;
		goto out;
	}
	if (optind >= argc) {
		usage(stderr);
		goto out;
	}
	const struct mc_command *cmd = find_command(argv[optind]);
	int nargs = argc - optind - 1;
	if (cmd == NULL) {
		fprintf(stderr, "mapiclient: unknown command %s\n", argv[optind]);
		usage(stderr);
		goto out;
	}
	if (nargs < cmd->min_args || nargs > cmd->max_args) {
		fprintf(stderr, "usage: mapiclient [options] %s %s\n", cmd->name, cmd->args);
		goto out;
	}
	if (cmd->offline) {
		struct mc_cli off = {.s = NULL, .address = NULL};
		ret = cmd->run(&off, nargs, argv + optind + 1);
		goto out;
	}
	/* discover ADDRESS logs in as ADDRESS unless --user says otherwise */
	if (o.user == NULL && strcmp(cmd->name, "discover") == 0)
		o.user = argv[optind + 1];
	if (o.user == NULL) {
		fprintf(stderr, "mapiclient: --user ADDRESS is required\n");
		goto out;
	}
	if (pw_stdin && (o.password = read_password_stdin(mem_ctx)) == NULL) {
		fprintf(stderr, "mapiclient: no password on standard input\n");
		goto out;
	}
	if (o.password == NULL && o.auth != MC_AUTH_NEGOTIATE) {
		fprintf(stderr, "mapiclient: --password or --password-stdin is required\n");
		goto out;
	}
	struct mc_cli cli = {.address = o.user};
	cli.s = mc_session_new(mem_ctx, &o);
	if (cli.s == NULL) {
		fprintf(stderr, "mapiclient: cannot start a session (out of memory or libcurl)\n");
		ret = MC_EXIT_FAIL;
		goto out;
	}
	if (o.password != NULL)
		memset((char *)(uintptr_t)o.password, 0, strlen(o.password));
	if (record != NULL) {
		cli.s->record = mc_har_new(cli.s);
		cli.s->record->comment =
		    talloc_asprintf(cli.s->record, "mapiclient %s session", cmd->name);
	}
	ret = cmd->run(&cli, nargs, argv + optind + 1);
	/* the session is recorded whatever its outcome */
	if (record != NULL && mc_har_write(cli.s->record, record) < 0) {
		fprintf(stderr, "mapiclient: cannot write %s: %s\n", record, strerror(errno));
		if (ret == MC_EXIT_OK)
			ret = MC_EXIT_FAIL;
	}
	mc_session_free(&cli.s);
out:
	talloc_free(mem_ctx);
	return ret;
}
