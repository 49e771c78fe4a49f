/*
 * Fuzz target: dir_record_decode (stored user records) and the address
 * normaliser.  Whatever the bytes, no crash, no leak; a record that
 * decodes must encode back to the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dir_names.h"
#include "dir_record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct dir_record *rec;
	const char *domain, *why;
	char *text, *address;
	uint8_t *again;
	size_t again_len;

	if (dir_record_decode(tmp, data, size, &rec) == 0) {
		if (dir_record_encode(tmp, rec, &again, &again_len) != 0 || again_len != size ||
		    memcmp(again, data, size) != 0)
			abort();
	}
	text = talloc_strndup(tmp, (const char *)data, size);
	if (text != NULL) {
		(void)dir_address_normalize(tmp, text, &address, &domain, &why);
		(void)dir_display_name_valid(text);
	}
	talloc_free(tmp);
	return 0;
}
