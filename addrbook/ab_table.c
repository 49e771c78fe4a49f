/*
 * ab_table: STAT-based tables ([MS-OXNSPI] 3.1.4.5): positioning, UpdateStat,
 * QueryRows, SeekEntries, CompareMIds and ResortRestriction.
 */
#include <stdlib.h>
#include <string.h>

#include "ab_private.h"

static uint32_t default_column_tags[] = {
    PR_EMS_AB_CONTAINERID,
    PR_OBJECT_TYPE,
    PR_DISPLAY_TYPE,
    CHANGE_PROP_TYPE(PR_DISPLAY_NAME, PT_STRING8),
    CHANGE_PROP_TYPE(PR_PRIMARY_TELEPHONE_NUMBER, PT_STRING8),
    CHANGE_PROP_TYPE(PR_DEPARTMENT_NAME, PT_STRING8),
    CHANGE_PROP_TYPE(PR_OFFICE_LOCATION, PT_STRING8),
};

/* [MS-OXNSPI] 3.1.4.1.8: the columns used when pPropTags is NULL. */
const struct mapi_proptag_array ab_default_columns = {
    .count = sizeof(default_column_tags) / sizeof(default_column_tags[0]),
    .tags = default_column_tags,
};

enum ab_error ab_table_open(struct ab_session *session, struct ab_index *idx,
                            const struct ab_stat *stat, const struct ab_view **view_r)
{
	uint32_t container;
	/* [MS-OXNSPI] 3.1.4.1.x: a STAT in CP_WINUNICODE is refused. */
	if (stat->codepage == AB_CP_WINUNICODE)
		return AB_E_INVALID_CODEPAGE;
	/* [MS-OXNSPI] 2.2.1.10: the display-name orders (the phonetic order
	 * falls back to the display name: no phonetic names are kept). */
	switch (stat->sort_type) {
	case AB_SORT_DISPLAY_NAME:
	case AB_SORT_PHONETIC_DISPLAY_NAME:
	case AB_SORT_DISPLAY_NAME_RO:
	case AB_SORT_DISPLAY_NAME_W:
		break;
	default:
		return AB_E_INVALID_PARAMETER;
	}
	if (!ab_index_find_container(idx, stat->container_id, &container))
		return AB_E_INVALID_BOOKMARK;
	*view_r = ab_index_view(idx, stat->container_id, stat->sort_locale);
	return *view_r != NULL ? AB_E_OK : AB_E_NO_MEMORY;
}

/* The Current Position before Delta: [MS-OXNSPI] 3.1.4.5.1 absolute
 * positioning, or 3.1.4.5.2 fractional positioning when CurrentRec is
 * MID_CURRENT (NumPos/TotalRecs as the client saw them). */
enum ab_error ab_table_position(const struct ab_index *idx, const struct ab_view *view,
                                const struct ab_stat *stat, uint32_t *pos_r)
{
	uint32_t entry;
	switch (stat->cur_rec) {
	case AB_MID_BEGINNING_OF_TABLE:
		*pos_r = 0;
		return AB_E_OK;
	case AB_MID_END_OF_TABLE:
		*pos_r = view->count;
		return AB_E_OK;
	case AB_MID_CURRENT:
		if (stat->total_recs == 0) {
			*pos_r = 0;
		} else {
			uint64_t pos = (uint64_t)stat->num_pos * view->count / stat->total_recs;
			*pos_r = pos > view->count ? view->count : (uint32_t)pos;
		}
		return AB_E_OK;
	default:
		if (!ab_index_find_mid(idx, stat->cur_rec, &entry) ||
		    view->pos_of[entry] == UINT32_MAX)
			return AB_E_NOT_FOUND;
		*pos_r = view->pos_of[entry];
		return AB_E_OK;
	}
}

static uint32_t apply_delta(uint32_t pos, int32_t delta, uint32_t total)
{
	int64_t p = (int64_t)pos + delta;
	if (p < 0)
		return 0;
	if (p > (int64_t)total)
		return total;
	return (uint32_t)p;
}

/* Reports a position back in the STAT ([MS-OXNSPI] 3.1.4.5). */
static void stat_set_position(const struct ab_index *idx, const struct ab_view *view,
                              struct ab_stat *stat, uint32_t pos)
{
	stat->cur_rec =
	    pos < view->count ? idx->entries[view->order[pos]].mid : AB_MID_END_OF_TABLE;
	stat->num_pos = pos;
	stat->total_recs = view->count;
	stat->delta = 0;
}

enum ab_error ab_update_stat(struct ab_session *session, struct ab_stat *stat, int32_t *delta_r)
{
	enum ab_error ret;
	const char *error;
	const struct ab_view *view;
	uint32_t start;
	struct ab_index *idx = ab_index_acquire(session->ab, &ret, &error);
	if (idx == NULL)
		return ret;
	/* [MS-OXNSPI] 3.1.4.1.4 */
	ret = ab_table_open(session, idx, stat, &view);
	if (ret == AB_E_OK)
		ret = ab_table_position(idx, view, stat, &start);
	if (ret == AB_E_OK) {
		uint32_t pos = apply_delta(start, stat->delta, view->count);
		if (delta_r != NULL)
			*delta_r = (int32_t)((int64_t)pos - (int64_t)start);
		stat_set_position(idx, view, stat, pos);
	}
	ab_index_release(idx);
	return ret;
}

static enum ab_error rows_of_mids(struct ab_session *session, TALLOC_CTX *mem_ctx,
                                  const struct ab_index *idx, const uint32_t *mids, uint32_t count,
                                  const struct mapi_proptag_array *columns,
                                  struct ab_rowset *rows_r)
{
	rows_r->count = 0;
	rows_r->rows = talloc_zero_array(mem_ctx, struct mapi_propval_array, count + 1);
	if (rows_r->rows == NULL)
		return AB_E_NO_MEMORY;
	for (uint32_t i = 0; i < count; i++) {
		ab_row_build(rows_r->rows, session, idx, mids[i], columns, &rows_r->rows[i]);
		if (rows_r->rows[i].vals == NULL)
			return AB_E_NO_MEMORY;
		rows_r->count++;
	}
	return AB_E_OK;
}

enum ab_error ab_query_rows(struct ab_session *session, TALLOC_CTX *mem_ctx, uint32_t flags,
                            struct ab_stat *stat, const struct ab_mids *explicit_table,
                            uint32_t count, const struct mapi_proptag_array *columns,
                            struct ab_rowset *rows_r)
{
	enum ab_error ret;
	const char *error;
	const struct ab_view *view;
	uint32_t pos;
	memset(rows_r, 0, sizeof(*rows_r));
	if (columns == NULL)
		columns = &ab_default_columns;
	struct ab_index *idx = ab_index_acquire(session->ab, &ret, &error);
	if (idx == NULL)
		return ret;
	session->ephemeral_ids = (flags & AB_FLAG_EPHEMERAL_ID) != 0;
	if (stat->codepage == AB_CP_WINUNICODE) {
		ret = AB_E_INVALID_CODEPAGE;
	} else if (explicit_table != NULL && explicit_table->count > 0) {
		/* [MS-OXNSPI] 3.1.4.1.8: an Explicit Table ignores the STAT's
		 * position; still never more rows than a non-zero Count
		 * (Outlook 2019 and 2021 crash on more). */
		uint32_t n = explicit_table->count;
		if (count != 0 && count < n)
			n = count;
		ret = rows_of_mids(session, mem_ctx, idx, explicit_table->mids, n, columns, rows_r);
	} else if (count == 0) {
		ret = AB_E_INVALID_PARAMETER;
	} else {
		ret = ab_table_open(session, idx, stat, &view);
		if (ret == AB_E_OK)
			ret = ab_table_position(idx, view, stat, &pos);
		if (ret == AB_E_OK) {
			pos = apply_delta(pos, stat->delta, view->count);
			uint32_t n = view->count - pos < count ? view->count - pos : count;
			uint32_t *mids = talloc_array(mem_ctx, uint32_t, n + 1);
			if (mids == NULL) {
				ret = AB_E_NO_MEMORY;
			} else {
				for (uint32_t i = 0; i < n; i++)
					mids[i] = idx->entries[view->order[pos + i]].mid;
				ret = rows_of_mids(session, mem_ctx, idx, mids, n, columns, rows_r);
				talloc_free(mids);
			}
			if (ret == AB_E_OK)
				stat_set_position(idx, view, stat, pos + n);
		}
	}
	session->ephemeral_ids = false;
	ab_index_release(idx);
	return ret;
}

/* The display name to seek for, as UTF-8; NULL when the target is not
 * PidTagDisplayName ([MS-OXNSPI] 3.1.4.1.9 allows nothing else). */
static char *seek_target(TALLOC_CTX *mem_ctx, struct ab_session *session,
                         const struct ab_stat *stat, const struct mapi_propval *target)
{
	if (target == NULL || PROP_ID(target->tag) != PROP_ID(PR_DISPLAY_NAME) ||
	    target->v.str == NULL)
		return NULL;
	if (PROP_TYPE(target->tag) == PT_UNICODE)
		return talloc_strdup(mem_ctx, target->v.str);
	if (PROP_TYPE(target->tag) == PT_STRING8)
		return ab_from_codepage(mem_ctx, &session->conv, stat->codepage, target->v.str);
	return NULL;
}

static const char *name_of(const struct ab_index *idx, uint32_t mid)
{
	uint32_t entry;
	return ab_index_find_mid(idx, mid, &entry) ? idx->entries[entry].display_name : NULL;
}

/* First row of an explicit table at or after name; count when none. */
static uint32_t seek_explicit(const struct ab_index *idx, const struct ab_view *view,
                              const struct ab_mids *table, const char *name)
{
	for (uint32_t i = 0; i < table->count; i++) {
		const char *dn = name_of(idx, table->mids[i]);
		if (dn != NULL && ab_view_compare(view, dn, name) >= 0)
			return i;
	}
	return table->count;
}

/* First row of the sorted view at or after name (lower bound). */
static uint32_t seek_view(const struct ab_index *idx, const struct ab_view *view, const char *name)
{
	uint32_t lo = 0, hi = view->count;
	while (lo < hi) {
		uint32_t m = lo + (hi - lo) / 2;
		if (ab_view_compare(view, idx->entries[view->order[m]].display_name, name) < 0)
			lo = m + 1;
		else
			hi = m;
	}
	return lo;
}

enum ab_error ab_seek_entries(struct ab_session *session, TALLOC_CTX *mem_ctx, struct ab_stat *stat,
                              const struct mapi_propval *target,
                              const struct ab_mids *explicit_table,
                              const struct mapi_proptag_array *columns, uint32_t max_rows,
                              struct ab_rowset *rows_r)
{
	enum ab_error ret;
	const char *error;
	const struct ab_view *view;
	TALLOC_CTX *tmp = talloc_new(NULL);
	memset(rows_r, 0, sizeof(*rows_r));
	struct ab_index *idx = ab_index_acquire(session->ab, &ret, &error);
	if (idx == NULL)
		goto out;
	ret = ab_table_open(session, idx, stat, &view);
	if (ret != AB_E_OK)
		goto out;
	char *name = seek_target(tmp, session, stat, target);
	if (name == NULL) {
		ret = AB_E_TOO_COMPLEX;
		goto out;
	}
	if (explicit_table != NULL && explicit_table->count > 0) {
		uint32_t pos = seek_explicit(idx, view, explicit_table, name);
		if (pos == explicit_table->count) {
			ret = AB_E_NOT_FOUND;
			goto out;
		}
		stat->cur_rec = explicit_table->mids[pos];
		stat->num_pos = pos;
		stat->total_recs = explicit_table->count;
		stat->delta = 0;
		/* [MS-OXNSPI] 3.1.4.1.9: rows of the explicit table from there. */
		if (columns != NULL) {
			uint32_t n = explicit_table->count - pos;
			ret = rows_of_mids(session, mem_ctx, idx, explicit_table->mids + pos,
			                   n < max_rows ? n : max_rows, columns, rows_r);
		}
		goto out;
	}
	uint32_t pos = seek_view(idx, view, name);
	if (pos == view->count) {
		ret = AB_E_NOT_FOUND;
		goto out;
	}
	stat_set_position(idx, view, stat, pos);
	if (columns != NULL && max_rows > 0) {
		uint32_t n = view->count - pos < max_rows ? view->count - pos : max_rows;
		uint32_t *mids = talloc_array(tmp, uint32_t, n + 1);
		if (mids == NULL) {
			ret = AB_E_NO_MEMORY;
			goto out;
		}
		for (uint32_t i = 0; i < n; i++)
			mids[i] = idx->entries[view->order[pos + i]].mid;
		ret = rows_of_mids(session, mem_ctx, idx, mids, n, columns, rows_r);
	}
out:
	ab_index_release(idx);
	talloc_free(tmp);
	return ret;
}

enum ab_error ab_compare_mids(struct ab_session *session, const struct ab_stat *stat, uint32_t mid1,
                              uint32_t mid2, int32_t *result_r)
{
	enum ab_error ret;
	const char *error;
	const struct ab_view *view;
	struct ab_index *idx = ab_index_acquire(session->ab, &ret, &error);
	if (idx == NULL)
		return ret;
	/* [MS-OXNSPI] 3.1.4.1.12: positions in the STAT's table; an MId that
	 * is not in it gives GeneralFailure. */
	ret = ab_table_open(session, idx, stat, &view);
	if (ret == AB_E_OK) {
		uint32_t pos[2], mids[2] = {mid1, mid2};
		for (int i = 0; i < 2 && ret == AB_E_OK; i++) {
			struct ab_stat probe = *stat;
			probe.cur_rec = mids[i];
			if (mids[i] == AB_MID_CURRENT ||
			    ab_table_position(idx, view, &probe, &pos[i]) != AB_E_OK)
				ret = AB_E_GENERAL_FAILURE;
		}
		if (ret == AB_E_OK)
			*result_r = (int32_t)((int64_t)pos[0] - (int64_t)pos[1]);
	}
	ab_index_release(idx);
	return ret;
}

struct resort_item {
	const char *name;
	uint32_t mid;
	const struct ab_view *view;
};

static int cmp_resort(const void *a, const void *b)
{
	const struct resort_item *ia = a, *ib = b;
	int c = ab_view_compare(ia->view, ia->name, ib->name);
	if (c != 0)
		return c;
	return ia->mid < ib->mid ? -1 : ia->mid > ib->mid;
}

enum ab_error ab_resort_restriction(struct ab_session *session, TALLOC_CTX *mem_ctx,
                                    struct ab_stat *stat, const struct ab_mids *mids,
                                    struct ab_mids *sorted_r)
{
	enum ab_error ret;
	const char *error;
	const struct ab_view *view;
	memset(sorted_r, 0, sizeof(*sorted_r));
	struct ab_index *idx = ab_index_acquire(session->ab, &ret, &error);
	if (idx == NULL)
		return ret;
	ret = ab_table_open(session, idx, stat, &view);
	if (ret != AB_E_OK)
		goto out;
	struct resort_item *items = talloc_array(mem_ctx, struct resort_item, mids->count + 1);
	sorted_r->mids = talloc_array(mem_ctx, uint32_t, mids->count + 1);
	if (items == NULL || sorted_r->mids == NULL) {
		ret = AB_E_NO_MEMORY;
		goto out;
	}
	/* [MS-OXNSPI] 3.1.4.1.11: MIds that name no object are dropped. */
	uint32_t n = 0;
	for (uint32_t i = 0; i < mids->count; i++) {
		const char *name = name_of(idx, mids->mids[i]);
		if (name != NULL)
			items[n++] = (struct resort_item){name, mids->mids[i], view};
	}
	qsort(items, n, sizeof(items[0]), cmp_resort);
	uint32_t cur = 0;
	bool found = false;
	for (uint32_t i = 0; i < n; i++) {
		sorted_r->mids[i] = items[i].mid;
		if (!found && items[i].mid == stat->cur_rec) {
			cur = i;
			found = true;
		}
	}
	sorted_r->count = n;
	talloc_free(items);
	/* The position stays on CurrentRec when it is in the list. */
	stat->cur_rec = found ? stat->cur_rec : (n > 0 ? sorted_r->mids[0] : AB_MID_END_OF_TABLE);
	stat->num_pos = cur;
	stat->total_recs = n;
	stat->delta = 0;
out:
	ab_index_release(idx);
	return ret;
}
