/*
 * The MAPI/HTTP request layer and /mapi/emsmdb over HTTP against the real
 * daemon ([MS-OXCMAPIHTTP] 2.2.2 - 2.2.4, 2.2.6, 2.2.7): headers and every
 * X-ResponseCode the layer answers, the session cookies (context bound to
 * the user and to MailboxId, sequence rotated and checked on Execute),
 * framing and PENDING keep-alives, expiry, Connect / Execute (RopLogon) /
 * Disconnect / NotificationWait / PING.
 *
 *   test_mapihttp_emsmdb MAPIHTTPD MAPIADMIN
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "aux.h"
#include "directory.h"
#include "log.h"
#include "mh_emsmdb.h"
#include "mh_testsess.h"
#include "rop.h"
#include "rpc_ext.h"
#include "test.h"

#define EMS "/mapi/emsmdb/"
/* Short settings so expiry and NotificationWait can be watched. */
#define CONFIG                                                                                     \
	"[mapi]\nsession_timeout = 3\npending_period = 300\nnotification_wait = 2\n"               \
	"workers = 2\n[limits]\nmax_body_size = 64K\n"

static const char *mapihttpd, *mapiadmin;
static struct mht_daemon daemon_;
static char *alice_dn, *bob_dn, *alice_mailbox_id;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int provision(TALLOC_CTX *mem_ctx, const char *data_dir)
{
	struct mht_user u[2] = {
	    {.address = "alice@x.test", .name = "Alice Example", .password = "alice-pw"},
	    {.address = "bob@x.test", .name = "Bob Example", .password = "bob-pw"}};

	if (mht_provision(mem_ctx, mapiadmin, data_dir, u, 2) < 0)
		return -1;
	alice_dn = u[0].legacy_dn;
	alice_mailbox_id = u[0].mailbox_id;
	bob_dn = u[1].legacy_dn;
	return 0;
}

/* Connect as c's user with user_dn; the X-ResponseCode, resp decoded.
 * The auxiliary buffer carries an AUX_PERF_REQUESTID block, as Outlook's
 * does ([MS-OXCRPC] 2.2.2.2). */
static int connect_as(struct mht_client *c, TALLOC_CTX *mem_ctx, const char *user_dn,
                      struct mh_connect_resp *resp, struct mht_resp *hr)
{
	struct aux_block block = {
	    .version = AUX_VERSION_1, .type = AUX_TYPE_PERF_REQUESTID, .known = true};
	struct aux_list aux = {&block, 1};
	struct mh_blob aux_blob;
	struct rop_push a;

	block.u.requestid.session_id = 7;
	block.u.requestid.request_id = 1;
	rop_push_init_growable(&a, mem_ctx);
	if (aux_buffer_encode(&a, &aux, 0) != ROP_OK)
		return -1;
	aux_blob.data = a.data;
	aux_blob.len = (uint32_t)a.ofs;
	return mht_ems_connect(c, mem_ctx, user_dn, &aux_blob, resp, hr);
}

/* Execute of one RopLogon of the user's own mailbox.  Returns the
 * X-ResponseCode; *ret_r the ROP's ReturnValue (or ~0), *handle_r its
 * handle. */
static int execute_logon(struct mht_client *c, TALLOC_CTX *mem_ctx, const char *essdn,
                         uint32_t *ret_r, uint32_t *handle_r)
{
	struct rop_request q = {.rop_id = ROP_ID_Logon, .logon_id = 0, .output_handle = 0};
	uint32_t handles[1] = {0xFFFFFFFF};
	struct mh_execute_req req = {.flags = RPC_EXT_PUL_NOCOMPRESSION | RPC_EXT_PUL_NOXORMAGIC,
	                             .max_rop_out = 0x40000};
	struct mh_execute_resp resp;
	struct rop_push rops, ext, body;
	struct rpc_ext_chain chain;
	struct rop_buffer buf;
	struct rop_response r;
	struct rop_pull p;
	struct mht_resp hr;

	*ret_r = 0xFFFFFFFF;
	*handle_r = 0xFFFFFFFF;
	q.u.logon.logon_flags = 0x01; /* Private */
	q.u.logon.open_flags = 0x0100040C;
	q.u.logon.essdn = (char *)essdn;
	rop_push_init_growable(&rops, mem_ctx);
	rop_push_init_growable(&ext, mem_ctx);
	rop_push_init_growable(&body, mem_ctx);
	if (rop_push_request(&rops, &q) != ROP_OK ||
	    rpc_ext_encode_rop_buffer(&ext, rops.data, rops.ofs, handles, 1, RPC_EXT_ENCODE_LAST) !=
	        ROP_OK)
		return -1;
	req.rop_buffer.data = ext.data;
	req.rop_buffer.len = (uint32_t)ext.ofs;
	if (mh_execute_req_push(&body, &req) != ROP_OK ||
	    mht_ems_post(c, mem_ctx, "Execute", body.data, body.ofs, &hr) < 0)
		return -1;
	if (hr.response_code != 0)
		return hr.response_code;
	if (!hr.framed || mh_execute_resp_pull(mem_ctx, hr.body, hr.body_len, &resp) != ROP_OK ||
	    resp.status_code != 0 || resp.error_code != 0 ||
	    rpc_ext_decode(mem_ctx, resp.rop_buffer.data, resp.rop_buffer.len, 1 << 20, &chain) !=
	        ROP_OK ||
	    chain.count < 1 ||
	    rop_buffer_split(mem_ctx, chain.blocks[0].data, chain.blocks[0].len, &buf) != ROP_OK)
		return -2;
	rop_pull_init(&p, mem_ctx, buf.rops, buf.rops_len);
	if (rop_pull_response(&p, &q, NULL, &r) != ROP_OK || r.rop_id != ROP_ID_Logon)
		return -3;
	*ret_r = r.return_value;
	if (buf.handle_count > 0)
		*handle_r = buf.handles[0];
	return 0;
}

struct waiter {
	struct mht_client *c;
	TALLOC_CTX *mem_ctx;
	double seconds;
	int code;
	uint32_t event_pending;
};

static void *notification_wait_thread(void *arg)
{
	struct waiter *w = arg;
	struct mh_notification_wait_req req = {0};
	struct mh_notification_wait_resp resp;
	struct rop_push p;
	struct mht_resp hr;
	double t0 = now_s();

	w->code = -1;
	rop_push_init_growable(&p, w->mem_ctx);
	if (mh_notification_wait_req_push(&p, &req) != ROP_OK ||
	    mht_ems_post(w->c, w->mem_ctx, "NotificationWait", p.data, p.ofs, &hr) < 0)
		return NULL;
	w->seconds = now_s() - t0;
	w->code = hr.response_code;
	if (hr.response_code == 0 &&
	    mh_notification_wait_resp_pull(w->mem_ctx, hr.body, hr.body_len, &resp) == ROP_OK)
		w->event_pending = resp.event_pending;
	return NULL;
}

/* A NotificationWait answered as soon as a registered event arrives
 * ([MS-OXCMAPIHTTP] 2.2.4.4, [MS-OXCNOTIF] 3.1.5.4). */
static void test_notification_event(TALLOC_CTX *mem_ctx)
{
	struct mht_sess a, b;
	struct rop_request q[2];
	struct mh_connect_resp cresp;
	struct mht_resp hr;
	uint64_t ipm_subtree = 0;
	/* talloc is not thread-safe: the waiting thread has a context of its own. */
	struct waiter w = {.mem_ctx = talloc_new(NULL)};
	pthread_t th;

	test_begin("NotificationWait answers early with EventPending when an event arrives");
	mht_sess_init(&a, mht_client_new(mem_ctx, daemon_.port, "alice@x.test", "alice-pw"));
	mht_sess_init(&b, mht_client_new(mem_ctx, daemon_.port, "alice@x.test", "alice-pw"));
	w.c = a.c;
	a.c->mailbox_id = b.c->mailbox_id = alice_mailbox_id;
	test_assert_int(connect_as(a.c, mem_ctx, alice_dn, &cresp, &hr), 0);
	test_assert_int(connect_as(b.c, mem_ctx, alice_dn, &cresp, &hr), 0);
	/* Session A: logon, register for object creation in the whole store. */
	q[0] = mht_logon_rq(alice_dn, 0);
	q[1] = mht_rq(ROP_ID_RegisterNotification, 0, 1);
	q[1].u.register_notification.notification_types = 0x04; /* ObjectCreated */
	q[1].u.register_notification.want_whole_store = 1;
	test_assert_int(mht_execute(&a, mem_ctx, q, 2), 0);
	test_assert(a.n == 2 && a.resps[0].return_value == 0 && a.resps[1].return_value == 0);
	if (a.n == 2)
		ipm_subtree = a.resps[0].u.logon.folder_ids[MHT_FID_IPM_SUBTREE];
	test_assert(pthread_create(&th, NULL, notification_wait_thread, &w) == 0);
	usleep(300000);
	/* Session B: a new folder under the IPM subtree. */
	q[0] = mht_logon_rq(alice_dn, 0);
	test_assert_int(mht_execute(&b, mem_ctx, q, 1), 0);
	q[0] = mht_rq(ROP_ID_OpenFolder, 0, 1);
	q[0].u.open_folder.folder_id = ipm_subtree;
	q[1] = mht_rq(ROP_ID_CreateFolder, 1, 2);
	q[1].u.create_folder.folder_type = 1; /* FOLDER_GENERIC */
	q[1].u.create_folder.use_unicode_strings = 1;
	q[1].u.create_folder.display_name = (char *)"Notified";
	q[1].u.create_folder.comment = (char *)"";
	test_assert_int(mht_execute(&b, mem_ctx, q, 2), 0);
	test_assert(b.n == 2 && b.resps[0].return_value == 0 && b.resps[1].return_value == 0);
	pthread_join(th, NULL);
	talloc_free(w.mem_ctx);
	test_assert_int(w.code, 0);
	test_assert_int(w.event_pending, 1);
	test_assert(w.seconds < 1.5); /* the wait period is 2 s */
	test_end();
}

#define THREADS      6
#define THREAD_CALLS 8

struct worker {
	const char *user, *password, *dn, *mailbox_id;
	int failures;
};

/* One user's Outlook: its own context, Executes, then Disconnect. */
static void *session_thread(void *arg)
{
	struct worker *wk = arg;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct mht_client *c = mht_client_new(mem, daemon_.port, wk->user, wk->password);
	struct mh_disconnect_req dreq = {{NULL, 0}};
	struct mh_connect_resp resp;
	struct mht_resp hr;
	struct rop_push p;
	uint32_t ret, handle;

	c->mailbox_id = (char *)wk->mailbox_id;
	if (connect_as(c, mem, wk->dn, &resp, &hr) != 0 || resp.error_code != 0)
		wk->failures++;
	for (int i = 0; i < THREAD_CALLS; i++) {
		if (execute_logon(c, mem, wk->dn, &ret, &handle) != 0 || ret != 0)
			wk->failures++;
	}
	rop_push_init_growable(&p, mem);
	if (mh_disconnect_req_push(&p, &dreq) != ROP_OK ||
	    mht_ems_post(c, mem, "Disconnect", p.data, p.ofs, &hr) != 0 || hr.response_code != 0)
		wk->failures++;
	talloc_free(mem);
	return NULL;
}

static void test_concurrent(void)
{
	struct worker wk[THREADS];
	pthread_t th[THREADS];
	int failures = 0;

	test_begin("many users and contexts at once");
	for (int i = 0; i < THREADS; i++) {
		bool a = i % 2 == 0;

		wk[i] =
		    (struct worker){a ? "alice@x.test" : "bob@x.test", a ? "alice-pw" : "bob-pw",
		                    a ? alice_dn : bob_dn, a ? alice_mailbox_id : NULL, 0};
		test_assert(pthread_create(&th[i], NULL, session_thread, &wk[i]) == 0);
	}
	for (int i = 0; i < THREADS; i++) {
		pthread_join(th[i], NULL);
		failures += wk[i].failures;
	}
	test_assert_int(failures, 0);
	test_end();
}

static void test_headers(TALLOC_CTX *mem_ctx, struct mht_client *c)
{
	struct mht_resp hr;
	struct mht_req r = {.path = EMS, .type = "PING"};

	test_begin("transport: missing and invalid headers answer their X-ResponseCode");
	r.type = NULL;
	test_assert(mht_request(c, mem_ctx, &r, &hr) == 0 && hr.response_code == 7);
	test_assert_int(hr.status, 200);
	test_assert(hr.raw != NULL && strstr(hr.raw, "Missing Header") != NULL);
	r.type = "Frobnicate";
	test_assert(mht_request(c, mem_ctx, &r, &hr) == 0 && hr.response_code == 5);
	test_assert_str(mht_header(&hr, "X-RequestType"), "Frobnicate");
	r.type = "Bind"; /* an NSPI type is not an EMSMDB one */
	test_assert(mht_request(c, mem_ctx, &r, &hr) == 0 && hr.response_code == 5);
	r.type = "Connect";
	r.no_request_id = true;
	test_assert(mht_request(c, mem_ctx, &r, &hr) == 0 && hr.response_code == 7);
	test_assert(mht_header(&hr, "X-ClientInfo") != NULL);
	r.no_request_id = false;
	r.no_client_info = true;
	test_assert(mht_request(c, mem_ctx, &r, &hr) == 0 && hr.response_code == 7);
	test_assert(mht_header(&hr, "X-RequestId") != NULL);
	r.no_client_info = false;
	r.content_type = "";
	test_assert(mht_request(c, mem_ctx, &r, &hr) == 0 && hr.response_code == 7);
	r.content_type = "text/plain";
	test_assert(mht_request(c, mem_ctx, &r, &hr) == 0 && hr.response_code == 4);
	r.content_type = NULL;
	r.method = "PUT";
	test_assert(mht_request(c, mem_ctx, &r, &hr) == 0 && hr.response_code == 2);
	test_assert_int(hr.status, 200);
	r.method = NULL;
	r.body = (const uint8_t *)"\x01\x02";
	r.body_len = 2;
	test_assert(mht_request(c, mem_ctx, &r, &hr) == 0 && hr.response_code == 12);
	test_end();
}

/* A request whose declared body exceeds [limits] max_body_size. */
static void test_too_large(TALLOC_CTX *mem_ctx, struct mht_client *c)
{
	struct sockaddr_in sa = {.sin_family = AF_INET,
	                         .sin_port = htons((uint16_t)daemon_.port),
	                         .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	char *head = talloc_asprintf(mem_ctx,
	                             "POST " EMS " HTTP/1.1\r\nHost: localhost\r\n"
	                             "Authorization: %s\r\nContent-Type: application/mapi-http\r\n"
	                             "X-RequestType: Execute\r\nX-RequestId: {1}:1\r\n"
	                             "X-ClientInfo: {2}:1\r\nContent-Length: 10000000\r\n\r\n",
	                             c->auth);
	char buf[4096] = "";
	ssize_t n = -1;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	test_begin("transport: a body beyond the limit is Too Large (9)");
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	    send(fd, head, strlen(head), MSG_NOSIGNAL) == (ssize_t)strlen(head))
		n = recv(fd, buf, sizeof(buf) - 1, MSG_WAITALL);
	if (n > 0)
		buf[n] = '\0';
	test_assert(strncmp(buf, "HTTP/1.1 200", 12) == 0);
	test_assert(strstr(buf, "X-ResponseCode: 9\r\n") != NULL);
	if (fd >= 0)
		close(fd);
	test_end();
}

static void test_ping(TALLOC_CTX *mem_ctx, struct mht_client *c)
{
	struct mht_resp hr;

	test_begin("PING: framed answer without a context");
	test_assert(mht_ems_post(c, mem_ctx, "PING", NULL, 0, &hr) == 0);
	test_assert_int(hr.response_code, 0);
	test_assert(hr.chunked && hr.framed && hr.elapsed_time && hr.start_time);
	test_assert_int(hr.body_len, 0);
	test_assert_str(mht_header(&hr, "Content-Type"), "application/mapi-http");
	test_assert(mht_header(&hr, "X-ServerApplication") != NULL);
	test_end();
}

static void test_connect(TALLOC_CTX *mem_ctx, struct mht_client *c, struct mht_client *bob)
{
	struct mh_connect_resp resp;
	struct mht_resp hr;

	test_begin("Connect to the own mailbox: context, sequence, headers, body");
	test_assert_int(connect_as(c, mem_ctx, alice_dn, &resp, &hr), 0);
	test_assert(hr.chunked && hr.framed && hr.elapsed_time && hr.start_time);
	test_assert_int(resp.status_code, 0);
	test_assert_int(resp.error_code, 0);
	test_assert_str(resp.display_name, "Alice Example");
	test_assert(resp.dn_prefix != NULL);
	test_assert(mht_cookie(c, "/mapi/emsmdb", "MapiContext") != NULL);
	test_assert(mht_cookie(c, "/mapi/emsmdb", "MapiSequence") != NULL);
	test_assert_str(mht_header(&hr, "X-ExpirationInfo"), "3000");
	test_assert_str(mht_header(&hr, "X-PendingPeriod"), "300");
	test_assert_str(mht_header(&hr, "X-RequestType"), "Connect");
	test_assert(mht_header(&hr, "X-RequestId") != NULL &&
	            mht_header(&hr, "X-ClientInfo") != NULL);
	test_end();

	test_begin("Connect with another user's UserDn is refused, no context made");
	mht_cookies_clear(bob);
	test_assert_int(connect_as(bob, mem_ctx, alice_dn, &resp, &hr), 0);
	test_assert(resp.error_code != 0);
	test_assert(hr.framed);
	{
		uint32_t ret, handle;

		/* The cookie of the refused Connect names no context. */
		test_assert(mht_cookie(bob, "/mapi/emsmdb", "MapiContext") != NULL);
		test_assert_int(execute_logon(bob, mem_ctx, bob_dn, &ret, &handle), 10);
	}
	test_end();
}

static void test_execute_sequence(TALLOC_CTX *mem_ctx, struct mht_client *c)
{
	char *seq0 = talloc_strdup(mem_ctx, mht_cookie(c, "/mapi/emsmdb", "MapiSequence"));
	char *ctx = talloc_strdup(mem_ctx, mht_cookie(c, "/mapi/emsmdb", "MapiContext"));
	uint32_t ret, handle;

	test_begin("Execute RopLogon end to end; the sequence cookie rotates");
	test_assert_int(execute_logon(c, mem_ctx, alice_dn, &ret, &handle), 0);
	test_assert_int(ret, 0);
	test_assert(handle != 0xFFFFFFFF);
	test_assert(seq0 != NULL &&
	            strcmp(seq0, mht_cookie(c, "/mapi/emsmdb", "MapiSequence")) != 0);
	test_assert_str(mht_cookie(c, "/mapi/emsmdb", "MapiContext"), ctx);
	test_assert_int(execute_logon(c, mem_ctx, alice_dn, &ret, &handle), 0);
	test_assert_int(ret, 0);
	test_end();

	test_begin("Execute: stale, missing sequence; missing, malformed, unknown context");
	{
		char *cur = talloc_strdup(mem_ctx, mht_cookie(c, "/mapi/emsmdb", "MapiSequence"));

		mht_cookie_set(c, "/mapi/emsmdb", "MapiSequence", seq0); /* replayed */
		test_assert_int(execute_logon(c, mem_ctx, alice_dn, &ret, &handle), 15);
		mht_cookie_set(c, "/mapi/emsmdb", "MapiSequence", "");
		test_assert_int(execute_logon(c, mem_ctx, alice_dn, &ret, &handle), 13);
		mht_cookie_set(c, "/mapi/emsmdb", "MapiSequence", cur);
		mht_cookie_set(c, "/mapi/emsmdb", "MapiContext", "");
		test_assert_int(execute_logon(c, mem_ctx, alice_dn, &ret, &handle), 13);
		mht_cookie_set(c, "/mapi/emsmdb", "MapiContext", "not-a-context");
		test_assert_int(execute_logon(c, mem_ctx, alice_dn, &ret, &handle), 6);
		mht_cookie_set(c, "/mapi/emsmdb", "MapiContext",
		               "0123456789abcdef0123456789abcdef");
		test_assert_int(execute_logon(c, mem_ctx, alice_dn, &ret, &handle), 10);
		/* The refusals changed nothing: the real cookies still work. */
		mht_cookie_set(c, "/mapi/emsmdb", "MapiContext", ctx);
		test_assert_int(execute_logon(c, mem_ctx, alice_dn, &ret, &handle), 0);
		test_assert_int(ret, 0);
	}
	test_end();
}

static void test_other_user_and_mailbox(TALLOC_CTX *mem_ctx, struct mht_client *c,
                                        struct mht_client *bob)
{
	uint32_t ret, handle;

	test_begin("a context presented by another user is not found, and logged");
	mht_cookies_clear(bob);
	mht_cookie_set(bob, "/mapi/emsmdb", "MapiContext",
	               mht_cookie(c, "/mapi/emsmdb", "MapiContext"));
	mht_cookie_set(bob, "/mapi/emsmdb", "MapiSequence",
	               mht_cookie(c, "/mapi/emsmdb", "MapiSequence"));
	bob->mailbox_id = c->mailbox_id;
	test_assert_int(execute_logon(bob, mem_ctx, bob_dn, &ret, &handle), 10);
	test_assert(mht_log_contains(&daemon_, "context-other-user ep=emsmdb type=Execute "
	                                       "user=bob@x.test owner=alice@x.test"));
	/* alice's sequence was not consumed by bob's attempt */
	test_assert_int(execute_logon(c, mem_ctx, alice_dn, &ret, &handle), 0);
	test_end();

	test_begin("a context used under another MailboxId is not found");
	c->mailbox_id = talloc_strdup(c, "00000000-0000-0000-0000-000000000001@x.test");
	test_assert_int(execute_logon(c, mem_ctx, alice_dn, &ret, &handle), 10);
	test_assert(mht_log_contains(&daemon_, "context-mailbox-mismatch ep=emsmdb"));
	c->mailbox_id = alice_mailbox_id;
	test_assert_int(execute_logon(c, mem_ctx, alice_dn, &ret, &handle), 0);
	test_end();
}

static void test_notification_wait(TALLOC_CTX *mem_ctx, struct mht_client *c)
{
	struct mh_notification_wait_req req = {0};
	struct mh_notification_wait_resp resp;
	struct rop_push p;
	struct mht_resp hr;
	double t0 = now_s(), dt;

	test_begin("NotificationWait: held for the wait period with PENDING keep-alives");
	rop_push_init_growable(&p, mem_ctx);
	test_assert(mh_notification_wait_req_push(&p, &req) == ROP_OK);
	test_assert(mht_ems_post(c, mem_ctx, "NotificationWait", p.data, p.ofs, &hr) == 0);
	dt = now_s() - t0;
	test_assert_int(hr.response_code, 0);
	test_assert(hr.framed);
	test_assert(dt >= 1.8 && dt < 6.0);
	test_assert(hr.pending >= 3); /* 300 ms period over 2 s */
	test_assert(mh_notification_wait_resp_pull(mem_ctx, hr.body, hr.body_len, &resp) == ROP_OK);
	test_assert_int(resp.status_code, 0);
	test_assert_int(resp.event_pending, 0);
	test_end();
}

static void test_many_disconnect_expiry(TALLOC_CTX *mem_ctx, struct mht_client *c)
{
	struct mht_client *c2 = mht_client_new(mem_ctx, daemon_.port, "alice@x.test", "alice-pw");
	struct mh_disconnect_req dreq = {{NULL, 0}};
	struct mh_disconnect_resp dresp;
	struct mh_connect_resp resp;
	struct rop_push p;
	struct mht_resp hr;
	uint32_t ret, handle;

	test_begin("several contexts per user, each its own");
	c2->mailbox_id = alice_mailbox_id;
	test_assert_int(connect_as(c2, mem_ctx, alice_dn, &resp, &hr), 0);
	test_assert_int(resp.error_code, 0);
	test_assert(strcmp(mht_cookie(c2, "/mapi/emsmdb", "MapiContext"),
	                   mht_cookie(c, "/mapi/emsmdb", "MapiContext")) != 0);
	test_assert_int(execute_logon(c2, mem_ctx, alice_dn, &ret, &handle), 0);
	test_assert_int(execute_logon(c, mem_ctx, alice_dn, &ret, &handle), 0);
	test_end();

	test_begin("Disconnect frees the context");
	rop_push_init_growable(&p, mem_ctx);
	test_assert(mh_disconnect_req_push(&p, &dreq) == ROP_OK);
	{
		char *ctx = talloc_strdup(mem_ctx, mht_cookie(c2, "/mapi/emsmdb", "MapiContext"));
		char *seq = talloc_strdup(mem_ctx, mht_cookie(c2, "/mapi/emsmdb", "MapiSequence"));

		test_assert(mht_ems_post(c2, mem_ctx, "Disconnect", p.data, p.ofs, &hr) == 0);
		test_assert_int(hr.response_code, 0);
		test_assert(mh_disconnect_resp_pull(mem_ctx, hr.body, hr.body_len, &dresp) ==
		            ROP_OK);
		test_assert_int(dresp.error_code, 0);
		mht_cookie_set(c2, "/mapi/emsmdb", "MapiContext", ctx);
		mht_cookie_set(c2, "/mapi/emsmdb", "MapiSequence", seq);
		test_assert_int(execute_logon(c2, mem_ctx, alice_dn, &ret, &handle), 10);
	}
	test_end();

	test_begin("Disconnect answers the context's held NotificationWait");
	{
		struct mht_client *c3 =
		    mht_client_new(mem_ctx, daemon_.port, "alice@x.test", "alice-pw");
		struct waiter w = {.c = c3, .mem_ctx = talloc_new(NULL)};
		pthread_t th;

		c3->mailbox_id = alice_mailbox_id;
		test_assert_int(connect_as(c3, mem_ctx, alice_dn, &resp, &hr), 0);
		test_assert(pthread_create(&th, NULL, notification_wait_thread, &w) == 0);
		usleep(300000);
		test_assert(mht_ems_post(c3, mem_ctx, "Disconnect", p.data, p.ofs, &hr) == 0);
		test_assert_int(hr.response_code, 0);
		pthread_join(th, NULL);
		test_assert_int(w.code, 0);
		test_assert_int(w.event_pending, 0);
		test_assert(w.seconds < 1.2); /* the wait period is 2 s */
		talloc_free(w.mem_ctx);
	}
	test_end();

	test_begin("an idle context expires (session_timeout = 3)");
	sleep(4);
	test_assert_int(execute_logon(c, mem_ctx, alice_dn, &ret, &handle), 10);
	test_assert(mht_log_contains(&daemon_, "context-expired ep=emsmdb user=alice@x.test"));
	test_end();
}

int main(int argc, char **argv)
{
	TALLOC_CTX *root = talloc_new(NULL);
	struct mht_client *alice, *bob;
	char *dir;

	if (argc != 3) {
		fprintf(stderr, "usage: %s MAPIHTTPD MAPIADMIN\n", argv[0]);
		return 2;
	}
	mapihttpd = argv[1];
	mapiadmin = argv[2];
	log_set_level(LOG_LEVEL_WARN);
	dir = mht_tempdir(root);
	test_begin("provision and start the daemon");
	test_assert(dir != NULL && provision(root, dir) == 0);
	test_assert(mht_daemon_start(root, mapihttpd, dir, CONFIG, &daemon_) == 0);
	test_end();
	if (daemon_.pid <= 0)
		return test_exit();
	alice = mht_client_new(root, daemon_.port, "alice@x.test", "alice-pw");
	bob = mht_client_new(root, daemon_.port, "bob@x.test", "bob-pw");
	alice->mailbox_id = alice_mailbox_id;
	test_headers(root, alice);
	test_too_large(root, alice);
	test_ping(root, alice);
	test_connect(root, alice, bob);
	test_execute_sequence(root, alice);
	test_other_user_and_mailbox(root, alice, bob);
	test_notification_wait(root, alice);
	test_notification_event(root);
	test_concurrent();
	test_many_disconnect_expiry(root, alice);
	test_begin("SIGTERM answers a held NotificationWait at once and stops cleanly");
	{
		struct mht_client *c = mht_client_new(root, daemon_.port, "bob@x.test", "bob-pw");
		struct waiter w = {.c = c, .mem_ctx = talloc_new(NULL)};
		struct mh_connect_resp resp;
		struct mht_resp hr;
		pthread_t th;

		test_assert_int(connect_as(c, root, bob_dn, &resp, &hr), 0);
		test_assert(pthread_create(&th, NULL, notification_wait_thread, &w) == 0);
		usleep(300000);
		test_assert_int(mht_daemon_stop(&daemon_), 0);
		pthread_join(th, NULL);
		test_assert_int(w.code, 0);
		test_assert_int(w.event_pending, 0);
		test_assert(w.seconds < 1.2); /* the wait period is 2 s */
		talloc_free(w.mem_ctx);
	}
	test_end();
	mht_cleanup(dir, &daemon_, test_failed_total_ != 0);
	talloc_free(root);
	return test_exit();
}
