/*
 * store: the LMDB mailbox store.  Everything a mailbox is (folders, messages,
 * recipients, attachments, named properties, change tracking) behind this
 * API.  It knows nothing of HTTP or ROP bytes; values are the shared structs
 * of mapi/mapi_types.h and are serialised in the store's own format.
 *
 * Environment layout (decision; see also store/DESIGN.md)
 *
 *   <data-dir>/mailboxes/<mailbox-guid>/data.mdb    one LMDB env per mailbox
 *
 * - LMDB allows one writer per environment.  A shared env would make a long
 *   import into one mailbox stall delivery to every other mailbox; with one
 *   env per mailbox writers only ever queue behind writers of the same
 *   mailbox.
 * - The mailbox is the unit of placement across servers: everything about it
 *   (identity, counters, named-property map, quota, data) lives under one
 *   directory named by its mailbox GUID, so moving, backing up or deleting a
 *   mailbox is a directory operation (store_mailbox_backup makes the hot copy).
 * - Each open env costs two file descriptors and mapsize bytes of address
 *   space, so the store keeps an LRU of open envs (store_settings.max_open);
 *   an env is closed only when no open mailbox handle refers to it.
 * - Creation is atomic across processes: the env is built in
 *   <guid>.tmp-<pid>-<n> and renamed into place, so the daemon never sees a
 *   half-made mailbox while mapiadmin creates one.
 * - No in-process cache holds mailbox state that another process can change:
 *   every call reads through a fresh LMDB transaction (readers never block).
 *
 * Identity ([MS-OXCDATA] 2.2.1): each mailbox has one replica (REPLID 1) with
 * a random replica GUID; folder IDs, message IDs and change numbers are
 * REPLID + 48-bit GLOBCNT, allocated from one per-mailbox counter inside the
 * write transaction that uses them.  IDs are held as MAPI_ID_MAKE values.
 *
 * Thread safety: a struct store and its mailboxes may be used from several
 * threads at once.  A struct store_message or struct store_table is used by
 * one thread at a time (the session owning it).
 *
 * Return values: functions return int, 0 (or a count) on success and a
 * negative enum store_error on failure, unless documented otherwise.
 * Lookups return 1 found, 0 not found, negative on error.
 */
#ifndef STORE_H
#define STORE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <talloc.h>

#include "mapi_types.h"

/* Errors.  The comment names the MAPI error the EMSMDB layer maps each to;
 * the store itself never speaks MAPI error codes. */
enum store_error {
	STORE_OK = 0,
	STORE_E_NOTFOUND = -1,      /* ecNotFound (0x8004010F) */
	STORE_E_EXISTS = -2,        /* ecDuplicateName (0x80040604) */
	STORE_E_INVALID = -3,       /* ecInvalidParam (0x80070057) */
	STORE_E_BADTYPE = -4,       /* ecInvalidType (0x80040302) */
	STORE_E_QUOTA = -5,         /* ecQuotaExceeded (0x000004D9) */
	STORE_E_SHUTOFF = -6,       /* ecShutoffQuotaExceeded (0x0000048F) */
	STORE_E_TOOBIG = -7,        /* ecMaxSubmissionExceeded (0x000004DD) */
	STORE_E_IO = -8,            /* ecDiskError (0x80040116) */
	STORE_E_CORRUPT = -9,       /* ecCorruptData (0x8004011B) */
	STORE_E_NOMEM = -10,        /* ecMAPIOOM (0x8007000E) */
	STORE_E_FULL = -11,         /* ecDiskFull (0x00000460): env map full */
	STORE_E_HASCHILDREN = -12,  /* ecFolderHasChildren / ecNotDeleted */
	STORE_E_CYCLE = -13,        /* ecFolderCycle (0x8004060B) */
	STORE_E_NOTSUPPORTED = -14, /* ecNotSupported (0x80040102) */
	STORE_E_DELETED = -15,      /* ecObjectDeleted (0x80040108) */
	STORE_E_RANGE = -16,        /* ecOutOfRange: ID space or named IDs used up */
	STORE_E_BUSY = -17,         /* ecServerBusy (0x80040114): too many open envs */
	STORE_E_ACCESS = -18,       /* ecAccessDenied (0x80070005): read-only object */
	STORE_E_MODIFIED = -19,     /* ecObjectModified (0x80040109): save conflict */
	STORE_E_NOTSEARCH = -20,    /* ecNotSearchFolder (0x00000461) */
	STORE_E_NOTINIT = -21,      /* ecNotInitialized (0x80040605): no search criteria yet */
};

/* Returns a static English description of a store_error. */
const char *store_strerror(int err);

/* ---- The store and its mailboxes ----------------------------------- */

struct store;
struct store_mailbox;

struct store_settings {
	unsigned int max_open; /* LRU size of open envs; 0 = 64 */
	uint64_t mapsize;      /* per-mailbox map size in bytes; 0 = 32 GiB */
	bool nosync;           /* MDB_NOSYNC: for tests and benchmarks only */
	bool compress_chunks;  /* mailboxes created now store large values
	                          LZ4-compressed per chunk (store/DESIGN.md) */
};

/* Opens the store rooted at data_dir (created if missing, with
 * data_dir/mailboxes/).  *store_r is a talloc child of mem_ctx; free it with
 * store_close(). */
int store_open(TALLOC_CTX *mem_ctx, const char *data_dir, const struct store_settings *settings,
               struct store **store_r, const char **error_r);
/* Closes every env and frees the store; all mailboxes must be closed. */
void store_close(struct store **store);

/* Mailbox creation parameters. */
struct store_mailbox_params {
	struct mapi_guid mailbox_guid;
	const char *owner_name;     /* owner display name, UTF-8 */
	const char *owner_dn;       /* owner's LegacyDN ([MS-OXCSTOR] 2.2.1.1.1), may be NULL */
	uint64_t quota_bytes;       /* 0 = unlimited: ecQuotaExceeded above */
	uint64_t shutoff_bytes;     /* 0 = unlimited: ecShutoffQuotaExceeded above */
	uint64_t max_message_bytes; /* 0 = unlimited: ecMaxSubmissionExceeded */
};

/* Creates the mailbox with its full special-folder set, receive-folder table
 * and entry-ID properties ([MS-OXOSFLD] 2.2, OUTLOOK-LADDER stage 5).
 * Atomic: on any failure nothing is left behind.  STORE_E_EXISTS when the
 * GUID is taken.  Safe while another process has the store open. */
int store_mailbox_create(struct store *store, const struct store_mailbox_params *params,
                         const char **error_r);

/* Opens a mailbox.  *mbox_r is a talloc child of mem_ctx; freeing it (or
 * store_mailbox_close) releases the env reference.  STORE_E_NOTFOUND when
 * no such mailbox exists. */
int store_mailbox_open(TALLOC_CTX *mem_ctx, struct store *store, const struct mapi_guid *guid,
                       struct store_mailbox **mbox_r, const char **error_r);
void store_mailbox_close(struct store_mailbox **mbox);

/* Special folders, in RopLogon's order ([MS-OXCSTOR] 2.2.1.1.3) and then the
 * IPM folders. */
enum store_special {
	STORE_FOLDER_ROOT = 0,
	STORE_FOLDER_DEFERRED_ACTION,
	STORE_FOLDER_SPOOLER_QUEUE,
	STORE_FOLDER_IPM_SUBTREE,
	STORE_FOLDER_INBOX,
	STORE_FOLDER_OUTBOX,
	STORE_FOLDER_SENT_ITEMS,
	STORE_FOLDER_DELETED_ITEMS,
	STORE_FOLDER_COMMON_VIEWS,
	STORE_FOLDER_SCHEDULE,
	STORE_FOLDER_FINDER,
	STORE_FOLDER_VIEWS,
	STORE_FOLDER_SHORTCUTS,
	STORE_FOLDER_FREEBUSY,
	STORE_FOLDER_DRAFTS,
	STORE_FOLDER_JUNK,
	STORE_FOLDER_CONTACTS,
	STORE_FOLDER_CALENDAR,
	STORE_FOLDER_JOURNAL,
	STORE_FOLDER_NOTES,
	STORE_FOLDER_TASKS,
	STORE_FOLDER_CONVERSATION_ACTIONS,
	STORE_FOLDER_SYNC_ISSUES,
	STORE_FOLDER_CONFLICTS,
	STORE_FOLDER_LOCAL_FAILURES,
	STORE_FOLDER_SERVER_FAILURES,
	STORE_FOLDER_COUNT_
};

/* Identity of an open mailbox. */
struct store_mailbox_ident {
	struct mapi_guid mailbox_guid;
	struct mapi_guid replica_guid;
	uint16_t replid;
	uint64_t created; /* FILETIME */
};
void store_mailbox_ident(const struct store_mailbox *mbox, struct store_mailbox_ident *ident_r);

/* The folder ID of a special folder. */
uint64_t store_special_fid(const struct store_mailbox *mbox, enum store_special which);

/* mapiadmin mailbox info: counts and sizes of the whole mailbox. */
struct store_mailbox_info {
	struct store_mailbox_ident ident;
	char *owner_name;
	char *owner_dn;        /* NULL when not recorded */
	uint64_t disconnected; /* FILETIME the owner was removed, 0 = connected */
	uint64_t folders, messages, fai_messages;
	uint64_t message_bytes; /* sum of PidTagMessageSize */
	uint64_t disk_bytes;    /* bytes used in the env file */
	uint64_t quota_bytes, shutoff_bytes, max_message_bytes;
	uint64_t next_globcnt;
};
int store_mailbox_info(TALLOC_CTX *mem_ctx, struct store_mailbox *mbox,
                       struct store_mailbox_info **info_r);

/* mapiadmin mailbox check: verifies the folder tree, indexes and counts.
 * Returns the number of problems found (0 = consistent) or a negative
 * store_error; each problem is described in *report_r (a talloc string on
 * mem_ctx, "" when clean). */
int store_mailbox_check(TALLOC_CTX *mem_ctx, struct store_mailbox *mbox, char **report_r);

/* mapiadmin mailbox backup: writes a consistent, compacted hot copy of the
 * mailbox env to dest_dir/data.mdb (mode 0600; dest_dir must exist and
 * hold no data.mdb: STORE_E_EXISTS).  Writers are not blocked while the
 * copy runs, in this process or another. */
int store_mailbox_backup(struct store_mailbox *mbox, const char *dest_dir, const char **error_r);

/* The GUIDs of every mailbox in the store (any order); *guids_r is a
 * talloc array on mem_ctx. */
int store_mailbox_list(TALLOC_CTX *mem_ctx, struct store *store, struct mapi_guid **guids_r,
                       uint32_t *count_r);
/* Marks the mailbox disconnected at FILETIME when (0 reconnects).  Used when
 * the owner leaves the directory: like Exchange's Remove-Mailbox /
 * Disable-Mailbox, the mailbox is kept (for the retention period, 30 days
 * by default there) rather than destroyed; see store_admin.c. */
int store_mailbox_set_disconnected(struct store_mailbox *mbox, uint64_t when);
/* Destroys a mailbox for good.  STORE_E_BUSY when this process has it open,
 * STORE_E_NOTFOUND when there is none.  Another process holding it open
 * keeps reading its (unlinked) files until it closes them. */
int store_mailbox_purge(struct store *store, const struct mapi_guid *guid, const char **error_r);

/* Sets the quota limits (0 = unlimited). */
int store_mailbox_set_quota(struct store_mailbox *mbox, uint64_t quota_bytes,
                            uint64_t shutoff_bytes, uint64_t max_message_bytes);

/* Reserves count GLOBCNT values ([MS-OXCROPS] RopGetLocalReplicaIds) and
 * returns the first. */
int store_reserve_globcnt(struct store_mailbox *mbox, uint32_t count, uint64_t *first_r);

/* ---- Identity helpers ([MS-OXCDATA] 2.2) ----------------------------- */

/* Folder EntryID, [MS-OXCDATA] 2.2.4.1 (46 bytes). */
int store_folder_entryid(TALLOC_CTX *mem_ctx, const struct store_mailbox *mbox, uint64_t fid,
                         struct mapi_binary *eid_r);
/* Message EntryID, [MS-OXCDATA] 2.2.4.2 (70 bytes). */
int store_message_entryid(TALLOC_CTX *mem_ctx, const struct store_mailbox *mbox, uint64_t fid,
                          uint64_t mid, struct mapi_binary *eid_r);
/* Parses a folder or message entry ID of this mailbox.  Returns 1 and the
 * IDs (mid 0 for folders), 0 when it names another store, <0 malformed. */
int store_entryid_parse(const struct store_mailbox *mbox, const struct mapi_binary *eid,
                        uint64_t *fid_r, uint64_t *mid_r);
/* Store object EntryID, [MS-OXCDATA] 2.2.4.3; the server name and mailbox
 * DN belong to the EMSMDB layer. */
int store_store_entryid(TALLOC_CTX *mem_ctx, const char *server_shortname, const char *mailbox_dn,
                        struct mapi_binary *eid_r);
/* LongTermID <-> ID ([MS-OXCDATA] 2.2.1.3.1).  A long-term ID with an unknown
 * replica GUID gives STORE_E_NOTFOUND. */
void store_id_to_long_term(const struct store_mailbox *mbox, uint64_t id,
                           struct mapi_long_term_id *ltid_r);
int store_long_term_to_id(const struct store_mailbox *mbox, const struct mapi_long_term_id *ltid,
                          uint64_t *id_r);

/* ---- Folders ---------------------------------------------------------- */

enum store_folder_type {
	STORE_FOLDER_GENERIC = 1, /* [MS-OXCFOLD] 2.2.1.2 FolderType */
	STORE_FOLDER_SEARCH = 2,
};

/* Creates a folder under parent_fid with display name name and container
 * class cls (may be NULL).  STORE_E_EXISTS when parent already has a child
 * of that name (case-insensitive, [MS-OXCFOLD] 3.2.5.2). */
int store_folder_create(struct store_mailbox *mbox, uint64_t parent_fid, const char *name,
                        const char *cls, enum store_folder_type type, uint64_t *fid_r);
/* Finds a child folder by display name: 1 found, 0 not. */
int store_folder_find(struct store_mailbox *mbox, uint64_t parent_fid, const char *name,
                      uint64_t *fid_r);

/* Reads properties.  For each requested tag, *vals_r holds either the value
 * or a PT_ERROR value with err 0x8004010F (MAPI_E_NOT_FOUND) in the same
 * position.  Computed properties (IDs, counts, source keys, entry IDs ...)
 * are included.  With tags == NULL, every stored property plus the common
 * computed ones are returned. */
int store_folder_get_props(TALLOC_CTX *mem_ctx, struct store_mailbox *mbox, uint64_t fid,
                           const struct mapi_proptag_array *tags,
                           struct mapi_propval_array *vals_r);
/* Sets properties; computed/read-only ones give STORE_E_ACCESS.  Each change
 * gets a new change number. */
int store_folder_set_props(struct store_mailbox *mbox, uint64_t fid,
                           const struct mapi_propval_array *vals);
int store_folder_delete_props(struct store_mailbox *mbox, uint64_t fid,
                              const struct mapi_proptag_array *tags);

/* Lists child folder IDs (not recursive). *fids_r is a talloc array. */
int store_folder_children(TALLOC_CTX *mem_ctx, struct store_mailbox *mbox, uint64_t fid,
                          uint64_t **fids_r, uint32_t *count_r);

/* Moves fid (and its subtree) under new_parent, renaming it when new_name
 * is not NULL.  STORE_E_CYCLE when new_parent is inside fid's subtree. */
int store_folder_move(struct store_mailbox *mbox, uint64_t fid, uint64_t new_parent,
                      const char *new_name);
/* Copies fid under new_parent with new IDs; deep copies subfolders too when
 * recursive. */
int store_folder_copy(struct store_mailbox *mbox, uint64_t fid, uint64_t new_parent,
                      const char *new_name, bool recursive, uint64_t *new_fid_r);

#define STORE_DEL_HARD       0x01 /* remove for good (no recoverable items) */
#define STORE_DEL_MESSAGES   0x02 /* also delete contained messages */
#define STORE_DEL_FOLDERS    0x04 /* also delete subfolders */
#define STORE_DEL_ASSOCIATED 0x08 /* empty: include FAI messages */
/* Deletes a folder ([MS-OXCFOLD] 2.2.1.3).  Without STORE_DEL_MESSAGES /
 * STORE_DEL_FOLDERS a folder with contents gives STORE_E_HASCHILDREN.
 * Special folders give STORE_E_ACCESS. */
int store_folder_delete(struct store_mailbox *mbox, uint64_t fid, unsigned int flags);
/* Empties a folder: messages (FAI too with STORE_DEL_ASSOCIATED) and
 * subfolders ([MS-OXCFOLD] 2.2.1.9). */
int store_folder_empty(struct store_mailbox *mbox, uint64_t fid, unsigned int flags);

/* ---- Search folders ([MS-OXCFOLD] 2.2.1.4, 2.2.1.5, 3.2.5.4) --------- */

/* RopSetSearchCriteria SearchFlags ([MS-OXCFOLD] 2.2.1.4.1). */
#define STORE_SEARCH_STOP                0x00000001
#define STORE_SEARCH_RESTART             0x00000002
#define STORE_SEARCH_RECURSE             0x00000004
#define STORE_SEARCH_SHALLOW             0x00000008
#define STORE_SEARCH_CONTENT_INDEXED     0x00010000 /* accepted; the store has no index */
#define STORE_SEARCH_NON_CONTENT_INDEXED 0x00020000
#define STORE_SEARCH_STATIC_SET          0x00040000
#define STORE_SEARCH_SET_FLAGS           0x0007000F
/* RopGetSearchCriteria SearchFlags ([MS-OXCFOLD] 2.2.1.5.2). */
#define STORE_SEARCH_RUNNING   0x00000001
#define STORE_SEARCH_REBUILD   0x00000002
#define STORE_SEARCH_RECURSIVE 0x00000004
#define STORE_SEARCH_COMPLETE  0x00001000
#define STORE_SEARCH_STATIC    0x00010000

/* Sets the criteria of search folder fid (created with STORE_FOLDER_SEARCH)
 * and fills it: res (NULL = keep the previous one) over the folders scope
 * (scope_count 0 = keep the previous ones), flags as above.  The first call
 * needs both (STORE_E_INVALID otherwise).  Population is done before this
 * returns.  A running, non-static search is kept current in the same
 * transaction as every later message change, and each row it gains, loses
 * or changes publishes a created / deleted / modified event with fid = the
 * search folder.  STORE_SEARCH_STOP freezes the links; STORE_SEARCH_RESTART
 * re-runs.  Errors: STORE_E_NOTSEARCH for a generic folder,
 * STORE_E_NOTFOUND for a missing folder or scope folder, STORE_E_INVALID
 * for a search folder in the scope, conflicting flags or a bad
 * restriction. */
int store_search_set_criteria(struct store_mailbox *mbox, uint64_t fid,
                              const struct mapi_restriction *res, const uint64_t *scope,
                              uint32_t scope_count, uint32_t flags);
/* Gets the criteria and state (STORE_SEARCH_RUNNING ...); res_r and scope_r
 * may be NULL.  STORE_E_NOTINIT when none were ever set. */
int store_search_get_criteria(TALLOC_CTX *mem_ctx, struct store_mailbox *mbox, uint64_t fid,
                              struct mapi_restriction **res_r, uint64_t **scope_r,
                              uint32_t *scope_count_r, uint32_t *state_r);
/* The contents table of a search folder lists the linked messages (each
 * row's PidTagParentFolderId is its real folder); normal messages cannot be
 * created in a search folder (STORE_E_NOTSUPPORTED), FAI messages can. */

/* ---- Messages --------------------------------------------------------- */

struct store_message;

/* Starts a new message in fid (FAI when associated).  Nothing is stored
 * until store_message_save(); the message gets its ID on first save. */
int store_message_create(TALLOC_CTX *mem_ctx, struct store_mailbox *mbox, uint64_t fid,
                         bool associated, struct store_message **msg_r);
/* Opens a saved message.  The instance sees the message as it was when
 * opened plus its own unsaved changes ([MS-OXCMSG] 3.2.5.3). */
int store_message_open(TALLOC_CTX *mem_ctx, struct store_mailbox *mbox, uint64_t fid, uint64_t mid,
                       struct store_message **msg_r);
/* IDs of the message; mid is 0 before the first save. */
uint64_t store_message_mid(const struct store_message *msg);
uint64_t store_message_fid(const struct store_message *msg);

/* Property access on the instance; same conventions as the folder calls.
 * Setting a value of a type that does not match its tag's type (other than
 * PT_UNSPECIFIED) gives STORE_E_BADTYPE. */
int store_message_get_props(TALLOC_CTX *mem_ctx, struct store_message *msg,
                            const struct mapi_proptag_array *tags,
                            struct mapi_propval_array *vals_r);
int store_message_set_props(struct store_message *msg, const struct mapi_propval_array *vals);
int store_message_delete_props(struct store_message *msg, const struct mapi_proptag_array *tags);

/* Recipients ([MS-OXCMSG] 2.2.1.4): rows of properties with a row ID.
 * modify_recipients replaces the rows with the given row IDs (a row with no
 * properties removes that row).  Takes effect on save. */
int store_message_modify_recipients(struct store_message *msg, uint32_t count,
                                    const uint32_t *row_ids, const struct mapi_propval_array *rows);
int store_message_get_recipients(TALLOC_CTX *mem_ctx, struct store_message *msg, uint32_t *count_r,
                                 uint32_t **row_ids_r, struct mapi_propval_array **rows_r);

/* Attachments ([MS-OXCMSG] 2.2.2): by value, OLE and embedded messages are
 * all property bags with an attach number.  create gives the next number.
 * Changes take effect when the message is saved. */
int store_message_attach_create(struct store_message *msg, uint32_t *attach_num_r);
int store_message_attach_set_props(struct store_message *msg, uint32_t attach_num,
                                   const struct mapi_propval_array *vals);
int store_message_attach_get_props(TALLOC_CTX *mem_ctx, struct store_message *msg,
                                   uint32_t attach_num, const struct mapi_proptag_array *tags,
                                   struct mapi_propval_array *vals_r);
int store_message_attach_delete(struct store_message *msg, uint32_t attach_num);
/* RopOpenEmbeddedMessage ([MS-OXCMSG] 2.2.3.16): opens the message
 * embedded in attachment attach_num of msg, creating an empty one when
 * there is none and create is set (STORE_E_NOTFOUND otherwise).  The
 * instance takes the property, recipient and attachment calls of any
 * message (attachments may embed messages again); store_message_save()
 * writes it into the parent instance's attachment (setting
 * PidTagAttachMethod to afEmbeddedMessage when unset), and the parent's save
 * makes it durable.  Its values stay in memory: a write stream on it
 * collects the value and sets it on commit; read streams open saved
 * messages only.  Saving after the parent instance was closed or the
 * attachment deleted gives STORE_E_DELETED; under a read-only parent it is
 * read-only (STORE_E_ACCESS). */
int store_message_open_embedded(TALLOC_CTX *mem_ctx, struct store_message *msg, uint32_t attach_num,
                                bool create, struct store_message **embedded_r);
/* Attach numbers in order; *nums_r a talloc array. */
int store_message_attach_list(TALLOC_CTX *mem_ctx, struct store_message *msg, uint32_t **nums_r,
                              uint32_t *count_r);

/* Saves the instance in one transaction: allocates the MID (first save),
 * a new change number, PidTagChangeKey / PidTagPredecessorChangeList /
 * PidTagLastModificationTime, updates folder counts and indexes, checks
 * quota (STORE_E_QUOTA, STORE_E_SHUTOFF, STORE_E_TOOBIG), and publishes
 * a created or modified event.  When keep_open is false the instance can
 * no longer be saved. */
int store_message_save(struct store_message *msg, bool keep_open);
/* Saves several instances of one mailbox in one transaction (bulk import
 * and batched delivery); all or none are saved.  Instances stay open. */
int store_messages_save(struct store_message **msgs, uint32_t count);
/* Frees the instance, discarding unsaved changes. */
void store_message_close(struct store_message **msg);

/* Sets or clears the read flag (MSGFLAG_READ) of saved messages, each with
 * a new read change number (PidTagReadCn, [MS-OXCFXICS] 2.2.1.1.8). */
int store_messages_set_read(struct store_mailbox *mbox, uint64_t fid, const uint64_t *mids,
                            uint32_t count, bool read);
/* Deletes messages from fid; soft unless STORE_DEL_HARD.  Missing messages
 * are skipped and set *partial_r (may be NULL); only deleted ones publish
 * an event.  Deleting through a search folder deletes the linked messages
 * from their own folders. */
int store_messages_delete(struct store_mailbox *mbox, uint64_t fid, const uint64_t *mids,
                          uint32_t count, unsigned int flags, bool *partial_r);
/* Moves or copies messages to dst_fid; new_mids_r (may be NULL) receives
 * the new IDs in order (0 for missing ones). */
int store_messages_move(struct store_mailbox *mbox, uint64_t src_fid, uint64_t dst_fid,
                        const uint64_t *mids, uint32_t count, uint64_t *new_mids_r);
int store_messages_copy(struct store_mailbox *mbox, uint64_t src_fid, uint64_t dst_fid,
                        const uint64_t *mids, uint32_t count, uint64_t *new_mids_r);

/* ---- Streams: large property values read without loading them whole -- */

struct store_stream;
/* Opens a read stream on a saved property of a saved message (binary or
 * string; the bytes are the stored UTF-8 / raw bytes). */
int store_stream_open_read(TALLOC_CTX *mem_ctx, struct store_mailbox *mbox, uint64_t mid,
                           uint32_t proptag, struct store_stream **stream_r);
/* Reads up to len bytes; returns the count (0 at end) or <0. */
int64_t store_stream_read(struct store_stream *stream, void *buf, size_t len);
uint64_t store_stream_size(const struct store_stream *stream);
int store_stream_seek(struct store_stream *stream, uint64_t offset);
void store_stream_close(struct store_stream **stream);

/* Write stream on a message instance: the value is written to the store in
 * chunks as it arrives and replaces the property when the message is saved
 * (invisible before, discarded when the instance is closed unsaved). */
int store_stream_open_write(TALLOC_CTX *mem_ctx, struct store_message *msg, uint32_t proptag,
                            struct store_stream **stream_r);
int store_stream_write(struct store_stream *stream, const void *buf, size_t len);
/* Ends a write stream and attaches the value to the instance. */
int store_stream_commit(struct store_stream *stream);

/* ---- Named properties ([MS-OXCPRPT] 3.1.4.4) ------------------------- */

/* Maps names to property IDs, creating IDs from 0x8000 up when create is
 * set.  ids_r[i] is 0 for a name that does not exist (create unset).
 * Returns 0, or STORE_E_RANGE when 0xFFFE is reached. */
int store_named_to_ids(struct store_mailbox *mbox, uint32_t count,
                       const struct mapi_property_name *names, bool create, uint16_t *ids_r);
/* Reverse mapping: names_r[i].kind is MNID_NONE for an unknown ID. */
int store_named_from_ids(TALLOC_CTX *mem_ctx, struct store_mailbox *mbox, uint32_t count,
                         const uint16_t *ids, struct mapi_property_name **names_r);

/* ---- Receive folders ([MS-OXCSTOR] 2.2.1.2) ------------------------- */

/* The folder for a message class: longest matching prefix, "" as fallback
 * ([MS-OXCSTOR] 3.2.5.2).  *explicit_class_r (may be NULL) is the matched
 * class, a talloc child of mem_ctx. */
int store_receive_folder_get(TALLOC_CTX *mem_ctx, struct store_mailbox *mbox, const char *cls,
                             uint64_t *fid_r, char **explicit_class_r);
int store_receive_folder_set(struct store_mailbox *mbox, const char *cls, uint64_t fid);

/* ---- Tables ([MS-OXCTABL]) ------------------------------------------- */

enum store_table_kind {
	STORE_TABLE_HIERARCHY = 1,
	STORE_TABLE_CONTENTS = 2,
	STORE_TABLE_FAI = 3, /* associated contents */
};
#define STORE_TABLE_DEPTH       0x04 /* hierarchy: whole subtree, PidTagDepth */
#define STORE_TABLE_SOFTDELETED 0x20 /* contents: soft-deleted messages */

struct store_table;

/* Opens a table on folder fid.  Rows are read when first queried and the
 * table keeps the row set it read (stable while the folder changes) until
 * the sort or restriction changes or store_table_refresh() is called. */
int store_table_open(TALLOC_CTX *mem_ctx, struct store_mailbox *mbox, uint64_t fid,
                     enum store_table_kind kind, unsigned int flags, struct store_table **table_r);
/* Columns returned by query_rows; the default set is the row's ID. */
int store_table_set_columns(struct store_table *table, const struct mapi_proptag_array *cols);
/* Multi-key sort ([MS-OXCDATA] 2.13).  With categorized_count > 0 a
 * contents table is a categorised view ([MS-OXCTABL] 2.2.2.14.1): the first
 * categorized_count sort columns are category levels, each distinct value
 * gets a header row before its rows, and the outer expanded_count levels
 * start expanded (deeper ones collapsed).  Header rows answer PidTagInstID
 * (a category ID, REPLID 0), PidTagInstanceNum 0, PidTagRowType
 * (3 expanded / 4 collapsed), PidTagDepth (level), PidTagContentCount and
 * PidTagContentUnreadCount (messages below) and the category columns of
 * their level and above; other columns are PT_ERROR MAPI_E_NOT_FOUND.  Leaf
 * rows of any contents table answer PidTagInstID (the MID),
 * PidTagInstanceNum 0, PidTagRowType 1; in a categorised view PidTagDepth
 * is categorized_count.  STORE_E_NOTSUPPORTED: categories of a hierarchy
 * table, TABLE_SORT_MAXIMUM/MINIMUM_CATEGORY, multi-valued instance
 * category columns.  STORE_E_INVALID: counts out of range. */
int store_table_sort(struct store_table *table, const struct mapi_sort_order_set *sort);
/* RopExpandRow / RopCollapseRow ([MS-OXCTABL] 2.2.2.17, 2.2.2.18): shows or
 * hides the rows below the category; *rows_r is how many rows appeared or
 * disappeared (0 when it already was in that state).  The cursor stays on
 * its row, or moves to the row after the category when that row was
 * hidden.  STORE_E_NOTFOUND for an unknown category ID. */
int store_table_expand(struct store_table *table, uint64_t category_id, bool expand,
                       uint32_t *rows_r);
/* RopGetCollapseState / RopSetCollapseState ([MS-OXCTABL] 2.2.2.19,
 * 2.2.2.20): an opaque blob (on mem_ctx) of every category's expanded state
 * and the anchor row_id; set applies it to categories with the same values
 * (also in another table of the same view) and returns a bookmark on the
 * anchor row.  A malformed blob gives STORE_E_INVALID. */
int store_table_get_collapse_state(TALLOC_CTX *mem_ctx, struct store_table *table, uint64_t row_id,
                                   struct mapi_binary *state_r);
int store_table_set_collapse_state(struct store_table *table, const struct mapi_binary *state,
                                   uint32_t *bookmark_r);
/* Restriction ([MS-OXCDATA] 2.12); NULL clears it.  The table keeps a copy. */
int store_table_restrict(struct store_table *table, const struct mapi_restriction *res);
/* Re-reads the row set at the next query (position kept when possible). */
void store_table_refresh(struct store_table *table);

/* Reads up to count rows from the cursor, forward or backward, moving the
 * cursor.  *rows_r is a talloc array (on mem_ctx) of *count_r rows. */
int store_table_query_rows(TALLOC_CTX *mem_ctx, struct store_table *table, uint32_t count,
                           bool forward, struct mapi_propval_array **rows_r, uint32_t *count_r);

enum store_bookmark {
	STORE_BOOKMARK_BEGINNING = 0, /* [MS-OXCTABL] 2.2.2.16.1 */
	STORE_BOOKMARK_CURRENT = 1,
	STORE_BOOKMARK_END = 2,
};
/* Moves the cursor by delta rows from origin (clamped); *moved_r (may be
 * NULL) is the signed distance actually moved. */
int store_table_seek(struct store_table *table, enum store_bookmark origin, int32_t delta,
                     int32_t *moved_r);
int store_table_seek_fraction(struct store_table *table, uint32_t numerator, uint32_t denominator);
/* Current position and total row count. */
int store_table_position(struct store_table *table, uint32_t *position_r, uint32_t *total_r);
/* Bookmarks: an opaque 32-bit handle for the current row's identity. */
int store_table_bookmark_create(struct store_table *table, uint32_t *bookmark_r);
/* STORE_E_NOTFOUND when the bookmark is unknown; when its row is gone the
 * cursor goes to the next row and *row_gone_r is set. */
int store_table_bookmark_seek(struct store_table *table, uint32_t bookmark, int32_t delta,
                              bool *row_gone_r);
int store_table_bookmark_free(struct store_table *table, uint32_t bookmark);
/* Finds the next row (from the cursor, in the given direction) matching
 * res and moves the cursor there: 1 found, 0 not found. */
int store_table_find_row(struct store_table *table, const struct mapi_restriction *res,
                         bool forward);
/* Table notifications ([MS-OXCNOTIF] 2.2.1.4.1.2 TableEventType). */
enum store_table_event_type {
	STORE_TABLE_CHANGED = 0x0001, /* re-read the whole view */
	STORE_TABLE_ROW_ADDED = 0x0003,
	STORE_TABLE_ROW_DELETED = 0x0004,
	STORE_TABLE_ROW_MODIFIED = 0x0005,
};
struct store_table_event {
	enum store_table_event_type type;
	uint64_t row_id;               /* PidTagInstID of the row (MID / FID) */
	uint64_t prev_row_id;          /* added / modified: the row now before it, 0 first */
	struct mapi_propval_array row; /* added / modified: the table's columns */
};
/* Called (on the thread that changed the store) when a watched table has
 * new events waiting; it must only note that and wake the reader. */
typedef void store_table_notify_cb(void *ctx);
/* Makes the table follow changes of its folder: cb(ctx) is called when the
 * first change arrives after the last store_table_events().  The watch ends
 * when the table is closed (no callback runs after store_table_close()
 * returns). */
int store_table_watch(struct store_table *table, store_table_notify_cb *cb, void *ctx);
/* On the table's own thread: applies the changes to the row set (rows are
 * inserted at their sort position, moved, or removed; the cursor stays on
 * its row) and returns one event per row that changed, *evs_r on mem_ctx.
 * Categorised views, whole-subtree hierarchy tables and folder-wide changes
 * (empty folder) are re-read instead and give one STORE_TABLE_CHANGED.
 * STORE_E_INVALID when the table is not watched. */
int store_table_events(TALLOC_CTX *mem_ctx, struct store_table *table,
                       struct store_table_event **evs_r, uint32_t *count_r);
/* ID of the row at the cursor (folder ID or message ID), 0 at the end. */
uint64_t store_table_current_id(struct store_table *table);
void store_table_close(struct store_table **table);

/* ---- Change enumeration for ICS ([MS-OXCFXICS] 3.2.5.9) --------------- */

/* A set of change numbers (or IDs) as sorted, disjoint GLOBCNT ranges of
 * one replica, inclusive.  This is the in-memory form of a CnsetSeen. */
struct store_cnset {
	uint32_t count;
	struct store_globcnt_range {
		uint64_t lo, hi;
	} * ranges;
};

struct store_changes {
	uint32_t changed_count; /* new or changed messages (or folders) */
	uint64_t *changed;      /* IDs, ordered by change number */
	uint32_t deleted_count;
	uint64_t *deleted;   /* IDs deleted (hard or soft) since */
	uint32_t read_count; /* read-state changes since cnset_read */
	uint64_t *read;
	bool *read_state; /* the current read flag of each read[] ID */
	uint64_t max_cn;  /* highest change number in the mailbox now (GLOBCNT) */
};

#define STORE_ICS_FAI       0x01 /* contents: associated messages */
#define STORE_ICS_NORMAL    0x02 /* contents: normal messages */
#define STORE_ICS_HIERARCHY 0x04 /* folders of the subtree under fid */
/* Lists what changed in fid since the given sets (cnset_read may be NULL to
 * skip read states).  Work is proportional to the changes and the number of
 * ranges in the sets, not to the folder size. */
int store_changes_since(TALLOC_CTX *mem_ctx, struct store_mailbox *mbox, uint64_t fid,
                        unsigned int flags, const struct store_cnset *cnset_seen,
                        const struct store_cnset *cnset_read, struct store_changes **changes_r);

/* ---- Notifications ---------------------------------------------------- */

enum store_event_type {
	STORE_EV_CREATED = 0x0004, /* [MS-OXCNOTIF] 2.2.1.4.1 NotificationType */
	STORE_EV_DELETED = 0x0008,
	STORE_EV_MODIFIED = 0x0010,
	STORE_EV_MOVED = 0x0020,
	STORE_EV_COPIED = 0x0040,
	STORE_EV_NEWMAIL = 0x0002,
};

struct store_event {
	enum store_event_type type;
	struct mapi_guid mailbox_guid;
	uint64_t fid, mid;         /* mid 0 for folder events */
	uint64_t old_fid, old_mid; /* moved / copied: the source object */
	/* Folder events ([MS-OXCNOTIF] 2.2.1.4.1.2 ParentFID, OldParentFID):
	 * the folder's parent, and for moved / copied the source's parent. */
	uint64_t parent_fid, old_parent_fid;
	bool associated;
	const char *message_class; /* new mail only, else NULL; valid during the callback */
};

/* Called after the change committed, on the thread that made it; must not
 * call back into the store for the same mailbox while holding locks of its
 * own that a store caller could hold. */
typedef void store_event_cb(const struct store_event *ev, void *ctx);

/* Subscribes to events of one mailbox (mailbox_guid) or of all (NULL).
 * Returns a subscription ID > 0 or a negative error. */
int store_subscribe(struct store *store, const struct mapi_guid *mailbox_guid, store_event_cb *cb,
                    void *ctx);
/* Ends a subscription.  When it returns no callback of it is running or
 * will run, so ctx may be freed; it must therefore not be called from a
 * store callback. */
void store_unsubscribe(struct store *store, int subscription);

/* ---- Receive folder table (store_receive.c, for EMSMDB) --------------- */

/* Every receive folder entry: classes (lower case, "" for the default) and
 * folder IDs, talloc arrays on mem_ctx of *count_r entries, in class order. */
int store_receive_folder_list(TALLOC_CTX *mem_ctx, struct store_mailbox *mbox, char ***classes_r,
                              uint64_t **fids_r, uint32_t *count_r);
/* Removes the entry of exactly cls; STORE_E_NOTFOUND when there is none. */
int store_receive_folder_delete(struct store_mailbox *mbox, const char *cls);

/* The tags set on attachment attach_num of the instance, PidTagAttachNumber
 * first; *tags_r's array is on mem_ctx (store_attach_tags.c). */
int store_message_attach_tags(TALLOC_CTX *mem_ctx, struct store_message *msg, uint32_t attach_num,
                              struct mapi_proptag_array *tags_r);

/* Publishes a NewMail event for message mid of fid (message_class as the
 * transport gave it, NULL: IPM.Note) to the mailbox's subscribers, for
 * RopTransportNewMail ([MS-OXOMSG] 2.2.5.5); store_newmail.c.  The caller
 * checks that the message exists. */
void store_notify_newmail(struct store_mailbox *mbox, uint64_t fid, uint64_t mid,
                          const char *message_class);

/* ---- Per-user data table ([MS-OXCSTOR] 3.2.5.10-3.2.5.13) ------------ */

/* Largest per-user value accepted: STORE_E_TOOBIG above. */
#define STORE_PERUSER_MAX (4u << 20)

/* One row: what a client wrote for a (public) folder on a private logon. */
struct store_peruser {
	struct mapi_guid replguid; /* the ReplGuid written with it ([MS-OXCSTOR] 2.2.1.13.1) */
	uint64_t modified;         /* FILETIME of the write ([MS-OXCSTOR] 3.2.5.13.1) */
	struct mapi_binary data;   /* the serialised IDSET, byte for byte as written */
};

/* Replaces (or adds) the row of folder, keyed by its LongTermID's GUID and
 * GLOBCNT (not its pad), in one transaction (store_peruser.c).  The store
 * keeps the bytes as given; checking them is the caller's business.
 * STORE_E_TOOBIG above STORE_PERUSER_MAX. */
int store_peruser_put(struct store_mailbox *mbox, const struct mapi_long_term_id *folder,
                      const struct mapi_guid *replguid, const void *data, size_t len);
/* The row of folder: 1 and *row_r (on mem_ctx), 0 when there is none. */
int store_peruser_get(TALLOC_CTX *mem_ctx, struct store_mailbox *mbox,
                      const struct mapi_long_term_id *folder, struct store_peruser **row_r);
/* The LongTermIDs (pad 0) of every row whose folder's GUID is database_guid,
 * in GLOBCNT byte order; *ltids_r is a talloc array on mem_ctx. */
int store_peruser_list(TALLOC_CTX *mem_ctx, struct store_mailbox *mbox,
                       const struct mapi_guid *database_guid, struct mapi_long_term_id **ltids_r,
                       uint32_t *count_r);

#endif
