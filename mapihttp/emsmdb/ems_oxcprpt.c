/*
 * Property ROPs ([MS-OXCPRPT] 3.2.5): get / set / delete on logon, folder,
 * message and attachment objects, and named property mapping.
 */
#include <string.h>

#include "ems_private.h"

/* Bytes a value takes in a PropertyRow, roughly (for the size limit). */
static size_t value_size(const struct mapi_propval *v)
{
	switch (PROP_TYPE(v->tag)) {
	case PT_UNICODE:
		return 2 * strlen(v->v.str) + 2;
	case PT_STRING8:
		return strlen(v->v.str) + 1;
	case PT_BINARY:
	case PT_SVREID:
		return v->v.bin.len + 2;
	default:
		return 8;
	}
}

/* [MS-OXCPRPT] 3.2.5.1 / 3.2.5.2: a value larger than PropertySizeLimit
 * (or than the room left in the response when the limit is 0) answers
 * PtypErrorCode ecMAPIOOM; the client then opens it as a stream. */
static void apply_size_limit(struct mapi_propval_array *vals, uint16_t limit, size_t space)
{
	size_t max = limit != 0 ? limit : space;

	for (uint32_t i = 0; i < vals->count; i++) {
		struct mapi_propval *v = &vals->vals[i];
		if (PROP_TYPE(v->tag) != PT_ERROR && value_size(v) > max) {
			v->tag = CHANGE_PROP_TYPE(v->tag, PT_ERROR);
			v->v.err = EC_OutOfMemory;
		}
	}
}

/* [MS-OXCPRPT] 3.2.5.1 */
uint32_t ems_rop_get_properties_specific(struct ems_rop_ctx *c, const struct rop_request *req,
                                         struct rop_response *resp)
{
	const struct rop_get_properties_specific_req *q = &req->u.get_properties_specific;
	struct rop_property_row *row = &resp->u.get_properties_specific.row;
	uint32_t ec;

	ec = ems_props_get(c->mem, c->in, &q->tags, q->want_unicode != 0, &row->vals);
	if (ec != 0)
		return ec;
	apply_size_limit(&row->vals, q->property_size_limit, c->space > 64 ? c->space - 64 : 0);
	row->flag = rop_property_row_flag(&q->tags, &row->vals);
	return 0;
}

/* [MS-OXCPRPT] 3.2.5.2: every property set on the object. */
uint32_t ems_rop_get_properties_all(struct ems_rop_ctx *c, const struct rop_request *req,
                                    struct rop_response *resp)
{
	const struct rop_get_properties_all_req *q = &req->u.get_properties_all;
	struct mapi_propval_array *vals = &resp->u.get_properties_all.vals;
	uint32_t ec, n = 0;

	ec = ems_props_get(c->mem, c->in, NULL, q->want_unicode != 0, vals);
	if (ec != 0)
		return ec;
	/* missing computed values are left out of a "all" answer */
	for (uint32_t i = 0; i < vals->count; i++) {
		if (PROP_TYPE(vals->vals[i].tag) != PT_ERROR)
			vals->vals[n++] = vals->vals[i];
	}
	vals->count = n;
	apply_size_limit(vals, q->property_size_limit, c->space > 64 ? c->space - 64 : 0);
	return 0;
}

/* [MS-OXCPRPT] 3.2.5.3 */
uint32_t ems_rop_get_properties_list(struct ems_rop_ctx *c, const struct rop_request *req,
                                     struct rop_response *resp)
{
	struct mapi_proptag_array *tags = &resp->u.get_properties_list.tags;
	struct mapi_propval_array vals;
	uint32_t ec;

	ec = ems_props_get(c->mem, c->in, NULL, true, &vals);
	if (ec != 0)
		return ec;
	tags->tags = talloc_array(c->mem, uint32_t, vals.count ? vals.count : 1);
	if (tags->tags == NULL)
		return EC_OutOfMemory;
	tags->count = 0;
	for (uint32_t i = 0; i < vals.count; i++) {
		if (PROP_TYPE(vals.vals[i].tag) != PT_ERROR)
			tags->tags[tags->count++] = vals.vals[i].tag;
	}
	return 0;
}

/* [MS-OXCPRPT] 3.2.5.4 and 3.2.5.5 (NoReplicate: no ICS here to skip) */
uint32_t ems_rop_set_properties(struct ems_rop_ctx *c, const struct rop_request *req,
                                struct rop_response *resp)
{
	return ems_props_set(c->mem, c->in, &req->u.set_properties.vals,
	                     &resp->u.set_properties.problems);
}

uint32_t ems_rop_set_properties_no_replicate(struct ems_rop_ctx *c, const struct rop_request *req,
                                             struct rop_response *resp)
{
	return ems_props_set(c->mem, c->in, &req->u.set_properties_no_replicate.vals,
	                     &resp->u.set_properties_no_replicate.problems);
}

/* [MS-OXCPRPT] 3.2.5.6 and 3.2.5.7 */
uint32_t ems_rop_delete_properties(struct ems_rop_ctx *c, const struct rop_request *req,
                                   struct rop_response *resp)
{
	return ems_props_delete(c->mem, c->in, &req->u.delete_properties.tags,
	                        &resp->u.delete_properties.problems);
}

uint32_t ems_rop_delete_properties_no_replicate(struct ems_rop_ctx *c,
                                                const struct rop_request *req,
                                                struct rop_response *resp)
{
	return ems_props_delete(c->mem, c->in, &req->u.delete_properties_no_replicate.tags,
	                        &resp->u.delete_properties_no_replicate.problems);
}

/* [MS-OXPROPS] 1.3.2 */
static const struct mapi_guid ps_mapi = {{0x28, 0x03, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0xC0,
                                          0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46}};
static const struct mapi_guid ps_internet_headers = {{0x86, 0x03, 0x02, 0x00, 0x00, 0x00, 0x00,
                                                      0x00, 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00,
                                                      0x00, 0x46}};

/* Every registered named property ID ([MS-OXCPRPT] 3.2.5.10, a
 * PropertyNameCount of 0 on a Logon object): they are handed out from
 * 0x8000 without gaps, so the first ID without a name ends them. */
static uint32_t registered_ids(struct ems_rop_ctx *c, struct rop_propid_array *ids)
{
	uint16_t batch[256];
	uint32_t n = 0;

	for (uint32_t base = FIRST_NAMED_PROP_ID; base < 0xFFFF; base += 256) {
		struct mapi_property_name *names;
		uint32_t cnt = 0xFFFF - base < 256 ? 0xFFFF - base : 256, i;
		for (i = 0; i < cnt; i++)
			batch[i] = (uint16_t)(base + i);
		if (store_named_from_ids(c->mem, c->logon->mbox, cnt, batch, &names) != 0)
			return EC_GeneralFailure;
		for (i = 0; i < cnt && names[i].kind != MNID_NONE; i++)
			;
		n += i;
		if (i < cnt)
			break;
	}
	ids->ids = talloc_array(c->mem, uint16_t, n > 0 ? n : 1);
	if (ids->ids == NULL)
		return EC_OutOfMemory;
	for (uint32_t i = 0; i < n; i++)
		ids->ids[i] = (uint16_t)(FIRST_NAMED_PROP_ID + i);
	ids->count = (uint16_t)n;
	return 0;
}

/* A name of the request as the store maps it: 1 to map, 0 answered here
 * (*id_r set).  [MS-OXCPRPT] 3.2.5.10 step 1: PS_MAPI names are the
 * property ID in their LID, and a PS_MAPI name by string cannot be mapped
 * ([MS-OXCPRPT] 2.2.12.2); PS_INTERNET_HEADERS string names are coerced
 * to lowercase. */
static int name_to_map(TALLOC_CTX *mem, const struct mapi_property_name *in,
                       struct mapi_property_name *out, uint16_t *id_r)
{
	*out = *in;
	if (memcmp(&in->guid, &ps_mapi, sizeof(ps_mapi)) == 0) {
		*id_r = in->kind == MNID_ID && in->lid <= 0xFFFF ? (uint16_t)in->lid : 0;
		return 0;
	}
	if (in->kind == MNID_STRING && memcmp(&in->guid, &ps_internet_headers, 16) == 0) {
		out->name = talloc_strdup(mem, in->name);
		if (out->name == NULL)
			return -1;
		for (char *p = out->name; *p != '\0'; p++) {
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
		}
	}
	return 1;
}

/* [MS-OXCPRPT] 3.2.5.10.  A name that cannot be mapped (not found without
 * the create flag, or a PS_MAPI name by string) answers ID 0x0000 and the
 * ROP ecWarnWithErrors with the PropertyIds ([MS-OXCPRPT] 2.2.12.2). */
#define NAMED_CREATE 0x02
uint32_t ems_rop_get_property_ids_from_names(struct ems_rop_ctx *c, const struct rop_request *req,
                                             struct rop_response *resp)
{
	const struct rop_get_property_ids_from_names_req *q = &req->u.get_property_ids_from_names;
	struct rop_propid_array *ids = &resp->u.get_property_ids_from_names.ids;
	struct mapi_property_name *names;
	uint16_t *mapped;
	uint32_t n = 0, unmapped = 0;
	int ret;

	if (q->names.count == 0 && c->in->type == EMS_OBJ_LOGON)
		return registered_ids(c, ids);
	if (q->names.count == 0)
		return EC_InvalidParameter;
	ids->ids = talloc_zero_array(c->mem, uint16_t, q->names.count);
	names = talloc_array(c->mem, struct mapi_property_name, q->names.count);
	mapped = talloc_array(c->mem, uint16_t, q->names.count);
	if (ids->ids == NULL || names == NULL || mapped == NULL)
		return EC_OutOfMemory;
	for (uint16_t i = 0; i < q->names.count; i++) {
		if (q->names.names[i].kind != MNID_ID && q->names.names[i].kind != MNID_STRING)
			return EC_InvalidParameter;
		ret = name_to_map(c->mem, &q->names.names[i], &names[n], &ids->ids[i]);
		if (ret < 0)
			return EC_OutOfMemory;
		if (ret > 0)
			mapped[n++] = i;
	}
	if (n > 0) {
		uint16_t *got = talloc_zero_array(c->mem, uint16_t, n);
		if (got == NULL)
			return EC_OutOfMemory;
		ret = store_named_to_ids(c->logon->mbox, n, names, (q->flags & NAMED_CREATE) != 0,
		                         got);
		/* [MS-OXCPRPT] 2.2.12.2: past the limit of registered names the
		 * names not yet registered cannot be mapped (ID 0x0000) */
		if (ret == STORE_E_RANGE)
			ret = store_named_to_ids(c->logon->mbox, n, names, false, got);
		if (ret != 0)
			return ems_ec_from_store(ret);
		for (uint32_t k = 0; k < n; k++)
			ids->ids[mapped[k]] = got[k];
	}
	ids->count = q->names.count;
	for (uint16_t i = 0; i < ids->count; i++)
		unmapped += ids->ids[i] == 0;
	return unmapped > 0 ? EC_ErrorsReturned : 0;
}

/* [MS-OXCPRPT] 3.2.5.10: IDs below 0x8000 are not named (MNID_NONE). */
uint32_t ems_rop_get_names_from_property_ids(struct ems_rop_ctx *c, const struct rop_request *req,
                                             struct rop_response *resp)
{
	const struct rop_propid_array *ids = &req->u.get_names_from_property_ids.ids;
	struct rop_property_name_array *names = &resp->u.get_names_from_property_ids.names;
	int ret;

	if (ids->count == 0) {
		names->count = 0;
		names->names = NULL;
		return 0;
	}
	ret = store_named_from_ids(c->mem, c->logon->mbox, ids->count, ids->ids, &names->names);
	if (ret != 0)
		return ems_ec_from_store(ret);
	for (uint16_t i = 0; i < ids->count; i++) {
		if (ids->ids[i] < FIRST_NAMED_PROP_ID)
			names->names[i].kind = MNID_NONE;
	}
	names->count = ids->count;
	return 0;
}

/* [MS-OXCPRPT] 3.2.5.11: every named property of the mailbox (IDs are
 * handed out from 0x8000 without gaps), filtered by QueryFlags
 * (0x01 NoStrings, 0x02 NoIds) and PropertyGuid. */
uint32_t ems_rop_query_named_properties(struct ems_rop_ctx *c, const struct rop_request *req,
                                        struct rop_response *resp)
{
	const struct rop_query_named_properties_req *q = &req->u.query_named_properties;
	struct rop_ids_names *out = &resp->u.query_named_properties.ids_names;
	uint16_t batch[256];
	uint32_t n = 0, cap = 0;

	out->ids = NULL;
	out->names = NULL;
	for (uint32_t base = FIRST_NAMED_PROP_ID; base < 0xFFFF; base += 256) {
		struct mapi_property_name *names;
		uint32_t cnt = 0xFFFF - base < 256 ? 0xFFFF - base : 256;
		bool end = false;
		for (uint32_t i = 0; i < cnt; i++)
			batch[i] = (uint16_t)(base + i);
		if (store_named_from_ids(c->mem, c->logon->mbox, cnt, batch, &names) != 0)
			return EC_GeneralFailure;
		for (uint32_t i = 0; i < cnt && !end; i++) {
			if (names[i].kind == MNID_NONE) {
				end = true;
				break;
			}
			if ((q->query_flags & 0x01) != 0 && names[i].kind == MNID_STRING)
				continue;
			if ((q->query_flags & 0x02) != 0 && names[i].kind == MNID_ID)
				continue;
			if (q->has_guid && memcmp(&names[i].guid, &q->property_guid, 16) != 0)
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				out->ids = talloc_realloc(c->mem, out->ids, uint16_t, cap);
				out->names = talloc_realloc(c->mem, out->names,
				                            struct mapi_property_name, cap);
				if (out->ids == NULL || out->names == NULL)
					return EC_OutOfMemory;
			}
			out->ids[n] = batch[i];
			out->names[n++] = names[i];
		}
		if (end || n >= 0xFFFF)
			break;
	}
	out->count = (uint16_t)n;
	return 0;
}
