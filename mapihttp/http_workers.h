/*
 * http_workers: a small fixed pool of threads for blocking work that must
 * not run on an event thread (the password KDF now; store calls later).
 * Jobs run in submission order.  Thread-safe.
 */
#ifndef HTTP_WORKERS_H
#define HTTP_WORKERS_H

#include <talloc.h>

struct http_workers;

typedef void http_work_fn(void *arg);

/* Starts count threads.  NULL on failure. */
struct http_workers *http_workers_new(TALLOC_CTX *mem_ctx, unsigned count);

/* Queues fn(arg).  0, or -1 when out of memory or stopping (the caller
 * then runs the job itself). */
int http_workers_submit(struct http_workers *w, http_work_fn *fn, void *arg);

/* Runs the jobs already queued, joins the threads, frees; sets *w NULL. */
void http_workers_free(struct http_workers **w);

#endif
