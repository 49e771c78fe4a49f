/*
 * Property access on any property-bearing object (logon, folder, message,
 * attachment) for the [MS-OXCPRPT] ROPs and the tables, with the string
 * type rules of [MS-OXCPRPT] 3.2.5.1: a value is answered in the string
 * type the client asked for (PtypString or PtypString8), and with
 * PtypUnspecified in the type WantUnicode selects.  8-bit strings use
 * code page 1252 (Latin-1 with the 0x80-0x9F additions); characters it
 * cannot hold become '?'.  Values the client sets as PtypString8 are
 * stored as PtypString, so both types read back.
 */
#include <string.h>

#include "ems_private.h"

/* cp1252 0x80-0x9F; 0 where the code page leaves a hole. */
static const uint16_t cp1252_hi[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,
};

static size_t utf8_put(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	o[0] = (char)(0xE0 | (cp >> 12));
	o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
	o[2] = (char)(0x80 | (cp & 0x3F));
	return 3;
}

char *ems_str8_to_utf8(TALLOC_CTX *mem, const char *s)
{
	size_t len = strlen(s), o = 0;
	char *out = talloc_size(mem, len * 3 + 1);

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		uint8_t b = (uint8_t)s[i];
		uint32_t cp = b;
		if (b >= 0x80 && b < 0xA0)
			cp = cp1252_hi[b - 0x80] != 0 ? cp1252_hi[b - 0x80] : '?';
		o += utf8_put(out + o, cp);
	}
	out[o] = '\0';
	return out;
}

/* Decodes one UTF-8 sequence; invalid bytes count as one unknown char. */
static uint32_t utf8_get(const uint8_t *s, size_t *i)
{
	uint8_t b = s[*i];
	int n = b >= 0xF0 ? 3 : b >= 0xE0 ? 2 : b >= 0xC0 ? 1 : 0;
	uint32_t cp = n == 3 ? b & 0x07u : n == 2 ? b & 0x0Fu : n == 1 ? b & 0x1Fu : b;

	(*i)++;
	if (b >= 0x80 && n == 0)
		return 0xFFFD;
	for (int k = 0; k < n; k++, (*i)++) {
		if ((s[*i] & 0xC0) != 0x80)
			return 0xFFFD;
		cp = (cp << 6) | (s[*i] & 0x3Fu);
	}
	return cp;
}

char *ems_utf8_to_str8(TALLOC_CTX *mem, const char *s)
{
	const uint8_t *u = (const uint8_t *)s;
	size_t len = strlen(s), i = 0, o = 0;
	char *out = talloc_size(mem, len + 1);

	if (out == NULL)
		return NULL;
	while (i < len) {
		uint32_t cp = utf8_get(u, &i);
		char c = '?';
		if (cp < 0x80 || (cp >= 0xA0 && cp <= 0xFF))
			c = (char)cp;
		for (unsigned k = 0; k < 32 && cp >= 0x100; k++) {
			if (cp1252_hi[k] == cp)
				c = (char)(0x80 + k);
		}
		out[o++] = c;
	}
	out[o] = '\0';
	return out;
}

static bool is_str(uint16_t type)
{
	return type == PT_UNICODE || type == PT_STRING8;
}
static bool is_mv_str(uint16_t type)
{
	return type == PT_MV_UNICODE || type == PT_MV_STRING8;
}

/* Converts v (as read) to the type asked (want: a string type). */
static int convert_string(TALLOC_CTX *mem, struct mapi_propval *v, uint16_t want)
{
	uint16_t have = PROP_TYPE(v->tag);
	bool to_uni = (want & ~MV_FLAG) == PT_UNICODE;

	if ((have & MV_FLAG) != (want & MV_FLAG))
		return -1;
	if (have == want) {
		return 0;
	}
	if (is_str(have)) {
		char *s =
		    to_uni ? ems_str8_to_utf8(mem, v->v.str) : ems_utf8_to_str8(mem, v->v.str);
		if (s == NULL)
			return -1;
		v->v.str = s;
	} else {
		for (uint32_t k = 0; k < v->v.mv.count; k++) {
			char *s = to_uni ? ems_str8_to_utf8(mem, v->v.mv.str[k])
			                 : ems_utf8_to_str8(mem, v->v.mv.str[k]);
			if (s == NULL)
				return -1;
			v->v.mv.str[k] = s;
		}
	}
	v->tag = CHANGE_PROP_TYPE(v->tag, want);
	return 0;
}

/* Fixes the values read for the asked tags: string types, and values
 * whose type is not the one asked answer ecNotFound. */
void ems_props_fix_types(TALLOC_CTX *mem, const struct mapi_proptag_array *asked, bool want_unicode,
                         struct mapi_propval_array *vals)
{
	for (uint32_t i = 0; i < vals->count; i++) {
		struct mapi_propval *v = &vals->vals[i];
		uint16_t want = asked != NULL ? PROP_TYPE(asked->tags[i]) : PT_UNSPECIFIED;
		uint16_t have = PROP_TYPE(v->tag);

		if (have == PT_ERROR)
			continue;
		if (want == PT_UNSPECIFIED) {
			if (is_str(have))
				want = want_unicode ? PT_UNICODE : PT_STRING8;
			else if (is_mv_str(have))
				want = want_unicode ? PT_MV_UNICODE : PT_MV_STRING8;
			else
				continue;
		}
		if ((is_str(want) && is_str(have)) || (is_mv_str(want) && is_mv_str(have))) {
			if (convert_string(mem, v, want) == 0)
				continue;
		} else if (want == have) {
			continue;
		}
		v->tag = CHANGE_PROP_TYPE(asked != NULL ? asked->tags[i] : v->tag, PT_ERROR);
		v->v.err = EC_NotFound;
	}
}

/* The store view of the tags: string types read as PtypUnspecified so a
 * value stored in the other string type is found. */
static struct mapi_proptag_array *store_tags(TALLOC_CTX *mem, const struct mapi_proptag_array *tags)
{
	struct mapi_proptag_array *st = talloc(mem, struct mapi_proptag_array);

	if (st == NULL)
		return NULL;
	st->count = tags->count;
	st->tags = talloc_array(st, uint32_t, tags->count ? tags->count : 1);
	if (st->tags == NULL)
		return NULL;
	for (uint32_t i = 0; i < tags->count; i++) {
		uint16_t type = PROP_TYPE(tags->tags[i]);
		st->tags[i] = is_str(type) || is_mv_str(type)
		                  ? CHANGE_PROP_TYPE(tags->tags[i], PT_UNSPECIFIED)
		                  : tags->tags[i];
	}
	return st;
}
const struct mapi_proptag_array *ems_store_tags(TALLOC_CTX *mem,
                                                const struct mapi_proptag_array *tags)
{
	return store_tags(mem, tags);
}

/* A table's columns for the store: as ems_store_tags, except that a string
 * column that is also a category column of sort keeps the sort's PtypString
 * tag, the one the store groups the rows by: the store answers a header
 * row's category columns by that tag (a PtypUnspecified column would not
 * match it and the header would lack its category's value). */
const struct mapi_proptag_array *ems_table_store_tags(TALLOC_CTX *mem,
                                                      const struct mapi_proptag_array *tags,
                                                      const struct mapi_sort_order_set *sort)
{
	struct mapi_proptag_array *st = store_tags(mem, tags);

	if (st == NULL || sort == NULL)
		return st;
	for (uint32_t i = 0; i < st->count; i++) {
		for (uint16_t k = 0; k < sort->categorized_count && k < sort->count; k++) {
			uint32_t cat = sort->sorts[k].proptag;

			if (PROP_ID(cat) == PROP_ID(tags->tags[i]) && is_str(PROP_TYPE(cat)) &&
			    is_str(PROP_TYPE(tags->tags[i])))
				st->tags[i] = cat;
		}
	}
	return st;
}

/* The store answers an attachment's properties by tag only. */
static int attach_get(TALLOC_CTX *mem, struct ems_object *obj,
                      const struct mapi_proptag_array *tags, struct mapi_propval_array *vals)
{
	struct store_message *msg = obj->u.attach.message->u.message.msg;
	struct mapi_proptag_array all;
	int ret;

	if (tags == NULL) {
		ret = store_message_attach_tags(mem, msg, obj->u.attach.attach_num, &all);
		if (ret != 0)
			return ret;
		tags = &all;
	}
	return store_message_attach_get_props(mem, msg, obj->u.attach.attach_num, tags, vals);
}

static int raw_get(TALLOC_CTX *mem, struct ems_object *obj, const struct mapi_proptag_array *tags,
                   struct mapi_propval_array *vals)
{
	switch (obj->type) {
	case EMS_OBJ_FOLDER:
		return store_folder_get_props(mem, obj->logon->mbox, obj->u.fid, tags, vals);
	case EMS_OBJ_MESSAGE:
		return store_message_get_props(mem, obj->u.message.msg, tags, vals);
	case EMS_OBJ_ATTACH:
		return attach_get(mem, obj, tags, vals);
	case EMS_OBJ_LOGON:
		return ems_logon_get_props(mem, obj, tags, vals);
	default:
		return STORE_E_NOTSUPPORTED;
	}
}

uint32_t ems_props_get(TALLOC_CTX *mem, struct ems_object *obj,
                       const struct mapi_proptag_array *tags, bool want_unicode,
                       struct mapi_propval_array *vals_r)
{
	const struct mapi_proptag_array *st = NULL;
	int ret;

	if (tags != NULL && (st = store_tags(mem, tags)) == NULL)
		return EC_OutOfMemory;
	ret = raw_get(mem, obj, st, vals_r);
	if (ret != 0)
		return ems_ec_from_store(ret);
	if (tags != NULL && vals_r->count != tags->count)
		return EC_GeneralFailure;
	ems_props_fix_types(mem, tags, want_unicode, vals_r);
	return 0;
}

static int raw_set(struct ems_object *obj, const struct mapi_propval_array *vals)
{
	switch (obj->type) {
	case EMS_OBJ_FOLDER:
		return store_folder_set_props(obj->logon->mbox, obj->u.fid, vals);
	case EMS_OBJ_MESSAGE:
		if (!obj->u.message.read_write)
			return STORE_E_ACCESS;
		return store_message_set_props(obj->u.message.msg, vals);
	case EMS_OBJ_ATTACH:
		return store_message_attach_set_props(obj->u.attach.message->u.message.msg,
		                                      obj->u.attach.attach_num, vals);
	default:
		return STORE_E_ACCESS;
	}
}

static int raw_delete(struct ems_object *obj, const struct mapi_proptag_array *tags)
{
	switch (obj->type) {
	case EMS_OBJ_FOLDER:
		return store_folder_delete_props(obj->logon->mbox, obj->u.fid, tags);
	case EMS_OBJ_MESSAGE:
		if (!obj->u.message.read_write)
			return STORE_E_ACCESS;
		return store_message_delete_props(obj->u.message.msg, tags);
	default:
		return STORE_E_ACCESS;
	}
}

/* PtypString8 values become PtypString before they are stored. */
static uint32_t normalise(TALLOC_CTX *mem, const struct mapi_propval_array *in,
                          struct mapi_propval_array *out)
{
	out->count = in->count;
	out->vals = talloc_memdup(mem, in->vals, sizeof(*in->vals) * (in->count ? in->count : 1));
	if (out->vals == NULL)
		return EC_OutOfMemory;
	for (uint32_t i = 0; i < in->count; i++) {
		struct mapi_propval *v = &out->vals[i];
		uint16_t type = PROP_TYPE(v->tag);
		if (type == PT_STRING8 || type == PT_MV_STRING8) {
			if (type == PT_MV_STRING8) {
				char **copy =
				    talloc_array(mem, char *, v->v.mv.count ? v->v.mv.count : 1);
				if (copy == NULL)
					return EC_OutOfMemory;
				memcpy(copy, v->v.mv.str, sizeof(char *) * v->v.mv.count);
				v->v.mv.str = copy;
			}
			if (convert_string(mem, v,
			                   type == PT_STRING8 ? PT_UNICODE : PT_MV_UNICODE) != 0)
				return EC_OutOfMemory;
		}
	}
	return 0;
}

/* Stores what follows from the subject values just set. */
static uint32_t subject_follows(TALLOC_CTX *mem, struct ems_object *obj,
                                const struct mapi_propval_array *set)
{
	struct mapi_propval_array follow;
	uint32_t ec = ems_subject_follow(mem, obj, set, &follow);

	if (ec != 0 || follow.count == 0)
		return ec;
	return ems_ec_from_store(raw_set(obj, &follow));
}

/* Sets vals; properties the store refuses are listed in *problems_r
 * ([MS-OXCPRPT] 3.2.5.3), the others are set. */
uint32_t ems_props_set(TALLOC_CTX *mem, struct ems_object *obj,
                       const struct mapi_propval_array *vals,
                       struct rop_property_problem_array *problems_r)
{
	struct mapi_propval_array n;
	uint32_t ec = normalise(mem, vals, &n);
	int ret;

	problems_r->count = 0;
	problems_r->problems = NULL;
	if (ec != 0)
		return ec;
	if (obj->type == EMS_OBJ_LOGON)
		return EC_NotSupported;
	ret = raw_set(obj, &n);
	if (ret == 0)
		return subject_follows(mem, obj, &n);
	if (ret != STORE_E_ACCESS && ret != STORE_E_BADTYPE && ret != STORE_E_INVALID)
		return ems_ec_from_store(ret);
	if (obj->type == EMS_OBJ_MESSAGE && !obj->u.message.read_write)
		return EC_AccessDenied;
	/* one by one, to tell which ones were refused */
	problems_r->problems = talloc_zero_array(mem, struct rop_property_problem, n.count);
	if (problems_r->problems == NULL)
		return EC_OutOfMemory;
	for (uint32_t i = 0; i < n.count; i++) {
		struct mapi_propval_array one = {1, &n.vals[i]};
		ret = raw_set(obj, &one);
		if (ret == 0)
			continue;
		if (ret != STORE_E_ACCESS && ret != STORE_E_BADTYPE && ret != STORE_E_INVALID)
			return ems_ec_from_store(ret);
		struct rop_property_problem *pp = &problems_r->problems[problems_r->count++];
		pp->index = (uint16_t)i;
		pp->proptag = vals->vals[i].tag;
		pp->err = ems_ec_from_store(ret);
	}
	return subject_follows(mem, obj, &n);
}

uint32_t ems_props_delete(TALLOC_CTX *mem, struct ems_object *obj,
                          const struct mapi_proptag_array *tags,
                          struct rop_property_problem_array *problems_r)
{
	const struct mapi_proptag_array *st = store_tags(mem, tags);
	int ret;

	problems_r->count = 0;
	problems_r->problems = NULL;
	if (st == NULL)
		return EC_OutOfMemory;
	if (obj->type == EMS_OBJ_LOGON || obj->type == EMS_OBJ_ATTACH)
		return EC_NotSupported;
	ret = raw_delete(obj, st);
	return ems_ec_from_store(ret);
}

static uint32_t tag_unicode(uint32_t tag)
{
	if (PROP_TYPE(tag) == PT_STRING8)
		return CHANGE_PROP_TYPE(tag, PT_UNICODE);
	if (PROP_TYPE(tag) == PT_MV_STRING8)
		return CHANGE_PROP_TYPE(tag, PT_MV_UNICODE);
	return tag;
}

static int val_unicode(TALLOC_CTX *mem, struct mapi_propval *v)
{
	uint16_t type = PROP_TYPE(v->tag);

	if (type == PT_MV_STRING8) {
		char **copy = talloc_array(mem, char *, v->v.mv.count ? v->v.mv.count : 1);
		if (copy == NULL)
			return -1;
		memcpy(copy, v->v.mv.str, sizeof(char *) * v->v.mv.count);
		v->v.mv.str = copy;
	}
	if (type == PT_STRING8 || type == PT_MV_STRING8)
		return convert_string(mem, v, type == PT_STRING8 ? PT_UNICODE : PT_MV_UNICODE);
	return 0;
}

/* A copy of in with PtypString8 tags and values as PtypString (strings are
 * stored as PtypString); NULL on allocation failure or too deep. */
static struct mapi_restriction *res_copy(TALLOC_CTX *mem, const struct mapi_restriction *in,
                                         int depth)
{
	struct mapi_restriction *r;

	if (depth > MAPI_RESTRICTION_MAX_DEPTH ||
	    (r = talloc(mem, struct mapi_restriction)) == NULL)
		return NULL;
	*r = *in;
	switch (in->rt) {
	case RES_AND:
	case RES_OR:
		r->u.andor.res = talloc_array(r, struct mapi_restriction, in->u.andor.count + 1);
		for (uint32_t i = 0; r->u.andor.res != NULL && i < in->u.andor.count; i++) {
			struct mapi_restriction *c = res_copy(r, &in->u.andor.res[i], depth + 1);
			if (c == NULL)
				return NULL;
			r->u.andor.res[i] = *c;
		}
		return r->u.andor.res != NULL ? r : NULL;
	case RES_NOT:
		r->u.not_.res = res_copy(r, in->u.not_.res, depth + 1);
		return r->u.not_.res != NULL ? r : NULL;
	case RES_SUBRESTRICTION:
		r->u.sub.res = res_copy(r, in->u.sub.res, depth + 1);
		return r->u.sub.res != NULL ? r : NULL;
	case RES_COUNT:
		r->u.count.res = res_copy(r, in->u.count.res, depth + 1);
		return r->u.count.res != NULL ? r : NULL;
	case RES_CONTENT:
		r->u.content.proptag = tag_unicode(in->u.content.proptag);
		return val_unicode(r, &r->u.content.val) == 0 ? r : NULL;
	case RES_PROPERTY:
		r->u.prop.proptag = tag_unicode(in->u.prop.proptag);
		return val_unicode(r, &r->u.prop.val) == 0 ? r : NULL;
	case RES_COMPAREPROPS:
		r->u.compare.proptag1 = tag_unicode(in->u.compare.proptag1);
		r->u.compare.proptag2 = tag_unicode(in->u.compare.proptag2);
		return r;
	case RES_EXIST:
		r->u.exist.proptag = tag_unicode(in->u.exist.proptag);
		return r;
	case RES_SIZE:
		r->u.size.proptag = tag_unicode(in->u.size.proptag);
		return r;
	case RES_COMMENT:
		if (in->u.comment.res != NULL &&
		    (r->u.comment.res = res_copy(r, in->u.comment.res, depth + 1)) == NULL)
			return NULL;
		return r;
	default: /* RES_BITMASK: no string in it */
		return r;
	}
}

struct mapi_restriction *ems_res_unicode(TALLOC_CTX *mem, const struct mapi_restriction *in)
{
	return in != NULL ? res_copy(mem, in, 0) : NULL;
}

struct mapi_sort_order_set *ems_sort_unicode(TALLOC_CTX *mem, const struct mapi_sort_order_set *in)
{
	struct mapi_sort_order_set *s = talloc(mem, struct mapi_sort_order_set);

	if (s == NULL)
		return NULL;
	*s = *in;
	s->sorts = talloc_array(s, struct mapi_sort_order, in->count ? in->count : 1);
	if (s->sorts == NULL)
		return NULL;
	for (uint16_t i = 0; i < in->count; i++) {
		s->sorts[i] = in->sorts[i];
		s->sorts[i].proptag = tag_unicode(in->sorts[i].proptag);
	}
	return s;
}
