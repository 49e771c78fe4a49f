/*
 * mc_replay_example: a specification's ROP example replayed in a real
 * Execute on the seeded mailbox (mc_replay_seed.c).
 *
 * An entry's "_example" holds:
 *   "sections": the specification sections the bytes come from;
 *   "handles":  the example's server object handle table, by name
 *               (["folder", "table"]: index 0 holds "folder" ...);
 *   "steps":    what the example presupposes, sent first in the same
 *               Execute: {"rop": "OpenFolder", "folder": REF, "out": NAME},
 *               {"rop": "GetContentsTable" | "GetHierarchyTable",
 *               "in": NAME, "out": NAME}, {"rop": "OpenMessage",
 *               "message": REF, "out": NAME} (read-write), {"rop":
 *               "SetColumns", "in": NAME, "tags": ["0xTTTTTTTT"...]},
 *               {"rop": "SortTable", "in": NAME, "tag": "0xTTTTTTTT"}
 *               (ascending);
 *               the logon is "logon";
 *   "request":  the example's ROP requests (hex, as printed);
 *   "response": the responses the specification prints for them (hex);
 *   "columns":  the columns of the rows in those responses (the last
 *               RopSetColumns of the example);
 *   "known_difference": when present, why this server is known to answer
 *               otherwise: the diff is printed and counted apart.
 * The example's folder and message IDs are replaced by the seeded
 * objects' (the seed's "ids"); the steps must succeed; each example
 * response is decoded by the codec and compared with the live one field
 * by field (mc_replay_compare: volatile fields by shape).
 */
#include <json.h>
#include <stdlib.h>
#include <string.h>

#include "mc_replay_private.h"
#include "rop_errors.h"
#include "rop_print.h"

#define MAX_SLOTS 32
#define MAX_ROPS  64

struct example {
	TALLOC_CTX *mem_ctx;
	struct mc_replay_state *r;
	const char *names[MAX_SLOTS];
	uint32_t handles[MAX_SLOTS];
	size_t slot_count;
	struct rop_request reqs[MAX_ROPS];
	size_t step_count, req_count;
	struct mapi_proptag_array columns;
};

static const char *jstr(json_object *o, const char *key)
{
	json_object *v;
	return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
	           ? json_object_get_string(v)
	           : NULL;
}

/* The handle table index of name, given a slot when new (the logon's
 * slot holds the logon handle). */
static int slot_of(struct example *x, const char *name)
{
	for (size_t i = 0; name != NULL && i < x->slot_count; i++) {
		if (x->names[i] != NULL && strcmp(x->names[i], name) == 0)
			return (int)i;
	}
	if (name == NULL || x->slot_count == MAX_SLOTS)
		return -1;
	x->names[x->slot_count] = name;
	x->handles[x->slot_count] =
	    strcmp(name, "logon") == 0 ? x->r->logon->handle : MC_NEW_HANDLE;
	return (int)x->slot_count++;
}

static uint8_t *hex_bytes(TALLOC_CTX *mem_ctx, const char *hex, size_t *len_r)
{
	size_t n = hex != NULL ? strlen(hex) / 2 : 0;
	uint8_t *b = talloc_zero_array(mem_ctx, uint8_t, n + 1);
	for (size_t i = 0; b != NULL && i < n; i++) {
		char c[3] = {hex[2 * i], hex[2 * i + 1], 0};
		b[i] = (uint8_t)strtoul(c, NULL, 16);
	}
	*len_r = n;
	return b;
}

static int tags_of(TALLOC_CTX *mem_ctx, json_object *a, struct mapi_proptag_array *t)
{
	size_t n =
	    a != NULL && json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;
	t->count = (uint16_t)n;
	t->tags = talloc_zero_array(mem_ctx, uint32_t, n + 1);
	for (size_t i = 0; t->tags != NULL && i < n; i++)
		t->tags[i] = (uint32_t)strtoul(
		    json_object_get_string(json_object_array_get_idx(a, i)), NULL, 16);
	return t->tags != NULL ? 0 : -1;
}

/* One presupposed step as a ROP request. */
static int build_step(struct example *x, json_object *st, struct rop_request *q)
{
	const char *rop = jstr(st, "rop");
	int in = slot_of(x, jstr(st, "in") ? jstr(st, "in") : "logon");
	int out = jstr(st, "out") ? slot_of(x, jstr(st, "out")) : 0;
	uint64_t fid, mid;
	json_object *tags;
	memset(q, 0, sizeof(*q));
	if (rop == NULL || in < 0 || out < 0)
		return -1;
	q->input_handle = (uint8_t)in;
	q->output_handle = (uint8_t)out;
	if (strcmp(rop, "OpenFolder") == 0) { /* [MS-OXCFOLD] 2.2.1.1 */
		if (mc_replay_seed_find(x->r, jstr(st, "folder"), &fid, &mid) != 1)
			return -1;
		q->rop_id = ROP_ID_OpenFolder;
		q->u.open_folder.folder_id = fid;
	} else if (strcmp(rop, "GetContentsTable") == 0) { /* [MS-OXCFOLD] 2.2.1.14 */
		q->rop_id = ROP_ID_GetContentsTable;
	} else if (strcmp(rop, "GetHierarchyTable") == 0) { /* [MS-OXCFOLD] 2.2.1.13 */
		q->rop_id = ROP_ID_GetHierarchyTable;
	} else if (strcmp(rop, "OpenMessage") == 0) { /* [MS-OXCMSG] 2.2.3.1 */
		if (mc_replay_seed_find(x->r, jstr(st, "message"), &fid, &mid) != 1 || mid == 0)
			return -1;
		q->rop_id = ROP_ID_OpenMessage;
		q->u.open_message.code_page_id = 0x0FFF;
		q->u.open_message.folder_id = fid;
		q->u.open_message.message_id = mid;
		q->u.open_message.open_mode_flags = 0x01; /* ReadWrite */
	} else if (strcmp(rop, "SortTable") == 0 && jstr(st, "tag") != NULL) {
		/* [MS-OXCTABL] 2.2.2.3: one ascending sort key */
		struct mapi_sort_order *o = talloc_zero(x->mem_ctx, struct mapi_sort_order);
		if (o == NULL)
			return -1;
		o->proptag = (uint32_t)strtoul(jstr(st, "tag"), NULL, 16);
		q->rop_id = ROP_ID_SortTable;
		q->u.sort_table.sorts.count = 1;
		q->u.sort_table.sorts.sorts = o;
	} else if (strcmp(rop, "SetColumns") == 0 && /* [MS-OXCTABL] 2.2.2.2 */
	           json_object_object_get_ex(st, "tags", &tags)) {
		q->rop_id = ROP_ID_SetColumns;
		if (tags_of(x->mem_ctx, tags, &q->u.set_columns.tags) < 0)
			return -1;
	} else {
		return -1;
	}
	return 0;
}

/* The steps, then the example's own requests (their IDs made live). */
static int build(struct example *x, json_object *ex)
{
	json_object *a;
	if (json_object_object_get_ex(ex, "handles", &a) && json_object_is_type(a, json_type_array))
		for (size_t i = 0; i < json_object_array_length(a) && i < MAX_SLOTS; i++)
			slot_of(x, json_object_get_string(json_object_array_get_idx(a, i)));
	if (json_object_object_get_ex(ex, "steps", &a) && json_object_is_type(a, json_type_array))
		for (size_t i = 0; i < json_object_array_length(a) && x->req_count < MAX_ROPS;
		     i++) {
			if (build_step(x, json_object_array_get_idx(a, i),
			               &x->reqs[x->req_count++]) < 0)
				return mc_fail(x->r->s, MC_E_USAGE,
				               "_example: step %zu not understood", i);
		}
	x->step_count = x->req_count;
	size_t len;
	uint8_t *b = hex_bytes(x->mem_ctx, jstr(ex, "request"), &len);
	if (b == NULL || len == 0)
		return mc_fail(x->r->s, MC_E_USAGE, "_example: no request");
	mc_replay_replace_ids(x->r, b, len);
	struct rop_pull p;
	rop_pull_init(&p, x->mem_ctx, b, len);
	while (rop_pull_left(&p) > 0 && x->req_count < MAX_ROPS) {
		if (rop_pull_request(&p, &x->reqs[x->req_count]) != ROP_OK)
			return mc_fail(x->r->s, MC_E_USAGE, "_example: request %zu undecodable",
			               x->req_count - x->step_count);
		x->req_count++;
	}
	if (json_object_object_get_ex(ex, "columns", &a))
		return tags_of(x->mem_ctx, a, &x->columns);
	return 0;
}

/* The specification's responses printed, one per example request. */
static char *print_recorded(struct example *x, const char *hex, size_t *count_r)
{
	struct rop_printer pr;
	struct rop_decode_ctx ctx = {.columns = &x->columns};
	size_t len;
	uint8_t *b = hex_bytes(x->mem_ctx, hex, &len);
	struct rop_pull p;
	rop_printer_init(&pr, x->mem_ctx);
	*count_r = 0;
	if (b == NULL)
		return NULL;
	rop_pull_init(&p, x->mem_ctx, b, len);
	for (size_t i = x->step_count; i < x->req_count && rop_pull_left(&p) > 0; i++) {
		struct rop_response resp;
		if (rop_pull_response(&p, &x->reqs[i], &ctx, &resp) != ROP_OK) {
			rop_printf(&pr, "undecodable response %zu", i - x->step_count);
			break;
		}
		rop_print_response(&pr, &resp);
		(*count_r)++;
	}
	return pr.text != NULL ? pr.text : talloc_strdup(x->mem_ctx, "");
}

/* Sends the example; the differences go to r->out after the summary. */
static int run(struct example *x, json_object *ex, unsigned n, bool known)
{
	struct mc_replay_state *r = x->r;
	struct rop_response *resps;
	uint32_t *handles;
	size_t nr, nh, rec_count;
	struct mc_execute_opts opts = mc_store_execute_opts(r->s);
	struct rop_decode_ctx ctx = {.columns = &x->columns};
	if (mc_emsmdb_execute(x->mem_ctx, r->s, &opts, x->reqs, x->req_count, x->handles,
	                      x->slot_count, &ctx, &resps, &nr, &handles, &nh) < 0)
		return -1;
	char *rec = print_recorded(x, jstr(ex, "response"), &rec_count);
	struct rop_printer live;
	rop_printer_init(&live, x->mem_ctx);
	unsigned before = r->differences;
	char *buf = NULL;
	size_t buf_len = 0;
	FILE *saved = r->out;
	if (rec == NULL || (r->out = open_memstream(&buf, &buf_len)) == NULL) {
		r->out = saved;
		return mc_fail(r->s, MC_E_NOMEM, "out of memory");
	}
	for (size_t i = 0; i < nr; i++) {
		if (i < x->step_count) {
			if (resps[i].return_value != 0) {
				fprintf(r->out,
				        "  - step %zu %s: success\n  + ReturnValue 0x%08X (%s)\n",
				        i, rop_name(resps[i].rop_id), resps[i].return_value,
				        rop_error_name(resps[i].return_value));
				r->differences++;
			}
			continue;
		}
		rop_print_response(&live, &resps[i]);
	}
	mc_replay_compare(r, rec, live.text != NULL ? live.text : talloc_strdup(x->mem_ctx, ""));
	fclose(r->out);
	r->out = saved;
	unsigned d = r->differences - before;
	const char *sections = jstr(ex, "sections") ? jstr(ex, "sections") : "example";
	const char *why = jstr(ex, "known_difference") ? jstr(ex, "known_difference") : "";
	if (known) {
		r->differences = before;
		r->known_differences += d;
	}
	if (d == 0)
		fprintf(r->out, "request %u: Execute (%s): same\n", n, sections);
	else
		fprintf(r->out, "request %u: Execute (%s): %u difference%s%s%s\n%s", n, sections, d,
		        d == 1 ? "" : "s", known ? ", known: " : "", why, buf);
	free(buf);
	return 0;
}

int mc_replay_example(TALLOC_CTX *mem_ctx, struct mc_replay_state *r, const char *example,
                      unsigned n)
{
	json_object *ex = json_tokener_parse(example);
	struct example *x = talloc_zero(mem_ctx, struct example);
	int ret = -1;
	if (ex == NULL || x == NULL)
		return mc_fail(r->s, MC_E_USAGE, "entry %u: _example is not JSON", n);
	if (r->logon == NULL) {
		mc_fail(r->s, MC_E_USAGE, "entry %u: an _example without a _seed", n);
		goto out;
	}
	x->mem_ctx = x;
	x->r = r;
	if (build(x, ex) < 0 || run(x, ex, n, jstr(ex, "known_difference") != NULL) < 0)
		goto out;
	ret = 0;
out:
	json_object_put(ex);
	talloc_free(x);
	return ret;
}
