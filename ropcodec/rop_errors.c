/* The [MS-OXCDATA] 2.4 error table and its lookups. */
#include "rop_errors.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

static const struct rop_error_info rop_error_table[] = {
#define ROP_ERROR(name, value, alt, meaning) {(uint32_t)(value), #name, alt, meaning},
#include "rop_errors.def"
};

#define ROP_ERROR_COUNT (sizeof(rop_error_table) / sizeof(rop_error_table[0]))

const struct rop_error_info *rop_error_by_value(uint32_t value)
{
	for (size_t i = 0; i < ROP_ERROR_COUNT; i++) {
		if (rop_error_table[i].value == value)
			return &rop_error_table[i];
	}
	return NULL;
}

/* True when name is one of the comma-separated entries of list. */
static int alt_list_has(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p = list;

	while (*p != '\0') {
		while (*p == ' ' || *p == ',')
			p++;
		size_t len = strcspn(p, ",");
		if (len == n && strncasecmp(p, name, n) == 0)
			return 1;
		p += len;
	}
	return 0;
}

int rop_error_lookup_name(const char *name, uint32_t *value_r)
{
	for (size_t i = 0; i < ROP_ERROR_COUNT; i++) {
		if (strcasecmp(rop_error_table[i].name, name) == 0) {
			*value_r = rop_error_table[i].value;
			return 1;
		}
	}
	for (size_t i = 0; i < ROP_ERROR_COUNT; i++) {
		if (alt_list_has(rop_error_table[i].alt, name)) {
			*value_r = rop_error_table[i].value;
			return 1;
		}
	}
	return 0;
}

const char *rop_error_name(uint32_t value)
{
	const struct rop_error_info *e = rop_error_by_value(value);
	return e != NULL ? e->name : NULL;
}

unsigned int rop_error_count(void)
{
	return (unsigned int)ROP_ERROR_COUNT;
}

const struct rop_error_info *rop_error_at(unsigned int i)
{
	return i < ROP_ERROR_COUNT ? &rop_error_table[i] : NULL;
}
