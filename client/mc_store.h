/*
 * mc_store: the first ROPs of an online session as Outlook sends them
 * (OUTLOOK-LADDER stage 5): RopLogon to the user's own mailbox, opening a
 * folder, reading its hierarchy table.  Built on mc_emsmdb_execute; the
 * ROPs' ReturnValues are checked here and a failing one is reported with
 * its name ([MS-OXCDATA] 2.4).
 */
#ifndef MC_STORE_H
#define MC_STORE_H

#include <stdint.h>
#include <talloc.h>

#include "mc_emsmdb.h"

/* [MS-OXPROPS] folder properties the client reads. */
#define MC_TAG_FID            0x67480014u
#define MC_TAG_CONTENT_COUNT  0x36020003u
#define MC_TAG_CONTENT_UNREAD 0x36030003u
#define MC_TAG_SUBFOLDERS     0x360A000Bu
#define MC_TAG_FOLDER_CLASS   0x3613001Fu
#define MC_TAG_MID            0x674A0014u
#define MC_TAG_SUBJECT        0x0037001Fu
#define MC_TAG_SENDER_NAME    0x0C1A001Fu
#define MC_TAG_DISPLAY_TO     0x0E04001Fu
#define MC_TAG_DELIVERY_TIME  0x0E060040u
#define MC_TAG_MESSAGE_SIZE   0x0E080003u
#define MC_TAG_BODY           0x1000001Fu

/* The server handle value that asks for a new object (an output slot). */
#define MC_NEW_HANDLE 0xFFFFFFFFu

/* Every ReturnValue 0 and n == expected; otherwise a MC_E_SERVER failure
 * naming the first failing ROP and its error, or MC_E_PROTOCOL. */
int mc_check_rops(struct mc_session *s, const struct rop_response *resps, size_t n,
                  size_t expected);

struct mc_logon {
	uint32_t handle; /* the server's handle of the logon object */
	struct rop_logon_resp resp;
};

/* RopLogon, private mailbox, as Outlook: LogonFlags 0x01, OpenFlags
 * 0x0100040C ([MS-OXCSTOR] 2.2.1.1.1), Essdn = the user's LegacyDN. */
int mc_store_logon(TALLOC_CTX *mem_ctx, struct mc_session *s, struct mc_logon *logon_r);

/* RopGetReceiveFolder for message_class; *fid_r the folder. */
int mc_store_receive_folder(TALLOC_CTX *mem_ctx, struct mc_session *s, const struct mc_logon *logon,
                            const char *message_class, uint64_t *fid_r);

/*
 * RopOpenFolder on fid, RopGetHierarchyTable (Depth when deep), RopSetColumns
 * with columns, RopQueryRows of up to max_rows, RopRelease: one Execute.
 * *rows_r holds the rows (allocated on mem_ctx).
 */
int mc_store_hierarchy(TALLOC_CTX *mem_ctx, struct mc_session *s, const struct mc_logon *logon,
                       uint64_t fid, bool deep, const struct mapi_proptag_array *columns,
                       uint16_t max_rows, struct rop_row_list *rows_r);

/* The same over RopGetContentsTable (the folder's messages). */
int mc_store_contents(TALLOC_CTX *mem_ctx, struct mc_session *s, const struct mc_logon *logon,
                      uint64_t fid, const struct mapi_proptag_array *columns, uint16_t max_rows,
                      struct rop_row_list *rows_r);

/* RopOpenMessage (read-only) + RopGetPropertiesSpecific of tags. */
int mc_store_message_props(TALLOC_CTX *mem_ctx, struct mc_session *s, const struct mc_logon *logon,
                           uint64_t fid, uint64_t mid, const struct mapi_proptag_array *tags,
                           struct rop_property_row *row_r);

/* count ROPs that each answer, all on the logon object (handle index 0),
 * in one Execute; every ReturnValue must be 0. */
int mc_store_logon_rops(TALLOC_CTX *mem_ctx, struct mc_session *s, const struct mc_logon *logon,
                        const struct rop_request *reqs, size_t count,
                        struct rop_response **resps_r);

/* RopOpenFolder + RopGetPropertiesSpecific of tags on fid. */
int mc_store_folder_props(TALLOC_CTX *mem_ctx, struct mc_session *s, const struct mc_logon *logon,
                          uint64_t fid, const struct mapi_proptag_array *tags,
                          struct rop_property_row *row_r);

/* RopRegisterNotification for NewMail on the whole store; *handle_r the
 * server's handle of the subscription. */
int mc_store_register_newmail(TALLOC_CTX *mem_ctx, struct mc_session *s,
                              const struct mc_logon *logon, uint32_t *handle_r);

/* An Execute without ROPs, with the handle table given: how a client
 * collects the RopNotify responses after NotificationWait said an event is
 * pending ([MS-OXCMAPIHTTP] 3.1.5.5); they are in s->notifs. */
int mc_store_collect(TALLOC_CTX *mem_ctx, struct mc_session *s, const uint32_t *handles,
                     size_t handle_count);

/* The Execute options of the session: compressed and XORed as Outlook,
 * or neither with --no-compress. */
struct mc_execute_opts mc_store_execute_opts(const struct mc_session *s);

/* The value of tag in row, or NULL. */
const struct mapi_propval *mc_row_value(const struct rop_property_row *row, uint32_t tag);

#endif
