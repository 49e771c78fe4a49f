/*
 * mc_har: HTTP Archive 1.2 files (http://www.softwareishard.com/blog/har-12-spec/)
 * of mapiclient sessions, written (--record) and read (replay, scrub)
 * with json-c.
 *
 * Bodies are binary: a request body is kept base64 in postData.text with
 * "_encoding": "base64" (HAR allows fields of its own starting with "_"),
 * a response body base64 in content.text with content.encoding "base64"
 * (HAR 1.2).  A response body is what came over HTTP: for MAPI/HTTP the
 * whole PROCESSING / PENDING / DONE stream ([MS-OXCMAPIHTTP] 2.2.7).
 * Authorization headers are never recorded (libcurl adds them).
 */
#ifndef MC_HAR_H
#define MC_HAR_H

#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

struct mc_har_header {
	char *name, *value;
};

struct mc_har_entry {
	char *method, *url;
	struct mc_har_header *req_headers;
	size_t req_header_count;
	uint8_t *req_body;
	size_t req_body_len;
	long status;
	struct mc_har_header *resp_headers;
	size_t resp_header_count;
	uint8_t *resp_body;
	size_t resp_body_len;
	double time_ms;
	char *comment; /* the entry's comment, or NULL */
	/* "_example": a specification example to replay in seed mode
	 * (mc_replay_seed.h), its JSON text; NULL when absent */
	char *example;
};

struct mc_har {
	char *comment; /* log.comment: what the file holds and where from */
	/* log "_seed": the mailbox state the entries assume (mc_replay_seed.h),
	 * its JSON text; NULL when absent */
	char *seed;
	struct mc_har_entry *entries;
	size_t count;
};

/* An empty archive on mem_ctx. */
struct mc_har *mc_har_new(TALLOC_CTX *mem_ctx);

/* Appends a copy of e (every string and body copied onto har). */
int mc_har_add(struct mc_har *har, const struct mc_har_entry *e);

/* Writes har as HAR 1.2 JSON to path (0600).  0, or -1 with errno. */
int mc_har_write(const struct mc_har *har, const char *path);

/* Reads path.  NULL with *error_r (on mem_ctx) when the file is not a HAR
 * 1.2 log this reader understands. */
struct mc_har *mc_har_read(TALLOC_CTX *mem_ctx, const char *path, const char **error_r);

/* The first value of header name (case-insensitive), or NULL. */
const char *mc_har_header(const struct mc_har_header *h, size_t count, const char *name);

#endif
