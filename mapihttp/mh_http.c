/* The MAPI/HTTP layer on the HTTP server (http_request.h). */
#include "mh_http.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "http_server_private.h" /* every Cookie header, not only the first */

/* A streamed answer is held (the request deferred, the connection
 * suspended) until it is finished or flushed: a quick answer then leaves as
 * one response, headers, PROCESSING and DONE together, instead of the
 * headers and PROCESSING first and the rest in later packets, each waking
 * the event thread and the client. */
struct out_ctx {
	struct http_request *req; /* until released: http_request_resume() */
	struct http_stream *stream;
	bool *streamed; /* the handler's flag: the context now lives on */
	bool started;   /* stream_start() was called */
	atomic_bool released;
};

/* Lets MHD send the answer: once, from whichever thread comes first; the
 * request may be gone as soon as it is resumed. */
static void release(struct out_ctx *ctx)
{
	if (!atomic_exchange(&ctx->released, true))
		http_request_resume(ctx->req);
}

static int o_header(void *c, const char *name, const char *value)
{
	struct out_ctx *ctx = c;

	return !ctx->started ? http_respond_header(ctx->req, name, value) : -1;
}

static int o_error(void *c, const char *text)
{
	struct out_ctx *ctx = c;

	return http_respond_text(ctx->req, 200, "text/html; charset=utf-8", text);
}

static int o_stream_start(void *c)
{
	struct out_ctx *ctx = c;

	ctx->stream = http_respond_stream(ctx->req, 200, "application/mapi-http");
	ctx->started = true;
	*ctx->streamed = true;
	return ctx->stream != NULL ? 0 : -1;
}

static int o_write(void *c, const void *data, size_t len)
{
	struct out_ctx *ctx = c;

	return ctx->stream != NULL ? http_stream_write(ctx->stream, data, len) : -1;
}

static void o_flush(void *c)
{
	release(c);
}

static void o_finish(void *c)
{
	struct out_ctx *ctx = c;

	/* Finished first: the resumed connection then finds the whole body. */
	http_stream_finish(&ctx->stream);
	release(ctx);
	talloc_free(ctx);
}

static const struct mh_out_ops out_ops = {
    .header = o_header,
    .error = o_error,
    .stream_start = o_stream_start,
    .write = o_write,
    .finish = o_finish,
    .flush = o_flush,
};

struct cookie_join {
	struct http_request *req;
	char *text;
};

static enum MHD_Result add_cookie(void *cls, enum MHD_ValueKind kind, const char *key,
                                  const char *value)
{
	struct cookie_join *j = cls;

	if (strcasecmp(key, "Cookie") != 0 || value == NULL)
		return MHD_YES;
	j->text = j->text == NULL ? talloc_strdup(j->req, value)
	                          : talloc_asprintf_append(j->text, "; %s", value);
	return j->text != NULL ? MHD_YES : MHD_NO;
}

enum http_handler_result mh_http_handle(struct http_request *req, struct mh_server *srv,
                                        enum mh_endpoint endpoint)
{
	struct cookie_join cookies = {.req = req};
	struct out_ctx *ctx = talloc_zero(NULL, struct out_ctx);
	bool streamed = false;
	struct mh_in in = {
	    .endpoint = endpoint,
	    .auth_user = req->auth_user,
	    .content_type = http_request_header(req, "Content-Type"),
	    .request_type = http_request_header(req, "X-RequestType"),
	    .request_id = http_request_header(req, "X-RequestId"),
	    .client_info = http_request_header(req, "X-ClientInfo"),
	    .client_app = http_request_header(req, "X-ClientApplication"),
	    .mailbox_id = http_target_param(req->target, "MailboxId"),
	    .peer = req->peer,
	    .tls = req->tls,
	    .body = req->body,
	    .body_len = req->body_len,
	};

	if (ctx == NULL) {
		http_respond_text(req, 500, "text/plain", "internal error\n");
		return HTTP_HANDLED;
	}
	ctx->req = req;
	ctx->streamed = &streamed;
	/* [MS-OXCMAPIHTTP] 2.2.3.1: the client may send its cookies in
	 * several Cookie headers. */
	MHD_get_connection_values(req->priv->conn, MHD_HEADER_KIND, add_cookie, &cookies);
	in.cookies = cookies.text;
	mh_handle(srv, &in, &out_ops, ctx);
	if (!streamed) {
		talloc_free(ctx);
		return HTTP_HANDLED;
	}
	/* Sent when release() resumes it, maybe already (a PING). */
	return HTTP_DEFERRED;
}

static enum http_handler_result answer_code(struct http_request *req, int code, const char *text)
{
	static const char *const echo[] = {"X-RequestType", "X-RequestId", "X-ClientInfo"};
	char buf[16], *html;

	for (size_t i = 0; i < sizeof(echo) / sizeof(echo[0]); i++) {
		const char *v = http_request_header(req, echo[i]);

		if (v != NULL)
			http_respond_header(req, echo[i], v);
	}
	snprintf(buf, sizeof(buf), "%d", code);
	http_respond_header(req, "X-ResponseCode", buf);
	html =
	    talloc_asprintf(req, "<html><body>X-ResponseCode %d: %s</body></html>\n", code, text);
	http_respond_text(req, 200, "text/html; charset=utf-8", html != NULL ? html : "error\n");
	return HTTP_HANDLED;
}

enum http_handler_result mh_http_disabled(struct http_request *req)
{
	return answer_code(req, MH_RC_ENDPOINT_DISABLED, "Endpoint Disabled");
}
