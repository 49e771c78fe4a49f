/*
 * rop: ROP requests and responses of [MS-OXCROPS], decoded into struct
 * rop_request / struct rop_response and encoded from them.
 *
 * Every ROP is one row of rop_ids.def; its body layouts live in the file
 * of its governing document (rop_oxcfold.c for [MS-OXCFOLD], ...).  This
 * header declares the request/response structs (a union of the per-ROP
 * structs of rop_ox*.h), the decode/encode entry points and the list-level
 * helpers for the bytes between RopSize and the handle table
 * ([MS-OXCRPC] 3.1.4.2.1 / [MS-OXCROPS] 2.2.1: the transport part owns the
 * envelope).
 *
 * Memory: decoded values are allocated on the rop_pull's mem_ctx.
 * Errors: enum rop_err (rop_buf.h).  A RopId [MS-OXCROPS] 2.2.2 does not
 * define answers ROP_E_UNKNOWN_ROP; a ROP whose body this codec cannot yet
 * carry answers ROP_E_UNSUPPORTED (RopNotify until notif.h exists).
 */
#ifndef ROP_H
#define ROP_H

#include "rop_buf.h"
#include "rop_fields.h"
#include "rop_oxcfold.h"
#include "rop_oxcfxics.h"
#include "rop_oxcmsg.h"
#include "rop_oxcnotif.h"
#include "rop_oxcperm.h"
#include "rop_oxcprpt.h"
#include "rop_oxcrops.h"
#include "rop_oxcstor.h"
#include "rop_oxctabl.h"
#include "rop_oxomsg.h"
#include "rop_oxorule.h"

/* Header layout flags of rop_ids.def. */
#define ROPF_OUT    0x01 /* request carries OutputHandleIndex; the response echoes it */
#define ROPF_SRCDST 0x02 /* SourceHandleIndex + DestHandleIndex; response echoes the source */
#define ROPF_RESPH                                                                                 \
	0x04 /* ResponseHandleIndex then InputHandleIndex; response echoes the former              \
	      */
#define ROPF_LOGON     0x08 /* RopLogon: LogonId then OutputHandleIndex, no input handle */
#define ROPF_REQ_ONLY  0x10 /* no response (RopRelease) */
#define ROPF_RESP_ONLY 0x20 /* no request (server-initiated) */
#define ROPF_RAW_RESP  0x40 /* response has no handle index / ReturnValue header */
#define ROPF_RESPID_20 0x80 /* the response carries RopId 0x20 (RopGetMessageStatus) */

/* ROP_ID_<Name> for every RopId. */
enum rop_id {
#define ROP(id, name, member, rq, rs, xsec, ssec, flags) ROP_ID_##name = id,
#include "rop_ids.def"
};

struct rop_request {
	uint8_t rop_id;
	uint8_t logon_id;
	uint8_t input_handle;    /* InputHandleIndex or SourceHandleIndex */
	uint8_t output_handle;   /* OutputHandleIndex (ROPF_OUT, ROPF_LOGON) */
	uint8_t dest_handle;     /* DestHandleIndex (ROPF_SRCDST) */
	uint8_t response_handle; /* ResponseHandleIndex (ROPF_RESPH) */
	union {
#define ROP(id, name, member, rq, rs, xsec, ssec, flags) struct rq member;
#include "rop_ids.def"
	} u;
};

struct rop_response {
	uint8_t rop_id;
	/* The handle index the response echoes: OutputHandleIndex,
	 * InputHandleIndex, SourceHandleIndex or ResponseHandleIndex by the
	 * ROP's flags.  Unused by the ROPF_RAW_RESP ROPs. */
	uint8_t handle_index;
	uint32_t return_value;
	union {
#define ROP(id, name, member, rq, rs, xsec, ssec, flags) struct rs member;
#include "rop_ids.def"
	} u;
};

/* What decoding a response needs beyond its bytes. */
struct rop_decode_ctx {
	/* the columns of the table's last RopSetColumns, for RopQueryRows,
	 * RopFindRow and RopExpandRow rows; for RopReadRecipients the
	 * RecipientColumns its RecipientRows are in (those of the
	 * RopOpenMessage response that opened the message) */
	const struct mapi_proptag_array *columns;
	/* the logon is a public folder logon (RopSetMessageReadFlag ClientData) */
	bool public_logon;
};

struct rop_encode_ctx {
	const struct mapi_proptag_array *columns; /* as in rop_decode_ctx */
	/* the request answered (RopGetPropertiesSpecific tags); may be NULL */
	const struct rop_request *req;
};

enum rop_codec_status {
	ROP_CODEC_FULL,        /* every field decoded and encoded */
	ROP_CODEC_PARTIAL,     /* some sub-structure kept as bytes (see note) */
	ROP_CODEC_UNSUPPORTED, /* answers ROP_E_UNSUPPORTED */
};

/* The body layouts of one ROP. */
struct rop_codec {
	const struct rop_field *req;  /* request body after the header */
	const struct rop_field *resp; /* success response body (ReturnValue 0) */
	uint32_t err_value;           /* a failing ReturnValue with a body of its own, or 0 */
	const struct rop_field *err_resp;
	enum rop_codec_status status;
	const char *note;
	/* a warning ReturnValue the success body still follows, or 0: the
	 * ROP succeeded in part and says which part in the body */
	uint32_t warn_value;
};

/* The body layout a response with ReturnValue rv carries: the success
 * body for 0 and the codec's warn_value, err_resp for its err_value, NULL
 * (nothing after ReturnValue) for any other value. */
const struct rop_field *rop_codec_resp_fields(const struct rop_codec *c, uint32_t rv);

/* One row of rop_ids.def. */
struct rop_info {
	uint8_t rop_id;
	uint8_t flags;
	const char *name;            /* "RopOpenFolder" */
	const char *oxcrops_section; /* "2.2.4.1" */
	const char *spec_section;    /* "[MS-OXCFOLD] 2.2.1.1" */
	const char *req_struct;
	const char *resp_struct;
	const struct rop_codec *codec;
};

/* The row for rop_id, or NULL when [MS-OXCROPS] 2.2.2 does not define it. */
const struct rop_info *rop_info_by_id(uint8_t rop_id);
/* All rows in RopId order; *count_r is set to their number. */
const struct rop_info *rop_info_all(unsigned int *count_r);
/* "RopOpenFolder", or NULL for an undefined RopId. */
const char *rop_name(uint8_t rop_id);

/* One ROP request at the cursor, with its header.  ctx may be NULL (a
 * private logon is assumed). */
enum rop_err rop_pull_request(struct rop_pull *p, struct rop_request *req);
enum rop_err rop_pull_request_ctx(struct rop_pull *p, const struct rop_decode_ctx *ctx,
                                  struct rop_request *req);
enum rop_err rop_push_request(struct rop_push *p, const struct rop_request *req);

/* One ROP response at the cursor.  req_or_NULL is the request it answers
 * (needed for RopGetPropertiesSpecific and to accept RopGetMessageStatus
 * answering with RopId 0x20); ctx may be NULL. */
enum rop_err rop_pull_response(struct rop_pull *p, const struct rop_request *req_or_NULL,
                               const struct rop_decode_ctx *ctx, struct rop_response *resp);
/* Encodes one response; on ROP_E_NOSPACE the push is left where it was
 * (the caller answers RopBufferTooSmall). */
enum rop_err rop_push_response(struct rop_push *p, const struct rop_response *resp,
                               const struct rop_encode_ctx *ctx);

/* A decoded ROP request list (the RopsList of [MS-OXCROPS] 2.2.1). */
struct rop_request_list {
	uint32_t count;
	struct rop_request *reqs; /* talloc array */
};

/* Decodes every request of data[0..len) (the bytes between RopSize and the
 * handle table), allocated on mem_ctx.  Stops at the first error; *error_at_r
 * (may be NULL) is then the offset of the failing ROP.  Requests after a
 * RopId the codec rejects are not decoded. */
enum rop_err rop_pull_request_list(TALLOC_CTX *mem_ctx, const uint8_t *data, size_t len,
                                   const struct rop_decode_ctx *ctx,
                                   struct rop_request_list *list_r, size_t *error_at_r);
enum rop_err rop_push_request_list(struct rop_push *p, const struct rop_request_list *list);

#endif
