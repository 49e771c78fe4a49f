/*
 * The text form of a GUID, "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" ([MS-DTYP]
 * 2.3.4.3), for a struct mapi_guid held in wire order ([MS-DTYP] 2.3.4.2:
 * Data1, Data2 and Data3 little-endian, Data4 as bytes).  Used wherever a
 * GUID is shown or read: MailboxIds, mapiadmin output, the codec's printer.
 */
#ifndef MAPI_GUID_H
#define MAPI_GUID_H

#include <stddef.h>

#include "mapi_types.h"

#define MAPI_GUID_TEXT_SIZE 37 /* 36 characters and the NUL */

/* Lower-case hex. */
void mapi_guid_format(const struct mapi_guid *guid, char out[MAPI_GUID_TEXT_SIZE]);
/* The inverse, either case, of the first len characters of text (so a GUID
 * that starts a longer string can be read): 0, or -1 with guid_r untouched
 * unless len is 36 and those characters have that form. */
int mapi_guid_parse(const char *text, size_t len, struct mapi_guid *guid_r);

#endif
