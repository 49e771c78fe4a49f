/*
 * mc_message: messages as Outlook writes and reads them: the RecipientRow
 * of [MS-OXCDATA] 2.8.3 built and parsed, sending ([MS-OXOMSG] 3.1.4:
 * create in the Outbox, properties, recipients, save, submit) and reading
 * a whole message (every property, recipients, attachments) for export.
 * Built on mc_emsmdb_execute; every ROP's ReturnValue is checked and a
 * failing one is reported by name.  0 success, -1 with the session error.
 */
#ifndef MC_MESSAGE_H
#define MC_MESSAGE_H

#include <stdint.h>
#include <talloc.h>

#include "mc_store.h"

/* [MS-OXPROPS] tags the client writes or reads on messages. */
#define MC_TAG_MESSAGE_CLASS      0x001A001Fu
#define MC_TAG_SENT_MAIL_ENTRYID  0x0E0A0102u
#define MC_TAG_ENTRYID            0x0FFF0102u
#define MC_TAG_OBJECT_TYPE        0x0FFE0003u
#define MC_TAG_RECIP_DISPLAY_TYPE 0x39000003u
#define MC_TAG_SMTP_ADDR          0x39FE001Fu
#define MC_TAG_RECIP_DISPLAY_NAME 0x5FF6001Fu
#define MC_TAG_ATTACH_NUM         0x0E210003u
#define MC_TAG_ATTACH_FILENAME    0x3707001Fu
#define MC_TAG_ATTACH_SIZE        0x0E200003u
#define MC_TAG_ATTACH_METHOD      0x37050003u
#define MC_TAG_ATTACH_DATA_BIN    0x37010102u
#define MC_TAG_DISPLAY_NAME_W     0x3001001Fu

/* [MS-OXCSTOR] 2.2.1.1.3: the order of RopLogon's FolderIds. */
#define MC_FOLDER_INBOX  4
#define MC_FOLDER_OUTBOX 5
#define MC_FOLDER_SENT   6

/* One recipient as a RecipientRow carries it. */
struct mc_recipient {
	uint8_t type;        /* RecipientType: 1 To, 2 Cc, 3 Bcc ([MS-OXOMSG] 2.2.3.1) */
	uint16_t flags;      /* RecipientFlags ([MS-OXCDATA] 2.8.3.1) */
	char *address_type;  /* "SMTP", "EX", ... (from Type or AddressType) */
	char *email;         /* EmailAddress (or X500DN for Type X500DN) */
	char *display_name;  /* DisplayName */
	char *simple_name;   /* SimpleDisplayName */
	char *transmittable; /* TransmittableDisplayName */
	struct mapi_propval_array props; /* RecipientProperties */
};

/*
 * A RecipientRow for an SMTP recipient (Type SMTP, Unicode strings, the
 * display name also transmittable) with columns' values in props (count
 * must equal columns->count; props is referenced, not copied), on
 * mem_ctx.  -1 when a value does not encode.
 */
int mc_recip_row_build(TALLOC_CTX *mem_ctx, const char *address, const char *display_name,
                       const struct mapi_proptag_array *columns,
                       const struct mapi_propval_array *props, struct rop_recipient **row_r);

/* The recipient a RecipientRow the codec decoded describes (its strings
 * and values are referenced; address_type on mem_ctx).  -1 out of memory. */
int mc_recip_row_parse(TALLOC_CTX *mem_ctx, const struct rop_recipient *row,
                       struct mc_recipient *r_r);

struct mc_attachment {
	const char *name; /* PidTagAttachLongFilename, PidTagDisplayName */
	struct mapi_binary data;
};

/* A message of the sender's store attached whole (afEmbeddedMessage), as
 * Outlook's "forward as attachment". */
struct mc_forward {
	uint64_t fid, mid;
};

struct mc_send {
	const char *const *to; /* NULL-terminated SMTP addresses */
	const char *subject;
	const char *body; /* NULL: no PidTagBody */
	const struct mc_attachment *attachments;
	size_t attachment_count;
	/* Outlook's categories: PidNameKeywords ([MS-OXCMSG] 2.2.1.17), the
	 * named property {PS_PUBLIC_STRINGS, "Keywords"} */
	const char *const *categories;
	size_t category_count;
	const struct mc_forward *forwards;
	size_t forward_count;
	bool save_only; /* saved in the Outbox without RopSubmitMessage */
};

/* [MS-OXOMSG] 3.1.4: the message created in the Outbox and submitted,
 * its copy filed in Sent Items (PidTagSentMailEntryId).  *mid_r the id the
 * Outbox message was saved under. */
int mc_message_send(TALLOC_CTX *mem_ctx, struct mc_session *s, const struct mc_logon *logon,
                    const struct mc_send *m, uint64_t *mid_r);

struct mc_message_dump;

/* One attachment read whole: its data (afByValue) or the message it
 * embeds (afEmbeddedMessage). */
struct mc_attach_dump {
	uint32_t num;   /* PidTagAttachNumber */
	int32_t method; /* PidTagAttachMethod ([MS-OXCMSG] 2.2.2.9) */
	bool has_data;
	struct mapi_binary data; /* PidTagAttachDataBinary */
	bool streamed;           /* read through RopOpenStream/RopReadStream */
	struct mc_message_dump *embedded;
};

/* A message read whole. */
struct mc_message_dump {
	struct mapi_propval_array props; /* RopGetPropertiesAll */
	/* the names of props' named properties (id >= 0x8000), in props'
	 * order; NULL entries for the others */
	struct mapi_property_name **names;
	uint16_t recipient_count;
	struct mc_recipient *recipients;
	struct rop_row_list attachments; /* columns mc_message_attach_columns */
	struct mc_attach_dump *attach;   /* one per attachments row, in its order */
};
extern const struct mapi_proptag_array mc_message_attach_columns;

/* RopOpenMessage read-only, RopGetPropertiesAll, RopGetNamesFromPropertyIds
 * of its named properties, the recipients (the RopOpenMessage rows, then
 * RopReadRecipients for the rest), the attachment table, and every
 * attachment (mc_attach_read). */
int mc_message_read(TALLOC_CTX *mem_ctx, struct mc_session *s, const struct mc_logon *logon,
                    uint64_t fid, uint64_t mid, struct mc_message_dump *d_r);

/* The same for a message already open as handle (an embedded one): the
 * recipients om announced, the names, the attachments; depth how deep it
 * is embedded.  d->props and d->attachments are the caller's. */
int mc_message_read_open(TALLOC_CTX *mem_ctx, struct mc_session *s, uint32_t handle,
                         const struct rop_open_message_resp *om, unsigned depth,
                         struct mc_message_dump *d);

/* One Execute that opens a message with open (RopOpenMessage or
 * RopOpenEmbeddedMessage on in_handle) and reads it whole: RopGetPropertiesAll
 * into d->props, the attachment table's rows into d->attachments.  The
 * message stays open as *handle_r; *open_r is open's answer. */
int mc_message_open_whole(TALLOC_CTX *mem_ctx, struct mc_session *s, uint32_t in_handle,
                          const struct rop_request *open, struct mc_message_dump *d,
                          struct rop_response *open_r, uint32_t *handle_r);

/* RopRelease of one server object, the failure already recorded kept. */
void mc_message_release(TALLOC_CTX *mem_ctx, struct mc_session *s, uint32_t handle);

/* [MS-OXCMSG] 3.1.4.6 and 2.2.3.16: every attachment of the open message
 * (handle) read: RopOpenAttachment, its method and PidTagAttachDataBinary
 * (RopGetPropertiesSpecific; through RopOpenStream and RopReadStream when
 * the value is too large for it), an embedded message through
 * RopOpenEmbeddedMessage (nested ones up to MC_ATTACH_MAX_DEPTH). */
#define MC_ATTACH_MAX_DEPTH 4
int mc_attach_read(TALLOC_CTX *mem_ctx, struct mc_session *s, uint32_t handle, unsigned depth,
                   struct mc_message_dump *d);

/* The message fwd attached to the open unsaved message (handle) as an
 * embedded message: RopCreateAttachment (afEmbeddedMessage),
 * RopOpenEmbeddedMessage (create), RopCopyTo from fwd, saves. */
int mc_attach_embed(TALLOC_CTX *mem_ctx, struct mc_session *s, const struct mc_logon *logon,
                    uint32_t handle, const struct mc_forward *fwd);

#endif
