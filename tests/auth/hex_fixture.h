/*
 * hex_fixture: reads the .hex files of fixtures/auth: '#' comments, then lines of
 * hex bytes.  Each line is one value; a whole file is one message.
 */
#ifndef TESTS_AUTH_HEX_FIXTURE_H
#define TESTS_AUTH_HEX_FIXTURE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <talloc.h>

struct hex_line {
	uint8_t *data;
	size_t len;
};

/* Returns the number of value lines read into *lines_r (on mem_ctx), or -1. */
static inline int hex_fixture_lines(TALLOC_CTX *mem_ctx, const char *dir, const char *name,
                                    struct hex_line **lines_r)
{
	char path[1024], buf[4096];
	FILE *f;
	struct hex_line *lines = NULL;
	int n = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (f == NULL) {
		perror(path);
		return -1;
	}
	while (fgets(buf, sizeof(buf), f) != NULL) {
		uint8_t *data;
		size_t len = 0;
		char *p = buf, *end;

		if (buf[0] == '#' || buf[0] == '\n')
			continue;
		data = talloc_array(mem_ctx, uint8_t, strlen(buf) / 2 + 1);
		for (;;) {
			unsigned long v = strtoul(p, &end, 16);

			if (end == p)
				break;
			data[len++] = (uint8_t)v;
			p = end;
		}
		lines = talloc_realloc(mem_ctx, lines, struct hex_line, n + 1);
		lines[n].data = data;
		lines[n].len = len;
		n++;
	}
	fclose(f);
	*lines_r = lines;
	return n;
}

/* The whole file as one byte string. */
static inline uint8_t *hex_fixture_message(TALLOC_CTX *mem_ctx, const char *dir, const char *name,
                                           size_t *len_r)
{
	struct hex_line *lines;
	int n = hex_fixture_lines(mem_ctx, dir, name, &lines);
	uint8_t *out;
	size_t len = 0;

	if (n < 0)
		return NULL;
	out = talloc_array(mem_ctx, uint8_t, 1);
	for (int i = 0; i < n; i++) {
		out = talloc_realloc(mem_ctx, out, uint8_t, len + lines[i].len + 1);
		memcpy(out + len, lines[i].data, lines[i].len);
		len += lines[i].len;
	}
	*len_r = len;
	return out;
}

#endif
