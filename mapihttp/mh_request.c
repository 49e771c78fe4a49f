/*
 * The MAPI/HTTP request layer ([MS-OXCMAPIHTTP] 2.2.2 - 2.2.3, 2.2.7):
 * common headers, transport failures as X-ResponseCode, and the
 * PROCESSING / PENDING / DONE framing of successful answers.
 */
#include "mh_private.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "log.h"

#define MH_CONTENT_TYPE "application/mapi-http"

int mh_server_new(TALLOC_CTX *mem_ctx, const struct mh_settings *settings, struct addrbook *ab,
                  struct ems_server *ems, struct mh_server **srv_r, const char **error_r)
{
	struct mh_server *srv = talloc_zero(mem_ctx, struct mh_server);

	if (srv == NULL) {
		*error_r = "out of memory";
		return -1;
	}
	srv->set = *settings;
	if (srv->set.pending_period_ms == 0)
		srv->set.pending_period_ms = 15000;
	srv->ab = ab;
	srv->ems = ems;
	pthread_mutex_init(&srv->lock, NULL);
	pthread_cond_init(&srv->cond, NULL);
	if (settings->workers > 0) {
		srv->workers = http_workers_new(srv, settings->workers);
		if (srv->workers == NULL) {
			*error_r = "cannot start the MAPI/HTTP workers";
			talloc_free(srv);
			return -1;
		}
	}
	if (settings->timer)
		mh_sessions_start_timer(srv);
	mh_events_register(srv, true);
	*srv_r = srv;
	return 0;
}

void mh_server_shutdown(struct mh_server *srv)
{
	pthread_mutex_lock(&srv->lock);
	srv->shutting_down = true; /* the timer answers the waiters */
	pthread_cond_broadcast(&srv->cond);
	pthread_mutex_unlock(&srv->lock);
}

void mh_server_free(struct mh_server **srvp)
{
	struct mh_server *srv = *srvp;

	if (srv == NULL)
		return;
	mh_events_register(srv, false);
	mh_sessions_stop(srv);
	pthread_cond_destroy(&srv->cond);
	pthread_mutex_destroy(&srv->lock);
	talloc_free(srv);
	*srvp = NULL;
}

unsigned mh_server_session_count(struct mh_server *srv)
{
	unsigned n;

	pthread_mutex_lock(&srv->lock);
	n = srv->session_count;
	pthread_mutex_unlock(&srv->lock);
	return n;
}

static const char *rc_text(enum mh_response_code rc)
{
	switch (rc) {
	case MH_RC_SUCCESS:
		return "Success";
	case MH_RC_UNKNOWN_FAILURE:
		return "Unknown Failure";
	case MH_RC_INVALID_VERB:
		return "Invalid Verb";
	case MH_RC_INVALID_PATH:
		return "Invalid Path";
	case MH_RC_INVALID_HEADER:
		return "Invalid Header";
	case MH_RC_INVALID_REQUEST_TYPE:
		return "Invalid Request Type";
	case MH_RC_INVALID_CONTEXT_COOKIE:
		return "Invalid Context Cookie";
	case MH_RC_MISSING_HEADER:
		return "Missing Header";
	case MH_RC_ANONYMOUS_NOT_ALLOWED:
		return "Anonymous Not Allowed";
	case MH_RC_TOO_LARGE:
		return "Too Large";
	case MH_RC_CONTEXT_NOT_FOUND:
		return "Context Not Found";
	case MH_RC_NO_PRIVILEGE:
		return "No Privilege";
	case MH_RC_INVALID_REQUEST_BODY:
		return "Invalid Request Body";
	case MH_RC_MISSING_COOKIE:
		return "Missing Cookie";
	case MH_RC_INVALID_SEQUENCE:
		return "Invalid Sequence";
	case MH_RC_ENDPOINT_DISABLED:
		return "Endpoint Disabled";
	case MH_RC_INVALID_RESPONSE:
		return "Invalid Response";
	case MH_RC_ENDPOINT_SHUTTING_DOWN:
		return "Endpoint Shutting Down";
	}
	return "Unknown Failure";
}

/* [MS-OXCMAPIHTTP] 2.2.3.3.1 / 2.2.3.3.6 / 2.2.3.3.2: the identifying
 * request headers come back, so a client can match the answer. */
static void echo_headers(struct mh_call *call)
{
	void *ctx = call->out_ctx;

	if (call->request_type != NULL)
		call->ops->header(ctx, "X-RequestType", call->request_type);
	if (call->request_id != NULL)
		call->ops->header(ctx, "X-RequestId", call->request_id);
	if (call->client_info != NULL)
		call->ops->header(ctx, "X-ClientInfo", call->client_info);
	call->ops->header(ctx, "X-ServerApplication", MH_SERVER_APPLICATION);
	call->ops->header(ctx, "Cache-Control", "private");
}

/* [MS-OXCMAPIHTTP] 2.2.2.2 / 2.2.3.3.3: a transport failure is HTTP 200
 * with a non-zero X-ResponseCode and a diagnostic body. */
static void fail(struct mh_call *call, enum mh_response_code rc, const char *why)
{
	char code[16], *html;

	log_info("mapihttp", "refused ep=%s type=%s code=%d reason=\"%s\" user=%s peer=%s",
	         call->ep_ops->name, call->request_type != NULL ? call->request_type : "-", (int)rc,
	         why, call->auth_user != NULL ? call->auth_user : "-",
	         call->peer != NULL ? call->peer : "-");
	snprintf(code, sizeof(code), "%d", (int)rc);
	echo_headers(call);
	call->ops->header(call->out_ctx, "X-ResponseCode", code);
	html = talloc_asprintf(call,
	                       "<html><head><title>%s</title></head><body>"
	                       "X-ResponseCode %d (%s): %s</body></html>\n",
	                       rc_text(rc), (int)rc, rc_text(rc), why);
	call->ops->error(call->out_ctx, html != NULL ? html : "error\n");
	if (call->session != NULL)
		mh_call_release(call);
	talloc_free(call);
}

static char *dup_or_null(struct mh_call *call, const char *s)
{
	return s != NULL ? talloc_strdup(call, s) : NULL;
}

static struct mh_call *call_new(struct mh_server *srv, const struct mh_in *in,
                                const struct mh_out_ops *ops, void *out_ctx)
{
	struct mh_call *call = talloc_zero(NULL, struct mh_call);

	if (call == NULL)
		return NULL;
	call->srv = srv;
	call->ops = ops;
	call->out_ctx = out_ctx;
	call->ep_ops = in->endpoint == MH_EP_EMSMDB ? &mh_emsmdb_ops : &mh_nspi_ops;
	call->auth_user = dup_or_null(call, in->auth_user);
	call->mailbox_id = dup_or_null(call, in->mailbox_id);
	call->request_type = dup_or_null(call, in->request_type);
	call->request_id = dup_or_null(call, in->request_id);
	call->client_info = dup_or_null(call, in->client_info);
	call->client_app = dup_or_null(call, in->client_app);
	call->peer = dup_or_null(call, in->peer);
	call->tls = in->tls;
	call->body = talloc_memdup(call, in->body_len > 0 ? in->body : (const uint8_t *)"",
	                           in->body_len > 0 ? in->body_len : 1);
	call->body_len = in->body_len;
	call->start_ms = mh_now_ms();
	call->start_wall = time(NULL);
	return call;
}

/* [MS-OXCMAPIHTTP] 2.2.3.1: the headers every request carries. */
static enum mh_response_code check_headers(struct mh_call *call, const struct mh_in *in,
                                           const char **why_r)
{
	if (call->srv->shutting_down) {
		*why_r = "the server is stopping";
		return MH_RC_ENDPOINT_SHUTTING_DOWN;
	}
	if (in->auth_user == NULL) {
		*why_r = "anonymous requests are not accepted";
		return MH_RC_ANONYMOUS_NOT_ALLOWED;
	}
	if (in->request_type == NULL) {
		*why_r = "X-RequestType is missing";
		return MH_RC_MISSING_HEADER;
	}
	if (call->ep_ops->lookup(in->request_type, &call->type) != 1) {
		*why_r = "unknown X-RequestType";
		return MH_RC_INVALID_REQUEST_TYPE;
	}
	/* The canonical spelling is echoed. */
	talloc_free(call->request_type);
	call->request_type = talloc_strdup(call, call->ep_ops->type_name(call->type));
	call->kind = call->ep_ops->kind(call->type);
	if (in->request_id == NULL || in->client_info == NULL || in->content_type == NULL) {
		*why_r = in->request_id == NULL    ? "X-RequestId is missing"
		         : in->client_info == NULL ? "X-ClientInfo is missing"
		                                   : "Content-Type is missing";
		return MH_RC_MISSING_HEADER;
	}
	if (strncasecmp(in->content_type, MH_CONTENT_TYPE, strlen(MH_CONTENT_TYPE)) != 0 ||
	    (in->content_type[strlen(MH_CONTENT_TYPE)] != '\0' &&
	     in->content_type[strlen(MH_CONTENT_TYPE)] != ';')) {
		*why_r = "Content-Type is not application/mapi-http";
		return MH_RC_INVALID_HEADER;
	}
	return MH_RC_SUCCESS;
}

static void add_cookie(struct mh_call *call, const char *name, const char *value, bool expire)
{
	char *c = talloc_asprintf(call, "%s=%s; path=%s; HttpOnly%s%s", name, value,
	                          call->ep_ops->cookie_path, call->tls ? "; secure" : "",
	                          expire ? "; expires=Thu, 01 Jan 1970 00:00:00 GMT" : "");

	if (c != NULL)
		call->ops->header(call->out_ctx, "Set-Cookie", c);
}

/* The headers of a successful answer ([MS-OXCMAPIHTTP] 2.2.3.3). */
static void success_headers(struct mh_call *call)
{
	char buf[32];

	echo_headers(call);
	call->ops->header(call->out_ctx, "X-ResponseCode", "0");
	snprintf(buf, sizeof(buf), "%u", call->srv->set.pending_period_ms);
	call->ops->header(call->out_ctx, "X-PendingPeriod", buf);
	if (call->kind != MH_KIND_PING && call->kind != MH_KIND_DESTROY) {
		/* 2.2.3.3.5: milliseconds the context lives without requests. */
		snprintf(buf, sizeof(buf), "%llu",
		         (unsigned long long)call->srv->set.session_timeout * 1000ULL);
		call->ops->header(call->out_ctx, "X-ExpirationInfo", buf);
	}
	if (call->kind == MH_KIND_CREATE) {
		add_cookie(call, MH_COOKIE_CONTEXT, call->session->id, false);
		if (call->ep_ops->sequence)
			add_cookie(call, MH_COOKIE_SEQUENCE, call->session->seq, false);
	}
	if (call->seq[0] != '\0')
		add_cookie(call, MH_COOKIE_SEQUENCE, call->seq, false);
	if (call->kind == MH_KIND_DESTROY) {
		add_cookie(call, MH_COOKIE_CONTEXT, "", true);
		if (call->ep_ops->sequence)
			add_cookie(call, MH_COOKIE_SEQUENCE, "", true);
	}
}

/* "DONE", the additional headers of 2.2.7, a blank line, the body. */
static uint8_t *framed_tail(struct mh_call *call, size_t *len_r)
{
	struct tm tm;
	char date[64];
	char *head;
	uint8_t *out;
	size_t hlen;

	gmtime_r(&call->start_wall, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	head =
	    talloc_asprintf(call, "DONE\r\nX-ElapsedTime: %" PRIu64 "\r\nX-StartTime: %s\r\n\r\n",
	                    mh_now_ms() - call->start_ms, date);
	if (head == NULL)
		return NULL;
	hlen = strlen(head);
	out = talloc_size(call, hlen + call->resp_len + 1);
	if (out == NULL)
		return NULL;
	memcpy(out, head, hlen);
	if (call->resp_len > 0)
		memcpy(out + hlen, call->resp, call->resp_len);
	*len_r = hlen + call->resp_len;
	return out;
}

static void stream_done(struct mh_call *call)
{
	size_t len = 0;
	uint8_t *tail;

	mh_call_deactivate(call); /* no PENDING may follow DONE */
	tail = framed_tail(call, &len);
	if (tail != NULL)
		call->ops->write(call->out_ctx, tail, len);
	call->ops->finish(call->out_ctx);
}

/* Connect / Bind: the context joins the table only when the engine made
 * one; its cookies went out with the headers, so after a refusal they name
 * nothing and answer Context Not Found. */
static void create_done(struct mh_call *call)
{
	struct mh_session *s = call->session;

	if (s != NULL && call->created) {
		mh_session_insert(s);
		call->ep_ops->watch(s, true);
		log_info("mapihttp", "context-created ep=%s user=%s app=\"%s\"", call->ep_ops->name,
		         call->auth_user, call->client_app != NULL ? call->client_app : "-");
	}
	stream_done(call);
}

void mh_call_finish(struct mh_call *call)
{
	if (call->kind == MH_KIND_CREATE)
		create_done(call);
	else
		stream_done(call);
}

void mh_call_wait_done(struct mh_call *call, bool event_pending)
{
	call->ep_ops->wait_answer(call, event_pending);
	stream_done(call);
}

static void stream_begin(struct mh_call *call)
{
	static const char processing[] = "PROCESSING\r\n";

	call->ops->stream_start(call->out_ctx);
	call->ops->write(call->out_ctx, processing, sizeof(processing) - 1);
}

void mh_handle(struct mh_server *srv, const struct mh_in *in, const struct mh_out_ops *ops,
               void *out_ctx)
{
	struct mh_call *call = call_new(srv, in, ops, out_ctx);
	const char *why = NULL;
	enum mh_response_code rc;

	if (call == NULL || call->body == NULL ||
	    (in->request_type != NULL && call->request_type == NULL)) {
		ops->header(out_ctx, "X-ResponseCode", "1");
		ops->error(out_ctx, "<html><body>out of memory</body></html>\n");
		talloc_free(call);
		return;
	}
	rc = check_headers(call, in, &why);
	if (rc != MH_RC_SUCCESS) {
		fail(call, rc, why);
		return;
	}
	if (call->client_app != NULL)
		log_debug("mapihttp", "request ep=%s type=%s user=%s app=\"%s\"",
		          call->ep_ops->name, call->request_type, call->auth_user,
		          call->client_app);
	if (call->kind != MH_KIND_PING && call->ep_ops->decode(call) != MH_RC_SUCCESS) {
		fail(call, MH_RC_INVALID_REQUEST_BODY, "the request body cannot be parsed");
		return;
	}
	if (call->kind == MH_KIND_SESSION || call->kind == MH_KIND_DESTROY ||
	    call->kind == MH_KIND_WAIT) {
		rc = mh_session_attach(call, in->cookies);
		if (rc != MH_RC_SUCCESS) {
			fail(call, rc, rc_text(rc));
			return;
		}
	}
	if (call->kind == MH_KIND_CREATE) {
		call->session = mh_session_new(call);
		if (call->session == NULL) {
			fail(call, MH_RC_UNKNOWN_FAILURE, "out of memory");
			return;
		}
	}
	success_headers(call);
	switch (call->kind) {
	case MH_KIND_CREATE:
		break;
	case MH_KIND_PING:
		/* [MS-OXCMAPIHTTP] 2.2.6: no context, no body. */
		stream_begin(call);
		stream_done(call);
		talloc_free(call);
		return;
	case MH_KIND_WAIT:
		stream_begin(call);
		mh_session_wait(call);
		return;
	case MH_KIND_SESSION:
	case MH_KIND_DESTROY:
		break;
	}
	stream_begin(call);
	mh_call_enqueue(call);
	return;
}
