/*
 * http_config: the daemon's configuration.  Built in three layers, each
 * overriding the one before: built-in defaults, the INI key file (-c FILE),
 * then the command line.  http_config_finish() checks the result and fills
 * in what is derived (the advertised base URL, loopback flags).
 *
 * Key file format: "[section]" headers, "key = value" lines, '#' or ';'
 * comments on their own line.  Keys may repeat only where documented
 * (server.listen).  Unknown sections or keys are errors, so that a typo
 * never silently leaves a default in force.
 *
 *   [server]
 *   listen = 0.0.0.0:443              (repeatable; "[::]:443"; optional
 *                                      " auth=basic,..." per listener)
 *   hostname = mail.example.com
 *   external_url = https://mail.example.com
 *   data_dir = /var/lib/mapihttpd
 *   log_level = info
 *   threads = 0                       (0: four per CPU core, at most 64)
 *   [tls]
 *   enabled = true
 *   cert = /etc/mapihttpd/cert.pem
 *   key = /etc/mapihttpd/key.pem
 *   offloaded = false                 (plain listeners sit behind a TLS proxy)
 *   [limits]
 *   max_body_size = 16777216          (bytes; "16M", "64K" accepted)
 *   connection_timeout = 120          (seconds a connection may stay idle)
 *   request_timeout = 60              (seconds to receive one request body)
 *   connection_limit = 20000
 *   per_ip_connection_limit = 0       (0: unlimited)
 *   shutdown_timeout = 30             (seconds in-flight requests get on stop)
 *   connection_memory = 32K           (per-connection buffer for headers; the
 *                                      resident cost of an idle connection)
 *   [mapi]
 *   session_timeout = 900             (seconds a MAPI/HTTP session context may
 *                                      stay idle before it is freed)
 *   pending_period = 15000            (milliseconds between PENDING keep-alives,
 *                                      the X-PendingPeriod header)
 *   notification_wait = 300           (seconds NotificationWait is held open)
 *   workers = 4                       (threads running EMSMDB / NSPI requests)
 *   [auth]
 *   schemes = basic                   (default for listeners without auth=;
 *                                      basic, ntlm, negotiate in the order offered)
 *   cache_ttl = 60                    (seconds a verified credential is kept)
 *   cache_size = 4096                 (entries)
 *   backoff_threshold = 5             (failures before back-off starts)
 *   backoff_max = 60                  (seconds, the longest back-off)
 *   known_ttl = 86400                 (seconds a credential that worked stays
 *                                      exempt from back-off)
 *   keytab = /etc/mapihttpd/http.keytab  (Negotiate: HTTP/<host> keys)
 *   service = HTTP@mail.example.com   (Negotiate: the key to use; default any)
 *   domain_map = EXAMPLE=example.com,EXAMPLE.COM=example.com
 *                                     (NTLM domains and Kerberos realms to mail
 *                                      domains)
 *   default_domain = example.com      (NTLM users who name no domain)
 *   netbios_domain = EXAMPLE          (NTLM target name; default: the first
 *                                      label of the host's domain, upper-case)
 *   allow_ntlmv1 = false              (old clients only: NTLMv1 is weak)
 */
#ifndef HTTP_CONFIG_H
#define HTTP_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <talloc.h>

#include "log.h"

#define HTTP_AUTH_MAX_SCHEMES 4

/* Authentication schemes a listener may offer, in the order it offers them. */
enum http_auth_scheme {
	HTTP_AUTH_SCHEME_BASIC = 1,
	HTTP_AUTH_SCHEME_NTLM,      /* [MS-NTHT], bound to the connection */
	HTTP_AUTH_SCHEME_NEGOTIATE, /* [RFC 4559]: Kerberos, NTLM inside SPNEGO */
};

struct http_listen {
	char *text; /* as configured, e.g. "[::1]:8080" */
	struct sockaddr_storage sa;
	socklen_t sa_len;
	bool ipv6;
	bool loopback; /* 127.0.0.0/8 or ::1 (not a wildcard address) */
	uint16_t port;
	enum http_auth_scheme schemes[HTTP_AUTH_MAX_SCHEMES];
	unsigned scheme_count; /* 0: the [auth] schemes default */
};

struct http_config {
	struct http_listen *listens;
	unsigned listen_count;
	char *hostname;
	char *external_url; /* finished: never NULL, no trailing slash */
	char *data_dir;
	enum log_level log_level;
	unsigned threads;      /* event threads (MHD's pool) */
	unsigned auth_workers; /* password checks; 0: as many as threads */

	bool tls;
	char *tls_cert;
	char *tls_key;
	bool tls_offloaded;

	size_t max_body_size;
	unsigned connection_timeout;
	unsigned request_timeout;
	unsigned connection_limit;
	unsigned per_ip_connection_limit;
	unsigned shutdown_timeout;
	size_t connection_memory;

	enum http_auth_scheme schemes[HTTP_AUTH_MAX_SCHEMES];
	unsigned scheme_count;
	unsigned auth_cache_ttl;
	unsigned auth_cache_size;
	unsigned backoff_threshold;
	unsigned backoff_max;
	unsigned auth_known_ttl;
	/* MAPI/HTTP endpoints (mh_layer.h) */
	unsigned mapi_session_timeout;
	unsigned mapi_pending_period;
	unsigned mapi_notification_wait;
	unsigned mapi_workers;
	/* NTLM and Negotiate (auth/auth_http.h) */
	char *auth_keytab;         /* Negotiate's acceptor keys; required to offer it */
	char *auth_service;        /* "HTTP@mail.example.com"; NULL: any key of the keytab */
	char *auth_domain_map;     /* "EXAMPLE=example.com,EXAMPLE.COM=example.com" */
	char *auth_default_domain; /* mail domain of NTLM users who name no domain */
	char *auth_netbios_domain; /* NTLM target name; default from the host name */
	bool auth_allow_ntlmv1;
};

/* What the command line asked for besides settings. */
enum http_config_cli_result {
	HTTP_CONFIG_CLI_RUN = 0,
	HTTP_CONFIG_CLI_HELP,
	HTTP_CONFIG_CLI_VERSION,
};

/* A configuration with every default set, allocated on mem_ctx. */
struct http_config *http_config_new(TALLOC_CTX *mem_ctx);

/* Applies a key file's text (len bytes) over cfg.  name is used in error
 * messages.  Returns 0, or -1 with *error_r ("name:line: what"), allocated on
 * cfg. */
int http_config_parse_ini(struct http_config *cfg, const char *name, const char *text, size_t len,
                          const char **error_r);

/* Reads path and applies it with http_config_parse_ini().  0 / -1. */
int http_config_load_file(struct http_config *cfg, const char *path, const char **error_r);

/* Parses argv: loads -c FILE first, then applies the other options over it.
 * Returns 0 with *result_r set, or -1 with *error_r on a bad option or file. */
int http_config_parse_args(struct http_config *cfg, int argc, char **argv,
                           enum http_config_cli_result *result_r, const char **error_r);

/* Checks the whole configuration for consistency and derives the defaults
 * that depend on other settings (external_url, listeners' schemes).
 * 0 / -1 with *error_r. */
int http_config_finish(struct http_config *cfg, const char **error_r);

/* Parses "ADDR:PORT" (IPv4 dotted quad or "[IPv6]") optionally followed by
 * " auth=scheme,scheme".  0 / -1 with *error_r (allocated on mem_ctx). */
int http_listen_parse(TALLOC_CTX *mem_ctx, const char *text, struct http_listen *listen_r,
                      const char **error_r);

/* Whether any listener of a finished configuration offers scheme. */
bool http_config_offers(const struct http_config *cfg, enum http_auth_scheme scheme);

/* Parses "basic" / "basic,negotiate" ... into schemes.  0 / -1. */
int http_auth_schemes_parse(const char *text, enum http_auth_scheme *schemes, unsigned *count_r);
const char *http_auth_scheme_name(enum http_auth_scheme scheme);

/* The --help text. */
const char *http_config_usage(void);

#endif
