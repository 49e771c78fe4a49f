#include "ics_state.h"

struct ics_state *ics_state_new(TALLOC_CTX *mem_ctx)
{
	struct ics_state *st = talloc_zero(mem_ctx, struct ics_state);

	if (st == NULL)
		return NULL;
	st->idset_given = ics_idset_new(st, true);
	st->cnset_seen = ics_idset_new(st, true);
	st->cnset_seen_fai = ics_idset_new(st, true);
	st->cnset_read = ics_idset_new(st, true);
	if (st->idset_given == NULL || st->cnset_seen == NULL || st->cnset_seen_fai == NULL ||
	    st->cnset_read == NULL) {
		talloc_free(st);
		return NULL;
	}
	return st;
}

/* The slot of a state property, or NULL.  [MS-OXCFXICS] 3.1.5.2.1: servers
 * accept MetaTagIdsetGiven typed PtypInteger32 or PtypBinary. */
static struct ics_idset **state_slot(struct ics_state *st, uint32_t tag)
{
	switch (tag) {
	case META_TAG_IDSET_GIVEN:
	case META_TAG_IDSET_GIVEN_BIN:
		return &st->idset_given;
	case META_TAG_CNSET_SEEN:
		return &st->cnset_seen;
	case META_TAG_CNSET_SEEN_FAI:
		return &st->cnset_seen_fai;
	case META_TAG_CNSET_READ:
		return &st->cnset_read;
	default:
		return NULL;
	}
}

/* [MS-OXCFXICS] 2.2.1.1: every state property is a REPLGUID-based IDSET
 * (2.2.2.4.2). */
enum rop_err ics_state_set_prop(struct ics_state *st, uint32_t tag, const uint8_t *data, size_t len)
{
	struct ics_idset **slot = state_slot(st, tag), *ids;

	if (slot == NULL)
		return ROP_E_UNSUPPORTED;
	ROP_CHECK(ics_idset_pull(st, data, len, true, &ids));
	talloc_free(*slot);
	*slot = ids;
	return ROP_OK;
}

static enum rop_err put_set(struct ics_fx_writer *w, uint32_t tag, const struct ics_idset *ids)
{
	TALLOC_CTX *tmp;
	struct rop_push p;
	enum rop_err err;

	if (ids == NULL)
		return ROP_OK;
	tmp = talloc_new(NULL);
	if (tmp == NULL)
		return ROP_E_NOMEM;
	rop_push_init_growable(&p, tmp);
	err = ics_idset_push(&p, ids);
	if (err == ROP_OK)
		err = ics_fx_put_binary(w, tag, p.data, p.ofs);
	talloc_free(tmp);
	return err;
}

/* [MS-OXCFXICS] 2.2.4.3, the state element: IncrSyncStateBegin propList
 * IncrSyncStateEnd. */
enum rop_err ics_state_put(struct ics_fx_writer *w, const struct ics_state *st)
{
	ROP_CHECK(ics_fx_put_marker(w, FX_INCR_SYNC_STATE_BEGIN));
	ROP_CHECK(put_set(w, META_TAG_IDSET_GIVEN, st->idset_given));
	ROP_CHECK(put_set(w, META_TAG_CNSET_SEEN, st->cnset_seen));
	ROP_CHECK(put_set(w, META_TAG_CNSET_SEEN_FAI, st->cnset_seen_fai));
	ROP_CHECK(put_set(w, META_TAG_CNSET_READ, st->cnset_read));
	return ics_fx_put_marker(w, FX_INCR_SYNC_STATE_END);
}

static enum rop_err state_read(struct ics_state *st, const struct ics_fx_element *els, size_t count,
                               size_t *used_r)
{
	if (count == 0 || els[0].kind != ICS_FX_MARKER || els[0].marker != FX_INCR_SYNC_STATE_BEGIN)
		return ROP_E_INVALID;
	for (size_t i = 1; i < count; i++) {
		const struct ics_fx_element *el = &els[i];

		if (el->kind == ICS_FX_MARKER) {
			if (el->marker != FX_INCR_SYNC_STATE_END)
				return ROP_E_INVALID;
			*used_r = i + 1;
			return ROP_OK;
		}
		if (PROP_TYPE(el->val.tag) != PT_BINARY)
			return ROP_E_INVALID;
		ROP_CHECK(
		    ics_state_set_prop(st, el->val.tag, el->val.v.bin.data, el->val.v.bin.len));
	}
	return ROP_E_SHORT; /* no IncrSyncStateEnd */
}

enum rop_err ics_state_from_elements(TALLOC_CTX *mem_ctx, const struct ics_fx_element *els,
                                     size_t count, size_t *used_r, struct ics_state **st_r)
{
	struct ics_state *st = talloc_zero(mem_ctx, struct ics_state);
	enum rop_err err;

	if (st == NULL)
		return ROP_E_NOMEM;
	err = state_read(st, els, count, used_r);
	if (err != ROP_OK) {
		talloc_free(st);
		return err;
	}
	*st_r = st;
	return ROP_OK;
}
