/*
 * mc_load: simulated Outlook users, one thread each.
 */
#include "mc_load.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mc_autodiscover.h"
#include "mc_emsmdb.h"
#include "mc_message.h"
#include "mc_nspi.h"
#include "mc_store.h"

#define MAX_TYPES 24

enum action { ACT_BROWSE, ACT_READ, ACT_SEND, ACT_WAIT, ACT_COUNT };
static const char *const action_names[ACT_COUNT] = {"browse", "read", "send", "notify_wait"};

struct series {
	char name[32];
	double *v;
	size_t n, cap;
	unsigned errors;
};

struct user {
	unsigned index;
	const struct mc_load_opts *o;
	uint64_t deadline_ns;
	unsigned seed;
	pthread_t thread;
	struct series types[MAX_TYPES];
	size_t ntypes;
	unsigned ok[ACT_COUNT], failed[ACT_COUNT];
	bool ladder_failed;
	char error[512];
};

/* The address of user k: the pattern's "%u" replaced by k (the caller
 * checked it has exactly one). */
static void user_address(char *out, size_t n, const char *pattern, unsigned k)
{
	const char *pct = strstr(pattern, "%u");
	if (pct == NULL) {
		snprintf(out, n, "%s", pattern);
		return;
	}
	snprintf(out, n, "%.*s%u%s", (int)(pct - pattern), pattern, k, pct + 2);
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void on_exchange(void *arg, const char *type, double ms, bool ok)
{
	struct user *u = arg;
	size_t i;
	for (i = 0; i < u->ntypes && strcmp(u->types[i].name, type) != 0; i++)
		;
	if (i == u->ntypes) {
		if (u->ntypes == MAX_TYPES)
			return;
		snprintf(u->types[i].name, sizeof(u->types[i].name), "%s", type);
		u->ntypes++;
	}
	struct series *sr = &u->types[i];
	if (!ok)
		sr->errors++;
	if (sr->n == sr->cap) {
		size_t cap = sr->cap ? sr->cap * 2 : 256;
		double *v = realloc(sr->v, cap * sizeof(double));
		if (v == NULL)
			return;
		sr->v = v;
		sr->cap = cap;
	}
	sr->v[sr->n++] = ms;
}

struct user_session {
	struct user *u;
	struct mc_session *s;
	struct mc_logon logon;
	uint64_t *mids;
	uint32_t mid_count;
	uint32_t handles[2]; /* logon, notification subscription */
};

static int nspi_startup(TALLOC_CTX *mem_ctx, struct mc_session *s)
{
	uint32_t tags[] = {MC_TAG_DISPLAY_NAME, MC_TAG_SMTP_ADDRESS};
	struct mapi_proptag_array cols = {2, tags};
	struct nspi_stat st;
	struct nspi_query_rows_resp resp;
	mc_nspi_default_stat(&st);
	/* [MS-OXCMAPIHTTP] 2.2.5.12: the first page of the GAL */
	struct nspi_query_rows_req req = {.state = &st, .row_count = 50, .columns = &cols};
	if (mc_nspi_bind(mem_ctx, s, NULL) < 0 ||
	    mc_nspi_call(mem_ctx, s, NSPI_QUERY_ROWS, &req, &resp) < 0)
		return -1;
	return mc_nspi_unbind(mem_ctx, s);
}

/* OUTLOOK-LADDER stages 1-5 as far as a session needs them. */
static int startup(TALLOC_CTX *mem_ctx, struct user_session *us, const char *address)
{
	struct mc_discovery d;
	struct mh_connect_resp cr;
	struct rop_row_list rows;
	uint32_t tags[] = {MC_TAG_FID, MC_TAG_DISPLAY_NAME, MC_TAG_CONTENT_COUNT,
	                   MC_TAG_CONTENT_UNREAD};
	struct mapi_proptag_array cols = {4, tags};
	if (mc_discover(mem_ctx, us->s, address, &d) < 0 || nspi_startup(mem_ctx, us->s) < 0 ||
	    mc_emsmdb_connect(mem_ctx, us->s, &cr) < 0 ||
	    mc_store_logon(mem_ctx, us->s, &us->logon) < 0 ||
	    mc_store_hierarchy(mem_ctx, us->s, &us->logon, us->logon.resp.folder_ids[0], true,
	                       &cols, 1000, &rows) < 0 ||
	    mc_store_register_newmail(mem_ctx, us->s, &us->logon, &us->handles[1]) < 0)
		return -1;
	us->handles[0] = us->logon.handle;
	return 0;
}

static int act_browse(TALLOC_CTX *mem_ctx, struct user_session *us)
{
	uint32_t tags[] = {MC_TAG_MID, MC_TAG_DELIVERY_TIME, MC_TAG_SENDER_NAME, MC_TAG_SUBJECT};
	struct mapi_proptag_array cols = {4, tags};
	struct rop_row_list rows;
	if (mc_store_contents(mem_ctx, us->s, &us->logon,
	                      us->logon.resp.folder_ids[MC_FOLDER_INBOX], &cols, 50, &rows) < 0)
		return -1;
	uint64_t *mids = talloc_realloc(us->s, us->mids, uint64_t, rows.count + 1);
	if (mids == NULL)
		return -1;
	us->mids = mids;
	us->mid_count = 0;
	for (uint32_t i = 0; i < rows.count; i++) {
		const struct mapi_propval *v = mc_row_value(&rows.rows[i], MC_TAG_MID);
		if (v != NULL)
			us->mids[us->mid_count++] = (uint64_t)v->v.i64;
	}
	return 0;
}

static int act_read(TALLOC_CTX *mem_ctx, struct user_session *us)
{
	uint32_t tags[] = {MC_TAG_SUBJECT, MC_TAG_SENDER_NAME, MC_TAG_DISPLAY_TO, MC_TAG_BODY};
	struct mapi_proptag_array cols = {4, tags};
	struct rop_property_row row;
	if (us->mid_count == 0)
		return act_browse(mem_ctx, us);
	uint64_t mid = us->mids[(unsigned)rand_r(&us->u->seed) % us->mid_count];
	return mc_store_message_props(mem_ctx, us->s, &us->logon,
	                              us->logon.resp.folder_ids[MC_FOLDER_INBOX], mid, &cols, &row);
}

static int act_send(TALLOC_CTX *mem_ctx, struct user_session *us)
{
	const struct mc_load_opts *o = us->u->o;
	char to[256];
	unsigned other =
	    (us->u->index + 1 + (unsigned)rand_r(&us->u->seed) % o->sessions) % o->sessions + 1;
	user_address(to, sizeof(to), o->user_pattern, other);
	const char *rcpt[] = {to, NULL};
	struct mc_send m = {.to = rcpt,
	                    .subject = "load test message",
	                    .body = "A message of the simulated Outlook load.\r\n"};
	uint64_t mid;
	return mc_message_send(mem_ctx, us->s, &us->logon, &m, &mid);
}

static int act_wait(TALLOC_CTX *mem_ctx, struct user_session *us)
{
	uint32_t pending = 0;
	if (mc_emsmdb_notification_wait(mem_ctx, us->s, &pending) < 0)
		return -1;
	/* [MS-OXCMAPIHTTP] 3.1.5.5: an event pending is collected by an Execute */
	if ((pending & 0x1) != 0 && mc_store_collect(mem_ctx, us->s, us->handles, 2) < 0)
		return -1;
	return 0;
}

static enum action pick(struct user *u)
{
	/* Outlook-like: mostly reading, some new mail, the notification channel */
	unsigned r = (unsigned)rand_r(&u->seed) % 100;
	return r < 40 ? ACT_BROWSE : r < 70 ? ACT_READ : r < 80 ? ACT_SEND : ACT_WAIT;
}

static void *user_main(void *arg)
{
	struct user *u = arg;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct mc_session_opts so = u->o->session;
	char address[200];
	struct user_session us = {.u = u};
	unsigned consecutive = 0;
	user_address(address, sizeof(address), u->o->user_pattern, u->index + 1);
	so.user = address;
	us.s = mem != NULL ? mc_session_new(mem, &so) : NULL;
	if (us.s == NULL) {
		u->ladder_failed = true;
		snprintf(u->error, sizeof(u->error), "%s: no session", address);
		goto out;
	}
	us.s->on_exchange = on_exchange;
	us.s->on_exchange_arg = u;
	if (startup(mem, &us, address) < 0) {
		u->ladder_failed = true;
		snprintf(u->error, sizeof(u->error), "%s: %s", address, mc_session_error(us.s));
		goto out;
	}
	int (*const run[ACT_COUNT])(TALLOC_CTX *, struct user_session *) = {act_browse, act_read,
	                                                                    act_send, act_wait};
	while (now_ns() < u->deadline_ns && consecutive < 5) {
		TALLOC_CTX *tmp = talloc_new(mem);
		enum action a = pick(u);
		if (run[a](tmp, &us) == 0) {
			u->ok[a]++;
			consecutive = 0;
		} else {
			u->failed[a]++;
			consecutive++;
			if (u->error[0] == '\0')
				snprintf(u->error, sizeof(u->error), "%s %s: %s", address,
				         action_names[a], mc_session_error(us.s));
		}
		talloc_free(tmp);
		if (u->o->think_ms > 0) {
			struct timespec ts = {u->o->think_ms / 1000,
			                      (long)(u->o->think_ms % 1000) * 1000000};
			nanosleep(&ts, NULL);
		}
	}
	mc_emsmdb_disconnect(mem, us.s);
out:
	if (us.s != NULL)
		mc_session_free(&us.s);
	talloc_free(mem);
	return NULL;
}

/* VmRSS of pid in kB, or -1. */
static long rss_kb(long pid)
{
	char path[64], line[256];
	long kb = -1;
	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "VmRSS:", 6) == 0) {
			kb = strtol(line + 6, NULL, 10);
			break;
		}
	}
	fclose(f);
	return kb;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double percentile(const double *v, size_t n, double p)
{
	return n == 0 ? 0 : v[(size_t)((double)(n - 1) * p + 0.5)];
}

/* Every user's series of one type, merged and sorted. */
static void report_type(FILE *out, struct user *users, unsigned n, const char *type, double seconds)
{
	size_t total = 0, k = 0;
	unsigned errors = 0;
	for (unsigned i = 0; i < n; i++) {
		for (size_t t = 0; t < users[i].ntypes; t++) {
			if (strcmp(users[i].types[t].name, type) == 0)
				total += users[i].types[t].n;
		}
	}
	double *all = malloc((total + 1) * sizeof(double));
	if (all == NULL)
		return;
	for (unsigned i = 0; i < n; i++) {
		for (size_t t = 0; t < users[i].ntypes; t++) {
			struct series *sr = &users[i].types[t];
			if (strcmp(sr->name, type) != 0)
				continue;
			memcpy(all + k, sr->v, sr->n * sizeof(double));
			k += sr->n;
			errors += sr->errors;
		}
	}
	qsort(all, total, sizeof(double), cmp_double);
	fprintf(out, "%s_requests: %zu requests\n", type, total);
	fprintf(out, "%s_rate: %.1f req/s\n", type, (double)total / seconds);
	fprintf(out, "%s_errors: %u requests\n", type, errors);
	fprintf(out, "%s_p50: %.2f ms\n", type, percentile(all, total, 0.50));
	fprintf(out, "%s_p95: %.2f ms\n", type, percentile(all, total, 0.95));
	fprintf(out, "%s_p99: %.2f ms\n", type, percentile(all, total, 0.99));
	free(all);
}

static void report(FILE *out, const struct mc_load_opts *o, struct user *users, double seconds,
                   long rss0, long rss_max, long rss1)
{
	const char *seen[MAX_TYPES * 2];
	size_t nseen = 0, requests = 0;
	unsigned errors = 0, ladder_failed = 0, ok[ACT_COUNT] = {0}, failed[ACT_COUNT] = {0};
	for (unsigned i = 0; i < o->sessions; i++) {
		ladder_failed += users[i].ladder_failed;
		for (int a = 0; a < ACT_COUNT; a++) {
			ok[a] += users[i].ok[a];
			failed[a] += users[i].failed[a];
		}
		for (size_t t = 0; t < users[i].ntypes; t++) {
			size_t k;
			requests += users[i].types[t].n;
			errors += users[i].types[t].errors;
			for (k = 0; k < nseen && strcmp(seen[k], users[i].types[t].name) != 0; k++)
				;
			if (k == nseen && nseen < MAX_TYPES * 2)
				seen[nseen++] = users[i].types[t].name;
		}
	}
	fprintf(out, "sessions: %u users\n", o->sessions);
	fprintf(out, "duration: %.1f s\n", seconds);
	fprintf(out, "ladder_failures: %u users\n", ladder_failed);
	fprintf(out, "requests: %zu requests\n", requests);
	fprintf(out, "throughput: %.1f req/s\n", (double)requests / seconds);
	fprintf(out, "http_errors: %u requests\n", errors);
	for (int a = 0; a < ACT_COUNT; a++) {
		fprintf(out, "action_%s: %u actions\n", action_names[a], ok[a]);
		fprintf(out, "action_%s_errors: %u actions\n", action_names[a], failed[a]);
	}
	for (size_t k = 0; k < nseen; k++)
		report_type(out, users, o->sessions, seen[k], seconds);
	if (o->server_pid > 0) {
		fprintf(out, "server_rss_start: %ld kB\n", rss0);
		fprintf(out, "server_rss_max: %ld kB\n", rss_max);
		fprintf(out, "server_rss_end: %ld kB\n", rss1);
	}
	for (unsigned i = 0, shown = 0; i < o->sessions && shown < 5; i++) {
		if (users[i].error[0] != '\0') {
			fprintf(stderr, "mapiclient: load: %s\n", users[i].error);
			shown++;
		}
	}
}

int mc_load_run(const struct mc_load_opts *o, FILE *out)
{
	struct user *users = calloc(o->sessions, sizeof(*users));
	long rss0 = o->server_pid > 0 ? rss_kb(o->server_pid) : -1, rss_max = rss0;
	unsigned started = 0;
	/* libcurl's global state before any thread ([libcurl] curl_global_init) */
	struct mc_session_opts probe = o->session;
	struct mc_session *ps = mc_session_new(NULL, &probe);
	if (users == NULL || ps == NULL) {
		fprintf(stderr, "mapiclient: load: out of memory\n");
		free(users);
		return -1;
	}
	mc_session_free(&ps);
	uint64_t t0 = now_ns();
	for (unsigned i = 0; i < o->sessions; i++) {
		users[i] = (struct user){.index = i,
		                         .o = o,
		                         .seed = 0x9E3779B9u ^ i,
		                         .deadline_ns = t0 + (uint64_t)o->duration_s * 1000000000u};
		if (pthread_create(&users[i].thread, NULL, user_main, &users[i]) != 0)
			break;
		started++;
	}
	/* the server's memory, once a second, while the users run */
	while (now_ns() < t0 + (uint64_t)o->duration_s * 1000000000u) {
		struct timespec ts = {1, 0};
		nanosleep(&ts, NULL);
		long r = o->server_pid > 0 ? rss_kb(o->server_pid) : -1;
		if (r > rss_max)
			rss_max = r;
	}
	for (unsigned i = 0; i < started; i++)
		pthread_join(users[i].thread, NULL);
	double seconds = (double)(now_ns() - t0) / 1e9;
	long rss1 = o->server_pid > 0 ? rss_kb(o->server_pid) : -1;
	if (rss1 > rss_max)
		rss_max = rss1;
	struct mc_load_opts shown = *o;
	shown.sessions = started;
	report(out, &shown, users, seconds, rss0, rss_max, rss1);
	for (unsigned i = 0; i < o->sessions; i++) {
		for (size_t t = 0; t < users[i].ntypes; t++)
			free(users[i].types[t].v);
	}
	free(users);
	if (started < o->sessions) {
		fprintf(stderr, "mapiclient: load: only %u of %u threads started\n", started,
		        o->sessions);
		return -1;
	}
	return 0;
}
