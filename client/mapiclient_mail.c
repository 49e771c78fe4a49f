/*
 * mapiclient commands that write or export mail: send, export.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mapiclient_cli.h"
#include "mc_message.h"

/* "a,b,c" as a NULL-terminated list on mem_ctx (empty items dropped). */
static const char **split_addresses(TALLOC_CTX *mem_ctx, const char *list)
{
	size_t n = 1;
	for (const char *c = list; *c != '\0'; c++)
		n += *c == ',';
	const char **out = talloc_zero_array(mem_ctx, const char *, n + 1);
	char *copy = talloc_strdup(mem_ctx, list), *save = NULL;
	size_t k = 0;
	if (out == NULL || copy == NULL)
		return NULL;
	for (char *t = strtok_r(copy, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save)) {
		while (*t == ' ')
			t++;
		if (*t != '\0')
			out[k++] = t;
	}
	return out;
}

int mc_cmd_send(struct mc_cli *cli, int argc, char **argv)
{
	TALLOC_CTX *tmp = talloc_new(cli->s);
	struct mc_send m = {.subject = NULL, .body = NULL};
	const char *to = NULL;
	struct mc_logon logon;
	uint64_t mid;
	int ret = MC_EXIT_USAGE;
	for (int i = 0; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--to") == 0)
			to = argv[i + 1];
		else if (strcmp(argv[i], "--subject") == 0)
			m.subject = argv[i + 1];
		else if (strcmp(argv[i], "--body") == 0)
			m.body = argv[i + 1];
		else
			goto usage;
	}
	if (argc % 2 != 0 || to == NULL || m.subject == NULL)
		goto usage;
	m.to = split_addresses(tmp, to);
	if (m.to == NULL || m.to[0] == NULL)
		goto usage;
	if (mc_cli_open_mailbox(tmp, cli, &logon) < 0 ||
	    mc_message_send(tmp, cli->s, &logon, &m, &mid) < 0) {
		ret = mc_cli_fail(cli);
		goto out;
	}
	printf("submitted: %016" PRIx64 "/%016" PRIx64 "\n",
	       logon.resp.folder_ids[MC_FOLDER_OUTBOX], mid);
	ret = MC_EXIT_OK;
	if (mc_emsmdb_disconnect(tmp, cli->s) < 0)
		ret = mc_cli_fail(cli);
	goto out;
usage:
	fprintf(stderr, "usage: mapiclient [options] send --to ADDR[,ADDR...] --subject S "
	                "[--body B]\n");
out:
	talloc_free(tmp);
	return ret;
}
