/*
 * Internals of the EMSMDB engine shared by its files; never included from
 * outside mapihttp/emsmdb/.
 *
 * The talloc tree is the lifetime tree ([MS-OXCROPS] 3.2.5.3): server >
 * session > logon object > folder / message / table objects > their
 * children (attachments, streams, tables of a message).  Releasing an
 * object (RopRelease) frees its subtree; every object's destructor clears
 * its slot in the session's handle table, so a handle of a released
 * object answers ecNullObject.
 */
#ifndef EMS_PRIVATE_H
#define EMS_PRIVATE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <talloc.h>

#include "directory.h"
#include "emsmdb.h"
#include "rop.h"
#include "rop_errors.h"
#include "store.h"

#define EMS_LOG "emsmdb"

struct ems_server {
	struct store *store;
	struct directory *dir;
	char *hostname;
};

enum ems_obj_type {
	EMS_OBJ_LOGON = 1,
	EMS_OBJ_FOLDER,
	EMS_OBJ_MESSAGE,
	EMS_OBJ_ATTACH,
	EMS_OBJ_TABLE,
	EMS_OBJ_STREAM,
	EMS_OBJ_NOTIFY,
};
#define EMS_T(type) (1u << (type))
#define EMS_T_PROPS                                                                                \
	(EMS_T(EMS_OBJ_LOGON) | EMS_T(EMS_OBJ_FOLDER) | EMS_T(EMS_OBJ_MESSAGE) |                   \
	 EMS_T(EMS_OBJ_ATTACH))
#define EMS_T_CONTAINER (EMS_T(EMS_OBJ_LOGON) | EMS_T(EMS_OBJ_FOLDER))

struct ems_logon;
struct ems_table;
struct ems_stream;
struct ems_notify;

/* A message object: an instance of the store ([MS-OXCMSG] 3.2.5). */
struct ems_message {
	struct store_message *msg;
	uint64_t fid;
	bool read_write;
	bool saved_closed; /* saved with KeepOpenReadOnly/None: no more saves */
	bool submitted;    /* RopSubmitMessage ran on this instance */
	bool embedded;     /* RopOpenEmbeddedMessage: lives in its attachment */
};

/* An attachment object: a property bag of its message's instance. */
struct ems_attach {
	struct ems_object *message; /* the parent message object */
	uint32_t attach_num;
	bool created; /* RopCreateAttachment: invisible until saved */
	bool saved;
};

/* A server object ([MS-OXCROPS] 1.3.1) behind a handle. */
struct ems_object {
	enum ems_obj_type type;
	uint32_t handle;
	struct ems_session *session;
	struct ems_logon *logon;
	union {
		uint64_t fid;               /* EMS_OBJ_FOLDER */
		struct ems_message message; /* EMS_OBJ_MESSAGE */
		struct ems_attach attach;   /* EMS_OBJ_ATTACH */
		struct ems_table *table;    /* EMS_OBJ_TABLE */
		struct ems_stream *stream;  /* EMS_OBJ_STREAM */
		struct ems_notify *notify;  /* EMS_OBJ_NOTIFY */
	} u;
};

struct ems_peruser_write;

/* One RopLogon ([MS-OXCSTOR] 3.2.5.1); the logon ID indexes these. */
struct ems_logon {
	uint8_t logon_id;
	struct ems_object *obj;
	struct store_mailbox *mbox;
	/* a RopWritePerUserInformation awaiting its last chunk, a talloc
	 * child of the logon, NULL when none (ems_oxcstor_peruser.c) */
	struct ems_peruser_write *pu_write;
};

/* Handle table: slot index in the low 12 bits, a reuse generation above,
 * so a stale handle never names a newer object. */
#define EMS_MAX_OBJECTS 4095
#define EMS_SLOT_BITS   12
#define EMS_SLOT_MASK   0xFFFu

struct ems_event;
struct ems_reg;

struct ems_session {
	struct ems_server *srv;
	struct dir_user *user;
	struct store_mailbox *mbox;
	char *dn_prefix;
	uint32_t code_page;
	struct ems_object *slots[EMS_MAX_OBJECTS];
	uint32_t gens[EMS_MAX_OBJECTS];
	uint32_t next_free_hint;
	uint32_t object_count;
	struct ems_logon *logons[256];
	/* notifications: queued by store threads, drained by Execute */
	pthread_mutex_t ev_lock;
	struct ems_event *ev_head, *ev_tail;
	uint32_t ev_count;
	void (*ev_cb)(void *arg);
	void *ev_arg;
	int subscription;     /* store_subscribe ID, 0 when none */
	struct ems_reg *regs; /* RopRegisterNotification registrations, under ev_lock */
	uint32_t reg_count;
	struct ems_table **watched; /* tables that notify; changed on the session thread */
	uint32_t watched_count;
	uint32_t tables_pending; /* watched tables with events, under ev_lock */
	uint64_t stream_bytes;   /* held by the session's Stream objects */
	uint64_t peruser_bytes;  /* held by unfinished RopWritePerUserInformation */
};

/* ---- handle table (ems_handles.c) ---- */

/* A new object of type under parent (a talloc parent object or the
 * session), with a handle.  NULL when the table is full or memory ran out
 * (*ec_r then says which). */
struct ems_object *ems_object_new(struct ems_session *s, void *parent, enum ems_obj_type type,
                                  struct ems_logon *logon, uint32_t *ec_r);
/* The object behind handle, or NULL. */
struct ems_object *ems_object_lookup(struct ems_session *s, uint32_t handle);
void ems_object_release(struct ems_object *obj);

/* ---- dispatch (ems_execute.c / ems_dispatch.c) ---- */

/* What a ROP handler gets: the resolved objects and room for its answer. */
struct ems_rop_ctx {
	struct ems_session *s;
	struct ems_logon *logon; /* NULL for RopLogon */
	struct ems_object *in;   /* InputHandleIndex / SourceHandleIndex object */
	struct ems_object *dest; /* DestHandleIndex object (ROPF_SRCDST), may be NULL */
	struct ems_object *out;  /* set by a handler that creates an object */
	TALLOC_CTX *mem;         /* lives until the response is encoded */
	size_t space;            /* bytes left for this ROP's response */
	/* columns of the rows the response carries (RopQueryRows, RopFindRow) */
	const struct mapi_proptag_array *columns;
};

/* Runs one ROP; returns its ReturnValue (ecXxx, 0 on success) having
 * filled resp->u.<rop> on success. */
typedef uint32_t ems_rop_fn(struct ems_rop_ctx *c, const struct rop_request *req,
                            struct rop_response *resp);

struct ems_rop_def {
	ems_rop_fn *fn;
	uint32_t in_types;   /* object types the input handle may name; 0: none */
	uint32_t dest_types; /* for ROPF_SRCDST, the destination's */
};

/* The handler row of rop_id, or NULL when not served. */
const struct ems_rop_def *ems_rop_def(uint8_t rop_id);

/* One place to map store errors to MAPI error codes (store.h names them). */
uint32_t ems_ec_from_store(int err);

/* ---- properties (ems_props.c) ---- */

/* Reads tags (NULL: every property) of a logon, folder, message or
 * attachment object; string types follow the request ([MS-OXCPRPT]
 * 3.2.5.1), missing values are PT_ERROR ecNotFound. */
uint32_t ems_props_get(TALLOC_CTX *mem, struct ems_object *obj,
                       const struct mapi_proptag_array *tags, bool want_unicode,
                       struct mapi_propval_array *vals_r);
uint32_t ems_props_set(TALLOC_CTX *mem, struct ems_object *obj,
                       const struct mapi_propval_array *vals,
                       struct rop_property_problem_array *problems_r);
/* [MS-OXCMSG] 2.2.1.46 (ems_oxcmsg_subject.c): after set was stored on a
 * message, the subject values that follow from it (none, the whole
 * PidTagSubject, or its prefix and normalized parts) in *follow_r. */
uint32_t ems_subject_follow(TALLOC_CTX *mem, struct ems_object *obj,
                            const struct mapi_propval_array *set,
                            struct mapi_propval_array *follow_r);
uint32_t ems_props_delete(TALLOC_CTX *mem, struct ems_object *obj,
                          const struct mapi_proptag_array *tags,
                          struct rop_property_problem_array *problems_r);
/* After a store read of ems_store_tags(asked): the types asked. */
void ems_props_fix_types(TALLOC_CTX *mem, const struct mapi_proptag_array *asked, bool want_unicode,
                         struct mapi_propval_array *vals);
const struct mapi_proptag_array *ems_store_tags(TALLOC_CTX *mem,
                                                const struct mapi_proptag_array *tags);
/* ems_store_tags for a table sorted by sort (NULL: not sorted): a string
 * column that is a category column is read by the category's tag. */
const struct mapi_proptag_array *ems_table_store_tags(TALLOC_CTX *mem,
                                                      const struct mapi_proptag_array *tags,
                                                      const struct mapi_sort_order_set *sort);
/* Copies with PtypString8 tags and values as PtypString, the type strings
 * are stored in (restrictions and sort orders of 8-bit clients); NULL on
 * allocation failure (or for a NULL restriction). */
struct mapi_restriction *ems_res_unicode(TALLOC_CTX *mem, const struct mapi_restriction *in);
struct mapi_sort_order_set *ems_sort_unicode(TALLOC_CTX *mem, const struct mapi_sort_order_set *in);
char *ems_str8_to_utf8(TALLOC_CTX *mem, const char *s);
char *ems_utf8_to_str8(TALLOC_CTX *mem, const char *s);
/* The store object's properties ([MS-OXCSTOR] 2.2.2), ems_oxcstor.c;
 * store.h conventions (tags NULL: all of them). */
int ems_logon_get_props(TALLOC_CTX *mem, struct ems_object *logon,
                        const struct mapi_proptag_array *tags, struct mapi_propval_array *vals_r);

/* OpenMessage's summary of a message object ([MS-OXCMSG] 2.2.3.1.2):
 * subject prefix, normalized subject, recipients that fit. */
uint32_t ems_message_summary(struct ems_rop_ctx *c, struct ems_object *obj,
                             struct rop_open_message_resp *r);

/* Copies the recipients (added to dst's, same row IDs when dst has none)
 * and attachments (added, new numbers) of src (in mailbox from) into dst
 * (in mailbox to), the messages embedded in attachments with theirs,
 * recursively, named property IDs mapped (ems_oxcprpt_copy_msg.c); a store
 * error.  _some copies the parts named (EMS_PARTS_*) only. */
#define EMS_PARTS_RECIPIENTS  0x1u
#define EMS_PARTS_ATTACHMENTS 0x2u
int ems_message_copy_some(TALLOC_CTX *mem, struct store_mailbox *from, struct store_message *src,
                          struct store_mailbox *to, struct store_message *dst, unsigned parts);
/* Removes the parts named (EMS_PARTS_*) from msg's instance. */
int ems_message_drop_parts(TALLOC_CTX *mem, struct store_message *msg, unsigned parts);
int ems_message_copy_parts(TALLOC_CTX *mem, struct store_mailbox *from, struct store_message *src,
                           struct store_mailbox *to, struct store_message *dst);
/* The message embedded in attachment snum of src, if any, copied into
 * attachment dnum of dst (named IDs mapped from mailbox from to to),
 * replacing the one there unless keep is set; a store error. */
int ems_attach_copy_embedded(TALLOC_CTX *mem, struct store_mailbox *from, struct store_message *src,
                             uint32_t snum, struct store_mailbox *to, struct store_message *dst,
                             uint32_t dnum, bool keep);
/* Sets vals on msg, skipping the ones the store computes (refused as
 * read-only or of another type); a store error. */
int ems_message_set_copyable(struct store_message *msg, const struct mapi_propval_array *vals);
/* Maps the named property IDs of vals from one mailbox's mapping to
 * another's (created there when new), dropping a value whose ID names
 * nothing in from; a store error. */
int ems_named_map(TALLOC_CTX *mem, struct store_mailbox *from, struct store_mailbox *to,
                  struct mapi_propval_array *vals);
/* The same for count tags in place: a named ID that names nothing in from
 * becomes tag 0. */
int ems_named_map_tags(TALLOC_CTX *mem, struct store_mailbox *from, struct store_mailbox *to,
                       uint32_t count, uint32_t *tags);

/* Non-delivery reports (ems_oxomsg_ndr.c).  Gives msg a PidTagSearchKey
 * unless props (its properties) hold one; a store error. */
int ems_search_key_ensure(struct store_message *msg, const struct mapi_propval_array *props);
/* Saves a REPORT.<class>.NDR message for the nfailed recipient rows failed
 * of the submitted message whose properties are props in the session
 * user's Inbox (NewMail follows from the store); a store error. */
int ems_ndr_deliver(struct ems_session *s, TALLOC_CTX *mem, const struct mapi_propval_array *props,
                    const struct mapi_propval_array *failed, uint32_t nfailed, uint64_t now);

/* The recipients of msg from row ID start on as RecipientRows
 * ([MS-OXCDATA] 2.8.3) with no extra columns, as many as fit in room
 * (with force_one the first one whatever its size); ems_oxcmsg_recip.c. */
uint32_t ems_recipient_rows(struct ems_rop_ctx *c, struct store_message *msg, uint32_t start,
                            size_t room, bool force_one, struct rop_recipient_rows *out);

/* ---- handlers, by governing specification ---- */
/* Handlers (ems_ox*.c, after the governing specification); the names
 * are the codec's union members (rop_ids.def). */
ems_rop_fn ems_rop_logon;
ems_rop_fn ems_rop_get_receive_folder;
ems_rop_fn ems_rop_set_receive_folder;
ems_rop_fn ems_rop_get_receive_folder_table;
ems_rop_fn ems_rop_long_term_id_from_id;
ems_rop_fn ems_rop_id_from_long_term_id;
ems_rop_fn ems_rop_get_per_user_long_term_ids;
ems_rop_fn ems_rop_get_per_user_guid;
ems_rop_fn ems_rop_get_store_state;
ems_rop_fn ems_rop_get_owning_servers;
ems_rop_fn ems_rop_public_folder_is_ghosted;
ems_rop_fn ems_rop_get_address_types;
ems_rop_fn ems_rop_options_data;
ems_rop_fn ems_rop_tell_version;
ems_rop_fn ems_rop_open_folder;
ems_rop_fn ems_rop_create_folder;
ems_rop_fn ems_rop_delete_folder;
ems_rop_fn ems_rop_get_hierarchy_table;
ems_rop_fn ems_rop_get_contents_table;
ems_rop_fn ems_rop_set_search_criteria;
ems_rop_fn ems_rop_get_search_criteria;
ems_rop_fn ems_rop_get_properties_specific;
ems_rop_fn ems_rop_get_properties_all;
ems_rop_fn ems_rop_get_properties_list;
ems_rop_fn ems_rop_set_properties;
ems_rop_fn ems_rop_set_properties_no_replicate;
ems_rop_fn ems_rop_delete_properties;
ems_rop_fn ems_rop_delete_properties_no_replicate;
ems_rop_fn ems_rop_get_property_ids_from_names;
ems_rop_fn ems_rop_get_names_from_property_ids;
ems_rop_fn ems_rop_query_named_properties;
ems_rop_fn ems_rop_set_columns;
ems_rop_fn ems_rop_sort_table;
ems_rop_fn ems_rop_restrict_;
ems_rop_fn ems_rop_query_rows;
ems_rop_fn ems_rop_get_status;
ems_rop_fn ems_rop_query_position;
ems_rop_fn ems_rop_seek_row;
ems_rop_fn ems_rop_seek_row_bookmark;
ems_rop_fn ems_rop_seek_row_fractional;
ems_rop_fn ems_rop_create_bookmark;
ems_rop_fn ems_rop_free_bookmark;
ems_rop_fn ems_rop_find_row;
ems_rop_fn ems_rop_reset_table;
ems_rop_fn ems_rop_query_columns_all;
ems_rop_fn ems_rop_abort_;
ems_rop_fn ems_rop_create_message;
ems_rop_fn ems_rop_open_message;
ems_rop_fn ems_rop_save_changes_message;
ems_rop_fn ems_rop_remove_all_recipients;
ems_rop_fn ems_rop_set_message_read_flag;
ems_rop_fn ems_rop_set_read_flags;
ems_rop_fn ems_rop_create_attachment;
ems_rop_fn ems_rop_open_attachment;
ems_rop_fn ems_rop_save_changes_attachment;
ems_rop_fn ems_rop_delete_attachment;
ems_rop_fn ems_rop_delete_messages;
ems_rop_fn ems_rop_hard_delete_messages;
ems_rop_fn ems_rop_move_copy_messages;
ems_rop_fn ems_rop_empty_folder;
ems_rop_fn ems_rop_hard_delete_messages_and_subfolders;
ems_rop_fn ems_rop_move_folder;
ems_rop_fn ems_rop_copy_folder;
ems_rop_fn ems_rop_open_stream;
ems_rop_fn ems_rop_read_stream;
ems_rop_fn ems_rop_write_stream;
ems_rop_fn ems_rop_commit_stream;
ems_rop_fn ems_rop_get_stream_size;
ems_rop_fn ems_rop_set_stream_size;
ems_rop_fn ems_rop_seek_stream;
ems_rop_fn ems_rop_register_notification;
ems_rop_fn ems_rop_modify_recipients;
ems_rop_fn ems_rop_read_recipients;
ems_rop_fn ems_rop_get_attachment_table;
ems_rop_fn ems_rop_reload_cached_information;
ems_rop_fn ems_rop_submit_message;
ems_rop_fn ems_rop_read_per_user_information;
ems_rop_fn ems_rop_write_per_user_information;
ems_rop_fn ems_rop_get_message_status;
ems_rop_fn ems_rop_set_message_status;
ems_rop_fn ems_rop_abort_submit;
ems_rop_fn ems_rop_get_transport_folder;
ems_rop_fn ems_rop_copy_properties;
ems_rop_fn ems_rop_copy_to;
ems_rop_fn ems_rop_expand_row;
ems_rop_fn ems_rop_collapse_row;
ems_rop_fn ems_rop_get_collapse_state;
ems_rop_fn ems_rop_set_collapse_state;
ems_rop_fn ems_rop_write_and_commit_stream;
ems_rop_fn ems_rop_write_stream_extended;
ems_rop_fn ems_rop_copy_to_stream;
ems_rop_fn ems_rop_get_valid_attachments;
ems_rop_fn ems_rop_open_embedded_message;
ems_rop_fn ems_rop_transport_send;
ems_rop_fn ems_rop_transport_new_mail;
ems_rop_fn ems_rop_set_spooler;
ems_rop_fn ems_rop_spooler_lock_message;
/* RopRelease of a stream: uncommitted changes are committed first. */
void ems_stream_release(struct ems_object *obj);

/* Auxiliary buffers (ems_aux.c, [MS-OXCRPC] 3.1.4.1.2).  Decodes the
 * client's AuxiliaryBuffer and logs its blocks at debug (nothing when
 * debug is off); the block count, or -1 when it does not decode. */
int ems_aux_log(TALLOC_CTX *mem, const char *call, const struct mh_blob *aux);
/* The AuxiliaryBuffer of a successful Connect, on resp_ctx; 0 or -1. */
int ems_aux_connect_out(TALLOC_CTX *resp_ctx, struct mh_blob *aux_r);

/* Notifications (ems_oxcnotif.c) */
void ems_notify_session_init(struct ems_session *s);
void ems_notify_session_fini(struct ems_session *s);
/* Appends RopNotify responses for queued events while they fit. */
void ems_notify_append(struct ems_session *s, struct rop_push *out, TALLOC_CTX *tmp);

#endif
