/*
 * fuzz_common.h - what every fuzz target checks about a refusal: the
 * loader said why (a non-empty message that does not end in libelf's
 * ": no error"),
 * on one line (no control character echoed from the input). A violation
 * aborts, which libFuzzer reports as a finding with its input.
 */
#ifndef HS_TESTS_FUZZ_COMMON_H
#define HS_TESTS_FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline void fuzz_check_message(const char *what, const char *msg)
{
    if (!msg || !msg[0]) {
        fprintf(stderr, "%s: refused without a message\n", what);
        abort();
    }
    size_t n = strlen(msg);
    if (n >= 10 && strcmp(msg + n - 10, ": no error") == 0) {
        fprintf(stderr, "%s: refused with no cause: %s\n", what, msg);
        abort();
    }
    for (const unsigned char *p = (const unsigned char *)msg; *p; p++)
        if (*p < 0x20 || *p == 0x7f) {
            fprintf(stderr, "%s: control character 0x%02x in: %s\n", what, *p,
                    msg);
            abort();
        }
}

#endif /* HS_TESTS_FUZZ_COMMON_H */
