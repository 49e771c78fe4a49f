/*
 * mc_replay: sending a recorded session again, rewriting what belongs to
 * the recorded session.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "mc_autodiscover.h"
#include "mc_frame.h"
#include "mc_http.h"
#include "mc_replay_private.h"
#include "mh_emsmdb.h"
#include "mh_nspi.h"
#include "rop_print.h"
#include "rpc_ext.h"

void mc_replay_learn_sub(struct mc_replay_state *r, const char *from, const char *to)
{
	if (from == NULL || to == NULL || from[0] == '\0' || strcmp(from, to) == 0)
		return;
	for (size_t i = 0; i < r->sub_count; i++) {
		if (strcmp(r->subs[i].from, from) == 0)
			return;
	}
	struct mc_replay_sub *a =
	    talloc_realloc(r->mem_ctx, r->subs, struct mc_replay_sub, r->sub_count + 1);
	if (a == NULL)
		return;
	/* longer strings first, so a DN is replaced before a name inside it */
	size_t at = r->sub_count;
	while (at > 0 && strlen(a[at - 1].from) < strlen(from)) {
		a[at] = a[at - 1];
		at--;
	}
	a[at].from = talloc_strdup(a, from);
	a[at].to = talloc_strdup(a, to);
	r->subs = a;
	r->sub_count++;
}

static int learn_pair(TALLOC_CTX *mem_ctx, struct mc_replay_id **map, size_t *count, uint64_t from,
                      uint64_t to)
{
	for (size_t i = 0; i < *count; i++) {
		if ((*map)[i].from == from)
			return (*map)[i].to == to ? 1 : 0;
	}
	struct mc_replay_id *a = talloc_realloc(mem_ctx, *map, struct mc_replay_id, *count + 1);
	if (a == NULL)
		return 0;
	a[*count] = (struct mc_replay_id){from, to};
	*map = a;
	(*count)++;
	return 1;
}

int mc_replay_learn_id(struct mc_replay_state *r, uint64_t from, uint64_t to)
{
	return learn_pair(r->mem_ctx, &r->ids, &r->id_count, from, to);
}

int mc_replay_learn_guid(struct mc_replay_state *r, const struct mc_replay_guid *g)
{
	for (size_t i = 0; i < r->guid_count; i++) {
		if (memcmp(r->guids[i].from, g->from, 16) == 0)
			return memcmp(r->guids[i].to, g->to, 16) == 0 ? 1 : 0;
	}
	struct mc_replay_guid *a =
	    talloc_realloc(r->mem_ctx, r->guids, struct mc_replay_guid, r->guid_count + 1);
	if (a == NULL)
		return 0;
	a[r->guid_count++] = *g;
	r->guids = a;
	return 1;
}

uint64_t mc_replay_map_handle(const struct mc_replay_state *r, uint64_t h)
{
	for (size_t i = 0; i < r->handle_count; i++) {
		if (r->handles[i].from == h)
			return r->handles[i].to;
	}
	return h;
}

/* The binary body of a recorded MAPI/HTTP answer and its X-ResponseCode
 * (the HTTP header, else the one after DONE). */
static int recorded_answer(TALLOC_CTX *mem_ctx, const struct mc_har_entry *e, uint32_t *code_r,
                           uint8_t **body_r, size_t *len_r)
{
	struct mc_frame f;
	const char *code = mc_har_header(e->resp_headers, e->resp_header_count, "X-ResponseCode");
	*body_r = NULL;
	*len_r = 0;
	mc_frame_init(&f, mem_ctx, MC_HTTP_MAX_BODY);
	if (mc_frame_feed(&f, e->resp_body, e->resp_body_len) == 0 && mc_frame_finish(&f) == 0) {
		*body_r = f.body;
		*len_r = f.body_len;
		if (code == NULL)
			code = mc_frame_header(&f, "X-ResponseCode");
	}
	*code_r = code != NULL ? (uint32_t)strtoul(code, NULL, 10) : 0;
	return code != NULL || *body_r != NULL ? 0 : -1;
}

/* The answer printed by the codec (what did not decode said at the end). */
static char *print_answer(TALLOC_CTX *mem_ctx, const char *type, const uint8_t *body, size_t len,
                          const struct rop_decode_ctx *ctx)
{
	struct rop_printer pr;
	enum nspi_request_type nt;
	enum rop_err e = ROP_OK;
	rop_printer_init(&pr, mem_ctx);
	if (strcmp(type, "Connect") == 0)
		e = rop_print_mh_body(&pr, ROP_BODY_CONNECT, ROP_PRINT_RESPONSE, body, len, ctx);
	else if (strcmp(type, "Execute") == 0)
		e = rop_print_mh_body(&pr, ROP_BODY_EXECUTE, ROP_PRINT_RESPONSE, body, len, ctx);
	else if (strcmp(type, "Disconnect") == 0)
		e = rop_print_mh_body(&pr, ROP_BODY_DISCONNECT, ROP_PRINT_RESPONSE, body, len, ctx);
	else if (strcmp(type, "NotificationWait") == 0)
		e = rop_print_mh_body(&pr, ROP_BODY_NOTIFICATION_WAIT, ROP_PRINT_RESPONSE, body,
		                      len, ctx);
	else if (nspi_request_lookup(type, &nt) == 1)
		e = rop_print_nspi_body(&pr, nt, ROP_PRINT_RESPONSE, body, len);
	else if (len > 0)
		rop_print_hex(&pr, "body", body, len);
	if (e != ROP_OK)
		rop_printf(&pr, "undecodable: %s", rop_strerror(e));
	return pr.text != NULL ? pr.text : talloc_strdup(mem_ctx, "");
}

/* Autodiscover: run again for the live user (once); the recorded POX
 * answer tells the recorded user's names, learned as substitutions. */
static int replay_autodiscover(TALLOC_CTX *tmp, struct mc_replay_state *r,
                               const struct mc_har_entry *e, unsigned n)
{
	struct mc_discovery rec, live;
	char *redirect = NULL;
	if (!r->discovered) {
		if (mc_discover(r->mem_ctx, r->s, r->address, &live) < 0)
			return -1;
		r->discovered = true;
		r->live_display_name = talloc_strdup(r->mem_ctx, live.display_name);
	}
	memset(&rec, 0, sizeof(rec));
	if (strstr(e->url, ".xml") != NULL &&
	    mc_autodiscover_parse(tmp, e->resp_body, e->resp_body_len, &rec, &redirect) ==
	        POX_SETTINGS) {
		mc_replay_learn_sub(r, rec.legacy_dn, r->s->legacy_dn);
		mc_replay_learn_sub(r, rec.display_name, r->live_display_name);
		mc_replay_learn_sub(r, rec.smtp_address, r->address);
	}
	fprintf(r->out,
	        "request %u: Autodiscover %s: discovered again for %s (recorded HTTP %ld)\n", n,
	        e->method, r->address, e->status);
	return 0;
}

/* "scheme://host:port" of the recorded URL -> the live one. */
static void learn_origin(TALLOC_CTX *mem_ctx, struct mc_replay_state *r, const char *rec,
                         const char *live)
{
	const char *a = strstr(rec, "://"), *b = live ? strstr(live, "://") : NULL;
	if (a == NULL || b == NULL)
		return;
	const char *ae = strchr(a + 3, '/'), *be = strchr(b + 3, '/');
	char *from = talloc_strndup(mem_ctx, rec, ae ? (size_t)(ae - rec) : strlen(rec));
	char *to = talloc_strndup(mem_ctx, live, be ? (size_t)(be - live) : strlen(live));
	mc_replay_learn_sub(r, from, to);
}

static int replay_mapi(TALLOC_CTX *tmp, struct mc_replay_state *r, const struct mc_har_entry *e,
                       const char *type, unsigned n)
{
	struct mc_mapi_resp live;
	struct rop_decode_ctx ctx = {0};
	struct rop_push body;
	uint32_t rec_code;
	uint8_t *rec_body;
	size_t rec_len;
	bool nspi = strstr(e->url, "/mapi/nspi") != NULL;
	if (!r->discovered &&
	    (mc_discover(r->mem_ctx, r->s, r->address, &(struct mc_discovery){0}) < 0 ||
	     !(r->discovered = true)))
		return -1;
	learn_origin(tmp, r, e->url, nspi ? r->s->nspi_url : r->s->emsmdb_url);
	if (recorded_answer(tmp, e, &rec_code, &rec_body, &rec_len) < 0)
		return mc_fail(r->s, MC_E_PROTOCOL,
		               "entry %u: the recorded answer is not MAPI/HTTP", n);
	if (mc_replay_rewrite(tmp, r, type, e->req_body, e->req_body_len, &body, &ctx) < 0)
		return -1;
	int rc = mc_mapi_request(tmp, r->s, nspi ? r->s->nspi_url : r->s->emsmdb_url, type,
	                         body.data, body.ofs, &live);
	if (rc < 0 && live.http_status == 0)
		return -1; /* nothing came back */
	r->entry_differences = 0;
	unsigned before = r->differences;
	char line[64];
	if (rec_code != live.response_code) {
		snprintf(line, sizeof(line), "X-ResponseCode: %" PRIu32, rec_code);
		char line2[64];
		snprintf(line2, sizeof(line2), "X-ResponseCode: %" PRIu32, live.response_code);
		fprintf(r->out, "request %u: %s: differs\n  - %s\n  + %s\n", n, type, line, line2);
		r->differences++;
		return 0;
	}
	if (rec_code == 0) {
		mc_replay_learn_answer(tmp, r, type, rec_body, rec_len, live.body, live.body_len);
		const uint8_t *rec_print = rec_body;
		size_t rec_print_len = rec_len;
		enum nspi_request_type nt;
		if (nspi_request_lookup(type, &nt) == 1 &&
		    mc_replay_nspi_map_answer(tmp, r, nt, &rec_print, &rec_print_len) < 0)
			return mc_fail(r->s, MC_E_PROTOCOL,
			               "entry %u: cannot encode the mapped answer", n);
		char *a = print_answer(tmp, type, rec_print, rec_print_len, &ctx);
		char *b = print_answer(tmp, type, live.body, live.body_len, &ctx);
		/* the diff lines follow the summary line: keep them aside */
		FILE *saved = r->out;
		char *buf = NULL;
		size_t buf_len = 0;
		r->out = open_memstream(&buf, &buf_len);
		if (r->out == NULL) {
			r->out = saved;
			return mc_fail(r->s, MC_E_NOMEM, "out of memory");
		}
		mc_replay_compare(r, a, b);
		fclose(r->out);
		r->out = saved;
		unsigned d = r->differences - before;
		if (d == 0)
			fprintf(r->out, "request %u: %s: same\n", n, type);
		else
			fprintf(r->out, "request %u: %s: %u difference%s\n%s", n, type, d,
			        d == 1 ? "" : "s", buf);
		free(buf);
	} else {
		fprintf(r->out, "request %u: %s: same (X-ResponseCode %" PRIu32 ")\n", n, type,
		        rec_code);
	}
	return 0;
}

int mc_replay(TALLOC_CTX *mem_ctx, struct mc_session *s, const char *address,
              const struct mc_har *har, FILE *out, struct mc_replay_result *res_r)
{
	struct mc_replay_state r = {
	    .mem_ctx = talloc_new(mem_ctx), .s = s, .address = address, .out = out};
	int ret = 0;
	memset(res_r, 0, sizeof(*res_r));
	/* seed mode: the mailbox the examples assume, made first */
	if (har->seed != NULL) {
		if (mc_discover(r.mem_ctx, s, address, &(struct mc_discovery){0}) < 0 ||
		    mc_replay_seed(r.mem_ctx, &r, har->seed) < 0)
			ret = -1;
		r.discovered = true;
	}
	for (size_t i = 0; i < har->count && ret == 0; i++) {
		const struct mc_har_entry *e = &har->entries[i];
		const char *type =
		    mc_har_header(e->req_headers, e->req_header_count, "X-RequestType");
		TALLOC_CTX *tmp = talloc_new(r.mem_ctx);
		unsigned n = (unsigned)i + 1;
		if (e->example != NULL) {
			ret = mc_replay_example(tmp, &r, e->example, n);
			res_r->requests++;
		} else if (type != NULL) {
			ret = replay_mapi(tmp, &r, e, type, n);
			res_r->requests++;
		} else if (strstr(e->url, "/autodiscover/") != NULL ||
		           strstr(e->url, "/Autodiscover/") != NULL) {
			ret = replay_autodiscover(tmp, &r, e, n);
			res_r->requests++;
		} else {
			fprintf(out,
			        "request %u: %s %s: skipped (neither MAPI/HTTP nor Autodiscover)\n",
			        n, e->method, e->url);
			res_r->skipped++;
		}
		talloc_free(tmp);
	}
	if (ret == 0 && mc_replay_seed_end(r.mem_ctx, &r) < 0)
		ret = -1;
	res_r->differences = r.differences;
	res_r->known_differences = r.known_differences;
	talloc_free(r.mem_ctx);
	return ret;
}
