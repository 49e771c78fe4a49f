/*
 * mapiclient commands that write or export mail: send, export.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mapiclient_cli.h"
#include "mc_message.h"
#include "rop_print.h"

/* "a,b,c" as a NULL-terminated list on mem_ctx (empty items dropped). */
static const char **split_addresses(TALLOC_CTX *mem_ctx, const char *list)
{
	size_t n = 1;
	for (const char *c = list; *c != '\0'; c++)
		n += *c == ',';
	const char **out = talloc_zero_array(mem_ctx, const char *, n + 1);
	char *copy = talloc_strdup(mem_ctx, list), *save = NULL;
	size_t k = 0;
	if (out == NULL || copy == NULL)
		return NULL;
	for (char *t = strtok_r(copy, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save)) {
		while (*t == ' ')
			t++;
		if (*t != '\0')
			out[k++] = t;
	}
	return out;
}

/* FILE as an attachment named after its last path component (16 MiB at
 * most). */
static int read_file(TALLOC_CTX *mem_ctx, const char *path, struct mc_attachment *a_r)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data = NULL;
	size_t len = 0, cap = 0;
	if (f == NULL)
		return -1;
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 65536;
			if (cap > (16u << 20) ||
			    (data = talloc_realloc(mem_ctx, data, uint8_t, cap)) == NULL) {
				fclose(f);
				errno = EFBIG;
				return -1;
			}
		}
		size_t got = fread(data + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	int err = ferror(f);
	fclose(f);
	if (err)
		return -1;
	const char *slash = strrchr(path, '/');
	a_r->name = talloc_strdup(mem_ctx, slash ? slash + 1 : path);
	a_r->data = (struct mapi_binary){(uint32_t)len, data};
	return 0;
}

/* "FOLDERID/MESSAGEID" as list prints it (16 hex digits each). */
static int parse_message_id(const char *text, struct mc_forward *f_r)
{
	char *end;
	errno = 0;
	f_r->fid = strtoull(text, &end, 16);
	if (errno != 0 || end == text || *end != '/')
		return -1;
	const char *m = end + 1;
	f_r->mid = strtoull(m, &end, 16);
	return errno != 0 || end == m || *end != '\0' ? -1 : 0;
}

int mc_cmd_send(struct mc_cli *cli, int argc, char **argv)
{
	TALLOC_CTX *tmp = talloc_new(cli->s);
	struct mc_send m = {.subject = NULL, .body = NULL};
	const char *to = NULL;
	struct mc_logon logon;
	uint64_t mid;
	int ret = MC_EXIT_USAGE;
	struct mc_attachment *att = talloc_zero_array(tmp, struct mc_attachment, (size_t)argc);
	const char **cats = talloc_zero_array(tmp, const char *, (size_t)argc);
	struct mc_forward *fwd = talloc_zero_array(tmp, struct mc_forward, (size_t)argc);
	for (int i = 0; i < argc; i += 2) {
		if (strcmp(argv[i], "--save-only") == 0) {
			m.save_only = true;
			i--; /* a flag without a value */
			continue;
		}
		if (i + 1 >= argc)
			goto usage;
		if (strcmp(argv[i], "--attach") == 0) {
			if (read_file(tmp, argv[i + 1], &att[m.attachment_count]) < 0) {
				fprintf(stderr, "mapiclient: cannot read %s: %s\n", argv[i + 1],
				        strerror(errno));
				goto out;
			}
			m.attachment_count++;
		} else if (strcmp(argv[i], "--attach-message") == 0) {
			struct mc_forward *f = &fwd[m.forward_count];
			if (parse_message_id(argv[i + 1], f) < 0)
				goto usage;
			m.forward_count++;
		} else if (strcmp(argv[i], "--category") == 0) {
			cats[m.category_count++] = argv[i + 1];
		} else if (strcmp(argv[i], "--to") == 0)
			to = argv[i + 1];
		else if (strcmp(argv[i], "--subject") == 0)
			m.subject = argv[i + 1];
		else if (strcmp(argv[i], "--body") == 0)
			m.body = argv[i + 1];
		else
			goto usage;
	}
	if (to == NULL || m.subject == NULL)
		goto usage;
	m.attachments = att;
	m.forwards = fwd;
	m.categories = cats;
	m.to = split_addresses(tmp, to);
	if (m.to == NULL || m.to[0] == NULL)
		goto usage;
	if (mc_cli_open_mailbox(tmp, cli, &logon) < 0 ||
	    mc_message_send(tmp, cli->s, &logon, &m, &mid) < 0) {
		ret = mc_cli_fail(cli);
		goto out;
	}
	printf("%s: %016" PRIx64 "/%016" PRIx64 "\n", m.save_only ? "saved" : "submitted",
	       logon.resp.folder_ids[MC_FOLDER_OUTBOX], mid);
	ret = MC_EXIT_OK;
	if (mc_emsmdb_disconnect(tmp, cli->s) < 0)
		ret = mc_cli_fail(cli);
	goto out;
usage:
	fprintf(stderr, "usage: mapiclient [options] send --to ADDR[,ADDR...] --subject S "
	                "[--body B] [--attach FILE]... [--attach-message FOLDERID/MESSAGEID]... "
	                "[--category C]... [--save-only]\n");
out:
	talloc_free(tmp);
	return ret;
}

static const char *recipient_type_name(uint8_t type)
{
	/* [MS-OXOMSG] 2.2.3.1 PidTagRecipientType */
	static const char *const names[] = {"Originator", "To", "Cc", "Bcc"};
	return type < 4 ? names[type] : "other";
}

static void dump_name(struct rop_printer *pr, const struct mapi_property_name *n)
{
	const uint8_t *g = n->guid.b;
	char guid[40];
	/* [MS-OXCDATA] 2.5.1 GUID, its first three fields little-endian */
	snprintf(guid, sizeof(guid),
	         "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", g[3], g[2],
	         g[1], g[0], g[5], g[4], g[7], g[6], g[8], g[9], g[10], g[11], g[12], g[13], g[14],
	         g[15]);
	if (n->kind == MNID_ID)
		rop_printf(pr, "name: {%s} id 0x%04" PRIx32, guid, n->lid);
	else if (n->kind == MNID_STRING)
		rop_printf(pr, "name: {%s} string \"%s\"", guid, n->name ? n->name : "");
	else
		rop_printf(pr, "name: (none)");
}

/* The file name of attachment i's data ("BASE-N-NAME", the name's path
 * separators and control characters replaced) or embedded message
 * ("BASE-N.txt"); NULL when it has neither. */
static char *attach_file(TALLOC_CTX *mem_ctx, const char *base, const struct mc_message_dump *d,
                         uint32_t i)
{
	const struct mc_attach_dump *a = &d->attach[i];
	if (a->embedded != NULL)
		return talloc_asprintf(mem_ctx, "%s-%" PRIu32 ".txt", base, a->num);
	if (!a->has_data)
		return NULL;
	const struct mapi_propval *v =
	    mc_row_value(&d->attachments.rows[i], MC_TAG_ATTACH_FILENAME);
	char *name = talloc_strdup(
	    mem_ctx, v != NULL && v->v.str != NULL && v->v.str[0] != '\0' ? v->v.str : "data");
	for (char *c = name; c != NULL && *c != '\0'; c++) {
		if (*c == '/' || *c == '\\' || (unsigned char)*c < 0x20)
			*c = '_';
	}
	if (name != NULL && name[0] == '.')
		name[0] = '_';
	return talloc_asprintf(mem_ctx, "%s-%" PRIu32 "-%s", base, a->num, name);
}

static void dump_recipients(struct rop_printer *pr, const struct mc_message_dump *d)
{
	rop_printf(pr, "recipients: %u", d->recipient_count);
	for (uint16_t i = 0; i < d->recipient_count; i++) {
		const struct mc_recipient *r = &d->recipients[i];
		pr->depth++;
		rop_printf(pr, "recipient %u: %s", i, recipient_type_name(r->type));
		pr->depth++;
		rop_printf(pr, "address-type: %s", r->address_type ? r->address_type : "");
		rop_printf(pr, "email-address: %s", r->email ? r->email : "");
		rop_printf(pr, "display-name: %s", r->display_name ? r->display_name : "");
		for (uint32_t k = 0; k < r->props.count; k++)
			rop_print_propval(pr, "property", &r->props.vals[k]);
		pr->depth -= 2;
	}
}

/* The text of one exported message (the codec's printer does the values);
 * base the path its attachments' files start with. */
static char *dump_text(TALLOC_CTX *mem_ctx, const char *title, const char *base,
                       const struct mc_message_dump *d)
{
	struct rop_printer pr;
	rop_printer_init(&pr, mem_ctx);
	rop_printf(&pr, "%s", title);
	rop_printf(&pr, "properties: %" PRIu32, d->props.count);
	pr.depth++;
	for (uint32_t i = 0; i < d->props.count; i++) {
		rop_print_propval(&pr, "property", &d->props.vals[i]);
		if (d->names != NULL && d->names[i] != NULL) {
			pr.depth++;
			dump_name(&pr, d->names[i]);
			pr.depth--;
		}
	}
	pr.depth--;
	dump_recipients(&pr, d);
	rop_printf(&pr, "attachments: %" PRIu32, d->attachments.count);
	for (uint32_t i = 0; i < d->attachments.count; i++) {
		const struct rop_property_row *row = &d->attachments.rows[i];
		pr.depth++;
		rop_printf(&pr, "attachment %" PRIu32 ":", i);
		pr.depth++;
		for (uint32_t k = 0; k < row->vals.count; k++)
			rop_print_propval(&pr, "property", &row->vals.vals[k]);
		const struct mc_attach_dump *a = d->attach != NULL ? &d->attach[i] : NULL;
		char *file = a != NULL ? attach_file(mem_ctx, base, d, i) : NULL;
		const char *slash = file != NULL ? strrchr(file, '/') : NULL;
		if (a != NULL && a->embedded != NULL)
			rop_printf(&pr, "embedded-message: %s", slash ? slash + 1 : file);
		else if (a != NULL && a->has_data)
			rop_printf(&pr, "data: %s (%" PRIu32 " bytes%s)", slash ? slash + 1 : file,
			           a->data.len, a->streamed ? ", read through a stream" : "");
		pr.depth -= 2;
	}
	return pr.nomem ? NULL : pr.text;
}

static int write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (f == NULL)
		return -1;
	int ok = fwrite(data, 1, len, f) == len;
	return fclose(f) == 0 && ok ? 0 : -1;
}

/* base.txt (title its first line), then every attachment's data file and
 * embedded message (recursively), each path printed. */
static int write_message(TALLOC_CTX *mem_ctx, struct mc_cli *cli, const char *title,
                         const char *base, const struct mc_message_dump *d)
{
	char *text = dump_text(mem_ctx, title, base, d);
	char *path = talloc_asprintf(mem_ctx, "%s.txt", base);
	if (text == NULL || path == NULL || write_file(path, text, strlen(text)) < 0)
		return mc_fail(cli->s, MC_E_USAGE, "cannot write %s.txt: %s", base,
		               strerror(errno));
	printf("%s\n", path);
	for (uint32_t i = 0; d->attach != NULL && i < d->attachments.count; i++) {
		const struct mc_attach_dump *a = &d->attach[i];
		char *file = attach_file(mem_ctx, base, d, i);
		if (file == NULL)
			continue;
		if (a->embedded != NULL) {
			char *sub = talloc_asprintf(mem_ctx, "%s-%" PRIu32, base, a->num);
			char *t = talloc_asprintf(
			    mem_ctx, "embedded message: attachment %" PRIu32 " of %s.txt", a->num,
			    strrchr(base, '/') + 1);
			if (sub == NULL || t == NULL ||
			    write_message(mem_ctx, cli, t, sub, a->embedded) < 0)
				return -1;
			continue;
		}
		if (write_file(file, a->data.data, a->data.len) < 0)
			return mc_fail(cli->s, MC_E_USAGE, "cannot write %s: %s", file,
			               strerror(errno));
		printf("%s\n", file);
	}
	return 0;
}

static int export_messages(TALLOC_CTX *mem_ctx, struct mc_cli *cli, const struct mc_logon *logon,
                           uint64_t fid, const char *dir)
{
	uint32_t tag = MC_TAG_MID;
	struct mapi_proptag_array cols = {1, &tag};
	struct rop_row_list rows;
	if (mc_store_contents(mem_ctx, cli->s, logon, fid, &cols, 1000, &rows) < 0)
		return -1;
	for (uint32_t i = 0; i < rows.count; i++) {
		TALLOC_CTX *t = talloc_new(mem_ctx);
		const struct mapi_propval *v = mc_row_value(&rows.rows[i], MC_TAG_MID);
		struct mc_message_dump d;
		uint64_t mid = v != NULL ? (uint64_t)v->v.i64 : 0;
		if (v == NULL || mc_message_read(t, cli->s, logon, fid, mid, &d) < 0) {
			talloc_free(t);
			return v == NULL
			           ? mc_fail(cli->s, MC_E_PROTOCOL, "contents row without a MID")
			           : -1;
		}
		char *title = talloc_asprintf(t, "message: %016" PRIx64 "/%016" PRIx64, fid, mid);
		char *base = talloc_asprintf(t, "%s/%016" PRIx64, dir, mid);
		if (title == NULL || base == NULL || write_message(t, cli, title, base, &d) < 0) {
			talloc_free(t);
			return title == NULL || base == NULL
			           ? mc_fail(cli->s, MC_E_NOMEM, "out of memory")
			           : -1;
		}
		talloc_free(t);
	}
	printf("exported: %" PRIu32 "\n", rows.count);
	return 0;
}

int mc_cmd_export(struct mc_cli *cli, int argc, char **argv)
{
	TALLOC_CTX *tmp = talloc_new(cli->s);
	struct mc_logon logon;
	uint64_t fid;
	int ret = MC_EXIT_OK;
	if (mkdir(argv[1], 0700) < 0 && errno != EEXIST) {
		fprintf(stderr, "mapiclient: cannot create %s: %s\n", argv[1], strerror(errno));
		ret = MC_EXIT_USAGE;
		goto out;
	}
	if (mc_cli_open_mailbox(tmp, cli, &logon) < 0 ||
	    mc_cli_find_folder(tmp, cli, &logon, argv[0], &fid) < 0 ||
	    export_messages(tmp, cli, &logon, fid, argv[1]) < 0 ||
	    mc_emsmdb_disconnect(tmp, cli->s) < 0)
		ret = mc_cli_fail(cli);
out:
	talloc_free(tmp);
	return ret;
}
