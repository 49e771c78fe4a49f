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

/* One RopLogon ([MS-OXCSTOR] 3.2.5.1); the logon ID indexes these. */
struct ems_logon {
	uint8_t logon_id;
	struct ems_object *obj;
	struct store_mailbox *mbox;
};

/* Handle table: slot index in the low 12 bits, a reuse generation above,
 * so a stale handle never names a newer object. */
#define EMS_MAX_OBJECTS 4095
#define EMS_SLOT_BITS   12
#define EMS_SLOT_MASK   0xFFFu

struct ems_event;

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
	int subscription;            /* store_subscribe ID, 0 when none */
	struct ems_notify *notifies; /* registered RopRegisterNotification objects */
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

/* ---- handlers, by governing specification ---- */
#define EMS_HANDLER(name) ems_rop_fn ems_rop_##name
/* [MS-OXCSTOR] ems_oxcstor.c */
EMS_HANDLER(logon);
EMS_HANDLER(get_receive_folder);
EMS_HANDLER(set_receive_folder);
EMS_HANDLER(get_receive_folder_table);
EMS_HANDLER(long_term_id_from_id);
EMS_HANDLER(id_from_long_term_id);
EMS_HANDLER(get_per_user_long_term_ids);
EMS_HANDLER(get_per_user_guid);
EMS_HANDLER(get_store_state);
EMS_HANDLER(get_owning_servers);
EMS_HANDLER(public_folder_is_ghosted);
/* [MS-OXOMSG] ems_oxomsg.c */
EMS_HANDLER(get_address_types);
EMS_HANDLER(options_data);
/* [MS-OXCFXICS] RopTellVersion (ems_oxcstor.c: logon-level bookkeeping) */
EMS_HANDLER(tell_version);

/* Notifications (ems_oxcnotif.c) */
void ems_notify_session_init(struct ems_session *s);
void ems_notify_session_fini(struct ems_session *s);
/* Appends RopNotify responses for queued events while they fit. */
void ems_notify_append(struct ems_session *s, struct rop_push *out, TALLOC_CTX *tmp);

#endif
