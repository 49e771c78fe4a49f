/*
 * rop_propval: property values as [MS-OXCDATA] 2.11 encodes them, and the
 * structures built from them: PropertyRow / PropertyRowSet (2.8),
 * PropertyProblem (2.7), PropertyName (2.6.1) and PropertyTagArray (2.10).
 *
 * COUNT width ([MS-OXCDATA] 2.11.1.1): every function takes count_width.
 *   ROP_COUNT_WIDTH_ROP (16): inside ROP buffers a PtypBinary (and
 *     PtypServerId, PtypObject) byte count is 16 bits, a PtypMultiple value
 *     count 32 bits;
 *   ROP_COUNT_WIDTH_32 (32): in extended rules ([MS-OXORULE] 2.2.4) and the
 *     NSPI bodies of MAPI/HTTP ([MS-OXCMAPIHTTP] 2.2.5) both are 32 bits.
 * Any other width answers ROP_E_INVALID.
 *
 * Decoding allocates on the rop_pull's mem_ctx; every pointer in a decoded
 * value is a talloc child of it.  Decoders never read past the input and
 * check counts against the bytes left before allocating.  Encoders write
 * into the rop_push and answer ROP_E_NOSPACE when it is full (the caller
 * rewinds to its bookmark).
 *
 * In-memory conventions for values a row could not supply
 * ([MS-OXCDATA] 2.11.5 FlaggedPropertyValue):
 *   flag 0x0A (error)     -> tag type PT_ERROR, v.err = the error code;
 *   flag 0x01 (no value)  -> tag type PT_NULL, no value.
 * The tag's property ID is always the column's.
 */
#ifndef ROP_PROPVAL_H
#define ROP_PROPVAL_H

#include <stdbool.h>
#include <stdint.h>

#include "mapi_types.h"
#include "rop_buf.h"

#define ROP_COUNT_WIDTH_ROP 16
#define ROP_COUNT_WIDTH_32  32

/* FlaggedPropertyValue flags, [MS-OXCDATA] 2.11.5. */
#define ROP_PROPFLAG_OK      0x00
#define ROP_PROPFLAG_NOVALUE 0x01
#define ROP_PROPFLAG_ERROR   0x0A

/* True when type (an enum mapi_ptype, MV bits included) is one this codec
 * can carry. */
bool rop_ptype_known(uint16_t type);

/* PropertyValue, [MS-OXCDATA] 2.11.2.1: the value bytes only, their type
 * given.  Sets v->tag to PROP_TAG(type, 0) unless keep_tag, in which case
 * the caller has set v->tag already.  A type with MV_INSTANCE set is
 * decoded as one value of the base type ([MS-OXCDATA] 2.11.1.2). */
enum rop_err rop_pull_propval_data(struct rop_pull *p, uint16_t type, int count_width,
                                   struct mapi_propval *v);
enum rop_err rop_push_propval_data(struct rop_push *p, uint16_t type, int count_width,
                                   const struct mapi_propval *v);

/* As above, for a value nested inside a restriction at depth (a
 * PtypRestriction inside a CommentRestriction); depth limits recursion. */
enum rop_err rop_pull_propval_data_depth(struct rop_pull *p, uint16_t type, int count_width,
                                         unsigned int depth, struct mapi_propval *v);
enum rop_err rop_push_propval_data_depth(struct rop_push *p, uint16_t type, int count_width,
                                         unsigned int depth, const struct mapi_propval *v);

/* TaggedPropertyValue, [MS-OXCDATA] 2.11.4: PropertyTag then value. */
enum rop_err rop_pull_tagged_propval(struct rop_pull *p, int count_width, struct mapi_propval *v_r);
enum rop_err rop_push_tagged_propval(struct rop_push *p, int count_width,
                                     const struct mapi_propval *v);
enum rop_err rop_pull_tagged_propval_depth(struct rop_pull *p, int count_width, unsigned int depth,
                                           struct mapi_propval *v_r);
enum rop_err rop_push_tagged_propval_depth(struct rop_push *p, int count_width, unsigned int depth,
                                           const struct mapi_propval *v);

/* TypedPropertyValue, [MS-OXCDATA] 2.11.3: PropertyType then value; the
 * decoded tag has property ID 0 unless the caller passes a column tag
 * (its ID is kept, its type replaced). */
enum rop_err rop_pull_typed_propval(struct rop_pull *p, int count_width, uint32_t column,
                                    struct mapi_propval *v_r);
enum rop_err rop_push_typed_propval(struct rop_push *p, int count_width,
                                    const struct mapi_propval *v);

/* FlaggedPropertyValue, [MS-OXCDATA] 2.11.5, for a column of known type,
 * and FlaggedPropertyValueWithType, 2.11.6, for a PT_UNSPECIFIED column.
 * Conventions for flags 0x01 / 0x0A: see the top of this header. */
enum rop_err rop_pull_flagged_propval(struct rop_pull *p, int count_width, uint32_t column,
                                      struct mapi_propval *v_r);
enum rop_err rop_push_flagged_propval(struct rop_push *p, int count_width, uint32_t column,
                                      const struct mapi_propval *v);
enum rop_err rop_pull_flagged_propval_typed(struct rop_pull *p, int count_width, uint32_t column,
                                            struct mapi_propval *v_r);
enum rop_err rop_push_flagged_propval_typed(struct rop_push *p, int count_width,
                                            const struct mapi_propval *v);

/* PropertyRow, [MS-OXCDATA] 2.8.1: Flag 0x00 (StandardPropertyRow, values
 * in column order; PT_UNSPECIFIED columns as TypedPropertyValue) or 0x01
 * (FlaggedPropertyRow, every value flagged).  vals.count equals the
 * column count. */
struct rop_property_row {
	uint8_t flag; /* 0x00 standard, 0x01 flagged */
	struct mapi_propval_array vals;
};

/* 0x01 when the row cannot be sent as a StandardPropertyRow (some value
 * is PT_ERROR or PT_NULL, or its type differs from its column's), else
 * 0x00: what an encoder should put in rop_property_row.flag. */
uint8_t rop_property_row_flag(const struct mapi_proptag_array *columns,
                              const struct mapi_propval_array *vals);

enum rop_err rop_pull_property_row(struct rop_pull *p, const struct mapi_proptag_array *columns,
                                   int count_width, struct rop_property_row *row_r);
enum rop_err rop_push_property_row(struct rop_push *p, const struct mapi_proptag_array *columns,
                                   int count_width, const struct rop_property_row *row);

/* count PropertyRows back to back (RopQueryRows RowData and the like,
 * where the count travels elsewhere).  *rows_r is a talloc array. */
enum rop_err rop_pull_property_rows(struct rop_pull *p, const struct mapi_proptag_array *columns,
                                    int count_width, uint32_t count,
                                    struct rop_property_row **rows_r);

/* PropertyRowSet, [MS-OXCDATA] 2.8.2: RowCount (16 bits) then rows. */
struct rop_property_row_set {
	uint16_t count;
	struct rop_property_row *rows;
};
enum rop_err rop_pull_property_row_set(struct rop_pull *p, const struct mapi_proptag_array *columns,
                                       int count_width, struct rop_property_row_set *set_r);
enum rop_err rop_push_property_row_set(struct rop_push *p, const struct mapi_proptag_array *columns,
                                       int count_width, const struct rop_property_row_set *set);

/* PropertyProblem, [MS-OXCDATA] 2.7: Index, PropertyTag, ErrorCode. */
struct rop_property_problem {
	uint16_t index;
	uint32_t proptag;
	uint32_t err;
};
/* PropertyProblemCount (16 bits) then the problems. */
struct rop_property_problem_array {
	uint16_t count;
	struct rop_property_problem *problems;
};
enum rop_err rop_pull_property_problems(struct rop_pull *p, struct rop_property_problem_array *a_r);
enum rop_err rop_push_property_problems(struct rop_push *p,
                                        const struct rop_property_problem_array *a);

/* PropertyName, [MS-OXCDATA] 2.6.1. */
enum rop_err rop_pull_property_name(struct rop_pull *p, struct mapi_property_name *n_r);
enum rop_err rop_push_property_name(struct rop_push *p, const struct mapi_property_name *n);

/* PropertyTagArray, [MS-OXCDATA] 2.10: Count (16 bits in ROP buffers,
 * 32 in MAPI/HTTP NSPI bodies: count_width) then the tags. */
enum rop_err rop_pull_proptag_array(struct rop_pull *p, int count_width,
                                    struct mapi_proptag_array *a_r);
enum rop_err rop_push_proptag_array(struct rop_push *p, int count_width,
                                    const struct mapi_proptag_array *a);

/* PropertyId arrays (16-bit IDs, 16-bit count), as in
 * RopGetNamesFromPropertyIds and RopGetPropertyIdsFromNames. */
struct rop_propid_array {
	uint16_t count;
	uint16_t *ids;
};
enum rop_err rop_pull_propid_array(struct rop_pull *p, struct rop_propid_array *a_r);
enum rop_err rop_push_propid_array(struct rop_push *p, const struct rop_propid_array *a);

/* Deep equality of two values of the same tag (tests and round trips). */
bool rop_propval_equal(const struct mapi_propval *a, const struct mapi_propval *b);

#endif
