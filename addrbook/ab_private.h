/*
 * addrbook internals: the index snapshot, sorted views, sessions and the
 * property tags the engine serves.  Never included outside addrbook/.
 */
#ifndef AB_PRIVATE_H
#define AB_PRIVATE_H

#include <iconv.h>
#include <pthread.h>
#include <stddef.h>
#include <time.h>

#include "addrbook.h"

/* Property tags, [MS-OXPROPS] (values per [MS-OXOABK] 2.2). */
#define PR_ENTRYID                   PROP_TAG(PT_BINARY, 0x0FFF)
#define PR_OBJECT_TYPE               PROP_TAG(PT_LONG, 0x0FFE)
#define PR_RECORD_KEY                PROP_TAG(PT_BINARY, 0x0FF9)
#define PR_MAPPING_SIGNATURE         PROP_TAG(PT_BINARY, 0x0FF8)
#define PR_INSTANCE_KEY              PROP_TAG(PT_BINARY, 0x0FF6)
#define PR_DISPLAY_NAME              PROP_TAG(PT_UNICODE, 0x3001)
#define PR_ADDRTYPE                  PROP_TAG(PT_UNICODE, 0x3002)
#define PR_EMAIL_ADDRESS             PROP_TAG(PT_UNICODE, 0x3003)
#define PR_DEPTH                     PROP_TAG(PT_LONG, 0x3005)
#define PR_SEARCH_KEY                PROP_TAG(PT_BINARY, 0x300B)
#define PR_CONTAINER_FLAGS           PROP_TAG(PT_LONG, 0x3600)
#define PR_ANR                       PROP_TAG(PT_UNICODE, 0x360C)
#define PR_DISPLAY_TYPE              PROP_TAG(PT_LONG, 0x3900)
#define PR_TEMPLATEID                PROP_TAG(PT_BINARY, 0x3902)
#define PR_DISPLAY_TYPE_EX           PROP_TAG(PT_LONG, 0x3905)
#define PR_SMTP_ADDRESS              PROP_TAG(PT_UNICODE, 0x39FE)
#define PR_ACCOUNT                   PROP_TAG(PT_UNICODE, 0x3A00)
#define PR_DEPARTMENT_NAME           PROP_TAG(PT_UNICODE, 0x3A18)
#define PR_OFFICE_LOCATION           PROP_TAG(PT_UNICODE, 0x3A19)
#define PR_PRIMARY_TELEPHONE_NUMBER  PROP_TAG(PT_UNICODE, 0x3A1A)
#define PR_TRANSMITABLE_DISPLAY_NAME PROP_TAG(PT_UNICODE, 0x3A20)
#define PR_SEND_RICH_INFO            PROP_TAG(PT_BOOLEAN, 0x3A40)
#define PR_EMS_AB_HOME_MDB           PROP_TAG(PT_UNICODE, 0x8006)
#define PR_EMS_AB_PROXY_ADDRESSES    PROP_TAG(PT_MV_UNICODE, 0x800F)
#define PR_EMS_AB_OBJECT_DN          PROP_TAG(PT_UNICODE, 0x803C)
#define PR_EMS_AB_NETWORK_ADDRESS    PROP_TAG(PT_MV_UNICODE, 0x8170)
#define PR_EMS_AB_OBJECT_GUID        PROP_TAG(PT_BINARY, 0x8C6D)
#define PR_EMS_AB_THUMBNAIL_PHOTO    PROP_TAG(PT_BINARY, 0x8C9E)
#define PR_EMS_AB_IS_MASTER          PROP_TAG(PT_BOOLEAN, 0xFFFB)
#define PR_EMS_AB_PARENT_ENTRYID     PROP_TAG(PT_BINARY, 0xFFFC)
#define PR_EMS_AB_CONTAINERID        PROP_TAG(PT_LONG, 0xFFFD)

/* NSPI error values used inside rows ([MS-OXCDATA] 2.4). */
#define AB_EC_NOT_FOUND 0x8004010Fu

/* [MS-OXOABK] 2.2.3.1 / [MS-OXCDATA] 2.11.1 object types */
#define AB_MAPI_ABCONT   4
#define AB_MAPI_MAILUSER 6
/* [MS-OXOABK] 2.2.3.12 PidTagDisplayTypeEx: DTE_FLAG_ACL_CAPABLE. */
#define AB_DTE_FLAG_ACL_CAPABLE 0x40000000u
/* [MS-OXNSPI] 2.2.1.3? container flags of [MS-OXOABK] 2.2.2.1 */
#define AB_RECIPIENTS    0x00000001u
#define AB_SUBCONTAINERS 0x00000002u
#define AB_UNMODIFIABLE  0x00000008u

enum ab_entry_kind {
	AB_KIND_USER = 0,
	AB_KIND_CONTAINER = 1,
};

/* One user of the directory, as the index holds it. */
struct ab_entry {
	uint32_t mid;
	uint32_t container; /* index into ab_index.containers */
	char *display_name; /* UTF-8; the address when the directory has none */
	char *address;
	char *local_part;
	char *domain;
	char **aliases;
	unsigned alias_count;
	char *dn;
	char *fold_display; /* case-folded display name */
	struct mapi_guid mailbox_guid;
};

/* A domain container ([MS-OXOABK] 2.2.2). */
struct ab_container {
	uint32_t mid;
	char *domain;
	char *dn; /* "/guid=<32 hex>" */
	struct mapi_guid guid;
	uint32_t user_count;
};

/* An ANR token: a folded word, name or address pointing at its entry. */
struct ab_token {
	const char *text;
	uint32_t entry;
};

/* A container's users in the order of one sort locale. */
struct ab_view {
	char locale[64]; /* ICU locale of the collation */
	uint32_t container_mid;
	uint32_t count;
	uint32_t *order;  /* entry indexes in display-name order */
	uint32_t *pos_of; /* entry index -> position, UINT32_MAX outside */
	void *collator;   /* UCollator *, secondary strength */
};

/* One immutable snapshot of the directory (views are added lazily). */
struct ab_index {
	struct addrbook *ab;
	unsigned refcount; /* under ab->lock */
	time_t built;
	char *org_dn; /* "/o=<org>/ou=Exchange Administrative Group (...)" */
	char *host;   /* from the base URL */

	uint32_t entry_count;
	struct ab_entry *entries;
	uint32_t *by_mid; /* entry indexes sorted by MId */
	uint32_t *by_dn;  /* entry indexes sorted by DN without case */

	uint32_t container_count;
	struct ab_container *containers;

	uint32_t token_count;
	struct ab_token *tokens; /* sorted by text */

	pthread_mutex_t view_lock;
	uint32_t view_count;
	struct ab_view **views;
};

struct addrbook {
	struct directory *dir;
	char *base_url;
	unsigned refresh_seconds;
	struct mapi_guid server_guid;
	pthread_mutex_t lock;       /* current, stale, refcounts */
	pthread_mutex_t build_lock; /* one builder at a time */
	struct ab_index *current;
	bool stale;
	/* Container MIds are handed out once per domain and never reused. */
	char **domain_mids;
	uint32_t domain_mid_count;
};

/* A small cache of iconv handles for one session. */
struct ab_conv {
	uint32_t codepage;
	iconv_t to_cp;   /* UTF-8 -> code page */
	iconv_t from_cp; /* code page -> UTF-8 */
};

struct ab_session {
	struct addrbook *ab;
	char *user_address;
	uint32_t user_mid;
	uint32_t codepage;
	uint32_t template_locale;
	uint32_t sort_locale;
	bool ephemeral_ids; /* fEphID of the current call */
	struct ab_conv conv;
};

/* ab_index.c */
struct ab_index *ab_index_acquire(struct addrbook *ab, enum ab_error *error_r,
                                  const char **error_str_r);
void ab_index_release(struct ab_index *idx);
void ab_index_free(struct ab_index *idx);
/* 1 found (*entry_r set), 0 not a user MId of this snapshot. */
int ab_index_find_mid(const struct ab_index *idx, uint32_t mid, uint32_t *entry_r);
int ab_index_find_dn(const struct ab_index *idx, const char *dn, uint32_t *entry_r);
/* The container with this MId (GAL: index UINT32_MAX).  1 / 0. */
int ab_index_find_container(const struct ab_index *idx, uint32_t mid, uint32_t *container_r);
/* The sorted view of a container for an LCID, built on first use.  NULL on
 * allocation or collation failure. */
const struct ab_view *ab_index_view(struct ab_index *idx, uint32_t container_mid, uint32_t lcid);
/* Compares a UTF-8 string with an entry's display name in view's collation. */
int ab_view_compare(const struct ab_view *view, const char *a, const char *b);

/* ab_text.c */
/* Case-folded copy (ICU full folding) of a UTF-8 string. */
char *ab_fold(TALLOC_CTX *mem_ctx, const char *s);
/* UTF-8 -> session code page (unconvertible characters become '?'). */
char *ab_to_codepage(TALLOC_CTX *mem_ctx, struct ab_conv *conv, uint32_t codepage,
                     const char *utf8);
/* Code page -> UTF-8; NULL when the bytes are invalid. */
char *ab_from_codepage(TALLOC_CTX *mem_ctx, struct ab_conv *conv, uint32_t codepage,
                       const char *bytes);
/* 0 when the code page can be converted, -1 otherwise. */
int ab_conv_open(struct ab_conv *conv, uint32_t codepage);
void ab_conv_close(struct ab_conv *conv);

/* ab_props.c */
/* The value of a property for an entry or container, in the type the tag
 * asks for (PT_STRING8 converted to the session code page; PT_UNSPECIFIED
 * gives the native type).  1 found, 0 the object has no such property. */
int ab_prop_get(TALLOC_CTX *mem_ctx, struct ab_session *session, const struct ab_index *idx,
                uint32_t mid, uint32_t tag, struct mapi_propval *val_r);
/* One row: values for columns, PT_ERROR ecNotFound where missing.  Returns
 * the number of missing columns. */
uint32_t ab_row_build(TALLOC_CTX *mem_ctx, struct ab_session *session, const struct ab_index *idx,
                      uint32_t mid, const struct mapi_proptag_array *columns,
                      struct mapi_propval_array *row_r);
/* Tags present on an object; strings as PT_UNICODE or PT_STRING8. */
void ab_prop_list(TALLOC_CTX *mem_ctx, const struct ab_index *idx, uint32_t mid, bool unicode,
                  bool skip_objects, struct mapi_proptag_array *tags_r);
/* Permanent entry ID ([MS-OXNSPI] 2.2.9.3). */
struct mapi_binary ab_permanent_entryid(TALLOC_CTX *mem_ctx, uint32_t display_type, const char *dn);
/* Ephemeral entry ID ([MS-OXNSPI] 2.2.9.2). */
struct mapi_binary ab_ephemeral_entryid(TALLOC_CTX *mem_ctx, const struct mapi_guid *server,
                                        uint32_t display_type, uint32_t mid);

/* ab_table.c */
/* Validates the STAT's code page, sort type and container and returns the
 * container's sorted view in the sort locale. */
enum ab_error ab_table_open(struct ab_session *session, struct ab_index *idx,
                            const struct ab_stat *stat, const struct ab_view **view_r);
/* The Current Position a STAT names before Delta ([MS-OXNSPI] 3.1.4.5).
 * AB_E_NOT_FOUND when CurrentRec is not in the view. */
enum ab_error ab_table_position(const struct ab_index *idx, const struct ab_view *view,
                                const struct ab_stat *stat, uint32_t *pos_r);
/* The default columns of [MS-OXNSPI] 3.1.4.1.8 when the client sends none. */
extern const struct mapi_proptag_array ab_default_columns;

/* ab_match.c */
/* ANR ([MS-OXNSPI] 3.1.4.7) of one UTF-8 string within a container (GAL:
 * UINT32_MAX).  Entries are appended to a talloc array *entries_r; exact
 * matches (whole display name, address, alias or account) are flagged by
 * *exact_r (count of exact ones first, moved to the front). */
void ab_anr(TALLOC_CTX *mem_ctx, const struct ab_index *idx, uint32_t container, const char *query,
            uint32_t **entries_r, uint32_t *count_r, uint32_t *exact_r);

#endif
