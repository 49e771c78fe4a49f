/* Fuzzes auth_http_step(): any bytes as an Authorization header value on a
 * connection that first got the NTLM challenge of a fixed NEGOTIATE, so
 * the base64 decoder and both NTLM legs see hostile input.  (Negotiate
 * needs a keytab and is left to the KDC tests.) */
#include <stdlib.h>
#include <string.h>

#include "auth_http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int lookup(void *ctx, TALLOC_CTX *mem_ctx, const char *user, const char *domain,
                  char **address_r, uint8_t nt_hash_r[16])
{
	*address_r = talloc_strdup(mem_ctx, "user@example.com");
	memset(nt_hash_r, 0x11, 16);
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct auth_http_config cfg = {.nb_domain = "EXAMPLE",
	                               .nb_computer = "MAIL",
	                               .dns_domain = "example.com",
	                               .dns_computer = "mail.example.com",
	                               .ntlm = true,
	                               .lookup = lookup};
	struct auth_http *ah;
	struct auth_http_conn *conn;
	char *header = malloc(size + 1), *www, *address;
	const char *error, *user, *reason;
	enum auth_http_result res;

	if (auth_http_new(tmp, &cfg, &ah, &error) < 0 ||
	    (conn = auth_http_conn_new(tmp, ah)) == NULL)
		abort();
	if (auth_http_step(conn, tmp, "NTLM TlRMTVNTUAABAAAANYIIYgAAAAAAAAAAAAAAAAAAAAA=", &www,
	                   &address, &user, &reason) != AUTH_HTTP_CONTINUE)
		abort();
	memcpy(header, data, size);
	header[size] = '\0';
	res = auth_http_step(conn, tmp, header, &www, &address, &user, &reason);
	if ((res == AUTH_HTTP_OK) != (address != NULL) ||
	    (res == AUTH_HTTP_CONTINUE && www == NULL) || reason == NULL)
		abort();
	free(header);
	talloc_free(tmp);
	return 0;
}
