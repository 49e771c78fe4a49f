/* The store ROPs ([MS-OXCSTOR]) through ems_execute, checked against the
 * store. */
#include <ctype.h>

#include "ems_test.h"

static struct ems_t t;

static void test_connect(void)
{
	uint32_t ec = 0;
	struct ems_session *s;

	test_begin("connect: wrong UserDn, unknown user, no mailbox");
	s = et_connect(&t, "alice@example.com", "/o=Other/ou=x/cn=Recipients/cn=bob", &ec);
	test_assert(s == NULL);
	test_assert_int(ec, EC_AccessDenied);
	s = et_connect(&t, "nobody@example.com", t.user->legacy_dn, &ec);
	test_assert(s == NULL);
	test_assert_int(ec, EC_UnknownUser);
	/* a directory user without a mailbox */
	struct dir_user *u;
	const char *error;
	test_assert_int(directory_user_add(t.directory, t.mem, "nomb@example.com", "No Mailbox",
	                                   NULL, &u, &error),
	                0);
	s = et_connect(&t, "nomb@example.com", u->legacy_dn, &ec);
	test_assert(s == NULL);
	test_assert_int(ec, EC_UnknownUser);
	/* the DN compares without case */
	char *upper = talloc_strdup(t.mem, t.user->legacy_dn);
	for (char *p = upper; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	s = et_connect(&t, "alice@example.com", upper, &ec);
	test_assert(s != NULL);
	test_assert_int(ec, 0);
	ems_session_free(&s);
	test_assert(s == NULL);
	test_end();
}

static void test_logon(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct et_result *r = talloc(mem, struct et_result);
	struct rop_request q = et_logon_req(&t, 0, 0);
	uint32_t h[1] = {0xFFFFFFFF};
	struct store_mailbox_ident ident;

	test_begin("RopLogon: 13 folder IDs, mailbox and replica identity");
	test_assert_int(et_exec(&t, mem, &q, 1, h, 1, r), 0);
	test_assert_int(r->ret, 0);
	test_assert_int(r->count, 1);
	test_assert_int(r->resps[0].rop_id, ROP_ID_Logon);
	test_assert_int(r->resps[0].return_value, 0);
	test_assert(r->handles[0] != 0xFFFFFFFF);
	const struct rop_logon_resp *l = &r->resps[0].u.logon;
	test_assert_int(l->logon_flags, 0x01);
	for (unsigned i = 0; i < 13; i++)
		test_assert(l->folder_ids[i] == store_special_fid(t.mbox, (enum store_special)i));
	test_assert(l->folder_ids[4] == store_special_fid(t.mbox, STORE_FOLDER_INBOX));
	test_assert_int(l->response_flags, 0x07);
	store_mailbox_ident(t.mbox, &ident);
	test_assert_mem(&l->mailbox_guid, &t.user->mailbox_guid, 16);
	test_assert_int(l->replid, ident.replid);
	test_assert_mem(&l->replguid, &ident.replica_guid, 16);
	test_assert(l->logon_year >= 2024);
	test_assert(l->logon_time[5] >= 1 && l->logon_time[5] <= 12);
	test_assert_int(l->store_state, 0);
	test_end();

	test_begin("RopLogon: public folders, missing flag, other mailbox, unknown DN");
	q.u.logon.logon_flags = 0x00;
	q.u.logon.open_flags = 0x01000002;
	test_assert_int(et_exec(&t, mem, &q, 1, h, 1, r), 0);
	test_assert_int(r->resps[0].return_value, EC_LogonFailed);
	test_assert(r->handles[0] == 0xFFFFFFFF);
	q = et_logon_req(&t, 0, 0);
	q.u.logon.open_flags = 0x0000040C;
	test_assert_int(et_exec(&t, mem, &q, 1, h, 1, r), 0);
	test_assert_int(r->resps[0].return_value, EC_InvalidParameter);
	struct dir_user *bob = et_add_user(&t, "bob@example.com", "Bob");
	q = et_logon_req(&t, 0, 0);
	q.u.logon.essdn = bob->legacy_dn;
	test_assert_int(et_exec(&t, mem, &q, 1, h, 1, r), 0);
	test_assert_int(r->resps[0].return_value, EC_AccessDenied);
	q.u.logon.essdn = (char *)"/o=nowhere/cn=Recipients/cn=ghost";
	test_assert_int(et_exec(&t, mem, &q, 1, h, 1, r), 0);
	test_assert_int(r->resps[0].return_value, EC_UnknownUser);
	test_end();
	talloc_free(mem);
}

static void test_receive_folders(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct et_result *r = talloc(mem, struct et_result);
	uint32_t h[1] = {et_logon(&t)};
	uint64_t inbox = store_special_fid(t.mbox, STORE_FOLDER_INBOX);
	uint64_t root = store_special_fid(t.mbox, STORE_FOLDER_ROOT);
	uint64_t drafts = store_special_fid(t.mbox, STORE_FOLDER_DRAFTS);
	struct rop_request q[6];

	test_begin("RopGetReceiveFolder: \"\", IPM, IPC, IPM.Note.Custom, invalid class");
	memset(q, 0, sizeof(q));
	const char *classes[] = {"", "IPM", "IPC", "IPM.Note.Custom", ".bad", "a..b"};
	for (int i = 0; i < 6; i++) {
		q[i].rop_id = ROP_ID_GetReceiveFolder;
		q[i].u.get_receive_folder.message_class = (char *)classes[i];
	}
	test_assert_int(et_exec(&t, mem, q, 6, h, 1, r), 0);
	test_assert_int(r->count, 6);
	test_assert_int(r->resps[0].return_value, 0);
	test_assert(r->resps[0].u.get_receive_folder.folder_id == inbox);
	test_assert(r->resps[1].u.get_receive_folder.folder_id == inbox);
	test_assert_str(r->resps[1].u.get_receive_folder.explicit_message_class, "ipm");
	test_assert(r->resps[2].u.get_receive_folder.folder_id == root);
	test_assert(r->resps[3].u.get_receive_folder.folder_id == inbox);
	test_assert_str(r->resps[3].u.get_receive_folder.explicit_message_class, "ipm");
	test_assert_int(r->resps[4].return_value, EC_InvalidParameter);
	test_assert_int(r->resps[5].return_value, EC_InvalidParameter);
	test_end();

	test_begin("RopSetReceiveFolder then the table and GetReceiveFolder agree");
	memset(q, 0, sizeof(q));
	q[0].rop_id = ROP_ID_SetReceiveFolder;
	q[0].u.set_receive_folder.folder_id = drafts;
	q[0].u.set_receive_folder.message_class = (char *)"IPM.Custom";
	q[1].rop_id = ROP_ID_GetReceiveFolder;
	q[1].u.get_receive_folder.message_class = (char *)"IPM.Custom.Sub";
	q[2].rop_id = ROP_ID_GetReceiveFolderTable;
	q[3].rop_id = ROP_ID_SetReceiveFolder;
	q[3].u.set_receive_folder.folder_id = 0x7777000000000001ULL;
	q[3].u.set_receive_folder.message_class = (char *)"IPM.Other";
	test_assert_int(et_exec(&t, mem, q, 4, h, 1, r), 0);
	test_assert_int(r->count, 4);
	test_assert_int(r->resps[0].return_value, 0);
	test_assert(r->resps[1].u.get_receive_folder.folder_id == drafts);
	test_assert_int(r->resps[2].return_value, 0);
	const struct rop_row_list *rows = &r->resps[2].u.get_receive_folder_table.rows;
	int found = 0;
	for (uint32_t i = 0; i < rows->count; i++) {
		const struct mapi_propval *v = rows->rows[i].vals.vals;
		if (strcmp(v[1].v.str, "ipm.custom") == 0 && (uint64_t)v[0].v.i64 == drafts)
			found++;
	}
	test_assert_int(found, 1);
	test_assert(rows->count >= 5);
	test_assert_int(r->resps[3].return_value, EC_NotFound);
	/* the store agrees */
	uint64_t fid = 0;
	test_assert_int(store_receive_folder_get(mem, t.mbox, "IPM.Custom", &fid, NULL), 0);
	test_assert(fid == drafts);
	/* removing it */
	q[0].u.set_receive_folder.folder_id = 0;
	test_assert_int(et_exec(&t, mem, q, 2, h, 1, r), 0);
	test_assert_int(r->resps[0].return_value, 0);
	test_assert(r->resps[1].u.get_receive_folder.folder_id == inbox);
	test_end();
	talloc_free(mem);
}

static void test_ids(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct et_result *r = talloc(mem, struct et_result);
	uint32_t h[1] = {et_logon(&t)};
	uint64_t inbox = store_special_fid(t.mbox, STORE_FOLDER_INBOX);
	struct rop_request q[8];
	struct mapi_long_term_id ltid;

	test_begin("RopLongTermIdFromId / RopIdFromLongTermId round trip");
	memset(q, 0, sizeof(q));
	q[0].rop_id = ROP_ID_LongTermIdFromId;
	q[0].u.long_term_id_from_id.object_id = inbox;
	test_assert_int(et_exec(&t, mem, q, 1, h, 1, r), 0);
	test_assert_int(r->resps[0].return_value, 0);
	ltid = r->resps[0].u.long_term_id_from_id.long_term_id;
	struct mapi_long_term_id expect;
	store_id_to_long_term(t.mbox, inbox, &expect);
	test_assert_mem(&ltid, &expect, sizeof(ltid));
	q[0].rop_id = ROP_ID_IdFromLongTermId;
	q[0].u.id_from_long_term_id.long_term_id = ltid;
	q[1].rop_id = ROP_ID_IdFromLongTermId;
	q[1].u.id_from_long_term_id.long_term_id = ltid;
	q[1].u.id_from_long_term_id.long_term_id.guid.b[0] ^= 0xFF;
	q[2].rop_id = ROP_ID_LongTermIdFromId;
	q[2].u.long_term_id_from_id.object_id = 0x0000000000000999ULL;
	test_assert_int(et_exec(&t, mem, q, 3, h, 1, r), 0);
	test_assert_int(r->resps[0].return_value, 0);
	test_assert(r->resps[0].u.id_from_long_term_id.object_id == inbox);
	test_assert_int(r->resps[1].return_value, EC_NotFound);
	test_assert_int(r->resps[2].return_value, EC_NotFound);
	test_end();

	test_begin("store state, per-user, owning servers, ghosted, address types, options");
	memset(q, 0, sizeof(q));
	q[0].rop_id = ROP_ID_GetStoreState;
	q[1].rop_id = ROP_ID_GetPerUserLongTermIds;
	q[2].rop_id = ROP_ID_GetPerUserGuid;
	q[2].u.get_per_user_guid.long_term_id = ltid;
	q[3].rop_id = ROP_ID_GetOwningServers;
	q[3].u.get_owning_servers.folder_id = inbox;
	q[4].rop_id = ROP_ID_PublicFolderIsGhosted;
	q[4].u.public_folder_is_ghosted.folder_id = inbox;
	q[5].rop_id = ROP_ID_GetAddressTypes;
	q[6].rop_id = ROP_ID_OptionsData;
	q[6].u.options_data.address_type = (char *)"SMTP";
	q[7].rop_id = ROP_ID_TellVersion;
	q[7].u.tell_version.version[0] = 15;
	test_assert_int(et_exec(&t, mem, q, 8, h, 1, r), 0);
	test_assert_int(r->count, 8);
	struct rop_request pu[2];
	memset(pu, 0, sizeof(pu));
	pu[0].rop_id = ROP_ID_ReadPerUserInformation;
	pu[0].u.read_per_user_information.folder_id = ltid;
	pu[0].u.read_per_user_information.max_data_size = 100;
	pu[1].rop_id = ROP_ID_WritePerUserInformation;
	pu[1].u.write_per_user_information.folder_id = ltid;
	pu[1].u.write_per_user_information.has_finished = 1;
	struct et_result *r2 = talloc(mem, struct et_result);
	test_assert_int(et_exec(&t, mem, pu, 2, h, 1, r2), 0);
	test_assert_int(r2->resps[0].return_value, 0);
	test_assert_int(r2->resps[0].u.read_per_user_information.has_finished, 1);
	test_assert_int(r2->resps[0].u.read_per_user_information.data.len, 0);
	/* an empty IDSET is a well-formed value (test_ems_peruser.c) */
	test_assert_int(r2->resps[1].return_value, 0);
	test_assert_int(r->resps[0].return_value, 0);
	test_assert_int(r->resps[0].u.get_store_state.store_state, 0);
	test_assert_int(r->resps[1].return_value, 0);
	test_assert_int(r->resps[1].u.get_per_user_long_term_ids.ltids.count, 0);
	test_assert_int(r->resps[2].return_value, EC_NotFound);
	test_assert_int(r->resps[3].return_value, 0);
	test_assert_int(r->resps[3].u.get_owning_servers.owning_servers.count, 1);
	test_assert(strstr(r->resps[3].u.get_owning_servers.owning_servers.strs[0],
	                   "mail.example.com") != NULL);
	test_assert_int(r->resps[4].return_value, 0);
	test_assert_int(r->resps[4].u.public_folder_is_ghosted.is_ghosted, 0);
	test_assert_int(r->resps[5].return_value, 0);
	test_assert_int(r->resps[5].u.get_address_types.address_types.count, 2);
	test_assert_str(r->resps[5].u.get_address_types.address_types.strs[0], "EX");
	test_assert_int(r->resps[6].return_value, 0);
	test_assert_int(r->resps[6].u.options_data.reserved, 1);
	test_assert_int(r->resps[7].return_value, 0);
	test_end();
	talloc_free(mem);
}

int main(void)
{
	et_setup(&t);
	test_connect();
	test_logon();
	test_receive_folders();
	test_ids();
	et_teardown(&t);
	return test_exit();
}
