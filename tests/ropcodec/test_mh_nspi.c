/* mh_nspi: MAPI/HTTP NSPI bodies -- fixtures byte-exact both ways, every
 * truncation, all 19 request types round-trip, failure bodies. */
#include "mh_nspi.h"
#include "test.h"
#include "test_rpc_fixture.h"

/* Decodes the fixture as a request (is_req) or response of type, checks
 * encode gives the same bytes and that every cut fails; returns the
 * decoded struct (on mem_ctx) or NULL. */
static void *check_fixture(TALLOC_CTX *mem_ctx, const char *name, enum nspi_request_type type,
                           bool is_req)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	size_t len = 0, size = is_req ? nspi_req_size(type) : nspi_resp_size(type);
	uint8_t *wire = fixture_load(tmp, name, &len);
	void *obj = talloc_zero_size(mem_ctx, size), *scratch = talloc_zero_size(tmp, size);
	struct rop_push w;
	enum rop_err err;

	test_assert(wire != NULL);
	if (wire == NULL)
		goto fail;
	err = is_req ? nspi_req_pull(mem_ctx, type, wire, len, obj)
	             : nspi_resp_pull(mem_ctx, type, wire, len, obj);
	test_assert_int(err, ROP_OK);
	if (err != ROP_OK)
		goto fail;
	rop_push_init_growable(&w, tmp);
	err = is_req ? nspi_req_push(&w, type, obj) : nspi_resp_push(&w, type, obj);
	test_assert_int(err, ROP_OK);
	test_assert_int(w.ofs, len);
	test_assert(w.ofs == len && memcmp(w.data, wire, len) == 0);
	for (size_t cut = 0; cut < len; cut++) {
		err = is_req ? nspi_req_pull(tmp, type, wire, cut, scratch)
		             : nspi_resp_pull(tmp, type, wire, cut, scratch);
		test_assert(err != ROP_OK);
	}
	talloc_free(tmp);
	return obj;
fail:
	talloc_free(tmp);
	return NULL;
}

static void test_fixtures(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct nspi_bind_req *bind;
	struct nspi_bind_resp *bind_resp;
	struct nspi_query_rows_req *qr;
	struct nspi_query_rows_resp *qrr;
	struct nspi_resolve_names_req *rn;
	struct nspi_get_matches_req *gm;
	struct nspi_get_url_req *url;
	struct nspi_get_props_resp *gp;

	test_begin("Bind request and response (2.2.5.1)");
	bind = check_fixture(tmp, "MS-OXCMAPIHTTP-2.2.5.1-bind-request.hex", NSPI_BIND, true);
	test_assert(bind != NULL && bind->state != NULL && bind->state->code_page == 1252 &&
	            bind->state->sort_locale == 0x409);
	bind_resp =
	    check_fixture(tmp, "MS-OXCMAPIHTTP-2.2.5.1-bind-response.hex", NSPI_BIND, false);
	test_assert(bind_resp != NULL && bind_resp->server_guid.b[0] == 0xa0);
	test_end();

	test_begin("QueryRows request and response with plain and flagged rows (2.2.5.12)");
	qr = check_fixture(tmp, "MS-OXCMAPIHTTP-2.2.5.12-query-rows-request.hex", NSPI_QUERY_ROWS,
	                   true);
	test_assert(qr != NULL && qr->row_count == 50 && qr->columns != NULL &&
	            qr->columns->count == 5 && qr->explicit_table.count == 0);
	qrr = check_fixture(tmp, "MS-OXCMAPIHTTP-2.2.5.12-query-rows-response.hex", NSPI_QUERY_ROWS,
	                    false);
	test_assert(qrr != NULL && qrr->rows != NULL && qrr->rows->count == 2);
	if (qrr != NULL && qrr->rows != NULL && qrr->rows->count == 2) {
		const struct nspi_row *r1 = &qrr->rows->rows[0], *r2 = &qrr->rows->rows[1];
		test_assert_str(r1->vals.vals[0].v.str, "Jane Doe");
		test_assert_str(r1->vals.vals[1].v.str, "jane@example.org");
		test_assert_int(r1->vals.vals[2].v.bin.len, 32);
		test_assert_int(r1->vals.vals[4].tag, 0x8001001F);
		test_assert_str(r1->vals.vals[4].v.str, "x");
		test_assert_int(r2->flags, 1);
		test_assert(r2->vals.vals[0].v.str == NULL); /* HasValue 0 */
		test_assert_int(PROP_TYPE(r2->vals.vals[2].tag), PT_ERROR);
		test_assert_int(r2->vals.vals[2].v.err, 0x8004010F);
		test_assert_int(r2->vals.vals[3].v.i32, 7);
		test_assert_int(r2->vals.vals[4].tag, 0x80010001); /* no value */
	}
	test_end();

	test_begin("ResolveNames, GetMatches with a 32-bit restriction, GetAddressBookUrl");
	rn = check_fixture(tmp, "MS-OXCMAPIHTTP-2.2.5.14-resolve-names-request.hex",
	                   NSPI_RESOLVE_NAMES, true);
	test_assert(rn != NULL && rn->names != NULL && rn->names->count == 2);
	if (rn != NULL && rn->names != NULL && rn->names->count == 2)
		test_assert_str(rn->names->strs[1], "Bob Smith");
	gm = check_fixture(tmp, "MS-OXCMAPIHTTP-2.2.5.5-get-matches-request.hex", NSPI_GET_MATCHES,
	                   true);
	test_assert(gm != NULL && gm->filter != NULL && gm->mids == NULL && gm->prop_name == NULL &&
	            gm->row_count == 50);
	url = check_fixture(tmp, "MS-OXCMAPIHTTP-2.2.5.19-get-address-book-url-request.hex",
	                    NSPI_GET_ADDRESS_BOOK_URL, true);
	test_assert(url != NULL && url->dn != NULL && strncmp(url->dn, "/o=mapihttpd/", 13) == 0);
	test_end();

	test_begin("GetProps response: AddressBookPropertyValueList with HasValue 0 (2.2.5.7)");
	gp = check_fixture(tmp, "MS-OXCMAPIHTTP-2.2.5.7-get-props-response.hex", NSPI_GET_PROPS,
	                   false);
	test_assert(gp != NULL && gp->code_page == 1252 && gp->values != NULL &&
	            gp->values->count == 3);
	if (gp != NULL && gp->values != NULL && gp->values->count == 3) {
		test_assert(gp->values->vals[1].v.bin.data == NULL);
		test_assert_int(gp->values->vals[2].v.mv.count, 2);
		test_assert_str(gp->values->vals[2].v.mv.str[1], "smtp:j@example.org");
	}
	test_end();
	talloc_free(tmp);
}

static void test_all_types(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);

	test_begin("all 19 request types: empty bodies and failure responses round-trip");
	for (unsigned t = 0; t < NSPI_REQUEST_TYPE_COUNT; t++) {
		void *req = talloc_zero_size(tmp, nspi_req_size(t));
		void *resp = talloc_zero_size(tmp, nspi_resp_size(t));
		void *back = talloc_zero_size(tmp, nspi_resp_size(t) + nspi_req_size(t));
		struct rop_push w, w2;
		enum nspi_request_type found;

		test_assert(nspi_request_name(t) != NULL);
		test_assert(nspi_request_lookup(nspi_request_name(t), &found) == 1 && found == t);
		rop_push_init_growable(&w, tmp);
		test_assert(nspi_req_push(&w, t, req) == ROP_OK);
		test_assert(nspi_req_pull(tmp, t, w.data, w.ofs, back) == ROP_OK);
		rop_push_init_growable(&w2, tmp);
		test_assert(nspi_req_push(&w2, t, back) == ROP_OK);
		test_assert(w.ofs == w2.ofs && memcmp(w.data, w2.data, w.ofs) == 0);
		rop_push_init_growable(&w, tmp);
		test_assert(nspi_resp_push(&w, t, resp) == ROP_OK);
		test_assert(nspi_resp_pull(tmp, t, w.data, w.ofs, back) == ROP_OK);
		/* Failure: StatusCode, AuxiliaryBufferSize, nothing else. */
		((struct nspi_resp_head *)resp)->status_code = 0x0000000B;
		rop_push_init_growable(&w, tmp);
		test_assert(nspi_resp_push(&w, t, resp) == ROP_OK);
		test_assert_int(w.ofs, 8);
		test_assert(nspi_resp_pull(tmp, t, w.data, w.ofs, back) == ROP_OK);
		test_assert_int(((struct nspi_resp_head *)back)->status_code, 0x0B);
	}
	enum nspi_request_type found;
	test_assert(nspi_request_lookup("getmatches", &found) == 1 && found == NSPI_GET_MATCHES);
	test_assert(nspi_request_lookup("Execute", &found) == 0);
	test_assert(nspi_req_pull(tmp, NSPI_REQUEST_TYPE_COUNT, NULL, 0, NULL) == ROP_E_INVALID);
	test_end();

	test_begin("hostile counts are refused before allocating");
	/* DNToMId with a StringArray claiming 2^32-1 strings. */
	static const uint8_t dn[] = {0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0x41, 0x00};
	struct nspi_dn_to_mid_req dreq;
	test_assert(nspi_req_pull(tmp, NSPI_DN_TO_MID, dn, sizeof(dn), &dreq) == ROP_E_SHORT);
	/* QueryRows with an ExplicitTableCount beyond the body. */
	static const uint8_t qr[] = {0, 0, 0, 0, 0, 0x10, 0, 0, 0, 1, 2, 3, 4};
	struct nspi_query_rows_req qreq;
	test_assert(nspi_req_pull(tmp, NSPI_QUERY_ROWS, qr, sizeof(qr), &qreq) == ROP_E_SHORT);
	test_end();
	talloc_free(tmp);
}

int main(void)
{
	test_fixtures();
	test_all_types();
	return test_exit();
}
