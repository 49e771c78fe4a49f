/* Notifications: every change publishes its event, with the right IDs. */
#include "test.h"
#include "store_test_util.h"

static struct store *store;

struct log {
	struct store_event ev[64];
	char cls[64][32]; /* message_class is valid during the callback only */
	int n;
};

static void on_event(const struct store_event *ev, void *ctx)
{
	struct log *l = ctx;
	if (l->n < 64) {
		l->ev[l->n] = *ev;
		if (ev->message_class != NULL) {
			snprintf(l->cls[l->n], sizeof(l->cls[0]), "%s", ev->message_class);
			l->ev[l->n].message_class = l->cls[l->n];
		}
		l->n++;
	}
}

/* The single event logged since the mark, or NULL when not exactly one. */
static const struct store_event *only(struct log *l, int mark)
{
	return l->n == mark + 1 ? &l->ev[mark] : NULL;
}

static void test_folder_events(void)
{
	test_begin("notifications: folder created, modified, moved, copied, emptied, deleted");
	struct store_mailbox *mbox = test_mailbox(NULL, store, 80);
	struct store_mailbox_ident id;
	store_mailbox_ident(mbox, &id);
	struct log l = {.n = 0};
	int sub = store_subscribe(store, &id.mailbox_guid, on_event, &l);
	uint64_t ipm = store_special_fid(mbox, STORE_FOLDER_IPM_SUBTREE);
	uint64_t inbox = store_special_fid(mbox, STORE_FOLDER_INBOX), f, g, copy;
	const struct store_event *ev;
	int mark = l.n;
	test_assert_int(store_folder_create(mbox, ipm, "F", NULL, STORE_FOLDER_GENERIC, &f), 0);
	test_assert((ev = only(&l, mark)) != NULL);
	if (ev != NULL) {
		test_assert_int(ev->type, STORE_EV_CREATED);
		test_assert(ev->fid == f && ev->mid == 0 && ev->parent_fid == ipm);
		test_assert(memcmp(ev->mailbox_guid.b, id.mailbox_guid.b, 16) == 0);
	}
	mark = l.n;
	struct mapi_propval v = pv_str(PROP_TAG(PT_UNICODE, 0x3004), "comment");
	struct mapi_propval_array vals = {1, &v};
	test_assert_int(store_folder_set_props(mbox, f, &vals), 0);
	test_assert((ev = only(&l, mark)) != NULL);
	if (ev != NULL)
		test_assert(ev->type == STORE_EV_MODIFIED && ev->fid == f && ev->parent_fid == ipm);
	test_assert_int(store_folder_create(mbox, ipm, "G", NULL, STORE_FOLDER_GENERIC, &g), 0);
	mark = l.n;
	test_assert_int(store_folder_move(mbox, f, g, NULL), 0);
	test_assert((ev = only(&l, mark)) != NULL);
	if (ev != NULL) {
		test_assert_int(ev->type, STORE_EV_MOVED);
		test_assert(ev->fid == f && ev->old_fid == f);
		test_assert(ev->parent_fid == g && ev->old_parent_fid == ipm);
	}
	mark = l.n;
	test_assert_int(store_folder_copy(mbox, f, inbox, "F2", true, &copy), 0);
	test_assert((ev = only(&l, mark)) != NULL);
	if (ev != NULL) {
		test_assert_int(ev->type, STORE_EV_COPIED);
		test_assert(ev->fid == copy && ev->old_fid == f);
		test_assert(ev->parent_fid == inbox && ev->old_parent_fid == g);
	}
	add_message(mbox, f, "m", 1, 1);
	mark = l.n;
	test_assert_int(store_folder_empty(mbox, f, 0), 0);
	test_assert((ev = only(&l, mark)) != NULL);
	if (ev != NULL)
		test_assert(ev->type == STORE_EV_MODIFIED && ev->fid == f && ev->parent_fid == g);
	mark = l.n;
	test_assert_int(store_folder_delete(mbox, f, STORE_DEL_HARD), 0);
	test_assert((ev = only(&l, mark)) != NULL);
	if (ev != NULL)
		test_assert(ev->type == STORE_EV_DELETED && ev->fid == f && ev->parent_fid == g);
	/* Failed operations publish nothing. */
	mark = l.n;
	test_assert_int(store_folder_delete(mbox, f, STORE_DEL_HARD), STORE_E_NOTFOUND);
	test_assert_int(store_folder_move(mbox, g, g, NULL), STORE_E_CYCLE);
	test_assert_int(store_folder_create(mbox, ipm, "g", NULL, STORE_FOLDER_GENERIC, &f),
	                STORE_E_EXISTS);
	test_assert_int(l.n, mark);
	store_unsubscribe(store, sub);
	store_mailbox_close(&mbox);
	test_end();
}

static void test_message_events(void)
{
	test_begin("notifications: message created, new mail, modified, copied, moved, deleted");
	struct store_mailbox *mbox = test_mailbox(NULL, store, 81);
	struct log l = {.n = 0};
	int sub = store_subscribe(store, NULL, on_event, &l);
	uint64_t inbox = store_special_fid(mbox, STORE_FOLDER_INBOX);
	uint64_t drafts = store_special_fid(mbox, STORE_FOLDER_DRAFTS), copy, moved;
	int mark = l.n;
	uint64_t m = add_message(mbox, inbox, "m", 1, 1);
	test_assert_int(l.n, mark + 2);
	test_assert(l.ev[mark].type == STORE_EV_CREATED && l.ev[mark].fid == inbox &&
	            l.ev[mark].mid == m && !l.ev[mark].associated);
	test_assert(l.ev[mark + 1].type == STORE_EV_NEWMAIL && l.ev[mark + 1].mid == m);
	test_assert_str(l.ev[mark + 1].message_class, "IPM.Note");
	/* Outside the Inbox there is no new-mail event; FAI are flagged. */
	mark = l.n;
	add_message(mbox, drafts, "d", 2, 1);
	test_assert_int(l.n, mark + 1);
	struct store_message *fai;
	test_assert_int(store_message_create(NULL, mbox, inbox, true, &fai), 0);
	test_assert_int(store_message_save(fai, false), 0);
	test_assert(l.ev[l.n - 1].type == STORE_EV_CREATED && l.ev[l.n - 1].associated);
	store_message_close(&fai);
	mark = l.n;
	test_assert_int(store_messages_copy(mbox, inbox, drafts, &m, 1, &copy), 0);
	test_assert_int(l.n, mark + 1);
	test_assert(l.ev[mark].type == STORE_EV_COPIED && l.ev[mark].fid == drafts &&
	            l.ev[mark].mid == copy && l.ev[mark].old_fid == inbox &&
	            l.ev[mark].old_mid == m);
	mark = l.n;
	test_assert_int(store_messages_move(mbox, drafts, inbox, &copy, 1, &moved), 0);
	test_assert_int(l.n, mark + 1);
	test_assert(l.ev[mark].type == STORE_EV_MOVED && l.ev[mark].fid == inbox &&
	            l.ev[mark].mid == moved && l.ev[mark].old_fid == drafts &&
	            l.ev[mark].old_mid == copy);
	mark = l.n;
	test_assert_int(store_messages_set_read(mbox, inbox, &m, 1, true), 0);
	test_assert_int(l.n, mark + 1);
	test_assert(l.ev[mark].type == STORE_EV_MODIFIED && l.ev[mark].mid == m);
	mark = l.n;
	test_assert_int(store_messages_delete(mbox, inbox, &m, 1, 0, NULL), 0);
	test_assert_int(l.n, mark + 1);
	test_assert(l.ev[mark].type == STORE_EV_DELETED && l.ev[mark].mid == m);
	/* Deleting what is gone publishes nothing for it. */
	mark = l.n;
	bool partial = false;
	test_assert_int(store_messages_delete(mbox, inbox, &m, 1, STORE_DEL_HARD, &partial), 0);
	test_assert(partial);
	test_assert_int(l.n, mark);
	store_unsubscribe(store, sub);
	store_mailbox_close(&mbox);
	test_end();
}

int main(void)
{
	const char *error;
	char *dir = tmp_data_dir(NULL);
	struct store_settings s = {.nosync = true, .mapsize = 1ULL << 30};
	if (store_open(NULL, dir, &s, &store, &error) != 0)
		return 1;
	test_folder_events();
	test_message_events();
	store_close(&store);
	rm_rf(dir);
	talloc_free(dir);
	return test_exit();
}
