/*
 * emsmdb: the EMSMDB engine.  Runs Connect and Execute requests against the
 * store with Exchange's semantics ([MS-OXCRPC] EcDoConnectEx / EcDoRpcExt2
 * as carried by MAPI/HTTP, [MS-OXCMAPIHTTP] 2.2.4).  It knows nothing of
 * HTTP: the MAPI/HTTP layer decodes the request bodies with ropcodec's
 * mh_emsmdb.h and hands them here.
 *
 * Memory: a session is a talloc child of the mem_ctx given to ems_connect;
 * everything a session opens (logons, folders, messages, tables, streams)
 * hangs below it and is released by RopRelease or ems_session_free.
 * Response fields are allocated on the resp_ctx of each call.
 *
 * Threading: one call at a time per session (the caller serialises);
 * calls for different sessions may run concurrently.  The event callback
 * may be called from any thread (a store writer's).
 */
#ifndef EMSMDB_H
#define EMSMDB_H

#include <stdbool.h>
#include <stdint.h>
#include <talloc.h>

#include "mh_emsmdb.h" /* ropcodec: struct mh_connect_req/resp, mh_execute_req/resp */

struct store;
struct directory;
struct ems_server;  /* process-wide: store, directory, host name */
struct ems_session; /* one MAPI/HTTP session context, created by Connect */

/* 0, or -1 with *error_r. */
int ems_server_new(TALLOC_CTX *mem_ctx, struct store *store, struct directory *dir,
                   const char *hostname, struct ems_server **srv_r, const char **error_r);

/* Connect ([MS-OXCMAPIHTTP] 2.2.4.1, EcDoConnectEx semantics of [MS-OXCRPC] 3.1.4.1):
 * auth_user is the authenticated user's canonical SMTP address.  Always fills *resp
 * (StatusCode 0; ErrorCode 0 on success, else the ecXxx Exchange gives, e.g. when UserDn is
 * not the authenticated user's LegacyDN or that user has no mailbox).  On success
 * *session_r is a new session, a talloc child of mem_ctx.  resp strings/aux are allocated on
 * resp_ctx.  Returns 0 when a session was made, 1 when resp carries a failure, -1 on
 * internal error (*error_r). */
int ems_connect(struct ems_server *srv, TALLOC_CTX *mem_ctx, TALLOC_CTX *resp_ctx,
                const char *auth_user, const struct mh_connect_req *req,
                struct mh_connect_resp *resp, struct ems_session **session_r, const char **error_r);

/* Execute ([MS-OXCMAPIHTTP] 2.2.4.2, EcDoRpcExt2 semantics of [MS-OXCRPC] 3.1.4.2): decodes
 * req->rop_buffer (RPC_HEADER_EXT chain, compressed/obfuscated), runs the ROPs, fills *resp
 * (rop_buffer on resp_ctx, compressed when the client's flags allow).  Same return
 * convention as ems_connect (1 = resp carries a failure status/error code). */
int ems_execute(struct ems_session *s, TALLOC_CTX *resp_ctx, const struct mh_execute_req *req,
                struct mh_execute_resp *resp, const char **error_r);

/* Disconnect or idle expiry: releases every object of the session and frees it. */
void ems_session_free(struct ems_session **s);

/* Notifications ([MS-OXCNOTIF]): whether events are queued for the session, and a callback
 * called (from any thread) whenever a new event is queued, so NotificationWait can be
 * answered.  cb may be NULL to clear. */
bool ems_session_has_events(struct ems_session *s);
void ems_session_set_event_cb(struct ems_session *s, void (*cb)(void *arg), void *arg);

#endif
