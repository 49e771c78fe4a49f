/*
 * mc_http: HTTP requests of a session (libcurl), and the MAPI/HTTP request
 * layer on top of them ([MS-OXCMAPIHTTP] 2.2.2 - 2.2.3, 2.2.7, 3.1.5).
 */
#ifndef MC_HTTP_H
#define MC_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

#include "mc_session.h"

/* Responses larger than this are refused (a broken or hostile server). */
#define MC_HTTP_MAX_BODY (64u * 1024 * 1024)

struct mc_http_header {
	char *name;
	char *value;
};

struct mc_http_resp {
	long status;
	struct mc_http_header *headers; /* of the final response, talloc array */
	size_t header_count;
	uint8_t *body;
	size_t body_len;
};

/*
 * One HTTP request through the session's connection.  headers is a NULL-
 * terminated list of "Name: value" lines (may be NULL); the session's
 * cookies for the URL's path are added and the Set-Cookie headers of the
 * answer stored.  authenticate: send the session's credentials with its
 * scheme.  Redirects are not followed.  0 when an HTTP response arrived
 * (whatever its status), -1 when none did (MC_E_NETWORK).
 */
int mc_http_request(TALLOC_CTX *mem_ctx, struct mc_session *s, const char *method, const char *url,
                    const char *const *headers, const uint8_t *body, size_t body_len,
                    bool authenticate, struct mc_http_resp *resp_r);

/* The first value of header name (case-insensitive), or NULL. */
const char *mc_http_header(const struct mc_http_resp *r, const char *name);

/* The path of an absolute URL ("/mapi/emsmdb/"), on mem_ctx, or NULL. */
char *mc_url_path(TALLOC_CTX *mem_ctx, const char *url);

/* [MS-OXCMAPIHTTP] 2.2.3.3.3: the name of an X-ResponseCode value. */
const char *mc_response_code_name(uint32_t code);

/* The result of one MAPI/HTTP request. */
struct mc_mapi_resp {
	long http_status;
	uint32_t response_code; /* X-ResponseCode */
	char *request_type;     /* X-RequestType as echoed */
	uint8_t *body;          /* the binary body after DONE (response_code 0) */
	size_t body_len;
	char *diagnostic; /* the body as text when response_code is not 0 */
	unsigned pending; /* PENDING keep-alives received */
	char *elapsed_time, *start_time;
};

/*
 * POSTs one MAPI/HTTP request of request_type ("Connect", "Bind", "PING")
 * to url with the common headers of [MS-OXCMAPIHTTP] 2.2.2.1 and the
 * session's cookies, and reads the chunked response (PROCESSING, PENDING
 * keep-alives, DONE, additional headers, body).  0 only when the server
 * answered X-ResponseCode 0 with a well-formed stream; otherwise -1 with
 * the session error set (MC_E_AUTH for 401/403, MC_E_SERVER for a non-zero
 * X-ResponseCode, with its name and the server's diagnostic text) and as
 * much of resp_r filled as was received.
 */
int mc_mapi_request(TALLOC_CTX *mem_ctx, struct mc_session *s, const char *url,
                    const char *request_type, const uint8_t *body, size_t body_len,
                    struct mc_mapi_resp *resp_r);

#endif
