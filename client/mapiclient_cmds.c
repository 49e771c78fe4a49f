/*
 * mapiclient commands: discover, resolve, gal, ping, connect.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mapiclient_cli.h"
#include "aux.h"
#include "mc_autodiscover.h"
#include "mc_emsmdb.h"
#include "mc_nspi.h"
#include "notif.h"
#include "rop.h"

static void print_field(const char *name, const char *value)
{
	if (value != NULL)
		printf("%s: %s\n", name, value);
}

int mc_cmd_discover(struct mc_cli *cli, int argc, char **argv)
{
	TALLOC_CTX *tmp = talloc_new(cli->s);
	struct mc_discovery d;
	int ret = MC_EXIT_OK;
	if (mc_discover(tmp, cli->s, argv[0], &d) < 0) {
		ret = mc_cli_fail(cli);
		goto out;
	}
	print_field("address", d.address);
	print_field("json-url", d.json_url);
	print_field("autodiscover-url", d.pox_url);
	print_field("display-name", d.display_name);
	print_field("legacy-dn", d.legacy_dn);
	print_field("smtp-address", d.smtp_address);
	print_field("deployment-id", d.deployment_id);
	print_field("mapihttp-version", d.mapi_version);
	print_field("mailstore-internal-url", d.mailstore_internal);
	print_field("mailstore-external-url", d.mailstore_external);
	print_field("addressbook-internal-url", d.addressbook_internal);
	print_field("addressbook-external-url", d.addressbook_external);
	print_field("ews-url", d.ews_url);
out:
	talloc_free(tmp);
	return ret;
}

/* Discovery for the --user address: every command but discover starts so. */
static int discover_user(TALLOC_CTX *mem_ctx, struct mc_cli *cli)
{
	struct mc_discovery d;
	return mc_discover(mem_ctx, cli->s, cli->address, &d);
}

static const char *str_value(const struct nspi_rowset *rows, size_t row, uint32_t tag)
{
	const struct mapi_propval *v = mc_nspi_row_value(rows, row, tag);
	return v != NULL && v->v.str != NULL ? v->v.str : "";
}

/* [MS-OXNSPI] 2.2.1.8 */
#define MID_UNRESOLVED 0x0
#define MID_AMBIGUOUS  0x1
#define MID_RESOLVED   0x2

/* The entry's details by its MId, as Outlook's Check Names dialog reads
 * them: ResolveNames answers MID_RESOLVED, not the MId ([MS-OXNSPI]
 * 3.1.4.7), so DNToMId of the entry's DN gives it ([MS-OXNSPI] 3.1.4.1.13);
 * then GetProps with the MId as the STAT's CurrentRec (3.1.4.1.7) and
 * QueryRows over an Explicit Table of that one MId (3.1.4.1.8), both of
 * which must name the entry. */
static int resolve_details(TALLOC_CTX *mem_ctx, struct mc_cli *cli, const char *dn,
                           const char *display_name)
{
	char *dns[] = {(char *)(uintptr_t)dn};
	struct nspi_strings names = {1, dns};
	struct nspi_dn_to_mid_req dq = {.names = &names};
	struct nspi_dn_to_mid_resp dr;
	if (mc_nspi_call(mem_ctx, cli->s, NSPI_DN_TO_MID, &dq, &dr) < 0)
		return -1;
	if (dr.mids == NULL || dr.mids->count != 1 || dr.mids->ids[0] == 0)
		return mc_fail(cli->s, MC_E_PROTOCOL, "DNToMId: no MId for %s", dn);
	uint32_t mid = dr.mids->ids[0];
	uint32_t tags[] = {MC_TAG_DISPLAY_NAME, MC_TAG_ACCOUNT, MC_TAG_DISPLAY_TYPE};
	struct mapi_proptag_array cols = {3, tags};
	struct nspi_stat st;
	struct nspi_get_props_resp props;
	struct nspi_query_rows_resp rows;
	mc_nspi_default_stat(&st);
	st.current_rec = mid;
	struct nspi_get_props_req pq = {.flags = 0, .state = &st, .tags = &cols};
	if (mc_nspi_call(mem_ctx, cli->s, NSPI_GET_PROPS, &pq, &props) < 0)
		return -1;
	const char *name = NULL, *account = "";
	for (uint32_t i = 0; props.values != NULL && i < props.values->count; i++) {
		const struct mapi_propval *v = &props.values->vals[i];
		if (v->tag == MC_TAG_DISPLAY_NAME)
			name = v->v.str;
		else if (v->tag == MC_TAG_ACCOUNT && v->v.str != NULL)
			account = v->v.str;
	}
	if (name == NULL || strcmp(name, display_name) != 0)
		return mc_fail(cli->s, MC_E_PROTOCOL,
		               "GetProps of MId 0x%08" PRIX32 " names \"%s\", not \"%s\"", mid,
		               name ? name : "(none)", display_name);
	mc_nspi_default_stat(&st);
	struct nspi_query_rows_req rq = {
	    .state = &st, .explicit_table = {1, &mid}, .row_count = 1, .columns = &cols};
	if (mc_nspi_call(mem_ctx, cli->s, NSPI_QUERY_ROWS, &rq, &rows) < 0)
		return -1;
	if (rows.rows == NULL || rows.rows->count != 1 ||
	    strcmp(str_value(rows.rows, 0, MC_TAG_DISPLAY_NAME), display_name) != 0)
		return mc_fail(cli->s, MC_E_PROTOCOL,
		               "QueryRows of the Explicit Table {0x%08" PRIX32
		               "} does not name \"%s\"",
		               mid, display_name);
	printf("mid: 0x%08" PRIX32 "\n", mid);
	printf("account: %s\n", account);
	return 0;
}

int mc_cmd_resolve(struct mc_cli *cli, int argc, char **argv)
{
	TALLOC_CTX *tmp = talloc_new(cli->s);
	int ret = MC_EXIT_FAIL;
	uint32_t tags[] = {MC_TAG_DISPLAY_NAME, MC_TAG_SMTP_ADDRESS, MC_TAG_EMAIL_ADDRESS,
	                   MC_TAG_ADDRESS_TYPE, MC_TAG_DISPLAY_TYPE, MC_TAG_INSTANCE_KEY};
	struct mapi_proptag_array cols = {sizeof(tags) / sizeof(tags[0]), tags};
	char *names[] = {argv[0]};
	struct nspi_strings strs = {1, names};
	struct nspi_stat st;
	struct nspi_resolve_names_resp resp;
	if (discover_user(tmp, cli) < 0 || mc_nspi_bind(tmp, cli->s, NULL) < 0)
		goto fail;
	mc_nspi_default_stat(&st);
	/* [MS-OXCMAPIHTTP] 2.2.5.14 */
	struct nspi_resolve_names_req req = {.state = &st, .tags = &cols, .names = &strs};
	if (mc_nspi_call(tmp, cli->s, NSPI_RESOLVE_NAMES, &req, &resp) < 0)
		goto fail;
	if (resp.mids == NULL || resp.mids->count != 1) {
		fprintf(stderr, "mapiclient: ResolveNames answered %" PRIu32 " MIds for 1 name\n",
		        resp.mids ? resp.mids->count : 0);
		goto out;
	}
	uint32_t mid = resp.mids->ids[0];
	if (mid == MID_UNRESOLVED || mid == MID_AMBIGUOUS) {
		printf("%s: %s\n", argv[0], mid == MID_UNRESOLVED ? "not found" : "ambiguous");
		goto unbind;
	}
	printf("%s: resolved\n", argv[0]);
	printf("display-name: %s\n", str_value(resp.rows, 0, MC_TAG_DISPLAY_NAME));
	printf("smtp-address: %s\n", str_value(resp.rows, 0, MC_TAG_SMTP_ADDRESS));
	printf("email-address: %s\n", str_value(resp.rows, 0, MC_TAG_EMAIL_ADDRESS));
	printf("address-type: %s\n", str_value(resp.rows, 0, MC_TAG_ADDRESS_TYPE));
	if (resolve_details(tmp, cli, str_value(resp.rows, 0, MC_TAG_EMAIL_ADDRESS),
	                    str_value(resp.rows, 0, MC_TAG_DISPLAY_NAME)) < 0)
		goto fail;
	ret = MC_EXIT_OK;
unbind:
	if (mc_nspi_unbind(tmp, cli->s) < 0)
		goto fail;
	goto out;
fail:
	ret = mc_cli_fail(cli);
out:
	talloc_free(tmp);
	return ret;
}

static int gal_containers(TALLOC_CTX *mem_ctx, struct mc_cli *cli)
{
	struct nspi_stat st;
	struct nspi_get_special_table_resp resp;
	mc_nspi_default_stat(&st);
	/* [MS-OXCMAPIHTTP] 2.2.5.8, flags 0x4 NspiUnicodeStrings: the
	 * hierarchy table of the address book containers. */
	struct nspi_get_special_table_req req = {.flags = 0x4, .state = &st};
	if (mc_nspi_call(mem_ctx, cli->s, NSPI_GET_SPECIAL_TABLE, &req, &resp) < 0)
		return -1;
	uint32_t n = resp.rows ? resp.rows->count : 0;
	printf("containers: %" PRIu32 "\n", n);
	for (uint32_t i = 0; i < n; i++) {
		const struct mapi_propval_array *l = &resp.rows->lists[i];
		const char *name = "";
		int32_t depth = 0;
		for (uint32_t k = 0; k < l->count; k++) {
			if (l->vals[k].tag == MC_TAG_DISPLAY_NAME && l->vals[k].v.str)
				name = l->vals[k].v.str;
			if (l->vals[k].tag == MC_TAG_DEPTH)
				depth = l->vals[k].v.i32;
		}
		printf("  %*s%s\n", (int)(depth > 0 && depth < 16 ? depth * 2 : 0), "", name);
	}
	return 0;
}

/* [MS-OXNSPI] 2.2.1.8: MID_END_OF_TABLE */
#define MID_END_OF_TABLE 0x2

static int gal_rows(TALLOC_CTX *mem_ctx, struct mc_cli *cli)
{
	uint32_t tags[] = {MC_TAG_DISPLAY_NAME, MC_TAG_SMTP_ADDRESS, MC_TAG_EMAIL_ADDRESS};
	struct mapi_proptag_array cols = {3, tags};
	struct nspi_stat st;
	uint32_t total = 0;
	mc_nspi_default_stat(&st);
	/* [MS-OXCMAPIHTTP] 2.2.5.12: pages of 50 rows until the end. */
	for (int page = 0; page < 10000; page++) {
		struct nspi_query_rows_resp resp;
		struct nspi_query_rows_req req = {
		    .flags = 0, .state = &st, .row_count = 50, .columns = &cols};
		if (mc_nspi_call(mem_ctx, cli->s, NSPI_QUERY_ROWS, &req, &resp) < 0)
			return -1;
		uint32_t n = resp.rows ? resp.rows->count : 0;
		if (n > 50) {
			return mc_fail(cli->s, MC_E_PROTOCOL,
			               "QueryRows answered %" PRIu32 " rows for a Count of 50 "
			               "([MS-OXNSPI] 3.1.4.1.8 forbids more)",
			               n);
		}
		for (uint32_t i = 0; i < n; i++)
			printf("%s\t%s\t%s\n", str_value(resp.rows, i, MC_TAG_DISPLAY_NAME),
			       str_value(resp.rows, i, MC_TAG_SMTP_ADDRESS),
			       str_value(resp.rows, i, MC_TAG_EMAIL_ADDRESS));
		total += n;
		if (resp.state == NULL || n == 0 || resp.state->current_rec == MID_END_OF_TABLE)
			break;
		st = *resp.state;
	}
	printf("entries: %" PRIu32 "\n", total);
	return 0;
}

int mc_cmd_gal(struct mc_cli *cli, int argc, char **argv)
{
	TALLOC_CTX *tmp = talloc_new(cli->s);
	int ret = MC_EXIT_OK;
	if (discover_user(tmp, cli) < 0 || mc_nspi_bind(tmp, cli->s, NULL) < 0 ||
	    gal_containers(tmp, cli) < 0 || gal_rows(tmp, cli) < 0 ||
	    mc_nspi_unbind(tmp, cli->s) < 0)
		ret = mc_cli_fail(cli);
	talloc_free(tmp);
	return ret;
}

int mc_cmd_ping(struct mc_cli *cli, int argc, char **argv)
{
	TALLOC_CTX *tmp = talloc_new(cli->s);
	int ret = MC_EXIT_OK;
	if (discover_user(tmp, cli) < 0 || mc_mapi_ping(tmp, cli->s, false) < 0) {
		ret = mc_cli_fail(cli);
		goto out;
	}
	printf("emsmdb: PING ok\n");
	if (mc_mapi_ping(tmp, cli->s, true) < 0) {
		ret = mc_cli_fail(cli);
		goto out;
	}
	printf("nspi: PING ok\n");
out:
	talloc_free(tmp);
	return ret;
}

int mc_cmd_connect(struct mc_cli *cli, int argc, char **argv)
{
	TALLOC_CTX *tmp = talloc_new(cli->s);
	struct mh_connect_resp resp;
	int ret = MC_EXIT_OK;
	if (discover_user(tmp, cli) < 0 || mc_emsmdb_connect(tmp, cli->s, &resp) < 0) {
		ret = mc_cli_fail(cli);
		goto out;
	}
	printf("connected: %s\n", resp.display_name ? resp.display_name : "");
	printf("dn-prefix: %s\n", resp.dn_prefix ? resp.dn_prefix : "");
	printf("polls-max: %" PRIu32 "\n", resp.polls_max);
	printf("retry-count: %" PRIu32 "\n", resp.retry_count);
	printf("retry-delay: %" PRIu32 "\n", resp.retry_delay);
	/* [MS-OXCRPC] 3.1.4.1.2: what the server says in its auxiliary buffer */
	struct aux_list aux;
	enum rop_err e = aux_buffer_decode(tmp, resp.aux.data, resp.aux.len, 0x10000, &aux);
	if (e != ROP_OK) {
		mc_fail(cli->s, MC_E_PROTOCOL, "Connect: undecodable AuxiliaryBuffer (%s)",
		        rop_strerror(e));
		ret = mc_cli_fail(cli);
		goto out;
	}
	printf("server-aux:");
	for (size_t i = 0; i < aux.count; i++) {
		const char *name = aux_block_name(aux.blocks[i].version, aux.blocks[i].type);
		if (name != NULL)
			printf(" %s", name);
		else
			printf(" unknown-v%u-t0x%02x", aux.blocks[i].version, aux.blocks[i].type);
	}
	printf("%s\n", aux.count == 0 ? " (none)" : "");
	if (mc_emsmdb_disconnect(tmp, cli->s) < 0) {
		ret = mc_cli_fail(cli);
		goto out;
	}
	printf("disconnected\n");
out:
	talloc_free(tmp);
	return ret;
}

/* One line per RopNotify the last Execute carried. */
static void print_notifications(const struct mc_session *s)
{
	for (size_t i = 0; i < s->notif_count; i++) {
		const struct notif_data *d = &s->notifs[i].u.notify.data;
		if ((d->flags & NOTIF_TYPE_MASK) == NOTIF_NEW_MAIL)
			printf("notification: NewMail %016" PRIx64 "/%016" PRIx64 " %s\n", d->fid,
			       d->mid, d->message_class ? d->message_class : "");
		else
			printf("notification: type 0x%04x\n", d->flags & NOTIF_TYPE_MASK);
	}
}

int mc_cmd_watch(struct mc_cli *cli, int argc, char **argv)
{
	TALLOC_CTX *tmp = talloc_new(cli->s);
	struct mc_logon logon;
	uint32_t handles[2];
	int ret = MC_EXIT_OK;
	char *end;
	unsigned long count = argc > 0 ? strtoul(argv[0], &end, 10) : 0;
	if (argc > 0 && (*argv[0] == '\0' || *end != '\0' || count == 0)) {
		fprintf(stderr, "mapiclient: COUNT must be a positive number\n");
		ret = MC_EXIT_USAGE;
		goto out;
	}
	if (mc_cli_open_mailbox(tmp, cli, &logon) < 0 ||
	    mc_store_register_newmail(tmp, cli->s, &logon, &handles[1]) < 0) {
		ret = mc_cli_fail(cli);
		goto out;
	}
	handles[0] = logon.handle;
	/* [MS-OXCMAPIHTTP] 2.2.4.4: each NotificationWait is held by the
	 * server until an event is pending or its wait ends; a pending event
	 * is collected with an Execute (3.1.5.5). */
	for (unsigned long i = 0; count == 0 || i < count; i++) {
		uint32_t pending = 0;
		if (mc_emsmdb_notification_wait(tmp, cli->s, &pending) < 0) {
			ret = mc_cli_fail(cli);
			goto out;
		}
		printf("NotificationWait: %s\n", (pending & 0x1) ? "event pending" : "no event");
		if ((pending & 0x1) != 0) {
			if (mc_store_collect(tmp, cli->s, handles, 2) < 0) {
				ret = mc_cli_fail(cli);
				goto out;
			}
			print_notifications(cli->s);
		}
		fflush(stdout);
	}
	if (mc_emsmdb_disconnect(tmp, cli->s) < 0)
		ret = mc_cli_fail(cli);
out:
	talloc_free(tmp);
	return ret;
}
