/*
 * mapi_types: the MAPI data model shared by the codec (ropcodec/), the store
 * (store/) and the address book (mapihttp/nspi).  Plain structs, no bytes:
 * the codec turns wire bytes into these and back; the store keeps them.
 *
 * Conventions
 * - Strings: PtypString values are held as UTF-8 (WTF-8 where the UTF-16 on
 *   the wire has unpaired surrogates, so a decode/encode round trip is byte
 *   exact).  PtypString8 values are held as the raw bytes of the session's
 *   code page, NUL-terminated.  The codec converts at the edge.
 * - GUIDs are kept in their 16-byte wire order ([MS-DTYP] 2.3.4.2: Data1,
 *   Data2, Data3 little-endian, Data4 as bytes).
 * - Times (PtypTime) are FILETIME: 100 ns intervals since 1601-01-01 UTC.
 * - Memory: every pointer inside a value is a talloc child of the value's
 *   owner; freeing the owner frees the value.
 */
#ifndef MAPI_TYPES_H
#define MAPI_TYPES_H

#include <stdbool.h>
#include <stdint.h>

/* Property types, [MS-OXCDATA] 2.11.1. */
enum mapi_ptype {
	PT_UNSPECIFIED = 0x0000,
	PT_NULL = 0x0001,
	PT_SHORT = 0x0002,    /* PtypInteger16 */
	PT_LONG = 0x0003,     /* PtypInteger32 */
	PT_FLOAT = 0x0004,    /* PtypFloating32 */
	PT_DOUBLE = 0x0005,   /* PtypFloating64 */
	PT_CURRENCY = 0x0006, /* PtypCurrency, int64 scaled by 10,000 */
	PT_APPTIME = 0x0007,  /* PtypFloatingTime */
	PT_ERROR = 0x000A,    /* PtypErrorCode */
	PT_BOOLEAN = 0x000B,
	PT_OBJECT = 0x000D, /* PtypObject / PtypEmbeddedTable */
	PT_I8 = 0x0014,     /* PtypInteger64 */
	PT_STRING8 = 0x001E,
	PT_UNICODE = 0x001F, /* PtypString */
	PT_SYSTIME = 0x0040, /* PtypTime */
	PT_CLSID = 0x0048,   /* PtypGuid */
	PT_SVREID = 0x00FB,  /* PtypServerId */
	PT_SRESTRICTION = 0x00FD,
	PT_ACTIONS = 0x00FE, /* PtypRuleAction */
	PT_BINARY = 0x0102,
	PT_MV_SHORT = 0x1002,
	PT_MV_LONG = 0x1003,
	PT_MV_FLOAT = 0x1004,
	PT_MV_DOUBLE = 0x1005,
	PT_MV_CURRENCY = 0x1006,
	PT_MV_APPTIME = 0x1007,
	PT_MV_I8 = 0x1014,
	PT_MV_STRING8 = 0x101E,
	PT_MV_UNICODE = 0x101F,
	PT_MV_SYSTIME = 0x1040,
	PT_MV_CLSID = 0x1048,
	PT_MV_BINARY = 0x1102,
};

#define MV_FLAG     0x1000
#define MV_INSTANCE 0x2000 /* [MS-OXCDATA] 2.11.1.2: one row per value */

#define PROP_TAG(type, id)          ((((uint32_t)(id)) << 16) | ((uint32_t)(type)))
#define PROP_ID(tag)                ((uint16_t)((tag) >> 16))
#define PROP_TYPE(tag)              ((uint16_t)((tag)&0xFFFF))
#define CHANGE_PROP_TYPE(tag, type) (((uint32_t)(tag)&0xFFFF0000u) | (uint32_t)(type))

/* Named properties map to IDs from 0x8000 up ([MS-OXCPRPT] 3.1.4.4). */
#define FIRST_NAMED_PROP_ID 0x8000

struct mapi_guid {
	uint8_t b[16];
};

struct mapi_binary {
	uint32_t len;
	uint8_t *data;
};

struct mapi_restriction;
struct mapi_rule_actions; /* defined by the codec ([MS-OXORULE] 2.2.5) */

struct mapi_propval {
	uint32_t tag;
	union {
		int16_t i16;
		int32_t i32; /* PT_LONG */
		uint32_t err;
		float f32;
		double f64;  /* PT_DOUBLE, PT_APPTIME */
		int64_t i64; /* PT_I8, PT_CURRENCY */
		uint64_t ft; /* PT_SYSTIME */
		bool b;
		char *str; /* PT_UNICODE (UTF-8), PT_STRING8 (code-page bytes) */
		struct mapi_guid *guid;
		struct mapi_binary bin; /* PT_BINARY, PT_SVREID */
		struct mapi_restriction *res;
		struct mapi_rule_actions *actions;
		struct {
			uint32_t count;
			union {
				int16_t *i16;
				int32_t *i32;
				float *f32;
				double *f64;
				int64_t *i64;
				uint64_t *ft;
				char **str;
				struct mapi_guid *guid;
				struct mapi_binary *bin;
			};
		} mv;
	} v;
};

struct mapi_proptag_array {
	uint32_t count;
	uint32_t *tags;
};

/* A row of values in column order. */
struct mapi_propval_array {
	uint32_t count;
	struct mapi_propval *vals;
};

/* Named property identity, [MS-OXCDATA] 2.6.1. */
enum mapi_named_kind {
	MNID_ID = 0x00,
	MNID_STRING = 0x01,
	MNID_NONE = 0xFF, /* used only in RopGetNamesFromPropertyIds answers */
};

struct mapi_property_name {
	enum mapi_named_kind kind;
	struct mapi_guid guid;
	uint32_t lid; /* MNID_ID */
	char *name;   /* MNID_STRING, UTF-8 */
};

/* Restrictions, [MS-OXCDATA] 2.12. */
enum mapi_restriction_type {
	RES_AND = 0x00,
	RES_OR = 0x01,
	RES_NOT = 0x02,
	RES_CONTENT = 0x03,
	RES_PROPERTY = 0x04,
	RES_COMPAREPROPS = 0x05,
	RES_BITMASK = 0x06,
	RES_SIZE = 0x07,
	RES_EXIST = 0x08,
	RES_SUBRESTRICTION = 0x09,
	RES_COMMENT = 0x0A,
	RES_COUNT = 0x0B,
};

/* Relational operators, [MS-OXCDATA] 2.12.5.1. */
enum mapi_relop {
	RELOP_LT = 0x00,
	RELOP_LE = 0x01,
	RELOP_GT = 0x02,
	RELOP_GE = 0x03,
	RELOP_EQ = 0x04,
	RELOP_NE = 0x05,
	RELOP_RE = 0x06,
	RELOP_MEMBER_OF_DL = 0x64,
};

/* Content restriction fuzzy levels, [MS-OXCDATA] 2.12.4.1. */
#define FL_FULLSTRING     0x0000
#define FL_SUBSTRING      0x0001
#define FL_PREFIX         0x0002
#define FL_IGNORECASE     0x00010000
#define FL_IGNORENONSPACE 0x00020000
#define FL_LOOSE          0x00040000

/* Bitmask restriction, [MS-OXCDATA] 2.12.6.1. */
#define BMR_EQZ 0x00
#define BMR_NEZ 0x01

/* Sub-object restriction targets, [MS-OXCDATA] 2.12.9.1. */
#define PR_MESSAGE_RECIPIENTS  PROP_TAG(PT_OBJECT, 0x0E12)
#define PR_MESSAGE_ATTACHMENTS PROP_TAG(PT_OBJECT, 0x0E13)

struct mapi_restriction {
	enum mapi_restriction_type rt;
	union {
		struct {
			uint32_t count;
			struct mapi_restriction *res;
		} andor; /* RES_AND, RES_OR */
		struct {
			struct mapi_restriction *res;
		} not_;
		struct {
			uint32_t fuzzy_level;
			uint32_t proptag;
			struct mapi_propval val;
		} content;
		struct {
			enum mapi_relop relop;
			uint32_t proptag;
			struct mapi_propval val;
		} prop;
		struct {
			enum mapi_relop relop;
			uint32_t proptag1;
			uint32_t proptag2;
		} compare;
		struct {
			uint8_t relop; /* BMR_EQZ / BMR_NEZ */
			uint32_t proptag;
			uint32_t mask;
		} bitmask;
		struct {
			enum mapi_relop relop;
			uint32_t proptag;
			uint32_t size;
		} size;
		struct {
			uint32_t proptag;
		} exist;
		struct {
			uint32_t subobject; /* PR_MESSAGE_RECIPIENTS / _ATTACHMENTS */
			struct mapi_restriction *res;
		} sub;
		struct {
			uint32_t count;
			struct mapi_propval *vals;
			struct mapi_restriction *res; /* may be NULL */
		} comment;
		struct {
			uint32_t count;
			struct mapi_restriction *res;
		} count;
	} u;
};

/* Deepest restriction nesting any parser or evaluator accepts. */
#define MAPI_RESTRICTION_MAX_DEPTH 32

/* Sort orders, [MS-OXCDATA] 2.13. */
enum mapi_sort_dir {
	TABLE_SORT_ASCEND = 0x00,
	TABLE_SORT_DESCEND = 0x01,
	TABLE_SORT_MAXIMUM_CATEGORY = 0x04,
	TABLE_SORT_MINIMUM_CATEGORY = 0x08,
};

struct mapi_sort_order {
	uint32_t proptag;
	uint8_t order; /* enum mapi_sort_dir */
};

struct mapi_sort_order_set {
	uint16_t count;
	uint16_t categorized_count;
	uint16_t expanded_count;
	struct mapi_sort_order *sorts;
};

/* Identifiers, [MS-OXCDATA] 2.2.1: a 16-bit replica ID and a 48-bit GLOBCNT.
 * In a uint64_t folder or message ID as held in memory, the REPLID occupies
 * the low 16 bits and the GLOBCNT bytes follow in big-endian order, so the
 * 8 wire bytes are the little-endian image of the integer. */
#define MAPI_ID_MAKE(replid, globcnt)                                                              \
	((uint64_t)(uint16_t)(replid) | ((uint64_t)mapi_globcnt_swap48(globcnt) << 16))
#define MAPI_ID_REPLID(id)  ((uint16_t)((id)&0xFFFF))
#define MAPI_ID_GLOBCNT(id) mapi_globcnt_swap48((id) >> 16)

/* Reverses the byte order of a 48-bit value (GLOBCNT is big-endian on the
 * wire, [MS-OXCDATA] 2.2.1.1). */
static inline uint64_t mapi_globcnt_swap48(uint64_t v)
{
	uint64_t r = 0;
	for (int i = 0; i < 6; i++)
		r |= ((v >> (8 * i)) & 0xFF) << (8 * (5 - i));
	return r;
}

/* [MS-OXCDATA] 2.2.1.3.1 LongTermID: the replica GUID, the 6-byte GLOBCNT and
 * two zero bytes. */
struct mapi_long_term_id {
	struct mapi_guid guid;
	uint8_t globcnt[6];
	uint16_t pad;
};

#endif
