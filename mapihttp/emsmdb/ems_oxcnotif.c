/*
 * Notifications ([MS-OXCNOTIF] 3.2.5): RopRegisterNotification, the
 * session's event queue and the RopNotify / RopPending responses Execute
 * appends.
 *
 * Store writer threads call event_cb (store_subscribe); it matches the
 * event against the session's registrations and queues one entry per
 * matching registration, all under ev_lock, then calls the session's
 * event callback (NotificationWait) outside it.  Execute drains the queue
 * into RopNotify responses while they fit, and answers RopPending when
 * some remain ([MS-OXCNOTIF] 3.2.5.4.3).
 *
 * Tables opened without NoNotifications notify too (TableModified,
 * ems_oxctabl.c), after the object events.
 */
#include <string.h>

#include "ems_private.h"
#include "ems_table.h"
#include "log.h"
#include "notif.h"

/* Events held per session before new ones are dropped (and logged). */
#define EMS_MAX_EVENTS 1024

struct ems_reg {
	uint32_t handle;
	uint8_t logon_id;
	uint8_t types; /* [MS-OXCNOTIF] 2.2.1.2.1.1 NotificationTypes */
	bool whole_store;
	uint64_t fid, mid;
};

struct ems_event {
	struct ems_event *next;
	uint32_t handle;
	uint8_t logon_id;
	struct store_event ev; /* message_class copied onto this entry */
};

void ems_notify_session_init(struct ems_session *s)
{
	s->subscription = 0;
	s->regs = NULL;
	s->reg_count = 0;
}

void ems_notify_session_fini(struct ems_session *s)
{
	/* waits for callbacks running on store threads */
	if (s->subscription > 0)
		store_unsubscribe(s->srv->store, s->subscription);
	s->subscription = 0;
	pthread_mutex_lock(&s->ev_lock);
	while (s->ev_head != NULL) {
		struct ems_event *e = s->ev_head;
		s->ev_head = e->next;
		talloc_free(e);
	}
	s->ev_tail = NULL;
	s->ev_count = 0;
	talloc_free(s->regs);
	s->regs = NULL;
	s->reg_count = 0;
	pthread_mutex_unlock(&s->ev_lock);
}

bool ems_session_has_events(struct ems_session *s)
{
	bool has;

	pthread_mutex_lock(&s->ev_lock);
	has = s->ev_count > 0 || s->tables_pending > 0;
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

/* [MS-OXCNOTIF] 3.2.5.1: a registration for a folder sees the folder's
 * own events and those of the messages in it; one for a message only
 * that message's. */
static bool reg_matches(const struct ems_reg *r, const struct store_event *ev)
{
	if ((r->types & ev->type) == 0)
		return false;
	if (r->whole_store)
		return true;
	if (r->mid != 0)
		return ev->mid == r->mid || (ev->old_mid == r->mid && ev->old_mid != 0);
	return ev->fid == r->fid || ev->old_fid == r->fid;
}

static bool queue_one(struct ems_session *s, const struct ems_reg *r, const struct store_event *ev)
{
	struct ems_event *e;

	if (s->ev_count >= EMS_MAX_EVENTS)
		return false;
	e = talloc_zero(NULL, struct ems_event);
	if (e == NULL)
		return false;
	e->handle = r->handle;
	e->logon_id = r->logon_id;
	e->ev = *ev;
	if (ev->message_class != NULL)
		e->ev.message_class = talloc_strdup(e, ev->message_class);
	if (s->ev_tail != NULL)
		s->ev_tail->next = e;
	else
		s->ev_head = e;
	s->ev_tail = e;
	s->ev_count++;
	return true;
}

static void event_cb(const struct store_event *ev, void *ctx)
{
	struct ems_session *s = ctx;
	void (*cb)(void *arg) = NULL;
	void *arg = NULL;
	unsigned queued = 0, dropped = 0;

	pthread_mutex_lock(&s->ev_lock);
	for (uint32_t i = 0; i < s->reg_count; i++) {
		if (!reg_matches(&s->regs[i], ev))
			continue;
		if (queue_one(s, &s->regs[i], ev))
			queued++;
		else
			dropped++;
	}
	if (queued > 0) {
		cb = s->ev_cb;
		arg = s->ev_arg;
	}
	pthread_mutex_unlock(&s->ev_lock);
	if (dropped > 0)
		log_warn(EMS_LOG, "notification queue full dropped=%u", dropped);
	if (cb != NULL)
		cb(arg);
}

static int notify_destructor(struct ems_object *obj)
{
	struct ems_session *s = obj->session;

	pthread_mutex_lock(&s->ev_lock);
	for (uint32_t i = 0; i < s->reg_count; i++) {
		if (s->regs[i].handle == obj->handle) {
			memmove(&s->regs[i], &s->regs[i + 1],
			        (s->reg_count - i - 1) * sizeof(s->regs[0]));
			s->reg_count--;
			break;
		}
	}
	pthread_mutex_unlock(&s->ev_lock);
	return 0;
}

/* [MS-OXCNOTIF] 3.2.5.1 */
uint32_t ems_rop_register_notification(struct ems_rop_ctx *c, const struct rop_request *req,
                                       struct rop_response *resp)
{
	const struct rop_register_notification_req *q = &req->u.register_notification;
	struct ems_session *s = c->s;
	struct ems_object *obj;
	struct ems_reg *regs;
	struct mapi_guid guid;
	struct store_mailbox_ident ident;
	uint32_t ec;

	/* SearchComplete (0x80) needs search folders; the other bits are
	 * the object events */
	if (q->notification_types == 0 || (q->notification_types & 0x01) != 0)
		return EC_InvalidParameter;
	if (s->subscription <= 0) {
		store_mailbox_ident(s->mbox, &ident);
		guid = ident.mailbox_guid;
		int sub = store_subscribe(s->srv->store, &guid, event_cb, s);
		if (sub <= 0)
			return sub < 0 ? ems_ec_from_store(sub) : EC_GeneralFailure;
		s->subscription = sub;
	}
	obj = ems_object_new(s, c->in, EMS_OBJ_NOTIFY, c->logon, &ec);
	if (obj == NULL)
		return ec;
	pthread_mutex_lock(&s->ev_lock);
	regs = talloc_realloc(NULL, s->regs, struct ems_reg, s->reg_count + 1);
	if (regs != NULL) {
		struct ems_reg *r = &regs[s->reg_count++];
		r->handle = obj->handle;
		r->logon_id = req->logon_id;
		r->types = q->notification_types;
		r->whole_store = q->want_whole_store != 0;
		r->fid = q->want_whole_store ? 0 : q->folder_id;
		r->mid = q->want_whole_store ? 0 : q->message_id;
		s->regs = regs;
	}
	pthread_mutex_unlock(&s->ev_lock);
	if (regs == NULL) {
		ems_object_release(obj);
		return EC_OutOfMemory;
	}
	talloc_set_destructor(obj, notify_destructor);
	c->out = obj;
	return 0;
}

#define PR_PARENT_FID      PROP_TAG(PT_I8, 0x6749)
#define MSGFLAG_UNMODIFIED 0x00000002

/* NotificationData of one event ([MS-OXCNOTIF] 2.2.1.4.1.2). */
static void fill_notif(struct ems_session *s, TALLOC_CTX *tmp, const struct ems_event *e,
                       struct notif_data *nd)
{
	const struct store_event *ev = &e->ev;
	bool msg = ev->mid != 0;

	memset(nd, 0, sizeof(*nd));
	nd->flags = (uint16_t)ev->type | (msg ? NOTIF_FLAG_MESSAGE : 0);
	nd->fid = ev->fid;
	nd->mid = ev->mid;
	nd->old_fid = ev->old_fid;
	nd->old_mid = ev->old_mid;
	nd->tag_count = NOTIF_TAGCOUNT_ALL;
	/* [MS-OXCNOTIF] 2.2.1.4.1.2 ParentFID / OldParentFID of folders */
	nd->parent_fid = ev->parent_fid;
	nd->old_parent_fid = ev->old_parent_fid;
	if (ev->type == STORE_EV_NEWMAIL) {
		nd->message_flags = MSGFLAG_UNMODIFIED;
		nd->unicode = 1;
		nd->message_class =
		    (char *)(ev->message_class != NULL ? ev->message_class : "IPM.Note");
	}
}

/* Takes the first queued event, or NULL. */
static struct ems_event *dequeue(struct ems_session *s)
{
	struct ems_event *e;

	pthread_mutex_lock(&s->ev_lock);
	e = s->ev_head;
	if (e != NULL) {
		s->ev_head = e->next;
		if (s->ev_head == NULL)
			s->ev_tail = NULL;
		s->ev_count--;
	}
	pthread_mutex_unlock(&s->ev_lock);
	return e;
}

static void requeue_front(struct ems_session *s, struct ems_event *e)
{
	pthread_mutex_lock(&s->ev_lock);
	e->next = s->ev_head;
	s->ev_head = e;
	if (s->ev_tail == NULL)
		s->ev_tail = e;
	s->ev_count++;
	pthread_mutex_unlock(&s->ev_lock);
}

/* RopPending's 3 bytes are always kept free while notifying. */
#define PENDING_SIZE 3

void ems_notify_append(struct ems_session *s, struct rop_push *out, TALLOC_CTX *tmp)
{
	struct ems_event *e;
	size_t cap = out->cap;

	if (out->cap - out->ofs < PENDING_SIZE)
		return;
	out->cap -= PENDING_SIZE;
	while ((e = dequeue(s)) != NULL) {
		struct rop_response resp = {.rop_id = ROP_ID_Notify};
		resp.u.notify.notification_handle = e->handle;
		resp.u.notify.logon_id = e->logon_id;
		fill_notif(s, tmp, e, &resp.u.notify.data);
		if (rop_push_response(out, &resp, NULL) != ROP_OK) {
			requeue_front(s, e);
			break;
		}
		talloc_free(e);
	}
	if (e == NULL)
		ems_table_notify_append(s, out, tmp);
	out->cap = cap;
	if (ems_session_has_events(s)) {
		/* [MS-OXCNOTIF] 3.2.5.4.3: more events wait for this session */
		struct rop_response resp = {.rop_id = ROP_ID_Pending};
		resp.u.pending.session_index = 0;
		rop_push_response(out, &resp, NULL);
	}
}
