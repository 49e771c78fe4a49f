/*
 * addrbook: the address-book engine behind /mapi/nspi.  Every NSPI request
 * type of [MS-OXCMAPIHTTP] 2.2.5 with the semantics of [MS-OXNSPI], as a
 * pure library over the directory (directory/directory.h is its only source
 * of users).  No bytes, no HTTP: the endpoint decodes a request body with
 * the codec, calls one function here and encodes what it returns.
 *
 * Objects
 * - struct addrbook: one per daemon.  Holds the directory, the base URL and
 *   the in-memory index (users sorted by display name per sort locale, ANR
 *   tokens, DN and MId maps).  Thread-safe; the index is rebuilt when
 *   addrbook_invalidate() was called or when it is older than the refresh
 *   interval, and every call works on one consistent snapshot.
 * - struct ab_session: what Bind creates ([MS-OXNSPI] 3.1.4.1.1): the code
 *   page, the locales and the user.  One thread at a time.
 *
 * Minimal Entry IDs ([MS-OXNSPI] 2.2.9.1) are derived from the directory's
 * never-reused user IDs (AB_MID_USER_BASE + id) and from a per-daemon
 * container list, so they are stable for a session and beyond.
 *
 * Strings: PT_UNICODE values are UTF-8, PT_STRING8 values are bytes of the
 * session code page (mapi_types.h conventions); the engine converts to
 * whichever type the client asked for.
 *
 * Results: every operation returns enum ab_error; ab_error_nspi() gives the
 * NSPI error code ([MS-OXNSPI] 2.2.1.2) for the response's ErrorCode field.
 * Outputs are allocated on mem_ctx and are valid only when AB_E_OK or
 * AB_E_ERRORS_RETURNED is returned.
 */
#ifndef ADDRBOOK_H
#define ADDRBOOK_H

#include <stdbool.h>
#include <stdint.h>
#include <talloc.h>

#include "mapi_types.h"

struct directory;
struct addrbook;
struct ab_session;

enum ab_error {
	AB_E_OK = 0,
	AB_E_ERRORS_RETURNED, /* success, some property values are PT_ERROR */
	AB_E_UNBIND_SUCCESS,  /* Unbind's own success code */
	AB_E_NOT_FOUND,       /* unknown MId, DN, or CurrentRec not in the table */
	AB_E_INVALID_OBJECT,  /* GetPropList of an MId that names nothing */
	AB_E_INVALID_PARAMETER,
	AB_E_INVALID_CODEPAGE,
	AB_E_INVALID_LOCALE,   /* GetTemplateInfo: no template for that type */
	AB_E_INVALID_BOOKMARK, /* unknown container */
	AB_E_TOO_COMPLEX,      /* restriction or seek target not supported */
	AB_E_TABLE_TOO_BIG,
	AB_E_ACCESS_DENIED, /* ModProps / ModLinkAtt */
	AB_E_NOT_SUPPORTED,
	AB_E_GENERAL_FAILURE, /* e.g. CompareMIds on MIds outside the table */
	AB_E_DIRECTORY,       /* the directory failed */
	AB_E_NO_MEMORY,
};

/* Human-readable text of an error (static). */
const char *ab_strerror(enum ab_error error);
/* The NSPI ErrorCode value ([MS-OXNSPI] 2.2.1.2, values [MS-OXCDATA] 2.4). */
uint32_t ab_error_nspi(enum ab_error error);

/* [MS-OXNSPI] 2.2.8 STAT.  The client sets SortType, ContainerID,
 * CurrentRec, Delta (and NumPos/TotalRecs for fractional positioning), the
 * code page and locales; the server reports CurrentRec, NumPos, TotalRecs
 * and clears Delta. */
struct ab_stat {
	uint32_t sort_type;
	uint32_t container_id;
	uint32_t cur_rec;
	int32_t delta;
	uint32_t num_pos;
	uint32_t total_recs;
	uint32_t codepage;
	uint32_t template_locale;
	uint32_t sort_locale;
};

/* [MS-OXNSPI] 2.2.1.8 positioning MIds. */
#define AB_MID_BEGINNING_OF_TABLE 0x00000000u
#define AB_MID_CURRENT            0x00000001u
#define AB_MID_END_OF_TABLE       0x00000002u
/* [MS-OXNSPI] 2.2.1.9 ANR MIds. */
#define AB_MID_UNRESOLVED 0x00000000u
#define AB_MID_AMBIGUOUS  0x00000001u
#define AB_MID_RESOLVED   0x00000002u
/* MIds below 0x10 are signals, never objects ([MS-OXNSPI] 2.2.9.1). */
#define AB_MID_USER_BASE      0x00000010u
#define AB_MID_CONTAINER_BASE 0xF0000000u /* per-domain containers */
/* The Global Address List is container 0 ([MS-OXNSPI] 3.1.4.1.3). */
#define AB_GAL_CONTAINER_ID 0x00000000u

/* [MS-OXNSPI] 2.2.1.10 table sort orders. */
#define AB_SORT_DISPLAY_NAME          0x00000000u
#define AB_SORT_PHONETIC_DISPLAY_NAME 0x00000003u
#define AB_SORT_DISPLAY_NAME_RO       0x000003E8u
#define AB_SORT_DISPLAY_NAME_W        0x000003E9u

/* [MS-OXNSPI] 2.2.1.5 / 2.2.1.4 */
#define AB_CP_WINUNICODE 0x000004B0u
#define AB_CP_TELETEX    0x00004F25u
#define AB_LCID_DEFAULT  0x00000409u

/* [MS-OXNSPI] 2.2.1.12 retrieve-property flags. */
#define AB_FLAG_SKIP_OBJECTS 0x00000001u /* fSkipObjects */
#define AB_FLAG_EPHEMERAL_ID 0x00000002u /* fEphID */
/* [MS-OXNSPI] 2.2.1.13 GetSpecialTable flags. */
#define AB_SPECIAL_ADDRESS_CREATION_TEMPLATES 0x00000002u
#define AB_SPECIAL_UNICODE_STRINGS            0x00000004u
/* [MS-OXNSPI] 2.2.1.14 QueryColumns flag. */
#define AB_COLUMNS_UNICODE_PROPTYPES 0x80000000u
/* [MS-OXNSPI] 2.2.1.16 GetTemplateInfo flags. */
#define AB_TI_TEMPLATE          0x00000001u
#define AB_TI_SCRIPT            0x00000004u
#define AB_TI_EMT               0x00000010u
#define AB_TI_HELPFILE_NAME     0x00000020u
#define AB_TI_HELPFILE_CONTENTS 0x00000040u

/* [MS-OXNSPI] 2.2.1.3 display types. */
#define AB_DT_MAILUSER         0x00000000u
#define AB_DT_DISTLIST         0x00000001u
#define AB_DT_CONTAINER        0x00000100u
#define AB_DT_ADDRESS_TEMPLATE 0x00000102u

/* A list of rows, each a row of values in column order. */
struct ab_rowset {
	uint32_t count;
	struct mapi_propval_array *rows;
};

/* A list of MIds (the PropertyTagArray_r of MIds in NSPI). */
struct ab_mids {
	uint32_t count;
	uint32_t *mids;
};

struct addrbook_settings {
	/* "https://mail.example.com": GetMailboxUrl / GetAddressBookUrl append
	 * "/mapi/emsmdb/?MailboxId=..." and "/mapi/nspi/?MailboxId=...". */
	const char *base_url;
	/* Seconds after which the index is rebuilt from the directory even if
	 * addrbook_invalidate() was not called (0: 60 seconds). */
	unsigned refresh_seconds;
};

/* Creates the engine over dir (not owned; must outlive the addrbook).
 * 0, or -1 with *error_r. */
int addrbook_init(TALLOC_CTX *mem_ctx, struct directory *dir,
                  const struct addrbook_settings *settings, struct addrbook **ab_r,
                  const char **error_r);
/* Frees the engine; sets *ab to NULL.  No session may still be in use. */
void addrbook_deinit(struct addrbook **ab);
/* Tells the engine the directory changed: the next call rebuilds the index. */
void addrbook_invalidate(struct addrbook *ab);
/* Builds the index now (e.g. at start-up).  AB_E_OK or AB_E_DIRECTORY. */
enum ab_error addrbook_refresh(struct addrbook *ab, const char **error_r);
/* The server GUID Bind returns ([MS-OXNSPI] 3.1.4.1.1); it is also the
 * ProviderUID of ephemeral entry IDs. */
void addrbook_server_guid(const struct addrbook *ab, struct mapi_guid *guid_r);

/* Bind ([MS-OXNSPI] 3.1.4.1.1): user_address is the authenticated user.
 * The session is allocated on mem_ctx.  AB_E_INVALID_CODEPAGE when the STAT
 * names a code page the server cannot convert to. */
enum ab_error ab_bind(TALLOC_CTX *mem_ctx, struct addrbook *ab, uint32_t flags,
                      const struct ab_stat *stat, const char *user_address,
                      struct ab_session **session_r);
/* Unbind ([MS-OXNSPI] 3.1.4.1.2): frees the session, sets *session to NULL,
 * returns AB_E_UNBIND_SUCCESS. */
enum ab_error ab_unbind(struct ab_session **session);
/* The MId of the user the session was bound for. */
uint32_t ab_session_user_mid(const struct ab_session *session);

/* UpdateStat ([MS-OXNSPI] 3.1.4.1.4).  *delta_r (may be NULL) receives the
 * movement in rows. */
enum ab_error ab_update_stat(struct ab_session *session, struct ab_stat *stat, int32_t *delta_r);

/* QueryRows ([MS-OXNSPI] 3.1.4.1.8).  With explicit (count > 0) the rows of
 * those MIds; otherwise up to count rows of the STAT's table from its
 * position, advancing the STAT.  Never more than count rows.  columns NULL
 * means the default column set of the spec. */
enum ab_error ab_query_rows(struct ab_session *session, TALLOC_CTX *mem_ctx, uint32_t flags,
                            struct ab_stat *stat, const struct ab_mids *explicit_table,
                            uint32_t count, const struct mapi_proptag_array *columns,
                            struct ab_rowset *rows_r);

/* SeekEntries ([MS-OXNSPI] 3.1.4.1.9): positions the STAT on the first row
 * whose display name sorts at or after target (PidTagDisplayName in either
 * string type), or searches explicit_table.  With columns, returns the rows
 * from that position (at most max_rows). */
enum ab_error ab_seek_entries(struct ab_session *session, TALLOC_CTX *mem_ctx, struct ab_stat *stat,
                              const struct mapi_propval *target,
                              const struct ab_mids *explicit_table,
                              const struct mapi_proptag_array *columns, uint32_t max_rows,
                              struct ab_rowset *rows_r);

/* GetMatches ([MS-OXNSPI] 3.1.4.1.10): the MIds of the STAT's container that
 * satisfy filter (property, content, ANR, and/or/not/exist/bitmask), at most
 * max_rows of them, and their rows when columns is given. */
enum ab_error ab_get_matches(struct ab_session *session, TALLOC_CTX *mem_ctx, struct ab_stat *stat,
                             const struct mapi_restriction *filter, uint32_t max_rows,
                             const struct mapi_proptag_array *columns, struct ab_mids *mids_r,
                             struct ab_rowset *rows_r);

/* ResortRestriction ([MS-OXNSPI] 3.1.4.1.11): sorts mids like the table. */
enum ab_error ab_resort_restriction(struct ab_session *session, TALLOC_CTX *mem_ctx,
                                    struct ab_stat *stat, const struct ab_mids *mids,
                                    struct ab_mids *sorted_r);

/* CompareMIds ([MS-OXNSPI] 3.1.4.1.12): *result_r < 0, 0 or > 0 as mid1
 * comes before, is, or comes after mid2 in the STAT's table. */
enum ab_error ab_compare_mids(struct ab_session *session, const struct ab_stat *stat, uint32_t mid1,
                              uint32_t mid2, int32_t *result_r);

/* DNToMId ([MS-OXNSPI] 3.1.4.1.13): one MId per DN, 0 when unknown. */
enum ab_error ab_dn_to_mid(struct ab_session *session, TALLOC_CTX *mem_ctx, const char *const *dns,
                           uint32_t count, struct ab_mids *mids_r);

/* ResolveNames ([MS-OXNSPI] 3.1.4.1.16/17): ANR of each name (UTF-8) in the
 * STAT's container: the MId, AB_MID_UNRESOLVED or AB_MID_AMBIGUOUS per name,
 * and one row per resolved name. */
enum ab_error ab_resolve_names(struct ab_session *session, TALLOC_CTX *mem_ctx,
                               const struct ab_stat *stat, const char *const *names, uint32_t count,
                               const struct mapi_proptag_array *columns, struct ab_mids *mids_r,
                               struct ab_rowset *rows_r);

/* GetProps ([MS-OXNSPI] 3.1.4.1.7) of stat->cur_rec.  AB_E_ERRORS_RETURNED
 * when some column is PT_ERROR.  columns NULL: every property. */
enum ab_error ab_get_props(struct ab_session *session, TALLOC_CTX *mem_ctx, uint32_t flags,
                           const struct ab_stat *stat, const struct mapi_proptag_array *columns,
                           struct mapi_propval_array *row_r);

/* GetPropList ([MS-OXNSPI] 3.1.4.1.6): the tags an object has. */
enum ab_error ab_get_prop_list(struct ab_session *session, TALLOC_CTX *mem_ctx, uint32_t flags,
                               uint32_t mid, uint32_t codepage, struct mapi_proptag_array *tags_r);

/* QueryColumns ([MS-OXNSPI] 3.1.4.1.5): every tag the server can return. */
enum ab_error ab_query_columns(struct ab_session *session, TALLOC_CTX *mem_ctx, uint32_t flags,
                               struct mapi_proptag_array *tags_r);

/* GetSpecialTable ([MS-OXNSPI] 3.1.4.1.3): the hierarchy table (GAL, then
 * one container per domain), or with AB_SPECIAL_ADDRESS_CREATION_TEMPLATES
 * the (empty) address-creation table.  *version_r in/out: the table version. */
enum ab_error ab_get_special_table(struct ab_session *session, TALLOC_CTX *mem_ctx, uint32_t flags,
                                   const struct ab_stat *stat, uint32_t *version_r,
                                   struct ab_rowset *rows_r);

/* GetTemplateInfo ([MS-OXNSPI] 3.1.4.1.18, [MS-OXOABKT]): a row with
 * PidTagTemplateData for DT_MAILUSER (or the DN of a user);
 * AB_E_INVALID_LOCALE for display types without a template,
 * AB_E_NOT_SUPPORTED without TI_TEMPLATE or with TI_SCRIPT. */
enum ab_error ab_get_template_info(struct ab_session *session, TALLOC_CTX *mem_ctx, uint32_t flags,
                                   uint32_t display_type, const char *dn, uint32_t codepage,
                                   uint32_t locale, struct mapi_propval_array *row_r);

/* ModProps ([MS-OXNSPI] 3.1.4.1.14) and ModLinkAtt (3.1.4.1.15): the
 * directory is read-only through NSPI; AB_E_ACCESS_DENIED as Exchange
 * answers a client without write permission, AB_E_NOT_FOUND for an unknown
 * object. */
enum ab_error ab_mod_props(struct ab_session *session, const struct ab_stat *stat,
                           const struct mapi_proptag_array *to_remove,
                           const struct mapi_propval_array *values);
enum ab_error ab_mod_link_att(struct ab_session *session, uint32_t flags, uint32_t proptag,
                              uint32_t mid, const struct ab_mids *targets);

/* GetMailboxUrl ([MS-OXCMAPIHTTP] 2.2.5.19): the EMSMDB URL of the mailbox
 * whose server DN (".../cn=Servers/cn=<guid>@<domain>") is given. */
enum ab_error ab_get_mailbox_url(struct ab_session *session, TALLOC_CTX *mem_ctx,
                                 const char *server_dn, char **url_r);
/* GetAddressBookUrl ([MS-OXCMAPIHTTP] 2.2.5.20): the NSPI URL for user_dn. */
enum ab_error ab_get_address_book_url(struct ab_session *session, TALLOC_CTX *mem_ctx,
                                      const char *user_dn, char **url_r);

#endif
