/*
 * Tests of the ROP table and the per-ROP codecs: the coverage report
 * (every RopId of [MS-OXCROPS] 2.2.2 has a row and a codec), and for every
 * ROP a request and a response built from its field table, encoded,
 * decoded, re-encoded byte for byte, and decoded cut at every offset.
 */
#include "rop.h"
#include "rop_print.h"
#include "test.h"

static const uint32_t sample_tag[1] = {PROP_TAG(PT_LONG, 0x0E08)};
static const struct mapi_proptag_array sample_cols = {1, (uint32_t *)sample_tag};

static struct mapi_propval *sample_vals(TALLOC_CTX *ctx)
{
	struct mapi_propval *v = talloc_zero(ctx, struct mapi_propval);
	v->tag = sample_tag[0];
	v->v.i32 = 7;
	return v;
}

static struct rop_property_row *sample_row(TALLOC_CTX *ctx)
{
	struct rop_property_row *r = talloc_zero(ctx, struct rop_property_row);
	r->vals.count = 1;
	r->vals.vals = sample_vals(ctx);
	return r;
}

#define AT(base, ofs, type) ((type *)(void *)((char *)(base) + (ofs)))

/* Fills the integer-like fields with n (0 or 1), everything else with a
 * small sample, so that conditionals take the branch n selects. */
static void fill_scalar(const struct rop_field *f, void *base, unsigned int n)
{
	switch (f->kind) {
	case FK_U8:
		*AT(base, f->ofs, uint8_t) = (uint8_t)n;
		break;
	case FK_U16:
		*AT(base, f->ofs, uint16_t) = (uint16_t)n;
		break;
	case FK_U32:
		*AT(base, f->ofs, uint32_t) = n;
		break;
	case FK_U64:
		*AT(base, f->ofs, uint64_t) = n;
		break;
	case FK_GUID:
	case FK_BYTES:
	case FK_LTID:
		memset(AT(base, f->ofs, uint8_t), 0x5A,
		       f->kind == FK_BYTES  ? f->aux
		       : f->kind == FK_GUID ? 16
		                            : sizeof(struct mapi_long_term_id));
		break;
	case FK_U64ARR:
		for (int i = 0; i < f->aux; i++)
			AT(base, f->ofs, uint64_t)[i] = 0x0102030405060708ull + (uint64_t)i;
		break;
	default:
		break;
	}
}

static void fill_aggregate(TALLOC_CTX *ctx, const struct rop_field *f, void *base, unsigned int n)
{
	struct mapi_binary *bin = AT(base, f->ofs, struct mapi_binary);
	struct mapi_restriction *res;

	switch (f->kind) {
	case FK_ASCIIZ:
	case FK_STRZ_SEL:
		*AT(base, f->ofs, char *) = talloc_strdup(ctx, "ab");
		break;
	case FK_ASCIIZ_SIZE16:
	case FK_ASCIIZ_SIZE8:
		*AT(base, f->ofs, char *) = n != 0 ? talloc_strdup(ctx, "srv") : NULL;
		break;
	case FK_BIN16:
	case FK_BIN32:
	case FK_REST:
		bin->len = 2;
		bin->data = (uint8_t *)talloc_memdup(ctx, "\x01\x02", 2);
		break;
	case FK_TAGS16:
		*AT(base, f->ofs, struct mapi_proptag_array) = sample_cols;
		break;
	case FK_PROPIDS16: {
		struct rop_propid_array *a = AT(base, f->ofs, struct rop_propid_array);
		a->count = 1;
		a->ids = talloc_zero(ctx, uint16_t);
		a->ids[0] = 0x8001;
		break;
	}
	case FK_TVALS16:
	case FK_TVALS_SIZED16: {
		struct mapi_propval_array *a = AT(base, f->ofs, struct mapi_propval_array);
		a->count = 1;
		a->vals = sample_vals(ctx);
		break;
	}
	case FK_PROBLEMS16: {
		struct rop_property_problem_array *a =
		    AT(base, f->ofs, struct rop_property_problem_array);
		a->count = 1;
		a->problems = talloc_zero(ctx, struct rop_property_problem);
		a->problems->err = 0x8004010F;
		break;
	}
	case FK_RES_SIZED16:
		res = NULL;
		if (n != 0) {
			res = talloc_zero(ctx, struct mapi_restriction);
			res->rt = RES_EXIST;
			res->u.exist.proptag = sample_tag[0];
		}
		*AT(base, f->ofs, struct mapi_restriction *) = res;
		break;
	case FK_SORTS: {
		struct mapi_sort_order_set *s = AT(base, f->ofs, struct mapi_sort_order_set);
		s->count = 1;
		s->sorts = talloc_zero(ctx, struct mapi_sort_order);
		s->sorts->proptag = sample_tag[0];
		break;
	}
	default:
		break;
	}
}

static void fill_lists(TALLOC_CTX *ctx, const struct rop_field *f, void *base, unsigned int n)
{
	switch (f->kind) {
	case FK_IDS16: {
		struct rop_id_array *a = AT(base, f->ofs, struct rop_id_array);
		a->count = 1;
		a->ids = talloc_zero(ctx, uint64_t);
		break;
	}
	case FK_U32S16: {
		struct rop_u32_array *a = AT(base, f->ofs, struct rop_u32_array);
		a->count = 1;
		a->vals = talloc_zero(ctx, uint32_t);
		break;
	}
	case FK_LTIDS16: {
		struct rop_ltid_array *a = AT(base, f->ofs, struct rop_ltid_array);
		a->count = 1;
		a->ltids = talloc_zero(ctx, struct mapi_long_term_id);
		break;
	}
	case FK_NAMES16: {
		struct rop_property_name_array *a =
		    AT(base, f->ofs, struct rop_property_name_array);
		a->count = 1;
		a->names = talloc_zero(ctx, struct mapi_property_name);
		a->names->kind = MNID_STRING;
		a->names->name = talloc_strdup(ctx, "x");
		break;
	}
	case FK_IDS_NAMES: {
		struct rop_ids_names *a = AT(base, f->ofs, struct rop_ids_names);
		a->count = 1;
		a->ids = talloc_zero(ctx, uint16_t);
		a->names = talloc_zero(ctx, struct mapi_property_name);
		a->names->lid = 0x8501;
		break;
	}
	case FK_STRS:
	case FK_STRS_SIZED: {
		struct rop_string_array *a = AT(base, f->ofs, struct rop_string_array);
		a->count = f->kind == FK_STRS ? *AT(base, f->aux, uint16_t) : 1;
		a->strs = talloc_zero_array(ctx, char *, a->count + 1);
		for (uint16_t i = 0; i < a->count; i++)
			a->strs[i] = talloc_strdup(ctx, "s1");
		break;
	}
	case FK_NOTIF: {
		/* n 0: NewMail; n 1: TableModified TABLE_CHANGED */
		struct notif_data *nd = AT(base, f->ofs, struct notif_data);
		if (n == 0) {
			nd->flags = NOTIF_NEW_MAIL | NOTIF_FLAG_MESSAGE;
			nd->fid = 0x0100000000000001ull;
			nd->mid = 0x0200000000000001ull;
			nd->message_flags = 0x01;
			nd->unicode = 1;
			nd->message_class = talloc_strdup(ctx, "IPM.Note");
		} else {
			nd->flags = NOTIF_TABLE_MODIFIED;
			nd->table_event = NOTIF_TABLE_CHANGED;
		}
		break;
	}
	case FK_TYPEDSTR: {
		struct rop_typed_string *s = AT(base, f->ofs, struct rop_typed_string);
		s->type = n != 0 ? 0x04 : 0x00;
		s->str = n != 0 ? talloc_strdup(ctx, "Re: ") : NULL;
		break;
	}
	default:
		break;
	}
}

/* n 0: an 8-bit X500DN row without properties; n 1: a Unicode SMTP row
 * with S, I and the one sample column (RecipientColumns and the context
 * columns are sample_cols). */
static struct rop_recipient *sample_recipient(TALLOC_CTX *ctx, unsigned int n)
{
	struct rop_recipient *r = talloc_zero(ctx, struct rop_recipient);
	if (n == 0) {
		r->flags = ROP_RECIP_X500DN | ROP_RECIP_D;
		r->address_prefix_used = 3;
		r->display_type = 1;
		r->x500dn = talloc_strdup(ctx, "/cn=x");
		r->display_name = talloc_strdup(ctx, "X");
		return r;
	}
	r->flags =
	    ROP_RECIP_SMTP | ROP_RECIP_E | ROP_RECIP_D | ROP_RECIP_S | ROP_RECIP_I | ROP_RECIP_U;
	r->email_address = talloc_strdup(ctx, "a@b.test");
	r->display_name = talloc_strdup(ctx, "A");
	r->simple_display_name = talloc_strdup(ctx, "a");
	r->props = *sample_row(ctx);
	return r;
}

static void fill_complex(TALLOC_CTX *ctx, const struct rop_field *f, void *base, unsigned int n)
{
	switch (f->kind) {
	case FK_RECIP_OPEN8:
	case FK_RECIP_READ8:
	case FK_RECIP_MOD16: {
		struct rop_recipient_rows *a = AT(base, f->ofs, struct rop_recipient_rows);
		a->count = f->kind == FK_RECIP_MOD16 ? 2 : 1;
		a->rows = talloc_zero_array(ctx, struct rop_recipient_row, 2);
		a->rows[0].recipient_type = 1;
		a->rows[0].row = sample_recipient(ctx, n);
		/* ModifyRecipients: a row without RecipientRow removes it */
		a->rows[1].row_id = 1;
		break;
	}
	case FK_READ_STATES: {
		struct rop_message_read_states *a =
		    AT(base, f->ofs, struct rop_message_read_states);
		a->count = 2;
		a->states = talloc_zero_array(ctx, struct rop_message_read_state, 2);
		a->states[0].message_id.len = 3;
		a->states[0].message_id.data = (uint8_t *)talloc_memdup(ctx, "\x01\x02\x03", 3);
		a->states[0].mark_as_read = 1;
		break;
	}
	case FK_LTID_RANGES: {
		struct rop_long_term_id_ranges *a =
		    AT(base, f->ofs, struct rop_long_term_id_ranges);
		a->count = n + 1;
		a->ranges = talloc_zero_array(ctx, struct rop_long_term_id_range, 2);
		memset(&a->ranges[0].min, 0x11, sizeof(a->ranges[0].min));
		memset(&a->ranges[0].max, 0x22, sizeof(a->ranges[0].max));
		break;
	}
	case FK_FLAGGED_VALS16: {
		struct rop_flagged_vals_array *a = AT(base, f->ofs, struct rop_flagged_vals_array);
		a->count = 1;
		a->items = talloc_zero(ctx, struct rop_flagged_vals);
		a->items->vals.count = 1;
		a->items->vals.vals = sample_vals(ctx);
		break;
	}
	case FK_BACKOFF_ROPS: {
		struct rop_backoff_rops *a = AT(base, f->ofs, struct rop_backoff_rops);
		a->count = 1;
		a->rops = talloc_zero(ctx, struct rop_backoff_rop);
		a->rops->rop_id = 0x02;
		break;
	}
	case FK_ROW_REQTAGS:
	case FK_ROW_CTX:
		*AT(base, f->ofs, struct rop_property_row) = *sample_row(ctx);
		break;
	case FK_ROWS16_CTX: {
		struct rop_row_list *l = AT(base, f->ofs, struct rop_row_list);
		l->count = 1;
		l->rows = sample_row(ctx);
		break;
	}
	case FK_ROWS32_RFT: {
		struct rop_row_list *l = AT(base, f->ofs, struct rop_row_list);
		struct mapi_propval *v = talloc_zero_array(ctx, struct mapi_propval, 3);
		v[0].tag = rop_receive_folder_table_columns.tags[0];
		v[1].tag = rop_receive_folder_table_columns.tags[1];
		v[1].v.str = talloc_strdup(ctx, "IPM.Note");
		v[2].tag = rop_receive_folder_table_columns.tags[2];
		l->count = 1;
		l->rows = talloc_zero(ctx, struct rop_property_row);
		l->rows->vals.count = 3;
		l->rows->vals.vals = v;
		break;
	}
	default:
		break;
	}
}

static void fill(TALLOC_CTX *ctx, const struct rop_field *f, void *base, unsigned int n)
{
	for (; f != NULL && f->kind != FK_END; f++) {
		fill_scalar(f, base, n);
		fill_aggregate(ctx, f, base, n);
		fill_lists(ctx, f, base, n);
		fill_complex(ctx, f, base, n);
	}
}

static bool has_rest(const struct rop_field *f)
{
	for (; f != NULL && f->kind != FK_END; f++) {
		if (f->kind == FK_REST)
			return true;
	}
	return false;
}

static struct rop_request gps_req; /* the GetPropertiesSpecific request answered */

static void roundtrip_request(const struct rop_info *info, unsigned int n)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct rop_request req, back;
	struct rop_push w, w2;
	struct rop_pull r;

	memset(&req, 0, sizeof(req));
	req.rop_id = info->rop_id;
	req.logon_id = 1;
	req.input_handle = 2;
	req.output_handle = 3;
	req.dest_handle = 4;
	req.response_handle = 5;
	fill(tmp, info->codec->req, &req.u, n);
	rop_push_init_growable(&w, tmp);
	test_assert_int(rop_push_request(&w, &req), ROP_OK);
	rop_pull_init(&r, tmp, w.data, w.ofs);
	test_assert_int(rop_pull_request(&r, &back), ROP_OK);
	test_assert_int(rop_pull_left(&r), 0);
	rop_push_init_growable(&w2, tmp);
	test_assert_int(rop_push_request(&w2, &back), ROP_OK);
	test_assert(w2.ofs == w.ofs && memcmp(w2.data, w.data, w.ofs) == 0);
	for (size_t cut = 0; cut < w.ofs; cut++) {
		rop_pull_init(&r, tmp, w.data, cut);
		test_assert(rop_pull_request(&r, &back) != ROP_OK);
		test_assert_int(r.ofs, 0);
	}
	talloc_free(tmp);
}

static void roundtrip_response(const struct rop_info *info, unsigned int n, uint32_t rv)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct rop_response resp, back;
	struct rop_decode_ctx dctx = {&sample_cols, false};
	struct rop_request answered = {.rop_id = info->rop_id};
	const struct rop_request *rq =
	    info->rop_id == ROP_ID_GetPropertiesSpecific ? &gps_req : &answered;
	struct rop_encode_ctx ectx = {&sample_cols, rq};
	struct rop_push w, w2;
	struct rop_pull r;
	const struct rop_field *body = info->codec->resp;

	memset(&resp, 0, sizeof(resp));
	resp.rop_id = info->rop_id;
	resp.handle_index = 9;
	resp.return_value = rv;
	if (rv != 0 && rv == info->codec->err_value)
		body = info->codec->err_resp;
	else if (rv != 0 && rv != info->codec->warn_value)
		body = NULL; /* a failure: nothing after ReturnValue */
	fill(tmp, body, &resp.u, n);
	rop_push_init_growable(&w, tmp);
	test_assert_int(rop_push_response(&w, &resp, &ectx), ROP_OK);
	rop_pull_init(&r, tmp, w.data, w.ofs);
	test_assert_int(rop_pull_response(&r, rq, &dctx, &back), ROP_OK);
	test_assert_int(rop_pull_left(&r), 0);
	test_assert_int(back.rop_id, info->rop_id);
	rop_push_init_growable(&w2, tmp);
	test_assert_int(rop_push_response(&w2, &back, &ectx), ROP_OK);
	test_assert(w2.ofs == w.ofs && memcmp(w2.data, w.data, w.ofs) == 0);
	for (size_t cut = 0; cut < w.ofs && !has_rest(body); cut++) {
		rop_pull_init(&r, tmp, w.data, cut);
		test_assert(rop_pull_response(&r, rq, &dctx, &back) != ROP_OK);
	}
	talloc_free(tmp);
}

static void test_coverage(void)
{
	unsigned int count, full = 0, partial = 0, unsupported = 0;
	const struct rop_info *all = rop_info_all(&count);

	test_begin("rop table: every RopId of [MS-OXCROPS] 2.2.2, with its codec status");
	test_assert_int(count, 132);
	for (unsigned int i = 0; i < count; i++) {
		const struct rop_info *ri = &all[i];
		const char *st = "full";
		test_assert(ri->codec != NULL);
		test_assert(ri->name != NULL && strncmp(ri->name, "Rop", 3) == 0);
		test_assert(ri->oxcrops_section[0] == '2' && ri->spec_section[0] == '[');
		test_assert(i == 0 || all[i - 1].rop_id < ri->rop_id);
		test_assert(rop_info_by_id(ri->rop_id) == ri);
		if (ri->codec == NULL)
			continue;
		if (ri->codec->status == ROP_CODEC_PARTIAL) {
			st = "partial";
			partial++;
		} else if (ri->codec->status == ROP_CODEC_UNSUPPORTED) {
			st = "unsupported";
			unsupported++;
		} else {
			full++;
		}
		printf("  0x%02X %-44s %-11s %s %s\n", ri->rop_id, ri->name, st, ri->spec_section,
		       ri->codec->note != NULL ? ri->codec->note : "");
	}
	printf("  coverage: %u full, %u partial, %u unsupported of %u\n", full, partial,
	       unsupported, count);
	test_assert(rop_info_by_id(0x00) == NULL && rop_info_by_id(0x28) == NULL &&
	            rop_info_by_id(0xA4) == NULL && rop_info_by_id(0xFD) == NULL);
	test_assert_str(rop_name(0x02), "RopOpenFolder");
	test_assert_str(rop_name(0xFE), "RopLogon");
	test_end();
}

static void test_every_rop_roundtrip(void)
{
	unsigned int count;
	const struct rop_info *all = rop_info_all(&count);

	gps_req.rop_id = ROP_ID_GetPropertiesSpecific;
	gps_req.u.get_properties_specific.tags = sample_cols;
	test_begin("every ROP: request and response encode, decode, re-encode, truncation");
	for (unsigned int i = 0; i < count; i++) {
		const struct rop_info *ri = &all[i];
		if (ri->codec->status == ROP_CODEC_UNSUPPORTED)
			continue;
		for (unsigned int n = 0; n < 2; n++) {
			if ((ri->flags & ROPF_RESP_ONLY) == 0)
				roundtrip_request(ri, n);
			if ((ri->flags & ROPF_REQ_ONLY) != 0)
				continue;
			roundtrip_response(ri, n, 0);
			if ((ri->flags & ROPF_RAW_RESP) != 0)
				continue;
			roundtrip_response(ri, n, 0x80004005);
			if (ri->codec->err_value != 0)
				roundtrip_response(ri, n, ri->codec->err_value);
			if (ri->codec->warn_value != 0)
				roundtrip_response(ri, n, ri->codec->warn_value);
		}
	}
	test_end();
}

/* [MS-OXCPRPT] 2.2.12.2: RopGetPropertyIdsFromNames answers ecWarnWithErrors
 * with its PropertyIds; another nonzero ReturnValue ends the response. */
static void test_warning_keeps_body(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	static const uint8_t warn[] = {0x56, 0x01, 0x80, 0x03, 0x04, 0x00,
	                               0x02, 0x00, 0x01, 0x80, 0x00, 0x00};
	static const uint8_t fail[] = {0x56, 0x01, 0x0F, 0x01, 0x04, 0x80};
	struct rop_response resp;
	struct rop_printer pr;
	struct rop_push w;
	struct rop_pull r;

	test_begin("rop: a warning ReturnValue keeps the success body where the codec says");
	test_assert_int(rop_info_by_id(ROP_ID_GetPropertyIdsFromNames)->codec->warn_value,
	                0x00040380);
	rop_pull_init(&r, tmp, warn, sizeof(warn));
	test_assert_int(rop_pull_response(&r, NULL, NULL, &resp), ROP_OK);
	test_assert_int(rop_pull_left(&r), 0);
	test_assert_int(resp.return_value, 0x00040380);
	test_assert_int(resp.u.get_property_ids_from_names.ids.count, 2);
	test_assert_int(resp.u.get_property_ids_from_names.ids.ids[0], 0x8001);
	test_assert_int(resp.u.get_property_ids_from_names.ids.ids[1], 0x0000);
	rop_push_init_growable(&w, tmp);
	test_assert_int(rop_push_response(&w, &resp, NULL), ROP_OK);
	test_assert(w.ofs == sizeof(warn) && memcmp(w.data, warn, w.ofs) == 0);
	rop_printer_init(&pr, tmp);
	rop_print_response(&pr, &resp);
	test_assert(strstr(pr.text, "0x00040380") != NULL && strstr(pr.text, "0x8001") != NULL);
	for (size_t cut = 0; cut < sizeof(warn); cut++) {
		rop_pull_init(&r, tmp, warn, cut);
		test_assert(rop_pull_response(&r, NULL, NULL, &resp) != ROP_OK);
	}
	/* a failure has no body: its bytes end after ReturnValue */
	rop_pull_init(&r, tmp, fail, sizeof(fail));
	test_assert_int(rop_pull_response(&r, NULL, NULL, &resp), ROP_OK);
	test_assert_int(rop_pull_left(&r), 0);
	resp.u.get_property_ids_from_names.ids.count = 2; /* not encoded */
	rop_push_init_growable(&w, tmp);
	test_assert_int(rop_push_response(&w, &resp, NULL), ROP_OK);
	test_assert_int(w.ofs, sizeof(fail));
	/* the same warning on a ROP without that rule: no body either */
	uint8_t other[sizeof(warn)];
	memcpy(other, warn, sizeof(warn));
	other[0] = 0x55; /* RopGetNamesFromPropertyIds */
	rop_pull_init(&r, tmp, other, 6);
	test_assert_int(rop_pull_response(&r, NULL, NULL, &resp), ROP_OK);
	test_assert_int(rop_pull_left(&r), 0);
	test_end();
	talloc_free(tmp);
}

static void test_unknown_and_invalid(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	static const uint8_t unknown[] = {0x28, 0x00, 0x00};
	static const uint8_t notify_req[] = {0x2A, 0x00, 0x00};
	static const uint8_t release_resp[] = {0x01, 0x00, 0x00, 0x00, 0x00, 0x00};
	struct rop_request req;
	struct rop_response resp;
	struct rop_pull r;

	test_begin("rop: undefined RopIds, response-only ROPs as requests");
	rop_pull_init(&r, tmp, unknown, sizeof(unknown));
	test_assert_int(rop_pull_request(&r, &req), ROP_E_UNKNOWN_ROP);
	test_assert_int(r.ofs, 0);
	rop_pull_init(&r, tmp, notify_req, sizeof(notify_req));
	test_assert_int(rop_pull_request(&r, &req), ROP_E_INVALID);
	rop_pull_init(&r, tmp, release_resp, sizeof(release_resp));
	test_assert_int(rop_pull_response(&r, NULL, NULL, &resp), ROP_E_INVALID);
	test_end();
	talloc_free(tmp);
}

int main(void)
{
	test_coverage();
	test_warning_keeps_body();
	test_every_rop_roundtrip();
	test_unknown_and_invalid();
	return test_exit();
}
