/*
 * run_trace.c - the run's trace.json: tracks and observers (run_trace.h).
 */
#include "run/run_trace.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out/trace.h"
#include "power/meter.h"
#include "sim/error.h"

enum {
    PID_CORES = 1,
    PID_POWER = 2,
    PID_FLOWS = 3,
    PID_EVENTS = 4,
    PID_HYP = 5,
    PID_DOMAIN0 = 10,
    PID_KERNEL0 = 100,
};
enum { TID_RRC = 1 };
/* A kernel track's thread for a driver/service VM's own vCPU (the
 * switch threads are 1 + core). */
enum { TID_VM_VCPU = 1000, TID_KERNEL_WORK = 1001 };

/* Flow endpoints get a thread each; more than this share the last. */
#define RT_MAX_ENDPOINTS 64
#define RT_ENDPOINT_NAME 48
#define RT_MAX_RAILS 64

/* What a full trace dropped, by kind. */
enum { DROP_SLICE, DROP_COUNTER, DROP_INSTANT, DROP_FLOW, DROP_KINDS };
static const char *const drop_names[DROP_KINDS] = {"slices", "counters",
                                                   "instants", "flow arrows"};

struct RunTrace {
    Trace *t;
    Machine *m;
    uint64_t max_events;
    bool full;       /* stopped taking events */
    hs_time full_at; /* when it stopped */
    uint64_t dropped[DROP_KINDS];
    char err[512];    /* first observer error, "" if none */
    uint64_t flow_id; /* last flow arrow id */
    char endpoints[RT_MAX_ENDPOINTS][RT_ENDPOINT_NAME];
    size_t n_endpoints;
    int window_kernel;    /* kernel whose window is open, -1 none */
    hs_time window_start; /* its start */
    int last_fg;          /* foreground last traced, -1 none */
    /* each rail's power as last traced (+1 uW, 0 = never traced): a
     * component that never changes state still gets its counter */
    uint64_t traced_uw[RT_MAX_RAILS];
};

/* Observers that fire once the trace is closed add nothing. */
#define OPEN_OR_RETURN(rt)                                                     \
    do {                                                                       \
        if (!(rt) || !(rt)->t)                                                 \
            return;                                                            \
    } while (0)

static void rt_fail(RunTrace *rt)
{
    if (!*rt->err)
        snprintf(rt->err, sizeof rt->err, "%s", trace_error(rt->t));
}

/* Room for n more events at time now; if not, counts `items` of a kind
 * (slices, arrows) as dropped. */
static bool room_for(RunTrace *rt, int kind, unsigned n, uint64_t items,
                     hs_time now)
{
    if (!rt->full && trace_events(rt->t) + n > rt->max_events) {
        rt->full = true;
        rt->full_at = now;
    }
    if (rt->full) {
        rt->dropped[kind] += items;
        return false;
    }
    return true;
}

static bool room(RunTrace *rt, int kind, unsigned n, hs_time now)
{
    return room_for(rt, kind, n, n, now);
}

static int kernel_index(const Machine *m, const char *name)
{
    for (size_t k = 0; k < machine_kernel_count(m); k++)
        if (strcmp(machine_kernel_name(m, (int)k), name) == 0)
            return (int)k;
    return -1;
}

/* ---- observers ----------------------------------------------------------- */

/* The foreground domain, when it changed since last seen: looked at
 * every quantum and every run step, so the change shows within one. */
static void trace_foreground(RunTrace *rt, hs_time now)
{
    int fg = machine_foreground(rt->m);
    if (fg == rt->last_fg || !room(rt, DROP_COUNTER, 1, now))
        return;
    rt->last_fg = fg;
    if (trace_counter(rt->t, PID_POWER, "foreground", now, "domain", fg) < 0)
        rt_fail(rt);
}

static void on_quantum(void *ctx, unsigned core, int vcpu, int domain,
                       hs_time start, hs_time end)
{
    RunTrace *rt = ctx;
    OPEN_OR_RETURN(rt);
    if (!room(rt, DROP_SLICE, 2, start))
        return;
    trace_foreground(rt, start);
    /* a driver/service VM's own vCPU: on its kernel's track */
    bool vm = machine_vcpu_domain(rt->m, vcpu) < 0;
    int k = machine_vcpu_kernel(rt->m, vcpu);
    const char *name =
        vm ? machine_kernel_name(rt->m, k) : machine_domain_name(rt->m, domain);
    uint32_t pid =
        vm ? (uint32_t)(PID_KERNEL0 + k) : (uint32_t)(PID_DOMAIN0 + domain);
    uint32_t tid = vm ? TID_VM_VCPU : (uint32_t)vcpu;
    if (trace_slice(rt->t, PID_CORES, core, name, "cpu", start, end - start,
                    NULL) < 0 ||
        trace_slice(rt->t, pid, tid, "run", "vcpu", start, end - start, NULL) <
            0)
        rt_fail(rt);
}

/* A kernel's own work for a domain (its TCP/IP, RIL, display and storage
 * hops, housekeeping) or a VM: on the domain's (VM's) "kernel work"
 * track and on the core. */
static void on_kernel_work(void *ctx, unsigned core, int vcpu, const char *what,
                           hs_time start, hs_time end)
{
    RunTrace *rt = ctx;
    OPEN_OR_RETURN(rt);
    if (end <= start || !room(rt, DROP_SLICE, 2, start))
        return;
    int d = machine_vcpu_domain(rt->m, vcpu);
    int k = machine_vcpu_kernel(rt->m, vcpu);
    uint32_t pid =
        d >= 0 ? (uint32_t)(PID_DOMAIN0 + d) : (uint32_t)(PID_KERNEL0 + k);
    char name[64];
    snprintf(name, sizeof name, "%s kernel",
             d >= 0 ? machine_domain_name(rt->m, d)
                    : machine_kernel_name(rt->m, k));
    if (trace_slice(rt->t, PID_CORES, core, name, "kernel", start, end - start,
                    NULL) < 0 ||
        trace_slice(rt->t, pid, TID_KERNEL_WORK, what, "kernel", start,
                    end - start, NULL) < 0)
        rt_fail(rt);
}

/* A partition window ends at now: the slice of the one that was open. */
static void close_window(RunTrace *rt, hs_time now)
{
    if (rt->window_kernel < 0 || now <= rt->window_start)
        return;
    if (!room(rt, DROP_SLICE, 1, now))
        return;
    if (trace_slice(rt->t, (uint32_t)(PID_KERNEL0 + rt->window_kernel), 0,
                    "partition window", "schedule", rt->window_start,
                    now - rt->window_start, NULL) < 0)
        rt_fail(rt);
}

static void on_switch(void *ctx, const MachineSwitch *s)
{
    RunTrace *rt = ctx;
    OPEN_OR_RETURN(rt);
    int k = s->into ? kernel_index(rt->m, s->into) : -1;
    /* The cyclic schedule switches every core at once: one window. */
    if (s->core == 0 && (s->window || !s->into) && s->vm_switches) {
        close_window(rt, s->when);
        rt->window_kernel = s->window ? k : -1;
        rt->window_start = s->when;
    }
    uint32_t pid = k >= 0 ? (uint32_t)(PID_KERNEL0 + k) : PID_HYP;
    uint32_t tid = k >= 0 ? 1 + s->core : s->core;
    uint64_t n = s->vm_switches + s->world_switches;
    if (!room(rt, DROP_SLICE, (unsigned)n, s->when))
        return;
    hs_time each = s->dur_ps / n, at = s->when;
    for (uint64_t i = 0; i < n; i++, at += each) {
        const char *name = i < s->vm_switches ? "VM switch" : "world switch";
        if (trace_slice(rt->t, pid, tid, name, "switch", at, each, NULL) < 0) {
            rt_fail(rt);
            return;
        }
    }
}

bool run_trace_is_rrc(const PowerChange *ch)
{
    return strcmp(ch->name, "radio") == 0 && ch->state_name;
}

static void on_power(void *ctx, const PowerChange *ch)
{
    RunTrace *rt = ctx;
    OPEN_OR_RETURN(rt);
    bool radio = run_trace_is_rrc(ch);
    if (!room(rt, DROP_COUNTER, radio ? 3 : 1, ch->when))
        return;
    if (trace_counter(rt->t, PID_POWER, ch->name, ch->when, "mW",
                      (double)ch->power_uw / 1000.0) < 0)
        rt_fail(rt);
    if (ch->component >= 0 && ch->component < RT_MAX_RAILS)
        rt->traced_uw[ch->component] = ch->power_uw + 1;
    /* The radio's power states are its RRC states: a counter of the
     * state's index, and an instant naming it (IDLE, PROMOTION, ...). */
    if (radio && (trace_counter(rt->t, PID_POWER, "RRC state", ch->when,
                                "state", (double)ch->new_state) < 0 ||
                  trace_instant(rt->t, PID_POWER, TID_RRC, ch->state_name,
                                "rrc", ch->when, TRACE_SCOPE_THREAD, NULL) < 0))
        rt_fail(rt);
}

/* The flows thread of an endpoint, named on first use. */
static uint32_t endpoint(RunTrace *rt, const char *name)
{
    for (size_t i = 0; i < rt->n_endpoints; i++)
        if (strcmp(rt->endpoints[i], name) == 0)
            return (uint32_t)i;
    if (rt->n_endpoints == RT_MAX_ENDPOINTS)
        return RT_MAX_ENDPOINTS - 1;
    size_t i = rt->n_endpoints++;
    snprintf(rt->endpoints[i], RT_ENDPOINT_NAME, "%s", name);
    if (trace_thread_name(rt->t, PID_FLOWS, (uint32_t)i, name) < 0)
        rt_fail(rt);
    return (uint32_t)i;
}

void run_trace_flow(RunTrace *rt, const FlowTransfer *t, FlowVerdict v)
{
    OPEN_OR_RETURN(rt);
    /* a slice at each end, the arrow's two ends, and up to two names */
    if (!room_for(rt, DROP_FLOW, 6, 1, t->when))
        return;
    json_t *args = json_pack(
        "{s:s, s:s, s:s, s:s, s:I, s:s, s:s}", "from", t->from, "label",
        flow_label_name(t->label), "to", t->to, "clearance",
        flow_label_name(t->clearance), "bytes", (json_int_t)t->bytes, "path",
        t->path ? t->path : "", "verdict", flow_verdict_name(v));
    const char *name = v == FLOW_VIOLATION      ? "violation"
                       : v == FLOW_BLOCKED      ? "blocked"
                       : v == FLOW_DECLASSIFIED ? "declassified"
                                                : "flow";
    uint32_t src = endpoint(rt, t->from), dst = endpoint(rt, t->to);
    uint64_t id = ++rt->flow_id;
    /* 1 ps slices give the arrow's ends something to bind to. */
    if (trace_slice(rt->t, PID_FLOWS, src, name, "flow", t->when, 1, args) <
            0 ||
        trace_flow(rt->t, TRACE_FLOW_START, id, PID_FLOWS, src, name, "flow",
                   t->when) < 0 ||
        trace_slice(rt->t, PID_FLOWS, dst, name, "flow-in", t->when, 1, args) <
            0 ||
        trace_flow(rt->t, TRACE_FLOW_END, id, PID_FLOWS, dst, name, "flow",
                   t->when) < 0)
        rt_fail(rt);
    json_decref(args);
}

void run_trace_latency(RunTrace *rt, const char *name, hs_time now,
                       hs_time sample)
{
    OPEN_OR_RETURN(rt);
    if (!room(rt, DROP_INSTANT, 1, now))
        return;
    json_t *args = json_pack("{s:f}", "ms", (double)sample / (double)HS_MS);
    if (trace_instant(rt->t, PID_EVENTS, 0, name, "latency", now,
                      TRACE_SCOPE_THREAD, args) < 0)
        rt_fail(rt);
    json_decref(args);
}

void run_trace_step(RunTrace *rt, hs_time now, double battery_pct)
{
    OPEN_OR_RETURN(rt);
    PowerMeter *pm = machine_meter(rt->m);
    for (int c = 0; c < power_component_count(pm) && c < RT_MAX_RAILS; c++) {
        uint64_t uw = power_component_power_uw(pm, c);
        if (rt->traced_uw[c] == uw + 1 || !room(rt, DROP_COUNTER, 1, now))
            continue;
        rt->traced_uw[c] = uw + 1;
        if (trace_counter(rt->t, PID_POWER, power_component_name(pm, c), now,
                          "mW", (double)uw / 1000.0) < 0)
            rt_fail(rt);
    }
    if (!room(rt, DROP_COUNTER, 1, now))
        return;
    if (trace_counter(rt->t, PID_POWER, "battery", now, "%", battery_pct) < 0)
        rt_fail(rt);
    trace_foreground(rt, now);
}

/* ---- open and close ------------------------------------------------------ */

static void name_tracks(RunTrace *rt)
{
    Machine *m = rt->m;
    Trace *t = rt->t;
    char name[96];
    trace_process_name(t, PID_CORES, "AP cores");
    trace_process_name(t, PID_HYP, "hypervisor");
    for (unsigned c = 0; c < machine_core_count(m); c++) {
        snprintf(name, sizeof name, "core %u", c);
        trace_thread_name(t, PID_CORES, c, name);
        snprintf(name, sizeof name, "own switches, core %u", c);
        trace_thread_name(t, PID_HYP, c, name);
    }
    trace_process_name(t, PID_POWER, "power rails (mW)");
    trace_thread_name(t, PID_POWER, TID_RRC, "radio RRC state");
    trace_process_name(t, PID_FLOWS, "information flows");
    trace_process_name(t, PID_EVENTS, "phone events");
    trace_thread_name(t, PID_EVENTS, 0, "latencies (at completion)");
    for (size_t d = 0; d < machine_domain_count(m); d++) {
        snprintf(name, sizeof name, "domain %s",
                 machine_domain_name(m, (int)d));
        trace_process_name(t, (uint32_t)(PID_DOMAIN0 + d), name);
        trace_thread_name(t, (uint32_t)(PID_DOMAIN0 + d), TID_KERNEL_WORK,
                          "kernel work");
    }
    for (size_t v = 0; v < machine_vcpu_count(m); v++) {
        int d = machine_vcpu_domain(m, (int)v);
        snprintf(name, sizeof name, "vcpu %zu", v);
        if (d >= 0)
            trace_thread_name(t, (uint32_t)(PID_DOMAIN0 + d), (uint32_t)v,
                              name);
        else {
            uint32_t kp =
                (uint32_t)(PID_KERNEL0 + machine_vcpu_kernel(m, (int)v));
            trace_thread_name(t, kp, TID_VM_VCPU, "vcpu (service image)");
            trace_thread_name(t, kp, TID_KERNEL_WORK, "kernel work");
        }
    }
    for (size_t k = 0; k < machine_kernel_count(m); k++) {
        uint32_t pid = (uint32_t)(PID_KERNEL0 + k);
        snprintf(name, sizeof name, "kernel %s",
                 machine_kernel_name(m, (int)k));
        trace_process_name(t, pid, name);
        trace_thread_name(t, pid, 0, "partition windows");
        for (unsigned c = 0; c < machine_core_count(m); c++) {
            snprintf(name, sizeof name, "switches in, core %u", c);
            trace_thread_name(t, pid, 1 + c, name);
        }
    }
}

RunTrace *run_trace_open(const char *dir, Machine *m, bool gzip,
                         uint64_t max_events, char *err, size_t err_size)
{
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/trace.json%s", dir,
                         gzip ? ".gz" : "") >= sizeof path) {
        hs_errorf(err, err_size, "%s: path too long", dir);
        return NULL;
    }
    RunTrace *rt = calloc(1, sizeof *rt);
    if (!rt) {
        hs_errorf(err, err_size, "out of memory");
        return NULL;
    }
    rt->t = gzip ? trace_open_gzip(path, err, err_size)
                 : trace_open(path, err, err_size);
    if (!rt->t) {
        free(rt);
        return NULL;
    }
    rt->m = m;
    rt->max_events = max_events ? max_events : RUN_TRACE_MAX_EVENTS;
    rt->window_kernel = -1;
    rt->last_fg = -1;
    name_tracks(rt);
    machine_set_run_hook(m, on_quantum, rt);
    machine_set_switch_hook(m, on_switch, rt);
    machine_set_kernel_work_hook(m, on_kernel_work, rt);
    power_add_observer(machine_meter(m), on_power, rt);
    return rt;
}

const char *run_trace_error(const RunTrace *rt)
{
    return rt ? rt->err : "";
}

int run_trace_close(RunTrace *rt, hs_time now, char *note, size_t note_size,
                    char *err, size_t err_size)
{
    if (note && note_size)
        *note = '\0';
    machine_set_run_hook(rt->m, NULL, NULL);
    machine_set_switch_hook(rt->m, NULL, NULL);
    machine_set_kernel_work_hook(rt->m, NULL, NULL);
    if (!rt->full)
        close_window(rt, now);
    if (rt->full) {
        /* Beyond the limit on purpose: the reader must see what is gone. */
        char at[32], line[512];
        sim_format_duration(rt->full_at, at, sizeof at);
        size_t len = (size_t)snprintf(line, sizeof line,
                                      "trace stopped at %" PRIu64
                                      " events (--trace-max) at %s "
                                      "simulated; dropped",
                                      rt->max_events, at);
        json_t *dropped = json_object();
        for (int k = 0; k < DROP_KINDS; k++) {
            json_object_set_new(dropped, drop_names[k],
                                json_integer((json_int_t)rt->dropped[k]));
            if (len < sizeof line)
                len += (size_t)snprintf(line + len, sizeof line - len,
                                        "%s %" PRIu64 " %s", k ? "," : "",
                                        rt->dropped[k], drop_names[k]);
        }
        json_t *args = json_pack("{s:I, s:s, s:o}", "max_events",
                                 (json_int_t)rt->max_events, "stopped_at", at,
                                 "dropped", dropped);
        trace_instant(rt->t, PID_CORES, 0, "trace truncated", "meta",
                      rt->full_at, TRACE_SCOPE_GLOBAL, args);
        json_decref(args);
        if (note && note_size)
            snprintf(note, note_size, "%s", line);
    }
    Trace *t = rt->t;
    rt->t = NULL;
    return trace_close(t, err, err_size);
}

void run_trace_free(RunTrace *rt)
{
    if (!rt)
        return;
    trace_abort(rt->t);
    free(rt);
}
