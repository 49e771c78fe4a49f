/*
 * mc_frame: the response body framing of MAPI/HTTP as a client reads it
 * ([MS-OXCMAPIHTTP] 2.2.7 and 3.2.5.2).
 *
 * A successful response body (the bytes after HTTP's own chunked transfer
 * coding is removed) is:
 *
 *   PROCESSING CRLF              sent at once
 *   PENDING CRLF                 zero or more keep-alives (X-PendingPeriod)
 *   DONE CRLF
 *   Name: value CRLF             additional headers: X-ElapsedTime,
 *   ...                          X-StartTime (and possibly X-ResponseCode)
 *   CRLF
 *   <binary response body>
 *
 * The parser is incremental: bytes are fed as they arrive, in pieces of any
 * size, so a keep-alive can be reported while the request still runs.  It
 * holds no more than MC_FRAME_MAX_LINE bytes of a meta-tag or header line;
 * anything longer, an unknown meta-tag, a header line without a colon, or
 * bytes after DONE's headers that never end in a blank line are errors.
 */
#ifndef MC_FRAME_H
#define MC_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

#define MC_FRAME_MAX_LINE    1024
#define MC_FRAME_MAX_HEADERS 32

enum mc_frame_state {
	MC_FRAME_START,   /* nothing yet: PROCESSING expected */
	MC_FRAME_TAGS,    /* after PROCESSING: PENDING or DONE expected */
	MC_FRAME_HEADERS, /* after DONE: header lines until a blank line */
	MC_FRAME_BODY,    /* the binary body */
	MC_FRAME_ERROR,
};

struct mc_frame_header {
	char *name;
	char *value;
};

struct mc_frame {
	enum mc_frame_state state;
	unsigned pending_count; /* PENDING keep-alives seen */
	char line[MC_FRAME_MAX_LINE];
	size_t line_len;
	struct mc_frame_header headers[MC_FRAME_MAX_HEADERS];
	size_t header_count;
	uint8_t *body; /* talloc child of the frame's mem_ctx */
	size_t body_len;
	size_t max_body;
	const char *error; /* static text when state == MC_FRAME_ERROR */
	TALLOC_CTX *mem_ctx;
};

/* Starts a parser whose body and headers live on mem_ctx; a body longer
 * than max_body bytes is an error. */
void mc_frame_init(struct mc_frame *f, TALLOC_CTX *mem_ctx, size_t max_body);

/* Feeds len bytes.  0 on success (more may follow), -1 once the stream is
 * malformed (f->error says why; later calls keep failing). */
int mc_frame_feed(struct mc_frame *f, const uint8_t *data, size_t len);

/* The stream ended: 0 when a complete response was read (DONE, its
 * headers and the blank line), -1 otherwise with f->error set. */
int mc_frame_finish(struct mc_frame *f);

/* The value of an additional header after DONE (case-insensitive name),
 * or NULL. */
const char *mc_frame_header(const struct mc_frame *f, const char *name);

#endif
