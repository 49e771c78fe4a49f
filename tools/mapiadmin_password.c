/*
 * mapiadmin: reading a password from the command line, stdin or the
 * terminal.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "mapiadmin.h"

#define PW_MAX 1024

/* One line from fd without its line end; -1 on error or when too long. */
static int read_line(int fd, char *buf, size_t size)
{
	size_t n = 0;
	char c;

	for (;;) {
		ssize_t r = read(fd, &c, 1);

		if (r < 0)
			return -1;
		if (r == 0 || c == '\n')
			break;
		if (n + 1 >= size)
			return -1;
		buf[n++] = c;
	}
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	return 0;
}

/* Asks on the terminal with echo off. */
static int prompt(int tty, const char *question, char *buf, size_t size)
{
	struct termios old, quiet;
	int ret;

	if (tcgetattr(tty, &old) < 0)
		return -1;
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	/* Echo off first, then the question: TCSAFLUSH drops typeahead, and
	 * nothing typed after the question may be lost. */
	if (tcsetattr(tty, TCSAFLUSH, &quiet) < 0 || write(tty, question, strlen(question)) < 0) {
		tcsetattr(tty, TCSAFLUSH, &old);
		return -1;
	}
	ret = read_line(tty, buf, size);
	tcsetattr(tty, TCSAFLUSH, &old);
	if (write(tty, "\n", 1) < 0)
		ret = -1;
	return ret;
}

static int from_terminal(char *buf, size_t size)
{
	char again[PW_MAX + 2];
	int tty = open("/dev/tty", O_RDWR | O_CLOEXEC), ret = -1;

	if (tty < 0) {
		fprintf(stderr, "mapiadmin: cannot open the terminal to ask for a password\n");
		return -1;
	}
	if (prompt(tty, "New password: ", buf, size) < 0 ||
	    prompt(tty, "Repeat password: ", again, sizeof(again)) < 0)
		fprintf(stderr, "mapiadmin: cannot read the password\n");
	else if (strcmp(buf, again) != 0)
		fprintf(stderr, "mapiadmin: the passwords do not match\n");
	else
		ret = 0;
	OPENSSL_cleanse(again, sizeof(again));
	close(tty);
	return ret;
}

int ma_read_password(TALLOC_CTX *mem_ctx, const struct ma_ctx *ctx, char **password_r)
{
	char buf[PW_MAX + 2];
	int ret;

	if (ctx->password != NULL) {
		if (strlen(ctx->password) > sizeof(buf) - 2) {
			fprintf(stderr, "mapiadmin: password longer than %d bytes\n", PW_MAX);
			return -1;
		}
		snprintf(buf, sizeof(buf), "%s", ctx->password);
		ret = 0;
	} else if (!isatty(STDIN_FILENO)) {
		ret = read_line(STDIN_FILENO, buf, sizeof(buf));
		if (ret < 0)
			fprintf(stderr,
			        "mapiadmin: cannot read a password of at most %d bytes "
			        "from stdin\n",
			        PW_MAX);
	} else {
		ret = from_terminal(buf, sizeof(buf));
	}
	if (ret == 0 && buf[0] == '\0') {
		fprintf(stderr, "mapiadmin: the password is empty (use --no-password on user add "
		                "for a user who cannot log in yet)\n");
		ret = -1;
	}
	if (ret == 0) {
		*password_r = talloc_strdup(mem_ctx, buf);
		ret = *password_r == NULL ? -1 : 0;
	}
	OPENSSL_cleanse(buf, sizeof(buf));
	return ret;
}
