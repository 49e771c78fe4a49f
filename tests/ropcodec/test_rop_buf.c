#include "rop_buf.h"
#include "test.h"

static void test_pull_integers(void)
{
	static const uint8_t in[] = {0x01, 0x34, 0x12, 0x78, 0x56, 0x34, 0x12, 0xEF,
	                             0xCD, 0xAB, 0x89, 0x67, 0x45, 0x23, 0x01};
	struct rop_pull p;
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	test_begin("pull little-endian integers");
	rop_pull_init(&p, NULL, in, sizeof(in));
	test_assert(rop_pull_u8(&p, &u8) == ROP_OK && u8 == 0x01);
	test_assert(rop_pull_u16(&p, &u16) == ROP_OK && u16 == 0x1234);
	test_assert(rop_pull_u32(&p, &u32) == ROP_OK && u32 == 0x12345678);
	test_assert(rop_pull_u64(&p, &u64) == ROP_OK && u64 == 0x0123456789ABCDEFull);
	test_assert_int(rop_pull_left(&p), 0);
	test_assert(rop_pull_u8(&p, &u8) == ROP_E_SHORT);
	test_end();
}

static void test_pull_short_keeps_cursor(void)
{
	static const uint8_t in[] = {0xAA, 0xBB, 0xCC};
	struct rop_pull p;
	uint32_t u32;
	uint16_t u16;

	test_begin("short read fails and leaves the cursor");
	rop_pull_init(&p, NULL, in, sizeof(in));
	test_assert(rop_pull_u32(&p, &u32) == ROP_E_SHORT);
	test_assert_int(p.ofs, 0);
	test_assert(rop_pull_u16(&p, &u16) == ROP_OK && u16 == 0xBBAA);
	test_assert(rop_pull_check_count(&p, 2, 1) == ROP_E_SHORT);
	test_assert(rop_pull_check_count(&p, 1, 1) == ROP_OK);
	test_assert(rop_pull_check_count(&p, UINT64_MAX, 8) == ROP_E_SHORT);
	test_end();
}

static void test_utf16_round_trip(void)
{
	/* "Aé€" then U+1F600 as a surrogate pair, then a lone high surrogate. */
	static const uint8_t in[] = {0x41, 0x00, 0xE9, 0x00, 0xAC, 0x20, 0x3D,
	                             0xD8, 0x00, 0xDE, 0x00, 0xD8, 0x00, 0x00};
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct rop_pull p;
	struct rop_push w;
	char *s;

	test_begin("UTF-16LE to UTF-8/WTF-8 and back, byte exact");
	rop_pull_init(&p, tmp, in, sizeof(in));
	test_assert(rop_pull_utf16z(&p, &s) == ROP_OK);
	test_assert_str(s, "A\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\xED\xA0\x80");
	test_assert_int(p.ofs, sizeof(in));
	rop_push_init_growable(&w, tmp);
	test_assert(rop_push_utf16z(&w, s) == ROP_OK);
	test_assert_int(w.ofs, sizeof(in));
	test_assert_mem(w.data, in, sizeof(in));
	test_assert_int(rop_utf16_size("\xC3\xA9"), 2);
	test_assert_int(rop_utf16_size("\xC3"), -1);
	test_assert_int(rop_utf16_size("\xC0\x80"), -1); /* overlong NUL */
	test_end();
	talloc_free(tmp);
}

static void test_utf16_unterminated(void)
{
	static const uint8_t in[] = {0x41, 0x00, 0x42};
	struct rop_pull p;
	char *s;

	test_begin("UTF-16 string without terminator is short");
	rop_pull_init(&p, NULL, in, sizeof(in));
	test_assert(rop_pull_utf16z(&p, &s) == ROP_E_SHORT);
	test_assert_int(p.ofs, 0);
	test_assert(rop_pull_utf16n(&p, 3, &s) == ROP_E_INVALID);
	test_end();
}

static void test_push_fixed_nospace(void)
{
	uint8_t buf[6];
	struct rop_push w;
	size_t mark, at;

	test_begin("fixed push reports no space and rewinds to a mark");
	rop_push_init_fixed(&w, buf, sizeof(buf));
	test_assert(rop_push_reserve(&w, 2, &at) == ROP_OK);
	test_assert(rop_push_u16(&w, 0xBEEF) == ROP_OK);
	mark = rop_push_mark(&w);
	test_assert(rop_push_u32(&w, 1) == ROP_E_NOSPACE);
	test_assert_int(w.ofs, 4);
	test_assert(rop_push_u8(&w, 7) == ROP_OK);
	rop_push_rewind(&w, mark);
	test_assert(rop_push_utf16z(&w, "AB") == ROP_E_NOSPACE);
	test_assert_int(w.ofs, mark);
	rop_push_patch_u16(&w, at, 0x0102);
	test_assert(buf[0] == 0x02 && buf[1] == 0x01 && buf[2] == 0xEF && buf[3] == 0xBE);
	test_end();
}

static void test_push_growable(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct rop_push w;
	int ok = 1;

	test_begin("growable push keeps every byte");
	rop_push_init_growable(&w, tmp);
	for (uint32_t i = 0; i < 10000; i++)
		ok &= rop_push_u32(&w, i) == ROP_OK;
	test_assert(ok);
	test_assert_int(w.ofs, 40000);
	test_assert(w.data[4 * 9999] == (9999 & 0xFF) && w.data[4 * 9999 + 1] == (9999 >> 8));
	test_end();
	talloc_free(tmp);
}

int main(void)
{
	test_pull_integers();
	test_pull_short_keeps_cursor();
	test_utf16_round_trip();
	test_utf16_unterminated();
	test_push_fixed_nospace();
	test_push_growable();
	return test_exit();
}
