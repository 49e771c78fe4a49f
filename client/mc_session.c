/*
 * mc_session: session object, error text, request ids and trace output.
 */
#include "mc_session.h"

#include <curl/curl.h>
#include <openssl/rand.h>
#include <stdarg.h>
#include <string.h>

static int session_destructor(struct mc_session *s)
{
	if (s->curl != NULL)
		curl_easy_cleanup(s->curl);
	s->curl = NULL;
	return 0;
}

/* A random (version 4) GUID in registry format "{XXXXXXXX-...}". */
static int random_guid(char out[40])
{
	uint8_t b[16];
	if (RAND_bytes(b, sizeof(b)) != 1)
		return -1;
	b[6] = (uint8_t)((b[6] & 0x0f) | 0x40);
	b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);
	snprintf(out, 40, "{%02X%02X%02X%02X-%02X%02X-%02X%02X-%02X%02X-%02X%02X%02X%02X%02X%02X}",
	         b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
	         b[13], b[14], b[15]);
	return 0;
}

struct mc_session *mc_session_new(TALLOC_CTX *mem_ctx, const struct mc_session_opts *opts)
{
	static bool curl_ready;
	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return NULL;
		curl_ready = true;
	}
	struct mc_session *s = talloc_zero(mem_ctx, struct mc_session);
	if (s == NULL)
		return NULL;
	talloc_set_destructor(s, session_destructor);
	s->opts = *opts;
	s->opts.server = opts->server ? talloc_strdup(s, opts->server) : NULL;
	s->opts.user = opts->user ? talloc_strdup(s, opts->user) : NULL;
	s->opts.password = opts->password ? talloc_strdup(s, opts->password) : NULL;
	s->jar = mc_cookie_jar_new(s);
	s->curl = curl_easy_init();
	if (s->jar == NULL || s->curl == NULL || random_guid(s->request_guid) < 0 ||
	    random_guid(s->client_guid) < 0) {
		talloc_free(s);
		return NULL;
	}
	return s;
}

void mc_session_free(struct mc_session **s)
{
	if (*s == NULL)
		return;
	if ((*s)->opts.password != NULL) {
		char *pw = (char *)(uintptr_t)(*s)->opts.password;
		memset(pw, 0, strlen(pw));
	}
	talloc_free(*s);
	*s = NULL;
}

const char *mc_session_error(const struct mc_session *s)
{
	return s->error ? s->error : "no error";
}

enum mc_err mc_session_error_kind(const struct mc_session *s)
{
	return s->error_kind;
}

int mc_fail(struct mc_session *s, enum mc_err kind, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = talloc_vasprintf(s, fmt, ap);
	va_end(ap);
	talloc_free(s->error);
	s->error = msg;
	s->error_kind = kind;
	return -1;
}

char *mc_session_next_request_id(TALLOC_CTX *mem_ctx, struct mc_session *s)
{
	s->request_counter++;
	return talloc_asprintf(mem_ctx, "%s:%llu", s->request_guid,
	                       (unsigned long long)s->request_counter);
}

void mc_trace(const struct mc_session *s, const char *fmt, ...)
{
	if (s->opts.trace == NULL)
		return;
	va_list ap;
	va_start(ap, fmt);
	vfprintf(s->opts.trace, fmt, ap);
	va_end(ap);
}

void mc_trace_hex(const struct mc_session *s, const char *prefix, const uint8_t *data, size_t len)
{
	FILE *f = s->opts.trace;
	if (f == NULL)
		return;
	for (size_t ofs = 0; ofs < len; ofs += 16) {
		fprintf(f, "%s%06zx ", prefix, ofs);
		for (size_t i = 0; i < 16; i++) {
			if (ofs + i < len)
				fprintf(f, " %02x", data[ofs + i]);
			else
				fputs("   ", f);
		}
		fputs("  ", f);
		for (size_t i = 0; i < 16 && ofs + i < len; i++) {
			uint8_t c = data[ofs + i];
			fputc(c >= 0x20 && c < 0x7f ? c : '.', f);
		}
		fputc('\n', f);
	}
}
