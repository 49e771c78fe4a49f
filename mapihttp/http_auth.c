#include "http_auth.h"

#include <string.h>
#include <strings.h>
#include <time.h>

#include "auth_backoff.h"
#include "auth_cache.h"
#include "auth_http.h"
#include "http_workers.h"
#include "log.h"

#define LOG_USER_MAX  128
#define BACKOFF_SLOTS 4096
/* A cached Basic credential is served for cache_ttl / GRACE_DIVISOR more
 * seconds while one worker re-verifies it (auth_cache.h). */
#define GRACE_DIVISOR 4

struct http_auth {
	const struct http_config *cfg;
	http_password_verify_fn *verify;
	http_password_stamp_fn *stamp; /* may be NULL: entries live their TTL */
	void *verify_ctx;
	struct auth_cache *cache;
	struct auth_backoff *backoff;
	struct auth_http *conn_schemes; /* NTLM and Negotiate; NULL when off */
	struct http_workers *workers;   /* background re-verification; NULL: none */
	http_auth_clock_fn *clock;
};

/* One authentication scheme.  Multi-leg schemes (NTLM, Negotiate) keep
 * per-connection state behind the same operations and have no slow
 * completion step. */
struct auth_scheme_ops {
	enum http_auth_scheme id;
	const char *token; /* as in the Authorization header */
	bool conn_bound;   /* the identity stays with the TCP connection */
	bool (*allowed)(const struct http_auth *auth, const struct http_request *req);
	char *(*challenge)(TALLOC_CTX *mem_ctx, const struct http_auth *auth);
	enum http_auth_result (*authenticate)(struct http_auth *auth, struct http_request *req,
	                                      const char *header,
	                                      struct http_auth_pending **pending_r);
	enum http_auth_result (*complete)(struct http_auth *auth, struct http_request *req,
	                                  struct http_auth_pending *pending);
};

static time_t now_monotonic(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static time_t auth_now(const struct http_auth *auth)
{
	return auth->clock();
}

bool http_basic_allowed(bool tls, const struct http_listen *listener, bool tls_offloaded)
{
	return tls || listener->loopback || tls_offloaded;
}

static int b64val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Strict RFC 4648 base64 with padding.  Returns the decoded length, or -1. */
static long b64_decode(const char *in, size_t len, unsigned char *out)
{
	size_t o = 0;

	if (len == 0 || len % 4 != 0)
		return -1;
	for (size_t i = 0; i < len; i += 4) {
		int v[4];
		unsigned pad = 0;

		for (int j = 0; j < 4; j++) {
			unsigned char c = (unsigned char)in[i + (size_t)j];

			if (c == '=' && i + 4 == len && j >= 2) {
				v[j] = 0;
				pad++;
				continue;
			}
			if (pad > 0 || (v[j] = b64val(c)) < 0)
				return -1;
		}
		out[o++] = (unsigned char)(v[0] << 2 | v[1] >> 4);
		if (pad < 2)
			out[o++] = (unsigned char)((v[1] & 0xF) << 4 | v[2] >> 2);
		if (pad < 1)
			out[o++] = (unsigned char)((v[2] & 0x3) << 6 | v[3]);
	}
	return (long)o;
}

int http_basic_parse(TALLOC_CTX *mem_ctx, const char *header, char **user_r, char **password_r)
{
	size_t hlen = strlen(header), len;
	const char *p = header + 5;
	unsigned char *buf;
	char *colon;
	long n;
	int ret = -1;

	/* [RFC 7617] 2: "Basic" SP token68; the scheme name is case-insensitive. */
	if (hlen > HTTP_AUTH_HEADER_MAX || hlen < 6 || strncasecmp(header, "Basic", 5) != 0 ||
	    *p != ' ')
		return -1;
	while (*p == ' ')
		p++;
	len = strlen(p);
	while (len > 0 && p[len - 1] == ' ')
		len--;
	buf = talloc_size(NULL, len + 1);
	if (buf == NULL)
		return -1;
	n = b64_decode(p, len, buf);
	if (n < 0)
		goto out;
	buf[n] = '\0';
	for (long i = 0; i < n; i++) {
		if (buf[i] < 0x20 || buf[i] == 0x7f)
			goto out; /* NUL or control bytes: never a real name */
	}
	colon = strchr((char *)buf, ':');
	if (colon == NULL || colon == (char *)buf)
		goto out;
	*user_r = talloc_strndup(mem_ctx, (char *)buf, (size_t)(colon - (char *)buf));
	*password_r = talloc_strdup(mem_ctx, colon + 1);
	ret = *user_r != NULL && *password_r != NULL ? 0 : -1;
out:
	explicit_bzero(buf, len + 1);
	talloc_free(buf);
	return ret;
}

static bool basic_allowed(const struct http_auth *auth, const struct http_request *req)
{
	return http_basic_allowed(req->tls, req->listener, auth->cfg->tls_offloaded);
}

static char *basic_challenge(TALLOC_CTX *mem_ctx, const struct http_auth *auth)
{
	/* [RFC 7617] 2: realm is required; charset tells clients to send UTF-8. */
	return talloc_asprintf(mem_ctx, "Basic realm=\"%s\", charset=\"UTF-8\"",
	                       auth->cfg->hostname);
}

/* A slow check prepared on the event thread, run on a worker.  The copies
 * of the secret are wiped when it is freed. */
struct http_auth_pending {
	enum http_auth_scheme scheme;
	char *header;
	char *user;
	char *password;
	bool known;     /* worked before: exempt from back-off, and does not clear it */
	bool cacheable; /* the password's stamp was read (or there is none) */
};

static int pending_destructor(struct http_auth_pending *p)
{
	if (p->header != NULL)
		explicit_bzero(p->header, strlen(p->header));
	if (p->password != NULL)
		explicit_bzero(p->password, strlen(p->password));
	return 0;
}

/* The slow part: the password KDF, through the verify callback. */
static enum http_auth_result basic_complete(struct http_auth *auth, struct http_request *req,
                                            struct http_auth_pending *p)
{
	time_t now = auth_now(auth);
	const char *error = NULL;
	char *canonical = NULL, *cached;
	int r;

	/* Requests that missed the cache together (a client's connections,
	 * or every one of them when the entry expired) each queued a check;
	 * once the first has stored the credential the others find it here
	 * instead of running the KDF again (256 sessions of one user made
	 * hundreds of KDFs, seconds of queue, every cache_ttl). */
	if (auth_cache_lookup(auth->cache, req, p->header, now, &cached) == 1) {
		req->auth_user = cached;
		req->auth_scheme = HTTP_AUTH_SCHEME_BASIC;
		return HTTP_AUTH_OK;
	}
	r = auth->verify(auth->verify_ctx, req, p->user, p->password, &canonical, &error);
	if (r < 0) {
		log_error("auth", "verify-error user=%.*s peer=%s error=%s", LOG_USER_MAX, p->user,
		          req->peer, error != NULL ? error : "unknown");
		return HTTP_AUTH_INTERNAL;
	}
	if (r == 0) {
		auth_backoff_failure(auth->backoff, req->peer, p->user, now);
		log_warn("auth", "failed scheme=basic user=%.*s peer=%s", LOG_USER_MAX, p->user,
		         req->peer);
		return HTTP_AUTH_CHALLENGE;
	}
	/* A known credential passing says nothing about the guesses. */
	if (!p->known)
		auth_backoff_success(auth->backoff, req->peer, p->user);
	/* Keyed by "no stamp" (the user was unknown when it was read), the
	 * entry would match again once the user is deleted: not cached. */
	if (p->cacheable)
		auth_cache_store(auth->cache, p->header, canonical, now);
	req->auth_user = canonical;
	req->auth_scheme = HTTP_AUTH_SCHEME_BASIC;
	log_debug("auth", "verified scheme=basic user=%s peer=%s", canonical, req->peer);
	return HTTP_AUTH_OK;
}

/* A re-verification of a cached credential past its TTL, run on a worker
 * while the entry is still served.  Holds copies of the secret, wiped when
 * freed; a top-level talloc context, freed on the worker. */
struct refresh_job {
	struct http_auth *auth;
	char *header; /* the cache key */
	char *user;
	char *password;
	char *peer;
};

static int refresh_destructor(struct refresh_job *j)
{
	if (j->header != NULL)
		explicit_bzero(j->header, strlen(j->header));
	if (j->password != NULL)
		explicit_bzero(j->password, strlen(j->password));
	return 0;
}

/* On a worker: the KDF again.  Success stores the entry anew (a fresh
 * TTL); a wrong password, an unknown user or an error drops it at once. */
static void refresh_run(void *arg)
{
	struct refresh_job *j = arg;
	struct http_auth *auth = j->auth;
	const char *error = NULL;
	char *canonical = NULL;
	int r = auth->verify(auth->verify_ctx, j, j->user, j->password, &canonical, &error);

	if (r > 0) {
		auth_cache_store(auth->cache, j->header, canonical, auth_now(auth));
		log_debug("auth", "refreshed scheme=basic user=%s peer=%s", canonical, j->peer);
	} else {
		auth_cache_drop(auth->cache, j->header);
		if (r < 0)
			log_error("auth", "refresh-error user=%.*s peer=%s error=%s", LOG_USER_MAX,
			          j->user, j->peer, error != NULL ? error : "unknown");
		else
			log_warn("auth", "refresh-failed scheme=basic user=%.*s peer=%s",
			         LOG_USER_MAX, j->user, j->peer);
	}
	talloc_free(j);
}

/* Hands p's credential to a worker for re-verification.  When that cannot
 * be done the entry is dropped, so the next request checks it itself. */
static void refresh_start(struct http_auth *auth, struct http_request *req,
                          struct http_auth_pending *p)
{
	struct refresh_job *j = talloc_zero(NULL, struct refresh_job);

	if (j != NULL) {
		talloc_set_destructor(j, refresh_destructor);
		j->auth = auth;
		j->header = talloc_steal(j, p->header);
		j->user = talloc_steal(j, p->user);
		j->password = talloc_steal(j, p->password);
		p->header = p->password = NULL;
		j->peer = talloc_strdup(j, req->peer);
	}
	if (j == NULL || j->peer == NULL ||
	    http_workers_submit(auth->workers, refresh_run, j) < 0) {
		auth_cache_drop(auth->cache, j != NULL ? j->header : p->header);
		talloc_free(j);
	}
}

/* The cache: a live entry, or one in its grace period while a worker
 * re-verifies it (only when workers are set; this request claims the
 * re-verification when no other did).  True when req is authenticated. */
static bool basic_cached(struct http_auth *auth, struct http_request *req,
                         struct http_auth_pending *p)
{
	bool refresh = false;
	char *cached;

	if (auth_cache_lookup_grace(auth->cache, req, p->header, auth_now(auth), &cached,
	                            auth->workers != NULL ? &refresh : NULL) != 1)
		return false;
	req->auth_user = cached;
	req->auth_scheme = HTTP_AUTH_SCHEME_BASIC;
	if (refresh)
		refresh_start(auth, req, p);
	return true;
}

/* The fast part: cache, syntax and back-off.  A credential that needs the
 * KDF becomes a pending check. */
static enum http_auth_result basic_authenticate(struct http_auth *auth, struct http_request *req,
                                                const char *header,
                                                struct http_auth_pending **pending_r)
{
	struct http_auth_pending *p;
	uint64_t stamp = 0;
	unsigned wait;
	int sr = 1;

	p = talloc_zero(req, struct http_auth_pending);
	if (p == NULL)
		return HTTP_AUTH_INTERNAL;
	talloc_set_destructor(p, pending_destructor);
	p->scheme = HTTP_AUTH_SCHEME_BASIC;
	if (http_basic_parse(p, header, &p->user, &p->password) < 0) {
		log_warn("auth", "failed scheme=basic reason=malformed peer=%s", req->peer);
		talloc_free(p);
		return HTTP_AUTH_CHALLENGE;
	}
	/* The cache key is the credential with the password's current stamp,
	 * so an entry dies the moment the password changes, and an unknown
	 * user or one without a password (deleted, disabled) has stamp 0,
	 * which no cached entry carries (see basic_complete). */
	if (auth->stamp != NULL && (sr = auth->stamp(auth->verify_ctx, p->user, &stamp)) < 0) {
		log_error("auth", "stamp-error user=%.*s peer=%s", LOG_USER_MAX, p->user,
		          req->peer);
		talloc_free(p);
		return HTTP_AUTH_INTERNAL;
	}
	p->cacheable = sr > 0;
	p->header = talloc_asprintf(p, "%s\n%016llx", header, (unsigned long long)stamp);
	if (p->header == NULL) {
		talloc_free(p);
		return HTTP_AUTH_INTERNAL;
	}
	if (basic_cached(auth, req, p)) {
		talloc_free(p);
		return HTTP_AUTH_OK;
	}
	/* A credential that worked recently is never held back: guessing from
	 * the same address must not lock out the user's own client. */
	p->known = auth_cache_known(auth->cache, p->header, auth_now(auth));
	wait = p->known ? 0 : auth_backoff_wait(auth->backoff, req->peer, p->user, auth_now(auth));
	if (wait > 0) {
		log_warn("auth", "refused reason=backoff user=%.*s peer=%s wait=%u", LOG_USER_MAX,
		         p->user, req->peer, wait);
		talloc_free(p);
		return HTTP_AUTH_CHALLENGE;
	}
	*pending_r = p;
	return HTTP_AUTH_PENDING;
}

/* NTLM and Negotiate: no password crosses the wire, so every transport
 * will do; offered only when the process-wide auth_http exists. */
static bool ntlm_allowed(const struct http_auth *auth, const struct http_request *req)
{
	return auth->conn_schemes != NULL && auth_http_offers_ntlm(auth->conn_schemes);
}

static bool negotiate_allowed(const struct http_auth *auth, const struct http_request *req)
{
	return auth->conn_schemes != NULL && auth_http_offers_negotiate(auth->conn_schemes);
}

/* [MS-NTHT] 2.2.1 and [RFC 4559] 4.1: the first challenge is the bare
 * scheme name. */
static char *ntlm_challenge(TALLOC_CTX *mem_ctx, const struct http_auth *auth)
{
	return talloc_strdup(mem_ctx, "NTLM");
}

static char *negotiate_challenge(TALLOC_CTX *mem_ctx, const struct http_auth *auth)
{
	return talloc_strdup(mem_ctx, "Negotiate");
}

/* The connection's handshake state, made on its first use. */
static struct auth_http_conn *conn_state(struct http_auth *auth, struct http_request *req)
{
	if (req->connection == NULL)
		return NULL;
	if (req->connection->auth_state == NULL)
		req->connection->auth_state =
		    auth_http_conn_new(req->connection, auth->conn_schemes);
	return req->connection->auth_state;
}

/* One leg of an NTLM or Negotiate handshake.  The tokens are cheap to
 * check (no KDF), so they run here on the event thread.  A failed
 * AUTHENTICATE counts towards the (peer, user) back-off like a failed
 * Basic password; while it is in force, a handshake that succeeds is
 * still refused unless the user authenticated from this address within
 * known_ttl, so guessing is slowed and the user's own client is not
 * locked out. */
static enum http_auth_result conn_authenticate(struct http_auth *auth, struct http_request *req,
                                               const char *header, enum http_auth_scheme scheme)
{
	const char *name = http_auth_scheme_name(scheme), *user = NULL, *reason = NULL;
	struct auth_http_conn *conn = conn_state(auth, req);
	char *www = NULL, *address = NULL, *known_key;
	time_t now = auth_now(auth);

	if (conn == NULL)
		return HTTP_AUTH_INTERNAL;
	switch (auth_http_step(conn, req, header, &www, &address, &user, &reason)) {
	case AUTH_HTTP_OK:
		break;
	case AUTH_HTTP_CONTINUE:
		if (www == NULL || http_respond_header(req, "WWW-Authenticate", www) < 0)
			return HTTP_AUTH_INTERNAL;
		return HTTP_AUTH_CONTINUE;
	case AUTH_HTTP_FAILED: {
		/* Keyed by the address a success would yield, so the check below
		 * sees these failures. */
		const char *key = auth_http_claimed_address(auth->conn_schemes, req, user);
		if (key != NULL || user != NULL)
			auth_backoff_failure(auth->backoff, req->peer, key != NULL ? key : user,
			                     now);
		log_warn("auth", "failed scheme=%s user=%.*s peer=%s reason=%s", name, LOG_USER_MAX,
		         user != NULL ? user : "-", req->peer, reason != NULL ? reason : "-");
		return HTTP_AUTH_CHALLENGE;
	}
	case AUTH_HTTP_MALFORMED:
		log_warn("auth", "failed scheme=%s reason=malformed peer=%s detail=%s", name,
		         req->peer, reason != NULL ? reason : "-");
		return HTTP_AUTH_MALFORMED;
	default:
		log_error("auth", "error scheme=%s peer=%s detail=%s", name, req->peer,
		          reason != NULL ? reason : "-");
		return HTTP_AUTH_INTERNAL;
	}
	known_key = talloc_asprintf(req, "%s\n%s\n%s", name, req->peer, address);
	if (known_key == NULL)
		return HTTP_AUTH_INTERNAL;
	if (!auth_cache_known(auth->cache, known_key, now) &&
	    auth_backoff_wait(auth->backoff, req->peer, address, now) > 0) {
		log_warn("auth", "refused reason=backoff scheme=%s user=%.*s peer=%s", name,
		         LOG_USER_MAX, address, req->peer);
		return HTTP_AUTH_CHALLENGE;
	}
	auth_cache_store(auth->cache, known_key, address, now);
	/* [RFC 4559] 5: Kerberos' mutual-authentication token rides on the
	 * successful answer. */
	if (www != NULL && http_respond_header(req, "WWW-Authenticate", www) < 0)
		return HTTP_AUTH_INTERNAL;
	req->auth_user = address;
	req->auth_scheme = scheme;
	log_debug("auth", "verified scheme=%s user=%s peer=%s", name, address, req->peer);
	return HTTP_AUTH_OK;
}

static enum http_auth_result ntlm_authenticate(struct http_auth *auth, struct http_request *req,
                                               const char *header,
                                               struct http_auth_pending **pending_r)
{
	return conn_authenticate(auth, req, header, HTTP_AUTH_SCHEME_NTLM);
}

static enum http_auth_result negotiate_authenticate(struct http_auth *auth,
                                                    struct http_request *req, const char *header,
                                                    struct http_auth_pending **pending_r)
{
	return conn_authenticate(auth, req, header, HTTP_AUTH_SCHEME_NEGOTIATE);
}

static const struct auth_scheme_ops schemes[] = {
    {HTTP_AUTH_SCHEME_BASIC, "Basic", false, basic_allowed, basic_challenge, basic_authenticate,
     basic_complete},
    {HTTP_AUTH_SCHEME_NTLM, "NTLM", true, ntlm_allowed, ntlm_challenge, ntlm_authenticate, NULL},
    {HTTP_AUTH_SCHEME_NEGOTIATE, "Negotiate", true, negotiate_allowed, negotiate_challenge,
     negotiate_authenticate, NULL},
};

static const struct auth_scheme_ops *scheme_ops(enum http_auth_scheme id)
{
	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		if (schemes[i].id == id)
			return &schemes[i];
	}
	return NULL;
}

struct http_auth *http_auth_new(TALLOC_CTX *mem_ctx, const struct http_config *cfg,
                                http_password_verify_fn *verify, void *verify_ctx)
{
	struct http_auth *auth = talloc_zero(mem_ctx, struct http_auth);

	if (auth == NULL)
		return NULL;
	auth->cfg = cfg;
	auth->verify = verify;
	auth->verify_ctx = verify_ctx;
	auth->clock = now_monotonic;
	auth->cache =
	    auth_cache_new(auth, cfg->auth_cache_size, cfg->auth_cache_ttl, cfg->auth_known_ttl);
	auth->backoff =
	    auth_backoff_new(auth, BACKOFF_SLOTS, cfg->backoff_threshold, cfg->backoff_max);
	if (auth->cache == NULL || auth->backoff == NULL) {
		talloc_free(auth);
		return NULL;
	}
	auth_cache_set_grace(auth->cache, cfg->auth_cache_ttl / GRACE_DIVISOR);
	return auth;
}

void http_auth_set_password_stamp(struct http_auth *auth, http_password_stamp_fn *stamp)
{
	auth->stamp = stamp;
}

void http_auth_set_conn_schemes(struct http_auth *auth, struct auth_http *ah)
{
	auth->conn_schemes = ah;
}

void http_auth_set_workers(struct http_auth *auth, struct http_workers *workers)
{
	auth->workers = workers;
}

void http_auth_set_clock(struct http_auth *auth, http_auth_clock_fn *clock)
{
	auth->clock = clock != NULL ? clock : now_monotonic;
}

/* [MS-NTHT] 3.2.5: once NTLM or Negotiate succeeded on a connection, its
 * later requests may come without an Authorization header. */
static bool conn_identity(struct http_auth *auth, struct http_request *req)
{
	const struct auth_http_conn *conn =
	    req->connection != NULL ? req->connection->auth_state : NULL;
	const char *address;

	if (auth->conn_schemes == NULL || conn == NULL ||
	    (address = auth_http_conn_address(conn)) == NULL)
		return false;
	for (unsigned i = 0; i < req->listener->scheme_count; i++) {
		const struct auth_scheme_ops *ops = scheme_ops(req->listener->schemes[i]);

		if (ops != NULL && ops->conn_bound && ops->allowed(auth, req)) {
			req->auth_user = talloc_strdup(req, address);
			req->auth_scheme = ops->id;
			return req->auth_user != NULL;
		}
	}
	return false;
}

enum http_auth_result http_auth_check(struct http_auth *auth, struct http_request *req,
                                      const char *authorization,
                                      struct http_auth_pending **pending_r)
{
	bool any_allowed = false;

	if (authorization == NULL && conn_identity(auth, req))
		return HTTP_AUTH_OK;

	for (unsigned i = 0; i < req->listener->scheme_count; i++) {
		const struct auth_scheme_ops *ops = scheme_ops(req->listener->schemes[i]);
		struct http_auth_pending *pending = NULL;
		enum http_auth_result r;
		size_t tlen;

		if (ops == NULL || !ops->allowed(auth, req))
			continue;
		any_allowed = true;
		tlen = strlen(ops->token);
		if (authorization == NULL || strncasecmp(authorization, ops->token, tlen) != 0 ||
		    authorization[tlen] != ' ')
			continue;
		r = ops->authenticate(auth, req, authorization, &pending);
		if (r != HTTP_AUTH_PENDING)
			return r;
		if (pending_r != NULL) {
			*pending_r = pending;
			return HTTP_AUTH_PENDING;
		}
		return http_auth_complete(auth, req, pending);
	}
	if (!any_allowed) {
		log_warn("auth", "refused reason=insecure-transport peer=%s listener=%s", req->peer,
		         req->listener->text);
		return HTTP_AUTH_NO_TRANSPORT;
	}
	return HTTP_AUTH_CHALLENGE;
}

enum http_auth_result http_auth_complete(struct http_auth *auth, struct http_request *req,
                                         struct http_auth_pending *pending)
{
	const struct auth_scheme_ops *ops = scheme_ops(pending->scheme);
	enum http_auth_result r = ops != NULL && ops->complete != NULL
	                              ? ops->complete(auth, req, pending)
	                              : HTTP_AUTH_INTERNAL;

	talloc_free(pending);
	return r;
}

int http_auth_add_challenges(struct http_auth *auth, struct http_request *req)
{
	for (unsigned i = 0; i < req->listener->scheme_count; i++) {
		const struct auth_scheme_ops *ops = scheme_ops(req->listener->schemes[i]);
		char *value;

		if (ops == NULL || !ops->allowed(auth, req))
			continue;
		value = ops->challenge(req, auth);
		if (value == NULL || http_respond_header(req, "WWW-Authenticate", value) < 0)
			return -1;
	}
	return 0;
}

void http_auth_forget_user(struct http_auth *auth, const char *user)
{
	auth_cache_forget_user(auth->cache, user);
}
