/* MAPI/HTTP EMSMDB bodies, [MS-OXCMAPIHTTP] 2.2.4. */
#include "mh_emsmdb.h"

enum rop_err mh_blob_pull(struct rop_pull *p, struct mh_blob *blob_r)
{
	size_t start = p->ofs;
	uint32_t len;
	enum rop_err err;

	ROP_CHECK(rop_pull_u32(p, &len));
	if ((err = rop_pull_bytes(p, len, &blob_r->data)) != ROP_OK) {
		p->ofs = start;
		return err;
	}
	blob_r->len = len;
	return ROP_OK;
}

enum rop_err mh_blob_push(struct rop_push *p, const struct mh_blob *blob)
{
	size_t mark = rop_push_mark(p);
	enum rop_err err;

	if ((err = rop_push_u32(p, blob->len)) == ROP_OK &&
	    (err = rop_push_bytes(p, blob->data, blob->len)) == ROP_OK)
		return ROP_OK;
	rop_push_rewind(p, mark);
	return err;
}

/*
 * Decoding frame shared by all bodies: a pull over data whose allocations
 * go to a child of mem_ctx that is dropped when the body does not decode.
 */
struct body_pull {
	struct rop_pull p;
	TALLOC_CTX *owner;
};

static enum rop_err body_begin(struct body_pull *b, TALLOC_CTX *mem_ctx, const uint8_t *data,
                               size_t len)
{
	b->owner = talloc_new(mem_ctx);
	if (b->owner == NULL)
		return ROP_E_NOMEM;
	rop_pull_init(&b->p, b->owner, data, len);
	return ROP_OK;
}

static enum rop_err body_end(struct body_pull *b, enum rop_err err)
{
	if (err == ROP_OK && rop_pull_left(&b->p) != 0)
		err = ROP_E_TRAILING;
	if (err != ROP_OK)
		TALLOC_FREE(b->owner);
	return err;
}

static enum rop_err body_push_end(struct rop_push *p, size_t mark, enum rop_err err)
{
	if (err != ROP_OK)
		rop_push_rewind(p, mark);
	return err;
}

/* [MS-OXCMAPIHTTP] 2.2.4.1.1 */
enum rop_err mh_connect_req_pull(TALLOC_CTX *mem_ctx, const uint8_t *data, size_t len,
                                 struct mh_connect_req *req_r)
{
	struct body_pull b;
	enum rop_err err;

	ROP_CHECK(body_begin(&b, mem_ctx, data, len));
	if ((err = rop_pull_asciiz(&b.p, &req_r->user_dn)) == ROP_OK &&
	    (err = rop_pull_u32(&b.p, &req_r->flags)) == ROP_OK &&
	    (err = rop_pull_u32(&b.p, &req_r->default_code_page)) == ROP_OK &&
	    (err = rop_pull_u32(&b.p, &req_r->lcid_sort)) == ROP_OK &&
	    (err = rop_pull_u32(&b.p, &req_r->lcid_string)) == ROP_OK)
		err = mh_blob_pull(&b.p, &req_r->aux);
	return body_end(&b, err);
}

enum rop_err mh_connect_req_push(struct rop_push *p, const struct mh_connect_req *req)
{
	size_t mark = rop_push_mark(p);
	enum rop_err err;

	if ((err = rop_push_asciiz(p, req->user_dn != NULL ? req->user_dn : "")) == ROP_OK &&
	    (err = rop_push_u32(p, req->flags)) == ROP_OK &&
	    (err = rop_push_u32(p, req->default_code_page)) == ROP_OK &&
	    (err = rop_push_u32(p, req->lcid_sort)) == ROP_OK &&
	    (err = rop_push_u32(p, req->lcid_string)) == ROP_OK)
		err = mh_blob_push(p, &req->aux);
	return body_push_end(p, mark, err);
}

/* [MS-OXCMAPIHTTP] 2.2.4.1.2 / 2.2.4.1.3 */
enum rop_err mh_connect_resp_pull(TALLOC_CTX *mem_ctx, const uint8_t *data, size_t len,
                                  struct mh_connect_resp *resp_r)
{
	struct body_pull b;
	enum rop_err err;

	ROP_CHECK(body_begin(&b, mem_ctx, data, len));
	*resp_r = (struct mh_connect_resp){0};
	err = rop_pull_u32(&b.p, &resp_r->status_code);
	if (err == ROP_OK && resp_r->status_code == 0 &&
	    (err = rop_pull_u32(&b.p, &resp_r->error_code)) == ROP_OK &&
	    (err = rop_pull_u32(&b.p, &resp_r->polls_max)) == ROP_OK &&
	    (err = rop_pull_u32(&b.p, &resp_r->retry_count)) == ROP_OK &&
	    (err = rop_pull_u32(&b.p, &resp_r->retry_delay)) == ROP_OK &&
	    (err = rop_pull_asciiz(&b.p, &resp_r->dn_prefix)) == ROP_OK)
		err = rop_pull_utf16z(&b.p, &resp_r->display_name);
	if (err == ROP_OK)
		err = mh_blob_pull(&b.p, &resp_r->aux);
	return body_end(&b, err);
}

enum rop_err mh_connect_resp_push(struct rop_push *p, const struct mh_connect_resp *resp)
{
	size_t mark = rop_push_mark(p);
	enum rop_err err = rop_push_u32(p, resp->status_code);

	if (err == ROP_OK && resp->status_code == 0 &&
	    (err = rop_push_u32(p, resp->error_code)) == ROP_OK &&
	    (err = rop_push_u32(p, resp->polls_max)) == ROP_OK &&
	    (err = rop_push_u32(p, resp->retry_count)) == ROP_OK &&
	    (err = rop_push_u32(p, resp->retry_delay)) == ROP_OK &&
	    (err = rop_push_asciiz(p, resp->dn_prefix != NULL ? resp->dn_prefix : "")) == ROP_OK)
		err = rop_push_utf16z(p, resp->display_name != NULL ? resp->display_name : "");
	if (err == ROP_OK)
		err = mh_blob_push(p, &resp->aux);
	return body_push_end(p, mark, err);
}

/* [MS-OXCMAPIHTTP] 2.2.4.2.1 */
enum rop_err mh_execute_req_pull(TALLOC_CTX *mem_ctx, const uint8_t *data, size_t len,
                                 struct mh_execute_req *req_r)
{
	struct body_pull b;
	enum rop_err err;

	ROP_CHECK(body_begin(&b, mem_ctx, data, len));
	if ((err = rop_pull_u32(&b.p, &req_r->flags)) == ROP_OK &&
	    (err = mh_blob_pull(&b.p, &req_r->rop_buffer)) == ROP_OK &&
	    (err = rop_pull_u32(&b.p, &req_r->max_rop_out)) == ROP_OK)
		err = mh_blob_pull(&b.p, &req_r->aux);
	return body_end(&b, err);
}

enum rop_err mh_execute_req_push(struct rop_push *p, const struct mh_execute_req *req)
{
	size_t mark = rop_push_mark(p);
	enum rop_err err;

	if ((err = rop_push_u32(p, req->flags)) == ROP_OK &&
	    (err = mh_blob_push(p, &req->rop_buffer)) == ROP_OK &&
	    (err = rop_push_u32(p, req->max_rop_out)) == ROP_OK)
		err = mh_blob_push(p, &req->aux);
	return body_push_end(p, mark, err);
}

/* [MS-OXCMAPIHTTP] 2.2.4.2.2 / 2.2.4.2.3 */
enum rop_err mh_execute_resp_pull(TALLOC_CTX *mem_ctx, const uint8_t *data, size_t len,
                                  struct mh_execute_resp *resp_r)
{
	struct body_pull b;
	enum rop_err err;

	ROP_CHECK(body_begin(&b, mem_ctx, data, len));
	*resp_r = (struct mh_execute_resp){0};
	err = rop_pull_u32(&b.p, &resp_r->status_code);
	if (err == ROP_OK && resp_r->status_code == 0 &&
	    (err = rop_pull_u32(&b.p, &resp_r->error_code)) == ROP_OK &&
	    (err = rop_pull_u32(&b.p, &resp_r->flags)) == ROP_OK)
		err = mh_blob_pull(&b.p, &resp_r->rop_buffer);
	if (err == ROP_OK)
		err = mh_blob_pull(&b.p, &resp_r->aux);
	return body_end(&b, err);
}

enum rop_err mh_execute_resp_push(struct rop_push *p, const struct mh_execute_resp *resp)
{
	size_t mark = rop_push_mark(p);
	enum rop_err err = rop_push_u32(p, resp->status_code);

	if (err == ROP_OK && resp->status_code == 0 &&
	    (err = rop_push_u32(p, resp->error_code)) == ROP_OK &&
	    (err = rop_push_u32(p, resp->flags)) == ROP_OK)
		err = mh_blob_push(p, &resp->rop_buffer);
	if (err == ROP_OK)
		err = mh_blob_push(p, &resp->aux);
	return body_push_end(p, mark, err);
}

/* [MS-OXCMAPIHTTP] 2.2.4.3.1 */
enum rop_err mh_disconnect_req_pull(TALLOC_CTX *mem_ctx, const uint8_t *data, size_t len,
                                    struct mh_disconnect_req *req_r)
{
	struct body_pull b;

	ROP_CHECK(body_begin(&b, mem_ctx, data, len));
	return body_end(&b, mh_blob_pull(&b.p, &req_r->aux));
}

enum rop_err mh_disconnect_req_push(struct rop_push *p, const struct mh_disconnect_req *req)
{
	return mh_blob_push(p, &req->aux);
}

/* [MS-OXCMAPIHTTP] 2.2.4.3.2 / 2.2.4.3.3 */
enum rop_err mh_disconnect_resp_pull(TALLOC_CTX *mem_ctx, const uint8_t *data, size_t len,
                                     struct mh_disconnect_resp *resp_r)
{
	struct body_pull b;
	enum rop_err err;

	ROP_CHECK(body_begin(&b, mem_ctx, data, len));
	*resp_r = (struct mh_disconnect_resp){0};
	err = rop_pull_u32(&b.p, &resp_r->status_code);
	if (err == ROP_OK && resp_r->status_code == 0)
		err = rop_pull_u32(&b.p, &resp_r->error_code);
	if (err == ROP_OK)
		err = mh_blob_pull(&b.p, &resp_r->aux);
	return body_end(&b, err);
}

enum rop_err mh_disconnect_resp_push(struct rop_push *p, const struct mh_disconnect_resp *resp)
{
	size_t mark = rop_push_mark(p);
	enum rop_err err = rop_push_u32(p, resp->status_code);

	if (err == ROP_OK && resp->status_code == 0)
		err = rop_push_u32(p, resp->error_code);
	if (err == ROP_OK)
		err = mh_blob_push(p, &resp->aux);
	return body_push_end(p, mark, err);
}

/* [MS-OXCMAPIHTTP] 2.2.4.4.1 */
enum rop_err mh_notification_wait_req_pull(TALLOC_CTX *mem_ctx, const uint8_t *data, size_t len,
                                           struct mh_notification_wait_req *req_r)
{
	struct body_pull b;
	enum rop_err err;

	ROP_CHECK(body_begin(&b, mem_ctx, data, len));
	if ((err = rop_pull_u32(&b.p, &req_r->flags)) == ROP_OK)
		err = mh_blob_pull(&b.p, &req_r->aux);
	return body_end(&b, err);
}

enum rop_err mh_notification_wait_req_push(struct rop_push *p,
                                           const struct mh_notification_wait_req *req)
{
	size_t mark = rop_push_mark(p);
	enum rop_err err;

	if ((err = rop_push_u32(p, req->flags)) == ROP_OK)
		err = mh_blob_push(p, &req->aux);
	return body_push_end(p, mark, err);
}

/* [MS-OXCMAPIHTTP] 2.2.4.4.2 / 2.2.4.4.3 */
enum rop_err mh_notification_wait_resp_pull(TALLOC_CTX *mem_ctx, const uint8_t *data, size_t len,
                                            struct mh_notification_wait_resp *resp_r)
{
	struct body_pull b;
	enum rop_err err;

	ROP_CHECK(body_begin(&b, mem_ctx, data, len));
	*resp_r = (struct mh_notification_wait_resp){0};
	err = rop_pull_u32(&b.p, &resp_r->status_code);
	if (err == ROP_OK && resp_r->status_code == 0 &&
	    (err = rop_pull_u32(&b.p, &resp_r->error_code)) == ROP_OK)
		err = rop_pull_u32(&b.p, &resp_r->event_pending);
	if (err == ROP_OK)
		err = mh_blob_pull(&b.p, &resp_r->aux);
	return body_end(&b, err);
}

enum rop_err mh_notification_wait_resp_push(struct rop_push *p,
                                            const struct mh_notification_wait_resp *resp)
{
	size_t mark = rop_push_mark(p);
	enum rop_err err = rop_push_u32(p, resp->status_code);

	if (err == ROP_OK && resp->status_code == 0 &&
	    (err = rop_push_u32(p, resp->error_code)) == ROP_OK)
		err = rop_push_u32(p, resp->event_pending);
	if (err == ROP_OK)
		err = mh_blob_push(p, &resp->aux);
	return body_push_end(p, mark, err);
}
