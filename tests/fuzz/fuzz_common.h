/*
 * fuzz_common.h - what every fuzz target checks about a refusal: the
 * loader said why (a non-empty message that does not end in libelf's
 * ": no error"), on one line (no control character echoed from the
 * input). A violation aborts, which libFuzzer reports as a finding with
 * its input. fuzz_json_loader runs the JSON layer and one loader on the
 * bytes, the body of the scenario and SoC targets.
 */
#ifndef HS_TESTS_FUZZ_COMMON_H
#define HS_TESTS_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/json.h"

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

/* Parses data as a file and builds it with load (NULL with the error in
 * the document on refusal), then frees what was built with done. */
static inline void fuzz_json_loader(const uint8_t *data, size_t size,
                                    const char *what,
                                    void *(*load)(JsonDoc *doc),
                                    void (*done)(void *built))
{
    char err[JSON_ERR_MAX];
    err[0] = '\0';
    JsonDoc *doc = json_doc_load_text("fuzz.json", (const char *)data, size,
                                      err, sizeof err);
    if (!doc) {
        fuzz_check_message("json", err);
        return;
    }
    void *built = load(doc);
    if (!built)
        fuzz_check_message(what, json_doc_error(doc));
    done(built);
    json_doc_free(doc);
}

#endif /* HS_TESTS_FUZZ_COMMON_H */
