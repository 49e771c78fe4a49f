/*
 * ics_xid: change identifiers of incremental change synchronization.
 *
 * An XID ([MS-OXCFXICS] 2.2.2.2) is a NamespaceGuid followed by a LocalId of
 * 1 to 8 bytes; its size is not on the wire but implied by its container (a
 * PidTagChangeKey value is one XID; a SizedXid, 2.2.2.3, prefixes the size).
 * A PredecessorChangeList (PCL, [MS-OXCFXICS] 2.2.2.3) is a run of SizedXids
 * (2.2.2.3.1), at most one per NamespaceGuid, binary-sorted by NamespaceGuid,
 * that names every version a change descends from.
 *
 * LocalIds are compared as big-endian unsigned numbers (they are GLOBCNTs,
 * [MS-OXCFXICS] 2.2.2.5, most significant byte first).
 *
 * Memory: decoded PCLs are talloc children of the mem_ctx passed in.
 */
#ifndef ICS_XID_H
#define ICS_XID_H

#include "rop_buf.h"

#define ICS_XID_LOCALID_MAX 8

/* [MS-OXCFXICS] 2.2.2.2 XID */
struct ics_xid {
	struct mapi_guid guid;
	uint8_t size; /* LocalId bytes, 1..8 */
	uint8_t local_id[ICS_XID_LOCALID_MAX];
};

/* A PCL: XIDs in wire order; ics_pcl_add and ics_pcl_merge keep them sorted
 * by GUID as [MS-OXCFXICS] 2.2.2.3 requires for serialisation. */
struct ics_pcl {
	uint32_t count;
	struct ics_xid *xids;
};

/* How PCL a relates to PCL b ([MS-OXCFXICS] 3.1.5.6.1). */
enum ics_pcl_relation {
	ICS_PCL_EQUAL,    /* same versions */
	ICS_PCL_INCLUDES, /* a is a successor of b: a wins, no conflict */
	ICS_PCL_INCLUDED, /* b is a successor of a: b wins, no conflict */
	ICS_PCL_CONFLICT, /* neither includes the other */
};

/* Builds an XID from a GUID and a 6-byte GLOBCNT number (a CN), the form this
 * server uses for its own change keys. */
void ics_xid_from_globcnt(struct ics_xid *xid_r, const struct mapi_guid *guid, uint64_t globcnt);

/* Reads an XID occupying exactly the next size bytes (17..24): a
 * PidTagChangeKey value or the body of a SizedXid. */
enum rop_err ics_xid_pull(struct rop_pull *p, size_t size, struct ics_xid *xid_r);
/* Writes the 16 + size bytes of an XID (no size prefix). */
enum rop_err ics_xid_push(struct rop_push *p, const struct ics_xid *xid);

/* [MS-OXCFXICS] 2.2.2.3.1 SizedXid: a 1-byte XidSize, then the XID. */
enum rop_err ics_sized_xid_pull(struct rop_pull *p, struct ics_xid *xid_r);
enum rop_err ics_sized_xid_push(struct rop_push *p, const struct ics_xid *xid);

/* Compares LocalIds as big-endian numbers: <0, 0, >0. */
int ics_xid_cmp_local(const struct ics_xid *a, const struct ics_xid *b);

/* Decodes a PidTagPredecessorChangeList value: SizedXids up to the end of
 * the len bytes at data.  An empty value is an empty PCL. */
enum rop_err ics_pcl_pull(TALLOC_CTX *mem_ctx, const uint8_t *data, size_t len,
                          struct ics_pcl **pcl_r);
/* Writes every SizedXid of the PCL. */
enum rop_err ics_pcl_push(struct rop_push *p, const struct ics_pcl *pcl);

/* Adds xid to the PCL, or raises the entry of the same GUID when xid's
 * LocalId is greater.  pcl->xids is reallocated on mem_ctx.  Returns
 * ROP_E_NOMEM on allocation failure. */
enum rop_err ics_pcl_add(TALLOC_CTX *mem_ctx, struct ics_pcl *pcl, const struct ics_xid *xid);
/* [MS-OXCFXICS] 3.1.5.6.2.1: the merge of two PCLs keeps, per GUID, the
 * greatest LocalId.  The result is a new PCL on mem_ctx. */
enum rop_err ics_pcl_merge(TALLOC_CTX *mem_ctx, const struct ics_pcl *a, const struct ics_pcl *b,
                           struct ics_pcl **merged_r);
/* 1 when pcl holds a version of xid's GUID with a LocalId >= xid's, else 0. */
int ics_pcl_contains(const struct ics_pcl *pcl, const struct ics_xid *xid);
/* Relation of a to b ([MS-OXCFXICS] 3.1.5.6.1). */
enum ics_pcl_relation ics_pcl_compare(const struct ics_pcl *a, const struct ics_pcl *b);

#endif
