/*
 * ab_session: the engine object, Bind/Unbind, and the per-object requests
 * (GetProps, GetPropList, QueryColumns, DNToMId, GetSpecialTable,
 * GetTemplateInfo, ModProps, ModLinkAtt, GetMailboxUrl, GetAddressBookUrl).
 */
#include <string.h>
#include <strings.h>

#include <openssl/rand.h>

#include "ab_private.h"
#include "log.h"
#include "mapi_guid.h"

int addrbook_init(TALLOC_CTX *mem_ctx, struct directory *dir,
                  const struct addrbook_settings *settings, struct addrbook **ab_r,
                  const char **error_r)
{
	struct addrbook *ab = talloc_zero(mem_ctx, struct addrbook);
	if (ab == NULL) {
		*error_r = "out of memory";
		return -1;
	}
	ab->dir = dir;
	ab->base_url = talloc_strdup(ab, settings->base_url != NULL ? settings->base_url : "");
	if (ab->base_url == NULL) {
		talloc_free(ab);
		*error_r = "out of memory";
		return -1;
	}
	/* The URL is joined with "/mapi/...": no trailing slash. */
	for (size_t n = strlen(ab->base_url); n > 0 && ab->base_url[n - 1] == '/'; n--)
		ab->base_url[n - 1] = '\0';
	ab->refresh_seconds = settings->refresh_seconds != 0 ? settings->refresh_seconds : 60;
	/* [MS-OXNSPI] 3.1.4.1.1: a server GUID of this server instance. */
	if (RAND_bytes(ab->server_guid.b, sizeof(ab->server_guid.b)) != 1) {
		talloc_free(ab);
		*error_r = "no random bytes for the server GUID";
		return -1;
	}
	pthread_mutex_init(&ab->lock, NULL);
	pthread_mutex_init(&ab->build_lock, NULL);
	*ab_r = ab;
	return 0;
}

void addrbook_deinit(struct addrbook **abp)
{
	struct addrbook *ab = *abp;
	if (ab == NULL)
		return;
	*abp = NULL;
	if (ab->current != NULL && --ab->current->refcount == 0)
		ab_index_free(ab->current);
	pthread_mutex_destroy(&ab->lock);
	pthread_mutex_destroy(&ab->build_lock);
	talloc_free(ab);
}

void addrbook_invalidate(struct addrbook *ab)
{
	pthread_mutex_lock(&ab->lock);
	ab->stale = true;
	pthread_mutex_unlock(&ab->lock);
}

enum ab_error addrbook_refresh(struct addrbook *ab, const char **error_r)
{
	enum ab_error ret = AB_E_OK;
	addrbook_invalidate(ab);
	struct ab_index *idx = ab_index_acquire(ab, &ret, error_r);
	ab_index_release(idx);
	return idx != NULL ? AB_E_OK : ret;
}

void addrbook_server_guid(const struct addrbook *ab, struct mapi_guid *guid_r)
{
	*guid_r = ab->server_guid;
}

static int session_destroy(struct ab_session *session)
{
	ab_conv_close(&session->conv);
	return 0;
}

enum ab_error ab_bind(TALLOC_CTX *mem_ctx, struct addrbook *ab, uint32_t flags,
                      const struct ab_stat *stat, const char *user_address,
                      struct ab_session **session_r)
{
	enum ab_error ret;
	const char *error;
	struct ab_session *session = talloc_zero(mem_ctx, struct ab_session);
	if (session == NULL)
		return AB_E_NO_MEMORY;
	session->ab = ab;
	session->conv.to_cp = session->conv.from_cp = (iconv_t)-1;
	talloc_set_destructor(session, session_destroy);
	/* [MS-OXNSPI] 3.1.4.1.1: a code page the server cannot use is
	 * InvalidCodepage (CP_WINUNICODE included: 8-bit strings only). */
	if (ab_conv_open(&session->conv, stat->codepage) < 0) {
		talloc_free(session);
		return AB_E_INVALID_CODEPAGE;
	}
	session->codepage = stat->codepage;
	session->template_locale = stat->template_locale;
	session->sort_locale = stat->sort_locale;
	session->user_address = talloc_strdup(session, user_address != NULL ? user_address : "");
	struct ab_index *idx = ab_index_acquire(ab, &ret, &error);
	if (idx == NULL || session->user_address == NULL) {
		talloc_free(session);
		ab_index_release(idx);
		return idx == NULL ? ret : AB_E_NO_MEMORY;
	}
	for (uint32_t i = 0; i < idx->entry_count; i++) {
		if (strcasecmp(idx->entries[i].address, session->user_address) == 0)
			session->user_mid = idx->entries[i].mid;
	}
	ab_index_release(idx);
	log_debug("addrbook", "bind user=%s codepage=%u flags=0x%x", session->user_address,
	          session->codepage, flags);
	*session_r = session;
	return AB_E_OK;
}

enum ab_error ab_unbind(struct ab_session **session)
{
	talloc_free(*session);
	*session = NULL;
	return AB_E_UNBIND_SUCCESS;
}

uint32_t ab_session_user_mid(const struct ab_session *session)
{
	return session->user_mid;
}

static bool object_exists(const struct ab_index *idx, uint32_t mid)
{
	uint32_t i;
	return ab_index_find_mid(idx, mid, &i) ||
	       (mid >= AB_MID_CONTAINER_BASE && ab_index_find_container(idx, mid, &i));
}

enum ab_error ab_get_props(struct ab_session *session, TALLOC_CTX *mem_ctx, uint32_t flags,
                           const struct ab_stat *stat, const struct mapi_proptag_array *columns,
                           struct mapi_propval_array *row_r)
{
	enum ab_error ret;
	const char *error;
	struct mapi_proptag_array all;
	memset(row_r, 0, sizeof(*row_r));
	struct ab_index *idx = ab_index_acquire(session->ab, &ret, &error);
	if (idx == NULL)
		return ret;
	/* [MS-OXNSPI] 3.1.4.1.7: the object is CurrentRec, or for a
	 * positioning MId the row at that position of the STAT's table. */
	uint32_t mid = stat->cur_rec;
	if (mid < AB_MID_USER_BASE) {
		const struct ab_view *view;
		uint32_t pos = UINT32_MAX;
		ret = ab_table_open(session, idx, stat, &view);
		if (ret != AB_E_OK)
			goto out;
		if (stat->cur_rec == AB_MID_END_OF_TABLE)
			pos = view->count - 1; /* the last row */
		else if (ab_table_position(idx, view, stat, &pos) != AB_E_OK)
			pos = UINT32_MAX;
		mid = pos < view->count ? idx->entries[view->order[pos]].mid : 0;
	}
	bool unicode = stat->codepage == AB_CP_WINUNICODE;
	if (columns == NULL) {
		/* All the object's properties (a user's list when it is
		 * unknown, each then NotFound). */
		ab_prop_list(mem_ctx, idx, object_exists(idx, mid) ? mid : AB_GAL_CONTAINER_ID,
		             unicode, false, &all);
		columns = &all;
	}
	session->ephemeral_ids = (flags & AB_FLAG_EPHEMERAL_ID) != 0;
	/* Rule 11: an object that does not exist answers a row of
	 * PtypErrorCode values and ErrorsReturned. */
	uint32_t missing = ab_row_build(mem_ctx, session, idx, mid, columns, row_r);
	session->ephemeral_ids = false;
	if (row_r->vals == NULL)
		ret = AB_E_NO_MEMORY;
	else
		ret = missing > 0 ? AB_E_ERRORS_RETURNED : AB_E_OK;
out:
	ab_index_release(idx);
	return ret;
}

enum ab_error ab_get_prop_list(struct ab_session *session, TALLOC_CTX *mem_ctx, uint32_t flags,
                               uint32_t mid, uint32_t codepage, struct mapi_proptag_array *tags_r)
{
	enum ab_error ret;
	const char *error;
	memset(tags_r, 0, sizeof(*tags_r));
	struct ab_index *idx = ab_index_acquire(session->ab, &ret, &error);
	if (idx == NULL)
		return ret;
	/* [MS-OXNSPI] 3.1.4.1.6: string tags in PtypString8 unless the code
	 * page is CP_WINUNICODE; an MId naming nothing is InvalidObject. */
	if (!object_exists(idx, mid)) {
		ret = AB_E_INVALID_OBJECT;
	} else {
		ab_prop_list(mem_ctx, idx, mid, codepage == AB_CP_WINUNICODE,
		             (flags & AB_FLAG_SKIP_OBJECTS) != 0, tags_r);
		ret = tags_r->tags != NULL ? AB_E_OK : AB_E_NO_MEMORY;
	}
	ab_index_release(idx);
	return ret;
}

enum ab_error ab_query_columns(struct ab_session *session, TALLOC_CTX *mem_ctx, uint32_t flags,
                               struct mapi_proptag_array *tags_r)
{
	enum ab_error ret;
	const char *error;
	memset(tags_r, 0, sizeof(*tags_r));
	struct ab_index *idx = ab_index_acquire(session->ab, &ret, &error);
	if (idx == NULL)
		return ret;
	/* [MS-OXNSPI] 3.1.4.1.5: every column a user row can have; strings in
	 * PtypString only with NspiUnicodeProptypes. */
	bool unicode = (flags & AB_COLUMNS_UNICODE_PROPTYPES) != 0;
	if (idx->entry_count > 0)
		ab_prop_list(mem_ctx, idx, idx->entries[0].mid, unicode, false, tags_r);
	else
		ab_prop_list(mem_ctx, idx, AB_GAL_CONTAINER_ID, unicode, false, tags_r);
	ab_index_release(idx);
	return tags_r->tags != NULL ? AB_E_OK : AB_E_NO_MEMORY;
}

enum ab_error ab_dn_to_mid(struct ab_session *session, TALLOC_CTX *mem_ctx, const char *const *dns,
                           uint32_t count, struct ab_mids *mids_r)
{
	enum ab_error ret;
	const char *error;
	memset(mids_r, 0, sizeof(*mids_r));
	struct ab_index *idx = ab_index_acquire(session->ab, &ret, &error);
	if (idx == NULL)
		return ret;
	mids_r->mids = talloc_zero_array(mem_ctx, uint32_t, count + 1);
	if (mids_r->mids == NULL) {
		ab_index_release(idx);
		return AB_E_NO_MEMORY;
	}
	/* [MS-OXNSPI] 3.1.4.1.13: 0 for a DN the server does not know. */
	for (uint32_t i = 0; i < count; i++) {
		uint32_t entry;
		const char *dn = dns[i] != NULL ? dns[i] : "";
		if (ab_index_find_dn(idx, dn, &entry)) {
			mids_r->mids[i] = idx->entries[entry].mid;
		} else {
			for (uint32_t c = 0; c < idx->container_count; c++) {
				if (strcasecmp(idx->containers[c].dn, dn) == 0)
					mids_r->mids[i] = idx->containers[c].mid;
			}
		}
	}
	mids_r->count = count;
	ab_index_release(idx);
	return AB_E_OK;
}

/* Changes whenever the set of containers does. */
static uint32_t hierarchy_version(const struct ab_index *idx)
{
	uint32_t h = 2166136261u;
	for (uint32_t c = 0; c < idx->container_count; c++) {
		for (const char *p = idx->containers[c].domain; *p != '\0'; p++)
			h = (h ^ (uint8_t)*p) * 16777619u;
		h = (h ^ '/') * 16777619u;
	}
	return h < 2 ? h + 2 : h;
}

enum ab_error ab_get_special_table(struct ab_session *session, TALLOC_CTX *mem_ctx, uint32_t flags,
                                   const struct ab_stat *stat, uint32_t *version_r,
                                   struct ab_rowset *rows_r)
{
	enum ab_error ret;
	const char *error;
	memset(rows_r, 0, sizeof(*rows_r));
	if (stat->codepage == AB_CP_WINUNICODE && (flags & AB_SPECIAL_UNICODE_STRINGS) == 0)
		return AB_E_INVALID_CODEPAGE;
	/* [MS-OXNSPI] 3.1.4.1.3: the address-creation table lists templates
	 * for new entries; the server has none. */
	if ((flags & AB_SPECIAL_ADDRESS_CREATION_TEMPLATES) != 0) {
		rows_r->rows = talloc_zero_array(mem_ctx, struct mapi_propval_array, 1);
		return rows_r->rows != NULL ? AB_E_OK : AB_E_NO_MEMORY;
	}
	struct ab_index *idx = ab_index_acquire(session->ab, &ret, &error);
	if (idx == NULL)
		return ret;
	uint32_t version = hierarchy_version(idx);
	/* The client already holds this version of the hierarchy. */
	if (version_r != NULL && *version_r == version) {
		rows_r->rows = talloc_zero_array(mem_ctx, struct mapi_propval_array, 1);
		ab_index_release(idx);
		return rows_r->rows != NULL ? AB_E_OK : AB_E_NO_MEMORY;
	}
	uint16_t st = (flags & AB_SPECIAL_UNICODE_STRINGS) != 0 ? PT_UNICODE : PT_STRING8;
	uint32_t tags[] = {
	    PR_ENTRYID,
	    PR_CONTAINER_FLAGS,
	    PR_DEPTH,
	    PR_EMS_AB_CONTAINERID,
	    CHANGE_PROP_TYPE(PR_DISPLAY_NAME, st),
	    PR_EMS_AB_IS_MASTER,
	};
	struct mapi_proptag_array columns = {.count = sizeof(tags) / sizeof(tags[0]), .tags = tags};
	rows_r->rows =
	    talloc_zero_array(mem_ctx, struct mapi_propval_array, idx->container_count + 2);
	if (rows_r->rows == NULL) {
		ab_index_release(idx);
		return AB_E_NO_MEMORY;
	}
	/* The GAL first, then one container per domain. */
	ab_row_build(rows_r->rows, session, idx, AB_GAL_CONTAINER_ID, &columns,
	             &rows_r->rows[rows_r->count++]);
	for (uint32_t c = 0; c < idx->container_count; c++)
		ab_row_build(rows_r->rows, session, idx, idx->containers[c].mid, &columns,
		             &rows_r->rows[rows_r->count++]);
	if (version_r != NULL)
		*version_r = version;
	ab_index_release(idx);
	return AB_E_OK;
}

enum ab_error ab_mod_props(struct ab_session *session, const struct ab_stat *stat,
                           const struct mapi_proptag_array *to_remove,
                           const struct mapi_propval_array *values)
{
	enum ab_error ret;
	const char *error;
	(void)to_remove;
	(void)values;
	struct ab_index *idx = ab_index_acquire(session->ab, &ret, &error);
	if (idx == NULL)
		return ret;
	/* [MS-OXNSPI] 3.1.4.1.14: without write permission, AccessDenied. */
	ret = object_exists(idx, stat->cur_rec) ? AB_E_ACCESS_DENIED : AB_E_NOT_FOUND;
	ab_index_release(idx);
	return ret;
}

enum ab_error ab_mod_link_att(struct ab_session *session, uint32_t flags, uint32_t proptag,
                              uint32_t mid, const struct ab_mids *targets)
{
	enum ab_error ret;
	const char *error;
	(void)flags;
	(void)proptag;
	(void)targets;
	struct ab_index *idx = ab_index_acquire(session->ab, &ret, &error);
	if (idx == NULL)
		return ret;
	/* [MS-OXNSPI] 3.1.4.1.15: unknown object NotFound, else AccessDenied. */
	ret = object_exists(idx, mid) ? AB_E_ACCESS_DENIED : AB_E_NOT_FOUND;
	ab_index_release(idx);
	return ret;
}

/* "<guid>@<domain>" of a user, as MailboxId in the endpoint URLs. */
static char *mailbox_id(TALLOC_CTX *mem_ctx, const struct ab_entry *e)
{
	char guid[MAPI_GUID_TEXT_SIZE];
	mapi_guid_format(&e->mailbox_guid, guid);
	return talloc_asprintf(mem_ctx, "%s@%s", guid, e->domain);
}

enum ab_error ab_get_mailbox_url(struct ab_session *session, TALLOC_CTX *mem_ctx,
                                 const char *server_dn, char **url_r)
{
	enum ab_error ret;
	const char *error;
	struct mapi_guid guid;
	static const char marker[] = "/cn=Servers/cn=";
	*url_r = NULL;
	const char *p = server_dn != NULL ? strcasestr(server_dn, marker) : NULL;
	/* The server DN names the mailbox: ".../cn=Servers/cn=<guid>@<domain>"
	 * (OUTLOOK-LADDER stage 1), possibly with "/cn=Microsoft Private MDB". */
	if (p == NULL ||
	    mapi_guid_parse(p + sizeof(marker) - 1, MAPI_GUID_TEXT_SIZE - 1, &guid) < 0)
		return AB_E_NOT_FOUND;
	struct ab_index *idx = ab_index_acquire(session->ab, &ret, &error);
	if (idx == NULL)
		return ret;
	ret = AB_E_NOT_FOUND;
	for (uint32_t i = 0; i < idx->entry_count; i++) {
		const struct ab_entry *e = &idx->entries[i];
		if (memcmp(e->mailbox_guid.b, guid.b, 16) != 0)
			continue;
		char *id = mailbox_id(mem_ctx, e);
		*url_r = id == NULL ? NULL
		                    : talloc_asprintf(mem_ctx, "%s/mapi/emsmdb/?MailboxId=%s",
		                                      session->ab->base_url, id);
		ret = *url_r != NULL ? AB_E_OK : AB_E_NO_MEMORY;
		break;
	}
	ab_index_release(idx);
	return ret;
}

enum ab_error ab_get_address_book_url(struct ab_session *session, TALLOC_CTX *mem_ctx,
                                      const char *user_dn, char **url_r)
{
	enum ab_error ret;
	const char *error;
	uint32_t entry;
	*url_r = NULL;
	struct ab_index *idx = ab_index_acquire(session->ab, &ret, &error);
	if (idx == NULL)
		return ret;
	if (user_dn == NULL || !ab_index_find_dn(idx, user_dn, &entry)) {
		ret = AB_E_NOT_FOUND;
	} else {
		char *id = mailbox_id(mem_ctx, &idx->entries[entry]);
		*url_r = id == NULL ? NULL
		                    : talloc_asprintf(mem_ctx, "%s/mapi/nspi/?MailboxId=%s",
		                                      session->ab->base_url, id);
		ret = *url_r != NULL ? AB_E_OK : AB_E_NO_MEMORY;
	}
	ab_index_release(idx);
	return ret;
}
