#include "mapihttp_auth.h"

#include <ctype.h>
#include <string.h>

#include "auth_http.h"

/* The NetBIOS form of a DNS label: upper-case, at most 15 characters
 * ([MS-NLMP] 2.2.2.1 names; NetBIOS names are 15 characters plus a type). */
static char *netbios_name(TALLOC_CTX *mem_ctx, const char *dns, size_t len)
{
	char *name;

	if (len > 15)
		len = 15;
	name = talloc_strndup(mem_ctx, dns, len);
	for (char *p = name; p != NULL && *p != '\0'; p++)
		*p = (char)toupper((unsigned char)*p);
	return name;
}

int mapihttp_auth_setup(TALLOC_CTX *mem_ctx, const struct http_config *cfg, struct directory *dir,
                        struct http_auth *auth, const char **error_r)
{
	bool ntlm = http_config_offers(cfg, HTTP_AUTH_SCHEME_NTLM);
	bool negotiate = http_config_offers(cfg, HTTP_AUTH_SCHEME_NEGOTIATE);
	const char *host = cfg->hostname, *dot = strchr(host, '.');
	const char *dns_domain = dot != NULL ? dot + 1 : host;
	const char *label_end = strchr(dns_domain, '.');
	struct auth_http *ah;

	if (!ntlm && !negotiate)
		return 0;
	struct auth_http_config acfg = {
	    .nb_domain = cfg->auth_netbios_domain != NULL
	                     ? cfg->auth_netbios_domain
	                     : netbios_name(mem_ctx, dns_domain,
	                                    label_end != NULL ? (size_t)(label_end - dns_domain)
	                                                      : strlen(dns_domain)),
	    .nb_computer =
	        netbios_name(mem_ctx, host, dot != NULL ? (size_t)(dot - host) : strlen(host)),
	    .dns_domain = dns_domain,
	    .dns_computer = host,
	    /* NTLM inside SPNEGO needs the NTLM server too. */
	    .ntlm = ntlm || negotiate,
	    .allow_ntlmv1 = cfg->auth_allow_ntlmv1,
	    .keytab = negotiate ? cfg->auth_keytab : NULL,
	    .service = cfg->auth_service,
	    .domain_map = cfg->auth_domain_map,
	    .default_domain = cfg->auth_default_domain,
	    .dir = dir,
	};
	if (acfg.nb_domain == NULL || acfg.nb_computer == NULL) {
		*error_r = "out of memory";
		return -1;
	}
	if (auth_http_new(mem_ctx, &acfg, &ah, error_r) < 0)
		return -1;
	http_auth_set_conn_schemes(auth, ah);
	return 0;
}
