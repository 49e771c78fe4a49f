/*
 * mh_nspi_value: the data structures the MAPI/HTTP NSPI bodies are built of
 * ([MS-OXCMAPIHTTP] 2.2.1 and 2.2.5): AddressBook property values, tagged
 * values, value lists and rows, the STAT of [MS-OXNSPI] 2.2.8, and the
 * arrays of Minimal Entry IDs and strings.
 *
 * COUNT widths are 32 bits everywhere here ([MS-OXCDATA] 2.11.1.1,
 * ROP_COUNT_WIDTH_32).
 *
 * HasValue ([MS-OXCMAPIHTTP] 2.2.1.1): string, binary and multi-valued
 * values carry a leading byte saying whether a value follows.  In memory an
 * absent value is a NULL pointer (v.str, v.bin.data, v.mv.*); a present but
 * empty binary or multi-valued value has a non-NULL zero-length pointer.
 * The encoder writes HasValue 0xFF for present values, as Exchange does;
 * the decoder accepts any non-zero byte.
 *
 * Flagged values ([MS-OXCMAPIHTTP] 2.2.1.5/2.2.1.6) follow rop_propval.h:
 * flag 0x0A -> tag type PT_ERROR, v.err; flag 0x01 -> tag type PT_NULL.
 * In a PtypUnspecified column the type written before such a flag is then
 * PtypNull / PtypErrorCode: the type the sender wrote there is not kept.
 *
 * Decoding allocates on the rop_pull's mem_ctx.
 */
#ifndef MH_NSPI_VALUE_H
#define MH_NSPI_VALUE_H

#include <stdbool.h>
#include <stdint.h>

#include "mapi_types.h"
#include "rop_buf.h"

/* [MS-OXNSPI] 2.2.8, 36 bytes on the wire. */
struct nspi_stat {
	uint32_t sort_type;
	uint32_t container_id;
	uint32_t current_rec;
	int32_t delta;
	uint32_t num_pos;
	uint32_t total_recs;
	uint32_t code_page;
	uint32_t template_locale;
	uint32_t sort_locale;
};
#define NSPI_STAT_SIZE 36

/* An array of 32-bit Minimal Entry IDs ([MS-OXNSPI] 2.2.9.1). */
struct nspi_mids {
	uint32_t count;
	uint32_t *ids;
};

/* StringArray / WStringArray: Count then NUL-terminated strings (8-bit or
 * UTF-16LE on the wire, kept as bytes or UTF-8). */
struct nspi_strings {
	uint32_t count;
	char **strs;
};

/* Count then that many (4-byte size, bytes) arrays, e.g. ModLinkAtt's
 * EntryIds. */
struct nspi_binaries {
	uint32_t count;
	struct mapi_binary *bins;
};

/* AddressBookPropertyRow ([MS-OXCMAPIHTTP] 2.2.1.7). */
struct nspi_row {
	uint8_t flags; /* 0x00 plain values, 0x01 flagged values */
	struct mapi_propval_array vals;
};

/* Columns, then RowCount rows of those columns (the "HasColumnsAndRows"
 * groups of GetMatches, QueryRows, ResolveNames, SeekEntries). */
struct nspi_rowset {
	struct mapi_proptag_array columns;
	uint32_t count;
	struct nspi_row *rows;
};

/* A list of AddressBookPropertyValueList (GetSpecialTable's Rows). */
struct nspi_value_lists {
	uint32_t count;
	struct mapi_propval_array *lists;
};

enum rop_err nspi_pull_stat(struct rop_pull *p, struct nspi_stat *s_r);
enum rop_err nspi_push_stat(struct rop_push *p, const struct nspi_stat *s);

/* AddressBookPropertyValue, 2.2.1.1: the value of a known type. */
enum rop_err nspi_pull_ab_value(struct rop_pull *p, uint16_t type, struct mapi_propval *v);
enum rop_err nspi_push_ab_value(struct rop_push *p, uint16_t type, const struct mapi_propval *v);
/* AddressBookTaggedPropertyValue, 2.2.1.2. */
enum rop_err nspi_pull_ab_tagged(struct rop_pull *p, struct mapi_propval *v_r);
enum rop_err nspi_push_ab_tagged(struct rop_push *p, const struct mapi_propval *v);
/* AddressBookPropertyValueList, 2.2.1.3. */
enum rop_err nspi_pull_ab_list(struct rop_pull *p, struct mapi_propval_array *l_r);
enum rop_err nspi_push_ab_list(struct rop_push *p, const struct mapi_propval_array *l);
/* AddressBookPropertyRow, 2.2.1.7, for the given columns. */
enum rop_err nspi_pull_ab_row(struct rop_pull *p, const struct mapi_proptag_array *columns,
                              struct nspi_row *row_r);
enum rop_err nspi_push_ab_row(struct rop_push *p, const struct mapi_proptag_array *columns,
                              const struct nspi_row *row);

/* LargePropertyTagArray: 4-byte count, then the tags. */
enum rop_err nspi_pull_tags(struct rop_pull *p, struct mapi_proptag_array *a_r);
enum rop_err nspi_push_tags(struct rop_push *p, const struct mapi_proptag_array *a);
enum rop_err nspi_pull_mids(struct rop_pull *p, struct nspi_mids *m_r);
enum rop_err nspi_push_mids(struct rop_push *p, const struct nspi_mids *m);
/* unicode: WStringArray (UTF-16LE) instead of StringArray (8-bit). */
enum rop_err nspi_pull_strings(struct rop_pull *p, bool unicode, struct nspi_strings *s_r);
enum rop_err nspi_push_strings(struct rop_push *p, bool unicode, const struct nspi_strings *s);
enum rop_err nspi_pull_binaries(struct rop_pull *p, struct nspi_binaries *b_r);
enum rop_err nspi_push_binaries(struct rop_push *p, const struct nspi_binaries *b);
enum rop_err nspi_pull_rowset(struct rop_pull *p, struct nspi_rowset *r_r);
enum rop_err nspi_push_rowset(struct rop_push *p, const struct nspi_rowset *r);
enum rop_err nspi_pull_value_lists(struct rop_pull *p, struct nspi_value_lists *l_r);
enum rop_err nspi_push_value_lists(struct rop_push *p, const struct nspi_value_lists *l);

#endif
