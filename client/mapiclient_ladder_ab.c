/*
 * The ladder's address book steps (OUTLOOK-LADDER.md stage 3): every NSPI
 * request Outlook makes at startup, each checked against what the mailbox's
 * own entry must answer ([MS-OXCMAPIHTTP] 2.2.5, [MS-OXNSPI] 3.1.4.1).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "mapiclient_ladder.h"
#include "mc_nspi.h"

#define MC_TAG_ANR      0x360C001Fu /* PidTagAnr */
#define MC_TAG_HOME_MDB 0x8006001Fu /* PidTagAddressBookHomeMessageDatabase */
/* [MS-OXNSPI] 2.2.1.8 */
#define MID_RESOLVED 0x2
/* "/cn=Microsoft Private MDB" ends the mailbox database DN (ladder stage 1) */
#define PRIVATE_MDB_RDN "/cn=Microsoft Private MDB"

struct ab_state {
	struct ladder *l;
	struct mc_session *s;
	struct nspi_stat st;
	uint32_t mid;   /* the user's own MId (DNToMId) */
	char *home_mdb; /* from GetProps */
	struct mapi_proptag_array cols;
	uint32_t tags[3];
};

static const char *val_str(const struct mapi_propval_array *v, uint32_t tag)
{
	for (uint32_t i = 0; v != NULL && i < v->count; i++) {
		if (v->vals[i].tag == tag)
			return v->vals[i].v.str;
	}
	return NULL;
}

static int ab_query_rows(struct ab_state *a)
{
	struct nspi_query_rows_resp r;
	struct nspi_stat st = a->st;
	struct nspi_query_rows_req q = {.state = &st, .row_count = 50, .columns = &a->cols};
	if (mc_nspi_call(a->l->mem_ctx, a->s, NSPI_QUERY_ROWS, &q, &r) < 0)
		return -1;
	uint32_t n = r.rows ? r.rows->count : 0;
	if (n > 50)
		return mc_fail(a->s, MC_E_PROTOCOL, "%" PRIu32 " rows for a Count of 50", n);
	for (uint32_t i = 0; i < n; i++) {
		const char *smtp = val_str(&r.rows->rows[i].vals, MC_TAG_SMTP_ADDRESS);
		if (smtp != NULL && strcasecmp(smtp, a->l->cli->address) == 0)
			return 0;
	}
	return mc_fail(a->s, MC_E_PROTOCOL,
	               "the user's own entry is not among the %" PRIu32 " first rows", n);
}

static int ab_resolve_self(struct ab_state *a)
{
	struct nspi_resolve_names_resp r;
	struct nspi_stat st = a->st;
	char *names[] = {(char *)(uintptr_t)a->l->cli->address};
	struct nspi_strings strs = {1, names};
	struct nspi_resolve_names_req q = {.state = &st, .tags = &a->cols, .names = &strs};
	if (mc_nspi_call(a->l->mem_ctx, a->s, NSPI_RESOLVE_NAMES, &q, &r) < 0)
		return -1;
	if (r.mids == NULL || r.mids->count != 1 || r.mids->ids[0] != MID_RESOLVED ||
	    r.rows == NULL || r.rows->count != 1)
		return mc_fail(a->s, MC_E_PROTOCOL,
		               "the user's own address did not resolve to "
		               "one entry (MID_RESOLVED of [MS-OXNSPI] NspiResolveNames)");
	return 0;
}

static int ab_dn_to_mid(struct ab_state *a)
{
	struct nspi_dn_to_mid_resp r;
	char *dns[] = {a->s->legacy_dn};
	struct nspi_strings strs = {1, dns};
	struct nspi_dn_to_mid_req q = {.names = &strs};
	if (mc_nspi_call(a->l->mem_ctx, a->s, NSPI_DN_TO_MID, &q, &r) < 0)
		return -1;
	if (r.mids == NULL || r.mids->count != 1 || r.mids->ids[0] == 0)
		return mc_fail(a->s, MC_E_PROTOCOL, "no MId for the user's own LegacyDN");
	a->mid = r.mids->ids[0];
	return 0;
}

static int ab_get_props(struct ab_state *a)
{
	struct nspi_get_props_resp r;
	struct nspi_stat st = a->st;
	uint32_t tags[] = {MC_TAG_DISPLAY_NAME, MC_TAG_SMTP_ADDRESS, MC_TAG_HOME_MDB};
	struct mapi_proptag_array t = {3, tags};
	st.current_rec = a->mid;
	struct nspi_get_props_req q = {.state = &st, .tags = &t};
	if (mc_nspi_call(a->l->mem_ctx, a->s, NSPI_GET_PROPS, &q, &r) < 0)
		return -1;
	const char *name = val_str(r.values, MC_TAG_DISPLAY_NAME);
	const char *want = a->l->disc.display_name;
	if (name == NULL || want == NULL || strcmp(name, want) != 0)
		return mc_fail(a->s, MC_E_PROTOCOL, "DisplayName \"%s\", Autodiscover said \"%s\"",
		               name ? name : "(none)", want ? want : "(none)");
	const char *mdb = val_str(r.values, MC_TAG_HOME_MDB);
	a->home_mdb = mdb ? talloc_strdup(a->l->mem_ctx, mdb) : NULL;
	return 0;
}

static int ab_get_matches(struct ab_state *a)
{
	/* Outlook's ANR lookup: a property restriction on PidTagAnr. */
	struct nspi_get_matches_resp r;
	struct nspi_stat st = a->st;
	struct mapi_restriction res = {.rt = RES_PROPERTY};
	res.u.prop.relop = RELOP_EQ;
	res.u.prop.proptag = MC_TAG_ANR;
	res.u.prop.val.tag = MC_TAG_ANR;
	res.u.prop.val.v.str = (char *)(uintptr_t)a->l->cli->address;
	struct nspi_get_matches_req q = {
	    .state = &st, .filter = &res, .row_count = 50, .columns = &a->cols};
	if (mc_nspi_call(a->l->mem_ctx, a->s, NSPI_GET_MATCHES, &q, &r) < 0)
		return -1;
	if (r.mids == NULL || r.mids->count < 1)
		return mc_fail(a->s, MC_E_PROTOCOL, "no match for the user's own address");
	for (uint32_t i = 0; i < r.mids->count; i++) {
		if (r.mids->ids[i] == a->mid)
			return 0;
	}
	return mc_fail(a->s, MC_E_PROTOCOL, "the matches do not include the user's own MId");
}

static int ab_seek_entries(struct ab_state *a)
{
	struct nspi_seek_entries_resp r;
	struct nspi_stat st = a->st;
	struct mapi_propval target = {.tag = MC_TAG_DISPLAY_NAME};
	target.v.str = a->l->disc.display_name;
	struct nspi_seek_entries_req q = {.state = &st, .target = &target, .columns = &a->cols};
	if (target.v.str == NULL)
		return mc_fail(a->s, MC_E_PROTOCOL, "no display name to seek");
	if (mc_nspi_call(a->l->mem_ctx, a->s, NSPI_SEEK_ENTRIES, &q, &r) < 0)
		return -1;
	if (r.state == NULL || r.state->current_rec != a->mid)
		return mc_fail(a->s, MC_E_PROTOCOL,
		               "seeking the user's own display name stopped "
		               "at MId 0x%" PRIx32 ", not the user's 0x%" PRIx32,
		               r.state ? r.state->current_rec : 0, a->mid);
	return 0;
}

static int ab_update_stat(struct ab_state *a)
{
	struct nspi_update_stat_resp r;
	struct nspi_stat st = a->st;
	struct nspi_update_stat_req q = {.state = &st, .delta_requested = 1};
	if (mc_nspi_call(a->l->mem_ctx, a->s, NSPI_UPDATE_STAT, &q, &r) < 0)
		return -1;
	if (r.state == NULL || !r.delta.present)
		return mc_fail(a->s, MC_E_PROTOCOL, "no STAT or no Delta although one was asked");
	return 0;
}

static int ab_columns_and_proplist(struct ab_state *a)
{
	struct nspi_query_columns_resp qc;
	struct nspi_query_columns_req qcq = {0};
	if (mc_nspi_call(a->l->mem_ctx, a->s, NSPI_QUERY_COLUMNS, &qcq, &qc) < 0)
		return -1;
	if (qc.columns == NULL || qc.columns->count == 0)
		return mc_fail(a->s, MC_E_PROTOCOL, "QueryColumns: no column");
	struct nspi_get_prop_list_resp pl;
	struct nspi_get_prop_list_req plq = {.mid = a->mid, .code_page = 1252};
	if (mc_nspi_call(a->l->mem_ctx, a->s, NSPI_GET_PROP_LIST, &plq, &pl) < 0)
		return -1;
	for (uint32_t i = 0; pl.tags != NULL && i < pl.tags->count; i++) {
		if (PROP_ID(pl.tags->tags[i]) == PROP_ID(MC_TAG_DISPLAY_NAME))
			return 0;
	}
	return mc_fail(a->s, MC_E_PROTOCOL, "GetPropList of the user lacks PidTagDisplayName");
}

static int ab_compare_mids(struct ab_state *a)
{
	struct nspi_compare_mids_resp r;
	struct nspi_stat st = a->st;
	struct nspi_compare_mids_req q = {.state = &st, .mid1 = a->mid, .mid2 = a->mid};
	if (mc_nspi_call(a->l->mem_ctx, a->s, NSPI_COMPARE_MIDS, &q, &r) < 0)
		return -1;
	if (r.result != 0)
		return mc_fail(a->s, MC_E_PROTOCOL, "an MId compared with itself answered %" PRId32,
		               (int32_t)r.result);
	return 0;
}

static int ab_urls(struct ab_state *a)
{
	/* GetMailboxUrl takes the mailbox server's DN: the home database DN
	 * without its last RDN (ladder stage 1 name formats). */
	size_t n = a->home_mdb ? strlen(a->home_mdb) : 0, k = strlen(PRIVATE_MDB_RDN);
	if (n <= k || strcasecmp(a->home_mdb + n - k, PRIVATE_MDB_RDN) != 0)
		return mc_fail(a->s, MC_E_PROTOCOL,
		               "PidTagAddressBookHomeMessageDatabase \"%s\" "
		               "is not a mailbox database DN",
		               a->home_mdb ? a->home_mdb : "(none)");
	struct nspi_get_url_resp r;
	struct nspi_get_url_req q = {.flags = 0,
	                             .dn = talloc_strndup(a->l->mem_ctx, a->home_mdb, n - k)};
	if (mc_nspi_call(a->l->mem_ctx, a->s, NSPI_GET_MAILBOX_URL, &q, &r) < 0)
		return -1;
	if (r.server_url == NULL || strcasecmp(r.server_url, a->s->emsmdb_url) != 0)
		return mc_fail(a->s, MC_E_PROTOCOL, "GetMailboxUrl answered %s, Autodiscover %s",
		               r.server_url ? r.server_url : "(none)", a->s->emsmdb_url);
	q.dn = a->s->legacy_dn;
	if (mc_nspi_call(a->l->mem_ctx, a->s, NSPI_GET_ADDRESS_BOOK_URL, &q, &r) < 0)
		return -1;
	if (r.server_url == NULL || strcasecmp(r.server_url, a->s->nspi_url) != 0)
		return mc_fail(a->s, MC_E_PROTOCOL,
		               "GetAddressBookUrl answered %s, Autodiscover %s",
		               r.server_url ? r.server_url : "(none)", a->s->nspi_url);
	return 0;
}

static int ab_special_table(struct ab_state *a)
{
	struct nspi_get_special_table_resp r;
	struct nspi_stat st = a->st;
	struct nspi_get_special_table_req q = {.flags = 0x4, .state = &st};
	if (mc_nspi_call(a->l->mem_ctx, a->s, NSPI_GET_SPECIAL_TABLE, &q, &r) < 0)
		return -1;
	if (r.rows == NULL || r.rows->count == 0)
		return mc_fail(a->s, MC_E_PROTOCOL, "no address book container");
	return 0;
}

void mc_ladder_nspi(struct ladder *l, bool ok)
{
	struct ab_state a = {.l = l, .s = l->cli->s};
	mc_nspi_default_stat(&a.st);
	a.tags[0] = MC_TAG_DISPLAY_NAME;
	a.tags[1] = MC_TAG_SMTP_ADDRESS;
	a.tags[2] = MC_TAG_EMAIL_ADDRESS;
	a.cols.count = 3;
	a.cols.tags = a.tags;
	bool b = mc_ladder_step(l, "nspi Bind", ok, ok ? mc_nspi_bind(l->mem_ctx, a.s, NULL) : 0);
	mc_ladder_step(l, "nspi GetSpecialTable", b, b ? ab_special_table(&a) : 0);
	mc_ladder_step(l, "nspi QueryRows", b, b ? ab_query_rows(&a) : 0);
	mc_ladder_step(l, "nspi ResolveNames", b, b ? ab_resolve_self(&a) : 0);
	bool m = mc_ladder_step(l, "nspi DNToMId", b, b ? ab_dn_to_mid(&a) : 0);
	bool p = mc_ladder_step(l, "nspi GetProps", m, m ? ab_get_props(&a) : 0);
	mc_ladder_step(l, "nspi GetMatches", m, m ? ab_get_matches(&a) : 0);
	mc_ladder_step(l, "nspi SeekEntries", m, m ? ab_seek_entries(&a) : 0);
	mc_ladder_step(l, "nspi UpdateStat", b, b ? ab_update_stat(&a) : 0);
	mc_ladder_step(l, "nspi QueryColumns + GetPropList", m,
	               m ? ab_columns_and_proplist(&a) : 0);
	mc_ladder_step(l, "nspi CompareMIds", m, m ? ab_compare_mids(&a) : 0);
	mc_ladder_step(l, "nspi GetMailboxUrl + GetAddressBookUrl", p, p ? ab_urls(&a) : 0);
	mc_ladder_step(l, "nspi Unbind", b, b ? mc_nspi_unbind(l->mem_ctx, a.s) : 0);
}
