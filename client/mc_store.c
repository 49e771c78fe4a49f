/*
 * mc_store: RopLogon and folder ROPs of the client.
 */
#include "mc_store.h"

#include <inttypes.h>
#include <string.h>

#include "rop_errors.h"
#include "rpc_ext.h"

/* As Outlook: requests compressed and obfuscated, responses allowed both
 * ([MS-OXCRPC] 3.1.4.2.1, 3.1.4.1.1.3); with --no-compress neither way
 * (Execute Flags NoCompression | NoXorMagic). */
struct mc_execute_opts mc_store_execute_opts(const struct mc_session *s)
{
	struct mc_execute_opts o = {
	    .flags = 0,
	    .encode_flags = RPC_EXT_ENCODE_COMPRESS | RPC_EXT_ENCODE_XOR,
	};
	if (s->opts.no_compress) {
		o.flags = RPC_EXT_PUL_NOCOMPRESSION | RPC_EXT_PUL_NOXORMAGIC;
		o.encode_flags = 0;
	}
	return o;
}

int mc_check_rops(struct mc_session *s, const struct rop_response *resps, size_t n, size_t expected)
{
	for (size_t i = 0; i < n; i++) {
		uint32_t rv = resps[i].return_value;
		if (rv != 0)
			return mc_fail(s, MC_E_SERVER, "%s: ReturnValue 0x%08" PRIx32 " (%s)",
			               rop_name(resps[i].rop_id), rv,
			               rop_error_name(rv) ? rop_error_name(rv) : "unknown");
	}
	if (n != expected)
		return mc_fail(s, MC_E_PROTOCOL, "Execute: %zu ROP responses for %zu requests", n,
		               expected);
	return 0;
}

int mc_store_logon(TALLOC_CTX *mem_ctx, struct mc_session *s, struct mc_logon *logon_r)
{
	TALLOC_CTX *tmp = talloc_new(mem_ctx);
	struct rop_response *resps;
	uint32_t *handles, in_handles[1] = {MC_NEW_HANDLE};
	size_t n, nh;
	struct mc_execute_opts opts = mc_store_execute_opts(s);
	int ret = -1;
	struct rop_request req = {.rop_id = ROP_ID_Logon, .logon_id = 0, .output_handle = 0};
	req.u.logon.logon_flags = 0x01;      /* Private */
	req.u.logon.open_flags = 0x0100040C; /* HOME_LOGON|TAKE_OWNERSHIP|NO_MAIL|PER_MDB_REPLID */
	req.u.logon.store_state = 0;
	req.u.logon.essdn = talloc_strdup(tmp, s->legacy_dn ? s->legacy_dn : "");
	if (mc_emsmdb_execute(mem_ctx, s, &opts, &req, 1, in_handles, 1, NULL, &resps, &n, &handles,
	                      &nh) < 0 ||
	    mc_check_rops(s, resps, n, 1) < 0)
		goto out;
	if (nh < 1 || resps[0].rop_id != ROP_ID_Logon) {
		mc_fail(s, MC_E_PROTOCOL, "RopLogon: no handle in the response");
		goto out;
	}
	logon_r->handle = handles[resps[0].handle_index < nh ? resps[0].handle_index : 0];
	logon_r->resp = resps[0].u.logon;
	ret = 0;
out:
	talloc_free(tmp);
	return ret;
}

int mc_store_receive_folder(TALLOC_CTX *mem_ctx, struct mc_session *s, const struct mc_logon *logon,
                            const char *message_class, uint64_t *fid_r)
{
	TALLOC_CTX *tmp = talloc_new(mem_ctx);
	struct rop_response *resps;
	uint32_t *handles, in_handles[1] = {logon->handle};
	size_t n, nh;
	struct mc_execute_opts opts = mc_store_execute_opts(s);
	int ret = -1;
	struct rop_request req = {.rop_id = ROP_ID_GetReceiveFolder, .input_handle = 0};
	req.u.get_receive_folder.message_class = talloc_strdup(tmp, message_class);
	if (mc_emsmdb_execute(mem_ctx, s, &opts, &req, 1, in_handles, 1, NULL, &resps, &n, &handles,
	                      &nh) < 0 ||
	    mc_check_rops(s, resps, n, 1) < 0)
		goto out;
	*fid_r = resps[0].u.get_receive_folder.folder_id;
	ret = 0;
out:
	talloc_free(tmp);
	return ret;
}

/* RopOpenFolder, a table of it (hierarchy or contents), RopSetColumns,
 * RopQueryRows, RopRelease of the table: one Execute. */
static int store_table(TALLOC_CTX *mem_ctx, struct mc_session *s, const struct mc_logon *logon,
                       uint64_t fid, uint8_t table_rop, uint8_t table_flags,
                       const struct mapi_proptag_array *columns, uint16_t max_rows,
                       struct rop_row_list *rows_r)
{
	struct rop_response *resps;
	uint32_t *handles, in_handles[3] = {logon->handle, MC_NEW_HANDLE, MC_NEW_HANDLE};
	size_t n, nh;
	struct mc_execute_opts opts = mc_store_execute_opts(s);
	struct rop_request reqs[5];
	memset(reqs, 0, sizeof(reqs));
	reqs[0].rop_id = ROP_ID_OpenFolder; /* [MS-OXCFOLD] 2.2.1.1 */
	reqs[0].input_handle = 0;
	reqs[0].output_handle = 1;
	reqs[0].u.open_folder.folder_id = fid;
	reqs[1].rop_id = table_rop; /* [MS-OXCFOLD] 2.2.1.13 / 2.2.1.14 */
	reqs[1].input_handle = 1;
	reqs[1].output_handle = 2;
	if (table_rop == ROP_ID_GetHierarchyTable)
		reqs[1].u.get_hierarchy_table.table_flags = table_flags;
	else
		reqs[1].u.get_contents_table.table_flags = table_flags;
	reqs[2].rop_id = ROP_ID_SetColumns; /* [MS-OXCTABL] 2.2.2.2 */
	reqs[2].input_handle = 2;
	reqs[2].u.set_columns.tags = *columns;
	reqs[3].rop_id = ROP_ID_QueryRows; /* [MS-OXCTABL] 2.2.2.5 */
	reqs[3].input_handle = 2;
	reqs[3].u.query_rows.forward_read = 1;
	reqs[3].u.query_rows.row_count = max_rows;
	reqs[4].rop_id = ROP_ID_Release;
	reqs[4].input_handle = 2;
	struct rop_decode_ctx ctx = {.columns = columns};
	if (mc_emsmdb_execute(mem_ctx, s, &opts, reqs, 5, in_handles, 3, &ctx, &resps, &n, &handles,
	                      &nh) < 0 ||
	    mc_check_rops(s, resps, n, 4) < 0)
		return -1;
	*rows_r = resps[3].u.query_rows.rows;
	return 0;
}

int mc_store_hierarchy(TALLOC_CTX *mem_ctx, struct mc_session *s, const struct mc_logon *logon,
                       uint64_t fid, bool deep, const struct mapi_proptag_array *columns,
                       uint16_t max_rows, struct rop_row_list *rows_r)
{
	/* TableFlags Depth 0x04 ([MS-OXCFOLD] 2.2.1.13.1) */
	return store_table(mem_ctx, s, logon, fid, ROP_ID_GetHierarchyTable, deep ? 0x04 : 0x00,
	                   columns, max_rows, rows_r);
}

int mc_store_contents(TALLOC_CTX *mem_ctx, struct mc_session *s, const struct mc_logon *logon,
                      uint64_t fid, const struct mapi_proptag_array *columns, uint16_t max_rows,
                      struct rop_row_list *rows_r)
{
	return store_table(mem_ctx, s, logon, fid, ROP_ID_GetContentsTable, 0x00, columns, max_rows,
	                   rows_r);
}

int mc_store_message_props(TALLOC_CTX *mem_ctx, struct mc_session *s, const struct mc_logon *logon,
                           uint64_t fid, uint64_t mid, const struct mapi_proptag_array *tags,
                           struct rop_property_row *row_r)
{
	struct rop_response *resps;
	uint32_t *handles, in_handles[2] = {logon->handle, MC_NEW_HANDLE};
	size_t n, nh;
	struct mc_execute_opts opts = mc_store_execute_opts(s);
	struct rop_request reqs[3];
	memset(reqs, 0, sizeof(reqs));
	reqs[0].rop_id = ROP_ID_OpenMessage; /* [MS-OXCMSG] 2.2.3.1, read-only */
	reqs[0].input_handle = 0;
	reqs[0].output_handle = 1;
	reqs[0].u.open_message.code_page_id = 0x0FFF; /* the logon's code page */
	reqs[0].u.open_message.folder_id = fid;
	reqs[0].u.open_message.open_mode_flags = 0x00;
	reqs[0].u.open_message.message_id = mid;
	reqs[1].rop_id = ROP_ID_GetPropertiesSpecific; /* [MS-OXCPRPT] 2.2.2 */
	reqs[1].input_handle = 1;
	reqs[1].u.get_properties_specific.want_unicode = 1;
	reqs[1].u.get_properties_specific.tags = *tags;
	reqs[2].rop_id = ROP_ID_Release;
	reqs[2].input_handle = 1;
	/* the tags also let --trace print the row (rop_print.h) */
	struct rop_decode_ctx ctx = {.columns = tags};
	if (mc_emsmdb_execute(mem_ctx, s, &opts, reqs, 3, in_handles, 2, &ctx, &resps, &n, &handles,
	                      &nh) < 0 ||
	    mc_check_rops(s, resps, n, 2) < 0)
		return -1;
	*row_r = resps[1].u.get_properties_specific.row;
	return 0;
}

int mc_store_folder_props(TALLOC_CTX *mem_ctx, struct mc_session *s, const struct mc_logon *logon,
                          uint64_t fid, const struct mapi_proptag_array *tags,
                          struct rop_property_row *row_r)
{
	TALLOC_CTX *tmp = talloc_new(mem_ctx);
	struct rop_response *resps;
	uint32_t *handles, in_handles[2] = {logon->handle, MC_NEW_HANDLE};
	size_t n, nh;
	struct mc_execute_opts opts = mc_store_execute_opts(s);
	int ret = -1;
	struct rop_request reqs[3];
	memset(reqs, 0, sizeof(reqs));
	reqs[0].rop_id = ROP_ID_OpenFolder;
	reqs[0].input_handle = 0;
	reqs[0].output_handle = 1;
	reqs[0].u.open_folder.folder_id = fid;
	reqs[1].rop_id = ROP_ID_GetPropertiesSpecific; /* [MS-OXCPRPT] 2.2.2 */
	reqs[1].input_handle = 1;
	reqs[1].u.get_properties_specific.want_unicode = 1;
	reqs[1].u.get_properties_specific.tags = *tags;
	reqs[2].rop_id = ROP_ID_Release;
	reqs[2].input_handle = 1;
	/* the tags also let --trace print the row (rop_print.h) */
	struct rop_decode_ctx ctx = {.columns = tags};
	if (mc_emsmdb_execute(mem_ctx, s, &opts, reqs, 3, in_handles, 2, &ctx, &resps, &n, &handles,
	                      &nh) < 0 ||
	    mc_check_rops(s, resps, n, 2) < 0)
		goto out;
	*row_r = resps[1].u.get_properties_specific.row;
	ret = 0;
out:
	talloc_free(tmp);
	return ret;
}

int mc_store_logon_rops(TALLOC_CTX *mem_ctx, struct mc_session *s, const struct mc_logon *logon,
                        const struct rop_request *reqs, size_t count, struct rop_response **resps_r)
{
	uint32_t *handles, in_handles[1] = {logon->handle};
	size_t n, nh;
	struct mc_execute_opts opts = mc_store_execute_opts(s);
	if (mc_emsmdb_execute(mem_ctx, s, &opts, reqs, count, in_handles, 1, NULL, resps_r, &n,
	                      &handles, &nh) < 0 ||
	    mc_check_rops(s, *resps_r, n, count) < 0)
		return -1;
	return 0;
}

const struct mapi_propval *mc_row_value(const struct rop_property_row *row, uint32_t tag)
{
	for (uint32_t i = 0; i < row->vals.count; i++) {
		if (row->vals.vals[i].tag == tag)
			return &row->vals.vals[i];
	}
	return NULL;
}

int mc_store_register_newmail(TALLOC_CTX *mem_ctx, struct mc_session *s,
                              const struct mc_logon *logon, uint32_t *handle_r)
{
	struct rop_response *resps;
	uint32_t *handles, in_handles[2] = {logon->handle, MC_NEW_HANDLE};
	size_t n, nh;
	struct mc_execute_opts opts = mc_store_execute_opts(s);
	struct rop_request req = {.rop_id = ROP_ID_RegisterNotification, .output_handle = 1};
	/* [MS-OXCNOTIF] 2.2.1.2.1: NewMail (0x02) on the whole store, as
	 * Outlook registers at startup */
	req.u.register_notification.notification_types = 0x02;
	req.u.register_notification.want_whole_store = 1;
	if (mc_emsmdb_execute(mem_ctx, s, &opts, &req, 1, in_handles, 2, NULL, &resps, &n, &handles,
	                      &nh) < 0 ||
	    mc_check_rops(s, resps, n, 1) < 0)
		return -1;
	if (resps[0].handle_index >= nh)
		return mc_fail(s, MC_E_PROTOCOL,
		               "RopRegisterNotification: no handle in the response");
	*handle_r = handles[resps[0].handle_index];
	return 0;
}

int mc_store_collect(TALLOC_CTX *mem_ctx, struct mc_session *s, const uint32_t *handles,
                     size_t handle_count)
{
	struct rop_response *resps;
	uint32_t *out_handles;
	size_t n, nh;
	struct mc_execute_opts opts = mc_store_execute_opts(s);
	return mc_emsmdb_execute(mem_ctx, s, &opts, NULL, 0, handles, handle_count, NULL, &resps,
	                         &n, &out_handles, &nh);
}
