#include "ics_xid.h"

#include <string.h>

#define XID_GUID_SIZE 16

void ics_xid_from_globcnt(struct ics_xid *xid_r, const struct mapi_guid *guid, uint64_t globcnt)
{
	memset(xid_r, 0, sizeof(*xid_r));
	xid_r->guid = *guid;
	/* [MS-OXCFXICS] 3.1.5.3: an XID made from an internal ID is the
	 * replica GUID and the 6-byte GLOBCNT, most significant byte first. */
	xid_r->size = 6;
	for (int i = 0; i < 6; i++)
		xid_r->local_id[i] = (uint8_t)(globcnt >> (8 * (5 - i)));
}

/* [MS-OXCFXICS] 2.2.2.2: NamespaceGuid (16 bytes) + LocalId (1..8 bytes). */
enum rop_err ics_xid_pull(struct rop_pull *p, size_t size, struct ics_xid *xid_r)
{
	size_t start = p->ofs;
	enum rop_err err;
	const uint8_t *local;

	if (size <= XID_GUID_SIZE || size > XID_GUID_SIZE + ICS_XID_LOCALID_MAX)
		return ROP_E_INVALID;
	if (rop_pull_left(p) < size)
		return ROP_E_SHORT;
	memset(xid_r, 0, sizeof(*xid_r));
	err = rop_pull_guid(p, &xid_r->guid);
	if (err == ROP_OK)
		err = rop_pull_ref(p, size - XID_GUID_SIZE, &local);
	if (err != ROP_OK) {
		p->ofs = start;
		return err;
	}
	xid_r->size = (uint8_t)(size - XID_GUID_SIZE);
	memcpy(xid_r->local_id, local, xid_r->size);
	return ROP_OK;
}

enum rop_err ics_xid_push(struct rop_push *p, const struct ics_xid *xid)
{
	if (xid->size == 0 || xid->size > ICS_XID_LOCALID_MAX)
		return ROP_E_INVALID;
	ROP_CHECK(rop_push_guid(p, &xid->guid));
	return rop_push_bytes(p, xid->local_id, xid->size);
}

/* [MS-OXCFXICS] 2.2.2.3.1 SizedXid: XidSize (1 byte) + XID. */
enum rop_err ics_sized_xid_pull(struct rop_pull *p, struct ics_xid *xid_r)
{
	size_t start = p->ofs;
	uint8_t size;
	enum rop_err err;

	ROP_CHECK(rop_pull_u8(p, &size));
	err = ics_xid_pull(p, size, xid_r);
	if (err != ROP_OK)
		p->ofs = start;
	return err;
}

enum rop_err ics_sized_xid_push(struct rop_push *p, const struct ics_xid *xid)
{
	size_t mark = rop_push_mark(p);
	enum rop_err err;

	if (xid->size == 0 || xid->size > ICS_XID_LOCALID_MAX)
		return ROP_E_INVALID;
	err = rop_push_u8(p, (uint8_t)(XID_GUID_SIZE + xid->size));
	if (err == ROP_OK)
		err = ics_xid_push(p, xid);
	if (err != ROP_OK)
		rop_push_rewind(p, mark);
	return err;
}

static uint64_t local_id_value(const struct ics_xid *xid)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < xid->size && i < ICS_XID_LOCALID_MAX; i++)
		v = (v << 8) | xid->local_id[i];
	return v;
}

int ics_xid_cmp_local(const struct ics_xid *a, const struct ics_xid *b)
{
	uint64_t va = local_id_value(a), vb = local_id_value(b);

	return va < vb ? -1 : va > vb ? 1 : 0;
}

enum rop_err ics_pcl_pull(TALLOC_CTX *mem_ctx, const uint8_t *data, size_t len,
                          struct ics_pcl **pcl_r)
{
	struct rop_pull p;
	struct ics_pcl *pcl;
	enum rop_err err = ROP_OK;

	pcl = talloc_zero(mem_ctx, struct ics_pcl);
	if (pcl == NULL)
		return ROP_E_NOMEM;
	rop_pull_init(&p, pcl, data, len);
	/* Each SizedXid takes at least 18 bytes, so this bounds the array. */
	pcl->xids = talloc_array(pcl, struct ics_xid, len / (1 + XID_GUID_SIZE + 1) + 1);
	if (pcl->xids == NULL) {
		talloc_free(pcl);
		return ROP_E_NOMEM;
	}
	while (rop_pull_left(&p) > 0) {
		err = ics_sized_xid_pull(&p, &pcl->xids[pcl->count]);
		if (err != ROP_OK) {
			talloc_free(pcl);
			return err;
		}
		pcl->count++;
	}
	*pcl_r = pcl;
	return ROP_OK;
}

enum rop_err ics_pcl_push(struct rop_push *p, const struct ics_pcl *pcl)
{
	size_t mark = rop_push_mark(p);

	for (uint32_t i = 0; i < pcl->count; i++) {
		enum rop_err err = ics_sized_xid_push(p, &pcl->xids[i]);
		if (err != ROP_OK) {
			rop_push_rewind(p, mark);
			return err;
		}
	}
	return ROP_OK;
}

/* Index of the entry for guid, or -1 with *insert_r the sorted position. */
static long pcl_find(const struct ics_pcl *pcl, const struct mapi_guid *guid, uint32_t *insert_r)
{
	uint32_t lo = 0, hi = pcl->count;

	/* Entries are binary-sorted by GUID ([MS-OXCFXICS] 2.2.2.3) when
	 * built here; a PCL decoded from a client may not be, so fall back to
	 * a linear scan when the sorted search misses. */
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = memcmp(pcl->xids[mid].guid.b, guid->b, 16);
		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*insert_r = lo;
	for (uint32_t i = 0; i < pcl->count; i++) {
		if (memcmp(pcl->xids[i].guid.b, guid->b, 16) == 0)
			return i;
	}
	return -1;
}

enum rop_err ics_pcl_add(TALLOC_CTX *mem_ctx, struct ics_pcl *pcl, const struct ics_xid *xid)
{
	uint32_t at = 0;
	long idx = pcl_find(pcl, &xid->guid, &at);
	struct ics_xid *n;

	if (idx >= 0) {
		if (ics_xid_cmp_local(xid, &pcl->xids[idx]) > 0)
			pcl->xids[idx] = *xid;
		return ROP_OK;
	}
	n = talloc_realloc(mem_ctx, pcl->xids, struct ics_xid, pcl->count + 1);
	if (n == NULL)
		return ROP_E_NOMEM;
	memmove(&n[at + 1], &n[at], (pcl->count - at) * sizeof(*n));
	n[at] = *xid;
	pcl->xids = n;
	pcl->count++;
	return ROP_OK;
}

/* [MS-OXCFXICS] 3.1.5.6.2.1: a conflict resolve message's PCL is the merge
 * of the conflicting versions' PCLs. */
enum rop_err ics_pcl_merge(TALLOC_CTX *mem_ctx, const struct ics_pcl *a, const struct ics_pcl *b,
                           struct ics_pcl **merged_r)
{
	struct ics_pcl *m = talloc_zero(mem_ctx, struct ics_pcl);

	if (m == NULL)
		return ROP_E_NOMEM;
	for (int side = 0; side < 2; side++) {
		const struct ics_pcl *src = side == 0 ? a : b;
		for (uint32_t i = 0; i < src->count; i++) {
			if (ics_pcl_add(m, m, &src->xids[i]) != ROP_OK) {
				talloc_free(m);
				return ROP_E_NOMEM;
			}
		}
	}
	*merged_r = m;
	return ROP_OK;
}

int ics_pcl_contains(const struct ics_pcl *pcl, const struct ics_xid *xid)
{
	uint32_t at;
	long idx = pcl_find(pcl, &xid->guid, &at);

	return idx >= 0 && ics_xid_cmp_local(&pcl->xids[idx], xid) >= 0 ? 1 : 0;
}

/* True when every version named by b is also named (or superseded) by a. */
static bool pcl_includes(const struct ics_pcl *a, const struct ics_pcl *b)
{
	for (uint32_t i = 0; i < b->count; i++) {
		if (ics_pcl_contains(a, &b->xids[i]) == 0)
			return false;
	}
	return true;
}

/* [MS-OXCFXICS] 3.1.5.6.1: version A is a successor of version B when A's
 * PCL includes every XID of B's PCL; when neither includes the other the
 * versions are in conflict. */
enum ics_pcl_relation ics_pcl_compare(const struct ics_pcl *a, const struct ics_pcl *b)
{
	bool ab = pcl_includes(a, b), ba = pcl_includes(b, a);

	if (ab && ba)
		return ICS_PCL_EQUAL;
	if (ab)
		return ICS_PCL_INCLUDES;
	if (ba)
		return ICS_PCL_INCLUDED;
	return ICS_PCL_CONFLICT;
}
