/*
 * Fuzz target: the MAPI/HTTP request layer (mh_layer.h) driven with a fake
 * request, over a real address book and EMSMDB engine (a small directory
 * and store made once per process).  Input:
 *
 *   byte 0   the request: NSPI type 0..18, then Execute, Connect,
 *            Disconnect, PING of EMSMDB
 *   byte 1   header mischief: 0x01 no context cookie, 0x02 stale sequence,
 *            0x04 another user, 0x08 no X-RequestId, 0x10 other MailboxId,
 *            0x20 wrong Content-Type
 *   rest     the request body
 *
 * Invariants: exactly one answer (a transport error, or a stream that
 * starts with PROCESSING, ends with DONE and the trailers, and is
 * finished); a successful answer's body decodes with the response codec.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addrbook.h"
#include "directory.h"
#include "emsmdb.h"
#include "log.h"
#include "mh_layer.h"
#include "mh_nspi.h"
#include "rop.h"
#include "rpc_ext.h"
#include "store.h"

#define EMS_FIRST NSPI_REQUEST_TYPE_COUNT
#define SELECTORS (NSPI_REQUEST_TYPE_COUNT + 4)
static const char *const ems_types[] = {"Execute", "Connect", "Disconnect", "PING"};

struct sink {
	int errors, starts, finishes;
	char *data;
	size_t len;
	char context[64], sequence[64];
};

static struct fuzz_env {
	char dir[64];
	struct directory *dir_h;
	struct store *store;
	struct addrbook *ab;
	struct ems_server *ems;
	struct mh_server *mh;
	TALLOC_CTX *root; /* what the set-up keeps */
	char *alice_dn;
	char nspi_ctx[64], ems_ctx[64], ems_seq[64];
} env;

static void cookie_take(char *dst, const char *v, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(v, name, n) == 0 && v[n] == '=') {
		size_t len = strcspn(v + n + 1, ";");

		if (len < 63) {
			memcpy(dst, v + n + 1, len);
			dst[len] = '\0';
		}
	}
}

static int s_header(void *ctx, const char *name, const char *value)
{
	struct sink *s = ctx;

	if (strcmp(name, "Set-Cookie") == 0) {
		cookie_take(s->context, value, "MapiContext");
		cookie_take(s->sequence, value, "MapiSequence");
	}
	return 0;
}

static int s_error(void *ctx, const char *text)
{
	((struct sink *)ctx)->errors++;
	return 0;
}

static int s_start(void *ctx)
{
	((struct sink *)ctx)->starts++;
	return 0;
}

static int s_write(void *ctx, const void *data, size_t len)
{
	struct sink *s = ctx;

	s->data = realloc(s->data, s->len + len + 1);
	if (s->data == NULL)
		abort();
	memcpy(s->data + s->len, data, len);
	s->len += len;
	s->data[s->len] = '\0';
	return 0;
}

static void s_finish(void *ctx)
{
	((struct sink *)ctx)->finishes++;
}

static const struct mh_out_ops ops = {s_header, s_error, s_start, s_write, s_finish, NULL};

static void cleanup(void)
{
	char cmd[128];

	mh_server_free(&env.mh);
	talloc_free(env.ems);
	addrbook_deinit(&env.ab);
	store_close(&env.store);
	directory_close(&env.dir_h);
	talloc_free(env.root);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", env.dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", env.dir);
}

/* One call through the layer; the sink holds the answer. */
static void call(enum mh_endpoint ep, const char *type, const char *user, const char *cookies,
                 const uint8_t *body, size_t len, struct sink *s)
{
	struct mh_in in = {.endpoint = ep,
	                   .auth_user = user,
	                   .content_type = "application/mapi-http",
	                   .request_type = type,
	                   .request_id = "{00000000-0000-0000-0000-000000000001}:1",
	                   .client_info = "{00000000-0000-0000-0000-000000000002}:1",
	                   .cookies = cookies,
	                   .peer = "fuzz",
	                   .body = body,
	                   .body_len = len};

	memset(s, 0, sizeof(*s));
	mh_handle(env.mh, &in, &ops, s);
}

/* A RopLogon of alice's mailbox on the EMSMDB context, so that fuzzed
 * Execute bodies find a logon (handle 0 of its first object) to act on. */
static void logon(void)
{
	struct rop_request q = {.rop_id = ROP_ID_Logon};
	uint32_t h[1] = {0xFFFFFFFF};
	struct mh_execute_req er = {.flags = 3, .max_rop_out = 0x40000};
	struct rop_push rops, ext, body;
	char cookies[160];
	struct sink s;

	q.u.logon.logon_flags = 0x01;
	q.u.logon.open_flags = 0x0100040C;
	q.u.logon.essdn = env.alice_dn;
	rop_push_init_growable(&rops, NULL);
	rop_push_init_growable(&ext, rops.mem_ctx);
	rop_push_init_growable(&body, rops.mem_ctx);
	if (rop_push_request(&rops, &q) != ROP_OK ||
	    rpc_ext_encode_rop_buffer(&ext, rops.data, rops.ofs, h, 1, RPC_EXT_ENCODE_LAST) !=
	        ROP_OK)
		abort();
	er.rop_buffer.data = ext.data;
	er.rop_buffer.len = (uint32_t)ext.ofs;
	if (mh_execute_req_push(&body, &er) != ROP_OK)
		abort();
	snprintf(cookies, sizeof(cookies), "MapiContext=%s; MapiSequence=%s", env.ems_ctx,
	         env.ems_seq);
	call(MH_EP_EMSMDB, "Execute", "alice@x.test", cookies, body.data, body.ofs, &s);
	if (s.sequence[0] == '\0')
		abort();
	memcpy(env.ems_seq, s.sequence, sizeof(env.ems_seq));
	free(s.data);
	talloc_free(rops.data);
	talloc_free(ext.data);
	talloc_free(body.data);
}

static void open_sessions(void)
{
	struct nspi_stat st = {.code_page = 1252, .template_locale = 0x409, .sort_locale = 0x409};
	struct nspi_bind_req b = {.state = &st};
	struct mh_connect_req c = {.user_dn = env.alice_dn, .default_code_page = 1252};
	struct rop_push p;
	struct sink s;

	if (env.nspi_ctx[0] == '\0') {
		rop_push_init_growable(&p, NULL);
		if (nspi_req_push(&p, NSPI_BIND, &b) != ROP_OK)
			abort();
		call(MH_EP_NSPI, "Bind", "alice@x.test", NULL, p.data, p.ofs, &s);
		memcpy(env.nspi_ctx, s.context, sizeof(env.nspi_ctx));
		free(s.data);
		talloc_free(p.data);
	}
	if (env.ems_ctx[0] == '\0') {
		rop_push_init_growable(&p, NULL);
		if (mh_connect_req_push(&p, &c) != ROP_OK)
			abort();
		call(MH_EP_EMSMDB, "Connect", "alice@x.test", NULL, p.data, p.ofs, &s);
		memcpy(env.ems_ctx, s.context, sizeof(env.ems_ctx));
		memcpy(env.ems_seq, s.sequence, sizeof(env.ems_seq));
		free(s.data);
		talloc_free(p.data);
		logon();
	}
	if (env.nspi_ctx[0] == '\0' || env.ems_ctx[0] == '\0')
		abort(); /* the set-up itself must work */
}

static void setup(void)
{
	struct mh_settings ms = {
	    .session_timeout = 900, .pending_period_ms = 15000, .notify_wait = 300};
	struct addrbook_settings as = {.base_url = "https://mail.x.test"};
	struct store_settings ss = {.nosync = true};
	const char *error = NULL;
	struct dir_user *u;

	log_set_level(LOG_LEVEL_ERROR);
	env.root = talloc_new(NULL);
	snprintf(env.dir, sizeof(env.dir), "%s/fuzz-mapi-XXXXXX",
	         access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	if (mkdtemp(env.dir) == NULL || directory_open(env.root, env.dir, &env.dir_h, &error) < 0 ||
	    directory_domain_add(env.dir_h, "x.test", &error) < 0 ||
	    store_open(env.root, env.dir, &ss, &env.store, &error) < 0)
		goto fail;
	for (int i = 0; i < 12; i++) {
		char addr[32], name[32];
		struct store_mailbox_params mp = {.owner_name = name};

		snprintf(addr, sizeof(addr), i == 0 ? "alice@x.test" : "u%02d@x.test", i);
		snprintf(name, sizeof(name), i == 0 ? "Alice Example" : "User %02d", i);
		if (directory_user_add(env.dir_h, NULL, addr, name, NULL, &u, &error) < 0)
			goto fail;
		mp.mailbox_guid = u->mailbox_guid;
		mp.owner_dn = u->legacy_dn;
		if (store_mailbox_create(env.store, &mp, &error) < 0)
			goto fail;
		if (i == 0)
			env.alice_dn = talloc_strdup(env.root, u->legacy_dn);
		talloc_free(u);
	}
	if (addrbook_init(env.root, env.dir_h, &as, &env.ab, &error) < 0 ||
	    ems_server_new(env.root, env.store, env.dir_h, "localhost", &env.ems, &error) < 0 ||
	    mh_server_new(env.root, &ms, env.ab, env.ems, &env.mh, &error) < 0)
		goto fail;
	atexit(cleanup);
	open_sessions();
	return;
fail:
	fprintf(stderr, "fuzz set-up: %s\n", error != NULL ? error : "?");
	abort();
}

/* The answer is well-formed; returns the binary body of a success. */
static const uint8_t *check_answer(const struct sink *s, size_t *len_r)
{
	const char *done;

	if (s->errors + s->starts != 1 || s->finishes != s->starts)
		abort();
	if (s->errors == 1)
		return NULL;
	if (s->len < 12 || memcmp(s->data, "PROCESSING\r\n", 12) != 0)
		abort();
	done = strstr(s->data, "DONE\r\nX-ElapsedTime: ");
	if (done == NULL || strstr(done, "\r\nX-StartTime: ") == NULL)
		abort();
	done = strstr(done, "\r\n\r\n");
	if (done == NULL)
		abort();
	*len_r = s->len - (size_t)(done + 4 - s->data);
	return (const uint8_t *)done + 4;
}

/* Unbind / Disconnect of the context id on its endpoint. */
static void end_context(bool nspi, const char *id)
{
	struct nspi_unbind_req u = {0};
	struct mh_disconnect_req d = {{NULL, 0}};
	char cookies[96];
	struct rop_push p;
	struct sink s;

	rop_push_init_growable(&p, NULL);
	if ((nspi ? nspi_req_push(&p, NSPI_UNBIND, &u) : mh_disconnect_req_push(&p, &d)) != ROP_OK)
		abort();
	snprintf(cookies, sizeof(cookies), "MapiContext=%s", id);
	call(nspi ? MH_EP_NSPI : MH_EP_EMSMDB, nspi ? "Unbind" : "Disconnect", "alice@x.test",
	     cookies, p.data, p.ofs, &s);
	free(s.data);
	talloc_free(p.data);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TALLOC_CTX *tmp;
	const uint8_t *body;
	size_t blen = 0;
	char cookies[256];
	unsigned sel;
	uint8_t mis;
	struct sink s;
	bool nspi;

	if (size < 2)
		return 0;
	if (env.mh == NULL)
		setup();
	sel = data[0] % SELECTORS;
	mis = data[1];
	nspi = sel < EMS_FIRST;
	snprintf(cookies, sizeof(cookies), "MapiContext=%s; MapiSequence=%s",
	         (mis & 0x01) ? "" : (nspi ? env.nspi_ctx : env.ems_ctx),
	         (mis & 0x02) ? "0000000000000000" : env.ems_seq);
	{
		struct mh_in in = {
		    .endpoint = nspi ? MH_EP_NSPI : MH_EP_EMSMDB,
		    .auth_user = (mis & 0x04) ? "u01@x.test" : "alice@x.test",
		    .content_type = (mis & 0x20) ? "text/plain" : "application/mapi-http",
		    .request_type = nspi ? nspi_request_name(sel) : ems_types[sel - EMS_FIRST],
		    .request_id = (mis & 0x08) ? NULL : "{00000000-0000-0000-0000-000000000001}:7",
		    .client_info = "{00000000-0000-0000-0000-000000000002}:1",
		    .cookies = cookies,
		    .mailbox_id = (mis & 0x10) ? "other@x.test" : NULL,
		    .peer = "fuzz",
		    .body = data + 2,
		    .body_len = size - 2};

		memset(&s, 0, sizeof(s));
		mh_handle(env.mh, &in, &ops, &s);
	}
	body = check_answer(&s, &blen);
	tmp = talloc_new(NULL);
	if (body != NULL && nspi) {
		void *resp = talloc_zero_size(tmp, nspi_resp_size(sel));

		/* What the server encodes, its codec decodes. */
		if (nspi_resp_pull(tmp, sel, body, blen, resp) != ROP_OK)
			abort();
	} else if (body != NULL && sel == EMS_FIRST) {
		struct mh_execute_resp er;

		if (mh_execute_resp_pull(tmp, body, blen, &er) != ROP_OK)
			abort();
	}
	talloc_free(tmp);
	if (s.sequence[0] != '\0')
		memcpy(env.ems_seq, s.sequence, sizeof(env.ems_seq));
	/* A context the input made (Bind, Connect) is ended again, so that
	 * contexts do not pile up over millions of runs. */
	if (s.context[0] != '\0')
		end_context(nspi, s.context);
	/* Unbind / Disconnect that succeeded: start again. */
	if (body != NULL && (sel == NSPI_UNBIND || sel == EMS_FIRST + 2)) {
		if (sel == NSPI_UNBIND)
			env.nspi_ctx[0] = '\0';
		else
			env.ems_ctx[0] = '\0';
		open_sessions();
	}
	free(s.data);
	return 0;
}
