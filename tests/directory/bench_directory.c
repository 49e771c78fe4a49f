/*
 * Benchmarks of directory/: password verification (the argon2id cost) and
 * lookups.  Prints "name: value unit" lines.
 */
#include <stdlib.h>
#include <time.h>

#include "directory.h"
#include "log.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int main(void)
{
	char data_dir[] = "/tmp/bench-directory-XXXXXX", cmd[64];
	struct directory *dir;
	struct dir_user *u;
	const char *error;
	double t;
	int n = 20, lookups = 20000;

	log_set_level(LOG_LEVEL_WARN);
	if (mkdtemp(data_dir) == NULL || directory_open(NULL, data_dir, &dir, &error) < 0 ||
	    directory_domain_add(dir, "demo.test", &error) < 0 ||
	    directory_user_add(dir, NULL, "alice@demo.test", "Alice", "secret", NULL, &error) < 0)
		return 1;
	t = now_ms();
	for (int i = 0; i < n; i++) {
		if (directory_verify_password(dir, "alice@demo.test", "secret", &error) != 1)
			return 1;
	}
	printf("verify_password_ok: %.1f ms\n", (now_ms() - t) / n);
	t = now_ms();
	for (int i = 0; i < n; i++) {
		if (directory_verify_password(dir, "nobody@demo.test", "secret", &error) != 0)
			return 1;
	}
	printf("verify_password_unknown_user: %.1f ms\n", (now_ms() - t) / n);
	t = now_ms();
	for (int i = 0; i < lookups; i++) {
		TALLOC_CTX *tmp = talloc_new(NULL);

		if (directory_user_by_address(dir, tmp, "alice@demo.test", &u, &error) != 1)
			return 1;
		talloc_free(tmp);
	}
	printf("user_by_address: %.2f us\n", (now_ms() - t) * 1e3 / lookups);
	directory_close(&dir);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", data_dir);
	return system(cmd) == 0 ? 0 : 1;
}
