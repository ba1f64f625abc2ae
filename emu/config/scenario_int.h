/*
 * scenario_int.h - what the scenario loader's files share: the loader
 * state, its limits and the helpers scenario.c defines for the group
 * readers in scenario_events.c, scenario_set.c and scenario_expect.c.
 * Internal to emu/config: nothing outside includes it.
 */
#ifndef HS_CONFIG_SCENARIO_INT_H
#define HS_CONFIG_SCENARIO_INT_H

#include "config/scenario.h"

#define SCENARIO_MAX_ENTRIES 4096 /* ambient, peers, events, expects */
#define SCENARIO_MAX_VARIANTS 16  /* entries in variants */

typedef struct ScenarioLoader {
    JsonDoc *doc; /* document being read (errors go here) */
    Scenario *s;  /* scenario being filled */
} ScenarioLoader;

/* The comparison operators of expect, in ScenarioOp order. */
extern const char *const scenario_op_names[];

/* ---- scenario.c: helpers (see their definitions) ---------------------- */
int scenario_check_source(ScenarioLoader *L, const json_t *obj,
                          const char *prefix);
int scenario_get_choice(ScenarioLoader *L, const json_t *obj,
                        const char *prefix, const char *key, const char *what,
                        const char *const names[], int *out);
int scenario_get_domain_ref(ScenarioLoader *L, const json_t *obj,
                            const char *prefix, const char *key, int *out);
int scenario_get_group(ScenarioLoader *L, const json_t *obj, const char *prefix,
                       const char *key, const char *const allowed[],
                       const json_t **out, char *path);
int scenario_get_name(ScenarioLoader *L, const json_t *obj, const char *prefix,
                      const char *key, const char **out);
int scenario_get_params(ScenarioLoader *L, const json_t *obj,
                        const char *prefix, const char *const allowed[],
                        const json_t **out, char *path);
int scenario_get_peer_ref(ScenarioLoader *L, const json_t *obj,
                          const char *prefix, const char *key, int kind,
                          int *out);
int scenario_get_period(ScenarioLoader *L, const json_t *obj,
                        const char *prefix, const char *key, hs_time *out);
int scenario_get_text(ScenarioLoader *L, const json_t *obj, const char *prefix,
                      const char *key, const char **out);
int scenario_get_time_opt(ScenarioLoader *L, const json_t *obj,
                          const char *prefix, const char *key, hs_time *out);
void *scenario_grow(void *array, size_t n, size_t size);
bool scenario_has_action(const json_t *root, ScenarioAction action);
int scenario_load_soc_ref(ScenarioLoader *L, const char *path, const char *soc,
                          const char **out_path);
int scenario_lookup(ScenarioLoader *L, const char *path, const char *what,
                    const char *str, const char *const *names, size_t n,
                    int *out);
const char *scenario_own(Scenario *s, const char *str);
const char *scenario_where(ScenarioLoader *L, const char *path);

/* ---- the group readers: each returns 0, or -1 with the error in L->doc */
int scenario_load_approaches(ScenarioLoader *L, const json_t *root);
int scenario_load_events(ScenarioLoader *L, const json_t *root);
int scenario_load_expects(ScenarioLoader *L, const json_t *root);
int scenario_load_set(ScenarioLoader *L, const json_t *root);
int scenario_load_variants(ScenarioLoader *L, const json_t *root);

#endif /* HS_CONFIG_SCENARIO_INT_H */
