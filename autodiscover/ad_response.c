/*
 * ad_response: the 2006a settings response and the Error response
 * ([MS-OXDSCLI] 2.2.4), written with libxml2's xmlTextWriter so that every
 * value is escaped.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <libxml/xmlwriter.h>

#include "ad_private.h"
#include "mapi_guid.h"

/* Exchange 2019 (15.2.1118) in the ServerVersion encoding: 0x7 in the top
 * four bits, major, minor, 0x8000 | build. */
#define AD_SERVER_VERSION "73C2845E"

const char *ad_error_message(enum ad_error_code code)
{
	switch (code) {
	case AD_OK:
		return "OK";
	case AD_E_NOT_FOUND:
		return "The email address can't be found.";
	case AD_E_INVALID_REQUEST:
		return "Invalid Request";
	case AD_E_NO_PROVIDER:
		return "Provider is not available for the requested schema";
	case AD_E_INTERNAL:
		return "The Autodiscover service encountered an internal error.";
	}
	return "Unknown error";
}

struct writer {
	xmlBufferPtr buf;
	xmlTextWriterPtr w;
	int rc; /* the first negative libxml2 result, or 0 */
};

static void track(struct writer *wr, int rc)
{
	if (rc < 0 && wr->rc == 0)
		wr->rc = rc;
}

static void start(struct writer *wr, const char *name)
{
	track(wr, xmlTextWriterStartElement(wr->w, BAD_CAST name));
}

static void end(struct writer *wr)
{
	track(wr, xmlTextWriterEndElement(wr->w));
}

static void attr(struct writer *wr, const char *name, const char *value)
{
	track(wr, xmlTextWriterWriteAttribute(wr->w, BAD_CAST name, BAD_CAST value));
}

static void elem(struct writer *wr, const char *name, const char *text)
{
	track(wr, xmlTextWriterWriteElement(wr->w, BAD_CAST name, BAD_CAST text));
}

static int writer_open(struct writer *wr)
{
	memset(wr, 0, sizeof(*wr));
	wr->buf = xmlBufferCreate();
	if (wr->buf == NULL)
		return -1;
	wr->w = xmlNewTextWriterMemory(wr->buf, 0);
	if (wr->w == NULL) {
		xmlBufferFree(wr->buf);
		return -1;
	}
	track(wr, xmlTextWriterSetIndent(wr->w, 1));
	track(wr, xmlTextWriterSetIndentString(wr->w, BAD_CAST "  "));
	track(wr, xmlTextWriterStartDocument(wr->w, "1.0", "utf-8", NULL));
	/* [MS-OXDSCLI] 2.2.4: responses are in the 2006 response namespace. */
	start(wr, "Autodiscover");
	attr(wr, "xmlns", AD_RESPONSE_NS);
	return 0;
}

/* Ends the document and hands the text to mem_ctx.  Frees the writer. */
static int writer_close(struct writer *wr, TALLOC_CTX *mem_ctx, char **body_r, size_t *len_r)
{
	int ret = -1;

	track(wr, xmlTextWriterEndDocument(wr->w));
	xmlFreeTextWriter(wr->w); /* flushes into buf */
	if (wr->rc == 0) {
		*len_r = (size_t)xmlBufferLength(wr->buf);
		*body_r = talloc_strndup(mem_ctx, (const char *)xmlBufferContent(wr->buf), *len_r);
		ret = *body_r == NULL ? -1 : 0;
	}
	xmlBufferFree(wr->buf);
	return ret;
}

/* The Id attribute: a hash of the server's name, as Exchange's is
 * ([MS-OXDSCLI] 2.2.4.1.1.3).  FNV-1a, 32 bits. */
static unsigned long server_id(const char *hostname)
{
	uint32_t h = 2166136261u;

	for (const char *p = hostname; p != NULL && *p != '\0'; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	return h;
}

int ad_response_error(TALLOC_CTX *mem_ctx, const struct ad_config *cfg, enum ad_error_code code,
                      const char *debug_data, char **body_r, size_t *len_r)
{
	struct writer wr;
	struct timespec now;
	struct tm tm;
	char time_s[32], id_s[16], code_s[8];

	if (writer_open(&wr) < 0)
		return -1;
	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	/* Time: hours ":" minutes ":" seconds "." fraction, as Exchange
	 * writes it (100 ns digits). */
	snprintf(time_s, sizeof(time_s), "%02d:%02d:%02d.%07ld", tm.tm_hour, tm.tm_min, tm.tm_sec,
	         now.tv_nsec / 100);
	snprintf(id_s, sizeof(id_s), "%lu", server_id(cfg->hostname));
	snprintf(code_s, sizeof(code_s), "%d", (int)code);
	start(&wr, "Response");
	start(&wr, "Error");
	attr(&wr, "Time", time_s);
	attr(&wr, "Id", id_s);
	elem(&wr, "ErrorCode", code_s);
	elem(&wr, "Message", ad_error_message(code));
	elem(&wr, "DebugData", debug_data == NULL ? "" : debug_data);
	end(&wr);
	end(&wr);
	end(&wr);
	return writer_close(&wr, mem_ctx, body_r, len_r);
}

/* URLs of the response, all under base_url. */
struct ad_urls {
	char *emsmdb, *nspi, *ews, *oab, *server_cn;
};

static int make_urls(TALLOC_CTX *mem_ctx, const struct ad_settings *s, struct ad_urls *u)
{
	const char *base = s->cfg->base_url;
	char mbx[MAPI_GUID_TEXT_SIZE], dep[MAPI_GUID_TEXT_SIZE];

	mapi_guid_format(&s->user->mailbox_guid, mbx);
	mapi_guid_format(&s->org->deployment_id, dep);
	/* OUTLOOK-LADDER stage 1: the mailbox is named <mailbox-guid>@<domain>. */
	u->server_cn = talloc_asprintf(mem_ctx, "%s@%s", mbx, s->user->domain);
	u->emsmdb = talloc_asprintf(mem_ctx, "%s/mapi/emsmdb/?MailboxId=%s", base, u->server_cn);
	u->nspi = talloc_asprintf(mem_ctx, "%s/mapi/nspi/?MailboxId=%s", base, u->server_cn);
	u->ews = talloc_asprintf(mem_ctx, "%s/EWS/Exchange.asmx", base);
	u->oab = talloc_asprintf(mem_ctx, "%s/OAB/%s/", base, dep);
	if (u->server_cn == NULL || u->emsmdb == NULL || u->nspi == NULL || u->ews == NULL ||
	    u->oab == NULL)
		return -1;
	return 0;
}

/* [MS-OXDSCLI] 2.2.4.1.1.2.6: Protocol Type="mapiHttp" Version="1". */
static void write_mapihttp(struct writer *wr, const struct ad_urls *u)
{
	start(wr, "Protocol");
	attr(wr, "Type", "mapiHttp");
	attr(wr, "Version", "1");
	start(wr, "MailStore");
	elem(wr, "InternalUrl", u->emsmdb);
	elem(wr, "ExternalUrl", u->emsmdb);
	end(wr);
	start(wr, "AddressBook");
	elem(wr, "InternalUrl", u->nspi);
	elem(wr, "ExternalUrl", u->nspi);
	end(wr);
	end(wr);
}

/* The web-service URLs every Exchange protocol block carries. */
static void write_ews_urls(struct writer *wr, const struct ad_urls *u)
{
	elem(wr, "ASUrl", u->ews);
	elem(wr, "EwsUrl", u->ews);
	elem(wr, "OOFUrl", u->ews);
	elem(wr, "OABUrl", u->oab);
}

/* EXCH (RPC inside the firewall) as Exchange 2013+ writes it: the server
 * is the mailbox's own <guid>@<domain>, and its DNs under the org. */
static void write_exch(struct writer *wr, const struct ad_settings *s, const struct ad_urls *u,
                       TALLOC_CTX *mem_ctx)
{
	char *server_dn = talloc_asprintf(mem_ctx,
	                                  "/o=%s/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)"
	                                  "/cn=Configuration/cn=Servers/cn=%s",
	                                  s->org->name, u->server_cn);
	char *mdb_dn = talloc_asprintf(mem_ctx, "%s/cn=Microsoft Private MDB", server_dn);

	start(wr, "Protocol");
	elem(wr, "Type", "EXCH");
	elem(wr, "Server", u->server_cn);
	elem(wr, "ServerDN", server_dn == NULL ? "" : server_dn);
	elem(wr, "ServerVersion", AD_SERVER_VERSION);
	elem(wr, "MdbDN", mdb_dn == NULL ? "" : mdb_dn);
	elem(wr, "AD", s->cfg->hostname);
	write_ews_urls(wr, u);
	end(wr);
}

/* EXPR (Outlook Anywhere) and EXHTTP: the public host name over HTTP. */
static void write_http_block(struct writer *wr, const char *type, const struct ad_settings *s,
                             const struct ad_urls *u)
{
	bool https = strncmp(s->cfg->base_url, "https://", 8) == 0;

	start(wr, "Protocol");
	elem(wr, "Type", type);
	elem(wr, "Server", s->cfg->hostname);
	elem(wr, "SSL", https ? "On" : "Off");
	elem(wr, "AuthPackage", "Basic");
	write_ews_urls(wr, u);
	end(wr);
}

int ad_response_settings(TALLOC_CTX *mem_ctx, const struct ad_settings *s, char **body_r,
                         size_t *len_r)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ad_urls u;
	struct writer wr;
	char dep[MAPI_GUID_TEXT_SIZE];
	int ret = -1;

	if (tmp == NULL || make_urls(tmp, s, &u) < 0 || writer_open(&wr) < 0)
		goto out;
	mapi_guid_format(&s->org->deployment_id, dep);
	start(&wr, "Response");
	attr(&wr, "xmlns", AD_OUTLOOK_NS);
	start(&wr, "User");
	elem(&wr, "DisplayName", s->user->display_name);
	elem(&wr, "LegacyDN", s->user->legacy_dn);
	elem(&wr, "AutoDiscoverSMTPAddress", s->user->address);
	elem(&wr, "DeploymentId", dep);
	end(&wr);
	start(&wr, "Account");
	elem(&wr, "AccountType", "email");
	elem(&wr, "Action", "settings");
	elem(&wr, "MicrosoftOnline", "False");
	if (s->mapihttp_capable) {
		/* OUTLOOK-LADDER stage 1: with X-MapiHttpCapability, Exchange
		 * 2019 answers mapiHttp and leaves out EXCH and EXPR. */
		write_mapihttp(&wr, &u);
	} else {
		write_exch(&wr, s, &u, tmp);
		write_http_block(&wr, "EXPR", s, &u);
	}
	write_http_block(&wr, "EXHTTP", s, &u);
	end(&wr);
	end(&wr);
	end(&wr);
	ret = writer_close(&wr, mem_ctx, body_r, len_r);
out:
	talloc_free(tmp);
	return ret;
}
