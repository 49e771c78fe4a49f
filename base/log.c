#include "log.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static atomic_int current_level = LOG_LEVEL_INFO;

static const char *const level_names[] = {"error", "warn", "info", "debug"};

void log_set_level(enum log_level level)
{
	atomic_store(&current_level, (int)level);
}

enum log_level log_get_level(void)
{
	return (enum log_level)atomic_load(&current_level);
}

int log_level_parse(const char *name, enum log_level *level_r)
{
	for (unsigned i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
		if (strcmp(name, level_names[i]) == 0) {
			*level_r = (enum log_level)i;
			return 0;
		}
	}
	return -1;
}

/* Copies src into dst (capacity cap, cap > 0), escaping control characters
 * and backslashes; returns the bytes written, always NUL-terminated. */
static size_t escape_into(char *dst, size_t cap, const char *src)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	for (const unsigned char *p = (const unsigned char *)src; *p != '\0'; p++) {
		if (*p >= 0x20 && *p != 0x7f && *p != '\\') {
			if (cap - o < 2)
				break;
			dst[o++] = (char)*p;
			continue;
		}
		if (cap - o < 5)
			break;
		dst[o++] = '\\';
		if (*p == '\\') {
			dst[o++] = '\\';
		} else {
			dst[o++] = 'x';
			dst[o++] = hex[*p >> 4];
			dst[o++] = hex[*p & 0xf];
		}
	}
	dst[o] = '\0';
	return o;
}

void log_msgv(enum log_level level, const char *part, const char *fmt, va_list ap)
{
	char msg[2048], line[4096];
	struct timespec ts;
	struct tm tm;
	size_t n;

	if ((int)level > atomic_load(&current_level))
		return;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%S", &tm);
	n += (size_t)snprintf(line + n, sizeof(line) - n, ".%03ldZ %s %s: ", ts.tv_nsec / 1000000,
	                      level_names[level], part);
	n += escape_into(line + n, sizeof(line) - n - 1, msg);
	line[n++] = '\n';

	/* One write per line keeps lines whole between threads. */
	ssize_t w = write(STDERR_FILENO, line, n);
	(void)w;
}

void log_msg(enum log_level level, const char *part, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_msgv(level, part, fmt, ap);
	va_end(ap);
}
