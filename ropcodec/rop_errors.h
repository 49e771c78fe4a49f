/*
 * rop_errors: the MAPI error and warning codes of [MS-OXCDATA] 2.4, as
 * carried in ROP ReturnValue fields and PtypErrorCode property values.
 * The table is rop_errors.def; this header derives an enum and lookups.
 */
#ifndef ROP_ERRORS_H
#define ROP_ERRORS_H

#include <stdint.h>

/* EC_<Name> for every row of rop_errors.def, e.g. EC_NotFound. */
enum rop_ec {
#define ROP_ERROR(name, value, alt, meaning) EC_##name = (uint32_t)(value),
#include "rop_errors.def"
};

struct rop_error_info {
	uint32_t value;
	const char *name;    /* the specification's name, e.g. "NotFound" */
	const char *alt;     /* alternate names, e.g. "MAPI_E_NOT_FOUND, ecNotFound" */
	const char *meaning; /* one English sentence */
};

/* The table row for value (the first one where two sections list it), or
 * NULL when [MS-OXCDATA] 2.4 does not list the value.  Static storage. */
const struct rop_error_info *rop_error_by_value(uint32_t value);

/* Finds a row by its specification name or by one of its alternate names
 * (ASCII case-insensitive).  Returns 1 and sets *value_r when found, 0 when
 * not. */
int rop_error_lookup_name(const char *name, uint32_t *value_r);

/* The specification name of value, or NULL if unknown. */
const char *rop_error_name(uint32_t value);

/* Number of rows, and row i (0 <= i < count), for listings and tests. */
unsigned int rop_error_count(void);
const struct rop_error_info *rop_error_at(unsigned int i);

#endif
