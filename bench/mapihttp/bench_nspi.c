/*
 * Benchmark of /mapi/nspi over HTTP on loopback against a 100,000-user
 * directory: ResolveNames (one unique partial name per request) and
 * QueryRows (50 rows from a random position) per second, one client, one
 * connection per request (Basic, credentials cached after the first).
 * Prints `name: value unit` lines.
 *
 *   bench_nspi MAPIHTTPD MAPIADMIN [SECONDS]
 */
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "directory.h"
#include "log.h"
#include "mh_nspi.h"
#include "mh_testsess.h"

#define USERS 100000

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "bench_nspi: %s\n", what);
	exit(1);
}

static void provision(TALLOC_CTX *mem_ctx, const char *mapiadmin, const char *data_dir)
{
	struct mht_user alice = {
	    .address = "alice@x.test", .name = "Alice Example", .password = "alice-pw"};
	struct directory *dir;
	struct dir_user *u;
	const char *error = NULL;
	char addr[64], name[64];

	if (mht_provision(mem_ctx, mapiadmin, data_dir, &alice, 1) < 0 ||
	    directory_open(mem_ctx, data_dir, &dir, &error) < 0)
		die("provision");
	for (unsigned i = 0; i < USERS; i++) {
		snprintf(addr, sizeof(addr), "p%06u@x.test", i);
		snprintf(name, sizeof(name), "Person %06u", i);
		if (directory_user_add(dir, mem_ctx, addr, name, NULL, &u, &error) < 0)
			die(error);
		talloc_free(u);
	}
	directory_close(&dir);
}

int main(int argc, char **argv)
{
	TALLOC_CTX *root = talloc_new(NULL);
	uint32_t tags[] = {PROP_TAG(PT_UNICODE, 0x3001), PROP_TAG(PT_UNICODE, 0x39FE),
	                   PROP_TAG(PT_BINARY, 0x0FFF)};
	struct mapi_proptag_array cols = {3, tags};
	struct nspi_stat st = {.code_page = 1252, .template_locale = 0x409, .sort_locale = 0x409};
	double seconds = argc > 3 ? atof(argv[3]) : 5, t0, dt;
	struct mht_daemon d;
	struct mht_client *c;
	unsigned n;
	char *dir;

	if (argc < 3)
		die("usage: bench_nspi MAPIHTTPD MAPIADMIN [SECONDS]");
	log_set_level(LOG_LEVEL_WARN);
	dir = mht_tempdir(root);
	t0 = now();
	provision(root, argv[2], dir);
	printf("directory_populate_100k: %.2f s\n", now() - t0);
	if (mht_daemon_start(root, argv[1], dir, "[server]\nlog_level = warn\n", &d) < 0)
		die("daemon");
	c = mht_client_new(root, d.port, "alice@x.test", "alice-pw");
	{
		struct nspi_bind_req b = {.state = &st};
		struct nspi_bind_resp br;
		struct nspi_query_rows_req q = {.state = &st, .row_count = 1, .columns = &cols};
		struct nspi_query_rows_resp qr;

		t0 = now();
		if (mht_nspi(c, root, NSPI_BIND, &b, &br) != 0 ||
		    mht_nspi(c, root, NSPI_QUERY_ROWS, &q, &qr) != 0)
			die("bind");
		printf("bind_and_first_query_100k: %.3f s\n", now() - t0);
	}
	srand(1);
	t0 = now();
	for (n = 0; (dt = now() - t0) < seconds; n++) {
		TALLOC_CTX *tmp = talloc_new(root);
		char name[32], *names[1] = {name};
		struct nspi_strings ns = {1, names};
		struct nspi_resolve_names_req req = {.state = &st, .tags = &cols, .names = &ns};
		struct nspi_resolve_names_resp resp;

		snprintf(name, sizeof(name), "person %06d", rand() % USERS);
		if (mht_nspi(c, tmp, NSPI_RESOLVE_NAMES, &req, &resp) != 0 || resp.mids == NULL ||
		    resp.mids->count != 1 || resp.mids->ids[0] != 0x2)
			die("ResolveNames did not resolve");
		talloc_free(tmp);
	}
	printf("resolvenames_100k: %.0f requests/s\n", n / dt);
	t0 = now();
	for (n = 0; (dt = now() - t0) < seconds; n++) {
		TALLOC_CTX *tmp = talloc_new(root);
		struct nspi_stat qs = st;
		struct nspi_query_rows_req req = {.state = &qs, .row_count = 50, .columns = &cols};
		struct nspi_query_rows_resp resp;

		/* [MS-OXNSPI] 2.2.8: a fractional position, NumPos of TotalRecs. */
		qs.current_rec = 0;
		qs.delta = rand() % (USERS - 50);
		if (mht_nspi(c, tmp, NSPI_QUERY_ROWS, &req, &resp) != 0 || resp.rows == NULL ||
		    resp.rows->count != 50)
			die("QueryRows did not answer 50 rows");
		talloc_free(tmp);
	}
	printf("queryrows50_100k: %.0f requests/s\n", n / dt);
	if (mht_daemon_stop(&d) != 0)
		die("daemon stop");
	{
		char *cmd = talloc_asprintf(root, "rm -rf '%s'", dir);

		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", dir);
	}
	talloc_free(root);
	return 0;
}
