/*
 * mc_session: one client session of mapiclient against one server: the
 * credentials, the HTTP connection (one libcurl handle, so NTLM and
 * Negotiate stay bound to their connection as [MS-NTHT] requires), the
 * cookie jar, the X-RequestId sequence and the trace.
 *
 * Every call that talks to the server returns 0 on success and -1 on
 * failure; mc_session_error() then says why in one line fit for a user
 * (it never holds the password).
 */
#ifndef MC_SESSION_H
#define MC_SESSION_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <talloc.h>

#include "mc_cookie.h"

enum mc_auth {
	MC_AUTH_BASIC,
	MC_AUTH_NTLM,
	MC_AUTH_NEGOTIATE,
};

/* What went wrong, for the CLI's exit status. */
enum mc_err {
	MC_E_OK = 0,
	MC_E_USAGE,    /* bad arguments */
	MC_E_NETWORK,  /* could not reach the server, TLS failure */
	MC_E_AUTH,     /* HTTP 401/403: credentials refused */
	MC_E_HTTP,     /* another HTTP status */
	MC_E_PROTOCOL, /* the server's answer breaks the protocol */
	MC_E_SERVER,   /* the server answered an error (X-ResponseCode, StatusCode, ErrorCode) */
	MC_E_NOMEM,
};

struct mc_session_opts {
	const char *server; /* base URL ("https://host[:port]"), or NULL to discover */
	const char *user;   /* the mailbox address, also the login name */
	const char *password;
	enum mc_auth auth;
	bool insecure;    /* accept any TLS certificate (self-signed test servers) */
	FILE *trace;      /* every request and response is printed here, or NULL */
	bool no_compress; /* Execute without compression or XOR, either way */
};

struct rop_decode_ctx;
struct rop_response;
struct mc_har;

struct mc_session {
	struct mc_session_opts opts; /* strings copied onto the session */
	void *curl;                  /* CURL * */
	struct mc_cookie_jar *jar;
	char request_guid[40]; /* "{GUID}" of X-RequestId ([MS-OXCMAPIHTTP] 2.2.3.3.2) */
	char client_guid[40];  /* "{GUID}" of X-ClientInfo */
	uint64_t request_counter;
	char *error; /* the last failure, talloc child of the session */
	/* the table columns of the Execute under way, for --trace */
	const struct rop_decode_ctx *trace_ctx;
	/* the RopNotify responses after the last Execute's own
	 * ([MS-OXCNOTIF] 3.2.5.4), talloc child of the session, or NULL */
	struct rop_response *notifs;
	size_t notif_count;
	void *notif_ctx; /* owns notifs */
	/* load: called after every HTTP exchange with its X-RequestType (or
	 * "Autodiscover"), its time and whether an HTTP 200 came back */
	void (*on_exchange)(void *arg, const char *type, double ms, bool ok);
	void *on_exchange_arg;
	/* --record: every HTTP exchange is appended here (mc_har.h), or NULL */
	struct mc_har *record;
	enum mc_err error_kind;
	/* what discovery found (mc_autodiscover.h fills them) */
	char *emsmdb_url;
	char *nspi_url;
	char *legacy_dn;
	char *display_name;
};

/* A new session (NULL when out of memory or libcurl cannot start). */
struct mc_session *mc_session_new(TALLOC_CTX *mem_ctx, const struct mc_session_opts *opts);
void mc_session_free(struct mc_session **s);

const char *mc_session_error(const struct mc_session *s);
enum mc_err mc_session_error_kind(const struct mc_session *s);
/* Records a failure (printf format); returns -1 for `return mc_fail(...)`. */
int mc_fail(struct mc_session *s, enum mc_err kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The next X-RequestId: the session's GUID and a counter that increases
 * with every request ([MS-OXCMAPIHTTP] 2.2.3.3.2), on mem_ctx. */
char *mc_session_next_request_id(TALLOC_CTX *mem_ctx, struct mc_session *s);

/* Trace output helpers (no-ops without opts.trace). */
void mc_trace(const struct mc_session *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void mc_trace_hex(const struct mc_session *s, const char *prefix, const uint8_t *data, size_t len);

#endif
