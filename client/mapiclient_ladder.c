/*
 * mapiclient commands that walk the mailbox: folders, ladder.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "mapiclient_cli.h"
#include "mapiclient_ladder.h"
#include "mc_autodiscover.h"
#include "mc_emsmdb.h"
#include "mc_nspi.h"
#include "mc_store.h"

static const struct mapi_propval *row_value(const struct rop_property_row *row, uint32_t tag)
{
	for (uint32_t i = 0; i < row->vals.count; i++) {
		if (row->vals.vals[i].tag == tag)
			return &row->vals.vals[i];
	}
	return NULL;
}

static uint32_t folder_tags[] = {MC_TAG_FID, MC_TAG_DISPLAY_NAME, MC_TAG_CONTENT_COUNT,
                                 MC_TAG_CONTENT_UNREAD, MC_TAG_DEPTH};

static void print_folder_rows(const struct rop_row_list *rows)
{
	for (uint32_t i = 0; i < rows->count; i++) {
		const struct rop_property_row *r = &rows->rows[i];
		const struct mapi_propval *name = row_value(r, MC_TAG_DISPLAY_NAME);
		const struct mapi_propval *count = row_value(r, MC_TAG_CONTENT_COUNT);
		const struct mapi_propval *unread = row_value(r, MC_TAG_CONTENT_UNREAD);
		const struct mapi_propval *depth = row_value(r, MC_TAG_DEPTH);
		int d = depth && depth->v.i32 > 0 && depth->v.i32 < 32 ? depth->v.i32 : 0;
		printf("%*s%s (%" PRId32 " items, %" PRId32 " unread)\n", d * 2, "",
		       name && name->v.str ? name->v.str : "?", count ? count->v.i32 : 0,
		       unread ? unread->v.i32 : 0);
	}
}

int mc_cmd_folders(struct mc_cli *cli, int argc, char **argv)
{
	TALLOC_CTX *tmp = talloc_new(cli->s);
	struct mc_discovery d;
	struct mh_connect_resp cr;
	struct mc_logon logon;
	struct rop_row_list rows;
	struct mapi_proptag_array cols = {sizeof(folder_tags) / sizeof(folder_tags[0]),
	                                  folder_tags};
	int ret = MC_EXIT_OK;
	if (mc_discover(tmp, cli->s, cli->address, &d) < 0 ||
	    mc_emsmdb_connect(tmp, cli->s, &cr) < 0 || mc_store_logon(tmp, cli->s, &logon) < 0 ||
	    mc_store_hierarchy(tmp, cli->s, &logon, logon.resp.folder_ids[0], true, &cols, 1000,
	                       &rows) < 0) {
		ret = mc_cli_fail(cli);
		goto out;
	}
	print_folder_rows(&rows);
	if (mc_emsmdb_disconnect(tmp, cli->s) < 0)
		ret = mc_cli_fail(cli);
out:
	talloc_free(tmp);
	return ret;
}

bool mc_ladder_step(struct ladder *l, const char *name, bool can_run, int rc)
{
	if (!can_run) {
		printf("SKIP %s\n", name);
		l->skipped++;
		return false;
	}
	if (rc < 0) {
		printf("FAIL %s: %s\n", name, mc_session_error(l->cli->s));
		l->failed++;
		return false;
	}
	printf("PASS %s\n", name);
	l->passed++;
	return true;
}
#define step mc_ladder_step

int mc_cmd_ladder(struct mc_cli *cli, int argc, char **argv)
{
	struct ladder l = {.cli = cli, .mem_ctx = talloc_new(cli->s)};
	bool ok =
	    step(&l, "autodiscover", true, mc_discover(l.mem_ctx, cli->s, cli->address, &l.disc));
	mc_ladder_nspi(&l, ok);
	mc_ladder_emsmdb(&l, ok);
	printf("ladder: %u passed, %u failed, %u skipped\n", l.passed, l.failed, l.skipped);
	talloc_free(l.mem_ctx);
	return l.failed == 0 && l.skipped == 0 ? MC_EXIT_OK : MC_EXIT_FAIL;
}

/* Discovery, Connect and RopLogon. */
int mc_cli_open_mailbox(TALLOC_CTX *mem_ctx, struct mc_cli *cli, struct mc_logon *logon_r)
{
	struct mc_discovery d;
	struct mh_connect_resp cr;
	if (mc_discover(mem_ctx, cli->s, cli->address, &d) < 0 ||
	    mc_emsmdb_connect(mem_ctx, cli->s, &cr) < 0 ||
	    mc_store_logon(mem_ctx, cli->s, logon_r) < 0)
		return -1;
	return 0;
}

/* The fid of the folder whose display name is name (case-insensitive,
 * first in the depth-first hierarchy of Root). */
int mc_cli_find_folder(TALLOC_CTX *mem_ctx, struct mc_cli *cli, const struct mc_logon *logon,
                       const char *name, uint64_t *fid_r)
{
	struct rop_row_list rows;
	struct mapi_proptag_array cols = {sizeof(folder_tags) / sizeof(folder_tags[0]),
	                                  folder_tags};
	if (mc_store_hierarchy(mem_ctx, cli->s, logon, logon->resp.folder_ids[0], true, &cols, 1000,
	                       &rows) < 0)
		return -1;
	for (uint32_t i = 0; i < rows.count; i++) {
		const struct mapi_propval *n = row_value(&rows.rows[i], MC_TAG_DISPLAY_NAME);
		const struct mapi_propval *f = row_value(&rows.rows[i], MC_TAG_FID);
		if (n != NULL && f != NULL && n->v.str != NULL && strcasecmp(n->v.str, name) == 0) {
			*fid_r = (uint64_t)f->v.i64;
			return 0;
		}
	}
	return mc_fail(cli->s, MC_E_USAGE, "no folder called \"%s\" in the mailbox", name);
}

/* A FILETIME as "YYYY-MM-DD HH:MM:SS" UTC. */
static void format_filetime(uint64_t ft, char out[32])
{
	time_t t = (time_t)(ft / 10000000ull - 11644473600ull);
	struct tm tm;
	if (ft < 116444736000000000ull || gmtime_r(&t, &tm) == NULL) {
		snprintf(out, 32, "-");
		return;
	}
	strftime(out, 32, "%Y-%m-%d %H:%M:%S", &tm);
}

static const char *row_str(const struct rop_property_row *r, uint32_t tag)
{
	const struct mapi_propval *v = row_value(r, tag);
	return v != NULL && v->v.str != NULL ? v->v.str : "";
}

int mc_cmd_list(struct mc_cli *cli, int argc, char **argv)
{
	TALLOC_CTX *tmp = talloc_new(cli->s);
	struct mc_logon logon;
	uint64_t fid = 0;
	struct rop_row_list rows;
	uint32_t tags[] = {MC_TAG_MID, MC_TAG_DELIVERY_TIME, MC_TAG_SENDER_NAME, MC_TAG_SUBJECT};
	struct mapi_proptag_array cols = {4, tags};
	int ret = MC_EXIT_OK;
	if (mc_cli_open_mailbox(tmp, cli, &logon) < 0 ||
	    mc_cli_find_folder(tmp, cli, &logon, argv[0], &fid) < 0 ||
	    mc_store_contents(tmp, cli->s, &logon, fid, &cols, 1000, &rows) < 0) {
		ret = mc_cli_fail(cli);
		goto out;
	}
	for (uint32_t i = 0; i < rows.count; i++) {
		const struct mapi_propval *mid = row_value(&rows.rows[i], MC_TAG_MID);
		const struct mapi_propval *t = row_value(&rows.rows[i], MC_TAG_DELIVERY_TIME);
		char date[32] = "-";
		if (t != NULL)
			format_filetime(t->v.ft, date);
		printf("%016" PRIx64 "/%016" PRIx64 "\t%s\t%s\t%s\n", fid,
		       mid ? (uint64_t)mid->v.i64 : 0, date,
		       row_str(&rows.rows[i], MC_TAG_SENDER_NAME),
		       row_str(&rows.rows[i], MC_TAG_SUBJECT));
	}
	printf("messages: %" PRIu32 "\n", rows.count);
	if (mc_emsmdb_disconnect(tmp, cli->s) < 0)
		ret = mc_cli_fail(cli);
out:
	talloc_free(tmp);
	return ret;
}

int mc_cmd_show(struct mc_cli *cli, int argc, char **argv)
{
	TALLOC_CTX *tmp = talloc_new(cli->s);
	struct mc_logon logon;
	struct rop_property_row row;
	uint64_t fid, mid;
	char slash;
	uint32_t tags[] = {MC_TAG_SUBJECT,       MC_TAG_SENDER_NAME,  MC_TAG_DISPLAY_TO,
	                   MC_TAG_DELIVERY_TIME, MC_TAG_MESSAGE_SIZE, MC_TAG_BODY};
	struct mapi_proptag_array cols = {6, tags};
	int ret = MC_EXIT_OK;
	if (sscanf(argv[0], "%16" SCNx64 "%c%16" SCNx64, &fid, &slash, &mid) != 3 || slash != '/') {
		fprintf(stderr,
		        "mapiclient: MESSAGE is FOLDERID/MESSAGEID in hex, as list prints\n");
		ret = MC_EXIT_USAGE;
		goto out;
	}
	if (mc_cli_open_mailbox(tmp, cli, &logon) < 0 ||
	    mc_store_message_props(tmp, cli->s, &logon, fid, mid, &cols, &row) < 0) {
		ret = mc_cli_fail(cli);
		goto out;
	}
	const struct mapi_propval *t = row_value(&row, MC_TAG_DELIVERY_TIME);
	const struct mapi_propval *size = row_value(&row, MC_TAG_MESSAGE_SIZE);
	char date[32] = "-";
	if (t != NULL)
		format_filetime(t->v.ft, date);
	printf("subject: %s\nfrom: %s\nto: %s\ndate: %s\nsize: %" PRId32 "\n\n%s\n",
	       row_str(&row, MC_TAG_SUBJECT), row_str(&row, MC_TAG_SENDER_NAME),
	       row_str(&row, MC_TAG_DISPLAY_TO), date, size ? size->v.i32 : 0,
	       row_str(&row, MC_TAG_BODY));
	if (mc_emsmdb_disconnect(tmp, cli->s) < 0)
		ret = mc_cli_fail(cli);
out:
	talloc_free(tmp);
	return ret;
}
