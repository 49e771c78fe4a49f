/*
 * mh_nspi: the bodies of the MAPI/HTTP address book requests and responses
 * ([MS-OXCMAPIHTTP] 2.2.5), every request type, both directions, so the
 * server and the test client share one codec.
 *
 * Each request type has a request struct and a response struct below; the
 * generic functions take the type and a pointer to the matching struct
 * (nspi_req_size / nspi_resp_size say how big it is).  Optional fields
 * (the Has* bytes on the wire) are NULL pointers when absent.  Every body
 * ends with AuxiliaryBufferSize and AuxiliaryBuffer (struct mh_blob, raw
 * RPC_HEADER_EXT bytes, see aux.h).  A response whose StatusCode is not 0
 * is the failure body: StatusCode, then the auxiliary buffer only.
 *
 * Decoders read a whole body (ROP_E_TRAILING for bytes after it) and
 * allocate on mem_ctx; on error nothing stays allocated and the struct
 * holds nothing usable.  Encoders append to p and leave it unchanged on
 * error.  COUNT widths are 32 bits throughout (mh_nspi_value.h).
 */
#ifndef MH_NSPI_H
#define MH_NSPI_H

#include "mh_emsmdb.h"
#include "mh_nspi_value.h"

/* The X-RequestType values of [MS-OXCMAPIHTTP] 2.2.5, in section order. */
enum nspi_request_type {
	NSPI_BIND,
	NSPI_UNBIND,
	NSPI_COMPARE_MIDS,
	NSPI_DN_TO_MID,
	NSPI_GET_MATCHES,
	NSPI_GET_PROP_LIST,
	NSPI_GET_PROPS,
	NSPI_GET_SPECIAL_TABLE,
	NSPI_GET_TEMPLATE_INFO,
	NSPI_MOD_LINK_ATT,
	NSPI_MOD_PROPS,
	NSPI_QUERY_ROWS,
	NSPI_QUERY_COLUMNS,
	NSPI_RESOLVE_NAMES,
	NSPI_RESORT_RESTRICTION,
	NSPI_SEEK_ENTRIES,
	NSPI_UPDATE_STAT,
	NSPI_GET_MAILBOX_URL,
	NSPI_GET_ADDRESS_BOOK_URL,
	NSPI_REQUEST_TYPE_COUNT
};

/* The X-RequestType header value ("Bind", "GetMatches", ...). */
const char *nspi_request_name(enum nspi_request_type type);
/* 1 and *type_r set when name is a known X-RequestType (case-insensitive),
 * 0 when not. */
int nspi_request_lookup(const char *name, enum nspi_request_type *type_r);

/* A property name of GetMatches: HasPropertyName, PropertyNameGuid,
 * PropertyNameId. */
struct nspi_prop_name {
	struct mapi_guid guid;
	uint32_t id;
};

/* An optional 4-byte value (HasVersion/Version, HasDelta/Delta). */
struct nspi_opt_u32 {
	bool present;
	uint32_t value;
};

/* The fields every response starts with. */
struct nspi_resp_head {
	uint32_t status_code;
	uint32_t error_code;
};

/* 2.2.5.1 */
struct nspi_bind_req {
	uint32_t flags;
	struct nspi_stat *state;
	struct mh_blob aux;
};
struct nspi_bind_resp {
	struct nspi_resp_head head;
	struct mapi_guid server_guid;
	struct mh_blob aux;
};
/* 2.2.5.2 */
struct nspi_unbind_req {
	uint32_t reserved;
	struct mh_blob aux;
};
struct nspi_unbind_resp {
	struct nspi_resp_head head;
	struct mh_blob aux;
};
/* 2.2.5.3 */
struct nspi_compare_mids_req {
	uint32_t reserved;
	struct nspi_stat *state;
	uint32_t mid1, mid2;
	struct mh_blob aux;
};
struct nspi_compare_mids_resp {
	struct nspi_resp_head head;
	uint32_t result;
	struct mh_blob aux;
};
/* 2.2.5.4 */
struct nspi_dn_to_mid_req {
	uint32_t reserved;
	struct nspi_strings *names; /* StringArray */
	struct mh_blob aux;
};
struct nspi_dn_to_mid_resp {
	struct nspi_resp_head head;
	struct nspi_mids *mids;
	struct mh_blob aux;
};
/* 2.2.5.5 */
struct nspi_get_matches_req {
	uint32_t reserved;
	struct nspi_stat *state;
	struct nspi_mids *mids;
	uint32_t interface_option_flags;
	struct mapi_restriction *filter;
	struct nspi_prop_name *prop_name;
	uint32_t row_count;
	struct mapi_proptag_array *columns;
	struct mh_blob aux;
};
struct nspi_get_matches_resp {
	struct nspi_resp_head head;
	struct nspi_stat *state;
	struct nspi_mids *mids;
	struct nspi_rowset *rows;
	struct mh_blob aux;
};
/* 2.2.5.6 */
struct nspi_get_prop_list_req {
	uint32_t flags, mid, code_page;
	struct mh_blob aux;
};
struct nspi_get_prop_list_resp {
	struct nspi_resp_head head;
	struct mapi_proptag_array *tags;
	struct mh_blob aux;
};
/* 2.2.5.7 */
struct nspi_get_props_req {
	uint32_t flags;
	struct nspi_stat *state;
	struct mapi_proptag_array *tags;
	struct mh_blob aux;
};
struct nspi_get_props_resp {
	struct nspi_resp_head head;
	uint32_t code_page;
	struct mapi_propval_array *values;
	struct mh_blob aux;
};
/* 2.2.5.8 */
struct nspi_get_special_table_req {
	uint32_t flags;
	struct nspi_stat *state;
	struct nspi_opt_u32 version;
	struct mh_blob aux;
};
struct nspi_get_special_table_resp {
	struct nspi_resp_head head;
	uint32_t code_page;
	struct nspi_opt_u32 version;
	struct nspi_value_lists *rows;
	struct mh_blob aux;
};
/* 2.2.5.9 */
struct nspi_get_template_info_req {
	uint32_t flags, display_type;
	char *template_dn; /* 8-bit */
	uint32_t code_page, locale_id;
	struct mh_blob aux;
};
struct nspi_get_template_info_resp {
	struct nspi_resp_head head;
	uint32_t code_page;
	struct mapi_propval_array *row;
	struct mh_blob aux;
};
/* 2.2.5.10 */
struct nspi_mod_link_att_req {
	uint32_t flags, prop_tag, mid;
	struct nspi_binaries *entry_ids;
	struct mh_blob aux;
};
struct nspi_mod_link_att_resp {
	struct nspi_resp_head head;
	struct mh_blob aux;
};
/* 2.2.5.11 */
struct nspi_mod_props_req {
	uint32_t reserved;
	struct nspi_stat *state;
	struct mapi_proptag_array *tags_to_remove;
	struct mapi_propval_array *values;
	struct mh_blob aux;
};
struct nspi_mod_props_resp {
	struct nspi_resp_head head;
	struct mh_blob aux;
};
/* 2.2.5.12 */
struct nspi_query_rows_req {
	uint32_t flags;
	struct nspi_stat *state;
	struct nspi_mids explicit_table; /* no Has byte: count 0 = none */
	uint32_t row_count;
	struct mapi_proptag_array *columns;
	struct mh_blob aux;
};
struct nspi_query_rows_resp {
	struct nspi_resp_head head;
	struct nspi_stat *state;
	struct nspi_rowset *rows;
	struct mh_blob aux;
};
/* 2.2.5.13 */
struct nspi_query_columns_req {
	uint32_t reserved, mapi_flags;
	struct mh_blob aux;
};
struct nspi_query_columns_resp {
	struct nspi_resp_head head;
	struct mapi_proptag_array *columns;
	struct mh_blob aux;
};
/* 2.2.5.14 */
struct nspi_resolve_names_req {
	uint32_t reserved;
	struct nspi_stat *state;
	struct mapi_proptag_array *tags;
	struct nspi_strings *names; /* WStringArray */
	struct mh_blob aux;
};
struct nspi_resolve_names_resp {
	struct nspi_resp_head head;
	uint32_t code_page;
	struct nspi_mids *mids;
	struct nspi_rowset *rows;
	struct mh_blob aux;
};
/* 2.2.5.15 */
struct nspi_resort_restriction_req {
	uint32_t reserved;
	struct nspi_stat *state;
	struct nspi_mids *mids;
	struct mh_blob aux;
};
struct nspi_resort_restriction_resp {
	struct nspi_resp_head head;
	struct nspi_stat *state;
	struct nspi_mids *mids;
	struct mh_blob aux;
};
/* 2.2.5.16 */
struct nspi_seek_entries_req {
	uint32_t reserved;
	struct nspi_stat *state;
	struct mapi_propval *target;
	struct nspi_mids *explicit_table;
	struct mapi_proptag_array *columns;
	struct mh_blob aux;
};
struct nspi_seek_entries_resp {
	struct nspi_resp_head head;
	struct nspi_stat *state;
	struct nspi_rowset *rows;
	struct mh_blob aux;
};
/* 2.2.5.17 */
struct nspi_update_stat_req {
	uint32_t reserved;
	struct nspi_stat *state;
	uint8_t delta_requested;
	struct mh_blob aux;
};
struct nspi_update_stat_resp {
	struct nspi_resp_head head;
	struct nspi_stat *state;
	struct nspi_opt_u32 delta;
	struct mh_blob aux;
};
/* 2.2.5.18 (server_dn) and 2.2.5.19 (user_dn) */
struct nspi_get_url_req {
	uint32_t flags;
	char *dn; /* UTF-16LE on the wire */
	struct mh_blob aux;
};
struct nspi_get_url_resp {
	struct nspi_resp_head head;
	char *server_url; /* UTF-16LE on the wire */
	struct mh_blob aux;
};

size_t nspi_req_size(enum nspi_request_type type);
size_t nspi_resp_size(enum nspi_request_type type);

enum rop_err nspi_req_pull(TALLOC_CTX *mem_ctx, enum nspi_request_type type, const uint8_t *data,
                           size_t len, void *req_r);
enum rop_err nspi_req_push(struct rop_push *p, enum nspi_request_type type, const void *req);
enum rop_err nspi_resp_pull(TALLOC_CTX *mem_ctx, enum nspi_request_type type, const uint8_t *data,
                            size_t len, void *resp_r);
enum rop_err nspi_resp_push(struct rop_push *p, enum nspi_request_type type, const void *resp);

#endif
