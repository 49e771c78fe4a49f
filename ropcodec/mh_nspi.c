/* MAPI/HTTP NSPI bodies, [MS-OXCMAPIHTTP] 2.2.5: one field list per body. */
#include "mh_nspi.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "rop_print_priv.h"
#include "rop_propval.h"
#include "rop_restriction.h"

enum nspi_kind {
	K_STATUS, /* StatusCode: when not 0, only the AUX field follows */
	K_U8,
	K_U32,
	K_GUID,
	K_WSTR,       /* char *, UTF-16LE with terminator */
	K_MIDS,       /* struct nspi_mids, no Has byte */
	K_U32_OPT,    /* struct nspi_opt_u32 */
	K_STAT_OPT,   /* struct nspi_stat * */
	K_MIDS_OPT,   /* struct nspi_mids * */
	K_TAGS_OPT,   /* struct mapi_proptag_array * */
	K_RES_OPT,    /* struct mapi_restriction * */
	K_NAME_OPT,   /* struct nspi_prop_name * */
	K_LIST_OPT,   /* struct mapi_propval_array * */
	K_TAGGED_OPT, /* struct mapi_propval * */
	K_STR8S_OPT,  /* struct nspi_strings *, StringArray */
	K_WSTRS_OPT,  /* struct nspi_strings *, WStringArray */
	K_STR8_OPT,   /* char *, 8-bit with terminator */
	K_ROWS_OPT,   /* struct nspi_rowset * */
	K_LISTS_OPT,  /* struct nspi_value_lists * */
	K_BINS_OPT,   /* struct nspi_binaries * */
	K_AUX,        /* struct mh_blob, always last */
};

struct nspi_field {
	uint8_t kind;
	uint16_t at;
	const char *name; /* the struct member, for nspi_print_body */
};

#define NSPI_MAX_FIELDS 10
struct nspi_body {
	size_t size;
	unsigned nfields;
	struct nspi_field fields[NSPI_MAX_FIELDS];
};

struct nspi_def {
	const char *name; /* X-RequestType */
	struct nspi_body req, resp;
};

#define F(kind, st, member)                                                                        \
	{                                                                                          \
		kind, (uint16_t)offsetof(struct st, member), #member                               \
	}
#define BODY(st, ...)                                                                              \
	{                                                                                          \
		sizeof(struct st),                                                                 \
		    sizeof((struct nspi_field[]){__VA_ARGS__}) / sizeof(struct nspi_field),        \
		{                                                                                  \
			__VA_ARGS__                                                                \
		}                                                                                  \
	}
#define HEAD(st) F(K_STATUS, st, head.status_code), F(K_U32, st, head.error_code)

/* [MS-OXCMAPIHTTP] 2.2.5.1-2.2.5.19, fields in wire order. */
static const struct nspi_def defs[NSPI_REQUEST_TYPE_COUNT] = {
    [NSPI_BIND] = {"Bind",
                   BODY(nspi_bind_req, F(K_U32, nspi_bind_req, flags),
                        F(K_STAT_OPT, nspi_bind_req, state), F(K_AUX, nspi_bind_req, aux)),
                   BODY(nspi_bind_resp, HEAD(nspi_bind_resp),
                        F(K_GUID, nspi_bind_resp, server_guid), F(K_AUX, nspi_bind_resp, aux))},
    [NSPI_UNBIND] = {"Unbind",
                     BODY(nspi_unbind_req, F(K_U32, nspi_unbind_req, reserved),
                          F(K_AUX, nspi_unbind_req, aux)),
                     BODY(nspi_unbind_resp, HEAD(nspi_unbind_resp),
                          F(K_AUX, nspi_unbind_resp, aux))},
    [NSPI_COMPARE_MIDS] =
        {"CompareMIds",
         BODY(nspi_compare_mids_req, F(K_U32, nspi_compare_mids_req, reserved),
              F(K_STAT_OPT, nspi_compare_mids_req, state), F(K_U32, nspi_compare_mids_req, mid1),
              F(K_U32, nspi_compare_mids_req, mid2), F(K_AUX, nspi_compare_mids_req, aux)),
         BODY(nspi_compare_mids_resp, HEAD(nspi_compare_mids_resp),
              F(K_U32, nspi_compare_mids_resp, result), F(K_AUX, nspi_compare_mids_resp, aux))},
    [NSPI_DN_TO_MID] = {"DNToMId",
                        BODY(nspi_dn_to_mid_req, F(K_U32, nspi_dn_to_mid_req, reserved),
                             F(K_STR8S_OPT, nspi_dn_to_mid_req, names),
                             F(K_AUX, nspi_dn_to_mid_req, aux)),
                        BODY(nspi_dn_to_mid_resp, HEAD(nspi_dn_to_mid_resp),
                             F(K_MIDS_OPT, nspi_dn_to_mid_resp, mids),
                             F(K_AUX, nspi_dn_to_mid_resp, aux))},
    [NSPI_GET_MATCHES] =
        {"GetMatches",
         BODY(nspi_get_matches_req, F(K_U32, nspi_get_matches_req, reserved),
              F(K_STAT_OPT, nspi_get_matches_req, state), F(K_MIDS_OPT, nspi_get_matches_req, mids),
              F(K_U32, nspi_get_matches_req, interface_option_flags),
              F(K_RES_OPT, nspi_get_matches_req, filter),
              F(K_NAME_OPT, nspi_get_matches_req, prop_name),
              F(K_U32, nspi_get_matches_req, row_count),
              F(K_TAGS_OPT, nspi_get_matches_req, columns), F(K_AUX, nspi_get_matches_req, aux)),
         BODY(nspi_get_matches_resp, HEAD(nspi_get_matches_resp),
              F(K_STAT_OPT, nspi_get_matches_resp, state),
              F(K_MIDS_OPT, nspi_get_matches_resp, mids),
              F(K_ROWS_OPT, nspi_get_matches_resp, rows), F(K_AUX, nspi_get_matches_resp, aux))},
    [NSPI_GET_PROP_LIST] = {"GetPropList",
                            BODY(nspi_get_prop_list_req, F(K_U32, nspi_get_prop_list_req, flags),
                                 F(K_U32, nspi_get_prop_list_req, mid),
                                 F(K_U32, nspi_get_prop_list_req, code_page),
                                 F(K_AUX, nspi_get_prop_list_req, aux)),
                            BODY(nspi_get_prop_list_resp, HEAD(nspi_get_prop_list_resp),
                                 F(K_TAGS_OPT, nspi_get_prop_list_resp, tags),
                                 F(K_AUX, nspi_get_prop_list_resp, aux))},
    [NSPI_GET_PROPS] = {"GetProps",
                        BODY(nspi_get_props_req, F(K_U32, nspi_get_props_req, flags),
                             F(K_STAT_OPT, nspi_get_props_req, state),
                             F(K_TAGS_OPT, nspi_get_props_req, tags),
                             F(K_AUX, nspi_get_props_req, aux)),
                        BODY(nspi_get_props_resp, HEAD(nspi_get_props_resp),
                             F(K_U32, nspi_get_props_resp, code_page),
                             F(K_LIST_OPT, nspi_get_props_resp, values),
                             F(K_AUX, nspi_get_props_resp, aux))},
    [NSPI_GET_SPECIAL_TABLE] = {"GetSpecialTable",
                                BODY(nspi_get_special_table_req,
                                     F(K_U32, nspi_get_special_table_req, flags),
                                     F(K_STAT_OPT, nspi_get_special_table_req, state),
                                     F(K_U32_OPT, nspi_get_special_table_req, version),
                                     F(K_AUX, nspi_get_special_table_req, aux)),
                                BODY(nspi_get_special_table_resp, HEAD(nspi_get_special_table_resp),
                                     F(K_U32, nspi_get_special_table_resp, code_page),
                                     F(K_U32_OPT, nspi_get_special_table_resp, version),
                                     F(K_LISTS_OPT, nspi_get_special_table_resp, rows),
                                     F(K_AUX, nspi_get_special_table_resp, aux))},
    [NSPI_GET_TEMPLATE_INFO] = {"GetTemplateInfo",
                                BODY(nspi_get_template_info_req,
                                     F(K_U32, nspi_get_template_info_req, flags),
                                     F(K_U32, nspi_get_template_info_req, display_type),
                                     F(K_STR8_OPT, nspi_get_template_info_req, template_dn),
                                     F(K_U32, nspi_get_template_info_req, code_page),
                                     F(K_U32, nspi_get_template_info_req, locale_id),
                                     F(K_AUX, nspi_get_template_info_req, aux)),
                                BODY(nspi_get_template_info_resp, HEAD(nspi_get_template_info_resp),
                                     F(K_U32, nspi_get_template_info_resp, code_page),
                                     F(K_LIST_OPT, nspi_get_template_info_resp, row),
                                     F(K_AUX, nspi_get_template_info_resp, aux))},
    [NSPI_MOD_LINK_ATT] = {"ModLinkAtt",
                           BODY(nspi_mod_link_att_req, F(K_U32, nspi_mod_link_att_req, flags),
                                F(K_U32, nspi_mod_link_att_req, prop_tag),
                                F(K_U32, nspi_mod_link_att_req, mid),
                                F(K_BINS_OPT, nspi_mod_link_att_req, entry_ids),
                                F(K_AUX, nspi_mod_link_att_req, aux)),
                           BODY(nspi_mod_link_att_resp, HEAD(nspi_mod_link_att_resp),
                                F(K_AUX, nspi_mod_link_att_resp, aux))},
    [NSPI_MOD_PROPS] = {"ModProps",
                        BODY(nspi_mod_props_req, F(K_U32, nspi_mod_props_req, reserved),
                             F(K_STAT_OPT, nspi_mod_props_req, state),
                             F(K_TAGS_OPT, nspi_mod_props_req, tags_to_remove),
                             F(K_LIST_OPT, nspi_mod_props_req, values),
                             F(K_AUX, nspi_mod_props_req, aux)),
                        BODY(nspi_mod_props_resp, HEAD(nspi_mod_props_resp),
                             F(K_AUX, nspi_mod_props_resp, aux))},
    [NSPI_QUERY_ROWS] = {"QueryRows",
                         BODY(nspi_query_rows_req, F(K_U32, nspi_query_rows_req, flags),
                              F(K_STAT_OPT, nspi_query_rows_req, state),
                              F(K_MIDS, nspi_query_rows_req, explicit_table),
                              F(K_U32, nspi_query_rows_req, row_count),
                              F(K_TAGS_OPT, nspi_query_rows_req, columns),
                              F(K_AUX, nspi_query_rows_req, aux)),
                         BODY(nspi_query_rows_resp, HEAD(nspi_query_rows_resp),
                              F(K_STAT_OPT, nspi_query_rows_resp, state),
                              F(K_ROWS_OPT, nspi_query_rows_resp, rows),
                              F(K_AUX, nspi_query_rows_resp, aux))},
    [NSPI_QUERY_COLUMNS] = {"QueryColumns",
                            BODY(nspi_query_columns_req, F(K_U32, nspi_query_columns_req, reserved),
                                 F(K_U32, nspi_query_columns_req, mapi_flags),
                                 F(K_AUX, nspi_query_columns_req, aux)),
                            BODY(nspi_query_columns_resp, HEAD(nspi_query_columns_resp),
                                 F(K_TAGS_OPT, nspi_query_columns_resp, columns),
                                 F(K_AUX, nspi_query_columns_resp, aux))},
    [NSPI_RESOLVE_NAMES] = {"ResolveNames",
                            BODY(nspi_resolve_names_req, F(K_U32, nspi_resolve_names_req, reserved),
                                 F(K_STAT_OPT, nspi_resolve_names_req, state),
                                 F(K_TAGS_OPT, nspi_resolve_names_req, tags),
                                 F(K_WSTRS_OPT, nspi_resolve_names_req, names),
                                 F(K_AUX, nspi_resolve_names_req, aux)),
                            BODY(nspi_resolve_names_resp, HEAD(nspi_resolve_names_resp),
                                 F(K_U32, nspi_resolve_names_resp, code_page),
                                 F(K_MIDS_OPT, nspi_resolve_names_resp, mids),
                                 F(K_ROWS_OPT, nspi_resolve_names_resp, rows),
                                 F(K_AUX, nspi_resolve_names_resp, aux))},
    [NSPI_RESORT_RESTRICTION] = {"ResortRestriction",
                                 BODY(nspi_resort_restriction_req,
                                      F(K_U32, nspi_resort_restriction_req, reserved),
                                      F(K_STAT_OPT, nspi_resort_restriction_req, state),
                                      F(K_MIDS_OPT, nspi_resort_restriction_req, mids),
                                      F(K_AUX, nspi_resort_restriction_req, aux)),
                                 BODY(nspi_resort_restriction_resp,
                                      HEAD(nspi_resort_restriction_resp),
                                      F(K_STAT_OPT, nspi_resort_restriction_resp, state),
                                      F(K_MIDS_OPT, nspi_resort_restriction_resp, mids),
                                      F(K_AUX, nspi_resort_restriction_resp, aux))},
    [NSPI_SEEK_ENTRIES] = {"SeekEntries",
                           BODY(nspi_seek_entries_req, F(K_U32, nspi_seek_entries_req, reserved),
                                F(K_STAT_OPT, nspi_seek_entries_req, state),
                                F(K_TAGGED_OPT, nspi_seek_entries_req, target),
                                F(K_MIDS_OPT, nspi_seek_entries_req, explicit_table),
                                F(K_TAGS_OPT, nspi_seek_entries_req, columns),
                                F(K_AUX, nspi_seek_entries_req, aux)),
                           BODY(nspi_seek_entries_resp, HEAD(nspi_seek_entries_resp),
                                F(K_STAT_OPT, nspi_seek_entries_resp, state),
                                F(K_ROWS_OPT, nspi_seek_entries_resp, rows),
                                F(K_AUX, nspi_seek_entries_resp, aux))},
    [NSPI_UPDATE_STAT] = {"UpdateStat",
                          BODY(nspi_update_stat_req, F(K_U32, nspi_update_stat_req, reserved),
                               F(K_STAT_OPT, nspi_update_stat_req, state),
                               F(K_U8, nspi_update_stat_req, delta_requested),
                               F(K_AUX, nspi_update_stat_req, aux)),
                          BODY(nspi_update_stat_resp, HEAD(nspi_update_stat_resp),
                               F(K_STAT_OPT, nspi_update_stat_resp, state),
                               F(K_U32_OPT, nspi_update_stat_resp, delta),
                               F(K_AUX, nspi_update_stat_resp, aux))},
    [NSPI_GET_MAILBOX_URL] = {"GetMailboxUrl",
                              BODY(nspi_get_url_req, F(K_U32, nspi_get_url_req, flags),
                                   F(K_WSTR, nspi_get_url_req, dn),
                                   F(K_AUX, nspi_get_url_req, aux)),
                              BODY(nspi_get_url_resp, HEAD(nspi_get_url_resp),
                                   F(K_WSTR, nspi_get_url_resp, server_url),
                                   F(K_AUX, nspi_get_url_resp, aux))},
    [NSPI_GET_ADDRESS_BOOK_URL] = {"GetAddressBookUrl",
                                   BODY(nspi_get_url_req, F(K_U32, nspi_get_url_req, flags),
                                        F(K_WSTR, nspi_get_url_req, dn),
                                        F(K_AUX, nspi_get_url_req, aux)),
                                   BODY(nspi_get_url_resp, HEAD(nspi_get_url_resp),
                                        F(K_WSTR, nspi_get_url_resp, server_url),
                                        F(K_AUX, nspi_get_url_resp, aux))},
};

const char *nspi_request_name(enum nspi_request_type type)
{
	return (unsigned)type < NSPI_REQUEST_TYPE_COUNT ? defs[type].name : NULL;
}

int nspi_request_lookup(const char *name, enum nspi_request_type *type_r)
{
	for (unsigned i = 0; i < NSPI_REQUEST_TYPE_COUNT; i++) {
		if (strcasecmp(name, defs[i].name) == 0) {
			*type_r = (enum nspi_request_type)i;
			return 1;
		}
	}
	return 0;
}

size_t nspi_req_size(enum nspi_request_type type)
{
	return (unsigned)type < NSPI_REQUEST_TYPE_COUNT ? defs[type].req.size : 0;
}

size_t nspi_resp_size(enum nspi_request_type type)
{
	return (unsigned)type < NSPI_REQUEST_TYPE_COUNT ? defs[type].resp.size : 0;
}

/* Allocates the target of an optional field once its Has byte said so. */
static void *opt_new(struct rop_pull *p, enum nspi_kind kind)
{
	static const size_t sizes[] = {
	    [K_STAT_OPT] = sizeof(struct nspi_stat),
	    [K_MIDS_OPT] = sizeof(struct nspi_mids),
	    [K_TAGS_OPT] = sizeof(struct mapi_proptag_array),
	    [K_RES_OPT] = sizeof(struct mapi_restriction),
	    [K_NAME_OPT] = sizeof(struct nspi_prop_name),
	    [K_LIST_OPT] = sizeof(struct mapi_propval_array),
	    [K_TAGGED_OPT] = sizeof(struct mapi_propval),
	    [K_STR8S_OPT] = sizeof(struct nspi_strings),
	    [K_WSTRS_OPT] = sizeof(struct nspi_strings),
	    [K_ROWS_OPT] = sizeof(struct nspi_rowset),
	    [K_LISTS_OPT] = sizeof(struct nspi_value_lists),
	    [K_BINS_OPT] = sizeof(struct nspi_binaries),
	};
	return talloc_zero_size(p->mem_ctx, sizes[kind]);
}

static enum rop_err pull_opt_target(struct rop_pull *p, enum nspi_kind kind, void *t)
{
	switch (kind) {
	case K_STAT_OPT:
		return nspi_pull_stat(p, t);
	case K_MIDS_OPT:
		return nspi_pull_mids(p, t);
	case K_TAGS_OPT:
		return nspi_pull_tags(p, t);
	case K_RES_OPT:
		return rop_pull_restriction(p, ROP_COUNT_WIDTH_32, t);
	case K_NAME_OPT: {
		struct nspi_prop_name *n = t;
		ROP_CHECK(rop_pull_guid(p, &n->guid));
		return rop_pull_u32(p, &n->id);
	}
	case K_LIST_OPT:
		return nspi_pull_ab_list(p, t);
	case K_TAGGED_OPT:
		return nspi_pull_ab_tagged(p, t);
	case K_STR8S_OPT:
		return nspi_pull_strings(p, false, t);
	case K_WSTRS_OPT:
		return nspi_pull_strings(p, true, t);
	case K_ROWS_OPT:
		return nspi_pull_rowset(p, t);
	case K_LISTS_OPT:
		return nspi_pull_value_lists(p, t);
	case K_BINS_OPT:
		return nspi_pull_binaries(p, t);
	default:
		return ROP_E_INVALID;
	}
}

static enum rop_err push_opt_target(struct rop_push *p, enum nspi_kind kind, const void *t)
{
	switch (kind) {
	case K_STAT_OPT:
		return nspi_push_stat(p, t);
	case K_MIDS_OPT:
		return nspi_push_mids(p, t);
	case K_TAGS_OPT:
		return nspi_push_tags(p, t);
	case K_RES_OPT:
		return rop_push_restriction(p, ROP_COUNT_WIDTH_32, t);
	case K_NAME_OPT: {
		const struct nspi_prop_name *n = t;
		ROP_CHECK(rop_push_guid(p, &n->guid));
		return rop_push_u32(p, n->id);
	}
	case K_LIST_OPT:
		return nspi_push_ab_list(p, t);
	case K_TAGGED_OPT:
		return nspi_push_ab_tagged(p, t);
	case K_STR8S_OPT:
		return nspi_push_strings(p, false, t);
	case K_WSTRS_OPT:
		return nspi_push_strings(p, true, t);
	case K_ROWS_OPT:
		return nspi_push_rowset(p, t);
	case K_LISTS_OPT:
		return nspi_push_value_lists(p, t);
	case K_BINS_OPT:
		return nspi_push_binaries(p, t);
	default:
		return ROP_E_INVALID;
	}
}

static enum rop_err pull_field(struct rop_pull *p, enum nspi_kind kind, void *at)
{
	uint8_t has;

	switch (kind) {
	case K_STATUS:
	case K_U32:
		return rop_pull_u32(p, at);
	case K_U8:
		return rop_pull_u8(p, at);
	case K_GUID:
		return rop_pull_guid(p, at);
	case K_WSTR:
		return rop_pull_utf16z(p, at);
	case K_MIDS:
		return nspi_pull_mids(p, at);
	case K_AUX:
		return mh_blob_pull(p, at);
	default:
		break;
	}
	/* Everything else starts with a Has byte. */
	ROP_CHECK(rop_pull_u8(p, &has));
	if (kind == K_U32_OPT) {
		struct nspi_opt_u32 *o = at;
		o->present = has != 0;
		return o->present ? rop_pull_u32(p, &o->value) : ROP_OK;
	}
	if (has == 0) {
		*(void **)at = NULL;
		return ROP_OK;
	}
	if (kind == K_STR8_OPT)
		return rop_pull_asciiz(p, at);
	void *t = opt_new(p, kind);
	if (t == NULL)
		return ROP_E_NOMEM;
	*(void **)at = t;
	return pull_opt_target(p, kind, t);
}

static enum rop_err push_field(struct rop_push *p, enum nspi_kind kind, const void *at)
{
	switch (kind) {
	case K_STATUS:
	case K_U32:
		return rop_push_u32(p, *(const uint32_t *)at);
	case K_U8:
		return rop_push_u8(p, *(const uint8_t *)at);
	case K_GUID:
		return rop_push_guid(p, at);
	case K_WSTR: {
		const char *s = *(char *const *)at;
		return rop_push_utf16z(p, s != NULL ? s : "");
	}
	case K_MIDS:
		return nspi_push_mids(p, at);
	case K_AUX:
		return mh_blob_push(p, at);
	case K_U32_OPT: {
		const struct nspi_opt_u32 *o = at;
		ROP_CHECK(rop_push_u8(p, o->present ? 0xFF : 0x00));
		return o->present ? rop_push_u32(p, o->value) : ROP_OK;
	}
	default:
		break;
	}
	const void *t = *(const void *const *)at;
	if (t == NULL)
		return rop_push_u8(p, 0x00);
	ROP_CHECK(rop_push_u8(p, 0xFF));
	if (kind == K_STR8_OPT)
		return rop_push_asciiz(p, t);
	return push_opt_target(p, kind, t);
}

static enum rop_err body_pull(TALLOC_CTX *mem_ctx, const struct nspi_body *b, const uint8_t *data,
                              size_t len, void *obj)
{
	TALLOC_CTX *owner = talloc_new(mem_ctx);
	enum rop_err err = ROP_OK;
	struct rop_pull p;
	bool failed = false;

	if (owner == NULL)
		return ROP_E_NOMEM;
	memset(obj, 0, b->size);
	rop_pull_init(&p, owner, data, len);
	for (unsigned i = 0; i < b->nfields && err == ROP_OK; i++) {
		enum nspi_kind kind = b->fields[i].kind;
		if (failed && kind != K_AUX)
			continue;
		void *at = (uint8_t *)obj + b->fields[i].at;
		err = pull_field(&p, kind, at);
		if (kind == K_STATUS && *(const uint32_t *)at != 0)
			failed = true; /* the failure body: StatusCode, aux */
	}
	if (err == ROP_OK && rop_pull_left(&p) != 0)
		err = ROP_E_TRAILING;
	if (err != ROP_OK)
		talloc_free(owner);
	return err;
}

static enum rop_err body_push(struct rop_push *p, const struct nspi_body *b, const void *obj)
{
	size_t mark = rop_push_mark(p);
	enum rop_err err = ROP_OK;
	bool failed = false;

	for (unsigned i = 0; i < b->nfields && err == ROP_OK; i++) {
		enum nspi_kind kind = b->fields[i].kind;
		const void *at = (const uint8_t *)obj + b->fields[i].at;
		if (failed && kind != K_AUX)
			continue;
		err = push_field(p, kind, at);
		if (kind == K_STATUS && *(const uint32_t *)at != 0)
			failed = true;
	}
	if (err != ROP_OK)
		rop_push_rewind(p, mark);
	return err;
}

enum rop_err nspi_req_pull(TALLOC_CTX *mem_ctx, enum nspi_request_type type, const uint8_t *data,
                           size_t len, void *req_r)
{
	if ((unsigned)type >= NSPI_REQUEST_TYPE_COUNT)
		return ROP_E_INVALID;
	return body_pull(mem_ctx, &defs[type].req, data, len, req_r);
}

enum rop_err nspi_req_push(struct rop_push *p, enum nspi_request_type type, const void *req)
{
	if ((unsigned)type >= NSPI_REQUEST_TYPE_COUNT)
		return ROP_E_INVALID;
	return body_push(p, &defs[type].req, req);
}

enum rop_err nspi_resp_pull(TALLOC_CTX *mem_ctx, enum nspi_request_type type, const uint8_t *data,
                            size_t len, void *resp_r)
{
	if ((unsigned)type >= NSPI_REQUEST_TYPE_COUNT)
		return ROP_E_INVALID;
	return body_pull(mem_ctx, &defs[type].resp, data, len, resp_r);
}

enum rop_err nspi_resp_push(struct rop_push *p, enum nspi_request_type type, const void *resp)
{
	if ((unsigned)type >= NSPI_REQUEST_TYPE_COUNT)
		return ROP_E_INVALID;
	return body_push(p, &defs[type].resp, resp);
}

/* ---- printing (rop_print.h), from the same field lists ---- */

static void print_strings(struct rop_printer *pr, const char *name, const struct nspi_strings *a)
{
	rop_printf(pr, "%s: %u strings", name, a->count);
	pr->depth++;
	for (uint32_t i = 0; i < a->count; i++)
		rop_print_string(pr, "string", a->strs[i]);
	pr->depth--;
}

static void print_list(struct rop_printer *pr, const char *name, const struct mapi_propval_array *l)
{
	rop_printf(pr, "%s: %u values", name, l->count);
	pr->depth++;
	for (uint32_t i = 0; i < l->count; i++)
		rop_print_propval(pr, "value", &l->vals[i]);
	pr->depth--;
}

static void print_tags(struct rop_printer *pr, const char *name, const struct mapi_proptag_array *a)
{
	rop_printf(pr, "%s: %u tags", name, a->count);
	pr->depth++;
	for (uint32_t i = 0; i < a->count; i++)
		rop_print_proptag(pr, "tag", a->tags[i]);
	pr->depth--;
}

static void print_mids(struct rop_printer *pr, const char *name, const struct nspi_mids *m)
{
	rop_printf(pr, "%s: %u MIds", name, m->count);
	for (uint32_t i = 0; i < m->count; i++)
		rop_printf(pr, "  [%u] 0x%08X", i, m->ids[i]);
}

static void print_stat(struct rop_printer *pr, const char *name, const struct nspi_stat *s)
{
	/* [MS-OXNSPI] 2.2.8 */
	rop_printf(pr,
	           "%s: SortType %u ContainerID 0x%08X CurrentRec 0x%08X Delta %d NumPos %u "
	           "TotalRecs %u CodePage %u TemplateLocale 0x%04X SortLocale 0x%04X",
	           name, s->sort_type, s->container_id, s->current_rec, s->delta, s->num_pos,
	           s->total_recs, s->code_page, s->template_locale, s->sort_locale);
}

static void print_rowset(struct rop_printer *pr, const char *name, const struct nspi_rowset *r)
{
	print_tags(pr, name, &r->columns);
	rop_printf(pr, "RowCount: %u", r->count);
	pr->depth++;
	for (uint32_t i = 0; i < r->count; i++) {
		rop_printf(pr, "row %u (flags 0x%02X)", i, r->rows[i].flags);
		pr->depth++;
		for (uint32_t k = 0; k < r->rows[i].vals.count; k++)
			rop_print_propval(pr, "value", &r->rows[i].vals.vals[k]);
		pr->depth--;
	}
	pr->depth--;
}

/* Optional fields are NULL pointers when their Has byte is 0. */
static void print_opt(struct rop_printer *pr, uint8_t kind, const char *name, const void *at)
{
	const void *v = *(const void *const *)at;

	if (v == NULL) {
		rop_printf(pr, "%s: (absent)", name);
		return;
	}
	switch (kind) {
	case K_STAT_OPT:
		print_stat(pr, name, v);
		break;
	case K_MIDS_OPT:
		print_mids(pr, name, v);
		break;
	case K_TAGS_OPT:
		print_tags(pr, name, v);
		break;
	case K_RES_OPT:
		rop_print_restriction(pr, name, v);
		break;
	case K_NAME_OPT: {
		const struct nspi_prop_name *n = v;
		rop_print_guid(pr, name, &n->guid);
		rop_printf(pr, "  PropertyNameId: 0x%08X", n->id);
		break;
	}
	case K_LIST_OPT:
		print_list(pr, name, v);
		break;
	case K_TAGGED_OPT:
		rop_print_propval(pr, name, v);
		break;
	case K_STR8S_OPT:
	case K_WSTRS_OPT:
		print_strings(pr, name, v);
		break;
	case K_STR8_OPT:
		rop_print_string(pr, name, v);
		break;
	case K_ROWS_OPT:
		print_rowset(pr, name, v);
		break;
	case K_LISTS_OPT: {
		const struct nspi_value_lists *l = v;
		rop_printf(pr, "%s: %u lists", name, l->count);
		pr->depth++;
		for (uint32_t i = 0; i < l->count; i++)
			print_list(pr, "list", &l->lists[i]);
		pr->depth--;
		break;
	}
	default: { /* K_BINS_OPT */
		const struct nspi_binaries *b = v;
		rop_printf(pr, "%s: %u arrays", name, b->count);
		pr->depth++;
		for (uint32_t i = 0; i < b->count; i++)
			rop_print_hex(pr, "bytes", b->bins[i].data, b->bins[i].len);
		pr->depth--;
		break;
	}
	}
}

static void print_field(struct rop_printer *pr, const struct nspi_field *f, const void *at)
{
	switch (f->kind) {
	case K_STATUS:
	case K_U32: {
		uint32_t v;
		memcpy(&v, at, sizeof(v));
		rop_printf(pr, "%s: %u (0x%08X)", f->name, v, v);
		break;
	}
	case K_U8:
		rop_printf(pr, "%s: %u", f->name, *(const uint8_t *)at);
		break;
	case K_GUID:
		rop_print_guid(pr, f->name, at);
		break;
	case K_WSTR:
		rop_print_string(pr, f->name, *(const char *const *)at);
		break;
	case K_MIDS:
		print_mids(pr, f->name, at);
		break;
	case K_U32_OPT: {
		const struct nspi_opt_u32 *o = at;
		if (o->present)
			rop_printf(pr, "%s: %u (0x%08X)", f->name, o->value, o->value);
		else
			rop_printf(pr, "%s: (absent)", f->name);
		break;
	}
	case K_AUX: {
		const struct mh_blob *b = at;
		rop_printf(pr, "AuxiliaryBufferSize: %u", b->len);
		pr->depth++;
		rop_print_aux_buffer(pr, b->data, b->len);
		pr->depth--;
		break;
	}
	default:
		print_opt(pr, f->kind, f->name, at);
		break;
	}
}

enum rop_err rop_print_nspi_body(struct rop_printer *pr, enum nspi_request_type type,
                                 enum rop_print_dir dir, const uint8_t *data, size_t len)
{
	const struct nspi_body *b;
	enum rop_err err;
	void *obj;

	if ((unsigned)type >= NSPI_REQUEST_TYPE_COUNT)
		return ROP_E_INVALID;
	b = dir == ROP_PRINT_REQUEST ? &defs[type].req : &defs[type].resp;
	obj = talloc_zero_size(pr->mem_ctx, b->size);
	if (obj == NULL)
		return ROP_E_NOMEM;
	err = body_pull(pr->mem_ctx, b, data, len, obj);
	if (err != ROP_OK) {
		rop_printf(pr, "! %s %s: %s", defs[type].name,
		           dir == ROP_PRINT_REQUEST ? "request" : "response", rop_strerror(err));
		rop_print_hex(pr, "undecoded", data, len);
		return err;
	}
	rop_printf(pr, "%s %s", defs[type].name, dir == ROP_PRINT_REQUEST ? "request" : "response");
	for (unsigned i = 0; i < b->nfields; i++) {
		const struct nspi_field *f = &b->fields[i];
		const uint8_t *at = (const uint8_t *)obj + f->at;
		uint32_t status;
		print_field(pr, f, at);
		/* a failure response carries the auxiliary buffer only */
		if (f->kind == K_STATUS && (memcpy(&status, at, 4), status != 0)) {
			print_field(pr, &b->fields[b->nfields - 1],
			            (const uint8_t *)obj + b->fields[b->nfields - 1].at);
			break;
		}
	}
	return ROP_OK;
}
