/* Tests of the [MS-OXCDATA] 2.4 error table. */
#include "rop_errors.h"
#include "test.h"

static void test_by_value(void)
{
	test_begin("rop_errors: lookup by value");
	test_assert_str(rop_error_name(0x8004010F), "NotFound");
	test_assert_str(rop_error_name(0x00000000), "Success");
	test_assert_str(rop_error_name(0x0000047D), "BufferTooSmall");
	test_assert_str(rop_error_name(0x00000503), "NullDestinationObject");
	test_assert_str(rop_error_name(0x00040380), "ErrorsReturned");
	/* two sections list 0x8007000E: the first row answers */
	test_assert_str(rop_error_name(0x8007000E), "OutOfMemory");
	test_assert(rop_error_name(0x12345678) == NULL);
	test_assert_int(EC_NotFound, 0x8004010F);
	test_assert_int(EC_LogonFailed, 0x80040111);
	test_end();
}

static void test_by_name(void)
{
	uint32_t v = 0;

	test_begin("rop_errors: lookup by name and alternate name");
	test_assert_int(rop_error_lookup_name("InvalidParameter", &v), 1);
	test_assert_int(v, 0x80070057);
	test_assert_int(rop_error_lookup_name("ecNullObject", &v), 1);
	test_assert_int(v, 0x000004B9);
	test_assert_int(rop_error_lookup_name("mapi_e_no_access", &v), 1);
	test_assert_int(v, 0x80070005);
	test_assert_int(rop_error_lookup_name("NoSuchCode", &v), 0);
	test_assert_int(rop_error_lookup_name("", &v), 0);
	test_end();
}

static void test_table_sane(void)
{
	unsigned int n = rop_error_count(), dup_names = 0;

	test_begin("rop_errors: names unique, every row complete");
	test_assert(n > 250);
	for (unsigned int i = 0; i < n; i++) {
		const struct rop_error_info *a = rop_error_at(i);
		test_assert(a->name[0] != '\0' && a->alt[0] != '\0' && a->meaning[0] != '\0');
		for (unsigned int j = i + 1; j < n; j++) {
			if (strcmp(a->name, rop_error_at(j)->name) == 0)
				dup_names++;
		}
		/* every row is found again by its own name */
		uint32_t v = 0;
		test_assert(rop_error_lookup_name(a->name, &v) == 1 && v == a->value);
	}
	test_assert_int(dup_names, 0);
	test_assert(rop_error_at(n) == NULL);
	test_end();
}

int main(void)
{
	test_by_value();
	test_by_name();
	test_table_sane();
	return test_exit();
}
