/*
 * Store ROPs ([MS-OXCSTOR] 3.2.5): logon, receive folders, ID mapping,
 * store state; and RopTellVersion ([MS-OXCFXICS]).  The per-user
 * information ROPs are in ems_oxcstor_peruser.c.
 */
#include <string.h>
#include <strings.h>
#include <time.h>

#include "ems_private.h"
#include "log.h"

/* [MS-OXCSTOR] 2.2.1.1.1 OpenFlags */
#define OPEN_PUBLIC                     0x00000002
#define OPEN_USE_PER_MDB_REPLID_MAPPING 0x01000000
/* [MS-OXCSTOR] 2.2.1.1.3 ResponseFlags */
#define RESP_RESERVED    0x01
#define RESP_OWNER_RIGHT 0x02
#define RESP_SENDAS      0x04

/* Checks the Essdn of a private logon names the session's own mailbox
 * ([MS-OXCSTOR] 3.2.5.1.1); 0 or the ReturnValue. */
static uint32_t check_essdn(struct ems_session *s, const char *essdn)
{
	struct dir_user *other = NULL;
	const char *error = NULL;
	int ret;

	if (essdn == NULL)
		return EC_UnknownUser;
	if (strcasecmp(essdn, s->user->legacy_dn) == 0)
		return 0;
	ret = directory_user_by_legacy_dn(s->srv->dir, NULL, essdn, &other, &error);
	talloc_free(other);
	if (ret < 0)
		return EC_LogonFailed;
	/* no delegate access yet: another user's mailbox is refused as
	 * Exchange refuses a user without rights on it */
	return ret == 0 ? EC_UnknownUser : EC_AccessDenied;
}

static void fill_logon_time(struct rop_logon_resp *r)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	/* [MS-OXCSTOR] 2.2.1.1.3 LogonTime */
	r->logon_time[0] = (uint8_t)tm.tm_sec;
	r->logon_time[1] = (uint8_t)tm.tm_min;
	r->logon_time[2] = (uint8_t)tm.tm_hour;
	r->logon_time[3] = (uint8_t)tm.tm_wday;
	r->logon_time[4] = (uint8_t)tm.tm_mday;
	r->logon_time[5] = (uint8_t)(tm.tm_mon + 1);
	r->logon_year = (uint16_t)(tm.tm_year + 1900);
}

/* [MS-OXCSTOR] 3.2.5.1 */
uint32_t ems_rop_logon(struct ems_rop_ctx *c, const struct rop_request *req,
                       struct rop_response *resp)
{
	const struct rop_logon_req *q = &req->u.logon;
	struct rop_logon_resp *r = &resp->u.logon;
	struct store_mailbox_ident ident;
	struct ems_session *s = c->s;
	struct ems_logon *logon;
	struct ems_object *obj;
	uint32_t ec;

	if ((q->logon_flags & ROP_LOGON_PRIVATE) == 0 || (q->open_flags & OPEN_PUBLIC) != 0) {
		/* no public folder container exists on this server */
		log_info(EMS_LOG, "logon public folders refused user=%s", s->user->address);
		return EC_LogonFailed;
	}
	/* [MS-OXCSTOR] 3.2.5.1.3: ecInvalidParameter without
	 * USE_PER_MDB_REPLID_MAPPING */
	if ((q->open_flags & OPEN_USE_PER_MDB_REPLID_MAPPING) == 0)
		return EC_InvalidParameter;
	ec = check_essdn(s, q->essdn);
	if (ec != 0)
		return ec;
	/* a logon ID in use is replaced, its objects released */
	if (s->logons[req->logon_id] != NULL)
		ems_object_release(s->logons[req->logon_id]->obj);
	obj = ems_object_new(s, s, EMS_OBJ_LOGON, NULL, &ec);
	if (obj == NULL)
		return ec;
	logon = talloc_zero(obj, struct ems_logon);
	if (logon == NULL) {
		ems_object_release(obj);
		return EC_OutOfMemory;
	}
	logon->logon_id = req->logon_id;
	logon->obj = obj;
	logon->mbox = s->mbox;
	obj->logon = logon;
	s->logons[req->logon_id] = logon;
	c->out = obj;

	/* [MS-OXCSTOR] 2.2.1.1.3 */
	r->logon_flags = q->logon_flags;
	for (unsigned i = 0; i < 13; i++)
		r->folder_ids[i] = store_special_fid(s->mbox, (enum store_special)i);
	r->response_flags = RESP_RESERVED | RESP_OWNER_RIGHT | RESP_SENDAS;
	store_mailbox_ident(s->mbox, &ident);
	r->mailbox_guid = ident.mailbox_guid;
	r->replid = ident.replid;
	r->replguid = ident.replica_guid;
	fill_logon_time(r);
	/* no GWART exists; its time is stable across logons */
	r->gwart_time = ident.created;
	r->store_state = 0;
	return 0;
}

/* [MS-OXCSTOR] 3.2.5.2: a message class is at most 255 ASCII characters
 * 0x20-0x7E, without a leading or trailing '.' or a "..". */
static bool valid_message_class(const char *cls)
{
	size_t len = cls != NULL ? strlen(cls) : 0;

	if (cls == NULL || len > 255)
		return false;
	if (len == 0)
		return true;
	if (cls[0] == '.' || cls[len - 1] == '.' || strstr(cls, "..") != NULL)
		return false;
	for (size_t i = 0; i < len; i++) {
		if ((unsigned char)cls[i] < 0x20 || (unsigned char)cls[i] > 0x7E)
			return false;
	}
	return true;
}

/* [MS-OXCSTOR] 3.2.5.2 */
uint32_t ems_rop_get_receive_folder(struct ems_rop_ctx *c, const struct rop_request *req,
                                    struct rop_response *resp)
{
	struct rop_get_receive_folder_resp *r = &resp->u.get_receive_folder;
	const char *cls = req->u.get_receive_folder.message_class;
	int ret;

	if (!valid_message_class(cls))
		return EC_InvalidParameter;
	ret = store_receive_folder_get(c->mem, c->logon->mbox, cls, &r->folder_id,
	                               &r->explicit_message_class);
	return ems_ec_from_store(ret);
}

/* [MS-OXCSTOR] 3.2.5.3 */
uint32_t ems_rop_set_receive_folder(struct ems_rop_ctx *c, const struct rop_request *req,
                                    struct rop_response *resp)
{
	const struct rop_set_receive_folder_req *q = &req->u.set_receive_folder;
	struct store_mailbox *mbox = c->logon->mbox;
	struct mapi_propval_array vals;
	int ret;

	if (!valid_message_class(q->message_class))
		return EC_InvalidParameter;
	if (q->folder_id == 0) {
		/* removing the default, or an IPC/IPM entry, is refused */
		if (q->message_class[0] == '\0' || strcasecmp(q->message_class, "IPM") == 0 ||
		    strcasecmp(q->message_class, "REPORT.IPM") == 0)
			return EC_GeneralFailure;
		ret = store_receive_folder_delete(mbox, q->message_class);
		return ret == STORE_E_NOTFOUND ? 0 : ems_ec_from_store(ret);
	}
	/* the folder must exist */
	ret = store_folder_get_props(c->mem, mbox, q->folder_id,
	                             &(struct mapi_proptag_array){0, NULL}, &vals);
	if (ret != 0)
		return ems_ec_from_store(ret);
	return ems_ec_from_store(store_receive_folder_set(mbox, q->message_class, q->folder_id));
}

#define PR_LAST_MODIFICATION_TIME PROP_TAG(PT_SYSTIME, 0x3008)

/* [MS-OXCSTOR] 3.2.5.4: FolderId, MessageClass, LastModificationTime per
 * entry, as StandardPropertyRows. */
uint32_t ems_rop_get_receive_folder_table(struct ems_rop_ctx *c, const struct rop_request *req,
                                          struct rop_response *resp)
{
	struct rop_row_list *rows = &resp->u.get_receive_folder_table.rows;
	uint32_t tag = PR_LAST_MODIFICATION_TIME;
	struct mapi_proptag_array tags = {1, &tag};
	char **classes;
	uint64_t *fids;
	uint32_t count;
	int ret;

	ret = store_receive_folder_list(c->mem, c->logon->mbox, &classes, &fids, &count);
	if (ret != 0)
		return ems_ec_from_store(ret);
	rows->rows = talloc_zero_array(c->mem, struct rop_property_row, count);
	if (rows->rows == NULL && count > 0)
		return EC_OutOfMemory;
	for (uint32_t i = 0; i < count; i++) {
		struct mapi_propval *v = talloc_zero_array(rows->rows, struct mapi_propval, 3);
		struct mapi_propval_array mt;
		if (v == NULL)
			return EC_OutOfMemory;
		v[0].tag = PROP_TAG(PT_I8, 0x6748);
		v[0].v.i64 = (int64_t)fids[i];
		v[1].tag = PROP_TAG(PT_STRING8, 0x001A);
		v[1].v.str = classes[i];
		v[2].tag = tag;
		if (store_folder_get_props(v, c->logon->mbox, fids[i], &tags, &mt) == 0 &&
		    mt.count == 1 && PROP_TYPE(mt.vals[0].tag) == PT_SYSTIME)
			v[2].v.ft = mt.vals[0].v.ft;
		rows->rows[i].flag = 0;
		rows->rows[i].vals.count = 3;
		rows->rows[i].vals.vals = v;
	}
	rows->count = count;
	return 0;
}

/* [MS-OXCSTOR] 3.2.5.8 */
uint32_t ems_rop_long_term_id_from_id(struct ems_rop_ctx *c, const struct rop_request *req,
                                      struct rop_response *resp)
{
	uint64_t id = req->u.long_term_id_from_id.object_id;
	struct store_mailbox_ident ident;

	store_mailbox_ident(c->logon->mbox, &ident);
	/* only IDs of this mailbox's replica map ([MS-OXCSTOR] 3.2.5.8) */
	if (MAPI_ID_REPLID(id) != ident.replid)
		return EC_NotFound;
	store_id_to_long_term(c->logon->mbox, id, &resp->u.long_term_id_from_id.long_term_id);
	return 0;
}

/* [MS-OXCSTOR] 3.2.5.9 */
uint32_t ems_rop_id_from_long_term_id(struct ems_rop_ctx *c, const struct rop_request *req,
                                      struct rop_response *resp)
{
	const struct mapi_long_term_id *l = &req->u.id_from_long_term_id.long_term_id;
	static const uint8_t zero[6];

	/* a zero GLOBCNT names nothing */
	if (memcmp(l->globcnt, zero, 6) == 0)
		return EC_InvalidParameter;
	return ems_ec_from_store(
	    store_long_term_to_id(c->logon->mbox, l, &resp->u.id_from_long_term_id.object_id));
}

/* [MS-OXCSTOR] 3.2.5.5: STORE_HAS_SEARCHES only with active search
 * folders, which this store does not run. */
uint32_t ems_rop_get_store_state(struct ems_rop_ctx *c, const struct rop_request *req,
                                 struct rop_response *resp)
{
	resp->u.get_store_state.store_state = 0;
	return 0;
}

/* [MS-OXCSTOR] 3.2.5.6: meant for public folders; on the private mailbox
 * this server is the one owner of every folder. */
uint32_t ems_rop_get_owning_servers(struct ems_rop_ctx *c, const struct rop_request *req,
                                    struct rop_response *resp)
{
	struct rop_get_owning_servers_resp *r = &resp->u.get_owning_servers;
	struct mapi_propval_array vals;
	int ret;

	ret = store_folder_get_props(c->mem, c->logon->mbox, req->u.get_owning_servers.folder_id,
	                             &(struct mapi_proptag_array){0, NULL}, &vals);
	if (ret != 0)
		return ems_ec_from_store(ret);
	r->owning_servers.strs = talloc_array(c->mem, char *, 1);
	if (r->owning_servers.strs == NULL)
		return EC_OutOfMemory;
	r->owning_servers.strs[0] = talloc_asprintf(c->mem, "%s/cn=Configuration/cn=Servers/cn=%s",
	                                            c->s->dn_prefix, c->s->srv->hostname);
	if (r->owning_servers.strs[0] == NULL)
		return EC_OutOfMemory;
	r->owning_servers.count = 1;
	r->owning_servers_count = 1;
	r->cheap_servers_count = 1;
	return 0;
}

/* [MS-OXCSTOR] 3.2.5.7: on a private mailbox IsGhosted is FALSE. */
uint32_t ems_rop_public_folder_is_ghosted(struct ems_rop_ctx *c, const struct rop_request *req,
                                          struct rop_response *resp)
{
	resp->u.public_folder_is_ghosted.is_ghosted = 0;
	return 0;
}

/* [MS-OXCFXICS] 3.2.5.8.3.1: the client's version is noted; nothing in
 * this server depends on it yet. */
uint32_t ems_rop_tell_version(struct ems_rop_ctx *c, const struct rop_request *req,
                              struct rop_response *resp)
{
	return 0;
}

/* ---- Store object properties ([MS-OXCSTOR] 2.2.2) ---- */

/* [MS-OXCDATA] 2.2.5.2 Address Book EntryID of a user's DN. */
static int ab_entryid(TALLOC_CTX *mem, const char *dn, struct mapi_binary *bin)
{
	static const uint8_t provider[16] = {0xDC, 0xA7, 0x40, 0xC8, 0xC0, 0x42, 0x10, 0x1A,
	                                     0xB4, 0xB9, 0x08, 0x00, 0x2B, 0x2F, 0xE1, 0x82};
	size_t dn_len = strlen(dn) + 1;

	bin->len = (uint32_t)(28 + dn_len);
	bin->data = talloc_zero_size(mem, bin->len);
	if (bin->data == NULL)
		return STORE_E_NOMEM;
	memcpy(bin->data + 4, provider, 16);
	bin->data[20] = 1; /* Version */
	/* Type 0: DT_MAILUSER */
	memcpy(bin->data + 28, dn, dn_len);
	return 0;
}

#define STORE_SUPPORT_MASK                                                                         \
	(0x00000001 | 0x00000004 | 0x00000008 | 0x00000010 | 0x00000020 | 0x00000040 |             \
	 0x00000080 | 0x00000100 | 0x00000200 | 0x00000800 | 0x00001000 | 0x00002000 |             \
	 0x00010000 | 0x00020000 | 0x00040000)

/* Exchange's private store provider ([MS-OXCSTOR] 2.2.2.1 PidTagMdbProvider). */
static const uint8_t mdb_provider_private[16] = {0x54, 0x94, 0xA1, 0xC0, 0x29, 0x7F, 0x10, 0x1B,
                                                 0xA5, 0x87, 0x08, 0x00, 0x2B, 0x2A, 0x25, 0x17};

static const struct {
	uint32_t tag;
	int special; /* folder entry ID of this special folder, or -1 */
} logon_tags[] = {
    {PROP_TAG(PT_UNICODE, 0x3001), -1}, /* PidTagDisplayName */
    {PROP_TAG(PT_UNICODE, 0x661C), -1}, /* PidTagMailboxOwnerName */
    {PROP_TAG(PT_BINARY, 0x661B), -1},  /* PidTagMailboxOwnerEntryId */
    {PROP_TAG(PT_BINARY, 0x6619), -1},  /* PidTagUserEntryId */
    {PROP_TAG(PT_UNICODE, 0x661A), -1}, /* PidTagUserName */
    {PROP_TAG(PT_LONG, 0x340D), -1},    /* PidTagStoreSupportMask */
    {PROP_TAG(PT_LONG, 0x340E), -1},    /* PidTagStoreState */
    {PROP_TAG(PT_BINARY, 0x0FF9), -1},  /* PidTagRecordKey */
    {PROP_TAG(PT_BINARY, 0x0FFA), -1},  /* PidTagStoreRecordKey */
    {PROP_TAG(PT_BINARY, 0x0FFB), -1},  /* PidTagStoreEntryId */
    {PROP_TAG(PT_BINARY, 0x3414), -1},  /* PidTagMdbProvider */
    {PROP_TAG(PT_LONG, 0x66C3), -1},    /* PidTagCodePageId */
    {PROP_TAG(PT_LONG, 0x66A1), -1},    /* PidTagLocaleId */
    {PROP_TAG(PT_BOOLEAN, 0x661D), -1}, /* PidTagOutOfOfficeState */
    {PROP_TAG(PT_BINARY, 0x35E0), STORE_FOLDER_IPM_SUBTREE},
    {PROP_TAG(PT_BINARY, 0x35E2), STORE_FOLDER_OUTBOX},
    {PROP_TAG(PT_BINARY, 0x35E3), STORE_FOLDER_DELETED_ITEMS},
    {PROP_TAG(PT_BINARY, 0x35E4), STORE_FOLDER_SENT_ITEMS},
    {PROP_TAG(PT_BINARY, 0x35E5), STORE_FOLDER_VIEWS},
    {PROP_TAG(PT_BINARY, 0x35E6), STORE_FOLDER_COMMON_VIEWS},
    {PROP_TAG(PT_BINARY, 0x35E7), STORE_FOLDER_FINDER},
};
#define LOGON_TAG_COUNT (sizeof(logon_tags) / sizeof(logon_tags[0]))

static int logon_value(TALLOC_CTX *mem, struct ems_session *s, unsigned k, struct mapi_propval *v)
{
	struct store_mailbox_ident ident;

	v->tag = logon_tags[k].tag;
	if (logon_tags[k].special >= 0)
		return store_folder_entryid(
		    mem, s->mbox,
		    store_special_fid(s->mbox, (enum store_special)logon_tags[k].special),
		    &v->v.bin);
	switch (PROP_ID(v->tag)) {
	case 0x3001:
		v->v.str = talloc_asprintf(mem, "Mailbox - %s", s->user->display_name);
		return v->v.str != NULL ? 0 : STORE_E_NOMEM;
	case 0x661C:
	case 0x661A:
		v->v.str = talloc_strdup(mem, s->user->display_name);
		return v->v.str != NULL ? 0 : STORE_E_NOMEM;
	case 0x661B:
	case 0x6619:
		return ab_entryid(mem, s->user->legacy_dn, &v->v.bin);
	case 0x340D:
		v->v.i32 = STORE_SUPPORT_MASK;
		return 0;
	case 0x340E:
		v->v.i32 = 0;
		return 0;
	case 0x0FF9:
	case 0x0FFA:
		store_mailbox_ident(s->mbox, &ident);
		v->v.bin.len = 16;
		v->v.bin.data = talloc_memdup(mem, ident.mailbox_guid.b, 16);
		return v->v.bin.data != NULL ? 0 : STORE_E_NOMEM;
	case 0x0FFB:
		return store_store_entryid(mem, s->srv->hostname, s->user->legacy_dn, &v->v.bin);
	case 0x3414:
		v->v.bin.len = 16;
		v->v.bin.data = talloc_memdup(mem, mdb_provider_private, 16);
		return v->v.bin.data != NULL ? 0 : STORE_E_NOMEM;
	case 0x66C3:
		v->v.i32 = (int32_t)s->code_page;
		return 0;
	case 0x66A1:
		v->v.i32 = 0x0409;
		return 0;
	default: /* 0x661D */
		v->v.b = false;
		return 0;
	}
}

int ems_logon_get_props(TALLOC_CTX *mem, struct ems_object *logon,
                        const struct mapi_proptag_array *tags, struct mapi_propval_array *vals_r)
{
	uint32_t n = tags != NULL ? tags->count : LOGON_TAG_COUNT;
	int ret;

	vals_r->count = n;
	vals_r->vals = talloc_zero_array(mem, struct mapi_propval, n ? n : 1);
	if (vals_r->vals == NULL)
		return STORE_E_NOMEM;
	for (uint32_t i = 0; i < n; i++) {
		struct mapi_propval *v = &vals_r->vals[i];
		unsigned k = LOGON_TAG_COUNT;
		if (tags == NULL)
			k = i;
		for (unsigned j = 0; tags != NULL && j < LOGON_TAG_COUNT; j++) {
			if (PROP_ID(logon_tags[j].tag) == PROP_ID(tags->tags[i]) &&
			    (PROP_TYPE(tags->tags[i]) == PT_UNSPECIFIED ||
			     PROP_TYPE(tags->tags[i]) == PROP_TYPE(logon_tags[j].tag)))
				k = j;
		}
		if (k == LOGON_TAG_COUNT) {
			v->tag = CHANGE_PROP_TYPE(tags->tags[i], PT_ERROR);
			v->v.err = EC_NotFound;
			continue;
		}
		ret = logon_value(vals_r->vals, logon->session, k, v);
		if (ret != 0)
			return ret;
	}
	return 0;
}
