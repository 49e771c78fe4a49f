/* Fuzz target: the request-target normaliser and the router behind it.
 * Invariants checked: an accepted path starts with '/', holds no NUL,
 * control byte, '\', '%', "//", "." or ".." segment; normalising it again
 * gives the same path (decoding happens exactly once and is idempotent on
 * its own output). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http_path.h"

static void check_path(const char *p)
{
	struct http_target *again = NULL;

	if (p[0] != '/' || strstr(p, "//") != NULL || strstr(p, "/./") != NULL ||
	    strstr(p, "/../") != NULL || strchr(p, '%') != NULL || strchr(p, '\\') != NULL)
		abort();
	for (const unsigned char *c = (const unsigned char *)p; *c != '\0'; c++) {
		if (*c < 0x20 || *c == 0x7f)
			abort();
	}
	/* Re-normalising decoded text must not decode anything again. */
	if (strchr(p, '?') == NULL && strchr(p, '#') == NULL) {
		if (http_target_parse(NULL, p, &again) != HTTP_PATH_OK ||
		    strcmp(again->path, p) != 0)
			abort();
		talloc_free(again);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *raw = malloc(size + 1);
	struct http_target *t = NULL;

	if (raw == NULL)
		return 0;
	memcpy(raw, data, size);
	raw[size] = '\0';
	if (http_target_parse(NULL, raw, &t) == HTTP_PATH_OK) {
		check_path(t->path);
		for (unsigned i = 0; i < t->param_count; i++)
			(void)http_target_param(t, t->params[i].name);
		talloc_free(t);
	}
	free(raw);
	return 0;
}
