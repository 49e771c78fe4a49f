/*
 * mc_emsmdb: the EMSMDB requests of MAPI/HTTP as a client sends them
 * ([MS-OXCMAPIHTTP] 2.2.4): Connect, Execute, Disconnect,
 * NotificationWait and PING on the session's MailStore URL, bodies through
 * ropcodec/mh_emsmdb.h, ROP buffers through rpc_ext.h and rop.h.
 *
 * Each returns 0 on success, -1 with the session error set otherwise; a
 * response whose StatusCode or ErrorCode is not 0 is a failure naming it.
 */
#ifndef MC_EMSMDB_H
#define MC_EMSMDB_H

#include <stdint.h>
#include <talloc.h>

#include "mc_session.h"
#include "mh_emsmdb.h"
#include "rop.h"

/* [MS-OXCRPC] 3.1.4.2 / [MS-OXCMAPIHTTP] 2.2.4.2.1: the largest ROP output
 * the client accepts, as Outlook asks it. */
#define MC_MAX_ROP_OUT 0x10008

/* Execute request Flags (the pulFlags bits of rpc_ext.h): what the client
 * allows the server to do to its response. */
struct mc_execute_opts {
	uint32_t flags;        /* RPC_EXT_PUL_*; 0 lets the server compress and XOR */
	unsigned encode_flags; /* RPC_EXT_ENCODE_COMPRESS | _XOR for the request */
};

/* Connect with the session's LegacyDN (after mc_discover). */
int mc_emsmdb_connect(TALLOC_CTX *mem_ctx, struct mc_session *s, struct mh_connect_resp *resp_r);
int mc_emsmdb_disconnect(TALLOC_CTX *mem_ctx, struct mc_session *s);
/* event_pending_r: 1 when the server says an event waits (2.2.4.4.2). */
int mc_emsmdb_notification_wait(TALLOC_CTX *mem_ctx, struct mc_session *s,
                                uint32_t *event_pending_r);
/* PING ([MS-OXCMAPIHTTP] 2.2.6.3) on the EMSMDB (or, nspi, NSPI) URL. */
int mc_mapi_ping(TALLOC_CTX *mem_ctx, struct mc_session *s, bool nspi);

/*
 * Execute: sends the ROP requests with the handle table, decodes one
 * response per request that has one (RopRelease has none), allocated on
 * mem_ctx; *handles_r is the response's handle table.  ctx_or_NULL for rows
 * (RopQueryRows columns).  The ROPs' own ReturnValues are the caller's.
 */
int mc_emsmdb_execute(TALLOC_CTX *mem_ctx, struct mc_session *s, const struct mc_execute_opts *o,
                      const struct rop_request *reqs, size_t count, const uint32_t *handles,
                      size_t handle_count, const struct rop_decode_ctx *ctx_or_NULL,
                      struct rop_response **resps_r, size_t *resp_count_r, uint32_t **handles_r,
                      size_t *handle_count_r);

#endif
