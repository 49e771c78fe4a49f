/*
 * mapiclient load --sessions N --duration S [--think-ms MS] [--server-pid PID]
 * (mc_load.h): --user is a pattern with %u for the user number.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mapiclient_cli.h"
#include "mc_load.h"

static int number(const char *s, unsigned long max, unsigned long *v_r)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v > max)
		return -1;
	*v_r = v;
	return 0;
}

int mc_cmd_load(struct mc_cli *cli, int argc, char **argv)
{
	struct mc_load_opts o = {.sessions = 0, .duration_s = 0, .user_pattern = cli->address};
	unsigned long v;
	for (int i = 0; i + 1 < argc; i += 2) {
		if (number(argv[i + 1], 100000, &v) < 0)
			goto usage;
		if (strcmp(argv[i], "--sessions") == 0)
			o.sessions = (unsigned)v;
		else if (strcmp(argv[i], "--duration") == 0)
			o.duration_s = (unsigned)v;
		else if (strcmp(argv[i], "--think-ms") == 0)
			o.think_ms = (unsigned)v;
		else if (strcmp(argv[i], "--server-pid") == 0)
			o.server_pid = (long)v;
		else
			goto usage;
	}
	/* the pattern has exactly one %u and nothing else printf would read */
	const char *pct = strchr(o.user_pattern, '%');
	if (argc % 2 != 0 || o.sessions == 0 || o.duration_s == 0 || pct == NULL || pct[1] != 'u' ||
	    strchr(pct + 2, '%') != NULL)
		goto usage;
	o.session = cli->s->opts;
	return mc_load_run(&o, stdout) < 0 ? MC_EXIT_FAIL : MC_EXIT_OK;
usage:
	fprintf(stderr, "usage: mapiclient --user 'PATTERN%%u@DOMAIN' --password PW [options] load "
	                "--sessions N --duration S [--think-ms MS] [--server-pid PID]\n");
	return MC_EXIT_USAGE;
}
