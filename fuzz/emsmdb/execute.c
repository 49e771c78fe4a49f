/*
 * Fuzz target: the EMSMDB engine's ROP loop (ems_execute).  The input is a
 * RopsList; it runs in a fresh session logged on to a real mailbox, with a
 * handle table of eight slots (slot 0 the logon), wrapped in one extended
 * buffer as a client sends it.  Whatever the bytes, the call must answer
 * (ecRpcFormat for what cannot be parsed) and never crash or leak.
 *
 * The store, directory and mailbox are made once in a temporary directory
 * that is removed at exit.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "directory.h"
#include "emsmdb.h"
#include "rop.h"
#include "rpc_ext.h"
#include "store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct {
	TALLOC_CTX *mem;
	char dir[64];
	struct store *store;
	struct directory *directory;
	struct dir_user *user;
	struct ems_server *srv;
} g;

static void cleanup(void)
{
	char cmd[128];

	directory_close(&g.directory);
	store_close(&g.store);
	talloc_free(g.mem);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", g.dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cleanup of %s failed\n", g.dir);
}

static void setup(void)
{
	struct store_settings ss = {.nosync = true, .mapsize = 1ULL << 30};
	const char *error = NULL;

	g.mem = talloc_new(NULL);
	strcpy(g.dir, "/tmp/ems-fuzz-XXXXXX");
	if (mkdtemp(g.dir) == NULL || store_open(g.mem, g.dir, &ss, &g.store, &error) != 0 ||
	    directory_open(g.mem, g.dir, &g.directory, &error) != 0 ||
	    directory_domain_add(g.directory, "example.com", &error) != 0 ||
	    directory_user_add(g.directory, g.mem, "fuzz@example.com", "Fuzz", NULL, &g.user,
	                       &error) != 0)
		abort();
	struct store_mailbox_params p = {.mailbox_guid = g.user->mailbox_guid,
	                                 .owner_name = "Fuzz"};
	if (store_mailbox_create(g.store, &p, &error) != 0 ||
	    ems_server_new(g.mem, g.store, g.directory, "fuzz.example.com", &g.srv, &error) != 0)
		abort();
	atexit(cleanup);
}

/* One Execute of rops with handles; the response must decode, and the
 * handle table it carries replaces handles. */
static void execute(struct ems_session *s, TALLOC_CTX *mem, const uint8_t *rops, size_t len,
                    uint32_t *handles, uint32_t flags)
{
	struct rop_push p;
	struct mh_execute_req req = {.flags = flags, .max_rop_out = 0x40000};
	struct mh_execute_resp resp;
	struct rpc_ext_chain chain;
	const char *error = NULL;

	rop_push_init_growable(&p, mem);
	if (rpc_ext_encode_rop_buffer(&p, rops, len, handles, 8, RPC_EXT_ENCODE_LAST) != ROP_OK)
		return;
	req.rop_buffer.data = p.data;
	req.rop_buffer.len = (uint32_t)p.ofs;
	if (ems_execute(s, mem, &req, &resp, &error) < 0)
		abort();
	if (resp.error_code != 0)
		return;
	struct rop_buffer buf;
	if (rpc_ext_decode(mem, resp.rop_buffer.data, resp.rop_buffer.len, 1 << 20, &chain) !=
	        ROP_OK ||
	    chain.count != 1 ||
	    rop_buffer_split(mem, chain.blocks[0].data, chain.blocks[0].len, &buf) != ROP_OK ||
	    buf.handle_count != 8)
		abort();
	memcpy(handles, buf.handles, 8 * sizeof(uint32_t));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TALLOC_CTX *mem;
	struct mh_connect_req creq = {.default_code_page = 1252};
	struct mh_connect_resp cresp;
	struct ems_session *s = NULL;
	const char *error = NULL;
	uint32_t handles[8];
	/* RopLogon as Outlook sends it, output handle slot 0 */
	struct rop_request logon = {.rop_id = ROP_ID_Logon};
	struct rop_push lp;

	if (g.mem == NULL)
		setup();
	mem = talloc_new(NULL);
	creq.user_dn = g.user->legacy_dn;
	if (ems_connect(g.srv, mem, mem, "fuzz@example.com", &creq, &cresp, &s, &error) != 0)
		abort();
	for (int i = 0; i < 8; i++)
		handles[i] = 0xFFFFFFFF;
	logon.u.logon.logon_flags = 0x01;
	logon.u.logon.open_flags = 0x0100040C;
	logon.u.logon.essdn = g.user->legacy_dn;
	rop_push_init_growable(&lp, mem);
	if (rop_push_request(&lp, &logon) != ROP_OK)
		abort();
	execute(s, mem, lp.data, lp.ofs, handles, 3);
	/* the first byte picks the pulFlags (compression allowed or not) */
	if (size > 0 && size - 1 <= RPC_EXT_MAX_PAYLOAD - 2 - 32)
		execute(s, mem, data + 1, size - 1, handles, data[0] & 3);
	ems_session_free(&s);
	talloc_free(mem);
	return 0;
}
