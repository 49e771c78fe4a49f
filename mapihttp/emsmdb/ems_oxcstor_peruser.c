/*
 * The per-user information ROPs of [MS-OXCSTOR] on a private mailbox
 * logon (3.2.5.10 to 3.2.5.13): the client caches there, per public
 * folder, the read/unread data (a CNSET serialised as an IDSET with
 * REPLGUID, [MS-OXCFXICS] 2.2.2.4.2) it synchronises with the public
 * folder store ([MS-OXCSTOR] 3.1.4.3).  The rows are the mailbox's
 * per-user data table (store_peruser.c); this server hosts no public
 * folders, so every logon that reaches here is a private one.
 *
 * A write arrives in chunks continued by FolderId and DataOffset; the
 * chunks are kept on the logon until the one with HasFinished, and only
 * then is the whole value checked and stored in one transaction, so a
 * session that ends mid-write leaves the table as it was.
 */
#include <string.h>

#include "ems_private.h"
#include "ics_idset.h"
#include "log.h"

/* [MS-OXCSTOR] 2.2.1.12.1: MaxDataSize 0 asks for the server's default. */
#define PU_READ_DEFAULT 4096
/* RopReadPerUserInformation response bytes besides Data: RopId,
 * InputHandleIndex, ReturnValue, HasFinished, DataSize. */
#define PU_READ_OVERHEAD 9
/* RopGetPerUserLongTermIds response bytes besides the 24-byte
 * LongTermIds: RopId, InputHandleIndex, ReturnValue, LongTermIdCount. */
#define PU_LTIDS_OVERHEAD 8
#define PU_LTID_SIZE      24 /* [MS-OXCDATA] 2.2.1.3.1 */

/* A RopWritePerUserInformation not finished yet ([MS-OXCSTOR] 3.2.5.13.1);
 * its bytes count in the session's peruser_bytes, which all of the
 * session's logons share, so a session holds at most STORE_PERUSER_MAX
 * bytes of unfinished writes whatever the number of its logons. */
struct ems_peruser_write {
	struct ems_session *session;
	struct mapi_long_term_id folder;
	struct mapi_guid replguid; /* sent with DataOffset 0 */
	uint8_t *data;
	uint32_t len;
};

/* Two LongTermIDs name the same folder: GUID and GLOBCNT; the pad is not
 * part of the ID ([MS-OXCDATA] 2.2.1.3.1). */
static bool same_folder(const struct mapi_long_term_id *a, const struct mapi_long_term_id *b)
{
	return memcmp(a->guid.b, b->guid.b, 16) == 0 && memcmp(a->globcnt, b->globcnt, 6) == 0;
}

/* [MS-OXCSTOR] 3.2.5.10: the LongTermIDs of the table's rows for the
 * public folder database DatabaseGuid. */
uint32_t ems_rop_get_per_user_long_term_ids(struct ems_rop_ctx *c, const struct rop_request *req,
                                            struct rop_response *resp)
{
	struct rop_ltid_array *a = &resp->u.get_per_user_long_term_ids.ltids;
	size_t room = c->space > PU_LTIDS_OVERHEAD ? c->space - PU_LTIDS_OVERHEAD : 0;
	struct mapi_long_term_id *ltids = NULL;
	uint32_t count = 0;
	int ret;

	ret = store_peruser_list(c->mem, c->logon->mbox,
	                         &req->u.get_per_user_long_term_ids.database_guid, &ltids, &count);
	if (ret < 0)
		return ems_ec_from_store(ret);
	/* LongTermIdCount is 16 bits ([MS-OXCROPS] 2.2.3.10.2), and a list
	 * that could never fit the response would be resent for ever; the
	 * section lets the server return any part of the list (even none) */
	if (count > 0xFFFF)
		count = 0xFFFF;
	if (count > room / PU_LTID_SIZE)
		count = (uint32_t)(room / PU_LTID_SIZE);
	a->count = (uint16_t)count;
	a->ltids = ltids;
	return 0;
}

/* [MS-OXCSTOR] 3.2.5.11: the REPLGUID stored with the folder's row;
 * ecNotFound (0x8004010F) when the table has no row for it. */
uint32_t ems_rop_get_per_user_guid(struct ems_rop_ctx *c, const struct rop_request *req,
                                   struct rop_response *resp)
{
	struct store_peruser *row = NULL;
	int ret;

	ret =
	    store_peruser_get(c->mem, c->logon->mbox, &req->u.get_per_user_guid.long_term_id, &row);
	if (ret < 0)
		return ems_ec_from_store(ret);
	if (ret == 0)
		return EC_NotFound;
	resp->u.get_per_user_guid.database_guid = row->replguid;
	return 0;
}

/* [MS-OXCSTOR] 3.2.5.12: the row's data from DataOffset on, at most
 * MaxDataSize bytes (4096 for 0, 2.2.1.12.1) and no more than the room
 * left in the response (3.2.5.12.1 lets the server lower MaxDataSize);
 * HasFinished when the end is reached.  A folder
 * without a row has nothing cached: the empty, finished stream. */
uint32_t ems_rop_read_per_user_information(struct ems_rop_ctx *c, const struct rop_request *req,
                                           struct rop_response *resp)
{
	const struct rop_read_per_user_information_req *q = &req->u.read_per_user_information;
	struct rop_read_per_user_information_resp *r = &resp->u.read_per_user_information;
	size_t room = c->space > PU_READ_OVERHEAD ? c->space - PU_READ_OVERHEAD : 0;
	struct store_peruser *row = NULL;
	uint32_t total, n;
	int ret;

	ret = store_peruser_get(c->mem, c->logon->mbox, &q->folder_id, &row);
	if (ret < 0)
		return ems_ec_from_store(ret);
	total = ret == 1 ? row->data.len : 0;
	/* 2.2.1.12.1: DataOffset is the sum of the DataSize values already
	 * returned, so it never passes the end of the data */
	if (q->data_offset > total) {
		log_info(EMS_LOG, "read per-user information: DataOffset %u past the end (%u)",
		         q->data_offset, total);
		return EC_InvalidParameter;
	}
	n = q->max_data_size != 0 ? q->max_data_size : PU_READ_DEFAULT;
	/* with no room at all the answer is RopBufferTooSmall and the
	 * request comes again in a larger buffer: an empty unfinished page
	 * would only make the client ask again for nothing */
	if (n > room && room > 0)
		n = (uint32_t)room;
	if (n > total - q->data_offset)
		n = total - q->data_offset;
	r->has_finished = q->data_offset + n == total;
	r->data.len = n;
	r->data.data = n > 0 ? row->data.data + q->data_offset : NULL;
	return 0;
}

/* [MS-OXCSTOR] 3.2.5.13.1: the accumulated data is checked to be a
 * well-formed IDSET with REPLGUID ([MS-OXCFXICS] 2.2.2.4.2), ecCorruptData
 * (0x8004011B) when not, then stored as a whole (3.2.5.13.2: the row's
 * data and ReplGuid are replaced, or the row added). */
static uint32_t write_finish(struct ems_rop_ctx *c, const struct ems_peruser_write *w)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ics_idset *ids = NULL;
	enum rop_err err;
	int ret;

	if (tmp == NULL)
		return EC_OutOfMemory;
	err = ics_idset_pull(tmp, w->data, w->len, true, &ids);
	talloc_free(tmp);
	if (err == ROP_E_NOMEM)
		return EC_OutOfMemory;
	if (err != ROP_OK) {
		log_info(EMS_LOG, "write per-user information: %u bytes are no IDSET: %s", w->len,
		         rop_strerror(err));
		return EC_CorruptData;
	}
	ret = store_peruser_put(c->logon->mbox, &w->folder, &w->replguid, w->data, w->len);
	if (ret < 0)
		log_warn(EMS_LOG, "write per-user information: %s", store_strerror(ret));
	return ems_ec_from_store(ret);
}

static int write_destructor(struct ems_peruser_write *w)
{
	w->session->peruser_bytes -= w->len;
	return 0;
}

/* Appends a chunk to the write in progress; a store error. */
static int write_append(struct ems_peruser_write *w, const struct mapi_binary *chunk)
{
	uint64_t held = w->session->peruser_bytes;
	uint8_t *grown;

	if (chunk->len == 0)
		return 0;
	if (held > STORE_PERUSER_MAX || chunk->len > STORE_PERUSER_MAX - held)
		return STORE_E_TOOBIG;
	grown = talloc_realloc(w, w->data, uint8_t, w->len + chunk->len);
	if (grown == NULL)
		return STORE_E_NOMEM;
	memcpy(grown + w->len, chunk->data, chunk->len);
	w->data = grown;
	w->len += chunk->len;
	w->session->peruser_bytes += chunk->len;
	return 0;
}

/* [MS-OXCSTOR] 3.2.5.13 */
uint32_t ems_rop_write_per_user_information(struct ems_rop_ctx *c, const struct rop_request *req,
                                            struct rop_response *resp)
{
	const struct rop_write_per_user_information_req *q = &req->u.write_per_user_information;
	struct ems_logon *logon = c->logon;
	struct ems_peruser_write *w = logon->pu_write;
	uint32_t ec;
	int ret;

	/* 3.2.5.13.1: another FID, or a DataOffset other than the amount
	 * already written, means the previous write was abandoned: its data
	 * is dropped.  DataOffset 0 always starts a new write. */
	if (w != NULL && (q->data_offset == 0 || q->data_offset != w->len ||
	                  !same_folder(&w->folder, &q->folder_id)))
		TALLOC_FREE(logon->pu_write);
	if (logon->pu_write == NULL) {
		/* ... and a continuation of nothing fails with ecError */
		if (q->data_offset != 0) {
			log_info(EMS_LOG,
			         "write per-user information: DataOffset %u continues no write",
			         q->data_offset);
			return EC_GeneralFailure;
		}
		w = talloc_zero(logon, struct ems_peruser_write);
		if (w == NULL)
			return EC_OutOfMemory;
		w->session = c->s;
		talloc_set_destructor(w, write_destructor);
		w->folder = q->folder_id;
		/* 2.2.1.13.1: ReplGuid comes with DataOffset 0 on a private logon */
		w->replguid = q->replguid;
		logon->pu_write = w;
	}
	ret = write_append(w, &q->data);
	if (ret < 0) {
		log_info(EMS_LOG, "write per-user information: %s", store_strerror(ret));
		TALLOC_FREE(logon->pu_write);
		return ems_ec_from_store(ret);
	}
	if (!q->has_finished)
		return 0;
	ec = write_finish(c, w);
	TALLOC_FREE(logon->pu_write);
	return ec;
}
