/* The subject properties of a message kept consistent through ems_execute
 * ([MS-OXCMSG] 2.2.1.46, 2.2.1.9, 2.2.1.10): setting the prefix and the
 * normalized subject gives the whole; setting the whole gives its parts. */
#include "ems_test.h"

static struct ems_t t;

#define PR_SUBJECT      PROP_TAG(PT_UNICODE, 0x0037)
#define PR_SUBJECT_A    PROP_TAG(PT_STRING8, 0x0037)
#define PR_PREFIX       PROP_TAG(PT_UNICODE, 0x003D)
#define PR_NORMALIZED   PROP_TAG(PT_UNICODE, 0x0E1D)
#define PR_NORMALIZED_A PROP_TAG(PT_STRING8, 0x0E1D)

/* Sets vals on the open message (handle 1), then reads back subject,
 * prefix and normalized subject into got[3] (NULL for a missing one). */
static void set_and_read(TALLOC_CTX *mem, uint32_t *h, struct mapi_propval *vals, uint16_t n,
                         const char **got)
{
	struct et_result *r = talloc(mem, struct et_result);
	uint32_t tags[3] = {PR_SUBJECT, PR_PREFIX, PR_NORMALIZED};
	struct rop_request q[2] = {et_set_props(1, vals, n), et_get_props(1, tags, 3)};

	got[0] = got[1] = got[2] = NULL;
	test_assert_int(et_exec(&t, mem, q, 2, h, 2, r), 0);
	test_assert(r->count == 2 && r->resps[0].return_value == 0 &&
	            r->resps[0].u.set_properties.problems.count == 0);
	if (r->count != 2 || r->resps[1].return_value != 0)
		return;
	for (int i = 0; i < 3; i++) {
		const struct mapi_propval *v =
		    &r->resps[1].u.get_properties_specific.row.vals.vals[i];
		if (PROP_TYPE(v->tag) == PT_UNICODE)
			got[i] = v->v.str;
	}
}

static void check(TALLOC_CTX *mem, uint32_t *h, struct mapi_propval *vals, uint16_t n,
                  const char *subject, const char *prefix, const char *normalized)
{
	const char *got[3];

	set_and_read(mem, h, vals, n, got);
	test_assert_str(got[0], subject);
	test_assert_str(got[1], prefix);
	test_assert_str(got[2], normalized);
}

static void test_subject(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct et_result *r = talloc(mem, struct et_result);
	uint32_t h[2] = {et_logon(&t), 0xFFFFFFFF};
	uint64_t drafts = store_special_fid(t.mbox, STORE_FOLDER_DRAFTS);
	struct mapi_propval v[3];
	struct rop_request q;

	test_begin("subject: the whole from its parts, the parts from the whole");
	q = et_rq(ROP_ID_CreateMessage, 0, 1);
	q.u.create_message.folder_id = drafts;
	q.u.create_message.code_page_id = 0x0FFF;
	test_assert_int(et_exec(&t, mem, &q, 1, h, 2, r), 0);
	test_assert_int(r->resps[0].return_value, 0);
	memcpy(h, r->handles, sizeof(h));

	/* the whole: split at a prefix of one to three letters and ": " */
	v[0] = (struct mapi_propval){.tag = PR_SUBJECT, .v.str = (char *)"RE: Lunch"};
	check(mem, h, v, 1, "RE: Lunch", "RE: ", "Lunch");
	v[0].v.str = (char *)"Draft";
	check(mem, h, v, 1, "Draft", "", "Draft");
	v[0].v.str = (char *)"Отв: привет"; /* three Cyrillic letters */
	check(mem, h, v, 1, "Отв: привет", "Отв: ", "привет");
	v[0].v.str = (char *)"12: not a prefix";
	check(mem, h, v, 1, "12: not a prefix", "", "12: not a prefix");
	v[0].v.str = (char *)"Re:no space";
	check(mem, h, v, 1, "Re:no space", "", "Re:no space");
	v[0].v.str = (char *)"FOUR: letters";
	check(mem, h, v, 1, "FOUR: letters", "", "FOUR: letters");
	/* 8-bit values are stored as Unicode and split the same way */
	v[0] = (struct mapi_propval){.tag = PR_SUBJECT_A, .v.str = (char *)"FW: Plans"};
	check(mem, h, v, 1, "FW: Plans", "FW: ", "Plans");

	/* [MS-OXCPRPT] 4.3.1: the parts set, the whole follows */
	v[0] = (struct mapi_propval){.tag = PR_PREFIX, .v.str = (char *)""};
	v[1] = (struct mapi_propval){.tag = PR_NORMALIZED, .v.str = (char *)"Hello World"};
	check(mem, h, v, 2, "Hello World", "", "Hello World");
	v[0].v.str = (char *)"AW: ";
	check(mem, h, v, 1, "AW: Hello World", "AW: ", "Hello World");
	v[0] = (struct mapi_propval){.tag = PR_NORMALIZED_A, .v.str = (char *)"Again"};
	check(mem, h, v, 1, "AW: Again", "AW: ", "Again");
	/* a kept prefix stays while the whole still starts with it */
	v[0] = (struct mapi_propval){.tag = PR_SUBJECT, .v.str = (char *)"AW: Later"};
	check(mem, h, v, 1, "AW: Later", "AW: ", "Later");

	/* all three set together are taken as given */
	v[0] = (struct mapi_propval){.tag = PR_SUBJECT, .v.str = (char *)"[ext] Note"};
	v[1] = (struct mapi_propval){.tag = PR_PREFIX, .v.str = (char *)"[ext] "};
	v[2] = (struct mapi_propval){.tag = PR_NORMALIZED, .v.str = (char *)"Note"};
	check(mem, h, v, 3, "[ext] Note", "[ext] ", "Note");
	test_end();
	talloc_free(mem);
}

int main(void)
{
	et_setup(&t);
	test_subject();
	et_teardown(&t);
	return test_exit();
}
