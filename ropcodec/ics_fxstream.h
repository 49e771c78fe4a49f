/*
 * ics_fxstream: the FastTransfer stream of [MS-OXCFXICS] 2.2.4, the byte
 * stream that RopFastTransferSourceGetBuffer hands out and
 * RopFastTransferDestinationPutBuffer takes in.
 *
 * Lexically ([MS-OXCFXICS] 2.2.4.1) a stream is a run of elements, each a
 * marker (a 4-byte tag from the table of 2.2.4.1.4, no value) or a property
 * value: a 4-byte property tag, for a named property (ID >= 0x8000) the
 * property set GUID and a dispid or name, then the value -- fixed-size
 * values as in [MS-OXCDATA] except PtypBoolean in 2 bytes (2.2.4.1.3),
 * variable-size ones behind a 4-byte length, multi-valued ones behind a
 * 4-byte count.  Code-page strings carry 0x8000 | codepage as their type
 * (2.2.4.1.1.1).  MetaTagIdsetGiven is typed PtypInteger32 but carries a
 * length and a serialised IDSET (2.2.1.1.1).
 *
 * Writer: elements append to a growing stream; ics_fx_writer_next() then
 * hands it out in buffers of at most a given size.  By default a buffer ends
 * only between elements or inside a variable-size value's bytes, never inside
 * a tag, property info, length or fixed-size value ([MS-OXCFXICS] 2.2.4.1:
 * the lexical structure lets producer and consumer agree on where the stream
 * may be split); ICS_FX_SPLIT_ANY cuts at any byte.
 *
 * Reader: incremental.  Feed buffers in any pieces (a value may straddle
 * them); ics_fx_reader_next() yields one element at a time and answers
 * ROP_E_SHORT while the next element is incomplete, consuming nothing.  The
 * reader keeps every unconsumed byte: the caller bounds the stream size
 * ([MS-OXCFXICS] 2.2.3.1.2.2.1 lets the server refuse oversized uploads).
 *
 * Memory: elements are allocated on the mem_ctx given to ics_fx_reader_next;
 * writer and reader are talloc objects freed with talloc_free.
 */
#ifndef ICS_FXSTREAM_H
#define ICS_FXSTREAM_H

#include "rop_buf.h"

/* Markers, [MS-OXCFXICS] 2.2.4.1.4. */
#define FX_START_TOP_FLD              0x40090003u
#define FX_END_FOLDER                 0x400B0003u
#define FX_START_SUB_FLD              0x400A0003u
#define FX_START_MESSAGE              0x400C0003u
#define FX_END_MESSAGE                0x400D0003u
#define FX_START_FAI_MSG              0x40100003u
#define FX_START_EMBED                0x40010003u
#define FX_END_EMBED                  0x40020003u
#define FX_START_RECIP                0x40030003u
#define FX_END_TO_RECIP               0x40040003u
#define FX_NEW_ATTACH                 0x40000003u
#define FX_END_ATTACH                 0x400E0003u
#define FX_INCR_SYNC_CHG              0x40120003u
#define FX_INCR_SYNC_CHG_PARTIAL      0x407D0003u
#define FX_INCR_SYNC_DEL              0x40130003u
#define FX_INCR_SYNC_END              0x40140003u
#define FX_INCR_SYNC_READ             0x402F0003u
#define FX_INCR_SYNC_STATE_BEGIN      0x403A0003u
#define FX_INCR_SYNC_STATE_END        0x403B0003u
#define FX_INCR_SYNC_PROGRESS_MODE    0x4074000Bu
#define FX_INCR_SYNC_PROGRESS_PER_MSG 0x4075000Bu
#define FX_INCR_SYNC_MESSAGE          0x40150003u
#define FX_INCR_SYNC_GROUP_INFO       0x407B0102u
#define FX_ERROR_INFO                 0x40180003u

/* Meta-properties, [MS-OXCFXICS] 2.2.4.1.5 and ICS state, 2.2.1.1. */
#define META_TAG_FX_DEL_PROP                      0x40160003u
#define META_TAG_EC_WARNING                       0x400F0003u
#define META_TAG_NEW_FX_FOLDER                    0x40110102u
#define META_TAG_INCR_SYNC_GROUP_ID               0x407C0003u
#define META_TAG_INCREMENTAL_SYNC_MESSAGE_PARTIAL 0x407A0003u
#define META_TAG_DN_PREFIX                        0x4008001Eu
#define META_TAG_IDSET_GIVEN                      0x40170003u /* on the wire: Integer32-typed, binary value */
#define META_TAG_IDSET_GIVEN_BIN                  0x40170102u /* the same, as held in memory */
#define META_TAG_CNSET_SEEN                       0x67960102u
#define META_TAG_CNSET_SEEN_FAI                   0x67DA0102u
#define META_TAG_CNSET_READ                       0x67D20102u
#define META_TAG_IDSET_DELETED                    0x67E50102u
#define META_TAG_IDSET_NO_LONGER_IN_SCOPE         0x40210102u
#define META_TAG_IDSET_EXPIRED                    0x67930102u
#define META_TAG_IDSET_READ                       0x402D0102u
#define META_TAG_IDSET_UNREAD                     0x402E0102u

/* [MS-OXCFXICS] 2.2.4.1.1.1: code page 1200 is UTF-16LE. */
#define FX_CODEPAGE_UNICODE 1200
#define FX_CODEPAGE_FLAG    0x8000

/* 1 when tag is one of the markers of 2.2.4.1.4, else 0. */
int ics_fx_is_marker(uint32_t tag);
/* The marker's name without prefix ("StartMessage"), or NULL. */
const char *ics_fx_marker_name(uint32_t tag);

enum ics_fx_kind {
	ICS_FX_MARKER,
	ICS_FX_PROPVAL,
};

struct ics_fx_element {
	enum ics_fx_kind kind;
	uint32_t marker; /* ICS_FX_MARKER */
	/* ICS_FX_PROPVAL: val.tag is the tag as held in memory -- PT_STRING8
	 * (PT_UNICODE for code page 1200) for a code-page string, and
	 * META_TAG_IDSET_GIVEN_BIN for MetaTagIdsetGiven; wire_tag is the tag
	 * as on the wire, 0 meaning "same as val.tag". */
	struct mapi_propval val;
	uint32_t wire_tag;
	struct mapi_property_name *name; /* set when the ID is >= 0x8000 */
};

/* ---- writer ---- */

struct ics_fx_writer;

struct ics_fx_writer *ics_fx_writer_new(TALLOC_CTX *mem_ctx);
enum rop_err ics_fx_put_marker(struct ics_fx_writer *w, uint32_t marker);
/* A property value; name is required for IDs >= 0x8000 and ignored below.
 * META_TAG_IDSET_GIVEN_BIN is written as META_TAG_IDSET_GIVEN. */
enum rop_err ics_fx_put_propval(struct ics_fx_writer *w, const struct mapi_propval *val,
                                const struct mapi_property_name *name);
/* Writes an element as read, honouring its wire_tag (round trips). */
enum rop_err ics_fx_put_element(struct ics_fx_writer *w, const struct ics_fx_element *el);
/* A PtypBinary property (a meta-property, e.g. MetaTagCnsetSeen). */
enum rop_err ics_fx_put_binary(struct ics_fx_writer *w, uint32_t tag, const uint8_t *data,
                               size_t len);

/* Bytes written so far, and bytes not yet handed out by ics_fx_writer_next. */
size_t ics_fx_writer_size(const struct ics_fx_writer *w);
size_t ics_fx_writer_pending(const struct ics_fx_writer *w);

#define ICS_FX_SPLIT_ANY 0x1 /* cut at any byte, even inside a tag */

/* The next buffer of at most max bytes, pointing into the writer (valid
 * until the next put).  *len_r is 0 when everything was handed out.
 * ROP_E_NOSPACE when the next indivisible run is longer than max. */
enum rop_err ics_fx_writer_next(struct ics_fx_writer *w, size_t max, unsigned flags,
                                const uint8_t **data_r, size_t *len_r);

/* ---- reader ---- */

struct ics_fx_reader;

struct ics_fx_reader *ics_fx_reader_new(TALLOC_CTX *mem_ctx);
/* Appends bytes of the stream. */
enum rop_err ics_fx_reader_feed(struct ics_fx_reader *r, const uint8_t *data, size_t len);
/* The next element: ROP_OK, ROP_E_SHORT when more input is needed (no
 * bytes consumed), or ROP_E_INVALID / ROP_E_UNSUPPORTED for a stream that
 * cannot be parsed. */
enum rop_err ics_fx_reader_next(struct ics_fx_reader *r, TALLOC_CTX *mem_ctx,
                                struct ics_fx_element *el_r);
/* Bytes fed but not yet consumed as elements. */
size_t ics_fx_reader_pending(const struct ics_fx_reader *r);

/* Parses a complete stream into an array of elements on mem_ctx.  A stream
 * ending inside an element answers ROP_E_SHORT. */
enum rop_err ics_fx_parse(TALLOC_CTX *mem_ctx, const uint8_t *data, size_t len,
                          struct ics_fx_element **els_r, size_t *count_r);

#endif
