/*
 * A small table-driven unit-test harness (Dovecot style):
 *
 *   static void test_foo(void)
 *   {
 *       test_begin("foo parses bar");
 *       test_assert(foo("bar") == 1);
 *       test_assert_int(x, 3);
 *       test_end();
 *   }
 *   int main(void) { test_foo(); return test_exit(); }
 *
 * Each failed assertion prints file:line and the expression; test_end()
 * prints "ok" or "FAIL" for the test; test_exit() prints the totals and
 * returns the process exit status.
 */
#ifndef TESTS_TEST_H
#define TESTS_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char *test_name_;
static int test_failed_now_, test_passed_total_, test_failed_total_;

static inline void test_begin(const char *name)
{
	test_name_ = name;
	test_failed_now_ = 0;
}

static inline void test_fail_(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: %s: assertion failed: %s\n", file, line, test_name_, what);
	test_failed_now_++;
}

#define test_assert(expr)                                                                          \
	do {                                                                                       \
		if (!(expr))                                                                       \
			test_fail_(__FILE__, __LINE__, #expr);                                     \
	} while (0)

#define test_assert_int(a, b)                                                                      \
	do {                                                                                       \
		long long a_ = (long long)(a), b_ = (long long)(b);                                \
		if (a_ != b_) {                                                                    \
			fprintf(stderr, "%s:%d: %s: %s == %lld, expected %s == %lld\n", __FILE__,  \
			        __LINE__, test_name_, #a, a_, #b, b_);                             \
			test_failed_now_++;                                                        \
		}                                                                                  \
	} while (0)

#define test_assert_str(a, b)                                                                      \
	do {                                                                                       \
		const char *a_ = (a), *b_ = (b);                                                   \
		if (a_ == NULL || b_ == NULL || strcmp(a_, b_) != 0) {                             \
			fprintf(stderr, "%s:%d: %s: %s == \"%s\", expected \"%s\"\n", __FILE__,    \
			        __LINE__, test_name_, #a, a_ ? a_ : "(null)", b_ ? b_ : "(null)"); \
			test_failed_now_++;                                                        \
		}                                                                                  \
	} while (0)

#define test_assert_mem(a, b, n)                                                                   \
	do {                                                                                       \
		if (memcmp((a), (b), (n)) != 0)                                                    \
			test_fail_(__FILE__, __LINE__, "memcmp(" #a ", " #b ", " #n ") == 0");     \
	} while (0)

static inline void test_end(void)
{
	if (test_failed_now_ == 0) {
		test_passed_total_++;
		printf("ok   %s\n", test_name_);
	} else {
		test_failed_total_++;
		printf("FAIL %s\n", test_name_);
	}
	fflush(stdout);
}

static inline int test_exit(void)
{
	printf("%d passed, %d failed\n", test_passed_total_, test_failed_total_);
	return test_failed_total_ == 0 ? 0 : 1;
}

#endif
