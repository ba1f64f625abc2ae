/*
 * scenario_set.c - what a scenario runs: its approaches, its "set"
 * overrides (and --set on the command line), its variants
 * (scenario_int.h).
 */
#include "config/scenario_int.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const mic_wiring_names[] = {
    [SOC_MIC_BASEBAND_DIRECT] = "baseband-direct",
    [SOC_MIC_AP_CODEC] = "ap-codec",
    NULL,
};

/* ---- approaches, set, variants -------------------------------------- */

int scenario_load_approaches(ScenarioLoader *L, const json_t *root)
{
    Scenario *s = L->s;
    const json_t *arr;
    if (!json_has_key(root, "approaches")) {
        for (int i = 0; i < SCENARIO_APPROACH_COUNT; i++)
            s->approaches[i] = true;
        return 0;
    }
    if (json_get_array(L->doc, root, "", "approaches", 1,
                       SCENARIO_APPROACH_COUNT, &arr) < 0)
        return -1;
    for (size_t i = 0; i < json_array_size(arr); i++) {
        char p[JSON_PATH_MAX];
        json_path_index(p, sizeof p, "approaches", i);
        const json_t *v = json_array_get(arr, i);
        int a = 0;
        if (!json_is_string(v))
            return json_fail(L->doc, p, "expected a string");
        if (scenario_lookup(L, p, "approach", json_string_value(v),
                            scenario_approach_names, SCENARIO_APPROACH_COUNT,
                            &a) < 0)
            return -1;
        if (s->approaches[a])
            return json_fail(L->doc, p, "\"%s\" is listed twice",
                             scenario_approach_names[a]);
        s->approaches[a] = true;
    }
    return 0;
}

int scenario_check_set_key(const char *key, char *why, size_t why_size)
{
    size_t len = strlen(key), segments = 1;
    bool start = true;
    if (len == 0 || len > SCENARIO_SET_KEY_MAX) {
        snprintf(why, why_size, "a key has 1 to %d characters",
                 SCENARIO_SET_KEY_MAX);
        return -1;
    }
    for (const char *p = key; *p; p++) {
        char c = *p;
        bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (c == '.') {
            if (start)
                break;
            segments++;
            start = true;
            continue;
        }
        if (!alnum && c != '_' && c != '-') {
            snprintf(why, why_size,
                     "character '%c' is not allowed in a key (use a-z, 0-9, "
                     "'_', '-' and '.')",
                     c);
            return -1;
        }
        if (start && !alnum)
            break;
        start = false;
    }
    if (start || segments < 2 || segments > 3) {
        snprintf(why, why_size,
                 "a key is section.name or section.name.sub, each part "
                 "starting with a letter or digit");
        return -1;
    }
    return 0;
}

/* Adds or replaces a setting; returns -1 when out of memory. */
static int put_setting(Scenario *s, const char *key, const char *value,
                       const char *origin)
{
    const char *k = scenario_own(s, key), *v = scenario_own(s, value),
               *o = scenario_own(s, origin);
    if (!k || !v || !o)
        return -1;
    for (size_t i = 0; i < s->n_settings; i++) {
        if (strcmp(s->settings[i].key, key) == 0) {
            s->settings[i].value = v;
            s->settings[i].origin = o;
            return 0;
        }
    }
    ScenarioSetting *grown =
        scenario_grow(s->settings, s->n_settings, sizeof *grown);
    if (!grown)
        return -1;
    s->settings = grown;
    grown[s->n_settings++] =
        (ScenarioSetting){.key = k, .value = v, .origin = o};
    return 0;
}

/* Byte offset of member key of the object at prefix (0 if unknown). */
static size_t key_offset(const JsonDoc *doc, const char *prefix,
                         const char *key)
{
    char p[JSON_PATH_MAX];
    const JsonIndexEntry *e =
        json_doc_find(doc, json_path_key(p, sizeof p, prefix, key));
    return e ? e->key.offset : 0;
}

/* Sorts the member names keys[0..n) of the object at prefix into the
 * order they appear in the text (insertion sort: objects are small). */
static void sort_by_position(const JsonDoc *doc, const char *prefix,
                             const char **keys, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        const char *k = keys[i];
        size_t off = key_offset(doc, prefix, k), j = i;
        for (; j > 0 && key_offset(doc, prefix, keys[j - 1]) > off; j--)
            keys[j] = keys[j - 1];
        keys[j] = k;
    }
}

int scenario_load_set(ScenarioLoader *L, const json_t *root)
{
    const json_t *o, *v;
    const char *key;
    if (!json_has_key(root, "set"))
        return 0;
    if (json_get_object(L->doc, root, "", "set", &o) < 0)
        return -1;
    /* Text order, so the first bad key met is the first reported. */
    size_t n = json_object_size(o), k = 0;
    const char **keys = calloc(n + 1, sizeof *keys);
    if (!keys)
        return json_fail(L->doc, "set", "out of memory");
    json_object_foreach((json_t *)o, key, v)
    {
        keys[k++] = key;
    }
    sort_by_position(L->doc, "set", keys, n);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        char p[JSON_PATH_MAX], why[160], text[64];
        json_path_key(p, sizeof p, "set", keys[i]);
        const JsonIndexEntry *e = json_doc_find(L->doc, p);
        v = json_object_get(o, keys[i]);
        const char *value = text;
        if (scenario_check_set_key(keys[i], why, sizeof why) < 0) {
            rc = json_fail(L->doc, p, "%s", why);
        } else if (json_is_string(v)) {
            value = json_string_value(v);
            if (!value[0])
                rc = json_fail(L->doc, p, "must not be empty");
        } else if (json_is_boolean(v)) {
            value = json_is_true(v) ? "true" : "false";
        } else if (json_is_number(v) && e) {
            /* The number exactly as written. */
            size_t len = strcspn(L->doc->text + e->value.offset, ",}] \t\r\n");
            if (len >= sizeof text)
                len = sizeof text - 1;
            memcpy(text, L->doc->text + e->value.offset, len);
            text[len] = '\0';
        } else {
            rc = json_fail(L->doc, p,
                           "expected a string, number or "
                           "true/false");
        }
        if (rc == 0) {
            const char *origin = scenario_where(L, p);
            if (!origin || put_setting(L->s, keys[i], value, origin) < 0)
                rc = json_fail(L->doc, p, "out of memory");
        }
    }
    free(keys);
    return rc;
}

int scenario_apply_set(Scenario *s, const char *assignment, char *err,
                       size_t err_size)
{
    char key[SCENARIO_SET_KEY_MAX + 1], why[160];
    const char *eq = strchr(assignment, '=');
    if (!eq) {
        snprintf(err, err_size, "--set %s: expected KEY=VALUE", assignment);
        return -1;
    }
    size_t klen = (size_t)(eq - assignment);
    if (klen > SCENARIO_SET_KEY_MAX) {
        snprintf(err, err_size, "--set %s: key is longer than %d characters",
                 assignment, SCENARIO_SET_KEY_MAX);
        return -1;
    }
    memcpy(key, assignment, klen);
    key[klen] = '\0';
    if (scenario_check_set_key(key, why, sizeof why) < 0) {
        snprintf(err, err_size, "--set %s: %s", assignment, why);
        return -1;
    }
    if (eq[1] == '\0') {
        snprintf(err, err_size, "--set %s: VALUE must not be empty",
                 assignment);
        return -1;
    }
    if (put_setting(s, key, eq + 1, "--set") < 0) {
        snprintf(err, err_size, "--set %s: out of memory", assignment);
        return -1;
    }
    return 0;
}

const ScenarioSetting *scenario_setting(const Scenario *s, const char *key)
{
    for (size_t i = 0; i < s->n_settings; i++)
        if (strcmp(s->settings[i].key, key) == 0)
            return &s->settings[i];
    return NULL;
}

int scenario_load_variants(ScenarioLoader *L, const json_t *root)
{
    static const char *const keys[] = {"name", "soc", "mic_wiring",
                                       "mic_policy", NULL};
    Scenario *s = L->s;
    const json_t *arr;
    if (!json_has_key(root, "variants")) {
        s->variants = calloc(1, sizeof *s->variants);
        if (!s->variants)
            return json_fail(L->doc, "", "out of memory");
        s->variants[0] = (ScenarioVariant){.name = scenario_own(s, "default"),
                                           .soc = s->soc,
                                           .soc_path = s->soc_path,
                                           .mic_wiring = SCENARIO_NONE,
                                           .mic_policy = SCENARIO_NONE};
        s->n_variants = 1;
        return s->variants[0].name ? 0 : json_fail(L->doc, "", "out of memory");
    }
    if (json_get_array(L->doc, root, "", "variants", 1, SCENARIO_MAX_VARIANTS,
                       &arr) < 0)
        return -1;
    s->variants = calloc(json_array_size(arr), sizeof *s->variants);
    if (!s->variants)
        return json_fail(L->doc, "variants", "out of memory");
    for (size_t i = 0; i < json_array_size(arr); i++) {
        char vp[JSON_PATH_MAX], p[JSON_PATH_MAX];
        json_path_index(vp, sizeof vp, "variants", i);
        const json_t *e = json_array_get(arr, i);
        ScenarioVariant *v = &s->variants[i];
        *v = (ScenarioVariant){.soc = s->soc,
                               .soc_path = s->soc_path,
                               .mic_wiring = SCENARIO_NONE,
                               .mic_policy = SCENARIO_NONE};
        if (json_expect_object(L->doc, e, vp) < 0 ||
            json_check_keys(L->doc, e, vp, keys) < 0 ||
            scenario_get_name(L, e, vp, "name", &v->name) < 0)
            return -1;
        if (json_has_key(e, "soc") &&
            (scenario_get_text(L, e, vp, "soc", &v->soc) < 0 ||
             scenario_load_soc_ref(L, json_path_key(p, sizeof p, vp, "soc"),
                                   v->soc, &v->soc_path) < 0))
            return -1;
        if (json_has_key(e, "mic_wiring") &&
            scenario_get_choice(L, e, vp, "mic_wiring", "microphone wiring",
                                mic_wiring_names, &v->mic_wiring) < 0)
            return -1;
        if (json_has_key(e, "mic_policy") &&
            scenario_get_choice(L, e, vp, "mic_policy", "microphone policy",
                                scenario_mic_policy_names, &v->mic_policy) < 0)
            return -1;
        if (v->mic_policy == SCENARIO_MIC_CONSENT &&
            !s->user.consent_delay.present)
            return json_fail(L->doc,
                             json_path_key(p, sizeof p, vp, "mic_policy"),
                             "mic_policy \"consent\" needs user.consent_delay "
                             "(the time the user takes to confirm the "
                             "prompt)");
        for (size_t j = 0; j < i; j++) {
            if (strcmp(s->variants[j].name, v->name) == 0)
                return json_fail(L->doc, json_path_key(p, sizeof p, vp, "name"),
                                 "duplicate variant name \"%s\" (also "
                                 "variants[%zu])",
                                 v->name, j);
        }
        s->n_variants = i + 1;
    }
    return 0;
}
