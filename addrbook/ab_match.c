/*
 * ab_match: ambiguous name resolution ([MS-OXNSPI] 3.1.4.7), restriction
 * evaluation over address-book objects, GetMatches and ResolveNames.
 *
 * The restriction evaluator here covers what NSPI clients send (property,
 * content, existence, bitmask, and/or/not, PidTagAnr); mapi/mapi_restrict
 * can replace it once it lands.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ab_private.h"

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* Index of the first token >= prefix. */
static uint32_t token_lower_bound(const struct ab_index *idx, const char *prefix)
{
	uint32_t lo = 0, hi = idx->token_count;
	while (lo < hi) {
		uint32_t m = lo + (hi - lo) / 2;
		if (strcmp(idx->tokens[m].text, prefix) < 0)
			lo = m + 1;
		else
			hi = m;
	}
	return lo;
}

/* Index after the last token starting with prefix (tokens sharing a prefix
 * are contiguous in strcmp order). */
static uint32_t token_upper_bound(const struct ab_index *idx, const char *prefix, uint32_t lo)
{
	size_t len = strlen(prefix);
	uint32_t hi = idx->token_count;
	while (lo < hi) {
		uint32_t m = lo + (hi - lo) / 2;
		if (strncmp(idx->tokens[m].text, prefix, len) <= 0)
			lo = m + 1;
		else
			hi = m;
	}
	return lo;
}

/* True when every word of words prefixes some word of the display name:
 * "john sm" finds "John Smith" and "Smith, John" alike. */
static bool words_match(const char *fold_display, char **words, unsigned count)
{
	for (unsigned w = 0; w < count; w++) {
		size_t len = strlen(words[w]);
		bool hit = false;
		for (const char *p = fold_display; *p != '\0' && !hit;) {
			if (strncmp(p, words[w], len) == 0)
				hit = true;
			p += strcspn(p, " ");
			p += strspn(p, " ");
		}
		if (!hit)
			return false;
	}
	return true;
}

static bool entry_exact(const struct ab_entry *e, const char *folded)
{
	if (strcmp(e->fold_display, folded) == 0 || strcmp(e->address, folded) == 0 ||
	    strcmp(e->local_part, folded) == 0)
		return true;
	for (unsigned i = 0; i < e->alias_count; i++) {
		if (strcmp(e->aliases[i], folded) == 0)
			return true;
	}
	return false;
}

static char **split_words(TALLOC_CTX *mem_ctx, char *s, unsigned *count_r)
{
	char **words = talloc_array(mem_ctx, char *, strlen(s) / 2 + 2);
	unsigned n = 0;
	if (words == NULL)
		return NULL;
	for (char *save = NULL, *w = strtok_r(s, " \t,", &save); w != NULL;
	     w = strtok_r(NULL, " \t,", &save))
		words[n++] = w;
	*count_r = n;
	return words;
}

void ab_anr(TALLOC_CTX *mem_ctx, const struct ab_index *idx, uint32_t container, const char *query,
            uint32_t **entries_r, uint32_t *count_r, uint32_t *exact_r)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	uint32_t *found = NULL, n = 0, exact = 0, entry;
	bool exact_only = false;

	*entries_r = NULL;
	*count_r = *exact_r = 0;
	while (*query == ' ' || *query == '\t')
		query++;
	/* "=name" asks for an exact match; "SMTP:addr" names an address. */
	if (*query == '=') {
		exact_only = true;
		query++;
	}
	if (strncasecmp(query, "smtp:", 5) == 0) {
		exact_only = true;
		query += 5;
	}
	char *folded = ab_fold(tmp, query);
	if (folded == NULL || folded[0] == '\0')
		goto out;
	for (size_t len = strlen(folded); len > 0 && folded[len - 1] == ' '; len--)
		folded[len - 1] = '\0';
	found = talloc_array(tmp, uint32_t, 16);
	uint32_t cap = 16;
	if (found == NULL)
		goto out;
#define ADD_FOUND(e)                                                                               \
	do {                                                                                       \
		if (n == cap) {                                                                    \
			cap *= 2;                                                                  \
			found = talloc_realloc(tmp, found, uint32_t, cap);                         \
			if (found == NULL)                                                         \
				goto out;                                                          \
		}                                                                                  \
		found[n++] = (e);                                                                  \
	} while (0)
	if (folded[0] == '/') {
		/* A DN resolves to its object ([MS-OXNSPI] 3.1.4.7). */
		if (ab_index_find_dn(idx, query, &entry))
			ADD_FOUND(entry);
	} else {
		uint32_t lo = token_lower_bound(idx, folded);
		uint32_t hi = token_upper_bound(idx, folded, lo);
		for (uint32_t t = lo; t < hi; t++)
			ADD_FOUND(idx->tokens[t].entry);
		unsigned wc = 0;
		char *copy = talloc_strdup(tmp, folded);
		char **words = copy != NULL ? split_words(tmp, copy, &wc) : NULL;
		if (words != NULL && wc > 1) {
			/* Candidates from the most selective word. */
			uint32_t best_lo = 0, best_hi = UINT32_MAX;
			for (unsigned w = 0; w < wc; w++) {
				uint32_t wlo = token_lower_bound(idx, words[w]);
				uint32_t whi = token_upper_bound(idx, words[w], wlo);
				if (whi - wlo < best_hi - best_lo) {
					best_lo = wlo;
					best_hi = whi;
				}
			}
			for (uint32_t t = best_lo; t < best_hi; t++) {
				entry = idx->tokens[t].entry;
				if (words_match(idx->entries[entry].fold_display, words, wc))
					ADD_FOUND(entry);
			}
		}
	}
#undef ADD_FOUND
	qsort(found, n, sizeof(uint32_t), cmp_u32);
	uint32_t *out = talloc_array(mem_ctx, uint32_t, n + 1);
	if (out == NULL)
		goto out;
	/* Unique, in the container, exact matches first. */
	uint32_t m = 0;
	for (int pass = 0; pass < 2; pass++) {
		for (uint32_t i = 0; i < n; i++) {
			if (i > 0 && found[i] == found[i - 1])
				continue;
			const struct ab_entry *e = &idx->entries[found[i]];
			if (container != UINT32_MAX && e->container != container)
				continue;
			bool is_exact = folded[0] == '/' || entry_exact(e, folded);
			if (is_exact != (pass == 0) || (exact_only && !is_exact))
				continue;
			out[m++] = found[i];
			if (is_exact)
				exact++;
		}
	}
	*entries_r = out;
	*count_r = m;
	*exact_r = exact;
out:
	talloc_free(tmp);
}

/* Evaluation of restrictions against one object. */
struct eval_ctx {
	struct ab_session *session;
	const struct ab_index *idx;
	uint32_t codepage;
	TALLOC_CTX *tmp; /* emptied after each object */
	/* ANR results per distinct string (sorted entry indexes). */
	struct anr_cache {
		const struct mapi_restriction *res;
		uint32_t *entries;
		uint32_t count;
	} anr[8];
	unsigned anr_count;
	TALLOC_CTX *anr_ctx;
};

/* A restriction's string operand as UTF-8. */
static const char *operand_string(struct eval_ctx *ctx, const struct mapi_propval *val)
{
	if (PROP_TYPE(val->tag) == PT_UNICODE)
		return val->v.str;
	if (PROP_TYPE(val->tag) == PT_STRING8 && val->v.str != NULL)
		return ab_from_codepage(ctx->tmp, &ctx->session->conv, ctx->codepage, val->v.str);
	return NULL;
}

static int anr_member(struct eval_ctx *ctx, const struct mapi_restriction *res,
                      const struct mapi_propval *val, uint32_t entry)
{
	struct anr_cache *c = NULL;
	for (unsigned i = 0; i < ctx->anr_count; i++) {
		if (ctx->anr[i].res == res)
			c = &ctx->anr[i];
	}
	if (c == NULL) {
		if (ctx->anr_count == sizeof(ctx->anr) / sizeof(ctx->anr[0]))
			return -1;
		const char *q = operand_string(ctx, val);
		if (q == NULL)
			return -1;
		uint32_t exact;
		c = &ctx->anr[ctx->anr_count++];
		c->res = res;
		ab_anr(ctx->anr_ctx, ctx->idx, UINT32_MAX, q, &c->entries, &c->count, &exact);
		if (c->entries != NULL)
			qsort(c->entries, c->count, sizeof(uint32_t), cmp_u32);
	}
	return c->entries != NULL &&
	       bsearch(&entry, c->entries, c->count, sizeof(uint32_t), cmp_u32) != NULL;
}

static bool relop_holds(enum mapi_relop relop, int c)
{
	switch (relop) {
	case RELOP_LT:
		return c < 0;
	case RELOP_LE:
		return c <= 0;
	case RELOP_GT:
		return c > 0;
	case RELOP_GE:
		return c >= 0;
	case RELOP_EQ:
		return c == 0;
	case RELOP_NE:
		return c != 0;
	default:
		return false;
	}
}

/* Compares one string of the object with the operand; fuzzy < 0 means a
 * relational comparison, otherwise a content match. */
static bool string_test(struct eval_ctx *ctx, const char *have, const char *want, int32_t fuzzy,
                        enum mapi_relop relop)
{
	if (fuzzy < 0 || (fuzzy & (FL_IGNORECASE | FL_LOOSE)) != 0) {
		/* Address-book comparisons ignore case ([MS-OXNSPI] 2.2.1.6). */
		have = ab_fold(ctx->tmp, have);
		want = ab_fold(ctx->tmp, want);
		if (have == NULL || want == NULL)
			return false;
	}
	if (fuzzy < 0)
		return relop_holds(relop, strcmp(have, want));
	switch (fuzzy & 0xFFFF) {
	case FL_SUBSTRING:
		return strstr(have, want) != NULL;
	case FL_PREFIX:
		return strncmp(have, want, strlen(want)) == 0;
	default:
		return strcmp(have, want) == 0;
	}
}

/* Property and content restrictions. */
static int eval_value(struct eval_ctx *ctx, uint32_t mid, uint32_t proptag,
                      const struct mapi_propval *operand, int32_t fuzzy, enum mapi_relop relop)
{
	struct mapi_propval have;
	uint16_t type = PROP_TYPE(proptag);
	uint32_t ask = proptag;
	if (type == PT_STRING8 || type == PT_UNICODE)
		ask = CHANGE_PROP_TYPE(proptag, PT_UNSPECIFIED);
	if ((type & MV_FLAG) != 0)
		ask = CHANGE_PROP_TYPE(proptag, PT_UNSPECIFIED);
	if (ab_prop_get(ctx->tmp, ctx->session, ctx->idx, mid, ask, &have) != 1)
		return relop == RELOP_NE && fuzzy < 0;
	uint16_t htype = PROP_TYPE(have.tag);
	if (htype == PT_UNICODE || htype == PT_MV_UNICODE) {
		const char *want = operand_string(ctx, operand);
		if (want == NULL)
			return -1;
		if (htype == PT_UNICODE)
			return string_test(ctx, have.v.str, want, fuzzy, relop);
		for (uint32_t i = 0; i < have.v.mv.count; i++) {
			if (string_test(ctx, have.v.mv.str[i], want, fuzzy, relop))
				return 1;
		}
		return 0;
	}
	if (htype != PROP_TYPE(operand->tag))
		return -1;
	switch (htype) {
	case PT_LONG:
		if (fuzzy >= 0)
			return -1;
		return relop_holds(relop, have.v.i32 < operand->v.i32   ? -1
		                          : have.v.i32 > operand->v.i32 ? 1
		                                                        : 0);
	case PT_BOOLEAN:
		return fuzzy < 0 && relop_holds(relop, have.v.b == operand->v.b ? 0 : 1);
	case PT_BINARY: {
		const struct mapi_binary *a = &have.v.bin, *b = &operand->v.bin;
		if (fuzzy >= 0 && (fuzzy & 0xFFFF) == FL_PREFIX)
			return a->len >= b->len && memcmp(a->data, b->data, b->len) == 0;
		uint32_t n = a->len < b->len ? a->len : b->len;
		int c = n > 0 ? memcmp(a->data, b->data, n) : 0;
		if (c == 0)
			c = a->len < b->len ? -1 : a->len > b->len;
		return fuzzy >= 0 ? c == 0 : relop_holds(relop, c);
	}
	default:
		return -1;
	}
}

/* 1 matches, 0 does not, -1 the restriction is not supported. */
static int eval(struct eval_ctx *ctx, const struct mapi_restriction *res, uint32_t entry,
                unsigned depth)
{
	uint32_t mid = ctx->idx->entries[entry].mid;
	struct mapi_propval val;
	int r;
	if (depth > MAPI_RESTRICTION_MAX_DEPTH)
		return -1;
	switch (res->rt) {
	case RES_AND:
	case RES_OR:
		for (uint32_t i = 0; i < res->u.andor.count; i++) {
			r = eval(ctx, &res->u.andor.res[i], entry, depth + 1);
			if (r < 0 || (res->rt == RES_AND && r == 0) ||
			    (res->rt == RES_OR && r == 1))
				return r;
		}
		return res->rt == RES_AND;
	case RES_NOT:
		r = eval(ctx, res->u.not_.res, entry, depth + 1);
		return r < 0 ? r : !r;
	case RES_CONTENT:
		if (PROP_ID(res->u.content.proptag) == PROP_ID(PR_ANR))
			return anr_member(ctx, res, &res->u.content.val, entry);
		return eval_value(ctx, mid, res->u.content.proptag, &res->u.content.val,
		                  (int32_t)(res->u.content.fuzzy_level & 0x7FFFFFFF), RELOP_EQ);
	case RES_PROPERTY:
		if (PROP_ID(res->u.prop.proptag) == PROP_ID(PR_ANR))
			return anr_member(ctx, res, &res->u.prop.val, entry);
		return eval_value(ctx, mid, res->u.prop.proptag, &res->u.prop.val, -1,
		                  res->u.prop.relop);
	case RES_EXIST:
		return ab_prop_get(ctx->tmp, ctx->session, ctx->idx, mid,
		                   CHANGE_PROP_TYPE(res->u.exist.proptag, PT_UNSPECIFIED),
		                   &val) == 1;
	case RES_BITMASK:
		if (ab_prop_get(ctx->tmp, ctx->session, ctx->idx, mid, res->u.bitmask.proptag,
		                &val) != 1 ||
		    PROP_TYPE(val.tag) != PT_LONG)
			return res->u.bitmask.relop == BMR_EQZ;
		return (((uint32_t)val.v.i32 & res->u.bitmask.mask) != 0) ==
		       (res->u.bitmask.relop == BMR_NEZ);
	default:
		return -1;
	}
}

static bool is_anr(const struct mapi_restriction *res)
{
	return (res->rt == RES_PROPERTY && PROP_ID(res->u.prop.proptag) == PROP_ID(PR_ANR)) ||
	       (res->rt == RES_CONTENT && PROP_ID(res->u.content.proptag) == PROP_ID(PR_ANR));
}

static int cmp_view_pos(const void *a, const void *b, void *arg)
{
	const struct ab_view *view = arg;
	uint32_t x = view->pos_of[*(const uint32_t *)a];
	uint32_t y = view->pos_of[*(const uint32_t *)b];
	return x < y ? -1 : x > y;
}

/* A filter that is only ANR (what Outlook sends when ResolveNames found
 * nothing) is answered from the token index, in table order. */
static enum ab_error anr_matches(struct eval_ctx *ctx, TALLOC_CTX *mem_ctx,
                                 const struct ab_view *view, const struct ab_stat *stat,
                                 const struct mapi_restriction *filter, uint32_t max_rows,
                                 struct ab_mids *mids_r)
{
	const struct mapi_propval *val =
	    filter->rt == RES_PROPERTY ? &filter->u.prop.val : &filter->u.content.val;
	const char *q = operand_string(ctx, val);
	uint32_t *entries, count, exact, container;
	if (q == NULL)
		return AB_E_TOO_COMPLEX;
	ab_index_find_container(ctx->idx, stat->container_id, &container);
	ab_anr(ctx->tmp, ctx->idx, container, q, &entries, &count, &exact);
	if (entries == NULL)
		return AB_E_NO_MEMORY;
	if (count > max_rows)
		return AB_E_TABLE_TOO_BIG;
	qsort_r(entries, count, sizeof(uint32_t), cmp_view_pos, (void *)(uintptr_t)view);
	mids_r->mids = talloc_realloc(mem_ctx, mids_r->mids, uint32_t, count + 1);
	if (mids_r->mids == NULL)
		return AB_E_NO_MEMORY;
	for (uint32_t i = 0; i < count; i++)
		mids_r->mids[i] = ctx->idx->entries[entries[i]].mid;
	mids_r->count = count;
	return AB_E_OK;
}

enum ab_error ab_get_matches(struct ab_session *session, TALLOC_CTX *mem_ctx, struct ab_stat *stat,
                             const struct mapi_restriction *filter, uint32_t max_rows,
                             const struct mapi_proptag_array *columns, struct ab_mids *mids_r,
                             struct ab_rowset *rows_r)
{
	enum ab_error ret;
	const char *error;
	const struct ab_view *view;
	struct eval_ctx ctx = {.session = session, .codepage = stat->codepage};
	memset(mids_r, 0, sizeof(*mids_r));
	memset(rows_r, 0, sizeof(*rows_r));
	struct ab_index *idx = ab_index_acquire(session->ab, &ret, &error);
	if (idx == NULL)
		return ret;
	ctx.idx = idx;
	ctx.tmp = talloc_new(NULL);
	ctx.anr_ctx = talloc_new(NULL);
	if (filter == NULL) {
		/* [MS-OXNSPI] 3.1.4.1.10: no filter asks for the values of the
		 * link attribute named by ContainerID (a property tag such as
		 * PidTagAddressBookMember) on CurrentRec.  No object here has
		 * link values (users only, no groups or delegates yet). */
		uint32_t entry;
		ret =
		    ab_index_find_mid(idx, stat->cur_rec, &entry) ? AB_E_OK : AB_E_INVALID_BOOKMARK;
		mids_r->mids = talloc_array(mem_ctx, uint32_t, 1);
		rows_r->rows = talloc_array(mem_ctx, struct mapi_propval_array, 1);
		if (ret == AB_E_OK && (mids_r->mids == NULL || rows_r->rows == NULL))
			ret = AB_E_NO_MEMORY;
		if (ret != AB_E_OK)
			goto out;
		goto found;
	}
	ret = ab_table_open(session, idx, stat, &view);
	if (ret != AB_E_OK)
		goto out;
	mids_r->mids = talloc_array(mem_ctx, uint32_t, (max_rows < 1024 ? max_rows : 1024) + 1);
	if (ctx.tmp == NULL || ctx.anr_ctx == NULL || mids_r->mids == NULL) {
		ret = AB_E_NO_MEMORY;
		goto out;
	}
	if (filter != NULL && is_anr(filter)) {
		ret = anr_matches(&ctx, mem_ctx, view, stat, filter, max_rows, mids_r);
		if (ret != AB_E_OK)
			goto out;
		goto found;
	}
	for (uint32_t i = 0; i < view->count; i++) {
		int r = eval(&ctx, filter, view->order[i], 0);
		talloc_free_children(ctx.tmp);
		if (r < 0) {
			ret = AB_E_TOO_COMPLEX;
			goto out;
		}
		if (r == 0)
			continue;
		/* More matches than the client takes: TableTooBig. */
		if (mids_r->count == max_rows) {
			ret = AB_E_TABLE_TOO_BIG;
			goto out;
		}
		if (mids_r->count % 1024 == 1023) {
			mids_r->mids =
			    talloc_realloc(mem_ctx, mids_r->mids, uint32_t, mids_r->count + 1025);
			if (mids_r->mids == NULL) {
				ret = AB_E_NO_MEMORY;
				goto out;
			}
		}
		mids_r->mids[mids_r->count++] = idx->entries[view->order[i]].mid;
	}
found:
	/* [MS-OXNSPI] 3.1.4.1.10 (rule 16): ContainerID takes CurrentRec. */
	stat->container_id = stat->cur_rec;
	if (columns != NULL) {
		rows_r->rows =
		    talloc_zero_array(mem_ctx, struct mapi_propval_array, mids_r->count + 1);
		if (rows_r->rows == NULL) {
			ret = AB_E_NO_MEMORY;
			goto out;
		}
		for (uint32_t i = 0; i < mids_r->count; i++)
			ab_row_build(rows_r->rows, session, idx, mids_r->mids[i], columns,
			             &rows_r->rows[rows_r->count++]);
	}
out:
	if (ret != AB_E_OK)
		memset(mids_r, 0, sizeof(*mids_r));
	talloc_free(ctx.tmp);
	talloc_free(ctx.anr_ctx);
	ab_index_release(idx);
	return ret;
}

enum ab_error ab_resolve_names(struct ab_session *session, TALLOC_CTX *mem_ctx,
                               const struct ab_stat *stat, const char *const *names, uint32_t count,
                               const struct mapi_proptag_array *columns, struct ab_mids *mids_r,
                               struct ab_rowset *rows_r)
{
	enum ab_error ret;
	const char *error;
	const struct ab_view *view;
	uint32_t container;
	memset(mids_r, 0, sizeof(*mids_r));
	memset(rows_r, 0, sizeof(*rows_r));
	if (columns == NULL)
		columns = &ab_default_columns;
	struct ab_index *idx = ab_index_acquire(session->ab, &ret, &error);
	if (idx == NULL)
		return ret;
	ret = ab_table_open(session, idx, stat, &view);
	if (ret != AB_E_OK)
		goto out;
	ab_index_find_container(idx, stat->container_id, &container);
	mids_r->mids = talloc_array(mem_ctx, uint32_t, count + 1);
	rows_r->rows = talloc_zero_array(mem_ctx, struct mapi_propval_array, count + 1);
	if (mids_r->mids == NULL || rows_r->rows == NULL) {
		ret = AB_E_NO_MEMORY;
		goto out;
	}
	/* [MS-OXNSPI] 3.1.4.7: per name MID_RESOLVED when ANR maps it to
	 * exactly one object (one exact match among prefix matches counts as
	 * one: local policy), MID_AMBIGUOUS for several, MID_UNRESOLVED for
	 * none and for NULL or empty strings; 3.1.4.1.16: one row per
	 * resolved name, in order. */
	for (uint32_t i = 0; i < count; i++) {
		uint32_t *found, n = 0, exact = 0, mid = AB_MID_UNRESOLVED;
		found = NULL;
		if (names[i] != NULL && names[i][0] != '\0')
			ab_anr(mem_ctx, idx, container, names[i], &found, &n, &exact);
		if (n == 1 || exact == 1) {
			mid = AB_MID_RESOLVED;
			ab_row_build(rows_r->rows, session, idx, idx->entries[found[0]].mid,
			             columns, &rows_r->rows[rows_r->count++]);
		} else if (n > 1) {
			mid = AB_MID_AMBIGUOUS;
		}
		talloc_free(found);
		mids_r->mids[mids_r->count++] = mid;
	}
out:
	ab_index_release(idx);
	return ret;
}
