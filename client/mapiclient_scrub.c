/*
 * mapiclient scrub IN.har OUT.har (mc_scrub.h): no server needed.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "mapiclient_cli.h"
#include "mc_har.h"
#include "mc_scrub.h"

int mc_cmd_scrub(struct mc_cli *cli, int argc, char **argv)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	const char *error = NULL;
	struct mc_scrub_result res;
	int ret = MC_EXIT_OK;
	struct mc_har *har = mc_har_read(tmp, argv[0], &error);
	if (har == NULL) {
		fprintf(stderr, "mapiclient: %s\n", error);
		ret = MC_EXIT_USAGE;
		goto out;
	}
	if (mc_scrub(har, &res) < 0 || mc_har_write(har, argv[1]) < 0) {
		fprintf(stderr, "mapiclient: cannot write %s: %s\n", argv[1], strerror(errno));
		ret = MC_EXIT_FAIL;
		goto out;
	}
	printf("scrubbed: %zu entries, %u credential headers removed, %u names and address "
	       "parts replaced (%u occurrences)\n",
	       har->count, res.headers_removed, res.tokens, res.replaced);
out:
	talloc_free(tmp);
	return ret;
}
