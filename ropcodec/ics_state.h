/*
 * ics_state: the ICS state of a synchronization context ([MS-OXCFXICS]
 * 2.2.1.1): the four REPLGUID-based sets a client keeps between syncs and
 * hands back to the server.
 *
 * It travels two ways: uploaded property by property with
 * RopSynchronizationUploadStateStreamBegin/Continue/End (the raw bytes of
 * one property at a time: ics_state_set_prop), and downloaded inside a
 * FastTransfer stream as IncrSyncStateBegin, the properties,
 * IncrSyncStateEnd (the state element of 2.2.4.3: ics_state_put /
 * ics_state_from_elements).
 *
 * Memory: the sets are talloc children of the struct ics_state.
 */
#ifndef ICS_STATE_H
#define ICS_STATE_H

#include "ics_fxstream.h"
#include "ics_idset.h"

struct ics_state {
	struct ics_idset *idset_given;    /* MetaTagIdsetGiven, 2.2.1.1.1 */
	struct ics_idset *cnset_seen;     /* MetaTagCnsetSeen, 2.2.1.1.2 */
	struct ics_idset *cnset_seen_fai; /* MetaTagCnsetSeenFAI, 2.2.1.1.3 (contents) */
	struct ics_idset *cnset_read;     /* MetaTagCnsetRead, 2.2.1.1.4 (ReadState) */
};

/* A state with all four sets present and empty, or NULL on no memory. */
struct ics_state *ics_state_new(TALLOC_CTX *mem_ctx);

/* Replaces one set from the bytes of a state property (tag as uploaded:
 * MetaTagIdsetGiven as 0x40170003 or 0x40170102, or a MetaTagCnset*).
 * ROP_E_UNSUPPORTED for any other tag; decode errors as ics_idset_pull. */
enum rop_err ics_state_set_prop(struct ics_state *st, uint32_t tag, const uint8_t *data,
                                size_t len);

/* Writes IncrSyncStateBegin, each present set in the order IdsetGiven,
 * CnsetSeen, CnsetSeenFAI, CnsetRead, then IncrSyncStateEnd. */
enum rop_err ics_state_put(struct ics_fx_writer *w, const struct ics_state *st);

/* Reads a state element starting at els[0] (which must be
 * IncrSyncStateBegin) up to its IncrSyncStateEnd; *used_r is the number of
 * elements consumed.  Sets absent from the stream stay NULL. */
enum rop_err ics_state_from_elements(TALLOC_CTX *mem_ctx, const struct ics_fx_element *els,
                                     size_t count, size_t *used_r, struct ics_state **st_r);

#endif
