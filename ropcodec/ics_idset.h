/*
 * ics_idset: sets of IDs and change numbers for incremental change
 * synchronization, in memory and in their GLOBSET wire form.
 *
 * A GLOBCNT ([MS-OXCFXICS] 2.2.2.5) is the 48-bit counter part of a folder ID,
 * message ID or CN; here it is a uint64_t holding the number (the 6 wire
 * bytes are its big-endian image, so MAPI_ID_GLOBCNT() of mapi_types.h gives
 * it from an ID).  A GLOBSET (2.2.2.6) is a set of GLOBCNTs, kept in memory
 * as sorted, disjoint, non-adjacent inclusive ranges.  An IDSET (2.2.2.4) is
 * a GLOBSET per replica, keyed by REPLID (2.2.2.4.1, e.g.
 * MetaTagIdsetDeleted) or by REPLGUID (2.2.2.4.2, e.g. MetaTagIdsetGiven,
 * MetaTagCnsetSeen).
 *
 * Wire form: the GLOBSET commands of [MS-OXCFXICS] 2.2.2.6.1-2.2.2.6.5 (Push
 * 0x01-0x06, Pop 0x50, Bitmask 0x42, Range 0x52, End 0x00), encoded as
 * 3.1.5.4.3.1 describes: common high-order bytes pushed once, runs within
 * eight values of each other as one Bitmask, singletons as a 6-byte Push.
 *
 * Memory: a globset's range array is a talloc child of the globset; an
 * idset's entries and their globsets are talloc children of the idset.
 * Functions return ROP_OK, ROP_E_NOMEM, or ROP_E_INVALID for a GLOBCNT above
 * 48 bits or a low above its high; lookups return 1 found / 0 not found.
 */
#ifndef ICS_IDSET_H
#define ICS_IDSET_H

#include "rop_buf.h"

#define ICS_GLOBCNT_MAX 0xFFFFFFFFFFFFull

struct ics_range {
	uint64_t low;  /* inclusive */
	uint64_t high; /* inclusive */
};

struct ics_globset {
	uint32_t count;
	uint32_t alloc;
	struct ics_range *ranges; /* sorted, disjoint, non-adjacent */
};

/* An empty GLOBSET on mem_ctx, or NULL when out of memory. */
struct ics_globset *ics_globset_new(TALLOC_CTX *mem_ctx);
enum rop_err ics_globset_add(struct ics_globset *gs, uint64_t globcnt);
enum rop_err ics_globset_add_range(struct ics_globset *gs, uint64_t low, uint64_t high);
enum rop_err ics_globset_remove_range(struct ics_globset *gs, uint64_t low, uint64_t high);
/* 1 when globcnt is in the set, 0 when not. */
int ics_globset_contains(const struct ics_globset *gs, uint64_t globcnt);
/* dst = dst | src */
enum rop_err ics_globset_union(struct ics_globset *dst, const struct ics_globset *src);
/* dst = dst - src */
enum rop_err ics_globset_subtract(struct ics_globset *dst, const struct ics_globset *src);
/* Number of GLOBCNTs in the set. */
uint64_t ics_globset_size(const struct ics_globset *gs);

/* Decodes GLOBSET commands up to and including the End command
 * ([MS-OXCFXICS] 3.1.5.4.3.2).  The set is allocated on mem_ctx. */
enum rop_err ics_globset_pull(struct rop_pull *p, TALLOC_CTX *mem_ctx, struct ics_globset **gs_r);
/* Encodes the set as GLOBSET commands ending with End.  On error nothing
 * is left written. */
enum rop_err ics_globset_push(struct rop_push *p, const struct ics_globset *gs);

struct ics_idset_entry {
	uint16_t replid;       /* REPLID-based sets */
	struct mapi_guid guid; /* REPLGUID-based sets */
	struct ics_globset *set;
};

struct ics_idset {
	bool by_guid; /* REPLGUID-based (2.2.2.4.2) rather than REPLID-based */
	uint32_t count;
	struct ics_idset_entry *entries;
};

/* An empty IDSET keyed by REPLGUID when by_guid, else by REPLID. */
struct ics_idset *ics_idset_new(TALLOC_CTX *mem_ctx, bool by_guid);

/* The GLOBSET of one replica (replid for a REPLID-based set, guid for a
 * REPLGUID-based one; the other key is ignored).  With create, a missing
 * entry is added and 1 returned; without, 0 when absent.  -1 on no memory. */
int ics_idset_lookup(struct ics_idset *ids, uint16_t replid, const struct mapi_guid *guid,
                     bool create, struct ics_globset **set_r);

/* REPLID-based sets: add, remove or test one folder/message ID or CN
 * (REPLID in the low 16 bits, see MAPI_ID_MAKE). */
enum rop_err ics_idset_add_id(struct ics_idset *ids, uint64_t id);
enum rop_err ics_idset_remove_id(struct ics_idset *ids, uint64_t id);
int ics_idset_contains_id(const struct ics_idset *ids, uint64_t id);
/* REPLGUID-based sets. */
enum rop_err ics_idset_add_guid_range(struct ics_idset *ids, const struct mapi_guid *guid,
                                      uint64_t low, uint64_t high);
int ics_idset_contains_guid(const struct ics_idset *ids, const struct mapi_guid *guid,
                            uint64_t globcnt);

/* dst = dst | src and dst = dst - src, replica by replica.  Both sets must
 * be keyed the same way (ROP_E_INVALID otherwise). */
enum rop_err ics_idset_union(struct ics_idset *dst, const struct ics_idset *src);
enum rop_err ics_idset_subtract(struct ics_idset *dst, const struct ics_idset *src);

/* Turns a REPLID-based set into a REPLGUID-based one, asking map for the
 * GUID of every REPLID (map returns 1 found, 0 unknown, -1 error; an
 * unknown REPLID answers ROP_E_INVALID).  The new set is on mem_ctx. */
typedef int ics_replid_map_fn(void *ctx, uint16_t replid, struct mapi_guid *guid_r);
enum rop_err ics_idset_to_guid(TALLOC_CTX *mem_ctx, const struct ics_idset *ids,
                               ics_replid_map_fn *map, void *map_ctx, struct ics_idset **out_r);

/* Decodes a serialised IDSET filling all len bytes at data: REPLID or
 * REPLGUID + GLOBSET, repeated ([MS-OXCFXICS] 3.1.5.4.2).  A replica that
 * appears twice is merged.  The set is allocated on mem_ctx. */
enum rop_err ics_idset_pull(TALLOC_CTX *mem_ctx, const uint8_t *data, size_t len, bool by_guid,
                            struct ics_idset **ids_r);
/* Encodes every non-empty replica of the set, in entry order. */
enum rop_err ics_idset_push(struct rop_push *p, const struct ics_idset *ids);

#endif
