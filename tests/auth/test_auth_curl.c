/*
 * End-to-end test of auth/auth_http with real clients: a small
 * libmicrohttpd server on 127.0.0.1 keeps one auth_http_conn per TCP
 * connection (as the daemon must), and Debian's curl talks to it with
 * --ntlm and --negotiate (tickets from the KDC of kdc_run.sh).  A raw
 * socket client checks the connection binding of NTLM.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

#include "auth_http.h"
#include "ntlm_client.h"
#include "test.h"

static struct auth_http *ah;
static unsigned short port;
static const char *realm;
/* Negotiate tokens seen: SPNEGO NegTokenInit ("Y": 0x60) or raw NTLMSSP. */
static unsigned spnego_inits, raw_ntlmssp;

static int lookup(void *ctx, TALLOC_CTX *mem_ctx, const char *user, const char *domain,
                  char **address_r, uint8_t nt_hash_r[16])
{
	const struct auth_domain_map *map = ctx;
	int ret = auth_map_ntlm_user(map, mem_ctx, user, domain, address_r);

	if (ret <= 0 || strcmp(*address_r, "alice@example.com") != 0)
		return ret < 0 ? -1 : 0;
	return ntlm_nt_hash("secret", nt_hash_r) == 0 ? 1 : -1;
}

static void notify(void *cls, struct MHD_Connection *conn, void **socket_context,
                   enum MHD_ConnectionNotificationCode code)
{
	if (code == MHD_CONNECTION_NOTIFY_STARTED)
		*socket_context = auth_http_conn_new(NULL, ah);
	else
		talloc_free(*socket_context);
}

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned status, const char *body,
                             const char *www1, const char *www2)
{
	struct MHD_Response *r =
	    MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_MUST_COPY);
	enum MHD_Result ret;

	if (www1 != NULL)
		MHD_add_response_header(r, "WWW-Authenticate", www1);
	if (www2 != NULL)
		MHD_add_response_header(r, "WWW-Authenticate", www2);
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *conn, const char *url,
                               const char *method, const char *version, const char *upload,
                               size_t *upload_size, void **req_cls)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct auth_http_conn *ac = ci->socket_context;
	const char *hdr = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization");
	TALLOC_CTX *tmp;
	char *www, *address, body[256];
	const char *user, *reason;
	enum MHD_Result ret;

	/* First call: headers only; answer on the second. */
	if (*req_cls == NULL) {
		*req_cls = conn;
		return MHD_YES;
	}
	tmp = talloc_new(NULL);
	if (hdr != NULL && strncmp(hdr, "Negotiate Y", 11) == 0)
		spnego_inits++;
	if (hdr != NULL && strncmp(hdr, "Negotiate TlRMTVNT", 18) == 0)
		raw_ntlmssp++;
	if (hdr == NULL && auth_http_conn_address(ac) != NULL) {
		snprintf(body, sizeof(body), "user=%s", auth_http_conn_address(ac));
		ret = reply(conn, 200, body, NULL, NULL);
	} else if (hdr == NULL || !auth_http_handles(ah, hdr)) {
		ret = reply(conn, 401, "", "Negotiate", "NTLM");
	} else {
		switch (auth_http_step(ac, tmp, hdr, &www, &address, &user, &reason)) {
		case AUTH_HTTP_OK:
			snprintf(body, sizeof(body), "user=%s", address);
			ret = reply(conn, 200, body, www, NULL);
			break;
		case AUTH_HTTP_CONTINUE:
			ret = reply(conn, 401, "", www, NULL);
			break;
		case AUTH_HTTP_FAILED:
			fprintf(stderr, "auth failed user=%s reason=%s\n", user ? user : "-",
			        reason);
			ret = reply(conn, 401, "", "Negotiate", "NTLM");
			break;
		case AUTH_HTTP_MALFORMED:
			fprintf(stderr, "auth malformed reason=%s\n", reason);
			ret = reply(conn, 400, "", NULL, NULL);
			break;
		default:
			ret = reply(conn, 500, "", NULL, NULL);
			break;
		}
	}
	talloc_free(tmp);
	return ret;
}

/* Runs curl with extra arguments; returns "<code> <connects> <body>". */
static char *run_curl(TALLOC_CTX *mem_ctx, const char *args)
{
	char cmd[1024], out[512] = "";
	FILE *p;
	size_t n;

	snprintf(cmd, sizeof(cmd),
	         "curl -s --resolve localhost:%u:127.0.0.1 -w ' %%{http_code} %%{num_connects}' "
	         "%s http://localhost:%u/mapi/emsmdb/",
	         port, args, port);
	p = popen(cmd, "r");
	if (p == NULL)
		return talloc_strdup(mem_ctx, "popen failed");
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	pclose(p);
	return talloc_strdup(mem_ctx, out);
}

/* Points gss-ntlmssp at a user file (Heimdal format DOMAIN:USER:PASSWORD). */
static int ntlm_user_file(TALLOC_CTX *mem_ctx, const char *password)
{
	char *path = talloc_asprintf(mem_ctx, "%s/ntlm_users", getenv("AUTH_TEST_DIR"));
	FILE *f = fopen(path, "w");

	if (f == NULL)
		return -1;
	fprintf(f, "EXAMPLE:alice:%s\n", password);
	fclose(f);
	setenv("NTLM_USER_FILE", path, 1);
	setenv("NTLMUSER", "alice", 1);
	return 0;
}

static void test_curl(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);

	test_begin("curl --ntlm DOMAIN\\user with the right password: 200 as alice");
	test_assert_str(run_curl(tmp, "--ntlm -u 'EXAMPLE\\alice:secret'"),
	                "user=alice@example.com 200 1");
	test_end();

	test_begin("curl --ntlm user@domain form: 200 as alice");
	test_assert_str(run_curl(tmp, "--ntlm -u 'alice@example.com:secret'"),
	                "user=alice@example.com 200 1");
	test_end();

	test_begin("curl --ntlm with a wrong password: 401");
	test_assert_str(run_curl(tmp, "--ntlm -u 'EXAMPLE\\alice:wrong'"), " 401 1");
	test_end();

	test_begin("curl --ntlm with an unknown user: 401");
	test_assert_str(run_curl(tmp, "--ntlm -u 'EXAMPLE\\bob:secret'"), " 401 1");
	test_end();

	test_begin("curl --negotiate with alice's ticket: 200 as alice");
	test_assert_str(run_curl(tmp, "--negotiate -u :"), "user=alice@example.com 200 1");
	test_end();

	test_begin("curl --negotiate without a ticket: 401");
	setenv("KRB5CCNAME", "FILE:/nonexistent/ccache", 1);
	test_assert_str(run_curl(tmp, "--negotiate -u :"), " 401 1");
	test_end();

	/* gss-ntlmssp (an independent NTLM) under MIT's SPNEGO initiator: with
	 * no Kerberos ticket curl's Negotiate falls back to NTLM in SPNEGO. */
	test_begin("curl --negotiate via gss-ntlmssp (NTLM inside SPNEGO): 200 as alice");
	test_assert(ntlm_user_file(tmp, "secret") == 0);
	spnego_inits = raw_ntlmssp = 0;
	test_assert_str(run_curl(tmp, "--negotiate -u :"), "user=alice@example.com 200 1");
	test_assert_int(spnego_inits, 1);
	test_assert_int(raw_ntlmssp, 0);
	test_end();

	test_begin("curl --negotiate via gss-ntlmssp with a wrong password: 401");
	test_assert(ntlm_user_file(tmp, "wrong") == 0);
	test_assert_str(run_curl(tmp, "--negotiate -u :"), " 401 1");
	test_end();
	talloc_free(tmp);
}

static int connect_local(void)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* One request on fd; returns the status, and the NTLM challenge if any. */
static int http_get(TALLOC_CTX *mem_ctx, int fd, const char *authorization, char **www_r)
{
	char req[8192], resp[8192], *p, *end;
	size_t got = 0;
	ssize_t n;
	long clen = 0;
	int status = -1;

	if (authorization != NULL)
		snprintf(req, sizeof(req),
		         "GET / HTTP/1.1\r\nHost: localhost\r\nAuthorization: %s\r\n\r\n",
		         authorization);
	else
		snprintf(req, sizeof(req), "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
	if (write(fd, req, strlen(req)) != (ssize_t)strlen(req))
		return -1;
	while ((end = memmem(resp, got, "\r\n\r\n", 4)) == NULL) {
		n = read(fd, resp + got, sizeof(resp) - 1 - got);
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	resp[got] = '\0';
	sscanf(resp, "HTTP/1.1 %d", &status);
	if ((p = strcasestr(resp, "Content-Length:")) != NULL && p < end)
		clen = strtol(p + 15, NULL, 10);
	*www_r = NULL;
	if ((p = strstr(resp, "WWW-Authenticate: NTLM ")) != NULL && p < end)
		*www_r = talloc_strndup(mem_ctx, p + 23, strcspn(p + 23, "\r"));
	/* Drain the body so the next response starts clean. */
	for (size_t have = got - (size_t)(end + 4 - resp); (long)have < clen; have += (size_t)n) {
		n = read(fd, resp, sizeof(resp));
		if (n <= 0)
			return -1;
	}
	return status;
}

static char *b64(TALLOC_CTX *mem_ctx, const uint8_t *data, size_t len)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *out = talloc_array(mem_ctx, char, (len + 2) / 3 * 4 + 6), *o = out;

	memcpy(o, "NTLM ", 5);
	o += 5;
	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)data[i] << 16;

		v |= i + 1 < len ? (uint32_t)data[i + 1] << 8 : 0;
		v |= i + 2 < len ? data[i + 2] : 0;
		*o++ = tab[v >> 18];
		*o++ = tab[(v >> 12) & 63];
		*o++ = i + 1 < len ? tab[(v >> 6) & 63] : '=';
		*o++ = i + 2 < len ? tab[v & 63] : '=';
	}
	*o = '\0';
	return out;
}

static uint8_t *unb64(TALLOC_CTX *mem_ctx, const char *in, size_t *len_r)
{
	size_t len = strlen(in), o = 0;
	uint8_t *out = talloc_array(mem_ctx, uint8_t, len);
	uint32_t acc = 0;
	int bits = 0;

	for (size_t i = 0; i < len && in[i] != '='; i++) {
		const char *p = strchr(
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", in[i]);

		acc =
		    acc << 6 | (uint32_t)(p - "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		                              "0123456789+/");
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	*len_r = o;
	return out;
}

static void test_connection_binding(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ntlm_client_opts o = {.user = "alice",
	                             .domain = "EXAMPLE",
	                             .workstation = "WS",
	                             .password = "secret",
	                             .flags = 0xe2088235,
	                             .mic = true};
	int c1 = connect_local(), c2 = connect_local();
	uint8_t *neg, *chal, *auth;
	size_t neg_len, chal_len, auth_len;
	char *www;

	test_begin("NTLM continued on another connection is refused (401)");
	neg = ntlm_client_negotiate(tmp, o.flags, &neg_len);
	test_assert_int(http_get(tmp, c1, b64(tmp, neg, neg_len), &www), 401);
	test_assert(www != NULL);
	if (www != NULL) {
		chal = unb64(tmp, www, &chal_len);
		auth = ntlm_client_authenticate(tmp, &o, neg, neg_len, chal, chal_len, &auth_len);
		test_assert_int(http_get(tmp, c2, b64(tmp, auth, auth_len), &www), 401);
		test_end();

		test_begin("...and succeeds on its own connection, which stays authenticated");
		test_assert_int(http_get(tmp, c1, b64(tmp, auth, auth_len), &www), 200);
		test_assert_int(http_get(tmp, c1, NULL, &www), 200);
		test_assert_int(http_get(tmp, c2, NULL, &www), 401);
	}
	test_end();

	test_begin("garbage base64 and a garbage NTLM token: 400, the server lives on");
	test_assert_int(http_get(tmp, c2, "NTLM !!!!", &www), 400);
	close(c2);
	c2 = connect_local();
	test_assert_int(http_get(tmp, c2, "NTLM AAAAAAAA", &www), 400);
	close(c2);
	c2 = connect_local();
	test_assert_int(http_get(tmp, c2, "NTLM TlRMTVNTUAABAAAA", &www), 400);
	close(c2);
	c2 = connect_local();
	test_assert_int(http_get(tmp, c2, "Negotiate YIIBAA==", &www), 400);
	close(c2);
	c2 = connect_local();
	test_assert_int(http_get(tmp, c2, "Negotiate", &www), 401);
	test_assert_int(http_get(tmp, c2, "NTLM TlRMTVNTUAADAAAA", &www), 401);
	test_end();
	close(c1);
	close(c2);
	talloc_free(tmp);
}

int main(int argc, char **argv)
{
	TALLOC_CTX *top = talloc_new(NULL);
	struct auth_domain_map *map = auth_domain_map_new(top, "example.com");
	struct auth_http_config cfg = {
	    .nb_domain = "EXAMPLE",
	    .nb_computer = "MAIL",
	    .dns_domain = "example.com",
	    .dns_computer = "mail.example.com",
	    .ntlm = true,
	    .service = "HTTP@localhost",
	    .default_domain = "example.com",
	    .lookup = lookup,
	    .lookup_ctx = map,
	};
	struct sockaddr_in sa = {.sin_family = AF_INET};
	struct MHD_Daemon *d;
	const char *error;
	char dmap[128];

	if (argc < 4) {
		fprintf(stderr, "usage: %s http.keytab other.keytab realm (see kdc_run.sh)\n",
		        argv[0]);
		return 1;
	}
	realm = argv[3];
	signal(SIGPIPE, SIG_IGN);
	snprintf(dmap, sizeof(dmap), "EXAMPLE=example.com,%s=example.com", realm);
	auth_domain_map_parse(map, dmap, &error);
	cfg.keytab = argv[1];
	cfg.domain_map = dmap;
	if (auth_http_new(top, &cfg, &ah, &error) < 0) {
		fprintf(stderr, "auth_http_new: %s\n", error);
		return 1;
	}
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL,
	                     handler, NULL, MHD_OPTION_NOTIFY_CONNECTION, notify, NULL,
	                     MHD_OPTION_SOCK_ADDR, &sa, MHD_OPTION_END);
	if (d == NULL) {
		fprintf(stderr, "MHD_start_daemon failed\n");
		return 1;
	}
	port = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)->port;
	test_connection_binding();
	test_curl();
	MHD_stop_daemon(d);
	talloc_free(top);
	return test_exit();
}
