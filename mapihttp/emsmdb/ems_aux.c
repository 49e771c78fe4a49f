/*
 * Auxiliary buffers of Connect and Execute ([MS-OXCRPC] 2.2.2.2, 3.1.4.1.2;
 * [MS-OXCMAPIHTTP] 2.2.4.1.2 AuxiliaryBuffer).
 *
 * Input: Outlook's blocks (client, process, session, account information,
 * performance reports) are decoded with aux.h and logged at debug; they
 * change nothing ([MS-OXCRPC] 3.1.4.1.2: informational).  A buffer that
 * does not decode is logged and ignored, never a failure of the call.
 *
 * Output of Connect: the server topology blocks of [MS-OXCRPC] 3.1.4.1.2.1
 * that Exchange sends to Outlook, in an RPC_HEADER_EXT framed buffer
 * ([MS-OXCRPC] 3.1.4.1.1.1.2).
 */
#include <string.h>

#include "aux.h"
#include "ems_private.h"
#include "log.h"
#include "rpc_ext.h"

/* Bound of a decoded input auxiliary buffer (one full payload). */
#define EMS_AUX_MAX_IN RPC_EXT_MAX_PAYLOAD

/* [MS-OXCRPC] 2.2.2.2.15 ExpiryTime: Exchange tells Outlook to keep
 * unsent performance data for 604,800,000 ms (seven days); the
 * specification leaves the value to the server. */
#define EMS_AUX_PERF_EXPIRY_MS 604800000u

int ems_aux_log(TALLOC_CTX *mem, const char *call, const struct mh_blob *aux)
{
	TALLOC_CTX *tmp;
	struct aux_list list = {0};
	enum rop_err err;
	int ret = -1;

	if (aux->len == 0)
		return 0;
	if (log_get_level() < LOG_LEVEL_DEBUG)
		return 0;
	tmp = talloc_new(mem);
	if (tmp == NULL)
		return -1;
	err = aux_buffer_decode(tmp, aux->data, aux->len, EMS_AUX_MAX_IN, &list);
	if (err != ROP_OK) {
		log_debug(EMS_LOG, "aux in call=%s bytes=%u invalid error=%s", call, aux->len,
		          rop_strerror(err));
		goto out;
	}
	for (size_t i = 0; i < list.count; i++) {
		const struct aux_block *b = &list.blocks[i];
		const char *name = aux_block_name(b->version, b->type);

		if (b->known && b->type == AUX_TYPE_PERF_CLIENTINFO)
			log_debug(EMS_LOG, "aux in call=%s block=%s machine=%s mode=%u", call, name,
			          b->u.clientinfo.machine_name ? b->u.clientinfo.machine_name : "-",
			          b->u.clientinfo.client_mode);
		else if (b->known && b->type == AUX_TYPE_PERF_PROCESSINFO)
			log_debug(EMS_LOG, "aux in call=%s block=%s process=%s", call, name,
			          b->u.processinfo.process_name ? b->u.processinfo.process_name
			                                        : "-");
		else
			log_debug(EMS_LOG, "aux in call=%s block=%s version=%u type=0x%02x", call,
			          name != NULL ? name : "unknown", b->version, b->type);
	}
	ret = (int)list.count;
out:
	talloc_free(tmp);
	return ret;
}

/* The blocks of [MS-OXCRPC] 3.1.4.1.2.1 Exchange returns on Connect. */
int ems_aux_connect_out(TALLOC_CTX *resp_ctx, struct mh_blob *aux_r)
{
	struct aux_block blocks[3];
	struct aux_list list = {.blocks = blocks, .count = 3};
	struct rop_push p;

	memset(blocks, 0, sizeof(blocks));
	/* [MS-OXCRPC] 2.2.2.2.17 AUX_EXORGINFO: this server has no public
	 * folder store (RopLogon of a public store is refused), so neither
	 * PUBLIC_FOLDERS_ENABLED nor USE_AUTODISCOVER_FOR_PUBLIC_FOLDER is set;
	 * without the block Outlook would assume public folders exist
	 * (3.1.4.1.2.1) and try to open them. */
	blocks[0] = (struct aux_block){.version = AUX_VERSION_1,
	                               .type = AUX_TYPE_EXORGINFO,
	                               .known = true,
	                               .u.exorginfo.org_flags = 0};
	/* [MS-OXCRPC] 2.2.2.2.15 AUX_CLIENT_CONTROL: as Exchange, compression
	 * stays on and the client reports performance data to the server
	 * (ENABLE_PERF_SENDTOSERVER | ENABLE_COMPRESSION); HTTP tunnelling is
	 * RPC/HTTP's and GC data concerns a directory this endpoint is not. */
	blocks[1] = (struct aux_block){
	    .version = AUX_VERSION_1,
	    .type = AUX_TYPE_CLIENT_CONTROL,
	    .known = true,
	    .u.client_control = {.enable_flags = AUX_CLIENT_CONTROL_ENABLE_PERF_SENDTOSERVER |
	                                         AUX_CLIENT_CONTROL_ENABLE_COMPRESSION,
	                         .expiry_time = EMS_AUX_PERF_EXPIRY_MS}};
	/* [MS-OXCRPC] 2.2.2.2.20 AUX_ENDPOINT_CAPABILITIES: the mailbox and
	 * the address book are served at one endpoint (/mapi/emsmdb and
	 * /mapi/nspi of the same host), ENDPOINT_CAPABILITIES_SINGLE_ENDPOINT. */
	blocks[2] =
	    (struct aux_block){.version = AUX_VERSION_1,
	                       .type = AUX_TYPE_ENDPOINT_CAPABILITIES,
	                       .known = true,
	                       .u.capabilities.flags = AUX_ENDPOINT_CAPABILITIES_SINGLE_ENDPOINT};
	rop_push_init_growable(&p, resp_ctx);
	/* [MS-OXCRPC] 3.1.4.1.1.1.2: a small payload is sent uncompressed
	 * (3.1.4.1.1: compression of a few bytes gains nothing) */
	if (aux_buffer_encode(&p, &list, 0) != ROP_OK || p.data == NULL)
		return -1;
	aux_r->data = p.data;
	aux_r->len = (uint32_t)p.ofs;
	return 0;
}
