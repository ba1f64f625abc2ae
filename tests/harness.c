/*
 * harness.c - main() of the unit/device test binary: runs the registered
 * cmocka groups and prints a closing "N passed, N failed" line.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct TestGroup {
    const char *name;
    const struct CMUnitTest *tests;
    size_t count;
} TestGroup;

#define MAX_GROUPS 256
static TestGroup groups[MAX_GROUPS];
static size_t n_groups;

void hs_test_register(const char *name, const struct CMUnitTest *tests,
                      size_t count)
{
    if (n_groups == MAX_GROUPS) {
        fprintf(stderr, "harness: more than %d test groups\n", MAX_GROUPS);
        abort();
    }
    groups[n_groups++] = (TestGroup){name, tests, count};
}

const char *hs_test_path(const char *relative, char *buf, size_t size)
{
    const char *src = getenv("HS_SRCDIR");
    snprintf(buf, size, "%s/%s", src && *src ? src : ".", relative);
    return buf;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const TestGroup *)a)->name, ((const TestGroup *)b)->name);
}

int main(int argc, char **argv)
{
    const char *filter = argc > 1 ? argv[1] : NULL;
    qsort(groups, n_groups, sizeof groups[0], by_name);
    size_t total = 0, failed = 0;
    for (size_t i = 0; i < n_groups; i++) {
        if (filter && !strstr(groups[i].name, filter))
            continue;
        int f = _cmocka_run_group_tests(groups[i].name, groups[i].tests,
                                        groups[i].count, NULL, NULL);
        total += groups[i].count;
        failed += (size_t)f;
    }
    printf("unit: %zu passed, %zu failed\n", total - failed, failed);
    return failed ? 1 : 0;
}
