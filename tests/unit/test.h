/*
 * test.h - the smallest useful unit-test harness.
 *
 *   CU_TEST(name) { CHECK(cond); CHECK_EQ_INT(a, b); CHECK_STR(a, b); }
 *   int main(void) { RUN(name); return cu_test_done(); }
 *
 * Prints one line per failed check and, at the end, "N passed, N failed"
 * (counting checks), exiting non-zero on any failure.
 */
#ifndef CU_TEST_H
#define CU_TEST_H

#include "core/common.h"

static int cu_t_pass, cu_t_fail;
static const char *cu_t_name;

#define CU_TEST(name) static void test_##name(void)
#define RUN(name) do { cu_t_name = #name; test_##name(); } while (0)

#define CHECK(cond) do { \
	if (cond) cu_t_pass++; \
	else { cu_t_fail++; fprintf(stderr, "%s:%d: %s: CHECK(%s) failed\n", \
		__FILE__, __LINE__, cu_t_name, #cond); } \
} while (0)

#define CHECK_EQ_INT(a, b) do { \
	long long cu_a = (long long)(a), cu_b = (long long)(b); \
	if (cu_a == cu_b) cu_t_pass++; \
	else { cu_t_fail++; fprintf(stderr, "%s:%d: %s: %s == %lld, expected %s == %lld\n", \
		__FILE__, __LINE__, cu_t_name, #a, cu_a, #b, cu_b); } \
} while (0)

#define CHECK_STR(a, b) do { \
	const char *cu_a = (a), *cu_b = (b); \
	if (cu_a && cu_b && strcmp(cu_a, cu_b) == 0) cu_t_pass++; \
	else { cu_t_fail++; fprintf(stderr, "%s:%d: %s: %s is \"%s\", expected \"%s\"\n", \
		__FILE__, __LINE__, cu_t_name, #a, cu_a ? cu_a : "(null)", cu_b ? cu_b : "(null)"); } \
} while (0)

static inline int cu_test_done(void)
{
	printf("%d passed, %d failed\n", cu_t_pass, cu_t_fail);
	return cu_t_fail ? 1 : 0;
}

#endif
