/*
 * mapiclient replay FILE.har: a recorded session against the server under
 * test (mc_replay.h).
 */
#include <stdio.h>

#include "mapiclient_cli.h"
#include "mc_har.h"
#include "mc_replay.h"

int mc_cmd_replay(struct mc_cli *cli, int argc, char **argv)
{
	TALLOC_CTX *tmp = talloc_new(cli->s);
	const char *error = NULL;
	struct mc_replay_result res;
	int ret = MC_EXIT_OK;
	struct mc_har *har = mc_har_read(tmp, argv[0], &error);
	if (har == NULL) {
		fprintf(stderr, "mapiclient: %s\n", error);
		ret = MC_EXIT_USAGE;
		goto out;
	}
	if (har->comment != NULL)
		printf("capture: %s\n", har->comment);
	if (mc_replay(tmp, cli->s, cli->address, har, stdout, &res) < 0) {
		ret = mc_cli_fail(cli);
		goto out;
	}
	if (res.known_differences > 0)
		printf("known differences: %u (in entries marked known_difference)\n",
		       res.known_differences);
	printf("replayed: %u requests, %u skipped, %u differences\n", res.requests, res.skipped,
	       res.differences);
	if (res.differences > 0)
		ret = MC_EXIT_FAIL;
out:
	talloc_free(tmp);
	return ret;
}
