/*
 * spnego: the few SPNEGO ([RFC 4178] 4.2, [MS-SPNG]) messages the server
 * must read and write itself to carry NTLM inside Negotiate.  Kerberos
 * inside SPNEGO is left to MIT GSSAPI.  Internal to auth/ (and its tests
 * and fuzz targets).
 */
#ifndef AUTH_SPNEGO_H
#define AUTH_SPNEGO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

#include "ntlm_private.h"

/* [RFC 4178] 4.2.2 negState. */
enum spnego_state {
	SPNEGO_ACCEPT_COMPLETED = 0,
	SPNEGO_ACCEPT_INCOMPLETE = 1,
	SPNEGO_REJECT = 2,
	SPNEGO_REQUEST_MIC = 3,
	SPNEGO_STATE_ABSENT = -1,
};

/* A NegTokenInit inside its InitialContextToken ([RFC 2743] 3.1). */
struct spnego_init {
	struct ntlm_bytes mech_types; /* DER of MechTypeList, tag included */
	bool ntlm_offered;
	bool ntlm_first; /* NTLMSSP is the initiator's preferred mechanism */
	bool kerberos_offered;
	struct ntlm_bytes mech_token; /* may be empty */
	struct ntlm_bytes mech_list_mic;
};

struct spnego_resp {
	int state; /* enum spnego_state */
	struct ntlm_bytes response_token;
	struct ntlm_bytes mech_list_mic;
};

/* Parsers: 0, or -1 when in is not that message.  Byte fields point into
 * in. */
int spnego_parse_init(const uint8_t *in, size_t len, struct spnego_init *init_r);
int spnego_parse_resp(const uint8_t *in, size_t len, struct spnego_resp *resp_r);

/* Builds a NegTokenResp: state, supportedMech NTLMSSP when with_mech, and
 * the optional token and MIC (NULL or empty: absent).  NULL on out of
 * memory. */
uint8_t *spnego_build_resp(TALLOC_CTX *mem_ctx, enum spnego_state state, bool with_mech,
                           const struct ntlm_bytes *token, const struct ntlm_bytes *mic,
                           size_t *len_r);

/* The NTLMSSP mechanism OID, DER-encoded with tag and length. */
extern const uint8_t spnego_ntlmssp_oid[12];

#endif
