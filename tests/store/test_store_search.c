/* Search folders: criteria, population, keeping current, events, errors. */
#include "rop_restriction.h"
#include "test.h"
#include "store_test_util.h"
#include "mapi_restrict.h"

#define PR_SUBJECT        PROP_TAG(PT_UNICODE, 0x0037)
#define PR_IMPORTANCE     PROP_TAG(PT_LONG, 0x0017)
#define PR_MID            PROP_TAG(PT_I8, 0x674A)
#define PR_PARENT_FID     PROP_TAG(PT_I8, 0x6749)
#define PR_CONTENT_COUNT  PROP_TAG(PT_LONG, 0x3602)
#define PR_CONTENT_UNREAD PROP_TAG(PT_LONG, 0x3603)
#define PR_FOLDER_TYPE    PROP_TAG(PT_LONG, 0x3601)
#define PR_DISPLAY_NAME   PROP_TAG(PT_UNICODE, 0x3001)
#define PR_MESSAGE_SIZE   PROP_TAG(PT_LONG, 0x0E08)
#define PR_MESSAGE_RECIPS PROP_TAG(PT_OBJECT, 0x0E12)

static struct store *store;
static char *dir;

/* Events seen by the subscription. */
static struct store_event seen[64];
static int seen_count;

static void on_event(const struct store_event *ev, void *ctx)
{
	(void)ctx;
	if (seen_count < 64)
		seen[seen_count++] = *ev;
}

static int events_of(enum store_event_type type, uint64_t fid, uint64_t mid)
{
	int n = 0;
	for (int i = 0; i < seen_count; i++)
		n += seen[i].type == type && seen[i].fid == fid && seen[i].mid == mid;
	return n;
}

static int32_t folder_i32(struct store_mailbox *mbox, uint64_t fid, uint32_t tag)
{
	struct mapi_proptag_array tags = {1, &tag};
	struct mapi_propval_array vals;
	if (store_folder_get_props(NULL, mbox, fid, &tags, &vals) != 0)
		return -1000;
	int32_t v = PROP_TYPE(vals.vals[0].tag) == PT_LONG ? vals.vals[0].v.i32 : -2000;
	talloc_free(vals.vals);
	return v;
}

/* The search folder's rows as (mid, parent fid), in mid order. */
static uint32_t rows_of(struct store_mailbox *mbox, uint64_t sfid, uint64_t *mids,
                        uint64_t *parents)
{
	struct store_table *t;
	struct mapi_propval_array *rows;
	uint32_t n = 0, cols[2] = {PR_MID, PR_PARENT_FID};
	struct mapi_proptag_array ca = {2, cols};
	struct mapi_sort_order so = {PR_MID, TABLE_SORT_ASCEND};
	struct mapi_sort_order_set ss = {1, 0, 0, &so};
	if (store_table_open(NULL, mbox, sfid, STORE_TABLE_CONTENTS, 0, &t) != 0)
		return 9999;
	if (store_table_set_columns(t, &ca) == 0 && store_table_sort(t, &ss) == 0 &&
	    store_table_query_rows(NULL, t, 100, true, &rows, &n) == 0) {
		for (uint32_t i = 0; i < n; i++) {
			mids[i] = rows[i].vals[0].v.i64;
			parents[i] = rows[i].vals[1].v.i64;
		}
		talloc_free(rows);
	}
	store_table_close(&t);
	return n;
}

static void set_subject(struct store_mailbox *mbox, uint64_t fid, uint64_t mid, const char *s)
{
	struct store_message *msg;
	struct mapi_propval v = pv_str(PR_SUBJECT, s);
	struct mapi_propval_array vals = {1, &v};
	if (store_message_open(NULL, mbox, fid, mid, &msg) != 0 ||
	    store_message_set_props(msg, &vals) != 0 || store_message_save(msg, false) != 0)
		abort();
	store_message_close(&msg);
}

static struct mapi_restriction alpha_res(void)
{
	struct mapi_restriction r = {.rt = RES_CONTENT};
	r.u.content.fuzzy_level = FL_SUBSTRING | FL_IGNORECASE;
	r.u.content.proptag = PR_SUBJECT;
	r.u.content.val = pv_str(PR_SUBJECT, "alpha");
	return r;
}

static void test_errors(void)
{
	test_begin("search criteria: errors");
	struct store_mailbox *mbox = test_mailbox(NULL, store, 40);
	uint64_t inbox = store_special_fid(mbox, STORE_FOLDER_INBOX);
	uint64_t finder = store_special_fid(mbox, STORE_FOLDER_FINDER);
	uint64_t sf, sf2;
	struct mapi_restriction r = alpha_res();
	uint32_t state;
	test_assert_int(store_folder_create(mbox, finder, "S", NULL, STORE_FOLDER_SEARCH, &sf), 0);
	test_assert_int(folder_i32(mbox, sf, PR_FOLDER_TYPE), 2);
	test_assert_int(store_folder_create(mbox, finder, "S2", NULL, STORE_FOLDER_SEARCH, &sf2),
	                0);
	test_assert_int(store_search_get_criteria(NULL, mbox, sf, NULL, NULL, NULL, &state),
	                STORE_E_NOTINIT);
	test_assert_int(store_search_get_criteria(NULL, mbox, inbox, NULL, NULL, NULL, &state),
	                STORE_E_NOTSEARCH);
	test_assert_int(store_search_set_criteria(mbox, inbox, &r, &inbox, 1, 0),
	                STORE_E_NOTSEARCH);
	test_assert_int(store_search_set_criteria(mbox, MAPI_ID_MAKE(1, 999999), &r, &inbox, 1, 0),
	                STORE_E_NOTFOUND);
	/* The first search needs a restriction and a scope. */
	test_assert_int(store_search_set_criteria(mbox, sf, NULL, &inbox, 1, 0), STORE_E_INVALID);
	test_assert_int(store_search_set_criteria(mbox, sf, &r, NULL, 0, 0), STORE_E_INVALID);
	uint64_t missing = MAPI_ID_MAKE(1, 888888);
	test_assert_int(store_search_set_criteria(mbox, sf, &r, &missing, 1, 0), STORE_E_NOTFOUND);
	test_assert_int(store_search_set_criteria(mbox, sf, &r, &sf2, 1, 0), STORE_E_INVALID);
	test_assert_int(store_search_set_criteria(mbox, sf, &r, &inbox, 1,
	                                          STORE_SEARCH_STOP | STORE_SEARCH_RESTART),
	                STORE_E_INVALID);
	test_assert_int(store_search_set_criteria(mbox, sf, &r, &inbox, 1,
	                                          STORE_SEARCH_RECURSE | STORE_SEARCH_SHALLOW),
	                STORE_E_INVALID);
	test_assert_int(store_search_set_criteria(mbox, sf, &r, &inbox, 1, 0x100), STORE_E_INVALID);
	/* None of the failures left criteria behind. */
	test_assert_int(store_search_get_criteria(NULL, mbox, sf, NULL, NULL, NULL, &state),
	                STORE_E_NOTINIT);
	/* A search folder takes FAI messages, not normal ones. */
	struct store_message *msg;
	test_assert_int(store_message_create(NULL, mbox, sf, false, &msg), STORE_E_NOTSUPPORTED);
	test_assert_int(store_message_create(NULL, mbox, sf, true, &msg), 0);
	test_assert_int(store_message_save(msg, false), 0);
	store_message_close(&msg);
	store_mailbox_close(&mbox);
	test_end();
}

struct world {
	struct store_mailbox *mbox;
	uint64_t inbox, drafts, projects, sub, sf;
	uint64_t m_inbox_alpha, m_inbox_beta, m_proj_alpha, m_sub_alpha, m_drafts_alpha;
};

static void make_world(struct world *w, uint8_t seed)
{
	w->mbox = test_mailbox(NULL, store, seed);
	w->inbox = store_special_fid(w->mbox, STORE_FOLDER_INBOX);
	w->drafts = store_special_fid(w->mbox, STORE_FOLDER_DRAFTS);
	uint64_t ipm = store_special_fid(w->mbox, STORE_FOLDER_IPM_SUBTREE);
	uint64_t finder = store_special_fid(w->mbox, STORE_FOLDER_FINDER);
	if (store_folder_create(w->mbox, ipm, "Projects", NULL, STORE_FOLDER_GENERIC,
	                        &w->projects) != 0 ||
	    store_folder_create(w->mbox, w->projects, "Sub", NULL, STORE_FOLDER_GENERIC, &w->sub) !=
	        0 ||
	    store_folder_create(w->mbox, finder, "Alpha", NULL, STORE_FOLDER_SEARCH, &w->sf) != 0)
		abort();
	w->m_inbox_alpha = add_message(w->mbox, w->inbox, "Alpha report", 1, 2);
	w->m_inbox_beta = add_message(w->mbox, w->inbox, "beta", 2, 1);
	w->m_proj_alpha = add_message(w->mbox, w->projects, "alpha plan", 3, 1);
	w->m_sub_alpha = add_message(w->mbox, w->sub, "deep alpha", 4, 1);
	w->m_drafts_alpha = add_message(w->mbox, w->drafts, "alpha draft", 5, 1);
}

static void test_populate(void)
{
	test_begin("search folder: populate shallow and recursive, get criteria");
	struct world w;
	make_world(&w, 41);
	struct mapi_restriction r = alpha_res();
	uint64_t scope[2] = {w.inbox, w.projects}, mids[16], parents[16];
	test_assert_int(store_search_set_criteria(w.mbox, w.sf, &r, scope, 2, STORE_SEARCH_SHALLOW),
	                0);
	test_assert_int(rows_of(w.mbox, w.sf, mids, parents), 2);
	test_assert(mids[0] == w.m_inbox_alpha && parents[0] == w.inbox);
	test_assert(mids[1] == w.m_proj_alpha && parents[1] == w.projects);
	test_assert_int(folder_i32(w.mbox, w.sf, PR_CONTENT_COUNT), 2);
	test_assert_int(folder_i32(w.mbox, w.sf, PR_CONTENT_UNREAD), 2);
	/* The real folders are untouched. */
	test_assert_int(folder_i32(w.mbox, w.inbox, PR_CONTENT_COUNT), 2);

	struct mapi_restriction *got;
	uint64_t *fids;
	uint32_t n, state;
	test_assert_int(store_search_get_criteria(NULL, w.mbox, w.sf, &got, &fids, &n, &state), 0);
	test_assert_int(n, 2);
	test_assert(fids[0] == w.inbox && fids[1] == w.projects);
	test_assert_int(state, STORE_SEARCH_RUNNING | STORE_SEARCH_COMPLETE);
	test_assert_int(got->rt, RES_CONTENT);
	test_assert_int(got->u.content.proptag, PR_SUBJECT);
	test_assert_str(got->u.content.val.v.str, "alpha");
	talloc_free(got);
	talloc_free(fids);

	/* Recursive, reusing the restriction and the scope. */
	test_assert_int(
	    store_search_set_criteria(w.mbox, w.sf, NULL, NULL, 0, STORE_SEARCH_RECURSE), 0);
	test_assert_int(rows_of(w.mbox, w.sf, mids, parents), 3);
	test_assert(mids[2] == w.m_sub_alpha && parents[2] == w.sub);
	test_assert_int(store_search_get_criteria(NULL, w.mbox, w.sf, NULL, NULL, NULL, &state), 0);
	test_assert_int(state,
	                STORE_SEARCH_RUNNING | STORE_SEARCH_RECURSIVE | STORE_SEARCH_COMPLETE);
	/* A new restriction over the same scope replaces the links. */
	struct mapi_restriction imp = {.rt = RES_PROPERTY};
	imp.u.prop.relop = RELOP_EQ;
	imp.u.prop.proptag = PR_IMPORTANCE;
	imp.u.prop.val = pv_i32(PR_IMPORTANCE, 2);
	test_assert_int(store_search_set_criteria(w.mbox, w.sf, &imp, NULL, 0, 0), 0);
	test_assert_int(rows_of(w.mbox, w.sf, mids, parents), 1);
	test_assert(mids[0] == w.m_inbox_alpha);
	test_assert_int(folder_i32(w.mbox, w.sf, PR_CONTENT_COUNT), 1);
	store_mailbox_close(&w.mbox);
	test_end();
}

static void test_current(void)
{
	test_begin("search folder: kept current, with events");
	struct world w;
	make_world(&w, 42);
	struct mapi_restriction r = alpha_res();
	uint64_t scope[2] = {w.inbox, w.projects}, mids[16], parents[16], new_mid;
	test_assert_int(store_search_set_criteria(w.mbox, w.sf, &r, scope, 2, STORE_SEARCH_RECURSE),
	                0);
	test_assert_int(rows_of(w.mbox, w.sf, mids, parents), 3);
	int sub = store_subscribe(store, NULL, on_event, NULL);
	test_assert(sub > 0);
	seen_count = 0;
	/* A new matching message appears, and its event names the search. */
	uint64_t m_new = add_message(w.mbox, w.inbox, "ALPHA news", 6, 0);
	test_assert_int(rows_of(w.mbox, w.sf, mids, parents), 4);
	test_assert_int(events_of(STORE_EV_CREATED, w.sf, m_new), 1);
	/* A non-matching one does not. */
	uint64_t m_other = add_message(w.mbox, w.inbox, "gamma", 7, 0);
	test_assert_int(rows_of(w.mbox, w.sf, mids, parents), 4);
	test_assert_int(events_of(STORE_EV_CREATED, w.sf, m_other), 0);
	/* Modified into and out of the criteria. */
	set_subject(w.mbox, w.inbox, w.m_inbox_beta, "beta alpha");
	test_assert_int(rows_of(w.mbox, w.sf, mids, parents), 5);
	set_subject(w.mbox, w.inbox, w.m_inbox_alpha, "omega");
	test_assert_int(rows_of(w.mbox, w.sf, mids, parents), 4);
	test_assert_int(events_of(STORE_EV_DELETED, w.sf, w.m_inbox_alpha), 1);
	/* Read flags: the unread count follows, the row is modified. */
	test_assert_int(folder_i32(w.mbox, w.sf, PR_CONTENT_UNREAD), 4);
	test_assert_int(store_messages_set_read(w.mbox, w.inbox, &m_new, 1, true), 0);
	test_assert_int(folder_i32(w.mbox, w.sf, PR_CONTENT_UNREAD), 3);
	test_assert_int(events_of(STORE_EV_MODIFIED, w.sf, m_new), 1);
	/* Moved out of the scope and back in (with a new ID). */
	test_assert_int(store_messages_move(w.mbox, w.inbox, w.drafts, &m_new, 1, &new_mid), 0);
	test_assert_int(rows_of(w.mbox, w.sf, mids, parents), 3);
	uint64_t back;
	test_assert_int(store_messages_move(w.mbox, w.drafts, w.projects, &new_mid, 1, &back), 0);
	test_assert_int(rows_of(w.mbox, w.sf, mids, parents), 4);
	/* Copies in scope match too. */
	uint64_t copy;
	test_assert_int(store_messages_copy(w.mbox, w.drafts, w.inbox, &w.m_drafts_alpha, 1, &copy),
	                0);
	test_assert_int(rows_of(w.mbox, w.sf, mids, parents), 5);
	/* Soft and hard deletes remove the link. */
	test_assert_int(store_messages_delete(w.mbox, w.inbox, &copy, 1, 0, NULL), 0);
	test_assert_int(rows_of(w.mbox, w.sf, mids, parents), 4);
	test_assert_int(store_messages_delete(w.mbox, w.projects, &back, 1, STORE_DEL_HARD, NULL),
	                0);
	test_assert_int(rows_of(w.mbox, w.sf, mids, parents), 3);
	test_assert_int(folder_i32(w.mbox, w.sf, PR_CONTENT_COUNT), 3);
	/* A subfolder moved out of a recursive scope takes its messages. */
	uint64_t ipm = store_special_fid(w.mbox, STORE_FOLDER_IPM_SUBTREE);
	test_assert_int(store_folder_move(w.mbox, w.sub, ipm, NULL), 0);
	test_assert_int(rows_of(w.mbox, w.sf, mids, parents), 2);
	test_assert_int(store_folder_move(w.mbox, w.sub, w.projects, NULL), 0);
	test_assert_int(rows_of(w.mbox, w.sf, mids, parents), 3);
	/* Emptying a scope folder. */
	test_assert_int(store_folder_empty(w.mbox, w.sub, 0), 0);
	test_assert_int(rows_of(w.mbox, w.sf, mids, parents), 2);
	test_assert_int(folder_i32(w.mbox, w.sf, PR_CONTENT_COUNT), 2);
	/* Deleting through the search folder deletes the message itself. */
	uint32_t in_inbox = (uint32_t)folder_i32(w.mbox, w.inbox, PR_CONTENT_COUNT);
	test_assert_int(rows_of(w.mbox, w.sf, mids, parents), 2);
	uint64_t victim = mids[0], victim_folder = parents[0];
	bool partial = true;
	test_assert_int(store_messages_delete(w.mbox, w.sf, &victim, 1, 0, &partial), 0);
	test_assert(!partial);
	test_assert_int(rows_of(w.mbox, w.sf, mids, parents), 1);
	if (victim_folder == w.inbox)
		test_assert_int(folder_i32(w.mbox, w.inbox, PR_CONTENT_COUNT), in_inbox - 1);
	test_assert_int(store_messages_delete(w.mbox, w.sf, &victim, 1, 0, &partial), 0);
	test_assert(partial);
	store_unsubscribe(store, sub);
	char *report = NULL;
	test_assert_int(store_mailbox_check(NULL, w.mbox, &report), 0);
	talloc_free(report);
	store_mailbox_close(&w.mbox);
	test_end();
}

static void test_stop_static(void)
{
	test_begin("search folder: stop, restart, static, delete, persistence");
	struct world w;
	make_world(&w, 43);
	struct mapi_restriction r = alpha_res();
	uint64_t mids[16], parents[16];
	uint32_t state;
	test_assert_int(store_search_set_criteria(w.mbox, w.sf, &r, &w.inbox, 1, 0), 0);
	test_assert_int(rows_of(w.mbox, w.sf, mids, parents), 1);
	test_assert_int(store_search_set_criteria(w.mbox, w.sf, NULL, NULL, 0, STORE_SEARCH_STOP),
	                0);
	test_assert_int(store_search_get_criteria(NULL, w.mbox, w.sf, NULL, NULL, NULL, &state), 0);
	test_assert_int(state & STORE_SEARCH_RUNNING, 0);
	add_message(w.mbox, w.inbox, "alpha while stopped", 9, 0);
	test_assert_int(rows_of(w.mbox, w.sf, mids, parents), 1);
	test_assert_int(
	    store_search_set_criteria(w.mbox, w.sf, NULL, NULL, 0, STORE_SEARCH_RESTART), 0);
	test_assert_int(rows_of(w.mbox, w.sf, mids, parents), 2);
	/* Static: filled once, then left alone. */
	test_assert_int(
	    store_search_set_criteria(w.mbox, w.sf, NULL, NULL, 0, STORE_SEARCH_STATIC_SET), 0);
	test_assert_int(store_search_get_criteria(NULL, w.mbox, w.sf, NULL, NULL, NULL, &state), 0);
	test_assert(state & STORE_SEARCH_STATIC);
	add_message(w.mbox, w.inbox, "alpha after static", 10, 0);
	test_assert_int(rows_of(w.mbox, w.sf, mids, parents), 2);
	/* Criteria survive closing the store. */
	struct mapi_guid g;
	struct store_mailbox_ident id;
	store_mailbox_ident(w.mbox, &id);
	g = id.mailbox_guid;
	store_mailbox_close(&w.mbox);
	store_close(&store);
	const char *error;
	test_assert_int(store_open(NULL, dir,
	                           &(struct store_settings){.nosync = true, .mapsize = 1ULL << 30},
	                           &store, &error),
	                0);
	test_assert_int(store_mailbox_open(NULL, store, &g, &w.mbox, &error), 0);
	struct mapi_restriction *got;
	test_assert_int(store_search_get_criteria(NULL, w.mbox, w.sf, &got, NULL, NULL, &state), 0);
	test_assert_int(got->rt, RES_CONTENT);
	talloc_free(got);
	test_assert_int(rows_of(w.mbox, w.sf, mids, parents), 2);
	/* Deleting the search folder drops its criteria and links, not the
	 * messages. */
	test_assert_int(store_folder_delete(w.mbox, w.sf, STORE_DEL_HARD), 0);
	test_assert_int(store_search_get_criteria(NULL, w.mbox, w.sf, NULL, NULL, NULL, &state),
	                STORE_E_NOTFOUND);
	test_assert_int(folder_i32(w.mbox, w.inbox, PR_CONTENT_COUNT), 4);
	char *report = NULL;
	test_assert_int(store_mailbox_check(NULL, w.mbox, &report), 0);
	talloc_free(report);
	store_mailbox_close(&w.mbox);
	test_end();
}

static void test_every_restriction_type(void)
{
	test_begin("search criteria: every restriction type kept and applied");
	struct world w;
	make_world(&w, 44);
	struct mapi_restriction content = alpha_res();
	struct mapi_restriction exist = {.rt = RES_EXIST};
	exist.u.exist.proptag = PR_SUBJECT;
	struct mapi_restriction prop = {.rt = RES_PROPERTY};
	prop.u.prop.relop = RELOP_LE;
	prop.u.prop.proptag = PR_IMPORTANCE;
	prop.u.prop.val = pv_i32(PR_IMPORTANCE, 2);
	struct mapi_restriction cmp = {.rt = RES_COMPAREPROPS};
	cmp.u.compare.relop = RELOP_EQ;
	cmp.u.compare.proptag1 = PR_SUBJECT;
	cmp.u.compare.proptag2 = PR_SUBJECT;
	struct mapi_restriction bm = {.rt = RES_BITMASK};
	bm.u.bitmask.relop = BMR_EQZ;
	bm.u.bitmask.proptag = PR_IMPORTANCE;
	bm.u.bitmask.mask = 0x4;
	struct mapi_restriction size = {.rt = RES_SIZE};
	size.u.size.relop = RELOP_GT;
	size.u.size.proptag = PR_SUBJECT;
	size.u.size.size = 1;
	struct mapi_restriction never = {.rt = RES_EXIST};
	never.u.exist.proptag = PROP_TAG(PT_LONG, 0x7FF0);
	struct mapi_restriction notr = {.rt = RES_NOT};
	notr.u.not_.res = &never;
	struct mapi_restriction sub = {.rt = RES_SUBRESTRICTION};
	sub.u.sub.subobject = PR_MESSAGE_RECIPS;
	sub.u.sub.res = &exist;
	struct mapi_restriction notsub = {.rt = RES_NOT};
	notsub.u.not_.res = &sub;
	struct mapi_propval cv[2] = {pv_i32(PROP_TAG(PT_LONG, 0x6000), 7),
	                             pv_str(PROP_TAG(PT_UNICODE, 0x6001), "note")};
	struct mapi_restriction comment = {.rt = RES_COMMENT};
	comment.u.comment.count = 2;
	comment.u.comment.vals = cv;
	comment.u.comment.res = &exist;
	struct mapi_restriction count = {.rt = RES_COUNT};
	count.u.count.count = 100;
	count.u.count.res = &size;
	struct mapi_restriction orr = {.rt = RES_OR};
	struct mapi_restriction or_parts[2] = {content, never};
	orr.u.andor.count = 2;
	orr.u.andor.res = or_parts;
	struct mapi_restriction parts[10] = {orr,  exist, prop,   cmp,     bm,
	                                     size, notr,  notsub, comment, count};
	struct mapi_restriction all = {.rt = RES_AND};
	all.u.andor.count = 10;
	all.u.andor.res = parts;
	uint64_t scope[3] = {w.inbox, w.projects, w.drafts}, mids[16], parents[16];
	test_assert_int(store_search_set_criteria(w.mbox, w.sf, &all, scope, 3, 0), 0);
	/* Every alpha message in the three folders (none has recipients). */
	test_assert_int(rows_of(w.mbox, w.sf, mids, parents), 3);
	struct mapi_restriction *got;
	uint32_t state;
	test_assert_int(store_search_get_criteria(NULL, w.mbox, w.sf, &got, NULL, NULL, &state), 0);
	test_assert(rop_restriction_equal(&all, got));
	talloc_free(got);
	/* A restriction the evaluator cannot apply (a content restriction on
	 * a number) matches nothing, and does not stop messages being saved. */
	struct mapi_restriction bad = {.rt = RES_CONTENT};
	bad.u.content.fuzzy_level = FL_SUBSTRING;
	bad.u.content.proptag = PR_IMPORTANCE;
	bad.u.content.val = pv_i32(PR_IMPORTANCE, 1);
	test_assert_int(store_search_set_criteria(w.mbox, w.sf, &bad, NULL, 0, 0), 0);
	test_assert_int(rows_of(w.mbox, w.sf, mids, parents), 0);
	struct store_message *msg;
	struct mapi_propval sv = pv_str(PR_SUBJECT, "alpha after bad criteria");
	struct mapi_propval_array svals = {1, &sv};
	test_assert_int(store_message_create(NULL, w.mbox, w.inbox, false, &msg), 0);
	test_assert_int(store_message_set_props(msg, &svals), 0);
	test_assert_int(store_message_save(msg, false), 0);
	store_message_close(&msg);
	test_assert_int(rows_of(w.mbox, w.sf, mids, parents), 0);
	store_mailbox_close(&w.mbox);
	test_end();
}

int main(void)
{
	const char *error;
	dir = tmp_data_dir(NULL);
	struct store_settings s = {.nosync = true, .mapsize = 1ULL << 30};
	if (store_open(NULL, dir, &s, &store, &error) != 0)
		return 1;
	test_errors();
	test_populate();
	test_current();
	test_stop_static();
	test_every_restriction_type();
	store_close(&store);
	rm_rf(dir);
	talloc_free(dir);
	return test_exit();
}
