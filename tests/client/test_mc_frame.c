/*
 * Unit tests of the MAPI/HTTP response framing parser (client/mc_frame.c)
 * against byte examples built from [MS-OXCMAPIHTTP] 2.2.7 and the
 * responses printed in section 4 (4.1 Connect, 4.2 Execute with PENDING
 * keep-alives, 4.4 with X-ResponseCode after DONE).
 */
#include <stdlib.h>
#include <talloc.h>

#include "mc_frame.h"
#include "test.h"

/* [MS-OXCMAPIHTTP] 4.4: PROCESSING, DONE, X-ResponseCode, X-ElapsedTime,
 * X-StartTime, a blank line, then the binary body (here 12 bytes holding
 * NULs, CR LF and the text DONE, which must stay body). */
static const char example_44[] = "PROCESSING\r\n"
                                 "DONE\r\n"
                                 "X-ResponseCode: 0\r\n"
                                 "X-ElapsedTime: 2\r\n"
                                 "X-StartTime: Mon, 06 Jan 2014 23:41:35 GMT\r\n"
                                 "\r\n"
                                 "\x00\x00\x00\x00\r\nDONE\r\n";
#define EXAMPLE_44_BODY_LEN 12

static void feed_all(struct mc_frame *f, const char *data, size_t len, size_t piece)
{
	for (size_t ofs = 0; ofs < len; ofs += piece) {
		size_t n = len - ofs < piece ? len - ofs : piece;
		mc_frame_feed(f, (const uint8_t *)data + ofs, n);
	}
}

static void test_example_44(void)
{
	test_begin("frame: [MS-OXCMAPIHTTP] 4.4 response, fed whole and byte by byte");
	size_t pieces[] = {sizeof(example_44) - 1, 1, 3, 7};
	for (size_t i = 0; i < sizeof(pieces) / sizeof(pieces[0]); i++) {
		TALLOC_CTX *tmp = talloc_new(NULL);
		struct mc_frame f;
		mc_frame_init(&f, tmp, 1024);
		feed_all(&f, example_44, sizeof(example_44) - 1, pieces[i]);
		test_assert_int(mc_frame_finish(&f), 0);
		test_assert_int(f.pending_count, 0);
		test_assert_int(f.header_count, 3);
		test_assert_str(mc_frame_header(&f, "x-responsecode"), "0");
		test_assert_str(mc_frame_header(&f, "X-ElapsedTime"), "2");
		test_assert_str(mc_frame_header(&f, "X-StartTime"),
		                "Mon, 06 Jan 2014 23:41:35 GMT");
		test_assert(mc_frame_header(&f, "X-Other") == NULL);
		test_assert_int(f.body_len, EXAMPLE_44_BODY_LEN);
		/* the body is binary: CR LF and a second DONE inside stay body */
		test_assert(f.body != NULL && memcmp(f.body, "\0\0\0\0\r\nDONE\r\n", 12) == 0);
		talloc_free(tmp);
	}
	test_end();
}

/* [MS-OXCMAPIHTTP] 4.2: an Execute answered in HTTP chunks: "PROCESSING",
 * then a PENDING every X-PendingPeriod, then DONE, headers and body. */
static void test_execute_pending(void)
{
	test_begin("frame: Execute with PENDING keep-alives in separate chunks");
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct mc_frame f;
	const char *chunks[] = {"PROCESSING\r\n",
	                        "PENDING\r\n",
	                        "PENDING\r\n",
	                        "PEND",
	                        "ING\r\n",
	                        "DONE\r\nX-ElapsedTime: 45012\r\n",
	                        "X-StartTime: Tue, 07 Jan 2014 00:13:40 GMT\r\n\r\n",
	                        "\x01\x02"};
	mc_frame_init(&f, tmp, 1024);
	for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++)
		test_assert_int(mc_frame_feed(&f, (const uint8_t *)chunks[i], strlen(chunks[i])),
		                0);
	test_assert_int(f.pending_count, 3);
	test_assert_int(mc_frame_finish(&f), 0);
	test_assert_str(mc_frame_header(&f, "X-ElapsedTime"), "45012");
	test_assert_int(f.body_len, 2);
	test_assert(f.body[0] == 1 && f.body[1] == 2);
	talloc_free(tmp);
	test_end();
}

static void test_empty_body(void)
{
	test_begin("frame: DONE with no body (PING)");
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct mc_frame f;
	const char *s = "PROCESSING\r\nDONE\r\n\r\n";
	mc_frame_init(&f, tmp, 1024);
	test_assert_int(mc_frame_feed(&f, (const uint8_t *)s, strlen(s)), 0);
	test_assert_int(mc_frame_finish(&f), 0);
	test_assert_int(f.body_len, 0);
	test_assert_int(f.header_count, 0);
	talloc_free(tmp);
	test_end();
}

static void test_malformed(void)
{
	static const struct {
		const char *in;
		int feed; /* expected from feed */
		const char *why;
	} cases[] = {
	    {"", 0, "empty response body"},
	    {"PROCESS", 0, "response ended inside the PROCESSING meta-tag"},
	    {"\x01\x02\x03", -1, "response does not start with the PROCESSING meta-tag"},
	    {"PROCESSINGX\r\n", -1, "response does not start with the PROCESSING meta-tag"},
	    {"PROCESSING\r\nDONEX\r\n", -1, "unknown meta-tag (PENDING or DONE expected)"},
	    {"PROCESSING\r\nPENDONE\r\n", -1, "unknown meta-tag (PENDING or DONE expected)"},
	    {"DONE\r\n\r\n", -1, "response does not start with the PROCESSING meta-tag"},
	    {"processing\r\nDONE\r\n\r\n", -1,
	     "response does not start with the PROCESSING meta-tag"},
	    {"PROCESSING\nDONE\r\n\r\n", -1, "line not ended by CRLF"},
	    {"PROCESSING\r\nWAIT\r\n", -1, "unknown meta-tag (PENDING or DONE expected)"},
	    {"PROCESSING\r\nPENDING\r\n", 0, "response ended before the DONE meta-tag"},
	    {"PROCESSING\r\nDONE\r\nX-ElapsedTime: 1\r\n", 0,
	     "response ended inside the headers after DONE"},
	    {"PROCESSING\r\nDONE\r\nno colon\r\n\r\n", -1,
	     "header line after DONE without a name and colon"},
	    {"PROCESSING\r\nDONE\r\n: empty name\r\n\r\n", -1,
	     "header line after DONE without a name and colon"},
	    {"PROCESSING\r\nDO\rNE\r\n", -1, "unknown meta-tag (PENDING or DONE expected)"},
	    {"PROCESSING\r\nDONE\r\nX-A: b\rc\r\n\r\n", -1, "bare CR inside a line"},
	};
	test_begin("frame: malformed streams fail with their reason");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		TALLOC_CTX *tmp = talloc_new(NULL);
		struct mc_frame f;
		mc_frame_init(&f, tmp, 1024);
		test_assert_int(
		    mc_frame_feed(&f, (const uint8_t *)cases[i].in, strlen(cases[i].in)),
		    cases[i].feed);
		test_assert_int(mc_frame_finish(&f), -1);
		test_assert_str(f.error, cases[i].why);
		/* once failed, more bytes keep failing */
		test_assert_int(mc_frame_feed(&f, (const uint8_t *)"DONE\r\n", 6), -1);
		talloc_free(tmp);
	}
	test_end();
}

static void test_limits(void)
{
	test_begin("frame: line and body limits");
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct mc_frame f;
	char *longline = talloc_zero_size(tmp, MC_FRAME_MAX_LINE + 40);
	strcpy(longline, "PROCESSING\r\nDONE\r\nX-A: ");
	memset(longline + strlen(longline), 'a', MC_FRAME_MAX_LINE);
	mc_frame_init(&f, tmp, 1024);
	test_assert_int(mc_frame_feed(&f, (const uint8_t *)longline, strlen(longline)), -1);
	test_assert_str(f.error, "meta-tag or header line too long");

	const char *s = "PROCESSING\r\nDONE\r\n\r\n0123456789";
	mc_frame_init(&f, tmp, 9);
	test_assert_int(mc_frame_feed(&f, (const uint8_t *)s, strlen(s)), -1);
	test_assert_str(f.error, "response body larger than the client accepts");
	mc_frame_init(&f, tmp, 10);
	test_assert_int(mc_frame_feed(&f, (const uint8_t *)s, strlen(s)), 0);
	test_assert_int(mc_frame_finish(&f), 0);
	test_assert_int(f.body_len, 10);

	/* more header lines than the parser keeps */
	mc_frame_init(&f, tmp, 10);
	const char *start = "PROCESSING\r\nDONE\r\n";
	mc_frame_feed(&f, (const uint8_t *)start, strlen(start));
	int rc = 0;
	for (int i = 0; i <= MC_FRAME_MAX_HEADERS && rc == 0; i++)
		rc = mc_frame_feed(&f, (const uint8_t *)"X-A: b\r\n", 8);
	test_assert_int(rc, -1);
	test_assert_str(f.error, "too many header lines after DONE");
	talloc_free(tmp);
	test_end();
}

static void test_header_trim(void)
{
	test_begin("frame: header values trimmed, names kept");
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct mc_frame f;
	const char *s = "PROCESSING\r\nDONE\r\nX-StartTime:\t  a b \t\r\nX-Empty:\r\n\r\n";
	mc_frame_init(&f, tmp, 10);
	test_assert_int(mc_frame_feed(&f, (const uint8_t *)s, strlen(s)), 0);
	test_assert_int(mc_frame_finish(&f), 0);
	test_assert_str(mc_frame_header(&f, "X-StartTime"), "a b");
	test_assert_str(mc_frame_header(&f, "X-Empty"), "");
	test_assert_str(f.headers[0].name, "X-StartTime");
	talloc_free(tmp);
	test_end();
}

int main(void)
{
	test_example_44();
	test_execute_pending();
	test_empty_body();
	test_malformed();
	test_limits();
	test_header_trim();
	return test_exit();
}
