/* Tests of entry IDs, GLOBCNT and LongTermID. */
#include "rop_entryid.h"
#include "test.h"

static const struct mapi_guid g1 = {{0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xAA,
                                     0xBB, 0xCC, 0xDD, 0xEE, 0xFF, 0x00}};

static void test_ids(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct rop_push w;
	struct rop_pull r;
	uint64_t cnt;
	struct mapi_long_term_id lt = {g1, {0, 0, 0, 0, 0, 0x2A}, 0}, lt2;

	test_begin("GLOBCNT big-endian, LongTermID 24 bytes");
	rop_push_init_growable(&w, tmp);
	test_assert_int(rop_push_globcnt(&w, 0x010203040506ull), ROP_OK);
	test_assert_mem(w.data, "\x01\x02\x03\x04\x05\x06", 6);
	rop_pull_init(&r, tmp, w.data, w.ofs);
	test_assert_int(rop_pull_globcnt(&r, &cnt), ROP_OK);
	test_assert(cnt == 0x010203040506ull);
	test_assert_int(rop_push_globcnt(&w, 1ull << 48), ROP_E_INVALID);
	rop_push_init_growable(&w, tmp);
	test_assert_int(rop_push_long_term_id(&w, &lt), ROP_OK);
	test_assert_int(w.ofs, 24);
	rop_pull_init(&r, tmp, w.data, w.ofs);
	test_assert_int(rop_pull_long_term_id(&r, &lt2), ROP_OK);
	test_assert(memcmp(&lt, &lt2, sizeof(lt)) == 0);
	test_end();
	talloc_free(tmp);
}

static void test_folder_message(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct rop_folder_entryid f = {0, g1, EITLT_PRIVATE_FOLDER, g1, 0x000000000123ull}, f2;
	struct rop_message_entryid m = {0, g1, EITLT_PRIVATE_MESSAGE, g1, 5, g1, 0x77}, m2;
	struct rop_push w;
	struct rop_pull r;

	test_begin("Folder EntryID 46 bytes, Message EntryID 70 bytes, round trip");
	rop_push_init_growable(&w, tmp);
	test_assert_int(rop_push_folder_entryid(&w, &f), ROP_OK);
	test_assert_int(w.ofs, 46);
	/* FolderType after Flags and ProviderUID; GLOBCNT big-endian, pad */
	test_assert_mem(w.data + 20, "\x01\x00", 2);
	test_assert_mem(w.data + 38, "\x00\x00\x00\x00\x01\x23\x00\x00", 8);
	rop_pull_init(&r, tmp, w.data, w.ofs);
	test_assert_int(rop_pull_folder_entryid(&r, &f2), ROP_OK);
	test_assert(f2.type == f.type && f2.globcnt == f.globcnt &&
	            memcmp(&f2.database_guid, &g1, 16) == 0);
	for (size_t cut = 0; cut < w.ofs; cut++) {
		rop_pull_init(&r, tmp, w.data, cut);
		test_assert(rop_pull_folder_entryid(&r, &f2) != ROP_OK);
	}
	w.data[44] = 1; /* non-zero pad */
	rop_pull_init(&r, tmp, w.data, w.ofs);
	test_assert_int(rop_pull_folder_entryid(&r, &f2), ROP_E_INVALID);

	rop_push_init_growable(&w, tmp);
	test_assert_int(rop_push_message_entryid(&w, &m), ROP_OK);
	test_assert_int(w.ofs, 70);
	rop_pull_init(&r, tmp, w.data, w.ofs);
	test_assert_int(rop_pull_message_entryid(&r, &m2), ROP_OK);
	test_assert(m2.folder_globcnt == 5 && m2.message_globcnt == 0x77 &&
	            m2.type == EITLT_PRIVATE_MESSAGE);
	test_end();
	talloc_free(tmp);
}

static void test_store(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct rop_store_entryid e, e2;
	struct rop_push w, w2;
	struct rop_pull r;

	test_begin("Store Object EntryID: wrapped EMSMDB private and public");
	rop_store_entryid_init(&e, "mail.example.com", "/o=Org/cn=Recipients/cn=user");
	rop_push_init_growable(&w, tmp);
	test_assert_int(rop_push_store_entryid(&w, &e), ROP_OK);
	test_assert_mem(w.data + 4, rop_uid_store_wrap.b, 16);
	test_assert_mem(w.data + 22, "emsmdb.dll\0\0\0\0", 14);
	test_assert_mem(w.data + 40, rop_uid_emsmdb_private.b, 16);
	test_assert_mem(w.data + 56, "\x0C\x00\x00\x00", 4);
	rop_pull_init(&r, tmp, w.data, w.ofs);
	test_assert_int(rop_pull_store_entryid(&r, &e2), ROP_OK);
	test_assert_str(e2.server_shortname, "mail.example.com");
	test_assert_str(e2.mailbox_dn, "/o=Org/cn=Recipients/cn=user");
	test_assert_int(e2.extra.len, 0);
	rop_push_init_growable(&w2, tmp);
	test_assert_int(rop_push_store_entryid(&w2, &e2), ROP_OK);
	test_assert(w2.ofs == w.ofs && memcmp(w2.data, w.data, w.ofs) == 0);
	for (size_t cut = 0; cut < 61; cut++) {
		rop_pull_init(&r, tmp, w.data, cut);
		test_assert(rop_pull_store_entryid(&r, &e2) != ROP_OK);
	}
	rop_store_entryid_init(&e, "pf.example.com", NULL);
	rop_push_init_growable(&w, tmp);
	test_assert_int(rop_push_store_entryid(&w, &e), ROP_OK);
	rop_pull_init(&r, tmp, w.data, w.ofs);
	test_assert_int(rop_pull_store_entryid(&r, &e2), ROP_OK);
	test_assert(e2.mailbox_dn == NULL && e2.wrapped_type == ROP_STORE_WRAPPED_PUBLIC);
	test_end();
	talloc_free(tmp);
}

static void test_ab_oneoff(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct rop_ab_entryid ab = {0, rop_uid_address_book, 1, 0, (char *)"/o=Org/cn=u"}, ab2;
	struct rop_ab_ephemeral_entryid eph = {0x87, {0, 0, 0}, g1, 1, 0, 42}, eph2;
	struct rop_oneoff_entryid oo = {0,
	                                0,
	                                ROP_ONEOFF_UNICODE | ROP_ONEOFF_NO_RICH_INFO,
	                                (char *)"Bob",
	                                (char *)"SMTP",
	                                (char *)"b@x.org"},
	                          oo2;
	struct rop_push w, w2;
	struct rop_pull r;

	test_begin("Address Book EntryIDs (permanent, ephemeral) and One-Off EntryID");
	rop_push_init_growable(&w, tmp);
	test_assert_int(rop_push_ab_entryid(&w, &ab), ROP_OK);
	test_assert_int(w.ofs, 28 + 12);
	rop_pull_init(&r, tmp, w.data, w.ofs);
	test_assert_int(rop_pull_ab_entryid(&r, &ab2), ROP_OK);
	test_assert_str(ab2.dn, "/o=Org/cn=u");
	test_assert(ab2.version == 1 && memcmp(&ab2.provider_uid, &rop_uid_address_book, 16) == 0);

	rop_push_init_growable(&w, tmp);
	test_assert_int(rop_push_ab_ephemeral_entryid(&w, &eph), ROP_OK);
	test_assert_int(w.ofs, 32);
	rop_pull_init(&r, tmp, w.data, w.ofs);
	test_assert_int(rop_pull_ab_ephemeral_entryid(&r, &eph2), ROP_OK);
	test_assert(eph2.mid == 42 && eph2.r4 == 1);
	w.data[0] = 0x00;
	rop_pull_init(&r, tmp, w.data, w.ofs);
	test_assert_int(rop_pull_ab_ephemeral_entryid(&r, &eph2), ROP_E_INVALID);

	rop_push_init_growable(&w, tmp);
	test_assert_int(rop_push_oneoff_entryid(&w, &oo), ROP_OK);
	/* 4 + 16 + 2 + 2 + "Bob" 8 + "SMTP" 10 + "b@x.org" 16 */
	test_assert_int(w.ofs, 58);
	test_assert_mem(w.data + 20, "\x00\x00\x01\x80", 4);
	rop_pull_init(&r, tmp, w.data, w.ofs);
	test_assert_int(rop_pull_oneoff_entryid(&r, &oo2), ROP_OK);
	test_assert_str(oo2.display_name, "Bob");
	test_assert_str(oo2.address_type, "SMTP");
	test_assert_str(oo2.email_address, "b@x.org");
	rop_push_init_growable(&w2, tmp);
	test_assert_int(rop_push_oneoff_entryid(&w2, &oo2), ROP_OK);
	test_assert(w2.ofs == w.ofs && memcmp(w2.data, w.data, w.ofs) == 0);
	for (size_t cut = 0; cut < w.ofs; cut++) {
		rop_pull_init(&r, tmp, w.data, cut);
		test_assert(rop_pull_oneoff_entryid(&r, &oo2) != ROP_OK);
	}
	oo.oneoff_flags = 0; /* 8-bit strings */
	rop_push_init_growable(&w, tmp);
	test_assert_int(rop_push_oneoff_entryid(&w, &oo), ROP_OK);
	test_assert_int(w.ofs, 24 + 4 + 5 + 8);
	test_end();
	talloc_free(tmp);
}

int main(void)
{
	test_ids();
	test_folder_message();
	test_store();
	test_ab_oneoff();
	return test_exit();
}
