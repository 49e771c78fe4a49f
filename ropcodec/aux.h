/*
 * aux: the auxiliary buffer of EMSMDB ([MS-OXCRPC] 2.2.2.2, 3.1.4.1.2).
 *
 * The AuxiliaryBuffer of a MAPI/HTTP body is an RPC_HEADER_EXT chain
 * (rpc_ext.h) whose payload is a sequence of blocks:
 *
 *   AUX_HEADER { Size (2, includes the header), Version (1), Type (1) }
 *   block fields, then the strings and byte arrays the fields point at
 *
 * Version and Type together select the block layout.  Every block layout of
 * [MS-OXCRPC] 2.2.2.2 is decoded into its struct below; blocks
 * of an unknown version/type are kept as raw bytes ([MS-OXCRPC] 3.1.4.1.2:
 * a receiver skips what it does not recognise) and written back unchanged.
 * Strings are UTF-16LE on the wire ("null-terminated Unicode string"),
 * UTF-8/WTF-8 here; their offsets count from the start of the AUX_HEADER,
 * 0 meaning absent (NULL).
 */
#ifndef AUX_H
#define AUX_H

#include <stdint.h>
#include <talloc.h>

#include "rop_buf.h"

/* [MS-OXCRPC] 2.2.2.2.1 */
#define AUX_HEADER_SIZE 4
enum aux_version {
	AUX_VERSION_1 = 0x01,
	AUX_VERSION_2 = 0x02,
};

enum aux_type {
	AUX_TYPE_PERF_REQUESTID = 0x01,
	AUX_TYPE_PERF_CLIENTINFO = 0x02,
	AUX_TYPE_PERF_SERVERINFO = 0x03,
	AUX_TYPE_PERF_SESSIONINFO = 0x04, /* _V2 with AUX_VERSION_2 */
	AUX_TYPE_PERF_DEFMDB_SUCCESS = 0x05,
	AUX_TYPE_PERF_DEFGC_SUCCESS = 0x06,
	AUX_TYPE_PERF_MDB_SUCCESS = 0x07, /* _V2 with AUX_VERSION_2 */
	AUX_TYPE_PERF_GC_SUCCESS = 0x08,  /* _V2 with AUX_VERSION_2 */
	AUX_TYPE_PERF_FAILURE = 0x09,     /* _V2 with AUX_VERSION_2 */
	AUX_TYPE_CLIENT_CONTROL = 0x0A,
	AUX_TYPE_PERF_PROCESSINFO = 0x0B,
	AUX_TYPE_PERF_BG_DEFMDB_SUCCESS = 0x0C,
	AUX_TYPE_PERF_BG_DEFGC_SUCCESS = 0x0D,
	AUX_TYPE_PERF_BG_MDB_SUCCESS = 0x0E,
	AUX_TYPE_PERF_BG_GC_SUCCESS = 0x0F,
	AUX_TYPE_PERF_BG_FAILURE = 0x10,
	AUX_TYPE_PERF_FG_DEFMDB_SUCCESS = 0x11,
	AUX_TYPE_PERF_FG_DEFGC_SUCCESS = 0x12,
	AUX_TYPE_PERF_FG_MDB_SUCCESS = 0x13,
	AUX_TYPE_PERF_FG_GC_SUCCESS = 0x14,
	AUX_TYPE_PERF_FG_FAILURE = 0x15,
	AUX_TYPE_OSVERSIONINFO = 0x16,
	AUX_TYPE_EXORGINFO = 0x17,
	AUX_TYPE_PERF_ACCOUNTINFO = 0x18,
	AUX_TYPE_SERVER_CAPABILITIES = 0x46,
	AUX_TYPE_ENDPOINT_CAPABILITIES = 0x48,
	AUX_TYPE_CLIENT_CONNECTION_INFO = 0x4A,
	AUX_TYPE_SERVER_SESSION_INFO = 0x4B,
	AUX_TYPE_PROTOCOL_DEVICE_IDENTIFICATION = 0x4E,
};

/* [MS-OXCRPC] 2.2.2.2.15 EnableFlags */
#define AUX_CLIENT_CONTROL_ENABLE_PERF_SENDTOSERVER 0x00000001
#define AUX_CLIENT_CONTROL_ENABLE_COMPRESSION       0x00000004
#define AUX_CLIENT_CONTROL_ENABLE_HTTP_TUNNELING    0x00000008
#define AUX_CLIENT_CONTROL_ENABLE_PERF_SENDGCDATA   0x00000010
/* [MS-OXCRPC] 2.2.2.2.17 OrgFlags */
#define AUX_EXORGINFO_PUBLIC_FOLDERS_ENABLED             0x00000001
#define AUX_EXORGINFO_USE_AUTODISCOVER_FOR_PUBLIC_FOLDER 0x00000002
/* [MS-OXCRPC] 2.2.2.2: AUX_ENDPOINT_CAPABILITIES */
#define AUX_ENDPOINT_CAPABILITIES_SINGLE_ENDPOINT 0x00000001

/* A byte array addressed by a size and an offset. */
struct aux_bin {
	uint8_t *data;
	uint16_t len;
};

/* [MS-OXCRPC] 2.2.2.2: AUX_PERF_REQUESTID */
struct aux_perf_requestid {
	uint16_t session_id, request_id;
};
/* AUX_PERF_SESSIONINFO, _V2 (connection_id only in version 2) */
struct aux_perf_sessioninfo {
	uint16_t session_id, reserved;
	struct mapi_guid session_guid;
	uint32_t connection_id;
};
/* 2.2.2.2.5 AUX_PERF_SERVERINFO */
struct aux_perf_serverinfo {
	uint16_t server_id, server_type;
	char *server_dn, *server_name;
};
/* 2.2.2.2.4 AUX_PERF_CLIENTINFO */
struct aux_perf_clientinfo {
	uint32_t adapter_speed;
	uint16_t client_id;
	char *machine_name, *user_name;
	struct aux_bin client_ip, client_ip_mask;
	char *adapter_name;
	struct aux_bin mac_address;
	uint16_t client_mode, reserved;
};
/* 2.2.2.2.6 AUX_PERF_PROCESSINFO */
struct aux_perf_processinfo {
	uint16_t process_id, reserved1;
	struct mapi_guid process_guid;
	char *process_name;
	uint16_t reserved2;
};
/* AUX_PERF_DEFMDB_SUCCESS, also as BG_ and FG_ */
struct aux_perf_defmdb_success {
	uint32_t time_since_request, time_to_complete_request;
	uint16_t request_id, reserved;
};
/* AUX_PERF_DEFGC_SUCCESS, also as BG_ and FG_ */
struct aux_perf_defgc_success {
	uint16_t server_id, session_id;
	uint32_t time_since_request, time_to_complete_request;
	uint8_t request_operation;
	uint8_t reserved[3];
};
/* AUX_PERF_MDB_SUCCESS, _V2 (process_id, reserved only in version 2) */
struct aux_perf_mdb_success {
	uint16_t process_id, client_id, server_id, session_id, request_id, reserved;
	uint32_t time_since_request, time_to_complete_request;
};
/* AUX_PERF_GC_SUCCESS (reserved1 only in version 1), _V2 (process_id) */
struct aux_perf_gc_success {
	uint16_t process_id, client_id, server_id, session_id, reserved1;
	uint32_t time_since_request, time_to_complete_request;
	uint8_t request_operation;
	uint8_t reserved2[3];
};
/* AUX_PERF_FAILURE, _V2 (process_id, reserved1 only in version 2) */
struct aux_perf_failure {
	uint16_t process_id, client_id, server_id, session_id, request_id, reserved1;
	uint32_t time_since_request, time_to_fail_request, result_code;
	uint8_t request_operation;
	uint8_t reserved2[3];
};
/* 2.2.2.2.15 AUX_CLIENT_CONTROL */
struct aux_client_control {
	uint32_t enable_flags, expiry_time;
};
/* 2.2.2.2.16 AUX_OSVERSIONINFO */
struct aux_osversioninfo {
	uint32_t os_version_info_size, major_version, minor_version, build_number;
	uint8_t reserved1[132];
	uint16_t service_pack_major, service_pack_minor;
	uint32_t reserved2;
};
/* 2.2.2.2.17 AUX_EXORGINFO */
struct aux_exorginfo {
	uint32_t org_flags;
};
/* 2.2.2.2.18 AUX_PERF_ACCOUNTINFO */
struct aux_perf_accountinfo {
	uint16_t client_id, reserved;
	struct mapi_guid account;
};
/* 2.2.2.2.19 AUX_SERVER_CAPABILITIES, AUX_ENDPOINT_CAPABILITIES */
struct aux_capabilities {
	uint32_t flags;
};
/* AUX_CLIENT_CONNECTION_INFO */
struct aux_client_connection_info {
	struct mapi_guid connection_guid;
	char *connection_context_info;
	uint16_t reserved;
	uint32_t connection_attempts, connection_flags;
};
/* 2.2.2.2.22 AUX_SERVER_SESSION_INFO */
struct aux_server_session_info {
	char *server_session_context_info;
};
/* AUX_PROTOCOL_DEVICE_IDENTIFICATION */
struct aux_protocol_device_identification {
	char *device_manufacturer, *device_model, *device_serial_number, *device_version,
	    *device_firmware_version;
};

struct aux_block {
	uint8_t version;
	uint8_t type;
	bool known; /* false: raw holds the bytes after the AUX_HEADER */
	union {
		struct aux_perf_requestid requestid;
		struct aux_perf_sessioninfo sessioninfo;
		struct aux_perf_serverinfo serverinfo;
		struct aux_perf_clientinfo clientinfo;
		struct aux_perf_processinfo processinfo;
		struct aux_perf_defmdb_success defmdb_success;
		struct aux_perf_defgc_success defgc_success;
		struct aux_perf_mdb_success mdb_success;
		struct aux_perf_gc_success gc_success;
		struct aux_perf_failure failure;
		struct aux_client_control client_control;
		struct aux_osversioninfo osversioninfo;
		struct aux_exorginfo exorginfo;
		struct aux_perf_accountinfo accountinfo;
		struct aux_capabilities capabilities;
		struct aux_client_connection_info client_connection_info;
		struct aux_server_session_info server_session_info;
		struct aux_protocol_device_identification device_identification;
	} u;
	struct aux_bin raw;
};

struct aux_list {
	struct aux_block *blocks;
	size_t count;
};

/* The block's name from [MS-OXCRPC] 2.2.2.2.1 ("AUX_PERF_CLIENTINFO"), or
 * NULL for an unknown version/type. */
const char *aux_block_name(uint8_t version, uint8_t type);

/*
 * Decodes the payload of an auxiliary buffer (after rpc_ext_decode/join)
 * into blocks allocated on mem_ctx.  ROP_E_INVALID for a Size below the
 * header or beyond the payload, or an offset/size pointing outside its
 * block; ROP_E_SHORT for a known block too small for its fixed fields.
 */
enum rop_err aux_decode(TALLOC_CTX *mem_ctx, const uint8_t *data, size_t len,
                        struct aux_list *list_r);

/* Appends one block (header, fields, then strings and arrays in field
 * order).  ROP_E_TOO_BIG when it exceeds 65535 bytes; p unchanged on error. */
enum rop_err aux_push_block(struct rop_push *p, const struct aux_block *block);

/* Appends all blocks of list; all or nothing. */
enum rop_err aux_encode(struct rop_push *p, const struct aux_list *list);

/*
 * The whole AuxiliaryBuffer of a MAPI/HTTP body: its RPC_HEADER_EXT chain
 * (rpc_ext.h) decoded, the payloads joined, the blocks decoded.  An empty
 * buffer (len 0) is an empty list.  max_payload bounds the decoded size.
 */
enum rop_err aux_buffer_decode(TALLOC_CTX *mem_ctx, const uint8_t *data, size_t len,
                               size_t max_payload, struct aux_list *list_r);

/*
 * Appends list as an AuxiliaryBuffer: the blocks inside extended buffers
 * of at most RPC_EXT_MAX_PAYLOAD bytes, the last one flagged Last;
 * encode_flags as for rpc_ext_encode (compression, XOR).  An empty list
 * writes nothing (AuxiliaryBufferSize 0).  p unchanged on error.
 */
enum rop_err aux_buffer_encode(struct rop_push *p, const struct aux_list *list,
                               unsigned encode_flags);

#endif
