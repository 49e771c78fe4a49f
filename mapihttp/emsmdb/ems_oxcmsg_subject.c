/*
 * The three subject properties of a message kept consistent as they are
 * set: PidTagSubject is the concatenation of PidTagSubjectPrefix and
 * PidTagNormalizedSubject ([MS-OXCMSG] 2.2.1.46, 2.2.1.9, 2.2.1.10).  A
 * client that sets the parts gets the whole; a client that sets only the
 * whole gets the parts, split as the message store computes them (the
 * prefix is one to three letters followed by a colon and a space, as in
 * "RE: " or "AW: "; [MS-OXCMAIL] 2.2.3.2.6.1 splits Subject headers the
 * same way).
 */
#include <string.h>

#include "ems_private.h"

#define PR_SUBJECT            PROP_TAG(PT_UNICODE, 0x0037)
#define PR_SUBJECT_PREFIX     PROP_TAG(PT_UNICODE, 0x003D)
#define PR_NORMALIZED_SUBJECT PROP_TAG(PT_UNICODE, 0x0E1D)

/* The length in bytes of the prefix that starts subject (UTF-8), or 0:
 * one to three characters that are neither digits, blanks nor ASCII
 * punctuation, then ": ". */
static size_t prefix_length(const char *subject)
{
	const unsigned char *s = (const unsigned char *)subject;
	size_t i = 0;
	unsigned chars = 0;

	while (chars < 3 && s[i] != '\0' && s[i] != ':') {
		if (s[i] < 0x80) {
			if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z')))
				return 0;
			i++;
		} else {
			/* one code point: a lead byte, then its continuation bytes */
			i++;
			while ((s[i] & 0xC0) == 0x80)
				i++;
		}
		chars++;
	}
	if (chars == 0 || s[i] != ':' || s[i + 1] != ' ')
		return 0;
	return i + 2;
}

static const struct mapi_propval *find(const struct mapi_propval_array *vals, uint32_t tag)
{
	for (uint32_t i = 0; i < vals->count; i++) {
		if (vals->vals[i].tag == tag)
			return &vals->vals[i];
	}
	return NULL;
}

static const char *str_of(const struct mapi_propval *v)
{
	return PROP_TYPE(v->tag) == PT_UNICODE ? v->v.str : "";
}

/* The values that follow from what set holds and what the message holds
 * now (cur: subject, prefix, normalized).  0 values when nothing follows. */
static uint32_t derive(TALLOC_CTX *mem, const struct mapi_propval_array *set,
                       const struct mapi_propval *cur, struct mapi_propval *out)
{
	const struct mapi_propval *subj = find(set, PR_SUBJECT);
	bool parts =
	    find(set, PR_SUBJECT_PREFIX) != NULL || find(set, PR_NORMALIZED_SUBJECT) != NULL;
	const char *s, *prefix;
	size_t n;

	if (subj == NULL && parts) {
		/* the parts were set: the whole follows */
		out[0].tag = PR_SUBJECT;
		out[0].v.str = talloc_asprintf(mem, "%s%s", str_of(&cur[1]), str_of(&cur[2]));
		return out[0].v.str != NULL ? 1 : 0;
	}
	if (subj == NULL || parts)
		return 0;
	/* the whole was set: the parts follow; a prefix the message has kept
	 * stays when the new subject still starts with it */
	s = subj->v.str;
	prefix = str_of(&cur[1]);
	n = strlen(prefix);
	if (n == 0 || strncmp(s, prefix, n) != 0)
		n = prefix_length(s);
	out[0].tag = PR_SUBJECT_PREFIX;
	out[0].v.str = talloc_strndup(mem, s, n);
	out[1].tag = PR_NORMALIZED_SUBJECT;
	out[1].v.str = (char *)s + n;
	return out[0].v.str != NULL ? 2 : 0;
}

uint32_t ems_subject_follow(TALLOC_CTX *mem, struct ems_object *obj,
                            const struct mapi_propval_array *set,
                            struct mapi_propval_array *follow_r)
{
	uint32_t tags[] = {PR_SUBJECT, PR_SUBJECT_PREFIX, PR_NORMALIZED_SUBJECT};
	struct mapi_proptag_array ta = {3, tags};
	struct mapi_propval_array cur;
	uint32_t ec;

	follow_r->count = 0;
	follow_r->vals = NULL;
	if (obj->type != EMS_OBJ_MESSAGE ||
	    (find(set, PR_SUBJECT) == NULL && find(set, PR_SUBJECT_PREFIX) == NULL &&
	     find(set, PR_NORMALIZED_SUBJECT) == NULL))
		return 0;
	ec = ems_props_get(mem, obj, &ta, true, &cur);
	if (ec != 0)
		return ec;
	follow_r->vals = talloc_zero_array(mem, struct mapi_propval, 2);
	if (follow_r->vals == NULL)
		return EC_OutOfMemory;
	follow_r->count = derive(mem, set, cur.vals, follow_r->vals);
	return 0;
}
