/*
 * Loads a fixture of fixtures/ropcodec/: hex text, `#` starts a comment that
 * runs to the end of the line, whitespace is ignored.  Shared by the
 * transport tests (test_rpc_*, test_lz77, test_aux, test_mh_*); FIXTURES_DIR
 * comes from tests/ropcodec/meson.build.
 */
#ifndef TEST_RPC_FIXTURE_H
#define TEST_RPC_FIXTURE_H

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <talloc.h>

/* The bytes of fixture NAME on mem_ctx, *len_r set; NULL (and a message on
 * stderr) when it cannot be read or holds something else than hex. */
static inline uint8_t *fixture_load(TALLOC_CTX *mem_ctx, const char *name, size_t *len_r)
{
	char path[512];
	FILE *f;
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;
	int c, nibbles = 0, hi = 0;
	int comment = 0;

	snprintf(path, sizeof(path), "%s/%s", FIXTURES_DIR, name);
	f = fopen(path, "r");
	if (f == NULL) {
		perror(path);
		return NULL;
	}
	while ((c = fgetc(f)) != EOF) {
		if (comment) {
			comment = c != '\n';
			continue;
		}
		if (c == '#') {
			comment = 1;
			continue;
		}
		if (isspace(c))
			continue;
		if (!isxdigit(c)) {
			fprintf(stderr, "%s: not hex: '%c'\n", path, c);
			fclose(f);
			talloc_free(buf);
			return NULL;
		}
		int v = isdigit(c) ? c - '0' : (tolower(c) - 'a' + 10);
		if (nibbles++ % 2 == 0) {
			hi = v;
			continue;
		}
		if (len == cap) {
			cap = cap ? cap * 2 : 256;
			buf = talloc_realloc(mem_ctx, buf, uint8_t, cap);
			if (buf == NULL) {
				fclose(f);
				return NULL;
			}
		}
		buf[len++] = (uint8_t)(hi << 4 | v);
	}
	fclose(f);
	if (nibbles % 2 != 0 || buf == NULL) {
		fprintf(stderr, "%s: odd number of hex digits or empty\n", path);
		talloc_free(buf);
		return NULL;
	}
	*len_r = len;
	return buf;
}

#endif
