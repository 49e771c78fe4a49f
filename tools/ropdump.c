/*
 * ropdump: prints a ROP buffer, or the MAPI/HTTP body carrying one, field by
 * field with ROP and property names (ropcodec/rop_print.h).
 *
 *   ropdump [--response] [--type T] [--hex] [--columns TAG,...] [--public] [FILE|-]
 *   ropdump --coverage
 *
 * T: rops (a bare ROP list, the default), ropbuffer (RopSize, ROP list,
 * handle table), ext (an RPC_HEADER_EXT chain of ROP buffers, as in the
 * RopBuffer of an Execute body), aux (an AuxiliaryBuffer), connect,
 * execute, disconnect, notificationwait (the MAPI/HTTP EMSMDB bodies),
 * nspi:NAME (an NSPI body, NAME its X-RequestType: nspi:Bind, nspi:GetProps).
 * The input is binary unless --hex or a FILE ending in ".hex": hex text,
 * whitespace ignored, '#' to end of line a comment (fixtures/ format).
 * --columns gives the table columns response rows are read in (RopQueryRows
 * after RopSetColumns) and the tags a RopGetPropertiesSpecific answers.
 * --coverage lists every ROP of [MS-OXCROPS] 2.2.2 with its codec status.
 *
 * Exit status: 0 decoded, 1 the input does not decode (what did is
 * printed, then the error), 2 usage or I/O error.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rop_print.h"

#define MAX_INPUT (64u << 20)

static void usage(FILE *f)
{
	fprintf(f, "usage: ropdump [--response] [--type rops|ropbuffer|ext|aux|connect|execute|"
	           "disconnect|notificationwait|nspi:REQUESTTYPE]\n"
	           "               [--hex] [--columns TAG,...] [--public] [FILE|-]\n"
	           "       ropdump --coverage\n");
}

static uint8_t *read_all(TALLOC_CTX *ctx, FILE *f, size_t *len_r)
{
	size_t cap = 4096, len = 0, n;
	uint8_t *buf = talloc_array(ctx, uint8_t, cap);

	while (buf != NULL && (n = fread(buf + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len == cap) {
			if (cap >= MAX_INPUT) {
				fprintf(stderr, "ropdump: input larger than %u bytes\n", MAX_INPUT);
				return NULL;
			}
			cap *= 2;
			buf = talloc_realloc(ctx, buf, uint8_t, cap);
		}
	}
	if (buf == NULL || ferror(f)) {
		fprintf(stderr, "ropdump: read: %s\n",
		        buf == NULL ? "out of memory" : strerror(errno));
		return NULL;
	}
	*len_r = len;
	return buf;
}

/* Hex text to bytes in place; -1 on a character that is not hex. */
static int unhex(uint8_t *buf, size_t *len)
{
	size_t o = 0, nibbles = 0;
	bool comment = false;
	int hi = 0;

	for (size_t i = 0; i < *len; i++) {
		int c = buf[i];
		if (comment || c == '#') {
			comment = c != '\n';
			continue;
		}
		if (isspace(c))
			continue;
		if (!isxdigit(c)) {
			fprintf(stderr, "ropdump: not hex at offset %zu: '%c'\n", i, c);
			return -1;
		}
		int v = isdigit(c) ? c - '0' : tolower(c) - 'a' + 10;
		if (nibbles++ % 2 == 0)
			hi = v;
		else
			buf[o++] = (uint8_t)(hi << 4 | v);
	}
	if (nibbles % 2 != 0) {
		fprintf(stderr, "ropdump: odd number of hex digits\n");
		return -1;
	}
	*len = o;
	return 0;
}

static int parse_columns(TALLOC_CTX *ctx, const char *s, struct mapi_proptag_array *cols)
{
	char *end;

	cols->count = 0;
	cols->tags = talloc_array(ctx, uint32_t, strlen(s) / 2 + 1);
	while (cols->tags != NULL && *s != 0) {
		errno = 0;
		unsigned long v = strtoul(s, &end, 16);
		if (end == s || errno != 0 || v > UINT32_MAX || (*end != ',' && *end != 0)) {
			fprintf(stderr, "ropdump: bad property tag list at \"%s\"\n", s);
			return -1;
		}
		cols->tags[cols->count++] = (uint32_t)v;
		s = *end == ',' ? end + 1 : end;
	}
	return cols->tags != NULL ? 0 : -1;
}

static void coverage(void)
{
	static const char *const st[] = {"full", "partial", "unsupported"};
	unsigned int count, n[3] = {0, 0, 0};
	const struct rop_info *all = rop_info_all(&count);

	/* [MS-OXCROPS] 2.2.2: every RopId, its sections and codec status */
	for (unsigned int i = 0; i < count; i++) {
		const struct rop_codec *c = all[i].codec;
		n[c->status]++;
		printf("0x%02X %-44s %-11s [MS-OXCROPS] %-9s %s%s%s\n", all[i].rop_id, all[i].name,
		       st[c->status], all[i].oxcrops_section, all[i].spec_section,
		       c->note != NULL ? "  " : "", c->note != NULL ? c->note : "");
	}
	printf("%u ROPs: %u full, %u partial, %u unsupported\n", count, n[0], n[1], n[2]);
}

static const char *const types[] = {"rops",    "ropbuffer", "ext",        "aux",
                                    "connect", "execute",   "disconnect", "notificationwait"};

/* --type nspi:NAME, NAME an X-RequestType of [MS-OXCMAPIHTTP] 2.2.5 */
#define TYPE_NSPI 100
static enum nspi_request_type nspi;

static enum rop_err dump(struct rop_printer *pr, int type, enum rop_print_dir dir,
                         const uint8_t *data, size_t len, const struct rop_decode_ctx *ctx)
{
	if (type == TYPE_NSPI)
		return rop_print_nspi_body(pr, nspi, dir, data, len);
	switch (type) {
	case 0:
		return rop_print_rop_list(pr, dir, data, len, ctx);
	case 1:
		return rop_print_rop_buffer(pr, dir, data, len, ctx);
	case 2:
		return rop_print_ext_chain(pr, dir, data, len, ctx);
	case 3:
		return rop_print_aux_buffer(pr, data, len);
	default:
		return rop_print_mh_body(pr, (enum rop_print_body)(type - 4), dir, data, len, ctx);
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"response", no_argument, NULL, 'r'}, {"type", required_argument, NULL, 't'},
	    {"hex", no_argument, NULL, 'x'},      {"columns", required_argument, NULL, 'c'},
	    {"public", no_argument, NULL, 'p'},   {"coverage", no_argument, NULL, 'C'},
	    {"help", no_argument, NULL, 'h'},     {NULL, 0, NULL, 0}};
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct mapi_proptag_array cols = {0, NULL};
	struct rop_decode_ctx dctx = {NULL, false};
	enum rop_print_dir dir = ROP_PRINT_REQUEST;
	struct rop_printer pr;
	const char *path = "-";
	bool hex = false;
	int type = 0, c, ret = 2;
	uint8_t *data;
	size_t len = 0;
	FILE *f;

	while ((c = getopt_long(argc, argv, "rt:xc:pCh", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			dir = ROP_PRINT_RESPONSE;
			break;
		case 't':
			for (type = 0; type < 8 && strcmp(optarg, types[type]) != 0; type++)
				;
			if (type == 8 && strncmp(optarg, "nspi:", 5) == 0 &&
			    nspi_request_lookup(optarg + 5, &nspi) == 1)
				type = TYPE_NSPI;
			if (type == 8) {
				usage(stderr);
				goto done;
			}
			break;
		case 'x':
			hex = true;
			break;
		case 'c':
			if (parse_columns(ctx, optarg, &cols) != 0)
				goto done;
			dctx.columns = &cols;
			break;
		case 'p':
			dctx.public_logon = true;
			break;
		case 'C':
			coverage();
			ret = 0;
			goto done;
		case 'h':
			usage(stdout);
			ret = 0;
			goto done;
		default:
			usage(stderr);
			goto done;
		}
	}
	if (optind + 1 < argc) {
		usage(stderr);
		goto done;
	}
	if (optind < argc)
		path = argv[optind];
	f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (f == NULL) {
		fprintf(stderr, "ropdump: %s: %s\n", path, strerror(errno));
		goto done;
	}
	data = read_all(ctx, f, &len);
	if (f != stdin)
		fclose(f);
	if (data == NULL)
		goto done;
	if (strlen(path) > 4 && strcmp(path + strlen(path) - 4, ".hex") == 0)
		hex = true;
	if (hex && unhex(data, &len) != 0)
		goto done;
	rop_printer_init(&pr, ctx);
	ret = dump(&pr, type, dir, data, len, &dctx) == ROP_OK ? 0 : 1;
	fputs(pr.text, stdout);
	if (pr.nomem) {
		fprintf(stderr, "ropdump: out of memory\n");
		ret = 2;
	}
done:
	talloc_free(ctx);
	return ret;
}
