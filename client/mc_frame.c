/*
 * mc_frame: incremental parser of the MAPI/HTTP response framing
 * ([MS-OXCMAPIHTTP] 2.2.7 meta-tags, 3.2.5.2 chunked responses).
 */
#include "mc_frame.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

void mc_frame_init(struct mc_frame *f, TALLOC_CTX *mem_ctx, size_t max_body)
{
	memset(f, 0, sizeof(*f));
	f->state = MC_FRAME_START;
	f->mem_ctx = mem_ctx;
	f->max_body = max_body;
}

static int frame_fail(struct mc_frame *f, const char *why)
{
	f->state = MC_FRAME_ERROR;
	f->error = why;
	return -1;
}

/* One header line after DONE: "Name: value" (RFC 9110 field syntax, the
 * value trimmed of surrounding blanks). */
static int frame_header_line(struct mc_frame *f, const char *line, size_t len)
{
	const char *colon = memchr(line, ':', len);
	if (colon == NULL || colon == line)
		return frame_fail(f, "header line after DONE without a name and colon");
	if (f->header_count == MC_FRAME_MAX_HEADERS)
		return frame_fail(f, "too many header lines after DONE");
	const char *v = colon + 1, *end = line + len;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	struct mc_frame_header *h = &f->headers[f->header_count];
	h->name = talloc_strndup(f->mem_ctx, line, (size_t)(colon - line));
	h->value = talloc_strndup(f->mem_ctx, v, (size_t)(end - v));
	if (h->name == NULL || h->value == NULL)
		return frame_fail(f, "out of memory");
	f->header_count++;
	return 0;
}

/* A complete line (CRLF removed) in state START, TAGS or HEADERS. */
static int frame_line(struct mc_frame *f, const char *line, size_t len)
{
	/* [MS-OXCMAPIHTTP] 2.2.7: PROCESSING starts the stream, PENDING are
	 * keep-alives, DONE precedes the additional headers. */
	switch (f->state) {
	case MC_FRAME_START:
		if (len == 10 && memcmp(line, "PROCESSING", 10) == 0) {
			f->state = MC_FRAME_TAGS;
			return 0;
		}
		return frame_fail(f, "response does not start with the PROCESSING meta-tag");
	case MC_FRAME_TAGS:
		if (len == 7 && memcmp(line, "PENDING", 7) == 0) {
			f->pending_count++;
			return 0;
		}
		if (len == 4 && memcmp(line, "DONE", 4) == 0) {
			f->state = MC_FRAME_HEADERS;
			return 0;
		}
		return frame_fail(f, "unknown meta-tag (PENDING or DONE expected)");
	case MC_FRAME_HEADERS:
		if (len == 0) {
			f->state = MC_FRAME_BODY;
			return 0;
		}
		return frame_header_line(f, line, len);
	default:
		return frame_fail(f, "internal state error");
	}
}

static int frame_body(struct mc_frame *f, const uint8_t *data, size_t len)
{
	if (len == 0)
		return 0;
	if (f->max_body - f->body_len < len)
		return frame_fail(f, "response body larger than the client accepts");
	uint8_t *nb = talloc_realloc(f->mem_ctx, f->body, uint8_t, f->body_len + len);
	if (nb == NULL)
		return frame_fail(f, "out of memory");
	memcpy(nb + f->body_len, data, len);
	f->body = nb;
	f->body_len += len;
	return 0;
}

/* Before DONE every line is a meta-tag: a byte that cannot continue one
 * fails at once, so a body that is not framed is refused at its first
 * byte instead of being buffered. */
static int frame_tag_byte(struct mc_frame *f, uint8_t c)
{
	static const char processing[] = "PROCESSING\r", pending[] = "PENDING\r", done[] = "DONE\r";
	size_t i = f->line_len;
	if (f->state == MC_FRAME_START) {
		if (i >= sizeof(processing) - 1 || processing[i] != (char)c)
			return frame_fail(f,
			                  "response does not start with the PROCESSING meta-tag");
	} else if (f->state == MC_FRAME_TAGS) {
		bool ok =
		    (i < sizeof(pending) - 1 && pending[i] == (char)c &&
		     memcmp(f->line, pending, i) == 0) ||
		    (i < sizeof(done) - 1 && done[i] == (char)c && memcmp(f->line, done, i) == 0);
		if (!ok)
			return frame_fail(f, "unknown meta-tag (PENDING or DONE expected)");
	}
	return 0;
}

int mc_frame_feed(struct mc_frame *f, const uint8_t *data, size_t len)
{
	size_t i = 0;
	if (f->state == MC_FRAME_ERROR)
		return -1;
	while (i < len) {
		if (f->state == MC_FRAME_BODY)
			return frame_body(f, data + i, len - i);
		uint8_t c = data[i++];
		if (c == '\n') {
			/* CRLF ends every meta-tag and header line (2.2.7). */
			if (f->line_len == 0 || f->line[f->line_len - 1] != '\r')
				return frame_fail(f, "line not ended by CRLF");
			size_t n = f->line_len - 1;
			f->line_len = 0;
			if (frame_line(f, f->line, n) < 0)
				return -1;
			continue;
		}
		if (f->line_len > 0 && f->line[f->line_len - 1] == '\r')
			return frame_fail(f, "bare CR inside a line");
		if (frame_tag_byte(f, c) < 0)
			return -1;
		if (f->line_len == sizeof(f->line))
			return frame_fail(f, "meta-tag or header line too long");
		f->line[f->line_len++] = (char)c;
	}
	return 0;
}

int mc_frame_finish(struct mc_frame *f)
{
	switch (f->state) {
	case MC_FRAME_BODY:
		return 0;
	case MC_FRAME_ERROR:
		return -1;
	case MC_FRAME_START:
		return frame_fail(f, f->line_len == 0
		                         ? "empty response body"
		                         : "response ended inside the PROCESSING meta-tag");
	case MC_FRAME_TAGS:
		return frame_fail(f, "response ended before the DONE meta-tag");
	case MC_FRAME_HEADERS:
		return frame_fail(f, "response ended inside the headers after DONE");
	}
	return frame_fail(f, "internal state error");
}

const char *mc_frame_header(const struct mc_frame *f, const char *name)
{
	for (size_t i = 0; i < f->header_count; i++) {
		if (strcasecmp(f->headers[i].name, name) == 0)
			return f->headers[i].value;
	}
	return NULL;
}
