/*
 * The server and its sessions: Connect ([MS-OXCMAPIHTTP] 2.2.4.1 with the
 * EcDoConnectEx semantics of [MS-OXCRPC] 3.1.4.1) and session teardown.
 *
 * Mailbox: the session opens the user's mailbox at Connect and keeps it
 * open for its lifetime; it does not create one.  A user without a
 * mailbox (mapiadmin creates mailboxes) is answered ecUnknownUser.
 */
#include <string.h>
#include <strings.h>

#include "ems_private.h"
#include "log.h"

/* [MS-OXCRPC] 3.1.4.1: pcmsPollsMax, pcRetry, pcmsRetryDelay as Exchange
 * answers them. */
#define EMS_POLLS_MAX_MS   60000
#define EMS_RETRY_COUNT    6
#define EMS_RETRY_DELAY_MS 10000

int ems_server_new(TALLOC_CTX *mem_ctx, struct store *store, struct directory *dir,
                   const char *hostname, struct ems_server **srv_r, const char **error_r)
{
	struct ems_server *srv;

	if (store == NULL || dir == NULL || hostname == NULL) {
		*error_r = "ems_server_new: store, directory and host name are required";
		return -1;
	}
	srv = talloc_zero(mem_ctx, struct ems_server);
	if (srv == NULL || (srv->hostname = talloc_strdup(srv, hostname)) == NULL) {
		talloc_free(srv);
		*error_r = "out of memory";
		return -1;
	}
	srv->store = store;
	srv->dir = dir;
	*srv_r = srv;
	return 0;
}

static int session_destructor(struct ems_session *s)
{
	/* objects first (their destructors use the handle table), then the
	 * subscription, so no store thread queues into a dying session */
	for (unsigned i = 0; i < 256; i++) {
		if (s->logons[i] != NULL)
			talloc_free(s->logons[i]->obj);
	}
	ems_notify_session_fini(s);
	pthread_mutex_destroy(&s->ev_lock);
	return 0;
}

/* "/o=Org/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)" of
 * "/o=Org/ou=.../cn=Recipients/cn=x": the server DN prefix. */
static char *dn_prefix_of(TALLOC_CTX *mem_ctx, const char *legacy_dn)
{
	const char *cn = strcasestr(legacy_dn, "/cn=");
	size_t len = cn != NULL ? (size_t)(cn - legacy_dn) : strlen(legacy_dn);

	return talloc_strndup(mem_ctx, legacy_dn, len);
}

static void connect_fail(struct mh_connect_resp *resp, uint32_t ec)
{
	memset(resp, 0, sizeof(*resp));
	resp->error_code = ec;
}

/* Finds the user and opens the mailbox; 0 or an ecXxx for the response. */
static uint32_t session_open(struct ems_server *srv, struct ems_session *s, const char *auth_user,
                             const struct mh_connect_req *req)
{
	const char *error = NULL;
	int ret;

	ret = directory_user_by_address(srv->dir, s, auth_user, &s->user, &error);
	if (ret < 0) {
		log_error(EMS_LOG, "connect directory error=%s", error ? error : "?");
		return EC_GeneralFailure;
	}
	if (ret == 0)
		return EC_UnknownUser;
	/* [MS-OXCRPC] 3.1.4.1: szUserDN is the DN of the user making the call;
	 * a session for anyone else's DN is refused */
	if (req->user_dn == NULL || strcasecmp(req->user_dn, s->user->legacy_dn) != 0) {
		log_warn(EMS_LOG, "connect user_dn mismatch user=%s", auth_user);
		return EC_AccessDenied;
	}
	ret = store_mailbox_open(s, srv->store, &s->user->mailbox_guid, &s->mbox, &error);
	if (ret == STORE_E_NOTFOUND) {
		log_warn(EMS_LOG, "connect no mailbox user=%s", auth_user);
		return EC_UnknownUser;
	}
	if (ret != 0) {
		log_error(EMS_LOG, "connect mailbox error=%s", error ? error : store_strerror(ret));
		return ems_ec_from_store(ret);
	}
	s->dn_prefix = dn_prefix_of(s, s->user->legacy_dn);
	if (s->dn_prefix == NULL)
		return EC_OutOfMemory;
	return 0;
}

int ems_connect(struct ems_server *srv, TALLOC_CTX *mem_ctx, TALLOC_CTX *resp_ctx,
                const char *auth_user, const struct mh_connect_req *req,
                struct mh_connect_resp *resp, struct ems_session **session_r, const char **error_r)
{
	struct ems_session *s;
	uint32_t ec;

	*session_r = NULL;
	s = talloc_zero(mem_ctx, struct ems_session);
	if (s == NULL) {
		*error_r = "out of memory";
		return -1;
	}
	s->srv = srv;
	s->code_page = req->default_code_page;
	pthread_mutex_init(&s->ev_lock, NULL);
	talloc_set_destructor(s, session_destructor);
	ems_notify_session_init(s);

	ems_aux_log(s, "connect", &req->aux);
	ec = auth_user != NULL ? session_open(srv, s, auth_user, req) : EC_LogonFailed;
	if (ec != 0) {
		talloc_free(s);
		connect_fail(resp, ec);
		return 1;
	}
	memset(resp, 0, sizeof(*resp));
	resp->polls_max = EMS_POLLS_MAX_MS;
	resp->retry_count = EMS_RETRY_COUNT;
	resp->retry_delay = EMS_RETRY_DELAY_MS;
	resp->dn_prefix = talloc_strdup(resp_ctx, s->dn_prefix);
	resp->display_name = talloc_strdup(
	    resp_ctx, s->user->display_name != NULL ? s->user->display_name : s->user->address);
	if (resp->dn_prefix == NULL || resp->display_name == NULL ||
	    ems_aux_connect_out(resp_ctx, &resp->aux) != 0) {
		talloc_free(s);
		*error_r = "out of memory";
		return -1;
	}
	log_info(EMS_LOG, "connect user=%s", s->user->address);
	*session_r = s;
	return 0;
}

void ems_session_free(struct ems_session **s)
{
	if (s == NULL || *s == NULL)
		return;
	talloc_free(*s);
	*s = NULL;
}
