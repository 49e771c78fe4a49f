#include "http_workers.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

struct work_item {
	struct work_item *next;
	http_work_fn *fn;
	void *arg;
};

struct http_workers {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct work_item *head, *tail;
	bool stopping;
	unsigned count;
	pthread_t *threads;
};

static void *worker_main(void *arg)
{
	struct http_workers *w = arg;

	for (;;) {
		struct work_item *item;

		pthread_mutex_lock(&w->lock);
		while (w->head == NULL && !w->stopping)
			pthread_cond_wait(&w->cond, &w->lock);
		item = w->head;
		if (item == NULL) {
			pthread_mutex_unlock(&w->lock);
			return NULL; /* stopping and drained */
		}
		w->head = item->next;
		if (w->head == NULL)
			w->tail = NULL;
		pthread_mutex_unlock(&w->lock);
		item->fn(item->arg);
		free(item);
	}
}

struct http_workers *http_workers_new(TALLOC_CTX *mem_ctx, unsigned count)
{
	struct http_workers *w = talloc_zero(mem_ctx, struct http_workers);

	if (w == NULL)
		return NULL;
	w->threads = talloc_zero_array(w, pthread_t, count);
	if (w->threads == NULL) {
		talloc_free(w);
		return NULL;
	}
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	for (; w->count < count; w->count++) {
		if (pthread_create(&w->threads[w->count], NULL, worker_main, w) != 0)
			break;
	}
	if (w->count == 0) {
		http_workers_free(&w);
		return NULL;
	}
	return w;
}

int http_workers_submit(struct http_workers *w, http_work_fn *fn, void *arg)
{
	/* malloc, not talloc: items are freed on worker threads. */
	struct work_item *item = malloc(sizeof(*item));

	if (item == NULL)
		return -1;
	item->next = NULL;
	item->fn = fn;
	item->arg = arg;
	pthread_mutex_lock(&w->lock);
	if (w->stopping) {
		pthread_mutex_unlock(&w->lock);
		free(item);
		return -1;
	}
	if (w->tail != NULL)
		w->tail->next = item;
	else
		w->head = item;
	w->tail = item;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	return 0;
}

void http_workers_free(struct http_workers **wp)
{
	struct http_workers *w = *wp;

	if (w == NULL)
		return;
	pthread_mutex_lock(&w->lock);
	w->stopping = true;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
	for (unsigned i = 0; i < w->count; i++)
		pthread_join(w->threads[i], NULL);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	talloc_free(w);
	*wp = NULL;
}
