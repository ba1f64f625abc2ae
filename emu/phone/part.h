/*
 * part.h - the parts a run builds around the machine, each owning a
 * set of app kinds and event actions (run.h): the covert-channel apps
 * (covert.c), and in their own files the modem (calls, the
 * microphone), the network stack (mail, downloads) and the display path.
 *
 * A part is created only when the scenario uses something it owns. Its
 * actions are called at each occurrence of a rule it owns, at the
 * occurrence's time; finish is called once at the end of the run to add
 * what the part measured to the results. Parts report latencies through
 * env->latency and flows to env->flows; they never write a metric of
 * their own invention.
 */
#ifndef HS_PHONE_PART_H
#define HS_PHONE_PART_H

#include <stdbool.h>

#include "phone/env.h"

/* A part's finish: its model failed (run.h RUN_MODEL_ERROR). */
#define PART_MODEL_ERROR (-2)

typedef struct RunPart {
    const char *name; /* "covert", "modem", ... */
    bool (*owns_app)(ScenarioAppKind kind);
    bool (*owns_action)(ScenarioAction action);
    /* Another part this one needs (created first, even when the scenario
     * uses nothing it owns, and found with env->part), or NULL. */
    const char *needs;
    /* The SoC devices this part drives, by machine_device name
     * (NULL-terminated; may be NULL): the run powers them
     * (MachineConfig.devices) when it builds the part. */
    const char *const *devices;
    /* Whether the run needs this part although the scenario uses no app
     * or action it owns (the radio is part of every phone; another
     * part's apps use this one's hardware). May be NULL: only for what
     * it owns. */
    bool (*wanted)(const Scenario *sc);
    /* Whether the run asks this part for something not built under the
     * run's approach (err says what, and the run ends RUN_NOT_BUILT with
     * no result). May be NULL: everything it owns is built. */
    bool (*not_built)(const RunEnv *env, char *err, size_t err_size);
    /* Returns the part's state, or NULL with a message in err. */
    void *(*create)(const RunEnv *env, char *err, size_t err_size);
    /* One occurrence of rule `index` (ev) at now. Returns 0 or -1. */
    int (*action)(void *part, const ScenarioEvent *ev, int index, hs_time now,
                  char *err, size_t err_size);
    /* End of run: add results. Returns 0, -1 (a host failure: no
     * memory), or PART_MODEL_ERROR when the part's model met a state it
     * cannot carry on from (the run fails with its own exit status). */
    int (*finish)(void *part, Results *r, char *err, size_t err_size);
    void (*destroy)(void *part);
} RunPart;

extern const RunPart phone_part_modem;
extern const RunPart phone_part_netstack;
extern const RunPart phone_part_covert;
extern const RunPart phone_part_display; /* display.h */

#endif /* HS_PHONE_PART_H */
