#include "mh_testsess.h"

#include <string.h>

#include "rpc_ext.h"

#define EMS "/mapi/emsmdb/"

void mht_sess_init(struct mht_sess *s, struct mht_client *c)
{
	memset(s, 0, sizeof(*s));
	s->c = c;
	for (unsigned i = 0; i < MHT_HANDLES; i++)
		s->h[i] = 0xFFFFFFFF;
}

int mht_ems_post(struct mht_client *c, TALLOC_CTX *mem_ctx, const char *type, const uint8_t *body,
                 size_t len, struct mht_resp *hr)
{
	struct mht_req r = {.path = EMS, .type = type, .body = body, .body_len = len};

	return mht_request(c, mem_ctx, &r, hr);
}

int mht_ems_connect(struct mht_client *c, TALLOC_CTX *mem_ctx, const char *user_dn,
                    const struct mh_blob *aux, struct mh_connect_resp *resp, struct mht_resp *hr)
{
	struct mh_connect_req req = {.user_dn = (char *)user_dn,
	                             .default_code_page = 1252,
	                             .lcid_sort = 0x409,
	                             .lcid_string = 0x409};
	struct rop_push p;

	if (aux != NULL)
		req.aux = *aux;
	rop_push_init_growable(&p, mem_ctx);
	if (mh_connect_req_push(&p, &req) != ROP_OK ||
	    mht_ems_post(c, mem_ctx, "Connect", p.data, p.ofs, hr) < 0)
		return -1;
	if (hr->response_code == 0 &&
	    (!hr->framed || mh_connect_resp_pull(mem_ctx, hr->body, hr->body_len, resp) != ROP_OK))
		return -2;
	return hr->response_code;
}

/* The first ROP buffer of an Execute answer, its handle table copied to s. */
static int answer_rops(struct mht_sess *s, TALLOC_CTX *mem_ctx, const struct mht_resp *hr,
                       struct rop_buffer *buf)
{
	struct mh_execute_resp resp;
	struct rpc_ext_chain chain;

	if (!hr->framed || mh_execute_resp_pull(mem_ctx, hr->body, hr->body_len, &resp) != ROP_OK ||
	    resp.status_code != 0 || resp.error_code != 0 ||
	    rpc_ext_decode(mem_ctx, resp.rop_buffer.data, resp.rop_buffer.len, 1 << 20, &chain) !=
	        ROP_OK ||
	    chain.count < 1 ||
	    rop_buffer_split(mem_ctx, chain.blocks[0].data, chain.blocks[0].len, buf) != ROP_OK)
		return -2;
	for (unsigned k = 0; k < buf->handle_count && k < MHT_HANDLES; k++)
		s->h[k] = buf->handles[k];
	return 0;
}

int mht_execute(struct mht_sess *s, TALLOC_CTX *mem_ctx, const struct rop_request *reqs,
                unsigned count)
{
	struct mh_execute_req req = {.flags = RPC_EXT_PUL_NOCOMPRESSION | RPC_EXT_PUL_NOXORMAGIC,
	                             .max_rop_out = 0x40000};
	struct rop_decode_ctx ctx = {.columns = &s->columns};
	struct rop_push rops, ext, body;
	struct rop_buffer buf;
	struct rop_pull p;
	struct mht_resp hr;
	unsigned i = 0;
	int ret;

	s->n = 0;
	s->notifies = 0;
	rop_push_init_growable(&rops, mem_ctx);
	rop_push_init_growable(&ext, mem_ctx);
	rop_push_init_growable(&body, mem_ctx);
	for (unsigned k = 0; k < count; k++) {
		if (rop_push_request(&rops, &reqs[k]) != ROP_OK)
			return -1;
	}
	if (rpc_ext_encode_rop_buffer(&ext, rops.data, rops.ofs, s->h, MHT_HANDLES,
	                              RPC_EXT_ENCODE_LAST) != ROP_OK)
		return -1;
	req.rop_buffer.data = ext.data;
	req.rop_buffer.len = (uint32_t)ext.ofs;
	if (mh_execute_req_push(&body, &req) != ROP_OK ||
	    mht_ems_post(s->c, mem_ctx, "Execute", body.data, body.ofs, &hr) < 0)
		return -1;
	if (hr.response_code != 0)
		return hr.response_code;
	ret = answer_rops(s, mem_ctx, &hr, &buf);
	if (ret != 0)
		return ret;
	rop_pull_init(&p, mem_ctx, buf.rops, buf.rops_len);
	while (rop_pull_left(&p) > 0 && s->n < MHT_MAX_RESPS) {
		struct rop_response *r = &s->resps[s->n];

		while (i < count && reqs[i].rop_id == ROP_ID_Release)
			i++;
		if (rop_pull_response(&p, i < count ? &reqs[i] : NULL, &ctx, r) != ROP_OK)
			return -3;
		/* [MS-OXCNOTIF] 3.1.5.7: queued notifications come after the answers */
		if (r->rop_id == ROP_ID_Notify || r->rop_id == ROP_ID_Pending) {
			s->notifies++;
			continue;
		}
		s->n++;
		i++;
	}
	return 0;
}

int mht_nspi(struct mht_client *c, TALLOC_CTX *mem_ctx, enum nspi_request_type type,
             const void *req, void *resp)
{
	struct rop_push p;
	struct mht_resp hr;
	struct mht_req r = {.path = "/mapi/nspi/", .type = nspi_request_name(type)};

	rop_push_init_growable(&p, mem_ctx);
	if (nspi_req_push(&p, type, req) != ROP_OK)
		return -2;
	r.body = p.data;
	r.body_len = p.ofs;
	if (mht_request(c, mem_ctx, &r, &hr) < 0 || hr.status != 200)
		return -3;
	if (hr.response_code == 0 && resp != NULL &&
	    (!hr.framed || nspi_resp_pull(mem_ctx, type, hr.body, hr.body_len, resp) != ROP_OK))
		return -4;
	return hr.response_code;
}

struct rop_request mht_rq(uint8_t rop_id, uint8_t in, uint8_t out)
{
	return (struct rop_request){.rop_id = rop_id, .input_handle = in, .output_handle = out};
}

struct rop_request mht_logon_rq(const char *essdn, uint8_t out)
{
	struct rop_request q = mht_rq(ROP_ID_Logon, 0, out);

	q.u.logon.logon_flags = 0x01;      /* Private, [MS-OXCSTOR] 2.2.1.1.1 */
	q.u.logon.open_flags = 0x0100040C; /* as Outlook sends it */
	q.u.logon.essdn = (char *)essdn;
	return q;
}
