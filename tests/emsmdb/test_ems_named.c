/* RopGetPropertyIdsFromNames ([MS-OXCPRPT] 3.2.5.10, 2.2.12.2) through
 * ems_execute: names that cannot be mapped answer ID 0x0000 with
 * ecWarnWithErrors and the PropertyIds, PS_MAPI names are their LID,
 * PS_INTERNET_HEADERS names are lowercased, no names on a Logon object
 * lists every registered ID. */
#include "ems_test.h"

static struct ems_t t;

/* [MS-OXPROPS] 1.3.2 */
#define GUID_BYTES(d0, d1)                                                                         \
	{                                                                                          \
		{                                                                                  \
			d0, d1, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0xC0, 0x00, 0x00, 0x00, 0x00,  \
			    0x00, 0x00, 0x46                                                       \
		}                                                                                  \
	}
static const struct mapi_guid ps_mapi = GUID_BYTES(0x28, 0x03);
static const struct mapi_guid ps_public_strings = GUID_BYTES(0x29, 0x03);
static const struct mapi_guid ps_internet_headers = GUID_BYTES(0x86, 0x03);

static struct rop_request ids_req(uint8_t flags, struct mapi_property_name *names, uint16_t n)
{
	struct rop_request q = et_rq(ROP_ID_GetPropertyIdsFromNames, 0, 0);
	q.u.get_property_ids_from_names.flags = flags;
	q.u.get_property_ids_from_names.names.count = n;
	q.u.get_property_ids_from_names.names.names = names;
	return q;
}

static const uint16_t *ids_of(const struct et_result *r, uint32_t i)
{
	return r->resps[i].u.get_property_ids_from_names.ids.ids;
}

static void test_unmapped(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct et_result *r = talloc(mem, struct et_result);
	uint32_t h[1] = {et_logon(&t)};
	struct mapi_property_name known = {
	    .guid = ps_public_strings, .kind = MNID_STRING, .name = (char *)"Known"};
	struct mapi_property_name mixed[2] = {
	    known, {.guid = ps_public_strings, .kind = MNID_STRING, .name = (char *)"Unknown"}};
	struct rop_request q[3] = {ids_req(0x02, &known, 1), ids_req(0x00, mixed, 2),
	                           ids_req(0x00, &known, 1)};

	test_begin("GetPropertyIdsFromNames: unknown names without create, ID 0 and a warning");
	test_assert_int(et_exec(&t, mem, q, 3, h, 1, r), 0);
	test_assert_int(r->count, 3);
	test_assert_int(r->resps[0].return_value, 0);
	uint16_t id = ids_of(r, 0)[0];
	test_assert(id >= FIRST_NAMED_PROP_ID);
	/* [MS-OXCPRPT] 2.2.12.2: the count of the request, in its order */
	test_assert_int(r->resps[1].return_value, EC_ErrorsReturned);
	test_assert_int(r->resps[1].u.get_property_ids_from_names.ids.count, 2);
	test_assert_int(ids_of(r, 1)[0], id);
	test_assert_int(ids_of(r, 1)[1], 0);
	/* all names known: plain success */
	test_assert_int(r->resps[2].return_value, 0);
	test_assert_int(ids_of(r, 2)[0], id);
	/* the unknown name was not registered by asking */
	q[0] = ids_req(0x00, &mixed[1], 1);
	test_assert_int(et_exec(&t, mem, q, 1, h, 1, r), 0);
	test_assert_int(r->resps[0].return_value, EC_ErrorsReturned);
	test_assert_int(ids_of(r, 0)[0], 0);
	test_end();
	talloc_free(mem);
}

static void test_property_sets(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct et_result *r = talloc(mem, struct et_result);
	uint32_t h[1] = {et_logon(&t)};
	struct mapi_property_name mapi[2] = {
	    {.guid = ps_mapi, .kind = MNID_ID, .lid = 0x0037},
	    {.guid = ps_mapi, .kind = MNID_STRING, .name = (char *)"Subject"}};
	struct mapi_property_name hdr[3] = {
	    {.guid = ps_internet_headers, .kind = MNID_STRING, .name = (char *)"X-Stand-In"},
	    {.guid = ps_internet_headers, .kind = MNID_STRING, .name = (char *)"x-stand-in"},
	    {.guid = ps_internet_headers, .kind = MNID_STRING, .name = (char *)"X-STAND-IN"}};
	struct rop_request q[4] = {ids_req(0x02, mapi, 1), ids_req(0x02, mapi, 2),
	                           ids_req(0x02, hdr, 1), ids_req(0x00, hdr, 3)};

	test_begin(
	    "GetPropertyIdsFromNames: PS_MAPI by LID and by string, PS_INTERNET_HEADERS case");
	test_assert_int(et_exec(&t, mem, q, 4, h, 1, r), 0);
	test_assert_int(r->count, 4);
	/* [MS-OXCPRPT] 3.2.5.10 step 1: the ID is the LID, nothing registered */
	test_assert_int(r->resps[0].return_value, 0);
	test_assert_int(ids_of(r, 0)[0], 0x0037);
	/* [MS-OXCPRPT] 2.2.12.2: a PS_MAPI name by string is never mapped,
	 * even with create */
	test_assert_int(r->resps[1].return_value, EC_ErrorsReturned);
	test_assert_int(ids_of(r, 1)[0], 0x0037);
	test_assert_int(ids_of(r, 1)[1], 0);
	/* header names are one name whatever their case */
	test_assert_int(r->resps[2].return_value, 0);
	uint16_t id = ids_of(r, 2)[0];
	test_assert(id >= FIRST_NAMED_PROP_ID);
	test_assert_int(r->resps[3].return_value, 0);
	for (int i = 0; i < 3; i++)
		test_assert_int(ids_of(r, 3)[i], id);
	/* and registered in lowercase */
	q[0] = et_rq(ROP_ID_GetNamesFromPropertyIds, 0, 0);
	q[0].u.get_names_from_property_ids.ids.count = 1;
	q[0].u.get_names_from_property_ids.ids.ids = &id;
	test_assert_int(et_exec(&t, mem, q, 1, h, 1, r), 0);
	test_assert_int(r->resps[0].return_value, 0);
	test_assert_str(r->resps[0].u.get_names_from_property_ids.names.names[0].name,
	                "x-stand-in");
	test_end();
	talloc_free(mem);
}

static void test_all_registered(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct et_result *r = talloc(mem, struct et_result);
	uint32_t h[2] = {et_logon(&t), 0xFFFFFFFF};
	uint64_t inbox = store_special_fid(t.mbox, STORE_FOLDER_INBOX);
	struct rop_request q[4] = {ids_req(0x00, NULL, 0), et_rq(ROP_ID_QueryNamedProperties, 0, 0),
	                           et_open_folder(0, 1, inbox), ids_req(0x00, NULL, 0)};

	q[3].input_handle = 1;
	test_begin("GetPropertyIdsFromNames: no names on a Logon object lists every registered ID");
	test_assert_int(et_exec(&t, mem, q, 4, h, 2, r), 0);
	test_assert_int(r->count, 4);
	test_assert_int(r->resps[0].return_value, 0);
	const struct rop_propid_array *all = &r->resps[0].u.get_property_ids_from_names.ids;
	const struct rop_ids_names *named = &r->resps[1].u.query_named_properties.ids_names;
	/* the earlier tests registered two names at least */
	test_assert(all->count >= 2);
	test_assert_int(all->count, named->count);
	for (uint16_t i = 0; i < all->count && i < named->count; i++)
		test_assert_int(all->ids[i], named->ids[i]);
	/* on a folder it is not a query of the mailbox's names */
	test_assert_int(r->resps[3].return_value, EC_InvalidParameter);
	test_end();
	talloc_free(mem);
}

int main(void)
{
	et_setup(&t);
	test_unmapped();
	test_property_sets();
	test_all_registered();
	et_teardown(&t);
	return test_exit();
}
