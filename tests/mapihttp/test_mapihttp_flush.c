/*
 * When the parts of a MAPI/HTTP answer leave ([MS-OXCMAPIHTTP] 2.2.7)
 * against the real daemon: an answer ready at once is held and sent whole,
 * so a request that is still running must still get its headers and
 * PROCESSING soon, not only when it ends.  A NotificationWait held for 600
 * seconds (no PENDING before 60 s) must show PROCESSING while nothing has
 * ended it; only then is the context disconnected, which answers the wait
 * (DONE, EventPending 0).  A quick Execute comes whole, PROCESSING then
 * DONE, on one keep-alive connection, twice.
 *
 *   test_mapihttp_flush MAPIHTTPD MAPIADMIN
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "log.h"
#include "mh_emsmdb.h"
#include "mh_testsess.h"
#include "rop.h"
#include "rpc_ext.h"
#include "test.h"

#define CONFIG "[mapi]\nnotification_wait = 600\npending_period = 60000\n"
/* Guards a read against a hang; not a figure under test. */
#define READ_GUARD_S 30

static struct mht_daemon daemon_;

/* A raw keep-alive connection, reading with a hang guard. */
static int raw_open(void)
{
	struct sockaddr_in sa = {.sin_family = AF_INET,
	                         .sin_port = htons((uint16_t)daemon_.port),
	                         .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct timeval tv = {.tv_sec = READ_GUARD_S};
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int raw_post(int fd, struct mht_client *c, const char *type, const uint8_t *body, size_t len)
{
	char head[2048];
	const char *ctx = mht_cookie(c, "/mapi/emsmdb", "MapiContext");
	const char *seq = mht_cookie(c, "/mapi/emsmdb", "MapiSequence");
	int n = snprintf(head, sizeof(head),
	                 "POST /mapi/emsmdb/?MailboxId=%s HTTP/1.1\r\nHost: localhost\r\n"
	                 "Authorization: %s\r\nContent-Type: application/mapi-http\r\n"
	                 "Content-Length: %zu\r\nX-RequestType: %s\r\n"
	                 "X-RequestId: {0D9B8E2C-3A41-4C5E-8F70-1A2B3C4D5E6F}:%u\r\n"
	                 "X-ClientInfo: {5E6F7A8B-9C0D-4E1F-A2B3-C4D5E6F7A8B9}:1\r\n"
	                 "Cookie: MapiContext=%s; MapiSequence=%s\r\n\r\n",
	                 c->mailbox_id, c->auth, len, type, ++c->request_counter,
	                 ctx != NULL ? ctx : "", seq != NULL ? seq : "");

	if (n <= 0 || (size_t)n >= sizeof(head) || send(fd, head, (size_t)n, 0) != n ||
	    send(fd, body, len, 0) != (ssize_t)len)
		return -1;
	return 0;
}

/* Reads into buf (NUL-terminated) until it holds text; the bytes held. */
static size_t read_until(int fd, char *buf, size_t cap, size_t have, const char *text)
{
	while (memmem(buf, have, text, strlen(text)) == NULL && have + 1 < cap) {
		ssize_t r = recv(fd, buf + have, cap - 1 - have, 0);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		have += (size_t)r;
	}
	buf[have] = '\0';
	return have;
}

static void held_wait_shows_processing(TALLOC_CTX *mem, struct mht_client *c)
{
	struct mh_notification_wait_req w = {0};
	struct mh_disconnect_req d = {{NULL, 0}};
	struct rop_push p, pd;
	struct mht_resp hr;
	char buf[8192];
	size_t have = 0;
	int fd = raw_open();

	test_begin("a held NotificationWait sends its headers and PROCESSING before it ends");
	rop_push_init_growable(&p, mem);
	test_assert(mh_notification_wait_req_push(&p, &w) == ROP_OK);
	test_assert(fd >= 0 && raw_post(fd, c, "NotificationWait", p.data, p.ofs) == 0);
	if (fd >= 0)
		have = read_until(fd, buf, sizeof(buf), 0, "PROCESSING\r\n");
	test_assert(strncmp(buf, "HTTP/1.1 200", 12) == 0);
	test_assert(strstr(buf, "X-ResponseCode: 0\r\n") != NULL);
	test_assert(strstr(buf, "PROCESSING\r\n") != NULL);
	test_assert(strstr(buf, "DONE\r\n") == NULL); /* nothing ended it yet */
	test_end();

	test_begin("Disconnect then answers the wait: DONE, EventPending 0");
	rop_push_init_growable(&pd, mem);
	test_assert(mh_disconnect_req_push(&pd, &d) == ROP_OK);
	test_assert(mht_ems_post(c, mem, "Disconnect", pd.data, pd.ofs, &hr) == 0);
	test_assert_int(hr.response_code, 0);
	if (fd >= 0)
		have = read_until(fd, buf, sizeof(buf), have, "\r\n0\r\n\r\n");
	char *done = strstr(buf, "DONE\r\n");
	char *body = done != NULL ? strstr(done, "\r\n\r\n") : NULL;
	test_assert(done != NULL && body != NULL);
	/* one HTTP chunk holds DONE, its headers and the body; then the last
	 * chunk, "\r\n0\r\n\r\n" */
	if (body != NULL && have >= (size_t)(body + 4 - buf) + 7) {
		struct mh_notification_wait_resp resp;
		const uint8_t *b = (const uint8_t *)body + 4;
		size_t len = have - (size_t)(body + 4 - buf) - 7;

		test_assert(mh_notification_wait_resp_pull(mem, b, len, &resp) == ROP_OK);
		test_assert_int(resp.status_code, 0);
		test_assert_int(resp.event_pending, 0);
	}
	test_end();
	if (fd >= 0)
		close(fd);
}

static void quick_answer_whole(TALLOC_CTX *mem, struct mht_client *c, const char *user_dn)
{
	struct rop_request q = mht_logon_rq(user_dn, 0);
	uint32_t h[1] = {0xFFFFFFFF};
	struct mh_execute_req req = {.flags = RPC_EXT_PUL_NOXORMAGIC, .max_rop_out = 0x10000};
	struct rop_push rops, ext, body;
	char buf[16384];
	int fd = raw_open();

	test_begin("a quick Execute answers PROCESSING then DONE, twice on one connection");
	rop_push_init_growable(&rops, mem);
	rop_push_init_growable(&ext, mem);
	rop_push_init_growable(&body, mem);
	test_assert(rop_push_request(&rops, &q) == ROP_OK);
	test_assert(rpc_ext_encode_rop_buffer(&ext, rops.data, rops.ofs, h, 1,
	                                      RPC_EXT_ENCODE_LAST) == ROP_OK);
	req.rop_buffer.data = ext.data;
	req.rop_buffer.len = (uint32_t)ext.ofs;
	test_assert(mh_execute_req_push(&body, &req) == ROP_OK);
	for (int i = 0; i < 2 && fd >= 0; i++) {
		size_t have;
		char *set, *processing, *done;

		test_assert(raw_post(fd, c, "Execute", body.data, body.ofs) == 0);
		have = read_until(fd, buf, sizeof(buf), 0, "\r\n0\r\n\r\n");
		test_assert(have > 0 && strstr(buf, "X-ResponseCode: 0\r\n") != NULL);
		processing = strstr(buf, "PROCESSING\r\n");
		done = strstr(buf, "DONE\r\n");
		test_assert(processing != NULL && done != NULL && processing < done);
		/* the next Execute needs the sequence cookie this one set */
		set = strstr(buf, "MapiSequence=");
		test_assert(set != NULL);
		if (set != NULL) {
			char seq[64];
			size_t n = strcspn(set + 13, ";\r");

			snprintf(seq, sizeof(seq), "%.*s", (int)(n < 63 ? n : 63), set + 13);
			mht_cookie_set(c, "/mapi/emsmdb", "MapiSequence", seq);
		}
	}
	test_end();
	if (fd >= 0)
		close(fd);
}

int main(int argc, char **argv)
{
	TALLOC_CTX *root = talloc_new(NULL);
	struct mht_user alice = {
	    .address = "alice@x.test", .name = "Alice Example", .password = "alice-pw"};
	struct mh_connect_resp cresp;
	struct mht_client *c = NULL;
	struct mht_resp hr;
	char *dir;

	if (argc != 3) {
		fprintf(stderr, "usage: %s MAPIHTTPD MAPIADMIN\n", argv[0]);
		return 2;
	}
	log_set_level(LOG_LEVEL_WARN);
	dir = mht_tempdir(root);
	test_begin("provision, start the daemon, Connect");
	test_assert(dir != NULL && mht_provision(root, argv[2], dir, &alice, 1) == 0);
	test_assert(mht_daemon_start(root, argv[1], dir, CONFIG, &daemon_) == 0);
	if (daemon_.pid > 0) {
		c = mht_client_new(root, daemon_.port, "alice@x.test", "alice-pw");
		c->mailbox_id = alice.mailbox_id;
		test_assert_int(mht_ems_connect(c, root, alice.legacy_dn, NULL, &cresp, &hr), 0);
		test_assert_int(cresp.error_code, 0);
	}
	test_end();
	if (daemon_.pid <= 0)
		return test_exit();
	quick_answer_whole(root, c, alice.legacy_dn);
	held_wait_shows_processing(root, c);
	test_begin("the daemon stops cleanly");
	test_assert_int(mht_daemon_stop(&daemon_), 0);
	test_end();
	mht_cleanup(dir, &daemon_, test_failed_total_ != 0);
	talloc_free(root);
	return test_exit();
}
