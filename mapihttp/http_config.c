#include "http_config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define CONFIG_FILE_MAX (1024 * 1024)
#define MAX_LISTENS     64

struct http_config *http_config_new(TALLOC_CTX *mem_ctx)
{
	struct http_config *cfg = talloc_zero(mem_ctx, struct http_config);

	if (cfg == NULL)
		return NULL;
	cfg->hostname = talloc_strdup(cfg, "localhost");
	cfg->data_dir = talloc_strdup(cfg, "/var/lib/mapihttpd");
	cfg->log_level = LOG_LEVEL_INFO;
	cfg->tls = true;
	cfg->max_body_size = 16 * 1024 * 1024;
	cfg->connection_timeout = 120;
	cfg->request_timeout = 60;
	cfg->connection_limit = 20000;
	cfg->shutdown_timeout = 30;
	cfg->connection_memory = 32 * 1024;
	cfg->schemes[0] = HTTP_AUTH_SCHEME_BASIC;
	cfg->scheme_count = 1;
	cfg->auth_cache_ttl = 60;
	cfg->auth_cache_size = 4096;
	cfg->backoff_threshold = 5;
	cfg->backoff_max = 60;
	cfg->auth_known_ttl = 86400;
	cfg->mapi_session_timeout = 900;
	cfg->mapi_pending_period = 15000;
	cfg->mapi_notification_wait = 300;
	cfg->mapi_workers = 4;
	if (cfg->hostname == NULL || cfg->data_dir == NULL) {
		talloc_free(cfg);
		return NULL;
	}
	return cfg;
}

const char *http_auth_scheme_name(enum http_auth_scheme scheme)
{
	switch (scheme) {
	case HTTP_AUTH_SCHEME_BASIC:
		return "basic";
	case HTTP_AUTH_SCHEME_NTLM:
		return "ntlm";
	case HTTP_AUTH_SCHEME_NEGOTIATE:
		return "negotiate";
	}
	return "unknown";
}

int http_auth_schemes_parse(const char *text, enum http_auth_scheme *schemes, unsigned *count_r)
{
	unsigned count = 0;
	const char *p = text;

	while (*p != '\0') {
		size_t n = strcspn(p, ",");
		enum http_auth_scheme s;

		if (n == 5 && strncasecmp(p, "basic", 5) == 0)
			s = HTTP_AUTH_SCHEME_BASIC;
		else if (n == 4 && strncasecmp(p, "ntlm", 4) == 0)
			s = HTTP_AUTH_SCHEME_NTLM;
		else if (n == 9 && strncasecmp(p, "negotiate", 9) == 0)
			s = HTTP_AUTH_SCHEME_NEGOTIATE;
		else
			return -1;
		for (unsigned i = 0; i < count; i++) {
			if (schemes[i] == s)
				return -1;
		}
		if (count == HTTP_AUTH_MAX_SCHEMES)
			return -1;
		schemes[count++] = s;
		p += n;
		if (*p == ',')
			p++;
	}
	if (count == 0)
		return -1;
	*count_r = count;
	return 0;
}

static int parse_port(const char *s, uint16_t *port_r)
{
	char *end;
	unsigned long v;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v == 0 || v > 65535)
		return -1;
	*port_r = (uint16_t)v;
	return 0;
}

static bool sa_is_loopback(const struct http_listen *l)
{
	if (l->ipv6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)&l->sa;
		return IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr);
	}
	const struct sockaddr_in *s4 = (const struct sockaddr_in *)&l->sa;
	return (ntohl(s4->sin_addr.s_addr) >> 24) == 127;
}

int http_listen_parse(TALLOC_CTX *mem_ctx, const char *text, struct http_listen *listen_r,
                      const char **error_r)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct http_listen l;
	char *addr, *port, *opts;
	int ret = -1;

	memset(&l, 0, sizeof(l));
	addr = talloc_strdup(tmp, text);
	if (addr == NULL) {
		*error_r = "out of memory";
		goto out;
	}
	opts = strchr(addr, ' ');
	if (opts != NULL) {
		*opts++ = '\0';
		while (*opts == ' ')
			opts++;
		if (strncmp(opts, "auth=", 5) != 0 ||
		    http_auth_schemes_parse(opts + 5, l.schemes, &l.scheme_count) < 0) {
			*error_r = talloc_asprintf(mem_ctx,
			                           "listen %s: bad option (want auth=basic)", text);
			goto out;
		}
	}
	if (addr[0] == '[') {
		char *close = strchr(addr, ']');
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&l.sa;

		if (close == NULL || close[1] != ':') {
			*error_r = talloc_asprintf(mem_ctx, "listen %s: want [IPv6]:PORT", text);
			goto out;
		}
		*close = '\0';
		port = close + 2;
		s6->sin6_family = AF_INET6;
		if (inet_pton(AF_INET6, addr + 1, &s6->sin6_addr) != 1) {
			*error_r = talloc_asprintf(mem_ctx, "listen %s: bad IPv6 address", text);
			goto out;
		}
		l.ipv6 = true;
		l.sa_len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&l.sa;

		port = strrchr(addr, ':');
		if (port == NULL) {
			*error_r = talloc_asprintf(mem_ctx, "listen %s: want ADDR:PORT", text);
			goto out;
		}
		*port++ = '\0';
		s4->sin_family = AF_INET;
		if (inet_pton(AF_INET, addr, &s4->sin_addr) != 1) {
			*error_r = talloc_asprintf(
			    mem_ctx, "listen %s: bad IPv4 address (IPv6 goes in [])", text);
			goto out;
		}
		l.sa_len = sizeof(*s4);
	}
	if (parse_port(port, &l.port) < 0) {
		*error_r = talloc_asprintf(mem_ctx, "listen %s: bad port", text);
		goto out;
	}
	if (l.ipv6)
		((struct sockaddr_in6 *)&l.sa)->sin6_port = htons(l.port);
	else
		((struct sockaddr_in *)&l.sa)->sin_port = htons(l.port);
	l.loopback = sa_is_loopback(&l);
	l.text = talloc_strdup(mem_ctx, text);
	if (l.text == NULL) {
		*error_r = "out of memory";
		goto out;
	}
	*listen_r = l;
	ret = 0;
out:
	talloc_free(tmp);
	return ret;
}

static int add_listen(struct http_config *cfg, const char *text, const char **error_r)
{
	struct http_listen *n;

	if (cfg->listen_count == MAX_LISTENS) {
		*error_r = "too many listen addresses";
		return -1;
	}
	n = talloc_realloc(cfg, cfg->listens, struct http_listen, cfg->listen_count + 1);
	if (n == NULL) {
		*error_r = "out of memory";
		return -1;
	}
	cfg->listens = n;
	if (http_listen_parse(cfg, text, &n[cfg->listen_count], error_r) < 0)
		return -1;
	cfg->listen_count++;
	return 0;
}

static int parse_uint(const char *s, unsigned max, unsigned *v_r)
{
	char *end;
	unsigned long v;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > max)
		return -1;
	*v_r = (unsigned)v;
	return 0;
}

/* "1048576", "64K", "16M", "1G". */
static int parse_size(const char *s, size_t *v_r)
{
	char *end;
	unsigned long long v, mult = 1;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0)
		return -1;
	if (*end == 'K' || *end == 'k')
		mult = 1024;
	else if (*end == 'M' || *end == 'm')
		mult = 1024 * 1024;
	else if (*end == 'G' || *end == 'g')
		mult = 1024 * 1024 * 1024;
	if (mult != 1)
		end++;
	if (*end != '\0' || v == 0 || v > SIZE_MAX / mult || v * mult > (1ULL << 32))
		return -1;
	*v_r = (size_t)(v * mult);
	return 0;
}

static int parse_bool(const char *s, bool *v_r)
{
	if (strcmp(s, "true") == 0 || strcmp(s, "yes") == 0 || strcmp(s, "1") == 0) {
		*v_r = true;
		return 0;
	}
	if (strcmp(s, "false") == 0 || strcmp(s, "no") == 0 || strcmp(s, "0") == 0) {
		*v_r = false;
		return 0;
	}
	return -1;
}

static int set_string(struct http_config *cfg, char **field, const char *value)
{
	char *s = talloc_strdup(cfg, value);

	if (s == NULL)
		return -1;
	talloc_free(*field);
	*field = s;
	return 0;
}

enum key_type { K_STR, K_UINT, K_SIZE, K_BOOL, K_LISTEN, K_LOGLEVEL, K_SCHEMES };

/* The key file's keys: declarative, one row each. */
static const struct config_key {
	const char *section, *key;
	enum key_type type;
	size_t offset;
	unsigned max; /* K_UINT */
} config_keys[] = {
#define F(f) offsetof(struct http_config, f)
    {"server", "listen", K_LISTEN, 0, 0},
    {"server", "hostname", K_STR, F(hostname), 0},
    {"server", "external_url", K_STR, F(external_url), 0},
    {"server", "data_dir", K_STR, F(data_dir), 0},
    {"server", "log_level", K_LOGLEVEL, F(log_level), 0},
    {"server", "threads", K_UINT, F(threads), 256},
    {"tls", "enabled", K_BOOL, F(tls), 0},
    {"tls", "cert", K_STR, F(tls_cert), 0},
    {"tls", "key", K_STR, F(tls_key), 0},
    {"tls", "offloaded", K_BOOL, F(tls_offloaded), 0},
    {"limits", "max_body_size", K_SIZE, F(max_body_size), 0},
    {"limits", "connection_timeout", K_UINT, F(connection_timeout), 86400},
    {"limits", "request_timeout", K_UINT, F(request_timeout), 86400},
    {"limits", "connection_limit", K_UINT, F(connection_limit), 1000000},
    {"limits", "per_ip_connection_limit", K_UINT, F(per_ip_connection_limit), 1000000},
    {"limits", "shutdown_timeout", K_UINT, F(shutdown_timeout), 3600},
    {"limits", "connection_memory", K_SIZE, F(connection_memory), 0},
    {"auth", "schemes", K_SCHEMES, 0, 0},
    {"auth", "cache_ttl", K_UINT, F(auth_cache_ttl), 86400},
    {"auth", "cache_size", K_UINT, F(auth_cache_size), 1000000},
    {"auth", "backoff_threshold", K_UINT, F(backoff_threshold), 1000},
    {"auth", "backoff_max", K_UINT, F(backoff_max), 86400},
    {"auth", "known_ttl", K_UINT, F(auth_known_ttl), 30 * 86400},
    {"mapi", "session_timeout", K_UINT, F(mapi_session_timeout), 86400},
    {"mapi", "pending_period", K_UINT, F(mapi_pending_period), 600000},
    {"mapi", "notification_wait", K_UINT, F(mapi_notification_wait), 3600},
    {"mapi", "workers", K_UINT, F(mapi_workers), 256},
    {"auth", "keytab", K_STR, F(auth_keytab), 0},
    {"auth", "service", K_STR, F(auth_service), 0},
    {"auth", "domain_map", K_STR, F(auth_domain_map), 0},
    {"auth", "default_domain", K_STR, F(auth_default_domain), 0},
    {"auth", "netbios_domain", K_STR, F(auth_netbios_domain), 0},
    {"auth", "allow_ntlmv1", K_BOOL, F(auth_allow_ntlmv1), 0},
#undef F
};

/* Applies one key; 0, or -1 with *why_r (static text). */
static int apply_key(struct http_config *cfg, const struct config_key *k, const char *value,
                     const char **why_r)
{
	void *field = (char *)cfg + k->offset;
	const char *error;

	switch (k->type) {
	case K_STR:
		if (*value == '\0') {
			*why_r = "empty value";
			return -1;
		}
		return set_string(cfg, field, value);
	case K_UINT:
		*why_r = "want a non-negative integer in range";
		return parse_uint(value, k->max, field);
	case K_SIZE:
		*why_r = "want a size such as 1048576, 64K or 16M (at most 4G)";
		return parse_size(value, field);
	case K_BOOL:
		*why_r = "want true or false";
		return parse_bool(value, field);
	case K_LOGLEVEL:
		*why_r = "want error, warn, info or debug";
		return log_level_parse(value, field);
	case K_SCHEMES:
		*why_r = "want a list of schemes such as basic";
		return http_auth_schemes_parse(value, cfg->schemes, &cfg->scheme_count);
	case K_LISTEN:
		if (add_listen(cfg, value, &error) < 0) {
			*why_r = error;
			return -1;
		}
		return 0;
	}
	return -1;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

static int parse_line(struct http_config *cfg, char *line, char **section, const char **why_r)
{
	char *eq, *key, *value;

	line = trim(line);
	if (*line == '\0' || *line == '#' || *line == ';')
		return 0;
	if (*line == '[') {
		char *close = strchr(line, ']');
		if (close == NULL || close[1] != '\0') {
			*why_r = "bad section header";
			return -1;
		}
		*close = '\0';
		*section = line + 1;
		return 0;
	}
	eq = strchr(line, '=');
	if (eq == NULL) {
		*why_r = "want key = value";
		return -1;
	}
	*eq = '\0';
	key = trim(line);
	value = trim(eq + 1);
	if (*section == NULL) {
		*why_r = "key outside a [section]";
		return -1;
	}
	for (size_t i = 0; i < sizeof(config_keys) / sizeof(config_keys[0]); i++) {
		if (strcmp(config_keys[i].section, *section) == 0 &&
		    strcmp(config_keys[i].key, key) == 0)
			return apply_key(cfg, &config_keys[i], value, why_r);
	}
	*why_r = "unknown key";
	return -1;
}

int http_config_parse_ini(struct http_config *cfg, const char *name, const char *text, size_t len,
                          const char **error_r)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	char *copy, *line, *next, *section = NULL;
	unsigned lineno = 0;
	int ret = -1;

	if (memchr(text, '\0', len) != NULL) {
		*error_r = talloc_asprintf(cfg, "%s: contains a NUL byte", name);
		goto out;
	}
	copy = talloc_strndup(tmp, text, len);
	if (copy == NULL) {
		*error_r = "out of memory";
		goto out;
	}
	for (line = copy; line != NULL; line = next) {
		const char *why = "bad value";

		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		lineno++;
		if (parse_line(cfg, line, &section, &why) < 0) {
			*error_r = talloc_asprintf(cfg, "%s:%u: %s", name, lineno, why);
			goto out;
		}
	}
	ret = 0;
out:
	talloc_free(tmp);
	return ret;
}

int http_config_load_file(struct http_config *cfg, const char *path, const char **error_r)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t len;
	int ret;

	if (f == NULL) {
		*error_r = talloc_asprintf(cfg, "%s: %s", path, strerror(errno));
		return -1;
	}
	buf = talloc_size(NULL, CONFIG_FILE_MAX + 1);
	if (buf == NULL) {
		fclose(f);
		*error_r = "out of memory";
		return -1;
	}
	len = fread(buf, 1, CONFIG_FILE_MAX + 1, f);
	if (ferror(f) || len > CONFIG_FILE_MAX) {
		*error_r = talloc_asprintf(cfg, "%s: %s", path,
		                           ferror(f) ? "read error" : "file too large");
		ret = -1;
	} else {
		ret = http_config_parse_ini(cfg, path, buf, len, error_r);
	}
	fclose(f);
	talloc_free(buf);
	return ret;
}

static bool hostname_valid(const char *h)
{
	size_t len = strlen(h);

	if (len == 0 || len > 253 || h[0] == '.' || h[0] == '-')
		return false;
	for (const char *p = h; *p != '\0'; p++) {
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '-')
			return false;
	}
	return true;
}

/* The URL is pasted into XML and JSON answers and Location headers. */
static bool url_valid(const char *u)
{
	if (strncmp(u, "https://", 8) != 0 && strncmp(u, "http://", 7) != 0)
		return false;
	for (const char *p = u; *p != '\0'; p++) {
		if (*p <= 0x20 || *p >= 0x7f || strchr("\"'<>\\?#`{}|^", *p) != NULL)
			return false;
	}
	return strlen(u) > 8;
}

static int finish_url(struct http_config *cfg, const char **error_r)
{
	size_t len;

	if (cfg->external_url == NULL) {
		uint16_t port = cfg->listens[0].port;
		bool dflt = cfg->tls ? port == 443 : port == 80;

		if (dflt)
			cfg->external_url = talloc_asprintf(
			    cfg, "%s://%s", cfg->tls ? "https" : "http", cfg->hostname);
		else
			cfg->external_url = talloc_asprintf(
			    cfg, "%s://%s:%u", cfg->tls ? "https" : "http", cfg->hostname, port);
		if (cfg->external_url == NULL) {
			*error_r = "out of memory";
			return -1;
		}
	}
	if (!url_valid(cfg->external_url)) {
		*error_r = talloc_asprintf(
		    cfg, "external_url %s: want http(s)://host[:port][/path]", cfg->external_url);
		return -1;
	}
	len = strlen(cfg->external_url);
	while (len > 0 && cfg->external_url[len - 1] == '/')
		cfg->external_url[--len] = '\0';
	return 0;
}

int http_config_finish(struct http_config *cfg, const char **error_r)
{
	if (!hostname_valid(cfg->hostname)) {
		*error_r = talloc_asprintf(cfg, "hostname %s: want a DNS name", cfg->hostname);
		return -1;
	}
	if (cfg->data_dir == NULL || cfg->data_dir[0] == '\0') {
		*error_r = "data_dir is not set";
		return -1;
	}
	if (cfg->tls && (cfg->tls_cert == NULL || cfg->tls_key == NULL)) {
		*error_r = "TLS needs --tls-cert and --tls-key (or --no-tls)";
		return -1;
	}
	if (cfg->listen_count == 0 &&
	    add_listen(cfg, cfg->tls ? "0.0.0.0:443" : "127.0.0.1:8080", error_r) < 0)
		return -1;
	if (finish_url(cfg, error_r) < 0)
		return -1;
	if (cfg->threads == 0) {
		/* Four event threads per core: libmicrohttpd 0.9.75 walks every
		 * suspended connection of a thread (each held NotificationWait)
		 * whenever one of them resumes, i.e. for each answered request;
		 * 4000 held waits on 2 threads made that walk a quarter of the
		 * daemon's CPU.  Password checks stay one per core. */
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		cfg->auth_workers = n > 0 && n < 256 ? (unsigned)n : 1;
		cfg->threads = cfg->auth_workers * 4 < 64 ? cfg->auth_workers * 4 : 64;
	}
	if (cfg->connection_memory < 8192 || cfg->connection_memory > 1024 * 1024) {
		*error_r = "connection_memory must be between 8K and 1M";
		return -1;
	}
	if (cfg->connection_limit == 0 || cfg->auth_cache_size == 0) {
		*error_r = "connection_limit and cache_size must be positive";
		return -1;
	}
	for (unsigned i = 0; i < cfg->listen_count; i++) {
		struct http_listen *l = &cfg->listens[i];

		if (l->scheme_count == 0) {
			memcpy(l->schemes, cfg->schemes, sizeof(l->schemes));
			l->scheme_count = cfg->scheme_count;
		}
		/* Negotiate without acceptor keys could only ever fail. */
		for (unsigned j = 0; j < l->scheme_count; j++) {
			if (l->schemes[j] == HTTP_AUTH_SCHEME_NEGOTIATE &&
			    cfg->auth_keytab == NULL) {
				*error_r = talloc_asprintf(cfg,
				                           "listener %s offers negotiate: "
				                           "set auth.keytab",
				                           l->text);
				return -1;
			}
		}
	}
	return 0;
}

bool http_config_offers(const struct http_config *cfg, enum http_auth_scheme scheme)
{
	for (unsigned i = 0; i < cfg->listen_count; i++) {
		for (unsigned j = 0; j < cfg->listens[i].scheme_count; j++) {
			if (cfg->listens[i].schemes[j] == scheme)
				return true;
		}
	}
	return false;
}
