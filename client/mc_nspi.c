/*
 * mc_nspi: NSPI over MAPI/HTTP, client side.
 */
#include "mc_nspi.h"

#include <inttypes.h>
#include <string.h>

#include "mc_http.h"
#include "rop_errors.h"

int mc_nspi_call(TALLOC_CTX *mem_ctx, struct mc_session *s, enum nspi_request_type type,
                 const void *req, void *resp)
{
	TALLOC_CTX *tmp = talloc_new(mem_ctx);
	const char *name = nspi_request_name(type);
	struct rop_push p;
	struct mc_mapi_resp r;
	int ret = -1;
	if (s->nspi_url == NULL) {
		mc_fail(s, MC_E_USAGE, "no AddressBook URL: run discovery first");
		goto out;
	}
	rop_push_init_growable(&p, tmp);
	enum rop_err e = nspi_req_push(&p, type, req);
	if (e != ROP_OK) {
		mc_fail(s, MC_E_USAGE, "%s: cannot encode the request (%s)", name, rop_strerror(e));
		goto out;
	}
	if (mc_mapi_request(tmp, s, s->nspi_url, name, p.data, p.ofs, &r) < 0)
		goto out;
	e = nspi_resp_pull(mem_ctx, type, r.body, r.body_len, resp);
	if (e != ROP_OK) {
		mc_fail(s, MC_E_PROTOCOL, "%s: undecodable response body (%s)", name,
		        rop_strerror(e));
		goto out;
	}
	/* Every response starts with StatusCode and (on success) ErrorCode. */
	const struct nspi_resp_head *head = resp;
	if (head->status_code != 0) {
		mc_fail(s, MC_E_SERVER, "%s: StatusCode 0x%08" PRIx32 " (%s)", name,
		        head->status_code,
		        rop_error_name(head->status_code) ? rop_error_name(head->status_code)
		                                          : "unknown");
		goto out;
	}
	/* [MS-OXNSPI] 3.1.4.1.2: Unbind succeeds with UNBIND_SUCCESS (1). */
	uint32_t success = type == NSPI_UNBIND ? 0x1 : 0x0;
	if (head->error_code != success) {
		mc_fail(s, MC_E_SERVER, "%s: ErrorCode 0x%08" PRIx32 " (%s)", name,
		        head->error_code,
		        rop_error_name(head->error_code) ? rop_error_name(head->error_code)
		                                         : "unknown");
		goto out;
	}
	ret = 0;
out:
	talloc_free(tmp);
	return ret;
}

void mc_nspi_default_stat(struct nspi_stat *st)
{
	memset(st, 0, sizeof(*st));
	st->sort_type = 0;    /* SortTypeDisplayName */
	st->container_id = 0; /* the Global Address List */
	st->current_rec = 0;  /* MID_BEGINNING_OF_TABLE */
	st->code_page = 1252;
	st->template_locale = 0x409;
	st->sort_locale = 0x409;
}

int mc_nspi_bind(TALLOC_CTX *mem_ctx, struct mc_session *s, struct mapi_guid *server_guid_r)
{
	struct nspi_stat st;
	struct nspi_bind_resp resp;
	mc_nspi_default_stat(&st);
	struct nspi_bind_req req = {.flags = 0, .state = &st};
	if (mc_nspi_call(mem_ctx, s, NSPI_BIND, &req, &resp) < 0)
		return -1;
	if (server_guid_r != NULL)
		*server_guid_r = resp.server_guid;
	return 0;
}

int mc_nspi_unbind(TALLOC_CTX *mem_ctx, struct mc_session *s)
{
	struct nspi_unbind_req req = {0};
	struct nspi_unbind_resp resp;
	return mc_nspi_call(mem_ctx, s, NSPI_UNBIND, &req, &resp);
}

const struct mapi_propval *mc_nspi_row_value(const struct nspi_rowset *rows, size_t row,
                                             uint32_t tag)
{
	if (rows == NULL || row >= rows->count)
		return NULL;
	const struct mapi_propval_array *v = &rows->rows[row].vals;
	for (uint32_t i = 0; i < v->count; i++) {
		if (v->vals[i].tag == tag)
			return &v->vals[i];
	}
	return NULL;
}
