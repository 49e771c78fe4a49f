/*
 * mc_json: reads the flat JSON objects of Autodiscover v2
 * ({"Protocol":"AutodiscoverV1","Url":"https://..."} and the error form
 * {"ErrorCode":"...","ErrorMessage":"..."}): string members of one object,
 * other scalar members skipped.  Nested objects or arrays are refused.
 */
#ifndef MC_JSON_H
#define MC_JSON_H

#include <stddef.h>
#include <talloc.h>

/* 1 and *value_r (UTF-8, on mem_ctx) when the object has a string member
 * key, 0 when it has none, -1 when text is not such an object. */
int mc_json_get_string(TALLOC_CTX *mem_ctx, const char *text, size_t len, const char *key,
                       char **value_r);

#endif
