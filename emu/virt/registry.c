/*
 * registry.c - the approach table (virt.h): each name of config/names.h
 * mapped to its mechanisms, and the check of "--set" keys against every
 * parameter table.
 */
#include "virt/virt.h"

#include <stdio.h>
#include <string.h>

#include "config/setting.h"
#include "machine/host.h"
#include "sim/error.h"
#include "sim/text.h"
#include "virt/virt_common.h"

static const ApproachOps *const approaches[SCENARIO_APPROACH_COUNT] = {
    [SCENARIO_APPROACH_NATIVE] = &virt_native,
    [SCENARIO_APPROACH_SELINUX_MLS] = &virt_selinux_mls,
    [SCENARIO_APPROACH_HYP_MILS] = &virt_hyp_mils,
    [SCENARIO_APPROACH_HYP_PV] = &virt_hyp_pv,
    [SCENARIO_APPROACH_TRUSTZONE] = &virt_trustzone,
    [SCENARIO_APPROACH_CONTAINERS] = &virt_containers,
};

const ApproachOps *const *virt_approaches(size_t *n)
{
    *n = SCENARIO_APPROACH_COUNT;
    return approaches;
}

const ApproachOps *virt_find(const char *name)
{
    int i = scenario_name_find(scenario_approach_names, name);
    return i < 0 ? NULL : approaches[i];
}

/* Considers one full key as a suggestion for key. */
static void suggest(const char *key, const char *prefix, const char *name,
                    char *best, size_t best_size, size_t *best_d)
{
    char full[128];
    snprintf(full, sizeof full, "%s.%s", prefix, name);
    size_t d = hs_edit_distance(key, full);
    if (d < *best_d) {
        *best_d = d;
        snprintf(best, best_size, "%s", full);
    }
}

int virt_check_set(const char *kv, char *err, size_t err_size)
{
    char key[SETTING_KEY_MAX];
    const char *text;
    uint64_t value;
    if (setting_split(kv, key, sizeof key, &text, err, err_size) < 0)
        return -1;
    /* the key first: a misspelt key is reported as such, whatever its
     * value */
    char best[128] = "", prefix[64];
    size_t best_d = 4, n;
    const VirtParam *mp = machine_params_table(&n);
    for (size_t i = 0; i < n; i++) {
        if (strncmp(key, "machine.", 8) == 0 && strcmp(key + 8, mp[i].key) == 0)
            return setting_value(key, text, &value, err, err_size);
        suggest(key, "machine", mp[i].key, best, sizeof best, &best_d);
    }
    for (size_t a = 0; a < SCENARIO_APPROACH_COUNT; a++) {
        const ApproachOps *o = approaches[a];
        snprintf(prefix, sizeof prefix, "virt.%s", approach_name(o));
        size_t pl = strlen(prefix);
        for (size_t i = 0; i < o->n_params; i++) {
            if (strncmp(key, prefix, pl) == 0 && key[pl] == '.' &&
                strcmp(key + pl + 1, o->params[i].key) == 0)
                return setting_value(key, text, &value, err, err_size);
            suggest(key, prefix, o->params[i].key, best, sizeof best, &best_d);
        }
    }
    if (best[0])
        return hs_errorf(err, err_size,
                         "--set %s: unknown key (did you mean \"%s\"?)", key,
                         best);
    return hs_errorf(err, err_size,
                     "--set %s: unknown key (keys are machine.<key> and "
                     "virt.<approach>.<key>)",
                     key);
}
