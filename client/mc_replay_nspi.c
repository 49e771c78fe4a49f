/*
 * mc_replay_nspi: the address book's MIds ([MS-OXNSPI] 2.2.9.1: minimal
 * entry IDs, valid for the server that handed them out) learned from the
 * recorded and live answers position by position (MId arrays, the STAT's
 * CurrentRec, the rows' PidTagInstanceKey and ephemeral PidTagEntryId)
 * and put into later requests and into the recorded answers before they
 * are compared.
 */
#include <endian.h>
#include <string.h>

#include "mc_replay_private.h"
#include "mh_nspi.h"

/* [MS-OXNSPI] 2.2.1.8 positioning MIds and 2.2.1.9 ANR MIds: the same on
 * every server, never mapped. */
#define MID_SPECIAL_MAX 0x2u

static uint32_t map_mid(const struct mc_replay_state *r, uint32_t mid)
{
	if (mid <= MID_SPECIAL_MAX)
		return mid;
	for (size_t i = 0; i < r->mid_count; i++) {
		if (r->mids[i].from == mid)
			return (uint32_t)r->mids[i].to;
	}
	return mid;
}

static void learn_mid(struct mc_replay_state *r, uint32_t from, uint32_t to)
{
	if (from <= MID_SPECIAL_MAX || to <= MID_SPECIAL_MAX)
		return;
	for (size_t i = 0; i < r->mid_count; i++) {
		if (r->mids[i].from == from)
			return; /* known: a conflict shows in the comparison */
	}
	struct mc_replay_id *a =
	    talloc_realloc(r->mem_ctx, r->mids, struct mc_replay_id, r->mid_count + 1);
	if (a == NULL)
		return;
	a[r->mid_count++] = (struct mc_replay_id){from, to};
	r->mids = a;
}

/* The MIds a request or response of one type holds: a STAT (CurrentRec,
 * ContainerID), MId arrays, single MIds. */
struct mid_fields {
	struct nspi_stat *stat;
	struct nspi_mids *arrays[2];
	uint32_t *singles[2];
};

static void request_fields(enum nspi_request_type t, void *q, struct mid_fields *f)
{
	memset(f, 0, sizeof(*f));
	switch (t) {
	case NSPI_BIND:
		f->stat = ((struct nspi_bind_req *)q)->state;
		break;
	case NSPI_COMPARE_MIDS: {
		struct nspi_compare_mids_req *c = q;
		f->stat = c->state;
		f->singles[0] = &c->mid1;
		f->singles[1] = &c->mid2;
		break;
	}
	case NSPI_GET_MATCHES:
		f->stat = ((struct nspi_get_matches_req *)q)->state;
		f->arrays[0] = ((struct nspi_get_matches_req *)q)->mids;
		break;
	case NSPI_GET_PROP_LIST:
		f->singles[0] = &((struct nspi_get_prop_list_req *)q)->mid;
		break;
	case NSPI_GET_PROPS:
		f->stat = ((struct nspi_get_props_req *)q)->state;
		break;
	case NSPI_GET_SPECIAL_TABLE:
		f->stat = ((struct nspi_get_special_table_req *)q)->state;
		break;
	case NSPI_MOD_LINK_ATT:
		f->singles[0] = &((struct nspi_mod_link_att_req *)q)->mid;
		break;
	case NSPI_MOD_PROPS:
		f->stat = ((struct nspi_mod_props_req *)q)->state;
		break;
	case NSPI_QUERY_ROWS:
		f->stat = ((struct nspi_query_rows_req *)q)->state;
		f->arrays[0] = &((struct nspi_query_rows_req *)q)->explicit_table;
		break;
	case NSPI_RESOLVE_NAMES:
		f->stat = ((struct nspi_resolve_names_req *)q)->state;
		break;
	case NSPI_RESORT_RESTRICTION:
		f->stat = ((struct nspi_resort_restriction_req *)q)->state;
		f->arrays[0] = ((struct nspi_resort_restriction_req *)q)->mids;
		break;
	case NSPI_SEEK_ENTRIES:
		f->stat = ((struct nspi_seek_entries_req *)q)->state;
		f->arrays[0] = ((struct nspi_seek_entries_req *)q)->explicit_table;
		break;
	case NSPI_UPDATE_STAT:
		f->stat = ((struct nspi_update_stat_req *)q)->state;
		break;
	default:
		break;
	}
}

static void response_fields(enum nspi_request_type t, void *a, struct mid_fields *f)
{
	memset(f, 0, sizeof(*f));
	switch (t) {
	case NSPI_DN_TO_MID:
		f->arrays[0] = ((struct nspi_dn_to_mid_resp *)a)->mids;
		break;
	case NSPI_GET_MATCHES:
		f->stat = ((struct nspi_get_matches_resp *)a)->state;
		f->arrays[0] = ((struct nspi_get_matches_resp *)a)->mids;
		break;
	case NSPI_QUERY_ROWS:
		f->stat = ((struct nspi_query_rows_resp *)a)->state;
		break;
	case NSPI_RESOLVE_NAMES:
		f->arrays[0] = ((struct nspi_resolve_names_resp *)a)->mids;
		break;
	case NSPI_RESORT_RESTRICTION:
		f->stat = ((struct nspi_resort_restriction_resp *)a)->state;
		f->arrays[0] = ((struct nspi_resort_restriction_resp *)a)->mids;
		break;
	case NSPI_SEEK_ENTRIES:
		f->stat = ((struct nspi_seek_entries_resp *)a)->state;
		break;
	case NSPI_UPDATE_STAT:
		f->stat = ((struct nspi_update_stat_resp *)a)->state;
		break;
	default:
		break;
	}
}

/* Every MId of f through the map. */
static void map_fields(const struct mc_replay_state *r, struct mid_fields *f)
{
	if (f->stat != NULL) {
		f->stat->current_rec = map_mid(r, f->stat->current_rec);
		f->stat->container_id = map_mid(r, f->stat->container_id);
	}
	for (int k = 0; k < 2; k++) {
		for (uint32_t i = 0; f->arrays[k] != NULL && i < f->arrays[k]->count; i++)
			f->arrays[k]->ids[i] = map_mid(r, f->arrays[k]->ids[i]);
		if (f->singles[k] != NULL)
			*f->singles[k] = map_mid(r, *f->singles[k]);
	}
}

/* [MS-OXPROPS] PidTagInstanceKey and PidTagEntryId: in address book rows
 * the first is the MId (4 bytes), the second, when ephemeral ([MS-OXNSPI]
 * 2.2.9.2: IDType 0x87, 32 bytes), ends with it. */
#define TAG_INSTANCE_KEY 0x0FF60102u
#define TAG_ENTRY_ID     0x0FFF0102u

/* The MId a row value names, or 0. */
static uint32_t value_mid(const struct mapi_propval *v)
{
	const struct mapi_binary *b = &v->v.bin;
	uint32_t mid = 0;
	if (v->tag == TAG_INSTANCE_KEY && b->len == 4 && b->data != NULL)
		memcpy(&mid, b->data, 4);
	else if (v->tag == TAG_ENTRY_ID && b->len == 32 && b->data != NULL && b->data[0] == 0x87)
		memcpy(&mid, b->data + 28, 4);
	return le32toh(mid);
}

/* The rows of an answer of type t (GetProps: its one list of values). */
static void answer_rows(enum nspi_request_type t, void *a, const struct mapi_propval_array **v_r,
                        const struct nspi_rowset **rows_r)
{
	*v_r = NULL;
	*rows_r = NULL;
	if (t == NSPI_QUERY_ROWS)
		*rows_r = ((struct nspi_query_rows_resp *)a)->rows;
	else if (t == NSPI_GET_MATCHES)
		*rows_r = ((struct nspi_get_matches_resp *)a)->rows;
	else if (t == NSPI_RESOLVE_NAMES)
		*rows_r = ((struct nspi_resolve_names_resp *)a)->rows;
	else if (t == NSPI_SEEK_ENTRIES)
		*rows_r = ((struct nspi_seek_entries_resp *)a)->rows;
	else if (t == NSPI_GET_PROPS)
		*v_r = ((struct nspi_get_props_resp *)a)->values;
}

/* The MIds the rows' instance keys and ephemeral entry IDs carry, row by
 * row and column by column. */
static void learn_values(struct mc_replay_state *r, const struct mapi_propval_array *a,
                         const struct mapi_propval_array *b)
{
	for (uint32_t k = 0; a != NULL && b != NULL && k < a->count && k < b->count; k++) {
		if (a->vals[k].tag == b->vals[k].tag)
			learn_mid(r, value_mid(&a->vals[k]), value_mid(&b->vals[k]));
	}
}

static void learn_rows(struct mc_replay_state *r, enum nspi_request_type t, void *ra, void *la)
{
	const struct mapi_propval_array *va, *vb;
	const struct nspi_rowset *a, *b;
	answer_rows(t, ra, &va, &a);
	answer_rows(t, la, &vb, &b);
	learn_values(r, va, vb);
	for (uint32_t i = 0; a != NULL && b != NULL && i < a->count && i < b->count; i++)
		learn_values(r, &a->rows[i].vals, &b->rows[i].vals);
}

/* A decoded body of type t, or NULL. */
static void *pull(TALLOC_CTX *mem_ctx, enum nspi_request_type t, bool request, const uint8_t *b,
                  size_t len)
{
	void *obj = talloc_zero_size(mem_ctx, request ? nspi_req_size(t) : nspi_resp_size(t));
	if (obj == NULL)
		return NULL;
	enum rop_err e = request ? nspi_req_pull(mem_ctx, t, b, len, obj)
	                         : nspi_resp_pull(mem_ctx, t, b, len, obj);
	return e == ROP_OK ? obj : NULL;
}

int mc_replay_nspi_rewrite(TALLOC_CTX *mem_ctx, struct mc_replay_state *r, enum nspi_request_type t,
                           const uint8_t *body, size_t len, struct rop_push *out)
{
	struct mid_fields f;
	void *q = pull(mem_ctx, t, true, body, len);
	rop_push_init_growable(out, mem_ctx);
	if (q == NULL) /* sent as recorded: the server judges it */
		return rop_push_bytes(out, body, len) == ROP_OK ? 0 : -1;
	request_fields(t, q, &f);
	map_fields(r, &f);
	if (nspi_req_push(out, t, q) != ROP_OK)
		return mc_fail(r->s, MC_E_PROTOCOL, "%s: cannot encode the rewritten request",
		               nspi_request_name(t));
	return 0;
}

void mc_replay_nspi_learn(TALLOC_CTX *mem_ctx, struct mc_replay_state *r, enum nspi_request_type t,
                          const uint8_t *rec, size_t rec_len, const uint8_t *live, size_t live_len)
{
	struct mid_fields a, b;
	void *ra = pull(mem_ctx, t, false, rec, rec_len),
	     *la = pull(mem_ctx, t, false, live, live_len);
	if (ra == NULL || la == NULL)
		return;
	response_fields(t, ra, &a);
	response_fields(t, la, &b);
	if (a.stat != NULL && b.stat != NULL)
		learn_mid(r, a.stat->current_rec, b.stat->current_rec);
	learn_rows(r, t, ra, la);
	/* position by position: the same names resolved, the same matches */
	for (int k = 0; k < 2; k++) {
		if (a.arrays[k] == NULL || b.arrays[k] == NULL)
			continue;
		for (uint32_t i = 0; i < a.arrays[k]->count && i < b.arrays[k]->count; i++)
			learn_mid(r, a.arrays[k]->ids[i], b.arrays[k]->ids[i]);
	}
}

int mc_replay_nspi_map_answer(TALLOC_CTX *mem_ctx, const struct mc_replay_state *r,
                              enum nspi_request_type t, const uint8_t **body, size_t *len)
{
	struct mid_fields f;
	struct rop_push out;
	void *a = pull(mem_ctx, t, false, *body, *len);
	if (a == NULL || r->mid_count == 0)
		return 0; /* printed as recorded */
	response_fields(t, a, &f);
	map_fields(r, &f);
	rop_push_init_growable(&out, mem_ctx);
	if (nspi_resp_push(&out, t, a) != ROP_OK)
		return -1;
	*body = out.data;
	*len = out.ofs;
	return 0;
}
