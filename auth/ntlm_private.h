/*
 * ntlm_private: the NTLM message codec and crypto helpers behind ntlm.h.
 * Only auth/, tests/auth/ and fuzz/auth/ include this header.
 */
#ifndef AUTH_NTLM_PRIVATE_H
#define AUTH_NTLM_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

#include "ntlm.h"

/* [MS-NLMP] 2.2.2.5 NEGOTIATE flags. */
#define NTLM_NEG_UNICODE             0x00000001u
#define NTLM_NEG_OEM                 0x00000002u
#define NTLM_NEG_REQUEST_TARGET      0x00000004u
#define NTLM_NEG_SIGN                0x00000010u
#define NTLM_NEG_SEAL                0x00000020u
#define NTLM_NEG_DATAGRAM            0x00000040u
#define NTLM_NEG_LM_KEY              0x00000080u
#define NTLM_NEG_NTLM                0x00000200u
#define NTLM_NEG_ANONYMOUS           0x00000800u
#define NTLM_NEG_ALWAYS_SIGN         0x00008000u
#define NTLM_NEG_TARGET_TYPE_DOMAIN  0x00010000u
#define NTLM_NEG_TARGET_TYPE_SERVER  0x00020000u
#define NTLM_NEG_EXTENDED_SESSIONSEC 0x00080000u
#define NTLM_NEG_IDENTIFY            0x00100000u
#define NTLM_NEG_NON_NT_SESSION_KEY  0x00400000u
#define NTLM_NEG_TARGET_INFO         0x00800000u
#define NTLM_NEG_VERSION             0x02000000u
#define NTLM_NEG_128                 0x20000000u
#define NTLM_NEG_KEY_EXCH            0x40000000u
#define NTLM_NEG_56                  0x80000000u

/* [MS-NLMP] 2.2.2.1 AV_PAIR identifiers. */
enum ntlm_av_id {
	NTLM_AV_EOL = 0,
	NTLM_AV_NB_COMPUTER_NAME = 1,
	NTLM_AV_NB_DOMAIN_NAME = 2,
	NTLM_AV_DNS_COMPUTER_NAME = 3,
	NTLM_AV_DNS_DOMAIN_NAME = 4,
	NTLM_AV_DNS_TREE_NAME = 5,
	NTLM_AV_FLAGS = 6,
	NTLM_AV_TIMESTAMP = 7,
	NTLM_AV_SINGLE_HOST = 8,
	NTLM_AV_TARGET_NAME = 9,
	NTLM_AV_CHANNEL_BINDINGS = 10,
};
/* [MS-NLMP] 2.2.2.1 MsvAvFlags bit: the AUTHENTICATE_MESSAGE carries a MIC. */
#define NTLM_AV_FLAG_MIC 0x00000002u

#define NTLM_MSG_NEGOTIATE    1u
#define NTLM_MSG_CHALLENGE    2u
#define NTLM_MSG_AUTHENTICATE 3u

/* [MS-NLMP] 2.2.1.3: fixed part with Version, then the 16-byte MIC. */
#define NTLM_AUTH_MIC_OFFSET 72u
#define NTLM_AUTH_FIXED_LEN  64u

struct ntlm_bytes {
	const uint8_t *data;
	size_t len;
};

/* A parsed NEGOTIATE_MESSAGE ([MS-NLMP] 2.2.1.1); only the flags matter to a
 * server. */
struct ntlm_negotiate {
	uint32_t flags;
};

/* A parsed AUTHENTICATE_MESSAGE ([MS-NLMP] 2.2.1.3).  The byte fields point
 * into the message passed to ntlm_authenticate_parse(); the strings are
 * still in the negotiated encoding (UTF-16LE, or OEM when not UNICODE). */
struct ntlm_authenticate {
	uint32_t flags;
	struct ntlm_bytes lm_response;
	struct ntlm_bytes nt_response;
	struct ntlm_bytes domain;
	struct ntlm_bytes user;
	struct ntlm_bytes workstation;
	struct ntlm_bytes encrypted_session_key;
};

/* What the NTLMv2_CLIENT_CHALLENGE's AV pairs tell the server. */
struct ntlm_client_avs {
	uint32_t av_flags;
	bool has_timestamp;
};

/* Parsers: 0 on success, -1 when the message is malformed (*error_r set). */
int ntlm_negotiate_parse(const uint8_t *msg, size_t len, struct ntlm_negotiate *neg_r,
                         const char **error_r);
int ntlm_authenticate_parse(const uint8_t *msg, size_t len, struct ntlm_authenticate *auth_r,
                            const char **error_r);
/* Walks the AV_PAIR list of an NTLMv2_CLIENT_CHALLENGE.  0 / -1 malformed. */
int ntlm_client_avs_parse(const uint8_t *avs, size_t len, struct ntlm_client_avs *out_r,
                          const char **error_r);

/* Everything a CHALLENGE_MESSAGE carries ([MS-NLMP] 2.2.1.2). */
struct ntlm_challenge_params {
	uint32_t flags;
	uint8_t server_challenge[8];
	struct ntlm_bytes target_name; /* already encoded */
	struct ntlm_bytes target_info; /* AV pairs, ending with MsvAvEOL */
	uint8_t version[8];
};
/* Builds a CHALLENGE_MESSAGE on mem_ctx.  Returns NULL on out of memory. */
uint8_t *ntlm_challenge_build(TALLOC_CTX *mem_ctx, const struct ntlm_challenge_params *p,
                              size_t *len_r);
/* Appends one AV_PAIR (value given as UTF-8, stored UTF-16LE) to *buf.
 * Returns 0, or -1 on out of memory or a value too long. */
int ntlm_av_append_str(TALLOC_CTX *mem_ctx, uint8_t **buf, size_t *len, uint16_t id,
                       const char *value);
int ntlm_av_append(TALLOC_CTX *mem_ctx, uint8_t **buf, size_t *len, uint16_t id,
                   const uint8_t *value, uint16_t value_len);

/* Strings.  UTF-8 -> UTF-16LE and back; -1 on invalid input or no memory. */
int ntlm_utf8_to_utf16le(TALLOC_CTX *mem_ctx, const char *in, uint8_t **out_r, size_t *len_r);
int ntlm_utf16le_to_utf8(TALLOC_CTX *mem_ctx, const uint8_t *in, size_t len, char **out_r);
/* Upper-cases UTF-16LE text in place, unit by unit (Unicode simple
 * uppercase mapping, as Windows does for NTOWFv2). */
void ntlm_utf16le_upper(uint8_t *s, size_t len);

/* Crypto through OpenSSL (MD4, RC4 and DES come from the legacy provider in
 * a private library context).  All return 0, or -1 when OpenSSL fails. */
int ntlm_hmac_md5(const uint8_t *key, size_t key_len, const struct ntlm_bytes *parts,
                  size_t n_parts, uint8_t out[16]);
int ntlm_md4(const uint8_t *data, size_t len, uint8_t out[16]);
int ntlm_md5(const struct ntlm_bytes *parts, size_t n_parts, uint8_t out[16]);
int ntlm_rc4(const uint8_t key[16], const uint8_t *in, size_t len, uint8_t *out);
/* [MS-NLMP] 6 DESL(): 24-byte response from a 16-byte key and 8 bytes. */
int ntlm_desl(const uint8_t key[16], const uint8_t data[8], uint8_t out[24]);
/* Constant-time equality. */
bool ntlm_mem_equal(const void *a, const void *b, size_t len);

/* [MS-NLMP] 3.4.5.2 SIGNKEY and 3.4.5.3 SEALKEY for one direction
 * (client: client-to-server).  -1 without extended session security. */
int ntlm_sign_keys(const uint8_t exported[16], uint32_t flags, bool client, uint8_t sign_r[16],
                   uint8_t seal_r[16]);
/* [MS-NLMP] 3.4.4.2 signature of msg as the first message signed in its
 * direction (SeqNum 0, fresh RC4 handle): what SPNEGO's mechListMIC is. */
int ntlm_mac_first(const uint8_t exported[16], uint32_t flags, bool client, const uint8_t *msg,
                   size_t len, uint8_t sig_r[16]);

/* [MS-NLMP] 3.3.2 NTOWFv2 from the NT hash and the UserName / UserDom
 * exactly as the client encoded them (UTF-16LE). */
int ntlm_ntowfv2(const uint8_t nt_hash[16], const uint8_t *user, size_t user_len,
                 const uint8_t *domain, size_t domain_len, uint8_t out[16]);

/* Tests only: replaces the server challenge of a CHALLENGED state, so that
 * the spec's fixed example messages ([MS-NLMP] 4.2) can be verified. */
void ntlm_server_test_set_challenge(struct ntlm_server *server, const uint8_t challenge[8]);

#endif
