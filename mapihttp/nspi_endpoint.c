/*
 * /mapi/nspi: every request type of [MS-OXCMAPIHTTP] 2.2.5 decoded with
 * ropcodec/mh_nspi.h, served by addrbook/addrbook.h with [MS-OXNSPI]
 * semantics, encoded back.  Failures of the operation travel in the
 * body's ErrorCode ([MS-OXNSPI] 2.2.1.2); transport problems are the
 * layer's X-ResponseCode.
 */
#include "mh_private.h"

#include <string.h>
#include <strings.h>

#include "addrbook.h"
#include "log.h"
#include "mh_nspi.h"

/* PING is not in the codec's list: it has no body ([MS-OXCMAPIHTTP] 2.2.6). */
#define NSPI_PING NSPI_REQUEST_TYPE_COUNT
/* A failure body's StatusCode when the answer cannot be encoded. */
#define NSPI_STATUS_FAILURE 0x80004005u

/* [MS-OXNSPI] 3.1.4.1.8: the columns QueryRows uses when the client names
 * none (the engine's default set, spelled out so the answer's Columns
 * field can name them). */
static uint32_t default_column_tags[] = {
    PROP_TAG(PT_LONG, 0xFFFD),    /* PidTagAddressBookContainerId */
    PROP_TAG(PT_LONG, 0x0FFE),    /* PidTagObjectType */
    PROP_TAG(PT_LONG, 0x3900),    /* PidTagDisplayType */
    PROP_TAG(PT_STRING8, 0x3001), /* PidTagDisplayName */
    PROP_TAG(PT_STRING8, 0x3A1A), /* PidTagPrimaryTelephoneNumber */
    PROP_TAG(PT_STRING8, 0x3A18), /* PidTagDepartmentName */
    PROP_TAG(PT_STRING8, 0x3A19), /* PidTagOfficeLocation */
};
static const struct mapi_proptag_array default_columns = {
    .count = sizeof(default_column_tags) / sizeof(default_column_tags[0]),
    .tags = default_column_tags,
};

static int nspi_lookup(const char *name, int *type_r)
{
	enum nspi_request_type t;

	if (strcasecmp(name, "PING") == 0) {
		*type_r = NSPI_PING;
		return 1;
	}
	if (nspi_request_lookup(name, &t) != 1)
		return 0;
	*type_r = (int)t;
	return 1;
}

static const char *nspi_type_name(int type)
{
	return type == NSPI_PING ? "PING" : nspi_request_name((enum nspi_request_type)type);
}

static enum mh_kind nspi_kind(int type)
{
	switch (type) {
	case NSPI_BIND:
		return MH_KIND_CREATE;
	case NSPI_UNBIND:
		return MH_KIND_DESTROY;
	case NSPI_PING:
		return MH_KIND_PING;
	default:
		return MH_KIND_SESSION;
	}
}

static bool nspi_checks_sequence(int type)
{
	return false;
}

static enum mh_response_code nspi_decode(struct mh_call *call)
{
	enum nspi_request_type type = (enum nspi_request_type)call->type;
	enum rop_err err;

	call->req = talloc_zero_size(call, nspi_req_size(type));
	if (call->req == NULL)
		return MH_RC_UNKNOWN_FAILURE;
	err = nspi_req_pull(call, type, call->body, call->body_len, call->req);
	if (err != ROP_OK) {
		log_info("mapihttp", "nspi-bad-body type=%s bytes=%zu error=\"%s\" user=%s",
		         call->request_type, call->body_len, rop_strerror(err), call->auth_user);
		return MH_RC_INVALID_REQUEST_BODY;
	}
	return MH_RC_SUCCESS;
}

static void stat_in(const struct nspi_stat *in, struct ab_stat *out)
{
	if (in == NULL) {
		/* [MS-OXNSPI] 2.2.8 defaults: GAL, display-name order, 1252. */
		*out = (struct ab_stat){.codepage = 1252,
		                        .template_locale = AB_LCID_DEFAULT,
		                        .sort_locale = AB_LCID_DEFAULT};
		return;
	}
	*out = (struct ab_stat){in->sort_type, in->container_id,    in->current_rec,
	                        in->delta,     in->num_pos,         in->total_recs,
	                        in->code_page, in->template_locale, in->sort_locale};
}

static struct nspi_stat *stat_out(struct mh_call *call, const struct ab_stat *in)
{
	struct nspi_stat *s = talloc(call, struct nspi_stat);

	if (s != NULL)
		*s = (struct nspi_stat){in->sort_type, in->container_id,    in->cur_rec,
		                        in->delta,     in->num_pos,         in->total_recs,
		                        in->codepage,  in->template_locale, in->sort_locale};
	return s;
}

static struct nspi_mids *mids_out(struct mh_call *call, const struct ab_mids *in)
{
	struct nspi_mids *m = talloc_zero(call, struct nspi_mids);

	if (m != NULL) {
		m->count = in->count;
		m->ids = in->mids;
	}
	return m;
}

static bool row_needs_flags(const struct mapi_proptag_array *cols,
                            const struct mapi_propval_array *row)
{
	for (uint32_t i = 0; i < row->count; i++) {
		uint16_t t = PROP_TYPE(row->vals[i].tag);

		if (t == PT_ERROR || t == PT_NULL ||
		    (PROP_TYPE(cols->tags[i]) != PT_UNSPECIFIED && t != PROP_TYPE(cols->tags[i])))
			return true;
	}
	return false;
}

/* The Columns / RowCount / RowData group of an answer.  Without requested
 * columns they are taken from the first row (PtypUnspecified where it
 * holds an error, so the type travels with each value). */
static struct nspi_rowset *rowset_out(struct mh_call *call, const struct mapi_proptag_array *cols,
                                      const struct ab_rowset *rows)
{
	struct nspi_rowset *rs = talloc_zero(call, struct nspi_rowset);

	if (rs == NULL)
		return NULL;
	if (cols != NULL) {
		rs->columns = *cols;
	} else if (rows->count > 0) {
		const struct mapi_propval_array *r0 = &rows->rows[0];

		rs->columns.count = r0->count;
		rs->columns.tags = talloc_array(rs, uint32_t, r0->count + 1);
		if (rs->columns.tags == NULL)
			return NULL;
		for (uint32_t i = 0; i < r0->count; i++) {
			uint32_t tag = r0->vals[i].tag;
			uint16_t t = PROP_TYPE(tag);

			rs->columns.tags[i] = (t == PT_ERROR || t == PT_NULL)
			                          ? CHANGE_PROP_TYPE(tag, PT_UNSPECIFIED)
			                          : tag;
		}
	}
	rs->count = rows->count;
	rs->rows = talloc_zero_array(rs, struct nspi_row, rows->count + 1);
	if (rs->rows == NULL)
		return NULL;
	for (uint32_t i = 0; i < rows->count; i++) {
		if (rows->rows[i].count != rs->columns.count)
			return NULL;
		rs->rows[i].vals = rows->rows[i];
		rs->rows[i].flags = row_needs_flags(&rs->columns, &rows->rows[i]) ? 0x01 : 0x00;
	}
	return rs;
}

static void encode(struct mh_call *call, void *resp)
{
	enum nspi_request_type type = (enum nspi_request_type)call->type;
	struct rop_push p;
	enum rop_err err;

	rop_push_init_growable(&p, call);
	err = nspi_resp_push(&p, type, resp);
	if (err != ROP_OK) {
		/* The failure body: StatusCode and an empty auxiliary buffer. */
		struct nspi_resp_head *head = talloc_zero_size(call, nspi_resp_size(type));

		log_error("mapihttp", "nspi-encode type=%s error=\"%s\"", call->request_type,
		          rop_strerror(err));
		rop_push_init_growable(&p, call);
		if (head == NULL)
			return;
		head->status_code = NSPI_STATUS_FAILURE;
		if (nspi_resp_push(&p, type, head) != ROP_OK)
			return;
	}
	call->resp = p.data;
	call->resp_len = p.ofs;
}

static void log_result(struct mh_call *call, enum ab_error e)
{
	log_debug("mapihttp", "nspi type=%s user=%s result=%s", call->request_type, call->auth_user,
	          ab_strerror(e));
}

static enum ab_error run_bind(struct mh_call *call, struct nspi_bind_resp *resp)
{
	const struct nspi_bind_req *req = call->req;
	struct ab_session *abs = NULL;
	struct ab_stat stat;
	enum ab_error e;

	stat_in(req->state, &stat);
	e = ab_bind(call->session, call->srv->ab, req->flags, &stat, call->auth_user, &abs);
	if (e == AB_E_OK) {
		call->session->engine = abs;
		call->created = true;
		addrbook_server_guid(call->srv->ab, &resp->server_guid);
	}
	return e;
}

/* The tail shared by the handlers that answer a STAT and, when the client
 * named columns, the rows ([MS-OXNSPI] 3.1.4.1.8, 3.1.4.1.9, 3.1.4.1.10); e is
 * the handler's own result, kept when nothing fails here. */
static enum ab_error state_and_rows_out(struct mh_call *call, const struct ab_stat *stat,
                                        const struct mapi_proptag_array *cols,
                                        const struct ab_rowset *rows, struct nspi_stat **state_r,
                                        struct nspi_rowset **rows_r, enum ab_error e)
{
	*state_r = stat_out(call, stat);
	if (*state_r == NULL)
		return AB_E_NO_MEMORY;
	if (cols != NULL) {
		*rows_r = rowset_out(call, cols, rows);
		if (*rows_r == NULL)
			return AB_E_NO_MEMORY;
	}
	return e;
}

static enum ab_error run_query_rows(struct mh_call *call, struct ab_session *abs, void *r)
{
	const struct nspi_query_rows_req *req = call->req;
	struct nspi_query_rows_resp *resp = r;
	const struct mapi_proptag_array *cols =
	    req->columns != NULL ? req->columns : &default_columns;
	struct ab_mids ex = {req->explicit_table.count, req->explicit_table.ids};
	struct ab_rowset rows;
	struct ab_stat stat;
	enum ab_error e;

	if (req->state == NULL)
		return AB_E_INVALID_PARAMETER;
	stat_in(req->state, &stat);
	e = ab_query_rows(abs, call, req->flags, &stat, ex.count > 0 ? &ex : NULL, req->row_count,
	                  cols, &rows);
	if (e != AB_E_OK && e != AB_E_ERRORS_RETURNED)
		return e;
	return state_and_rows_out(call, &stat, cols, &rows, &resp->state, &resp->rows, e);
}

static enum ab_error run_seek_entries(struct mh_call *call, struct ab_session *abs, void *r)
{
	const struct nspi_seek_entries_req *req = call->req;
	struct nspi_seek_entries_resp *resp = r;
	struct ab_mids ex = {0, NULL};
	struct ab_rowset rows;
	struct ab_stat stat;
	uint32_t max_rows;
	enum ab_error e;

	if (req->state == NULL || req->target == NULL)
		return AB_E_INVALID_PARAMETER;
	if (req->explicit_table != NULL)
		ex = (struct ab_mids){req->explicit_table->count, req->explicit_table->ids};
	/* [MS-OXNSPI] 3.1.4.1.9: with an explicit table its rows come back;
	 * otherwise the row the STAT now points at. */
	max_rows = req->explicit_table != NULL ? ex.count : 1;
	stat_in(req->state, &stat);
	e = ab_seek_entries(abs, call, &stat, req->target, req->explicit_table != NULL ? &ex : NULL,
	                    req->columns, max_rows, &rows);
	if (e != AB_E_OK && e != AB_E_ERRORS_RETURNED)
		return e;
	return state_and_rows_out(call, &stat, req->columns, &rows, &resp->state, &resp->rows, e);
}

static enum ab_error run_get_matches(struct mh_call *call, struct ab_session *abs, void *r)
{
	const struct nspi_get_matches_req *req = call->req;
	struct nspi_get_matches_resp *resp = r;
	struct ab_rowset rows;
	struct ab_mids mids;
	struct ab_stat stat;
	enum ab_error e;

	if (req->state == NULL)
		return AB_E_INVALID_PARAMETER;
	stat_in(req->state, &stat);
	e = ab_get_matches(abs, call, &stat, req->filter, req->row_count, req->columns, &mids,
	                   &rows);
	if (e != AB_E_OK && e != AB_E_ERRORS_RETURNED)
		return e;
	resp->mids = mids_out(call, &mids);
	if (resp->mids == NULL)
		return AB_E_NO_MEMORY;
	return state_and_rows_out(call, &stat, req->columns, &rows, &resp->state, &resp->rows, e);
}

static enum ab_error run_resolve_names(struct mh_call *call, struct ab_session *abs, void *r)
{
	const struct nspi_resolve_names_req *req = call->req;
	struct nspi_resolve_names_resp *resp = r;
	struct ab_rowset rows;
	struct ab_mids mids;
	struct ab_stat stat;
	enum ab_error e;

	if (req->state == NULL)
		return AB_E_INVALID_PARAMETER;
	stat_in(req->state, &stat);
	e = ab_resolve_names(abs, call, &stat,
	                     (const char *const *)(req->names ? req->names->strs : NULL),
	                     req->names != NULL ? req->names->count : 0, req->tags, &mids, &rows);
	if (e == AB_E_OK || e == AB_E_ERRORS_RETURNED) {
		resp->code_page = stat.codepage;
		resp->mids = mids_out(call, &mids);
		resp->rows = rowset_out(call, req->tags, &rows);
		if (resp->mids == NULL || resp->rows == NULL)
			return AB_E_NO_MEMORY;
	}
	return e;
}

static enum ab_error run_get_props(struct mh_call *call, struct ab_session *abs, void *r)
{
	const struct nspi_get_props_req *req = call->req;
	struct nspi_get_props_resp *resp = r;
	struct mapi_propval_array *row = talloc_zero(call, struct mapi_propval_array);
	struct ab_stat stat;
	enum ab_error e;

	if (req->state == NULL)
		return AB_E_INVALID_PARAMETER;
	if (row == NULL)
		return AB_E_NO_MEMORY;
	stat_in(req->state, &stat);
	e = ab_get_props(abs, call, req->flags, &stat, req->tags, row);
	if (e == AB_E_OK || e == AB_E_ERRORS_RETURNED) {
		resp->code_page = stat.codepage;
		resp->values = row;
	}
	return e;
}

static enum ab_error run_special_table(struct mh_call *call, struct ab_session *abs, void *r)
{
	const struct nspi_get_special_table_req *req = call->req;
	struct nspi_get_special_table_resp *resp = r;
	uint32_t version = req->version.present ? req->version.value : 0;
	struct ab_rowset rows;
	struct ab_stat stat;
	enum ab_error e;

	stat_in(req->state, &stat);
	e = ab_get_special_table(abs, call, req->flags, &stat, &version, &rows);
	if (e == AB_E_OK || e == AB_E_ERRORS_RETURNED) {
		resp->code_page = stat.codepage;
		resp->version = (struct nspi_opt_u32){true, version};
		resp->rows = talloc_zero(call, struct nspi_value_lists);
		if (resp->rows == NULL)
			return AB_E_NO_MEMORY;
		resp->rows->count = rows.count;
		resp->rows->lists = rows.rows;
	}
	return e;
}

/* The request types that only move through the STAT or read lists. */
static enum ab_error run_misc(struct mh_call *call, struct ab_session *abs, void *r)
{
	struct ab_stat stat;
	struct ab_mids mids;
	enum ab_error e;

	switch (call->type) {
	case NSPI_UPDATE_STAT: {
		const struct nspi_update_stat_req *req = call->req;
		struct nspi_update_stat_resp *resp = r;
		int32_t delta = 0;

		if (req->state == NULL)
			return AB_E_INVALID_PARAMETER;
		stat_in(req->state, &stat);
		e = ab_update_stat(abs, &stat, &delta);
		if (e == AB_E_OK) {
			resp->state = stat_out(call, &stat);
			resp->delta =
			    (struct nspi_opt_u32){req->delta_requested != 0, (uint32_t)delta};
		}
		return e;
	}
	case NSPI_COMPARE_MIDS: {
		const struct nspi_compare_mids_req *req = call->req;
		struct nspi_compare_mids_resp *resp = r;
		int32_t result = 0;

		if (req->state == NULL)
			return AB_E_INVALID_PARAMETER;
		stat_in(req->state, &stat);
		e = ab_compare_mids(abs, &stat, req->mid1, req->mid2, &result);
		resp->result = (uint32_t)result;
		return e;
	}
	case NSPI_DN_TO_MID: {
		const struct nspi_dn_to_mid_req *req = call->req;
		struct nspi_dn_to_mid_resp *resp = r;

		e = ab_dn_to_mid(abs, call,
		                 (const char *const *)(req->names ? req->names->strs : NULL),
		                 req->names != NULL ? req->names->count : 0, &mids);
		if (e == AB_E_OK && (resp->mids = mids_out(call, &mids)) == NULL)
			return AB_E_NO_MEMORY;
		return e;
	}
	case NSPI_RESORT_RESTRICTION: {
		const struct nspi_resort_restriction_req *req = call->req;
		struct nspi_resort_restriction_resp *resp = r;
		struct ab_mids in = {0, NULL};

		if (req->state == NULL)
			return AB_E_INVALID_PARAMETER;
		if (req->mids != NULL)
			in = (struct ab_mids){req->mids->count, req->mids->ids};
		stat_in(req->state, &stat);
		e = ab_resort_restriction(abs, call, &stat, &in, &mids);
		if (e == AB_E_OK) {
			resp->state = stat_out(call, &stat);
			resp->mids = mids_out(call, &mids);
		}
		return e;
	}
	}
	return AB_E_NOT_SUPPORTED;
}

static enum ab_error run_more(struct mh_call *call, struct ab_session *abs, void *r)
{
	struct ab_stat stat;
	enum ab_error e;

	switch (call->type) {
	case NSPI_GET_PROP_LIST: {
		const struct nspi_get_prop_list_req *req = call->req;
		struct nspi_get_prop_list_resp *resp = r;

		resp->tags = talloc_zero(call, struct mapi_proptag_array);
		if (resp->tags == NULL)
			return AB_E_NO_MEMORY;
		e = ab_get_prop_list(abs, call, req->flags, req->mid, req->code_page, resp->tags);
		if (e != AB_E_OK)
			resp->tags = NULL;
		return e;
	}
	case NSPI_QUERY_COLUMNS: {
		const struct nspi_query_columns_req *req = call->req;
		struct nspi_query_columns_resp *resp = r;

		resp->columns = talloc_zero(call, struct mapi_proptag_array);
		if (resp->columns == NULL)
			return AB_E_NO_MEMORY;
		e = ab_query_columns(abs, call, req->mapi_flags, resp->columns);
		if (e != AB_E_OK)
			resp->columns = NULL;
		return e;
	}
	case NSPI_GET_TEMPLATE_INFO: {
		const struct nspi_get_template_info_req *req = call->req;
		struct nspi_get_template_info_resp *resp = r;

		resp->row = talloc_zero(call, struct mapi_propval_array);
		if (resp->row == NULL)
			return AB_E_NO_MEMORY;
		e = ab_get_template_info(abs, call, req->flags, req->display_type, req->template_dn,
		                         req->code_page, req->locale_id, resp->row);
		resp->code_page = req->code_page;
		if (e != AB_E_OK)
			resp->row = NULL;
		return e;
	}
	case NSPI_MOD_PROPS: {
		const struct nspi_mod_props_req *req = call->req;

		if (req->state == NULL)
			return AB_E_INVALID_PARAMETER;
		stat_in(req->state, &stat);
		return ab_mod_props(abs, &stat, req->tags_to_remove, req->values);
	}
	case NSPI_MOD_LINK_ATT: {
		const struct nspi_mod_link_att_req *req = call->req;
		/* The engine refuses every change; the targets are EntryIDs it
		 * would resolve only to refuse them. */
		struct ab_mids none = {0, NULL};

		return ab_mod_link_att(abs, req->flags, req->prop_tag, req->mid, &none);
	}
	case NSPI_GET_MAILBOX_URL:
	case NSPI_GET_ADDRESS_BOOK_URL: {
		const struct nspi_get_url_req *req = call->req;
		struct nspi_get_url_resp *resp = r;

		if (req->dn == NULL)
			return AB_E_INVALID_PARAMETER;
		if (call->type == NSPI_GET_MAILBOX_URL)
			return ab_get_mailbox_url(abs, call, req->dn, &resp->server_url);
		return ab_get_address_book_url(abs, call, req->dn, &resp->server_url);
	}
	}
	return run_misc(call, abs, r);
}

static enum ab_error run_on_session(struct mh_call *call, void *resp)
{
	struct ab_session *abs = call->session != NULL ? call->session->engine : NULL;

	if (abs == NULL)
		return AB_E_GENERAL_FAILURE; /* the context ended while this waited */
	switch (call->type) {
	case NSPI_UNBIND:
		/* [MS-OXNSPI] 3.1.4.1.2: the context goes; UnbindSuccess. */
		mh_session_close(call->session);
		return AB_E_UNBIND_SUCCESS;
	case NSPI_QUERY_ROWS:
		return run_query_rows(call, abs, resp);
	case NSPI_SEEK_ENTRIES:
		return run_seek_entries(call, abs, resp);
	case NSPI_GET_MATCHES:
		return run_get_matches(call, abs, resp);
	case NSPI_RESOLVE_NAMES:
		return run_resolve_names(call, abs, resp);
	case NSPI_GET_PROPS:
		return run_get_props(call, abs, resp);
	case NSPI_GET_SPECIAL_TABLE:
		return run_special_table(call, abs, resp);
	default:
		return run_more(call, abs, resp);
	}
}

static void nspi_run(struct mh_call *call)
{
	enum nspi_request_type type = (enum nspi_request_type)call->type;
	struct nspi_resp_head *resp = talloc_zero_size(call, nspi_resp_size(type));
	enum ab_error e;

	if (resp == NULL)
		return;
	if (type == NSPI_BIND)
		e = run_bind(call, (struct nspi_bind_resp *)(void *)resp);
	else
		e = run_on_session(call, resp);
	log_result(call, e);
	resp->error_code = ab_error_nspi(e);
	if (e != AB_E_OK && e != AB_E_ERRORS_RETURNED && e != AB_E_UNBIND_SUCCESS) {
		/* [MS-OXNSPI]: on failure the output parameters are NULL. */
		struct nspi_resp_head head = *resp;

		memset(resp, 0, nspi_resp_size(type));
		*resp = head;
	}
	encode(call, resp);
}

static void nspi_wait_answer(struct mh_call *call, bool event_pending)
{
}

static bool nspi_has_events(struct mh_session *s)
{
	return false;
}

static void nspi_watch(struct mh_session *s, bool on)
{
}

static void nspi_engine_free(struct mh_session *s)
{
	struct ab_session *abs = s->engine;

	ab_unbind(&abs);
	s->engine = NULL;
}

const struct mh_endpoint_ops mh_nspi_ops = {
    .name = "nspi",
    .cookie_path = "/mapi/nspi",
    .sequence = false,
    .lookup = nspi_lookup,
    .type_name = nspi_type_name,
    .kind = nspi_kind,
    .checks_sequence = nspi_checks_sequence,
    .decode = nspi_decode,
    .run = nspi_run,
    .wait_answer = nspi_wait_answer,
    .has_events = nspi_has_events,
    .watch = nspi_watch,
    .engine_free = nspi_engine_free,
};
