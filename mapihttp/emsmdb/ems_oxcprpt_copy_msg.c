/*
 * A message's contents copied into another message instance, possibly of
 * another mailbox: its properties, recipients and attachments, and the
 * message embedded in an attachment ([MS-OXCMSG] 2.2.2.9 afEmbeddedMessage)
 * as a message of its own, recursively.  Used by RopCopyTo with
 * WantSubObjects ([MS-OXCPRPT] 2.2.11) and by local delivery
 * (RopSubmitMessage, [MS-OXOMSG] 3.2.5.1).
 *
 * Named property IDs (0x8000 and up) are the mapping of one mailbox
 * ([MS-OXCPRPT] 2.2.12): every value copied into another mailbox is named
 * in the source's mapping and takes the destination's ID for that name, at
 * every level of the copy (recipients, attachments, embedded messages).
 */
#include "ems_private.h"
#include "log.h"

#define PR_ATTACH_NUM_ID 0x0E21
#define PR_ATTACH_SIZE   0x0E20
/* Embedded messages nested deeper than this are refused (ecMessageTooBig)
 * rather than followed: each level is a recursion of the copy, and only
 * the message size bounds how deep a client may nest them. */
#define EMBED_DEPTH_MAX 64

int ems_named_map_tags(TALLOC_CTX *mem, struct store_mailbox *from, struct store_mailbox *to,
                       uint32_t count, uint32_t *tags)
{
	TALLOC_CTX *tmp;
	struct mapi_property_name *names, *want;
	uint16_t *ids, *nids;
	uint32_t n = 0, known = 0;
	int ret = 0;

	if (from == NULL || to == NULL || from == to)
		return 0;
	tmp = talloc_new(mem);
	ids = talloc_array(tmp, uint16_t, count ? count : 1);
	nids = talloc_array(tmp, uint16_t, count ? count : 1);
	want = talloc_array(tmp, struct mapi_property_name, count ? count : 1);
	if (tmp == NULL || ids == NULL || nids == NULL || want == NULL) {
		ret = STORE_E_NOMEM;
		goto out;
	}
	for (uint32_t i = 0; i < count; i++) {
		if (PROP_ID(tags[i]) >= 0x8000)
			ids[n++] = PROP_ID(tags[i]);
	}
	if (n == 0)
		goto out;
	/* [MS-OXCPRPT] 3.2.5.9: the names in the source's mapping */
	ret = store_named_from_ids(tmp, from, n, ids, &names);
	if (ret != 0)
		goto out;
	/* [MS-OXCPRPT] 2.2.12: the destination's IDs for the names that
	 * exist, created when new, in one call */
	for (uint32_t j = 0; j < n; j++) {
		if (names[j].kind != MNID_NONE)
			want[known++] = names[j];
	}
	if (known > 0)
		ret = store_named_to_ids(to, known, want, true, nids);
	for (uint32_t i = 0, j = 0, k = 0; ret == 0 && i < count; i++) {
		if (PROP_ID(tags[i]) < 0x8000)
			continue;
		/* an ID that names nothing in from: tag 0, for the caller to
		 * drop (no mailbox could name it) */
		uint16_t nid = names[j++].kind != MNID_NONE ? nids[k++] : 0;
		tags[i] = nid != 0 ? PROP_TAG(PROP_TYPE(tags[i]), nid) : 0;
	}
out:
	talloc_free(tmp);
	return ret;
}

int ems_named_map(TALLOC_CTX *mem, struct store_mailbox *from, struct store_mailbox *to,
                  struct mapi_propval_array *vals)
{
	uint32_t *tags, kept = 0;
	int ret;

	if (from == NULL || to == NULL || from == to || vals->count == 0)
		return 0;
	tags = talloc_array(mem, uint32_t, vals->count);
	if (tags == NULL)
		return STORE_E_NOMEM;
	for (uint32_t i = 0; i < vals->count; i++)
		tags[i] = vals->vals[i].tag;
	ret = ems_named_map_tags(mem, from, to, vals->count, tags);
	for (uint32_t i = 0; ret == 0 && i < vals->count; i++) {
		if (tags[i] == 0)
			continue; /* no mailbox could name it */
		vals->vals[kept] = vals->vals[i];
		vals->vals[kept++].tag = tags[i];
	}
	if (ret == 0)
		vals->count = kept;
	talloc_free(tags);
	return ret;
}

int ems_message_set_copyable(struct store_message *msg, const struct mapi_propval_array *vals)
{
	int ret = store_message_set_props(msg, vals);

	if (ret != STORE_E_ACCESS && ret != STORE_E_BADTYPE)
		return ret;
	/* one by one: the computed ones (refused) are the store's own */
	for (uint32_t i = 0; i < vals->count; i++) {
		struct mapi_propval_array one = {1, &vals->vals[i]};
		ret = store_message_set_props(msg, &one);
		if (ret != 0 && ret != STORE_E_ACCESS && ret != STORE_E_BADTYPE)
			return ret;
	}
	return 0;
}

static int copy_parts(TALLOC_CTX *mem, struct store_mailbox *from, struct store_message *src,
                      struct store_mailbox *to, struct store_message *dst, unsigned depth,
                      unsigned parts);

int ems_message_drop_parts(TALLOC_CTX *mem, struct store_message *msg, unsigned parts)
{
	struct mapi_propval_array *rows;
	uint32_t count = 0, *ids;
	int ret = 0;

	if (parts & EMS_PARTS_RECIPIENTS)
		ret = store_message_get_recipients(mem, msg, &count, &ids, &rows);
	for (uint32_t i = 0; ret == 0 && i < count; i++)
		rows[i].count = 0; /* a row without properties is removed */
	if (ret == 0 && count > 0)
		ret = store_message_modify_recipients(msg, count, ids, rows);
	count = 0;
	if (ret == 0 && (parts & EMS_PARTS_ATTACHMENTS))
		ret = store_message_attach_list(mem, msg, &ids, &count);
	for (uint32_t i = 0; ret == 0 && i < count; i++)
		ret = store_message_attach_delete(msg, ids[i]);
	return ret;
}

/* Empties an embedded message the copy replaces: its properties (the
 * computed ones stay computed), recipients and attachments. */
static int clear_message(TALLOC_CTX *mem, struct store_message *msg)
{
	struct mapi_propval_array vals;
	int ret = ems_message_drop_parts(mem, msg, EMS_PARTS_RECIPIENTS | EMS_PARTS_ATTACHMENTS);

	if (ret == 0)
		ret = store_message_get_props(mem, msg, NULL, &vals);
	for (uint32_t i = 0; ret == 0 && i < vals.count; i++) {
		struct mapi_proptag_array one = {1, &vals.vals[i].tag};
		ret = store_message_delete_props(msg, &one);
		if (ret == STORE_E_ACCESS)
			ret = 0; /* computed */
	}
	return ret;
}

/* The message embedded in attachment snum of src, if any, copied as the
 * message embedded in attachment dnum of dst ([MS-OXCMSG] 2.2.3.16: it is
 * opened as a message, created in dst's attachment, then saved into it);
 * its properties, recipients and attachments, named IDs mapped.  A message
 * dst's attachment holds already is kept (keep) or replaced. */
static int copy_embedded(TALLOC_CTX *mem, struct store_mailbox *from, struct store_message *src,
                         uint32_t snum, struct store_mailbox *to, struct store_message *dst,
                         uint32_t dnum, bool keep, unsigned depth)
{
	TALLOC_CTX *tmp = talloc_new(mem);
	struct store_message *se = NULL, *de = NULL;
	struct mapi_propval_array vals = {0, NULL};
	uint32_t n = 0;
	int ret;

	if (tmp == NULL)
		return STORE_E_NOMEM;
	/* opened without Create: an attachment holding no message is done */
	ret = store_message_open_embedded(tmp, src, snum, false, &se);
	if (ret == STORE_E_NOTFOUND) {
		ret = 0;
		goto out;
	}
	if (ret == 0 && depth >= EMBED_DEPTH_MAX) {
		log_info(EMS_LOG, "copy refused: embedded messages nested deeper than %d",
		         EMBED_DEPTH_MAX);
		ret = STORE_E_TOOBIG;
	}
	if (ret == 0) {
		ret = store_message_open_embedded(tmp, dst, dnum, false, &de);
		if (ret == 0 && keep)
			goto out;
		if (ret == 0)
			ret = clear_message(tmp, de);
		else if (ret == STORE_E_NOTFOUND)
			ret = store_message_open_embedded(tmp, dst, dnum, true, &de);
	}
	if (ret == 0)
		ret = store_message_get_props(tmp, se, NULL, &vals);
	for (uint32_t i = 0; ret == 0 && i < vals.count; i++) {
		if (PROP_TYPE(vals.vals[i].tag) != PT_ERROR)
			vals.vals[n++] = vals.vals[i];
	}
	if (ret == 0) {
		vals.count = n;
		ret = ems_named_map(tmp, from, to, &vals);
	}
	if (ret == 0)
		ret = ems_message_set_copyable(de, &vals);
	if (ret == 0)
		ret = copy_parts(tmp, from, se, to, de, depth + 1,
		                 EMS_PARTS_RECIPIENTS | EMS_PARTS_ATTACHMENTS);
	/* written into dst's attachment; dst's own save makes it durable */
	if (ret == 0)
		ret = store_message_save(de, false);
out:
	store_message_close(&de);
	store_message_close(&se);
	talloc_free(tmp);
	return ret;
}

/* Attachment num of src as a new attachment of dst. */
static int copy_attachment(TALLOC_CTX *mem, struct store_mailbox *from, struct store_message *src,
                           uint32_t num, struct store_mailbox *to, struct store_message *dst,
                           unsigned depth)
{
	TALLOC_CTX *tmp = talloc_new(mem);
	struct mapi_proptag_array tags;
	struct mapi_propval_array vals, rest;
	uint32_t dnum;
	int ret = tmp != NULL ? 0 : STORE_E_NOMEM;

	/* one attachment's values at a time */
	if (ret == 0)
		ret = store_message_attach_tags(tmp, src, num, &tags);
	if (ret == 0)
		ret = store_message_attach_get_props(tmp, src, num, &tags, &vals);
	if (ret == 0)
		ret = store_message_attach_create(dst, &dnum);
	if (ret != 0)
		goto out;
	/* PidTagAttachNumber and PidTagAttachSize are computed for the new
	 * one ([MS-OXCMSG] 2.2.2.5); a value the store does not give as a
	 * property (the embedded message, answered ecNotFound) is copied as
	 * the message it is, below */
	rest.count = 0;
	rest.vals = vals.vals;
	for (uint32_t j = 0; j < vals.count; j++) {
		uint32_t tag = vals.vals[j].tag;
		if (PROP_ID(tag) != PR_ATTACH_NUM_ID && PROP_ID(tag) != PR_ATTACH_SIZE &&
		    PROP_TYPE(tag) != PT_ERROR)
			rest.vals[rest.count++] = vals.vals[j];
	}
	ret = ems_named_map(tmp, from, to, &rest);
	if (ret == 0)
		ret = store_message_attach_set_props(dst, dnum, &rest);
	if (ret == 0)
		ret = copy_embedded(tmp, from, src, num, to, dst, dnum, false, depth);
out:
	talloc_free(tmp);
	return ret;
}

/* The recipients of src added to dst's.  [MS-OXCPRPT] 2.2.11 says that
 * WantSubObjects copies a message's subobjects with it; no text found (in
 * 2.2.11 or 3.2.5.8) says what becomes of the recipients the destination
 * has already (spec silent): they are kept, and the copied rows take row
 * IDs after the destination's highest so that none of them replaces one of
 * the destination's (a row ID names one row, [MS-OXCMSG] 2.2.1.4); into a
 * message without recipients they keep their IDs. */
static int copy_recipients(TALLOC_CTX *mem, struct store_mailbox *from, struct store_message *src,
                           struct store_mailbox *to, struct store_message *dst)
{
	uint32_t count, have, *ids, *own, next = 0;
	struct mapi_propval_array *rows, *own_rows;
	int ret = store_message_get_recipients(mem, dst, &have, &own, &own_rows);

	for (uint32_t i = 0; ret == 0 && i < have; i++) {
		if (own[i] >= next)
			next = own[i] + 1;
	}
	if (ret == 0)
		ret = store_message_get_recipients(mem, src, &count, &ids, &rows);
	if (ret == 0 && have > 0 && count > UINT32_MAX - next)
		ret = STORE_E_TOOBIG; /* no row ID left for them */
	for (uint32_t i = 0; ret == 0 && i < count; i++) {
		/* a PidTagRowid value, if the row has one, names the new row */
		for (uint32_t k = 0; have > 0 && k < rows[i].count; k++) {
			if (rows[i].vals[k].tag == PROP_TAG(PT_LONG, 0x3000))
				rows[i].vals[k].v.i32 = next + i;
		}
		if (have > 0)
			ids[i] = next + i;
		ret = ems_named_map(mem, from, to, &rows[i]);
	}
	if (ret == 0 && count > 0)
		ret = store_message_modify_recipients(dst, count, ids, rows);
	return ret;
}

/* The parts of src (recipients, attachments) into dst; attachments are
 * added as new ones, numbered after dst's own (store_message_attach_create). */
static int copy_parts(TALLOC_CTX *mem, struct store_mailbox *from, struct store_message *src,
                      struct store_mailbox *to, struct store_message *dst, unsigned depth,
                      unsigned parts)
{
	uint32_t count = 0, *nums;
	int ret = 0;

	if (parts & EMS_PARTS_RECIPIENTS)
		ret = copy_recipients(mem, from, src, to, dst);
	if (ret == 0 && (parts & EMS_PARTS_ATTACHMENTS))
		ret = store_message_attach_list(mem, src, &nums, &count);
	for (uint32_t i = 0; ret == 0 && i < count; i++)
		ret = copy_attachment(mem, from, src, nums[i], to, dst, depth);
	return ret;
}

int ems_message_copy_some(TALLOC_CTX *mem, struct store_mailbox *from, struct store_message *src,
                          struct store_mailbox *to, struct store_message *dst, unsigned parts)
{
	TALLOC_CTX *tmp = talloc_new(mem);
	int ret;

	if (tmp == NULL)
		return STORE_E_NOMEM;
	ret = copy_parts(tmp, from, src, to, dst, 0, parts);
	talloc_free(tmp);
	return ret;
}

int ems_message_copy_parts(TALLOC_CTX *mem, struct store_mailbox *from, struct store_message *src,
                           struct store_mailbox *to, struct store_message *dst)
{
	return ems_message_copy_some(mem, from, src, to, dst,
	                             EMS_PARTS_RECIPIENTS | EMS_PARTS_ATTACHMENTS);
}

int ems_attach_copy_embedded(TALLOC_CTX *mem, struct store_mailbox *from, struct store_message *src,
                             uint32_t snum, struct store_mailbox *to, struct store_message *dst,
                             uint32_t dnum, bool keep)
{
	return copy_embedded(mem, from, src, snum, to, dst, dnum, keep, 0);
}
