#include "notif.h"
#include "test.h"

#define LE64(v)                                                                                    \
	(uint8_t)(v), (uint8_t)((v) >> 8), (uint8_t)((v) >> 16), (uint8_t)((v) >> 24),             \
	    (uint8_t)((uint64_t)(v) >> 32), (uint8_t)((uint64_t)(v) >> 40),                        \
	    (uint8_t)((uint64_t)(v) >> 48), (uint8_t)((uint64_t)(v) >> 56)

static const uint32_t col_tags[] = {PROP_TAG(PT_UNICODE, 0x0037), PROP_TAG(PT_LONG, 0x0E08)};
static const struct mapi_proptag_array columns = {2, (uint32_t *)col_tags};

/* Decodes in, checks it re-encodes byte-exact, that every truncation fails
 * with ROP_E_SHORT, and every too-small output with ROP_E_NOSPACE. */
static void check_bytes(TALLOC_CTX *ctx, const uint8_t *in, size_t len,
                        const struct mapi_proptag_array *cols, struct notif_data *nd)
{
	struct rop_pull p;
	struct rop_push w;
	uint8_t out[512];

	rop_pull_init(&p, ctx, in, len);
	test_assert_int(notif_pull(&p, cols, nd), ROP_OK);
	test_assert_int(rop_pull_left(&p), 0);
	rop_push_init_fixed(&w, out, sizeof(out));
	test_assert_int(notif_push(&w, cols, nd), ROP_OK);
	test_assert_int(w.ofs, len);
	if (w.ofs == len)
		test_assert_mem(out, in, len);
	for (size_t cut = 0; cut < len; cut++) {
		struct notif_data t;
		rop_pull_init(&p, ctx, in, cut);
		test_assert_int(notif_pull(&p, cols, &t), ROP_E_SHORT);
		test_assert_int(p.ofs, 0);
	}
	for (size_t cap = 0; cap < len; cap++) {
		rop_push_init_fixed(&w, out, cap);
		test_assert_int(notif_push(&w, cols, nd), ROP_E_NOSPACE);
		test_assert_int(w.ofs, 0);
	}
}

static void test_new_mail(void)
{
	/* NewMail with M: FolderId, MessageId, MessageFlags, UnicodeFlag,
	 * MessageClass ([MS-OXCNOTIF] 2.2.1.4.1.2) */
	static const uint8_t in[] = {0x02,
	                             0x80,
	                             LE64(0x0100000000000A01ull),
	                             LE64(0x0100000000002B01ull),
	                             0x00,
	                             0x00,
	                             0x00,
	                             0x00,
	                             0x00,
	                             'I',
	                             'P',
	                             'M',
	                             '.',
	                             'N',
	                             'o',
	                             't',
	                             'e',
	                             0x00};
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct notif_data nd;

	test_begin("notification NewMail");
	check_bytes(ctx, in, sizeof(in), NULL, &nd);
	test_assert_int(nd.flags & NOTIF_TYPE_MASK, NOTIF_NEW_MAIL);
	test_assert(nd.fid == 0x0100000000000A01ull);
	test_assert(nd.mid == 0x0100000000002B01ull);
	test_assert_str(nd.message_class, "IPM.Note");
	test_end();
	talloc_free(ctx);
}

static void test_object_events(void)
{
	/* folder created: FolderId, ParentFolderId, TagCount 0xFFFF */
	static const uint8_t created[] = {0x04, 0x00, LE64(0x11), LE64(0x22), 0xFF, 0xFF};
	/* message modified with T and U: FolderId, MessageId, 2 tags, counts */
	static const uint8_t modified[] = {
	    0x10, 0xB0, LE64(0x11), LE64(0x33), 0x02, 0x00, 0x1F, 0x00, 0x37, 0x00, 0x03,
	    0x00, 0x08, 0x0E,       0x05,       0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00};
	/* message moved: FolderId, MessageId, OldFolderId, OldMessageId */
	static const uint8_t moved_msg[] = {0x20, 0x80, LE64(1), LE64(2), LE64(3), LE64(4)};
	/* folder copied: FolderId, ParentFolderId, OldFolderId, OldParentFolderId */
	static const uint8_t copied_fld[] = {0x40, 0x00, LE64(1), LE64(2), LE64(3), LE64(4)};
	/* message created in a search folder (S and M): ParentFolderId too */
	static const uint8_t search_created[] = {0x04, 0xC0, LE64(1), LE64(2), LE64(3), 0x00, 0x00};
	/* message deleted, not in a search folder: no ParentFolderId */
	static const uint8_t deleted_msg[] = {0x08, 0x80, LE64(1), LE64(2)};
	/* search complete: FolderId only */
	static const uint8_t search_done[] = {0x80, 0x00, LE64(9)};
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct notif_data nd;

	test_begin("notification object events: field presence by type and flags");
	check_bytes(ctx, created, sizeof(created), NULL, &nd);
	test_assert(nd.parent_fid == 0x22);
	test_assert_int(nd.tag_count, NOTIF_TAGCOUNT_ALL);
	check_bytes(ctx, modified, sizeof(modified), NULL, &nd);
	test_assert_int(nd.tag_count, 2);
	test_assert(nd.tags != NULL && nd.tags[1] == 0x0E080003);
	test_assert_int(nd.total_count, 5);
	test_assert_int(nd.unread_count, 1);
	check_bytes(ctx, moved_msg, sizeof(moved_msg), NULL, &nd);
	test_assert(nd.old_fid == 3 && nd.old_mid == 4 && nd.parent_fid == 0);
	check_bytes(ctx, copied_fld, sizeof(copied_fld), NULL, &nd);
	test_assert(nd.parent_fid == 2 && nd.old_fid == 3 && nd.old_parent_fid == 4);
	check_bytes(ctx, search_created, sizeof(search_created), NULL, &nd);
	test_assert(nd.mid == 2 && nd.parent_fid == 3);
	check_bytes(ctx, deleted_msg, sizeof(deleted_msg), NULL, &nd);
	check_bytes(ctx, search_done, sizeof(search_done), NULL, &nd);
	test_assert(nd.fid == 9);
	test_end();
	talloc_free(ctx);
}

static void test_table_events(void)
{
	/* row added in a contents table (M): TableRowFolderID, TableRowMessageID,
	 * TableRowInstance, InsertAfter FID/MID/Instance, then the row in the
	 * columns (PtypString subject "A", PtypInteger32 size 0x10) */
	static const uint8_t added[] = {0x00, 0x81, 0x03, 0x00,    LE64(1), LE64(2), 0x00,
	                                0x00, 0x00, 0x00, LE64(1), LE64(5), 0x00,    0x00,
	                                0x00, 0x00, 0x09, 0x00,    0x00,    'A',     0x00,
	                                0x00, 0x00, 0x10, 0x00,    0x00,    0x00};
	/* row deleted in a hierarchy table: TableRowFolderID only */
	static const uint8_t deleted[] = {0x00, 0x01, 0x04, 0x00, LE64(7)};
	/* table changed: the event alone */
	static const uint8_t changed[] = {0x00, 0x01, 0x01, 0x00};
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct notif_data nd;

	test_begin("notification TableModified with rows decoded by the columns");
	check_bytes(ctx, added, sizeof(added), &columns, &nd);
	test_assert_int(nd.table_event, NOTIF_TABLE_ROW_ADDED);
	test_assert(nd.insert_after_mid == 5);
	test_assert_int(nd.row.vals.count, 2);
	if (nd.row.vals.count == 2) {
		test_assert_str(nd.row.vals.vals[0].v.str, "A");
		test_assert_int(nd.row.vals.vals[1].v.i32, 0x10);
	}
	/* without columns the row is kept raw and still round-trips */
	check_bytes(ctx, added, sizeof(added), NULL, &nd);
	test_assert_int(nd.row_raw.len, 9);
	check_bytes(ctx, deleted, sizeof(deleted), NULL, &nd);
	test_assert(nd.table_row_fid == 7);
	check_bytes(ctx, changed, sizeof(changed), NULL, &nd);
	test_end();
	talloc_free(ctx);
}

static void test_invalid(void)
{
	static const uint8_t unknown_type[] = {0x00, 0x02, 0, 0, 0, 0, 0, 0, 0, 0};
	/* the row's size says 3 bytes but the row in the columns needs more */
	static const uint8_t short_row[] = {0x00, 0x01, 0x03, 0x00, LE64(1), LE64(2),
	                                    0x03, 0x00, 0x00, 'A',  0x00};
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct notif_data nd = {.flags = NOTIF_SEARCH_COMPLETE | NOTIF_FLAG_SEARCH};
	struct rop_pull p;
	struct rop_push w;
	uint8_t out[64];

	test_begin("notification malformed input and invalid values");
	rop_pull_init(&p, ctx, unknown_type, sizeof(unknown_type));
	test_assert_int(notif_pull(&p, NULL, &nd), ROP_E_UNSUPPORTED);
	rop_pull_init(&p, ctx, short_row, sizeof(short_row));
	test_assert(notif_pull(&p, &columns, &nd) != ROP_OK);
	test_assert_int(p.ofs, 0);
	nd = (struct notif_data){.flags = NOTIF_SEARCH_COMPLETE | NOTIF_FLAG_SEARCH};
	rop_push_init_fixed(&w, out, sizeof(out));
	test_assert_int(notif_push(&w, NULL, &nd), ROP_E_INVALID); /* S needs M */
	/* ... and the decoder refuses it too (found by the rop_list fuzz
	 * target: ObjectCopied with S and U but no M decoded, then failed to
	 * encode) */
	static const uint8_t s_without_m[] = {0x40, 0x60, LE64(1), LE64(2), LE64(3), 0, 0, 0, 0};
	rop_pull_init(&p, ctx, s_without_m, sizeof(s_without_m));
	test_assert_int(notif_pull(&p, NULL, &nd), ROP_E_INVALID);
	test_assert_int(p.ofs, 0);
	nd = (struct notif_data){.flags = NOTIF_NEW_MAIL | NOTIF_FLAG_MESSAGE};
	test_assert_int(notif_push(&w, NULL, &nd), ROP_E_INVALID); /* no class */
	test_assert_int(w.ofs, 0);
	test_end();
	talloc_free(ctx);
}

int main(void)
{
	test_new_mail();
	test_object_events();
	test_table_events();
	test_invalid();
	return test_exit();
}
