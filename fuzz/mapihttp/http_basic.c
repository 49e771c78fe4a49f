/* Fuzz target: the Basic Authorization header parser.  An accepted header
 * yields a non-empty user without ':' and no control bytes in either part. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http_auth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	char *header = talloc_strndup(tmp, (const char *)data, size);
	char *user, *password;

	if (header != NULL && http_basic_parse(tmp, header, &user, &password) == 0) {
		if (user[0] == '\0' || strchr(user, ':') != NULL)
			abort();
		for (const unsigned char *c = (const unsigned char *)user; *c != '\0'; c++) {
			if (*c < 0x20)
				abort();
		}
		for (const unsigned char *c = (const unsigned char *)password; *c != '\0'; c++) {
			if (*c < 0x20)
				abort();
		}
	}
	talloc_free(tmp);
	return 0;
}
