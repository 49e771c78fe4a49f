/*
 * mc_nspi: the address book requests of MAPI/HTTP as a client sends them
 * ([MS-OXCMAPIHTTP] 2.2.5, semantics of [MS-OXNSPI]) on the session's
 * AddressBook URL.  One generic call carries every request type through
 * ropcodec/mh_nspi.h; the helpers below build the requests Outlook makes.
 */
#ifndef MC_NSPI_H
#define MC_NSPI_H

#include <talloc.h>

#include "mc_session.h"
#include "mh_nspi.h"

/* Address book property tags the client asks for ([MS-OXPROPS]). */
#define MC_TAG_ENTRY_ID        0x0FFF0102u
#define MC_TAG_DISPLAY_NAME    0x3001001Fu
#define MC_TAG_ADDRESS_TYPE    0x3002001Fu
#define MC_TAG_EMAIL_ADDRESS   0x3003001Fu
#define MC_TAG_SMTP_ADDRESS    0x39FE001Fu
#define MC_TAG_DISPLAY_TYPE    0x39000003u
#define MC_TAG_TITLE           0x3A17001Fu
#define MC_TAG_ACCOUNT         0x3A00001Fu
#define MC_TAG_CONTAINER_FLAGS 0x36000003u
#define MC_TAG_DEPTH           0x30050003u
#define MC_TAG_AB_CONTAINER_ID 0xFFFD0003u
#define MC_TAG_INSTANCE_KEY    0x0FF60102u

/*
 * Sends request type with req (the struct of mh_nspi.h for that type) and
 * decodes the answer into resp (the matching response struct, allocated on
 * mem_ctx).  A non-zero StatusCode or ErrorCode is a failure (-1, session
 * error naming it) with resp still decoded, so callers can read
 * ErrorCode-specific fields.
 */
int mc_nspi_call(TALLOC_CTX *mem_ctx, struct mc_session *s, enum nspi_request_type type,
                 const void *req, void *resp);

/* [MS-OXNSPI] 2.2.8: the STAT Outlook starts with (code page 1252,
 * locales 0x409, the GAL, from the beginning). */
void mc_nspi_default_stat(struct nspi_stat *st);

/* Bind with the default STAT; *server_guid_r may be NULL. */
int mc_nspi_bind(TALLOC_CTX *mem_ctx, struct mc_session *s, struct mapi_guid *server_guid_r);
int mc_nspi_unbind(TALLOC_CTX *mem_ctx, struct mc_session *s);

/* The value of tag in a row, or NULL. */
const struct mapi_propval *mc_nspi_row_value(const struct nspi_rowset *rows, size_t row,
                                             uint32_t tag);

#endif
