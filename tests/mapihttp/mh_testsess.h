/*
 * EMSMDB over the test client: Connect and Execute of ROP lists encoded and
 * decoded by ropcodec, with the session's server object handle table kept
 * between Executes ([MS-OXCROPS] 2.2.1, [MS-OXCMAPIHTTP] 2.2.4.1-2).
 */
#ifndef MH_TESTSESS_H
#define MH_TESTSESS_H

#include "mh_emsmdb.h"
#include "mh_nspi.h"
#include "mh_testclient.h"
#include "rop.h"

/* Indexes into RopLogon's FolderIds, in the order of [MS-OXCSTOR] 2.2.1.1.3. */
#define MHT_FID_ROOT        0
#define MHT_FID_IPM_SUBTREE 3
#define MHT_FID_INBOX       4

#define MHT_HANDLES   8
#define MHT_MAX_RESPS 32

struct mht_sess {
	struct mht_client *c;
	uint32_t h[MHT_HANDLES];           /* the handle table, sent and updated */
	struct mapi_proptag_array columns; /* of the last SetColumns: rows need them */
	struct rop_response resps[MHT_MAX_RESPS];
	unsigned n;        /* answers in resps (RopRelease has none) */
	unsigned notifies; /* RopNotify and RopPending answers, kept out of resps */
};

/* A session on c with an empty handle table. */
void mht_sess_init(struct mht_sess *s, struct mht_client *c);
/* POST of one request type to /mapi/emsmdb/. */
int mht_ems_post(struct mht_client *c, TALLOC_CTX *mem_ctx, const char *type, const uint8_t *body,
                 size_t len, struct mht_resp *hr);
/* Connect as c's user with user_dn and the auxiliary buffer aux (may be
 * NULL).  The X-ResponseCode, with resp decoded when it is 0; negative when
 * the answer cannot be decoded. */
int mht_ems_connect(struct mht_client *c, TALLOC_CTX *mem_ctx, const char *user_dn,
                    const struct mh_blob *aux, struct mh_connect_resp *resp, struct mht_resp *hr);
/* One Execute of count ROPs with s->h; the answers in s->resps.  0, an
 * X-ResponseCode, or negative when the answer cannot be decoded. */
int mht_execute(struct mht_sess *s, TALLOC_CTX *mem_ctx, const struct rop_request *reqs,
                unsigned count);
/* One NSPI request of type on /mapi/nspi/ ([MS-OXCMAPIHTTP] 2.2.5): the
 * X-ResponseCode, with resp decoded when it is 0 and resp != NULL;
 * negative when the request cannot be made or the answer decoded. */
int mht_nspi(struct mht_client *c, TALLOC_CTX *mem_ctx, enum nspi_request_type type,
             const void *req, void *resp);
/* A request with its handle indexes. */
struct rop_request mht_rq(uint8_t rop_id, uint8_t in, uint8_t out);
/* RopLogon of the private mailbox essdn, with Outlook's flags, into handle
 * index out. */
struct rop_request mht_logon_rq(const char *essdn, uint8_t out);

#endif
