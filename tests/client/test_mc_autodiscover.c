/*
 * Unit tests of the client's POX Autodiscover parser
 * (mc_autodiscover_parse): the MapiHttp response example of [MS-OXDSCLI]
 * 4.4, the error form of 2.2.4.2 (ErrorCode 500), redirectAddr and
 * redirectUrl, and bodies that are not Autodiscover responses.
 */
#include <talloc.h>

#include "mc_autodiscover.h"
#include "test.h"

#define NS_RESP  "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"
#define NS_2006A "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a"

/* [MS-OXDSCLI] 4.4, the User and the mapiHttp Protocol (the WEB protocol
 * that follows in the example is left out; it carries nothing the client
 * reads). */
static const char example_44[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
    "<Autodiscover xmlns=\"" NS_RESP "\">\n"
    "  <Response xmlns=\"" NS_2006A "\">\n"
    "    <User>\n"
    "      <DisplayName>User Display Name</DisplayName>\n"
    "      <LegacyDN>/o=microsoft/ou=Contoso/cn=Recipients/cn=486021</LegacyDN>\n"
    "      <AutoDiscoverSMTPAddress>user@Contoso.com</AutoDiscoverSMTPAddress>\n"
    "      <DeploymentId>30c3a927-42aa-5de8-91e3-8e5b4655ed00</DeploymentId>\n"
    "    </User>\n"
    "    <Account>\n"
    "      <AccountType>email</AccountType>\n"
    "      <Action>settings</Action>\n"
    "      <Protocol Type=\"mapiHttp\" Version=\"1\">\n"
    "        <MailStore>\n"
    "          <InternalUrl>https://mail.Contoso.com/mapi/emsmdb/"
    "?MailboxId=416c6368-656d-794a-6f45-57615272456e@Contoso.com</InternalUrl>\n"
    "        </MailStore>\n"
    "        <AddressBook>\n"
    "          <InternalUrl>https://mail.Contoso.com/mapi/nspi/"
    "?MailboxId=416c6368-656d-794a-6f45-57615272456e@Contoso.com</InternalUrl>\n"
    "        </AddressBook>\n"
    "      </Protocol>\n"
    "    </Account>\n"
    "  </Response>\n"
    "</Autodiscover>\n";

static enum pox_outcome parse(TALLOC_CTX *mem_ctx, const char *xml, struct mc_discovery *d,
                              char **redirect_r)
{
	memset(d, 0, sizeof(*d));
	*redirect_r = NULL;
	return mc_autodiscover_parse(mem_ctx, (const uint8_t *)xml, strlen(xml), d, redirect_r);
}

static void test_example_44(void)
{
	test_begin("pox: [MS-OXDSCLI] 4.4 MapiHttp response");
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct mc_discovery d;
	char *redirect;
	test_assert_int(parse(tmp, example_44, &d, &redirect), POX_SETTINGS);
	test_assert_str(d.display_name, "User Display Name");
	test_assert_str(d.legacy_dn, "/o=microsoft/ou=Contoso/cn=Recipients/cn=486021");
	test_assert_str(d.smtp_address, "user@Contoso.com");
	test_assert_str(d.deployment_id, "30c3a927-42aa-5de8-91e3-8e5b4655ed00");
	test_assert_str(d.mapi_version, "1");
	test_assert_str(d.mailstore_internal,
	                "https://mail.Contoso.com/mapi/emsmdb/"
	                "?MailboxId=416c6368-656d-794a-6f45-57615272456e@Contoso.com");
	test_assert_str(d.addressbook_internal,
	                "https://mail.Contoso.com/mapi/nspi/"
	                "?MailboxId=416c6368-656d-794a-6f45-57615272456e@Contoso.com");
	test_assert(d.mailstore_external == NULL && d.addressbook_external == NULL);
	test_assert(d.error_code == NULL && redirect == NULL);
	talloc_free(tmp);
	test_end();
}

static void test_error_and_redirects(void)
{
	test_begin("pox: Error, redirectAddr, redirectUrl");
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct mc_discovery d;
	char *redirect;
	const char *err =
	    "<Autodiscover xmlns=\"" NS_RESP "\"><Response><Error Time=\"1\" Id=\"2\">"
	    "<ErrorCode>500</ErrorCode><Message>The email address can't be found."
	    "</Message><DebugData/></Error></Response></Autodiscover>";
	test_assert_int(parse(tmp, err, &d, &redirect), POX_ERROR);
	test_assert_str(d.error_code, "500");
	test_assert_str(d.error_message, "The email address can't be found.");
	const char *addr = "<Autodiscover xmlns=\"" NS_RESP "\"><Response xmlns=\"" NS_2006A "\">"
	                   "<Account><Action>redirectAddr</Action><RedirectAddr>user@other.test"
	                   "</RedirectAddr></Account></Response></Autodiscover>";
	test_assert_int(parse(tmp, addr, &d, &redirect), POX_REDIRECT_ADDR);
	test_assert_str(redirect, "user@other.test");
	const char *url = "<Autodiscover xmlns=\"" NS_RESP "\"><Response xmlns=\"" NS_2006A "\">"
	                  "<Account><Action>redirectUrl</Action><RedirectUrl>https://a.test/"
	                  "autodiscover/autodiscover.xml</RedirectUrl></Account></Response>"
	                  "</Autodiscover>";
	test_assert_int(parse(tmp, url, &d, &redirect), POX_REDIRECT_URL);
	test_assert_str(redirect, "https://a.test/autodiscover/autodiscover.xml");
	talloc_free(tmp);
	test_end();
}

static void test_not_autodiscover(void)
{
	const char *bad[] = {
	    "",
	    "<not xml",
	    "<html><body>Sign in</body></html>",
	    /* the right names in the wrong namespace */
	    "<Autodiscover><Response><User/><Account><Action>settings</Action></Account>"
	    "</Response></Autodiscover>",
	    /* settings without a User */
	    "<Autodiscover xmlns=\"" NS_RESP "\"><Response xmlns=\"" NS_2006A "\"><Account>"
	    "<Action>settings</Action></Account></Response></Autodiscover>",
	    /* a redirect that names nothing */
	    "<Autodiscover xmlns=\"" NS_RESP "\"><Response xmlns=\"" NS_2006A "\"><Account>"
	    "<Action>redirectAddr</Action></Account></Response></Autodiscover>",
	    /* an external entity is not fetched: no network, no file */
	    "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
	    "<Autodiscover xmlns=\"" NS_RESP "\"><Response xmlns=\"" NS_2006A "\"><User>"
	    "<DisplayName>&e;</DisplayName></User><Account><Action>settings</Action>"
	    "</Account></Response></Autodiscover>",
	};
	test_begin("pox: bodies that are not usable Autodiscover responses");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]) - 1; i++) {
		TALLOC_CTX *tmp = talloc_new(NULL);
		struct mc_discovery d;
		char *redirect;
		test_assert_int(parse(tmp, bad[i], &d, &redirect), POX_BAD);
		talloc_free(tmp);
	}
	/* the entity case parses, but the entity stays unexpanded */
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct mc_discovery d;
	char *redirect;
	enum pox_outcome o = parse(tmp, bad[sizeof(bad) / sizeof(bad[0]) - 1], &d, &redirect);
	test_assert(o == POX_SETTINGS || o == POX_BAD);
	test_assert(d.display_name == NULL || strstr(d.display_name, "root:") == NULL);
	talloc_free(tmp);
	test_end();
}

int main(void)
{
	test_example_44();
	test_error_and_redirects();
	test_not_autodiscover();
	return test_exit();
}
