/*
 * fuzz_scenario.c - libFuzzer target: the JSON layer (jansson, the
 * position index, the typed getters) and the scenario loader, which
 * also resolves and loads the scenario's SoC files (HANDSET_DATA names
 * the tree with soc_models/; tests/fuzz/run sets it). Every input is
 * accepted or refused with a positioned one-line message; a crash, a
 * sanitizer report, a refusal without a message or one with a control
 * character is a finding. Seeds: the shipped scenarios and tests/data/scenario.
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"
#include "scenario/json.h"
#include "scenario/scenario.h"

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
    Scenario *s = scenario_from_doc(doc);
    if (!s)
        fuzz_check_message("scenario", json_doc_error(doc));
    scenario_free(s);
    json_doc_free(doc);
    return 0;
}
