/*
 * Tests of addrbook/ over a real embedded directory in a temporary data
 * directory: a GAL of 10,000 generated users plus a few named ones.
 */
#include <stdlib.h>
#include <strings.h>
#include <unistd.h>

#include "ab_private.h"
#include "addrbook.h"
#include "directory.h"
#include "log.h"
#include "test.h"
#include "mapi_guid.h"

#define GAL_MEMBERS  10000
#define CP_1252      1252
#define ANY_RESOLVED 0xFFFFFFFFu

static char data_dir[64];
static struct directory *dir;
static struct addrbook *ab;
static TALLOC_CTX *root;

/* Named users: [0] is the logged-in user. */
static const struct {
	const char *address, *name, *alias;
} named[] = {
    {"john.smith@example.com", "John Smith", "js@example.com"},
    {"jane.smith@example.com", "Jane Smith", NULL},
    {"zoe@example.com", "Zo\xc3\xab Adams", NULL},
    {"emile@example.com", "\xc3\x89mile Zola", NULL},
    {"adam@example.com", "adam lower", NULL},
    {"bob@other.org", "Bob Jones", NULL},
};
#define NAMED (sizeof(named) / sizeof(named[0]))
#define TOTAL (GAL_MEMBERS + NAMED)

static struct dir_user *named_users[NAMED];

/* A writable copy of a literal for a string property value. */
static char *S(const char *s)
{
	return talloc_strdup(root, s);
}

static void setup(void)
{
	const char *error;
	char address[64], name[64];
	struct dir_user *user;

	log_set_level(LOG_LEVEL_WARN);
	root = talloc_new(NULL);
	/* tmpfs when there is one: 10,000 directory commits, each synced. */
	snprintf(data_dir, sizeof(data_dir), "%s/test-addrbook-XXXXXX",
	         access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	if (mkdtemp(data_dir) == NULL || directory_open(root, data_dir, &dir, &error) < 0 ||
	    directory_domain_add(dir, "example.com", &error) < 0 ||
	    directory_domain_add(dir, "other.org", &error) < 0) {
		fprintf(stderr, "setup: %s\n", error);
		abort();
	}
	for (unsigned i = 0; i < NAMED; i++) {
		if (directory_user_add(dir, root, named[i].address, named[i].name, NULL,
		                       &named_users[i], &error) < 0 ||
		    (named[i].alias != NULL &&
		     directory_user_add_alias(dir, named[i].address, named[i].alias, &error) < 0)) {
			fprintf(stderr, "setup: %s\n", error);
			abort();
		}
	}
	/* Members inserted out of order: the GAL must sort them. */
	for (unsigned i = 0; i < GAL_MEMBERS; i++) {
		unsigned n = (i * 7919u) % GAL_MEMBERS;
		snprintf(address, sizeof(address), "m%05u@example.com", n);
		snprintf(name, sizeof(name), "Member %05u", n);
		if (directory_user_add(dir, root, address, name, NULL, &user, &error) < 0) {
			fprintf(stderr, "setup: %s\n", error);
			abort();
		}
		talloc_free(user);
	}
	struct addrbook_settings settings = {.base_url = "https://mail.example.com/"};
	if (addrbook_init(root, dir, &settings, &ab, &error) < 0) {
		fprintf(stderr, "addrbook_init: %s\n", error);
		abort();
	}
}

static void teardown(void)
{
	char cmd[128];
	addrbook_deinit(&ab);
	directory_close(&dir);
	talloc_free(root);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", data_dir);
	if (system(cmd) != 0)
		abort();
}

static struct ab_stat gal_stat(void)
{
	struct ab_stat stat = {.sort_type = AB_SORT_DISPLAY_NAME,
	                       .container_id = AB_GAL_CONTAINER_ID,
	                       .cur_rec = AB_MID_BEGINNING_OF_TABLE,
	                       .codepage = CP_1252,
	                       .template_locale = AB_LCID_DEFAULT,
	                       .sort_locale = AB_LCID_DEFAULT};
	return stat;
}

static struct ab_session *bind_john(TALLOC_CTX *mem_ctx)
{
	struct ab_stat stat = gal_stat();
	struct ab_session *s = NULL;
	if (ab_bind(mem_ctx, ab, 0, &stat, named[0].address, &s) != AB_E_OK)
		abort();
	return s;
}

static uint32_t mid_of(unsigned named_index)
{
	return AB_MID_USER_BASE + named_users[named_index]->id;
}

static const struct mapi_propval *find_val(const struct mapi_propval_array *row, uint32_t tag)
{
	for (uint32_t i = 0; i < row->count; i++) {
		if (row->vals[i].tag == tag)
			return &row->vals[i];
	}
	return NULL;
}

static void test_errors(void)
{
	test_begin("error enum maps to NSPI codes");
	test_assert_int(ab_error_nspi(AB_E_OK), 0);
	test_assert_int(ab_error_nspi(AB_E_NOT_FOUND), 0x8004010F);
	test_assert_int(ab_error_nspi(AB_E_ERRORS_RETURNED), 0x00040380);
	test_assert_int(ab_error_nspi(AB_E_INVALID_BOOKMARK), 0x80040405);
	test_assert_int(ab_error_nspi(AB_E_TABLE_TOO_BIG), 0x80040403);
	test_assert_int(ab_error_nspi(AB_E_ACCESS_DENIED), 0x80070005);
	test_assert_int(ab_error_nspi(AB_E_INVALID_CODEPAGE), 0x8004011E);
	test_assert_int(ab_error_nspi(AB_E_UNBIND_SUCCESS), 1);
	test_assert(strcmp(ab_strerror(AB_E_NOT_FOUND), "object not found") == 0);
	test_assert(ab_strerror((enum ab_error)999) != NULL);
	test_end();
}

static void test_bind(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ab_stat stat = gal_stat();
	struct ab_session *s = NULL;

	test_begin("Bind checks the code page and finds the user");
	stat.codepage = AB_CP_WINUNICODE;
	test_assert_int(ab_bind(tmp, ab, 0, &stat, named[0].address, &s), AB_E_INVALID_CODEPAGE);
	stat.codepage = 999999;
	test_assert_int(ab_bind(tmp, ab, 0, &stat, named[0].address, &s), AB_E_INVALID_CODEPAGE);
	stat.codepage = CP_1252;
	test_assert_int(ab_bind(tmp, ab, 0, &stat, "JOHN.SMITH@example.com", &s), AB_E_OK);
	test_assert(s != NULL);
	if (s != NULL)
		test_assert_int(ab_session_user_mid(s), mid_of(0));
	test_assert_int(ab_unbind(&s), AB_E_UNBIND_SUCCESS);
	test_assert(s == NULL);
	test_end();
	talloc_free(tmp);
}

static void test_special_table(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ab_session *s = bind_john(tmp);
	struct ab_stat stat = gal_stat();
	struct ab_rowset rows;
	uint32_t version = 0;

	test_begin("GetSpecialTable: the GAL, then one container per domain");
	test_assert_int(ab_get_special_table(s, tmp, 0, &stat, &version, &rows), AB_E_OK);
	test_assert_int(rows.count, 3);
	if (rows.count == 3) {
		const struct mapi_propval_array *gal = &rows.rows[0];
		test_assert_int(gal->count, 6);
		test_assert_int(find_val(gal, PR_EMS_AB_CONTAINERID)->v.i32, 0);
		test_assert_int(find_val(gal, PR_CONTAINER_FLAGS)->v.i32,
		                AB_RECIPIENTS | AB_UNMODIFIABLE);
		test_assert_int(find_val(gal, PR_DEPTH)->v.i32, 0);
		test_assert(find_val(gal, PR_EMS_AB_IS_MASTER)->v.b == false);
		const struct mapi_propval *name =
		    find_val(gal, CHANGE_PROP_TYPE(PR_DISPLAY_NAME, PT_STRING8));
		test_assert(name != NULL);
		if (name != NULL)
			test_assert_str(name->v.str, "Global Address List");
		const struct mapi_propval *eid = find_val(gal, PR_ENTRYID);
		test_assert(eid != NULL && eid->v.bin.len == 30 && eid->v.bin.data[0] == 0);
		const struct mapi_propval *dom = find_val(&rows.rows[1], PR_EMS_AB_CONTAINERID);
		test_assert(dom != NULL && (uint32_t)dom->v.i32 >= AB_MID_CONTAINER_BASE);
	}
	test_assert(version >= 2);
	test_assert_int(ab_get_special_table(s, tmp, 0, &stat, &version, &rows), AB_E_OK);
	test_assert_int(rows.count, 0);
	version = 0;
	test_assert_int(
	    ab_get_special_table(s, tmp, AB_SPECIAL_UNICODE_STRINGS, &stat, &version, &rows),
	    AB_E_OK);
	test_assert(rows.count == 3 && find_val(&rows.rows[2], PR_DISPLAY_NAME) != NULL);
	test_assert_int(
	    ab_get_special_table(s, tmp, AB_SPECIAL_ADDRESS_CREATION_TEMPLATES, &stat, NULL, &rows),
	    AB_E_OK);
	test_assert_int(rows.count, 0);
	test_end();
	talloc_free(tmp);
}

static const char *row_name(const struct mapi_propval_array *row)
{
	const struct mapi_propval *v = find_val(row, CHANGE_PROP_TYPE(PR_DISPLAY_NAME, PT_STRING8));
	return v != NULL ? v->v.str : "";
}

static void test_query_rows_paging(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ab_session *s = bind_john(tmp);
	struct ab_stat stat = gal_stat();
	struct ab_rowset rows;
	uint32_t seen = 0, pages = 0, too_many = 0, unsorted = 0, bad_pos = 0;
	char prev[128] = "";

	test_begin("QueryRows pages through a GAL of 10,000 users in order");
	while (stat.cur_rec != AB_MID_END_OF_TABLE && pages < 1000) {
		uint32_t before = stat.num_pos;
		if (ab_query_rows(s, tmp, 0, &stat, NULL, 47, NULL, &rows) != AB_E_OK)
			break;
		pages++;
		too_many += rows.count > 47;
		bad_pos += stat.num_pos != before + rows.count;
		for (uint32_t i = 0; i < rows.count; i++) {
			const char *name = row_name(&rows.rows[i]);
			if (strncmp(name, "Member", 6) == 0 && strncmp(prev, "Member", 6) == 0 &&
			    strcmp(prev, name) >= 0)
				unsorted++;
			snprintf(prev, sizeof(prev), "%s", name);
			test_assert_int(rows.rows[i].count, ab_default_columns.count);
		}
		seen += rows.count;
		talloc_free_children(tmp);
		s = bind_john(tmp);
	}
	test_assert_int(seen, TOTAL);
	test_assert_int(pages, (TOTAL + 46) / 47);
	test_assert_int(too_many, 0);
	test_assert_int(unsorted, 0);
	test_assert_int(bad_pos, 0);
	test_assert_int(stat.total_recs, TOTAL);
	test_assert_int(stat.num_pos, TOTAL);
	test_assert_int(stat.delta, 0);
	/* At the end: nothing more, never more than asked. */
	test_assert_int(ab_query_rows(s, tmp, 0, &stat, NULL, 10, NULL, &rows), AB_E_OK);
	test_assert_int(rows.count, 0);
	test_end();

	test_begin("QueryRows: the first rows in locale order, case and accents folded");
	stat = gal_stat();
	test_assert_int(ab_query_rows(s, tmp, 0, &stat, NULL, 4, NULL, &rows), AB_E_OK);
	test_assert_int(rows.count, 4);
	if (rows.count == 4) {
		test_assert_str(row_name(&rows.rows[0]), "adam lower");
		test_assert_str(row_name(&rows.rows[1]), "Bob Jones");
		test_assert_str(row_name(&rows.rows[2]), "\xc9mile Zola"); /* CP1252 */
		test_assert_str(row_name(&rows.rows[3]), "Jane Smith");
	}
	test_assert_int(stat.num_pos, 4);
	test_assert_int(stat.cur_rec, mid_of(0)); /* John Smith comes next */
	test_assert_int(ab_query_rows(s, tmp, 0, &stat, NULL, 0, NULL, &rows),
	                AB_E_INVALID_PARAMETER);
	test_end();
	talloc_free(tmp);
}

static void test_query_rows_explicit(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ab_session *s = bind_john(tmp);
	struct ab_stat stat = gal_stat();
	struct ab_rowset rows;
	uint32_t mids[] = {mid_of(5), 0x7777777, mid_of(1)};
	struct ab_mids table = {3, mids};
	uint32_t tags[] = {PR_DISPLAY_NAME, PR_SMTP_ADDRESS};
	struct mapi_proptag_array cols = {2, tags};

	test_begin("QueryRows of an explicit table: rows of those MIds, at most Count");
	stat.cur_rec = 0x12345; /* ignored with an explicit table */
	test_assert_int(ab_query_rows(s, tmp, 0, &stat, &table, 2, &cols, &rows), AB_E_OK);
	test_assert_int(rows.count, 2);
	if (rows.count == 2) {
		test_assert_str(rows.rows[0].vals[0].v.str, "Bob Jones");
		test_assert_str(rows.rows[0].vals[1].v.str, "bob@other.org");
		test_assert_int(rows.rows[1].vals[0].tag,
		                CHANGE_PROP_TYPE(PR_DISPLAY_NAME, PT_ERROR));
		test_assert_int(rows.rows[1].vals[0].v.err, 0x8004010F);
	}
	test_assert_int(ab_query_rows(s, tmp, 0, &stat, &table, 10, &cols, &rows), AB_E_OK);
	test_assert_int(rows.count, 3);
	test_end();
	talloc_free(tmp);
}

static void test_seek_entries(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ab_session *s = bind_john(tmp);
	struct ab_stat stat = gal_stat();
	struct ab_rowset rows;
	struct mapi_propval target = {.tag = CHANGE_PROP_TYPE(PR_DISPLAY_NAME, PT_STRING8)};
	uint32_t tags[] = {PR_DISPLAY_NAME};
	struct mapi_proptag_array cols = {1, tags};

	test_begin("SeekEntries positions on a name, without case");
	target.v.str = S("member 05000");
	test_assert_int(ab_seek_entries(s, tmp, &stat, &target, NULL, &cols, 3, &rows), AB_E_OK);
	/* adam, Bob, Emile, Jane, John, then Member 00000... */
	test_assert_int(stat.num_pos, 5 + 5000);
	test_assert_int(stat.total_recs, TOTAL);
	test_assert_int(rows.count, 3);
	if (rows.count == 3) {
		test_assert_str(rows.rows[0].vals[0].v.str, "Member 05000");
		test_assert_str(rows.rows[2].vals[0].v.str, "Member 05002");
	}
	struct ab_stat probe = gal_stat();
	probe.num_pos = stat.num_pos;
	probe.cur_rec = stat.cur_rec;
	test_assert_int(ab_query_rows(s, tmp, 0, &probe, NULL, 1, &cols, &rows), AB_E_OK);
	test_assert(rows.count == 1 && strcmp(rows.rows[0].vals[0].v.str, "Member 05000") == 0);

	stat = gal_stat();
	target.v.str = S("Memb");
	test_assert_int(ab_seek_entries(s, tmp, &stat, &target, NULL, NULL, 0, &rows), AB_E_OK);
	test_assert_int(stat.num_pos, 5);
	target.tag = PR_DISPLAY_NAME;
	target.v.str = S("Zo\xc3\xab");
	test_assert_int(ab_seek_entries(s, tmp, &stat, &target, NULL, NULL, 0, &rows), AB_E_OK);
	test_assert_int(stat.cur_rec, mid_of(2));
	target.v.str = S("zzzz");
	test_assert_int(ab_seek_entries(s, tmp, &stat, &target, NULL, NULL, 0, &rows),
	                AB_E_NOT_FOUND);
	target.tag = PR_SMTP_ADDRESS;
	test_assert_int(ab_seek_entries(s, tmp, &stat, &target, NULL, NULL, 0, &rows),
	                AB_E_TOO_COMPLEX);
	test_end();

	test_begin("SeekEntries in an explicit table");
	uint32_t mids[] = {mid_of(4), mid_of(1), mid_of(0), mid_of(2)};
	struct ab_mids table = {4, mids};
	target.tag = PR_DISPLAY_NAME;
	target.v.str = S("john");
	stat = gal_stat();
	test_assert_int(ab_seek_entries(s, tmp, &stat, &target, &table, &cols, 10, &rows), AB_E_OK);
	test_assert_int(stat.cur_rec, mid_of(0));
	test_assert_int(stat.num_pos, 2);
	test_assert_int(stat.total_recs, 4);
	test_assert_int(rows.count, 2);
	test_end();
	talloc_free(tmp);
}

static void test_update_stat(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ab_session *s = bind_john(tmp);
	struct ab_stat stat = gal_stat();
	int32_t delta = 0;

	test_begin("UpdateStat: Delta moves, clamps and is cleared");
	stat.delta = 3;
	test_assert_int(ab_update_stat(s, &stat, &delta), AB_E_OK);
	test_assert_int(stat.num_pos, 3);
	test_assert_int(stat.cur_rec, mid_of(1)); /* Jane Smith */
	test_assert_int(stat.delta, 0);
	test_assert_int(delta, 3);
	stat.delta = -10;
	test_assert_int(ab_update_stat(s, &stat, &delta), AB_E_OK);
	test_assert_int(stat.num_pos, 0);
	test_assert_int(delta, -3);
	stat.cur_rec = AB_MID_END_OF_TABLE;
	stat.delta = -1;
	test_assert_int(ab_update_stat(s, &stat, &delta), AB_E_OK);
	test_assert_int(stat.num_pos, TOTAL - 1);
	stat.delta = 100;
	test_assert_int(ab_update_stat(s, &stat, &delta), AB_E_OK);
	test_assert_int(stat.cur_rec, AB_MID_END_OF_TABLE);
	test_assert_int(stat.num_pos, TOTAL);
	test_assert_int(delta, 1);
	test_end();

	test_begin("UpdateStat: fractional positioning");
	stat = gal_stat();
	stat.cur_rec = AB_MID_CURRENT;
	stat.num_pos = 1;
	stat.total_recs = 2;
	test_assert_int(ab_update_stat(s, &stat, NULL), AB_E_OK);
	test_assert_int(stat.num_pos, TOTAL / 2);
	test_assert_int(stat.total_recs, TOTAL);
	stat.cur_rec = AB_MID_CURRENT;
	stat.num_pos = 50;
	stat.total_recs = 10;
	test_assert_int(ab_update_stat(s, &stat, NULL), AB_E_OK);
	test_assert_int(stat.cur_rec, AB_MID_END_OF_TABLE);
	test_end();

	test_begin("UpdateStat: bad STATs");
	stat = gal_stat();
	stat.cur_rec = 0x7654321;
	test_assert_int(ab_update_stat(s, &stat, NULL), AB_E_NOT_FOUND);
	stat = gal_stat();
	stat.container_id = 0x1234;
	test_assert_int(ab_update_stat(s, &stat, NULL), AB_E_INVALID_BOOKMARK);
	stat = gal_stat();
	stat.codepage = AB_CP_WINUNICODE;
	test_assert_int(ab_update_stat(s, &stat, NULL), AB_E_INVALID_CODEPAGE);
	stat = gal_stat();
	stat.sort_type = 77;
	test_assert_int(ab_update_stat(s, &stat, NULL), AB_E_INVALID_PARAMETER);
	test_end();
	talloc_free(tmp);
}

static uint32_t domain_container(struct ab_session *s, TALLOC_CTX *mem_ctx, const char *name)
{
	struct ab_stat stat = gal_stat();
	struct ab_rowset rows;
	if (ab_get_special_table(s, mem_ctx, AB_SPECIAL_UNICODE_STRINGS, &stat, NULL, &rows) !=
	    AB_E_OK)
		return 0;
	for (uint32_t i = 0; i < rows.count; i++) {
		if (strcmp(find_val(&rows.rows[i], PR_DISPLAY_NAME)->v.str, name) == 0)
			return (uint32_t)find_val(&rows.rows[i], PR_EMS_AB_CONTAINERID)->v.i32;
	}
	return 0;
}

static void test_resolve_names(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ab_session *s = bind_john(tmp);
	struct ab_stat stat = gal_stat();
	struct ab_mids mids;
	struct ab_rowset rows;
	uint32_t tags[] = {PR_SMTP_ADDRESS};
	struct mapi_proptag_array cols = {1, tags};
	/* Each name, and the address of the object it resolves to ("" when
	 * unresolved, "*" when ambiguous). */
	const struct {
		const char *name, *want;
	} cases[] = {
	    {"John Smith", "john.smith@example.com"},
	    {"Smith", "*"},
	    {"zzz", ""},
	    {"js@example.com", "john.smith@example.com"},
	    {"SMTP:jane.smith@example.com", "jane.smith@example.com"},
	    {"smith john", "john.smith@example.com"},
	    {"Member 0500", "*"},
	    {"Member 05000", "m05000@example.com"},
	    {named_users[5]->legacy_dn, "bob@other.org"},
	    {"jo", "*"},
	    {"=Jane", ""},
	    {"zo\xc3\xab", "zoe@example.com"},
	    {"", ""},
	    {NULL, ""},
	};
	const char *names[sizeof(cases) / sizeof(cases[0])];
	uint32_t n = sizeof(cases) / sizeof(cases[0]);
	for (uint32_t i = 0; i < n; i++)
		names[i] = cases[i].name;

	test_begin("ResolveNames: exact, partial, ambiguous and unresolved names");
	test_assert_int(ab_resolve_names(s, tmp, &stat, names, n, &cols, &mids, &rows), AB_E_OK);
	test_assert_int(mids.count, n);
	uint32_t row = 0;
	for (uint32_t i = 0; i < n && i < mids.count; i++) {
		uint32_t want = cases[i].want[0] == '\0'  ? AB_MID_UNRESOLVED
		                : cases[i].want[0] == '*' ? AB_MID_AMBIGUOUS
		                                          : AB_MID_RESOLVED;
		if (mids.mids[i] != want) {
			fprintf(stderr, "name %s: got 0x%x want 0x%x\n", cases[i].name,
			        mids.mids[i], want);
			test_assert(mids.mids[i] == want);
		}
		if (mids.mids[i] != AB_MID_RESOLVED || want != AB_MID_RESOLVED)
			continue;
		test_assert(row < rows.count);
		if (row < rows.count)
			test_assert_str(rows.rows[row].vals[0].v.str, cases[i].want);
		row++;
	}
	test_assert_int(rows.count, row);
	test_end();

	test_begin("ResolveNames in a domain container");
	stat.container_id = domain_container(s, tmp, "other.org");
	test_assert(stat.container_id >= AB_MID_CONTAINER_BASE);
	const char *more[] = {"Smith", "bob"};
	test_assert_int(ab_resolve_names(s, tmp, &stat, more, 2, &cols, &mids, &rows), AB_E_OK);
	test_assert(mids.count == 2 && mids.mids[0] == AB_MID_UNRESOLVED &&
	            mids.mids[1] == AB_MID_RESOLVED);
	test_assert(rows.count == 1 && strcmp(rows.rows[0].vals[0].v.str, "bob@other.org") == 0);
	stat.container_id = 0x4444;
	test_assert_int(ab_resolve_names(s, tmp, &stat, more, 2, NULL, &mids, &rows),
	                AB_E_INVALID_BOOKMARK);
	test_end();
	talloc_free(tmp);
}

static void test_dn_to_mid_get_props(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ab_session *s = bind_john(tmp);
	struct ab_stat stat = gal_stat();
	struct ab_mids mids;
	struct mapi_propval_array row;
	const struct dir_user *john = named_users[0];
	const char *dns[] = {john->legacy_dn, "/o=nowhere/cn=nobody", named_users[2]->legacy_dn};
	uint32_t tags[] = {
	    PR_ENTRYID,
	    PR_RECORD_KEY,
	    PR_SEARCH_KEY,
	    PR_INSTANCE_KEY,
	    CHANGE_PROP_TYPE(PR_ADDRTYPE, PT_STRING8),
	    PR_EMAIL_ADDRESS,
	    PR_SMTP_ADDRESS,
	    PR_EMS_AB_PROXY_ADDRESSES,
	    CHANGE_PROP_TYPE(PR_DISPLAY_NAME, PT_STRING8),
	    PR_DISPLAY_TYPE,
	    PR_DISPLAY_TYPE_EX,
	    PR_OBJECT_TYPE,
	    CHANGE_PROP_TYPE(PR_EMS_AB_HOME_MDB, PT_STRING8),
	    PR_EMS_AB_NETWORK_ADDRESS,
	    PR_TEMPLATEID,
	    PR_MAPPING_SIGNATURE,
	    PR_ACCOUNT,
	    PR_EMS_AB_THUMBNAIL_PHOTO,
	};
	struct mapi_proptag_array cols = {sizeof(tags) / sizeof(tags[0]), tags};

	test_begin("DNToMId: known DNs map to MIds, unknown ones to 0");
	test_assert_int(ab_dn_to_mid(s, tmp, dns, 3, &mids), AB_E_OK);
	test_assert_int(mids.count, 3);
	test_assert_int(mids.mids[0], mid_of(0));
	test_assert_int(mids.mids[1], 0);
	test_assert_int(mids.mids[2], mid_of(2));
	test_end();

	test_begin("GetProps of the logged-in user: every property Outlook reads");
	stat.cur_rec = mids.mids[0];
	test_assert_int(ab_get_props(s, tmp, 0, &stat, &cols, &row), AB_E_ERRORS_RETURNED);
	test_assert_int(row.count, cols.count);
	if (row.count == cols.count) {
		const struct mapi_binary *eid = &row.vals[0].v.bin;
		size_t dnlen = strlen(john->legacy_dn);
		test_assert_int(row.vals[0].tag, PR_ENTRYID);
		test_assert_int(eid->len, 28 + dnlen + 1);
		static const uint8_t head[] = {0,    0,    0,    0,    0xDC, 0xA7, 0x40,
		                               0xC8, 0xC0, 0x42, 0x10, 0x1A, 0xB4, 0xB9,
		                               0x08, 0x00, 0x2B, 0x2F, 0xE1, 0x82, 1,
		                               0,    0,    0,    0,    0,    0,    0};
		test_assert_mem(eid->data, head, sizeof(head));
		test_assert_mem(eid->data + 28, john->legacy_dn, dnlen + 1);
		test_assert(row.vals[1].v.bin.len == eid->len &&
		            memcmp(row.vals[1].v.bin.data, eid->data, eid->len) == 0);
		test_assert(strncmp((const char *)row.vals[2].v.bin.data, "EX:/O=", 6) == 0);
		test_assert_int(row.vals[2].v.bin.len, 3 + dnlen + 1);
		test_assert_int(row.vals[3].v.bin.len, 4);
		test_assert_int(row.vals[3].v.bin.data[0], mid_of(0) & 0xFF);
		test_assert_str(row.vals[4].v.str, "EX");
		test_assert_int(row.vals[4].tag, CHANGE_PROP_TYPE(PR_ADDRTYPE, PT_STRING8));
		test_assert_str(row.vals[5].v.str, john->legacy_dn);
		test_assert_str(row.vals[6].v.str, "john.smith@example.com");
		test_assert_int(row.vals[7].v.mv.count, 2);
		if (row.vals[7].v.mv.count == 2) {
			test_assert_str(row.vals[7].v.mv.str[0], "SMTP:john.smith@example.com");
			test_assert_str(row.vals[7].v.mv.str[1], "smtp:js@example.com");
		}
		test_assert_str(row.vals[8].v.str, "John Smith");
		test_assert_int(row.vals[9].v.i32, 0);
		test_assert_int(row.vals[10].v.i32, 0x40000000);
		test_assert_int(row.vals[11].v.i32, 6);
		test_assert(strstr(row.vals[12].v.str, "/cn=Configuration/cn=Servers/cn=") != NULL);
		test_assert(strstr(row.vals[12].v.str, "@example.com/cn=Microsoft Private MDB") !=
		            NULL);
		test_assert(row.vals[13].v.mv.count == 2 &&
		            strcmp(row.vals[13].v.mv.str[1], "ncacn_http:mail.example.com") == 0);
		test_assert_int(row.vals[14].tag, PR_TEMPLATEID);
		test_assert_int(row.vals[15].v.bin.len, 16);
		test_assert_str(row.vals[16].v.str, "john.smith");
		test_assert_int(row.vals[17].tag,
		                CHANGE_PROP_TYPE(PR_EMS_AB_THUMBNAIL_PHOTO, PT_ERROR));
		test_assert_int(row.vals[17].v.err, 0x8004010F);
	}
	test_end();

	test_begin("GetProps: 8-bit strings in the code page, ephemeral IDs, unknown MIds");
	uint32_t name_tags[] = {CHANGE_PROP_TYPE(PR_DISPLAY_NAME, PT_STRING8), PR_DISPLAY_NAME,
	                        PR_ENTRYID};
	struct mapi_proptag_array name_cols = {3, name_tags};
	stat.cur_rec = mid_of(2);
	test_assert_int(ab_get_props(s, tmp, AB_FLAG_EPHEMERAL_ID, &stat, &name_cols, &row),
	                AB_E_OK);
	test_assert_str(row.vals[0].v.str, "Zo\xeb Adams");
	test_assert_str(row.vals[1].v.str, "Zo\xc3\xab Adams");
	test_assert(row.vals[2].v.bin.len == 32 && row.vals[2].v.bin.data[0] == 0x87);
	if (row.vals[2].v.bin.len == 32) {
		struct mapi_guid guid;
		addrbook_server_guid(ab, &guid);
		test_assert_mem(row.vals[2].v.bin.data + 4, guid.b, 16);
		test_assert_int(row.vals[2].v.bin.data[28], mid_of(2) & 0xFF);
	}
	/* [MS-OXNSPI] 3.1.4.1.7: an unknown object is a row of errors. */
	stat.cur_rec = 0x0ABCDEF;
	test_assert_int(ab_get_props(s, tmp, 0, &stat, &name_cols, &row), AB_E_ERRORS_RETURNED);
	test_assert(row.count == 3 &&
	            row.vals[0].tag == CHANGE_PROP_TYPE(PR_DISPLAY_NAME, PT_ERROR) &&
	            row.vals[2].v.err == 0x8004010F);
	/* A positioning MId names the row at that position. */
	stat.cur_rec = AB_MID_BEGINNING_OF_TABLE;
	test_assert_int(ab_get_props(s, tmp, 0, &stat, &name_cols, &row), AB_E_OK);
	test_assert_str(row.vals[1].v.str, "adam lower");
	stat.cur_rec = AB_MID_END_OF_TABLE;
	test_assert_int(ab_get_props(s, tmp, 0, &stat, &name_cols, &row), AB_E_OK);
	test_assert_str(row.vals[1].v.str, "Zo\xc3\xab Adams");
	stat.cur_rec = mid_of(0);
	test_assert_int(ab_get_props(s, tmp, 0, &stat, NULL, &row), AB_E_OK);
	test_assert(row.count > 15);
	test_end();

	test_begin("GetPropList and QueryColumns");
	struct mapi_proptag_array list;
	test_assert_int(ab_get_prop_list(s, tmp, 0, mid_of(0), CP_1252, &list), AB_E_OK);
	bool has8 = false, has_unicode = false;
	for (uint32_t i = 0; i < list.count; i++) {
		has8 |= list.tags[i] == CHANGE_PROP_TYPE(PR_DISPLAY_NAME, PT_STRING8);
		has_unicode |= list.tags[i] == PR_DISPLAY_NAME;
	}
	test_assert(has8 && !has_unicode);
	test_assert_int(ab_get_prop_list(s, tmp, 0, 0x0ABCDEF, CP_1252, &list),
	                AB_E_INVALID_OBJECT);
	test_assert_int(ab_query_columns(s, tmp, AB_COLUMNS_UNICODE_PROPTYPES, &list), AB_E_OK);
	has_unicode = false;
	for (uint32_t i = 0; i < list.count; i++)
		has_unicode |= list.tags[i] == PR_SMTP_ADDRESS;
	test_assert(has_unicode);
	test_end();
	talloc_free(tmp);
}

static void test_get_matches(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ab_session *s = bind_john(tmp);
	struct ab_stat stat = gal_stat();
	struct ab_mids mids;
	struct ab_rowset rows;
	uint32_t tags[] = {PR_DISPLAY_NAME};
	struct mapi_proptag_array cols = {1, tags};
	struct mapi_restriction anr = {.rt = RES_PROPERTY};

	test_begin("GetMatches with an ANR restriction");
	anr.u.prop.relop = RELOP_EQ;
	anr.u.prop.proptag = CHANGE_PROP_TYPE(PR_ANR, PT_STRING8);
	anr.u.prop.val.tag = anr.u.prop.proptag;
	anr.u.prop.val.v.str = S("smith");
	test_assert_int(ab_get_matches(s, tmp, &stat, &anr, 50, &cols, &mids, &rows), AB_E_OK);
	test_assert_int(mids.count, 2);
	test_assert(mids.count == 2 && mids.mids[0] == mid_of(1) && mids.mids[1] == mid_of(0));
	test_assert_int(rows.count, 2);
	/* Rule 16: ContainerID takes CurrentRec. */
	test_assert_int(stat.container_id, AB_MID_BEGINNING_OF_TABLE);
	test_end();

	test_begin("GetMatches without a filter: link attributes (none yet)");
	stat = gal_stat();
	stat.container_id = 0x8009000D; /* PidTagAddressBookMember */
	stat.cur_rec = mid_of(0);
	test_assert_int(ab_get_matches(s, tmp, &stat, NULL, 50, &cols, &mids, &rows), AB_E_OK);
	test_assert_int(mids.count, 0);
	test_assert_int(stat.container_id, mid_of(0));
	stat.container_id = 0x8009000D;
	stat.cur_rec = 0x3456789;
	test_assert_int(ab_get_matches(s, tmp, &stat, NULL, 50, &cols, &mids, &rows),
	                AB_E_INVALID_BOOKMARK);
	test_end();

	test_begin("GetMatches with content, and/not and existence restrictions");
	struct mapi_restriction sub[2] = {{.rt = RES_CONTENT}, {.rt = RES_NOT}};
	struct mapi_restriction inner = {.rt = RES_CONTENT};
	sub[0].u.content.fuzzy_level = FL_PREFIX | FL_IGNORECASE;
	sub[0].u.content.proptag = PR_DISPLAY_NAME;
	sub[0].u.content.val.tag = PR_DISPLAY_NAME;
	sub[0].u.content.val.v.str = S("MEMBER 0001");
	inner.u.content.fuzzy_level = FL_SUBSTRING;
	inner.u.content.proptag = PR_SMTP_ADDRESS;
	inner.u.content.val.tag = PR_SMTP_ADDRESS;
	inner.u.content.val.v.str = S("m00015");
	sub[1].u.not_.res = &inner;
	struct mapi_restriction and = {.rt = RES_AND};
	and.u.andor.count = 2;
	and.u.andor.res = sub;
	stat = gal_stat();
	test_assert_int(ab_get_matches(s, tmp, &stat, &and, 50, NULL, &mids, &rows), AB_E_OK);
	test_assert_int(mids.count, 9);
	test_assert_int(rows.count, 0);
	test_assert_int(ab_get_matches(s, tmp, &stat, &and, 5, NULL, &mids, &rows),
	                AB_E_TABLE_TOO_BIG);
	struct mapi_restriction domain = {.rt = RES_CONTENT};
	domain.u.content.fuzzy_level = FL_SUBSTRING | FL_IGNORECASE;
	domain.u.content.proptag = PR_EMS_AB_PROXY_ADDRESSES;
	domain.u.content.val.tag = PR_SMTP_ADDRESS;
	domain.u.content.val.v.str = S("@OTHER.org");
	test_assert_int(ab_get_matches(s, tmp, &stat, &domain, 50, NULL, &mids, &rows), AB_E_OK);
	test_assert(mids.count == 1 && mids.mids[0] == mid_of(5));
	struct mapi_restriction prop = {.rt = RES_PROPERTY};
	prop.u.prop.relop = RELOP_EQ;
	prop.u.prop.proptag = PR_DISPLAY_TYPE;
	prop.u.prop.val.tag = PR_DISPLAY_TYPE;
	prop.u.prop.val.v.i32 = 0;
	test_assert_int(ab_get_matches(s, tmp, &stat, &prop, TOTAL, NULL, &mids, &rows), AB_E_OK);
	test_assert_int(mids.count, TOTAL);
	struct mapi_restriction exist = {.rt = RES_EXIST};
	exist.u.exist.proptag = PR_EMS_AB_THUMBNAIL_PHOTO;
	test_assert_int(ab_get_matches(s, tmp, &stat, &exist, 50, NULL, &mids, &rows), AB_E_OK);
	test_assert_int(mids.count, 0);
	struct mapi_restriction unsupported = {.rt = RES_SUBRESTRICTION};
	test_assert_int(ab_get_matches(s, tmp, &stat, &unsupported, 50, NULL, &mids, &rows),
	                AB_E_TOO_COMPLEX);
	stat.container_id = 0x999;
	test_assert_int(ab_get_matches(s, tmp, &stat, &prop, 50, NULL, &mids, &rows),
	                AB_E_INVALID_BOOKMARK);
	test_end();
	talloc_free(tmp);
}

static void test_compare_and_resort(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ab_session *s = bind_john(tmp);
	struct ab_stat stat = gal_stat();
	int32_t r = 0;

	test_begin("CompareMIds by table position");
	test_assert_int(ab_compare_mids(s, &stat, mid_of(1), mid_of(0), &r), AB_E_OK);
	test_assert(r < 0);
	test_assert_int(ab_compare_mids(s, &stat, mid_of(2), mid_of(0), &r), AB_E_OK);
	test_assert(r > 0);
	test_assert_int(ab_compare_mids(s, &stat, mid_of(2), mid_of(2), &r), AB_E_OK);
	test_assert_int(r, 0);
	test_assert_int(ab_compare_mids(s, &stat, mid_of(2), 0x5555555, &r), AB_E_GENERAL_FAILURE);
	stat.container_id = domain_container(s, tmp, "other.org");
	test_assert_int(ab_compare_mids(s, &stat, mid_of(0), mid_of(5), &r), AB_E_GENERAL_FAILURE);
	test_end();

	test_begin("ResortRestriction sorts by display name and drops unknown MIds");
	uint32_t in[] = {mid_of(2), 0x5555555, mid_of(4), mid_of(0), mid_of(3)};
	struct ab_mids list = {5, in}, out;
	stat = gal_stat();
	stat.cur_rec = mid_of(0);
	test_assert_int(ab_resort_restriction(s, tmp, &stat, &list, &out), AB_E_OK);
	test_assert_int(out.count, 4);
	if (out.count == 4) {
		test_assert_int(out.mids[0], mid_of(4));
		test_assert_int(out.mids[1], mid_of(3));
		test_assert_int(out.mids[2], mid_of(0));
		test_assert_int(out.mids[3], mid_of(2));
	}
	test_assert_int(stat.cur_rec, mid_of(0));
	test_assert_int(stat.num_pos, 2);
	test_assert_int(stat.total_recs, 4);
	test_end();
	talloc_free(tmp);
}

static void test_urls_and_writes(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ab_session *s = bind_john(tmp);
	struct ab_stat stat = gal_stat();
	char guid[MAPI_GUID_TEXT_SIZE], *url = NULL, *want;
	struct mapi_propval_array row;

	mapi_guid_format(&named_users[0]->mailbox_guid, guid);
	test_begin("GetMailboxUrl and GetAddressBookUrl");
	uint32_t tags[] = {PR_EMS_AB_HOME_MDB};
	struct mapi_proptag_array cols = {1, tags};
	stat.cur_rec = mid_of(0);
	test_assert_int(ab_get_props(s, tmp, 0, &stat, &cols, &row), AB_E_OK);
	test_assert_int(ab_get_mailbox_url(s, tmp, row.vals[0].v.str, &url), AB_E_OK);
	want = talloc_asprintf(
	    tmp, "https://mail.example.com/mapi/emsmdb/?MailboxId=%s@example.com", guid);
	test_assert_str(url, want);
	char *server =
	    talloc_strndup(tmp, row.vals[0].v.str,
	                   strlen(row.vals[0].v.str) - strlen("/cn=Microsoft Private MDB"));
	test_assert_int(ab_get_mailbox_url(s, tmp, server, &url), AB_E_OK);
	test_assert_str(url, want);
	test_assert_int(ab_get_mailbox_url(s, tmp, "/o=x/cn=Servers/cn=nonsense", &url),
	                AB_E_NOT_FOUND);
	test_assert_int(ab_get_mailbox_url(
	                    s, tmp,
	                    "/o=x/cn=Servers/cn=00000000-0000-0000-0000-000000000000@example.com",
	                    &url),
	                AB_E_NOT_FOUND);
	test_assert_int(ab_get_address_book_url(s, tmp, named_users[0]->legacy_dn, &url), AB_E_OK);
	want = talloc_asprintf(tmp, "https://mail.example.com/mapi/nspi/?MailboxId=%s@example.com",
	                       guid);
	test_assert_str(url, want);
	test_assert_int(ab_get_address_book_url(s, tmp, "/o=none", &url), AB_E_NOT_FOUND);
	test_end();

	test_begin("ModProps and ModLinkAtt are refused");
	test_assert_int(ab_mod_props(s, &stat, NULL, NULL), AB_E_ACCESS_DENIED);
	stat.cur_rec = 0x3333333;
	test_assert_int(ab_mod_props(s, &stat, NULL, NULL), AB_E_NOT_FOUND);
	test_assert_int(ab_mod_link_att(s, 0, 0x8015101E, mid_of(0), NULL), AB_E_ACCESS_DENIED);
	test_assert_int(ab_mod_link_att(s, 0, 0x8015101E, 0x3333333, NULL), AB_E_NOT_FOUND);
	test_end();
	talloc_free(tmp);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void test_template_info(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ab_session *s = bind_john(tmp);
	struct mapi_propval_array row;

	test_begin("GetTemplateInfo: a well-formed mail-user template ([MS-OXOABKT] 2.2.2)");
	/* The request of [MS-OXOABKT] 4.2. */
	test_assert_int(
	    ab_get_template_info(s, tmp, 0x61, AB_DT_MAILUSER, NULL, 0x4E4, 0x409, &row), AB_E_OK);
	test_assert_int(row.count, 1);
	if (row.count == 1) {
		const struct mapi_binary *t = &row.vals[0].v.bin;
		test_assert_int(row.vals[0].tag, 0x00010102);
		test_assert(t->len > 8);
		uint32_t count = t->len > 8 ? get32(t->data + 4) : 0;
		test_assert_int(get32(t->data), 1);
		test_assert(count > 0 && t->len - 8 >= 36 * count);
		bool bad_string = false, has_display_name = false;
		for (uint32_t i = 0; i < count && t->len - 8 >= 36 * count; i++) {
			const uint8_t *rec = t->data + 8 + 36 * i;
			uint32_t ofs = get32(rec + 32);
			/* Every string lies inside the blob and is terminated. */
			if (ofs >= t->len || memchr(t->data + ofs, 0, t->len - ofs) == NULL)
				bad_string = true;
			if (get32(rec + 16) == 1 &&
			    get32(rec + 24) == CHANGE_PROP_TYPE(PR_DISPLAY_NAME, PT_STRING8))
				has_display_name = true;
		}
		test_assert(!bad_string);
		test_assert(has_display_name);
		/* The first control is the General page. */
		test_assert_int(get32(t->data + 8 + 16), 8);
		test_assert_str((const char *)t->data + get32(t->data + 8 + 32), "General");
	}
	test_assert_int(ab_get_template_info(s, tmp, AB_TI_TEMPLATE, 0, named_users[1]->legacy_dn,
	                                     CP_1252, 0x409, &row),
	                AB_E_OK);
	test_assert_int(ab_get_template_info(s, tmp, AB_TI_TEMPLATE, AB_DT_ADDRESS_TEMPLATE, NULL,
	                                     CP_1252, 0x409, &row),
	                AB_E_INVALID_LOCALE);
	test_assert_int(
	    ab_get_template_info(s, tmp, AB_TI_TEMPLATE, 0, "/o=none", CP_1252, 0x409, &row),
	    AB_E_INVALID_LOCALE);
	test_assert_int(
	    ab_get_template_info(s, tmp, AB_TI_SCRIPT, AB_DT_MAILUSER, NULL, CP_1252, 0x409, &row),
	    AB_E_NOT_SUPPORTED);
	test_assert_int(
	    ab_get_template_info(s, tmp, AB_TI_TEMPLATE, AB_DT_MAILUSER, NULL, 999999, 0x409, &row),
	    AB_E_INVALID_CODEPAGE);
	test_assert_int(ab_get_template_info(s, tmp, AB_TI_TEMPLATE, AB_DT_MAILUSER, NULL,
	                                     AB_CP_WINUNICODE, 0x409, &row),
	                AB_E_OK);
	test_end();
	talloc_free(tmp);
}

static void test_refresh(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ab_session *s = bind_john(tmp);
	struct ab_stat stat = gal_stat();
	struct ab_mids mids;
	struct ab_rowset rows;
	struct dir_user *user;
	const char *error, *names[] = {"Newcomer", "Jane Smith"};

	test_begin("The index follows the directory; MIds stay stable");
	test_assert_int(ab_resolve_names(s, tmp, &stat, names, 2, NULL, &mids, &rows), AB_E_OK);
	test_assert(mids.count == 2 && mids.mids[0] == AB_MID_UNRESOLVED);
	test_assert(
	    directory_user_add(dir, tmp, "new@other.org", "Newcomer", NULL, &user, &error) == 0);
	addrbook_invalidate(ab);
	test_assert_int(ab_resolve_names(s, tmp, &stat, names, 2, NULL, &mids, &rows), AB_E_OK);
	test_assert(mids.count == 2 && mids.mids[0] == AB_MID_RESOLVED &&
	            mids.mids[1] == AB_MID_RESOLVED);
	uint32_t both[] = {AB_MID_USER_BASE + user->id, mid_of(1)};
	struct ab_mids table = {2, both};
	uint32_t tags[] = {PR_DISPLAY_NAME};
	struct mapi_proptag_array cols = {1, tags};
	test_assert_int(ab_query_rows(s, tmp, 0, &stat, &table, 2, &cols, &rows), AB_E_OK);
	test_assert(rows.count == 2 && strcmp(rows.rows[0].vals[0].v.str, "Newcomer") == 0 &&
	            strcmp(rows.rows[1].vals[0].v.str, "Jane Smith") == 0);
	test_assert_int(addrbook_refresh(ab, &error), AB_E_OK);
	test_end();
	talloc_free(tmp);
}

int main(void)
{
	setup();
	test_errors();
	test_bind();
	test_special_table();
	test_query_rows_paging();
	test_query_rows_explicit();
	test_seek_entries();
	test_update_stat();
	test_resolve_names();
	test_dn_to_mid_get_props();
	test_get_matches();
	test_compare_and_resort();
	test_urls_and_writes();
	test_template_info();
	test_refresh();
	teardown();
	return test_exit();
}
