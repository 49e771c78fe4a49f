/*
 * Benchmark of /mapi/emsmdb over HTTP on loopback against the real daemon
 * (plain HTTP, Basic, users provisioned with mapiadmin, one mailbox with
 * MESSAGES messages in its Inbox, daemon configuration defaults:
 * server.threads four per core, mapi.workers 4; but auth.cache_ttl 3600 s,
 * so that the Basic credential every session shares is not re-checked by
 * the password KDF in the middle of a round, see main(); the environment's
 * BENCH_EMSMDB_CACHE_TTL=S sets another).
 *
 * The batch is what Outlook sends to show a folder and preview a message:
 * one Execute of OpenFolder Inbox, GetContentsTable, SetColumns, QueryRows
 * 50, OpenMessage, GetPropertiesSpecific and three RopRelease.  Every
 * session is one thread and one keep-alive connection; it sends Connect
 * and RopLogon once, and its first answer is decoded and checked (50 rows,
 * the message's subject); every later answer is decoded too (six
 * responses, 50 rows), outside the latency.  The client runs on the same
 * machine and its CPU per batch is printed.  Modes (MODES, default all):
 *
 *   closed  N = 1, 16, 256 sessions, each sending its next batch as soon
 *           as the previous answer is in, for SECONDS: the capacity
 *           (execute_batch_sessions_N requests/s), latency p50/p99/p99.9/max
 *           (max: a password KDF in the round shows there), and the
 *           daemon's CPU per batch (its threads' schedstat, ns).  With zero
 *           think time N clients queue (Little's law): at 256 sessions the
 *           latency is N / throughput, not a service time.
 *   open    N = 1, 16, 256 sessions that each hold a NotificationWait on a
 *           second connection (as Outlook does) and send their batch at a
 *           fixed rate with a random phase, independent of the answers;
 *           latency counted from each batch's due time (no coordinated
 *           omission), at two offered loads stated in the output: paced
 *           (4 batches/s per session, open_N_sessions_paced_*) and half the
 *           closed-loop capacity at N (open_N_sessions_half_capacity_*).
 *           Also the client's wake-up lateness (the measurement's floor).
 *   sweep   at 256 sessions, offered loads rising by 1024 batches/s until
 *           p99 passes 20 ms or the server falls behind: the saturation
 *           point, and the largest load served with p99 under 5 ms.
 *   memory  the daemon's resident memory per idle session (1,000 sessions
 *           after Connect + Logon) and per waiting NotificationWait (1,000
 *           held).
 *
 * Prints `name: value unit` lines.
 *
 *   bench_emsmdb_http MAPIHTTPD MAPIADMIN [SECONDS [MODES]]
 *   (MODES: comma-separated closed,open,sweep,memory; the environment's
 *   BENCH_EMSMDB_CONFIG is added to the daemon's [mapi] section, e.g.
 *   "workers = 2"; BENCH_EMSMDB_IDLE_WAITS=N adds N idle sessions that
 *   hold a NotificationWait through every round)
 */
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bench_emsmdb.h"
#include "directory.h"
#include "log.h"
#include "mh_emsmdb.h"
#include "mh_testclient.h"
#include "rop.h"
#include "rpc_ext.h"
#include "store.h"

#define MESSAGES      300
#define IDLE_SESSIONS 1000
#define MAX_SAMPLES   (1u << 18)
#define PR_SUBJECT    PROP_TAG(PT_UNICODE, 0x0037)
#define PR_MID        PROP_TAG(PT_I8, 0x674A)

static const char *g_user_dn;
const char *g_mailbox_id, *g_auth;
unsigned g_port;
static uint64_t g_inbox, g_mid;
double g_seconds;

double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

_Noreturn void die(const char *what)
{
	fprintf(stderr, "bench_emsmdb_http: %s\n", what);
	exit(1);
}

/* ---- EMSMDB requests ---- */

static const uint32_t g_cols[] = {PR_MID,
                                  PR_SUBJECT,
                                  PROP_TAG(PT_UNICODE, 0x0C1A), /* SenderName */
                                  PROP_TAG(PT_SYSTIME, 0x0E06), /* DeliveryTime */
                                  PROP_TAG(PT_LONG, 0x0E07),    /* MessageFlags */
                                  PROP_TAG(PT_LONG, 0x0E08)};   /* MessageSize */

/* An Execute body of reqs (count) with the handle table handles. */
static int execute_body(TALLOC_CTX *mem, const struct rop_request *reqs, uint32_t count,
                        const uint32_t *handles, size_t nh, uint8_t **body_r, size_t *len_r)
{
	struct mh_execute_req req = {.flags = RPC_EXT_PUL_NOXORMAGIC, .max_rop_out = 0x40000};
	struct rop_push rops, ext, body;

	rop_push_init_growable(&rops, mem);
	rop_push_init_growable(&ext, mem);
	rop_push_init_growable(&body, mem);
	for (uint32_t i = 0; i < count; i++) {
		if (rop_push_request(&rops, &reqs[i]) != ROP_OK)
			return -1;
	}
	if (rpc_ext_encode_rop_buffer(&ext, rops.data, rops.ofs, handles, nh,
	                              RPC_EXT_ENCODE_LAST) != ROP_OK)
		return -1;
	req.rop_buffer.data = ext.data;
	req.rop_buffer.len = (uint32_t)ext.ofs;
	if (mh_execute_req_push(&body, &req) != ROP_OK)
		return -1;
	*body_r = body.data;
	*len_r = body.ofs;
	return 0;
}

/* The ROP responses of an Execute answer, decoded against reqs. */
static int execute_answer(TALLOC_CTX *mem, const uint8_t *body, size_t len,
                          const struct rop_request *reqs, uint32_t count,
                          struct rop_response *resps, uint32_t *handles_r, size_t *rops_len_r)
{
	struct mapi_proptag_array cols = {sizeof(g_cols) / 4, (uint32_t *)g_cols};
	struct mh_execute_resp resp;
	struct rpc_ext_chain chain;
	struct rop_buffer buf;
	struct rop_pull p;
	uint32_t i = 0;

	if (mh_execute_resp_pull(mem, body, len, &resp) != ROP_OK || resp.error_code != 0 ||
	    rpc_ext_decode(mem, resp.rop_buffer.data, resp.rop_buffer.len, 1 << 20, &chain) !=
	        ROP_OK ||
	    chain.count < 1 ||
	    rop_buffer_split(mem, chain.blocks[0].data, chain.blocks[0].len, &buf) != ROP_OK)
		return -1;
	if (handles_r != NULL)
		memcpy(handles_r, buf.handles, 4 * (buf.handle_count < 4 ? buf.handle_count : 4));
	*rops_len_r = buf.rops_len;
	rop_pull_init(&p, mem, buf.rops, buf.rops_len);
	for (uint32_t r = 0; r < count && rop_pull_left(&p) > 0; r++) {
		struct rop_decode_ctx ctx = {.columns = &cols};
		if (reqs[r].rop_id == ROP_ID_Release)
			continue;
		if (rop_pull_response(&p, &reqs[r], &ctx, &resps[i]) != ROP_OK ||
		    resps[i].return_value != 0)
			return -1;
		i++;
	}
	return (int)i;
}

/* Connect, then RopLogon; the Execute body of the batch built. */
static int session_start(struct session *s, TALLOC_CTX *mem)
{
	struct mh_connect_req creq = {.user_dn = (char *)g_user_dn,
	                              .default_code_page = 1252,
	                              .lcid_sort = 0x409,
	                              .lcid_string = 0x409};
	struct mh_connect_resp cresp;
	struct rop_request q = {.rop_id = ROP_ID_Logon, .output_handle = 0};
	struct rop_response r;
	uint32_t h[4] = {0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF};
	struct rop_push p;
	uint8_t *body;
	size_t len, rl;
	int ok;

	rop_push_init_growable(&p, mem);
	if (conn_open(&s->c) < 0 || mh_connect_req_push(&p, &creq) != ROP_OK ||
	    conn_post(&s->c, "Connect", p.data, p.ofs, &body, &len) < 0)
		return -1;
	ok = mh_connect_resp_pull(mem, body, len, &cresp) == ROP_OK && cresp.error_code == 0;
	free(body);
	if (!ok)
		return -1;
	q.u.logon.logon_flags = 0x01;
	q.u.logon.open_flags = 0x0100040C;
	q.u.logon.essdn = (char *)g_user_dn;
	if (execute_body(mem, &q, 1, h, 1, &body, &len) < 0)
		return -1;
	uint8_t *ans;
	size_t alen;
	if (conn_post(&s->c, "Execute", body, len, &ans, &alen) < 0)
		return -1;
	ok = execute_answer(mem, ans, alen, &q, 1, &r, h, &rl) == 1;
	free(ans);
	s->logon = h[0];
	return ok ? 0 : -1;
}

/* OpenFolder, GetContentsTable, SetColumns, QueryRows 50, OpenMessage,
 * GetPropertiesSpecific, Release x3: what Outlook sends to show a folder
 * and preview a message. */
static uint32_t batch_reqs(struct rop_request *q)
{
	static uint32_t props[] = {PR_SUBJECT, PROP_TAG(PT_UNICODE, 0x1000),
	                           PROP_TAG(PT_UNICODE, 0x0C1A), PROP_TAG(PT_SYSTIME, 0x0E06)};
	uint32_t n = 0;

	memset(q, 0, 9 * sizeof(*q));
	q[n] = (struct rop_request){
	    .rop_id = ROP_ID_OpenFolder, .input_handle = 0, .output_handle = 1};
	q[n++].u.open_folder.folder_id = g_inbox;
	q[n] = (struct rop_request){
	    .rop_id = ROP_ID_GetContentsTable, .input_handle = 1, .output_handle = 2};
	q[n++].u.get_contents_table.table_flags = 0x40;
	q[n] = (struct rop_request){.rop_id = ROP_ID_SetColumns, .input_handle = 2};
	q[n].u.set_columns.tags.count = sizeof(g_cols) / 4;
	q[n++].u.set_columns.tags.tags = (uint32_t *)g_cols;
	q[n] = (struct rop_request){.rop_id = ROP_ID_QueryRows, .input_handle = 2};
	q[n].u.query_rows.forward_read = 1;
	q[n++].u.query_rows.row_count = 50;
	q[n] = (struct rop_request){
	    .rop_id = ROP_ID_OpenMessage, .input_handle = 0, .output_handle = 3};
	q[n].u.open_message.folder_id = g_inbox;
	q[n].u.open_message.message_id = g_mid;
	q[n++].u.open_message.code_page_id = 0x0FFF;
	q[n] = (struct rop_request){.rop_id = ROP_ID_GetPropertiesSpecific, .input_handle = 3};
	q[n].u.get_properties_specific.want_unicode = 1;
	q[n].u.get_properties_specific.tags.count = 4;
	q[n++].u.get_properties_specific.tags.tags = props;
	for (uint8_t h = 3; h >= 1; h--)
		q[n++] = (struct rop_request){.rop_id = ROP_ID_Release, .input_handle = h};
	return n;
}

/* The first batch of a session, decoded and checked against the store. */
static int batch_first(struct session *s, TALLOC_CTX *mem)
{
	struct rop_request q[9];
	struct rop_response r[9];
	uint32_t n = batch_reqs(q), h[4] = {s->logon, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF};
	uint8_t *ans;
	size_t alen, rl;

	if (execute_body(mem, q, n, h, 4, &s->batch, &s->batch_len) < 0 ||
	    conn_post(&s->c, "Execute", s->batch, s->batch_len, &ans, &alen) < 0)
		return -1;
	int got = execute_answer(mem, ans, alen, q, n, r, NULL, &rl);
	free(ans);
	if (got != 6 || r[3].u.query_rows.rows.count != 50)
		return -1;
	const struct mapi_propval_array *v = &r[5].u.get_properties_specific.row.vals;
	if (v->count != 4 || v->vals[0].tag != PR_SUBJECT ||
	    strcmp(v->vals[0].v.str, "Message 0") != 0)
		return -1;
	return 0;
}

int session_begin(struct session *s, TALLOC_CTX *mem)
{
	if (session_start(s, mem) < 0) {
		fprintf(stderr, "bench_emsmdb_http: Connect or RopLogon failed\n");
		return -1;
	}
	if (batch_first(s, mem) < 0) {
		fprintf(stderr, "bench_emsmdb_http: the first batch's answer is wrong\n");
		return -1;
	}
	return 0;
}

int batch_run(struct session *s, double *answered_r)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct rop_request q[9];
	struct rop_response r[9];
	uint32_t n = batch_reqs(q);
	uint8_t *ans;
	size_t alen, rl;
	int got = -1;

	/* every answer decoded: six responses, 50 rows */
	if (conn_post(&s->c, "Execute", s->batch, s->batch_len, &ans, &alen) == 0) {
		*answered_r = now();
		got = execute_answer(tmp, ans, alen, q, n, r, NULL, &rl);
		free(ans);
	}
	if (got != 6 || r[3].u.query_rows.rows.count != 50) {
		fprintf(stderr, "bench_emsmdb_http: a batch failed\n");
		got = -1;
	}
	talloc_free(tmp);
	return got < 0 ? -1 : 0;
}

/* ---- measurement ---- */

static pthread_barrier_t g_ready;
static volatile int g_stop;

static void *session_thread(void *arg)
{
	struct session *s = arg;
	TALLOC_CTX *mem = talloc_new(NULL);

	s->c.fd = -1;
	s->failed = session_begin(s, mem) < 0;
	pthread_barrier_wait(&g_ready); /* everyone connected */
	pthread_barrier_wait(&g_ready); /* the clock started */
	while (!s->failed && !g_stop && s->nlat < MAX_SAMPLES) {
		double t0 = now(), t1;
		if (batch_run(s, &t1) < 0) {
			s->failed = true;
			break;
		}
		s->lat[s->nlat++] = (float)(t1 - t0);
	}
	conn_close(&s->c);
	talloc_free(mem);
	return NULL;
}

/* Sums a per-thread figure of pid: fn reads /proc/PID/task/TID/<file>. */
static double per_task(pid_t pid, const char *file, double (*fn)(FILE *f))
{
	char path[96];
	struct dirent *e;
	double n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	if ((d = opendir(path)) == NULL)
		die("/proc/PID/task");
	while ((e = readdir(d)) != NULL) {
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%.16s/%s", (int)pid, e->d_name, file);
		if ((f = fopen(path, "r")) == NULL)
			continue; /* the thread ended */
		n += fn(f);
		fclose(f);
	}
	closedir(d);
	return n;
}

/* schedstat: nanoseconds on a CPU, then waiting, then timeslices. */
static double task_cpu(FILE *f)
{
	unsigned long long ns = 0;

	return fscanf(f, "%llu", &ns) == 1 ? (double)ns / 1e9 : 0;
}

static double task_ctxsw(FILE *f)
{
	char buf[256];
	double n = 0;

	while (fgets(buf, sizeof(buf), f) != NULL) {
		if (strncmp(buf, "voluntary_ctxt_switches:", 24) == 0)
			n += atof(buf + 24);
		else if (strncmp(buf, "nonvoluntary_ctxt_switches:", 27) == 0)
			n += atof(buf + 27);
	}
	return n;
}

/* CPU time of every live thread of pid, to the nanosecond (the clock
 * ticks of /proc/PID/stat are 10 ms: too coarse for a few batches). */
double cpu_of(pid_t pid)
{
	return per_task(pid, "schedstat", task_cpu);
}

double ctxsw_of(pid_t pid)
{
	return per_task(pid, "status", task_ctxsw);
}

static long rss_kb(pid_t pid)
{
	char path[64], buf[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		die("/proc/PID/status");
	while (fgets(buf, sizeof(buf), f) != NULL) {
		if (strncmp(buf, "VmRSS:", 6) == 0)
			kb = atol(buf + 6);
	}
	fclose(f);
	return kb;
}

double cpu_self(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) != 0)
		die("getrusage");
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;
	return x < y ? -1 : x > y;
}

double quantile_ms(const float *sorted, size_t n, double q)
{
	size_t i = (size_t)((double)n * q);

	if (n == 0)
		return 0;
	return (double)sorted[i < n ? i : n - 1] * 1e3;
}

/* Closed loop: every session sends its next batch as soon as the previous
 * answer is in.  Returns the batches/s reached. */
static double round_of(unsigned n, pid_t pid)
{
	struct session *s = calloc(n, sizeof(*s));
	pthread_t *th = calloc(n, sizeof(*th));
	pthread_attr_t attr;
	double t0, dt, c0, self0, sw0;
	uint32_t total = 0;
	float *all;

	if (s == NULL || th == NULL)
		die("out of memory");
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	pthread_barrier_init(&g_ready, NULL, n + 1);
	g_stop = 0;
	for (unsigned i = 0; i < n; i++) {
		s[i].lat = malloc(MAX_SAMPLES * sizeof(float));
		if (s[i].lat == NULL || pthread_create(&th[i], &attr, session_thread, &s[i]) != 0)
			die("thread");
	}
	pthread_barrier_wait(&g_ready);
	c0 = cpu_of(pid);
	self0 = cpu_self();
	sw0 = ctxsw_of(pid);
	t0 = now();
	pthread_barrier_wait(&g_ready);
	usleep((useconds_t)(g_seconds * 1e6));
	g_stop = 1;
	dt = now() - t0;
	double cpu = cpu_of(pid) - c0, sw = ctxsw_of(pid) - sw0;
	for (unsigned i = 0; i < n; i++) {
		pthread_join(th[i], NULL);
		if (s[i].failed)
			die("a session failed (see the daemon log)");
		total += s[i].nlat;
	}
	double self = cpu_self() - self0;
	all = malloc((total ? total : 1) * sizeof(float));
	if (all == NULL)
		die("out of memory");
	for (unsigned i = 0, k = 0; i < n; i++) {
		memcpy(all + k, s[i].lat, s[i].nlat * sizeof(float));
		k += s[i].nlat;
		free(s[i].lat);
		free(s[i].c.buf);
	}
	qsort(all, total, sizeof(float), cmp_float);
	printf("execute_batch_sessions_%u: %.0f requests/s\n", n, total / dt);
	printf("execute_batch_p50_sessions_%u: %.3f ms\n", n, quantile_ms(all, total, 0.5));
	printf("execute_batch_p99_sessions_%u: %.3f ms\n", n, quantile_ms(all, total, 0.99));
	printf("execute_batch_p999_sessions_%u: %.3f ms\n", n, quantile_ms(all, total, 0.999));
	printf("execute_batch_max_sessions_%u: %.3f ms\n", n, quantile_ms(all, total, 1.0));
	printf("server_cpu_per_batch_sessions_%u: %.3f ms\n", n, total ? cpu / total * 1e3 : 0);
	printf("client_cpu_per_batch_sessions_%u: %.3f ms\n", n, total ? self / total * 1e3 : 0);
	printf("server_context_switches_per_batch_sessions_%u: %.2f switches\n", n,
	       total ? sw / total : 0);
	fflush(stdout);
	free(all);
	free(s);
	free(th);
	pthread_barrier_destroy(&g_ready);
	pthread_attr_destroy(&attr);
	return total / dt;
}

/* 1,000 idle sessions (Connect + Logon, connection closed), then a
 * NotificationWait held on each. */
static void memory_of_sessions(pid_t pid)
{
	struct session *s = calloc(IDLE_SESSIONS, sizeof(*s));
	TALLOC_CTX *mem = talloc_new(NULL);
	struct mh_notification_wait_req w = {0};
	struct rop_push p;
	long r0, r1, r2;

	if (s == NULL)
		die("out of memory");
	sleep(1);
	r0 = rss_kb(pid);
	for (unsigned i = 0; i < IDLE_SESSIONS; i++) {
		s[i].c.fd = -1;
		if (session_start(&s[i], mem) < 0)
			die("idle session");
		conn_close(&s[i].c);
	}
	sleep(1);
	r1 = rss_kb(pid);
	printf("rss_per_idle_session: %.1f KiB\n", (double)(r1 - r0) / IDLE_SESSIONS);
	rop_push_init_growable(&p, mem);
	if (mh_notification_wait_req_push(&p, &w) != ROP_OK)
		die("NotificationWait body");
	for (unsigned i = 0; i < IDLE_SESSIONS; i++) {
		if (conn_open(&s[i].c) < 0 ||
		    send_request(&s[i].c, "NotificationWait", p.data, p.ofs) < 0)
			die("NotificationWait");
	}
	sleep(2);
	r2 = rss_kb(pid);
	printf("rss_per_notification_wait: %.1f KiB\n", (double)(r2 - r1) / IDLE_SESSIONS);
	for (unsigned i = 0; i < IDLE_SESSIONS; i++) {
		conn_close(&s[i].c);
		free(s[i].c.buf);
	}
	free(s);
	talloc_free(mem);
}

/* BENCH_EMSMDB_IDLE_WAITS=N: N more sessions (Connect + Logon) that each
 * hold a NotificationWait through every round, as the idle Outlook clients
 * of a server do; their connections stay open and suspended. */
static struct conn *idle_waits_hold(TALLOC_CTX *mem, unsigned n)
{
	struct conn *w = talloc_zero_array(mem, struct conn, n);
	struct mh_notification_wait_req req = {0};
	struct session s;
	struct rop_push p;

	rop_push_init_growable(&p, mem);
	if (w == NULL || mh_notification_wait_req_push(&p, &req) != ROP_OK)
		die("idle waits");
	for (unsigned i = 0; i < n; i++) {
		memset(&s, 0, sizeof(s));
		s.c.fd = -1;
		if (session_start(&s, mem) < 0)
			die("idle wait session");
		conn_close(&s.c);
		w[i].fd = -1;
		memcpy(w[i].cookies, s.c.cookies, sizeof(w[i].cookies));
		free(s.c.buf);
		if (conn_open(&w[i]) < 0 ||
		    send_request(&w[i], "NotificationWait", p.data, p.ofs) < 0)
			die("idle wait");
	}
	printf("idle_sessions_holding_notification_wait: %u sessions\n", n);
	return w;
}

/* ---- setup ---- */

static void provision(TALLOC_CTX *mem, const char *mapiadmin, const char *dir)
{
	struct mht_user alice = {
	    .address = "alice@x.test", .name = "Alice Example", .password = "alice-pw"};
	struct directory *d;
	struct dir_user *u;
	struct store *st;
	struct store_mailbox *mb;
	const char *error = NULL;

	if (mht_provision(mem, mapiadmin, dir, &alice, 1) < 0 ||
	    directory_open(mem, dir, &d, &error) < 0 ||
	    directory_user_by_address(d, mem, "alice@x.test", &u, &error) != 1)
		die("provision");
	g_user_dn = alice.legacy_dn;
	g_mailbox_id = alice.mailbox_id;
	if (store_open(mem, dir, NULL, &st, &error) < 0 ||
	    store_mailbox_open(mem, st, &u->mailbox_guid, &mb, &error) != 0)
		die(error != NULL ? error : "store");
	g_inbox = store_special_fid(mb, STORE_FOLDER_INBOX);
	for (unsigned i = 0; i < MESSAGES; i++) {
		struct store_message *m;
		char subject[32], body[600];
		struct mapi_propval v[5] = {{.tag = PR_SUBJECT},
		                            {.tag = PROP_TAG(PT_UNICODE, 0x1000)},
		                            {.tag = PROP_TAG(PT_UNICODE, 0x0C1A)},
		                            {.tag = PROP_TAG(PT_SYSTIME, 0x0E06)},
		                            {.tag = PROP_TAG(PT_LONG, 0x0E07)}};
		struct mapi_propval_array vals = {5, v};

		snprintf(subject, sizeof(subject), "Message %u", i);
		memset(body, 'x', sizeof(body) - 1);
		body[sizeof(body) - 1] = '\0';
		v[0].v.str = subject;
		v[1].v.str = body;
		v[2].v.str = (char *)"Bob Example";
		v[3].v.ft = 133000000000000000ULL + i * 10000000ULL;
		v[4].v.i32 = 1;
		if (store_message_create(mem, mb, g_inbox, false, &m) != 0 ||
		    store_message_set_props(m, &vals) != 0 || store_message_save(m, false) != 0)
			die("message");
		if (i == 0)
			g_mid = store_message_mid(m);
		store_message_close(&m);
	}
	store_mailbox_close(&mb);
	store_close(&st);
	directory_close(&d);
}

static bool has_mode(const char *modes, const char *m)
{
	size_t n = strlen(m);

	for (const char *p = modes; (p = strstr(p, m)) != NULL; p += n) {
		if ((p == modes || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return true;
	}
	return false;
}

int main(int argc, char **argv)
{
	static const unsigned rounds[] = {1, 16, 256};
	double closed[3] = {0, 0, 0};
	TALLOC_CTX *root = talloc_new(NULL);
	const char *modes, *extra;
	struct conn *idle = NULL;
	char *config;
	unsigned ttl;
	struct mht_daemon d;
	struct rlimit rl;
	char *dir;

	if (argc < 3)
		die("usage: bench_emsmdb_http MAPIHTTPD MAPIADMIN [SECONDS [MODES]]");
	g_seconds = argc > 3 ? atof(argv[3]) : 5;
	modes = argc > 4 ? argv[4] : "closed,open,sweep,memory";
	if (g_seconds <= 0 || g_seconds > 60)
		die("SECONDS: 0 to 60");
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	log_set_level(LOG_LEVEL_WARN);
	dir = mht_tempdir(root);
	provision(root, argv[2], dir);
	/* Every session is alice with Basic.  Her cached credential is
	 * re-verified in the background when it expires (auth.cache_ttl), one
	 * password KDF (argon2, tens of ms of a core) in whichever round holds
	 * that moment: the CPU counts in that round.  This measures Execute, so
	 * the entry lives through the run unless BENCH_EMSMDB_CACHE_TTL says
	 * otherwise (seconds, to see the expiries).  BENCH_EMSMDB_CONFIG: extra
	 * daemon keys, e.g. "workers = 2" (in [mapi]). */
	extra = getenv("BENCH_EMSMDB_CONFIG");
	ttl = getenv("BENCH_EMSMDB_CACHE_TTL") != NULL
	          ? (unsigned)atoi(getenv("BENCH_EMSMDB_CACHE_TTL"))
	          : 3600;
	config = talloc_asprintf(root,
	                         "[server]\nlog_level = warn\n[auth]\ncache_ttl = %u\n"
	                         "[mapi]\nnotification_wait = 600\n%s\n",
	                         ttl, extra != NULL ? extra : "");
	printf("daemon_auth_cache_ttl: %u s\n", ttl);
	if (extra != NULL)
		printf("daemon_config_extra: \"%s\"\n", extra);
	if (config == NULL || mht_daemon_start(root, argv[1], dir, config, &d) < 0)
		die("daemon");
	g_port = d.port;
	g_auth = mht_client_new(root, d.port, "alice@x.test", "alice-pw")->auth;
	printf("messages_in_inbox: %u messages\n", MESSAGES);
	printf("cores_online: %ld cores\n", sysconf(_SC_NPROCESSORS_ONLN));
	{
		/* what the daemon spends doing nothing (timers, event threads) */
		double c0 = cpu_of(d.pid);
		sleep(2);
		printf("server_idle_cpu: %.3f ms/s\n", (cpu_of(d.pid) - c0) / 2 * 1e3);
	}
	if (getenv("BENCH_EMSMDB_IDLE_WAITS") != NULL)
		idle = idle_waits_hold(root, (unsigned)atoi(getenv("BENCH_EMSMDB_IDLE_WAITS")));
	for (unsigned i = 0; has_mode(modes, "closed") && i < 3; i++)
		closed[i] = round_of(rounds[i], d.pid);
	if (has_mode(modes, "open") || has_mode(modes, "sweep"))
		open_loop_rounds(d.pid, rounds, closed, 3, has_mode(modes, "open"),
		                 has_mode(modes, "sweep"));
	if (has_mode(modes, "memory"))
		memory_of_sessions(d.pid);
	for (unsigned i = 0; idle != NULL && i < talloc_array_length(idle); i++) {
		conn_close(&idle[i]);
		free(idle[i].buf);
	}
	if (mht_daemon_stop(&d) != 0)
		die("daemon stop");
	char *cmd = talloc_asprintf(root, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	talloc_free(root);
	return 0;
}
