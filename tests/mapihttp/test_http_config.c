/* Configuration: key file, command line, derived values, bad input. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <unistd.h>

#include "http_config.h"
#include "test.h"

static int parse_text(struct http_config *cfg, const char *text, const char **error_r)
{
	return http_config_parse_ini(cfg, "test.conf", text, strlen(text), error_r);
}

static void test_defaults(void)
{
	struct http_config *cfg = http_config_new(NULL);
	const char *error = NULL;

	test_begin("defaults need a certificate, or --no-tls");
	test_assert(cfg->tls);
	test_assert_int(http_config_finish(cfg, &error), -1);
	test_assert(error != NULL && strstr(error, "tls-cert") != NULL);
	cfg->tls = false;
	test_assert_int(http_config_finish(cfg, &error), 0);
	test_assert_int(cfg->listen_count, 1);
	test_assert_str(cfg->listens[0].text, "127.0.0.1:8080");
	test_assert_str(cfg->external_url, "http://localhost:8080");
	test_assert(cfg->threads >= 1);
	test_assert_int(cfg->listens[0].scheme_count, 1);
	test_assert_int(cfg->listens[0].schemes[0], HTTP_AUTH_SCHEME_BASIC);
	talloc_free(cfg);
	test_end();
}

static void test_ini(void)
{
	struct http_config *cfg = http_config_new(NULL);
	const char *error = NULL;
	const char *text = "# comment\n"
	                   "; another\n"
	                   "[server]\n"
	                   "  listen = 127.0.0.1:8443  \n"
	                   "listen = [::1]:8443 auth=basic\r\n"
	                   "hostname = mail.example.com\n"
	                   "data_dir = /srv/mapi\n"
	                   "log_level = debug\n"
	                   "threads = 3\n"
	                   "[tls]\n"
	                   "cert = /etc/c.pem\n"
	                   "key = /etc/k.pem\n"
	                   "[limits]\n"
	                   "max_body_size = 64K\n"
	                   "connection_timeout = 30\n"
	                   "per_ip_connection_limit = 50\n"
	                   "connection_memory = 16K\n"
	                   "[auth]\n"
	                   "cache_ttl = 10\n"
	                   "backoff_threshold = 0\n";

	test_begin("key file");
	test_assert_int(parse_text(cfg, text, &error), 0);
	test_assert_int(http_config_finish(cfg, &error), 0);
	test_assert_int(cfg->listen_count, 2);
	test_assert(cfg->listens[0].loopback && !cfg->listens[0].ipv6);
	test_assert_int(cfg->listens[0].port, 8443);
	test_assert(cfg->listens[1].loopback && cfg->listens[1].ipv6);
	test_assert_str(cfg->hostname, "mail.example.com");
	test_assert_str(cfg->data_dir, "/srv/mapi");
	test_assert_int(cfg->log_level, LOG_LEVEL_DEBUG);
	test_assert_int(cfg->threads, 3);
	test_assert_str(cfg->tls_cert, "/etc/c.pem");
	test_assert_int(cfg->max_body_size, 65536);
	test_assert_int(cfg->connection_timeout, 30);
	test_assert_int(cfg->per_ip_connection_limit, 50);
	test_assert_int(cfg->connection_memory, 16384);
	test_assert_int(cfg->auth_cache_ttl, 10);
	test_assert_int(cfg->backoff_threshold, 0);
	test_assert_str(cfg->external_url, "https://mail.example.com:8443");
	talloc_free(cfg);
	test_end();
}

static const struct {
	const char *text, *expect; /* expect: substring of the error */
} bad_ini[] = {
    {"listen = 1.2.3.4:1\n", "test.conf:1: key outside a [section]"},
    {"[server]\nbogus = 1\n", "test.conf:2: unknown key"},
    {"[nosuch]\nlisten = 1.2.3.4:1\n", "test.conf:2: unknown key"},
    {"[server\n", "test.conf:1: bad section header"},
    {"[server]\nhostname\n", "test.conf:2: want key = value"},
    {"[server]\nlisten = 1.2.3.4\n", "want ADDR:PORT"},
    {"[server]\nlisten = 1.2.3.4:0\n", "bad port"},
    {"[server]\nlisten = 1.2.3.4:70000\n", "bad port"},
    {"[server]\nlisten = 1.2.3:80\n", "bad IPv4"},
    {"[server]\nlisten = ::1:80\n", "bad IPv4"},
    {"[server]\nlisten = [::1:80\n", "want [IPv6]:PORT"},
    {"[server]\nlisten = 127.0.0.1:80 auth=ntlmx\n", "bad option"},
    {"[server]\nthreads = -1\n", "non-negative integer"},
    {"[server]\nthreads = 12x\n", "non-negative integer"},
    {"[server]\nlog_level = loud\n", "want error, warn"},
    {"[server]\nhostname =\n", "empty value"},
    {"[tls]\nenabled = maybe\n", "want true or false"},
    {"[limits]\nmax_body_size = 0\n", "want a size"},
    {"[limits]\nmax_body_size = 99G\n", "want a size"},
    {"[auth]\nschemes = basic,basic\n", "list of schemes"},
};

static void test_bad_ini(void)
{
	test_begin("bad key files name the line");
	for (size_t i = 0; i < sizeof(bad_ini) / sizeof(bad_ini[0]); i++) {
		struct http_config *cfg = http_config_new(NULL);
		const char *error = NULL;

		test_assert_int(parse_text(cfg, bad_ini[i].text, &error), -1);
		if (error == NULL || strstr(error, bad_ini[i].expect) == NULL) {
			fprintf(stderr, "case %zu: got %s\n", i, error != NULL ? error : "(null)");
			test_assert(false);
		}
		talloc_free(cfg);
	}
	{
		struct http_config *cfg = http_config_new(NULL);
		const char *error = NULL;

		test_assert_int(http_config_parse_ini(cfg, "nul", "[server]\0x", 10, &error), -1);
		talloc_free(cfg);
	}
	test_end();
}

static int run_args(struct http_config *cfg, const char *const *args,
                    enum http_config_cli_result *what, const char **error_r)
{
	char *argv[32];
	int argc = 0;

	for (; args[argc] != NULL; argc++)
		argv[argc] = (char *)args[argc];
	argv[argc] = NULL;
	return http_config_parse_args(cfg, argc, argv, what, error_r);
}

static void test_cli_overrides_file(void)
{
	char path[] = "/tmp/mapihttp-test-XXXXXX";
	int fd = mkstemp(path);
	const char *file = "[server]\nlisten = 0.0.0.0:443\nhostname = file.example\n"
	                   "[tls]\ncert = /c\nkey = /k\n";
	struct http_config *cfg = http_config_new(NULL);
	enum http_config_cli_result what;
	const char *error = NULL;
	const char *const args[] = {"mapihttpd",  "--listen",    "127.0.0.2:8080", "-c",
	                            path,         "--no-tls",    "--listen",       "[::1]:8081",
	                            "--hostname", "cli.example", "--log-level",    "warn",
	                            NULL};

	test_begin("command line overrides the key file");
	test_assert(fd >= 0);
	test_assert(write(fd, file, strlen(file)) == (ssize_t)strlen(file));
	close(fd);
	test_assert_int(run_args(cfg, args, &what, &error), 0);
	test_assert_int(what, HTTP_CONFIG_CLI_RUN);
	test_assert_int(http_config_finish(cfg, &error), 0);
	test_assert(!cfg->tls);
	test_assert_int(cfg->listen_count, 2); /* replaced, not appended */
	test_assert_str(cfg->listens[0].text, "127.0.0.2:8080");
	test_assert(cfg->listens[0].loopback);
	test_assert_str(cfg->listens[1].text, "[::1]:8081");
	test_assert_str(cfg->hostname, "cli.example");
	test_assert_int(cfg->log_level, LOG_LEVEL_WARN);
	test_assert_str(cfg->external_url, "http://cli.example:8080");
	unlink(path);
	talloc_free(cfg);
	test_end();
}

static void test_cli_misc(void)
{
	enum http_config_cli_result what;
	const char *error = NULL;
	struct http_config *cfg = http_config_new(NULL);
	const char *const help[] = {"mapihttpd", "--listen", "bad", "--help", NULL};
	const char *const version[] = {"mapihttpd", "-V", NULL};
	const char *const unknown[] = {"mapihttpd", "--frobnicate", NULL};
	const char *const missing[] = {"mapihttpd", "--data-dir", NULL};
	const char *const nofile[] = {"mapihttpd", "-c", "/nonexistent/x.conf", NULL};
	const char *const url[] = {"mapihttpd", "--no-tls", "--external-url",
	                           "https://mail.example.com/", NULL};
	const char *const badurl[] = {"mapihttpd", "--no-tls", "--external-url",
	                              "https://x/\"><script>", NULL};
	const char *const badhost[] = {"mapihttpd", "--no-tls", "--hostname", "a b", NULL};

	test_begin("command line: help, version, errors, URLs");
	test_assert_int(run_args(cfg, help, &what, &error), 0);
	test_assert_int(what, HTTP_CONFIG_CLI_HELP);
	test_assert_int(run_args(cfg, version, &what, &error), 0);
	test_assert_int(what, HTTP_CONFIG_CLI_VERSION);
	test_assert_int(run_args(cfg, unknown, &what, &error), -1);
	test_assert(strstr(error, "--frobnicate") != NULL);
	test_assert_int(run_args(cfg, missing, &what, &error), -1);
	test_assert(strstr(error, "needs a value") != NULL);
	test_assert_int(run_args(cfg, nofile, &what, &error), -1);
	test_assert(strstr(error, "/nonexistent/x.conf") != NULL);
	talloc_free(cfg);

	cfg = http_config_new(NULL);
	test_assert_int(run_args(cfg, url, &what, &error), 0);
	test_assert_int(http_config_finish(cfg, &error), 0);
	test_assert_str(cfg->external_url, "https://mail.example.com");
	talloc_free(cfg);

	cfg = http_config_new(NULL);
	test_assert_int(run_args(cfg, badurl, &what, &error), 0);
	test_assert_int(http_config_finish(cfg, &error), -1);
	talloc_free(cfg);

	cfg = http_config_new(NULL);
	test_assert_int(run_args(cfg, badhost, &what, &error), 0);
	test_assert_int(http_config_finish(cfg, &error), -1);
	test_assert(strstr(error, "hostname") != NULL);
	talloc_free(cfg);
	test_end();
}

static void test_listen_parse(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct http_listen l;
	const char *error;

	test_begin("listen addresses and loopback detection");
	test_assert_int(http_listen_parse(tmp, "127.9.8.7:1", &l, &error), 0);
	test_assert(l.loopback);
	test_assert_int(http_listen_parse(tmp, "0.0.0.0:443", &l, &error), 0);
	test_assert(!l.loopback);
	test_assert_int(http_listen_parse(tmp, "192.0.2.1:443", &l, &error), 0);
	test_assert(!l.loopback);
	test_assert_int(ntohs(((struct sockaddr_in *)&l.sa)->sin_port), 443);
	test_assert_int(http_listen_parse(tmp, "[::]:443", &l, &error), 0);
	test_assert(!l.loopback && l.ipv6);
	test_assert_int(http_listen_parse(tmp, "[::ffff:127.0.0.1]:443", &l, &error), 0);
	test_assert(!l.loopback); /* mapped addresses are not trusted as loopback */
	test_assert_int(http_listen_parse(tmp, "localhost:80", &l, &error), -1);
	talloc_free(tmp);
	test_end();
}

static void test_example_file(void)
{
	struct http_config *cfg = http_config_new(NULL);
	const char *error = NULL;

	test_begin("the shipped example configuration loads");
	test_assert_int(http_config_load_file(cfg, EXAMPLE_CONF, &error), 0);
	if (error != NULL)
		fprintf(stderr, "%s\n", error);
	test_assert_int(http_config_finish(cfg, &error), 0);
	test_assert_int(cfg->listen_count, 2);
	test_assert_str(cfg->hostname, "mail.example.com");
	test_assert_str(cfg->external_url, "https://mail.example.com");
	test_assert(cfg->tls);
	talloc_free(cfg);
	test_end();
}

int main(void)
{
	test_example_file();
	test_defaults();
	test_ini();
	test_bad_ini();
	test_cli_overrides_file();
	test_cli_misc();
	test_listen_parse();
	return test_exit();
}
