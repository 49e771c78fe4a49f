/* auth_http: Authorization header values <-> NTLM and Negotiate tokens. */
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "auth_http.h"
#include "directory.h"
#include "negotiate.h"

struct auth_http {
	struct auth_domain_map *map;
	struct ntlm_server_config ntlm; /* lookup set: NTLM offered */
	struct negotiate_acceptor *acceptor;
	struct directory *dir;
};

struct auth_http_conn {
	struct auth_http *ah;
	struct ntlm_server *ntlm;
	struct negotiate_server *negotiate;
	char *address;
};

/* The default NT-hash lookup: map the NTLM names to an address, then ask
 * the directory. */
static int directory_lookup(void *ctx, TALLOC_CTX *mem_ctx, const char *user, const char *domain,
                            char **address_r, uint8_t nt_hash_r[16])
{
	struct auth_http *ah = ctx;
	const char *error;
	int ret = auth_map_ntlm_user(ah->map, mem_ctx, user, domain, address_r);

	if (ret <= 0)
		return ret;
	return directory_get_nt_hash(ah->dir, *address_r, nt_hash_r, &error);
}

int auth_http_new(TALLOC_CTX *mem_ctx, const struct auth_http_config *cfg, struct auth_http **ah_r,
                  const char **error_r)
{
	struct auth_http *ah = talloc_zero(mem_ctx, struct auth_http);

	if (ah == NULL || (ah->map = auth_domain_map_new(ah, cfg->default_domain)) == NULL)
		goto oom;
	if (cfg->domain_map != NULL && auth_domain_map_parse(ah->map, cfg->domain_map, error_r) < 0)
		goto fail;
	ah->dir = cfg->dir;
	if (cfg->ntlm) {
		ah->ntlm = (struct ntlm_server_config){
		    .nb_domain = talloc_strdup(ah, cfg->nb_domain ? cfg->nb_domain : ""),
		    .nb_computer = talloc_strdup(ah, cfg->nb_computer ? cfg->nb_computer : ""),
		    .dns_domain = talloc_strdup(ah, cfg->dns_domain ? cfg->dns_domain : ""),
		    .dns_computer = talloc_strdup(ah, cfg->dns_computer ? cfg->dns_computer : ""),
		    .allow_ntlmv1 = cfg->allow_ntlmv1,
		    .lookup = cfg->lookup != NULL ? cfg->lookup : directory_lookup,
		    .lookup_ctx = cfg->lookup != NULL ? cfg->lookup_ctx : ah,
		};
		if (cfg->lookup == NULL && cfg->dir == NULL) {
			*error_r = "NTLM needs a directory for NT hashes";
			goto fail;
		}
	}
	if (cfg->keytab != NULL) {
		struct negotiate_config ncfg = {cfg->keytab, cfg->service, ah->map,
		                                cfg->ntlm ? &ah->ntlm : NULL};

		if (negotiate_acceptor_new(ah, &ncfg, &ah->acceptor, error_r) < 0) {
			*error_r = talloc_strdup(mem_ctx, *error_r);
			goto fail;
		}
	}
	*ah_r = ah;
	return 0;
oom:
	*error_r = "out of memory";
fail:
	talloc_free(ah);
	return -1;
}

bool auth_http_offers_ntlm(const struct auth_http *ah)
{
	return ah->ntlm.lookup != NULL;
}

bool auth_http_offers_negotiate(const struct auth_http *ah)
{
	return ah->acceptor != NULL;
}

struct auth_http_conn *auth_http_conn_new(TALLOC_CTX *mem_ctx, struct auth_http *ah)
{
	struct auth_http_conn *c = talloc_zero(mem_ctx, struct auth_http_conn);

	if (c != NULL)
		c->ah = ah;
	return c;
}

const char *auth_http_conn_address(const struct auth_http_conn *conn)
{
	return conn->address;
}

/* "Scheme" SP+ token68 ([RFC 9110] 11.4); returns the token68 or NULL. */
static const char *scheme_token(const char *header, const char *scheme)
{
	size_t n = strlen(scheme);

	if (strncasecmp(header, scheme, n) != 0 || header[n] != ' ')
		return NULL;
	header += n;
	while (*header == ' ')
		header++;
	return header;
}

bool auth_http_handles(const struct auth_http *ah, const char *header)
{
	return (auth_http_offers_ntlm(ah) && scheme_token(header, "NTLM") != NULL) ||
	       (auth_http_offers_negotiate(ah) && scheme_token(header, "Negotiate") != NULL);
}

static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* Strict base64 ([RFC 4648] 4) with padding; trailing spaces allowed.
 * Returns 0 with the bytes on mem_ctx, or -1. */
static int b64_decode(TALLOC_CTX *mem_ctx, const char *in, uint8_t **out_r, size_t *len_r)
{
	size_t len = strlen(in), o = 0;
	uint8_t *out;

	while (len > 0 && in[len - 1] == ' ')
		len--;
	if (len == 0 || len % 4 != 0 || (out = talloc_array(mem_ctx, uint8_t, len / 4 * 3)) == NULL)
		return -1;
	for (size_t i = 0; i < len; i += 4) {
		int v[4], pad = 0;

		for (int j = 0; j < 4; j++) {
			unsigned char c = (unsigned char)in[i + (size_t)j];

			if (c == '=' && len - i == 4 && j >= 2 && (j == 3 || in[i + 3] == '=')) {
				v[j] = 0;
				pad++;
			} else if (pad > 0 || (v[j] = b64_value(c)) < 0) {
				talloc_free(out);
				return -1;
			}
		}
		out[o++] = (uint8_t)(v[0] << 2 | v[1] >> 4);
		if (pad < 2)
			out[o++] = (uint8_t)((v[1] & 0xf) << 4 | v[2] >> 2);
		if (pad < 1)
			out[o++] = (uint8_t)((v[2] & 0x3) << 6 | v[3]);
	}
	*out_r = out;
	*len_r = o;
	return 0;
}

static char *b64_header(TALLOC_CTX *mem_ctx, const char *scheme, const uint8_t *tok, size_t len)
{
	size_t slen = strlen(scheme);
	char *out = talloc_array(mem_ctx, char, slen + 1 + (len + 2) / 3 * 4 + 1);

	if (out == NULL || len > INT32_MAX / 2)
		return NULL;
	memcpy(out, scheme, slen);
	out[slen] = ' ';
	EVP_EncodeBlock((unsigned char *)out + slen + 1, tok, (int)len);
	return out;
}

static enum auth_http_result step_ntlm(struct auth_http_conn *c, TALLOC_CTX *mem_ctx,
                                       const uint8_t *tok, size_t len, char **www_r,
                                       const char **user_r, const char **reason_r)
{
	uint8_t *out;
	size_t out_len;
	enum ntlm_error err;
	int ret;

	if (c->ntlm == NULL && (c->ntlm = ntlm_server_new(c, &c->ah->ntlm)) == NULL)
		return AUTH_HTTP_INTERNAL;
	ret = ntlm_server_step(c->ntlm, mem_ctx, tok, len, &out, &out_len, &err);
	*user_r = ntlm_server_last_user(c->ntlm);
	if (ret == 1) {
		*www_r = b64_header(mem_ctx, "NTLM", out, out_len);
		return *www_r != NULL ? AUTH_HTTP_CONTINUE : AUTH_HTTP_INTERNAL;
	}
	if (ret == 0) {
		c->address = talloc_strdup(c, ntlm_server_identity(c->ntlm)->address);
		return c->address != NULL ? AUTH_HTTP_OK : AUTH_HTTP_INTERNAL;
	}
	*reason_r = ntlm_strerror(err);
	return err == NTLM_E_MALFORMED  ? AUTH_HTTP_MALFORMED
	       : err == NTLM_E_INTERNAL ? AUTH_HTTP_INTERNAL
	                                : AUTH_HTTP_FAILED;
}

static enum auth_http_result step_negotiate(struct auth_http_conn *c, TALLOC_CTX *mem_ctx,
                                            const uint8_t *tok, size_t len, char **www_r,
                                            const char **user_r, const char **reason_r)
{
	uint8_t *out;
	size_t out_len;
	enum negotiate_error err;
	const char *detail;
	int ret;

	if (c->negotiate == NULL &&
	    (c->negotiate = negotiate_server_new(c, c->ah->acceptor)) == NULL)
		return AUTH_HTTP_INTERNAL;
	ret = negotiate_server_step(c->negotiate, mem_ctx, tok, len, &out, &out_len, &err, &detail);
	*user_r = negotiate_server_last_user(c->negotiate);
	if (out_len > 0 && (*www_r = b64_header(mem_ctx, "Negotiate", out, out_len)) == NULL)
		return AUTH_HTTP_INTERNAL;
	if (ret == 1)
		return AUTH_HTTP_CONTINUE;
	if (ret == 0) {
		c->address = talloc_strdup(c, negotiate_server_identity(c->negotiate)->address);
		return c->address != NULL ? AUTH_HTTP_OK : AUTH_HTTP_INTERNAL;
	}
	*reason_r = talloc_asprintf(mem_ctx, "%s%s%s", negotiate_strerror(err),
	                            detail[0] != '\0' ? ": " : "", detail);
	return err == NEGOTIATE_E_MALFORMED  ? AUTH_HTTP_MALFORMED
	       : err == NEGOTIATE_E_INTERNAL ? AUTH_HTTP_INTERNAL
	                                     : AUTH_HTTP_FAILED;
}

char *auth_http_claimed_address(const struct auth_http *ah, TALLOC_CTX *mem_ctx,
                                const char *claimed)
{
	const char *slash = claimed != NULL ? strchr(claimed, '\\') : NULL;
	char *address = NULL, *domain;
	int r;

	if (claimed == NULL)
		return NULL;
	if (slash == NULL) {
		r = auth_map_principal(ah->map, mem_ctx, claimed, &address);
	} else {
		domain = talloc_strndup(mem_ctx, claimed, (size_t)(slash - claimed));
		r = domain != NULL ? auth_map_ntlm_user(ah->map, mem_ctx, slash + 1,
		                                        domain[0] != '\0' ? domain : NULL, &address)
		                   : -1;
		talloc_free(domain);
	}
	return r == 1 ? address : NULL;
}

enum auth_http_result auth_http_step(struct auth_http_conn *conn, TALLOC_CTX *mem_ctx,
                                     const char *header, char **www_r, char **address_r,
                                     const char **user_r, const char **reason_r)
{
	const char *b64;
	uint8_t *tok = NULL;
	size_t len;
	bool ntlm;
	enum auth_http_result res;

	*www_r = NULL;
	*address_r = NULL;
	*user_r = NULL;
	*reason_r = "";
	/* A new handshake replaces whatever the connection had. */
	TALLOC_FREE(conn->address);
	if (strlen(header) > AUTH_HTTP_HEADER_MAX) {
		*reason_r = "Authorization header too long";
		return AUTH_HTTP_MALFORMED;
	}
	if (auth_http_offers_ntlm(conn->ah) && (b64 = scheme_token(header, "NTLM")) != NULL) {
		ntlm = true;
	} else if (auth_http_offers_negotiate(conn->ah) &&
	           (b64 = scheme_token(header, "Negotiate")) != NULL) {
		ntlm = false;
	} else {
		*reason_r = "scheme not offered";
		return AUTH_HTTP_FAILED;
	}
	if (b64_decode(mem_ctx, b64, &tok, &len) < 0) {
		*reason_r = "bad base64";
		return AUTH_HTTP_MALFORMED;
	}
	res = ntlm ? step_ntlm(conn, mem_ctx, tok, len, www_r, user_r, reason_r)
	           : step_negotiate(conn, mem_ctx, tok, len, www_r, user_r, reason_r);
	if (res == AUTH_HTTP_OK)
		*address_r = talloc_strdup(mem_ctx, conn->address);
	OPENSSL_cleanse(tok, len);
	talloc_free(tok);
	return res;
}
