/*
 * store_ids: entry IDs, long-term IDs ([MS-OXCDATA] 2.2).
 */
#include <string.h>

#include "store_private.h"

/* [MS-OXCDATA] 2.2.4.1 FolderType / 2.2.4.2 MessageType */
#define EIT_LT_PRIVATE_FOLDER  0x0001
#define EIT_LT_PRIVATE_MESSAGE 0x0007

static void put_gc6(uint8_t *p, uint64_t gc)
{
	for (int i = 0; i < 6; i++)
		p[i] = (uint8_t)(gc >> (8 * (5 - i)));
}

static uint64_t get_gc6(const uint8_t *p)
{
	uint64_t gc = 0;
	for (int i = 0; i < 6; i++)
		gc = (gc << 8) | p[i];
	return gc;
}

/* [MS-OXCDATA] 2.2.4.1: Flags(4) ProviderUID(16) FolderType(2)
 * DatabaseGuid(16) GlobalCounter(6) Pad(2).  The ProviderUID of a private
 * mailbox is its MailboxGuid. */
int store_folder_entryid(TALLOC_CTX *mem_ctx, const struct store_mailbox *mbox, uint64_t fid,
                         struct mapi_binary *eid_r)
{
	uint8_t *p = talloc_zero_size(mem_ctx, 46);
	if (p == NULL)
		return STORE_E_NOMEM;
	memcpy(p + 4, mbox->env->ident.mailbox_guid.b, 16);
	p[20] = EIT_LT_PRIVATE_FOLDER & 0xFF;
	memcpy(p + 22, mbox->env->ident.replica_guid.b, 16);
	put_gc6(p + 38, MAPI_ID_GLOBCNT(fid));
	eid_r->data = p;
	eid_r->len = 46;
	return 0;
}

/* [MS-OXCDATA] 2.2.4.2: Flags(4) ProviderUID(16) MessageType(2)
 * FolderDatabaseGuid(16) FolderGlobalCounter(6) Pad(2)
 * MessageDatabaseGuid(16) MessageGlobalCounter(6) Pad(2). */
int store_message_entryid(TALLOC_CTX *mem_ctx, const struct store_mailbox *mbox, uint64_t fid,
                          uint64_t mid, struct mapi_binary *eid_r)
{
	uint8_t *p = talloc_zero_size(mem_ctx, 70);
	if (p == NULL)
		return STORE_E_NOMEM;
	memcpy(p + 4, mbox->env->ident.mailbox_guid.b, 16);
	p[20] = EIT_LT_PRIVATE_MESSAGE & 0xFF;
	memcpy(p + 22, mbox->env->ident.replica_guid.b, 16);
	put_gc6(p + 38, MAPI_ID_GLOBCNT(fid));
	memcpy(p + 46, mbox->env->ident.replica_guid.b, 16);
	put_gc6(p + 62, MAPI_ID_GLOBCNT(mid));
	eid_r->data = p;
	eid_r->len = 70;
	return 0;
}

int store_entryid_parse(const struct store_mailbox *mbox, const struct mapi_binary *eid,
                        uint64_t *fid_r, uint64_t *mid_r)
{
	const uint8_t *p = eid->data;
	if (eid->len != 46 && eid->len != 70)
		return STORE_E_INVALID;
	if (memcmp(p + 4, mbox->env->ident.mailbox_guid.b, 16) != 0)
		return 0;
	uint16_t type = (uint16_t)(p[20] | (p[21] << 8));
	if ((eid->len == 46) != (type == EIT_LT_PRIVATE_FOLDER) ||
	    (eid->len == 70 && type != EIT_LT_PRIVATE_MESSAGE))
		return STORE_E_INVALID;
	if (memcmp(p + 22, mbox->env->ident.replica_guid.b, 16) != 0)
		return 0;
	*fid_r = store_id(get_gc6(p + 38));
	*mid_r = 0;
	if (eid->len == 70) {
		if (memcmp(p + 46, mbox->env->ident.replica_guid.b, 16) != 0)
			return 0;
		*mid_r = store_id(get_gc6(p + 62));
	}
	return 1;
}

/* [MS-OXCDATA] 2.2.4.3 Store Object EntryID, private mailbox form. */
int store_store_entryid(TALLOC_CTX *mem_ctx, const char *server_shortname, const char *mailbox_dn,
                        struct mapi_binary *eid_r)
{
	static const uint8_t provider_uid[16] = {0x38, 0xA1, 0xBB, 0x10, 0x05, 0xE5, 0x10, 0x1A,
	                                         0xA1, 0xBB, 0x08, 0x00, 0x2B, 0x2A, 0x56, 0xC2};
	static const uint8_t wrapped_private[16] = {0x1B, 0x55, 0xFA, 0x20, 0xAA, 0x66, 0x11, 0xCD,
	                                            0x9B, 0xC8, 0x00, 0xAA, 0x00, 0x2F, 0xC4, 0x5A};
	size_t slen = strlen(server_shortname) + 1, dlen = strlen(mailbox_dn) + 1;
	size_t len = 4 + 16 + 1 + 1 + 14 + 4 + 16 + 4 + slen + dlen;
	uint8_t *p = talloc_zero_size(mem_ctx, len);
	if (p == NULL)
		return STORE_E_NOMEM;
	memcpy(p + 4, provider_uid, 16);
	/* Version 0, Flag 0, DLLFileName "emsmdb.dll" NUL-padded to 14. */
	memcpy(p + 22, "emsmdb.dll", 10);
	memcpy(p + 40, wrapped_private, 16);
	p[56] = 0x0C; /* WrappedType: private mailbox store */
	memcpy(p + 60, server_shortname, slen);
	memcpy(p + 60 + slen, mailbox_dn, dlen);
	eid_r->data = p;
	eid_r->len = (uint32_t)len;
	return 0;
}

void store_id_to_long_term(const struct store_mailbox *mbox, uint64_t id,
                           struct mapi_long_term_id *ltid_r)
{
	memset(ltid_r, 0, sizeof(*ltid_r));
	ltid_r->guid = mbox->env->ident.replica_guid;
	put_gc6(ltid_r->globcnt, MAPI_ID_GLOBCNT(id));
}

int store_long_term_to_id(const struct store_mailbox *mbox, const struct mapi_long_term_id *ltid,
                          uint64_t *id_r)
{
	if (memcmp(ltid->guid.b, mbox->env->ident.replica_guid.b, 16) != 0)
		return STORE_E_NOTFOUND;
	*id_r = store_id(get_gc6(ltid->globcnt));
	return 0;
}
