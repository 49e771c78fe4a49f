/* Helpers shared by rop_print.c, rop_print_fields.c and rop_dump.c.
 * Private to ropcodec/. */
#ifndef ROP_PRINT_PRIV_H
#define ROP_PRINT_PRIV_H

#include "rop_print.h"

/* "label: \"text\"", bytes outside printable ASCII as \xNN; NULL as (null). */
void rop_print_string(struct rop_printer *pr, const char *label, const char *s);
/* "label: {xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}" */
void rop_print_guid(struct rop_printer *pr, const char *label, const struct mapi_guid *g);
/* "label: 0x8004010F NotFound" */
void rop_print_error_code(struct rop_printer *pr, const char *label, uint32_t ec);

/* One auxiliary block, every field of its [MS-OXCRPC] 2.2.2.2 layout
 * (aux.c). */
struct aux_block;
void aux_print_block(struct rop_printer *pr, const struct aux_block *b);

#endif
