/*
 * mc_replay_seed: the mailbox a specification example assumes, made by
 * mapiclient through ordinary ROPs before the example is replayed.
 *
 * The HAR's log "_seed" (HAR 1.2 allows fields of one's own that start
 * with "_") holds:
 *   "folders":  [{"ref": R, "name": N, "parent": P}]  folders created
 *               (RopCreateFolder, OpenExisting; emptied when they exist,
 *               so a replay can be repeated) under P: a well-known
 *               folder ("Root", "IPM Subtree", "Inbox", "Outbox",
 *               "Sent Items", "Deleted Items") or an earlier ref;
 *   "messages": [{"ref": R, "folder": F, "props": [{"tag": "0xTTTTTTTT",
 *               "value": V}]}]  messages created in F (RopCreateMessage,
 *               RopSetProperties, RopSaveChangesMessage); V a string
 *               (PtypString), a number (PtypInteger32/64, PtypTime), a
 *               boolean or a hex string (PtypBinary);
 *   "ids":      {"<8 bytes as hex, wire order>": R}  the example's folder
 *               and message IDs, each the ID of the object R was made as:
 *               replayed requests carry the live ID instead, and answers
 *               holding the live ID compare equal to the example's.
 */
#include <inttypes.h>
#include <json.h>
#include <stdlib.h>
#include <string.h>

#include "mc_message.h"
#include "mc_replay_private.h"

/* [MS-OXCSTOR] 2.2.1.1.3: the order of RopLogon's FolderIds. */
static const char *const well_known[] = {"Root",  NULL,     NULL,         "IPM Subtree",
                                         "Inbox", "Outbox", "Sent Items", "Deleted Items"};

int mc_replay_seed_find(const struct mc_replay_state *r, const char *ref, uint64_t *fid_r,
                        uint64_t *mid_r)
{
	*mid_r = 0;
	for (size_t i = 0; ref != NULL && i < sizeof(well_known) / sizeof(well_known[0]); i++) {
		if (well_known[i] != NULL && strcmp(well_known[i], ref) == 0) {
			*fid_r = r->logon->resp.folder_ids[i];
			return 1;
		}
	}
	for (size_t i = 0; ref != NULL && i < r->obj_count; i++) {
		if (strcmp(r->objs[i].ref, ref) == 0) {
			*fid_r = r->objs[i].fid;
			*mid_r = r->objs[i].mid;
			return 1;
		}
	}
	return 0;
}

static int add_obj(struct mc_replay_state *r, const char *ref, uint64_t fid, uint64_t mid)
{
	struct mc_replay_obj *a =
	    talloc_realloc(r->mem_ctx, r->objs, struct mc_replay_obj, r->obj_count + 1);
	if (a == NULL)
		return mc_fail(r->s, MC_E_NOMEM, "out of memory");
	a[r->obj_count] = (struct mc_replay_obj){talloc_strdup(a, ref), fid, mid};
	r->objs = a;
	r->obj_count++;
	return 0;
}

static const char *jstr(json_object *o, const char *key)
{
	json_object *v;
	return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
	           ? json_object_get_string(v)
	           : NULL;
}

/* [MS-OXCFOLD] 2.2.1.2: RopCreateFolder (generic, Unicode, OpenExisting)
 * under the parent opened from the logon. */
static int seed_folder(TALLOC_CTX *mem_ctx, struct mc_replay_state *r, json_object *f)
{
	const char *ref = jstr(f, "ref"), *name = jstr(f, "name"), *parent = jstr(f, "parent");
	uint64_t pfid, pmid;
	if (ref == NULL || name == NULL || mc_replay_seed_find(r, parent, &pfid, &pmid) != 1)
		return mc_fail(r->s, MC_E_USAGE, "_seed: folder %s: no ref, name or known parent",
		               ref ? ref : "?");
	struct rop_response *resps;
	uint32_t *handles, in[3] = {r->logon->handle, MC_NEW_HANDLE, MC_NEW_HANDLE};
	size_t n, nh;
	struct mc_execute_opts opts = mc_store_execute_opts(r->s);
	struct rop_request q[5];
	memset(q, 0, sizeof(q));
	q[0].rop_id = ROP_ID_OpenFolder;
	q[0].output_handle = 1;
	q[0].u.open_folder.folder_id = pfid;
	q[1].rop_id = ROP_ID_CreateFolder;
	q[1].input_handle = 1;
	q[1].output_handle = 2;
	q[1].u.create_folder.folder_type = 1; /* FOLDER_GENERIC */
	q[1].u.create_folder.use_unicode_strings = 1;
	q[1].u.create_folder.open_existing = 1;
	q[1].u.create_folder.display_name = talloc_strdup(mem_ctx, name);
	q[1].u.create_folder.comment = talloc_strdup(mem_ctx, "");
	/* [MS-OXCFOLD] 2.2.1.9: a folder left by an earlier replay is emptied,
	 * so the example finds only what the seed makes */
	q[2].rop_id = ROP_ID_EmptyFolder;
	q[2].input_handle = 2;
	q[2].u.empty_folder.want_delete_associated = 1;
	q[3].rop_id = ROP_ID_Release;
	q[3].input_handle = 2;
	q[4].rop_id = ROP_ID_Release;
	q[4].input_handle = 1;
	if (mc_emsmdb_execute(mem_ctx, r->s, &opts, q, 5, in, 3, NULL, &resps, &n, &handles, &nh) <
	        0 ||
	    mc_check_rops(r->s, resps, n, 3) < 0)
		return -1;
	return add_obj(r, ref, resps[1].u.create_folder.folder_id, 0);
}

/* A JSON value as the property tag's type says. */
static int seed_value(TALLOC_CTX *mem_ctx, json_object *p, struct mapi_propval *v)
{
	json_object *t, *val;
	if (!json_object_object_get_ex(p, "tag", &t) ||
	    !json_object_object_get_ex(p, "value", &val))
		return -1;
	v->tag = (uint32_t)strtoul(json_object_get_string(t), NULL, 16);
	switch (PROP_TYPE(v->tag)) {
	case PT_UNICODE:
		v->v.str = talloc_strdup(mem_ctx, json_object_get_string(val));
		return v->v.str != NULL ? 0 : -1;
	case PT_LONG:
		v->v.i32 = json_object_get_int(val);
		return 0;
	case PT_BOOLEAN:
		v->v.b = json_object_get_boolean(val);
		return 0;
	case PT_I8:
	case PT_SYSTIME:
		v->v.i64 = json_object_get_int64(val);
		return 0;
	case PT_BINARY: {
		const char *hex = json_object_get_string(val);
		size_t len = strlen(hex) / 2;
		v->v.bin.data = talloc_zero_array(mem_ctx, uint8_t, len + 1);
		v->v.bin.len = (uint32_t)len;
		for (size_t i = 0; v->v.bin.data != NULL && i < len; i++) {
			char b[3] = {hex[2 * i], hex[2 * i + 1], 0};
			v->v.bin.data[i] = (uint8_t)strtoul(b, NULL, 16);
		}
		return v->v.bin.data != NULL ? 0 : -1;
	}
	default:
		return -1;
	}
}

/* [MS-OXCMSG] 3.1.4.1 / 2.2.3.2: RopCreateMessage, RopSetProperties,
 * RopSaveChangesMessage. */
static int seed_message(TALLOC_CTX *mem_ctx, struct mc_replay_state *r, json_object *m)
{
	const char *ref = jstr(m, "ref"), *folder = jstr(m, "folder");
	uint64_t fid, mid;
	json_object *props;
	if (ref == NULL || mc_replay_seed_find(r, folder, &fid, &mid) != 1 || mid != 0 ||
	    !json_object_object_get_ex(m, "props", &props) ||
	    !json_object_is_type(props, json_type_array))
		return mc_fail(r->s, MC_E_USAGE, "_seed: message %s: no ref, folder or props",
		               ref ? ref : "?");
	size_t np = json_object_array_length(props);
	struct mapi_propval *vals = talloc_zero_array(mem_ctx, struct mapi_propval, np + 1);
	for (size_t i = 0; vals != NULL && i < np; i++) {
		if (seed_value(mem_ctx, json_object_array_get_idx(props, i), &vals[i]) < 0)
			return mc_fail(r->s, MC_E_USAGE, "_seed: message %s: property %zu", ref, i);
	}
	struct rop_response *resps;
	uint32_t *handles, in[2] = {r->logon->handle, MC_NEW_HANDLE};
	size_t n, nh;
	struct mc_execute_opts opts = mc_store_execute_opts(r->s);
	struct rop_request q[4];
	memset(q, 0, sizeof(q));
	q[0].rop_id = ROP_ID_CreateMessage;
	q[0].output_handle = 1;
	q[0].u.create_message.code_page_id = 0x0FFF;
	q[0].u.create_message.folder_id = fid;
	q[1].rop_id = ROP_ID_SetProperties;
	q[1].input_handle = 1;
	q[1].u.set_properties.vals = (struct mapi_propval_array){(uint32_t)np, vals};
	q[2].rop_id = ROP_ID_SaveChangesMessage;
	q[2].input_handle = 1;
	q[2].response_handle = 1;
	q[2].u.save_changes_message.save_flags = 0x01; /* KeepOpenReadOnly */
	q[3].rop_id = ROP_ID_Release;
	q[3].input_handle = 1;
	if (vals == NULL ||
	    mc_emsmdb_execute(mem_ctx, r->s, &opts, q, 4, in, 2, NULL, &resps, &n, &handles, &nh) <
	        0 ||
	    mc_check_rops(r->s, resps, n, 3) < 0)
		return -1;
	return add_obj(r, ref, fid, resps[2].u.save_changes_message.message_id);
}

/* "ids": the example's 8-byte IDs learned as the created objects' IDs. */
static int seed_ids(struct mc_replay_state *r, json_object *ids)
{
	json_object_object_foreach(ids, key, val)
	{
		uint64_t fid, mid, from = 0;
		if (strlen(key) != 16 || !json_object_is_type(val, json_type_string) ||
		    mc_replay_seed_find(r, json_object_get_string(val), &fid, &mid) != 1)
			return mc_fail(r->s, MC_E_USAGE, "_seed: ids: %s names nothing made", key);
		for (int b = 7; b >= 0; b--) {
			char byte[3] = {key[2 * b], key[2 * b + 1], 0};
			from = from << 8 | strtoul(byte, NULL, 16);
		}
		mc_replay_learn_id(r, from, mid != 0 ? mid : fid);
	}
	return 0;
}

int mc_replay_seed(TALLOC_CTX *mem_ctx, struct mc_replay_state *r, const char *seed)
{
	json_object *root = json_tokener_parse(seed), *a;
	int ret = -1;
	if (root == NULL)
		return mc_fail(r->s, MC_E_USAGE, "_seed: not JSON");
	struct mh_connect_resp conn;
	r->logon = talloc_zero(r->mem_ctx, struct mc_logon);
	if (r->logon == NULL || mc_emsmdb_connect(mem_ctx, r->s, &conn) < 0 ||
	    mc_store_logon(r->mem_ctx, r->s, r->logon) < 0)
		goto out;
	if (json_object_object_get_ex(root, "folders", &a) &&
	    json_object_is_type(a, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(a); i++) {
			if (seed_folder(mem_ctx, r, json_object_array_get_idx(a, i)) < 0)
				goto out;
		}
	}
	if (json_object_object_get_ex(root, "messages", &a) &&
	    json_object_is_type(a, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(a); i++) {
			if (seed_message(mem_ctx, r, json_object_array_get_idx(a, i)) < 0)
				goto out;
		}
	}
	if (json_object_object_get_ex(root, "ids", &a) &&
	    json_object_is_type(a, json_type_object) && seed_ids(r, a) < 0)
		goto out;
	fprintf(r->out, "seed: %zu folders and messages made, %zu IDs mapped\n", r->obj_count,
	        r->id_count);
	ret = 0;
out:
	json_object_put(root);
	return ret;
}

int mc_replay_seed_end(TALLOC_CTX *mem_ctx, struct mc_replay_state *r)
{
	return r->logon != NULL ? mc_emsmdb_disconnect(mem_ctx, r->s) : 0;
}
