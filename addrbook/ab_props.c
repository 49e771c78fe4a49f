/*
 * ab_props: the properties of address-book objects ([MS-OXOABK] 2.2) in the
 * type the client asks for, entry IDs ([MS-OXNSPI] 2.2.9) and rows.
 */
#include <string.h>

#include "ab_private.h"
#include "mapi_guid.h"

/* [MS-OXNSPI] 2.2.9.3: ProviderUID of permanent entry IDs (GUID_NSPI,
 * {C840A7DC-42C0-1A10-B4B9-08002B2FE182}) in wire order.  Also the
 * PidTagMappingSignature of objects from this provider ([MS-OXOABK] 2.2.3.6). */
static const uint8_t guid_nspi[16] = {0xDC, 0xA7, 0x40, 0xC8, 0xC0, 0x42, 0x10, 0x1A,
                                      0xB4, 0xB9, 0x08, 0x00, 0x2B, 0x2F, 0xE1, 0x82};

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

struct mapi_binary ab_permanent_entryid(TALLOC_CTX *mem_ctx, uint32_t display_type, const char *dn)
{
	/* [MS-OXNSPI] 2.2.9.3: IDType 0x00, R1-R3 0, ProviderUID GUID_NSPI,
	 * R4 0x00000001, DisplayType, DN (NUL-terminated 8-bit string). */
	size_t dnlen = strlen(dn);
	struct mapi_binary bin = {.len = (uint32_t)(28 + dnlen + 1)};
	bin.data = talloc_zero_array(mem_ctx, uint8_t, bin.len);
	if (bin.data == NULL) {
		bin.len = 0;
		return bin;
	}
	memcpy(bin.data + 4, guid_nspi, 16);
	put32(bin.data + 20, 1);
	put32(bin.data + 24, display_type);
	memcpy(bin.data + 28, dn, dnlen);
	return bin;
}

struct mapi_binary ab_ephemeral_entryid(TALLOC_CTX *mem_ctx, const struct mapi_guid *server,
                                        uint32_t display_type, uint32_t mid)
{
	/* [MS-OXNSPI] 2.2.9.2: IDType 0x87, R1-R3 0, ProviderUID = the server
	 * GUID of Bind, R4 0x00000001, DisplayType, MId. */
	struct mapi_binary bin = {.len = 32};
	bin.data = talloc_zero_array(mem_ctx, uint8_t, bin.len);
	if (bin.data == NULL) {
		bin.len = 0;
		return bin;
	}
	bin.data[0] = 0x87;
	memcpy(bin.data + 4, server->b, 16);
	put32(bin.data + 20, 1);
	put32(bin.data + 24, display_type);
	put32(bin.data + 28, mid);
	return bin;
}

/* The object an MId names: a user entry or a container (GAL: UINT32_MAX). */
struct ab_object {
	const struct ab_entry *user;
	const struct ab_container *container;
	bool gal;
	uint32_t mid;
};

static int object_of(const struct ab_index *idx, uint32_t mid, struct ab_object *obj_r)
{
	uint32_t i;
	memset(obj_r, 0, sizeof(*obj_r));
	obj_r->mid = mid;
	if (mid >= AB_MID_USER_BASE && ab_index_find_mid(idx, mid, &i)) {
		obj_r->user = &idx->entries[i];
		return 1;
	}
	if (mid >= AB_MID_CONTAINER_BASE && ab_index_find_container(idx, mid, &i)) {
		obj_r->container = &idx->containers[i];
		return 1;
	}
	return 0;
}

static bool set_str(struct mapi_propval *val, TALLOC_CTX *mem_ctx, const char *s)
{
	val->tag = CHANGE_PROP_TYPE(val->tag, PT_UNICODE);
	val->v.str = talloc_strdup(mem_ctx, s);
	return val->v.str != NULL;
}

static bool set_bin(struct mapi_propval *val, struct mapi_binary bin)
{
	val->tag = CHANGE_PROP_TYPE(val->tag, PT_BINARY);
	val->v.bin = bin;
	return bin.data != NULL;
}

static bool set_long(struct mapi_propval *val, uint32_t v)
{
	val->tag = CHANGE_PROP_TYPE(val->tag, PT_LONG);
	val->v.i32 = (int32_t)v;
	return true;
}

static bool set_bool(struct mapi_propval *val, bool v)
{
	val->tag = CHANGE_PROP_TYPE(val->tag, PT_BOOLEAN);
	val->v.b = v;
	return true;
}

static struct mapi_binary bin_copy(TALLOC_CTX *mem_ctx, const void *p, uint32_t len)
{
	struct mapi_binary bin = {.len = len, .data = talloc_memdup(mem_ctx, p, len)};
	return bin;
}

/* [MS-OXOABK] 2.2.3.5 PidTagSearchKey: "EX:" and the DN in upper case,
 * NUL-terminated. */
static struct mapi_binary search_key(TALLOC_CTX *mem_ctx, const char *dn)
{
	char *s = talloc_asprintf(mem_ctx, "EX:%s", dn);
	struct mapi_binary bin = {0};
	if (s == NULL)
		return bin;
	for (char *p = s; *p != '\0'; p++) {
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	}
	bin.len = (uint32_t)strlen(s) + 1;
	bin.data = (uint8_t *)s;
	return bin;
}

static struct mapi_binary entryid_of(TALLOC_CTX *mem_ctx, struct ab_session *session,
                                     uint32_t display_type, const char *dn, uint32_t mid)
{
	if (session->ephemeral_ids)
		return ab_ephemeral_entryid(mem_ctx, &session->ab->server_guid, display_type, mid);
	return ab_permanent_entryid(mem_ctx, display_type, dn);
}

static bool user_mv(TALLOC_CTX *mem_ctx, const struct ab_index *idx, const struct ab_entry *e,
                    uint16_t id, struct mapi_propval *val)
{
	char **list;
	uint32_t n = 0;
	val->tag = CHANGE_PROP_TYPE(val->tag, PT_MV_UNICODE);
	if (id == PROP_ID(PR_EMS_AB_PROXY_ADDRESSES)) {
		/* [MS-OXOABK] 2.2.3.23: "SMTP:" marks the primary address. */
		list = talloc_array(mem_ctx, char *, e->alias_count + 1);
		if (list == NULL)
			return false;
		list[n++] = talloc_asprintf(list, "SMTP:%s", e->address);
		for (unsigned i = 0; i < e->alias_count; i++)
			list[n++] = talloc_asprintf(list, "smtp:%s", e->aliases[i]);
	} else {
		/* [MS-OXOABK] 2.2.4.36: names the mailbox server is known by,
		 * per protocol sequence, as Exchange lists them. */
		list = talloc_array(mem_ctx, char *, 2);
		if (list == NULL)
			return false;
		list[n++] = talloc_asprintf(list, "ncacn_ip_tcp:%s", idx->host);
		list[n++] = talloc_asprintf(list, "ncacn_http:%s", idx->host);
	}
	for (uint32_t i = 0; i < n; i++) {
		if (list[i] == NULL)
			return false;
	}
	val->v.mv.count = n;
	val->v.mv.str = list;
	return true;
}

/* Native-typed value of a user property; false when absent. */
static bool user_prop(TALLOC_CTX *mem_ctx, struct ab_session *session, const struct ab_index *idx,
                      const struct ab_entry *e, uint16_t id, struct mapi_propval *val)
{
	char guid[MAPI_GUID_TEXT_SIZE];
	switch (id) {
	case PROP_ID(PR_ENTRYID):
		return set_bin(val, entryid_of(mem_ctx, session, AB_DT_MAILUSER, e->dn, e->mid));
	case PROP_ID(PR_RECORD_KEY):
	case PROP_ID(PR_TEMPLATEID):
		/* RecordKey: the permanent entry ID ([MS-OXOABK] 2.2.3.4).
		 * TemplateId: the object's own permanent entry ID; Outlook then
		 * asks GetTemplateInfo by display type (unverified against
		 * Exchange, which names a template object here). */
		return set_bin(val, ab_permanent_entryid(mem_ctx, AB_DT_MAILUSER, e->dn));
	case PROP_ID(PR_SEARCH_KEY):
		return set_bin(val, search_key(mem_ctx, e->dn));
	case PROP_ID(PR_INSTANCE_KEY): {
		uint8_t b[4];
		put32(b, e->mid);
		return set_bin(val, bin_copy(mem_ctx, b, 4));
	}
	case PROP_ID(PR_MAPPING_SIGNATURE):
		return set_bin(val, bin_copy(mem_ctx, guid_nspi, 16));
	case PROP_ID(PR_EMS_AB_OBJECT_GUID):
		return set_bin(val, bin_copy(mem_ctx, e->mailbox_guid.b, 16));
	case PROP_ID(PR_OBJECT_TYPE):
		return set_long(val, AB_MAPI_MAILUSER);
	case PROP_ID(PR_DISPLAY_TYPE):
		return set_long(val, AB_DT_MAILUSER);
	case PROP_ID(PR_DISPLAY_TYPE_EX):
		/* [MS-OXOABK] 2.2.3.12: a local mailbox user can hold ACLs. */
		return set_long(val, AB_DTE_FLAG_ACL_CAPABLE | AB_DT_MAILUSER);
	case PROP_ID(PR_EMS_AB_CONTAINERID):
		return set_long(val, idx->containers[e->container].mid);
	case PROP_ID(PR_SEND_RICH_INFO):
		return set_bool(val, true);
	case PROP_ID(PR_DISPLAY_NAME):
	case PROP_ID(PR_TRANSMITABLE_DISPLAY_NAME):
		return set_str(val, mem_ctx, e->display_name);
	case PROP_ID(PR_ADDRTYPE):
		return set_str(val, mem_ctx, "EX");
	case PROP_ID(PR_EMAIL_ADDRESS):
	case PROP_ID(PR_EMS_AB_OBJECT_DN):
		return set_str(val, mem_ctx, e->dn);
	case PROP_ID(PR_SMTP_ADDRESS):
		return set_str(val, mem_ctx, e->address);
	case PROP_ID(PR_ACCOUNT):
		return set_str(val, mem_ctx, e->local_part);
	case PROP_ID(PR_EMS_AB_HOME_MDB): {
		/* [MS-OXOABK] 2.2.4.37, names as in OUTLOOK-LADDER stage 1. */
		mapi_guid_format(&e->mailbox_guid, guid);
		char *dn = talloc_asprintf(mem_ctx,
		                           "%s/cn=Configuration/cn=Servers/cn=%s@%s/cn=Microsoft "
		                           "Private MDB",
		                           idx->org_dn, guid, e->domain);
		return dn != NULL && set_str(val, mem_ctx, dn);
	}
	case PROP_ID(PR_EMS_AB_PROXY_ADDRESSES):
	case PROP_ID(PR_EMS_AB_NETWORK_ADDRESS):
		return user_mv(mem_ctx, idx, e, id, val);
	default:
		return false;
	}
}

static const char *container_name(const struct ab_object *obj)
{
	return obj->container != NULL ? obj->container->domain : "Global Address List";
}

static const char *container_dn(const struct ab_object *obj)
{
	/* The GAL's DN is empty-rooted "/" (unverified against Exchange). */
	return obj->container != NULL ? obj->container->dn : "/";
}

/* [MS-OXOABK] 2.2.2 / [MS-OXNSPI] 3.1.4.1.3 hierarchy-table properties. */
static bool container_prop(TALLOC_CTX *mem_ctx, struct ab_session *session,
                           const struct ab_object *obj, uint16_t id, struct mapi_propval *val)
{
	switch (id) {
	case PROP_ID(PR_ENTRYID):
		return set_bin(val, entryid_of(mem_ctx, session, AB_DT_CONTAINER, container_dn(obj),
		                               obj->mid));
	case PROP_ID(PR_RECORD_KEY):
		return set_bin(val,
		               ab_permanent_entryid(mem_ctx, AB_DT_CONTAINER, container_dn(obj)));
	case PROP_ID(PR_INSTANCE_KEY): {
		uint8_t b[4];
		put32(b, obj->mid);
		return set_bin(val, bin_copy(mem_ctx, b, 4));
	}
	case PROP_ID(PR_CONTAINER_FLAGS):
		return set_long(val, AB_RECIPIENTS | AB_UNMODIFIABLE);
	case PROP_ID(PR_DEPTH):
		return set_long(val, 0);
	case PROP_ID(PR_EMS_AB_CONTAINERID):
		return set_long(val, obj->mid);
	case PROP_ID(PR_OBJECT_TYPE):
		return set_long(val, AB_MAPI_ABCONT);
	case PROP_ID(PR_DISPLAY_TYPE):
		return set_long(val, AB_DT_CONTAINER);
	case PROP_ID(PR_EMS_AB_IS_MASTER):
		return set_bool(val, false);
	case PROP_ID(PR_DISPLAY_NAME):
		return set_str(val, mem_ctx, container_name(obj));
	case PROP_ID(PR_EMAIL_ADDRESS):
		return set_str(val, mem_ctx, container_dn(obj));
	default:
		return false;
	}
}

/* Converts a native value to the type asked for; false when impossible. */
static bool convert_type(TALLOC_CTX *mem_ctx, struct ab_session *session, uint16_t want,
                         struct mapi_propval *val)
{
	uint16_t have = PROP_TYPE(val->tag);
	if (want == have || want == PT_UNSPECIFIED)
		return true;
	uint32_t cp = session->codepage;
	if (have == PT_UNICODE && want == PT_STRING8) {
		char *s = ab_to_codepage(mem_ctx, &session->conv, cp, val->v.str);
		if (s == NULL)
			return false;
		val->v.str = s;
		val->tag = CHANGE_PROP_TYPE(val->tag, PT_STRING8);
		return true;
	}
	if (have == PT_MV_UNICODE && want == PT_MV_STRING8) {
		for (uint32_t i = 0; i < val->v.mv.count; i++) {
			val->v.mv.str[i] =
			    ab_to_codepage(mem_ctx, &session->conv, cp, val->v.mv.str[i]);
			if (val->v.mv.str[i] == NULL)
				return false;
		}
		val->tag = CHANGE_PROP_TYPE(val->tag, PT_MV_STRING8);
		return true;
	}
	return false;
}

int ab_prop_get(TALLOC_CTX *mem_ctx, struct ab_session *session, const struct ab_index *idx,
                uint32_t mid, uint32_t tag, struct mapi_propval *val_r)
{
	struct ab_object obj;
	bool found;
	if (!object_of(idx, mid, &obj) && mid != AB_GAL_CONTAINER_ID)
		return 0;
	if (mid == AB_GAL_CONTAINER_ID)
		obj.gal = true;
	memset(val_r, 0, sizeof(*val_r));
	val_r->tag = tag;
	if (obj.user != NULL)
		found = user_prop(mem_ctx, session, idx, obj.user, PROP_ID(tag), val_r);
	else
		found = container_prop(mem_ctx, session, &obj, PROP_ID(tag), val_r);
	if (!found)
		return 0;
	return convert_type(mem_ctx, session, PROP_TYPE(tag), val_r) ? 1 : 0;
}

uint32_t ab_row_build(TALLOC_CTX *mem_ctx, struct ab_session *session, const struct ab_index *idx,
                      uint32_t mid, const struct mapi_proptag_array *columns,
                      struct mapi_propval_array *row_r)
{
	uint32_t missing = 0;
	row_r->count = columns->count;
	row_r->vals = talloc_zero_array(mem_ctx, struct mapi_propval, columns->count + 1);
	if (row_r->vals == NULL) {
		row_r->count = 0;
		return columns->count;
	}
	for (uint32_t i = 0; i < columns->count; i++) {
		struct mapi_propval *val = &row_r->vals[i];
		if (ab_prop_get(row_r->vals, session, idx, mid, columns->tags[i], val) == 1)
			continue;
		/* [MS-OXNSPI] 3.1.4.1.7: a missing value is PtypErrorCode
		 * NotFound in its column. */
		val->tag = CHANGE_PROP_TYPE(columns->tags[i], PT_ERROR);
		val->v.err = AB_EC_NOT_FOUND;
		missing++;
	}
	return missing;
}

static const uint32_t user_tags[] = {
    PR_ENTRYID,
    PR_RECORD_KEY,
    PR_SEARCH_KEY,
    PR_INSTANCE_KEY,
    PR_MAPPING_SIGNATURE,
    PR_OBJECT_TYPE,
    PR_DISPLAY_TYPE,
    PR_DISPLAY_TYPE_EX,
    PR_TEMPLATEID,
    PR_EMS_AB_CONTAINERID,
    PR_SEND_RICH_INFO,
    PR_DISPLAY_NAME,
    PR_TRANSMITABLE_DISPLAY_NAME,
    PR_ADDRTYPE,
    PR_EMAIL_ADDRESS,
    PR_EMS_AB_OBJECT_DN,
    PR_SMTP_ADDRESS,
    PR_ACCOUNT,
    PR_EMS_AB_HOME_MDB,
    PR_EMS_AB_PROXY_ADDRESSES,
    PR_EMS_AB_NETWORK_ADDRESS,
    PR_EMS_AB_OBJECT_GUID,
};

static const uint32_t container_tags[] = {
    PR_ENTRYID,         PR_RECORD_KEY,    PR_INSTANCE_KEY,
    PR_CONTAINER_FLAGS, PR_DEPTH,         PR_EMS_AB_CONTAINERID,
    PR_OBJECT_TYPE,     PR_DISPLAY_TYPE,  PR_EMS_AB_IS_MASTER,
    PR_DISPLAY_NAME,    PR_EMAIL_ADDRESS,
};

static uint32_t string_type(uint32_t tag, bool unicode)
{
	if (PROP_TYPE(tag) == PT_UNICODE && !unicode)
		return CHANGE_PROP_TYPE(tag, PT_STRING8);
	if (PROP_TYPE(tag) == PT_MV_UNICODE && !unicode)
		return CHANGE_PROP_TYPE(tag, PT_MV_STRING8);
	return tag;
}

void ab_prop_list(TALLOC_CTX *mem_ctx, const struct ab_index *idx, uint32_t mid, bool unicode,
                  bool skip_objects, struct mapi_proptag_array *tags_r)
{
	struct ab_object obj;
	const uint32_t *tags = NULL;
	uint32_t n = 0;
	if (object_of(idx, mid, &obj) && obj.user != NULL) {
		tags = user_tags;
		n = sizeof(user_tags) / sizeof(user_tags[0]);
	} else if (mid == AB_GAL_CONTAINER_ID || obj.container != NULL) {
		tags = container_tags;
		n = sizeof(container_tags) / sizeof(container_tags[0]);
	}
	(void)skip_objects; /* no PtypObject properties are served */
	tags_r->count = 0;
	tags_r->tags = talloc_array(mem_ctx, uint32_t, n + 1);
	if (tags_r->tags == NULL)
		return;
	for (uint32_t i = 0; i < n; i++)
		tags_r->tags[tags_r->count++] = string_type(tags[i], unicode);
}
