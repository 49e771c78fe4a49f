/*
 * store_table_cat: categorised views of contents tables ([MS-OXCTABL]
 * 2.2.2.14.1 CategorizedCount / ExpandedCount, 3.2.5.3; RopExpandRow
 * 2.2.2.17, RopCollapseRow 2.2.2.18, RopGetCollapseState 2.2.2.19,
 * RopSetCollapseState 2.2.2.20).
 *
 * The leaves are sorted with the category columns first, so each category
 * is a run of leaves.  all[] lists a header row before each run (one per
 * level) and the leaves; rows[] is what is visible: everything except what
 * lies below a collapsed header.  Category IDs (PidTagInstID of header
 * rows) have REPLID 0, so they never equal a message ID.
 */
#include <string.h>

#include "mapi_restrict.h"
#include "store_table_int.h"

#define PR_INST_ID      PROP_TAG(PT_I8, 0x674D)
#define PR_INSTANCE_NUM PROP_TAG(PT_LONG, 0x674E)
#define PR_ROW_TYPE     PROP_TAG(PT_LONG, 0x0FF5)

/* [MS-OXCTABL] 2.2.1.3 PidTagRowType values. */
#define TBL_LEAF_ROW           1
#define TBL_EXPANDED_CATEGORY  3
#define TBL_COLLAPSED_CATEGORY 4

#define COLLAPSE_STATE_VERSION 1

static bool key_equal(const struct mapi_propval *a, const struct mapi_propval *b)
{
	bool ha = PROP_TYPE(a->tag) != PT_ERROR, hb = PROP_TYPE(b->tag) != PT_ERROR;
	if (!ha || !hb)
		return ha == hb;
	return mapi_propval_compare(a, b) == 0;
}

/* Whether category i of cats and category j of others have the same value
 * path from the outermost level. */
static bool same_path(const struct tcat *cats, uint32_t i, const struct tcat *others, uint32_t j)
{
	for (;;) {
		if (cats[i].level != others[j].level || !key_equal(&cats[i].key, &others[j].key))
			return false;
		if (cats[i].parent == 0 || others[j].parent == 0)
			return cats[i].parent == others[j].parent;
		i = cats[i].parent - 1;
		j = others[j].parent - 1;
	}
}

/* Rebuilds rows[] from all[] and the collapse flags; *pos moves with it. */
static int build_visible(struct store_table *t)
{
	struct trow *rows = talloc_array(t, struct trow, t->nall + 1);
	uint32_t n = 0;
	if (rows == NULL)
		return STORE_E_NOMEM;
	for (uint32_t i = 0; i < t->nall; i++) {
		rows[n++] = t->all[i];
		if (t->all[i].cat != 0 && t->cats[t->all[i].cat - 1].collapsed)
			i = t->cats[t->all[i].cat - 1].end - 1;
	}
	talloc_free(t->rows);
	t->rows = rows;
	t->count = n;
	t->total = n;
	return 0;
}

struct cat_build {
	struct store_table *t;
	struct tcat *cats;
	uint32_t ncats, cap;
	uint32_t open[64]; /* index + 1 of the open category at each level */
};

static int open_category(struct cat_build *b, uint32_t level, const struct mapi_propval *key)
{
	struct store_table *t = b->t;
	if (b->ncats == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 64;
		struct tcat *grown = talloc_realloc(t, b->cats, struct tcat, b->cap);
		if (grown == NULL)
			return STORE_E_NOMEM;
		b->cats = grown;
	}
	struct tcat *c = &b->cats[b->ncats];
	memset(c, 0, sizeof(*c));
	c->level = level;
	c->parent = level > 0 ? b->open[level - 1] : 0;
	c->first = t->nall + 1;
	if (PROP_TYPE(key->tag) == PT_ERROR)
		c->key = *key;
	else if (store_propval_dup(b->cats, key, &c->key) < 0)
		return STORE_E_NOMEM;
	c->collapsed = level >= t->sort.expanded_count;
	b->open[level] = ++b->ncats;
	t->all[t->nall++] = (struct trow){.gc = 0, .depth = level, .cat = b->ncats};
	return 0;
}

int store_table_categorise(struct store_table *t, const struct sort_row *rows, uint32_t count)
{
	uint16_t levels = t->sort.categorized_count;
	struct cat_build b = {.t = t};
	if (levels > 64)
		return STORE_E_NOTSUPPORTED;
	struct tcat *old = t->cats;
	uint32_t nold = t->ncats;
	talloc_free(t->all);
	t->nall = 0;
	/* At most one header per level per leaf, plus the leaves. */
	t->all = talloc_array(t, struct trow, (size_t)count * (levels + 1) + 1);
	if (t->all == NULL)
		return STORE_E_NOMEM;
	int ret = 0;
	for (uint32_t i = 0; i < count && ret == 0; i++) {
		uint32_t from = 0;
		if (i > 0) {
			while (from < levels &&
			       key_equal(&rows[i].keys[from], &rows[i - 1].keys[from]))
				from++;
		}
		for (uint32_t l = from; l < levels; l++) {
			/* Close the deeper categories ending here. */
			if (i > 0 && b.open[l] != 0)
				b.cats[b.open[l] - 1].end = t->nall;
		}
		for (uint32_t l = from; l < levels && ret == 0; l++)
			ret = open_category(&b, l, &rows[i].keys[l]);
		for (uint32_t l = 0; l < levels && ret == 0; l++) {
			b.cats[b.open[l] - 1].leaves++;
			b.cats[b.open[l] - 1].unread += rows[i].unread;
		}
		struct trow leaf = rows[i].row;
		leaf.cat = 0;
		leaf.depth = levels; /* PidTagDepth of a leaf */
		t->all[t->nall++] = leaf;
	}
	for (uint32_t l = 0; l < levels && count > 0; l++)
		b.cats[b.open[l] - 1].end = t->nall;
	/* Keep the IDs and collapse state of categories seen before. */
	for (uint32_t i = 0; i < b.ncats && ret == 0; i++) {
		b.cats[i].id = 0;
		for (uint32_t j = 0; j < nold; j++) {
			if (same_path(b.cats, i, old, j)) {
				b.cats[i].id = old[j].id;
				b.cats[i].collapsed = old[j].collapsed;
				break;
			}
		}
		if (b.cats[i].id == 0)
			b.cats[i].id = MAPI_ID_MAKE(0, ++t->next_cat_id);
	}
	if (ret < 0) {
		talloc_free(b.cats);
		return ret;
	}
	talloc_free(old);
	t->cats = b.cats;
	t->ncats = b.ncats;
	return build_visible(t);
}

uint64_t store_table_row_inst(const struct store_table *t, const struct trow *row)
{
	return row->cat != 0 ? t->cats[row->cat - 1].id : store_id(row->gc);
}

static void set_i32(struct mapi_propval *v, uint32_t tag, int32_t x)
{
	v->tag = tag;
	v->v.i32 = x;
}

static void set_i64(struct mapi_propval *v, uint32_t tag, uint64_t x)
{
	v->tag = tag;
	v->v.i64 = x;
}

void store_table_leaf_extras(const struct store_table *t, const struct trow *row,
                             const struct mapi_proptag_array *cols, struct mapi_propval_array *out)
{
	for (uint32_t i = 0; i < cols->count; i++) {
		uint32_t tag = cols->tags[i];
		if (tag == PR_INST_ID)
			set_i64(&out->vals[i], tag, store_id(row->gc));
		else if (tag == PR_INSTANCE_NUM)
			set_i32(&out->vals[i], tag, 0);
		else if (tag == PR_ROW_TYPE)
			set_i32(&out->vals[i], tag, TBL_LEAF_ROW);
	}
}

/* The value of a category column at a header row: its own level's key or
 * an enclosing category's. */
static const struct mapi_propval *category_value(const struct store_table *t, const struct tcat *c,
                                                 uint32_t tag)
{
	for (;;) {
		if (t->sort.sorts[c->level].proptag == tag)
			return &c->key;
		if (c->parent == 0)
			return NULL;
		c = &t->cats[c->parent - 1];
	}
}

int store_table_header_values(TALLOC_CTX *mem_ctx, struct store_table *t, const struct trow *row,
                              const struct mapi_proptag_array *cols, struct mapi_propval_array *out)
{
	const struct tcat *c = &t->cats[row->cat - 1];
	out->vals = talloc_zero_array(mem_ctx, struct mapi_propval, cols->count + 1);
	if (out->vals == NULL)
		return STORE_E_NOMEM;
	out->count = cols->count;
	for (uint32_t i = 0; i < cols->count; i++) {
		uint32_t tag = cols->tags[i];
		struct mapi_propval *v = &out->vals[i];
		const struct mapi_propval *key = category_value(t, c, tag);
		if (tag == PR_INST_ID)
			set_i64(v, tag, c->id);
		else if (tag == PR_INSTANCE_NUM)
			set_i32(v, tag, 0);
		else if (tag == PR_ROW_TYPE)
			set_i32(v, tag,
			        c->collapsed ? TBL_COLLAPSED_CATEGORY : TBL_EXPANDED_CATEGORY);
		else if (tag == PR_DEPTH)
			set_i32(v, tag, (int32_t)c->level);
		else if (tag == PR_CONTENT_COUNT)
			set_i32(v, tag, (int32_t)c->leaves);
		else if (tag == PR_CONTENT_UNREAD)
			set_i32(v, tag, (int32_t)c->unread);
		else if (key != NULL && PROP_TYPE(key->tag) != PT_ERROR) {
			if (store_propval_dup(out->vals, key, v) < 0)
				return STORE_E_NOMEM;
		} else {
			/* Any other column of a header row does not exist. */
			v->tag = PROP_TAG(PT_ERROR, PROP_ID(tag));
			v->v.err = 0x8004010F; /* MAPI_E_NOT_FOUND */
		}
	}
	return 0;
}

static struct tcat *cat_by_id(struct store_table *t, uint64_t id)
{
	for (uint32_t i = 0; i < t->ncats; i++) {
		if (t->cats[i].id == id)
			return &t->cats[i];
	}
	return NULL;
}

/* Position in rows[] of the row with instance id, or count. */
static uint32_t visible_pos(const struct store_table *t, uint64_t id)
{
	uint32_t i;
	for (i = 0; i < t->count; i++) {
		if (store_table_row_inst(t, &t->rows[i]) == id)
			break;
	}
	return i;
}

int store_table_expand(struct store_table *t, uint64_t category_id, bool expand, uint32_t *rows_r)
{
	int ret = store_table_load(t);
	if (ret < 0)
		return ret;
	struct tcat *c = cat_by_id(t, category_id);
	*rows_r = 0;
	if (c == NULL)
		return STORE_E_NOTFOUND;
	/* Expanding an expanded category (or collapsing a collapsed one)
	 * changes nothing. */
	if (c->collapsed == !expand)
		return 0;
	uint32_t header = visible_pos(t, category_id), before = t->count;
	uint64_t at = t->pos < t->count ? store_table_row_inst(t, &t->rows[t->pos]) : 0;
	bool hidden_inside = false;
	c->collapsed = !expand;
	ret = build_visible(t);
	if (ret < 0)
		return ret;
	*rows_r = expand ? t->count - before : before - t->count;
	/* The cursor stays on its row; a row that was hidden by the collapse
	 * leaves it on the row after the category ([MS-OXCTABL] 3.2.5.4). */
	if (at != 0) {
		uint32_t p = visible_pos(t, at);
		hidden_inside = p == t->count;
		t->pos = hidden_inside ? header + 1 : p;
	} else {
		t->pos = t->count;
	}
	if (t->pos > t->count)
		t->pos = t->count;
	return 0;
}

/* The collapse state ([MS-OXCTABL] 2.2.2.19, opaque to the client): the
 * value path and flag of every category, and the anchor row's instance
 * ID.  Layout: version u32, count u32, { level u32, collapsed u8,
 * key tag u32, key length u32, key bytes } (outermost first, so a path is
 * the preceding entries), anchor u64. */
int store_table_get_collapse_state(TALLOC_CTX *mem_ctx, struct store_table *t, uint64_t row_id,
                                   struct mapi_binary *state_r)
{
	int ret = store_table_load(t);
	if (ret < 0)
		return ret;
	struct store_buf b = {.mem_ctx = mem_ctx};
	uint32_t head[2] = {COLLAPSE_STATE_VERSION, t->ncats};
	ret = store_buf_add(&b, head, sizeof(head));
	for (uint32_t i = 0; i < t->ncats && ret == 0; i++) {
		const struct tcat *c = &t->cats[i];
		struct store_buf vb = {.mem_ctx = NULL};
		uint8_t collapsed = c->collapsed;
		uint32_t tag = c->key.tag, len;
		if (PROP_TYPE(tag) != PT_ERROR)
			ret = store_propval_encode(&vb, &c->key);
		len = (uint32_t)vb.len;
		ret = ret ?: store_buf_add(&b, &c->level, 4);
		ret = ret ?: store_buf_add(&b, &collapsed, 1);
		ret = ret ?: store_buf_add(&b, &tag, 4);
		ret = ret ?: store_buf_add(&b, &len, 4);
		if (ret == 0 && len > 0)
			ret = store_buf_add(&b, vb.data, len);
		talloc_free(vb.data);
	}
	ret = ret ?: store_buf_add(&b, &row_id, 8);
	if (ret < 0) {
		talloc_free(b.data);
		return ret;
	}
	state_r->data = b.data;
	state_r->len = (uint32_t)b.len;
	return 0;
}

/* Reads the categories of a collapse state into cats (parents by level). */
static int parse_state(TALLOC_CTX *mem_ctx, const struct mapi_binary *st, struct tcat **cats_r,
                       uint32_t *count_r, uint64_t *anchor_r)
{
	const uint8_t *p = st->data;
	size_t len = st->len, ofs = 8;
	uint32_t head[2], open[64] = {0};
	if (len < 16)
		return STORE_E_INVALID;
	memcpy(head, p, 8);
	if (head[0] != COLLAPSE_STATE_VERSION || head[1] > len / 13)
		return STORE_E_INVALID;
	struct tcat *cats = talloc_zero_array(mem_ctx, struct tcat, head[1] + 1);
	if (cats == NULL)
		return STORE_E_NOMEM;
	for (uint32_t i = 0; i < head[1]; i++) {
		uint32_t tag, vlen;
		if (len - ofs < 13)
			return STORE_E_INVALID;
		memcpy(&cats[i].level, p + ofs, 4);
		cats[i].collapsed = p[ofs + 4] != 0;
		memcpy(&tag, p + ofs + 5, 4);
		memcpy(&vlen, p + ofs + 9, 4);
		ofs += 13;
		if (cats[i].level >= 64 || len - ofs < vlen ||
		    (cats[i].level > 0 && open[cats[i].level - 1] == 0))
			return STORE_E_INVALID;
		cats[i].key.tag = tag;
		if (PROP_TYPE(tag) != PT_ERROR &&
		    store_propval_decode(cats, tag, p + ofs, vlen, &cats[i].key) < 0)
			return STORE_E_INVALID;
		ofs += vlen;
		cats[i].parent = cats[i].level > 0 ? open[cats[i].level - 1] : 0;
		open[cats[i].level] = i + 1;
	}
	if (len - ofs < 8)
		return STORE_E_INVALID;
	memcpy(anchor_r, p + ofs, 8);
	*cats_r = cats;
	*count_r = head[1];
	return 0;
}

int store_table_set_collapse_state(struct store_table *t, const struct mapi_binary *state,
                                   uint32_t *bookmark_r)
{
	int ret = store_table_load(t);
	if (ret < 0)
		return ret;
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct tcat *saved;
	uint32_t n;
	uint64_t anchor;
	ret = parse_state(tmp, state, &saved, &n, &anchor);
	for (uint32_t i = 0; i < t->ncats && ret == 0; i++) {
		for (uint32_t j = 0; j < n; j++) {
			if (same_path(t->cats, i, saved, j)) {
				t->cats[i].collapsed = saved[j].collapsed;
				break;
			}
		}
	}
	talloc_free(tmp);
	ret = ret ?: build_visible(t);
	if (ret < 0)
		return ret;
	/* The returned bookmark names the anchor row, or where it would be. */
	uint32_t p = visible_pos(t, anchor);
	t->pos = p;
	return store_table_bookmark_create(t, bookmark_r);
}
