/*
 * mapiadmin --data-dir DIR <command>: administers the directory and the
 * mailbox store.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mapiadmin.h"

/* The commands, as one declarative table: words, positional arguments,
 * usage, handler. */
static const struct ma_command {
	const char *words[3];
	int args;
	const char *usage;
	ma_handler *handler;
} commands[] = {
    {{"org", "show"}, 0, "org show", ma_org_show},
    {{"org", "set-name"}, 1, "org set-name NAME", ma_org_set_name},
    {{"domain", "add"}, 1, "domain add DOMAIN", ma_domain_add},
    {{"domain", "list"}, 0, "domain list", ma_domain_list},
    {{"domain", "del"}, 1, "domain del DOMAIN", ma_domain_del},
    {{"user", "add"},
     1,
     "user add ADDRESS --name \"Display Name\" [--password PW | --no-password]",
     ma_user_add},
    {{"user", "list"}, 0, "user list", ma_user_list},
    {{"user", "show"}, 1, "user show ADDRESS", ma_user_show},
    {{"user", "del"}, 1, "user del ADDRESS", ma_user_del},
    {{"user", "passwd"}, 1, "user passwd ADDRESS [--password PW]", ma_user_passwd},
    {{"user", "alias", "add"}, 2, "user alias add ADDRESS ALIAS", ma_user_alias_add},
    {{"mailbox", "create"}, 1, "mailbox create ADDRESS", ma_mailbox_create},
    {{"mailbox", "list"}, 0, "mailbox list", ma_mailbox_list},
    {{"mailbox", "info"}, 1, "mailbox info ADDRESS|GUID", ma_mailbox_info},
    {{"mailbox", "check"}, 1, "mailbox check ADDRESS|GUID", ma_mailbox_check},
    {{"mailbox", "backup"}, 2, "mailbox backup ADDRESS|GUID DIR", ma_mailbox_backup},
    {{"mailbox", "purge"}, 1, "mailbox purge GUID", ma_mailbox_purge},
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
	fprintf(out, "usage: mapiadmin --data-dir DIR <command>\n\ncommands:\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(out, "  %s\n", commands[i].usage);
	fprintf(out, "\nWithout --password, passwords are read from stdin when it is not a\n"
	             "terminal, else asked twice without echo.  Exit status: 0 success,\n"
	             "1 the operation failed, 2 usage error.\n");
}

int ma_fail(const char *what, const char *error)
{
	fprintf(stderr, "mapiadmin: %s: %s\n", what, error);
	return MA_EXIT_FAIL;
}

/* How many leading words of argv name command c; 0 when it does not. */
static int match(const struct ma_command *c, const char **argv, int argc)
{
	int n = 0;

	while (n < 3 && c->words[n] != NULL) {
		if (n >= argc || strcmp(argv[n], c->words[n]) != 0)
			return 0;
		n++;
	}
	return n;
}

/* Splits the words after --data-dir into positionals and options. */
static int parse_options(struct ma_ctx *ctx, const char **argv, int argc, const char **pos,
                         int *npos)
{
	*npos = 0;
	for (int i = 0; i < argc; i++) {
		const char **slot = NULL;

		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return 1;
		if (strcmp(argv[i], "--name") == 0)
			slot = &ctx->name;
		else if (strcmp(argv[i], "--password") == 0)
			slot = &ctx->password;
		else if (strcmp(argv[i], "--no-password") == 0)
			ctx->no_password = true;
		else if (strncmp(argv[i], "--", 2) == 0 && argv[i][2] != '\0')
			return fprintf(stderr, "mapiadmin: unknown option %s\n", argv[i]), -1;
		else
			pos[(*npos)++] = argv[i];
		if (slot != NULL) {
			if (i + 1 >= argc)
				return fprintf(stderr, "mapiadmin: %s needs a value\n", argv[i]),
				       -1;
			*slot = argv[++i];
		}
	}
	return 0;
}

static int run(const char *data_dir, const char **argv, int argc)
{
	struct ma_ctx ctx = {.data_dir = data_dir};
	const char **pos = calloc((size_t)argc + 1, sizeof(*pos));
	const char *error;
	int npos, ret = MA_EXIT_USAGE, parsed;

	if (pos == NULL || (parsed = parse_options(&ctx, argv, argc, pos, &npos)) < 0)
		goto out;
	if (parsed > 0) {
		usage(stdout);
		ret = MA_EXIT_OK;
		goto out;
	}
	for (size_t i = 0; i < N_COMMANDS; i++) {
		int words = match(&commands[i], pos, npos);

		if (words == 0)
			continue;
		if (npos - words != commands[i].args) {
			fprintf(stderr, "usage: mapiadmin --data-dir DIR %s\n", commands[i].usage);
			goto out;
		}
		if (directory_open(NULL, data_dir, &ctx.dir, &error) < 0) {
			ret = ma_fail(data_dir, error);
			goto out;
		}
		ctx.args = pos + words;
		ctx.arg_count = npos - words;
		ret = commands[i].handler(&ctx);
		directory_close(&ctx.dir);
		goto out;
	}
	fprintf(stderr, "mapiadmin: unknown command; see mapiadmin --help\n");
out:
	free(pos);
	return ret;
}

int main(int argc, char **argv)
{
	const char *data_dir = NULL;
	int i = 1;

	/* Directory events are for the daemon's log; the tool says what it
	 * did on stdout and what went wrong on stderr. */
	log_set_level(LOG_LEVEL_WARN);
	for (; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return MA_EXIT_OK;
		} else if (strcmp(argv[i], "--data-dir") == 0 && i + 1 < argc) {
			data_dir = argv[++i];
		} else if (strncmp(argv[i], "--data-dir=", 11) == 0) {
			data_dir = argv[i] + 11;
		} else {
			break;
		}
	}
	if (data_dir == NULL || data_dir[0] == '\0' || i >= argc) {
		usage(stderr);
		return MA_EXIT_USAGE;
	}
	return run(data_dir, (const char **)argv + i, argc - i);
}
