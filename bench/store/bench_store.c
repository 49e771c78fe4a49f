/*
 * Store benchmark (meson benchmark suite 'store'): a mailbox of N messages
 * (default 100,000; BENCH_STORE_MESSAGES overrides) of about 20 KB with
 * realistic properties.  Prints "name: value unit" lines.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "store.h"

#define PR_SUBJECT      PROP_TAG(PT_UNICODE, 0x0037)
#define PR_BODY         PROP_TAG(PT_UNICODE, 0x1000)
#define PR_CLASS        PROP_TAG(PT_UNICODE, 0x001A)
#define PR_DELIVERY     PROP_TAG(PT_SYSTIME, 0x0E06)
#define PR_SUBMIT       PROP_TAG(PT_SYSTIME, 0x0039)
#define PR_IMPORTANCE   PROP_TAG(PT_LONG, 0x0017)
#define PR_SENDER_NAME  PROP_TAG(PT_UNICODE, 0x0C1A)
#define PR_SENDER_EMAIL PROP_TAG(PT_UNICODE, 0x0C1F)
#define PR_DISPLAY_TO   PROP_TAG(PT_UNICODE, 0x0E04)
#define PR_MSGID        PROP_TAG(PT_UNICODE, 0x1035)
#define PR_HEADERS      PROP_TAG(PT_UNICODE, 0x007D)
#define PR_CONV_INDEX   PROP_TAG(PT_BINARY, 0x0071)
#define PR_MID          PROP_TAG(PT_I8, 0x674A)
#define PR_DISPLAY_NAME PROP_TAG(PT_UNICODE, 0x3001)
#define PR_EMAIL        PROP_TAG(PT_UNICODE, 0x3003)

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

enum { BODY_LEN = 18000, CORPUS_LEN = 1 << 20 };
/* Bodies are 18,000-byte windows of a 1 MiB corpus of real English prose:
 * the licence texts every Debian system has (/usr/share/common-licenses),
 * which LZ4 compresses about 1.7x like plain mail text.  Without them, a
 * pseudo-English corpus (4,000 random words, Zipf-like frequencies) that
 * compresses worse than real text. */
static char *corpus;
static uint64_t property_bytes; /* payload bytes of every saved value */
static char headers[1200];
static uint8_t conv[22];

static struct store_message *make_message(struct store_mailbox *mbox, uint64_t fid, int i)
{
	struct store_message *msg;
	char subject[80], msgid[80];
	snprintf(subject, sizeof(subject), "Re: project status update %d (%c)", i * 7919 % 100000,
	         'A' + i % 26);
	snprintf(msgid, sizeof(msgid), "<%d.%d@example.org>", i, i * 31);
	uint64_t t = 133000000000000000ULL + (uint64_t)i * 600000000ULL;
	struct mapi_propval v[12];
	memset(v, 0, sizeof(v));
	v[0].tag = PR_SUBJECT, v[0].v.str = subject;
	uint32_t at = (uint32_t)((uint64_t)i * 2654435761u % (CORPUS_LEN - BODY_LEN - 1));
	char saved = corpus[at + BODY_LEN];
	corpus[at + BODY_LEN] = '\0';
	v[1].tag = PR_BODY, v[1].v.str = corpus + at;
	v[2].tag = PR_CLASS, v[2].v.str = (char *)"IPM.Note";
	v[3].tag = PR_DELIVERY, v[3].v.ft = t;
	v[4].tag = PR_SUBMIT, v[4].v.ft = t - 10000000;
	v[5].tag = PR_IMPORTANCE, v[5].v.i32 = i % 3;
	v[6].tag = PR_SENDER_NAME, v[6].v.str = (char *)"Alice Example";
	v[7].tag = PR_SENDER_EMAIL, v[7].v.str = (char *)"alice@example.org";
	v[8].tag = PR_DISPLAY_TO, v[8].v.str = (char *)"Bob Example; Carol Example";
	v[9].tag = PR_MSGID, v[9].v.str = msgid;
	v[10].tag = PR_HEADERS, v[10].v.str = headers;
	v[11].tag = PR_CONV_INDEX, v[11].v.bin.len = 22, v[11].v.bin.data = conv;
	struct mapi_propval_array vals = {12, v};
	struct mapi_propval r[2][2] = {
	    {{.tag = PR_DISPLAY_NAME, .v.str = (char *)"Bob Example"},
	     {.tag = PR_EMAIL, .v.str = (char *)"bob@example.org"}},
	    {{.tag = PR_DISPLAY_NAME, .v.str = (char *)"Carol Example"},
	     {.tag = PR_EMAIL, .v.str = (char *)"carol@example.org"}},
	};
	struct mapi_propval_array rows[2] = {{2, r[0]}, {2, r[1]}};
	uint64_t bytes = 3 * 8 + 4 + 22;
	for (int k = 0; k < 12; k++) {
		if (PROP_TYPE(v[k].tag) == PT_UNICODE)
			bytes += strlen(v[k].v.str);
	}
	for (int k = 0; k < 4; k++)
		bytes += strlen(r[k / 2][k % 2].v.str);
	__atomic_fetch_add(&property_bytes, bytes, __ATOMIC_RELAXED);
	uint32_t ids[2] = {0, 1};
	if (store_message_create(NULL, mbox, fid, false, &msg) != 0 ||
	    store_message_set_props(msg, &vals) != 0 ||
	    store_message_modify_recipients(msg, 2, ids, rows) != 0)
		abort();
	corpus[at + BODY_LEN] = saved;
	return msg;
}

enum { SESSIONS = 16, PER_SESSION = 100 };

struct sess_arg {
	struct store_mailbox *mbox;
	uint64_t fid;
	int first;
};

static void *session(void *p)
{
	struct sess_arg *a = p;
	for (int i = 0; i < PER_SESSION; i++) {
		struct store_message *msg = make_message(a->mbox, a->fid, a->first + i);
		if (store_message_save(msg, false) != 0)
			abort();
		store_message_close(&msg);
	}
	return NULL;
}

static uint32_t rnd(uint64_t *x)
{
	*x ^= *x << 13, *x ^= *x >> 7, *x ^= *x << 17;
	return (uint32_t)(*x >> 11);
}

/* Fills the corpus from the licence texts; the bytes filled. */
static size_t corpus_from_licences(void)
{
	static const char *const files[] = {"GPL-3",   "Apache-2.0", "GFDL-1.3", "LGPL-3",
	                                    "MPL-2.0", "Artistic",   "CC0-1.0",  "GPL-2"};
	size_t o = 0;
	for (int round = 0; o < CORPUS_LEN && round < 200; round++) {
		size_t before = o;
		for (size_t i = 0; i < sizeof(files) / sizeof(files[0]) && o < CORPUS_LEN; i++) {
			char path[128];
			snprintf(path, sizeof(path), "/usr/share/common-licenses/%s", files[i]);
			FILE *f = fopen(path, "rb");
			if (f == NULL)
				continue;
			o += fread(corpus + o, 1, CORPUS_LEN - o, f);
			fclose(f);
		}
		if (o == before)
			break;
	}
	return o;
}

static void fill_text(void)
{
	enum { VOCAB = 4000 };
	static char words[VOCAB][12];
	uint64_t x = 0x9E3779B97F4A7C15ULL;
	for (int w = 0; w < VOCAB; w++) {
		int len = 2 + (int)(rnd(&x) % 9);
		for (int k = 0; k < len; k++)
			words[w][k] = (char)('a' + rnd(&x) % 26);
		words[w][len] = 0;
	}
	corpus = malloc(CORPUS_LEN + 1);
	size_t o = corpus_from_licences();
	printf("body_text: %s\n", o == CORPUS_LEN ? "English licence texts" : "pseudo-English");
	if (o < CORPUS_LEN)
		o = 0;
	/* ASCII only, so a window never splits a UTF-8 sequence. */
	for (size_t i = 0; i < o; i++) {
		if ((unsigned char)corpus[i] >= 0x80 || corpus[i] == '\0')
			corpus[i] = ' ';
	}
	while (o < CORPUS_LEN - 40) {
		/* Zipf-like: small ranks far more often. */
		uint32_t r = rnd(&x) % VOCAB;
		r = r * (rnd(&x) % VOCAB) / VOCAB;
		uint32_t p = rnd(&x) % 100;
		if (p < 3)
			o += (size_t)snprintf(corpus + o, 40, "%u ", rnd(&x) % 100000);
		o += (size_t)snprintf(corpus + o, 40, "%s%s", words[r],
		                      p < 8    ? ". "
		                      : p < 12 ? ", "
		                      : p < 14 ? "\r\n"
		                               : " ");
	}
	memset(corpus + o, ' ', CORPUS_LEN - o);
	corpus[CORPUS_LEN] = 0;
	o = 0;
	for (int i = 0; o < sizeof(headers) - 60; i++)
		o += (size_t)snprintf(headers + o, sizeof(headers) - o,
		                      "Received: from mx%d.example.org by mail.example.org\r\n", i);
	for (int i = 0; i < 22; i++)
		conv[i] = (uint8_t)(i * 13);
}

/* fdatasync latency of this file system: the floor of one durable commit. */
static double fsync_ms(const char *dir)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/fsync-probe", dir);
	FILE *f = fopen(path, "w");
	char block[4096] = {1};
	if (f == NULL)
		return -1;
	double t0 = now();
	for (int i = 0; i < 50; i++) {
		if (fwrite(block, 1, sizeof(block), f) != sizeof(block) || fflush(f) != 0 ||
		    fdatasync(fileno(f)) != 0)
			break;
	}
	double t = (now() - t0) / 50 * 1e3;
	fclose(f);
	unlink(path);
	return t;
}

/* kB values of /proc/self/status lines. */
static long status_kb(const char *key)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long v = -1;
	size_t kl = strlen(key);
	while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, key, kl) == 0 && line[kl] == ':')
			v = strtol(line + kl + 1, NULL, 10);
	}
	if (f != NULL)
		fclose(f);
	return v;
}

static long peak_anon_kb;
static void sample_anon(void)
{
	long a = status_kb("RssAnon");
	if (a > peak_anon_kb)
		peak_anon_kb = a;
}

/* Touches n messages (half read flags, half property changes) and times
 * the enumeration of what changed since before. */
static void changes_after(struct store_mailbox *mbox, uint64_t inbox, uint32_t n)
{
	struct store_changes *ch;
	if (store_changes_since(NULL, mbox, inbox, STORE_ICS_NORMAL, NULL, NULL, &ch) != 0)
		abort();
	struct store_globcnt_range rg = {1, ch->max_cn};
	struct store_cnset seen = {1, &rg};
	uint64_t *touch = calloc(n, sizeof(*touch));
	for (uint32_t i = 0; i < n; i++)
		touch[i] = ch->changed[(uint64_t)i * (ch->changed_count / n)];
	talloc_free(ch);
	if (store_messages_set_read(mbox, inbox, touch, n / 2, true) != 0)
		abort();
	for (uint32_t i = n / 2; i < n; i++) {
		struct store_message *msg;
		struct mapi_propval v = {.tag = PR_IMPORTANCE, .v.i32 = 2};
		struct mapi_propval_array vals = {1, &v};
		if (store_message_open(NULL, mbox, inbox, touch[i], &msg) != 0 ||
		    store_message_set_props(msg, &vals) != 0 || store_message_save(msg, false) != 0)
			abort();
		store_message_close(&msg);
	}
	double t0 = now();
	if (store_changes_since(NULL, mbox, inbox, STORE_ICS_NORMAL, &seen, &seen, &ch) != 0)
		abort();
	double t1 = now();
	printf("changes_after_touching_%u: %.3f ms (%u changed, %u read)\n", n, (t1 - t0) * 1e3,
	       ch->changed_count, ch->read_count);
	talloc_free(ch);
	free(touch);
}

int main(void)
{
	const char *error = NULL;
	const char *env = getenv("BENCH_STORE_MESSAGES");
	int total = env ? atoi(env) : 100000;
	char tmpl[] = "/tmp/store-bench-XXXXXX";
	if (mkdtemp(tmpl) == NULL)
		return 1;
	fill_text();
	setvbuf(stdout, NULL, _IOLBF, 0);
	struct store *store;
	struct store_mailbox *mbox;
	/* BENCH_STORE_LZ4=1: large values LZ4-compressed, for comparison. */
	const char *lz4 = getenv("BENCH_STORE_LZ4");
	struct store_settings s = {.mapsize = 64ULL << 30, .compress_chunks = lz4 && *lz4 == '1'};
	printf("chunks: %s\n", s.compress_chunks ? "LZ4" : "raw");
	struct store_mailbox_params p = {.owner_name = "Bench"};
	memset(p.mailbox_guid.b, 0x42, 16);
	if (store_open(NULL, tmpl, &s, &store, &error) != 0 ||
	    store_mailbox_create(store, &p, &error) != 0 ||
	    store_mailbox_open(NULL, store, &p.mailbox_guid, &mbox, &error) != 0) {
		fprintf(stderr, "setup: %s\n", error ? error : "?");
		return 1;
	}
	uint64_t inbox = store_special_fid(mbox, STORE_FOLDER_INBOX);
	printf("fsync_latency: %.2f ms (one fdatasync of a 4 KiB write here)\n", fsync_ms(tmpl));
	/* Durable single-message commits. */
	int single = total < 5000 ? total / 10 : 500;
	double t0 = now();
	for (int i = 0; i < single; i++) {
		struct store_message *msg = make_message(mbox, inbox, i);
		if (store_message_save(msg, false) != 0)
			abort();
		store_message_close(&msg);
	}
	double t1 = now();
	printf("durable_single_commits: %.0f messages/s\n", single / (t1 - t0));
	sample_anon();
	/* Durable commits from 16 concurrent sessions, one message per save:
	 * the store groups what arrives together into one fsync. */
	struct sess_arg args[SESSIONS];
	pthread_t th[SESSIONS];
	t0 = now();
	for (int k = 0; k < SESSIONS; k++) {
		args[k] = (struct sess_arg){mbox, inbox, single + k * PER_SESSION};
		pthread_create(&th[k], NULL, session, &args[k]);
	}
	for (int k = 0; k < SESSIONS; k++)
		pthread_join(th[k], NULL);
	t1 = now();
	printf("durable_single_commits_16_sessions: %.0f messages/s\n",
	       SESSIONS * PER_SESSION / (t1 - t0));
	single += SESSIONS * PER_SESSION;
	/* Batched: 1000 messages per durable commit. */
	enum { BATCH = 1000 };
	struct store_message *batch[BATCH];
	int done = single;
	t0 = now();
	while (done < total) {
		int n = total - done < BATCH ? total - done : BATCH;
		for (int i = 0; i < n; i++)
			batch[i] = make_message(mbox, inbox, done + i);
		if (store_messages_save(batch, (uint32_t)n) != 0)
			abort();
		for (int i = 0; i < n; i++)
			store_message_close(&batch[i]);
		done += n;
	}
	t1 = now();
	printf("batched_commits: %.0f messages/s\n", (total - single) / (t1 - t0));
	sample_anon();
	/* Contents table sorted by delivery time, first 50 rows. */
	uint32_t cols[6] = {PR_MID,         PR_SUBJECT,    PR_DELIVERY,
	                    PR_SENDER_NAME, PR_IMPORTANCE, PROP_TAG(PT_LONG, 0x0E07)};
	struct mapi_proptag_array ca = {6, cols};
	struct mapi_sort_order so = {PR_DELIVERY, TABLE_SORT_DESCEND};
	struct mapi_sort_order_set ss = {1, 0, 0, &so};
	struct store_table *t;
	struct mapi_propval_array *rows;
	uint32_t n;
	t0 = now();
	if (store_table_open(NULL, mbox, inbox, STORE_TABLE_CONTENTS, 0, &t) != 0 ||
	    store_table_set_columns(t, &ca) != 0 || store_table_sort(t, &ss) != 0 ||
	    store_table_query_rows(NULL, t, 50, true, &rows, &n) != 0 || n != 50)
		abort();
	t1 = now();
	printf("sorted_table_first_50_rows: %.3f ms\n", (t1 - t0) * 1e3);
	talloc_free(rows);
	/* Sort on an unindexed column. */
	struct mapi_sort_order so2 = {PR_SUBJECT, TABLE_SORT_ASCEND};
	struct mapi_sort_order_set ss2 = {1, 0, 0, &so2};
	t0 = now();
	if (store_table_sort(t, &ss2) != 0 ||
	    store_table_query_rows(NULL, t, 50, true, &rows, &n) != 0 || n != 50)
		abort();
	t1 = now();
	printf("sort_unindexed_%d: %.1f ms\n", total, (t1 - t0) * 1e3);
	talloc_free(rows);
	/* Restrict on an unindexed column. */
	struct mapi_restriction r = {.rt = RES_CONTENT};
	r.u.content.fuzzy_level = FL_SUBSTRING | FL_IGNORECASE;
	r.u.content.proptag = PR_SUBJECT;
	r.u.content.val.tag = PR_SUBJECT;
	r.u.content.val.v.str = (char *)"(q)";
	uint32_t pos, count;
	store_table_sort(t, &(struct mapi_sort_order_set){0, 0, 0, NULL});
	t0 = now();
	if (store_table_restrict(t, &r) != 0 || store_table_position(t, &pos, &count) != 0)
		abort();
	t1 = now();
	printf("restrict_unindexed_%d: %.1f ms (%u rows)\n", total, (t1 - t0) * 1e3, count);
	sample_anon();
	store_table_close(&t);
	/* Change enumeration: proportional to the changes, not the folder. */
	double t0c = now();
	struct store_changes *all;
	if (store_changes_since(NULL, mbox, inbox, STORE_ICS_NORMAL, NULL, NULL, &all) != 0)
		abort();
	printf("changes_full_enumeration: %.3f ms (%u changed)\n", (now() - t0c) * 1e3,
	       all->changed_count);
	talloc_free(all);
	changes_after(mbox, inbox, 10);
	changes_after(mbox, inbox, 100);
	changes_after(mbox, inbox, 1000);
	sample_anon();
	/* Disk use per byte of property data. */
	struct store_mailbox_info *info;
	if (store_mailbox_info(NULL, mbox, &info) != 0)
		abort();
	printf("property_bytes: %.1f MB\n", property_bytes / 1e6);
	printf("disk_bytes: %.1f MB\n", info->disk_bytes / 1e6);
	printf("disk_per_property_byte: %.2f ratio\n",
	       (double)info->disk_bytes / (double)property_bytes);
	talloc_free(info);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	/* ru_maxrss counts the pages of the LMDB map the process touched
	 * (file-backed page cache); the heap is RssAnon. */
	printf("peak_rss: %.1f MB\n", ru.ru_maxrss / 1024.0);
	printf("peak_rss_anon: %.1f MB (heap, sampled after each phase)\n", peak_anon_kb / 1024.0);
	printf("rss_file_now: %.1f MB (mapped mailbox file)\n", status_kb("RssFile") / 1024.0);
	store_mailbox_close(&mbox);
	store_close(&store);
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpl);
	return system(cmd) == 0 ? 0 : 1;
}
