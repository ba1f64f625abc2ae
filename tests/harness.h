/*
 * harness.h - registration of cmocka test groups into one test binary.
 *
 * Each test file ends with HS_TEST_GROUP(name, tests): a constructor adds
 * the group to the harness, whose main() runs every group (or those whose
 * name contains argv[1]) in name order and prints "N passed, N failed".
 */
#ifndef HS_TESTS_HARNESS_H
#define HS_TESTS_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

void hs_test_register(const char *name, const struct CMUnitTest *tests,
                      size_t count);

#define HS_TEST_GROUP(group, tests)                                            \
    __attribute__((constructor)) static void hs_register_##group(void)         \
    {                                                                          \
        hs_test_register(#group, tests, sizeof(tests) / sizeof(tests[0]));     \
    }

/* Path of a file in the source tree (tests run from the repository root
 * or with HS_SRCDIR set). */
const char *hs_test_path(const char *relative, char *buf, size_t size);

#endif
