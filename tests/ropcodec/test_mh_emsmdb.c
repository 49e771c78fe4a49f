/* mh_emsmdb: MAPI/HTTP EMSMDB bodies, fixtures byte-exact, round trips,
 * every truncation. */
#include "mh_emsmdb.h"
#include "rpc_ext.h"
#include "test.h"
#include "test_rpc_fixture.h"

typedef enum rop_err pull_fn(TALLOC_CTX *, const uint8_t *, size_t, void *);
typedef enum rop_err push_fn(struct rop_push *, const void *);

/* Decodes wire, encodes the result and compares bytes; then checks every
 * truncation and one trailing byte fail cleanly. */
static void check_body(TALLOC_CTX *keep, const uint8_t *wire, size_t len, pull_fn *pull,
                       push_fn *push, void *obj)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct rop_push w;
	uint8_t *longer = talloc_size(tmp, len + 1);

	test_assert(pull(tmp, wire, len, obj) == ROP_OK);
	rop_push_init_growable(&w, tmp);
	test_assert(push(&w, obj) == ROP_OK);
	test_assert_int(w.ofs, len);
	test_assert(w.ofs == len && memcmp(w.data, wire, len) == 0);
	for (size_t cut = 0; cut < len; cut++)
		test_assert(pull(tmp, wire, cut, obj) != ROP_OK);
	memcpy(longer, wire, len);
	longer[len] = 0;
	test_assert(pull(tmp, longer, len + 1, obj) == ROP_E_TRAILING);
	/* A failed pull leaves obj unusable: decode again before pushing.  A
	 * bounded writer one byte short fails and leaves nothing behind. */
	test_assert(pull(tmp, wire, len, obj) == ROP_OK);
	if (len > 0) {
		uint8_t *small = talloc_size(tmp, len);
		rop_push_init_fixed(&w, small, len - 1);
		test_assert(push(&w, obj) == ROP_E_NOSPACE);
		test_assert_int(w.ofs, 0);
	}
	/* Leave obj decoded on the caller's context. */
	test_assert(pull(keep, wire, len, obj) == ROP_OK);
	talloc_free(tmp);
}

/* Type-exact adapters, so no call goes through a mismatched pointer. */
#define ADAPT(name)                                                                                \
	static enum rop_err name##_pull_v(TALLOC_CTX *c, const uint8_t *d, size_t l, void *o)      \
	{                                                                                          \
		return name##_pull(c, d, l, o);                                                    \
	}                                                                                          \
	static enum rop_err name##_push_v(struct rop_push *p, const void *o)                       \
	{                                                                                          \
		return name##_push(p, o);                                                          \
	}
ADAPT(mh_connect_req)
ADAPT(mh_connect_resp)
ADAPT(mh_execute_req)
ADAPT(mh_execute_resp)
ADAPT(mh_disconnect_req)
ADAPT(mh_disconnect_resp)
ADAPT(mh_notification_wait_req)
ADAPT(mh_notification_wait_resp)

#define CHECK_BODY(wire, len, name, obj)                                                           \
	check_body(tmp, wire, len, name##_pull_v, name##_push_v, obj)

static void test_connect(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct mh_connect_req req;
	struct mh_connect_resp resp;
	size_t len;
	uint8_t *wire;

	test_begin("Connect request, fixture of [MS-OXCMAPIHTTP] 2.2.4.1.1");
	wire = fixture_load(tmp, "MS-OXCMAPIHTTP-2.2.4.1.1-connect-request.hex", &len);
	test_assert(wire != NULL);
	if (wire != NULL) {
		CHECK_BODY(wire, len, mh_connect_req, &req);
		test_assert(mh_connect_req_pull(tmp, wire, len, &req) == ROP_OK);
		test_assert_str(req.user_dn, "/o=mapihttpd/ou=Exchange Administrative Group "
		                             "(FYDIBOHF23SPDLT)/cn=Recipients/cn=jane");
		test_assert_int(req.default_code_page, 1252);
		test_assert_int(req.lcid_sort, 0x409);
		test_assert_int(req.aux.len, 0);
	}
	test_end();

	test_begin("Connect response, fixture of [MS-OXCMAPIHTTP] 2.2.4.1.2");
	wire = fixture_load(tmp, "MS-OXCMAPIHTTP-2.2.4.1.2-connect-response.hex", &len);
	test_assert(wire != NULL);
	if (wire != NULL) {
		CHECK_BODY(wire, len, mh_connect_resp, &resp);
		test_assert(mh_connect_resp_pull(tmp, wire, len, &resp) == ROP_OK);
		test_assert_int(resp.polls_max, 60000);
		test_assert_int(resp.retry_count, 6);
		test_assert_int(resp.retry_delay, 10000);
		test_assert_str(resp.display_name, "Jane Doe");
	}
	test_end();

	test_begin("Connect failure response, [MS-OXCMAPIHTTP] 2.2.4.1.3");
	wire = fixture_load(tmp, "MS-OXCMAPIHTTP-2.2.4.1.3-connect-failure-response.hex", &len);
	test_assert(wire != NULL);
	if (wire != NULL) {
		CHECK_BODY(wire, len, mh_connect_resp, &resp);
		test_assert(mh_connect_resp_pull(tmp, wire, len, &resp) == ROP_OK);
		test_assert_int(resp.status_code, 1);
		test_assert(resp.dn_prefix == NULL && resp.display_name == NULL);
	}
	test_end();
	talloc_free(tmp);
}

static void test_execute(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct mh_execute_req req;
	struct mh_execute_resp resp;
	struct rpc_ext_chain chain;
	struct rop_buffer rb;
	struct rop_push w;
	size_t len;
	uint8_t *wire;

	test_begin("Execute request, fixture of [MS-OXCMAPIHTTP] 2.2.4.2.1, down to the ROPs");
	wire = fixture_load(tmp, "MS-OXCMAPIHTTP-2.2.4.2.1-execute-request.hex", &len);
	test_assert(wire != NULL);
	if (wire != NULL) {
		CHECK_BODY(wire, len, mh_execute_req, &req);
		test_assert(mh_execute_req_pull(tmp, wire, len, &req) == ROP_OK);
		test_assert_int(req.flags, 3);
		test_assert_int(req.max_rop_out, 0x10008);
		test_assert(rpc_ext_decode(tmp, req.rop_buffer.data, req.rop_buffer.len, 0x10000,
		                           &chain) == ROP_OK);
		test_assert_int(chain.count, 1);
		test_assert(chain.count == 1 &&
		            rop_buffer_split(tmp, chain.blocks[0].data, chain.blocks[0].len, &rb) ==
		                ROP_OK);
		test_assert_int(rb.rops_len, 3);
		test_assert(rb.rops_len == 3 && rb.rops[0] == 0x01);
		test_assert(rb.handle_count == 1 && rb.handles[0] == 1);
	}
	test_end();

	test_begin("Execute response: success and failure round trips");
	static const uint8_t rops[] = {0x01, 0x02, 0x03, 0x04};
	resp = (struct mh_execute_resp){.flags = 0, .rop_buffer = {(uint8_t *)rops, 4}};
	rop_push_init_growable(&w, tmp);
	test_assert(mh_execute_resp_push(&w, &resp) == ROP_OK);
	test_assert_int(w.ofs, 4 + 4 + 4 + 4 + 4 + 4);
	CHECK_BODY(w.data, w.ofs, mh_execute_resp, &resp);
	resp = (struct mh_execute_resp){.status_code = 5, .rop_buffer = {(uint8_t *)rops, 4}};
	rop_push_init_growable(&w, tmp);
	test_assert(mh_execute_resp_push(&w, &resp) == ROP_OK);
	test_assert_int(w.ofs, 8);
	CHECK_BODY(w.data, w.ofs, mh_execute_resp, &resp);
	test_end();
	talloc_free(tmp);
}

static void test_disconnect_and_wait(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	static const uint8_t aux[] = {0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00};
	struct mh_disconnect_req dreq = {.aux = {(uint8_t *)aux, sizeof(aux)}};
	struct mh_disconnect_resp dresp = {.error_code = 0x80004005};
	struct mh_notification_wait_req nreq = {0};
	struct mh_notification_wait_resp nresp = {.event_pending = 1};
	struct rop_push w;

	test_begin("Disconnect and NotificationWait bodies round-trip");
	rop_push_init_growable(&w, tmp);
	test_assert(mh_disconnect_req_push(&w, &dreq) == ROP_OK);
	test_assert_int(w.ofs, 12);
	CHECK_BODY(w.data, w.ofs, mh_disconnect_req, &dreq);
	test_assert(dreq.aux.len == 8 && memcmp(dreq.aux.data, aux, 8) == 0);
	rop_push_init_growable(&w, tmp);
	test_assert(mh_disconnect_resp_push(&w, &dresp) == ROP_OK);
	test_assert_int(w.ofs, 12);
	CHECK_BODY(w.data, w.ofs, mh_disconnect_resp, &dresp);
	test_assert_int(dresp.error_code, 0x80004005);
	rop_push_init_growable(&w, tmp);
	test_assert(mh_notification_wait_req_push(&w, &nreq) == ROP_OK);
	test_assert_int(w.ofs, 8);
	CHECK_BODY(w.data, w.ofs, mh_notification_wait_req, &nreq);
	rop_push_init_growable(&w, tmp);
	test_assert(mh_notification_wait_resp_push(&w, &nresp) == ROP_OK);
	test_assert_int(w.ofs, 16);
	CHECK_BODY(w.data, w.ofs, mh_notification_wait_resp, &nresp);
	test_assert_int(nresp.event_pending, 1);
	test_end();

	test_begin("an AuxiliaryBufferSize beyond the body is refused");
	static const uint8_t lying[] = {0xff, 0xff, 0xff, 0xff, 0x00};
	test_assert(mh_disconnect_req_pull(tmp, lying, sizeof(lying), &dreq) == ROP_E_SHORT);
	test_end();
	talloc_free(tmp);
}

int main(void)
{
	test_connect();
	test_execute();
	test_disconnect_and_wait();
	return test_exit();
}
