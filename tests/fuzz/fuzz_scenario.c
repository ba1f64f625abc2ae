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
#include "config/json.h"
#include "config/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void *load(JsonDoc *doc)
{
    return scenario_from_doc(doc);
}

static void done(void *built)
{
    scenario_free((Scenario *)built);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_json_loader(data, size, "scenario", load, done);
    return 0;
}
