/*
 * fuzz_soc.c - libFuzzer target: the JSON layer and the SoC loader
 * (handset-soc/1 files). Findings as in fuzz_scenario.c. Seeds: the
 * shipped SoC files and tests/data/soc.
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"
#include "config/json.h"
#include "config/soc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void *load(JsonDoc *doc)
{
    return soc_from_doc(doc);
}

static void done(void *built)
{
    soc_free((SocModel *)built);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_json_loader(data, size, "soc", load, done);
    return 0;
}
