/* Shared between the MAPI/HTTP layer (mh_request.c, mh_session.c) and the
 * two endpoints (emsmdb_endpoint.c, nspi_endpoint.c). */
#ifndef MH_PRIVATE_H
#define MH_PRIVATE_H

#include <pthread.h>
#include <time.h>

#include "http_workers.h"
#include "mh_layer.h"

/* Cookie values: 128 random bits (context), 64 (sequence), in hex. */
#define MH_CONTEXT_LEN  32
#define MH_SEQUENCE_LEN 16
#define MH_BUCKETS      1024
/* [MS-OXCMAPIHTTP] 2.2.3.2.4 and 3.1.5.2: the cookie names Exchange uses;
 * the protocol treats them as opaque. */
#define MH_COOKIE_CONTEXT  "MapiContext"
#define MH_COOKIE_SEQUENCE "MapiSequence"
/* [MS-OXCMAPIHTTP] 2.2.3.3.9 X-ServerApplication */
#define MH_SERVER_APPLICATION "Exchange/15.02.1118.007"

struct mh_call;
struct mh_session;

/* How a request type relates to the session context. */
enum mh_kind {
	MH_KIND_CREATE = 0, /* Connect, Bind: makes a context */
	MH_KIND_SESSION,    /* needs a context */
	MH_KIND_DESTROY,    /* Disconnect, Unbind: needs one and ends it */
	MH_KIND_WAIT,       /* NotificationWait: held until an event or timeout */
	MH_KIND_PING,       /* no context, no body */
};

struct mh_endpoint_ops {
	const char *name;        /* "emsmdb", for logs */
	const char *cookie_path; /* Path of the cookies set */
	bool sequence;           /* Execute checks and rotates MapiSequence */
	/* 1 and *type_r for a known X-RequestType, 0 when not. */
	int (*lookup)(const char *name, int *type_r);
	const char *(*type_name)(int type);
	enum mh_kind (*kind)(int type);
	bool (*checks_sequence)(int type);
	/* Decodes call->body into call->req.  MH_RC_SUCCESS or
	 * MH_RC_INVALID_REQUEST_BODY (logged). */
	enum mh_response_code (*decode)(struct mh_call *call);
	/* On a worker: runs the request, sets call->resp / resp_len.  For
	 * MH_KIND_CREATE, sets call->session->engine on success. */
	void (*run)(struct mh_call *call);
	/* NotificationWait's answer into call->resp. */
	void (*wait_answer)(struct mh_call *call, bool event_pending);
	bool (*has_events)(struct mh_session *s);
	/* Starts / stops event delivery to mh_session_event(). */
	void (*watch)(struct mh_session *s, bool on);
	void (*engine_free)(struct mh_session *s);
};

extern const struct mh_endpoint_ops mh_emsmdb_ops;
extern const struct mh_endpoint_ops mh_nspi_ops;

struct mh_session {
	struct mh_server *srv;
	const struct mh_endpoint_ops *ep_ops;
	struct mh_session *hnext; /* hash chain by id */
	struct mh_session *pnext; /* hash chain by address (srv->by_addr) */
	char id[MH_CONTEXT_LEN + 1];
	char seq[MH_SEQUENCE_LEN + 1];
	char *user;
	char *mailbox_id; /* NULL when the URL had none */
	uint64_t last_used_ms;
	unsigned refs; /* calls attached: queued, running or waiting */
	bool busy;     /* a call of this session runs on a worker */
	bool linked;   /* in the table */
	bool closed;   /* Disconnect / Unbind / expiry: engine gone */
	struct mh_call *queue_head, *queue_tail;
	struct mh_call *waiter; /* the NotificationWait held open */
	void *engine;           /* struct ems_session / struct ab_session */
};

struct mh_call {
	struct mh_server *srv;
	const struct mh_out_ops *ops;
	void *out_ctx;
	const struct mh_endpoint_ops *ep_ops;
	int type;
	enum mh_kind kind;
	char *auth_user, *mailbox_id, *request_type, *request_id, *client_info, *client_app;
	char *peer;
	bool tls;
	uint8_t *body;
	size_t body_len;
	void *req; /* the decoded request body */
	struct mh_session *session;
	uint64_t start_ms;
	time_t start_wall;
	/* streamed calls in progress: PENDING keep-alives (srv->lock) */
	bool active;
	bool flushed; /* out_ops flush() called */
	uint64_t next_pending_ms;
	uint64_t deadline_ms; /* NotificationWait */
	struct mh_call *anext, *aprev;
	struct mh_call *qnext; /* the session's queue */
	uint8_t *resp;
	size_t resp_len;
	bool created;                  /* MH_KIND_CREATE: the engine made a context */
	char seq[MH_SEQUENCE_LEN + 1]; /* the sequence cookie to set, or "" */
};

struct mh_server {
	struct mh_settings set;
	struct addrbook *ab;
	struct ems_server *ems;
	struct http_workers *workers;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t timer;
	bool timer_running, stopping, shutting_down;
	struct mh_session *buckets[MH_BUCKETS];
	/* the same contexts by address: an engine event names one by pointer */
	struct mh_session *by_addr[MH_BUCKETS];
	unsigned session_count;
	struct mh_call *active;
};

uint64_t mh_now_ms(void);
/* Random lower-case hex, len characters, NUL-terminated.  0 / -1. */
int mh_random_hex(char *buf, size_t len);

/* mh_session.c.  A new session, not yet in the table (a talloc root). */
struct mh_session *mh_session_new(struct mh_call *call);
/* Under srv->lock: the context named by the cookies for this call, with a
 * reference taken, or an X-ResponseCode. */
enum mh_response_code mh_session_attach(struct mh_call *call, const char *cookies);
/* Puts a created session in the table (takes the creating call's ref). */
void mh_session_insert(struct mh_session *s);
/* Runs the call on a worker after the session's earlier calls. */
void mh_call_enqueue(struct mh_call *call);
/* Runs a call without a session on a worker. */
void mh_call_submit(struct mh_call *call);
/* Stops PENDING keep-alives for the call. */
void mh_call_deactivate(struct mh_call *call);
/* The call's work is done: drops its reference, starts the next. */
void mh_call_release(struct mh_call *call);
/* Registers call as the session's NotificationWait (answers a previous
 * one, and this one at once when an event is already pending). */
void mh_session_wait(struct mh_call *call);
/* Events for s (any thread): answers its NotificationWait. */
void mh_session_event(struct mh_session *s);
/* Engine event callbacks: the server whose contexts they may name, and
 * the callback for an argument that may name a context already gone. */
void mh_events_register(struct mh_server *srv, bool on);
void mh_session_event_unchecked(void *arg);
/* Disconnect / Unbind on the worker: the engine is freed, the context
 * leaves the table, a waiting NotificationWait is answered. */
void mh_session_close(struct mh_session *s);
void mh_sessions_start_timer(struct mh_server *srv);
void mh_sessions_stop(struct mh_server *srv);

/* mh_request.c: framing.  After the worker ran the call: the answer. */
void mh_call_finish(struct mh_call *call);
/* NotificationWait's answer (the call is detached from its session). */
void mh_call_wait_done(struct mh_call *call, bool event_pending);
/* Cookie value of name in a Cookie header text, or NULL (on mem_ctx). */
char *mh_cookie_value(TALLOC_CTX *mem_ctx, const char *cookies, const char *name);

#endif
