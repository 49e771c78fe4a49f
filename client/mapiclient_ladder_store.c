/*
 * The ladder's mailbox steps (OUTLOOK-LADDER.md stages 4-5): Connect,
 * RopLogon and the first ROPs of an online session, each checked against
 * what Outlook relies on.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "mapiclient_ladder.h"
#include "mc_emsmdb.h"
#include "mc_nspi.h"
#include "mc_store.h"

/* [MS-OXCSTOR] 2.2.1.1.3 LogonResponseFlags */
#define LOGON_RESP_RESERVED    0x01
#define LOGON_RESP_OWNER_RIGHT 0x02
/* RopLogon folder order (ladder stage 5): Root ... Inbox is the fifth */
#define FID_ROOT  0
#define FID_INBOX 4

struct ems_state {
	struct ladder *l;
	struct mc_session *s;
	struct mc_logon logon;
};

static int ems_connect(struct ems_state *e)
{
	struct mh_connect_resp cr;
	if (mc_emsmdb_connect(e->l->mem_ctx, e->s, &cr) < 0)
		return -1;
	const char *want = e->l->disc.display_name;
	if (cr.display_name == NULL || want == NULL || strcmp(cr.display_name, want) != 0)
		return mc_fail(e->s, MC_E_PROTOCOL, "DisplayName \"%s\", Autodiscover said \"%s\"",
		               cr.display_name ? cr.display_name : "(none)",
		               want ? want : "(none)");
	return 0;
}

static int ems_logon(struct ems_state *e)
{
	if (mc_store_logon(e->l->mem_ctx, e->s, &e->logon) < 0)
		return -1;
	const struct rop_logon_resp *r = &e->logon.resp;
	if ((r->response_flags & (LOGON_RESP_RESERVED | LOGON_RESP_OWNER_RIGHT)) !=
	    (LOGON_RESP_RESERVED | LOGON_RESP_OWNER_RIGHT))
		return mc_fail(e->s, MC_E_PROTOCOL,
		               "ResponseFlags 0x%02x lack Reserved|OwnerRight on the user's own "
		               "mailbox ([MS-OXCSTOR] 2.2.1.1.3)",
		               r->response_flags);
	for (int i = 0; i < 13; i++) {
		for (int k = 0; k < i; k++) {
			if (r->folder_ids[i] == 0 || r->folder_ids[i] == r->folder_ids[k])
				return mc_fail(e->s, MC_E_PROTOCOL,
				               "folder id %d of 13 is zero or repeated", i + 1);
		}
	}
	return 0;
}

static int ems_receive_folder(struct ems_state *e)
{
	uint64_t fid;
	if (mc_store_receive_folder(e->l->mem_ctx, e->s, &e->logon, "IPM", &fid) < 0)
		return -1;
	if (fid != e->logon.resp.folder_ids[FID_INBOX])
		return mc_fail(e->s, MC_E_PROTOCOL,
		               "IPM is received in 0x%016" PRIx64 ", not the Inbox 0x%016" PRIx64,
		               fid, e->logon.resp.folder_ids[FID_INBOX]);
	return 0;
}

static int ems_store_state(struct ems_state *e)
{
	struct rop_request req = {.rop_id = ROP_ID_GetStoreState}; /* [MS-OXCSTOR] 2.2.1.5 */
	struct rop_response *resps;
	return mc_store_logon_rops(e->l->mem_ctx, e->s, &e->logon, &req, 1, &resps);
}

static int ems_long_term_ids(struct ems_state *e)
{
	/* [MS-OXCSTOR] 2.2.1.8 / 2.2.1.9: Id -> LongTermId -> the same Id */
	struct rop_request req = {.rop_id = ROP_ID_LongTermIdFromId};
	struct rop_response *resps;
	uint64_t inbox = e->logon.resp.folder_ids[FID_INBOX];
	req.u.long_term_id_from_id.object_id = inbox;
	if (mc_store_logon_rops(e->l->mem_ctx, e->s, &e->logon, &req, 1, &resps) < 0)
		return -1;
	struct rop_request back = {.rop_id = ROP_ID_IdFromLongTermId};
	back.u.id_from_long_term_id.long_term_id = resps[0].u.long_term_id_from_id.long_term_id;
	if (mc_store_logon_rops(e->l->mem_ctx, e->s, &e->logon, &back, 1, &resps) < 0)
		return -1;
	if (resps[0].u.id_from_long_term_id.object_id != inbox)
		return mc_fail(e->s, MC_E_PROTOCOL,
		               "the Inbox id 0x%016" PRIx64 " came back as "
		               "0x%016" PRIx64,
		               inbox, resps[0].u.id_from_long_term_id.object_id);
	return 0;
}

static int ems_named_props(struct ems_state *e)
{
	/* [MS-OXCPRPT] 2.2.12 with the create flag, asked twice: the same
	 * id from 0x8000 up both times ([MS-OXCPRPT] 3.1.4.4). */
	static const struct mapi_guid psetid_common = {
	    {0x08, 0x20, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00,
	     0x00, 0x46}}; /* {00062008-0000-0000-C000-000000000046} */
	struct mapi_property_name name = {.kind = MNID_ID, .guid = psetid_common, .lid = 0x8580};
	struct rop_request req = {.rop_id = ROP_ID_GetPropertyIdsFromNames};
	struct rop_response *resps;
	uint16_t ids[2];
	req.u.get_property_ids_from_names.flags = 0x02; /* Create */
	req.u.get_property_ids_from_names.names.count = 1;
	req.u.get_property_ids_from_names.names.names = &name;
	for (int i = 0; i < 2; i++) {
		if (mc_store_logon_rops(e->l->mem_ctx, e->s, &e->logon, &req, 1, &resps) < 0)
			return -1;
		const struct rop_propid_array *a = &resps[0].u.get_property_ids_from_names.ids;
		if (a->count != 1 || a->ids[0] < 0x8000)
			return mc_fail(e->s, MC_E_PROTOCOL, "no named property id from 0x8000 up");
		ids[i] = a->ids[0];
	}
	if (ids[0] != ids[1])
		return mc_fail(e->s, MC_E_PROTOCOL, "the same name mapped to 0x%04x, then 0x%04x",
		               ids[0], ids[1]);
	return 0;
}

/* [MS-OXOSFLD] 2.2: the special folders' entry IDs Outlook reads on Root
 * and Inbox (ladder stage 5). */
static int ems_special_entry_ids(struct ems_state *e, int which)
{
	static const uint32_t tags[] = {0x36D00102, 0x36D10102, 0x36D20102,
	                                0x36D30102, 0x36D40102, 0x36D70102};
	static const char *const names[] = {"Appointment", "Contact", "Journal",
	                                    "Note",        "Task",    "Drafts"};
	struct mapi_proptag_array t = {6, (uint32_t *)(uintptr_t)tags};
	struct rop_property_row row;
	if (mc_store_folder_props(e->l->mem_ctx, e->s, &e->logon, e->logon.resp.folder_ids[which],
	                          &t, &row) < 0)
		return -1;
	char *missing = NULL;
	for (int i = 0; i < 6; i++) {
		bool found = false;
		for (uint32_t k = 0; k < row.vals.count; k++) {
			if (row.vals.vals[k].tag == tags[i] && row.vals.vals[k].v.bin.len > 0)
				found = true;
		}
		if (!found)
			missing =
			    talloc_asprintf(e->l->mem_ctx, "%s%sPidTagIpm%sEntryId",
			                    missing ? missing : "", missing ? ", " : "", names[i]);
	}
	if (missing != NULL)
		return mc_fail(e->s, MC_E_PROTOCOL, "missing %s", missing);
	return 0;
}

static int ems_hierarchy(struct ems_state *e)
{
	uint32_t tags[] = {MC_TAG_FID, MC_TAG_DISPLAY_NAME};
	struct mapi_proptag_array cols = {2, tags};
	struct rop_row_list rows;
	if (mc_store_hierarchy(e->l->mem_ctx, e->s, &e->logon, e->logon.resp.folder_ids[FID_ROOT],
	                       true, &cols, 1000, &rows) < 0)
		return -1;
	for (uint32_t i = 0; i < rows.count; i++) {
		const struct mapi_propval_array *v = &rows.rows[i].vals;
		if (v->count > 0 && v->vals[0].tag == MC_TAG_FID &&
		    (uint64_t)v->vals[0].v.i64 == e->logon.resp.folder_ids[FID_INBOX])
			return 0;
	}
	return mc_fail(e->s, MC_E_PROTOCOL,
	               "the Inbox is not in Root's hierarchy (%" PRIu32 " rows)", rows.count);
}

static int ems_contents(struct ems_state *e)
{
	uint32_t tags[] = {MC_TAG_MID, MC_TAG_SUBJECT};
	struct mapi_proptag_array cols = {2, tags};
	struct rop_row_list rows;
	return mc_store_contents(e->l->mem_ctx, e->s, &e->logon,
	                         e->logon.resp.folder_ids[FID_INBOX], &cols, 100, &rows);
}

void mc_ladder_emsmdb(struct ladder *l, bool ok)
{
	struct ems_state e = {.l = l, .s = l->cli->s};
	bool c = mc_ladder_step(l, "emsmdb Connect", ok, ok ? ems_connect(&e) : 0);
	bool g = mc_ladder_step(l, "emsmdb RopLogon", c, c ? ems_logon(&e) : 0);
	mc_ladder_step(l, "emsmdb RopGetReceiveFolder IPM", g, g ? ems_receive_folder(&e) : 0);
	mc_ladder_step(l, "emsmdb RopGetStoreState", g, g ? ems_store_state(&e) : 0);
	mc_ladder_step(l, "emsmdb RopLongTermIdFromId + RopIdFromLongTermId", g,
	               g ? ems_long_term_ids(&e) : 0);
	mc_ladder_step(l, "emsmdb RopGetPropertyIdsFromNames", g, g ? ems_named_props(&e) : 0);
	mc_ladder_step(l, "emsmdb special folder entry IDs on Root", g,
	               g ? ems_special_entry_ids(&e, FID_ROOT) : 0);
	mc_ladder_step(l, "emsmdb special folder entry IDs on Inbox", g,
	               g ? ems_special_entry_ids(&e, FID_INBOX) : 0);
	mc_ladder_step(l, "emsmdb hierarchy table of Root", g, g ? ems_hierarchy(&e) : 0);
	mc_ladder_step(l, "emsmdb contents table of Inbox", g, g ? ems_contents(&e) : 0);
	mc_ladder_step(l, "emsmdb PING", c, c ? mc_mapi_ping(l->mem_ctx, e.s, false) : 0);
	mc_ladder_step(l, "emsmdb Disconnect", c, c ? mc_emsmdb_disconnect(l->mem_ctx, e.s) : 0);
}
