/*
 * Open-loop, Outlook-paced rounds of bench_emsmdb_http.
 *
 * N sessions (one thread, one keep-alive connection each) connect, log on,
 * check their first batch, and hold a NotificationWait on a second
 * connection, as Outlook does.  Then, for each offered load, every session
 * sends its batch at a fixed rate with a random phase: batch k of a session
 * is due at t0 + phase + k / rate whatever the answers did, and its latency
 * is counted from that due time, not from the moment it could be sent.  A
 * session whose previous answer is late sends the next batch late and that
 * delay is in the next latency (no coordinated omission: queueing in the
 * server shows in the figures).  Batches still unsent GRACE seconds after
 * the round count as unfinished, with their wait so far as latency.  The
 * *_from_send figures leave out the client's own delays (late wake-ups,
 * the previous answer): the request's time on the wire and in the server.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_emsmdb.h"
#include "mh_emsmdb.h"
#include "rop.h"

/* Outlook-like pace: one batch every 250 ms per session. */
#define PACED_RATE 4.0
#define GRACE      2.0
#define P99_TARGET 5.0 /* ms */

struct osession {
	struct session s;
	struct conn wait; /* the NotificationWait held open */
	unsigned seed;
	float *lat, *late; /* latency from the due time; send delay when idle */
	float *svc;        /* latency from the send (the client's delays out) */
	uint32_t nlat, nlate, nsvc, cap;
	uint32_t unfinished;
};

static struct {
	double t0, seconds, rate; /* rate: batches/s per session */
	bool quit;
} g_phase;

static pthread_barrier_t g_bar;

static void sleep_until(double t)
{
	struct timespec ts = {.tv_sec = (time_t)t,
	                      .tv_nsec = (long)((t - (double)(time_t)t) * 1e9)};

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) != 0)
		;
}

static int hold_wait(struct osession *o)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct mh_notification_wait_req w = {0};
	struct rop_push p;
	int ret = -1;

	o->wait.fd = -1;
	rop_push_init_growable(&p, tmp);
	if (mh_notification_wait_req_push(&p, &w) == ROP_OK && conn_open(&o->wait) == 0) {
		memcpy(o->wait.cookies, o->s.c.cookies, sizeof(o->wait.cookies));
		ret = send_request(&o->wait, "NotificationWait", p.data, p.ofs);
	}
	talloc_free(tmp);
	return ret;
}

/* One offered load: the batches due within the round, on time or late. */
static void run_phase(struct osession *o)
{
	double period = 1.0 / g_phase.rate, end = g_phase.t0 + g_phase.seconds;
	double due = g_phase.t0 + period * rand_r(&o->seed) / ((double)RAND_MAX + 1);
	double stop = end + GRACE, answered = 0;

	o->nlat = o->nlate = o->nsvc = o->unfinished = 0;
	for (; due < end && !o->s.failed; due += period) {
		double t = now();

		if (t > stop || o->nlat >= o->cap) {
			o->unfinished++;
			o->lat[o->nlat < o->cap ? o->nlat++ : o->cap - 1] = (float)(t - due);
			continue;
		}
		if (t < due) {
			sleep_until(due);
			t = now();
			if (o->nlate < o->cap)
				o->late[o->nlate++] = (float)(t - due);
		}
		if (batch_run(&o->s, &answered) < 0) {
			o->s.failed = true;
			break;
		}
		o->lat[o->nlat++] = (float)(answered - due);
		o->svc[o->nsvc++] = (float)(answered - t);
	}
}

static void *osession_thread(void *arg)
{
	struct osession *o = arg;
	TALLOC_CTX *mem = talloc_new(NULL);

	o->s.c.fd = -1;
	o->s.failed = session_begin(&o->s, mem) < 0 || hold_wait(o) < 0;
	pthread_barrier_wait(&g_bar); /* everyone connected */
	for (;;) {
		pthread_barrier_wait(&g_bar); /* a round starts */
		if (g_phase.quit)
			break;
		if (!o->s.failed)
			run_phase(o);
		pthread_barrier_wait(&g_bar); /* the round ended */
	}
	conn_close(&o->s.c);
	conn_close(&o->wait);
	talloc_free(mem);
	return NULL;
}

struct round_result {
	double p99_ms, achieved;
	uint32_t unfinished;
};

/* One offered load on n running sessions; prints its figures under name. */
static struct round_result offer(struct osession *o, unsigned n, pid_t pid, double rate,
                                 const char *name)
{
	struct round_result res = {0};
	uint32_t total = 0, ntotal_late = 0, cap = (uint32_t)(rate * g_seconds) + 2;
	double c0, self0, sw0;
	float *all, *late, *svc;
	uint32_t nsvc = 0;

	for (unsigned i = 0; i < n; i++) {
		free(o[i].lat);
		free(o[i].late);
		free(o[i].svc);
		o[i].cap = cap;
		o[i].lat = malloc(cap * sizeof(float));
		o[i].late = malloc(cap * sizeof(float));
		o[i].svc = malloc(cap * sizeof(float));
		if (o[i].lat == NULL || o[i].late == NULL || o[i].svc == NULL)
			die("out of memory");
	}
	g_phase.rate = rate;
	g_phase.seconds = g_seconds;
	g_phase.t0 = now() + 0.1;
	c0 = cpu_of(pid);
	self0 = cpu_self();
	sw0 = ctxsw_of(pid);
	pthread_barrier_wait(&g_bar);
	pthread_barrier_wait(&g_bar);
	double cpu = cpu_of(pid) - c0, self = cpu_self() - self0, sw = ctxsw_of(pid) - sw0;
	for (unsigned i = 0; i < n; i++) {
		if (o[i].s.failed)
			die("a session failed (see the daemon log)");
		total += o[i].nlat;
		ntotal_late += o[i].nlate;
		res.unfinished += o[i].unfinished;
	}
	all = malloc((total + 1) * sizeof(float));
	late = malloc((ntotal_late + 1) * sizeof(float));
	svc = malloc((total + 1) * sizeof(float));
	if (all == NULL || late == NULL || svc == NULL)
		die("out of memory");
	for (unsigned i = 0, k = 0, l = 0, m = 0; i < n; i++) {
		memcpy(all + k, o[i].lat, o[i].nlat * sizeof(float));
		memcpy(late + l, o[i].late, o[i].nlate * sizeof(float));
		memcpy(svc + m, o[i].svc, o[i].nsvc * sizeof(float));
		k += o[i].nlat;
		l += o[i].nlate;
		m += o[i].nsvc;
		nsvc += o[i].nsvc;
	}
	qsort(all, total, sizeof(float), cmp_float);
	qsort(late, ntotal_late, sizeof(float), cmp_float);
	qsort(svc, nsvc, sizeof(float), cmp_float);
	uint32_t done = total - res.unfinished;
	res.p99_ms = quantile_ms(all, total, 0.99);
	res.achieved = done / g_seconds;
	printf("%s_offered: %.0f batches/s\n", name, rate * n);
	printf("%s_completed: %.0f batches/s\n", name, res.achieved);
	printf("%s_p50: %.3f ms\n", name, quantile_ms(all, total, 0.5));
	printf("%s_p99: %.3f ms\n", name, res.p99_ms);
	printf("%s_max: %.3f ms\n", name, quantile_ms(all, total, 1.0));
	printf("%s_p50_from_send: %.3f ms\n", name, quantile_ms(svc, nsvc, 0.5));
	printf("%s_p99_from_send: %.3f ms\n", name, quantile_ms(svc, nsvc, 0.99));
	printf("%s_unfinished: %u batches\n", name, res.unfinished);
	printf("%s_server_cpu_per_batch: %.3f ms\n", name, done ? cpu / done * 1e3 : 0);
	printf("%s_client_cpu_per_batch: %.3f ms\n", name, done ? self / done * 1e3 : 0);
	printf("%s_server_context_switches_per_batch: %.2f switches\n", name, done ? sw / done : 0);
	printf("%s_client_wake_p99: %.3f ms\n", name, quantile_ms(late, ntotal_late, 0.99));
	fflush(stdout);
	free(all);
	free(late);
	free(svc);
	return res;
}

/* Offered loads rising by PACED_RATE x n until p99 passes the target or
 * the server falls behind; prints the largest load that met the target. */
static void sweep(struct osession *o, unsigned n, pid_t pid, double closed_rate)
{
	double step = PACED_RATE * n, best = 0, top = closed_rate > 0 ? closed_rate * 1.2 : 16384;
	char name[64];

	for (double load = step; load <= top; load += step) {
		snprintf(name, sizeof(name), "open_%u_sessions_sweep_%.0f", n, load);
		struct round_result r = offer(o, n, pid, load / n, name);
		if (r.p99_ms < P99_TARGET && r.unfinished == 0)
			best = load;
		if (r.p99_ms >= 4 * P99_TARGET || r.unfinished > 0 || r.achieved < 0.9 * load)
			break;
	}
	printf("open_%u_sessions_max_offered_p99_under_%.0fms: %.0f batches/s\n", n, P99_TARGET,
	       best);
	fflush(stdout);
}

static void open_round(unsigned n, pid_t pid, double closed_rate, bool paced, bool sweeping)
{
	struct osession *o = calloc(n, sizeof(*o));
	pthread_t *th = calloc(n, sizeof(*th));
	pthread_attr_t attr;
	char name[64];

	if (o == NULL || th == NULL)
		die("out of memory");
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	pthread_barrier_init(&g_bar, NULL, n + 1);
	g_phase.quit = false;
	for (unsigned i = 0; i < n; i++) {
		o[i].seed = 0x9E3779B9u * (i + 1);
		if (pthread_create(&th[i], &attr, osession_thread, &o[i]) != 0)
			die("thread");
	}
	pthread_barrier_wait(&g_bar);
	for (unsigned i = 0; i < n; i++) {
		if (o[i].s.failed)
			die("an open-loop session could not start");
	}
	if (paced) {
		snprintf(name, sizeof(name), "open_%u_sessions_paced", n);
		offer(o, n, pid, PACED_RATE, name);
		if (closed_rate > 0) {
			snprintf(name, sizeof(name), "open_%u_sessions_half_capacity", n);
			offer(o, n, pid, closed_rate / 2 / n, name);
		}
	}
	if (sweeping)
		sweep(o, n, pid, closed_rate);
	g_phase.quit = true;
	pthread_barrier_wait(&g_bar);
	for (unsigned i = 0; i < n; i++) {
		pthread_join(th[i], NULL);
		free(o[i].lat);
		free(o[i].late);
		free(o[i].svc);
		free(o[i].s.c.buf);
		free(o[i].wait.buf);
	}
	pthread_barrier_destroy(&g_bar);
	pthread_attr_destroy(&attr);
	free(o);
	free(th);
}

void open_loop_rounds(pid_t pid, const unsigned *counts, const double *closed_rate, size_t n,
                      bool paced, bool sweeping)
{
	for (size_t i = 0; i < n; i++)
		open_round(counts[i], pid, closed_rate[i], paced, sweeping && i == n - 1);
}
