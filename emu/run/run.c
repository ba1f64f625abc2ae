/*
 * run.c - one scenario under one approach (run.h): the machine, the parts
 * around it, the event rules, the run to the scenario's duration, and the
 * outputs written into place at once.
 */
#include "run/run.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "flow/monitor.h"
#include "out/outdir.h"
#include "out/pcap.h"
#include "out/provenance.h"
#include "out/results.h"
#include "out/frames.h"
#include "phone/part.h"
#include "run/run_trace.h"
#include "sim/error.h"
#include "sim/rng.h"
#include "machine/machine.h"
#include "virt/virt.h"

/* Every part a run may build, in creation order. */
static const RunPart *const parts[] = {
    &phone_part_modem,
    &phone_part_netstack,
    &phone_part_display,
    &phone_part_covert,
};
#define N_PARTS (sizeof parts / sizeof parts[0])

/* Rails whose power the live observer follows at each step, as the
 * trace does (run_trace.c) */
#define RUN_MAX_RAILS 64
/* Progress lines at most this often (wall seconds), after the first. */
#define PROGRESS_EVERY_S 5.0
/* The run advances the machine in this many steps at least. */
#define RUN_STEPS 200

typedef struct RunRule {
    struct Run *run;
    int index;      /* rule index in the scenario */
    uint64_t k;     /* next occurrence */
    SimEvent ev;    /* fires at the occurrence */
    SimRng *jitter; /* "events[I]" */
} RunRule;

typedef struct Run {
    const RunOptions *o;
    const Scenario *sc;
    SocModel *soc;
    Machine *m;
    Results *results;
    FlowMonitor *flows;
    RunTrace *trace;
    FrameRecorder *frames;
    PcapWriter *pcap;
    RunEnv env;
    void *part_state[N_PARTS];
    RunRule *rules;
    bool failed;        /* an action or an observer failed */
    char fail_msg[512]; /* its message */
    char tmp_dir[4096]; /* outputs are written here first */
    char note[512];     /* what the trace dropped, "" if nothing */
    bool exists;        /* the target appeared meanwhile (commit_dir) */
    int observed_fg;    /* foreground last told the observer, -1 none */
    /* each rail's power as last told the observer (+1 uW, 0 = never) */
    uint64_t observed_uw[RUN_MAX_RAILS];
} Run;

/* ---- not built ----------------------------------------------------------- */

static const RunPart *part_for_app(ScenarioAppKind k)
{
    for (size_t i = 0; i < N_PARTS; i++)
        if (parts[i]->owns_app(k))
            return parts[i];
    return NULL;
}

static const RunPart *part_for_action(ScenarioAction a)
{
    for (size_t i = 0; i < N_PARTS; i++)
        if (parts[i]->owns_action(a))
            return parts[i];
    return NULL;
}

static bool part_used(const RunPart *p, const Scenario *sc);

/* Used by the scenario, or needed by a part that is. */
static bool part_wanted(const RunPart *p, const Scenario *sc)
{
    if (part_used(p, sc) || (p->wanted && p->wanted(sc)))
        return true;
    for (size_t i = 0; i < N_PARTS; i++)
        if (parts[i] != p && parts[i]->needs &&
            strcmp(parts[i]->needs, p->name) == 0 && part_used(parts[i], sc))
            return true;
    return false;
}

static bool part_used(const RunPart *p, const Scenario *sc)
{
    for (size_t d = 0; d < sc->n_domains; d++)
        for (size_t a = 0; a < sc->domains[d].n_apps; a++)
            if (p->owns_app(sc->domains[d].apps[a].kind))
                return true;
    for (size_t e = 0; e < sc->n_events; e++)
        if (p->owns_action(sc->events[e].action))
            return true;
    return false;
}

/* The SoC devices the wanted parts drive, NULL-terminated, each once: the
 * machine powers exactly these beside its own. */
#define RUN_MAX_DEVICES 16
static void part_devices(const Scenario *sc,
                         const char *out[RUN_MAX_DEVICES + 1])
{
    size_t n = 0;
    for (size_t i = 0; i < N_PARTS; i++) {
        if (!part_wanted(parts[i], sc) || !parts[i]->devices)
            continue;
        for (const char *const *d = parts[i]->devices; *d; d++) {
            bool seen = false;
            for (size_t k = 0; k < n; k++)
                seen |= strcmp(out[k], *d) == 0;
            if (!seen && n < RUN_MAX_DEVICES)
                out[n++] = *d;
        }
    }
    out[n] = NULL;
}

/* Adds "what" to a "; "-separated list. */
static void list_add(char *buf, size_t size, const char *what)
{
    size_t len = strlen(buf);
    if (len < size)
        snprintf(buf + len, size - len, "%s%s", len ? "; " : "", what);
}

RunStatus run_check_built(const Scenario *sc, char *err, size_t err_size)
{
    char missing[1024] = "";
    bool seen_app[SCENARIO_APP_COUNT] = {false};
    bool seen_action[SCENARIO_ACTION_COUNT] = {false};
    char item[128];
    for (size_t d = 0; d < sc->n_domains; d++)
        for (size_t a = 0; a < sc->domains[d].n_apps; a++) {
            ScenarioAppKind k = sc->domains[d].apps[a].kind;
            if (part_for_app(k) || seen_app[k])
                continue;
            seen_app[k] = true;
            snprintf(item, sizeof item, "app '%s'", scenario_app_names[k]);
            list_add(missing, sizeof missing, item);
        }
    for (size_t e = 0; e < sc->n_events; e++) {
        ScenarioAction a = sc->events[e].action;
        if (part_for_action(a) || seen_action[a])
            continue;
        seen_action[a] = true;
        snprintf(item, sizeof item, "action '%s'", scenario_action_names[a]);
        list_add(missing, sizeof missing, item);
    }
    if (!*missing)
        return RUN_OK;
    hs_errorf(err, err_size,
              "%s: not built yet in this handset: %s (no result was "
              "produced)",
              sc->file, missing);
    return RUN_NOT_BUILT;
}

/* ---- observers ----------------------------------------------------------- */

static void run_fail(Run *r, const char *msg)
{
    if (!r->failed) {
        r->failed = true;
        snprintf(r->fail_msg, sizeof r->fail_msg, "%s", msg);
    }
}

/* The live observer (run.h), when there is one: the foreground when it
 * changed since last told. */
static void observe_foreground(Run *r, hs_time now)
{
    const RunObserver *ob = r->o->observer;
    if (!ob || !ob->foreground || !r->m)
        return;
    int fg = machine_foreground(r->m);
    if (fg != r->observed_fg) {
        r->observed_fg = fg;
        ob->foreground(ob->ctx, now, fg);
    }
}

static void on_latency(void *ctx, const char *name, hs_time sample)
{
    Run *r = ctx;
    char err[256];
    if (results_latency_add(r->results, name, sample, err, sizeof err) < 0)
        run_fail(r, err);
    hs_time now = sim_now(machine_sim(r->m));
    run_trace_latency(r->trace, name, now, sample);
    const RunObserver *ob = r->o->observer;
    if (ob) {
        observe_foreground(r, now);
        if (ob->latency)
            ob->latency(ob->ctx, now, name);
    }
}

static void on_flow(void *ctx, const FlowTransfer *t, FlowVerdict v)
{
    Run *r = ctx;
    run_trace_flow(r->trace, t, v);
    const RunObserver *ob = r->o->observer;
    if (ob) {
        observe_foreground(r, t->when);
        if (ob->flow)
            ob->flow(ob->ctx, t->when, (int)v);
    }
}

static void on_power(void *ctx, const PowerChange *ch)
{
    Run *r = ctx;
    const RunObserver *ob = r->o->observer;
    observe_foreground(r, ch->when);
    if (ch->component >= 0 && ch->component < RUN_MAX_RAILS)
        r->observed_uw[ch->component] = ch->power_uw + 1;
    if (ob->power)
        ob->power(ob->ctx, ch->when, ch->name, (double)ch->power_uw / 1000.0);
    if (ob->rrc && run_trace_is_rrc(ch))
        ob->rrc(ob->ctx, ch->when, ch->new_state, ch->state_name);
}

static void on_frame(void *ctx, const FrameRecord *rec, const void *z)
{
    Run *r = ctx;
    const RunObserver *ob = r->o->observer;
    observe_foreground(r, rec->shown);
    if (ob->frame)
        ob->frame(ob->ctx, rec, z);
}

/* ---- event rules --------------------------------------------------------- */

static void rule_fire(Sim *sim, void *ctx, hs_time now);

static void rule_schedule(RunRule *rr)
{
    Run *r = rr->run;
    const ScenarioEvent *ev = &r->sc->events[rr->index];
    hs_time t;
    if (scenario_event_time(ev, r->sc->duration_ps, rr->k, &t) < 0)
        return;
    if (ev->jitter_ps)
        t += (hs_time)(sim_rng_uniform(rr->jitter) * (double)ev->jitter_ps);
    Sim *sim = machine_sim(r->m);
    if (t < sim_now(sim))
        t = sim_now(sim);
    if (t >= r->sc->duration_ps)
        return;
    sim_schedule_at(sim, &rr->ev, t);
}

static void rule_fire(Sim *sim, void *ctx, hs_time now)
{
    (void)sim;
    RunRule *rr = ctx;
    Run *r = rr->run;
    const ScenarioEvent *ev = &r->sc->events[rr->index];
    for (size_t i = 0; i < N_PARTS; i++) {
        if (!r->part_state[i] || !parts[i]->owns_action(ev->action))
            continue;
        char err[512];
        if (parts[i]->action(r->part_state[i], ev, rr->index, now, err,
                             sizeof err) < 0)
            run_fail(r, err);
        break;
    }
    rr->k++;
    rule_schedule(rr);
}

/* ---- construction -------------------------------------------------------- */

static int build_machine(Run *r, char *err, size_t err_size)
{
    const Scenario *sc = r->sc;
    MachineDomainConfig doms[SCENARIO_MAX_DOMAINS];
    for (size_t d = 0; d < sc->n_domains; d++)
        doms[d] = (MachineDomainConfig){.name = sc->domains[d].name,
                                        .level = (int)sc->domains[d].level,
                                        .n_vcpus = 1};
    /* The scenario's settings, and its quantum unless a setting names
     * machine.quantum_us itself. */
    const char **set = calloc(sc->n_settings + 1, sizeof *set);
    char **owned = calloc(sc->n_settings + 1, sizeof *owned);
    if (!set || !owned) {
        free(set);
        free(owned);
        return hs_errorf(err, err_size, "out of memory");
    }
    size_t n = 0;
    bool quantum_set = false;
    int rc = 0;
    for (size_t i = 0; i < sc->n_settings && rc == 0; i++) {
        const ScenarioSetting *s = &sc->settings[i];
        size_t len = strlen(s->key) + strlen(s->value) + 2;
        owned[n] = malloc(len);
        if (!owned[n]) {
            rc = hs_errorf(err, err_size, "out of memory");
            break;
        }
        snprintf(owned[n], len, "%s=%s", s->key, s->value);
        set[n] = owned[n];
        n++;
        if (strcmp(s->key, "machine.quantum_us") == 0)
            quantum_set = true;
    }
    if (rc == 0 && !quantum_set) {
        uint64_t us = (sc->quantum_ps + HS_US - 1) / HS_US;
        owned[n] = malloc(48);
        if (!owned[n]) {
            rc = hs_errorf(err, err_size, "out of memory");
        } else {
            snprintf(owned[n], 48, "machine.quantum_us=%" PRIu64, us ? us : 1);
            set[n] = owned[n];
            n++;
        }
    }
    if (rc == 0) {
        size_t n_approaches;
        const ApproachOps *const *approaches = virt_approaches(&n_approaches);
        const char *devices[RUN_MAX_DEVICES + 1];
        part_devices(sc, devices);
        MachineConfig cfg = {
            .devices = devices,
            .soc = r->soc,
            .approach = r->o->approach,
            .approaches = approaches,
            .n_approaches = n_approaches,
            .seed = sc->seed,
            .image_path = r->o->image,
            .service_image_path = r->o->service,
            .domains = doms,
            .n_domains = sc->n_domains,
            .set = set,
            .n_set = n,
        };
        r->m = machine_new(&cfg, err, err_size);
        if (!r->m)
            rc = -1;
    }
    for (size_t i = 0; i < n; i++)
        free(owned[i]);
    free(owned);
    free(set);
    if (rc == 0)
        machine_set_foreground(
            r->m, sc->user.foreground >= 0 ? sc->user.foreground : 0);
    return rc;
}

static int out_path(const Run *r, const char *name, char *buf, size_t size,
                    char *err, size_t err_size)
{
    if ((size_t)snprintf(buf, size, "%s/%s", r->tmp_dir, name) >= size)
        return hs_errorf(err, err_size, "%s: output path too long",
                         r->o->out_dir);
    return 0;
}

static int observe_start(Run *r, char *err, size_t err_size);

static int open_observers(Run *r, char *err, size_t err_size)
{
    char path[4096];
    /* first, so that the live observer knows the run before it is told
     * anything of it */
    if (observe_start(r, err, err_size) < 0)
        return -1;
    r->flows = flow_monitor_new();
    if (!r->flows)
        return hs_errorf(err, err_size, "out of memory");
    if (r->o->trace) {
        r->trace = run_trace_open(r->tmp_dir, r->m, r->o->trace_gzip,
                                  r->o->trace_max, err, err_size);
        if (!r->trace)
            return -1;
    }
    flow_monitor_set_observer(r->flows, on_flow, r);
    const RunObserver *ob = r->o->observer;
    /* the live view sees the frames even when no file keeps them */
    if (r->o->record_frames || (ob && ob->frame)) {
        if (r->o->record_frames &&
            out_path(r, FRAMES_FILE, path, sizeof path, err, err_size) < 0)
            return -1;
        r->frames =
            frames_open(r->o->record_frames ? path : NULL, err, err_size);
        if (!r->frames)
            return -1;
        if (ob)
            frames_set_observer(r->frames, on_frame, r);
    }
    if (ob && power_add_observer(machine_meter(r->m), on_power, r) < 0)
        return hs_errorf(err, err_size,
                         "the power meter has no room for "
                         "the live view's observer");
    if (r->o->pcap) {
        if (out_path(r, "radio.pcap", path, sizeof path, err, err_size) < 0)
            return -1;
        r->pcap = pcap_writer_open(path, 0, err, err_size);
        if (!r->pcap)
            return -1;
    }
    return 0;
}

static void *find_part(void *ctx, const char *name)
{
    Run *r = ctx;
    for (size_t i = 0; i < N_PARTS; i++)
        if (strcmp(parts[i]->name, name) == 0)
            return r->part_state[i];
    return NULL;
}

/* Creates the parts the scenario wants. Returns 0, -1 (bad input) or -2
 * (a part refuses what is not built under this approach), err set. */
static int build_parts(Run *r, char *err, size_t err_size)
{
    r->env = (RunEnv){
        .sc = r->sc,
        .variant = r->o->variant,
        .soc = r->soc,
        .wiring = r->soc->mic.wiring,
        .m = r->m,
        .flows = r->flows,
        .pcap = r->pcap,
        .frames = r->frames,
        .firmware = r->o->firmware,
        .part = find_part,
        .part_ctx = r,
        .latency = on_latency,
        .latency_ctx = r,
    };
    const ScenarioVariant *v = &r->sc->variants[r->o->variant];
    if (v->mic_wiring != SCENARIO_NONE)
        r->env.wiring = (SocMicWiring)v->mic_wiring;
    r->env.mic_policy =
        v->mic_policy != SCENARIO_NONE ? v->mic_policy : r->sc->mic_policy;
    for (size_t i = 0; i < N_PARTS; i++)
        if (part_wanted(parts[i], r->sc) && parts[i]->not_built &&
            parts[i]->not_built(&r->env, err, err_size))
            return -2;
    for (size_t i = 0; i < N_PARTS; i++) {
        if (!part_wanted(parts[i], r->sc))
            continue;
        r->part_state[i] = parts[i]->create(&r->env, err, err_size);
        if (!r->part_state[i])
            return -1;
    }
    r->rules = calloc(r->sc->n_events ? r->sc->n_events : 1, sizeof *r->rules);
    if (!r->rules)
        return hs_errorf(err, err_size, "out of memory");
    for (size_t e = 0; e < r->sc->n_events; e++) {
        RunRule *rr = &r->rules[e];
        char name[32];
        snprintf(name, sizeof name, "events[%zu]", e);
        rr->run = r;
        rr->index = (int)e;
        rr->jitter = sim_rng(machine_sim(r->m), name);
        sim_event_init(&rr->ev, "scenario.event", rule_fire, rr, 20);
        rule_schedule(rr);
    }
    return 0;
}

/* ---- running ------------------------------------------------------------- */

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void progress(const Run *r, hs_time now, double t0, double *last)
{
    double w = wall_now();
    if (!r->o->progress || w - *last < PROGRESS_EVERY_S)
        return;
    *last = w;
    char at[32], total[32];
    sim_format_duration(now, at, sizeof at);
    sim_format_duration(r->sc->duration_ps, total, sizeof total);
    double speed = w > t0 ? (double)now / 1e12 / (w - t0) : 0;
    fprintf(stderr, "%s: %s / %s simulated (%.0f%%), %.0fx real time\n",
            r->o->label ? r->o->label : r->o->approach, at, total,
            100.0 * (double)now / (double)r->sc->duration_ps, speed);
}

/* The battery's charge left (%) and the foreground on the trace, once
 * per step; the live observer gets them too, and each rail's power the
 * trace would add at the step. */
static void trace_battery(Run *r, hs_time now)
{
    const RunObserver *ob = r->o->observer;
    if (!r->trace && !ob)
        return;
    const SocBattery *b = &r->soc->battery;
    double cap_mj = (double)b->capacity_mah * (double)b->voltage_mv * 3.6;
    double used = power_energy_to_mj(machine_energy_total(r->m));
    double left = cap_mj > 0 ? 100.0 * (1.0 - used / cap_mj) : 0;
    if (left < 0)
        left = 0;
    if (r->trace) {
        run_trace_step(r->trace, now, left);
        if (*run_trace_error(r->trace))
            run_fail(r, run_trace_error(r->trace));
    }
    if (!ob)
        return;
    observe_foreground(r, now);
    /* a rail whose power changed unseen, or never changed, as the trace
     * tells it (run_trace_step) */
    PowerMeter *pm = machine_meter(r->m);
    for (int c = 0;
         ob->power && c < power_component_count(pm) && c < RUN_MAX_RAILS; c++) {
        uint64_t uw = power_component_power_uw(pm, c);
        if (r->observed_uw[c] == uw + 1)
            continue;
        r->observed_uw[c] = uw + 1;
        ob->power(ob->ctx, now, power_component_name(pm, c),
                  (double)uw / 1000.0);
    }
    if (ob->step)
        ob->step(ob->ctx, now, left);
}

/* Tells the live observer what the run is. */
static int observe_start(Run *r, char *err, size_t err_size)
{
    const RunObserver *ob = r->o->observer;
    if (!ob || !ob->start)
        return 0;
    size_t n = machine_domain_count(r->m);
    const char **names = calloc(n ? n : 1, sizeof *names);
    if (!names)
        return hs_errorf(err, err_size, "out of memory");
    for (size_t d = 0; d < n; d++)
        names[d] = machine_domain_name(r->m, (int)d);
    RunStart st = {.scenario = r->sc->name,
                   .variant = r->sc->variants[r->o->variant].name,
                   .approach = r->o->approach,
                   .duration = r->sc->duration_ps,
                   .n_domains = n,
                   .domains = names};
    ob->start(ob->ctx, &st);
    free(names);
    return 0;
}

static int run_machine(Run *r, char *err, size_t err_size)
{
    trace_battery(r, 0);
    double t0 = wall_now(), last = t0;
    hs_time end = r->sc->duration_ps;
    hs_time step = end / RUN_STEPS ? end / RUN_STEPS : end;
    for (hs_time t = 0; t < end;) {
        t = end - t > step ? t + step : end;
        if (machine_run_until(r->m, t) < 0)
            return hs_errorf(err, err_size, "%s", machine_error(r->m));
        trace_battery(r, t);
        if (r->failed)
            return hs_errorf(err, err_size, "%s", r->fail_msg);
        if (r->o->stop && *r->o->stop)
            return hs_errorf(err, err_size, "interrupted");
        progress(r, t, t0, &last);
    }
    return 0;
}

/* ---- results ------------------------------------------------------------- */

static ResultsVerdict verdict_results(FlowVerdict v)
{
    return v == FLOW_BLOCKED        ? RESULTS_BLOCKED
           : v == FLOW_VIOLATION    ? RESULTS_VIOLATION
           : v == FLOW_DECLASSIFIED ? RESULTS_DECLASSIFIED
                                    : RESULTS_ALLOWED;
}

static int collect(Run *r, char *err, size_t err_size)
{
    Machine *m = r->m;
    Results *res = r->results;
    hs_time now = sim_now(machine_sim(m));
    results_set_sim_time(res, now);
    PowerMeter *pm = machine_meter(m);
    double total_mj = power_energy_to_mj(machine_energy_total(m));
    uint64_t avg_uw = machine_avg_power_uw(m);
    const SocBattery *bat = &r->soc->battery;
    ResultsEnergy e = {
        .total_mj = total_mj,
        .avg_power_mw = (double)avg_uw / 1000.0,
        .battery_life_h =
            power_battery_life_h(bat->capacity_mah, bat->voltage_mv, avg_uw),
        .ap_awake_pct = machine_ap_awake_pct(m),
    };
    results_set_energy(res, &e);
    for (int c = 0; c < power_component_count(pm); c++)
        if (results_energy_component(
                res, power_component_name(pm, c),
                power_energy_to_mj(power_energy_component(pm, c, now)), err,
                err_size) < 0)
            return -1;
    for (size_t d = 0; d <= machine_domain_count(m); d++) {
        const char *name = d < machine_domain_count(m)
                               ? machine_domain_name(m, (int)d)
                               : "kernel";
        if (results_energy_domain(
                res, name, power_energy_to_mj(machine_energy_domain(m, (int)d)),
                err, err_size) < 0)
            return -1;
    }
    const MachineCounts *mc = machine_counts(m);
    results_count(res, RESULTS_SYSCALLS, mc->ops.syscalls);
    results_count(res, RESULTS_HYPERCALLS, mc->ops.hypercalls);
    results_count(res, RESULTS_SMCS, mc->ops.smcs);
    results_count(res, RESULTS_MMIO_TRAPS, mc->ops.mmio_traps);
    results_count(res, RESULTS_VM_SWITCHES, mc->ops.vm_switches);
    results_count(res, RESULTS_WORLD_SWITCHES, mc->ops.world_switches);
    results_count(res, RESULTS_COPIES_BYTES, mc->ops.copies_bytes);
    results_count(res, RESULTS_TASK_SWITCHES, mc->task_switches);
    if (results_count_dropped(res, "events", mc->events_dropped, err,
                              err_size) < 0)
        return -1;
    for (size_t d = 0; d < machine_domain_count(m); d++)
        if (results_count_instructions(res, machine_domain_name(m, (int)d),
                                       machine_instructions(m, (int)d), err,
                                       err_size) < 0)
            return -1;
    /* driver and service VMs: the instructions their own vCPUs ran */
    for (size_t k = 0; k < machine_kernel_count(m); k++)
        if (machine_kernel_has_vcpu(m, (int)k) &&
            results_count_instructions(res, machine_kernel_name(m, (int)k),
                                       machine_kernel_instructions(m, (int)k),
                                       err, err_size) < 0)
            return -1;
    const char *tcb[MACHINE_MAX_KERNELS];
    size_t n_tcb = machine_tcb(m, tcb, MACHINE_MAX_KERNELS);
    for (size_t i = 0; i < n_tcb; i++)
        if (results_add_tcb(res, tcb[i], err, err_size) < 0)
            return -1;
    for (size_t i = 0; i < N_PARTS; i++) {
        int rc = r->part_state[i]
                     ? parts[i]->finish(r->part_state[i], res, err, err_size)
                     : 0;
        if (rc < 0)
            return rc; /* -1, or PART_MODEL_ERROR */
    }
    for (size_t i = 0; i < flow_record_count(r->flows); i++) {
        const FlowRecord *fr = flow_record_at(r->flows, i);
        ResultsFlow f = {
            .from = fr->from,
            .label = flow_label_name(fr->label),
            .to = fr->to,
            .clearance = flow_label_name(fr->clearance),
            .bytes = fr->bytes,
            .transfers = fr->transfers,
            .path = fr->path,
            .verdict = verdict_results(fr->verdict),
        };
        if (results_add_flow(res, &f, err, err_size) < 0)
            return -1;
    }
    for (size_t i = 0; i < machine_fault_count(m); i++) {
        char line[256];
        vcpu_fault_format(machine_fault(m, i), line, sizeof line);
        if (results_add_fault(res, line, err, err_size) < 0)
            return -1;
    }
    return 0;
}

/* ---- output directory ---------------------------------------------------- */

/* The outputs go to "<out>.partial-<pid>", renamed to <out> at the end. */
static int open_tmp_dir(Run *r, char *err, size_t err_size)
{
    const char *out = r->o->out_dir;
    char parent[4096];
    snprintf(parent, sizeof parent, "%s", out);
    char *slash = strrchr(parent, '/');
    if (slash && slash != parent) {
        *slash = '\0';
        if (outdir_make_dirs(parent, err, err_size) < 0)
            return -1;
    }
    if ((size_t)snprintf(r->tmp_dir, sizeof r->tmp_dir, "%s.partial-%ld", out,
                         (long)getpid()) >= sizeof r->tmp_dir)
        return hs_errorf(err, err_size, "%s: path too long", out);
    outdir_remove_tree(r->tmp_dir);
    if (mkdir(r->tmp_dir, 0777) < 0)
        return hs_errorf(err, err_size, "cannot create %s: %s", r->tmp_dir,
                         strerror(errno));
    return 0;
}

static int commit_dir(Run *r, char *err, size_t err_size)
{
    const char *out = r->o->out_dir;
    if (outdir_commit(r->tmp_dir, out, r->o->force) < 0) {
        if (errno == EEXIST || errno == ENOTEMPTY) {
            r->exists = true;
            return hs_errorf(err, err_size,
                             "%s appeared while this run went on (another "
                             "process wrote it); nothing replaced",
                             out);
        }
        return hs_errorf(err, err_size, "cannot create %s: %s", out,
                         strerror(errno));
    }
    return 0;
}

static int write_outputs(Run *r, double wall_s, char *err, size_t err_size)
{
    char path[4096];
    if (out_path(r, "results.json", path, sizeof path, err, err_size) < 0 ||
        results_write(r->results, path, err, err_size) < 0)
        return -1;
    ResultsHost h = {
        .wall_s = wall_s,
        .sim_time = sim_now(machine_sim(r->m)),
        .peak_rss_kib = results_peak_rss_kib(),
    };
    if (out_path(r, "host.json", path, sizeof path, err, err_size) < 0 ||
        results_write_host(&h, path, err, err_size) < 0)
        return -1;
    if (r->trace && run_trace_close(r->trace, sim_now(machine_sim(r->m)),
                                    r->note, sizeof r->note, err, err_size) < 0)
        return -1;
    if (r->frames) {
        FrameRecorder *f = r->frames;
        r->frames = NULL;
        if (frames_close(f, err, err_size) < 0)
            return -1;
    }
    if (r->pcap) {
        PcapWriter *p = r->pcap;
        r->pcap = NULL;
        if (pcap_writer_close(p, err, err_size) < 0)
            return -1;
    }
    return commit_dir(r, err, err_size);
}

static void run_free(Run *r)
{
    /* Later parts lean on earlier ones (needs): free them first. */
    for (size_t i = N_PARTS; i-- > 0;)
        if (r->part_state[i])
            parts[i]->destroy(r->part_state[i]);
    free(r->rules);
    frames_abort(r->frames);
    if (r->pcap)
        pcap_writer_abort(r->pcap);
    machine_free(r->m);
    flow_monitor_free(r->flows);
    run_trace_free(r->trace); /* after the meter and flows it observes */
    results_free(r->results);
    soc_free(r->soc);
    if (*r->tmp_dir)
        outdir_remove_tree(r->tmp_dir);
}

/* The inputs block of results.json (out/provenance.h). */
static int record_inputs(Run *r, char *err, size_t err_size)
{
    const Scenario *sc = r->sc;
    const char **keys = calloc(sc->n_settings + 1, sizeof *keys);
    const char **values = calloc(sc->n_settings + 1, sizeof *values);
    json_t *in = NULL;
    if (keys && values) {
        for (size_t i = 0; i < sc->n_settings; i++) {
            keys[i] = sc->settings[i].key;
            values[i] = sc->settings[i].value;
        }
        ProvenanceSources src = {
            .scenario_file = sc->file,
            .soc_file = sc->variants[r->o->variant].soc_path,
            .soc_name = r->soc->name,
            .image = r->o->image,
            .firmware = r->o->firmware,
            .service = machine_service_image(r->m),
            .set_keys = keys,
            .set_values = values,
            .n_set = sc->n_settings,
        };
        in = provenance_inputs(&src, err, err_size);
    } else {
        hs_errorf(err, err_size, "out of memory");
    }
    free(keys);
    free(values);
    if (!in)
        return -1;
    results_set_inputs(r->results, in);
    json_decref(in);
    return 0;
}

RunStatus run_scenario(const RunOptions *o, RunSummary *sum, char *err,
                       size_t err_size)
{
    memset(sum, 0, sizeof *sum);
    RunStatus st = run_check_built(o->sc, err, err_size);
    if (st != RUN_OK)
        return st;
    Run r;
    memset(&r, 0, sizeof r);
    r.o = o;
    r.sc = o->sc;
    r.observed_fg = -1;
    double t0 = wall_now();
    const ScenarioVariant *v = &o->sc->variants[o->variant];
    r.soc = soc_load(v->soc_path, err, err_size);
    if (!r.soc)
        return RUN_BAD_INPUT;
    if (build_machine(&r, err, err_size) < 0) {
        run_free(&r);
        return RUN_BAD_INPUT;
    }
    r.results = results_new(o->sc->name, v->name, o->approach, r.soc->name,
                            o->sc->seed);
    if (r.results && record_inputs(&r, err, err_size) < 0) {
        run_free(&r);
        return RUN_BAD_INPUT;
    }
    if (!r.results || open_tmp_dir(&r, err, err_size) < 0 ||
        open_observers(&r, err, err_size) < 0) {
        run_free(&r);
        return RUN_HOST_ERROR;
    }
    int built = build_parts(&r, err, err_size);
    if (built < 0) {
        run_free(&r);
        return built == -2 ? RUN_NOT_BUILT : RUN_BAD_INPUT;
    }
    int collected = -1;
    if (run_machine(&r, err, err_size) < 0 ||
        (collected = collect(&r, err, err_size)) < 0) {
        run_free(&r);
        return collected == PART_MODEL_ERROR ? RUN_MODEL_ERROR : RUN_HOST_ERROR;
    }
    double wall = wall_now() - t0;
    sum->wall_s = wall;
    sum->speedup = wall > 0 ? (double)o->sc->duration_ps / 1e12 / wall : 0;
    sum->faults = (unsigned)machine_fault_count(r.m);
    if (sum->faults)
        vcpu_fault_format(machine_fault(r.m, 0), sum->first_fault,
                          sizeof sum->first_fault);
    if (write_outputs(&r, wall, err, err_size) < 0) {
        bool exists = r.exists;
        run_free(&r);
        return exists ? RUN_EXISTS : RUN_HOST_ERROR;
    }
    *r.tmp_dir = '\0';
    snprintf(sum->trace_note, sizeof sum->trace_note, "%s", r.note);
    run_free(&r);
    return RUN_OK;
}
