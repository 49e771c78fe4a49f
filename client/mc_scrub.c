/*
 * mc_scrub: credentials out, names and addresses pseudonymised.
 */
#include "mc_scrub.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "mc_autodiscover.h"
#include "mc_frame.h"
#include "mc_http.h"
#include "mh_emsmdb.h"
#include "mh_nspi.h"
#include "rop_print.h"
#include "rpc_ext.h"

struct token {
	char *from, *to;
};

struct scrub {
	TALLOC_CTX *mem_ctx;
	struct token *tokens;
	size_t count;
	struct mc_scrub_result *res;
	TALLOC_CTX *keep;                   /* where rewritten bodies live: the archive */
	struct mapi_proptag_array *columns; /* of the last RopSetColumns */
};

/* A pseudonym of the same length: letters stay letters of the same case,
 * digits digits, hex strings hex, the rest as it is; a function of the
 * token's lowercase form so "Alice" and "alice" stay related. */
static char *pseudonym(TALLOC_CTX *mem_ctx, const char *t)
{
	size_t n = strlen(t);
	bool hex = strspn(t, "0123456789abcdefABCDEF-") == n;
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)tolower((unsigned char)t[i])) * 16777619u;
	char *p = talloc_strdup(mem_ctx, t);
	for (size_t i = 0; p != NULL && i < n; i++) {
		h = h * 1103515245u + 12345u;
		unsigned v = (h >> 16) & 0x7FFF;
		if (hex && isxdigit((unsigned char)t[i]))
			p[i] = "0123456789abcdef"[v % 16];
		else if (islower((unsigned char)t[i]))
			p[i] = (char)('a' + v % 26);
		else if (isupper((unsigned char)t[i]))
			p[i] = (char)('A' + v % 26);
		else if (isdigit((unsigned char)t[i]))
			p[i] = (char)('0' + v % 10);
	}
	if (p != NULL && strcmp(p, t) == 0)
		p[0] = p[0] == 'z' ? 'y' : (p[0] == '9' ? '8' : (p[0] == 'f' ? 'e' : 'z'));
	return p;
}

static void add_token(struct scrub *sc, const char *t, size_t n)
{
	if (n < 3)
		return; /* "x", "jo": too common to replace inside binary bodies */
	char *tok = talloc_strndup(sc->mem_ctx, t, n);
	for (size_t i = 0; tok != NULL && i < sc->count; i++) {
		if (strcmp(sc->tokens[i].from, tok) == 0)
			return;
	}
	struct token *a = talloc_realloc(sc->mem_ctx, sc->tokens, struct token, sc->count + 1);
	if (tok == NULL || a == NULL)
		return;
	/* longest first: a DN's cn before the name inside it */
	size_t at = sc->count;
	while (at > 0 && strlen(a[at - 1].from) < n) {
		a[at] = a[at - 1];
		at--;
	}
	a[at].from = tok;
	a[at].to = pseudonym(sc->mem_ctx, tok);
	sc->tokens = a;
	sc->count++;
}

/* The tokens of a name, an address or a DN. */
static void add_value(struct scrub *sc, const char *v)
{
	if (v == NULL)
		return;
	if (strncasecmp(v, "smtp:", 5) == 0)
		v += 5;
	const char *cn = strcasestr(v, "/cn=");
	if (v[0] == '/' && cn != NULL) {
		const char *last = cn;
		while ((cn = strcasestr(last + 4, "/cn=")) != NULL)
			last = cn;
		v = last + 4; /* the DN's own name: "<guid>-alice" */
	}
	const char *at = strchr(v, '@');
	if (at != NULL)
		add_token(sc, at + 1, strcspn(at + 1, " \"'<>/?&"));
	for (const char *p = v; *p != '\0';) {
		size_t n = strcspn(p, " .-_+@,;:()\"'<>/?&=");
		add_token(sc, p, n);
		p += n;
		if (*p != '\0')
			p++;
	}
}

/* The string values of the personal properties in a printed answer. */
static const char *const nspi_tags[] = {"PidTagDisplayName ",
                                        "PidTagSmtpAddress ",
                                        "PidTagEmailAddress ",
                                        "PidTagAccount ",
                                        "PidTagAddressBookProxyAddresses ",
                                        "PidTagTransmittableDisplayName ",
                                        "PidTagSurname ",
                                        "PidTagGivenName ",
                                        "DisplayName: ",
                                        "UserDn: ",
                                        NULL};

/* In mailbox answers: the people of a message (not PidTagDisplayName,
 * which there names folders). */
static const char *const message_tags[] = {
    "PidTagSenderName ", "PidTagSentRepresentingName ", "PidTagDisplayTo ", "PidTagDisplayCc ",
    "PidTagDisplayBcc ", "PidTagReceivedByName ", "PidTagReceivedRepresentingName ",
    "PidTagSenderEmailAddress ", "PidTagSentRepresentingEmailAddress ",
    "PidTagReceivedByEmailAddress ", "PidTagSenderSmtpAddress ",
    "PidTagSentRepresentingSmtpAddress ", "PidTagOriginalDisplayTo ", "PidTagLastModifierName ",
    "PidTagCreatorName ", "PidTagMailboxOwnerName ", "DisplayName: ", "UserDn: ",
    /* RecipientRows, [MS-OXCDATA] 2.8.3.2
     * (DisplayName: covers the Simple and
     * Transmittable ones) */
    "EmailAddress: ", "X500DN: ", NULL};

static void add_printed(struct scrub *sc, const char *text, const char *const *tags)
{
	bool take = false;
	for (const char *l = text; l != NULL && *l != '\0';) {
		const char *e = strchr(l, '\n');
		size_t len = e ? (size_t)(e - l) : strlen(l);
		char *line = talloc_strndup(sc->mem_ctx, l, len);
		const char *q = line ? strchr(line, '"') : NULL;
		bool tagged = false;
		for (size_t i = 0; line != NULL && tags[i] != NULL; i++)
			tagged = tagged || strstr(line, tags[i]) != NULL;
		if (q != NULL && (take || tagged)) {
			char *end = strrchr(q + 1, '"');
			if (end != NULL) {
				*end = '\0';
				add_value(sc, q + 1);
			}
		}
		take = tagged || (take && q != NULL && strstr(line, "[") != NULL);
		talloc_free(line);
		l = e ? e + 1 : NULL;
	}
}

/* ---- what to replace ---- */

static void collect_url(struct scrub *sc, const char *url)
{
	const char *m = strstr(url, "MailboxId=");
	if (m != NULL) {
		char *v = talloc_strndup(sc->mem_ctx, m + 10, strcspn(m + 10, "&"));
		add_value(sc, v);
	}
	const char *j = strstr(url, "/autodiscover.json/v1.0/");
	if (j != NULL) {
		char *v = talloc_strndup(sc->mem_ctx, j + 24, strcspn(j + 24, "?&/"));
		add_value(sc, v);
	}
}

/* The body of a MAPI/HTTP answer after DONE and its headers, or NULL. */
static uint8_t *answer_body(TALLOC_CTX *mem_ctx, const struct mc_har_entry *e, size_t *len_r)
{
	struct mc_frame f;
	mc_frame_init(&f, mem_ctx, MC_HTTP_MAX_BODY);
	if (mc_frame_feed(&f, e->resp_body, e->resp_body_len) != 0 || mc_frame_finish(&f) != 0)
		return NULL;
	*len_r = f.body_len;
	return f.body;
}

static void collect_mapi(struct scrub *sc, const struct mc_har_entry *e, const char *type)
{
	TALLOC_CTX *tmp = talloc_new(sc->mem_ctx);
	struct rop_printer pr;
	enum nspi_request_type nt;
	size_t alen = 0;
	uint8_t *a = answer_body(tmp, e, &alen);
	rop_printer_init(&pr, tmp);
	if (strcmp(type, "Connect") == 0) {
		rop_print_mh_body(&pr, ROP_BODY_CONNECT, ROP_PRINT_REQUEST, e->req_body,
		                  e->req_body_len, NULL);
		if (a != NULL)
			rop_print_mh_body(&pr, ROP_BODY_CONNECT, ROP_PRINT_RESPONSE, a, alen, NULL);
	} else if (nspi_request_lookup(type, &nt) == 1 && nt != NSPI_GET_SPECIAL_TABLE) {
		/* (GetSpecialTable lists the address book containers, not people) */
		rop_print_nspi_body(&pr, nt, ROP_PRINT_REQUEST, e->req_body, e->req_body_len);
		if (a != NULL)
			rop_print_nspi_body(&pr, nt, ROP_PRINT_RESPONSE, a, alen);
	}
	if (pr.text != NULL)
		add_printed(sc, pr.text, nspi_tags);
	talloc_free(tmp);
}

/* The columns an Execute's answers are read in: its RopSetColumns (kept
 * for later Executes), else its RopGetPropertiesSpecific tags. */
static const struct mapi_proptag_array *execute_columns(TALLOC_CTX *mem_ctx, struct scrub *sc,
                                                        const struct mc_har_entry *e)
{
	struct mh_execute_req req;
	struct rpc_ext_chain chain;
	struct rop_buffer buf;
	struct rop_pull p;
	uint8_t *payload;
	size_t plen;
	const struct mapi_proptag_array *gps = NULL;
	if (mh_execute_req_pull(mem_ctx, e->req_body, e->req_body_len, &req) != ROP_OK ||
	    rpc_ext_decode(mem_ctx, req.rop_buffer.data, req.rop_buffer.len, 4u * 0x10008u,
	                   &chain) != ROP_OK ||
	    rpc_ext_join(mem_ctx, &chain, &payload, &plen) != ROP_OK ||
	    rop_buffer_split(mem_ctx, payload, plen, &buf) != ROP_OK)
		return sc->columns;
	rop_pull_init(&p, mem_ctx, buf.rops, buf.rops_len);
	while (rop_pull_left(&p) > 0) {
		struct rop_request *q = talloc_zero(mem_ctx, struct rop_request);
		if (q == NULL || rop_pull_request(&p, q) != ROP_OK)
			break;
		if (q->rop_id == ROP_ID_SetColumns) {
			sc->columns = talloc_zero(sc->mem_ctx, struct mapi_proptag_array);
			uint32_t n = q->u.set_columns.tags.count;
			if (sc->columns != NULL && (sc->columns->tags = talloc_zero_array(
			                                sc->columns, uint32_t, n + 1)) != NULL) {
				sc->columns->count = n;
				if (n > 0)
					memcpy(sc->columns->tags, q->u.set_columns.tags.tags,
					       4 * (size_t)n);
			}
		} else if (q->rop_id == ROP_ID_GetPropertiesSpecific) {
			gps = &q->u.get_properties_specific.tags;
		}
	}
	return gps != NULL ? gps : sc->columns;
}

static void collect_execute(struct scrub *sc, const struct mc_har_entry *e)
{
	TALLOC_CTX *tmp = talloc_new(sc->mem_ctx);
	struct rop_printer pr;
	size_t alen = 0;
	uint8_t *a = answer_body(tmp, e, &alen);
	struct rop_decode_ctx ctx = {.columns = execute_columns(tmp, sc, e)};
	rop_printer_init(&pr, tmp);
	/* the request too: the people a client writes (RopModifyRecipients'
	 * RecipientRows, RopSetProperties) may be in no answer */
	rop_print_mh_body(&pr, ROP_BODY_EXECUTE, ROP_PRINT_REQUEST, e->req_body, e->req_body_len,
	                  &ctx);
	if (a != NULL)
		rop_print_mh_body(&pr, ROP_BODY_EXECUTE, ROP_PRINT_RESPONSE, a, alen, &ctx);
	if (pr.text != NULL)
		add_printed(sc, pr.text, message_tags);
	talloc_free(tmp);
}

static void collect(struct scrub *sc, const struct mc_har *har)
{
	for (size_t i = 0; i < har->count; i++) {
		const struct mc_har_entry *e = &har->entries[i];
		const char *type =
		    mc_har_header(e->req_headers, e->req_header_count, "X-RequestType");
		collect_url(sc, e->url);
		add_value(sc,
		          mc_har_header(e->req_headers, e->req_header_count, "X-AnchorMailbox"));
		if (type != NULL && strcmp(type, "Execute") == 0) {
			collect_execute(sc, e);
		} else if (type != NULL) {
			collect_mapi(sc, e, type);
		} else if (strstr(e->url, ".xml") != NULL) {
			/* [MS-OXDSCLI] 2.2.3: the request's EMailAddress, the
			 * answer's User */
			struct mc_discovery d;
			char *redirect = NULL;
			const char *m = strstr((const char *)e->req_body, "<EMailAddress>");
			if (m != NULL)
				add_value(
				    sc, talloc_strndup(sc->mem_ctx, m + 14, strcspn(m + 14, "<")));
			memset(&d, 0, sizeof(d));
			if (mc_autodiscover_parse(sc->mem_ctx, e->resp_body, e->resp_body_len, &d,
			                          &redirect) == POX_SETTINGS) {
				add_value(sc, d.display_name);
				add_value(sc, d.legacy_dn);
				add_value(sc, d.smtp_address);
			}
		}
	}
}

/* ---- replacing ---- */

static void replace_bytes(struct scrub *sc, uint8_t *data, size_t len, const uint8_t *from,
                          const uint8_t *to, size_t n)
{
	for (size_t i = 0; len >= n && i <= len - n; i++) {
		if (memcmp(data + i, from, n) == 0) {
			memcpy(data + i, to, n);
			sc->res->replaced++;
			i += n - 1;
		}
	}
}

/* Every token, 8-bit and UTF-16LE, in a binary buffer. */
static void scrub_bytes(struct scrub *sc, uint8_t *data, size_t len)
{
	for (size_t k = 0; k < sc->count; k++) {
		const char *from = sc->tokens[k].from, *to = sc->tokens[k].to;
		size_t n = strlen(from);
		uint8_t f16[512], t16[512];
		replace_bytes(sc, data, len, (const uint8_t *)from, (const uint8_t *)to, n);
		if (2 * n > sizeof(f16))
			continue;
		for (size_t i = 0; i < n; i++) {
			f16[2 * i] = (uint8_t)from[i];
			f16[2 * i + 1] = 0;
			t16[2 * i] = (uint8_t)to[i];
			t16[2 * i + 1] = 0;
		}
		replace_bytes(sc, data, len, f16, t16, 2 * n);
	}
}

static void scrub_str(struct scrub *sc, char *s)
{
	if (s != NULL)
		scrub_bytes(sc, (uint8_t *)s, strlen(s));
}

/* An Execute ROP buffer chain: decompressed and de-obfuscated, scrubbed,
 * written back as plain blocks ([MS-OXCRPC] 3.1.4.1.1.1: a block need not
 * be compressed).  NULL when it does not decode. */
static uint8_t *scrub_chain(TALLOC_CTX *mem_ctx, struct scrub *sc, struct mh_blob *b)
{
	struct rpc_ext_chain chain;
	struct rop_push p;
	uint8_t *payload;
	size_t plen;
	if (rpc_ext_decode(mem_ctx, b->data, b->len, 4u * 0x10008u, &chain) != ROP_OK ||
	    rpc_ext_join(mem_ctx, &chain, &payload, &plen) != ROP_OK)
		return NULL;
	scrub_bytes(sc, payload, plen);
	rop_push_init_growable(&p, mem_ctx);
	if (rpc_ext_encode(&p, payload, plen, RPC_EXT_ENCODE_LAST) != ROP_OK)
		return NULL;
	b->data = p.data;
	b->len = (uint32_t)p.ofs;
	return p.data;
}

static bool scrub_execute_req(struct scrub *sc, struct mc_har_entry *e)
{
	TALLOC_CTX *tmp = talloc_new(sc->mem_ctx);
	struct mh_execute_req req;
	struct rop_push p;
	bool ok = false;
	rop_push_init_growable(&p, sc->keep);
	if (mh_execute_req_pull(tmp, e->req_body, e->req_body_len, &req) == ROP_OK &&
	    scrub_chain(tmp, sc, &req.rop_buffer) != NULL &&
	    mh_execute_req_push(&p, &req) == ROP_OK) {
		e->req_body = p.data;
		e->req_body_len = p.ofs;
		ok = true;
	}
	talloc_free(tmp);
	return ok;
}

static bool scrub_execute_resp(struct scrub *sc, struct mc_har_entry *e)
{
	TALLOC_CTX *tmp = talloc_new(sc->mem_ctx);
	struct mh_execute_resp resp;
	struct rop_push p;
	size_t blen;
	bool ok = false;
	uint8_t *body = answer_body(tmp, e, &blen);
	if (body == NULL || blen > e->resp_body_len)
		goto out;
	size_t head = e->resp_body_len - blen; /* the framing before the body */
	rop_push_init_growable(&p, sc->keep);
	if (mh_execute_resp_pull(tmp, body, blen, &resp) == ROP_OK &&
	    (resp.rop_buffer.len == 0 || scrub_chain(tmp, sc, &resp.rop_buffer) != NULL) &&
	    rop_push_bytes(&p, e->resp_body, head) == ROP_OK &&
	    mh_execute_resp_push(&p, &resp) == ROP_OK) {
		e->resp_body = p.data;
		e->resp_body_len = p.ofs;
		ok = true;
	}
out:
	talloc_free(tmp);
	return ok;
}

static void scrub_headers(struct scrub *sc, struct mc_har_header *h, size_t *count)
{
	size_t k = 0;
	for (size_t i = 0; i < *count; i++) {
		if (strcasecmp(h[i].name, "Authorization") == 0 ||
		    strcasecmp(h[i].name, "Cookie") == 0 ||
		    strcasecmp(h[i].name, "Set-Cookie") == 0) {
			sc->res->headers_removed++;
			continue;
		}
		scrub_str(sc, h[i].value);
		h[k++] = h[i];
	}
	*count = k;
}

int mc_scrub(struct mc_har *har, struct mc_scrub_result *res_r)
{
	struct scrub sc = {.mem_ctx = talloc_new(har), .res = res_r, .keep = har};
	memset(res_r, 0, sizeof(*res_r));
	if (sc.mem_ctx == NULL)
		return -1;
	collect(&sc, har);
	res_r->tokens = (unsigned)sc.count;
	for (size_t i = 0; i < har->count; i++) {
		struct mc_har_entry *e = &har->entries[i];
		const char *type =
		    mc_har_header(e->req_headers, e->req_header_count, "X-RequestType");
		bool execute = type != NULL && strcmp(type, "Execute") == 0;
		if (!execute || !scrub_execute_req(&sc, e))
			scrub_bytes(&sc, e->req_body, e->req_body_len);
		if (!execute || !scrub_execute_resp(&sc, e))
			scrub_bytes(&sc, e->resp_body, e->resp_body_len);
		scrub_headers(&sc, e->req_headers, &e->req_header_count);
		scrub_headers(&sc, e->resp_headers, &e->resp_header_count);
		scrub_str(&sc, e->url);
		scrub_str(&sc, e->comment);
	}
	scrub_str(&sc, har->comment);
	/* the pseudonyms stay in memory only as long as this call */
	talloc_free(sc.mem_ctx);
	return 0;
}
