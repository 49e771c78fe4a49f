/*
 * Benchmarks of addrbook/ over a 100,000-user directory (on tmpfs when
 * there is one): index build, ResolveNames, QueryRows of 50 rows,
 * SeekEntries, GetMatches with ANR and with a
 * restriction that scans every row.  Prints "name: value unit" lines.
 */
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "addrbook.h"
#include "directory.h"
#include "log.h"

#define USERS 100000

static const char *first[] = {"Alice",  "Bob",   "Carol", "David",   "Erin",   "Frank",  "Grace",
                              "Heidi",  "Ivan",  "Judy",  "Mallory", "Niaj",   "Olivia", "Peggy",
                              "Rupert", "Sybil", "Trent", "Victor",  "Walter", "Zoe"};
static const char *last[] = {"Anderson", "Brown", "Clark", "Davis", "Evans",  "Fischer", "Garcia",
                             "Harris",   "Jones", "Klein", "Lopez", "Miller", "Novak",   "Olsen",
                             "Petrov",   "Quinn", "Rossi", "Smith", "Tanaka", "Weber"};
#define NF (sizeof(first) / sizeof(first[0]))
#define NL (sizeof(last) / sizeof(last[0]))

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const char *error)
{
	fprintf(stderr, "bench_addrbook: %s: %s\n", what, error != NULL ? error : "");
	exit(1);
}

static struct directory *populate(TALLOC_CTX *mem_ctx, char *data_dir)
{
	struct directory *dir;
	struct dir_user *user;
	const char *error = NULL;
	char address[64], name[96];
	if (mkdtemp(data_dir) == NULL || directory_open(mem_ctx, data_dir, &dir, &error) < 0 ||
	    directory_domain_add(dir, "example.com", &error) < 0)
		die("directory", error);
	for (unsigned i = 0; i < USERS; i++) {
		snprintf(address, sizeof(address), "u%06u@example.com", i);
		snprintf(name, sizeof(name), "%s %s %u", first[i % NF], last[(i / NF) % NL], i);
		if (directory_user_add(dir, mem_ctx, address, name, NULL, &user, &error) < 0)
			die("user_add", error);
		talloc_free(user);
	}
	return dir;
}

int main(void)
{
	TALLOC_CTX *root = talloc_new(NULL);
	char data_dir[64], cmd[96];
	const char *error = NULL;
	struct addrbook *ab;
	struct ab_session *s;

	log_set_level(LOG_LEVEL_WARN);
	snprintf(data_dir, sizeof(data_dir), "%s/bench-addrbook-XXXXXX",
	         access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	double t0 = now();
	struct directory *dir = populate(root, data_dir);
	printf("directory_populate_100k: %.2f s\n", now() - t0);

	struct addrbook_settings settings = {.base_url = "https://mail.example.com"};
	if (addrbook_init(root, dir, &settings, &ab, &error) < 0)
		die("addrbook_init", error);
	t0 = now();
	if (addrbook_refresh(ab, &error) != AB_E_OK)
		die("refresh", error);
	printf("index_build_100k: %.3f s\n", now() - t0);

	struct ab_stat stat = {.codepage = 1252, .sort_locale = 0x409, .template_locale = 0x409};
	if (ab_bind(root, ab, 0, &stat, "u000000@example.com", &s) != AB_E_OK)
		die("bind", NULL);
	struct ab_rowset rows;
	struct ab_mids mids;
	t0 = now();
	if (ab_query_rows(s, root, 0, &stat, NULL, 1, NULL, &rows) != AB_E_OK)
		die("first query", NULL);
	printf("first_sorted_view_100k: %.3f s\n", now() - t0);

	/* ResolveNames: a mix of full names, addresses, prefixes (ambiguous)
	 * and unknown names, one name per call as Outlook sends them. */
	const char *names[] = {"Alice Anderson 0",
	                       "u054321@example.com",
	                       "Zoe Weber 99999",
	                       "Grace Sm",
	                       "nobody here",
	                       "Petrov",
	                       "u0999"};
	unsigned n = 0;
	TALLOC_CTX *tmp = talloc_new(root);
	t0 = now();
	while (now() - t0 < 1.0) {
		for (unsigned i = 0; i < 100; i++, n++) {
			const char *name = names[n % (sizeof(names) / sizeof(names[0]))];
			if (ab_resolve_names(s, tmp, &stat, &name, 1, NULL, &mids, &rows) !=
			    AB_E_OK)
				die("resolve", name);
			talloc_free_children(tmp);
		}
	}
	printf("resolve_names: %.0f calls/s\n", n / (now() - t0));

	/* QueryRows of 50 rows from pseudo-random fractional positions. */
	uint32_t seed = 1;
	n = 0;
	t0 = now();
	while (now() - t0 < 1.0) {
		for (unsigned i = 0; i < 100; i++, n++) {
			seed = seed * 1103515245u + 12345u;
			stat.cur_rec = AB_MID_CURRENT;
			stat.num_pos = seed % 1000;
			stat.total_recs = 1000;
			if (ab_query_rows(s, tmp, 0, &stat, NULL, 50, NULL, &rows) != AB_E_OK ||
			    rows.count > 50)
				die("query_rows", NULL);
			talloc_free_children(tmp);
		}
	}
	printf("query_rows_50: %.0f calls/s\n", n / (now() - t0));

	struct mapi_propval target = {.tag = 0x3001001F};
	char seek[32];
	n = 0;
	t0 = now();
	while (now() - t0 < 1.0) {
		for (unsigned i = 0; i < 100; i++, n++) {
			snprintf(seek, sizeof(seek), "%s %s", first[n % NF], last[(n / 7) % NL]);
			target.v.str = seek;
			stat.cur_rec = AB_MID_BEGINNING_OF_TABLE;
			if (ab_seek_entries(s, tmp, &stat, &target, NULL, NULL, 0, &rows) !=
			    AB_E_OK)
				die("seek", seek);
			talloc_free_children(tmp);
		}
	}
	printf("seek_entries: %.0f calls/s\n", n / (now() - t0));

	struct mapi_restriction anr = {.rt = RES_PROPERTY};
	anr.u.prop.relop = RELOP_EQ;
	anr.u.prop.proptag = 0x360C001F;
	anr.u.prop.val.tag = 0x360C001F;
	n = 0;
	t0 = now();
	while (now() - t0 < 1.0) {
		for (unsigned i = 0; i < 10; i++, n++) {
			snprintf(seek, sizeof(seek), "u%05u", (n * 37) % 100000);
			anr.u.prop.val.v.str = seek;
			stat.cur_rec = AB_MID_BEGINNING_OF_TABLE;
			enum ab_error ret =
			    ab_get_matches(s, tmp, &stat, &anr, 50, NULL, &mids, &rows);
			if (ret != AB_E_OK && ret != AB_E_TABLE_TOO_BIG)
				die("get_matches", ab_strerror(ret));
			talloc_free_children(tmp);
		}
	}
	printf("get_matches_anr: %.0f calls/s\n", n / (now() - t0));

	/* A restriction that is not ANR evaluates every row of the GAL. */
	struct mapi_restriction content = {.rt = RES_CONTENT};
	content.u.content.fuzzy_level = FL_SUBSTRING | FL_IGNORECASE;
	content.u.content.proptag = 0x39FE001F;
	content.u.content.val.tag = 0x39FE001F;
	content.u.content.val.v.str = seek;
	n = 0;
	t0 = now();
	while (now() - t0 < 1.0) {
		snprintf(seek, sizeof(seek), "%05u@", (n * 37) % 100000);
		stat.cur_rec = AB_MID_BEGINNING_OF_TABLE;
		enum ab_error ret = ab_get_matches(s, tmp, &stat, &content, 50, NULL, &mids, &rows);
		if (ret != AB_E_OK)
			die("get_matches scan", ab_strerror(ret));
		talloc_free_children(tmp);
		n++;
	}
	printf("get_matches_content_scan_100k: %.1f calls/s\n", n / (now() - t0));

	ab_unbind(&s);
	addrbook_deinit(&ab);
	directory_close(&dir);
	talloc_free(root);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", data_dir);
	return system(cmd) == 0 ? 0 : 1;
}
