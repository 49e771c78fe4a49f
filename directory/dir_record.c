/*
 * dir_record: user records to bytes and back.
 */
#include <string.h>

#include "dir_record.h"

struct wbuf {
	uint8_t *data;
	size_t len, size;
	bool failed;
};

static void put(struct wbuf *w, const void *p, size_t n)
{
	if (w->failed || w->size - w->len < n) {
		w->failed = true;
		return;
	}
	if (n == 0)
		return;
	memcpy(w->data + w->len, p, n);
	w->len += n;
}

static void put_u16(struct wbuf *w, uint16_t v)
{
	uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};

	put(w, b, 2);
}

static void put_str(struct wbuf *w, const char *s)
{
	size_t n = s == NULL ? 0 : strlen(s);

	if (n > UINT16_MAX) {
		w->failed = true;
		return;
	}
	put_u16(w, (uint16_t)n);
	put(w, s, n);
}

static size_t record_size(const struct dir_record *rec)
{
	size_t n = 1 + 4 + 16 + 1 + 16 + 2;

	n += 2 + strlen(rec->user->address) + 2 + strlen(rec->user->display_name);
	n += 2 + (rec->secrets.pw_hash == NULL ? 0 : strlen(rec->secrets.pw_hash));
	for (unsigned i = 0; i < rec->user->alias_count; i++)
		n += 2 + strlen(rec->user->aliases[i]);
	return n;
}

int dir_record_encode(TALLOC_CTX *mem_ctx, const struct dir_record *rec, uint8_t **data_r,
                      size_t *len_r)
{
	struct wbuf w = {0};
	uint8_t head[5], has_nt = rec->secrets.has_nt_hash ? 1 : 0;
	static const uint8_t zero[16];

	if (rec->user->alias_count > DIR_ALIASES_MAX)
		return -1;
	w.size = record_size(rec);
	w.data = talloc_size(mem_ctx, w.size);
	if (w.data == NULL)
		return -1;
	head[0] = DIR_RECORD_VERSION;
	for (unsigned i = 0; i < 4; i++)
		head[1 + i] = (uint8_t)(rec->user->id >> (8 * i));
	put(&w, head, sizeof(head));
	put(&w, rec->user->mailbox_guid.b, 16);
	put_str(&w, rec->user->address);
	put_str(&w, rec->user->display_name);
	put_str(&w, rec->secrets.pw_hash);
	put(&w, &has_nt, 1);
	put(&w, has_nt ? rec->secrets.nt_hash : zero, 16);
	put_u16(&w, (uint16_t)rec->user->alias_count);
	for (unsigned i = 0; i < rec->user->alias_count; i++)
		put_str(&w, rec->user->aliases[i]);
	if (w.failed || w.len != w.size) {
		talloc_free(w.data);
		return -1;
	}
	*data_r = w.data;
	*len_r = w.len;
	return 0;
}

struct rbuf {
	const uint8_t *data;
	size_t len, ofs;
};

static int get(struct rbuf *r, void *p, size_t n)
{
	if (r->len - r->ofs < n)
		return -1;
	memcpy(p, r->data + r->ofs, n);
	r->ofs += n;
	return 0;
}

static int get_u16(struct rbuf *r, uint16_t *v_r)
{
	uint8_t b[2];

	if (get(r, b, 2) < 0)
		return -1;
	*v_r = (uint16_t)(b[0] | (b[1] << 8));
	return 0;
}

/* A string that holds no NUL; empty becomes NULL when empty_null. */
static int get_str(TALLOC_CTX *mem_ctx, struct rbuf *r, bool empty_null, char **s_r)
{
	uint16_t n;

	if (get_u16(r, &n) < 0 || r->len - r->ofs < n)
		return -1;
	if (memchr(r->data + r->ofs, '\0', n) != NULL)
		return -1;
	if (n == 0 && empty_null) {
		*s_r = NULL;
		return 0;
	}
	*s_r = talloc_strndup(mem_ctx, (const char *)r->data + r->ofs, n);
	if (*s_r == NULL)
		return -1;
	r->ofs += n;
	return 0;
}

static int decode_aliases(struct dir_record *rec, struct rbuf *r)
{
	uint16_t count;

	if (get_u16(r, &count) < 0 || count > DIR_ALIASES_MAX)
		return -1;
	rec->user->aliases = talloc_zero_array(rec->user, char *, count + 1);
	if (rec->user->aliases == NULL)
		return -1;
	for (unsigned i = 0; i < count; i++) {
		if (get_str(rec->user->aliases, r, false, &rec->user->aliases[i]) < 0)
			return -1;
	}
	rec->user->alias_count = count;
	return 0;
}

int dir_record_decode(TALLOC_CTX *mem_ctx, const uint8_t *data, size_t len,
                      struct dir_record **rec_r)
{
	struct rbuf r = {.data = data, .len = len};
	struct dir_record *rec = talloc_zero(mem_ctx, struct dir_record);
	uint8_t head[5], has_nt;
	char *at;

	if (rec == NULL)
		return -1;
	rec->user = talloc_zero(rec, struct dir_user);
	if (rec->user == NULL)
		goto fail;
	if (get(&r, head, sizeof(head)) < 0 || head[0] != DIR_RECORD_VERSION)
		goto fail;
	rec->user->id = (uint32_t)head[1] | ((uint32_t)head[2] << 8) | ((uint32_t)head[3] << 16) |
	                ((uint32_t)head[4] << 24);
	if (get(&r, rec->user->mailbox_guid.b, 16) < 0 ||
	    get_str(rec->user, &r, false, &rec->user->address) < 0 ||
	    get_str(rec->user, &r, false, &rec->user->display_name) < 0 ||
	    get_str(rec, &r, true, &rec->secrets.pw_hash) < 0 || get(&r, &has_nt, 1) < 0 ||
	    has_nt > 1 || get(&r, rec->secrets.nt_hash, 16) < 0 || decode_aliases(rec, &r) < 0)
		goto fail;
	rec->secrets.has_nt_hash = has_nt == 1;
	/* Without an NT hash its bytes are zero: one record, one encoding. */
	if (!rec->secrets.has_nt_hash) {
		for (unsigned i = 0; i < 16; i++) {
			if (rec->secrets.nt_hash[i] != 0)
				goto fail;
		}
	}
	at = strchr(rec->user->address, '@');
	if (r.ofs != r.len || at == NULL)
		goto fail;
	rec->user->domain = talloc_strdup(rec->user, at + 1);
	if (rec->user->domain == NULL)
		goto fail;
	*rec_r = rec;
	return 0;
fail:
	talloc_free(rec);
	return -1;
}
