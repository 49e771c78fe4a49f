/*
 * mc_replay_diff: two decoded answers, printed by the codec's printer,
 * compared line by line with the volatile fields compared by shape.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "mapi_guid.h"
#include "mc_replay_private.h"

/* Fields whose values belong to the server or the moment, not to the
 * protocol: compared by shape.  Matched as substrings of the field name
 * (or, under a "property:" line, of the property's name). */
static const char *const volatile_keys[] = {"time",
                                            "guid",
                                            "replid",
                                            "size",
                                            "handle",
                                            "cookie",
                                            "changenumber",
                                            "changekey",
                                            "sourcekey",
                                            "predecessor",
                                            "entryid",
                                            "recordkey",
                                            "searchkey",
                                            "instancekey",
                                            "instid",
                                            "elapsed",
                                            "counter",
                                            "pollsmax",
                                            "retrycount",
                                            "retrydelay",
                                            "dnprefix",
                                            "auxiliary",
                                            "servername",
                                            "sessionindex",
                                            "gwart",
                                            "PidTagMid ",
                                            "PidTagFolderId ",
                                            "PidTagMessageSize",
                                            "sequence",
                                            "RopsList",
                                            "PtypServerId",
                                            "new_position",
                                            "PidTagLocalCommitTime",
                                            NULL};

/* Fields not compared at all: how the server chose to pack its answer. */
static const char *const ignored_keys[] = {"RPC_HEADER_EXT", NULL};

static bool key_in(const char *key, const char *const *list)
{
	for (size_t i = 0; list[i] != NULL; i++) {
		if (strcasestr(key, list[i]) != NULL)
			return true;
	}
	return false;
}

static bool is_volatile(const char *key)
{
	return key_in(key, volatile_keys);
}

/* A value's shape: every run of hex digits one 'N' (numbers, times,
 * GUIDs and hex dumps of the same form compare equal). */
static char *shape(TALLOC_CTX *mem_ctx, const char *v)
{
	char *out = talloc_strdup(mem_ctx, v), *o = out;
	for (const char *p = v; out != NULL && *p != '\0';) {
		if (isxdigit((unsigned char)*p)) {
			*o++ = 'N';
			while (isxdigit((unsigned char)*p))
				p++;
		} else {
			*o++ = *p++;
		}
	}
	if (out != NULL)
		*o = '\0';
	return out;
}

static int indent_of(const char *line)
{
	int n = 0;
	while (line[n] == ' ')
		n++;
	return n;
}

/* The recorded text with the recorded user's strings replaced by the
 * live ones (longest first as the caller adds them). */
static char *substitute(TALLOC_CTX *mem_ctx, const struct mc_replay_state *r, const char *line)
{
	char *out = talloc_strdup(mem_ctx, line);
	for (size_t i = 0; out != NULL && i < r->sub_count; i++) {
		const char *from = r->subs[i].from, *to = r->subs[i].to;
		size_t fl = strlen(from);
		char *at;
		if (fl == 0)
			continue;
		while ((at = strstr(out, from)) != NULL) {
			char *n =
			    talloc_asprintf(mem_ctx, "%.*s%s%s", (int)(at - out), out, to, at + fl);
			talloc_free(out);
			if ((out = n) == NULL)
				return NULL;
		}
	}
	return out;
}

/* 1 when the two values are IDs (0x + 16 hex digits somewhere) and the
 * recorded one is, or now becomes, known as the live one. */
static int same_id(struct mc_replay_state *r, const char *rec, const char *live)
{
	const char *a = strstr(rec, "0x"), *b = strstr(live, "0x");
	if (a == NULL || b == NULL || strspn(a + 2, "0123456789abcdefABCDEF") != 16 ||
	    strspn(b + 2, "0123456789abcdefABCDEF") != 16)
		return 0;
	uint64_t from = strtoull(a + 2, NULL, 16), to = strtoull(b + 2, NULL, 16);
	return mc_replay_learn_id(r, from, to);
}

/* "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}" (as the codec's printer shows
 * GUIDs) as its 16 wire bytes. */
static bool parse_guid(const char *v, uint8_t out[16])
{
	const char *b = strchr(v, '{');
	struct mapi_guid g;
	if (b == NULL || strlen(b) < MAPI_GUID_TEXT_SIZE + 1 || b[MAPI_GUID_TEXT_SIZE] != '}' ||
	    mapi_guid_parse(b + 1, MAPI_GUID_TEXT_SIZE - 1, &g) < 0)
		return false;
	memcpy(out, g.b, 16);
	return true;
}

/* 1 when both values are GUIDs and the recorded one is, or now becomes,
 * known as the live one (the server's GUIDs: a replayed LongTermId or
 * entry ID carries them). */
static int same_guid(struct mc_replay_state *r, const char *rec, const char *live)
{
	struct mc_replay_guid g;
	if (!parse_guid(rec, g.from) || !parse_guid(live, g.to))
		return 0;
	return mc_replay_learn_guid(r, &g);
}

/* The length of a GUID-like token at p: 32 hex digits, or the 8-4-4-4-12
 * form; 0 when there is none. */
static size_t token_len(const char *p)
{
	size_t n = strspn(p, "0123456789abcdefABCDEF");
	if (n >= 32)
		return n;
	static const size_t parts[] = {8, 4, 4, 4, 12};
	size_t at = 0;
	for (int i = 0; i < 5; i++) {
		if (strspn(p + at, "0123456789abcdefABCDEF") != parts[i])
			return 0;
		at += parts[i];
		if (i < 4 && p[at++] != '-')
			return 0;
	}
	return at;
}

/* true when the two lines differ only in GUID-like tokens inside strings
 * (a user's LegacyDN "cn=<guid>-bob", a mailbox GUID in a URL): the
 * server's identifiers, learned as substitutions recorded -> live. */
static bool same_tokens(TALLOC_CTX *tmp, struct mc_replay_state *r, const char *rec,
                        const char *live)
{
	const char *a = rec, *b = live;
	char *froms[8], *tos[8];
	int n = 0;
	while (*a != '\0' && *b != '\0') {
		bool boundary_a = a == rec || !isxdigit((unsigned char)a[-1]);
		bool boundary_b = b == live || !isxdigit((unsigned char)b[-1]);
		size_t ta = boundary_a ? token_len(a) : 0, tb = boundary_b ? token_len(b) : 0;
		if (ta > 0 && ta == tb) {
			if (strncmp(a, b, ta) != 0) {
				if (n == 8)
					return false;
				froms[n] = talloc_strndup(tmp, a, ta);
				tos[n++] = talloc_strndup(tmp, b, ta);
			}
			a += ta;
			b += tb;
			continue;
		}
		if (*a++ != *b++)
			return false;
	}
	if (*a != '\0' || *b != '\0' || n == 0)
		return false;
	for (int i = 0; i < n; i++)
		mc_replay_learn_sub(r, froms[i], tos[i]);
	return true;
}

static char **split_lines(TALLOC_CTX *mem_ctx, char *text, size_t *n_r)
{
	size_t n = 0, cap = 64;
	char **lines = talloc_array(mem_ctx, char *, cap);
	for (char *save = NULL, *l = strtok_r(text, "\n", &save); lines != NULL && l != NULL;
	     l = strtok_r(NULL, "\n", &save)) {
		if (n == cap && (lines = talloc_realloc(mem_ctx, lines, char *, cap *= 2)) == NULL)
			break;
		lines[n++] = l;
	}
	*n_r = n;
	return lines;
}

static void print_diff(struct mc_replay_state *r, const char *rec, const char *live)
{
	r->differences++;
	if (r->entry_differences++ >= 20)
		return; /* the first 20 of an entry are enough to read */
	if (rec != NULL)
		fprintf(r->out, "  - %s\n", rec);
	if (live != NULL)
		fprintf(r->out, "  + %s\n", live);
}

/* One pair of lines: the same field, and the same value or a volatile
 * one of the same shape. */
static bool lines_match(TALLOC_CTX *tmp, struct mc_replay_state *r, const char *rec,
                        const char *live, bool in_volatile)
{
	const char *rc = strchr(rec, ':'), *lc = strchr(live, ':');
	size_t rk = rc ? (size_t)(rc - rec) : strlen(rec),
	       lk = lc ? (size_t)(lc - live) : strlen(live);
	if (strcmp(rec, live) == 0)
		return true;
	char *srec = substitute(tmp, r, rec);
	if (srec != NULL && strcmp(srec, live) == 0)
		return true;
	char *key = talloc_strndup(tmp, live, lk);
	/* binary values (hex dump lines "0000  xx xx ..."): by shape, as the
	 * server's GUIDs and counters inside entry IDs and keys differ */
	const char *k = key + indent_of(key);
	if (strspn(k, "0123456789abcdef") == 4 && k[4] == ' ' &&
	    indent_of(rec) == indent_of(live)) {
		char *a = shape(tmp, rec), *b = shape(tmp, live);
		return a != NULL && b != NULL && strcmp(a, b) == 0;
	}
	if (rk != lk || strncmp(rec, live, rk) != 0) {
		/* a property line: the same property id, possibly another name */
		return false;
	}
	if (key_in(key, ignored_keys) || same_id(r, rec, live) == 1 ||
	    same_guid(r, rec, live) == 1 || same_tokens(tmp, r, srec ? srec : rec, live))
		return true;
	if (in_volatile || is_volatile(key)) {
		char *a = shape(tmp, srec ? srec : rec), *b = shape(tmp, live);
		return a != NULL && b != NULL && strcmp(a, b) == 0;
	}
	return false;
}

/* Subtrees not compared at all: the server's own auxiliary blocks
 * ([MS-OXCRPC] 3.1.4.1.2: performance and diagnostic data). */
static const char *const opaque_keys[] = {"AuxiliaryBuffer:", NULL};

/* The index after the lines deeper than line i (its subtree). */
static size_t skip_subtree(char **lines, size_t n, size_t i)
{
	int ind = indent_of(lines[i]);
	size_t k = i + 1;
	while (k < n && indent_of(lines[k]) > ind)
		k++;
	return k;
}

void mc_replay_compare(struct mc_replay_state *r, char *rec_text, char *live_text)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	size_t rn, ln, i = 0, j = 0;
	char **rec = split_lines(tmp, rec_text, &rn), **live = split_lines(tmp, live_text, &ln);
	int vol_indent = -1; /* lines deeper than this are under a volatile field */
	for (; rec != NULL && live != NULL && i < rn && j < ln; i++, j++) {
		int ind = indent_of(live[j]);
		if (vol_indent >= 0 && ind <= vol_indent)
			vol_indent = -1;
		bool in_vol = vol_indent >= 0;
		/* an opaque field's own line ("AuxiliaryBuffer: 3 blocks") is not
		 * compared either, only its place */
		if (key_in(live[j], opaque_keys) && key_in(rec[i], opaque_keys)) {
			i = skip_subtree(rec, rn, i) - 1;
			j = skip_subtree(live, ln, j) - 1;
			continue;
		}
		if (!lines_match(tmp, r, rec[i], live[j], in_vol)) {
			print_diff(r, rec[i], live[j]);
			if (indent_of(rec[i]) != ind)
				goto out; /* the structure differs: the rest would not line up */
		}
		if (key_in(live[j], opaque_keys)) {
			i = skip_subtree(rec, rn, i) - 1;
			j = skip_subtree(live, ln, j) - 1;
			continue;
		}
		/* a volatile property (a "label: 0xTTTTTTTT PidTag... Ptyp..."
		 * line): its value lines are compared by shape */
		const char *c = strchr(live[j], ':');
		if (c != NULL && strncmp(c, ": 0x", 4) == 0 &&
		    strspn(c + 4, "0123456789ABCDEF") == 8 && c[12] == ' ') {
			if (vol_indent < 0 && is_volatile(c))
				vol_indent = ind;
		} else if (vol_indent < 0 && is_volatile(live[j])) {
			if (c != NULL && c[1] == '\0')
				vol_indent = ind;
		}
	}
	for (; rec != NULL && i < rn; i++)
		print_diff(r, rec[i], NULL);
	for (; live != NULL && j < ln; j++)
		print_diff(r, NULL, live[j]);
out:
	talloc_free(tmp);
}
