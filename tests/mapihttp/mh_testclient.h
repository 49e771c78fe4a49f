/*
 * A MAPI/HTTP test client for the integration tests: starts mapihttpd on
 * 127.0.0.1 over a temporary data directory, speaks HTTP/1.1 to it (one
 * connection per request), keeps the cookies the server sets, and splits
 * the PROCESSING / PENDING / DONE framing of [MS-OXCMAPIHTTP] 2.2.7.
 */
#ifndef MH_TESTCLIENT_H
#define MH_TESTCLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <talloc.h>

struct mht_daemon {
	pid_t pid;
	unsigned port;
	char *data_dir;
	char *log_path;
};

/* A fresh data directory under /dev/shm or /tmp (talloc string). */
char *mht_tempdir(TALLOC_CTX *mem_ctx);
/* Runs mapiadmin --data-dir DIR args...; 0 on exit status 0. */
int mht_admin(const char *mapiadmin, const char *data_dir, const char *const *args);
/* Starts the daemon with a key file holding config_text (debug logging
 * unless config_text sets server.log_level, which is then warn).  0 / -1. */
int mht_daemon_start(TALLOC_CTX *mem_ctx, const char *mapihttpd, const char *data_dir,
                     const char *config_text, struct mht_daemon *d);
/* SIGTERM, then the exit status (or -1). */
int mht_daemon_stop(struct mht_daemon *d);
/* Writes all of data to the socket fd (EINTR retried, no SIGPIPE).  0 / -1. */
int mht_send_all(int fd, const void *data, size_t len);
/* Whether the daemon's log contains text. */
bool mht_log_contains(const struct mht_daemon *d, const char *text);

struct mht_user {
	const char *address, *name, *password; /* in */
	char *legacy_dn;                       /* out */
	char *mailbox_id; /* out: "<mailbox GUID>@<domain>", OUTLOOK-LADDER stage 1 */
};
/* Adds the first user's domain and every user with mapiadmin, then reads
 * each one's LegacyDN and MailboxId from the directory (on mem_ctx).
 * 0 / -1. */
int mht_provision(TALLOC_CTX *mem_ctx, const char *mapiadmin, const char *data_dir,
                  struct mht_user *users, unsigned count);
/* After the tests: removes data_dir when nothing failed, else says where
 * the daemon's log was kept. */
void mht_cleanup(const char *data_dir, const struct mht_daemon *d, bool failed);

struct mht_cookie {
	char *path, *name, *value;
};

struct mht_client {
	unsigned port;
	char *auth; /* "Basic ..." */
	char *mailbox_id;
	struct mht_cookie cookies[8];
	unsigned cookie_count;
	unsigned request_counter;
};

struct mht_header {
	char *name, *value;
};

struct mht_resp {
	int status;
	int response_code; /* X-ResponseCode, -1 when absent */
	struct mht_header headers[32];
	unsigned header_count;
	bool chunked;
	bool framed;       /* PROCESSING ... DONE seen */
	unsigned pending;  /* PENDING keep-alives */
	bool elapsed_time; /* X-ElapsedTime after DONE */
	bool start_time;   /* X-StartTime after DONE */
	uint8_t *body;     /* the binary body after the framing, or the raw body */
	size_t body_len;
	char *raw; /* the whole body as received */
	size_t raw_len;
};

struct mht_client *mht_client_new(TALLOC_CTX *mem_ctx, unsigned port, const char *user,
                                  const char *password);
/* Options of one request. */
struct mht_req {
	const char *path; /* "/mapi/nspi/" */
	const char *type; /* X-RequestType, NULL: left out */
	const uint8_t *body;
	size_t body_len;
	const char *content_type; /* NULL: application/mapi-http; "" left out */
	bool no_request_id, no_client_info, no_cookies;
	const char *extra_cookie; /* sent besides the jar, e.g. "MapiContext=..." */
	const char *method;       /* NULL: POST */
};
/* Sends one request; 0 with *resp filled (on mem_ctx), -1 on I/O error. */
int mht_request(struct mht_client *c, TALLOC_CTX *mem_ctx, const struct mht_req *req,
                struct mht_resp *resp);
const char *mht_header(const struct mht_resp *r, const char *name);
/* The jar's cookie value for path and name, or NULL. */
const char *mht_cookie(const struct mht_client *c, const char *path, const char *name);
void mht_cookie_set(struct mht_client *c, const char *path, const char *name, const char *value);
void mht_cookies_clear(struct mht_client *c);

#endif
