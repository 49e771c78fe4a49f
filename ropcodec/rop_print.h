/*
 * rop_print: decoded ROP requests and responses, property values,
 * restrictions and the MAPI/HTTP EMSMDB bodies as readable text, for logs,
 * debugging and the ropdump tool.
 *
 * ROP bodies are printed by walking the same rop_field tables the codec
 * reads and writes them with (rop_fields.h), so every field the codec knows
 * is printed under its field name; property tags carry their [MS-OXPROPS]
 * name where rop_propnames.def lists it, types their [MS-OXCDATA] 2.11.1
 * name, ReturnValues and error values their [MS-OXCDATA] 2.4 name.
 *
 * Output goes to a struct rop_printer: one line per field, indented two
 * spaces per nesting level, appended to a talloc string.  Printing never
 * fails on odd values (unknown types print as hex); an allocation failure
 * sets nomem and the text stays what it was.
 *
 * The rop_print_*_wire functions decode and print in one go (rop_dump.c):
 * they print what decodes, then "! offset N: <error>" and the undecoded
 * bytes, and answer the decoder's error.
 */
#ifndef ROP_PRINT_H
#define ROP_PRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

#include "mh_nspi.h"
#include "rop.h"

struct rop_printer {
	TALLOC_CTX *mem_ctx;
	char *text;         /* what was printed, a talloc string on mem_ctx */
	unsigned int depth; /* indentation level */
	bool nomem;         /* an allocation failed: text is incomplete */
};

void rop_printer_init(struct rop_printer *pr, TALLOC_CTX *mem_ctx);

/* One line at the current indentation; fmt has no trailing newline. */
void rop_printf(struct rop_printer *pr, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "label: N bytes" then the bytes in hex, 16 per line. */
void rop_print_hex(struct rop_printer *pr, const char *label, const uint8_t *data, size_t len);

/* "PidTagDisplayName" for a property ID rop_propnames.def lists, else NULL.
 * Static storage. */
const char *rop_prop_name(uint32_t tag);
/* "PtypString", "PtypMultipleInteger32" ... for a type of [MS-OXCDATA]
 * 2.11.1 (MV_INSTANCE ignored), else NULL.  Static storage. */
const char *rop_ptype_name(uint16_t type);

/* "0x3001001F PidTagDisplayName PtypString" (names only where known). */
void rop_print_proptag(struct rop_printer *pr, const char *label, uint32_t tag);
/* The tag as above, then the value; nested values one level deeper. */
void rop_print_propval(struct rop_printer *pr, const char *label, const struct mapi_propval *v);
/* A restriction tree; NULL prints "(none)". */
void rop_print_restriction(struct rop_printer *pr, const char *label,
                           const struct mapi_restriction *r);

/* The fields of a ROP body: f is the body's table, base the struct. */
void rop_print_fields(struct rop_printer *pr, const struct rop_field *f, const void *base);

/* A decoded request or response: its name, RopId, header fields, then
 * the body fields. */
void rop_print_request(struct rop_printer *pr, const struct rop_request *req);
void rop_print_response(struct rop_printer *pr, const struct rop_response *resp);

/* ---- decode and print (rop_dump.c) ---- */

enum rop_print_dir {
	ROP_PRINT_REQUEST,
	ROP_PRINT_RESPONSE,
};

/* What a response needs to decode: ctx->columns (may be NULL) are the
 * table columns of QueryRows-like rows and RopNotify table rows, and also
 * the property tags of the RopGetPropertiesSpecific request answered. */

/* A bare ROP list (the bytes between RopSize and the handle table). */
enum rop_err rop_print_rop_list(struct rop_printer *pr, enum rop_print_dir dir, const uint8_t *data,
                                size_t len, const struct rop_decode_ctx *ctx);
/* A ROP buffer: RopSize, the ROP list, the server object handle table
 * ([MS-OXCROPS] 2.2.1). */
enum rop_err rop_print_rop_buffer(struct rop_printer *pr, enum rop_print_dir dir,
                                  const uint8_t *data, size_t len,
                                  const struct rop_decode_ctx *ctx);
/* An RPC_HEADER_EXT chain ([MS-OXCRPC] 2.2.2.1) of ROP buffers: each
 * header, then its payload (decompressed, de-obfuscated) as a ROP buffer. */
enum rop_err rop_print_ext_chain(struct rop_printer *pr, enum rop_print_dir dir,
                                 const uint8_t *data, size_t len, const struct rop_decode_ctx *ctx);
/* An AuxiliaryBuffer ([MS-OXCRPC] 2.2.2.2): chain headers and blocks. */
enum rop_err rop_print_aux_buffer(struct rop_printer *pr, const uint8_t *data, size_t len);

/* The MAPI/HTTP EMSMDB bodies of [MS-OXCMAPIHTTP] 2.2.4. */
enum rop_print_body {
	ROP_BODY_CONNECT,
	ROP_BODY_EXECUTE,
	ROP_BODY_DISCONNECT,
	ROP_BODY_NOTIFICATION_WAIT,
};
enum rop_err rop_print_mh_body(struct rop_printer *pr, enum rop_print_body body,
                               enum rop_print_dir dir, const uint8_t *data, size_t len,
                               const struct rop_decode_ctx *ctx);
/* The MAPI/HTTP NSPI bodies of [MS-OXCMAPIHTTP] 2.2.5 (mh_nspi.c), from
 * the codec's field lists; type is an enum nspi_request_type (mh_nspi.h). */
enum rop_err rop_print_nspi_body(struct rop_printer *pr, enum nspi_request_type type,
                                 enum rop_print_dir dir, const uint8_t *data, size_t len);

#endif
