/* Fuzz target: the INI key-file parser (configuration files are trusted,
 * but a typo must give an error, never a crash). */
#include <stdint.h>
#include <stdlib.h>

#include "http_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_config *cfg = http_config_new(NULL);
	const char *error;

	if (cfg == NULL)
		return 0;
	if (http_config_parse_ini(cfg, "fuzz", (const char *)data, size, &error) == 0)
		(void)http_config_finish(cfg, &error);
	talloc_free(cfg);
	return 0;
}
