/* Shared between the parts of bench_emsmdb_http: the HTTP client
 * (bench_emsmdb_conn.c), setup and closed-loop rounds (bench_emsmdb_http.c)
 * and the open-loop, paced rounds (bench_emsmdb_open.c). */
#ifndef BENCH_EMSMDB_H
#define BENCH_EMSMDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <talloc.h>

/* One keep-alive HTTP/1.1 connection and a session's cookies. */
struct conn {
	int fd;
	char cookies[512]; /* "MapiContext=..; MapiSequence=.." */
	unsigned request_id;
	char *buf;
	size_t len, off, cap;
};

/* A Connect + RopLogon session and the Execute body of its batch. */
struct session {
	struct conn c;
	uint32_t logon;
	uint8_t *batch; /* the Execute body of the batch, constant per session */
	size_t batch_len;
	float *lat;
	uint32_t nlat;
	bool failed;
};

extern double g_seconds;
/* The daemon's port, the Authorization header value and the MailboxId. */
extern unsigned g_port;
extern const char *g_auth, *g_mailbox_id;

double now(void);
_Noreturn void die(const char *what);
int conn_open(struct conn *c);
void conn_close(struct conn *c);
/* Sends one POST to /mapi/emsmdb/ with the connection's cookies
 * (bench_emsmdb_conn.c). */
int send_request(struct conn *c, const char *type, const uint8_t *body, size_t len);
/* One request and its answer's body after the framing (malloc'd); -1
 * unless X-ResponseCode is 0. */
int conn_post(struct conn *c, const char *type, const uint8_t *req, size_t req_len,
              uint8_t **body_r, size_t *len_r);
/* Connect, RopLogon, and the first batch decoded and checked against the
 * store (50 rows, the message's subject). */
int session_begin(struct session *s, TALLOC_CTX *mem);
/* Sends the batch and reads the answer; *answered_r is the time the whole
 * answer was in (before decoding).  Then every answer is decoded: six
 * responses, 50 rows.  0 / -1. */
int batch_run(struct session *s, double *answered_r);
/* CPU seconds of pid's live threads (schedstat), and of this process. */
double cpu_of(pid_t pid);
double cpu_self(void);
/* Context switches of every thread of pid, voluntary or not. */
double ctxsw_of(pid_t pid);
int cmp_float(const void *a, const void *b);
/* The sample at quantile q of n sorted samples, in milliseconds. */
double quantile_ms(const float *sorted, size_t n, double q);

/* Open-loop rounds at counts[i] sessions; closed_rate[i] is the
 * closed-loop batches/s measured at the same count (0: not measured).
 * paced: the Outlook-paced rate and half the closed-loop capacity; sweep:
 * rising offered loads at the largest count. */
void open_loop_rounds(pid_t pid, const unsigned *counts, const double *closed_rate, size_t n,
                      bool paced, bool sweep);

#endif
