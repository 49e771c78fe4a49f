/*
 * http_path: turns the raw request target into the one normalised path that
 * routing sees, and the query into decoded parameters.
 *
 * Routing must not be fooled by path tricks (the ProxyLogon/ProxyShell
 * lesson), so normalisation is strict rather than clever: the path is
 * percent-decoded exactly once, and a request is refused outright when the
 * path could mean two things to two parsers:
 *   - not starting with '/', or longer than HTTP_PATH_MAX;
 *   - a bad %-escape, or an escape of '/', '\', '.', '%' or a control byte;
 *   - after decoding: a NUL or control byte, '\', "//", a "." or ".."
 *     segment, a '%' (double encoding), invalid UTF-8, or a '#'.
 * The query (after the first '?') never takes part in routing.
 */
#ifndef HTTP_PATH_H
#define HTTP_PATH_H

#include <stddef.h>
#include <talloc.h>

#define HTTP_PATH_MAX         1024
#define HTTP_QUERY_MAX        4096
#define HTTP_QUERY_MAX_PARAMS 32

enum http_path_error {
	HTTP_PATH_OK = 0,
	HTTP_PATH_E_NOT_ABSOLUTE,
	HTTP_PATH_E_TOO_LONG,
	HTTP_PATH_E_BAD_ESCAPE,
	HTTP_PATH_E_ENCODED_SEPARATOR, /* %2f %5c %2e %25 or an escaped control byte */
	HTTP_PATH_E_FORBIDDEN_CHAR,    /* control byte, '\', '#', '%' after decoding */
	HTTP_PATH_E_DOT_SEGMENT,
	HTTP_PATH_E_EMPTY_SEGMENT,
	HTTP_PATH_E_BAD_UTF8,
	HTTP_PATH_E_BAD_QUERY,
};

const char *http_path_strerror(enum http_path_error error);

struct http_query_param {
	char *name;
	char *value; /* "" when the parameter has no '=' */
};

struct http_target {
	char *path; /* normalised, decoded, NUL-free */
	struct http_query_param *params;
	unsigned param_count;
};

/* Splits and normalises a raw request target ("/a/b?x=1").  On success
 * returns HTTP_PATH_OK and *target_r allocated on mem_ctx; otherwise the
 * reason, and *target_r is untouched. */
enum http_path_error http_target_parse(TALLOC_CTX *mem_ctx, const char *raw,
                                       struct http_target **target_r);

/* Normalises only a path (no '?' handling).  Same contract. */
enum http_path_error http_path_normalise(TALLOC_CTX *mem_ctx, const char *raw, size_t len,
                                         char **path_r);

/* The first value of a query parameter, name compared without case, or
 * NULL. */
const char *http_target_param(const struct http_target *target, const char *name);

#endif
