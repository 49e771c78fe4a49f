/*
 * log: one line per event on stderr, in a greppable key=value format:
 *
 *   2026-11-25T18:06:14.123Z info http: request method=POST path=/mapi/emsmdb/ status=200
 *
 * Thread-safe: each line is built in a buffer and written with one write(2).
 * Control characters in the formatted message are escaped so that input from
 * the network can never forge a second log line.  Never log secrets
 * (passwords, Authorization headers, session cookies).
 */
#ifndef BASE_LOG_H
#define BASE_LOG_H

#include <stdarg.h>

enum log_level {
	LOG_LEVEL_ERROR = 0,
	LOG_LEVEL_WARN = 1,
	LOG_LEVEL_INFO = 2,
	LOG_LEVEL_DEBUG = 3,
};

/* Sets the most verbose level that is written (default LOG_LEVEL_INFO). */
void log_set_level(enum log_level level);
enum log_level log_get_level(void);

/* Parses "error", "warn", "info" or "debug".  Returns 0, or -1 when unknown. */
int log_level_parse(const char *name, enum log_level *level_r);

/* Writes one line when level is enabled.  part names the module ("http",
 * "store", "autodiscover" ...).  fmt should read as "event key=value ...". */
void log_msg(enum log_level level, const char *part, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void log_msgv(enum log_level level, const char *part, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

#define log_error(part, ...) log_msg(LOG_LEVEL_ERROR, part, __VA_ARGS__)
#define log_warn(part, ...)  log_msg(LOG_LEVEL_WARN, part, __VA_ARGS__)
#define log_info(part, ...)  log_msg(LOG_LEVEL_INFO, part, __VA_ARGS__)
#define log_debug(part, ...) log_msg(LOG_LEVEL_DEBUG, part, __VA_ARGS__)

#endif
