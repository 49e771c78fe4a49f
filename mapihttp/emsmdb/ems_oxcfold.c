/*
 * Folder ROPs ([MS-OXCFOLD] 3.2.5): open, create, delete, the hierarchy
 * and contents tables, and the message operations on a folder.
 */
#include <string.h>
#include <strings.h>

#include "ems_private.h"
#include "ems_table.h"

/* Whether fid names a folder of the mailbox: 0 or an ecXxx. */
static uint32_t folder_exists(TALLOC_CTX *mem, struct store_mailbox *mbox, uint64_t fid)
{
	struct mapi_proptag_array none = {0, NULL};
	struct mapi_propval_array vals;
	int ret = store_folder_get_props(mem, mbox, fid, &none, &vals);

	return ems_ec_from_store(ret);
}

static uint32_t new_folder_object(struct ems_rop_ctx *c, uint64_t fid)
{
	uint32_t ec;
	struct ems_object *obj = ems_object_new(c->s, c->in, EMS_OBJ_FOLDER, c->logon, &ec);

	if (obj == NULL)
		return ec;
	obj->u.fid = fid;
	c->out = obj;
	return 0;
}

/* [MS-OXCFOLD] 3.2.5.1 */
uint32_t ems_rop_open_folder(struct ems_rop_ctx *c, const struct rop_request *req,
                             struct rop_response *resp)
{
	const struct rop_open_folder_req *q = &req->u.open_folder;
	uint32_t ec = folder_exists(c->mem, c->logon->mbox, q->folder_id);

	if (ec != 0)
		return ec;
	ec = new_folder_object(c, q->folder_id);
	if (ec != 0)
		return ec;
	/* private mailbox: no rules table yet, never ghosted */
	resp->u.open_folder.has_rules = 0;
	resp->u.open_folder.is_ghosted = 0;
	return 0;
}

/* [MS-OXCFOLD] 3.2.5.2: a generic or search folder under the input
 * folder; OpenExisting opens a same-named child instead of failing. */
uint32_t ems_rop_create_folder(struct ems_rop_ctx *c, const struct rop_request *req,
                               struct rop_response *resp)
{
	const struct rop_create_folder_req *q = &req->u.create_folder;
	struct store_mailbox *mbox = c->logon->mbox;
	uint64_t parent = c->in->u.fid, fid = 0;
	int ret;

	if (q->folder_type != STORE_FOLDER_GENERIC && q->folder_type != STORE_FOLDER_SEARCH)
		return EC_InvalidParameter;
	if (q->display_name == NULL || q->display_name[0] == '\0')
		return EC_InvalidParameter;
	ret = store_folder_create(mbox, parent, q->display_name, NULL,
	                          (enum store_folder_type)q->folder_type, &fid);
	if (ret == STORE_E_EXISTS) {
		if (q->open_existing == 0)
			return EC_CollidingNames;
		if (store_folder_find(mbox, parent, q->display_name, &fid) != 1)
			return EC_NotFound;
	} else if (ret != 0) {
		return ems_ec_from_store(ret);
	} else if (q->comment != NULL && q->comment[0] != '\0') {
		struct mapi_propval v = {.tag = PROP_TAG(PT_UNICODE, 0x3004)}; /* PidTagComment */
		struct mapi_propval_array vals = {1, &v};
		v.v.str = q->comment;
		ret = store_folder_set_props(mbox, fid, &vals);
		if (ret != 0)
			return ems_ec_from_store(ret);
	}
	resp->u.create_folder.folder_id = fid;
	/* [MS-OXCFOLD] 2.2.1.2.2: IsExistingFolder is for public folders only */
	resp->u.create_folder.is_existing_folder = 0;
	return new_folder_object(c, fid);
}

/* [MS-OXCFOLD] 2.2.1.3.1 DeleteFolderFlags */
#define DEL_MESSAGES       0x01
#define DEL_FOLDERS        0x04
#define DELETE_HARD_DELETE 0x10

/* [MS-OXCFOLD] 3.2.5.3 */
uint32_t ems_rop_delete_folder(struct ems_rop_ctx *c, const struct rop_request *req,
                               struct rop_response *resp)
{
	const struct rop_delete_folder_req *q = &req->u.delete_folder;
	unsigned flags = 0;
	int ret;

	if ((q->delete_folder_flags & ~(DEL_MESSAGES | DEL_FOLDERS | DELETE_HARD_DELETE)) != 0)
		return EC_InvalidParameter;
	if (q->delete_folder_flags & DEL_MESSAGES)
		flags |= STORE_DEL_MESSAGES | STORE_DEL_ASSOCIATED;
	if (q->delete_folder_flags & DEL_FOLDERS)
		flags |= STORE_DEL_FOLDERS;
	if (q->delete_folder_flags & DELETE_HARD_DELETE)
		flags |= STORE_DEL_HARD;
	resp->u.delete_folder.partial_completion = 0;
	ret = store_folder_delete(c->logon->mbox, q->folder_id, flags);
	if (ret == STORE_E_HASCHILDREN) {
		/* [MS-OXCFOLD] 3.2.5.3: a folder with contents the flags do not
		 * cover is not deleted; the ROP reports partial completion */
		resp->u.delete_folder.partial_completion = 1;
		return 0;
	}
	return ems_ec_from_store(ret);
}

/* [MS-OXCFOLD] 2.2.1.13.1 / 2.2.1.14.1 TableFlags */
#define TF_ASSOCIATED      0x02
#define TF_DEPTH           0x04
#define TF_SOFTDELETES     0x20
#define TF_NONOTIFICATIONS 0x10
#define TF_USEUNICODE      0x40

static uint32_t open_table(struct ems_rop_ctx *c, enum store_table_kind kind, uint8_t tflags,
                           uint32_t *row_count_r)
{
	unsigned flags = 0;

	if (tflags & TF_DEPTH)
		flags |= STORE_TABLE_DEPTH;
	if (tflags & TF_SOFTDELETES)
		flags |= STORE_TABLE_SOFTDELETED;
	return ems_table_open(c, kind, c->in->u.fid, flags, (tflags & TF_USEUNICODE) != 0,
	                      (tflags & TF_NONOTIFICATIONS) == 0, row_count_r);
}

/* [MS-OXCFOLD] 3.2.5.13 */
uint32_t ems_rop_get_hierarchy_table(struct ems_rop_ctx *c, const struct rop_request *req,
                                     struct rop_response *resp)
{
	return open_table(c, STORE_TABLE_HIERARCHY, req->u.get_hierarchy_table.table_flags,
	                  &resp->u.get_hierarchy_table.row_count);
}

/* [MS-OXCFOLD] 3.2.5.14 */
uint32_t ems_rop_get_contents_table(struct ems_rop_ctx *c, const struct rop_request *req,
                                    struct rop_response *resp)
{
	uint8_t f = req->u.get_contents_table.table_flags;

	return open_table(c, (f & TF_ASSOCIATED) ? STORE_TABLE_FAI : STORE_TABLE_CONTENTS, f,
	                  &resp->u.get_contents_table.row_count);
}

/* [MS-OXCFOLD] 3.2.5.4: the criteria of a search folder; the store fills
 * the folder before answering. */
uint32_t ems_rop_set_search_criteria(struct ems_rop_ctx *c, const struct rop_request *req,
                                     struct rop_response *resp)
{
	const struct rop_set_search_criteria_req *q = &req->u.set_search_criteria;
	const struct mapi_restriction *res;

	if ((q->search_flags & ~(uint32_t)STORE_SEARCH_SET_FLAGS) != 0)
		return EC_InvalidParameter;
	res = ems_res_unicode(c->mem, q->restriction);
	if (res == NULL && q->restriction != NULL)
		return EC_OutOfMemory;
	return ems_ec_from_store(store_search_set_criteria(c->logon->mbox, c->in->u.fid, res,
	                                                   q->folder_ids.ids, q->folder_ids.count,
	                                                   q->search_flags));
}

/* [MS-OXCFOLD] 3.2.5.5 */
uint32_t ems_rop_get_search_criteria(struct ems_rop_ctx *c, const struct rop_request *req,
                                     struct rop_response *resp)
{
	const struct rop_get_search_criteria_req *q = &req->u.get_search_criteria;
	struct rop_get_search_criteria_resp *r = &resp->u.get_search_criteria;
	struct mapi_restriction *res = NULL;
	uint64_t *scope = NULL;
	uint32_t count = 0, state = 0;
	int ret;

	ret = store_search_get_criteria(c->mem, c->logon->mbox, c->in->u.fid,
	                                q->include_restriction ? &res : NULL,
	                                q->include_folders ? &scope : NULL, &count, &state);
	if (ret != 0)
		return ems_ec_from_store(ret);
	if (count > 0xFFFF)
		count = 0xFFFF;
	r->restriction = q->include_restriction ? res : NULL;
	r->logon_id = req->logon_id;
	r->folder_ids.count = q->include_folders ? (uint16_t)count : 0;
	r->folder_ids.ids = q->include_folders ? scope : NULL;
	r->search_flags = state;
	return 0;
}
