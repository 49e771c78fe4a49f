/* The command line of mapihttpd: -c FILE first, then overrides. */
#include "http_config.h"

#include <getopt.h>
#include <string.h>

enum {
	OPT_LISTEN = 256,
	OPT_DATA_DIR,
	OPT_HOSTNAME,
	OPT_TLS_CERT,
	OPT_TLS_KEY,
	OPT_NO_TLS,
	OPT_LOG_LEVEL,
	OPT_EXTERNAL_URL,
};

static const struct option long_options[] = {
    {"config", required_argument, NULL, 'c'},
    {"listen", required_argument, NULL, OPT_LISTEN},
    {"data-dir", required_argument, NULL, OPT_DATA_DIR},
    {"hostname", required_argument, NULL, OPT_HOSTNAME},
    {"tls-cert", required_argument, NULL, OPT_TLS_CERT},
    {"tls-key", required_argument, NULL, OPT_TLS_KEY},
    {"no-tls", no_argument, NULL, OPT_NO_TLS},
    {"log-level", required_argument, NULL, OPT_LOG_LEVEL},
    {"external-url", required_argument, NULL, OPT_EXTERNAL_URL},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

const char *http_config_usage(void)
{
	return "Usage: mapihttpd [OPTION]...\n"
	       "Serves Autodiscover and MAPI over HTTP to Outlook.\n"
	       "\n"
	       "  -c, --config FILE       INI key file (see README); options below override it\n"
	       "      --listen ADDR:PORT  listen address, repeatable: 0.0.0.0:443, [::]:443,\n"
	       "                          optionally \"ADDR:PORT auth=basic\"\n"
	       "      --data-dir DIR      directory and mailbox data\n"
	       "      --hostname NAME     public host name used in URLs\n"
	       "      --external-url URL  advertised base URL (default https://NAME[:port])\n"
	       "      --tls-cert FILE     PEM certificate (chain)\n"
	       "      --tls-key FILE      PEM private key\n"
	       "      --no-tls            serve plain HTTP (loopback tests, TLS proxy in front)\n"
	       "      --log-level LEVEL   error, warn, info or debug\n"
	       "  -h, --help              this text\n"
	       "  -V, --version           version\n";
}

static int set_str(struct http_config *cfg, char **field, const char *v, const char **error_r)
{
	char *s = talloc_strdup(cfg, v);

	if (s == NULL) {
		*error_r = "out of memory";
		return -1;
	}
	talloc_free(*field);
	*field = s;
	return 0;
}

/* Pass one: -c, --help, --version and unknown options. */
static int scan_first(struct http_config *cfg, int argc, char **argv,
                      enum http_config_cli_result *result_r, const char **error_r)
{
	const char *file = NULL;
	int c;

	*result_r = HTTP_CONFIG_CLI_RUN;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:hV", long_options, NULL)) != -1) {
		switch (c) {
		case 'c':
			file = optarg;
			break;
		case 'h':
			*result_r = HTTP_CONFIG_CLI_HELP;
			return 0;
		case 'V':
			*result_r = HTTP_CONFIG_CLI_VERSION;
			return 0;
		case ':':
			*error_r =
			    talloc_asprintf(cfg, "option %s needs a value", argv[optind - 1]);
			return -1;
		case '?':
			*error_r = talloc_asprintf(cfg, "unknown option %s", argv[optind - 1]);
			return -1;
		default:
			break;
		}
	}
	if (optind < argc) {
		*error_r = talloc_asprintf(cfg, "unexpected argument %s", argv[optind]);
		return -1;
	}
	if (file != NULL)
		return http_config_load_file(cfg, file, error_r);
	return 0;
}

static int apply_listen(struct http_config *cfg, bool *first, const char *v, const char **error_r)
{
	struct http_listen *n;

	/* The command line's --listen list replaces the file's. */
	if (*first) {
		talloc_free(cfg->listens);
		cfg->listens = NULL;
		cfg->listen_count = 0;
		*first = false;
	}
	n = talloc_realloc(cfg, cfg->listens, struct http_listen, cfg->listen_count + 1);
	if (n == NULL) {
		*error_r = "out of memory";
		return -1;
	}
	cfg->listens = n;
	if (http_listen_parse(cfg, v, &n[cfg->listen_count], error_r) < 0)
		return -1;
	cfg->listen_count++;
	return 0;
}

static int apply_option(struct http_config *cfg, int c, const char *v, bool *first_listen,
                        const char **error_r)
{
	switch (c) {
	case OPT_LISTEN:
		return apply_listen(cfg, first_listen, v, error_r);
	case OPT_DATA_DIR:
		return set_str(cfg, &cfg->data_dir, v, error_r);
	case OPT_HOSTNAME:
		return set_str(cfg, &cfg->hostname, v, error_r);
	case OPT_EXTERNAL_URL:
		return set_str(cfg, &cfg->external_url, v, error_r);
	case OPT_TLS_CERT:
		cfg->tls = true;
		return set_str(cfg, &cfg->tls_cert, v, error_r);
	case OPT_TLS_KEY:
		cfg->tls = true;
		return set_str(cfg, &cfg->tls_key, v, error_r);
	case OPT_NO_TLS:
		cfg->tls = false;
		return 0;
	case OPT_LOG_LEVEL:
		if (log_level_parse(v, &cfg->log_level) < 0) {
			*error_r =
			    talloc_asprintf(cfg, "--log-level %s: want error|warn|info|debug", v);
			return -1;
		}
		return 0;
	default:
		return 0;
	}
}

int http_config_parse_args(struct http_config *cfg, int argc, char **argv,
                           enum http_config_cli_result *result_r, const char **error_r)
{
	bool first_listen = true, no_tls = false;
	int c;

	if (scan_first(cfg, argc, argv, result_r, error_r) < 0 || *result_r != HTTP_CONFIG_CLI_RUN)
		return *result_r != HTTP_CONFIG_CLI_RUN ? 0 : -1;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":c:hV", long_options, NULL)) != -1) {
		if (c == OPT_NO_TLS)
			no_tls = true;
		if (apply_option(cfg, c, optarg, &first_listen, error_r) < 0)
			return -1;
	}
	/* --no-tls wins over certificate options wherever they appear. */
	if (no_tls)
		cfg->tls = false;
	return 0;
}
