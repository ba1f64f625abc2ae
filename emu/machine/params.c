/*
 * params.c - the run's parameters: the machine's own table, each approach's
 * table copied per run, and "--set" overrides applied to them (machine.h).
 */
#include "machine/machine_int.h"

#include "config/setting.h"
#include "sim/error.h"
#include "sim/text.h"

/* The machine's own parameters ("machine.<key>"). */
static const VirtParam machine_params[] = {
    {"quantum_us", 1000, "us",
     "estimate: bounds how late an event arriving during a running quantum "
     "is seen (DESIGN.md 4: the quantum is a scenario setting)"},
    {"kernel_wake_ms", 60000, "ms",
     "estimate: periodic wake-up alarm of one idle OS instance (alarms, "
     "housekeeping timers that NO_HZ idle and autosleep still honour); "
     "re-check against a wakeup-source trace of an idle phone"},
    {"kernel_wake_cycles", 200000, "cycles",
     "estimate: housekeeping work done per wake-up (timer softirqs, "
     "workqueues); re-check against a wakeup trace"},
    {"net_loss_ppm", 0, "ppm",
     "0: a loss-free path between the cell and the data peers unless a "
     "run sets it (each packet of the mail and web peers, both "
     "directions, is lost with this chance in parts per million, drawn "
     "from the run's stream net.loss)"},
    {"timeslice_us", 4000, "us",
     "one scheduler tick at CONFIG_HZ=250 (the Android arm64 GKI "
     "defconfig, recalled): a CPU-bound task is preempted at a tick once "
     "another task is runnable; CFS's sched_min_granularity (0.75 ms x "
     "(1 + log2 CPUs), kernel/sched/fair.c) is below one tick, so the tick "
     "bounds the slice"},
    {"task_switch_cycles", 4000, "cycles",
     "estimate: one process switch in the domain's kernel on an ARMv8 "
     "core, a few microseconds (lmbench lat_ctx 2p/0K order of magnitude, "
     "recalled); the register save/restore alone is about 66 load/stores "
     "(PARAMS.md, AArch64 virtualization); re-check with lat_ctx on the "
     "SoC"},
};

#define N_MACHINE_PARAMS (sizeof machine_params / sizeof machine_params[0])

const VirtParam *machine_params_table(size_t *n)
{
    *n = N_MACHINE_PARAMS;
    return machine_params;
}

static MachineParam *param_find(Machine *m, const char *key)
{
    for (size_t i = 0; i < m->n_params; i++)
        if (strcmp(m->params[i].key, key) == 0)
            return &m->params[i];
    return NULL;
}

static const MachineParam *param_find_c(const Machine *m, const char *key)
{
    return param_find((Machine *)m, key);
}

int machine_param_add(Machine *m, const char *prefix, const VirtParam *def)
{
    if (m->n_params >= MACHINE_MAX_PARAMS)
        return -1;
    MachineParam *p = &m->params[m->n_params++];
    snprintf(p->key, sizeof p->key, "%s.%s", prefix, def->key);
    p->value = def->value;
    p->def = def;
    return 0;
}

/* Applies one "key=value". Keys of another known approach are accepted
 * and ignored (a scenario's set applies to every approach it runs). */
int machine_param_set(Machine *m, const MachineConfig *cfg, const char *kv,
                      char *err, size_t err_size)
{
    char key[SETTING_KEY_MAX];
    uint64_t v;
    if (setting_parse(kv, key, sizeof key, &v, err, err_size) < 0)
        return -1;
    MachineParam *p = param_find(m, key);
    if (p) {
        p->value = v;
        return 0;
    }
    /* Another approach's key: check it exists there, then ignore it. */
    if (strncmp(key, "virt.", 5) == 0) {
        const char *rest = key + 5;
        const char *dot = strchr(rest, '.');
        for (size_t i = 0; dot && i < cfg->n_approaches; i++) {
            const ApproachOps *o = cfg->approaches[i];
            const char *name = approach_name(o);
            size_t nl = strlen(name);
            if (nl == (size_t)(dot - rest) && strncmp(rest, name, nl) == 0 &&
                o != m->ops && approach_param(o, dot + 1))
                return 0;
        }
    }
    const char *best = NULL;
    size_t best_d = 4;
    for (size_t i = 0; i < m->n_params; i++) {
        size_t d = hs_edit_distance(key, m->params[i].key);
        if (d < best_d) {
            best_d = d;
            best = m->params[i].key;
        }
    }
    if (best)
        return hs_errorf(err, err_size,
                         "--set %s: unknown key (did you mean \"%s\"?)", key,
                         best);
    return hs_errorf(err, err_size,
                     "--set %s: unknown key (keys are machine.* and "
                     "virt.%s.*)",
                     key, approach_name(m->ops));
}

/* A machine parameter by its key without "machine.". */
uint64_t machine_mparam(const Machine *m, const char *key)
{
    char full[MACHINE_PARAM_KEY];
    snprintf(full, sizeof full, "machine.%s", key);
    const MachineParam *p = param_find_c(m, full);
    return p ? p->value : 0;
}

int machine_param(const Machine *m, const char *key, uint64_t *value)
{
    const MachineParam *p = param_find_c(m, key);
    if (!p)
        return -1;
    *value = p->value;
    return 0;
}

uint64_t machine_vparam(const Machine *m, const char *key)
{
    char full[MACHINE_PARAM_KEY];
    snprintf(full, sizeof full, "virt.%s.%s", approach_name(m->ops), key);
    const MachineParam *p = param_find_c(m, full);
    return p ? p->value : 0;
}
