/*
 * mh_emsmdb: the bodies of the MAPI/HTTP EMSMDB requests and responses
 * ([MS-OXCMAPIHTTP] 2.2.4): Connect, Execute, Disconnect, NotificationWait.
 * PING has no body.  Decoders and encoders go both ways so the server and
 * the test client share one codec.
 *
 * The RopBuffer and AuxiliaryBuffer fields are handed out as the raw bytes
 * of their RPC_HEADER_EXT chains; rpc_ext.h and aux.h decode them.
 *
 * Every *_pull function decodes a whole body: bytes after the last field
 * answer ROP_E_TRAILING.  Strings and buffers are talloc descendants of
 * mem_ctx; on error nothing stays allocated and the output struct holds
 * nothing usable.
 * Every *_push function appends to p and leaves p unchanged on error.
 * A response whose StatusCode is not 0 is the failure body of the request
 * type (StatusCode, AuxiliaryBufferSize, AuxiliaryBuffer): the other fields
 * are then neither read nor written.
 */
#ifndef MH_EMSMDB_H
#define MH_EMSMDB_H

#include <stdint.h>
#include <talloc.h>

#include "rop_buf.h"

/* A field made of a 4-byte size and that many bytes. */
struct mh_blob {
	uint8_t *data; /* NULL when len == 0 */
	uint32_t len;
};

/* [MS-OXCMAPIHTTP] 2.2.4.1.1 */
struct mh_connect_req {
	char *user_dn; /* ASCII, NUL-terminated on the wire */
	uint32_t flags;
	uint32_t default_code_page;
	uint32_t lcid_sort;
	uint32_t lcid_string;
	struct mh_blob aux;
};

/* [MS-OXCMAPIHTTP] 2.2.4.1.2 (success) and 2.2.4.1.3 (failure) */
struct mh_connect_resp {
	uint32_t status_code;
	uint32_t error_code;
	uint32_t polls_max;
	uint32_t retry_count;
	uint32_t retry_delay;
	char *dn_prefix;    /* ASCII */
	char *display_name; /* UTF-8 here, UTF-16LE on the wire */
	struct mh_blob aux;
};

/* [MS-OXCMAPIHTTP] 2.2.4.2.1 */
struct mh_execute_req {
	uint32_t flags;
	struct mh_blob rop_buffer;
	uint32_t max_rop_out;
	struct mh_blob aux;
};

/* [MS-OXCMAPIHTTP] 2.2.4.2.2 and 2.2.4.2.3 */
struct mh_execute_resp {
	uint32_t status_code;
	uint32_t error_code;
	uint32_t flags;
	struct mh_blob rop_buffer;
	struct mh_blob aux;
};

/* [MS-OXCMAPIHTTP] 2.2.4.3.1 */
struct mh_disconnect_req {
	struct mh_blob aux;
};

/* [MS-OXCMAPIHTTP] 2.2.4.3.2 and 2.2.4.3.3 */
struct mh_disconnect_resp {
	uint32_t status_code;
	uint32_t error_code;
	struct mh_blob aux;
};

/* [MS-OXCMAPIHTTP] 2.2.4.4.1 */
struct mh_notification_wait_req {
	uint32_t flags; /* reserved, 0 */
	struct mh_blob aux;
};

/* [MS-OXCMAPIHTTP] 2.2.4.4.2 and 2.2.4.4.3 */
struct mh_notification_wait_resp {
	uint32_t status_code;
	uint32_t error_code;
	uint32_t event_pending; /* 0x00000001 when an event is pending */
	struct mh_blob aux;
};

enum rop_err mh_blob_pull(struct rop_pull *p, struct mh_blob *blob_r);
enum rop_err mh_blob_push(struct rop_push *p, const struct mh_blob *blob);

enum rop_err mh_connect_req_pull(TALLOC_CTX *mem_ctx, const uint8_t *data, size_t len,
                                 struct mh_connect_req *req_r);
enum rop_err mh_connect_req_push(struct rop_push *p, const struct mh_connect_req *req);
enum rop_err mh_connect_resp_pull(TALLOC_CTX *mem_ctx, const uint8_t *data, size_t len,
                                  struct mh_connect_resp *resp_r);
enum rop_err mh_connect_resp_push(struct rop_push *p, const struct mh_connect_resp *resp);

enum rop_err mh_execute_req_pull(TALLOC_CTX *mem_ctx, const uint8_t *data, size_t len,
                                 struct mh_execute_req *req_r);
enum rop_err mh_execute_req_push(struct rop_push *p, const struct mh_execute_req *req);
enum rop_err mh_execute_resp_pull(TALLOC_CTX *mem_ctx, const uint8_t *data, size_t len,
                                  struct mh_execute_resp *resp_r);
enum rop_err mh_execute_resp_push(struct rop_push *p, const struct mh_execute_resp *resp);

enum rop_err mh_disconnect_req_pull(TALLOC_CTX *mem_ctx, const uint8_t *data, size_t len,
                                    struct mh_disconnect_req *req_r);
enum rop_err mh_disconnect_req_push(struct rop_push *p, const struct mh_disconnect_req *req);
enum rop_err mh_disconnect_resp_pull(TALLOC_CTX *mem_ctx, const uint8_t *data, size_t len,
                                     struct mh_disconnect_resp *resp_r);
enum rop_err mh_disconnect_resp_push(struct rop_push *p, const struct mh_disconnect_resp *resp);

enum rop_err mh_notification_wait_req_pull(TALLOC_CTX *mem_ctx, const uint8_t *data, size_t len,
                                           struct mh_notification_wait_req *req_r);
enum rop_err mh_notification_wait_req_push(struct rop_push *p,
                                           const struct mh_notification_wait_req *req);
enum rop_err mh_notification_wait_resp_pull(TALLOC_CTX *mem_ctx, const uint8_t *data, size_t len,
                                            struct mh_notification_wait_resp *resp_r);
enum rop_err mh_notification_wait_resp_push(struct rop_push *p,
                                            const struct mh_notification_wait_resp *resp);

#endif
