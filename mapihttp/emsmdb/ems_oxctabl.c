/*
 * Table ROPs ([MS-OXCTABL] 3.2.5) on hierarchy and contents tables, over
 * store_table.  Columns keep the types the client asked; string columns
 * are read from the store as PtypUnspecified and converted (ems_props.c).
 */
#include <string.h>

#include "ems_table.h"
#include "notif.h"

#define TBLSTAT_COMPLETE   0x00 /* [MS-OXCTABL] 2.2.2.1.3 */
#define BOOKMARK_BEGINNING 0x00
#define BOOKMARK_CURRENT   0x01
#define BOOKMARK_END       0x02
#define BOOKMARK_CUSTOM    0x03

/* Called on a store writer's thread: only notes the table and wakes the
 * session's waiter (store_table_watch). */
static void mark_pending(struct ems_table *t)
{
	struct ems_session *s = t->session;

	pthread_mutex_lock(&s->ev_lock);
	if (!t->pending) {
		t->pending = true;
		s->tables_pending++;
	}
	pthread_mutex_unlock(&s->ev_lock);
}

static void table_changed(void *ctx)
{
	struct ems_table *t = ctx;
	struct ems_session *s = t->session;
	void (*cb)(void *arg);
	void *arg;

	mark_pending(t);
	pthread_mutex_lock(&s->ev_lock);
	cb = s->ev_cb;
	arg = s->ev_arg;
	pthread_mutex_unlock(&s->ev_lock);
	if (cb != NULL)
		cb(arg);
}

static int table_destructor(struct ems_table *t)
{
	struct ems_session *s = t->session;

	/* no table_changed runs after this returns */
	if (t->st != NULL)
		store_table_close(&t->st);
	if (!t->watched)
		return 0;
	pthread_mutex_lock(&s->ev_lock);
	if (t->pending)
		s->tables_pending--;
	t->pending = false;
	pthread_mutex_unlock(&s->ev_lock);
	for (uint32_t i = 0; i < s->watched_count; i++) {
		if (s->watched[i] == t) {
			s->watched[i] = s->watched[--s->watched_count];
			break;
		}
	}
	return 0;
}

static uint32_t watch(struct ems_session *s, struct ems_table *t)
{
	struct ems_table **w =
	    talloc_realloc(s, s->watched, struct ems_table *, s->watched_count + 1);

	if (w == NULL)
		return EC_OutOfMemory;
	s->watched = w;
	if (store_table_watch(t->st, table_changed, t) != 0)
		return EC_GeneralFailure;
	w[s->watched_count++] = t;
	t->watched = true;
	return 0;
}

uint32_t ems_table_open(struct ems_rop_ctx *c, enum store_table_kind kind, uint64_t fid,
                        unsigned flags, bool unicode, bool notify, uint32_t *row_count_r)
{
	struct ems_object *obj;
	struct ems_table *t;
	uint32_t ec, pos;
	int ret;

	obj = ems_object_new(c->s, c->in, EMS_OBJ_TABLE, c->logon, &ec);
	if (obj == NULL)
		return ec;
	t = talloc_zero(obj, struct ems_table);
	if (t == NULL) {
		ems_object_release(obj);
		return EC_OutOfMemory;
	}
	obj->u.table = t;
	t->kind = kind;
	t->unicode = unicode;
	t->fid = fid;
	t->session = c->s;
	t->handle = obj->handle;
	t->logon_id = c->logon->logon_id;
	talloc_set_destructor(t, table_destructor);
	ret = store_table_open(t, c->logon->mbox, fid, kind, flags, &t->st);
	if (ret == 0)
		ret = store_table_position(t->st, &pos, row_count_r);
	if (ret != 0) {
		ems_object_release(obj);
		return ems_ec_from_store(ret);
	}
	/* [MS-OXCFOLD] 2.2.1.13.1: without NoNotifications the table notifies */
	if (notify && (ec = watch(c->s, t)) != 0) {
		ems_object_release(obj);
		return ec;
	}
	c->out = obj;
	return 0;
}

uint32_t ems_table_open_attachments(struct ems_rop_ctx *c, bool unicode)
{
	struct store_message *msg = c->in->u.message.msg;
	struct ems_object *obj;
	struct ems_table *t;
	uint32_t ec, *nums, count = 0;
	int ret;

	obj = ems_object_new(c->s, c->in, EMS_OBJ_TABLE, c->logon, &ec);
	if (obj == NULL)
		return ec;
	t = talloc_zero(obj, struct ems_table);
	if (t == NULL)
		goto nomem;
	obj->u.table = t;
	t->unicode = unicode;
	t->session = c->s;
	talloc_set_destructor(t, table_destructor);
	ret = store_message_attach_list(t, msg, &nums, &count);
	if (ret != 0) {
		ems_object_release(obj);
		return ems_ec_from_store(ret);
	}
	t->mrows = talloc_zero_array(t, struct mapi_propval_array, count ? count : 1);
	if (t->mrows == NULL)
		goto nomem;
	for (uint32_t i = 0; i < count; i++) {
		struct mapi_propval_array *a = &t->mrows[i];
		struct mapi_proptag_array tags;
		/* PidTagAttachNumber comes first ([MS-OXCMSG] 2.2.2.6) */
		ret = store_message_attach_tags(t->mrows, msg, nums[i], &tags);
		if (ret == 0)
			ret = store_message_attach_get_props(t->mrows, msg, nums[i], &tags, a);
		if (ret != 0) {
			ems_object_release(obj);
			return ems_ec_from_store(ret);
		}
	}
	t->mcount = count;
	c->out = obj;
	return 0;
nomem:
	ems_object_release(obj);
	return EC_OutOfMemory;
}

struct ems_table *ems_table_of(struct ems_rop_ctx *c)
{
	return c->in->u.table;
}

/* [MS-OXCTABL] 3.2.5.2 */
uint32_t ems_rop_set_columns(struct ems_rop_ctx *c, const struct rop_request *req,
                             struct rop_response *resp)
{
	const struct mapi_proptag_array *cols = &req->u.set_columns.tags;
	struct ems_table *t = ems_table_of(c);
	const struct mapi_proptag_array *st;
	uint32_t *copy;
	int ret;

	if (cols->count == 0)
		return EC_InvalidParameter;
	for (uint32_t i = 0; i < cols->count; i++) {
		uint16_t type = PROP_TYPE(cols->tags[i]);
		/* [MS-OXCTABL] 3.2.5.2: PtypUnspecified and error types are
		 * not columns */
		if (type == PT_UNSPECIFIED || type == PT_ERROR)
			return EC_InvalidParameter;
	}
	copy = talloc_memdup(t, cols->tags, cols->count * sizeof(uint32_t));
	st = ems_table_store_tags(t, cols, t->sort);
	if (copy == NULL || st == NULL)
		return EC_OutOfMemory;
	ret = t->st != NULL ? store_table_set_columns(t->st, st) : 0;
	if (ret != 0)
		return ems_ec_from_store(ret);
	talloc_free(t->columns.tags);
	talloc_free((void *)t->store_columns);
	t->columns.tags = copy;
	t->columns.count = cols->count;
	t->store_columns = st;
	t->columns_set = true;
	resp->u.set_columns.table_status = TBLSTAT_COMPLETE;
	return 0;
}

/* [MS-OXCTABL] 3.2.5.3 */
uint32_t ems_rop_sort_table(struct ems_rop_ctx *c, const struct rop_request *req,
                            struct rop_response *resp)
{
	int ret;

	if (ems_table_of(c)->st == NULL)
		return EC_NotSupported;
	struct ems_table *t = ems_table_of(c);
	struct mapi_sort_order_set *so = ems_sort_unicode(t, &req->u.sort_table.sorts);
	const struct mapi_proptag_array *st = NULL;

	if (so == NULL)
		return EC_OutOfMemory;
	/* the columns again, read by the new category tags */
	if (t->columns_set) {
		st = ems_table_store_tags(t, &t->columns, so);
		if (st == NULL) {
			talloc_free(so);
			return EC_OutOfMemory;
		}
		ret = store_table_set_columns(t->st, st);
		if (ret != 0) {
			talloc_free(so);
			talloc_free((void *)st);
			return ems_ec_from_store(ret);
		}
		talloc_free((void *)t->store_columns);
		t->store_columns = st;
	}
	ret = store_table_sort(t->st, so);
	if (ret != 0) {
		talloc_free(so);
		return ems_ec_from_store(ret);
	}
	talloc_free((void *)t->sort);
	t->sort = so;
	resp->u.sort_table.table_status = TBLSTAT_COMPLETE;
	return 0;
}

/* [MS-OXCTABL] 3.2.5.4 */
uint32_t ems_rop_restrict_(struct ems_rop_ctx *c, const struct rop_request *req,
                           struct rop_response *resp)
{
	int ret;

	if (ems_table_of(c)->st == NULL)
		return EC_NotSupported;
	const struct mapi_restriction *res = ems_res_unicode(c->mem, req->u.restrict_.restriction);
	if (res == NULL && req->u.restrict_.restriction != NULL)
		return EC_OutOfMemory;
	ret = store_table_restrict(ems_table_of(c)->st, res);

	resp->u.restrict_.table_status = TBLSTAT_COMPLETE;
	return ems_ec_from_store(ret);
}

static void position(struct ems_table *t, uint32_t *pos_r, uint32_t *total_r)
{
	*pos_r = 0;
	*total_r = 0;
	if (t->st == NULL) {
		*pos_r = t->mpos;
		*total_r = t->mcount;
	} else {
		store_table_position(t->st, pos_r, total_r);
	}
}

static uint8_t origin_now(struct ems_table *t)
{
	uint32_t pos = 0, total = 0;

	position(t, &pos, &total);
	if (pos == 0)
		return BOOKMARK_BEGINNING;
	return pos >= total ? BOOKMARK_END : BOOKMARK_CURRENT;
}

/* store_table_seek for both kinds of table. */
static int table_seek(struct ems_table *t, enum store_bookmark origin, int32_t delta,
                      int32_t *moved_r)
{
	int64_t base, pos;

	if (t->st != NULL)
		return store_table_seek(t->st, origin, delta, moved_r);
	base = origin == STORE_BOOKMARK_BEGINNING ? 0
	       : origin == STORE_BOOKMARK_END     ? (int64_t)t->mcount
	                                          : (int64_t)t->mpos;
	pos = base + delta;
	if (pos < 0)
		pos = 0;
	if (pos > (int64_t)t->mcount)
		pos = t->mcount;
	if (moved_r != NULL)
		*moved_r = (int32_t)(pos - base);
	t->mpos = (uint32_t)pos;
	return 0;
}

/* Rows of an attachment table in the table's columns. */
static int mem_query(TALLOC_CTX *mem, struct ems_table *t, uint32_t count, bool forward,
                     struct mapi_propval_array **rows_r, uint32_t *n_r)
{
	uint32_t avail = forward ? t->mcount - t->mpos : t->mpos;
	uint32_t n = count < avail ? count : avail;
	struct mapi_propval_array *rows =
	    talloc_zero_array(mem, struct mapi_propval_array, n ? n : 1);

	if (rows == NULL)
		return STORE_E_NOMEM;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t idx = forward ? t->mpos + i : t->mpos - 1 - i;
		const struct mapi_propval_array *all = &t->mrows[idx];
		rows[i].count = t->columns.count;
		rows[i].vals = talloc_zero_array(rows, struct mapi_propval, t->columns.count);
		if (rows[i].vals == NULL)
			return STORE_E_NOMEM;
		for (uint32_t k = 0; k < t->columns.count; k++) {
			struct mapi_propval *v = &rows[i].vals[k];
			v->tag = CHANGE_PROP_TYPE(t->columns.tags[k], PT_ERROR);
			v->v.err = EC_NotFound;
			for (uint32_t j = 0; j < all->count; j++) {
				if (PROP_ID(all->vals[j].tag) == PROP_ID(t->columns.tags[k]) &&
				    PROP_TYPE(all->vals[j].tag) != PT_ERROR)
					*v = all->vals[j];
			}
		}
	}
	t->mpos = forward ? t->mpos + n : t->mpos - n;
	*rows_r = rows;
	*n_r = n;
	return 0;
}

uint32_t ems_table_read_rows(struct ems_rop_ctx *c, struct ems_table *t, uint32_t count,
                             bool forward, bool no_advance, size_t space, struct rop_row_list *out)
{
	struct mapi_propval_array *rows;
	struct rop_push g;
	uint32_t n = 0, fit = 0;
	int ret;

	/* no more rows than could fit: each takes at least its flag byte and
	 * a byte per column, so a large RowCount reads no more than needed */
	if (count > space / (1 + t->columns.count) + 1)
		count = (uint32_t)(space / (1 + t->columns.count) + 1);
	if (t->st == NULL)
		ret = mem_query(c->mem, t, count, forward, &rows, &n);
	else
		ret = store_table_query_rows(c->mem, t->st, count, forward, &rows, &n);
	if (ret != 0)
		return ems_ec_from_store(ret);
	out->rows = talloc_zero_array(c->mem, struct rop_property_row, n ? n : 1);
	if (out->rows == NULL)
		return EC_OutOfMemory;
	rop_push_init_growable(&g, c->mem);
	for (; fit < n; fit++) {
		struct rop_property_row *r = &out->rows[fit];
		ems_props_fix_types(c->mem, &t->columns, t->unicode, &rows[fit]);
		r->vals = rows[fit];
		r->flag = rop_property_row_flag(&t->columns, &r->vals);
		if (rop_push_property_row(&g, &t->columns, ROP_COUNT_WIDTH_ROP, r) != ROP_OK)
			return EC_GeneralFailure;
		if (g.ofs > space)
			break;
	}
	if (fit == 0 && n > 0) {
		/* not even one row fits: it goes out anyway so that the
		 * response overflows into RopBufferTooSmall, and the cursor
		 * stays for the client's retry */
		fit = 1;
		no_advance = true;
		n = 1;
	}
	if (no_advance || fit < n) {
		int32_t back = (int32_t)(no_advance ? n : n - fit);
		table_seek(t, STORE_BOOKMARK_CURRENT, forward ? -back : back, NULL);
	}
	out->count = fit;
	return 0;
}

#define QUERY_ROWS_NO_ADVANCE 0x01

/* [MS-OXCTABL] 3.2.5.5 */
uint32_t ems_rop_query_rows(struct ems_rop_ctx *c, const struct rop_request *req,
                            struct rop_response *resp)
{
	const struct rop_query_rows_req *q = &req->u.query_rows;
	struct ems_table *t = ems_table_of(c);
	uint32_t ec;

	/* [MS-OXCTABL] 3.2.5.5: columns must have been set */
	if (!t->columns_set)
		return EC_NullObject;
	ec = ems_table_read_rows(c, t, q->row_count, q->forward_read != 0,
	                         (q->query_rows_flags & QUERY_ROWS_NO_ADVANCE) != 0,
	                         c->space > 16 ? c->space - 16 : 0, &resp->u.query_rows.rows);
	if (ec != 0)
		return ec;
	resp->u.query_rows.origin = origin_now(t);
	c->columns = &t->columns;
	return 0;
}

/* [MS-OXCTABL] 3.2.5.7 */
uint32_t ems_rop_get_status(struct ems_rop_ctx *c, const struct rop_request *req,
                            struct rop_response *resp)
{
	resp->u.get_status.table_status = TBLSTAT_COMPLETE;
	return 0;
}

/* [MS-OXCTABL] 3.2.5.8 */
uint32_t ems_rop_query_position(struct ems_rop_ctx *c, const struct rop_request *req,
                                struct rop_response *resp)
{
	position(ems_table_of(c), &resp->u.query_position.numerator,
	         &resp->u.query_position.denominator);
	return 0;
}

static int origin_of(uint8_t origin, enum store_bookmark *b_r)
{
	switch (origin) {
	case BOOKMARK_BEGINNING:
		*b_r = STORE_BOOKMARK_BEGINNING;
		return 0;
	case BOOKMARK_CURRENT:
		*b_r = STORE_BOOKMARK_CURRENT;
		return 0;
	case BOOKMARK_END:
		*b_r = STORE_BOOKMARK_END;
		return 0;
	default:
		return -1;
	}
}

/* [MS-OXCTABL] 3.2.5.9 */
uint32_t ems_rop_seek_row(struct ems_rop_ctx *c, const struct rop_request *req,
                          struct rop_response *resp)
{
	const struct rop_seek_row_req *q = &req->u.seek_row;
	int32_t want = (int32_t)q->row_count, moved = 0;
	enum store_bookmark origin;
	int ret;

	if (origin_of(q->origin, &origin) != 0)
		return EC_InvalidParameter;
	ret = table_seek(ems_table_of(c), origin, want, &moved);
	if (ret != 0)
		return ems_ec_from_store(ret);
	resp->u.seek_row.has_sought_less = moved != want;
	resp->u.seek_row.rows_sought = (uint32_t)moved;
	return 0;
}

static int bookmark_value(const struct mapi_binary *b, uint32_t *v_r)
{
	if (b->len != 4)
		return -1;
	memcpy(v_r, b->data, 4);
	return 0;
}

/* [MS-OXCTABL] 3.2.5.10 */
uint32_t ems_rop_seek_row_bookmark(struct ems_rop_ctx *c, const struct rop_request *req,
                                   struct rop_response *resp)
{
	if (ems_table_of(c)->st == NULL)
		return EC_NotSupported;
	const struct rop_seek_row_bookmark_req *q = &req->u.seek_row_bookmark;
	struct ems_table *t = ems_table_of(c);
	int32_t want = (int32_t)q->row_count, moved = 0;
	bool gone = false;
	uint32_t bm;
	int ret;

	if (bookmark_value(&q->bookmark, &bm) != 0)
		return EC_InvalidBookmark;
	ret = store_table_bookmark_seek(t->st, bm, 0, &gone);
	if (ret == STORE_E_NOTFOUND)
		return EC_InvalidBookmark;
	if (ret == 0)
		ret = store_table_seek(t->st, STORE_BOOKMARK_CURRENT, want, &moved);
	if (ret != 0)
		return ems_ec_from_store(ret);
	resp->u.seek_row_bookmark.row_no_longer_visible = gone;
	resp->u.seek_row_bookmark.has_sought_less = moved != want;
	resp->u.seek_row_bookmark.rows_sought = (uint32_t)moved;
	return 0;
}

/* [MS-OXCTABL] 3.2.5.11 */
uint32_t ems_rop_seek_row_fractional(struct ems_rop_ctx *c, const struct rop_request *req,
                                     struct rop_response *resp)
{
	if (ems_table_of(c)->st == NULL)
		return EC_NotSupported;
	const struct rop_seek_row_fractional_req *q = &req->u.seek_row_fractional;

	if (q->denominator == 0)
		return EC_InvalidParameter;
	return ems_ec_from_store(
	    store_table_seek_fraction(ems_table_of(c)->st, q->numerator, q->denominator));
}

/* [MS-OXCTABL] 3.2.5.12 */
uint32_t ems_rop_create_bookmark(struct ems_rop_ctx *c, const struct rop_request *req,
                                 struct rop_response *resp)
{
	if (ems_table_of(c)->st == NULL)
		return EC_NotSupported;
	struct mapi_binary *b = &resp->u.create_bookmark.bookmark;
	uint32_t bm;
	int ret = store_table_bookmark_create(ems_table_of(c)->st, &bm);

	if (ret != 0)
		return ems_ec_from_store(ret);
	b->len = 4;
	b->data = talloc_memdup(c->mem, &bm, 4);
	return b->data != NULL ? 0 : EC_OutOfMemory;
}

/* [MS-OXCTABL] 3.2.5.15 */
uint32_t ems_rop_free_bookmark(struct ems_rop_ctx *c, const struct rop_request *req,
                               struct rop_response *resp)
{
	if (ems_table_of(c)->st == NULL)
		return EC_NotSupported;
	uint32_t bm;

	if (bookmark_value(&req->u.free_bookmark.bookmark, &bm) != 0)
		return EC_InvalidBookmark;
	return store_table_bookmark_free(ems_table_of(c)->st, bm) == 0 ? 0 : EC_InvalidBookmark;
}

#define FIND_ROW_BACKWARD 0x01

/* [MS-OXCTABL] 3.2.5.14 */
uint32_t ems_rop_find_row(struct ems_rop_ctx *c, const struct rop_request *req,
                          struct rop_response *resp)
{
	if (ems_table_of(c)->st == NULL)
		return EC_NotSupported;
	const struct rop_find_row_req *q = &req->u.find_row;
	struct rop_find_row_resp *r = &resp->u.find_row;
	struct ems_table *t = ems_table_of(c);
	const struct mapi_restriction *res;
	enum store_bookmark origin;
	struct rop_row_list rows;
	bool gone = false;
	uint32_t bm, ec;
	int ret;

	if (!t->columns_set)
		return EC_NullObject;
	if (q->restriction == NULL)
		return EC_InvalidParameter;
	if (q->origin == BOOKMARK_CUSTOM) {
		if (bookmark_value(&q->bookmark, &bm) != 0)
			return EC_InvalidBookmark;
		ret = store_table_bookmark_seek(t->st, bm, 0, &gone);
		if (ret != 0)
			return ret == STORE_E_NOTFOUND ? EC_InvalidBookmark
			                               : ems_ec_from_store(ret);
	} else if (origin_of(q->origin, &origin) != 0) {
		return EC_InvalidParameter;
	} else if (origin != STORE_BOOKMARK_CURRENT) {
		store_table_seek(t->st, origin, 0, NULL);
	}
	res = ems_res_unicode(c->mem, q->restriction);
	if (res == NULL)
		return EC_OutOfMemory;
	ret = store_table_find_row(t->st, res, (q->find_row_flags & FIND_ROW_BACKWARD) == 0);
	if (ret < 0)
		return ems_ec_from_store(ret);
	if (ret == 0)
		return EC_NotFound;
	ec = ems_table_read_rows(c, t, 1, true, true, c->space > 16 ? c->space - 16 : 0, &rows);
	if (ec != 0)
		return ec;
	r->row_no_longer_visible = gone;
	r->has_row_data = rows.count > 0;
	if (rows.count > 0)
		r->row = rows.rows[0];
	c->columns = &t->columns;
	return 0;
}

/* [MS-OXCTABL] 3.2.5.16: restriction, sort and columns are dropped and the
 * cursor goes to the beginning. */
uint32_t ems_rop_reset_table(struct ems_rop_ctx *c, const struct rop_request *req,
                             struct rop_response *resp)
{
	if (ems_table_of(c)->st == NULL) {
		ems_table_of(c)->mpos = 0;
		ems_table_of(c)->columns_set = false;
		return 0;
	}
	struct ems_table *t = ems_table_of(c);
	struct mapi_sort_order_set none = {0, 0, 0, NULL};
	int ret = store_table_restrict(t->st, NULL);

	if (ret == 0)
		ret = store_table_sort(t->st, &none);
	if (ret == 0) {
		talloc_free((void *)t->sort);
		t->sort = NULL;
	}
	if (ret == 0)
		ret = store_table_seek(t->st, STORE_BOOKMARK_BEGINNING, 0, NULL);
	t->columns_set = false;
	return ems_ec_from_store(ret);
}

static const uint32_t hierarchy_columns[] = {
    PROP_TAG(PT_I8, 0x6748),     PROP_TAG(PT_UNICODE, 0x3001), PROP_TAG(PT_LONG, 0x3602),
    PROP_TAG(PT_LONG, 0x3603),   PROP_TAG(PT_BOOLEAN, 0x360A), PROP_TAG(PT_UNICODE, 0x3613),
    PROP_TAG(PT_BINARY, 0x0FFF), PROP_TAG(PT_BINARY, 0x0E09),  PROP_TAG(PT_LONG, 0x3601),
    PROP_TAG(PT_LONG, 0x3005),   PROP_TAG(PT_SYSTIME, 0x3008),
};
static const uint32_t contents_columns[] = {
    PROP_TAG(PT_I8, 0x674A),     PROP_TAG(PT_UNICODE, 0x0037), PROP_TAG(PT_UNICODE, 0x001A),
    PROP_TAG(PT_LONG, 0x0E07),   PROP_TAG(PT_LONG, 0x0E08),    PROP_TAG(PT_SYSTIME, 0x0E06),
    PROP_TAG(PT_BINARY, 0x0FFF), PROP_TAG(PT_I8, 0x674D),      PROP_TAG(PT_LONG, 0x674E),
    PROP_TAG(PT_LONG, 0x0017),   PROP_TAG(PT_SYSTIME, 0x3008), PROP_TAG(PT_UNICODE, 0x0C1A),
};

static const uint32_t attachment_columns[] = {
    PROP_TAG(PT_LONG, 0x0E21),    PROP_TAG(PT_LONG, 0x3705),    PROP_TAG(PT_UNICODE, 0x3707),
    PROP_TAG(PT_UNICODE, 0x3704), PROP_TAG(PT_LONG, 0x0E20),    PROP_TAG(PT_LONG, 0x370B),
    PROP_TAG(PT_UNICODE, 0x3001), PROP_TAG(PT_UNICODE, 0x370E), PROP_TAG(PT_SYSTIME, 0x3008),
};

/* [MS-OXCTABL] 3.2.5.13: the columns every row of this table can answer. */
uint32_t ems_rop_query_columns_all(struct ems_rop_ctx *c, const struct rop_request *req,
                                   struct rop_response *resp)
{
	struct mapi_proptag_array *tags = &resp->u.query_columns_all.tags;
	bool h = ems_table_of(c)->kind == STORE_TABLE_HIERARCHY, a = ems_table_of(c)->st == NULL;
	size_t n = a   ? sizeof(attachment_columns) / 4
	           : h ? sizeof(hierarchy_columns) / 4
	               : sizeof(contents_columns) / 4;

	tags->tags = talloc_memdup(c->mem,
	                           a   ? attachment_columns
	                           : h ? hierarchy_columns
	                               : contents_columns,
	                           n * 4);
	if (tags->tags == NULL)
		return EC_OutOfMemory;
	tags->count = (uint32_t)n;
	return 0;
}

/* [MS-OXCTABL] 3.2.5.6: no table operation here runs asynchronously, so
 * there is never anything to abort. */
uint32_t ems_rop_abort_(struct ems_rop_ctx *c, const struct rop_request *req,
                        struct rop_response *resp)
{
	return EC_AbortFailed;
}

/* NotificationData of one table event ([MS-OXCNOTIF] 2.2.1.4.1.2). */
static void table_notif(TALLOC_CTX *mem, struct ems_table *t, struct store_table_event *ev,
                        struct notif_data *nd)
{
	bool contents = t->kind != STORE_TABLE_HIERARCHY;

	memset(nd, 0, sizeof(*nd));
	nd->flags = NOTIF_TABLE_MODIFIED | (contents ? NOTIF_FLAG_MESSAGE : 0);
	nd->table_event = (uint16_t)ev->type;
	/* rows travel in the client's columns; before RopSetColumns a row
	 * event can only say that the table changed */
	if (!t->columns_set && ev->type != STORE_TABLE_CHANGED)
		nd->table_event = NOTIF_TABLE_CHANGED;
	if (contents) {
		nd->table_row_fid = t->fid;
		nd->table_row_mid = ev->row_id;
		nd->insert_after_fid = t->fid;
		nd->insert_after_mid = ev->prev_row_id;
	} else {
		nd->table_row_fid = ev->row_id;
		nd->insert_after_fid = ev->prev_row_id;
	}
	if (t->columns_set && ev->row.count == t->columns.count) {
		ems_props_fix_types(mem, &t->columns, t->unicode, &ev->row);
		nd->row.vals = ev->row;
		nd->row.flag = rop_property_row_flag(&t->columns, &ev->row);
	}
}

/* One watched table: its events go out while they fit; false when the
 * response is full. */
static bool table_drain(struct ems_session *s, struct ems_table *t, struct rop_push *out,
                        TALLOC_CTX *tmp)
{
	bool pending;

	pthread_mutex_lock(&s->ev_lock);
	pending = t->pending;
	if (pending)
		s->tables_pending--;
	t->pending = false;
	pthread_mutex_unlock(&s->ev_lock);
	if (pending && t->left_pos == t->left_count) {
		TALLOC_FREE(t->left);
		t->left_count = t->left_pos = 0;
		if (store_table_events(t, t->st, &t->left, &t->left_count) != 0)
			t->left_count = 0;
	}
	while (t->left_pos < t->left_count) {
		struct rop_response resp = {.rop_id = ROP_ID_Notify};
		struct rop_encode_ctx enc = {.columns = t->columns_set ? &t->columns : NULL};
		resp.u.notify.notification_handle = t->handle;
		resp.u.notify.logon_id = t->logon_id;
		table_notif(tmp, t, &t->left[t->left_pos], &resp.u.notify.data);
		if (rop_push_response(out, &resp, &enc) != ROP_OK) {
			mark_pending(t);
			return false;
		}
		t->left_pos++;
	}
	/* events that came while these were fetched wait for the next call */
	return true;
}

bool ems_table_notify_append(struct ems_session *s, struct rop_push *out, TALLOC_CTX *tmp)
{
	for (uint32_t i = 0; i < s->watched_count; i++) {
		if (!table_drain(s, s->watched[i], out, tmp))
			return false;
	}
	return true;
}
