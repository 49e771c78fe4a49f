/* Auxiliary blocks of [MS-OXCRPC] 2.2.2.2, one declarative layout each. */
#include "aux.h"

#include "rop_print_priv.h"
#include "rpc_ext.h"

#include <stddef.h>
#include <string.h>

enum aux_kind {
	K_U8,
	K_U16,
	K_U32,
	K_GUID,
	K_RES3,   /* uint8_t[3] */
	K_RES132, /* uint8_t[132] */
	K_STR,    /* 2-byte offset of a UTF-16LE string -> char * */
	K_BIN,    /* 2-byte size, 2-byte offset -> struct aux_bin */
};

struct aux_field {
	uint8_t kind;
	uint16_t at;      /* offsetof(struct aux_block, u.<member>.<field>) */
	const char *name; /* "<member>.<field>", for aux_print_block */
};

#define AUX_MAX_FIELDS 14
struct aux_layout {
	uint8_t version;
	uint8_t type;
	const char *name;
	struct aux_field fields[AUX_MAX_FIELDS];
	unsigned nfields;
};

#define F(kind, member)                                                                            \
	{                                                                                          \
		kind, (uint16_t)offsetof(struct aux_block, u.member), #member                      \
	}
#define N(...) {__VA_ARGS__}, sizeof((struct aux_field[]){__VA_ARGS__}) / sizeof(struct aux_field)

#define DEFMDB                                                                                     \
	N(F(K_U32, defmdb_success.time_since_request),                                             \
	  F(K_U32, defmdb_success.time_to_complete_request), F(K_U16, defmdb_success.request_id),  \
	  F(K_U16, defmdb_success.reserved))
#define DEFGC                                                                                      \
	N(F(K_U16, defgc_success.server_id), F(K_U16, defgc_success.session_id),                   \
	  F(K_U32, defgc_success.time_since_request),                                              \
	  F(K_U32, defgc_success.time_to_complete_request),                                        \
	  F(K_U8, defgc_success.request_operation), F(K_RES3, defgc_success.reserved))
#define MDB_V1                                                                                     \
	N(F(K_U16, mdb_success.client_id), F(K_U16, mdb_success.server_id),                        \
	  F(K_U16, mdb_success.session_id), F(K_U16, mdb_success.request_id),                      \
	  F(K_U32, mdb_success.time_since_request),                                                \
	  F(K_U32, mdb_success.time_to_complete_request))
#define MDB_V2                                                                                     \
	N(F(K_U16, mdb_success.process_id), F(K_U16, mdb_success.client_id),                       \
	  F(K_U16, mdb_success.server_id), F(K_U16, mdb_success.session_id),                       \
	  F(K_U16, mdb_success.request_id), F(K_U16, mdb_success.reserved),                        \
	  F(K_U32, mdb_success.time_since_request),                                                \
	  F(K_U32, mdb_success.time_to_complete_request))
#define GC_V1                                                                                      \
	N(F(K_U16, gc_success.client_id), F(K_U16, gc_success.server_id),                          \
	  F(K_U16, gc_success.session_id), F(K_U16, gc_success.reserved1),                         \
	  F(K_U32, gc_success.time_since_request), F(K_U32, gc_success.time_to_complete_request),  \
	  F(K_U8, gc_success.request_operation), F(K_RES3, gc_success.reserved2))
#define GC_V2                                                                                      \
	N(F(K_U16, gc_success.process_id), F(K_U16, gc_success.client_id),                         \
	  F(K_U16, gc_success.server_id), F(K_U16, gc_success.session_id),                         \
	  F(K_U32, gc_success.time_since_request), F(K_U32, gc_success.time_to_complete_request),  \
	  F(K_U8, gc_success.request_operation), F(K_RES3, gc_success.reserved2))
#define FAIL_V1                                                                                    \
	N(F(K_U16, failure.client_id), F(K_U16, failure.server_id), F(K_U16, failure.session_id),  \
	  F(K_U16, failure.request_id), F(K_U32, failure.time_since_request),                      \
	  F(K_U32, failure.time_to_fail_request), F(K_U32, failure.result_code),                   \
	  F(K_U8, failure.request_operation), F(K_RES3, failure.reserved2))
#define FAIL_V2                                                                                    \
	N(F(K_U16, failure.process_id), F(K_U16, failure.client_id), F(K_U16, failure.server_id),  \
	  F(K_U16, failure.session_id), F(K_U16, failure.request_id), F(K_U16, failure.reserved1), \
	  F(K_U32, failure.time_since_request), F(K_U32, failure.time_to_fail_request),            \
	  F(K_U32, failure.result_code), F(K_U8, failure.request_operation),                       \
	  F(K_RES3, failure.reserved2))

/* [MS-OXCRPC] 2.2.2.2.1: which layout each Version/Type selects. */
static const struct aux_layout layouts[] = {
    {1, AUX_TYPE_PERF_REQUESTID, "AUX_PERF_REQUESTID",
     N(F(K_U16, requestid.session_id), F(K_U16, requestid.request_id))},
    {1, AUX_TYPE_PERF_CLIENTINFO, "AUX_PERF_CLIENTINFO",
     N(F(K_U32, clientinfo.adapter_speed), F(K_U16, clientinfo.client_id),
       F(K_STR, clientinfo.machine_name), F(K_STR, clientinfo.user_name),
       F(K_BIN, clientinfo.client_ip), F(K_BIN, clientinfo.client_ip_mask),
       F(K_STR, clientinfo.adapter_name), F(K_BIN, clientinfo.mac_address),
       F(K_U16, clientinfo.client_mode), F(K_U16, clientinfo.reserved))},
    {1, AUX_TYPE_PERF_SERVERINFO, "AUX_PERF_SERVERINFO",
     N(F(K_U16, serverinfo.server_id), F(K_U16, serverinfo.server_type),
       F(K_STR, serverinfo.server_dn), F(K_STR, serverinfo.server_name))},
    {1, AUX_TYPE_PERF_SESSIONINFO, "AUX_PERF_SESSIONINFO",
     N(F(K_U16, sessioninfo.session_id), F(K_U16, sessioninfo.reserved),
       F(K_GUID, sessioninfo.session_guid))},
    {2, AUX_TYPE_PERF_SESSIONINFO, "AUX_PERF_SESSIONINFO_V2",
     N(F(K_U16, sessioninfo.session_id), F(K_U16, sessioninfo.reserved),
       F(K_GUID, sessioninfo.session_guid), F(K_U32, sessioninfo.connection_id))},
    {1, AUX_TYPE_PERF_DEFMDB_SUCCESS, "AUX_PERF_DEFMDB_SUCCESS", DEFMDB},
    {1, AUX_TYPE_PERF_DEFGC_SUCCESS, "AUX_PERF_DEFGC_SUCCESS", DEFGC},
    {1, AUX_TYPE_PERF_MDB_SUCCESS, "AUX_PERF_MDB_SUCCESS", MDB_V1},
    {2, AUX_TYPE_PERF_MDB_SUCCESS, "AUX_PERF_MDB_SUCCESS_V2", MDB_V2},
    {1, AUX_TYPE_PERF_GC_SUCCESS, "AUX_PERF_GC_SUCCESS", GC_V1},
    {2, AUX_TYPE_PERF_GC_SUCCESS, "AUX_PERF_GC_SUCCESS_V2", GC_V2},
    {1, AUX_TYPE_PERF_FAILURE, "AUX_PERF_FAILURE", FAIL_V1},
    {2, AUX_TYPE_PERF_FAILURE, "AUX_PERF_FAILURE_V2", FAIL_V2},
    {1, AUX_TYPE_CLIENT_CONTROL, "AUX_CLIENT_CONTROL",
     N(F(K_U32, client_control.enable_flags), F(K_U32, client_control.expiry_time))},
    {2, AUX_TYPE_PERF_PROCESSINFO, "AUX_PERF_PROCESSINFO",
     N(F(K_U16, processinfo.process_id), F(K_U16, processinfo.reserved1),
       F(K_GUID, processinfo.process_guid), F(K_STR, processinfo.process_name),
       F(K_U16, processinfo.reserved2))},
    {1, AUX_TYPE_PERF_BG_DEFMDB_SUCCESS, "AUX_PERF_BG_DEFMDB_SUCCESS", DEFMDB},
    {1, AUX_TYPE_PERF_BG_DEFGC_SUCCESS, "AUX_PERF_BG_DEFGC_SUCCESS", DEFGC},
    {1, AUX_TYPE_PERF_BG_MDB_SUCCESS, "AUX_PERF_BG_MDB_SUCCESS", MDB_V1},
    {2, AUX_TYPE_PERF_BG_MDB_SUCCESS, "AUX_PERF_BG_MDB_SUCCESS_V2", MDB_V2},
    {1, AUX_TYPE_PERF_BG_GC_SUCCESS, "AUX_PERF_BG_GC_SUCCESS", GC_V1},
    {2, AUX_TYPE_PERF_BG_GC_SUCCESS, "AUX_PERF_BG_GC_SUCCESS_V2", GC_V2},
    {1, AUX_TYPE_PERF_BG_FAILURE, "AUX_PERF_BG_FAILURE", FAIL_V1},
    {2, AUX_TYPE_PERF_BG_FAILURE, "AUX_PERF_BG_FAILURE_V2", FAIL_V2},
    {1, AUX_TYPE_PERF_FG_DEFMDB_SUCCESS, "AUX_PERF_FG_DEFMDB_SUCCESS", DEFMDB},
    {1, AUX_TYPE_PERF_FG_DEFGC_SUCCESS, "AUX_PERF_FG_DEFGC_SUCCESS", DEFGC},
    {1, AUX_TYPE_PERF_FG_MDB_SUCCESS, "AUX_PERF_FG_MDB_SUCCESS", MDB_V1},
    {2, AUX_TYPE_PERF_FG_MDB_SUCCESS, "AUX_PERF_FG_MDB_SUCCESS_V2", MDB_V2},
    {1, AUX_TYPE_PERF_FG_GC_SUCCESS, "AUX_PERF_FG_GC_SUCCESS", GC_V1},
    {2, AUX_TYPE_PERF_FG_GC_SUCCESS, "AUX_PERF_FG_GC_SUCCESS_V2", GC_V2},
    {1, AUX_TYPE_PERF_FG_FAILURE, "AUX_PERF_FG_FAILURE", FAIL_V1},
    {2, AUX_TYPE_PERF_FG_FAILURE, "AUX_PERF_FG_FAILURE_V2", FAIL_V2},
    {1, AUX_TYPE_OSVERSIONINFO, "AUX_OSVERSIONINFO",
     N(F(K_U32, osversioninfo.os_version_info_size), F(K_U32, osversioninfo.major_version),
       F(K_U32, osversioninfo.minor_version), F(K_U32, osversioninfo.build_number),
       F(K_RES132, osversioninfo.reserved1), F(K_U16, osversioninfo.service_pack_major),
       F(K_U16, osversioninfo.service_pack_minor), F(K_U32, osversioninfo.reserved2))},
    {1, AUX_TYPE_EXORGINFO, "AUX_EXORGINFO", N(F(K_U32, exorginfo.org_flags))},
    {1, AUX_TYPE_PERF_ACCOUNTINFO, "AUX_PERF_ACCOUNTINFO",
     N(F(K_U16, accountinfo.client_id), F(K_U16, accountinfo.reserved),
       F(K_GUID, accountinfo.account))},
    {1, AUX_TYPE_SERVER_CAPABILITIES, "AUX_SERVER_CAPABILITIES", N(F(K_U32, capabilities.flags))},
    {1, AUX_TYPE_ENDPOINT_CAPABILITIES, "AUX_ENDPOINT_CAPABILITIES",
     N(F(K_U32, capabilities.flags))},
    {1, AUX_TYPE_CLIENT_CONNECTION_INFO, "AUX_CLIENT_CONNECTION_INFO",
     N(F(K_GUID, client_connection_info.connection_guid),
       F(K_STR, client_connection_info.connection_context_info),
       F(K_U16, client_connection_info.reserved),
       F(K_U32, client_connection_info.connection_attempts),
       F(K_U32, client_connection_info.connection_flags))},
    {1, AUX_TYPE_SERVER_SESSION_INFO, "AUX_SERVER_SESSION_INFO",
     N(F(K_STR, server_session_info.server_session_context_info))},
    {1, AUX_TYPE_PROTOCOL_DEVICE_IDENTIFICATION, "AUX_PROTOCOL_DEVICE_IDENTIFICATION",
     N(F(K_STR, device_identification.device_manufacturer),
       F(K_STR, device_identification.device_model),
       F(K_STR, device_identification.device_serial_number),
       F(K_STR, device_identification.device_version),
       F(K_STR, device_identification.device_firmware_version))},
};

static const struct aux_layout *layout_find(uint8_t version, uint8_t type)
{
	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++)
		if (layouts[i].version == version && layouts[i].type == type)
			return &layouts[i];
	return NULL;
}

const char *aux_block_name(uint8_t version, uint8_t type)
{
	const struct aux_layout *l = layout_find(version, type);
	return l != NULL ? l->name : NULL;
}

/* A UTF-16LE string at block offset ofs, bounded by the block. */
static enum rop_err pull_str_at(TALLOC_CTX *mem_ctx, const uint8_t *block, size_t block_len,
                                uint16_t ofs, char **s_r)
{
	struct rop_pull sp;

	*s_r = NULL;
	if (ofs == 0)
		return ROP_OK;
	if (ofs < AUX_HEADER_SIZE || ofs >= block_len)
		return ROP_E_INVALID;
	rop_pull_init(&sp, mem_ctx, block + ofs, block_len - ofs);
	return rop_pull_utf16z(&sp, s_r);
}

static enum rop_err pull_field(TALLOC_CTX *mem_ctx, struct rop_pull *p, const uint8_t *block,
                               size_t block_len, uint8_t kind, void *at)
{
	uint16_t ofs, size;

	switch (kind) {
	case K_U8:
		return rop_pull_u8(p, at);
	case K_U16:
		return rop_pull_u16(p, at);
	case K_U32:
		return rop_pull_u32(p, at);
	case K_GUID:
		return rop_pull_guid(p, at);
	case K_RES3:
	case K_RES132: {
		const uint8_t *src;
		size_t n = kind == K_RES3 ? 3 : 132;
		ROP_CHECK(rop_pull_ref(p, n, &src));
		memcpy(at, src, n);
		return ROP_OK;
	}
	case K_STR:
		ROP_CHECK(rop_pull_u16(p, &ofs));
		return pull_str_at(mem_ctx, block, block_len, ofs, at);
	case K_BIN: {
		struct aux_bin *bin = at;
		ROP_CHECK(rop_pull_u16(p, &size));
		ROP_CHECK(rop_pull_u16(p, &ofs));
		*bin = (struct aux_bin){0};
		if (ofs == 0 || size == 0)
			return ROP_OK;
		if (ofs < AUX_HEADER_SIZE || ofs > block_len || block_len - ofs < size)
			return ROP_E_INVALID;
		bin->data = talloc_memdup(mem_ctx, block + ofs, size);
		if (bin->data == NULL)
			return ROP_E_NOMEM;
		bin->len = size;
		return ROP_OK;
	}
	}
	return ROP_E_INVALID;
}

/* Decodes the block at block[0..block_len), its AUX_HEADER included. */
static enum rop_err decode_block(TALLOC_CTX *mem_ctx, const uint8_t *block, size_t block_len,
                                 struct aux_block *b)
{
	const struct aux_layout *l;
	struct rop_pull p;

	*b = (struct aux_block){.version = block[2], .type = block[3]};
	l = layout_find(b->version, b->type);
	if (l == NULL) {
		size_t n = block_len - AUX_HEADER_SIZE;
		if (n > 0) {
			b->raw.data = talloc_memdup(mem_ctx, block + AUX_HEADER_SIZE, n);
			if (b->raw.data == NULL)
				return ROP_E_NOMEM;
		}
		b->raw.len = (uint16_t)n;
		return ROP_OK;
	}
	b->known = true;
	rop_pull_init(&p, mem_ctx, block, block_len);
	p.ofs = AUX_HEADER_SIZE;
	for (unsigned i = 0; i < l->nfields; i++)
		ROP_CHECK(pull_field(mem_ctx, &p, block, block_len, l->fields[i].kind,
		                     (uint8_t *)b + l->fields[i].at));
	return ROP_OK;
}

/* [MS-OXCRPC] 2.2.2.2.1 */
enum rop_err aux_decode(TALLOC_CTX *mem_ctx, const uint8_t *data, size_t len,
                        struct aux_list *list_r)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct aux_block *blocks = NULL;
	size_t count = 0, ofs = 0;
	enum rop_err err = ROP_OK;

	if (tmp == NULL)
		return ROP_E_NOMEM;
	while (ofs < len) {
		if (len - ofs < AUX_HEADER_SIZE) {
			err = ROP_E_SHORT;
			goto out;
		}
		size_t size = (size_t)data[ofs] | (size_t)data[ofs + 1] << 8;
		if (size < AUX_HEADER_SIZE || len - ofs < size) {
			err = ROP_E_INVALID;
			goto out;
		}
		/* Every block holds at least its header: count <= len / 4. */
		blocks = talloc_realloc(tmp, blocks, struct aux_block, count + 1);
		if (blocks == NULL) {
			err = ROP_E_NOMEM;
			goto out;
		}
		if ((err = decode_block(blocks, data + ofs, size, &blocks[count])) != ROP_OK)
			goto out;
		count++;
		ofs += size;
	}
	list_r->blocks = talloc_steal(mem_ctx, blocks);
	list_r->count = count;
out:
	talloc_free(tmp);
	return err;
}

static enum rop_err push_fixed(struct rop_push *p, uint8_t kind, const void *at)
{
	switch (kind) {
	case K_U8:
		return rop_push_u8(p, *(const uint8_t *)at);
	case K_U16:
		return rop_push_u16(p, *(const uint16_t *)at);
	case K_U32:
		return rop_push_u32(p, *(const uint32_t *)at);
	case K_GUID:
		return rop_push_guid(p, at);
	case K_RES3:
		return rop_push_bytes(p, at, 3);
	case K_RES132:
		return rop_push_bytes(p, at, 132);
	}
	return ROP_E_INVALID;
}

/* Writes the fields, reserving offsets, then the variable parts in field
 * order, patching each offset once its data has a place. */
static enum rop_err push_fields(struct rop_push *p, size_t start, const struct aux_layout *l,
                                const struct aux_block *b)
{
	size_t slot[AUX_MAX_FIELDS];

	for (unsigned i = 0; i < l->nfields; i++) {
		const void *at = (const uint8_t *)b + l->fields[i].at;
		if (l->fields[i].kind == K_STR)
			ROP_CHECK(rop_push_reserve(p, 2, &slot[i]));
		else if (l->fields[i].kind == K_BIN)
			ROP_CHECK(rop_push_reserve(p, 4, &slot[i]));
		else
			ROP_CHECK(push_fixed(p, l->fields[i].kind, at));
	}
	for (unsigned i = 0; i < l->nfields; i++) {
		const void *at = (const uint8_t *)b + l->fields[i].at;
		size_t here = p->ofs - start;
		if (l->fields[i].kind == K_STR) {
			const char *s = *(char *const *)at;
			if (s == NULL) {
				rop_push_patch_u16(p, slot[i], 0);
				continue;
			}
			if (here > UINT16_MAX)
				return ROP_E_TOO_BIG;
			ROP_CHECK(rop_push_utf16z(p, s));
			rop_push_patch_u16(p, slot[i], (uint16_t)here);
		} else if (l->fields[i].kind == K_BIN) {
			const struct aux_bin *bin = at;
			if (bin->len == 0) {
				rop_push_patch_u32(p, slot[i], 0);
				continue;
			}
			if (here > UINT16_MAX)
				return ROP_E_TOO_BIG;
			ROP_CHECK(rop_push_bytes(p, bin->data, bin->len));
			rop_push_patch_u16(p, slot[i], bin->len);
			rop_push_patch_u16(p, slot[i] + 2, (uint16_t)here);
		}
	}
	return ROP_OK;
}

enum rop_err aux_push_block(struct rop_push *p, const struct aux_block *block)
{
	const struct aux_layout *l = block->known ? layout_find(block->version, block->type) : NULL;
	size_t start = rop_push_mark(p), size_at;
	enum rop_err err;

	if (block->known && l == NULL)
		return ROP_E_INVALID;
	if ((err = rop_push_reserve(p, 2, &size_at)) != ROP_OK ||
	    (err = rop_push_u8(p, block->version)) != ROP_OK ||
	    (err = rop_push_u8(p, block->type)) != ROP_OK)
		goto fail;
	if (l != NULL)
		err = push_fields(p, start, l, block);
	else
		err = rop_push_bytes(p, block->raw.data, block->raw.len);
	if (err != ROP_OK)
		goto fail;
	if (p->ofs - start > UINT16_MAX) {
		err = ROP_E_TOO_BIG;
		goto fail;
	}
	rop_push_patch_u16(p, size_at, (uint16_t)(p->ofs - start));
	return ROP_OK;
fail:
	rop_push_rewind(p, start);
	return err;
}

enum rop_err aux_encode(struct rop_push *p, const struct aux_list *list)
{
	size_t mark = rop_push_mark(p);

	for (size_t i = 0; i < list->count; i++) {
		enum rop_err err = aux_push_block(p, &list->blocks[i]);
		if (err != ROP_OK) {
			rop_push_rewind(p, mark);
			return err;
		}
	}
	return ROP_OK;
}

/* [MS-OXCRPC] 3.1.4.1.2: the auxiliary buffer travels in extended buffers
 * like the ROP buffers. */
enum rop_err aux_buffer_decode(TALLOC_CTX *mem_ctx, const uint8_t *data, size_t len,
                               size_t max_payload, struct aux_list *list_r)
{
	TALLOC_CTX *tmp;
	struct rpc_ext_chain chain;
	uint8_t *payload;
	size_t payload_len;
	enum rop_err err;

	*list_r = (struct aux_list){0};
	if (len == 0)
		return ROP_OK;
	tmp = talloc_new(NULL);
	if (tmp == NULL)
		return ROP_E_NOMEM;
	if ((err = rpc_ext_decode(tmp, data, len, max_payload, &chain)) == ROP_OK &&
	    (err = rpc_ext_join(tmp, &chain, &payload, &payload_len)) == ROP_OK)
		err = aux_decode(mem_ctx, payload, payload_len, list_r);
	talloc_free(tmp);
	return err;
}

enum rop_err aux_buffer_encode(struct rop_push *p, const struct aux_list *list,
                               unsigned encode_flags)
{
	TALLOC_CTX *tmp;
	struct rop_push blocks;
	enum rop_err err;

	if (list->count == 0)
		return ROP_OK;
	tmp = talloc_new(NULL);
	if (tmp == NULL)
		return ROP_E_NOMEM;
	rop_push_init_growable(&blocks, tmp);
	err = aux_encode(&blocks, list);
	if (err == ROP_OK)
		err = rpc_ext_encode(p, blocks.data, blocks.ofs, encode_flags);
	talloc_free(tmp);
	return err;
}

/* ---- printing (rop_print.h), from the same layouts ---- */

void aux_print_block(struct rop_printer *pr, const struct aux_block *b)
{
	const struct aux_layout *l = b->known ? layout_find(b->version, b->type) : NULL;

	rop_printf(pr, "AUX_HEADER Version 0x%02X Type 0x%02X %s", b->version, b->type,
	           l != NULL ? l->name : "(unknown)");
	pr->depth++;
	if (l == NULL) {
		rop_print_hex(pr, "data", b->raw.data, b->raw.len);
		pr->depth--;
		return;
	}
	for (unsigned i = 0; i < l->nfields; i++) {
		const struct aux_field *f = &l->fields[i];
		const uint8_t *at = (const uint8_t *)b + f->at;
		switch (f->kind) {
		case K_U8:
			rop_printf(pr, "%s: %u", f->name, *at);
			break;
		case K_U16: {
			uint16_t v;
			memcpy(&v, at, sizeof(v));
			rop_printf(pr, "%s: %u (0x%04X)", f->name, v, v);
			break;
		}
		case K_U32: {
			uint32_t v;
			memcpy(&v, at, sizeof(v));
			rop_printf(pr, "%s: %u (0x%08X)", f->name, v, v);
			break;
		}
		case K_GUID:
			rop_print_guid(pr, f->name, (const struct mapi_guid *)(const void *)at);
			break;
		case K_RES3:
			rop_print_hex(pr, f->name, at, 3);
			break;
		case K_RES132:
			rop_print_hex(pr, f->name, at, 132);
			break;
		case K_STR: {
			const char *str;
			memcpy(&str, at, sizeof(str));
			rop_print_string(pr, f->name, str);
			break;
		}
		default: { /* K_BIN */
			struct aux_bin bin;
			memcpy(&bin, at, sizeof(bin));
			rop_print_hex(pr, f->name, bin.data, bin.len);
			break;
		}
		}
	}
	pr->depth--;
}
