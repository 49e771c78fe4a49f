/*
 * rop_entryid: the entry IDs and identifiers of [MS-OXCDATA] 2.2 and
 * [MS-OXNSPI] 2.2.9: GLOBCNT, LongTermID, Folder / Message / Store Object
 * EntryIDs, Address Book EntryIDs (permanent and ephemeral) and One-Off
 * EntryIDs.
 *
 * An entry ID travels as the bytes of a PtypBinary; these functions read
 * and write those bytes with a rop_pull / rop_push positioned on them.  A
 * decoder consumes exactly its structure; the caller checks that nothing
 * is left when the binary must hold only the entry ID.  Strings are
 * allocated on the rop_pull's mem_ctx.  Pad fields the specification
 * requires to be zero are checked (ROP_E_INVALID otherwise).
 */
#ifndef ROP_ENTRYID_H
#define ROP_ENTRYID_H

#include "mapi_types.h"
#include "rop_buf.h"

/* ProviderUIDs of [MS-OXCDATA] 2.2.4.3 and 2.2.5. */
extern const struct mapi_guid rop_uid_store_wrap;     /* MUIDStoreWrap */
extern const struct mapi_guid rop_uid_emsmdb_private; /* private mailbox store */
extern const struct mapi_guid rop_uid_emsmdb_public;  /* public folder store */
extern const struct mapi_guid rop_uid_address_book;   /* Exchange address book, GUID_NSPI */
extern const struct mapi_guid rop_uid_one_off;        /* MAPI_ONE_OFF_UID */

/* GLOBCNT, [MS-OXCDATA] 2.2.1.1: 6 bytes, big-endian. */
enum rop_err rop_pull_globcnt(struct rop_pull *p, uint64_t *v_r);
enum rop_err rop_push_globcnt(struct rop_push *p, uint64_t v);

/* LongTermID, [MS-OXCDATA] 2.2.1.3.1: DatabaseGuid, GlobalCounter, Pad. */
enum rop_err rop_pull_long_term_id(struct rop_pull *p, struct mapi_long_term_id *v_r);
enum rop_err rop_push_long_term_id(struct rop_push *p, const struct mapi_long_term_id *v);

/* Store object types, [MS-OXCDATA] 2.2.4 (first field of ProviderData). */
enum rop_eid_type {
	EITLT_PRIVATE_FOLDER = 0x0001,
	EITLT_PUBLIC_FOLDER = 0x0003,
	EITLT_WACKY_FOLDER = 0x0005,
	EITLT_PRIVATE_MESSAGE = 0x0007,
	EITLT_PUBLIC_MESSAGE = 0x0009,
	EITLT_WACKY_MESSAGE = 0x000B,
	EITLT_PUBLIC_NEWSGROUP_FOLDER = 0x000C,
};

/* Folder EntryID, [MS-OXCDATA] 2.2.4.1: 46 bytes. */
struct rop_folder_entryid {
	uint32_t flags;
	struct mapi_guid provider_uid; /* the mailbox GUID, or the public store's */
	uint16_t type;                 /* enum rop_eid_type */
	struct mapi_guid database_guid;
	uint64_t globcnt; /* 48 bits */
};
enum rop_err rop_pull_folder_entryid(struct rop_pull *p, struct rop_folder_entryid *e_r);
enum rop_err rop_push_folder_entryid(struct rop_push *p, const struct rop_folder_entryid *e);

/* Message EntryID, [MS-OXCDATA] 2.2.4.2: 70 bytes. */
struct rop_message_entryid {
	uint32_t flags;
	struct mapi_guid provider_uid;
	uint16_t type;
	struct mapi_guid folder_database_guid;
	uint64_t folder_globcnt;
	struct mapi_guid message_database_guid;
	uint64_t message_globcnt;
};
enum rop_err rop_pull_message_entryid(struct rop_pull *p, struct rop_message_entryid *e_r);
enum rop_err rop_push_message_entryid(struct rop_push *p, const struct rop_message_entryid *e);

/* Store Object EntryID, [MS-OXCDATA] 2.2.4.3: a wrapped store entry ID
 * (ProviderUID MUIDStoreWrap, DLLFileName "emsmdb.dll") around the EMSMDB
 * provider's (WrappedProviderUID private or public, WrappedType). */
#define ROP_STORE_WRAPPED_PRIVATE 0x0000000C
#define ROP_STORE_WRAPPED_PUBLIC  0x00000006
struct rop_store_entryid {
	uint32_t flags;
	uint8_t version;
	uint8_t flag;
	uint8_t dll_name[14]; /* "emsmdb.dll" NUL-padded */
	uint32_t wrapped_flags;
	struct mapi_guid wrapped_provider_uid;
	uint32_t wrapped_type;
	char *server_shortname;
	char *mailbox_dn;         /* NULL when absent (public store) */
	struct mapi_binary extra; /* bytes after MailboxDN, kept as they are */
};
/* Consumes the whole rest of the input (the entry ID ends the binary). */
enum rop_err rop_pull_store_entryid(struct rop_pull *p, struct rop_store_entryid *e_r);
enum rop_err rop_push_store_entryid(struct rop_push *p, const struct rop_store_entryid *e);
/* Fills a Store Object EntryID for the private (mailbox_dn != NULL) or
 * public store of server; strings are referenced, not copied. */
void rop_store_entryid_init(struct rop_store_entryid *e, const char *server,
                            const char *mailbox_dn);

/* Address Book EntryID, [MS-OXCDATA] 2.2.5.2, and the PermanentEntryID of
 * [MS-OXNSPI] 2.2.9.3 (same layout: flags are IDType and R1..R3). */
struct rop_ab_entryid {
	uint32_t flags;
	struct mapi_guid provider_uid; /* rop_uid_address_book */
	uint32_t version;              /* 1 */
	uint32_t type;                 /* display type */
	char *dn;                      /* X500 DN */
};
enum rop_err rop_pull_ab_entryid(struct rop_pull *p, struct rop_ab_entryid *e_r);
enum rop_err rop_push_ab_entryid(struct rop_push *p, const struct rop_ab_entryid *e);

/* EphemeralEntryID, [MS-OXNSPI] 2.2.9.2: 32 bytes. */
#define ROP_NSPI_EPHEMERAL_ID 0x87
struct rop_ab_ephemeral_entryid {
	uint8_t id_type; /* 0x87 */
	uint8_t r[3];
	struct mapi_guid provider_uid; /* the NSPI server's GUID */
	uint32_t r4;                   /* 1 */
	uint32_t display_type;
	uint32_t mid;
};
enum rop_err rop_pull_ab_ephemeral_entryid(struct rop_pull *p,
                                           struct rop_ab_ephemeral_entryid *e_r);
enum rop_err rop_push_ab_ephemeral_entryid(struct rop_push *p,
                                           const struct rop_ab_ephemeral_entryid *e);

/* One-Off EntryID, [MS-OXCDATA] 2.2.5.1.  The strings are UTF-16LE when
 * the U bit (ROP_ONEOFF_UNICODE) of oneoff_flags is set, else 8-bit. */
#define ROP_ONEOFF_UNICODE      0x8000
#define ROP_ONEOFF_NO_RICH_INFO 0x0001
struct rop_oneoff_entryid {
	uint32_t flags;
	uint16_t version; /* 0 */
	uint16_t oneoff_flags;
	char *display_name;
	char *address_type;
	char *email_address;
};
enum rop_err rop_pull_oneoff_entryid(struct rop_pull *p, struct rop_oneoff_entryid *e_r);
enum rop_err rop_push_oneoff_entryid(struct rop_push *p, const struct rop_oneoff_entryid *e);

#endif
