/*
 * scenario_expect.c - the "expect" group of a scenario: assertions over
 * results.json metrics, checked against the approaches and variants the
 * scenario names (scenario_int.h).
 */
#include "config/scenario_int.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* First segments of a results.json metric path (issue text, schema
 * handset-results/1). */
static const char *const metric_sections[] = {"sim_time_s", "latency", "energy",
                                              "flows",      "counts",  NULL};

/* ---- expect --------------------------------------------------------- */

/* Checks a metric path: dot-separated segments of [a-z0-9_-], each
 * optionally followed by [N], the first a results.json section. */
static int check_metric(ScenarioLoader *L, const char *path, const char *m)
{
    const char *p = m;
    bool ok = *p != '\0';
    while (ok && *p) {
        const char *seg = p;
        while ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
               *p == '_' || *p == '-')
            p++;
        ok = p > seg;
        if (ok && *p == '[') {
            const char *d = ++p;
            while (*p >= '0' && *p <= '9')
                p++;
            ok = p > d && *p == ']';
            if (ok)
                p++;
        }
        if (ok && *p == '.')
            ok = *++p != '\0';
        else if (ok)
            ok = *p == '\0';
    }
    if (!ok)
        return json_fail(L->doc, path,
                         "\"%s\" is not a metric path (segments of a-z, "
                         "0-9, '_', '-' joined by '.', each optionally "
                         "indexed [N])",
                         m);
    char first[64];
    size_t len = strcspn(m, ".[");
    if (len >= sizeof first)
        len = sizeof first - 1;
    memcpy(first, m, len);
    first[len] = '\0';
    int idx = 0;
    if (scenario_lookup(L, path, "results section", first, metric_sections, 5,
                        &idx) < 0)
        return -1;
    return 0;
}

/* A variant named by member key, or SCENARIO_NONE when absent. */
static int get_variant_ref(ScenarioLoader *L, const json_t *obj,
                           const char *prefix, int *out)
{
    const Scenario *s = L->s;
    char path[JSON_PATH_MAX];
    const char *str;
    *out = SCENARIO_NONE;
    if (!json_has_key(obj, "variant"))
        return 0;
    json_path_key(path, sizeof path, prefix, "variant");
    if (json_get_string(L->doc, obj, prefix, "variant", &str) < 0)
        return -1;
    const char *names[SCENARIO_MAX_VARIANTS];
    for (size_t i = 0; i < s->n_variants; i++)
        names[i] = s->variants[i].name;
    return scenario_lookup(L, path, "variant", str, names, s->n_variants, out);
}

/* An approach named by member key: a name the scenario runs, or "*"
 * (SCENARIO_NONE) when star is allowed. */
static int get_approach_ref(ScenarioLoader *L, const json_t *obj,
                            const char *prefix, const char *key, int *out)
{
    char path[JSON_PATH_MAX];
    const char *str;
    json_path_key(path, sizeof path, prefix, key);
    if (json_get_string(L->doc, obj, prefix, key, &str) < 0)
        return -1;
    if (strcmp(str, "*") == 0) {
        *out = SCENARIO_NONE;
        return 0;
    }
    if (scenario_lookup(L, path, "approach", str, scenario_approach_names,
                        SCENARIO_APPROACH_COUNT, out) < 0)
        return -1;
    if (!L->s->approaches[*out])
        return json_fail(L->doc, path,
                         "approach \"%s\" is not among the scenario's "
                         "approaches",
                         str);
    return 0;
}

static int load_expect(ScenarioLoader *L, const json_t *e, const char *xp,
                       ScenarioExpect *x)
{
    static const char *const keys[] = {"metric", "approach", "variant", "op",
                                       "value",  "than",     "source",  NULL};
    static const char *const than_keys[] = {"approach", "metric", "variant",
                                            "factor", NULL};
    char p[JSON_PATH_MAX];
    int op = 0;
    *x = (ScenarioExpect){.approach = SCENARIO_NONE,
                          .variant = SCENARIO_NONE,
                          .than_approach = SCENARIO_NONE,
                          .than_variant = SCENARIO_NONE,
                          .factor = 1.0};
    if (json_expect_object(L->doc, e, xp) < 0 ||
        json_check_keys(L->doc, e, xp, keys) < 0 ||
        scenario_check_source(L, e, xp) < 0 ||
        scenario_get_text(L, e, xp, "metric", &x->metric) < 0 ||
        check_metric(L, json_path_key(p, sizeof p, xp, "metric"), x->metric) <
            0 ||
        scenario_get_choice(L, e, xp, "op", "operator", scenario_op_names,
                            &op) < 0 ||
        get_variant_ref(L, e, xp, &x->variant) < 0)
        return -1;
    x->op = (ScenarioOp)op;
    if (json_has_key(e, "approach") &&
        get_approach_ref(L, e, xp, "approach", &x->approach) < 0)
        return -1;
    x->where = scenario_where(L, xp);
    if (!x->where)
        return -1;
    bool has_value = json_has_key(e, "value"),
         has_than = json_has_key(e, "than");
    if (has_value && has_than)
        return json_fail(L->doc, json_path_key(p, sizeof p, xp, "than"),
                         "give either \"value\" or \"than\", not both");
    if (!has_value && !has_than)
        return json_fail(L->doc, xp, "needs \"value\" or \"than\"");
    if (has_value)
        return json_get_number(L->doc, e, xp, "value", -1e300, 1e300,
                               &x->value);
    const json_t *t;
    char tp[JSON_PATH_MAX];
    x->relative = true;
    x->than_metric = x->metric;
    if (x->approach == SCENARIO_NONE)
        return json_fail(L->doc, json_path_key(p, sizeof p, xp, "approach"),
                         "a comparison with \"than\" needs one approach on "
                         "its left (\"*\" is allowed in than.approach)");
    if (scenario_get_group(L, e, xp, "than", than_keys, &t, tp) < 0 ||
        get_approach_ref(L, t, tp, "approach", &x->than_approach) < 0 ||
        get_variant_ref(L, t, tp, &x->than_variant) < 0)
        return -1;
    if (json_has_key(t, "metric") &&
        (scenario_get_text(L, t, tp, "metric", &x->than_metric) < 0 ||
         check_metric(L, json_path_key(p, sizeof p, tp, "metric"),
                      x->than_metric) < 0))
        return -1;
    if (json_has_key(t, "factor")) {
        if (json_get_number(L->doc, t, tp, "factor", 0, 1e300, &x->factor) < 0)
            return -1;
        if (x->factor <= 0)
            return json_fail(L->doc, json_path_key(p, sizeof p, tp, "factor"),
                             "must be greater than 0");
    }
    bool same_variant =
        x->than_variant == SCENARIO_NONE || x->than_variant == x->variant;
    if (x->than_approach == x->approach && same_variant &&
        strcmp(x->than_metric, x->metric) == 0)
        return json_fail(L->doc, tp, "compares a run with itself");
    return 0;
}

int scenario_load_expects(ScenarioLoader *L, const json_t *root)
{
    Scenario *s = L->s;
    const json_t *arr;
    if (!json_has_key(root, "expect"))
        return 0;
    if (json_get_array(L->doc, root, "", "expect", 0, SCENARIO_MAX_ENTRIES,
                       &arr) < 0)
        return -1;
    s->expects = calloc(json_array_size(arr) + 1, sizeof *s->expects);
    if (!s->expects)
        return json_fail(L->doc, "expect", "out of memory");
    for (size_t i = 0; i < json_array_size(arr); i++) {
        char xp[JSON_PATH_MAX];
        json_path_index(xp, sizeof xp, "expect", i);
        if (load_expect(L, json_array_get(arr, i), xp, &s->expects[i]) < 0)
            return -1;
        s->n_expects = i + 1;
    }
    return 0;
}
