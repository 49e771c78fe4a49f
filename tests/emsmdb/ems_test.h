/*
 * Helpers for the EMSMDB engine tests: a fresh store, directory and user in
 * a temporary directory, a session, and Execute calls built and decoded
 * with the codec exactly as a client would.
 */
#ifndef EMS_TEST_H
#define EMS_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "directory.h"
#include "emsmdb.h"
#include "rop.h"
#include "rop_errors.h"
#include "rpc_ext.h"
#include "store.h"
#include "notif.h"
#include "test.h"

struct ems_t {
	TALLOC_CTX *mem;
	char *dir;
	struct store *store;
	struct directory *directory;
	struct dir_user *user;
	struct ems_server *srv;
	struct ems_session *s;
	struct store_mailbox *mbox; /* the test's own view of the mailbox */
	/* the columns of the last RopSetColumns, to decode rows */
	struct mapi_proptag_array columns;
	uint32_t columns_buf[64];
};

static inline void et_rm_rf(const char *dir)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cleanup of %s failed\n", dir);
}

static inline void et_die(const char *what, const char *error)
{
	fprintf(stderr, "setup: %s: %s\n", what, error ? error : "?");
	abort();
}

/* Adds a user with a mailbox. */
static inline struct dir_user *et_add_user(struct ems_t *t, const char *address, const char *name)
{
	const char *error = NULL;
	struct dir_user *u;
	if (directory_user_add(t->directory, t->mem, address, name, NULL, &u, &error) != 0)
		et_die("user add", error);
	struct store_mailbox_params p = {.mailbox_guid = u->mailbox_guid, .owner_name = name};
	if (store_mailbox_create(t->store, &p, &error) != 0)
		et_die("mailbox create", error);
	return u;
}

static inline struct ems_session *et_connect(struct ems_t *t, const char *auth_user,
                                             const char *user_dn, uint32_t *ec_r)
{
	struct mh_connect_req req = {.user_dn = (char *)user_dn, .default_code_page = 1252};
	struct mh_connect_resp resp;
	struct ems_session *s = NULL;
	const char *error = NULL;
	int ret = ems_connect(t->srv, t->mem, t->mem, auth_user, &req, &resp, &s, &error);
	if (ret < 0)
		et_die("connect", error);
	*ec_r = resp.error_code;
	return s;
}

static inline void et_setup(struct ems_t *t)
{
	char tmpl[] = "/tmp/ems-test-XXXXXX";
	const char *error = NULL;
	struct store_settings ss = {.nosync = true, .mapsize = 1ULL << 30};
	uint32_t ec;

	memset(t, 0, sizeof(*t));
	t->mem = talloc_new(NULL);
	if (mkdtemp(tmpl) == NULL)
		abort();
	t->dir = talloc_strdup(t->mem, tmpl);
	if (store_open(t->mem, t->dir, &ss, &t->store, &error) != 0)
		et_die("store", error);
	if (directory_open(t->mem, t->dir, &t->directory, &error) != 0)
		et_die("directory", error);
	if (directory_domain_add(t->directory, "example.com", &error) != 0)
		et_die("domain", error);
	t->user = et_add_user(t, "alice@example.com", "Alice Example");
	if (ems_server_new(t->mem, t->store, t->directory, "mail.example.com", &t->srv, &error) !=
	    0)
		et_die("server", error);
	t->s = et_connect(t, "alice@example.com", t->user->legacy_dn, &ec);
	if (t->s == NULL || ec != 0)
		et_die("session", "connect failed");
	if (store_mailbox_open(t->mem, t->store, &t->user->mailbox_guid, &t->mbox, &error) != 0)
		et_die("mailbox open", error);
}

static inline void et_teardown(struct ems_t *t)
{
	ems_session_free(&t->s);
	store_mailbox_close(&t->mbox);
	directory_close(&t->directory);
	store_close(&t->store);
	et_rm_rf(t->dir);
	talloc_free(t->mem);
}

/* The decoded answer of one Execute. */
struct et_result {
	int ret;        /* ems_execute's return */
	uint32_t ec;    /* the response's ErrorCode */
	uint32_t count; /* responses decoded */
	struct rop_response resps[512];
	uint32_t handles[256];
	size_t handle_count;
	size_t rops_len; /* bytes of the response RopsList */
	uint32_t resp_flags;
	uint16_t ext_flags; /* flags of the first RPC_HEADER_EXT */
};

/* Runs raw Execute bytes; decodes the response envelope only. */
static inline int et_exec_raw(struct ems_t *t, TALLOC_CTX *mem, const uint8_t *buf, size_t len,
                              uint32_t flags, uint32_t max_rop_out, struct mh_execute_resp *resp)
{
	struct mh_execute_req req = {.flags = flags, .max_rop_out = max_rop_out};
	const char *error = NULL;
	req.rop_buffer.data = (uint8_t *)buf;
	req.rop_buffer.len = (uint32_t)len;
	int ret = ems_execute(t->s, mem, &req, resp, &error);
	if (ret < 0)
		fprintf(stderr, "execute internal error: %s\n", error ? error : "?");
	return ret;
}

/* Encodes reqs with handles as one ROP input buffer, runs it and decodes
 * every response (requests that have none, RopRelease, are skipped). */
static inline int et_exec_full(struct ems_t *t, TALLOC_CTX *mem, const struct rop_request *reqs,
                               uint32_t count, const uint32_t *handles, size_t handle_count,
                               uint32_t flags, uint32_t max_rop_out, struct et_result *r)
{
	struct rop_push rops, ext;
	struct mh_execute_resp resp;
	struct rpc_ext_chain chain;
	struct rop_buffer buf;
	struct rop_pull p;

	memset(r, 0, sizeof(*r));
	rop_push_init_growable(&rops, mem);
	for (uint32_t i = 0; i < count; i++) {
		enum rop_err err = rop_push_request(&rops, &reqs[i]);
		if (err != ROP_OK) {
			fprintf(stderr, "request %u (%s) not encodable: %s\n", i,
			        rop_name(reqs[i].rop_id), rop_strerror(err));
			return -1;
		}
	}
	rop_push_init_growable(&ext, mem);
	if (rpc_ext_encode_rop_buffer(&ext, rops.data, rops.ofs, handles, handle_count,
	                              RPC_EXT_ENCODE_LAST) != ROP_OK)
		return -1;
	r->ret = et_exec_raw(t, mem, ext.data, ext.ofs, flags, max_rop_out, &resp);
	r->ec = resp.error_code;
	r->resp_flags = resp.flags;
	if (r->ret != 0)
		return 0;
	if (resp.rop_buffer.len >= 2)
		memcpy(&r->ext_flags, resp.rop_buffer.data + 2, 2);
	if (rpc_ext_decode(mem, resp.rop_buffer.data, resp.rop_buffer.len, 1 << 20, &chain) !=
	        ROP_OK ||
	    chain.count < 1 ||
	    rop_buffer_split(mem, chain.blocks[0].data, chain.blocks[0].len, &buf) != ROP_OK)
		return -1;
	r->handle_count = buf.handle_count < 256 ? buf.handle_count : 256;
	memcpy(r->handles, buf.handles, r->handle_count * 4);
	r->rops_len = buf.rops_len;
	rop_pull_init(&p, mem, buf.rops, buf.rops_len);
	uint32_t i = 0;
	while (rop_pull_left(&p) > 0 && r->count < 512) {
		while (i < count && reqs[i].rop_id == ROP_ID_Release)
			i++;
		struct rop_decode_ctx ctx = {.columns = &t->columns};
		const struct rop_request *q = i < count ? &reqs[i] : NULL;
		if (rop_pull_response(&p, q, &ctx, &r->resps[r->count]) != ROP_OK) {
			fprintf(stderr, "undecodable response %u at %zu\n", r->count, p.ofs);
			return -1;
		}
		r->count++;
		i++;
	}
	return 0;
}

static inline int et_exec(struct ems_t *t, TALLOC_CTX *mem, const struct rop_request *reqs,
                          uint32_t count, const uint32_t *handles, size_t handle_count,
                          struct et_result *r)
{
	return et_exec_full(t, mem, reqs, count, handles, handle_count,
	                    RPC_EXT_PUL_NOCOMPRESSION | RPC_EXT_PUL_NOXORMAGIC, 0x40000, r);
}

/* Request builders for the tests: a ROP with its handle indexes ... */
static inline struct rop_request et_rq(uint8_t id, uint8_t in, uint8_t out)
{
	struct rop_request q = {.rop_id = id, .input_handle = in, .output_handle = out};
	return q;
}

static inline struct rop_request et_open_folder(uint8_t in, uint8_t out, uint64_t fid)
{
	struct rop_request q = et_rq(ROP_ID_OpenFolder, in, out);
	q.u.open_folder.folder_id = fid;
	return q;
}

static inline struct rop_request et_set_props(uint8_t in, struct mapi_propval *v, uint16_t n)
{
	struct rop_request q = et_rq(ROP_ID_SetProperties, in, 0);
	q.u.set_properties.vals.count = n;
	q.u.set_properties.vals.vals = v;
	return q;
}

/* ... RopGetPropertiesSpecific asking for Unicode strings ... */
static inline struct rop_request et_get_props(uint8_t in, uint32_t *tags, uint16_t n)
{
	struct rop_request q = et_rq(ROP_ID_GetPropertiesSpecific, in, 0);
	q.u.get_properties_specific.want_unicode = 1;
	q.u.get_properties_specific.tags.count = n;
	q.u.get_properties_specific.tags.tags = tags;
	return q;
}

/* ... and RopOpenMessage with OpenModeFlags mode. */
static inline struct rop_request et_open_message(uint8_t in, uint8_t out, uint64_t fid,
                                                 uint64_t mid, uint8_t mode)
{
	struct rop_request q = et_rq(ROP_ID_OpenMessage, in, out);
	q.u.open_message.folder_id = fid;
	q.u.open_message.message_id = mid;
	q.u.open_message.open_mode_flags = mode;
	return q;
}

/* A RecipientRow ([MS-OXCDATA] 2.8.3) of an SMTP recipient: flags U | D | E
 * | Type SMTP, the address and display name, then one extra column (the
 * caller's RopModifyRecipients column, PtypInteger32) whose value is extra. */
static inline struct rop_recipient *et_smtp_row(TALLOC_CTX *mem, const char *email,
                                                const char *name, int32_t extra)
{
	struct rop_recipient *r = talloc_zero(mem, struct rop_recipient);
	struct mapi_propval *v = talloc_zero(mem, struct mapi_propval);
	r->flags = ROP_RECIP_U | ROP_RECIP_D | ROP_RECIP_E | ROP_RECIP_SMTP;
	r->email_address = talloc_strdup(mem, email);
	r->display_name = talloc_strdup(mem, name);
	v->tag = PROP_TAG(PT_LONG, 0x5FFF); /* the tests' column: PidTagRecipientTrackStatus */
	v->v.i32 = extra;
	r->props.vals.count = 1;
	r->props.vals.vals = v;
	return r;
}

/* A RecipientRow of an X500 (EX) recipient: U | D | Type X500DN, the DN
 * without the prefix_used bytes the client shares with the server's
 * DnPrefix, no extra columns. */
static inline struct rop_recipient *et_ex_row(TALLOC_CTX *mem, const char *prefix_and_dn,
                                              uint8_t prefix_used, const char *name)
{
	struct rop_recipient *r = talloc_zero(mem, struct rop_recipient);
	r->flags = ROP_RECIP_U | ROP_RECIP_D | ROP_RECIP_X500DN;
	r->address_prefix_used = prefix_used;
	r->display_type = 0; /* DT_MAILUSER */
	r->x500dn = talloc_strdup(mem, prefix_and_dn + prefix_used);
	r->display_name = talloc_strdup(mem, name);
	return r;
}

/* RopLogon as Outlook sends it (OUTLOOK-LADDER stage 5). */
static inline struct rop_request et_logon_req(struct ems_t *t, uint8_t logon_id, uint8_t out)
{
	struct rop_request q = {.rop_id = ROP_ID_Logon, .logon_id = logon_id, .output_handle = out};
	q.u.logon.logon_flags = 0x01;
	q.u.logon.open_flags = 0x0100040C;
	q.u.logon.essdn = t->user->legacy_dn;
	return q;
}

/* Logs on with logon ID 0; returns the logon handle. */
static inline uint32_t et_logon(struct ems_t *t)
{
	struct rop_request q = et_logon_req(t, 0, 0);
	uint32_t h[1] = {0xFFFFFFFF};
	struct et_result *r = talloc(t->mem, struct et_result);
	if (et_exec(t, r, &q, 1, h, 1, r) != 0 || r->count != 1 || r->resps[0].return_value != 0)
		et_die("logon", "failed");
	uint32_t handle = r->handles[0];
	talloc_free(r);
	return handle;
}

static inline void et_set_columns(struct ems_t *t, const uint32_t *tags, uint32_t n)
{
	memcpy(t->columns_buf, tags, n * 4);
	t->columns.count = n;
	t->columns.tags = t->columns_buf;
}

#endif
