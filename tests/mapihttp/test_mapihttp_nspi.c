/*
 * /mapi/nspi over HTTP against the real daemon ([MS-OXCMAPIHTTP] 2.2.5,
 * [MS-OXNSPI] semantics): a GAL of 10,000 users plus a few named ones,
 * provisioned through the directory API (bulk) and mapiadmin.
 *
 *   test_mapihttp_nspi MAPIHTTPD MAPIADMIN
 */
#include <pthread.h>
#include <stdlib.h>
#include <strings.h>
#include <unistd.h>

#include "directory.h"
#include "log.h"
#include "mh_nspi.h"
#include "mh_testsess.h"
#include "test.h"

#define BULK_USERS 10000
#define NAMED      4 /* alice, bob, two "Ambi" users */
#define GAL_TOTAL  (BULK_USERS + NAMED)
#define PAGE       500

#define EC_SUCCESS          0x00000000u
#define EC_ERRORS_RETURNED  0x00040380u
#define EC_UNBIND_SUCCESS   0x00000001u
#define EC_INVALID_CODEPAGE 0x8004011Eu
#define EC_INVALID_BOOKMARK 0x80040405u
#define EC_NOT_FOUND        0x8004010Fu

#define TAG_DISPLAY_NAME_W PROP_TAG(PT_UNICODE, 0x3001)
#define TAG_SMTP_W         PROP_TAG(PT_UNICODE, 0x39FE)

static const char *mapihttpd, *mapiadmin;
static struct mht_daemon daemon_;
static struct mht_client *alice;
static char *alice_dn;

static int provision(TALLOC_CTX *mem_ctx, const char *data_dir)
{
	struct mht_user named[2] = {
	    {.address = "alice@x.test", .name = "Alice Example", .password = "alice-pw"},
	    {.address = "bob@x.test", .name = "Bob Example", .password = "bob-pw"}};
	struct directory *dir;
	struct dir_user *u;
	const char *error = NULL;
	char addr[64], name[64];

	if (mht_provision(mem_ctx, mapiadmin, data_dir, named, 2) < 0)
		return -1;
	alice_dn = talloc_strdup(NULL, named[0].legacy_dn);
	if (directory_open(mem_ctx, data_dir, &dir, &error) < 0)
		return -1;
	for (unsigned i = 0; i < BULK_USERS; i++) {
		snprintf(addr, sizeof(addr), "p%05u@x.test", i);
		snprintf(name, sizeof(name), "Person %05u", i);
		if (directory_user_add(dir, mem_ctx, addr, name, NULL, &u, &error) < 0)
			return -1;
		talloc_free(u);
	}
	if (directory_user_add(dir, mem_ctx, "ambi.smith@x.test", "Ambi Smith", NULL, &u, &error) <
	        0 ||
	    directory_user_add(dir, mem_ctx, "ambi.jones@x.test", "Ambi Jones", NULL, &u, &error) <
	        0)
		return -1;
	directory_close(&dir);
	return 0;
}

static struct nspi_stat gal_stat(void)
{
	return (struct nspi_stat){.sort_type = 0,
	                          .container_id = 0,
	                          .current_rec = 0,
	                          .code_page = 1252,
	                          .template_locale = 0x409,
	                          .sort_locale = 0x409};
}

static const char *row_str(const struct nspi_row *row, uint32_t i)
{
	const struct mapi_propval *v = &row->vals.vals[i];

	return PROP_TYPE(v->tag) == PT_UNICODE || PROP_TYPE(v->tag) == PT_STRING8 ? v->v.str : NULL;
}

static void test_bind(TALLOC_CTX *mem_ctx)
{
	struct nspi_stat st = gal_stat();
	struct nspi_bind_req req = {.flags = 0, .state = &st};
	struct nspi_bind_resp resp;
	static const struct mapi_guid zero;

	test_begin("nspi Bind: context cookie, server GUID");
	test_assert_int(mht_nspi(alice, mem_ctx, NSPI_BIND, &req, &resp), 0);
	test_assert_int(resp.head.status_code, 0);
	test_assert_int(resp.head.error_code, EC_SUCCESS);
	test_assert(memcmp(&resp.server_guid, &zero, sizeof(zero)) != 0);
	test_assert(mht_cookie(alice, "/mapi/nspi", "MapiContext") != NULL);
	test_end();
}

static void test_ping(TALLOC_CTX *mem_ctx)
{
	struct mht_req r = {.path = "/mapi/nspi/", .type = "PING"};
	struct mht_resp hr;

	test_begin("nspi PING");
	test_assert(mht_request(alice, mem_ctx, &r, &hr) == 0);
	test_assert_int(hr.response_code, 0);
	test_assert(hr.framed && hr.body_len == 0);
	test_end();
}

static void test_special_table(TALLOC_CTX *mem_ctx)
{
	struct nspi_stat st = gal_stat();
	struct nspi_get_special_table_req req = {.flags = 0, .state = &st};
	struct nspi_get_special_table_resp resp;

	test_begin("nspi GetSpecialTable: the hierarchy table");
	test_assert_int(mht_nspi(alice, mem_ctx, NSPI_GET_SPECIAL_TABLE, &req, &resp), 0);
	test_assert_int(resp.head.error_code, EC_SUCCESS);
	test_assert(resp.rows != NULL && resp.rows->count >= 1);
	test_assert(resp.version.present);
	test_end();
}

static void test_query_rows_pages(TALLOC_CTX *mem_ctx)
{
	uint32_t cols_tags[] = {TAG_DISPLAY_NAME_W, TAG_SMTP_W};
	struct mapi_proptag_array cols = {2, cols_tags};
	struct nspi_stat st = gal_stat();
	unsigned total = 0, pages = 0, over = 0, unsorted = 0;
	char *prev = talloc_strdup(mem_ctx, "");
	bool saw_alice = false;

	test_begin("nspi QueryRows: the 10,004-user GAL in pages of 500");
	for (;;) {
		struct nspi_query_rows_req req = {
		    .state = &st, .row_count = PAGE, .columns = &cols};
		struct nspi_query_rows_resp resp;
		TALLOC_CTX *tmp = talloc_new(mem_ctx);

		if (mht_nspi(alice, tmp, NSPI_QUERY_ROWS, &req, &resp) != 0 ||
		    resp.head.error_code != EC_SUCCESS || resp.state == NULL || resp.rows == NULL) {
			test_assert(!"QueryRows failed");
			talloc_free(tmp);
			break;
		}
		pages++;
		if (resp.rows->count > PAGE)
			over++;
		for (uint32_t i = 0; i < resp.rows->count; i++) {
			const char *name = row_str(&resp.rows->rows[i], 0);
			const char *smtp = row_str(&resp.rows->rows[i], 1);

			if (name == NULL || strcasecmp(prev, name) > 0)
				unsorted++;
			if (smtp != NULL && strcmp(smtp, "alice@x.test") == 0)
				saw_alice = true;
			talloc_free(prev);
			prev = talloc_strdup(mem_ctx, name != NULL ? name : "");
		}
		uint32_t got = resp.rows->count;

		total += got;
		st = *resp.state;
		test_assert_int(st.total_recs, GAL_TOTAL);
		talloc_free(tmp);
		if (got == 0 || st.current_rec == 0x2 /* MID_END_OF_TABLE */)
			break;
		if (pages > GAL_TOTAL / PAGE + 3)
			break;
	}
	test_assert_int(total, GAL_TOTAL);
	test_assert_int(pages, (GAL_TOTAL + PAGE - 1) / PAGE);
	test_assert_int(over, 0);
	test_assert_int(unsorted, 0);
	test_assert(saw_alice);
	test_end();
}

static void test_seek_entries(TALLOC_CTX *mem_ctx)
{
	uint32_t cols_tags[] = {TAG_DISPLAY_NAME_W};
	struct mapi_proptag_array cols = {1, cols_tags};
	struct mapi_propval target = {.tag = TAG_DISPLAY_NAME_W, .v.str = (char *)"Person 05000"};
	struct nspi_stat st = gal_stat();
	struct nspi_seek_entries_req req = {.state = &st, .target = &target, .columns = &cols};
	struct nspi_seek_entries_resp resp;

	test_begin("nspi SeekEntries: to a display name");
	test_assert_int(mht_nspi(alice, mem_ctx, NSPI_SEEK_ENTRIES, &req, &resp), 0);
	test_assert_int(resp.head.error_code, EC_SUCCESS);
	test_assert(resp.state != NULL && resp.state->current_rec >= 0x10);
	test_assert(resp.rows != NULL && resp.rows->count >= 1);
	if (resp.rows != NULL && resp.rows->count >= 1)
		test_assert_str(row_str(&resp.rows->rows[0], 0), "Person 05000");
	/* The position found reads back through QueryRows. */
	if (resp.state != NULL) {
		struct nspi_query_rows_req q = {
		    .state = resp.state, .row_count = 2, .columns = &cols};
		struct nspi_query_rows_resp qr;

		test_assert_int(mht_nspi(alice, mem_ctx, NSPI_QUERY_ROWS, &q, &qr), 0);
		test_assert(qr.rows != NULL && qr.rows->count == 2);
		if (qr.rows != NULL && qr.rows->count == 2) {
			test_assert_str(row_str(&qr.rows->rows[0], 0), "Person 05000");
			test_assert_str(row_str(&qr.rows->rows[1], 0), "Person 05001");
		}
	}
	test_end();
}

static uint32_t alice_mid;

static void test_resolve_names(TALLOC_CTX *mem_ctx)
{
	uint32_t cols_tags[] = {TAG_DISPLAY_NAME_W, TAG_SMTP_W};
	struct mapi_proptag_array cols = {2, cols_tags};
	char *names[] = {(char *)"alic", (char *)"Ambi", (char *)"Person 0004",
	                 (char *)"nosuchname-xyz", (char *)"bob@x.test"};
	struct nspi_strings ns = {5, names};
	struct nspi_stat st = gal_stat();
	struct nspi_resolve_names_req req = {.state = &st, .tags = &cols, .names = &ns};
	struct nspi_resolve_names_resp resp;

	test_begin("nspi ResolveNames: resolved, ambiguous, unresolved");
	test_assert_int(mht_nspi(alice, mem_ctx, NSPI_RESOLVE_NAMES, &req, &resp), 0);
	test_assert_int(resp.head.error_code, EC_SUCCESS);
	test_assert(resp.mids != NULL && resp.mids->count == 5);
	if (resp.mids != NULL && resp.mids->count == 5) {
		/* [MS-OXNSPI] 3.1.4.1.16: MId_RESOLVED, with the row below. */
		test_assert_int(resp.mids->ids[0], 0x2);
		test_assert_int(resp.mids->ids[1], 0x1); /* MId_AMBIGUOUS */
		test_assert_int(resp.mids->ids[2], 0x1); /* ten Person 0004x */
		test_assert_int(resp.mids->ids[3], 0x0); /* MId_UNRESOLVED */
		test_assert_int(resp.mids->ids[4], 0x2);
	}
	test_assert(resp.rows != NULL && resp.rows->count == 2);
	if (resp.rows != NULL && resp.rows->count == 2) {
		test_assert_str(row_str(&resp.rows->rows[0], 0), "Alice Example");
		test_assert_str(row_str(&resp.rows->rows[1], 1), "bob@x.test");
	}
	test_end();
}

/* The properties Outlook reads of a user ([MS-OXOABK] 2.2). */
static uint32_t user_tags[] = {
    PROP_TAG(PT_BINARY, 0x0FFF),     PROP_TAG(PT_BINARY, 0x0FF9),     PROP_TAG(PT_BINARY, 0x300B),
    PROP_TAG(PT_BINARY, 0x0FF6),     PROP_TAG(PT_UNICODE, 0x3002),    PROP_TAG(PT_UNICODE, 0x3003),
    PROP_TAG(PT_UNICODE, 0x39FE),    PROP_TAG(PT_UNICODE, 0x3001),    PROP_TAG(PT_LONG, 0x3900),
    PROP_TAG(PT_LONG, 0x3905),       PROP_TAG(PT_LONG, 0x0FFE),       PROP_TAG(PT_UNICODE, 0x8006),
    PROP_TAG(PT_MV_UNICODE, 0x8170), PROP_TAG(PT_MV_UNICODE, 0x800F), PROP_TAG(PT_BINARY, 0x3902),
    PROP_TAG(PT_BINARY, 0x0FF8),     PROP_TAG(PT_UNICODE, 0x3A00),    PROP_TAG(PT_UNICODE, 0x3A20),
    PROP_TAG(PT_UNICODE, 0x803C),    PROP_TAG(PT_BINARY, 0x8C6D),
};

static char *home_mdb;

static void test_dn_to_mid_get_props(TALLOC_CTX *mem_ctx)
{
	char *dns[] = {alice_dn, (char *)"/o=Nowhere/cn=Recipients/cn=nobody"};
	struct nspi_strings ns = {2, dns};
	struct nspi_dn_to_mid_req dreq = {.names = &ns};
	struct nspi_dn_to_mid_resp dresp;
	struct mapi_proptag_array tags = {sizeof(user_tags) / sizeof(user_tags[0]), user_tags};
	struct nspi_stat st = gal_stat();
	struct nspi_get_props_req preq = {.state = &st, .tags = &tags};
	struct nspi_get_props_resp presp;

	test_begin("nspi DNToMId + GetProps of the logged-in user");
	test_assert_int(mht_nspi(alice, mem_ctx, NSPI_DN_TO_MID, &dreq, &dresp), 0);
	test_assert_int(dresp.head.error_code, EC_SUCCESS);
	test_assert(dresp.mids != NULL && dresp.mids->count == 2);
	if (dresp.mids == NULL || dresp.mids->count != 2) {
		test_end();
		return;
	}
	test_assert(dresp.mids->ids[0] >= 0x10);
	test_assert_int(dresp.mids->ids[1], 0); /* unknown DN */
	alice_mid = dresp.mids->ids[0];
	st.current_rec = dresp.mids->ids[0];
	test_assert_int(mht_nspi(alice, mem_ctx, NSPI_GET_PROPS, &preq, &presp), 0);
	test_assert_int(presp.head.error_code, EC_SUCCESS);
	test_assert(presp.values != NULL && presp.values->count == tags.count);
	for (uint32_t i = 0; presp.values != NULL && i < presp.values->count; i++) {
		const struct mapi_propval *v = &presp.values->vals[i];

		if (v->tag != user_tags[i])
			fprintf(stderr, "property 0x%08x came back as 0x%08x\n", user_tags[i],
			        v->tag);
		test_assert(v->tag == user_tags[i]);
		if (v->tag != user_tags[i])
			continue;
		switch (i) {
		case 4:
			test_assert_str(v->v.str, "EX");
			break;
		case 5:
			test_assert(strcasecmp(v->v.str, alice_dn) == 0);
			break;
		case 6:
			test_assert_str(v->v.str, "alice@x.test");
			break;
		case 7:
			test_assert_str(v->v.str, "Alice Example");
			break;
		case 8:
			test_assert_int(v->v.i32, 0); /* DT_MAILUSER */
			break;
		case 10:
			test_assert_int(v->v.i32, 6); /* MAPI_MAILUSER */
			break;
		case 11:
			home_mdb = talloc_strdup(NULL, v->v.str);
			break;
		case 13: {
			bool primary = false;

			for (uint32_t k = 0; k < v->v.mv.count; k++)
				primary |= strcmp(v->v.mv.str[k], "SMTP:alice@x.test") == 0;
			test_assert(primary);
			break;
		}
		}
	}
	test_end();
}

static void test_get_matches(TALLOC_CTX *mem_ctx)
{
	uint32_t cols_tags[] = {TAG_DISPLAY_NAME_W};
	struct mapi_proptag_array cols = {1, cols_tags};
	struct mapi_restriction eq = {.rt = RES_PROPERTY};
	struct mapi_restriction pre = {.rt = RES_CONTENT};
	struct nspi_stat st = gal_stat();
	struct nspi_get_matches_req req = {.state = &st, .row_count = 50, .columns = &cols};
	struct nspi_get_matches_resp resp;

	eq.u.prop.relop = RELOP_EQ;
	eq.u.prop.proptag = TAG_DISPLAY_NAME_W;
	eq.u.prop.val =
	    (struct mapi_propval){.tag = TAG_DISPLAY_NAME_W, .v.str = (char *)"Bob Example"};
	pre.u.content.fuzzy_level = FL_PREFIX | FL_IGNORECASE;
	pre.u.content.proptag = TAG_DISPLAY_NAME_W;
	pre.u.content.val =
	    (struct mapi_propval){.tag = TAG_DISPLAY_NAME_W, .v.str = (char *)"person 0999"};

	test_begin("nspi GetMatches: property and prefix restrictions");
	req.filter = &eq;
	test_assert_int(mht_nspi(alice, mem_ctx, NSPI_GET_MATCHES, &req, &resp), 0);
	test_assert_int(resp.head.error_code, EC_SUCCESS);
	test_assert(resp.mids != NULL && resp.mids->count == 1);
	test_assert(resp.rows != NULL && resp.rows->count == 1);
	if (resp.rows != NULL && resp.rows->count == 1)
		test_assert_str(row_str(&resp.rows->rows[0], 0), "Bob Example");
	st = gal_stat();
	req.filter = &pre;
	test_assert_int(mht_nspi(alice, mem_ctx, NSPI_GET_MATCHES, &req, &resp), 0);
	test_assert_int(resp.head.error_code, EC_SUCCESS);
	test_assert(resp.mids != NULL && resp.mids->count == 10);
	if (resp.rows != NULL && resp.rows->count == 10) {
		test_assert_str(row_str(&resp.rows->rows[0], 0), "Person 09990");
		test_assert_str(row_str(&resp.rows->rows[9], 0), "Person 09999");
	}
	/* More matches than asked for: TableTooBig ([MS-OXNSPI] 3.1.4.1.10). */
	st = gal_stat();
	pre.u.content.val.v.str = (char *)"person 09";
	req.row_count = 20;
	test_assert_int(mht_nspi(alice, mem_ctx, NSPI_GET_MATCHES, &req, &resp), 0);
	test_assert_int(resp.head.error_code, 0x80040403u);
	test_end();
}

static void test_update_stat_compare(TALLOC_CTX *mem_ctx)
{
	struct nspi_stat st = gal_stat();
	struct nspi_update_stat_req ureq = {.state = &st, .delta_requested = 1};
	struct nspi_update_stat_resp uresp;
	struct nspi_compare_mids_req creq = {.state = &st};
	struct nspi_compare_mids_resp cresp;

	test_begin("nspi UpdateStat and CompareMIds");
	st.delta = 5;
	test_assert_int(mht_nspi(alice, mem_ctx, NSPI_UPDATE_STAT, &ureq, &uresp), 0);
	test_assert_int(uresp.head.error_code, EC_SUCCESS);
	test_assert(uresp.state != NULL && uresp.state->num_pos == 5);
	test_assert(uresp.state != NULL && uresp.state->delta == 0);
	test_assert(uresp.delta.present && uresp.delta.value == 5);
	st = gal_stat();
	creq.mid1 = alice_mid;
	creq.mid2 = alice_mid + 1; /* bob, added right after alice */
	test_assert_int(mht_nspi(alice, mem_ctx, NSPI_COMPARE_MIDS, &creq, &cresp), 0);
	test_assert_int(cresp.head.error_code, EC_SUCCESS);
	test_assert((int32_t)cresp.result < 0); /* Alice sorts before Bob */
	creq.mid1 = 0x0FFFFFF0u;
	test_assert_int(mht_nspi(alice, mem_ctx, NSPI_COMPARE_MIDS, &creq, &cresp), 0);
	test_assert(cresp.head.error_code != EC_SUCCESS);
	test_end();
}

static void test_mailbox_url(TALLOC_CTX *mem_ctx)
{
	struct nspi_get_url_req req = {.flags = 0};
	struct nspi_get_url_resp resp;
	char *server_dn, *cut;

	test_begin("nspi GetMailboxUrl and GetAddressBookUrl");
	test_assert(home_mdb != NULL);
	if (home_mdb == NULL) {
		test_end();
		return;
	}
	server_dn = talloc_strdup(mem_ctx, home_mdb);
	cut = strstr(server_dn, "/cn=Microsoft Private MDB");
	if (cut != NULL)
		*cut = '\0';
	req.dn = server_dn;
	test_assert_int(mht_nspi(alice, mem_ctx, NSPI_GET_MAILBOX_URL, &req, &resp), 0);
	test_assert_int(resp.head.error_code, EC_SUCCESS);
	test_assert(resp.server_url != NULL &&
	            strstr(resp.server_url, "/mapi/emsmdb/?MailboxId=") != NULL &&
	            strstr(resp.server_url, "@x.test") != NULL);
	/* GetAddressBookUrl of the user's own DN ([MS-OXCMAPIHTTP] 2.2.5.20). */
	req.dn = alice_dn;
	test_assert_int(mht_nspi(alice, mem_ctx, NSPI_GET_ADDRESS_BOOK_URL, &req, &resp), 0);
	test_assert_int(resp.head.error_code, EC_SUCCESS);
	test_assert(resp.server_url != NULL &&
	            strstr(resp.server_url, "/mapi/nspi/?MailboxId=") != NULL);
	test_end();
}

static void test_errors(TALLOC_CTX *mem_ctx)
{
	uint32_t cols_tags[] = {TAG_DISPLAY_NAME_W};
	struct mapi_proptag_array cols = {1, cols_tags};
	struct nspi_stat st = gal_stat();
	struct nspi_query_rows_req qreq = {.state = &st, .row_count = 5, .columns = &cols};
	struct nspi_query_rows_resp qresp;
	struct nspi_get_props_req preq = {.state = &st, .tags = &cols};
	struct nspi_get_props_resp presp;
	struct rop_push p;
	struct mht_resp hr;
	struct mht_req r = {.path = "/mapi/nspi/", .type = "QueryRows"};

	test_begin("nspi errors: bad STATs, unknown MIds, malformed bodies");
	st.code_page = 1200; /* CP_WINUNICODE: refused in a STAT */
	test_assert_int(mht_nspi(alice, mem_ctx, NSPI_QUERY_ROWS, &qreq, &qresp), 0);
	test_assert_int(qresp.head.error_code, EC_INVALID_CODEPAGE);
	test_assert(qresp.rows == NULL && qresp.state == NULL);
	st = gal_stat();
	st.container_id = 0x7777; /* no such container */
	test_assert_int(mht_nspi(alice, mem_ctx, NSPI_QUERY_ROWS, &qreq, &qresp), 0);
	test_assert_int(qresp.head.error_code, EC_INVALID_BOOKMARK);
	st = gal_stat();
	st.current_rec = 0x0FFFFFF0u; /* an MId naming nothing */
	test_assert_int(mht_nspi(alice, mem_ctx, NSPI_QUERY_ROWS, &qreq, &qresp), 0);
	test_assert_int(qresp.head.error_code, EC_NOT_FOUND);
	test_assert_int(mht_nspi(alice, mem_ctx, NSPI_GET_PROPS, &preq, &presp), 0);
	test_assert(presp.head.error_code == EC_ERRORS_RETURNED ||
	            presp.head.error_code == EC_NOT_FOUND);
	/* Malformed bodies: the transport's Invalid Request Body. */
	st = gal_stat();
	rop_push_init_growable(&p, mem_ctx);
	test_assert(nspi_req_push(&p, NSPI_QUERY_ROWS, &qreq) == ROP_OK);
	r.body = p.data;
	r.body_len = p.ofs - 3; /* truncated */
	test_assert(mht_request(alice, mem_ctx, &r, &hr) == 0 && hr.response_code == 12);
	test_assert(mht_header(&hr, "X-RequestType") != NULL);
	test_assert_int(rop_push_u32(&p, 0xDEADBEEF), ROP_OK);
	r.body_len = p.ofs; /* trailing bytes */
	test_assert(mht_request(alice, mem_ctx, &r, &hr) == 0 && hr.response_code == 12);
	r.body = (const uint8_t *)"\xff\xff\xff\xff\x01\xff\xff\xff\xff";
	r.body_len = 9;
	test_assert(mht_request(alice, mem_ctx, &r, &hr) == 0 && hr.response_code == 12);
	test_end();
}

static void test_other_types(TALLOC_CTX *mem_ctx)
{
	struct nspi_query_columns_req qc = {0};
	struct nspi_query_columns_resp qcr;
	struct nspi_get_prop_list_req pl = {.mid = alice_mid, .code_page = 1252};
	struct nspi_get_prop_list_resp plr;
	struct nspi_stat st = gal_stat();
	struct nspi_mod_props_req mp = {.state = &st};
	struct nspi_mod_props_resp mpr;
	struct nspi_get_template_info_req ti = {
	    .flags = 0x1, .display_type = 0, .code_page = 1252, .locale_id = 0x409};
	struct nspi_get_template_info_resp tir;

	test_begin("nspi QueryColumns, GetPropList, ModProps, GetTemplateInfo");
	test_assert_int(mht_nspi(alice, mem_ctx, NSPI_QUERY_COLUMNS, &qc, &qcr), 0);
	test_assert(qcr.head.error_code == EC_SUCCESS && qcr.columns != NULL &&
	            qcr.columns->count > 10);
	test_assert_int(mht_nspi(alice, mem_ctx, NSPI_GET_PROP_LIST, &pl, &plr), 0);
	test_assert(plr.head.error_code == EC_SUCCESS && plr.tags != NULL && plr.tags->count > 5);
	st.current_rec = alice_mid;
	test_assert_int(mht_nspi(alice, mem_ctx, NSPI_MOD_PROPS, &mp, &mpr), 0);
	test_assert_int(mpr.head.error_code, 0x80070005u); /* read-only: AccessDenied */
	test_assert_int(mht_nspi(alice, mem_ctx, NSPI_GET_TEMPLATE_INFO, &ti, &tir), 0);
	test_assert(tir.head.error_code == EC_SUCCESS && tir.row != NULL);
	test_end();
}

#define SAME_CONTEXT_THREADS 4
#define SAME_CONTEXT_CALLS   10

struct same_ctx {
	const char *context;
	int failures;
};

/* Requests of one context from several connections at once: they queue
 * behind each other and every one is answered. */
static void *same_context_thread(void *arg)
{
	struct same_ctx *sc = arg;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct mht_client *c = mht_client_new(mem, daemon_.port, "alice@x.test", "alice-pw");
	uint32_t cols_tags[] = {TAG_DISPLAY_NAME_W};
	struct mapi_proptag_array cols = {1, cols_tags};

	mht_cookie_set(c, "/mapi/nspi", "MapiContext", sc->context);
	for (int i = 0; i < SAME_CONTEXT_CALLS; i++) {
		struct nspi_stat st = gal_stat();
		struct nspi_query_rows_req req = {.state = &st, .row_count = 20, .columns = &cols};
		struct nspi_query_rows_resp resp;

		st.delta = i * 100;
		if (mht_nspi(c, mem, NSPI_QUERY_ROWS, &req, &resp) != 0 ||
		    resp.head.error_code != EC_SUCCESS || resp.rows == NULL ||
		    resp.rows->count != 20)
			sc->failures++;
	}
	talloc_free(mem);
	return NULL;
}

static void test_same_context_concurrently(void)
{
	struct same_ctx sc[SAME_CONTEXT_THREADS];
	pthread_t th[SAME_CONTEXT_THREADS];
	const char *context = mht_cookie(alice, "/mapi/nspi", "MapiContext");
	int failures = 0;

	test_begin("nspi: requests of one context from four connections at once");
	for (int i = 0; i < SAME_CONTEXT_THREADS; i++) {
		sc[i] = (struct same_ctx){context, 0};
		test_assert(pthread_create(&th[i], NULL, same_context_thread, &sc[i]) == 0);
	}
	for (int i = 0; i < SAME_CONTEXT_THREADS; i++) {
		pthread_join(th[i], NULL);
		failures += sc[i].failures;
	}
	test_assert_int(failures, 0);
	test_end();
}

static void test_unbind(TALLOC_CTX *mem_ctx)
{
	struct nspi_unbind_req req = {0};
	struct nspi_unbind_resp resp;
	struct nspi_query_columns_req qc = {0};
	char *old = talloc_strdup(mem_ctx, mht_cookie(alice, "/mapi/nspi", "MapiContext"));
	char *cookie = talloc_asprintf(mem_ctx, "MapiContext=%s", old);
	struct rop_push p;
	struct mht_resp hr;
	struct mht_req r = {.path = "/mapi/nspi/",
	                    .type = "QueryColumns",
	                    .extra_cookie = cookie,
	                    .no_cookies = true};

	test_begin("nspi Unbind ends the context");
	test_assert_int(mht_nspi(alice, mem_ctx, NSPI_UNBIND, &req, &resp), 0);
	test_assert_int(resp.head.error_code, EC_UNBIND_SUCCESS);
	rop_push_init_growable(&p, mem_ctx);
	test_assert(nspi_req_push(&p, NSPI_QUERY_COLUMNS, &qc) == ROP_OK);
	r.body = p.data;
	r.body_len = p.ofs;
	test_assert(mht_request(alice, mem_ctx, &r, &hr) == 0);
	test_assert_int(hr.response_code, 10); /* Context Not Found */
	test_end();
}

int main(int argc, char **argv)
{
	TALLOC_CTX *root = talloc_new(NULL);
	char *dir;

	if (argc != 3) {
		fprintf(stderr, "usage: %s MAPIHTTPD MAPIADMIN\n", argv[0]);
		return 2;
	}
	mapihttpd = argv[1];
	mapiadmin = argv[2];
	dir = mht_tempdir(root);
	log_set_level(LOG_LEVEL_WARN);
	test_begin("provision 10,004 users and start the daemon");
	test_assert(dir != NULL && provision(root, dir) == 0);
	test_assert(mht_daemon_start(root, mapihttpd, dir, "[mapi]\nworkers = 2\n", &daemon_) == 0);
	test_end();
	if (daemon_.pid <= 0)
		return test_exit();
	alice = mht_client_new(root, daemon_.port, "alice@x.test", "alice-pw");
	log_set_level(LOG_LEVEL_WARN);
	test_bind(root);
	test_ping(root);
	test_special_table(root);
	test_query_rows_pages(root);
	test_seek_entries(root);
	test_resolve_names(root);
	test_dn_to_mid_get_props(root);
	test_get_matches(root);
	test_update_stat_compare(root);
	test_mailbox_url(root);
	test_errors(root);
	test_other_types(root);
	test_same_context_concurrently();
	test_unbind(root);
	test_begin("daemon stops cleanly");
	test_assert_int(mht_daemon_stop(&daemon_), 0);
	test_end();
	mht_cleanup(dir, &daemon_, test_failed_total_ != 0);
	talloc_free(alice_dn);
	talloc_free(home_mdb);
	talloc_free(root);
	return test_exit();
}
