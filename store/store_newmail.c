/*
 * A NewMail event on request ([MS-OXOMSG] 2.2.5.5 RopTransportNewMail: a
 * transport tells the store that a message arrived, and the store notifies
 * the clients registered for new mail, like IMsgStore::NotifyNewMail).
 */
#include "store_private.h"

void store_notify_newmail(struct store_mailbox *mbox, uint64_t fid, uint64_t mid,
                          const char *message_class)
{
	struct store_event ev = {.type = STORE_EV_NEWMAIL, .fid = fid, .mid = mid};

	ev.message_class = message_class;
	store_publish(mbox, &ev);
}
