/*
 * fuzz_soc.c - libFuzzer target: the JSON layer and the SoC loader
 * (handset-soc/1 files). Findings as in fuzz_scenario.c. Seeds: the
 * shipped SoC files and tests/data/soc.
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"
#include "scenario/json.h"
#include "scenario/soc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[JSON_ERR_MAX];
    err[0] = '\0';
    JsonDoc *doc = json_doc_load_text("fuzz.json", (const char *)data, size,
                                      err, sizeof err);
    if (!doc) {
        fuzz_check_message("json", err);
        return 0;
    }
    SocModel *m = soc_from_doc(doc);
    if (!m)
        fuzz_check_message("soc", json_doc_error(doc));
    soc_free(m);
    json_doc_free(doc);
    return 0;
}
