/*
 * store internals shared by the store/ source files.  Never included outside
 * store/.
 *
 * Internally an object is named by its GLOBCNT ("gc", a plain counter); the
 * API edge converts to and from MAPI_ID_MAKE(replid, gc).  Keys hold gc as
 * 8 big-endian bytes so LMDB order is allocation order.
 *
 * Named databases of a mailbox env (key -> value):
 *   meta    "ident" -> struct meta_ident; "globcnt" -> next gc (u64);
 *           "named" -> next named ID (u16); "quota" -> 3 x u64;
 *           "size" -> total message bytes (u64); "special" -> gc[] of folders;
 *           "chunkfmt" -> 1 when chunks are LZ4-framed (absent: raw);
 *           "peruser" | database GUID | GLOBCNT -> per-user data row
 *           (store_peruser.c)
 *   obj     gc -> struct obj_hdr + property blob (store_codec.c)
 *   child   parent gc | kind | gc -> ""            children of a folder
 *   idx     parent gc | kind | field | value(BE 8) | gc -> ""
 *           field 'd' delivery time, 'm' modification time, 'c' change
 *           number, 'r' read change number: the table and ICS views are
 *           range scans.  Folders are indexed by change number under
 *           parent gc 0 (mailbox-wide hierarchy sync).
 *   tomb    parent gc | kind | cn(BE 8) | gc -> ""  deletions for ICS
 *   chunk   owner gc | tag(BE 4) | n(BE 4) -> bytes  large values
 *   named   'n' guid kind lid|name -> id (u16); 'i' id(BE 2) -> guid kind ...
 *   recv    message class (lower case) -> folder gc
 *   recip   mid gc -> recipient rows
 *   attach  mid gc | num(BE 4) -> property blob
 *   search  search folder criteria, links and dirty marks (store_search.c)
 */
#ifndef STORE_PRIVATE_H
#define STORE_PRIVATE_H

#include <lmdb.h>
#include <pthread.h>
#include <string.h>

#include "store.h"

#define STORE_REPLID 1
#define STORE_CHUNK_SIZE                                                                           \
	16368                 /* 4 LMDB overflow pages minus the page header: the                  \
	                        largest chunk; env->chunk_size is the one in use */
#define STORE_INLINE_MAX 2000 /* larger values go to chunks */

enum store_db {
	DB_META,
	DB_OBJ,
	DB_CHILD,
	DB_IDX,
	DB_TOMB,
	DB_CHUNK,
	DB_NAMED,
	DB_RECV,
	DB_RECIP,
	DB_ATTACH,
	DB_SEARCH,
	DB_COUNT_
};

/* Object kinds, also the kind byte of child/idx/tomb keys. */
enum obj_kind {
	KIND_FOLDER = 0,
	KIND_MESSAGE = 1,
	KIND_FAI = 2,
	KIND_SOFTDEL = 3, /* soft-deleted message, recoverable */
};

#define OBJ_F_READ   0x01
#define OBJ_F_SEARCH 0x02 /* search folder */
#define OBJ_F_UNSENT 0x04

/* Fixed header of an obj record, stored little-endian as is (x86-64 and
 * aarch64 only; the layout is versioned). */
struct obj_hdr {
	uint8_t kind;
	uint8_t flags;
	uint16_t version;
	uint32_t reserved;
	uint64_t parent; /* gc */
	uint64_t cn;     /* gc of the last change */
	uint64_t read_cn;
	uint64_t mtime; /* FILETIME */
	uint64_t dtime; /* delivery time, messages */
	uint64_t size;  /* PidTagMessageSize, messages */
	/* folders: */
	uint32_t content_count, unread_count, fai_count, child_count;
	uint64_t content_size, fai_size, softdel_count;
};
#define OBJ_HDR_VERSION 1

struct meta_ident {
	struct mapi_guid mailbox_guid;
	struct mapi_guid replica_guid;
	uint64_t created;
	uint64_t special[STORE_FOLDER_COUNT_];
};

struct store_env {
	struct store_env *prev, *next; /* LRU list, most recent first */
	struct store *store;
	MDB_env *env;
	MDB_dbi dbi[DB_COUNT_];
	unsigned int refs;
	struct meta_ident ident; /* immutable after creation */
	bool chunk_lz4;          /* chunk format 1 (store_codec.c), immutable */
	size_t chunk_size;       /* value bytes per chunk: STORE_CHUNK_SIZE (- 1 framed) */
	char *path;
	/* Group commit of concurrent message saves (store_message_save.c). */
	pthread_mutex_t commit_lock;
	pthread_cond_t commit_cond;
	struct commit_req *queue;
	bool committing;
};

struct store_sub {
	int id;
	bool all;
	struct mapi_guid guid;
	store_event_cb *cb;
	void *ctx;
};

struct store {
	char *data_dir;
	struct store_settings settings;
	pthread_mutex_t lock; /* envs list and counts */
	struct store_env *envs;
	unsigned int env_count;
	pthread_mutex_t sub_lock;
	/* Held for reading while callbacks run, taken for writing by
	 * store_unsubscribe so that no callback runs after it returns. */
	pthread_rwlock_t cb_lock;
	struct store_sub *subs;
	unsigned int sub_count;
	int next_sub;
};

struct store_mailbox {
	struct store *store;
	struct store_env *env;
};

/* ---- store_env.c ---- */
int store_env_acquire(struct store *store, const struct mapi_guid *guid, struct store_env **env_r,
                      const char **error_r);
void store_env_release(struct store_env *env);
/* Closes the idle env of guid if this process has it open; STORE_E_BUSY
 * when a mailbox handle still refers to it. */
int store_env_evict(struct store *store, const struct mapi_guid *guid);
int store_env_init_dbs(MDB_env *env, MDB_txn *txn, MDB_dbi *dbi);
int store_mdb_err(int rc);
int store_txn_begin(struct store_mailbox *mbox, bool write, MDB_txn **txn_r);
/* Commits; returns 0 or a store error.  Write transactions first bring
 * the search folders up to date with the messages they changed
 * (store_search_flush_txn) and publish the resulting events after the
 * commit; when that fails the transaction is aborted. */
int store_txn_commit(MDB_txn *txn);
void store_guid_hex(const struct mapi_guid *guid, char out[33]);
uint64_t store_now_filetime(void);

/* ---- key helpers ---- */
static inline void be64_put(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--) {
		p[i] = (uint8_t)v;
		v >>= 8;
	}
}
static inline uint64_t be64_get(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = (v << 8) | p[i];
	return v;
}
static inline void be32_put(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}
static inline uint32_t be32_get(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}
static inline uint64_t store_id(uint64_t gc)
{
	return MAPI_ID_MAKE(STORE_REPLID, gc);
}
/* gc of an ID of this store's replica, 0 for any other replica. */
static inline uint64_t store_gc(uint64_t id)
{
	return MAPI_ID_REPLID(id) == STORE_REPLID ? MAPI_ID_GLOBCNT(id) : 0;
}

/* ---- store_search.c ---- */
/* Marks message gc (or, with folder, "a folder moved") for search folder
 * re-evaluation at commit; a no-op when the mailbox has no search folder. */
int store_search_mark_txn(MDB_txn *txn, struct store_mailbox *mbox, uint64_t gc, bool folder);
/* Re-evaluates what was marked; *evs_r (on mem_ctx) are the events to
 * publish once committed. */
int store_search_flush_txn(TALLOC_CTX *mem_ctx, MDB_txn *txn, struct store_env *env,
                           struct store_event **evs_r, uint32_t *count_r);
/* Removes a search folder's criteria and links (the folder is deleted). */
int store_search_drop_txn(MDB_txn *txn, struct store_mailbox *mbox, uint64_t sgc);
/* Whether search folder sgc links message mgc: 1 / 0 / <0. */
int store_search_has_link(MDB_txn *txn, struct store_mailbox *mbox, uint64_t sgc, uint64_t mgc);
/* The message gcs linked from search folder sgc, in gc order. */
int store_search_links(TALLOC_CTX *mem_ctx, MDB_txn *txn, struct store_mailbox *mbox, uint64_t sgc,
                       uint64_t **gcs_r, uint32_t *count_r);

/* Copies len bytes into a new talloc buffer of at least one byte (so an
 * empty value still has a non-NULL pointer). */
static inline void *store_memdup(TALLOC_CTX *mem_ctx, const void *p, size_t len)
{
	void *copy = talloc_size(mem_ctx, len ? len : 1);
	if (copy != NULL && len > 0)
		memcpy(copy, p, len);
	return copy;
}

/* ---- store_codec.c: property blobs ---- */
struct store_buf {
	uint8_t *data;
	size_t len, cap;
	TALLOC_CTX *mem_ctx;
};
int store_buf_add(struct store_buf *buf, const void *data, size_t len);

/* One property of an object as held in memory.  An external value lives in
 * chunks under owner; its bytes are loaded only when asked for. */
struct pbag_entry {
	uint32_t tag;
	bool external;
	uint64_t owner;          /* external: chunk owner gc */
	uint64_t ext_len;        /* external: value length in bytes */
	struct mapi_propval val; /* !external */
	uint64_t pending_owner;  /* written to chunks by an uncommitted save */
};
struct pbag {
	uint32_t count;
	struct pbag_entry *e;
};

/* Bytes that a value of this type takes in the blob; <0 on bad type. */
int store_propval_check(const struct mapi_propval *val);
int store_propval_encode(struct store_buf *buf, const struct mapi_propval *val);
int store_propval_decode(TALLOC_CTX *mem_ctx, uint32_t tag, const uint8_t *data, size_t len,
                         struct mapi_propval *val_r);
/* Deep copy of a value onto mem_ctx. */
int store_propval_dup(TALLOC_CTX *mem_ctx, const struct mapi_propval *in, struct mapi_propval *out);
/* Size of a value as PidTagMessageSize and RES_SIZE count it. */
uint64_t store_propval_size(const struct mapi_propval *val);
int store_pbag_decode(TALLOC_CTX *mem_ctx, const uint8_t *blob, size_t len, struct pbag *bag_r);
/* Finds tag in a blob without decoding the rest: 1 found, 0 not, <0. */
int store_blob_find(const uint8_t *blob, size_t len, uint32_t tag, uint32_t *tag_r,
                    const uint8_t **val_r, size_t *vlen_r, bool *external_r);
void store_pbag_settle(struct pbag *bag);
struct pbag_entry *store_pbag_find(struct pbag *bag, uint32_t tag);
int store_pbag_set(TALLOC_CTX *mem_ctx, struct pbag *bag, const struct mapi_propval *val);
bool store_pbag_del(struct pbag *bag, uint32_t tag);
/* Writes the bag as a blob; values > STORE_INLINE_MAX are written to chunks
 * under freshly allocated owners (txn). */
/* With txn NULL nothing goes to chunks.  Values written to chunks are
 * marked pending in bag; store_pbag_settle() makes them external entries
 * once the transaction committed. */
int store_pbag_encode(MDB_txn *txn, struct store_mailbox *mbox, struct pbag *bag,
                      struct store_buf *buf, uint64_t *bytes_r);
int store_chunks_write(MDB_txn *txn, struct store_mailbox *mbox, uint64_t owner, uint32_t tag,
                       const uint8_t *data, size_t len, uint32_t first_chunk);
/* Reads chunk n (decompressed) into buf of STORE_CHUNK_SIZE bytes. */
int store_chunk_get(MDB_txn *txn, struct store_mailbox *mbox, uint64_t owner, uint32_t tag,
                    uint32_t n, uint8_t *buf, size_t *len_r);
int store_chunks_read(TALLOC_CTX *mem_ctx, MDB_txn *txn, struct store_mailbox *mbox, uint64_t owner,
                      uint32_t tag, uint64_t len, uint8_t **data_r);
int store_chunks_delete(MDB_txn *txn, struct store_mailbox *mbox, uint64_t owner, uint32_t tag);
/* Deletes the chunks of every external value of a blob. */
int store_blob_drop_chunks(MDB_txn *txn, struct store_mailbox *mbox, const uint8_t *blob,
                           size_t len);
/* Copies the chunks of every external value to new owners; *blob_r is a
 * rewritten blob on mem_ctx. */
int store_blob_copy_chunks(TALLOC_CTX *mem_ctx, MDB_txn *txn, struct store_mailbox *mbox,
                           const uint8_t *blob, size_t len, uint8_t **blob_r);
/* Loads an external entry's bytes into a value of its type. */
int store_pbag_load(TALLOC_CTX *mem_ctx, MDB_txn *txn, struct store_mailbox *mbox,
                    const struct pbag_entry *e, struct mapi_propval *val_r);

/* ---- store_obj.c: object records, indexes, counters ---- */
struct obj {
	uint64_t gc;
	struct obj_hdr hdr;
	const uint8_t *blob; /* points into the txn's map, or talloc memory */
	size_t blob_len;
};
/* 1 found, 0 not, <0 error. */
int store_obj_get(MDB_txn *txn, struct store_mailbox *mbox, uint64_t gc, struct obj *obj_r);
int store_obj_put(MDB_txn *txn, struct store_mailbox *mbox, uint64_t gc, const struct obj_hdr *hdr,
                  const uint8_t *blob, size_t blob_len);
int store_obj_del(MDB_txn *txn, struct store_mailbox *mbox, uint64_t gc);
int store_index_add(MDB_txn *txn, struct store_mailbox *mbox, uint64_t gc,
                    const struct obj_hdr *hdr);
int store_index_del(MDB_txn *txn, struct store_mailbox *mbox, uint64_t gc,
                    const struct obj_hdr *hdr);
int store_tomb_add(MDB_txn *txn, struct store_mailbox *mbox, uint64_t parent, uint8_t kind,
                   uint64_t cn, uint64_t gc);
int store_alloc_gc(MDB_txn *txn, struct store_mailbox *mbox, uint32_t count, uint64_t *gc_r);
int store_meta_get_u64(MDB_txn *txn, struct store_mailbox *mbox, const char *key, uint64_t *v_r);
int store_meta_put_u64(MDB_txn *txn, struct store_mailbox *mbox, const char *key, uint64_t v);
/* Adds deltas to a folder's counters. */
int store_folder_adjust(MDB_txn *txn, struct store_mailbox *mbox, uint64_t fgc, uint8_t kind,
                        int64_t d_count, int64_t d_unread, int64_t d_size);
/* Lists children of one kind: talloc array of gcs. */
int store_children(TALLOC_CTX *mem_ctx, MDB_txn *txn, struct store_mailbox *mbox, uint64_t parent,
                   uint8_t kind, uint64_t **gcs_r, uint32_t *count_r);
/* Property getter on an object record, computed properties included.
 * 1 found, 0 not, <0 error.  Large values are loaded. */
int store_obj_prop(TALLOC_CTX *mem_ctx, MDB_txn *txn, struct store_mailbox *mbox,
                   const struct obj *obj, uint32_t tag, struct mapi_propval *val_r);
int32_t store_message_flags(const struct obj_hdr *hdr, int32_t stored);
int store_obj_props(TALLOC_CTX *mem_ctx, MDB_txn *txn, struct store_mailbox *mbox,
                    const struct obj *obj, const struct mapi_proptag_array *tags,
                    struct mapi_propval_array *vals_r);
/* PidTagSourceKey etc., [MS-OXCFXICS] 2.2.1.2.5: replica GUID + 6-byte gc. */
void store_xid(const struct store_mailbox *mbox, uint64_t gc, uint8_t out[22]);
/* Quota check against the mailbox total after adding delta bytes. */
int store_quota_check(MDB_txn *txn, struct store_mailbox *mbox, int64_t delta, uint64_t msg_size);
bool store_tag_readonly(uint32_t tag);
/* store_table.c: evaluates a restriction on a stored message, with
 * sub-restrictions over its recipients and attachments: 1 / 0 / <0. */
int store_obj_match(MDB_txn *txn, struct store_mailbox *mbox, const struct obj *obj,
                    const struct mapi_restriction *res);

/* ---- store_folder.c ---- */
int store_folder_create_txn(MDB_txn *txn, struct store_mailbox *mbox, uint64_t parent,
                            const char *name, const char *cls, bool search, uint64_t *gc_r);
/* Sets properties on a folder record inside txn (no read-only check). */
int store_folder_set_txn(MDB_txn *txn, struct store_mailbox *mbox, uint64_t gc,
                         const struct mapi_propval_array *vals);
/* Writes obj's record again with a new bag, change number and time,
 * dropping the chunks of replaced external values. */
int store_obj_rewrite(MDB_txn *txn, struct store_mailbox *mbox, const struct obj *old,
                      struct obj_hdr *hdr, struct pbag *bag, uint64_t *bytes_r);
/* Deletes chunks of old's external values that bag no longer refers to. */
int store_drop_replaced(MDB_txn *txn, struct store_mailbox *mbox, const uint8_t *old_blob,
                        size_t old_len, const struct pbag *bag);
int store_all_tags(TALLOC_CTX *mem_ctx, const struct obj *o, const uint32_t *extra,
                   uint32_t extra_count, struct mapi_proptag_array *tags_r);
bool store_is_special(const struct store_mailbox *mbox, uint64_t gc);

/* ---- store_notify.c ---- */
void store_publish(struct store_mailbox *mbox, const struct store_event *ev);

/* ---- store_message.c ---- */
struct msg_recip {
	uint32_t row_id;
	struct pbag bag;
};
struct msg_attach {
	uint32_t num;
	bool dirty;
	struct pbag bag;
};
struct msg_staged {
	uint64_t owner;
	uint32_t tag;
};
struct store_message {
	struct store_mailbox *mbox;
	uint64_t fgc, gc; /* gc 0 until first save */
	bool fai;
	bool closed; /* saved without keep_open */
	bool flags_set, identity_set;
	struct obj_hdr hdr; /* as of open / last save */
	struct pbag bag;
	uint32_t recip_count;
	struct msg_recip *recips;
	bool recips_dirty;
	uint32_t attach_count;
	struct msg_attach *attach;
	uint32_t *attach_deleted;
	uint32_t attach_deleted_count;
	uint32_t next_attach;
	uint32_t staged_count; /* stream chunks written, not yet saved */
	struct msg_staged *staged;
	/* An embedded message ([MS-OXCMSG] 2.2.2.7) lives in attachment
	 * embed_attach of embed_parent and is saved into it (store_embedded.c);
	 * a parent knows its open embedded instances. */
	struct store_message *embed_parent;
	uint32_t embed_attach;
	bool embedded;
	struct store_message **embeds;
	uint32_t embed_count;
};
/* store_message.c internals shared with store_embedded.c. */
struct store_message *store_msg_new(TALLOC_CTX *mem_ctx, struct store_mailbox *mbox, uint64_t fgc);
struct msg_attach *store_msg_attach_find(struct store_message *msg, uint32_t num);
/* store_attach_tags.c: PidTagAttachSize of a */
int32_t store_attach_size(const struct msg_attach *a);
int store_msg_recips_decode(struct store_message *msg, const uint8_t *p, size_t len);
/* store_embedded.c: saves an embedded instance into its parent. */
int store_embedded_save(struct store_message *msg, bool keep_open);
/* The store-private attachment property holding an embedded message
 * (provider-defined, non-transmittable range 0x6600-0x67FF). */
#define STORE_TAG_EMBEDDED PROP_TAG(PT_BINARY, 0x67F0)
int store_message_save_txn(MDB_txn *txn, struct store_message *msg, bool *is_new_r);
void store_message_after_save(struct store_message *msg, bool is_new, bool keep_open);

/* ---- store_message_ops.c: used by folder copy ---- */
int store_message_copy_txn(MDB_txn *txn, struct store_mailbox *mbox, uint64_t gc, uint64_t dst_fgc,
                           bool move, uint64_t *new_gc_r);
int store_message_remove_txn(MDB_txn *txn, struct store_mailbox *mbox, uint64_t gc, bool hard,
                             uint64_t cn);

/* Common property tags used inside the store. */
#define PR_DISPLAY_NAME            PROP_TAG(PT_UNICODE, 0x3001)
#define PR_CONTAINER_CLASS         PROP_TAG(PT_UNICODE, 0x3613)
#define PR_MESSAGE_CLASS           PROP_TAG(PT_UNICODE, 0x001A)
#define PR_MESSAGE_FLAGS           PROP_TAG(PT_LONG, 0x0E07)
#define PR_MESSAGE_SIZE            PROP_TAG(PT_LONG, 0x0E08)
#define PR_MESSAGE_SIZE_EXTENDED   PROP_TAG(PT_I8, 0x0E08)
#define PR_MESSAGE_DELIVERY_TIME   PROP_TAG(PT_SYSTIME, 0x0E06)
#define PR_LAST_MODIFICATION_TIME  PROP_TAG(PT_SYSTIME, 0x3008)
#define PR_CREATION_TIME           PROP_TAG(PT_SYSTIME, 0x3007)
#define PR_FOLDER_ID               PROP_TAG(PT_I8, 0x6748)
#define PR_MID                     PROP_TAG(PT_I8, 0x674A)
#define PR_PARENT_FID              PROP_TAG(PT_I8, 0x6749)
#define PR_CHANGE_NUMBER           PROP_TAG(PT_I8, 0x67A4)
#define PR_SOURCE_KEY              PROP_TAG(PT_BINARY, 0x65E0)
#define PR_PARENT_SOURCE_KEY       PROP_TAG(PT_BINARY, 0x65E1)
#define PR_CHANGE_KEY              PROP_TAG(PT_BINARY, 0x65E2)
#define PR_PREDECESSOR_CHANGE_LIST PROP_TAG(PT_BINARY, 0x65E3)
#define PR_ENTRYID                 PROP_TAG(PT_BINARY, 0x0FFF)
#define PR_PARENT_ENTRYID          PROP_TAG(PT_BINARY, 0x0E09)
#define PR_RECORD_KEY              PROP_TAG(PT_BINARY, 0x0FF9)
#define PR_INSTANCE_KEY            PROP_TAG(PT_BINARY, 0x0FF6)
#define PR_CONTENT_COUNT           PROP_TAG(PT_LONG, 0x3602)
#define PR_CONTENT_UNREAD          PROP_TAG(PT_LONG, 0x3603)
#define PR_ASSOC_CONTENT_COUNT     PROP_TAG(PT_LONG, 0x3617)
#define PR_FOLDER_CHILD_COUNT      PROP_TAG(PT_LONG, 0x6638)
#define PR_SUBFOLDERS              PROP_TAG(PT_BOOLEAN, 0x360A)
#define PR_FOLDER_TYPE             PROP_TAG(PT_LONG, 0x3601)
#define PR_DEPTH                   PROP_TAG(PT_LONG, 0x3005)
#define PR_MESSAGE_SIZE_FOLDER     PROP_TAG(PT_I8, 0x0E08)
#define PR_ASSOCIATED              PROP_TAG(PT_BOOLEAN, 0x67AA)
#define PR_READ                    PROP_TAG(PT_BOOLEAN, 0x0E69)
#define PR_DELETED_COUNT_TOTAL     PROP_TAG(PT_LONG, 0x670B)
#define PR_HAS_ATTACHMENTS         PROP_TAG(PT_BOOLEAN, 0x0E1B)
#define PR_ATTACH_NUM              PROP_TAG(PT_LONG, 0x0E21)
#define PR_ATTACH_SIZE             PROP_TAG(PT_LONG, 0x0E20)
#define PR_ROWID                   PROP_TAG(PT_LONG, 0x3000)

#define MSGFLAG_READ       0x0001
#define MSGFLAG_UNSENT     0x0008
#define MSGFLAG_HASATTACH  0x0010
#define MSGFLAG_ASSOCIATED 0x0040

#endif
