/*
 * mh_layer: the MAPI/HTTP request layer shared by /mapi/emsmdb and
 * /mapi/nspi ([MS-OXCMAPIHTTP] 2.2.2, 2.2.3, 3.1 and 3.2).
 *
 * It knows the protocol's transport rules and nothing of libmicrohttpd:
 *   - the common request headers (Content-Type, X-RequestType, X-RequestId,
 *     X-ClientInfo, X-ClientApplication) are checked and echoed, and every
 *     transport failure answers HTTP 200 with the X-ResponseCode of
 *     2.2.3.3.3 and a diagnostic body;
 *   - session contexts (Connect / Bind) are identified by the cookies the
 *     server sets (MapiContext, and MapiSequence for EMSMDB), bound to the
 *     authenticated identity and to the URL's MailboxId, expired when idle;
 *   - successful requests are answered with the chunked PROCESSING /
 *     PENDING / DONE framing of 2.2.7, X-ElapsedTime and X-StartTime after
 *     DONE, then the binary response body;
 *   - the requests of one session run one at a time, in arrival order, on a
 *     worker pool; NotificationWait is held without a thread.
 *
 * The HTTP front end (mh_http.c) fills a struct mh_in from the request and
 * answers through struct mh_out_ops; the fuzz target does the same with a
 * fake request.
 */
#ifndef MH_LAYER_H
#define MH_LAYER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

struct addrbook;
struct ems_server;
struct mh_server;

enum mh_endpoint {
	MH_EP_EMSMDB = 0,
	MH_EP_NSPI,
};

/* [MS-OXCMAPIHTTP] 2.2.3.3.3 X-ResponseCode values. */
enum mh_response_code {
	MH_RC_SUCCESS = 0,
	MH_RC_UNKNOWN_FAILURE = 1,
	MH_RC_INVALID_VERB = 2,
	MH_RC_INVALID_PATH = 3,
	MH_RC_INVALID_HEADER = 4,
	MH_RC_INVALID_REQUEST_TYPE = 5,
	MH_RC_INVALID_CONTEXT_COOKIE = 6,
	MH_RC_MISSING_HEADER = 7,
	MH_RC_ANONYMOUS_NOT_ALLOWED = 8,
	MH_RC_TOO_LARGE = 9,
	MH_RC_CONTEXT_NOT_FOUND = 10,
	MH_RC_NO_PRIVILEGE = 11,
	MH_RC_INVALID_REQUEST_BODY = 12,
	MH_RC_MISSING_COOKIE = 13,
	MH_RC_INVALID_SEQUENCE = 15,
	MH_RC_ENDPOINT_DISABLED = 16,
	MH_RC_INVALID_RESPONSE = 17,
	MH_RC_ENDPOINT_SHUTTING_DOWN = 18,
};

struct mh_settings {
	unsigned session_timeout;   /* seconds a context may stay idle (Exchange: 900) */
	unsigned pending_period_ms; /* X-PendingPeriod: PENDING every so often (15000) */
	unsigned notify_wait;       /* seconds NotificationWait is held (Exchange: 300) */
	unsigned workers;           /* threads; 0: run every job inline (tests, fuzz) */
	bool timer;                 /* start the expiry / keep-alive thread */
};

/* What the layer needs of one request: copied before mh_handle() returns. */
struct mh_in {
	enum mh_endpoint endpoint;
	const char *auth_user; /* canonical address; NULL when anonymous */
	const char *content_type;
	const char *request_type;
	const char *request_id;
	const char *client_info;
	const char *client_app;
	const char *cookies;    /* every Cookie header, joined with "; " */
	const char *mailbox_id; /* the URL's MailboxId parameter */
	const char *peer;       /* for logs */
	bool tls;               /* cookies are then marked Secure */
	const uint8_t *body;
	size_t body_len;
};

/* How the layer answers.  header() and error()/stream_start() run on the
 * calling thread before mh_handle() returns; write(), flush() and finish()
 * may run on any thread, later.  Exactly one of error() and stream_start()
 * is called; after stream_start(), finish() ends the answer.  What is
 * written may be held until flush() or finish(): an answer ready at once
 * then leaves in one piece instead of PROCESSING first and the rest after. */
struct mh_out_ops {
	int (*header)(void *ctx, const char *name, const char *value);
	/* HTTP 200, text/html diagnostic body: a transport failure. */
	int (*error)(void *ctx, const char *text);
	/* HTTP 200, application/mapi-http, chunked from now on. */
	int (*stream_start)(void *ctx);
	int (*write)(void *ctx, const void *data, size_t len);
	void (*finish)(void *ctx);
	/* Optional: send what was written so far, and every later write at
	 * once (a call still running, or a NotificationWait held). */
	void (*flush)(void *ctx);
};

int mh_server_new(TALLOC_CTX *mem_ctx, const struct mh_settings *settings, struct addrbook *ab,
                  struct ems_server *ems, struct mh_server **srv_r, const char **error_r);
/* From now on requests answer X-ResponseCode 18 (Endpoint Shutting Down);
 * waiting NotificationWaits are answered. */
void mh_server_shutdown(struct mh_server *srv);
/* Stops the threads and frees every session. */
void mh_server_free(struct mh_server **srv);
/* Sessions alive now (both endpoints). */
unsigned mh_server_session_count(struct mh_server *srv);

/* Handles one request.  out_ctx is handed to every ops call. */
void mh_handle(struct mh_server *srv, const struct mh_in *in, const struct mh_out_ops *ops,
               void *out_ctx);

#endif
