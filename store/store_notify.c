/*
 * store_notify: in-process publish/subscribe of store events.  The EMSMDB
 * layer turns them into [MS-OXCNOTIF] notifications for its sessions.
 * Events of other processes (mapiadmin) are not seen here.
 */
#include <string.h>

#include "store_private.h"

int store_subscribe(struct store *store, const struct mapi_guid *mailbox_guid, store_event_cb *cb,
                    void *ctx)
{
	int id;
	pthread_mutex_lock(&store->sub_lock);
	struct store_sub *subs =
	    talloc_realloc(store, store->subs, struct store_sub, store->sub_count + 1);
	if (subs == NULL) {
		pthread_mutex_unlock(&store->sub_lock);
		return STORE_E_NOMEM;
	}
	store->subs = subs;
	struct store_sub *s = &subs[store->sub_count++];
	memset(s, 0, sizeof(*s));
	s->id = id = store->next_sub++;
	s->all = mailbox_guid == NULL;
	if (mailbox_guid != NULL)
		s->guid = *mailbox_guid;
	s->cb = cb;
	s->ctx = ctx;
	pthread_mutex_unlock(&store->sub_lock);
	return id;
}

void store_unsubscribe(struct store *store, int subscription)
{
	pthread_mutex_lock(&store->sub_lock);
	for (unsigned int i = 0; i < store->sub_count; i++) {
		if (store->subs[i].id == subscription) {
			memmove(&store->subs[i], &store->subs[i + 1],
			        (store->sub_count - i - 1) * sizeof(store->subs[0]));
			store->sub_count--;
			break;
		}
	}
	pthread_mutex_unlock(&store->sub_lock);
	/* Wait for callbacks already running (they work on a snapshot). */
	pthread_rwlock_wrlock(&store->cb_lock);
	pthread_rwlock_unlock(&store->cb_lock);
}

void store_publish(struct store_mailbox *mbox, const struct store_event *event)
{
	struct store *store = mbox->store;
	struct store_event ev = *event;
	ev.mailbox_guid = mbox->env->ident.mailbox_guid;
	/* Call outside the lock on a snapshot, so callbacks may subscribe. */
	pthread_rwlock_rdlock(&store->cb_lock);
	pthread_mutex_lock(&store->sub_lock);
	unsigned int n = store->sub_count;
	struct store_sub *copy = n > 0 ? talloc_memdup(NULL, store->subs, n * sizeof(*copy)) : NULL;
	pthread_mutex_unlock(&store->sub_lock);
	for (unsigned int i = 0; copy != NULL && i < n; i++) {
		if (copy[i].all || memcmp(copy[i].guid.b, ev.mailbox_guid.b, 16) == 0)
			copy[i].cb(&ev, copy[i].ctx);
	}
	pthread_rwlock_unlock(&store->cb_lock);
	talloc_free(copy);
}
