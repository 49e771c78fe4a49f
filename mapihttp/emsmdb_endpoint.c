/*
 * /mapi/emsmdb: Connect, Execute, Disconnect, NotificationWait and PING
 * ([MS-OXCMAPIHTTP] 2.2.4, 2.2.6) over the EMSMDB engine
 * (mapihttp/emsmdb/emsmdb.h).  The bodies are decoded and encoded with
 * ropcodec/mh_emsmdb.h; the engine runs the ROPs.
 */
#include "mh_private.h"

#include <string.h>
#include <strings.h>

#include "aux.h"
#include "emsmdb.h"
#include "log.h"
#include "mh_emsmdb.h"

enum ems_type {
	EMS_CONNECT = 0,
	EMS_EXECUTE,
	EMS_DISCONNECT,
	EMS_NOTIFICATION_WAIT,
	EMS_PING,
	EMS_TYPE_COUNT
};

/* The X-RequestType values of [MS-OXCMAPIHTTP] 2.2.4 and 2.2.6. */
static const char *const ems_type_names[EMS_TYPE_COUNT] = {
    "Connect", "Execute", "Disconnect", "NotificationWait", "PING",
};

/* An engine failure that left no answer: [MS-OXCDATA] 2.4.1 ecError. */
#define EC_ERROR 0x80004005u
/* The auxiliary input is decoded for the log up to this size. */
#define AUX_LOG_MAX (64 * 1024)

static int ems_lookup(const char *name, int *type_r)
{
	for (int i = 0; i < EMS_TYPE_COUNT; i++) {
		if (strcasecmp(name, ems_type_names[i]) == 0) {
			*type_r = i;
			return 1;
		}
	}
	return 0;
}

static const char *ems_type_name(int type)
{
	return type >= 0 && type < EMS_TYPE_COUNT ? ems_type_names[type] : "-";
}

static enum mh_kind ems_kind(int type)
{
	switch (type) {
	case EMS_CONNECT:
		return MH_KIND_CREATE;
	case EMS_DISCONNECT:
		return MH_KIND_DESTROY;
	case EMS_NOTIFICATION_WAIT:
		return MH_KIND_WAIT;
	case EMS_PING:
		return MH_KIND_PING;
	default:
		return MH_KIND_SESSION;
	}
}

/* [MS-OXCMAPIHTTP] 3.2.5.1: the sequence cookie guards Execute. */
static bool ems_checks_sequence(int type)
{
	return type == EMS_EXECUTE;
}

static enum mh_response_code ems_decode(struct mh_call *call)
{
	enum rop_err err = ROP_E_INVALID;

	switch (call->type) {
	case EMS_CONNECT:
		call->req = talloc_zero(call, struct mh_connect_req);
		if (call->req != NULL)
			err = mh_connect_req_pull(call, call->body, call->body_len, call->req);
		break;
	case EMS_EXECUTE:
		call->req = talloc_zero(call, struct mh_execute_req);
		if (call->req != NULL)
			err = mh_execute_req_pull(call, call->body, call->body_len, call->req);
		break;
	case EMS_DISCONNECT:
		call->req = talloc_zero(call, struct mh_disconnect_req);
		if (call->req != NULL)
			err = mh_disconnect_req_pull(call, call->body, call->body_len, call->req);
		break;
	case EMS_NOTIFICATION_WAIT:
		call->req = talloc_zero(call, struct mh_notification_wait_req);
		if (call->req != NULL)
			err = mh_notification_wait_req_pull(call, call->body, call->body_len,
			                                    call->req);
		break;
	default:
		return MH_RC_SUCCESS;
	}
	if (call->req == NULL)
		return MH_RC_UNKNOWN_FAILURE;
	if (err != ROP_OK) {
		log_info("mapihttp", "emsmdb-bad-body type=%s bytes=%zu error=\"%s\" user=%s",
		         call->request_type, call->body_len, rop_strerror(err), call->auth_user);
		return MH_RC_INVALID_REQUEST_BODY;
	}
	return MH_RC_SUCCESS;
}

/* [MS-OXCRPC] 3.1.4.1.2: Outlook's auxiliary blocks (client, process,
 * session, account information) are logged. */
static void log_aux(struct mh_call *call, const struct mh_blob *aux)
{
	struct aux_list list;
	char *names;

	if (aux->len == 0)
		return;
	if (aux_buffer_decode(call, aux->data, aux->len, AUX_LOG_MAX, &list) != ROP_OK) {
		log_info("mapihttp", "emsmdb-aux-invalid type=%s bytes=%u user=%s",
		         call->request_type, aux->len, call->auth_user);
		return;
	}
	names = talloc_strdup(call, "");
	for (size_t i = 0; i < list.count && names != NULL; i++) {
		const char *n = aux_block_name(list.blocks[i].version, list.blocks[i].type);

		names = talloc_asprintf_append(names, "%s%s", i > 0 ? "," : "",
		                               n != NULL ? n : "unknown");
	}
	log_info("mapihttp", "emsmdb-aux type=%s user=%s blocks=%zu names=%s", call->request_type,
	         call->auth_user, list.count, names != NULL ? names : "-");
}

static void encode_done(struct mh_call *call, enum rop_err err, struct rop_push *p)
{
	if (err != ROP_OK) {
		log_error("mapihttp", "emsmdb-encode type=%s error=\"%s\"", call->request_type,
		          rop_strerror(err));
		return;
	}
	call->resp = p->data;
	call->resp_len = p->ofs;
}

static void run_connect(struct mh_call *call, struct rop_push *p)
{
	const struct mh_connect_req *req = call->req;
	struct mh_connect_resp resp;
	struct ems_session *es = NULL;
	const char *error = NULL;
	int r;

	memset(&resp, 0, sizeof(resp));
	log_aux(call, &req->aux);
	r = ems_connect(call->srv->ems, call->session, call, call->auth_user, req, &resp, &es,
	                &error);
	if (r == 0) {
		call->session->engine = es;
		call->created = true;
	} else if (r < 0) {
		log_error("mapihttp", "emsmdb-connect user=%s error=\"%s\"", call->auth_user,
		          error != NULL ? error : "unknown");
		memset(&resp, 0, sizeof(resp));
		resp.error_code = EC_ERROR;
	}
	log_info("mapihttp", "emsmdb-connect user=%s user_dn=\"%s\" error_code=0x%08x",
	         call->auth_user, req->user_dn != NULL ? req->user_dn : "", resp.error_code);
	encode_done(call, mh_connect_resp_push(p, &resp), p);
}

static void run_execute(struct mh_call *call, struct rop_push *p)
{
	struct ems_session *es = call->session != NULL ? call->session->engine : NULL;
	struct mh_execute_resp resp;
	const char *error = NULL;

	memset(&resp, 0, sizeof(resp));
	if (es == NULL) {
		resp.error_code = EC_ERROR; /* the context ended while this waited */
	} else if (ems_execute(es, call, call->req, &resp, &error) < 0) {
		log_error("mapihttp", "emsmdb-execute user=%s error=\"%s\"", call->auth_user,
		          error != NULL ? error : "unknown");
		memset(&resp, 0, sizeof(resp));
		resp.error_code = EC_ERROR;
	}
	encode_done(call, mh_execute_resp_push(p, &resp), p);
}

static void ems_run(struct mh_call *call)
{
	struct rop_push p;

	rop_push_init_growable(&p, call);
	switch (call->type) {
	case EMS_CONNECT:
		run_connect(call, &p);
		return;
	case EMS_EXECUTE:
		run_execute(call, &p);
		return;
	case EMS_DISCONNECT: {
		/* [MS-OXCMAPIHTTP] 2.2.4.3: every object of the context goes. */
		struct mh_disconnect_resp resp = {0, 0, {NULL, 0}};

		if (call->session != NULL)
			mh_session_close(call->session);
		encode_done(call, mh_disconnect_resp_push(&p, &resp), &p);
		return;
	}
	}
}

/* [MS-OXCMAPIHTTP] 2.2.4.4.2: EventPending says whether an Execute will
 * find notifications. */
static void ems_wait_answer(struct mh_call *call, bool event_pending)
{
	struct mh_notification_wait_resp resp = {0, 0, event_pending ? 1u : 0u, {NULL, 0}};
	struct rop_push p;

	rop_push_init_growable(&p, call);
	encode_done(call, mh_notification_wait_resp_push(&p, &resp), &p);
}

static bool ems_has_events(struct mh_session *s)
{
	return s->engine != NULL && ems_session_has_events(s->engine);
}

static void event_cb(void *arg)
{
	mh_session_event_unchecked(arg);
}

static void ems_watch(struct mh_session *s, bool on)
{
	if (s->engine != NULL)
		ems_session_set_event_cb(s->engine, on ? event_cb : NULL, on ? s : NULL);
}

static void ems_engine_free(struct mh_session *s)
{
	struct ems_session *es = s->engine;

	ems_session_free(&es);
	s->engine = NULL;
}

const struct mh_endpoint_ops mh_emsmdb_ops = {
    .name = "emsmdb",
    .cookie_path = "/mapi/emsmdb",
    .sequence = true,
    .lookup = ems_lookup,
    .type_name = ems_type_name,
    .kind = ems_kind,
    .checks_sequence = ems_checks_sequence,
    .decode = ems_decode,
    .run = ems_run,
    .wait_answer = ems_wait_answer,
    .has_events = ems_has_events,
    .watch = ems_watch,
    .engine_free = ems_engine_free,
};
