/* Tests of auth/auth_name: NTLM names and Kerberos principals -> addresses. */
#include "auth_name.h"
#include "test.h"

static void test_ntlm_names(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct auth_domain_map *map = auth_domain_map_new(tmp, "Example.com");
	const char *error;
	char *a;
	static const struct {
		const char *user, *domain, *want; /* want NULL: not mappable */
	} cases[] = {
	    {"alice", "EXAMPLE", "alice@example.com"},
	    {"Alice", "example", "alice@example.com"},
	    {"alice", "OTHER", "alice@other.org"},
	    {"alice", "", "alice@example.com"},
	    {"alice", "corp.example.net", "alice@corp.example.net"},
	    {"alice", "UNKNOWN", NULL},
	    {"EXAMPLE\\alice", "", "alice@example.com"},
	    {"alice@Example.com", "", "alice@example.com"},
	    {"alice@EXAMPLE.LOCAL", "IGNORED", "alice@example.com"},
	    {"alice@NOTMAPPED", "", NULL},
	    {"", "EXAMPLE", NULL},
	    {"a/b", "EXAMPLE", NULL},
	    {"a\nb", "EXAMPLE", NULL},
	};

	test_begin("domain map parses name=maildomain lists");
	test_assert(auth_domain_map_parse(map,
	                                  "EXAMPLE=example.com, OTHER=other.org "
	                                  "EXAMPLE.LOCAL=example.com",
	                                  &error) == 0);
	test_assert(auth_domain_map_parse(map, "novalue", &error) == -1);
	test_assert(auth_domain_map_parse(map, "=x", &error) == -1);
	test_assert(auth_domain_map_parse(map, "x=", &error) == -1);
	test_end();

	test_begin("NTLM user/domain -> address");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int ret = auth_map_ntlm_user(map, tmp, cases[i].user, cases[i].domain, &a);

		if (cases[i].want == NULL) {
			test_assert_int(ret, 0);
		} else {
			test_assert_int(ret, 1);
			test_assert_str(a, cases[i].want);
		}
	}
	test_end();
	talloc_free(tmp);
}

static void test_principals(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct auth_domain_map *map = auth_domain_map_new(tmp, NULL);
	char *a;

	test_begin("Kerberos principal -> address by realm");
	test_assert(auth_domain_map_add(map, "EXAMPLE.COM", "example.com") == 0);
	test_assert_int(auth_map_principal(map, tmp, "Bob@EXAMPLE.COM", &a), 1);
	test_assert_str(a, "bob@example.com");
	test_assert_int(auth_map_principal(map, tmp, "bob@OTHER.COM", &a), 0);
	test_assert_int(auth_map_principal(map, tmp, "HTTP/host@EXAMPLE.COM", &a), 0);
	test_assert_int(auth_map_principal(map, tmp, "bob", &a), 0);
	test_assert_int(auth_map_principal(map, tmp, "@EXAMPLE.COM", &a), 0);
	test_end();

	test_begin("no default domain: NTLM users without a domain are not mapped");
	test_assert_int(auth_map_ntlm_user(map, tmp, "bob", "", &a), 0);
	test_end();
	talloc_free(tmp);
}

int main(void)
{
	test_ntlm_names();
	test_principals();
	return test_exit();
}
