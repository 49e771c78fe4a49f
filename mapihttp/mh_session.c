/*
 * Session contexts of MAPI/HTTP ([MS-OXCMAPIHTTP] 3.1.5.1 / 3.2.5.1): the
 * table keyed by the context cookie, per-session serialisation of calls,
 * NotificationWait waiters, and the timer thread that expires idle
 * contexts and sends PENDING keep-alives.
 *
 * One mutex (srv->lock) guards the table, every session's bookkeeping and
 * the list of streamed calls in progress; engine calls never run under it.
 */
#include "mh_private.h"

#include <errno.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "log.h"

#define TIMER_TICK_MS   200
#define SESSION_TICK_MS 1000
/* A call still running (or a NotificationWait still held) this long after
 * it arrived has its PROCESSING sent: [MS-OXCMAPIHTTP] 2.2.7, the client
 * learns the request is queued; quicker answers leave whole. */
#define FLUSH_AFTER_MS 100

uint64_t mh_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int mh_random_hex(char *buf, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	uint8_t raw[64];
	size_t n = (len + 1) / 2, got = 0;

	if (n > sizeof(raw))
		return -1;
	while (got < n) {
		ssize_t r = getrandom(raw + got, n - got, 0);

		if (r < 0 && errno != EINTR)
			return -1;
		if (r > 0)
			got += (size_t)r;
	}
	for (size_t i = 0; i < len; i++)
		buf[i] = hex[(raw[i / 2] >> ((i % 2) * 4)) & 0xF];
	buf[len] = '\0';
	return 0;
}

static unsigned bucket_of(const char *id)
{
	uint32_t h = 2166136261u;

	for (; *id != '\0'; id++)
		h = (h ^ (uint8_t)*id) * 16777619u;
	return h % MH_BUCKETS;
}

static unsigned bucket_of_addr(const void *p)
{
	return (unsigned)(((uintptr_t)p >> 4) % MH_BUCKETS);
}

static bool is_context_id(const char *v)
{
	size_t i;

	for (i = 0; v[i] != '\0'; i++) {
		if (!((v[i] >= '0' && v[i] <= '9') || (v[i] >= 'a' && v[i] <= 'f')))
			return false;
	}
	return i == MH_CONTEXT_LEN;
}

static struct mh_session *find_locked(struct mh_server *srv, const char *id)
{
	for (struct mh_session *s = srv->buckets[bucket_of(id)]; s != NULL; s = s->hnext) {
		if (strcmp(s->id, id) == 0)
			return s;
	}
	return NULL;
}

static void unlink_locked(struct mh_session *s)
{
	struct mh_session **pp = &s->srv->buckets[bucket_of(s->id)];

	if (!s->linked)
		return;
	for (; *pp != NULL; pp = &(*pp)->hnext) {
		if (*pp == s) {
			*pp = s->hnext;
			break;
		}
	}
	for (pp = &s->srv->by_addr[bucket_of_addr(s)]; *pp != NULL; pp = &(*pp)->pnext) {
		if (*pp == s) {
			*pp = s->pnext;
			break;
		}
	}
	s->hnext = s->pnext = NULL;
	s->linked = false;
	s->srv->session_count--;
}

static void active_remove_locked(struct mh_call *call)
{
	struct mh_server *srv = call->srv;

	if (!call->active)
		return;
	if (call->aprev != NULL)
		call->aprev->anext = call->anext;
	else
		srv->active = call->anext;
	if (call->anext != NULL)
		call->anext->aprev = call->aprev;
	call->anext = call->aprev = NULL;
	call->active = false;
}

static void active_add_locked(struct mh_call *call)
{
	struct mh_server *srv = call->srv;

	call->next_pending_ms = mh_now_ms() + srv->set.pending_period_ms;
	call->aprev = NULL;
	call->anext = srv->active;
	if (srv->active != NULL)
		srv->active->aprev = call;
	srv->active = call;
	call->active = true;
}

void mh_call_deactivate(struct mh_call *call)
{
	pthread_mutex_lock(&call->srv->lock);
	active_remove_locked(call);
	pthread_mutex_unlock(&call->srv->lock);
}

struct mh_session *mh_session_new(struct mh_call *call)
{
	struct mh_session *s = talloc_zero(NULL, struct mh_session);

	if (s == NULL)
		return NULL;
	s->srv = call->srv;
	s->ep_ops = call->ep_ops;
	s->user = talloc_strdup(s, call->auth_user);
	s->mailbox_id = call->mailbox_id != NULL ? talloc_strdup(s, call->mailbox_id) : NULL;
	if (s->user == NULL || (call->mailbox_id != NULL && s->mailbox_id == NULL) ||
	    mh_random_hex(s->id, MH_CONTEXT_LEN) < 0 ||
	    mh_random_hex(s->seq, MH_SEQUENCE_LEN) < 0) {
		talloc_free(s);
		return NULL;
	}
	s->refs = 1; /* the creating call's */
	s->last_used_ms = mh_now_ms();
	return s;
}

void mh_session_insert(struct mh_session *s)
{
	struct mh_server *srv = s->srv;
	unsigned b = bucket_of(s->id), a = bucket_of_addr(s);

	pthread_mutex_lock(&srv->lock);
	s->hnext = srv->buckets[b];
	srv->buckets[b] = s;
	s->pnext = srv->by_addr[a];
	srv->by_addr[a] = s;
	s->linked = true;
	srv->session_count++;
	pthread_mutex_unlock(&srv->lock);
}

char *mh_cookie_value(TALLOC_CTX *mem_ctx, const char *cookies, const char *name)
{
	size_t nlen = strlen(name);
	const char *p = cookies;

	while (p != NULL && *p != '\0') {
		const char *end;

		while (*p == ' ' || *p == '\t' || *p == ';')
			p++;
		end = p + strcspn(p, ";");
		if ((size_t)(end - p) > nlen && strncmp(p, name, nlen) == 0 && p[nlen] == '=') {
			const char *v = p + nlen + 1, *ve = end;

			while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
				ve--;
			return talloc_strndup(mem_ctx, v, (size_t)(ve - v));
		}
		p = *end == ';' ? end + 1 : NULL;
	}
	return NULL;
}

static bool mailbox_matches(const struct mh_session *s, const char *mailbox_id)
{
	if (s->mailbox_id == NULL || mailbox_id == NULL)
		return s->mailbox_id == mailbox_id;
	return strcasecmp(s->mailbox_id, mailbox_id) == 0;
}

/* Under srv->lock: may this call use s?  Logs why not. */
static enum mh_response_code check_owner_locked(struct mh_call *call, struct mh_session *s,
                                                const char *cookies)
{
	const char *ep = call->ep_ops->name;
	char *seq;

	if (s == NULL || s->closed || s->ep_ops != call->ep_ops) {
		log_info("mapihttp", "context-not-found ep=%s type=%s user=%s peer=%s", ep,
		         call->request_type, call->auth_user, call->peer);
		return MH_RC_CONTEXT_NOT_FOUND;
	}
	/* The context belongs to the identity that made it. */
	if (strcmp(s->user, call->auth_user) != 0) {
		log_warn("mapihttp", "context-other-user ep=%s type=%s user=%s owner=%s peer=%s",
		         ep, call->request_type, call->auth_user, s->user, call->peer);
		return MH_RC_CONTEXT_NOT_FOUND;
	}
	/* A front end routes by MailboxId: a context lives with one mailbox. */
	if (!mailbox_matches(s, call->mailbox_id)) {
		log_warn("mapihttp", "context-mailbox-mismatch ep=%s type=%s user=%s peer=%s", ep,
		         call->request_type, call->auth_user, call->peer);
		return MH_RC_CONTEXT_NOT_FOUND;
	}
	if (!s->ep_ops->sequence || !s->ep_ops->checks_sequence(call->type))
		return MH_RC_SUCCESS;
	/* [MS-OXCMAPIHTTP] 3.2.5.1: the sequence cookie must be the one the
	 * server set last; a new one is set for the next request. */
	seq = mh_cookie_value(call, cookies, MH_COOKIE_SEQUENCE);
	if (seq == NULL) {
		log_info("mapihttp", "sequence-missing ep=%s user=%s", ep, call->auth_user);
		return MH_RC_MISSING_COOKIE;
	}
	if (strcmp(seq, s->seq) != 0) {
		log_info("mapihttp", "sequence-invalid ep=%s user=%s", ep, call->auth_user);
		return MH_RC_INVALID_SEQUENCE;
	}
	if (mh_random_hex(s->seq, MH_SEQUENCE_LEN) < 0)
		return MH_RC_UNKNOWN_FAILURE;
	memcpy(call->seq, s->seq, sizeof(call->seq));
	return MH_RC_SUCCESS;
}

enum mh_response_code mh_session_attach(struct mh_call *call, const char *cookies)
{
	struct mh_server *srv = call->srv;
	enum mh_response_code rc;
	struct mh_session *s;
	char *id = mh_cookie_value(call, cookies, MH_COOKIE_CONTEXT);

	if (id == NULL)
		return MH_RC_MISSING_COOKIE;
	if (!is_context_id(id)) {
		log_info("mapihttp", "context-cookie-invalid ep=%s user=%s", call->ep_ops->name,
		         call->auth_user);
		return MH_RC_INVALID_CONTEXT_COOKIE;
	}
	pthread_mutex_lock(&srv->lock);
	s = find_locked(srv, id);
	rc = check_owner_locked(call, s, cookies);
	if (rc == MH_RC_SUCCESS) {
		s->refs++;
		s->last_used_ms = mh_now_ms();
		call->session = s;
	}
	pthread_mutex_unlock(&srv->lock);
	return rc;
}

static void job(void *arg)
{
	struct mh_call *call = arg;

	call->ep_ops->run(call);
	mh_call_finish(call);
	mh_call_release(call);
	talloc_free(call);
}

void mh_call_submit(struct mh_call *call)
{
	if (call->srv->workers == NULL || http_workers_submit(call->srv->workers, job, call) < 0)
		job(call);
}

void mh_call_enqueue(struct mh_call *call)
{
	struct mh_session *s = call->session;
	bool run_now;

	pthread_mutex_lock(&call->srv->lock);
	active_add_locked(call);
	run_now = !s->busy;
	if (run_now) {
		s->busy = true;
	} else {
		call->qnext = NULL;
		if (s->queue_tail != NULL)
			s->queue_tail->qnext = call;
		else
			s->queue_head = call;
		s->queue_tail = call;
	}
	pthread_mutex_unlock(&call->srv->lock);
	if (run_now)
		mh_call_submit(call);
}

void mh_call_release(struct mh_call *call)
{
	struct mh_session *s = call->session;
	struct mh_call *next = NULL;
	bool free_now;

	if (s == NULL)
		return;
	pthread_mutex_lock(&call->srv->lock);
	active_remove_locked(call);
	s->refs--;
	s->last_used_ms = mh_now_ms();
	if (call->kind != MH_KIND_WAIT) {
		next = s->queue_head;
		if (next != NULL) {
			s->queue_head = next->qnext;
			if (s->queue_head == NULL)
				s->queue_tail = NULL;
		} else {
			s->busy = false;
		}
	}
	free_now = s->refs == 0 && !s->linked;
	pthread_mutex_unlock(&call->srv->lock);
	call->session = NULL;
	if (next != NULL)
		mh_call_submit(next);
	if (free_now)
		talloc_free(s);
}

/* A detached waiter: answer it and let go of it. */
static void waiter_answer(struct mh_call *w, bool event_pending)
{
	mh_call_wait_done(w, event_pending);
	mh_call_release(w);
	talloc_free(w);
}

/* Under srv->lock: detaches the session's held NotificationWait, if any,
 * for the caller to answer once the lock is released. */
static struct mh_call *waiter_take_locked(struct mh_session *s)
{
	struct mh_call *w = s->waiter;

	s->waiter = NULL;
	if (w != NULL)
		active_remove_locked(w);
	return w;
}

void mh_session_wait(struct mh_call *call)
{
	struct mh_session *s = call->session;
	struct mh_call *old;

	pthread_mutex_lock(&call->srv->lock);
	old = waiter_take_locked(s);
	s->waiter = call;
	active_add_locked(call);
	call->deadline_ms = mh_now_ms() + (uint64_t)call->srv->set.notify_wait * 1000;
	pthread_mutex_unlock(&call->srv->lock);
	if (old != NULL)
		waiter_answer(old, false);
	/* Checked after registering, so an event queued meanwhile is not lost. */
	if (s->ep_ops->has_events(s))
		mh_session_event(s);
}

void mh_session_event(struct mh_session *s)
{
	struct mh_call *w;

	pthread_mutex_lock(&s->srv->lock);
	w = waiter_take_locked(s);
	pthread_mutex_unlock(&s->srv->lock);
	if (w != NULL)
		waiter_answer(w, true);
}

/* The engine's event callback may still run after the session stopped
 * watching (it is called outside the engine's lock), so its argument is
 * checked against the live contexts of the one registered server before
 * use: by address, one hash chain, not a walk over every context under
 * the server's lock for each event. */
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct mh_server *registry;

void mh_events_register(struct mh_server *srv, bool on)
{
	pthread_mutex_lock(&registry_lock);
	if (on && registry == NULL)
		registry = srv;
	else if (!on && registry == srv)
		registry = NULL;
	pthread_mutex_unlock(&registry_lock);
}

void mh_session_event_unchecked(void *arg)
{
	struct mh_server *srv;
	struct mh_call *w = NULL;

	pthread_mutex_lock(&registry_lock);
	srv = registry;
	if (srv != NULL) {
		pthread_mutex_lock(&srv->lock);
		for (struct mh_session *s = srv->by_addr[bucket_of_addr(arg)]; s != NULL;
		     s = s->pnext) {
			if (s != arg)
				continue;
			w = waiter_take_locked(s);
			break;
		}
		pthread_mutex_unlock(&srv->lock);
	}
	if (w != NULL)
		waiter_answer(w, true);
	pthread_mutex_unlock(&registry_lock);
}

void mh_session_close(struct mh_session *s)
{
	struct mh_call *w;

	if (s->engine != NULL) {
		s->ep_ops->watch(s, false);
		s->ep_ops->engine_free(s);
		s->engine = NULL;
	}
	pthread_mutex_lock(&s->srv->lock);
	s->closed = true;
	unlink_locked(s);
	w = waiter_take_locked(s);
	pthread_mutex_unlock(&s->srv->lock);
	if (w != NULL)
		waiter_answer(w, false);
}

/* Under srv->lock: PENDING keep-alives; waiters past their deadline are
 * detached onto *due (linked through qnext). */
static void tick_calls_locked(struct mh_server *srv, uint64_t now, struct mh_call **due)
{
	static const char pending[] = "PENDING\r\n";
	struct mh_call *c = srv->active, *next;

	for (; c != NULL; c = next) {
		next = c->anext;
		if (c->kind == MH_KIND_WAIT && (now >= c->deadline_ms || srv->shutting_down)) {
			if (c->session != NULL && c->session->waiter == c)
				c->session->waiter = NULL;
			active_remove_locked(c);
			c->qnext = *due;
			*due = c;
			continue;
		}
		if (!c->flushed && now >= c->start_ms + FLUSH_AFTER_MS) {
			c->flushed = true;
			if (c->ops->flush != NULL)
				c->ops->flush(c->out_ctx);
		}
		if (now >= c->next_pending_ms) {
			/* [MS-OXCMAPIHTTP] 2.2.7: keep-alive while work goes on. */
			c->ops->write(c->out_ctx, pending, sizeof(pending) - 1);
			c->next_pending_ms = now + srv->set.pending_period_ms;
		}
	}
}

/* Under srv->lock: idle contexts are unlinked onto *expired (hnext). */
static void tick_sessions_locked(struct mh_server *srv, uint64_t now, struct mh_session **expired)
{
	uint64_t idle_ms = (uint64_t)srv->set.session_timeout * 1000;

	for (unsigned b = 0; b < MH_BUCKETS; b++) {
		struct mh_session *s = srv->buckets[b], *next;

		for (; s != NULL; s = next) {
			next = s->hnext;
			if (s->refs > 0 || s->busy || now - s->last_used_ms < idle_ms)
				continue;
			unlink_locked(s);
			s->closed = true;
			s->hnext = *expired;
			*expired = s;
		}
	}
}

static void free_expired(struct mh_session *s)
{
	while (s != NULL) {
		struct mh_session *next = s->hnext;

		log_info("mapihttp", "context-expired ep=%s user=%s", s->ep_ops->name, s->user);
		if (s->engine != NULL) {
			s->ep_ops->watch(s, false);
			s->ep_ops->engine_free(s);
		}
		talloc_free(s);
		s = next;
	}
}

static void *timer_main(void *arg)
{
	struct mh_server *srv = arg;
	uint64_t next_expiry = 0;

	pthread_mutex_lock(&srv->lock);
	while (!srv->stopping) {
		struct mh_call *due = NULL;
		struct mh_session *expired = NULL;
		uint64_t now = mh_now_ms();
		struct timespec ts;

		tick_calls_locked(srv, now, &due);
		/* Timeouts are in seconds: the walk over every context, under
		 * the lock every request takes, once a second is enough. */
		if (now >= next_expiry) {
			tick_sessions_locked(srv, now, &expired);
			next_expiry = now + SESSION_TICK_MS;
		}
		pthread_mutex_unlock(&srv->lock);
		while (due != NULL) {
			struct mh_call *next = due->qnext;

			waiter_answer(due, false);
			due = next;
		}
		free_expired(expired);
		pthread_mutex_lock(&srv->lock);
		if (srv->stopping)
			break;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += TIMER_TICK_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&srv->cond, &srv->lock, &ts);
	}
	pthread_mutex_unlock(&srv->lock);
	return NULL;
}

void mh_sessions_start_timer(struct mh_server *srv)
{
	if (pthread_create(&srv->timer, NULL, timer_main, srv) == 0)
		srv->timer_running = true;
	else
		log_error("mapihttp", "timer-thread error=\"cannot start\"");
}

void mh_sessions_stop(struct mh_server *srv)
{
	struct mh_session *all = NULL;
	struct mh_call *due = NULL;

	pthread_mutex_lock(&srv->lock);
	srv->stopping = true;
	srv->shutting_down = true;
	pthread_cond_broadcast(&srv->cond);
	pthread_mutex_unlock(&srv->lock);
	if (srv->timer_running)
		pthread_join(srv->timer, NULL);
	srv->timer_running = false;
	http_workers_free(&srv->workers);
	/* Waiters first: answering one may free its session. */
	pthread_mutex_lock(&srv->lock);
	tick_calls_locked(srv, UINT64_MAX, &due);
	pthread_mutex_unlock(&srv->lock);
	while (due != NULL) {
		struct mh_call *next = due->qnext;

		waiter_answer(due, false);
		due = next;
	}
	pthread_mutex_lock(&srv->lock);
	for (unsigned b = 0; b < MH_BUCKETS; b++) {
		while (srv->buckets[b] != NULL) {
			struct mh_session *s = srv->buckets[b];

			unlink_locked(s);
			if (s->refs > 0)
				continue; /* a request still holds it: left to the exit */
			s->closed = true;
			s->hnext = all;
			all = s;
		}
	}
	pthread_mutex_unlock(&srv->lock);
	free_expired(all);
}
