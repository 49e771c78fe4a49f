/*
 * rop_fields: the field descriptors the ROP codec is driven by, and the
 * small aggregate types per-ROP structs are made of.
 *
 * Most ROP bodies ([MS-OXCROPS] 2.2.3 - 2.2.15) are a fixed sequence of
 * fields, some present only when an earlier field has a given value.  Each
 * per-spec file (rop_oxcfold.c, ...) describes a body as a table of struct
 * rop_field {kind, offset into the per-ROP struct, aux, val}; one
 * interpreter (rop_fields.c) reads and writes every table.  Context-
 * dependent fields (rows after RopSetColumns, the tags of
 * RopGetPropertiesSpecific) are field kinds that read the context.
 */
#ifndef ROP_FIELDS_H
#define ROP_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mapi_types.h"
#include "rop_buf.h"
#include "rop_propval.h"
#include "rop_recipient.h"

/* u16 count + 64-bit IDs (MessageIds, FolderIds). */
struct rop_id_array {
	uint16_t count;
	uint64_t *ids;
};

/* u16 count + 32-bit values (AttachmentIds). */
struct rop_u32_array {
	uint16_t count;
	uint32_t *vals;
};

/* u16 count + LongTermIDs. */
struct rop_ltid_array {
	uint16_t count;
	struct mapi_long_term_id *ltids;
};

/* NUL-terminated 8-bit strings (server names, address types). */
struct rop_string_array {
	uint16_t count;
	char **strs;
};

/* u16 count + PropertyNames. */
struct rop_property_name_array {
	uint16_t count;
	struct mapi_property_name *names;
};

/* RopQueryNamedProperties: IdCount, PropertyIds[IdCount], PropertyNames[IdCount]. */
struct rop_ids_names {
	uint16_t count;
	uint16_t *ids;
	struct mapi_property_name *names;
};

/* TypedString, [MS-OXCDATA] 2.11.? as used by RopOpenMessage: StringType
 * 0x00 absent, 0x01 empty, 0x02 8-bit, 0x03 reduced Unicode (8-bit on the
 * wire), 0x04 UTF-16LE. */
struct rop_typed_string {
	uint8_t type;
	char *str; /* NULL for types 0x00 and 0x01 */
};

/* PermissionData / RuleData: a flags byte and TaggedPropertyValues. */
struct rop_flagged_vals {
	uint8_t flags;
	struct mapi_propval_array vals;
};
struct rop_flagged_vals_array {
	uint16_t count;
	struct rop_flagged_vals *items;
};

/* RopSetMessageReadFlag ClientData (public folder logons only). */
struct rop_client_data {
	bool present;
	uint8_t data[24];
};

/* PropertyRows whose count travels just before them. */
struct rop_row_list {
	uint32_t count;
	struct rop_property_row *rows;
};

/* RopBackoff BackoffRopData entries, [MS-OXCROPS] 2.2.15.2.1.1. */
struct rop_backoff_rop {
	uint8_t rop_id;
	uint32_t duration;
};
struct rop_backoff_rops {
	uint8_t count;
	struct rop_backoff_rop *rops;
};

/* Field kinds; the C type at the offset is given for each. */
enum rop_field_kind {
	FK_END = 0,
	FK_U8,            /* uint8_t */
	FK_U16,           /* uint16_t */
	FK_U32,           /* uint32_t */
	FK_U64,           /* uint64_t */
	FK_GUID,          /* struct mapi_guid */
	FK_BYTES,         /* uint8_t[aux] */
	FK_U64ARR,        /* uint64_t[aux] */
	FK_ASCIIZ,        /* char *, NUL-terminated 8-bit */
	FK_ASCIIZ_SIZE16, /* char *, u16 byte size incl. NUL, 0 = NULL */
	FK_ASCIIZ_SIZE8,  /* char *, u8 byte size incl. NUL */
	FK_STRZ_SEL,      /* char *, UTF-16 if the uint8_t at aux is nonzero, else 8-bit */
	FK_BIN16,         /* struct mapi_binary, u16 size */
	FK_BIN32,         /* struct mapi_binary, u32 size */
	FK_REST,          /* struct mapi_binary, every byte left */
	FK_TAGS16,        /* struct mapi_proptag_array, u16 count */
	FK_PROPIDS16,     /* struct rop_propid_array */
	FK_TVALS16,       /* struct mapi_propval_array, u16 count + TaggedPropertyValues */
	FK_TVALS_SIZED16, /* struct mapi_propval_array, u16 byte size, u16 count, values */
	FK_PROBLEMS16,    /* struct rop_property_problem_array */
	FK_RES_SIZED16,   /* struct mapi_restriction *, u16 byte size, NULL when 0 */
	FK_SORTS,         /* struct mapi_sort_order_set */
	FK_IDS16,         /* struct rop_id_array */
	FK_U32S16,        /* struct rop_u32_array */
	FK_LTID,          /* struct mapi_long_term_id */
	FK_LTIDS16,       /* struct rop_ltid_array */
	FK_NAMES16,       /* struct rop_property_name_array */
	FK_IDS_NAMES,     /* struct rop_ids_names */
	FK_STRS,          /* struct rop_string_array, count from the uint16_t at aux */
	FK_STRS_SIZED,    /* struct rop_string_array, u16 count, u16 byte size, strings */
	FK_TYPEDSTR,      /* struct rop_typed_string */
	/* struct rop_recipient_rows: the RecipientRows' columns are the
	 * struct mapi_proptag_array at aux (OPEN8, MOD16) or the context
	 * columns (READ8) */
	FK_RECIP_OPEN8,    /* u8 count, OpenRecipientRow */
	FK_RECIP_READ8,    /* u8 count, ReadRecipientRow */
	FK_RECIP_MOD16,    /* u16 count, ModifyRecipientRow */
	FK_FLAGGED_VALS16, /* struct rop_flagged_vals_array */
	FK_READ_STATES,    /* struct rop_message_read_states */
	FK_LTID_RANGES,    /* struct rop_long_term_id_ranges */
	FK_CLIENTDATA,     /* struct rop_client_data: present on public logons */
	FK_BACKOFF_ROPS,   /* struct rop_backoff_rops */
	FK_ROW_REQTAGS,    /* struct rop_property_row, columns = request's tags */
	FK_ROW_CTX,        /* struct rop_property_row, columns = context columns */
	FK_ROWS16_CTX,     /* struct rop_row_list, u16 count, context columns */
	FK_ROWS32_RFT,     /* struct rop_row_list, u32 count, receive-folder table columns */
	FK_NOTIF,          /* struct notif_data (notif.h), TableModified rows in context columns */
	/* Conditionals: the next aux descriptors are present only when the
	 * field at ofs satisfies the test against val. */
	FK_IF_U8_NZ,
	FK_IF_U8_Z,
	FK_IF_U8_BIT,   /* (u8 & val) != 0 */
	FK_IF_U8_NOBIT, /* (u8 & val) == 0 */
	FK_IF_U16_EQ,
	FK_IF_U32_EQ,
	FK_IF_U32_NZ,
};

struct rop_field {
	uint8_t kind;
	uint16_t ofs;
	uint16_t aux;
	uint32_t val;
	const char *name; /* the specification's field name, for rop_print */
};

#define RF(k, type, member)                                                                        \
	{                                                                                          \
		k, offsetof(type, member), 0, 0, #member                                           \
	}
#define RFA(k, type, member, a)                                                                    \
	{                                                                                          \
		k, offsetof(type, member), a, 0, #member                                           \
	}
#define RFIF(k, type, member, n, v)                                                                \
	{                                                                                          \
		k, offsetof(type, member), n, v, NULL                                              \
	}
#define RF_END                                                                                     \
	{                                                                                          \
		FK_END, 0, 0, 0, NULL                                                              \
	}

struct rop_request;

/* What a body needs from outside itself. */
struct rop_field_env {
	const struct rop_request *req; /* the request a response answers */
	/* RopSetColumns columns; for RopReadRecipients the RecipientColumns */
	const struct mapi_proptag_array *columns;
	bool public_logon; /* the logon is a public folder logon */
};

/* Reads / writes the body fields into / from the struct at base.
 * Allocations go to the rop_pull's mem_ctx. */
enum rop_err rop_fields_pull(struct rop_pull *p, const struct rop_field *f, void *base,
                             const struct rop_field_env *env);
enum rop_err rop_fields_push(struct rop_push *p, const struct rop_field *f, const void *base,
                             const struct rop_field_env *env);

/* Whether the fields under the conditional f (an FK_IF_* row) are present,
 * from values already read into base. */
bool rop_field_cond_holds(const struct rop_field *f, const void *base);

/* The columns of RopGetReceiveFolderTable rows, [MS-OXCSTOR] 2.2.1.4. */
extern const struct mapi_proptag_array rop_receive_folder_table_columns;

#endif
