/* Entry IDs and identifiers, [MS-OXCDATA] 2.2 and [MS-OXNSPI] 2.2.9. */
#include "rop_entryid.h"

#include <string.h>

/* [MS-OXCDATA] 2.2.4.3 */
const struct mapi_guid rop_uid_store_wrap = {{0x38, 0xA1, 0xBB, 0x10, 0x05, 0xE5, 0x10, 0x1A, 0xA1,
                                              0xBB, 0x08, 0x00, 0x2B, 0x2A, 0x56, 0xC2}};
const struct mapi_guid rop_uid_emsmdb_private = {{0x1B, 0x55, 0xFA, 0x20, 0xAA, 0x66, 0x11, 0xCD,
                                                  0x9B, 0xC8, 0x00, 0xAA, 0x00, 0x2F, 0xC4, 0x5A}};
const struct mapi_guid rop_uid_emsmdb_public = {{0x1C, 0x83, 0x02, 0x10, 0xAA, 0x66, 0x11, 0xCD,
                                                 0x9B, 0xC8, 0x00, 0xAA, 0x00, 0x2F, 0xC4, 0x5A}};
/* [MS-OXCDATA] 2.2.5.2, [MS-OXNSPI] 2.2.9.3 */
const struct mapi_guid rop_uid_address_book = {{0xDC, 0xA7, 0x40, 0xC8, 0xC0, 0x42, 0x10, 0x1A,
                                                0xB4, 0xB9, 0x08, 0x00, 0x2B, 0x2F, 0xE1, 0x82}};
/* [MS-OXCDATA] 2.2.5.1 */
const struct mapi_guid rop_uid_one_off = {{0x81, 0x2B, 0x1F, 0xA4, 0xBE, 0xA3, 0x10, 0x19, 0x9D,
                                           0x6E, 0x00, 0xDD, 0x01, 0x0F, 0x54, 0x02}};

enum rop_err rop_pull_globcnt(struct rop_pull *p, uint64_t *v_r)
{
	const uint8_t *b;
	uint64_t v = 0;

	ROP_CHECK(rop_pull_ref(p, 6, &b));
	for (int i = 0; i < 6; i++)
		v = (v << 8) | b[i];
	*v_r = v;
	return ROP_OK;
}

enum rop_err rop_push_globcnt(struct rop_push *p, uint64_t v)
{
	uint8_t b[6];

	if (v >> 48 != 0)
		return ROP_E_INVALID;
	for (int i = 5; i >= 0; i--) {
		b[i] = (uint8_t)(v & 0xFF);
		v >>= 8;
	}
	return rop_push_bytes(p, b, 6);
}

enum rop_err rop_pull_long_term_id(struct rop_pull *p, struct mapi_long_term_id *v_r)
{
	const uint8_t *b;

	ROP_CHECK(rop_pull_guid(p, &v_r->guid));
	ROP_CHECK(rop_pull_ref(p, 6, &b));
	memcpy(v_r->globcnt, b, 6);
	return rop_pull_u16(p, &v_r->pad);
}

enum rop_err rop_push_long_term_id(struct rop_push *p, const struct mapi_long_term_id *v)
{
	ROP_CHECK(rop_push_guid(p, &v->guid));
	ROP_CHECK(rop_push_bytes(p, v->globcnt, 6));
	return rop_push_u16(p, v->pad);
}

/* DatabaseGuid, 6-byte GlobalCounter and a zero 16-bit Pad. */
static enum rop_err pull_db_globcnt(struct rop_pull *p, struct mapi_guid *g, uint64_t *cnt)
{
	uint16_t pad;

	ROP_CHECK(rop_pull_guid(p, g));
	ROP_CHECK(rop_pull_globcnt(p, cnt));
	ROP_CHECK(rop_pull_u16(p, &pad));
	return pad == 0 ? ROP_OK : ROP_E_INVALID;
}

static enum rop_err push_db_globcnt(struct rop_push *p, const struct mapi_guid *g, uint64_t cnt)
{
	ROP_CHECK(rop_push_guid(p, g));
	ROP_CHECK(rop_push_globcnt(p, cnt));
	return rop_push_u16(p, 0);
}

/* [MS-OXCDATA] 2.2.4.1 */
enum rop_err rop_pull_folder_entryid(struct rop_pull *p, struct rop_folder_entryid *e_r)
{
	ROP_CHECK(rop_pull_u32(p, &e_r->flags));
	ROP_CHECK(rop_pull_guid(p, &e_r->provider_uid));
	ROP_CHECK(rop_pull_u16(p, &e_r->type));
	return pull_db_globcnt(p, &e_r->database_guid, &e_r->globcnt);
}

enum rop_err rop_push_folder_entryid(struct rop_push *p, const struct rop_folder_entryid *e)
{
	ROP_CHECK(rop_push_u32(p, e->flags));
	ROP_CHECK(rop_push_guid(p, &e->provider_uid));
	ROP_CHECK(rop_push_u16(p, e->type));
	return push_db_globcnt(p, &e->database_guid, e->globcnt);
}

/* [MS-OXCDATA] 2.2.4.2 */
enum rop_err rop_pull_message_entryid(struct rop_pull *p, struct rop_message_entryid *e_r)
{
	ROP_CHECK(rop_pull_u32(p, &e_r->flags));
	ROP_CHECK(rop_pull_guid(p, &e_r->provider_uid));
	ROP_CHECK(rop_pull_u16(p, &e_r->type));
	ROP_CHECK(pull_db_globcnt(p, &e_r->folder_database_guid, &e_r->folder_globcnt));
	return pull_db_globcnt(p, &e_r->message_database_guid, &e_r->message_globcnt);
}

enum rop_err rop_push_message_entryid(struct rop_push *p, const struct rop_message_entryid *e)
{
	ROP_CHECK(rop_push_u32(p, e->flags));
	ROP_CHECK(rop_push_guid(p, &e->provider_uid));
	ROP_CHECK(rop_push_u16(p, e->type));
	ROP_CHECK(push_db_globcnt(p, &e->folder_database_guid, e->folder_globcnt));
	return push_db_globcnt(p, &e->message_database_guid, e->message_globcnt);
}

/* [MS-OXCDATA] 2.2.4.3 */
enum rop_err rop_pull_store_entryid(struct rop_pull *p, struct rop_store_entryid *e_r)
{
	const uint8_t *dll;
	size_t left;

	memset(e_r, 0, sizeof(*e_r));
	ROP_CHECK(rop_pull_u32(p, &e_r->flags));
	struct mapi_guid uid;
	ROP_CHECK(rop_pull_guid(p, &uid));
	if (memcmp(&uid, &rop_uid_store_wrap, sizeof(uid)) != 0)
		return ROP_E_INVALID;
	ROP_CHECK(rop_pull_u8(p, &e_r->version));
	ROP_CHECK(rop_pull_u8(p, &e_r->flag));
	ROP_CHECK(rop_pull_ref(p, sizeof(e_r->dll_name), &dll));
	memcpy(e_r->dll_name, dll, sizeof(e_r->dll_name));
	ROP_CHECK(rop_pull_u32(p, &e_r->wrapped_flags));
	ROP_CHECK(rop_pull_guid(p, &e_r->wrapped_provider_uid));
	ROP_CHECK(rop_pull_u32(p, &e_r->wrapped_type));
	ROP_CHECK(rop_pull_asciiz(p, &e_r->server_shortname));
	if (rop_pull_left(p) > 0)
		ROP_CHECK(rop_pull_asciiz(p, &e_r->mailbox_dn));
	left = rop_pull_left(p);
	e_r->extra.len = (uint32_t)left;
	return rop_pull_bytes(p, left, &e_r->extra.data);
}

enum rop_err rop_push_store_entryid(struct rop_push *p, const struct rop_store_entryid *e)
{
	if (e->server_shortname == NULL || (e->extra.len > 0 && e->mailbox_dn == NULL))
		return ROP_E_INVALID;
	ROP_CHECK(rop_push_u32(p, e->flags));
	ROP_CHECK(rop_push_guid(p, &rop_uid_store_wrap));
	ROP_CHECK(rop_push_u8(p, e->version));
	ROP_CHECK(rop_push_u8(p, e->flag));
	ROP_CHECK(rop_push_bytes(p, e->dll_name, sizeof(e->dll_name)));
	ROP_CHECK(rop_push_u32(p, e->wrapped_flags));
	ROP_CHECK(rop_push_guid(p, &e->wrapped_provider_uid));
	ROP_CHECK(rop_push_u32(p, e->wrapped_type));
	ROP_CHECK(rop_push_asciiz(p, e->server_shortname));
	if (e->mailbox_dn != NULL)
		ROP_CHECK(rop_push_asciiz(p, e->mailbox_dn));
	return rop_push_bytes(p, e->extra.data, e->extra.len);
}

void rop_store_entryid_init(struct rop_store_entryid *e, const char *server, const char *mailbox_dn)
{
	static const char dll[] = "emsmdb.dll";

	memset(e, 0, sizeof(*e));
	memcpy(e->dll_name, dll, sizeof(dll));
	if (mailbox_dn != NULL) {
		e->wrapped_provider_uid = rop_uid_emsmdb_private;
		e->wrapped_type = ROP_STORE_WRAPPED_PRIVATE;
	} else {
		e->wrapped_provider_uid = rop_uid_emsmdb_public;
		e->wrapped_type = ROP_STORE_WRAPPED_PUBLIC;
	}
	e->server_shortname = (char *)server;
	e->mailbox_dn = (char *)mailbox_dn;
}

/* [MS-OXCDATA] 2.2.5.2 */
enum rop_err rop_pull_ab_entryid(struct rop_pull *p, struct rop_ab_entryid *e_r)
{
	memset(e_r, 0, sizeof(*e_r));
	ROP_CHECK(rop_pull_u32(p, &e_r->flags));
	ROP_CHECK(rop_pull_guid(p, &e_r->provider_uid));
	ROP_CHECK(rop_pull_u32(p, &e_r->version));
	ROP_CHECK(rop_pull_u32(p, &e_r->type));
	return rop_pull_asciiz(p, &e_r->dn);
}

enum rop_err rop_push_ab_entryid(struct rop_push *p, const struct rop_ab_entryid *e)
{
	if (e->dn == NULL)
		return ROP_E_INVALID;
	ROP_CHECK(rop_push_u32(p, e->flags));
	ROP_CHECK(rop_push_guid(p, &e->provider_uid));
	ROP_CHECK(rop_push_u32(p, e->version));
	ROP_CHECK(rop_push_u32(p, e->type));
	return rop_push_asciiz(p, e->dn);
}

/* [MS-OXNSPI] 2.2.9.2 */
enum rop_err rop_pull_ab_ephemeral_entryid(struct rop_pull *p, struct rop_ab_ephemeral_entryid *e_r)
{
	const uint8_t *r;

	ROP_CHECK(rop_pull_u8(p, &e_r->id_type));
	if (e_r->id_type != ROP_NSPI_EPHEMERAL_ID)
		return ROP_E_INVALID;
	ROP_CHECK(rop_pull_ref(p, 3, &r));
	memcpy(e_r->r, r, 3);
	ROP_CHECK(rop_pull_guid(p, &e_r->provider_uid));
	ROP_CHECK(rop_pull_u32(p, &e_r->r4));
	ROP_CHECK(rop_pull_u32(p, &e_r->display_type));
	return rop_pull_u32(p, &e_r->mid);
}

enum rop_err rop_push_ab_ephemeral_entryid(struct rop_push *p,
                                           const struct rop_ab_ephemeral_entryid *e)
{
	ROP_CHECK(rop_push_u8(p, e->id_type));
	ROP_CHECK(rop_push_bytes(p, e->r, 3));
	ROP_CHECK(rop_push_guid(p, &e->provider_uid));
	ROP_CHECK(rop_push_u32(p, e->r4));
	ROP_CHECK(rop_push_u32(p, e->display_type));
	return rop_push_u32(p, e->mid);
}

/* [MS-OXCDATA] 2.2.5.1: three strings in the width the U bit picks. */
static enum rop_err pull_oneoff_str(struct rop_pull *p, bool unicode, char **s_r)
{
	return unicode ? rop_pull_utf16z(p, s_r) : rop_pull_asciiz(p, s_r);
}

static enum rop_err push_oneoff_str(struct rop_push *p, bool unicode, const char *s)
{
	if (s == NULL)
		return ROP_E_INVALID;
	return unicode ? rop_push_utf16z(p, s) : rop_push_asciiz(p, s);
}

enum rop_err rop_pull_oneoff_entryid(struct rop_pull *p, struct rop_oneoff_entryid *e_r)
{
	struct mapi_guid uid;
	bool u;

	memset(e_r, 0, sizeof(*e_r));
	ROP_CHECK(rop_pull_u32(p, &e_r->flags));
	ROP_CHECK(rop_pull_guid(p, &uid));
	if (memcmp(&uid, &rop_uid_one_off, sizeof(uid)) != 0)
		return ROP_E_INVALID;
	ROP_CHECK(rop_pull_u16(p, &e_r->version));
	ROP_CHECK(rop_pull_u16(p, &e_r->oneoff_flags));
	u = (e_r->oneoff_flags & ROP_ONEOFF_UNICODE) != 0;
	ROP_CHECK(pull_oneoff_str(p, u, &e_r->display_name));
	ROP_CHECK(pull_oneoff_str(p, u, &e_r->address_type));
	return pull_oneoff_str(p, u, &e_r->email_address);
}

enum rop_err rop_push_oneoff_entryid(struct rop_push *p, const struct rop_oneoff_entryid *e)
{
	bool u = (e->oneoff_flags & ROP_ONEOFF_UNICODE) != 0;

	ROP_CHECK(rop_push_u32(p, e->flags));
	ROP_CHECK(rop_push_guid(p, &rop_uid_one_off));
	ROP_CHECK(rop_push_u16(p, e->version));
	ROP_CHECK(rop_push_u16(p, e->oneoff_flags));
	ROP_CHECK(push_oneoff_str(p, u, e->display_name));
	ROP_CHECK(push_oneoff_str(p, u, e->address_type));
	return push_oneoff_str(p, u, e->email_address);
}
