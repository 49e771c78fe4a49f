/* Row fields of the rop_field interpreter (rop_fields_rows.c): FK_ROW_REQTAGS,
 * FK_ROW_CTX, FK_ROWS16_CTX, FK_ROWS32_RFT.  Private to ropcodec/. */
#ifndef ROP_FIELDS_ROWS_H
#define ROP_FIELDS_ROWS_H

#include "rop_fields.h"

/* ROP_E_UNSUPPORTED when the context the rows need is missing. */
enum rop_err rop_fields_pull_rows(struct rop_pull *p, const struct rop_field *f, void *base,
                                  const struct rop_field_env *env);
enum rop_err rop_fields_push_rows(struct rop_push *p, const struct rop_field *f, const void *base,
                                  const struct rop_field_env *env);

#endif
